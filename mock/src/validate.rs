//! The validation rules of the write operations (create meeting, the linked-record updates, create call
//! recording), answered with Attio's 400 envelope.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::envelope::ApiError;
use crate::model::{Participant, Segment, Time, local_to_utc};

/// Participant statuses Attio accepts.
pub const PARTICIPANT_STATUSES: [&str; 4] = ["accepted", "tentative", "declined", "pending"];

/// Attio's bounds on create-meeting (2026-07-28) and on the other bodies.
pub const MAX_TITLE: usize = 1000;
pub const MAX_DESCRIPTION: usize = 10_000;
pub const MAX_PARTICIPANTS: usize = 500;
pub const MAX_LINKED_RECORDS: usize = 50;
pub const MAX_TRANSCRIPT_SEGMENTS: usize = 4000;

/// Attio's documented message for a create-meeting body without participants.
pub const NO_PARTICIPANTS: &str = "No participants were provided.";

/// A valid create-meeting body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    pub description: String,
    pub is_all_day: bool,
    pub start: Time,
    pub end: Time,
    /// Possibly empty: the operation refuses that, seeding allows it.
    pub participants: Vec<Participant>,
    /// `(object slug or id, record id)`, resolved against the workspace's objects by the store.
    pub linked_records: Vec<(String, Uuid)>,
}

/// A valid create-call-recording body: a video, a transcript, or both.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCallRecording {
    pub video_url: Option<String>,
    /// Empty when none was sent (or an empty one was).
    pub transcript: Vec<Segment>,
}

fn invalid(path: &str, what: impl std::fmt::Display) -> ApiError {
    ApiError::validation(format!(
        "Body payload validation error at \"{path}\": {what}"
    ))
}

/// Parses a JSON body; a body that is not JSON is a 400 too.
pub fn json_body(body: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::validation(format!("The body is not valid JSON: {e}")))
}

fn field<'a>(obj: &'a Map<String, Value>, path: &str, key: &str) -> Result<&'a Value, ApiError> {
    obj.get(key)
        .ok_or_else(|| invalid(&format!("{path}.{key}"), "is required"))
}

fn string(value: &Value, path: &str) -> Result<String, ApiError> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| invalid(path, "must be a string"))
}

/// A string of at most `max` characters (JSON Schema's `maxLength` counts characters, not bytes).
fn bounded_string(value: &Value, path: &str, max: usize) -> Result<String, ApiError> {
    let text = string(value, path)?;
    if text.chars().count() > max {
        return Err(invalid(path, format!("must be at most {max} characters")));
    }
    Ok(text)
}

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object"))
}

/// An array of at most `max` items.
fn array<'a>(value: &'a Value, path: &str, max: usize) -> Result<&'a [Value], ApiError> {
    let items = value
        .as_array()
        .ok_or_else(|| invalid(path, "must be an array"))?;
    if items.len() > max {
        return Err(invalid(
            path,
            format!("must have at most {max} items (got {})", items.len()),
        ));
    }
    Ok(items)
}

/// Validates `{ "data": { ... } }` of `POST /v2/meetings`, except the rule that there be participants
/// (the operation checks it after the rest, seeding skips it). Errors spell their status key
/// `statusCode`, as Attio documents for this operation.
pub fn new_meeting(body: &Value) -> Result<NewMeeting, ApiError> {
    parse_new_meeting(body).map_err(ApiError::camel_case)
}

fn parse_new_meeting(body: &Value) -> Result<NewMeeting, ApiError> {
    let root = object(body, "body")?;
    let data = object(field(root, "body", "data")?, "data")?;
    let title = bounded_string(field(data, "data", "title")?, "data.title", MAX_TITLE)?;
    let description = bounded_string(
        field(data, "data", "description")?,
        "data.description",
        MAX_DESCRIPTION,
    )?;
    let is_all_day = field(data, "data", "is_all_day")?
        .as_bool()
        .ok_or_else(|| invalid("data.is_all_day", "must be a boolean"))?;
    let start = time(field(data, "data", "start")?, "data.start", is_all_day)?;
    let end = time(field(data, "data", "end")?, "data.end", is_all_day)?;
    let utc = chrono_tz::Tz::UTC;
    if end.instant_in(utc) <= start.instant_in(utc) {
        return Err(invalid(
            "data.end",
            "must be after data.start (the end is exclusive)",
        ));
    }

    let participants = array(
        field(data, "data", "participants")?,
        "data.participants",
        MAX_PARTICIPANTS,
    )?
    .iter()
    .enumerate()
    .map(|(i, p)| participant(p, &format!("data.participants[{i}]")))
    .collect::<Result<Vec<_>, _>>()?;

    let linked_records = match data.get("linked_records") {
        None => Vec::new(),
        Some(value) => linked_records(value, "data.linked_records")?,
    };

    // `external_ref` (required until 2026-07-31) is no longer part of the body; `data` does not forbid
    // other keys, so an old client's `external_ref` is ignored like any other unknown key.
    Ok(NewMeeting {
        title,
        description,
        is_all_day,
        start,
        end,
        participants,
        linked_records,
    })
}

