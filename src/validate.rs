//! Checks made before anything is sent; a failure is [`Error::InvalidInput`] naming the field.
//!
//! The generated types enforce what a single value can (string bounds, enums on output); the rules here
//! are those across fields or items, which no spec states, and the spec's item bounds on arrays
//! (`minItems`/`maxItems`, read from the generated table), which the generated types do not enforce.

use crate::error::{Error, Result};

use crate::types::{
    CreateCallRecordingRequest, CreateMeetingRequest, MeetingTime, NewLinkedRecord, NewMeeting,
    ParticipantStatus,
};

/// The rules of a request body across its fields, which no spec states. The generated builders check a
/// body with its type's `Rules` before sending it; a body type without them has none. The choice is made
/// by type when the builder compiles (`(&body).apply_rules()` with [`ApplyRules`] and [`NoRules`] in
/// scope: method lookup takes `ApplyRules` of `T` when `T: Rules`, else, one reference further, `NoRules`
/// of `&T`), so nothing decides at run time whether a body is checked.
pub(crate) trait Rules {
    fn check(&self) -> Result<()>;
}

/// The body's [`Rules`], for types that have them.
pub(crate) trait ApplyRules {
    fn apply_rules(&self) -> Result<()>;
}

impl<T: Rules> ApplyRules for T {
    fn apply_rules(&self) -> Result<()> {
        self.check()
    }
}

/// No rules, for the other body types (none in our spec today; a spec variant or a new operation may bring
/// one).
#[allow(dead_code)]
pub(crate) trait NoRules {
    fn apply_rules(&self) -> Result<()> {
        Ok(())
    }
}

impl<T> NoRules for &T {}

/// Fields a builder fills in from others before it is converted, when the caller left them unset: rules
/// no spec states. Every generated builder's conversion calls `(&mut builder).apply_derive()` with
/// [`ApplyDerive`] and [`NoDerive`] in scope, chosen by type as [`Rules`] are.
pub(crate) trait Derive {
    fn derive(&mut self);
}

/// The builder's [`Derive`], for builders that have one.
pub(crate) trait ApplyDerive {
    fn apply_derive(&mut self);
}

impl<T: Derive> ApplyDerive for T {
    fn apply_derive(&mut self) {
        self.derive();
    }
}

/// Nothing derived, for the other builders.
#[allow(dead_code)]
pub(crate) trait NoDerive {
    fn apply_derive(&mut self) {}
}

impl<T> NoDerive for &mut T {}

/// `is_all_day` follows from the forms of `start` and `end` (both dates: all day; both datetimes: not).
/// Set, it is kept, and [`new_meeting`] checks it against them.
impl Derive for crate::types::builder::NewMeeting {
    fn derive(&mut self) {
        if !crate::args::is_unset(&self.is_all_day) {
            return;
        }
        let form = |time: &Result<MeetingTime, String>| {
            time.as_ref()
                .ok()
                .map(|time| matches!(time, MeetingTime::AllDay { .. }))
        };
        match (form(&self.start), form(&self.end)) {
            (Some(start), Some(end)) if start == end => self.is_all_day = Ok(start),
            (Some(start), Some(end)) => {
                let name = |all_day: bool| if all_day { "a date" } else { "a datetime" };
                let rule = "both must be dates (an all-day meeting) or both datetimes";
                self.start = Err(format!(
                    "is {} but end is {}: {rule}",
                    name(start),
                    name(end)
                ));
                self.end = Err(format!(
                    "is {} but start is {}: {rule}",
                    name(end),
                    name(start)
                ));
                // Not missing: the conversion fails on start and end, which the caller set.
                self.is_all_day = Ok(false);
            }
            // A start or an end unset or refused fails the conversion on its own; `is_all_day` is not
            // reported missing, since the caller need not set it.
            _ => self.is_all_day = Ok(false),
        }
    }
}

impl Rules for CreateMeetingRequest {
    fn check(&self) -> Result<()> {
        new_meeting(&self.data)
    }
}

impl Rules for CreateCallRecordingRequest {
    fn check(&self) -> Result<()> {
        new_call_recording(&self.data)
    }
}

#[cfg(attio_field = "LinkedRecordsUpdate.linked_records")]
impl Rules for crate::types::LinkedRecordsRequest {
    fn check(&self) -> Result<()> {
        let records = &self.data.linked_records;
        item_count(
            "LinkedRecordsUpdate.linked_records",
            "data.linked_records",
            records.len(),
        )?;
        linked_records(records)
    }
}

