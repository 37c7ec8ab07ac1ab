//! The generated operations, by operationId through `client.api()`, against the fake server over HTTP:
//! every operation decodes, errors map into `Error::Api`, an invalid body is refused unsent, and the fake's
//! state agrees with what the client saw.

use attio_meetings::types::{
    CallRecordingStatus, CreateCallRecordingRequest, ExternalId, ExternalRef,
    FindOrCreateMeetingRequest, MeetingSort, MeetingTime, NewCallRecording, NewMeeting,
    NewParticipant,
};
use attio_meetings::{ApiError, Client, Error};
use attio_meetings_mock::{Limits, MockServer, Operation};
use chrono::DateTime;

async fn setup() -> (MockServer, Client) {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(std::time::Duration::ZERO)
        .transcript_page_size(7)
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .build()
        .unwrap();
    (server, client)
}

fn request(external_id: &str, hour: u32) -> FindOrCreateMeetingRequest {
    let at = |h: u32| MeetingTime::Timed {
        datetime: DateTime::parse_from_rfc3339(&format!("2027-11-27T{h:02}:00:00-05:00")).unwrap(),
        timezone: Some("America/New_York".into()),
    };
    FindOrCreateMeetingRequest::builder()
        .data(
            NewMeeting::builder()
                .title(format!("Meeting {external_id}"))
                .description("synced")
                .start(at(hour))
                .end(at(hour + 1))
                .is_all_day(false)
                .participants(vec![NewParticipant::organizer("ada@example.com")])
                .external_ref(ExternalRef::ExternalId(
                    ExternalId::try_from(external_id).unwrap(),
                )),
        )
        .try_into()
        .unwrap()
}

fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> ApiError {
    match result {
        Err(Error::Api(api)) => *api,
        other => panic!("expected an Attio error, got {other:?}"),
    }
}

#[tokio::test]
async fn meetings_round_trip_through_the_generated_client() {
    let (server, client) = setup().await;
    let created = client
        .api()
        .find_or_create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap();
    let again = client
        .api()
        .find_or_create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap();
    assert_eq!(created.id, again.id);
    for (i, hour) in [13, 11, 10].into_iter().enumerate() {
        client
            .api()
            .find_or_create_meeting()
            .body(request(&format!("b{i}"), hour))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.store().meetings().len(), 4);
    // The offset of the meeting's timezone comes back.
    let MeetingTime::Timed { datetime, timezone } = &created.start else {
        panic!("timed meeting")
    };
    assert_eq!(datetime.offset().local_minus_utc(), -5 * 3600);
    assert_eq!(timezone.as_deref(), Some("America/New_York"));

    let mut seen = Vec::new();
    let mut cursor = None::<String>;
    loop {
        let mut call = client
            .api()
            .list_meetings()
            .limit(3)
            .sort(MeetingSort::StartDesc);
        if let Some(c) = cursor.take() {
            call = call.cursor(c);
        }
        let page = call.send().await.unwrap();
        seen.extend(page.data.into_iter().map(|m| m.title));
        match page.pagination.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert_eq!(
        seen,
        ["Meeting b0", "Meeting b1", "Meeting b2", "Meeting a"]
    );

    let got = client
        .api()
        .get_meeting()
        .meeting_id(created.id.meeting_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got, created);
    assert_eq!(server.requests(Operation::ListMeetings), 2);
}

#[tokio::test]
async fn errors_decode_into_the_envelope() {
    let (server, client) = setup().await;
    let missing = uuid::Uuid::new_v4();
    let error = api_error(client.api().get_meeting().meeting_id(missing).send().await);
    assert_eq!(
        (error.status.as_u16(), error.code.as_str()),
        (404, "not_found")
    );
    assert_eq!(
        error.message,
        format!("Meeting with ID \"{missing}\" was not found.")
    );

    // The generated builder runs the crate's checks: an inconsistent meeting is refused unsent.
    let mut invalid = request("c", 9);
    invalid.data.is_all_day = true;
    let refused = client
        .api()
        .find_or_create_meeting()
        .body(invalid)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidInput { field, .. } if field == "data.start"),
        "{refused:?}"
    );
    assert_eq!(server.requests(Operation::FindOrCreateMeeting), 0);
}

#[tokio::test]
async fn call_recordings_and_transcripts() {
    let (server, client) = setup().await;
    let meeting = client
        .api()
        .find_or_create_meeting()
        .body(request("r", 9))
        .send()
        .await
        .unwrap();
    let meeting_id = meeting.id.meeting_id;
    let body: CreateCallRecordingRequest = CreateCallRecordingRequest::builder()
        .data(NewCallRecording::builder().video_url("https://example.com/call.mp4"))
        .try_into()
        .unwrap();
    let recording = client
        .api()
        .create_call_recording()
        .meeting_id(meeting_id)
        .body(body)
        .send()
        .await
        .unwrap();
    let id = recording.id.call_recording_id;
    let got = client
        .api()
        .get_call_recording()
        .meeting_id(meeting_id)
        .call_recording_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.status, CallRecordingStatus::Completed);
    let listed = client
        .api()
        .list_call_recordings()
        .meeting_id(meeting_id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.data.len(), 1);

    let mut segments = Vec::new();
    let mut cursor = None::<String>;
    let mut pages = 0;
    loop {
        let mut call = client
            .api()
            .get_transcript()
            .meeting_id(meeting_id)
            .call_recording_id(id);
        if let Some(c) = cursor.take() {
            call = call.cursor(c);
        }
        let page = call.send().await.unwrap();
        pages += 1;
        assert!(page.data.transcript.len() <= 7);
        segments.extend(page.data.transcript);
        match page.pagination.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    assert!(pages > 1, "the transcript spans several pages");
    assert!(
        segments
            .windows(2)
            .all(|w| w[0].start_time <= w[1].start_time)
    );

    client
        .api()
        .delete_call_recording()
        .meeting_id(meeting_id)
        .call_recording_id(id)
        .send()
        .await
        .unwrap();
    let error = api_error(
        client
            .api()
            .get_call_recording()
            .meeting_id(meeting_id)
            .call_recording_id(id)
            .send()
            .await,
    );
    assert_eq!(error.status.as_u16(), 404);
    assert!(server.store().call_recordings().is_empty());
}