/// `[{object, record_id}]`, at most 50.
fn linked_records(value: &Value, path: &str) -> Result<Vec<(String, Uuid)>, ApiError> {
    array(value, path, MAX_LINKED_RECORDS)?
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let path = format!("{path}[{i}]");
            let r = object(r, &path)?;
            let object_ref = string(field(r, &path, "object")?, &format!("{path}.object"))?;
            if object_ref.is_empty() {
                return Err(invalid(&format!("{path}.object"), "must not be empty"));
            }
            let record_id = uuid(field(r, &path, "record_id")?, &format!("{path}.record_id"))?;
            Ok((object_ref, record_id))
        })
        .collect()
}

/// Validates `{ "data": { "linked_records": [...] } }` of `PATCH` and `PUT /v2/meetings/{id}`: `data`
/// takes no other key (Attio's schema sets `additionalProperties: false` there).
pub fn linked_records_update(body: &Value) -> Result<Vec<(String, Uuid)>, ApiError> {
    let root = object(body, "body")?;
    let data = object(field(root, "body", "data")?, "data")?;
    if let Some(extra) = data.keys().find(|k| *k != "linked_records") {
        return Err(invalid(
            &format!("data.{extra}"),
            "is not allowed: only linked_records can be changed",
        ));
    }
    linked_records(
        field(data, "data", "linked_records")?,
        "data.linked_records",
    )
}

fn uuid(value: &Value, path: &str) -> Result<Uuid, ApiError> {
    value
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| invalid(path, "must be a UUID"))
}

/// An email address, normalised (trimmed, lower case); only the `@` is checked.
fn email(value: &Value, path: &str) -> Result<String, ApiError> {
    let email = string(value, path)?.trim().to_lowercase();
    if !email.contains('@') {
        return Err(invalid(path, "must be an email address"));
    }
    Ok(email)
}

fn participant(value: &Value, path: &str) -> Result<Participant, ApiError> {
    let p = object(value, path)?;
    let email_address = p
        .get("email_address")
        .map(|v| email(v, &format!("{path}.email_address")))
        .transpose()?;
    let name = p
        .get("name")
        .map(|v| {
            let at = format!("{path}.name");
            let name = string(v, &at)?;
            if name.is_empty() {
                return Err(invalid(&at, "must not be empty"));
            }
            Ok(name)
        })
        .transpose()?;
    // Attio's schema leaves both optional but documents `name` as needed without an email address; its
    // answer to a participant with neither is not documented (the fake's message is its own).
    if email_address.is_none() && name.is_none() {
        return Err(invalid(
            path,
            "a participant needs an email_address or a name",
        ));
    }
    let is_organizer = match field(p, path, "is_organizer")? {
        Value::Bool(b) => *b,
        Value::String(s) if s == "true" => true,
        Value::String(s) if s == "false" => false,
        _ => {
            return Err(invalid(
                &format!("{path}.is_organizer"),
                "must be a boolean",
            ));
        }
    };
    let status = string(field(p, path, "status")?, &format!("{path}.status"))?;
    if !PARTICIPANT_STATUSES.contains(&status.as_str()) {
        return Err(invalid(
            &format!("{path}.status"),
            format!("must be one of {}", PARTICIPANT_STATUSES.join(", ")),
        ));
    }
    Ok(Participant {
        email_address,
        name,
        is_organizer,
        status,
    })
}

