//! The behaviour of each operation, as the spec declares it with `x-attio-*` vendor extensions.
//!
//! ```yaml
//! x-attio-retry: repeatable            # or `after-refusal`: only after a 429 or a request provably not sent
//! x-attio-rate-limit: read             # read | write | { class: write, per-second: 1 } (a limit of its own on top)
//! x-attio-pagination:                  # cursor pagination (optional)
//!   cursor-param: cursor               # the query parameter that takes the cursor
//!   next-cursor: /pagination/next_cursor   # JSON pointer into the response body
//!   items: /data                       # JSON pointer to the array of items in the response body
//! x-attio-found-gone-is-done: true     # a 404 after an attempt that may have been applied: that attempt did it
//! deprecated: true                     # OpenAPI's own keyword: the generated call is `#[deprecated]`
//! x-attio-deprecation: Use ... instead # its note (optional)
//! ```
//!
//! An operation without `x-attio-retry` or `x-attio-rate-limit` gets the safe default for its method
//! (GET/HEAD/PUT/DELETE repeatable, anything else only after a refusal; GET/HEAD read, anything else write)
//! and a warning naming it. A malformed extension is an error at its JSON pointer.

use serde_json::Value;

use crate::error::{Result, SpecError};
use crate::pointer::join;

/// Extension keys.
pub const RETRY: &str = "x-attio-retry";
/// Extension keys.
pub const RATE_LIMIT: &str = "x-attio-rate-limit";
/// Extension keys.
pub const PAGINATION: &str = "x-attio-pagination";
/// Extension keys.
pub const FOUND_GONE_IS_DONE: &str = "x-attio-found-gone-is-done";
/// Extension keys.
pub const DEPRECATION: &str = "x-attio-deprecation";

/// The note of a deprecated operation that declares none.
const DEFAULT_DEPRECATION: &str = "Attio deprecated this operation";

/// When a failed request may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Sending it twice has the effect of sending it once: retried after any transient failure.
    Repeatable,
    /// Retried only when Attio refused it (429) or it provably never left.
    AfterRefusal,
}

/// Which of Attio's rate limits a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateClass {
    /// The read limit.
    Read,
    /// The write limit.
    Write,
}

/// The rate limits of one operation: its class, and optionally a lower limit of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// The shared limit the operation counts against.
    pub class: RateClass,
    /// Requests per second of this operation alone, on top of its class.
    pub per_second: Option<u32>,
}

/// Where a paginated operation takes its cursor and where its answer keeps the next one and the items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pagination {
    /// The query parameter that takes the cursor.
    pub cursor_param: String,
    /// JSON pointer of the next cursor in the response body.
    pub next_cursor: String,
    /// JSON pointer of the array of items in the response body.
    pub items: String,
}

/// Everything the extensions say about one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Behaviour {
    /// The retry class.
    pub retry: Retry,
    /// The rate limits.
    pub rate_limit: RateLimit,
    /// Cursor pagination, if any.
    pub pagination: Option<Pagination>,
    /// A 404 answered after an attempt that may have been applied means that attempt did the work.
    pub found_gone_is_done: bool,
    /// The deprecation note, when the operation is `deprecated`.
    pub deprecated: Option<String>,
}

