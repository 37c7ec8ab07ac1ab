//! `attio-meetings` built from Attio's whole published document (see `../run.sh`, which sets
//! `ATTIO_MEETINGS_SPEC`) does a meeting's whole life against the fake: find-or-create, get, list,
//! a call recording, its transcript, its deletion.

use attio_meetings::Client;
use attio_meetings::types::{
    CallRecordingStatus, ExternalRef, MeetingTime, NewMeeting, NewParticipant, ParticipantStatus,
};
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
    // The builder itself goes to `find_or_create`, which converts it when the call is sent.
    let meeting = NewMeeting::builder()
        .title("Onboarding")
        .description("from Attio's document")
        .start(MeetingTime::at(start, "America/New_York"))
        .end(MeetingTime::at(
            start + Duration::hours(1),
            "America/New_York",
        ))
        .is_all_day(false)
        .participants(vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("tom@example.com", ParticipantStatus::Tentative),
        ])
        .external_ref(ExternalRef::id("attio-document-1").unwrap());

    // Find or create: twice, one meeting.
    let created = client
        .meetings()
        .find_or_create(meeting.clone())
        .await
        .expect("created");
    let again = client
        .meetings()
        .find_or_create(meeting)
        .await
        .expect("found");
    assert_eq!(again.id, created.id);
    assert_eq!(created.title, "Onboarding");
    assert_eq!(created.start.datetime(), Some(start));
    let MeetingTime::Timed { timezone, .. } = &created.start else {
        panic!("a timed meeting: {:?}", created.start)
    };
    assert_eq!(timezone.as_deref(), Some("America/New_York"));
    assert_eq!(created.participants.len(), 2);

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
