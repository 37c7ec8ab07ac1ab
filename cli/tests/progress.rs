//! The import's progress as people see it: a bar (count, rate, ETA) in a terminal, checked in a
//! pseudo-terminal; plain lines when stderr is a file; and Ctrl-C stopping cleanly with a summary.

mod common;

use attio_meetings_mock::MockServer;
use common::{
    TempFile, WINDOW, against, assert_exit, fake_with_write_limit, generated_calendar, run, stderr,
};
use rexpect::process::WaitStatus;

/// The import of `file` at `rate` writes per second, in a pseudo-terminal.
fn in_terminal(fake: &MockServer, file: &TempFile, rate: &str) -> rexpect::session::PtySession {
    let mut command = against(fake);
    command
        .args(["import", file.as_str(), "--max-rate", rate])
        .args(WINDOW);
    rexpect::session::spawn_command(command, Some(30_000)).expect("the binary starts in a pty")
}

fn exit_code(session: &rexpect::session::PtySession) -> Option<i32> {
    match session.process().wait().expect("an exit status") {
        WaitStatus::Exited(_, code) => Some(code),
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_shows_a_bar_with_count_rate_and_eta() {
    let fake = fake_with_write_limit(100).await;
    let file = TempFile::new("sixty.ics", &generated_calendar(60, 0, 0));
    let session = in_terminal(&fake, &file, "20");
    tokio::task::spawn_blocking(move || {
        let mut session = session;
        // 60 meetings at 20 per second: the bar (count, rate, ETA) is drawn for about three seconds.
        session
            .exp_regex(r"\d+/60 meetings +[0-9.]+/s +ETA \d+s")
            .expect("a progress bar");
        session
            .exp_string("60/60 meetings")
            .expect("the bar reaches the end");
        let summary = session.exp_eof().expect("the import ends");
        assert!(
            summary.contains(
                "summary: 60 events read, 60 meetings in 2027-01-01..2027-12-31; found 0, created 60, ambiguous 0, failed 0"
            ),
            "{summary}"
        );
        assert_eq!(exit_code(&session), Some(0));
    })
    .await
    .expect("the terminal session");
    assert_eq!(fake.store().meetings().len(), 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_sending_finishes_what_is_in_flight_and_says_what_was_done() {
    let fake = fake_with_write_limit(100).await;
    let file = TempFile::new("long.ics", &generated_calendar(400, 0, 0));
    let session = in_terminal(&fake, &file, "20");
    let summary = tokio::task::spawn_blocking(move || {
        let mut session = session;
        session
            .exp_regex(r"[1-9]\d*/400 meetings")
            .expect("the import is under way");
        session.send_control('c').expect("Ctrl-C");
        session.exp_string("interrupted").expect("it says it stops");
        let rest = session.exp_eof().expect("it ends by itself");
        assert_eq!(exit_code(&session), Some(130), "{rest}");
        rest
    })
    .await
    .expect("the terminal session");
    let stored = fake.store().meetings().len();
    assert!(stored > 0 && stored < 400, "stopped part way: {stored}");
    assert!(
        summary.contains(&format!("found 0, created {stored}, ambiguous 0, failed 0")),
        "the summary matches the store ({stored}): {summary}"
    );
    assert!(
        summary.contains(&format!("{} not handled", 400 - stored)),
        "{summary}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_terminal_progress_is_plain_lines() {
    let fake = fake_with_write_limit(100).await;
    let file = TempFile::new("twenty.ics", &generated_calendar(20, 0, 0));
    let mut args = vec!["import", file.as_str()];
    args.extend(WINDOW);
    let output = run(against(&fake), &args).await;
    assert_exit(&output, 0);
    let text = stderr(&output);
    assert!(text.contains("progress: 20/20 meetings"), "{text}");
    assert!(
        !text.contains('\u{1b}') && !text.contains('\r'),
        "no terminal control codes: {text:?}"
    );
}
