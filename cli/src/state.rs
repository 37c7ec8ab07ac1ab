//! What imports created, kept between runs so that `import --prune` deletes only its own meetings.
//!
//! Attio keeps no mark of who created a meeting (`external_ref` is gone since 2026-07), and a marker in
//! the title or description would show in every user's CRM. So each machine records the meetings its
//! imports created in a local file, one JSON line per event (created, deleted), appended as they
//! happen: an interrupted import loses nothing it wrote before. `--prune` deletes only meetings this
//! file says an import created, from the same file, workspace and window; a meeting found (created by
//! someone else, or by an import on another machine) is never in it.

use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::failure::Failure;

/// One line of the state file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Record {
    /// An import created this meeting.
    Created(Created),
    /// This meeting was deleted by `--prune` (or was already gone).
    Deleted { workspace: String, meeting_id: Uuid },
}

/// A meeting an import created, and what it was made from.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Created {
    /// [`attio_meetings::Client::workspace`]: base URL and a hash of the token.
    pub workspace: String,
    /// The calendar file, as an absolute path.
    pub source: String,
    pub meeting_id: Uuid,
    /// The event's iCalendar UID.
    pub ical_uid: String,
    /// The matching key ([`attio_meetings::MeetingKey`]'s text): the event is still in the calendar
    /// when an occurrence of this run has the same key.
    pub key: String,
    /// The occurrence's (original) start: what puts it inside or outside an import's window.
    pub start: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// The state file: read once, appended to as the import goes.
pub struct State {
    path: PathBuf,
    /// The meetings created and not deleted, by workspace and id.
    live: BTreeMap<(String, Uuid), Created>,
    append: Option<File>,
    /// The file does not end in a newline: the first record appended starts with one.
    needs_newline: bool,
}

impl State {
    /// `--state`, else `imports.jsonl` in the platform's data directory (XDG on Linux, Application
    /// Support on macOS, AppData on Windows).
    pub fn default_path() -> Result<PathBuf, Failure> {
        dirs::data_dir()
            .map(|dir| dir.join("attio-meetings").join("imports.jsonl"))
            .ok_or_else(|| {
                Failure::new(
                    "no data directory for the state file (HOME is not set): pass --state FILE",
                )
            })
    }

    /// Reads the file (none yet is an empty state). A line that is not a record stops with its number:
    /// pruning from a state misread could delete the wrong meetings. The one exception is a line cut
    /// short (JSON that ends early): the write of an import killed mid-line, which recorded nothing
    /// whole. It is skipped with a warning, and a record appended after it starts on a line of its own.
    pub fn open(path: &Path) -> Result<Self, Failure> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => {
                return Err(Failure::new(format!(
                    "cannot read the state file {}: {e}",
                    path.display()
                )));
            }
        };
        let torn = !text.is_empty() && !text.ends_with('\n');
        let mut live = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let record: Record = match serde_json::from_str(line) {
                Ok(record) => record,
                Err(e) if e.is_eof() => {
                    eprintln!(
                        "warning: the state file {} line {} is cut short ({e}): an import stopped \
                         while writing it; skipped",
                        path.display(),
                        number + 1
                    );
                    continue;
                }
                Err(e) => {
                    return Err(Failure::new(format!(
                        "the state file {} line {} is not a record ({e}); fix or move it",
                        path.display(),
                        number + 1
                    )));
                }
            };
            apply(&mut live, record);
        }
        Ok(Self {
            path: path.to_path_buf(),
            live,
            append: None,
            needs_newline: torn,
        })
    }

    /// Appends a record (one write of one line, so that importers sharing the file do not interleave).
    pub fn record(&mut self, record: Record) -> Result<(), Failure> {
        let path = self.path.clone();
        let failed = |e: std::io::Error| {
            Failure::new(format!(
                "cannot write the state file {}: {e}",
                path.display()
            ))
        };
        if self.append.is_none() {
            if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(failed)?;
            }
            let file = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.path)
                .map_err(failed)?;
            self.append = Some(file);
        }
        let mut line = if std::mem::take(&mut self.needs_newline) {
            "\n".to_string()
        } else {
            String::new()
        };
        line += &serde_json::to_string(&record)
            .map_err(|e| Failure::new(format!("cannot write a state record: {e}")))?;
        line.push('\n');
        if let Some(file) = self.append.as_mut() {
            file.write_all(line.as_bytes()).map_err(failed)?;
        }
        apply(&mut self.live, record);
        Ok(())
    }

    /// The meetings imports of `sources` created in `workspace` whose start is in `since..until`, whose
    /// key no occurrence of this run has, and whose event this run did not skip (a skipped event may
    /// still be in the calendar).
    pub fn gone<'a>(
        &'a self,
        workspace: &'a str,
        sources: &'a HashSet<String>,
        window: (DateTime<Utc>, DateTime<Utc>),
        keys: &'a HashSet<String>,
        skipped_uids: &'a HashSet<String>,
    ) -> impl Iterator<Item = &'a Created> + 'a {
        self.live.values().filter(move |c| {
            c.workspace == workspace
                && sources.contains(&c.source)
                && window.0 <= c.start
                && c.start < window.1
                && !keys.contains(&c.key)
                && !skipped_uids.contains(&c.ical_uid)
        })
    }
}

