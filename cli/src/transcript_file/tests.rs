//! The parser on files as tools write them, its errors, and round trips through the subtitle writer.

use super::*;
use crate::subtitles::{self, Speech, Style};

fn seg(speaker: &str, speech: &str, start: f64, end: f64) -> Segment {
    Segment {
        speaker: speaker.to_owned(),
        email_address: None,
        start_time: start,
        end_time: end,
        speech: speech.to_owned(),
    }
}

fn ok(text: &str, format: Format) -> Vec<Segment> {
    match parse(text, format, "test") {
        Ok(segments) => segments,
        Err(error) => panic!("{error}\n---\n{text}"),
    }
}

fn err(text: &str, format: Format, name: &str) -> String {
    match parse(text, format, name) {
        Ok(segments) => panic!("expected an error, got {segments:?}"),
        Err(error) => error.to_string(),
    }
}

// ---- fixtures, as the tools write them ----

/// Zoom's cloud-recording transcript: cue numbers, `Name: text`.
const ZOOM_VTT: &str = "WEBVTT\n\n\
1\n00:00:01.350 --> 00:00:04.120\nAlex Bell: Thanks for joining, everyone.\n\n\
2\n00:00:04.500 --> 00:00:09.000\nAda Lovelace: Happy to be here. Shall we start\nwith the numbers?\n\n\
3\n00:00:09.200 --> 00:00:11.000\nSure, revenue first.\n\n\
4\n00:01:02.000 --> 00:01:05.500\nAlex Bell: Revenue grew 12% at 10:30 today.\n";

/// Microsoft Teams: GUID cue identifiers, CRLF, `<v Name>…</v>` (names may be `Last, First`).
const TEAMS_VTT: &str = "WEBVTT\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/12-0\r\n00:00:03.120 --> 00:00:05.400\r\n<v Ada Lovelace>Hello everyone, can you hear me?</v>\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/13-0\r\n00:00:05.900 --> 00:00:08.250\r\n<v Bell, Alex>Yes, loud &amp; clear.</v>\r\n\r\n\
0f5e5a1c-8c8a-4c39-9f5b-1a2b3c4d5e6f/14-0\r\n00:00:08.250 --> 00:00:12.000\r\n<v Ada Lovelace>Great. Let&apos;s go through\r\nthe agenda.</v>\r\n";

/// YouTube's automatic captions: header lines, cue settings, word timestamps and `<c>` spans.
const YOUTUBE_VTT: &str = "WEBVTT\nKind: captions\nLanguage: en\n\n\
00:00:00.000 --> 00:00:02.350 align:start position:0%\n \nhello<00:00:00.320><c> everyone</c><00:00:00.640><c> and</c><00:00:01.040><c> welcome</c>\n\n\
00:00:02.350 --> 00:00:02.360 align:start position:0%\nhello everyone and welcome\n \n\n\
00:00:02.360 --> 00:00:05.000 align:start position:0%\nhello everyone and welcome\nto<00:00:02.900><c> the</c><00:00:03.100><c> call</c>\n";

/// An SRT as transcription tools export it (Otter, Descript, Rev): numbered, `Name: text`, tags.
const EXPORTED_SRT: &str = "1\n00:00:00,500 --> 00:00:03,200\nAlex Bell: Thanks for joining.\n\n\
2\n00:00:03,400 --> 00:00:07,900\nAda Lovelace: <i>Happy</i> to be here.\nLet's look at the numbers.\n\n\
3\n00:00:08,000 --> 00:00:09,500\nThey look <b>good</b>.\n\n\
4\n01:02:03,004 --> 01:02:05,000\nSpeaker 2: Agreed.\n";

// ---- detection ----

#[test]
fn detect_by_extension_in_any_case() {
    assert_eq!(Format::detect("call.json", ""), Some(Format::Json));
    assert_eq!(Format::detect("dir/call.JSONL", ""), Some(Format::Json));
    assert_eq!(Format::detect("call.ndjson", ""), Some(Format::Json));
    assert_eq!(Format::detect("/tmp/x/call.SRT", ""), Some(Format::Srt));
    assert_eq!(Format::detect("call.vtt", ""), Some(Format::Vtt));
    assert_eq!(Format::detect("call.webvtt", ""), Some(Format::Vtt));
    // The extension wins over the content.
    assert_eq!(Format::detect("call.srt", "WEBVTT\n"), Some(Format::Srt));
    assert_eq!(
        Format::detect(std::path::PathBuf::from("a/b.vtt"), ""),
        Some(Format::Vtt)
    );
}

#[test]
fn detect_by_content() {
    assert_eq!(Format::detect("-", ZOOM_VTT), Some(Format::Vtt));
    assert_eq!(Format::detect("-", TEAMS_VTT), Some(Format::Vtt));
    assert_eq!(
        Format::detect("call.txt", "\u{feff}WEBVTT - Zoom\n"),
        Some(Format::Vtt)
    );
    assert_eq!(Format::detect("call", "WEBVTT"), Some(Format::Vtt));
    assert_eq!(Format::detect("call", "  [\n]"), Some(Format::Json));
    assert_eq!(
        Format::detect("call", "{\"speech\":\"hi\"}\n{\"speech\":\"yo\"}\n"),
        Some(Format::Json)
    );
    assert_eq!(Format::detect("call", EXPORTED_SRT), Some(Format::Srt));
    assert_eq!(
        Format::detect(
            "call",
            "\u{feff}\r\n12\r\n00:00:01,000 --> 00:00:02,000\r\n"
        ),
        Some(Format::Srt)
    );
    assert_eq!(
        Format::detect("call", "00:00:01,000 --> 00:00:02,000\nhi\n"),
        Some(Format::Srt)
    );
    assert_eq!(Format::detect("call.txt", "WEBVTTX\n"), None);
    assert_eq!(Format::detect("call.txt", "hello there"), None);
    assert_eq!(Format::detect("call.txt", "1\nhello\n"), None);
    assert_eq!(Format::detect("call", ""), None);
}

