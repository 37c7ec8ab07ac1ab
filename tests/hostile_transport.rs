//! Hostile connections from a raw HTTP/1.1 server (`common::raw`): bodies shorter than their
//! `Content-Length`, bodies that never finish, connections closed at once or after the request, speech
//! that is not HTTP.
//!
//! Every case answers with a typed error within a bound (`tokio::time::timeout` around each), and the
//! error's `Display` names the problem. Cases use `RetryPolicy::none()` unless they test a retry.

mod common;

use std::time::{Duration, Instant};

use attio_meetings::{Error, RetryPolicy, Sent};

use common::ms;
use common::raw::{
    GET_MEETING, Raw, assert_cause, assert_mentions, bounded, get_meeting, json_200, meeting_body,
    meeting_id,
};

/// Causes of a closed connection, as hyper and the OS word them.
const CLOSED: &[&str] = &[
    "connection closed",
    "reset",
    "end of file",
    "broken pipe",
    "canceled",
];

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let case = "connection closed before Content-Length bytes";
    let full = meeting_body(|_| {});
    let mut bytes = json_200(&full);
    bytes.truncate(bytes.len() - full.len() / 2);
    let raw = Raw::bytes(bytes).await;
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.is_retryable(), "{case}");
    assert!(error.may_have_been_applied(), "{case}");
    assert_mentions(
        case,
        &error,
        &["request to Attio failed", "may have been applied"],
    );
    assert_cause(case, &error, &["end of file before message length reached"]);

    // Retried when the policy allows it: the second connection gets the whole body.
    let full2 = full.clone();
    let raw = Raw::start(move |n, conn| {
        let mut bytes = json_200(&full2);
        if n == 0 {
            bytes.truncate(bytes.len() - 10);
        }
        async move { conn.answer(&bytes).await }
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    assert_eq!(raw.requests(), 2);
}

#[tokio::test]
async fn a_body_that_never_finishes_times_out() {
    let timeout = ms(300);
    // Headers and a few bytes, then silence with the connection held open.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"data\": {")
                .await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "body that never finishes";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            error,
            Error::Timeout {
                after,
                sent: Sent::Maybe
            } if after == timeout
        ),
        "{case}: {error:?}"
    );
    assert!(
        elapsed >= timeout && elapsed < Duration::from_secs(3),
        "{case}: returned after {elapsed:?}"
    );
    assert!(error.is_retryable() && error.may_have_been_applied());
    assert_mentions(case, &error, &["timed out", "300ms"]);

    // Chunked, one chunk, then silence.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"da\r\n")
                .await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "chunked body that never finishes";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{case}: {error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");

    // No answer at all: the request is read, nothing is written.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "no answer";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
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
        "{case}: {error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");

    // A timeout is retried (for an idempotent call), each attempt bounded by the timeout.
    let raw = Raw::start(|n, mut conn| async move {
        if n == 0 {
            if conn.head().await.is_some() {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
        } else {
            conn.answer(&json_200(GET_MEETING.as_bytes())).await;
        }
    })
    .await;
    let client = raw.client_with(|b| {
        b.timeout(timeout).retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "timeout then success";
    let started = Instant::now();
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");
    assert_eq!(raw.requests(), 2);
}

#[tokio::test]
async fn a_connection_closed_at_once_is_a_transport_error() {
    // Closed without reading anything.
    let raw = Raw::start(|_, conn| async move { drop(conn) }).await;
    let case = "closed at once";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "{case}: {error:?}"
    );
    assert!(error.is_retryable(), "{case}");
    assert_eq!(error.status(), None);
    assert_mentions(case, &error, &["request to Attio failed"]);
    assert_cause(case, &error, CLOSED);

    // Closed after reading the request, without a byte of answer: it may have been processed.
    let raw = Raw::start(|_, mut conn| async move {
        let _ = conn.head().await;
    })
    .await;
    let case = "closed after the request";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.may_have_been_applied());
    assert_mentions(
        case,
        &error,
        &["request to Attio failed", "may have been applied"],
    );
    assert_cause(case, &error, CLOSED);

    // Not HTTP at all.
    let raw = Raw::bytes(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()).await;
    let case = "not HTTP";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "{case}: {error:?}"
    );
    assert_mentions(case, &error, &["request to Attio failed"]);
    assert_cause(case, &error, &["invalid HTTP"]);

    // A create call recording is not resent after such a close (it may have been applied).
    let raw = Raw::start(|_, mut conn| async move {
        let _ = conn.head().await;
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "create closed after the request";
    let error = bounded(
        case,
        client
            .call_recordings(meeting_id())
            .create("https://videos.example.com/a.mp4")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(error.may_have_been_applied(), "{case}: {error:?}");
    assert_eq!(raw.requests(), 1, "{case}: resent");

    // With retries, a get gets through once the server answers.
    let raw = Raw::start(|n, conn| async move {
        if n < 2 {
            drop(conn);
        } else {
            conn.answer(&json_200(GET_MEETING.as_bytes())).await;
        }
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let meeting = bounded(
        "closed twice, then answered",
        client.meetings().get(meeting_id()).send(),
    )
    .await
    .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
}

/// Transport failures say *what* failed only in their source chain: the `Display` is reqwest's top-level
/// wording ("error sending request", or "error decoding response body" for a body cut short), so a log
/// line of `{error}` does not tell a refused connection from a reset or a protocol error.
#[tokio::test]
async fn transport_errors_name_their_cause_in_display() {
    let full = meeting_body(|_| {});
    let mut cut = json_200(&full);
    cut.truncate(cut.len() - full.len() / 2);
    let cases: [(&str, Raw, &[&str]); 3] = [
        (
            "body cut short",
            Raw::bytes(cut).await,
            &["end of file", "closed"],
        ),
        (
            "closed after the request",
            Raw::start(|_, mut conn| async move {
                let _ = conn.head().await;
            })
            .await,
            CLOSED,
        ),
        (
            "not HTTP",
            Raw::bytes(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()).await,
            &["invalid HTTP"],
        ),
    ];
    for (case, raw, causes) in cases {
        let error = get_meeting(case, &raw).await.unwrap_err();
        let text = error.to_string();
        assert!(
            causes.iter().any(|c| text.contains(c)),
            "{case}: `{text}` names none of {causes:?}"
        );
    }
}
