//! Receiving Attio's webhooks: verify a delivery's signature, then read its events.
//!
//! Framework-agnostic: [`verify`] takes the headers and the raw body of the request, exactly as received.
//! With the `axum` feature, `webhooks::axum::VerifiedDelivery` does it as an extractor.
//!
//! Attio's rules, which [`verify`] follows: the header `Attio-Signature` (duplicated as
//! `X-Attio-Signature` for older middleware) holds the hex HMAC-SHA256 of the raw body, keyed with the
//! webhook's secret. Nothing else is signed: there is no timestamp and so no replay window; de-duplicate by
//! [`Delivery::idempotency_key`], which stays the same across Attio's retries of one message. Answer `200`
//! or `202` once a delivery is handled; Attio retries anything else with back-off for about three days.
//!
//! ```
//! use attio_meetings::webhooks::{self, WebhookEvent, WebhookSecret};
//!
//! let secret = WebhookSecret::new("whsec-from-attio");
//! let body = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":
//!   "call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c",
//!   "meeting_id":"cb59ab17-ad15-460c-a126-0715617c0853","call_recording_id":
//!   "5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"},"actor":{"type":"system","id":null}}]}"#;
//! let mut headers = http::HeaderMap::new();
//! headers.insert("attio-signature", secret.sign(body).parse().unwrap());
//! headers.insert("idempotency-key", "0d6b1d2e-9a5c-4a51-8f43-6a2b0fbc7d11".parse().unwrap());
//!
//! let delivery = webhooks::verify(&secret, &headers, body)?;
//! assert_eq!(delivery.idempotency_key.as_deref(), Some("0d6b1d2e-9a5c-4a51-8f43-6a2b0fbc7d11"));
//! match &delivery.events[0] {
//!     WebhookEvent::CallRecordingCreated { meeting_id, call_recording_id, .. } => {
//!         println!("recording {call_recording_id} of meeting {meeting_id} is ready");
//!     }
//!     other => println!("not handled: {}", other.event_type()),
//! }
//!
//! // One altered byte, and the delivery is refused.
//! let mut forged = body.to_vec();
//! forged[20] ^= 1;
//! assert!(webhooks::verify(&secret, &headers, &forged).unwrap_err().is_signature_error());
//! # Ok::<(), webhooks::WebhookError>(())
//! ```

#[cfg(feature = "axum")]
pub mod axum;

use std::fmt;

use hmac::{Hmac, Mac};
use http::HeaderMap;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};
use sha2::Sha256;
use uuid::Uuid;

use crate::types::{Actor, CallRecordingCreatedEvent, WebhookPayload};
use crate::{Client, GetCallRecording, TranscriptDownload};

/// The signature header.
pub const SIGNATURE_HEADER: &str = "attio-signature";
/// The same signature, under the name older middleware expects.
pub const LEGACY_SIGNATURE_HEADER: &str = "x-attio-signature";
/// The header identifying a message across retries and redeliveries.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// The event type sent when a call recording has finished processing.
pub const CALL_RECORDING_CREATED: &str = "call-recording.created";

type HmacSha256 = Hmac<Sha256>;

/// A webhook's signing secret, shown in Attio's developer settings and returned once by the
/// create-webhook call.
///
/// `Debug` and `Display` print `WebhookSecret(***)`; no error of this module mentions it.
///
/// ```
/// let secret = attio_meetings::webhooks::WebhookSecret::new("whsec-123".to_string());
/// assert_eq!(format!("{secret:?} {secret}"), "WebhookSecret(***) WebhookSecret(***)");
/// ```
#[derive(Clone)]
pub struct WebhookSecret(SecretString);

impl WebhookSecret {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(SecretString::from(secret.into()))
    }

    /// The signature Attio puts on `body`: lower-case hex of HMAC-SHA256 keyed with this secret. For
    /// testing a receiver; [`verify`] compares in constant time instead of comparing strings.
    ///
    /// ```
    /// let secret = attio_meetings::webhooks::WebhookSecret::new("s");
    /// assert_eq!(secret.sign(b"{}").len(), 64);
    /// ```
    pub fn sign(&self, body: &[u8]) -> String {
        let Some(mac) = self.mac(body) else {
            return String::new();
        };
        let digest = mac.finalize().into_bytes();
        let mut hex = String::with_capacity(digest.len() * 2);
        for byte in digest {
            hex.push(char::from(HEX_DIGITS[usize::from(byte >> 4)]));
            hex.push(char::from(HEX_DIGITS[usize::from(byte & 0x0f)]));
        }
        hex
    }

    /// The HMAC of `body` under this secret. HMAC takes keys of any length, so `None` cannot happen; if
    /// it ever did, nothing would verify (no fallback key).
    fn mac(&self, body: &[u8]) -> Option<HmacSha256> {
        let mut mac = HmacSha256::new_from_slice(self.0.expose_secret().as_bytes()).ok()?;
        mac.update(body);
        Some(mac)
    }
}

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

