//! The standalone server: `attio-meetings-mock --port 0 --token ...`.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_attio-meetings-mock");

/// Kills the server when the test ends, whatever happens. Keeps its stdout open meanwhile, so that the
/// server's later prints do not hit a closed pipe.
struct Server(
    Child,
    #[allow(dead_code)] BufReader<std::process::ChildStdout>,
);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start(args: &[&str]) -> (Server, String) {
    let mut child = Command::new(BINARY)
        .args(["--port", "0"])
        .args(args)
        .stdout(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first_line = String::new();
    stdout
        .read_line(&mut first_line)
        .expect("the server prints its address");
    let server = Server(child, stdout);
    let url = first_line
        .trim()
        .rsplit(' ')
        .next()
        .filter(|u| u.starts_with("http://127.0.0.1:"))
        .unwrap_or_else(|| panic!("unexpected first line: {first_line:?}"))
        .to_string();
    (server, url)
}

#[tokio::test]
async fn serves_with_the_given_tokens_until_killed() {
    let (server, url) = start(&["--token", "secret", "--token", "other", "--no-limits"]);
    let http = reqwest::Client::new();
    let status = |token: &'static str| {
        let request = http.get(format!("{url}/v2/meetings")).bearer_auth(token);
        async move { request.send().await.map(|r| r.status().as_u16()) }
    };
    assert_eq!(status("secret").await.unwrap(), 200);
    assert_eq!(status("other").await.unwrap(), 200);
    assert_eq!(
        status("attio-mock-token").await.unwrap(),
        401,
        "the default token is off once tokens are given"
    );
    drop(server);
    assert!(status("secret").await.is_err(), "the server is gone");
}

#[tokio::test]
async fn command_line_faults_apply() {
    let (_server, url) = start(&[
        "--fault-rate",
        "1",
        "--fault",
        "503",
        "--fault-operation",
        "get_meeting",
    ]);
    let http = reqwest::Client::new();
    let meeting = format!("{url}/v2/meetings/cb59ab17-ad15-460c-a126-0715617c0853");
    let got = http
        .get(meeting)
        .bearer_auth("attio-mock-token")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status().as_u16(), 503);
    let listed = http
        .get(format!("{url}/v2/meetings"))
        .bearer_auth("attio-mock-token")
        .send()
        .await
        .unwrap();
    assert_eq!(
        listed.status().as_u16(),
        200,
        "other operations are not faulted"
    );
}

#[test]
fn help_lists_limits_and_faults() {
    let output = Command::new(BINARY).arg("--help").output().unwrap();
    let help = String::from_utf8(output.stdout).unwrap();
    for option in [
        "--port",
        "--token",
        "--read-limit",
        "--write-limit",
        "--call-recording-limit",
        "--fault-rate",
        "--fault <KIND>",
        "--seed",
    ] {
        assert!(help.contains(option), "--help does not mention {option}");
    }
}

#[test]
fn bad_fault_kinds_are_refused() {
    let output = Command::new(BINARY)
        .args(["--fault", "404"])
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("status faults must be 5xx"));
}

#[test]
fn a_taken_port_is_named_in_one_line() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = taken.local_addr().expect("bound").port().to_string();
    let output = Command::new(BINARY)
        .args(["--port", &port])
        .output()
        .expect("the binary runs");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot listen on 127.0.0.1:") && stderr.contains(&port),
        "{stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
}

#[tokio::test]
async fn verbose_logs_one_line_per_request() {
    let mut child = Command::new(BINARY)
        .args(["--port", "0", "--no-limits", "-v"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut stderr = BufReader::new(child.stderr.take().expect("piped stderr"));
    let mut first_line = String::new();
    stdout.read_line(&mut first_line).expect("the address");
    let server = Server(child, stdout);
    let url = first_line
        .trim()
        .rsplit(' ')
        .next()
        .unwrap_or_default()
        .to_string();
    let status = reqwest::Client::new()
        .get(format!("{url}/v2/meetings"))
        .bearer_auth("attio-mock-token")
        .send()
        .await
        .expect("answered")
        .status();
    assert_eq!(status.as_u16(), 200);
    let mut line = String::new();
    stderr.read_line(&mut line).expect("a log line");
    assert!(
        line.starts_with("GET /v2/meetings -> 200 in ") && line.trim_end().ends_with(" ms"),
        "{line:?}"
    );
    drop(server);
}
