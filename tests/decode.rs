//! Response bodies decode into the generated types.
//!
//! The fixtures in `tests/fixtures/` are Attio response bodies written for these tests from the facts of
//! Attio's API reference (example ids, values and shapes), with a few deliberate variations: offsets other
//! than `Z`, nanosecond timestamps, nulls where Attio allows them, values of enums this crate does not know
//! yet, and fields it does not know at several levels.

use attio_meetings::types::{
    Actor, ActorType, AttioError, CallRecordingDetailsResponse, CallRecordingPage,
    CallRecordingStatus, LinkedRecord, Meeting, MeetingPage, MeetingResponse, MeetingTime,
    Participant, ParticipantStatus, TranscriptPage,
};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Timelike, Utc};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use uuid::Uuid;

const LIST_MEETINGS_PAGE: &str = include_str!("fixtures/list_meetings_page.json");
const LIST_MEETINGS_LAST_PAGE: &str = include_str!("fixtures/list_meetings_last_page.json");
const GET_MEETING: &str = include_str!("fixtures/get_meeting.json");
const GET_CALL_RECORDING: &str = include_str!("fixtures/get_call_recording.json");
const LIST_CALL_RECORDINGS: &str = include_str!("fixtures/list_call_recordings.json");
const GET_TRANSCRIPT: &str = include_str!("fixtures/get_transcript.json");
const ERROR_400_CREATE_MEETING: &str = include_str!("fixtures/error_400_create_meeting.json");
const ERROR_403_BILLING: &str = include_str!("fixtures/error_403_billing.json");
const ERROR_404_MEETING: &str = include_str!("fixtures/error_404_meeting.json");
const ERROR_429_RATE_LIMIT: &str = include_str!("fixtures/error_429_rate_limit.json");

const WORKSPACE_ID: &str = "14beef7a-99f7-4534-a87e-70b564330a4c";
const MEETING_ID: &str = "cb59ab17-ad15-460c-a126-0715617c0853";
const CALL_RECORDING_ID: &str = "e8f2a3b7-9b4d-4c5e-8a1f-3d7b2c5e8f9a";

fn decode<T: DeserializeOwned>(name: &str, body: &str) -> T {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{name} does not decode: {e}"))
}

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s).unwrap()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The `datetime` and `timezone` of a timed start or end; panics on an all-day one.
fn timed(time: &MeetingTime) -> (DateTime<FixedOffset>, Option<&str>) {
    match time {
        MeetingTime::Timed { datetime, timezone } => (*datetime, timezone.as_deref()),
        MeetingTime::AllDay { date } => {
            panic!("expected a timed meeting time, got the all-day date {date}")
        }
    }
}

/// Decoding the JSON `body` with one change applied must fail; returns the error message.
fn decode_error_after<T: DeserializeOwned + std::fmt::Debug>(
    body: &str,
    change: impl FnOnce(&mut Value),
) -> String {
    let mut value: Value = serde_json::from_str(body).unwrap();
    change(&mut value);
    let text = serde_json::to_string_pretty(&value).unwrap();
    let result = serde_json::from_str::<T>(&text);
    assert!(result.is_err(), "expected a decoding error, got {result:?}");
    result.unwrap_err().to_string()
}

// ---------------------------------------------------------------------------------------------------------
// GET /v2/meetings
// ---------------------------------------------------------------------------------------------------------

#[test]
fn list_meetings_page_decodes() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    assert_eq!(page.data.len(), 3);
    assert_eq!(
        page.pagination.next_cursor.as_deref(),
        Some("eyJkZXNjcmlwdGlvbiI6ICJ0aGlzIGlzIGEgY3Vyc29yIn0=.eM56CGbqZ6G1NHiJchTIkH4vKDr")
    );

    let onboarding = &page.data[0];
    assert_eq!(onboarding.id.workspace_id, uuid(WORKSPACE_ID));
    assert_eq!(onboarding.id.meeting_id, uuid(MEETING_ID));
    assert_eq!(onboarding.title, "Onboarding Session");
    assert_eq!(
        onboarding.description,
        "Getting you up to speed with the platform and answering any questions you have."
    );
    assert!(!onboarding.is_all_day);
}

