//! Lets the `drift` tests that read Attio's document say they are skipped (ignored, with the reason)
//! instead of passing quietly: `attio_document_absent` when the document is not beside the repository,
//! never in CI (`CI` set), where it must be there, so the tests run and fail without it. The library
//! does not read the cfg. Not packaged: those tests only exist in the repository.

use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rustc-check-cfg=cfg(attio_document_absent)");
    println!("cargo:rerun-if-env-changed=CI");
    let Some(package) = std::env::var_os("CARGO_MANIFEST_DIR") else {
        return;
    };
    let document = Path::new(&package).join("../../shared/reference/attio-openapi.yaml");
    if document.is_file() {
        // Only an existing file: watching a missing one would rerun this script on every build.
        println!("cargo:rerun-if-changed={}", document.display());
    } else if std::env::var_os("CI").is_none() {
        println!("cargo:rustc-cfg=attio_document_absent");
    }
}
