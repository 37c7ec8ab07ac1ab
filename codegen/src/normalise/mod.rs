//! Turns an OpenAPI 3.1 document (ours, or Attio's whole one) into the 3.0 document progenitor accepts.
//!
//! Each pass is one rule, in its own module, tested on small documents:
//! [`mod@slice`] (keep one API family), [`downgrade`] (3.1 -> 3.0), [`operation_ids`] (name operations),
//! [`responses`] (one error envelope per operation); with [`Options::names_from`], [`adopt`] (our formats
//! and names on another document) runs right after slicing.

pub mod adopt;
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
    /// A raw (3.1) spec whose operationIds, `x-attio-*` extensions and schema names are given to the
    /// document (see [`adopt`]); `None` keeps the document's own (or derived) names.
    pub names_from: Option<Value>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            path_prefixes: vec!["/v2/meetings".to_string()],
            names_from: None,
        }
    }
}

/// Runs every pass, in order, on `doc`.
///
/// Components the 3.1 `webhooks` section references (payloads Attio sends, which no operation uses) are
/// kept like those of the paths, although the section itself is dropped by the downgrade.
pub fn normalise(doc: Value, options: &Options) -> Result<Value> {
    normalise_noting(doc, options, &mut Vec::new())
}

/// [`normalise`], pushing to `notes` what the build should tell (e.g. copies [`adopt`] kept apart).
pub fn normalise_noting(
    mut doc: Value,
    options: &Options,
    notes: &mut Vec<String>,
) -> Result<Value> {
    let webhook_roots = slice::webhook_roots(&doc)?;
    slice::slice(&mut doc, &options.path_prefixes, &webhook_roots)?;
    if let Some(ours) = &options.names_from {
        adopt::adopt_noting(&mut doc, ours, notes)?;
    }
    // Adopting may bring webhooks (and their payloads) from our spec.
    let webhook_roots = slice::webhook_roots(&doc)?;
    downgrade::downgrade(&mut doc)?;
    operation_ids::assign(&mut doc)?;
    responses::unify_errors(&mut doc)?;
    // The error schemas replaced by the envelope are no longer referenced.
    slice::prune_components(&mut doc, &webhook_roots)?;
    Ok(doc)
}
