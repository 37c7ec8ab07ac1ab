//! The import proper: ensures every occurrence, records what it created, reports the rest.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use attio_meetings::{Client, Ensured};
use futures_util::StreamExt;

use super::{Calendar, INTERRUPTED, REDIS_PREFIX, Summary, at, patient, start_of};
use crate::args::ImportArgs;
use crate::failure::Failure;
use crate::output::Output;
use crate::progress::Progress;
use crate::state::{Created, Record, State};

pub async fn run(
    client: &Client,
    out: &Output,
    args: &ImportArgs,
    calendar: &Calendar,
    state: &mut State,
    summary: &mut Summary,
) -> Result<ExitCode, Failure> {
    let interrupted = Arc::new(AtomicBool::new(false));
    watch_ctrl_c(interrupted.clone());
    let planned = &calendar.planned;
    let mut progress = Progress::new(planned.len() as u64);
    let mut batch = client
        .meetings()
        .ensure_all(
            planned
                .iter()
                .map(|p| p.meeting.clone())
                .collect::<Vec<_>>(),
        )
        .concurrency(usize::from(args.concurrency))
        .reconcile(patient())
        .stop_when({
            let interrupted = interrupted.clone();
            move || interrupted.load(Ordering::SeqCst)
        });
    if let Some(url) = &args.redis {
        let claims = attio_meetings::RedisClaims::new(url.clone(), REDIS_PREFIX)
            .map_err(|e| Failure::usage(format!("--redis: {e}")))?;
        batch = batch.claims(claims);
    }
    let mut outcomes = batch.stream();
    let mut listing_failed = None;
    // A state record or an output line that could not be written stops the import like Ctrl-C (nothing
    // new is started, what is in flight finishes and is counted), then fails with the first such error.
    let mut local_failure: Option<Failure> = None;
    let mut stop_on = |failure: Failure| {
        interrupted.store(true, Ordering::SeqCst);
        local_failure.get_or_insert(failure);
    };
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
        let (Some(planned), Some(source)) =
            (planned.get(item.index), calendar.sources.get(item.index))
        else {
            continue;
        };
        let at = at(planned);
        let (outcome, meeting_ids) = match &item.result {
            Ok(Ensured::Found(meeting)) => {
                summary.found += 1;
                ("found", vec![meeting.id.meeting_id])
            }
            Ok(Ensured::Created(meeting)) => {
                summary.created += 1;
                let recorded = state.record(Record::Created(Created {
                    workspace: client.workspace().to_string(),
                    source: source.clone(),
                    meeting_id: meeting.id.meeting_id,
                    ical_uid: planned.uid.clone(),
                    key: attio_meetings::Matching::default()
                        .key_of_new(&planned.meeting)
                        .to_string(),
                    start: start_of(planned),
                    created_at: chrono::Utc::now(),
                }));
                if let Err(failure) = recorded {
                    stop_on(failure);
                }
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
            let written = out.line(&serde_json::json!({
                "ical_uid": planned.uid,
                "original_start_time": planned.original_start.map(|at| at.to_rfc3339()),
                "outcome": outcome,
                "meeting_ids": meeting_ids,
                "error": item.result.as_ref().err().map(ToString::to_string),
            }));
            if let Err(failure) = written {
                stop_on(failure);
            }
        }
    }
    drop(outcomes);
    progress.finish();
    if let Some(error) = listing_failed {
        summary.print(&calendar.window, super::Mode::Write);
        return Err(Failure::api(
            "listing the meetings of the window (nothing more was created)",
            &error,
        ));
    }
    if let Some(failure) = local_failure {
        summary.print(&calendar.window, super::Mode::Write);
        return Err(failure);
    }
    if interrupted.load(Ordering::SeqCst) {
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
