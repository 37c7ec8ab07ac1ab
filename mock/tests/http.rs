//! Drives the running fake over real HTTP with reqwest: every rule of the meetings family, auth, rate
//! limits, faults, request counting and shutdown.
//!
//! The store is used only to seed fixtures and to read state back; everything a client does goes over
//! the wire.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use attio_meetings_mock::{
    DEFAULT_TOKEN, Fault, FaultRule, Limits, MockServer, Operation, Segment,
};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

// ---- helpers ------------------------------------------------------------------------------------------

const UNKNOWN_ID: &str = "0b7e3c1a-9d2f-4c8e-8f5a-1e2d3c4b5a69";
const RECORD_1: &str = "5f0e8d9c-1b2a-4c3d-9e8f-7a6b5c4d3e21";
const RECORD_2: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

async fn unlimited() -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .start()
        .await
        .expect("server starts")
}

/// A response read in full.
#[derive(Debug)]
struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    raw: Vec<u8>,
    body: Value,
}

/// A client of one server with one token.
struct Api {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Api {
    fn new(server: &MockServer) -> Self {
        Self {
            base: server.base_url().to_string(),
            token: Some(server.token().to_string()),
            http: client(),
        }
    }

    fn with_token(server: &MockServer, token: Option<&str>) -> Self {
        Self {
            token: token.map(str::to_string),
            ..Self::new(server)
        }
    }

    fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = Url::parse(&format!("{}{path}", self.base)).expect("url");
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    fn request(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
    ) -> reqwest::RequestBuilder {
        let mut request = self.http.request(method, self.url(path, query));
        if let Some(token) = &self.token {
            request = request.header(AUTHORIZATION, format!("Bearer {token}"));
        }
        request
    }

    async fn read(response: reqwest::Response) -> Reply {
        let status = response.status();
        let headers = response.headers().clone();
        let raw = response.bytes().await.expect("whole body").to_vec();
        let body = if raw.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&raw).unwrap_or_else(|e| {
                panic!(
                    "{status}: body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&raw)
                )
            })
        };
        Reply {
            status,
            headers,
            raw,
            body,
        }
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        Self::read(request.send().await.expect("request answered")).await
    }

    async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        self.send(self.request(Method::GET, path, query)).await
    }

    async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::POST, path, &[]).json(body))
            .await
    }

    async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path, &[])).await
    }

    /// POST /v2/meetings, expecting 200; the meeting id.
    async fn find_or_create(&self, body: &Value) -> String {
        let reply = self.post("/v2/meetings", body).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        meeting_id(&reply.body["data"])
    }

    /// One page of GET /v2/meetings: ids and next cursor.
    async fn list(&self, query: &[(&str, &str)]) -> (Vec<String>, Option<String>) {
        let reply = self.get("/v2/meetings", query).await;
        assert_eq!(reply.status, 200, "{query:?}: {:?}", reply.body);
        page(&reply.body, meeting_id)
    }

    /// Every page of GET /v2/meetings (at most 100 pages).
    async fn list_all(&self, query: &[(&str, &str)]) -> Vec<String> {
        let mut all = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..100 {
            let mut q = query.to_vec();
            if let Some(c) = &cursor {
                q.push(("cursor", c));
            }
            let (ids, next) = self.list(&q).await;
            all.extend(ids);
            match next {
                Some(next) => cursor = Some(next),
                None => return all,
            }
        }
        panic!("more than 100 pages");
    }

    async fn create_recording(&self, meeting: &str, video_url: &str) -> Reply {
        self.post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {"video_url": video_url}}),
        )
        .await
    }

    /// Polls a recording until it leaves `processing` (at most 5 s, generous for a loaded machine); its
    /// last status.
    async fn wait_processed(&self, meeting: &str, recording: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let reply = self
                .get(
                    &format!("/v2/meetings/{meeting}/call_recordings/{recording}"),
                    &[],
                )
                .await;
            assert_eq!(reply.status, 200, "{:?}", reply.body);
            let status = reply.body["data"]["status"].as_str().unwrap().to_string();
            if status != "processing" || Instant::now() > deadline {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
        }
    }
}

fn meeting_id(meeting: &Value) -> String {
    meeting["id"]["meeting_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no meeting id in {meeting}"))
        .to_string()
}

fn recording_id(recording: &Value) -> String {
    recording["id"]["call_recording_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no call recording id in {recording}"))
        .to_string()
}

fn page(body: &Value, id: fn(&Value) -> String) -> (Vec<String>, Option<String>) {
    let ids = body["data"]
        .as_array()
        .unwrap_or_else(|| panic!("no data array in {body}"))
        .iter()
        .map(id)
        .collect();
    let pagination = body["pagination"]
        .as_object()
        .unwrap_or_else(|| panic!("no pagination in {body}"));
    assert!(pagination.contains_key("next_cursor"), "{body}");
    let next = pagination["next_cursor"].as_str().map(str::to_string);
    (ids, next)
}

/// Asserts Attio's error envelope with the status under `status_key`.
fn assert_envelope(reply: &Reply, status: u16, status_key: &str, code: Option<&str>) {
    assert_eq!(reply.status.as_u16(), status, "{:?}", reply.body);
    let body = reply
        .body
        .as_object()
        .unwrap_or_else(|| panic!("envelope: {:?}", reply.body));
    assert_eq!(
        body.get(status_key),
        Some(&json!(status)),
        "{:?}",
        reply.body
    );
    let other = if status_key == "status_code" {
        "statusCode"
    } else {
        "status_code"
    };
    assert!(
        !body.contains_key(other),
        "both status keys: {:?}",
        reply.body
    );
    for key in ["type", "code", "message"] {
        assert!(
            body.get(key).is_some_and(Value::is_string),
            "{key} missing in {:?}",
            reply.body
        );
    }
    if let Some(code) = code {
        assert_eq!(body["code"], code, "{:?}", reply.body);
    }
}

fn assert_validation(reply: &Reply, status_key: &str) {
    assert_envelope(reply, 400, status_key, Some("validation_type"));
    assert_eq!(reply.body["type"], "invalid_request_error");
}

/// `Retry-After` as an HTTP date, at most two seconds ahead (and not long past: the lower bound allows
/// for a slow machine between the server's answer and this check).
fn assert_retry_after(headers: &HeaderMap) {
    let value = headers
        .get(RETRY_AFTER)
        .expect("a Retry-After header")
        .to_str()
        .expect("ASCII Retry-After");
    assert!(value.ends_with(" GMT"), "not an HTTP date: {value}");
    let at = chrono::DateTime::parse_from_rfc2822(&value.replace("GMT", "+0000"))
        .unwrap_or_else(|e| panic!("Retry-After {value:?} is not an HTTP date: {e}"));
    let now = chrono::Utc::now();
    let ahead = at.with_timezone(&chrono::Utc) - now;
    assert!(
        ahead > chrono::Duration::seconds(-5) && ahead <= chrono::Duration::seconds(2),
        "Retry-After {value} is {ahead} from now"
    );
}

/// A timed meeting (UTC) in find-or-create's body form.
fn timed(external_ref: impl Into<Value>, start: &str, end: &str) -> Value {
    json!({"data": {
        "title": "Renewal call",
        "description": "Quarterly renewal",
        "is_all_day": false,
        "start": {"datetime": start, "timezone": null},
        "end": {"datetime": end, "timezone": null},
        "participants": [],
        "external_ref": external_ref.into(),
    }})
}

/// An all-day meeting from `start` to `end` (exclusive).
fn all_day(external_ref: &str, start: &str, end: &str) -> Value {
    json!({"data": {
        "title": "Offsite",
        "description": "",
        "is_all_day": true,
        "start": {"date": start},
        "end": {"date": end},
        "participants": [],
        "external_ref": external_ref,
    }})
}

