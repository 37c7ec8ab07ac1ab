//! The hand-written client layer (`attio_meetings::Client`) against the fake Attio server, over HTTP:
//! retries and their limits, `Retry-After`, what a non-idempotent create does after an ambiguous
//! failure, find-or-create under random faults, input refused before sending, tokens kept out of every
//! message and log line, pagination streams and their prefetch, typed errors, pacing and the retry
//! budget.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use attio_meetings::types::{
    CalendarProvider, ExternalRef, MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant,
    ParticipantStatus,
};
use attio_meetings::{ApiToken, Client, Error, Pacing, RetryPolicy, Sent};
use attio_meetings_mock::{Fault, FaultRule, Limits, MockServer, Operation, Segment};
use chrono::{DateTime, FixedOffset, NaiveDate};
use futures_util::StreamExt;
use serde_json::{Value, json};
use uuid::Uuid;

// ---- helpers ----

const SECRET: &str = "tok-SECRET-123456";

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Short backoffs so that retries cost milliseconds.
fn fast() -> RetryPolicy {
    RetryPolicy::default()
        .initial_backoff(ms(5))
        .max_backoff(ms(50))
}

async fn fake() -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::ZERO)
        .start()
        .await
        .expect("the fake starts")
}

fn client_with(server: &MockServer, policy: RetryPolicy) -> Client {
    Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(policy)
        .build()
        .expect("a valid client")
}

fn client(server: &MockServer) -> Client {
    client_with(server, fast())
}

fn base_time() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2027-03-01T08:00:00+00:00").unwrap()
}

/// A find-or-create body, as the fake's store seeds it.
fn seed_body(external: &str, start: DateTime<FixedOffset>) -> Value {
    json!({"data": {
        "title": format!("Meeting {external}"),
        "description": "seeded",
        "is_all_day": false,
        "start": {"datetime": start.to_rfc3339(), "timezone": "UTC"},
        "end": {"datetime": (start + chrono::Duration::minutes(30)).to_rfc3339(), "timezone": "UTC"},
        "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}],
        "external_ref": external,
    }})
}

fn seed_meeting(server: &MockServer, external: &str) -> Uuid {
    server
        .store()
        .seed_meeting(&seed_body(external, base_time()), None)
        .expect("seeded")
}

/// A valid meeting to find or create.
fn new_meeting(external: &str) -> NewMeeting {
    let start = base_time();
    NewMeeting {
        title: format!("Meeting {external}"),
        description: "from the client".into(),
        start: MeetingTime::at(start, "Europe/Paris"),
        end: MeetingTime::at(start + chrono::Duration::hours(1), "Europe/Paris"),
        is_all_day: false,
        participants: vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("tom@example.com", ParticipantStatus::Tentative),
        ],
        linked_records: vec![],
        external_ref: ExternalRef::id(external).unwrap(),
    }
}

fn status(error: &Error) -> Option<u16> {
    error.status().map(|s| s.as_u16())
}

/// Time from `now` to the start of the next wall-clock second.
fn until_next_second(now: SystemTime) -> Duration {
    let since = now.duration_since(UNIX_EPOCH).unwrap();
    Duration::from_secs(since.as_secs() + 1) - since
}

fn next_second(now: SystemTime) -> SystemTime {
    now + until_next_second(now)
}

/// Waits, if needed, until at least 600 ms are left in the current wall-clock second, so that the fake's
/// `Retry-After` (the next second) is far enough away to tell waiting from not waiting.
async fn early_in_a_second() {
    let left = until_next_second(SystemTime::now());
    if left < ms(600) {
        tokio::time::sleep(left + ms(10)).await;
    }
}

/// Polls `condition` every 5 ms for at most `limit`; whether it became true.
async fn eventually(limit: Duration, mut condition: impl FnMut() -> bool) -> bool {
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

// ---- 1. retries stop at the cap ----

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = fake().await;
    let id = seed_meeting(&server, "cap");
    let client = client_with(&server, fast().max_attempts(3));

    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::Status(503)); 5]);
    let error = client.meetings().get(id).await.unwrap_err();
    assert_eq!(server.requests(Operation::GetMeeting), 3, "{error}");
    let Error::Api(api) = &error else {
        panic!("expected Error::Api, got {error:?}")
    };
    assert_eq!(api.status.as_u16(), 503);
    assert_eq!(api.code, "internal_error");
    assert!(error.is_retryable());

    // Two 503s left in the script, then success: the third attempt gets through.
    server.reset_requests();
    let meeting = client.meetings().get(id).await.unwrap();
    assert_eq!(meeting.id.meeting_id, id);
    assert_eq!(server.requests(Operation::GetMeeting), 3);

    // RetryPolicy::none() on one call: sent once, while the client keeps retrying other calls.
    server.reset_requests();
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::Status(503))]);
    let error = client
        .meetings()
        .get(id)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(503));
    assert_eq!(server.requests(Operation::GetMeeting), 1);

    server.reset_requests();
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::Status(502)), None]);
    client.meetings().get(id).await.unwrap();
    assert_eq!(server.requests(Operation::GetMeeting), 2);
}

