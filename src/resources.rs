//! The ergonomic handles: `client.meetings()`, `client.call_recordings(meeting_id)` and
//! `client.transcript(meeting_id, call_recording_id)`.
//!
//! Each is a thin shortcut to the generated builders of [`crate::api`], with the ids already set; the
//! builders carry every parameter the spec declares. What is written here is what no spec can say:
//! parameters that only make sense together, and the merge of a transcript's pages.

use std::fmt::Display;
use std::time::Duration;

use futures_util::StreamExt;
use uuid::Uuid;

use crate::BoxStream;
use crate::api::{
    Api, CreateCallRecording, DeleteCallRecording, FindOrCreateMeeting, GetCallRecording,
    GetMeeting, GetTranscript, ListCallRecordings, ListMeetings,
};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::types::{
    CallRecording, CallRecordingStatus, NewCallRecording, NewMeeting, Transcript, TranscriptPage,
    TranscriptSegment,
};

/// The meetings of the workspace. Get one with [`Client::meetings`](crate::Client::meetings).
#[derive(Debug, Clone)]
pub struct Meetings {
    api: Api,
}

impl Meetings {
    pub(crate) fn new(api: Api) -> Self {
        Self { api }
    }

    /// Lists meetings, filtered and sorted; `.await` fetches one page, `.stream()`, `.pages()` and
    /// `.collect_all()` follow the cursors. Every filter of the API is a setter (checked against the
    /// spec's bounds; a refused value fails the call before anything is sent).
    ///
    /// ```no_run
    /// use attio_meetings::types::MeetingSort;
    /// use futures_util::TryStreamExt;
    ///
    /// # async fn demo(client: attio_meetings::Client) -> Result<(), attio_meetings::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::days(7);
    /// let mut recent = client
    ///     .meetings()
    ///     .list()
    ///     .participants(["ada@example.com", "grace@example.com"])
    ///     .ends_from(since)
    ///     .sort(MeetingSort::StartDesc)
    ///     .limit(100)
    ///     .stream();
    /// while let Some(meeting) = recent.try_next().await? {
    ///     println!("{} {}", meeting.id.meeting_id, meeting.title);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn list(&self) -> ListMeetings {
        self.api.list_meetings()
    }

    /// Finds the meeting known under `meeting.external_ref`, or creates it. Safe to retry: Attio
    /// de-duplicates by `external_ref`.
    ///
    /// Takes a [`NewMeeting`] or its builder (`NewMeeting::builder()...`); an incomplete builder or an
    /// inconsistent meeting (all-day flag against the time forms, end not after start, ...) is refused
    /// with [`Error::InvalidInput`] before anything is sent.
    ///
    /// ```no_run
    /// use attio_meetings::types::{
    ///     CalendarProvider, ExternalRef, MeetingTime, NewMeeting, NewParticipant, ParticipantStatus,
    /// };
    ///
    /// # async fn demo(client: attio_meetings::Client) -> Result<(), attio_meetings::Error> {
    /// let start = chrono::DateTime::parse_from_rfc3339("2027-11-29T09:00:00-05:00").unwrap();
    /// let meeting = client
    ///     .meetings()
    ///     .find_or_create(
    ///         NewMeeting::builder()
    ///             .title("Quarterly review")
    ///             .description("Renewal and roadmap")
    ///             .start(MeetingTime::at(start, "America/New_York"))
    ///             .end(MeetingTime::at(start + chrono::Duration::minutes(45), "America/New_York"))
    ///             .is_all_day(false)
    ///             .participants(vec![
    ///                 NewParticipant::organizer("ada@example.com"),
    ///                 NewParticipant::attendee("tom@example.org", ParticipantStatus::Tentative),
    ///             ])
    ///             // A calendar event's iCal UID (from Google or Microsoft) avoids duplicates.
    ///             .external_ref(ExternalRef::ical("7kuk1@google.com", CalendarProvider::Google)),
    ///     )
    ///     .await?;
    /// println!("{} ({})", meeting.title, meeting.id.meeting_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn find_or_create<M>(&self, meeting: M) -> FindOrCreateMeeting
    where
        M: TryInto<NewMeeting, Error: Display>,
    {
        self.api.find_or_create_meeting().data(meeting)
    }

    /// One meeting by id.
    ///
    /// ```no_run
    /// use attio_meetings::types::MeetingTime;
    ///
    /// # async fn demo(client: attio_meetings::Client, id: uuid::Uuid) -> Result<(), attio_meetings::Error> {
    /// let meeting = client.meetings().get(id).await?;
    /// match &meeting.start {
    ///     MeetingTime::Timed { datetime, timezone } => println!("{datetime} ({timezone:?})"),
    ///     MeetingTime::AllDay { date } => println!("all day from {date}"),
    /// }
    /// for participant in &meeting.participants {
    ///     println!("{:?} {}", participant.email_address, participant.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get(&self, meeting_id: Uuid) -> GetMeeting {
        self.api.get_meeting().meeting_id(meeting_id)
    }
}

