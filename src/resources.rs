//! The ergonomic handles: `client.meetings()`, `client.call_recordings(meeting_id)` and
//! `client.transcript(meeting_id, call_recording_id)`.
//!
//! Each is a thin shortcut to the generated builders of [`crate::api`], with the ids already set; the
//! builders carry every parameter the spec declares. What is written here is what no spec can say:
//! parameters that only make sense together, where a transcript is read from, and (in [`crate::ensure`])
//! how a meeting is made to exist once.
//!
//! Shortcuts to operations a document may lack (the library is also generated from Attio's whole
//! document, which may be older than our spec) are compiled only where the generated client has them
//! (`attio_operation`/`attio_field` cfgs, set by the build script).

use std::fmt::Display;
use std::time::Duration;

use futures_util::StreamExt;
use uuid::Uuid;

use crate::BoxStream;
use crate::api::{
    Api, CreateCallRecording, CreateMeeting, DeleteCallRecording, GetCallRecording, GetMeeting,
    ListCallRecordings, ListMeetings,
};
use crate::ensure::{Ensure, EnsureAll};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::types::{
    CallRecordingDetails, CallRecordingStatus, NewCallRecording, NewMeeting, Transcript,
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

    /// Creates a meeting: one request, never repeated after a failure that may have reached Attio (it
    /// is retried only after a 429 or when it provably never left). Attio creates a new meeting on every
    /// call and matches nothing, so sending the same meeting twice makes two meetings: to create a meeting
    /// only when it does not exist yet, use [`ensure`](Self::ensure).
    ///
    /// Takes a [`NewMeeting`] or its builder (`NewMeeting::builder()...`); an incomplete builder or an
    /// inconsistent meeting (all-day flag against the time forms, end not after start, no participant,
    /// ...) is refused with [`Error::InvalidInput`] before anything is sent. After a failure,
    /// [`Error::may_have_been_applied`] tells whether the meeting may exist.
    ///
    /// ```no_run
    /// use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant, ParticipantStatus};
    ///
    /// # async fn demo(client: attio_meetings::Client) -> Result<(), attio_meetings::Error> {
    /// let start = attio_meetings::chrono::DateTime::parse_from_rfc3339("2027-11-29T09:00:00-05:00").unwrap();
    /// let meeting = client
    ///     .meetings()
    ///     .create(
    ///         NewMeeting::builder()
    ///             .title("Quarterly review")
    ///             .description("Renewal and roadmap")
    ///             .start(MeetingTime::at(start, "America/New_York"))
    ///             .end(MeetingTime::at(start + attio_meetings::chrono::Duration::minutes(45), "America/New_York"))
    ///             .is_all_day(false)
    ///             .participants(vec![
    ///                 NewParticipant::organizer("ada@example.com"),
    ///                 NewParticipant::attendee("tom@example.org", ParticipantStatus::Tentative),
    ///             ]),
    ///     )
    ///     .await?;
    /// println!("{} ({})", meeting.title, meeting.id.meeting_id);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create<M>(&self, meeting: M) -> CreateMeeting
    where
        M: TryInto<NewMeeting, Error: Display>,
    {
        self.api.create_meeting().data(meeting)
    }

    /// Makes `meeting` exist exactly once: lists the meetings around its start, and creates it only when
    /// none matches (by default the same start instant, title and organizer, as Attio's syncing guide
    /// advises; see [`Matching`](crate::Matching)). A create that fails in a way that may have reached
    /// Attio is reconciled: the meetings are looked at again before it is sent again, so faults never
    /// make a duplicate. `.await` answers [`Ensured`](crate::Ensured): found, created, or ambiguous
    /// (several match; nothing is created).
    ///
    /// ```no_run
    /// use attio_meetings::Ensured;
    /// use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant};
    ///
    /// # async fn demo(client: attio_meetings::Client, meeting: NewMeeting) -> Result<(), attio_meetings::Error> {
    /// match client.meetings().ensure(meeting).await? {
    ///     Ensured::Found(m) => println!("already there: {}", m.id.meeting_id),
    ///     Ensured::Created(m) => println!("created {}", m.id.meeting_id),
    ///     Ensured::Ambiguous(candidates) => println!("{} meetings match; none created", candidates.len()),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn ensure<M>(&self, meeting: M) -> Ensure
    where
        M: TryInto<NewMeeting, Error: Display>,
    {
        Ensure::new(
            self.api.clone(),
            meeting.try_into().map_err(|e| e.to_string()),
        )
    }

    /// [`ensure`](Self::ensure) for many meetings at once: the listings cover each stretch of time once
    /// (not one listing per meeting), and only the meetings that match nothing are created, a few at a
    /// time. Meetings with the same key in the batch are created once.
    pub fn ensure_all<I>(&self, meetings: I) -> EnsureAll
    where
        I: IntoIterator<Item = NewMeeting>,
    {
        EnsureAll::new(self.api.clone(), meetings.into_iter().collect())
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

    /// Deletes a meeting. Meetings that Attio's calendar sync made cannot be deleted (400
    /// `system_edit_unauthorized`). A meeting that does not exist is a 404 ([`Error::is_not_found`]),
    /// except when a retry finds it gone after an earlier attempt whose answer was lost: that attempt
    /// deleted it, and the call succeeds.
    #[cfg(attio_operation = "delete_meeting")]
    pub fn delete(&self, meeting_id: Uuid) -> crate::api::DeleteMeeting {
        self.api.delete_meeting().meeting_id(meeting_id)
    }

    /// Links the meeting to more records (they must exist); records it is already linked to are
    /// skipped, so sending it twice is harmless. Answers the meeting.
    ///
    /// ```no_run
    /// use attio_meetings::types::NewLinkedRecord;
    /// # async fn demo(client: attio_meetings::Client, meeting: uuid::Uuid, deal: uuid::Uuid) -> Result<(), attio_meetings::Error> {
    /// let meeting = client
    ///     .meetings()
    ///     .link_records(meeting, [NewLinkedRecord::new("deals", deal)])
    ///     .await?;
    /// println!("linked to {} records", meeting.linked_records.len());
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(attio_operation = "append_meeting_linked_records")]
    pub fn link_records(
        &self,
        meeting_id: Uuid,
        records: impl IntoIterator<Item = crate::types::NewLinkedRecord>,
    ) -> crate::api::AppendMeetingLinkedRecords {
        self.api
            .append_meeting_linked_records()
            .meeting_id(meeting_id)
            .data(linked_records(records))
    }

    /// Makes `records` the meeting's only linked records: every other link goes, including those Attio
    /// made from the participants (an empty list unlinks everything). Answers the meeting.
    #[cfg(attio_operation = "replace_meeting_linked_records")]
    pub fn replace_linked_records(
        &self,
        meeting_id: Uuid,
        records: impl IntoIterator<Item = crate::types::NewLinkedRecord>,
    ) -> crate::api::ReplaceMeetingLinkedRecords {
        self.api
            .replace_meeting_linked_records()
            .meeting_id(meeting_id)
            .data(linked_records(records))
    }
}

