//! The client: configuration, and the shared state every call uses.

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use uuid::Uuid;

use crate::api::Api;
use crate::error::{Error, Result, Sent};
use crate::pacing::{Pacer, Pacing};
use crate::pipeline::Pipeline;
use crate::resources::{CallRecordings, Meetings, TranscriptDownload};
use crate::retry::{RetryBudget, RetryPolicy};
use crate::token::ApiToken;

/// Attio's API.
pub const DEFAULT_BASE_URL: &str = "https://api.attio.com";

/// The environment variable [`Client::from_env`] reads the token from.
pub const TOKEN_ENV: &str = "ATTIO_API_KEY";

/// The environment variable [`Client::from_env`] reads the base URL from, if set and not empty.
pub const BASE_URL_ENV: &str = "ATTIO_BASE_URL";

/// Sent as `User-Agent`, after the application's own product token if one is set.
const USER_AGENT: &str = concat!("attio-meetings/", env!("CARGO_PKG_VERSION"));

/// A client of Attio's Meetings API, with retries, optional pacing and typed errors.
///
/// Cheap to clone (one `Arc`); clones share the connection pool, the retry budget and the pacer.
///
/// ```no_run
/// # async fn demo() -> Result<(), attio_meetings::Error> {
/// let client = attio_meetings::Client::from_env()?;
/// let page = client.meetings().list().limit(10).send().await?;
/// for meeting in &page.data {
///     println!("{}", meeting.title);
/// }
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    pipeline: Arc<Pipeline>,
    /// The base URL and the token's identity (a hash): which workspace `ensure` serialises on.
    workspace: Arc<str>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // No token here: `auth` is left out on purpose.
        f.debug_struct("Client")
            .field("base_url", &self.pipeline.base_url)
            .field("retry", &self.pipeline.retry)
            .field("paced", &self.pipeline.pacer.is_some())
            .field("timeout", &self.pipeline.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client for `https://api.attio.com` with default settings.
    pub fn new(token: impl Into<ApiToken>) -> Result<Self> {
        Self::builder().token(token).build()
    }

    /// A client whose token comes from `ATTIO_API_KEY` (and base URL, optionally, from
    /// `ATTIO_BASE_URL`); see [`ClientBuilder::from_env`] to change other settings too.
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env()?.build()
    }

    /// Settings for a new client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Every operation of the spec by operationId, as request builders sharing this client's token,
    /// retry policy and budget, and pacing. Operations the spec gains appear here on regeneration.
    ///
    /// ```no_run
    /// # async fn demo(client: attio_meetings::Client, id: uuid::Uuid) -> Result<(), attio_meetings::Error> {
    /// let meeting = client.api().get_meeting().meeting_id(id).send().await?;
    /// # let _ = meeting; Ok(())
    /// # }
    /// ```
    pub fn api(&self) -> Api {
        Api::new(self.clone())
    }

    /// Meetings: list, create, ensure, get, delete, linked records.
    pub fn meetings(&self) -> Meetings {
        Meetings::new(self.api())
    }

    /// The call recordings of one meeting: list, create, get, delete.
    pub fn call_recordings(&self, meeting_id: Uuid) -> CallRecordings {
        CallRecordings::new(self.api(), meeting_id)
    }

    /// The transcript of a call recording: `.await` downloads every page and merges them.
    pub fn transcript(&self, meeting_id: Uuid, call_recording_id: Uuid) -> TranscriptDownload {
        TranscriptDownload::new(self.api(), meeting_id, call_recording_id)
    }

    /// The pipeline every request of this client goes through.
    pub(crate) fn pipeline(&self) -> &Pipeline {
        &self.pipeline
    }

    /// The base URL and a hash of the token (no secret): clients with the same one write to the same
    /// workspace. Names the workspace in claims and in state kept between runs.
    pub fn workspace(&self) -> &str {
        &self.workspace
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.pipeline.base_url
    }

    /// The retry budget shared by this client and its clones.
    pub fn retry_budget(&self) -> &RetryBudget {
        &self.pipeline.budget
    }
}

/// Settings of a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use attio_meetings::{Client, Pacing, RetryPolicy};
///
/// # fn demo() -> Result<(), attio_meetings::Error> {
/// let client = Client::builder()
///     .token("workspace-api-key")
///     .timeout(Duration::from_secs(20))
///     .retry(RetryPolicy::default().max_attempts(6))
///     .pacing(Pacing::attio())
///     .build()?;
/// # let _ = client; Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ClientBuilder {
    token: Option<ApiToken>,
    base_url: String,
    http: Option<reqwest::Client>,
    connect_timeout: Duration,
    timeout: Duration,
    retry: RetryPolicy,
    pacing: Option<Pacing>,
    max_body: usize,
    user_agent: Option<String>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            token: None,
            base_url: DEFAULT_BASE_URL.to_string(),
            http: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            retry: RetryPolicy::default(),
            pacing: None,
            max_body: 32 << 20,
            user_agent: None,
        }
    }
}

