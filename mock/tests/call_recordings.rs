//! The fake's call recordings and transcripts over real HTTP: create (https, a known meeting), processing
//! until completed or failed, per-meeting pagination, delete, and transcript pages.

mod common;

use attio_meetings_mock::{Limits, MockServer, Segment};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

use common::{
    Api, UNKNOWN_ID, assert_envelope, assert_validation, page, recording_id, seed_at, segment,
    unlimited,
};

// ---- call recordings ----------------------------------------------------------------------------------

#[tokio::test]
async fn create_call_recording_requires_https_and_a_known_meeting() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_secs(5))
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);

    let created = api
        .create_recording(&meeting, "https://cdn.example.com/calls/1.mp4")
        .await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let r = &created.body["data"];
    assert_eq!(r["status"], "processing");
    assert_eq!(r["id"]["meeting_id"], meeting);
    assert_eq!(
        r["id"]["workspace_id"],
        server.store().workspace_id().to_string()
    );
    assert!(uuid::Uuid::parse_str(&recording_id(r)).is_ok());
    assert_eq!(r["created_by_actor"]["type"], "api-token");
    assert!(
        r["web_url"]
            .as_str()
            .is_some_and(|u| u.starts_with("https://"))
    );

    let http = api
        .create_recording(&meeting, "http://cdn.example.com/calls/1.mp4")
        .await;
    assert_validation(&http, "status_code");
    assert_eq!(
        http.body["message"],
        "Invalid video URL protocol. Only https is supported"
    );

    let unknown = api
        .create_recording(UNKNOWN_ID, "https://cdn.example.com/calls/1.mp4")
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));

    let missing_url = api
        .post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {}}),
        )
        .await;
    assert_validation(&missing_url, "status_code");

    let stored = server.store().call_recordings();
    assert_eq!(
        stored.len(),
        1,
        "only the valid request created a recording"
    );
    assert_eq!(recording_id(&stored[0]), recording_id(r));
}

#[tokio::test]
async fn call_recording_completes_after_processing_time_or_fails() {
    let processing = Duration::from_millis(200);
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(processing)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);

    let started = Instant::now();
    let ok = api
        .create_recording(&meeting, "https://cdn.example.com/a.mp4?sig=1")
        .await;
    let bad = api
        .create_recording(&meeting, "https://cdn.example.com/a.mov")
        .await;
    assert_eq!(ok.body["data"]["status"], "processing");
    assert_eq!(bad.body["data"]["status"], "processing");
    let (ok_id, bad_id) = (
        recording_id(&ok.body["data"]),
        recording_id(&bad.body["data"]),
    );

    assert_eq!(api.wait_processed(&meeting, &ok_id).await, "completed");
    assert!(
        started.elapsed() >= processing,
        "completed before the processing time"
    );
    assert_eq!(api.wait_processed(&meeting, &bad_id).await, "failed");

    let got = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{ok_id}"),
            &[],
        )
        .await;
    assert_eq!(got.status, 200);
    assert_eq!(recording_id(&got.body["data"]), ok_id);
    assert_eq!(got.body["data"]["id"]["meeting_id"], meeting);

    // The recording belongs to its meeting only; unknown and malformed ids.
    let other_meeting = seed_at(&server, "other", 60);
    let wrong = api
        .get(
            &format!("/v2/meetings/{other_meeting}/call_recordings/{ok_id}"),
            &[],
        )
        .await;
    assert_envelope(&wrong, 404, "status_code", Some("not_found"));
    let unknown = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{UNKNOWN_ID}"),
            &[],
        )
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));
    let malformed = api
        .get(&format!("/v2/meetings/{meeting}/call_recordings/nope"), &[])
        .await;
    // A malformed id names nothing: the same 404 as an unknown one.
    assert_envelope(&malformed, 404, "status_code", Some("not_found"));
}

