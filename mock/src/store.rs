//! The fake's state and the semantics of the 8 operations on it.
//!
//! One mutex guards everything, so find-or-create's "look up by external_ref, else insert" is atomic:
//! concurrent identical requests produce exactly one meeting.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cursor;
use crate::envelope::ApiError;
use crate::limits::lock;
use crate::model::{Actor, CallRecording, LinkedRecord, Meeting, Outcome, Segment};
use crate::validate::{self, NewMeeting};
use crate::webhooks::Completion;
use tokio::sync::mpsc::UnboundedSender;

/// Order of a meeting listing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    StartAsc,
    StartDesc,
}

impl Sort {
    fn name(self) -> &'static str {
        match self {
            Sort::StartAsc => "start_asc",
            Sort::StartDesc => "start_desc",
        }
    }
}

/// A validated list-meetings query.
#[derive(Debug, Clone)]
pub struct MeetingQuery {
    pub limit: usize,
    pub cursor: Option<String>,
    pub linked: Option<(String, Uuid)>,
    pub participants: Vec<String>,
    pub sort: Sort,
    pub ends_from: Option<DateTime<Utc>>,
    pub starts_before: Option<DateTime<Utc>>,
    pub timezone: chrono_tz::Tz,
}

/// Settings of the store.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    /// How long a new call recording stays `processing`.
    pub processing_time: Duration,
    /// Segments per transcript page.
    pub transcript_page_size: usize,
}

/// The objects every workspace has, which linked records may name by slug or id.
const STANDARD_OBJECTS: [&str; 5] = ["people", "companies", "deals", "users", "workspaces"];

#[derive(Debug)]
struct State {
    rng: fastrand::Rng,
    workspace_id: Uuid,
    objects: Vec<(String, Uuid)>,
    actors: HashMap<String, Uuid>,
    next_seq: u64,
    meetings: HashMap<Uuid, Meeting>,
    by_external_key: HashMap<String, Uuid>,
    recordings: HashMap<Uuid, CallRecording>,
}

/// The fake's data.
#[derive(Debug)]
pub struct Store {
    state: Mutex<State>,
    settings: StoreSettings,
    /// Told of every recording that will complete, for webhook deliveries.
    completions: Mutex<Option<UnboundedSender<Completion>>>,
}

impl State {
    fn uuid(&mut self) -> Uuid {
        let mut bytes = [0u8; 16];
        self.rng.fill(&mut bytes);
        uuid::Builder::from_random_bytes(bytes).into_uuid()
    }

    fn seq(&mut self) -> u64 {
        self.next_seq += 1;
        self.next_seq
    }

    fn actor_for(&mut self, token: &str) -> Actor {
        let id = match self.actors.get(token) {
            Some(id) => *id,
            None => {
                let id = self.uuid();
                self.actors.insert(token.to_string(), id);
                id
            }
        };
        Actor {
            id: Some(id.to_string()),
            kind: Some("api-token".into()),
        }
    }

    fn meeting(&self, id: Uuid) -> Result<&Meeting, ApiError> {
        self.meetings
            .get(&id)
            .ok_or_else(|| ApiError::not_found(format!("Meeting with ID \"{id}\" was not found.")))
    }

    fn recording(&self, meeting_id: Uuid, id: Uuid) -> Result<&CallRecording, ApiError> {
        self.meeting(meeting_id)?;
        self.recordings
            .get(&id)
            .filter(|r| r.meeting_id == meeting_id)
            .ok_or_else(|| {
                ApiError::not_found(format!("Call recording with ID \"{id}\" was not found."))
            })
    }

    fn resolve_object(&self, reference: &str) -> Option<(String, Uuid)> {
        self.objects
            .iter()
            .find(|(slug, id)| {
                slug == reference || id.to_string() == reference.to_ascii_lowercase()
            })
            .cloned()
    }
}

