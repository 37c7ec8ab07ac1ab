//! Calendars (.ics) into meetings: each event, or each occurrence of a recurring one inside the window,
//! becomes the `NewMeeting` to ensure (Attio creates on every call; the import finds a meeting again by
//! its start, title and organizer, as Attio's "Syncing meetings" guide advises). The iCalendar UID and an
//! occurrence's original start are kept for reports only.
//!
//! An event that cannot become a meeting (no usable start, nobody to invite...) is skipped with a report.
//! A part of one that cannot be used (one `RDATE` value, one attendee...) is left out with a warning, and
//! the rest of the event still counts.

mod event;
mod recur;
#[cfg(test)]
mod tests;
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

/// A part of an event left out (one `RDATE` or `EXDATE` value, one `RRULE`, one attendee...) while the
/// rest of it is imported: the line of that part, and what was wrong and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
// Not printed by `import` yet (it reads `skipped` only); the tests read it.
#[cfg_attr(not(test), allow(dead_code))]
pub struct Warning {
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
    /// Parts of imported events left out. An event's are given when it yields a meeting in the window
    /// (its recurrence's, when its series is not cancelled: a bad `RDATE` may have been in the window).
    #[cfg_attr(not(test), allow(dead_code))]
    pub warnings: Vec<Warning>,
    /// Cancelled events and occurrences (skipped, and not a problem).
    pub cancelled: usize,
}

/// A part of an event left out while reading it: its line and why (the UID is added by the caller).
struct Dropped {
    line: usize,
    reason: String,
}

/// Where one `VEVENT` is in the file: the line of its `BEGIN:VEVENT`, and those of its own properties
/// (not its alarms'), by name in upper case, in file order. Lines are the file's own, before unfolding.
#[derive(Debug, Default)]
struct Layout {
    begin: usize,
    properties: Vec<(String, usize)>,
}

impl Layout {
    /// The line of the event's `nth` (from 0) `name` property; its `BEGIN:VEVENT` line if not found.
    fn line_of(&self, name: &str, nth: usize) -> usize {
        self.properties
            .iter()
            .filter(|(property, _)| property.eq_ignore_ascii_case(name))
            .nth(nth)
            .map_or(self.begin, |&(_, line)| line)
    }
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
    let layouts = vevent_layouts(text);
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
                let layouts = layouts.get(vevents_seen..).unwrap_or_default();
                read_calendar(&calendar, layouts, options, &mut read)?;
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
    layouts: &[Layout],
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
    let unknown = Layout::default();
    for (index, component) in vevents.enumerate() {
        read.events += 1;
        let layout = layouts.get(index).unwrap_or(&unknown);
        let line = layout.begin;
        let Some(uid) = component.uid() else {
            read.skipped.push(Skipped {
                uid: "(none)".into(),
                line,
                reason: "it has no UID, so it could not be found again".into(),
            });
            continue;
        };
        match Event::read(component, layout, &zones) {
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

/// How an occurrence's times are found.
#[derive(Clone, Copy)]
enum Times {
    /// The event's own (a single event, an override).
    Own,
    /// The master's, moved to the occurrence's start.
    Shifted,
    /// From the occurrence's start to this end (an `RDATE` period).
    Until(EventTime),
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
    let recurring = master.is_some_and(|m| m.recurrence.declared) || !overrides.is_empty();
    let warn = |read: &mut Read, dropped: Vec<&Dropped>| {
        read.warnings.extend(dropped.into_iter().map(|d| Warning {
            uid: uid.into(),
            line: d.line,
            reason: d.reason.clone(),
        }));
    };
    // Each occurrence by its original start, with the event it comes from and how its times are found.
    let mut starts: Vec<(EventTime, &Event<'_>, Times)> = Vec::new();
    if let Some(master) = master {
        if master.cancelled {
            read.cancelled += 1;
            return;
        }
        if recurring {
            let expansion = recur::occurrences(master.start, &master.recurrence, zones, window);
            let mut dropped: Vec<&Dropped> = master
                .recurrence
                .dropped
                .iter()
                .chain(&expansion.dropped)
                .collect();
            dropped.sort_by_key(|d| d.line);
            warn(read, dropped);
            if expansion.truncated {
                read.skipped.push(Skipped {
                    uid: uid.into(),
                    line: master.line,
                    reason: format!(
                        "the series has more than {} occurrences in the window; the rest are left out",
                        recur::MAX_PER_SERIES
                    ),
                });
            }
            starts.extend(expansion.occurrences.into_iter().map(|at| {
                let times = at.end.map_or(Times::Shifted, Times::Until);
                (at.start, master, times)
            }));
        } else if in_window(&master.start, window) {
            starts.push((master.start, master, Times::Own));
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
            Some(slot) => *slot = (original, replacement, Times::Own),
            None if in_window(&original, window) => {
                starts.push((original, replacement, Times::Own))
            }
            None => {}
        }
    }
    starts.sort_by_key(|(at, ..)| at.instant());
    // Whose warnings are given: each event's once, if it yields a meeting.
    let mut warned: Vec<&Event<'_>> = Vec::new();
    for (original, event, how) in starts {
        if event.cancelled {
            read.cancelled += 1;
            continue;
        }
        let times = match how {
            Times::Own => Some((event.start, event.end)),
            Times::Shifted => shifted(event, original),
            Times::Until(end) => Some((original, end)),
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
            Ok(meeting) => {
                if !warned.iter().any(|seen| std::ptr::eq(*seen, event)) {
                    warned.push(event);
                    warn(read, event.dropped.iter().collect());
                }
                read.meetings.push(Planned {
                    uid: uid.into(),
                    original_start: recurring.then(|| original_instant(original)),
                    meeting,
                })
            }
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

/// Where each `VEVENT` is, in file order (see [`Layout`]).
fn vevent_layouts(text: &str) -> Vec<Layout> {
    let mut layouts: Vec<Layout> = Vec::new();
    // Components open inside the current VEVENT, itself included (0: not in one).
    let mut depth = 0usize;
    for (index, raw) in text.lines().enumerate() {
        // A folded line's continuation: the property started on an earlier line.
        if raw.starts_with([' ', '\t']) {
            continue;
        }
        let line = raw.trim_end();
        let starts = |prefix: &str| {
            line.get(..prefix.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
        };
        if depth == 0 {
            if line.eq_ignore_ascii_case("BEGIN:VEVENT") {
                layouts.push(Layout {
                    begin: index + 1,
                    properties: Vec::new(),
                });
                depth = 1;
            }
        } else if starts("BEGIN:") {
            depth += 1;
        } else if starts("END:") {
            depth -= 1;
        } else if depth == 1
            && let Some(layout) = layouts.last_mut()
        {
            let name = line.split([';', ':']).next().unwrap_or_default();
            layout
                .properties
                .push((name.to_ascii_uppercase(), index + 1));
        }
    }
    layouts
}

fn shorten(line: &str) -> String {
    let mut short: String = line.chars().take(60).collect();
    if short.len() < line.len() {
        short.push_str("...");
    }
    short
}
