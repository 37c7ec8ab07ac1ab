//! The API surface of a normalised document, one line per fact a caller depends on: what a reviewer
//! reads after a spec update instead of the generated source.
//!
//! One line per operation (id, method, path, retry and rate classes, pagination), parameter, request
//! body, response, schema field (type, required or optional, nullable) and enum value. Lines are sorted
//! within their operation or schema, so a diff shows only what changed.
//!
//! Reading a diff: a removed or changed line breaks callers. An added line breaks callers only when it
//! starts with `!` (a required parameter, or a required field of a schema the client sends); other
//! additions are compatible (optional parameters, response fields, enum values: enums are open).

use std::collections::BTreeSet;

use serde_json::Value;

use crate::error::Result;
use crate::extensions::{self, RateClass, Retry};
use crate::normalise::walk;
use crate::pointer::{self, join};

/// Marks an added line that breaks callers.
const BREAKING: &str = "!";

/// The surface of `doc` (normalised), as text.
pub fn surface(doc: &Value) -> Result<String> {
    let mut out = vec![
        "# API surface: `-` lines and `+ !` lines break callers; see codegen/src/surface.rs"
            .to_string(),
    ];
    let inputs = input_schemas(doc);
    for (op_ptr, path, method) in walk::operations(doc) {
        let Some(op) = doc.pointer(&op_ptr) else {
            continue;
        };
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("?");
        let behaviour = extensions::read(op, &op_ptr, &method, id, &mut Vec::new())?;
        let mut line = format!(
            "{BREAKING} operation {id}: {} {path}, retry {}, rate {}",
            method.to_uppercase(),
            match behaviour.retry {
                Retry::Repeatable => "repeatable",
                Retry::AfterRefusal => "after-refusal",
            },
            match behaviour.rate_limit.class {
                RateClass::Read => "read",
                RateClass::Write => "write",
            },
        );
        if let Some(n) = behaviour.rate_limit.per_second {
            line.push_str(&format!(" + own {n}/s"));
        }
        if let Some(p) = &behaviour.pagination {
            line.push_str(&format!(
                ", paginated (cursor {}, next {}, items {})",
                p.cursor_param, p.next_cursor, p.items
            ));
        }
        if behaviour.found_gone_is_done {
            line.push_str(", found gone is done");
        }
        if let Some(note) = &behaviour.deprecated {
            line.push_str(&format!(", deprecated ({note})"));
        }
        out.push(line);
        let mut details = BTreeSet::new();
        let item_ptr = join("/paths", &path);
        for base in [join(&item_ptr, "parameters"), join(&op_ptr, "parameters")] {
            for param in doc
                .pointer(&base)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let param = resolve(doc, param);
                let required = param.get("required") == Some(&Value::Bool(true));
                let mut text = format!(
                    "{} {}: {}, {}",
                    str_of(param, "in"),
                    str_of(param, "name"),
                    type_of(param.get("schema").unwrap_or(&Value::Null)),
                    if required { "required" } else { "optional" }
                );
                if param.get("explode") == Some(&Value::Bool(false)) {
                    text.push_str(", comma-separated");
                }
                details.insert(mark(required, text));
            }
        }
        if let Some(body) = op.get("requestBody") {
            let body = resolve(doc, body);
            let required = body.get("required") == Some(&Value::Bool(true));
            for (media, content) in body
                .get("content")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                let schema = content.get("schema").unwrap_or(&Value::Null);
                details.insert(mark(
                    required,
                    format!(
                        "body {media}: {}, {}",
                        type_of(schema),
                        if required { "required" } else { "optional" }
                    ),
                ));
            }
        }
        for (status, response) in op
            .get("responses")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let response = resolve(doc, response);
            let body = response
                .get("content")
                .and_then(Value::as_object)
                .and_then(|c| c.values().next())
                .and_then(|c| c.get("schema"))
                .map(type_of)
                .unwrap_or_else(|| "no body".to_string());
            details.insert(mark(false, format!("response {status}: {body}")));
        }
        out.extend(details);
    }
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        schema_lines(name, schema, inputs.contains(name), &mut out);
    }
    let mut text = out.join("\n");
    text.push('\n');
    Ok(text)
}

/// A detail line, indented under its operation or schema, with the mark in the first column.
fn mark(breaking: bool, text: String) -> String {
    let mark = if breaking { BREAKING } else { " " };
    format!("{mark}   {text}")
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value.get(key).and_then(Value::as_str).unwrap_or("?")
}

