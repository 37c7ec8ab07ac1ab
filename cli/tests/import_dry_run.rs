//! `attio-meetings import --dry-run` on calendars shaped like real exports (Google Calendar,
//! Outlook, macOS Calendar; see `tests/fixtures/README.md`): the bodies it would send to
//! `POST /v2/meetings`, field by field, and what it reports about the events it cannot import.
//!
//! Covered: recurrence (`RRULE` with no end, with `UNTIL`, with `COUNT`; `EXDATE`; overrides that
//! move or cancel one occurrence), UTC offsets on either side of the British, European and US
//! daylight-saving changes of 2026, Windows zone names, UTC and floating times, all-day events,
//! `DURATION`, unfolding and unescaping, participants and their answers, events skipped with a
//! report, files that are not iCalendar, and reading from stdin.
//!
//! Every expected value was worked out by hand from the fixtures and checked with an independent
//! reading in Python (`icalendar` 7.3 and `recurring-ical-events` 3.8 for the occurrences,
//! `zoneinfo` with tzdata 2026 for the offsets), never with this crate.
//!
//! The order of the output lines is not part of the contract: occurrences are found by `ical_uid`
//! and `original_start_time`, which `--json` prints beside each body (the bodies themselves carry no
//! identity since Attio dropped `external_ref`; the helpers below put the two back under
//! `external_ref` in the value the tests read, after checking the body has no such key). Datetimes are compared as instants *and* offsets (`+01:00` and
//! `+00:00` differ across a DST change even for the same wall time), so `Z` and `+00:00` are
//! equivalent. The windows (`--since`, `--until`) are days away from every occurrence, so where
//! exactly a window starts and ends does not matter here.

use std::io::Write;
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

use chrono::{DateTime, Days, FixedOffset, NaiveDate};
use serde_json::{Value, json};

// ---- the fixtures' events -----------------------------------------------------------------------

/// google.ics: weekly pipeline review, Mondays 09:30 Europe/London, one `EXDATE`, two overrides.
const WEEKLY_REVIEW: &str = "uj3deg1dncf54epf5dhod3doci@google.com";
/// google.ics: onboarding, Thursdays 15:00 Europe/London, `UNTIL=20260430T140000Z`.
const ONBOARDING: &str = "s4jhtlgm1gedn95u771tplpft9@google.com";
/// google.ics: all-day, 15 to 17 April.
const OFFSITE: &str = "v6seh4kvj94ceuv097efr8edt6@google.com";
/// google.ics: single event in UTC, in June.
const INTRO_CALL: &str = "s20b70kh9dnsip339fk63ri5r4@google.com";
/// google.ics: single event in UTC, in February, with no title and no description.
const UNTITLED: &str = "02ojfljooa9lqsaj41uid73333@google.com";
/// google.ics: November 2025, outside the windows.
const LAST_YEAR: &str = "g83dmen6khvdgajg1ben2jq018@google.com";

/// outlook.ics: Tue/Thu, `COUNT=6`, W. Europe Standard Time (quoted `TZID`).
const DEAL_DESK: &str = concat!(
    "040000008200E00074C5B7101A82E00800000000005A9B59659ADC01",
    "0000000000000000100000004F50FBD3C064418085E7AB88BB2A6757",
);
/// outlook.ics: Pacific Standard Time, `DURATION:PT45M`.
const RENEWAL_CALL: &str = concat!(
    "040000008200E00074C5B7101A82E0080000000080CBDDC98DA5DC01",
    "0000000000000000100000004390F46330BB4471A8B0FE7D095466BC",
);
/// outlook.ics: all-day, 5 and 6 May.
const KICKOFF: &str = concat!(
    "040000008200E00074C5B7101A82E00800000000809E85C328AADC01",
    "00000000000000001000000095ED9864634741D0A14F26C28D14DCB9",
);
/// outlook.ics: W. Europe Standard Time (unquoted `TZID`), a colon in the title.
const ONE_TO_ONE: &str = concat!(
    "040000008200E00074C5B7101A82E0080000000000D0F69D88ACDC01",
    "0000000000000000100000009B279A1BBB8B42BFB8C0B374004DA46D",
);

/// apple.ics: daily, `COUNT=5`, America/New_York.
const WAR_ROOM: &str = "0A8F58DC-536E-481D-9EB6-774582ADC356";
/// apple.ics: floating time (no `TZID`, no `Z`).
const FLOATING: &str = "1ED1D365-F708-4725-857D-A39640140169";
/// apple.ics: no organizer, no attendees.
const DENTIST: &str = "6C038788-17AF-413E-BA6A-D784F1F8CA9B";
/// apple.ics: UTC times in a calendar without `X-WR-TIMEZONE`.
const WEBINAR: &str = "5712E130-9763-4070-A29D-AD4B1401700F";
/// apple.ics: the `UID` of the war room's `VALARM`, not an event's.
const WAR_ROOM_ALARM: &str = "A7E3C9D1-2B4F-4E6A-8C0D-1F2E3D4C5B6A";

/// periods.ics: weekly series with `RDATE;VALUE=PERIOD` extras, `EXDATE`s and an override.
const HEALTH_CHECK: &str = "5d0c9a3e-7b41-4f2a-9c55-periods@cs.example";
/// rdate-garbage.ics: weekly series with one unreadable `RDATE` value and one unreadable `RDATE`.
const DESIGN_REVIEW: &str = "designreview4h7k2m9p1r6t@google.com";

/// broken.ics: no `DTSTART`.
const NO_DTSTART: &str = "nodtstart7k2m9q4v1b8c3d6f0h@google.com";
/// broken.ics: `TZID=Mars/Olympus_Mons`, no `VTIMEZONE`.
const MARS_TIME: &str = "marstime3n8p1r6t0v2b5d7f9h4k@google.com";
/// broken.ics: the good one.
const GOOD_EVENT: &str = "goodevent5c1e8g3j6l9n2q4s7u0w@google.com";

/// The Google Meet section Google appends to descriptions, separator lines included.
const MEET_SECTION: &str = concat!(
    "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-\n",
    "Join with Google Meet: https://meet.google.com/xqv-pdnm-kta\n",
    "\n",
    "Join by phone\n",
    "(GB) +44 20 3956 0467 PIN: 482 915 337#\n",
    "\n",
    "More phone numbers: https://tel.meet/xqv-pdnm-kta?pin=4829153377123\n",
    "\n",
    "Learn more about Meet at: https://support.google.com/a/users/answer/9282720\n",
    "\n",
    "Please do not edit this section.\n",
    "-::~:~::~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~:~::~:~::-",
);

