//! When and how long to wait before trying a request again.
//!
//! Attempts are counted including the first. Waits grow exponentially up to a cap and are drawn with
//! full jitter (uniform in `0..=backoff`), so many clients recovering together do not retry in step;
//! a `Retry-After` from Attio (seconds or, as Attio sends it, an HTTP date) is never undercut. A shared
//! [`RetryBudget`] stops a client from hammering an API that keeps failing.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

use backon::BackoffBuilder;
use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::error::{Error, Sent};
use crate::pipeline::RetryClass;

/// How a call is retried. The client has one (see `ClientBuilder::retry`); each request builder can
/// override it with `.retry(...)`.
///
/// ```
/// use std::time::Duration;
/// use attio_meetings::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(8).max_elapsed(Duration::from_secs(120));
/// let once = RetryPolicy::none();
/// # let _ = (patient, once);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
    max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 200 ms doubling up to 10 s, at most 60 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A single attempt: never retry.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The first backoff; each retry doubles it.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// The largest backoff between two attempts (a longer `Retry-After` still wins).
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// No retry starts later than this after the first attempt did; a `Retry-After` beyond it ends the
    /// call with the 429.
    pub fn max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The configured attempts.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    pub(crate) fn elapsed_limit(&self) -> Duration {
        self.max_elapsed
    }

    /// The backoff before each retry, before jitter: `initial * 2^n`, capped.
    pub(crate) fn schedule(&self) -> impl Iterator<Item = Duration> + use<> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.initial_backoff)
            .with_max_delay(self.max_backoff)
            .with_factor(2.0)
            .with_max_times(self.max_attempts.saturating_sub(1) as usize)
            .build()
    }
}

/// Full jitter: a uniform draw in `0..=backoff`.
pub(crate) fn jitter(backoff: Duration) -> Duration {
    let nanos = u64::try_from(backoff.as_nanos()).unwrap_or(u64::MAX);
    Duration::from_nanos(fastrand::u64(0..=nanos))
}

/// The cost, in budget tokens, of retrying after `error`, or `None` when the error must not be retried.
///
/// [`RetryClass::Repeatable`] operations retry on 429, transient server errors, network failures and
/// timeouts; [`RetryClass::AfterRefusal`] ones (create call recording) only on 429 (Attio did not process
/// it) and on failures before anything was sent.
pub(crate) fn retry_cost(error: &Error, class: RetryClass) -> Option<u32> {
    const RETRY: u32 = 5;
    const TIMEOUT: u32 = 10;
    let repeatable = class == RetryClass::Repeatable;
    match error {
        Error::Api(api) if api.status == StatusCode::TOO_MANY_REQUESTS => Some(RETRY),
        Error::Api(api) if repeatable && transient(api.status) => Some(RETRY),
        Error::Transport { sent: Sent::No, .. } => Some(RETRY),
        Error::Transport {
            sent: Sent::Maybe, ..
        } if repeatable => Some(RETRY),
        Error::Timeout { sent: Sent::No, .. } => Some(TIMEOUT),
        Error::Timeout {
            sent: Sent::Maybe, ..
        } if repeatable => Some(TIMEOUT),
        // A body cut off on the way is a transport error; one that arrived whole but does not decode (or is
        // over the size limit) would arrive the same way again, so decode errors are final.
        _ => None,
    }
}

/// The one rule for a server error worth trying again: every 5xx except 501 (Not Implemented) and 505
/// (HTTP Version Not Supported), which say the server will never do it.
pub(crate) fn transient(status: StatusCode) -> bool {
    status.is_server_error()
        && status != StatusCode::NOT_IMPLEMENTED
        && status != StatusCode::HTTP_VERSION_NOT_SUPPORTED
}

/// `Retry-After` as an instant: delta-seconds (`120`) or an HTTP date (`Tue, 23 May 2023 14:42:01 GMT`,
/// what Attio sends).
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<SystemTime> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return now.checked_add(Duration::from_secs(seconds));
    }
    httpdate::parse_http_date(value).ok()
}

/// A shared allowance of retries (the AWS SDK's retry quota): each retry spends tokens; a success
/// refunds what its own retries spent, or one token when it needed none. While a server keeps failing the bucket empties and calls fail fast instead of
/// multiplying the load; it refills as calls succeed again.
#[derive(Debug)]
pub struct RetryBudget {
    tokens: AtomicU32,
    capacity: u32,
}

impl RetryBudget {
    /// A full budget of `capacity` tokens (a retry costs 5, after a timeout 10; see [`RetryBudget`]).
    pub fn new(capacity: u32) -> Self {
        Self {
            tokens: AtomicU32::new(capacity),
            capacity,
        }
    }

    /// Tokens left.
    pub fn available(&self) -> u32 {
        self.tokens.load(Ordering::Relaxed)
    }

    /// Takes `cost` tokens if there are enough.
    pub(crate) fn try_spend(&self, cost: u32) -> bool {
        self.tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| t.checked_sub(cost))
            .is_ok()
    }

    /// Gives tokens back after a success: what its retries spent, or one for a first-attempt success.
    pub(crate) fn earn(&self, spent_on_retries: u32) {
        let refund = spent_on_retries.max(1);
        let _ = self
            .tokens
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |t| {
                (t < self.capacity).then(|| t.saturating_add(refund).min(self.capacity))
            });
    }
}

impl Default for RetryBudget {
    /// 500 tokens: a hundred retries in a row before failing fast.
    fn default() -> Self {
        Self::new(500)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_doubles_up_to_the_cap_and_stops() {
        let policy = RetryPolicy::default()
            .max_attempts(6)
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(500));
        let waits: Vec<u128> = policy.schedule().map(|d| d.as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 500, 500]);
        assert_eq!(RetryPolicy::none().schedule().count(), 0);
    }

    #[test]
    fn jitter_stays_within_the_backoff() {
        let backoff = Duration::from_millis(300);
        let draws: Vec<Duration> = (0..200).map(|_| jitter(backoff)).collect();
        assert!(draws.iter().all(|d| *d <= backoff));
        assert!(draws.iter().any(|d| *d < backoff / 2) && draws.iter().any(|d| *d > backoff / 2));
    }

    #[test]
    fn retry_after_reads_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_684_852_900);
        let mut headers = HeaderMap::new();
        headers.insert(RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(
            retry_after(&headers, now),
            Some(now + Duration::from_secs(120))
        );
        headers.insert(
            RETRY_AFTER,
            "Tue, 23 May 2023 14:42:01 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&headers, now),
            Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_684_852_921))
        );
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn budget_spends_and_refills_within_capacity() {
        let budget = RetryBudget::new(10);
        assert!(budget.try_spend(5) && budget.try_spend(5));
        assert!(!budget.try_spend(5));
        budget.earn(0);
        assert_eq!(budget.available(), 1);
        budget.earn(5);
        assert_eq!(budget.available(), 6);
        let full = RetryBudget::new(3);
        full.earn(0);
        assert_eq!(full.available(), 3);
    }
}
