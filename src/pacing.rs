//! Optional client-side pacing at Attio's rate limits, so bulk work runs at the limit instead of
//! bouncing off it with 429s.
//!
//! How permits are placed: Attio counts requests per token in fixed wall-clock seconds. Each bucket (a
//! rate class, or an operation with a limit of its own) hands out at most `limit` permits per wall-clock
//! second, evenly spaced over the first 95 % of the second ([`GUARD`] keeps the last one clear of the
//! window's end, so that a request's way to the server does not carry it into the next second). A permit
//! that starts late because its task woke late does not push the following ones back (a tolerance of one
//! interval, as in GCRA), so a busy machine loses no throughput; a 429 pauses the bucket until its
//! `Retry-After`. The same rule runs in memory ([`Slots`]) or, shared by many processes, in Redis
//! (`RedisPacer`, feature `redis`).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::generated::operations;
use crate::pipeline::{Operation, RateClass};
use crate::token::ApiToken;

#[cfg(feature = "redis")]
mod shared;
#[cfg(feature = "redis")]
pub use shared::RedisPacer;
/// What a Redis error was, in words (claims report Redis's failures the same way).
#[cfg(feature = "redis")]
pub(crate) use shared::describe;

/// Microseconds in a second: times are counted in microseconds since the Unix epoch.
const SECOND: u64 = 1_000_000;
/// The end of each wall-clock second left free of permits.
const GUARD: u64 = 50_000;
/// The longest a 429 pauses a bucket, whatever its `Retry-After` says.
const MAX_PAUSE: u64 = 60 * SECOND;

/// Requests per second the client allows itself, per class. Shared by every clone of a client; with
/// `Pacing::shared` (feature `redis`), by every process that uses the same token and Redis.
///
/// ```
/// use attio_meetings::{Client, Pacing};
///
/// # fn demo() -> Result<(), attio_meetings::Error> {
/// let client = Client::builder().token("key").pacing(Pacing::attio()).build()?;
/// # let _ = client; Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Pacing {
    reads: NonZeroU32,
    writes: NonZeroU32,
    /// Overrides the spec's limits of the operations that have their own (`None`: the spec's).
    own: Option<NonZeroU32>,
    #[cfg(feature = "redis")]
    shared: Option<RedisPacer>,
}

impl Pacing {
    /// Attio's documented limits: 100 reads and 25 writes per second, and the lower limits the spec
    /// declares for single operations (create call recording: 1 per second).
    pub fn attio() -> Self {
        Self::with(
            NonZeroU32::new(100).unwrap_or(NonZeroU32::MIN),
            NonZeroU32::new(25).unwrap_or(NonZeroU32::MIN),
            None,
        )
    }

    /// Custom limits per second (each at least 1), e.g. when Attio lowers them during an incident:
    /// reads, writes, and the limit of every operation that has one of its own (create call recording).
    ///
    /// ```
    /// let pacing = attio_meetings::Pacing::per_second(50, 10, 1);
    /// # let _ = pacing;
    /// ```
    pub fn per_second(reads: u32, writes: u32, own_limits: u32) -> Self {
        let at_least_one = |n: u32| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        Self::with(
            at_least_one(reads),
            at_least_one(writes),
            Some(at_least_one(own_limits)),
        )
    }

    /// The same limits with fewer (or more) writes per second, at least 1: e.g. to leave room for other
    /// jobs that write with the same token.
    ///
    /// ```
    /// let pacing = attio_meetings::Pacing::attio().with_writes(10);
    /// # let _ = pacing;
    /// ```
    pub fn with_writes(mut self, writes: u32) -> Self {
        self.writes = NonZeroU32::new(writes).unwrap_or(NonZeroU32::MIN);
        self
    }

    fn with(reads: NonZeroU32, writes: NonZeroU32, own: Option<NonZeroU32>) -> Self {
        Self {
            reads,
            writes,
            own,
            #[cfg(feature = "redis")]
            shared: None,
        }
    }