/// The weekly review's description: folded over ten lines, one fold between `\` and `n`, with
/// `\;`, `\,`, `\\` and a two-byte `ü`.
fn weekly_review_description() -> String {
    let agenda = concat!(
        "Agenda:\n",
        "1. Pipeline by stage; flag anything stuck >= 14 days\n",
        "2. Forecast: commit, best case, upside\n",
        "3. Renewals due this quarter (Zürich, Lyon, Leeds)\n",
        "\n",
        "Deck: S:\\Sales\\Pipeline\\2026\\weekly.pptx\n",
        "\n",
    );
    format!("{agenda}{MEET_SECTION}")
}

/// The moved occurrence's own description.
fn moved_review_description() -> String {
    format!("Moved to Tuesday for the Easter Monday bank holiday.\n\n{MEET_SECTION}")
}

/// The deal desk's description: Outlook's Teams footer, ending in a newline.
const DEAL_DESK_DESCRIPTION: &str = concat!(
    "Deals over 50k that need desk approval this week.\n",
    "\n",
    "________________________________________________________________________________\n",
    "Microsoft Teams meeting\n",
    "Join on your computer, mobile app or room device\n",
    "Click here to join the meeting<https://teams.microsoft.com/l/meetup-join/19%3ameeting_",
    "NjQ1ZTk4YjYtYzM0Ny00NmRiLWE5ZWQtNzE2YzJlYzQ5ZmRl%40thread.v2/0?context=%7b%22Tid%22%3a%22",
    "9f3c2b1a-5d4e-4c3b-8a7f-6e5d4c3b2a19%22%7d>\n",
    "Meeting ID: 318 552 907 144\n",
    "Passcode: Vq7Hs2\n",
    "________________________________________________________________________________\n",
);

// ---- running the command ------------------------------------------------------------------------

/// The path of a fixture.
fn fixture(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// `attio-meetings import --dry-run ARGS…`, with no API token in the environment: a dry run needs
/// none.
fn import_command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_attio-meetings"));
    command
        .env_remove("ATTIO_API_KEY")
        .arg("--json")
        .arg("import")
        .arg("--dry-run")
        .args(args);
    command
}

fn import(args: &[&str]) -> Output {
    import_command(args).output().expect("attio-meetings runs")
}

/// What a dry run that succeeded printed: each line's `data` (the meeting), and stderr.
struct DryRun {
    meetings: Vec<Value>,
    stderr: String,
}

/// Runs a dry run, expecting exit code 0.
#[track_caller]
fn dry_run(args: &[&str]) -> DryRun {
    successful(args, import(args))
}

/// The output of a run that exited with code 0, read as a dry run's.
#[track_caller]
fn successful(args: &[&str], output: Output) -> DryRun {
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert_eq!(
        output.status.code(),
        Some(0),
        "exit code of import {args:?}; stderr:\n{stderr}"
    );
    let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
    DryRun {
        meetings: stdout.lines().map(request_body).collect(),
        stderr,
    }
}

/// One output line: the event's identity and exactly a request body, `{"data": {...}}`; returns the
/// `data`, with the identity under `external_ref` (not sent: see the module's docs).
#[track_caller]
fn request_body(line: &str) -> Value {
    let annotated: Value = match serde_json::from_str(line) {
        Ok(body) => body,
        Err(e) => panic!("not a JSON line ({e}): {line:?}"),
    };
    assert_eq!(
        keys(&annotated),
        ["body", "ical_uid", "original_start_time"],
        "{line}"
    );
    let body = &annotated["body"];
    assert_eq!(keys(body), ["data"], "a body is one request's: {line}");
    assert!(
        body["data"].get("external_ref").is_none(),
        "Attio dropped external_ref: {line}"
    );
    let mut data = body["data"].clone();
    let mut identity = json!({"ical_uid": annotated["ical_uid"]});
    if let Some(original) = annotated["original_start_time"].as_str() {
        identity["original_start_time"] = json!(original);
    }
    data["external_ref"] = identity;
    data
}

/// The keys of a JSON object, sorted.
#[track_caller]
fn keys(value: &Value) -> Vec<&str> {
    let Some(object) = value.as_object() else {
        panic!("not an object: {value}");
    };
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

/// google.ics over all of 2026, run once for the tests that read it.
fn google_2026() -> &'static [Value] {
    static RUN: OnceLock<Vec<Value>> = OnceLock::new();
    RUN.get_or_init(|| {
        let run = dry_run(&[
            "--since",
            "2026-01-01",
            "--until",
            "2026-12-31",
            &fixture("google.ics"),
        ]);
        let uids = [
            WEEKLY_REVIEW,
            ONBOARDING,
            OFFSITE,
            INTRO_CALL,
            UNTITLED,
            LAST_YEAR,
        ];
        assert_none_skipped(&run.stderr, &uids);
        run.meetings
    })
}

/// outlook.ics over March to May 2026 (all of it), run once.
fn outlook_spring() -> &'static [Value] {
    static RUN: OnceLock<Vec<Value>> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = fixture("outlook.ics");
        let run = dry_run(&["--since", "2026-03-01", "--until", "2026-05-31", &path]);
        assert_none_skipped(&run.stderr, &[DEAL_DESK, RENEWAL_CALL, KICKOFF, ONE_TO_ONE]);
        run.meetings
    })
}

/// apple.ics over March to June 2026 as Google's, with no zone for floating times, run once.
fn apple_spring() -> &'static DryRun {
    static RUN: OnceLock<DryRun> = OnceLock::new();
    RUN.get_or_init(|| {
        let path = fixture("apple.ics");
        dry_run(&["--since", "2026-03-01", "--until", "2026-06-30", &path])
    })
}

// ---- reading the output -------------------------------------------------------------------------

#[track_caller]
fn rfc3339(text: &str) -> DateTime<FixedOffset> {
    match DateTime::parse_from_rfc3339(text) {
        Ok(time) => time,
        Err(e) => panic!("{text:?} is not RFC 3339: {e}"),
    }
}

