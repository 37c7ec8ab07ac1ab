//! The one error type of the client.

use std::fmt;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

/// Whether a failed request may have reached Attio.
///
/// A write that failed with [`Sent::Maybe`] may have been applied: re-sending a non-idempotent one (create
/// call recording) could apply it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sent {
    /// The request provably never left (e.g. the connection could not be established).
    No,
    /// The request may have been received and processed.
    Maybe,
}

/// Everything that can go wrong calling Attio.
///
/// `Display` is a sentence with the cause (Attio's message, the network failure); the helpers answer the
/// questions callers ask, and the variants carry the details.
///
/// ```no_run
/// use attio_meetings::Error;
///
/// # async fn demo(client: attio_meetings::Client, id: uuid::Uuid) {
/// match client.meetings().get(id).await {
///     Ok(meeting) => println!("{}", meeting.title),
///     Err(e) if e.is_not_found() => println!("no meeting {id}"),
///     Err(e) if e.is_rate_limited() => println!("slow down until {:?}", e.retry_after()),
///     Err(Error::Api(api)) => println!("Attio said {} ({}/{}): {}", api.status, api.type_, api.code, api.message),
///     Err(e) if e.may_have_been_applied() => println!("unsure whether it happened: {e}"),
///     Err(e) => println!("failed: {e}"),
/// }
/// # }
/// ```
/// `Debug` is the `Display` sentence plus the facts that help (status, `type`, `code`, Attio's request
/// id), so `fn main() -> Result<(), attio_meetings::Error>` prints something readable; the variants
/// carry the rest (headers, raw body).
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Attio answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The request did not complete: connection refused or reset, TLS failure, body cut off.
    #[error("request to Attio failed: {}{}", with_causes(source), maybe_applied(*sent))]
    Transport {
        /// The underlying error.
        #[source]
        source: reqwest::Error,
        /// Whether the request may have been processed.
        sent: Sent,
    },
    /// No complete answer within the timeout.
    #[error("request to Attio timed out after {after:?}{}", maybe_applied(*sent))]
    Timeout {
        /// The timeout that fired.
        after: Duration,
        /// Whether the request may have been processed.
        sent: Sent,
    },
    /// Attio answered, but the body is not what the API promises.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// Attio's answers broke the API's contract in a way no retry fixes: a paginated list handed out a
    /// cursor it had already handed out, or answered no page at all.
    #[error("Attio's answers to {operation} are inconsistent: {message}")]
    Protocol {
        /// The operation that answered.
        operation: &'static str,
        /// What was wrong.
        message: String,
    },
    /// A call recording was still `processing` when
    /// [`wait_until_processed`](crate::CallRecordings::wait_until_processed) gave up.
    #[error("the call recording was still processing after {waited:?}")]
    StillProcessing {
        /// How long it was polled.
        waited: Duration,
    },
    /// The store of claims shared between processes (see [`KeyClaims`](crate::KeyClaims)) failed, the
    /// claim was lost before the create, or another process held it for too long: the meeting was not
    /// created (another process may be creating it).
    #[error("claiming {key} failed: {message}; nothing was created")]
    Claim {
        /// The key that was being claimed.
        key: String,
        /// What went wrong (without credentials).
        message: String,
    },
    /// The input was refused before anything was sent.
    ///
    /// A builder converted with several fields missing or refused reports them all at once: `field` is
    /// their common parent (e.g. `data`) and `reason` names each by its path (`data.start: is required;
    /// data.end: is required`).
    #[error("invalid {field}: {reason}")]
    InvalidInput {
        /// The offending field by its JSON path, e.g. `limit`, `data.end` or
        /// `data.participants[0].email_address`.
        field: String,
        /// What is wrong with it.
        reason: String,
    },
}

