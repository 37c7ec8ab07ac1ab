//! What SRT and WebVTT share: blocks of cues (a timing line and text lines), their times, and the
//! `Name: ` speaker prefix.

use super::srt::strip_srt_tags;
use super::vtt::{Run, is_vtt_skipped_block, voice_runs, vtt_body_start};
use super::{Fault, ParseErrorKind, Pending, Segment, UNKNOWN_SPEAKER, normalize, shorten};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    Srt,
    Vtt,
}

impl Dialect {
    fn expected_time(self) -> &'static str {
        match self {
            Dialect::Srt => "HH:MM:SS,mmm",
            Dialect::Vtt => "HH:MM:SS.mmm or MM:SS.mmm",
        }
    }
}

/// A cue: its timing line and its text lines (with their line numbers).
pub(super) struct Cue<'a> {
    pub(super) line: usize,
    start_text: &'a str,
    end_text: &'a str,
    start_ms: u64,
    end_ms: u64,
    pub(super) text: Vec<(usize, &'a str)>,
}

impl<'a> Cue<'a> {
    fn new(number: usize, line: &'a str, dialect: Dialect) -> Result<Self, Fault> {
        let bad_timing = || {
            Fault::at(
                number,
                ParseErrorKind::BadTiming {
                    found: shorten(line),
                },
            )
        };
        let (start, rest) = line.split_once("-->").ok_or_else(bad_timing)?;
        let start_text = start.trim();
        // Cue settings (WebVTT) or coordinates (SRT) may follow the end.
        let end_text = rest.split_whitespace().next().unwrap_or("");
        if start_text.is_empty() || end_text.is_empty() {
            return Err(bad_timing());
        }
        let time = |text: &str| {
            parse_time(text).ok_or_else(|| {
                Fault::at(
                    number,
                    ParseErrorKind::BadTime {
                        time: text.to_owned(),
                        expected: dialect.expected_time(),
                    },
                )
            })
        };
        Ok(Cue {
            line: number,
            start_text,
            end_text,
            start_ms: time(start_text)?,
            end_ms: time(end_text)?,
            text: Vec::new(),
        })
    }

    /// The text lines joined with `\n`, without the `- ` that marks a change of speaker in subtitles.
    pub(super) fn joined(&self) -> String {
        let lines: Vec<&str> = self
            .text
            .iter()
            .map(|&(_, line)| {
                line.strip_prefix(['-', '\u{2013}', '\u{2014}'])
                    .filter(|rest| rest.starts_with([' ', '\t']))
                    .unwrap_or(line)
            })
            .collect();
        lines.join("\n")
    }
}

pub(super) fn read_subtitles(text: &str, dialect: Dialect) -> Result<Vec<Pending>, Fault> {
    let cues = read_cues(text, dialect)?;
    let mut speaker: Option<String> = None;
    let mut pending: Vec<Pending> = Vec::new();
    for cue in &cues {
        let cue_start = pending.len();
        let runs = match dialect {
            Dialect::Srt => vec![Run {
                voice: None,
                text: strip_srt_tags(&cue.joined()),
            }],
            Dialect::Vtt => voice_runs(cue)?,
        };
        for run in runs {
            let (name, speech) = match run.voice {
                Some(voice) => (Some(voice), normalize(&run.text)),
                None => {
                    let (name, speech) = split_speaker(&run.text);
                    (name, normalize(speech))
                }
            };
            // A name updates the speaker even when its cue says nothing, like `Ada:` alone.
            if name.is_some() {
                speaker = name;
            }
            if speech.is_empty() {
                continue;
            }
            let speaker = speaker.as_deref().unwrap_or(UNKNOWN_SPEAKER);
            // One turn per speaker within a cue: `<v A>x</v> <v A>y</v> z` is one segment.
            if let Some(last) = pending.get_mut(cue_start..).and_then(|cue| cue.last_mut())
                && last.segment.speaker == speaker
            {
                last.segment.speech.push(' ');
                last.segment.speech.push_str(&speech);
                continue;
            }
            pending.push(Pending {
                segment: Segment {
                    speaker: speaker.to_owned(),
                    email_address: None,
                    start_time: seconds(cue.start_ms),
                    end_time: seconds(cue.end_ms),
                    speech,
                },
                line: cue.line,
                position: None,
                start_text: cue.start_text.to_owned(),
                end_text: cue.end_text.to_owned(),
            });
        }
    }
    Ok(pending)
}

