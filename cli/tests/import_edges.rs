//! `import --dry-run` on the cases the exporter-shaped fixtures do not cover: `RDATE`, events without an
//! end, several files at once, participants by name, and the edges of the window. Attio needs a
//! participant, so the events here have an organizer unless the test is about that.

mod common;

use common::{TempFile, assert_exit, command, json_lines, run, run_with_stdin, stderr};
use serde_json::Value;

fn calendar(prodid: &str, events: &str) -> String {
    format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:{prodid}\r\n{events}END:VCALENDAR\r\n")
}

const GOOGLE: &str = "-//Google Inc//Google Calendar 70.9054//EN";

/// Ada, who organises the events.
const ADA: &str = "ORGANIZER:mailto:ada@example.com\r\n";

/// The `data` of each body a dry run prints, with the event's identity (which `--json` prints beside
/// the body) under `external_ref`.
async fn dry_run(ics: &str, extra: &[&str]) -> Vec<Value> {
    let mut args = vec!["--json", "import", "--dry-run"];
    args.extend(extra);
    args.push("-");
    let output = run_with_stdin(command(), &args, ics.as_bytes().to_vec()).await;
    assert_exit(&output, 0);
    json_lines(&output)
        .into_iter()
        .map(|line| {
            let mut data = line["body"]["data"].clone();
            data["external_ref"] = serde_json::json!({
                "ical_uid": line["ical_uid"],
                "original_start_time": line["original_start_time"],
            });
            data
        })
        .collect()
}

#[tokio::test]
async fn rdate_adds_occurrences_to_the_rule_and_to_an_event_without_one() {
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:r@x\r\n{ADA}DTSTART;TZID=Europe/Paris:20270104T090000\r\nDTEND;TZID=Europe/Paris:20270104T093000\r\n\
             RRULE:FREQ=WEEKLY;COUNT=2\r\nRDATE;TZID=Europe/Paris:20270301T090000,20270401T090000\r\nEND:VEVENT\r\n"
        ),
    );
    let meetings = dry_run(&ics, &["--since", "2027-01-01", "--until", "2027-12-31"]).await;
    let starts: Vec<&str> = meetings
        .iter()
        .map(|m| m["external_ref"]["original_start_time"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-01-04T09:00:00+01:00",
            "2027-01-11T09:00:00+01:00",
            "2027-03-01T09:00:00+01:00",
            "2027-04-01T09:00:00+02:00"
        ]
    );
    // Each occurrence lasts as long as the first.
    assert_eq!(meetings[3]["end"]["datetime"], "2027-04-01T09:30:00+02:00");

    // Without a rule, the occurrences are DTSTART and the RDATEs.
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:only-rdates@x\r\n{ADA}DTSTART:20270104T090000Z\r\nRDATE:20270201T090000Z\r\nEND:VEVENT\r\n"
        ),
    );
    let meetings = dry_run(&ics, &["--since", "2027-01-01", "--until", "2027-12-31"]).await;
    let starts: Vec<&str> = meetings
        .iter()
        .map(|m| m["start"]["datetime"].as_str().unwrap())
        .collect();
    assert_eq!(starts, ["2027-01-04T09:00:00Z", "2027-02-01T09:00:00Z"]);
    // Occurrences of a series (RDATEs make one) are told apart by their original start.
    assert!(
        meetings
            .iter()
            .all(|m| m["external_ref"]["original_start_time"].is_string())
    );
}

#[tokio::test]
async fn an_event_without_an_end_lasts_its_day_or_is_an_instant() {
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:day@x\r\n{ADA}DTSTART;VALUE=DATE:20270310\r\nEND:VEVENT\r\n\
             BEGIN:VEVENT\r\nUID:instant@x\r\n{ADA}DTSTART;TZID=Europe/Paris:20270310T120000\r\nEND:VEVENT\r\n"
        ),
    );
    let meetings = dry_run(&ics, &["--since", "2027-01-01", "--until", "2027-12-31"]).await;
    let day = meetings
        .iter()
        .find(|m| m["external_ref"]["ical_uid"] == "day@x")
        .unwrap();
    assert_eq!(
        (&day["start"]["date"], &day["end"]["date"]),
        (&"2027-03-10".into(), &"2027-03-11".into())
    );
    let instant = meetings
        .iter()
        .find(|m| m["external_ref"]["ical_uid"] == "instant@x")
        .unwrap();
    assert_eq!(instant["start"], instant["end"]);
}