/// reqwest's own message is generic ("error sending request"); the useful part ("connection closed
/// before message completed") is further down the chain, so the message carries the whole chain.
fn with_causes(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

fn maybe_applied(sent: Sent) -> &'static str {
    match sent {
        Sent::No => " (the request was not sent)",
        Sent::Maybe => " (the request may have been applied)",
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        match self {
            Error::Api(api) => write!(f, " [{}]", api.facts()),
            Error::InvalidInput { field, .. } => write!(f, " [field {field}, nothing sent]"),
            _ => Ok(()),
        }
    }
}

/// An error answer of Attio: the status, Attio's envelope, and the raw response.
#[derive(Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// The envelope's `type` (e.g. `invalid_request_error`, `rate_limit_error`); empty when the body was
    /// not Attio's envelope (say, an HTML page from a proxy). Named as in [`types::AttioError`], like
    /// `code` and `message`; `status` is the HTTP status, which the envelope repeats as `status_code`.
    ///
    /// [`types::AttioError`]: crate::types::AttioError
    pub type_: String,
    /// The envelope's `code` (e.g. `validation_type`, `not_found`, `rate_limit_exceeded`); may be empty.
    pub code: String,
    /// The envelope's message, or an excerpt of a body that was not an envelope.
    pub message: String,
    /// When Attio allows the next attempt (from `Retry-After`, either form).
    pub retry_after: Option<SystemTime>,
    /// The response headers.
    pub headers: HeaderMap,
    /// The raw response body (bounded by the client's body limit).
    pub body: Bytes,
}

/// Headers that carry the id of a request at Attio (or a proxy in front of it), to quote to support.
const REQUEST_ID_HEADERS: [&str; 2] = ["x-request-id", "request-id"];

impl ApiError {
    /// The id Attio (or a proxy) gave the request, if the answer carries one (`X-Request-Id`).
    pub fn request_id(&self) -> Option<&str> {
        REQUEST_ID_HEADERS
            .iter()
            .find_map(|name| self.headers.get(*name)?.to_str().ok())
    }

    /// The OAuth scope a 403 says is missing (e.g. `meeting:read-write`), when its message names one.
    pub fn missing_scope(&self) -> Option<&str> {
        if self.status != StatusCode::FORBIDDEN {
            return None;
        }
        self.message
            .split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | ':' | '-')))
            .find(|word| {
                word.split_once(':').is_some_and(|(object, access)| {
                    !object.is_empty() && matches!(access, "read" | "read-write")
                })
            })
    }

    /// `status 404, not_found (invalid_request_error), request id ...`: what `Debug` adds to `Display`.
    fn facts(&self) -> String {
        let mut facts = format!("status {}", self.status.as_u16());
        if !self.code.is_empty() || !self.type_.is_empty() {
            facts.push_str(&format!(", {} ({})", self.code, self.type_));
        }
        if let Some(scope) = self.missing_scope() {
            facts.push_str(&format!(", missing scope {scope}"));
        }
        if let Some(id) = self.request_id() {
            facts.push_str(&format!(", request id {id}"));
        }
        if let Some(at) = self.retry_after {
            facts.push_str(&format!(", retry after {}", httpdate::fmt_http_date(at)));
        }
        facts
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The body is shown as text and the headers by name only: no byte dump, and nothing that a
        // proxy's header could make long.
        f.debug_struct("ApiError")
            .field("status", &self.status.as_u16())
            .field("type", &self.type_)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("request_id", &self.request_id())
            .field(
                "retry_after",
                &self.retry_after.map(httpdate::fmt_http_date),
            )
            .field(
                "headers",
                &self.headers.keys().map(|k| k.as_str()).collect::<Vec<_>>(),
            )
            .field("body", &excerpt(&self.body))
            .finish()
    }
}

/// The start of a body as text, for `Debug`.
fn excerpt(body: &[u8]) -> String {
    let end = body.len().min(DecodeError::EXCERPT);
    let mut text = String::from_utf8_lossy(&body[..end]).into_owned();
    if body.len() > end {
        text.push_str(&format!("... ({} bytes)", body.len()));
    }
    text
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attio answered {}: {}", self.status, self.message)?;
        if !self.code.is_empty() {
            write!(f, " ({}/{})", self.type_, self.code)?;
        }
        Ok(())
    }
}

