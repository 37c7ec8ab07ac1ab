//! The occurrences of a recurring event inside the import window, expanded by the `rrule` crate from
//! `RRULE`, `RDATE` and `EXDATE` in the event's own zone (so a 10:00 weekly meeting stays at 10:00 across
//! daylight-saving changes).

use calcard::icalendar::ICalendarRecurrenceRule;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use rrule::{RRule, RRuleSet, Tz as RTz, Unvalidated};

use super::times::{EventTime, Zones};
use crate::ics::Window;

/// At most this many occurrences of one series inside the window: a `FREQ=MINUTELY` typo must not
/// become a million meetings.
pub const MAX_PER_SERIES: usize = 10_000;

/// A recurrence set: the rules and dates of a master event.
pub struct Recurrence<'a> {
    pub rules: Vec<&'a ICalendarRecurrenceRule>,
    pub rdates: Vec<EventTime>,
    pub exdates: Vec<EventTime>,
}

/// The series' occurrence starts (the "original start" of each) within the window, in order, and
/// whether [`MAX_PER_SERIES`] cut it short.
pub fn occurrences(
    start: EventTime,
    set: &Recurrence<'_>,
    zones: &Zones<'_>,
    window: &Window,
) -> Result<(Vec<EventTime>, bool), String> {
    let zone = match start {
        EventTime::Date(_) => RTz::UTC,
        EventTime::Timed(at) => RTz::Tz(at.timezone()),
    };
    let dt_start = to_rrule(&start, zone);
    let mut rrule_set = RRuleSet::new(dt_start);
    for rule in &set.rules {
        rrule_set = rrule_set.rrule(rule_for(rule, &start, zones, dt_start)?);
    }
    // Without a rule, the set is DTSTART and the RDATEs (RFC 5545 3.8.5.2); the crate yields only the
    // RDATEs then.
    if set.rules.is_empty() {
        rrule_set = rrule_set.rdate(dt_start);
    }
    for rdate in &set.rdates {
        rrule_set = rrule_set.rdate(to_rrule(rdate, zone));
    }
    for exdate in &set.exdates {
        rrule_set = rrule_set.exdate(to_rrule(exdate, zone));
    }
    let mut found = Vec::new();
    for at in &rrule_set {
        let at_utc = at.with_timezone(&Utc);
        if at_utc >= window.until {
            break;
        }
        if at_utc < window.since {
            continue;
        }
        if found.len() == MAX_PER_SERIES {
            return Ok((found, true));
        }
        found.push(from_rrule(&start, at));
    }
    Ok((found, false))
}

/// One `RRULE`, handed to the `rrule` crate as text except for `UNTIL`, which iCalendar writers give as a
/// date, a UTC time or (wrongly) a local time, and which the crate wants in UTC.
fn rule_for(
    rule: &ICalendarRecurrenceRule,
    start: &EventTime,
    zones: &Zones<'_>,
    dt_start: DateTime<RTz>,
) -> Result<rrule::RRule, String> {
    let mut without_until = rule.clone();
    let until = without_until.until.take();
    let parsed: RRule<Unvalidated> = without_until
        .to_string()
        .parse()
        .map_err(|e| format!("RRULE is not valid: {e}"))?;
    let parsed = match until {
        None => parsed,
        Some(until) => {
            let until_time = if until.has_time() {
                zones.read(&until, None).or_else(|_| {
                    // A local UNTIL is read in the series' zone.
                    let local = until
                        .to_date_time()
                        .ok_or_else(|| "RRULE's UNTIL is not a valid date".to_string())?;
                    match start {
                        EventTime::Timed(at) => {
                            super::times::in_zone(at.timezone(), local.date_time)
                                .map(EventTime::Timed)
                        }
                        EventTime::Date(_) => Ok(EventTime::Date(local.date_time.date())),
                    }
                })?
            } else {
                // A date: the whole of that day counts (in the series' zone).
                let date = until
                    .to_date_time()
                    .ok_or_else(|| "RRULE's UNTIL is not a valid date".to_string())?
                    .date_time
                    .date();
                match start {
                    EventTime::Date(_) => EventTime::Date(date),
                    EventTime::Timed(at) => {
                        let end_of_day = date.and_time(
                            NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
                        );
                        EventTime::Timed(super::times::in_zone(at.timezone(), end_of_day)?)
                    }
                }
            };
            parsed.until(until_time.instant().with_timezone(&RTz::UTC))
        }
    };
    parsed
        .validate(dt_start)
        .map_err(|e| format!("RRULE is not valid: {e}"))
}

fn to_rrule(time: &EventTime, zone: RTz) -> DateTime<RTz> {
    match time {
        EventTime::Date(_) => time.instant().with_timezone(&zone),
        EventTime::Timed(at) => at.with_timezone(&zone),
    }
}

fn from_rrule(start: &EventTime, at: DateTime<RTz>) -> EventTime {
    match start {
        EventTime::Date(_) => EventTime::Date(at.with_timezone(&Utc).date_naive()),
        EventTime::Timed(first) => {
            EventTime::Timed(first.timezone().from_utc_datetime(&at.naive_utc()))
        }
    }
}
