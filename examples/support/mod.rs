//! Shared by the examples: the real Attio when `ATTIO_API_KEY` is set, otherwise the embedded fake.

use attio_meetings::{Client, Pacing};
use attio_meetings_mock::MockServer;

/// A paced client, and the fake it talks to when there is no `ATTIO_API_KEY` (keep it alive).
pub async fn connect() -> Result<(Client, Option<MockServer>), Box<dyn std::error::Error>> {
    if std::env::var_os("ATTIO_API_KEY").is_some() {
        let client = Client::builder()
            .token(std::env::var("ATTIO_API_KEY")?)
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
