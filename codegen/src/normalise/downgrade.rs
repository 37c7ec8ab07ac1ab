//! Rewrites the OpenAPI 3.1 / JSON Schema 2020-12 constructs that `openapiv3` (3.0 only) rejects or
//! misreads into their 3.0 equivalents, keeping their meaning.

use serde_json::{Map, Value, json};

use super::walk;
use crate::error::{Result, SpecError};
use crate::pointer::join;

/// Keywords of 2020-12 that only annotate or identify a schema; dropping them loses no type information.
const ANNOTATIONS: [&str; 8] = [
    "$schema",
    "$id",
    "$anchor",
    "$comment",
    "$dynamicAnchor",
    "$vocabulary",
    "contentMediaType",
    "contentEncoding",
];

/// Keywords of 2020-12 that change which values are valid and have no 3.0 spelling. Dropping them would
/// silently generate wrong types, so they are reported instead.
const UNSUPPORTED: [&str; 12] = [
    "if",
    "then",
    "else",
    "prefixItems",
    "dependentSchemas",
    "dependentRequired",
    "unevaluatedProperties",
    "unevaluatedItems",
    "propertyNames",
    "contains",
    "$dynamicRef",
    "patternProperties",
];

/// Downgrades the whole document to OpenAPI 3.0.3.
pub fn downgrade(doc: &mut Value) -> Result<()> {
    let version = doc
        .get("openapi")
        .and_then(Value::as_str)
        .ok_or_else(|| SpecError::new("/openapi", "missing `openapi` version"))?;
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(SpecError::new(
            "/openapi",
            format!("OpenAPI {version} is not supported (3.0 and 3.1 are)"),
        ));
    }
    let root = doc
        .as_object_mut()
        .ok_or_else(|| SpecError::new("", "the document is not a mapping"))?;
    root.insert("openapi".into(), json!("3.0.3"));
    // 3.1-only document fields; none of them describes an operation of the client.
    root.remove("webhooks");
    root.remove("jsonSchemaDialect");
    root.entry("paths").or_insert_with(|| json!({}));
    if let Some(info) = root.get_mut("info").and_then(Value::as_object_mut) {
        info.remove("summary");
        if let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) {
            license.remove("identifier");
        }
    }
    if let Some(components) = root.get_mut("components").and_then(Value::as_object_mut) {
        components.remove("pathItems");
    }

    for ptr in walk::schema_roots(doc) {
        if let Some(schema) = doc.pointer_mut(&ptr) {
            schema_tree(schema, &ptr)?;
        }
    }
    Ok(())
}

/// Downgrades one schema and everything nested in it, children first, so that a parent sees its
/// branches already in 3.0 form.
pub fn schema_tree(schema: &mut Value, ptr: &str) -> Result<()> {
    let Some(map) = schema.as_object_mut() else {
        return Ok(()); // `true`/`false` schemas and the like: nothing to rewrite
    };
    if map.contains_key("$ref") {
        // 3.1 allows keywords beside `$ref`; 3.0 ignores them, and so do we, except a description, which
        // documents the field: `allOf: [$ref]` is the 3.0 way to keep it (the type stays the same).
        map.retain(|k, _| k == "$ref" || k == "description");
        if let Some(description) = map.remove("description") {
            let reference = std::mem::take(map);
            map.insert("allOf".into(), json!([reference]));
            map.insert("description".into(), description);
        }
        return Ok(());
    }
    for key in ["properties"] {
        if let Some(props) = map.get_mut(key).and_then(Value::as_object_mut) {
            let base = join(ptr, key);
            for (name, child) in props.iter_mut() {
                schema_tree(child, &join(&base, name))?;
            }
        }
    }
    for key in ["additionalProperties", "items", "not"] {
        if let Some(child) = map.get_mut(key).filter(|c| c.is_object()) {
            schema_tree(child, &join(ptr, key))?;
        }
    }
    for key in ["allOf", "anyOf", "oneOf"] {
        if let Some(branches) = map.get_mut(key).and_then(Value::as_array_mut) {
            let base = join(ptr, key);
            for (i, child) in branches.iter_mut().enumerate() {
                schema_tree(child, &join(&base, &i.to_string()))?;
            }
        }
    }
    node(map, ptr)
}

/// Rewrites the keywords of one schema object.
fn node(map: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    if let Some(keyword) = UNSUPPORTED.iter().find(|k| map.contains_key(**k)) {
        return Err(SpecError::new(
            join(ptr, keyword),
            format!("`{keyword}` has no OpenAPI 3.0 equivalent and is not supported"),
        ));
    }
    for keyword in ANNOTATIONS {
        map.remove(keyword);
    }
    if let Some(Value::Array(examples)) = map.remove("examples")
        && !map.contains_key("example")
        && let Some(first) = examples.into_iter().next()
    {
        map.insert("example".into(), first);
    }
    if let Some(value) = map.remove("const") {
        map.entry("enum").or_insert_with(|| json!([value]));
    }
    for (exclusive, inclusive) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(bound) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
            map.insert(inclusive.into(), bound);
            map.insert(exclusive.into(), json!(true));
        }
    }
    type_array(map, ptr)?;
    null_branches(map, ptr)?;
    collapse_spellings(map);
    merge_string_enums(map);
    Ok(())
}