/// What a `$ref` points to (the document was validated before: a dangling one reads as itself).
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    pointer::resolve(doc, value).unwrap_or(value)
}

/// A short spelling of a schema's type: `MeetingTime`, `string date-time`, `array<Participant>`,
/// `integer 1..=200`, `nullable string`.
fn type_of(schema: &Value) -> String {
    if let Some(target) = schema.get("$ref").and_then(Value::as_str) {
        return target.rsplit('/').next().unwrap_or(target).to_string();
    }
    let nullable = schema.get("nullable") == Some(&Value::Bool(true));
    let base = if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
        all.iter().map(type_of).collect::<Vec<_>>().join(" & ")
    } else if let Some(branches) = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array)
    {
        branches
            .iter()
            .map(|s| {
                s.get("title")
                    .and_then(Value::as_str)
                    .map(str::to_string)
                    .unwrap_or_else(|| type_of(s))
            })
            .collect::<Vec<_>>()
            .join(" | ")
    } else if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let values: Vec<String> = values.iter().map(|v| v.to_string()).collect();
        format!("enum {}", values.join(", "))
    } else {
        let kind = schema.get("type").and_then(Value::as_str).unwrap_or("any");
        let mut text = match kind {
            "array" => format!(
                "array<{}>",
                type_of(schema.get("items").unwrap_or(&Value::Null))
            ),
            "object" if schema.get("properties").is_some() => "object {..}".to_string(),
            other => other.to_string(),
        };
        if let Some(format) = schema.get("format").and_then(Value::as_str) {
            text.push(' ');
            text.push_str(format);
        }
        let bound = |key: &str| schema.get(key).map(Value::to_string);
        match (bound("minimum"), bound("maximum")) {
            (Some(min), Some(max)) => text.push_str(&format!(" {min}..={max}")),
            (Some(min), None) => text.push_str(&format!(" >= {min}")),
            (None, Some(max)) => text.push_str(&format!(" <= {max}")),
            (None, None) => {}
        }
        // Bounds on lengths and counts are facts callers depend on too (a lowered maximum breaks them).
        for (key, what) in [
            ("minLength", "min length"),
            ("maxLength", "max length"),
            ("minItems", "min items"),
            ("maxItems", "max items"),
        ] {
            if let Some(n) = bound(key) {
                text.push_str(&format!(" ({what} {n})"));
            }
        }
        text
    };
    if nullable {
        format!("nullable {base}")
    } else {
        base
    }
}

fn schema_lines(name: &str, schema: &Value, input: bool, out: &mut Vec<String>) {
    out.push(format!("  schema {name}: {}", type_of(schema)));
    let mut lines = BTreeSet::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        for value in values {
            lines.insert(mark(false, format!("value {value}")));
        }
    }
    let branches = schema
        .get("oneOf")
        .or_else(|| schema.get("anyOf"))
        .and_then(Value::as_array);
    let mut objects = vec![(String::new(), schema)];
    for (i, branch) in branches.into_iter().flatten().enumerate() {
        let label = branch
            .get("title")
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| i.to_string());
        objects.push((format!("{label}."), branch));
    }
    for (prefix, object) in objects {
        let required: BTreeSet<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        for (field, field_schema) in object
            .get("properties")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let is_required = required.contains(field.as_str());
            lines.insert(mark(
                input && is_required,
                format!(
                    "field {prefix}{field}: {}, {}",
                    type_of(field_schema),
                    if is_required { "required" } else { "optional" }
                ),
            ));
        }
    }
    out.extend(lines);
}

/// Names of the component schemas the client sends (reachable from a request body).
pub(crate) fn input_schemas(doc: &Value) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut todo: Vec<&Value> = Vec::new();
    for (op_ptr, _, _) in walk::operations(doc) {
        if let Some(body) = doc.pointer(&join(&op_ptr, "requestBody")) {
            todo.push(resolve(doc, body));
        }
    }
    while let Some(value) = todo.pop() {
        match value {
            Value::Object(map) => {
                if let Some(target) = map.get("$ref").and_then(Value::as_str) {
                    let name = target.rsplit('/').next().unwrap_or(target).to_string();
                    if target.starts_with("#/components/schemas/")
                        && found.insert(name)
                        && let Some(schema) = target.strip_prefix('#').and_then(|p| doc.pointer(p))
                    {
                        todo.push(schema);
                    }
                }
                todo.extend(map.values());
            }
            Value::Array(items) => todo.extend(items),
            _ => {}
        }
    }
    found
}