#[test]
fn format_names() {
    assert_eq!(Format::from_extension("WebVTT"), Some(Format::Vtt));
    assert_eq!(Format::from_extension("txt"), None);
    assert_eq!(Format::Vtt.to_string(), "WebVTT");
    assert_eq!(Format::Srt.to_string(), "SRT");
    assert_eq!(Format::Json.to_string(), "JSON");
}

// ---- JSON ----

#[test]
fn json_array_of_attio_segments() {
    let text = r#"[
  {"speech": "Hello, Ada.", "start_time": 1.5, "end_time": 3.0,
   "speaker": {"name": "Alex Bell", "email_address": "alex@example.com"}},
  {"speech": "  Hi!  ", "start_time": 3, "end_time": 4.25, "speaker": {"name": " Ada "}}
]"#;
    assert_eq!(
        ok(text, Format::Json),
        vec![
            Segment {
                email_address: Some("alex@example.com".into()),
                ..seg("Alex Bell", "Hello, Ada.", 1.5, 3.0)
            },
            seg("Ada", "Hi!", 3.0, 4.25),
        ]
    );
}

#[test]
fn json_email_may_be_missing_null_or_empty_and_speaker_a_plain_name() {
    let text = r#"[
{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {"name": "A", "email_address": null}},
{"speech": "b", "start_time": 1, "end_time": 2, "speaker": {"name": "B", "email_address": " "}},
{"speech": "c", "start_time": 2, "end_time": 3, "speaker": "C", "extra": [1, {"x": "]"}]}
]"#;
    assert_eq!(
        ok(text, Format::Json),
        vec![
            seg("A", "a", 0.0, 1.0),
            seg("B", "b", 1.0, 2.0),
            seg("C", "c", 2.0, 3.0)
        ]
    );
}

#[test]
fn json_wrappers_as_attio_answers_carry_them() {
    let segment =
        r#"{"speech": "Hi", "start_time": 0.5, "end_time": 1, "speaker": {"name": "Ada"}}"#;
    let expected = vec![seg("Ada", "Hi", 0.5, 1.0)];
    let wrapped = [
        format!(r#"{{"segments": [{segment}]}}"#),
        format!(r#"{{"transcript": [{segment}], "raw_transcript": "[00:00] Ada: Hi"}}"#),
        // The deprecated transcript page.
        format!(
            r#"{{"data": {{"id": {{"workspace_id": "w"}}, "transcript": [{segment}],
            "raw_transcript": "", "web_url": "https://app.attio.com/x"}},
            "pagination": {{"next_cursor": null}}}}"#
        ),
        // A call recording, whose transcript is an object with segments.
        format!(
            r#"{{"data": {{"status": "completed", "video_url": null,
            "transcript": {{"raw_transcript": "", "segments": [{segment}]}}}}}}"#
        ),
        format!(r#"{{"data": [{segment}]}}"#),
    ];
    for text in &wrapped {
        assert_eq!(ok(text, Format::Json), expected, "{text}");
    }
}

#[test]
fn json_lines_as_the_transcript_command_prints_them() {
    // `attio-meetings transcript M R --format json`: one segment per line.
    let text = "{\"speech\":\"Hello,\",\"start_time\":0.0,\"end_time\":1.25,\"speaker\":{\"name\":\"Ada\"}}\n\
{\"speech\":\"shall we start?\",\"start_time\":1.25,\"end_time\":2.5,\"speaker\":{\"name\":\"Ada\"}}\n\
\n\
{\"speech\":\"Yes <now> & here.\",\"start_time\":3661.5,\"end_time\":3663.0,\"speaker\":{\"name\":\"Grace\"}}\n";
    assert_eq!(
        ok(text, Format::Json),
        vec![
            seg("Ada", "Hello,", 0.0, 1.25),
            seg("Ada", "shall we start?", 1.25, 2.5),
            seg("Grace", "Yes <now> & here.", 3661.5, 3663.0),
        ]
    );
    // One line is one segment too, and a BOM and CRLF are fine.
    assert_eq!(
        ok(
            "\u{feff}{\"speech\":\"Hi\",\"start_time\":0,\"end_time\":1,\"speaker\":\"A\"}\r\n",
            Format::Json
        ),
        vec![seg("A", "Hi", 0.0, 1.0)]
    );
}

#[test]
fn json_empty_speech_is_skipped() {
    let text = r#"[{"speech": " ", "start_time": 5, "end_time": 1, "speaker": {"name": ""}},
{"speech": "x", "start_time": 0, "end_time": 1, "speaker": {"name": "A"}}]"#;
    assert_eq!(ok(text, Format::Json), vec![seg("A", "x", 0.0, 1.0)]);
}

