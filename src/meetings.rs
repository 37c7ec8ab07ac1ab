//! `client.meetings()`: list, find-or-create, get.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, TimeZone};
use futures_util::Stream;
use uuid::Uuid;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::paginate;
use crate::retry::RetryPolicy;
use crate::transport::{Call, Op};
use crate::types::{
    FindOrCreateMeetingRequest, Meeting, MeetingPage, MeetingResponse, MeetingSort, NewMeeting,
};
use crate::validate;

/// A boxed future, the `IntoFuture` of the request builders (so `builder.await` sends).
pub type Pending<T> = Pin<Box<dyn Future<Output = Result<T>> + Send>>;

/// The meetings of the workspace. Get one with [`Client::meetings`].
#[derive(Debug, Clone)]
pub struct Meetings {
    client: Client,
}

impl Meetings {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Lists meetings, filtered and sorted; page through with `.stream()`, `.pages()` or the cursor.
    pub fn list(&self) -> ListMeetings {
        ListMeetings {
            client: self.client.clone(),
            limit: None,
            cursor: None,
            linked_record: None,
            participants: Vec::new(),
            sort: None,
            ends_from: None,
            starts_before: None,
            timezone: None,
            retry: None,
        }
    }

    /// Finds the meeting known under `meeting.external_ref`, or creates it. Safe to retry: Attio
    /// de-duplicates by `external_ref`.
    ///
    /// Takes a [`NewMeeting`] or its builder (`NewMeeting::builder()...`); an incomplete builder or an
    /// inconsistent meeting (all-day flag against the time forms, end not after start, ...) is refused
    /// with [`Error::InvalidInput`] before anything is sent.
    pub fn find_or_create<M>(&self, meeting: M) -> FindOrCreateMeeting
    where
        M: TryInto<NewMeeting, Error: std::fmt::Display>,
    {
        let meeting = meeting
            .try_into()
            .map_err(|e| Error::invalid("data", e.to_string()));
        FindOrCreateMeeting {
            client: self.client.clone(),
            meeting,
            retry: None,
        }
    }

    /// One meeting by id.
    pub fn get(&self, meeting_id: Uuid) -> GetMeeting {
        GetMeeting {
            client: self.client.clone(),
            meeting_id,
            retry: None,
        }
    }
}

/// `GET /v2/meetings`, built up with filters. `.await` (or `.send()`) fetches one page.
#[derive(Debug, Clone)]
pub struct ListMeetings {
    client: Client,
    limit: Option<u32>,
    cursor: Option<String>,
    linked_record: Option<(String, Uuid)>,
    participants: Vec<String>,
    sort: Option<MeetingSort>,
    ends_from: Option<String>,
    starts_before: Option<String>,
    timezone: Option<String>,
    retry: Option<RetryPolicy>,
}

impl ListMeetings {
    /// Meetings per page, 1 to 200 (Attio's default is 50).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Start from this cursor (a previous page's `pagination.next_cursor`).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// Only meetings linked to this record of `object` (a slug like `people`, or the object's id).
    pub fn linked_record(mut self, object: impl Into<String>, record_id: Uuid) -> Self {
        self.linked_record = Some((object.into(), record_id));
        self
    }

    /// Only meetings where at least one of these email addresses takes part.
    pub fn participants<I, S>(mut self, emails: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.participants.extend(emails.into_iter().map(Into::into));
        self
    }

    /// Order by start time (ascending by default).
    pub fn sort(mut self, sort: MeetingSort) -> Self {
        self.sort = Some(sort);
        self
    }

    /// Only meetings ending at or after `at` (inclusive).
    pub fn ends_from<Tz: TimeZone>(mut self, at: DateTime<Tz>) -> Self {
        self.ends_from = Some(at.fixed_offset().to_rfc3339());
        self
    }

    /// Only meetings starting strictly before `at`.
    pub fn starts_before<Tz: TimeZone>(mut self, at: DateTime<Tz>) -> Self {
        self.starts_before = Some(at.fixed_offset().to_rfc3339());
        self
    }

