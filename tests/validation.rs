//! Input the client refuses before sending anything (list parameters, meetings to create or ensure, call
//! recording URLs), and the checks on building a client (token, base URL).
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use attio_meetings::types::{
    MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant, ParticipantStatus,
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

    // An incomplete builder: refused, naming the missing field.
    let incomplete = NewMeeting::builder()
        .title("No times")
        .description("")
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("ada@example.com")]);
    match meetings.create(incomplete).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            // Every missing field at once, not the first one only.
            assert_eq!(
                reason,
                "no value supplied for end; no value supplied for start"
            );
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let title_only = NewMeeting::builder().title("t");
    match meetings.create(title_only).await {
        Err(Error::InvalidInput { field, reason }) => {
            assert_eq!(field, "data");
            assert!(reason.contains("no value supplied for"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }

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
            assert_eq!(field, "data");
            assert!(reason.contains("title"), "{reason}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    assert_invalid(
        NewMeeting::new(
            "Mixed",
            day(1),
            MeetingTime::at(start, "UTC"),
            "ada@example.com",
        ),
        "data.end",
    );
    assert_invalid(
        NewMeeting::new("Backwards", day(3), day(1), "ada@example.com"),
        "data.end",
    );
    assert_invalid(
        NewMeeting::new("No address", day(1), day(2), "ada"),
        "data.participants[0].email_address",
    );
}
