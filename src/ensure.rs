//! Making a meeting exist exactly once, now that Attio creates one on every call.
//!
//! Attio's create-meeting matches nothing (since 2026-07), and its syncing guide tells integrations to look
//! before they write: list the meetings of the time window and reuse one that matches (title, start,
//! organizer). [`Ensure`] and [`EnsureAll`] do that:
//!
//! 1. Each meeting gets a [`MeetingKey`] from the [`Matching`] rule (default: the start instant, the
//!    normalised title and the organizer's email address).
//! 2. The meetings around the starts are listed, once per stretch of time (starts closer than
//!    [`EnsureAll::window_gap`] share a listing), narrowed to the organizers where that saves pages.
//! 3. A meeting whose key one listed meeting has is found; several is an ambiguity (nothing is created);
//!    none, it is created. Meetings of the batch with the same key are created once.
//! 4. A create that fails in a way that may have reached Attio ([`Error::may_have_been_applied`]) is
//!    reconciled: the window is listed again, and the create is sent again only if nothing matches. So a
//!    timeout or a dropped answer never makes a duplicate.
//!
//! Within a process, ensures of the same meeting in the same workspace wait for each other (whichever
//! client, clone or batch they come from): the later one lists after the earlier one created, and finds
//! it. Across processes, give every process the same [`KeyClaims`] store ([`EnsureAll::claims`], e.g.
//! `RedisClaims` with feature `redis`): a missing meeting is then claimed, looked for once more and
//! created only by the claim's holder. Without one, two processes ensuring the same meeting at the same
//! moment both find nothing and both create: run one process at a time.
//!
//! [`EnsureAll::plan`] does steps 1 to 3 without writing: what would be found, created or left alone.

use std::collections::HashMap;
use std::fmt::Display;
use std::sync::{Arc, LazyLock, Mutex, PoisonError, Weak};
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use futures_util::{StreamExt, TryStreamExt, stream};

use crate::api::{Api, ListMeetings};
use crate::claims::{Claim, KeyClaims};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::types::{Meeting, MeetingTime, NewMeeting};

/// What [`Ensure`] did for a meeting: one of three, so a `match` needs no catch-all.
#[derive(Debug, Clone, PartialEq)]
pub enum Ensured {
    /// A meeting with the same key already existed; nothing was created.
    Found(Meeting),
    /// No meeting had the key, and this one was created (possibly by an attempt whose answer was lost,
    /// then found by reconciling).
    Created(Meeting),
    /// Several meetings have the key; nothing was created. They are listed for a human to decide.
    Ambiguous(Vec<Meeting>),
}

impl Ensured {
    /// The meeting found or created; `None` when ambiguous.
    pub fn meeting(&self) -> Option<&Meeting> {
        match self {
            Ensured::Found(meeting) | Ensured::Created(meeting) => Some(meeting),
            Ensured::Ambiguous(_) => None,
        }
    }

    /// Whether a meeting was created.
    pub fn created(&self) -> bool {
        matches!(self, Ensured::Created(_))
    }
}

/// What [`EnsureAll::plan`] found for a meeting: what ensuring it would do, with nothing written.
#[derive(Debug, Clone, PartialEq)]
// Like `Ensured`, it is handed out one at a time and matched at once: boxing the meeting would cost
// every user a deref for no saving.
#[allow(clippy::large_enum_variant)]
pub enum Plan {
    /// A meeting with the same key exists; ensuring would create nothing.
    Found(Meeting),
    /// No meeting has the key; ensuring would create it.
    Create,
    /// Several meetings have the key; ensuring would create nothing and report them.
    Ambiguous(Vec<Meeting>),
    /// The batch's meeting at this position has the same key: ensuring creates one meeting for both.
    SameAs(usize),
}

/// One meeting of a batch, as [`EnsureAll::plan`] yields it.
#[derive(Debug)]
pub struct PlanItem {
    /// Its position in the batch.
    pub index: usize,
    /// What ensuring it would do, or why it cannot be ensured (invalid input).
    pub result: Result<Plan>,
}

/// Which facts make two meetings the same one. The start always counts; the title and the organizer by
/// default ([`Matching::default`], the combination Attio's syncing guide suggests).
///
/// ```
/// use attio_meetings::Matching;
/// // Calendars that rename events: match on start and organizer only.
/// let matching = Matching::default().title(false);
/// # let _ = matching;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Matching {
    title: bool,
    organizer: bool,
}

