//! The fake's call recordings and transcripts over real HTTP: create (from a video, a transcript or both;
//! https, a known meeting), processing until completed or failed, the full form of get-call-recording
//! (`video_url`, `transcript`), per-meeting pagination, delete, the deprecated transcript pages, and the
//! `call-recording.created` webhook of transcript-only recordings.

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

// ---- transcript uploads and the full form of get-call-recording -------------------------------------

fn uploaded() -> Value {
    json!([
        {"speech": "Thanks for joining.", "start_time": 0, "end_time": 1.5,
         "speaker": {"name": "Ada Lovelace", "email_address": "ada@example.com"}},
        {"speech": "Shall we start?", "start_time": 1.5, "end_time": 2.75,
         "speaker": {"name": "Ada Lovelace"}},
        {"speech": "Sure, go ahead.", "start_time": 3, "end_time": 4.25,
         "speaker": {"name": "Grace Hopper"}},
        {"speech": "First, the renewal.", "start_time": 64.5, "end_time": 66,
         "speaker": {"name": "Ada Lovelace"}},
        {"speech": "Agreed.", "start_time": 67, "end_time": 67.5,
         "speaker": {"name": "Grace Hopper", "email_address": "grace@example.com"}},
    ])
}

/// The uploaded transcript as Attio answers it: speakers by name only.
fn uploaded_answer() -> Value {
    let segments: Vec<Value> = uploaded()
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            json!({
                "speech": s["speech"],
                "start_time": s["start_time"].as_f64().unwrap(),
                "end_time": s["end_time"].as_f64().unwrap(),
                "speaker": {"name": s["speaker"]["name"]},
            })
        })
        .collect();
    Value::Array(segments)
}

const UPLOADED_RAW: &str = "[00:00] Ada Lovelace: Thanks for joining. Shall we start?\n\
[00:03] Grace Hopper: Sure, go ahead.\n\
[01:04] Ada Lovelace: First, the renewal.\n\
[01:07] Grace Hopper: Agreed.";

fn summary_keys(recording: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = recording
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn a_transcript_recording_completes_and_serves_its_transcript_both_ways() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(300))
        .transcript_page_size(2)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);

    let created = api.create_transcript_recording(&meeting, &uploaded()).await;
    assert_eq!(created.status, 200, "{:?}", created.body);
    let r = &created.body["data"];
    assert_eq!(r["status"], "processing");
    // Create answers the summary form.
    assert_eq!(
        summary_keys(r),
        ["created_at", "created_by_actor", "id", "status", "web_url"]
    );
    let recording = recording_id(r);
    let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}");

    // While processing: no transcript anywhere.
    let early = api.get(&path, &[]).await;
    assert_eq!(early.status, 200);
    assert_eq!(early.body["data"]["status"], "processing");
    assert_eq!(early.body["data"]["video_url"], Value::Null);
    assert_eq!(early.body["data"]["transcript"], Value::Null);
    assert!(early.body["data"].get("transcript").is_some());
    let early_pages = api.get(&format!("{path}/transcript"), &[]).await;
    assert_eq!(early_pages.body["data"]["transcript"], json!([]));

    assert_eq!(api.wait_processed(&meeting, &recording).await, "completed");
    let done = api.get(&path, &[]).await;
    let data = &done.body["data"];
    assert_eq!(data["status"], "completed");
    assert_eq!(
        data["video_url"],
        Value::Null,
        "API recordings have no video link"
    );
    assert_eq!(data["transcript"]["segments"], uploaded_answer());
    assert_eq!(data["transcript"]["raw_transcript"], UPLOADED_RAW);
    assert_eq!(
        summary_keys(data),
        [
            "created_at",
            "created_by_actor",
            "id",
            "status",
            "transcript",
            "video_url",
            "web_url"
        ]
    );

    // The deprecated endpoint pages the same transcript.
    let (segments, sizes, last) = transcript_pages(&api, &meeting, &recording).await;
    assert_eq!(sizes, [2, 2, 1]);
    assert_eq!(Value::Array(segments), uploaded_answer());
    assert_eq!(last["data"]["raw_transcript"], UPLOADED_RAW);

    // List keeps the summary form.
    let list = api
        .get(&format!("/v2/meetings/{meeting}/call_recordings"), &[])
        .await;
    assert_eq!(
        summary_keys(&list.body["data"][0]),
        ["created_at", "created_by_actor", "id", "status", "web_url"]
    );
    assert_eq!(list.body["data"][0]["status"], "completed");
}

