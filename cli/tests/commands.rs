//! The command line as a person uses it: help, bad flags, a missing or wrong token, and tables and JSON
//! lines for meetings, call recordings and transcripts, with the binary run as a process against the fake.

mod common;

use std::time::Duration;

use attio_meetings_mock::{Endpoint, Fault, MockServer, Segment};
use common::{
    TempFile, against, assert_exit, command, json_lines, run, run_with_stdin, stderr, stdout,
};
use serde_json::json;

async fn fake() -> MockServer {
    MockServer::builder()
        .processing_time(Duration::from_millis(300))
        .start()
        .await
        .expect("the fake starts")
}

fn seed_meeting(fake: &MockServer, title: &str, start: &str, end: &str, email: &str) -> uuid::Uuid {
    fake.store()
        .seed_meeting(
            &json!({"data": {
                "title": title, "description": "Agenda: pricing", "is_all_day": false,
                "start": {"datetime": start, "timezone": "Europe/Paris"},
                "end": {"datetime": end, "timezone": "Europe/Paris"},
                "participants": [{"email_address": email, "is_organizer": true, "status": "accepted"}],
            }}),
            None,
        )
        .expect("the meeting is seeded")
}

#[tokio::test]
async fn help_lists_the_commands_and_every_command_has_help_with_examples() {
    let output = run(command(), &["--help"]).await;
    assert_exit(&output, 0);
    for name in [
        "meetings",
        "recordings",
        "transcript",
        "import",
        "ATTIO_API_KEY",
        "--json",
    ] {
        assert!(
            stdout(&output).contains(name),
            "{name} in:\n{}",
            stdout(&output)
        );
    }
    for args in [
        &["meetings", "list", "--help"][..],
        &["meetings", "create", "--help"],
        &["transcript", "--help"],
        &["import", "--help"],
        &["recordings", "create", "--help"],
    ] {
        let output = run(command(), args).await;
        assert_exit(&output, 0);
        assert!(
            stdout(&output).contains("Example"),
            "{args:?}:\n{}",
            stdout(&output)
        );
    }
}

#[tokio::test]
async fn help_names_the_redis_variable_but_never_shows_its_password() {
    let mut with_redis = command();
    with_redis.env(
        "ATTIO_MEETINGS_REDIS",
        "redis://:hunter2@cache.internal:6379/0",
    );
    let output = run(with_redis, &["import", "--help"]).await;
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("ATTIO_MEETINGS_REDIS"),
        "{}",
        stdout(&output)
    );
    assert!(!stdout(&output).contains("hunter2"), "{}", stdout(&output));
}

#[tokio::test]
async fn bad_flags_are_usage_errors_with_exit_code_2() {
    let notes = TempFile::new("notes.txt", "no timings here\n");
    for (args, says) in [
        (&["meetings", "list", "--sort", "sideways"][..], "sideways"),
        (
            &["meetings", "list", "--linked-record", "companies"],
            "OBJECT:ID",
        ),
        (
            &["meetings", "list", "--from", "last tuesday"],
            "YYYY-MM-DD",
        ),
        (&["meetings", "get", "not-a-uuid"], "not-a-uuid"),
        (&["transcript", "--format", "doc"], "doc"),
        (&["import"], "FILE.ics"),
        (
            &[
                "meetings",
                "create",
                "--title",
                "x",
                "--all-day",
                "2026-12-09..2026-12-07",
                "--organizer",
                "ada@example.com",
            ],
            "before",
        ),
        (
            &[
                "meetings",
                "create",
                "--title",
                "x",
                "--all-day",
                "2026-12-07",
                "--organizer",
                "Ada <not an address>",
            ],
            "is not an e-mail address",
        ),
        (
            &[
                "meetings",
                "create",
                "--title",
                "x",
                "--all-day",
                "2026-12-07",
            ],
            "at least one participant",
        ),
        (
            &["meetings", "link", &uuid::Uuid::nil().to_string()],
            "at least one OBJECT:ID",
        ),
        (
            &["recordings", "create", &uuid::Uuid::nil().to_string()],
            "--video-url",
        ),
        (
            &[
                "recordings",
                "create",
                &uuid::Uuid::nil().to_string(),
                "--transcript",
                notes.as_str(),
            ],
            "cannot tell the format of",
        ),
    ] {
        let output = run(command(), args).await;
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(stdout(&output).is_empty());
    }
}

#[tokio::test]
async fn without_a_token_it_says_where_to_put_one() {
    let output = run(command(), &["meetings", "list"]).await;
    assert_exit(&output, 1);
    let text = stderr(&output);
    assert!(
        text.starts_with("error: no API token: set ATTIO_API_KEY or pass --token-file"),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1, "one line: {text}");
}

