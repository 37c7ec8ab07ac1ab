//! Constructors on the generated types for the common cases.

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};

use crate::types::{
    MeetingTime, NewCallRecording, NewLinkedRecord, NewParticipant, ParticipantStatus,
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

#[cfg(not(attio_field = "NewMeeting.external_ref"))]
impl crate::types::NewMeeting {
    /// The common case: a meeting with a title, a start and an (exclusive) end, organised by `organizer`
    /// (an email address), no description and no linked records; all-day when the times are dates. Add
    /// attendees by pushing to `participants`. A problem is refused with
    /// [`Error::InvalidInput`](crate::Error::InvalidInput) naming its field (a title over the spec's
    /// bound, times of different forms, an end not after the start, a misspelt zone, an organizer that
    /// is not an email address).
    ///
    /// ```
    /// use attio_meetings::chrono::DateTime;
    /// use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
    ///
    /// let start = DateTime::parse_from_rfc3339("2027-11-27T14:00:00-05:00").unwrap();
    /// let mut meeting = NewMeeting::new(
    ///     "Onboarding",
    ///     MeetingTime::at(start, "America/New_York"),
    ///     MeetingTime::at(start + attio_meetings::chrono::Duration::hours(1), "America/New_York"),
    ///     "ada@example.com",
    /// )?;
    /// meeting.participants.push(NewParticipant::attendee("tom@example.com", ParticipantStatus::Pending));
    /// # Ok::<(), attio_meetings::Error>(())
    /// ```
    pub fn new(
        title: impl Into<String>,
        start: MeetingTime,
        end: MeetingTime,
        organizer: impl Into<String>,
    ) -> crate::Result<Self> {
        // The builder, not a literal: a field the spec adds later keeps its default here, and
        // `is_all_day` follows from the forms of the times (`validate::Derive`).
        let meeting: Self = Self::builder()
            .title(title.into())
            .description(String::new())
            .start(start)
            .end(end)
            .participants(vec![NewParticipant::organizer(organizer)])
            .try_into()
            .map_err(|e: crate::types::error::ConversionError| {
                crate::Error::from(crate::args::Refused::conversion("data", e))
            })?;
        crate::validate::new_meeting(&meeting)?;
        Ok(meeting)
    }
}

impl NewParticipant {
    /// The organizer, who accepted.
    pub fn organizer(email: impl Into<String>) -> Self {
        Self::attendee(email, ParticipantStatus::Accepted).as_organizer()
    }

    /// An attendee with their answer.
    pub fn attendee(email: impl Into<String>, status: ParticipantStatus) -> Self {
        Self {
            // `Option<String>` in today's API, `String` in documents from before names (2026-07).
            email_address: email.into().into(),
            #[cfg(attio_field = "NewParticipant.name")]
            name: None,
            is_organizer: false,
            status,
        }
    }

    /// Makes this participant the organizer.
    pub fn as_organizer(self) -> Self {
        Self {
            is_organizer: true,
            ..self
        }
    }
}

#[cfg(attio_field = "NewParticipant.name")]
impl NewParticipant {
    /// Someone known by name only (no email address): Attio shows the name and creates no person or
    /// company record. The name must not be empty.
    ///
    /// ```
    /// use attio_meetings::types::{NewParticipant, ParticipantStatus};
    /// let guest = NewParticipant::named("Front desk", ParticipantStatus::Accepted)?;
    /// # Ok::<(), attio_meetings::Error>(())
    /// ```
    pub fn named(name: impl Into<String>, status: ParticipantStatus) -> crate::Result<Self> {
        Ok(Self {
            email_address: None,
            name: Some(participant_name(name.into())?),
            is_organizer: false,
            status,
        })
    }

    /// Gives the participant a name as well (shown by Attio next to the email address). The name must
    /// not be empty.
    pub fn with_name(self, name: impl Into<String>) -> crate::Result<Self> {
        Ok(Self {
            name: Some(participant_name(name.into())?),
            ..self
        })
    }
}

#[cfg(attio_field = "NewParticipant.name")]
fn participant_name(name: String) -> crate::Result<crate::types::NewParticipantName> {
    crate::types::NewParticipantName::try_from(name)
        .map_err(|e| crate::Error::invalid("data.participants[].name", e.to_string()))
}

impl NewCallRecording {
    /// A recording of the video at `video_url` (public, `https`, an `.mp4`; Attio downloads it). Attio
    /// makes no transcript-based summary of a recording sent without a transcript: add one with
    /// [`with_transcript`](Self::with_transcript) when you have it.
    pub fn from_video(video_url: impl Into<String>) -> Self {
        Self {
            // `Option<String>` in today's API, `String` in documents from before transcript uploads.
            video_url: video_url.into().into(),
            #[cfg(attio_field = "NewCallRecording.transcript")]
            transcript: Vec::new(),
        }
    }
}

#[cfg(attio_field = "NewCallRecording.transcript")]
impl NewCallRecording {
    /// A recording made of a transcript only (Attio fully supports recordings without video).
    ///
    /// ```
    /// use attio_meetings::types::{NewCallRecording, NewTranscriptSegment};
    /// let recording = NewCallRecording::from_transcript(vec![
    ///     NewTranscriptSegment::new("Ada", 0.0, 2.5, "Shall we start?"),
    ///     NewTranscriptSegment::new("Tom", 2.5, 4.0, "Yes, please.").speaker_email("tom@example.com"),
    /// ]);
    /// # let _ = recording;
    /// ```
    pub fn from_transcript(segments: Vec<crate::types::NewTranscriptSegment>) -> Self {
        Self {
            video_url: None,
            transcript: segments,
        }
    }

    /// Adds the transcript of the video.
    pub fn with_transcript(self, segments: Vec<crate::types::NewTranscriptSegment>) -> Self {
        Self {
            transcript: segments,
            ..self
        }
    }

    /// Adds the video the transcript belongs to.
    pub fn with_video(self, video_url: impl Into<String>) -> Self {
        Self {
            video_url: Some(video_url.into()),
            ..self
        }
    }
}

#[cfg(attio_field = "NewCallRecording.transcript")]
impl crate::types::NewTranscriptSegment {
    /// `speech` said by `speaker` from `start_time` to `end_time` (seconds from the start of the
    /// recording).
    pub fn new(
        speaker: impl Into<String>,
        start_time: f64,
        end_time: f64,
        speech: impl Into<String>,
    ) -> Self {
        Self {
            speech: speech.into(),
            start_time,
            end_time,
            speaker: crate::types::NewSpeaker {
                name: speaker.into(),
                email_address: None,
            },
        }
    }

    /// The speaker's email address.
    pub fn speaker_email(mut self, email: impl Into<String>) -> Self {
        self.speaker.email_address = Some(email.into());
        self
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
