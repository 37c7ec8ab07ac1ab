//! Receive Attio's webhooks and download the transcript of every new call recording:
//! `cargo run --example webhook_receiver --features axum`.
//!
//! The receiver verifies each delivery's signature (`VerifiedDelivery` answers 401 to anything else),
//! de-duplicates by `Idempotency-Key` (Attio retries and may redeliver a message) and answers 202 at once;
//! the transcripts are fetched outside the request, so a slow download never makes Attio retry.
//!
//! Without `ATTIO_API_KEY` it runs against the embedded fake, which sends every delivery twice here: it
//! registers the receiver, creates a meeting and a recording, prints the transcript once and exits. With
//! `ATTIO_API_KEY` and `ATTIO_WEBHOOK_SECRET` it listens on `PORT` (3000) until stopped; point a webhook
//! subscribed to `call-recording.created` at it.

use std::collections::HashSet;
use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant};
use attio_meetings::webhooks::{WebhookEvent, WebhookSecret, axum::VerifiedDelivery};
use attio_meetings::{Client, Pacing};
use attio_meetings_mock::{MockServer, WebhookFaults};
use axum::extract::{FromRef, State};
use axum::http::StatusCode;
use axum::{Router, routing::post};
use tokio::sync::mpsc;

#[derive(Clone)]
struct Receiver {
    secret: WebhookSecret,
    seen: Arc<Mutex<HashSet<String>>>,
    events: mpsc::UnboundedSender<WebhookEvent>,
}

impl FromRef<Receiver> for WebhookSecret {
    fn from_ref(receiver: &Receiver) -> Self {
        receiver.secret.clone()
    }
}

async fn receive(
    State(receiver): State<Receiver>,
    VerifiedDelivery(delivery): VerifiedDelivery,
) -> StatusCode {
    if let Some(key) = &delivery.idempotency_key {
        let new = receiver
            .seen
            .lock()
            .is_ok_and(|mut seen| seen.insert(key.clone()));
        if !new {
            eprintln!("(ignored a repeated delivery, Idempotency-Key {key})");
            return StatusCode::OK;
        }
    }
    for event in delivery.events {
        let _ = receiver.events.send(event);
    }
    StatusCode::ACCEPTED
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::var_os(attio_meetings::TOKEN_ENV).is_some();
    let secret = match std::env::var("ATTIO_WEBHOOK_SECRET") {
        Ok(secret) => secret,
        Err(_) if !live => "whsec-example".to_string(),
        Err(_) => return Err("set ATTIO_WEBHOOK_SECRET to the webhook's secret".into()),
    };
    let port: u16 = match std::env::var("PORT") {
        Ok(port) => port.parse()?,
        Err(_) if live => 3000,
        Err(_) => 0,
    };
    let host = if live {
        Ipv4Addr::UNSPECIFIED
    } else {
        Ipv4Addr::LOCALHOST
    };
    let listener = tokio::net::TcpListener::bind((host, port)).await?;
    let (events, mut incoming) = mpsc::unbounded_channel();
    let receiver = Receiver {
        secret: WebhookSecret::new(secret.clone()),
        seen: Arc::default(),
        events,
    };
    let url = format!("http://{}/attio/webhooks", listener.local_addr()?);
    let app = Router::new()
        .route("/attio/webhooks", post(receive))
        .with_state(receiver);
    tokio::spawn(async move { axum::serve(listener, app).await });
    eprintln!("receiving webhooks at {url}");

    let (client, _fake) = if live {
        let client = Client::builder()
            .from_env()?
            .pacing(Pacing::attio())
            .build()?;
        (client, None)
    } else {
        let fake = MockServer::builder()
            .processing_time(Duration::from_millis(300))
            .webhook(&url, &secret)
            .start()
            .await?;
        fake.webhooks().set_faults(WebhookFaults {
            duplicate: true,
            ..WebhookFaults::default()
        });
        eprintln!(
            "(no ATTIO_API_KEY: using the embedded fake at {})",
            fake.base_url()
        );
        let client = Client::builder()
            .token(fake.token())
            .base_url(fake.base_url())
            .build()?;
        record_a_call(&client).await?;
        (client, Some(fake))
    };

    while let Some(event) = incoming.recv().await {
        let Some(download) = event.transcript(&client) else {
            eprintln!("(not handled: {})", event.event_type());
            continue;
        };
        let transcript = download.await?;
        for segment in &transcript.transcript {
            let at = segment.start_time as u64;
            println!(
                "[{:02}:{:02}] {}: {}",
                at / 60,
                at % 60,
                segment.speaker.name,
                segment.speech
            );
        }
        eprintln!(
            "{} segments; {}",
            transcript.transcript.len(),
            transcript.web_url
        );
        if !live {
            // Let the duplicate arrive and be ignored before exiting.
            tokio::time::sleep(Duration::from_millis(300)).await;
            break;
        }
    }
    Ok(())
}

/// A meeting and a recording of its call on the fake; the recording completes a moment later.
async fn record_a_call(client: &Client) -> Result<(), attio_meetings::Error> {
    let start = chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00Z").unwrap_or_default();
    let meeting = client
        .meetings()
        .create(
            NewMeeting::builder()
                .title("Recorded call")
                .description("")
                .start(MeetingTime::instant(start))
                .end(MeetingTime::instant(start + chrono::Duration::minutes(30)))
                .is_all_day(false)
                .participants(vec![NewParticipant::organizer("ada@example.com")]),
        )
        .await?;
    let recording = client
        .call_recordings(meeting.id.meeting_id)
        .create("https://example.com/calls/recorded.mp4")
        .await?;
    eprintln!(
        "created recording {} of meeting {}; waiting for call-recording.created",
        recording.id.call_recording_id, meeting.id.meeting_id
    );
    Ok(())
}