impl Default for Matching {
    fn default() -> Self {
        Self {
            title: true,
            organizer: true,
        }
    }
}

impl Matching {
    /// Whether the title counts (compared case-insensitively, runs of white space as one space).
    pub fn title(self, title: bool) -> Self {
        Self { title, ..self }
    }

    /// Whether the organizer's email address counts (case-insensitively; a meeting without an organizer
    /// with an email address matches only others without one).
    pub fn organizer(self, organizer: bool) -> Self {
        Self { organizer, ..self }
    }

    /// The key of a meeting to create.
    pub fn key_of_new(&self, meeting: &NewMeeting) -> MeetingKey {
        let organizer = meeting
            .participants
            .iter()
            .filter(|p| p.is_organizer)
            // `Option<String>` today, `String` in documents from before participant names.
            .find_map(|p| Option::<&String>::from(&p.email_address));
        self.key(
            &meeting.start,
            &meeting.title,
            organizer.map(String::as_str),
        )
    }

    /// The key of a meeting Attio answered.
    pub fn key_of(&self, meeting: &Meeting) -> MeetingKey {
        let organizer = meeting
            .participants
            .iter()
            .filter(|p| p.is_organizer)
            .find_map(|p| p.email_address.as_deref());
        self.key(&meeting.start, &meeting.title, organizer)
    }

    fn key(&self, start: &MeetingTime, title: &str, organizer: Option<&str>) -> MeetingKey {
        MeetingKey {
            start: Start::of(start),
            title: self.title.then(|| normalised_title(title)),
            organizer: self
                .organizer
                .then(|| organizer.map(|e| e.trim().to_lowercase()))
                .flatten(),
        }
    }
}

/// What identifies a meeting under a [`Matching`] rule: equal keys are the same meeting.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MeetingKey {
    start: Start,
    title: Option<String>,
    organizer: Option<String>,
}

impl MeetingKey {
    /// The listing window that holds every meeting with this start: meetings ending at or after it and
    /// starting before one second (or, all day, one day) after it.
    fn window(&self) -> Window {
        match self.start {
            Start::Instant(at) => Window {
                from: at,
                before: at + chrono::Duration::seconds(1),
            },
            Start::Date(date) => {
                let from = date.and_time(NaiveTime::MIN).and_utc();
                Window {
                    from,
                    before: from + chrono::Duration::days(1),
                }
            }
        }
    }
}

impl Display for MeetingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.start {
            Start::Instant(at) => write!(f, "{}", at.format("%Y-%m-%dT%H:%M:%SZ"))?,
            Start::Date(date) => write!(f, "{date}")?,
        }
        if let Some(title) = &self.title {
            write!(f, " {title:?}")?;
        }
        if let Some(organizer) = &self.organizer {
            write!(f, " by {organizer}")?;
        }
        Ok(())
    }
}

impl MeetingKey {
    /// The name a claim on this key has in `workspace`'s claims.
    fn claim_name(&self, workspace: &str) -> String {
        format!("{workspace}\n{self}")
    }
}

/// A start: the instant of timed meetings (whatever offset it was written with), the date of all-day ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Start {
    Instant(DateTime<Utc>),
    Date(NaiveDate),
}

impl Start {
    fn of(time: &MeetingTime) -> Self {
        match time {
            MeetingTime::Timed { datetime, .. } => Start::Instant(datetime.with_timezone(&Utc)),
            MeetingTime::AllDay { date } => Start::Date(*date),
        }
    }
}

