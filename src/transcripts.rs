//! `client.transcript(meeting_id, call_recording_id)`: the whole transcript, or its pages of segments.

use std::future::Future;

use futures_util::{Stream, StreamExt};
use uuid::Uuid;

use crate::client::Client;
use crate::error::Result;
use crate::paginate;
use crate::retry::RetryPolicy;
use crate::transport::{Call, Op};
use crate::types::{Transcript, TranscriptPage, TranscriptSegment};

/// `GET .../transcript`. `.await` (or `.send()`) downloads every page and returns the whole transcript.
#[derive(Debug, Clone)]
pub struct GetTranscript {
    client: Client,
    path: String,
    cursor: Option<String>,
    retry: Option<RetryPolicy>,
}

impl GetTranscript {
    pub(crate) fn new(client: Client, meeting_id: Uuid, call_recording_id: Uuid) -> Self {
        let path =
            format!("/v2/meetings/{meeting_id}/call_recordings/{call_recording_id}/transcript");
        Self {
            client,
            path,
            cursor: None,
            retry: None,
        }
    }

    /// Start from this cursor (a previous page's `pagination.next_cursor`).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Retry each page's request with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// One page of segments, with the transcript's id, text and link.
    pub async fn page(self) -> Result<TranscriptPage> {
        let mut call = Call::new(Op::GetTranscript, self.path);
        call.retry = self.retry;
        if let Some(cursor) = self.cursor {
            call.query.push(("cursor", cursor));
        }
        self.client.inner.send(call).await
    }

    /// Every page from the cursor on.
    pub fn pages(self) -> impl Stream<Item = Result<TranscriptPage>> + Send + 'static {
        paginate::pages_of(self)
    }

    /// Every segment from the cursor on. An error ends the stream after being yielded.
    pub fn stream(self) -> impl Stream<Item = Result<TranscriptSegment>> + Send + 'static {
        paginate::items(self.pages().map(|page| page.map(|p| p.data.transcript)))
    }

    /// Downloads every page: the transcript with all its segments.
    pub async fn send(self) -> Result<Transcript> {
        let mut pages = Box::pin(self.pages());
        let mut whole: Option<Transcript> = None;
        while let Some(page) = pages.next().await {
            let page = page?.data;
            match &mut whole {
                None => whole = Some(page),
                Some(transcript) => transcript.transcript.extend(page.transcript),
            }
        }
        whole.ok_or_else(|| crate::Error::invalid("transcript", "Attio returned no page"))
    }
}

send_on_await!(GetTranscript => Transcript);

impl paginate::Paged for GetTranscript {
    type Page = TranscriptPage;
    fn start(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn at(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
    fn fetch(self) -> impl Future<Output = Result<TranscriptPage>> + Send {
        self.page()
    }
    fn next_cursor(page: &TranscriptPage) -> Option<String> {
        page.pagination.next_cursor.clone()
    }
}
