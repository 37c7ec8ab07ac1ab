//! Claims shared by processes: an ensure that finds nothing claims the key, looks again, and creates
//! only if still missing; a failing claim store creates nothing; `RedisClaims` keeps the protocol
//! (exclusive, holder-only extend and release, expiry) on a real `redis-server`.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use attio_meetings::types::NewMeeting;
use attio_meetings::{ClaimFuture, Client, Ensured, Error, KeyClaims};

use attio_meetings_mock::{Endpoint, Fault};
use common::{client, fake, fast, new_meeting};

/// Claims as another process holding the key sees them: the first claim attempt finds the key held,
/// and that "other process" creates the meeting; once it is done, the key is free.
#[derive(Debug)]
struct HeldByAnother {
    other: Mutex<Option<(Client, NewMeeting)>>,
    other_done: Arc<AtomicBool>,
    acquired: AtomicUsize,
    extended: AtomicUsize,
    released: AtomicUsize,
}

impl HeldByAnother {
    /// Claims nobody else holds.
    fn free() -> Self {
        Self {
            other: Mutex::new(None),
            other_done: Arc::new(AtomicBool::new(true)),
            acquired: AtomicUsize::new(0),
            extended: AtomicUsize::new(0),
            released: AtomicUsize::new(0),
        }
    }
}

impl KeyClaims for HeldByAnother {
    fn acquire<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> ClaimFuture<'a, bool> {
        Box::pin(async move {
            if let Some((client, meeting)) = self.other.lock().unwrap().take() {
                let done = self.other_done.clone();
                tokio::spawn(async move {
                    client
                        .meetings()
                        .create(meeting)
                        .await
                        .expect("the other process creates");
                    done.store(true, Ordering::SeqCst);
                });
            }
            let free = self.other_done.load(Ordering::SeqCst);
            if free {
                self.acquired.fetch_add(1, Ordering::SeqCst);
            }
            Ok(free)
        })
    }

    fn extend<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> ClaimFuture<'a, bool> {
        Box::pin(async move {
            self.extended.fetch_add(1, Ordering::SeqCst);
            Ok(true)
        })
    }

    fn release<'a>(&'a self, _: &'a str, _: &'a str) -> ClaimFuture<'a, ()> {
        Box::pin(async move {
            self.released.fetch_add(1, Ordering::SeqCst);
            Ok(())
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meeting_created_by_the_claims_holder_is_found_not_created_again() {
    let server = fake().await;
    let meeting = new_meeting("Claimed elsewhere");
    let claims = HeldByAnother {
        other: Mutex::new(Some((client(&server), meeting.clone()))),
        other_done: Arc::default(),
        ..HeldByAnother::free()
    };
    let claims = Arc::new(claims);
    let outcome = client(&server)
        .meetings()
        .ensure(meeting)
        .claims(claims.clone())
        .await
        .expect("ensured");
    // The listing found nothing; the claim waited for the other process, whose meeting the second
    // look found.
    assert!(matches!(outcome, Ensured::Found(_)), "{outcome:?}");
    assert_eq!(server.store().meetings().len(), 1);
    assert_eq!(claims.acquired.load(Ordering::SeqCst), 1);
    assert_eq!(
        claims.released.load(Ordering::SeqCst),
        1,
        "the claim is released"
    );
}

#[tokio::test]
async fn with_a_free_claim_the_meeting_is_created_once_and_the_claim_released() {
    let server = fake().await;
    let claims = Arc::new(HeldByAnother::free());
    let outcomes = client(&server)
        .meetings()
        .ensure_all([new_meeting("One"), new_meeting("Two"), new_meeting("One")])
        .claims(claims.clone())
        .run()
        .await
        .expect("no listing failed");
    assert!(
        matches!(outcomes[0], Ok(Ensured::Created(_))),
        "{outcomes:?}"
    );
    assert!(
        matches!(outcomes[1], Ok(Ensured::Created(_))),
        "{outcomes:?}"
    );
    assert!(matches!(outcomes[2], Ok(Ensured::Found(_))), "{outcomes:?}");
    assert_eq!(server.store().meetings().len(), 2);
    // One claim per meeting created, none for the batch's duplicate.
    assert_eq!(claims.acquired.load(Ordering::SeqCst), 2);
    assert_eq!(claims.released.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_create_whose_outcome_is_unknown_leaves_its_claim_to_run_out() {
    let server = fake().await;
    // Every create's connection closes before an answer: each may have been applied.
    server
        .faults()
        .script(Endpoint::CreateMeeting, [Some(Fault::Drop); 3]);
    let claims = Arc::new(HeldByAnother::free());
    let error = client(&server)
        .meetings()
        .ensure(new_meeting("Lost answers"))
        .claims(claims.clone())
        .reconcile(fast().max_attempts(2))
        .await
        .expect_err("no answer, no outcome");
    assert!(error.may_have_been_applied(), "{error:?}");
    assert_eq!(claims.acquired.load(Ordering::SeqCst), 1);
    // Not released: extended once more and left to its lease, so that another process does not look
    // before a lost create could show.
    assert_eq!(claims.released.load(Ordering::SeqCst), 0);
    assert_eq!(claims.extended.load(Ordering::SeqCst), 1);
}

/// A store that cannot be reached.
#[derive(Debug)]
struct Unreachable;

impl KeyClaims for Unreachable {
    fn acquire<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> ClaimFuture<'a, bool> {
        Box::pin(async { Err("Redis: connection refused".to_string()) })
    }
    fn extend<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> ClaimFuture<'a, bool> {
        Box::pin(async { Err("Redis: connection refused".to_string()) })
    }
    fn release<'a>(&'a self, _: &'a str, _: &'a str) -> ClaimFuture<'a, ()> {
        Box::pin(async { Err("Redis: connection refused".to_string()) })
    }
}

