//! Constructors on the generated types for the common cases.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use crate::error::{Error, Result};
use crate::types::{
    CalendarProvider, ExternalId, ExternalRef, IcalRef, MeetingTime, NewLinkedRecord,
    NewParticipant, ParticipantStatus,
};

impl MeetingTime {
    /// A timed meeting's start or end at `datetime` (its offset is kept), in the IANA timezone `timezone`.
    ///
    /// ```
    /// use attio_meetings::types::MeetingTime;
    /// let start = MeetingTime::at(
    ///     chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00-05:00").unwrap(),
    ///     "America/New_York",
    /// );
    /// # let _ = start;
    /// ```
    pub fn at<Tz: TimeZone>(datetime: DateTime<Tz>, timezone: impl Into<String>) -> Self {
        MeetingTime::Timed {
            datetime: datetime.fixed_offset(),
            timezone: Some(timezone.into()),
        }
    }

    /// A timed meeting's start or end without a timezone (Attio shows it in UTC).
    pub fn instant<Tz: TimeZone>(datetime: DateTime<Tz>) -> Self {
        MeetingTime::Timed {
            datetime: datetime.fixed_offset(),
            timezone: None,
        }
    }

    /// An all-day meeting's start, or its (exclusive) end.
    pub fn all_day(date: NaiveDate) -> Self {
        MeetingTime::AllDay { date }
    }

    /// The instant, for timed meetings.
    pub fn datetime(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            MeetingTime::Timed { datetime, .. } => Some(*datetime),
            MeetingTime::AllDay { .. } => None,
        }
    }

    /// The date, for all-day meetings.
    pub fn date(&self) -> Option<NaiveDate> {
        match self {
            MeetingTime::AllDay { date } => Some(*date),
            MeetingTime::Timed { .. } => None,
        }
    }
}

impl ExternalRef {
    /// Your own system's stable id for the meeting; it must not be empty.
    pub fn id(id: impl Into<String>) -> Result<Self> {
        let id: String = id.into();
        ExternalId::try_from(id)
            .map(ExternalRef::ExternalId)
            .map_err(|_| Error::invalid("data.external_ref", "must not be empty"))
    }

    /// The iCalendar identity of a calendar event (what events synced from Google or Microsoft must use).
    /// Mark recurring events with [`ExternalRef::recurring`].
    pub fn ical(ical_uid: impl Into<String>, provider: CalendarProvider) -> Self {
        ExternalRef::IcalRef(IcalRef {
            ical_uid: ical_uid.into(),
            provider,
            is_recurring: false,
            original_start_time: None,
        })
    }

    /// Marks an iCal reference as part of a recurring series; `original_start` identifies an exception
    /// (an occurrence moved or changed), which shares the series' UID. No effect on plain ids.
    pub fn recurring<Tz: TimeZone>(self, original_start: Option<DateTime<Tz>>) -> Self {
        match self {
            ExternalRef::IcalRef(ical) => ExternalRef::IcalRef(IcalRef {
                is_recurring: true,
                original_start_time: original_start.map(|d| d.fixed_offset()),
                ..ical
            }),
            plain => plain,
        }
    }
}

/// `"crm-event-42".try_into()`: your own id as an external reference (refused when empty), so the
/// generated builder's `.external_ref("crm-event-42")` works.
impl TryFrom<&str> for ExternalRef {
    type Error = Error;
    fn try_from(id: &str) -> Result<Self> {
        ExternalRef::id(id)
    }
}

impl TryFrom<String> for ExternalRef {
    type Error = Error;
    fn try_from(id: String) -> Result<Self> {
        ExternalRef::id(id)
    }
}

impl NewParticipant {
    /// The organizer, who accepted.
    pub fn organizer(email: impl Into<String>) -> Self {
        Self {
            email_address: email.into(),
            is_organizer: true,
            status: ParticipantStatus::Accepted,
        }
    }

    /// An attendee with their answer.
    pub fn attendee(email: impl Into<String>, status: ParticipantStatus) -> Self {
        Self {
            email_address: email.into(),
            is_organizer: false,
            status,
        }
    }
}

impl NewLinkedRecord {
    /// A record of `object` (slug such as `people`, or the object's id) to link the meeting to.
    pub fn new(object: impl Into<String>, record_id: uuid::Uuid) -> Self {
        Self {
            object: object.into(),
            record_id,
        }
    }
}
