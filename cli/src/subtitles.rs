//! Subtitles of a transcript: timed speech grouped into readable cues ([`cues`]) and the cues written as
//! SubRip or WebVTT ([`write`]). The one place subtitles are written: `transcript --format srt|vtt` and the
//! round-trip tests of [`crate::transcript_file`] both come here.
//!
//! Attio's transcripts are one segment per word, so one cue per segment would flash single words. Cues
//! follow the common subtitle guidelines (BBC, Netflix):
//!
//! - a cue holds one speaker: a change of speaker always starts a new cue;
//! - a pause of [`PAUSE_MS`] or more between words starts a new cue, so text never shows long before or
//!   after it is said;
//! - a cue lasts at most [`MAX_CUE_MS`] (a single word that is longer keeps its own time);
//! - a cue's text fits two lines of [`MAX_LINE_CHARS`] characters, broken at spaces into lines
//!   of balanced length. SRT shows the speaker as a `Name: ` prefix, which counts toward the first line
//!   (a name too long to share its line with a word stands alone on it); WebVTT names the speaker in a
//!   `<v Name>` voice span, which players do not show as text, so it does not count;
//! - a cue starts when its first word starts and ends when its last word ends (times in milliseconds).
//!
//! A segment of several words (an uploaded subtitle file gives them) is split into words whose times are
//! spread over the segment in proportion to their length: a segment that fits one cue keeps its own
//! times, and a longer one is cut where its words would most likely have been said.

use std::fmt::Write as _;

/// The longest a line may be, in characters (BBC and Netflix both say 42 for Latin scripts).
pub const MAX_LINE_CHARS: usize = 42;

/// The longest a cue may last, in milliseconds (Netflix's 7 seconds).
pub const MAX_CUE_MS: u64 = 7_000;

/// A gap between words at least this long, in milliseconds, ends the cue. Gaps within fluent speech are
/// well under half a second; at a full second the speaker has stopped, and a cue held across the silence
/// would show words before they are said. Shorter thresholds cut hesitations into flickering cues.
pub const PAUSE_MS: u64 = 1_000;

/// Which subtitle format to lay out and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// SubRip: numbered cues, `00:00:01,234`, the speaker as a `Name: ` prefix.
    Srt,
    /// WebVTT: the `WEBVTT` header, `00:00:01.234`, the speaker in a `<v Name>` voice span.
    Vtt,
}

/// A timed piece of speech: one word as Attio gives it, or several.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Speech<'a> {
    /// Who spoke.
    pub speaker: &'a str,
    /// What was said.
    pub text: &'a str,
    /// When it starts, in seconds from the start of the recording.
    pub start: f64,
    /// When it ends, in seconds from the start of the recording.
    pub end: f64,
}

/// One subtitle: a speaker's words, laid out in lines, and when they show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cue {
    /// Who speaks, whitespace normalized (may be empty: then no label is written).
    pub speaker: String,
    /// When the cue shows, in milliseconds from the start of the recording.
    pub start_ms: u64,
    /// When it goes, in milliseconds (not before `start_ms`).
    pub end_ms: u64,
    /// The text's lines, without the speaker. In SRT the first may be empty: the label fills that line.
    pub lines: Vec<String>,
}

