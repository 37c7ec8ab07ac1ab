//! What the generated builders do with the values they are given: check them against the spec's bounds
//! when set, and write them on the wire when sent. A refused value is kept, and returned as
//! [`Error::InvalidInput`] by `send()`, before anything is sent.

use std::fmt::Display;

use bytes::Bytes;
use chrono::{DateTime, TimeZone};
use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

use crate::error::{Error, Result};

/// What a builder keeps for a required field nobody set.
pub(crate) const MISSING: &str = "is required";

/// Whether a builder's field was never set.
pub(crate) fn is_unset<T>(field: &Result<T, String>) -> bool {
    matches!(field, Err(reason) if reason == MISSING)
}

/// One thing wrong with a value, at its JSON path (`data.title`); an empty path is the value itself.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Problem {
    path: String,
    reason: String,
}

/// Every problem a builder found when converted. Its text, `title: is required; start: is required`, is
/// the builder's conversion error; a builder set into another one (whose setters see only that text)
/// is read back from it, so that the outer builder reports `data.title`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Problems(Vec<Problem>);

impl Problems {
    /// The value of a builder's field `wire`, or `None`, noting why: `is required`, or the problems of
    /// the value that did not convert, under `wire`.
    pub(crate) fn take<T>(&mut self, wire: &str, field: Result<T, String>) -> Option<T> {
        field.map_err(|text| self.0.extend(under(wire, &text))).ok()
    }
}

impl Display for Problems {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, problem) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match problem.path.as_str() {
                "" => f.write_str(&problem.reason)?,
                path => write!(f, "{path}: {}", problem.reason)?,
            }
        }
        Ok(())
    }
}

/// The problems of a value at `field`, from the text of its conversion error: a builder's list (each
/// problem moved under `field`), or any other message (one problem at `field`).
fn under(field: &str, text: &str) -> Vec<Problem> {
    let listed: Option<Vec<Problem>> = text
        .split("; ")
        .map(|part| {
            let (path, reason) = part.split_once(": ")?;
            is_path(path).then(|| Problem {
                path: join(field, path),
                reason: reason.to_string(),
            })
        })
        .collect();
    listed.unwrap_or_else(|| {
        vec![Problem {
            path: field.to_string(),
            // The separator of the list: kept out of a reason, so the list reads back.
            reason: text.replace("; ", ", "),
        }]
    })
}

/// A JSON path as the builders write it: wire names and indexes (`participants[0].email_address`).
fn is_path(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'))
}

fn join(parent: &str, path: &str) -> String {
    match (parent, path) {
        ("", path) => path.to_string(),
        (parent, "") => parent.to_string(),
        (parent, index) if index.starts_with('[') => format!("{parent}{index}"),
        (parent, path) => format!("{parent}.{path}"),
    }
}

/// A value refused before sending: the parameter or body field (or several fields of a body) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused(Problems);

impl Refused {
    pub(crate) fn new(field: &str, reason: impl Into<String>) -> Self {
        Self(Problems(vec![Problem {
            path: field.to_string(),
            reason: reason.into(),
        }]))
    }

    /// A value for `field` that did not convert: every problem of a builder by its path under `field`
    /// (`data.start`), or the conversion's message.
    pub(crate) fn conversion(field: &str, error: impl Display) -> Self {
        Self(Problems(under(field, &error.to_string())))
    }
}

/// One problem is refused at its path; several at once at their common parent (`data`), each named by
/// its path in the reason.
impl From<Refused> for Error {
    fn from(Refused(problems): Refused) -> Self {
        match problems.0.as_slice() {
            [one] => Error::invalid(one.path.clone(), one.reason.clone()),
            _ => {
                let paths: Vec<&str> = problems.0.iter().map(|p| p.path.as_str()).collect();
                Error::invalid(common_parent(&paths), problems.to_string())
            }
        }
    }
}

/// The longest path that every one of `paths` is, or is inside of (`data` for `data.start` and
/// `data.participants[0].status`).
fn common_parent(paths: &[&str]) -> String {
    let Some((first, rest)) = paths.split_first() else {
        return String::new();
    };
    let contains = |parent: &str, path: &str| {
        path == parent
            || path
                .strip_prefix(parent)
                .is_some_and(|tail| tail.starts_with(['.', '[']))
    };
    // The ends of `first`'s segments, longest first.
    let mut ends: Vec<usize> = first
        .char_indices()
        .filter(|(_, c)| matches!(c, '.' | '['))
        .map(|(i, _)| i)
        .collect();
    ends.push(first.len());
    ends.into_iter()
        .rev()
        .map(|end| &first[..end])
        .find(|parent| rest.iter().all(|path| contains(parent, path)))
        .unwrap_or_default()
        .to_string()
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
        assert_eq!(
            refused,
            Refused::new("size", "must be between 1 and 200, got 201")
        );
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

    fn invalid(refused: Refused) -> (String, String) {
        match Error::from(refused) {
            Error::InvalidInput { field, reason } => (field, reason),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_builder_s_problems_are_named_by_their_paths_under_the_field() {
        // A builder's list, as a nested builder's setter sees it.
        let mut inner = Problems::default();
        assert_eq!(inner.take::<u8>("title", Err(MISSING.into())), None);
        assert_eq!(
            inner.take::<u8>("participants", Err("x; [0].status: unknown".into())),
            None
        );
        assert_eq!(inner.take("end", Ok(1)), Some(1));
        assert_eq!(
            inner.to_string(),
            "title: is required; participants: x, [0].status: unknown"
        );
        let mut outer = Problems::default();
        outer.take::<u8>("data", Err(inner.to_string()));
        outer.take::<u8>("when", Err("invalid length: 3".into()));
        assert_eq!(
            outer.to_string(),
            "data.title: is required; data.participants: x, [0].status: unknown; when: invalid length: 3"
        );
        let nested = "start: is required; participants[0].status: is required";
        assert_eq!(
            invalid(Refused::conversion("data", nested)),
            (
                "data".to_string(),
                "data.start: is required; data.participants[0].status: is required".to_string()
            )
        );
        // One problem is refused at its own path.
        assert_eq!(
            invalid(Refused::conversion("data", "title: is required")),
            ("data.title".to_string(), "is required".to_string())
        );
        assert_eq!(
            invalid(Refused::conversion("data", "longer than 10 characters")),
            ("data".to_string(), "longer than 10 characters".to_string())
        );
        assert_eq!(common_parent(&["data.start", "data.end"]), "data");
        assert_eq!(
            common_parent(&["data.participants[0].a", "data.participants[0].b"]),
            "data.participants[0]"
        );
        assert_eq!(common_parent(&["data.start", "data.starts"]), "data");
        assert_eq!(common_parent(&["data", "data.start"]), "data");
        assert_eq!(common_parent(&["a", "b"]), "");
    }
}
