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
//! [`to_srt`] and [`to_vtt`] write segments back, one cue per segment, for round trips.

use std::fmt::{self, Write as _};
use std::path::Path;

use serde_json::{Map, Value};

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

/// SubRip text of `segments`: one numbered cue per segment, its text `Speaker: speech` on one line.
///
/// `parse(&to_srt(x), Format::Srt, _) == x` when the times have millisecond precision and are ordered,
/// the speech is non-empty, trimmed, single-spaced and free of SRT formatting tags and `-->` (SRT has no
/// escapes), the speaker's name reads as a name (see the module docs) and no segment has an email
/// address (SRT cannot carry one).
// The command only reads transcripts: these writers serve round-trip tests.
#[cfg_attr(not(test), allow(dead_code))]
pub fn to_srt(segments: &[Segment]) -> String {
    let mut out = String::new();
    for (i, segment) in segments.iter().enumerate() {
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}: {}\n\n",
            i + 1,
            timestamp(segment.start_time, ','),
            timestamp(segment.end_time, ','),
            normalize(&segment.speaker),
            normalize(&segment.speech),
        );
    }
    out
}

/// WebVTT text of `segments`: the header, then one cue per segment, its text `<v Speaker>speech` with
/// `&`, `<` and `>` escaped.
///
/// `parse(&to_vtt(x), Format::Vtt, _) == x` when the times have millisecond precision and are ordered,
/// the speech and name are non-empty, trimmed and single-spaced and no segment has an email address.
#[cfg_attr(not(test), allow(dead_code))]
pub fn to_vtt(segments: &[Segment]) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for segment in segments {
        let _ = write!(
            out,
            "{} --> {}\n<v {}>{}\n\n",
            timestamp(segment.start_time, '.'),
            timestamp(segment.end_time, '.'),
            vtt_escape(&normalize(&segment.speaker)),
            vtt_escape(&normalize(&segment.speech)),
        );
    }
    out
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

// ---- JSON ----------------------------------------------------------------------------------------------

fn read_json(text: &str) -> Result<Vec<Pending>, Fault> {
    let lines = LineIndex::new(text);
    // A stream reads one document and JSON Lines alike; each value's offset gives its line.
    let mut values = Vec::new();
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    loop {
        let offset = skip_json_whitespace(text, stream.byte_offset());
        match stream.next() {
            None => break,
            Some(Ok(value)) => values.push((offset, value)),
            Some(Err(error)) => return Err(json_syntax(&error)),
        }
    }
    let mut pending = Vec::new();
    match values.as_slice() {
        [(offset, value)] if !is_segment(value) => {
            let mut path = Vec::new();
            let items = segments_of(value, &mut path)
                .map_err(|message| Fault::at(lines.line(*offset), ParseErrorKind::Json(message)))?;
            let offsets = element_offsets(text, *offset, &path);
            for (i, item) in items.iter().enumerate() {
                let line = lines.line(offsets.get(i).copied().unwrap_or(*offset));
                let read = json_segment(item).map_err(|kind| Fault {
                    line: Some(line),
                    segment: Some(i + 1),
                    kind,
                })?;
                if let Some((segment, start_text, end_text)) = read {
                    pending.push(Pending {
                        segment,
                        line,
                        position: Some(i + 1),
                        start_text,
                        end_text,
                    });
                }
            }
        }
        // JSON Lines (or a lone segment): one segment per value.
        values => {
            for (offset, value) in values {
                let line = lines.line(*offset);
                let read = json_segment(value).map_err(|kind| Fault::at(line, kind))?;
                if let Some((segment, start_text, end_text)) = read {
                    pending.push(Pending {
                        segment,
                        line,
                        position: None,
                        start_text,
                        end_text,
                    });
                }
            }
        }
    }
    Ok(pending)
}

fn json_syntax(error: &serde_json::Error) -> Fault {
    // serde_json appends the position, which the error gives as a line of its own.
    let message = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&position).unwrap_or(&message);
    Fault {
        line: (error.line() > 0).then_some(error.line()),
        segment: None,
        kind: ParseErrorKind::Json(format!(
            "invalid JSON: {message} (column {})",
            error.column()
        )),
    }
}

fn is_segment(value: &Value) -> bool {
    value.get("speech").is_some()
}

/// The segments array of a document, and the keys that lead to it (to find its elements' lines).
fn segments_of<'v>(value: &'v Value, path: &mut Vec<&'static str>) -> Result<&'v [Value], String> {
    match value {
        Value::Array(items) => Ok(items),
        Value::Object(map) => {
            for key in ["data", "segments", "transcript"] {
                if let Some(inner) = map.get(key) {
                    // A recording that has no transcript yet carries `"transcript": null`.
                    if inner.is_null() {
                        return Ok(&[]);
                    }
                    path.push(key);
                    return segments_of(inner, path);
                }
            }
            Err(
                "expected an array of segments, or an object holding them in `segments`, \
                 `transcript` or `data`"
                    .to_owned(),
            )
        }
        other => Err(format!(
            "expected an array of segments, found {}",
            json_kind(other)
        )),
    }
}

type JsonSegment = (Segment, String, String);

/// One segment, with its times as text; `None` when its speech is empty.
fn json_segment(value: &Value) -> Result<Option<JsonSegment>, ParseErrorKind> {
    let Value::Object(map) = value else {
        return Err(ParseErrorKind::Json(format!(
            "expected a segment object, found {}",
            json_kind(value)
        )));
    };
    let speech = json_string(map, "speech", "speech")?;
    let start_time = json_number(map, "start_time")?;
    let end_time = json_number(map, "end_time")?;
    let (speaker, email_address) = match map.get("speaker") {
        Some(Value::Object(speaker)) => {
            let name = json_string(speaker, "name", "speaker.name")?;
            let email = match speaker.get("email_address") {
                None | Some(Value::Null) => None,
                Some(Value::String(email)) if email.trim().is_empty() => None,
                Some(Value::String(email)) if is_email(email.trim()) => {
                    Some(email.trim().to_owned())
                }
                Some(Value::String(email)) => {
                    return Err(ParseErrorKind::BadEmail {
                        email: email.clone(),
                    });
                }
                Some(other) => {
                    return Err(ParseErrorKind::Json(format!(
                        "`speaker.email_address` must be a string, found {}",
                        json_kind(other)
                    )));
                }
            };
            (name, email)
        }
        Some(Value::String(name)) => (name.as_str(), None),
        Some(other) => {
            return Err(ParseErrorKind::Json(format!(
                "`speaker` must be an object with a `name`, found {}",
                json_kind(other)
            )));
        }
        None => return Err(ParseErrorKind::Json("missing `speaker`".to_owned())),
    };
    let speech = speech.trim();
    if speech.is_empty() {
        return Ok(None);
    }
    let segment = Segment {
        speaker: speaker.trim().to_owned(),
        email_address,
        start_time,
        end_time,
        speech: speech.to_owned(),
    };
    Ok(Some((
        segment,
        format!("{start_time}s"),
        format!("{end_time}s"),
    )))
}

