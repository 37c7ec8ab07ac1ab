//! Input the client refuses before sending anything (list parameters, meetings to create or ensure, call
//! recording URLs), and the checks on building a client (token, base URL).
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use attio_meetings::types::{
    CreateMeetingRequest, MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant,
    ParticipantStatus,
};
use attio_meetings::{Client, Error};
use chrono::NaiveDate;
use futures_util::StreamExt;
use uuid::Uuid;

use common::{assert_invalid, client, fake, new_meeting};

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = fake().await;
    let client = client(&server);
    let meetings = client.meetings();
    let recordings = client.call_recordings(Uuid::new_v4());

    assert_invalid(meetings.list().limit(0).await, "limit");
    assert_invalid(meetings.list().limit(201).await, "limit");
    assert_invalid(recordings.list().limit(0).await, "limit");
    assert_invalid(recordings.list().limit(201).await, "limit");
    assert_invalid(meetings.list().limit(0).collect_all().await, "limit");
    let streamed: Vec<_> = meetings.list().limit(201).stream().take(64).collect().await;
    assert_eq!(streamed.len(), 1, "one error, then the end");
    assert_invalid(streamed.into_iter().next().unwrap(), "limit");
    assert_invalid(
        meetings.list().participants(["not-an-email"]).await,
        "participants",
    );
    assert_invalid(
        meetings.list().linked_record(" ", Uuid::new_v4()).await,
        "linked_object",
    );

    let mut all_day = new_meeting("x");
    all_day.is_all_day = true;
    assert_invalid(meetings.create(all_day).await, "data.start");

    let mut dates_not_all_day = new_meeting("x");
    dates_not_all_day.start = MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, 1).unwrap());
    dates_not_all_day.end = MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, 2).unwrap());
    assert_invalid(meetings.create(dates_not_all_day).await, "data.start");

    let mut backwards = new_meeting("x");
    std::mem::swap(&mut backwards.start, &mut backwards.end);
    assert_invalid(meetings.create(backwards).await, "data.end");

    let mut empty = new_meeting("x");
    empty.end = empty.start.clone();
    assert_invalid(meetings.create(empty).await, "data.end");

    // A misspelt zone: Attio would store the meeting in UTC without a word.
    let mut misspelt = new_meeting("x");
    misspelt.start = MeetingTime::at(common::base_time(), "Europe/Pariss");
    match meetings.create(misspelt.clone()).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data.start.timezone");
            assert!(
                reason.contains("`Europe/Pariss` is not an IANA time zone"),
                "{reason}"
            );
            assert!(reason.contains("Europe/Paris"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_invalid(meetings.ensure(misspelt).await, "data.start.timezone");

    // Attio answers "No participants were provided." to this; the client does not send it.
    let mut nobody = new_meeting("x");
    nobody.participants.clear();
    assert_invalid(meetings.create(nobody.clone()).await, "data.participants");
    assert_invalid(meetings.ensure(nobody).await, "data.participants");
    // Neither email address nor name.
    let mut anonymous = new_meeting("x");
    anonymous.participants[1].email_address = None;
    assert_invalid(
        meetings.create(anonymous).await,
        "data.participants[1].email_address",
    );
    let mut crowd = new_meeting("x");
    crowd.participants = vec![NewParticipant::organizer("ada@example.com"); 501];
    assert_invalid(meetings.create(crowd).await, "data.participants");

    for email in [
        "",
        "ada.example.com",
        "a@example.com,b@example.com",
        "@example.com",
        "ada@",
    ] {
        let mut bad = new_meeting("x");
        bad.participants[1].email_address = Some(email.into());
        assert_invalid(
            meetings.create(bad).await,
            "data.participants[1].email_address",
        );
    }
    for answer in [ParticipantStatus::Unknown("x".into()), "acepted".into()] {
        let mut bad = new_meeting("x");
        bad.participants[1].status = answer;
        assert_invalid(meetings.create(bad).await, "data.participants[1].status");
    }
    let mut no_object = new_meeting("x");
    no_object.linked_records = vec![NewLinkedRecord::new("", Uuid::new_v4())];
    assert_invalid(
        meetings.create(no_object).await,
        "data.linked_records[0].object",
    );

    // An incomplete builder: refused, naming every missing field by its path, at once.
    let incomplete = NewMeeting::builder()
        .title("No times")
        .description("")
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("ada@example.com")]);
    match meetings.create(incomplete).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert_eq!(reason, "data.end: is required; data.start: is required");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let title_only = NewMeeting::builder().title("t");
    match meetings.create(title_only).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert_eq!(
                reason,
                "data.description: is required; data.end: is required; \
                 data.participants: is required; data.start: is required"
            );
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    // One missing field is refused at its own path.
    let no_end = NewMeeting::builder()
        .title("t")
        .description("")
        .start(MeetingTime::at(common::base_time(), "UTC"))
        .participants(vec![NewParticipant::organizer("ada@example.com")]);
    assert_invalid(meetings.create(no_end).await, "data.end");

    for url in [
        "http://videos.example.com/call.mp4",
        "ftp://videos.example.com/call.mp4",
        "not a url",
        "https://",
    ] {
        assert_invalid(recordings.create(url).await, "data.video_url");
    }

    assert_eq!(server.total_requests(), 0);
    // The same client does send valid calls (so the zero above is not a dead client).
    meetings.list().limit(1).await.unwrap();
    assert_eq!(server.total_requests(), 1);
}

