//! What only WebVTT has: its header and skipped blocks, voice spans, other tags and character references.

use super::cues::Cue;
use super::{Fault, ParseErrorKind, normalize};

/// The index of the first line after a WebVTT file's header (the `WEBVTT` line and the lines after it up
/// to a blank line, such as YouTube's `Kind: captions`).
pub(super) fn vtt_body_start(lines: &[(usize, &str)]) -> Result<usize, Fault> {
    let first = lines
        .iter()
        .position(|(_, line)| !line.trim().is_empty())
        .unwrap_or(0);
    let (number, line) = lines.get(first).copied().unwrap_or((1, ""));
    let header = line
        .trim_start()
        .strip_prefix("WEBVTT")
        .is_some_and(|after| after.chars().next().is_none_or(|c| c == ' ' || c == '\t'));
    if !header {
        return Err(Fault::at(number, ParseErrorKind::MissingHeader));
    }
    let mut end = first + 1;
    // A timing line right under the header (no blank line) starts the cues all the same.
    while lines
        .get(end)
        .is_some_and(|(_, line)| !line.trim().is_empty() && !line.contains("-->"))
    {
        end += 1;
    }
    Ok(end)
}

pub(super) fn is_vtt_skipped_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|after| after.chars().next().is_none_or(|c| c == ' ' || c == '\t'))
    })
}

/// A stretch of a cue's text and the voice it is in (WebVTT's `<v>`), if any.
pub(super) struct Run {
    pub(super) voice: Option<String>,
    pub(super) text: String,
}

/// The runs of a WebVTT cue's text: tags other than voices dropped, entities decoded.
pub(super) fn voice_runs(cue: &Cue<'_>) -> Result<Vec<Run>, Fault> {
    let joined = cue.joined();
    let mut runs: Vec<Run> = Vec::new();
    let mut current = Run {
        voice: None,
        text: String::new(),
    };
    let mut in_ruby_text = false;
    let mut rest = joined.as_str();
    while let Some(open) = rest.find('<') {
        let (before, tail) = rest.split_at(open);
        if !in_ruby_text {
            current.text.push_str(&decode_entities(before));
        }
        // An unclosed `<` is kept as text rather than swallowing the rest of the cue.
        let Some(close) = tail.find('>') else {
            rest = tail;
            break;
        };
        let tag = tail.get(1..close).unwrap_or("");
        rest = tail.get(close + 1..).unwrap_or("");
        let name_end = tag
            .find(|c: char| c == '.' || c.is_whitespace())
            .unwrap_or(tag.len());
        match tag.get(..name_end).unwrap_or("") {
            "v" => {
                // `<v.class Name>`: the name (annotation) follows the first whitespace.
                let annotation = tag
                    .find(char::is_whitespace)
                    .and_then(|space| tag.get(space..))
                    .unwrap_or("");
                let voice = normalize(&decode_entities(annotation));
                if voice.is_empty() {
                    let offset = joined.len() - tail.len();
                    let newlines = joined
                        .get(..offset)
                        .map_or(0, |before| before.matches('\n').count());
                    let line = cue.text.get(newlines).map_or(cue.line, |&(line, _)| line);
                    return Err(Fault::at(
                        line,
                        ParseErrorKind::EmptyVoice {
                            tag: format!("<{tag}>"),
                        },
                    ));
                }
                runs.push(current);
                current = Run {
                    voice: Some(voice),
                    text: String::new(),
                };
            }
            "/v" => {
                runs.push(current);
                current = Run {
                    voice: None,
                    text: String::new(),
                };
            }
            "rt" => in_ruby_text = true,
            "/rt" | "/ruby" => in_ruby_text = false,
            // Classes, italics, bold, underline, language, ruby bases, timestamps: text only.
            _ => {}
        }
    }
    if !in_ruby_text {
        current.text.push_str(&decode_entities(rest));
    }
    runs.push(current);
    Ok(runs)
}

fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        let (before, tail) = rest.split_at(amp);
        out.push_str(before);
        match entity(tail) {
            Some((decoded, len)) => {
                out.push(decoded);
                rest = tail.get(len..).unwrap_or("");
            }
            // Not a reference: a literal `&`.
            None => {
                out.push('&');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The character a reference at the start of `text` (`&amp;`, `&#38;`, `&#x26;`) stands for, and its
/// length.
fn entity(text: &str) -> Option<(char, usize)> {
    let semicolon = text.find(';').filter(|&at| at <= 10)?;
    let name = text.get(1..semicolon)?;
    let decoded = match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "nbsp" => '\u{a0}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let number = name.strip_prefix('#')?;
            let code = match number.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => number.parse().ok()?,
            };
            char::from_u32(code)?
        }
    };
    Some((decoded, semicolon + 1))
}
