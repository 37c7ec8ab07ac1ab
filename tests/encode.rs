//! Request bodies encode to the JSON Attio documents.
//!
//! A note on datetimes: `chrono` encodes a `DateTime<FixedOffset>` as RFC 3339 with as many fractional
//! digits as needed (none for whole seconds) and writes a zero offset as `Z`, so a value parsed from
//! Attio's example `2027-11-27T14:00:00Z` encodes to exactly that string and the bodies below can be
//! compared exactly. The `.000` milliseconds of Attio's `2027-11-27T14:00:00.000Z` example are dropped,
//! which is the same instant; `encoded_datetimes_always_carry_an_offset` checks that the instant and the
//! offset survive in every case, since a datetime without an offset would be read by Attio in the
//! meeting's timezone.

use attio_meetings::types::{
    CreateCallRecordingRequest, CreateMeetingRequest, MeetingTime, NewCallRecording,
    NewLinkedRecord, NewMeeting, NewParticipant, NewTranscriptSegment, ParticipantStatus,
};
use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};

fn instant(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

fn new_york(rfc3339: &str) -> MeetingTime {
    MeetingTime::Timed {
        datetime: instant(rfc3339),
        timezone: Some("America/New_York".to_owned()),
    }
}

/// Attio's documented create-meeting example, built with the generated builders (the input structs are
/// `#[non_exhaustive]`: outside the crate they have no literals).
fn documented_request() -> CreateMeetingRequest {
    CreateMeetingRequest::builder()
        .data(
            NewMeeting::builder()
                .title("Onboarding Session")
                .description(
                    "Getting you up to speed with the platform and answering any questions you have.",
                )
                .start(new_york("2027-11-27T14:00:00Z"))
                .end(new_york("2027-11-27T15:00:00Z"))
                .is_all_day(false)
                .participants(vec![
                    NewParticipant::builder()
                        .email_address(Some("person@company.com".to_string()))
                        .is_organizer(true)
                        .status(ParticipantStatus::Accepted)
                        .try_into()
                        .unwrap(),
                ])
                .linked_records(vec![
                    NewLinkedRecord::builder()
                        .object("people")
                        .record_id(
                            "891dcbfc-9141-415d-9b2a-2238a6cc012d"
                                .parse::<uuid::Uuid>()
                                .unwrap(),
                        )
                        .try_into()
                        .unwrap(),
                ]),
        )
        .try_into()
        .unwrap()
}

fn documented_json() -> Value {
    json!({
        "data": {
            "title": "Onboarding Session",
            "description": "Getting you up to speed with the platform and answering any questions you have.",
            "start": {"datetime": "2027-11-27T14:00:00Z", "timezone": "America/New_York"},
            "end": {"datetime": "2027-11-27T15:00:00Z", "timezone": "America/New_York"},
            "is_all_day": false,
            "participants": [
                {"email_address": "person@company.com", "is_organizer": true, "status": "accepted"}
            ],
            "linked_records": [
                {"object": "people", "record_id": "891dcbfc-9141-415d-9b2a-2238a6cc012d"}
            ]
        }
    })
}

#[test]
fn create_meeting_request_encodes_to_the_documented_body() {
    let value = serde_json::to_value(documented_request()).unwrap();
    assert_eq!(value, documented_json());
}

#[test]
fn create_meeting_request_built_with_builders_is_the_same() {
    use attio_meetings::types::builder;

    let participant: NewParticipant = builder::NewParticipant::default()
        .email_address(Some("person@company.com".to_string()))
        .is_organizer(true)
        .status("accepted")
        .try_into()
        .unwrap();
    let linked: NewLinkedRecord = builder::NewLinkedRecord::default()
        .object("people")
        .record_id(uuid::Uuid::parse_str("891dcbfc-9141-415d-9b2a-2238a6cc012d").unwrap())
        .try_into()
        .unwrap();
    let meeting: NewMeeting = NewMeeting::builder()
        .title("Onboarding Session")
        .description(
            "Getting you up to speed with the platform and answering any questions you have.",
        )
        .start(new_york("2027-11-27T14:00:00Z"))
        .end(new_york("2027-11-27T15:00:00Z"))
        .is_all_day(false)
        .participants(vec![participant])
        .linked_records(vec![linked])
        .try_into()
        .unwrap();
    let request: CreateMeetingRequest = CreateMeetingRequest::builder()
        .data(meeting)
        .try_into()
        .unwrap();

    assert_eq!(request, documented_request());
    assert_eq!(serde_json::to_value(&request).unwrap(), documented_json());
}

#[test]
fn builder_reports_a_missing_required_field() {
    let result: Result<NewMeeting, _> =
        NewMeeting::builder().title("Onboarding Session").try_into();
    let error = result.unwrap_err().to_string();
    // Every one, by its wire name (`is_all_day` follows from the times, so it is not one of them).
    assert_eq!(
        error,
        "description: is required; end: is required; participants: is required; start: is required"
    );
}

#[test]
fn encoded_datetimes_always_carry_an_offset() {
    // Whatever chrono writes (`Z` or `+00:00`, with or without fractional digits), the encoded start and end
    // must parse as RFC 3339 (which requires an offset) back to the same instants.
    let value = serde_json::to_value(documented_request()).unwrap();
    for (key, expected) in [
        ("start", "2027-11-27T14:00:00Z"),
        ("end", "2027-11-27T15:00:00Z"),
    ] {
        let written = value["data"][key]["datetime"].as_str().unwrap();
        let parsed = DateTime::parse_from_rfc3339(written)
            .unwrap_or_else(|e| panic!("{key}: {written}: {e}"));
        assert_eq!(parsed, instant(expected), "{key}");
    }

    // A local offset is written as given, not converted to UTC.
    let local = MeetingTime::Timed {
        datetime: instant("2027-11-27T09:00:00-05:00"),
        timezone: None,
    };
    assert_eq!(
        serde_json::to_value(&local).unwrap(),
        json!({"datetime": "2027-11-27T09:00:00-05:00"})
    );

    // Fractional seconds survive; Attio's `.000` is dropped as it adds nothing.
    let precise = MeetingTime::Timed {
        datetime: instant("2027-11-27T14:00:00.250Z"),
        timezone: None,
    };
    assert_eq!(
        serde_json::to_value(&precise).unwrap(),
        json!({"datetime": "2027-11-27T14:00:00.250Z"})
    );
    let whole = MeetingTime::Timed {
        datetime: instant("2027-11-27T14:00:00.000Z"),
        timezone: None,
    };
    assert_eq!(
        serde_json::to_value(&whole).unwrap(),
        json!({"datetime": "2027-11-27T14:00:00Z"})
    );

    // A `DateTime<Utc>` converted with `fixed_offset()` encodes the same way.
    let from_utc = Utc
        .with_ymd_and_hms(2027, 11, 27, 14, 0, 0)
        .unwrap()
        .fixed_offset();
    let utc_time = MeetingTime::Timed {
        datetime: from_utc,
        timezone: Some("UTC".to_owned()),
    };
    assert_eq!(
        serde_json::to_value(&utc_time).unwrap(),
        json!({"datetime": "2027-11-27T14:00:00Z", "timezone": "UTC"})
    );
}

#[test]
fn timezone_is_omitted_when_none() {
    let time = MeetingTime::Timed {
        datetime: instant("2027-11-27T14:00:00Z"),
        timezone: None,
    };
    let value = serde_json::to_value(&time).unwrap();
    assert_eq!(value, json!({"datetime": "2027-11-27T14:00:00Z"}));
    assert!(
        value.get("timezone").is_none(),
        "no `timezone: null` either"
    );
}

#[test]
fn all_day_meeting_encodes_dates() {
    let meeting: NewMeeting = NewMeeting::builder()
        .title("Company offsite")
        .description(String::new())
        .start(MeetingTime::AllDay {
            date: NaiveDate::from_ymd_opt(2027, 11, 27).unwrap(),
        })
        // Exclusive end: a one-day event ends on the next day.
        .end(MeetingTime::AllDay {
            date: NaiveDate::from_ymd_opt(2027, 11, 28).unwrap(),
        })
        .is_all_day(true)
        .participants(vec![NewParticipant::attendee(
            "person@company.com",
            ParticipantStatus::Tentative,
        )])
        .linked_records(Vec::new())
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&meeting).unwrap(),
        json!({
            "title": "Company offsite",
            "description": "",
            "start": {"date": "2027-11-27"},
            "end": {"date": "2027-11-28"},
            "is_all_day": true,
            "participants": [
                {"email_address": "person@company.com", "is_organizer": false, "status": "tentative"}
            ]
        })
    );
}

