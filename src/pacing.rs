//! Optional client-side pacing at Attio's rate limits, so bulk work runs at the limit instead of
//! bouncing off it with 429s.

use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

/// Which of Attio's limits a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Read,
    Write,
    /// Create call recording: a write with its own, lower limit on top.
    CreateCallRecording,
}

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
    create_call_recording: NonZeroU32,
}

impl Pacing {
    /// Attio's documented limits: 100 reads, 25 writes and 1 call-recording creation per second.
    pub fn attio() -> Self {
        Self::per_second(100, 25, 1)
    }

    /// Custom limits per second (each at least 1), e.g. when Attio lowers them during an incident.
    pub fn per_second(reads: u32, writes: u32, create_call_recording: u32) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self {
            reads: at_least_one(reads),
            writes: at_least_one(writes),
            create_call_recording: at_least_one(create_call_recording),
        }
    }
}

/// The limiters of one client (and its clones).
#[derive(Debug)]
pub(crate) struct Pacer {
    reads: DefaultDirectRateLimiter,
    writes: DefaultDirectRateLimiter,
    create_call_recording: DefaultDirectRateLimiter,
    /// Set from 429s: no request of the class starts before this.
    paused_until: Mutex<[Option<Instant>; 3]>,
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
        Self {
            reads: limiter(pacing.reads),
            writes: limiter(pacing.writes),
            create_call_recording: limiter(pacing.create_call_recording),
            paused_until: Mutex::new([None; 3]),
        }
    }

    fn index(class: Class) -> usize {
        match class {
            Class::Read => 0,
            Class::Write => 1,
            Class::CreateCallRecording => 2,
        }
    }

    /// Waits until a request of `class` may start.
    pub async fn ready(&self, class: Class) {
        let paused = self
            .paused_until
            .lock()
            .map(|p| p[Self::index(class)])
            .unwrap_or(None);
        if let Some(until) = paused {
            let now = Instant::now();
            if until > now {
                tokio::time::sleep(until - now).await;
            }
        }
        match class {
            Class::Read => self.reads.until_ready().await,
            Class::Write => self.writes.until_ready().await,
            Class::CreateCallRecording => {
                self.create_call_recording.until_ready().await;
                self.writes.until_ready().await;
            }
        }
    }

    /// Attio said 429 until `until`: hold back every request of the class (in every clone) until then.
    pub fn throttled(&self, class: Class, until: SystemTime) {
        let wait = until.duration_since(SystemTime::now()).unwrap_or_default();
        let until = Instant::now() + wait;
        if let Ok(mut paused) = self.paused_until.lock() {
            let slot = &mut paused[Self::index(class)];
            *slot = Some(slot.map_or(until, |current| current.max(until)));
        }
    }
}