#[test]
fn client_construction_is_checked() {
    assert_invalid(Client::builder().build(), "token");
    assert_invalid(Client::new(""), "token");
    assert_invalid(Client::new("   "), "token");
    assert_invalid(Client::new("bad\ntoken"), "token");
    for refused in [
        "http://example.com",
        "http://api.attio.com",
        "http://10.1.2.3:8080",
        "ftp://127.0.0.1",
        "https://api.attio.com/?key=1",
        "not a url",
    ] {
        assert_invalid(
            Client::builder().token("t").base_url(refused).build(),
            "base_url",
        );
    }
    for allowed in [
        "http://127.0.0.1",
        "http://127.0.0.1:9999/",
        "http://localhost:1",
        "http://[::1]:8080",
        "https://example.com",
    ] {
        let client = Client::builder().token("t").base_url(allowed).build();
        assert!(client.is_ok(), "{allowed}: {client:?}");
    }
    let client = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9999/")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:9999");
    assert_eq!(
        Client::new("t").unwrap().base_url(),
        attio_meetings::DEFAULT_BASE_URL
    );
}

#[test]
fn settings_with_text_are_checked() {
    assert_invalid(
        Client::builder()
            .token("t")
            .user_agent("bad\nagent")
            .build(),
        "user_agent",
    );
    assert!(
        Client::builder()
            .token("t")
            .user_agent("my-sync/1.2")
            .build()
            .is_ok()
    );
}