impl From<String> for WebhookSecret {
    fn from(secret: String) -> Self {
        Self::new(secret)
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

impl fmt::Display for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(***)")
    }
}

/// Why a delivery was refused. Answer the first three with `401` (see
/// [`is_signature_error`](Self::is_signature_error)): the request did not come from Attio, or not with
/// this secret.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// Neither `Attio-Signature` nor `X-Attio-Signature` is present.
    #[error("the delivery has no Attio-Signature (or X-Attio-Signature) header")]
    MissingSignature,
    /// The signature header is not 64 hexadecimal digits.
    #[error("the {header} header is not a hex HMAC-SHA256 (64 hexadecimal digits)")]
    MalformedSignature {
        /// The header that was read.
        header: &'static str,
    },
    /// The signature does not match the body: another secret signed it, or the body was altered.
    #[error("the signature does not match the body (signed with another secret, or altered)")]
    SignatureMismatch,
    /// The signature is right, but the body is not a webhook payload (not JSON, or fields missing or of
    /// the wrong type, including in an event of a known type).
    #[error("the delivery's body is not a webhook payload: at `{path}`: {message}")]
    InvalidPayload {
        /// Where in the body, as `events[0].id.meeting_id` (`.` for the whole body).
        path: String,
        /// What was wrong.
        message: String,
    },
}

impl WebhookError {
    /// Whether the signature is missing, malformed or wrong (as opposed to a signed but invalid body).
    pub fn is_signature_error(&self) -> bool {
        !matches!(self, Self::InvalidPayload { .. })
    }
}

/// One verified delivery: a POST from Attio to the webhook's URL.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// The webhook (subscription) that sent it.
    pub webhook_id: Uuid,
    /// The `Idempotency-Key` header: one value per message, the same on every retry of it. De-duplicate
    /// by it. `None` if absent (Attio always sends it; it is not covered by the signature, so its absence
    /// does not refuse the delivery).
    pub idempotency_key: Option<String>,
    /// The events, in order (Attio sends one per delivery today but documents a list).
    pub events: Vec<WebhookEvent>,
}

/// One event of a delivery.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WebhookEvent {
    /// `call-recording.created`: a call recording has finished processing and its media is uploaded, so
    /// its transcript can be fetched ([`transcript`](Self::transcript)).
    CallRecordingCreated {
        /// The workspace.
        workspace_id: Uuid,
        /// The meeting the recording belongs to.
        meeting_id: Uuid,
        /// The recording.
        call_recording_id: Uuid,
        /// Who created the recording.
        actor: Actor,
    },
    /// Any other event type: a webhook may subscribe to more of Attio's 27 event types than this crate
    /// models. The event is kept as received.
    Unknown {
        /// Its `event_type`, e.g. `note.created`.
        event_type: String,
        /// The whole event object.
        raw: Value,
    },
}

impl WebhookEvent {
    /// The `event_type` as Attio spells it.
    pub fn event_type(&self) -> &str {
        match self {
            Self::CallRecordingCreated { .. } => CALL_RECORDING_CREATED,
            Self::Unknown { event_type, .. } => event_type,
        }
    }

    /// For `call-recording.created`: the request for the recording,
    /// `client.call_recordings(meeting_id).get(call_recording_id)`.
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, event: attio_meetings::webhooks::WebhookEvent)
    /// # -> Result<(), attio_meetings::Error> {
    /// if let Some(request) = event.call_recording(&client) {
    ///     let recording = request.await?;
    ///     println!("{}", recording.web_url);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn call_recording(&self, client: &Client) -> Option<GetCallRecording> {
        match self {
            Self::CallRecordingCreated {
                meeting_id,
                call_recording_id,
                ..
            } => Some(client.call_recordings(*meeting_id).get(*call_recording_id)),
            Self::Unknown { .. } => None,
        }
    }

    /// For `call-recording.created`: the transcript's download,
    /// `client.transcript(meeting_id, call_recording_id)`.
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, event: attio_meetings::webhooks::WebhookEvent)
    /// # -> Result<(), attio_meetings::Error> {
    /// if let Some(download) = event.transcript(&client) {
    ///     for segment in download.await?.transcript {
    ///         println!("{}: {}", segment.speaker.name, segment.speech);
    ///     }
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn transcript(&self, client: &Client) -> Option<TranscriptDownload> {
        match self {
            Self::CallRecordingCreated {
                meeting_id,
                call_recording_id,
                ..
            } => Some(client.transcript(*meeting_id, *call_recording_id)),
            Self::Unknown { .. } => None,
        }
    }
}