#[test]
fn json_errors_name_the_line_and_segment() {
    let cases = [
        (
            "[\n{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}\n{}]",
            "t.json line 3: invalid JSON: expected `,` or `]` (column 1)",
        ),
        ("", "t.json: no segments with speech"),
        ("[]", "t.json: no segments with speech"),
        (
            r#"{"data": {"transcript": null}}"#,
            "t.json: no segments with speech",
        ),
        (
            "[\n  {\"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}\n]",
            "t.json line 2 (segment 1): missing `speech`",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": \"0\", \"end_time\": 1, \"speaker\": \"A\"}]",
            "t.json line 1 (segment 1): `start_time` must be a number of seconds, found a string",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"speaker\": \"A\"}]",
            "t.json line 1 (segment 1): missing `end_time`",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1}]",
            "t.json line 1 (segment 1): missing `speaker`",
        ),
        (
            "[{\"speech\": 7, \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"}]",
            "t.json line 1 (segment 1): `speech` must be a string, found a number",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {}}]",
            "t.json line 1 (segment 1): missing `speaker.name`",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": [\"A\"]}]",
            "t.json line 1 (segment 1): `speaker` must be an object with a `name`, found an array",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"A\", \"email_address\": 3}}]",
            "t.json line 1 (segment 1): `speaker.email_address` must be a string, found a number",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"A\", \"email_address\": \"ada at example\"}}]",
            "t.json line 1 (segment 1): `ada at example` is not an email address",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": {\"name\": \"  \"}}]",
            "t.json line 1 (segment 1): the speaker's name is empty",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": -1, \"end_time\": 1, \"speaker\": \"A\"}]",
            "t.json line 1 (segment 1): start -1s is negative",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 2, \"end_time\": 1.5, \"speaker\": \"A\"}]",
            "t.json line 1 (segment 1): end 1.5s is before start 2s",
        ),
        (
            "[{\"speech\": \"a\", \"start_time\": 2, \"end_time\": 3, \"speaker\": \"A\"},\n \
             {\"speech\": \"b\", \"start_time\": 1, \"end_time\": 3, \"speaker\": \"A\"}]",
            "t.json line 2 (segment 2): start 1s is before the previous segment's start 2s \
             (Attio expects segments in order)",
        ),
        (
            "{\"meetings\": []}",
            "t.json line 1: expected an array of segments, or an object holding them in \
             `segments`, `transcript` or `data`",
        ),
        (
            "\n\n\"text\"",
            "t.json line 3: expected an array of segments, found a string",
        ),
        (
            "{\"transcript\": 5}",
            "t.json line 1: expected an array of segments, found a number",
        ),
        (
            "[1]",
            "t.json line 1 (segment 1): expected a segment object, found a number",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(err(text, Format::Json, "t.json"), message, "{text}");
    }
}

#[test]
fn json_lines_errors_name_the_line() {
    let good = r#"{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {"name": "A"}}"#;
    assert_eq!(
        err(&format!("{good}\n\n[1, 2]\n"), Format::Json, "t.jsonl"),
        "t.jsonl line 3: expected a segment object, found an array"
    );
    assert_eq!(
        err(
            &format!("{good}\n{good}\n{{\"speech\": "),
            Format::Json,
            "t.jsonl"
        ),
        "t.jsonl line 3: invalid JSON: EOF while parsing a value (column 11)"
    );
    let late = r#"{"speech": "b", "start_time": 0.5, "end_time": 0.25, "speaker": "B"}"#;
    assert_eq!(
        err(&format!("{good}\n{late}\n"), Format::Json, "t.jsonl"),
        "t.jsonl line 2: end 0.25s is before start 0.5s"
    );
}

#[test]
fn json_lines_of_nested_arrays_are_found_through_escapes_and_nesting() {
    // Keys before `segments` hold brackets and escaped quotes the line finder must step over.
    let text = "{\"data\": {\"note\": \"a]\\\"}{[\", \"n\": [1, {\"x\": [2]}], \"k\": true,\n\
\"segments\": [\n\
  {\"speech\": \"a\", \"start_time\": 0, \"end_time\": 1, \"speaker\": \"A\"},\n\
\n\
  {\"speech\": \"b\", \"start_time\": 1, \"end_time\": 0, \"speaker\": \"B\"}\n\
]}}";
    assert_eq!(
        err(text, Format::Json, "t.json"),
        "t.json line 5 (segment 2): end 0s is before start 1s"
    );
}

#[test]
fn json_too_many_segments() {
    let segment = r#"{"speech": "a", "start_time": 0, "end_time": 1, "speaker": "A"}"#;
    let list = |n: usize| format!("[{}]", vec![segment; n].join(",\n"));
    assert_eq!(ok(&list(MAX_SEGMENTS), Format::Json).len(), MAX_SEGMENTS);
    assert_eq!(
        err(&list(MAX_SEGMENTS + 1), Format::Json, "t.json"),
        "t.json: 4001 segments, but Attio accepts at most 4000 in one recording"
    );
}

// ---- SRT ----

#[test]
fn srt_as_exported() {
    assert_eq!(
        ok(EXPORTED_SRT, Format::Srt),
        vec![
            seg("Alex Bell", "Thanks for joining.", 0.5, 3.2),
            seg(
                "Ada Lovelace",
                "Happy to be here. Let's look at the numbers.",
                3.4,
                7.9
            ),
            // No name: the previous speaker goes on.
            seg("Ada Lovelace", "They look good.", 8.0, 9.5),
            seg("Speaker 2", "Agreed.", 3723.004, 3725.0),
        ]
    );
}

