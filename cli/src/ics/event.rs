//! One `VEVENT`, read into what a meeting needs: text, times, people, and its place in a series.

use attio_meetings::types::{NewParticipant, ParticipantStatus};
use calcard::icalendar::{
    ICalendarComponent, ICalendarParameterName, ICalendarParameterValue,
    ICalendarParticipationStatus, ICalendarProperty, ICalendarStatus, ICalendarUserTypes,
    ICalendarValue,
};

use super::recur::Recurrence;
use super::times::{EventTime, Zones};

/// A `VEVENT` as read; `Err` values are the reasons it is skipped.
pub struct Event<'a> {
    /// The line of its `BEGIN:VEVENT` in the file.
    pub line: usize,
    pub title: String,
    pub description: String,
    pub start: EventTime,
    pub end: EventTime,
    pub participants: Vec<NewParticipant>,
    pub cancelled: bool,
    /// `RECURRENCE-ID`: the occurrence of its series this event replaces.
    pub replaces: Option<EventTime>,
    pub recurrence: Recurrence<'a>,
}

impl<'a> Event<'a> {
    /// Reads a `VEVENT`; the error is the reason it cannot become a meeting.
    pub fn read(
        component: &'a ICalendarComponent,
        line: usize,
        zones: &Zones<'_>,
    ) -> Result<Self, String> {
        let mut start = None;
        let mut end = None;
        let mut duration = None;
        let mut replaces = None;
        let mut recurrence = Recurrence {
            rules: Vec::new(),
            rdates: Vec::new(),
            exdates: Vec::new(),
        };
        for entry in &component.entries {
            let tzid = entry.tz_id();
            let time = |name: &str, value: &ICalendarValue| match value {
                ICalendarValue::PartialDateTime(dt) => {
                    zones.read(dt, tzid).map_err(|e| format!("{name} {e}"))
                }
                _ => Err(format!("{name} is not a date or date-time")),
            };
            match &entry.name {
                ICalendarProperty::Dtstart => {
                    start = entry
                        .values
                        .first()
                        .map(|v| time("DTSTART", v))
                        .transpose()?
                }
                ICalendarProperty::Dtend => {
                    end = entry.values.first().map(|v| time("DTEND", v)).transpose()?
                }
                ICalendarProperty::RecurrenceId => {
                    replaces = entry
                        .values
                        .first()
                        .map(|v| time("RECURRENCE-ID", v))
                        .transpose()?
                }
                ICalendarProperty::Duration => match entry.values.first() {
                    Some(ICalendarValue::Duration(d)) => {
                        duration = Some(d.to_time_delta().ok_or("DURATION is out of range")?)
                    }
                    _ => return Err("DURATION is not a duration".into()),
                },
                ICalendarProperty::Rrule => {
                    for value in &entry.values {
                        match value {
                            ICalendarValue::RecurrenceRule(rule) => recurrence.rules.push(rule),
                            _ => return Err("RRULE is not a recurrence rule".into()),
                        }
                    }
                }
                ICalendarProperty::Rdate | ICalendarProperty::Exdate => {
                    let name = if entry.name == ICalendarProperty::Rdate {
                        "RDATE"
                    } else {
                        "EXDATE"
                    };
                    for value in &entry.values {
                        let at = match value {
                            ICalendarValue::Period(_) => {
                                return Err(format!("{name} with a PERIOD value is not supported"));
                            }
                            other => time(name, other)?,
                        };
                        match name {
                            "RDATE" => recurrence.rdates.push(at),
                            _ => recurrence.exdates.push(at),
                        }
                    }
                }
                _ => {}
            }
        }
        let start = start.ok_or("it has no DTSTART")?;
        let end = match (end, duration) {
            (Some(end), _) => end,
            (None, Some(duration)) => match start {
                EventTime::Date(date) => date
                    .checked_add_days(chrono::Days::new(duration.num_days().max(1) as u64))
                    .map(EventTime::Date),
                EventTime::Timed(at) => at.checked_add_signed(duration).map(EventTime::Timed),
            }
            .ok_or("DURATION ends beyond the calendar's range")?,
            // RFC 5545 3.6.1: an all-day event without an end lasts its day; a timed one is an instant.
            (None, None) => match start {
                EventTime::Date(date) => date
                    .checked_add_days(chrono::Days::new(1))
                    .map(EventTime::Date)
                    .ok_or("it starts on the calendar's last possible day")?,
                timed => timed,
            },
        };
        match (start, end) {
            (EventTime::Date(_), EventTime::Timed(_))
            | (EventTime::Timed(_), EventTime::Date(_)) => {
                return Err("DTSTART and DTEND mix a date with a date-time".into());
            }
            _ if end.instant() < start.instant() => return Err("it ends before it starts".into()),
            _ => {}
        }
        Ok(Event {
            line,
            title: text(component, &ICalendarProperty::Summary)
                .unwrap_or_else(|| "(No title)".into()),
            description: text(component, &ICalendarProperty::Description).unwrap_or_default(),
            start,
            end,
            participants: participants(component)?,
            cancelled: component.status() == Some(&ICalendarStatus::Cancelled),
            replaces,
            recurrence,
        })
    }
}