/// `{datetime, timezone?}` when `is_all_day` is false, `{date}` when true; no other keys.
fn time(value: &Value, path: &str, is_all_day: bool) -> Result<Time, ApiError> {
    let obj = object(value, path)?;
    if is_all_day {
        if let Some(extra) = obj.keys().find(|k| *k != "date") {
            return Err(invalid(
                path,
                format!("all-day meetings take only `date` (found `{extra}`)"),
            ));
        }
        let text = string(field(obj, path, "date")?, &format!("{path}.date"))?;
        let date = NaiveDate::parse_from_str(&text, "%Y-%m-%d")
            .map_err(|_| invalid(&format!("{path}.date"), "must be a date like 2027-11-27"))?;
        return Ok(Time::Date(date));
    }
    if let Some(extra) = obj.keys().find(|k| *k != "datetime" && *k != "timezone") {
        return Err(invalid(
            path,
            format!(
                "meetings that are not all-day take `datetime` and `timezone` (found `{extra}`)"
            ),
        ));
    }
    let timezone = match obj.get("timezone") {
        None | Some(Value::Null) => None,
        Some(Value::String(name)) => Some(name.clone()),
        Some(_) => {
            return Err(invalid(
                &format!("{path}.timezone"),
                "must be a string or null",
            ));
        }
    };
    // Attio treats an unknown timezone as UTC.
    let tz = timezone
        .as_deref()
        .and_then(|name| name.parse::<chrono_tz::Tz>().ok());
    let text = string(field(obj, path, "datetime")?, &format!("{path}.datetime"))?;
    let instant = parse_instant(&text, tz)
        .ok_or_else(|| invalid(&format!("{path}.datetime"), "must be an ISO 8601 datetime"))?;
    Ok(Time::At {
        instant,
        timezone: tz.map(|tz| tz.name().to_string()),
    })
}

/// An ISO 8601 datetime; without an offset it is read in `tz` (UTC when none).
pub fn parse_instant(text: &str, tz: Option<chrono_tz::Tz>) -> Option<DateTime<Utc>> {
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Some(at.with_timezone(&Utc));
    }
    let naive = NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f").ok()?;
    Some(local_to_utc(tz.unwrap_or(chrono_tz::Tz::UTC), naive))
}

/// Validates `{ "data": { "video_url"?, "transcript"? } }` of `POST .../call_recordings`.
pub fn new_call_recording(body: &Value) -> Result<NewCallRecording, ApiError> {
    let root = object(body, "body")?;
    let data = object(field(root, "body", "data")?, "data")?;
    let video_url = data
        .get("video_url")
        .map(|v| video_url(v, "data.video_url"))
        .transpose()?;
    let transcript = match data.get("transcript") {
        None => Vec::new(),
        Some(value) => array(value, "data.transcript", MAX_TRANSCRIPT_SEGMENTS)?
            .iter()
            .enumerate()
            .map(|(i, s)| segment(s, &format!("data.transcript[{i}]")))
            .collect::<Result<Vec<_>, _>>()?,
    };
    // Attio's schema requires neither; what it answers to a body with nothing to record is not
    // documented. The fake refuses it, like the client does.
    if video_url.is_none() && transcript.is_empty() {
        return Err(invalid(
            "data",
            "a call recording needs a video_url, a non-empty transcript, or both",
        ));
    }
    Ok(NewCallRecording {
        video_url,
        transcript,
    })
}

/// A public `https` URL (Attio's messages).
fn video_url(value: &Value, path: &str) -> Result<String, ApiError> {
    let url = string(value, path)?;
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(ApiError::validation("Invalid video URL."));
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(ApiError::validation(
            "Invalid video URL protocol. Only https is supported",
        ));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(ApiError::validation("Invalid video URL."));
    }
    Ok(url)
}

