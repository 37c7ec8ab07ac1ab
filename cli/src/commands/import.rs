//! `import FILE.ics...`: every event (and occurrence in the window) found or created by its iCalendar
//! identity, paced under Attio's write limit; `--dry-run` prints the bodies instead.
//!
//! Every file is read before anything is sent, so a file that is not iCalendar stops the import with
//! nothing sent. Events that cannot be mapped are reported and skipped; the rest goes on.

use std::io::Read as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use attio_meetings::types::{CalendarProvider, ExternalRef, FindOrCreateMeetingRequest};
use attio_meetings::{Pacing, RetryPolicy};
use chrono::{DateTime, Days, Utc};
use futures_util::{StreamExt, stream};

use crate::args::{Global, ImportArgs, Provider, When};
use crate::failure::Failure;
use crate::ics::{self, FileError, Options, Planned, Window};
use crate::output::Output;
use crate::progress::Progress;

/// Exit code after Ctrl-C (128 + SIGINT), as shells report it.
const INTERRUPTED: u8 = 130;

pub async fn run(global: &Global, out: &Output, args: ImportArgs) -> Result<ExitCode, Failure> {
    let options = Options {
        provider: args.provider.map(|p| match p {
            Provider::Google => CalendarProvider::Google,
            Provider::Microsoft => CalendarProvider::Microsoft,
        }),
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
            FileError::NotICalendar(why) => {
                Failure::new(format!("{name} is not an iCalendar file: {why}; nothing was sent"))
            }
            FileError::UnknownProvider(prodid) => Failure::usage(format!(
                "{name}: cannot tell whose calendar it is (PRODID \"{prodid}\"); pass --provider google or --provider microsoft"
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
            // The body find-or-create sends, built by the same generated type.
            let body = FindOrCreateMeetingRequest::try_from(
                FindOrCreateMeetingRequest::builder().data(meeting.meeting.clone()),
            )
            .map_err(|e| Failure::new(format!("cannot build the body for {}: {e}", meeting.uid)))?;
            out.line(&body)?;
        }
        summary.print(&options.window, true);
        return Ok(ExitCode::SUCCESS);
    }

    let client = super::connect_paced(global, Pacing::attio().with_writes(args.max_rate))?;
    let interrupted = Arc::new(AtomicBool::new(false));
    watch_ctrl_c(interrupted.clone());
    let mut progress = Progress::new(planned.len() as u64);
    let concurrency = usize::from(args.concurrency);
    // A batch job is more patient than a request a person waits for: eight attempts, two minutes at most.
    // Find-or-create is safe to repeat (the same external_ref finds the same meeting).
    let retry = RetryPolicy::default()
        .max_attempts(8)
        .max_elapsed(Duration::from_secs(120));
    let mut results = stream::iter(&planned)
        .take_while(|_| std::future::ready(!interrupted.load(Ordering::SeqCst)))
        .map(|planned| {
            let request = client
                .meetings()
                .find_or_create(planned.meeting.clone())
                .retry(retry.clone());
            async move { (planned, request.send().await) }
        })
        .buffer_unordered(concurrency);
    while let Some((planned, result)) = results.next().await {
        progress.inc();
        match result {
            Ok(meeting) => {
                summary.sent += 1;
                if out.json() {
                    out.line(&serde_json::json!({
                        "ical_uid": planned.uid,
                        "original_start_time": original_start(planned),
                        "meeting_id": meeting.id.meeting_id,
                    }))?;
                }
            }
            Err(error) => {
                summary.failed += 1;
                progress.println(&format!(
                    "failed {}{}: {error}",
                    planned.uid,
                    original_start(planned)
                        .map(|at| format!(" at {at}"))
                        .unwrap_or_default()
                ));
                if out.json() {
                    out.line(&serde_json::json!({
                        "ical_uid": planned.uid,
                        "original_start_time": original_start(planned),
                        "error": error.to_string(),
                    }))?;
                }
            }
        }
    }
    progress.finish();
    let stopped = interrupted.load(Ordering::SeqCst);
    summary.print(&options.window, false);
    if stopped {
        eprintln!(
            "interrupted: {} not sent; run the same import again to finish (nothing is duplicated)",
            summary.occurrences - summary.sent - summary.failed
        );
        return Ok(ExitCode::from(INTERRUPTED));
    }
    Ok(if summary.failed > 0 {
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

fn original_start(planned: &Planned) -> Option<String> {
    match &planned.meeting.external_ref {
        ExternalRef::IcalRef(ical) => ical.original_start_time.map(|at| at.to_rfc3339()),
        ExternalRef::ExternalId(_) => None,
    }
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
    sent: usize,
    failed: usize,
}

impl Summary {
    fn print(&self, window: &Window, dry_run: bool) {
        let Summary {
            events,
            occurrences,
            cancelled,
            skipped,
            sent,
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
            format!("{sent} sent, {failed} failed")
        };
        eprintln!(
            "summary: {events} events read, {occurrences} meetings in {span}; {outcome}; {skipped} skipped (see above), {cancelled} cancelled"
        );
    }
}

fn day(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d").to_string()
}
