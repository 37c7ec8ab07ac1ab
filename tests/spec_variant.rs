//! Regeneration from a spec variant (`tests/fixtures/spec-variant.yaml`: our spec plus a new operation, a
//! new optional query parameter, a new response field and a new optional input field): what the generator
//! makes of each, reviewed as a snapshot. `tests/spec-variant/run.sh` (run by CI) builds a user crate against the same variant.

use std::path::PathBuf;

use attio_meetings_codegen::{Options, generate_file};
use syn::{ImplItem, Item};

fn variant() -> attio_meetings_codegen::Generated {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/spec-variant.yaml");
    generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"))
}

/// The items of module `name` of the generated file.
fn module<'a>(file: &'a syn::File, name: &str) -> &'a [Item] {
    file.items
        .iter()
        .find_map(|item| match item {
            Item::Mod(m) if m.ident == name => {
                m.content.as_ref().map(|(_, items)| items.as_slice())
            }
            _ => None,
        })
        .unwrap_or_else(|| panic!("no module {name}"))
}

fn unparse(items: Vec<Item>) -> String {
    let mut file: syn::File = syn::parse_quote!();
    file.items = items;
    prettyplease::unparse(&file)
}

#[test]
fn the_variant_adds_an_operation_a_parameter_and_fields() {
    let generated = variant();
    let file: syn::File = syn::parse_str(&generated.source).unwrap();
    let mut picked = Vec::new();

    // The new operation: its table entry (the defaults of a DELETE), its entry point and its builder.
    for item in module(&file, "operations") {
        if let Item::Const(c) = item
            && (c.ident == "DELETE_CALL_RECORDINGS" || c.ident == "ALL")
        {
            picked.push(item.clone());
        }
    }
    for item in module(&file, "api") {
        match item {
            Item::Impl(imp) if imp.trait_.is_none() => {
                let self_ty = quote::ToTokens::to_token_stream(&imp.self_ty).to_string();
                let mut imp = imp.clone();
                imp.items.retain(|i| match i {
                    ImplItem::Fn(f) => match self_ty.as_str() {
                        "Api" => f.sig.ident == "delete_call_recordings",
                        "ListMeetings" => f.sig.ident == "title_contains",
                        "DeleteCallRecordings" => true,
                        _ => false,
                    },
                    _ => false,
                });
                if !imp.items.is_empty() {
                    picked.push(Item::Impl(imp));
                }
            }
            Item::Struct(s) if s.ident == "DeleteCallRecordings" => picked.push(item.clone()),
            _ => {}
        }
    }
    // The new fields: of a response (`Meeting`) and of an input (`NewMeeting`, `#[non_exhaustive]`).
    for item in module(&file, "types") {
        if let Item::Struct(s) = item
            && (s.ident == "Meeting" || s.ident == "NewMeeting")
        {
            picked.push(item.clone());
        }
    }
    let picked = unparse(picked);
    assert!(picked.contains("pub fn delete_call_recordings(&self) -> DeleteCallRecordings"));
    assert!(picked.contains("pub fn title_contains(mut self, value: impl Into<String>) -> Self"));
    assert_eq!(
        picked
            .matches("pub location: ::std::option::Option<::std::string::String>")
            .count(),
        2,
        "{picked}"
    );
    let new_meeting = picked
        .split("pub struct NewMeeting")
        .next()
        .and_then(|before| before.rsplit("#[derive(").next())
        .unwrap_or_default();
    assert!(new_meeting.contains("#[non_exhaustive]"), "{new_meeting}");
    insta::assert_snapshot!("spec_variant", picked);

    // The review report says the same in four lines, marking none of them as breaking except the new
    // operation's header (every operation line is): the new input field is optional.
    let surface = attio_meetings_codegen::surface::surface(&generated.normalised).unwrap();
    for line in [
        "! operation delete_call_recordings: DELETE /v2/meetings/{meeting_id}/call_recordings, retry repeatable, rate write",
        "    query title_contains: string (min length 1), optional",
        "    field location: nullable string, optional",
        "    field location: string, optional",
    ] {
        assert!(surface.lines().any(|l| l == line), "{line}\n{surface}");
    }

    // The operation without declared behaviour is named in the build's warnings.
    assert_eq!(generated.warnings.len(), 2, "{:?}", generated.warnings);
    assert!(
        generated
            .warnings
            .iter()
            .all(|w| w.contains("`delete_call_recordings` (DELETE)")),
        "{:?}",
        generated.warnings
    );
}

#[test]
fn our_spec_declares_the_behaviour_of_every_operation() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("spec/attio-meetings.yaml");
    let generated = generate_file(&path, &Options::default()).unwrap_or_else(|e| panic!("{e}"));
    assert!(generated.warnings.is_empty(), "{:?}", generated.warnings);
}
