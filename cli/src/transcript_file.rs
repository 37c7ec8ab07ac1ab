//! Reading a call transcript from a file, for `attio-meetings recordings create MEETING --transcript FILE`.
//!
//! [`parse`] reads one of three [`Format`]s into [`Segment`]s, the shape of Attio's
//! `NewTranscriptSegment` (times in seconds from the start of the recording):
//!
//! - **JSON**: an array of Attio's segments,
//!   `[{"speech": "…", "start_time": 1.5, "end_time": 3.0, "speaker": {"name": "Ada", "email_address": "…"}}]`
//!   (`email_address` optional, `speaker` may also be a plain name); the same array under `segments` or
//!   `transcript`, as Attio's transcript and call-recording answers carry it, optionally wrapped in
//!   `{"data": …}`; or JSON Lines, one segment per line, as `attio-meetings transcript MEETING RECORDING
//!   --format json` prints it. Other fields are ignored; speech and names are trimmed.
//! - **SRT** (SubRip): numbered cues `1`, `00:00:01,000 --> 00:00:04,000`, text lines, a blank line. A UTF-8
//!   BOM, CRLF line ends, missing cue numbers, `.` for `,`, one-digit hours, trailing whitespace, extra or
//!   missing blank lines and position suffixes (`X1:…`) are tolerated. `<i>`, `<b>`, `<u>`, `<s>`,
//!   `<font …>` and `{\an8}`-style tags are stripped; no entities are decoded (SRT has none).
//! - **WebVTT**: the `WEBVTT` header (and the header lines after it), cue identifiers, `MM:SS.mmm` or
//!   `HH:MM:SS.mmm` timings with cue settings after them; `NOTE`, `STYLE` and `REGION` blocks are skipped.
//!   Voice spans `<v Name>` / `<v.class Name>` name the speaker; every other tag (`<c>`, `<i>`, `<b>`,
//!   `<u>`, `<lang>`, `<ruby>`, timestamps such as `<00:00:01.500>`) is dropped with its text kept, except
//!   ruby annotations (`<rt>…</rt>`), which are dropped with their text. `&amp; &lt; &gt; &nbsp; &lrm;
//!   &rlm; &quot; &apos;` and numeric references are decoded.
//!
//! Decisions that hold for both subtitle formats:
//!
//! - **Speakers.** Without a voice span, a cue's text may start with `Name: `, as Zoom writes it: on the
//!   first line, up to five words and 48 characters with none of `,;:!?"<>`, then a colon followed by
//!   whitespace or the end of the text (so `10:30` or `https://` never end a name). A cue with no speaker
//!   of its own continues the previous segment's speaker, or is spoken by [`UNKNOWN_SPEAKER`] when no cue
//!   has named one yet; a cue of just `Name:` sets the speaker for the next ones. A sentence such as
//!   `Note: the budget…` is read as speaker `Note`: nothing tells the two apart.
//! - **Several voices in one cue** become one segment per voice, in order, each with the cue's own start
//!   and end: the file does not say when each voice spoke, and splitting the time would put invented
//!   times into Attio. Consecutive stretches of one speaker within a cue make one segment.
//! - **Text** becomes one line: lines are joined with a space, runs of whitespace become one space, and a
//!   `- ` opening a line (subtitles' mark of a new speaker) is dropped. Cues whose text is empty once tags
//!   are removed are skipped, not errors (as are JSON segments with empty speech).
//! - **Broken blocks.** Text lines after a blank line but without a timing line continue the previous
//!   cue (a stray blank line inside cue text is common); before the first cue they are an error. A text
//!   line containing `-->` is read as a timing line.
//!
//! Rules checked on every format, in file order: `start_time >= 0`, `end_time >= start_time`, a
//! non-empty speaker name, starts in non-decreasing order (Attio expects ordered segments), at least one
//! segment, and at most [`MAX_SEGMENTS`]. Every failure is a [`ParseError`] naming the file, the line and
//! what is wrong.
//!
//! A cue of several words, as `attio-meetings transcript --format srt|vtt` writes them
//! ([`crate::subtitles`]), is read as one segment of the cue's time: as with several voices in a cue,
//! giving each word a time of its own would put invented times into Attio.
//!
//! The parts: [`json`] reads JSON, [`cues`] the blocks, times and speaker prefixes SRT and WebVTT share,
//! [`srt`] and [`vtt`] what is particular to each. Writing subtitles is [`crate::subtitles`]' job.

mod cues;
mod json;
mod srt;
mod vtt;

use std::fmt;
use std::path::Path;

use cues::{Dialect, is_cue_number, read_subtitles};
use json::read_json;

/// The most segments Attio accepts in one call recording's transcript.
pub const MAX_SEGMENTS: usize = 4000;

/// The speaker of subtitle cues read before any cue names one.
pub const UNKNOWN_SPEAKER: &str = "Unknown speaker";