impl Store {
    /// An empty workspace whose ids are drawn from `seed`.
    pub fn new(seed: u64, settings: StoreSettings) -> Self {
        let mut state = State {
            rng: fastrand::Rng::with_seed(seed),
            workspace_id: Uuid::nil(),
            objects: Vec::new(),
            actors: HashMap::new(),
            next_seq: 0,
            meetings: HashMap::new(),
            by_external_key: HashMap::new(),
            recordings: HashMap::new(),
        };
        state.workspace_id = state.uuid();
        state.objects = STANDARD_OBJECTS
            .iter()
            .map(|slug| (slug.to_string(), state.uuid()))
            .collect();
        Self {
            state: Mutex::new(state),
            settings,
            completions: Mutex::new(None),
        }
    }

    /// From now on, every created recording that will reach `completed` is announced on `sender`.
    pub(crate) fn announce_completions(&self, sender: UnboundedSender<Completion>) {
        *lock(&self.completions) = Some(sender);
    }

    /// Whether the recording exists and is `completed` now.
    pub(crate) fn is_completed(&self, meeting_id: Uuid, id: Uuid) -> bool {
        lock(&self.state)
            .recording(meeting_id, id)
            .is_ok_and(|r| r.status(Utc::now()) == "completed")
    }

    /// The workspace all data belongs to.
    pub fn workspace_id(&self) -> Uuid {
        lock(&self.state).workspace_id
    }

    /// The standard objects, `(slug, id)`.
    pub fn objects(&self) -> Vec<(String, Uuid)> {
        lock(&self.state).objects.clone()
    }

    /// Find-or-create: the meeting known under the body's `external_ref`, else a new one.
    /// Returns the rendered meeting and whether it was created.
    pub fn find_or_create(&self, body: &Value, token: &str) -> Result<(Value, bool), ApiError> {
        let new = validate::new_meeting(body)?;
        let mut state = lock(&self.state);
        let actor = state.actor_for(token);
        self.insert(&mut state, new, actor, Utc::now())
    }