/// A response body that could not be decoded.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// HTTP status of the response.
    pub status: StatusCode,
    /// Which operation answered it.
    pub operation: &'static str,
    /// JSON path of the failure (e.g. `data[3].start.datetime`); `.` for the whole body.
    pub path: String,
    /// What serde or the reader reported.
    pub message: String,
    /// The start of the body, at most [`DecodeError::EXCERPT`] bytes, lossily as text.
    pub excerpt: String,
}

impl DecodeError {
    /// Bytes of the body kept in [`DecodeError::excerpt`].
    pub const EXCERPT: usize = 512;
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot decode the {} answer of {} at `{}`: {} (body starts {:?})",
            self.status, self.operation, self.path, self.message, self.excerpt
        )
    }
}

impl Error {
    /// The API error, when Attio answered with an error status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// The HTTP status Attio answered with, if it answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::Decode(decode) => Some(decode.status),
            _ => None,
        }
    }

    /// 401: the token is missing, wrong or revoked.
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(StatusCode::UNAUTHORIZED)
    }

    /// 403: the token may not do this. Most often a scope the token lacks (`meeting:read-write` to create
    /// or delete meetings, `call_recording:read-write` to upload recordings): see
    /// [`ApiError::missing_scope`]; billing and quota refusals are 403s too.
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, id: uuid::Uuid) {
    /// if let Err(e) = client.meetings().delete(id).await {
    ///     if e.is_forbidden() {
    ///         let scope = e.api().and_then(|api| api.missing_scope()).unwrap_or("a scope");
    ///         eprintln!("give the token {scope} in Attio's developer settings");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(StatusCode::FORBIDDEN)
    }

    /// 404: the meeting, recording or transcript does not exist.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// 429: over Attio's rate limit; see [`Error::retry_after`].
    pub fn is_rate_limited(&self) -> bool {
        self.status() == Some(StatusCode::TOO_MANY_REQUESTS)
    }

    /// The request was refused as invalid, by Attio (400) or before sending ([`Error::InvalidInput`]).
    pub fn is_validation(&self) -> bool {
        matches!(self, Error::InvalidInput { .. }) || self.status() == Some(StatusCode::BAD_REQUEST)
    }

    /// Whether trying the same request again later may succeed (rate limits, server errors other than 501
    /// and 505, network failures, timeouts): the rule the client's own retries follow. It says nothing about whether a retry is *safe*: see [`Error::may_have_been_applied`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => {
                api.status == StatusCode::TOO_MANY_REQUESTS || crate::retry::transient(api.status)
            }
            Error::Transport { .. } | Error::Timeout { .. } => true,
            // Waiting longer may find the recording processed; the claim store may come back.
            Error::StillProcessing { .. } | Error::Claim { .. } => true,
            // The same body would come back: a client/server mismatch, not a transient failure.
            Error::Decode(_) | Error::Protocol { .. } | Error::InvalidInput { .. } => false,
        }
    }

    /// Whether the failed request may have been processed by Attio (so a non-idempotent write may have
    /// been applied). False for refusals Attio answered with 4xx, for input refused before sending and for
    /// connection failures before anything was sent.
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::Api(api) => api.status.is_server_error(),
            Error::Transport { sent, .. } | Error::Timeout { sent, .. } => *sent == Sent::Maybe,
            Error::Decode(decode) => decode.status.is_success(),
            Error::StillProcessing { .. }
            | Error::Protocol { .. }
            | Error::InvalidInput { .. }
            | Error::Claim { .. } => false,
        }
    }

    /// When Attio allows the next attempt, for 429s (and any answer carrying `Retry-After`).
    pub fn retry_after(&self) -> Option<SystemTime> {
        self.api().and_then(|api| api.retry_after)
    }

    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            reason: reason.into(),
        }
    }
}

/// Result of a client call.
pub type Result<T, E = Error> = std::result::Result<T, E>;
