//! The fake's bearer-token authentication over real HTTP: 401 without a valid token, and every configured
//! token accepted; secrets kept out of `{:?}`.

mod common;

use attio_meetings_mock::{DEFAULT_TOKEN, Limits, MockServer};
use reqwest::header::AUTHORIZATION;

use common::{Api, assert_envelope, client, timed};

// ---- auth ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn requests_without_a_valid_bearer_token_are_401() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .token("first-secret-token-8f3a")
        .start()
        .await
        .unwrap();
    let http = client();
    let url = format!("{}/v2/meetings", server.base_url());
    let real = server.token().to_string();
    assert_eq!(real, "first-secret-token-8f3a");
    let cases: Vec<(Option<String>, &str)> = vec![
        (None, ""),
        (
            Some("Bearer wrong-secret-token-77c1".into()),
            "wrong-secret-token-77c1",
        ),
        (Some(format!("Basic {real}")), real.as_str()),
        (Some(format!("Token {real}")), real.as_str()),
        (Some(real.clone()), real.as_str()),
        (Some("Bearer ".into()), ""),
        (Some(format!("Bearer {DEFAULT_TOKEN}")), DEFAULT_TOKEN),
    ];
    for (header, sent) in cases {
        for post in [false, true] {
            let mut request = if post {
                http.post(&url).json(&timed(
                    "auth",
                    "2030-01-01T10:00:00Z",
                    "2030-01-01T11:00:00Z",
                ))
            } else {
                http.get(&url)
            };
            if let Some(h) = &header {
                request = request.header(AUTHORIZATION, h);
            }
            let reply = Api::read(request.send().await.unwrap()).await;
            assert_envelope(&reply, 401, "status_code", None);
            let text = String::from_utf8_lossy(&reply.raw);
            if !sent.is_empty() {
                assert!(!text.contains(sent), "the 401 repeats the token: {text}");
            }
        }
    }
    assert!(
        server.store().meetings().is_empty(),
        "an unauthorised write was applied"
    );
    let ok = Api::new(&server).get("/v2/meetings", &[]).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn every_configured_token_is_accepted() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .token("token-one-aaaa")
        .token("token-two-bbbb")
        .start()
        .await
        .unwrap();
    assert_eq!(server.token(), "token-one-aaaa");
    for token in ["token-one-aaaa", "token-two-bbbb"] {
        let api = Api::with_token(&server, Some(token));
        assert_eq!(api.get("/v2/meetings", &[]).await.status, 200, "{token}");
        api.create(&timed(
            token,
            "2030-01-01T10:00:00Z",
            "2030-01-01T11:00:00Z",
        ))
        .await;
    }
    let meetings = server.store().meetings();
    assert_eq!(meetings.len(), 2);
    // Each token is its own actor.
    assert_ne!(
        meetings[0]["created_by_actor"]["id"],
        meetings[1]["created_by_actor"]["id"]
    );
    let no_token = Api::with_token(&server, None);
    assert_envelope(
        &no_token.get("/v2/meetings", &[]).await,
        401,
        "status_code",
        None,
    );
}

#[tokio::test]
async fn webhook_secrets_and_tokens_stay_out_of_debug_output() {
    let builder = MockServer::builder()
        .token("tok-do-not-print")
        .webhook("http://127.0.0.1:9/hooks", "whsec-do-not-print");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("do-not-print"), "{shown}");
    assert!(
        shown.contains("http://127.0.0.1:9/hooks"),
        "the URL is still shown: {shown}"
    );
    let server = builder.start().await.unwrap();
    let shown = format!("{server:?}");
    assert!(!shown.contains("whsec-do-not-print"), "{shown}");
}
