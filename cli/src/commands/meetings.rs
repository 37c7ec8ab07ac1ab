//! `meetings list|get|create|delete|link`.

use std::process::ExitCode;

use attio_meetings::Ensured;
use attio_meetings::types::{
    Meeting, MeetingSort, MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant,
    ParticipantStatus,
};
use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;

use crate::args::{
    CreateMeetingArgs, Global, ListMeetingsArgs, Meetings, Person, Sort, When, in_zone,
};
use crate::failure::Failure;
use crate::output::{self, Output, fields, plural};

pub async fn run(global: &Global, out: &Output, command: Meetings) -> Result<ExitCode, Failure> {
    // Usage is checked before the token is looked for: a wrong command line says so first.
    let command = checked(command)?;
    let client = super::connect(global)?;
    match command {
        Checked::List { args, from, before } => list(&client, out, args, from, before).await,
        Checked::Get { meeting } => {
            let meeting = client
                .meetings()
                .get(meeting)
                .send()
                .await
                .map_err(|e| Failure::api("getting the meeting", &e))?;
            show(out, &meeting)
        }
        Checked::Create { meeting, ensure } => {
            if !ensure {
                let meeting = client
                    .meetings()
                    .create(meeting)
                    .send()
                    .await
                    .map_err(|e| create_failure(&e))?;
                return show(out, &meeting);
            }
            match client
                .meetings()
                .ensure(meeting)
                .send()
                .await
                .map_err(|e| Failure::api("ensuring the meeting", &e))?
            {
                Ensured::Found(meeting) => {
                    eprintln!(
                        "found: a meeting with this start, title and organizer exists; nothing created"
                    );
                    show(out, &meeting)
                }
                Ensured::Created(meeting) => show(out, &meeting),
                Ensured::Ambiguous(candidates) => {
                    let ids: Vec<String> = candidates
                        .iter()
                        .map(|m| m.id.meeting_id.to_string())
                        .collect();
                    let have = if candidates.len() == 1 { "has" } else { "have" };
                    Err(Failure::new(format!(
                        "{} {have} this start, title and organizer ({}); none created: delete the extra ones or create without --ensure",
                        plural(candidates.len(), "meeting", "meetings"),
                        ids.join(", ")
                    )))
                }
            }
        }
        Checked::Delete { meeting } => {
            client
                .meetings()
                .delete(meeting)
                .send()
                .await
                .map_err(|e| delete_failure(&e))?;
            if out.json() {
                out.line(&serde_json::json!({ "deleted": meeting }))?;
            } else {
                eprintln!("deleted meeting {meeting}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Checked::Link {
            meeting,
            records,
            replace,
        } => {
            let meeting = if replace {
                if records.is_empty() {
                    eprintln!("unlinking every record of meeting {meeting}");
                }
                client
                    .meetings()
                    .replace_linked_records(meeting, records)
                    .send()
                    .await
                    .map_err(|e| Failure::api("replacing the linked records", &e))?
            } else {
                client
                    .meetings()
                    .link_records(meeting, records)
                    .send()
                    .await
                    .map_err(|e| Failure::api("linking the records", &e))?
            };
            show(out, &meeting)
        }
    }
}

/// A command whose arguments are checked and turned into what the library takes.
enum Checked {
    /// The listing's flags, with --from and --before as instants.
    List {
        args: ListMeetingsArgs,
        from: Option<DateTime<Utc>>,
        before: Option<DateTime<Utc>>,
    },
    Get {
        meeting: uuid::Uuid,
    },
    Create {
        meeting: NewMeeting,
        ensure: bool,
    },
    Delete {
        meeting: uuid::Uuid,
    },
    Link {
        meeting: uuid::Uuid,
        records: Vec<NewLinkedRecord>,
        replace: bool,
    },
}

fn checked(command: Meetings) -> Result<Checked, Failure> {
    Ok(match command {
        Meetings::List(args) => {
            // Dates are midnight in --timezone's zone (Attio's default, UTC, without it).
            let zone = args.timezone.unwrap_or(chrono_tz::UTC);
            let instant = |flag, when: Option<When>| {
                when.map(|when| filter_instant(flag, when, args.timezone, zone))
                    .transpose()
            };
            let from = instant("--from", args.from)?;
            let before = instant("--before", args.before)?;
            Checked::List { args, from, before }
        }
        Meetings::Get { meeting } => Checked::Get { meeting },
        Meetings::Create(args) => Checked::Create {
            ensure: args.ensure,
            meeting: new_meeting(args)?,
        },
        Meetings::Delete { meeting } => Checked::Delete { meeting },
        Meetings::Link {
            meeting,
            records,
            replace,
        } => {
            if records.is_empty() && !replace {
                return Err(Failure::usage(
                    "give at least one OBJECT:ID to link (or --replace with none to unlink all)",
                ));
            }
            Checked::Link {
                meeting,
                records: records
                    .into_iter()
                    .map(|(object, id)| NewLinkedRecord::new(object, id))
                    .collect(),
                replace,
            }
        }
    })
}

/// A failed create: one whose answer was lost may have made the meeting, and sending it again would
/// make a second one.
fn create_failure(error: &attio_meetings::Error) -> Failure {
    if error.may_have_been_applied() {
        return Failure::new(format!(
            "creating the meeting failed: {error} (the meeting may have been created all the same: look with `meetings list` before trying again, or run the same command with --ensure)"
        ));
    }
    Failure::api("creating the meeting", error)
}

/// A refused delete: Attio's calendar sync owns some meetings.
fn delete_failure(error: &attio_meetings::Error) -> Failure {
    if error
        .api()
        .is_some_and(|api| api.code == "system_edit_unauthorized")
    {
        return Failure::new(format!(
            "deleting the meeting failed: {error} (it came from Attio's calendar sync: delete the event in the calendar, or disconnect the calendar)"
        ));
    }
    Failure::api("deleting the meeting", error)
}

async fn list(
    client: &attio_meetings::Client,
    out: &Output,
    args: ListMeetingsArgs,
    from: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
) -> Result<ExitCode, Failure> {
    let mut request = client.meetings().list();
    if !args.participants.is_empty() {
        request = request.participants(args.participants);
    }
    if let Some((object, id)) = args.linked_record {
        request = request.linked_record(object, id);
    }
    if let Some(from) = from {
        request = request.ends_from(from);
    }
    if let Some(before) = before {
        request = request.starts_before(before);
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
            let who = match (p.name.as_deref(), p.email_address.as_deref()) {
                (Some(name), Some(email)) => format!("{name} <{email}>"),
                (Some(name), None) => name.to_string(),
                (None, Some(email)) => email.to_string(),
                (None, None) => "(no e-mail)".to_string(),
            };
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

/// A --from/--before filter as an instant: a date is midnight in `day_zone`, a local time is read in
/// --timezone's `zone` (refused without one).
fn filter_instant(
    flag: &str,
    when: When,
    zone: Option<Tz>,
    day_zone: Tz,
) -> Result<DateTime<Utc>, Failure> {
    Ok(match when {
        When::At(at) => at.with_timezone(&Utc),
        When::Day(day) => crate::ics::midnight(day_zone, day),
        When::Local(local) => in_zone(flag, local, zone)?.with_timezone(&Utc),
    })
}

/// A --start/--end date-time: as given with its offset, or a local time read in --timezone's `zone`.
fn meeting_instant(
    flag: &str,
    when: When,
    zone: Option<Tz>,
) -> Result<DateTime<FixedOffset>, Failure> {
    match when {
        When::At(at) => Ok(at),
        When::Local(local) => in_zone(flag, local, zone),
        // The flag's parser refuses dates; kept as a usage error rather than a panic.
        When::Day(day) => Err(Failure::usage(format!(
            "{flag} {day} has no time of day: give one, or use --all-day {day}"
        ))),
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
            let start = meeting_instant("--start", start, args.timezone)?;
            let end = meeting_instant("--end", end, args.timezone)?;
            if end <= start {
                return Err(Failure::usage(format!(
                    "--end ({}) must be after --start ({})",
                    end.to_rfc3339(),
                    start.to_rfc3339()
                )));
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
    let person = |person: &Person, status| {
        let participant = NewParticipant::attendee(&person.email, status);
        match &person.name {
            Some(name) => participant
                .with_name(name)
                .map_err(|e| Failure::usage(format!("{}: {e}", person.email))),
            None => Ok(participant),
        }
    };
    let mut participants: Vec<NewParticipant> = Vec::new();
    if let Some(organizer) = &args.organizer {
        participants.push(person(organizer, ParticipantStatus::Accepted)?.as_organizer());
    }
    for attendee in &args.participants {
        participants.push(person(attendee, ParticipantStatus::Pending)?);
    }
    for guest in &args.guests {
        participants.push(
            NewParticipant::named(guest, ParticipantStatus::Pending)
                .map_err(|e| Failure::usage(format!("--guest: {e}")))?,
        );
    }
    if participants.is_empty() {
        return Err(Failure::usage(
            "give --organizer, --participant or --guest: Attio needs at least one participant",
        ));
    }
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
        .try_into()
        .map_err(|e: attio_meetings::types::error::ConversionError| {
            Failure::usage(format!("the meeting is not valid: {e}"))
        })
}