fn ical(uid: &str, provider: &str, original_start_time: Option<&str>) -> Value {
    let mut r = json!({"ical_uid": uid, "provider": provider, "is_recurring": original_start_time.is_some()});
    if let Some(at) = original_start_time {
        r["original_start_time"] = json!(at);
    }
    r
}

fn with_participants(mut body: Value, emails: &[&str]) -> Value {
    body["data"]["participants"] = emails
        .iter()
        .map(|e| json!({"email_address": e, "is_organizer": false, "status": "accepted"}))
        .collect();
    body
}

fn seed(server: &MockServer, body: &Value) -> String {
    server
        .store()
        .seed_meeting(body, None)
        .expect("fixture is valid")
        .to_string()
}

/// `2030-01-01T00:00:00Z` plus `minutes`.
fn at(minutes: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap();
    (base + chrono::Duration::minutes(minutes))
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Seeds a meeting from `at(start)` to `at(start + 30)`.
fn seed_at(server: &MockServer, name: &str, start: i64) -> String {
    seed(server, &timed(name, &at(start), &at(start + 30)))
}

fn segment(speaker: &str, speech: &str, start: f64) -> Segment {
    Segment {
        speaker: speaker.into(),
        speech: speech.into(),
        start_time: start,
        end_time: start + 0.5,
    }
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn assert_unique(ids: &[String]) {
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "duplicates in {ids:?}");
}

// ---- find-or-create -----------------------------------------------------------------------------------

#[tokio::test]
async fn find_or_create_renders_the_meeting_and_get_returns_it() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = json!({"data": {
        "title": "Renewal",
        "description": "With Tom",
        "is_all_day": false,
        "start": {"datetime": "2027-11-27T14:00:00", "timezone": "America/New_York"},
        "end": {"datetime": "2027-11-27T15:00:00", "timezone": "America/New_York"},
        "participants": [
            {"email_address": "alex@example.com", "is_organizer": "true", "status": "accepted"},
            {"email_address": "tom@example.com", "is_organizer": false, "status": "tentative"}
        ],
        "linked_records": [{"object": "people", "record_id": RECORD_1}],
        "external_ref": "crm-1",
    }});
    let reply = api.post("/v2/meetings", &body).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let m = &reply.body["data"];
    let id = meeting_id(m);
    assert!(uuid::Uuid::parse_str(&id).is_ok());
    assert_eq!(m["title"], "Renewal");
    assert_eq!(m["is_all_day"], false);
    // The real offset of New York on 27 November (EST), not Attio's -04:00.
    assert_eq!(m["start"]["datetime"], "2027-11-27T14:00:00.000-05:00");
    assert_eq!(m["end"]["datetime"], "2027-11-27T15:00:00.000-05:00");
    assert_eq!(m["start"]["timezone"], "America/New_York");
    assert_eq!(m["participants"][0]["is_organizer"], true);
    assert_eq!(m["participants"][1]["status"], "tentative");
    let linked = &m["linked_records"][0];
    assert_eq!(linked["object_slug"], "people");
    assert_eq!(linked["record_id"], RECORD_1);
    let people_id = server
        .store()
        .objects()
        .into_iter()
        .find(|(slug, _)| slug == "people")
        .unwrap()
        .1;
    assert_eq!(linked["object_id"], people_id.to_string());
    let created_at = m["created_at"].as_str().unwrap();
    assert!(
        chrono::DateTime::parse_from_rfc3339(created_at).is_ok() && created_at.len() == 30,
        "created_at with nanoseconds: {created_at}"
    );
    assert_eq!(m["created_by_actor"]["type"], "api-token");

    let got = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["data"], *m);
    assert_eq!(server.store().meetings(), vec![m.clone()]);

    // Without a timezone: `Z`, and the key is still there.
    let utc = api
        .post(
            "/v2/meetings",
            &timed("crm-utc", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z"),
        )
        .await;
    assert_eq!(
        utc.body["data"]["start"],
        json!({"datetime": "2027-11-27T14:00:00.000Z", "timezone": null})
    );
    // An offset sent by the client takes precedence over `timezone`.
    let mut b = timed("crm-offset", "2027-11-27T14:00:00Z", "2027-11-27T15:00:00Z");
    b["data"]["start"]["timezone"] = json!("America/New_York");
    b["data"]["end"]["timezone"] = json!("America/New_York");
    let offset = api.post("/v2/meetings", &b).await;
    assert_eq!(
        offset.body["data"]["start"]["datetime"],
        "2027-11-27T09:00:00.000-05:00"
    );
    // An unknown timezone is read as UTC.
    let mut b = timed("crm-mars", "2027-11-27T14:00:00", "2027-11-27T15:00:00");
    b["data"]["start"]["timezone"] = json!("Mars/Olympus_Mons");
    b["data"]["end"]["timezone"] = json!("Mars/Olympus_Mons");
    let mars = api.post("/v2/meetings", &b).await;
    assert_eq!(mars.status, 200, "{:?}", mars.body);
    let start = mars.body["data"]["start"]["datetime"].as_str().unwrap();
    assert_eq!(
        chrono::DateTime::parse_from_rfc3339(start).unwrap(),
        chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00Z").unwrap(),
        "{start}"
    );
    // All-day meetings answer with dates.
    let day = api
        .post(
            "/v2/meetings",
            &all_day("crm-day", "2027-11-27", "2027-11-28"),
        )
        .await;
    assert_eq!(day.body["data"]["is_all_day"], true);
    assert_eq!(day.body["data"]["start"], json!({"date": "2027-11-27"}));
    assert_eq!(day.body["data"]["end"], json!({"date": "2027-11-28"}));
}

#[tokio::test]
async fn same_plain_external_ref_finds_the_same_meeting() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = timed("crm-42", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let first = api.find_or_create(&body).await;
    let second = api.find_or_create(&body).await;
    assert_eq!(first, second);
    assert_eq!(server.store().meetings().len(), 1);

    let other = api
        .find_or_create(&timed(
            "crm-43",
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
        ))
        .await;
    assert_ne!(other, first);
    assert_eq!(server.store().meetings().len(), 2);
}

#[tokio::test]
async fn ical_external_refs_identify_events_and_recurring_exceptions() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let (s, e) = ("2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let series = api
        .find_or_create(&timed(ical("uid-1@google.com", "google", None), s, e))
        .await;
    // Same uid and provider: the same meeting.
    let again = api
        .find_or_create(&timed(ical("uid-1@google.com", "google", None), s, e))
        .await;
    assert_eq!(series, again);
    // Same uid, other provider: another event.
    let microsoft = api
        .find_or_create(&timed(ical("uid-1@google.com", "microsoft", None), s, e))
        .await;
    assert_ne!(microsoft, series);

    // Exceptions of a recurring event are told apart by their original start.
    let exception_a = api
        .find_or_create(&timed(
            ical("uid-1@google.com", "google", Some("2030-01-08T10:00:00Z")),
            s,
            e,
        ))
        .await;
    let exception_b = api
        .find_or_create(&timed(
            ical("uid-1@google.com", "google", Some("2030-01-15T10:00:00Z")),
            s,
            e,
        ))
        .await;
    assert_ne!(exception_a, series);
    assert_ne!(exception_b, series);
    assert_ne!(exception_a, exception_b);
    // The same instant written with another offset is the same exception.
    let exception_a_again = api
        .find_or_create(&timed(
            ical(
                "uid-1@google.com",
                "google",
                Some("2030-01-08T05:00:00-05:00"),
            ),
            s,
            e,
        ))
        .await;
    assert_eq!(exception_a_again, exception_a);
    let exception_a_plus = api
        .find_or_create(&timed(
            ical(
                "uid-1@google.com",
                "google",
                Some("2030-01-08T11:30:00+01:30"),
            ),
            s,
            e,
        ))
        .await;
    assert_eq!(exception_a_plus, exception_a);
    assert_eq!(server.store().meetings().len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_identical_find_or_create_yields_one_meeting() {
    const N: usize = 32;
    let server = unlimited().await;
    let http = client();
    let url = format!("{}/v2/meetings", server.base_url());
    let token = server.token().to_string();
    let body = timed(
        ical("standup@google.com", "google", None),
        "2030-01-01T09:00:00Z",
        "2030-01-01T09:15:00Z",
    );
    let tasks: Vec<_> = (0..N)
        .map(|_| {
            let (http, url, token, body) = (http.clone(), url.clone(), token.clone(), body.clone());
            tokio::spawn(async move {
                let response = http.post(url).bearer_auth(token).json(&body).send().await?;
                let status = response.status();
                let body: Value = response.json().await?;
                Ok::<_, reqwest::Error>((status, body))
            })
        })
        .collect();
    let mut ids = Vec::new();
    for result in futures_util::future::join_all(tasks).await {
        let (status, body) = result.expect("task").expect("request");
        assert_eq!(status, 200, "{body}");
        ids.push(meeting_id(&body["data"]));
    }
    assert_eq!(ids.len(), N);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(meeting_id(&stored[0]), ids[0]);
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), N as u64);
}

