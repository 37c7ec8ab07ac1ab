//! Hostile answers from a raw HTTP/1.1 server (`common::raw`) with error statuses that do not come from
//! Attio, or not as the client usually sees them: HTML from a proxy, an empty 503, a delta-seconds
//! `Retry-After` (short and far beyond `max_elapsed`), a redirect loop, a list that repeats its cursor,
//! and the 5xx statuses the retry loop and `Error::is_retryable` must agree on.
//!
//! Every case answers with a typed error or is waited for as documented, within a bound
//! (`tokio::time::timeout` around each), and the error's `Display` names the status or the problem. Cases
//! use `RetryPolicy::none()` unless they test a retry.

mod common;

use std::time::{Duration, Instant};

use attio_meetings::{Error, RetryPolicy};

use common::ms;
use common::raw::{
    GET_MEETING, MEETING_ID, Raw, assert_cause, assert_mentions, bounded, get_meeting, json_200,
    meeting_id, response,
};

#[tokio::test]
async fn an_html_502_from_a_proxy_is_an_api_error() {
    let case = "text/html 502";
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let raw = Raw::bytes(response(
        "502 Bad Gateway",
        &[("content-type", "text/html"), ("server", "nginx")],
        html.as_bytes(),
    ))
    .await;
    let error = get_meeting(case, &raw).await.unwrap_err();
    let api = error
        .api()
        .unwrap_or_else(|| panic!("{case}: expected Error::Api, got {error:?}"));
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.type_, "", "{case}: not Attio's envelope");
    assert_eq!(api.code, "");
    assert!(
        api.message.contains("502 Bad Gateway") && api.message.contains("nginx"),
        "{case}: {}",
        api.message
    );
    assert_eq!(&api.body[..], html.as_bytes());
    assert_eq!(
        api.headers.get("content-type").unwrap().to_str().unwrap(),
        "text/html"
    );
    assert_eq!(api.retry_after, None);
    assert!(error.is_retryable(), "{case}");
    assert!(!error.is_not_found() && !error.is_rate_limited());
    assert_mentions(case, &error, &["502", "Bad Gateway", "nginx"]);
    assert_eq!(raw.requests(), 1, "{case}: RetryPolicy::none() sends once");

    // An empty 503 says its reason phrase instead.
    let raw = Raw::bytes(response("503 Service Unavailable", &[], b"")).await;
    let error = get_meeting("empty 503", &raw).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_mentions("empty 503", &error, &["503", "Service Unavailable"]);
}

#[tokio::test]
async fn a_429_with_delta_seconds_retry_after_is_waited_for() {
    let envelope = br#"{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Rate limit exceeded, please try again later"}"#;
    let limited = response(
        "429 Too Many Requests",
        &[("content-type", "application/json"), ("retry-after", "1")],
        envelope,
    );
    let raw = Raw::start(move |n, conn| {
        let bytes = if n == 0 {
            limited.clone()
        } else {
            json_200(GET_MEETING.as_bytes())
        };
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
    let case = "429 Retry-After: 1";
    let started = Instant::now();
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    let times = raw.request_times();
    assert_eq!(times.len(), 2, "{case}");
    let gap = times[1] - times[0];
    assert!(gap >= ms(950), "{case}: retried after {gap:?}");
    assert!(elapsed < Duration::from_secs(3), "{case}: took {elapsed:?}");

    // Without retries: the 429 with its Retry-After.
    let raw = Raw::bytes(response(
        "429 Too Many Requests",
        &[("content-type", "application/json"), ("retry-after", "1")],
        envelope,
    ))
    .await;
    let case = "429 not retried";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(error.is_rate_limited() && error.is_retryable(), "{case}");
    assert!(!error.may_have_been_applied());
    let wait = error
        .retry_after()
        .expect("Retry-After read")
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    assert!(
        wait <= Duration::from_secs(1) && wait >= ms(500),
        "{case}: {wait:?}"
    );
    assert_eq!(error.api().unwrap().code, "rate_limit_exceeded");
    assert_mentions(
        case,
        &error,
        &["429", "Rate limit exceeded", "rate_limit_exceeded"],
    );

    // A Retry-After beyond the policy's `max_elapsed` (60 s by default) ends the call at once, with the
    // 429, instead of sleeping for an hour.
    let raw = Raw::bytes(response(
        "429 Too Many Requests",
        &[
            ("content-type", "application/json"),
            ("retry-after", "3600"),
        ],
        envelope,
    ))
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "429 Retry-After: 3600";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{case}: {error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{case}");
    assert_eq!(raw.requests(), 1, "{case}");
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let raw = Raw::bytes(response(
        "302 Found",
        &[("location", &format!("/v2/meetings/{MEETING_ID}"))],
        b"",
    ))
    .await;
    let case = "redirect loop";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. } | Error::Api(_)),
        "{case}: {error:?}"
    );
    assert!(raw.requests() <= 11, "{case}: {} requests", raw.requests());
    assert_mentions(case, &error, &["redirect"]);
    assert_cause(case, &error, &["too many redirects"]);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_stream_with_a_protocol_error() {
    let raw = Raw::bytes(json_200(
        br#"{"data":[],"pagination":{"next_cursor":"same-cursor"}}"#,
    ))
    .await;
    let error = bounded(
        "repeated cursor",
        raw.client().meetings().list().collect_all(),
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&error, Error::Protocol { operation, .. } if *operation == "list_meetings"),
        "{error:?}"
    );
    // Requests were sent: not the caller's input, not worth retrying.
    assert!(!error.is_validation() && !error.is_retryable(), "{error:?}");
    assert_mentions("repeated cursor", &error, &["same-cursor", "list_meetings"]);
    assert_eq!(
        raw.requests(),
        2,
        "the first page, then the repeated cursor once"
    );
}

#[tokio::test]
async fn the_retry_loop_and_is_retryable_agree_on_every_5xx() {
    for status in [500u16, 501, 502, 503, 504, 505, 507, 520, 524] {
        let line = format!("{status} Status");
        let raw = Raw::bytes(response(&line, &[], b"")).await;
        let client = raw.client_with(|b| {
            b.retry(
                RetryPolicy::default()
                    .max_attempts(2)
                    .initial_backoff(ms(1))
                    .max_backoff(ms(2)),
            )
        });
        let error = bounded(&line, client.meetings().get(meeting_id()).send())
            .await
            .unwrap_err();
        let retried = raw.requests() == 2;
        assert_eq!(
            retried,
            error.is_retryable(),
            "{status}: retried {retried}, is_retryable {}",
            error.is_retryable()
        );
        // 501 and 505 say the server will never do it; every other 5xx is transient.
        assert_eq!(retried, !matches!(status, 501 | 505), "{status}");
    }
}