#[tokio::test]
async fn a_rejected_token_is_reported_without_being_printed() {
    let fake = fake().await;
    let mut wrong = command();
    wrong
        .env("ATTIO_API_KEY", "sk-live-do-not-print-me")
        .env("ATTIO_BASE_URL", fake.base_url());
    let output = run(wrong, &["meetings", "list"]).await;
    assert_exit(&output, 1);
    let text = stderr(&output);
    assert!(text.contains("check the token"), "{text}");
    assert!(!text.contains("do-not-print-me") && !stdout(&output).contains("do-not-print-me"));

    // From a file: the first line is the token.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("token");
    std::fs::write(&path, format!("{}\n", fake.token())).unwrap();
    let mut from_file = command();
    from_file.env("ATTIO_BASE_URL", fake.base_url());
    let output = run(
        from_file,
        &["meetings", "list", "--token-file", path.to_str().unwrap()],
    )
    .await;
    assert_exit(&output, 0);
}

#[tokio::test]
async fn meetings_list_prints_a_table_or_json_lines_and_applies_the_filters() {
    let fake = fake().await;
    seed_meeting(
        &fake,
        "Pricing call",
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T11:00:00+01:00",
        "ada@example.com",
    );
    seed_meeting(
        &fake,
        "Renewal",
        "2026-12-02T15:00:00+01:00",
        "2026-12-02T15:30:00+01:00",
        "grace@example.com",
    );
    seed_meeting(
        &fake,
        "Last year",
        "2025-12-02T15:00:00+01:00",
        "2025-12-02T15:30:00+01:00",
        "ada@example.com",
    );

    let output = run(
        against(&fake),
        &[
            "meetings",
            "list",
            "--from",
            "2026-01-01",
            "--sort",
            "start-asc",
        ],
    )
    .await;
    assert_exit(&output, 0);
    let table = stdout(&output);
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 3, "{table}");
    assert!(
        lines[0].starts_with("ID ")
            && lines[0].contains("START")
            && lines[0].ends_with("PARTICIPANTS")
    );
    assert!(
        lines[1].contains("2026-12-01 10:00 +01:00 (Europe/Paris)")
            && lines[1].contains("Pricing call"),
        "{table}"
    );
    assert!(lines[2].contains("Renewal"), "{table}");

    let mut json = against(&fake);
    json.arg("--json");
    let output = run(
        json,
        &[
            "meetings",
            "list",
            "--participant",
            "ada@example.com",
            "--sort",
            "start-desc",
        ],
    )
    .await;
    assert_exit(&output, 0);
    let titles: Vec<_> = json_lines(&output)
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(titles, ["Pricing call", "Last year"]);

    let output = run(
        against(&fake),
        &["meetings", "list", "--limit", "1", "--sort", "start-asc"],
    )
    .await;
    assert_eq!(
        stdout(&output).lines().count(),
        2,
        "header and one meeting: {}",
        stdout(&output)
    );
}