// ---- find-or-create validation ------------------------------------------------------------------------

#[tokio::test]
async fn find_or_create_validation_is_400_with_status_code_in_camel_case() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let valid = timed("v-1", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z");
    let mut cases: Vec<(&str, Value)> = Vec::new();

    let mut b = valid.clone();
    b["data"]["is_all_day"] = json!(true);
    cases.push(("is_all_day true with datetimes", b));

    let mut b = all_day("v-2", "2030-01-01", "2030-01-02");
    b["data"]["is_all_day"] = json!(false);
    cases.push(("is_all_day false with dates", b));

    let mut b = valid.clone();
    b["data"]["end"] = json!({"date": "2030-01-02"});
    cases.push(("mixed forms", b));

    let mut b = valid.clone();
    b["data"].as_object_mut().unwrap().remove("title");
    cases.push(("missing title", b));

    let b = with_participants(valid.clone(), &["a@example.com"]);
    let mut b2 = b.clone();
    b2["data"]["participants"][0]["status"] = json!("maybe");
    cases.push(("bad participant status", b2));

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "people", "record_id": "not-a-uuid"}]);
    cases.push(("non-uuid record id", b));

    let mut b = valid.clone();
    b["data"]["linked_records"] = json!([{"object": "spaceships", "record_id": RECORD_1}]);
    cases.push(("unknown object", b));

    let mut b = valid.clone();
    b["data"]["external_ref"] = json!("");
    cases.push(("empty external_ref", b));

    let mut b = valid.clone();
    b["data"]["external_ref"] = ical("u@x", "yahoo", None);
    cases.push(("unknown iCal provider", b));

    cases.push((
        "end before start",
        timed("v-3", "2030-01-01T11:00:00Z", "2030-01-01T10:00:00Z"),
    ));
    cases.push((
        "all-day end before start",
        all_day("v-4", "2030-01-03", "2030-01-02"),
    ));
    cases.push(("not an object", json!(["data"])));

    for (what, body) in cases {
        let reply = api.post("/v2/meetings", &body).await;
        assert_eq!(reply.status, 400, "{what}: {:?}", reply.body);
        assert_validation(&reply, "statusCode");
    }
    assert!(
        server.store().meetings().is_empty(),
        "a rejected body was stored"
    );
    // The valid body itself passes: the cases failed for their one change.
    api.find_or_create(&valid).await;
}

#[tokio::test]
async fn find_or_create_body_that_is_not_json_is_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    for raw in ["{\"data\": ", "title=Renewal", ""] {
        let reply = api
            .send(
                api.request(Method::POST, "/v2/meetings", &[])
                    .header(CONTENT_TYPE, "application/json")
                    .body(raw),
            )
            .await;
        assert_eq!(reply.status, 400, "{raw:?}: {:?}", reply.body);
        assert_validation(&reply, "statusCode");
    }
    assert!(server.store().meetings().is_empty());
}

// ---- list meetings ------------------------------------------------------------------------------------

#[tokio::test]
async fn list_filters_by_participants_any_of() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let body = |r: &str, h: i64| timed(r, &at(h * 60), &at(h * 60 + 30));
    let m1 = seed(
        &server,
        &with_participants(body("p1", 1), &["alice@example.com", "bob@example.com"]),
    );
    let m2 = seed(
        &server,
        &with_participants(body("p2", 2), &["carol@example.com"]),
    );
    let m3 = seed(
        &server,
        &with_participants(body("p3", 3), &["dave@example.com", "alice@example.com"]),
    );
    let m4 = seed(&server, &body("p4", 4));

    let q = |p: &'static str| [("participants", p)];
    assert_eq!(
        api.list(&q("alice@example.com")).await.0,
        [m1.clone(), m3.clone()]
    );
    assert_eq!(
        api.list(&q("bob@example.com,carol@example.com")).await.0,
        [m1.clone(), m2.clone()]
    );
    // A meeting matching several of the addresses comes once.
    assert_eq!(
        api.list(&q("alice@example.com,bob@example.com,dave@example.com"))
            .await
            .0,
        [m1.clone(), m3.clone()]
    );
    assert!(api.list(&q("zed@example.com")).await.0.is_empty());
    assert_eq!(api.list(&[]).await.0, [m1, m2, m3, m4]);
}

#[tokio::test]
async fn list_filters_by_linked_record() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let linked = |r: &str, h: i64, links: Value| {
        let mut b = timed(r, &at(h * 60), &at(h * 60 + 30));
        b["data"]["linked_records"] = links;
        b
    };
    let m1 = seed(
        &server,
        &linked(
            "l1",
            1,
            json!([{"object": "people", "record_id": RECORD_1}]),
        ),
    );
    let m2 = seed(
        &server,
        &linked(
            "l2",
            2,
            json!([{"object": "companies", "record_id": RECORD_1}]),
        ),
    );
    let m3 = seed(
        &server,
        &linked(
            "l3",
            3,
            json!([{"object": "people", "record_id": RECORD_2}, {"object": "companies", "record_id": RECORD_2}]),
        ),
    );
    seed(&server, &linked("l4", 4, json!([])));

    let q = |object: &'static str, record: &'static str| {
        [("linked_object", object), ("linked_record_id", record)]
    };
    assert_eq!(api.list(&q("people", RECORD_1)).await.0, vec![m1.clone()]);
    assert_eq!(api.list(&q("companies", RECORD_1)).await.0, [m2]);
    assert_eq!(api.list(&q("people", RECORD_2)).await.0, vec![m3.clone()]);
    assert_eq!(api.list(&q("companies", RECORD_2)).await.0, [m3]);
    assert!(api.list(&q("deals", RECORD_1)).await.0.is_empty());
    assert!(api.list(&q("people", UNKNOWN_ID)).await.0.is_empty());
    // The object may also be named by its id.
    let people = server
        .store()
        .objects()
        .into_iter()
        .find(|(slug, _)| slug == "people")
        .unwrap()
        .1
        .to_string();
    assert_eq!(
        api.list(&[("linked_object", &people), ("linked_record_id", RECORD_1)])
            .await
            .0,
        [m1]
    );
}