/// `type: [X, "null"]` -> `type: X, nullable: true`; a lone `type: "null"` -> `enum: [null]`.
fn type_array(map: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    let types: Vec<String> = match map.get("type") {
        Some(Value::Array(items)) => items
            .iter()
            .map(|t| t.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| SpecError::new(join(ptr, "type"), "`type` entries must be strings"))?,
        Some(Value::String(single)) if single == "null" => vec![single.clone()],
        _ => return Ok(()),
    };
    let nullable = types.iter().any(|t| t == "null");
    let concrete: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
    match concrete.as_slice() {
        [] => {
            map.remove("type");
            map.insert("enum".into(), json!([null]));
        }
        [one] => {
            map.insert("type".into(), json!(one));
            if nullable {
                map.insert("nullable".into(), json!(true));
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    // 3.0 spells a nullable enum without `null` among its values.
                    values.retain(|v| !v.is_null());
                }
            }
        }
        several => {
            return Err(SpecError::new(
                join(ptr, "type"),
                format!(
                    "a value of several types ({}) cannot be generated; use oneOf",
                    several
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
    }
    Ok(())
}

fn is_null_schema(schema: &Value) -> bool {
    schema.get("enum") == Some(&json!([null])) || schema.get("type") == Some(&json!("null"))
}

/// `oneOf`/`anyOf` with a null branch -> the other branches, `nullable: true`. A single remaining `$ref`
/// becomes `allOf: [$ref]`, the 3.0 way to make a reference nullable.
fn null_branches(map: &mut Map<String, Value>, ptr: &str) -> Result<()> {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(branches)) = map.get_mut(key) else {
            continue;
        };
        if !branches.iter().any(is_null_schema) {
            continue;
        }
        branches.retain(|b| !is_null_schema(b));
        map.insert("nullable".into(), json!(true));
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        match branches.as_slice() {
            [] => {
                return Err(SpecError::new(
                    join(ptr, key),
                    "a schema that only allows null cannot be generated",
                ));
            }
            [only] if only.get("$ref").is_some() => {
                let only = only.clone();
                map.remove(key);
                map.insert("allOf".into(), json!([only]));
            }
            [only] => {
                let only = only.as_object().cloned().unwrap_or_default();
                map.remove(key);
                for (k, v) in only {
                    map.entry(k).or_insert(v);
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// `anyOf: [{type: boolean}, {type: string, enum: ["true"]}, {type: string, enum: ["false"]}]` (a type
/// plus string spellings of its values, as Attio accepts for `is_organizer`) -> `type: boolean`.
/// Clients send the typed form, and responses use it too.
fn collapse_spellings(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        let typed: Vec<&Value> = branches
            .iter()
            .filter(|b| {
                matches!(
                    b.get("type").and_then(Value::as_str),
                    Some("boolean" | "integer" | "number")
                ) && b.get("enum").is_none()
            })
            .collect();
        let [typed] = typed.as_slice() else { continue };
        let ty = typed
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let spells = |s: &str| match ty {
            "boolean" => s == "true" || s == "false",
            "integer" => s.parse::<i64>().is_ok(),
            _ => s.parse::<f64>().is_ok(),
        };
        let others_are_spellings = branches
            .iter()
            .filter(|b| !std::ptr::eq(*b, *typed))
            .all(|b| {
                b.get("type").and_then(Value::as_str) == Some("string")
                    && b.get("enum")
                        .and_then(Value::as_array)
                        .is_some_and(|vals| vals.iter().all(|v| v.as_str().is_some_and(spells)))
            });
        if !others_are_spellings {
            continue;
        }
        let typed = typed.as_object().cloned().unwrap_or_default();
        map.remove(key);
        for (k, v) in typed {
            map.entry(k).or_insert(v);
        }
    }
}

/// `anyOf` of string enums (Attio lists error codes one branch each) -> one string enum.
fn merge_string_enums(map: &mut Map<String, Value>) {
    for key in ["anyOf", "oneOf"] {
        let Some(Value::Array(branches)) = map.get(key) else {
            continue;
        };
        let mut values = Vec::new();
        for branch in branches {
            let Some(obj) = branch.as_object() else {
                return;
            };
            let plain = obj
                .keys()
                .all(|k| matches!(k.as_str(), "type" | "enum" | "description"));
            match (obj.get("type").and_then(Value::as_str), obj.get("enum")) {
                (Some("string"), Some(Value::Array(vals))) if plain => {
                    for v in vals {
                        if !values.contains(v) {
                            values.push(v.clone());
                        }
                    }
                }
                _ => return,
            }
        }
        map.remove(key);
        map.insert("type".into(), json!("string"));
        map.insert("enum".into(), Value::Array(values));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(mut schema: Value) -> Result<Value> {
        schema_tree(&mut schema, "/components/schemas/x")?;
        Ok(schema)
    }

    #[test]
    fn type_arrays_become_nullable() {
        let out = run(json!({"type": ["string", "null"], "format": "date-time"})).unwrap();
        assert_eq!(
            out,
            json!({"type": "string", "format": "date-time", "nullable": true})
        );
    }

    #[test]
    fn nullable_enum_loses_its_null_value() {
        let out = run(json!({"type": ["string", "null"], "enum": ["a", null]})).unwrap();
        assert_eq!(
            out,
            json!({"type": "string", "enum": ["a"], "nullable": true})
        );
    }

    #[test]
    fn several_types_are_reported_with_their_pointer() {
        let err = run(json!({"properties": {"v": {"type": ["string", "integer"]}}})).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/x/properties/v/type");
        assert!(err.message.contains("string, integer"), "{err}");
    }

    #[test]
    fn const_becomes_a_one_value_enum() {
        let out = run(json!({"type": "integer", "const": 400})).unwrap();
        assert_eq!(out, json!({"type": "integer", "enum": [400]}));
    }

    #[test]
    fn examples_become_example() {
        let out = run(json!({"type": "string", "examples": ["a", "b"]})).unwrap();
        assert_eq!(out, json!({"type": "string", "example": "a"}));
    }

    #[test]
    fn numeric_exclusive_bounds_become_boolean_flags() {
        let out = run(json!({"type": "number", "exclusiveMinimum": 0})).unwrap();
        assert_eq!(
            out,
            json!({"type": "number", "minimum": 0, "exclusiveMinimum": true})
        );
    }

    #[test]
    fn annotation_keywords_are_dropped() {
        let out = run(json!({"$comment": "x", "$id": "y", "contentMediaType": "text/plain", "type": "string"}))
            .unwrap();
        assert_eq!(out, json!({"type": "string"}));
    }

    #[test]
    fn validating_keywords_without_3_0_form_are_errors() {
        let err = run(json!({"items": {"prefixItems": []}})).unwrap_err();
        assert_eq!(err.pointer, "/components/schemas/x/items/prefixItems");
    }

    #[test]
    fn a_boolean_and_its_string_spellings_collapse_to_boolean() {
        let out = run(json!({
            "description": "organiser?",
            "anyOf": [
                {"type": "boolean"},
                {"type": "string", "enum": ["true"]},
                {"type": "string", "enum": ["false"]}
            ]
        }))
        .unwrap();
        assert_eq!(out, json!({"description": "organiser?", "type": "boolean"}));
    }

    #[test]
    fn a_real_union_is_not_collapsed() {
        let schema = json!({"anyOf": [{"type": "boolean"}, {"type": "string", "enum": ["maybe"]}]});
        assert_eq!(run(schema.clone()).unwrap(), schema);
    }

    #[test]
    fn string_enum_branches_merge() {
        let out = run(json!({"anyOf": [
            {"type": "string", "enum": ["billing_error"]},
            {"type": "string", "enum": ["quota_exceeded"]}
        ]}))
        .unwrap();
        assert_eq!(
            out,
            json!({"type": "string", "enum": ["billing_error", "quota_exceeded"]})
        );
    }

    #[test]
    fn a_described_reference_keeps_its_description_through_all_of() {
        let described =
            run(json!({"$ref": "#/components/schemas/T", "description": "Who.", "title": "x"}))
                .unwrap();
        assert_eq!(
            described,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "Who."})
        );
        let bare = run(json!({"$ref": "#/components/schemas/T", "summary": "s"})).unwrap();
        assert_eq!(bare, json!({"$ref": "#/components/schemas/T"}));
    }

    #[test]
    fn a_nullable_reference_becomes_all_of() {
        let out =
            run(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})).unwrap();
        assert_eq!(
            out,
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
    }

    #[test]
    fn nested_schemas_are_rewritten() {
        let out = run(
            json!({"type": "object", "properties": {"a": {"type": "array", "items": {
            "type": ["integer", "null"]}}}}),
        )
        .unwrap();
        assert_eq!(
            out["properties"]["a"]["items"],
            json!({"type": "integer", "nullable": true})
        );
    }

    #[test]
    fn document_fields_of_3_1_are_removed() {
        let mut doc = json!({
            "openapi": "3.1.0",
            "info": {"title": "t", "version": "1", "summary": "s", "license": {"name": "MIT", "identifier": "MIT"}},
            "webhooks": {},
            "components": {"schemas": {"x": {"type": ["string", "null"]}}}
        });
        downgrade(&mut doc).unwrap();
        assert_eq!(doc["openapi"], "3.0.3");
        assert_eq!(
            doc["info"],
            json!({"title": "t", "version": "1", "license": {"name": "MIT"}})
        );
        assert!(doc.get("webhooks").is_none());
        assert_eq!(doc["paths"], json!({}));
        assert_eq!(
            doc["components"]["schemas"]["x"],
            json!({"type": "string", "nullable": true})
        );
    }

    #[test]
    fn other_versions_are_refused() {
        let mut doc = json!({"swagger": "2.0"});
        assert_eq!(downgrade(&mut doc).unwrap_err().pointer, "/openapi");
        let mut doc = json!({"openapi": "4.0.0"});
        assert!(downgrade(&mut doc).unwrap_err().message.contains("4.0.0"));
    }
}
