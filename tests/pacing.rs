//! Client-side pacing against the fake: it keeps a client under the fake's rate limit, and clones of a
//! client share one pacer.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use std::time::Instant;

use attio_meetings::{Client, Pacing, RetryPolicy};
use attio_meetings_mock::{Limits, MockServer, Operation};

use common::{fake, fast, ms, seed_meeting};

#[tokio::test]
async fn pacing_keeps_under_the_rate_limit() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(25),
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
    assert_eq!(server.requests(Operation::GetMeeting), 30);
    // 20/s evenly spaced: 29 gaps of 50 ms after the first request.
    assert!(elapsed >= ms(1400), "30 paced reads took only {elapsed:?}");
}

#[tokio::test]
async fn clones_share_the_pacer() {
    let server = fake().await;
    let id = seed_meeting(&server, "paced-clones");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(fast())
        .pacing(Pacing::per_second(20, 20, 1))
        .build()
        .unwrap();
    let other = client.clone();
    let run = |client: Client| async move {
        for _ in 0..10 {
            client.meetings().get(id).await.unwrap();
        }
    };
    let started = Instant::now();
    futures_util::future::join(run(client), run(other)).await;
    let elapsed = started.elapsed();
    assert_eq!(server.requests(Operation::GetMeeting), 20);
    // One pacer: 19 gaps of 50 ms (two pacers would take about half that).
    assert!(
        elapsed >= ms(900),
        "20 reads on two clones took {elapsed:?}"
    );
}
