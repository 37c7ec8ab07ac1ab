//! `Meetings::ensure` and `ensure_all` against the fake, which (like Attio since 2026-07) creates a meeting
//! on every create: found or created by key, ambiguity, reconciliation after a lost answer, serialised
//! ensures within a process, and a 2,000-meeting batch under faults that leaves exactly 2,000 meetings.

mod common;

use std::time::Duration;

use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
use attio_meetings::{Client, Ensured, Error, Matching};
use attio_meetings_mock::{Endpoint, Fault, FaultRule, Limits, MockServer};
use chrono::{DateTime, FixedOffset, NaiveDate};

use common::{assert_invalid, client, client_with, fake, fast};

fn at(rfc3339: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(rfc3339).unwrap()
}

/// A 30-minute meeting at `start`, organised by `organizer`.
fn meeting(title: &str, start: DateTime<FixedOffset>, organizer: &str) -> NewMeeting {
    NewMeeting::builder()
        .title(title)
        .description("ensured")
        .start(MeetingTime::at(start, "Europe/Paris"))
        .end(MeetingTime::at(
            start + chrono::Duration::minutes(30),
            "Europe/Paris",
        ))
        .is_all_day(false)
        .participants(vec![
            NewParticipant::organizer(organizer),
            NewParticipant::attendee("tom@example.com", ParticipantStatus::Accepted),
        ])
        .try_into()
        .expect("every field set")
}

fn created(outcome: &Ensured) -> uuid::Uuid {
    match outcome {
        Ensured::Created(m) => m.id.meeting_id,
        other => panic!("expected Created, got {other:?}"),
    }
}

fn found(outcome: &Ensured) -> uuid::Uuid {
    match outcome {
        Ensured::Found(m) => m.id.meeting_id,
        other => panic!("expected Found, got {other:?}"),
    }
}

#[tokio::test]
async fn ensure_twice_makes_one_meeting_where_create_twice_makes_two() {
    let server = fake().await;
    let client = client(&server);
    let weekly = meeting(
        "Weekly sync",
        at("2027-03-01T10:00:00+01:00"),
        "ada@example.com",
    );

    let first = client.meetings().ensure(weekly.clone()).await.unwrap();
    let id = created(&first);
    // The same meeting, written with another offset, title spacing and case, organizer case: found.
    let mut again = weekly.clone();
    again.start = MeetingTime::at(at("2027-03-01T09:00:00Z"), "UTC");
    again.end = MeetingTime::at(at("2027-03-01T09:30:00Z"), "UTC");
    again.title = "  weekly   SYNC ".to_string().try_into().unwrap();
    again.participants[0] = NewParticipant::organizer("Ada@Example.com");
    assert_eq!(found(&client.meetings().ensure(again).await.unwrap()), id);
    assert_eq!(server.store().meetings().len(), 1);
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);

    // Another organizer, title or start is another meeting.
    for other in [
        meeting(
            "Weekly sync",
            at("2027-03-01T10:00:00+01:00"),
            "grace@example.com",
        ),
        meeting(
            "Weekly sync (moved)",
            at("2027-03-01T10:00:00+01:00"),
            "ada@example.com",
        ),
        meeting(
            "Weekly sync",
            at("2027-03-01T10:00:01+01:00"),
            "ada@example.com",
        ),
    ] {
        created(&client.meetings().ensure(other).await.unwrap());
    }
    assert_eq!(server.store().meetings().len(), 4);

    // `create` does what Attio does: a second meeting.
    client.meetings().create(weekly.clone()).await.unwrap();
    client.meetings().create(weekly.clone()).await.unwrap();
    assert_eq!(server.store().meetings().len(), 6);
    // Now three meetings have the key: ambiguous, and nothing more is created.
    match client.meetings().ensure(weekly).await.unwrap() {
        Ensured::Ambiguous(candidates) => assert_eq!(candidates.len(), 3),
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    assert_eq!(server.store().meetings().len(), 6);
}

#[tokio::test]
async fn matching_can_leave_out_the_title_and_the_organizer() {
    let server = fake().await;
    let client = client(&server);
    let start = at("2027-03-02T15:00:00Z");
    let id = created(
        &client
            .meetings()
            .ensure(meeting("Call with Acme", start, "ada@example.com"))
            .await
            .unwrap(),
    );
    let renamed = meeting("Acme call (renamed)", start, "ada@example.com");
    assert_eq!(
        found(
            &client
                .meetings()
                .ensure(renamed.clone())
                .matching(Matching::default().title(false))
                .await
                .unwrap()
        ),
        id
    );
    let other_organizer = meeting("Acme call (renamed)", start, "grace@example.com");
    assert_eq!(
        found(
            &client
                .meetings()
                .ensure(other_organizer)
                .matching(Matching::default().title(false).organizer(false))
                .await
                .unwrap()
        ),
        id
    );
    // With the default key, the renamed meeting is another one.
    created(&client.meetings().ensure(renamed).await.unwrap());
}

