//! `transcript --format srt|vtt` on a transcript as Attio gives it (one segment per word): the binary run
//! against the fake, its subtitles read back by a small reader of this file's own, and the rules of
//! readable cues checked on them: one speaker per cue, breaks at pauses, at most 7 seconds, at most two
//! lines of 42 characters, every word in order, times as the words'.

mod common;

use std::time::Duration;

use attio_meetings_mock::{MockServer, Segment};
use common::{TempFile, against, assert_exit, json_lines, run, stdout};
use serde_json::json;

const ADA: &str = "Ada Lovelace";
const GRACE: &str = "Grace Hopper";

/// The longest line, the longest cue and the shortest pause that must end a cue.
const LINE: usize = 42;
const CUE_MS: u64 = 7_000;
const PAUSE_MS: u64 = 1_000;

/// A word as Attio transcribes it, times in milliseconds.
#[derive(Debug, Clone)]
struct Word {
    speaker: &'static str,
    text: &'static str,
    start_ms: u64,
    end_ms: u64,
}

/// The call: 60 words, four turns of two speakers; a 1.6 s pause inside the first turn; a third turn
/// of 31 words (over 12 s, over 160 characters). Words last with their length; 120 ms between words,
/// 500 ms between turns (shorter than a pause: only the change of speaker splits there).
fn call() -> (Vec<Word>, usize) {
    let turns: [(&str, &[&str]); 5] = [
        (ADA, &["Thanks for joining everyone."]),
        (ADA, &["Let me share the quarterly numbers first."]),
        (GRACE, &["Sounds good, I have the R&D figures <ready> too."]),
        (
            ADA,
            &[
                "Revenue grew twelve percent over the quarter, driven mostly by renewals in Europe and a \
               handful of larger expansion deals that closed in the final two weeks of March this year.",
            ],
        ),
        (GRACE, &["Great, then can we look at the pipeline next?"]),
    ];
    let mut words = Vec::new();
    let mut at_ms = 1_250;
    let mut after_pause = 0;
    for (i, (speaker, sentences)) in turns.iter().enumerate() {
        at_ms += match i {
            0 => 0,
            // The pause inside Ada's first turn.
            1 => {
                after_pause = words.len();
                1_600
            }
            _ => 500,
        };
        for text in sentences.iter().flat_map(|s| s.split(' ')) {
            let start_ms = at_ms;
            let end_ms = start_ms + 150 + 40 * text.len() as u64;
            words.push(Word {
                speaker,
                text,
                start_ms,
                end_ms,
            });
            at_ms = end_ms + 120;
        }
        at_ms -= 120;
    }
    assert_eq!(words.len(), 60);
    (words, after_pause)
}

/// A cue as a viewer sees it.
#[derive(Debug)]
struct Cue {
    start_ms: u64,
    end_ms: u64,
    speaker: String,
    /// The lines as shown: in SRT with the `Name: ` label, in WebVTT without the voice tag, unescaped.
    shown: Vec<String>,
    words: Vec<String>,
}

/// `HH:MM:SS` then `separator` and three digits of milliseconds, exactly.
fn time(text: &str, separator: char) -> u64 {
    let bytes = text.as_bytes();
    let shape = text.len() == 12
        && bytes[2] == b':'
        && bytes[5] == b':'
        && bytes[8] == separator as u8
        && [0, 1, 3, 4, 6, 7, 9, 10, 11]
            .iter()
            .all(|&i| bytes[i].is_ascii_digit());
    assert!(shape, "`{text}` is not HH:MM:SS{separator}mmm");
    let number = |range: std::ops::Range<usize>| text[range].parse::<u64>().unwrap();
    ((number(0..2) * 60 + number(3..5)) * 60 + number(6..8)) * 1000 + number(9..12)
}

fn timing(line: &str, separator: char) -> (u64, u64) {
    let (start, end) = line
        .split_once(" --> ")
        .unwrap_or_else(|| panic!("not a timing line: {line}"));
    (time(start, separator), time(end, separator))
}

fn read_srt(text: &str) -> Vec<Cue> {
    let blocks: Vec<&str> = text.trim_end().split("\n\n").collect();
    blocks
        .iter()
        .enumerate()
        .map(|(i, block)| {
            let lines: Vec<&str> = block.lines().collect();
            assert!(lines.len() >= 3, "a short cue:\n{block}");
            assert_eq!(lines[0], (i + 1).to_string(), "cues are numbered from 1");
            let (start_ms, end_ms) = timing(lines[1], ',');
            let (speaker, first) = lines[2]
                .split_once(':')
                .unwrap_or_else(|| panic!("no `Name: ` label:\n{block}"));
            let mut words: Vec<String> = first.split_whitespace().map(str::to_owned).collect();
            for line in &lines[3..] {
                words.extend(line.split_whitespace().map(str::to_owned));
            }
            Cue {
                start_ms,
                end_ms,
                speaker: speaker.to_owned(),
                shown: lines[2..].iter().map(|l| l.to_string()).collect(),
                words,
            }
        })
        .collect()
}

