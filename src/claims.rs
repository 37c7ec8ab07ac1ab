//! Claims on meeting keys shared by processes, so that importers on several machines never create the
//! same meeting twice.
//!
//! Within a process, [`EnsureAll`](crate::EnsureAll) serialises ensures of one key by itself. Across
//! processes it needs a store both can reach: with [`EnsureAll::claims`](crate::EnsureAll::claims), a
//! meeting that the listing did not find is claimed (a short lease, renewed while its holder works),
//! looked for again (another process may have created it since the listing), created only if still
//! missing, and released. A holder that crashes loses its claim when the lease runs out.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[cfg(feature = "redis")]
mod redis;
#[cfg(feature = "redis")]
pub use self::redis::RedisClaims;

/// What a claim store's calls return: `Err` carries what went wrong, without credentials.
pub type ClaimFuture<'a, T> =
    Pin<Box<dyn Future<Output = std::result::Result<T, String>> + Send + 'a>>;

/// A store of leases on names, shared by every process that ensures meetings in one workspace: Redis
/// (`RedisClaims`, feature `redis`) or any store with an atomic "set if absent, with expiry".
///
/// `holder` is unique per claim (the ensure makes one per meeting); a call with another holder's name
/// must not extend or release the claim.
pub trait KeyClaims: Send + Sync + std::fmt::Debug {
    /// Takes `name` for `lease` if nobody holds it; `Ok(false)` when someone does.
    fn acquire<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool>;

    /// Makes `holder`'s claim on `name` last `lease` from now; `Ok(false)` when it no longer holds it.
    fn extend<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool>;

    /// Ends `holder`'s claim on `name` (nothing when it no longer holds it).
    fn release<'a>(&'a self, name: &'a str, holder: &'a str) -> ClaimFuture<'a, ()>;
}

/// A store shared with other code (its counters, a second batch) is passed as an `Arc`.
impl<C: KeyClaims + ?Sized> KeyClaims for Arc<C> {
    fn acquire<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool> {
        (**self).acquire(name, holder, lease)
    }

    fn extend<'a>(
        &'a self,
        name: &'a str,
        holder: &'a str,
        lease: Duration,
    ) -> ClaimFuture<'a, bool> {
        (**self).extend(name, holder, lease)
    }

    fn release<'a>(&'a self, name: &'a str, holder: &'a str) -> ClaimFuture<'a, ()> {
        (**self).release(name, holder)
    }
}

/// How long a claim lasts unless renewed: long enough for a create's attempt, short enough that the
/// meetings of a crashed holder are taken over soon.
pub(crate) const LEASE: Duration = Duration::from_secs(30);
/// How often a held claim is renewed.
const RENEW_EVERY: Duration = Duration::from_secs(10);
/// How soon a renewal that failed (the store unreachable) is tried again.
const RENEW_RETRY: Duration = Duration::from_secs(1);
/// How long a claim is waited for before the ensure gives up on its meeting: far longer than any
/// holder's create, retries included, so only a store that is wrong (or a holder stuck) reaches it.
const MAX_WAIT: Duration = Duration::from_secs(600);

/// A claim held until released (or dropped, when its lease runs out): a task renews it meanwhile.
pub(crate) struct Claim {
    name: String,
    holder: String,
    /// Cleared by the renewal when the lease ran out (another process may hold the name now).
    held: Arc<AtomicBool>,
    renewal: tokio::task::JoinHandle<()>,
}

impl Drop for Claim {
    fn drop(&mut self) {
        self.renewal.abort();
    }
}

impl Claim {
    /// Waits until `name` is claimed for a new holder, polling while another one holds it (for
    /// [`MAX_WAIT`] at most).
    pub(crate) async fn take(
        claims: &Arc<dyn KeyClaims>,
        name: String,
    ) -> std::result::Result<Self, String> {
        let holder = format!("{:032x}", fastrand::u128(..));
        let started = tokio::time::Instant::now();
        let mut wait = Duration::from_millis(25);
        while !claims.acquire(&name, &holder, LEASE).await? {
            if started.elapsed() >= MAX_WAIT {
                return Err(format!(
                    "another process has held this meeting's claim for over {} s",
                    MAX_WAIT.as_secs()
                ));
            }
            // Jittered, so that waiters do not poll in step; a holder is usually done within a create.
            tokio::time::sleep(wait.mul_f64(0.5 + fastrand::f64())).await;
            wait = (wait * 2).min(Duration::from_millis(500));
        }
        let held = Arc::new(AtomicBool::new(true));
        let renewal = tokio::spawn(renew(
            claims.clone(),
            name.clone(),
            holder.clone(),
            held.clone(),
        ));
        Ok(Self {
            name,
            holder,
            held,
            renewal,
        })
    }

    /// Whether the claim is still held: `false` once its lease ran out unrenewed, when creating under
    /// it could duplicate another process's meeting.
    pub(crate) fn is_held(&self) -> bool {
        self.held.load(Ordering::SeqCst)
    }

    /// Ends the claim. A failure is only logged: the lease ends it soon anyway.
    pub(crate) async fn release(self, claims: &Arc<dyn KeyClaims>) {
        self.renewal.abort();
        if let Err(error) = claims.release(&self.name, &self.holder).await {
            tracing::warn!(claim = %self.name, %error, "releasing a claim failed; it expires with its lease");
        }
    }

    /// Stops renewing and leaves the claim to its lease, renewed once more: after a failed create, whose
    /// outcome may be unknown, so that nobody looks for the meeting before a lost create has had a
    /// lease's time to show.
    pub(crate) async fn expire(self, claims: &Arc<dyn KeyClaims>) {
        self.renewal.abort();
        if let Err(error) = claims.extend(&self.name, &self.holder, LEASE).await {
            tracing::warn!(claim = %self.name, %error, "extending a claim failed; it expires with its lease");
        }
    }
}

/// Renews a claim every [`RENEW_EVERY`] until aborted; clears `held` when the lease is lost (the store
/// says so, or renewals failed for a whole lease).
async fn renew(claims: Arc<dyn KeyClaims>, name: String, holder: String, held: Arc<AtomicBool>) {
    let mut renewed = tokio::time::Instant::now();
    let mut wait = RENEW_EVERY;
    loop {
        tokio::time::sleep(wait).await;
        match claims.extend(&name, &holder, LEASE).await {
            Ok(true) => {
                renewed = tokio::time::Instant::now();
                wait = RENEW_EVERY;
            }
            Ok(false) => {
                held.store(false, Ordering::SeqCst);
                tracing::warn!(claim = %name, "a claim expired while held; its meeting is not created");
                return;
            }
            Err(error) if renewed.elapsed() + RENEW_RETRY >= LEASE => {
                held.store(false, Ordering::SeqCst);
                tracing::warn!(claim = %name, %error, "renewing a claim failed for a whole lease; its meeting is not created");
                return;
            }
            // Sooner than usual: the lease runs meanwhile.
            Err(error) => {
                tracing::warn!(claim = %name, %error, "renewing a claim failed");
                wait = RENEW_RETRY;
            }
        }
    }
}
