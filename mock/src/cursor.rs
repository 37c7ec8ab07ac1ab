//! Opaque pagination cursors.
//!
//! A cursor names the last item of the previous page by its sort key, not by an offset, so items inserted
//! between two page requests neither repeat nor go missing. It is hex-encoded text so that clients cannot
//! rely on its shape; anything that does not decode is a 400, as at Attio.

/// Encodes the parts of a position (none may contain `|`).
pub fn encode(parts: &[&str]) -> String {
    let text = format!("v1|{}", parts.join("|"));
    text.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Decodes a cursor made by [`encode`] with `expected` parts; `None` for anything else.
pub fn decode(cursor: &str, expected: usize) -> Option<Vec<String>> {
    if !cursor.len().is_multiple_of(2) || !cursor.is_ascii() {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&cursor[i..i + 2], 16).ok())
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let mut parts = text.split('|');
    if parts.next()? != "v1" {
        return None;
    }
    let parts: Vec<String> = parts.map(str::to_string).collect();
    (parts.len() == expected).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let c = encode(&["start_asc", "123", "7"]);
        assert_eq!(decode(&c, 3).unwrap(), ["start_asc", "123", "7"]);
        assert!(decode(&c, 2).is_none());
        assert!(decode("not-a-cursor", 3).is_none());
        assert!(decode("zz", 1).is_none());
        assert!(decode(&encode(&["a"])[2..], 1).is_none());
    }
}