/// Whether two RFC 3339 datetimes are the same instant with the same offset.
#[track_caller]
fn same_time(actual: &str, expected: &str) -> bool {
    let (actual, expected) = (rfc3339(actual), rfc3339(expected));
    actual == expected && actual.offset() == expected.offset()
}

#[track_caller]
fn str_field<'a>(value: &'a Value, key: &str) -> &'a str {
    let Some(text) = value[key].as_str() else {
        panic!("no string {key:?} in {value}");
    };
    text
}

/// The lines of `uid` (all its occurrences).
fn occurrences<'a>(meetings: &'a [Value], uid: &str) -> Vec<&'a Value> {
    meetings
        .iter()
        .filter(|m| m["external_ref"]["ical_uid"] == uid)
        .collect()
}

/// The occurrence of recurring `uid` whose rule-generated start is `original_start` (same instant).
#[track_caller]
fn occurrence<'a>(meetings: &'a [Value], uid: &str, original_start: &str) -> &'a Value {
    let wanted = rfc3339(original_start);
    let found: Vec<&Value> = occurrences(meetings, uid)
        .into_iter()
        .filter(|m| {
            m["external_ref"]["original_start_time"]
                .as_str()
                .is_some_and(|t| rfc3339(t) == wanted)
        })
        .collect();
    assert_eq!(
        found.len(),
        1,
        "lines of {uid} originally at {original_start}: {found:#?}"
    );
    found[0]
}

/// The one line of non-recurring `uid`, whose `external_ref` has no `original_start_time`.
#[track_caller]
fn single<'a>(meetings: &'a [Value], uid: &str) -> &'a Value {
    let found = occurrences(meetings, uid);
    assert_eq!(found.len(), 1, "lines of {uid}: {found:#?}");
    let ref_ = json!({"ical_uid": uid});
    assert_eq!(
        found[0]["external_ref"], ref_,
        "external_ref of a single event"
    );
    found[0]
}

/// The `original_start_time`s of `uid`'s lines, in chronological order.
fn original_starts(meetings: &[Value], uid: &str) -> Vec<String> {
    let mut starts: Vec<String> = occurrences(meetings, uid)
        .into_iter()
        .map(|m| str_field(&m["external_ref"], "original_start_time").to_owned())
        .collect();
    starts.sort_by_key(|t| rfc3339(t));
    starts
}

/// Asserts an occurrence's identity: its UID, with `original_start_time` the same instant and offset as
/// `original_start`.
#[track_caller]
fn assert_recurring_ref(meeting: &Value, uid: &str, original_start: &str) {
    let ref_ = &meeting["external_ref"];
    assert_eq!(keys(ref_), ["ical_uid", "original_start_time"], "{ref_}");
    assert_eq!(ref_["ical_uid"], uid);
    let actual = str_field(ref_, "original_start_time");
    assert!(
        same_time(actual, original_start),
        "original_start_time {actual}, not {original_start}"
    );
}

/// Asserts a timed `start` or `end`: exactly `{"datetime", "timezone"}`, the datetime the same
/// instant and offset as `expected`.
#[track_caller]
fn assert_timed(time: &Value, expected: &str, zone: &str) {
    assert_eq!(keys(time), ["datetime", "timezone"], "{time}");
    let actual = str_field(time, "datetime");
    assert!(
        same_time(actual, expected),
        "datetime {actual}, expected {expected} ({time})"
    );
    assert_eq!(time["timezone"], zone, "{time}");
}

/// Asserts a meeting's times: `is_all_day` false, `start` and `end` in `zone`.
#[track_caller]
fn assert_times(meeting: &Value, start: &str, end: &str, zone: &str) {
    assert_eq!(meeting["is_all_day"], false, "{}", meeting["title"]);
    assert_timed(&meeting["start"], start, zone);
    assert_timed(&meeting["end"], end, zone);
}

/// Asserts an all-day meeting's dates (the end exclusive, as in iCalendar).
#[track_caller]
fn assert_all_day(meeting: &Value, start: &str, end: &str) {
    assert_eq!(meeting["is_all_day"], true, "{}", meeting["title"]);
    assert_eq!(meeting["start"], json!({ "date": start }));
    assert_eq!(meeting["end"], json!({ "date": end }));
}

/// Asserts the participants, in order, each exactly `(email_address, is_organizer, status)`.
#[track_caller]
/// Asserts the participants' addresses, roles and answers, in order; their names (from `CN`, where the
/// file gives one) are checked by [`assert_names`].
fn assert_participants(meeting: &Value, expected: &[(&str, bool, &str)]) {
    let expected: Vec<Value> = expected
        .iter()
        .map(|&(email, organizer, status)| {
            json!({"email_address": email, "is_organizer": organizer, "status": status})
        })
        .collect();
    let mut actual = meeting["participants"].clone();
    for participant in actual.as_array_mut().into_iter().flatten() {
        if let Some(p) = participant.as_object_mut() {
            p.remove("name");
        }
    }
    assert_eq!(
        actual,
        Value::Array(expected),
        "participants of {}",
        meeting["title"]
    );
}

/// Asserts the participants' names (`None`: the key is left out), in order.
fn assert_names(meeting: &Value, expected: &[Option<&str>]) {
    let names: Vec<Option<&str>> = meeting["participants"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| {
            p.get("name")
                .map(|n| n.as_str().unwrap_or("(not a string)"))
        })
        .collect();
    assert_eq!(names, expected, "names of {}", meeting["title"]);
}

/// The one stderr line reporting `uid` as skipped: it contains `skipped`, the UID and `line N`.
#[track_caller]
fn skip_report<'a>(stderr: &'a str, uid: &str) -> &'a str {
    let reports: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains(uid) && l.contains("skipped"))
        .collect();
    assert_eq!(
        reports.len(),
        1,
        "one line reporting {uid} as skipped; stderr:\n{stderr}"
    );
    let report = reports[0];
    let names_line = report
        .match_indices("line ")
        .any(|(at, word)| report[at + word.len()..].starts_with(|c: char| c.is_ascii_digit()));
    assert!(
        names_line,
        "the report names the line of the event (`line N`): {report}"
    );
    report
}