#[tokio::test]
async fn list_call_recordings_paginates_per_meeting() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let other = seed_at(&server, "o", 60);
    let store = server.store();
    let mut ids = Vec::new();
    for i in 0..5 {
        let url = format!("https://cdn.example.com/{i}.mp4");
        ids.push(
            store
                .seed_call_recording(meeting.parse().unwrap(), &url, false, vec![])
                .unwrap()
                .to_string(),
        );
        if i == 2 {
            store
                .seed_call_recording(other.parse().unwrap(), &url, false, vec![])
                .unwrap();
        }
    }
    let path = format!("/v2/meetings/{meeting}/call_recordings");

    let reply = api.get(&path, &[]).await;
    assert_eq!(reply.status, 200);
    let (all, next) = page(&reply.body, recording_id);
    assert_eq!(all, ids);
    assert_eq!(next, None);

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    for _ in 0..10 {
        let mut q = vec![("limit", "2")];
        if let Some(c) = &cursor {
            q.push(("cursor", c));
        }
        let reply = api.get(&path, &q).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let (items, next) = page(&reply.body, recording_id);
        assert!(items.len() <= 2);
        pages += 1;
        seen.extend(items);
        cursor = next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, ids);

    let other_list = api
        .get(&format!("/v2/meetings/{other}/call_recordings"), &[])
        .await;
    assert_eq!(page(&other_list.body, recording_id).0.len(), 1);

    for q in [
        vec![("cursor", "")],
        vec![("cursor", "zz-garbage")],
        vec![("limit", "0")],
        vec![("limit", "201")],
    ] {
        let reply = api.get(&path, &q).await;
        assert_validation(&reply, "status_code");
    }
    let unknown = api
        .get(&format!("/v2/meetings/{UNKNOWN_ID}/call_recordings"), &[])
        .await;
    assert_envelope(&unknown, 404, "status_code", Some("not_found"));
}

#[tokio::test]
async fn delete_call_recording_is_204_without_body() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let other = seed_at(&server, "o", 60);
    let store = server.store();
    let keep = store
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/k.mp4",
            false,
            vec![],
        )
        .unwrap()
        .to_string();
    let gone = store
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/g.mp4",
            false,
            vec![segment("A", "hi", 0.0)],
        )
        .unwrap()
        .to_string();
    let path = format!("/v2/meetings/{meeting}/call_recordings/{gone}");

    // Through another meeting it is not found, and stays.
    let wrong = api
        .delete(&format!("/v2/meetings/{other}/call_recordings/{gone}"))
        .await;
    assert_envelope(&wrong, 404, "status_code", Some("not_found"));
    assert_eq!(store.call_recordings().len(), 2);

    let deleted = api.delete(&path).await;
    assert_eq!(deleted.status, 204);
    assert!(deleted.raw.is_empty(), "204 with a body: {:?}", deleted.raw);

    let got = api.get(&path, &[]).await;
    assert_envelope(&got, 404, "status_code", Some("not_found"));
    let transcript = api.get(&format!("{path}/transcript"), &[]).await;
    assert_envelope(&transcript, 404, "status_code", Some("not_found"));
    let again = api.delete(&path).await;
    assert_envelope(&again, 404, "status_code", Some("not_found"));

    let list = api
        .get(&format!("/v2/meetings/{meeting}/call_recordings"), &[])
        .await;
    assert_eq!(page(&list.body, recording_id).0, vec![keep.clone()]);
    let stored: Vec<String> = store.call_recordings().iter().map(recording_id).collect();
    assert_eq!(stored, [keep]);
}

/// Every page of a transcript: the segments and the last page's body.
async fn transcript_pages(
    api: &Api,
    meeting: &str,
    recording: &str,
) -> (Vec<Value>, Vec<usize>, Value) {
    let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}/transcript");
    let mut segments = Vec::new();
    let mut sizes = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..100 {
        let query: Vec<(&str, &str)> = cursor.iter().map(|c| ("cursor", c.as_str())).collect();
        let reply = api.get(&path, &query).await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        let page = reply.body["data"]["transcript"].as_array().unwrap().clone();
        sizes.push(page.len());
        segments.extend(page);
        cursor = reply.body["pagination"]["next_cursor"]
            .as_str()
            .map(str::to_string);
        if cursor.is_none() {
            return (segments, sizes, reply.body);
        }
    }
    panic!("more than 100 transcript pages");
}

