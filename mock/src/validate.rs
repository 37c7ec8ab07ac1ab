//! The validation rules of find-or-create and create-call-recording, answered with Attio's 400 envelope.

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::envelope::ApiError;
use crate::model::{Participant, Time, local_to_utc};

/// Participant statuses Attio accepts.
pub const PARTICIPANT_STATUSES: [&str; 4] = ["accepted", "tentative", "declined", "pending"];

/// A valid find-or-create body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMeeting {
    pub title: String,
    pub description: String,
    pub is_all_day: bool,
    pub start: Time,
    pub end: Time,
    pub participants: Vec<Participant>,
    /// `(object slug or id, record id)`, resolved against the workspace's objects by the store.
    pub linked_records: Vec<(String, Uuid)>,
    /// The de-duplication key of `external_ref`.
    pub external_key: String,
}

fn invalid(path: &str, what: impl std::fmt::Display) -> ApiError {
    // Attio documents find-or-create's 400 with the key `statusCode`.
    ApiError::validation(format!(
        "Body payload validation error at \"{path}\": {what}"
    ))
    .camel_case()
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

fn object<'a>(value: &'a Value, path: &str) -> Result<&'a Map<String, Value>, ApiError> {
    value
        .as_object()
        .ok_or_else(|| invalid(path, "must be an object"))
}

/// Validates `{ "data": { ... } }` of `POST /v2/meetings`.
pub fn new_meeting(body: &Value) -> Result<NewMeeting, ApiError> {
    let root = object(body, "body")?;
    let data = object(field(root, "body", "data")?, "data")?;
    let title = string(field(data, "data", "title")?, "data.title")?;
    let description = string(field(data, "data", "description")?, "data.description")?;
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

    let participants = field(data, "data", "participants")?
        .as_array()
        .ok_or_else(|| invalid("data.participants", "must be an array"))?
        .iter()
        .enumerate()
        .map(|(i, p)| participant(p, &format!("data.participants[{i}]")))
        .collect::<Result<Vec<_>, _>>()?;

    let linked_records = match data.get("linked_records") {
        None => Vec::new(),
        Some(value) => value
            .as_array()
            .ok_or_else(|| invalid("data.linked_records", "must be an array"))?
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let path = format!("data.linked_records[{i}]");
                let r = object(r, &path)?;
                let object_ref = string(field(r, &path, "object")?, &format!("{path}.object"))?;
                if object_ref.is_empty() {
                    return Err(invalid(&format!("{path}.object"), "must not be empty"));
                }
                let record_id = uuid(field(r, &path, "record_id")?, &format!("{path}.record_id"))?;
                Ok((object_ref, record_id))
            })
            .collect::<Result<Vec<_>, _>>()?,
    };

    let external_key = external_key(field(data, "data", "external_ref")?)?;
    Ok(NewMeeting {
        title,
        description,
        is_all_day,
        start,
        end,
        participants,
        linked_records,
        external_key,
    })
}

fn uuid(value: &Value, path: &str) -> Result<Uuid, ApiError> {
    value
        .as_str()
        .and_then(|s| Uuid::parse_str(s).ok())
        .ok_or_else(|| invalid(path, "must be a UUID"))
}