fn json_string<'m>(
    map: &'m Map<String, Value>,
    key: &str,
    label: &str,
) -> Result<&'m str, ParseErrorKind> {
    match map.get(key) {
        Some(Value::String(text)) => Ok(text),
        Some(other) => Err(ParseErrorKind::Json(format!(
            "`{label}` must be a string, found {}",
            json_kind(other)
        ))),
        None => Err(ParseErrorKind::Json(format!("missing `{label}`"))),
    }
}

fn json_number(map: &Map<String, Value>, key: &str) -> Result<f64, ParseErrorKind> {
    match map.get(key) {
        Some(Value::Number(number)) => number.as_f64().ok_or_else(|| {
            ParseErrorKind::Json(format!("`{key}` {number} is not a number of seconds"))
        }),
        Some(other) => Err(ParseErrorKind::Json(format!(
            "`{key}` must be a number of seconds, found {}",
            json_kind(other)
        ))),
        None => Err(ParseErrorKind::Json(format!("missing `{key}`"))),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A plausible address: something, `@`, a domain with a dot in it, no spaces (Attio checks the rest).
fn is_email(text: &str) -> bool {
    match text.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

fn skip_json_whitespace(text: &str, mut offset: usize) -> usize {
    let bytes = text.as_bytes();
    while matches!(bytes.get(offset), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        offset += 1;
    }
    offset
}

/// Byte offsets of the elements of the array reached from the value at `offset` through `path`'s keys.
/// serde_json's values carry no positions, so the text is walked again; the text already parsed, so any
/// surprise just ends the walk (the lines then fall back to the document's).
fn element_offsets(text: &str, offset: usize, path: &[&str]) -> Vec<usize> {
    let mut scan = Scan {
        bytes: text.as_bytes(),
        pos: offset,
    };
    for key in path {
        if scan.member(key).is_none() {
            return Vec::new();
        }
    }
    scan.elements()
}

/// A cursor over JSON text known to be valid.
struct Scan<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Scan<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, byte: u8) -> Option<()> {
        self.whitespace();
        (self.peek() == Some(byte)).then(|| self.pos += 1)
    }

    /// A string's raw bytes, escapes undecoded.
    fn string(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'\\' => self.pos += 2,
                b'"' => {
                    let raw = self.bytes.get(start..self.pos)?;
                    self.pos += 1;
                    return Some(raw);
                }
                _ => self.pos += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.whitespace();
        match self.peek()? {
            b'"' => {
                self.string()?;
            }
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth = depth.saturating_sub(1);
                            if depth == 0 {
                                self.pos += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.pos += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.pos += 1;
                }
            }
        }
        Some(())
    }

    /// Moves to the value of `key` in the object here.
    fn member(&mut self, key: &str) -> Option<()> {
        self.eat(b'{')?;
        loop {
            let name = self.string()?;
            self.eat(b':')?;
            if name == key.as_bytes() {
                self.whitespace();
                return Some(());
            }
            self.skip_value()?;
            self.eat(b',')?;
        }
    }

    fn elements(&mut self) -> Vec<usize> {
        let mut offsets = Vec::new();
        if self.eat(b'[').is_none() {
            return offsets;
        }
        loop {
            self.whitespace();
            if matches!(self.peek(), None | Some(b']')) {
                return offsets;
            }
            offsets.push(self.pos);
            if self.skip_value().is_none() || self.eat(b',').is_none() {
                return offsets;
            }
        }
    }
}

