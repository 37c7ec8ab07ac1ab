//! Property tests: every generated type the client sends or receives survives serde unchanged,
//! `serde_json::from_value(serde_json::to_value(x)) == x`.
//!
//! The generated types have no `Arbitrary`, so the strategies are written here. The derived `PartialEq`
//! does not see everything: `DateTime<FixedOffset>` compares instants only, so a lost offset would still
//! compare equal. The encodings are compared too (`to_value(back) == to_value(x)`, and the texts in the
//! properties that also go through JSON text), which shows the offset.
//!
//! Open enums (`ParticipantStatus`, `ActorType`, `CallRecordingStatus`) decode a
//! string by value, so `Unknown("accepted")` would come back as `Accepted`: that is intended (the
//! `Unknown` variant is for values this crate does not know), not a round-trip failure. The strategies
//! generate `Unknown` only with strings outside the known set.
//!
//! Datetimes are generated with every offset Attio can send (whole minutes, up to ±23:59; RFC 3339 has
//! no offset seconds, so an offset with seconds cannot be decoded in the first place), nanoseconds and
//! leap seconds, and years outside 0000-9999 too (chrono writes and reads them as `+12000`, `-0500`).
//!
//! `PROPTEST_CASES` overrides the number of cases (256 per property by default).

use attio_meetings::types::{
    Actor, ActorType, AttioError, CallRecording, CallRecordingId, CallRecordingStatus,
    LinkedRecord, Meeting, MeetingId, MeetingTime, NewLinkedRecord, NewMeeting, NewParticipant,
    Participant, ParticipantStatus, Speaker, Transcript, TranscriptSegment,
};
use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;
use uuid::Uuid;

// --- leaves -------------------------------------------------------------------------------------

/// Any text, control characters, quotes, backslashes and non-BMP characters included.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 .@_-]{0,24}",
        any::<String>(),
        Just(String::new()),
        Just("\"\\\u{0}\u{1f}\u{7f}\u{2028}\u{10ffff}".to_string()),
    ]
}

fn uuid() -> impl Strategy<Value = Uuid> {
    any::<u128>().prop_map(Uuid::from_u128)
}

/// Days since 0001-01-01 (day 1) for dates from about 4000 BCE to 12000 CE.
const DAYS: std::ops::RangeInclusive<i32> = -1_461_000..=4_383_000;

fn date() -> impl Strategy<Value = NaiveDate> {
    prop_oneof![
        // Around now, where real meetings are.
        (738_000..=742_000_i32),
        DAYS,
    ]
    .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("day in chrono's range"))
}

/// An offset in whole minutes, `Z` and the extremes included.
fn offset() -> impl Strategy<Value = FixedOffset> {
    prop_oneof![
        Just(0),
        prop::sample::select(vec![-720, -300, -240, 60, 330, 345, 525, 840]),
        -1439..=1439_i32,
    ]
    .prop_map(|minutes| FixedOffset::east_opt(minutes * 60).expect("offset below a day"))
}

fn datetime() -> impl Strategy<Value = DateTime<FixedOffset>> {
    let nanos = prop_oneof![
        Just(0_u32),
        (0..1000_u32).prop_map(|ms| ms * 1_000_000),
        0..1_000_000_000_u32,
    ];
    (date(), 0..86_400_u32, nanos, any::<bool>(), offset()).prop_map(
        |(date, seconds, nanos, leap, offset)| {
            // chrono represents a leap second as nanoseconds past 1e9 in the last second of a minute.
            let (seconds, nanos) = if leap {
                (
                    seconds - seconds % 60 + 59,
                    1_000_000_000 + nanos % 1_000_000_000,
                )
            } else {
                (seconds, nanos)
            };
            let time = NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
                .expect("valid time of day");
            offset.from_utc_datetime(&NaiveDateTime::new(date, time))
        },
    )
}

/// Seconds from the start of a recording as Attio writes them: milliseconds, up to about 3 hours.
fn attio_seconds() -> impl Strategy<Value = f64> + Clone {
    (0..10_000_000_u32).prop_map(|ms| f64::from(ms) / 1000.0)
}

/// A finite `f64`, any bit pattern: `serde_json::Value` keeps them exactly.
fn finite_f64() -> impl Strategy<Value = f64> + Clone {
    use prop::num::f64::{NEGATIVE, NORMAL, POSITIVE, SUBNORMAL, ZERO};
    prop_oneof![
        attio_seconds(),
        POSITIVE | NEGATIVE | NORMAL | SUBNORMAL | ZERO,
        Just(-0.0),
        Just(f64::MAX),
        Just(f64::MIN_POSITIVE),
    ]
}