#[test]
fn srt_tolerates_crlf_bom_missing_numbers_dots_and_extra_blank_lines() {
    let text = "\u{feff}\r\n\r\n1\r\n00:00:01,000 --> 00:00:02,000  \r\nAda: one  \r\n\r\n\r\n\r\n\
00:00:02.500 --> 00:00:03.000\r\ntwo\r\n\r\n\
\r\n3   \r\n0:00:04,5 --> 00:00:05,25 X1:100 X2:200 Y1:10 Y2:20\r\nBob:\tthree\r\nfour\r\n\
4\r\n00:00:06,000-->00:00:07,000\r\n<font color=\"#ffff00\">Bob: five</font>\r\n";
    assert_eq!(
        ok(text, Format::Srt),
        vec![
            seg("Ada", "one", 1.0, 2.0),
            seg("Ada", "two", 2.5, 3.0),
            seg("Bob", "three four", 4.5, 5.25),
            // The cue number right after text (no blank line) still starts a cue.
            seg("Bob", "five", 6.0, 7.0),
        ]
    );
}

#[test]
fn srt_without_any_speaker_is_unknown_speaker() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\nhello there\n\n2\n00:00:02,000 --> 00:00:03,000\nhow are you\n";
    assert_eq!(
        ok(text, Format::Srt),
        vec![
            seg(UNKNOWN_SPEAKER, "hello there", 1.0, 2.0),
            seg(UNKNOWN_SPEAKER, "how are you", 2.0, 3.0),
        ]
    );
}

#[test]
fn srt_strips_formatting_tags_only() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\n{\\an8}<I>Ada</I>: <u>a</u> < b, <s>c</s> <3 {x} <font face=x>d</FONT> <fontaine> <i\n";
    assert_eq!(
        ok(text, Format::Srt),
        vec![seg("Ada", "a < b, c <3 {x} d <fontaine> <i", 1.0, 2.0)]
    );
}

#[test]
fn srt_empty_cues_are_skipped_and_a_bare_name_sets_the_speaker() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\n\n2\n00:00:02,000 --> 00:00:03,000\n<i> </i>\n\n\
3\n00:00:03,000 --> 00:00:04,000\nAda:\n\n4\n00:00:04,000 --> 00:00:05,000\nhello\n";
    assert_eq!(ok(text, Format::Srt), vec![seg("Ada", "hello", 4.0, 5.0)]);
}

#[test]
fn srt_dialogue_dashes_are_dropped() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\n- Hello.\n\u{2013} Hi there -5 -x\n-7\n\n\
2\n00:00:02,000 --> 00:00:03,000\nAda: - so\n";
    assert_eq!(
        ok(text, Format::Srt),
        vec![
            seg(UNKNOWN_SPEAKER, "Hello. Hi there -5 -x -7", 1.0, 2.0),
            seg("Ada", "- so", 2.0, 3.0),
        ]
    );
}

#[test]
fn srt_text_after_a_stray_blank_line_continues_the_cue() {
    let text = "1\n00:00:01,000 --> 00:00:02,000\nAda: first half\n\nsecond half\n\n2\n00:00:03,000 --> 00:00:04,000\nnext\n";
    assert_eq!(
        ok(text, Format::Srt),
        vec![
            seg("Ada", "first half second half", 1.0, 2.0),
            seg("Ada", "next", 3.0, 4.0),
        ]
    );
}

#[test]
fn speaker_prefix_heuristic() {
    let cue = |text: &str| format!("1\n00:00:01,000 --> 00:00:02,000\n{text}\n");
    let speaker_and_speech = |text: &str| {
        let segments = ok(&cue(text), Format::Srt);
        let first = segments
            .first()
            .cloned()
            .unwrap_or_else(|| seg("", "", 0.0, 0.0));
        (first.speaker, first.speech)
    };
    let named = |name: &str, speech: &str| (name.to_owned(), speech.to_owned());
    let unnamed = |speech: &str| (UNKNOWN_SPEAKER.to_owned(), speech.to_owned());
    assert_eq!(
        speaker_and_speech("Dr. Grace  Hopper:  hi"),
        named("Dr. Grace Hopper", "hi")
    );
    assert_eq!(speaker_and_speech("李雷: 你好"), named("李雷", "你好"));
    assert_eq!(
        speaker_and_speech("john.smith: ok: sure"),
        named("john.smith", "ok: sure")
    );
    assert_eq!(
        speaker_and_speech("SPEAKER_01: yes"),
        named("SPEAKER_01", "yes")
    );
    // Colons that are not a name's: times, addresses, sentences, too long, on a later line.
    assert_eq!(
        speaker_and_speech("at 10:30 we meet"),
        unnamed("at 10:30 we meet")
    );
    assert_eq!(
        speaker_and_speech("see https://x.io"),
        unnamed("see https://x.io")
    );
    assert_eq!(
        speaker_and_speech("Well, the plan: go"),
        unnamed("Well, the plan: go")
    );
    assert_eq!(
        speaker_and_speech("Why? Because: yes"),
        unnamed("Why? Because: yes")
    );
    assert_eq!(
        speaker_and_speech("one two three four five six: seven"),
        unnamed("one two three four five six: seven")
    );
    assert_eq!(
        speaker_and_speech(&format!("{}: x", "a".repeat(49))).0,
        UNKNOWN_SPEAKER
    );
    assert_eq!(
        speaker_and_speech("hello\nAda: hi"),
        unnamed("hello Ada: hi")
    );
    // The documented false positive: a short lead-in reads as a name.
    assert_eq!(
        speaker_and_speech("Note: the budget"),
        named("Note", "the budget")
    );
}

