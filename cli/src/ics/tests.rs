//! What `read` reports about the parts of events it leaves out (`Read::warnings`, which the `import`
//! command does not print yet), and the recurrence cases the dry-run tests do not reach.

use chrono::{DateTime, Utc};

use super::{Options, Read, Warning, Window, read};

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("an RFC 3339 time")
        .with_timezone(&Utc)
}

/// `events` in a calendar whose zone is London, read over 2026.
fn read_2026(events: &str) -> Read {
    let text = format!(
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nX-WR-TIMEZONE:Europe/London\r\n{events}END:VCALENDAR\r\n"
    );
    let options = Options {
        timezone: None,
        window: Window {
            since: utc("2026-01-01T00:00:00Z"),
            until: utc("2027-01-01T00:00:00Z"),
        },
    };
    match read(&text, &options) {
        Ok(read) => read,
        Err(e) => panic!("not read: {e:?}"),
    }
}

fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The starts of the meetings, as RFC 3339.
fn starts(read: &Read) -> Vec<String> {
    read.meetings
        .iter()
        .map(|p| match &p.meeting.start {
            attio_meetings::types::MeetingTime::Timed { datetime, .. } => datetime.to_rfc3339(),
            attio_meetings::types::MeetingTime::AllDay { date } => date.to_string(),
        })
        .collect()
}

fn emails(read: &Read, index: usize) -> Vec<String> {
    read.meetings[index]
        .meeting
        .participants
        .iter()
        .map(|p| {
            let email: Option<&String> = Option::from(&p.email_address);
            email.cloned().unwrap_or_else(|| "(by name)".into())
        })
        .collect()
}

#[track_caller]
fn one_warning<'a>(read: &'a Read, needle: &str) -> &'a Warning {
    let found: Vec<&Warning> = read
        .warnings
        .iter()
        .filter(|w| w.reason.contains(needle))
        .collect();
    assert_eq!(found.len(), 1, "one warning about {needle:?}: {read:#?}");
    found[0]
}

const ADA: &str = "ORGANIZER;CN=Ada:mailto:ada@example.com\r\n";

#[test]
fn a_garbage_rdate_value_is_left_out_with_its_line_and_the_series_stays() {
    let text = fixture("rdate-garbage.ics");
    let options = Options {
        timezone: None,
        window: Window {
            since: utc("2026-03-01T00:00:00Z"),
            until: utc("2026-03-31T00:00:00Z"),
        },
    };
    let read = read(&text, &options).expect("the fixture is a calendar");
    assert!(read.skipped.is_empty(), "{:#?}", read.skipped);
    assert_eq!(
        starts(&read),
        [
            "2026-03-04T14:00:00+00:00",
            "2026-03-06T14:00:00+00:00",
            "2026-03-11T14:00:00+00:00",
            "2026-03-13T14:00:00+00:00",
            "2026-03-25T14:00:00+00:00",
        ]
    );
    let uid = "designreview4h7k2m9p1r6t@google.com";
    let bad_day = one_warning(&read, "20260399T140000");
    assert_eq!((bad_day.uid.as_str(), bad_day.line), (uid, 14));
    assert!(bad_day.reason.starts_with("RDATE value"), "{bad_day:?}");
    assert!(bad_day.reason.contains("left out"), "{bad_day:?}");
    let words = one_warning(&read, "next Friday");
    assert_eq!((words.uid.as_str(), words.line), (uid, 15));
    assert_eq!(read.warnings.len(), 2, "{:#?}", read.warnings);
}