/// A record's effect on the meetings created and not deleted.
fn apply(live: &mut BTreeMap<(String, Uuid), Created>, record: Record) {
    match record {
        Record::Created(created) => {
            live.insert((created.workspace.clone(), created.meeting_id), created);
        }
        Record::Deleted {
            workspace,
            meeting_id,
        } => {
            live.remove(&(workspace, meeting_id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn created(id: u128, key: &str, start: &str) -> Created {
        Created {
            workspace: "http://fake 0123".into(),
            source: "/cal.ics".into(),
            meeting_id: Uuid::from_u128(id),
            ical_uid: format!("uid-{id}"),
            key: key.into(),
            start: start.parse().unwrap(),
            created_at: "2026-12-01T00:00:00Z".parse().unwrap(),
        }
    }

    #[test]
    fn records_survive_a_reopen_and_deletions_cancel_creations() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nested").join("state.jsonl");
        let mut state = State::open(&path).unwrap();
        state
            .record(Record::Created(created(1, "k1", "2027-01-05T10:00:00Z")))
            .unwrap();
        state
            .record(Record::Created(created(2, "k2", "2027-01-06T10:00:00Z")))
            .unwrap();
        state
            .record(Record::Created(created(3, "k3", "2027-03-01T10:00:00Z")))
            .unwrap();
        state
            .record(Record::Deleted {
                workspace: "http://fake 0123".into(),
                meeting_id: Uuid::from_u128(2),
            })
            .unwrap();
        let state = State::open(&path).unwrap();
        let sources = HashSet::from(["/cal.ics".to_string()]);
        let window = (
            "2027-01-01T00:00:00Z".parse().unwrap(),
            "2027-02-01T00:00:00Z".parse().unwrap(),
        );
        let keys = HashSet::new();
        let skipped = HashSet::new();
        let gone: Vec<_> = state
            .gone("http://fake 0123", &sources, window, &keys, &skipped)
            .map(|c| c.meeting_id)
            .collect();
        // 2 was deleted; 3 is outside the window.
        assert_eq!(gone, vec![Uuid::from_u128(1)]);
        let keys = HashSet::from(["k1".to_string()]);
        assert_eq!(
            state
                .gone("http://fake 0123", &sources, window, &keys, &skipped)
                .count(),
            0
        );
        let skipped = HashSet::from(["uid-1".to_string()]);
        assert_eq!(
            state
                .gone(
                    "http://fake 0123",
                    &sources,
                    window,
                    &HashSet::new(),
                    &skipped
                )
                .count(),
            0
        );
        assert_eq!(
            state
                .gone(
                    "http://other 4567",
                    &sources,
                    window,
                    &HashSet::new(),
                    &HashSet::new()
                )
                .count(),
            0
        );
    }

    #[test]
    fn a_line_that_is_not_a_record_is_refused_with_its_number() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.jsonl");
        std::fs::write(&path, "{\"event\":\"deleted\",\"workspace\":\"w\",\"meeting_id\":\"00000000-0000-0000-0000-000000000001\"}\nnot json\n").unwrap();
        let error = State::open(&path).err().unwrap();
        assert!(format!("{error:?}").contains("line 2"), "{error:?}");
    }

    #[test]
    fn a_line_cut_short_is_skipped_and_the_next_record_starts_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.jsonl");
        let whole =
            serde_json::to_string(&Record::Created(created(1, "k1", "2027-01-05T10:00:00Z")))
                .unwrap();
        std::fs::write(&path, format!("{whole}\n{{\"event\":\"crea")).unwrap();
        let mut state = State::open(&path).unwrap();
        state
            .record(Record::Created(created(2, "k2", "2027-01-06T10:00:00Z")))
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert_eq!(lines[1], "{\"event\":\"crea");
        // Reopened, the cut line is no longer last and is still skipped; both whole records count.
        let state = State::open(&path).unwrap();
        let sources = HashSet::from(["/cal.ics".to_string()]);
        let window = (
            "2027-01-01T00:00:00Z".parse().unwrap(),
            "2027-02-01T00:00:00Z".parse().unwrap(),
        );
        let (keys, skipped) = (HashSet::new(), HashSet::new());
        let mut gone: Vec<_> = state
            .gone("http://fake 0123", &sources, window, &keys, &skipped)
            .map(|c| c.meeting_id)
            .collect();
        gone.sort();
        assert_eq!(gone, vec![Uuid::from_u128(1), Uuid::from_u128(2)]);
    }
}
