//! Shared by the examples: the real Attio when `ATTIO_API_KEY` is set (and `ATTIO_BASE_URL`, if set),
//! otherwise the embedded fake; and errors reported as sentences with their causes.

use std::fmt;

use attio_meetings::{Client, Pacing};
use attio_meetings_mock::MockServer;

/// A paced client, and the fake it talks to when there is no `ATTIO_API_KEY` (keep it alive).
#[allow(dead_code)] // the quickstart connects its own way
pub async fn connect() -> Result<(Client, Option<MockServer>), Report> {
    if std::env::var_os(attio_meetings::TOKEN_ENV).is_some() {
        let client = Client::builder()
            .from_env()?
            .pacing(Pacing::attio())
            .build()?;
        return Ok((client, None));
    }
    let server = MockServer::start().await?;
    eprintln!(
        "(no ATTIO_API_KEY: using the embedded fake at {})",
        server.base_url()
    );
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .pacing(Pacing::attio())
        .build()?;
    Ok((client, Some(server)))
}

/// What `main` returns on failure: Rust prints it with `Debug`, which here is the error's message
/// followed by its causes, not a dump of its fields.
pub struct Report(Box<dyn std::error::Error + Send + Sync>);

impl<E: Into<Box<dyn std::error::Error + Send + Sync>>> From<E> for Report {
    fn from(error: E) -> Self {
        Report(error.into())
    }
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = self.0.to_string();
        write!(f, "{text}")?;
        // The crate's errors already name their causes; others get them listed.
        let mut cause = self.0.source();
        while let Some(inner) = cause {
            let inner_text = inner.to_string();
            if !text.contains(&inner_text) {
                write!(f, "\n  caused by: {inner_text}")?;
            }
            cause = inner.source();
        }
        Ok(())
    }
}
