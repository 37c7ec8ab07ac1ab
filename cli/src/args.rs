//! The command line's grammar: every command, flag and example `--help` shows.

use std::path::PathBuf;

use chrono::offset::LocalResult;
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use clap::{Args, Parser, Subcommand, ValueEnum};
use uuid::Uuid;

use crate::failure::Failure;

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
    /// List, read, create, delete meetings and link them to records.
    #[command(subcommand)]
    Meetings(Meetings),
    /// List, read, create and delete a meeting's call recordings.
    #[command(subcommand)]
    Recordings(Recordings),
    /// Print a call recording's transcript.
    #[command(after_help = "Examples:\n  \
attio-meetings transcript MEETING_ID RECORDING_ID\n  \
attio-meetings transcript MEETING_ID RECORDING_ID --format vtt --wait > call.vtt")]
    Transcript(TranscriptArgs),
    /// Import calendar files (.ics) as meetings: running it again creates nothing new.
    #[command(
        after_help = "Attio creates a meeting on every create, so the import lists the meetings of the window \
first and creates only the events no meeting matches (same start, title and organizer); a \
second run finds everything and writes nothing. An event whose title or time changed in the \
calendar is a new meeting (the old one stays). Run one import of a calendar at a time. \
Recurring series are expanded inside --since..--until; cancelled occurrences are skipped.\n\n\
Examples:\n  \
attio-meetings import --dry-run work.ics\n  \
attio-meetings import --since 2026-01-01 --until 2026-06-30 work.ics team.ics\n  \
curl -s \"$ICS_URL\" | attio-meetings import -"
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
    /// Create a meeting (Attio creates one on every call); with --ensure, only if none matches.
    #[command(
        after_help = "Without --ensure every call creates a meeting, even one just like an existing one. \
With --ensure the meetings at that start are listed first, and one with the same title \
and organizer is shown instead of creating another (several: listed, exit 1, none created).\n\n\
Examples:\n  \
attio-meetings meetings create --ensure --title 'Kick-off' \\\n    \
--start 2026-12-01T10:00:00+01:00 --end 2026-12-01T11:00:00+01:00 \\\n    \
--timezone Europe/Paris --organizer 'Ada Lovelace <ada@example.com>' \\\n    \
--participant grace@example.com --guest 'Front desk'\n  \
attio-meetings meetings create --title Offsite \\\n    \
--all-day 2026-12-07..2026-12-09 --organizer ada@example.com"
    )]
    Create(CreateMeetingArgs),
    /// Delete a meeting (meetings of Attio's own calendar sync cannot be deleted).
    Delete {
        /// The meeting's id.
        meeting: Uuid,
    },
    /// Link a meeting to records (added to its links; --replace makes them its only links).
    #[command(after_help = "Examples:\n  \
attio-meetings meetings link MEETING_ID deals:RECORD_ID companies:RECORD_ID\n  \
attio-meetings meetings link MEETING_ID --replace companies:RECORD_ID\n  \
attio-meetings meetings link MEETING_ID --replace   # unlinks every record")]
    Link {
        /// The meeting's id.
        meeting: Uuid,
        /// Records to link (object slug or id, then the record's id).
        #[arg(value_name = "OBJECT:ID", value_parser = parse_linked_record)]
        records: Vec<(String, Uuid)>,
        /// Make these the meeting's only linked records (also unlinking those Attio linked from the
        /// participants); with no record, unlink everything.
        #[arg(long)]
        replace: bool,
    },
}