/// A transcript file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An array of Attio's segments (bare, under `segments`/`transcript`, in `data`), or JSON Lines.
    Json,
    /// SubRip subtitles (`.srt`).
    Srt,
    /// WebVTT subtitles (`.vtt`).
    Vtt,
}

impl Format {
    /// The format of a file, by its extension (`.json`, `.jsonl`, `.ndjson`, `.srt`, `.vtt`, `.webvtt`,
    /// in any case) or else by its content: a `WEBVTT` header, a JSON array or object, or an SRT cue (a
    /// cue number followed by a timing line, or a timing line). `None` when neither tells.
    pub fn detect(path_or_name: impl AsRef<Path>, text: &str) -> Option<Format> {
        let by_name = path_or_name
            .as_ref()
            .extension()
            .and_then(|ext| ext.to_str())
            .and_then(Format::from_extension);
        by_name.or_else(|| Format::sniff(text))
    }

    /// The format a file extension (without its dot, in any case) or a format name stands for:
    /// `json`/`jsonl`/`ndjson`, `srt`, `vtt`/`webvtt`.
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension.to_ascii_lowercase().as_str() {
            "json" | "jsonl" | "ndjson" => Some(Format::Json),
            "srt" => Some(Format::Srt),
            "vtt" | "webvtt" => Some(Format::Vtt),
            _ => None,
        }
    }

    fn sniff(text: &str) -> Option<Format> {
        let text = strip_bom(text).trim_start();
        if let Some(after) = text.strip_prefix("WEBVTT")
            && after
                .chars()
                .next()
                .is_none_or(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n')
        {
            return Some(Format::Vtt);
        }
        if text.starts_with(['[', '{']) {
            return Some(Format::Json);
        }
        let mut lines = text.lines().map(str::trim);
        let first = lines.next().unwrap_or("");
        let srt = first.contains("-->")
            || (is_cue_number(first) && lines.next().is_some_and(|line| line.contains("-->")));
        srt.then_some(Format::Srt)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Json => "JSON",
            Format::Srt => "SRT",
            Format::Vtt => "WebVTT",
        })
    }
}

/// One timed piece of speech, as Attio's `NewTranscriptSegment` takes it.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Who spoke (never empty).
    pub speaker: String,
    /// The speaker's email address, when the file gives one (only JSON can).
    pub email_address: Option<String>,
    /// When the segment starts, in seconds from the start of the recording.
    pub start_time: f64,
    /// When it ends, in seconds from the start of the recording (not before `start_time`).
    pub end_time: f64,
    /// What was said: trimmed, never empty.
    pub speech: String,
}

/// Why a transcript file could not be read: the file, where, and what.
///
/// Displays as `transcript.srt line 14: end 00:00:03,000 is before start 00:00:04,000`; JSON arrays also
/// give the segment's position (`line 1 (segment 3)`), and file-wide failures no line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The file's name as given to [`parse`].
    pub source_name: String,
    /// The 1-based line the problem is on; `None` for file-wide problems (no segments, too many).
    pub line: Option<usize>,
    /// The 1-based position of the segment in a JSON array, when the problem is in one.
    pub segment: Option<usize>,
    /// What is wrong.
    pub kind: ParseErrorKind,
}

/// What is wrong with a transcript file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParseErrorKind {
    /// Malformed JSON, or JSON not shaped like a transcript (the message says how).
    Json(String),
    /// A WebVTT file without its `WEBVTT` first line.
    MissingHeader,
    /// A subtitle line that belongs to no cue (before the first timing line).
    ExpectedCue {
        /// The line (shortened).
        found: String,
    },
    /// A timing line without a start and an end around `-->`.
    BadTiming {
        /// The line (shortened).
        found: String,
    },
    /// A time that is not a subtitle timestamp.
    BadTime {
        /// The time as written.
        time: String,
        /// The forms accepted.
        expected: &'static str,
    },
    /// A WebVTT voice span with no name, such as `<v>`.
    EmptyVoice {
        /// The tag as written.
        tag: String,
    },
    /// A speaker's name that is empty.
    EmptySpeaker,
    /// A speaker's `email_address` that is not an email address.
    BadEmail {
        /// The address as written.
        email: String,
    },
    /// A start before the recording's start.
    NegativeStart {
        /// The start as written (JSON: seconds).
        start: String,
    },
    /// An end before its start.
    EndBeforeStart {
        /// The start as written.
        start: String,
        /// The end as written.
        end: String,
    },
    /// A start before the previous segment's start.
    OutOfOrder {
        /// This segment's start as written.
        start: String,
        /// The previous segment's start as written.
        previous: String,
    },
    /// More segments than Attio accepts in one recording.
    TooManySegments {
        /// How many the file has.
        count: usize,
    },
    /// No segment with speech in the whole file.
    NoSegments,
}