#[test]
fn linked_records_are_omitted_when_empty() {
    let mut request = documented_request();
    request.data.linked_records.clear();
    let value = serde_json::to_value(&request).unwrap();
    assert!(value["data"].get("linked_records").is_none(), "{value}");

    let mut expected = documented_json();
    expected["data"]
        .as_object_mut()
        .unwrap()
        .remove("linked_records");
    assert_eq!(value, expected);
}

#[test]
fn participants_encode_with_names_and_without_email() {
    let named = NewParticipant::organizer("person@company.com")
        .with_name("Ada Lovelace")
        .unwrap();
    assert_eq!(
        serde_json::to_value(&named).unwrap(),
        json!({"email_address": "person@company.com", "name": "Ada Lovelace", "is_organizer": true, "status": "accepted"})
    );
    // Name only: no `email_address` key at all (not null).
    let guest = NewParticipant::named("Front desk", ParticipantStatus::Pending).unwrap();
    assert_eq!(
        serde_json::to_value(&guest).unwrap(),
        json!({"name": "Front desk", "is_organizer": false, "status": "pending"})
    );
    // The spec's minLength 1: an empty name is refused where it is given.
    let error = NewParticipant::named("", ParticipantStatus::Accepted).unwrap_err();
    assert!(error.to_string().contains("name"), "{error}");
}