fn normalised_title(title: &str) -> String {
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A stretch of time listed at once: meetings ending at or after `from` and starting before `before`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Window {
    from: DateTime<Utc>,
    before: DateTime<Utc>,
}

/// Organizers named in a listing's participant filter at most; beyond, the filter would make the URL long
/// and save little.
const MAX_ORGANIZER_FILTER: usize = 20;

/// What a batch holds for one key: the meeting to create and the positions in the batch that have it.
struct Group {
    key: MeetingKey,
    meeting: NewMeeting,
    positions: Vec<usize>,
    /// Held from before the window is listed until the group is settled.
    guard: Option<tokio::sync::OwnedMutexGuard<()>>,
}

/// The keys being ensured in this process, per workspace (base URL and token hash): one lock each, held
/// from the listing to the create, so two ensures of one meeting never both find it missing.
type InFlight = HashMap<(String, MeetingKey), Weak<tokio::sync::Mutex<()>>>;
static IN_FLIGHT: LazyLock<Mutex<InFlight>> = LazyLock::new(Mutex::default);

/// Locks the groups' keys in `workspace`, in key order (so two batches cannot wait for each other).
async fn lock_keys(workspace: &str, groups: &mut [Group]) {
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by(|a, b| groups[*a].key.cmp(&groups[*b].key));
    let locks: Vec<Arc<tokio::sync::Mutex<()>>> = {
        let mut in_flight = IN_FLIGHT.lock().unwrap_or_else(PoisonError::into_inner);
        // Locks nobody holds any more are dropped now and then, not kept forever.
        if in_flight.len() > 4096 {
            in_flight.retain(|_, lock| lock.strong_count() > 0);
        }
        order
            .iter()
            .map(|&i| {
                let slot = in_flight
                    .entry((workspace.to_string(), groups[i].key.clone()))
                    .or_default();
                slot.upgrade().unwrap_or_else(|| {
                    let lock = Arc::new(tokio::sync::Mutex::new(()));
                    *slot = Arc::downgrade(&lock);
                    lock
                })
            })
            .collect()
    };
    for (i, lock) in order.into_iter().zip(locks) {
        groups[i].guard = Some(lock.lock_owned().await);
    }
}

/// A group to settle, with the candidates its window's listing found, or that listing's failure. Data
/// only: a window of thousands of meetings holds no future per meeting, only the `concurrency` running.
type Settle = Result<(Group, Vec<Meeting>)>;

/// One meeting of a batch, as [`EnsureAll::stream`] yields it.
#[derive(Debug)]
pub struct EnsuredItem {
    /// Its position in the batch.
    pub index: usize,
    /// What happened: [`Ensured`], or why it failed (invalid input, a create that failed).
    pub result: Result<Ensured>,
}

/// Makes one meeting exist exactly once; see [`Meetings::ensure`](crate::Meetings::ensure).
#[derive(Debug)]
#[must_use = "nothing is sent until awaited"]
pub struct Ensure {
    batch: EnsureAll,
    refused: Option<String>,
}

impl Ensure {
    pub(crate) fn new(api: Api, meeting: std::result::Result<NewMeeting, String>) -> Self {
        let (meetings, refused) = match meeting {
            Ok(meeting) => (vec![meeting], None),
            Err(why) => (Vec::new(), Some(why)),
        };
        Self {
            batch: EnsureAll::new(api, meetings),
            refused,
        }
    }

    /// Which facts make two meetings the same one ([`Matching::default`] unless set).
    pub fn matching(self, matching: Matching) -> Self {
        Self {
            batch: self.batch.matching(matching),
            ..self
        }
    }

    /// How often a create that may have been applied is reconciled and sent again, and how long to wait
    /// before looking (default: [`RetryPolicy::default`]).
    pub fn reconcile(self, policy: RetryPolicy) -> Self {
        Self {
            batch: self.batch.reconcile(policy),
            ..self
        }
    }

    /// Gives each attempt of each request (listings and the create) `timeout` instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self {
            batch: self.batch.timeout(timeout),
            ..self
        }
    }

    /// Shares the work with other processes through `claims` (see [`EnsureAll::claims`]).
    pub fn claims(self, claims: impl KeyClaims + 'static) -> Self {
        Self {
            batch: self.batch.claims(claims),
            ..self
        }
    }

    /// Looks, and creates the meeting if nothing matches.
    pub async fn send(self) -> Result<Ensured> {
        if let Some(why) = self.refused {
            return Err(crate::args::Refused::conversion("data", why).into());
        }
        let mut items = self.batch.stream();
        match items.try_next().await? {
            Some(item) => item.result,
            None => Err(Error::invalid("data", "no meeting to ensure")),
        }
    }
}

