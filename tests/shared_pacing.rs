//! Pacing shared through a real Redis (feature `redis`): several OS processes (this test binary run
//! again in worker mode, running `examples/pacing_worker.rs`) or clients share one budget per token.
//!
//! Each test starts its own `redis-server` on a free loopback port, persistence off, and stops it. When
//! `redis-server` is not installed the tests are skipped with a message, unless `CI` is set: then they
//! fail (`.ci/run` installs it).
#![cfg(feature = "redis")]

mod common;

#[allow(dead_code)]
#[path = "../examples/pacing_worker.rs"]
mod worker;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use attio_meetings::{Client, Pacing, RedisPacer, RetryPolicy};
use attio_meetings_mock::{Endpoint, Fault, FaultRule, Limits, MockServer};
use futures_util::{StreamExt, stream};
use serde_json::Value;

use attio_meetings_mock::redis_server::RedisServer as Redis;
use common::{Capture, ms, new_meeting};

/// The variable that turns this binary into a worker (its arguments, one per line).
const WORKER_ENV: &str = "ATTIO_PACING_WORKER";

// ---- worker processes ----

/// The worker mode of this binary: runs `examples/pacing_worker.rs` with the arguments in
/// [`WORKER_ENV`] and prints its report. Does nothing in a normal test run.
#[test]
fn worker_mode() {
    let Ok(args) = std::env::var(WORKER_ENV) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .try_init();
    let options = worker::Options::parse(args.lines().map(str::to_string)).expect("valid options");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let report = runtime
        .block_on(worker::run(options))
        .expect("the worker runs");
    println!("report {report}");
}

/// Runs one worker process per argument list at once; returns their reports. Each is killed if it
/// outlives its run by 60 s.
async fn run_workers(runs: Vec<Vec<String>>) -> Vec<Value> {
    let exe = std::env::current_exe().expect("the test binary");
    let children: Vec<Child> = runs
        .iter()
        .map(|args| {
            Command::new(&exe)
                .args(["worker_mode", "--exact", "--nocapture", "--test-threads=1"])
                .env(WORKER_ENV, args.join("\n"))
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("a worker process")
        })
        .collect();
    let waits = children.into_iter().map(|mut child| {
        tokio::task::spawn_blocking(move || {
            let deadline = Instant::now() + Duration::from_secs(90);
            loop {
                if let Ok(Some(_)) = child.try_wait() {
                    break;
                }
                if Instant::now() > deadline {
                    let _ = child.kill();
                    break;
                }
                std::thread::sleep(ms(50));
            }
            child.wait_with_output().expect("the worker's output")
        })
    });
    let mut reports = Vec::new();
    for wait in waits {
        let output = wait.await.expect("the waiting thread");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        let report = stdout
            .lines()
            .find_map(|line| {
                line.find("report {")
                    .map(|at| &line[at + "report ".len()..])
            })
            .unwrap_or_else(|| panic!("a worker reported nothing: {stdout}\n{stderr}"));
        let mut report: Value = serde_json::from_str(report).expect("a JSON report");
        report["stderr"] = Value::String(stderr.into_owned());
        reports.push(report);
    }
    reports
}

fn args(pairs: &[(&str, String)]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(name, value)| [format!("--{name}"), value.clone()])
        .collect()
}

fn total(reports: &[Value], field: &str) -> u64 {
    reports.iter().map(|r| r[field].as_u64().unwrap_or(0)).sum()
}

/// Successful calls per wall-clock second (of their completion), over all reports.
fn per_second(reports: &[Value]) -> BTreeMap<u64, u64> {
    let mut seconds = BTreeMap::new();
    for report in reports {
        for at in report["ok_at"].as_array().into_iter().flatten() {
            *seconds
                .entry(at.as_u64().unwrap_or(0) / 1_000_000)
                .or_default() += 1;
        }
    }
    seconds
}

/// The mean of the full seconds (all but the first and the last, which the run only partly covers).
fn full_seconds_mean(seconds: &BTreeMap<u64, u64>) -> f64 {
    let inner: Vec<u64> = seconds
        .values()
        .copied()
        .skip(1)
        .take(seconds.len().saturating_sub(2))
        .collect();
    inner.iter().sum::<u64>() as f64 / inner.len().max(1) as f64
}

async fn fake_with_writes(limit: u32) -> MockServer {
    MockServer::builder()
        .limits(Limits {
            reads: None,
            writes: Some(limit),
            create_call_recording: None,
        })
        .processing_time(Duration::ZERO)
        .start()
        .await
        .expect("the fake starts")
}

fn unique_prefix(test: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("test-{test}-{nanos}")
}

// ---- the tests ----