#[tokio::test]
async fn reads_are_retried_after_drops_truncation_and_timeouts() {
    let server = fake().await;
    let id = seed_meeting(&server, "reads");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(fast().max_attempts(5))
        .timeout(ms(300))
        .build()
        .unwrap();
    server.faults().script(
        Operation::GetMeeting,
        [
            Some(Fault::Drop),
            Some(Fault::DropAfterProcessing),
            Some(Fault::Truncate),
            Some(Fault::Latency(ms(1000))),
            None,
        ],
    );
    let meeting = client.meetings().get(id).await.unwrap();
    assert_eq!(meeting.id.meeting_id, id);
    assert_eq!(server.requests(Operation::GetMeeting), 5);
}

/// A success body the client cannot decode is the same on every attempt: retrying it would only repeat
/// the download (up to the 32 MiB body limit, `max_attempts` times) and spend the retry budget. Truncated
/// bodies, the transient case, surface as `Error::Transport` and are retried (see above).
#[tokio::test]
async fn an_undecodable_success_body_is_not_retried() {
    let server = fake().await;
    let id = seed_meeting(&server, "oversized");
    let small = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(fast())
        .max_body_bytes(16)
        .build()
        .unwrap();
    let error = small.meetings().get(id).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    assert_eq!(server.requests(Operation::GetMeeting), 1, "{error}");
    assert!(!error.is_retryable());

    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::Truncate)]);
    let error = client(&server)
        .meetings()
        .get(id)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{error:?}"
    );
}

// ---- 2. Retry-After ----

#[tokio::test]
async fn a_retry_waits_for_the_http_date_retry_after() {
    let server = fake().await;
    let id = seed_meeting(&server, "retry-after");
    let client = client(&server);
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::RateLimited)]);

    early_in_a_second().await;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let allowed_at = next_second(started_at);
    let meeting = client.meetings().get(id).await.unwrap();
    let finished_at = SystemTime::now();
    let elapsed = started.elapsed();

    assert_eq!(meeting.id.meeting_id, id);
    assert_eq!(server.requests(Operation::GetMeeting), 2);
    // The fake's Retry-After is the next whole second after the first attempt, which (at least 600 ms
    // before the end of its second) is `allowed_at`; the retry, hence the end of the call, is not before.
    let tolerance = ms(5);
    assert!(
        finished_at + tolerance >= allowed_at,
        "finished {:?} before the Retry-After second",
        allowed_at.duration_since(finished_at).unwrap_or_default()
    );
    let wait = allowed_at.duration_since(started_at).unwrap();
    assert!(
        elapsed + tolerance >= wait,
        "took {elapsed:?}, Retry-After was {wait:?} away"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_max_elapsed_ends_the_call_at_once() {
    let server = fake().await;
    let id = seed_meeting(&server, "too-late");
    let client = client_with(&server, fast().max_elapsed(ms(200)));
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::RateLimited)]);

    early_in_a_second().await;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let error = client.meetings().get(id).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(server.requests(Operation::GetMeeting), 1);
    let retry_after = error.retry_after().expect("Retry-After is read");
    assert_eq!(retry_after, next_second(started_at));
    assert!(
        elapsed < ms(400),
        "took {elapsed:?}: it waited for a Retry-After beyond max_elapsed"
    );
}

// ---- 3. a non-idempotent create is never sent twice after an ambiguous failure ----

#[tokio::test]
async fn create_call_recording_is_not_resent_after_an_ambiguous_failure() {
    let cases = [
        (Fault::DropAfterProcessing, 1),
        (Fault::Truncate, 1),
        (Fault::Status(500), 0),
        (Fault::Status(502), 0),
        (Fault::Status(503), 0),
        // Indistinguishable from DropAfterProcessing on the client: not retried either.
        (Fault::Drop, 0),
    ];
    for (fault, stored) in cases {
        let server = fake().await;
        let meeting_id = seed_meeting(&server, "create");
        let client = client_with(&server, fast().max_attempts(5));
        server
            .faults()
            .script(Operation::CreateCallRecording, [Some(fault)]);
        let error = client
            .call_recordings(meeting_id)
            .create("https://videos.example.com/call.mp4")
            .await
            .unwrap_err();
        assert_eq!(
            server.requests(Operation::CreateCallRecording),
            1,
            "{fault:?}: {error}"
        );
        assert!(error.may_have_been_applied(), "{fault:?}: {error:?}");
        assert_eq!(server.store().call_recordings().len(), stored, "{fault:?}");
        if let Fault::Status(code) = fault {
            assert_eq!(status(&error), Some(code));
        } else {
            assert!(
                matches!(
                    error,
                    Error::Transport {
                        sent: Sent::Maybe,
                        ..
                    } | Error::Decode(_)
                ),
                "{fault:?}: {error:?}"
            );
        }
    }
}

