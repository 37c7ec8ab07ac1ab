//! What `build.rs` of `attio-meetings` does, kept here so that it is compiled and tested once.

use std::path::PathBuf;

use crate::{Options, generate_file};

/// Environment variable naming another spec to generate from (e.g. a newer copy of Attio's document).
pub const SPEC_ENV: &str = "ATTIO_MEETINGS_SPEC";

/// The spec used when [`SPEC_ENV`] is unset, relative to the package root.
pub const DEFAULT_SPEC: &str = "spec/attio-meetings.yaml";

/// The file written to `OUT_DIR` and included by the library.
pub const OUTPUT: &str = "attio_meetings.rs";

/// Generates `$OUT_DIR/attio_meetings.rs` and tells Cargo when to do it again. The error, if any, is
/// ready to print: it names the file and the JSON pointer of the problem.
pub fn run() -> Result<(), String> {
    let var = |name: &str| {
        std::env::var_os(name).ok_or_else(|| format!("{name} is not set; run through Cargo"))
    };
    let manifest_dir = PathBuf::from(var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(var("OUT_DIR")?);

    println!("cargo:rerun-if-env-changed={SPEC_ENV}");
    let ours = manifest_dir.join(DEFAULT_SPEC);
    let mut options = Options::default();
    let spec = match std::env::var_os(SPEC_ENV) {
        Some(path) => {
            // Another document (Attio's) speaks our names: the library code is written against them.
            println!("cargo:rerun-if-changed={}", ours.display());
            options.names_from = Some(crate::load::load(&ours).map_err(|e| e.to_string())?);
            manifest_dir.join(path)
        }
        None => ours,
    };
    println!("cargo:rerun-if-changed={}", spec.display());

    let generated = generate_file(&spec, &options).map_err(|e| e.to_string())?;
    for warning in &generated.warnings {
        println!("cargo:warning={}: {warning}", spec.display());
    }
    let output = out_dir.join(OUTPUT);
    // An unchanged file keeps its mtime, so touching the spec without changing it recompiles nothing.
    if std::fs::read_to_string(&output).is_ok_and(|old| old == generated.source) {
        return Ok(());
    }
    std::fs::write(&output, generated.source)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))
}