#[tokio::test]
async fn meetings_create_creates_ensure_finds_and_get_shows_it() {
    let fake = fake().await;
    let create = [
        "meetings",
        "create",
        "--title",
        "Kick-off",
        "--start",
        "2026-12-01T10:00:00+01:00",
        "--end",
        "2026-12-01T11:00:00+01:00",
        "--timezone",
        "Europe/Paris",
        "--organizer",
        "Ada Lovelace <ada@example.com>",
        "--participant",
        "grace@example.com",
        "--guest",
        "Front desk",
    ];
    let mut json = against(&fake);
    json.arg("--json");
    let first = run(json, &create).await;
    assert_exit(&first, 0);
    let meeting = &json_lines(&first)[0];
    assert_eq!(meeting["title"], "Kick-off");
    assert_eq!(
        meeting["participants"],
        json!([
            {"email_address": "ada@example.com", "name": "Ada Lovelace", "is_organizer": true, "status": "accepted"},
            {"email_address": "grace@example.com", "is_organizer": false, "status": "pending"},
            {"email_address": null, "name": "Front desk", "is_organizer": false, "status": "pending"}
        ])
    );
    let id = meeting["id"]["meeting_id"].as_str().unwrap().to_string();

    // Attio creates on every create: the same command again is a second meeting...
    let again = run(against(&fake), &create).await;
    assert_exit(&again, 0);
    assert_eq!(fake.store().meetings().len(), 2, "create always creates");
    // ...and with --ensure, two candidates: none created, both named, exit 1.
    let mut ensure: Vec<&str> = create.to_vec();
    ensure.push("--ensure");
    let ambiguous = run(against(&fake), &ensure).await;
    assert_exit(&ambiguous, 1);
    assert!(
        stderr(&ambiguous).contains("2 meetings have this start, title and organizer")
            && stderr(&ambiguous).contains(&id),
        "{}",
        stderr(&ambiguous)
    );
    assert_eq!(fake.store().meetings().len(), 2);

    let shown = run(against(&fake), &["meetings", "get", &id]).await;
    assert_exit(&shown, 0);
    let text = stdout(&shown);
    assert!(field(&text, "id", &id), "{text}");
    assert!(
        text.contains("grace@example.com (pending)")
            && text.contains("Ada Lovelace <ada@example.com> (accepted, organizer)")
            && text.contains("Front desk (pending)"),
        "{text}"
    );

    // --ensure twice: one meeting.
    let offsite = [
        "meetings",
        "create",
        "--ensure",
        "--title",
        "Offsite",
        "--all-day",
        "2026-12-07..2026-12-09",
        "--organizer",
        "ada@example.com",
    ];
    let all_day = run(against(&fake), &offsite).await;
    assert_exit(&all_day, 0);
    let text = stdout(&all_day);
    assert!(
        field(&text, "start", "2026-12-07") && field(&text, "end", "2026-12-10"),
        "the last day is included: {text}"
    );
    let found = run(against(&fake), &offsite).await;
    assert_exit(&found, 0);
    assert!(
        stderr(&found).contains("found: a meeting with this start, title and organizer exists"),
        "{}",
        stderr(&found)
    );
    assert_eq!(stdout(&found), text, "the same meeting shown");
    assert_eq!(fake.store().meetings().len(), 3);

    let missing = run(
        against(&fake),
        &["meetings", "get", &uuid::Uuid::nil().to_string()],
    )
    .await;
    assert_exit(&missing, 1);
    assert!(
        stderr(&missing).contains("check the id"),
        "{}",
        stderr(&missing)
    );
}