#[tokio::test]
async fn all_day_meetings_are_ensured_by_their_date() {
    let server = fake().await;
    let client = client(&server);
    let day = |d: u32| MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 6, d).unwrap());
    let offsite = |end: u32| -> NewMeeting {
        NewMeeting::builder()
            .title("Offsite")
            .description("")
            .start(day(3))
            .end(day(end))
            .is_all_day(true)
            .participants(vec![NewParticipant::organizer("ada@example.com")])
            .try_into()
            .unwrap()
    };
    let id = created(&client.meetings().ensure(offsite(5)).await.unwrap());
    // The key is the start: a longer offsite from the same day is the same meeting.
    assert_eq!(
        found(&client.meetings().ensure(offsite(6)).await.unwrap()),
        id
    );
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn an_invalid_meeting_is_refused_before_anything_is_sent() {
    let server = fake().await;
    let client = client(&server);
    let mut nobody = meeting("Nobody", at("2027-03-01T10:00:00Z"), "ada@example.com");
    nobody.participants.clear();
    assert_invalid(
        client.meetings().ensure(nobody.clone()).await,
        "data.participants",
    );
    let batch = client
        .meetings()
        .ensure_all(vec![
            nobody,
            meeting("Fine", at("2027-03-01T11:00:00Z"), "ada@example.com"),
        ])
        .run()
        .await
        .unwrap();
    assert!(
        matches!(&batch[0], Err(Error::InvalidInput { field, .. }) if field == "data.participants"),
        "{:?}",
        batch[0]
    );
    created(batch[1].as_ref().unwrap());
    // An incomplete builder: refused, nothing sent.
    let incomplete = NewMeeting::builder().title("No times");
    assert!(matches!(
        client.meetings().ensure(incomplete).await,
        Err(Error::InvalidInput { .. })
    ));
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_found_not_sent_again() {
    let server = fake().await;
    let client = client(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::DropAfterProcessing)]);
    let outcome = client
        .meetings()
        .ensure(meeting(
            "Lost answer",
            at("2027-03-03T10:00:00Z"),
            "ada@example.com",
        ))
        .reconcile(fast())
        .await
        .unwrap();
    // The lost attempt made the meeting; the look after it found it, and nothing was sent again.
    let id = created(&outcome);
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0]["id"]["meeting_id"], id.to_string());

    // A failure that provably did nothing (Drop: before processing) is looked up, found missing and
    // created again.
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Drop)]);
    created(
        &client
            .meetings()
            .ensure(meeting(
                "Dropped",
                at("2027-03-03T11:00:00Z"),
                "ada@example.com",
            ))
            .reconcile(fast())
            .await
            .unwrap(),
    );
    assert_eq!(server.store().meetings().len(), 2);
}

#[tokio::test]
async fn ensures_of_one_meeting_in_one_process_wait_for_each_other() {
    let server = fake().await;
    // Separate clients (same token and base URL), as separate parts of an application would have.
    let clients: Vec<Client> = (0..8).map(|_| client(&server)).collect();
    let weekly = meeting("Race", at("2027-03-04T10:00:00Z"), "ada@example.com");
    let outcomes = futures_util::future::join_all(
        clients
            .iter()
            .map(|c| c.meetings().ensure(weekly.clone()).send()),
    )
    .await;
    let ids: Vec<_> = outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().meeting().unwrap().id.meeting_id)
        .collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Ensured::Created(_))))
            .count(),
        1
    );
    assert_eq!(server.store().meetings().len(), 1);
}

/// 2,000 meetings, one every 20 minutes over four weeks, organised by ten people.
fn batch() -> Vec<NewMeeting> {
    let base = at("2027-04-05T08:00:00+02:00");
    (0..2_000)
        .map(|i| {
            meeting(
                &format!("Customer call {i}"),
                base + chrono::Duration::minutes(20 * i64::from(i)),
                &format!("rep{}@example.com", i % 10),
            )
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_2000_under_faults_leaves_exactly_2000_meetings_and_runs_again_without_writes() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .seed(0x0E75_2026)
        .start()
        .await
        .unwrap();
    // 20% of every request fails, ambiguous failures (applied, then the answer lost) included.
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::CreateMeeting, Endpoint::ListMeetings],
        rate: 0.2,
        faults: vec![
            Fault::Status(500),
            Fault::Status(503),
            Fault::RateLimited,
            Fault::Drop,
            Fault::DropAfterProcessing,
            Fault::Truncate,
        ],
    });
    let policy = fast()
        .max_attempts(12)
        .max_backoff(Duration::from_millis(20));
    let client = client_with(&server, policy.clone());
    let meetings = batch();

    let results = client
        .meetings()
        .ensure_all(meetings.clone())
        .concurrency(16)
        .reconcile(policy.clone())
        .run()
        .await
        .expect("the listings succeed");
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} failed: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(
        server.store().meetings().len(),
        2_000,
        "exactly one meeting each"
    );
    let mut titles: Vec<String> = server
        .store()
        .meetings()
        .iter()
        .map(|m| m["title"].as_str().unwrap_or_default().to_string())
        .collect();
    titles.sort();
    titles.dedup();
    assert_eq!(titles.len(), 2_000, "no title twice");
    let creates = server.requests(Endpoint::CreateMeeting);
    assert!(
        creates > 2_000,
        "{creates} creates: the faults were not exercised"
    );

    // Again: everything is found, nothing is written, and the listings stay few.
    let (creates, lists) = (
        server.requests(Endpoint::CreateMeeting),
        server.requests(Endpoint::ListMeetings),
    );
    let again = client
        .meetings()
        .ensure_all(meetings)
        .reconcile(policy)
        .run()
        .await
        .expect("the listings succeed");
    assert!(
        again.iter().all(|r| matches!(r, Ok(Ensured::Found(_)))),
        "every meeting found"
    );
    assert_eq!(
        server.requests(Endpoint::CreateMeeting),
        creates,
        "no write"
    );
    let listed = server.requests(Endpoint::ListMeetings) - lists;
    // One window of 2,000 meetings, narrowed to the ten organizers: 10 pages of 200, plus retries.
    assert!((10..=40).contains(&listed), "{listed} listing requests");
    assert_eq!(server.store().meetings().len(), 2_000);
}
