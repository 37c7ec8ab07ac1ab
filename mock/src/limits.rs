//! Attio's rate limits: requests per token per second, reads and writes counted apart, some operations
//! with a lower limit of their own.
//!
//! Attio counts per wall-clock second and answers a limited request with `Retry-After` set to the next
//! second as an HTTP date; fixed one-second windows reproduce exactly that (a token bucket would not tell
//! "the next second").

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::route::Endpoint;

/// Requests allowed per second and token; `None` is unlimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Reads (GET); Attio: 100.
    pub reads: Option<u32>,
    /// Writes (POST, PUT, PATCH, DELETE); Attio: 25.
    pub writes: Option<u32>,
    /// Creating call recordings, on top of the write limit; Attio: 1.
    pub create_call_recording: Option<u32>,
}

impl Default for Limits {
    /// Attio's documented limits.
    fn default() -> Self {
        Self {
            reads: Some(100),
            writes: Some(25),
            create_call_recording: Some(1),
        }
    }
}

impl Limits {
    /// No limits at all.
    pub const UNLIMITED: Limits = Limits {
        reads: None,
        writes: None,
        create_call_recording: None,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Class {
    Read,
    Write,
    CreateCallRecording,
}

/// Counts requests per token, class and second.
#[derive(Debug, Default)]
pub struct RateLimiter {
    limits: Mutex<Limits>,
    windows: Mutex<HashMap<(String, Class), (u64, u32)>>,
}

impl RateLimiter {
    /// A limiter with `limits`.
    pub fn new(limits: Limits) -> Self {
        Self {
            limits: Mutex::new(limits),
            windows: Mutex::default(),
        }
    }

    /// Replaces the limits (counts so far are kept).
    pub fn set(&self, limits: Limits) {
        *lock(&self.limits) = limits;
    }

    /// Admits the request, or says when the caller may retry (the start of the next second).
    pub fn admit(&self, token: &str, operation: Endpoint) -> Result<(), SystemTime> {
        let limits = *lock(&self.limits);
        let mut classes = vec![if operation.is_write() {
            (Class::Write, limits.writes)
        } else {
            (Class::Read, limits.reads)
        }];
        if operation == Endpoint::CreateCallRecording {
            classes.push((Class::CreateCallRecording, limits.create_call_recording));
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let second = now.as_secs();
        let mut windows = lock(&self.windows);
        let over = classes.iter().any(|(class, limit)| {
            let Some(limit) = limit else { return false };
            match windows.get(&(token.to_string(), *class)) {
                Some((s, count)) if *s == second => count >= limit,
                _ => *limit == 0,
            }
        });
        if over {
            return Err(UNIX_EPOCH + Duration::from_secs(second + 1));
        }
        for (class, _) in classes {
            let window = windows
                .entry((token.to_string(), class))
                .or_insert((second, 0));
            if window.0 != second {
                *window = (second, 0);
            }
            window.1 += 1;
        }
        Ok(())
    }
}

/// Locks a mutex, recovering from poisoning (a panicked request must not wedge the fake).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_token_and_class() {
        let limiter = RateLimiter::new(Limits {
            reads: Some(2),
            writes: Some(1),
            create_call_recording: Some(1),
        });
        // Stay inside one second: retry the whole check if the clock ticked over mid-way.
        for _ in 0..5 {
            let start = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            let fresh = RateLimiter::new(*lock(&limiter.limits));
            let a = [
                fresh.admit("a", Endpoint::GetMeeting).is_ok(),
                fresh.admit("a", Endpoint::ListMeetings).is_ok(),
                fresh.admit("a", Endpoint::GetMeeting).is_ok(),
                fresh.admit("b", Endpoint::GetMeeting).is_ok(),
                fresh.admit("a", Endpoint::CreateMeeting).is_ok(),
                fresh.admit("a", Endpoint::CreateCallRecording).is_ok(),
            ];
            let retry = fresh.admit("a", Endpoint::GetMeeting).unwrap_err();
            let end = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap()
                .as_secs();
            if start == end {
                assert_eq!(a, [true, true, false, true, true, false]);
                assert_eq!(retry, UNIX_EPOCH + Duration::from_secs(start + 1));
                return;
            }
        }
        panic!("the clock ticked during every attempt");
    }

    #[test]
    fn unlimited_admits_everything() {
        let limiter = RateLimiter::new(Limits::UNLIMITED);
        assert!((0..1000).all(|_| limiter.admit("a", Endpoint::CreateCallRecording).is_ok()));
    }
}
