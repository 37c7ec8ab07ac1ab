//! Sync a batch of calendar events into Attio: `cargo run --example sync_meetings`.
//!
//! Events read from Google Calendar are sent with their iCal identity, so re-running the sync (or a
//! retry after a network failure) updates nothing and duplicates nothing. Eight requests run at a time;
//! the client's pacing keeps them under Attio's write limit and its retries absorb 429s and 5xx.

#[path = "support/mod.rs"]
mod support;

use attio_meetings::types::{
    CalendarProvider, ExternalRef, MeetingTime, NewMeeting, NewParticipant, ParticipantStatus,
    builder,
};
use chrono::{DateTime, Duration};
use futures_util::{StreamExt, stream};

/// What a calendar API hands you, reduced to what Attio needs.
struct CalendarEvent {
    ical_uid: String,
    title: String,
    start: DateTime<chrono::FixedOffset>,
    minutes: i64,
    attendees: Vec<String>,
}

/// The meeting's builder: `find_or_create` takes it as is (and checks it when the call is sent).
fn to_meeting(event: &CalendarEvent) -> builder::NewMeeting {
    NewMeeting::builder()
        .title(event.title.clone())
        .description("")
        .start(MeetingTime::at(event.start, "Europe/London"))
        .end(MeetingTime::at(
            event.start + Duration::minutes(event.minutes),
            "Europe/London",
        ))
        .is_all_day(false)
        // The first attendee organises; the others accepted.
        .participants(
            event
                .attendees
                .iter()
                .enumerate()
                .map(|(i, email)| match i {
                    0 => NewParticipant::organizer(email),
                    _ => NewParticipant::attendee(email, ParticipantStatus::Accepted),
                })
                .collect::<Vec<_>>(),
        )
        .external_ref(ExternalRef::ical(&event.ical_uid, CalendarProvider::Google))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), support::Report> {
    let (client, _fake) = support::connect().await?;
    let monday = DateTime::parse_from_rfc3339("2027-11-29T09:00:00+00:00")?;
    let events: Vec<CalendarEvent> = (0..40)
        .map(|i| CalendarEvent {
            ical_uid: format!("{i:04}-sync-example@google.com"),
            title: format!("Customer call {i}"),
            start: monday + Duration::hours(i),
            minutes: 30,
            attendees: vec!["ada@example.com".into(), format!("customer{i}@example.org")],
        })
        .collect();

    for round in ["first sync", "second sync (nothing new)"] {
        let started = std::time::Instant::now();
        let results: Vec<_> = stream::iter(&events)
            .map(|event| client.meetings().find_or_create(to_meeting(event)).send())
            .buffer_unordered(8)
            .collect()
            .await;
        let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        let mut ids: Vec<_> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|m| m.id.meeting_id)
            .collect();
        ids.sort();
        ids.dedup();
        println!(
            "{round}: {} events -> {} distinct meetings, {} failed, in {:?}",
            events.len(),
            ids.len(),
            failed.len(),
            started.elapsed()
        );
        for error in failed {
            println!("  failed: {error}");
        }
    }
    Ok(())
}