#[test]
fn srt_errors_name_the_line() {
    let cases = [
        (
            "1\n00:00:04,000 --> 00:00:05,000\nAda: a\n\n2\n00:00:04,000 --> 00:00:03,000\nAda: b\n",
            "transcript.srt line 6: end 00:00:03,000 is before start 00:00:04,000",
        ),
        (
            "1\n00:00:05,000 --> 00:00:06,000\na\n\n2\n00:00:01,000 --> 00:00:02,000\nb\n",
            "transcript.srt line 6: start 00:00:01,000 is before the previous segment's start \
             00:00:05,000 (Attio expects segments in order)",
        ),
        (
            "1\n00:00:0x,000 --> 00:00:01,000\na\n",
            "transcript.srt line 2: invalid time `00:00:0x,000` (expected HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:01,000 --> 00:00:61,000\na\n",
            "transcript.srt line 2: invalid time `00:00:61,000` (expected HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:01,0000 --> 00:00:02,000\na\n",
            "transcript.srt line 2: invalid time `00:00:01,0000` (expected HH:MM:SS,mmm)",
        ),
        (
            "1\n00:00:01,000 -->\na\n",
            "transcript.srt line 2: expected a timing line `START --> END`, found `00:00:01,000 -->`",
        ),
        (
            "\n\nhello there\n00:00:01,000 --> 00:00:02,000\n",
            "transcript.srt line 3: expected a cue timing line (`START --> END`), found `hello there`",
        ),
        (
            "1\n2\n00:00:01,000 --> 00:00:02,000\na\n",
            "transcript.srt line 1: expected a cue timing line (`START --> END`), found `1`",
        ),
        ("", "transcript.srt: no segments with speech"),
        (
            "1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n",
            "transcript.srt: no segments with speech",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(err(text, Format::Srt, "transcript.srt"), message, "{text}");
    }
    let long = format!("{}\n", "x".repeat(100));
    assert_eq!(
        err(&long, Format::Srt, "t.srt"),
        format!(
            "t.srt line 1: expected a cue timing line (`START --> END`), found `{}…`",
            "x".repeat(60)
        )
    );
}

#[test]
fn srt_too_many_segments() {
    let cues = |n: usize| {
        let segments: Vec<Segment> = (0..n)
            .map(|i| seg("A", "b", i as f64, i as f64 + 0.5))
            .collect();
        to_srt(&segments)
    };
    assert_eq!(ok(&cues(MAX_SEGMENTS), Format::Srt).len(), MAX_SEGMENTS);
    assert_eq!(
        err(&cues(MAX_SEGMENTS + 12), Format::Srt, "t.srt"),
        "t.srt: 4012 segments, but Attio accepts at most 4000 in one recording"
    );
}

// ---- WebVTT ----

#[test]
fn vtt_from_zoom() {
    assert_eq!(
        ok(ZOOM_VTT, Format::Vtt),
        vec![
            seg("Alex Bell", "Thanks for joining, everyone.", 1.35, 4.12),
            seg(
                "Ada Lovelace",
                "Happy to be here. Shall we start with the numbers?",
                4.5,
                9.0
            ),
            seg("Ada Lovelace", "Sure, revenue first.", 9.2, 11.0),
            seg("Alex Bell", "Revenue grew 12% at 10:30 today.", 62.0, 65.5),
        ]
    );
}

#[test]
fn vtt_from_teams() {
    assert_eq!(
        ok(TEAMS_VTT, Format::Vtt),
        vec![
            seg(
                "Ada Lovelace",
                "Hello everyone, can you hear me?",
                3.12,
                5.4
            ),
            seg("Bell, Alex", "Yes, loud & clear.", 5.9, 8.25),
            seg(
                "Ada Lovelace",
                "Great. Let's go through the agenda.",
                8.25,
                12.0
            ),
        ]
    );
}

#[test]
fn vtt_from_youtube() {
    let text = "hello everyone and welcome";
    assert_eq!(
        ok(YOUTUBE_VTT, Format::Vtt),
        vec![
            seg(UNKNOWN_SPEAKER, text, 0.0, 2.35),
            seg(UNKNOWN_SPEAKER, text, 2.35, 2.36),
            seg(
                UNKNOWN_SPEAKER,
                "hello everyone and welcome to the call",
                2.36,
                5.0
            ),
        ]
    );
}

#[test]
fn vtt_skips_note_style_and_region_blocks_and_reads_short_timings() {
    let text = "WEBVTT - a call\n\nREGION\nid:fred\nwidth:40%\n\nSTYLE\n::cue { color: red }\n\n\
NOTE this is\na comment --> not a cue\n\nNOTE\n\nintro\n01:02.500 --> 01:04.000 align:start position:10% line:0\n\
<v.loud Grace Hopper>Hi <c.yellow>there</c></v>\n\n\
NOTEBOOK\n01:04.000 --> 1:01:04.000\n<v Grace Hopper>Bye\n";
    assert_eq!(
        ok(text, Format::Vtt),
        vec![
            seg("Grace Hopper", "Hi there", 62.5, 64.0),
            // `NOTEBOOK` is no note: it is this cue's identifier.
            seg("Grace Hopper", "Bye", 64.0, 3664.0),
        ]
    );
}

#[test]
fn vtt_header_may_run_straight_into_a_cue() {
    let text = "\u{feff}WEBVTT\n00:00.000 --> 00:01.000\n<v Ada>Hi\n";
    assert_eq!(ok(text, Format::Vtt), vec![seg("Ada", "Hi", 0.0, 1.0)]);
}

#[test]
fn vtt_several_voices_in_one_cue_share_its_time() {
    let text = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n\
- <v Ada>Ready?</v>\n- <v Bob>Yes.</v> <v Bob>Go</v> on\n<v Ada>Fine";
    assert_eq!(
        ok(text, Format::Vtt),
        vec![
            seg("Ada", "Ready?", 1.0, 4.0),
            // Text after a voice ends goes on with the last speaker, as in one turn.
            seg("Bob", "Yes. Go on", 1.0, 4.0),
            seg("Ada", "Fine", 1.0, 4.0),
        ]
    );
    // Text before any voice goes by the `Name:` rule, or the previous speaker.
    let text = "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\nAda: so <v Bob>no</v>\n\n\
00:00:04.000 --> 00:00:05.000\nwell <v Ada>yes\n";
    assert_eq!(
        ok(text, Format::Vtt),
        vec![
            seg("Ada", "so", 1.0, 4.0),
            seg("Bob", "no", 1.0, 4.0),
            seg("Bob", "well", 4.0, 5.0),
            seg("Ada", "yes", 4.0, 5.0),
        ]
    );
}

#[test]
fn vtt_decodes_entities_and_drops_tags() {
    let text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n\
<v Ann &amp; Co>R&amp;D &lt;3 &gt; a&nbsp;b &lrm;c&rlm; &#65;&#x42; &copy; & x;<lang en><i>i</i><b>b</b><u>u</u></lang> \
<ruby>漢<rt>kan</rt></ruby> <00:00:01.500>end a<b";
    assert_eq!(
        ok(text, Format::Vtt),
        vec![seg(
            "Ann & Co",
            "R&D <3 > a b \u{200e}c\u{200f} AB &copy; & x;ibu 漢 end a<b",
            1.0,
            2.0
        )]
    );
}

#[test]
fn vtt_voice_annotation_is_not_split_by_name_colons() {
    let text = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Ada>Bob: hi</v>\n";
    assert_eq!(ok(text, Format::Vtt), vec![seg("Ada", "Bob: hi", 1.0, 2.0)]);
}

#[test]
fn vtt_errors_name_the_line() {
    let cases = [
        (
            "00:00.000 --> 00:01.000\nhi\n",
            "call.vtt line 1: missing the `WEBVTT` line a WebVTT file starts with",
        ),
        (
            "\n\nWEBVTTX\n",
            "call.vtt line 3: missing the `WEBVTT` line a WebVTT file starts with",
        ),
        (
            "",
            "call.vtt line 1: missing the `WEBVTT` line a WebVTT file starts with",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\nhello\nthere <v >x\n",
            "call.vtt line 5: the voice tag `<v >` names no speaker",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v.loud>x\n",
            "call.vtt line 4: the voice tag `<v.loud>` names no speaker",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.00a\nx\n",
            "call.vtt line 3: invalid time `00:02.00a` (expected HH:MM:SS.mmm or MM:SS.mmm)",
        ),
        (
            "WEBVTT\n\n00:01.000 --> 00:02.000\n<v A>x\n\n00:03.000 --> 00:02.000\n<v A>y\n",
            "call.vtt line 6: end 00:02.000 is before start 00:03.000",
        ),
        (
            "WEBVTT\n\n00:03.000 --> 00:04.000\n<v A>x\n\n00:02.000 --> 00:05.000\n<v A>y\n",
            "call.vtt line 6: start 00:02.000 is before the previous segment's start 00:03.000 \
             (Attio expects segments in order)",
        ),
        (
            "WEBVTT\n\nintro text\nmore\n\n00:01.000 --> 00:02.000\nx\n",
            "call.vtt line 3: expected a cue timing line (`START --> END`), found `intro text`",
        ),
        (
            "WEBVTT\n\nNOTE nothing here\n",
            "call.vtt: no segments with speech",
        ),
    ];
    for (text, message) in cases {
        assert_eq!(err(text, Format::Vtt, "call.vtt"), message, "{text}");
    }
}

#[test]
fn parse_error_is_a_std_error_with_its_parts() {
    let error = match parse("[]", Format::Json, "x.json") {
        Err(error) => error,
        Ok(_) => panic!("no error"),
    };
    assert_eq!(error.source_name, "x.json");
    assert_eq!(error.line, None);
    assert_eq!(error.kind, ParseErrorKind::NoSegments);
    let boxed: Box<dyn std::error::Error> = Box::new(error);
    assert_eq!(boxed.to_string(), "x.json: no segments with speech");
}

// ---- writing and round trips ----

fn speech(segment: &Segment) -> Speech<'_> {
    Speech {
        speaker: &segment.speaker,
        text: &segment.speech,
        start: segment.start_time,
        end: segment.end_time,
    }
}