impl std::future::IntoFuture for Ensure {
    type Output = Result<Ensured>;
    type IntoFuture = crate::Pending<Ensured>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// Makes many meetings exist exactly once; see [`Meetings::ensure_all`](crate::Meetings::ensure_all).
///
/// ```no_run
/// use attio_meetings::Ensured;
/// # async fn demo(client: attio_meetings::Client, meetings: Vec<attio_meetings::types::NewMeeting>) -> Result<(), attio_meetings::Error> {
/// let results = client.meetings().ensure_all(meetings).concurrency(8).run().await?;
/// let created = results.iter().filter(|r| matches!(r, Ok(Ensured::Created(_)))).count();
/// println!("{created} created, {} in all", results.len());
/// # Ok(())
/// # }
/// ```
#[must_use = "nothing is sent until run"]
pub struct EnsureAll {
    api: Api,
    meetings: Vec<NewMeeting>,
    matching: Matching,
    concurrency: usize,
    window_gap: Duration,
    reconcile: RetryPolicy,
    timeout: Option<Duration>,
    stop: Option<Stop>,
    claims: Option<Arc<dyn KeyClaims>>,
}

/// Asked before each meeting is started; `true` ends the batch (see [`EnsureAll::stop_when`]).
type Stop = Arc<dyn Fn() -> bool + Send + Sync>;

impl std::fmt::Debug for EnsureAll {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EnsureAll")
            .field("meetings", &self.meetings.len())
            .field("matching", &self.matching)
            .field("concurrency", &self.concurrency)
            .field("window_gap", &self.window_gap)
            .field("reconcile", &self.reconcile)
            .field("timeout", &self.timeout)
            .field("stoppable", &self.stop.is_some())
            .field("claims", &self.claims)
            .finish_non_exhaustive()
    }
}

impl EnsureAll {
    pub(crate) fn new(api: Api, meetings: Vec<NewMeeting>) -> Self {
        Self {
            api,
            meetings,
            matching: Matching::default(),
            concurrency: 8,
            window_gap: Duration::from_secs(24 * 3600),
            reconcile: RetryPolicy::default(),
            timeout: None,
            stop: None,
            claims: None,
        }
    }

    /// Shares the work with other processes through `claims`: a meeting the listing did not find is
    /// claimed there, looked for once more, and created only if still missing, so processes ensuring
    /// overlapping batches never create one meeting twice. Every process of a workspace must use the
    /// same store (and prefix), and the same base URL and token: a claim is named after
    /// [`Client::workspace`](crate::Client::workspace), which cannot tell that two tokens reach one
    /// workspace. Costs one claim and one listing per meeting created, none per meeting found.
    ///
    /// A create that fails leaves its claim to run out (30 s) instead of releasing it, since it may
    /// have been applied; a claim lost while held (the store unreachable for a whole lease) stops its
    /// create with [`Error::Claim`](crate::Error::Claim).
    pub fn claims(self, claims: impl KeyClaims + 'static) -> Self {
        Self {
            claims: Some(Arc::new(claims)),
            ..self
        }
    }

    /// Stops the batch cleanly when `stop` says so: it is asked before each meeting is started; once it
    /// answers `true`, no more are started, those in flight finish (a create is never abandoned half
    /// way), and the stream ends. For Ctrl-C: what was not started is ensured by running the batch again.
    pub fn stop_when(self, stop: impl Fn() -> bool + Send + Sync + 'static) -> Self {
        Self {
            stop: Some(Arc::new(stop)),
            ..self
        }
    }

    /// Gives each attempt of each request (listings and creates) `timeout` instead of the client's.
    pub fn timeout(self, timeout: Duration) -> Self {
        Self {
            timeout: Some(timeout),
            ..self
        }
    }

    /// Which facts make two meetings the same one ([`Matching::default`] unless set).
    pub fn matching(self, matching: Matching) -> Self {
        Self { matching, ..self }
    }

    /// How many creates are in flight at once (8 by default; at least 1). The client's pacing keeps them
    /// under Attio's write limit.
    pub fn concurrency(self, concurrency: usize) -> Self {
        Self {
            concurrency: concurrency.max(1),
            ..self
        }
    }

    /// Starts closer than this share one listing (one day by default). Larger gaps list fewer windows
    /// but may page through more meetings that are not in the batch.
    pub fn window_gap(self, gap: Duration) -> Self {
        Self {
            window_gap: gap,
            ..self
        }
    }

    /// How often a create that may have been applied is reconciled and sent again, and how long to wait
    /// before looking (default: [`RetryPolicy::default`]).
    pub fn reconcile(self, policy: RetryPolicy) -> Self {
        Self {
            reconcile: policy,
            ..self
        }
    }

