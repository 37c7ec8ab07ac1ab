//! The command line's grammar: every command, flag and example `--help` shows.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

/// Browse Attio meetings, fetch transcripts, and import calendars (.ics) without duplicates.
#[derive(Debug, Parser)]
#[command(
    name = "attio-meetings",
    version,
    after_help = "The token comes from ATTIO_API_KEY (or --token-file); it is never printed.\n\
Output is a table on a terminal; --json prints JSON lines (one object per item) for scripts.\n\
Exit codes: 0 done, 1 failed (the message says why), 2 bad usage.\n\n\
Examples:\n  \
attio-meetings meetings list --participant ada@example.com --from 2026-01-01 --limit 20\n  \
attio-meetings transcript MEETING_ID RECORDING_ID --format srt > call.srt\n  \
attio-meetings import --dry-run calendar.ics | jq .data.title"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Read the API token from this file (first line) instead of ATTIO_API_KEY.
    #[arg(long, global = true, value_name = "FILE")]
    pub token_file: Option<PathBuf>,
    /// Attio's address, e.g. a fake's (default: `https://api.attio.com`).
    #[arg(long, global = true, env = "ATTIO_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,
    /// Print JSON lines (one object per item) instead of a table.
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List, read and find-or-create meetings.
    #[command(subcommand)]
    Meetings(Meetings),
    /// List, read, create and delete a meeting's call recordings.
    #[command(subcommand)]
    Recordings(Recordings),
    /// Print a call recording's transcript (every page, merged).
    #[command(after_help = "Examples:\n  \
attio-meetings transcript MEETING_ID RECORDING_ID\n  \
attio-meetings transcript MEETING_ID RECORDING_ID --format vtt --wait > call.vtt")]
    Transcript(TranscriptArgs),
    /// Import calendar files (.ics) as meetings: running it again creates nothing new.
    #[command(
        after_help = "Each event becomes a meeting found or created by its iCalendar identity (UID, and the\n\
original start of each occurrence of a recurring series), so an import can be re-run safely.\n\
Recurring series are expanded inside --since..--until; cancelled occurrences are skipped.\n\n\
Examples:\n  \
attio-meetings import --dry-run work.ics\n  \
attio-meetings import --since 2026-01-01 --until 2026-06-30 work.ics holidays.ics\n  \
curl -s \"$ICS_URL\" | attio-meetings import --provider google -"
    )]
    Import(ImportArgs),
}

#[derive(Debug, Subcommand)]
pub enum Meetings {
    /// List meetings (every page, newest filters applied by Attio).
    #[command(after_help = "Examples:\n  \
attio-meetings meetings list --from 2026-11-01 --before 2026-12-01\n  \
attio-meetings meetings list --linked-record companies:0f1c...-... --json")]
    List(ListMeetingsArgs),
    /// One meeting, by id.
    Get {
        /// The meeting's id.
        meeting: Uuid,
    },
    /// Find or create a meeting: the same --external-id always names the same meeting.
    #[command(after_help = "Examples:\n  \
attio-meetings meetings create --title 'Kick-off' --start 2026-12-01T10:00:00+01:00 \\\n      \
--end 2026-12-01T11:00:00+01:00 --timezone Europe/Paris --organizer ada@example.com \\\n      \
--participant grace@example.com --external-id kickoff-2026\n  \
attio-meetings meetings create --title Offsite --all-day 2026-12-07..2026-12-09 --external-id offsite")]
    Create(CreateMeetingArgs),
}

#[derive(Debug, Args)]
pub struct ListMeetingsArgs {
    /// Only meetings with this participant (repeatable: any of them).
    #[arg(long = "participant", value_name = "EMAIL")]
    pub participants: Vec<String>,
    /// Only meetings linked to this record.
    #[arg(long, value_name = "OBJECT:ID", value_parser = parse_linked_record)]
    pub linked_record: Option<(String, Uuid)>,
    /// Only meetings ending at or after this (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub from: Option<When>,
    /// Only meetings starting before this (YYYY-MM-DD or RFC 3339).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub before: Option<When>,
    /// IANA zone all-day meetings are placed in when filtering (Attio's default: UTC); dates given to
    /// --from/--before are midnight there too.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Order by start.
    #[arg(long, value_enum)]
    pub sort: Option<Sort>,
    /// Stop after this many meetings (default: all).
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Sort {
    /// Earliest first.
    StartAsc,
    /// Latest first.
    StartDesc,
}

#[derive(Debug, Args)]
pub struct CreateMeetingArgs {
    #[arg(long)]
    pub title: String,
    #[arg(long, default_value = "")]
    pub description: String,
    /// Start (RFC 3339, e.g. 2026-12-01T10:00:00+01:00).
    #[arg(
        long,
        value_name = "DATETIME",
        requires = "end",
        conflicts_with = "all_day"
    )]
    pub start: Option<DateTime<FixedOffset>>,
    /// End (RFC 3339), after the start.
    #[arg(long, value_name = "DATETIME", requires = "start")]
    pub end: Option<DateTime<FixedOffset>>,
    /// An all-day meeting on DATE, or from the first DATE to the second, both included.
    #[arg(long, value_name = "DATE[..DATE]", value_parser = parse_days, required_unless_present = "start")]
    pub all_day: Option<(NaiveDate, NaiveDate)>,
    /// IANA zone of a timed meeting (shown by Attio).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Who organises it.
    #[arg(long, value_name = "EMAIL")]
    pub organizer: Option<String>,
    /// Someone invited (repeatable); their answer is recorded as pending.
    #[arg(long = "participant", value_name = "EMAIL")]
    pub participants: Vec<String>,
    /// Link it to a record (repeatable).
    #[arg(long = "linked-record", value_name = "OBJECT:ID", value_parser = parse_linked_record)]
    pub linked_records: Vec<(String, Uuid)>,
    /// Your stable id for this meeting: sent again, it finds the same meeting.
    #[arg(long, value_name = "ID")]
    pub external_id: String,
}

