//! Attio's error envelope and the other canned responses.

use bytes::Bytes;
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::{Response, StatusCode, header};
use serde_json::{Value, json};

/// The body type of every response of the fake.
pub type Body = BoxBody<Bytes, std::io::Error>;

/// A full JSON response.
pub fn json(status: StatusCode, body: &Value) -> Response<Body> {
    let bytes = Bytes::from(body.to_string());
    Response::builder()
        .status(status)
        .header(header::CONTENT_TYPE, "application/json; charset=utf-8")
        .body(full(bytes))
        .unwrap_or_else(|_| Response::new(full(Bytes::new())))
}

/// An empty response (204).
pub fn empty(status: StatusCode) -> Response<Body> {
    let mut response = Response::new(full(Bytes::new()));
    *response.status_mut() = status;
    response
}

/// Wraps bytes as a body.
pub fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
}

/// A failure answered with Attio's envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// `type` of the envelope.
    pub kind: &'static str,
    /// `code` of the envelope.
    pub code: &'static str,
    /// Human-readable message.
    pub message: String,
    /// Spell the status key `statusCode`, as Attio documents for the 400 of create-meeting.
    pub camel_case_status: bool,
}

impl ApiError {
    /// 400 `validation_type`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "validation_type",
            message,
        )
    }

    /// The same error with its status key spelled `statusCode`, as Attio documents for create-meeting.
    pub fn camel_case(mut self) -> Self {
        self.camel_case_status = true;
        self
    }

    /// 400 `value_not_found`: the request names something (a linked record's object) that does not exist.
    pub fn value_not_found(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "value_not_found",
            message,
        )
    }

    /// 400 `system_edit_unauthorized`: the thing was made by Attio itself (calendar sync) and cannot be
    /// changed through the API.
    pub fn system_edit_unauthorized(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "system_edit_unauthorized",
            message,
        )
    }

    /// 404 `not_found`.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "not_found",
            message,
        )
    }

    /// 401, for a missing or unknown token. The message never repeats the token.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "auth_error",
            "invalid_authorization",
            "Missing or invalid access token. Send `Authorization: Bearer <token>`.",
        )
    }

    /// 429 `rate_limit_exceeded`.
    pub fn rate_limited() -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "rate_limit_exceeded",
            "Rate limit exceeded, please try again later.",
        )
    }

    /// A server-side failure (500, 502, 503).
    pub fn server(status: StatusCode) -> Self {
        Self::new(
            status,
            "api_error",
            "internal_error",
            "An unexpected error occurred (injected by the fake).",
        )
    }

    /// Any envelope.
    pub fn new(
        status: StatusCode,
        kind: &'static str,
        code: &'static str,
        message: impl Into<String>,
    ) -> Self {
        Self {
            status,
            kind,
            code,
            message: message.into(),
            camel_case_status: false,
        }
    }

    /// The envelope as JSON.
    pub fn body(&self) -> Value {
        let status_key = if self.camel_case_status {
            "statusCode"
        } else {
            "status_code"
        };
        json!({
            status_key: self.status.as_u16(),
            "type": self.kind,
            "code": self.code,
            "message": self.message,
        })
    }

    /// The envelope as a response.
    pub fn response(&self) -> Response<Body> {
        json(self.status, &self.body())
    }
}
