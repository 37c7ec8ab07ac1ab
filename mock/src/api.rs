//! From a routed request to a response: query and path validation, then the store.

use std::collections::HashMap;

use hyper::{Response, StatusCode};
use serde_json::Value;
use uuid::Uuid;

use crate::envelope::{self, ApiError, Body};
use crate::route::{Endpoint, Route};
use crate::store::{MeetingQuery, Sort, Store};
use crate::validate;

/// Answers one authorised, admitted request.
pub fn handle(
    store: &Store,
    route: &Route,
    query: Option<&str>,
    body: &[u8],
    token: &str,
) -> Response<Body> {
    match answer(store, route, query, body, token) {
        Ok((status, Some(json))) => envelope::json(status, &json),
        Ok((status, None)) => envelope::empty(status),
        Err(error) => error.response(),
    }
}

type Answer = Result<(StatusCode, Option<Value>), ApiError>;

fn answer(store: &Store, route: &Route, query: Option<&str>, body: &[u8], token: &str) -> Answer {
    let params: HashMap<String, String> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let ok = |value: Value| Ok((StatusCode::OK, Some(value)));
    let meeting_id = || path_uuid(route.meeting_id.as_deref(), "Meeting");
    let recording_id = || path_uuid(route.call_recording_id.as_deref(), "Call recording");
    match route.operation {
        Endpoint::ListMeetings => ok(store.list_meetings(&meeting_query(&params)?)?),
        Endpoint::CreateMeeting => {
            let body = validate::json_body(body).map_err(ApiError::camel_case)?;
            ok(serde_json::json!({"data": store.create_meeting(&body, token)?}))
        }
        Endpoint::GetMeeting => ok(store.get_meeting(meeting_id()?)?),
        Endpoint::AppendMeetingLinkedRecords | Endpoint::ReplaceMeetingLinkedRecords => {
            let id = meeting_id()?;
            let replace = route.operation == Endpoint::ReplaceMeetingLinkedRecords;
            ok(store.update_linked_records(id, &validate::json_body(body)?, replace)?)
        }
        Endpoint::DeleteMeeting => {
            store.delete_meeting(meeting_id()?)?;
            // Attio documents a 200 with an empty object here (not the 204 of delete-call-recording).
            ok(serde_json::json!({}))
        }
        Endpoint::ListCallRecordings => {
            let limit = limit(&params)?;
            let cursor = params.get("cursor").map(String::as_str);
            if cursor == Some("") {
                return Err(ApiError::validation("cursor must not be empty"));
            }
            ok(store.list_call_recordings(meeting_id()?, limit, cursor)?)
        }
        Endpoint::CreateCallRecording => {
            let id = meeting_id()?;
            ok(store.create_call_recording(id, &validate::json_body(body)?, token)?)
        }
        Endpoint::GetCallRecording => ok(store.get_call_recording(meeting_id()?, recording_id()?)?),
        Endpoint::DeleteCallRecording => {
            store.delete_call_recording(meeting_id()?, recording_id()?)?;
            Ok((StatusCode::NO_CONTENT, None))
        }
        Endpoint::GetTranscript => {
            let cursor = params.get("cursor").map(String::as_str);
            ok(store.transcript(meeting_id()?, recording_id()?, cursor)?)
        }
    }
}

/// A path id that is not a UUID names nothing: the operation's 404, like an unknown id.
fn path_uuid(raw: Option<&str>, what: &str) -> Result<Uuid, ApiError> {
    let raw = raw.unwrap_or_default();
    Uuid::parse_str(raw)
        .map_err(|_| ApiError::not_found(format!("{what} with ID \"{raw}\" was not found.")))
}

fn limit(params: &HashMap<String, String>) -> Result<usize, ApiError> {
    match params.get("limit") {
        None => Ok(50),
        Some(raw) => raw
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| {
                ApiError::validation(format!(
                    "limit must be an integer between 1 and 200, got \"{raw}\""
                ))
            }),
    }
}

fn meeting_query(params: &HashMap<String, String>) -> Result<MeetingQuery, ApiError> {
    let linked = match (params.get("linked_object"), params.get("linked_record_id")) {
        (None, None) => None,
        (Some(object), Some(record)) => {
            if object.is_empty() {
                return Err(ApiError::validation("linked_object must not be empty"));
            }
            let record = Uuid::parse_str(record).map_err(|_| {
                ApiError::validation(format!("linked_record_id must be a UUID, got \"{record}\""))
            })?;
            Some((object.clone(), record))
        }
        (Some(_), None) => {
            return Err(ApiError::validation(
                "linked_record_id is required when linked_object is given",
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::validation(
                "linked_object is required when linked_record_id is given",
            ));
        }
    };
    let participants = params
        .get("participants")
        .map(|list| {
            list.split(',')
                .map(|e| e.trim().to_lowercase())
                .filter(|e| !e.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let sort = match params.get("sort").map(String::as_str) {
        None | Some("start_asc") => Sort::StartAsc,
        Some("start_desc") => Sort::StartDesc,
        Some(other) => {
            return Err(ApiError::validation(format!(
                "sort must be start_asc or start_desc, got \"{other}\""
            )));
        }
    };
    // An unknown timezone is treated as UTC, as Attio does.
    let timezone = params
        .get("timezone")
        .and_then(|name| name.parse::<chrono_tz::Tz>().ok())
        .unwrap_or(chrono_tz::Tz::UTC);
    let instant = |name: &str| -> Result<_, ApiError> {
        params
            .get(name)
            .map(|raw| {
                validate::parse_instant(raw, Some(timezone)).ok_or_else(|| {
                    ApiError::validation(format!(
                        "{name} must be an ISO 8601 timestamp, got \"{raw}\""
                    ))
                })
            })
            .transpose()
    };
    Ok(MeetingQuery {
        limit: limit(params)?,
        cursor: params.get("cursor").cloned(),
        linked,
        participants,
        sort,
        ends_from: instant("ends_from")?,
        starts_before: instant("starts_before")?,
        timezone,
    })
}