#[tokio::test]
async fn list_time_bounds_are_inclusive_and_exclusive_at_the_boundary() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let m = seed(
        &server,
        &timed("b1", "2030-02-01T10:00:00Z", "2030-02-01T11:00:00Z"),
    );
    let n = seed(
        &server,
        &timed("b2", "2030-02-01T12:00:00Z", "2030-02-01T13:00:00Z"),
    );

    // ends_from is inclusive.
    let ends_from = |v: &'static str| [("ends_from", v)];
    assert_eq!(
        api.list(&ends_from("2030-02-01T11:00:00Z")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T11:00:00.001Z")).await.0,
        vec![n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T10:59:59.999Z")).await.0,
        [m.clone(), n.clone()]
    );
    // The same instant with other offsets (a `+` must survive the query string).
    assert_eq!(
        api.list(&ends_from("2030-02-01T06:00:00-05:00")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T12:00:00+01:00")).await.0,
        [m.clone(), n.clone()]
    );
    assert_eq!(
        api.list(&ends_from("2030-02-01T12:00:01+01:00")).await.0,
        vec![n.clone()]
    );

    // starts_before is exclusive.
    let starts_before = |v: &'static str| [("starts_before", v)];
    assert!(
        api.list(&starts_before("2030-02-01T10:00:00Z"))
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T10:00:00.001Z")).await.0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T12:00:00Z")).await.0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T13:00:00+01:00"))
            .await
            .0,
        vec![m.clone()]
    );
    assert_eq!(
        api.list(&starts_before("2030-02-01T12:00:00.001Z")).await.0,
        [m.clone(), n.clone()]
    );

    // Both together: a window that touches m's end and n's start exactly.
    assert_eq!(
        api.list(&[
            ("ends_from", "2030-02-01T11:00:00Z"),
            ("starts_before", "2030-02-01T12:00:00Z")
        ])
        .await
        .0,
        [m]
    );
}

#[tokio::test]
async fn list_timezone_places_all_day_meetings_only() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let day = seed(&server, &all_day("d1", "2027-11-27", "2027-11-28"));
    let timed_m = seed(
        &server,
        &timed("t1", "2027-11-27T02:00:00Z", "2027-11-27T02:30:00Z"),
    );

    // The all-day meeting starts at midnight of the 27th in `timezone`: 00:00Z in UTC, 05:00Z in New
    // York (EST), 15:00Z on the 26th in Tokyo. Timed meetings ignore the timezone.
    let sb = "2027-11-27T03:00:00Z";
    let mut utc = api.list(&[("starts_before", sb)]).await.0;
    utc.sort();
    assert_eq!(utc, sorted(vec![day.clone(), timed_m.clone()]));
    let utc_explicit = api
        .list(&[("starts_before", sb), ("timezone", "UTC")])
        .await
        .0;
    assert_eq!(
        sorted(utc_explicit),
        sorted(vec![day.clone(), timed_m.clone()])
    );
    assert_eq!(
        api.list(&[("starts_before", sb), ("timezone", "America/New_York")])
            .await
            .0,
        vec![timed_m.clone()]
    );
    // Exact boundary in New York: 05:00Z is the start, so strictly before it excludes, just after includes.
    assert_eq!(
        api.list(&[
            ("starts_before", "2027-11-27T05:00:00Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0,
        vec![timed_m.clone()]
    );
    assert_eq!(
        sorted(
            api.list(&[
                ("starts_before", "2027-11-27T05:00:00.001Z"),
                ("timezone", "America/New_York")
            ])
            .await
            .0
        ),
        sorted(vec![day.clone(), timed_m.clone()])
    );
    // Tokyo: the day starts on the 26th at 15:00Z.
    let tokyo = "Asia/Tokyo";
    assert!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00Z"),
            ("timezone", tokyo)
        ])
        .await
        .0
        .is_empty()
    );
    assert_eq!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00.001Z"),
            ("timezone", tokyo)
        ])
        .await
        .0,
        vec![day.clone()]
    );
    assert!(
        api.list(&[
            ("starts_before", "2027-11-26T15:00:00.001Z"),
            ("timezone", "UTC")
        ])
        .await
        .0
        .is_empty()
    );

    // The (exclusive) end date is midnight of the 28th: 00:00Z in UTC, 05:00Z in New York.
    let ef = "2027-11-28T03:00:00Z";
    assert!(api.list(&[("ends_from", ef)]).await.0.is_empty());
    assert_eq!(
        api.list(&[("ends_from", ef), ("timezone", "America/New_York")])
            .await
            .0,
        vec![day.clone()]
    );
    assert_eq!(
        api.list(&[
            ("ends_from", "2027-11-28T05:00:00Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0,
        vec![day.clone()]
    );
    assert!(
        api.list(&[
            ("ends_from", "2027-11-28T05:00:00.001Z"),
            ("timezone", "America/New_York")
        ])
        .await
        .0
        .is_empty()
    );
    assert_eq!(
        api.list(&[("ends_from", "2027-11-28T00:00:00Z")]).await.0,
        [day]
    );
}

#[tokio::test]

async fn list_timezone_places_all_day_meetings_where_midnight_is_skipped() {
    // America/Santiago moves from -04:00 to -03:00 at 24:00 on 4 September 2027: 5 September begins at
    // 01:00 local, 04:00Z. An all-day meeting on that date starts then, not at 00:00Z.
    let server = unlimited().await;
    let api = Api::new(&server);
    let day = seed(&server, &all_day("cl", "2027-09-05", "2027-09-06"));
    let tz = ("timezone", "America/Santiago");
    assert!(
        api.list(&[("starts_before", "2027-09-05T02:00:00Z"), tz])
            .await
            .0
            .is_empty(),
        "the day has not started at 02:00Z in Santiago"
    );
    assert!(
        api.list(&[("starts_before", "2027-09-05T04:00:00Z"), tz])
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        api.list(&[("starts_before", "2027-09-05T04:00:00.001Z"), tz])
            .await
            .0,
        [day]
    );
}

#[tokio::test]
async fn list_sorts_by_start_both_ways() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let hours = [3, 1, 4, 0, 2];
    let ids: Vec<String> = hours
        .iter()
        .map(|h| seed_at(&server, &format!("s{h}"), h * 60))
        .collect();
    let by_hour = |order: &[usize]| order.iter().map(|&i| ids[i].clone()).collect::<Vec<_>>();
    let ascending = by_hour(&[3, 1, 4, 0, 2]);
    let descending: Vec<String> = ascending.iter().rev().cloned().collect();
    assert_eq!(api.list(&[]).await.0, ascending);
    assert_eq!(api.list(&[("sort", "start_asc")]).await.0, ascending);
    assert_eq!(api.list(&[("sort", "start_desc")]).await.0, descending);
}

#[tokio::test]
async fn list_limit_is_1_to_200_and_50_by_default() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let ids: Vec<String> = (0..201)
        .map(|i| seed_at(&server, &format!("m{i}"), i))
        .collect();

    let (page, next) = api.list(&[]).await;
    assert_eq!(page, ids[..50]);
    assert!(next.is_some());
    let (page, next) = api.list(&[("limit", "1")]).await;
    assert_eq!(page, ids[..1]);
    assert!(next.is_some());
    let (page, next) = api.list(&[("limit", "200")]).await;
    assert_eq!(page, ids[..200]);
    let next = next.expect("a 201st meeting remains");
    let (page, last) = api.list(&[("limit", "200"), ("cursor", &next)]).await;
    assert_eq!(page, ids[200..]);
    assert_eq!(last, None);
}

#[tokio::test]
async fn list_pagination_yields_every_meeting_once_in_order() {
    let server = unlimited().await;
    let api = Api::new(&server);
    // Three meetings per start time, so pages of 5 cut through groups of equal starts.
    let ids: Vec<String> = (0..23)
        .map(|i| seed_at(&server, &format!("g{i}"), (i / 3) * 60))
        .collect();
    let asc = api.list_all(&[("limit", "5")]).await;
    assert_eq!(asc.len(), 23);
    assert_unique(&asc);
    assert_eq!(asc, ids, "ascending by start, then creation");
    let desc = api
        .list_all(&[("limit", "5"), ("sort", "start_desc")])
        .await;
    assert_eq!(desc.len(), 23);
    assert_unique(&desc);
    assert_eq!(sorted(desc.clone()), sorted(ids.clone()));
    // Descending by start: each group of equal starts comes before the earlier groups.
    let group = |id: &String| ids.iter().position(|x| x == id).unwrap() / 3;
    let groups: Vec<usize> = desc.iter().map(group).collect();
    assert!(groups.windows(2).all(|w| w[0] >= w[1]), "{groups:?}");
    // Pages of 5: 5 requests for 23 items, every page but the last full.
    let before = server.requests(Operation::ListMeetings);
    api.list_all(&[("limit", "5")]).await;
    assert_eq!(server.requests(Operation::ListMeetings) - before, 5);
    // A page that ends exactly at the last item has no cursor (to an empty page).
    let (page, next) = api.list(&[("limit", "23")]).await;
    assert_eq!(page.len(), 23);
    assert_eq!(next, None, "no cursor after the last item");
}