/// One cue per segment, through the subtitle writer: what reads back segment for segment.
fn one_cue_each(segments: &[Segment], style: Style) -> String {
    let cues: Vec<_> = segments
        .iter()
        .map(|segment| subtitles::whole_cue(&speech(segment), style))
        .collect();
    subtitles::write(&cues, style)
}

fn to_srt(segments: &[Segment]) -> String {
    one_cue_each(segments, Style::Srt)
}

fn to_vtt(segments: &[Segment]) -> String {
    one_cue_each(segments, Style::Vtt)
}

fn call() -> Vec<Segment> {
    vec![
        seg("Ada", "Hello,", 0.0, 1.25),
        seg("Ada", "shall we start?", 1.25, 2.5),
        seg(
            "Grace <Admiral> & Co",
            "Yes <now> & here --> there.",
            3661.5,
            3663.0,
        ),
        seg("Bob", "Note: 10:30 works", 3663.0, 3663.0),
        seg("Bob", "&amp; is how you write it", 360_000.001, 360_001.999),
    ]
}

#[test]
fn writers_output() {
    let srt = to_srt(&call()[..2]);
    assert_eq!(
        srt,
        "1\n00:00:00,000 --> 00:00:01,250\nAda: Hello,\n\n\
2\n00:00:01,250 --> 00:00:02,500\nAda: shall we start?\n\n"
    );
    let vtt = to_vtt(&call()[2..3]);
    assert_eq!(
        vtt,
        "WEBVTT\n\n01:01:01.500 --> 01:01:03.000\n\
<v Grace &lt;Admiral&gt; &amp; Co>Yes &lt;now&gt; &amp; here --&gt; there.\n\n"
    );
    assert_eq!(to_vtt(&[]), "WEBVTT\n\n");
    assert_eq!(to_srt(&[]), "");
    // Multi-line speech is written on one line; negative times as zero.
    assert_eq!(
        to_srt(&[seg(" Ada ", "a\n\nb ", -1.0, 0.0004)]),
        "1\n00:00:00,000 --> 00:00:00,000\nAda: a b\n\n"
    );
}

