//! Optional client-side pacing at Attio's rate limits, so bulk work runs at the limit instead of
//! bouncing off it with 429s.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::generated::operations;
use crate::pipeline::{Operation, RateClass};

/// Requests per second the client allows itself, per class. Shared by every clone of a client.
///
/// ```
/// use attio_meetings::{Client, Pacing};
///
/// # fn demo() -> Result<(), attio_meetings::Error> {
/// let client = Client::builder().token("key").pacing(Pacing::attio()).build()?;
/// # let _ = client; Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pacing {
    reads: NonZeroU32,
    writes: NonZeroU32,
    /// Overrides the spec's limits of the operations that have their own (`None`: the spec's).
    own: Option<NonZeroU32>,
}

impl Pacing {
    /// Attio's documented limits: 100 reads and 25 writes per second, and the lower limits the spec
    /// declares for single operations (create call recording: 1 per second).
    pub fn attio() -> Self {
        Self {
            reads: NonZeroU32::new(100).unwrap_or(NonZeroU32::MIN),
            writes: NonZeroU32::new(25).unwrap_or(NonZeroU32::MIN),
            own: None,
        }
    }

    /// Custom limits per second (each at least 1), e.g. when Attio lowers them during an incident:
    /// reads, writes, and the limit of every operation that has one of its own (create call recording).
    pub fn per_second(reads: u32, writes: u32, own_limits: u32) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            reads: at_least_one(reads),
            writes: at_least_one(writes),
            own: Some(at_least_one(own_limits)),
        }
    }
}

/// What a 429 pauses: a shared class, or an operation with a limit of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    Class(RateClass),
    Own(&'static str),
}

/// The limiters of one client (and its clones).
#[derive(Debug)]
pub(crate) struct Pacer {
    reads: DefaultDirectRateLimiter,
    writes: DefaultDirectRateLimiter,
    /// Operations with a limit of their own, by operationId.
    own: HashMap<&'static str, DefaultDirectRateLimiter>,
    /// Set from 429s: no request of the bucket starts before this.
    paused_until: Mutex<HashMap<Bucket, Instant>>,
}

/// Evenly spaced, no bursts: Attio counts per wall-clock second, so a burst at the end of one second
/// plus the steady rate would exceed the limit within the next.
fn limiter(per_second: NonZeroU32) -> DefaultDirectRateLimiter {
    let period = Duration::from_secs(1) / per_second.get();
    let quota = Quota::with_period(period).unwrap_or_else(|| Quota::per_second(per_second));
    RateLimiter::direct(quota.allow_burst(NonZeroU32::MIN))
}

impl Pacer {
    pub fn new(pacing: Pacing) -> Self {
        let own = operations::ALL
            .iter()
            .filter_map(|op| {
                let spec = op.own_limit.and_then(NonZeroU32::new)?;
                Some((op.id, limiter(pacing.own.unwrap_or(spec))))
            })
            .collect();
        Self {
            reads: limiter(pacing.reads),
            writes: limiter(pacing.writes),
            own,
            paused_until: Mutex::new(HashMap::new()),
        }
    }

    fn bucket(&self, op: &Operation) -> Bucket {
        if self.own.contains_key(op.id) {
            Bucket::Own(op.id)
        } else {
            Bucket::Class(op.rate)
        }
    }

    /// Waits until a request of `op` may start: after any pause from a 429, within the operation's own
    /// limit and its class's.
    pub async fn ready(&self, op: &Operation) {
        let paused = self
            .paused_until
            .lock()
            .ok()
            .and_then(|p| p.get(&self.bucket(op)).copied());
        if let Some(until) = paused {
            let now = Instant::now();
            if until > now {
                tokio::time::sleep(until - now).await;
            }
        }
        if let Some(own) = self.own.get(op.id) {
            own.until_ready().await;
        }
        match op.rate {
            RateClass::Read => self.reads.until_ready().await,
            RateClass::Write => self.writes.until_ready().await,
        }
    }

    /// Attio said 429 until `until`: hold back every request of the bucket (in every clone) until then.
    pub fn throttled(&self, op: &Operation, until: SystemTime) {
        let wait = until.duration_since(SystemTime::now()).unwrap_or_default();
        let until = Instant::now() + wait;
        if let Ok(mut paused) = self.paused_until.lock() {
            let slot = paused.entry(self.bucket(op)).or_insert(until);
            *slot = (*slot).max(until);
        }
    }
}