/// The subtitle text of `speech` in `style`: [`cues`] then [`write`].
pub fn render(speech: &[Speech<'_>], style: Style) -> String {
    write(&cues(speech, style), style)
}

/// The cues of `speech`, by the rules of the module docs. Empty speech is skipped.
pub fn cues(speech: &[Speech<'_>], style: Style) -> Vec<Cue> {
    let mut cues = Vec::new();
    let mut open: Option<Building<'_>> = None;
    for word in speech.iter().flat_map(words) {
        if let Some(building) = &mut open
            && building.take(&word)
        {
            continue;
        }
        if let Some(done) = open.replace(Building::new(word, style)) {
            cues.push(done.finish());
        }
    }
    if let Some(building) = open {
        cues.push(building.finish());
    }
    cues
}

/// One cue for the whole of `speech`, however long, its text wrapped in as many lines as it takes: for
/// round-trip tests, where one segment must read back as one segment.
#[cfg(test)]
pub fn whole_cue(speech: &Speech<'_>, style: Style) -> Cue {
    let speaker = normalize(speech.speaker);
    let mut lines: Vec<String> = Vec::new();
    let mut room = MAX_LINE_CHARS.saturating_sub(label_width(&speaker, style));
    for word in speech.text.split_whitespace() {
        let width = word.chars().count();
        match lines.last_mut() {
            // A lone dash stays on its line even past the limit: starting one, it would read as a mark.
            Some(line) if width < room || is_dash(word) => {
                line.push(' ');
                line.push_str(word);
                room = room.saturating_sub(width + 1);
            }
            Some(_) => {
                lines.push(word.to_owned());
                room = MAX_LINE_CHARS.saturating_sub(width);
            }
            None => {
                lines.push(word.to_owned());
                room = room.saturating_sub(width);
            }
        }
    }
    let start_ms = millis(speech.start);
    Cue {
        speaker,
        start_ms,
        end_ms: millis(speech.end).max(start_ms),
        lines,
    }
}

/// The subtitle file of `cues`: SRT numbers them from 1, WebVTT starts with its header and escapes `&`,
/// `<` and `>` (SRT has no escapes).
pub fn write(cues: &[Cue], style: Style) -> String {
    let mut out = String::new();
    if style == Style::Vtt {
        out.push_str("WEBVTT\n\n");
    }
    for (i, cue) in cues.iter().enumerate() {
        let (start, end) = (timestamp(cue.start_ms, style), timestamp(cue.end_ms, style));
        let first = cue.lines.first().map_or("", String::as_str);
        let rest = cue.lines.get(1..).unwrap_or_default();
        match style {
            Style::Srt => {
                let _ = write!(out, "{}\n{start} --> {end}\n", i + 1);
                let text = match (cue.speaker.is_empty(), first.is_empty()) {
                    (true, _) => first.to_owned(),
                    (false, true) => format!("{}:", cue.speaker),
                    (false, false) => format!("{}: {first}", cue.speaker),
                };
                out.push_str(&text);
                for line in rest {
                    out.push('\n');
                    out.push_str(line);
                }
            }
            Style::Vtt => {
                let _ = writeln!(out, "{start} --> {end}");
                // A voice span needs a name: `<v >` would be an error to readers.
                if !cue.speaker.is_empty() {
                    let _ = write!(out, "<v {}>", vtt_escape(&cue.speaker));
                }
                out.push_str(&vtt_escape(first));
                for line in rest {
                    out.push('\n');
                    out.push_str(&vtt_escape(line));
                }
            }
        }
        out.push_str("\n\n");
    }
    out
}

/// A cue's time: `HH:MM:SS,mmm` in SRT, `HH:MM:SS.mmm` in WebVTT (hours widen past 99).
fn timestamp(millis: u64, style: Style) -> String {
    let separator = match style {
        Style::Srt => ',',
        Style::Vtt => '.',
    };
    let total = millis / 1000;
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        total / 3600,
        total / 60 % 60,
        total % 60,
        millis % 1000
    )
}

/// Milliseconds of a time in seconds; negative times (and NaN) are 0, huge ones saturate.
fn millis(seconds: f64) -> u64 {
    (seconds.max(0.0) * 1000.0).round() as u64
}

/// A word and its time.
struct Word<'a> {
    speaker: &'a str,
    text: &'a str,
    start_ms: u64,
    end_ms: u64,
}

/// The words of a piece of speech, its time spread over them by their length (spaces included).
fn words<'a>(speech: &Speech<'a>) -> Vec<Word<'a>> {
    let start_ms = millis(speech.start);
    let span = millis(speech.end).saturating_sub(start_ms);
    let total = speech.text.trim().chars().count().max(1) as u64;
    let mut offset = 0u64;
    let mut out = Vec::new();
    for text in speech.text.split_whitespace() {
        let width = text.chars().count() as u64;
        // `span * offset` cannot overflow for any real recording; saturate for made-up ones.
        let at =
            |chars: u64| start_ms.saturating_add(span.saturating_mul(chars.min(total)) / total);
        out.push(Word {
            speaker: speech.speaker,
            text,
            start_ms: at(offset),
            end_ms: at(offset + width),
        });
        offset += width + 1;
    }
    // The last word ends with its speech, whatever rounding did.
    if let Some(last) = out.last_mut() {
        last.end_ms = start_ms.saturating_add(span);
    }
    out
}

