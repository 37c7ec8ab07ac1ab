//! What a generated client offers, as `cfg`s for the hand-written code around it.
//!
//! The library is also generated from other documents (Attio's whole one, which may be older than our spec).
//! Hand-written code that needs an operation or a field the document may lack is compiled only where the
//! generated client has it: `#[cfg(attio_operation = "delete_meeting")]`,
//! `#[cfg(attio_field = "NewParticipant.name")]`. The build script prints these from the normalised
//! document, so what the spec says is still said once, there.

use serde_json::Value;

use crate::normalise::walk;

/// The `cfg` naming an operation of the generated client by its operationId.
pub const OPERATION: &str = "attio_operation";
/// The `cfg` naming a property of a generated type, as `Schema.property`.
pub const FIELD: &str = "attio_field";

/// The `cargo:` lines declaring the two `cfg`s and setting one per operation and schema property of
/// `normalised`.
pub fn cargo_lines(normalised: &Value) -> Vec<String> {
    let mut lines = vec![
        format!("cargo:rustc-check-cfg=cfg({OPERATION}, values(any()))"),
        format!("cargo:rustc-check-cfg=cfg({FIELD}, values(any()))"),
    ];
    for (op_ptr, _, _) in walk::operations(normalised) {
        if let Some(id) = normalised
            .pointer(&op_ptr)
            .and_then(|op| op.get("operationId"))
            .and_then(Value::as_str)
        {
            lines.push(format!("cargo:rustc-cfg={OPERATION}=\"{}\"", escape(id)));
        }
    }
    let schemas = normalised
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    for (name, schema) in schemas.into_iter().flatten() {
        let properties = schema.get("properties").and_then(Value::as_object);
        for property in properties.into_iter().flatten().map(|(key, _)| key) {
            lines.push(format!(
                "cargo:rustc-cfg={FIELD}=\"{}.{}\"",
                escape(name),
                escape(property)
            ));
        }
    }
    lines
}

/// A `cfg` value is a Rust string literal: quotes and backslashes escaped, nothing on another line.
fn escape(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control())
        .flat_map(|c| match c {
            '"' | '\\' => vec!['\\', c],
            c => vec![c],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn operations_and_fields_become_cfgs() {
        let doc = json!({
            "paths": {"/v2/x": {"get": {"operationId": "get_x"}, "delete": {"operationId": "delete_x"}}},
            "components": {"schemas": {
                "X": {"type": "object", "properties": {"name": {}, "say \"hi\"": {}}},
                "E": {"type": "string", "enum": ["a"]}
            }}
        });
        let lines = cargo_lines(&doc);
        for expected in [
            "cargo:rustc-check-cfg=cfg(attio_operation, values(any()))",
            "cargo:rustc-cfg=attio_operation=\"get_x\"",
            "cargo:rustc-cfg=attio_operation=\"delete_x\"",
            "cargo:rustc-cfg=attio_field=\"X.name\"",
            "cargo:rustc-cfg=attio_field=\"X.say \\\"hi\\\"\"",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "{expected} in {lines:#?}"
            );
        }
        assert_eq!(lines.len(), 6);
    }
}