#[tokio::test]
async fn a_claim_store_that_fails_creates_nothing_and_says_which_meeting() {
    let server = fake().await;
    let error = client(&server)
        .meetings()
        .ensure(new_meeting("Unclaimable"))
        .claims(Unreachable)
        .await
        .expect_err("no claim, no create");
    assert!(matches!(error, Error::Claim { .. }), "{error:?}");
    let text = error.to_string();
    assert!(
        text.contains("\"meeting unclaimable\"") && text.contains("connection refused"),
        "{text}"
    );
    assert!(text.contains("nothing was created"), "{text}");
    assert!(server.store().meetings().is_empty());
}

#[cfg(feature = "redis")]
#[tokio::test]
async fn redis_claims_are_exclusive_holder_only_and_expire() {
    use attio_meetings::RedisClaims;
    use attio_meetings_mock::redis_server::RedisServer;

    let Some(redis) = RedisServer::start("redis_claims_are_exclusive_holder_only_and_expire")
    else {
        return;
    };
    // Two processes' stores on one server.
    let a = RedisClaims::new(redis.url(), "test").unwrap();
    let b = RedisClaims::new(redis.url(), "test").unwrap();
    let lease = Duration::from_secs(30);
    assert!(a.acquire("k", "holder-a", lease).await.unwrap());
    assert!(
        !b.acquire("k", "holder-b", lease).await.unwrap(),
        "held by a"
    );
    assert!(
        !b.extend("k", "holder-b", lease).await.unwrap(),
        "only the holder extends"
    );
    b.release("k", "holder-b").await.unwrap();
    assert!(
        !b.acquire("k", "holder-b", lease).await.unwrap(),
        "only the holder releases"
    );
    assert!(a.extend("k", "holder-a", lease).await.unwrap());
    a.release("k", "holder-a").await.unwrap();
    assert!(
        b.acquire("k", "holder-b", lease).await.unwrap(),
        "free once released"
    );
    // Another prefix is another set of claims.
    let other = RedisClaims::new(redis.url(), "other").unwrap();
    assert!(other.acquire("k", "holder-c", lease).await.unwrap());
    // A crashed holder's claim expires with its lease.
    assert!(
        a.acquire("short", "crashed", Duration::from_millis(150))
            .await
            .unwrap()
    );
    assert!(!b.acquire("short", "holder-b", lease).await.unwrap());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        b.acquire("short", "holder-b", lease).await.unwrap(),
        "expired"
    );
    // The URL's password is not shown.
    let secret = RedisClaims::new("redis://:hunter2@127.0.0.1:1/", "p").unwrap();
    assert!(!format!("{secret:?}").contains("hunter2"));
    // Redis gone: an error that says so, not a hang.
    let mut redis = redis;
    redis.stop();
    let gone = RedisClaims::new(redis.url(), "test")
        .unwrap()
        .timeout(Duration::from_millis(500));
    let error = gone.acquire("k", "h", lease).await.unwrap_err();
    assert!(error.starts_with("Redis:"), "{error}");
}