fn text(component: &ICalendarComponent, property: &ICalendarProperty) -> Option<String> {
    component
        .property(property)
        .and_then(|entry| entry.values.first())
        .and_then(|value| value.as_text())
        .map(str::to_string)
}

/// The organizer first, then the attendees in file order; an attendee who is the organizer is merged into
/// the organizer's entry. Rooms and resources are not people and are left out. Names (`CN`) go with the
/// addresses; an attendee with a name and no address is a participant by name (Attio then creates no
/// person record for them). Attio needs at least one participant.
fn participants(component: &ICalendarComponent) -> Result<Vec<NewParticipant>, String> {
    let mut people: Vec<NewParticipant> = Vec::new();
    let name_of = |entry: &calcard::icalendar::ICalendarEntry| {
        entry
            .parameter(&ICalendarParameterName::Cn)
            .and_then(|v| v.as_text())
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
    };
    let organizer = component.property(&ICalendarProperty::Organizer);
    if let Some(entry) = organizer
        && let Some(email) = email(entry.calendar_address())
    {
        let organizer = NewParticipant::organizer(email);
        people.push(match name_of(entry) {
            Some(name) => organizer.clone().with_name(name).unwrap_or(organizer),
            None => organizer,
        });
    }
    for entry in component.properties(&ICalendarProperty::Attendee) {
        let kind = entry.parameter(&ICalendarParameterName::Cutype);
        if matches!(
            kind,
            Some(ICalendarParameterValue::Cutype(
                ICalendarUserTypes::Room | ICalendarUserTypes::Resource
            ))
        ) {
            continue;
        }
        let address = entry.calendar_address();
        let name = name_of(entry);
        let status = match entry.parameter(&ICalendarParameterName::Partstat) {
            Some(ICalendarParameterValue::Partstat(ICalendarParticipationStatus::Accepted)) => {
                ParticipantStatus::Accepted
            }
            Some(ICalendarParameterValue::Partstat(ICalendarParticipationStatus::Tentative)) => {
                ParticipantStatus::Tentative
            }
            Some(ICalendarParameterValue::Partstat(ICalendarParticipationStatus::Declined)) => {
                ParticipantStatus::Declined
            }
            _ => ParticipantStatus::Pending,
        };
        let Some(email) = email(address) else {
            match name {
                Some(name) => people.push(
                    NewParticipant::named(name, status)
                        .map_err(|e| format!("an ATTENDEE's name: {e}"))?,
                ),
                None => {
                    return Err(format!(
                        "ATTENDEE \"{}\" has neither an e-mail address nor a name",
                        address.unwrap_or("(empty)")
                    ));
                }
            }
            continue;
        };
        match people.iter_mut().find(|p| {
            p.email_address
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(&email))
        }) {
            Some(existing) => existing.status = status,
            None => {
                let attendee = NewParticipant::attendee(email, status);
                people.push(match name {
                    Some(name) => attendee.clone().with_name(name).unwrap_or(attendee),
                    None => attendee,
                });
            }
        }
    }
    if people.is_empty() {
        return Err(
            "it has no ORGANIZER or ATTENDEE with an e-mail address or a name; Attio needs at least one participant"
                .into(),
        );
    }
    Ok(people)
}

/// A calendar address that is an e-mail (`mailto:` already stripped by calcard).
fn email(address: Option<&str>) -> Option<String> {
    let address = address?.trim();
    let (local, domain) = address.split_once('@')?;
    (!local.is_empty() && domain.contains('.') && !address.contains(char::is_whitespace))
        .then(|| address.to_string())
}
