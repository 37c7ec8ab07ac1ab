//! `transcript MEETING RECORDING`: every page, merged, as text, JSON lines or subtitles.

use std::fmt::Write as _;
use std::process::ExitCode;

use attio_meetings::types::{CallRecordingStatus, TranscriptSegment};

use crate::args::{Format, Global, TranscriptArgs};
use crate::failure::Failure;
use crate::output::write_out;
use crate::subtitles::{self, Speech, Style};

pub async fn run(global: &Global, args: TranscriptArgs) -> Result<ExitCode, Failure> {
    let client = super::connect(global)?;
    if args.wait {
        client
            .call_recordings(args.meeting)
            .wait_until_processed(args.recording)
            .wait()
            .await
            .map_err(|e| Failure::api("waiting for the recording to be processed", &e))?;
    }
    let transcript = client
        .transcript(args.meeting, args.recording)
        .download()
        .await
        .map_err(|e| Failure::api("downloading the transcript", &e))?;
    if transcript.transcript.is_empty() {
        // Attio answers a recording still being processed with an empty transcript: say why, not nothing.
        let recording = client
            .call_recordings(args.meeting)
            .get(args.recording)
            .send()
            .await
            .map_err(|e| Failure::api("getting the call recording", &e))?;
        match recording.status {
            CallRecordingStatus::Processing => {
                return Err(Failure::new(
                    "the recording is still being processed, so it has no transcript yet (pass --wait to wait for it)",
                ));
            }
            CallRecordingStatus::Failed => {
                return Err(Failure::new(
                    "the recording failed to process: it has no transcript",
                ));
            }
            _ => eprintln!("the transcript is empty"),
        }
    }
    let format = if global.json {
        Format::Json
    } else {
        args.format
    };
    let text = render(&transcript.transcript, format)?;
    write_out(format_args!("{text}"))?;
    Ok(ExitCode::SUCCESS)
}

/// The segments in the chosen form.
pub fn render(segments: &[TranscriptSegment], format: Format) -> Result<String, Failure> {
    let mut text = String::new();
    match format {
        Format::Json => {
            for segment in segments {
                let line = serde_json::to_string(segment)
                    .map_err(|e| Failure::new(format!("cannot print as JSON: {e}")))?;
                text.push_str(&line);
                text.push('\n');
            }
        }
        // Consecutive segments of one speaker form a paragraph, labelled once.
        Format::Text => {
            let mut speaker: Option<&str> = None;
            for segment in segments {
                let speech = segment.speech.trim();
                if speaker == Some(segment.speaker.name.as_str()) {
                    text.push(' ');
                } else {
                    if speaker.is_some() {
                        text.push_str("\n\n");
                    }
                    let _ = write!(
                        text,
                        "[{}] {}: ",
                        clock(segment.start_time),
                        segment.speaker.name
                    );
                    speaker = Some(&segment.speaker.name);
                }
                text.push_str(speech);
            }
            if speaker.is_some() {
                text.push('\n');
            }
        }
        // Attio's segments are single words: the subtitle writer groups them into readable cues.
        Format::Srt => text = subtitles::render(&speech(segments), Style::Srt),
        Format::Vtt => text = subtitles::render(&speech(segments), Style::Vtt),
    }
    Ok(text)
}

fn speech(segments: &[TranscriptSegment]) -> Vec<Speech<'_>> {
    segments
        .iter()
        .map(|segment| Speech {
            speaker: &segment.speaker.name,
            text: &segment.speech,
            start: segment.start_time,
            end: segment.end_time,
        })
        .collect()
}

/// `HH:MM:SS` of a position in the call.
fn clock(seconds: f64) -> String {
    let total = seconds.max(0.0) as u64;
    format!(
        "{:02}:{:02}:{:02}",
        total / 3600,
        total / 60 % 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use attio_meetings::types::Speaker;

    fn segment(speaker: &str, speech: &str, start: f64, end: f64) -> TranscriptSegment {
        TranscriptSegment::builder()
            .speaker(Speaker::builder().name(speaker))
            .speech(speech)
            .start_time(start)
            .end_time(end)
            .try_into()
            .expect("a valid segment")
    }

    fn call() -> Vec<TranscriptSegment> {
        vec![
            segment("Ada", "Hello,", 0.0, 1.25),
            segment("Ada", "shall we start?", 1.25, 2.5),
            segment("Grace", "Yes <now> & here.", 3661.5, 3663.0),
        ]
    }

    #[test]
    fn text_labels_each_speakers_turn_once() {
        assert_eq!(
            render(&call(), Format::Text).unwrap(),
            "[00:00:00] Ada: Hello, shall we start?\n\n[01:01:01] Grace: Yes <now> & here.\n"
        );
    }

    #[test]
    fn srt_groups_a_turn_into_one_numbered_cue_with_comma_milliseconds() {
        assert_eq!(
            render(&call(), Format::Srt).unwrap(),
            "1\n00:00:00,000 --> 00:00:02,500\nAda: Hello, shall we start?\n\n\
             2\n01:01:01,500 --> 01:01:03,000\nGrace: Yes <now> & here.\n\n"
        );
    }

    #[test]
    fn vtt_has_a_header_voices_and_escaped_text() {
        assert_eq!(
            render(&call(), Format::Vtt).unwrap(),
            "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\n<v Ada>Hello, shall we start?\n\n\
             01:01:01.500 --> 01:01:03.000\n<v Grace>Yes &lt;now&gt; &amp; here.\n\n"
        );
    }

    #[test]
    fn json_is_one_segment_per_line_with_the_api_field_names() {
        let json = render(&call(), Format::Json).unwrap();
        let lines: Vec<serde_json::Value> = json
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[2]["speaker"]["name"], "Grace");
        assert_eq!(lines[2]["start_time"], 3661.5);
    }
}
