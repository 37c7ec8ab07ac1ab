//! Webhooks end to end: the fake delivers to an in-process axum receiver built with
//! `webhooks::axum::VerifiedDelivery` (feature `axum`), and the example runs as a process.

mod common;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use attio_meetings::webhooks::{Delivery, WebhookEvent, WebhookSecret, axum::VerifiedDelivery};
use attio_meetings_mock::{Limits, MockServer, WebhookDelivery, WebhookFaults, WebhookSettings};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::{Router, routing::post};
use common::{client, new_meeting};

const SECRET: &str = "whsec-end-to-end";

/// What the receiver's handler saw, and the statuses it is told to answer (then 200).
#[derive(Clone, Default)]
struct Receiver {
    seen: Arc<Mutex<Vec<Delivery>>>,
    script: Arc<Mutex<VecDeque<u16>>>,
}

#[derive(Clone)]
struct App {
    secret: WebhookSecret,
    receiver: Receiver,
}

impl FromRef<App> for WebhookSecret {
    fn from_ref(app: &App) -> Self {
        app.secret.clone()
    }
}

async fn handle(
    State(app): State<App>,
    VerifiedDelivery(delivery): VerifiedDelivery,
) -> StatusCode {
    app.receiver.seen.lock().unwrap().push(delivery);
    let scripted = app.receiver.script.lock().unwrap().pop_front();
    scripted
        .and_then(|code| StatusCode::from_u16(code).ok())
        .unwrap_or(StatusCode::OK)
}

/// A receiver on a free port; its URL.
async fn receiver(script: &[u16]) -> (String, Receiver) {
    let receiver = Receiver::default();
    receiver.script.lock().unwrap().extend(script);
    let app = Router::new().route("/hooks", post(handle)).with_state(App {
        secret: WebhookSecret::new(SECRET),
        receiver: receiver.clone(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, receiver)
}

async fn fake_delivering_to(url: &str, max_retries: u32) -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(50))
        .webhook(url, SECRET)
        .webhook_settings(WebhookSettings {
            initial_backoff: Duration::from_millis(20),
            max_retries,
            ..WebhookSettings::default()
        })
        .start()
        .await
        .unwrap()
}

/// Creates a meeting and a recording that completes; their ids.
async fn record(server: &MockServer, external: &str) -> (uuid::Uuid, uuid::Uuid) {
    let client = client(server);
    let meeting = client
        .meetings()
        .create(new_meeting(external))
        .await
        .unwrap();
    let recording = client
        .call_recordings(meeting.id.meeting_id)
        .create("https://example.com/call.mp4")
        .await
        .unwrap();
    (meeting.id.meeting_id, recording.id.call_recording_id)
}

async fn finished(server: &MockServer, count: usize) -> Vec<WebhookDelivery> {
    server
        .webhooks()
        .wait_until(Duration::from_secs(10), |d| {
            d.len() >= count && d.iter().all(|d| d.finished)
        })
        .await
}

fn statuses(delivery: &WebhookDelivery) -> Vec<Option<u16>> {
    delivery.attempts.iter().map(|a| a.status).collect()
}

#[tokio::test]
async fn the_fake_delivers_a_verified_call_recording_created() {
    let (url, receiver) = receiver(&[]).await;
    let server = fake_delivering_to(&url, 3).await;
    let (meeting_id, recording_id) = record(&server, "e2e-delivered").await;

    let deliveries = finished(&server, 1).await;
    assert_eq!(deliveries.len(), 1);
    assert!(deliveries[0].delivered);
    assert_eq!(statuses(&deliveries[0]), [Some(200)]);

    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].webhook_id, deliveries[0].webhook_id);
    assert_eq!(
        seen[0].idempotency_key.as_deref(),
        Some(deliveries[0].idempotency_key.as_str())
    );
    let [
        WebhookEvent::CallRecordingCreated {
            workspace_id,
            meeting_id: m,
            call_recording_id: r,
            actor,
        },
    ] = seen[0].events.as_slice()
    else {
        panic!("{:?}", seen[0].events);
    };
    assert_eq!((*m, *r), (meeting_id, recording_id));
    assert_eq!(*workspace_id, server.store().workspace_id());
    assert!(actor.id.is_some());

    // The calls that follow: the recording is completed and its transcript is there.
    let client = client(&server);
    let recording = seen[0].events[0]
        .call_recording(&client)
        .unwrap()
        .await
        .unwrap();
    assert_eq!(
        recording.status,
        attio_meetings::types::CallRecordingStatus::Completed
    );
    let transcript = seen[0].events[0]
        .transcript(&client)
        .unwrap()
        .await
        .unwrap();
    assert!(!transcript.transcript.is_empty());
}