    /// Every meeting's outcome, in the batch's order. A listing that fails (after the client's retries)
    /// ends the batch with its error; meetings already created stay created, and running the batch
    /// again finds them. Meetings a [`stop_when`](Self::stop_when) kept from starting are
    /// [`Error::InvalidInput`] saying so.
    pub async fn run(self) -> Result<Vec<Result<Ensured>>> {
        let len = self.meetings.len();
        let mut slots: Vec<Option<Result<Ensured>>> = (0..len).map(|_| None).collect();
        let mut items = self.stream();
        while let Some(item) = items.try_next().await? {
            if let Some(slot) = slots.get_mut(item.index) {
                *slot = Some(item.result);
            }
        }
        Ok(slots
            .into_iter()
            .map(|slot| {
                slot.unwrap_or_else(|| {
                    Err(Error::invalid(
                        "data",
                        "not started: the batch was stopped before this meeting",
                    ))
                })
            })
            .collect())
    }

    /// Every meeting's outcome as soon as it is known, in no particular order (for progress reports;
    /// [`EnsuredItem::index`] says which). An `Err` item is a listing that failed; the stream ends after
    /// it.
    pub fn stream(self) -> crate::BoxStream<EnsuredItem> {
        Box::pin(self.outcomes(true).map_ok(|(index, outcome)| EnsuredItem {
            index,
            result: outcome.and_then(Outcome::into_ensured),
        }))
    }

    /// What ensuring each meeting would do, with nothing written: the same listings as
    /// [`stream`](Self::stream), then [`Plan::Found`], [`Plan::Create`] or [`Plan::Ambiguous`] (a
    /// meeting whose key an earlier one of the batch has is [`Plan::SameAs`] that one). For dry runs
    /// and reviews. An `Err` item is a listing that failed; the stream ends after it.
    ///
    /// ```no_run
    /// use attio_meetings::Plan;
    /// use futures_util::TryStreamExt;
    /// # async fn demo(client: attio_meetings::Client, meetings: Vec<attio_meetings::types::NewMeeting>) -> Result<(), attio_meetings::Error> {
    /// let plan: Vec<_> = client.meetings().ensure_all(meetings).plan().try_collect().await?;
    /// let to_create = plan.iter().filter(|item| matches!(item.result, Ok(Plan::Create))).count();
    /// println!("{to_create} to create");
    /// # Ok(())
    /// # }
    /// ```
    pub fn plan(self) -> crate::BoxStream<PlanItem> {
        Box::pin(self.outcomes(false).map_ok(|(index, outcome)| PlanItem {
            index,
            result: outcome.and_then(Outcome::into_plan),
        }))
    }

    /// The outcomes of the batch's meetings by position; with `write`, missing meetings are created.
    fn outcomes(self, write: bool) -> crate::BoxStream<(usize, Result<Outcome>)> {
        let EnsureAll {
            api,
            meetings,
            matching,
            concurrency,
            window_gap,
            reconcile,
            timeout,
            stop,
            claims,
        } = self;
        let mut refused = Vec::new();
        let mut groups: Vec<Group> = Vec::new();
        let mut by_key: HashMap<MeetingKey, usize> = HashMap::new();
        for (index, meeting) in meetings.into_iter().enumerate() {
            if let Err(error) = crate::validate::new_meeting(&meeting) {
                refused.push((index, Err(error)));
                continue;
            }
            let key = matching.key_of_new(&meeting);
            match by_key.get(&key) {
                Some(&group) => groups[group].positions.push(index),
                None => {
                    by_key.insert(key.clone(), groups.len());
                    groups.push(Group {
                        key,
                        meeting,
                        positions: vec![index],
                        guard: None,
                    });
                }
            }
        }
        let windows = windows(groups, window_gap);
        let context = Context {
            api,
            matching,
            reconcile,
            timeout,
            claims: claims.filter(|_| write),
            write,
        };
        // One stream of settlements across windows, `concurrency` at a time: a window is listed when
        // the creates in flight leave room (so the next window's listing overlaps the last creates of
        // this one), and a batch of many small windows is as concurrent as one large window.
        let lister = context.clone();
        let settlements = stream::iter(windows)
            .then(move |(window, mut groups)| {
                let context = lister.clone();
                async move {
                    if context.write {
                        lock_keys(context.api.client().workspace(), &mut groups).await;
                    }
                    let settles: Vec<Settle> = match context.listed(window, &groups).await {
                        Err(error) => vec![Err(error)],
                        Ok(listed) => groups
                            .into_iter()
                            .map(|group| {
                                let candidates =
                                    listed.get(&group.key).cloned().unwrap_or_default();
                                Ok((group, candidates))
                            })
                            .collect(),
                    };
                    stream::iter(settles)
                }
            })
            .flatten()
            .take_while(move |_| {
                futures_util::future::ready(!stop.as_ref().is_some_and(|stop| stop()))
            })
            .map(move |settle| {
                let context = context.clone();
                async move {
                    let (group, candidates) = settle?;
                    Ok(context.settle(group, candidates).await)
                }
            })
            .buffer_unordered(concurrency);
        let found = settlements.flat_map(|settled| match settled {
            Ok(items) => stream::iter(items.into_iter().map(Ok).collect::<Vec<_>>()),
            Err(error) => stream::iter(vec![Err(error)]),
        });
        // A failed listing ends the stream after being yielded.
        let ended =
            stream::iter(refused.into_iter().map(Ok))
                .chain(found)
                .scan(false, |failed, item| {
                    let out = (!*failed).then_some(item);
                    if let Some(Err(_)) = &out {
                        *failed = true;
                    }
                    futures_util::future::ready(out)
                });
        Box::pin(ended)
    }
}