impl ListMeetings {
    /// Only meetings linked to this record of `object` (a slug like `people`, or the object's id): the
    /// two filters Attio only accepts together.
    pub fn linked_record(self, object: impl Into<String>, record_id: Uuid) -> Self {
        self.linked_object(object).linked_record_id(record_id)
    }
}

/// The call recordings of one meeting. Get one with
/// [`Client::call_recordings`](crate::Client::call_recordings).
#[derive(Debug, Clone)]
pub struct CallRecordings {
    api: Api,
    meeting_id: Uuid,
}

impl CallRecordings {
    pub(crate) fn new(api: Api, meeting_id: Uuid) -> Self {
        Self { api, meeting_id }
    }

    /// Lists the meeting's recordings, oldest first.
    pub fn list(&self) -> ListCallRecordings {
        self.api.list_call_recordings().meeting_id(self.meeting_id)
    }

    /// Attaches the video at `video_url` (public, `https`, an `.mp4` of at most 500 MB). Attio processes
    /// it in the background: the recording starts `processing`.
    ///
    /// Not idempotent: it is retried only when Attio answered 429 or nothing was sent. Any other failure
    /// is returned, and [`Error::may_have_been_applied`] tells whether the recording may exist.
    pub fn create(&self, video_url: impl Into<String>) -> CreateCallRecording {
        self.api
            .create_call_recording()
            .meeting_id(self.meeting_id)
            .data(NewCallRecording {
                video_url: video_url.into(),
            })
    }

    /// One recording.
    pub fn get(&self, call_recording_id: Uuid) -> GetCallRecording {
        self.api
            .get_call_recording()
            .meeting_id(self.meeting_id)
            .call_recording_id(call_recording_id)
    }

    /// Waits until Attio has processed a recording: polls it (paced like every read, every 2 s by
    /// default, for at most 10 minutes) and answers it once its status is no longer `processing`
    /// (`completed`, `failed`, or a status this crate does not know yet).
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, meeting: uuid::Uuid, id: uuid::Uuid) -> Result<(), attio_meetings::Error> {
    /// use std::time::Duration;
    /// use attio_meetings::types::CallRecordingStatus;
    ///
    /// let recording = client.call_recordings(meeting).wait_until_processed(id).timeout(Duration::from_secs(300)).await?;
    /// if recording.status == CallRecordingStatus::Completed {
    ///     let transcript = client.transcript(meeting, id).await?;
    ///     println!("{}", transcript.raw_transcript);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_until_processed(&self, call_recording_id: Uuid) -> WaitUntilProcessed {
        WaitUntilProcessed {
            request: self.get(call_recording_id),
            timeout: Duration::from_secs(600),
            every: Duration::from_secs(2),
        }
    }

    /// Deletes a recording (and its transcript). A recording that does not exist is a 404
    /// ([`Error::is_not_found`]), except when a retry finds it gone after an earlier attempt whose answer
    /// was lost: that attempt deleted it, and the call succeeds.
    pub fn delete(&self, call_recording_id: Uuid) -> DeleteCallRecording {
        self.api
            .delete_call_recording()
            .meeting_id(self.meeting_id)
            .call_recording_id(call_recording_id)
    }
}

