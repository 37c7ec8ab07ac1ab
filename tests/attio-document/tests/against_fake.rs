//! `attio-meetings` built from Attio's whole published document (see `../run.sh`, which sets
//! `ATTIO_MEETINGS_SPEC`) does a meeting's whole life against the fake: create, ensure, get, list, a call
//! recording, its transcript, its deletion.
//!
//! The document beside the repository is Attio's of 2026-03-02: its create-meeting still requires
//! `external_ref`, which today's Attio (and the fake) ignore, and it has no participant names, transcript
//! uploads or meeting deletes (the library compiles those shortcuts out).

use attio_meetings::types::{CallRecordingStatus, MeetingTime, NewMeeting};
use attio_meetings::{Client, Ensured};
use attio_meetings_mock::{Limits, MockServer};
use chrono::{DateTime, Duration};
use futures_util::StreamExt;

#[tokio::test]
async fn the_client_from_attio_document_works_against_the_fake() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(std::time::Duration::ZERO)
        .start()
        .await
        .expect("the fake starts");
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .build()
        .expect("a client");

    let start = DateTime::parse_from_rfc3339("2027-11-27T14:00:00-05:00").unwrap();
    // Decoded rather than built, so that the test does not name the type the document's inline
    // `external_ref` gets.
    let meeting: NewMeeting = serde_json::from_value(serde_json::json!({
        "title": "Onboarding",
        "description": "from Attio's document",
        "start": {"datetime": start.to_rfc3339(), "timezone": "America/New_York"},
        "end": {"datetime": (start + Duration::hours(1)).to_rfc3339(), "timezone": "America/New_York"},
        "is_all_day": false,
        "participants": [
            {"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"},
            {"email_address": "tom@example.com", "is_organizer": false, "status": "tentative"}
        ],
        "external_ref": "attio-document-1"
    }))
    .expect("a meeting of the 2026-03-02 document");

    // Create: today's Attio creates on every call, whatever `external_ref` says.
    let created = client
        .meetings()
        .create(meeting.clone())
        .await
        .expect("created");
    assert_eq!(created.title, "Onboarding");
    assert_eq!(created.start.datetime(), Some(start));
    let MeetingTime::Timed { timezone, .. } = &created.start else {
        panic!("a timed meeting: {:?}", created.start)
    };
    assert_eq!(timezone.as_deref(), Some("America/New_York"));
    assert_eq!(created.participants.len(), 2);
    // Ensure: found, not created again.
    let ensured = client.meetings().ensure(meeting).await.expect("ensured");
    assert_eq!(ensured, Ensured::Found(created.clone()));
    assert_eq!(server.store().meetings().len(), 1);

    // Get.
    let meeting_id = created.id.meeting_id;
    let got = client.meetings().get(meeting_id).await.expect("got");
    assert_eq!(got, created);

    // List, following the cursors.
    let listed: Vec<_> = client
        .meetings()
        .list()
        .limit(10)
        .stream()
        .take(100)
        .collect()
        .await;
    let listed: Vec<_> = listed
        .into_iter()
        .collect::<Result<_, _>>()
        .expect("listed");
    assert_eq!(listed, std::slice::from_ref(&created));

    // A call recording, its transcript, its deletion.
    let recordings = client.call_recordings(meeting_id);
    let recording = recordings
        .create("https://videos.example.com/call.mp4")
        .await
        .expect("recording created");
    assert_eq!(recording.id.meeting_id, meeting_id);
    let recording_id = recording.id.call_recording_id;
    let fetched = recordings.get(recording_id).await.expect("recording");
    assert_eq!(fetched.status, CallRecordingStatus::Completed);

    let transcript = client
        .transcript(meeting_id, recording_id)
        .await
        .expect("transcript");
    assert_eq!(transcript.id.call_recording_id, recording_id);
    assert!(!transcript.transcript.is_empty(), "{transcript:?}");
    assert!(!transcript.raw_transcript.is_empty());

    recordings.delete(recording_id).await.expect("deleted");
    let gone = recordings.get(recording_id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone:?}");
    assert!(server.store().call_recordings().is_empty());
}
