//! Pacing shared by every process that uses one token, through Redis (feature `redis`).
//!
//! Each bucket of each workspace is one Redis hash, `{prefix}:v1:{token hash}:{bucket}` (`read`,
//! `write`, or an operation with a limit of its own), updated atomically by `reserve.lua`: the rule of
//! [`Slots::reserve`](super::Slots) with Redis's clock. A permit is only reserved when it starts within
//! `lead` (one interval, at least 10 ms); otherwise the script says when to ask again, so a 429 stored
//! by any process (`pause.lua`) holds back every other one within `lead`. In each process one task per
//! bucket talks to Redis at a time, the others queue behind it in order.
//!
//! When Redis does not answer within the timeout, the call is paced by the local fallback instead (at a
//! fraction of the limits), a warning is logged once per outage, and Redis is tried again every
//! [`PROBE_EVERY`] until it answers.

use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::OnceCell;

use super::{Bucket, GUARD, Local, MAX_PAUSE, Rule, SECOND, now, sleep_micros};
use crate::error::{Error, Result};
use crate::token::ApiToken;

/// How often Redis is tried again during an outage.
const PROBE_EVERY: Duration = Duration::from_millis(250);
/// The shortest `lead`: how far ahead a permit is reserved.
const MIN_LEAD: u64 = 10_000;

/// Where shared pacing keeps its state: a Redis server, 5.0 or newer (or anything that speaks its
/// protocol and runs Lua scripts, such as Valkey), and what to do when it does not answer. Used with
/// [`Pacing::shared`](crate::Pacing::shared).
///
/// Every process that paces the same token with the same Redis and key prefix shares one budget per
/// rate class; another token (another workspace) gets its own. Keys hold a hash of the token, never the
/// token. When Redis is unreachable or slower than [`RedisPacer::timeout`], requests are paced locally
/// at [`RedisPacer::fallback_fraction`] of the limits (by default `1 / workers` when
/// [`RedisPacer::workers`] is set, else the full limits), so a call never waits for Redis nor fails
/// because of it; a `tracing` warning is logged once per outage, and shared pacing resumes when Redis
/// answers again.
///
/// ```no_run
/// use std::time::Duration;
/// use attio_meetings::{Client, Pacing, RedisPacer};
///
/// # fn demo() -> Result<(), attio_meetings::Error> {
/// let redis = RedisPacer::new("redis://127.0.0.1:6379/", "attio")
///     .workers(4)
///     .timeout(Duration::from_millis(20));
/// let client = Client::builder()
///     .token("workspace-api-key")
///     .pacing(Pacing::attio().shared(redis))
///     .build()?;
/// # let _ = client; Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct RedisPacer {
    url: SecretString,
    prefix: String,
    timeout: Duration,
    connect_timeout: Duration,
    workers: Option<u32>,
    fraction: Option<f64>,
}

impl RedisPacer {
    /// Redis at `url` (`redis://[user:password@]host[:port][/db]`; no TLS), keys starting with
    /// `key_prefix`. Nothing connects until the first request; a malformed URL fails
    /// [`ClientBuilder::build`](crate::ClientBuilder::build). The URL's password never appears in
    /// `Debug` output or logs.
    ///
    /// ```
    /// let redis = attio_meetings::RedisPacer::new("redis://127.0.0.1/", "my-app");
    /// # let _ = redis;
    /// ```
    pub fn new(url: impl Into<String>, key_prefix: impl Into<String>) -> Self {
        Self {
            url: SecretString::from(url.into()),
            prefix: key_prefix.into(),
            timeout: Duration::from_millis(20),
            connect_timeout: Duration::from_secs(1),
            workers: None,
            fraction: None,
        }
    }