#[derive(Debug, Args)]
pub struct ListMeetingsArgs {
    /// Only meetings with this participant (repeatable: any of them).
    #[arg(long = "participant", value_name = "EMAIL")]
    pub participants: Vec<String>,
    /// Only meetings linked to this record.
    #[arg(long, value_name = "OBJECT:ID", value_parser = parse_linked_record)]
    pub linked_record: Option<(String, Uuid)>,
    /// Only meetings ending at or after this: a date (YYYY-MM-DD, midnight in --timezone's zone, else
    /// UTC) or a date-time with its offset (2026-12-01T10:00:00+01:00); without an offset it needs
    /// --timezone.
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub from: Option<When>,
    /// Only meetings starting before this: a date or a date-time, as for --from.
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub before: Option<When>,
    /// IANA zone (e.g. Europe/Paris) all-day meetings are placed in when filtering (Attio's default:
    /// UTC); dates and offset-less date-times given to --from/--before are read there too.
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
    /// The title (at most 1,000 characters).
    #[arg(long)]
    pub title: String,
    /// Free text shown with the meeting.
    #[arg(long, default_value = "")]
    pub description: String,
    /// Start: a date-time with its UTC offset (2026-12-01T10:00:00+01:00, or Z for UTC), or without
    /// one (2026-12-01T10:00:00) together with --timezone.
    #[arg(
        long,
        value_name = "DATETIME",
        value_parser = parse_datetime,
        requires = "end",
        conflicts_with = "all_day"
    )]
    pub start: Option<When>,
    /// End, after the start; written as --start is.
    #[arg(long, value_name = "DATETIME", value_parser = parse_datetime, requires = "start")]
    pub end: Option<When>,
    /// An all-day meeting on DATE, or from the first DATE to the second, both included.
    #[arg(long, value_name = "DATE[..DATE]", value_parser = parse_days, required_unless_present = "start")]
    pub all_day: Option<(NaiveDate, NaiveDate)>,
    /// IANA zone of a timed meeting (e.g. Europe/Paris; Attio shows it); --start/--end without an offset
    /// are read in it. A time the clocks skip (spring DST change) is refused; one they go through twice
    /// (autumn) is the first of the two: write the offset for the second.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Who organises it: an e-mail address (`mailto:` is dropped), or `Name <email>` (recorded as
    /// accepted).
    #[arg(long, value_name = "WHO", value_parser = parse_person)]
    pub organizer: Option<Person>,
    /// Someone invited, `email` or `Name <email>` (repeatable); their answer is recorded as pending.
    #[arg(long = "participant", value_name = "WHO", value_parser = parse_person)]
    pub participants: Vec<Person>,
    /// Someone invited by name only, without an e-mail address (repeatable; Attio creates no person
    /// record for them).
    #[arg(long = "guest", value_name = "NAME")]
    pub guests: Vec<String>,
    /// Link it to a record (repeatable).
    #[arg(long = "linked-record", value_name = "OBJECT:ID", value_parser = parse_linked_record)]
    pub linked_records: Vec<(String, Uuid)>,
    /// Find the meeting first (same start, title and organizer) and create it only if none matches.
    #[arg(long)]
    pub ensure: bool,
}

/// A participant given on the command line: an e-mail address and maybe a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub email: String,
    pub name: Option<String>,
}

/// `ada@example.com`, `Ada Lovelace <ada@example.com>`, or either with `mailto:` as calendars write it.
fn parse_person(value: &str) -> Result<Person, String> {
    let value = value.trim();
    let (name, email) = match value.strip_suffix('>').and_then(|v| v.rsplit_once('<')) {
        Some((name, email)) => (Some(name.trim()).filter(|n| !n.is_empty()), email.trim()),
        None => (None, value),
    };
    // A URI scheme is case-insensitive; left on, `mailto:ada` would pass as the address's local part.
    let address = match email.get(..7) {
        Some(scheme) if scheme.eq_ignore_ascii_case("mailto:") => email[7..].trim(),
        _ => email,
    };
    if !attio_meetings::looks_like_email(address) {
        return Err(format!(
            "\"{email}\" is not an e-mail address (give `email` or `Name <email>`)"
        ));
    }
    Ok(Person {
        email: address.to_string(),
        name: name.map(str::to_string),
    })
}

#[derive(Debug, Subcommand)]
pub enum Recordings {
    /// A meeting's call recordings.
    List {
        /// The meeting's id.
        meeting: Uuid,
        /// Stop after this many (default: all).
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
    },
    /// One call recording, with its transcript's length and its video link.
    Get {
        /// The meeting's id.
        meeting: Uuid,
        /// The recording's id.
        recording: Uuid,
    },
    /// Add a recording to a meeting: a transcript file, a video URL (Attio fetches it), or both.
    #[command(
        after_help = "The transcript is JSON segments (as `transcript --format json` prints them), SRT or \
WebVTT (speakers from `<v Name>` voices or a leading `Name:`), told apart by the file's \
extension or content; it is checked before anything is sent. Attio makes its summaries from \
the transcript.\n\n\
Examples:\n  \
attio-meetings recordings create MEETING_ID --transcript call.vtt --wait\n  \
attio-meetings recordings create MEETING_ID --transcript call.srt \\\n    \
--video-url https://example.com/call.mp4\n  \
attio-meetings transcript M1 R1 --format json \\\n    \
| attio-meetings recordings create M2 --transcript -"
    )]
    Create {
        /// The meeting's id.
        meeting: Uuid,
        /// Where Attio downloads the video from (public https, an .mp4 of at most 1 GB).
        #[arg(long, value_name = "URL", required_unless_present = "transcript")]
        video_url: Option<String>,
        /// The call's transcript: a .json, .srt or .vtt file, or `-` for standard input.
        #[arg(long, value_name = "FILE")]
        transcript: Option<PathBuf>,
        /// The transcript's format, when its name and content do not tell.
        #[arg(long, value_enum, value_name = "FORMAT", requires = "transcript")]
        transcript_format: Option<TranscriptFileFormat>,
        /// Wait until Attio has processed it.
        #[arg(long)]
        wait: bool,
    },
    /// Delete a call recording (deleting one already gone succeeds).
    Delete {
        /// The meeting's id.
        meeting: Uuid,
        /// The recording's id.
        recording: Uuid,
    },
}