#[tokio::test]
async fn create_call_recording_is_not_resent_after_a_timeout() {
    let server = fake().await;
    let meeting_id = seed_meeting(&server, "create-timeout");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(fast().max_attempts(5))
        .timeout(ms(150))
        .build()
        .unwrap();
    server.faults().script(
        Operation::CreateCallRecording,
        [Some(Fault::Latency(ms(400)))],
    );
    let error = client
        .call_recordings(meeting_id)
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.may_have_been_applied());
    tokio::time::sleep(ms(400)).await;
    assert_eq!(server.requests(Operation::CreateCallRecording), 1);
    assert!(server.store().call_recordings().len() <= 1);
}

#[tokio::test]
async fn create_call_recording_is_retried_after_a_429() {
    let server = fake().await;
    let meeting_id = seed_meeting(&server, "create-429");
    let client = client(&server);
    server
        .faults()
        .script(Operation::CreateCallRecording, [Some(Fault::RateLimited)]);
    let recording = client
        .call_recordings(meeting_id)
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap();
    assert_eq!(recording.id.meeting_id, meeting_id);
    assert_eq!(server.requests(Operation::CreateCallRecording), 2);
    let stored = server.store().call_recordings();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        stored[0]["id"]["call_recording_id"],
        recording.id.call_recording_id.to_string()
    );
}

#[tokio::test]
async fn a_delete_whose_answer_was_lost_succeeds_on_retry() {
    let server = fake().await;
    let meeting_id = seed_meeting(&server, "delete-lost");
    let recording_id = server
        .store()
        .seed_call_recording(
            meeting_id,
            "https://videos.example.com/a.mp4",
            false,
            Vec::new(),
        )
        .unwrap();
    let client = client(&server);
    server.faults().script(
        Operation::DeleteCallRecording,
        [Some(Fault::DropAfterProcessing)],
    );
    client
        .call_recordings(meeting_id)
        .delete(recording_id)
        .await
        .unwrap();
    assert_eq!(server.requests(Operation::DeleteCallRecording), 2);
    assert!(server.store().call_recordings().is_empty());
    // Without an ambiguous attempt first, a missing recording is still a 404.
    let error = client
        .call_recordings(meeting_id)
        .delete(recording_id)
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error}");
}

#[tokio::test]
async fn create_call_recording_that_could_not_connect_was_not_applied() {
    let server = fake().await;
    let base_url = server.base_url().to_string();
    let token = server.token().to_string();
    server.shutdown().await;
    let client = Client::builder()
        .token(token)
        .base_url(base_url)
        .retry(fast().max_attempts(2))
        .build()
        .unwrap();
    let error = client
        .call_recordings(Uuid::new_v4())
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { sent: Sent::No, .. }),
        "{error:?}"
    );
    assert!(!error.may_have_been_applied());
    assert!(error.is_retryable());
}

// ---- 4. find-or-create is retried, and stays one meeting ----

#[tokio::test]
async fn concurrent_find_or_create_under_random_faults_makes_one_meeting() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .seed(0x5EED_0004)
        .start()
        .await
        .unwrap();
    server.faults().add_rule(FaultRule {
        operations: vec![Operation::FindOrCreateMeeting],
        rate: 0.4,
        faults: vec![
            Fault::Status(500),
            Fault::Status(502),
            Fault::Status(503),
            Fault::Drop,
            Fault::DropAfterProcessing,
            Fault::Truncate,
            Fault::RateLimited,
        ],
    });
    let client = client_with(&server, fast().max_attempts(10));
    let calls = (0..16).map(|_| {
        client
            .meetings()
            .find_or_create(new_meeting("shared"))
            .send()
    });
    let results = futures_util::future::join_all(calls).await;

    let ids: Vec<Uuid> = results
        .into_iter()
        .map(|r| r.expect("every find-or-create succeeds").id.meeting_id)
        .collect();
    assert_eq!(ids.len(), 16);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"]["meeting_id"], ids[0].to_string());
    let sent = server.requests(Operation::FindOrCreateMeeting);
    assert!(
        (17..=160).contains(&sent),
        "{sent} requests: the faults were not exercised"
    );
}

// ---- 5. invalid input sends nothing ----