/// Asserts that no stderr line reports any of `uids` as skipped.
#[track_caller]
fn assert_none_skipped(stderr: &str, uids: &[&str]) {
    for uid in uids {
        let reported = stderr
            .lines()
            .any(|l| l.contains(uid) && l.contains("skipped"));
        assert!(!reported, "{uid} is not skipped; stderr:\n{stderr}");
    }
}

// ---- google.ics ---------------------------------------------------------------------------------

/// The Mondays of 2026 at 09:30 in London, as the weekly rule generates them, without the excluded
/// 16 February and the cancelled 25 May. British Summer Time (+01:00) runs from 29 March to 25
/// October 2026.
fn weekly_review_original_starts() -> Vec<String> {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
    let summer = day(3, 29)..day(10, 25);
    (0..52)
        .map(|week| day(1, 5) + Days::new(7 * week))
        .filter(|d| *d != day(2, 16) && *d != day(5, 25))
        .map(|d| {
            format!(
                "{d}T09:30:00{}",
                if summer.contains(&d) {
                    "+01:00"
                } else {
                    "+00:00"
                }
            )
        })
        .collect()
}

#[test]
fn google_weekly_series_has_every_monday_but_the_excluded_and_the_cancelled_one() {
    let meetings = google_2026();
    let expected = weekly_review_original_starts();
    assert_eq!(expected.len(), 50);
    let actual = original_starts(meetings, WEEKLY_REVIEW);
    assert_eq!(
        actual.len(),
        50,
        "52 Mondays, one EXDATE, one cancelled: {actual:#?}"
    );
    for (actual, expected) in actual.iter().zip(&expected) {
        assert!(
            same_time(actual, expected),
            "original_start_time {actual}, expected {expected}"
        );
    }
    for meeting in occurrences(meetings, WEEKLY_REVIEW) {
        let start = str_field(&meeting["start"], "datetime");
        for gone in ["2026-02-16", "2026-05-25"] {
            assert!(
                !start.starts_with(gone),
                "{gone} is excluded or cancelled: {meeting}"
            );
        }
    }
}

#[test]
fn google_override_moves_one_occurrence_and_renames_it() {
    let meetings = google_2026();
    let moved = occurrence(meetings, WEEKLY_REVIEW, "2026-04-06T09:30:00+01:00");
    assert_eq!(moved["title"], "Pipeline review (moved: Easter Monday)");
    assert_eq!(moved["description"], moved_review_description());
    assert_times(
        moved,
        "2026-04-07T14:00:00+01:00",
        "2026-04-07T14:45:00+01:00",
        "Europe/London",
    );
    // The override's own list: Tom declined this one, Mei accepted, Jonas and Ravi not invited.
    assert_participants(
        moved,
        &[
            ("priya.shah@acme.example", true, "accepted"),
            ("tom.becker@acme.example", false, "declined"),
            ("mei.lin@acme.example", false, "accepted"),
        ],
    );
    assert_recurring_ref(moved, WEEKLY_REVIEW, "2026-04-06T09:30:00+01:00");
    // Nothing is left at the original time.
    let on_easter_monday = occurrences(meetings, WEEKLY_REVIEW)
        .into_iter()
        .filter(|m| str_field(&m["start"], "datetime").starts_with("2026-04-06"))
        .count();
    assert_eq!(on_easter_monday, 0);
}

#[test]
fn google_offsets_follow_british_summer_time() {
    let meetings = google_2026();
    for (day, offset) in [
        ("2026-03-23", "+00:00"),
        ("2026-03-30", "+01:00"),
        ("2026-10-19", "+01:00"),
        ("2026-10-26", "+00:00"),
    ] {
        let original = format!("{day}T09:30:00{offset}");
        let meeting = occurrence(meetings, WEEKLY_REVIEW, &original);
        assert_times(
            meeting,
            &original,
            &format!("{day}T10:00:00{offset}"),
            "Europe/London",
        );
        assert_recurring_ref(meeting, WEEKLY_REVIEW, &original);
    }
    // Every occurrence but the moved one starts at 09:30 London time, with the offset of its day.
    for original in weekly_review_original_starts() {
        if original.starts_with("2026-04-06") {
            continue;
        }
        let meeting = occurrence(meetings, WEEKLY_REVIEW, &original);
        assert_timed(&meeting["start"], &original, "Europe/London");
    }
}

#[test]
fn google_until_series_stops_at_its_last_date() {
    let meetings = google_2026();
    let expected = [
        "2026-03-05T15:00:00+00:00",
        "2026-03-12T15:00:00+00:00",
        "2026-03-19T15:00:00+00:00",
        "2026-03-26T15:00:00+00:00",
        "2026-04-02T15:00:00+01:00",
        "2026-04-09T15:00:00+01:00",
        "2026-04-16T15:00:00+01:00",
        "2026-04-23T15:00:00+01:00",
        // UNTIL=20260430T140000Z is this very instant: the last occurrence (UNTIL is inclusive).
        "2026-04-30T15:00:00+01:00",
    ];
    let actual = original_starts(meetings, ONBOARDING);
    assert_eq!(
        actual.len(),
        expected.len(),
        "Thursdays 5 March to 30 April: {actual:#?}"
    );
    for (actual, expected) in actual.iter().zip(expected) {
        assert!(
            same_time(actual, expected),
            "original_start_time {actual}, expected {expected}"
        );
    }
    let last = occurrence(meetings, ONBOARDING, "2026-04-30T15:00:00+01:00");
    assert_eq!(last["title"], "Onboarding: Northwind Traders");
    assert_times(
        last,
        "2026-04-30T15:00:00+01:00",
        "2026-04-30T16:00:00+01:00",
        "Europe/London",
    );
    assert_eq!(
        last["description"],
        "Weekly onboarding call with Northwind Traders.\n\
         Checklist: SSO, data import, first pipeline report."
    );
}

#[test]
fn google_all_day_event_spans_three_days() {
    let offsite = single(google_2026(), OFFSITE);
    assert_eq!(offsite["title"], "Sales kickoff offsite");
    // 15, 16 and 17 April: DTEND;VALUE=DATE:20260418 is exclusive and stays so.
    assert_all_day(offsite, "2026-04-15", "2026-04-18");
    assert_eq!(
        offsite["description"],
        "Three days in the Lake District.\n\
         Coach leaves Euston at 07:45; bring boots, a rain jacket, and your FY27 territory plan."
    );
    assert_participants(
        offsite,
        &[
            ("priya.shah@acme.example", true, "accepted"),
            ("tom.becker@acme.example", false, "accepted"),
            ("mei.lin@acme.example", false, "pending"),
        ],
    );
}

