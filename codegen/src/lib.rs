//! The build-time pipeline of `attio-meetings`.
//!
//! `build.rs` calls [`build::run`]; tests call the steps directly:
//!
//! 1. [`load`]: YAML or JSON file -> JSON value;
//! 2. [`normalise`]: slice the meetings family, OpenAPI 3.1 -> 3.0, name operations, one error envelope;
//! 3. [`generate`]: openapiv3 -> progenitor (types) -> syn -> [`postprocess`] -> [`calls`] (the request
//!    builders and the behaviour table, from the `x-attio-*` [`extensions`]) -> prettyplease.
//!
//! Every failure is a [`SpecError`] naming the file and the JSON pointer of the problem.

pub mod build;
pub mod calls;
pub mod capabilities;
pub mod error;
pub mod extensions;
pub mod generate;
pub mod load;
pub mod normalise;
pub mod pointer;
pub mod postprocess;
pub mod surface;

use std::path::Path;

pub use error::{Result, SpecError};
pub use normalise::Options;

/// The output of the pipeline for one document.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The 3.0 document handed to progenitor.
    pub normalised: serde_json::Value,
    /// Formatted Rust source of the client.
    pub source: String,
    /// What the build should print as warnings (e.g. operations without declared behaviour).
    pub warnings: Vec<String>,
}

/// Runs the whole pipeline on an in-memory document.
pub fn generate_value(doc: serde_json::Value, options: &Options) -> Result<Generated> {
    let mut warnings = Vec::new();
    let normalised = normalise::normalise_noting(doc, options, &mut warnings)?;
    let source = generate::generate(&normalised, &mut warnings)?;
    Ok(Generated {
        normalised,
        source,
        warnings,
    })
}

/// Runs the whole pipeline on a spec file; errors name the file.
pub fn generate_file(path: &Path, options: &Options) -> Result<Generated> {
    let doc = load::load(path)?;
    generate_value(doc, options).map_err(|e| e.in_file(path))
}