/// A cue being filled.
struct Building<'a> {
    /// Whitespace normalized, as it is written.
    speaker: String,
    /// The speaker's label width on the first line.
    indent: usize,
    words: Vec<&'a str>,
    start_ms: u64,
    end_ms: u64,
}

impl<'a> Building<'a> {
    fn new(word: Word<'a>, style: Style) -> Self {
        let speaker = normalize(word.speaker);
        Building {
            indent: label_width(&speaker, style),
            speaker,
            words: vec![word.text],
            start_ms: word.start_ms,
            end_ms: word.end_ms.max(word.start_ms),
        }
    }

    /// Adds `word` if the cue's rules allow it.
    fn take(&mut self, word: &Word<'a>) -> bool {
        let end_ms = self.end_ms.max(word.end_ms);
        let same_turn = word
            .speaker
            .split_whitespace()
            .eq(self.speaker.split_whitespace());
        let no_pause = word.start_ms.saturating_sub(self.end_ms) < PAUSE_MS;
        let short = end_ms - self.start_ms <= MAX_CUE_MS;
        if !(same_turn && no_pause && short) {
            return false;
        }
        self.words.push(word.text);
        if layout(&self.words, self.indent).is_none() {
            self.words.pop();
            return false;
        }
        self.end_ms = end_ms;
        true
    }

    fn finish(self) -> Cue {
        let indent = self.indent;
        // Only a lone word can fail to fit (longer than a line, or than what the label leaves): it gets
        // the label's line to itself if that helps, else a line of its own however long.
        let lines = layout(&self.words, indent).unwrap_or_else(|| {
            let text = self.words.join(" ");
            if indent > 0 && text.chars().count() <= MAX_LINE_CHARS {
                vec![String::new(), text]
            } else {
                vec![text]
            }
        });
        Cue {
            speaker: self.speaker,
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            lines,
        }
    }
}

/// The characters a speaker's label takes on the first line: `Name: ` in SRT, nothing in WebVTT.
fn label_width(speaker: &str, style: Style) -> usize {
    match style {
        Style::Srt if !speaker.is_empty() => speaker.chars().count() + 2,
        _ => 0,
    }
}

/// `words` in at most two lines of at most [`MAX_LINE_CHARS`], the first starting after `indent`
/// characters of label; `None` when they do not fit. One line when it fits; else two, broken where the
/// longer line is shortest (the bottom one longer on a tie), never before a lone dash, which would read
/// as a new speaker's mark. When no word fits after the label, the label gets the first line to itself.
fn layout(words: &[&str], indent: usize) -> Option<Vec<String>> {
    let width = |words: &[&str]| {
        words.iter().map(|w| w.chars().count()).sum::<usize>() + words.len().saturating_sub(1)
    };
    if indent + width(words) <= MAX_LINE_CHARS {
        return Some(vec![words.join(" ")]);
    }
    let two_lines = |first: usize| -> Option<(usize, usize)> {
        let (top, bottom) = (words.get(..first)?, words.get(first..)?);
        let dash = bottom.first().is_some_and(|w| is_dash(w));
        let (top_width, bottom_width) = (indent + width(top), width(bottom));
        (!dash && top_width <= MAX_LINE_CHARS && bottom_width <= MAX_LINE_CHARS)
            .then_some((top_width.max(bottom_width), top_width))
    };
    let best = (1..words.len())
        .filter_map(|first| two_lines(first).map(|score| (score, first)))
        .min()
        .map(|(_, first)| first)
        .or_else(|| {
            (indent > 0)
                .then_some(0)
                .filter(|&first| two_lines(first).is_some())
        })?;
    let (top, bottom) = words.split_at(best);
    Some(vec![top.join(" "), bottom.join(" ")])
}