/// Line numbers of byte offsets.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex(
            text.bytes()
                .enumerate()
                .filter(|&(_, byte)| byte == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

// ---- SRT and WebVTT ------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
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
struct Cue<'a> {
    line: usize,
    start_text: &'a str,
    end_text: &'a str,
    start_ms: u64,
    end_ms: u64,
    text: Vec<(usize, &'a str)>,
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
    fn joined(&self) -> String {
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

fn read_subtitles(text: &str, dialect: Dialect) -> Result<Vec<Pending>, Fault> {
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

/// The index of the first line after a WebVTT file's header (the `WEBVTT` line and the lines after it up
/// to a blank line, such as YouTube's `Kind: captions`).
fn vtt_body_start(lines: &[(usize, &str)]) -> Result<usize, Fault> {
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

fn is_vtt_skipped_block(line: &str) -> bool {
    ["NOTE", "STYLE", "REGION"].iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|after| after.chars().next().is_none_or(|c| c == ' ' || c == '\t'))
    })
}

fn is_cue_number(line: &str) -> bool {
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

/// A stretch of a cue's text and the voice it is in (WebVTT's `<v>`), if any.
struct Run {
    voice: Option<String>,
    text: String,
}

/// The runs of a WebVTT cue's text: tags other than voices dropped, entities decoded.
fn voice_runs(cue: &Cue<'_>) -> Result<Vec<Run>, Fault> {
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

/// SRT text without the formatting tags players understand (`<i>`, `<b>`, `<u>`, `<s>`, `<font …>`,
/// their ends, and `{\an8}`-style positioning); any other `<` or `{` is text.
fn strip_srt_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['<', '{']) {
        let (before, tail) = rest.split_at(open);
        out.push_str(before);
        match formatting_tag_len(tail) {
            Some(len) => rest = tail.get(len..).unwrap_or(""),
            None => {
                out.push_str(tail.get(..1).unwrap_or(""));
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the SRT formatting tag at the start of `text`, if there is one.
fn formatting_tag_len(text: &str) -> Option<usize> {
    if text.starts_with("{\\") {
        let close = text.find('}')?;
        let inner = text.get(1..close)?;
        return (!inner.contains(['\n', '{'])).then_some(close + 1);
    }
    let close = text.find('>')?;
    let inner = text.get(1..close)?;
    if inner.contains(['<', '\n']) {
        return None;
    }
    let lower = inner.trim().to_ascii_lowercase();
    let name = lower.strip_prefix('/').unwrap_or(&lower);
    let is_tag = matches!(name, "i" | "b" | "u" | "s" | "font")
        || name
            .strip_prefix("font")
            .is_some_and(|attributes| attributes.starts_with(char::is_whitespace));
    is_tag.then_some(close + 1)
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

// ---- writing -------------------------------------------------------------------------------------------

/// `HH:MM:SS` then `separator` and milliseconds; negative times are written as 0.
fn timestamp(seconds: f64, separator: char) -> String {
    // `as` saturates, and NaN's `max` is 0.
    let millis = (seconds.max(0.0) * 1000.0).round() as u64;
    let total = millis / 1000;
    format!(
        "{:02}:{:02}:{:02}{separator}{:03}",
        total / 3600,
        total / 60 % 60,
        total % 60,
        millis % 1000
    )
}

fn vtt_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(speaker: &str, speech: &str, start: f64, end: f64) -> Segment {
        Segment {
            speaker: speaker.to_owned(),
            email_address: None,
            start_time: start,
            end_time: end,
            speech: speech.to_owned(),
        }
    }

    fn ok(text: &str, format: Format) -> Vec<Segment> {
        match parse(text, format, "test") {
            Ok(segments) => segments,
            Err(error) => panic!("{error}\n---\n{text}"),
        }
    }

    fn err(text: &str, format: Format, name: &str) -> String {
        match parse(text, format, name) {
            Ok(segments) => panic!("expected an error, got {segments:?}"),
            Err(error) => error.to_string(),
        }
    }

    // ---- fixtures, as the tools write them ----

    /// Zoom's cloud-recording transcript: cue numbers, `Name: text`.
    const ZOOM_VTT: &str = "WEBVTT\n\n\
1\n00:00:01.350 --> 00:00:04.120\nAlex Bell: Thanks for joining, everyone.\n\n\
2\n00:00:04.500 --> 00:00:09.000\nAda Lovelace: Happy to be here. Shall we start\nwith the numbers?\n\n\
3\n00:00:09.200 --> 00:00:11.000\nSure, revenue first.\n\n\
4\n00:01:02.000 --> 00:01:05.500\nAlex Bell: Revenue grew 12% at 10:30 today.\n";

    /// Microsoft Teams: GUID cue identifiers, CRLF, `<v Name>…</v>` (names may be `Last, First`).
    const TEAMS_VTT: &str = "WEBVTT\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/12-0\r\n00:00:03.120 --> 00:00:05.400\r\n<v Ada Lovelace>Hello everyone, can you hear me?</v>\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/13-0\r\n00:00:05.900 --> 00:00:08.250\r\n<v Bell, Alex>Yes, loud &amp; clear.</v>\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/14-0\r\n00:00:08.250 --> 00:00:12.000\r\n<v Ada Lovelace>Great. Let&apos;s go through\r\nthe agenda.</v>\r\n";

    /// YouTube's automatic captions: header lines, cue settings, word timestamps and `<c>` spans.
    const YOUTUBE_VTT: &str = "WEBVTT\nKind: captions\nLanguage: en\n\n\
00:00:00.000 --> 00:00:02.350 align:start position:0%\n \nhello<00:00:00.320><c> everyone</c><00:00:00.640><c> and</c><00:00:01.040><c> welcome</c>\n\n\
00:00:02.350 --> 00:00:02.360 align:start position:0%\nhello everyone and welcome\n \n\n\
00:00:02.360 --> 00:00:05.000 align:start position:0%\nhello everyone and welcome\nto<00:00:02.900><c> the</c><00:00:03.100><c> call</c>\n";

    /// An SRT as transcription tools export it (Otter, Descript, Rev): numbered, `Name: text`, tags.
    const EXPORTED_SRT: &str = "1\n00:00:00,500 --> 00:00:03,200\nAlex Bell: Thanks for joining.\n\n\
2\n00:00:03,400 --> 00:00:07,900\nAda Lovelace: <i>Happy</i> to be here.\nLet's look at the numbers.\n\n\
3\n00:00:08,000 --> 00:00:09,500\nThey look <b>good</b>.\n\n\
4\n01:02:03,004 --> 01:02:05,000\nSpeaker 2: Agreed.\n";

    // ---- detection ----

    #[test]
    fn detect_by_extension_in_any_case() {
        assert_eq!(Format::detect("call.json", ""), Some(Format::Json));
        assert_eq!(Format::detect("dir/call.JSONL", ""), Some(Format::Json));
        assert_eq!(Format::detect("call.ndjson", ""), Some(Format::Json));
        assert_eq!(Format::detect("/tmp/x/call.SRT", ""), Some(Format::Srt));
        assert_eq!(Format::detect("call.vtt", ""), Some(Format::Vtt));
        assert_eq!(Format::detect("call.webvtt", ""), Some(Format::Vtt));
        // The extension wins over the content.
        assert_eq!(Format::detect("call.srt", "WEBVTT\n"), Some(Format::Srt));
        assert_eq!(
            Format::detect(std::path::PathBuf::from("a/b.vtt"), ""),
            Some(Format::Vtt)
        );
    }

    #[test]
    fn detect_by_content() {
        assert_eq!(Format::detect("-", ZOOM_VTT), Some(Format::Vtt));
        assert_eq!(Format::detect("-", TEAMS_VTT), Some(Format::Vtt));
        assert_eq!(
            Format::detect("call.txt", "\u{feff}WEBVTT - Zoom\n"),
            Some(Format::Vtt)
        );
        assert_eq!(Format::detect("call", "WEBVTT"), Some(Format::Vtt));
        assert_eq!(Format::detect("call", "  [\n]"), Some(Format::Json));
        assert_eq!(
            Format::detect("call", "{\"speech\":\"hi\"}\n{\"speech\":\"yo\"}\n"),
            Some(Format::Json)
        );
        assert_eq!(Format::detect("call", EXPORTED_SRT), Some(Format::Srt));
        assert_eq!(
            Format::detect(
                "call",
                "\u{feff}\r\n12\r\n00:00:01,000 --> 00:00:02,000\r\n"
            ),
            Some(Format::Srt)
        );
        assert_eq!(
            Format::detect("call", "00:00:01,000 --> 00:00:02,000\nhi\n"),
            Some(Format::Srt)
        );
        assert_eq!(Format::detect("call.txt", "WEBVTTX\n"), None);
        assert_eq!(Format::detect("call.txt", "hello there"), None);
        assert_eq!(Format::detect("call.txt", "1\nhello\n"), None);
        assert_eq!(Format::detect("call", ""), None);
    }

    #[test]
    fn format_names() {
        assert_eq!(Format::from_extension("WebVTT"), Some(Format::Vtt));
        assert_eq!(Format::from_extension("txt"), None);
        assert_eq!(Format::Vtt.to_string(), "WebVTT");
        assert_eq!(Format::Srt.to_string(), "SRT");
        assert_eq!(Format::Json.to_string(), "JSON");
    }

    // ---- JSON ----

    #[test]
    fn json_array_of_attio_segments() {
        let text = r#"[
  {"speech": "Hello, Ada.", "start_time": 1.5, "end_time": 3.0,
   "speaker": {"name": "Alex Bell", "email_address": "alex@example.com"}},
  {"speech": "  Hi!  ", "start_time": 3, "end_time": 4.25, "speaker": {"name": " Ada "}}
]"#;
        assert_eq!(
            ok(text, Format::Json),
            vec![
                Segment {
                    email_address: Some("alex@example.com".into()),
                    ..seg("Alex Bell", "Hello, Ada.", 1.5, 3.0)
                },
                seg("Ada", "Hi!", 3.0, 4.25),
            ]
        );
    }

    #[test]
    fn json_email_may_be_missing_null_or_empty_and_speaker_a_plain_name() {
        let text = r#"[
{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {"name": "A", "email_address": null}},
{"speech": "b", "start_time": 1, "end_time": 2, "speaker": {"name": "B", "email_address": " "}},
{"speech": "c", "start_time": 2, "end_time": 3, "speaker": "C", "extra": [1, {"x": "]"}]}
]"#;
        assert_eq!(
            ok(text, Format::Json),
            vec![
                seg("A", "a", 0.0, 1.0),
                seg("B", "b", 1.0, 2.0),
                seg("C", "c", 2.0, 3.0)
            ]
        );
    }

    #[test]
    fn json_wrappers_as_attio_answers_carry_them() {
        let segment =
            r#"{"speech": "Hi", "start_time": 0.5, "end_time": 1, "speaker": {"name": "Ada"}}"#;
        let expected = vec![seg("Ada", "Hi", 0.5, 1.0)];
        let wrapped = [
            format!(r#"{{"segments": [{segment}]}}"#),
            format!(r#"{{"transcript": [{segment}], "raw_transcript": "[00:00] Ada: Hi"}}"#),
            // The deprecated transcript page.
            format!(
                r#"{{"data": {{"id": {{"workspace_id": "w"}}, "transcript": [{segment}],
                "raw_transcript": "", "web_url": "https://app.attio.com/x"}},
                "pagination": {{"next_cursor": null}}}}"#
            ),
            // A call recording, whose transcript is an object with segments.
            format!(
                r#"{{"data": {{"status": "completed", "video_url": null,
                "transcript": {{"raw_transcript": "", "segments": [{segment}]}}}}}}"#
            ),
            format!(r#"{{"data": [{segment}]}}"#),
        ];
        for text in &wrapped {
            assert_eq!(ok(text, Format::Json), expected, "{text}");
        }
    }

    #[test]
    fn json_lines_as_the_transcript_command_prints_them() {
        // `attio-meetings transcript M R --format json`: one segment per line.
        let text = "{\"speech\":\"Hello,\",\"start_time\":0.0,\"end_time\":1.25,\"speaker\":{\"name\":\"Ada\"}}\n\
{\"speech\":\"shall we start?\",\"start_time\":1.25,\"end_time\":2.5,\"speaker\":{\"name\":\"Ada\"}}\n\
\n\
{\"speech\":\"Yes <now> & here.\",\"start_time\":3661.5,\"end_time\":3663.0,\"speaker\":{\"name\":\"Grace\"}}\n";
        assert_eq!(
            ok(text, Format::Json),
            vec![
                seg("Ada", "Hello,", 0.0, 1.25),
                seg("Ada", "shall we start?", 1.25, 2.5),
                seg("Grace", "Yes <now> & here.", 3661.5, 3663.0),
            ]
        );
        // One line is one segment too, and a BOM and CRLF are fine.
        assert_eq!(
            ok(
                "\u{feff}{\"speech\":\"Hi\",\"start_time\":0,\"end_time\":1,\"speaker\":\"A\"}\r\n",
                Format::Json
            ),
            vec![seg("A", "Hi", 0.0, 1.0)]
        );
    }

    #[test]
    fn json_empty_speech_is_skipped() {
        let text = r#"[{"speech": " ", "start_time": 5, "end_time": 1, "speaker": {"name": ""}},
{"speech": "x", "start_time": 0, "end_time": 1, "speaker": {"name": "A"}}]"#;
        assert_eq!(ok(text, Format::Json), vec![seg("A", "x", 0.0, 1.0)]);
    }

    #[test]
    fn json_errors_name_the_line_and_segment() {
        let cases = [
            (
                "[\n{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}\n{}]",
                "t.json line 3: invalid JSON: expected `,` or `]` (column 1)",
            ),
            ("", "t.json: no segments with speech"),
            ("[]", "t.json: no segments with speech"),
            (
                r#"{"data": {"transcript": null}}"#,
                "t.json: no segments with speech",
            ),
            (
                "[\n  {\"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}\n]",
                "t.json line 2 (segment 1): missing `speech`",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": \"0\", \"end_time\": 1, \"speaker\": \"A\"}]",
                "t.json line 1 (segment 1): `start_time` must be a number of seconds, found a string",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"speaker\": \"A\"}]",
                "t.json line 1 (segment 1): missing `end_time`",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1}]",
                "t.json line 1 (segment 1): missing `speaker`",
            ),
            (
                "[{\"speech\": 7, \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}]",
                "t.json line 1 (segment 1): `speech` must be a string, found a number",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {}}]",
                "t.json line 1 (segment 1): missing `speaker.name`",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": [\"A\"]}]",
                "t.json line 1 (segment 1): `speaker` must be an object with a `name`, found an array",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"A\", \"email_address\": 3}}]",
                "t.json line 1 (segment 1): `speaker.email_address` must be a string, found a number",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"A\", \"email_address\": \"ada at example\"}}]",
                "t.json line 1 (segment 1): `ada at example` is not an email address",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"  \"}}]",
                "t.json line 1 (segment 1): the speaker's name is empty",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": -1, \"end_time\": 1, \"speaker\": \"A\"}]",
                "t.json line 1 (segment 1): start -1s is negative",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 2, \"end_time\": 1.5, \"speaker\": \"A\"}]",
                "t.json line 1 (segment 1): end 1.5s is before start 2s",
            ),
            (
                "[{\"speech\": \"a\", \"start_time\": 2, \"end_time\": 3, \"speaker\": \"A\"},\n \
                 {\"speech\": \"b\", \"start_time\": 1, \"end_time\": 3, \"speaker\": \"A\"}]",
                "t.json line 2 (segment 2): start 1s is before the previous segment's start 2s \
                 (Attio expects segments in order)",
            ),
            (
                "{\"meetings\": []}",
                "t.json line 1: expected an array of segments, or an object holding them in \
                 `segments`, `transcript` or `data`",
            ),
            (
                "\n\n\"text\"",
                "t.json line 3: expected an array of segments, found a string",
            ),
            (
                "{\"transcript\": 5}",
                "t.json line 1: expected an array of segments, found a number",
            ),
            (
                "[1]",
                "t.json line 1 (segment 1): expected a segment object, found a number",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(err(text, Format::Json, "t.json"), message, "{text}");
        }
    }

    #[test]
    fn json_lines_errors_name_the_line() {
        let good = r#"{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {"name": "A"}}"#;
        assert_eq!(
            err(&format!("{good}\n\n[1, 2]\n"), Format::Json, "t.jsonl"),
            "t.jsonl line 3: expected a segment object, found an array"
        );
        assert_eq!(
            err(
                &format!("{good}\n{good}\n{{\"speech\": "),
                Format::Json,
                "t.jsonl"
            ),
            "t.jsonl line 3: invalid JSON: EOF while parsing a value (column 11)"
        );
        let late = r#"{"speech": "b", "start_time": 0.5, "end_time": 0.25, "speaker": "B"}"#;
        assert_eq!(
            err(&format!("{good}\n{late}\n"), Format::Json, "t.jsonl"),
            "t.jsonl line 2: end 0.25s is before start 0.5s"
        );
    }

    #[test]
    fn json_lines_of_nested_arrays_are_found_through_escapes_and_nesting() {
        // Keys before `segments` hold brackets and escaped quotes the line finder must step over.
        let text = "{\"data\": {\"note\": \"a]\\\"}{[\", \"n\": [1, {\"x\": [2]}], \"k\": true,\n\
\"segments\": [\n\
  {\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"},\n\
