//! Bodies over the client's limit, from a raw HTTP/1.1 server (`common::raw`): a 10 KB body against a
//! 1 KiB limit, and a 40 MB body (streamed) against a 1 MiB limit and against the default one.
//!
//! A counting global allocator measures the peak heap growth while the 40 MB body is refused: the client
//! must never hold the whole body. Each case is bounded (`tokio::time::timeout`) and uses
//! `RetryPolicy::none()`.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use attio_meetings::Error;
use serde_json::json;

use common::raw::{
    Raw, assert_mentions, bounded, decode_error, json_200, meeting_body, meeting_id,
};

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

// ---- cases ----

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
/// A body whose length is not announced (read until the connection closes) takes the streaming path:
/// chunks are counted as they arrive and the read stops past the limit.
#[tokio::test]
async fn a_40_mb_body_of_unannounced_length_is_refused_while_streaming() {
    let huge = HugeServer::start_undeclared().await;
    let (grew, served) = huge.refuse(Some(1 << 20)).await;
    assert!(
        grew < 8 << 20,
        "the heap grew by {grew} bytes while refusing an unannounced 40 MB body over a 1 MiB limit"
    );
    assert!(
        served < HUGE,
        "the client stopped reading ({served} bytes written)"
    );
}

/// A `Content-Length` above the limit is refused after its first chunk, before the body is read.
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
/// `Content-Length` or sent until the connection closes), written in 64 KiB chunks so the server never
/// holds it.
struct HugeServer {
    raw: Raw,
    served: Arc<AtomicUsize>,
}

impl HugeServer {
    /// The length announced in `Content-Length`.
    async fn start() -> HugeServer {
        Self::serve(true).await
    }

    /// No `Content-Length`: the body ends when the connection closes.
    async fn start_undeclared() -> HugeServer {
        Self::serve(false).await
    }

    async fn serve(declared: bool) -> HugeServer {
        let served = Arc::new(AtomicUsize::new(0));
        let counter = served.clone();
        let raw = Raw::start(move |_, mut conn| {
            let counter = counter.clone();
            async move {
                if conn.head().await.is_none() {
                    return;
                }
                let length = if declared {
                    format!("content-length: {HUGE}")
                } else {
                    "connection: close".to_string()
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{length}\r\n\r\n"
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