/// An open enum: a known value, or `Unknown` with a string that is none of them.
fn open_enum<T: Clone + std::fmt::Debug + 'static>(
    known: Vec<T>,
    wire: &'static [&'static str],
    unknown: fn(String) -> T,
) -> impl Strategy<Value = T> {
    prop_oneof![
        prop::sample::select(known),
        text()
            .prop_filter("a known value decodes to its own variant", move |s| {
                !wire.contains(&s.as_str())
            })
            .prop_map(unknown),
        // Near misses must stay unknown: case and whitespace matter.
        prop::sample::select(wire.to_vec())
            .prop_map(move |s| unknown(format!("{} ", s.to_uppercase()))),
    ]
}

fn participant_status() -> impl Strategy<Value = ParticipantStatus> {
    use ParticipantStatus::*;
    open_enum(
        vec![Accepted, Tentative, Declined, Pending],
        &["accepted", "tentative", "declined", "pending"],
        Unknown,
    )
}

fn actor_type() -> impl Strategy<Value = ActorType> {
    use ActorType::*;
    open_enum(
        vec![ApiToken, WorkspaceMember, System, App],
        &["api-token", "workspace-member", "system", "app"],
        Unknown,
    )
}

fn call_recording_status() -> impl Strategy<Value = CallRecordingStatus> {
    use CallRecordingStatus::*;
    open_enum(
        vec![Processing, Completed, Failed],
        &["processing", "completed", "failed"],
        Unknown,
    )
}

// --- meetings -----------------------------------------------------------------------------------

fn meeting_time() -> impl Strategy<Value = MeetingTime> {
    prop_oneof![
        (datetime(), prop::option::of(text()))
            .prop_map(|(datetime, timezone)| MeetingTime::Timed { datetime, timezone }),
        date().prop_map(|date| MeetingTime::AllDay { date }),
    ]
}

fn actor() -> impl Strategy<Value = Actor> {
    (prop::option::of(text()), prop::option::of(actor_type()))
        .prop_map(|(id, type_)| Actor { id, type_ })
}

fn participant() -> impl Strategy<Value = Participant> {
    (
        prop::option::of(text()),
        prop::option::of(text()),
        any::<bool>(),
        participant_status(),
    )
        .prop_map(|(email_address, name, is_organizer, status)| Participant {
            email_address,
            name,
            is_organizer,
            status,
        })
}

fn linked_record() -> impl Strategy<Value = LinkedRecord> {
    (uuid(), text(), uuid()).prop_map(|(object_id, object_slug, record_id)| LinkedRecord {
        object_id,
        object_slug,
        record_id,
    })
}

fn meeting() -> impl Strategy<Value = Meeting> {
    (
        (datetime(), actor(), text(), text()),
        (meeting_time(), meeting_time(), any::<bool>()),
        (uuid(), uuid()),
        prop::collection::vec(linked_record(), 0..3),
        prop::collection::vec(participant(), 0..4),
    )
        .prop_map(
            |(
                (created_at, created_by_actor, title, description),
                (start, end, is_all_day),
                (meeting_id, workspace_id),
                linked_records,
                participants,
            )| Meeting {
                created_at,
                created_by_actor,
                description,
                end,
                id: MeetingId {
                    meeting_id,
                    workspace_id,
                },
                is_all_day,
                linked_records,
                participants,
                start,
                title,
            },
        )
}

fn new_meeting() -> impl Strategy<Value = NewMeeting> {
    // A name has at least one character (the spec's minLength); either may be left out.
    let name = text().prop_filter("names are not empty", |s| !s.is_empty());
    let participant = (
        prop::option::of(text()),
        prop::option::of(name),
        any::<bool>(),
        participant_status(),
    )
        .prop_map(|(email_address, name, is_organizer, status)| {
            NewParticipant::builder()
                .email_address(email_address)
                .name(name.map(|n| n.try_into().expect("a non-empty name")))
                .is_organizer(is_organizer)
                .status(status)
                .try_into()
                .expect("every field set")
        });
    let linked =
        (text(), uuid()).prop_map(|(object, record_id)| NewLinkedRecord::new(object, record_id));
    (
        (text(), text(), any::<bool>()),
        (meeting_time(), meeting_time()),
        prop::collection::vec(linked, 0..3),
        prop::collection::vec(participant, 0..4),
    )
        .prop_map(
            |((title, description, is_all_day), (start, end), linked_records, participants)| {
                NewMeeting::builder()
                    .description(description)
                    .end(end)
                    .is_all_day(is_all_day)
                    .linked_records(linked_records)
                    .participants(participants)
                    .start(start)
                    .title(title)
                    .try_into()
                    .expect("every field set")
            },
        )
}

