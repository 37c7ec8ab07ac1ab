//! Webhook deliveries, as Attio sends them: when a call recording reaches `completed`, every registered
//! target gets a signed `call-recording.created` POST, retried with exponential back-off until it answers
//! `200` or `202`.
//!
//! Attio's rules, scaled down: the body is `{webhook_id, events: [event]}`; `Attio-Signature` and
//! `X-Attio-Signature` carry the hex HMAC-SHA256 of the raw body keyed with the target's secret; the
//! `Idempotency-Key` is one per message and the same on every retry (and on a duplicated delivery).
//! Attio retries 10 times over about three days; the fake by default 10 times starting at 100 ms.
//!
//! Attio sends the event once a recording is done and its media uploaded; for a recording made from a
//! transcript alone (no media) it does not say. The fake guesses that such a recording is announced too,
//! when it completes. Recordings deleted before they complete (directly, or with their meeting) are not.

use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use http_body_util::Full;
use hyper::{Request, Uri, header};
use hyper_util::rt::TokioIo;
use serde_json::json;
use sha2::Sha256;
use tokio::net::TcpStream;
use tokio::sync::Notify;
use uuid::Uuid;

use crate::limits::lock;

/// The event type the fake sends.
pub const CALL_RECORDING_CREATED: &str = "call-recording.created";

/// Retry schedule of deliveries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WebhookSettings {
    /// Wait before the first retry; doubled for each further one.
    pub initial_backoff: Duration,
    /// Longest wait between two attempts.
    pub max_backoff: Duration,
    /// Retries after the first attempt (Attio: 10).
    pub max_retries: u32,
    /// How long one attempt may take, connection included.
    pub timeout: Duration,
}

impl Default for WebhookSettings {
    fn default() -> Self {
        Self {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
            max_retries: 10,
            timeout: Duration::from_secs(10),
        }
    }
}

impl WebhookSettings {
    /// The wait after failed attempt number `attempt` (1-based).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// Faults of the sending side, changeable while the server runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookFaults {
    /// Sends every message twice (two deliveries, the same body and `Idempotency-Key`), as Attio may.
    pub duplicate: bool,
    /// Signs with another secret, so a verifying receiver must refuse the delivery.
    pub wrong_signature: bool,
}

/// One attempt at delivering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attempt {
    /// The receiver's status, if it answered.
    pub status: Option<u16>,
    /// Why there is no status (connection refused, timeout, ...).
    pub error: Option<String>,
}

/// One delivery of one message to one target, with its attempts so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookDelivery {
    /// The target's webhook id (also in the body).
    pub webhook_id: Uuid,
    /// The target's URL.
    pub url: String,
    /// The `Idempotency-Key` header, the same on every attempt.
    pub idempotency_key: String,
    /// The body sent, byte for byte.
    pub body: Bytes,
    /// The `Attio-Signature` sent.
    pub signature: String,
    /// The meeting and the recording the event is about.
    pub meeting_id: Uuid,
    /// See `meeting_id`.
    pub call_recording_id: Uuid,
    /// Attempts so far, in order.
    pub attempts: Vec<Attempt>,
    /// Whether an attempt was answered `200` or `202`.
    pub delivered: bool,
    /// Whether the fake stopped trying (delivered, or out of retries).
    pub finished: bool,
}

/// A registered target.
#[derive(Clone)]
struct Target {
    webhook_id: Uuid,
    url: String,
    secret: String,
}

/// The secret stays out of `{:?}` (of the target, and so of `Webhooks` and `MockServer`).
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Target")
            .field("webhook_id", &self.webhook_id)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

/// What [`Webhooks`] needs to know about a recording that completes.
#[derive(Debug, Clone)]
pub(crate) struct Completion {
    pub workspace_id: Uuid,
    pub meeting_id: Uuid,
    pub call_recording_id: Uuid,
    pub actor: serde_json::Value,
    pub at: DateTime<Utc>,
}

/// The webhook side of a [`MockServer`](crate::MockServer): targets, settings, faults and every delivery.
#[derive(Debug, Default)]
pub struct Webhooks {
    targets: Mutex<Vec<Target>>,
    settings: Mutex<WebhookSettings>,
    faults: Mutex<WebhookFaults>,
    deliveries: Mutex<Vec<WebhookDelivery>>,
    changed: Notify,
}

impl Webhooks {
    pub(crate) fn new(settings: WebhookSettings) -> Self {
        Self {
            settings: Mutex::new(settings),
            ..Self::default()
        }
    }

    /// Registers a target: recordings completing from now on are delivered to `url` (plain `http://`),
    /// signed with `secret`. Returns the webhook id the deliveries carry.
    pub fn register(&self, url: impl Into<String>, secret: impl Into<String>) -> Uuid {
        let webhook_id = Uuid::new_v4();
        lock(&self.targets).push(Target {
            webhook_id,
            url: url.into(),
            secret: secret.into(),
        });
        webhook_id
    }

    /// Removes every target (deliveries under way go on).
    pub fn clear_targets(&self) {
        lock(&self.targets).clear();
    }

    /// Changes the retry schedule of deliveries that start from now on.
    pub fn set_settings(&self, settings: WebhookSettings) {
        *lock(&self.settings) = settings;
    }

    /// The retry schedule.
    pub fn settings(&self) -> WebhookSettings {
        *lock(&self.settings)
    }

    /// Changes the faults of messages sent from now on.
    pub fn set_faults(&self, faults: WebhookFaults) {
        *lock(&self.faults) = faults;
    }

    /// Every delivery so far, in the order they started.
    pub fn deliveries(&self) -> Vec<WebhookDelivery> {
        lock(&self.deliveries).clone()
    }

