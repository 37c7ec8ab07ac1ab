//! [`KeyClaims`] in Redis: `SET name holder NX PX lease`, and scripts that extend or delete a claim only
//! for its holder.

use std::fmt;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

use super::{ClaimFuture, KeyClaims};
use crate::error::{Error, Result};
use crate::pacing::describe;

/// Claims in a Redis server (5.0 or newer, or Valkey): the one shared pacing uses, or any other.
/// Keys are `{prefix}:claim:{SHA-256 of the name}`, and expire with their lease.
///
/// ```no_run
/// use attio_meetings::RedisClaims;
/// # async fn demo(client: attio_meetings::Client, meetings: Vec<attio_meetings::types::NewMeeting>) -> Result<(), attio_meetings::Error> {
/// let claims = RedisClaims::new("redis://127.0.0.1:6379/", "attio")?;
/// let results = client.meetings().ensure_all(meetings).claims(claims).run().await?;
/// # let _ = results; Ok(())
/// # }
/// ```
pub struct RedisClaims {
    client: redis::Client,
    url: SecretString,
    prefix: String,
    timeout: Duration,
    connection: OnceCell<ConnectionManager>,
    extend: redis::Script,
    release: redis::Script,
}

impl fmt::Debug for RedisClaims {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The URL may hold a password: only its host part is shown.
        let host = url::Url::parse(self.url.expose_secret())
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .unwrap_or_default();
        f.debug_struct("RedisClaims")
            .field("host", &host)
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl RedisClaims {
    /// Redis at `url` (`redis://[user:password@]host[:port][/db]`), keys starting with `key_prefix`.
    /// Nothing connects until the first claim. A malformed URL is [`Error::InvalidInput`].
    pub fn new(url: impl Into<String>, key_prefix: impl Into<String>) -> Result<Self> {
        let url = SecretString::from(url.into());
        let client = redis::Client::open(url.expose_secret()).map_err(|_| {
            Error::invalid(
                "redis url",
                "is not a redis:// URL (or names a scheme this build does not support)",
            )
        })?;
        Ok(Self {
            client,
            url,
            prefix: key_prefix.into(),
            timeout: Duration::from_secs(2),
            connection: OnceCell::new(),
            extend: redis::Script::new(
                "if redis.call('get', KEYS[1]) == ARGV[1] then \
                   return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end",
            ),
            release: redis::Script::new(
                "if redis.call('get', KEYS[1]) == ARGV[1] then \
                   return redis.call('del', KEYS[1]) else return 0 end",
            ),
        })
    }

    /// The longest one call to Redis may take (2 s by default); past it the ensure of that meeting
    /// fails with [`Error::Claim`] and creates nothing.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    fn key(&self, name: &str) -> String {
        use sha2::Digest as _;
        let digest = sha2::Sha256::digest(name.as_bytes());
        let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
        format!("{}:claim:{hex}", self.prefix)
    }

    async fn connection(&self) -> std::result::Result<ConnectionManager, String> {
        let connect = self.connection.get_or_try_init(|| async {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.timeout))
                .set_response_timeout(Some(self.timeout));
            ConnectionManager::new_with_config(self.client.clone(), config).await
        });
        match tokio::time::timeout(self.timeout, connect).await {
            Ok(Ok(connection)) => Ok(connection.clone()),
            Ok(Err(e)) => Err(format!("Redis: {}", describe(&e))),
            Err(_) => Err(format!("Redis: no connection within {:?}", self.timeout)),
        }
    }

    async fn within<T>(
        &self,
        call: impl std::future::Future<Output = redis::RedisResult<T>>,
    ) -> std::result::Result<T, String> {
        match tokio::time::timeout(self.timeout, call).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(e)) => Err(format!("Redis: {}", describe(&e))),
            Err(_) => Err(format!("Redis: no answer within {:?}", self.timeout)),
        }
    }
}

impl RedisClaims {
    /// Runs `script` (extend or release) on `name` for `holder`: 1 when it held the claim.
    async fn holder_only(
        &self,
        script: &redis::Script,
        name: &str,
        holder: &str,
        lease: Option<Duration>,
    ) -> std::result::Result<i64, String> {
        let mut connection = self.connection().await?;
        let mut call = script.key(self.key(name));
        call.arg(holder);
        if let Some(lease) = lease {
            call.arg(millis(lease));
        }
        self.within(call.invoke_async(&mut connection)).await
    }
}

fn millis(lease: Duration) -> u64 {
    u64::try_from(lease.as_millis()).unwrap_or(u64::MAX).max(1)
}

impl KeyClaims for RedisClaims {
    fn acquire<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool> {
        Box::pin(async move {
            let mut connection = self.connection().await?;
            let mut set = redis::cmd("SET");
            set.arg(self.key(name))
                .arg(holder)
                .arg("NX")
                .arg("PX")
                .arg(millis(lease));
            let answer: Option<String> = self.within(set.query_async(&mut connection)).await?;
            Ok(answer.is_some())
        })
    }

    fn extend<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool> {
        Box::pin(async move {
            let extended = self
                .holder_only(&self.extend, name, holder, Some(lease))
                .await?;
            Ok(extended == 1)
        })
    }

    fn release<'a>(&'a self, name: &'a str, holder: &'a str) -> ClaimFuture<'a, ()> {
        Box::pin(async move {
            self.holder_only(&self.release, name, holder, None).await?;
            Ok(())
        })
    }
}
