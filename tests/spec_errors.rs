//! Broken specs fail with an error naming the file and the JSON pointer of the problem, never a panic.

use std::path::PathBuf;

use attio_meetings_codegen::{Options, SpecError, generate_file};

/// A minimal valid document; each test breaks one thing in it.
const VALID: &str = r##"
openapi: 3.1.0
info: {title: t, version: "1"}
paths:
  /v2/meetings/{meeting_id}:
    get:
      parameters:
        - {name: meeting_id, in: path, required: true, schema: {type: string, format: uuid}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Thing"}
components:
  schemas:
    Thing:
      type: object
      properties:
        name: {type: [string, "null"]}
"##;

fn run(
    name: &str,
    text: &str,
) -> (
    PathBuf,
    Result<attio_meetings_codegen::Generated, SpecError>,
) {
    let dir =
        std::env::temp_dir().join(format!("attio-meetings-spec-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    let result = generate_file(&path, &Options::default());
    (path, result)
}

fn error(name: &str, text: &str) -> SpecError {
    let (path, result) = run(name, text);
    let err = result.expect_err("the broken spec was accepted");
    assert_eq!(err.file.as_deref(), Some(path.as_path()));
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}: at ", path.display())),
        "{shown}"
    );
    err
}

#[test]
fn the_valid_base_document_generates() {
    let (_, result) = run("valid.yaml", VALID);
    let generated = result.unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.source.contains("pub fn get_meeting(&self)"));
}

#[test]
fn json_documents_are_read_too() {
    let value: serde_json::Value = yaml_to_json(VALID);
    let (_, result) = run("valid.json", &serde_json::to_string(&value).unwrap());
    assert!(result.is_ok());
}

fn yaml_to_json(text: &str) -> serde_json::Value {
    attio_meetings_codegen::load::parse(text).unwrap()
}

#[test]
fn invalid_yaml_names_the_line() {
    let err = error("broken.yaml", "openapi: 3.1.0\npaths: {\n");
    assert!(err.message.contains("line"), "{err}");
}

#[test]
fn a_dangling_reference() {
    let err = error(
        "dangling.yaml",
        &VALID.replace("schemas/Thing\"", "schemas/Nothing\""),
    );
    assert_eq!(
        err.pointer,
        "/paths/~1v2~1meetings~1{meeting_id}/get/responses/200/content/application~1json/schema"
    );
}

#[test]
fn a_type_array_with_several_types() {
    let err = error(
        "types.yaml",
        &VALID.replace("[string, \"null\"]", "[string, integer]"),
    );
    assert_eq!(
        err.pointer,
        "/components/schemas/Thing/properties/name/type"
    );
}

#[test]
fn an_optional_path_parameter() {
    let err = error(
        "optional.yaml",
        &VALID.replace("in: path, required: true", "in: path, required: false"),
    );
    assert_eq!(
        err.pointer,
        "/paths/~1v2~1meetings~1{meeting_id}/get/parameters/0"
    );
}

#[test]
fn a_structurally_invalid_document() {
    let text = VALID.replace("description: ok", "description: [not, a, string]");
    let err = error("structure.yaml", &text);
    assert!(
        err.pointer
            .starts_with("/paths/~1v2~1meetings~1{meeting_id}/get/responses"),
        "{err}"
    );
}

#[test]
fn a_shape_progenitor_would_panic_on_is_an_error() {
    // A JSON response without a schema hits a `todo!` inside progenitor.
    let text = VALID.replace(
        "              schema: {$ref: \"#/components/schemas/Thing\"}\n",
        "              example: {}\n",
    );
    let err = error("no-schema.yaml", &text);
    assert!(
        err.message
            .starts_with("progenitor cannot generate this document"),
        "{err}"
    );
}

#[test]
fn a_missing_file() {
    let err = generate_file(
        &PathBuf::from("/nonexistent/spec.yaml"),
        &Options::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("/nonexistent/spec.yaml: at /: cannot read the spec"),
        "{err}"
    );
}