/// A create-meeting body Attio would accept.
pub(crate) fn new_meeting(meeting: &NewMeeting) -> Result<()> {
    let forms_match =
        |time: &MeetingTime| matches!(time, MeetingTime::AllDay { .. }) == meeting.is_all_day;
    for (field, time) in [("start", &meeting.start), ("end", &meeting.end)] {
        if !forms_match(time) {
            let expected = if meeting.is_all_day {
                "a date (is_all_day is true)"
            } else {
                "a datetime (is_all_day is false)"
            };
            return Err(Error::invalid(
                format!("data.{field}"),
                format!("must be {expected}"),
            ));
        }
    }
    let before = match (&meeting.start, &meeting.end) {
        (
            MeetingTime::Timed {
                datetime: start, ..
            },
            MeetingTime::Timed { datetime: end, .. },
        ) => start < end,
        (MeetingTime::AllDay { date: start }, MeetingTime::AllDay { date: end }) => start < end,
        _ => false,
    };
    if !before {
        return Err(Error::invalid(
            "data.end",
            "must be after data.start (the end is exclusive)",
        ));
    }
    for (field, time) in [("start", &meeting.start), ("end", &meeting.end)] {
        if let MeetingTime::Timed {
            timezone: Some(zone),
            ..
        } = time
        {
            time_zone(&format!("data.{field}.timezone"), zone)?;
        }
    }
    // Attio's own 400 for this is "No participants were provided.".
    if meeting.participants.is_empty() {
        return Err(Error::invalid(
            "data.participants",
            "must name at least one participant",
        ));
    }
    item_count(
        "NewMeeting.participants",
        "data.participants",
        meeting.participants.len(),
    )?;
    for (i, participant) in meeting.participants.iter().enumerate() {
        let at = |field: &str| format!("data.participants[{i}].{field}");
        // `Option<String>` today, `String` in documents from before participant names.
        let email: Option<&String> = Option::from(&participant.email_address);
        if let Some(email) = email {
            email_address(&at("email_address"), email)?;
        }
        #[cfg(attio_field = "NewParticipant.name")]
        if email.is_none() && participant.name.is_none() {
            return Err(Error::invalid(
                at("email_address"),
                "a participant needs an email address or a name",
            ));
        }
        if let ParticipantStatus::Unknown(other) = &participant.status {
            return Err(Error::invalid(
                at("status"),
                format!("`{other}` is not one of accepted, tentative, declined, pending"),
            ));
        }
    }
    item_count(
        "NewMeeting.linked_records",
        "data.linked_records",
        meeting.linked_records.len(),
    )?;
    linked_records(&meeting.linked_records)
}

fn linked_records(records: &[NewLinkedRecord]) -> Result<()> {
    for (i, record) in records.iter().enumerate() {
        if record.object.trim().is_empty() {
            return Err(Error::invalid(
                format!("data.linked_records[{i}].object"),
                "must not be empty",
            ));
        }
    }
    Ok(())
}

/// The library's one rule for an email address, in bodies and query filters alike: one address (no
/// list, no display name), with a local part and a domain. Attio's own check is its business; this one
/// catches what is surely not an address before anything is sent.
///
/// ```
/// use attio_meetings::looks_like_email;
/// assert!(looks_like_email("ada@example.com"));
/// assert!(!looks_like_email("Ada <ada@example.com>"));
/// assert!(!looks_like_email("not an email"));
/// ```
pub fn looks_like_email(text: &str) -> bool {
    let trimmed = text.trim();
    match trimmed.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !trimmed.contains([',', ' ', '<', '>'])
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    }
}

/// An email address at `field`, by [`looks_like_email`].
pub(crate) fn email_address(field: &str, email: &str) -> Result<()> {
    if looks_like_email(email) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("`{email}` is not an email address"),
        ))
    }
}

/// A create-call-recording body Attio would accept: a video, a transcript, or both.
fn new_call_recording(recording: &crate::types::NewCallRecording) -> Result<()> {
    // `Option<String>` today, `String` in documents from before transcript uploads.
    let video: Option<&String> = Option::from(&recording.video_url);
    if let Some(url) = video {
        video_url(url)?;
    }
    #[cfg(attio_field = "NewCallRecording.transcript")]
    {
        if video.is_none() && recording.transcript.is_empty() {
            return Err(Error::invalid(
                "data",
                "a call recording needs a video_url, a transcript, or both",
            ));
        }
        transcript(&recording.transcript)?;
    }
    Ok(())
}

