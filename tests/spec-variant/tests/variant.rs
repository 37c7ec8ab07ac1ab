//! Built with `ATTIO_MEETINGS_SPEC=tests/fixtures/spec-variant.yaml` (run.sh): what the spec gained reaches `Client` with no
//! change to the library's source. The new operation goes through the whole pipeline (token, retries),
//! and code that builds a `NewMeeting` without the new optional input field still compiles and works.

use std::time::Duration;

use attio_meetings::{Client, Error, RateClass, RetryClass, RetryPolicy};
use attio_meetings_mock::MockServer;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// A loopback server answering each connection with the next of `answers`; yields the request heads.
async fn loopback(answers: Vec<&'static str>) -> (String, tokio::task::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let mut heads = Vec::new();
        for answer in answers {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 8192];
            let mut read = 0;
            while !buf[..read].windows(4).any(|w| w == b"\r\n\r\n") {
                read += stream.read(&mut buf[read..]).await.unwrap();
            }
            heads.push(String::from_utf8_lossy(&buf[..read]).into_owned());
            stream.write_all(answer.as_bytes()).await.unwrap();
            stream.shutdown().await.unwrap();
        }
        heads
    });
    (url, task)
}

fn client(base_url: &str, token: &str) -> Client {
    Client::builder()
        .token(token)
        .base_url(base_url)
        .retry(
            RetryPolicy::default()
                .initial_backoff(Duration::from_millis(1))
                .max_backoff(Duration::from_millis(5)),
        )
        .build()
        .unwrap()
}

fn json_answer(status: &str, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test]
async fn the_new_operation_is_sent_through_the_pipeline() {
    // The table entry: the variant declares no behaviour, so the defaults of a DELETE.
    let entry = attio_meetings::operations::DELETE_CALL_RECORDINGS;
    assert_eq!(entry.id, "delete_call_recordings");
    assert_eq!(entry.retry, RetryClass::Repeatable);
    assert_eq!(entry.rate, RateClass::Write);

    // A 503 first: the repeatable class retries it; then 204.
    let (url, server) = loopback(vec![
        "HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n",
    ])
    .await;
    let id = uuid::Uuid::new_v4();
    client(&url, "variant-token")
        .api()
        .delete_call_recordings()
        .meeting_id(id)
        .send()
        .await
        .unwrap();
    let heads = server.await.unwrap();
    assert_eq!(heads.len(), 2, "retried once");
    for head in &heads {
        assert!(
            head.starts_with(&format!("DELETE /v2/meetings/{id}/call_recordings HTTP/1.1")),
            "{head}"
        );
        assert!(
            head.to_ascii_lowercase()
                .contains("authorization: bearer variant-token"),
            "{head}"
        );
    }

    // Its errors are the crate's: a 404 is `is_not_found()`, and `?` works in a function returning
    // `attio_meetings::Error`.
    let answer = json_answer(
        "404 Not Found",
        r#"{"status_code":404,"type":"invalid_request_error","code":"not_found","message":"gone"}"#,
    );
    let (url, server) = loopback(vec![Box::leak(answer.into_boxed_str())]).await;
    let result: Result<(), Error> = async {
        client(&url, "t")
            .api()
            .delete_call_recordings()
            .meeting_id(id)
            .await?;
        Ok(())
    }
    .await;
    let error = result.unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    server.await.unwrap();
}

#[tokio::test]
async fn the_new_parameter_is_settable_on_the_ergonomic_builder() {
    let answer = json_answer("200 OK", r#"{"data":[],"pagination":{"next_cursor":null}}"#);
    let (url, server) = loopback(vec![Box::leak(answer.into_boxed_str())]).await;
    let page = client(&url, "t")
        .meetings()
        .list()
        .title_contains("Quarterly review")
        .limit(5)
        .await
        .unwrap();
    assert!(page.data.is_empty());
    let heads = server.await.unwrap();
    assert!(
        heads[0].contains("title_contains=Quarterly+review") && heads[0].contains("limit=5"),
        "{}",
        heads[0]
    );

    // The spec's bound applies to the new parameter too: refused before anything is sent.
    let refused = client(&url, "t")
        .meetings()
        .list()
        .title_contains("  ")
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, Error::InvalidInput { field, .. } if field == "title_contains"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn the_new_field_decodes_against_the_fake() {
    let server = MockServer::start().await.unwrap();
    let body = serde_json::json!({"data": {
        "title": "Variant", "description": "", "is_all_day": false,
        "start": {"datetime": "2027-01-04T09:00:00Z", "timezone": "UTC"},
        "end": {"datetime": "2027-01-04T10:00:00Z", "timezone": "UTC"},
        "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}]
    }});
    let id = server.store().seed_meeting(&body, None).unwrap();
    let client = client(server.base_url(), server.token());
    let meeting = client.meetings().get(id).await.unwrap();
    // The fake does not know the new field: absent, it decodes as `None`.
    let location: Option<String> = meeting.location;
    assert_eq!(location, None);
    // The fake ignores the new filter; the call goes through the whole pipeline and the stream.
    let listed = client
        .meetings()
        .list()
        .title_contains("Variant")
        .collect_all()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
}

/// Code written against the spec before it gained `NewMeeting.location` (an optional input field): the
/// builder and the constructors, no struct literal. It compiles unchanged against the variant.
fn written_before_the_new_input_field() -> attio_meetings::types::builder::NewMeeting {
    use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
    let start =
        attio_meetings::chrono::DateTime::parse_from_rfc3339("2027-01-04T09:00:00+01:00").unwrap();
    NewMeeting::builder()
        .title("Written before")
        .description("")
        .start(MeetingTime::at(start, "Europe/Paris"))
        .end(MeetingTime::at(
            start + attio_meetings::chrono::Duration::hours(1),
            "Europe/Paris",
        ))
        .is_all_day(false)
        .participants(vec![
            NewParticipant::organizer("ada@example.com"),
            NewParticipant::attendee("tom@example.com", ParticipantStatus::Accepted),
        ])
}

#[tokio::test]
async fn code_written_before_a_new_input_field_still_builds_and_sends() {
    let server = MockServer::start().await.unwrap();
    let client = client(server.base_url(), server.token());
    let created = client
        .meetings()
        .create(written_before_the_new_input_field())
        .await
        .unwrap();
    assert_eq!(created.title, "Written before");
    assert_eq!(created.participants.len(), 2);
    // Ensured, the same meeting (found by start, title and organizer).
    let again = client
        .meetings()
        .ensure(written_before_the_new_input_field())
        .await
        .unwrap();
    assert_eq!(again, attio_meetings::Ensured::Found(created.clone()));

    // The new field is there, and unset it is left out of the body.
    let meeting =
        attio_meetings::types::NewMeeting::try_from(written_before_the_new_input_field()).unwrap();
    assert_eq!(meeting.location, None);
    let body = serde_json::to_value(&meeting).unwrap();
    assert!(body.get("location").is_none(), "{body}");
}
