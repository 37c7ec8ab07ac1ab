//! The main job: `cargo run --example quickstart`.
//!
//! Without `ATTIO_API_KEY` it starts the embedded fake Attio server and, with the generated client,
//! syncs two meetings (one timed, one all-day), re-sends the first to show de-duplication, lists with a
//! filter across pages, gets a meeting, attaches a call recording and reads its transcript.
//!
//! With `ATTIO_API_KEY` set it talks to the real Attio instead and only reads, unless `--write` is given,
//! in which case it also finds-or-creates one example meeting (de-duplicated, so running it twice creates
//! one meeting).

use std::error::Error;
use std::time::Duration;

use attio_meetings::Client;
use attio_meetings::types::{
    CallRecordingStatus, ExternalId, ExternalRef, FindOrCreateMeetingRequest, Meeting, MeetingTime,
    NewCallRecording, NewMeeting, NewParticipant, ParticipantStatus,
};
use attio_meetings_mock::MockServer;
use chrono::{DateTime, NaiveDate};

type Result<T> = std::result::Result<T, Box<dyn Error>>;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let writes = std::env::args().any(|a| a == "--write");
    match std::env::var("ATTIO_API_KEY") {
        Ok(token) => {
            let base =
                std::env::var("ATTIO_BASE_URL").unwrap_or_else(|_| "https://api.attio.com".into());
            println!(
                "Talking to {base} ({}).",
                if writes {
                    "reads and one find-or-create"
                } else {
                    "reads only"
                }
            );
            real(&client(&base, &token)?, writes).await
        }
        Err(_) => {
            let server = MockServer::start().await?;
            println!(
                "Started the embedded fake Attio at {} (set ATTIO_API_KEY to use the real one).\n",
                server.base_url()
            );
            tour(&client(server.base_url(), server.token())?).await
        }
    }
}

/// The generated client, with the token sent as a sensitive bearer header.
fn client(base_url: &str, token: &str) -> Result<Client> {
    let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?;
    auth.set_sensitive(true);
    let http = reqwest::Client::builder()
        .user_agent(concat!(
            "attio-meetings/",
            env!("CARGO_PKG_VERSION"),
            " (quickstart)"
        ))
        .default_headers(
            [(reqwest::header::AUTHORIZATION, auth)]
                .into_iter()
                .collect(),
        )
        .build()?;
    Ok(Client::new_with_client(base_url, http))
}

fn participant(email: &str, organizer: bool) -> NewParticipant {
    NewParticipant {
        email_address: email.into(),
        is_organizer: organizer,
        status: ParticipantStatus::Accepted,
    }
}

fn timed(rfc3339: &str) -> Result<MeetingTime> {
    Ok(MeetingTime::Timed {
        datetime: DateTime::parse_from_rfc3339(rfc3339)?,
        timezone: Some("America/New_York".into()),
    })
}