#[test]
fn an_attendee_whose_address_is_no_email_is_reported_and_the_others_stay() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:mail@x\r\nDTSTART:20260310T120000Z\r\n{ADA}\
         ATTENDEE;PARTSTAT=ACCEPTED:mailto:not an email\r\n\
         ATTENDEE;CN=Bob:mailto:bob@example.com\r\n\
         ATTENDEE;CN=Carol Named:mailto:carol at example\r\nEND:VEVENT\r\n"
    ));
    assert!(read.skipped.is_empty(), "{:#?}", read.skipped);
    assert_eq!(
        emails(&read, 0),
        ["ada@example.com", "bob@example.com", "(by name)"]
    );
    let dropped = one_warning(&read, "mailto:not an email");
    assert_eq!((dropped.uid.as_str(), dropped.line), ("mail@x", 9));
    assert_eq!(
        dropped.reason,
        "ATTENDEE \"mailto:not an email\" has neither an e-mail address nor a name; \
         this attendee is left out"
    );
    // A name is kept, but the address that was meant to be one is still worth telling.
    let by_name = one_warning(&read, "carol at example");
    assert_eq!(by_name.line, 11);
    assert!(by_name.reason.contains("kept by name"), "{by_name:?}");
    assert_eq!(read.warnings.len(), 2, "{:#?}", read.warnings);
}

#[test]
fn an_organizer_whose_address_is_no_email_is_reported_and_the_attendees_stay() {
    let read = read_2026(
        "BEGIN:VEVENT\r\nUID:org@x\r\nDTSTART:20260310T120000Z\r\nORGANIZER;CN=Desk:mailto:front desk\r\n\
         ATTENDEE:mailto:bob@example.com\r\nEND:VEVENT\r\n",
    );
    assert_eq!(emails(&read, 0), ["bob@example.com"]);
    let dropped = one_warning(
        &read,
        "ORGANIZER \"mailto:front desk\" is not an e-mail address",
    );
    assert_eq!((dropped.uid.as_str(), dropped.line), ("org@x", 8));
}

#[test]
fn addresses_follow_the_librarys_rule() {
    // The library takes `ada@localhost` and refuses a list; the old local rule did the opposite.
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:rule@x\r\nDTSTART:20260310T120000Z\r\n{ADA}\
         ATTENDEE:mailto:ops@localhost\r\nATTENDEE:mailto:a,b@example.com\r\nEND:VEVENT\r\n"
    ));
    assert_eq!(emails(&read, 0), ["ada@example.com", "ops@localhost"]);
    one_warning(&read, "a,b@example.com");
}

#[test]
fn nobody_left_skips_the_event_naming_who_was_left_out() {
    let read = read_2026(
        "BEGIN:VEVENT\r\nUID:nobody@x\r\nDTSTART:20260310T120000Z\r\nATTENDEE:mailto:not an email\r\nEND:VEVENT\r\n",
    );
    assert!(read.meetings.is_empty());
    assert!(read.warnings.is_empty(), "the skip says it all");
    assert_eq!(read.skipped.len(), 1);
    assert_eq!(
        read.skipped[0].reason,
        "ATTENDEE \"mailto:not an email\" has neither an e-mail address nor a name; \
         nobody is left, and Attio needs at least one participant"
    );
}

#[test]
fn warnings_of_an_event_outside_the_window_are_not_given() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:old@x\r\nDTSTART:20250310T120000Z\r\n{ADA}ATTENDEE:mailto:not an email\r\nEND:VEVENT\r\n"
    ));
    assert!(read.meetings.is_empty());
    assert!(read.warnings.is_empty(), "{:#?}", read.warnings);
}

#[test]
fn a_bad_rrule_costs_the_rule_not_the_event() {
    // There is no 40th day of a month: the `rrule` crate refuses the rule.
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:rule@x\r\nDTSTART:20260302T100000Z\r\n{ADA}RRULE:FREQ=MONTHLY;BYMONTHDAY=40\r\n\
         RDATE:20260305T100000Z\r\nEND:VEVENT\r\n"
    ));
    assert!(read.skipped.is_empty(), "{:#?}", read.skipped);
    // DTSTART and the RDATE, still told apart as occurrences of a series.
    assert_eq!(
        starts(&read),
        ["2026-03-02T10:00:00+00:00", "2026-03-05T10:00:00+00:00"]
    );
    assert!(read.meetings.iter().all(|p| p.original_start.is_some()));
    let warning = one_warning(&read, "RRULE");
    assert_eq!(warning.line, 9);
    assert!(
        warning
            .reason
            .ends_with("the series is read without this rule"),
        "{warning:?}"
    );
}