#[tokio::test]
async fn list_cursor_survives_inserts_between_pages() {
    for (sort, before_h, after_h) in [("start_asc", 2, 8), ("start_desc", 9, 2)] {
        let server = unlimited().await;
        let api = Api::new(&server);
        let mut old: Vec<String> = (1..=10)
            .map(|h| seed_at(&server, &format!("h{h}"), h * 60))
            .collect();
        if sort == "start_desc" {
            old.reverse();
        }
        let (first, cursor) = api.list(&[("limit", "4"), ("sort", sort)]).await;
        assert_eq!(first, old[..4], "{sort}");
        let cursor = cursor.expect("more pages");

        // Another client inserts one meeting on the already-read side of the cursor, one on the other.
        let ahead_of_cursor = api
            .find_or_create(&timed(
                "new-before",
                &at(before_h * 60 + 30),
                &at(before_h * 60 + 45),
            ))
            .await;
        let behind_cursor = api
            .find_or_create(&timed(
                "new-after",
                &at(after_h * 60 + 30),
                &at(after_h * 60 + 45),
            ))
            .await;

        let mut rest = Vec::new();
        let mut cursor = Some(cursor);
        for _ in 0..10 {
            let Some(c) = cursor.take() else { break };
            let (ids, next) = api
                .list(&[("limit", "4"), ("sort", sort), ("cursor", &c)])
                .await;
            rest.extend(ids);
            cursor = next;
        }
        assert!(cursor.is_none(), "{sort}: pagination did not end");
        let mut all = first.clone();
        all.extend(rest.iter().cloned());
        assert_unique(&all);
        for id in &old {
            assert_eq!(
                all.iter().filter(|x| *x == id).count(),
                1,
                "{sort}: {id} skipped"
            );
        }
        assert!(
            !rest.contains(&ahead_of_cursor),
            "{sort}: an item before the cursor came after it"
        );
        assert!(
            rest.contains(&behind_cursor),
            "{sort}: an item after the cursor is missing"
        );
        // The rest keeps the order: the old items after the first page, with the new one in its place.
        let expected_old: Vec<&String> = old[4..].iter().collect();
        let got_old: Vec<&String> = rest.iter().filter(|id| **id != behind_cursor).collect();
        assert_eq!(got_old, expected_old, "{sort}");
    }
}

#[tokio::test]
async fn list_rejects_bad_query_values_with_400() {
    let server = unlimited().await;
    let api = Api::new(&server);
    seed_at(&server, "x", 0);
    seed_at(&server, "y", 60);
    let (_, asc_cursor) = api.list(&[("limit", "1")]).await;
    let asc_cursor = asc_cursor.unwrap();
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![("limit", "0")],
        vec![("limit", "201")],
        vec![("limit", "abc")],
        vec![("limit", "-1")],
        vec![("linked_object", "people")],
        vec![("linked_record_id", RECORD_1)],
        vec![
            ("linked_object", "people"),
            ("linked_record_id", "not-a-uuid"),
        ],
        vec![("cursor", "garbage!")],
        vec![("cursor", "abcd")],
        vec![("sort", "start")],
        vec![("sort", "end_desc")],
        vec![("ends_from", "yesterday")],
        vec![("starts_before", "2030-13-01T00:00:00Z")],
        // A cursor of another sort order.
        vec![("sort", "start_desc"), ("cursor", &asc_cursor)],
    ];
    for query in cases {
        let reply = api.get("/v2/meetings", &query).await;
        assert_eq!(reply.status, 400, "{query:?}: {:?}", reply.body);
        assert_validation(&reply, "status_code");
    }
}

#[tokio::test]
async fn list_empty_cursor_is_the_first_page() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let a = seed_at(&server, "a", 0);
    seed_at(&server, "b", 60);
    let (page, next) = api.list(&[("limit", "1"), ("cursor", "")]).await;
    assert_eq!(page, [a]);
    assert!(next.is_some());
}

// ---- get meeting --------------------------------------------------------------------------------------

#[tokio::test]
async fn get_meeting_not_found_and_malformed_id() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let id = seed_at(&server, "g", 0);
    let found = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert_eq!(found.status, 200);
    assert_eq!(meeting_id(&found.body["data"]), id);

    let missing = api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[]).await;
    assert_envelope(&missing, 404, "status_code", Some("not_found"));
    assert_eq!(missing.body["type"], "invalid_request_error");
    assert_eq!(
        missing.body["message"],
        format!("Meeting with ID \"{UNKNOWN_ID}\" was not found.")
    );

    let bad = api.get("/v2/meetings/not-a-uuid", &[]).await;
    assert_validation(&bad, "status_code");
}

// ---- call recordings ----------------------------------------------------------------------------------

#[tokio::test]
async fn create_call_recording_requires_https_and_a_known_meeting() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_secs(5))
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);

    let created = api
        .create_recording(&meeting, "https://cdn.example.com/calls/1.mp4")
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let r = &created.body["data"];
    assert_eq!(r["status"], "processing");
    assert_eq!(r["id"]["meeting_id"], meeting);
    assert_eq!(
        r["id"]["workspace_id"],
        server.store().workspace_id().to_string()
    );
    assert!(uuid::Uuid::parse_str(&recording_id(r)).is_ok());
    assert_eq!(r["created_by_actor"]["type"], "api-token");
    assert!(
        r["web_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );

    let http = api
        .create_recording(&meeting, "http://cdn.example.com/calls/1.mp4")
        .await;
    assert_validation(&http, "status_code");
    assert_eq!(
        http.body["message"],
        "Invalid video URL protocol. Only https is supported"
    );

    let unknown = api
        .create_recording(UNKNOWN_ID, "https://cdn.example.com/calls/1.mp4")
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));

    let missing_url = api
        .post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {}}),
        )
        .await;
    assert_validation(&missing_url, "status_code");

    let stored = server.store().call_recordings();
    assert_eq!(
        stored.len(),
        1,
        "only the valid request created a recording"
    );
    assert_eq!(recording_id(&stored[0]), recording_id(r));
}

#[tokio::test]
async fn call_recording_completes_after_processing_time_or_fails() {
    let processing = Duration::from_millis(200);
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(processing)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);

    let started = Instant::now();
    let ok = api
        .create_recording(&meeting, "https://cdn.example.com/a.mp4?sig=1")
        .await;
    let bad = api
        .create_recording(&meeting, "https://cdn.example.com/a.mov")
        .await;
    assert_eq!(ok.body["data"]["status"], "processing");
    assert_eq!(bad.body["data"]["status"], "processing");
    let (ok_id, bad_id) = (
        recording_id(&ok.body["data"]),
        recording_id(&bad.body["data"]),
    );

    assert_eq!(api.wait_processed(&meeting, &ok_id).await, "completed");
    assert!(
        started.elapsed() >= processing,
        "completed before the processing time"
    );
    assert_eq!(api.wait_processed(&meeting, &bad_id).await, "failed");

    let got = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{ok_id}"),
            &[],
        )
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(recording_id(&got.body["data"]), ok_id);
    assert_eq!(got.body["data"]["id"]["meeting_id"], meeting);

    // The recording belongs to its meeting only; unknown and malformed ids.
    let other_meeting = seed_at(&server, "other", 60);
    let wrong = api
        .get(
            &format!("/v2/meetings/{other_meeting}/call_recordings/{ok_id}"),
            &[],
        )
        .await;
    assert_envelope(&wrong, 404, "status_code", Some("not_found"));
    let unknown = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{UNKNOWN_ID}"),
            &[],
        )
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));
    let malformed = api
        .get(&format!("/v2/meetings/{meeting}/call_recordings/nope"), &[])
        .await;
    assert_validation(&malformed, "status_code");
}

