//! Structure-aware variant of `normalise_spec`: the input bytes drive a few edits (replace, remove,
//! insert, copy a subtree, point a `$ref` somewhere) of a valid document, either the minimal one of
//! `tests/spec_errors.rs` or the crate's real spec, and the result goes through `normalise` and, when
//! that succeeds, `generate_value`. Most inputs stay close to OpenAPI, so they reach far deeper into the
//! normaliser and progenitor than random text does. Nothing may panic.

#![no_main]

use std::sync::OnceLock;

use arbitrary::{Arbitrary, Unstructured};
use attio_meetings_codegen::{Options, generate_value, load, normalise};
use libfuzzer_sys::fuzz_target;
use serde_json::{Map, Value, json};

/// The minimal valid document of `tests/spec_errors.rs`.
const MINIMAL: &str = r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /v2/meetings/{meeting_id}:
    get:
      parameters:
        - {name: meeting_id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: [string, "null"]}
"##;

/// The crate's own spec, as it was when the fuzzer was built.
const REAL: &str = include_str!("../../spec/attio-meetings.yaml");

/// At most this many edits per input.
const MAX_EDITS: usize = 8;

/// Words that mean something in OpenAPI, as keys and as string values.
const WORDS: &[&str] = &[
    "openapi",
    "info",
    "paths",
    "components",
    "schemas",
    "parameters",
    "requestBody",
    "requestBodies",
    "responses",
    "content",
    "schema",
    "application/json",
    "text/plain",
    "description",
    "type",
    "$ref",
    "oneOf",
    "anyOf",
    "allOf",
    "not",
    "nullable",
    "enum",
    "const",
    "items",
    "prefixItems",
    "properties",
    "required",
    "format",
    "additionalProperties",
    "default",
    "example",
    "examples",
    "operationId",
    "get",
    "post",
    "put",
    "patch",
    "delete",
    "head",
    "options",
    "in",
    "name",
    "path",
    "query",
    "header",
    "cookie",
    "style",
    "explode",
    "200",
    "201",
    "204",
    "400",
    "404",
    "429",
    "4XX",
    "5XX",
    "$defs",
    "discriminator",
    "mapping",
    "propertyName",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "pattern",
    "uniqueItems",
    "readOnly",
    "writeOnly",
    "deprecated",
    "title",
    "tags",
    "servers",
    "security",
    "string",
    "integer",
    "number",
    "boolean",
    "object",
    "array",
    "null",
    "date-time",
    "date",
    "uuid",
    "int64",
    "float",
    "email",
    "uri",
    "3.0.3",
    "3.1.0",
    "2.0",
    "/v2/meetings",
    "/v2/meetings/{meeting_id}",
    "/v2/meetings/{meeting_id}/call_recordings",
    "/v2/objects",
    "{meeting_id}",
    "meeting_id",
    "#/components/schemas/Thing",
    "#/components/schemas/Missing",
    "#/components/responses/Error",
    "#/components/parameters/MeetingId",
    "#",
    "#/",
    "other.yaml#/x",
    "statusCode",
    "status_code",
    "code",
    "message",
    "data",
    "pagination",
    "next_cursor",
    "",
    "~",
    "~0~1",
    "-",
    "é",
    "Unknown",
];

#[derive(Arbitrary, Debug)]
struct Input {
    real_spec: bool,
    edits: Vec<Edit>,
}

/// A node is chosen by its index in the document's pre-order listing, modulo its length.
#[derive(Arbitrary, Debug)]
enum Edit {
    Replace { at: u16, with: Leaf },
    Remove { at: u16 },
    Insert { at: u16, key: Word, with: Leaf },
    Copy { from: u16, to: u16 },
    Ref { at: u16, target: u16 },
}

#[derive(Arbitrary, Debug)]
enum Leaf {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Word(Word),
    Text(String),
    Object,
    Array,
    Words(Vec<Word>),
    Schema(Word, Word),
}

#[derive(Debug)]
struct Word(&'static str);

impl<'a> Arbitrary<'a> for Word {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Word(u.choose(WORDS)?))
    }
}

impl Leaf {
    fn into_value(self) -> Value {
        match self {
            Leaf::Null => Value::Null,
            Leaf::Bool(b) => Value::Bool(b),
            Leaf::Int(i) => Value::from(i),
            Leaf::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
            Leaf::Word(w) => Value::from(w.0),
            Leaf::Text(s) => Value::from(s),
            Leaf::Object => Value::Object(Map::new()),
            Leaf::Array => Value::Array(Vec::new()),
            Leaf::Words(words) => words.into_iter().map(|w| Value::from(w.0)).collect(),
            Leaf::Schema(kind, format) => json!({"type": kind.0, "format": format.0}),
        }
    }
}

fuzz_target!(|input: Input| {
    static BASES: OnceLock<[Value; 2]> = OnceLock::new();
    let bases = BASES.get_or_init(|| {
        [
            load::parse(MINIMAL).expect("the minimal spec parses"),
            load::parse(REAL).expect("the real spec parses"),
        ]
    });
    let mut doc = bases[usize::from(input.real_spec)].clone();
    for edit in input.edits.into_iter().take(MAX_EDITS) {
        apply(&mut doc, edit);
    }
    let options = Options::default();
    if normalise::normalise(doc.clone(), &options).is_ok() {
        let _ = generate_value(doc, &options);
    }
});

fn apply(doc: &mut Value, edit: Edit) {
    let pointers = pointers(doc);
    let pick = |i: u16| pointers[usize::from(i) % pointers.len()].as_str();
    match edit {
        Edit::Replace { at, with } => {
            if let Some(node) = doc.pointer_mut(pick(at)) {
                *node = with.into_value();
            }
        }
        Edit::Remove { at } => {
            let at = pick(at);
            if let Some((parent, last)) = at.rsplit_once('/') {
                let key = unescape(last);
                match doc.pointer_mut(parent) {
                    Some(Value::Object(map)) => {
                        map.remove(&key);
                    }
                    Some(Value::Array(items)) => {
                        if let Ok(i) = key.parse::<usize>()
                            && i < items.len()
                        {
                            items.remove(i);
                        }
                    }
                    _ => {}
                }
            }
        }
        Edit::Insert { at, key, with } => match doc.pointer_mut(pick(at)) {
            Some(Value::Object(map)) => {
                map.insert(key.0.to_string(), with.into_value());
            }
            Some(Value::Array(items)) => items.push(with.into_value()),
            _ => {}
        },
        Edit::Copy { from, to } => {
            let Some(subtree) = doc.pointer(pick(from)).cloned() else {
                return;
            };
            if let Some(node) = doc.pointer_mut(pick(to)) {
                *node = subtree;
            }
        }
        Edit::Ref { at, target } => {
            let target = format!("#{}", pick(target));
            if let Some(node) = doc.pointer_mut(pick(at)) {
                *node = json!({ "$ref": target });
            }
        }
    }
}

/// The JSON pointers of every node, the root (`""`) first.
fn pointers(doc: &Value) -> Vec<String> {
    fn walk(value: &Value, at: String, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                out.push(at.clone());
                for (key, child) in map {
                    walk(child, format!("{at}/{}", escape(key)), out);
                }
            }
            Value::Array(items) => {
                out.push(at.clone());
                for (i, child) in items.iter().enumerate() {
                    walk(child, format!("{at}/{i}"), out);
                }
            }
            _ => out.push(at),
        }
    }
    let mut out = Vec::new();
    walk(doc, String::new(), &mut out);
    out
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}
