//! `recordings list|get|create|delete`.

use std::process::ExitCode;

use attio_meetings::types::CallRecording;

use crate::args::{Global, Recordings};
use crate::failure::Failure;
use crate::output::{self, Output, fields};

pub async fn run(global: &Global, out: &Output, command: Recordings) -> Result<ExitCode, Failure> {
    let client = super::connect(global)?;
    match command {
        Recordings::List { meeting, limit } => {
            output::list(
                out,
                client.call_recordings(meeting).list().stream(),
                limit,
                "listing call recordings",
                "the meeting has no call recordings",
                &["ID", "STATUS", "CREATED", "WEB URL"],
                |recording| {
                    vec![
                        recording.id.call_recording_id.to_string(),
                        recording.status.as_str().to_string(),
                        recording
                            .created_at
                            .format("%Y-%m-%d %H:%M %:z")
                            .to_string(),
                        recording.web_url.clone(),
                    ]
                },
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Recordings::Get { meeting, recording } => {
            let recording = client
                .call_recordings(meeting)
                .get(recording)
                .send()
                .await
                .map_err(|e| Failure::api("getting the call recording", &e))?;
            show(out, &recording)
        }
        Recordings::Create {
            meeting,
            video_url,
            wait,
        } => {
            let recordings = client.call_recordings(meeting);
            let mut recording = recordings
                .create(video_url)
                .send()
                .await
                .map_err(|e| Failure::api("creating the call recording", &e))?;
            if wait {
                recording = recordings
                    .wait_until_processed(recording.id.call_recording_id)
                    .wait()
                    .await
                    .map_err(|e| Failure::api("waiting for the recording to be processed", &e))?;
            }
            show(out, &recording)
        }
        Recordings::Delete { meeting, recording } => {
            client
                .call_recordings(meeting)
                .delete(recording)
                .send()
                .await
                .map_err(|e| Failure::api("deleting the call recording", &e))?;
            if out.json() {
                out.line(&serde_json::json!({ "deleted": recording }))?;
            } else {
                eprintln!("deleted call recording {recording}");
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn show(out: &Output, recording: &CallRecording) -> Result<ExitCode, Failure> {
    if out.json() {
        out.line(recording)?;
    } else {
        fields(&[
            ("id", recording.id.call_recording_id.to_string()),
            ("meeting", recording.id.meeting_id.to_string()),
            ("status", recording.status.as_str().to_string()),
            ("created", recording.created_at.to_rfc3339()),
            ("web url", recording.web_url.clone()),
        ])?;
    }
    Ok(ExitCode::SUCCESS)
}
