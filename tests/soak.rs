//! A deterministic fault soak of the client against the fake, run by `cargo test`.
//!
//! Size: 2,400 operations: a first phase of 48 ensures (one per meeting of a fixed pool, each with its own
//! start and title) and 16 call-recording creates, then 2,336 drawn from a seeded mix of ensure (22%), get
//! meeting (14%), a page of meetings (8%), a page of a meeting's recordings (6%), create call recording
//! (14%, each after an ensure of a meeting of its own), get call recording (14%), get the whole
//! transcript (12%, 16 segments a page) and delete call recording (10%). 16 workers take them from one
//! queue, two workers per client (8 clients), against the fake with `Limits::UNLIMITED` and a seeded
//! `FaultRule` faulting 20% of all requests with one of `Status(500/502/503)`, `RateLimited`, `Drop`,
//! `DropAfterProcessing`, `Truncate` and `Latency(300 ms)`, a stall longer than the clients' 150 ms
//! per-attempt timeout. The clients retry up to 12 attempts with 1-20 ms backoffs. About 4,000 requests
//! reach the fake, ~750 of them retries.
//!
//! Duration (debug build, 2 cores): 7-10 s with the machine already busy (load average ~2.5), 9-10 s
//! with two CPU hogs added, 11.5-12.5 s for each of three soaks run at once. Most of it is the ~95 injected
//! 429s, whose `Retry-After` is the next wall-clock second. The soak is bounded at 120 s so it can never
//! hang.
//!
//! Deterministic: the plan of operations and the fault draws come from fixed seeds; which request gets
//! which fault depends on the interleaving of the workers, so the counts vary a little from run to run,
//! while every assertion holds for any interleaving.
//!
//! Afterwards, from the fake's store and what each call returned:
//! - every retry-safe operation (ensure, gets, lists, deletes) succeeded; the only errors allowed
//!   are 404s of a get or transcript of a recording that a delete had claimed meanwhile (deletes claim
//!   their recording exclusively, so no delete races another);
//! - one meeting per pool meeting, although Attio (and the fake) create on every call and the same pool
//!   meeting is ensured by several workers and clients at once: the meetings in the store are exactly the
//!   labels used (by title), and every answer for a label named the same meeting (`Meetings::ensure`
//!   looks before it creates, serialises ensures of one meeting in a process, and reconciles after a
//!   create that may have been applied);
//! - no duplicate call recording: each create has a meeting of its own, so the store tells, create by
//!   create, what it left. A create that returned `Ok` left exactly its recording (none once deleted), an
//!   error with `may_have_been_applied()` at most one, any other error none; the store's count is the
//!   `Ok` creates, minus the deletes, plus the ambiguous failures that were applied;
//! - every kind of failure was exercised (5xx, 429, timeouts, transport failures, counted from the
//!   client's `retrying` log lines) and no call gave up because its client's retry budget ran dry. A
//!   budget is 500 tokens per client (a retry costs 5, 10 after a timeout; a success earns 1 back): one
//!   client for all 16 workers would run dry, so each client serves two workers, and ends the soak with
//!   roughly 230-450 tokens left.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use attio_meetings::types::{
    CallRecordingStatus, MeetingSort, MeetingTime, NewMeeting, NewParticipant,
};
use attio_meetings::{Client, Ensured, Error, RetryPolicy};
use attio_meetings_mock::{Fault, FaultRule, Limits, MockServer};
use chrono::{DateTime, FixedOffset};
use tokio::task::JoinSet;
use uuid::Uuid;

// The client's log, to count retries by cause.
use common::Capture;

const SEED: u64 = 0x50A4_2026;
const OPS: usize = 2_400;
const WORKERS: usize = 16;
const CLIENTS: usize = 8;
const POOL: usize = 48;
const FIRST_CREATES: usize = 16;
const FAULT_RATE: f64 = 0.2;
const CLIENT_TIMEOUT: Duration = Duration::from_millis(150);
const STALL: Duration = Duration::from_millis(300);
const SOAK_LIMIT: Duration = Duration::from_secs(120);

/// The clients' retries, and ensure's reconciliation: 12 attempts, 1-20 ms apart.
fn retry_policy() -> RetryPolicy {
    RetryPolicy::default()
        .max_attempts(12)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(20))
}

// ---- a seeded generator (splitmix64) ----

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

// ---- the plan ----

