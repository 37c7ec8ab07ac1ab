//! Sending one operation: pacing, the attempt itself, decoding, and the retry loop around them.
//! This is the only place that loops over attempts.

use std::time::{Duration, Instant, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::client::Inner;
use crate::error::{ApiError, DecodeError, Error, Result, Sent};
use crate::pacing::Class;
use crate::retry::{self, RetryPolicy};

/// The 8 operations, with what the transport needs to know about each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    ListMeetings,
    FindOrCreateMeeting,
    GetMeeting,
    ListCallRecordings,
    CreateCallRecording,
    GetCallRecording,
    DeleteCallRecording,
    GetTranscript,
}

impl Op {
    /// The spec's operationId.
    pub fn name(self) -> &'static str {
        match self {
            Op::ListMeetings => "list_meetings",
            Op::FindOrCreateMeeting => "find_or_create_meeting",
            Op::GetMeeting => "get_meeting",
            Op::ListCallRecordings => "list_call_recordings",
            Op::CreateCallRecording => "create_call_recording",
            Op::GetCallRecording => "get_call_recording",
            Op::DeleteCallRecording => "delete_call_recording",
            Op::GetTranscript => "get_transcript",
        }
    }

    pub fn method(self) -> Method {
        match self {
            Op::FindOrCreateMeeting | Op::CreateCallRecording => Method::POST,
            Op::DeleteCallRecording => Method::DELETE,
            _ => Method::GET,
        }
    }

    /// Safe to send twice: reads, deletes, and find-or-create (de-duplicated by `external_ref`).
    pub fn idempotent(self) -> bool {
        self != Op::CreateCallRecording
    }

    pub fn class(self) -> Class {
        match self {
            Op::CreateCallRecording => Class::CreateCallRecording,
            Op::FindOrCreateMeeting | Op::DeleteCallRecording => Class::Write,
            _ => Class::Read,
        }
    }
}

/// One call, ready to be sent as many times as the retry policy allows.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub op: Op,
    /// Path below the base URL, ids already in place.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Bytes>,
    /// Overrides the client's policy for this call.
    pub retry: Option<RetryPolicy>,
    /// A 404 after an attempt that may have been applied means that attempt did the work (a delete whose
    /// answer was lost): the call succeeded.
    pub gone_means_done: bool,
}

impl Call {
    pub fn new(op: Op, path: String) -> Self {
        Self {
            op,
            path,
            query: Vec::new(),
            body: None,
            retry: None,
            gone_means_done: false,
        }
    }

    pub fn json_body(mut self, body: &impl serde::Serialize) -> Result<Self> {
        let bytes = serde_json::to_vec(body).map_err(|e| Error::invalid("body", e.to_string()))?;
        self.body = Some(Bytes::from(bytes));
        Ok(self)
    }
}

