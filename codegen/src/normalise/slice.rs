//! Keeps the paths of one API family and the components they reach.
//!
//! Attio publishes one document for its whole API; the meetings family is five paths of it. Slicing
//! before generation keeps unrelated (and unsupported) shapes away from progenitor.
//!
//! Roots are the kept paths and, besides them, the components the document's OpenAPI 3.1 `webhooks`
//! section references ([`webhook_roots`]): no operation of the client uses a webhook payload, yet the
//! receiver side of the crate parses deliveries with the generated types. The section itself does not
//! survive the downgrade to 3.0, so its roots are taken first and handed to every prune.

use std::collections::BTreeSet;

use serde_json::Value;

use super::walk;
use crate::error::{Result, SpecError};
use crate::pointer::{self, join};

/// Drops every path that does not start with one of `prefixes` (segment-wise: `/v2/meetings` keeps
/// `/v2/meetings/{id}` but not `/v2/meetingsx`), then every component that neither a kept path nor one
/// of `roots` (component pointers, see [`webhook_roots`]) reaches.
pub fn slice(doc: &mut Value, prefixes: &[String], roots: &[String]) -> Result<()> {
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .ok_or_else(|| SpecError::new("/paths", "the document has no paths"))?;
    paths.retain(|path, _| prefixes.iter().any(|prefix| in_family(path, prefix)));
    if paths.is_empty() {
        return Err(SpecError::new(
            "/paths",
            format!("no path starts with {}", prefixes.join(" or ")),
        ));
    }

    prune_components(doc, roots)?;
    keep_used_tags(doc);
    Ok(())
}

/// The components the 3.1 `webhooks` section references (`#/components/schemas/WebhookPayload`, ...), as
/// pointers, to keep as roots beside the paths. A `$ref` there that leads nowhere is reported where it
/// stands.
pub fn webhook_roots(doc: &Value) -> Result<Vec<String>> {
    let mut refs = Vec::new();
    if let Some(webhooks) = doc.get("webhooks") {
        walk::refs(webhooks, "/webhooks", &mut refs);
    }
    let mut roots = BTreeSet::new();
    for (site, target) in refs {
        roots.insert(component_at(doc, &site, &target)?);
    }
    Ok(roots.into_iter().collect())
}

/// Drops every component that no path and none of `roots` (component pointers) reaches, directly or
/// through other components.
pub fn prune_components(doc: &mut Value, roots: &[String]) -> Result<()> {
    let reached = reachable(doc, roots)?;
    let Some(components) = doc.get_mut("components").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for (kind, entries) in components.iter_mut() {
        // Security schemes are referenced by name, not by `$ref`; they are few, so all stay.
        if kind == "securitySchemes" {
            continue;
        }
        if let Some(entries) = entries.as_object_mut() {
            let base = join("/components", kind);
            entries.retain(|name, _| reached.contains(&join(&base, name)));
        }
    }
    components.retain(|_, entries| entries.as_object().is_none_or(|m| !m.is_empty()));
    Ok(())
}

fn in_family(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Pointers of the components reached, transitively, from the paths and from `roots`.
fn reachable(doc: &Value, roots: &[String]) -> Result<BTreeSet<String>> {
    let mut reached = BTreeSet::new();
    let mut pending = Vec::new();
    if let Some(paths) = doc.get("paths") {
        walk::refs(paths, "/paths", &mut pending);
    }
    for root in roots {
        pending.push((root.clone(), format!("#{root}")));
    }
    while let Some((site, target)) = pending.pop() {
        let component = component_at(doc, &site, &target)?;
        if reached.insert(component.clone())
            && let Some(value) = doc.pointer(&component)
        {
            walk::refs(value, &component, &mut pending);
        }
    }
    Ok(reached)
}

/// The component `target` (a `$ref` found at `site`) points into, checked to exist.
fn component_at(doc: &Value, site: &str, target: &str) -> Result<String> {
    let Some(target_ptr) = pointer::of_local_ref(target) else {
        return Err(SpecError::new(
            site,
            format!("`$ref: {target}` points outside the document, which is not supported"),
        ));
    };
    let component = component_of(target_ptr).ok_or_else(|| {
        SpecError::new(
            site,
            format!("`$ref: {target}` does not point into components"),
        )
    })?;
    if doc.pointer(target_ptr).is_none() {
        return Err(SpecError::new(
            site,
            format!("`$ref: {target}` points to nothing"),
        ));
    }
    Ok(component)
}

/// `/components/schemas/X/properties/y` -> `/components/schemas/X`.
fn component_of(ptr: &str) -> Option<String> {
    let mut parts = ptr.strip_prefix('/')?.splitn(4, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("components"), Some(kind), Some(name)) => Some(format!("/components/{kind}/{name}")),
        _ => None,
    }
}

