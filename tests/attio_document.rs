//! The pipeline on Attio's whole published OpenAPI document (all tags, OpenAPI 3.1, no operationIds).
//!
//! The document lives beside the repository (`../shared/reference/attio-openapi.yaml`); users of the crate
//! outside this repository do not have it, so the test skips, saying why, when it is absent.

use std::path::PathBuf;
use std::time::Instant;

use attio_meetings_codegen::{Options, generate_file};
use serde_json::Value;

fn attio_document() -> Option<PathBuf> {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/reference/attio-openapi.yaml");
    if path.is_file() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {} is absent (it ships beside this repository only)",
            path.display()
        );
        None
    }
}

#[test]
fn attio_whole_document_yields_the_eight_meetings_operations() {
    let Some(path) = attio_document() else { return };
    let started = Instant::now();
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "generated {} lines from Attio's document in {:?}",
        generated.source.lines().count(),
        started.elapsed()
    );

    let doc = &generated.normalised;
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(
        paths,
        [
            "/v2/meetings",
            "/v2/meetings/{meeting_id}",
            "/v2/meetings/{meeting_id}/call_recordings",
            "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}",
            "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript",
        ]
    );
    let operation = |path: &str, method: &str| -> &Value { &doc["paths"][path][method] };
    let expected = [
        ("/v2/meetings", "get", "list_meetings"),
        ("/v2/meetings", "post", "create_meeting"),
        ("/v2/meetings/{meeting_id}", "get", "get_meeting"),
        (
            "/v2/meetings/{meeting_id}/call_recordings",
            "get",
            "list_call_recordings",
        ),
        (
            "/v2/meetings/{meeting_id}/call_recordings",
            "post",
            "create_call_recording",
        ),
        (
            "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}",
            "get",
            "get_call_recording",
        ),
        (
            "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}",
            "delete",
            "delete_call_recording",
        ),
        (
            "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript",
            "get",
            "get_transcript",
        ),
    ];
    for (path, method, id) in expected {
        assert_eq!(
            operation(path, method)["operationId"],
            id,
            "{method} {path}"
        );
        assert!(
            generated.source.contains(&format!("pub fn {id}(&self)")),
            "client method {id} missing"
        );
        let responses = operation(path, method)["responses"].as_object().unwrap();
        assert!(
            responses
                .keys()
                .all(|k| k.starts_with('2') || k == "4XX" || k == "5XX"),
            "{responses:?}"
        );
    }

    // Only what the meetings family reaches survives slicing.
    let schemas: Vec<&String> = doc["components"]["schemas"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    assert_eq!(schemas, ["AttioError", "meeting"]);
    // The 400 of POST /v2/meetings spells `statusCode`; the envelope accepts it.
    assert_eq!(
        doc["components"]["schemas"]["AttioError"]["properties"]["status_code"]["x-rust-serde-alias"],
        serde_json::json!(["statusCode"])
    );
    assert!(
        generated
            .source
            .contains(r#"#[serde(alias = "statusCode")]"#)
    );
    // DELETE answers 204 without a body, whatever the document declares.
    let deleted = &operation(
        "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}",
        "delete",
    )["responses"]["204"];
    assert!(deleted.get("content").is_none());
    // `is_organizer` (boolean or its string spellings) is a plain bool.
    let organizer = &operation("/v2/meetings", "post")["requestBody"]["content"]["application/json"]
        ["schema"]["properties"]["data"]["properties"]["participants"]["items"]["properties"]["is_organizer"];
    assert_eq!(organizer["type"], "boolean", "{organizer}");
    // No 3.1 type arrays are left.
    assert!(!serde_json::to_string(doc).unwrap().contains(r#""type":["#));
}