#[tokio::test]
async fn four_processes_share_one_write_limit() {
    let Some(redis) = Redis::start("four_processes_share_one_write_limit") else {
        return;
    };
    let limit = 50;
    let server = fake_with_writes(limit).await;
    let prefix = unique_prefix("four");
    let worker = |i: usize, shared: bool| {
        let mut pairs = vec![
            ("base-url", server.base_url().to_string()),
            ("token", server.token().to_string()),
            ("writes", limit.to_string()),
            ("seconds", "6".to_string()),
            ("concurrency", "4".to_string()),
            (
                "id",
                format!("{}-{i}", if shared { "shared" } else { "alone" }),
            ),
        ];
        if shared {
            pairs.extend([
                ("redis", redis.url()),
                ("prefix", prefix.clone()),
                ("workers", "4".to_string()),
                ("redis-timeout-ms", "250".to_string()),
            ]);
        }
        args(&pairs)
    };

    let shared = run_workers((0..4).map(|i| worker(i, true)).collect()).await;
    let seconds = per_second(&shared);
    let mean = full_seconds_mean(&seconds);
    let (ok, limited, failed) = (
        total(&shared, "ok"),
        total(&shared, "rate_limited"),
        total(&shared, "failed"),
    );
    eprintln!(
        "shared pacing, 4 processes, write limit {limit}/s: {ok} ok, {limited} 429s, {failed} failed; \
         full seconds {:?}, mean {mean:.1}/s = {:.3} x limit",
        seconds.values().collect::<Vec<_>>(),
        mean / f64::from(limit)
    );
    assert_eq!(limited, 0, "429s with shared pacing");
    assert_eq!(failed, 0);
    assert!(
        mean >= 0.95 * f64::from(limit),
        "aggregate {mean:.1}/s under 0.95 x {limit}"
    );

    let alone = run_workers((0..4).map(|i| worker(i, false)).collect()).await;
    let seconds = per_second(&alone);
    let mean = full_seconds_mean(&seconds);
    let (ok, limited) = (total(&alone, "ok"), total(&alone, "rate_limited"));
    eprintln!(
        "per-process pacing, 4 processes, write limit {limit}/s: {ok} ok, {limited} 429s; full seconds \
         mean {mean:.1}/s = {:.3} x limit",
        mean / f64::from(limit)
    );
    // Each process paces at the whole limit: together they run into it (and each 429 pauses its
    // process until the next second).
    assert!(limited > 0, "per-process pacing should hit the limit");
}

#[tokio::test]
async fn a_429_in_one_process_pauses_the_others() {
    let Some(redis) = Redis::start("a_429_in_one_process_pauses_the_others") else {
        return;
    };
    let limit = 50;
    let server = fake_with_writes(limit).await;
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::DeleteCallRecording],
        rate: 1.0,
        faults: vec![Fault::RateLimited],
    });
    let prefix = unique_prefix("pause");
    let runs = (0..3)
        .map(|i| {
            let mut pairs = vec![
                ("base-url", server.base_url().to_string()),
                ("token", server.token().to_string()),
                ("writes", limit.to_string()),
                ("seconds", "4".to_string()),
                ("concurrency", "4".to_string()),
                ("id", format!("pause-{i}")),
                ("redis", redis.url()),
                ("prefix", prefix.clone()),
                ("redis-timeout-ms", "250".to_string()),
            ];
            if i == 0 {
                pairs.push(("inject-429-at-ms", "1500".to_string()));
            }
            args(&pairs)
        })
        .collect();
    let reports = run_workers(runs).await;
    let injected = &reports[0]["injected"];
    let (at, until) = (
        injected["at"].as_u64().expect("a 429 was injected"),
        injected["until"].as_u64().expect("with a Retry-After"),
    );
    // Permits granted before the pause was stored may still start within `lead` (one interval, 19 ms
    // at 50/s); their answers arrive a little later.
    let grace = 100_000;
    let in_window: Vec<(String, u64)> = reports
        .iter()
        .flat_map(|r| {
            let id = r["id"].as_str().unwrap_or("?").to_string();
            r["ok_at"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|t| t.as_u64())
                .filter(|&t| t >= at + grace && t < until)
                .map(move |t| (id.clone(), t))
        })
        .collect();
    let after = reports
        .iter()
        .flat_map(|r| r["ok_at"].as_array().into_iter().flatten())
        .filter(|t| t.as_u64().is_some_and(|t| t >= until))
        .count();
    eprintln!(
        "429 at {at}, paused until {until} ({} ms): {} answers in the window after {} ms of grace, \
         {after} after it, 429s {}",
        (until - at) / 1000,
        in_window.len(),
        grace / 1000,
        total(&reports, "rate_limited")
    );
    assert!(
        until > at + grace,
        "the injected pause is too short to say anything"
    );
    assert!(
        in_window.is_empty(),
        "sent in the paused window: {in_window:?}"
    );
    assert!(after > 0, "the workers did not resume after the pause");
    assert_eq!(total(&reports, "rate_limited"), 0);
    assert_eq!(total(&reports, "failed"), 0);
}

