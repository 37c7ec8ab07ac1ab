//! `import FILE.ics...`: every event (and occurrence in the window) made to exist once in Attio, which
//! creates a meeting on every create: the library's `ensure_all` lists the meetings of the window (once
//! per stretch of time, not once per occurrence), matches each occurrence by start, title and organizer,
//! and creates only the missing ones, paced under Attio's write limit; a create whose answer is lost is
//! reconciled by looking again. `--dry-run` prints the bodies instead.
//!
//! Every file is read before anything is sent, so a file that is not iCalendar stops the import with
//! nothing sent. Events that cannot be mapped are reported and skipped; the rest goes on.

use std::io::Read as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use attio_meetings::types::CreateMeetingRequest;
use attio_meetings::{Ensured, Pacing, RetryPolicy};
use chrono::{DateTime, Days, Utc};
use futures_util::StreamExt;

use crate::args::{Global, ImportArgs, When};
use crate::failure::Failure;
use crate::ics::{self, FileError, Options, Window};
use crate::output::Output;
use crate::progress::Progress;

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

pub async fn run(global: &Global, out: &Output, args: ImportArgs) -> Result<ExitCode, Failure> {
    let options = Options {
        timezone: args.timezone,
        window: window(args.since, args.until)?,
    };
    let mut summary = Summary::default();
    let mut planned = Vec::new();
    for path in &args.files {
        let name = if path.as_os_str() == "-" {
            "standard input".to_string()
        } else {
            path.display().to_string()
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
        }
        summary.skipped += read.skipped.len();
        planned.extend(read.meetings);
    }
    summary.occurrences = planned.len();

    if args.dry_run {
        for meeting in &planned {
            // The body create-meeting sends, built by the same generated type.
            let body = CreateMeetingRequest::try_from(
                CreateMeetingRequest::builder().data(meeting.meeting.clone()),
            )
            .map_err(|e| Failure::new(format!("cannot build the body for {}: {e}", meeting.uid)))?;
            if out.json() {
                // With --json, which event each body comes from, for scripts (and reviews).
                out.line(&serde_json::json!({
                    "ical_uid": meeting.uid,
                    "original_start_time": meeting.original_start.map(|at| at.to_rfc3339()),
                    "body": body,
                }))?;
            } else {
                out.line(&body)?;
            }
        }
        summary.print(&options.window, true);
        return Ok(ExitCode::SUCCESS);
    }

    // A batch job is more patient than a request a person waits for: eight attempts of each listing,
    // and eight looks-then-creates for a create whose answer was lost, two minutes at most each.
    let patient = RetryPolicy::default()
        .max_attempts(8)
        .max_elapsed(std::time::Duration::from_secs(120));
    let client = super::connect_paced(
        global,
        Pacing::attio().with_writes(args.max_rate),
        Some(patient.clone()),
    )?;
    let interrupted = Arc::new(AtomicBool::new(false));
    watch_ctrl_c(interrupted.clone());
    let mut progress = Progress::new(planned.len() as u64);
    let mut outcomes = client
        .meetings()
        .ensure_all(
            planned
                .iter()
                .map(|p| p.meeting.clone())
                .collect::<Vec<_>>(),
        )
        .concurrency(usize::from(args.concurrency))
        .reconcile(patient.clone())
        .stop_when({
            let interrupted = interrupted.clone();
            move || interrupted.load(Ordering::SeqCst)
        })
        .stream();
    let mut listing_failed = None;
    // After Ctrl-C the stream starts nothing new, and ends once what is in flight has finished.
    while let Some(item) = outcomes.next().await {
        let item = match item {
            Ok(item) => item,
            Err(error) => {
                listing_failed = Some(error);
                break;
            }
        };
        progress.inc();
        let Some(planned) = planned.get(item.index) else {
            continue;
        };
        let at = planned
            .original_start
            .map(|at| format!(" at {}", at.to_rfc3339()))
            .unwrap_or_default();
        let (outcome, meeting_ids) = match &item.result {
            Ok(Ensured::Found(meeting)) => {
                summary.found += 1;
                ("found", vec![meeting.id.meeting_id])
            }
            Ok(Ensured::Created(meeting)) => {
                summary.created += 1;
                ("created", vec![meeting.id.meeting_id])
            }
            Ok(Ensured::Ambiguous(candidates)) => {
                summary.ambiguous += 1;
                let ids: Vec<_> = candidates.iter().map(|m| m.id.meeting_id).collect();
                progress.println(&format!(
                    "ambiguous {}{at}: {} meetings match ({}); none created",
                    planned.uid,
                    ids.len(),
                    ids.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                ("ambiguous", ids)
            }
            Err(error) => {
                summary.failed += 1;
                progress.println(&format!("failed {}{at}: {error}", planned.uid));
                ("failed", Vec::new())
            }
        };
        if out.json() {
            out.line(&serde_json::json!({
                "ical_uid": planned.uid,
                "original_start_time": planned.original_start.map(|at| at.to_rfc3339()),
                "outcome": outcome,
                "meeting_ids": meeting_ids,
                "error": item.result.as_ref().err().map(ToString::to_string),
            }))?;
        }
    }
    drop(outcomes);
    progress.finish();
    let stopped = interrupted.load(Ordering::SeqCst);
    summary.print(&options.window, false);
    if let Some(error) = listing_failed {
        return Err(Failure::api(
            "listing the meetings of the window (nothing more was created)",
            &error,
        ));
    }
    if stopped {
        eprintln!(
            "interrupted: {} not handled; run the same import again to finish (what exists is found, not created again)",
            summary.occurrences - summary.handled()
        );
        return Ok(ExitCode::from(INTERRUPTED));
    }
    Ok(if summary.failed > 0 || summary.ambiguous > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The first Ctrl-C stops sending (requests in flight finish); a second one exits at once.
fn watch_ctrl_c(interrupted: Arc<AtomicBool>) {
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        interrupted.store(true, Ordering::SeqCst);
        eprintln!("\ninterrupted: finishing the requests in flight (Ctrl-C again to quit now)");
        if tokio::signal::ctrl_c().await.is_ok() {
            std::process::exit(i32::from(INTERRUPTED));
        }
    });
}

/// `--since` (default 90 days ago) to the end of `--until` (default 180 days ahead).
fn window(since: Option<When>, until: Option<When>) -> Result<Window, Failure> {
    let today = Utc::now().date_naive();
    let since = match since.unwrap_or(When::Day(today - Days::new(90))) {
        When::Day(day) => day.and_time(chrono::NaiveTime::MIN).and_utc(),
        When::At(at) => at.with_timezone(&Utc),
    };
    let until = match until.unwrap_or(When::Day(today + Days::new(180))) {
        When::Day(day) => day
            .checked_add_days(Days::new(1))
            .ok_or_else(|| Failure::usage(format!("--until {day} is too far ahead")))?
            .and_time(chrono::NaiveTime::MIN)
            .and_utc(),
        When::At(at) => at.with_timezone(&Utc),
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

/// The counts printed at the end.
#[derive(Debug, Default)]
struct Summary {
    events: usize,
    occurrences: usize,
    cancelled: usize,
    skipped: usize,
    found: usize,
    created: usize,
    ambiguous: usize,
    failed: usize,
}

impl Summary {
    fn handled(&self) -> usize {
        self.found + self.created + self.ambiguous + self.failed
    }

    fn print(&self, window: &Window, dry_run: bool) {
        let Summary {
            events,
            occurrences,
            cancelled,
            skipped,
            found,
            created,
            ambiguous,
            failed,
        } = self;
        let span = format!(
            "{}..{}",
            day(window.since),
            day(window.until - chrono::Duration::seconds(1))
        );
        let outcome = if dry_run {
            "dry run: nothing sent".to_string()
        } else {
            format!("found {found}, created {created}, ambiguous {ambiguous}, failed {failed}")
        };
        eprintln!(
            "summary: {events} events read, {occurrences} meetings in {span}; {outcome}; {skipped} skipped (see above), {cancelled} cancelled"
        );
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}
