//! The API token, kept out of every `Debug`, `Display`, log line and error message.

use std::fmt;

use secrecy::{ExposeSecret, SecretString};

/// An Attio access token: a workspace API key or an OAuth 2.0 access token.
///
/// It only leaves this type as the `Authorization` header of a request, marked sensitive so that reqwest
/// and HTTP/2 header compression treat it as a secret. `Debug` and `Display` print `ApiToken(***)`.
///
/// ```
/// let token = attio_meetings::ApiToken::new("secret-key");
/// assert_eq!(format!("{token:?} {token}"), "ApiToken(***) ApiToken(***)");
/// ```
#[derive(Clone)]
pub struct ApiToken(SecretString);

impl ApiToken {
    /// Wraps a token.
    pub fn new(token: impl Into<String>) -> Self {
        Self(SecretString::from(token.into()))
    }

    /// Whether the token is empty (or only whitespace), which Attio would refuse.
    pub fn is_blank(&self) -> bool {
        self.0.expose_secret().trim().is_empty()
    }

    /// The `Authorization` header value, marked sensitive.
    pub(crate) fn header(&self) -> Option<reqwest::header::HeaderValue> {
        let mut value = reqwest::header::HeaderValue::from_str(&format!(
            "Bearer {}",
            self.0.expose_secret().trim()
        ))
        .ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Names the token's workspace in shared pacing keys and in-flight `ensure` keys: the first 16 hex
    /// digits of the SHA-256 of the token, which tell tokens apart without revealing them.
    pub(crate) fn identity(&self) -> String {
        use sha2::Digest;
        let digest = sha2::Sha256::digest(self.0.expose_secret().trim().as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

impl From<String> for ApiToken {
    fn from(token: String) -> Self {
        Self::new(token)
    }
}

impl From<&str> for ApiToken {
    fn from(token: &str) -> Self {
        Self::new(token)
    }
}

impl fmt::Debug for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}

impl fmt::Display for ApiToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiToken(***)")
    }
}