#[test]
fn google_description_is_unfolded_and_unescaped() {
    let meetings = google_2026();
    let first = occurrence(meetings, WEEKLY_REVIEW, "2026-01-05T09:30:00+00:00");
    assert_eq!(first["title"], "Weekly pipeline review");
    assert_eq!(first["description"], weekly_review_description());
    // Every occurrence of the series but the override carries the series' description.
    for meeting in occurrences(meetings, WEEKLY_REVIEW) {
        if meeting["title"] == "Weekly pipeline review" {
            assert_eq!(meeting["description"], weekly_review_description());
        }
    }
    let untitled = single(meetings, UNTITLED);
    assert_eq!(untitled["title"], "(No title)");
    assert_eq!(untitled["description"], "");
}

#[test]
fn google_participants_field_by_field() {
    let meetings = google_2026();
    // Priya organizes and is also the second ATTENDEE: one entry, first, with her answer.
    let review = occurrence(meetings, WEEKLY_REVIEW, "2026-06-01T09:30:00+01:00");
    assert_participants(
        review,
        &[
            ("priya.shah@acme.example", true, "accepted"),
            ("tom.becker@acme.example", false, "accepted"),
            ("mei.lin@acme.example", false, "tentative"),
            ("jonas.okafor@globex.example", false, "pending"),
            ("ravi.kapoor@acme.example", false, "declined"),
        ],
    );
    // Each CN goes with its address (Attio shows it; since 2026-07 participants have names).
    assert_names(
        review,
        &[
            Some("Priya Shah"),
            Some("Tom Becker"),
            Some("Mei Lin"),
            Some("Jonas Okafor"),
            Some("Ravi Kapoor"),
        ],
    );
    // Tom organizes and answered "maybe" to his own meeting: the merged entry says tentative.
    let onboarding = occurrence(meetings, ONBOARDING, "2026-03-05T15:00:00+00:00");
    assert_participants(
        onboarding,
        &[
            ("tom.becker@acme.example", true, "tentative"),
            ("olivia.grant@northwind.example", false, "accepted"),
            ("priya.shah@acme.example", false, "pending"),
        ],
    );
    let intro = single(meetings, INTRO_CALL);
    assert_participants(
        intro,
        &[
            ("priya.shah@acme.example", true, "accepted"),
            ("jonas.okafor@globex.example", false, "accepted"),
        ],
    );
    // An ORGANIZER and no ATTENDEE at all: the organizer, accepted.
    let untitled = single(meetings, UNTITLED);
    assert_participants(untitled, &[("mei.lin@acme.example", true, "accepted")]);
}

#[test]
fn google_utc_times_are_shown_in_the_calendar_zone() {
    let meetings = google_2026();
    // 13:00Z in June is 14:00 in London (BST).
    let intro = single(meetings, INTRO_CALL);
    assert_eq!(intro["title"], "Intro call: Globex");
    assert_eq!(
        intro["description"],
        "Intro call booked from the website.\nCompany: Globex, 250 seats"
    );
    assert_times(
        intro,
        "2026-06-18T14:00:00+01:00",
        "2026-06-18T14:45:00+01:00",
        "Europe/London",
    );
    // 16:00Z in February is 16:00 in London (GMT).
    let untitled = single(meetings, UNTITLED);
    assert_times(
        untitled,
        "2026-02-03T16:00:00+00:00",
        "2026-02-03T16:30:00+00:00",
        "Europe/London",
    );
}

#[test]
fn google_single_events_have_no_original_start_and_occurrences_have_theirs() {
    let meetings = google_2026();
    // 50 weekly reviews, 9 onboarding calls, the offsite, the intro call, the untitled event; the
    // 2025 event is outside the window.
    assert_eq!(meetings.len(), 62);
    assert!(occurrences(meetings, LAST_YEAR).is_empty());
    for uid in [OFFSITE, INTRO_CALL, UNTITLED] {
        single(meetings, uid);
    }
    for uid in [WEEKLY_REVIEW, ONBOARDING] {
        for meeting in occurrences(meetings, uid) {
            let original = str_field(&meeting["external_ref"], "original_start_time");
            assert_recurring_ref(meeting, uid, original);
        }
    }
}

#[test]
fn google_window_keeps_only_occurrences_starting_inside_it() {
    let path = fixture("google.ics");
    let march = dry_run(&["--since", "2026-03-01", "--until", "2026-03-31", &path]).meetings;
    assert_eq!(
        march.len(),
        9,
        "five Mondays and four Thursdays in March: {march:#?}"
    );
    let reviews = original_starts(&march, WEEKLY_REVIEW);
    let onboardings = original_starts(&march, ONBOARDING);
    assert_eq!(reviews.len(), 5, "{reviews:?}");
    assert!(
        same_time(&reviews[0], "2026-03-02T09:30:00+00:00"),
        "{reviews:?}"
    );
    assert!(
        same_time(&reviews[4], "2026-03-30T09:30:00+01:00"),
        "{reviews:?}"
    );
    assert_eq!(onboardings.len(), 4, "{onboardings:?}");
}

// ---- outlook.ics --------------------------------------------------------------------------------

#[test]
fn outlook_windows_zone_names_map_to_iana() {
    let meetings = outlook_spring();
    // TZID="W. Europe Standard Time" (quoted)
    let desk = occurrence(meetings, DEAL_DESK, "2026-03-24T10:00:00+01:00");
    assert_eq!(desk["start"]["timezone"], "Europe/Berlin");
    // TZID=W. Europe Standard Time (unquoted)
    let one_to_one = single(meetings, ONE_TO_ONE);
    assert_times(
        one_to_one,
        "2026-03-18T14:00:00+01:00",
        "2026-03-18T14:30:00+01:00",
        "Europe/Berlin",
    );
    // TZID=Pacific Standard Time (unquoted), in daylight time since 8 March whatever the name says.
    let renewal = single(meetings, RENEWAL_CALL);
    assert_eq!(renewal["start"]["timezone"], "America/Los_Angeles");
    assert_eq!(renewal["end"]["timezone"], "America/Los_Angeles");
}

