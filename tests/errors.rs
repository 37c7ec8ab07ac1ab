//! Typed errors of the hand-written client against the fake: status, Attio's envelope (both status-key
//! spellings), headers and body, for 404, 400, 429 and a second delete.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use attio_meetings::types::NewLinkedRecord;
use attio_meetings::{Error, RetryPolicy};
use attio_meetings_mock::{Endpoint, Fault};
use serde_json::Value;
use uuid::Uuid;

use common::raw::{Raw, response};
use common::{client, fake, new_meeting, seed_meeting};

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
    assert_eq!(server.requests(Endpoint::GetMeeting), 1);
    let Error::Api(api) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(api.status.as_u16(), 404);
    assert_eq!(api.type_, "invalid_request_error");
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

    // 400 from create-meeting (valid for the client, refused by Attio): `statusCode`, still decoded.
    let mut meeting = new_meeting("unknown-object");
    meeting.linked_records = vec![NewLinkedRecord::new("nope", Uuid::new_v4())];
    let error = client.meetings().create(meeting).await.unwrap_err();
    assert!(error.is_validation(), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);
    let api = error.api().unwrap();
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.type_, "invalid_request_error");
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
        .script(Endpoint::GetMeeting, [Some(Fault::RateLimited)]);
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
        (api.type_.as_str(), api.code.as_str()),
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

/// What `fn main() -> Result<(), attio_meetings::Error>` prints: the sentence and the facts, no bytes.
#[tokio::test]
async fn debug_reads_like_display_with_the_facts() {
    let scope_message = r#"{"status_code":403,"type":"auth_error","code":"forbidden","message":"The token is missing the scope meeting:read-write."}"#;
    let raw = Raw::bytes(response(
        "403 Forbidden",
        &[
            ("content-type", "application/json"),
            ("x-request-id", "req_7f3a"),
        ],
        scope_message.as_bytes(),
    ))
    .await;
    let error = raw
        .client()
        .meetings()
        .get(Uuid::new_v4())
        .await
        .unwrap_err();
    assert!(error.is_forbidden() && !error.is_unauthorized());
    let api = error.api().unwrap();
    assert_eq!(api.missing_scope(), Some("meeting:read-write"));
    assert_eq!(api.request_id(), Some("req_7f3a"));
    let debug = format!("{error:?}");
    assert_eq!(
        debug,
        "Attio answered 403 Forbidden: The token is missing the scope meeting:read-write. \
         (auth_error/forbidden) [status 403, forbidden (auth_error), missing scope meeting:read-write, \
         request id req_7f3a]"
    );
    // The `ApiError`'s own `Debug` shows the body as text, not as a list of bytes.
    let api_debug = format!("{api:?}");
    assert!(
        api_debug.contains(r#"body: "{\"status_code\":403"#),
        "{api_debug}"
    );
    assert!(
        !api_debug.contains("b\"") && !api_debug.contains("[123,"),
        "{api_debug}"
    );

    // Input refused before sending says so.
    let refused = format!(
        "{:?}",
        client(&fake().await)
            .meetings()
            .list()
            .limit(0)
            .await
            .unwrap_err()
    );
    assert!(
        refused.ends_with("[field limit, nothing sent]"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_wrong_token_is_unauthorized() {
    let server = fake().await;
    let client = attio_meetings::Client::builder()
        .token("not-the-token")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = client.meetings().list().await.unwrap_err();
    assert!(
        error.is_unauthorized() && !error.is_forbidden(),
        "{error:?}"
    );
    assert!(!format!("{error:?}").contains("not-the-token"));
}

#[tokio::test]
async fn a_call_can_have_its_own_timeout() {
    // A server that never answers: the call's own timeout ends the attempt (the error names which one
    // fired), not the client's (5 s here).
    let raw = Raw::start(|_, connection| async move {
        tokio::time::sleep(std::time::Duration::from_secs(60)).await;
        drop(connection);
    })
    .await;
    let error = raw
        .client()
        .meetings()
        .get(Uuid::new_v4())
        .timeout(std::time::Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Timeout { after, .. } if after == std::time::Duration::from_millis(200)),
        "{error:?}"
    );
}