#[tokio::test]
async fn list_call_recordings_paginates_per_meeting() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let other = seed_at(&server, "o", 60);
    let store = server.store();
    let mut ids = Vec::new();
    for i in 0..5 {
        let url = format!("https://cdn.example.com/{i}.mp4");
        ids.push(
            store
                .seed_call_recording(meeting.parse().unwrap(), &url, false, vec![])
                .unwrap()
                .to_string(),
        );
        if i == 2 {
            store
                .seed_call_recording(other.parse().unwrap(), &url, false, vec![])
                .unwrap();
        }
    }
    let path = format!("/v2/meetings/{meeting}/call_recordings");

    let reply = api.get(&path, &[]).await;
    assert_eq!(reply.status, 200);
    let (all, next) = page(&reply.body, recording_id);
    assert_eq!(all, ids);
    assert_eq!(next, None);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    for _ in 0..10 {
        let mut q = vec![("limit", "2")];
        if let Some(c) = &cursor {
            q.push(("cursor", c));
        }
        let reply = api.get(&path, &q).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let (items, next) = page(&reply.body, recording_id);
        assert!(items.len() <= 2);
        pages += 1;
        seen.extend(items);
        cursor = next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids);

    let other_list = api
        .get(&format!("/v2/meetings/{other}/call_recordings"), &[])
        .await;
    assert_eq!(page(&other_list.body, recording_id).0.len(), 1);

    for q in [
        vec![("cursor", "")],
        vec![("cursor", "zz-garbage")],
        vec![("limit", "0")],
        vec![("limit", "201")],
    ] {
        let reply = api.get(&path, &q).await;
        assert_validation(&reply, "status_code");
    }
    let unknown = api
        .get(&format!("/v2/meetings/{UNKNOWN_ID}/call_recordings"), &[])
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));
}

#[tokio::test]
async fn delete_call_recording_is_204_without_body() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let other = seed_at(&server, "o", 60);
    let store = server.store();
    let keep = store
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/k.mp4",
            false,
            vec![],
        )
        .unwrap()
        .to_string();
    let gone = store
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/g.mp4",
            false,
            vec![segment("A", "hi", 0.0)],
        )
        .unwrap()
        .to_string();
    let path = format!("/v2/meetings/{meeting}/call_recordings/{gone}");

    // Through another meeting it is not found, and stays.
    let wrong = api
        .delete(&format!("/v2/meetings/{other}/call_recordings/{gone}"))
        .await;
    assert_envelope(&wrong, 404, "status_code", Some("not_found"));
    assert_eq!(store.call_recordings().len(), 2);

    let deleted = api.delete(&path).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.raw.is_empty(), "204 with a body: {:?}", deleted.raw);

    let got = api.get(&path, &[]).await;
    assert_envelope(&got, 404, "status_code", Some("not_found"));
    let transcript = api.get(&format!("{path}/transcript"), &[]).await;
    assert_envelope(&transcript, 404, "status_code", Some("not_found"));
    let again = api.delete(&path).await;
    assert_envelope(&again, 404, "status_code", Some("not_found"));

    let list = api
        .get(&format!("/v2/meetings/{meeting}/call_recordings"), &[])
        .await;
    assert_eq!(page(&list.body, recording_id).0, vec![keep.clone()]);
    let stored: Vec<String> = store.call_recordings().iter().map(recording_id).collect();
    assert_eq!(stored, [keep]);
}

/// Every page of a transcript: the segments and the last page's body.
async fn transcript_pages(
    api: &Api,
    meeting: &str,
    recording: &str,
) -> (Vec<Value>, Vec<usize>, Value) {
    let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}/transcript");
    let mut segments = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let query: Vec<(&str, &str)> = cursor.iter().map(|c| ("cursor", c.as_str())).collect();
        let reply = api.get(&path, &query).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let page = reply.body["data"]["transcript"].as_array().unwrap().clone();
        sizes.push(page.len());
        segments.extend(page);
        cursor = reply.body["pagination"]["next_cursor"]
            .as_str()
            .map(str::to_string);
        if cursor.is_none() {
            return (segments, sizes, reply.body);
        }
    }
    panic!("more than 100 transcript pages");
}

#[tokio::test]
async fn transcript_is_empty_while_processing_then_paginated() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(400))
        .transcript_page_size(3)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let created = api
        .create_recording(&meeting, "https://cdn.example.com/t.mp4")
        .await;
    let recording = recording_id(&created.body["data"]);
    let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}/transcript");

    let early = api.get(&path, &[]).await;
    assert_eq!(early.status, 200, "{:?}", early.body);
    assert_eq!(early.body["data"]["transcript"], json!([]));
    assert_eq!(early.body["data"]["raw_transcript"], "");
    assert_eq!(early.body["pagination"]["next_cursor"], Value::Null);
    assert_eq!(early.body["data"]["id"]["call_recording_id"], recording);

    assert_eq!(api.wait_processed(&meeting, &recording).await, "completed");
    let (segments, sizes, last) = transcript_pages(&api, &meeting, &recording).await;
    assert!(segments.len() > 3, "several pages expected, got {sizes:?}");
    assert!(
        sizes[..sizes.len() - 1].iter().all(|n| *n == 3),
        "{sizes:?}"
    );
    assert!((1..=3).contains(sizes.last().unwrap()), "{sizes:?}");
    let starts: Vec<f64> = segments
        .iter()
        .map(|s| s["start_time"].as_f64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "segments out of order: {starts:?}"
    );
    for s in &segments {
        assert!(s["end_time"].as_f64().unwrap() >= s["start_time"].as_f64().unwrap());
        assert!(s["speaker"]["name"].is_string() && s["speech"].is_string());
    }
    let raw = last["data"]["raw_transcript"].as_str().unwrap();
    assert!(!raw.is_empty());
    for s in &segments {
        assert!(raw.contains(s["speech"].as_str().unwrap()), "{raw}");
    }
    // The first page again, unchanged.
    let first = api.get(&path, &[]).await;
    assert_eq!(
        first.body["data"]["transcript"].as_array().unwrap()[..],
        segments[..3]
    );

    let bad = api.get(&path, &[("cursor", "not-a-cursor")]).await;
    assert_validation(&bad, "status_code");
}

#[tokio::test]
async fn transcript_pages_together_are_the_whole_transcript_in_order() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .transcript_page_size(4)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let words = [
        "Hello", "there", "how", "are", "you", "today", "fine", "thanks", "and", "you?",
    ];
    let transcript: Vec<Segment> = words
        .iter()
        .enumerate()
        .map(|(i, w)| segment(if i < 6 { "Alice" } else { "Bob" }, w, i as f64))
        .collect();
    let recording = server
        .store()
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/r.mp4",
            false,
            transcript.clone(),
        )
        .unwrap()
        .to_string();

    let (segments, sizes, last) = transcript_pages(&api, &meeting, &recording).await;
    assert_eq!(sizes, [4, 4, 2]);
    let expected: Vec<Value> = transcript
        .iter()
        .map(|s| {
            json!({"speech": s.speech, "start_time": s.start_time, "end_time": s.end_time, "speaker": {"name": s.speaker}})
        })
        .collect();
    assert_eq!(segments, expected);
    let raw = last["data"]["raw_transcript"].as_str().unwrap();
    assert!(
        raw.contains("Alice") && raw.contains("Bob") && raw.contains("thanks"),
        "{raw}"
    );
    assert_eq!(last["data"]["id"]["call_recording_id"], recording);
    assert_eq!(last["data"]["id"]["meeting_id"], meeting);
    assert!(last["data"]["web_url"].is_string());

    // An exact multiple of the page size ends without a cursor to an empty page.
    let even = server
        .store()
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/e.mp4",
            false,
            transcript[..8].to_vec(),
        )
        .unwrap()
        .to_string();
    let (segments, sizes, _) = transcript_pages(&api, &meeting, &even).await;
    assert_eq!(sizes, [4, 4]);
    assert_eq!(segments, expected[..8]);
}