/// Polls a call recording until it is processed; see [`CallRecordings::wait_until_processed`].
#[derive(Debug, Clone)]
#[must_use = "the polling starts when awaited"]
pub struct WaitUntilProcessed {
    request: GetCallRecording,
    timeout: Duration,
    every: Duration,
}

impl WaitUntilProcessed {
    /// Gives up after this long with [`Error::StillProcessing`] (10 minutes by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Time between two polls (2 s by default; at least 10 ms).
    pub fn every(mut self, every: Duration) -> Self {
        self.every = every.max(Duration::from_millis(10));
        self
    }

    /// Polls until the recording is no longer `processing`.
    pub async fn wait(self) -> Result<CallRecording> {
        let started = tokio::time::Instant::now();
        loop {
            let recording = self.request.clone().send().await?;
            if recording.status != CallRecordingStatus::Processing {
                return Ok(recording);
            }
            let waited = started.elapsed();
            if waited + self.every > self.timeout {
                return Err(Error::StillProcessing { waited });
            }
            tokio::time::sleep(self.every).await;
        }
    }
}

impl std::future::IntoFuture for WaitUntilProcessed {
    type Output = Result<CallRecording>;
    type IntoFuture = crate::Pending<CallRecording>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// A whole transcript, downloaded page by page: `.await` (or [`download`](Self::download)) fetches every
/// page and merges their segments; [`page`](Self::page) is one request.
///
/// While its recording is `processing`, Attio answers a transcript with no segments and an empty
/// `raw_transcript` (a success, not an error): wait with
/// [`CallRecordings::wait_until_processed`] first.
///
/// ```no_run
/// use futures_util::TryStreamExt;
///
/// # async fn demo(client: attio_meetings::Client, meeting: uuid::Uuid, recording: uuid::Uuid) -> Result<(), attio_meetings::Error> {
/// // All of it at once...
/// let transcript = client.transcript(meeting, recording).await?;
/// println!("{}", transcript.raw_transcript);
/// // ...or segment by segment, a page at a time.
/// let mut segments = client.transcript(meeting, recording).stream();
/// while let Some(segment) = segments.try_next().await? {
///     println!("[{:>6.1}s] {}: {}", segment.start_time, segment.speaker.name, segment.speech);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "the download starts when awaited"]
pub struct TranscriptDownload {
    request: GetTranscript,
}

impl TranscriptDownload {
    pub(crate) fn new(api: Api, meeting_id: Uuid, call_recording_id: Uuid) -> Self {
        Self {
            request: api
                .get_transcript()
                .meeting_id(meeting_id)
                .call_recording_id(call_recording_id),
        }
    }

    /// Start from this cursor (a previous page's `pagination.next_cursor`).
    pub fn cursor(self, cursor: impl Into<String>) -> Self {
        Self {
            request: self.request.cursor(cursor),
        }
    }

    /// Retry each page's request with `policy` instead of the client's.
    pub fn retry(self, policy: RetryPolicy) -> Self {
        Self {
            request: self.request.retry(policy),
        }
    }

    /// One page of segments, with the transcript's id, text and link: one request.
    pub async fn page(self) -> Result<TranscriptPage> {
        self.request.send().await
    }

    /// Every page from the cursor on.
    pub fn pages(self) -> BoxStream<TranscriptPage> {
        self.request.pages()
    }

    /// Every segment from the cursor on. An error ends the stream after being yielded.
    pub fn stream(self) -> BoxStream<TranscriptSegment> {
        self.request.stream()
    }

    /// Downloads every page: the transcript with all its segments.
    pub async fn download(self) -> Result<Transcript> {
        let mut pages = self.pages();
        let mut whole: Option<Transcript> = None;
        while let Some(page) = pages.next().await {
            let page = page?.data;
            match &mut whole {
                None => whole = Some(page),
                Some(transcript) => transcript.transcript.extend(page.transcript),
            }
        }
        whole.ok_or_else(|| Error::Protocol {
            operation: crate::operations::GET_TRANSCRIPT.id,
            message: "it answered no page".into(),
        })
    }
}

impl std::future::IntoFuture for TranscriptDownload {
    type Output = Result<Transcript>;
    type IntoFuture = crate::Pending<Transcript>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.download())
    }
}
