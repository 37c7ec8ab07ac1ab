//! Hostile answers from a raw HTTP/1.1 server written here (a `TcpListener` on `127.0.0.1:0` that reads
//! the request head and writes bytes chosen by each case): truncated and empty bodies, HTML from a proxy,
//! wrong and missing types, unknown fields and enum values, bodies larger than the limit (one of 40 MB,
//! streamed), bodies that never finish, connections closed at once, speech that is not HTTP, a delta-seconds
//! `Retry-After`, trailing garbage, a redirect loop.
//!
//! Every case answers with a typed error or is tolerated as documented, within a bound
//! (`tokio::time::timeout` around each), and the error's `Display` names the status or the problem. Cases
//! use `RetryPolicy::none()` unless they test a retry.
//!
//! A counting global allocator measures the peak heap growth while the 40 MB body is refused: the client
//! must never hold the whole body.
//!
//! The raw server uses only tokio's `net` feature (readiness and `try_read` / `try_write`), which the
//! fake and reqwest enable.

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use attio_meetings::types::{ActorType, CallRecordingStatus, MeetingTime, ParticipantStatus};
use attio_meetings::{Client, Error, RetryPolicy, Sent};
use serde_json::{Value, json};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use uuid::Uuid;

// ---- a counting allocator, to bound what the client holds ----

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to `System` unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, passed on as is.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            // A moving realloc holds the old and the new block for a moment: count both.
            let live = LIVE.load(Ordering::Relaxed);
            PEAK.fetch_max(live + new_size, Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Serialises the measured sections (each may allocate tens of megabytes).
static MEASURED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Runs `f` and returns its output with the peak heap growth (bytes) above what was live when it began.
/// Measured sections run one at a time; other tests of this binary allocate meanwhile, but only kilobytes.
async fn peak_growth<T>(f: impl Future<Output = T>) -> (T, usize) {
    let _one_at_a_time = MEASURED.lock().await;
    let base = LIVE.load(Ordering::Relaxed);
    PEAK.store(base, Ordering::Relaxed);
    let out = f.await;
    (out, PEAK.load(Ordering::Relaxed).saturating_sub(base))
}

// ---- the raw server ----

fn ms(millis: u64) -> Duration {
    Duration::from_millis(millis)
}

/// Bound of every case: none may hang.
const CASE_LIMIT: Duration = Duration::from_secs(15);

/// One accepted connection, with the server's log of request heads.
struct Conn {
    stream: TcpStream,
    heads: Arc<Mutex<Vec<(Instant, String)>>>,
}

impl Conn {
    /// Reads what has arrived into `buf`; 0 when the client closed. (Readiness and `try_read` need only
    /// tokio's `net` feature.)
    async fn read_some(&self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            self.stream.readable().await?;
            match self.stream.try_read(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
                read => return read,
            }
        }
    }

    /// Writes all of `bytes`.
    async fn write_all(&self, mut bytes: &[u8]) -> io::Result<()> {
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
    async fn head(&mut self) -> Option<String> {
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
    async fn answer(mut self, bytes: &[u8]) {
        if self.head().await.is_some() {
            let _ = self.write_all(bytes).await;
        }
    }
}

/// A raw server on a free loopback port; `handler(n, conn)` serves the n-th connection (from 0).
/// Dropping it stops accepting and aborts the connections.
struct Raw {
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
    async fn start<F, Fut>(handler: F) -> Raw
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
    async fn bytes(bytes: impl Into<Vec<u8>>) -> Raw {
        let bytes: Arc<[u8]> = bytes.into().into();
        Raw::start(move |_, conn| {
            let bytes = bytes.clone();
            async move { conn.answer(&bytes).await }
        })
        .await
    }

    fn requests(&self) -> usize {
        self.heads.lock().unwrap().len()
    }

    fn request_times(&self) -> Vec<Instant> {
        self.heads
            .lock()
            .unwrap()
            .iter()
            .map(|(at, _)| *at)
            .collect()
    }

    fn client(&self) -> Client {
        self.client_with(|b| b)
    }

    fn client_with(
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
fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (name, value) in headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str("connection: close\r\n\r\n");
    let mut out = out.into_bytes();
    out.extend_from_slice(body);
    out
}

fn json_200(body: &[u8]) -> Vec<u8> {
    response("200 OK", &[("content-type", "application/json")], body)
}

const GET_MEETING: &str = include_str!("fixtures/get_meeting.json");
const GET_CALL_RECORDING: &str = include_str!("fixtures/get_call_recording.json");
const MEETING_ID: &str = "cb59ab17-ad15-460c-a126-0715617c0853";
const CALL_RECORDING_ID: &str = "e8f2a3b7-9b4d-4c5e-8a1f-3d7b2c5e8f9a";

fn meeting_id() -> Uuid {
    MEETING_ID.parse().unwrap()
}

/// The fixture's get-meeting body with one change.
fn meeting_body(change: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(GET_MEETING).unwrap();
    change(&mut value);
    serde_json::to_vec(&value).unwrap()
}

/// Awaits `f` within [`CASE_LIMIT`]; a hang fails the case by name.
async fn bounded<T>(case: &str, f: impl Future<Output = T>) -> T {
    match tokio::time::timeout(CASE_LIMIT, f).await {
        Ok(out) => out,
        Err(_) => panic!("{case}: no answer within {CASE_LIMIT:?}"),
    }
}

/// Gets the fixture meeting from `raw` with its default client.
async fn get_meeting(case: &str, raw: &Raw) -> Result<attio_meetings::types::Meeting, Error> {
    bounded(case, raw.client().meetings().get(meeting_id()).send()).await
}

fn decode_error(
    case: &str,
    result: Result<impl std::fmt::Debug, Error>,
) -> attio_meetings::DecodeError {
    match result {
        Err(Error::Decode(decode)) => *decode,
        other => panic!("{case}: expected Error::Decode, got {other:?}"),
    }
}

/// The error's `Display`, then each of its sources.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut source = error.source();
    while let Some(s) = source {
        out.push(s.to_string());
        source = s.source();
    }
    out
}

/// Asserts that the `Display` of `error` mentions each of `needles`.
fn assert_mentions(case: &str, error: &(dyn std::error::Error + 'static), needles: &[&str]) {
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
fn assert_cause(case: &str, error: &(dyn std::error::Error + 'static), needles: &[&str]) {
    let chain = chain(error);
    assert!(
        chain.iter().any(|s| needles.iter().any(|n| s.contains(n))),
        "{case}: no cause mentions any of {needles:?}: {chain:?}"
    );
}

/// Causes of a closed connection, as hyper and the OS word them.
const CLOSED: &[&str] = &[
    "connection closed",
    "reset",
    "end of file",
    "broken pipe",
    "canceled",
];

// ---- cases ----

#[tokio::test]
async fn truncated_json_with_a_matching_content_length_is_a_decode_error() {
    let case = "truncated JSON, whole per Content-Length";
    let full = meeting_body(|_| {});
    let raw = Raw::bytes(json_200(&full[..full.len() / 2])).await;
    let result = get_meeting(case, &raw).await;
    let decode = decode_error(case, result);
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.operation, "get_meeting");
    assert!(decode.message.contains("EOF"), "{case}: {}", decode.message);
    assert!(
        full.starts_with(decode.excerpt.as_bytes()),
        "{case}: the excerpt is the start of the body"
    );
    let error = Error::Decode(Box::new(decode));
    assert!(
        !error.is_retryable(),
        "{case}: the same bytes would come back"
    );
    assert!(error.may_have_been_applied(), "{case}: a 2xx was processed");
    assert_mentions(case, &error, &["200", "get_meeting", "EOF"]);
    assert_eq!(raw.requests(), 1);
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_transport_error() {
    let case = "connection closed before Content-Length bytes";
    let full = meeting_body(|_| {});
    let mut bytes = json_200(&full);
    bytes.truncate(bytes.len() - full.len() / 2);
    let raw = Raw::bytes(bytes).await;
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.is_retryable(), "{case}");
    assert!(error.may_have_been_applied(), "{case}");
    assert_mentions(
        case,
        &error,
        &["request to Attio failed", "may have been applied"],
    );
    assert_cause(case, &error, &["end of file before message length reached"]);

    // Retried when the policy allows it: the second connection gets the whole body.
    let full2 = full.clone();
    let raw = Raw::start(move |n, conn| {
        let mut bytes = json_200(&full2);
        if n == 0 {
            bytes.truncate(bytes.len() - 10);
        }
        async move { conn.answer(&bytes).await }
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    assert_eq!(raw.requests(), 2);
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_an_api_error() {
    let case = "text/html 502";
    let html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
    let raw = Raw::bytes(response(
        "502 Bad Gateway",
        &[("content-type", "text/html"), ("server", "nginx")],
        html.as_bytes(),
    ))
    .await;
    let error = get_meeting(case, &raw).await.unwrap_err();
    let api = error
        .api()
        .unwrap_or_else(|| panic!("{case}: expected Error::Api, got {error:?}"));
    assert_eq!(api.status.as_u16(), 502);
    assert_eq!(api.kind, "", "{case}: not Attio's envelope");
    assert_eq!(api.code, "");
    assert!(
        api.message.contains("502 Bad Gateway") && api.message.contains("nginx"),
        "{case}: {}",
        api.message
    );
    assert_eq!(&api.body[..], html.as_bytes());
    assert_eq!(
        api.headers.get("content-type").unwrap().to_str().unwrap(),
        "text/html"
    );
    assert_eq!(api.retry_after, None);
    assert!(error.is_retryable(), "{case}");
    assert!(!error.is_not_found() && !error.is_rate_limited());
    assert_mentions(case, &error, &["502", "Bad Gateway", "nginx"]);
    assert_eq!(raw.requests(), 1, "{case}: RetryPolicy::none() sends once");

    // An empty 503 says its reason phrase instead.
    let raw = Raw::bytes(response("503 Service Unavailable", &[], b"")).await;
    let error = get_meeting("empty 503", &raw).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable());
    assert_mentions("empty 503", &error, &["503", "Service Unavailable"]);
}

#[tokio::test]
async fn an_empty_200_body_is_a_decode_error() {
    let case = "empty 200";
    let raw = Raw::bytes(json_200(b"")).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.status.as_u16(), 200);
    assert_eq!(decode.path, ".");
    assert_eq!(decode.excerpt, "");
    assert!(decode.message.contains("EOF"), "{case}: {}", decode.message);
    let error = Error::Decode(Box::new(decode));
    assert_mentions(case, &error, &["200", "get_meeting", "EOF"]);

    // A 204 where a body is promised: the same.
    let raw = Raw::bytes(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec()).await;
    let decode = decode_error("204 for a get", get_meeting("204 for a get", &raw).await);
    assert_eq!(decode.status.as_u16(), 204);
}

#[tokio::test]
async fn a_wrong_type_is_a_decode_error_naming_its_path() {
    let case = "is_all_day: \"yes\"";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["is_all_day"] = json!("yes");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.is_all_day", "{case}: {decode}");
    assert!(
        decode.message.contains("invalid type") && decode.message.contains("yes"),
        "{case}: {}",
        decode.message
    );
    assert!(
        decode.excerpt.starts_with("{\"data\""),
        "{}",
        decode.excerpt
    );
    let error = Error::Decode(Box::new(decode));
    assert!(!error.is_retryable());
    assert_mentions(case, &error, &["data.is_all_day", "invalid type"]);

    // Deeper: a participant's flag, an id that is not a UUID.
    let case = "participants[0].is_organizer: 1";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["participants"][0]["is_organizer"] = json!(1);
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.participants[0].is_organizer", "{case}");
    let case = "id.meeting_id not a UUID";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["id"]["meeting_id"] = json!("not-a-uuid");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.id.meeting_id", "{case}");
}

#[tokio::test]
async fn null_where_a_value_is_required_is_a_decode_error() {
    let case = "title: null";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"]["title"] = Value::Null;
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data.title", "{case}: {decode}");
    assert!(
        decode.message.contains("null"),
        "{case}: {}",
        decode.message
    );
    assert_mentions(
        case,
        &Error::Decode(Box::new(decode)),
        &["data.title", "null"],
    );

    let case = "title missing";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["data"].as_object_mut().unwrap().remove("title");
    })))
    .await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert!(decode.message.contains("title"), "{case}: {decode}");

    let case = "data: null";
    let raw = Raw::bytes(json_200(b"{\"data\": null}")).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, "data", "{case}: {decode}");
}