fn assert_invalid(result: Result<impl std::fmt::Debug, Error>, field: &str) {
    match result {
        Err(Error::InvalidInput { field: got, reason }) => {
            assert_eq!(got, field, "reason: {reason}")
        }
        other => panic!("expected InvalidInput on {field}, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = fake().await;
    let client = client(&server);
    let meetings = client.meetings();
    let recordings = client.call_recordings(Uuid::new_v4());

    assert_invalid(meetings.list().limit(0).await, "limit");
    assert_invalid(meetings.list().limit(201).await, "limit");
    assert_invalid(recordings.list().limit(0).await, "limit");
    assert_invalid(recordings.list().limit(201).await, "limit");
    assert_invalid(meetings.list().limit(0).collect_all().await, "limit");
    let streamed: Vec<_> = meetings.list().limit(201).stream().take(64).collect().await;
    assert_eq!(streamed.len(), 1, "one error, then the end");
    assert_invalid(streamed.into_iter().next().unwrap(), "limit");
    assert_invalid(
        meetings.list().participants(["not-an-email"]).await,
        "participants",
    );
    assert_invalid(
        meetings.list().linked_record(" ", Uuid::new_v4()).await,
        "linked_object",
    );

    let mut all_day = new_meeting("x");
    all_day.is_all_day = true;
    assert_invalid(meetings.find_or_create(all_day).await, "data.start");

    let mut dates_not_all_day = new_meeting("x");
    dates_not_all_day.start = MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
    dates_not_all_day.end = MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, 2).unwrap());
    assert_invalid(
        meetings.find_or_create(dates_not_all_day).await,
        "data.start",
    );

    let mut backwards = new_meeting("x");
    std::mem::swap(&mut backwards.start, &mut backwards.end);
    assert_invalid(meetings.find_or_create(backwards).await, "data.end");

    let mut empty = new_meeting("x");
    empty.end = empty.start.clone();
    assert_invalid(meetings.find_or_create(empty).await, "data.end");

    assert_invalid(ExternalRef::id(""), "data.external_ref");
    let mut no_uid = new_meeting("x");
    no_uid.external_ref = ExternalRef::ical(" ", CalendarProvider::Google);
    assert_invalid(
        meetings.find_or_create(no_uid).await,
        "data.external_ref.ical_uid",
    );
    let mut provider = new_meeting("x");
    provider.external_ref = ExternalRef::ical("uid-1", CalendarProvider::Unknown("yahoo".into()));
    assert_invalid(
        meetings.find_or_create(provider).await,
        "data.external_ref.provider",
    );

    for email in ["", "ada.example.com", "a@example.com,b@example.com"] {
        let mut bad = new_meeting("x");
        bad.participants[1].email_address = email.into();
        assert_invalid(
            meetings.find_or_create(bad).await,
            "data.participants[1].email_address",
        );
    }
    for answer in [ParticipantStatus::Unknown("x".into()), "acepted".into()] {
        let mut bad = new_meeting("x");
        bad.participants[1].status = answer;
        assert_invalid(
            meetings.find_or_create(bad).await,
            "data.participants[1].status",
        );
    }
    let mut no_object = new_meeting("x");
    no_object.linked_records = vec![NewLinkedRecord::new("", Uuid::new_v4())];
    assert_invalid(
        meetings.find_or_create(no_object).await,
        "data.linked_records[0].object",
    );

    // An incomplete builder: refused, naming the missing field.
    let incomplete = NewMeeting::builder()
        .title("No times")
        .description("")
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("ada@example.com")])
        .external_ref(ExternalRef::id("builder").unwrap());
    match meetings.find_or_create(incomplete).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert!(
                reason.contains("end") || reason.contains("start"),
                "{reason}"
            );
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let title_only = NewMeeting::builder().title("t");
    match meetings.find_or_create(title_only).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert!(reason.contains("no value supplied for"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }

    for url in [
        "http://videos.example.com/call.mp4",
        "ftp://videos.example.com/call.mp4",
        "not a url",
        "https://",
    ] {
        assert_invalid(recordings.create(url).await, "data.video_url");
    }

    assert_eq!(server.total_requests(), 0);
    // The same client does send valid calls (so the zero above is not a dead client).
    meetings.list().limit(1).await.unwrap();
    assert_eq!(server.total_requests(), 1);
}

#[test]
fn client_construction_is_checked() {
    assert_invalid(Client::builder().build(), "token");
    assert_invalid(Client::new(""), "token");
    assert_invalid(Client::new("   "), "token");
    assert_invalid(Client::new("bad\ntoken"), "token");
    for refused in [
        "http://example.com",
        "http://api.attio.com",
        "http://10.1.2.3:8080",
        "ftp://127.0.0.1",
        "https://api.attio.com/?key=1",
        "not a url",
    ] {
        assert_invalid(
            Client::builder().token("t").base_url(refused).build(),
            "base_url",
        );
    }
    for allowed in [
        "http://127.0.0.1",
        "http://127.0.0.1:9999/",
        "http://localhost:1",
        "http://[::1]:8080",
        "https://example.com",
    ] {
        let client = Client::builder().token("t").base_url(allowed).build();
        assert!(client.is_ok(), "{allowed}: {client:?}");
    }
    let client = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9999/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9999");
    assert_eq!(
        Client::new("t").unwrap().base_url(),
        attio_meetings::DEFAULT_BASE_URL
    );
}