#[tokio::test]
async fn the_window_includes_its_first_instant_and_the_whole_last_day() {
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:daily@x\r\n{ADA}DTSTART:20270101T000000Z\r\nDURATION:PT1H\r\nRRULE:FREQ=HOURLY;INTERVAL=12\r\nEND:VEVENT\r\n"
        ),
    );
    let meetings = dry_run(&ics, &["--since", "2027-01-02", "--until", "2027-01-03"]).await;
    let starts: Vec<&str> = meetings
        .iter()
        .map(|m| m["start"]["datetime"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2027-01-02T00:00:00Z",
            "2027-01-02T12:00:00Z",
            "2027-01-03T00:00:00Z",
            "2027-01-03T12:00:00Z"
        ]
    );

    let output = run(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-03",
            "--until",
            "2027-01-02",
            "x.ics",
        ],
    )
    .await;
    assert_exit(&output, 2);
    assert!(
        stderr(&output).contains("must be after"),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn several_files_are_read_in_one_import_and_counted_together() {
    let one = TempFile::new(
        "one.ics",
        &calendar(
            GOOGLE,
            &format!("BEGIN:VEVENT\r\nUID:a@x\r\n{ADA}DTSTART:20270310T120000Z\r\nEND:VEVENT\r\n"),
        ),
    );
    let two = TempFile::new(
        "two.ics",
        &calendar(
            "-//Microsoft Corporation//Outlook 16.0 MIMEDIR//EN",
            &format!(
                "BEGIN:VEVENT\r\nUID:b@x\r\n{ADA}DTSTART:20270311T120000Z\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nUID:c@x\r\nEND:VEVENT\r\n"
            ),
        ),
    );
    let output = run(
        command(),
        &[
            "--json",
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-12-31",
            one.as_str(),
            two.as_str(),
        ],
    )
    .await;
    assert_exit(&output, 0);
    let uids: Vec<Value> = json_lines(&output)
        .iter()
        .map(|line| line["ical_uid"].clone())
        .collect();
    assert_eq!(uids, ["a@x", "b@x"], "both files, in order");
    let text = stderr(&output);
    assert!(
        text.contains(&format!(
            "skipped c@x ({} line 9): it has no DTSTART",
            two.as_str()
        )),
        "{text}"
    );
    // The summary's wording around these counts belongs to the import command, not to reading files.
    let summary = text
        .lines()
        .find(|l| l.starts_with("summary:"))
        .unwrap_or_default();
    for part in [
        "3 events read, 2 meetings in 2027-01-01..2027-12-31",
        "nothing sent",
        "1 skipped",
    ] {
        assert!(summary.contains(part), "{part:?} in the summary:\n{text}");
    }
}

#[tokio::test]
async fn rooms_are_not_participants_a_name_without_an_email_is_one_and_nobody_skips_the_event() {
    let ics = calendar(
        GOOGLE,
        "BEGIN:VEVENT\r\nUID:room@x\r\nDTSTART:20270310T120000Z\r\nORGANIZER:mailto:ada@example.com\r\n\
         ATTENDEE;CUTYPE=ROOM;CN=Boardroom:mailto:boardroom@resource.calendar.google.com\r\n\
         ATTENDEE;CUTYPE=RESOURCE;CN=Projector:urn:uuid:1\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:nomail@x\r\nDTSTART:20270311T120000Z\r\nATTENDEE;CN=Grace Hopper:urn:uuid:2\r\nEND:VEVENT\r\n\
         BEGIN:VEVENT\r\nUID:nobody@x\r\nDTSTART:20270312T120000Z\r\nATTENDEE:urn:uuid:3\r\nEND:VEVENT\r\n",
    );
    let output = run_with_stdin(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-12-31",
            "-",
        ],
        ics.into_bytes(),
    )
    .await;
    assert_exit(&output, 0);
    let mut meetings = json_lines(&output);
    meetings.sort_by_key(|m| {
        m["data"]["start"]["datetime"]
            .as_str()
            .unwrap_or("")
            .to_string()
    });
    assert_eq!(meetings.len(), 2);
    assert_eq!(
        meetings[0]["data"]["participants"],
        serde_json::json!([{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}])
    );
    // A participant by name (Attio creates no person record for them): no `email_address` key.
    assert_eq!(
        meetings[1]["data"]["participants"],
        serde_json::json!([{"name": "Grace Hopper", "is_organizer": false, "status": "pending"}])
    );
    let text = stderr(&output);
    assert!(
        text.contains(
            "skipped nobody@x (standard input line 16): ATTENDEE \"urn:uuid:3\" has neither an e-mail address nor a name"
        ),
        "{text}"
    );
}