/// The format of a transcript file given to `recordings create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TranscriptFileFormat {
    /// JSON segments (an array, JSON lines, or Attio's transcript object).
    Json,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles.
    Vtt,
}

#[derive(Debug, Args)]
pub struct TranscriptArgs {
    /// The meeting's id.
    pub meeting: Uuid,
    /// The recording's id.
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
    /// Speaker-labelled paragraphs with their times.
    Text,
    /// One JSON segment per line.
    Json,
    /// SubRip subtitles.
    Srt,
    /// WebVTT subtitles, with `<v Speaker>` voices.
    Vtt,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Calendar files (.ics); `-` reads one from standard input.
    #[arg(required = true, value_name = "FILE.ics")]
    pub files: Vec<PathBuf>,
    /// First day of the window recurring events are expanded in (default 90 days ago): YYYY-MM-DD, or a
    /// date-time with its offset (2027-01-01T08:00:00+01:00), or without one together with --timezone.
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub since: Option<When>,
    /// Last day of the window, included (default 180 days ahead); written as --since is (a date-time is
    /// the window's exact end).
    #[arg(long, value_name = "WHEN", value_parser = parse_when)]
    pub until: Option<When>,
    /// IANA zone (e.g. Europe/Paris) of floating times (events without a zone; default the calendar's
    /// X-WR-TIMEZONE), and of --since/--until date-times written without an offset.
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<chrono_tz::Tz>,
    /// Look up what exists and print only the request bodies that would be created (JSON lines, as
    /// create-meeting takes them; with --json, each as `body` beside its event's `ical_uid` and
    /// `original_start_time`), the matches found on stderr; write nothing. Without a token nothing is
    /// looked up and every body of the window is printed.
    #[arg(long)]
    pub dry_run: bool,
    /// Creates in flight at once, 1 to 64 (pacing keeps them under Attio's write limit).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Writes per second at most (Attio allows 25 per token; lower it when other jobs share the token).
    #[arg(long, default_value_t = 25, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rate: u32,
    /// Redis server shared by importers on several machines (redis://host:port/db): each occurrence is
    /// claimed there before it is created, and the write limit is paced there for all of them. The
    /// importers must use the same token and base URL (claims are named after them).
    // Its value may carry a password: `--help` names the variable but never shows what it holds.
    #[arg(
        long,
        value_name = "URL",
        env = "ATTIO_MEETINGS_REDIS",
        hide_env_values = true
    )]
    pub redis: Option<String>,
    /// Delete meetings that earlier imports of these files created (as the state file records) and that
    /// are no longer in the calendar's window; never a meeting the import did not create.
    #[arg(long)]
    pub prune: bool,
    /// The state file recording the meetings imports created (default: in the platform's data
    /// directory, e.g. ~/.local/share/attio-meetings/imports.jsonl).
    #[arg(long, value_name = "FILE", env = "ATTIO_MEETINGS_STATE")]
    pub state: Option<PathBuf>,
}

/// A date (a whole day), an instant, or a wall-clock time without an offset, as given on the command
/// line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    Day(NaiveDate),
    At(DateTime<FixedOffset>),
    /// No offset: it means something only in a zone, given by the command's --timezone ([`in_zone`]).
    Local(NaiveDateTime),
}