#[test]
fn outlook_count_six_crosses_the_european_dst_change() {
    let meetings = outlook_spring();
    // Tue/Thu from Tuesday 24 March; CEST (+02:00) from Sunday 29 March.
    let expected = [
        ("2026-03-24", "+01:00"),
        ("2026-03-26", "+01:00"),
        ("2026-03-31", "+02:00"),
        ("2026-04-02", "+02:00"),
        ("2026-04-07", "+02:00"),
        ("2026-04-09", "+02:00"),
    ];
    assert_eq!(occurrences(meetings, DEAL_DESK).len(), 6, "COUNT=6");
    for (day, offset) in expected {
        let original = format!("{day}T10:00:00{offset}");
        let meeting = occurrence(meetings, DEAL_DESK, &original);
        assert_eq!(meeting["title"], "Deal desk: EMEA approvals");
        assert_times(
            meeting,
            &original,
            &format!("{day}T10:30:00{offset}"),
            "Europe/Berlin",
        );
        assert_recurring_ref(meeting, DEAL_DESK, &original);
    }
}

#[test]
fn outlook_duration_gives_the_end() {
    let renewal = single(outlook_spring(), RENEWAL_CALL);
    assert_eq!(renewal["title"], "Fabrikam renewal call");
    // DTSTART 09:00 Pacific, DURATION:PT45M.
    assert_times(
        renewal,
        "2026-03-11T09:00:00-07:00",
        "2026-03-11T09:45:00-07:00",
        "America/Los_Angeles",
    );
    assert_eq!(
        renewal["description"],
        "Renewal: 120 seats, 2-year term; legal has the redlines.\n"
    );
}

#[test]
fn outlook_all_day_event() {
    let kickoff = single(outlook_spring(), KICKOFF);
    assert_eq!(kickoff["title"], "Q2-Kickoff München");
    // 5 and 6 May.
    assert_all_day(kickoff, "2026-05-05", "2026-05-07");
    // Outlook's empty body is a single escaped newline.
    assert_eq!(kickoff["description"], "\n");
    assert_participants(
        kickoff,
        &[
            ("lukas.meyer@contoso.example", true, "accepted"),
            ("anna.schmidt@contoso.example", false, "tentative"),
        ],
    );
}

#[test]
fn outlook_partstat_maps_to_status() {
    let meetings = outlook_spring();
    // The organizer's SENT-BY="mailto:…" (a delegate) is not the organizer.
    let desk = occurrence(meetings, DEAL_DESK, "2026-04-09T10:00:00+02:00");
    assert_participants(
        desk,
        &[
            ("lukas.meyer@contoso.example", true, "accepted"),
            ("anna.schmidt@contoso.example", false, "accepted"),
            ("marco.rossi@fabrikam.example", false, "tentative"),
            ("sophie.dubois@contoso.example", false, "declined"),
            ("jan.devries@contoso.example", false, "pending"),
            // No PARTSTAT at all.
            ("erik.nilsson@contoso.example", false, "pending"),
        ],
    );
    let renewal = single(meetings, RENEWAL_CALL);
    assert_participants(
        renewal,
        &[
            ("lukas.meyer@contoso.example", true, "accepted"),
            ("grace.park@fabrikam.example", false, "accepted"),
            ("marco.rossi@fabrikam.example", false, "declined"),
        ],
    );
}

#[test]
fn outlook_folded_uids_are_read_whole() {
    let meetings = outlook_spring();
    // Six deal desks, the renewal call, the kickoff, the 1:1.
    assert_eq!(meetings.len(), 9);
    for meeting in meetings {
        // The 112-digit UIDs are folded over two lines in the file.
        assert_eq!(
            str_field(&meeting["external_ref"], "ical_uid").len(),
            112,
            "{meeting}"
        );
    }
    for uid in [RENEWAL_CALL, KICKOFF, ONE_TO_ONE] {
        single(meetings, uid);
    }
}

#[test]
fn outlook_titles_and_descriptions() {
    let meetings = outlook_spring();
    // SUMMARY;LANGUAGE=en-us:1:1 Anna / Lukas: the value is everything after the first colon.
    let one_to_one = single(meetings, ONE_TO_ONE);
    assert_eq!(one_to_one["title"], "1:1 Anna / Lukas");
    assert_eq!(one_to_one["description"], "\n");
    // The event's DESCRIPTION, not its alarm's ("Reminder").
    let desk = occurrence(meetings, DEAL_DESK, "2026-03-26T10:00:00+01:00");
    assert_eq!(desk["description"], DEAL_DESK_DESCRIPTION);
}

// ---- apple.ics ----------------------------------------------------------------------------------

#[test]
fn apple_daily_series_crosses_the_us_dst_start() {
    let meetings = &apple_spring().meetings;
    // 08:30 New York from Friday 6 March; EDT (-04:00) from Sunday 8 March, 02:00.
    let expected = [
        ("2026-03-06", "-05:00"),
        ("2026-03-07", "-05:00"),
        ("2026-03-08", "-04:00"),
        ("2026-03-09", "-04:00"),
        ("2026-03-10", "-04:00"),
    ];
    assert_eq!(occurrences(meetings, WAR_ROOM).len(), 5, "COUNT=5");
    for (day, offset) in expected {
        let original = format!("{day}T08:30:00{offset}");
        let meeting = occurrence(meetings, WAR_ROOM, &original);
        assert_eq!(meeting["title"], "Launch war room");
        assert_eq!(
            meeting["description"],
            "Launch week: blockers first, then metrics.\n\
             Dashboard: https://grafana.initech.example/d/launch"
        );
        assert_times(
            meeting,
            &original,
            &format!("{day}T09:00:00{offset}"),
            "America/New_York",
        );
        assert_recurring_ref(meeting, WAR_ROOM, &original);
        // Dana organizes and is an ATTENDEE spelled Dana.Whitfield@Initech.example: one entry, the
        // organizer's, with the attendee's answer. Hannah's row has no PARTSTAT.
        assert_participants(
            meeting,
            &[
                ("dana.whitfield@initech.example", true, "accepted"),
                ("luis.ortega@initech.example", false, "accepted"),
                ("hannah.cole@initech.example", false, "pending"),
                ("ken@watanabe-consulting.example", false, "declined"),
            ],
        );
    }
    // The UID inside the VALARM belongs to the alarm.
    assert!(occurrences(meetings, WAR_ROOM_ALARM).is_empty());
}