// ---- auth ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn requests_without_a_valid_bearer_token_are_401() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .token("first-secret-token-8f3a")
        .start()
        .await
        .unwrap();
    let http = client();
    let url = format!("{}/v2/meetings", server.base_url());
    let real = server.token().to_string();
    assert_eq!(real, "first-secret-token-8f3a");
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, ""),
        (
            Some("Bearer wrong-secret-token-77c1".into()),
            "wrong-secret-token-77c1",
        ),
        (Some(format!("Basic {real}")), real.as_str()),
        (Some(format!("Token {real}")), real.as_str()),
        (Some(real.clone()), real.as_str()),
        (Some("Bearer ".into()), ""),
        (Some(format!("Bearer {DEFAULT_TOKEN}")), DEFAULT_TOKEN),
    ];
    for (header, sent) in cases {
        for post in [false, true] {
            let mut request = if post {
                http.post(&url).json(&timed(
                    "auth",
                    "2030-01-01T10:00:00Z",
                    "2030-01-01T11:00:00Z",
                ))
            } else {
                http.get(&url)
            };
            if let Some(h) = &header {
                request = request.header(AUTHORIZATION, h);
            }
            let reply = Api::read(request.send().await.unwrap()).await;
            assert_envelope(&reply, 401, "status_code", None);
            let text = String::from_utf8_lossy(&reply.raw);
            if !sent.is_empty() {
                assert!(!text.contains(sent), "the 401 repeats the token: {text}");
            }
        }
    }
    assert!(
        server.store().meetings().is_empty(),
        "an unauthorised write was applied"
    );
    let ok = Api::new(&server).get("/v2/meetings", &[]).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn every_configured_token_is_accepted() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .token("token-one-aaaa")
        .token("token-two-bbbb")
        .start()
        .await
        .unwrap();
    assert_eq!(server.token(), "token-one-aaaa");
    for token in ["token-one-aaaa", "token-two-bbbb"] {
        let api = Api::with_token(&server, Some(token));
        assert_eq!(api.get("/v2/meetings", &[]).await.status, 200, "{token}");
        api.find_or_create(&timed(
            token,
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
        ))
        .await;
    }
    let meetings = server.store().meetings();
    assert_eq!(meetings.len(), 2);
    // Each token is its own actor.
    assert_ne!(
        meetings[0]["created_by_actor"]["id"],
        meetings[1]["created_by_actor"]["id"]
    );
    let no_token = Api::with_token(&server, None);
    assert_envelope(
        &no_token.get("/v2/meetings", &[]).await,
        401,
        "status_code",
        None,
    );
}

// ---- rate limits --------------------------------------------------------------------------------------

async fn burst(api: &Api, n: usize, path: &str) -> Vec<Reply> {
    let requests = (0..n).map(|_| api.get(path, &[]));
    futures_util::future::join_all(requests).await
}

fn assert_rate_limited(reply: &Reply) {
    assert_envelope(reply, 429, "status_code", Some("rate_limit_exceeded"));
    assert_eq!(reply.body["type"], "rate_limit_error");
    assert_retry_after(&reply.headers);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_reads_is_rate_limited_with_an_http_date() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(5),
            ..Limits::UNLIMITED
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let unix_second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let first_second = unix_second();
    let replies = burst(&api, 20, "/v2/meetings").await;
    // The windows the burst touched; on a slow machine it may span several.
    let windows = (unix_second() - first_second + 1) as usize;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert_eq!(ok + limited.len(), 20, "only 200 and 429 expected");
    assert!(
        ok >= 5 && ok <= 5 * windows,
        "{ok} admitted over {windows} one-second windows"
    );
    if windows == 1 {
        assert_eq!(ok, 5, "exactly the limit is admitted within one second");
    }
    assert!(
        windows >= 4 || !limited.is_empty(),
        "nothing limited over {windows} windows"
    );
    for reply in limited {
        assert_rate_limited(reply);
    }
    assert_eq!(server.requests(Operation::ListMeetings), 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_limits_are_per_token() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(3),
            ..Limits::UNLIMITED
        })
        .token("limited-token-1111")
        .token("fresh-token-2222")
        .start()
        .await
        .unwrap();
    let a = Api::with_token(&server, Some("limited-token-1111"));
    let b = Api::with_token(&server, Some("fresh-token-2222"));
    let mut limited = false;
    for _ in 0..20 {
        if a.get("/v2/meetings", &[]).await.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "token a never limited");
    // Token b has sent nothing: its first request of any second is admitted.
    assert_eq!(b.get("/v2/meetings", &[]).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_are_counted_apart_from_reads() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(2),
            writes: Some(2),
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    // Exhaust reads, then write.
    let mut limited = false;
    for _ in 0..10 {
        if api.get("/v2/meetings", &[]).await.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "reads never limited");
    let write = api
        .post(
            "/v2/meetings",
            &timed("w0", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
        )
        .await;
    assert_eq!(
        write.status, 200,
        "a write was refused for the reads' count"
    );

    // Exhaust writes, then read (on a fresh server, so that the reads' window is empty).
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(2),
            writes: Some(2),
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let mut limited = None;
    for i in 0..10 {
        let reply = api
            .post(
                "/v2/meetings",
                &timed(
                    format!("w{i}"),
                    "2030-01-01T10:00:00Z",
                    "2030-01-01T11:00:00Z",
                ),
            )
            .await;
        if reply.status == 429 {
            assert_rate_limited(&reply);
            limited = Some(i);
            break;
        }
    }
    let refused = limited.expect("writes never limited");
    assert_eq!(
        server.store().meetings().len(),
        refused,
        "a refused write was applied"
    );
    assert_eq!(
        api.get("/v2/meetings", &[]).await.status,
        200,
        "a read was refused for the writes' count"
    );
}

#[tokio::test]
async fn create_call_recording_is_limited_to_one_per_second_by_default() {
    let server = MockServer::start().await.unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = api
            .create_recording(&meeting, "https://cdn.example.com/a.mp4")
            .await;
        if reply.status == 429 {
            assert_rate_limited(&reply);
        }
        statuses.push(reply.status.as_u16());
    }
    // Three requests span at most two seconds: at most two are admitted.
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!((1..=2).contains(&ok), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(server.store().call_recordings().len(), ok);
    // The general write limit (25/s) still has room.
    let write = api
        .post(
            "/v2/meetings",
            &timed("w", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
        )
        .await;
    assert_eq!(write.status, 200);
}

// ---- faults -------------------------------------------------------------------------------------------

fn meeting_body() -> Value {
    timed("fault-1", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z")
}

#[tokio::test]
async fn scripted_status_fault_answers_the_envelope_without_processing() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server.faults().script(
        Operation::FindOrCreateMeeting,
        [Some(Fault::Status(503)), None],
    );
    let failed = api.post("/v2/meetings", &meeting_body()).await;
    assert_envelope(&failed, 503, "status_code", None);
    assert!(server.store().meetings().is_empty());
    // The script lets the next request through.
    api.find_or_create(&meeting_body()).await;
    assert_eq!(server.store().meetings().len(), 1);
    // Other operations are not affected by a script for another one.
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::Status(500))]);
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    assert_envelope(
        &api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[]).await,
        500,
        "status_code",
        None,
    );
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), 2);
}