/// Segments Attio can place: timed from the start of the recording, in order, each said by someone.
#[cfg(attio_field = "NewCallRecording.transcript")]
fn transcript(segments: &[crate::types::NewTranscriptSegment]) -> Result<()> {
    item_count(
        "NewCallRecording.transcript",
        "data.transcript",
        segments.len(),
    )?;
    let mut previous_start = 0.0;
    for (i, segment) in segments.iter().enumerate() {
        let at = |field: &str| format!("data.transcript[{i}].{field}");
        let (start, end) = (segment.start_time, segment.end_time);
        if !start.is_finite() || start < 0.0 {
            return Err(Error::invalid(
                at("start_time"),
                format!("must be a number of seconds of at least 0, not {start}"),
            ));
        }
        if !end.is_finite() || end < start {
            return Err(Error::invalid(
                at("end_time"),
                format!("must not be before start_time ({start}), not {end}"),
            ));
        }
        if start < previous_start {
            return Err(Error::invalid(
                at("start_time"),
                format!(
                    "segments must be in order: {start} is before the previous segment's start ({previous_start})"
                ),
            ));
        }
        previous_start = start;
        if segment.speaker.name.trim().is_empty() {
            return Err(Error::invalid(at("speaker.name"), "must not be empty"));
        }
        if let Some(email) = &segment.speaker.email_address {
            email_address(&at("speaker.email_address"), email)?;
        }
    }
    Ok(())
}

/// An IANA time-zone name (`Europe/Paris`, `UTC`). Attio stores a meeting whose zone it does not know in
/// UTC without a word, so a misspelt one is refused here, with the nearest valid names.
fn time_zone(field: &str, zone: &str) -> Result<()> {
    if zone.parse::<chrono_tz::Tz>().is_ok() {
        return Ok(());
    }
    let wanted = zone.trim().to_lowercase();
    let mut nearest: Vec<(f64, &str)> = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| {
            let name = tz.name();
            (strsim::jaro_winkler(&wanted, &name.to_lowercase()), name)
        })
        .collect();
    nearest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let suggestions: Vec<&str> = nearest.iter().take(3).map(|(_, name)| *name).collect();
    Err(Error::invalid(
        field,
        format!(
            "`{zone}` is not an IANA time zone; did you mean {}?",
            suggestions.join(", ")
        ),
    ))
}

/// A video URL Attio would fetch: `https` only.
fn video_url(url: &str) -> Result<()> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|e| Error::invalid("data.video_url", format!("`{url}` is not a URL: {e}")))?;
    if parsed.scheme() != "https" {
        return Err(Error::invalid(
            "data.video_url",
            format!("must use https, not `{}`", parsed.scheme()),
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid("data.video_url", "has no host"));
    }
    Ok(())
}

/// The spec's `minItems`/`maxItems` of `schema_field` (`Schema.field`), if it states any, for an array of
/// `len` items at `field`.
fn item_count(schema_field: &str, field: &str, len: usize) -> Result<()> {
    let Some((_, min, max)) = crate::generated::item_bounds::ALL
        .iter()
        .find(|(name, _, _)| *name == schema_field)
    else {
        return Ok(());
    };
    if let Some(max) = max.filter(|max| len > *max) {
        return Err(Error::invalid(
            field,
            format!("has {len} items; Attio takes at most {max}"),
        ));
    }
    if let Some(min) = min.filter(|min| len < *min) {
        return Err(Error::invalid(
            field,
            format!("has {len} items; Attio needs at least {min}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Unruled;

    struct Refused;

    impl Rules for Refused {
        fn check(&self) -> Result<()> {
            Err(Error::invalid("data", "refused by its rules"))
        }
    }

    #[test]
    // The borrow is how the generated builders call it: it makes the choice.
    #[allow(clippy::needless_borrow)]
    fn a_body_type_is_checked_by_its_rules_or_passes_without() {
        assert!((&Refused).apply_rules().is_err());
        assert!((&Unruled).apply_rules().is_ok());
    }
}
