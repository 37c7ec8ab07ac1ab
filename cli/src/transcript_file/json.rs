//! JSON transcripts: an array of Attio's segments (bare, wrapped, or under `segments`/`transcript`), or
//! JSON Lines.

use serde_json::{Map, Value};

use super::{Fault, ParseErrorKind, Pending, Segment};

pub(super) fn read_json(text: &str) -> Result<Vec<Pending>, Fault> {
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
                Some(Value::String(email)) if attio_meetings::looks_like_email(email.trim()) => {
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
