//! The command line as people run it: the `attio-meetings` binary as a process, against the fake.
#![allow(dead_code)] // each test file uses its own part

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use attio_meetings_mock::{Limits, MockServer};

/// The import window of the calendars `generated_calendar` writes (all of 2027).
pub const WINDOW: [&str; 4] = ["--since", "2027-01-01", "--until", "2027-12-31"];

/// A fake with Attio's limits but `writes` per second.
pub async fn fake_with_write_limit(writes: u32) -> MockServer {
    MockServer::builder()
        .limits(Limits {
            writes: Some(writes),
            ..Limits::default()
        })
        .start()
        .await
        .expect("the fake starts")
}

/// The binary, with no token, base URL or Redis inherited from the environment, and a state file of
/// its own (never the user's).
pub fn command() -> Command {
    static RUNS: AtomicUsize = AtomicUsize::new(0);
    let state = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "import-state-{}-{}.jsonl",
        std::process::id(),
        RUNS.fetch_add(1, Ordering::Relaxed)
    ));
    let mut command = Command::new(env!("CARGO_BIN_EXE_attio-meetings"));
    command
        .env_remove("ATTIO_API_KEY")
        .env_remove("ATTIO_BASE_URL")
        .env_remove("ATTIO_MEETINGS_REDIS")
        .env("ATTIO_MEETINGS_STATE", state)
        .env("NO_COLOR", "1");
    command
}

/// The binary, pointed at the fake with its token.
pub fn against(fake: &MockServer) -> Command {
    let mut command = command();
    command
        .env("ATTIO_API_KEY", fake.token())
        .env("ATTIO_BASE_URL", fake.base_url());
    command
}

/// Runs to the end off the async runtime's threads (the fake keeps serving meanwhile).
pub async fn run(mut command: Command, args: &[&str]) -> Output {
    command.args(args);
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .expect("the blocking task ends")
}

/// Runs with `stdin` piped in.
pub async fn run_with_stdin(mut command: Command, args: &[&str], stdin: Vec<u8>) -> Output {
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().expect("the binary runs");
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(&stdin)
            .expect("stdin takes the file");
        child.wait_with_output().expect("the binary ends")
    })
    .await
    .expect("the blocking task ends")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Each stdout line as JSON.
pub fn json_lines(output: &Output) -> Vec<serde_json::Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}")))
        .collect()
}

/// Exits with `code`, or panics showing what it printed.
pub fn assert_exit(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "exit status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    );
}

/// A Google-shaped calendar of `singles` one-off events and `series` daily series of `days` occurrences,
/// starting 2027-01-04 in Europe/Berlin: `singles + series * days` meetings in a 2027 window.
pub fn generated_calendar(singles: usize, series: usize, days: usize) -> String {
    let mut ics = String::from(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\n\
         X-WR-TIMEZONE:Europe/Berlin\r\n",
    );
    for i in 0..singles {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let hour = 8 + (i / 336) % 10;
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:single-{i}@example.com\r\nSUMMARY:Call {i}\r\n\
             DTSTART;TZID=Europe/Berlin:2027{month:02}{day:02}T{hour:02}{minute:02}00\r\n\
             DURATION:PT30M\r\nORGANIZER:mailto:ada@example.com\r\n\
             ATTENDEE;PARTSTAT=ACCEPTED:mailto:customer{i}@example.org\r\nEND:VEVENT\r\n",
            minute = (i * 7) % 60,
        ));
    }
    for s in 0..series {
        ics.push_str(&format!(
            "BEGIN:VEVENT\r\nUID:series-{s}@example.com\r\nSUMMARY:Stand-up {s}\r\n\
             DTSTART;TZID=Europe/Berlin:20270104T{hour:02}0000\r\nDTEND;TZID=Europe/Berlin:20270104T{hour:02}1500\r\n\
             RRULE:FREQ=DAILY;COUNT={days}\r\nORGANIZER:mailto:ada@example.com\r\nEND:VEVENT\r\n",
            hour = 7 + s % 12,
        ));
    }
    ics.push_str("END:VCALENDAR\r\n");
    ics
}

/// A file in its own temporary directory, removed with it.
pub struct TempFile {
    _dir: tempfile::TempDir,
    path: String,
}

impl TempFile {
    pub fn new(name: &str, text: &str) -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join(name);
        std::fs::write(&path, text).expect("the file is written");
        let path = path.to_str().expect("a UTF-8 path").to_string();
        Self { _dir: dir, path }
    }

    pub fn as_str(&self) -> &str {
        &self.path
    }
}
