//! Gives every operation one error type.
//!
//! Attio answers every failure with the same envelope, but its document declares a different inline
//! schema per status (and leaves 401, 429 and 5xx undeclared). progenitor accepts one error type per
//! operation and no `default` beside a specific success code, so the declared error responses are
//! replaced by `4XX` and `5XX` answers of the single [`ENVELOPE`] schema. Spellings of the envelope's keys
//! seen in the replaced schemas (Attio's `statusCode`) become aliases the generated type accepts.
//!
//! A success answer that can carry nothing, a bodiless status or a JSON body declared as an object without
//! properties (Attio's delete-meeting answers 200 with `{}`), is declared without content: the call
//! returns `()` and takes any 2xx, whatever body comes with it.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::walk;
use crate::error::{Result, SpecError};
use crate::pointer::join;

/// The component name of the error envelope.
pub const ENVELOPE: &str = "AttioError";

/// Schema extension listing other spellings a property is accepted under when decoding.
pub const ALIAS_EXTENSION: &str = "x-rust-serde-alias";

/// Status codes whose responses never carry a body (RFC 9110).
const BODILESS: [&str; 3] = ["204", "205", "304"];

/// Replaces all non-2xx responses with the envelope and strips bodies from bodiless statuses.
pub fn unify_errors(doc: &mut Value) -> Result<()> {
    ensure_envelope(doc)?;
    let envelope_keys: Vec<String> = doc
        .pointer(&envelope_ptr())
        .and_then(|e| e.get("properties"))
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();

    let mut aliases: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (op_ptr, _, _) in walk::operations(doc) {
        let responses_ptr = join(&op_ptr, "responses");
        let Some(responses) = doc.pointer(&responses_ptr).and_then(Value::as_object) else {
            return Err(SpecError::new(
                op_ptr,
                "the operation declares no responses",
            ));
        };
        let mut kept = serde_json::Map::new();
        for (status, response) in responses {
            if is_success(status) {
                let mut response = response.clone();
                if carries_no_body(status, &response)
                    && let Some(r) = response.as_object_mut()
                {
                    r.remove("content");
                }
                kept.insert(status.clone(), response);
            } else {
                let at = join(&responses_ptr, status);
                for spelling in error_keys(doc, response, &at)? {
                    let canonical = snake_case(&spelling);
                    if spelling != canonical && envelope_keys.contains(&canonical) {
                        let list = aliases.entry(canonical).or_default();
                        if !list.contains(&spelling) {
                            list.push(spelling);
                        }
                    }
                }
            }
        }
        for class in ["4XX", "5XX"] {
            kept.insert(class.into(), envelope_response(class));
        }
        if let Some(slot) = doc.pointer_mut(&responses_ptr) {
            *slot = Value::Object(kept);
        }
    }

    if let Some(props) = doc
        .pointer_mut(&join(&envelope_ptr(), "properties"))
        .and_then(Value::as_object_mut)
    {
        for (key, spellings) in aliases {
            if let Some(prop) = props.get_mut(&key).and_then(Value::as_object_mut) {
                prop.insert(ALIAS_EXTENSION.into(), json!(spellings));
            }
        }
    }
    Ok(())
}

/// Whether a success answer carries nothing: a bodiless status, or every JSON body declared as an
/// object without properties (`{}`). The build declares such answers without content.
pub fn carries_no_body(status: &str, response: &Value) -> bool {
    BODILESS.contains(&status) || response.get("content").is_none() || carries_nothing(response)
}

/// Whether every JSON body of `response` is declared as an object without properties (`{}`).
fn carries_nothing(response: &Value) -> bool {
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return false;
    };
    !content.is_empty()
        && content.values().all(|media| {
            let Some(schema) = media.get("schema").and_then(Value::as_object) else {
                return false;
            };
            let empty = |key: &str| match schema.get(key) {
                None => true,
                Some(Value::Object(map)) => map.is_empty(),
                Some(Value::Array(list)) => list.is_empty(),
                Some(Value::Bool(allowed)) => key == "additionalProperties" && !allowed,
                Some(_) => false,
            };
            // `properties: {}` said explicitly: a bare `{type: object}` is any object, not an empty one.
            schema.get("type").is_none_or(|t| t == "object")
                && schema.get("properties").is_some()
                && schema.keys().all(|key| {
                    matches!(
                        key.as_str(),
                        "type"
                            | "properties"
                            | "required"
                            | "additionalProperties"
                            | "description"
                            | "title"
                            | "example"
                    )
                })
                && ["properties", "required", "additionalProperties"]
                    .into_iter()
                    .all(empty)
        })
}

fn envelope_ptr() -> String {
    join("/components/schemas", ENVELOPE)
}

fn is_success(status: &str) -> bool {
    status == "2XX" || (status.len() == 3 && status.starts_with('2'))
}

fn envelope_response(class: &str) -> Value {
    let description = match class {
        "4XX" => "The request was refused: invalid, unauthorised, not found or rate limited.",
        _ => "Attio failed to handle the request.",
    };
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{ENVELOPE}")}}}
    })
}