#[test]
fn timed_meeting_keeps_the_offset_attio_sends() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let onboarding = &page.data[0];

    let (start, start_tz) = timed(&onboarding.start);
    assert_eq!(
        start.offset().local_minus_utc(),
        -5 * 3600,
        "the -05:00 offset must be kept"
    );
    assert_eq!(start.hour(), 14, "local wall-clock time");
    assert_eq!(start, utc(2027, 11, 27, 19, 0, 0), "the instant");
    assert_eq!(start_tz, Some("America/New_York"));

    let (end, end_tz) = timed(&onboarding.end);
    assert_eq!(end.offset().local_minus_utc(), -5 * 3600);
    assert_eq!(end, utc(2027, 11, 27, 20, 0, 0));
    assert_eq!(
        end - start,
        chrono::Duration::hours(1),
        "the end is exclusive: a one-hour meeting"
    );
    assert_eq!(end_tz, Some("America/New_York"));

    // Re-serialising keeps the offset too (chrono drops the `.000` milliseconds, which is the same instant).
    let value = serde_json::to_value(&onboarding.start).unwrap();
    assert_eq!(
        value,
        json!({"datetime": "2027-11-27T14:00:00-05:00", "timezone": "America/New_York"})
    );
}

#[test]
fn created_at_keeps_nanoseconds() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let created_at = page.data[0].created_at;
    assert_eq!(created_at.nanosecond(), 123_456_789);
    assert_eq!(created_at.offset().local_minus_utc(), 0);
    assert_eq!(
        created_at.with_nanosecond(0).unwrap(),
        utc(2023, 1, 1, 15, 0, 0)
    );

    assert_eq!(page.data[2].created_at.nanosecond(), 500_000_000);
    let last: MeetingPage = decode("list_meetings_last_page.json", LIST_MEETINGS_LAST_PAGE);
    assert_eq!(
        last.data[0].created_at.nanosecond(),
        1,
        "the last of nine fractional digits counts"
    );
}

#[test]
fn all_day_meeting_decodes_to_dates() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let offsite = &page.data[1];
    assert!(offsite.is_all_day);
    assert_eq!(offsite.title, "Company offsite");
    assert_eq!(
        offsite.description, "",
        "an empty description is a value, not a missing one"
    );
    assert_eq!(
        offsite.start,
        MeetingTime::AllDay {
            date: date(2027, 11, 27)
        }
    );
    assert_eq!(
        offsite.end,
        MeetingTime::AllDay {
            date: date(2027, 11, 28)
        },
        "exclusive end: the next day"
    );
    match &offsite.start {
        MeetingTime::AllDay { date } => {
            let date: NaiveDate = *date;
            assert_eq!(date.to_string(), "2027-11-27");
        }
        other => panic!("expected an all-day start, got {other:?}"),
    }
    assert!(offsite.linked_records.is_empty());

    // And it encodes back to the date form, without a `datetime` or `timezone` key.
    assert_eq!(
        serde_json::to_value(&offsite.end).unwrap(),
        json!({"date": "2027-11-28"})
    );
}

#[test]
fn null_timezone_decodes_to_none() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let review = &page.data[2];
    let (start, start_tz) = timed(&review.start);
    assert_eq!(start_tz, None);
    assert_eq!(start.offset().local_minus_utc(), 0);
    assert_eq!(start, utc(2027, 12, 1, 9, 0, 0));
    let (end, end_tz) = timed(&review.end);
    assert_eq!(end_tz, None);
    assert_eq!(end - start, chrono::Duration::minutes(45));
    assert!(review.participants.is_empty());
}

#[test]
fn participants_decode_including_a_null_email() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let participants = &page.data[0].participants;
    assert_eq!(
        participants,
        &vec![
            Participant {
                email_address: Some("person@company.com".to_owned()),
                name: None,
                is_organizer: true,
                status: ParticipantStatus::Accepted,
            },
            Participant {
                email_address: Some("alex.bell@example.com".to_owned()),
                name: None,
                is_organizer: false,
                status: ParticipantStatus::Tentative,
            },
            // Created with a name only (2026-07): no email address.
            Participant {
                email_address: None,
                name: Some("Front desk".to_owned()),
                is_organizer: false,
                status: ParticipantStatus::Pending
            },
        ]
    );
    assert_eq!(
        page.data[1].participants[0].status,
        ParticipantStatus::Declined
    );

    // `email_address` is required-but-nullable: leaving the key out is an error, unlike `null`.
    let message = decode_error_after::<MeetingPage>(LIST_MEETINGS_PAGE, |v| {
        v["data"][0]["participants"][2]
            .as_object_mut()
            .unwrap()
            .remove("email_address");
    });
    assert!(
        message.contains("missing field `email_address`"),
        "{message}"
    );
}