    /// Shares these limits with every process (on any machine) that paces the same token through the
    /// same Redis, instead of pacing this process alone: see [`RedisPacer`] and the README's "Running
    /// many workers".
    ///
    /// ```no_run
    /// use attio_meetings::{Client, Pacing, RedisPacer};
    ///
    /// # fn demo() -> Result<(), attio_meetings::Error> {
    /// let pacing = Pacing::attio().shared(RedisPacer::new("redis://127.0.0.1/", "attio").workers(4));
    /// let client = Client::builder().token("key").pacing(pacing).build()?;
    /// # let _ = client; Ok(())
    /// # }
    /// ```
    #[cfg(feature = "redis")]
    pub fn shared(mut self, redis: RedisPacer) -> Self {
        self.shared = Some(redis);
        self
    }

    /// The same limits times `fraction` (each at least 1 per second).
    #[cfg_attr(not(feature = "redis"), allow(dead_code))]
    fn scaled(&self, fraction: f64) -> Self {
        let scale = |n: NonZeroU32| {
            let scaled = (f64::from(n.get()) * fraction).floor();
            // A float to integer `as` saturates; NaN becomes 0, then 1.
            NonZeroU32::new(scaled as u32).unwrap_or(NonZeroU32::MIN)
        };
        Self::with(scale(self.reads), scale(self.writes), self.own.map(scale))
    }
}

/// A set of permits: a shared class, or an operation with a limit of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Bucket {
    Class(RateClass),
    Own(&'static str),
}

impl Bucket {
    /// The name in shared keys.
    #[cfg(feature = "redis")]
    fn name(self) -> &'static str {
        match self {
            Bucket::Class(RateClass::Read) => "read",
            Bucket::Class(RateClass::Write) => "write",
            Bucket::Own(id) => id,
        }
    }
}

/// How a bucket spaces its permits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Rule {
    /// Permits per wall-clock second.
    limit: u32,
    /// Microseconds between permits: the limit spread over the second minus [`GUARD`].
    interval: u64,
    /// How late a permit may start without delaying the next one.
    tolerance: u64,
}

impl Rule {
    fn new(limit: NonZeroU32) -> Self {
        let interval = (SECOND - GUARD) / u64::from(limit.get());
        Self {
            limit: limit.get(),
            interval,
            tolerance: interval,
        }
    }
}

/// The permits a bucket has handed out, in microseconds since the Unix epoch. `pacing/reserve.lua` is the
/// same rule in Redis.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Slots {
    /// When the next permit is due at the steady rate (GCRA's theoretical arrival time).
    due: u64,
    /// The wall-clock second of the latest permit, and how many permits it has.
    second: u64,
    count: u32,
    /// No permit before this (a 429's `Retry-After`).
    paused_until: u64,
}

impl Slots {
    /// Reserves the next permit at or after `now`; returns when it starts.
    fn reserve(&mut self, now: u64, rule: Rule) -> u64 {
        // The clock went back by more than a minute: what was handed out no longer means anything.
        if self.second > now / SECOND + 60 {
            *self = Slots::default();
        }
        let mut start = now
            .max(self.due.saturating_sub(rule.tolerance))
            .max(self.second * SECOND)
            .max(self.paused_until);
        loop {
            let second = start / SECOND;
            if second != self.second {
                self.second = second;
                self.count = 0;
            }
            if self.count < rule.limit && start % SECOND < SECOND - GUARD {
                break;
            }
            start = (second + 1) * SECOND;
        }
        self.count += 1;
        self.due = self.due.max(start) + rule.interval;
        start
    }

    fn pause(&mut self, now: u64, until: u64) {
        self.paused_until = self.paused_until.max(until.min(now + MAX_PAUSE));
    }
}