#[tokio::test]
async fn a_receiver_answering_500_twice_gets_the_same_message_a_third_time() {
    let (url, receiver) = receiver(&[500, 500]).await;
    let server = fake_delivering_to(&url, 5).await;
    record(&server, "e2e-retried").await;

    let deliveries = finished(&server, 1).await;
    assert_eq!(deliveries.len(), 1, "one message, retried");
    assert_eq!(statuses(&deliveries[0]), [Some(500), Some(500), Some(200)]);
    assert!(deliveries[0].delivered);

    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3);
    let keys: Vec<_> = seen
        .iter()
        .map(|d| d.idempotency_key.clone().unwrap())
        .collect();
    assert!(
        keys.iter().all(|k| *k == deliveries[0].idempotency_key),
        "{keys:?}"
    );
    assert_eq!(seen[0], seen[2], "the retry is the same message");
}

#[tokio::test]
async fn a_forged_delivery_is_refused_with_401_and_never_reaches_the_handler() {
    let (url, receiver) = receiver(&[]).await;
    let server = fake_delivering_to(&url, 2).await;
    server.webhooks().set_faults(WebhookFaults {
        wrong_signature: true,
        ..WebhookFaults::default()
    });
    record(&server, "e2e-forged").await;

    let deliveries = finished(&server, 1).await;
    assert_eq!(statuses(&deliveries[0]), [Some(401), Some(401), Some(401)]);
    assert!(!deliveries[0].delivered);
    assert!(receiver.seen.lock().unwrap().is_empty());

    // And without any signature, straight to the receiver.
    let answer = reqwest::Client::new()
        .post(&url)
        .body(deliveries[0].body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert!(receiver.seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_duplicated_message_keeps_its_idempotency_key() {
    let (url, receiver) = receiver(&[]).await;
    let server = fake_delivering_to(&url, 0).await;
    server.webhooks().set_faults(WebhookFaults {
        duplicate: true,
        ..WebhookFaults::default()
    });
    record(&server, "e2e-duplicate").await;

    let deliveries = finished(&server, 2).await;
    assert_eq!(deliveries.len(), 2);
    assert_eq!(deliveries[0].idempotency_key, deliveries[1].idempotency_key);
    assert_eq!(deliveries[0].body, deliveries[1].body);
    let seen = receiver.seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0], seen[1]);
}

#[tokio::test]
async fn a_recording_deleted_before_it_completes_is_not_announced() {
    let (url, receiver) = receiver(&[]).await;
    // Long enough for the delete to land first on a busy machine.
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::from_millis(600))
        .webhook(&url, SECRET)
        .start()
        .await
        .unwrap();
    let (meeting_id, recording_id) = record(&server, "e2e-deleted").await;
    client(&server)
        .call_recordings(meeting_id)
        .delete(recording_id)
        .await
        .unwrap();
    let (_, kept) = record(&server, "e2e-kept").await;

    finished(&server, 1).await;
    // The deleted one was due first; give it time to (wrongly) show up.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let deliveries = server.webhooks().deliveries();
    let recordings: Vec<_> = deliveries.iter().map(|d| d.call_recording_id).collect();
    assert_eq!(recordings, [kept]);
    assert_eq!(receiver.seen.lock().unwrap().len(), 1);
}

#[test]
fn the_example_prints_the_transcript_once() {
    // Cargo builds the examples before running tests; the binary sits beside this test's directory.
    let exe = std::env::current_exe().unwrap();
    let example = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| {
            dir.join("examples")
                .join(format!("webhook_receiver{}", std::env::consts::EXE_SUFFIX))
        })
        .unwrap();
    assert!(example.is_file(), "{} is not built", example.display());
    let output = std::process::Command::new(&example)
        .env_remove("ATTIO_API_KEY")
        .env_remove("ATTIO_WEBHOOK_SECRET")
        .env_remove("PORT")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(!lines.is_empty(), "{stderr}");
    for line in &lines {
        let (stamp, text) = line.split_once("] ").unwrap_or_else(|| panic!("{line}"));
        assert!(stamp.starts_with('[') && stamp.len() == 6, "{line}");
        assert!(text.contains(": "), "{line}");
    }
    // The fake sent the message twice; the transcript was printed once.
    let segments = stderr
        .lines()
        .find_map(|l| {
            l.split_once(" segments; ")
                .map(|(n, _)| n.parse::<usize>().unwrap())
        })
        .unwrap_or_else(|| panic!("{stderr}"));
    assert_eq!(segments, lines.len());
    assert!(stderr.contains("ignored a repeated delivery"), "{stderr}");
}