/// Verifies a delivery and reads it: `headers` and `body` exactly as received (the body's raw bytes,
/// before any JSON parsing or re-encoding).
///
/// The signature is taken from `Attio-Signature`, or from `X-Attio-Signature` when the first is absent,
/// decoded from hex (either case) and compared in constant time with the HMAC-SHA256 of `body`. Only a
/// body whose signature matches is parsed. See the [module docs](self) for an example.
pub fn verify(
    secret: &WebhookSecret,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Delivery, WebhookError> {
    verify_signature(secret, headers, body)?;
    let idempotency_key = headers
        .get(IDEMPOTENCY_KEY_HEADER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_string);
    parse_unverified(body, idempotency_key)
}

/// Checks the signature of `body` only (see [`verify`]).
pub fn verify_signature(
    secret: &WebhookSecret,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<(), WebhookError> {
    let (header, value) = [SIGNATURE_HEADER, LEGACY_SIGNATURE_HEADER]
        .into_iter()
        .find_map(|name| headers.get(name).map(|value| (name, value)))
        .ok_or(WebhookError::MissingSignature)?;
    let signature = decode_hex_32(value.as_bytes().trim_ascii())
        .ok_or(WebhookError::MalformedSignature { header })?;
    secret
        .mac(body)
        .ok_or(WebhookError::SignatureMismatch)?
        .verify_slice(&signature)
        .map_err(|_| WebhookError::SignatureMismatch)
}

/// Reads a delivery's body **without checking its signature**: for tests and for bodies verified
/// elsewhere. Never fails with a signature error.
///
/// ```
/// let body = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":"note.created"}]}"#;
/// let delivery = attio_meetings::webhooks::parse_unverified(body, None).unwrap();
/// assert_eq!(delivery.events[0].event_type(), "note.created");
/// ```
pub fn parse_unverified(
    body: &[u8],
    idempotency_key: Option<String>,
) -> Result<Delivery, WebhookError> {
    let mut json = serde_json::Deserializer::from_slice(body);
    let payload: WebhookPayload = serde_path_to_error::deserialize(&mut json)
        .map_err(|e| invalid(e.path().to_string(), e.inner()))?;
    json.end().map_err(|e| invalid(".".into(), &e))?;
    let events = payload
        .events
        .into_iter()
        .enumerate()
        .map(|(i, event)| event_of(i, event))
        .collect::<Result<_, _>>()?;
    Ok(Delivery {
        webhook_id: payload.webhook_id,
        idempotency_key,
        events,
    })
}

fn event_of(index: usize, event: Map<String, Value>) -> Result<WebhookEvent, WebhookError> {
    let at = |path: &str| format!("events[{index}]{path}");
    let Some(event_type) = event.get("event_type").and_then(Value::as_str) else {
        return Err(WebhookError::InvalidPayload {
            path: at(".event_type"),
            message: "missing, or not a string".into(),
        });
    };
    if event_type != CALL_RECORDING_CREATED {
        return Ok(WebhookEvent::Unknown {
            event_type: event_type.to_string(),
            raw: Value::Object(event),
        });
    }
    let known: CallRecordingCreatedEvent =
        serde_path_to_error::deserialize(Value::Object(event))
            .map_err(|e| invalid(at(&format!(".{}", e.path())), e.inner()))?;
    Ok(WebhookEvent::CallRecordingCreated {
        workspace_id: known.id.workspace_id,
        meeting_id: known.id.meeting_id,
        call_recording_id: known.id.call_recording_id,
        actor: known.actor,
    })
}

fn invalid(path: String, error: &serde_json::Error) -> WebhookError {
    WebhookError::InvalidPayload {
        path,
        message: error.to_string(),
    }
}

/// 64 hex digits (either case) -> 32 bytes.
fn decode_hex_32(text: &[u8]) -> Option<[u8; 32]> {
    if text.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        *byte = (hex_value(pair[0])? << 4) | hex_value(pair[1])?;
    }
    Some(out)
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_decoding_takes_both_cases_and_refuses_the_rest() {
        let lower = "00ff10a0".repeat(8);
        assert_eq!(
            decode_hex_32(lower.as_bytes()),
            decode_hex_32(lower.to_uppercase().as_bytes())
        );
        assert_eq!(decode_hex_32(lower.as_bytes()).unwrap()[1], 0xff);
        assert!(decode_hex_32(&lower.as_bytes()[2..]).is_none());
        assert!(decode_hex_32("g0".repeat(32).as_bytes()).is_none());
    }

    /// RFC 4231, test case 2: the signature is HMAC-SHA256 itself, not only something `verify` agrees with.
    #[test]
    fn sign_is_hmac_sha256_in_lowercase_hex() {
        assert_eq!(
            WebhookSecret::new("Jefe").sign(b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sign_and_verify_agree() {
        let secret = WebhookSecret::new("k");
        let signature = secret.sign(b"body");
        assert_eq!(decode_hex_32(signature.as_bytes()).map(|_| ()), Some(()));
        assert!(
            secret
                .mac(b"body")
                .unwrap()
                .verify_slice(&decode_hex_32(signature.as_bytes()).unwrap())
                .is_ok()
        );
    }
}
