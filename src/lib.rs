//! A typed client for Attio's Meetings API: meetings, their call recordings and transcripts.
//!
//! The request and response types ([`types`]) and the client calls ([`Client`]) are generated at build
//! time from `spec/attio-meetings.yaml` by progenitor (see the `attio-meetings-codegen` crate). Every call
//! is a builder ending in `send()`:
//!
//! ```no_run
//! use attio_meetings::Client;
//! use attio_meetings::types::MeetingSort;
//!
//! # async fn demo(token: &str) -> Result<(), Box<dyn std::error::Error>> {
//! let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {token}"))?;
//! auth.set_sensitive(true);
//! let http = reqwest::Client::builder()
//!     .default_headers([(reqwest::header::AUTHORIZATION, auth)].into_iter().collect())
//!     .build()?;
//! let client = Client::new_with_client("https://api.attio.com", http);
//!
//! let page = client
//!     .list_meetings()
//!     .limit(50u8)
//!     .sort(MeetingSort::StartDesc)
//!     .send()
//!     .await?;
//! for meeting in &page.data {
//!     println!("{} ({})", meeting.title, meeting.id.meeting_id);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Enums Attio may extend (statuses, actor types, ...) have an `Unknown(String)` variant, so a value added
//! on Attio's side decodes instead of failing. Errors of every status decode into [`types::AttioError`].

mod generated {
    include!(concat!(env!("OUT_DIR"), "/attio_meetings.rs"));
}

pub use generated::*;
