//! `attio-meetings-codegen drift` on Attio's whole published document of 2026-03-02.
//!
//! The document lives beside the repository (`../shared/reference/attio-openapi.yaml` from the workspace
//! root); where it is absent the tests that read it show as ignored with the reason (the build script sets
//! `attio_document_absent`). In CI (`CI` set) they always run, and fail if the document is missing. They
//! are not packaged (see Cargo.toml).
//!
//! Our spec was written to match that document before the update to Attio's API of 2026-10 (commit
//! 7a827aa, kept as `tests/fixtures/attio-meetings-2026-03.yaml`: a packaged crate, or a shallow clone,
//! has no git history to read it from): against it there is no drift. The current spec describes what
//! Attio changed since, which the March document does not say: drift.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn attio_document() -> PathBuf {
    let path = manifest_dir().join("../../shared/reference/attio-openapi.yaml");
    assert!(
        path.is_file(),
        "{} is absent: Attio's document must be beside the repository",
        path.display()
    );
    path
}

fn drift(args: &[&Path]) -> (Output, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_attio-meetings-codegen"))
        .arg("drift")
        .args(args)
        // `--spec` defaults to a path relative to the current directory: the workspace root.
        .current_dir(manifest_dir().join(".."))
        .output()
        .expect("the binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    (output, stdout)
}

#[test]
#[cfg_attr(
    attio_document_absent,
    ignore = "../shared/reference/attio-openapi.yaml is absent (it ships beside this repository only)"
)]
fn the_spec_written_for_the_march_document_has_no_drift_from_it() {
    let old = manifest_dir().join("tests/fixtures/attio-meetings-2026-03.yaml");
    let (output, stdout) = drift(&[&attio_document(), Path::new("--spec"), &old]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("\nNo drift: 8 operations compared."),
        "{stdout}"
    );
    // What is listed is our refinement only: the page size Attio states in words.
    for line in stdout.lines().filter(|l| l.starts_with("  ")) {
        assert!(line.contains("[refinement, not counted:"), "{line}");
    }
}

#[test]
#[cfg_attr(
    attio_document_absent,
    ignore = "../shared/reference/attio-openapi.yaml is absent (it ships beside this repository only)"
)]
fn the_current_spec_drifts_from_the_march_document() {
    // The default spec: spec/attio-meetings.yaml of the workspace.
    let (output, stdout) = drift(&[&attio_document()]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stdout}{stderr}");
    let section = |header: &str| -> Vec<&str> {
        stdout
            .split("\n\n")
            .find(|block| block.starts_with(header))
            .unwrap_or_else(|| panic!("no section {header} in\n{stdout}"))
            .lines()
            .skip(1)
            .collect()
    };
    let create = section("create_meeting: POST /v2/meetings\n");
    // The reference Attio dropped in 2026-07, and the participant's email it no longer requires.
    assert!(
        create.contains(
            &"  + attio    /requestBody/data/external_ref  field: Attio required anyOf(string (minLength 1) | object {..}), ours absent"
        ),
        "{stdout}"
    );
    assert!(
        create.contains(
            &"  ~ differs  /requestBody/data/participants/items/email_address  required: Attio yes, ours no"
        ),
        "{stdout}"
    );
    assert!(
        create.iter().any(
            |l| l.starts_with("  - ours     /requestBody/data/participants/items/name  field:")
        ),
        "{stdout}"
    );
    // The operations of 2026-10, which the March document lacks.
    for header in [
        "replace_meeting_linked_records: PUT /v2/meetings/{meeting_id}\n",
        "append_meeting_linked_records: PATCH /v2/meetings/{meeting_id}\n",
        "delete_meeting: DELETE /v2/meetings/{meeting_id}\n",
    ] {
        let lines = section(header);
        assert!(
            lines[0].starts_with("  - ours     /  operation: Attio absent"),
            "{lines:?}"
        );
    }
    assert!(stdout.contains("\nDrift: "), "{stdout}");
}

#[test]
#[cfg_attr(
    attio_document_absent,
    ignore = "../shared/reference/attio-openapi.yaml is absent (it ships beside this repository only)"
)]
fn a_json_copy_of_the_document_reads_the_same() {
    // JSON is YAML: the same document as JSON gives the same report (save the file name).
    let yaml = attio_document();
    let doc = attio_meetings_codegen::load::load(&yaml).unwrap_or_else(|e| panic!("{e}"));
    let json = std::env::temp_dir().join(format!("attio-drift-{}.json", std::process::id()));
    std::fs::write(
        &json,
        serde_json::to_string(&doc).expect("a JSON value serialises"),
    )
    .expect("the temporary directory is writable");
    let (from_json, json_out) = drift(&[&json]);
    let _ = std::fs::remove_file(&json);
    let (from_yaml, yaml_out) = drift(&[&yaml]);
    assert_eq!(from_json.status.code(), from_yaml.status.code());
    let body = |s: &str| s.split_once('\n').map(|(_, rest)| rest.to_string());
    assert_eq!(body(&json_out), body(&yaml_out));
}

#[test]
fn an_unreadable_document_is_exit_2_naming_the_file_and_the_pointer() {
    let dir = std::env::temp_dir().join(format!("attio-drift-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("the temporary directory is writable");
    let bad = dir.join("attio.yaml");
    std::fs::write(
        &bad,
        "openapi: 3.1.0\npaths:\n  /v2/meetings:\n    get:\n      responses:\n        '200': {content: {application/json: {schema: {$ref: '#/components/schemas/gone'}}}}\n",
    )
    .expect("the temporary directory is writable");
    let (output, _) = drift(&[&bad]);
    let missing = drift(&[&dir.join("missing.yaml")]).0;
    let _ = std::fs::remove_dir_all(&dir);

    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&bad.display().to_string()), "{stderr}");
    assert!(
        stderr.contains("at /paths/~1v2~1meetings/get/responses/200/content/application~1json/schema: `$ref: #/components/schemas/gone` points to nothing"),
        "{stderr}"
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("missing.yaml"));
}

#[test]
fn usage_errors_are_exit_2_and_help_is_exit_0() {
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_attio-meetings-codegen"))
            .args(args)
            .output()
            .expect("the binary runs")
    };
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&help.stdout).contains("Exit status: 0 no drift, 1 drift"));
    for args in [&["drift"][..], &["drift", "a", "--frobnicate"][..], &[][..]] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
}
