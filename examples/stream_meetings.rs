//! Stream every meeting of the workspace: `cargo run --example stream_meetings`.
//!
//! `.stream()` follows the cursors and fetches the next page while this loop handles the current one;
//! memory stays at about two pages however many meetings there are.

#[path = "support/mod.rs"]
mod support;

use attio_meetings::types::MeetingTime;
use futures_util::TryStreamExt;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), support::Report> {
    let (client, fake) = support::connect().await?;
    if let Some(fake) = &fake {
        for i in 0..120 {
            let day = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?
                + chrono::Duration::days(i);
            let next = day + chrono::Duration::days(1);
            fake.store().seed_meeting(
                &serde_json::json!({"data": {
                    "title": format!("Day {i}"), "description": "", "is_all_day": true,
                    "start": {"date": day.to_string()}, "end": {"date": next.to_string()},
                    "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}]
                }}),
                None,
            )?;
        }
    }

    let mut meetings = client.meetings().list().limit(50).stream();
    let (mut count, mut all_day) = (0, 0);
    while let Some(meeting) = meetings.try_next().await? {
        count += 1;
        if matches!(meeting.start, MeetingTime::AllDay { .. }) {
            all_day += 1;
        }
    }
    println!("{count} meetings, {all_day} of them all-day");
    Ok(())
}