/// `YYYY-MM-DD`, or a date-time with or without its offset; a space may stand for the `T`, and the
/// seconds may be left out.
fn parse_when(value: &str) -> Result<When, String> {
    let value = value.trim();
    if let Ok(day) = value.parse::<NaiveDate>() {
        return Ok(When::Day(day));
    }
    // `2026-12-01 10:00` is how people (and `date`) write it; RFC 3339 allows the space too.
    let text = match value.split_at_checked(10) {
        Some((date, rest)) if rest.starts_with([' ', 't']) => format!("{date}T{}", &rest[1..]),
        _ => value.to_string(),
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(&text) {
        return Ok(When::At(at));
    }
    for format in ["%Y-%m-%dT%H:%M%#z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(at) = DateTime::parse_from_str(&text, format) {
            return Ok(When::At(at));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(local) = NaiveDateTime::parse_from_str(&text, format) {
            return Ok(When::Local(local));
        }
    }
    Err(format!(
        "\"{value}\" is not a date or date-time: expected YYYY-MM-DD, or a date-time like \
         2026-12-01T10:00:00+01:00 (2026-12-01T10:00:00 with --timezone)"
    ))
}

/// A date-time (`--start`, `--end`): a whole day is refused, it belongs to --all-day.
fn parse_datetime(value: &str) -> Result<When, String> {
    match parse_when(value)? {
        When::Day(day) => Err(format!(
            "{day} has no time of day: give one, e.g. {day}T10:00:00+01:00, or use --all-day {day} \
             for a whole-day meeting"
        )),
        when => Ok(when),
    }
}

/// The instant of a local time given to `flag`, read in `zone` (the command's --timezone). Without a
/// zone it is refused: guessing this computer's zone would quietly move meetings of people elsewhere.
/// A time the clocks skip is refused; one they go through twice is the first (as in iCalendar), which
/// --timezone's help says.
pub fn in_zone(
    flag: &str,
    local: NaiveDateTime,
    zone: Option<Tz>,
) -> Result<DateTime<FixedOffset>, Failure> {
    let Some(zone) = zone else {
        // The example offset is this computer's at that time: most often the one meant.
        let example = match chrono::Local.from_local_datetime(&local).earliest() {
            Some(at) if at.offset().local_minus_utc() != 0 => {
                format!("{}{} (Z for UTC)", shown(local), at.format("%:z"))
            }
            _ => format!("{}Z", shown(local)),
        };
        return Err(Failure::usage(format!(
            "{flag} {} has no UTC offset: write it with one, e.g. {example}, or add --timezone with \
             the zone it is in, e.g. --timezone Europe/Paris",
            shown(local),
        )));
    };
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.fixed_offset()),
        LocalResult::None => {
            // The clocks jump by the difference between the offsets a day either side.
            let offset = |days: i64| {
                let at = local.checked_add_signed(chrono::Duration::days(days))?;
                let at = zone.from_local_datetime(&at).earliest()?;
                Some(at.fixed_offset().offset().local_minus_utc())
            };
            let after = offset(1)
                .zip(offset(-1))
                .and_then(|(after, before)| {
                    local.checked_add_signed(chrono::Duration::seconds(i64::from(after - before)))
                })
                .filter(|later| zone.from_local_datetime(later).single().is_some())
                .map(|later| format!(", e.g. {}", shown(later)))
                .unwrap_or_default();
            Err(Failure::usage(format!(
                "{flag} {} does not exist in {zone}: the clocks jump over it there (as when \
                 daylight saving time starts); give a time that exists{after}, or write the offset",
                shown(local)
            )))
        }
    }
}

