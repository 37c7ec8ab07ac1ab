//! `import FILE.ics...`: every event (and occurrence in the window) made to exist once in Attio, which
//! creates a meeting on every create.
//!
//! 1. Every file is read before anything is sent, so a file that is not iCalendar stops the import with
//!    nothing sent. Events that cannot be mapped are reported and skipped; the rest goes on.
//! 2. The library's `ensure_all` lists the meetings of the window (once per stretch of time, not once
//!    per occurrence), matches each occurrence by start, title and organizer, and creates only the
//!    missing ones, paced under Attio's write limit; a create whose answer is lost is reconciled by
//!    looking again. With `--redis`, occurrences are claimed there first, so importers on several
//!    machines never create one meeting twice, and share the write limit.
//! 3. What was created is recorded in the state file ([`crate::state`]); `--prune` deletes the meetings
//!    earlier imports of the same files created that are no longer in the calendar's window.
//!
//! `--dry-run` does the listings and prints only the bodies that would be created.

mod dry_run;
mod prune;
mod write;

use std::collections::HashSet;
use std::io::Read as _;
use std::process::ExitCode;

use attio_meetings::types::MeetingTime;
use attio_meetings::{Client, Matching, Pacing, RetryPolicy};
use chrono::{DateTime, Days, Utc};

use crate::args::{Global, ImportArgs, When};
use crate::failure::Failure;
use crate::ics::{self, FileError, Options, Planned, Window};
use crate::output::{Output, plural};
use crate::state::State;

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

/// Key prefix in Redis, for claims and shared pacing alike.
const REDIS_PREFIX: &str = "attio-meetings";

/// The occurrences of this run and what they came from.
pub struct Calendar {
    pub window: Window,
    pub planned: Vec<Planned>,
    /// The file each planned occurrence comes from (absolute path, or `-`), by position.
    pub sources: Vec<String>,
    /// Every file read, with occurrences in the window or not: `--prune` looks at the meetings
    /// created from each (a file whose events all left the window still had them).
    pub files: HashSet<String>,
    /// The iCalendar UIDs of events (or occurrences) this run skipped: maybe still in the calendar.
    pub skipped_uids: HashSet<String>,
}

impl Calendar {
    /// The matching key of each planned occurrence (the library's default rule, as `ensure_all` uses).
    pub fn keys(&self) -> HashSet<String> {
        self.planned
            .iter()
            .map(|p| Matching::default().key_of_new(&p.meeting).to_string())
            .collect()
    }
}

pub async fn run(global: &Global, out: &Output, args: ImportArgs) -> Result<ExitCode, Failure> {
    if args.prune && args.files.iter().any(|f| f.as_os_str() == "-") {
        return Err(Failure::usage(
            "--prune needs calendar files, not standard input (the state file remembers which file each meeting came from)",
        ));
    }
    let mut summary = Summary::default();
    let calendar = read_calendars(&args, &mut summary)?;
    summary.occurrences = calendar.planned.len();

    if args.dry_run {
        return dry_run::run(global, out, &args, &calendar, &mut summary).await;
    }
    let client = connect(global, &args)?;
    let mut state = State::open(&state_path(&args)?)?;
    let mut code = write::run(&client, out, &args, &calendar, &mut state, &mut summary).await?;
    if args.prune && code != ExitCode::from(INTERRUPTED) {
        prune::run(&client, &calendar, &mut state, &mut summary).await?;
        if summary.prune_failed > 0 {
            code = ExitCode::FAILURE;
        }
    }
    summary.print(&calendar.window, Mode::Write);
    Ok(code)
}

/// The client for a batch job: more patient than for a request a person waits for (eight attempts
/// of each listing, two minutes at most each), paced in Redis with `--redis`.
fn connect(global: &Global, args: &ImportArgs) -> Result<Client, Failure> {
    let mut pacing = Pacing::attio().with_writes(args.max_rate);
    if let Some(url) = &args.redis {
        pacing = pacing.shared(attio_meetings::RedisPacer::new(url.clone(), REDIS_PREFIX));
    }
    super::connect_paced(global, pacing, Some(patient()))
}

/// Retries of a batch job's listings, and of its creates whose answers were lost.
fn patient() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(8)
        .max_elapsed(std::time::Duration::from_secs(120))
}

fn state_path(args: &ImportArgs) -> Result<std::path::PathBuf, Failure> {
    match &args.state {
        Some(path) => Ok(path.clone()),
        None => State::default_path(),
    }
}