fn keep_used_tags(doc: &mut Value) {
    let used: BTreeSet<String> = walk::operations(doc)
        .iter()
        .filter_map(|(ptr, _, _)| doc.pointer(&join(ptr, "tags"))?.as_array().cloned())
        .flatten()
        .filter_map(|tag| tag.as_str().map(str::to_string))
        .collect();
    if let Some(tags) = doc.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|tag| {
            tag.get("name")
                .and_then(Value::as_str)
                .is_some_and(|name| used.contains(name))
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "tags": [{"name": "Meetings"}, {"name": "Notes"}],
            "paths": {
                "/v2/meetings": {"get": {"tags": ["Meetings"], "responses": {"200": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/meeting"}}}}}}},
                "/v2/meetingsx": {"get": {"responses": {}}},
                "/v2/notes": {"get": {"tags": ["Notes"], "responses": {"200": {"content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/note"}}}}}}}
            },
            "components": {
                "schemas": {
                    "meeting": {"properties": {"actor": {"$ref": "#/components/schemas/actor"}}},
                    "actor": {"type": "object"},
                    "note": {"type": "object"}
                },
                "securitySchemes": {"oauth2": {"type": "oauth2"}}
            }
        })
    }

    #[test]
    fn keeps_the_family_and_what_it_reaches() {
        let mut doc = doc();
        slice(&mut doc, &["/v2/meetings".to_string()], &[]).unwrap();
        let paths: Vec<_> = doc["paths"].as_object().unwrap().keys().cloned().collect();
        assert_eq!(paths, ["/v2/meetings"]);
        let schemas: Vec<_> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(schemas, ["actor", "meeting"]);
        assert!(doc["components"]["securitySchemes"]["oauth2"].is_object());
        assert_eq!(doc["tags"], json!([{"name": "Meetings"}]));
    }

    #[test]
    fn a_dangling_ref_is_reported_where_it_stands() {
        let mut doc = doc();
        doc["components"]["schemas"]["meeting"]["properties"]["actor"]["$ref"] =
            json!("#/components/schemas/missing");
        let err = slice(&mut doc, &["/v2/meetings".to_string()], &[]).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/meeting/properties/actor");
        assert!(err.message.contains("points to nothing"), "{err}");
    }

    #[test]
    fn an_empty_family_is_an_error() {
        let mut doc = doc();
        let err = slice(&mut doc, &["/v2/calls".to_string()], &[]).unwrap_err();
        assert_eq!(err.pointer, "/paths");
    }

    fn with_webhooks() -> Value {
        let mut doc = doc();
        doc["webhooks"] = json!({"note.created": {"post": {"requestBody": {"content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/payload"}}}}}}});
        doc["components"]["schemas"]["payload"] =
            json!({"properties": {"by": {"$ref": "#/components/schemas/who"}}});
        doc["components"]["schemas"]["who"] = json!({"type": "object"});
        doc
    }

    #[test]
    fn webhook_payloads_and_what_they_reach_survive_slicing() {
        let mut doc = with_webhooks();
        let roots = webhook_roots(&doc).unwrap();
        assert_eq!(roots, ["/components/schemas/payload"]);
        slice(&mut doc, &["/v2/meetings".to_string()], &roots).unwrap();
        let schemas: Vec<_> = doc["components"]["schemas"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        // `note` is reached by a dropped path only; `who` only through the webhook payload.
        assert_eq!(schemas, ["actor", "meeting", "payload", "who"]);
    }

    #[test]
    fn without_the_roots_webhook_payloads_are_pruned() {
        let mut doc = with_webhooks();
        slice(&mut doc, &["/v2/meetings".to_string()], &[]).unwrap();
        assert!(doc["components"]["schemas"].get("payload").is_none());
        assert!(doc["components"]["schemas"].get("who").is_none());
    }

    #[test]
    fn a_dangling_ref_in_webhooks_is_reported_where_it_stands() {
        let mut doc = with_webhooks();
        doc["webhooks"]["note.created"]["post"]["requestBody"]["content"]["application/json"]["schema"]
            ["$ref"] = json!("#/components/schemas/gone");
        let err = webhook_roots(&doc).unwrap_err();
        assert_eq!(
            err.pointer,
            "/webhooks/note.created/post/requestBody/content/application~1json/schema"
        );
    }
}
