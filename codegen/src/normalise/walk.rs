//! Where schemas live in an OpenAPI document, and how to visit each of them.

use serde_json::Value;

use crate::pointer::join;

/// The HTTP methods an OpenAPI path item may hold.
pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Pointers to every operation: `(pointer, path, method)`.
pub fn operations(doc: &Value) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return out;
    };
    for (path, item) in paths {
        for method in METHODS {
            if item.get(method).is_some_and(Value::is_object) {
                out.push((
                    join(&join("/paths", path), method),
                    path.clone(),
                    method.to_string(),
                ));
            }
        }
    }
    out
}

/// Pointers to the root schema of every place a document may hold one (components, parameters, bodies,
/// responses and headers, in components and in operations).
pub fn schema_roots(doc: &Value) -> Vec<String> {
    let mut roots = Vec::new();
    let components = doc.get("components");
    let each = |kind: &str| -> Vec<(String, &Value)> {
        let base = join("/components", kind);
        components
            .and_then(|c| c.get(kind))
            .and_then(Value::as_object)
            .map(|m| m.iter().map(|(k, v)| (join(&base, k), v)).collect())
            .unwrap_or_default()
    };
    for (ptr, _) in each("schemas") {
        roots.push(ptr);
    }
    for (ptr, param) in each("parameters").into_iter().chain(each("headers")) {
        parameter_like(param, &ptr, &mut roots);
    }
    for (ptr, body) in each("requestBodies") {
        content(body, &ptr, &mut roots);
    }
    for (ptr, response) in each("responses") {
        response_schemas(response, &ptr, &mut roots);
    }
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let item_ptr = join("/paths", path);
            parameters(item, &item_ptr, &mut roots);
        }
    }
    for (op_ptr, _, _) in operations(doc) {
        let Some(op) = doc.pointer(&op_ptr) else {
            continue;
        };
        parameters(op, &op_ptr, &mut roots);
        if let Some(body) = op.get("requestBody") {
            content(body, &join(&op_ptr, "requestBody"), &mut roots);
        }
        if let Some(responses) = op.get("responses").and_then(Value::as_object) {
            let base = join(&op_ptr, "responses");
            for (code, response) in responses {
                response_schemas(response, &join(&base, code), &mut roots);
            }
        }
    }
    roots
}

fn parameters(owner: &Value, ptr: &str, roots: &mut Vec<String>) {
    if let Some(list) = owner.get("parameters").and_then(Value::as_array) {
        let base = join(ptr, "parameters");
        for (i, param) in list.iter().enumerate() {
            parameter_like(param, &join(&base, &i.to_string()), roots);
        }
    }
}

fn parameter_like(param: &Value, ptr: &str, roots: &mut Vec<String>) {
    if param.get("schema").is_some() {
        roots.push(join(ptr, "schema"));
    }
    content(param, ptr, roots);
}

fn response_schemas(response: &Value, ptr: &str, roots: &mut Vec<String>) {
    content(response, ptr, roots);
    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
        let base = join(ptr, "headers");
        for (name, header) in headers {
            parameter_like(header, &join(&base, name), roots);
        }
    }
}

fn content(owner: &Value, ptr: &str, roots: &mut Vec<String>) {
    if let Some(media) = owner.get("content").and_then(Value::as_object) {
        let base = join(ptr, "content");
        for (mime, media_type) in media {
            if media_type.get("schema").is_some() {
                roots.push(join(&join(&base, mime), "schema"));
            }
        }
    }
}

/// Every `$ref` string under `value`, with the pointer of the object holding it.
pub fn refs(value: &Value, ptr: &str, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                match (key.as_str(), child) {
                    ("$ref", Value::String(target)) => out.push((ptr.to_string(), target.clone())),
                    _ => refs(child, &join(ptr, key), out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, &join(ptr, &i.to_string()), out);
            }
        }
        _ => {}
    }
}