// ---- 6. the token never appears ----

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

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
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

// Current-thread runtime (the default of #[tokio::test]): the client, its prefetch tasks and the fake all
// run on this thread, under the thread-local subscriber.
#[tokio::test(flavor = "current_thread")]
async fn the_token_appears_in_no_error_debug_or_log_line() {
    const WRONG: &str = "tok-WRONG-654321";
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // tracing caches each callsite's interest globally. While a single dispatcher is registered it takes
    // that one to be every thread's, so a callsite first hit by a test on another thread (no subscriber)
    // would be cached as disabled and this capture would miss it. A second, no-op dispatcher keeps the
    // interest per-thread ("sometimes") for as long as the test runs.
    let _second = tracing::Dispatch::new(tracing::subscriber::NoSubscriber::default());
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::ZERO)
        .token(SECRET)
        .start()
        .await
        .unwrap();
    assert_eq!(server.token(), SECRET);
    let id = seed_meeting(&server, "secret");
    let client = client(&server);
    let once = RetryPolicy::none();
    let mut errors = Vec::new();

    // 401: a wrong token (not retried).
    let stranger = Client::builder()
        .token(WRONG)
        .base_url(server.base_url())
        .retry(fast())
        .build()
        .unwrap();
    let error = stranger.meetings().get(id).await.unwrap_err();
    assert_eq!(status(&error), Some(401));
    assert_eq!(error.api().unwrap().kind, "auth_error");
    assert_eq!(server.requests(Operation::GetMeeting), 1);
    errors.push(error);

    // 404.
    let error = client.meetings().get(Uuid::new_v4()).await.unwrap_err();
    assert!(error.is_not_found());
    errors.push(error);

    // 429, 503, a dropped connection, a truncated body: each with retries off.
    for (fault, check) in [
        (Fault::RateLimited, "429"),
        (Fault::Status(503), "503"),
        (Fault::Drop, "drop"),
        (Fault::Truncate, "truncate"),
    ] {
        server.faults().script(Operation::GetMeeting, [Some(fault)]);
        let error = client
            .meetings()
            .get(id)
            .retry(once.clone())
            .await
            .unwrap_err();
        assert!(error.is_retryable(), "{check}: {error:?}");
        errors.push(error);
    }
    // A body over the client's limit: a decode error with an excerpt of the body.
    let small = Client::builder()
        .token(SECRET)
        .base_url(server.base_url())
        .max_body_bytes(16)
        .retry(once.clone())
        .build()
        .unwrap();
    let error = small.meetings().get(id).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");
    errors.push(error);
    // Retried failures (logged with the error) before a success.
    server.faults().script(
        Operation::GetMeeting,
        [Some(Fault::Status(503)), Some(Fault::Drop), None],
    );
    client.meetings().get(id).await.unwrap();
    // And a stream that fails half-way.
    server
        .faults()
        .script(Operation::ListMeetings, [Some(Fault::Status(503))]);
    let streamed: Vec<_> = client
        .meetings()
        .list()
        .retry(once.clone())
        .stream()
        .take(64)
        .collect()
        .await;
    errors.extend(streamed.into_iter().filter_map(Result::err));
    assert_eq!(errors.len(), 8);

    let token = ApiToken::new(SECRET);
    let mut texts = vec![
        format!("{client:?}"),
        format!("{stranger:?}"),
        format!("{small:?}"),
        format!("{token:?}"),
        format!("{token}"),
        format!(
            "{:?}",
            Client::builder().token(SECRET).base_url(server.base_url())
        ),
        format!("{:?}", client.meetings()),
        format!("{:?}", client.meetings().list()),
        format!("{:?}", client.meetings().get(id)),
        format!(
            "{:?}",
            client.call_recordings(id).create("https://x.test/a.mp4")
        ),
        format!("{:?}", client.transcript(id, id)),
    ];
    for error in &errors {
        texts.push(format!("{error}"));
        texts.push(format!("{error:?}"));
        texts.push(format!("{error:#?}"));
        let mut source = std::error::Error::source(error);
        while let Some(inner) = source {
            texts.push(format!("{inner} {inner:?}"));
            source = inner.source();
        }
    }
    for text in &texts {
        assert!(!text.contains(SECRET), "token leaked: {text}");
        assert!(!text.contains(WRONG), "token leaked: {text}");
        assert!(!text.contains("SECRET"), "token leaked: {text}");
    }

    let logged = capture.text();
    assert!(!logged.contains(SECRET), "token in the log:\n{logged}");
    assert!(!logged.contains(WRONG), "token in the log:\n{logged}");
    assert!(!logged.contains("SECRET"), "token in the log:\n{logged}");
    // The capture really saw the client's spans and events.
    assert!(logged.contains("get_meeting"), "{logged}");
    assert!(logged.contains("list_meetings"), "{logged}");
    assert!(logged.contains("attempt"), "{logged}");
    assert!(logged.contains("retrying"), "{logged}");
    assert!(logged.contains("answered"), "{logged}");
}