fn sync_request(
    title: &str,
    start: MeetingTime,
    end: MeetingTime,
    all_day: bool,
    id: &str,
) -> Result<FindOrCreateMeetingRequest> {
    Ok(FindOrCreateMeetingRequest {
        data: NewMeeting {
            title: title.into(),
            description: format!("{title}, synced by the attio-meetings quickstart."),
            start,
            end,
            is_all_day: all_day,
            participants: vec![
                participant("ada@example.com", true),
                participant("grace@example.com", false),
            ],
            linked_records: Vec::new(),
            external_ref: ExternalRef::ExternalId(ExternalId::try_from(id)?),
        },
    })
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
    let kickoff = sync_request(
        "Onboarding kickoff",
        timed("2027-11-27T14:00:00-05:00")?,
        timed("2027-11-27T15:00:00-05:00")?,
        false,
        "crm-event-1001",
    )?;
    let first = client
        .find_or_create_meeting()
        .body(kickoff.clone())
        .send()
        .await?
        .into_inner()
        .data;
    println!("find-or-create  {}", show(&first));
    let offsite = sync_request(
        "Team offsite",
        MeetingTime::AllDay {
            date: NaiveDate::from_ymd_opt(2027, 12, 1).ok_or("bad date")?,
        },
        MeetingTime::AllDay {
            date: NaiveDate::from_ymd_opt(2027, 12, 3).ok_or("bad date")?,
        },
        true,
        "crm-event-1002",
    )?;
    let all_day = client
        .find_or_create_meeting()
        .body(offsite)
        .send()
        .await?
        .into_inner()
        .data;
    println!("find-or-create  {}", show(&all_day));

    // 2. Re-sending the same external_ref finds the same meeting instead of creating another.
    let again = client
        .find_or_create_meeting()
        .body(kickoff)
        .send()
        .await?
        .into_inner()
        .data;
    println!(
        "re-sent         same id: {} ({})\n",
        again.id.meeting_id == first.id.meeting_id,
        again.id.meeting_id
    );

    // 3. A few weekly check-ins with one participant, then a filtered listing, two per page.
    let first_check_in = DateTime::parse_from_rfc3339("2027-12-06T10:00:00-05:00")?;
    for week in 0..5 {
        let start = first_check_in + chrono::Duration::weeks(week);
        let at = |datetime| MeetingTime::Timed {
            datetime,
            timezone: Some("America/New_York".into()),
        };
        let title = format!("Weekly check-in #{}", week + 1);
        let mut request = sync_request(
            &title,
            at(start),
            at(start + chrono::Duration::minutes(30)),
            false,
            &format!("checkin-{week}"),
        )?;
        request.data.participants = vec![participant("linus@example.com", true)];
        client.find_or_create_meeting().body(request).send().await?;
    }
    let mut cursor: Option<String> = None;
    let mut page_number = 1;
    loop {
        let mut call = client
            .list_meetings()
            .participants("linus@example.com")
            .limit(2u8);
        if let Some(cursor) = &cursor {
            call = call.cursor(cursor.clone());
        }
        let page = call.send().await?.into_inner();
        println!("page {page_number} of meetings with linus@example.com:");
        for meeting in &page.data {
            println!("  {}", show(meeting));
        }
        match page.pagination.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
        page_number += 1;
    }

    // 4. Get one meeting by id.
    let got = client
        .get_meeting()
        .meeting_id(first.id.meeting_id)
        .send()
        .await?
        .into_inner()
        .data;
    println!(
        "\nget             {} with {} participants",
        show(&got),
        got.participants.len()
    );

    // 5. Attach a call recording, wait for Attio (the fake) to process it, read the transcript.
    let recording = client
        .create_call_recording()
        .meeting_id(first.id.meeting_id)
        .body(attio_meetings::types::CreateCallRecordingRequest {
            data: NewCallRecording {
                video_url: "https://example.com/recordings/kickoff.mp4".into(),
            },
        })
        .send()
        .await?
        .into_inner()
        .data;
    println!(
        "call recording  {} is {}",
        recording.id.call_recording_id, recording.status
    );
    let mut status = recording.status;
    for _ in 0..40 {
        if status != CallRecordingStatus::Processing {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let current = client
            .get_call_recording()
            .meeting_id(first.id.meeting_id)
            .call_recording_id(recording.id.call_recording_id)
            .send()
            .await?;
        status = current.into_inner().data.status;
    }
    println!("call recording  is now {status}");
    let transcript = client
        .get_transcript()
        .meeting_id(first.id.meeting_id)
        .call_recording_id(recording.id.call_recording_id)
        .send()
        .await?
        .into_inner();
    println!(
        "transcript      {} segments on the first page:",
        transcript.data.transcript.len()
    );
    for line in transcript.data.raw_transcript.lines() {
        println!("  {line}");
    }
    Ok(())
}

async fn real(client: &Client, writes: bool) -> Result<()> {
    if writes {
        let request = sync_request(
            "attio-meetings quickstart",
            timed("2027-11-27T14:00:00-05:00")?,
            timed("2027-11-27T15:00:00-05:00")?,
            false,
            "attio-meetings-quickstart-example",
        )?;
        let meeting = client
            .find_or_create_meeting()
            .body(request)
            .send()
            .await?
            .into_inner()
            .data;
        println!("find-or-create  {}", show(&meeting));
    }
    let page = client
        .list_meetings()
        .limit(10u8)
        .sort("start_desc")
        .send()
        .await?
        .into_inner();
    println!("{} most recent meetings:", page.data.len());
    for meeting in &page.data {
        println!("  {}", show(meeting));
    }
    if let Some(meeting) = page.data.first() {
        let recordings = client
            .list_call_recordings()
            .meeting_id(meeting.id.meeting_id)
            .send()
            .await?
            .into_inner();
        println!(
            "{} call recordings on the newest meeting",
            recordings.data.len()
        );
    }
    Ok(())
}
