//! The generated (raw) client against the fake server, over HTTP: every operation decodes, errors decode into
//! `AttioError` (both status-key spellings), and the fake's state agrees with what the client saw.

use attio_meetings::raw::{Client, Error};
use attio_meetings::types::{
    AttioError, CallRecordingStatus, CreateCallRecordingRequest, ExternalId, ExternalRef,
    FindOrCreateMeetingRequest, MeetingSort, MeetingTime, NewCallRecording, NewMeeting,
    NewParticipant, ParticipantStatus,
};
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
    let mut auth =
        reqwest::header::HeaderValue::from_str(&format!("Bearer {}", server.token())).unwrap();
    auth.set_sensitive(true);
    let http = reqwest::Client::builder()
        .default_headers(
            [(reqwest::header::AUTHORIZATION, auth)]
                .into_iter()
                .collect(),
        )
        .build()
        .unwrap();
    let client = Client::new_with_client(server.base_url(), http);
    (server, client)
}

fn request(external_id: &str, hour: u32) -> FindOrCreateMeetingRequest {
    let at = |h: u32| MeetingTime::Timed {
        datetime: DateTime::parse_from_rfc3339(&format!("2027-11-27T{h:02}:00:00-05:00")).unwrap(),
        timezone: Some("America/New_York".into()),
    };
    FindOrCreateMeetingRequest {
        data: NewMeeting {
            title: format!("Meeting {external_id}"),
            description: "synced".into(),
            start: at(hour),
            end: at(hour + 1),
            is_all_day: false,
            participants: vec![NewParticipant {
                email_address: "ada@example.com".into(),
                is_organizer: true,
                status: ParticipantStatus::Accepted,
            }],
            linked_records: Vec::new(),
            external_ref: ExternalRef::ExternalId(ExternalId::try_from(external_id).unwrap()),
        },
    }
}

fn api_error<T: std::fmt::Debug>(result: Result<T, Error<AttioError>>) -> AttioError {
    match result {
        Err(Error::ErrorResponse(response)) => response.into_inner(),
        other => panic!("expected an Attio error, got {other:?}"),
    }
}

#[tokio::test]
async fn meetings_round_trip_through_the_generated_client() {
    let (server, client) = setup().await;
    let created = client
        .find_or_create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let again = client
        .find_or_create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    assert_eq!(created.id, again.id);
    for (i, hour) in [13, 11, 10].into_iter().enumerate() {
        client
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
            .list_meetings()
            .limit(3u8)
            .sort(MeetingSort::StartDesc);
        if let Some(c) = cursor.take() {
            call = call.cursor(c);
        }
        let page = call.send().await.unwrap().into_inner();
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
        .get_meeting()
        .meeting_id(created.id.meeting_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(got.data, created);
    assert_eq!(server.requests(Operation::ListMeetings), 2);
}

#[tokio::test]
async fn errors_decode_into_the_envelope() {
    let (_server, client) = setup().await;
    let missing = uuid::Uuid::new_v4();
    let error = api_error(client.get_meeting().meeting_id(missing).send().await);
    assert_eq!((error.status_code, error.code.as_str()), (404, "not_found"));
    assert_eq!(
        error.message,
        format!("Meeting with ID \"{missing}\" was not found.")
    );

    // The fake answers find-or-create's 400 with `statusCode`, as Attio documents it.
    let mut invalid = request("c", 9);
    invalid.data.is_all_day = true;
    let error = api_error(client.find_or_create_meeting().body(invalid).send().await);
    assert_eq!(
        (error.status_code, error.type_.as_str(), error.code.as_str()),
        (400, "invalid_request_error", "validation_type")
    );
}

#[tokio::test]
async fn call_recordings_and_transcripts() {
    let (server, client) = setup().await;
    let meeting = client
        .find_or_create_meeting()
        .body(request("r", 9))
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let meeting_id = meeting.id.meeting_id;
    let body = CreateCallRecordingRequest {
        data: NewCallRecording {
            video_url: "https://example.com/call.mp4".into(),
        },
    };
    let recording = client
        .create_call_recording()
        .meeting_id(meeting_id)
        .body(body)
        .send()
        .await
        .unwrap()
        .into_inner()
        .data;
    let id = recording.id.call_recording_id;
    let got = client
        .get_call_recording()
        .meeting_id(meeting_id)
        .call_recording_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(got.into_inner().data.status, CallRecordingStatus::Completed);
    let listed = client
        .list_call_recordings()
        .meeting_id(meeting_id)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.data.len(), 1);

    let mut segments = Vec::new();
    let mut cursor = None::<String>;
    let mut pages = 0;
    loop {
        let mut call = client
            .get_transcript()
            .meeting_id(meeting_id)
            .call_recording_id(id);
        if let Some(c) = cursor.take() {
            call = call.cursor(c);
        }
        let page = call.send().await.unwrap().into_inner();
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

    let deleted = client
        .delete_call_recording()
        .meeting_id(meeting_id)
        .call_recording_id(id)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status().as_u16(), 204);
    let error = api_error(
        client
            .get_call_recording()
            .meeting_id(meeting_id)
            .call_recording_id(id)
            .send()
            .await,
    );
    assert_eq!(error.status_code, 404);
    assert!(server.store().call_recordings().is_empty());
}
