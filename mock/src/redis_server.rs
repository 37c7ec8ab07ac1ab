//! A `redis-server` of a test's own, for tests of what the client shares through Redis (pacing, claims):
//! started on a free loopback port with persistence off, stopped when dropped.
//!
//! When `redis-server` is not installed, [`RedisServer::start`] returns `None` after printing why the
//! test is skipped; when `CI` is set it panics instead, so that CI never skips silently.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `redis-server`.
#[derive(Debug)]
pub struct RedisServer {
    child: Option<Child>,
    port: u16,
}

impl RedisServer {
    /// A fresh server for `test`, or `None` (with a message) when none is installed outside CI.
    ///
    /// # Panics
    ///
    /// When `CI` is set and `redis-server` is missing, or when it does not start within 10 s.
    pub fn start(test: &str) -> Option<RedisServer> {
        let installed = Command::new("redis-server")
            .arg("--version")
            .stdout(Stdio::null())
            .status()
            .is_ok();
        if !installed {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server is not installed, and CI must run {test} (`apt-get install -y redis-server`)"
            );
            eprintln!(
                "SKIPPED {test}: redis-server is not installed (`apt-get install -y redis-server`)"
            );
            return None;
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut redis = RedisServer { child: None, port };
        redis.restart();
        Some(redis)
    }

    /// `redis://127.0.0.1:PORT/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// Starts the server (again) on its port and waits until it answers.
    ///
    /// # Panics
    ///
    /// When it cannot be started or does not answer within 10 s.
    pub fn restart(&mut self) {
        let child = Command::new("redis-server")
            .args(["--port", &self.port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("redis-server starts");
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.command(&["PING"]).as_deref() != Some("+PONG") {
            assert!(Instant::now() < deadline, "redis-server did not answer");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Stops the server (it can be restarted).
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// One command, its answer's first line (RESP), or `None` when the server does not answer.
    pub fn command(&self, args: &[&str]) -> Option<String> {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).ok()?;
        stream.set_read_timeout(Some(Duration::from_secs(1))).ok()?;
        let mut request = format!("*{}\r\n", args.len());
        for arg in args {
            request.push_str(&format!("${}\r\n{arg}\r\n", arg.len()));
        }
        stream.write_all(request.as_bytes()).ok()?;
        let mut answer = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).ok()?;
            answer.extend_from_slice(&buffer[..n]);
            if n == 0 || n < buffer.len() {
                break;
            }
        }
        let text = String::from_utf8_lossy(&answer).into_owned();
        Some(text.trim_end().to_string())
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}
