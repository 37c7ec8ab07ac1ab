//! What the generated builders do with the values they are given: check them against the spec's bounds
//! when set, and write them on the wire when sent. A refused value is kept, and returned as
//! [`Error::InvalidInput`] by `send()`, before anything is sent.

use std::fmt::Display;

use bytes::Bytes;
use chrono::{DateTime, TimeZone};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::{Error, Result};

/// A value refused before sending: the parameter (or body field) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    field: &'static str,
    reason: String,
}

impl Refused {
    pub(crate) fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self {
            field,
            reason: reason.into(),
        }
    }
}

impl From<Refused> for Error {
    fn from(refused: Refused) -> Self {
        Error::invalid(refused.field, refused.reason)
    }
}

/// A parameter's wire values (one, or one per item of an exploded array), or why it was refused.
pub(crate) type Arg = Result<Vec<String>, Refused>;

pub(crate) fn display(value: impl Display) -> Arg {
    Ok(vec![value.to_string()])
}

/// An instant in RFC 3339, with the offset it was given in.
pub(crate) fn datetime<Tz: TimeZone>(value: DateTime<Tz>) -> Arg {
    Ok(vec![value.fixed_offset().to_rfc3339()])
}

pub(crate) fn int(field: &'static str, value: i128, min: Option<i128>, max: Option<i128>) -> Arg {
    let below = min.is_some_and(|min| value < min);
    let above = max.is_some_and(|max| value > max);
    if below || above {
        let range = match (min, max) {
            (Some(min), Some(max)) => format!("between {min} and {max}"),
            (Some(min), None) => format!("at least {min}"),
            (None, Some(max)) => format!("at most {max}"),
            (None, None) => String::new(),
        };
        return Err(Refused::new(field, format!("must be {range}, got {value}")));
    }
    Ok(vec![value.to_string()])
}

fn check_text(
    field: &'static str,
    value: &str,
    min: Option<usize>,
    max: Option<usize>,
    email: bool,
) -> Result<(), Refused> {
    // Surrounding blanks do not count: a value of spaces is as empty as no value to Attio.
    let length = value.trim().chars().count();
    if min.is_some_and(|min| length < min) {
        return Err(Refused::new(
            field,
            if min == Some(1) {
                "must not be empty".to_string()
            } else {
                format!("must have at least {} characters", min.unwrap_or_default())
            },
        ));
    }
    if let Some(max) = max.filter(|max| length > *max) {
        return Err(Refused::new(
            field,
            format!("must have at most {max} characters"),
        ));
    }
    if email && !crate::validate::looks_like_email(value) {
        return Err(Refused::new(
            field,
            format!("`{value}` is not an email address"),
        ));
    }
    Ok(())
}

pub(crate) fn text(
    field: &'static str,
    value: String,
    min: Option<usize>,
    max: Option<usize>,
    email: bool,
) -> Arg {
    check_text(field, &value, min, max, email)?;
    Ok(vec![value])
}

/// An array parameter: joined by `separator` into one value, or one value per item.
pub(crate) fn list(
    field: &'static str,
    values: Vec<String>,
    separator: Option<char>,
    email: bool,
) -> Arg {
    for value in &values {
        check_text(field, value, None, None, email)?;
        if let Some(separator) = separator.filter(|s| value.contains(*s)) {
            return Err(Refused::new(
                field,
                format!("`{value}` contains `{separator}`, which separates the values"),
            ));
        }
    }
    match separator {
        Some(separator) => Ok(vec![values.join(&separator.to_string())]),
        None => Ok(values),
    }
}

/// A value of a type the spec names (an enum, a constrained string), converted on the caller's side.
pub(crate) fn named<V, T>(field: &'static str, value: V) -> Arg
where
    V: TryInto<T>,
    V::Error: Display,
    T: Display,
{
    value
        .try_into()
        .map(|v| vec![v.to_string()])
        .map_err(|e| Refused::new(field, e.to_string()))
}

/// Adds a query parameter's values; a missing required one is refused.
pub(crate) fn query(
    query: &mut Vec<(&'static str, String)>,
    name: &'static str,
    arg: Option<Arg>,
    required: bool,
) -> Result<()> {
    match arg {
        Some(values) => query.extend(values?.into_iter().map(|v| (name, v))),
        None if required => return Err(Refused::new(name, "is required").into()),
        None => {}
    }
    Ok(())
}

/// Characters escaped in a path segment: controls, space, and everything RFC 3986 does not allow there.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// A path parameter's value, percent-encoded as one segment (`plain`: the value's type never needs it).
pub(crate) fn path_segment(name: &'static str, arg: Option<Arg>, plain: bool) -> Result<String> {
    let mut values = arg.ok_or_else(|| Refused::new(name, "is required"))??;
    let value = match values.len() {
        1 => values.pop().unwrap_or_default(),
        _ => values.concat(),
    };
    if value.is_empty() {
        return Err(Refused::new(name, "must not be empty").into());
    }
    // Unreserved characters only (ids): keep the string rather than copy it.
    if plain
        || value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    {
        return Ok(value);
    }
    Ok(utf8_percent_encode(&value, SEGMENT).to_string())
}

/// A request body as JSON.
pub(crate) fn json(body: &impl serde::Serialize) -> Result<Bytes> {
    serde_json::to_vec(body)
        .map(Bytes::from)
        .map_err(|e| Error::invalid("body", e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_and_formats_are_checked() {
        assert_eq!(int("size", 200, Some(1), Some(200)), Ok(vec!["200".into()]));
        let refused = int("size", 201, Some(1), Some(200)).unwrap_err();
        assert_eq!(refused.reason, "must be between 1 and 200, got 201");
        assert!(text("object", String::new(), Some(1), None, false).is_err());
        assert!(
            list(
                "emails",
                vec!["a@x.io".into(), "nope".into()],
                Some(','),
                true
            )
            .is_err()
        );
        assert!(list("emails", vec!["a@x.io,b@x.io".into()], Some(','), false).is_err());
        assert_eq!(
            list(
                "emails",
                vec!["a@x.io".into(), "b@x.io".into()],
                Some(','),
                true
            ),
            Ok(vec!["a@x.io,b@x.io".into()])
        );
        assert_eq!(
            list("tag", vec!["a".into(), "b".into()], None, false),
            Ok(vec!["a".into(), "b".into()])
        );
    }

    #[test]
    fn path_segments_are_escaped_and_required() {
        assert_eq!(
            path_segment("id", Some(Ok(vec!["a/b c".into()])), false).unwrap(),
            "a%2Fb%20c"
        );
        assert_eq!(
            path_segment("id", Some(Ok(vec!["cb59-ab17".into()])), false).unwrap(),
            "cb59-ab17"
        );
        assert!(path_segment("id", None, true).is_err());
        assert!(path_segment("id", Some(Ok(vec![String::new()])), false).is_err());
    }
}
