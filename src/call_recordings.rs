//! `client.call_recordings(meeting_id)`: list, create, get, delete.

use std::future::Future;

use futures_util::Stream;
use uuid::Uuid;

use crate::client::Client;
use crate::error::Result;
use crate::paginate;
use crate::retry::RetryPolicy;
use crate::transport::{Call, Op};
use crate::types::{
    CallRecording, CallRecordingPage, CallRecordingResponse, CreateCallRecordingRequest,
    NewCallRecording,
};
use crate::validate;

/// The call recordings of one meeting. Get one with [`Client::call_recordings`].
#[derive(Debug, Clone)]
pub struct CallRecordings {
    client: Client,
    meeting_id: Uuid,
}

impl CallRecordings {
    pub(crate) fn new(client: Client, meeting_id: Uuid) -> Self {
        Self { client, meeting_id }
    }

    fn path(&self) -> String {
        format!("/v2/meetings/{}/call_recordings", self.meeting_id)
    }

    /// Lists the meeting's recordings, oldest first.
    pub fn list(&self) -> ListCallRecordings {
        ListCallRecordings {
            client: self.client.clone(),
            path: self.path(),
            limit: None,
            cursor: None,
            retry: None,
        }
    }

    /// Attaches the video at `video_url` (public, `https`, an `.mp4` of at most 500 MB). Attio processes
    /// it in the background: the recording starts `processing`.
    ///
    /// Not idempotent: it is retried only when Attio answered 429 or nothing was sent. Any other failure
    /// is returned, and [`crate::Error::may_have_been_applied`] tells whether the recording may exist.
    pub fn create(&self, video_url: impl Into<String>) -> CreateCallRecording {
        CreateCallRecording {
            client: self.client.clone(),
            path: self.path(),
            video_url: video_url.into(),
            retry: None,
        }
    }

    /// One recording.
    pub fn get(&self, call_recording_id: Uuid) -> GetCallRecording {
        GetCallRecording {
            client: self.client.clone(),
            path: format!("{}/{call_recording_id}", self.path()),
            retry: None,
        }
    }

    /// Deletes a recording (and its transcript).
    pub fn delete(&self, call_recording_id: Uuid) -> DeleteCallRecording {
        DeleteCallRecording {
            client: self.client.clone(),
            path: format!("{}/{call_recording_id}", self.path()),
            retry: None,
        }
    }
}

/// `GET .../call_recordings`. `.await` (or `.send()`) fetches one page.
#[derive(Debug, Clone)]
pub struct ListCallRecordings {
    client: Client,
    path: String,
    limit: Option<u32>,
    cursor: Option<String>,
    retry: Option<RetryPolicy>,
}

impl ListCallRecordings {
    /// Recordings per page, 1 to 200 (Attio's default is 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Start from this cursor (a previous page's `pagination.next_cursor`).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<CallRecordingPage> {
        let mut call = Call::new(Op::ListCallRecordings, self.path);
        call.retry = self.retry;
        if let Some(limit) = self.limit {
            call.query
                .push(("limit", validate::limit(limit)?.to_string()));
        }
        // Attio requires a non-empty cursor here; an empty one means the first page.
        if let Some(cursor) = self.cursor.filter(|c| !c.is_empty()) {
            call.query.push(("cursor", cursor));
        }
        self.client.inner.send(call).await
    }

    /// Every page from the cursor on (the next one fetched while you handle the current one).
    pub fn pages(self) -> impl Stream<Item = Result<CallRecordingPage>> + Send + 'static {
        paginate::pages_of(self)
    }

    /// Every recording from the cursor on. An error ends the stream after being yielded.
    pub fn stream(self) -> impl Stream<Item = Result<CallRecording>> + Send + 'static {
        paginate::items(futures_util::StreamExt::map(self.pages(), |page| {
            page.map(|p| p.data)
        }))
    }

    /// Every recording in one `Vec`.
    pub async fn collect_all(self) -> Result<Vec<CallRecording>> {
        futures_util::TryStreamExt::try_collect(self.stream()).await
    }
}

send_on_await!(ListCallRecordings => CallRecordingPage);

/// `POST .../call_recordings`. `.await` (or `.send()`) returns the new recording.
#[derive(Debug, Clone)]
pub struct CreateCallRecording {
    client: Client,
    path: String,
    video_url: String,
    retry: Option<RetryPolicy>,
}

impl CreateCallRecording {
    /// Retry this call with `policy` instead of the client's (still only when that is safe).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Validates and sends.
    pub async fn send(self) -> Result<CallRecording> {
        validate::video_url(&self.video_url)?;
        let body = CreateCallRecordingRequest {
            data: NewCallRecording {
                video_url: self.video_url,
            },
        };
        let mut call = Call::new(Op::CreateCallRecording, self.path).json_body(&body)?;
        call.retry = self.retry;
        let response: CallRecordingResponse = self.client.inner.send(call).await?;
        Ok(response.data)
    }
}

send_on_await!(CreateCallRecording => CallRecording);

/// `GET .../call_recordings/{id}`. `.await` (or `.send()`) returns the recording.
#[derive(Debug, Clone)]
pub struct GetCallRecording {
    client: Client,
    path: String,
    retry: Option<RetryPolicy>,
}

impl GetCallRecording {
    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends.
    pub async fn send(self) -> Result<CallRecording> {
        let mut call = Call::new(Op::GetCallRecording, self.path);
        call.retry = self.retry;
        let response: CallRecordingResponse = self.client.inner.send(call).await?;
        Ok(response.data)
    }
}

send_on_await!(GetCallRecording => CallRecording);

/// `DELETE .../call_recordings/{id}`. `.await` (or `.send()`) deletes.
#[derive(Debug, Clone)]
pub struct DeleteCallRecording {
    client: Client,
    path: String,
    retry: Option<RetryPolicy>,
}

impl DeleteCallRecording {
    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends. Deleting a recording that does not exist is a 404 ([`crate::Error::is_not_found`]), except
    /// when a retry finds it gone after an earlier attempt whose answer was lost: that attempt deleted it.
    pub async fn send(self) -> Result<()> {
        let mut call = Call::new(Op::DeleteCallRecording, self.path);
        call.retry = self.retry;
        call.gone_means_done = true;
        self.client.inner.send_empty(call).await
    }
}

send_on_await!(DeleteCallRecording => ());

impl paginate::Paged for ListCallRecordings {
    type Page = CallRecordingPage;
    fn start(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn at(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
    fn fetch(self) -> impl Future<Output = Result<CallRecordingPage>> + Send {
        self.send()
    }
    fn next_cursor(page: &CallRecordingPage) -> Option<String> {
        page.pagination.next_cursor.clone()
    }
}