#[test]
fn linked_records_decode() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    assert_eq!(
        page.data[0].linked_records,
        vec![
            LinkedRecord {
                object_slug: "people".to_owned(),
                object_id: uuid("891dcbfc-9141-415d-9b2a-2238a6cc012d"),
                record_id: uuid("090a5859-1717-49de-83ab-ae049a05cc8e"),
            },
            LinkedRecord {
                object_slug: "companies".to_owned(),
                object_id: uuid("65badde4-b2bb-493b-bef5-6495dbb2e63f"),
                record_id: uuid("9a57d492-7a9b-4d63-8abb-ac0ecddbbd7b"),
            },
        ]
    );
}

#[test]
fn created_by_actor_decodes_known_and_null_values() {
    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    assert_eq!(
        page.data[0].created_by_actor,
        Actor {
            id: Some("50cf242c-7fa3-4cad-87d0-75b1af71c57b".to_owned()),
            type_: Some(ActorType::WorkspaceMember)
        }
    );
    assert_eq!(
        page.data[1].created_by_actor,
        Actor {
            id: None,
            type_: None
        },
        "both keys are null"
    );
    assert_eq!(
        page.data[2].created_by_actor.type_,
        Some(ActorType::ApiToken)
    );
}

#[test]
fn last_page_has_a_null_next_cursor() {
    let page: MeetingPage = decode("list_meetings_last_page.json", LIST_MEETINGS_LAST_PAGE);
    assert_eq!(page.pagination.next_cursor, None);
    assert_eq!(page.data.len(), 1);
    let (start, tz) = timed(&page.data[0].start);
    assert_eq!(
        start.offset().local_minus_utc(),
        3600,
        "+01:00 (British Summer Time) is kept"
    );
    assert_eq!(tz, Some("Europe/London"));

    // `next_cursor` is required-but-nullable: a pagination object without it is an error.
    let message = decode_error_after::<MeetingPage>(LIST_MEETINGS_LAST_PAGE, |v| {
        v["pagination"]
            .as_object_mut()
            .unwrap()
            .remove("next_cursor");
    });
    assert!(message.contains("missing field `next_cursor`"), "{message}");
}

#[test]
fn an_empty_page_decodes() {
    let page: MeetingPage = decode(
        "empty page",
        r#"{"data": [], "pagination": {"next_cursor": null}}"#,
    );
    assert!(page.data.is_empty());
    assert_eq!(page.pagination.next_cursor, None);
}

// ---------------------------------------------------------------------------------------------------------
// GET /v2/meetings/{meeting_id}
// ---------------------------------------------------------------------------------------------------------

#[test]
fn get_meeting_decodes() {
    let response: MeetingResponse = decode("get_meeting.json", GET_MEETING);
    let meeting: Meeting = response.data;
    assert_eq!(meeting.id.meeting_id, uuid(MEETING_ID));
    assert_eq!(meeting.title, "Onboarding Session");
    assert_eq!(meeting.participants.len(), 1);
    assert!(meeting.participants[0].is_organizer);
    assert_eq!(meeting.linked_records[0].object_slug, "people");
    assert_eq!(
        meeting.linked_records[0].object_id,
        meeting.linked_records[0].record_id
    );
    assert_eq!(meeting.created_at, utc(2023, 1, 1, 15, 0, 0));
    assert_eq!(meeting.created_at.nanosecond(), 0);
}

// ---------------------------------------------------------------------------------------------------------
// Open enums: values this crate does not know decode to `Unknown` and re-encode unchanged
// ---------------------------------------------------------------------------------------------------------