#[tokio::test]
async fn meetings_are_linked_to_records_and_deleted() {
    let fake = fake().await;
    let meeting = seed_meeting(
        &fake,
        "Renewal",
        "2026-12-02T10:00:00+01:00",
        "2026-12-02T11:00:00+01:00",
        "ada@example.com",
    )
    .to_string();
    let (deal, company) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let linked = |output: &std::process::Output| -> Vec<String> {
        let mut ids: Vec<String> = json_lines(output)[0]["linked_records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["record_id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let mut json = against(&fake);
    json.arg("--json");
    let appended = run(
        json,
        &["meetings", "link", &meeting, &format!("deals:{deal}")],
    )
    .await;
    assert_exit(&appended, 0);
    assert_eq!(linked(&appended), [deal.to_string()]);
    let mut json = against(&fake);
    json.arg("--json");
    let replaced = run(
        json,
        &[
            "meetings",
            "link",
            &meeting,
            "--replace",
            &format!("companies:{company}"),
        ],
    )
    .await;
    assert_exit(&replaced, 0);
    assert_eq!(linked(&replaced), [company.to_string()]);
    let mut json = against(&fake);
    json.arg("--json");
    let cleared = run(json, &["meetings", "link", &meeting, "--replace"]).await;
    assert_exit(&cleared, 0);
    assert!(linked(&cleared).is_empty());
    assert!(
        stderr(&cleared).contains("unlinking every record"),
        "{}",
        stderr(&cleared)
    );

    let deleted = run(against(&fake), &["meetings", "delete", &meeting]).await;
    assert_exit(&deleted, 0);
    assert!(stderr(&deleted).contains(&format!("deleted meeting {meeting}")));
    assert!(fake.store().meetings().is_empty());
    let again = run(against(&fake), &["meetings", "delete", &meeting]).await;
    assert_exit(&again, 1);
    assert!(
        stderr(&again).contains("check the id"),
        "{}",
        stderr(&again)
    );

    // A meeting of Attio's calendar sync cannot be deleted; the hint says what to do instead.
    let synced = fake
        .store()
        .seed_meeting(
            &json!({"calendar_synced": true, "data": {
                "title": "Synced", "description": "", "is_all_day": false,
                "start": {"datetime": "2026-12-03T10:00:00Z"}, "end": {"datetime": "2026-12-03T11:00:00Z"},
                "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}]
            }}),
            None,
        )
        .unwrap()
        .to_string();
    let refused = run(against(&fake), &["meetings", "delete", &synced]).await;
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("calendar sync: delete the event in the calendar"),
        "{}",
        stderr(&refused)
    );
}

/// Speakers, times and words read back from Attio as uploaded, through `transcript --format json`.
async fn uploaded_reads_back(
    fake: &MockServer,
    meeting: &str,
    file: &TempFile,
    expected: &[(&str, f64, f64, &str)],
) {
    let mut json = against(fake);
    json.arg("--json");
    let created = run(
        json,
        &[
            "recordings",
            "create",
            meeting,
            "--transcript",
            file.as_str(),
            "--wait",
        ],
    )
    .await;
    assert_exit(&created, 0);
    let recording = &json_lines(&created)[0];
    assert_eq!(recording["status"], "completed");
    let id = recording["id"]["call_recording_id"]
        .as_str()
        .unwrap()
        .to_string();
    let transcript = run(
        against(fake),
        &["transcript", meeting, &id, "--format", "json"],
    )
    .await;
    assert_exit(&transcript, 0);
    let segments: Vec<(String, f64, f64, String)> = json_lines(&transcript)
        .iter()
        .map(|s| {
            (
                s["speaker"]["name"].as_str().unwrap().to_string(),
                s["start_time"].as_f64().unwrap(),
                s["end_time"].as_f64().unwrap(),
                s["speech"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let expected: Vec<(String, f64, f64, String)> = expected
        .iter()
        .map(|(who, start, end, said)| (who.to_string(), *start, *end, said.to_string()))
        .collect();
    assert_eq!(segments, expected, "{}", file.as_str());
}

#[tokio::test]
async fn transcripts_uploaded_from_srt_and_webvtt_read_back_segment_for_segment() {
    let fake = fake().await;
    let meeting = seed_meeting(
        &fake,
        "Upload",
        "2026-12-04T10:00:00+01:00",
        "2026-12-04T11:00:00+01:00",
        "ada@example.com",
    )
    .to_string();
    let expected = [
        ("Ada Lovelace", 0.5, 3.25, "Thanks for joining."),
        (
            "Grace Hopper",
            3.25,
            7.0,
            "Happy to be here, let's look at the numbers.",
        ),
        (
            "Ada Lovelace",
            7.0,
            9.875,
            "First the renewals & the pipeline.",
        ),
    ];
    let srt = TempFile::new(
        "call.srt",
        "1\r\n00:00:00,500 --> 00:00:03,250\r\nAda Lovelace: Thanks for joining.\r\n\r\n\
         2\r\n00:00:03,250 --> 00:00:07,000\r\nGrace Hopper: Happy to be here,\r\nlet's look at the numbers.\r\n\r\n\
         3\r\n00:00:07,000 --> 00:00:09,875\r\nAda Lovelace: First the renewals & the pipeline.\r\n",
    );
    uploaded_reads_back(&fake, &meeting, &srt, &expected).await;
    let vtt = TempFile::new(
        "call.vtt",
        "WEBVTT\n\n00:00.500 --> 00:03.250\n<v Ada Lovelace>Thanks for joining.\n\n\
         00:03.250 --> 00:07.000 align:start\n<v Grace Hopper>Happy to be here, let's look at the numbers.\n\n\
         00:07.000 --> 00:09.875\n<v Ada Lovelace>First the renewals &amp; the pipeline.\n",
    );
    uploaded_reads_back(&fake, &meeting, &vtt, &expected).await;

    // A transcript out of order is refused with the file and line, and nothing is sent.
    let backwards = TempFile::new(
        "bad.srt",
        "1\n00:00:05,000 --> 00:00:06,000\nAda: later\n\n2\n00:00:01,000 --> 00:00:02,000\nAda: earlier\n",
    );
    let before = fake.store().call_recordings().len();
    let refused = run(
        against(&fake),
        &[
            "recordings",
            "create",
            &meeting,
            "--transcript",
            backwards.as_str(),
        ],
    )
    .await;
    assert_exit(&refused, 1);
    assert!(
        stderr(&refused).contains("bad.srt line") && stderr(&refused).contains("nothing was sent"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(fake.store().call_recordings().len(), before);
}

#[tokio::test]
async fn recordings_and_transcripts_in_every_format() {
    let fake = fake().await;
    let meeting = seed_meeting(
        &fake,
        "Demo",
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T11:00:00+01:00",
        "ada@example.com",
    );
    let segments = vec![
        Segment {
            speaker: "Ada".into(),
            speech: "Shall we start?".into(),
            start_time: 0.5,
            end_time: 2.0,
        },
        Segment {
            speaker: "Grace".into(),
            speech: "Yes.".into(),
            start_time: 2.5,
            end_time: 3.25,
        },
    ];
    let recording = fake
        .store()
        .seed_call_recording(meeting, "https://example.com/demo.mp4", false, segments)
        .expect("the recording is seeded");
    let (meeting, recording) = (meeting.to_string(), recording.to_string());

    let listed = run(against(&fake), &["recordings", "list", &meeting]).await;
    assert_exit(&listed, 0);
    assert!(
        stdout(&listed).contains(&recording) && stdout(&listed).contains("completed"),
        "{}",
        stdout(&listed)
    );

    let text = run(against(&fake), &["transcript", &meeting, &recording]).await;
    assert_exit(&text, 0);
    assert_eq!(
        stdout(&text),
        "[00:00:00] Ada: Shall we start?\n\n[00:00:02] Grace: Yes.\n"
    );
    let srt = run(
        against(&fake),
        &["transcript", &meeting, &recording, "--format", "srt"],
    )
    .await;
    assert!(
        stdout(&srt).starts_with("1\n00:00:00,500 --> 00:00:02,000\nAda: Shall we start?\n\n2\n"),
        "{}",
        stdout(&srt)
    );
    let vtt = run(
        against(&fake),
        &["transcript", &meeting, &recording, "--format", "vtt"],
    )
    .await;
    assert!(
        stdout(&vtt).starts_with("WEBVTT\n\n00:00:00.500 --> 00:00:02.000\n<v Ada>Shall we start?"),
        "{}",
        stdout(&vtt)
    );
    let json = run(
        against(&fake),
        &["transcript", &meeting, &recording, "--format", "json"],
    )
    .await;
    assert_eq!(json_lines(&json)[1]["speaker"]["name"], "Grace");

    // A new recording is processing; --wait waits for it, then the transcript is there.
    let mut create = against(&fake);
    create.arg("--json");
    let created = run(
        create,
        &[
            "recordings",
            "create",
            &meeting,
            "--video-url",
            "https://example.com/b.mp4",
        ],
    )
    .await;
    assert_exit(&created, 0);
    let new = json_lines(&created)[0]["id"]["call_recording_id"]
        .as_str()
        .unwrap()
        .to_string();
    let early = run(against(&fake), &["transcript", &meeting, &new]).await;
    assert_exit(&early, 1);
    assert!(
        stderr(&early).contains("still being processed") && stderr(&early).contains("--wait"),
        "{}",
        stderr(&early)
    );
    let waited = run(against(&fake), &["transcript", &meeting, &new, "--wait"]).await;
    assert_exit(&waited, 0);
    assert!(!stdout(&waited).is_empty());

    let deleted = run(against(&fake), &["recordings", "delete", &meeting, &new]).await;
    assert_exit(&deleted, 0);
    assert!(stderr(&deleted).contains(&format!("deleted call recording {new}")));
    let gone = run(against(&fake), &["recordings", "get", &meeting, &new]).await;
    assert_exit(&gone, 1);
}

#[tokio::test]
async fn a_create_whose_answer_is_lost_is_not_sent_again_and_ensure_reconciles() {
    let fake = fake().await;
    let create = |title: &'static str| {
        [
            "meetings",
            "create",
            "--title",
            title,
            "--start",
            "2026-12-08T10:00:00Z",
            "--end",
            "2026-12-08T10:30:00Z",
            "--organizer",
            "ada@example.com",
        ]
    };
    // Attio made the meeting, but the answer never came back: one create, and a hint not to blindly retry.
    fake.faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::DropAfterProcessing)]);
    let lost = run(against(&fake), &create("Lost answer")).await;
    assert_exit(&lost, 1);
    assert!(
        stderr(&lost).contains("may have been created")
            && stderr(&lost).contains("--ensure")
            && stderr(&lost).lines().count() == 1,
        "{}",
        stderr(&lost)
    );
    assert_eq!(fake.requests(Endpoint::CreateMeeting), 1);
    assert_eq!(fake.store().meetings().len(), 1);
    // --ensure then finds it.
    let mut ensure = create("Lost answer").to_vec();
    ensure.push("--ensure");
    let found = run(against(&fake), &ensure).await;
    assert_exit(&found, 0);
    assert!(stderr(&found).contains("found:"), "{}", stderr(&found));
    assert_eq!(fake.store().meetings().len(), 1);

    // With --ensure from the start, the lost answer is reconciled by looking again: created once.
    fake.faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::DropAfterProcessing)]);
    let mut ensure = create("Reconciled").to_vec();
    ensure.push("--ensure");
    let mut json = against(&fake);
    json.arg("--json");
    let reconciled = run(json, &ensure).await;
    assert_exit(&reconciled, 0);
    assert_eq!(json_lines(&reconciled)[0]["title"], "Reconciled");
    assert_eq!(
        fake.requests(Endpoint::CreateMeeting),
        2,
        "never sent twice"
    );
    assert_eq!(fake.store().meetings().len(), 2);
}