/// A word subtitle readers take for the mark of a new speaker when it opens a line.
fn is_dash(word: &str) -> bool {
    matches!(word, "-" | "\u{2013}" | "\u{2014}")
}

/// Words separated by single spaces.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word<'a>(speaker: &'a str, text: &'a str, start: f64, end: f64) -> Speech<'a> {
        Speech {
            speaker,
            text,
            start,
            end,
        }
    }

    /// Words of `text` by `speaker`, 0.3 s each with 0.1 s between them, from `start`.
    fn said(speaker: &'static str, text: &'static str, start: f64) -> Vec<Speech<'static>> {
        text.split(' ')
            .enumerate()
            .map(|(i, w)| {
                word(
                    speaker,
                    w,
                    start + i as f64 * 0.4,
                    start + i as f64 * 0.4 + 0.3,
                )
            })
            .collect()
    }

    fn texts(cues: &[Cue]) -> Vec<String> {
        cues.iter().map(|c| c.lines.join(" | ")).collect()
    }

    #[test]
    fn words_of_a_turn_share_a_cue_and_speakers_never_do() {
        let mut speech = said("Ada", "Hello, shall we start?", 0.0);
        speech.extend(said("Grace", "Yes.", 1.8));
        let cues = cues(&speech, Style::Srt);
        assert_eq!(texts(&cues), ["Hello, shall we start?", "Yes."]);
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (0, 1500));
        assert_eq!((cues[1].start_ms, cues[1].end_ms), (1800, 2100));
        assert_eq!(
            write(&cues, Style::Srt),
            "1\n00:00:00,000 --> 00:00:01,500\nAda: Hello, shall we start?\n\n\
             2\n00:00:01,800 --> 00:00:02,100\nGrace: Yes.\n\n"
        );
        assert_eq!(
            write(&cues, Style::Vtt),
            "WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v Ada>Hello, shall we start?\n\n\
             00:00:01.800 --> 00:00:02.100\n<v Grace>Yes.\n\n"
        );
    }

    #[test]
    fn a_pause_ends_the_cue_and_a_shorter_gap_does_not() {
        let speech = [
            word("Ada", "one", 0.0, 0.5),
            word("Ada", "two", 1.499, 2.0),
            word("Ada", "three", 3.0, 3.5),
        ];
        let cues = cues(&speech, Style::Vtt);
        assert_eq!(texts(&cues), ["one two", "three"]);
        assert_eq!(cues[0].end_ms, 2000);
        assert_eq!(cues[1].start_ms, 3000);
    }

    #[test]
    fn a_cue_lasts_at_most_seven_seconds_unless_one_word_does() {
        let speech: Vec<Speech<'static>> = (0..10)
            .map(|i| word("Ada", "so", i as f64 * 0.9, i as f64 * 0.9 + 0.8))
            .collect();
        let cues = cues(&speech, Style::Vtt);
        assert_eq!(cues.len(), 2);
        assert!(cues.iter().all(|c| c.end_ms - c.start_ms <= MAX_CUE_MS));
        // Word 7 would end at 7.1 s.
        assert_eq!(cues[0].lines, ["so so so so so so so"]);
        let long = super::cues(&[word("Ada", "Hmmmm", 0.0, 9.5)], Style::Srt);
        assert_eq!((long[0].start_ms, long[0].end_ms), (0, 9500));
    }

    #[test]
    fn text_breaks_into_two_balanced_lines_of_42_with_the_srt_label() {
        let text = "we looked at the renewals and the pipeline and then we talked about pricing for next year";
        let speech = said("Ada Lovelace", text, 0.0);
        for style in [Style::Srt, Style::Vtt] {
            let cues = cues(&speech, style);
            let words: Vec<&str> = cues
                .iter()
                .flat_map(|c| c.lines.iter().flat_map(|l| l.split_whitespace()))
                .collect();
            assert_eq!(words.join(" "), text);
            for cue in &cues {
                assert!(cue.lines.len() <= 2, "{cue:?}");
                let indent = label_width(&cue.speaker, style);
                for (i, line) in cue.lines.iter().enumerate() {
                    let width = line.chars().count() + if i == 0 { indent } else { 0 };
                    assert!(width <= MAX_LINE_CHARS, "{style:?} {cue:?}");
                }
            }
        }
        // The label counts in SRT, so SRT's first cue holds fewer words than WebVTT's.
        let srt = cues(&speech, Style::Srt);
        let vtt = cues(&speech, Style::Vtt);
        assert_eq!(
            srt[0].lines,
            [
                "we looked at the renewals",
                "and the pipeline and then we talked about"
            ]
        );
        assert_eq!(
            vtt[0].lines,
            [
                "we looked at the renewals and the pipeline",
                "and then we talked about pricing for next"
            ]
        );
    }

    #[test]
    fn a_line_never_starts_with_a_lone_dash() {
        let lines = layout(&["aaaaaaaaaaaaaaaaaaaa", "-", "bbbbbbbbbbbbbbbbbbbbb"], 0);
        assert_eq!(
            lines,
            Some(vec![
                "aaaaaaaaaaaaaaaaaaaa -".to_owned(),
                "bbbbbbbbbbbbbbbbbbbbb".to_owned()
            ])
        );
    }

    #[test]
    fn a_long_name_or_word_takes_a_line_of_its_own() {
        let name = "Alexandra Josephine Bellingham-Smythe";
        let speech = [word(name, "Extraordinarily", 0.0, 1.0)];
        let srt = render(&speech, Style::Srt);
        assert_eq!(
            srt,
            format!("1\n00:00:00,000 --> 00:00:01,000\n{name}:\nExtraordinarily\n\n")
        );
        let word_too_long = "x".repeat(50);
        let cue = cues(&[word("Ada", &word_too_long, 0.0, 1.0)], Style::Srt);
        assert_eq!(cue[0].lines, [word_too_long]);
    }

    #[test]
    fn several_words_in_one_segment_share_its_time_by_length() {
        let cues = cues(&[word("Ada", "ab  cd", 1.0, 1.5)], Style::Srt);
        assert_eq!(texts(&cues), ["ab cd"]);
        assert_eq!((cues[0].start_ms, cues[0].end_ms), (1000, 1500));
        let split: Vec<(u64, u64)> = words(&word("Ada", "ab cd", 1.0, 1.5))
            .iter()
            .map(|w| (w.start_ms, w.end_ms))
            .collect();
        assert_eq!(split, [(1000, 1200), (1300, 1500)]);
    }

    #[test]
    fn vtt_escapes_and_srt_does_not_and_empty_names_are_not_labels() {
        let speech = [
            word("R&D <team>", "Yes <now> & here.", 3661.5, 3663.0),
            word("", "who?", 3664.0, 3665.0),
        ];
        assert_eq!(
            render(&speech, Style::Vtt),
            "WEBVTT\n\n01:01:01.500 --> 01:01:03.000\n<v R&amp;D &lt;team&gt;>Yes &lt;now&gt; &amp; here.\n\n\
             01:01:04.000 --> 01:01:05.000\nwho?\n\n"
        );
        assert_eq!(
            render(&speech, Style::Srt),
            "1\n01:01:01,500 --> 01:01:03,000\nR&D <team>: Yes <now> & here.\n\n\
             2\n01:01:04,000 --> 01:01:05,000\nwho?\n\n"
        );
        assert_eq!(render(&[], Style::Vtt), "WEBVTT\n\n");
        assert_eq!(render(&[], Style::Srt), "");
    }

    #[test]
    fn odd_times_do_not_panic_or_go_backwards() {
        let speech = [
            word("Ada", "a", -1.0, f64::NAN),
            word("Ada", "b", 2.0, 1.0),
            word("Ada", "c", f64::INFINITY, f64::INFINITY),
        ];
        for cue in cues(&speech, Style::Srt) {
            assert!(cue.start_ms <= cue.end_ms, "{cue:?}");
        }
        assert_eq!(timestamp(360_000_001, Style::Srt), "100:00:00,001");
    }
}
