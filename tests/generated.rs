//! Review of the generated code: any change of the spec, the normaliser, the generator settings or the
//! progenitor version shows up here as a snapshot diff (`cargo insta review`).

use std::path::PathBuf;

use attio_meetings_codegen::{Options, generate_file};

/// The source the library was built from.
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/attio_meetings.rs"));

fn our_spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/attio-meetings.yaml")
}

fn built_from_our_spec() -> bool {
    let overridden = option_env!("ATTIO_MEETINGS_SPEC").is_some();
    if overridden {
        eprintln!("SKIPPED: the library was built from $ATTIO_MEETINGS_SPEC, not from spec/");
    }
    !overridden
}

#[test]
fn generated_client_matches_the_snapshot() {
    if !built_from_our_spec() {
        return;
    }
    insta::assert_snapshot!("generated_client", BUILT);
}

#[test]
fn normalised_spec_matches_the_snapshot() {
    let generated =
        generate_file(&our_spec(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let pretty = serde_json::to_string_pretty(&generated.normalised).unwrap();
    insta::assert_snapshot!("normalised_spec", pretty);
}

#[test]
fn generation_is_deterministic_and_matches_the_build() {
    if !built_from_our_spec() {
        return;
    }
    let first = generate_file(&our_spec(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let second = generate_file(&our_spec(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.source, second.source);
    assert_eq!(
        first.source, BUILT,
        "the build script and the pipeline disagree"
    );
}

#[test]
fn public_surface_has_only_hand_picked_names() {
    for name in [
        "Meeting",
        "MeetingId",
        "MeetingTime",
        "Participant",
        "ParticipantStatus",
        "LinkedRecord",
        "NewLinkedRecord",
        "Actor",
        "ActorType",
        "ExternalRef",
        "ExternalId",
        "IcalRef",
        "CallRecording",
        "CallRecordingStatus",
        "Transcript",
        "TranscriptSegment",
        "Pagination",
        "AttioError",
        "NewMeeting",
        "NewParticipant",
        "NewCallRecording",
        "WebhookPayload",
        "CallRecordingCreatedEvent",
    ] {
        let declared = BUILT.contains(&format!("pub struct {name} "))
            || BUILT.contains(&format!("pub struct {name}("))
            || BUILT.contains(&format!("pub enum {name} "));
        assert!(declared, "type {name} is not generated");
    }
    for smell in ["Variant0", "ResponseData", "DataItem", "Subtype"] {
        assert!(!BUILT.contains(smell), "generated names contain `{smell}`");
    }
}