#[derive(Debug, Clone, Copy)]
enum Op {
    /// Ensure the pool's meeting `n`.
    Ensure(usize),
    /// Get the pool's meeting `n`.
    GetMeeting(usize),
    /// One page of meetings.
    ListMeetings { limit: u32, desc: bool },
    /// One page of the recordings of a meeting with a recording (picked by the number).
    ListRecordings(u64),
    /// Find-or-create a meeting of this create's own, then create a call recording on it.
    CreateRecording,
    /// Get a live recording (picked by the number).
    GetRecording(u64),
    /// Get the whole transcript of a live recording.
    GetTranscript(u64),
    /// Claim a live recording and delete it.
    DeleteRecording(u64),
}

impl Op {
    fn name(self) -> &'static str {
        match self {
            Op::Ensure(_) => "ensure",
            Op::GetMeeting(_) => "get_meeting",
            Op::ListMeetings { .. } => "list_meetings",
            Op::ListRecordings(_) => "list_call_recordings",
            Op::CreateRecording => "create_call_recording",
            Op::GetRecording(_) => "get_call_recording",
            Op::GetTranscript(_) => "get_transcript",
            Op::DeleteRecording(_) => "delete_call_recording",
        }
    }
}

/// The first phase (every pool meeting, a few recordings), then the seeded mix.
fn plan() -> (Vec<Op>, Vec<Op>) {
    let pool = POOL;
    let mut first: Vec<Op> = (0..pool).map(Op::Ensure).collect();
    first.extend((0..FIRST_CREATES).map(|_| Op::CreateRecording));
    let mut rng = Rng(SEED);
    let rest = (first.len()..OPS)
        .map(|_| {
            let pick = rng.next();
            match rng.below(100) {
                0..22 => Op::Ensure(rng.below(pool)),
                22..36 => Op::GetMeeting(rng.below(pool)),
                36..44 => Op::ListMeetings {
                    limit: 1 + rng.below(40) as u32,
                    desc: rng.below(2) == 0,
                },
                44..50 => Op::ListRecordings(pick),
                50..64 => Op::CreateRecording,
                64..78 => Op::GetRecording(pick),
                78..90 => Op::GetTranscript(pick),
                _ => Op::DeleteRecording(pick),
            }
        })
        .collect();
    (first, rest)
}

fn base_time() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2027-05-03T09:00:00+02:00").unwrap()
}

fn title(label: &str) -> String {
    format!("Soak {label}")
}

/// A meeting under `label`, starting `n` hours after the base time.
fn meeting(label: &str, n: usize) -> NewMeeting {
    let start = base_time() + chrono::Duration::hours(n as i64);
    NewMeeting::builder()
        .title(title(label))
        .description("fault soak")
        .start(MeetingTime::at(start, "Europe/Paris"))
        .end(MeetingTime::at(
            start + chrono::Duration::minutes(30),
            "Europe/Paris",
        ))
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("soak@example.com")])
        .try_into()
        .expect("every field set")
}

/// The pool's meeting `n`: its own start and title, so every pool meeting has its own key.
fn pool_meeting(n: usize) -> (String, NewMeeting) {
    let label = format!("pool-{n}");
    (label.clone(), meeting(&label, n))
}

// ---- what the calls returned ----

#[derive(Debug)]
struct Create {
    meeting: Uuid,
    /// The recording, or whether the error may have been applied and its text.
    outcome: Result<Uuid, (bool, String)>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Tally {
    ok: u32,
    failed: u32,
    gone: u32,
    skipped: u32,
}

#[derive(Default)]
struct Ledger {
    /// Meeting per label, from the first answer (every later answer must agree).
    meetings: Mutex<HashMap<String, Uuid>>,
    /// Labels ensure was called with.
    labels: Mutex<HashSet<String>>,
    /// Recordings created with `Ok` and not claimed by a delete: (meeting, recording).
    live: Mutex<Vec<(Uuid, Uuid)>>,
    /// Recordings claimed by a delete (before it was sent).
    claimed: Mutex<HashSet<Uuid>>,
    deleted: Mutex<HashSet<Uuid>>,
    creates: Mutex<Vec<Create>>,
    /// Unexpected outcomes.
    failures: Mutex<Vec<String>>,
    tallies: Mutex<BTreeMap<&'static str, Tally>>,
}

impl Ledger {
    fn fail(&self, what: String) {
        self.failures.lock().unwrap().push(what);
    }

