//! Calendars (.ics) into meetings: each event, or each occurrence of a recurring one inside the window,
//! becomes the `NewMeeting` to ensure (Attio creates on every call; the import finds a meeting again by
//! its start, title and organizer, as Attio's "Syncing meetings" guide advises). The iCalendar UID and an
//! occurrence's original start are kept for reports only.

mod event;
mod recur;
mod times;

use std::collections::BTreeMap;

use attio_meetings::types::{MeetingTime, NewMeeting};
use calcard::icalendar::{ICalendar, ICalendarComponentType, ICalendarProperty};
use calcard::{Entry, Parser};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use event::Event;
use times::{EventTime, Zones};

/// Which occurrences are imported: those whose (original) start is in `since..until`.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub since: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

/// What the user said about the calendars.
#[derive(Debug, Clone)]
pub struct Options {
    /// `--timezone`: where floating times are.
    pub timezone: Option<Tz>,
    pub window: Window,
}

/// One meeting to ensure.
#[derive(Debug, Clone)]
pub struct Planned {
    pub uid: String,
    /// The original start of an occurrence of a recurring series (what tells occurrences apart in
    /// reports); `None` for a single event.
    pub original_start: Option<DateTime<chrono::FixedOffset>>,
    pub meeting: NewMeeting,
}

/// An event (or occurrence) that is not imported, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub uid: String,
    pub line: usize,
    pub reason: String,
}

/// What one file holds.
#[derive(Debug, Default)]
pub struct Read {
    /// `VEVENT`s in the file (overrides of an occurrence included).
    pub events: usize,
    pub meetings: Vec<Planned>,
    pub skipped: Vec<Skipped>,
    /// Cancelled events and occurrences (skipped, and not a problem).
    pub cancelled: usize,
}

/// Why a whole file is refused: nothing of it is imported.
#[derive(Debug)]
pub enum FileError {
    NotICalendar(String),
}

/// Reads one file's calendars.
pub fn read(text: &str, options: &Options) -> Result<Read, FileError> {
    let head = text.trim_start_matches('\u{feff}').trim_start();
    if !head
        .get(..15)
        .is_some_and(|begin| begin.eq_ignore_ascii_case("BEGIN:VCALENDAR"))
    {
        return Err(FileError::NotICalendar(
            "it does not start with BEGIN:VCALENDAR".into(),
        ));
    }
    let lines = vevent_lines(text);
    let mut parser = Parser::new(text);
    let mut read = Read::default();
    let mut vevents_seen = 0;
    loop {
        match parser.entry() {
            Entry::ICalendar(calendar) => {
                let count = calendar
                    .components
                    .iter()
                    .filter(|c| c.component_type == ICalendarComponentType::VEvent)
                    .count();
                let first_lines = lines.get(vevents_seen..).unwrap_or_default();
                read_calendar(&calendar, first_lines, options, &mut read)?;
                vevents_seen += count;
            }
            Entry::Eof => break,
            Entry::InvalidLine(line) => {
                return Err(FileError::NotICalendar(format!(
                    "it has a line that is not iCalendar: {}",
                    shorten(&line)
                )));
            }
            Entry::UnterminatedComponent(name) => {
                return Err(FileError::NotICalendar(format!(
                    "its {name} is not closed (no END:{name})"
                )));
            }
            Entry::UnexpectedComponentEnd { expected, found } => {
                return Err(FileError::NotICalendar(format!(
                    "END:{} where END:{} was expected",
                    found.as_str(),
                    expected.as_str()
                )));
            }
            Entry::VCard(_) => {
                return Err(FileError::NotICalendar(
                    "it is a vCard, not a calendar".into(),
                ));
            }
            Entry::TooManyComponents => {
                return Err(FileError::NotICalendar("it has too many components".into()));
            }
            _ => return Err(FileError::NotICalendar("it could not be read".into())),
        }
    }
    Ok(read)
}

fn read_calendar(
    calendar: &ICalendar,
    lines: &[usize],
    options: &Options,
    read: &mut Read,
) -> Result<(), FileError> {
    let root = calendar.components.first();
    let property = |name: &str| {
        root.and_then(|c| {
            c.entries.iter().find(
                |e| matches!(&e.name, ICalendarProperty::Other(n) if n.eq_ignore_ascii_case(name)),
            )
        })
        .and_then(|e| e.values.first())
        .and_then(|v| v.as_text())
    };
    let calendar_zone = property("X-WR-TIMEZONE").and_then(|name| name.trim().parse::<Tz>().ok());
    let zones = Zones {
        resolver: calendar.build_tz_resolver(),
        calendar: calendar_zone,
        floating: options.timezone.or(calendar_zone),
    };

    // Events by UID: the series (or single event) and the overrides of its occurrences.
    let mut by_uid: BTreeMap<&str, (Option<Event<'_>>, Vec<Event<'_>>)> = BTreeMap::new();
    let vevents = calendar
        .components
        .iter()
        .filter(|c| c.component_type == ICalendarComponentType::VEvent);
    for (index, component) in vevents.enumerate() {
        read.events += 1;
        let line = lines.get(index).copied().unwrap_or(0);
        let Some(uid) = component.uid() else {
            read.skipped.push(Skipped {
                uid: "(none)".into(),
                line,
                reason: "it has no UID, so it could not be found again".into(),
            });
            continue;
        };
        match Event::read(component, line, &zones) {
            Ok(event) => {
                let entry = by_uid.entry(uid).or_default();
                if event.replaces.is_some() {
                    entry.1.push(event);
                } else if entry.0.is_some() {
                    read.skipped.push(Skipped {
                        uid: uid.into(),
                        line,
                        reason: "a second event with this UID (not an override: no RECURRENCE-ID)"
                            .into(),
                    });
                } else {
                    entry.0 = Some(event);
                }
            }
            Err(reason) => read.skipped.push(Skipped {
                uid: uid.into(),
                line,
                reason,
            }),
        }
    }

    for (uid, (master, overrides)) in by_uid {
        plan_series(
            uid,
            master.as_ref(),
            &overrides,
            &zones,
            &options.window,
            read,
        );
    }
    Ok(())
}