#[tokio::test]
async fn a_video_with_a_transcript_serves_the_uploaded_transcript() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(100))
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let both = api
        .post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {"video_url": "https://cdn.example.com/c.mp4", "transcript": uploaded()}}),
        )
        .await;
    assert_eq!(both.status, 200, "{:?}", both.body);
    let recording = recording_id(&both.body["data"]);
    assert_eq!(api.wait_processed(&meeting, &recording).await, "completed");
    let got = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{recording}"),
            &[],
        )
        .await;
    assert_eq!(got.body["data"]["video_url"], Value::Null);
    assert_eq!(
        got.body["data"]["transcript"]["segments"],
        uploaded_answer()
    );

    // A video whose download fails fails the recording, transcript or not: no transcript then.
    let broken = api
        .post(
            &format!("/v2/meetings/{meeting}/call_recordings"),
            &json!({"data": {"video_url": "https://cdn.example.com/c.mov", "transcript": uploaded()}}),
        )
        .await;
    let broken = recording_id(&broken.body["data"]);
    assert_eq!(api.wait_processed(&meeting, &broken).await, "failed");
    let got = api
        .get(
            &format!("/v2/meetings/{meeting}/call_recordings/{broken}"),
            &[],
        )
        .await;
    assert_eq!(got.body["data"]["transcript"], Value::Null);
}

#[tokio::test]
async fn get_call_recording_shows_video_url_and_transcript_for_every_kind() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(100))
        .transcript_page_size(7)
        .start()
        .await
        .unwrap();
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let get = async |recording: String| {
        let path = format!("/v2/meetings/{meeting}/call_recordings/{recording}");
        api.get(&path, &[]).await.body["data"].clone()
    };

    // A video alone: the fake makes up a transcript, the same one both endpoints serve.
    let video = api
        .create_recording(&meeting, "https://cdn.example.com/v.mp4")
        .await;
    let video = recording_id(&video.body["data"]);
    assert_eq!(api.wait_processed(&meeting, &video).await, "completed");
    let data = get(video.clone()).await;
    assert_eq!(data["video_url"], Value::Null);
    let (segments, _, last) = transcript_pages(&api, &meeting, &video).await;
    assert!(!segments.is_empty());
    assert_eq!(data["transcript"]["segments"], Value::Array(segments));
    assert_eq!(
        data["transcript"]["raw_transcript"],
        last["data"]["raw_transcript"]
    );

    // Failed: no transcript.
    let failed = api
        .create_recording(&meeting, "https://cdn.example.com/v.webm")
        .await;
    let failed = recording_id(&failed.body["data"]);
    assert_eq!(api.wait_processed(&meeting, &failed).await, "failed");
    let data = get(failed).await;
    assert_eq!(data["transcript"], Value::Null);
    assert_eq!(data["video_url"], Value::Null);

    // Seeded recordings stand for Attio's own recorder: their video link is shown.
    let store = server.store();
    let m = meeting.parse().unwrap();
    let seeded = store
        .seed_call_recording(
            m,
            "https://attio-recordings.example.com/r.mp4?expires=3600",
            false,
            vec![segment("Ada", "Hello", 0.0), segment("Ada", "again", 1.0)],
        )
        .unwrap()
        .to_string();
    let data = get(seeded).await;
    assert_eq!(
        data["video_url"],
        "https://attio-recordings.example.com/r.mp4?expires=3600"
    );
    assert_eq!(
        data["transcript"],
        json!({
            "segments": [
                {"speech": "Hello", "start_time": 0.0, "end_time": 0.5, "speaker": {"name": "Ada"}},
                {"speech": "again", "start_time": 1.0, "end_time": 1.5, "speaker": {"name": "Ada"}},
            ],
            "raw_transcript": "[00:00] Ada: Hello again",
        })
    );
    // No transcript (an empty one) is null; an empty video URL seeds a null link.
    let silent = store
        .seed_call_recording(m, "", false, vec![])
        .unwrap()
        .to_string();
    let data = get(silent).await;
    assert_eq!(data["transcript"], Value::Null);
    assert_eq!(data["video_url"], Value::Null);
    assert_eq!(data["status"], "completed");
}

