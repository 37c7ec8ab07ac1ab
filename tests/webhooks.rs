//! `webhooks::verify` against signatures computed by an independent implementation, and the payload
//! parser on any input.
//!
//! The signatures below were computed once with Python's `hmac` module (the empty-body one also with
//! OpenSSL), not with this crate:
//!
//! ```text
//! python3 -c 'import hmac,hashlib,sys; print(hmac.new(KEY, BODY, hashlib.sha256).hexdigest())'
//!   with KEY = SECRET (or OTHER_SECRET) and BODY each body constant of this file, as bytes;
//!   the 1 MiB body is built by `big_body()` (Python: PRE + b"attio" * ((1048576 - len(PRE) - 2) // 5),
//!   padded with b"x" to 1048576 - 2 bytes, then b'"}').
//! printf '' | openssl dgst -sha256 -hmac whsec_attio_meetings_test_0001
//!   SHA2-256(stdin)= 26c36f3e340c4f9169fb6fe969ed13c2108e3be90185f1b8dfd8594889d65948
//! ```

use attio_meetings::types::ActorType;
use attio_meetings::webhooks::{self, WebhookError, WebhookEvent, WebhookSecret};
use http::{HeaderMap, HeaderValue};
use proptest::prelude::*;
use uuid::Uuid;

const SECRET: &str = "whsec_attio_meetings_test_0001";
const OTHER_SECRET: &str = "whsec_some_other_webhook";

const ONE: &[u8] = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":"call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","meeting_id":"cb59ab17-ad15-460c-a126-0715617c0853","call_recording_id":"5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"},"actor":{"type":"workspace-member","id":"50cf242c-7fa3-4cad-87d0-75b1af71c57b"}}]}"#;
/// HMAC(SECRET, ONE).
const ONE_SIG: &str = "4734f63337f9de3a494a91db520f190139d77576c50564252e9337ebd5e13de5";
/// HMAC(OTHER_SECRET, ONE).
const ONE_OTHER_SIG: &str = "14cf1815cdffeec28a3677933b3a5c742d40e653eb75cadd46d54e2148d01952";
/// HMAC(SECRET, ONE with byte 100 XOR 1): what a forger who changed that byte would have to send.
const ONE_TAMPERED_SIG: &str = "9362fef0fdb8ab2eed39d923cb3f7ee5fbd22a4419027831e141eaad4339759d";
/// HMAC(SECRET, "").
const EMPTY_SIG: &str = "26c36f3e340c4f9169fb6fe969ed13c2108e3be90185f1b8dfd8594889d65948";
/// HMAC(SECRET, big_body()).
const BIG_SIG: &str = "da3f84b2df2520b8c18b47a258bc0c5c63b426cba655dfe666761404c77ed4f9";

const NON_UTF8: &[u8] =
    b"\xff\xfe\x00{\"webhook_id\":\"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10\"}\x80";
/// HMAC(SECRET, NON_UTF8).
const NON_UTF8_SIG: &str = "9d9273fb955d097102da18c157f407b6d568eb55024dbaf35a8a10d7b8aaeffc";

const SEVERAL: &[u8] = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":"call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","meeting_id":"cb59ab17-ad15-460c-a126-0715617c0853","call_recording_id":"5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"},"actor":{"type":"system","id":null}},{"event_type":"note.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","note_id":"e6a3f2d1-4c5b-4a69-8d7e-0f1a2b3c4d5e"},"actor":{"type":"api-token","id":"9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"}},{"event_type":"call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","meeting_id":"cb59ab17-ad15-460c-a126-0715617c0853","call_recording_id":"0f4c6a2e-8b1d-4e3f-a5c7-9d2b4f6e8a01"},"actor":{"type":"app","id":"3c2b1a09-8f7e-4d6c-b5a4-93827160f5e4"}}]}"#;
/// HMAC(SECRET, SEVERAL).
const SEVERAL_SIG: &str = "ec857563de82d3d13f8a5aef0c70fefc13bf5fe3184bd746e210eec6fbb0d568";

