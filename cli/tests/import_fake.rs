//! `attio-meetings import` against the fake, which (like Attio since 2026-07) creates a meeting on every
//! create: a second run finds everything and writes nothing, faults (answers lost after the meeting was
//! made included) never duplicate, and the summary matches what the fake stored.

mod common;

use attio_meetings_mock::{Endpoint, Fault, FaultRule, MockServer};
use common::{
    TempFile, WINDOW, against, assert_exit, fake_with_write_limit, generated_calendar, run, stderr,
};

/// A calendar of 2,000 meetings (1,000 one-off events and 4 daily series of 250) in a file.
fn calendar_of_2000() -> TempFile {
    TempFile::new("two-thousand.ics", &generated_calendar(1000, 4, 250))
}

async fn import(fake: &MockServer, file: &str) -> std::process::Output {
    let mut args = vec!["import", file, "--max-rate", "500", "--concurrency", "16"];
    args.extend(WINDOW);
    run(against(fake), &args).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_the_same_calendar_twice_leaves_exactly_one_meeting_per_occurrence() {
    let fake = fake_with_write_limit(500).await;
    let file = calendar_of_2000();
    for (round, outcome) in [
        (1, "found 0, created 2000, ambiguous 0, failed 0"),
        (2, "found 2000, created 0, ambiguous 0, failed 0"),
    ] {
        let lists = fake.requests(Endpoint::ListMeetings);
        let output = import(&fake, file.as_str()).await;
        assert_exit(&output, 0);
        assert!(
            stderr(&output).contains(&format!(
                "summary: 1004 events read, 2000 meetings in 2027-01-01..2027-12-31; {outcome}"
            )),
            "round {round}: {}",
            stderr(&output)
        );
        assert_eq!(fake.store().meetings().len(), 2000, "round {round}");
        // The meetings of each stretch of time, 200 a page (a few stretches: the calendar has gaps of
        // more than a day once its series end): a handful of listings, not one request per occurrence.
        let listed = fake.requests(Endpoint::ListMeetings) - lists;
        assert!(listed <= 20, "round {round}: {listed} listing requests");
    }
    // Every create was one of the first run's: the second wrote nothing.
    assert_eq!(fake.requests(Endpoint::CreateMeeting), 2000);
    assert_eq!(
        fake.rate_limited(),
        0,
        "pacing keeps the import under the fake's limit"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_on_the_way_in_and_out_still_leave_exactly_one_meeting_per_occurrence() {
    let fake = fake_with_write_limit(500).await;
    // One request in ten fails (about 200 per import): 5xx before processing, dropped before processing,
    // or dropped after the meeting was created (the answer is lost; the import must look again and
    // find it, not create it twice). Listings fail too. An occurrence (or a listing) fails for good only
    // after 8 faults in a row (10^-8).
    fake.faults().add_rule(FaultRule {
        operations: vec![Endpoint::CreateMeeting, Endpoint::ListMeetings],
        rate: 0.1,
        faults: vec![
            Fault::Status(500),
            Fault::Status(503),
            Fault::Drop,
            Fault::DropAfterProcessing,
        ],
    });
    let file = calendar_of_2000();
    let output = import(&fake, file.as_str()).await;
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("found 0, created 2000, ambiguous 0, failed 0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.store().meetings().len(), 2000);
    assert!(
        fake.requests(Endpoint::CreateMeeting) > 2100,
        "faults were injected and the creates looked again and sent again"
    );

    // And again, still under faults: nothing new.
    let output = import(&fake, file.as_str()).await;
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("found 2000, created 0, ambiguous 0, failed 0"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.store().meetings().len(), 2000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_finally_fails_is_counted_reported_and_exits_non_zero() {
    let fake = fake_with_write_limit(500).await;
    // Nine creates in ten answer 500 (before processing): many occurrences exhaust their 8 rounds of
    // looking and creating again (0.9^8 = 43%), the others get through.
    fake.faults().add_rule(FaultRule {
        operations: vec![Endpoint::CreateMeeting],
        rate: 0.9,
        faults: vec![Fault::Status(500)],
    });
    let file = TempFile::new("forty.ics", &generated_calendar(40, 0, 0));
    let output = import(&fake, file.as_str()).await;
    assert_exit(&output, 1);
    let stored = fake.store().meetings().len();
    let text = stderr(&output);
    assert!(stored < 40, "some must have failed with these odds: {text}");
    assert!(
        text.contains(&format!(
            "found 0, created {stored}, ambiguous 0, failed {}",
            40 - stored
        )),
        "the summary matches the store ({stored} stored): {text}"
    );
    let failures = text
        .lines()
        .filter(|line| line.starts_with("failed single-"))
        .count();
    assert_eq!(
        failures,
        40 - stored,
        "each failure is reported on its own line: {text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_output_names_each_occurrence_and_its_meeting() {
    let fake = fake_with_write_limit(500).await;
    let file = TempFile::new("series.ics", &generated_calendar(2, 1, 3));
    let mut command = against(&fake);
    command.arg("--json");
    let mut args = vec!["import", file.as_str()];
    args.extend(WINDOW);
    let output = run(command, &args).await;
    assert_exit(&output, 0);
    let lines = common::json_lines(&output);
    assert_eq!(lines.len(), 5);
    let stored: Vec<String> = fake
        .store()
        .meetings()
        .iter()
        .map(|m| m["id"]["meeting_id"].as_str().unwrap().to_string())
        .collect();
    for line in &lines {
        assert_eq!(line["outcome"], "created", "{line}");
        assert!(
            stored.contains(&line["meeting_ids"][0].as_str().unwrap().to_string()),
            "{line}"
        );
        let recurring = line["ical_uid"].as_str().unwrap().starts_with("series-");
        assert_eq!(line["original_start_time"].is_string(), recurring, "{line}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_is_not_a_calendar_stops_the_import_before_anything_is_sent() {
    let fake = fake_with_write_limit(500).await;
    let good = TempFile::new("good.ics", &generated_calendar(3, 0, 0));
    let bad = TempFile::new("contacts.csv", "name,email\nAda,ada@example.com\n");
    let mut args = vec!["import", good.as_str(), bad.as_str()];
    args.extend(WINDOW);
    let output = run(against(&fake), &args).await;
    assert_exit(&output, 1);
    assert!(
        stderr(&output).contains("contacts.csv is not an iCalendar file"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.total_requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_rate_keeps_the_import_under_a_lower_limit() {
    // A token whose writes are shared with another job: the fake allows 5 per second.
    let fake = fake_with_write_limit(5).await;
    let file = TempFile::new("fifteen.ics", &generated_calendar(15, 0, 0));
    let mut args = vec!["import", file.as_str(), "--max-rate", "5"];
    args.extend(WINDOW);
    let output = run(against(&fake), &args).await;
    assert_exit(&output, 0);
    assert_eq!(fake.store().meetings().len(), 15);
    assert_eq!(
        fake.rate_limited(),
        0,
        "paced at 5 per second, never refused"
    );
}