/// Microseconds since the Unix epoch.
fn micros(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

fn now() -> u64 {
    micros(SystemTime::now())
}

/// Buckets paced in this process alone, by the wall clock of this machine.
#[derive(Debug)]
struct Local {
    rules: HashMap<Bucket, Rule>,
    slots: Mutex<HashMap<Bucket, Slots>>,
}

impl Local {
    fn new(pacing: &Pacing) -> Self {
        let mut rules: HashMap<Bucket, Rule> = operations::ALL
            .iter()
            .filter_map(|op| {
                let spec = op.own_limit.and_then(NonZeroU32::new)?;
                Some((Bucket::Own(op.id), Rule::new(pacing.own.unwrap_or(spec))))
            })
            .collect();
        rules.insert(Bucket::Class(RateClass::Read), Rule::new(pacing.reads));
        rules.insert(Bucket::Class(RateClass::Write), Rule::new(pacing.writes));
        Self {
            rules,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// Waits for a permit of `bucket`. A 429 seen while waiting moves the permit past its pause.
    async fn ready(&self, bucket: Bucket) {
        let Some(rule) = self.rules.get(&bucket).copied() else {
            return;
        };
        loop {
            let now = now();
            let Some(start) = self
                .slots
                .lock()
                .ok()
                .map(|mut slots| slots.entry(bucket).or_default().reserve(now, rule))
            else {
                return;
            };
            sleep_micros(start.saturating_sub(now)).await;
            if self.paused_until(bucket) <= self::now() {
                return;
            }
        }
    }

    fn paused_until(&self, bucket: Bucket) -> u64 {
        self.slots
            .lock()
            .ok()
            .and_then(|slots| slots.get(&bucket).map(|s| s.paused_until))
            .unwrap_or(0)
    }

    /// The start of the first wall-clock second after every permit handed out so far.
    #[cfg(feature = "redis")]
    fn clear_second(&self) -> u64 {
        let last = self
            .slots
            .lock()
            .ok()
            .and_then(|slots| slots.values().map(|s| s.due).max())
            .unwrap_or(0);
        (last.max(now()) / SECOND + 1) * SECOND
    }

    /// Waits out a pause of `bucket` from a 429 that this process saw.
    #[cfg(feature = "redis")]
    async fn pause_over(&self, bucket: Bucket) {
        let until = self.paused_until(bucket);
        sleep_micros(until.saturating_sub(now())).await;
    }

    fn pause(&self, bucket: Bucket, until: u64) {
        if let Ok(mut slots) = self.slots.lock() {
            slots.entry(bucket).or_default().pause(now(), until);
        }
    }
}

async fn sleep_micros(wait: u64) {
    if wait > 0 {
        tokio::time::sleep(Duration::from_micros(wait)).await;
    }
}

/// The pacer of one client (and its clones): local, or shared through Redis with a local fallback.
#[derive(Debug)]
pub(crate) struct Pacer {
    /// Paces alone; with a shared pacer, the fallback while Redis is unreachable, and this process's
    /// own record of 429 pauses.
    local: Local,
    #[cfg(feature = "redis")]
    shared: Option<shared::Shared>,
}

impl Pacer {
    /// The pacer of `pacing`; `token` names the workspace in shared keys (hashed).
    pub fn new(pacing: &Pacing, token: &ApiToken) -> crate::Result<Self> {
        #[cfg(feature = "redis")]
        if let Some(redis) = &pacing.shared {
            let local = Local::new(&pacing.scaled(redis.fallback_share()));
            let shared = shared::Shared::new(redis, token, Local::new(pacing).rules)?;
            return Ok(Self {
                local,
                shared: Some(shared),
            });
        }
        let _ = token;
        Ok(Self {
            local: Local::new(pacing),
            #[cfg(feature = "redis")]
            shared: None,
        })
    }

    /// The buckets of `op`, its own limit's first.
    fn buckets(&self, op: &Operation) -> impl Iterator<Item = Bucket> {
        let own = Bucket::Own(op.id);
        let own = self.local.rules.contains_key(&own).then_some(own);
        own.into_iter().chain([Bucket::Class(op.rate)])
    }

    /// Waits until a request of `op` may start: after any pause from a 429, within the operation's own
    /// limit and its class's.
    pub async fn ready(&self, op: &Operation) {
        for bucket in self.buckets(op) {
            #[cfg(feature = "redis")]
            if let Some(shared) = &self.shared
                && shared.ready(bucket, &self.local).await
            {
                continue;
            }
            self.local.ready(bucket).await;
        }
    }

    /// Attio said 429 until `until`: hold back every request of `op`'s bucket (in every clone, and with a
    /// shared pacer in every process) until then.
    pub async fn throttled(&self, op: &Operation, until: SystemTime) {
        let Some(bucket) = self.buckets(op).next() else {
            return;
        };
        let until = micros(until);
        self.local.pause(bucket, until);
        #[cfg(feature = "redis")]
        if let Some(shared) = &self.shared {
            shared.pause(bucket, until, &self.local).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(limit: u32) -> Rule {
        Rule::new(NonZeroU32::new(limit).unwrap())
    }

    /// Permits per wall-clock second of a sequence of start times.
    fn per_second(starts: &[u64]) -> HashMap<u64, u32> {
        let mut counts = HashMap::new();
        for start in starts {
            *counts.entry(start / SECOND).or_default() += 1;
        }
        counts
    }

    #[test]
    fn a_saturated_bucket_fills_every_second_exactly() {
        let (mut slots, rule) = (Slots::default(), rule(50));
        let begin = 1_700_000_000 * SECOND + 400_000;
        // Callers always waiting: each asks as soon as the previous permit started.
        let mut now = begin;
        let starts: Vec<u64> = (0..500)
            .map(|_| {
                now = slots.reserve(now, rule);
                now
            })
            .collect();
        let counts = per_second(&starts);
        assert!(counts.values().all(|&n| n <= 50), "{counts:?}");
        // The first second is partly gone; every later one is full.
        assert_eq!(
            counts.values().filter(|&&n| n == 50).count(),
            counts.len() - 2
        );
        assert!(starts.iter().all(|s| s % SECOND < SECOND - GUARD));
    }

    #[test]
    fn late_callers_lose_no_permits_and_never_overfill_a_second() {
        let (mut slots, rule) = (Slots::default(), rule(200));
        let begin = 1_700_000_000 * SECOND;
        let mut now = begin;
        let mut starts = Vec::new();
        for i in 0..2_000u64 {
            let start = slots.reserve(now, rule);
            starts.push(start);
            // Every caller wakes up to 3 ms late.
            now = start + (i * 7919) % 3_000;
        }
        let counts = per_second(&starts);
        assert!(counts.values().all(|&n| n <= 200), "{counts:?}");
        let elapsed = starts.last().unwrap() - begin;
        assert!(
            elapsed < 10 * SECOND,
            "2,000 permits at 200/s took {elapsed} µs"
        );
    }

    #[test]
    fn a_pause_holds_permits_back_and_the_clock_going_back_resets() {
        let (mut slots, rule) = (Slots::default(), rule(25));
        let now = 1_700_000_000 * SECOND + 100;
        slots.pause(now, now + 2 * SECOND);
        assert_eq!(slots.reserve(now, rule), now + 2 * SECOND);
        // A Retry-After far away is capped.
        slots.pause(now, now + 3_600 * SECOND);
        assert_eq!(slots.paused_until, now + MAX_PAUSE);
        let earlier = now - 3_600 * SECOND;
        assert_eq!(slots.reserve(earlier, rule), earlier);
    }

    #[test]
    fn one_per_second_is_one_per_wall_clock_second() {
        let (mut slots, rule) = (Slots::default(), rule(1));
        let now = 1_700_000_000 * SECOND + 990_000;
        // Too close to the end of its second: the first permit waits for the next one.
        assert_eq!(slots.reserve(now, rule), 1_700_000_001 * SECOND);
        assert_eq!(slots.reserve(now, rule), 1_700_000_002 * SECOND);
    }

    #[test]
    fn with_writes_changes_only_the_write_limit() {
        let pacing = Pacing::attio().with_writes(10);
        assert_eq!(
            (pacing.reads.get(), pacing.writes.get(), pacing.own),
            (100, 10, None)
        );
        assert_eq!(Pacing::attio().with_writes(0).writes.get(), 1);
    }

    #[test]
    fn scaled_limits_stay_at_least_one() {
        let pacing = Pacing::per_second(100, 25, 1).scaled(0.25);
        assert_eq!((pacing.reads.get(), pacing.writes.get()), (25, 6));
        assert_eq!(pacing.own.map(NonZeroU32::get), Some(1));
        assert_eq!(Pacing::attio().scaled(f64::NAN).writes.get(), 1);
    }
}