#[test]
fn round_trips_of_hand_written_segments() {
    let vtt_only = call();
    assert_eq!(ok(&to_vtt(&vtt_only), Format::Vtt), vtt_only);
    // SRT cannot escape, so its speech holds no `-->` and its names no `<`, `>`.
    let srt = vec![
        seg("Ada", "Hello,", 0.0, 1.25),
        seg(
            "Grace Hopper",
            "Yes <now> & here -> there {ok}",
            3661.5,
            3663.0,
        ),
        seg("Bob", "Note: 10:30 works", 3663.0, 3663.0),
        seg("Bob", "&amp; <3", 360_000.001, 360_001.999),
    ];
    assert_eq!(ok(&to_srt(&srt), Format::Srt), srt);
}

#[test]
fn the_transcript_commands_own_subtitles_read_back_one_segment_per_cue() {
    // Words as Attio gives them, grouped by `attio-meetings transcript --format srt|vtt`.
    let words = [
        seg("Ada", "Hello,", 0.0, 0.5),
        seg("Ada", "shall", 0.6, 0.9),
        seg("Ada", "we", 1.0, 1.1),
        seg("Ada", "start?", 1.2, 1.6),
        // A pause of 1.4 s ends the cue.
        seg("Ada", "Now.", 3.0, 3.4),
        seg("Grace", "Yes", 3.5, 3.7),
        seg("Grace", "<now>", 3.8, 4.0),
        seg("Grace", "&", 4.0, 4.1),
        seg("Grace", "here.", 4.1, 4.5),
    ];
    let speech: Vec<Speech<'_>> = words.iter().map(speech).collect();
    let expected = vec![
        seg("Ada", "Hello, shall we start?", 0.0, 1.6),
        seg("Ada", "Now.", 3.0, 3.4),
        seg("Grace", "Yes <now> & here.", 3.5, 4.5),
    ];
    let srt = subtitles::render(&speech, Style::Srt);
    assert_eq!(ok(&srt, Format::Srt), expected, "{srt}");
    let vtt = subtitles::render(&speech, Style::Vtt);
    assert_eq!(ok(&vtt, Format::Vtt), expected, "{vtt}");
}

/// SplitMix64: deterministic, so a failure reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const NAMES: &[&str] = &[
    "Ada",
    "Ada Lovelace",
    "Grace Hopper",
    "Dr. Chen",
    "José Álvarez",
    "李雷",
    "Speaker 1",
    "O'Brien",
    "Mary-Kate Olsen",
    "ada (guest)",
    "J. R. R. Tolkien",
    "R&D team",
    "john.smith",
];

/// Words safe in both formats (no SRT formatting tag, no `-->`).
const WORDS: &[&str] = &[
    "hello",
    "Thanks",
    "for",
    "joining,",
    "we",
    "R&D",
    "a<b",
    "x>y",
    "10:30",
    "Note:",
    "naïve",
    "日本語",
    "🙂",
    "->",
    "—",
    "&amp;",
    "&lt;",
    "O'Brien",
    "50%",
    "[laughs]",
    "\"quoted\"",
    "{braces}",
    "<3",
    "1",
    "42.",
    "-",
    ":",
    "WEBVTT",
    "NOTE",
    "<c>",
    "</v>",
    "<v",
    "Ada:",
];

fn generate(rng: &mut Rng, words: &[&str]) -> Vec<Segment> {
    let count = 1 + rng.below(20);
    let mut start_ms = match rng.below(10) {
        0 => 99 * 3_600_000 + rng.below(3_600_000),
        1 => 123_456 * 3_600_000,
        _ => rng.below(3 * 3_600_000),
    };
    (0..count)
        .map(|_| {
            if rng.below(4) != 0 {
                start_ms += rng.below(5000);
            }
            let end_ms = start_ms + rng.below(8000);
            let speech: Vec<&str> = (0..1 + rng.below(8)).map(|_| rng.pick(words)).collect();
            seg(
                rng.pick(NAMES),
                &speech.join(" "),
                start_ms as f64 / 1000.0,
                end_ms as f64 / 1000.0,
            )
        })
        .collect()
}