// ---- 7. streams ----

/// Seeds `n` meetings in an order unlike their start order; returns their ids in start order.
fn seed_meetings(server: &MockServer, n: u32) -> Vec<Uuid> {
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

#[tokio::test]
async fn meeting_streams_yield_every_meeting_once_in_start_order() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);

    let streamed: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .stream()
        .map(|m| m.unwrap().id.meeting_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, expected);
    assert_eq!(server.requests(Operation::ListMeetings), 5);

    let pages: Vec<usize> = client
        .meetings()
        .list()
        .limit(5)
        .pages()
        .map(|p| p.unwrap().data.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [5, 5, 5, 5, 3]);

    let all = client
        .meetings()
        .list()
        .limit(5)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<Uuid> = all.iter().map(|m| m.id.meeting_id).collect();
    assert_eq!(ids, expected);

    // Newest first, and a limit that divides the count exactly.
    let mut reversed = expected.clone();
    reversed.reverse();
    let desc: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(23)
        .sort(attio_meetings::types::MeetingSort::StartDesc)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.meeting_id)
        .collect();
    assert_eq!(desc, reversed);

    // From a cursor on.
    let first = client.meetings().list().limit(5).await.unwrap();
    let cursor = first.pagination.next_cursor.unwrap();
    let rest: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .cursor(cursor)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.meeting_id)
        .collect();
    assert_eq!(rest, expected[5..]);
}

#[tokio::test]
async fn call_recording_and_transcript_streams_yield_every_item_once() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .transcript_page_size(4)
        .start()
        .await
        .unwrap();
    let meeting_id = seed_meeting(&server, "recorded");
    let other = seed_meeting(&server, "other");
    let mut expected = Vec::new();
    for i in 0..7 {
        let url = format!("https://videos.example.com/{i}.mp4");
        expected.push(
            server
                .store()
                .seed_call_recording(meeting_id, &url, false, Vec::new())
                .unwrap(),
        );
        server
            .store()
            .seed_call_recording(other, &url, false, Vec::new())
            .unwrap();
    }
    let client = client(&server);
    let recordings = client.call_recordings(meeting_id);

    let streamed: Vec<Uuid> = recordings
        .list()
        .limit(3)
        .stream()
        .map(|r| r.unwrap().id.call_recording_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, expected);
    assert_eq!(server.requests(Operation::ListCallRecordings), 3);
    let pages: Vec<usize> = recordings
        .list()
        .limit(3)
        .pages()
        .map(|p| p.unwrap().data.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [3, 3, 1]);
    let all: Vec<Uuid> = recordings
        .list()
        .limit(3)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id.call_recording_id)
        .collect();
    assert_eq!(all, expected);

    // A transcript of 10 segments, 4 per page.
    let segments: Vec<Segment> = (0..10)
        .map(|i| Segment {
            speaker: if i % 2 == 0 { "Ada" } else { "Tom" }.into(),
            speech: format!("word{i}"),
            start_time: f64::from(i),
            end_time: f64::from(i) + 0.5,
        })
        .collect();
    let recording = server
        .store()
        .seed_call_recording(
            meeting_id,
            "https://videos.example.com/t.mp4",
            false,
            segments,
        )
        .unwrap();
    let words: Vec<String> = (0..10).map(|i| format!("word{i}")).collect();

    server.reset_requests();
    let transcript = client.transcript(meeting_id, recording);
    let streamed: Vec<String> = transcript
        .clone()
        .stream()
        .map(|s| s.unwrap().speech)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, words);
    assert_eq!(server.requests(Operation::GetTranscript), 3);
    let pages: Vec<usize> = transcript
        .clone()
        .pages()
        .map(|p| p.unwrap().data.transcript.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [4, 4, 2]);
    let whole = transcript.clone().await.unwrap();
    let speeches: Vec<&str> = whole.transcript.iter().map(|s| s.speech.as_str()).collect();
    assert_eq!(speeches, words);
    assert_eq!(whole.id.call_recording_id, recording);
    assert_eq!(whole.transcript[1].speaker.name, "Tom");
    assert!(!whole.raw_transcript.is_empty());
    let first = transcript.page().await.unwrap();
    assert_eq!(first.data.transcript.len(), 4);
    assert_eq!(first.data.transcript[..], whole.transcript[..4]);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_and_ends_the_stream() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);

    // Retries off: the third page's 503 is the last item.
    server.faults().script(
        Operation::ListMeetings,
        [None, None, Some(Fault::Status(503))],
    );
    let items: Vec<_> = client
        .meetings()
        .list()
        .limit(5)
        .retry(RetryPolicy::none())
        .stream()
        .take(64)
        .collect()
        .await;
    assert_eq!(items.len(), 11);
    let ids: Vec<Uuid> = items[..10]
        .iter()
        .map(|m| m.as_ref().unwrap().id.meeting_id)
        .collect();
    assert_eq!(ids, expected[..10]);
    assert_eq!(status(items[10].as_ref().unwrap_err()), Some(503));
    tokio::time::sleep(ms(50)).await;
    assert_eq!(
        server.requests(Operation::ListMeetings),
        3,
        "nothing is fetched after the error"
    );

    // The same for pages and collect_all.
    server.reset_requests();
    server
        .faults()
        .script(Operation::ListMeetings, [None, Some(Fault::Status(503))]);
    let pages: Vec<_> = client
        .meetings()
        .list()
        .limit(5)
        .retry(RetryPolicy::none())
        .pages()
        .take(64)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert_eq!(status(pages[1].as_ref().unwrap_err()), Some(503));
    server
        .faults()
        .script(Operation::ListMeetings, [Some(Fault::Status(404))]);
    let error = client
        .meetings()
        .list()
        .limit(5)
        .collect_all()
        .await
        .unwrap_err();
    assert!(error.is_not_found());

    // With retries on, a failed page is retried inside the stream: nothing lost, nothing repeated.
    server.reset_requests();
    server.faults().script(
        Operation::ListMeetings,
        [
            None,
            None,
            Some(Fault::Status(503)),
            Some(Fault::Drop),
            None,
        ],
    );
    let ids: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .stream()
        .map(|m| m.unwrap().id.meeting_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(ids, expected);
    assert_eq!(server.requests(Operation::ListMeetings), 7);
}

