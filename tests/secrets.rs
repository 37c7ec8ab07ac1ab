//! The API token appears in no `Debug` or `Display` of a client, builder, request or error (with its
//! sources), and in no log line, whatever the failure.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use std::time::Duration;

use attio_meetings::{ApiToken, Client, Error, RetryPolicy};
use attio_meetings_mock::{Endpoint, Fault, Limits, MockServer};
use futures_util::StreamExt;
use uuid::Uuid;

use common::{Capture, client, fast, seed_meeting, status};

const SECRET: &str = "tok-SECRET-123456";

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
    assert_eq!(error.api().unwrap().type_, "auth_error");
    assert_eq!(server.requests(Endpoint::GetMeeting), 1);
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
        server.faults().script(Endpoint::GetMeeting, [Some(fault)]);
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
        Endpoint::GetMeeting,
        [Some(Fault::Status(503)), Some(Fault::Drop), None],
    );
    client.meetings().get(id).await.unwrap();
    // And a stream that fails half-way.
    server
        .faults()
        .script(Endpoint::ListMeetings, [Some(Fault::Status(503))]);
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
