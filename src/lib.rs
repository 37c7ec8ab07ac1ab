//! A typed client for Attio's Meetings API: meetings, their call recordings and transcripts.
//!
//! ```no_run
//! use attio_meetings::chrono::{DateTime, Duration};
//! use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant};
//! use attio_meetings::{Client, Ensured};
//!
//! # async fn demo() -> Result<(), attio_meetings::Error> {
//! let client = Client::from_env()?; // ATTIO_API_KEY
//! let start = DateTime::parse_from_rfc3339("2027-11-27T14:00:00-05:00").unwrap();
//! let meeting = NewMeeting::builder()
//!     .title("Onboarding")
//!     .description("First call")
//!     .start(MeetingTime::at(start, "America/New_York"))
//!     .end(MeetingTime::at(start + Duration::hours(1), "America/New_York"))
//!     .is_all_day(false)
//!     .participants(vec![NewParticipant::organizer("ada@example.com")]);
//! // Attio creates a meeting on every call: `ensure` looks first, and creates only what is missing.
//! match client.meetings().ensure(meeting).await? {
//!     Ensured::Found(m) | Ensured::Created(m) => println!("{} is {}", m.title, m.id.meeting_id),
//!     Ensured::Ambiguous(candidates) => println!("{} meetings match", candidates.len()),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! - [`Client`] (from a token, `ATTIO_API_KEY`, or [`ClientBuilder`]) is cheap to clone and shared
//!   across tasks. Calls are builders that send when awaited: `client.meetings().list()`,
//!   `.create(..)`, `.ensure(..)`, `.get(id)`, `.delete(id)`; `client.call_recordings(meeting_id).create(..)`, ...;
//!   `client.transcript(meeting_id, recording_id)`; and every operation of the spec by its operationId
//!   through `client.api()`, e.g. `client.api().get_meeting().meeting_id(id)`.
//! - How a request travels: the builders of [`api`] are generated from the spec at build time, with a
//!   setter per parameter and the operation's behaviour (retry class, rate limit, pagination) taken
//!   from the spec's `x-attio-*` extensions into [`operations`]; every one of them hands its request to
//!   the one hand-written pipeline, which adds the token, paces, retries and maps errors.
//! - Failures are one [`Error`]: Attio's envelope with status, headers and `Retry-After`
//!   ([`Error::Api`]), network and timeout failures saying whether the request may have been applied,
//!   decode failures with the JSON path, and input refused before sending.
//! - Retries follow [`RetryPolicy`] (jittered exponential backoff, `Retry-After` honoured, a shared
//!   [`RetryBudget`]), only where safe: creates (meetings, call recordings) are not retried after an
//!   ambiguous failure. Attio de-duplicates nothing: [`Meetings::ensure`] and [`Meetings::ensure_all`]
//!   look before they create, and reconcile after an ambiguous failure; [`EnsureAll::claims`] (e.g.
//!   `RedisClaims`, feature `redis`) makes processes on several machines create each meeting once, and
//!   [`EnsureAll::plan`] says what would be done without writing.
//!   [`Pacing`] keeps bulk work under Attio's rate limits; with the `redis` feature,
//!   `Pacing::shared(RedisPacer::new(..))` makes every process that uses the token share them.
//! - Lists stream across pages with the next page prefetched: `.stream()`, `.pages()`, `.collect_all()`.
//! - [`types`] holds the request and response types, generated at build time from the OpenAPI spec;
//!   string enums have an `Unknown(String)` variant so values Attio adds later still decode.
//!   The structs you send (`NewMeeting`, `NewParticipant`, `NewLinkedRecord`, `NewCallRecording`,
//!   `NewTranscriptSegment` and the request bodies) are `#[non_exhaustive]`: build them with their builders
//!   (`NewMeeting::builder()`) and constructors (`NewParticipant::organizer`,
//!   `NewCallRecording::from_transcript`, ...),
//!   so a field the spec adds later is not a breaking change for your code.

#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod args;
mod claims;
mod client;
mod ensure;
mod error;
mod helpers;
mod pacing;
mod paginate;
mod pipeline;
mod resources;
mod retry;
mod token;
mod validate;
pub mod webhooks;

// progenitor documents the types it generates, not every builder method.
#[allow(missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/attio_meetings.rs"));
}

#[cfg(feature = "redis")]
pub use claims::RedisClaims;
pub use claims::{ClaimFuture, KeyClaims};
pub use client::{BASE_URL_ENV, Client, ClientBuilder, DEFAULT_BASE_URL, TOKEN_ENV};
pub use ensure::{Ensure, EnsureAll, Ensured, EnsuredItem, Matching, MeetingKey, Plan, PlanItem};
pub use error::{ApiError, DecodeError, Error, Result, Sent};
pub use generated::{api, operations, types};
pub use pacing::Pacing;
#[cfg(feature = "redis")]
pub use pacing::RedisPacer;
pub use pipeline::{Operation, RateClass, RetryClass};
pub use resources::{CallRecordings, Meetings, TranscriptDownload, WaitUntilProcessed};
pub use retry::{RetryBudget, RetryPolicy};
pub use token::ApiToken;
pub use validate::looks_like_email;

#[cfg(attio_operation = "append_meeting_linked_records")]
pub use api::AppendMeetingLinkedRecords;
#[cfg(attio_operation = "delete_meeting")]
pub use api::DeleteMeeting;
#[cfg(attio_operation = "get_transcript")]
pub use api::GetTranscript;
#[cfg(attio_operation = "replace_meeting_linked_records")]
pub use api::ReplaceMeetingLinkedRecords;
/// The builders the handles return, also reachable through [`api`].
pub use api::{
    CreateCallRecording, CreateMeeting, DeleteCallRecording, GetCallRecording, GetMeeting,
    ListCallRecordings, ListMeetings,
};

// The crates whose types are part of this API, so users need not match their versions by hand.
pub use chrono;
pub use reqwest;
pub use uuid;

/// The streams of pages and items: `Unpin`, so `.next().await` works on them as they are.
///
/// ```no_run
/// use futures_util::TryStreamExt;
/// # async fn demo(client: attio_meetings::Client) -> Result<(), attio_meetings::Error> {
/// let mut meetings = client.meetings().list().limit(200).stream();
/// while let Some(meeting) = meetings.try_next().await? {
///     println!("{}", meeting.title);
/// }
/// # Ok(())
/// # }
/// ```
pub type BoxStream<T> = std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<T>> + Send>>;

/// A boxed future, the `IntoFuture` of the request builders (so `builder.await` sends).
pub type Pending<T> = std::pin::Pin<Box<dyn std::future::Future<Output = Result<T>> + Send>>;

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
