//! Shared by the fuzz targets: the round-trip check of the response types.
//!
//! A decoded value must re-encode, and decoding the re-encoded value must give an equal value with the
//! same encoding, both through JSON text and through `serde_json::Value`.
//!
//! One difference is tolerated through JSON text: serde_json without its `float_roundtrip` feature parses
//! some floats (long mantissas, extreme exponents) up to 2 ULPs away from the nearest `f64` (2 is the worst
//! of 40 million random values measured), so a transcript time can drift a little each time it is
//! re-encoded and decoded again (`1.1888185686666665e266` decodes as `...662e266`, which decodes as
//! `...661e266`). Set `ATTIO_FUZZ_STRICT_FLOATS=1` to count that as a failure too.

use std::fmt::Debug;
use std::sync::OnceLock;

use attio_meetings::types::{
    AttioError, CallRecordingPage, CallRecordingResponse, MeetingPage, MeetingResponse,
    TranscriptPage,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How many ULPs a float may move through JSON text (serde_json's fast parser was seen off by 2).
const FLOAT_ULPS: u64 = 4;

/// Decodes `data` as every response type of the 8 operations and as the error envelope, checking each
/// value that decodes with [`check`].
pub fn check_all(data: &[u8]) {
    check::<MeetingPage>(data);
    check::<MeetingResponse>(data);
    check::<CallRecordingPage>(data);
    check::<CallRecordingResponse>(data);
    check::<TranscriptPage>(data);
    check::<AttioError>(data);
}

/// Decodes `data` as `T` the way the client's `decode()` does (plain serde_json, then path tracking only
/// after a failure); a value that decodes must round-trip. Panics on a failure.
pub fn check<T: DeserializeOwned + Serialize + PartialEq + Debug>(data: &[u8]) {
    let value: T = match serde_json::from_slice(data) {
        Ok(value) => value,
        Err(_) => {
            // What `decode()` does next to name the JSON path of the problem.
            let mut deserializer = serde_json::Deserializer::from_slice(data);
            let _ = serde_path_to_error::deserialize::<_, T>(&mut deserializer);
            return;
        }
    };
    let name = std::any::type_name::<T>();

    // Through JSON text.
    let text = serde_json::to_string(&value)
        .unwrap_or_else(|e| panic!("a decoded {name} does not encode: {e}\n{value:?}"));
    let again: T = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("a re-encoded {name} does not decode: {e}\n{text}"));
    // `DateTime<FixedOffset>` compares instants only: comparing the encodings also catches a lost offset.
    let text_again = serde_json::to_string(&again).expect("a decoded value encodes");
    if value != again || text != text_again {
        let (before, after) = (tree(&value), tree(&again));
        assert!(
            !strict_floats() && same_but_floats(&before, &after),
            "a {name} changed through JSON text:\n  before: {text}\n  after:  {text_again}"
        );
    }

    // Through `serde_json::Value`, which keeps every `f64` exactly.
    let before = tree(&value);
    let again: T = serde_json::from_value(before.clone()).unwrap_or_else(|e| {
        panic!("a re-encoded {name} does not decode from a Value: {e}\n{before}")
    });
    let after = tree(&again);
    assert!(
        value == again && before == after,
        "a {name} changed through serde_json::Value:\n  before: {before}\n  after:  {after}"
    );
}

fn tree<T: Serialize + Debug>(value: &T) -> Value {
    serde_json::to_value(value)
        .unwrap_or_else(|e| panic!("a decoded value does not encode as a Value: {e}\n{value:?}"))
}

fn strict_floats() -> bool {
    static STRICT: OnceLock<bool> = OnceLock::new();
    *STRICT.get_or_init(|| std::env::var_os("ATTIO_FUZZ_STRICT_FLOATS").is_some_and(|v| v != "0"))
}

/// Equal, except that floats may differ by [`FLOAT_ULPS`].
fn same_but_floats(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() && y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            x.is_sign_negative() == y.is_sign_negative()
                && x.to_bits().abs_diff(y.to_bits()) <= FLOAT_ULPS
        }
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same_but_floats(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((kx, x), (ky, y))| kx == ky && same_but_floats(x, y))
        }
        _ => a == b,
    }
}