/// `{speech, start_time >= 0, end_time, speaker: {name, email_address?}}`. The speaker's email address
/// is checked but not kept: Attio's answers name speakers only.
fn segment(value: &Value, path: &str) -> Result<Segment, ApiError> {
    let s = object(value, path)?;
    let speech = string(field(s, path, "speech")?, &format!("{path}.speech"))?;
    let number = |key: &str| -> Result<f64, ApiError> {
        let at = format!("{path}.{key}");
        field(s, path, key)?
            .as_f64()
            .filter(|n| n.is_finite())
            .ok_or_else(|| invalid(&at, "must be a number"))
    };
    let start_time = number("start_time")?;
    if start_time < 0.0 {
        return Err(invalid(
            &format!("{path}.start_time"),
            "must be at least 0 (seconds from the start of the recording)",
        ));
    }
    // Attio bounds only the start; an end before it is taken as sent.
    let end_time = number("end_time")?;
    let speaker_path = format!("{path}.speaker");
    let speaker = object(field(s, path, "speaker")?, &speaker_path)?;
    let name = string(
        field(speaker, &speaker_path, "name")?,
        &format!("{speaker_path}.name"),
    )?;
    if let Some(value) = speaker.get("email_address") {
        email(value, &format!("{speaker_path}.email_address"))?;
    }
    Ok(Segment {
        speaker: name,
        speech,
        start_time,
        end_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn base() -> Value {
        json!({"data": {
            "title": "t", "description": "d", "is_all_day": false,
            "start": {"datetime": "2027-11-27T14:00:00", "timezone": "America/New_York"},
            "end": {"datetime": "2027-11-27T15:00:00", "timezone": "America/New_York"},
            "participants": [{"email_address": "A@B.com", "is_organizer": "true", "status": "accepted"}],
        }})
    }

    #[test]
    fn a_valid_body_is_read_in_its_timezone() {
        let m = new_meeting(&base()).unwrap();
        let Time::At { instant, timezone } = &m.start else {
            panic!()
        };
        assert_eq!(instant.to_rfc3339(), "2027-11-27T19:00:00+00:00");
        assert_eq!(timezone.as_deref(), Some("America/New_York"));
        assert_eq!(m.participants[0].email_address.as_deref(), Some("a@b.com"));
        assert_eq!(m.participants[0].name, None);
        assert!(m.participants[0].is_organizer);
    }

    #[test]
    fn external_ref_is_ignored_whatever_its_value() {
        for external_ref in [json!("crm-1"), json!(""), json!(42), json!({"ical_uid": 1})] {
            let mut body = base();
            body["data"]["external_ref"] = external_ref;
            assert_eq!(new_meeting(&body).unwrap(), new_meeting(&base()).unwrap());
        }
    }

    #[test]
    fn participants_by_email_name_or_both() {
        let mut body = base();
        body["data"]["participants"] = json!([
            {"name": "Front desk", "is_organizer": false, "status": "pending"},
            {"email_address": "x@y.z", "name": "Xavier", "is_organizer": false, "status": "accepted"},
        ]);
        let m = new_meeting(&body).unwrap();
        assert_eq!(m.participants[0].email_address, None);
        assert_eq!(m.participants[0].name.as_deref(), Some("Front desk"));
        assert_eq!(m.participants[1].email_address.as_deref(), Some("x@y.z"));
        assert_eq!(m.participants[1].name.as_deref(), Some("Xavier"));
        // Seeding may leave them out; the operation checks that on its own.
        body["data"]["participants"] = json!([]);
        assert!(new_meeting(&body).unwrap().participants.is_empty());
    }

    #[test]
    fn rules_are_enforced_with_a_path() {
        let long = |n: usize| Value::String("é".repeat(n));
        let participant =
            json!({"email_address": "a@b.c", "is_organizer": true, "status": "accepted"});
        let link = json!({"object": "people", "record_id": "5f0e8d9c-1b2a-4c3d-9e8f-7a6b5c4d3e21"});
        let cases: Vec<(&str, Value)> = vec![
            ("data.start", json!({"date": "2027-11-27"})),
            (
                "data.participants[0].status",
                json!([{"email_address": "a@b.c", "is_organizer": true, "status": "maybe"}]),
            ),
            (
                "data.participants[0]",
                json!([{"is_organizer": true, "status": "accepted"}]),
            ),
            (
                "data.participants[0].name",
                json!([{"name": "", "is_organizer": true, "status": "accepted"}]),
            ),
            (
                "data.participants[0].email_address",
                json!([{"email_address": null, "name": "N", "is_organizer": true, "status": "accepted"}]),
            ),
            ("data.participants", Value::Array(vec![participant; 501])),
            ("data.linked_records", Value::Array(vec![link; 51])),
            ("data.title", Value::Null),
            ("data.title", long(1001)),
            ("data.description", long(10_001)),
            (
                "data.linked_records[0].record_id",
                json!([{"object": "people", "record_id": "nope"}]),
            ),
            ("data.end", json!({"datetime": "2027-11-27T13:00:00Z"})),
        ];
        for (path, value) in cases {
            let mut body = base();
            let key = path
                .trim_start_matches("data.")
                .split(['.', '['])
                .next()
                .unwrap();
            if value.is_null() {
                body["data"].as_object_mut().unwrap().remove(key);
            } else {
                body["data"][key] = value;
            }
            let err = new_meeting(&body).unwrap_err();
            assert_eq!(err.status.as_u16(), 400);
            assert_eq!(err.code, "validation_type");
            assert!(
                err.message.contains(&format!("\"{path}\"")),
                "{path}: {}",
                err.message
            );
            assert!(err.body().get("statusCode").is_some());
        }
        // The bounds themselves pass; characters are counted, not bytes.
        let mut body = base();
        body["data"]["title"] = long(1000);
        body["data"]["description"] = long(10_000);
        assert!(new_meeting(&body).is_ok());
    }

    #[test]
    fn linked_record_updates_take_only_linked_records() {
        let r = "5f0e8d9c-1b2a-4c3d-9e8f-7a6b5c4d3e21";
        let ok = linked_records_update(
            &json!({"data": {"linked_records": [{"object": "people", "record_id": r}]}}),
        )
        .unwrap();
        assert_eq!(ok, [("people".to_string(), Uuid::parse_str(r).unwrap())]);
        assert!(
            linked_records_update(&json!({"data": {"linked_records": []}}))
                .unwrap()
                .is_empty()
        );
        let link = json!({"object": "people", "record_id": r});
        for (path, body) in [
            (
                "data.title",
                json!({"data": {"linked_records": [], "title": "x"}}),
            ),
            ("data.linked_records", json!({"data": {}})),
            ("body.data", json!({"linked_records": []})),
            (
                "data.linked_records",
                json!({"data": {"linked_records": {}}}),
            ),
            (
                "data.linked_records",
                json!({"data": {"linked_records": vec![link; 51]}}),
            ),
            (
                "data.linked_records[0].object",
                json!({"data": {"linked_records": [{"object": "", "record_id": r}]}}),
            ),
        ] {
            let err = linked_records_update(&body).unwrap_err();
            assert_eq!(err.code, "validation_type");
            assert!(
                err.message.contains(&format!("\"{path}\"")),
                "{path}: {}",
                err.message
            );
            assert!(err.body().get("status_code").is_some());
        }
    }

    #[test]
    fn video_urls_must_be_https() {
        let ok =
            new_call_recording(&json!({"data": {"video_url": "https://x.test/a.mp4"}})).unwrap();
        assert_eq!(ok.video_url.as_deref(), Some("https://x.test/a.mp4"));
        assert!(ok.transcript.is_empty());
        let err =
            new_call_recording(&json!({"data": {"video_url": "http://x.test/a.mp4"}})).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid video URL protocol. Only https is supported"
        );
        assert!(err.body().get("status_code").is_some());
    }

    #[test]
    fn recordings_take_a_transcript_a_video_or_both() {
        let segment = json!({"speech": "Hi", "start_time": 0, "end_time": 1.5,
            "speaker": {"name": "Ada", "email_address": "ada@example.com"}});
        let r = new_call_recording(&json!({"data": {"transcript": [segment]}})).unwrap();
        assert_eq!(r.video_url, None);
        assert_eq!(
            r.transcript,
            [Segment {
                speaker: "Ada".into(),
                speech: "Hi".into(),
                start_time: 0.0,
                end_time: 1.5
            }]
        );
        for (path, body) in [
            ("data", json!({"data": {}})),
            ("data", json!({"data": {"transcript": []}})),
            ("body.data", json!({})),
            ("data.video_url", json!({"data": {"video_url": null}})),
            ("data.transcript", json!({"data": {"transcript": "words"}})),
            (
                "data.transcript",
                json!({"data": {"transcript": vec![segment.clone(); 4001]}}),
            ),
            (
                "data.transcript[0].start_time",
                json!({"data": {"transcript": [{"speech": "a", "start_time": -1, "end_time": 1, "speaker": {"name": "A"}}]}}),
            ),
            (
                "data.transcript[0].speaker.name",
                json!({"data": {"transcript": [{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {}}]}}),
            ),
            (
                "data.transcript[0].speaker.email_address",
                json!({"data": {"transcript": [{"speech": "a", "start_time": 0, "end_time": 1, "speaker": {"name": "A", "email_address": "nobody"}}]}}),
            ),
            (
                "data.transcript[0].speech",
                json!({"data": {"transcript": [{"start_time": 0, "end_time": 1, "speaker": {"name": "A"}}]}}),
            ),
        ] {
            let err = new_call_recording(&body).unwrap_err();
            assert_eq!(err.code, "validation_type", "{body}");
            assert!(
                err.message.contains(&format!("\"{path}\"")),
                "{path}: {}",
                err.message
            );
        }
        assert!(
            new_call_recording(&json!({"data": {"transcript": vec![segment; 4000]}})).is_ok(),
            "4000 segments are allowed"
        );
    }
}
