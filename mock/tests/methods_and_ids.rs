//! Requests to known paths with an unsupported method (405 with `Allow`), and path ids that are not UUIDs
//! (the operation's 404).

mod common;

use common::{Api, assert_envelope, unlimited};
use reqwest::Method;
use reqwest::header::ALLOW;

const M: &str = "cb59ab17-ad15-460c-a126-0715617c0853";

#[tokio::test]
async fn an_unsupported_method_on_a_known_path_is_405_with_allow() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let cases = [
        (Method::TRACE, "/v2/meetings".to_string(), "GET, POST"),
        (Method::PUT, "/v2/meetings".to_string(), "GET, POST"),
        (
            Method::POST,
            format!("/v2/meetings/{M}"),
            "GET, PUT, PATCH, DELETE",
        ),
        (Method::DELETE, "/v2/meetings".to_string(), "GET, POST"),
        (
            Method::PATCH,
            format!("/v2/meetings/{M}/call_recordings"),
            "GET, POST",
        ),
        (
            Method::POST,
            format!("/v2/meetings/{M}/call_recordings/{M}"),
            "GET, DELETE",
        ),
        (
            Method::PUT,
            format!("/v2/meetings/{M}/call_recordings/{M}/transcript"),
            "GET",
        ),
    ];
    for (method, path, allow) in cases {
        let reply = api.send(api.request(method.clone(), &path, &[])).await;
        assert_envelope(&reply, 405, "status_code", Some("method_not_allowed"));
        let header = reply
            .headers
            .get(ALLOW)
            .map(|v| v.to_str().unwrap().to_string());
        assert_eq!(header.as_deref(), Some(allow), "{method} {path}");
    }
    // An unknown path stays a 404, whatever the method.
    let reply = api.send(api.request(Method::TRACE, "/v2/notes", &[])).await;
    assert_envelope(&reply, 404, "status_code", Some("not_found"));
    assert!(reply.headers.get(ALLOW).is_none());
}

#[tokio::test]
async fn a_path_id_that_is_not_a_uuid_is_the_operations_404() {
    let server = unlimited().await;
    let api = Api::new(&server);
    for (method, path) in [
        (Method::PATCH, "/v2/meetings/not-a-uuid"),
        (Method::PUT, "/v2/meetings/not-a-uuid"),
        (Method::DELETE, "/v2/meetings/not-a-uuid"),
    ] {
        let body = serde_json::json!({"data": {"linked_records": []}});
        let reply = api.send(api.request(method, path, &[]).json(&body)).await;
        assert_envelope(&reply, 404, "status_code", Some("not_found"));
    }
    for path in [
        "/v2/meetings/not-a-uuid".to_string(),
        "/v2/meetings/not-a-uuid/call_recordings".to_string(),
        format!("/v2/meetings/{M}/call_recordings/42"),
        format!("/v2/meetings/{M}/call_recordings/42/transcript"),
    ] {
        let reply = api.get(&path, &[]).await;
        assert_envelope(&reply, 404, "status_code", Some("not_found"));
        let message = reply.body["message"].as_str().unwrap_or_default();
        assert!(message.contains("was not found"), "{path}: {message}");
    }
}