#[test]
fn unknown_participant_status_and_actor_type_decode_to_unknown() {
    let page: MeetingPage = decode("list_meetings_last_page.json", LIST_MEETINGS_LAST_PAGE);
    let meeting = &page.data[0];

    let maybe = &meeting.participants[0].status;
    assert_eq!(maybe, &ParticipantStatus::Unknown("maybe".to_owned()));
    assert_eq!(maybe.as_str(), "maybe");
    assert_eq!(maybe.to_string(), "maybe");
    assert_eq!(
        meeting.participants[1].status,
        ParticipantStatus::Accepted,
        "a known value beside it"
    );

    let bot = meeting.created_by_actor.type_.as_ref().unwrap();
    assert_eq!(bot, &ActorType::Unknown("bot".to_owned()));
    assert_eq!(bot.as_str(), "bot");

    // Re-encoding writes the same strings back.
    let value = serde_json::to_value(meeting).unwrap();
    assert_eq!(value["participants"][0]["status"], json!("maybe"));
    assert_eq!(value["participants"][1]["status"], json!("accepted"));
    assert_eq!(value["created_by_actor"]["type"], json!("bot"));
}

#[test]
fn open_enums_round_trip_every_value() {
    for (wire, expected) in [
        ("accepted", ParticipantStatus::Accepted),
        ("tentative", ParticipantStatus::Tentative),
        ("declined", ParticipantStatus::Declined),
        ("pending", ParticipantStatus::Pending),
        ("maybe", ParticipantStatus::Unknown("maybe".to_owned())),
        // Matching is exact: a different case is a different (unknown) value, kept as sent.
        (
            "Accepted",
            ParticipantStatus::Unknown("Accepted".to_owned()),
        ),
    ] {
        let decoded: ParticipantStatus = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(decoded, expected, "{wire}");
        assert_eq!(
            ParticipantStatus::from(wire),
            expected,
            "From<&str> for {wire}"
        );
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            json!(wire),
            "{wire} re-encodes unchanged"
        );
    }
    for (wire, expected) in [
        ("api-token", ActorType::ApiToken),
        ("workspace-member", ActorType::WorkspaceMember),
        ("system", ActorType::System),
        ("app", ActorType::App),
        ("bot", ActorType::Unknown("bot".to_owned())),
    ] {
        let decoded: ActorType = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(decoded, expected, "{wire}");
        assert_eq!(decoded.as_str(), wire);
        assert_eq!(serde_json::to_value(&decoded).unwrap(), json!(wire));
    }
    for (wire, expected) in [
        ("processing", CallRecordingStatus::Processing),
        ("completed", CallRecordingStatus::Completed),
        ("failed", CallRecordingStatus::Failed),
        (
            "archived",
            CallRecordingStatus::Unknown("archived".to_owned()),
        ),
    ] {
        let decoded: CallRecordingStatus = serde_json::from_value(json!(wire)).unwrap();
        assert_eq!(decoded, expected, "{wire}");
        assert_eq!(decoded.as_str(), wire);
        assert_eq!(serde_json::to_value(&decoded).unwrap(), json!(wire));
    }
}

#[test]
fn an_open_enum_still_rejects_a_non_string() {
    let error = serde_json::from_value::<ParticipantStatus>(json!(3))
        .unwrap_err()
        .to_string();
    assert!(error.contains("invalid type: integer `3`"), "{error}");
}

// ---------------------------------------------------------------------------------------------------------
// Fields this crate does not know are ignored
// ---------------------------------------------------------------------------------------------------------

