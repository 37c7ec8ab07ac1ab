//! The generated operations, by operationId through `client.api()`, against the fake server over HTTP:
//! every operation decodes, errors map into `Error::Api`, an invalid body is refused unsent, and the fake's
//! state agrees with what the client saw.

use attio_meetings::types::{
    CallRecordingStatus, CreateCallRecordingRequest, CreateMeetingRequest, MeetingSort,
    MeetingTime, NewCallRecording, NewLinkedRecord, NewMeeting, NewParticipant,
    NewTranscriptSegment,
};
use attio_meetings::{ApiError, Client, Error};
use attio_meetings_mock::{Endpoint, Limits, MockServer};
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

fn request(name: &str, hour: u32) -> CreateMeetingRequest {
    let at = |h: u32| MeetingTime::Timed {
        datetime: DateTime::parse_from_rfc3339(&format!("2027-11-27T{h:02}:00:00-05:00")).unwrap(),
        timezone: Some("America/New_York".into()),
    };
    CreateMeetingRequest::builder()
        .data(
            NewMeeting::builder()
                .title(format!("Meeting {name}"))
                .description("synced")
                .start(at(hour))
                .end(at(hour + 1))
                .is_all_day(false)
                .participants(vec![NewParticipant::organizer("ada@example.com")]),
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
        .create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap();
    let again = client
        .api()
        .create_meeting()
        .body(request("a", 9))
        .send()
        .await
        .unwrap();
    // Attio creates on every call: the same body twice is two meetings.
    assert_ne!(created.id, again.id);
    assert_eq!(again.title, created.title);
    for (i, hour) in [13, 11, 10].into_iter().enumerate() {
        client
            .api()
            .create_meeting()
            .body(request(&format!("b{i}"), hour))
            .send()
            .await
            .unwrap();
    }
    assert_eq!(server.store().meetings().len(), 5);
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
        [
            "Meeting b0",
            "Meeting b1",
            "Meeting b2",
            "Meeting a",
            "Meeting a"
        ]
    );

    let got = client
        .api()
        .get_meeting()
        .meeting_id(created.id.meeting_id)
        .send()
        .await
        .unwrap();
    assert_eq!(got, created);
    assert_eq!(server.requests(Endpoint::ListMeetings), 2);
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
        .create_meeting()
        .body(invalid)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidInput { field, .. } if field == "data.start"),
        "{refused:?}"
    );
    assert_eq!(server.requests(Endpoint::CreateMeeting), 0);
}

