//! One module per command; each takes the parsed flags and talks to Attio through the library's client.

pub mod import;
pub mod meetings;
pub mod recordings;
pub mod transcript;

use attio_meetings::{Client, Pacing, RetryPolicy};

use crate::args::Global;
use crate::failure::Failure;

/// The client: the token from `--token-file` or `ATTIO_API_KEY`, paced to Attio's limits.
pub fn connect(global: &Global) -> Result<Client, Failure> {
    connect_paced(global, Pacing::attio(), None)
}

/// The client, paced as given, retrying with `retry` (the library's default when `None`).
pub fn connect_paced(
    global: &Global,
    pacing: Pacing,
    retry: Option<RetryPolicy>,
) -> Result<Client, Failure> {
    let token = match &global.token_file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::new(format!(
                    "cannot read the token file {}: {e}",
                    path.display()
                ))
            })?;
            text.lines().next().unwrap_or("").trim().to_string()
        }
        None => std::env::var(attio_meetings::TOKEN_ENV).unwrap_or_default(),
    };
    if token.trim().is_empty() {
        return Err(Failure::new(format!(
            "no API token: set {} or pass --token-file FILE (Attio: Workspace settings > Developers)",
            attio_meetings::TOKEN_ENV
        )));
    }
    let mut builder = Client::builder()
        .token(token)
        .pacing(pacing)
        .user_agent(concat!("attio-meetings-cli/", env!("CARGO_PKG_VERSION")));
    if let Some(retry) = retry {
        builder = builder.retry(retry);
    }
    if let Some(base_url) = global.base_url.as_deref().filter(|u| !u.trim().is_empty()) {
        builder = builder.base_url(base_url);
    }
    builder
        .build()
        .map_err(|e| Failure::new(format!("cannot set up the client: {e}")))
}