    /// The longest one pacing call to Redis may take before the request is paced locally instead
    /// (20 ms by default). Keep it well above Redis's usual latency: each switch between shared and
    /// local pacing waits for a wall-clock second the other side has not used.
    ///
    /// ```
    /// let redis = attio_meetings::RedisPacer::new("redis://127.0.0.1/", "my-app")
    ///     .timeout(std::time::Duration::from_millis(5));
    /// # let _ = redis;
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The longest the first connection to Redis may take (1 s by default); reconnections during a
    /// run are bounded by [`RedisPacer::timeout`].
    ///
    /// ```
    /// let redis = attio_meetings::RedisPacer::new("redis://127.0.0.1/", "my-app")
    ///     .connect_timeout(std::time::Duration::from_millis(200));
    /// # let _ = redis;
    /// ```
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How many processes share the token: while Redis is unreachable each paces itself at
    /// `1 / workers` of the limits, so that together they stay under them.
    ///
    /// ```
    /// let redis = attio_meetings::RedisPacer::new("redis://127.0.0.1/", "my-app").workers(4);
    /// # let _ = redis;
    /// ```
    pub fn workers(mut self, workers: u32) -> Self {
        self.workers = Some(workers.max(1));
        self
    }

    /// The fraction (0 < f <= 1) of the limits a process paces itself at while Redis is unreachable;
    /// overrides [`RedisPacer::workers`]. Each limit stays at least 1 per second.
    ///
    /// ```
    /// let redis = attio_meetings::RedisPacer::new("redis://127.0.0.1/", "my-app")
    ///     .fallback_fraction(0.5);
    /// # let _ = redis;
    /// ```
    pub fn fallback_fraction(mut self, fraction: f64) -> Self {
        self.fraction = Some(if fraction.is_finite() {
            fraction.clamp(f64::MIN_POSITIVE, 1.0)
        } else {
            1.0
        });
        self
    }

    /// The fraction of the limits of the local fallback.
    pub(crate) fn fallback_share(&self) -> f64 {
        match (self.fraction, self.workers) {
            (Some(fraction), _) => fraction,
            (None, Some(workers)) => 1.0 / f64::from(workers),
            (None, None) => 1.0,
        }
    }
}

/// The URL without its password, in the user-info part or in the query (`?pass=` of `redis+unix://`):
/// the whole query is hidden.
fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            if parsed.query().is_some() {
                parsed.set_query(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => "(not a URL)".to_string(),
    }
}

impl fmt::Debug for RedisPacer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisPacer")
            .field("url", &redacted(self.url.expose_secret()))
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("fallback_fraction", &self.fallback_share())
            .finish()
    }
}

/// Whether Redis answers, and when to try it again if not.
#[derive(Debug)]
struct State {
    down: bool,
    retry_at: Instant,
}

/// What to do about Redis for one call.
enum Health {
    Up,
    /// Down, but time to try it again.
    Probe,
    Down,
}

/// The shared side of a [`Pacer`](super::Pacer).
pub(crate) struct Shared {
    client: redis::Client,
    connection: OnceCell<ConnectionManager>,
    /// Redis has answered a script call (the scripts are loaded).
    answered: AtomicBool,
    reserve: redis::Script,
    pause: redis::Script,
    keys: HashMap<Bucket, String>,
    rules: HashMap<Bucket, Rule>,
    /// One task per bucket talks to Redis at a time.
    turns: HashMap<Bucket, tokio::sync::Mutex<()>>,
    timeout: Duration,
    connect_timeout: Duration,
    fraction: f64,
    state: Mutex<State>,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("buckets", &self.keys.len())
            .field("timeout", &self.timeout)
            .field("fallback_fraction", &self.fraction)
            .finish_non_exhaustive()
    }
}

impl Shared {
    pub fn new(
        config: &RedisPacer,
        token: &ApiToken,
        rules: HashMap<Bucket, Rule>,
    ) -> Result<Self> {
        let client = redis::Client::open(config.url.expose_secret()).map_err(|_| {
            Error::invalid(
                "redis url",
                "is not a redis:// URL (or names a scheme this build does not support)",
            )
        })?;
        let identity = token.identity();
        let keys = rules
            .keys()
            .map(|&bucket| {
                let key = format!("{}:v1:{identity}:{}", config.prefix, bucket.name());
                (bucket, key)
            })
            .collect();
        let turns = rules
            .keys()
            .map(|&bucket| (bucket, tokio::sync::Mutex::new(())))
            .collect();
        Ok(Self {
            client,
            connection: OnceCell::new(),
            answered: AtomicBool::new(false),
            reserve: redis::Script::new(include_str!("reserve.lua")),
            pause: redis::Script::new(include_str!("pause.lua")),
            keys,
            rules,
            turns,
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
            fraction: config.fallback_share(),
            state: Mutex::new(State {
                down: false,
                retry_at: Instant::now(),
            }),
        })
    }