#[tokio::test]
async fn unknown_fields_and_enum_values_are_tolerated() {
    let case = "unknown fields and values in a meeting";
    let raw = Raw::bytes(json_200(&meeting_body(|v| {
        v["extra_top_level"] = json!({"nested": [1, 2, 3]});
        let data = &mut v["data"];
        data["brand_new_field"] = json!("surprise");
        data["start"]["unexpected"] = json!(true);
        data["participants"][0]["status"] = json!("maybe-later");
        data["participants"][0]["avatar"] = json!(null);
        data["created_by_actor"]["type"] = json!("robot");
        data["linked_records"][0]["weight"] = json!(0.5);
    })))
    .await;
    let meeting = get_meeting(case, &raw).await.unwrap();
    assert_eq!(meeting.title, "Onboarding Session");
    assert_eq!(
        meeting.participants[0].status,
        ParticipantStatus::Unknown("maybe-later".into())
    );
    assert_eq!(
        meeting.created_by_actor.type_,
        Some(ActorType::Unknown("robot".into()))
    );
    assert!(matches!(meeting.start, MeetingTime::Timed { .. }));

    let case = "unknown status of a call recording";
    let mut value: Value = serde_json::from_str(GET_CALL_RECORDING).unwrap();
    value["data"]["status"] = json!("archived");
    value["data"]["thumbnail"] = json!({"url": "https://example.com/t.png"});
    let raw = Raw::bytes(json_200(&serde_json::to_vec(&value).unwrap())).await;
    let recording = bounded(
        case,
        raw.client()
            .call_recordings(meeting_id())
            .get(CALL_RECORDING_ID.parse().unwrap())
            .send(),
    )
    .await
    .unwrap();
    assert_eq!(
        recording.status,
        CallRecordingStatus::Unknown("archived".into())
    );
    assert_eq!(recording.status.to_string(), "archived");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused_without_being_held() {
    // A 10 KB body against a 1 KiB limit.
    let case = "10 KB body, 1 KiB limit";
    let body = meeting_body(|v| {
        v["data"]["description"] = json!("x".repeat(10 * 1024));
    });
    let raw = Raw::bytes(json_200(&body)).await;
    let client = raw.client_with(|b| b.max_body_bytes(1024));
    let result = bounded(case, client.meetings().get(meeting_id()).send()).await;
    let decode = decode_error(case, result);
    assert_eq!(decode.path, ".");
    assert!(
        decode
            .message
            .contains("larger than the limit of 1024 bytes"),
        "{case}: {}",
        decode.message
    );
    assert!(decode.excerpt.len() <= attio_meetings::DecodeError::EXCERPT);
    let error = Error::Decode(Box::new(decode));
    assert!(!error.is_retryable());
    assert_mentions(case, &error, &["limit of 1024 bytes"]);

    // 40 MB streamed against a 1 MiB limit: refused early, holding about the limit.
    let huge = HugeServer::start().await;
    let (grew, served) = huge.refuse(Some(1 << 20)).await;
    assert!(
        grew < 8 << 20,
        "the heap grew by {grew} bytes while refusing a 40 MB body over a 1 MiB limit"
    );
    assert!(
        served < HUGE,
        "the client stopped reading ({served} bytes written)"
    );
}

/// The default limit (32 MiB) against a 40 MB body: a bounded read and a clear error.
#[tokio::test]
async fn a_40_mb_body_is_refused_at_the_default_limit() {
    let huge = HugeServer::start().await;
    let (_grew, _served) = huge.refuse(None).await;
}

/// Measured: ~88 MB of peak heap growth to refuse a 40 MB body. `read_body` appends every chunk to one
/// `BytesMut`, which grows by doubling: its capacity reaches up to twice the 32 MiB limit (~56 MiB here),
/// and each moving reallocation briefly holds the old block too. It never looks at `Content-Length`,
/// which announced the 40 MB before the first byte.
#[tokio::test]
async fn a_40_mb_body_is_refused_at_the_default_limit_without_holding_it() {
    let huge = HugeServer::start().await;
    let (grew, _served) = huge.refuse(None).await;
    assert!(
        grew < HUGE,
        "the heap grew by {grew} bytes while refusing a {HUGE}-byte body at the default limit"
    );
}

/// Size of the huge body.
const HUGE: usize = 40_000_000;

/// A server answering every request with a 40 MB JSON body (a `[` and spaces, announced by
/// `Content-Length`), written in 64 KiB chunks so the server never holds it.
struct HugeServer {
    raw: Raw,
    served: Arc<AtomicUsize>,
}

impl HugeServer {
    async fn start() -> HugeServer {
        let served = Arc::new(AtomicUsize::new(0));
        let counter = served.clone();
        let raw = Raw::start(move |_, mut conn| {
            let counter = counter.clone();
            async move {
                if conn.head().await.is_none() {
                    return;
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {HUGE}\r\n\r\n"
                );
                if conn.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                let mut chunk = vec![b' '; 64 * 1024];
                chunk[0] = b'[';
                let mut sent = 0;
                while sent < HUGE {
                    let n = chunk.len().min(HUGE - sent);
                    if conn.write_all(&chunk[..n]).await.is_err() {
                        break;
                    }
                    chunk[0] = b' ';
                    sent += n;
                    counter.fetch_add(n, Ordering::Relaxed);
                }
            }
        })
        .await;
        HugeServer { raw, served }
    }

    /// Gets a meeting with `limit` (`None`: the default), expects the limit's decode error; returns the
    /// peak heap growth during the call and the bytes the server managed to write.
    async fn refuse(&self, limit: Option<usize>) -> (usize, usize) {
        let shown = limit.unwrap_or(32 << 20);
        let case = format!("{HUGE}-byte body, limit {shown}");
        let client = self.raw.client_with(|b| {
            let b = b.timeout(Duration::from_secs(20));
            match limit {
                Some(limit) => b.max_body_bytes(limit),
                None => b,
            }
        });
        self.served.store(0, Ordering::Relaxed);
        let started = Instant::now();
        let (result, grew) =
            peak_growth(bounded(&case, client.meetings().get(meeting_id()).send())).await;
        let elapsed = started.elapsed();
        let decode = decode_error(&case, result);
        assert_eq!(decode.status.as_u16(), 200);
        assert!(
            decode
                .message
                .contains(&format!("larger than the limit of {shown} bytes")),
            "{case}: {}",
            decode.message
        );
        assert!(decode.excerpt.len() <= attio_meetings::DecodeError::EXCERPT);
        assert!(
            decode.excerpt.starts_with('['),
            "{case}: {:?}",
            decode.excerpt
        );
        let error = Error::Decode(Box::new(decode));
        assert!(!error.is_retryable(), "{case}");
        assert_mentions(&case, &error, &["limit", &shown.to_string()]);
        let served = self.served.load(Ordering::Relaxed);
        eprintln!(
            "{case}: refused after {elapsed:?}, peak heap growth {grew} bytes, server wrote {served} bytes"
        );
        (grew, served)
    }
}

#[tokio::test]
async fn a_body_that_never_finishes_times_out() {
    let timeout = ms(300);
    // Headers and a few bytes, then silence with the connection held open.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5000\r\n\r\n{\"data\": {")
                .await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "body that never finishes";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(
            error,
            Error::Timeout {
                after,
                sent: Sent::Maybe
            } if after == timeout
        ),
        "{case}: {error:?}"
    );
    assert!(
        elapsed >= timeout && elapsed < Duration::from_secs(3),
        "{case}: returned after {elapsed:?}"
    );
    assert!(error.is_retryable() && error.may_have_been_applied());
    assert_mentions(case, &error, &["timed out", "300ms"]);

    // Chunked, one chunk, then silence.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            let _ = conn
                .write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\n{\"da\r\n")
                .await;
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "chunked body that never finishes";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{case}: {error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");

    // No answer at all: the request is read, nothing is written.
    let raw = Raw::start(|_, mut conn| async move {
        if conn.head().await.is_some() {
            tokio::time::sleep(Duration::from_secs(60)).await;
        }
    })
    .await;
    let client = raw.client_with(|b| b.timeout(timeout));
    let case = "no answer";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Timeout {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");

    // A timeout is retried (for an idempotent call), each attempt bounded by the timeout.
    let raw = Raw::start(|n, mut conn| async move {
        if n == 0 {
            if conn.head().await.is_some() {
                tokio::time::sleep(Duration::from_secs(60)).await;
            }
        } else {
            conn.answer(&json_200(GET_MEETING.as_bytes())).await;
        }
    })
    .await;
    let client = raw.client_with(|b| {
        b.timeout(timeout).retry(
            RetryPolicy::default()
                .max_attempts(2)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "timeout then success";
    let started = Instant::now();
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    assert!(started.elapsed() < Duration::from_secs(3), "{case}");
    assert_eq!(raw.requests(), 2);
}

#[tokio::test]
async fn a_connection_closed_at_once_is_a_transport_error() {
    // Closed without reading anything.
    let raw = Raw::start(|_, conn| async move { drop(conn) }).await;
    let case = "closed at once";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "{case}: {error:?}"
    );
    assert!(error.is_retryable(), "{case}");
    assert_eq!(error.status(), None);
    assert_mentions(case, &error, &["request to Attio failed"]);
    assert_cause(case, &error, CLOSED);

    // Closed after reading the request, without a byte of answer: it may have been processed.
    let raw = Raw::start(|_, mut conn| async move {
        let _ = conn.head().await;
    })
    .await;
    let case = "closed after the request";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Transport {
                sent: Sent::Maybe,
                ..
            }
        ),
        "{case}: {error:?}"
    );
    assert!(error.may_have_been_applied());
    assert_mentions(
        case,
        &error,
        &["request to Attio failed", "may have been applied"],
    );
    assert_cause(case, &error, CLOSED);

    // Not HTTP at all.
    let raw = Raw::bytes(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()).await;
    let case = "not HTTP";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "{case}: {error:?}"
    );
    assert_mentions(case, &error, &["request to Attio failed"]);
    assert_cause(case, &error, &["invalid HTTP"]);

    // A create call recording is not resent after such a close (it may have been applied).
    let raw = Raw::start(|_, mut conn| async move {
        let _ = conn.head().await;
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "create closed after the request";
    let error = bounded(
        case,
        client
            .call_recordings(meeting_id())
            .create("https://videos.example.com/a.mp4")
            .send(),
    )
    .await
    .unwrap_err();
    assert!(error.may_have_been_applied(), "{case}: {error:?}");
    assert_eq!(raw.requests(), 1, "{case}: resent");

    // With retries, a get gets through once the server answers.
    let raw = Raw::start(|n, conn| async move {
        if n < 2 {
            drop(conn);
        } else {
            conn.answer(&json_200(GET_MEETING.as_bytes())).await;
        }
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(4)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let meeting = bounded(
        "closed twice, then answered",
        client.meetings().get(meeting_id()).send(),
    )
    .await
    .unwrap();
    assert_eq!(meeting.id.meeting_id, meeting_id());
}

#[tokio::test]
async fn a_429_with_delta_seconds_retry_after_is_waited_for() {
    let envelope = br#"{"status_code":429,"type":"rate_limit_error","code":"rate_limit_exceeded","message":"Rate limit exceeded, please try again later"}"#;
    let limited = response(
        "429 Too Many Requests",
        &[("content-type", "application/json"), ("retry-after", "1")],
        envelope,
    );
    let raw = Raw::start(move |n, conn| {
        let bytes = if n == 0 {
            limited.clone()
        } else {
            json_200(GET_MEETING.as_bytes())
        };
        async move { conn.answer(&bytes).await }
    })
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(3)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "429 Retry-After: 1";
    let started = Instant::now();
    let meeting = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(meeting.id.meeting_id, meeting_id());
    let times = raw.request_times();
    assert_eq!(times.len(), 2, "{case}");
    let gap = times[1] - times[0];
    assert!(gap >= ms(950), "{case}: retried after {gap:?}");
    assert!(elapsed < Duration::from_secs(3), "{case}: took {elapsed:?}");

    // Without retries: the 429 with its Retry-After.
    let raw = Raw::bytes(response(
        "429 Too Many Requests",
        &[("content-type", "application/json"), ("retry-after", "1")],
        envelope,
    ))
    .await;
    let case = "429 not retried";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(error.is_rate_limited() && error.is_retryable(), "{case}");
    assert!(!error.may_have_been_applied());
    let wait = error
        .retry_after()
        .expect("Retry-After read")
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    assert!(
        wait <= Duration::from_secs(1) && wait >= ms(500),
        "{case}: {wait:?}"
    );
    assert_eq!(error.api().unwrap().code, "rate_limit_exceeded");
    assert_mentions(
        case,
        &error,
        &["429", "Rate limit exceeded", "rate_limit_exceeded"],
    );

    // A Retry-After beyond the policy's `max_elapsed` (60 s by default) ends the call at once, with the
    // 429, instead of sleeping for an hour.
    let raw = Raw::bytes(response(
        "429 Too Many Requests",
        &[
            ("content-type", "application/json"),
            ("retry-after", "3600"),
        ],
        envelope,
    ))
    .await;
    let client = raw.client_with(|b| {
        b.retry(
            RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(ms(1))
                .max_backoff(ms(5)),
        )
    });
    let case = "429 Retry-After: 3600";
    let started = Instant::now();
    let error = bounded(case, client.meetings().get(meeting_id()).send())
        .await
        .unwrap_err();
    assert!(error.is_rate_limited(), "{case}: {error:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{case}");
    assert_eq!(raw.requests(), 1, "{case}");
}

#[tokio::test]
async fn trailing_garbage_after_the_json_is_a_decode_error() {
    let case = "garbage inside the body";
    let mut body = GET_MEETING.as_bytes().to_vec();
    body.extend_from_slice(b"\n<!-- injected by a proxy -->");
    let raw = Raw::bytes(json_200(&body)).await;
    let decode = decode_error(case, get_meeting(case, &raw).await);
    assert_eq!(decode.path, ".", "{case}: {decode}");
    assert!(
        decode.message.contains("trailing characters"),
        "{case}: {}",
        decode.message
    );
    assert_mentions(
        case,
        &Error::Decode(Box::new(decode)),
        &["200", "trailing characters"],
    );

    // Trailing whitespace is JSON, and tolerated.
    let mut body = GET_MEETING.as_bytes().to_vec();
    body.extend_from_slice(b"\r\n\r\n   \n");
    let raw = Raw::bytes(json_200(&body)).await;
    get_meeting("trailing whitespace", &raw).await.unwrap();

    // Garbage after the Content-Length bytes is not part of the body: the answer is whole.
    let mut bytes = json_200(GET_MEETING.as_bytes());
    bytes.extend_from_slice(b"GARBAGE AFTER THE RESPONSE\r\n\r\n");
    let raw = Raw::bytes(bytes).await;
    get_meeting("garbage after the response", &raw)
        .await
        .unwrap();
}

#[tokio::test]
async fn a_redirect_loop_ends_with_an_error() {
    let raw = Raw::bytes(response(
        "302 Found",
        &[("location", &format!("/v2/meetings/{MEETING_ID}"))],
        b"",
    ))
    .await;
    let case = "redirect loop";
    let error = get_meeting(case, &raw).await.unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. } | Error::Api(_)),
        "{case}: {error:?}"
    );
    assert!(raw.requests() <= 11, "{case}: {} requests", raw.requests());
    assert_mentions(case, &error, &["redirect"]);
    assert_cause(case, &error, &["too many redirects"]);
}

/// Transport failures say *what* failed only in their source chain: the `Display` is reqwest's top-level
/// wording ("error sending request", or "error decoding response body" for a body cut short), so a log
/// line of `{error}` does not tell a refused connection from a reset or a protocol error.
#[tokio::test]
async fn transport_errors_name_their_cause_in_display() {
    let full = meeting_body(|_| {});
    let mut cut = json_200(&full);
    cut.truncate(cut.len() - full.len() / 2);
    let cases: [(&str, Raw, &[&str]); 3] = [
        (
            "body cut short",
            Raw::bytes(cut).await,
            &["end of file", "closed"],
        ),
        (
            "closed after the request",
            Raw::start(|_, mut conn| async move {
                let _ = conn.head().await;
            })
            .await,
            CLOSED,
        ),
        (
            "not HTTP",
            Raw::bytes(b"SSH-2.0-OpenSSH_9.6\r\n".to_vec()).await,
            &["invalid HTTP"],
        ),
    ];
    for (case, raw, causes) in cases {
        let error = get_meeting(case, &raw).await.unwrap_err();
        let text = error.to_string();
        assert!(
            causes.iter().any(|c| text.contains(c)),
            "{case}: `{text}` names none of {causes:?}"
        );
    }
}