    /// IANA timezone in which all-day meetings are placed when filtering by time (UTC by default).
    pub fn timezone(mut self, timezone: impl Into<String>) -> Self {
        self.timezone = Some(timezone.into());
        self
    }

    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    fn call(&self) -> Result<Call> {
        let mut call = Call::new(Op::ListMeetings, "/v2/meetings".into());
        call.retry = self.retry.clone();
        if let Some(limit) = self.limit {
            call.query
                .push(("limit", validate::limit(limit)?.to_string()));
        }
        if let Some(cursor) = &self.cursor {
            call.query.push(("cursor", cursor.clone()));
        }
        if let Some((object, record_id)) = &self.linked_record {
            if object.trim().is_empty() {
                return Err(Error::invalid("linked_object", "must not be empty"));
            }
            call.query.push(("linked_object", object.clone()));
            call.query.push(("linked_record_id", record_id.to_string()));
        }
        if !self.participants.is_empty() {
            if let Some(bad) = self
                .participants
                .iter()
                .find(|e| !e.contains('@') || e.contains(','))
            {
                return Err(Error::invalid(
                    "participants",
                    format!("`{bad}` is not an email address"),
                ));
            }
            call.query
                .push(("participants", self.participants.join(",")));
        }
        if let Some(sort) = &self.sort {
            call.query.push(("sort", sort.to_string()));
        }
        if let Some(at) = &self.ends_from {
            call.query.push(("ends_from", at.clone()));
        }
        if let Some(at) = &self.starts_before {
            call.query.push(("starts_before", at.clone()));
        }
        if let Some(tz) = &self.timezone {
            call.query.push(("timezone", tz.clone()));
        }
        Ok(call)
    }

    /// Fetches one page.
    pub async fn send(self) -> Result<MeetingPage> {
        let call = self.call()?;
        self.client.inner.send(call).await
    }

    /// Every page from the cursor on (the next one fetched while you handle the current one).
    pub fn pages(self) -> impl Stream<Item = Result<MeetingPage>> + Send + 'static {
        paginate::pages_of(self)
    }

    /// Every meeting from the cursor on, page after page. An error ends the stream after being yielded.
    pub fn stream(self) -> impl Stream<Item = Result<Meeting>> + Send + 'static {
        paginate::items(futures_util::StreamExt::map(self.pages(), |page| {
            page.map(|p| p.data)
        }))
    }

    /// Every meeting in one `Vec`. Prefer [`ListMeetings::stream`] for large workspaces.
    pub async fn collect_all(self) -> Result<Vec<Meeting>> {
        futures_util::TryStreamExt::try_collect(self.stream()).await
    }
}

send_on_await!(ListMeetings => MeetingPage);

/// `POST /v2/meetings`. `.await` (or `.send()`) returns the meeting found or created.
#[derive(Debug)]
pub struct FindOrCreateMeeting {
    client: Client,
    meeting: Result<NewMeeting>,
    retry: Option<RetryPolicy>,
}

impl FindOrCreateMeeting {
    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Validates and sends.
    pub async fn send(self) -> Result<Meeting> {
        let meeting = self.meeting?;
        validate::new_meeting(&meeting)?;
        let mut call = Call::new(Op::FindOrCreateMeeting, "/v2/meetings".into())
            .json_body(&FindOrCreateMeetingRequest { data: meeting })?;
        call.retry = self.retry;
        let response: MeetingResponse = self.client.inner.send(call).await?;
        Ok(response.data)
    }
}

send_on_await!(FindOrCreateMeeting => Meeting);

/// `GET /v2/meetings/{meeting_id}`. `.await` (or `.send()`) returns the meeting.
#[derive(Debug, Clone)]
pub struct GetMeeting {
    client: Client,
    meeting_id: Uuid,
    retry: Option<RetryPolicy>,
}

impl GetMeeting {
    /// Retry this call with `policy` instead of the client's.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends.
    pub async fn send(self) -> Result<Meeting> {
        let mut call = Call::new(Op::GetMeeting, format!("/v2/meetings/{}", self.meeting_id));
        call.retry = self.retry;
        let response: MeetingResponse = self.client.inner.send(call).await?;
        Ok(response.data)
    }
}

send_on_await!(GetMeeting => Meeting);

impl paginate::Paged for ListMeetings {
    type Page = MeetingPage;
    fn start(&self) -> Option<String> {
        self.cursor.clone()
    }
    fn at(mut self, cursor: Option<String>) -> Self {
        self.cursor = cursor;
        self
    }
    fn fetch(self) -> impl Future<Output = Result<MeetingPage>> + Send {
        self.send()
    }
    fn next_cursor(page: &MeetingPage) -> Option<String> {
        page.pagination.next_cursor.clone()
    }
}