#[derive(Debug, Subcommand)]
pub enum Recordings {
    /// A meeting's call recordings.
    List {
        meeting: Uuid,
        /// Stop after this many (default: all).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// One call recording.
    Get { meeting: Uuid, recording: Uuid },
    /// Add a recording to a meeting from a video URL (Attio fetches and transcribes it).
    #[command(after_help = "Example:\n  \
attio-meetings recordings create MEETING_ID --video-url https://example.com/call.mp4 --wait")]
    Create {
        meeting: Uuid,
        /// Where Attio downloads the video from.
        #[arg(long, value_name = "URL")]
        video_url: String,
        /// Wait until Attio has processed it.
        #[arg(long)]
        wait: bool,
    },
    /// Delete a call recording (deleting one already gone succeeds).
    Delete { meeting: Uuid, recording: Uuid },
}

#[derive(Debug, Args)]
pub struct TranscriptArgs {
    pub meeting: Uuid,
    pub recording: Uuid,
    /// text: speaker-labelled paragraphs; json: a segment per line; srt, vtt: subtitles.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// If the recording is still processing, wait until it is done.
    #[arg(long)]
    pub wait: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Srt,
    Vtt,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Provider {
    Google,
    Microsoft,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Calendar files (.ics); `-` reads one from standard input.
    #[arg(required = true, value_name = "FILE.ics")]
    pub files: Vec<PathBuf>,
    /// Whose calendar the events come from (default: what the file's PRODID says).
    #[arg(long, value_enum)]
    pub provider: Option<Provider>,
    /// First day of the window recurring events are expanded in (YYYY-MM-DD or RFC 3339; default 90 days ago).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub since: Option<When>,
    /// Last day of the window, included (YYYY-MM-DD or RFC 3339; default 180 days ahead).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub until: Option<When>,
    /// IANA zone of floating times (events without a zone); default the calendar's X-WR-TIMEZONE.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Print the request bodies (JSON lines, as POSTed to find-or-create) and send nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Requests in flight at once (pacing keeps them under Attio's write limit).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Writes per second at most (Attio allows 25 per token; lower it when other jobs share the token).
    #[arg(long, default_value_t = 25, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rate: u32,
}

/// A date (a whole day) or an instant, as given on the command line.
#[derive(Debug, Clone, Copy)]
pub enum When {
    Day(NaiveDate),
    At(DateTime<FixedOffset>),
}

fn parse_when(value: &str) -> Result<When, String> {
    if let Ok(day) = value.parse::<NaiveDate>() {
        return Ok(When::Day(day));
    }
    DateTime::parse_from_rfc3339(value)
        .map(When::At)
        .map_err(|_| {
            "expected YYYY-MM-DD or an RFC 3339 date-time like 2026-12-01T10:00:00Z".into()
        })
}

fn parse_days(value: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let day = |v: &str| {
        v.trim()
            .parse::<NaiveDate>()
            .map_err(|_| format!("\"{v}\" is not a YYYY-MM-DD date"))
    };
    let (first, last) = match value.split_once("..") {
        Some((first, last)) => (day(first)?, day(last)?),
        None => (day(value)?, day(value)?),
    };
    if last < first {
        return Err(format!("{last} is before {first}"));
    }
    Ok((first, last))
}

fn parse_linked_record(value: &str) -> Result<(String, Uuid), String> {
    let (object, id) = value
        .split_once(':')
        .ok_or("expected OBJECT:ID, e.g. companies:7f0e6a4c-2b1d-4c3e-9f8a-1b2c3d4e5f60")?;
    let id = id
        .parse::<Uuid>()
        .map_err(|_| format!("\"{id}\" is not a record id (a UUID)"))?;
    if object.is_empty() {
        return Err("the object (before ':') is empty".into());
    }
    Ok((object.to_string(), id))
}
