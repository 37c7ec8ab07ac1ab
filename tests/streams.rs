//! Pagination streams of the hand-written client against the fake: every item once and in order (meetings,
//! call recordings, transcript segments), as items, pages or one collection; an error mid-stream; the
//! prefetch of the next page.
//!
//! Every test runs on a current-thread runtime (the crate's dev-dependencies do not enable tokio's
//! multi-thread one); the fake runs on the same runtime.

mod common;

use attio_meetings::RetryPolicy;
use attio_meetings_mock::{Endpoint, Fault, Limits, MockServer, Segment};
use futures_util::StreamExt;
use uuid::Uuid;

use common::{client, eventually, fake, ms, seed_meeting, seed_meetings, status};

#[tokio::test]
async fn meeting_streams_yield_every_meeting_once_in_start_order() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);

    let streamed: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .stream()
        .map(|m| m.unwrap().id.meeting_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, expected);
    assert_eq!(server.requests(Endpoint::ListMeetings), 5);

    let pages: Vec<usize> = client
        .meetings()
        .list()
        .limit(5)
        .pages()
        .map(|p| p.unwrap().data.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [5, 5, 5, 5, 3]);

    let all = client
        .meetings()
        .list()
        .limit(5)
        .collect_all()
        .await
        .unwrap();
    let ids: Vec<Uuid> = all.iter().map(|m| m.id.meeting_id).collect();
    assert_eq!(ids, expected);

    // Newest first, and a limit that divides the count exactly.
    let mut reversed = expected.clone();
    reversed.reverse();
    let desc: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(23)
        .sort(attio_meetings::types::MeetingSort::StartDesc)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.meeting_id)
        .collect();
    assert_eq!(desc, reversed);

    // From a cursor on.
    let first = client.meetings().list().limit(5).await.unwrap();
    let cursor = first.pagination.next_cursor.unwrap();
    let rest: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .cursor(cursor)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|m| m.id.meeting_id)
        .collect();
    assert_eq!(rest, expected[5..]);
}

#[tokio::test]
async fn call_recording_and_transcript_streams_yield_every_item_once() {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .transcript_page_size(4)
        .start()
        .await
        .unwrap();
    let meeting_id = seed_meeting(&server, "recorded");
    let other = seed_meeting(&server, "other");
    let mut expected = Vec::new();
    for i in 0..7 {
        let url = format!("https://videos.example.com/{i}.mp4");
        expected.push(
            server
                .store()
                .seed_call_recording(meeting_id, &url, false, Vec::new())
                .unwrap(),
        );
        server
            .store()
            .seed_call_recording(other, &url, false, Vec::new())
            .unwrap();
    }
    let client = client(&server);
    let recordings = client.call_recordings(meeting_id);

    let streamed: Vec<Uuid> = recordings
        .list()
        .limit(3)
        .stream()
        .map(|r| r.unwrap().id.call_recording_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, expected);
    assert_eq!(server.requests(Endpoint::ListCallRecordings), 3);
    let pages: Vec<usize> = recordings
        .list()
        .limit(3)
        .pages()
        .map(|p| p.unwrap().data.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [3, 3, 1]);
    let all: Vec<Uuid> = recordings
        .list()
        .limit(3)
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|r| r.id.call_recording_id)
        .collect();
    assert_eq!(all, expected);

    // A transcript of 10 segments, 4 per page.
    let segments: Vec<Segment> = (0..10)
        .map(|i| Segment {
            speaker: if i % 2 == 0 { "Ada" } else { "Tom" }.into(),
            speech: format!("word{i}"),
            start_time: f64::from(i),
            end_time: f64::from(i) + 0.5,
        })
        .collect();
    let recording = server
        .store()
        .seed_call_recording(
            meeting_id,
            "https://videos.example.com/t.mp4",
            false,
            segments,
        )
        .unwrap();
    let words: Vec<String> = (0..10).map(|i| format!("word{i}")).collect();

    server.reset_requests();
    let transcript = client.transcript(meeting_id, recording);
    let streamed: Vec<String> = transcript
        .clone()
        .stream()
        .map(|s| s.unwrap().speech)
        .take(64)
        .collect()
        .await;
    assert_eq!(streamed, words);
    assert_eq!(server.requests(Endpoint::GetTranscript), 3);
    let pages: Vec<usize> = transcript
        .clone()
        .pages()
        .map(|p| p.unwrap().data.transcript.len())
        .take(64)
        .collect()
        .await;
    assert_eq!(pages, [4, 4, 2]);
    let whole = transcript.clone().await.unwrap();
    let speeches: Vec<&str> = whole.transcript.iter().map(|s| s.speech.as_str()).collect();
    assert_eq!(speeches, words);
    assert_eq!(whole.id.call_recording_id, recording);
    assert_eq!(whole.transcript[1].speaker.name, "Tom");
    assert!(!whole.raw_transcript.is_empty());
    let first = transcript.page().await.unwrap();
    assert_eq!(first.data.transcript.len(), 4);
    assert_eq!(first.data.transcript[..], whole.transcript[..4]);
}