#[tokio::test]
async fn the_next_page_is_fetched_while_the_current_one_is_consumed() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);
    server
        .faults()
        .script(Operation::ListMeetings, [Some(Fault::Latency(ms(100))); 5]);

    let mut pages = Box::pin(client.meetings().list().limit(5).pages());
    let mut seen = Vec::new();
    for n in 1..=5u64 {
        let page = pages.next().await.expect("a page").unwrap();
        seen.extend(page.data.iter().map(|m| m.id.meeting_id));
        // While we hold page n, page n + 1 is requested without our asking...
        if n < 5 {
            let prefetched =
                eventually(ms(1000), || server.requests(Operation::ListMeetings) > n).await;
            assert!(
                prefetched,
                "page {} was not requested while page {n} was held",
                n + 1
            );
        }
        // ... and no more than one page ahead.
        tokio::time::sleep(ms(100)).await;
        assert_eq!(
            server.requests(Operation::ListMeetings),
            (n + 1).min(5),
            "while holding page {n}"
        );
    }
    assert!(pages.next().await.is_none());
    assert_eq!(seen, expected);
}

// ---- 8. errors ----

#[tokio::test]
async fn errors_carry_status_envelope_headers_and_body() {
    let server = fake().await;
    let meeting_id = seed_meeting(&server, "errors");
    let client = client(&server);

    // 404, not retried.
    let missing = Uuid::new_v4();
    let error = client.meetings().get(missing).await.unwrap_err();
    assert!(error.is_not_found());
    assert!(!error.is_retryable());
    assert!(!error.may_have_been_applied());
    assert_eq!(server.requests(Operation::GetMeeting), 1);
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.kind, "invalid_request_error");
    assert_eq!(api.code, "not_found");
    assert_eq!(
        api.message,
        format!("Meeting with ID \"{missing}\" was not found.")
    );
    assert!(
        api.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json")),
        "{:?}",
        api.headers
    );
    let body: Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(body["status_code"], 404);
    assert_eq!(body["code"], "not_found");
    assert!(error.to_string().contains("404"), "{error}");

    let error = client
        .call_recordings(meeting_id)
        .get(Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    let error = client
        .transcript(meeting_id, Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(error.is_not_found());

    // 400 from find-or-create (valid for the client, refused by Attio): `statusCode`, still decoded.
    let mut meeting = new_meeting("unknown-object");
    meeting.linked_records = vec![NewLinkedRecord::new("nope", Uuid::new_v4())];
    let error = client.meetings().find_or_create(meeting).await.unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), 1);
    let api = error.api().unwrap();
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.kind, "invalid_request_error");
    assert_eq!(api.code, "validation_type");
    assert!(
        api.message.contains("data.linked_records[0].object"),
        "{}",
        api.message
    );
    let body: Value = serde_json::from_slice(&api.body).unwrap();
    assert_eq!(body["statusCode"], 400);
    assert!(body.get("status_code").is_none());
    assert_eq!(server.store().meetings().len(), 1);

    // 400 from a list (`status_code`).
    let error = client
        .meetings()
        .list()
        .cursor("not-a-cursor")
        .await
        .unwrap_err();
    assert!(error.is_validation());
    assert_eq!(error.api().unwrap().code, "validation_type");

    // 429 with its Retry-After header, kind and code.
    server
        .faults()
        .script(Operation::GetMeeting, [Some(Fault::RateLimited)]);
    let error = client
        .meetings()
        .get(meeting_id)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert!(error.is_rate_limited());
    assert!(!error.may_have_been_applied());
    let api = error.api().unwrap();
    assert_eq!(
        (api.kind.as_str(), api.code.as_str()),
        ("rate_limit_error", "rate_limit_exceeded")
    );
    assert!(api.headers.contains_key("retry-after"));
    assert!(api.retry_after.is_some());

    // Deleting twice: 204, then 404.
    let recording = client
        .call_recordings(meeting_id)
        .create("https://videos.example.com/d.mp4")
        .await
        .unwrap();
    let id = recording.id.call_recording_id;
    client.call_recordings(meeting_id).delete(id).await.unwrap();
    let error = client
        .call_recordings(meeting_id)
        .delete(id)
        .await
        .unwrap_err();
    assert!(error.is_not_found());
}