#[tokio::test]
async fn a_runaway_series_stops_at_ten_thousand_occurrences_and_says_so() {
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:minutely@x\r\n{ADA}DTSTART:20270101T000000Z\r\nRRULE:FREQ=MINUTELY\r\nEND:VEVENT\r\n"
        ),
    );
    let output = run_with_stdin(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-01-10",
            "-",
        ],
        ics.into_bytes(),
    )
    .await;
    assert_exit(&output, 0);
    assert_eq!(common::stdout(&output).lines().count(), 10_000);
    assert!(
        stderr(&output).contains(
            "skipped minutely@x (standard input line 4): the series has more than 10000 occurrences"
        ),
        "{}",
        stderr(&output)
    );
}

#[tokio::test]
async fn a_duration_beyond_the_calendar_is_skipped_not_a_crash() {
    let ics = calendar(
        GOOGLE,
        &format!(
            "BEGIN:VEVENT\r\nUID:forever@x\r\n{ADA}DTSTART:20270310T120000Z\r\nDURATION:P4294967295W\r\nEND:VEVENT\r\n"
        ),
    );
    let output = run_with_stdin(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-12-31",
            "-",
        ],
        ics.into_bytes(),
    )
    .await;
    assert_exit(&output, 0);
    assert!(
        stderr(&output).contains("skipped forever@x (standard input line 4): DURATION ends beyond"),
        "{}",
        stderr(&output)
    );
}

/// Issue 18: an attendee whose address is not an e-mail is left out, never silently, and costs the
/// meeting nothing: the others are still invited.
const NOT_AN_EMAIL: &str = "BEGIN:VEVENT\r\nUID:bad-address@x\r\nDTSTART:20270310T120000Z\r\n\
    ORGANIZER:mailto:ada@example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:not an email\r\n\
    ATTENDEE;PARTSTAT=TENTATIVE:mailto:grace@example.com\r\nEND:VEVENT\r\n";

#[tokio::test]
async fn an_attendee_whose_address_is_not_an_email_costs_the_meeting_nothing() {
    let meetings = dry_run(
        &calendar(GOOGLE, NOT_AN_EMAIL),
        &["--since", "2027-01-01", "--until", "2027-12-31"],
    )
    .await;
    assert_eq!(meetings.len(), 1, "{meetings:#?}");
    assert_eq!(
        meetings[0]["participants"],
        serde_json::json!([
            {"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"},
            {"email_address": "grace@example.com", "is_organizer": false, "status": "tentative"},
        ])
    );
}

#[tokio::test]
async fn an_attendee_whose_address_is_not_an_email_is_reported_by_uid_line_and_value() {
    let output = run_with_stdin(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-12-31",
            "-",
        ],
        calendar(GOOGLE, NOT_AN_EMAIL).into_bytes(),
    )
    .await;
    assert_exit(&output, 0);
    let text = stderr(&output);
    let reports: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("bad-address@x"))
        .collect();
    assert_eq!(reports.len(), 1, "{text}");
    // Line 8 of the file: the ATTENDEE itself.
    for part in ["standard input line 8", "\"mailto:not an email\""] {
        assert!(reports[0].contains(part), "{part:?}: {}", reports[0]);
    }
    assert!(!reports[0].starts_with("skipped"), "{}", reports[0]);
}
