//! What only SRT has: the formatting tags players understand.

/// SRT text without the formatting tags players understand (`<i>`, `<b>`, `<u>`, `<s>`, `<font …>`,
/// their ends, and `{\an8}`-style positioning); any other `<` or `{` is text.
pub(super) fn strip_srt_tags(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find(['<', '{']) {
        let (before, tail) = rest.split_at(open);
        out.push_str(before);
        match formatting_tag_len(tail) {
            Some(len) => rest = tail.get(len..).unwrap_or(""),
            None => {
                out.push_str(tail.get(..1).unwrap_or(""));
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the SRT formatting tag at the start of `text`, if there is one.
fn formatting_tag_len(text: &str) -> Option<usize> {
    if text.starts_with("{\\") {
        let close = text.find('}')?;
        let inner = text.get(1..close)?;
        return (!inner.contains(['\n', '{'])).then_some(close + 1);
    }
    let close = text.find('>')?;
    let inner = text.get(1..close)?;
    if inner.contains(['<', '\n']) {
        return None;
    }
    let lower = inner.trim().to_ascii_lowercase();
    let name = lower.strip_prefix('/').unwrap_or(&lower);
    let is_tag = matches!(name, "i" | "b" | "u" | "s" | "font")
        || name
            .strip_prefix("font")
            .is_some_and(|attributes| attributes.starts_with(char::is_whitespace));
    is_tag.then_some(close + 1)
}