#[test]
fn unknown_fields_are_ignored_at_every_level() {
    // The fixture carries extra fields at the top level (`meta`), in `pagination` (`has_more`), in a meeting
    // (`conferencing`), in a participant (`display_name`), in a linked record (`linked_via`) and in a timed
    // `end` (`utc_offset_minutes`, inside the untagged `MeetingTime`).
    let raw: Value = serde_json::from_str(LIST_MEETINGS_PAGE).unwrap();
    assert!(raw["meta"].is_object() && raw["pagination"]["has_more"].is_boolean());
    assert!(raw["data"][0]["conferencing"].is_object());
    assert!(raw["data"][0]["participants"][1]["display_name"].is_string());
    assert!(raw["data"][0]["linked_records"][1]["linked_via"].is_string());
    assert!(raw["data"][2]["end"]["utc_offset_minutes"].is_number());

    let page: MeetingPage = decode("list_meetings_page.json", LIST_MEETINGS_PAGE);
    let (end, tz) = timed(&page.data[2].end);
    assert_eq!((end, tz), (utc(2027, 12, 1, 9, 45, 0).fixed_offset(), None));

    // Re-encoding writes only the fields the crate knows.
    let value = serde_json::to_value(&page).unwrap();
    assert!(value.get("meta").is_none());
    assert!(value["pagination"].get("has_more").is_none());
    assert!(value["data"][0].get("conferencing").is_none());
    assert!(
        value["data"][0]["participants"][1]
            .get("display_name")
            .is_none()
    );

    // Extra fields in call recordings and transcript segments too.
    let recording: CallRecordingDetailsResponse =
        decode("get_call_recording.json", GET_CALL_RECORDING);
    assert_eq!(recording.data.status, CallRecordingStatus::Completed);
    let transcript: TranscriptPage = decode("get_transcript.json", GET_TRANSCRIPT);
    assert_eq!(transcript.data.transcript[9].speaker.name, "Tom Watson");
}

// ---------------------------------------------------------------------------------------------------------
// Call recordings and transcripts
// ---------------------------------------------------------------------------------------------------------

#[test]
fn get_call_recording_decodes() {
    let response: CallRecordingDetailsResponse =
        decode("get_call_recording.json", GET_CALL_RECORDING);
    let recording = response.data;
    assert_eq!(recording.id.workspace_id, uuid(WORKSPACE_ID));
    assert_eq!(recording.id.meeting_id, uuid(MEETING_ID));
    assert_eq!(recording.id.call_recording_id, uuid(CALL_RECORDING_ID));
    assert_eq!(recording.status, CallRecordingStatus::Completed);
    assert_eq!(
        recording.web_url,
        format!("https://app.attio.com/salarya/calls/{MEETING_ID}/{CALL_RECORDING_ID}")
    );
    assert_eq!(
        recording.created_by_actor,
        Actor {
            id: Some("50cf242c-7fa3-4cad-87d0-75b1af71c57b".to_owned()),
            type_: Some(ActorType::WorkspaceMember)
        }
    );
    assert_eq!(recording.created_at, utc(2023, 1, 1, 15, 0, 0));
    assert_eq!(recording.video_url, None);
    let transcript = recording
        .transcript
        .expect("the recording carries its transcript");
    let said: Vec<_> = transcript
        .segments
        .iter()
        .map(|s| {
            (
                s.speaker.name.as_str(),
                s.start_time,
                s.end_time,
                s.speech.as_str(),
            )
        })
        .collect();
    assert_eq!(
        said,
        [
            ("Alex Bell", 0.5, 2.25, "Thanks for joining, everyone."),
            ("Tom Watson", 2.25, 3.8, "Happy to be here."),
        ]
    );
    assert!(
        transcript
            .raw_transcript
            .starts_with("[00:00] Alex Bell: Thanks")
    );
}

#[test]
fn a_recording_without_transcript_or_video_keys_still_decodes() {
    // Servers from before 2026-08 answered the summary form; `null` and a missing key both read as None.
    for strip in [true, false] {
        let mut value: serde_json::Value = serde_json::from_str(GET_CALL_RECORDING).unwrap();
        let data = value["data"].as_object_mut().unwrap();
        if strip {
            data.remove("transcript");
            data.remove("video_url");
        } else {
            data.insert("transcript".into(), json!(null));
        }
        let response: CallRecordingDetailsResponse = serde_json::from_value(value).unwrap();
        assert_eq!(response.data.transcript, None);
    }
}

