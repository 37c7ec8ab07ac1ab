//! What `build.rs` of `attio-meetings` does, kept here so that it is compiled and tested once.

use std::path::PathBuf;

use crate::{Options, generate_value};

/// Environment variable naming another spec to generate from (e.g. a newer copy of Attio's document).
pub const SPEC_ENV: &str = "ATTIO_MEETINGS_SPEC";

/// The spec used when [`SPEC_ENV`] is unset, relative to the package root.
pub const DEFAULT_SPEC: &str = "spec/attio-meetings.yaml";

/// The file written to `OUT_DIR` and included by the library.
pub const OUTPUT: &str = "attio_meetings.rs";

/// SHA-256 (hex) of the source generated from [`DEFAULT_SPEC`] when its snapshot was last reviewed,
/// relative to the package root.
pub const REVIEWED_HASH: &str = "spec/attio-meetings.generated.sha256";

/// The hex SHA-256 of a generated source.
pub fn source_hash(source: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(source.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

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
    let overridden = std::env::var_os(SPEC_ENV).filter(|p| !p.is_empty());
    let spec = match &overridden {
        Some(path) => {
            let path = PathBuf::from(path);
            // Cargo runs build scripts from the package's directory, not from where cargo was run, so a
            // relative path would silently mean something else.
            if path.is_relative() {
                return Err(format!(
                    "{SPEC_ENV}={} is a relative path, which the build would read from {}; give an absolute path",
                    path.display(),
                    manifest_dir.display()
                ));
            }
            // Another document (Attio's) speaks our names: the library code is written against them.
            println!("cargo:rerun-if-changed={}", ours.display());
            options.names_from = Some(crate::load::load(&ours).map_err(|e| e.to_string())?);
            path
        }
        None => ours.clone(),
    };
    // The spec and every document it extends (`x-attio-extends`).
    let (doc, sources) = crate::load::load_with_sources(&spec).map_err(|e| e.to_string())?;
    for source in &sources {
        println!("cargo:rerun-if-changed={}", source.display());
    }
    let generated = generate_value(doc, &options).map_err(|e| e.in_file(&spec).to_string())?;
    for line in crate::capabilities::cargo_lines(&generated.normalised) {
        println!("{line}");
    }
    for warning in &generated.warnings {
        println!("cargo:warning={}: {warning}", spec.display());
    }
    let output = out_dir.join(OUTPUT);
    match &overridden {
        Some(_) => println!(
            "cargo:warning=generated from {SPEC_ENV}={} instead of the reviewed {DEFAULT_SPEC}; the source is {} (this applies to every crate built with the variable set, dependents included)",
            spec.display(),
            output.display()
        ),
        None => {
            let reviewed_path = manifest_dir.join(REVIEWED_HASH);
            println!("cargo:rerun-if-changed={}", reviewed_path.display());
            let reviewed = std::fs::read_to_string(&reviewed_path).unwrap_or_default();
            let hash = source_hash(&generated.source);
            if reviewed.trim() != hash {
                println!(
                    "cargo:warning=the client generated from {DEFAULT_SPEC} differs from the reviewed one (sha256 {hash}, reviewed {}): the generator crates resolved for this build differ from the pinned ones, or the spec changed without a reviewed snapshot; the source is {}",
                    reviewed.trim(),
                    output.display()
                );
            }
        }
    }
    // An unchanged file keeps its mtime, so touching the spec without changing it recompiles nothing.
    if std::fs::read_to_string(&output).is_ok_and(|old| old == generated.source) {
        return Ok(());
    }
    std::fs::write(&output, generated.source)
        .map_err(|e| format!("cannot write {}: {e}", output.display()))
}
