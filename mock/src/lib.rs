//! An in-process, stateful fake of Attio's Meetings API, as Attio documents it in October 2026.
//!
//! It answers the 11 operations of the meetings family with Attio's semantics: create-meeting always
//! creates (nothing is matched or de-duplicated), participants known by email address, name or both,
//! linked records appended (`PATCH`) or replaced (`PUT`), meetings deleted (`DELETE`, 200 `{}`), every
//! list filter (participants and a linked record together are OR-ed), opaque cursors, call recordings
//! made from a video and/or an uploaded transcript that go from `processing` to `completed` (or
//! `failed`), get-call-recording's full form (`video_url`, `transcript`) and the deprecated paged
//! transcript endpoint. Errors use Attio's envelope (with the `statusCode` spelling of create-meeting's
//! 400); bearer-token auth and per-token rate limits answer with an HTTP-date `Retry-After`. Faults (5xx,
//! 429, latency, dropped connections, truncated bodies) can be injected per operation, scripted or at a
//! seeded random rate, and the state can be seeded and inspected.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use attio_meetings_mock::{Endpoint, Fault, MockServer};
//!
//! let server = MockServer::start().await?;
//! println!("fake Attio at {} (token {})", server.base_url(), server.token());
//! server.faults().script(Endpoint::GetMeeting, [Some(Fault::Status(503)), None]);
//! // A meeting made by Attio's calendar sync: the API may not delete it.
//! let synced = server.store().seed_meeting(
//!     &serde_json::json!({"data": {
//!         "title": "Standup", "description": "", "is_all_day": false,
//!         "start": {"datetime": "2027-01-10T09:00:00Z"}, "end": {"datetime": "2027-01-10T09:15:00Z"},
//!         "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}],
//!     }, "calendar_synced": true}),
//!     None,
//! );
//! // ... point the client at server.base_url() ...
//! assert_eq!(server.store().meetings().len(), 1);
//! # let _ = synced;
//! # Ok(())
//! # }
//! ```
//!
//! Webhooks: register a target ([`MockServerBuilder::webhook`] or [`Webhooks::register`]) and each
//! recording that reaches `completed` is POSTed to it as a signed `call-recording.created`, the way Attio
//! does, retried with (scaled-down) back-off until answered `200`/`202`; [`Webhooks::deliveries`] shows
//! every attempt. [`WebhookFaults`] duplicates deliveries or signs them with the wrong secret.
//!
//! # Where Attio's documentation is silent, the fake guesses
//!
//! - An `external_ref` in a create-meeting body (the field Attio removed in July 2026) is accepted and
//!   ignored; so is any other unknown key of `data`.
//! - A participant with neither `email_address` nor `name` is refused with a 400 `validation_type` whose
//!   message is the fake's own.
//! - A call recording with neither `video_url` nor a non-empty `transcript` is refused with a 400
//!   `validation_type` (the fake's message).
//! - A recording made from a transcript alone completes after the processing time like one made from a
//!   video, and is announced by `call-recording.created` then (Attio's trigger speaks of the media upload).
//! - Deleting a meeting deletes its call recordings and transcripts too (and cancels their webhooks).
//! - The fake keeps no records: every `record_id` of a linked record is taken as existing. An object that
//!   is not one of the workspace's is refused: a 400 `validation_type` (with `statusCode`) on create, a
//!   400 `value_not_found` on `PATCH`/`PUT`.
//! - `PATCH`/`PUT` bound the request's list to 50 records (not the resulting total) and also work on
//!   calendar-synced meetings; only their deletion is refused.
//!
//! Not modelled: scopes and token levels (every known token may do everything), automatic linking of
//! participants' person and company records, webhook event types other than `call-recording.created`,
//! and the other Attio objects beyond the standard object list.

mod api;
mod cursor;
mod envelope;
mod faults;
mod limits;
mod model;
pub mod redis_server;
mod route;
mod server;
mod store;
mod validate;
mod webhooks;

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub use faults::{Fault, FaultInjector, FaultRule};
pub use limits::Limits;
pub use model::Segment;
pub use route::Endpoint;
pub use store::Store;
pub use webhooks::{
    Attempt, CALL_RECORDING_CREATED, WebhookDelivery, WebhookFaults, WebhookSettings, Webhooks,
};

/// The token a server accepts when none is configured.
pub const DEFAULT_TOKEN: &str = "attio-mock-token";

/// Settings of a [`MockServer`]; start it with [`MockServerBuilder::start`].
#[derive(Clone)]
pub struct MockServerBuilder {
    addr: SocketAddr,
    tokens: Vec<String>,
    limits: Limits,
    seed: u64,
    processing_time: Duration,
    transcript_page_size: usize,
    webhooks: Vec<(String, String)>,
    webhook_settings: WebhookSettings,
    log_requests: bool,
}

/// Tokens and webhook secrets stay out of `{:?}`.
impl std::fmt::Debug for MockServerBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let webhook_urls: Vec<&str> = self.webhooks.iter().map(|(url, _)| url.as_str()).collect();
        f.debug_struct("MockServerBuilder")
            .field("addr", &self.addr)
            .field("tokens", &self.tokens.len())
            .field("limits", &self.limits)
            .field("seed", &self.seed)
            .field("processing_time", &self.processing_time)
            .field("transcript_page_size", &self.transcript_page_size)
            .field("webhook_urls", &webhook_urls)
            .field("webhook_settings", &self.webhook_settings)
            .field("log_requests", &self.log_requests)
            .finish()
    }
}

