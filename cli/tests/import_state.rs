//! What the import does with what already exists: `--dry-run` prints only what it would create,
//! `--prune` deletes exactly the meetings earlier imports created whose events left the calendar (and
//! nothing anyone else made), and importers sharing Redis never create one meeting twice.

mod common;

use std::collections::BTreeSet;

use attio_meetings_mock::redis_server::RedisServer;
use attio_meetings_mock::{Endpoint, Fault, MockServer};
use common::{
    TempFile, WINDOW, against, assert_exit, fake_with_write_limit, generated_calendar, run, stderr,
    stdout,
};

async fn import(fake: &MockServer, file: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["import", file, "--max-rate", "500", "--concurrency", "16"];
    args.extend(WINDOW);
    args.extend(extra);
    run(against(fake), &args).await
}

/// A calendar file imported once, with its own state file, both in a directory removed with it.
struct Imported {
    _dir: tempfile::TempDir,
    calendar: String,
    state: String,
}

impl Imported {
    async fn new(fake: &MockServer, ics: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
        let (calendar, state) = (path("team.ics"), path("imports.jsonl"));
        std::fs::write(&calendar, ics).unwrap();
        assert_exit(&import(fake, &calendar, &["--state", &state]).await, 0);
        Self {
            _dir: dir,
            calendar,
            state,
        }
    }

    /// The calendar's path: rewrite the file to change the calendar.
    fn calendar(&self) -> &str {
        &self.calendar
    }

    fn state(&self) -> &str {
        &self.state
    }
}