    /// The connection, made on first use.
    async fn connection(&self) -> std::result::Result<ConnectionManager, String> {
        let connect = self.connection.get_or_try_init(|| async {
            let config = ConnectionManagerConfig::new()
                .set_connection_timeout(Some(self.connect_timeout))
                .set_response_timeout(Some(self.timeout))
                .set_number_of_retries(1)
                .set_min_delay(Duration::from_millis(10))
                .set_max_delay(Duration::from_millis(100));
            ConnectionManager::new_with_config(self.client.clone(), config).await
        });
        match tokio::time::timeout(self.connect_timeout, connect).await {
            Ok(Ok(connection)) => Ok(connection.clone()),
            Ok(Err(e)) => Err(describe(&e)),
            Err(_) => Err(format!("no connection within {:?}", self.connect_timeout)),
        }
    }

    /// Runs one script call within the timeout.
    async fn call(
        &self,
        script: &redis::Script,
        key: &str,
        args: &[u64],
    ) -> std::result::Result<(i64, i64), String> {
        let mut connection = self.connection().await?;
        let mut invocation = script.key(key);
        for arg in args {
            invocation.arg(*arg);
        }
        let call = invocation.invoke_async::<(i64, i64)>(&mut connection);
        // The first call also loads the script (three round trips and a compilation): it gets the
        // connection's time.
        let ready = self.answered.load(Ordering::Relaxed);
        let timeout = if ready {
            self.timeout
        } else {
            self.connect_timeout
        };
        match tokio::time::timeout(timeout, call).await {
            Ok(Ok(answer)) => {
                self.answered.store(true, Ordering::Relaxed);
                Ok(answer)
            }
            Ok(Err(e)) => Err(describe(&e)),
            Err(_) => Err(format!("no answer within {:?}", self.timeout)),
        }
    }

    /// Waits for a shared permit of `bucket`. `false`: Redis is unreachable, pace with the fallback.
    pub async fn ready(&self, bucket: Bucket, local: &Local) -> bool {
        // This process's own 429s are known without asking.
        local.pause_over(bucket).await;
        let (Some(rule), Some(key), Some(turn)) = (
            self.rules.get(&bucket),
            self.keys.get(&bucket),
            self.turns.get(&bucket),
        ) else {
            return true;
        };
        let probing = match self.health() {
            Health::Up => false,
            Health::Probe => true,
            Health::Down => return false,
        };
        let lead = rule.interval.max(MIN_LEAD);
        let _turn = turn.lock().await;
        loop {
            // Another task of this process found Redis down while this one queued.
            if !probing && self.is_down() {
                return false;
            }
            let args = [
                u64::from(rule.limit),
                rule.interval,
                rule.tolerance,
                GUARD,
                lead,
            ];
            match self.call(&self.reserve, key, &args).await {
                Ok((granted, wait)) => {
                    if self.up() {
                        // The fallback may have filled this second (or the next, with permits it
                        // handed out ahead): shared permits start after them.
                        sleep_micros(local.clear_second().saturating_sub(now())).await;
                        continue;
                    }
                    let wait = u64::try_from(wait).unwrap_or(0).min(MAX_PAUSE);
                    sleep_micros(wait).await;
                    if granted == 1 {
                        return true;
                    }
                }
                Err(reason) => {
                    self.down(&reason, local);
                    return false;
                }
            }
        }
    }

    /// Stores a 429's pause of `bucket` (microseconds since the epoch) for every process.
    pub async fn pause(&self, bucket: Bucket, until: u64, local: &Local) {
        let Some(key) = self.keys.get(&bucket) else {
            return;
        };
        if matches!(self.health(), Health::Down) {
            return;
        }
        match self.call(&self.pause, key, &[until, MAX_PAUSE]).await {
            Ok(_) => {
                self.up();
            }
            Err(reason) => self.down(&reason, local),
        }
    }

    /// Whether to ask Redis: it is thought up, or it is time to try it again (one caller per
    /// [`PROBE_EVERY`]), or it is down.
    fn health(&self) -> Health {
        let Ok(mut state) = self.state.lock() else {
            return Health::Down;
        };
        if !state.down {
            return Health::Up;
        }
        let now = Instant::now();
        if now < state.retry_at {
            return Health::Down;
        }
        state.retry_at = now + PROBE_EVERY;
        Health::Probe
    }

