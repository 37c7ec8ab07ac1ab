//! The ergonomic handles: `client.meetings()`, `client.call_recordings(meeting_id)` and
//! `client.transcript(meeting_id, call_recording_id)`.
//!
//! Each is a thin shortcut to the generated builders of [`crate::api`], with the ids already set; the
//! builders carry every parameter the spec declares. What is written here is what no spec can say:
//! parameters that only make sense together, and the merge of a transcript's pages.

use std::fmt::Display;

use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use crate::api::{
    Api, CreateCallRecording, DeleteCallRecording, FindOrCreateMeeting, GetCallRecording,
    GetMeeting, GetTranscript, ListCallRecordings, ListMeetings,
};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::types::{NewCallRecording, NewMeeting, Transcript, TranscriptPage, TranscriptSegment};

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
    /// `.collect_all()` follow the cursors.
    pub fn list(&self) -> ListMeetings {
        self.api.list_meetings()
    }

    /// Finds the meeting known under `meeting.external_ref`, or creates it. Safe to retry: Attio
    /// de-duplicates by `external_ref`.
    ///
    /// Takes a [`NewMeeting`] or its builder (`NewMeeting::builder()...`); an incomplete builder or an
    /// inconsistent meeting (all-day flag against the time forms, end not after start, ...) is refused
    /// with [`Error::InvalidInput`] before anything is sent.
    pub fn find_or_create<M>(&self, meeting: M) -> FindOrCreateMeeting
    where
        M: TryInto<NewMeeting, Error: Display>,
    {
        self.api.find_or_create_meeting().data(meeting)
    }

    /// One meeting by id.
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

/// A whole transcript, downloaded page by page: `.await` (or [`download`](Self::download)) fetches every
/// page and merges their segments; [`page`](Self::page) is one request.
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
    pub fn pages(self) -> impl Stream<Item = Result<TranscriptPage>> + Send + 'static {
        self.request.pages()
    }

    /// Every segment from the cursor on. An error ends the stream after being yielded.
    pub fn stream(self) -> impl Stream<Item = Result<TranscriptSegment>> + Send + 'static {
        self.request.stream()
    }

    /// Downloads every page: the transcript with all its segments.
    pub async fn download(self) -> Result<Transcript> {
        let mut pages = Box::pin(self.pages());
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
