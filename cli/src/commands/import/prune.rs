//! `--prune`: deletes the meetings earlier imports of these files created (as the state file records)
//! whose occurrence is no longer in the calendar's window. A meeting the import did not create is never
//! in the state file, so never deleted.

use attio_meetings::Client;

use super::{Calendar, Summary};
use crate::failure::Failure;
use crate::state::{Created, Record, State};

/// What `--prune` would delete.
pub fn candidates(calendar: &Calendar, state: &State, workspace: &str) -> Vec<Created> {
    let sources = calendar.sources.iter().cloned().collect();
    let keys = calendar.keys();
    let mut gone: Vec<Created> = state
        .gone(
            workspace,
            &sources,
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

pub async fn run(
    client: &Client,
    calendar: &Calendar,
    state: &mut State,
    summary: &mut Summary,
) -> Result<(), Failure> {
    let gone = candidates(calendar, state, client.workspace());
    let mut pruned = 0;
    for created in gone {
        // Found-gone is done: a meeting someone already deleted counts as pruned.
        client
            .meetings()
            .delete(created.meeting_id)
            .await
            .map_err(|e| {
                Failure::api(
                    &format!(
                        "pruning meeting {} (event {}, {})",
                        created.meeting_id, created.ical_uid, created.key
                    ),
                    &e,
                )
            })?;
        eprintln!(
            "pruned {} (event {}, {}): no longer in the calendar",
            created.meeting_id, created.ical_uid, created.key
        );
        state.record(Record::Deleted {
            workspace: created.workspace,
            meeting_id: created.meeting_id,
        })?;
        pruned += 1;
    }
    summary.pruned = Some(pruned);
    Ok(())
}
