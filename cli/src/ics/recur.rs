//! The occurrences of a recurring event inside the import window, expanded by the `rrule` crate from
//! `RRULE`, `RDATE` and `EXDATE` in the event's own zone (so a 10:00 weekly meeting stays at 10:00 across
//! daylight-saving changes).
//!
//! A rule or date that cannot be used is left out of the set, with its line and why, and the rest of the
//! series still counts: one odd value must not cost the whole series.

use std::collections::HashMap;

use calcard::icalendar::ICalendarRecurrenceRule;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use rrule::{RRule, RRuleSet, Tz as RTz, Unvalidated};

use super::Dropped;
use super::times::{EventTime, Zones};
use crate::ics::Window;

/// At most this many occurrences of one series inside the window: a `FREQ=MINUTELY` typo must not
/// become a million meetings.
pub const MAX_PER_SERIES: usize = 10_000;

/// A recurrence set: the rules and dates of a master event, each with the line it is on.
#[derive(Default)]
pub struct Recurrence<'a> {
    /// Whether the event has an `RRULE` or `RDATE` at all, even one left out: it is then a series, whose
    /// occurrences are told apart by their original start.
    pub declared: bool,
    pub rules: Vec<(&'a ICalendarRecurrenceRule, usize)>,
    pub rdates: Vec<RecurrenceDate>,
    pub exdates: Vec<(EventTime, usize)>,
    /// Values that could not be read, left out of the set.
    pub dropped: Vec<Dropped>,
}

/// One `RDATE` value: a start, and for a `PERIOD` its own end (RFC 5545 3.8.5.2).
pub struct RecurrenceDate {
    pub start: EventTime,
    pub end: Option<EventTime>,
    pub line: usize,
}

/// One occurrence: its original start, and its own end when it comes from an `RDATE` period (otherwise
/// it lasts as long as the series' first).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurrence {
    pub start: EventTime,
    pub end: Option<EventTime>,
}

/// What [`occurrences`] found.
pub struct Expansion {
    /// In order, at most [`MAX_PER_SERIES`].
    pub occurrences: Vec<Occurrence>,
    /// Whether [`MAX_PER_SERIES`] cut the series short.
    pub truncated: bool,
    /// Rules and dates left out, each with its line and why.
    pub dropped: Vec<Dropped>,
}

/// The series' occurrences (by their "original start") within the window, in order.
pub fn occurrences(
    start: EventTime,
    set: &Recurrence<'_>,
    zones: &Zones<'_>,
    window: &Window,
) -> Expansion {
    let zone = match start {
        EventTime::Date(_) => RTz::UTC,
        EventTime::Timed(at) => RTz::Tz(at.timezone()),
    };
    let mut dropped = Vec::new();
    let dt_start = to_rrule(&start, zone);
    let mut rrule_set = RRuleSet::new(dt_start);
    let mut rules = 0;
    for &(rule, line) in &set.rules {
        match rule_for(rule, &start, zones, dt_start) {
            Ok(rule) => {
                rrule_set = rrule_set.rrule(rule);
                rules += 1;
            }
            Err(reason) => dropped.push(Dropped {
                line,
                reason: format!("{reason}; the series is read without this rule"),
            }),
        }
    }
    // Without a rule, the set is DTSTART and the RDATEs (RFC 5545 3.8.5.2); the crate yields only the
    // RDATEs then.
    if rules == 0 {
        rrule_set = rrule_set.rdate(dt_start);
    }
    // The crate knows starts only: a period's end is kept here, by the instant it starts at.
    let mut period_ends: HashMap<i64, EventTime> = HashMap::new();
    for rdate in &set.rdates {
        let at = match conform(rdate.start, &start) {
            Ok(at) => at,
            Err(reason) => {
                dropped.push(Dropped {
                    line: rdate.line,
                    reason: format!("RDATE {reason}; that occurrence is left out"),
                });
                continue;
            }
        };
        if let Some(end) = rdate.end {
            let EventTime::Timed(first) = start else {
                dropped.push(Dropped {
                    line: rdate.line,
                    reason: "RDATE with a PERIOD value in an all-day series (DTSTART is a date); \
                             that occurrence is left out"
                        .into(),
                });
                continue;
            };
            // Shown in the series' zone, like its start.
            let end = match end {
                EventTime::Timed(end) => EventTime::Timed(end.with_timezone(&first.timezone())),
                date => date,
            };
            period_ends.entry(at.instant().timestamp()).or_insert(end);
        }
        rrule_set = rrule_set.rdate(to_rrule(&at, zone));
    }
    for &(exdate, line) in &set.exdates {
        match conform(exdate, &start) {
            Ok(at) => rrule_set = rrule_set.exdate(to_rrule(&at, zone)),
            Err(reason) => dropped.push(Dropped {
                line,
                reason: format!("EXDATE {reason}; that occurrence is not excluded"),
            }),
        }
    }
    let mut found: Vec<Occurrence> = Vec::new();
    let mut truncated = false;
    for at in &rrule_set {
        let at_utc = at.with_timezone(&Utc);
        if at_utc >= window.until {
            break;
        }
        if at_utc < window.since {
            continue;
        }
        // The crate yields a start once per rule or date that makes it; RFC 5545 3.8.5.3 counts it once.
        if found
            .last()
            .is_some_and(|last| last.start.instant() == at_utc)
        {
            continue;
        }
        if found.len() == MAX_PER_SERIES {
            truncated = true;
            break;
        }
        found.push(Occurrence {
            start: from_rrule(&start, at),
            end: period_ends.get(&at_utc.timestamp()).copied(),
        });
    }
    Expansion {
        occurrences: found,
        truncated,
        dropped,
    }
}

/// An `RDATE` or `EXDATE` value in the form of the series' `DTSTART`: a date in a timed series is that
/// day at DTSTART's wall time, in DTSTART's zone (what exporters mean by `EXDATE;VALUE=DATE` on a timed
/// series); a date-time in an all-day series is its own date.
fn conform(value: EventTime, start: &EventTime) -> Result<EventTime, String> {
    match (value, start) {
        (EventTime::Date(day), EventTime::Timed(first)) => {
            super::times::in_zone(first.timezone(), day.and_time(first.naive_local().time()))
                .map(EventTime::Timed)
                .map_err(|e| format!("{day} at the series' time of day: {e}"))
        }
        (EventTime::Timed(at), EventTime::Date(_)) => Ok(EventTime::Date(at.date_naive())),
        (value, _) => Ok(value),
    }
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