#[cfg(attio_field = "LinkedRecordsUpdate.linked_records")]
fn linked_records(
    records: impl IntoIterator<Item = crate::types::NewLinkedRecord>,
) -> crate::types::LinkedRecordsUpdate {
    crate::types::LinkedRecordsUpdate {
        linked_records: records.into_iter().collect(),
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

    /// Attaches a recording to the meeting: a transcript, a video, or both ([`NewCallRecording`]'s
    /// constructors; a plain URL is a video). Attio processes it in the background: the recording starts
    /// `processing`. A recording without a transcript gets no summary in Attio.
    ///
    /// Not idempotent: it is retried only when Attio answered 429 or nothing was sent. Any other failure
    /// is returned, and [`Error::may_have_been_applied`] tells whether the recording may exist. Attio
    /// takes one of these per second; the client's pacing keeps to it.
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, meeting: uuid::Uuid) -> Result<(), attio_meetings::Error> {
    /// let recording = client
    ///     .call_recordings(meeting)
    ///     .create("https://videos.example.com/call.mp4")
    ///     .await?;
    /// println!("{:?}", recording.status);
    /// # Ok(())
    /// # }
    /// ```
    pub fn create(&self, recording: impl Into<NewCallRecording>) -> CreateCallRecording {
        self.api
            .create_call_recording()
            .meeting_id(self.meeting_id)
            .data(recording.into())
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
    pub async fn wait(self) -> Result<CallRecordingDetails> {
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
    type Output = Result<CallRecordingDetails>;
    type IntoFuture = crate::Pending<CallRecordingDetails>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}

/// A video URL is a recording of that video: `recordings.create("https://...")`.
impl From<&str> for NewCallRecording {
    fn from(video_url: &str) -> Self {
        NewCallRecording::from_video(video_url)
    }
}

impl From<String> for NewCallRecording {
    fn from(video_url: String) -> Self {
        NewCallRecording::from_video(video_url)
    }
}

/// The whole transcript of a call recording: `.await` (or [`download`](Self::download)).
///
/// Attio's get-call-recording carries the transcript now, and its paged transcript endpoint is
/// deprecated; so the transcript is read from the recording (one request), and the paged endpoint is
/// asked only when the recording carries none (recordings of servers from before the change, or when
/// the library is generated from a document that predates it), page by page with the segments merged.
/// [`page`](Self::page), [`pages`](Self::pages) and [`stream`](Self::stream) read the deprecated
/// endpoint directly, for code that pages through long transcripts.
///
/// While its recording is `processing`, a transcript has no segments and an empty `raw_transcript` (a
/// success, not an error): wait with [`CallRecordings::wait_until_processed`] first.
///
/// ```no_run
/// # async fn demo(client: attio_meetings::Client, meeting: uuid::Uuid, recording: uuid::Uuid) -> Result<(), attio_meetings::Error> {
/// let transcript = client.transcript(meeting, recording).await?;
/// println!("{}", transcript.raw_transcript);
/// for segment in &transcript.transcript {
///     println!("[{:>6.1}s] {}: {}", segment.start_time, segment.speaker.name, segment.speech);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "the download starts when awaited"]
pub struct TranscriptDownload {
    api: Api,
    meeting_id: Uuid,
    call_recording_id: Uuid,
    cursor: Option<String>,
    retry: Option<RetryPolicy>,
    timeout: Option<Duration>,
}

impl TranscriptDownload {
    pub(crate) fn new(api: Api, meeting_id: Uuid, call_recording_id: Uuid) -> Self {
        Self {
            api,
            meeting_id,
            call_recording_id,
            cursor: None,
            retry: None,
            timeout: None,
        }
    }

    /// Gives each attempt of each request `timeout` instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self {
            timeout: Some(timeout),
            ..self
        }
    }

    /// Retry each request with `policy` instead of the client's.
    pub fn retry(self, policy: RetryPolicy) -> Self {
        Self {
            retry: Some(policy),
            ..self
        }
    }

    /// Downloads the whole transcript: from the recording when it carries one, else from the paged
    /// endpoint (every page, segments merged).
    pub async fn download(self) -> Result<Transcript> {
        #[cfg(attio_field = "CallRecordingDetails.transcript")]
        {
            let mut request = self
                .api
                .get_call_recording()
                .meeting_id(self.meeting_id)
                .call_recording_id(self.call_recording_id);
            if let Some(policy) = &self.retry {
                request = request.retry(policy.clone());
            }
            if let Some(timeout) = self.timeout {
                request = request.timeout(timeout);
            }
            let recording = request.send().await?;
            if let Some(carried) = recording.transcript {
                return Ok(Transcript {
                    id: recording.id,
                    transcript: carried.segments,
                    raw_transcript: carried.raw_transcript,
                    web_url: recording.web_url,
                });
            }
        }
        self.download_pages().await
    }
}

#[cfg(attio_operation = "get_transcript")]
#[allow(deprecated)] // the fallback of `download`, and the paging of long transcripts
impl TranscriptDownload {
    fn request(&self) -> crate::api::GetTranscript {
        let mut request = self
            .api
            .get_transcript()
            .meeting_id(self.meeting_id)
            .call_recording_id(self.call_recording_id);
        if let Some(cursor) = &self.cursor {
            request = request.cursor(cursor.clone());
        }
        if let Some(policy) = &self.retry {
            request = request.retry(policy.clone());
        }
        if let Some(timeout) = self.timeout {
            request = request.timeout(timeout);
        }
        request
    }

    /// Start the paged reads from this cursor (a previous page's `pagination.next_cursor`).
    pub fn cursor(self, cursor: impl Into<String>) -> Self {
        Self {
            cursor: Some(cursor.into()),
            ..self
        }
    }

    /// One page of segments from the deprecated paged endpoint, with the transcript's id, text and
    /// link: one request.
    pub async fn page(self) -> Result<crate::types::TranscriptPage> {
        self.request().send().await
    }

    /// Every page of the deprecated paged endpoint from the cursor on.
    pub fn pages(self) -> BoxStream<crate::types::TranscriptPage> {
        self.request().pages()
    }

    /// Every segment of the deprecated paged endpoint from the cursor on. An error ends the stream after
    /// being yielded.
    pub fn stream(self) -> BoxStream<crate::types::TranscriptSegment> {
        self.request().stream()
    }

    async fn download_pages(self) -> Result<Transcript> {
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

#[cfg(not(attio_operation = "get_transcript"))]
impl TranscriptDownload {
    async fn download_pages(self) -> Result<Transcript> {
        Err(Error::Protocol {
            operation: crate::operations::GET_CALL_RECORDING.id,
            message:
                "the recording carries no transcript, and this client has no other way to read one"
                    .into(),
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
