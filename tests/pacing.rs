//! Client-side pacing against the fake: it keeps a client under the fake's rate limit (at most the limit
//! per wall-clock second, as Attio counts), and clones of a client share one pacer. Both are checked by
//! counting 429s with retries off, not by timing.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use std::time::Instant;

use attio_meetings::{Client, Pacing, RetryPolicy};
use attio_meetings_mock::{Endpoint, Limits, MockServer};

use common::{ms, seed_meeting};

#[tokio::test]
async fn pacing_keeps_under_the_rate_limit() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(20),
            writes: None,
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let id = seed_meeting(&server, "paced");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(RetryPolicy::none()) // a 429 would surface
        .pacing(Pacing::per_second(20, 20, 1))
        .build()
        .unwrap();
    let started = Instant::now();
    for _ in 0..30 {
        client.meetings().get(id).await.expect("no 429");
    }
    let elapsed = started.elapsed();
    assert_eq!(server.requests(Endpoint::GetMeeting), 30);
    // At most 20 per wall-clock second: 30 span at least two seconds' windows.
    assert!(elapsed >= ms(1000), "30 paced reads took only {elapsed:?}");
}

#[tokio::test]
async fn clones_share_the_pacer() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(20),
            writes: None,
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let id = seed_meeting(&server, "paced-clones");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(RetryPolicy::none()) // a 429 would surface
        .pacing(Pacing::per_second(20, 20, 1))
        .build()
        .unwrap();
    let other = client.clone();
    let run = |client: Client| async move {
        for _ in 0..20 {
            client.meetings().get(id).await.expect("no 429");
        }
    };
    // One pacer: 20 per second between them, no 429 (two pacers would send 40 per second).
    futures_util::future::join(run(client), run(other)).await;
    assert_eq!(server.requests(Endpoint::GetMeeting), 40);
}