/// Reads the extensions of the operation at `op_ptr` (`method` in lowercase). Missing classes get the
/// default for the method, with a warning pushed to `warnings`.
pub fn read(
    op: &Value,
    op_ptr: &str,
    method: &str,
    operation_id: &str,
    warnings: &mut Vec<String>,
) -> Result<Behaviour> {
    let repeatable_method = matches!(method, "get" | "head" | "put" | "delete" | "options");
    let retry = match op.get(RETRY) {
        None => {
            let default = if repeatable_method {
                "repeatable"
            } else {
                "after-refusal"
            };
            warnings.push(format!(
                "operation `{operation_id}` ({}) declares no `{RETRY}`; using `{default}`",
                method.to_uppercase()
            ));
            if repeatable_method {
                Retry::Repeatable
            } else {
                Retry::AfterRefusal
            }
        }
        Some(Value::String(s)) if s == "repeatable" => Retry::Repeatable,
        Some(Value::String(s)) if s == "after-refusal" => Retry::AfterRefusal,
        Some(other) => {
            return Err(SpecError::new(
                join(op_ptr, RETRY),
                format!("must be `repeatable` or `after-refusal`, not {other}"),
            ));
        }
    };
    let rate_limit = match op.get(RATE_LIMIT) {
        None => {
            let class = if matches!(method, "get" | "head") {
                RateClass::Read
            } else {
                RateClass::Write
            };
            warnings.push(format!(
                "operation `{operation_id}` ({}) declares no `{RATE_LIMIT}`; using `{}`",
                method.to_uppercase(),
                if class == RateClass::Read {
                    "read"
                } else {
                    "write"
                }
            ));
            RateLimit {
                class,
                per_second: None,
            }
        }
        Some(value) => rate_limit(value, &join(op_ptr, RATE_LIMIT))?,
    };
    let pagination = match op.get(PAGINATION) {
        None => None,
        Some(value) => Some(pagination(value, &join(op_ptr, PAGINATION))?),
    };
    let found_gone_is_done = match op.get(FOUND_GONE_IS_DONE) {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(SpecError::new(
                join(op_ptr, FOUND_GONE_IS_DONE),
                format!("must be true or false, not {other}"),
            ));
        }
    };
    let deprecated = match (op.get("deprecated"), op.get(DEPRECATION)) {
        (None | Some(Value::Bool(false)), None) => None,
        // A note without the mark: the document does not deprecate the operation (Attio's older ones,
        // which take our extensions by adoption), so neither does the client.
        (None | Some(Value::Bool(false)), Some(_)) => {
            warnings.push(format!(
                "operation `{operation_id}`: `{DEPRECATION}` ignored, the operation is not `deprecated`"
            ));
            None
        }
        (Some(Value::Bool(true)), None) => Some(DEFAULT_DEPRECATION.to_string()),
        (Some(Value::Bool(true)), Some(Value::String(note))) if !note.trim().is_empty() => {
            Some(note.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        (Some(Value::Bool(true)), Some(other)) => {
            return Err(SpecError::new(
                join(op_ptr, DEPRECATION),
                format!("must be a non-empty string, not {other}"),
            ));
        }
        (Some(other), _) => {
            return Err(SpecError::new(
                join(op_ptr, "deprecated"),
                format!("must be true or false, not {other}"),
            ));
        }
    };
    Ok(Behaviour {
        retry,
        rate_limit,
        pagination,
        found_gone_is_done,
        deprecated,
    })
}

fn rate_class(value: &Value, ptr: &str) -> Result<RateClass> {
    match value.as_str() {
        Some("read") => Ok(RateClass::Read),
        Some("write") => Ok(RateClass::Write),
        _ => Err(SpecError::new(
            ptr,
            format!("must be `read` or `write`, not {value}"),
        )),
    }
}

fn rate_limit(value: &Value, ptr: &str) -> Result<RateLimit> {
    if value.is_string() {
        return Ok(RateLimit {
            class: rate_class(value, ptr)?,
            per_second: None,
        });
    }
    let Some(object) = value.as_object() else {
        return Err(SpecError::new(
            ptr,
            format!("must be `read`, `write` or {{ class, per-second }}, not {value}"),
        ));
    };
    if let Some(unknown) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "class" | "per-second"))
    {
        return Err(SpecError::new(
            join(ptr, unknown),
            "unknown key (expected `class` and `per-second`)",
        ));
    }
    let class_ptr = join(ptr, "class");
    let class = rate_class(
        object
            .get("class")
            .ok_or_else(|| SpecError::new(&class_ptr, "is required"))?,
        &class_ptr,
    )?;
    let per_second = match object.get("per-second") {
        None => None,
        Some(n) => Some(
            n.as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    SpecError::new(
                        join(ptr, "per-second"),
                        format!("must be a whole number of requests of at least 1, not {n}"),
                    )
                })?,
        ),
    };
    Ok(RateLimit { class, per_second })
}