fn read_vtt(text: &str) -> Vec<Cue> {
    let body = text
        .strip_prefix("WEBVTT\n\n")
        .unwrap_or_else(|| panic!("no WEBVTT header:\n{text}"));
    let unescape = |line: &str| {
        line.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    body.trim_end()
        .split("\n\n")
        .map(|block| {
            let lines: Vec<&str> = block.lines().collect();
            assert!(lines.len() >= 2, "a short cue:\n{block}");
            let (start_ms, end_ms) = timing(lines[0], '.');
            let (speaker, first) = lines[1]
                .strip_prefix("<v ")
                .and_then(|rest| rest.split_once('>'))
                .unwrap_or_else(|| panic!("no voice span:\n{block}"));
            let mut shown = vec![unescape(first)];
            shown.extend(lines[2..].iter().map(|l| unescape(l)));
            let words = shown
                .iter()
                .flat_map(|l| l.split_whitespace().map(str::to_owned))
                .collect();
            Cue {
                start_ms,
                end_ms,
                speaker: speaker.to_owned(),
                shown,
                words,
            }
        })
        .collect()
}

/// The rules of readable cues, checked against the words they were made of.
fn check(cues: &[Cue], words: &[Word], after_pause: usize, format: &str) {
    // All the words, in order.
    let said: Vec<&str> = cues
        .iter()
        .flat_map(|c| c.words.iter().map(String::as_str))
        .collect();
    let given: Vec<&str> = words.iter().map(|w| w.text).collect();
    assert_eq!(said, given, "{format}: the words");

    // Several words a cue, not one.
    assert!(
        cues.len() * 4 <= words.len(),
        "{format}: {} cues for {} words",
        cues.len(),
        words.len()
    );
    assert!(
        cues.iter().all(|c| c.words.len() >= 2),
        "{format}: a cue of one word: {cues:#?}"
    );

    let mut first_words = Vec::new();
    let mut next = 0;
    for (i, cue) in cues.iter().enumerate() {
        let own = &words[next..next + cue.words.len()];
        first_words.push(next);
        next += cue.words.len();
        // One speaker, the one it names.
        assert!(
            own.iter().all(|w| w.speaker == cue.speaker),
            "{format}: cue {} mixes speakers or misnames them: {cue:?}",
            i + 1
        );
        // From its first word's start to its last word's end, at most 7 s.
        assert_eq!(
            cue.start_ms,
            own[0].start_ms,
            "{format}: cue {} start",
            i + 1
        );
        assert_eq!(
            cue.end_ms,
            own[own.len() - 1].end_ms,
            "{format}: cue {} end",
            i + 1
        );
        assert!(
            cue.end_ms - cue.start_ms <= CUE_MS,
            "{format}: cue {} lasts {} ms",
            i + 1,
            cue.end_ms - cue.start_ms
        );
        // At most two lines of at most 42 characters, as shown.
        assert!(
            (1..=2).contains(&cue.shown.len()),
            "{format}: cue {} has {} lines",
            i + 1,
            cue.shown.len()
        );
        for line in &cue.shown {
            assert!(
                line.chars().count() <= LINE,
                "{format}: cue {} line of {} characters: `{line}`",
                i + 1,
                line.chars().count()
            );
        }
        // Times move forward: each cue after the last one ended.
        if let Some(previous) = i.checked_sub(1).map(|p| &cues[p]) {
            assert!(
                previous.end_ms <= cue.start_ms,
                "{format}: cue {} starts before cue {i} ends",
                i + 1
            );
        }
        assert!(cue.start_ms <= cue.end_ms);
    }

    // A new cue at every change of speaker and at the pause.
    for (i, pair) in words.windows(2).enumerate() {
        if pair[0].speaker != pair[1].speaker {
            assert!(
                first_words.contains(&(i + 1)),
                "{format}: `{}` starts a turn mid-cue",
                pair[1].text
            );
        }
        if pair[1].start_ms - pair[0].end_ms >= PAUSE_MS {
            assert!(
                first_words.contains(&(i + 1)),
                "{format}: `{}` follows a pause mid-cue",
                pair[1].text
            );
        }
    }
    assert!(
        first_words.contains(&after_pause),
        "{format}: no cue starts after the pause"
    );
    // Ada's long turn (over 7 s, over 84 characters) takes more than one cue.
    let revenue = words.iter().position(|w| w.text == "Revenue").unwrap();
    let long_turn = first_words
        .iter()
        .filter(|&&first| first >= revenue && words[first].speaker == ADA)
        .count();
    assert!(long_turn >= 2, "{format}: the long turn in {long_turn} cue");
}

async fn fake() -> MockServer {
    MockServer::builder()
        .processing_time(Duration::from_millis(200))
        .start()
        .await
        .expect("the fake starts")
}

/// A meeting with a completed recording of `words`: (meeting, recording).
fn seed(fake: &MockServer, words: &[Word]) -> (String, String) {
    let meeting = fake
        .store()
        .seed_meeting(
            &json!({"data": {
                "title": "Quarterly review", "description": "Numbers", "is_all_day": false,
                "start": {"datetime": "2026-12-01T10:00:00+01:00", "timezone": "Europe/Paris"},
                "end": {"datetime": "2026-12-01T11:00:00+01:00", "timezone": "Europe/Paris"},
                "participants": [{"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"}],
            }}),
            None,
        )
        .expect("the meeting is seeded");
    let segments = words
        .iter()
        .map(|w| Segment {
            speaker: w.speaker.into(),
            speech: w.text.into(),
            start_time: w.start_ms as f64 / 1000.0,
            end_time: w.end_ms as f64 / 1000.0,
        })
        .collect();
    let recording = fake
        .store()
        .seed_call_recording(meeting, "https://example.com/review.mp4", false, segments)
        .expect("the recording is seeded");
    (meeting.to_string(), recording.to_string())
}

async fn transcript(fake: &MockServer, meeting: &str, recording: &str, format: &str) -> String {
    let output = run(
        against(fake),
        &["transcript", meeting, recording, "--format", format],
    )
    .await;
    assert_exit(&output, 0);
    stdout(&output)
}

#[tokio::test]
async fn subtitles_of_a_word_by_word_transcript_are_readable_cues() {
    let fake = fake().await;
    let (words, after_pause) = call();
    let (meeting, recording) = seed(&fake, &words);

    let srt = transcript(&fake, &meeting, &recording, "srt").await;
    let srt_cues = read_srt(&srt);
    check(&srt_cues, &words, after_pause, &format!("SRT\n{srt}"));

    let vtt = transcript(&fake, &meeting, &recording, "vtt").await;
    let vtt_cues = read_vtt(&vtt);
    check(&vtt_cues, &words, after_pause, &format!("WebVTT\n{vtt}"));
    // WebVTT escapes what would read as markup.
    assert!(
        vtt.contains("R&amp;D") && vtt.contains("&lt;ready&gt;"),
        "{vtt}"
    );

    // The text keeps one paragraph per turn (the pause does not split one).
    let text = transcript(&fake, &meeting, &recording, "text").await;
    let paragraphs: Vec<&str> = text.trim_end().split("\n\n").collect();
    let speakers: Vec<&str> = paragraphs
        .iter()
        .map(|p| {
            p.split_once("] ")
                .and_then(|(_, rest)| rest.split_once(':'))
                .map_or("", |(name, _)| name)
        })
        .collect();
    assert_eq!(speakers, [ADA, GRACE, ADA, GRACE], "{text}");
}

#[tokio::test]
async fn subtitles_written_by_the_command_upload_again_one_segment_per_cue() {
    let fake = fake().await;
    let (words, _) = call();
    let (meeting, recording) = seed(&fake, &words);
    for (format, name) in [("srt", "call.srt"), ("vtt", "call.vtt")] {
        let subtitles = transcript(&fake, &meeting, &recording, format).await;
        let cues = match format {
            "srt" => read_srt(&subtitles),
            _ => read_vtt(&subtitles),
        };
        let file = TempFile::new(name, &subtitles);
        let mut create = against(&fake);
        create.arg("--json");
        let created = run(
            create,
            &[
                "recordings",
                "create",
                &meeting,
                "--transcript",
                file.as_str(),
                "--wait",
            ],
        )
        .await;
        assert_exit(&created, 0);
        let uploaded = json_lines(&created)[0]["id"]["call_recording_id"]
            .as_str()
            .expect("the new recording's id")
            .to_owned();
        let read_back = run(
            against(&fake),
            &["transcript", &meeting, &uploaded, "--format", "json"],
        )
        .await;
        assert_exit(&read_back, 0);
        let segments: Vec<(String, u64, u64, String)> = json_lines(&read_back)
            .iter()
            .map(|s| {
                (
                    s["speaker"]["name"].as_str().unwrap().to_owned(),
                    (s["start_time"].as_f64().unwrap() * 1000.0).round() as u64,
                    (s["end_time"].as_f64().unwrap() * 1000.0).round() as u64,
                    s["speech"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let expected: Vec<(String, u64, u64, String)> = cues
            .iter()
            .map(|c| (c.speaker.clone(), c.start_ms, c.end_ms, c.words.join(" ")))
            .collect();
        assert_eq!(segments, expected, "{subtitles}");
    }
}
