//! Helpers shared by the client's integration tests (`mod common;` in each test file): a fake Attio
//! server and clients for it, seeded meetings, short retry policies, wall-clock helpers, a log capture,
//! and (in [`raw`]) a raw HTTP/1.1 server for hostile answers.
//!
//! Each test binary uses only some of them.
#![allow(dead_code)]

pub mod raw;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
use attio_meetings::{Client, Error, RetryPolicy};
use attio_meetings_mock::{Limits, MockServer};
use chrono::{DateTime, FixedOffset};
use serde_json::{Value, json};
use uuid::Uuid;

// ---- the fake and its clients ----

pub fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Short backoffs so that retries cost milliseconds.
pub fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(ms(5))
        .max_backoff(ms(50))
}

pub async fn fake() -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::ZERO)
        .start()
        .await
        .expect("the fake starts")
}

pub fn client_with(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(policy)
        .build()
        .expect("a valid client")
}

pub fn client(server: &MockServer) -> Client {
    client_with(server, fast())
}

// ---- seeding ----

pub fn base_time() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2027-03-01T08:00:00+00:00").unwrap()
}

/// A create-meeting body, as the fake's store seeds it; `name` makes its title.
pub fn seed_body(name: &str, start: DateTime<FixedOffset>) -> Value {
    json!({"data": {
        "title": format!("Meeting {name}"),
        "description": "seeded",
        "is_all_day": false,
        "start": {"datetime": start.to_rfc3339(), "timezone": "UTC"},
        "end": {"datetime": (start + chrono::Duration::minutes(30)).to_rfc3339(), "timezone": "UTC"},
        "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}],
    }})
}

pub fn seed_meeting(server: &MockServer, name: &str) -> Uuid {
    server
        .store()
        .seed_meeting(&seed_body(name, base_time()), None)
        .expect("seeded")
}

/// A valid meeting to create; `name` makes its title.
pub fn new_meeting(name: &str) -> NewMeeting {
    let start = base_time();
    NewMeeting::builder()
        .title(format!("Meeting {name}"))
        .description("from the client")
        .start(MeetingTime::at(start, "Europe/Paris"))
        .end(MeetingTime::at(
            start + chrono::Duration::hours(1),
            "Europe/Paris",
        ))
        .is_all_day(false)
        .participants(vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("tom@example.com", ParticipantStatus::Tentative),
        ])
        .try_into()
        .expect("every field set")
}

/// Seeds `n` meetings in an order unlike their start order; returns their ids in start order.
pub fn seed_meetings(server: &MockServer, n: u32) -> Vec<Uuid> {
    let mut by_start: Vec<(u32, Uuid)> = (0..n)
        .map(|i| {
            let slot = (i * 7) % n; // a permutation of 0..n (n prime to 7)
            let start = base_time() + chrono::Duration::hours(i64::from(slot));
            let id = server
                .store()
                .seed_meeting(&seed_body(&format!("seed-{i}"), start), None)
                .unwrap();
            (slot, id)
        })
        .collect();
    by_start.sort();
    by_start.into_iter().map(|(_, id)| id).collect()
}

// ---- errors ----

pub fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

pub fn assert_invalid(result: Result<impl std::fmt::Debug, Error>, field: &str) {
    match result {
        Err(Error::InvalidInput { field: got, reason }) => {
            assert_eq!(got, field, "reason: {reason}")
        }
        other => panic!("expected InvalidInput on {field}, got {other:?}"),
    }
}

// ---- time ----

/// Time from `now` to the start of the next wall-clock second.
pub fn until_next_second(now: SystemTime) -> Duration {
    let since = now.duration_since(UNIX_EPOCH).unwrap();
    Duration::from_secs(since.as_secs() + 1) - since
}

pub fn next_second(now: SystemTime) -> SystemTime {
    now + until_next_second(now)
}

/// Waits, if needed, until at least 600 ms are left in the current wall-clock second, so that the fake's
/// `Retry-After` (the next second) is far enough away to tell waiting from not waiting.
pub async fn early_in_a_second() {
    let left = until_next_second(SystemTime::now());
    if left < ms(600) {
        tokio::time::sleep(left + ms(10)).await;
    }
}

/// Polls `condition` every 5 ms for at most `limit`; whether it became true.
pub async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + limit;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(ms(5)).await;
    }
}

// ---- the log ----

/// A `tracing_subscriber` writer that keeps everything written, for reading back as text.
#[derive(Clone, Default)]
pub struct Capture(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Capture {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}