#[test]
fn list_call_recordings_page_decodes() {
    let page: CallRecordingPage = decode("list_call_recordings.json", LIST_CALL_RECORDINGS);
    assert_eq!(page.data.len(), 3);
    assert!(page.pagination.next_cursor.is_some());

    let statuses: Vec<&str> = page.data.iter().map(|r| r.status.as_str()).collect();
    assert_eq!(statuses, ["processing", "failed", "archived"]);
    assert_eq!(page.data[0].status, CallRecordingStatus::Processing);
    assert_eq!(page.data[1].status, CallRecordingStatus::Failed);
    assert_eq!(
        page.data[2].status,
        CallRecordingStatus::Unknown("archived".to_owned())
    );
    assert_eq!(
        serde_json::to_value(&page.data[2]).unwrap()["status"],
        json!("archived")
    );

    assert_eq!(
        page.data[0].created_by_actor.type_,
        Some(ActorType::ApiToken)
    );
    assert_eq!(
        page.data[1].created_by_actor,
        Actor {
            id: None,
            type_: Some(ActorType::System)
        }
    );
    assert_eq!(page.data[2].created_by_actor.type_, Some(ActorType::App));

    let failed_at = page.data[1].created_at;
    assert_eq!(failed_at.offset().local_minus_utc(), 2 * 3600);
    assert_eq!(failed_at.nanosecond(), 987_654_321);
    assert_eq!(
        failed_at.with_nanosecond(0).unwrap(),
        utc(2023, 1, 2, 8, 20, 30)
    );

    for recording in &page.data {
        assert_eq!(recording.id.meeting_id, uuid(MEETING_ID));
        assert!(
            recording
                .web_url
                .ends_with(&recording.id.call_recording_id.to_string())
        );
    }
}

#[test]
fn transcript_page_decodes() {
    let page: TranscriptPage = decode("get_transcript.json", GET_TRANSCRIPT);
    assert_eq!(
        page.pagination.next_cursor.as_deref(),
        Some("eyJvZmZzZXQiOiAxMX0=.q9Xv3bT0rkX2LmF8uW1pYc")
    );

    let transcript = page.data;
    assert_eq!(transcript.id.call_recording_id, uuid(CALL_RECORDING_ID));
    assert_eq!(transcript.id.meeting_id, uuid(MEETING_ID));
    assert_eq!(transcript.id.workspace_id, uuid(WORKSPACE_ID));
    assert_eq!(
        transcript.web_url,
        format!("https://app.attio.com/salarya/calls/{MEETING_ID}/{CALL_RECORDING_ID}/transcript")
    );
    assert_eq!(
        transcript.raw_transcript,
        "[00:00] Alex Bell: Mr Watson, come here. I want to see you.\n[00:05] Tom Watson: I'm here."
    );

    let segments = &transcript.transcript;
    assert_eq!(segments.len(), 11);
    let first = &segments[0];
    assert_eq!(first.speech, "Hello,");
    assert_eq!(first.speaker.name, "Alex Bell");
    assert_eq!(first.start_time, 0.51);
    assert_eq!(first.end_time, 0.81);
    // An integer JSON number decodes into the f64 too.
    assert_eq!(segments[10].end_time, 5.0);

    let words: Vec<&str> = segments.iter().map(|s| s.speech.as_str()).collect();
    assert_eq!(
        words.join(" "),
        "Hello, Mr Watson, come here. I want to see you. I'm here."
    );
    assert!(
        segments
            .windows(2)
            .all(|w| w[0].start_time <= w[1].start_time),
        "segments are in order"
    );
    assert!(segments.iter().all(|s| s.start_time < s.end_time));
    let speakers: Vec<&str> = segments.iter().map(|s| s.speaker.name.as_str()).collect();
    assert_eq!(speakers.iter().filter(|n| **n == "Tom Watson").count(), 2);
}

// ---------------------------------------------------------------------------------------------------------
// The error envelope
// ---------------------------------------------------------------------------------------------------------

#[test]
fn error_envelope_decodes_with_status_code() {
    let error: AttioError = decode("error_404_meeting.json", ERROR_404_MEETING);
    assert_eq!(
        error,
        AttioError {
            status_code: 404,
            type_: "invalid_request_error".to_owned(),
            code: "not_found".to_owned(),
            message: format!("Meeting with ID \"{MEETING_ID}\" was not found."),
        }
    );
    let forbidden: AttioError = decode("error_403_billing.json", ERROR_403_BILLING);
    assert_eq!(
        (forbidden.status_code, forbidden.type_.as_str()),
        (403, "auth_error")
    );
    assert_eq!(forbidden.code, "billing_error");
}