fn pagination(value: &Value, ptr: &str) -> Result<Pagination> {
    let Some(object) = value.as_object() else {
        return Err(SpecError::new(
            ptr,
            "must be an object with `cursor-param`, `next-cursor` and `items`",
        ));
    };
    if let Some(unknown) = object
        .keys()
        .find(|k| !matches!(k.as_str(), "cursor-param" | "next-cursor" | "items"))
    {
        return Err(SpecError::new(
            join(ptr, unknown),
            "unknown key (expected `cursor-param`, `next-cursor` and `items`)",
        ));
    }
    let text = |key: &str, pointer: bool| -> Result<String> {
        let at = join(ptr, key);
        let value = object
            .get(key)
            .ok_or_else(|| SpecError::new(&at, "is required"))?;
        let text = value.as_str().filter(|s| !s.is_empty()).ok_or_else(|| {
            SpecError::new(&at, format!("must be a non-empty string, not {value}"))
        })?;
        if pointer && !text.starts_with('/') {
            return Err(SpecError::new(
                &at,
                format!(
                    "must be a JSON pointer into the response body such as `/data`, not `{text}`"
                ),
            ));
        }
        Ok(text.to_string())
    };
    Ok(Pagination {
        cursor_param: text("cursor-param", false)?,
        next_cursor: text("next-cursor", true)?,
        items: text("items", true)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_op(op: Value, method: &str) -> (Result<Behaviour>, Vec<String>) {
        let mut warnings = Vec::new();
        let result = read(&op, "/paths/~1x/get", method, "x", &mut warnings);
        (result, warnings)
    }

    #[test]
    fn declared_behaviour_is_read() {
        let (behaviour, warnings) = read_op(
            json!({
                "x-attio-retry": "after-refusal",
                "x-attio-rate-limit": {"class": "write", "per-second": 1},
                "x-attio-pagination": {"cursor-param": "cursor", "next-cursor": "/pagination/next_cursor", "items": "/data"}
            }),
            "post",
        );
        assert!(warnings.is_empty());
        let behaviour = behaviour.unwrap();
        assert_eq!(behaviour.retry, Retry::AfterRefusal);
        assert_eq!(
            behaviour.rate_limit,
            RateLimit {
                class: RateClass::Write,
                per_second: Some(1)
            }
        );
        assert_eq!(behaviour.pagination.unwrap().items, "/data");
        assert!(!behaviour.found_gone_is_done);
        assert_eq!(behaviour.deprecated, None);
    }

    #[test]
    fn gone_is_done_and_deprecation_are_read() {
        let (behaviour, _) = read_op(
            json!({
                "x-attio-found-gone-is-done": true,
                "deprecated": true,
                "x-attio-deprecation": "Use\n  get_call_recording."
            }),
            "delete",
        );
        let behaviour = behaviour.unwrap();
        assert!(behaviour.found_gone_is_done);
        assert_eq!(
            behaviour.deprecated.as_deref(),
            Some("Use get_call_recording.")
        );
        let (behaviour, warnings) = read_op(
            json!({"x-attio-deprecation": "Use y.", "x-attio-retry": "repeatable", "x-attio-rate-limit": "read"}),
            "get",
        );
        assert_eq!(behaviour.unwrap().deprecated, None);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let (behaviour, _) = read_op(json!({"deprecated": true}), "get");
        assert_eq!(
            behaviour.unwrap().deprecated.as_deref(),
            Some(DEFAULT_DEPRECATION)
        );
    }

    #[test]
    fn missing_classes_default_by_method_with_a_warning() {
        for (method, retry, class) in [
            ("get", Retry::Repeatable, RateClass::Read),
            ("delete", Retry::Repeatable, RateClass::Write),
            ("put", Retry::Repeatable, RateClass::Write),
            ("post", Retry::AfterRefusal, RateClass::Write),
            ("patch", Retry::AfterRefusal, RateClass::Write),
        ] {
            let (behaviour, warnings) = read_op(json!({}), method);
            let behaviour = behaviour.unwrap();
            assert_eq!(
                (behaviour.retry, behaviour.rate_limit.class),
                (retry, class)
            );
            assert_eq!(warnings.len(), 2, "{warnings:?}");
            assert!(warnings.iter().all(|w| w.contains("`x`")));
        }
    }

    #[test]
    fn malformed_extensions_are_located() {
        let cases = [
            (
                json!({"x-attio-retry": "sometimes"}),
                "/paths/~1x/get/x-attio-retry",
            ),
            (
                json!({"x-attio-rate-limit": "fast"}),
                "/paths/~1x/get/x-attio-rate-limit",
            ),
            (
                json!({"x-attio-rate-limit": {"class": "write", "per-second": 0}}),
                "/paths/~1x/get/x-attio-rate-limit/per-second",
            ),
            (
                json!({"x-attio-rate-limit": {"per-second": 2}}),
                "/paths/~1x/get/x-attio-rate-limit/class",
            ),
            (
                json!({"x-attio-pagination": {"cursor-param": "c", "next-cursor": "next", "items": "/data"}}),
                "/paths/~1x/get/x-attio-pagination/next-cursor",
            ),
            (
                json!({"x-attio-pagination": {"cursor-param": "c", "next-cursor": "/n", "items": "/d", "size": 1}}),
                "/paths/~1x/get/x-attio-pagination/size",
            ),
            (
                json!({"x-attio-found-gone-is-done": "yes"}),
                "/paths/~1x/get/x-attio-found-gone-is-done",
            ),
            (
                json!({"deprecated": true, "x-attio-deprecation": ""}),
                "/paths/~1x/get/x-attio-deprecation",
            ),
        ];
        for (op, pointer) in cases {
            let (result, _) = read_op(op.clone(), "get");
            assert_eq!(result.unwrap_err().pointer, pointer, "{op}");
        }
    }
}