/// What became (or would become) of one meeting of a batch.
enum Outcome {
    Found(Meeting),
    Created(Meeting),
    Ambiguous(Vec<Meeting>),
    /// Not found, and not created: a plan.
    Missing,
    /// The same key as the batch's meeting at this position.
    SameAs(usize),
}

impl Outcome {
    fn into_ensured(self) -> Result<Ensured> {
        match self {
            Outcome::Found(meeting) => Ok(Ensured::Found(meeting)),
            Outcome::Created(meeting) => Ok(Ensured::Created(meeting)),
            Outcome::Ambiguous(meetings) => Ok(Ensured::Ambiguous(meetings)),
            // Only plans leave meetings missing; a batch that writes settles every one.
            Outcome::Missing | Outcome::SameAs(_) => Err(Error::invalid(
                "data",
                "left uncreated by a plan (no meeting was written)",
            )),
        }
    }

    fn into_plan(self) -> Result<Plan> {
        Ok(match self {
            Outcome::Found(meeting) | Outcome::Created(meeting) => Plan::Found(meeting),
            Outcome::Ambiguous(meetings) => Plan::Ambiguous(meetings),
            Outcome::Missing => Plan::Create,
            Outcome::SameAs(index) => Plan::SameAs(index),
        })
    }
}

/// Sorts the groups by start and cuts them into windows: a start closer than `gap` to the end of the
/// window so far joins it.
fn windows(mut groups: Vec<Group>, gap: Duration) -> Vec<(Window, Vec<Group>)> {
    groups.sort_by_key(|g| g.key.start);
    let gap = chrono::Duration::from_std(gap).unwrap_or(chrono::Duration::MAX);
    let mut out: Vec<(Window, Vec<Group>)> = Vec::new();
    for group in groups {
        let window = group.key.window();
        match out.last_mut() {
            Some((current, members))
                if current
                    .before
                    .checked_add_signed(gap)
                    .is_none_or(|reach| window.from <= reach) =>
            {
                current.before = current.before.max(window.before);
                members.push(group);
            }
            _ => out.push((window, vec![group])),
        }
    }
    out
}

/// What the futures of a batch share.
#[derive(Clone)]
struct Context {
    api: Api,
    matching: Matching,
    reconcile: RetryPolicy,
    timeout: Option<Duration>,
    claims: Option<Arc<dyn KeyClaims>>,
    /// Whether missing meetings are created (else the batch is a plan).
    write: bool,
}

impl Context {
    /// The meetings of `window`, by key (narrowed to the groups' organizers when they all have one and
    /// there are few).
    async fn listed(
        &self,
        window: Window,
        groups: &[Group],
    ) -> Result<HashMap<MeetingKey, Vec<Meeting>>> {
        let mut organizers: Vec<&str> = groups
            .iter()
            .map(|g| g.key.organizer.as_deref())
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        organizers.sort_unstable();
        organizers.dedup();
        let mut request = self.listing(window);
        if self.matching.organizer
            && !organizers.is_empty()
            && organizers.len() <= MAX_ORGANIZER_FILTER
        {
            request = request.participants(organizers);
        }
        let mut by_key: HashMap<MeetingKey, Vec<Meeting>> = HashMap::new();
        let mut meetings = request.stream();
        while let Some(meeting) = meetings.try_next().await? {
            by_key
                .entry(self.matching.key_of(&meeting))
                .or_default()
                .push(meeting);
        }
        Ok(by_key)
    }