#[tokio::test]
async fn redis_stopped_and_restarted_mid_run() {
    let Some(redis) = Redis::start("redis_stopped_and_restarted_mid_run") else {
        return;
    };
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_max_level(tracing::Level::INFO)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let limit = 50;
    let server = fake_with_writes(limit).await;
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .retry(RetryPolicy::none()) // a 429 would fail the call
        .pacing(
            Pacing::per_second(1000, limit, 1)
                // Generous for a loaded machine: a stopped Redis refuses at once anyway.
                .shared(RedisPacer::new(redis.url(), unique_prefix("restart")).timeout(ms(250))),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(6);
    let calls = stream::iter(0u64..)
        .take_while(|_| std::future::ready(Instant::now() < deadline))
        .map(|n| {
            let client = client.clone();
            async move {
                let call = Instant::now();
                let outcome = client
                    .meetings()
                    .create(new_meeting(&format!("restart-{n}")))
                    .await;
                (outcome, call.elapsed())
            }
        })
        .buffer_unordered(4)
        .collect::<Vec<_>>();
    let redis = Arc::new(std::sync::Mutex::new(redis));
    let chaos = {
        let redis = redis.clone();
        async move {
            tokio::time::sleep(ms(1500)).await;
            tokio::task::spawn_blocking(move || {
                let mut server = redis.lock().unwrap();
                server.stop();
                std::thread::sleep(ms(1500));
                server.restart();
            })
            .await
            .unwrap();
        }
    };
    let (outcomes, ()) = futures_util::future::join(calls, chaos).await;
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(o, _)| o.as_ref().err().map(|e| e.to_string()))
        .collect();
    let slowest = outcomes.iter().map(|(_, d)| *d).max().unwrap_or_default();
    let log = capture.text();
    let warnings = log.matches("Redis unreachable").count();
    let keys = redis
        .lock()
        .unwrap()
        .command(&["DBSIZE"])
        .unwrap_or_default();
    eprintln!(
        "{} calls, {} failed, slowest {slowest:?}, {warnings} warning(s), keys after restart: {keys}",
        outcomes.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "calls failed: {failures:?}");
    assert!(slowest < Duration::from_secs(2), "a call took {slowest:?}");
    assert_eq!(warnings, 1, "one warning per outage:\n{log}");
    assert!(
        log.contains("Redis answers again"),
        "shared pacing did not resume:\n{log}"
    );
    assert!(
        keys.starts_with(':') && keys != ":0",
        "nothing paced in Redis after the restart: {keys}"
    );
    // At most the limit per second all along (the fallback runs at the full limit: one process).
    assert!(outcomes.len() as f64 <= 7.0 * f64::from(limit));
}

#[tokio::test]
async fn two_workspaces_do_not_slow_each_other() {
    let Some(redis) = Redis::start("two_workspaces_do_not_slow_each_other") else {
        return;
    };
    let limit = 20;
    let server = MockServer::builder()
        .limits(Limits {
            reads: None,
            writes: Some(limit),
            create_call_recording: None,
        })
        .token("workspace-one-token")
        .token("workspace-two-token")
        .processing_time(Duration::ZERO)
        .start()
        .await
        .expect("the fake starts");
    let prefix = unique_prefix("two");
    let client = |token: &str| {
        Client::builder()
            .token(token)
            .base_url(server.base_url())
            .retry(RetryPolicy::none())
            .pacing(
                Pacing::per_second(1000, limit, 1)
                    .shared(RedisPacer::new(redis.url(), prefix.clone()).timeout(ms(250))),
            )
            .build()
            .unwrap()
    };
    let run = |client: Client, name: &'static str| async move {
        let deadline = Instant::now() + Duration::from_secs(4);
        let outcomes: Vec<_> = stream::iter(0u64..)
            .take_while(|_| std::future::ready(Instant::now() < deadline))
            .map(|n| {
                let client = client.clone();
                async move {
                    client
                        .meetings()
                        .create(new_meeting(&format!("{name}-{n}")))
                        .await
                }
            })
            .buffer_unordered(4)
            .collect()
            .await;
        for failure in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            eprintln!("{name}: {failure}");
        }
        outcomes.iter().filter(|o| o.is_ok()).count()
    };
    let (one, two) = futures_util::future::join(
        run(client("workspace-one-token"), "one"),
        run(client("workspace-two-token"), "two"),
    )
    .await;
    let keys = redis
        .command(&["KEYS", &format!("{prefix}:*")])
        .unwrap_or_default();
    eprintln!("two workspaces, {limit}/s each, 4 s: {one} and {two} calls; keys {keys:?}");
    // At least 3 full seconds each; sharing one budget would give each about half of 4 x 20.
    assert!(one >= 55 && two >= 55, "{one} and {two} calls in 4 s");
    assert!(!keys.contains("token"), "a token in a key: {keys}");
    assert_eq!(keys.matches(":write").count(), 2, "{keys}");
}