#[tokio::test]
async fn transcript_is_empty_while_processing_then_paginated() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(400))
        .transcript_page_size(3)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let created = api
        .create_recording(&meeting, "https://cdn.example.com/t.mp4")
        .await;
    let recording = recording_id(&created.body["data"]);
    let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}/transcript");

    let early = api.get(&path, &[]).await;
    assert_eq!(early.status, 200, "{:?}", early.body);
    assert_eq!(early.body["data"]["transcript"], json!([]));
    assert_eq!(early.body["data"]["raw_transcript"], "");
    assert_eq!(early.body["pagination"]["next_cursor"], Value::Null);
    assert_eq!(early.body["data"]["id"]["call_recording_id"], recording);

    assert_eq!(api.wait_processed(&meeting, &recording).await, "completed");
    let (segments, sizes, last) = transcript_pages(&api, &meeting, &recording).await;
    assert!(segments.len() > 3, "several pages expected, got {sizes:?}");
    assert!(
        sizes[..sizes.len() - 1].iter().all(|n| *n == 3),
        "{sizes:?}"
    );
    assert!((1..=3).contains(sizes.last().unwrap()), "{sizes:?}");
    let starts: Vec<f64> = segments
        .iter()
        .map(|s| s["start_time"].as_f64().unwrap())
        .collect();
    assert!(
        starts.windows(2).all(|w| w[0] <= w[1]),
        "segments out of order: {starts:?}"
    );
    for s in &segments {
        assert!(s["end_time"].as_f64().unwrap() >= s["start_time"].as_f64().unwrap());
        assert!(s["speaker"]["name"].is_string() && s["speech"].is_string());
    }
    let raw = last["data"]["raw_transcript"].as_str().unwrap();
    assert!(!raw.is_empty());
    for s in &segments {
        assert!(raw.contains(s["speech"].as_str().unwrap()), "{raw}");
    }
    // The first page again, unchanged.
    let first = api.get(&path, &[]).await;
    assert_eq!(
        first.body["data"]["transcript"].as_array().unwrap()[..],
        segments[..3]
    );

    let bad = api.get(&path, &[("cursor", "not-a-cursor")]).await;
    assert_validation(&bad, "status_code");
}

#[tokio::test]
async fn transcript_pages_together_are_the_whole_transcript_in_order() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .transcript_page_size(4)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let words = [
        "Hello", "there", "how", "are", "you", "today", "fine", "thanks", "and", "you?",
    ];
    let transcript: Vec<Segment> = words
        .iter()
        .enumerate()
        .map(|(i, w)| segment(if i < 6 { "Alice" } else { "Bob" }, w, i as f64))
        .collect();
    let recording = server
        .store()
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/r.mp4",
            false,
            transcript.clone(),
        )
        .unwrap()
        .to_string();

    let (segments, sizes, last) = transcript_pages(&api, &meeting, &recording).await;
    assert_eq!(sizes, [4, 4, 2]);
    let expected: Vec<Value> = transcript
        .iter()
        .map(|s| {
            json!({"speech": s.speech, "start_time": s.start_time, "end_time": s.end_time, "speaker": {"name": s.speaker}})
        })
        .collect();
    assert_eq!(segments, expected);
    let raw = last["data"]["raw_transcript"].as_str().unwrap();
    assert!(
        raw.contains("Alice") && raw.contains("Bob") && raw.contains("thanks"),
        "{raw}"
    );
    assert_eq!(last["data"]["id"]["call_recording_id"], recording);
    assert_eq!(last["data"]["id"]["meeting_id"], meeting);
    assert!(last["data"]["web_url"].is_string());

    // An exact multiple of the page size ends without a cursor to an empty page.
    let even = server
        .store()
        .seed_call_recording(
            meeting.parse().unwrap(),
            "https://x.test/e.mp4",
            false,
            transcript[..8].to_vec(),
        )
        .unwrap()
        .to_string();
    let (segments, sizes, _) = transcript_pages(&api, &meeting, &even).await;
    assert_eq!(sizes, [4, 4]);
    assert_eq!(segments, expected[..8]);
}
