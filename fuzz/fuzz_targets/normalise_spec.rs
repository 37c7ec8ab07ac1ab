//! Arbitrary bytes as a spec: `load::parse` (YAML or JSON), then `normalise`, and for small documents
//! that normalise, the whole pipeline with progenitor (`generate_value`). Every step must return an
//! error, never panic; progenitor's own panics are caught inside `generate` and must not escape.

#![no_main]

use attio_meetings_codegen::{Options, generate_value, load, normalise};
use libfuzzer_sys::fuzz_target;

/// Documents up to this size also go through progenitor, which costs milliseconds per run.
const GENERATE_MAX_LEN: usize = 4096;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(doc) = load::parse(text) else {
        return;
    };
    let options = Options::default();
    if normalise::normalise(doc.clone(), &options).is_ok() && data.len() <= GENERATE_MAX_LEN {
        let _ = generate_value(doc, &options);
    }
});