/// The meetings of one UID: a single event, or the occurrences of a series in the window, each replaced
/// by its override when there is one.
fn plan_series(
    uid: &str,
    master: Option<&Event<'_>>,
    overrides: &[Event<'_>],
    zones: &Zones<'_>,
    window: &Window,
    read: &mut Read,
) {
    let recurring = master
        .is_some_and(|m| !m.recurrence.rules.is_empty() || !m.recurrence.rdates.is_empty())
        || !overrides.is_empty();
    // Each occurrence by its original start, with the event it comes from and whether its own times
    // apply (an override, a single event) or the master's shifted to the occurrence.
    let mut starts: Vec<(EventTime, &Event<'_>, bool)> = Vec::new();
    if let Some(master) = master {
        if master.cancelled {
            read.cancelled += 1;
            return;
        }
        if recurring {
            let skip = |reason| Skipped {
                uid: uid.into(),
                line: master.line,
                reason,
            };
            match recur::occurrences(master.start, &master.recurrence, zones, window) {
                Ok((found, truncated)) => {
                    if truncated {
                        read.skipped.push(skip(format!(
                            "the series has more than {} occurrences in the window; the rest are left out",
                            recur::MAX_PER_SERIES
                        )));
                    }
                    starts.extend(found.into_iter().map(|at| (at, master, false)));
                }
                Err(reason) => {
                    read.skipped.push(skip(reason));
                    return;
                }
            }
        } else if in_window(&master.start, window) {
            starts.push((master.start, master, true));
        }
    }
    // An override replaces the occurrence it names; one whose occurrence the rules do not produce
    // (or whose series is missing) still stands for that occurrence.
    for replacement in overrides {
        let Some(original) = replacement.replaces else {
            continue;
        };
        match starts
            .iter_mut()
            .find(|(at, ..)| at.instant() == original.instant())
        {
            Some(slot) => *slot = (original, replacement, true),
            None if in_window(&original, window) => starts.push((original, replacement, true)),
            None => {}
        }
    }
    starts.sort_by_key(|(at, ..)| at.instant());
    for (original, event, own_times) in starts {
        if event.cancelled {
            read.cancelled += 1;
            continue;
        }
        let times = if own_times {
            Some((event.start, event.end))
        } else {
            shifted(event, original)
        };
        let Some((start, end)) = times else {
            read.skipped.push(Skipped {
                uid: uid.into(),
                line: event.line,
                reason: "an occurrence ends beyond the calendar's range".into(),
            });
            continue;
        };
        let meeting = NewMeeting::builder()
            .title(event.title.clone())
            .description(event.description.clone())
            .start(meeting_time(start))
            .end(meeting_time(end))
            .is_all_day(matches!(start, EventTime::Date(_)))
            .participants(event.participants.clone());
        match NewMeeting::try_from(meeting) {
            Ok(meeting) => read.meetings.push(Planned {
                uid: uid.into(),
                original_start: recurring.then(|| original_instant(original)),
                meeting,
            }),
            Err(e) => read.skipped.push(Skipped {
                uid: uid.into(),
                line: event.line,
                reason: e.to_string(),
            }),
        }
    }
}

/// An occurrence of the master: its start, and its end as long after as the master's (`None` when that
/// end is beyond chrono's range).
fn shifted(master: &Event<'_>, at: EventTime) -> Option<(EventTime, EventTime)> {
    let end = match (master.start, master.end, at) {
        (EventTime::Date(first), EventTime::Date(last), EventTime::Date(day)) => {
            EventTime::Date(day.checked_add_signed(last - first)?)
        }
        (EventTime::Timed(first), EventTime::Timed(last), EventTime::Timed(when)) => {
            EventTime::Timed(when.checked_add_signed(last - first)?)
        }
        _ => at,
    };
    Some((at, end))
}

fn original_instant(at: EventTime) -> DateTime<chrono::FixedOffset> {
    match at {
        EventTime::Timed(at) => at.fixed_offset(),
        EventTime::Date(_) => at.instant().fixed_offset(),
    }
}

fn meeting_time(at: EventTime) -> MeetingTime {
    match at {
        EventTime::Date(date) => MeetingTime::all_day(date),
        EventTime::Timed(at) => MeetingTime::at(at, at.timezone().name()),
    }
}

/// The first instant of `day` in `zone` (a day starting in a DST gap starts when the gap ends).
pub fn midnight(zone: Tz, day: chrono::NaiveDate) -> DateTime<Utc> {
    times::in_zone(zone, day.and_time(chrono::NaiveTime::MIN))
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|_| day.and_time(chrono::NaiveTime::MIN).and_utc())
}

fn in_window(at: &EventTime, window: &Window) -> bool {
    let at = at.instant();
    window.since <= at && at < window.until
}

/// The 1-based line of each `BEGIN:VEVENT`, in file order.
fn vevent_lines(text: &str) -> Vec<usize> {
    text.lines()
        .enumerate()
        .filter(|(_, line)| line.trim_end().eq_ignore_ascii_case("BEGIN:VEVENT"))
        .map(|(i, _)| i + 1)
        .collect()
}

fn shorten(line: &str) -> String {
    let mut short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        short.push_str("...");
    }
    short
}
