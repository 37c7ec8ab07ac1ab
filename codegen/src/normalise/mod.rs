//! Turns an OpenAPI 3.1 document (ours, or Attio's whole one) into the 3.0 document progenitor accepts.
//!
//! Each pass is one rule, in its own module, tested on small documents:
//! [`mod@slice`] (keep one API family), [`downgrade`] (3.1 -> 3.0), [`operation_ids`] (name operations),
//! [`responses`] (one error envelope per operation).

pub mod downgrade;
pub mod operation_ids;
pub mod responses;
pub mod slice;
pub mod walk;

use serde_json::Value;

use crate::error::Result;

/// What to keep of a document.
#[derive(Debug, Clone)]
pub struct Options {
    /// Path prefixes of the API family to keep (segment-wise).
    pub path_prefixes: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            path_prefixes: vec!["/v2/meetings".to_string()],
        }
    }
}

/// Runs every pass, in order, on `doc`.
///
/// Components the 3.1 `webhooks` section references (payloads Attio sends, which no operation uses) are
/// kept like those of the paths, although the section itself is dropped by the downgrade.
pub fn normalise(mut doc: Value, options: &Options) -> Result<Value> {
    let webhook_roots = slice::webhook_roots(&doc)?;
    slice::slice(&mut doc, &options.path_prefixes, &webhook_roots)?;
    downgrade::downgrade(&mut doc)?;
    operation_ids::assign(&mut doc)?;
    responses::unify_errors(&mut doc)?;
    // The error schemas replaced by the envelope are no longer referenced.
    slice::prune_components(&mut doc, &webhook_roots)?;
    Ok(doc)
}
