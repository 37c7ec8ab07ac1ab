//! Reading a spec file (YAML or JSON) into a JSON value.
//!
//! A file may also be a variant of another one: `x-attio-extends: <path relative to this file>` names the
//! base document and `x-attio-patch` lists RFC 6902 JSON Patch operations applied to it. That keeps a
//! variant (a local fix on top of Attio's document, or the regeneration test's spec) to its differences.

use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{Result, SpecError};
use crate::pointer;

/// Key naming the document a variant extends.
pub const EXTENDS: &str = "x-attio-extends";
/// Key of a variant's JSON Patch operations.
pub const PATCH: &str = "x-attio-patch";

/// Reads and parses `path`, resolving `x-attio-extends` (see the module docs).
pub fn load(path: &Path) -> Result<Value> {
    load_within(path, 0, &mut Vec::new())
}

/// Like [`load`], and the files read: `path` and the documents it extends (a build script watches them).
pub fn load_with_sources(path: &Path) -> Result<(Value, Vec<std::path::PathBuf>)> {
    let mut sources = Vec::new();
    let doc = load_within(path, 0, &mut sources)?;
    Ok((doc, sources))
}

fn load_within(path: &Path, depth: usize, sources: &mut Vec<std::path::PathBuf>) -> Result<Value> {
    sources.push(path.to_path_buf());
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new("", format!("cannot read the spec: {e}")).in_file(path))?;
    let mut doc = parse(&text).map_err(|e| e.in_file(path))?;
    let Some(base) = doc.get(EXTENDS) else {
        return Ok(doc);
    };
    let fail = |pointer: &str, message: String| SpecError::new(pointer, message).in_file(path);
    let base = base.as_str().ok_or_else(|| {
        fail(
            &pointer::join("", EXTENDS),
            "must be the path of the base document".into(),
        )
    })?;
    if depth >= 8 {
        return Err(fail(
            &pointer::join("", EXTENDS),
            "variants extend each other more than 8 levels deep (a cycle?)".into(),
        ));
    }
    let base_path = path.parent().unwrap_or(Path::new(".")).join(base);
    let mut base_doc = load_within(&base_path, depth + 1, sources)?;
    let patch = doc
        .as_object_mut()
        .and_then(|map| map.remove(PATCH))
        .unwrap_or(Value::Array(Vec::new()));
    let operations: json_patch::Patch = serde_json::from_value(patch).map_err(|e| {
        fail(
            &pointer::join("", PATCH),
            format!("not a list of JSON Patch operations: {e}"),
        )
    })?;
    for (i, operation) in operations.0.iter().enumerate() {
        json_patch::patch(&mut base_doc, std::slice::from_ref(operation)).map_err(|e| {
            fail(
                &pointer::join(&pointer::join("", PATCH), &i.to_string()),
                format!("cannot apply to {}: {e}", base_path.display()),
            )
        })?;
    }
    Ok(base_doc)
}

/// Parses a YAML or JSON document held in memory (JSON is a subset of YAML, so one parser serves both).
pub fn parse(text: &str) -> Result<Value> {
    let yaml: yaml_serde::Value = yaml_serde::from_str(text)
        .map_err(|e| SpecError::new("", format!("not valid YAML or JSON: {e}")))?;
    let value = to_json(yaml, "")?;
    if !value.is_object() {
        return Err(SpecError::new("", "the document is not a mapping"));
    }
    Ok(value)
}

/// Converts YAML to JSON. YAML allows non-string keys (`200:` is an integer); OpenAPI means them as
/// strings, so scalar keys are turned into their text.
fn to_json(yaml: yaml_serde::Value, at: &str) -> Result<Value> {
    use yaml_serde::Value as Y;
    Ok(match yaml {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .ok_or_else(|| SpecError::new(at, format!("{f} is not a JSON number")))?
            }
        }
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(
            items
                .into_iter()
                .enumerate()
                .map(|(i, item)| to_json(item, &pointer::join(at, &i.to_string())))
                .collect::<Result<_>>()?,
        ),
        Y::Mapping(mapping) => {
            let mut map = Map::with_capacity(mapping.len());
            for (key, value) in mapping {
                let key = match key {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => {
                        return Err(SpecError::new(
                            at,
                            format!("mapping key {other:?} is not a string"),
                        ));
                    }
                };
                let value = to_json(value, &pointer::join(at, &key))?;
                map.insert(key, value);
            }
            Value::Object(map)
        }
        Y::Tagged(tagged) => {
            return Err(SpecError::new(
                at,
                format!("YAML tag {} has no JSON meaning", tagged.tag),
            ));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variant_lists_itself_and_the_document_it_extends() {
        let dir = std::env::temp_dir().join(format!("attio-codegen-load-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("base")).unwrap();
        let base = dir.join("base/spec.yaml");
        let variant = dir.join("variant.yaml");
        std::fs::write(
            &base,
            "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n",
        )
        .unwrap();
        std::fs::write(
            &variant,
            "x-attio-extends: base/spec.yaml\nx-attio-patch:\n  - {op: replace, path: /info/title, value: v}\n",
        )
        .unwrap();
        let (doc, sources) = load_with_sources(&variant).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(doc["info"]["title"], "v");
        assert_eq!(sources, [variant.clone(), dir.join("base/spec.yaml")]);
    }
}
