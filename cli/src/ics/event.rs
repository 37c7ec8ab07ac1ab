//! One `VEVENT`, read into what a meeting needs: text, times, people, and its place in a series.

use std::collections::HashMap;

use attio_meetings::types::{NewParticipant, ParticipantStatus};
use calcard::icalendar::{
    ICalendarComponent, ICalendarDuration, ICalendarEntry, ICalendarParameterName,
    ICalendarParameterValue, ICalendarParticipationStatus, ICalendarPeriod, ICalendarProperty,
    ICalendarStatus, ICalendarUserTypes, ICalendarValue, ICalendarValueType,
};

use super::recur::{Recurrence, RecurrenceDate};
use super::times::{self, EventTime, Zones};
use super::{Dropped, Layout};

/// A `VEVENT` as read; `Err` values are the reasons it is skipped.
pub struct Event<'a> {
    /// The line of its `BEGIN:VEVENT` in the file.
    pub line: usize,
    pub title: String,
    pub description: String,
    pub start: EventTime,
    pub end: EventTime,
    pub participants: Vec<NewParticipant>,
    /// Attendees (or their names) left out, each with its line and why.
    pub dropped: Vec<Dropped>,
    pub cancelled: bool,
    /// `RECURRENCE-ID`: the occurrence of its series this event replaces.
    pub replaces: Option<EventTime>,
    pub recurrence: Recurrence<'a>,
}