#[tokio::test]
async fn call_recordings_and_transcripts() {
    let (server, client) = setup().await;
    let meeting = client
        .api()
        .create_meeting()
        .body(request("r", 9))
        .send()
        .await
        .unwrap();
    let meeting_id = meeting.id.meeting_id;
    let body: CreateCallRecordingRequest = CreateCallRecordingRequest::builder()
        .data(NewCallRecording::from_video("https://example.com/call.mp4"))
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
        // Deprecated by Attio, and still served: the paged endpoint itself.
        #[allow(deprecated)]
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

#[tokio::test]
async fn meetings_are_deleted_once_and_gone_after() {
    let (server, client) = setup().await;
    let meeting = client
        .api()
        .create_meeting()
        .body(request("d", 9))
        .send()
        .await
        .unwrap();
    let id = meeting.id.meeting_id;
    let recording = client
        .call_recordings(id)
        .create("https://example.com/call.mp4")
        .await
        .unwrap();
    client.meetings().delete(id).await.unwrap();
    assert!(server.store().meetings().is_empty());
    // The fake deletes a meeting's recordings with it (Attio does not say).
    assert!(server.store().call_recordings().is_empty());
    let again = api_error(client.meetings().delete(id).await);
    assert_eq!(
        (again.status.as_u16(), again.code.as_str()),
        (404, "not_found")
    );
    let gone = api_error(
        client
            .call_recordings(id)
            .get(recording.id.call_recording_id)
            .await,
    );
    assert_eq!(gone.status.as_u16(), 404);
}

#[tokio::test]
async fn linked_records_are_appended_and_replaced() {
    let (_server, client) = setup().await;
    let meeting = client
        .api()
        .create_meeting()
        .body(request("l", 9))
        .send()
        .await
        .unwrap();
    let id = meeting.id.meeting_id;
    let (deal, company) = (uuid::Uuid::new_v4(), uuid::Uuid::new_v4());
    let linked = |m: &attio_meetings::types::Meeting| {
        let mut ids: Vec<_> = m.linked_records.iter().map(|r| r.record_id).collect();
        ids.sort();
        ids
    };
    let appended = client
        .meetings()
        .link_records(id, [NewLinkedRecord::new("deals", deal)])
        .await
        .unwrap();
    assert_eq!(linked(&appended), [deal]);
    // Appending what is already linked changes nothing: a repeat is harmless.
    let twice = client
        .meetings()
        .link_records(
            id,
            [
                NewLinkedRecord::new("deals", deal),
                NewLinkedRecord::new("companies", company),
            ],
        )
        .await
        .unwrap();
    let mut both = vec![deal, company];
    both.sort();
    assert_eq!(linked(&twice), both);
    let replaced = client
        .meetings()
        .replace_linked_records(id, [NewLinkedRecord::new("companies", company)])
        .await
        .unwrap();
    assert_eq!(linked(&replaced), [company]);
    let cleared = client
        .meetings()
        .replace_linked_records(id, [])
        .await
        .unwrap();
    assert!(cleared.linked_records.is_empty());
    assert_eq!(
        linked(&client.meetings().get(id).await.unwrap()),
        Vec::<uuid::Uuid>::new()
    );

    // More records than the spec's maxItems are refused before sending.
    let many = (0..51).map(|_| NewLinkedRecord::new("deals", uuid::Uuid::new_v4()));
    let refused = client.meetings().link_records(id, many).await.unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidInput { field, reason } if field == "data.linked_records" && reason.contains("at most 50")),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_transcript_uploaded_reads_back_from_the_recording_and_the_pages() {
    let (server, client) = setup().await;
    let meeting = client
        .api()
        .create_meeting()
        .body(request("t", 9))
        .send()
        .await
        .unwrap();
    let id = meeting.id.meeting_id;
    let segments: Vec<NewTranscriptSegment> = (0..20)
        .map(|i| {
            let start = f64::from(i) * 1.5;
            let speaker = if i % 2 == 0 {
                "Ada Lovelace"
            } else {
                "Tom Bell"
            };
            let segment =
                NewTranscriptSegment::new(speaker, start, start + 1.25, format!("words {i}"));
            if i % 2 == 0 {
                segment.speaker_email("ada@example.com")
            } else {
                segment
            }
        })
        .collect();
    let recording = client
        .call_recordings(id)
        .create(NewCallRecording::from_transcript(segments.clone()))
        .await
        .unwrap();
    let recording_id = recording.id.call_recording_id;
    let processed = client
        .call_recordings(id)
        .wait_until_processed(recording_id)
        .await
        .unwrap();
    assert_eq!(processed.status, CallRecordingStatus::Completed);
    assert_eq!(processed.video_url, None);
    let carried = processed
        .transcript
        .expect("the recording carries its transcript");
    let read: Vec<_> = carried
        .segments
        .iter()
        .map(|s| {
            (
                s.speaker.name.clone(),
                s.start_time,
                s.end_time,
                s.speech.clone(),
            )
        })
        .collect();
    let sent: Vec<_> = segments
        .iter()
        .map(|s| {
            (
                s.speaker.name.clone(),
                s.start_time,
                s.end_time,
                s.speech.clone(),
            )
        })
        .collect();
    assert_eq!(read, sent);

    // `client.transcript` reads it from the recording: one request, no page of the deprecated endpoint.
    let transcript = client.transcript(id, recording_id).await.unwrap();
    assert_eq!(transcript.transcript, carried.segments);
    assert_eq!(transcript.raw_transcript, carried.raw_transcript);
    assert_eq!(server.requests(Endpoint::GetTranscript), 0);
    // The deprecated endpoint pages the same segments (7 a page here).
    let paged: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(
        client.transcript(id, recording_id).stream(),
    )
    .await
    .unwrap();
    assert_eq!(paged, carried.segments);
    assert!(server.requests(Endpoint::GetTranscript) >= 3);
}

#[tokio::test]
async fn recordings_are_refused_unsent_when_their_transcript_is_out_of_order() {
    let (server, client) = setup().await;
    let meeting = client
        .api()
        .create_meeting()
        .body(request("o", 9))
        .send()
        .await
        .unwrap();
    let id = meeting.id.meeting_id;
    let cases = [
        (
            NewCallRecording::from_transcript(Vec::new()),
            "data",
            "a video_url, a transcript, or both",
        ),
        (
            NewCallRecording::from_transcript(vec![NewTranscriptSegment::new("A", -1.0, 1.0, "x")]),
            "data.transcript[0].start_time",
            "at least 0",
        ),
        (
            NewCallRecording::from_transcript(vec![NewTranscriptSegment::new("A", 2.0, 1.0, "x")]),
            "data.transcript[0].end_time",
            "not be before start_time",
        ),
        (
            NewCallRecording::from_transcript(vec![
                NewTranscriptSegment::new("A", 2.0, 3.0, "x"),
                NewTranscriptSegment::new("B", 1.0, 3.0, "y"),
            ]),
            "data.transcript[1].start_time",
            "in order",
        ),
        (
            NewCallRecording::from_transcript(vec![
                NewTranscriptSegment::new("A", 0.0, 1.0, "x").speaker_email("not an address"),
            ]),
            "data.transcript[0].speaker.email_address",
            "not an email address",
        ),
        (
            NewCallRecording::from_video("http://example.com/call.mp4"),
            "data.video_url",
            "https",
        ),
    ];
    for (recording, field, reason) in cases {
        let refused = client
            .call_recordings(id)
            .create(recording)
            .await
            .unwrap_err();
        assert!(
            matches!(&refused, Error::InvalidInput { field: f, reason: r } if f == field && r.contains(reason)),
            "{field}: {refused:?}"
        );
    }
    let too_long: Vec<_> = (0..4001)
        .map(|i| NewTranscriptSegment::new("A", f64::from(i), f64::from(i) + 0.5, "x"))
        .collect();
    let refused = client
        .call_recordings(id)
        .create(NewCallRecording::from_transcript(too_long))
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("at most 4000"), "{refused}");
    assert_eq!(server.requests(Endpoint::CreateCallRecording), 0);
}
