//! `--prune`: deletes the meetings earlier imports of these files created (as the state file records)
//! whose occurrence is no longer in the calendar's window. A meeting the import did not create is never
//! in the state file, so never deleted.

use attio_meetings::Client;

use super::{Calendar, Summary};
use crate::failure::Failure;
use crate::state::{Created, Record, State};

/// What `--prune` would delete.
pub fn candidates(calendar: &Calendar, state: &State, workspace: &str) -> Vec<Created> {
    let keys = calendar.keys();
    let mut gone: Vec<Created> = state
        .gone(
            workspace,
            &calendar.files,
            (calendar.window.since, calendar.window.until),
            &keys,
            &calendar.skipped_uids,
        )
        .cloned()
        .collect();
    // In calendar order, as people read them.
    gone.sort_by_key(|c| c.start);
    gone
}

/// Deletes each candidate. A meeting already gone (deleted by hand) counts as pruned; any other
/// failure is reported and counted, and the rest goes on: one meeting's trouble blocks no other.
pub async fn run(
    client: &Client,
    calendar: &Calendar,
    state: &mut State,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let gone = candidates(calendar, state, client.workspace());
    let mut pruned = 0;
    for created in gone {
        let what = format!(
            "{} (event {}, {})",
            created.meeting_id, created.ical_uid, created.key
        );
        match client.meetings().delete(created.meeting_id).await {
            Ok(_) => eprintln!("pruned {what}: no longer in the calendar"),
            Err(error) if error.is_not_found() => {
                eprintln!("pruned {what}: no longer in the calendar, and already deleted in Attio");
            }
            Err(error) => {
                eprintln!("failed to prune {what}: {error}");
                summary.prune_failed += 1;
                continue;
            }
        }
        state.record(Record::Deleted {
            workspace: created.workspace,
            meeting_id: created.meeting_id,
        })?;
        pruned += 1;
    }
    summary.pruned = Some(pruned);
    Ok(())
}