#[test]
fn the_common_case_constructor_checks_and_derives_all_day() {
    let start = common::base_time();
    let timed = NewMeeting::new(
        "Standup",
        MeetingTime::at(start, "Europe/Paris"),
        MeetingTime::at(start + chrono::Duration::minutes(15), "Europe/Paris"),
        "ada@example.com",
    )
    .unwrap();
    assert!(!timed.is_all_day);
    assert_eq!(
        timed.participants,
        vec![NewParticipant::organizer("ada@example.com")]
    );
    let day = |d| MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, d).unwrap());
    let all_day = NewMeeting::new("Offsite", day(1), day(3), "ada@example.com").unwrap();
    assert!(all_day.is_all_day);

    match NewMeeting::new("x".repeat(1001), day(1), day(2), "ada@example.com") {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data.title");
            assert!(reason.contains("1000"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    // Times of different forms: both are named.
    match NewMeeting::new(
        "Mixed",
        day(1),
        MeetingTime::at(start, "UTC"),
        "ada@example.com",
    ) {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert!(
                reason.starts_with("data.end: is a datetime but start is a date"),
                "{reason}"
            );
            assert!(
                reason.contains("; data.start: is a date but end is a datetime"),
                "{reason}"
            );
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_invalid(
        NewMeeting::new("Backwards", day(3), day(1), "ada@example.com"),
        "data.end",
    );
    assert_invalid(
        NewMeeting::new("No address", day(1), day(2), "ada"),
        "data.participants[0].email_address",
    );
}

/// A builder with the three fields a meeting cannot do without (besides its times).
fn titled() -> attio_meetings::types::builder::NewMeeting {
    NewMeeting::builder()
        .title("Standup")
        .description("")
        .participants(vec![NewParticipant::organizer("ada@example.com")])
}

#[test]
fn a_builder_reports_every_missing_field_at_once_by_its_path() {
    // A standalone meeting: wire names.
    let title_only = NewMeeting::try_from(NewMeeting::builder().title("Standup")).unwrap_err();
    assert_eq!(
        title_only.to_string(),
        "description: is required; end: is required; participants: is required; start: is required"
    );
    // Refused values are named the same way, with the rest.
    let too_long = NewMeeting::try_from(NewMeeting::builder().title("x".repeat(1001))).unwrap_err();
    let too_long = too_long.to_string();
    assert!(
        too_long.starts_with("description: is required; "),
        "{too_long}"
    );
    assert!(too_long.contains("; title: "), "{too_long}");
    assert!(too_long.contains("1000"), "{too_long}");

    // Inside the request body: under `data`.
    let request = CreateMeetingRequest::try_from(
        CreateMeetingRequest::builder().data(NewMeeting::builder().title("Standup")),
    )
    .unwrap_err();
    assert_eq!(
        request.to_string(),
        "data.description: is required; data.end: is required; data.participants: is required; \
         data.start: is required"
    );
    let nothing = CreateMeetingRequest::try_from(CreateMeetingRequest::builder()).unwrap_err();
    assert_eq!(nothing.to_string(), "data: is required");
    let start = common::base_time();
    let without_end = CreateMeetingRequest::try_from(
        CreateMeetingRequest::builder().data(titled().start(MeetingTime::at(start, "UTC"))),
    )
    .unwrap_err();
    assert_eq!(without_end.to_string(), "data.end: is required");
}

#[test]
fn is_all_day_follows_from_the_forms_of_the_times_unless_set() {
    let start = common::base_time();
    let timed: NewMeeting = titled()
        .start(MeetingTime::at(start, "UTC"))
        .end(MeetingTime::at(start + chrono::Duration::hours(1), "UTC"))
        .try_into()
        .unwrap();
    assert!(!timed.is_all_day);
    let day = |d| MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 3, d).unwrap());
    let all_day: NewMeeting = titled().start(day(1)).end(day(2)).try_into().unwrap();
    assert!(all_day.is_all_day);

    // Set, it is kept, whatever the forms; a contradiction is refused when sent.
    let kept: NewMeeting = titled()
        .start(day(1))
        .end(day(2))
        .is_all_day(false)
        .try_into()
        .unwrap();
    assert!(!kept.is_all_day);
    let contradicting: NewMeeting = titled()
        .start(MeetingTime::at(start, "UTC"))
        .end(MeetingTime::at(start + chrono::Duration::hours(1), "UTC"))
        .is_all_day(true)
        .try_into()
        .unwrap();
    assert!(contradicting.is_all_day);
    let request = CreateMeetingRequest::builder().data(contradicting);
    let request = CreateMeetingRequest::try_from(request).unwrap();
    let client = Client::builder()
        .token("t")
        .base_url("http://127.0.0.1:9")
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    assert_invalid(
        runtime.block_on(client.api().create_meeting().body(request).send()),
        "data.start",
    );

    // Mixed forms, unset: both times are named.
    let mixed = NewMeeting::try_from(titled().start(day(1)).end(MeetingTime::at(start, "UTC")))
        .unwrap_err()
        .to_string();
    assert_eq!(
        mixed,
        "end: is a datetime but start is a date: both must be dates (an all-day meeting) or both \
         datetimes; start: is a date but end is a datetime: both must be dates (an all-day meeting) or \
         both datetimes"
    );
    // A time missing is reported, and `is_all_day` (not needed) is not.
    let no_end = NewMeeting::try_from(titled().start(day(1)))
        .unwrap_err()
        .to_string();
    assert_eq!(no_end, "end: is required");
}