\n\
  {\"speech\": \"b\", \"start_time\": 1, \"end_time\": 0, \"speaker\": \"B\"}\n\
]}}";
        assert_eq!(
            err(text, Format::Json, "t.json"),
            "t.json line 5 (segment 2): end 0s is before start 1s"
        );
    }

    #[test]
    fn json_too_many_segments() {
        let segment = r#"{"speech": "a", "start_time": 0, "end_time": 1, "speaker": "A"}"#;
        let list = |n: usize| format!("[{}]", vec![segment; n].join(",\n"));
        assert_eq!(ok(&list(MAX_SEGMENTS), Format::Json).len(), MAX_SEGMENTS);
        assert_eq!(
            err(&list(MAX_SEGMENTS + 1), Format::Json, "t.json"),
            "t.json: 4001 segments, but Attio accepts at most 4000 in one recording"
        );
    }

    // ---- SRT ----

    #[test]
    fn srt_as_exported() {
        assert_eq!(
            ok(EXPORTED_SRT, Format::Srt),
            vec![
                seg("Alex Bell", "Thanks for joining.", 0.5, 3.2),
                seg(
                    "Ada Lovelace",
                    "Happy to be here. Let's look at the numbers.",
                    3.4,
                    7.9
                ),
                // No name: the previous speaker goes on.
                seg("Ada Lovelace", "They look good.", 8.0, 9.5),
                seg("Speaker 2", "Agreed.", 3723.004, 3725.0),
            ]
        );
    }

    #[test]
    fn srt_tolerates_crlf_bom_missing_numbers_dots_and_extra_blank_lines() {
        let text = "\u{feff}\r\n\r\n1\r\n00:00:01,000 --> 00:00:02,000  \r\nAda: one  \r\n\r\n\r\n\r\n\
00:00:02.500 --> 00:00:03.000\r\ntwo\r\n\r\n\
\r\n3   \r\n0:00:04,5 --> 00:00:05,25 X1:100 X2:200 Y1:10 Y2:20\r\nBob:\tthree\r\nfour\r\n\
4\r\n00:00:06,000-->00:00:07,000\r\n<font color=\"#ffff00\">Bob: five</font>\r\n";
        assert_eq!(
            ok(text, Format::Srt),
            vec![
                seg("Ada", "one", 1.0, 2.0),
                seg("Ada", "two", 2.5, 3.0),
                seg("Bob", "three four", 4.5, 5.25),
                // The cue number right after text (no blank line) still starts a cue.
                seg("Bob", "five", 6.0, 7.0),
            ]
        );
    }

    #[test]
    fn srt_without_any_speaker_is_unknown_speaker() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nhello there\n\n2\n00:00:02,000 --> 00:00:03,000\nhow are you\n";
        assert_eq!(
            ok(text, Format::Srt),
            vec![
                seg(UNKNOWN_SPEAKER, "hello there", 1.0, 2.0),
                seg(UNKNOWN_SPEAKER, "how are you", 2.0, 3.0),
            ]
        );
    }

    #[test]
    fn srt_strips_formatting_tags_only() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<I>Ada</I>: <u>a</u> < b, <s>c</s> <3 {x} <font face=x>d</FONT> <fontaine> <i\n";
        assert_eq!(
            ok(text, Format::Srt),
            vec![seg("Ada", "a < b, c <3 {x} d <fontaine> <i", 1.0, 2.0)]
        );
    }

    #[test]
    fn srt_empty_cues_are_skipped_and_a_bare_name_sets_the_speaker() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:02,000 --> 00:00:03,000\n<i> </i>\n\n\