fn participant(value: &Value, path: &str) -> Result<Participant, ApiError> {
    let p = object(value, path)?;
    let email = string(
        field(p, path, "email_address")?,
        &format!("{path}.email_address"),
    )?;
    let email = email.trim().to_lowercase();
    if !email.contains('@') {
        return Err(invalid(
            &format!("{path}.email_address"),
            "must be an email address",
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
        email_address: Some(email),
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

/// The de-duplication key: the plain id, or the iCal identity (uid, provider and, for exceptions of
/// recurring events, the original start instant).
fn external_key(value: &Value) -> Result<String, ApiError> {
    let path = "data.external_ref";
    match value {
        Value::String(id) if id.is_empty() => Err(invalid(path, "must not be empty")),
        Value::String(id) => Ok(format!("id:{id}")),
        Value::Object(ical) => {
            let uid = string(field(ical, path, "ical_uid")?, &format!("{path}.ical_uid"))?;
            if uid.is_empty() {
                return Err(invalid(&format!("{path}.ical_uid"), "must not be empty"));
            }
            let provider = string(field(ical, path, "provider")?, &format!("{path}.provider"))?;
            if provider != "google" && provider != "microsoft" {
                return Err(invalid(
                    &format!("{path}.provider"),
                    "must be one of google, microsoft",
                ));
            }
            if !field(ical, path, "is_recurring")?.is_boolean() {
                return Err(invalid(
                    &format!("{path}.is_recurring"),
                    "must be a boolean",
                ));
            }
            let original = match ical.get("original_start_time") {
                None | Some(Value::Null) => String::new(),
                Some(v) => {
                    let text = string(v, &format!("{path}.original_start_time"))?;
                    let at = DateTime::parse_from_rfc3339(&text).map_err(|_| {
                        invalid(
                            &format!("{path}.original_start_time"),
                            "must be a datetime with an offset",
                        )
                    })?;
                    at.with_timezone(&Utc)
                        .timestamp_nanos_opt()
                        .unwrap_or_default()
                        .to_string()
                }
            };
            Ok(format!("ical:{provider}:{uid}:{original}"))
        }
        _ => Err(invalid(
            path,
            "must be a non-empty string or an iCal reference object",
        )),
    }
}

/// Validates `{ "data": { "video_url": "https://..." } }` of `POST .../call_recordings`.
pub fn new_call_recording(body: &Value) -> Result<String, ApiError> {
    let plain = |message: &str| ApiError::validation(message.to_string());
    let url = body
        .get("data")
        .and_then(|d| d.get("video_url"))
        .and_then(Value::as_str)
        .ok_or_else(|| plain("Body payload validation error at \"data.video_url\": is required"))?;
    let Some((scheme, rest)) = url.split_once("://") else {
        return Err(plain("Invalid video URL."));
    };
    if !scheme.eq_ignore_ascii_case("https") {
        return Err(plain("Invalid video URL protocol. Only https is supported"));
    }
    if rest.is_empty() || rest.starts_with('/') {
        return Err(plain("Invalid video URL."));
    }
    Ok(url.to_string())
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
            "external_ref": "x"
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
        assert!(m.participants[0].is_organizer);
        assert_eq!(m.external_key, "id:x");
    }

    #[test]
    fn rules_are_enforced_with_a_path() {
        let cases: [(&str, Value); 7] = [
            ("data.start", json!({"date": "2027-11-27"})),
            (
                "data.participants[0].status",
                json!([{"email_address": "a@b.c", "is_organizer": true, "status": "maybe"}]),
            ),
            ("data.external_ref", json!("")),
            ("data.title", Value::Null),
            (
                "data.linked_records[0].record_id",
                json!([{"object": "people", "record_id": "nope"}]),
            ),
            ("data.end", json!({"datetime": "2027-11-27T13:00:00Z"})),
            (
                "data.external_ref.provider",
                json!({"ical_uid": "u", "provider": "yahoo", "is_recurring": false}),
            ),
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
            assert!(
                err.message.contains(&format!("\"{path}\"")),
                "{path}: {}",
                err.message
            );
            assert!(err.body().get("statusCode").is_some());
        }
    }

    #[test]
    fn ical_exceptions_are_told_apart_by_original_start() {
        let key = |orig: Value| {
            let mut body = base();
            body["data"]["external_ref"] = json!({"ical_uid": "u", "provider": "google", "is_recurring": true, "original_start_time": orig});
            new_meeting(&body).unwrap().external_key
        };
        assert_eq!(
            key(json!("2027-11-27T14:00:00-05:00")),
            key(json!("2027-11-27T19:00:00Z"))
        );
        assert_ne!(
            key(json!("2027-11-27T14:00:00Z")),
            key(json!("2027-12-04T14:00:00Z"))
        );
    }

    #[test]
    fn video_urls_must_be_https() {
        assert!(
            new_call_recording(&json!({"data": {"video_url": "https://x.test/a.mp4"}})).is_ok()
        );
        let err =
            new_call_recording(&json!({"data": {"video_url": "http://x.test/a.mp4"}})).unwrap_err();
        assert_eq!(
            err.message,
            "Invalid video URL protocol. Only https is supported"
        );
        assert!(new_call_recording(&json!({"data": {}})).is_err());
    }
}