impl fmt::Display for ParseErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseErrorKind::Json(message) => f.write_str(message),
            ParseErrorKind::MissingHeader => {
                f.write_str("missing the `WEBVTT` line a WebVTT file starts with")
            }
            ParseErrorKind::ExpectedCue { found } => {
                write!(
                    f,
                    "expected a cue timing line (`START --> END`), found `{found}`"
                )
            }
            ParseErrorKind::BadTiming { found } => {
                write!(f, "expected a timing line `START --> END`, found `{found}`")
            }
            ParseErrorKind::BadTime { time, expected } => {
                write!(f, "invalid time `{time}` (expected {expected})")
            }
            ParseErrorKind::EmptyVoice { tag } => {
                write!(f, "the voice tag `{tag}` names no speaker")
            }
            ParseErrorKind::EmptySpeaker => f.write_str("the speaker's name is empty"),
            ParseErrorKind::BadEmail { email } => write!(f, "`{email}` is not an email address"),
            ParseErrorKind::NegativeStart { start } => write!(f, "start {start} is negative"),
            ParseErrorKind::EndBeforeStart { start, end } => {
                write!(f, "end {end} is before start {start}")
            }
            ParseErrorKind::OutOfOrder { start, previous } => write!(
                f,
                "start {start} is before the previous segment's start {previous} \
                 (Attio expects segments in order)"
            ),
            ParseErrorKind::TooManySegments { count } => write!(
                f,
                "{count} segments, but Attio accepts at most {MAX_SEGMENTS} in one recording"
            ),
            ParseErrorKind::NoSegments => f.write_str("no segments with speech"),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source_name)?;
        if let Some(line) = self.line {
            write!(f, " line {line}")?;
        }
        if let Some(segment) = self.segment {
            write!(f, " (segment {segment})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

impl std::error::Error for ParseError {}

/// Reads the segments of a transcript file's `text` in `format`, checking the rules of the module docs;
/// `source_name` names the file in errors.
pub fn parse(text: &str, format: Format, source_name: &str) -> Result<Vec<Segment>, ParseError> {
    let text = strip_bom(text);
    let pending = match format {
        Format::Json => read_json(text),
        Format::Srt => read_subtitles(text, Dialect::Srt),
        Format::Vtt => read_subtitles(text, Dialect::Vtt),
    };
    pending.and_then(check).map_err(|fault| ParseError {
        source_name: source_name.to_owned(),
        line: fault.line,
        segment: fault.segment,
        kind: fault.kind,
    })
}

// ---- checks shared by every format -------------------------------------------------------------------

/// A failure before the file's name is attached.
struct Fault {
    line: Option<usize>,
    segment: Option<usize>,
    kind: ParseErrorKind,
}

impl Fault {
    fn at(line: usize, kind: ParseErrorKind) -> Self {
        Fault {
            line: Some(line),
            segment: None,
            kind,
        }
    }
}

/// A segment read from the file, with what its errors need to say.
struct Pending {
    segment: Segment,
    line: usize,
    position: Option<usize>,
    /// The times as the file writes them.
    start_text: String,
    end_text: String,
}

fn check(pending: Vec<Pending>) -> Result<Vec<Segment>, Fault> {
    let mut segments = Vec::with_capacity(pending.len());
    let mut previous: Option<(f64, String)> = None;
    for item in pending {
        let fault = |kind| Fault {
            line: Some(item.line),
            segment: item.position,
            kind,
        };
        let segment = &item.segment;
        if segment.start_time < 0.0 {
            return Err(fault(ParseErrorKind::NegativeStart {
                start: item.start_text,
            }));
        }
        if segment.end_time < segment.start_time {
            return Err(fault(ParseErrorKind::EndBeforeStart {
                start: item.start_text,
                end: item.end_text,
            }));
        }
        if segment.speaker.trim().is_empty() {
            return Err(fault(ParseErrorKind::EmptySpeaker));
        }
        if let Some((previous_start, previous_text)) = &previous
            && segment.start_time < *previous_start
        {
            return Err(fault(ParseErrorKind::OutOfOrder {
                start: item.start_text,
                previous: previous_text.clone(),
            }));
        }
        previous = Some((segment.start_time, item.start_text));
        segments.push(item.segment);
    }
    if segments.is_empty() {
        return Err(Fault {
            line: None,
            segment: None,
            kind: ParseErrorKind::NoSegments,
        });
    }
    if segments.len() > MAX_SEGMENTS {
        return Err(Fault {
            line: None,
            segment: None,
            kind: ParseErrorKind::TooManySegments {
                count: segments.len(),
            },
        });
    }
    Ok(segments)
}

// ---- text helpers shared by every format ----------------------------------------------------------------

/// Words separated by single spaces: lines joined, runs of whitespace (`&nbsp;` too) made one space.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn shorten(line: &str) -> String {
    const MAX: usize = 60;
    let line = line.trim();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", line.get(..cut).unwrap_or(line)),
        None => line.to_owned(),
    }
}

fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

#[cfg(test)]
mod tests;
