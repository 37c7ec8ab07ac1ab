//! Helpers shared by the fake's HTTP tests (`mod common;` in each test file): a reqwest client of one
//! server and token ([`Api`]), whole replies, assertions on Attio's envelopes, and meeting bodies to seed
//! or send.
//!
//! The store is used only to seed fixtures and to read state back; everything a client does goes over
//! the wire. Each test binary uses only some of these helpers.
#![allow(dead_code)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use attio_meetings_mock::{Limits, MockServer, Segment};
use reqwest::header::{AUTHORIZATION, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::{Value, json};

pub const UNKNOWN_ID: &str = "0b7e3c1a-9d2f-4c8e-8f5a-1e2d3c4b5a69";
pub const RECORD_1: &str = "5f0e8d9c-1b2a-4c3d-9e8f-7a6b5c4d3e21";
pub const RECORD_2: &str = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d";

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client")
}

pub async fn unlimited() -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .start()
        .await
        .expect("server starts")
}

/// A response read in full.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub raw: Vec<u8>,
    pub body: Value,
}

/// A client of one server with one token.
pub struct Api {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Api {
    pub fn new(server: &MockServer) -> Self {
        Self {
            base: server.base_url().to_string(),
            token: Some(server.token().to_string()),
            http: client(),
        }
    }

    pub fn with_token(server: &MockServer, token: Option<&str>) -> Self {
        Self {
            token: token.map(str::to_string),
            ..Self::new(server)
        }
    }

    pub fn url(&self, path: &str, query: &[(&str, &str)]) -> Url {
        let mut url = Url::parse(&format!("{}{path}", self.base)).expect("url");
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url
    }

    pub fn request(
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

    pub async fn read(response: reqwest::Response) -> Reply {
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

    pub async fn send(&self, request: reqwest::RequestBuilder) -> Reply {
        Self::read(request.send().await.expect("request answered")).await
    }

    pub async fn get(&self, path: &str, query: &[(&str, &str)]) -> Reply {
        self.send(self.request(Method::GET, path, query)).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::POST, path, &[]).json(body))
            .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(self.request(Method::DELETE, path, &[])).await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::PATCH, path, &[]).json(body))
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Reply {
        self.send(self.request(Method::PUT, path, &[]).json(body))
            .await
    }

    /// POST /v2/meetings, expecting 200; the meeting id.
    pub async fn create(&self, body: &Value) -> String {
        let reply = self.post("/v2/meetings", body).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        meeting_id(&reply.body["data"])
    }

    /// One page of GET /v2/meetings: ids and next cursor.
    pub async fn list(&self, query: &[(&str, &str)]) -> (Vec<String>, Option<String>) {
        let reply = self.get("/v2/meetings", query).await;
        assert_eq!(reply.status, 200, "{query:?}: {:?}", reply.body);
        page(&reply.body, meeting_id)
    }

    /// Every page of GET /v2/meetings (at most 100 pages).
    pub async fn list_all(&self, query: &[(&str, &str)]) -> Vec<String> {
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

    pub async fn create_transcript_recording(&self, meeting: &str, transcript: &Value) -> Reply {
        self.post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {"transcript": transcript}}),
        )
        .await
    }

    pub async fn create_recording(&self, meeting: &str, video_url: &str) -> Reply {
        self.post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {"video_url": video_url}}),
        )
        .await
    }

    /// Polls a recording until it leaves `processing` (at most 5 s, generous for a loaded machine); its
    /// last status.
    pub async fn wait_processed(&self, meeting: &str, recording: &str) -> String {
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

pub fn meeting_id(meeting: &Value) -> String {
    meeting["id"]["meeting_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no meeting id in {meeting}"))
        .to_string()
}

pub fn recording_id(recording: &Value) -> String {
    recording["id"]["call_recording_id"]
        .as_str()
        .unwrap_or_else(|| panic!("no call recording id in {recording}"))
        .to_string()
}

pub fn page(body: &Value, id: fn(&Value) -> String) -> (Vec<String>, Option<String>) {
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
pub fn assert_envelope(reply: &Reply, status: u16, status_key: &str, code: Option<&str>) {
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

pub fn assert_validation(reply: &Reply, status_key: &str) {
    assert_envelope(reply, 400, status_key, Some("validation_type"));
    assert_eq!(reply.body["type"], "invalid_request_error");
}

/// `Retry-After` as an HTTP date, at most two seconds ahead (and not long past: the lower bound allows
/// for a slow machine between the server's answer and this check).
pub fn assert_retry_after(headers: &HeaderMap) {
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

/// A timed meeting (UTC) in create-meeting's body form, titled `title`, with one participant.
pub fn timed(title: impl Into<String>, start: &str, end: &str) -> Value {
    json!({"data": {
        "title": title.into(),
        "description": "Quarterly renewal",
        "is_all_day": false,
        "start": {"datetime": start, "timezone": null},
        "end": {"datetime": end, "timezone": null},
        "participants": [organizer()],
    }})
}

/// An all-day meeting from `start` to `end` (exclusive).
pub fn all_day(title: &str, start: &str, end: &str) -> Value {
    json!({"data": {
        "title": title,
        "description": "",
        "is_all_day": true,
        "start": {"date": start},
        "end": {"date": end},
        "participants": [organizer()],
    }})
}

/// The participant of [`timed`] and [`all_day`] meetings.
pub fn organizer() -> Value {
    json!({"email_address": "organizer@example.com", "is_organizer": true, "status": "accepted"})
}

pub fn with_participants(mut body: Value, emails: &[&str]) -> Value {
    body["data"]["participants"] = emails
        .iter()
        .map(|e| json!({"email_address": e, "is_organizer": false, "status": "accepted"}))
        .collect();
    body
}

pub fn seed(server: &MockServer, body: &Value) -> String {
    server
        .store()
        .seed_meeting(body, None)
        .expect("fixture is valid")
        .to_string()
}

/// `2030-01-01T00:00:00Z` plus `minutes`.
pub fn at(minutes: i64) -> String {
    let base = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z").unwrap();
    (base + chrono::Duration::minutes(minutes))
        .to_utc()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Seeds a meeting from `at(start)` to `at(start + 30)`.
pub fn seed_at(server: &MockServer, name: &str, start: i64) -> String {
    seed(server, &timed(name, &at(start), &at(start + 30)))
}

pub fn segment(speaker: &str, speech: &str, start: f64) -> Segment {
    Segment {
        speaker: speaker.into(),
        speech: speech.into(),
        start_time: start,
        end_time: start + 0.5,
    }
}

pub fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

pub fn assert_unique(ids: &[String]) {
    let set: HashSet<&String> = ids.iter().collect();
    assert_eq!(set.len(), ids.len(), "duplicates in {ids:?}");
}

/// A 429 of the rate limiter (or of a `RateLimited` fault): the envelope and an HTTP-date `Retry-After`.
pub fn assert_rate_limited(reply: &Reply) {
    assert_envelope(reply, 429, "status_code", Some("rate_limit_exceeded"));
    assert_eq!(reply.body["type"], "rate_limit_error");
    assert_retry_after(&reply.headers);
}

/// A timed meeting to create, for the fault and counting tests.
pub fn meeting_body() -> Value {
    timed("fault-1", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z")
}
