//! The token stays with Attio: a redirect to another origin carries neither `Authorization` nor a
//! `Referer` naming the original URL.
//!
//! Two raw loopback servers on different ports: the first answers every request with a redirect to the
//! second, which records the headers it receives and answers like Attio.

use std::sync::{Arc, Mutex};

use attio_meetings::{Client, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "tok-REDIRECT-SECRET-42";

/// Serves every connection with `answer(request head)`, recording the heads.
async fn serve(
    answer: impl Fn(&str) -> String + Send + Sync + 'static,
) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let heads = Arc::new(Mutex::new(Vec::new()));
    let seen = heads.clone();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (seen, answer) = (seen.clone(), answer.clone());
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 16 * 1024];
                let mut read = 0;
                while !buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer[read..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => read += n,
                    }
                }
                let head = String::from_utf8_lossy(&buffer[..read]).to_string();
                seen.lock().unwrap().push(head.clone());
                let _ = socket.write_all(answer(&head).as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, heads)
}

fn meeting_json() -> String {
    serde_json::json!({"data": {
        "id": {"workspace_id": "14beef7a-99f7-4534-a87e-70b564330a4c", "meeting_id": "cb59ab17-ad15-460c-a126-0715617c0853"},
        "title": "t", "description": "d", "is_all_day": false,
        "start": {"datetime": "2027-11-27T14:00:00.000-05:00", "timezone": "America/New_York"},
        "end": {"datetime": "2027-11-27T15:00:00.000-05:00", "timezone": "America/New_York"},
        "participants": [], "linked_records": [],
        "created_at": "2023-01-01T15:00:00.000000000Z",
        "created_by_actor": {"id": null, "type": null}
    }})
    .to_string()
}

#[tokio::test]
async fn a_cross_origin_redirect_does_not_carry_the_token() {
    let (elsewhere, elsewhere_heads) = serve(|_| {
        let body = meeting_json();
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len())
    })
    .await;
    let target = elsewhere.clone();
    let (api, api_heads) = serve(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        format!("HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}{path}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
    })
    .await;

    let client = Client::builder()
        .token(TOKEN)
        .base_url(&api)
        .retry(RetryPolicy::none())
        .user_agent("my-sync/1.2")
        .build()
        .unwrap();
    let id = "cb59ab17-ad15-460c-a126-0715617c0853".parse().unwrap();
    let result = client.meetings().get(id).await;

    let api_heads = api_heads.lock().unwrap().clone();
    let elsewhere_heads = elsewhere_heads.lock().unwrap().clone();
    assert_eq!(api_heads.len(), 1, "the API was asked once");
    assert!(
        api_heads[0].contains(TOKEN),
        "the token goes to the configured base URL"
    );
    assert!(
        api_heads[0]
            .to_ascii_lowercase()
            .contains("user-agent: my-sync/1.2 attio-meetings/"),
        "the application's product token comes first: {}",
        api_heads[0]
    );
    for head in &elsewhere_heads {
        assert!(
            !head.to_ascii_lowercase().contains("authorization"),
            "forwarded: {head}"
        );
        assert!(
            !head.to_ascii_lowercase().contains("referer"),
            "the redirect target learnt where the request came from: {head}"
        );
        assert!(
            !head.contains(TOKEN),
            "the token reached another origin: {head}"
        );
    }
    // reqwest follows the redirect (so the check above is not vacuous), without the token.
    assert_eq!(elsewhere_heads.len(), 1, "the redirect was followed once");
    let meeting = result.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(meeting.id.meeting_id, id);
}