#[test]
fn apple_floating_event_is_skipped_without_a_zone() {
    let run = apple_spring();
    assert!(
        occurrences(&run.meetings, FLOATING).is_empty(),
        "no zone to read 09:00 in"
    );
    skip_report(&run.stderr, FLOATING);
    // The other events still print: five war rooms and the webinar (the dentist has no participant).
    assert_eq!(run.meetings.len(), 6, "{:#?}", run.meetings);
}

#[test]
fn apple_floating_event_is_read_in_the_given_timezone() {
    let path = fixture("apple.ics");
    let run = dry_run(&[
        "--timezone",
        "Europe/Paris",
        "--since",
        "2026-03-01",
        "--until",
        "2026-06-30",
        &path,
    ]);
    assert_eq!(run.meetings.len(), 7, "{:#?}", run.meetings);
    let floating = single(&run.meetings, FLOATING);
    assert_eq!(floating["title"], "Portfolio review (wherever I am)");
    assert_eq!(floating["description"], "");
    assert_times(
        floating,
        "2026-06-10T09:00:00+02:00",
        "2026-06-10T10:00:00+02:00",
        "Europe/Paris",
    );
    assert_participants(
        floating,
        &[
            ("dana.whitfield@initech.example", true, "accepted"),
            ("luis.ortega@initech.example", false, "tentative"),
        ],
    );
    // --timezone is for floating times only: zoned times keep their zone.
    let webinar = single(&run.meetings, WEBINAR);
    assert_eq!(webinar["start"]["timezone"], "UTC");
    let war_room = occurrence(&run.meetings, WAR_ROOM, "2026-03-06T08:30:00-05:00");
    assert_eq!(war_room["start"]["timezone"], "America/New_York");
}

#[test]
fn apple_event_without_attendees_is_skipped_since_attio_needs_a_participant() {
    let run = apple_spring();
    assert!(occurrences(&run.meetings, DENTIST).is_empty());
    let report = skip_report(&run.stderr, DENTIST);
    assert!(
        report.contains("Attio needs at least one participant"),
        "{report}"
    );
}

#[test]
fn apple_utc_times_without_a_calendar_zone_are_in_utc() {
    let webinar = single(&apple_spring().meetings, WEBINAR);
    assert_eq!(webinar["title"], "Webinar: RevOps in 2026");
    assert_times(
        webinar,
        "2026-04-15T17:00:00Z",
        "2026-04-15T18:00:00Z",
        "UTC",
    );
    assert_participants(
        webinar,
        &[
            ("events@revops-summit.example", true, "accepted"),
            ("dana.whitfield@initech.example", false, "pending"),
        ],
    );
}

// ---- periods.ics, rdate-garbage.ics ------------------------------------------------------------

/// periods.ics (`X-WR-TIMEZONE:Europe/London`): Mondays 10:00-11:00 London from 2 March 2026,
/// `COUNT=6`, 16 March excluded; `RDATE;VALUE=PERIOD` extras in UTC (start/end and start/duration) and
/// in `TZID=America/New_York` (start/duration, start/end, and a duration of a day and an hour across the
/// US change to summer time); one period excluded by `EXDATE`, one overridden, one after the window.
///
/// RFC 5545 3.8.5.2: a period is an occurrence from its start to its own end (or start + duration),
/// not to start + the event's duration. 3.3.6: the days of a duration are nominal (the same wall time a
/// day later, in the zone the start is written in), its hours exact. Shown, like every occurrence, in
/// the series' zone: London is on +00:00 until 29 March, +01:00 after; New York on -04:00 from 8 March.
#[test]
fn rdate_periods_are_occurrences_with_their_own_ends() {
    let path = fixture("periods.ics");
    let run = dry_run(&["--since", "2026-03-01", "--until", "2026-04-30", &path]);
    assert_none_skipped(&run.stderr, &[HEALTH_CHECK]);
    // (original start, start, end)
    let expected = [
        // The rule's Mondays, an hour each.
        (
            "2026-03-02T10:00:00+00:00",
            "2026-03-02T10:00:00+00:00",
            "2026-03-02T11:00:00+00:00",
        ),
        // 20260305T140000Z/20260305T153000Z
        (
            "2026-03-05T14:00:00+00:00",
            "2026-03-05T14:00:00+00:00",
            "2026-03-05T15:30:00+00:00",
        ),
        // TZID=America/New_York:20260307T090000/P1DT1H: 09:00 EST is 14:00Z; a day later is 09:00
        // EDT (13:00Z), an hour more is 14:00Z, 24 hours of real time (not 25).
        (
            "2026-03-07T14:00:00+00:00",
            "2026-03-07T14:00:00+00:00",
            "2026-03-08T14:00:00+00:00",
        ),
        (
            "2026-03-09T10:00:00+00:00",
            "2026-03-09T10:00:00+00:00",
            "2026-03-09T11:00:00+00:00",
        ),
        // 20260312T090000Z/PT2H15M
        (
            "2026-03-12T09:00:00+00:00",
            "2026-03-12T09:00:00+00:00",
            "2026-03-12T11:15:00+00:00",
        ),
        // 16 March: EXDATE.
        // TZID=America/New_York:20260318T090000/PT45M: 09:00 EDT is 13:00Z.
        (
            "2026-03-18T13:00:00+00:00",
            "2026-03-18T13:00:00+00:00",
            "2026-03-18T13:45:00+00:00",
        ),
        (
            "2026-03-23T10:00:00+00:00",
            "2026-03-23T10:00:00+00:00",
            "2026-03-23T11:00:00+00:00",
        ),
        // 20260325T080000Z/20260325T093000Z, overridden: the override's own times.
        (
            "2026-03-25T08:00:00+00:00",
            "2026-03-25T12:00:00+00:00",
            "2026-03-25T12:30:00+00:00",
        ),
        // 26 March 15:00Z: a period, excluded by EXDATE:20260326T150000Z.
        (
            "2026-03-30T10:00:00+01:00",
            "2026-03-30T10:00:00+01:00",
            "2026-03-30T11:00:00+01:00",
        ),
        // TZID=America/New_York:20260401T170000/20260401T183000: 21:00Z to 22:30Z.
        (
            "2026-04-01T22:00:00+01:00",
            "2026-04-01T22:00:00+01:00",
            "2026-04-01T23:30:00+01:00",
        ),
        (
            "2026-04-06T10:00:00+01:00",
            "2026-04-06T10:00:00+01:00",
            "2026-04-06T11:00:00+01:00",
        ),
        // 4 May: after the window.
    ];
    let actual = original_starts(&run.meetings, HEALTH_CHECK);
    assert_eq!(actual.len(), expected.len(), "{actual:#?}");
    assert_eq!(run.meetings.len(), expected.len());
    for (original, start, end) in expected {
        let meeting = occurrence(&run.meetings, HEALTH_CHECK, original);
        assert_recurring_ref(meeting, HEALTH_CHECK, original);
        assert_times(meeting, start, end, "Europe/London");
    }
    let moved = occurrence(&run.meetings, HEALTH_CHECK, "2026-03-25T08:00:00+00:00");
    assert_eq!(moved["title"], "Customer health check (moved to lunchtime)");
    assert_participants(
        moved,
        &[
            ("ines.moreau@cs.example", true, "accepted"),
            ("kofi.mensah@umbrella.example", false, "accepted"),
        ],
    );
    let period = occurrence(&run.meetings, HEALTH_CHECK, "2026-04-01T22:00:00+01:00");
    assert_eq!(period["title"], "Customer health check");
    assert_participants(
        period,
        &[
            ("ines.moreau@cs.example", true, "accepted"),
            ("kofi.mensah@umbrella.example", false, "pending"),
        ],
    );
}

