//! Conformance of the fake to our spec: every response body the fake sends must validate against the
//! response schema `spec/attio-meetings.yaml` declares for that operation and status.
//!
//! The spec is loaded as JSON and used whole as a JSON Schema 2020-12 document whose root is a `$ref` to
//! the response schema, so the `#/components/schemas/...` references inside it resolve. Formats
//! (`uuid`, `date-time`, `date`, `uri`) are asserted. A status the operation does not declare (401, 429,
//! 5xx, an undeclared 400 or 404, ...) must carry Attio's error envelope, `AttioError`; a response
//! declared without content (the 204 of delete) must have an empty body.
//!
//! `broken_bodies_are_rejected` shows that the same check refuses bodies that do not conform, so the
//! conformance test cannot pass vacuously.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

use attio_meetings_mock::{Endpoint, Fault, Limits, MockServer, Segment};
use jsonschema::Validator;
use reqwest::Method;
use serde_json::{Value, json};

// A link to the workspace's spec/, which `cargo package` stores as the file itself.
const SPEC_PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/attio-meetings.yaml");
const ATTIO_ERROR: &str = "#/components/schemas/AttioError";

const MEETINGS: &str = "/v2/meetings";
const MEETING: &str = "/v2/meetings/{meeting_id}";
const RECORDINGS: &str = "/v2/meetings/{meeting_id}/call_recordings";
const RECORDING: &str = "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}";
const TRANSCRIPT: &str = "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript";
/// A request that matches no operation of the spec (the fake answers 404 with Attio's envelope).
const NO_OPERATION: &str = "(no operation)";

// ---- the spec ---------------------------------------------------------------------------------------

/// What the spec says a response must look like.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Expected {
    /// Declared without content: the body must be empty.
    Empty,
    /// A JSON body valid against the schema at `schema` (a `#/...` pointer into the spec).
    Json {
        schema: String,
        /// Whether the operation declares the status (else the `AttioError` fallback applies).
        declared: bool,
    },
}

/// The spec, and one compiled validator per response schema.
struct Spec {
    doc: Value,
    validators: HashMap<String, Validator>,
}

/// RFC 6901 escaping of one pointer segment, percent-encoded for a URI fragment (RFC 6901 section 6):
/// a path template's braces are not allowed in a `$ref`.
fn escape(segment: &str) -> String {
    segment
        .replace('~', "~0")
        .replace('/', "~1")
        .replace('{', "%7B")
        .replace('}', "%7D")
}

