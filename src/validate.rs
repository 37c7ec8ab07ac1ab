//! Checks made before anything is sent; a failure is [`Error::InvalidInput`] naming the field.

use crate::error::{Error, Result};
use std::any::Any;

use crate::types::{
    CalendarProvider, CreateCallRecordingRequest, ExternalRef, FindOrCreateMeetingRequest,
    MeetingTime, NewMeeting, ParticipantStatus,
};

/// Checks a request body of the generated builders before it is sent, for the bodies that have rules
/// across fields (no spec states them); other bodies pass.
pub(crate) fn request_body(body: &dyn Any) -> Result<()> {
    if let Some(request) = body.downcast_ref::<FindOrCreateMeetingRequest>() {
        return new_meeting(&request.data);
    }
    if let Some(request) = body.downcast_ref::<CreateCallRecordingRequest>() {
        return video_url(&request.data.video_url);
    }
    Ok(())
}

/// A find-or-create body Attio would accept.
fn new_meeting(meeting: &NewMeeting) -> Result<()> {
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
    for (i, participant) in meeting.participants.iter().enumerate() {
        let email = participant.email_address.trim();
        if email.is_empty() || !email.contains('@') || email.contains(',') {
            return Err(Error::invalid(
                format!("data.participants[{i}].email_address"),
                format!("`{email}` is not an email address"),
            ));
        }
        if let ParticipantStatus::Unknown(other) = &participant.status {
            return Err(Error::invalid(
                format!("data.participants[{i}].status"),
                format!("`{other}` is not one of accepted, tentative, declined, pending"),
            ));
        }
    }
    for (i, record) in meeting.linked_records.iter().enumerate() {
        if record.object.trim().is_empty() {
            return Err(Error::invalid(
                format!("data.linked_records[{i}].object"),
                "must not be empty",
            ));
        }
    }
    if let ExternalRef::IcalRef(ical) = &meeting.external_ref {
        if ical.ical_uid.trim().is_empty() {
            return Err(Error::invalid(
                "data.external_ref.ical_uid",
                "must not be empty",
            ));
        }
        if let CalendarProvider::Unknown(other) = &ical.provider {
            return Err(Error::invalid(
                "data.external_ref.provider",
                format!("`{other}` is not one of google, microsoft"),
            ));
        }
    }
    Ok(())
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
