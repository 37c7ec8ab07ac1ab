//! Deterministic fault injection, per operation: a scripted sequence, or a rate drawn from a seeded
//! generator.
//!
//! Which faults change state: [`Fault::Status`], [`Fault::RateLimited`] and [`Fault::Drop`] answer before
//! the request is processed, so nothing changes. [`Fault::Latency`] delays, then processes normally.
//! [`Fault::DropAfterProcessing`] and [`Fault::Truncate`] process the request first (a write is applied)
//! and then fail on the way back: the ambiguous failures a client must not blindly retry.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::Duration;

use crate::limits::lock;
use crate::route::Endpoint;

/// One injected failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Answer this status (500, 502, 503, ...) with Attio's envelope, without processing.
    Status(u16),
    /// Answer 429 with an HTTP-date `Retry-After`, without processing.
    RateLimited,
    /// Wait, then process normally.
    Latency(Duration),
    /// Close the connection without answering, without processing.
    Drop,
    /// Process the request, then close the connection without answering.
    DropAfterProcessing,
    /// Process the request, then send the headers and only half of the body.
    Truncate,
}

impl Fault {
    /// Whether the request is processed (and its write applied) despite the fault.
    pub fn processes_request(self) -> bool {
        matches!(
            self,
            Self::Latency(_) | Self::DropAfterProcessing | Self::Truncate
        )
    }
}

/// Faults drawn at random: with probability `rate`, one of `faults` (uniformly), for the listed operations.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Operations the rule applies to; empty means all.
    pub operations: Vec<Endpoint>,
    /// Probability in `0.0..=1.0` that a request gets a fault.
    pub rate: f64,
    /// The faults to choose from.
    pub faults: Vec<Fault>,
}

/// Decides, request by request, which fault (if any) to inject.
#[derive(Debug)]
pub struct FaultInjector {
    inner: Mutex<Inner>,
}

#[derive(Debug)]
struct Inner {
    rng: fastrand::Rng,
    rules: Vec<FaultRule>,
    scripts: HashMap<Endpoint, VecDeque<Option<Fault>>>,
}

impl FaultInjector {
    /// An injector with no faults, drawing from `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            inner: Mutex::new(Inner {
                rng: fastrand::Rng::with_seed(seed),
                rules: Vec::new(),
                scripts: HashMap::new(),
            }),
        }
    }

    /// Queues faults for the next requests of `operation`, one per request; `None` lets one through.
    /// Scripted entries are used before any rule is drawn.
    pub fn script(&self, operation: Endpoint, faults: impl IntoIterator<Item = Option<Fault>>) {
        lock(&self.inner)
            .scripts
            .entry(operation)
            .or_default()
            .extend(faults);
    }

    /// Adds a random rule.
    pub fn add_rule(&self, rule: FaultRule) {
        lock(&self.inner).rules.push(rule);
    }

    /// Removes every rule and script, and restarts the generator from `seed`.
    pub fn reset(&self, seed: u64) {
        let mut inner = lock(&self.inner);
        inner.rules.clear();
        inner.scripts.clear();
        inner.rng = fastrand::Rng::with_seed(seed);
    }

    /// The fault for the next request of `operation`.
    pub fn next(&self, operation: Endpoint) -> Option<Fault> {
        let mut inner = lock(&self.inner);
        if let Some(scripted) = inner
            .scripts
            .get_mut(&operation)
            .and_then(VecDeque::pop_front)
        {
            return scripted;
        }
        let Inner { rng, rules, .. } = &mut *inner;
        for rule in rules.iter() {
            let applies = rule.operations.is_empty() || rule.operations.contains(&operation);
            if applies && !rule.faults.is_empty() && rng.f64() < rule.rate {
                return Some(rule.faults[rng.usize(..rule.faults.len())]);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_come_first_then_rules_deterministically() {
        let draw = || {
            let f = FaultInjector::new(7);
            f.script(Endpoint::GetMeeting, [Some(Fault::Drop), None]);
            f.add_rule(FaultRule {
                operations: vec![Endpoint::GetMeeting],
                rate: 0.5,
                faults: vec![Fault::Status(503), Fault::RateLimited],
            });
            (0..50)
                .map(|_| f.next(Endpoint::GetMeeting))
                .collect::<Vec<_>>()
        };
        let a = draw();
        assert_eq!(a[0], Some(Fault::Drop));
        assert_eq!(a[1], None);
        assert_eq!(a, draw(), "same seed, same faults");
        let faulted = a[2..].iter().filter(|f| f.is_some()).count();
        assert!(
            (10..=38).contains(&faulted),
            "rate 0.5 over 48 draws gave {faulted}"
        );
        let f = FaultInjector::new(7);
        f.add_rule(FaultRule {
            operations: vec![Endpoint::GetMeeting],
            rate: 1.0,
            faults: vec![Fault::Drop],
        });
        assert_eq!(
            f.next(Endpoint::ListMeetings),
            None,
            "rule limited to other operations"
        );
    }
}