    /// Waits until `done` holds for the deliveries (checked at each change), or `timeout` passes; returns
    /// the deliveries then either way.
    pub async fn wait_until(
        &self,
        timeout: Duration,
        mut done: impl FnMut(&[WebhookDelivery]) -> bool,
    ) -> Vec<WebhookDelivery> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            let deliveries = self.deliveries();
            if done(&deliveries) {
                return deliveries;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return self.deliveries();
            }
        }
    }

    /// Sends `completion` to every target once it is due, unless `still_completed` says the recording is
    /// gone by then.
    pub(crate) async fn deliver(
        self: std::sync::Arc<Self>,
        completion: Completion,
        still_completed: impl FnOnce() -> bool,
    ) {
        let wait = (completion.at - Utc::now()).to_std().unwrap_or_default();
        tokio::time::sleep(wait).await;
        if !still_completed() {
            return;
        }
        let targets = lock(&self.targets).clone();
        let faults = *lock(&self.faults);
        let settings = *lock(&self.settings);
        for target in targets {
            let body = json!({
                "webhook_id": target.webhook_id,
                "events": [{
                    "event_type": CALL_RECORDING_CREATED,
                    "id": {
                        "workspace_id": completion.workspace_id,
                        "meeting_id": completion.meeting_id,
                        "call_recording_id": completion.call_recording_id,
                    },
                    "actor": completion.actor,
                }],
            });
            let body = Bytes::from(body.to_string());
            let key = if faults.wrong_signature {
                format!("{}-not-the-secret", target.secret)
            } else {
                target.secret.clone()
            };
            let signature = sign(key.as_bytes(), &body);
            let idempotency_key = Uuid::new_v4().to_string();
            let copies = if faults.duplicate { 2 } else { 1 };
            for _ in 0..copies {
                let index = {
                    let mut deliveries = lock(&self.deliveries);
                    deliveries.push(WebhookDelivery {
                        webhook_id: target.webhook_id,
                        url: target.url.clone(),
                        idempotency_key: idempotency_key.clone(),
                        body: body.clone(),
                        signature: signature.clone(),
                        meeting_id: completion.meeting_id,
                        call_recording_id: completion.call_recording_id,
                        attempts: Vec::new(),
                        delivered: false,
                        finished: false,
                    });
                    deliveries.len() - 1
                };
                self.changed.notify_waiters();
                tokio::spawn(self.clone().attempts(index, settings));
            }
        }
    }

    /// Attempts delivery `index` until it is answered 200/202 or out of retries.
    async fn attempts(self: std::sync::Arc<Self>, index: usize, settings: WebhookSettings) {
        let Some(delivery) = lock(&self.deliveries).get(index).cloned() else {
            return;
        };
        for attempt in 1..=settings.max_retries.saturating_add(1) {
            let outcome = tokio::time::timeout(settings.timeout, post(&delivery)).await;
            let attempt_record = match outcome {
                Ok(Ok(status)) => Attempt {
                    status: Some(status),
                    error: None,
                },
                Ok(Err(error)) => Attempt {
                    status: None,
                    error: Some(error),
                },
                Err(_) => Attempt {
                    status: None,
                    error: Some(format!("no answer within {:?}", settings.timeout)),
                },
            };
            let delivered = matches!(attempt_record.status, Some(200 | 202));
            let last = delivered || attempt > settings.max_retries;
            if let Some(record) = lock(&self.deliveries).get_mut(index) {
                record.attempts.push(attempt_record);
                record.delivered = delivered;
                record.finished = last;
            }
            self.changed.notify_waiters();
            if last {
                return;
            }
            tokio::time::sleep(settings.backoff(attempt)).await;
        }
    }
}

/// Lower-case hex HMAC-SHA256 of `body`.
pub(crate) fn sign(key: &[u8], body: &[u8]) -> String {
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(key) else {
        return String::new();
    };
    mac.update(body);
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One POST of the delivery; the receiver's status.
async fn post(delivery: &WebhookDelivery) -> Result<u16, String> {
    let uri: Uri = delivery
        .url
        .parse()
        .map_err(|e| format!("bad target URL: {e}"))?;
    if uri.scheme_str() != Some("http") {
        return Err("the fake delivers to http:// URLs only".into());
    }
    let host = uri.host().ok_or("the target URL has no host")?;
    let port = uri.port_u16().unwrap_or(80);
    let stream = TcpStream::connect((host.trim_matches(['[', ']']), port))
        .await
        .map_err(|e| format!("cannot connect: {e}"))?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(connection);
    let authority = uri
        .authority()
        .map(|a| a.as_str().to_string())
        .unwrap_or_default();
    let path = uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let request = Request::post(path)
        .header(header::HOST, authority)
        .header(header::CONTENT_TYPE, "application/json")
        .header(header::USER_AGENT, "attio-meetings-mock (webhooks)")
        .header("attio-signature", &delivery.signature)
        .header("x-attio-signature", &delivery.signature)
        .header("idempotency-key", &delivery.idempotency_key)
        .body(Full::new(delivery.body.clone()))
        .map_err(|e| format!("cannot build the request: {e}"))?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|e| format!("no answer: {e}"))?;
    Ok(response.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let settings = WebhookSettings {
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(50),
            ..WebhookSettings::default()
        };
        let waits: Vec<u64> = (1..=5)
            .map(|n| settings.backoff(n).as_millis() as u64)
            .collect();
        assert_eq!(waits, [10, 20, 40, 50, 50]);
        assert_eq!(settings.backoff(u32::MAX), Duration::from_millis(50));
    }
}