#[tokio::test]
async fn a_recording_needs_a_video_or_a_valid_transcript() {
    let server = unlimited().await;
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let path = format!("/v2/meetings/{meeting}/call_recordings");
    let segment = |patch: Value| {
        let mut s =
            json!({"speech": "Hi", "start_time": 0, "end_time": 1, "speaker": {"name": "Ada"}});
        for (k, v) in patch.as_object().unwrap() {
            s[k] = v.clone();
        }
        json!({"data": {"transcript": [s]}})
    };
    for (what, body) in [
        ("neither", json!({"data": {}})),
        (
            "an empty transcript alone",
            json!({"data": {"transcript": []}}),
        ),
        (
            "transcript not an array",
            json!({"data": {"transcript": {}}}),
        ),
        ("negative start", segment(json!({"start_time": -0.5}))),
        ("start not a number", segment(json!({"start_time": "0"}))),
        ("no end", segment(json!({"end_time": null}))),
        ("speech not a string", segment(json!({"speech": 1}))),
        ("speaker without name", segment(json!({"speaker": {}}))),
        (
            "speaker email not an email",
            segment(json!({"speaker": {"name": "A", "email_address": "a"}})),
        ),
        (
            "4001 segments",
            json!({"data": {"transcript": vec![segment(json!({}))["data"]["transcript"][0].clone(); 4001]}}),
        ),
        ("video_url null", json!({"data": {"video_url": null}})),
    ] {
        let reply = api.post(&path, &body).await;
        assert_eq!(reply.status, 400, "{what}: {:?}", reply.body);
        assert_validation(&reply, "status_code");
    }
    let message = api.post(&path, &json!({"data": {}})).await.body["message"].clone();
    assert!(
        message
            .as_str()
            .is_some_and(|m| m.contains("video_url") && m.contains("transcript")),
        "{message}"
    );
    assert!(server.store().call_recordings().is_empty());
    // An end before its start is taken as sent (Attio bounds only the start), and 4000 segments pass.
    let reply = api
        .post(&path, &segment(json!({"start_time": 2, "end_time": 1})))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let many = vec![segment(json!({}))["data"]["transcript"][0].clone(); 4000];
    let reply = api
        .create_transcript_recording(&meeting, &json!(many))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
}

// ---- webhooks -------------------------------------------------------------------------------------------

/// A webhook receiver that answers every request `200`, on a thread of its own; its URL.
fn receiver() -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            // Read the head and Content-Length bytes of body, then answer.
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            let complete = loop {
                let n = match stream.read(&mut buf) {
                    Ok(0) | Err(_) => break false,
                    Ok(n) => n,
                };
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            let (k, v) = l.split_once(':')?;
                            k.eq_ignore_ascii_case("content-length")
                                .then(|| v.trim().parse::<usize>().ok())
                                .flatten()
                        })
                        .unwrap_or(0);
                    if seen.len() >= end + 4 + length {
                        break true;
                    }
                }
            };
            if complete {
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
                );
            }
        }
    });
    url
}

#[tokio::test]
async fn a_transcript_recording_is_announced_when_it_completes() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    server.webhooks().register(receiver(), "whsec-test");
    let api = Api::new(&server);
    let meeting = seed_at(&server, "m", 0);
    let created = api.create_transcript_recording(&meeting, &uploaded()).await;
    let recording = recording_id(&created.body["data"]);
    assert!(
        server.webhooks().deliveries().is_empty(),
        "announced before it completed"
    );
    let deliveries = server
        .webhooks()
        .wait_until(Duration::from_secs(5), |d| d.iter().any(|d| d.delivered))
        .await;
    assert_eq!(deliveries.len(), 1, "{deliveries:?}");
    let delivery = &deliveries[0];
    assert!(delivery.delivered, "{delivery:?}");
    assert_eq!(delivery.call_recording_id.to_string(), recording);
    assert_eq!(delivery.meeting_id.to_string(), meeting);
    let body: Value = serde_json::from_slice(&delivery.body).unwrap();
    assert_eq!(body["events"][0]["event_type"], "call-recording.created");
    assert_eq!(body["events"][0]["id"]["call_recording_id"], recording);
    assert_eq!(api.wait_processed(&meeting, &recording).await, "completed");

    // A recording whose meeting is deleted before it completes is never announced.
    let doomed = seed_at(&server, "doomed", 60);
    let created = api.create_transcript_recording(&doomed, &uploaded()).await;
    assert_eq!(created.status, 200);
    assert_eq!(
        api.delete(&format!("/v2/meetings/{doomed}")).await.status,
        200
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(server.webhooks().deliveries().len(), 1);
}