/// Reads every file (nothing is sent before all are read).
fn read_calendars(args: &ImportArgs, summary: &mut Summary) -> Result<Calendar, Failure> {
    let options = Options {
        timezone: args.timezone,
        window: window(args.since, args.until, args.timezone)?,
    };
    let mut calendar = Calendar {
        window: options.window,
        planned: Vec::new(),
        sources: Vec::new(),
        files: HashSet::new(),
        skipped_uids: HashSet::new(),
    };
    for path in &args.files {
        let (name, source) = if path.as_os_str() == "-" {
            ("standard input".to_string(), "-".to_string())
        } else {
            let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
            (path.display().to_string(), absolute.display().to_string())
        };
        let text = read_file(path)?;
        let read = ics::read(&text, &options).map_err(|e| match e {
            FileError::NotICalendar(why) => Failure::new(format!(
                "{name} is not an iCalendar file: {why}; nothing was sent"
            )),
        })?;
        summary.events += read.events;
        summary.cancelled += read.cancelled;
        for skipped in &read.skipped {
            eprintln!(
                "skipped {} ({name} line {}): {}",
                skipped.uid, skipped.line, skipped.reason
            );
            calendar.skipped_uids.insert(skipped.uid.clone());
        }
        summary.skipped += read.skipped.len();
        for warning in &read.warnings {
            eprintln!(
                "warning {} ({name} line {}): {}",
                warning.uid, warning.line, warning.reason
            );
            // A dropped RRULE or RDATE value may have removed occurrences that are still in the
            // calendar: --prune leaves this event's meetings alone.
            calendar.skipped_uids.insert(warning.uid.clone());
        }
        calendar
            .sources
            .extend(std::iter::repeat_n(source.clone(), read.meetings.len()));
        calendar.files.insert(source);
        calendar.planned.extend(read.meetings);
    }
    Ok(calendar)
}

/// The instant an occurrence starts (its original start for an occurrence of a series): what puts it
/// in a window.
pub fn start_of(planned: &Planned) -> DateTime<Utc> {
    match (planned.original_start, &planned.meeting.start) {
        (Some(at), _) => at.with_timezone(&Utc),
        (None, MeetingTime::Timed { datetime, .. }) => datetime.with_timezone(&Utc),
        (None, MeetingTime::AllDay { date }) => date.and_time(chrono::NaiveTime::MIN).and_utc(),
    }
}

/// ` at START` for an occurrence of a series, for messages.
pub fn at(planned: &Planned) -> String {
    planned
        .original_start
        .map(|at| format!(" at {}", at.to_rfc3339()))
        .unwrap_or_default()
}

/// `--since` (default 90 days ago) to the end of `--until` (default 180 days ahead).
fn window(
    since: Option<When>,
    until: Option<When>,
    zone: Option<chrono_tz::Tz>,
) -> Result<Window, Failure> {
    let today = Utc::now().date_naive();
    let since = match since.unwrap_or(When::Day(today - Days::new(90))) {
        When::Day(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
        When::At(at) => at.with_timezone(&Utc),
        When::Local(local) => crate::args::in_zone("--since", local, zone)?.with_timezone(&Utc),
    };
    let until = match until.unwrap_or(When::Day(today + Days::new(180))) {
        When::Day(day) => day
            .checked_add_days(Days::new(1))
            .ok_or_else(|| Failure::usage(format!("--until {day} is too far ahead")))?
            .and_time(chrono::NaiveTime::MIN)
            .and_utc(),
        When::At(at) => at.with_timezone(&Utc),
        When::Local(local) => crate::args::in_zone("--until", local, zone)?.with_timezone(&Utc),
    };
    if until <= since {
        return Err(Failure::usage(format!(
            "--until ({until}) must be after --since ({since})"
        )));
    }
    Ok(Window { since, until })
}

fn read_file(path: &std::path::Path) -> Result<String, Failure> {
    let mut text = String::new();
    let result = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read(path).and_then(|bytes| {
            String::from_utf8(bytes).map(|t| text = t).map_err(|_| {
                std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text")
            })
        })
    };
    result.map_err(|e| Failure::new(format!("cannot read {}: {e}", path.display())))?;
    Ok(text)
}

/// What the summary line says about the outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Meetings were looked up and created.
    Write,
    /// Looked up, nothing written.
    Plan,
    /// Nothing looked up (no token).
    Offline,
}

/// The counts printed at the end.
#[derive(Debug, Default)]
pub struct Summary {
    pub events: usize,
    pub occurrences: usize,
    pub cancelled: usize,
    pub skipped: usize,
    pub found: usize,
    pub created: usize,
    pub ambiguous: usize,
    pub failed: usize,
    pub pruned: Option<usize>,
    /// Deletions `--prune` tried and could not make (other than of meetings already gone).
    pub prune_failed: usize,
}

impl Summary {
    pub fn handled(&self) -> usize {
        self.found + self.created + self.ambiguous + self.failed
    }

    pub fn print(&self, window: &Window, mode: Mode) {
        let Summary {
            events,
            occurrences,
            cancelled,
            skipped,
            found,
            created,
            ambiguous,
            failed,
            pruned,
            prune_failed,
        } = self;
        let span = format!(
            "{}..{}",
            day(window.since),
            day(window.until - chrono::Duration::seconds(1))
        );
        let outcome = match mode {
            Mode::Offline => "dry run: nothing looked up (no token), nothing sent".to_string(),
            Mode::Plan => format!(
                "dry run: found {found}, would create {created}, ambiguous {ambiguous}; nothing written"
            ),
            Mode::Write => {
                format!("found {found}, created {created}, ambiguous {ambiguous}, failed {failed}")
            }
        };
        let pruned = match pruned {
            Some(n) if mode == Mode::Plan => format!("; would prune {n}"),
            Some(n) if *prune_failed > 0 => format!("; pruned {n}, failed to prune {prune_failed}"),
            Some(n) => format!("; pruned {n}"),
            None => String::new(),
        };
        eprintln!(
            "summary: {} read, {} in {span}; {outcome}{pruned}; {skipped} skipped (see above), {cancelled} cancelled",
            plural(*events, "event", "events"),
            plural(*occurrences, "meeting", "meetings"),
        );
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}