// --- recordings, transcripts, errors ------------------------------------------------------------

fn call_recording_id() -> impl Strategy<Value = CallRecordingId> {
    (uuid(), uuid(), uuid()).prop_map(|(call_recording_id, meeting_id, workspace_id)| {
        CallRecordingId {
            call_recording_id,
            meeting_id,
            workspace_id,
        }
    })
}

fn call_recording() -> impl Strategy<Value = CallRecording> {
    (
        datetime(),
        actor(),
        call_recording_id(),
        call_recording_status(),
        text(),
    )
        .prop_map(
            |(created_at, created_by_actor, id, status, web_url)| CallRecording {
                created_at,
                created_by_actor,
                id,
                status,
                web_url,
            },
        )
}

fn transcript_segment(
    seconds: impl Strategy<Value = f64> + Clone,
) -> impl Strategy<Value = TranscriptSegment> {
    (seconds.clone(), text(), text(), seconds).prop_map(|(end_time, name, speech, start_time)| {
        TranscriptSegment {
            end_time,
            speaker: Speaker { name },
            speech,
            start_time,
        }
    })
}

fn transcript(seconds: impl Strategy<Value = f64> + Clone) -> impl Strategy<Value = Transcript> {
    (
        call_recording_id(),
        text(),
        prop::collection::vec(transcript_segment(seconds), 0..6),
        text(),
    )
        .prop_map(|(id, raw_transcript, transcript, web_url)| Transcript {
            id,
            raw_transcript,
            transcript,
            web_url,
        })
}

fn attio_error() -> impl Strategy<Value = AttioError> {
    (text(), text(), any::<u16>(), text()).prop_map(|(code, message, status_code, type_)| {
        AttioError {
            code,
            message,
            status_code,
            type_,
        }
    })
}

// --- the properties -----------------------------------------------------------------------------

/// `from_value(to_value(x)) == x`, and the encoding is the same after the round trip.
fn round_trips<T>(x: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let value = serde_json::to_value(x).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let back: T = serde_json::from_value(value.clone())
        .map_err(|e| TestCaseError::fail(format!("decode: {e}\n{value}")))?;
    prop_assert_eq!(&back, x, "encoded as {}", value);
    let again = serde_json::to_value(&back).expect("a decoded value encodes");
    prop_assert_eq!(again, value);
    Ok(())
}

/// The same through JSON text, as bodies travel. Not for arbitrary floats: serde_json without its
/// `float_roundtrip` feature parses a float with a long mantissa or an extreme exponent up to 2 ULPs
/// off (about a third of random bit patterns move), so `1.1888185686666665e266` comes back as
/// `1.1888185686666662e266`. Attio's times (seconds with a few decimals) are parsed exactly.
fn round_trips_as_text<T>(x: &T) -> Result<(), TestCaseError>
where
    T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(x).map_err(|e| TestCaseError::fail(format!("encode: {e}")))?;
    let back: T = serde_json::from_str(&text)
        .map_err(|e| TestCaseError::fail(format!("decode: {e}\n{text}")))?;
    prop_assert_eq!(&back, x, "encoded as {}", text);
    let again = serde_json::to_string(&back).expect("a decoded value encodes");
    prop_assert_eq!(again, text);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256),
        ..ProptestConfig::default()
    })]

    #[test]
    fn meeting_round_trips(x in meeting()) {
        round_trips(&x)?;
        round_trips_as_text(&x)?;
    }

    #[test]
    fn call_recording_round_trips(x in call_recording()) {
        round_trips(&x)?;
        round_trips_as_text(&x)?;
    }

    #[test]
    fn transcript_round_trips(x in transcript(finite_f64())) {
        round_trips(&x)?;
    }

    #[test]
    fn transcript_with_attio_times_round_trips_as_text(x in transcript(attio_seconds())) {
        round_trips(&x)?;
        round_trips_as_text(&x)?;
    }

    #[test]
    fn transcript_segment_round_trips(x in transcript_segment(finite_f64())) {
        round_trips(&x)?;
    }

    #[test]
    fn new_meeting_round_trips(x in new_meeting()) {
        round_trips(&x)?;
        round_trips_as_text(&x)?;
    }

    #[test]
    fn attio_error_round_trips(x in attio_error()) {
        round_trips(&x)?;
        round_trips_as_text(&x)?;
    }
}
