//! The main job: `cargo run --example quickstart`.
//!
//! Without `ATTIO_API_KEY` it starts the embedded fake Attio server and: syncs a timed meeting and an
//! all-day one, re-sends the first to show de-duplication, lists with a filter across pages, gets a
//! meeting, attaches a call recording and reads its transcript.
//!
//! With `ATTIO_API_KEY` set it talks to the real Attio and only reads, unless `--write` is given, in which
//! case it also finds-or-creates one example meeting (de-duplicated: running it twice creates one).

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use attio_meetings::types::ParticipantStatus;
use attio_meetings::types::{
    ExternalRef, Meeting, MeetingSort, MeetingTime, NewMeeting, NewParticipant,
};
use attio_meetings::{Client, Pacing};
use attio_meetings_mock::MockServer;
use chrono::{DateTime, FixedOffset, NaiveDate};
use futures_util::TryStreamExt;

type Result<T> = std::result::Result<T, support::Report>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    if std::env::var_os("ATTIO_API_KEY").is_some() {
        let writes = std::env::args().any(|a| a == "--write");
        let client = Client::builder()
            .from_env()?
            .pacing(Pacing::attio())
            .build()?;
        println!(
            "Talking to {} ({}).",
            client.base_url(),
            if writes {
                "reads and one find-or-create"
            } else {
                "reads only"
            }
        );
        return real(&client, writes).await;
    }
    let server = MockServer::start().await?;
    println!(
        "Started the embedded fake Attio at {} (set ATTIO_API_KEY to use the real one).\n",
        server.base_url()
    );
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .build()?;
    tour(&client).await
}

fn new_york(rfc3339: &str) -> Result<DateTime<FixedOffset>> {
    Ok(DateTime::parse_from_rfc3339(rfc3339)?)
}

fn meeting(
    title: &str,
    start: MeetingTime,
    end: MeetingTime,
    external_id: &str,
) -> Result<NewMeeting> {
    // The builder; `find_or_create` also takes it as is. `linked_records` may be left out (none).
    let meeting = NewMeeting::builder()
        .title(title)
        .description(format!("{title}, synced by the attio-meetings quickstart."))
        .is_all_day(matches!(start, MeetingTime::AllDay { .. }))
        .start(start)
        .end(end)
        .participants(vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("grace@example.com", ParticipantStatus::Tentative),
        ])
        .external_ref(ExternalRef::id(external_id)?)
        .try_into()?;
    Ok(meeting)
}

fn show(meeting: &Meeting) -> String {
    let when = match &meeting.start {
        MeetingTime::Timed { datetime, .. } => datetime.to_rfc3339(),
        MeetingTime::AllDay { date } => format!("{date} (all day)"),
    };
    format!("{when}  {}  [{}]", meeting.title, meeting.id.meeting_id)
}

async fn tour(client: &Client) -> Result<()> {
    // 1. Find-or-create a timed meeting and an all-day one.
    let start = new_york("2027-11-27T14:00:00-05:00")?;
    let kickoff = meeting(
        "Onboarding kickoff",
        MeetingTime::at(start, "America/New_York"),
        MeetingTime::at(start + chrono::Duration::hours(1), "America/New_York"),
        "crm-event-1001",
    )?;
    let first = client.meetings().find_or_create(kickoff.clone()).await?;
    println!("find-or-create  {}", show(&first));
    let offsite = meeting(
        "Team offsite",
        MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 12, 1).ok_or("bad date")?),
        MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 12, 3).ok_or("bad date")?),
        "crm-event-1002",
    )?;
    println!(
        "find-or-create  {}",
        show(&client.meetings().find_or_create(offsite).await?)
    );

    // 2. Re-sending the same external_ref finds the same meeting instead of creating another.
    let again = client.meetings().find_or_create(kickoff).await?;
    println!(
        "re-sent         same id: {} ({})\n",
        again.id == first.id,
        again.id.meeting_id
    );

    // 3. Weekly check-ins with one participant, then a filtered listing, two per page.
    let check_in = new_york("2027-12-06T10:00:00-05:00")?;
    for week in 0..5 {
        let start = check_in + chrono::Duration::weeks(week);
        let mut m = meeting(
            &format!("Weekly check-in #{}", week + 1),
            MeetingTime::at(start, "America/New_York"),
            MeetingTime::at(start + chrono::Duration::minutes(30), "America/New_York"),
            &format!("checkin-{week}"),
        )?;
        m.participants = vec![NewParticipant::organizer("linus@example.com")];
        client.meetings().find_or_create(m).await?;
    }
    let mut pages = client
        .meetings()
        .list()
        .participants(["linus@example.com"])
        .limit(2)
        .pages();
    let mut number = 1;
    while let Some(page) = pages.try_next().await? {
        println!("page {number} of meetings with linus@example.com:");
        for meeting in &page.data {
            println!("  {}", show(meeting));
        }
        number += 1;
    }

    // 4. Get one meeting by id.
    let got = client.meetings().get(first.id.meeting_id).await?;
    println!(
        "\nget             {} with {} participants",
        show(&got),
        got.participants.len()
    );

    // 5. Attach a call recording, wait for Attio (here the fake) to process it, read the transcript.
    let recordings = client.call_recordings(first.id.meeting_id);
    let recording = recordings
        .create("https://example.com/recordings/kickoff.mp4")
        .await?;
    println!(
        "call recording  {} is {}",
        recording.id.call_recording_id, recording.status
    );
    let recording = recordings
        .wait_until_processed(recording.id.call_recording_id)
        .every(Duration::from_millis(200))
        .timeout(Duration::from_secs(30))
        .await?;
    println!("call recording  is now {}", recording.status);
    let transcript = client
        .transcript(first.id.meeting_id, recording.id.call_recording_id)
        .await?;
    let turns = transcript.raw_transcript.lines().count();
    let seconds = transcript.transcript.last().map_or(0.0, |s| s.end_time);
    println!(
        "transcript      {turns} turns, {} words, {}:{:02} long:",
        transcript.transcript.len(),
        (seconds / 60.0) as u64,
        (seconds % 60.0) as u64
    );
    for line in transcript.raw_transcript.lines() {
        println!("  {line}");
    }
    Ok(())
}

async fn real(client: &Client, writes: bool) -> Result<()> {
    if writes {
        let start = new_york("2027-11-27T14:00:00-05:00")?;
        let example = meeting(
            "attio-meetings quickstart",
            MeetingTime::at(start, "America/New_York"),
            MeetingTime::at(start + chrono::Duration::hours(1), "America/New_York"),
            "attio-meetings-quickstart-example",
        )?;
        println!(
            "find-or-create  {}",
            show(&client.meetings().find_or_create(example).await?)
        );
    }
    let page = client
        .meetings()
        .list()
        .limit(10)
        .sort(MeetingSort::StartDesc)
        .await?;
    println!("{} most recent meetings:", page.data.len());
    for meeting in &page.data {
        println!("  {}", show(meeting));
    }
    if let Some(meeting) = page.data.first() {
        let recordings = client
            .call_recordings(meeting.id.meeting_id)
            .list()
            .collect_all()
            .await?;
        println!("{} call recordings on the newest meeting", recordings.len());
    }
    Ok(())
}