impl Inner {
    /// Sends `call` and decodes the success body as `T`.
    pub async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        self.run(call, |op, status, body| decode(op, status, body))
            .await
    }

    /// Sends `call`, expecting no body (204).
    pub async fn send_empty(&self, call: Call) -> Result<()> {
        self.run(call, |_, _, _| Ok(())).await
    }

    async fn run<T>(
        &self,
        call: Call,
        decode: impl Fn(Op, StatusCode, &Bytes) -> Result<T>,
    ) -> Result<T> {
        let policy = call.retry.as_ref().unwrap_or(&self.retry);
        let op = call.op;
        let started = Instant::now();
        let mut schedule = policy.schedule();
        let mut attempt: u32 = 1;
        let mut maybe_applied = false;
        let mut spent = 0;
        loop {
            let span = tracing::debug_span!("attio.request", operation = op.name(), attempt);
            let outcome = async {
                let (status, body) = self.attempt(&call).await?;
                decode(op, status, &body)
            }
            .instrument(span)
            .await;
            let error = match outcome {
                Ok(value) => {
                    self.budget.earn(spent);
                    return Ok(value);
                }
                Err(error) => error,
            };
            if call.gone_means_done && maybe_applied && error.is_not_found() {
                tracing::debug!(
                    operation = op.name(),
                    attempt,
                    "404 after an ambiguous attempt: already done"
                );
                return decode(op, StatusCode::NO_CONTENT, &Bytes::new());
            }
            maybe_applied |= error.may_have_been_applied();
            let not_before = error.retry_after();
            if let (Some(pacer), Some(until)) = (&self.pacer, not_before) {
                pacer.throttled(op.class(), until);
            }
            let Some(cost) = retry::retry_cost(&error, op.idempotent()) else {
                return Err(error);
            };
            let Some(backoff) = schedule.next() else {
                tracing::debug!(
                    operation = op.name(),
                    attempt,
                    "giving up: attempts exhausted"
                );
                return Err(error);
            };
            let mut wait = retry::jitter(backoff);
            if let Some(until) = not_before {
                wait = wait.max(until.duration_since(SystemTime::now()).unwrap_or_default());
            }
            if started.elapsed() + wait > policy.elapsed_limit() {
                tracing::debug!(
                    operation = op.name(),
                    attempt,
                    wait_ms = millis(wait),
                    "giving up: time limit"
                );
                return Err(error);
            }
            if !self.budget.try_spend(cost) {
                tracing::warn!(
                    operation = op.name(),
                    attempt,
                    "giving up: retry budget exhausted"
                );
                return Err(error);
            }
            spent += cost;
            tracing::info!(
                operation = op.name(),
                attempt,
                status = error.status().map(|s| s.as_u16()),
                error = %error,
                wait_ms = millis(wait),
                "retrying"
            );
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    /// One attempt: wait for the pacer, send, read the body (bounded), turn error statuses into
    /// [`Error::Api`].
    async fn attempt(&self, call: &Call) -> Result<(StatusCode, Bytes)> {
        if let Some(pacer) = &self.pacer {
            pacer.ready(call.op.class()).await;
        }
        let url = format!("{}{}", self.base_url, call.path);
        let mut request = self
            .http
            .request(call.op.method(), url)
            .timeout(self.timeout)
            .header(header::AUTHORIZATION, self.auth.clone())
            .header(header::USER_AGENT, crate::client::USER_AGENT)
            .header(header::ACCEPT, "application/json");
        if !call.query.is_empty() {
            request = request.query(&call.query);
        }
        if let Some(body) = &call.body {
            request = request
                .header(header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let started = Instant::now();
        let response = request.send().await.map_err(|e| self.transport_error(e))?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = self.read_body(call.op, response).await?;
        tracing::debug!(
            status = status.as_u16(),
            elapsed_ms = millis(started.elapsed()),
            "answered"
        );
        if status.is_success() {
            return Ok((status, body));
        }
        Err(api_error(status, headers, body))
    }

    /// Reads the body, refusing more than the client's limit. A declared `Content-Length` over the limit
    /// is refused before reading; otherwise memory never exceeds the body itself (plus one chunk).
    async fn read_body(&self, op: Op, mut response: reqwest::Response) -> Result<Bytes> {
        let status = response.status();
        let too_large = |start: &[u8]| {
            Error::Decode(Box::new(DecodeError {
                status,
                operation: op.name(),
                path: ".".into(),
                message: format!(
                    "the body is larger than the limit of {} bytes",
                    self.max_body
                ),
                excerpt: excerpt(start),
            }))
        };
        let declared = response
            .content_length()
            .and_then(|n| usize::try_from(n).ok());
        if declared.is_some_and(|n| n > self.max_body) {
            // One chunk, for the excerpt: enough to tell an HTML error page from JSON.
            let first = response.chunk().await.ok().flatten().unwrap_or_default();
            return Err(too_large(&first));
        }
        // Chunks are kept as they arrive and joined once: a growing buffer would double its capacity
        // (and briefly hold the old one) on its way to the limit.
        let mut chunks: Vec<Bytes> = Vec::new();
        let mut length = 0;
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| self.transport_error(e))?
        {
            length += chunk.len();
            if length > self.max_body {
                let start = chunks.first().unwrap_or(&chunk);
                return Err(too_large(start));
            }
            chunks.push(chunk);
        }
        Ok(match chunks.len() {
            0 => Bytes::new(),
            1 => chunks.swap_remove(0),
            _ => {
                let mut body = BytesMut::with_capacity(length);
                chunks
                    .iter()
                    .for_each(|chunk| body.extend_from_slice(chunk));
                body.freeze()
            }
        })
    }

    fn transport_error(&self, error: reqwest::Error) -> Error {
        // A failed connect provably sent nothing; anything later may have reached Attio.
        let sent = if error.is_connect() {
            Sent::No
        } else {
            Sent::Maybe
        };
        if error.is_timeout() {
            Error::Timeout {
                after: self.timeout,
                sent,
            }
        } else {
            Error::Transport {
                source: error.without_url(),
                sent,
            }
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Decodes a success body. Bodies are decoded with plain serde_json; only a failure is decoded again
/// with path tracking, to name the JSON path of the problem (tracking costs time on every body).
fn decode<T: DeserializeOwned>(op: Op, status: StatusCode, body: &Bytes) -> Result<T> {
    let plain = serde_json::from_slice(body);
    plain.map_err(|plain_error| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        let (path, message) = match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(e) => (e.path().to_string(), e.inner().to_string()),
            // Only trailing input is left to fail, which the path tracking does not check.
            Ok(_) => (".".to_string(), plain_error.to_string()),
        };
        Error::Decode(Box::new(DecodeError {
            status,
            operation: op.name(),
            path,
            message,
            excerpt: excerpt(body),
        }))
    })
}

/// The start of a body as text, for error messages.
fn excerpt(body: &[u8]) -> String {
    let cut = &body[..body.len().min(DecodeError::EXCERPT)];
    String::from_utf8_lossy(cut).into_owned()
}

/// Attio's envelope, read leniently: any field may be missing, and the status key has two spellings.
#[derive(serde::Deserialize)]
struct Envelope {
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    code: Option<String>,
    #[serde(default)]
    message: Option<String>,
}

fn api_error(status: StatusCode, headers: HeaderMap, body: Bytes) -> Error {
    let envelope = serde_json::from_slice::<Envelope>(&body).ok();
    let (kind, code, message) = match envelope {
        Some(e) => (
            e.kind.unwrap_or_default(),
            e.code.unwrap_or_default(),
            e.message
                .unwrap_or_else(|| status.canonical_reason().unwrap_or("error").to_string()),
        ),
        None => {
            let text = excerpt(&body);
            let message = if text.trim().is_empty() {
                status.canonical_reason().unwrap_or("error").to_string()
            } else {
                format!("non-JSON answer: {}", text.trim())
            };
            (String::new(), String::new(), message)
        }
    };
    Error::Api(Box::new(ApiError {
        status,
        kind,
        code,
        message,
        retry_after: retry::retry_after(&headers, SystemTime::now()),
        headers,
        body,
    }))
}