impl Default for MockServerBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tokens: Vec::new(),
            limits: Limits::default(),
            seed: 0x00A7_710F,
            processing_time: Duration::from_secs(1),
            transcript_page_size: 50,
            webhooks: Vec::new(),
            webhook_settings: WebhookSettings::default(),
            log_requests: false,
        }
    }
}

impl MockServerBuilder {
    /// Address to listen on; `127.0.0.1:0` (a free port) by default.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts `token` as a bearer token (repeatable). Without any, [`DEFAULT_TOKEN`] is accepted.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.tokens.push(token.into());
        self
    }

    /// Rate limits per token and second; Attio's by default.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Seed of generated ids, transcripts and random faults.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How long new call recordings stay `processing` (1 s by default).
    pub fn processing_time(mut self, duration: Duration) -> Self {
        self.processing_time = duration;
        self
    }

    /// Segments per transcript page (50 by default).
    pub fn transcript_page_size(mut self, size: usize) -> Self {
        self.transcript_page_size = size.max(1);
        self
    }

    /// Delivers `call-recording.created` to `url` (plain `http://`), signed with `secret` (repeatable).
    /// Targets can also be added while the server runs, with [`Webhooks::register`].
    pub fn webhook(mut self, url: impl Into<String>, secret: impl Into<String>) -> Self {
        self.webhooks.push((url.into(), secret.into()));
        self
    }

    /// Retry schedule of webhook deliveries (first retry after 100 ms, doubling, 10 retries by default).
    pub fn webhook_settings(mut self, settings: WebhookSettings) -> Self {
        self.webhook_settings = settings;
        self
    }

    /// Prints one line per request to stderr: method, path, status and time taken (the standalone
    /// server's `-v`). Off by default.
    pub fn log_requests(mut self, log: bool) -> Self {
        self.log_requests = log;
        self
    }

    /// Binds and starts serving on the current tokio runtime. An address that cannot be bound (a port
    /// already taken, say) is an error that names it.
    pub async fn start(self) -> io::Result<MockServer> {
        let addr = self.addr;
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|e| io::Error::new(e.kind(), format!("cannot listen on {addr}: {e}")))?;
        let addr = listener.local_addr()?;
        let tokens = if self.tokens.is_empty() {
            vec![DEFAULT_TOKEN.to_string()]
        } else {
            self.tokens
        };
        let shared = Arc::new(server::Shared {
            store: Store::new(
                self.seed,
                store::StoreSettings {
                    processing_time: self.processing_time,
                    transcript_page_size: self.transcript_page_size,
                },
            ),
            limiter: limits::RateLimiter::new(self.limits),
            faults: FaultInjector::new(self.seed),
            tokens,
            counts: Default::default(),
            rate_limited: AtomicU64::new(0),
            webhooks: Arc::new(Webhooks::new(self.webhook_settings)),
            log_requests: self.log_requests,
        });
        for (url, secret) in self.webhooks {
            shared.webhooks.register(url, secret);
        }
        let (completed, completions) = tokio::sync::mpsc::unbounded_channel();
        shared.store.announce_completions(completed);
        tokio::spawn(server::announce_webhooks(
            Arc::downgrade(&shared),
            completions,
        ));
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(server::serve(listener, shared.clone(), stopped));
        Ok(MockServer {
            base_url: format!("http://{addr}"),
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running fake. Dropping it stops the server and closes its connections.
#[derive(Debug)]
pub struct MockServer {
    base_url: String,
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl MockServer {
    /// Starts a server with default settings on a free loopback port.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// Settings for a new server.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder::default()
    }

    /// `http://127.0.0.1:<port>`, to use as the client's base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first accepted token.
    pub fn token(&self) -> &str {
        self.shared
            .tokens
            .first()
            .map(String::as_str)
            .unwrap_or(DEFAULT_TOKEN)
    }

    /// The data: seed fixtures, read back what clients did.
    pub fn store(&self) -> &Store {
        &self.shared.store
    }

    /// Fault injection, changeable while the server runs.
    pub fn faults(&self) -> &FaultInjector {
        &self.shared.faults
    }

    /// Webhook targets, settings, faults and the deliveries made so far.
    pub fn webhooks(&self) -> &Webhooks {
        &self.shared.webhooks
    }

    /// Changes the rate limits while the server runs.
    pub fn set_limits(&self, limits: Limits) {
        self.shared.limiter.set(limits);
    }

    /// Requests received for `operation` (including refused and faulted ones).
    pub fn requests(&self, operation: Endpoint) -> u64 {
        self.shared.count(operation).load(Ordering::Relaxed)
    }

    /// Requests received for all operations.
    pub fn total_requests(&self) -> u64 {
        self.shared
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .sum()
    }

    /// Requests answered 429 because they exceeded a rate limit (injected 429s are not counted).
    pub fn rate_limited(&self) -> u64 {
        self.shared.rate_limited.load(Ordering::Relaxed)
    }

    /// Sets every request counter (and [`MockServer::rate_limited`]) back to zero.
    pub fn reset_requests(&self) {
        self.shared.rate_limited.store(0, Ordering::Relaxed);
        self.shared
            .counts
            .iter()
            .for_each(|c: &AtomicU64| c.store(0, Ordering::Relaxed));
    }

    /// Stops accepting, closes every connection and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