#[test]
fn title_and_description_bounds_come_from_the_spec() {
    let result: Result<NewMeeting, _> = NewMeeting::builder()
        .title("x".repeat(1001))
        .description("")
        .start(new_york("2027-11-27T14:00:00Z"))
        .end(new_york("2027-11-27T15:00:00Z"))
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("person@company.com")])
        .try_into();
    let error = result.unwrap_err().to_string();
    assert!(error.contains("title"), "{error}");
}

#[test]
fn participant_status_encodes_every_value() {
    for (status, wire) in [
        (ParticipantStatus::Accepted, "accepted"),
        (ParticipantStatus::Tentative, "tentative"),
        (ParticipantStatus::Declined, "declined"),
        (ParticipantStatus::Pending, "pending"),
    ] {
        let participant: NewParticipant = NewParticipant::builder()
            .email_address(Some("person@company.com".to_string()))
            .is_organizer(false)
            .status(status)
            .try_into()
            .unwrap();
        assert_eq!(
            serde_json::to_value(&participant).unwrap(),
            json!({"email_address": "person@company.com", "is_organizer": false, "status": wire})
        );
    }
}

#[test]
fn create_call_recording_request_encodes() {
    let request: CreateCallRecordingRequest = CreateCallRecordingRequest::builder()
        .data(
            NewCallRecording::builder()
                .video_url(Some("https://example.com/recording.mp4".to_string())),
        )
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"data": {"video_url": "https://example.com/recording.mp4"}})
    );

    // `data` takes a finished `NewCallRecording` as well as its builder.
    let from_value: CreateCallRecordingRequest = CreateCallRecordingRequest::builder()
        .data(
            NewCallRecording::try_from(
                NewCallRecording::builder()
                    .video_url(Some("https://example.com/recording.mp4".to_string())),
            )
            .unwrap(),
        )
        .try_into()
        .unwrap();
    assert_eq!(from_value, request);
}

#[test]
fn a_call_recording_from_a_transcript_encodes_its_segments() {
    let recording = NewCallRecording::from_transcript(vec![
        NewTranscriptSegment::new("Ada Lovelace", 0.0, 2.5, "Shall we start?")
            .speaker_email("ada@example.com"),
        NewTranscriptSegment::new("Tom Bell", 2.5, 4.0, "Yes."),
    ]);
    assert_eq!(
        serde_json::to_value(&recording).unwrap(),
        json!({"transcript": [
            {"speech": "Shall we start?", "start_time": 0.0, "end_time": 2.5,
             "speaker": {"name": "Ada Lovelace", "email_address": "ada@example.com"}},
            {"speech": "Yes.", "start_time": 2.5, "end_time": 4.0, "speaker": {"name": "Tom Bell"}}
        ]})
    );
    let both = recording.with_video("https://example.com/call.mp4");
    let value = serde_json::to_value(&both).unwrap();
    assert_eq!(value["video_url"], json!("https://example.com/call.mp4"));
    assert_eq!(value["transcript"].as_array().map(Vec::len), Some(2));
    // A video alone sends no `transcript` key.
    assert_eq!(
        serde_json::to_value(NewCallRecording::from_video("https://example.com/call.mp4")).unwrap(),
        json!({"video_url": "https://example.com/call.mp4"})
    );
}
