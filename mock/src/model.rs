//! What the fake stores, and how Attio renders it.

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// When a meeting starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Time {
    /// A timed meeting: the instant, and the IANA timezone if one was given and is valid.
    At {
        instant: DateTime<Utc>,
        timezone: Option<String>,
    },
    /// An all-day meeting's date.
    Date(NaiveDate),
}

impl Time {
    /// The instant used for filtering and sorting; dates count from midnight in `tz`.
    pub fn instant_in(&self, tz: chrono_tz::Tz) -> DateTime<Utc> {
        match self {
            Time::At { instant, .. } => *instant,
            Time::Date(date) => local_to_utc(tz, date.and_time(NaiveTime::MIN)),
        }
    }

    /// Attio's response form. Datetimes carry the real offset of the meeting's timezone on that date
    /// (Attio's own example, `-04:00` for New York in November, is off by an hour), or `Z` without one.
    pub fn render(&self) -> Value {
        match self {
            Time::At { instant, timezone } => {
                let tz = timezone
                    .as_deref()
                    .and_then(|name| name.parse::<chrono_tz::Tz>().ok());
                let datetime = match tz {
                    Some(tz) => instant
                        .with_timezone(&tz)
                        .to_rfc3339_opts(SecondsFormat::Millis, true),
                    None => instant.to_rfc3339_opts(SecondsFormat::Millis, true),
                };
                json!({"datetime": datetime, "timezone": timezone})
            }
            Time::Date(date) => json!({"date": date.format("%Y-%m-%d").to_string()}),
        }
    }
}

/// The instant of a local wall-clock time in `tz`: the earlier one when clocks go back, and when clocks
/// jump forward over it (Santiago skips 00:00-01:00 on some dates), the first instant after the gap.
pub fn local_to_utc(tz: chrono_tz::Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut candidate = local;
    // Gaps last at most a few hours; a minute's step finds the end of one.
    for _ in 0..=24 * 60 {
        if let Some(at) = tz.from_local_datetime(&candidate).earliest() {
            return at.with_timezone(&Utc);
        }
        candidate += chrono::Duration::minutes(1);
    }
    Utc.from_utc_datetime(&local)
}

/// A participant as stored: known by email address, by name, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub email_address: Option<String>,
    /// Only a name given at creation; Attio copies in no names of people it knows.
    pub name: Option<String>,
    pub is_organizer: bool,
    pub status: String,
}

/// A linked record as stored (the output form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedRecord {
    pub object_slug: String,
    pub object_id: Uuid,
    pub record_id: Uuid,
}

/// Who created something.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub id: Option<String>,
    pub kind: Option<String>,
}

impl Actor {
    pub(crate) fn render(&self) -> Value {
        json!({"id": self.id, "type": self.kind})
    }
}

/// A meeting as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Insertion order; breaks ties of equal start times.
    pub seq: u64,
    pub id: Uuid,
    pub title: String,
    pub description: String,
    pub is_all_day: bool,
    pub start: Time,
    pub end: Time,
    pub participants: Vec<Participant>,
    pub linked_records: Vec<LinkedRecord>,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    /// Made by Attio's calendar sync (seeded so): the API cannot delete it.
    pub calendar_synced: bool,
}

impl Meeting {
    /// Attio's JSON for the meeting.
    pub fn render(&self, workspace_id: Uuid) -> Value {
        json!({
            "id": {"workspace_id": workspace_id, "meeting_id": self.id},
            "title": self.title,
            "description": self.description,
            "is_all_day": self.is_all_day,
            "start": self.start.render(),
            "end": self.end.render(),
            "participants": self.participants.iter().map(|p| json!({
                "status": p.status,
                "is_organizer": p.is_organizer,
                "email_address": p.email_address,
                "name": p.name,
            })).collect::<Vec<_>>(),
            "linked_records": self.linked_records.iter().map(|r| json!({
                "object_slug": r.object_slug,
                "object_id": r.object_id,
                "record_id": r.record_id,
            })).collect::<Vec<_>>(),
            "created_at": timestamp(self.created_at),
            "created_by_actor": self.created_by.render(),
        })
    }
}

/// One timed piece of a transcript.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub speaker: String,
    pub speech: String,
    pub start_time: f64,
    pub end_time: f64,
}

impl Segment {
    /// Attio's JSON for a segment (the speaker by name only, as Attio answers).
    pub(crate) fn render(&self) -> Value {
        json!({
            "speech": self.speech,
            "start_time": self.start_time,
            "end_time": self.end_time,
            "speaker": {"name": self.speaker},
        })
    }
}

/// Where a call recording is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Still downloading until the given instant, then `completed`.
    CompletesAt(DateTime<Utc>),
    /// Still downloading until the given instant, then `failed`.
    FailsAt(DateTime<Utc>),
}