#[test]
fn error_envelope_decodes_with_camel_case_status_code() {
    // The 400 of POST /v2/meetings spells the key `statusCode`.
    let error: AttioError = decode("error_400_create_meeting.json", ERROR_400_CREATE_MEETING);
    assert_eq!(error.status_code, 400);
    assert_eq!(error.type_, "invalid_request_error");
    assert_eq!(error.code, "validation_type");
    assert_eq!(error.message, "No participants were provided.");

    // It is re-encoded with the usual spelling.
    let value = serde_json::to_value(&error).unwrap();
    assert_eq!(value["status_code"], json!(400));
    assert!(value.get("statusCode").is_none());
}

#[test]
fn error_envelope_decodes_a_rate_limit_body() {
    let error: AttioError = decode("error_429_rate_limit.json", ERROR_429_RATE_LIMIT);
    assert_eq!(error.status_code, 429);
    assert_eq!(error.type_, "rate_limit_error");
    assert_eq!(error.code, "rate_limit_exceeded");
    assert!(!error.message.is_empty());
}

#[test]
fn error_envelope_needs_a_status_code_under_one_of_its_names() {
    let message = decode_error_after::<AttioError>(ERROR_404_MEETING, |v| {
        v.as_object_mut().unwrap().remove("status_code");
    });
    assert!(message.contains("missing field `status_code`"), "{message}");
}

// ---------------------------------------------------------------------------------------------------------
// Bodies that must not decode
// ---------------------------------------------------------------------------------------------------------

#[test]
fn a_wrong_type_fails_and_names_it() {
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["is_all_day"] = json!("yes")
    });
    assert!(
        message.contains("invalid type: string \"yes\", expected a boolean"),
        "{message}"
    );

    let message = decode_error_after::<TranscriptPage>(GET_TRANSCRIPT, |v| {
        v["data"]["transcript"][0]["start_time"] = json!("0.51");
    });
    assert!(
        message.contains("invalid type: string \"0.51\", expected f64"),
        "{message}"
    );
}

#[test]
fn a_missing_required_field_fails_and_names_it() {
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"].as_object_mut().unwrap().remove("title");
    });
    assert!(message.contains("missing field `title`"), "{message}");

    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"].as_object_mut().unwrap().remove("linked_records");
    });
    assert!(
        message.contains("missing field `linked_records`"),
        "{message}"
    );

    let message = decode_error_after::<CallRecordingDetailsResponse>(GET_CALL_RECORDING, |v| {
        v["data"]["id"]
            .as_object_mut()
            .unwrap()
            .remove("call_recording_id");
    });
    assert!(
        message.contains("missing field `call_recording_id`"),
        "{message}"
    );
}

#[test]
fn an_invalid_uuid_fails_and_names_it() {
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["id"]["meeting_id"] = json!("cb59ab17-ad15-460c-a126-0715617c085");
    });
    assert!(message.contains("UUID"), "{message}");
    assert!(message.contains("invalid"), "{message}");

    let message = decode_error_after::<CallRecordingDetailsResponse>(GET_CALL_RECORDING, |v| {
        v["data"]["id"]["workspace_id"] = json!("not-a-uuid");
    });
    assert!(message.contains("UUID"), "{message}");
}

#[test]
fn an_invalid_timestamp_fails() {
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["created_at"] = json!("2023-01-01 at 3pm");
    });
    assert!(
        message.contains("input contains invalid characters") || message.contains("premature end"),
        "{message}"
    );

    // A timestamp without an offset is not an instant.
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["created_at"] = json!("2023-01-01T15:00:00");
    });
    assert!(message.contains("premature end of input"), "{message}");
}

#[test]
fn an_invalid_meeting_time_fails_without_naming_the_field() {
    // `MeetingTime` is an untagged enum: serde tries both forms and, when neither fits, reports only that
    // no variant matched, not which field or value was wrong.
    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["start"]["datetime"] = json!("27/11/2027 14:00");
    });
    assert!(
        message.contains("did not match any variant of untagged enum MeetingTime"),
        "{message}"
    );

    let message = decode_error_after::<MeetingResponse>(GET_MEETING, |v| {
        v["data"]["end"] = json!({"date": "2027-11-31"})
    });
    assert!(
        message.contains("did not match any variant of untagged enum MeetingTime"),
        "{message}"
    );
}
