//! When an event happens: iCalendar's date and date-time values, read in a real time zone.
//!
//! A `TZID` names the file's `VTIMEZONE`, an IANA zone or a Windows zone as Outlook writes it; calcard
//! resolves all three (following CalConnect's advice to trust a recognised name over the VTIMEZONE's rules).
//! UTC values are shown in the calendar's own zone (`X-WR-TIMEZONE`) when it has one; floating values
//! (no zone at all) are read in the zone the user gave, else the calendar's, else refused.

use calcard::common::PartialDateTime;
use calcard::common::timezone::Tz as IcsTz;
use calcard::icalendar::ICalendarDuration;
use calcard::icalendar::timezone::TzResolver;
use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// A start or end as Attio takes it: a date (all-day) or an instant in a named zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventTime {
    Date(NaiveDate),
    Timed(DateTime<Tz>),
}

impl EventTime {
    /// The instant recurrence rules and the import window work with (an all-day date at 00:00 UTC).
    pub fn instant(&self) -> DateTime<chrono::Utc> {
        match self {
            EventTime::Date(date) => date.and_time(chrono::NaiveTime::MIN).and_utc(),
            EventTime::Timed(at) => at.with_timezone(&chrono::Utc),
        }
    }
}

/// The zones a calendar's values are read in.
pub struct Zones<'a> {
    pub resolver: TzResolver<&'a str>,
    /// `X-WR-TIMEZONE`: how the calendar's owner sees UTC values.
    pub calendar: Option<Tz>,
    /// The zone floating values are read in (`--timezone`, else the calendar's).
    pub floating: Option<Tz>,
}

impl Zones<'_> {
    /// Reads one value (`DTSTART`, `DTEND`, `RECURRENCE-ID`, ...) with its `TZID`; the error says why not.
    pub fn read(&self, value: &PartialDateTime, tzid: Option<&str>) -> Result<EventTime, String> {
        let parsed = value
            .to_date_time()
            .ok_or_else(|| "is not a valid date or date-time".to_string())?;
        if !value.has_time() {
            return Ok(EventTime::Date(parsed.date_time.date()));
        }
        let local = parsed.date_time;
        if let Some(offset) = parsed.offset {
            // `Z` (or an explicit offset, which RFC 5545 does not allow but some writers emit).
            let utc = local - chrono::Duration::seconds(i64::from(offset.local_minus_utc()));
            let zone = self.calendar.unwrap_or(Tz::UTC);
            return Ok(EventTime::Timed(zone.from_utc_datetime(&utc)));
        }
        let zone = match tzid {
            Some(name) => self.zone(name)?,
            None => self.floating.ok_or_else(|| {
                "is a floating time (no zone); pass --timezone ZONE to say where".to_string()
            })?,
        };
        in_zone(zone, local).map(EventTime::Timed)
    }

    /// A `TZID` as an IANA zone.
    pub fn zone(&self, name: &str) -> Result<Tz, String> {
        match self.resolver.resolve(name) {
            Some(IcsTz::Tz(zone)) => Ok(zone),
            Some(IcsTz::Fixed(offset)) => Err(format!(
                "zone \"{name}\" is only a fixed offset ({offset}); Attio needs a named zone"
            )),
            Some(IcsTz::Floating) | None => Err(format!(
                "zone \"{name}\" is unknown: no IANA or Windows zone by that name, and no VTIMEZONE that names one"
            )),
        }
    }
}

/// A wall-clock time in a zone. In a DST gap the time is moved forward by the gap (RFC 5545 3.3.5);
/// in an overlap the first occurrence is taken.
pub fn in_zone(zone: Tz, local: NaiveDateTime) -> Result<DateTime<Tz>, String> {
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at),
        LocalResult::None => {
            let later = local + chrono::Duration::hours(1);
            match zone.from_local_datetime(&later) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at),
                LocalResult::None => Err(format!("{local} does not exist in {zone}")),
            }
        }
    }
}

/// `at` plus an iCalendar duration (`DURATION`, or a `PERIOD`'s): weeks and days are nominal, the same
/// wall time so many days later, and hours, minutes and seconds exact (RFC 5545 3.3.6), so `P1D` across a
/// daylight-saving change still ends at the same time of day. The days are counted in `at`'s zone, or in
/// UTC when the start was written in UTC (`in_utc`; `at` is then only shown in a zone). `None` beyond
/// chrono's range.
pub fn add_duration(
    at: DateTime<Tz>,
    duration: &ICalendarDuration,
    in_utc: bool,
) -> Option<DateTime<Tz>> {
    if in_utc {
        let zone = at.timezone();
        return add_duration(at.with_timezone(&Tz::UTC), duration, false)
            .map(|end| end.with_timezone(&zone));
    }
    let sign = if duration.neg { -1 } else { 1 };
    let days = sign * (i64::from(duration.weeks) * 7 + i64::from(duration.days));
    let exact = sign
        * (i64::from(duration.hours) * 3600
            + i64::from(duration.minutes) * 60
            + i64::from(duration.seconds));
    let day_later = if days == 0 {
        at
    } else {
        let wall = at
            .naive_local()
            .checked_add_signed(chrono::TimeDelta::try_days(days)?)?;
        in_zone(at.timezone(), wall).ok()?
    };
    day_later.checked_add_signed(chrono::TimeDelta::try_seconds(exact)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").expect("a local time")
    }

    #[test]
    fn a_time_in_the_spring_gap_moves_forward_by_the_gap() {
        // 01:30 does not exist in London on 2026-03-29 (01:00 GMT -> 02:00 BST).
        let at = in_zone(chrono_tz::Europe::London, local("2026-03-29T01:30")).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-03-29T02:30:00+01:00");
    }

    #[test]
    fn a_time_in_the_autumn_overlap_is_its_first_occurrence() {
        // 01:30 happens twice in London on 2026-10-25: first in BST.
        let at = in_zone(chrono_tz::Europe::London, local("2026-10-25T01:30")).unwrap();
        assert_eq!(at.to_rfc3339(), "2026-10-25T01:30:00+01:00");
    }

    #[test]
    fn a_day_of_duration_keeps_the_wall_time_across_a_dst_change() {
        let start = in_zone(chrono_tz::Europe::London, local("2026-03-28T09:00")).unwrap();
        let one_day_two_hours = ICalendarDuration {
            neg: false,
            weeks: 0,
            days: 1,
            hours: 2,
            minutes: 0,
            seconds: 0,
        };
        // 23 hours of real time (the clocks go forward), 11:00 on the wall.
        let end = add_duration(start, &one_day_two_hours, false).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-03-29T11:00:00+01:00");
        // Hours alone are exact: PT26H is 26 hours later, 12:00 on the wall.
        let exact = ICalendarDuration {
            days: 0,
            hours: 26,
            ..one_day_two_hours
        };
        let end = add_duration(start, &exact, false).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-03-29T12:00:00+01:00");
        // Written in UTC: a UTC day, 24 hours, whatever zone the start is shown in.
        let end = add_duration(start, &one_day_two_hours, true).unwrap();
        assert_eq!(end.to_rfc3339(), "2026-03-29T12:00:00+01:00");
    }
}