/// Adds the canonical envelope when the document has none (Attio's own document inlines it).
fn ensure_envelope(doc: &mut Value) -> Result<()> {
    let root = doc
        .as_object_mut()
        .ok_or_else(|| SpecError::new("", "the document is not a mapping"))?;
    let components = root.entry("components").or_insert_with(|| json!({}));
    let schemas = components
        .as_object_mut()
        .ok_or_else(|| SpecError::new("/components", "components must be a mapping"))?
        .entry("schemas")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .ok_or_else(|| SpecError::new("/components/schemas", "schemas must be a mapping"))?;
    schemas.entry(ENVELOPE).or_insert_with(|| {
        json!({
            "description": "The body of every error Attio returns.",
            "type": "object",
            "required": ["status_code", "type", "code", "message"],
            "properties": {
                "status_code": {"type": "integer", "format": "uint16"},
                "type": {"type": "string"},
                "code": {"type": "string"},
                "message": {"type": "string"}
            }
        })
    });
    Ok(())
}

/// The property names of the JSON schema(s) of one error response, following `$ref`s.
fn error_keys(doc: &Value, response: &Value, at: &str) -> Result<Vec<String>> {
    let response = resolve(doc, response, at)?;
    let mut keys = Vec::new();
    if let Some(content) = response.get("content").and_then(Value::as_object) {
        for media in content.values() {
            if let Some(schema) = media.get("schema") {
                let schema = resolve(doc, schema, at)?;
                if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                    keys.extend(props.keys().cloned());
                }
            }
        }
    }
    Ok(keys)
}

fn resolve<'a>(doc: &'a Value, value: &'a Value, at: &str) -> Result<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => {
            let found = target.strip_prefix('#').and_then(|p| doc.pointer(p));
            found.ok_or_else(|| SpecError::new(at, format!("`$ref: {target}` points to nothing")))
        }
        None => Ok(value),
    }
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            if !out.is_empty() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(responses: Value) -> Value {
        json!({"openapi": "3.0.3", "paths": {"/v2/x": {"post": {"responses": responses}}}})
    }

    #[test]
    fn every_error_becomes_the_envelope_and_quirky_keys_become_aliases() {
        let mut doc = op(json!({
            "200": {"description": "ok", "content": {"application/json": {"schema": {"type": "object"}}}},
            "400": {"description": "bad", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"statusCode": {}, "type": {}, "code": {}, "message": {}}}}}},
            "404": {"description": "missing", "content": {"application/json": {"schema": {
                "type": "object", "properties": {"status_code": {}, "type": {}}}}}},
            "default": {"description": "other"}
        }));
        unify_errors(&mut doc).unwrap();
        let responses = doc["paths"]["/v2/x"]["post"]["responses"]
            .as_object()
            .unwrap();
        let codes: Vec<_> = responses.keys().cloned().collect();
        assert_eq!(codes, ["200", "4XX", "5XX"]);
        assert_eq!(
            responses["5XX"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/AttioError"
        );
        let envelope = &doc["components"]["schemas"]["AttioError"];
        assert_eq!(
            envelope["properties"]["status_code"][ALIAS_EXTENSION],
            json!(["statusCode"])
        );
        assert!(
            envelope["properties"]["type"]
                .get(ALIAS_EXTENSION)
                .is_none()
        );
    }

    #[test]
    fn a_documented_envelope_is_kept() {
        let mut doc = op(json!({"200": {"description": "ok"}}));
        doc["components"] =
            json!({"schemas": {"AttioError": {"type": "object", "description": "ours"}}});
        unify_errors(&mut doc).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["AttioError"]["description"],
            "ours"
        );
    }

    #[test]
    fn no_content_statuses_lose_their_declared_body() {
        let mut doc = op(
            json!({"204": {"description": "gone", "content": {"application/json": {
            "schema": {"type": "object", "properties": {}}}}}}),
        );
        unify_errors(&mut doc).unwrap();
        assert_eq!(
            doc["paths"]["/v2/x"]["post"]["responses"]["204"],
            json!({"description": "gone"})
        );
    }

    #[test]
    fn an_empty_object_success_carries_nothing() {
        let mut doc = op(json!({
            "200": {"description": "deleted", "content": {"application/json": {
                "schema": {"type": "object", "properties": {}}}}},
            "201": {"description": "any object", "content": {"application/json": {
                "schema": {"type": "object"}}}},
            "202": {"description": "with a field", "content": {"application/json": {
                "schema": {"type": "object", "properties": {"id": {"type": "string"}}}}}}
        }));
        unify_errors(&mut doc).unwrap();
        let responses = &doc["paths"]["/v2/x"]["post"]["responses"];
        assert_eq!(responses["200"], json!({"description": "deleted"}));
        assert!(responses["201"].get("content").is_some());
        assert!(responses["202"].get("content").is_some());
    }

    #[test]
    fn a_dangling_error_ref_is_reported() {
        let mut doc = op(json!({"404": {"$ref": "#/components/responses/Nope"}}));
        let err = unify_errors(&mut doc).unwrap_err();
        assert_eq!(err.pointer, "/paths/~1v2~1x/post/responses/404");
    }
}