#[tokio::test]
async fn dropped_connection_fails_the_request_without_processing() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Operation::FindOrCreateMeeting, [Some(Fault::Drop)]);
    let result = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await;
    let err = result.expect_err("the connection was dropped");
    assert!(!err.is_timeout(), "{err}");
    assert!(server.store().meetings().is_empty());
    assert_eq!(
        server.requests(Operation::FindOrCreateMeeting),
        1,
        "retried behind the client's back"
    );
    api.find_or_create(&meeting_body()).await;
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn drop_after_processing_fails_the_request_but_applies_the_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server.faults().script(
        Operation::FindOrCreateMeeting,
        [Some(Fault::DropAfterProcessing)],
    );
    let result = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await;
    assert!(
        result.is_err(),
        "expected a dropped connection, got {result:?}"
    );
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1, "the write was not applied");
    // Retrying find-or-create is safe: the same meeting comes back.
    let id = api.find_or_create(&meeting_body()).await;
    assert_eq!(id, meeting_id(&stored[0]));
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn truncated_response_fails_the_client_but_applies_the_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Operation::FindOrCreateMeeting, [Some(Fault::Truncate)]);
    let result = match api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(|b| b.to_vec()),
        Err(e) => Err(e),
    };
    assert!(
        result.is_err(),
        "a truncated response read cleanly: {result:?}"
    );
    assert_eq!(
        server.store().meetings().len(),
        1,
        "the write was not applied"
    );
    // The server still answers.
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
}

#[tokio::test]

async fn truncated_response_sends_the_headers_then_fails_on_the_body() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Operation::FindOrCreateMeeting, [Some(Fault::Truncate)]);
    let response = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(response.status(), 200);
    let body = response.bytes().await;
    assert!(body.is_err(), "a truncated body read cleanly: {body:?}");
    assert_eq!(
        server.store().meetings().len(),
        1,
        "the write was not applied"
    );
}

#[tokio::test]
async fn latency_fault_delays_then_answers() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let id = seed_at(&server, "m", 0);
    server.faults().script(
        Operation::GetMeeting,
        [Some(Fault::Latency(Duration::from_millis(300)))],
    );
    let started = Instant::now();
    let reply = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, 200);
    assert_eq!(meeting_id(&reply.body["data"]), id);
}

#[tokio::test]
async fn rate_limited_fault_is_a_429_with_retry_after_and_no_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Operation::FindOrCreateMeeting, [Some(Fault::RateLimited)]);
    let reply = api.post("/v2/meetings", &meeting_body()).await;
    assert_rate_limited(&reply);
    assert!(server.store().meetings().is_empty());
}

/// The outcomes of `n` sequential get-meeting requests on a fresh server with a random fault rule.
async fn random_outcomes(seed: u64, n: usize) -> (String, Vec<String>) {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .seed(seed)
        .start()
        .await
        .unwrap();
    let id = seed_at(&server, "m", 0);
    server.faults().add_rule(FaultRule {
        operations: vec![Operation::GetMeeting],
        rate: 0.5,
        faults: vec![
            Fault::Status(500),
            Fault::Status(503),
            Fault::RateLimited,
            Fault::Drop,
        ],
    });
    let api = Api::new(&server);
    let mut outcomes = Vec::new();
    for _ in 0..n {
        let outcome = match api
            .request(Method::GET, &format!("/v2/meetings/{id}"), &[])
            .send()
            .await
        {
            Ok(response) => response.status().as_u16().to_string(),
            Err(_) => "dropped".to_string(),
        };
        outcomes.push(outcome);
    }
    // Other operations are untouched by the rule.
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    (id, outcomes)
}

#[tokio::test]
async fn seeded_random_faults_are_reproducible() {
    let (id_a, a) = random_outcomes(42, 24).await;
    let (id_b, b) = random_outcomes(42, 24).await;
    assert_eq!(a, b, "same seed, same outcomes");
    assert_eq!(id_a, id_b, "same seed, same ids");
    assert!(a.iter().any(|o| o == "200"), "{a:?}");
    assert!(a.iter().any(|o| o != "200"), "{a:?}");
    let (_, c) = random_outcomes(43, 24).await;
    assert_ne!(a, c, "another seed, other outcomes");
}

// ---- request counting ---------------------------------------------------------------------------------

#[tokio::test]
async fn requests_are_counted_per_operation_whatever_the_answer() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let anonymous = Api::with_token(&server, None);
    let meeting = seed_at(&server, "m", 0);
    assert_eq!(server.total_requests(), 0);

    server.faults().script(
        Operation::GetMeeting,
        [Some(Fault::Status(503)), Some(Fault::Drop)],
    );
    let get = format!("/v2/meetings/{meeting}");
    assert_eq!(api.get(&get, &[]).await.status, 503);
    assert!(api.request(Method::GET, &get, &[]).send().await.is_err());
    assert_eq!(anonymous.get(&get, &[]).await.status, 401);
    assert_eq!(api.get(&get, &[]).await.status, 200);
    assert_eq!(
        api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[])
            .await
            .status,
        404
    );
    assert_eq!(api.get("/v2/meetings/not-a-uuid", &[]).await.status, 400);
    assert_eq!(server.requests(Operation::GetMeeting), 6);

    server.set_limits(Limits {
        reads: Some(1),
        ..Limits::UNLIMITED
    });
    let statuses: Vec<u16> = {
        let mut s = Vec::new();
        for _ in 0..3 {
            s.push(api.get("/v2/meetings", &[]).await.status.as_u16());
        }
        s
    };
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(server.requests(Operation::ListMeetings), 3);
    server.set_limits(Limits::UNLIMITED);

    let recordings = format!("/v2/meetings/{meeting}/call_recordings");
    assert_eq!(
        api.create_recording(&meeting, "http://x.test/a.mp4")
            .await
            .status,
        400
    );
    let created = api.create_recording(&meeting, "https://x.test/a.mp4").await;
    let recording = recording_id(&created.body["data"]);
    assert_eq!(api.get(&recordings, &[]).await.status, 200);
    assert_eq!(
        api.get(&format!("{recordings}/{recording}"), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("{recordings}/{recording}/transcript"), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        api.delete(&format!("{recordings}/{recording}"))
            .await
            .status,
        204
    );
    assert_eq!(
        anonymous.post("/v2/meetings", &meeting_body()).await.status,
        401
    );

    assert_eq!(server.requests(Operation::CreateCallRecording), 2);
    assert_eq!(server.requests(Operation::ListCallRecordings), 1);
    assert_eq!(server.requests(Operation::GetCallRecording), 1);
    assert_eq!(server.requests(Operation::GetTranscript), 1);
    assert_eq!(server.requests(Operation::DeleteCallRecording), 1);
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), 1);
    assert_eq!(server.total_requests(), 6 + 3 + 2 + 1 + 1 + 1 + 1 + 1);

    // Unknown routes are no operation.
    let unknown = api.get("/v2/notes", &[]).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(server.total_requests(), 16);

    server.reset_requests();
    assert_eq!(server.total_requests(), 0);
    assert!(Operation::ALL.iter().all(|op| server.requests(*op) == 0));
}

// ---- shutdown -----------------------------------------------------------------------------------------

#[tokio::test]
async fn shutdown_refuses_new_connections() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let url = format!("{}/v2/meetings", server.base_url());
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    server.shutdown().await;

    let err = client()
        .get(&url)
        .send()
        .await
        .expect_err("the server is gone");
    assert!(err.is_connect(), "not a connect error: {err:?}");
    // A client that held a kept-alive connection fails too.
    assert!(
        api.request(Method::GET, "/v2/meetings", &[])
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = unlimited().await;
    let url = format!("{}/v2/meetings", server.base_url());
    assert_eq!(Api::new(&server).get("/v2/meetings", &[]).await.status, 200);
    drop(server);
    // The server task ends asynchronously; give it time even on a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match client().get(&url).send().await {
            Err(err) if err.is_connect() => break,
            other => {
                assert!(
                    Instant::now() < deadline,
                    "still reachable after drop: {other:?}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}