    fn tally(&self, op: &'static str, f: impl FnOnce(&mut Tally)) {
        f(self.tallies.lock().unwrap().entry(op).or_default());
    }

    /// A live recording, picked by `pick`.
    fn pick_live(&self, pick: u64) -> Option<(Uuid, Uuid)> {
        let live = self.live.lock().unwrap();
        (!live.is_empty()).then(|| live[(pick % live.len() as u64) as usize])
    }

    /// Whether a 404 for `recording` is explained by a delete that claimed it.
    fn gone(&self, recording: Uuid, error: &Error) -> bool {
        error.is_not_found() && self.claimed.lock().unwrap().contains(&recording)
    }

    /// Ensure, checked against earlier answers for the same label.
    async fn ensure_meeting(
        &self,
        client: &Client,
        op: &str,
        label: &str,
        new: NewMeeting,
    ) -> Option<Uuid> {
        self.labels.lock().unwrap().insert(label.to_string());
        let ensured = client
            .meetings()
            .ensure(new)
            .reconcile(retry_policy())
            .await;
        match ensured {
            Ok(Ensured::Ambiguous(candidates)) => {
                self.fail(format!("{op} {label}: ambiguous, {candidates:?}"));
                None
            }
            Ok(Ensured::Found(found) | Ensured::Created(found)) => {
                let id = found.id.meeting_id;
                if found.title != title(label) {
                    self.fail(format!(
                        "{op} {label}: answered the meeting titled {:?}",
                        found.title
                    ));
                }
                let mut meetings = self.meetings.lock().unwrap();
                let first = *meetings.entry(label.to_string()).or_insert(id);
                if first != id {
                    self.fail(format!(
                        "{op} {label}: answered {id}, earlier {first}: a duplicate meeting"
                    ));
                }
                Some(id)
            }
            Err(error) => {
                self.fail(format!("{op} {label}: {error}"));
                None
            }
        }
    }
}

async fn run(client: &Client, index: usize, op: Op, ledger: &Ledger) {
    let name = op.name();
    // Ok(true): succeeded; Ok(false): skipped (nothing to act on yet); Err(()): recorded by the op.
    let outcome: Result<bool, ()> = match op {
        Op::Ensure(n) => {
            let (label, new) = pool_meeting(n);
            ledger
                .ensure_meeting(client, name, &label, new)
                .await
                .map(|_| true)
                .ok_or(())
        }
        Op::GetMeeting(n) => {
            let (label, _) = pool_meeting(n);
            let known = ledger.meetings.lock().unwrap().get(&label).copied();
            match known {
                None => Ok(false),
                Some(id) => match client.meetings().get(id).await {
                    Ok(found) if found.id.meeting_id == id && found.title == title(&label) => {
                        Ok(true)
                    }
                    Ok(found) => {
                        ledger.fail(format!("{name} {id}: answered {:?}", found.id));
                        Err(())
                    }
                    Err(error) => {
                        ledger.fail(format!("{name} {id}: {error}"));
                        Err(())
                    }
                },
            }
        }
        Op::ListMeetings { limit, desc } => {
            let sort = if desc {
                MeetingSort::StartDesc
            } else {
                MeetingSort::StartAsc
            };
            match client.meetings().list().limit(limit).sort(sort).await {
                Ok(page)
                    if page.data.len() <= limit as usize
                        && !page.data.is_empty()
                        && page.data.iter().all(|m| m.title.starts_with("Soak ")) =>
                {
                    Ok(true)
                }
                Ok(page) => {
                    ledger.fail(format!(
                        "{name} limit {limit}: {} meetings",
                        page.data.len()
                    ));
                    Err(())
                }
                Err(error) => {
                    ledger.fail(format!("{name} limit {limit}: {error}"));
                    Err(())
                }
            }
        }
        Op::ListRecordings(pick) => match ledger.pick_live(pick) {
            None => Ok(false),
            Some((meeting, recording)) => {
                match client.call_recordings(meeting).list().limit(10).await {
                    Ok(page) => {
                        let ids: Vec<Uuid> =
                            page.data.iter().map(|r| r.id.call_recording_id).collect();
                        let all_here = page.data.iter().all(|r| r.id.meeting_id == meeting);
                        let claimed = ledger.claimed.lock().unwrap().contains(&recording);
                        // One create per meeting: never more than one recording.
                        if all_here && ids.len() <= 1 && (ids == [recording] || claimed) {
                            Ok(true)
                        } else {
                            ledger.fail(format!(
                                "{name} of {meeting}: {ids:?}, expected [{recording}]"
                            ));
                            Err(())
                        }
                    }
                    Err(error) => {
                        ledger.fail(format!("{name} of {meeting}: {error}"));
                        Err(())
                    }
                }
            }
        },
        Op::CreateRecording => {
            let label = format!("rec-{index}");
            let new = meeting(&label, index % 97);
            match ledger.ensure_meeting(client, name, &label, new).await {
                None => Err(()),
                Some(meeting) => {
                    let url = format!("https://videos.example.com/soak/{index}.mp4");
                    let result = client.call_recordings(meeting).create(url).await;
                    let outcome = match &result {
                        Ok(recording) => {
                            let id = recording.id.call_recording_id;
                            if recording.id.meeting_id != meeting {
                                ledger.fail(format!(
                                    "{name} on {meeting}: answered {:?}",
                                    recording.id
                                ));
                            }
                            ledger.live.lock().unwrap().push((meeting, id));
                            Ok(id)
                        }
                        Err(error) => Err((error.may_have_been_applied(), error.to_string())),
                    };
                    let ok = outcome.is_ok();
                    ledger
                        .creates
                        .lock()
                        .unwrap()
                        .push(Create { meeting, outcome });
                    // A failed create is legitimate (it is not retried after an ambiguous failure); the
                    // accounting at the end checks what it left.
                    if ok { Ok(true) } else { Err(()) }
                }
            }
        }
        Op::GetRecording(pick) => match ledger.pick_live(pick) {
            None => Ok(false),
            Some((meeting, recording)) => {
                match client.call_recordings(meeting).get(recording).await {
                    Ok(found)
                        if found.id.call_recording_id == recording
                            && found.status == CallRecordingStatus::Completed =>
                    {
                        Ok(true)
                    }
                    Ok(found) => {
                        ledger.fail(format!("{name} {recording}: answered {found:?}"));
                        Err(())
                    }
                    Err(error) if ledger.gone(recording, &error) => {
                        ledger.tally(name, |t| t.gone += 1);
                        Err(())
                    }
                    Err(error) => {
                        ledger.fail(format!("{name} {recording}: {error}"));
                        Err(())
                    }
                }
            }
        },
        Op::GetTranscript(pick) => match ledger.pick_live(pick) {
            None => Ok(false),
            Some((meeting, recording)) => match client.transcript(meeting, recording).await {
                Ok(transcript)
                    if transcript.id.call_recording_id == recording
                        && !transcript.transcript.is_empty()
                        && !transcript.raw_transcript.is_empty() =>
                {
                    Ok(true)
                }
                Ok(transcript) => {
                    ledger.fail(format!(
                        "{name} {recording}: {} segments for {:?}",
                        transcript.transcript.len(),
                        transcript.id
                    ));
                    Err(())
                }
                Err(error) if ledger.gone(recording, &error) => {
                    ledger.tally(name, |t| t.gone += 1);
                    Err(())
                }
                Err(error) => {
                    ledger.fail(format!("{name} {recording}: {error}"));
                    Err(())
                }
            },
        },
        Op::DeleteRecording(pick) => {
            let claimed = {
                let mut live = ledger.live.lock().unwrap();
                if live.is_empty() {
                    None
                } else {
                    let at = (pick % live.len() as u64) as usize;
                    let (meeting, recording) = live.swap_remove(at);
                    ledger.claimed.lock().unwrap().insert(recording);
                    Some((meeting, recording))
                }
            };
            match claimed {
                None => Ok(false),
                Some((meeting, recording)) => {
                    match client.call_recordings(meeting).delete(recording).await {
                        Ok(()) => {
                            ledger.deleted.lock().unwrap().insert(recording);
                            Ok(true)
                        }
                        Err(error) => {
                            ledger.fail(format!("{name} {recording}: {error}"));
                            Err(())
                        }
                    }
                }
            }
        }
    };
    ledger.tally(name, |t| match outcome {
        Ok(true) => t.ok += 1,
        Ok(false) => t.skipped += 1,
        Err(()) => t.failed += 1,
    });
}

/// Runs `ops` on `WORKERS` workers taking from one queue, the workers spread over `clients`.
async fn run_phase(clients: &[Client], ops: Arc<Vec<Op>>, offset: usize, ledger: &Arc<Ledger>) {
    let next = Arc::new(AtomicUsize::new(0));
    let mut workers = JoinSet::new();
    for w in 0..WORKERS {
        let client = clients[w % clients.len()].clone();
        let (ops, next, ledger) = (ops.clone(), next.clone(), ledger.clone());
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(op) = ops.get(i) else { break };
                run(&client, offset + i, *op, &ledger).await;
            }
        });
    }
    while let Some(joined) = workers.join_next().await {
        joined.expect("a worker panicked");
    }
}