#[tokio::test]
async fn a_transcript_comes_from_standard_input_and_its_format_can_be_given() {
    let fake = fake().await;
    let meeting = seed_meeting(
        &fake,
        "Stdin",
        "2026-12-09T10:00:00+01:00",
        "2026-12-09T11:00:00+01:00",
        "ada@example.com",
    )
    .to_string();
    let transcript_of = |output: &std::process::Output| -> Vec<(String, String)> {
        json_lines(output)[0]["transcript"]["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                (
                    s["speaker"]["name"].as_str().unwrap().to_string(),
                    s["speech"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let upload = [
        "recordings",
        "create",
        &meeting,
        "--transcript",
        "-",
        "--wait",
    ];

    // JSON lines, as `transcript --format json` prints them, told by their content.
    let mut json = against(&fake);
    json.arg("--json");
    let lines = "{\"speaker\":{\"name\":\"Ada\",\"email_address\":\"ada@example.com\"},\"start_time\":0,\"end_time\":1.5,\"speech\":\"Hello.\"}\n\
                 {\"speaker\":{\"name\":\"Grace\"},\"start_time\":1.5,\"end_time\":3,\"speech\":\"Hi!\"}\n";
    let from_stdin = run_with_stdin(json, &upload, lines.as_bytes().to_vec()).await;
    assert_exit(&from_stdin, 0);
    assert_eq!(
        transcript_of(&from_stdin),
        [
            ("Ada".into(), "Hello.".into()),
            ("Grace".into(), "Hi!".into())
        ]
    );

    // A file whose name says nothing and whose content is no transcript: usage error, nothing sent.
    let before = fake.store().call_recordings().len();
    let file = TempFile::new("call.txt", "Ada: no timings at all\n");
    let unknown = run(
        against(&fake),
        &[
            "recordings",
            "create",
            &meeting,
            "--transcript",
            file.as_str(),
        ],
    )
    .await;
    assert_exit(&unknown, 2);
    assert!(
        stderr(&unknown).contains("--transcript-format"),
        "{}",
        stderr(&unknown)
    );
    // A name that misleads: subtitles saved as .json are read as JSON unless --transcript-format says.
    let srt = "1\n00:00:00,000 --> 00:00:02,000\nAda: Shall we start?\n";
    let misnamed = TempFile::new("export.json", srt);
    let upload = [
        "recordings",
        "create",
        &meeting,
        "--transcript",
        misnamed.as_str(),
        "--wait",
    ];
    let as_json = run(against(&fake), &upload).await;
    assert_exit(&as_json, 1);
    assert!(
        stderr(&as_json).contains("export.json line ")
            && stderr(&as_json).contains("nothing was sent"),
        "{}",
        stderr(&as_json)
    );
    assert_eq!(fake.store().call_recordings().len(), before, "nothing sent");
    let mut json = against(&fake);
    json.arg("--json");
    let mut told = upload.to_vec();
    told.extend(["--transcript-format", "srt"]);
    let given = run(json, &told).await;
    assert_exit(&given, 0);
    assert_eq!(
        transcript_of(&given),
        [("Ada".into(), "Shall we start?".into())]
    );

    // At least one of --transcript and --video-url.
    let neither = run(against(&fake), &["recordings", "create", &meeting]).await;
    assert_exit(&neither, 2);
}

/// Whether a key-value listing has `key` with `value`.
fn field(listing: &str, key: &str, value: &str) -> bool {
    listing.lines().any(|line| {
        line.split_once("  ")
            .is_some_and(|(k, v)| k == key && v.trim() == value)
    })
}

/// `meetings create` for one organizer, with the given time flags.
fn create_with<'a>(title: &'a str, times: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["meetings", "create", "--title", title];
    args.extend_from_slice(times);
    args.extend(["--organizer", "ada@example.com"]);
    args
}

#[tokio::test]
async fn a_local_start_is_read_in_the_timezone_given() {
    let fake = fake().await;
    let mut json = against(&fake);
    json.arg("--json");
    let created = run(
        json,
        &create_with(
            "Kick-off",
            &[
                "--start",
                "2026-12-01T10:00:00",
                // A space for the `T`, and no seconds: as people write it.
                "--end",
                "2026-12-01 11:00",
                "--timezone",
                "Europe/Paris",
            ],
        ),
    )
    .await;
    assert_exit(&created, 0);
    let sent = &fake.store().meetings()[0];
    let at = |time: &serde_json::Value| {
        let datetime = time["datetime"].as_str().expect("a timed meeting");
        let datetime = chrono::DateTime::parse_from_rfc3339(datetime).expect("RFC 3339");
        (datetime.to_rfc3339(), time["timezone"].clone())
    };
    assert_eq!(
        (at(&sent["start"]), at(&sent["end"])),
        (
            ("2026-12-01T10:00:00+01:00".into(), json!("Europe/Paris")),
            ("2026-12-01T11:00:00+01:00".into(), json!("Europe/Paris"))
        ),
        "December in Paris is +01:00: {sent}"
    );
    assert_eq!(json_lines(&created)[0]["title"], "Kick-off");

    // In summer the same zone is +02:00.
    let summer = run(
        against(&fake),
        &create_with(
            "Summer",
            &[
                "--start",
                "2026-07-01T10:00",
                "--end",
                "2026-07-01T11:00",
                "--timezone",
                "Europe/Paris",
            ],
        ),
    )
    .await;
    assert_exit(&summer, 0);
    assert!(
        stdout(&summer).contains("2026-07-01 10:00 +02:00 (Europe/Paris)"),
        "{}",
        stdout(&summer)
    );
}

#[tokio::test]
async fn a_local_time_without_a_timezone_or_that_the_clocks_skip_is_refused_and_nothing_is_sent() {
    let fake = fake().await;
    let no_offset = create_with(
        "Kick-off",
        &[
            "--start",
            "2026-12-01T10:00:00",
            "--end",
            "2026-12-01T11:00:00",
        ],
    );
    // 02:00 to 03:00 does not exist in Paris on 2027-03-28 (the clocks go forward).
    let skipped = create_with(
        "Kick-off",
        &[
            "--start",
            "2027-03-28T02:30:00",
            "--end",
            "2027-03-28T04:00:00",
            "--timezone",
            "Europe/Paris",
        ],
    );
    let listed = ["meetings", "list", "--from", "2026-12-01T10:00:00"];
    for (args, says) in [
        (
            &no_offset[..],
            &[
                "--start 2026-12-01T10:00:00 has no UTC offset",
                // The example has this computer's offset then (TZ below).
                "e.g. 2026-12-01T10:00:00-05:00",
                "add --timezone",
                "Europe/Paris",
            ][..],
        ),
        (
            &skipped[..],
            &[
                "--start 2027-03-28T02:30:00 does not exist in Europe/Paris",
                "e.g. 2027-03-28T03:30:00",
            ],
        ),
        (
            &listed[..],
            &["--from 2026-12-01T10:00:00 has no UTC offset", "--timezone"],
        ),
        (
            &[
                "meetings",
                "create",
                "--title",
                "x",
                "--start",
                "2026-12-01",
                "--end",
                "2026-12-02",
                "--organizer",
                "ada@example.com",
            ],
            &["has no time of day", "--all-day 2026-12-01"],
        ),
    ] {
        let mut in_new_york = against(&fake);
        in_new_york.env("TZ", "America/New_York");
        let output = run(in_new_york, args).await;
        assert_exit(&output, 2);
        let text = stderr(&output);
        for says in says {
            assert!(text.contains(says), "{args:?}: {says} in {text}");
        }
        assert!(text.starts_with("error: "), "{text}");
        assert!(stdout(&output).is_empty());
    }
    assert_eq!(fake.requests(Endpoint::CreateMeeting), 0, "nothing sent");
    assert_eq!(
        fake.requests(Endpoint::ListMeetings),
        0,
        "nothing looked up"
    );
    assert!(fake.store().meetings().is_empty());
}

#[tokio::test]
async fn meetings_list_reads_local_times_in_its_timezone() {
    let fake = fake().await;
    seed_meeting(
        &fake,
        "Morning",
        "2026-12-01T09:00:00+01:00",
        "2026-12-01T09:30:00+01:00",
        "ada@example.com",
    );
    seed_meeting(
        &fake,
        "Afternoon",
        "2026-12-01T15:00:00+01:00",
        "2026-12-01T15:30:00+01:00",
        "ada@example.com",
    );
    // 15:00 in Paris is 14:00 UTC: the afternoon meeting (14:00-14:30 UTC) ends after it; read as UTC,
    // 15:00 would leave it out.
    let output = run(
        against(&fake),
        &[
            "meetings",
            "list",
            "--from",
            "2026-12-01 15:00",
            "--timezone",
            "Europe/Paris",
        ],
    )
    .await;
    assert_exit(&output, 0);
    assert!(
        stdout(&output).contains("Afternoon") && !stdout(&output).contains("Morning"),
        "{}",
        stdout(&output)
    );
    // Before 08:30 in Paris (07:30 UTC) nothing starts; read as UTC, the morning meeting (08:00 UTC) would.
    let output = run(
        against(&fake),
        &[
            "meetings",
            "list",
            "--before",
            "2026-12-01T08:30:00",
            "--timezone",
            "Europe/Paris",
        ],
    )
    .await;
    assert_exit(&output, 0);
    assert!(
        stdout(&output).is_empty() && stderr(&output).contains("no meetings match"),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
}

#[tokio::test]
async fn organizers_and_participants_must_be_e_mail_addresses() {
    let fake = fake().await;
    for (flag, who) in [
        ("--organizer", "Ada Lovelace"),
        ("--organizer", "mailto:"),
        ("--participant", "grace"),
        ("--participant", "grace@example.com, alan@example.com"),
    ] {
        let args = [
            "meetings",
            "create",
            "--title",
            "x",
            "--all-day",
            "2026-12-07",
            flag,
            who,
        ];
        let output = run(against(&fake), &args).await;
        assert_exit(&output, 2);
        assert!(
            stderr(&output).contains(flag) && stderr(&output).contains("is not an e-mail address"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert_eq!(fake.requests(Endpoint::CreateMeeting), 0, "nothing sent");

    // An address as calendars write it (`mailto:`) is the address.
    let created = run(
        against(&fake),
        &[
            "meetings",
            "create",
            "--title",
            "x",
            "--all-day",
            "2026-12-07",
            "--organizer",
            "Ada <MAILTO:ada@example.com>",
        ],
    )
    .await;
    assert_exit(&created, 0);
    assert_eq!(
        fake.store().meetings()[0]["participants"][0]["email_address"],
        "ada@example.com"
    );
}

#[tokio::test]
async fn one_of_a_thing_is_counted_in_the_singular() {
    // The import's summary: one event, one meeting.
    let calendar = TempFile::new(
        "one.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:one@example.com\r\n\
         SUMMARY:Kick-off\r\nDTSTART:20270104T100000Z\r\nDTEND:20270104T110000Z\r\n\
         ORGANIZER:mailto:ada@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    let output = run(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-01",
            "--until",
            "2027-12-31",
            calendar.as_str(),
        ],
    )
    .await;
    assert_exit(&output, 0);
    let text = stderr(&output);
    assert!(
        text.contains("1 event read, 1 meeting in 2027-01-01..2027-12-31"),
        "{text}"
    );

    // A recording's transcript of one segment.
    let fake = fake().await;
    let meeting = seed_meeting(
        &fake,
        "Demo",
        "2026-12-01T10:00:00+01:00",
        "2026-12-01T11:00:00+01:00",
        "ada@example.com",
    );
    let recording = fake
        .store()
        .seed_call_recording(
            meeting,
            "https://example.com/demo.mp4",
            false,
            vec![Segment {
                speaker: "Ada".into(),
                speech: "Hello.".into(),
                start_time: 0.0,
                end_time: 1.0,
            }],
        )
        .expect("the recording is seeded");
    let shown = run(
        against(&fake),
        &[
            "recordings",
            "get",
            &meeting.to_string(),
            &recording.to_string(),
        ],
    )
    .await;
    assert_exit(&shown, 0);
    assert!(
        field(&stdout(&shown), "transcript", "1 segment"),
        "{}",
        stdout(&shown)
    );
}

#[tokio::test]
async fn import_reads_local_since_and_until_in_its_timezone() {
    let calendar = TempFile::new(
        "one.ics",
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\nUID:one@example.com\r\n\
         SUMMARY:Kick-off\r\nDTSTART:20270104T093000Z\r\nDTEND:20270104T110000Z\r\n\
         ORGANIZER:mailto:ada@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    );
    // 10:00 in Paris is 09:00 UTC: the event (09:30 UTC) is inside; read as UTC it would not be.
    let output = run(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-04T10:00",
            "--until",
            "2027-01-05",
            "--timezone",
            "Europe/Paris",
            calendar.as_str(),
        ],
    )
    .await;
    assert_exit(&output, 0);
    assert_eq!(stdout(&output).lines().count(), 1, "{}", stderr(&output));

    let refused = run(
        command(),
        &[
            "import",
            "--dry-run",
            "--since",
            "2027-01-04T10:00",
            calendar.as_str(),
        ],
    )
    .await;
    assert_exit(&refused, 2);
    assert!(
        stderr(&refused).contains("--since 2027-01-04T10:00:00 has no UTC offset"),
        "{}",
        stderr(&refused)
    );
    assert!(stdout(&refused).is_empty());
}