impl ClientBuilder {
    /// The token from `ATTIO_API_KEY`, and the base URL from `ATTIO_BASE_URL` when it is set and not
    /// empty.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), attio_meetings::Error> {
    /// let client = attio_meetings::Client::builder()
    ///     .from_env()?
    ///     .pacing(attio_meetings::Pacing::attio())
    ///     .build()?;
    /// # let _ = client; Ok(())
    /// # }
    /// ```
    pub fn from_env(mut self) -> Result<Self> {
        let token = std::env::var(TOKEN_ENV)
            .map_err(|_| Error::invalid(TOKEN_ENV, "is not set (or not valid UTF-8)"))?;
        self = self.token(token);
        // An empty value counts as unset (a blank line in an .env file, `ATTIO_BASE_URL= cmd`).
        if let Ok(base_url) = std::env::var(BASE_URL_ENV)
            && !base_url.trim().is_empty()
        {
            self = self.base_url(base_url);
        }
        Ok(self)
    }

    /// The workspace API key or OAuth access token (required).
    pub fn token(mut self, token: impl Into<ApiToken>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// Where to send requests, e.g. a fake server in tests. `https` only, except to loopback addresses.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Use this `reqwest::Client` (proxies, TLS roots, connection pool). Its own timeouts apply too; the
    /// per-request [`ClientBuilder::timeout`] is set on every request regardless. Build it with
    /// `.referer(false)`: the client's own never tells a redirect target where it came from.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Time allowed to establish a connection (10 s by default; ignored with [`Self::http_client`]).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body (30 s by default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The retry policy of every call (4 attempts with jittered exponential backoff by default).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Pace requests client-side (off by default); see [`Pacing::attio`].
    pub fn pacing(mut self, pacing: Pacing) -> Self {
        self.pacing = Some(pacing);
        self
    }

    /// The largest response body read (32 MiB by default); a larger one is a decode error.
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Your application's product token, sent before the crate's in `User-Agent`
    /// (`my-sync/1.2 attio-meetings/0.1.0`), so Attio's logs can tell your traffic apart.
    pub fn user_agent(mut self, product: impl Into<String>) -> Self {
        self.user_agent = Some(product.into());
        self
    }

    /// Checks the settings and builds the client. Nothing is sent.
    pub fn build(self) -> Result<Client> {
        let token = self
            .token
            .ok_or_else(|| Error::invalid("token", "is required"))?;
        if token.is_blank() {
            return Err(Error::invalid("token", "is empty"));
        }
        let auth = token.header().ok_or_else(|| {
            Error::invalid("token", "contains characters not allowed in a header")
        })?;
        let base_url = checked_base_url(&self.base_url)?;
        let user_agent = match &self.user_agent {
            None => HeaderValue::from_static(USER_AGENT),
            Some(product) => HeaderValue::try_from(format!("{} {USER_AGENT}", product.trim()))
                .map_err(|_| {
                    Error::invalid("user_agent", "contains characters not allowed in a header")
                })?,
        };
        let http = match self.http {
            Some(http) => http,
            None => reqwest::Client::builder()
                .connect_timeout(self.connect_timeout)
                // A followed redirect must not tell another origin where it came from.
                .referer(false)
                .build()
                .map_err(|e| Error::Transport {
                    source: e,
                    sent: Sent::No,
                })?,
        };
        let pacer = match &self.pacing {
            Some(pacing) => Some(Pacer::new(pacing, &token)?),
            None => None,
        };
        let workspace = format!("{base_url} {}", token.identity()).into();
        Ok(Client {
            workspace,
            pipeline: Arc::new(Pipeline {
                http,
                base_url,
                auth,
                user_agent,
                retry: self.retry,
                budget: RetryBudget::default(),
                pacer,
                timeout: self.timeout,
                max_body: self.max_body,
            }),
        })
    }
}

/// Whether this build can speak https (one of the TLS features is on).
const TLS: bool = cfg!(any(feature = "rustls", feature = "native-tls"));

/// Accepts `https://...`, and `http://` only to loopback (tokens must not cross a network in clear).
fn checked_base_url(raw: &str) -> Result<String> {
    let url = reqwest::Url::parse(raw)
        .map_err(|e| Error::invalid("base_url", format!("`{raw}` is not a URL: {e}")))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if !TLS => {
            return Err(Error::invalid(
                "base_url",
                "https needs TLS, and this build has none: enable the `rustls` (default) or `native-tls` feature of attio-meetings",
            ));
        }
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::invalid(
                "base_url",
                format!("plain http is only allowed to loopback addresses, not `{raw}`; use https"),
            ));
        }
        other => {
            return Err(Error::invalid(
                "base_url",
                format!("unsupported scheme `{other}`"),
            ));
        }
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::invalid(
            "base_url",
            "must not have a query or fragment",
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    #[test]
    fn https_is_refused_at_build_without_tls() {
        let err = checked_base_url("https://api.attio.com").unwrap_err();
        assert!(err.to_string().contains("`rustls`"), "{err}");
        assert!(checked_base_url("http://127.0.0.1:1").is_ok());
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    #[test]
    fn base_urls() {
        assert_eq!(
            checked_base_url("https://api.attio.com/").unwrap(),
            "https://api.attio.com"
        );
        assert_eq!(
            checked_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(checked_base_url("http://localhost:1/").is_ok());
        assert!(checked_base_url("http://[::1]:1").is_ok());
        for bad in [
            "http://api.attio.com",
            "http://10.0.0.1",
            "ftp://x",
            "nope",
            "https://x/?a=1",
        ] {
            let err = checked_base_url(bad).unwrap_err();
            assert!(
                matches!(err, Error::InvalidInput { ref field, .. } if field == "base_url"),
                "{bad}: {err}"
            );
        }
    }
}