    fn listing(&self, window: Window) -> ListMeetings {
        let listing = self
            .api
            .list_meetings()
            .ends_from(window.from)
            .starts_before(window.before)
            .limit(ListMeetings::LIMIT_MAX);
        match self.timeout {
            Some(timeout) => listing.timeout(timeout),
            None => listing,
        }
    }

    /// The meetings that have `key` now.
    async fn look(&self, key: &MeetingKey) -> Result<Vec<Meeting>> {
        let mut request = self.listing(key.window());
        if let Some(organizer) = &key.organizer {
            request = request.participants([organizer.as_str()]);
        }
        let mut found = Vec::new();
        let mut meetings = request.stream();
        while let Some(meeting) = meetings.try_next().await? {
            if self.matching.key_of(&meeting) == *key {
                found.push(meeting);
            }
        }
        Ok(found)
    }

    /// Decides a group from its candidates, creating its meeting when there is none (and the batch
    /// writes).
    async fn settle(
        &self,
        mut group: Group,
        mut candidates: Vec<Meeting>,
    ) -> Vec<(usize, Result<Outcome>)> {
        let result = match candidates.len() {
            0 if !self.write => Ok(Outcome::Missing),
            0 => match &self.claims {
                Some(claims) => self.create_claimed(claims, &group).await,
                None => self.create(&group, None).await,
            },
            1 => Ok(Outcome::Found(candidates.remove(0))),
            _ => Ok(Outcome::Ambiguous(candidates)),
        };
        // Settled: another ensure of the key may list now, and will find what this one made.
        group.guard = None;
        let mut positions = group.positions.into_iter();
        let Some(first) = positions.next() else {
            return Vec::new();
        };
        // Later meetings of the batch with the same key are the first one's meeting.
        let rest = positions.map(|index| {
            let result = match &result {
                Ok(Outcome::Created(meeting) | Outcome::Found(meeting)) => {
                    Ok(Outcome::Found(meeting.clone()))
                }
                Ok(Outcome::Ambiguous(meetings)) => Ok(Outcome::Ambiguous(meetings.clone())),
                Ok(Outcome::Missing | Outcome::SameAs(_)) => Ok(Outcome::SameAs(first)),
                Err(error) => Err(Error::invalid(
                    "data",
                    format!("the batch's meeting with the same key failed: {error}"),
                )),
            };
            (index, result)
        });
        let rest: Vec<_> = rest.collect();
        std::iter::once((first, result)).chain(rest).collect()
    }

    /// Creates the group's meeting under a claim shared with other processes: claimed, looked for
    /// again (another process may have created it since the listing), created only if still missing.
    ///
    /// A create that failed leaves the claim to its lease instead of releasing it: its outcome may be
    /// unknown (a lost answer, a look that failed), and the next holder must not look before a lost
    /// create has had time to show.
    async fn create_claimed(&self, claims: &Arc<dyn KeyClaims>, group: &Group) -> Result<Outcome> {
        let name = group.key.claim_name(self.api.client().workspace());
        let claim = Claim::take(claims, name)
            .await
            .map_err(|message| Error::Claim {
                key: group.key.to_string(),
                message,
            })?;
        let mut found = match self.look(&group.key).await {
            Ok(found) => found,
            Err(error) => {
                claim.release(claims).await;
                return Err(error);
            }
        };
        let result = match found.len() {
            0 => self.create(group, Some(&claim)).await,
            1 => Ok(Outcome::Found(found.remove(0))),
            _ => Ok(Outcome::Ambiguous(found)),
        };
        if result.is_err() {
            claim.expire(claims).await;
        } else {
            claim.release(claims).await;
        }
        result
    }