/// A call recording as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecording {
    pub seq: u64,
    pub id: Uuid,
    pub meeting_id: Uuid,
    /// The video the recording was made from, if any (a transcript-only recording has none).
    pub video_url: Option<String>,
    /// What get-call-recording shows as `video_url`: null for recordings created through the API (Attio
    /// gives download links only for its own recorder's videos); seeded recordings show theirs.
    pub download_url: Option<String>,
    pub outcome: Outcome,
    pub created_at: DateTime<Utc>,
    pub created_by: Actor,
    /// Uploaded with the recording, or (for a video alone) made up by the fake; empty for none.
    pub transcript: Vec<Segment>,
}

impl CallRecording {
    /// `processing`, then `completed` or `failed`.
    pub fn status(&self, now: DateTime<Utc>) -> &'static str {
        match self.outcome {
            Outcome::CompletesAt(at) if now >= at => "completed",
            Outcome::FailsAt(at) if now >= at => "failed",
            _ => "processing",
        }
    }

    /// The composite id Attio returns for recordings and transcripts.
    pub fn render_id(&self, workspace_id: Uuid) -> Value {
        json!({"workspace_id": workspace_id, "meeting_id": self.meeting_id, "call_recording_id": self.id})
    }

    /// Link into Attio's web app (the fake's workspace slug is `mock`).
    pub fn web_url(&self) -> String {
        format!(
            "https://app.attio.com/mock/calls/{}/{}",
            self.meeting_id, self.id
        )
    }

    /// The transcript, once the recording is `completed` (none before, nor for a failed one).
    pub fn ready_transcript(&self, now: DateTime<Utc>) -> &[Segment] {
        if self.status(now) == "completed" {
            &self.transcript
        } else {
            &[]
        }
    }

    /// Attio's full JSON for the recording at `now` (get-call-recording): the summary with `video_url`
    /// and `transcript`, which is null while processing, for a failed recording and when there is none.
    pub fn render_details(&self, workspace_id: Uuid, now: DateTime<Utc>) -> Value {
        let mut rendered = self.render(workspace_id, now);
        let segments = self.ready_transcript(now);
        let transcript = (!segments.is_empty()).then(|| {
            json!({
                "segments": segments.iter().map(Segment::render).collect::<Vec<_>>(),
                "raw_transcript": raw_transcript(segments),
            })
        });
        if let Some(object) = rendered.as_object_mut() {
            object.insert("video_url".into(), json!(self.download_url));
            object.insert("transcript".into(), json!(transcript));
        }
        rendered
    }

    /// Attio's summary JSON for the recording at `now` (list and create).
    pub fn render(&self, workspace_id: Uuid, now: DateTime<Utc>) -> Value {
        json!({
            "id": self.render_id(workspace_id),
            "status": self.status(now),
            "web_url": self.web_url(),
            "created_by_actor": self.created_by.render(),
            "created_at": timestamp(self.created_at),
        })
    }
}

/// The whole transcript as text, one `[mm:ss] Speaker: words` line per change of speaker.
pub fn raw_transcript(segments: &[Segment]) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut current: Option<&str> = None;
    for segment in segments {
        if current == Some(segment.speaker.as_str()) {
            if let Some(line) = lines.last_mut() {
                line.push(' ');
                line.push_str(&segment.speech);
            }
        } else {
            let secs = segment.start_time.max(0.0) as u64;
            lines.push(format!(
                "[{:02}:{:02}] {}: {}",
                secs / 60,
                secs % 60,
                segment.speaker,
                segment.speech
            ));
            current = Some(&segment.speaker);
        }
    }
    lines.join("\n")
}

/// Attio's timestamp form, with nanoseconds: `2023-01-01T15:00:00.000000000Z`.
pub fn timestamp(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Nanos, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datetimes_use_the_real_offset_of_the_date() {
        let instant = DateTime::parse_from_rfc3339("2027-11-27T19:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let winter = Time::At {
            instant,
            timezone: Some("America/New_York".into()),
        };
        assert_eq!(winter.render()["datetime"], "2027-11-27T14:00:00.000-05:00");
        let summer_instant = DateTime::parse_from_rfc3339("2027-06-27T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let summer = Time::At {
            instant: summer_instant,
            timezone: Some("America/New_York".into()),
        };
        assert_eq!(summer.render()["datetime"], "2027-06-27T14:00:00.000-04:00");
        let utc = Time::At {
            instant,
            timezone: None,
        };
        assert_eq!(
            utc.render(),
            json!({"datetime": "2027-11-27T19:00:00.000Z", "timezone": null})
        );
    }

    #[test]
    fn timestamps_have_nanoseconds() {
        let at = DateTime::parse_from_rfc3339("2023-01-01T15:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(timestamp(at), "2023-01-01T15:00:00.000000000Z");
    }
}
