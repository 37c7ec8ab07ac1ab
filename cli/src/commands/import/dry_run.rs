//! `--dry-run`: the listings of a real import, then only the bodies that would be created on stdout
//! (the matches found, on stderr). Without a token nothing can be looked up: every body is printed, and
//! the summary says so.

use std::process::ExitCode;

use attio_meetings::types::CreateMeetingRequest;
use attio_meetings::{Pacing, Plan};
use futures_util::TryStreamExt;

use super::{Calendar, Mode, Summary, at, patient, prune};
use crate::args::{Global, ImportArgs};
use crate::failure::Failure;
use crate::ics::Planned;
use crate::output::Output;
use crate::state::State;

pub async fn run(
    global: &Global,
    out: &Output,
    args: &ImportArgs,
    calendar: &Calendar,
    summary: &mut Summary,
) -> Result<ExitCode, Failure> {
    if !has_token(global) {
        for planned in &calendar.planned {
            print_body(out, planned)?;
        }
        if args.prune {
            eprintln!("--prune: nothing to compare without a token (set ATTIO_API_KEY)");
        }
        summary.print(&calendar.window, Mode::Offline);
        return Ok(ExitCode::SUCCESS);
    }
    let client = super::super::connect_paced(global, Pacing::attio(), Some(patient()))?;
    let mut plan: Vec<_> = client
        .meetings()
        .ensure_all(
            calendar
                .planned
                .iter()
                .map(|p| p.meeting.clone())
                .collect::<Vec<_>>(),
        )
        .plan()
        .try_collect()
        .await
        .map_err(|e| Failure::api("listing the meetings of the window", &e))?;
    // In the calendar's order, as a reader compares them with the file.
    plan.sort_by_key(|item| item.index);
    for item in plan {
        let Some(planned) = calendar.planned.get(item.index) else {
            continue;
        };
        let at = at(planned);
        match item.result {
            Ok(Plan::Create) => {
                summary.created += 1;
                print_body(out, planned)?;
            }
            Ok(Plan::Found(meeting)) => {
                summary.found += 1;
                eprintln!(
                    "found {}{at}: meeting {}",
                    planned.uid, meeting.id.meeting_id
                );
            }
            // Created once, for the earlier occurrence with the same key.
            Ok(Plan::SameAs(_)) => summary.found += 1,
            Ok(Plan::Ambiguous(candidates)) => {
                summary.ambiguous += 1;
                let ids: Vec<_> = candidates
                    .iter()
                    .map(|m| m.id.meeting_id.to_string())
                    .collect();
                eprintln!(
                    "ambiguous {}{at}: {} meetings match ({}); none would be created",
                    planned.uid,
                    ids.len(),
                    ids.join(", ")
                );
            }
            Err(error) => {
                summary.failed += 1;
                eprintln!("invalid {}{at}: {error}", planned.uid);
            }
        }
    }
    if args.prune {
        let state = State::open(&super::state_path(args)?)?;
        let gone = prune::candidates(calendar, &state, client.workspace());
        for created in &gone {
            eprintln!(
                "would prune {} (event {}, {}): no longer in the calendar",
                created.meeting_id, created.ical_uid, created.key
            );
        }
        summary.pruned = Some(gone.len());
    }
    summary.print(&calendar.window, Mode::Plan);
    Ok(ExitCode::SUCCESS)
}

/// The body create-meeting would send, built by the same generated type; with `--json`, beside the
/// event it comes from (for scripts and reviews).
fn print_body(out: &Output, planned: &Planned) -> Result<(), Failure> {
    let body = CreateMeetingRequest::try_from(
        CreateMeetingRequest::builder().data(planned.meeting.clone()),
    )
    .map_err(|e| Failure::new(format!("cannot build the body for {}: {e}", planned.uid)))?;
    if out.json() {
        out.line(&serde_json::json!({
            "ical_uid": planned.uid,
            "original_start_time": planned.original_start.map(|at| at.to_rfc3339()),
            "body": body,
        }))
    } else {
        out.line(&body)
    }
}

/// Whether a token is at hand (`--token-file` or `ATTIO_API_KEY`).
fn has_token(global: &Global) -> bool {
    global.token_file.is_some()
        || std::env::var(attio_meetings::TOKEN_ENV).is_ok_and(|t| !t.trim().is_empty())
}
