//! Call recordings that are still being processed: their transcript is empty (and a success), and
//! `wait_until_processed` polls until Attio is done, or gives up with `Error::StillProcessing`.

mod common;

use std::time::{Duration, Instant};

use attio_meetings::Error;
use attio_meetings::types::CallRecordingStatus;
use attio_meetings_mock::{Endpoint, Limits, MockServer};

use common::{client, ms, seed_meeting};

async fn fake_processing_for(processing: Duration) -> MockServer {
    MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(processing)
        .start()
        .await
        .expect("the fake starts")
}

#[tokio::test]
async fn waiting_returns_the_recording_once_processed() {
    let server = fake_processing_for(ms(400)).await;
    let client = client(&server);
    let meeting = seed_meeting(&server, "processing-1");
    let recordings = client.call_recordings(meeting);
    let created = recordings
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap();
    assert_eq!(created.status, CallRecordingStatus::Processing);
    let id = created.id.call_recording_id;

    // While processing: a transcript with nothing in it, answered as a success.
    let early = client.transcript(meeting, id).await.unwrap();
    assert!(early.transcript.is_empty() && early.raw_transcript.is_empty());

    let started = Instant::now();
    let done = recordings
        .wait_until_processed(id)
        .every(ms(50))
        .timeout(Duration::from_secs(20))
        .await
        .unwrap();
    assert_eq!(done.status, CallRecordingStatus::Completed);
    assert!(started.elapsed() >= ms(250), "{:?}", started.elapsed());
    let polls = server.requests(Endpoint::GetCallRecording);
    assert!(polls >= 2, "polled {polls} times");

    let transcript = client.transcript(meeting, id).await.unwrap();
    assert!(!transcript.transcript.is_empty());
}

#[tokio::test]
async fn a_failed_recording_ends_the_wait_at_once() {
    let server = fake_processing_for(ms(0)).await;
    let client = client(&server);
    let meeting = seed_meeting(&server, "processing-2");
    let recordings = client.call_recordings(meeting);
    // The fake fails recordings whose URL is not an .mp4, as Attio would fail to read them.
    let created = recordings
        .create("https://videos.example.com/call.mov")
        .await
        .unwrap();
    let done = recordings
        .wait_until_processed(created.id.call_recording_id)
        .every(ms(20))
        .await
        .unwrap();
    assert_eq!(done.status, CallRecordingStatus::Failed);
    assert_eq!(server.requests(Endpoint::GetCallRecording), 1);
}

#[tokio::test]
async fn waiting_gives_up_after_the_timeout() {
    let server = fake_processing_for(Duration::from_secs(3600)).await;
    let client = client(&server);
    let meeting = seed_meeting(&server, "processing-3");
    let recordings = client.call_recordings(meeting);
    let created = recordings
        .create("https://videos.example.com/call.mp4")
        .await
        .unwrap();
    let started = Instant::now();
    let error = recordings
        .wait_until_processed(created.id.call_recording_id)
        .every(ms(40))
        .timeout(ms(300))
        .await
        .unwrap_err();
    // It says how long it polled (at least one interval; a slow machine may take longer per poll).
    assert!(
        matches!(error, Error::StillProcessing { waited } if waited >= ms(40)),
        "{error:?}"
    );
    // Bounded by the timeout (with room for a loaded machine), not by the recording.
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(error.is_retryable() && !error.may_have_been_applied());
}
