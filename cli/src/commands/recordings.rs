//! `recordings list|get|create|delete`.

use std::io::Read as _;
use std::path::Path;
use std::process::ExitCode;

use attio_meetings::types::{CallRecordingDetails, NewCallRecording, NewTranscriptSegment};

use crate::args::{Global, Recordings, TranscriptFileFormat};
use crate::failure::Failure;
use crate::output::{self, Output, fields};
use crate::transcript_file::{self, Format};

pub async fn run(global: &Global, out: &Output, command: Recordings) -> Result<ExitCode, Failure> {
    // A new recording's transcript file is read and checked before the token is looked for: a wrong
    // file or command line says so first, and nothing is sent.
    let upload = match &command {
        Recordings::Create {
            video_url,
            transcript,
            transcript_format,
            ..
        } => Some(new_recording(
            video_url.clone(),
            transcript.as_deref(),
            *transcript_format,
        )?),
        _ => None,
    };
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
        Recordings::Create { meeting, wait, .. } => {
            let Some(recording) = upload else {
                return Err(Failure::new("the recording to create was not prepared"));
            };
            let recordings = client.call_recordings(meeting);
            let created = recordings
                .create(recording)
                .send()
                .await
                .map_err(|e| Failure::api("creating the call recording", &e))?;
            let id = created.id.call_recording_id;
            let recording = if wait {
                recordings.wait_until_processed(id).wait().await
            } else {
                recordings.get(id).send().await
            }
            .map_err(|e| Failure::api("reading the call recording back", &e))?;
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

fn show(out: &Output, recording: &CallRecordingDetails) -> Result<ExitCode, Failure> {
    if out.json() {
        out.line(recording)?;
    } else {
        let transcript = match &recording.transcript {
            Some(transcript) => {
                crate::output::plural(transcript.segments.len(), "segment", "segments")
            }
            None => "none yet".to_string(),
        };
        fields(&[
            ("id", recording.id.call_recording_id.to_string()),
            ("meeting", recording.id.meeting_id.to_string()),
            ("status", recording.status.as_str().to_string()),
            ("created", recording.created_at.to_rfc3339()),
            ("web url", recording.web_url.clone()),
            ("transcript", transcript),
            (
                "video url",
                recording
                    .video_url
                    .clone()
                    .unwrap_or_else(|| "(none)".into()),
            ),
        ])?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The recording `recordings create` sends: the video, the transcript file's segments, or both.
fn new_recording(
    video_url: Option<String>,
    transcript: Option<&Path>,
    format: Option<TranscriptFileFormat>,
) -> Result<NewCallRecording, Failure> {
    let segments = match transcript {
        Some(path) => Some(read_transcript(path, format)?),
        None => None,
    };
    Ok(match (video_url, segments) {
        (Some(url), Some(segments)) => NewCallRecording::from_video(url).with_transcript(segments),
        (Some(url), None) => NewCallRecording::from_video(url),
        (None, Some(segments)) => NewCallRecording::from_transcript(segments),
        (None, None) => {
            return Err(Failure::usage(
                "give --transcript FILE, --video-url URL, or both",
            ));
        }
    })
}

/// The segments of a transcript file (`-`: standard input), in the format given or told by the file.
fn read_transcript(
    path: &Path,
    format: Option<TranscriptFileFormat>,
) -> Result<Vec<NewTranscriptSegment>, Failure> {
    let stdin = path.as_os_str() == "-";
    let name = if stdin {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let mut text = String::new();
    let read = if stdin {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    read.map_err(|e| Failure::new(format!("cannot read {name}: {e}")))?;
    let format = match format {
        Some(TranscriptFileFormat::Json) => Format::Json,
        Some(TranscriptFileFormat::Srt) => Format::Srt,
        Some(TranscriptFileFormat::Vtt) => Format::Vtt,
        None => Format::detect(path, &text).ok_or_else(|| {
            Failure::usage(format!(
                "cannot tell the format of {name}: give --transcript-format json, srt or vtt"
            ))
        })?,
    };
    let segments = transcript_file::parse(&text, format, &name)
        .map_err(|e| Failure::new(format!("{e}; nothing was sent")))?;
    Ok(segments
        .into_iter()
        .map(|s| {
            let segment = NewTranscriptSegment::new(s.speaker, s.start_time, s.end_time, s.speech);
            match s.email_address {
                Some(email) => segment.speaker_email(email),
                None => segment,
            }
        })
        .collect())
}
