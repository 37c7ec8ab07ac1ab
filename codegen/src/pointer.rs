//! RFC 6901 JSON pointers: building them while walking a document, and following them.

use serde_json::Value;

/// Escapes one reference token (`~` -> `~0`, `/` -> `~1`).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends one token to a pointer.
pub fn join(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape(token))
}

/// The pointer of a local `$ref` (`#/components/schemas/X` -> `/components/schemas/X`), or `None` for
/// references to other documents, which the pipeline does not follow.
pub fn of_local_ref(reference: &str) -> Option<&str> {
    reference.strip_prefix('#')
}

/// Follows `pointer` into `doc`.
pub fn get<'a>(doc: &'a Value, pointer: &str) -> Option<&'a Value> {
    doc.pointer(pointer)
}

/// `value` itself, or what its local `$ref` points to (`None` when that is nothing).
pub fn resolve<'a>(doc: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(target) => doc.pointer(of_local_ref(target)?),
        None => Some(value),
    }
}
