//! Names every operation. progenitor needs an `operationId` per operation and Attio's document has none,
//! so one is derived from the method and path; an id the document already has always wins.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::walk;
use crate::error::{Result, SpecError};
use crate::pointer::join;

/// Fills in missing operationIds; fails when two operations end up with the same one.
pub fn assign(doc: &mut Value) -> Result<()> {
    let operations = walk::operations(doc);
    let mut taken = BTreeSet::new();
    for (ptr, _, _) in &operations {
        if let Some(id) = doc.pointer(&join(ptr, "operationId")) {
            let id = id.as_str().filter(|s| !s.is_empty()).ok_or_else(|| {
                SpecError::new(
                    join(ptr, "operationId"),
                    "operationId must be a non-empty string",
                )
            })?;
            if !taken.insert(id.to_string()) {
                return Err(SpecError::new(
                    join(ptr, "operationId"),
                    format!("operationId `{id}` is used twice"),
                ));
            }
        }
    }
    for (ptr, path, method) in &operations {
        let Some(op) = doc.pointer_mut(ptr).and_then(Value::as_object_mut) else {
            continue;
        };
        if op.contains_key("operationId") {
            continue;
        }
        let id = candidates(method, path)
            .into_iter()
            .find(|c| !taken.contains(c))
            .ok_or_else(|| {
                SpecError::new(
                    ptr.as_str(),
                    "cannot derive an operationId that is not already taken",
                )
            })?;
        taken.insert(id.clone());
        op.insert("operationId".into(), json!(id));
    }
    Ok(())
}

/// Names for `method path`, most readable first: `GET /v2/meetings` -> `list_meetings`,
/// `GET /v2/meetings/{meeting_id}` -> `get_meeting`, `POST /v2/objects/{o}/records/query` ->
/// `query_records`; then the same prefixed with the parent resources, then everything spelled out.
pub fn candidates(method: &str, path: &str) -> Vec<String> {
    let mut segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.first().is_some_and(|s| is_version(s)) {
        segments.remove(0);
    }
    let is_param = |s: &str| s.starts_with('{') && s.ends_with('}');
    let literals: Vec<String> = segments
        .iter()
        .filter(|s| !is_param(s))
        .map(|s| snake(s))
        .collect();
    let spelled_out = {
        let rest: Vec<String> = segments
            .iter()
            .map(|s| snake(s.trim_matches(['{', '}'])))
            .collect();
        format!("{method}_{}", rest.join("_"))
    };
    let Some(last_literal) = literals.last() else {
        return vec![spelled_out];
    };
    let on_item = segments.last().is_some_and(|s| is_param(s));
    let plural = last_literal.ends_with('s');

    let (verb, noun): (&str, String) = match (method, on_item, plural) {
        ("get", true, _) => ("get", singular(last_literal)),
        ("delete", true, _) => ("delete", singular(last_literal)),
        ("patch", true, _) => ("update", singular(last_literal)),
        ("put", true, _) => ("replace", singular(last_literal)),
        ("get", false, true) => ("list", last_literal.clone()),
        ("get", false, false) => ("get", last_literal.clone()),
        ("post", false, true) => ("create", singular(last_literal)),
        ("put", false, _) => ("replace", last_literal.clone()),
        ("patch", false, _) => ("update", last_literal.clone()),
        ("delete", false, _) => ("delete", last_literal.clone()),
        // A POST to a verb-like segment is an action on the resource before it: `.../records/query`.
        ("post", false, false) if literals.len() >= 2 => {
            (last_literal.as_str(), literals[literals.len() - 2].clone())
        }
        _ => (method, last_literal.clone()),
    };
    let parents: Vec<String> = literals[..literals.len() - 1]
        .iter()
        .filter(|p| **p != noun)
        .map(|p| singular(p))
        .collect();
    let mut out = vec![format!("{verb}_{noun}")];
    if !parents.is_empty() {
        out.push(format!("{verb}_{}_{noun}", parents.join("_")));
    }
    out.push(spelled_out);
    out
}

fn is_version(segment: &str) -> bool {
    segment.len() > 1
        && segment.starts_with('v')
        && segment[1..].bytes().all(|b| b.is_ascii_digit())
}

pub(crate) fn snake(segment: &str) -> String {
    segment
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// English plural to singular, good enough for REST collection names.
fn singular(word: &str) -> String {
    if let Some(stem) = word.strip_suffix("ies") {
        format!("{stem}y")
    } else if word.ends_with("sses") || word.ends_with("xes") {
        word[..word.len() - 2].to_string()
    } else if word.ends_with('s') && !word.ends_with("ss") {
        word[..word.len() - 1].to_string()
    } else {
        word.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn first(method: &str, path: &str) -> String {
        candidates(method, path).remove(0)
    }

    #[test]
    fn attio_meetings_paths_get_readable_names() {
        assert_eq!(first("get", "/v2/meetings"), "list_meetings");
        assert_eq!(first("post", "/v2/meetings"), "create_meeting");
        assert_eq!(first("get", "/v2/meetings/{meeting_id}"), "get_meeting");
        let recordings = "/v2/meetings/{meeting_id}/call_recordings";
        assert_eq!(first("get", recordings), "list_call_recordings");
        assert_eq!(first("post", recordings), "create_call_recording");
        let one = "/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}";
        assert_eq!(first("get", one), "get_call_recording");
        assert_eq!(first("delete", one), "delete_call_recording");
        assert_eq!(first("get", &format!("{one}/transcript")), "get_transcript");
    }

    #[test]
    fn actions_and_singulars() {
        assert_eq!(
            first("post", "/v2/objects/{object}/records/query"),
            "query_records"
        );
        assert_eq!(first("get", "/v2/self"), "get_self");
        assert_eq!(first("get", "/v2/entries/{id}"), "get_entry");
        assert_eq!(first("put", "/v2/lists/{list}/entries"), "replace_entries");
    }

    #[test]
    fn later_candidates_disambiguate() {
        let c = candidates("get", "/v2/lists/{list}/entries/{entry_id}");
        assert_eq!(
            c,
            [
                "get_entry",
                "get_list_entry",
                "get_lists_list_entries_entry_id"
            ]
        );
    }

    #[test]
    fn document_ids_win_and_collisions_are_resolved() {
        let mut doc = json!({"paths": {
            "/v2/meetings": {"get": {}, "post": {"operationId": "find_or_create_meeting"}},
            "/v2/a/meetings": {"get": {}}
        }});
        assign(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/v2/meetings"]["post"]["operationId"],
            "find_or_create_meeting"
        );
        let a = doc["paths"]["/v2/a/meetings"]["get"]["operationId"]
            .as_str()
            .unwrap();
        let b = doc["paths"]["/v2/meetings"]["get"]["operationId"]
            .as_str()
            .unwrap();
        assert_ne!(a, b);
        assert!([a, b].contains(&"list_meetings"));
    }

    #[test]
    fn duplicate_document_ids_are_reported() {
        let mut doc = json!({"paths": {"/a": {"get": {"operationId": "x"}}, "/b": {"get": {"operationId": "x"}}}});
        let err = assign(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1b/get/operationId");
    }
}
