//! The receiver side in axum (feature `axum`): [`VerifiedDelivery`] verifies before the handler runs.
//!
//! A receiver, whole:
//!
//! ```no_run
//! use attio_meetings::webhooks::{WebhookSecret, axum::VerifiedDelivery};
//! use axum::{Router, http::StatusCode, routing::post};
//!
//! async fn receive(VerifiedDelivery(delivery): VerifiedDelivery) -> StatusCode {
//!     for event in &delivery.events {
//!         println!("{}", event.event_type());
//!     }
//!     StatusCode::OK // only 200 and 202 count as delivered
//! }
//!
//! # async fn demo() -> std::io::Result<()> {
//! let secret = WebhookSecret::new(std::env::var("ATTIO_WEBHOOK_SECRET").unwrap_or_default());
//! let app = Router::new().route("/attio", post(receive)).with_state(secret);
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:3000").await?;
//! axum::serve(listener, app).await
//! # }
//! ```
//!
//! The state only has to yield the secret: any `S` with `WebhookSecret: FromRef<S>` works, so the secret
//! can be one field of a larger application state.

use ::axum::body::Bytes;
use ::axum::extract::{FromRef, FromRequest, Request};
use ::axum::http::StatusCode;
use ::axum::response::{IntoResponse, Response};

use super::{Delivery, WebhookError, WebhookSecret, verify};

/// A delivery whose signature matched, read from the request (its body, `Attio-Signature` and
/// `Idempotency-Key`). A request that fails is answered by [`WebhookRejection`] and never reaches the
/// handler: `401` for a missing, malformed or wrong signature, `400` for a signed body that is not a
/// webhook payload, and axum's answer when the body cannot be read (e.g. `413` past the body limit).
#[derive(Debug, Clone)]
pub struct VerifiedDelivery(pub Delivery);

impl<S> FromRequest<S> for VerifiedDelivery
where
    S: Send + Sync,
    WebhookSecret: FromRef<S>,
{
    type Rejection = WebhookRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let secret = WebhookSecret::from_ref(state);
        // Only the headers are needed after the body is read (not the whole head with its extensions).
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| WebhookRejection::Body(rejection.into_response()))?;
        verify(&secret, &headers, &body)
            .map(VerifiedDelivery)
            .map_err(WebhookRejection::Refused)
    }
}

/// Why [`VerifiedDelivery`] refused a request; answers with the status above and a short text.
#[derive(Debug)]
#[non_exhaustive]
pub enum WebhookRejection {
    /// The body could not be read; axum's own answer.
    Body(Response),
    /// [`verify`] refused the delivery.
    Refused(WebhookError),
}

impl WebhookRejection {
    /// The status answered.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Body(response) => response.status(),
            Self::Refused(error) if error.is_signature_error() => StatusCode::UNAUTHORIZED,
            Self::Refused(_) => StatusCode::BAD_REQUEST,
        }
    }
}

impl IntoResponse for WebhookRejection {
    fn into_response(self) -> Response {
        match self {
            Self::Body(response) => response,
            Self::Refused(ref error) => (self.status(), error.to_string()).into_response(),
        }
    }
}