// ---- the soak ----

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fault_soak_keeps_every_safe_call_whole_and_creates_nothing_twice() {
    let capture = Capture::default();
    let writer = capture.clone();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .try_init()
        .expect("the only subscriber of this test binary");

    let started = Instant::now();
    let soak = tokio::time::timeout(SOAK_LIMIT, soak(capture));
    soak.await
        .unwrap_or_else(|_| panic!("the soak did not finish within {SOAK_LIMIT:?}"));
    eprintln!("soak finished in {:?}", started.elapsed());
}

async fn soak(capture: Capture) {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .processing_time(Duration::ZERO)
        .transcript_page_size(16)
        .seed(SEED)
        .start()
        .await
        .expect("the fake starts");
    server.faults().add_rule(FaultRule {
        operations: vec![],
        rate: FAULT_RATE,
        faults: vec![
            Fault::Status(500),
            Fault::Status(502),
            Fault::Status(503),
            Fault::RateLimited,
            Fault::Drop,
            Fault::DropAfterProcessing,
            Fault::Truncate,
            Fault::Latency(STALL),
        ],
    });
    let clients: Vec<Client> = (0..CLIENTS)
        .map(|_| {
            Client::builder()
                .token(server.token())
                .base_url(server.base_url())
                .retry(retry_policy())
                .timeout(CLIENT_TIMEOUT)
                .build()
                .expect("a valid client")
        })
        .collect();
    let ledger = Arc::new(Ledger::default());
    let (first, rest) = plan();
    let first_len = first.len();
    let started = Instant::now();
    run_phase(&clients, Arc::new(first), 0, &ledger).await;
    run_phase(&clients, Arc::new(rest), first_len, &ledger).await;
    let ran = started.elapsed();
    // Stalled requests the clients gave up on still finish on the fake (and may apply a write).
    tokio::time::sleep(STALL + Duration::from_millis(300)).await;

    // ---- report ----
    let tallies = ledger.tallies.lock().unwrap().clone();
    let log = capture.text();
    let retries: Vec<&str> = log.lines().filter(|l| l.contains(" retrying ")).collect();
    let count = |needle: &str| retries.iter().filter(|l| l.contains(needle)).count();
    let causes = [
        ("500", count("error=Attio answered 500")),
        ("502", count("error=Attio answered 502")),
        ("503", count("error=Attio answered 503")),
        ("429", count("error=Attio answered 429")),
        ("timeout", count("error=request to Attio timed out")),
        ("transport", count("error=request to Attio failed")),
    ];
    let budgets: Vec<u32> = clients
        .iter()
        .map(|c| c.retry_budget().available())
        .collect();
    eprintln!(
        "{OPS} operations in {ran:?}; {} requests reached the fake; {} retries by cause {causes:?}; \
         budgets left {budgets:?}",
        server.total_requests(),
        retries.len()
    );
    for (op, t) in &tallies {
        eprintln!("  {op:<22} {t:?}");
    }

    // ---- every retry-safe call succeeded ----
    let failures = ledger.failures.lock().unwrap().clone();
    assert!(
        failures.is_empty(),
        "{} unexpected outcomes, first ones: {:#?}",
        failures.len(),
        &failures[..failures.len().min(20)]
    );
    let total: u32 = tallies
        .values()
        .map(|t| t.ok + t.failed + t.gone + t.skipped)
        .sum();
    // `gone` 404s are also counted as `failed`.
    let gone: u32 = tallies.values().map(|t| t.gone).sum();
    assert_eq!(total - gone, OPS as u32, "every operation ran once");
    for (op, t) in &tallies {
        match *op {
            "create_call_recording" => {}
            "get_call_recording" | "get_transcript" => assert_eq!(
                t.failed, t.gone,
                "{op}: only 404s of recordings claimed by a delete may fail"
            ),
            _ => assert_eq!(t.failed, 0, "{op}"),
        }
        assert!(t.ok > 0, "{op} never succeeded: {t:?}");
        assert!(
            t.skipped <= 16,
            "{op} skipped {} times for want of a recording",
            t.skipped
        );
    }
    assert!(
        !log.contains("retry budget exhausted"),
        "a call gave up because its client's retry budget ran dry (budgets left {budgets:?})"
    );
    for (cause, n) in causes {
        assert!(
            n > 0,
            "no retry after a {cause}: the faults were not exercised"
        );
    }
    assert!(
        server.total_requests() > OPS as u64 + 300,
        "{} requests for {OPS} operations: too few faults",
        server.total_requests()
    );

    // ---- one meeting per pool meeting ----
    let labels = ledger.labels.lock().unwrap().clone();
    let answered = ledger.meetings.lock().unwrap().clone();
    assert_eq!(
        answered.len(),
        labels.len(),
        "every label's ensure succeeded"
    );
    let stored = server.store().meetings();
    let stored_titles: HashSet<String> = stored
        .iter()
        .map(|m| m["title"].as_str().unwrap().to_string())
        .collect();
    let stored_ids: HashSet<Uuid> = stored
        .iter()
        .map(|m| m["id"]["meeting_id"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(
        stored.len(),
        labels.len(),
        "{} meetings stored for {} distinct labels",
        stored.len(),
        labels.len()
    );
    let expected_titles: HashSet<String> = labels.iter().map(|l| title(l)).collect();
    assert_eq!(stored_titles, expected_titles);
    let answered_ids: HashSet<Uuid> = answered.values().copied().collect();
    assert_eq!(stored_ids, answered_ids);

    // ---- no duplicate call recording ----
    let creates = std::mem::take(&mut *ledger.creates.lock().unwrap());
    let deleted = ledger.deleted.lock().unwrap().clone();
    let recordings = server.store().call_recordings();
    let mut by_meeting: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
    for r in &recordings {
        let meeting: Uuid = r["id"]["meeting_id"].as_str().unwrap().parse().unwrap();
        let id: Uuid = r["id"]["call_recording_id"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        by_meeting.entry(meeting).or_default().push(id);
    }
    let create_meetings: HashSet<Uuid> = creates.iter().map(|c| c.meeting).collect();
    assert_eq!(
        create_meetings.len(),
        creates.len(),
        "one meeting per create"
    );
    for meeting in by_meeting.keys() {
        assert!(
            create_meetings.contains(meeting),
            "a recording on {meeting}, where nothing was created"
        );
    }
    let (mut ok, mut ambiguous, mut applied, mut refused) = (0, 0, 0, 0);
    for create in &creates {
        let left = by_meeting.get(&create.meeting).cloned().unwrap_or_default();
        match &create.outcome {
            Ok(id) if deleted.contains(id) => {
                ok += 1;
                assert!(left.is_empty(), "deleted {id}, yet {left:?} remain");
            }
            Ok(id) => {
                ok += 1;
                assert_eq!(left, [*id], "a create that returned Ok({id}) left {left:?}");
            }
            Err((true, error)) => {
                ambiguous += 1;
                applied += left.len();
                assert!(
                    left.len() <= 1,
                    "a create that failed ({error}) left {left:?}: applied twice"
                );
            }
            Err((false, error)) => {
                refused += 1;
                assert!(
                    left.is_empty(),
                    "a create that failed without having been applied ({error}) left {left:?}"
                );
            }
        }
    }
    assert!(
        deleted.iter().all(|d| !recordings
            .iter()
            .any(|r| r["id"]["call_recording_id"] == d.to_string())),
        "a deleted recording is still stored"
    );
    eprintln!(
        "creates: {} in all, {ok} Ok ({} since deleted), {ambiguous} ambiguous failures ({applied} applied), \
         {refused} failures not applied; {} recordings stored",
        creates.len(),
        deleted.len(),
        recordings.len()
    );
    assert_eq!(
        recordings.len(),
        ok - deleted.len() + applied,
        "recordings stored = Ok creates - deletes + ambiguous failures that were applied"
    );
    assert!(ok > 100 && ambiguous > 0, "ok {ok}, ambiguous {ambiguous}");
}