/// The titles of the fake's meetings.
fn titles(fake: &MockServer) -> BTreeSet<String> {
    fake.store()
        .meetings()
        .iter()
        .filter_map(|m| m["title"].as_str().map(str::to_string))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_prints_only_the_bodies_it_would_create() {
    let fake = fake_with_write_limit(500).await;
    let first = TempFile::new("first.ics", &generated_calendar(30, 0, 0));
    assert_exit(&import(&fake, first.as_str(), &[]).await, 0);
    // The same calendar with 5 more events.
    let grown = TempFile::new("grown.ics", &generated_calendar(35, 0, 0));
    let creates = fake.requests(Endpoint::CreateMeeting);
    let output = import(&fake, grown.as_str(), &["--dry-run", "--json"]).await;
    assert_exit(&output, 0);
    let bodies: Vec<serde_json::Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    let uids: BTreeSet<&str> = bodies
        .iter()
        .filter_map(|b| b["ical_uid"].as_str())
        .collect();
    let expected: BTreeSet<String> = (30..35)
        .map(|i| format!("single-{i}@example.com"))
        .collect();
    assert_eq!(
        uids,
        expected.iter().map(String::as_str).collect(),
        "{}",
        stdout(&output)
    );
    assert!(
        bodies
            .iter()
            .all(|b| b["body"]["data"]["title"].is_string())
    );
    let err = stderr(&output);
    assert_eq!(err.matches("found single-").count(), 30, "{err}");
    assert!(
        err.contains("dry run: found 30, would create 5, ambiguous 0; nothing written"),
        "{err}"
    );
    assert_eq!(
        fake.requests(Endpoint::CreateMeeting),
        creates,
        "a dry run writes nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_deletes_exactly_the_imported_meetings_whose_events_left_the_calendar() {
    let fake = fake_with_write_limit(500).await;
    // 40 one-off events and 2 daily series of 30.
    let imported = Imported::new(&fake, &generated_calendar(40, 2, 30)).await;
    let (calendar, state_arg) = (imported.calendar(), imported.state());
    assert_eq!(fake.store().meetings().len(), 100);
    // Someone else's meeting in the same window, with a title the calendar never has.
    fake.store()
        .seed_meeting(
            &serde_json::json!({"data": {
                "title": "Not from the calendar", "description": "", "is_all_day": false,
                "start": {"datetime": "2027-02-10T09:00:00Z"}, "end": {"datetime": "2027-02-10T09:30:00Z"},
                "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}],
            }}),
            None,
        )
        .unwrap();
    // The file loses 6 one-off events and the last 10 days of each series (same file, same path).
    std::fs::write(calendar, generated_calendar(34, 2, 20)).unwrap();
    let before = titles(&fake);

    let dry = import(
        &fake,
        calendar,
        &["--state", state_arg, "--prune", "--dry-run"],
    )
    .await;
    assert_exit(&dry, 0);
    let prunes = stderr(&dry)
        .lines()
        .filter(|l| l.starts_with("would prune ") && l.ends_with("no longer in the calendar"))
        .count();
    assert_eq!(prunes, 26, "{}", stderr(&dry));
    assert!(stderr(&dry).contains("would prune 26"), "{}", stderr(&dry));
    assert_eq!(
        fake.store().meetings().len(),
        101,
        "a dry run deletes nothing"
    );

    let deletes = fake.requests(Endpoint::DeleteMeeting);
    let output = import(&fake, calendar, &["--state", state_arg, "--prune"]).await;
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("found 74, created 0, ambiguous 0, failed 0; pruned 26"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.requests(Endpoint::DeleteMeeting) - deletes, 26);
    let after = titles(&fake);
    let removed: BTreeSet<_> = before.difference(&after).cloned().collect();
    let expected: BTreeSet<String> = (34..40).map(|i| format!("Call {i}")).collect();
    // Series occurrences share a title: count them instead.
    assert_eq!(
        removed, expected,
        "the one-off events removed from the file, no other title"
    );
    assert!(after.contains("Not from the calendar"));
    assert_eq!(fake.store().meetings().len(), 101 - 26);
    let standups = fake
        .store()
        .meetings()
        .iter()
        .filter(|m| {
            m["title"]
                .as_str()
                .is_some_and(|t| t.starts_with("Stand-up"))
        })
        .count();
    assert_eq!(standups, 40, "20 days left of each series");

    // Pruning again finds nothing more to do.
    let again = import(&fake, calendar, &["--state", state_arg, "--prune"]).await;
    assert_exit(&again, 0);
    assert!(stderr(&again).contains("pruned 0"), "{}", stderr(&again));
    assert_eq!(fake.store().meetings().len(), 75);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_goes_on_past_a_meeting_deleted_by_hand_and_a_failed_delete() {
    let fake = fake_with_write_limit(500).await;
    let imported = Imported::new(&fake, &generated_calendar(5, 0, 0)).await;
    let (calendar, state_arg) = (imported.calendar(), imported.state());
    let by_hand = fake
        .store()
        .meetings()
        .iter()
        .find(|m| m["title"] == "Call 3")
        .and_then(|m| m["id"]["meeting_id"].as_str()?.parse().ok())
        .expect("Call 3 was imported");
    fake.store().delete_meeting(by_hand).unwrap();
    // Every event left the file; the first delete (of Call 0, the earliest) is refused once.
    std::fs::write(calendar, generated_calendar(0, 0, 0)).unwrap();
    fake.faults()
        .script(Endpoint::DeleteMeeting, [Some(Fault::Status(400))]);

    let output = import(&fake, calendar, &["--state", state_arg, "--prune"]).await;
    assert_exit(&output, 1);
    let err = stderr(&output);
    assert!(err.contains("failed to prune "), "{err}");
    assert!(err.contains("already deleted in Attio"), "{err}");
    // Call 3, already gone, counts as pruned.
    assert!(err.contains("pruned 4, failed to prune 1"), "{err}");
    let left = titles(&fake);
    assert_eq!(left, BTreeSet::from(["Call 0".to_string()]));

    // The refused one is still recorded, and goes on the next run.
    let again = import(&fake, calendar, &["--state", state_arg, "--prune"]).await;
    assert_exit(&again, 0);
    assert!(stderr(&again).contains("pruned 1"), "{}", stderr(&again));
    assert!(titles(&fake).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prune_never_reads_standard_input() {
    let fake = fake_with_write_limit(500).await;
    let output = import(&fake, "-", &["--prune"]).await;
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("--prune needs calendar files"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_importers_sharing_redis_leave_exactly_one_meeting_per_occurrence() {
    let Some(redis) =
        RedisServer::start("two_importers_sharing_redis_leave_exactly_one_meeting_per_occurrence")
    else {
        return;
    };
    let fake = fake_with_write_limit(500).await;
    let file = TempFile::new("shared.ics", &generated_calendar(1000, 4, 250));
    let url = redis.url();
    let shared = ["--redis", url.as_str()];
    let (a, b) = tokio::join!(
        import(&fake, file.as_str(), &shared),
        import(&fake, file.as_str(), &shared),
    );
    assert_exit(&a, 0);
    assert_exit(&b, 0);
    assert_eq!(fake.store().meetings().len(), 2000);
    assert_eq!(
        fake.requests(Endpoint::CreateMeeting),
        2000,
        "no create was wasted"
    );
    let created = |output: &std::process::Output| -> usize {
        let err = stderr(output);
        let tail = err.split("created ").nth(1).unwrap_or_default();
        tail.split(',')
            .next()
            .unwrap_or_default()
            .parse()
            .unwrap_or(usize::MAX)
    };
    assert_eq!(
        created(&a) + created(&b),
        2000,
        "{}\n{}",
        stderr(&a),
        stderr(&b)
    );
    // Pacing is shared through the same Redis; its own tests check the rates. A 429 here (when Redis
    // answers slowly on a loaded machine, each process paces itself) is retried, never a duplicate.
    eprintln!("429s: {}", fake.rate_limited());
}