// ---- 9. pacing ----

#[tokio::test]
async fn pacing_keeps_under_the_rate_limit() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(25),
            writes: None,
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let id = seed_meeting(&server, "paced");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(RetryPolicy::none()) // a 429 would surface
        .pacing(Pacing::per_second(20, 20, 1))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..30 {
        client.meetings().get(id).await.expect("no 429");
    }
    let elapsed = started.elapsed();
    assert_eq!(server.requests(Operation::GetMeeting), 30);
    // 20/s evenly spaced: 29 gaps of 50 ms after the first request.
    assert!(elapsed >= ms(1400), "30 paced reads took only {elapsed:?}");
}

#[tokio::test]
async fn clones_share_the_pacer() {
    let server = fake().await;
    let id = seed_meeting(&server, "paced-clones");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(fast())
        .pacing(Pacing::per_second(20, 20, 1))
        .build()
        .unwrap();
    let other = client.clone();
    let run = |client: Client| async move {
        for _ in 0..10 {
            client.meetings().get(id).await.unwrap();
        }
    };
    let started = Instant::now();
    futures_util::future::join(run(client), run(other)).await;
    let elapsed = started.elapsed();
    assert_eq!(server.requests(Operation::GetMeeting), 20);
    // One pacer: 19 gaps of 50 ms (two pacers would take about half that).
    assert!(
        elapsed >= ms(900),
        "20 reads on two clones took {elapsed:?}"
    );
}

// ---- 10. the retry budget ----

#[tokio::test]
async fn the_retry_budget_stops_retries_against_a_failing_server() {
    let server = fake().await;
    let id = seed_meeting(&server, "budget");
    let client = client_with(
        &server,
        RetryPolicy::default()
            .max_attempts(10)
            .initial_backoff(ms(1))
            .max_backoff(ms(2)),
    );
    let failing = FaultRule {
        operations: vec![Operation::GetMeeting],
        rate: 1.0,
        faults: vec![Fault::Status(503)],
    };
    server.faults().add_rule(failing.clone());

    let full = client.retry_budget().available();
    assert!(full >= 45, "budget of {full}");
    let mut sent_per_call = Vec::new();
    for _ in 0..(full / 45 + 3) {
        let available = client.retry_budget().available();
        let before = server.requests(Operation::GetMeeting);
        let error = client.meetings().get(id).await.unwrap_err();
        assert_eq!(status(&error), Some(503));
        let sent = server.requests(Operation::GetMeeting) - before;
        // A retry costs 5 tokens: as many retries as the budget allows, at most 9.
        let expected = 1 + u64::from((available / 5).min(9));
        assert_eq!(sent, expected, "with {available} tokens left");
        sent_per_call.push(sent);
    }
    assert_eq!(sent_per_call.first(), Some(&10));
    assert_eq!(sent_per_call.last(), Some(&1), "{sent_per_call:?}");
    assert!(client.retry_budget().available() < 5);

    // Clones share the budget.
    let clone = client.clone();
    let before = server.requests(Operation::GetMeeting);
    clone.meetings().get(id).await.unwrap_err();
    assert_eq!(server.requests(Operation::GetMeeting) - before, 1);

    // A success earns a token back.
    server.faults().reset(1);
    let available = client.retry_budget().available();
    client.meetings().get(id).await.unwrap();
    assert_eq!(client.retry_budget().available(), available + 1);
}
