//! Arbitrary bytes decoded into every response type of the 8 operations and into the error envelope,
//! the way the client's `decode()` does it: plain serde_json, then path tracking only after a failure.
//!
//! Properties (see `src/lib.rs`): decoding never panics; a value that decodes re-encodes, and decoding
//! the re-encoded value gives an equal value with the same encoding, through JSON text and through
//! `serde_json::Value`.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| attio_meetings_fuzz::check_all(data));
