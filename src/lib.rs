//! A typed client for Attio's Meetings API: meetings, their call recordings and transcripts.
//!
//! ```no_run
//! use attio_meetings::{Client, types::{MeetingTime, NewMeeting, NewParticipant, ExternalRef}};
//!
//! # async fn demo() -> Result<(), attio_meetings::Error> {
//! let client = Client::from_env()?; // ATTIO_API_KEY
//! let start = chrono::DateTime::parse_from_rfc3339("2027-11-27T14:00:00-05:00").unwrap();
//! let meeting = client
//!     .meetings()
//!     .find_or_create(NewMeeting {
//!         title: "Onboarding".into(),
//!         description: "First call".into(),
//!         start: MeetingTime::at(start, "America/New_York"),
//!         end: MeetingTime::at(start + chrono::Duration::hours(1), "America/New_York"),
//!         is_all_day: false,
//!         participants: vec![NewParticipant::organizer("ada@example.com")],
//!         linked_records: vec![],
//!         external_ref: ExternalRef::id("crm-event-42")?,
//!     })
//!     .await?;
//! println!("{} is {}", meeting.title, meeting.id.meeting_id);
//! # Ok(())
//! # }
//! ```
//!
//! - [`Client`] (from a token, `ATTIO_API_KEY`, or [`ClientBuilder`]) is cheap to clone and shared
//!   across tasks. Calls are builders that send when awaited: `client.meetings().list()`,
//!   `.find_or_create(..)`, `.get(id)`; `client.call_recordings(meeting_id).create(url)`, ...;
//!   `client.transcript(meeting_id, recording_id)`.
//! - Failures are one [`Error`]: Attio's envelope with status, headers and `Retry-After`
//!   ([`Error::Api`]), network and timeout failures saying whether the request may have been applied,
//!   decode failures with the JSON path, and input refused before sending.
//! - Retries follow [`RetryPolicy`] (jittered exponential backoff, `Retry-After` honoured, a shared
//!   [`RetryBudget`]), only where safe: create-call-recording is not retried after an ambiguous failure.
//!   [`Pacing`] keeps bulk work under Attio's rate limits.
//! - Lists stream across pages with the next page prefetched: `.stream()`, `.pages()`, `.collect_all()`.
//! - [`types`] holds the request and response types, generated at build time from the OpenAPI spec;
//!   string enums have an `Unknown(String)` variant so values Attio adds later still decode. [`raw`] is
//!   the generated low-level client, without retries.

#![warn(missing_docs)]

/// Makes a request builder send when awaited: `impl IntoFuture` through its `send()`.
macro_rules! send_on_await {
    ($builder:ty => $output:ty) => {
        impl std::future::IntoFuture for $builder {
            type Output = $crate::Result<$output>;
            type IntoFuture = $crate::Pending<$output>;
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}

mod call_recordings;
mod client;
mod error;
mod helpers;
mod meetings;
mod pacing;
mod paginate;
mod retry;
mod token;
mod transcripts;
mod transport;
mod validate;

// progenitor documents operations and schemas, not every builder method it emits.
#[allow(missing_docs)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/attio_meetings.rs"));
}

pub use call_recordings::{
    CallRecordings, CreateCallRecording, DeleteCallRecording, GetCallRecording, ListCallRecordings,
};
pub use client::{Client, ClientBuilder, DEFAULT_BASE_URL, TOKEN_ENV};
pub use error::{ApiError, DecodeError, Error, Result, Sent};
pub use generated::types;
pub use meetings::{FindOrCreateMeeting, GetMeeting, ListMeetings, Meetings, Pending};
pub use pacing::Pacing;
pub use retry::{RetryBudget, RetryPolicy};
pub use token::ApiToken;
pub use transcripts::GetTranscript;

/// The client progenitor generates from the spec: one method per operation, no retries, no pacing, the
/// token left to you (e.g. as a default header of the `reqwest::Client`). Prefer [`Client`].
pub mod raw {
    pub use crate::generated::{ByteStream, Client, Error, ResponseValue, builder, prelude};
}

/// The README's examples, compiled as doctests so they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