impl<'a> Event<'a> {
    /// Reads a `VEVENT`; the error is the reason it cannot become a meeting. A value that only adds to
    /// it (one `RDATE`, one attendee...) and cannot be read is left out and noted in `dropped`.
    pub fn read(
        component: &'a ICalendarComponent,
        layout: &Layout,
        zones: &Zones<'_>,
    ) -> Result<Self, String> {
        let mut start = None;
        let mut end = None;
        let mut duration = None;
        // Whether DTSTART is written in UTC: its DURATION's days are then UTC days.
        let mut start_in_utc = false;
        let mut replaces = None;
        let mut recurrence = Recurrence::default();
        // How many properties of each name came before, to find each one's line.
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for entry in &component.entries {
            let name = entry.name.as_str();
            let nth = seen.entry(name).or_default();
            let line = layout.line_of(name, *nth);
            *nth += 1;
            let tzid = entry.tz_id();
            let time = |name: &str, value: &ICalendarValue| match value {
                ICalendarValue::PartialDateTime(dt) => {
                    zones.read(dt, tzid).map_err(|e| format!("{name} {e}"))
                }
                _ => Err(format!("{name} is not a date or date-time")),
            };
            match &entry.name {
                ICalendarProperty::Dtstart => {
                    start_in_utc = entry.values.first().is_some_and(written_in_utc);
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
                    Some(ICalendarValue::Duration(d)) => duration = Some(d),
                    _ => return Err("DURATION is not a duration".into()),
                },
                ICalendarProperty::Rrule => {
                    recurrence.declared = true;
                    for value in &entry.values {
                        match value {
                            ICalendarValue::RecurrenceRule(rule) => {
                                recurrence.rules.push((rule, line))
                            }
                            other => recurrence.dropped.push(Dropped {
                                line,
                                reason: format!(
                                    "RRULE \"{}\" is not a recurrence rule; the series is read without it",
                                    shown(other)
                                ),
                            }),
                        }
                    }
                }
                ICalendarProperty::Rdate => {
                    recurrence.declared = true;
                    for value in &entry.values {
                        match recurrence_date(value, tzid, zones) {
                            Ok((start, end)) => {
                                recurrence.rdates.push(RecurrenceDate { start, end, line })
                            }
                            Err(why) => recurrence.dropped.push(Dropped {
                                line,
                                reason: format!(
                                    "RDATE value \"{}\": {why}; that occurrence is left out",
                                    shown(value)
                                ),
                            }),
                        }
                    }
                }
                ICalendarProperty::Exdate => {
                    for value in &entry.values {
                        // A PERIOD is no EXDATE value (RFC 5545 3.8.5.1), but what it means is clear:
                        // the occurrence starting then.
                        let read = match value {
                            ICalendarValue::Period(
                                ICalendarPeriod::Range { start, .. }
                                | ICalendarPeriod::Duration { start, .. },
                            ) => zones.read(start, tzid),
                            ICalendarValue::PartialDateTime(at) => zones.read(at, tzid),
                            _ => Err("is not a date or date-time".into()),
                        };
                        match read {
                            Ok(at) => recurrence.exdates.push((at, line)),
                            Err(why) => recurrence.dropped.push(Dropped {
                                line,
                                reason: format!(
                                    "EXDATE value \"{}\": {}; that occurrence is not excluded",
                                    shown(value),
                                    it(why)
                                ),
                            }),
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
                EventTime::Date(date) => {
                    let days = duration
                        .to_time_delta()
                        .ok_or("DURATION is out of range")?
                        .num_days()
                        .max(1);
                    date.checked_add_days(chrono::Days::new(days as u64))
                        .map(EventTime::Date)
                }
                EventTime::Timed(at) => {
                    times::add_duration(at, duration, start_in_utc).map(EventTime::Timed)
                }
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
        let mut dropped = Vec::new();
        let participants = participants(component, layout, &mut dropped)?;
        Ok(Event {
            line: layout.begin,
            title: text(component, &ICalendarProperty::Summary)
                .unwrap_or_else(|| "(No title)".into()),
            description: text(component, &ICalendarProperty::Description).unwrap_or_default(),
            start,
            end,
            participants,
            dropped,
            cancelled: component.status() == Some(&ICalendarStatus::Cancelled),
            replaces,
            recurrence,
        })
    }
}

/// One `RDATE` value: a date, a date-time, or a period (start and end, or start and duration; RFC 5545
/// 3.3.9), read in the property's `TZID`. The error says what is wrong with it.
fn recurrence_date(
    value: &ICalendarValue,
    tzid: Option<&str>,
    zones: &Zones<'_>,
) -> Result<(EventTime, Option<EventTime>), String> {
    let period = match value {
        ICalendarValue::PartialDateTime(at) => {
            return Ok((zones.read(at, tzid).map_err(it)?, None));
        }
        ICalendarValue::Period(period) => period,
        _ => return Err("it is not a date, a date-time or a period".into()),
    };
    let (start_value, end) = match period {
        ICalendarPeriod::Range { start, end } => (start, Some(end)),
        ICalendarPeriod::Duration { start, .. } => (start, None),
    };
    let EventTime::Timed(start) = zones.read(start_value, tzid).map_err(it)? else {
        return Err("a period starts at a date-time, not a date".into());
    };
    let end = match (end, period) {
        (Some(end), _) => match zones.read(end, tzid).map_err(|e| format!("its end {e}"))? {
            EventTime::Timed(end) => end,
            EventTime::Date(_) => return Err("a period ends at a date-time, not a date".into()),
        },
        (None, ICalendarPeriod::Duration { duration, .. }) => {
            positive(duration)?;
            let in_utc = start_value.tz_hour.is_some();
            times::add_duration(start, duration, in_utc)
                .ok_or("it ends beyond the calendar's range")?
        }
        (None, ICalendarPeriod::Range { .. }) => return Err("a period needs an end".into()),
    };
    if end < start {
        return Err("it ends before it starts".into());
    }
    Ok((EventTime::Timed(start), Some(EventTime::Timed(end))))
}

fn positive(duration: &ICalendarDuration) -> Result<(), String> {
    if duration.neg {
        Err(format!("its duration {duration} is negative"))
    } else {
        Ok(())
    }
}

/// Whether a date-time is written with `Z` (or an offset): its days are UTC days, not the zone's.
fn written_in_utc(value: &ICalendarValue) -> bool {
    matches!(value, ICalendarValue::PartialDateTime(at) if at.tz_hour.is_some())
}

/// A reason from [`Zones::read`] ("is a floating time...") as a sentence of its own.
fn it(reason: String) -> String {
    if reason.starts_with("is ") {
        format!("it {reason}")
    } else {
        reason
    }
}

/// A value as the file has it, for messages.
fn shown(value: &ICalendarValue) -> String {
    match value {
        ICalendarValue::PartialDateTime(at) => {
            let form = if at.has_time() {
                ICalendarValueType::DateTime
            } else {
                ICalendarValueType::Date
            };
            let mut text = String::new();
            match at.format_as_ical(&mut text, &form) {
                Ok(()) => text,
                Err(_) => "(a date)".into(),
            }
        }
        ICalendarValue::Period(period) => period.to_string(),
        ICalendarValue::Duration(duration) => duration.to_string(),
        ICalendarValue::RecurrenceRule(rule) => rule.to_string(),
        other => other
            .as_text()
            .map(str::to_string)
            .unwrap_or_else(|| "(a value of another type)".into()),
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
/// person record for them). Attio needs at least one participant, so an event with none is refused; any
/// other organizer or attendee that cannot be used is left out and noted in `dropped`, never silently.
fn participants(
    component: &ICalendarComponent,
    layout: &Layout,
    dropped: &mut Vec<Dropped>,
) -> Result<Vec<NewParticipant>, String> {
    let mut people: Vec<NewParticipant> = Vec::new();
    // Who was left out: line, what was wrong, what became of them.
    let mut left_out: Vec<(usize, String, &str)> = Vec::new();
    let name_of = |entry: &ICalendarEntry| {
        entry
            .parameter(&ICalendarParameterName::Cn)
            .and_then(|v| v.as_text())
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::to_string)
    };
    if let Some(entry) = component.property(&ICalendarProperty::Organizer) {
        let line = layout.line_of(ICalendarProperty::Organizer.as_str(), 0);
        match email(entry.calendar_address()) {
            Some(email) => {
                let organizer = NewParticipant::organizer(email);
                people.push(with_name(
                    organizer,
                    name_of(entry),
                    line,
                    "ORGANIZER",
                    dropped,
                ));
            }
            None => left_out.push((
                line,
                format!("ORGANIZER {} is not an e-mail address", address_of(entry)),
                "the meeting is imported without an organizer",
            )),
        }
    }
    for (nth, entry) in component
        .properties(&ICalendarProperty::Attendee)
        .enumerate()
    {
        let line = layout.line_of(ICalendarProperty::Attendee.as_str(), nth);
        let kind = entry.parameter(&ICalendarParameterName::Cutype);
        if matches!(
            kind,
            Some(ICalendarParameterValue::Cutype(
                ICalendarUserTypes::Room | ICalendarUserTypes::Resource
            ))
        ) {
            continue;
        }
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
        let Some(email) = email(entry.calendar_address()) else {
            let Some(name) = name else {
                left_out.push((
                    line,
                    format!(
                        "ATTENDEE {} has neither an e-mail address nor a name",
                        address_of(entry)
                    ),
                    "this attendee is left out",
                ));
                continue;
            };
            match NewParticipant::named(name.as_str(), status) {
                Ok(person) => {
                    // A `mailto:` that is no address is a mistake worth telling; a `urn:` or other
                    // non-mail address is how calendars name people without one.
                    if is_mailto(entry) {
                        dropped.push(Dropped {
                            line,
                            reason: format!(
                                "ATTENDEE {} is not an e-mail address; kept by name (\"{name}\") only",
                                address_of(entry)
                            ),
                        });
                    }
                    people.push(person);
                }
                Err(e) => left_out.push((
                    line,
                    format!(
                        "ATTENDEE {} has no e-mail address and its name (CN) \"{name}\" cannot be used ({e})",
                        address_of(entry)
                    ),
                    "this attendee is left out",
                )),
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
                people.push(with_name(attendee, name, line, "ATTENDEE", dropped));
            }
        }
    }
    if people.is_empty() {
        return Err(if left_out.is_empty() {
            "it has no ORGANIZER or ATTENDEE with an e-mail address or a name; Attio needs at least one participant"
                .into()
        } else {
            let problems: Vec<&str> = left_out
                .iter()
                .map(|(_, problem, _)| problem.as_str())
                .collect();
            format!(
                "{}; nobody is left, and Attio needs at least one participant",
                problems.join("; ")
            )
        });
    }
    dropped.extend(
        left_out
            .into_iter()
            .map(|(line, problem, consequence)| Dropped {
                line,
                reason: format!("{problem}; {consequence}"),
            }),
    );
    // In file order, as a reader goes through the event.
    dropped.sort_by_key(|d| d.line);
    Ok(people)
}

/// `participant` with the name the file gives; a name Attio refuses costs the name only.
fn with_name(
    participant: NewParticipant,
    name: Option<String>,
    line: usize,
    role: &str,
    dropped: &mut Vec<Dropped>,
) -> NewParticipant {
    let Some(name) = name else {
        return participant;
    };
    match participant.clone().with_name(name.as_str()) {
        Ok(named) => named,
        Err(e) => {
            dropped.push(Dropped {
                line,
                reason: format!(
                    "{role}'s name (CN) \"{name}\" cannot be used ({e}); kept without it"
                ),
            });
            participant
        }
    }
}

/// The address of an `ORGANIZER` or `ATTENDEE` as the file has it (`mailto:` included), quoted, for
/// messages.
fn address_of(entry: &ICalendarEntry) -> String {
    match entry.values.first().and_then(|v| v.as_text()) {
        Some(address) if !address.trim().is_empty() => format!("\"{address}\""),
        _ => "(no address)".into(),
    }
}

fn is_mailto(entry: &ICalendarEntry) -> bool {
    entry
        .values
        .first()
        .and_then(|v| v.as_text())
        .and_then(|address| address.trim_start().get(..7))
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("mailto:"))
}

/// A calendar address that is an e-mail (`mailto:` already stripped by calcard), by the library's one
/// rule for addresses: the rule that refuses a meeting before it is sent, so an address this lets through
/// cannot cost the whole meeting later.
fn email(address: Option<&str>) -> Option<String> {
    let address = address?.trim();
    attio_meetings::looks_like_email(address).then(|| address.to_string())
}