/// A local time as the user typed it (seconds always shown: `2026-12-01T10:00:00`).
fn shown(local: NaiveDateTime) -> String {
    local.format("%Y-%m-%dT%H:%M:%S%.f").to_string()
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

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// Every argument of every command, with the command's path, that `--help` shows without a description.
    fn undescribed(command: &clap::Command, path: &str, found: &mut Vec<String>) {
        for arg in command.get_arguments() {
            let described = arg.get_help().or(arg.get_long_help()).is_some();
            if !described && !arg.is_hide_set() {
                found.push(format!("{path} {}", arg.get_id()));
            }
        }
        for sub in command.get_subcommands() {
            if sub.get_about().or(sub.get_long_about()).is_none() && sub.get_name() != "help" {
                found.push(format!("{path} {} (the command)", sub.get_name()));
            }
            undescribed(sub, &format!("{path} {}", sub.get_name()), found);
        }
    }

    #[test]
    fn every_argument_of_every_command_has_help() {
        let mut command = Cli::command();
        // Built as `--help` sees it: with the global flags copied down and --help/--version added.
        command.build();
        let mut found = Vec::new();
        undescribed(&command, "attio-meetings", &mut found);
        assert!(found.is_empty(), "no help text: {found:#?}");
    }

    #[test]
    fn the_command_line_grammar_is_consistent() {
        Cli::command().debug_assert();
    }

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").expect("a local time")
    }

    #[test]
    fn dates_and_date_times_with_and_without_offsets_are_read() {
        let at = |text: &str| When::At(DateTime::parse_from_rfc3339(text).expect("RFC 3339"));
        for (given, expected) in [
            (
                "2026-12-01",
                When::Day(NaiveDate::from_ymd_opt(2026, 12, 1).expect("a day")),
            ),
            ("2026-12-01T10:00:00+01:00", at("2026-12-01T10:00:00+01:00")),
            ("2026-12-01T10:00:00Z", at("2026-12-01T10:00:00Z")),
            ("2026-12-01 10:00:00+01:00", at("2026-12-01T10:00:00+01:00")),
            ("2026-12-01T10:00+01:00", at("2026-12-01T10:00:00+01:00")),
            ("2026-12-01T10:00:00+0100", at("2026-12-01T10:00:00+01:00")),
            (
                "2026-12-01T10:00:00",
                When::Local(local("2026-12-01T10:00:00")),
            ),
            (
                "2026-12-01 10:00",
                When::Local(local("2026-12-01T10:00:00")),
            ),
            (
                " 2026-12-01T10:00 ",
                When::Local(local("2026-12-01T10:00:00")),
            ),
        ] {
            assert_eq!(parse_when(given), Ok(expected), "{given}");
        }
        for wrong in [
            "last tuesday",
            "2026-13-01",
            "2026-12-01T25:00:00",
            "2026-12-01T",
        ] {
            let error = parse_when(wrong).expect_err(wrong);
            assert!(error.contains("YYYY-MM-DD"), "{wrong}: {error}");
        }
        let error = parse_datetime("2026-12-01").expect_err("a day is not a start");
        assert!(error.contains("--all-day 2026-12-01"), "{error}");
    }

    fn refusal(result: Result<DateTime<FixedOffset>, Failure>) -> String {
        format!("{:?}", result.expect_err("refused"))
    }

    #[test]
    fn a_local_time_is_read_in_the_zone_given() {
        let paris = Some(chrono_tz::Europe::Paris);
        let winter = in_zone("--start", local("2026-12-01T10:00:00"), paris).expect("exists");
        assert_eq!(winter.to_rfc3339(), "2026-12-01T10:00:00+01:00");
        let summer = in_zone("--start", local("2026-07-01T10:00:00"), paris).expect("exists");
        assert_eq!(summer.to_rfc3339(), "2026-07-01T10:00:00+02:00");
        // 02:30 happens twice on 2026-10-25 in Paris: the first, still summer time.
        let twice = in_zone("--start", local("2026-10-25T02:30:00"), paris).expect("exists");
        assert_eq!(twice.to_rfc3339(), "2026-10-25T02:30:00+02:00");
    }

    #[test]
    fn a_local_time_without_a_zone_or_in_a_dst_gap_is_refused_saying_how_to_fix_it() {
        let missing = refusal(in_zone("--start", local("2026-12-01T10:00:00"), None));
        for says in [
            "--start 2026-12-01T10:00:00 has no UTC offset",
            "e.g. 2026-12-01T10:00:00",
            "--timezone Europe/Paris",
        ] {
            assert!(missing.contains(says), "{says} in {missing}");
        }
        // The clocks go from 02:00 to 03:00 on 2027-03-28 in Paris.
        let gap = refusal(in_zone(
            "--start",
            local("2027-03-28T02:30:00"),
            Some(chrono_tz::Europe::Paris),
        ));
        for says in [
            "--start 2027-03-28T02:30:00 does not exist in Europe/Paris",
            "e.g. 2027-03-28T03:30:00",
        ] {
            assert!(gap.contains(says), "{says} in {gap}");
        }
    }

    #[test]
    fn people_are_addresses_by_the_librarys_rule() {
        let person = |value: &str| parse_person(value);
        assert_eq!(
            person("Ada Lovelace <ada@example.com>"),
            Ok(Person {
                email: "ada@example.com".into(),
                name: Some("Ada Lovelace".into())
            })
        );
        // As calendars write it: the scheme is dropped, in any case.
        for given in [
            "mailto:ada@example.com",
            "MAILTO:ada@example.com",
            "Ada <mailto:ada@example.com>",
        ] {
            assert_eq!(
                person(given).map(|p| p.email),
                Ok("ada@example.com".into()),
                "{given}"
            );
        }
        for wrong in [
            "ada",
            "ada@",
            "@example.com",
            "Ada Lovelace ada@example.com",
            "Ada <not an address>",
            "ada@example.com, grace@example.com",
            "mailto:",
        ] {
            let error = person(wrong).expect_err(wrong);
            assert!(
                error.contains("is not an e-mail address"),
                "{wrong}: {error}"
            );
        }
    }
}
