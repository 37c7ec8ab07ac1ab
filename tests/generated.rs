//! Review of the generated code: any change of the spec, the normaliser, the generator settings or the
//! progenitor version shows up here as a snapshot diff (`cargo insta review`).

use std::path::PathBuf;

use attio_meetings_codegen::{Options, generate_file};

/// The source the library was built from.
const BUILT: &str = include_str!(concat!(env!("OUT_DIR"), "/attio_meetings.rs"));

fn our_spec() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/attio-meetings.yaml")
}

#[test]
#[cfg_attr(
    attio_meetings_spec_override,
    ignore = "the library was generated from $ATTIO_MEETINGS_SPEC, not from spec/"
)]
fn generated_client_matches_the_snapshot() {
    insta::assert_snapshot!("generated_client", BUILT);
}

/// The build warns when what it generates from spec/ is not what was reviewed (e.g. a user's build resolved
/// other generator crates); this keeps the reviewed hash in step with the snapshot. After reviewing a
/// changed snapshot, `ATTIO_ACCEPT_GENERATED=1 cargo test --test generated` records the new hash.
#[test]
#[cfg_attr(
    attio_meetings_spec_override,
    ignore = "the library was generated from $ATTIO_MEETINGS_SPEC, not from spec/"
)]
fn the_reviewed_hash_is_the_snapshot_s() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(attio_meetings_codegen::build::REVIEWED_HASH);
    let hash = attio_meetings_codegen::build::source_hash(BUILT);
    if std::env::var_os("ATTIO_ACCEPT_GENERATED").is_some() {
        std::fs::write(&path, format!("{hash}\n")).unwrap();
    }
    let reviewed = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        reviewed.trim(),
        hash,
        "{} is not the hash of the generated source; after reviewing the snapshot, run \
         `ATTIO_ACCEPT_GENERATED=1 cargo test --test generated`",
        path.display()
    );
}

#[test]
fn normalised_spec_matches_the_snapshot() {
    let generated =
        generate_file(&our_spec(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let pretty = serde_json::to_string_pretty(&generated.normalised).unwrap();
    insta::assert_snapshot!("normalised_spec", pretty);
}

/// The review report of a spec update: read this snapshot's diff first (see codegen/src/surface.rs).
#[test]
fn api_surface_matches_the_snapshot() {
    let generated =
        generate_file(&our_spec(), &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    let surface = attio_meetings_codegen::surface::surface(&generated.normalised)
        .unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!("api_surface", surface);
}

#[test]
#[cfg_attr(
    attio_meetings_spec_override,
    ignore = "the library was generated from $ATTIO_MEETINGS_SPEC, not from spec/"
)]
fn generation_is_deterministic_and_matches_the_build() {
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
        "CallRecording",
        "CallRecordingDetails",
        "RecordingTranscript",
        "NewTranscriptSegment",
        "NewSpeaker",
        "LinkedRecordsUpdate",
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
    // typify's builders are documented (it emits them bare).
    assert!(BUILT.contains("/// Sets [`NewMeeting::title`](super::NewMeeting::title)."));
    assert!(BUILT.contains("/// Builder of [`super::NewMeeting`]"));
    for smell in ["Variant0", "ResponseData", "DataItem", "Subtype"] {
        assert!(!BUILT.contains(smell), "generated names contain `{smell}`");
    }
}
