//! Hostile answers from a raw HTTP/1.1 server (`common::raw`) whose bodies do not decode, or decode only
//! because the client tolerates them: truncated and empty bodies, wrong and missing types, unknown fields
//! and enum values, trailing garbage.
//!
//! Every case answers with a typed error or is tolerated as documented, within a bound
//! (`tokio::time::timeout` around each), and the error's `Display` names the status or the problem. Cases
//! use `RetryPolicy::none()`.

mod common;

use attio_meetings::Error;
use attio_meetings::types::{ActorType, CallRecordingStatus, MeetingTime, ParticipantStatus};
use serde_json::{Value, json};

use common::raw::{
    CALL_RECORDING_ID, GET_CALL_RECORDING, GET_MEETING, Raw, assert_mentions, bounded,
    decode_error, get_meeting, json_200, meeting_body, meeting_id,
};

#[tokio::test]
async fn truncated_json_with_a_matching_content_length_is_a_decode_error() {
    let case = "truncated JSON, whole per Content-Length";
    let full = meeting_body(|_| {});
    let raw = Raw::bytes(json_200(&full[..full.len() / 2])).await;
    let result = get_meeting(case, &raw).await;
    let decode = decode_error(case, result);
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.operation, "get_meeting");
    assert!(decode.message.contains("EOF"), "{case}: {}", decode.message);
    assert!(
        full.starts_with(decode.excerpt.as_bytes()),
        "{case}: the excerpt is the start of the body"
    );
    let error = Error::Decode(Box::new(decode));
    assert!(
        !error.is_retryable(),
        "{case}: the same bytes would come back"
    );
    assert!(error.may_have_been_applied(), "{case}: a 2xx was processed");
    assert_mentions(case, &error, &["200", "get_meeting", "EOF"]);
    assert_eq!(raw.requests(), 1);
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    let case = "empty 200";
    let raw = Raw::bytes(json_200(b"")).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.path, ".");
    assert_eq!(decode.excerpt, "");
    assert!(decode.message.contains("EOF"), "{case}: {}", decode.message);
    let error = Error::Decode(Box::new(decode));
    assert_mentions(case, &error, &["200", "get_meeting", "EOF"]);

    // A 204 where a body is promised: the same.
    let raw = Raw::bytes(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec()).await;
    let decode = decode_error("204 for a get", get_meeting("204 for a get", &raw).await);
    assert_eq!(decode.status.as_u16(), 204);
}

#[tokio::test]
async fn a_wrong_type_is_a_decode_error_naming_its_path() {
    let case = "is_all_day: \"yes\"";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["is_all_day"] = json!("yes");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.is_all_day", "{case}: {decode}");
    assert!(
        decode.message.contains("invalid type") && decode.message.contains("yes"),
        "{case}: {}",
        decode.message
    );
    assert!(
        decode.excerpt.starts_with("{\"data\""),
        "{}",
        decode.excerpt
    );
    let error = Error::Decode(Box::new(decode));
    assert!(!error.is_retryable());
    assert_mentions(case, &error, &["data.is_all_day", "invalid type"]);

    // Deeper: a participant's flag, an id that is not a UUID.
    let case = "participants[0].is_organizer: 1";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["participants"][0]["is_organizer"] = json!(1);
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.participants[0].is_organizer", "{case}");
    let case = "id.meeting_id not a UUID";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["id"]["meeting_id"] = json!("not-a-uuid");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.id.meeting_id", "{case}");
}

#[tokio::test]
async fn null_where_a_value_is_required_is_a_decode_error() {
    let case = "title: null";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["title"] = Value::Null;
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.title", "{case}: {decode}");
    assert!(
        decode.message.contains("null"),
        "{case}: {}",
        decode.message
    );
    assert_mentions(
        case,
        &Error::Decode(Box::new(decode)),
        &["data.title", "null"],
    );

    let case = "title missing";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"].as_object_mut().unwrap().remove("title");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert!(decode.message.contains("title"), "{case}: {decode}");

    let case = "data: null";
    let raw = Raw::bytes(json_200(b"{\"data\": null}")).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data", "{case}: {decode}");
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_tolerated() {
    let case = "unknown fields and values in a meeting";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["extra_top_level"] = json!({"nested": [1, 2, 3]});
        let data = &mut v["data"];
        data["brand_new_field"] = json!("surprise");
        data["start"]["unexpected"] = json!(true);
        data["participants"][0]["status"] = json!("maybe-later");
        data["participants"][0]["avatar"] = json!(null);
        data["created_by_actor"]["type"] = json!("robot");
        data["linked_records"][0]["weight"] = json!(0.5);
    })))
    .await;
    let meeting = get_meeting(case, &raw).await.unwrap();
    assert_eq!(meeting.title, "Onboarding Session");
    assert_eq!(
        meeting.participants[0].status,
        ParticipantStatus::Unknown("maybe-later".into())
    );
    assert_eq!(
        meeting.created_by_actor.type_,
        Some(ActorType::Unknown("robot".into()))
    );
    assert!(matches!(meeting.start, MeetingTime::Timed { .. }));

    let case = "unknown status of a call recording";
    let mut value: Value = serde_json::from_str(GET_CALL_RECORDING).unwrap();
    value["data"]["status"] = json!("archived");
    value["data"]["thumbnail"] = json!({"url": "https://example.com/t.png"});
    let raw = Raw::bytes(json_200(&serde_json::to_vec(&value).unwrap())).await;
    let recording = bounded(
        case,
        raw.client()
            .call_recordings(meeting_id())
            .get(CALL_RECORDING_ID.parse().unwrap())
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(
        recording.status,
        CallRecordingStatus::Unknown("archived".into())
    );
    assert_eq!(recording.status.to_string(), "archived");
}

#[tokio::test]
async fn trailing_garbage_after_the_json_is_a_decode_error() {
    let case = "garbage inside the body";
    let mut body = GET_MEETING.as_bytes().to_vec();
    body.extend_from_slice(b"\n<!-- injected by a proxy -->");
    let raw = Raw::bytes(json_200(&body)).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, ".", "{case}: {decode}");
    assert!(
        decode.message.contains("trailing characters"),
        "{case}: {}",
        decode.message
    );
    assert_mentions(
        case,
        &Error::Decode(Box::new(decode)),
        &["200", "trailing characters"],
    );

    // Trailing whitespace is JSON, and tolerated.
    let mut body = GET_MEETING.as_bytes().to_vec();
    body.extend_from_slice(b"\r\n\r\n   \n");
    let raw = Raw::bytes(json_200(&body)).await;
    get_meeting("trailing whitespace", &raw).await.unwrap();

    // Garbage after the Content-Length bytes is not part of the body: the answer is whole.
    let mut bytes = json_200(GET_MEETING.as_bytes());
    bytes.extend_from_slice(b"GARBAGE AFTER THE RESPONSE\r\n\r\n");
    let raw = Raw::bytes(bytes).await;
    get_meeting("garbage after the response", &raw)
        .await
        .unwrap();
}
