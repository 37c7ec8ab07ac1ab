//! Download a call's transcript: `cargo run --example download_transcript [MEETING_ID RECORDING_ID]`.
//!
//! Without ids (and without `ATTIO_API_KEY`) it creates a meeting and a recording on the embedded fake
//! first. Prints the transcript as `[mm:ss] Speaker: words` lines.

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant};
use uuid::Uuid;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), support::Report> {
    let (client, _fake) = support::connect().await?;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (meeting_id, recording_id) = match args.as_slice() {
        [meeting, recording] => (Uuid::parse_str(meeting)?, Uuid::parse_str(recording)?),
        _ => {
            let start = chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00Z")?;
            let meeting = client
                .meetings()
                .create(
                    NewMeeting::builder()
                        .title("Recorded call")
                        .description("")
                        .start(MeetingTime::instant(start))
                        .end(MeetingTime::instant(start + chrono::Duration::minutes(45)))
                        .is_all_day(false)
                        .participants(vec![NewParticipant::organizer("ada@example.com")]),
                )
                .await?;
            let recordings = client.call_recordings(meeting.id.meeting_id);
            let recording = recordings
                .create("https://example.com/calls/recorded.mp4")
                .await?;
            let recording = recordings
                .wait_until_processed(recording.id.call_recording_id)
                .every(Duration::from_millis(200))
                .timeout(Duration::from_secs(30))
                .await?;
            (meeting.id.meeting_id, recording.id.call_recording_id)
        }
    };

    let transcript = client.transcript(meeting_id, recording_id).await?;
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
        "{} segments; full text at {}",
        transcript.transcript.len(),
        transcript.web_url
    );
    Ok(())
}
