//! Typed errors of the hand-written client against the fake: status, Attio's envelope (both status-key
//! spellings), headers and body, for 404, 400, 429 and a second delete.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use attio_meetings::types::NewLinkedRecord;
use attio_meetings::{Error, RetryPolicy};
use attio_meetings_mock::{Fault, Operation};
use serde_json::Value;
use uuid::Uuid;

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
    assert_eq!(server.requests(Operation::GetMeeting), 1);
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
    assert_eq!(server.requests(Operation::CreateMeeting), 1);
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