const UNKNOWN: &[u8] = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":"record.updated","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","object_id":"97052eb9-e65e-443f-a297-f2d9a4a7f795","record_id":"bf071e1f-6035-429d-b874-d83ea64ea13b","attribute_id":"41252299-f8c7-4b5e-99c9-4ff8321d2f96"},"actor":{"type":"workspace-member","id":"50cf242c-7fa3-4cad-87d0-75b1af71c57b"}}]}"#;
/// HMAC(SECRET, UNKNOWN).
const UNKNOWN_SIG: &str = "c57587b999e54a96a7892fcab47455bc253bc4a0ad7302020aa57d6662c04578";

const KEY: &str = "0d6b1d2e-9a5c-4a51-8f43-6a2b0fbc7d11";

/// 1 MiB: a payload without events whose `padding` field repeats `attio`, then `x` to the size.
fn big_body() -> Vec<u8> {
    const SIZE: usize = 1 << 20;
    let prefix = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[],"padding":""#;
    let suffix = br#""}"#;
    let mut body = prefix.to_vec();
    let room = SIZE - prefix.len() - suffix.len();
    body.extend(b"attio".repeat(room / 5));
    body.resize(SIZE - suffix.len(), b'x');
    body.extend(suffix);
    body
}

fn secret() -> WebhookSecret {
    WebhookSecret::new(SECRET.to_string())
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn signed(signature: &str) -> HeaderMap {
    headers(&[("Attio-Signature", signature), ("Idempotency-Key", KEY)])
}

fn uuid(text: &str) -> Uuid {
    Uuid::parse_str(text).unwrap()
}

#[test]
fn a_valid_delivery_is_read() {
    let delivery = webhooks::verify(&secret(), &signed(ONE_SIG), ONE).unwrap();
    assert_eq!(
        delivery.webhook_id,
        uuid("7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10")
    );
    assert_eq!(delivery.idempotency_key.as_deref(), Some(KEY));
    let [
        WebhookEvent::CallRecordingCreated {
            workspace_id,
            meeting_id,
            call_recording_id,
            actor,
        },
    ] = delivery.events.as_slice()
    else {
        panic!("one call-recording.created, got {:?}", delivery.events);
    };
    assert_eq!(*workspace_id, uuid("14beef7a-99f7-4534-a87e-70b564330a4c"));
    assert_eq!(*meeting_id, uuid("cb59ab17-ad15-460c-a126-0715617c0853"));
    assert_eq!(
        *call_recording_id,
        uuid("5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4")
    );
    assert_eq!(actor.type_, Some(ActorType::WorkspaceMember));
    assert_eq!(
        actor.id.as_deref(),
        Some("50cf242c-7fa3-4cad-87d0-75b1af71c57b")
    );
}

#[test]
fn our_signing_matches_the_independent_vectors() {
    assert_eq!(secret().sign(ONE), ONE_SIG);
    assert_eq!(WebhookSecret::new(OTHER_SECRET).sign(ONE), ONE_OTHER_SIG);
    assert_eq!(secret().sign(b""), EMPTY_SIG);
    assert_eq!(secret().sign(&big_body()), BIG_SIG);
}

#[test]
fn one_altered_byte_is_a_mismatch() {
    let mut tampered = ONE.to_vec();
    tampered[100] ^= 1;
    let err = webhooks::verify(&secret(), &signed(ONE_SIG), &tampered).unwrap_err();
    assert_eq!(err, WebhookError::SignatureMismatch);
    // The forgery passes only with the signature of the altered body, which needs the secret (and
    // then fails as a payload: byte 100 is a quote, now `#`).
    assert!(webhooks::verify_signature(&secret(), &signed(ONE_TAMPERED_SIG), &tampered).is_ok());
    assert_eq!(
        webhooks::verify(&secret(), &signed(ONE_TAMPERED_SIG), ONE).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn another_webhooks_secret_is_a_mismatch() {
    let err = webhooks::verify(&secret(), &signed(ONE_OTHER_SIG), ONE).unwrap_err();
    assert_eq!(err, WebhookError::SignatureMismatch);
    let other = WebhookSecret::new(OTHER_SECRET);
    assert!(webhooks::verify(&other, &signed(ONE_OTHER_SIG), ONE).is_ok());
    assert_eq!(
        webhooks::verify(&other, &signed(ONE_SIG), ONE).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn upper_case_hex_is_the_same_signature() {
    let upper = ONE_SIG.to_ascii_uppercase();
    assert_ne!(upper, ONE_SIG);
    assert!(webhooks::verify(&secret(), &signed(&upper), ONE).is_ok());
}

#[test]
fn either_header_name_is_read_and_the_current_one_wins() {
    let legacy = headers(&[("X-Attio-Signature", ONE_SIG)]);
    let delivery = webhooks::verify(&secret(), &legacy, ONE).unwrap();
    assert_eq!(delivery.idempotency_key, None);

    let both = headers(&[("Attio-Signature", ONE_SIG), ("X-Attio-Signature", ONE_SIG)]);
    assert!(webhooks::verify(&secret(), &both, ONE).is_ok());

    // When both are sent, `Attio-Signature` is the one checked.
    let current_wrong = headers(&[
        ("Attio-Signature", ONE_OTHER_SIG),
        ("X-Attio-Signature", ONE_SIG),
    ]);
    assert_eq!(
        webhooks::verify(&secret(), &current_wrong, ONE).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn a_missing_signature_is_its_own_error() {
    let err = webhooks::verify(&secret(), &headers(&[("Idempotency-Key", KEY)]), ONE).unwrap_err();
    assert_eq!(err, WebhookError::MissingSignature);
    assert!(err.is_signature_error());
    // A timestamp header is no substitute (Attio signs none).
    let err = webhooks::verify(
        &secret(),
        &headers(&[("x-attio-timestamp", "1700000000")]),
        ONE,
    );
    assert_eq!(err.unwrap_err(), WebhookError::MissingSignature);
}

#[test]
fn malformed_signatures_are_their_own_error() {
    let short = &ONE_SIG[..63];
    let non_hex = format!("{}g", &ONE_SIG[..63]);
    let prefixed = format!("sha256={ONE_SIG}");
    let base64ish = "R zTzM3+d46SUqR21IPGQE513V3bFBWQlLpM369Xh094=";
    for bad in [short, non_hex.as_str(), prefixed.as_str(), base64ish, ""] {
        let err = webhooks::verify(&secret(), &signed(bad), ONE).unwrap_err();
        assert_eq!(
            err,
            WebhookError::MalformedSignature {
                header: "attio-signature"
            },
            "{bad:?}"
        );
    }
    let legacy = headers(&[("X-Attio-Signature", short)]);
    assert_eq!(
        webhooks::verify(&secret(), &legacy, ONE).unwrap_err(),
        WebhookError::MalformedSignature {
            header: "x-attio-signature"
        }
    );
}

#[test]
fn an_empty_body_is_signed_but_not_a_payload() {
    let err = webhooks::verify(&secret(), &signed(EMPTY_SIG), b"").unwrap_err();
    assert!(
        matches!(err, WebhookError::InvalidPayload { .. }),
        "{err:?}"
    );
    assert!(!err.is_signature_error());
    // Unsigned, the emptiness is not even looked at.
    assert_eq!(
        webhooks::verify(&secret(), &signed(ONE_SIG), b"").unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn a_one_megabyte_body_verifies() {
    let body = big_body();
    assert_eq!(body.len(), 1 << 20);
    let delivery = webhooks::verify(&secret(), &signed(BIG_SIG), &body).unwrap();
    assert!(delivery.events.is_empty());
    let mut tampered = body.clone();
    tampered[(1 << 19) + 3] ^= 0x20;
    assert_eq!(
        webhooks::verify(&secret(), &signed(BIG_SIG), &tampered).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn a_non_utf8_body_is_verified_byte_for_byte_then_refused_as_payload() {
    let err = webhooks::verify(&secret(), &signed(NON_UTF8_SIG), NON_UTF8).unwrap_err();
    assert!(
        matches!(err, WebhookError::InvalidPayload { .. }),
        "{err:?}"
    );
    let lossy = String::from_utf8_lossy(NON_UTF8).into_owned();
    assert_eq!(
        webhooks::verify(&secret(), &signed(NON_UTF8_SIG), lossy.as_bytes()).unwrap_err(),
        WebhookError::SignatureMismatch
    );
}

#[test]
fn several_events_keep_their_order_and_kinds() {
    let delivery = webhooks::verify(&secret(), &signed(SEVERAL_SIG), SEVERAL).unwrap();
    let kinds: Vec<&str> = delivery
        .events
        .iter()
        .map(WebhookEvent::event_type)
        .collect();
    assert_eq!(
        kinds,
        [
            "call-recording.created",
            "note.created",
            "call-recording.created"
        ]
    );
    let recordings: Vec<Uuid> = delivery
        .events
        .iter()
        .filter_map(|event| match event {
            WebhookEvent::CallRecordingCreated {
                call_recording_id, ..
            } => Some(*call_recording_id),
            _ => None,
        })
        .collect();
    assert_eq!(
        recordings,
        [
            uuid("5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"),
            uuid("0f4c6a2e-8b1d-4e3f-a5c7-9d2b4f6e8a01")
        ]
    );
    let WebhookEvent::CallRecordingCreated { actor, .. } = &delivery.events[0] else {
        unreachable!()
    };
    assert_eq!(
        (actor.type_.clone(), actor.id.clone()),
        (Some(ActorType::System), None)
    );
}

#[test]
fn an_unknown_event_type_is_kept_as_received() {
    let delivery = webhooks::verify(&secret(), &signed(UNKNOWN_SIG), UNKNOWN).unwrap();
    let [WebhookEvent::Unknown { event_type, raw }] = delivery.events.as_slice() else {
        panic!("one unknown event, got {:?}", delivery.events);
    };
    assert_eq!(event_type, "record.updated");
    assert_eq!(
        raw["id"]["attribute_id"],
        "41252299-f8c7-4b5e-99c9-4ff8321d2f96"
    );
    let client = attio_meetings::Client::new("t").unwrap();
    assert!(delivery.events[0].transcript(&client).is_none());
    assert!(delivery.events[0].call_recording(&client).is_none());
}

#[test]
fn a_known_event_with_a_broken_field_names_the_field() {
    let body = br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":"note.created"},{"event_type":"call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","meeting_id":"nope","call_recording_id":"5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"},"actor":{"type":null,"id":null}}]}"#;
    let signature = secret().sign(body);
    match webhooks::verify(&secret(), &signed(&signature), body).unwrap_err() {
        WebhookError::InvalidPayload { path, .. } => assert_eq!(path, "events[1].id.meeting_id"),
        other => panic!("{other:?}"),
    }
    let no_type =
        br#"{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{"event_type":7}]}"#;
    match webhooks::parse_unverified(no_type, None).unwrap_err() {
        WebhookError::InvalidPayload { path, .. } => assert_eq!(path, "events[0].event_type"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_helpers_name_the_calls_that_follow() {
    let delivery = webhooks::verify(&secret(), &signed(ONE_SIG), ONE).unwrap();
    let client = attio_meetings::Client::new("t").unwrap();
    let event = &delivery.events[0];
    let get = format!("{:?}", event.call_recording(&client).unwrap());
    let transcript = format!("{:?}", event.transcript(&client).unwrap());
    for text in [&get, &transcript] {
        assert!(
            text.contains("cb59ab17-ad15-460c-a126-0715617c0853"),
            "{text}"
        );
        assert!(
            text.contains("5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"),
            "{text}"
        );
    }
}

#[test]
fn nothing_about_the_secret_leaks() {
    let secret = secret();
    let mut shown = vec![format!("{secret:?}"), format!("{secret}")];
    let tampered = [ONE, b"x"].concat();
    for (headers, body) in [
        (signed(ONE_OTHER_SIG), ONE),
        (signed("zz"), ONE),
        (HeaderMap::new(), ONE),
        (signed(EMPTY_SIG), b"".as_slice()),
        (signed(ONE_SIG), tampered.as_slice()),
    ] {
        let err = webhooks::verify(&secret, &headers, body).unwrap_err();
        shown.push(format!("{err:?} {err}"));
    }
    let delivery = webhooks::verify(&secret, &signed(ONE_SIG), ONE).unwrap();
    shown.push(format!("{delivery:?}"));
    for text in shown {
        assert!(!text.contains(SECRET), "{text}");
        assert!(!text.contains("whsec"), "{text}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn verify_never_panics(
        body in proptest::collection::vec(any::<u8>(), 0..512),
        signature in "[0-9a-fA-Fg-z =]{0,80}",
        legacy in proptest::option::of("[0-9a-f]{64}"),
    ) {
        let mut map = signed(&signature);
        if let Some(legacy) = legacy {
            map.insert("x-attio-signature", HeaderValue::from_str(&legacy).unwrap());
        }
        let outcome = webhooks::verify(&secret(), &map, &body);
        // Random bytes never carry a matching signature.
        prop_assert!(outcome.unwrap_err().is_signature_error());
    }

    #[test]
    fn signed_random_bodies_pass_the_signature_and_never_panic_the_parser(
        body in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let signature = secret().sign(&body);
        if let Err(err) = webhooks::verify(&secret(), &signed(&signature), &body) {
            prop_assert!(!err.is_signature_error(), "{err:?}");
        }
    }

    #[test]
    fn the_parser_never_panics_on_payload_shaped_json(
        events in proptest::collection::vec(arbitrary_event(), 0..4),
        webhook_id in prop_oneof![Just(serde_json::json!("7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10")), Just(serde_json::json!(1)), Just(serde_json::Value::Null)],
    ) {
        let body = serde_json::json!({"webhook_id": webhook_id, "events": events}).to_string();
        let _ = webhooks::parse_unverified(body.as_bytes(), None);
        let signature = secret().sign(body.as_bytes());
        let outcome = webhooks::verify(&secret(), &signed(&signature), body.as_bytes());
        if let Err(err) = outcome {
            prop_assert!(!err.is_signature_error(), "{:?}", err);
        }
    }
}

/// Events of either type with fields present, absent, of the wrong type or out of range.
fn arbitrary_event() -> impl Strategy<Value = serde_json::Value> {
    let value = prop_oneof![
        Just(serde_json::Value::Null),
        Just(serde_json::json!("cb59ab17-ad15-460c-a126-0715617c0853")),
        Just(serde_json::json!("not-a-uuid")),
        Just(serde_json::json!(-1)),
        Just(serde_json::json!({})),
        Just(serde_json::json!(["x"])),
        "\\PC{0,12}".prop_map(serde_json::Value::String),
    ];
    let event_type = prop_oneof![
        Just(serde_json::json!("call-recording.created")),
        Just(serde_json::json!("note.created")),
        Just(serde_json::json!(3)),
        Just(serde_json::Value::Null),
    ];
    (event_type, value.clone(), value.clone(), value.clone(), value.clone(), value).prop_map(
        |(event_type, workspace, meeting, recording, actor_type, actor_id)| {
            serde_json::json!({
                "event_type": event_type,
                "id": {"workspace_id": workspace, "meeting_id": meeting, "call_recording_id": recording},
                "actor": {"type": actor_type, "id": actor_id},
            })
        },
    )
}