#[test]
fn round_trips_of_generated_segments() {
    let mut rng = Rng(20_260_101);
    for case in 0..500 {
        let segments = generate(&mut rng, WORDS);
        let srt = to_srt(&segments);
        assert_eq!(ok(&srt, Format::Srt), segments, "case {case}:\n{srt}");
        assert_eq!(Format::detect("-", &srt), Some(Format::Srt));
        let vtt = to_vtt(&segments);
        assert_eq!(ok(&vtt, Format::Vtt), segments, "case {case}:\n{vtt}");
        assert_eq!(Format::detect("-", &vtt), Some(Format::Vtt));
        // Through the other format, and with Windows line ends.
        assert_eq!(to_srt(&ok(&vtt, Format::Vtt)), srt);
        assert_eq!(ok(&srt.replace('\n', "\r\n"), Format::Srt), segments);
    }
}

/// A call as Attio transcribes it: one segment per word, in order, turns of a few speakers, gaps of
/// every length (pauses included), words of every length.
fn generate_words(rng: &mut Rng) -> Vec<Segment> {
    let speakers: Vec<&str> = (0..2 + rng.below(3)).map(|_| rng.pick(NAMES)).collect();
    let mut speaker = speakers[0];
    let mut at_ms = rng.below(3 * 3_600_000);
    (0..1 + rng.below(120))
        .map(|_| {
            if rng.below(8) == 0 {
                speaker = speakers[rng.below(speakers.len() as u64) as usize];
            }
            at_ms += match rng.below(10) {
                0 => 1000 + rng.below(4000),
                1 => 700 + rng.below(600),
                _ => rng.below(300),
            };
            let start_ms = at_ms;
            let longest = if rng.below(50) == 0 { 9000 } else { 700 };
            at_ms += 50 + rng.below(longest);
            let text = if rng.below(30) == 0 {
                "x".repeat(1 + rng.below(60) as usize)
            } else {
                rng.pick(WORDS).to_owned()
            };
            seg(
                speaker,
                &text,
                start_ms as f64 / 1000.0,
                at_ms as f64 / 1000.0,
            )
        })
        .collect()
}

#[test]
fn grouped_cues_read_back_with_every_word_and_speaker_in_order() {
    let mut rng = Rng(42);
    for case in 0..300 {
        let words = generate_words(&mut rng);
        let speech: Vec<Speech<'_>> = words.iter().map(speech).collect();
        for (style, format) in [(Style::Srt, Format::Srt), (Style::Vtt, Format::Vtt)] {
            let text = subtitles::render(&speech, style);
            let cues = subtitles::cues(&speech, style);
            let read = ok(&text, format);
            // One segment per cue, with the cue's speaker and times.
            assert_eq!(read.len(), cues.len(), "case {case}:\n{text}");
            // Every word, each with its own speaker, in order.
            let read_words: Vec<(&str, &str)> = read
                .iter()
                .flat_map(|s| s.speech.split(' ').map(|w| (s.speaker.as_str(), w)))
                .collect();
            let given: Vec<(&str, &str)> = words
                .iter()
                .map(|w| (w.speaker.as_str(), w.speech.as_str()))
                .collect();
            assert_eq!(read_words, given, "case {case}:\n{text}");
            // Each cue from its first word's start to its last word's end.
            let mut next = 0;
            for segment in &read {
                let count = segment.speech.split(' ').count();
                let (first, last) = (&words[next], &words[next + count - 1]);
                assert_eq!(segment.start_time, first.start_time, "case {case}:\n{text}");
                assert_eq!(segment.end_time, last.end_time, "case {case}:\n{text}");
                next += count;
            }
        }
    }
}

// ---- no panics on any input ----

const TOKENS: &[&str] = &[
    "<",
    ">",
    "&",
    ";",
    ":",
    ": ",
    "-->",
    "\n",
    "\r\n",
    "\n\n",
    "WEBVTT",
    "00:00:01.000",
    "00:01,5",
    "999999:59:59.999",
    ",",
    ".",
    "{",
    "}",
    "{\\",
    "[",
    "]",
    "\"",
    "\\",
    "<v",
    "<v ",
    "</v>",
    "<rt>",
    "<font",
    "&#x",
    "&#99999999;",
    "&#xD800;",
    "1",
    "é",
    "\u{feff}",
    " ",
    "\t",
    "NOTE",
    "STYLE",
    "speech",
    "\"speech\":",
    "{\"speech\": \"a\", \"start_time\": ",
    "null",
    "-1",
    "1e999",
    "segments",
    "\"data\":",
    "Ada:",
    "🙂",
];

#[test]
fn no_input_panics() {
    let fixtures = [ZOOM_VTT, TEAMS_VTT, YOUTUBE_VTT, EXPORTED_SRT];
    let formats = [Format::Json, Format::Srt, Format::Vtt];
    let json = r#"{"data": {"transcript": {"segments": [{"speech": "a\"]", "start_time": 0, "end_time": 1, "speaker": {"name": "A", "email_address": "a@b.co"}}]}}}"#;
    for text in fixtures.iter().chain([&json]) {
        for (cut, _) in text.char_indices() {
            for format in formats {
                let _ = parse(&text[..cut], format, "x");
                let _ = parse(&text[cut..], format, "x");
            }
        }
    }
    let mut rng = Rng(7);
    for _ in 0..3000 {
        let text: String = (0..rng.below(40)).map(|_| rng.pick(TOKENS)).collect();
        for format in formats {
            let _ = parse(&text, format, "x");
        }
        let _ = Format::detect("x", &text);
    }
}