#[test]
fn a_bad_exdate_value_is_reported_and_the_others_still_exclude() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:ex@x\r\nDTSTART:20260302T100000Z\r\n{ADA}RRULE:FREQ=DAILY;COUNT=3\r\n\
         EXDATE:20260303T100000Z,yesterday\r\nEND:VEVENT\r\n"
    ));
    assert_eq!(
        starts(&read),
        ["2026-03-02T10:00:00+00:00", "2026-03-04T10:00:00+00:00"]
    );
    let warning = one_warning(&read, "yesterday");
    assert!(warning.reason.contains("not excluded"), "{warning:?}");
}

#[test]
fn date_values_in_a_timed_series_mean_that_day_at_the_series_time() {
    // EXDATE;VALUE=DATE as some exporters write it for a timed series, and an RDATE;VALUE=DATE.
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:dates@x\r\nDTSTART;TZID=Europe/Paris:20260326T090000\r\n\
         DTEND;TZID=Europe/Paris:20260326T100000\r\n{ADA}RRULE:FREQ=DAILY;COUNT=3\r\n\
         EXDATE;VALUE=DATE:20260327\r\nRDATE;VALUE=DATE:20260330\r\nEND:VEVENT\r\n"
    ));
    assert!(read.warnings.is_empty(), "{:#?}", read.warnings);
    // Paris moves to summer time on 29 March.
    assert_eq!(
        starts(&read),
        [
            "2026-03-26T09:00:00+01:00",
            "2026-03-28T09:00:00+01:00",
            "2026-03-30T09:00:00+02:00",
        ]
    );
}

#[test]
fn date_rdates_add_days_to_an_all_day_series() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:days@x\r\nDTSTART;VALUE=DATE:20260302\r\n{ADA}\
         RDATE;VALUE=DATE:20260310,20260312\r\nEND:VEVENT\r\n"
    ));
    assert_eq!(starts(&read), ["2026-03-02", "2026-03-10", "2026-03-12"]);
    let ends: Vec<String> = read
        .meetings
        .iter()
        .map(|p| format!("{:?}", p.meeting.end))
        .collect();
    assert!(
        ends[2].contains("2026-03-13"),
        "each lasts its day: {ends:?}"
    );
}

#[test]
fn an_rdate_equal_to_a_rule_occurrence_is_one_occurrence() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:twice@x\r\nDTSTART:20260302T100000Z\r\n{ADA}RRULE:FREQ=DAILY;COUNT=2\r\n\
         RDATE:20260303T100000Z\r\nEND:VEVENT\r\n"
    ));
    assert_eq!(
        starts(&read),
        ["2026-03-02T10:00:00+00:00", "2026-03-03T10:00:00+00:00"]
    );
}

#[test]
fn a_period_in_an_all_day_series_is_left_out_with_a_warning() {
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:allday@x\r\nDTSTART;VALUE=DATE:20260302\r\n{ADA}\
         RDATE;VALUE=PERIOD:20260305T100000Z/PT1H\r\nRDATE;VALUE=PERIOD:20260306T100000Z/20260306T090000Z\r\nEND:VEVENT\r\n"
    ));
    assert_eq!(starts(&read), ["2026-03-02"]);
    let all_day = one_warning(&read, "all-day series");
    assert_eq!(all_day.line, 9);
    let backwards = one_warning(&read, "ends before it starts");
    assert_eq!(backwards.line, 10);
}

#[test]
fn lines_of_properties_count_the_file_lines_not_the_unfolded_ones() {
    // The first attendee is folded over three lines; the alarm's ATTENDEE is not the event's.
    let read = read_2026(&format!(
        "BEGIN:VEVENT\r\nUID:fold@x\r\nDTSTART:20260310T120000Z\r\n{ADA}\
         ATTENDEE;CN=Someone With A Long Name;PARTSTAT=ACCEPTED:mailto:someone@exa\r\n mple.com\r\n\
         BEGIN:VALARM\r\nACTION:EMAIL\r\nATTENDEE:mailto:alarm@example.com\r\nEND:VALARM\r\n\
         ATTENDEE:mailto:no address at all\r\nEND:VEVENT\r\n"
    ));
    let warning = one_warning(&read, "no address at all");
    assert_eq!(warning.line, 15);
}
