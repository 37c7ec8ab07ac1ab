//! The fake's state and the semantics of the 11 operations on it.
//!
//! One mutex guards everything, so each operation sees and leaves a consistent state (a meeting deleted
//! together with its recordings, linked records appended without duplicates under concurrent requests).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::cursor;
use crate::envelope::ApiError;
use crate::limits::lock;
use crate::model::{Actor, CallRecording, LinkedRecord, Meeting, Outcome, Segment, raw_transcript};
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
    recordings: HashMap<Uuid, CallRecording>,
}

/// The fake's data: seed fixtures ([`Store::seed_meeting`], [`Store::seed_call_recording`],
/// [`Store::set_calendar_synced`]) and read back what clients did ([`Store::meetings`],
/// [`Store::call_recordings`]), rendered as the API renders them.
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

    /// Resolves `(object slug or id, record id)` pairs to linked records, dropping repeats of a record
    /// (a meeting's links are a set). The fake keeps no records, so every record id is taken as
    /// existing; only the object must be one of the workspace's. Err: the index of an unknown object.
    fn resolve_links(&self, links: &[(String, Uuid)]) -> Result<Vec<LinkedRecord>, usize> {
        let mut resolved: Vec<LinkedRecord> = Vec::new();
        for (i, (object, record_id)) in links.iter().enumerate() {
            let (object_slug, object_id) = self.resolve_object(object).ok_or(i)?;
            let link = LinkedRecord {
                object_slug,
                object_id,
                record_id: *record_id,
            };
            if !resolved.contains(&link) {
                resolved.push(link);
            }
        }
        Ok(resolved)
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

    /// Create-meeting: always a new meeting, never a match with an existing one. Returns it rendered.
    pub fn create_meeting(&self, body: &Value, token: &str) -> Result<Value, ApiError> {
        let new = validate::new_meeting(body)?;
        if new.participants.is_empty() {
            return Err(ApiError::validation(validate::NO_PARTICIPANTS).camel_case());
        }
        let mut state = lock(&self.state);
        let actor = state.actor_for(token);
        let id = self.insert(&mut state, new, actor, Utc::now(), false)?;
        Ok(state.meeting(id)?.render(state.workspace_id))
    }

    fn insert(
        &self,
        state: &mut State,
        new: NewMeeting,
        actor: Actor,
        now: DateTime<Utc>,
        calendar_synced: bool,
    ) -> Result<Uuid, ApiError> {
        let linked_records = state.resolve_links(&new.linked_records).map_err(|i| {
            let object = new.linked_records.get(i).map_or("", |(o, _)| o.as_str());
            ApiError::validation(format!(
                "Body payload validation error at \"data.linked_records[{i}].object\": object \"{object}\" does not exist"
            ))
            .camel_case()
        })?;
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
            calendar_synced,
        };
        let id = meeting.id;
        state.meetings.insert(id, meeting);
        Ok(id)
    }

    /// One meeting.
    pub fn get_meeting(&self, id: Uuid) -> Result<Value, ApiError> {
        let state = lock(&self.state);
        Ok(json!({"data": state.meeting(id)?.render(state.workspace_id)}))
    }

    /// Append (`replace == false`: records already linked are skipped) or replace (`true`: the body's
    /// records become the only ones; an empty list unlinks all) a meeting's linked records. The body is
    /// checked before the meeting is looked up. Calendar-synced meetings may be updated too (Attio restricts
    /// only their deletion).
    pub fn update_linked_records(
        &self,
        id: Uuid,
        body: &Value,
        replace: bool,
    ) -> Result<Value, ApiError> {
        let links = validate::linked_records_update(body)?;
        let mut state = lock(&self.state);
        state.meeting(id)?;
        // Attio says the records must exist (400 value_not_found otherwise); the fake has no records, so
        // only an object it does not know names nothing.
        let resolved = state.resolve_links(&links).map_err(|i| {
            let object = links.get(i).map_or("", |(o, _)| o.as_str());
            ApiError::value_not_found(format!(
                "Could not find a record for the value given at \"data.linked_records[{i}]\": object \"{object}\" does not exist."
            ))
        })?;
        let workspace_id = state.workspace_id;
        let meeting = state.meetings.get_mut(&id).ok_or_else(|| {
            ApiError::not_found(format!("Meeting with ID \"{id}\" was not found."))
        })?;
        if replace {
            meeting.linked_records = resolved;
        } else {
            for link in resolved {
                if !meeting.linked_records.contains(&link) {
                    meeting.linked_records.push(link);
                }
            }
        }
        Ok(json!({"data": meeting.render(workspace_id)}))
    }

    /// Deletes a meeting and its call recordings (with their transcripts). Calendar-synced meetings are
    /// refused, as at Attio.
    pub fn delete_meeting(&self, id: Uuid) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        if state.meeting(id)?.calendar_synced {
            return Err(ApiError::system_edit_unauthorized(
                "Cannot delete a meeting which was created by calendar sync.",
            ));
        }
        state.meetings.remove(&id);
        // Attio does not say what becomes of the recordings; a recording without its meeting could not
        // be reached anyway, so they go too (and their pending webhooks are not sent).
        state.recordings.retain(|_, r| r.meeting_id != id);
        Ok(())
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
                let linked = query.linked.as_ref().map(|(object, record)| {
                    m.linked_records.iter().any(|r| {
                        r.record_id == *record
                            && (r.object_slug == *object
                                || r.object_id.to_string() == object.to_ascii_lowercase())
                    })
                });
                let with = (!query.participants.is_empty()).then(|| {
                    m.participants.iter().any(|p| {
                        p.email_address
                            .as_ref()
                            .is_some_and(|e| query.participants.contains(e))
                    })
                });
                // Given both, Attio lists the meetings matching either (OR, since 2026-07).
                let who = match (linked, with) {
                    (None, None) => true,
                    (Some(one), None) | (None, Some(one)) => one,
                    (Some(linked), Some(with)) => linked || with,
                };
                let ends = query
                    .ends_from
                    .is_none_or(|from| m.end.instant_in(tz) >= from);
                let starts = query
                    .starts_before
                    .is_none_or(|before| m.start.instant_in(tz) < before);
                who && ends && starts
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

    /// Creates a call recording. It is `processing` for the processing time, then: from a video, `completed`
    /// when the URL names an `.mp4` file, else `failed`; from a transcript alone, `completed`. A video sent
    /// without a transcript gets a made-up one.
    pub fn create_call_recording(
        &self,
        meeting_id: Uuid,
        body: &Value,
        token: &str,
    ) -> Result<Value, ApiError> {
        let mut state = lock(&self.state);
        state.meeting(meeting_id)?;
        let new = validate::new_call_recording(body)?;
        let actor = state.actor_for(token);
        let now = Utc::now();
        let ready =
            now + chrono::Duration::from_std(self.settings.processing_time).unwrap_or_default();
        let outcome = match &new.video_url {
            Some(url) => {
                let path = url
                    .split(['?', '#'])
                    .next()
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if path.ends_with(".mp4") {
                    Outcome::CompletesAt(ready)
                } else {
                    Outcome::FailsAt(ready)
                }
            }
            None => Outcome::CompletesAt(ready),
        };
        let transcript = if new.transcript.is_empty() {
            invent_transcript(&mut state.rng)
        } else {
            new.transcript
        };
        let recording = CallRecording {
            seq: state.seq(),
            id: state.uuid(),
            meeting_id,
            video_url: new.video_url,
            download_url: None,
            outcome,
            created_at: now,
            created_by: actor,
            transcript,
        };
        let rendered = recording.render(state.workspace_id, now);
        // Attio fires `call-recording.created` once the recording is done and its media uploaded; whether
        // it does for a transcript without media is not documented. The fake announces every recording
        // that completes, transcript-only ones included.
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

    /// One call recording, in full (with `video_url` and `transcript`).
    pub fn get_call_recording(&self, meeting_id: Uuid, id: Uuid) -> Result<Value, ApiError> {
        let state = lock(&self.state);
        let recording = state.recording(meeting_id, id)?;
        Ok(json!({"data": recording.render_details(state.workspace_id, Utc::now())}))
    }

    /// Deletes a call recording.
    pub fn delete_call_recording(&self, meeting_id: Uuid, id: Uuid) -> Result<(), ApiError> {
        let mut state = lock(&self.state);
        state.recording(meeting_id, id)?;
        state.recordings.remove(&id);
        Ok(())
    }

    /// One page of a recording's transcript (Attio's deprecated endpoint). Until the recording is
    /// `completed` the transcript is empty.
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
        let segments = recording.ready_transcript(Utc::now());
        let page_size = self.settings.transcript_page_size.max(1);
        let end = (offset + page_size).min(segments.len());
        let page = segments.get(offset..end).unwrap_or_default();
        let next_cursor =
            (end < segments.len()).then(|| cursor::encode(&["segments", &end.to_string()]));
        Ok(json!({
            "data": {
                "id": recording.render_id(state.workspace_id),
                "transcript": page.iter().map(Segment::render).collect::<Vec<_>>(),
                "raw_transcript": raw_transcript(segments),
                "web_url": format!("{}/transcript", recording.web_url()),
            },
            "pagination": {"next_cursor": next_cursor},
        }))
    }

    // ---- seeding and inspection ----

    /// Inserts a meeting given in create-meeting's body form (`{"data": {...}}`), as if created by the
    /// system at `created_at` (`None`: now), and returns its id. Every call inserts a new meeting (like
    /// the API, nothing is matched; an `external_ref` is ignored). Unlike the API, an empty `participants`
    /// list is allowed (synced calendar events may have none).
    ///
    /// `"calendar_synced": true` beside `data` marks the meeting as made by Attio's calendar sync, which
    /// the API refuses to delete (400 `system_edit_unauthorized`); see also
    /// [`Store::set_calendar_synced`].
    pub fn seed_meeting(
        &self,
        body: &Value,
        created_at: Option<DateTime<Utc>>,
    ) -> Result<Uuid, String> {
        let new = validate::new_meeting(body).map_err(|e| e.message)?;
        let calendar_synced = match body.get("calendar_synced") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(synced)) => *synced,
            Some(other) => return Err(format!("calendar_synced must be a boolean, got {other}")),
        };
        let mut state = lock(&self.state);
        let system = Actor {
            id: None,
            kind: Some("system".into()),
        };
        self.insert(
            &mut state,
            new,
            system,
            created_at.unwrap_or_else(Utc::now),
            calendar_synced,
        )
        .map_err(|e| e.message)
    }

    /// Marks a meeting as made by Attio's calendar sync (`true`), which the API then refuses to delete, or
    /// as an ordinary one (`false`).
    pub fn set_calendar_synced(&self, meeting_id: Uuid, synced: bool) -> Result<(), String> {
        let mut state = lock(&self.state);
        let meeting = state
            .meetings
            .get_mut(&meeting_id)
            .ok_or_else(|| format!("Meeting with ID \"{meeting_id}\" was not found."))?;
        meeting.calendar_synced = synced;
        Ok(())
    }

    /// Inserts a call recording that is already `completed` (or `failed`), with the given transcript
    /// (empty: none, so get-call-recording answers `transcript: null`). It stands for a recording of
    /// Attio's own recorder: get-call-recording shows `video_url` as its video link (`null` when
    /// `video_url` is empty), where recordings created through the API always show `null`.
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
            video_url: (!video_url.is_empty()).then(|| video_url.to_string()),
            download_url: (!video_url.is_empty()).then(|| video_url.to_string()),
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