    fn insert(
        &self,
        state: &mut State,
        new: NewMeeting,
        actor: Actor,
        now: DateTime<Utc>,
    ) -> Result<(Value, bool), ApiError> {
        if let Some(id) = state.by_external_key.get(&new.external_key) {
            return Ok((state.meeting(*id)?.render(state.workspace_id), false));
        }
        let linked_records = new
            .linked_records
            .iter()
            .enumerate()
            .map(|(i, (object, record_id))| {
                let (object_slug, object_id) = state.resolve_object(object).ok_or_else(|| {
                    ApiError::validation(format!(
                        "Body payload validation error at \"data.linked_records[{i}].object\": object \"{object}\" does not exist"
                    ))
                    .camel_case()
                })?;
                Ok(LinkedRecord { object_slug, object_id, record_id: *record_id })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        let meeting = Meeting {
            seq: state.seq(),
            id: state.uuid(),
            title: new.title,
            description: new.description,
            is_all_day: new.is_all_day,
            start: new.start,
            end: new.end,
            participants: new.participants,
            linked_records,
            created_at: now,
            created_by: actor,
            external_key: new.external_key,
        };
        let rendered = meeting.render(state.workspace_id);
        state
            .by_external_key
            .insert(meeting.external_key.clone(), meeting.id);
        state.meetings.insert(meeting.id, meeting);
        Ok((rendered, true))
    }

    /// One meeting.
    pub fn get_meeting(&self, id: Uuid) -> Result<Value, ApiError> {
        let state = lock(&self.state);
        Ok(json!({"data": state.meeting(id)?.render(state.workspace_id)}))
    }

    /// One page of meetings.
    pub fn list_meetings(&self, query: &MeetingQuery) -> Result<Value, ApiError> {
        let after = match &query.cursor {
            None => None,
            Some(c) if c.is_empty() => None,
            Some(c) => {
                let parts = cursor::decode(c, 3)
                    .filter(|p| p[0] == query.sort.name())
                    .ok_or_else(|| {
                        ApiError::validation(
                            "The cursor is invalid or belongs to another sort order.",
                        )
                    })?;
                let key: Option<(i64, u64)> = parts[1].parse().ok().zip(parts[2].parse().ok());
                Some(key.ok_or_else(|| ApiError::validation("The cursor is invalid."))?)
            }
        };
        let state = lock(&self.state);
        let tz = query.timezone;
        let mut found: Vec<((i64, u64), &Meeting)> = state
            .meetings
            .values()
            .filter(|m| {
                let linked = query.linked.as_ref().is_none_or(|(object, record)| {
                    m.linked_records.iter().any(|r| {
                        r.record_id == *record
                            && (r.object_slug == *object
                                || r.object_id.to_string() == object.to_ascii_lowercase())
                    })
                });
                let with = query.participants.is_empty()
                    || m.participants.iter().any(|p| {
                        p.email_address
                            .as_ref()
                            .is_some_and(|e| query.participants.contains(e))
                    });
                let ends = query
                    .ends_from
                    .is_none_or(|from| m.end.instant_in(tz) >= from);
                let starts = query
                    .starts_before
                    .is_none_or(|before| m.start.instant_in(tz) < before);
                linked && with && ends && starts
            })
            .map(|m| ((nanos(m.start.instant_in(tz)), m.seq), m))
            .collect();
        found.sort_by_key(|(key, _)| *key);
        if query.sort == Sort::StartDesc {
            found.reverse();
        }
        let rest: Vec<_> = found
            .into_iter()
            .filter(|(key, _)| match (after, query.sort) {
                (None, _) => true,
                (Some(after), Sort::StartAsc) => *key > after,
                (Some(after), Sort::StartDesc) => *key < after,
            })
            .collect();
        let page = &rest[..rest.len().min(query.limit)];
        let next_cursor = (rest.len() > page.len()).then(|| {
            let ((start, seq), _) = page[page.len() - 1];
            cursor::encode(&[query.sort.name(), &start.to_string(), &seq.to_string()])
        });
        let data: Vec<Value> = page
            .iter()
            .map(|(_, m)| m.render(state.workspace_id))
            .collect();
        Ok(json!({"data": data, "pagination": {"next_cursor": next_cursor}}))
    }

    /// Creates a call recording (`processing` for a while, then `completed`; `failed` when the URL does
    /// not name an `.mp4` file).
    pub fn create_call_recording(
        &self,
        meeting_id: Uuid,
        body: &Value,
        token: &str,
    ) -> Result<Value, ApiError> {
        let mut state = lock(&self.state);
        state.meeting(meeting_id)?;
        let video_url = validate::new_call_recording(body)?;
        let actor = state.actor_for(token);
        let now = Utc::now();
        let ready =
            now + chrono::Duration::from_std(self.settings.processing_time).unwrap_or_default();
        let path = video_url
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let outcome = if path.ends_with(".mp4") {
            Outcome::CompletesAt(ready)
        } else {
            Outcome::FailsAt(ready)
        };
        let transcript = invent_transcript(&mut state.rng);
        let recording = CallRecording {
            seq: state.seq(),
            id: state.uuid(),
            meeting_id,
            video_url,
            outcome,
            created_at: now,
            created_by: actor,
            transcript,
        };
        let rendered = recording.render(state.workspace_id, now);
        if let (Outcome::CompletesAt(at), Some(sender)) =
            (recording.outcome, lock(&self.completions).as_ref())
        {
            // The receiving side ends with the server; a send into a closed channel changes nothing.
            let _ = sender.send(Completion {
                workspace_id: state.workspace_id,
                meeting_id,
                call_recording_id: recording.id,
                actor: recording.created_by.render(),
                at,
            });
        }
        state.recordings.insert(recording.id, recording);
        Ok(json!({"data": rendered}))
    }

    /// One page of a meeting's call recordings, oldest first.
    pub fn list_call_recordings(
        &self,
        meeting_id: Uuid,
        limit: usize,
        cursor: Option<&str>,
    ) -> Result<Value, ApiError> {
        let after: u64 = match cursor {
            None => 0,
            Some(c) => cursor::decode(c, 2)
                .filter(|p| p[0] == "recordings")
                .and_then(|p| p[1].parse().ok())
                .ok_or_else(|| ApiError::validation("The cursor is invalid."))?,
        };
        let state = lock(&self.state);
        state.meeting(meeting_id)?;
        let now = Utc::now();
        let mut found: Vec<&CallRecording> = state
            .recordings
            .values()
            .filter(|r| r.meeting_id == meeting_id && r.seq > after)
            .collect();
        found.sort_by_key(|r| r.seq);
        let page = &found[..found.len().min(limit)];
        let next_cursor = (found.len() > page.len())
            .then(|| cursor::encode(&["recordings", &page[page.len() - 1].seq.to_string()]));
        let data: Vec<Value> = page
            .iter()
            .map(|r| r.render(state.workspace_id, now))
            .collect();
        Ok(json!({"data": data, "pagination": {"next_cursor": next_cursor}}))
    }

    /// One call recording.
    pub fn get_call_recording(&self, meeting_id: Uuid, id: Uuid) -> Result<Value, ApiError> {
        let state = lock(&self.state);
        Ok(json!({"data": state.recording(meeting_id, id)?.render(state.workspace_id, Utc::now())}))
    }

    /// Deletes a call recording.
    pub fn delete_call_recording(&self, meeting_id: Uuid, id: Uuid) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        state.recording(meeting_id, id)?;
        state.recordings.remove(&id);
        Ok(())
    }

    /// One page of a recording's transcript. Until the recording is `completed` the transcript is empty.
    pub fn transcript(
        &self,
        meeting_id: Uuid,
        id: Uuid,
        cursor: Option<&str>,
    ) -> Result<Value, ApiError> {
        let offset: usize = match cursor {
            None | Some("") => 0,
            Some(c) => cursor::decode(c, 2)
                .filter(|p| p[0] == "segments")
                .and_then(|p| p[1].parse().ok())
                .ok_or_else(|| ApiError::validation("The cursor is invalid."))?,
        };
        let state = lock(&self.state);
        let recording = state.recording(meeting_id, id)?;
        let ready = recording.status(Utc::now()) == "completed";
        let segments: &[Segment] = if ready { &recording.transcript } else { &[] };
        let page_size = self.settings.transcript_page_size.max(1);
        let end = (offset + page_size).min(segments.len());
        let page = segments.get(offset..end).unwrap_or_default();
        let next_cursor =
            (end < segments.len()).then(|| cursor::encode(&["segments", &end.to_string()]));
        let raw = if ready {
            recording.raw_transcript()
        } else {
            String::new()
        };
        Ok(json!({
            "data": {
                "id": recording.render_id(state.workspace_id),
                "transcript": page.iter().map(|s| json!({
                    "speech": s.speech,
                    "start_time": s.start_time,
                    "end_time": s.end_time,
                    "speaker": {"name": s.speaker},
                })).collect::<Vec<_>>(),
                "raw_transcript": raw,
                "web_url": format!("{}/transcript", recording.web_url()),
            },
            "pagination": {"next_cursor": next_cursor},
        }))
    }

    // ---- seeding and inspection ----

    /// Inserts a meeting given in find-or-create's body form (`{"data": {...}}`), as if created by
    /// `created_by` (`None`: the system) at `created_at` (`None`: now). Returns its id; an existing
    /// `external_ref` returns the existing meeting's id.
    pub fn seed_meeting(
        &self,
        body: &Value,
        created_at: Option<DateTime<Utc>>,
    ) -> Result<Uuid, String> {
        let new = validate::new_meeting(body).map_err(|e| e.message)?;
        let mut state = lock(&self.state);
        let system = Actor {
            id: None,
            kind: Some("system".into()),
        };
        let (meeting, _) = self
            .insert(&mut state, new, system, created_at.unwrap_or_else(Utc::now))
            .map_err(|e| e.message)?;
        meeting["id"]["meeting_id"]
            .as_str()
            .and_then(|s| Uuid::parse_str(s).ok())
            .ok_or_else(|| "the stored meeting has no id".to_string())
    }

    /// Inserts a call recording that is already `completed` (or `failed`), with the given transcript.
    pub fn seed_call_recording(
        &self,
        meeting_id: Uuid,
        video_url: &str,
        failed: bool,
        transcript: Vec<Segment>,
    ) -> Result<Uuid, String> {
        let mut state = lock(&self.state);
        state.meeting(meeting_id).map_err(|e| e.message)?;
        let now = Utc::now();
        let recording = CallRecording {
            seq: state.seq(),
            id: state.uuid(),
            meeting_id,
            video_url: video_url.to_string(),
            outcome: if failed {
                Outcome::FailsAt(now)
            } else {
                Outcome::CompletesAt(now)
            },
            created_at: now,
            created_by: Actor {
                id: None,
                kind: Some("system".into()),
            },
            transcript,
        };
        let id = recording.id;
        state.recordings.insert(id, recording);
        Ok(id)
    }

    /// Every meeting, rendered as the API would, in creation order.
    pub fn meetings(&self) -> Vec<Value> {
        let state = lock(&self.state);
        let mut meetings: Vec<&Meeting> = state.meetings.values().collect();
        meetings.sort_by_key(|m| m.seq);
        meetings
            .into_iter()
            .map(|m| m.render(state.workspace_id))
            .collect()
    }

    /// Every call recording, rendered as the API would, in creation order.
    pub fn call_recordings(&self) -> Vec<Value> {
        let state = lock(&self.state);
        let now = Utc::now();
        let mut recordings: Vec<&CallRecording> = state.recordings.values().collect();
        recordings.sort_by_key(|r| r.seq);
        recordings
            .into_iter()
            .map(|r| r.render(state.workspace_id, now))
            .collect()
    }
}

fn nanos(at: DateTime<Utc>) -> i64 {
    at.timestamp_nanos_opt().unwrap_or(if at.timestamp() < 0 {
        i64::MIN
    } else {
        i64::MAX
    })
}

/// A renewal call between an account manager and a customer: a few minutes of turns, one segment per
/// word (as Attio's transcripts come), the length drawn from the seed.
fn invent_transcript(rng: &mut fastrand::Rng) -> Vec<Segment> {
    const LINES: [(&str, &str); 14] = [
        (
            "Alex Bell",
            "Thanks for joining, Tom. Shall we start with the renewal?",
        ),
        (
            "Tom Watson",
            "Sure. The team is happy, and we would like to add ten seats.",
        ),
        (
            "Alex Bell",
            "Great to hear. Are the new seats for the support team?",
        ),
        (
            "Tom Watson",
            "Mostly. Two of them are for our new sales hires in Berlin.",
        ),
        (
            "Alex Bell",
            "Understood. Do you want them on the same plan as the others?",
        ),
        (
            "Tom Watson",
            "Yes, same plan. Can you include the annual discount we discussed?",
        ),
        (
            "Alex Bell",
            "Of course, fifteen percent on the whole contract when paid yearly.",
        ),
        (
            "Tom Watson",
            "That works. Our finance team will need the quote by Friday.",
        ),
        (
            "Alex Bell",
            "I will send the updated quote today, with the seats itemised.",
        ),
        (
            "Tom Watson",
            "Perfect. One more thing: can we get a training session for the new hires?",
        ),
        (
            "Alex Bell",
            "Happy to. I can book one with our onboarding team next week.",
        ),
        (
            "Tom Watson",
            "Tuesday or Wednesday afternoon would suit us best.",
        ),
        (
            "Alex Bell",
            "Noted. I will send an invitation for Wednesday at two.",
        ),
        ("Tom Watson", "Thanks, Alex. Talk next week."),
    ];
    let turns = 8 + rng.usize(..=LINES.len() - 8);
    let mut segments = Vec::new();
    let mut clock = 0.5;
    for (speaker, line) in LINES.iter().take(turns) {
        for word in line.split(' ') {
            let length = 0.2 + (word.len() as f64) * 0.05;
            segments.push(Segment {
                speaker: speaker.to_string(),
                speech: word.to_string(),
                start_time: round(clock),
                end_time: round(clock + length),
            });
            clock += length;
        }
        clock += 0.6;
    }
    segments
}

fn round(seconds: f64) -> f64 {
    (seconds * 100.0).round() / 100.0
}