    /// Creates the group's meeting; after a failure that may have been applied, looks again before
    /// creating again. Under a `claim`, no attempt is made once it is lost.
    async fn create(&self, group: &Group, claim: Option<&Claim>) -> Result<Outcome> {
        let mut waits = self.reconcile.schedule();
        loop {
            if claim.is_some_and(|claim| !claim.is_held()) {
                return Err(Error::Claim {
                    key: group.key.to_string(),
                    message: "its lease ran out before the create was sent (the claim store was \
                              unreachable, or this process stalled)"
                        .to_string(),
                });
            }
            let mut create = self.api.create_meeting().data(group.meeting.clone());
            if let Some(timeout) = self.timeout {
                create = create.timeout(timeout);
            }
            let error = match create.send().await {
                Ok(meeting) => return Ok(Outcome::Created(meeting)),
                Err(error) if error.may_have_been_applied() => error,
                Err(error) => return Err(error),
            };
            let Some(wait) = waits.next() else {
                return Err(error);
            };
            tracing::info!(
                key = %group.key,
                error = %error,
                wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                "create may have been applied; looking again before creating again"
            );
            tokio::time::sleep(wait).await;
            let mut found = self.look(&group.key).await?;
            match found.len() {
                0 => continue,
                // The lost attempt made it.
                1 => return Ok(Outcome::Created(found.remove(0))),
                _ => return Ok(Outcome::Ambiguous(found)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timed(at: &str) -> MeetingTime {
        MeetingTime::instant(DateTime::parse_from_rfc3339(at).unwrap())
    }

    fn key(at: &str, title: &str, organizer: Option<&str>) -> MeetingKey {
        Matching::default().key(&timed(at), title, organizer)
    }

    #[test]
    fn keys_compare_instants_titles_loosely_and_organizers_case_insensitively() {
        assert_eq!(
            key(
                "2027-01-05T10:00:00+01:00",
                "Weekly  Sync ",
                Some("Ada@Example.com")
            ),
            key(
                "2027-01-05T09:00:00Z",
                "weekly sync",
                Some("ada@example.com")
            )
        );
        assert_ne!(
            key(
                "2027-01-05T10:00:00Z",
                "Weekly sync",
                Some("ada@example.com")
            ),
            key(
                "2027-01-05T10:00:01Z",
                "Weekly sync",
                Some("ada@example.com")
            )
        );
        assert_ne!(
            key(
                "2027-01-05T10:00:00Z",
                "Weekly sync",
                Some("ada@example.com")
            ),
            key("2027-01-05T10:00:00Z", "Weekly sync", None)
        );
        let loose = Matching::default().title(false).organizer(false);
        assert_eq!(
            loose.key(&timed("2027-01-05T10:00:00Z"), "A", Some("x@example.com")),
            loose.key(&timed("2027-01-05T10:00:00Z"), "B", None)
        );
    }

    #[test]
    fn windows_hold_their_starts_and_merge_within_the_gap() {
        let group = |at: &str| Group {
            key: key(at, "t", None),
            meeting: crate::types::NewMeeting::builder()
                .title("t")
                .description("")
                .start(timed(at))
                .end(timed("2030-01-01T00:00:00Z"))
                .is_all_day(false)
                .participants(Vec::new())
                .try_into()
                .unwrap(),
            positions: vec![0],
            guard: None,
        };
        let windows = windows(
            vec![
                group("2027-01-06T10:00:00Z"),
                group("2027-01-05T10:00:00Z"),
                group("2027-01-05T18:00:00Z"),
                // More than a day after the window so far ends (01-06 10:00:01): a window of its own.
                group("2027-01-07T10:00:02Z"),
            ],
            Duration::from_secs(3600 * 24),
        );
        assert_eq!(windows.len(), 2);
        let (window, members) = &windows[0];
        assert_eq!(window.from.to_rfc3339(), "2027-01-05T10:00:00+00:00");
        assert_eq!(window.before.to_rfc3339(), "2027-01-06T10:00:01+00:00");
        assert_eq!(members.len(), 3);
        assert_eq!(windows[1].1.len(), 1);

        let apart = super::windows(
            vec![group("2027-01-05T10:00:00Z"), group("2027-03-05T10:00:00Z")],
            Duration::from_secs(3600),
        );
        assert_eq!(apart.len(), 2);
    }

    #[test]
    fn an_all_day_key_covers_its_day() {
        let day = NaiveDate::from_ymd_opt(2027, 1, 5).unwrap();
        let key = Matching::default().key(&MeetingTime::all_day(day), "Offsite", None);
        let window = key.window();
        assert_eq!(window.from.to_rfc3339(), "2027-01-05T00:00:00+00:00");
        assert_eq!(window.before.to_rfc3339(), "2027-01-06T00:00:00+00:00");
        assert_eq!(key.to_string(), "2027-01-05 \"offsite\"");
    }
}