/// The cues of a subtitle file, their text still raw.
fn read_cues(text: &str, dialect: Dialect) -> Result<Vec<Cue<'_>>, Fault> {
    // Trailing whitespace (and the `\r` of CRLF) never matters in these formats.
    let lines: Vec<(usize, &str)> = text
        .split('\n')
        .enumerate()
        .map(|(i, line)| (i + 1, line.trim_end()))
        .collect();
    let body = match dialect {
        Dialect::Srt => lines.as_slice(),
        Dialect::Vtt => lines.get(vtt_body_start(&lines)?..).unwrap_or_default(),
    };
    let mut cues: Vec<Cue<'_>> = Vec::new();
    let mut block_start = true;
    let mut skipping = false;
    for (i, &(number, line)) in body.iter().enumerate() {
        if line.trim().is_empty() {
            block_start = true;
            skipping = false;
            continue;
        }
        let first_of_block = std::mem::replace(&mut block_start, false);
        if skipping {
            continue;
        }
        if dialect == Dialect::Vtt && first_of_block && is_vtt_skipped_block(line) {
            skipping = true;
            continue;
        }
        if line.contains("-->") {
            cues.push(Cue::new(number, line, dialect)?);
            continue;
        }
        // A cue number (SRT, even without the blank line before it) or a WebVTT cue identifier (any
        // text opening a block) just before a timing line.
        let before_timing = body
            .get(i + 1)
            .is_some_and(|&(_, next)| next.contains("-->"));
        let identifier = match dialect {
            Dialect::Srt => is_cue_number(line),
            Dialect::Vtt => first_of_block || is_cue_number(line),
        };
        if before_timing && identifier {
            continue;
        }
        match cues.last_mut() {
            Some(cue) => cue.text.push((number, line)),
            None => {
                return Err(Fault::at(
                    number,
                    ParseErrorKind::ExpectedCue {
                        found: shorten(line),
                    },
                ));
            }
        }
    }
    Ok(cues)
}

pub(super) fn is_cue_number(line: &str) -> bool {
    !line.is_empty() && line.bytes().all(|byte| byte.is_ascii_digit())
}

/// Milliseconds of `HH:MM:SS,mmm`, `HH:MM:SS.mmm` or `MM:SS.mmm` (hours of any width up to six digits,
/// one or two digits of minutes and seconds, one to three of the fraction, which may be missing).
fn parse_time(text: &str) -> Option<u64> {
    let (clock, millis) = match text.split_once(['.', ',']) {
        Some((clock, fraction)) => {
            let value = digits(fraction, 3)?;
            let scale = match fraction.len() {
                1 => 100,
                2 => 10,
                _ => 1,
            };
            (clock, value * scale)
        }
        None => (text, 0),
    };
    let fields: Vec<&str> = clock.split(':').collect();
    let (hours, minutes, seconds) = match fields.as_slice() {
        [minutes, seconds] => (0, digits(minutes, 2)?, digits(seconds, 2)?),
        [hours, minutes, seconds] => (digits(hours, 6)?, digits(minutes, 2)?, digits(seconds, 2)?),
        _ => return None,
    };
    if minutes >= 60 || seconds >= 60 {
        return None;
    }
    Some(((hours * 60 + minutes) * 60 + seconds) * 1000 + millis)
}

/// A number of one to `max` ASCII digits (small enough that no arithmetic on it overflows).
fn digits(text: &str, max: usize) -> Option<u64> {
    if text.is_empty() || text.len() > max || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn seconds(millis: u64) -> f64 {
    millis as f64 / 1000.0
}

/// A leading `Name: ` on a cue's first line, and the text after it; see the module docs for what counts
/// as a name.
fn split_speaker(text: &str) -> (Option<String>, &str) {
    let text = text.trim_start();
    for (i, c) in text.char_indices() {
        if c == '\n' {
            break;
        }
        if c != ':' {
            continue;
        }
        let after = text.get(i + 1..).unwrap_or("");
        // `10:30` or `https://` are not a name's colon: keep looking.
        if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
            continue;
        }
        let name = text.get(..i).unwrap_or("").trim();
        return if looks_like_name(name) {
            (Some(normalize(name)), after)
        } else {
            (None, text)
        };
    }
    (None, text)
}

fn looks_like_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().count() <= 48
        && name.split_whitespace().count() <= 5
        && !name.contains([',', ';', ':', '!', '?', '"', '<', '>'])
}