/// rdate-garbage.ics: Wednesdays 14:00-14:30 London from 4 March 2026, `COUNT=4`, 18 March excluded,
/// `RDATE`s on Fridays 6 and 13 March around an impossible `20260399T140000` (line 14), and an
/// `RDATE:next Friday` (line 15). The unreadable values are left out; the series is not.
#[test]
fn an_unreadable_rdate_value_costs_that_value_not_the_series() {
    let path = fixture("rdate-garbage.ics");
    let run = dry_run(&["--since", "2026-03-01", "--until", "2026-03-31", &path]);
    assert_none_skipped(&run.stderr, &[DESIGN_REVIEW]);
    let expected = [
        "2026-03-04T14:00:00+00:00",
        "2026-03-06T14:00:00+00:00",
        "2026-03-11T14:00:00+00:00",
        "2026-03-13T14:00:00+00:00",
        "2026-03-25T14:00:00+00:00",
    ];
    let actual = original_starts(&run.meetings, DESIGN_REVIEW);
    assert_eq!(actual.len(), expected.len(), "{actual:#?}");
    for start in expected {
        let meeting = occurrence(&run.meetings, DESIGN_REVIEW, start);
        let end = start.replace("T14:00", "T14:30");
        assert_times(meeting, start, &end, "Europe/London");
        assert_eq!(meeting["title"], "Design review");
    }
}

/// The same file's problems on stderr, by UID, line and value.
#[test]
fn an_unreadable_rdate_value_is_reported() {
    let path = fixture("rdate-garbage.ics");
    let run = dry_run(&["--since", "2026-03-01", "--until", "2026-03-31", &path]);
    for (line, value) in [(14, "20260399T140000"), (15, "next Friday")] {
        let reports: Vec<&str> = run
            .stderr
            .lines()
            .filter(|l| l.contains(DESIGN_REVIEW) && l.contains(value))
            .collect();
        assert_eq!(reports.len(), 1, "one report of {value:?}:\n{}", run.stderr);
        assert!(
            reports[0].contains(&format!("line {line}")),
            "{}",
            reports[0]
        );
        assert!(!reports[0].starts_with("skipped"), "{}", reports[0]);
    }
}

// ---- broken.ics, not-calendar.ics ---------------------------------------------------------------

#[test]
fn broken_events_are_skipped_with_a_report_and_the_good_one_prints() {
    let path = fixture("broken.ics");
    let run = dry_run(&["--since", "2026-05-01", "--until", "2026-05-31", &path]);
    assert_eq!(run.meetings.len(), 1, "{:#?}", run.meetings);
    let good = single(&run.meetings, GOOD_EVENT);
    assert_eq!(good["title"], "QBR: Initech");
    assert_eq!(
        good["description"],
        "Quarterly business review with Initech."
    );
    // BEGIN:VEVENT on lines 9 and 21 of the file (none of the lines before them is folded).
    skip_report(&run.stderr, NO_DTSTART);
    skip_report(&run.stderr, MARS_TIME);
    assert_none_skipped(&run.stderr, &[GOOD_EVENT]);
}

#[test]
fn not_calendar_file_fails_naming_the_file() {
    let output = import(&[
        "--since",
        "2026-03-01",
        "--until",
        "2026-05-31",
        &fixture("not-calendar.ics"),
    ]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "stderr:\n{stderr}");
    assert!(
        stderr.contains("not-calendar.ics"),
        "the message names the file:\n{stderr}"
    );
    let lower = stderr.to_lowercase();
    assert!(
        lower.contains("not") && lower.contains("icalendar"),
        "says why:\n{stderr}"
    );
    assert!(
        output.stdout.is_empty(),
        "nothing printed: {}",
        String::from_utf8_lossy(&output.stdout)
    );
}

// ---- stdin --------------------------------------------------------------------------------------

#[test]
fn stdin_dash_reads_the_calendar() {
    let args = ["--since", "2026-01-01", "--until", "2026-12-31", "-"];
    let mut child = import_command(&args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("attio-meetings runs");
    let calendar = std::fs::read(fixture("google.ics")).expect("google.ics");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from another thread, so a child that prints before reading everything cannot block.
    let writer = std::thread::spawn(move || stdin.write_all(&calendar));
    let output = child.wait_with_output().expect("attio-meetings finishes");
    let from_stdin = successful(&args, output).meetings;
    writer
        .join()
        .expect("writer thread")
        .expect("calendar written to stdin");
    let from_path = google_2026();
    assert_eq!(from_stdin.len(), from_path.len());
    assert_eq!(from_stdin.len(), 62);
    let sorted = |meetings: &[Value]| {
        let mut lines: Vec<String> = meetings.iter().map(Value::to_string).collect();
        lines.sort_unstable();
        lines
    };
    assert_eq!(
        sorted(&from_stdin),
        sorted(from_path),
        "the same meetings either way"
    );
}