3\n00:00:03,000 --> 00:00:04,000\nAda:\n\n4\n00:00:04,000 --> 00:00:05,000\nhello\n";
        assert_eq!(ok(text, Format::Srt), vec![seg("Ada", "hello", 4.0, 5.0)]);
    }

    #[test]
    fn srt_dialogue_dashes_are_dropped() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\n- Hello.\n\u{2013} Hi there -5 -x\n-7\n\n\
2\n00:00:02,000 --> 00:00:03,000\nAda: - so\n";
        assert_eq!(
            ok(text, Format::Srt),
            vec![
                seg(UNKNOWN_SPEAKER, "Hello. Hi there -5 -x -7", 1.0, 2.0),
                seg("Ada", "- so", 2.0, 3.0),
            ]
        );
    }

    #[test]
    fn srt_text_after_a_stray_blank_line_continues_the_cue() {
        let text = "1\n00:00:01,000 --> 00:00:02,000\nAda: first half\n\nsecond half\n\n2\n00:00:03,000 --> 00:00:04,000\nnext\n";
        assert_eq!(
            ok(text, Format::Srt),
            vec![
                seg("Ada", "first half second half", 1.0, 2.0),
                seg("Ada", "next", 3.0, 4.0),
            ]
        );
    }

    #[test]
    fn speaker_prefix_heuristic() {
        let cue = |text: &str| format!("1\n00:00:01,000 --> 00:00:02,000\n{text}\n");
        let speaker_and_speech = |text: &str| {
            let segments = ok(&cue(text), Format::Srt);
            let first = segments
                .first()
                .cloned()
                .unwrap_or_else(|| seg("", "", 0.0, 0.0));
            (first.speaker, first.speech)
        };
        let named = |name: &str, speech: &str| (name.to_owned(), speech.to_owned());
        let unnamed = |speech: &str| (UNKNOWN_SPEAKER.to_owned(), speech.to_owned());
        assert_eq!(
            speaker_and_speech("Dr. Grace  Hopper:  hi"),
            named("Dr. Grace Hopper", "hi")
        );
        assert_eq!(speaker_and_speech("李雷: 你好"), named("李雷", "你好"));
        assert_eq!(
            speaker_and_speech("john.smith: ok: sure"),
            named("john.smith", "ok: sure")
        );
        assert_eq!(
            speaker_and_speech("SPEAKER_01: yes"),
            named("SPEAKER_01", "yes")
        );
        // Colons that are not a name's: times, addresses, sentences, too long, on a later line.
        assert_eq!(
            speaker_and_speech("at 10:30 we meet"),
            unnamed("at 10:30 we meet")
        );
        assert_eq!(
            speaker_and_speech("see https://x.io"),
            unnamed("see https://x.io")
        );
        assert_eq!(
            speaker_and_speech("Well, the plan: go"),
            unnamed("Well, the plan: go")
        );
        assert_eq!(
            speaker_and_speech("Why? Because: yes"),
            unnamed("Why? Because: yes")
        );
        assert_eq!(
            speaker_and_speech("one two three four five six: seven"),
            unnamed("one two three four five six: seven")
        );
        assert_eq!(
            speaker_and_speech(&format!("{}: x", "a".repeat(49))).0,
            UNKNOWN_SPEAKER
        );
        assert_eq!(
            speaker_and_speech("hello\nAda: hi"),
            unnamed("hello Ada: hi")
        );
        // The documented false positive: a short lead-in reads as a name.
        assert_eq!(
            speaker_and_speech("Note: the budget"),
            named("Note", "the budget")
        );
    }

    #[test]
    fn srt_errors_name_the_line() {
        let cases = [
            (
                "1\n00:00:04,000 --> 00:00:05,000\nAda: a\n\n2\n00:00:04,000 --> 00:00:03,000\nAda: b\n",
                "transcript.srt line 6: end 00:00:03,000 is before start 00:00:04,000",
            ),
            (
                "1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n",
                "transcript.srt line 6: start 00:00:01,000 is before the previous segment's start \
                 00:00:05,000 (Attio expects segments in order)",
            ),
            (
                "1\n00:00:0x,000 --> 00:00:01,000\na\n",
                "transcript.srt line 2: invalid time `00:00:0x,000` (expected HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:01,000 --> 00:00:61,000\na\n",
                "transcript.srt line 2: invalid time `00:00:61,000` (expected HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:01,0000 --> 00:00:02,000\na\n",
                "transcript.srt line 2: invalid time `00:00:01,0000` (expected HH:MM:SS,mmm)",
            ),
            (
                "1\n00:00:01,000 -->\na\n",
                "transcript.srt line 2: expected a timing line `START --> END`, found `00:00:01,000 -->`",
            ),
            (
                "\n\nhello there\n00:00:01,000 --> 00:00:02,000\n",
                "transcript.srt line 3: expected a cue timing line (`START --> END`), found `hello there`",
            ),
            (
                "1\n2\n00:00:01,000 --> 00:00:02,000\na\n",
                "transcript.srt line 1: expected a cue timing line (`START --> END`), found `1`",
            ),
            ("", "transcript.srt: no segments with speech"),
            (
                "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n",
                "transcript.srt: no segments with speech",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(err(text, Format::Srt, "transcript.srt"), message, "{text}");
        }
        let long = format!("{}\n", "x".repeat(100));
        assert_eq!(
            err(&long, Format::Srt, "t.srt"),
            format!(
                "t.srt line 1: expected a cue timing line (`START --> END`), found `{}…`",
                "x".repeat(60)
            )
        );
    }

    #[test]
    fn srt_too_many_segments() {
        let cues = |n: usize| {
            let segments: Vec<Segment> = (0..n)
                .map(|i| seg("A", "b", i as f64, i as f64 + 0.5))
                .collect();
            to_srt(&segments)
        };
        assert_eq!(ok(&cues(MAX_SEGMENTS), Format::Srt).len(), MAX_SEGMENTS);
        assert_eq!(
            err(&cues(MAX_SEGMENTS + 12), Format::Srt, "t.srt"),
            "t.srt: 4012 segments, but Attio accepts at most 4000 in one recording"
        );
    }

    // ---- WebVTT ----

    #[test]
    fn vtt_from_zoom() {
        assert_eq!(
            ok(ZOOM_VTT, Format::Vtt),
            vec![
                seg("Alex Bell", "Thanks for joining, everyone.", 1.35, 4.12),
                seg(
                    "Ada Lovelace",
                    "Happy to be here. Shall we start with the numbers?",
                    4.5,
                    9.0
                ),
                seg("Ada Lovelace", "Sure, revenue first.", 9.2, 11.0),
                seg("Alex Bell", "Revenue grew 12% at 10:30 today.", 62.0, 65.5),
            ]
        );
    }

    #[test]
    fn vtt_from_teams() {
        assert_eq!(
            ok(TEAMS_VTT, Format::Vtt),
            vec![
                seg(
                    "Ada Lovelace",
                    "Hello everyone, can you hear me?",
                    3.12,
                    5.4
                ),
                seg("Bell, Alex", "Yes, loud & clear.", 5.9, 8.25),
                seg(
                    "Ada Lovelace",
                    "Great. Let's go through the agenda.",
                    8.25,
                    12.0
                ),
            ]
        );
    }

    #[test]
    fn vtt_from_youtube() {
        let text = "hello everyone and welcome";
        assert_eq!(
            ok(YOUTUBE_VTT, Format::Vtt),
            vec![
                seg(UNKNOWN_SPEAKER, text, 0.0, 2.35),
                seg(UNKNOWN_SPEAKER, text, 2.35, 2.36),
                seg(
                    UNKNOWN_SPEAKER,
                    "hello everyone and welcome to the call",
                    2.36,
                    5.0
                ),
            ]
        );
    }

    #[test]
    fn vtt_skips_note_style_and_region_blocks_and_reads_short_timings() {
        let text = "WEBVTT - a call\n\nREGION\nid:fred\nwidth:40%\n\nSTYLE\n::cue { color: red }\n\n\
NOTE this is\na comment --> not a cue\n\nNOTE\n\nintro\n01:02.500 --> 01:04.000 align:start position:10% line:0\n\
<v.loud Grace Hopper>Hi <c.yellow>there</c></v>\n\n\
NOTEBOOK\n01:04.000 --> 1:01:04.000\n<v Grace Hopper>Bye\n";
        assert_eq!(
            ok(text, Format::Vtt),
            vec![
                seg("Grace Hopper", "Hi there", 62.5, 64.0),
                // `NOTEBOOK` is no note: it is this cue's identifier.
                seg("Grace Hopper", "Bye", 64.0, 3664.0),
            ]
        );
    }

    #[test]
    fn vtt_header_may_run_straight_into_a_cue() {
        let text = "\u{feff}WEBVTT\n00:00.000 --> 00:01.000\n<v Ada>Hi\n";
        assert_eq!(ok(text, Format::Vtt), vec![seg("Ada", "Hi", 0.0, 1.0)]);
    }

    #[test]
    fn vtt_several_voices_in_one_cue_share_its_time() {
        let text = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n\
- <v Ada>Ready?</v>\n- <v Bob>Yes.</v> <v Bob>Go</v> on\n<v Ada>Fine";
        assert_eq!(
            ok(text, Format::Vtt),
            vec![
                seg("Ada", "Ready?", 1.0, 4.0),
                // Text after a voice ends goes on with the last speaker, as in one turn.
                seg("Bob", "Yes. Go on", 1.0, 4.0),
                seg("Ada", "Fine", 1.0, 4.0),
            ]
        );
        // Text before any voice goes by the `Name:` rule, or the previous speaker.
        let text = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAda: so <v Bob>no</v>\n\n\
00:00:04.000 --> 00:00:05.000\nwell <v Ada>yes\n";
        assert_eq!(
            ok(text, Format::Vtt),
            vec![
                seg("Ada", "so", 1.0, 4.0),
                seg("Bob", "no", 1.0, 4.0),
                seg("Bob", "well", 4.0, 5.0),
                seg("Ada", "yes", 4.0, 5.0),
            ]
        );
    }

    #[test]
    fn vtt_decodes_entities_and_drops_tags() {
        let text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\
<v Ann &amp; Co>R&amp;D &lt;3 &gt; a&nbsp;b &lrm;c&rlm; &#65;&#x42; &copy; & x;<lang en><i>i</i><b>b</b><u>u</u></lang> \
<ruby>漢<rt>kan</rt></ruby> <00:00:01.500>end a<b";
        assert_eq!(
            ok(text, Format::Vtt),
            vec![seg(
                "Ann & Co",
                "R&D <3 > a b \u{200e}c\u{200f} AB &copy; & x;ibu 漢 end a<b",
                1.0,
                2.0
            )]
        );
    }

    #[test]
    fn vtt_voice_annotation_is_not_split_by_name_colons() {
        let text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ada>Bob: hi</v>\n";
        assert_eq!(ok(text, Format::Vtt), vec![seg("Ada", "Bob: hi", 1.0, 2.0)]);
    }

    #[test]
    fn vtt_errors_name_the_line() {
        let cases = [
            (
                "00:00.000 --> 00:01.000\nhi\n",
                "call.vtt line 1: missing the `WEBVTT` line a WebVTT file starts with",
            ),
            (
                "\n\nWEBVTTX\n",
                "call.vtt line 3: missing the `WEBVTT` line a WebVTT file starts with",
            ),
            (
                "",
                "call.vtt line 1: missing the `WEBVTT` line a WebVTT file starts with",
            ),
            (
                "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\nthere <v >x\n",
                "call.vtt line 5: the voice tag `<v >` names no speaker",
            ),
            (
                "WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud>x\n",
                "call.vtt line 4: the voice tag `<v.loud>` names no speaker",
            ),
            (
                "WEBVTT\n\n00:01.000 --> 00:02.00a\nx\n",
                "call.vtt line 3: invalid time `00:02.00a` (expected HH:MM:SS.mmm or MM:SS.mmm)",
            ),
            (
                "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>x\n\n00:03.000 --> 00:02.000\n<v A>y\n",
                "call.vtt line 6: end 00:02.000 is before start 00:03.000",
            ),
            (
                "WEBVTT\n\n00:03.000 --> 00:04.000\n<v A>x\n\n00:02.000 --> 00:05.000\n<v A>y\n",
                "call.vtt line 6: start 00:02.000 is before the previous segment's start 00:03.000 \
                 (Attio expects segments in order)",
            ),
            (
                "WEBVTT\n\nintro text\nmore\n\n00:01.000 --> 00:02.000\nx\n",
                "call.vtt line 3: expected a cue timing line (`START --> END`), found `intro text`",
            ),
            (
                "WEBVTT\n\nNOTE nothing here\n",
                "call.vtt: no segments with speech",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(err(text, Format::Vtt, "call.vtt"), message, "{text}");
        }
    }

    #[test]
    fn parse_error_is_a_std_error_with_its_parts() {
        let error = match parse("[]", Format::Json, "x.json") {
            Err(error) => error,
            Ok(_) => panic!("no error"),
        };
        assert_eq!(error.source_name, "x.json");
        assert_eq!(error.line, None);
        assert_eq!(error.kind, ParseErrorKind::NoSegments);
        let boxed: Box<dyn std::error::Error> = Box::new(error);
        assert_eq!(boxed.to_string(), "x.json: no segments with speech");
    }

    // ---- writing and round trips ----

    fn call() -> Vec<Segment> {
        vec![
            seg("Ada", "Hello,", 0.0, 1.25),
            seg("Ada", "shall we start?", 1.25, 2.5),
            seg(
                "Grace <Admiral> & Co",
                "Yes <now> & here --> there.",
                3661.5,
                3663.0,
            ),
            seg("Bob", "Note: 10:30 works", 3663.0, 3663.0),
            seg("Bob", "&amp; is how you write it", 360_000.001, 360_001.999),
        ]
    }

    #[test]
    fn writers_output() {
        let srt = to_srt(&call()[..2]);
        assert_eq!(
            srt,
            "1\n00:00:00,000 --> 00:00:01,250\nAda: Hello,\n\n\
2\n00:00:01,250 --> 00:00:02,500\nAda: shall we start?\n\n"
        );
        let vtt = to_vtt(&call()[2..3]);
        assert_eq!(
            vtt,
            "WEBVTT\n\n01:01:01.500 --> 01:01:03.000\n\
<v Grace &lt;Admiral&gt; &amp; Co>Yes &lt;now&gt; &amp; here --&gt; there.\n\n"
        );
        assert_eq!(to_vtt(&[]), "WEBVTT\n\n");
        assert_eq!(to_srt(&[]), "");
        // Multi-line speech is written on one line; negative times as zero.
        assert_eq!(
            to_srt(&[seg(" Ada ", "a\n\nb ", -1.0, 0.0004)]),
            "1\n00:00:00,000 --> 00:00:00,000\nAda: a b\n\n"
        );
    }

    #[test]
    fn round_trips_of_hand_written_segments() {
        let vtt_only = call();
        assert_eq!(ok(&to_vtt(&vtt_only), Format::Vtt), vtt_only);
        // SRT cannot escape, so its speech holds no `-->` and its names no `<`, `>`.
        let srt = vec![
            seg("Ada", "Hello,", 0.0, 1.25),
            seg(
                "Grace Hopper",
                "Yes <now> & here -> there {ok}",
                3661.5,
                3663.0,
            ),
            seg("Bob", "Note: 10:30 works", 3663.0, 3663.0),
            seg("Bob", "&amp; <3", 360_000.001, 360_001.999),
        ];
        assert_eq!(ok(&to_srt(&srt), Format::Srt), srt);
    }

    #[test]
    fn the_transcript_commands_own_subtitles_read_back() {
        // As `attio-meetings transcript --format srt|vtt` writes them (commands/transcript.rs).
        let srt = "1\n00:00:00,000 --> 00:00:01,250\nAda: Hello,\n\n2\n00:00:01,250 --> 00:00:02,500\nAda: shall we start?\n\n\
3\n01:01:01,500 --> 01:01:03,000\nGrace: Yes <now> & here.\n\n";
        let vtt = "WEBVTT\n\n00:00:00.000 --> 00:00:01.250\n<v Ada>Hello,\n\n00:00:01.250 --> 00:00:02.500\n<v Ada>shall we start?\n\n\
01:01:01.500 --> 01:01:03.000\n<v Grace>Yes &lt;now&gt; &amp; here.\n\n";
        let expected = vec![
            seg("Ada", "Hello,", 0.0, 1.25),
            seg("Ada", "shall we start?", 1.25, 2.5),
            seg("Grace", "Yes <now> & here.", 3661.5, 3663.0),
        ];
        assert_eq!(ok(srt, Format::Srt), expected);
        assert_eq!(ok(vtt, Format::Vtt), expected);
    }

    /// SplitMix64: deterministic, so a failure reproduces.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    const NAMES: &[&str] = &[
        "Ada",
        "Ada Lovelace",
        "Grace Hopper",
        "Dr. Chen",
        "José Álvarez",
        "李雷",
        "Speaker 1",
        "O'Brien",
        "Mary-Kate Olsen",
        "ada (guest)",
        "J. R. R. Tolkien",
        "R&D team",
        "john.smith",
    ];

    /// Words safe in both formats (no SRT formatting tag, no `-->`).
    const WORDS: &[&str] = &[
        "hello",
        "Thanks",
        "for",
        "joining,",
        "we",
        "R&D",
        "a<b",
        "x>y",
        "10:30",
        "Note:",
        "naïve",
        "日本語",
        "🙂",
        "->",
        "—",
        "&amp;",
        "&lt;",
        "O'Brien",
        "50%",
        "[laughs]",
        "\"quoted\"",
        "{braces}",
        "<3",
        "1",
        "42.",
        "-",
        ":",
        "WEBVTT",
        "NOTE",
        "<c>",
        "</v>",
        "<v",
        "Ada:",
    ];

    fn generate(rng: &mut Rng, words: &[&str]) -> Vec<Segment> {
        let count = 1 + rng.below(20);
        let mut start_ms = match rng.below(10) {
            0 => 99 * 3_600_000 + rng.below(3_600_000),
            1 => 123_456 * 3_600_000,
            _ => rng.below(3 * 3_600_000),
        };
        (0..count)
            .map(|_| {
                if rng.below(4) != 0 {
                    start_ms += rng.below(5000);
                }
                let end_ms = start_ms + rng.below(8000);
                let speech: Vec<&str> = (0..1 + rng.below(8)).map(|_| rng.pick(words)).collect();
                seg(
                    rng.pick(NAMES),
                    &speech.join(" "),
                    start_ms as f64 / 1000.0,
                    end_ms as f64 / 1000.0,
                )
            })
            .collect()
    }

    #[test]
    fn round_trips_of_generated_segments() {
        let mut rng = Rng(20_260_101);
        for case in 0..500 {
            let segments = generate(&mut rng, WORDS);
            let srt = to_srt(&segments);
            assert_eq!(ok(&srt, Format::Srt), segments, "case {case}:\n{srt}");
            assert_eq!(Format::detect("-", &srt), Some(Format::Srt));
            let vtt = to_vtt(&segments);
            assert_eq!(ok(&vtt, Format::Vtt), segments, "case {case}:\n{vtt}");
            assert_eq!(Format::detect("-", &vtt), Some(Format::Vtt));
            // Through the other format, and with Windows line ends.
            assert_eq!(to_srt(&ok(&vtt, Format::Vtt)), srt);
            assert_eq!(ok(&srt.replace('\n', "\r\n"), Format::Srt), segments);
        }
    }

    // ---- no panics on any input ----

    const TOKENS: &[&str] = &[
        "<",
        ">",
        "&",
        ";",
        ":",
        ": ",
        "-->",
        "\n",
        "\r\n",
        "\n\n",
        "WEBVTT",
        "00:00:01.000",
        "00:01,5",
        "999999:59:59.999",
        ",",
        ".",
        "{",
        "}",
        "{\\",
        "[",
        "]",
        "\"",
        "\\",
        "<v",
        "<v ",
        "</v>",
        "<rt>",
        "<font",
        "&#x",
        "&#99999999;",
        "&#xD800;",
        "1",
        "é",
        "\u{feff}",
        " ",
        "\t",
        "NOTE",
        "STYLE",
        "speech",
        "\"speech\":",
        "{\"speech\": \"a\", \"start_time\": ",
        "null",
        "-1",
        "1e999",
        "segments",
        "\"data\":",
        "Ada:",
        "🙂",
    ];

    #[test]
    fn no_input_panics() {
        let fixtures = [ZOOM_VTT, TEAMS_VTT, YOUTUBE_VTT, EXPORTED_SRT];
        let formats = [Format::Json, Format::Srt, Format::Vtt];
        let json = r#"{"data": {"transcript": {"segments": [{"speech": "a\"]", "start_time": 0, "end_time": 1, "speaker": {"name": "A", "email_address": "a@b.co"}}]}}}"#;
        for text in fixtures.iter().chain([&json]) {
            for (cut, _) in text.char_indices() {
                for format in formats {
                    let _ = parse(&text[..cut], format, "x");
                    let _ = parse(&text[cut..], format, "x");
                }
            }
        }
        let mut rng = Rng(7);
        for _ in 0..3000 {
            let text: String = (0..rng.below(40)).map(|_| rng.pick(TOKENS)).collect();
            for format in formats {
                let _ = parse(&text, format, "x");
            }
            let _ = Format::detect("x", &text);
        }
    }
}
