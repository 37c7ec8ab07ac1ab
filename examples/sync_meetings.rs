//! Sync a batch of calendar events into Attio: `cargo run --example sync_meetings`.
//!
//! Attio creates a meeting on every create, so the events go through `ensure_all`: the meetings of the
//! week are listed once, and only the events no meeting matches (same start, title and organizer) are
//! created, eight at a time. Re-running the sync (or a retry after a network failure) creates nothing
//! more: a create whose answer was lost is reconciled by looking again before creating again. The
//! client's pacing keeps the writes under Attio's write limit and its retries absorb 429s and 5xx.

#[path = "support/mod.rs"]
mod support;

use attio_meetings::Ensured;
use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
use chrono::{DateTime, Duration};

/// What a calendar API hands you, reduced to what Attio needs.
struct CalendarEvent {
    title: String,
    start: DateTime<chrono::FixedOffset>,
    minutes: i64,
    attendees: Vec<String>,
}

/// The meeting to ensure; the builder checks that every field is set.
fn to_meeting(event: &CalendarEvent) -> Result<NewMeeting, support::Report> {
    let meeting = NewMeeting::builder()
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
        .try_into()?;
    Ok(meeting)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), support::Report> {
    let (client, _fake) = support::connect().await?;
    let monday = DateTime::parse_from_rfc3339("2027-11-29T09:00:00+00:00")?;
    let events: Vec<CalendarEvent> = (0..40)
        .map(|i| CalendarEvent {
            title: format!("Customer call {i}"),
            start: monday + Duration::hours(i),
            minutes: 30,
            attendees: vec!["ada@example.com".into(), format!("customer{i}@example.org")],
        })
        .collect();

    for round in ["first sync", "second sync (nothing new)"] {
        let started = std::time::Instant::now();
        let meetings = events
            .iter()
            .map(to_meeting)
            .collect::<Result<Vec<_>, _>>()?;
        let results = client
            .meetings()
            .ensure_all(meetings)
            .concurrency(8)
            .run()
            .await?;
        let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
        let count = |created: bool| {
            results
                .iter()
                .filter(|r| matches!(r, Ok(e) if e.created() == created && e.meeting().is_some()))
                .count()
        };
        let ambiguous = results
            .iter()
            .filter(|r| matches!(r, Ok(Ensured::Ambiguous(_))))
            .count();
        println!(
            "{round}: {} events -> {} created, {} found, {ambiguous} ambiguous, {} failed, in {:?}",
            events.len(),
            count(true),
            count(false),
            failed.len(),
            started.elapsed()
        );
        for error in failed {
            println!("  failed: {error}");
        }
    }
    Ok(())
}
