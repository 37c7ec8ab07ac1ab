//! The fake's injected faults over real HTTP: scripted statuses, dropped connections (before and after
//! processing), truncated responses, latency, `RateLimited`, and seeded random faults that reproduce.

mod common;

use attio_meetings_mock::{Endpoint, Fault, FaultRule, Limits, MockServer};
use reqwest::Method;
use std::time::{Duration, Instant};

use common::{
    Api, UNKNOWN_ID, assert_envelope, assert_rate_limited, meeting_body, meeting_id, seed_at,
    unlimited,
};

// ---- faults -------------------------------------------------------------------------------------------

#[tokio::test]
async fn scripted_status_fault_answers_the_envelope_without_processing() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Status(503)), None]);
    let failed = api.post("/v2/meetings", &meeting_body()).await;
    assert_envelope(&failed, 503, "status_code", None);
    assert!(server.store().meetings().is_empty());
    // The script lets the next request through.
    api.create(&meeting_body()).await;
    assert_eq!(server.store().meetings().len(), 1);
    // Other operations are not affected by a script for another one.
    server
        .faults()
        .script(Endpoint::GetMeeting, [Some(Fault::Status(500))]);
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    assert_envelope(
        &api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[]).await,
        500,
        "status_code",
        None,
    );
    assert_eq!(server.requests(Endpoint::CreateMeeting), 2);
}

#[tokio::test]
async fn dropped_connection_fails_the_request_without_processing() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Drop)]);
    let result = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await;
    let err = result.expect_err("the connection was dropped");
    assert!(!err.is_timeout(), "{err}");
    assert!(server.store().meetings().is_empty());
    assert_eq!(
        server.requests(Endpoint::CreateMeeting),
        1,
        "retried behind the client's back"
    );
    api.create(&meeting_body()).await;
    assert_eq!(server.store().meetings().len(), 1);
}

#[tokio::test]
async fn drop_after_processing_fails_the_request_but_applies_the_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::DropAfterProcessing)]);
    let result = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await;
    assert!(
        result.is_err(),
        "expected a dropped connection, got {result:?}"
    );
    let stored = server.store().meetings();
    assert_eq!(stored.len(), 1, "the write was not applied");
    // Create-meeting matches nothing: a blind retry makes a duplicate, which is why a client must not
    // retry after such a failure.
    let id = api.create(&meeting_body()).await;
    assert_ne!(id, meeting_id(&stored[0]));
    assert_eq!(server.store().meetings().len(), 2);
}

#[tokio::test]
async fn truncated_response_fails_the_client_but_applies_the_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Truncate)]);
    let result = match api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await
    {
        Ok(response) => response.bytes().await.map(|b| b.to_vec()),
        Err(e) => Err(e),
    };
    assert!(
        result.is_err(),
        "a truncated response read cleanly: {result:?}"
    );
    assert_eq!(
        server.store().meetings().len(),
        1,
        "the write was not applied"
    );
    // The server still answers.
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
}

#[tokio::test]

async fn truncated_response_sends_the_headers_then_fails_on_the_body() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Truncate)]);
    let response = api
        .request(Method::POST, "/v2/meetings", &[])
        .json(&meeting_body())
        .send()
        .await
        .expect("the status line and headers arrive");
    assert_eq!(response.status(), 200);
    let body = response.bytes().await;
    assert!(body.is_err(), "a truncated body read cleanly: {body:?}");
    assert_eq!(
        server.store().meetings().len(),
        1,
        "the write was not applied"
    );
}

#[tokio::test]
async fn latency_fault_delays_then_answers() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let id = seed_at(&server, "m", 0);
    server.faults().script(
        Endpoint::GetMeeting,
        [Some(Fault::Latency(Duration::from_millis(300)))],
    );
    let started = Instant::now();
    let reply = api.get(&format!("/v2/meetings/{id}"), &[]).await;
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(reply.status, 200);
    assert_eq!(meeting_id(&reply.body["data"]), id);
}

#[tokio::test]
async fn rate_limited_fault_is_a_429_with_retry_after_and_no_write() {
    let server = unlimited().await;
    let api = Api::new(&server);
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::RateLimited)]);
    let reply = api.post("/v2/meetings", &meeting_body()).await;
    assert_rate_limited(&reply);
    assert!(server.store().meetings().is_empty());
}

/// The outcomes of `n` sequential get-meeting requests on a fresh server with a random fault rule.
async fn random_outcomes(seed: u64, n: usize) -> (String, Vec<String>) {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .seed(seed)
        .start()
        .await
        .unwrap();
    let id = seed_at(&server, "m", 0);
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::GetMeeting],
        rate: 0.5,
        faults: vec![
            Fault::Status(500),
            Fault::Status(503),
            Fault::RateLimited,
            Fault::Drop,
        ],
    });
    let api = Api::new(&server);
    let mut outcomes = Vec::new();
    for _ in 0..n {
        let outcome = match api
            .request(Method::GET, &format!("/v2/meetings/{id}"), &[])
            .send()
            .await
        {
            Ok(response) => response.status().as_u16().to_string(),
            Err(_) => "dropped".to_string(),
        };
        outcomes.push(outcome);
    }
    // Other operations are untouched by the rule.
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    (id, outcomes)
}

#[tokio::test]
async fn seeded_random_faults_are_reproducible() {
    let (id_a, a) = random_outcomes(42, 24).await;
    let (id_b, b) = random_outcomes(42, 24).await;
    assert_eq!(a, b, "same seed, same outcomes");
    assert_eq!(id_a, id_b, "same seed, same ids");
    assert!(a.iter().any(|o| o == "200"), "{a:?}");
    assert!(a.iter().any(|o| o != "200"), "{a:?}");
    let (_, c) = random_outcomes(43, 24).await;
    assert_ne!(a, c, "another seed, other outcomes");
}
