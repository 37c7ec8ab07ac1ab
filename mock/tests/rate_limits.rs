//! The fake's rate limits over real HTTP: a burst of reads answered 429 with an HTTP-date `Retry-After`,
//! limits per token, writes counted apart from reads, and one call recording create per second.

mod common;

use attio_meetings_mock::{Endpoint, Limits, MockServer};

use common::{Api, Reply, assert_rate_limited, seed_at, timed};

// ---- rate limits --------------------------------------------------------------------------------------

async fn burst(api: &Api, n: usize, path: &str) -> Vec<Reply> {
    let requests = (0..n).map(|_| api.get(path, &[]));
    futures_util::future::join_all(requests).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_reads_is_rate_limited_with_an_http_date() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(5),
            ..Limits::UNLIMITED
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let unix_second = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let first_second = unix_second();
    let replies = burst(&api, 20, "/v2/meetings").await;
    // The windows the burst touched; on a slow machine it may span several.
    let windows = (unix_second() - first_second + 1) as usize;
    let ok = replies.iter().filter(|r| r.status == 200).count();
    let limited: Vec<&Reply> = replies.iter().filter(|r| r.status == 429).collect();
    assert_eq!(ok + limited.len(), 20, "only 200 and 429 expected");
    assert!(
        ok >= 5 && ok <= 5 * windows,
        "{ok} admitted over {windows} one-second windows"
    );
    if windows == 1 {
        assert_eq!(ok, 5, "exactly the limit is admitted within one second");
    }
    assert!(
        windows >= 4 || !limited.is_empty(),
        "nothing limited over {windows} windows"
    );
    assert_eq!(
        server.rate_limited(),
        limited.len() as u64,
        "every refusal is counted"
    );
    for reply in limited {
        assert_rate_limited(reply);
    }
    assert_eq!(server.requests(Endpoint::ListMeetings), 20);
    server.reset_requests();
    assert_eq!(server.rate_limited(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rate_limits_are_per_token() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(3),
            ..Limits::UNLIMITED
        })
        .token("limited-token-1111")
        .token("fresh-token-2222")
        .start()
        .await
        .unwrap();
    let a = Api::with_token(&server, Some("limited-token-1111"));
    let b = Api::with_token(&server, Some("fresh-token-2222"));
    let mut limited = false;
    for _ in 0..20 {
        if a.get("/v2/meetings", &[]).await.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "token a never limited");
    // Token b has sent nothing: its first request of any second is admitted.
    assert_eq!(b.get("/v2/meetings", &[]).await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_are_counted_apart_from_reads() {
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(2),
            writes: Some(2),
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    // Exhaust reads, then write.
    let mut limited = false;
    for _ in 0..10 {
        if api.get("/v2/meetings", &[]).await.status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "reads never limited");
    let write = api
        .post(
            "/v2/meetings",
            &timed("w0", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
        )
        .await;
    assert_eq!(
        write.status, 200,
        "a write was refused for the reads' count"
    );

    // Exhaust writes, then read (on a fresh server, so that the reads' window is empty).
    let server = MockServer::builder()
        .limits(Limits {
            reads: Some(2),
            writes: Some(2),
            create_call_recording: None,
        })
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let mut limited = None;
    for i in 0..10 {
        let reply = api
            .post(
                "/v2/meetings",
                &timed(
                    format!("w{i}"),
                    "2030-01-01T10:00:00Z",
                    "2030-01-01T11:00:00Z",
                ),
            )
            .await;
        if reply.status == 429 {
            assert_rate_limited(&reply);
            limited = Some(i);
            break;
        }
    }
    let refused = limited.expect("writes never limited");
    assert_eq!(
        server.store().meetings().len(),
        refused,
        "a refused write was applied"
    );
    assert_eq!(
        api.get("/v2/meetings", &[]).await.status,
        200,
        "a read was refused for the writes' count"
    );
}

#[tokio::test]
async fn create_call_recording_is_limited_to_one_per_second_by_default() {
    let server = MockServer::start().await.unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let mut statuses = Vec::new();
    for _ in 0..3 {
        let reply = api
            .create_recording(&meeting, "https://cdn.example.com/a.mp4")
            .await;
        if reply.status == 429 {
            assert_rate_limited(&reply);
        }
        statuses.push(reply.status.as_u16());
    }
    // Three requests span at most two seconds: at most two are admitted.
    let ok = statuses.iter().filter(|s| **s == 200).count();
    assert!((1..=2).contains(&ok), "{statuses:?}");
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(server.store().call_recordings().len(), ok);
    // The general write limit (25/s) still has room.
    let write = api
        .post(
            "/v2/meetings",
            &timed("w", "2030-01-01T10:00:00Z", "2030-01-01T11:00:00Z"),
        )
        .await;
    assert_eq!(write.status, 200);
}
