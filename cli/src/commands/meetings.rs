//! `meetings list|get|create`.

use std::process::ExitCode;

use attio_meetings::types::{
    ExternalRef, Meeting, MeetingSort, MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant,
    ParticipantStatus,
};
use chrono::Utc;

use crate::args::{CreateMeetingArgs, Global, ListMeetingsArgs, Meetings, Sort, When};
use crate::failure::Failure;
use crate::output::{self, Output, fields};

pub async fn run(global: &Global, out: &Output, command: Meetings) -> Result<ExitCode, Failure> {
    let client = super::connect(global)?;
    match command {
        Meetings::List(args) => list(&client, out, args).await,
        Meetings::Get { meeting } => {
            let meeting = client
                .meetings()
                .get(meeting)
                .send()
                .await
                .map_err(|e| Failure::api("getting the meeting", &e))?;
            show(out, &meeting)
        }
        Meetings::Create(args) => {
            let meeting = new_meeting(args)?;
            let meeting = client
                .meetings()
                .find_or_create(meeting)
                .send()
                .await
                .map_err(|e| Failure::api("finding or creating the meeting", &e))?;
            show(out, &meeting)
        }
    }
}

async fn list(
    client: &attio_meetings::Client,
    out: &Output,
    args: ListMeetingsArgs,
) -> Result<ExitCode, Failure> {
    let zone = args.timezone.unwrap_or(chrono_tz::UTC);
    let mut request = client.meetings().list();
    if !args.participants.is_empty() {
        request = request.participants(args.participants);
    }
    if let Some((object, id)) = args.linked_record {
        request = request.linked_record(object, id);
    }
    if let Some(from) = args.from {
        request = request.ends_from(instant(from, zone));
    }
    if let Some(before) = args.before {
        request = request.starts_before(instant(before, zone));
    }
    if let Some(timezone) = args.timezone {
        request = request.timezone(timezone.name());
    }
    if let Some(sort) = args.sort {
        request = request.sort(match sort {
            Sort::StartAsc => MeetingSort::StartAsc,
            Sort::StartDesc => MeetingSort::StartDesc,
        });
    }
    output::list(
        out,
        request.stream(),
        args.limit,
        "listing meetings",
        "no meetings match",
        &["ID", "START", "END", "TITLE", "PARTICIPANTS"],
        |meeting| {
            vec![
                meeting.id.meeting_id.to_string(),
                time(&meeting.start),
                time(&meeting.end),
                meeting.title.clone(),
                meeting.participants.len().to_string(),
            ]
        },
    )
    .await?;
    Ok(ExitCode::SUCCESS)
}

fn show(out: &Output, meeting: &Meeting) -> Result<ExitCode, Failure> {
    if out.json() {
        out.line(meeting)?;
        return Ok(ExitCode::SUCCESS);
    }
    let participants = meeting
        .participants
        .iter()
        .map(|p| {
            let who = p.email_address.as_deref().unwrap_or("(no e-mail)");
            let role = if p.is_organizer { ", organizer" } else { "" };
            format!("{who} ({}{role})", p.status.as_str())
        })
        .collect::<Vec<_>>()
        .join(", ");
    let linked = meeting
        .linked_records
        .iter()
        .map(|r| format!("{}:{}", r.object_slug, r.record_id))
        .collect::<Vec<_>>()
        .join(", ");
    fields(&[
        ("id", meeting.id.meeting_id.to_string()),
        ("title", meeting.title.clone()),
        ("start", time(&meeting.start)),
        ("end", time(&meeting.end)),
        ("participants", participants),
        ("linked records", linked),
        ("description", meeting.description.clone()),
    ])?;
    Ok(ExitCode::SUCCESS)
}

/// A meeting time as people read it: `2026-12-01 10:00 +01:00 (Europe/Paris)` or `2026-12-01`.
pub fn time(at: &MeetingTime) -> String {
    match (at.datetime(), at.date()) {
        (Some(datetime), _) => {
            let zone = match at {
                MeetingTime::Timed {
                    timezone: Some(zone),
                    ..
                } => format!(" ({zone})"),
                _ => String::new(),
            };
            format!("{}{zone}", datetime.format("%Y-%m-%d %H:%M %:z"))
        }
        (None, Some(date)) => date.to_string(),
        (None, None) => "?".into(),
    }
}

fn instant(when: When, zone: chrono_tz::Tz) -> chrono::DateTime<Utc> {
    match when {
        When::At(at) => at.with_timezone(&Utc),
        When::Day(day) => crate::ics::midnight(zone, day),
    }
}

fn new_meeting(args: CreateMeetingArgs) -> Result<NewMeeting, Failure> {
    let (start, end, all_day) = match (args.all_day, args.start, args.end) {
        (Some((first, last)), _, _) => (
            MeetingTime::all_day(first),
            // Attio's end is exclusive; the flag names the last day.
            MeetingTime::all_day(
                last.checked_add_days(chrono::Days::new(1))
                    .ok_or_else(|| Failure::usage(format!("--all-day {last} is too far ahead")))?,
            ),
            true,
        ),
        (None, Some(start), Some(end)) => {
            if end <= start {
                return Err(Failure::usage("--end must be after --start"));
            }
            let zone = args.timezone.map(|z| z.name().to_string());
            let at = |t: chrono::DateTime<chrono::FixedOffset>| match &zone {
                Some(zone) => MeetingTime::at(t, zone.clone()),
                None => MeetingTime::instant(t),
            };
            (at(start), at(end), false)
        }
        _ => {
            return Err(Failure::usage(
                "give --start and --end, or --all-day DATE[..DATE]",
            ));
        }
    };
    let mut participants: Vec<NewParticipant> = args
        .organizer
        .iter()
        .map(NewParticipant::organizer)
        .collect();
    participants.extend(
        args.participants
            .iter()
            .map(|email| NewParticipant::attendee(email, ParticipantStatus::Pending)),
    );
    let external_ref = ExternalRef::id(args.external_id)
        .map_err(|_| Failure::usage("--external-id must not be empty"))?;
    NewMeeting::builder()
        .title(args.title)
        .description(args.description)
        .start(start)
        .end(end)
        .is_all_day(all_day)
        .participants(participants)
        .linked_records(
            args.linked_records
                .into_iter()
                .map(|(object, id)| NewLinkedRecord::new(object, id))
                .collect::<Vec<_>>(),
        )
        .external_ref(external_ref)
        .try_into()
        .map_err(|e: attio_meetings::types::error::ConversionError| {
            Failure::usage(format!("the meeting is not valid: {e}"))
        })
}
