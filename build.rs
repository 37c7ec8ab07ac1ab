//! Generates the client from `spec/` (or `$ATTIO_MEETINGS_SPEC`) into `$OUT_DIR`; see the codegen crate.

fn main() {
    if let Err(message) = attio_meetings_codegen::build::run() {
        eprintln!("error: cannot generate the Attio meetings client: {message}");
        std::process::exit(1);
    }
    test_cfgs();
}

/// Lets tests say they are skipped (ignored, with the reason) instead of passing quietly:
/// `attio_meetings_spec_override` when the library is generated from `$ATTIO_MEETINGS_SPEC` (the snapshot
/// tests do not apply), `attio_document_absent` when Attio's document is not beside the repository (never
/// in CI, where it must be there: the test then runs and fails).
fn test_cfgs() {
    println!("cargo:rustc-check-cfg=cfg(attio_meetings_spec_override)");
    println!("cargo:rustc-check-cfg=cfg(attio_document_absent)");
    println!("cargo:rerun-if-env-changed=CI");
    if std::env::var_os("ATTIO_MEETINGS_SPEC").is_some_and(|p| !p.is_empty()) {
        println!("cargo:rustc-cfg=attio_meetings_spec_override");
    }
    let Some(package) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return;
    };
    let document = std::path::Path::new(&package).join("../shared/reference/attio-openapi.yaml");
    if document.is_file() {
        // Only an existing file: watching a missing one would rerun this script on every build.
        println!("cargo:rerun-if-changed={}", document.display());
    } else if std::env::var_os("CI").is_none() {
        println!("cargo:rustc-cfg=attio_document_absent");
    }
}
