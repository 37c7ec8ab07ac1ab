//! A raw HTTP/1.1 server for hostile answers (a `TcpListener` on `127.0.0.1:0` that reads the request
//! head and writes bytes chosen by each case), with helpers to build answers and to check the errors they
//! cause. Used by the `hostile_*` tests.
//!
//! The raw server uses only tokio's `net` feature (readiness and `try_read` / `try_write`), which the
//! fake and reqwest enable.

use std::future::Future;
use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use attio_meetings::{Client, Error, RetryPolicy};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use uuid::Uuid;

/// Bound of every case: none may hang.
pub const CASE_LIMIT: Duration = Duration::from_secs(15);

/// One accepted connection, with the server's log of request heads.
pub struct Conn {
    stream: TcpStream,
    heads: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Conn {
    /// Reads what has arrived into `buf`; 0 when the client closed. (Readiness and `try_read` need only
    /// tokio's `net` feature.)
    pub async fn read_some(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                read => return read,
            }
        }
    }

    /// Writes all of `bytes`.
    pub async fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            self.stream.writable().await?;
            match self.stream.try_write(bytes) {
                Ok(n) => bytes = &bytes[n..],
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Reads one request head (and a `Content-Length` body, if any, so that closing does not reset the
    /// connection under unread bytes). `None` when the client closed first.
    pub async fn head(&mut self) -> Option<String> {
        let mut buf = Vec::new();
        let mut byte = [0u8; 1];
        while !buf.ends_with(b"\r\n\r\n") {
            match self.read_some(&mut byte).await {
                Ok(1) => buf.push(byte[0]),
                _ => return None,
            }
            if buf.len() > 64 * 1024 {
                return None;
            }
        }
        let head = String::from_utf8_lossy(&buf).into_owned();
        let length = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        let mut body = vec![0u8; length];
        let mut read = 0;
        while read < length {
            match self.read_some(&mut body[read..]).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => read += n,
            }
        }
        self.heads
            .lock()
            .unwrap()
            .push((Instant::now(), head.clone()));
        Some(head)
    }

    /// Reads the request, writes `bytes`, closes.
    pub async fn answer(mut self, bytes: &[u8]) {
        if self.head().await.is_some() {
            let _ = self.write_all(bytes).await;
        }
    }
}

/// A raw server on a free loopback port; `handler(n, conn)` serves the n-th connection (from 0).
/// Dropping it stops accepting and aborts the connections.
pub struct Raw {
    base_url: String,
    heads: Arc<Mutex<Vec<(Instant, String)>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Raw {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Raw {
    pub async fn start<F, Fut>(handler: F) -> Raw
    where
        F: Fn(usize, Conn) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let heads: Arc<Mutex<Vec<(Instant, String)>>> = Arc::default();
        let log = heads.clone();
        let task = tokio::spawn(async move {
            let mut connections = JoinSet::new();
            for n in 0.. {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let conn = Conn {
                    stream,
                    heads: log.clone(),
                };
                connections.spawn(handler(n, conn));
            }
        });
        Raw {
            base_url: format!("http://{addr}"),
            heads,
            task,
        }
    }

    /// Answers every request with `bytes`, then closes the connection.
    pub async fn bytes(bytes: impl Into<Vec<u8>>) -> Raw {
        let bytes: Arc<[u8]> = bytes.into().into();
        Raw::start(move |_, conn| {
            let bytes = bytes.clone();
            async move { conn.answer(&bytes).await }
        })
        .await
    }

    pub fn requests(&self) -> usize {
        self.heads.lock().unwrap().len()
    }

    pub fn request_times(&self) -> Vec<Instant> {
        self.heads
            .lock()
            .unwrap()
            .iter()
            .map(|(at, _)| *at)
            .collect()
    }

    pub fn client(&self) -> Client {
        self.client_with(|b| b)
    }

    pub fn client_with(
        &self,
        settings: impl FnOnce(attio_meetings::ClientBuilder) -> attio_meetings::ClientBuilder,
    ) -> Client {
        settings(
            Client::builder()
                .token("hostile-test-token")
                .base_url(self.base_url.as_str())
                .retry(RetryPolicy::none())
                .timeout(Duration::from_secs(5)),
        )
        .build()
        .expect("a valid client")
    }
}

/// An HTTP/1.1 response with `Content-Length` set to the body's length.
pub fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

pub fn json_200(body: &[u8]) -> Vec<u8> {
    response("200 OK", &[("content-type", "application/json")], body)
}

pub const GET_MEETING: &str = include_str!("../fixtures/get_meeting.json");
pub const GET_CALL_RECORDING: &str = include_str!("../fixtures/get_call_recording.json");
pub const MEETING_ID: &str = "cb59ab17-ad15-460c-a126-0715617c0853";
pub const CALL_RECORDING_ID: &str = "e8f2a3b7-9b4d-4c5e-8a1f-3d7b2c5e8f9a";

pub fn meeting_id() -> Uuid {
    MEETING_ID.parse().unwrap()
}

/// The fixture's get-meeting body with one change.
pub fn meeting_body(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(GET_MEETING).unwrap();
    change(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// Awaits `f` within [`CASE_LIMIT`]; a hang fails the case by name.
pub async fn bounded<T>(case: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(CASE_LIMIT, f).await {
        Ok(out) => out,
        Err(_) => panic!("{case}: no answer within {CASE_LIMIT:?}"),
    }
}

/// Gets the fixture meeting from `raw` with its default client.
pub async fn get_meeting(case: &str, raw: &Raw) -> Result<attio_meetings::types::Meeting, Error> {
    bounded(case, raw.client().meetings().get(meeting_id()).send()).await
}

pub fn decode_error(
    case: &str,
    result: Result<impl std::fmt::Debug, Error>,
) -> attio_meetings::DecodeError {
    match result {
        Err(Error::Decode(decode)) => *decode,
        other => panic!("{case}: expected Error::Decode, got {other:?}"),
    }
}

/// The error's `Display`, then each of its sources.
pub fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// Asserts that the `Display` of `error` mentions each of `needles`.
pub fn assert_mentions(case: &str, error: &(dyn std::error::Error + 'static), needles: &[&str]) {
    let text = error.to_string();
    eprintln!("{case}: {}", chain(error).join("\n    caused by: "));
    for needle in needles {
        assert!(
            text.contains(needle),
            "{case}: `{text}` does not mention `{needle}`"
        );
    }
}

/// Asserts that the `Display` of `error` or one of its sources mentions one of `needles`.
pub fn assert_cause(case: &str, error: &(dyn std::error::Error + 'static), needles: &[&str]) {
    let chain = chain(error);
    assert!(
        chain.iter().any(|s| needles.iter().any(|n| s.contains(n))),
        "{case}: no cause mentions any of {needles:?}: {chain:?}"
    );
}
