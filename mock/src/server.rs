//! The HTTP front: accept loop, then per request: route, count, inject faults, authenticate, rate-limit,
//! answer.
//!
//! Built on hyper rather than a routing framework because faults need the connection itself: a dropped
//! connection is a service error (hyper closes the socket without answering), a truncated body is a
//! stream that fails half-way through a declared `Content-Length`.

use std::io;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode, header};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio::sync::oneshot;
use tokio::task::JoinSet;

use crate::api;
use crate::envelope::{ApiError, Body};
use crate::faults::{Fault, FaultInjector};
use crate::limits::RateLimiter;
use crate::route::{Endpoint, allowed_methods, route};
use crate::store::Store;
use crate::webhooks::{Completion, Webhooks};

/// Largest request body the fake reads.
const MAX_BODY: usize = 1 << 20;

/// Everything the requests share.
#[derive(Debug)]
pub(crate) struct Shared {
    pub store: Store,
    pub limiter: RateLimiter,
    pub faults: FaultInjector,
    pub tokens: Vec<String>,
    pub counts: [AtomicU64; Endpoint::ALL.len()],
    /// Requests refused for exceeding a rate limit (not the injected 429s).
    pub rate_limited: AtomicU64,
    pub webhooks: Arc<Webhooks>,
    /// One stderr line per request (the standalone server's `-v`).
    pub log_requests: bool,
}

impl Shared {
    pub fn count(&self, operation: Endpoint) -> &AtomicU64 {
        let index = Endpoint::ALL
            .iter()
            .position(|op| *op == operation)
            .unwrap_or_default();
        &self.counts[index]
    }
}

/// Serves until `shutdown` fires (or its sender is dropped), then closes every connection.
pub(crate) async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                connections.spawn(async move {
                    let service = service_fn(move |request| logged(shared.clone(), request));
                    // A connection ending in error is normal here: clients hang up, faults drop them.
                    let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
}

/// Turns each announced completion into webhook deliveries when it is due. Ends with the server (the
/// store, which holds the sender, is dropped with it).
pub(crate) async fn announce_webhooks(
    shared: Weak<Shared>,
    mut completions: UnboundedReceiver<Completion>,
) {
    while let Some(completion) = completions.recv().await {
        let Some(webhooks) = shared.upgrade().map(|s| s.webhooks.clone()) else {
            return;
        };
        let store = shared.clone();
        let (meeting_id, id) = (completion.meeting_id, completion.call_recording_id);
        tokio::spawn(webhooks.deliver(completion, move || {
            store
                .upgrade()
                .is_some_and(|s| s.store.is_completed(meeting_id, id))
        }));
    }
}

/// [`respond`], with a stderr line per request when the server was asked for them.
async fn logged(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, io::Error> {
    if !shared.log_requests {
        return respond(shared, request).await;
    }
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let started = std::time::Instant::now();
    let result = respond(shared, request).await;
    let took = started.elapsed().as_secs_f64() * 1000.0;
    match &result {
        Ok(response) => eprintln!(
            "{method} {path} -> {} in {took:.1} ms",
            response.status().as_u16()
        ),
        Err(error) => eprintln!("{method} {path} -> dropped ({error}) after {took:.1} ms"),
    }
    result
}

async fn respond(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Body>, io::Error> {
    let Some(route) = route(request.method(), request.uri().path()) else {
        let (method, path) = (request.method(), request.uri().path());
        if let Some(allow) = allowed_methods(path) {
            let error = ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "invalid_request_error",
                "method_not_allowed",
                format!("{method} is not supported on {path}; use {allow}."),
            );
            let mut response = error.response();
            if let Ok(allow) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, allow);
            }
            return Ok(response);
        }
        let message = format!("No route for {method} {path}");
        return Ok(ApiError::not_found(message).response());
    };
    let operation = route.operation;
    shared.count(operation).fetch_add(1, Ordering::Relaxed);

    let fault = shared.faults.next(operation);
    match fault {
        Some(Fault::Status(code)) => {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            return Ok(ApiError::server(status).response());
        }
        Some(Fault::RateLimited) => return Ok(rate_limited(next_second())),
        Some(Fault::Drop) => {
            return Err(io::Error::other("connection dropped by an injected fault"));
        }
        Some(Fault::Latency(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }

    let token = bearer_token(&request).filter(|t| shared.tokens.iter().any(|known| known == t));
    let Some(token) = token.map(str::to_string) else {
        return Ok(ApiError::unauthorized().response());
    };
    if let Err(retry_at) = shared.limiter.admit(&token, operation) {
        shared.rate_limited.fetch_add(1, Ordering::Relaxed);
        return Ok(rate_limited(retry_at));
    }

    let query = request.uri().query().map(str::to_string);
    let body = match Limited::new(request.into_body(), MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let error = ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "invalid_request_error",
                "payload_too_large",
                format!("The body is larger than {MAX_BODY} bytes or was cut off."),
            );
            return Ok(error.response());
        }
    };
    let response = api::handle(&shared.store, &route, query.as_deref(), &body, &token);

    match fault {
        Some(Fault::DropAfterProcessing) => {
            Err(io::Error::other("connection dropped after processing"))
        }
        Some(Fault::Truncate) => truncate(response).await,
        _ => Ok(response),
    }
}

fn bearer_token<B>(request: &Request<B>) -> Option<&str> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then_some(token.trim())
        .filter(|t| !t.is_empty())
}

fn next_second() -> SystemTime {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    UNIX_EPOCH + Duration::from_secs(now.as_secs() + 1)
}

/// Attio's 429: the envelope and `Retry-After` as an HTTP date.
fn rate_limited(retry_at: SystemTime) -> Response<Body> {
    let mut response = ApiError::rate_limited().response();
    if let Ok(value) = header::HeaderValue::from_str(&httpdate::fmt_http_date(retry_at)) {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

/// Sends the headers (with the full `Content-Length`) and half the body, then fails the connection.
async fn truncate(response: Response<Body>) -> Result<Response<Body>, io::Error> {
    let (mut parts, body) = response.into_parts();
    let bytes = body.collect().await?.to_bytes();
    if bytes.is_empty() {
        return Err(io::Error::other(
            "connection dropped after processing (empty body to truncate)",
        ));
    }
    parts.headers.insert(
        header::CONTENT_LENGTH,
        header::HeaderValue::from(bytes.len()),
    );
    let half: Bytes = bytes.slice(..bytes.len() / 2);
    // hyper flushes what it holds only when the body stalls; without the pause the error would discard
    // the headers and the half body, and the fault would look like a dropped connection.
    let frames = futures_util::stream::iter([Ok(Frame::data(half))]).chain(
        futures_util::stream::once(async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            Err(io::Error::other("body truncated by an injected fault"))
        }),
    );
    Ok(Response::from_parts(
        parts,
        BodyExt::boxed(StreamBody::new(frames)),
    ))
}