#[tokio::test]
async fn an_error_mid_stream_is_yielded_once_and_ends_the_stream() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);

    // Retries off: the third page's 503 is the last item.
    server.faults().script(
        Endpoint::ListMeetings,
        [None, None, Some(Fault::Status(503))],
    );
    let items: Vec<_> = client
        .meetings()
        .list()
        .limit(5)
        .retry(RetryPolicy::none())
        .stream()
        .take(64)
        .collect()
        .await;
    assert_eq!(items.len(), 11);
    let ids: Vec<Uuid> = items[..10]
        .iter()
        .map(|m| m.as_ref().unwrap().id.meeting_id)
        .collect();
    assert_eq!(ids, expected[..10]);
    assert_eq!(status(items[10].as_ref().unwrap_err()), Some(503));
    tokio::time::sleep(ms(50)).await;
    assert_eq!(
        server.requests(Endpoint::ListMeetings),
        3,
        "nothing is fetched after the error"
    );

    // The same for pages and collect_all.
    server.reset_requests();
    server
        .faults()
        .script(Endpoint::ListMeetings, [None, Some(Fault::Status(503))]);
    let pages: Vec<_> = client
        .meetings()
        .list()
        .limit(5)
        .retry(RetryPolicy::none())
        .pages()
        .take(64)
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok());
    assert_eq!(status(pages[1].as_ref().unwrap_err()), Some(503));
    server
        .faults()
        .script(Endpoint::ListMeetings, [Some(Fault::Status(404))]);
    let error = client
        .meetings()
        .list()
        .limit(5)
        .collect_all()
        .await
        .unwrap_err();
    assert!(error.is_not_found());

    // With retries on, a failed page is retried inside the stream: nothing lost, nothing repeated.
    server.reset_requests();
    server.faults().script(
        Endpoint::ListMeetings,
        [
            None,
            None,
            Some(Fault::Status(503)),
            Some(Fault::Drop),
            None,
        ],
    );
    let ids: Vec<Uuid> = client
        .meetings()
        .list()
        .limit(5)
        .stream()
        .map(|m| m.unwrap().id.meeting_id)
        .take(64)
        .collect()
        .await;
    assert_eq!(ids, expected);
    assert_eq!(server.requests(Endpoint::ListMeetings), 7);
}

#[tokio::test]
async fn the_next_page_is_fetched_while_the_current_one_is_consumed() {
    let server = fake().await;
    let expected = seed_meetings(&server, 23);
    let client = client(&server);
    server
        .faults()
        .script(Endpoint::ListMeetings, [Some(Fault::Latency(ms(100))); 5]);

    let mut pages = client.meetings().list().limit(5).pages();
    let mut seen = Vec::new();
    for n in 1..=5u64 {
        let page = pages.next().await.expect("a page").unwrap();
        seen.extend(page.data.iter().map(|m| m.id.meeting_id));
        // While we hold page n, page n + 1 is requested without our asking...
        if n < 5 {
            let prefetched =
                eventually(ms(1000), || server.requests(Endpoint::ListMeetings) > n).await;
            assert!(
                prefetched,
                "page {} was not requested while page {n} was held",
                n + 1
            );
        }
        // ... and no more than one page ahead.
        tokio::time::sleep(ms(100)).await;
        assert_eq!(
            server.requests(Endpoint::ListMeetings),
            (n + 1).min(5),
            "while holding page {n}"
        );
    }
    assert!(pages.next().await.is_none());
    assert_eq!(seen, expected);
}