    fn is_down(&self) -> bool {
        self.state.lock().map_or(true, |state| state.down)
    }

    /// Redis answered; `true` when that ends an outage.
    fn up(&self) -> bool {
        if let Ok(mut state) = self.state.lock()
            && state.down
        {
            state.down = false;
            tracing::info!("shared pacing: Redis answers again; pacing is shared again");
            return true;
        }
        false
    }

    /// Redis did not answer. At the start of an outage the fallback waits for the next wall-clock
    /// second, which shared permits may have filled.
    fn down(&self, reason: &str, local: &Local) {
        if let Ok(mut state) = self.state.lock() {
            if !state.down {
                state.down = true;
                let next_second = (now() / SECOND + 1) * SECOND;
                for &bucket in self.rules.keys() {
                    local.pause(bucket, next_second);
                }
                tracing::warn!(
                    reason,
                    fallback_fraction = self.fraction,
                    "shared pacing: Redis unreachable; pacing this process alone at a fraction of the \
                     limits until it answers again"
                );
            }
            state.retry_at = Instant::now() + PROBE_EVERY;
        }
    }
}

/// What went wrong with Redis, without anything of its URL.
pub(crate) fn describe(error: &redis::RedisError) -> String {
    if error.is_timeout() {
        "timed out".to_string()
    } else if error.is_connection_refusal() {
        "connection refused".to_string()
    } else if error.is_connection_dropped() || error.is_io_error() {
        "connection lost".to_string()
    } else {
        format!("{:?}", error.kind())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_password() {
        let redis = RedisPacer::new("redis://user:hunter2@10.0.0.5:6379/2", "app").workers(4);
        let debug = format!("{redis:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(
            debug.contains("10.0.0.5") && debug.contains("0.25"),
            "{debug}"
        );
        let debug = format!("{:?}", crate::Pacing::attio().shared(redis));
        assert!(!debug.contains("hunter2"), "{debug}");
    }

    #[test]
    fn debug_output_hides_passwords_wherever_the_url_holds_them() {
        for url in [
            "redis://user:hunter2@127.0.0.1:6379/0",
            "redis+unix:///run/redis.sock?db=0&user=app&pass=hunter2",
        ] {
            let shown = format!("{:?}", RedisPacer::new(url, "app"));
            assert!(!shown.contains("hunter2"), "{shown}");
            assert!(shown.contains("***"), "{shown}");
        }
    }

    #[test]
    fn keys_name_the_workspace_by_a_hash_of_the_token() {
        let rules = super::super::Local::new(&crate::Pacing::attio()).rules;
        let redis = RedisPacer::new("redis://127.0.0.1/", "app");
        let one = Shared::new(&redis, &ApiToken::new("secret-one"), rules.clone()).unwrap();
        let two = Shared::new(&redis, &ApiToken::new("secret-two"), rules).unwrap();
        let write = Bucket::Class(crate::pipeline::RateClass::Write);
        let (a, b) = (&one.keys[&write], &two.keys[&write]);
        assert_ne!(a, b);
        assert!(a.starts_with("app:v1:") && a.ends_with(":write"), "{a}");
        assert_eq!(a.split(':').nth(2).map(str::len), Some(16));
        // The first 16 hex digits of SHA-256("secret-one"), computed apart: the token itself is not there.
        assert_eq!(a, "app:v1:ea77193cc4e6f186:write");
        assert!(
            Shared::new(
                &RedisPacer::new("nonsense", "app"),
                &ApiToken::new("t"),
                HashMap::new()
            )
            .is_err()
        );
    }

    #[test]
    fn the_fallback_fraction() {
        let redis = RedisPacer::new("redis://127.0.0.1/", "app");
        assert_eq!(redis.fallback_share(), 1.0);
        assert_eq!(redis.clone().workers(4).fallback_share(), 0.25);
        assert_eq!(
            redis
                .clone()
                .workers(4)
                .fallback_fraction(0.5)
                .fallback_share(),
            0.5
        );
        assert_eq!(redis.fallback_fraction(f64::NAN).fallback_share(), 1.0);
    }
}
