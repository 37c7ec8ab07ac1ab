//! The fake's request counting (per operation, whatever the answer) and its shutdown (on request and on
//! drop), over real HTTP.

mod common;

use attio_meetings_mock::{Endpoint, Fault, Limits};
use reqwest::Method;
use std::time::{Duration, Instant};

use common::{Api, UNKNOWN_ID, client, meeting_body, recording_id, seed_at, unlimited};

// ---- request counting ---------------------------------------------------------------------------------

#[tokio::test]
async fn requests_are_counted_per_operation_whatever_the_answer() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let anonymous = Api::with_token(&server, None);
    let meeting = seed_at(&server, "m", 0);
    assert_eq!(server.total_requests(), 0);

    server.faults().script(
        Endpoint::GetMeeting,
        [Some(Fault::Status(503)), Some(Fault::Drop)],
    );
    let get = format!("/v2/meetings/{meeting}");
    assert_eq!(api.get(&get, &[]).await.status, 503);
    assert!(api.request(Method::GET, &get, &[]).send().await.is_err());
    assert_eq!(anonymous.get(&get, &[]).await.status, 401);
    assert_eq!(api.get(&get, &[]).await.status, 200);
    assert_eq!(
        api.get(&format!("/v2/meetings/{UNKNOWN_ID}"), &[])
            .await
            .status,
        404
    );
    assert_eq!(api.get("/v2/meetings/not-a-uuid", &[]).await.status, 404);
    assert_eq!(server.requests(Endpoint::GetMeeting), 6);

    server.set_limits(Limits {
        reads: Some(1),
        ..Limits::UNLIMITED
    });
    let statuses: Vec<u16> = {
        let mut s = Vec::new();
        for _ in 0..3 {
            s.push(api.get("/v2/meetings", &[]).await.status.as_u16());
        }
        s
    };
    assert!(statuses.contains(&429), "{statuses:?}");
    assert_eq!(server.requests(Endpoint::ListMeetings), 3);
    server.set_limits(Limits::UNLIMITED);

    let recordings = format!("/v2/meetings/{meeting}/call_recordings");
    assert_eq!(
        api.create_recording(&meeting, "http://x.test/a.mp4")
            .await
            .status,
        400
    );
    let created = api.create_recording(&meeting, "https://x.test/a.mp4").await;
    let recording = recording_id(&created.body["data"]);
    assert_eq!(api.get(&recordings, &[]).await.status, 200);
    assert_eq!(
        api.get(&format!("{recordings}/{recording}"), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        api.get(&format!("{recordings}/{recording}/transcript"), &[])
            .await
            .status,
        200
    );
    assert_eq!(
        api.delete(&format!("{recordings}/{recording}"))
            .await
            .status,
        204
    );
    assert_eq!(
        anonymous.post("/v2/meetings", &meeting_body()).await.status,
        401
    );

    assert_eq!(server.requests(Endpoint::CreateCallRecording), 2);
    assert_eq!(server.requests(Endpoint::ListCallRecordings), 1);
    assert_eq!(server.requests(Endpoint::GetCallRecording), 1);
    assert_eq!(server.requests(Endpoint::GetTranscript), 1);
    assert_eq!(server.requests(Endpoint::DeleteCallRecording), 1);
    assert_eq!(server.requests(Endpoint::CreateMeeting), 1);
    assert_eq!(server.total_requests(), 6 + 3 + 2 + 1 + 1 + 1 + 1 + 1);

    // Unknown routes are no operation.
    let unknown = api.get("/v2/notes", &[]).await;
    assert_eq!(unknown.status, 404);
    assert_eq!(server.total_requests(), 16);

    server.reset_requests();
    assert_eq!(server.total_requests(), 0);
    assert!(Endpoint::ALL.iter().all(|op| server.requests(*op) == 0));
}

// ---- shutdown -----------------------------------------------------------------------------------------

#[tokio::test]
async fn shutdown_refuses_new_connections() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let url = format!("{}/v2/meetings", server.base_url());
    assert_eq!(api.get("/v2/meetings", &[]).await.status, 200);
    server.shutdown().await;

    let err = client()
        .get(&url)
        .send()
        .await
        .expect_err("the server is gone");
    assert!(err.is_connect(), "not a connect error: {err:?}");
    // A client that held a kept-alive connection fails too.
    assert!(
        api.request(Method::GET, "/v2/meetings", &[])
            .send()
            .await
            .is_err()
    );
}

#[tokio::test]
async fn dropping_the_server_stops_it() {
    let server = unlimited().await;
    let url = format!("{}/v2/meetings", server.base_url());
    assert_eq!(Api::new(&server).get("/v2/meetings", &[]).await.status, 200);
    drop(server);
    // The server task ends asynchronously; give it time even on a loaded machine.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match client().get(&url).send().await {
            Err(err) if err.is_connect() => break,
            other => {
                assert!(
                    Instant::now() < deadline,
                    "still reachable after drop: {other:?}"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }
}
