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
    CalendarProvider, CreateCallRecordingRequest, ExternalId, ExternalRef,
    FindOrCreateMeetingRequest, IcalRef, MeetingTime, NewCallRecording, NewLinkedRecord,
    NewMeeting, NewParticipant, ParticipantStatus,
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

fn external_id(id: &str) -> ExternalRef {
    ExternalRef::ExternalId(id.parse().unwrap())
}

/// Attio's documented find-or-create example, built with the generated builders (the input structs are
/// `#[non_exhaustive]`: outside the crate they have no literals).
fn documented_request() -> FindOrCreateMeetingRequest {
    FindOrCreateMeetingRequest::builder()
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
                        .email_address("person@company.com")
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
                ])
                .external_ref(external_id("external_meeting_12345")),
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
            ],
            "external_ref": "external_meeting_12345"
        }
    })
}

#[test]
fn find_or_create_request_encodes_to_the_documented_body() {
    let value = serde_json::to_value(documented_request()).unwrap();
    assert_eq!(value, documented_json());
}

#[test]
fn find_or_create_request_built_with_builders_is_the_same() {
    use attio_meetings::types::builder;

    let participant: NewParticipant = builder::NewParticipant::default()
        .email_address("person@company.com")
        .is_organizer(true)
        .status("accepted")
        .try_into()
        .unwrap();
    let linked: NewLinkedRecord = builder::NewLinkedRecord::default()
        .object("people")
        .record_id(uuid::Uuid::parse_str("891dcbfc-9141-415d-9b2a-2238a6cc012d").unwrap())
        .try_into()
        .unwrap();
    // `ExternalRef` has no conversion from a string: the id goes through `ExternalId`, which checks it.
    let external_ref = ExternalId::try_from("external_meeting_12345").unwrap();
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
        .external_ref(external_ref)
        .try_into()
        .unwrap();
    let request: FindOrCreateMeetingRequest = FindOrCreateMeetingRequest::builder()
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
    assert!(error.starts_with("no value supplied for "), "{error}");
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
        .external_ref(external_id("offsite-2027"))
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
            ],
            "external_ref": "offsite-2027"
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
fn ical_external_ref_encodes_as_an_object() {
    let ical: IcalRef = IcalRef::builder()
        .ical_uid("040000008200E00074C5B7101A82E00800000000")
        .provider(CalendarProvider::Google)
        .is_recurring(true)
        .original_start_time(Some(instant("2027-11-27T14:00:00.000Z")))
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(ExternalRef::from(ical.clone())).unwrap(),
        json!({
            "ical_uid": "040000008200E00074C5B7101A82E00800000000",
            "provider": "google",
            "is_recurring": true,
            "original_start_time": "2027-11-27T14:00:00Z"
        })
    );

    // Inside a request it takes the place of the string form.
    let mut request = documented_request();
    request.data.external_ref = ExternalRef::IcalRef(ical.clone());
    let value = serde_json::to_value(&request).unwrap();
    assert_eq!(value["data"]["external_ref"]["provider"], json!("google"));
    assert_eq!(value["data"]["external_ref"]["is_recurring"], json!(true));

    // `original_start_time` is optional: left out, not sent as null.
    let plain: IcalRef = IcalRef::builder()
        .ical_uid(ical.ical_uid)
        .provider(CalendarProvider::Microsoft)
        .is_recurring(false)
        .try_into()
        .unwrap();
    assert_eq!(
        serde_json::to_value(ExternalRef::IcalRef(plain)).unwrap(),
        json!({
            "ical_uid": "040000008200E00074C5B7101A82E00800000000",
            "provider": "microsoft",
            "is_recurring": false
        })
    );
}

#[test]
fn external_ref_decodes_back_to_the_same_form() {
    let string_form: ExternalRef = serde_json::from_value(json!("external_meeting_12345")).unwrap();
    assert_eq!(string_form, external_id("external_meeting_12345"));

    let ical_form: ExternalRef = serde_json::from_value(json!({
        "ical_uid": "1234567890",
        "provider": "google",
        "is_recurring": false,
        "original_start_time": "2027-11-27T14:00:00.000Z"
    }))
    .unwrap();
    match ical_form {
        ExternalRef::IcalRef(ical) => {
            assert_eq!(ical.ical_uid, "1234567890");
            assert_eq!(ical.provider, CalendarProvider::Google);
            assert!(!ical.is_recurring);
            assert_eq!(
                ical.original_start_time,
                Some(instant("2027-11-27T14:00:00Z"))
            );
        }
        other => panic!("expected the iCal form, got {other:?}"),
    }

    // An empty string is neither form.
    assert!(serde_json::from_value::<ExternalRef>(json!("")).is_err());
}

#[test]
fn external_id_refuses_an_empty_string() {
    assert!("".parse::<ExternalId>().is_err());
    assert!(ExternalId::try_from("").is_err());
    assert!(ExternalId::try_from(String::new()).is_err());
    let error = ExternalId::try_from("").unwrap_err().to_string();
    assert!(error.contains("shorter than 1 characters"), "{error}");

    let id: ExternalId = "external_meeting_12345".parse().unwrap();
    assert_eq!(id.as_str(), "external_meeting_12345");
    assert_eq!(
        serde_json::to_value(&id).unwrap(),
        json!("external_meeting_12345")
    );
    // A single space is not empty: Attio only asks for `minLength: 1`.
    assert!(" ".parse::<ExternalId>().is_ok());
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
            .email_address("person@company.com")
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
        .data(NewCallRecording::builder().video_url("https://example.com/recording.mp4"))
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
                NewCallRecording::builder().video_url("https://example.com/recording.mp4"),
            )
            .unwrap(),
        )
        .try_into()
        .unwrap();
    assert_eq!(from_value, request);
}
