//! The main job: `cargo run --example quickstart`.
//!
//! Without `ATTIO_API_KEY` it starts the embedded fake Attio server (which, like Attio, creates a meeting
//! on every create) and: ensures a timed meeting and an all-day one, ensures the first again to show that
//! it is found rather than created twice, syncs a batch of weekly check-ins in one listing, lists with a
//! filter across pages, gets a meeting, uploads a call transcript and reads it back.
//!
//! With `ATTIO_API_KEY` set it talks to the real Attio and only reads, unless `--write` is given, in which
//! case it also ensures one example meeting (running it twice creates one).

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use attio_meetings::types::{
    Meeting, MeetingSort, MeetingTime, NewCallRecording, NewMeeting, NewParticipant,
    NewTranscriptSegment, ParticipantStatus,
};
use attio_meetings::{Client, Ensured, Pacing};
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
                "reads and one ensure"
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

fn meeting(title: &str, start: MeetingTime, end: MeetingTime) -> Result<NewMeeting> {
    // The builder; `create` and `ensure` also take it as is. `linked_records` may be left out (none).
    let meeting = NewMeeting::builder()
        .title(title)
        .description(format!("{title}, synced by the attio-meetings quickstart."))
        .is_all_day(matches!(start, MeetingTime::AllDay { .. }))
        .start(start)
        .end(end)
        .participants(vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("grace@example.com", ParticipantStatus::Tentative)
                .with_name("Grace Hopper")?,
        ])
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

/// What `ensure` did, in a word, and the meeting.
fn ensured(outcome: &Ensured) -> String {
    match outcome {
        Ensured::Found(m) => format!("found    {}", show(m)),
        Ensured::Created(m) => format!("created  {}", show(m)),
        Ensured::Ambiguous(candidates) => {
            format!("{} meetings match; none created", candidates.len())
        }
    }
}

async fn tour(client: &Client) -> Result<()> {
    // 1. Ensure a timed meeting and an all-day one: Attio creates on every call, so `ensure` lists the
    //    meetings at that start first and creates only when none has the same title and organizer.
    let start = new_york("2027-11-27T14:00:00-05:00")?;
    let kickoff = meeting(
        "Onboarding kickoff",
        MeetingTime::at(start, "America/New_York"),
        MeetingTime::at(start + chrono::Duration::hours(1), "America/New_York"),
    )?;
    let outcome = client.meetings().ensure(kickoff.clone()).await?;
    println!("ensure    {}", ensured(&outcome));
    let first = outcome.meeting().ok_or("the kickoff is ambiguous")?.clone();
    let offsite = meeting(
        "Team offsite",
        MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 12, 1).ok_or("bad date")?),
        MeetingTime::all_day(NaiveDate::from_ymd_opt(2027, 12, 3).ok_or("bad date")?),
    )?;
    println!(
        "ensure    {}",
        ensured(&client.meetings().ensure(offsite).await?)
    );

    // 2. Ensuring the same meeting again finds it instead of creating another.
    let again = client.meetings().ensure(kickoff).await?;
    println!("again     {}\n", ensured(&again));

    // 3. Weekly check-ins with one participant, ensured as one batch (one listing for the stretch of
    //    weeks, then only the missing ones are created), then a filtered listing, two per page.
    let check_in = new_york("2027-12-06T10:00:00-05:00")?;
    let mut check_ins = Vec::new();
    for week in 0..5 {
        let start = check_in + chrono::Duration::weeks(week);
        let mut m = meeting(
            &format!("Weekly check-in #{}", week + 1),
            MeetingTime::at(start, "America/New_York"),
            MeetingTime::at(start + chrono::Duration::minutes(30), "America/New_York"),
        )?;
        m.participants = vec![NewParticipant::organizer("linus@example.com")];
        check_ins.push(m);
    }
    let outcomes = client
        .meetings()
        .ensure_all(check_ins)
        .window_gap(Duration::from_secs(8 * 24 * 3600))
        .run()
        .await?;
    let created = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(Ensured::Created(_))))
        .count();
    println!(
        "batch     {created} of {} check-ins created",
        outcomes.len()
    );
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

    // 5. Upload the call's transcript as a recording, wait for Attio (here the fake) to process it, and
    //    read the transcript back from the recording.
    let recordings = client.call_recordings(first.id.meeting_id);
    let said = [
        (
            "Ada Lovelace",
            "Welcome, everyone. Shall we start with the agenda?",
        ),
        (
            "Grace Hopper",
            "Yes please. I have two items on the rollout.",
        ),
        ("Ada Lovelace", "Great, go ahead."),
    ];
    let segments = said
        .iter()
        .enumerate()
        .map(|(i, (speaker, speech))| {
            let start = i as f64 * 4.0;
            NewTranscriptSegment::new(*speaker, start, start + 3.5, *speech)
        })
        .collect();
    let recording = recordings
        .create(NewCallRecording::from_transcript(segments))
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
        "transcript      {turns} turns, {} segments, {}:{:02} long:",
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
        )?;
        println!(
            "ensure    {}",
            ensured(&client.meetings().ensure(example).await?)
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
