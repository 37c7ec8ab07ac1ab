//! The hand-written client (`attio_meetings::Client`) against the fake Attio server, over HTTP: retries
//! and their limits, `Retry-After`, what a non-idempotent create does after an ambiguous failure, a delete
//! whose answer was lost, find-or-create under random faults, and the retry budget.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use std::time::{Instant, SystemTime};

use attio_meetings::{Client, Error, RetryPolicy, Sent};
use attio_meetings_mock::{Endpoint, Fault, FaultRule, Limits, MockServer};
use uuid::Uuid;

use common::{
    client, client_with, early_in_a_second, fake, fast, ms, new_meeting, next_second, seed_meeting,
    status,
};

// ---- retries stop at the cap ----

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let server = fake().await;
    let id = seed_meeting(&server, "cap");
    let client = client_with(&server, fast().max_attempts(3));

    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::Status(503)); 5]);
    let error = client.meetings().get(id).await.unwrap_err();
    assert_eq!(server.requests(Endpoint::GetMeeting), 3, "{error}");
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
    assert_eq!(server.requests(Endpoint::GetMeeting), 3);

    // RetryPolicy::none() on one call: sent once, while the client keeps retrying other calls.
    server.reset_requests();
    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::Status(503))]);
    let error = client
        .meetings()
        .get(id)
        .retry(RetryPolicy::none())
        .await
        .unwrap_err();
    assert_eq!(status(&error), Some(503));
    assert_eq!(server.requests(Endpoint::GetMeeting), 1);

    server.reset_requests();
    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::Status(502)), None]);
    client.meetings().get(id).await.unwrap();
    assert_eq!(server.requests(Endpoint::GetMeeting), 2);
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
        Endpoint::GetMeeting,
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
    assert_eq!(server.requests(Endpoint::GetMeeting), 5);
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
    assert_eq!(server.requests(Endpoint::GetMeeting), 1, "{error}");
    assert!(!error.is_retryable());

    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::Truncate)]);
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

// ---- Retry-After ----

#[tokio::test]
async fn a_retry_waits_for_the_http_date_retry_after() {
    let server = fake().await;
    let id = seed_meeting(&server, "retry-after");
    let client = client(&server);
    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::RateLimited)]);

    early_in_a_second().await;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let allowed_at = next_second(started_at);
    let meeting = client.meetings().get(id).await.unwrap();
    let finished_at = SystemTime::now();
    let elapsed = started.elapsed();

    assert_eq!(meeting.id.meeting_id, id);
    assert_eq!(server.requests(Endpoint::GetMeeting), 2);
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
        .script(Endpoint::GetMeeting, [Some(Fault::RateLimited)]);

    early_in_a_second().await;
    let started_at = SystemTime::now();
    let started = Instant::now();
    let error = client.meetings().get(id).await.unwrap_err();
    let elapsed = started.elapsed();

    assert!(error.is_rate_limited(), "{error:?}");
    assert_eq!(server.requests(Endpoint::GetMeeting), 1);
    let retry_after = error.retry_after().expect("Retry-After is read");
    assert_eq!(retry_after, next_second(started_at));
    assert!(
        elapsed < ms(400),
        "took {elapsed:?}: it waited for a Retry-After beyond max_elapsed"
    );
}

// ---- a non-idempotent create is never sent twice after an ambiguous failure ----

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
            .script(Endpoint::CreateCallRecording, [Some(fault)]);
        let error = client
            .call_recordings(meeting_id)
            .create("https://videos.example.com/call.mp4")
            .await
            .unwrap_err();
        assert_eq!(
            server.requests(Endpoint::CreateCallRecording),
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
        Endpoint::CreateCallRecording,
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
    assert_eq!(server.requests(Endpoint::CreateCallRecording), 1);
    assert!(server.store().call_recordings().len() <= 1);
}

#[tokio::test]
async fn create_call_recording_is_retried_after_a_429() {
    let server = fake().await;
    let meeting_id = seed_meeting(&server, "create-429");
    let client = client(&server);
    server
        .faults()
        .script(Endpoint::CreateCallRecording, [Some(Fault::RateLimited)]);
    let recording = client
        .call_recordings(meeting_id)
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap();
    assert_eq!(recording.id.meeting_id, meeting_id);
    assert_eq!(server.requests(Endpoint::CreateCallRecording), 2);
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
        Endpoint::DeleteCallRecording,
        [Some(Fault::DropAfterProcessing)],
    );
    client
        .call_recordings(meeting_id)
        .delete(recording_id)
        .await
        .unwrap();
    assert_eq!(server.requests(Endpoint::DeleteCallRecording), 2);
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

// ---- create is never repeated after an ambiguous failure; ensure makes one meeting ----

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_not_sent_again() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .start()
        .await
        .unwrap();
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::CreateMeeting],
        rate: 1.0,
        faults: vec![Fault::DropAfterProcessing],
    });
    let client = client_with(&server, fast().max_attempts(10));
    let error = client
        .meetings()
        .create(new_meeting("lost"))
        .await
        .unwrap_err();
    assert!(error.may_have_been_applied(), "{error:?}");
    // Attio creates on every call: a second copy would be a second meeting.
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn ensure_under_random_faults_makes_one_meeting() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .seed(0x5EED_0004)
        .start()
        .await
        .unwrap();
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::CreateMeeting, Endpoint::ListMeetings],
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
    let mut ids = Vec::new();
    for _ in 0..16 {
        let ensured = client
            .meetings()
            .ensure(new_meeting("shared"))
            .reconcile(fast().max_attempts(10))
            .await
            .expect("every ensure succeeds");
        ids.push(ensured.meeting().expect("found or created").id.meeting_id);
    }
    // A batch of the same meeting, too: one key, one meeting.
    let batch = client
        .meetings()
        .ensure_all(vec![new_meeting("shared"); 16])
        .reconcile(fast().max_attempts(10))
        .run()
        .await
        .expect("the listings succeed");
    for ensured in batch {
        ids.push(
            ensured
                .expect("ensured")
                .meeting()
                .expect("found")
                .id
                .meeting_id,
        );
    }
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"]["meeting_id"], ids[0].to_string());
    let sent = server.requests(Endpoint::CreateMeeting) + server.requests(Endpoint::ListMeetings);
    assert!(
        (18..=400).contains(&sent),
        "{sent} requests: the faults were not exercised"
    );
}

// ---- the retry budget ----

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
        operations: vec![Endpoint::GetMeeting],
        rate: 1.0,
        faults: vec![Fault::Status(503)],
    };
    server.faults().add_rule(failing.clone());

    let full = client.retry_budget().available();
    assert!(full >= 45, "budget of {full}");
    let mut sent_per_call = Vec::new();
    for _ in 0..(full / 45 + 3) {
        let available = client.retry_budget().available();
        let before = server.requests(Endpoint::GetMeeting);
        let error = client.meetings().get(id).await.unwrap_err();
        assert_eq!(status(&error), Some(503));
        let sent = server.requests(Endpoint::GetMeeting) - before;
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
    let before = server.requests(Endpoint::GetMeeting);
    clone.meetings().get(id).await.unwrap_err();
    assert_eq!(server.requests(Endpoint::GetMeeting) - before, 1);

    // A success earns a token back.
    server.faults().reset(1);
    let available = client.retry_budget().available();
    client.meetings().get(id).await.unwrap();
    assert_eq!(client.retry_budget().available(), available + 1);
}