/// Undoes the percent-encoding of a URI fragment.
fn percent_decode(fragment: &str) -> String {
    let bytes = fragment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Spec {
    fn load() -> Self {
        let text = std::fs::read_to_string(SPEC_PATH).expect("read the spec");
        let doc: Value = yaml_serde::from_str(&text).expect("the spec is YAML");
        Self {
            doc,
            validators: HashMap::new(),
        }
    }

    /// The value at a `#/...` pointer.
    fn resolve(&self, reference: &str) -> Result<&Value, String> {
        let pointer = reference
            .strip_prefix('#')
            .ok_or_else(|| format!("not a local reference: {reference}"))?;
        self.doc
            .pointer(&percent_decode(pointer))
            .ok_or_else(|| format!("dangling reference {reference}"))
    }

    /// The operation id of `method template`.
    fn operation_id(&self, template: &str, method: &Method) -> String {
        self.doc["paths"][template][method.as_str().to_ascii_lowercase()]["operationId"]
            .as_str()
            .map_or_else(|| format!("{method} {template}"), str::to_string)
    }

    /// The response the spec declares for `method template` answering `status`.
    fn expected(&self, template: &str, method: &Method, status: u16) -> Result<Expected, String> {
        let undeclared = || {
            if status >= 400 {
                Ok(Expected::Json {
                    schema: ATTIO_ERROR.to_string(),
                    declared: false,
                })
            } else {
                Err(format!(
                    "{method} {template} does not declare the success status {status}"
                ))
            }
        };
        if template == NO_OPERATION {
            return undeclared();
        }
        let method_key = method.as_str().to_ascii_lowercase();
        let operation = self.doc["paths"]
            .get(template)
            .and_then(|path| path.get(&method_key))
            .ok_or_else(|| format!("the spec has no operation {method} {template}"))?;
        let responses = &operation["responses"];
        let key = status.to_string();
        let range = format!("{}XX", status / 100);
        let Some((found_key, mut response)) = [key.as_str(), range.as_str(), "default"]
            .into_iter()
            .find_map(|k| responses.get(k).map(|r| (k, r)))
        else {
            return undeclared();
        };
        let mut location = format!(
            "#/paths/{}/{method_key}/responses/{found_key}",
            escape(template)
        );
        while let Some(reference) = response.get("$ref").and_then(Value::as_str) {
            location = reference.to_string();
            response = self.resolve(reference)?;
        }
        let Some(content) = response.get("content") else {
            return Ok(Expected::Empty);
        };
        let media = content
            .get("application/json")
            .ok_or_else(|| format!("{location} has no application/json content"))?;
        let schema = match media["schema"].get("$ref").and_then(Value::as_str) {
            Some(reference) => reference.to_string(),
            None => format!("{location}/content/application~1json/schema"),
        };
        self.resolve(&schema)?;
        Ok(Expected::Json {
            schema,
            declared: true,
        })
    }

    /// The validator of the schema at `pointer`: the whole spec with a root `$ref` to it.
    fn validator(&mut self, pointer: &str) -> &Validator {
        if !self.validators.contains_key(pointer) {
            let mut document = self.doc.clone();
            let root = document.as_object_mut().expect("the spec is an object");
            root.insert(
                "$schema".into(),
                json!("https://json-schema.org/draft/2020-12/schema"),
            );
            root.insert("$ref".into(), json!(pointer));
            let validator = jsonschema::options()
                .with_draft(jsonschema::Draft::Draft202012)
                .should_validate_formats(true)
                .should_ignore_unknown_formats(true)
                .build(&document)
                .unwrap_or_else(|e| panic!("compile the schema {pointer}: {e}"));
            self.validators.insert(pointer.to_string(), validator);
        }
        &self.validators[pointer]
    }

    /// Checks one response. `content_type` is `None` when the response had no `Content-Type`.
    /// Returns the problems found, each with the instance pointer and the schema location.
    fn check(
        &mut self,
        template: &str,
        method: &Method,
        status: u16,
        content_type: Option<&str>,
        body: &[u8],
    ) -> Result<Expected, Vec<String>> {
        let expected = self
            .expected(template, method, status)
            .map_err(|e| vec![e])?;
        let problems = match &expected {
            Expected::Empty if body.is_empty() => Vec::new(),
            Expected::Empty => vec![format!(
                "the spec declares no content, the body has {} bytes: {}",
                body.len(),
                String::from_utf8_lossy(body)
            )],
            Expected::Json { schema, .. } => {
                let mut problems = Vec::new();
                let essence = content_type
                    .and_then(|ct| ct.split(';').next())
                    .map(|ct| ct.trim().to_ascii_lowercase());
                if essence.as_deref() != Some("application/json") {
                    problems.push(format!(
                        "Content-Type is {content_type:?}, the spec declares application/json"
                    ));
                }
                match serde_json::from_slice::<Value>(body) {
                    Err(e) => problems.push(format!(
                        "the body is not JSON ({e}): {}",
                        String::from_utf8_lossy(body)
                    )),
                    Ok(instance) => {
                        let schema = schema.clone();
                        let validator = self.validator(&schema);
                        problems.extend(validator.iter_errors(&instance).map(|error| {
                            format!(
                                "at {:?} against {schema}: {error} (schema path {})",
                                error.instance_path().as_str(),
                                error.evaluation_path().as_str(),
                            )
                        }));
                    }
                }
                problems
            }
        };
        if problems.is_empty() {
            Ok(expected)
        } else {
            Err(problems)
        }
    }
}

// ---- driving the fake -------------------------------------------------------------------------------

/// How a request authenticates.
#[derive(Debug, Clone)]
enum Auth {
    /// The server's token.
    Good,
    /// This `Authorization` header value.
    Header(&'static str),
    /// No `Authorization` header.
    Missing,
}

/// Drives the fake, checks every response, and keeps score.
struct Harness {
    spec: Spec,
    client: reqwest::Client,
    base: String,
    token: String,
    validated: usize,
    failures: Vec<String>,
    /// `(operation id, status)` answered, with how many times and whether the spec declares it.
    seen: BTreeMap<(String, u16), (usize, bool)>,
}

/// One request to send.
struct Call<'h> {
    h: &'h mut Harness,
    method: Method,
    template: &'static str,
    path: String,
    body: Option<(Vec<u8>, &'static str)>,
    auth: Auth,
    expect: Option<u16>,
}

/// A response as the scenario needs it.
struct Reply {
    status: u16,
    json: Value,
}

impl Harness {
    fn new(server: &MockServer) -> Self {
        Self {
            spec: Spec::load(),
            client: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("a reqwest client"),
            base: server.base_url().to_string(),
            token: server.token().to_string(),
            validated: 0,
            failures: Vec::new(),
            seen: BTreeMap::new(),
        }
    }

    fn call(
        &mut self,
        method: Method,
        template: &'static str,
        path: impl Into<String>,
    ) -> Call<'_> {
        Call {
            h: self,
            method,
            template,
            path: path.into(),
            body: None,
            auth: Auth::Good,
            expect: None,
        }
    }

    fn get(&mut self, template: &'static str, path: impl Into<String>) -> Call<'_> {
        self.call(Method::GET, template, path)
    }

    fn post(&mut self, template: &'static str, path: impl Into<String>, body: &Value) -> Call<'_> {
        self.call(Method::POST, template, path).json(body)
    }

    fn delete(&mut self, template: &'static str, path: impl Into<String>) -> Call<'_> {
        self.call(Method::DELETE, template, path)
    }

    fn patch(&mut self, template: &'static str, path: impl Into<String>, body: &Value) -> Call<'_> {
        self.call(Method::PATCH, template, path).json(body)
    }

    fn put(&mut self, template: &'static str, path: impl Into<String>, body: &Value) -> Call<'_> {
        self.call(Method::PUT, template, path).json(body)
    }
}

impl Call<'_> {
    fn json(mut self, body: &Value) -> Self {
        self.body = Some((body.to_string().into_bytes(), "application/json"));
        self
    }

    fn raw(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some((body.into(), "application/json"));
        self
    }

    fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// The status the scenario means to produce; anything else is reported.
    fn expect(mut self, status: u16) -> Self {
        self.expect = Some(status);
        self
    }

    async fn send(self) -> Reply {
        let Call {
            h,
            method,
            template,
            path,
            body,
            auth,
            expect,
        } = self;
        let mut request = h
            .client
            .request(method.clone(), format!("{}{path}", h.base));
        request = match auth {
            Auth::Good => request.bearer_auth(&h.token),
            Auth::Header(value) => request.header("authorization", value),
            Auth::Missing => request,
        };
        if let Some((bytes, content_type)) = body {
            request = request.header("content-type", content_type).body(bytes);
        }
        let response = request
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let bytes = response
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: reading the body: {e}"));
        let what = format!("{method} {path} ({template}) -> {status}");
        if let Some(expected) = expect
            && expected != status
        {
            h.failures.push(format!(
                "{what}: the scenario expected {expected}; body {}",
                String::from_utf8_lossy(&bytes)
            ));
        }
        let result = h
            .spec
            .check(template, &method, status, content_type.as_deref(), &bytes);
        h.validated += 1;
        let declared = !matches!(
            h.spec.expected(template, &method, status),
            Ok(Expected::Json {
                declared: false,
                ..
            })
        );
        let entry = h
            .seen
            .entry((h.spec.operation_id(template, &method), status))
            .or_insert((0, declared));
        entry.0 += 1;
        if let Err(problems) = result {
            for problem in problems {
                h.failures.push(format!("{what}: {problem}"));
            }
        }
        let json = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply { status, json }
    }
}

/// A query string.
fn query(pairs: &[(&str, &str)]) -> String {
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (key, value) in pairs {
        serializer.append_pair(key, value);
    }
    format!("?{}", serializer.finish())
}

fn next_cursor(reply: &Reply) -> Option<String> {
    reply.json["pagination"]["next_cursor"]
        .as_str()
        .map(str::to_string)
}

fn meeting_id(reply: &Reply) -> String {
    reply.json["data"]["id"]["meeting_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no meeting id in {}", reply.json))
        .to_string()
}

fn recording_id(reply: &Reply) -> String {
    reply.json["data"]["id"]["call_recording_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no call recording id in {}", reply.json))
        .to_string()
}

/// A timed create-meeting body.
fn timed(title: &str, start: &str, end: &str, timezone: Option<&str>) -> Value {
    let time = |datetime: &str| match timezone {
        Some(tz) => json!({"datetime": datetime, "timezone": tz}),
        None => json!({"datetime": datetime}),
    };
    json!({"data": {
        "title": title,
        "description": format!("About {title}."),
        "is_all_day": false,
        "start": time(start),
        "end": time(end),
        "participants": [
            {"email_address": "Alice@Example.com", "is_organizer": true, "status": "accepted"},
            {"email_address": "bob@example.com", "is_organizer": "false", "status": "tentative"},
            {"name": "Front desk", "is_organizer": false, "status": "pending"},
            {"email_address": "dan@example.com", "name": "Dan", "is_organizer": false, "status": "accepted"},
        ],
    }})
}

/// An all-day create-meeting body.
fn all_day(title: &str, start: &str, end: &str) -> Value {
    json!({"data": {
        "title": title,
        "description": "",
        "is_all_day": true,
        "start": {"date": start},
        "end": {"date": end},
        "participants": [
            {"email_address": "carol@example.com", "is_organizer": "true", "status": "declined"},
        ],
    }})
}

const UNKNOWN_ID: &str = "cb59ab17-ad15-460c-a126-0715617c0853";

/// Pages through `GET path` with `limit` and `extra` query pairs, following `next_cursor` to the end;
/// returns the ids seen.
async fn page_meetings(h: &mut Harness, limit: &str, extra: &[(&str, &str)]) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let mut pairs: Vec<(&str, &str)> = vec![("limit", limit)];
        pairs.extend_from_slice(extra);
        if let Some(c) = &cursor {
            pairs.push(("cursor", c));
        }
        let reply = h
            .get(MEETINGS, format!("{MEETINGS}{}", query(&pairs)))
            .expect(200)
            .send()
            .await;
        ids.extend(
            reply.json["data"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|m| m["id"]["meeting_id"].as_str().map(str::to_string)),
        );
        cursor = next_cursor(&reply);
        if cursor.is_none() {
            return ids;
        }
    }
    panic!("more than 100 pages of meetings");
}

/// A change that breaks a body.
type Breakage = Box<dyn Fn(&mut Value)>;

/// One request per operation: `(operation, method, template, path, body)`.
type Op = (Endpoint, Method, &'static str, String, Option<Value>);

async fn send(h: &mut Harness, op: &Op, auth: Auth, expect: u16) -> Reply {
    let (_, method, template, path, body) = op;
    let mut call = h
        .call(method.clone(), template, path.clone())
        .auth(auth)
        .expect(expect);
    if let Some(body) = body {
        call = call.json(body);
    }
    call.send().await
}

// ---- the tests --------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_conforms_to_the_spec() {
    let started = Instant::now();
    let processing = Duration::from_millis(600);
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(processing)
        .transcript_page_size(3)
        .start()
        .await
        .expect("start the fake");
    let mut h = Harness::new(&server);
    let store = server.store();
    let objects = store.objects();
    let people_id = objects
        .iter()
        .find(|(slug, _)| slug == "people")
        .map(|(_, id)| id.to_string())
        .expect("a people object");
    let record_a = "5f2c8b1e-7a44-4d1b-9d3e-2b8f0c6a1e01";
    let record_b = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    // ---- seeded meetings (system actor, fixed creation times) ----
    let created = "2026-12-01T08:00:00Z".parse().ok();
    let mut with_link = timed(
        "Kick-off",
        "2027-01-10T09:00:00Z",
        "2027-01-10T10:00:00Z",
        None,
    );
    with_link["data"]["linked_records"] = json!([{"object": "people", "record_id": record_a}]);
    let seeded = [
        with_link,
        timed(
            "Paris sync",
            "2027-01-11T15:00:00",
            "2027-01-11T15:30:00",
            Some("Europe/Paris"),
        ),
        all_day("Offsite", "2027-01-12", "2027-01-13"),
        all_day("Conference", "2027-01-14", "2027-01-17"),
        timed(
            "Same start",
            "2027-01-10T09:00:00Z",
            "2027-01-10T09:15:00Z",
            Some("UTC"),
        ),
    ];
    let mut seeded_ids = Vec::new();
    for body in &seeded {
        seeded_ids.push(
            store
                .seed_meeting(body, created)
                .expect("seed a meeting")
                .to_string(),
        );
    }
    let quiet = store
        .seed_meeting(&all_day("Quiet day", "2027-02-01", "2027-02-02"), None)
        .expect("seed a meeting")
        .to_string();
    // A meeting of Attio's calendar sync, without participants (seeding allows that).
    let mut synced_body = timed(
        "Synced from Google",
        "2027-02-03T09:00:00Z",
        "2027-02-03T09:30:00Z",
        None,
    );
    synced_body["data"]["participants"] = json!([]);
    synced_body["calendar_synced"] = json!(true);
    let synced = store
        .seed_meeting(&synced_body, created)
        .expect("seed a meeting")
        .to_string();

    // ---- create meeting ----
    let mut ny = timed(
        "Renewal",
        "2027-11-27T14:00:00",
        "2027-11-27T15:00:00",
        Some("America/New_York"),
    );
    ny["data"]["linked_records"] = json!([
        {"object": "people", "record_id": record_a},
        {"object": people_id, "record_id": record_b},
        {"object": "companies", "record_id": record_b},
    ]);
    let renewal = h.post(MEETINGS, MEETINGS, &ny).expect(200).send().await;
    let renewal_id = meeting_id(&renewal);
    let again = h.post(MEETINGS, MEETINGS, &ny).expect(200).send().await;
    assert_ne!(
        meeting_id(&again),
        renewal_id,
        "create-meeting always creates"
    );
    let day = h
        .post(
            MEETINGS,
            MEETINGS,
            &all_day("Holiday", "2027-12-24", "2027-12-27"),
        )
        .expect(200)
        .send()
        .await;
    let day_id = meeting_id(&day);
    // An old client's `external_ref` is ignored (and answered like any other meeting).
    let mut weekly = timed(
        "Weekly",
        "2027-06-01T09:00:00-04:00",
        "2027-06-01T09:30:00-04:00",
        Some("America/New_York"),
    );
    weekly["data"]["external_ref"] = json!({
        "ical_uid": "040000008200E00074C5B7101A82E008@google.com",
        "provider": "google",
        "is_recurring": true,
        "original_start_time": "2027-06-01T09:00:00-04:00",
    });
    h.post(MEETINGS, MEETINGS, &weekly).expect(200).send().await;
    weekly["data"]["external_ref"] = json!("crm-weekly");
    h.post(MEETINGS, MEETINGS, &weekly).expect(200).send().await;
    let offset_only = timed(
        "Offset only",
        "2027-06-02T09:00:00+02:00",
        "2027-06-02T10:00:00+02:00",
        None,
    );
    h.post(MEETINGS, MEETINGS, &offset_only)
        .expect(200)
        .send()
        .await;
    let mars = timed(
        "Unknown zone",
        "2027-06-03T09:00:00",
        "2027-06-03T10:00:00",
        Some("Mars/Olympus_Mons"),
    );
    h.post(MEETINGS, MEETINGS, &mars).expect(200).send().await;
    let mut null_zone = timed(
        "Null zone",
        "2027-06-04T09:00:00Z",
        "2027-06-04T10:00:00Z",
        None,
    );
    null_zone["data"]["start"]["timezone"] = Value::Null;
    null_zone["data"]["participants"] =
        json!([{"name": "Only a name", "is_organizer": true, "status": "accepted"}]);
    null_zone["data"]["linked_records"] = json!([]);
    h.post(MEETINGS, MEETINGS, &null_zone)
        .expect(200)
        .send()
        .await;

    // create-meeting 400s (declared as CreateMeetingValidationError, key `statusCode`)
    let broken: Vec<(&str, Breakage)> = vec![
        (
            "no title",
            Box::new(|b| {
                b["data"].as_object_mut().unwrap().remove("title");
            }),
        ),
        (
            "is_all_day a string",
            Box::new(|b| b["data"]["is_all_day"] = json!("yes")),
        ),
        (
            "timed with a date",
            Box::new(|b| b["data"]["start"] = json!({"date": "2027-11-27"})),
        ),
        (
            "end before start",
            Box::new(|b| b["data"]["end"] = json!({"datetime": "2027-11-27T13:00:00Z"})),
        ),
        (
            "bad participant status",
            Box::new(|b| b["data"]["participants"][0]["status"] = json!("maybe")),
        ),
        (
            "not an email",
            Box::new(|b| b["data"]["participants"][0]["email_address"] = json!("nobody")),
        ),
        (
            "no participants",
            Box::new(|b| b["data"]["participants"] = json!([])),
        ),
        (
            "a participant with neither email nor name",
            Box::new(|b| {
                b["data"]["participants"] = json!([{"is_organizer": true, "status": "accepted"}])
            }),
        ),
        (
            "an empty name",
            Box::new(|b| b["data"]["participants"][2]["name"] = json!("")),
        ),
        (
            "title too long",
            Box::new(|b| b["data"]["title"] = json!("t".repeat(1001))),
        ),
        (
            "description too long",
            Box::new(|b| b["data"]["description"] = json!("d".repeat(10_001))),
        ),
        (
            "501 participants",
            Box::new(|b| {
                b["data"]["participants"] = json!(vec![b["data"]["participants"][0].clone(); 501])
            }),
        ),
        (
            "51 linked records",
            Box::new(|b| {
                b["data"]["linked_records"] = json!(vec![
                    json!({"object": "people", "record_id": UNKNOWN_ID});
                    51
                ])
            }),
        ),
        (
            "unknown object",
            Box::new(|b| {
                b["data"]["linked_records"] =
                    json!([{"object": "unicorns", "record_id": UNKNOWN_ID}]);
            }),
        ),
        (
            "record_id not a uuid",
            Box::new(|b| {
                b["data"]["linked_records"] = json!([{"object": "people", "record_id": "nope"}])
            }),
        ),
        ("no data", Box::new(|b| *b = json!({}))),
        ("an array", Box::new(|b| *b = json!([]))),
    ];
    for (_why, breaks) in &broken {
        let mut body = ny.clone();
        breaks(&mut body);
        h.post(MEETINGS, MEETINGS, &body).expect(400).send().await;
    }
    h.call(Method::POST, MEETINGS, MEETINGS)
        .raw("{not json")
        .expect(400)
        .send()
        .await;
    // Too large: 413 is not declared, so the AttioError envelope applies.
    let huge = format!("{{\"data\": \"{}\"}}", "x".repeat((1 << 20) + 16));
    h.call(Method::POST, MEETINGS, MEETINGS)
        .raw(huge)
        .expect(413)
        .send()
        .await;

    // ---- list meetings ----
    let all_asc = page_meetings(&mut h, "2", &[]).await;
    let all_desc = page_meetings(&mut h, "3", &[("sort", "start_desc")]).await;
    assert_eq!(
        all_asc.len(),
        all_desc.len(),
        "both orders list every meeting"
    );
    assert!(
        all_asc.len() >= 10,
        "the scenario lists {} meetings",
        all_asc.len()
    );
    page_meetings(&mut h, "200", &[]).await;
    h.get(MEETINGS, MEETINGS).expect(200).send().await;
    h.get(MEETINGS, format!("{MEETINGS}{}", query(&[("cursor", "")])))
        .expect(200)
        .send()
        .await;
    page_meetings(
        &mut h,
        "1",
        &[("participants", "alice@example.com, dave@example.com")],
    )
    .await;
    page_meetings(
        &mut h,
        "1",
        &[("linked_object", "people"), ("linked_record_id", record_a)],
    )
    .await;
    page_meetings(
        &mut h,
        "1",
        &[
            ("linked_object", &people_id),
            ("linked_record_id", record_b),
        ],
    )
    .await;
    page_meetings(
        &mut h,
        "2",
        &[
            ("ends_from", "2027-01-12T00:00:00"),
            ("starts_before", "2027-01-15T00:00:00Z"),
            ("timezone", "America/New_York"),
        ],
    )
    .await;
    page_meetings(
        &mut h,
        "2",
        &[
            ("ends_from", "2027-06-01T00:00:00Z"),
            ("sort", "start_desc"),
        ],
    )
    .await;
    let empty = h
        .get(
            MEETINGS,
            format!(
                "{MEETINGS}{}",
                query(&[("participants", "nobody@example.com")])
            ),
        )
        .expect(200)
        .send()
        .await;
    assert_eq!(empty.json["data"], json!([]), "an empty page");
    let empty = h
        .get(
            MEETINGS,
            format!(
                "{MEETINGS}{}",
                query(&[("starts_before", "1999-01-01T00:00:00Z")])
            ),
        )
        .expect(200)
        .send()
        .await;
    assert_eq!(empty.json["data"], json!([]), "an empty page");
    let asc_cursor = {
        let first = h
            .get(MEETINGS, format!("{MEETINGS}{}", query(&[("limit", "1")])))
            .expect(200)
            .send()
            .await;
        next_cursor(&first).expect("a second page")
    };
    let bad_queries: [&[(&str, &str)]; 9] = [
        &[("limit", "0")],
        &[("limit", "201")],
        &[("limit", "ten")],
        &[("cursor", "not-a-cursor")],
        &[("cursor", &asc_cursor), ("sort", "start_desc")],
        &[("sort", "sideways")],
        &[("linked_object", "people")],
        &[("linked_object", "people"), ("linked_record_id", "nope")],
        &[("ends_from", "yesterday")],
    ];
    for pairs in bad_queries {
        h.get(MEETINGS, format!("{MEETINGS}{}", query(pairs)))
            .expect(400)
            .send()
            .await;
    }

    // ---- get meeting ----
    for id in [&renewal_id, &day_id, &seeded_ids[0], &seeded_ids[3]] {
        h.get(MEETING, format!("{MEETINGS}/{id}"))
            .expect(200)
            .send()
            .await;
    }
    h.get(MEETING, format!("{MEETINGS}/{UNKNOWN_ID}"))
        .expect(404)
        .send()
        .await;
    h.get(MEETING, format!("{MEETINGS}/not-a-uuid"))
        .expect(404)
        .send()
        .await;

    // ---- linked-record updates (PATCH appends, PUT replaces) ----
    let links = |records: &[(&str, &str)]| {
        let items: Vec<Value> = records
            .iter()
            .map(|(object, record)| json!({"object": object, "record_id": record}))
            .collect();
        json!({"data": {"linked_records": items}})
    };
    let day_path = format!("{MEETINGS}/{day_id}");
    h.patch(
        MEETING,
        &day_path,
        &links(&[("people", record_a), ("companies", record_b)]),
    )
    .expect(200)
    .send()
    .await;
    let appended = h
        .patch(
            MEETING,
            &day_path,
            &links(&[(&people_id, record_a), ("deals", record_b)]),
        )
        .expect(200)
        .send()
        .await;
    assert_eq!(
        appended.json["data"]["linked_records"]
            .as_array()
            .map(Vec::len),
        Some(3),
        "an already linked record is skipped"
    );
    h.patch(MEETING, &day_path, &links(&[]))
        .expect(200)
        .send()
        .await;
    let replaced = h
        .put(MEETING, &day_path, &links(&[("companies", record_a)]))
        .expect(200)
        .send()
        .await;
    assert_eq!(
        replaced.json["data"]["linked_records"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    h.put(MEETING, &day_path, &links(&[]))
        .expect(200)
        .send()
        .await;
    // Calendar-synced meetings may be relinked (only their deletion is refused).
    h.put(
        MEETING,
        format!("{MEETINGS}/{synced}"),
        &links(&[("people", record_a)]),
    )
    .expect(200)
    .send()
    .await;
    let fifty_one: Vec<(&str, &str)> = vec![("people", record_a); 51];
    for method in [Method::PATCH, Method::PUT] {
        for body in [
            json!({}),
            json!({"data": {}}),
            json!({"data": {"linked_records": [], "title": "Renamed"}}),
            json!({"data": {"linked_records": [{"object": "people", "record_id": "nope"}]}}),
            json!({"data": {"linked_records": [{"record_id": record_a}]}}),
            links(&fifty_one),
        ] {
            h.call(method.clone(), MEETING, day_path.clone())
                .json(&body)
                .expect(400)
                .send()
                .await;
        }
        h.call(method.clone(), MEETING, day_path.clone())
            .raw("{not json")
            .expect(400)
            .send()
            .await;
        let unknown_object = h
            .call(method.clone(), MEETING, day_path.clone())
            .json(&links(&[("unicorns", record_a)]))
            .expect(400)
            .send()
            .await;
        assert_eq!(unknown_object.json["code"], "value_not_found");
        for missing in [UNKNOWN_ID, "not-a-uuid"] {
            h.call(method.clone(), MEETING, format!("{MEETINGS}/{missing}"))
                .json(&links(&[("people", record_a)]))
                .expect(404)
                .send()
                .await;
        }
    }

    // ---- delete meeting ----
    let doomed = h
        .post(
            MEETINGS,
            MEETINGS,
            &timed(
                "Doomed",
                "2027-03-01T09:00:00Z",
                "2027-03-01T10:00:00Z",
                None,
            ),
        )
        .expect(200)
        .send()
        .await;
    let doomed_id = meeting_id(&doomed);
    let doomed_recording = store
        .seed_call_recording(
            doomed_id.parse().unwrap(),
            "https://videos.example.com/doomed.mp4",
            false,
            Vec::new(),
        )
        .expect("seed a recording")
        .to_string();
    let deleted = h
        .delete(MEETING, format!("{MEETINGS}/{doomed_id}"))
        .expect(200)
        .send()
        .await;
    assert_eq!(deleted.json, json!({}), "Attio's empty object");
    for call in [
        (Method::DELETE, MEETING, format!("{MEETINGS}/{doomed_id}")),
        (Method::GET, MEETING, format!("{MEETINGS}/{doomed_id}")),
        (
            Method::GET,
            RECORDING,
            format!("{MEETINGS}/{doomed_id}/call_recordings/{doomed_recording}"),
        ),
        (Method::DELETE, MEETING, format!("{MEETINGS}/{UNKNOWN_ID}")),
        (Method::DELETE, MEETING, format!("{MEETINGS}/not-a-uuid")),
    ] {
        h.call(call.0, call.1, call.2).expect(404).send().await;
    }
    let refused = h
        .delete(MEETING, format!("{MEETINGS}/{synced}"))
        .expect(400)
        .send()
        .await;
    assert_eq!(refused.json["code"], "system_edit_unauthorized");
    // Deleted in the fault scenario below.
    let victim = h
        .post(
            MEETINGS,
            MEETINGS,
            &timed(
                "Victim",
                "2027-03-02T09:00:00Z",
                "2027-03-02T10:00:00Z",
                None,
            ),
        )
        .expect(200)
        .send()
        .await;
    let victim_id = meeting_id(&victim);

    // ---- call recordings ----
    let recordings_of = |id: &str| format!("{MEETINGS}/{id}/call_recordings");
    let video = |url: &str| json!({"data": {"video_url": url}});
    let mut created_ids = Vec::new();
    for url in [
        "https://videos.example.com/call.mp4",
        "https://videos.example.com/second.MP4?token=abc",
        "https://videos.example.com/call.mov",
    ] {
        let reply = h
            .post(RECORDINGS, recordings_of(&renewal_id), &video(url))
            .expect(200)
            .send()
            .await;
        created_ids.push(recording_id(&reply));
    }
    let (completing, failing) = (created_ids[0].clone(), created_ids[2].clone());
    // From a transcript, alone and with a video.
    let uploaded = json!([
        {"speech": "Shall we start?", "start_time": 0, "end_time": 1.25,
         "speaker": {"name": "Ada", "email_address": "ada@example.com"}},
        {"speech": "Yes.", "start_time": 1.5, "end_time": 2,
         "speaker": {"name": "Grace"}},
        {"speech": "Then the renewal first.", "start_time": 2.5, "end_time": 4,
         "speaker": {"name": "Ada"}},
        {"speech": "Fine by me.", "start_time": 4.5, "end_time": 5,
         "speaker": {"name": "Grace"}},
    ]);
    let from_transcript = h
        .post(
            RECORDINGS,
            recordings_of(&renewal_id),
            &json!({"data": {"transcript": uploaded}}),
        )
        .expect(200)
        .send()
        .await;
    let from_transcript = recording_id(&from_transcript);
    h.post(
        RECORDINGS,
        recordings_of(&renewal_id),
        &json!({"data": {"video_url": "https://videos.example.com/both.mp4", "transcript": uploaded}}),
    )
    .expect(200)
    .send()
    .await;
    let recording_path = |m: &str, r: &str| format!("{MEETINGS}/{m}/call_recordings/{r}");
    let transcript_path =
        |m: &str, r: &str| format!("{MEETINGS}/{m}/call_recordings/{r}/transcript");
    // While processing.
    let processing_reply = h
        .get(RECORDING, recording_path(&renewal_id, &completing))
        .expect(200)
        .send()
        .await;
    if processing_reply.json["data"]["status"] != "processing" {
        h.failures.push(
            "the scenario expected a `processing` recording (processing_time too short?)".into(),
        );
    }
    let early = h
        .get(TRANSCRIPT, transcript_path(&renewal_id, &completing))
        .expect(200)
        .send()
        .await;
    assert_eq!(
        early.json["data"]["transcript"],
        json!([]),
        "no transcript while processing"
    );

    for (_what, body) in [
        ("http", video("http://videos.example.com/call.mp4")),
        ("no scheme", video("videos.example.com/call.mp4")),
        ("empty host", video("https://")),
        ("neither video_url nor transcript", json!({"data": {}})),
        (
            "an empty transcript alone",
            json!({"data": {"transcript": []}}),
        ),
        (
            "a negative start_time",
            json!({"data": {"transcript": [{"speech": "x", "start_time": -1, "end_time": 1,
                "speaker": {"name": "A"}}]}}),
        ),
        (
            "a speaker without name",
            json!({"data": {"transcript": [{"speech": "x", "start_time": 0, "end_time": 1,
                "speaker": {}}]}}),
        ),
        (
            "4001 segments",
            json!({"data": {"transcript": vec![uploaded[0].clone(); 4001]}}),
        ),
        ("empty", video("")),
    ] {
        h.post(RECORDINGS, recordings_of(&renewal_id), &body)
            .expect(400)
            .send()
            .await;
    }
    h.call(Method::POST, RECORDINGS, recordings_of(&renewal_id))
        .raw("not json")
        .expect(400)
        .send()
        .await;
    h.post(
        RECORDINGS,
        recordings_of(UNKNOWN_ID),
        &video("https://x.example.com/a.mp4"),
    )
    .expect(404)
    .send()
    .await;
    h.post(
        RECORDINGS,
        recordings_of("not-a-uuid"),
        &video("https://x.example.com/a.mp4"),
    )
    .expect(404)
    .send()
    .await;

    // List, in pages.
    for limit in ["1", "2"] {
        let mut cursor: Option<String> = None;
        loop {
            let mut pairs = vec![("limit", limit)];
            if let Some(c) = &cursor {
                pairs.push(("cursor", c));
            }
            let reply = h
                .get(
                    RECORDINGS,
                    format!("{}{}", recordings_of(&renewal_id), query(&pairs)),
                )
                .expect(200)
                .send()
                .await;
            cursor = next_cursor(&reply);
            if cursor.is_none() {
                break;
            }
        }
    }
    h.get(RECORDINGS, recordings_of(&renewal_id))
        .expect(200)
        .send()
        .await;
    let none = h
        .get(RECORDINGS, recordings_of(&quiet))
        .expect(200)
        .send()
        .await;
    assert_eq!(none.json["data"], json!([]), "a meeting without recordings");
    h.get(RECORDINGS, recordings_of(UNKNOWN_ID))
        .expect(404)
        .send()
        .await;
    h.get(RECORDINGS, recordings_of("not-a-uuid"))
        .expect(404)
        .send()
        .await;
    for pairs in [
        [("cursor", "")],
        [("cursor", "zz")],
        [("limit", "0")],
        [("limit", "500")],
    ] {
        h.get(
            RECORDINGS,
            format!("{}{}", recordings_of(&renewal_id), query(&pairs)),
        )
        .expect(400)
        .send()
        .await;
    }

    // Wait for processing to end, polling (each poll is checked too).
    let deadline = Instant::now() + processing * 20;
    loop {
        let a = h
            .get(RECORDING, recording_path(&renewal_id, &completing))
            .expect(200)
            .send()
            .await;
        let b = h
            .get(RECORDING, recording_path(&renewal_id, &failing))
            .expect(200)
            .send()
            .await;
        let c = h
            .get(RECORDING, recording_path(&renewal_id, &from_transcript))
            .expect(200)
            .send()
            .await;
        if a.json["data"]["status"] == "completed"
            && b.json["data"]["status"] == "failed"
            && c.json["data"]["status"] == "completed"
        {
            assert!(a.json["data"]["transcript"]["segments"].is_array());
            assert_eq!(b.json["data"]["transcript"], Value::Null);
            assert_eq!(
                c.json["data"]["transcript"]["segments"]
                    .as_array()
                    .map(Vec::len),
                Some(4)
            );
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the recordings never finished processing"
        );
        tokio::time::sleep(processing / 3).await;
    }

    // Transcripts: paginated (3 segments a page), failed (empty), seeded.
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!(
                "{}{}",
                transcript_path(&renewal_id, &completing),
                query(&[("cursor", c)])
            ),
            None => transcript_path(&renewal_id, &completing),
        };
        let reply = h.get(TRANSCRIPT, path).expect(200).send().await;
        pages += 1;
        cursor = next_cursor(&reply);
        if cursor.is_none() {
            break;
        }
        assert!(pages < 100, "too many transcript pages");
    }
    assert!(pages >= 3, "the transcript came in {pages} pages");
    let first = h
        .get(TRANSCRIPT, transcript_path(&renewal_id, &from_transcript))
        .expect(200)
        .send()
        .await;
    let rest = next_cursor(&first).expect("a second page of the uploaded transcript");
    h.get(
        TRANSCRIPT,
        format!(
            "{}{}",
            transcript_path(&renewal_id, &from_transcript),
            query(&[("cursor", &rest)])
        ),
    )
    .expect(200)
    .send()
    .await;
    h.get(TRANSCRIPT, transcript_path(&renewal_id, &failing))
        .expect(200)
        .send()
        .await;
    h.get(
        TRANSCRIPT,
        format!(
            "{}{}",
            transcript_path(&renewal_id, &completing),
            query(&[("cursor", "garbage")])
        ),
    )
    .expect(400)
    .send()
    .await;
    let segments = vec![
        Segment {
            speaker: "Ada".into(),
            speech: "Hello.".into(),
            start_time: 0.0,
            end_time: 0.75,
        },
        Segment {
            speaker: "Grace".into(),
            speech: "Hi, Ada — «unicode» too.".into(),
            start_time: 1.0,
            end_time: 2.5,
        },
    ];
    let seeded_recording = store
        .seed_call_recording(
            seeded_ids[0].parse().unwrap(),
            "https://videos.example.com/seeded.mp4",
            false,
            segments,
        )
        .expect("seed a recording")
        .to_string();
    let silent = store
        .seed_call_recording(
            seeded_ids[0].parse().unwrap(),
            "https://videos.example.com/silent.mp4",
            false,
            Vec::new(),
        )
        .expect("seed a recording")
        .to_string();
    let seeded_failed = store
        .seed_call_recording(
            seeded_ids[0].parse().unwrap(),
            "https://videos.example.com/broken.mp4",
            true,
            Vec::new(),
        )
        .expect("seed a recording")
        .to_string();
    for r in [&seeded_recording, &silent, &seeded_failed] {
        h.get(RECORDING, recording_path(&seeded_ids[0], r))
            .expect(200)
            .send()
            .await;
        h.get(TRANSCRIPT, transcript_path(&seeded_ids[0], r))
            .expect(200)
            .send()
            .await;
    }
    h.get(RECORDINGS, recordings_of(&seeded_ids[0]))
        .expect(200)
        .send()
        .await;

    // Not found and malformed ids.
    h.get(RECORDING, recording_path(&renewal_id, UNKNOWN_ID))
        .expect(404)
        .send()
        .await;
    h.get(RECORDING, recording_path(&seeded_ids[0], &completing))
        .expect(404)
        .send()
        .await;
    h.get(RECORDING, recording_path(UNKNOWN_ID, &completing))
        .expect(404)
        .send()
        .await;
    h.get(RECORDING, recording_path(&renewal_id, "not-a-uuid"))
        .expect(404)
        .send()
        .await;
    h.get(TRANSCRIPT, transcript_path(&renewal_id, UNKNOWN_ID))
        .expect(404)
        .send()
        .await;
    h.get(TRANSCRIPT, transcript_path("not-a-uuid", &completing))
        .expect(404)
        .send()
        .await;

    // Delete: 204, then 404 everywhere.
    let doomed = created_ids[1].clone();
    h.delete(RECORDING, recording_path(&renewal_id, &doomed))
        .expect(204)
        .send()
        .await;
    h.delete(RECORDING, recording_path(&renewal_id, &doomed))
        .expect(404)
        .send()
        .await;
    h.get(RECORDING, recording_path(&renewal_id, &doomed))
        .expect(404)
        .send()
        .await;
    h.get(TRANSCRIPT, transcript_path(&renewal_id, &doomed))
        .expect(404)
        .send()
        .await;
    h.delete(RECORDING, recording_path(UNKNOWN_ID, &doomed))
        .expect(404)
        .send()
        .await;
    h.delete(RECORDING, recording_path(&renewal_id, "not-a-uuid"))
        .expect(404)
        .send()
        .await;
    h.delete(RECORDING, recording_path(&seeded_ids[0], &silent))
        .expect(204)
        .send()
        .await;

    // No such operation.
    h.get(NO_OPERATION, "/v2/notes").expect(404).send().await;
    h.call(Method::PUT, NO_OPERATION, MEETINGS)
        .expect(405)
        .send()
        .await;

    // ---- every operation: 401, scripted faults ----
    let every_operation: Vec<Op> = vec![
        (
            Endpoint::ListMeetings,
            Method::GET,
            MEETINGS,
            MEETINGS.to_string(),
            None,
        ),
        (
            Endpoint::CreateMeeting,
            Method::POST,
            MEETINGS,
            MEETINGS.to_string(),
            Some(ny.clone()),
        ),
        (
            Endpoint::GetMeeting,
            Method::GET,
            MEETING,
            format!("{MEETINGS}/{renewal_id}"),
            None,
        ),
        (
            Endpoint::AppendMeetingLinkedRecords,
            Method::PATCH,
            MEETING,
            format!("{MEETINGS}/{renewal_id}"),
            Some(links(&[("people", record_a)])),
        ),
        (
            Endpoint::ReplaceMeetingLinkedRecords,
            Method::PUT,
            MEETING,
            format!("{MEETINGS}/{renewal_id}"),
            Some(links(&[("people", record_b)])),
        ),
        (
            Endpoint::DeleteMeeting,
            Method::DELETE,
            MEETING,
            format!("{MEETINGS}/{victim_id}"),
            None,
        ),
        (
            Endpoint::ListCallRecordings,
            Method::GET,
            RECORDINGS,
            recordings_of(&renewal_id),
            None,
        ),
        (
            Endpoint::CreateCallRecording,
            Method::POST,
            RECORDINGS,
            recordings_of(&renewal_id),
            Some(video("https://videos.example.com/fault.mp4")),
        ),
        (
            Endpoint::GetCallRecording,
            Method::GET,
            RECORDING,
            recording_path(&renewal_id, &completing),
            None,
        ),
        (
            Endpoint::DeleteCallRecording,
            Method::DELETE,
            RECORDING,
            recording_path(&renewal_id, &failing),
            None,
        ),
        (
            Endpoint::GetTranscript,
            Method::GET,
            TRANSCRIPT,
            transcript_path(&renewal_id, &completing),
            None,
        ),
    ];
    assert_eq!(every_operation.len(), Endpoint::ALL.len());
    for op in &every_operation {
        send(&mut h, op, Auth::Header("Bearer not-the-token"), 401).await;
        send(&mut h, op, Auth::Missing, 401).await;
    }
    send(
        &mut h,
        &every_operation[0],
        Auth::Header("Basic dXNlcjpwYXNz"),
        401,
    )
    .await;
    send(&mut h, &every_operation[0], Auth::Header("Bearer "), 401).await;
    for op in &every_operation {
        let faults = [
            Some(Fault::Status(503)),
            Some(Fault::Status(500)),
            Some(Fault::Status(502)),
            Some(Fault::RateLimited),
            Some(Fault::Latency(Duration::from_millis(1))),
        ];
        server.faults().script(op.0, faults);
        for status in [503, 500, 502, 429] {
            send(&mut h, op, Auth::Good, status).await;
        }
        // The latency fault processes the request normally.
        let normal = match op.0 {
            Endpoint::DeleteCallRecording => 204,
            _ => 200,
        };
        send(&mut h, op, Auth::Good, normal).await;
    }

    // ---- 429 from the rate limiter (a second server with tight limits) ----
    let tight = MockServer::builder()
        .limits(Limits {
            reads: Some(1),
            writes: Some(1),
            create_call_recording: Some(1),
        })
        .start()
        .await
        .expect("start the fake");
    h.base = tight.base_url().to_string();
    h.token = tight.token().to_string();
    for op in &every_operation {
        let mut limited = false;
        for _ in 0..20 {
            // Admitted requests answer 404 or 400 here (an empty store), refused ones 429.
            let mut call = h.call(op.1.clone(), op.2, op.3.clone());
            if let Some(body) = &op.4 {
                call = call.json(body);
            }
            if call.send().await.status == 429 {
                limited = true;
                break;
            }
        }
        assert!(limited, "{:?} was never rate limited", op.0);
    }
    drop(tight);

    // ---- report ----
    let elapsed = started.elapsed();
    println!(
        "validated {} responses against the spec in {elapsed:.2?}",
        h.validated
    );
    println!("(operation, status) answered:");
    for ((operation, status), (count, declared)) in &h.seen {
        let how = if *declared {
            "declared"
        } else {
            "undeclared: AttioError"
        };
        println!("  {operation:<24} {status}  x{count:<3} {how}");
    }
    // Every status the spec declares was produced, except those the fake cannot produce.
    let cannot_produce: BTreeSet<(String, u16)> = [("create_call_recording".to_string(), 403)]
        .into_iter()
        .collect();
    let paths = h.spec.doc["paths"].as_object().expect("paths").clone();
    for item in paths.values() {
        for operation in item.as_object().into_iter().flat_map(|o| o.values()) {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            for status in operation["responses"]
                .as_object()
                .into_iter()
                .flat_map(|r| r.keys())
            {
                let key = (id.clone(), status.parse::<u16>().expect("a numeric status"));
                if !h.seen.contains_key(&key) && !cannot_produce.contains(&key) {
                    h.failures.push(format!(
                        "{} {}: declared by the spec, never produced by the scenario",
                        key.0, key.1
                    ));
                }
            }
        }
    }
    assert!(
        h.failures.is_empty(),
        "{} non-conforming responses:\n  {}",
        h.failures.len(),
        h.failures.join("\n  ")
    );
    server.shutdown().await;
}

/// The checks above must be able to fail: bodies that break the spec in different ways are rejected,
/// each with the pointer of the offending value.
#[test]
fn broken_bodies_are_rejected() {
    let mut spec = Spec::load();
    let meeting = json!({"data": {
        "id": {
            "workspace_id": "14beef7a-99f7-4534-a87e-70b564330a4c",
            "meeting_id": "cb59ab17-ad15-460c-a126-0715617c0853",
        },
        "title": "Renewal",
        "description": "",
        "is_all_day": false,
        "start": {"datetime": "2027-11-27T14:00:00.000-05:00", "timezone": "America/New_York"},
        "end": {"datetime": "2027-11-27T15:00:00.000-05:00", "timezone": "America/New_York"},
        "participants": [{"status": "accepted", "is_organizer": true, "email_address": "a@b.com"}],
        "linked_records": [],
        "created_at": "2027-11-01T10:00:00.123456789Z",
        "created_by_actor": {"id": null, "type": "system"},
    }});
    let ok = |spec: &mut Spec, template: &str, method: Method, status: u16, body: &Value| {
        spec.check(
            template,
            &method,
            status,
            Some("application/json"),
            body.to_string().as_bytes(),
        )
    };
    ok(&mut spec, MEETING, Method::GET, 200, &meeting).expect("the intact meeting conforms");

    let cases: Vec<(&str, Breakage)> = vec![
        (
            "/data/is_all_day",
            Box::new(|m| m["data"]["is_all_day"] = json!("yes")),
        ),
        (
            "/data",
            Box::new(|m| {
                m["data"].as_object_mut().unwrap().remove("created_at");
            }),
        ),
        (
            "/data/id/meeting_id",
            Box::new(|m| m["data"]["id"]["meeting_id"] = json!("not-a-uuid")),
        ),
        (
            "/data/created_at",
            Box::new(|m| m["data"]["created_at"] = json!("2027-11-01 10:00")),
        ),
        (
            "/data/start",
            Box::new(|m| m["data"]["start"] = json!({"date": "2027-02-30"})),
        ),
        (
            "/data/end",
            Box::new(|m| m["data"]["end"] = json!({"datetime": "tomorrow", "timezone": null})),
        ),
        (
            "/data/participants/0/status",
            Box::new(|m| m["data"]["participants"][0]["status"] = json!("maybe")),
        ),
        (
            "/data/created_by_actor/type",
            Box::new(|m| m["data"]["created_by_actor"]["type"] = json!("robot")),
        ),
        (
            "/data/linked_records/0",
            Box::new(|m| m["data"]["linked_records"] = json!([{"object_slug": "people"}])),
        ),
    ];
    for (pointer, breaks) in &cases {
        let mut body = meeting.clone();
        breaks(&mut body);
        let problems = ok(&mut spec, MEETING, Method::GET, 200, &body)
            .expect_err(&format!("a meeting broken at {pointer} must be rejected"));
        assert!(
            problems
                .iter()
                .any(|p| p.contains(&format!("at \"{pointer}\""))),
            "{pointer}: {problems:#?}"
        );
    }

    // A page: its meetings are checked too.
    let page = json!({"data": [meeting["data"].clone(), {"title": 1}], "pagination": {"next_cursor": null}});
    let problems = ok(&mut spec, MEETINGS, Method::GET, 200, &page).unwrap_err();
    assert!(
        problems.iter().any(|p| p.contains("at \"/data/1")),
        "{problems:#?}"
    );

    // Recordings and transcripts.
    let recording = json!({"data": {
        "id": {
            "workspace_id": "14beef7a-99f7-4534-a87e-70b564330a4c",
            "meeting_id": "cb59ab17-ad15-460c-a126-0715617c0853",
            "call_recording_id": "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d",
        },
        "status": "processing",
        "web_url": "https://app.attio.com/x/calls/1",
        "created_by_actor": {"id": "u", "type": "api-token"},
        "created_at": "2027-11-01T10:00:00Z",
    }});
    ok(&mut spec, RECORDING, Method::GET, 200, &recording).expect("the intact recording conforms");
    let mut bad = recording.clone();
    bad["data"]["status"] = json!("done");
    assert!(ok(&mut spec, RECORDING, Method::GET, 200, &bad).is_err());
    let mut bad = recording.clone();
    bad["data"]["web_url"] = json!("not a uri");
    assert!(ok(&mut spec, RECORDINGS, Method::POST, 200, &bad).is_err());
    // The full form of get-call-recording: `video_url` and `transcript`, each null or well-formed.
    let mut details = recording.clone();
    details["data"]["video_url"] = Value::Null;
    details["data"]["transcript"] = json!({
        "segments": [{"speech": "Hi", "start_time": 0.5, "end_time": 1.0, "speaker": {"name": "A"}}],
        "raw_transcript": "[00:00] A: Hi",
    });
    ok(&mut spec, RECORDING, Method::GET, 200, &details).expect("the full recording conforms");
    let mut bad = details.clone();
    bad["data"]["transcript"]["segments"][0]["speaker"] = json!("A");
    let problems = ok(&mut spec, RECORDING, Method::GET, 200, &bad).unwrap_err();
    assert!(
        problems.iter().any(|p| p.contains("at \"/data/transcript")),
        "{problems:#?}"
    );
    let mut bad = details.clone();
    bad["data"]["transcript"]
        .as_object_mut()
        .unwrap()
        .remove("raw_transcript");
    assert!(ok(&mut spec, RECORDING, Method::GET, 200, &bad).is_err());
    let mut bad = details.clone();
    bad["data"]["video_url"] = json!(42);
    assert!(ok(&mut spec, RECORDING, Method::GET, 200, &bad).is_err());

    // Participants: `name` is a string or null.
    let mut named = meeting.clone();
    named["data"]["participants"][0]["name"] = Value::Null;
    named["data"]["participants"][0]["email_address"] = Value::Null;
    ok(&mut spec, MEETING, Method::GET, 200, &named).expect("a participant without email conforms");
    named["data"]["participants"][0]["name"] = json!(7);
    assert!(ok(&mut spec, MEETING, Method::PATCH, 200, &named).is_err());

    // Delete meeting: a 200 with an object body; its 400 is the envelope.
    ok(&mut spec, MEETING, Method::DELETE, 200, &json!({}))
        .expect("delete's empty object conforms");
    assert!(ok(&mut spec, MEETING, Method::DELETE, 200, &json!([])).is_err());
    assert!(
        spec.check(MEETING, &Method::DELETE, 200, None, b"")
            .is_err()
    );
    let transcript = json!({
        "data": {
            "id": recording["data"]["id"].clone(),
            "transcript": [{"speech": "Hi", "start_time": "0.5", "end_time": 1.0, "speaker": {"name": "A"}}],
            "raw_transcript": "",
            "web_url": "https://app.attio.com/x/calls/1/transcript",
        },
        "pagination": {"next_cursor": null},
    });
    let problems = ok(&mut spec, TRANSCRIPT, Method::GET, 200, &transcript).unwrap_err();
    assert!(
        problems
            .iter()
            .any(|p| p.contains("at \"/data/transcript/0/start_time\"")),
        "{problems:#?}"
    );

    // Errors: the envelope, and create-meeting's `statusCode` spelling.
    let error = json!({"status_code": 404, "type": "invalid_request_error", "code": "not_found", "message": "x"});
    ok(&mut spec, MEETING, Method::GET, 404, &error).expect("the envelope conforms");
    ok(&mut spec, MEETING, Method::GET, 503, &error)
        .expect("undeclared statuses take the envelope");
    let mut no_code = error.clone();
    no_code.as_object_mut().unwrap().remove("code");
    assert!(ok(&mut spec, MEETING, Method::GET, 404, &no_code).is_err());
    assert!(ok(&mut spec, MEETINGS, Method::GET, 429, &no_code).is_err());
    let camel = json!({"statusCode": 400, "type": "invalid_request_error", "code": "validation_type", "message": "x"});
    ok(&mut spec, MEETINGS, Method::POST, 400, &camel).expect("create-meeting's 400 conforms");
    let mut snake = camel.clone();
    snake.as_object_mut().unwrap().remove("statusCode");
    snake["status_code"] = json!(400);
    assert!(ok(&mut spec, MEETINGS, Method::POST, 400, &snake).is_err());
    assert!(ok(&mut spec, RECORDINGS, Method::POST, 400, &camel).is_err());

    // 204: no body; JSON: the right media type; success statuses must be declared.
    assert!(
        spec.check(RECORDING, &Method::DELETE, 204, None, b"")
            .is_ok()
    );
    assert!(
        spec.check(
            RECORDING,
            &Method::DELETE,
            204,
            Some("application/json"),
            b"{}"
        )
        .is_err()
    );
    assert!(
        spec.check(
            MEETING,
            &Method::GET,
            404,
            Some("text/plain"),
            error.to_string().as_bytes()
        )
        .is_err()
    );
    assert!(
        spec.check(
            MEETING,
            &Method::GET,
            404,
            Some("application/json"),
            b"{oops"
        )
        .is_err()
    );
    assert!(ok(&mut spec, MEETING, Method::GET, 201, &meeting).is_err());
    assert_eq!(
        spec.expected(RECORDINGS, &Method::POST, 404),
        Ok(Expected::Json {
            schema: ATTIO_ERROR.into(),
            declared: true
        }),
        "`#/components/responses/NotFound` is followed"
    );
}
