//! One of many workers sharing a token: creates meetings as fast as pacing allows, paced through Redis
//! with every other worker (`--redis`) or alone. Run several at once against the standalone fake and a
//! local Redis:
//!
//! ```text
//! cargo run -p attio-meetings-mock -- --port 8080 --write-limit 50 &
//! redis-server --port 6379 --save '' --appendonly no &
//! for i in 1 2 3 4; do
//!   cargo run --example pacing_worker --features redis -- --redis redis://127.0.0.1:6379/ \
//!     --workers 4 --writes 50 --seconds 10 --id w$i &
//! done; wait
//! ```
//!
//! Each worker prints one line, `report {json}`: its successful calls, 429s and other failures, and its
//! rate. Calls are not retried, so every 429 shows. Together the four stay at the fake's 50 writes per
//! second with no 429; without `--redis` each paces itself at 50 and together they bounce off the limit.
//!
//! Options: `--base-url` (default `http://127.0.0.1:8080`), `--token` (default the fake's), `--redis URL`,
//! `--prefix` (default `attio-worker`), `--workers N` (while Redis is unreachable, pace at 1/N),
//! `--writes N` (the write limit to pace at, default 25), `--seconds S` (default 10), `--concurrency C`
//! (calls in flight, default 8), `--id NAME` (prefix of the meetings' titles; default the process id),
//! `--redis-timeout-ms MS`, and `--inject-429-at-ms MS`: at that time into the run, early in a
//! wall-clock second, one delete of a call recording, which the fake answers 429 when told to
//! (`--fault 429 --fault-operation delete_call_recording --fault-rate 1`): its `Retry-After` pauses the
//! writes of every worker.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use attio_meetings::types::{MeetingTime, NewMeeting, NewParticipant};
use attio_meetings::{Client, Pacing, RedisPacer, RetryPolicy};
use futures_util::{StreamExt, stream};
use serde_json::json;

/// What to run.
#[derive(Debug, Clone)]
pub struct Options {
    pub base_url: String,
    pub token: String,
    pub redis: Option<String>,
    pub prefix: String,
    pub workers: Option<u32>,
    pub writes: u32,
    pub seconds: f64,
    pub concurrency: usize,
    pub id: String,
    pub redis_timeout: Option<Duration>,
    pub inject_429_at: Option<Duration>,
}

impl Options {
    /// Reads `--name value` pairs.
    pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Self, String> {
        let mut options = Options {
            base_url: "http://127.0.0.1:8080".into(),
            token: std::env::var(attio_meetings::TOKEN_ENV)
                .unwrap_or_else(|_| attio_meetings_mock::DEFAULT_TOKEN.into()),
            redis: None,
            prefix: "attio-worker".into(),
            workers: None,
            writes: 25,
            seconds: 10.0,
            concurrency: 8,
            id: std::process::id().to_string(),
            redis_timeout: None,
            inject_429_at: None,
        };
        let mut args = args.into_iter();
        while let Some(name) = args.next() {
            let value = args.next().ok_or_else(|| format!("{name} needs a value"))?;
            let number = |v: &str| {
                v.parse::<f64>()
                    .map_err(|_| format!("{name}: `{v}` is not a number"))
            };
            match name.as_str() {
                "--base-url" => options.base_url = value,
                "--token" => options.token = value,
                "--redis" => options.redis = Some(value),
                "--prefix" => options.prefix = value,
                "--workers" => options.workers = Some(number(&value)? as u32),
                "--writes" => options.writes = number(&value)? as u32,
                "--seconds" => options.seconds = number(&value)?,
                "--concurrency" => options.concurrency = (number(&value)? as usize).max(1),
                "--id" => options.id = value,
                "--redis-timeout-ms" => {
                    options.redis_timeout = Some(Duration::from_secs_f64(number(&value)? / 1e3))
                }
                "--inject-429-at-ms" => {
                    options.inject_429_at = Some(Duration::from_secs_f64(number(&value)? / 1e3))
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        Ok(options)
    }
}

fn unix_micros(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

/// Runs the worker; returns its report as JSON.
pub async fn run(options: Options) -> Result<serde_json::Value, Box<dyn std::error::Error>> {
    let mut pacing = Pacing::per_second(1000, options.writes, 1);
    if let Some(url) = &options.redis {
        let mut redis = RedisPacer::new(url.clone(), options.prefix.clone());
        if let Some(workers) = options.workers {
            redis = redis.workers(workers);
        }
        if let Some(timeout) = options.redis_timeout {
            redis = redis.timeout(timeout);
        }
        pacing = pacing.shared(redis);
    }
    let client = Client::builder()
        .token(options.token.clone())
        .base_url(options.base_url.clone())
        .retry(RetryPolicy::none())
        .pacing(pacing)
        .build()?;
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(options.seconds);

    let injected = async {
        let at = options.inject_429_at?;
        tokio::time::sleep(at).await;
        // Early in a wall-clock second, so that the pause (to the next second) is long.
        let now = SystemTime::now();
        let into = unix_micros(now) % 1_000_000;
        let wait = (1_000_000 + 100_000 - into) % 1_000_000;
        tokio::time::sleep(Duration::from_micros(wait)).await;
        let meeting = uuid::Uuid::new_v4();
        let recording = uuid::Uuid::new_v4();
        let answer = client
            .call_recordings(meeting)
            .delete(recording)
            .await
            .err()?;
        let until = answer.retry_after()?;
        Some(json!({"at": unix_micros(SystemTime::now()), "until": unix_micros(until)}))
    };

    let calls = stream::iter(0u64..)
        .take_while(|_| std::future::ready(Instant::now() < deadline))
        .map(|n| {
            let client = client.clone();
            let name = format!("{}-{n}", options.id);
            async move {
                let outcome = client.meetings().create(meeting(&name)).await;
                (outcome.map(|_| ()), SystemTime::now())
            }
        })
        .buffer_unordered(options.concurrency)
        .collect::<Vec<_>>();
    let (outcomes, injected) = futures_util::future::join(calls, injected).await;
    let elapsed = started.elapsed().as_secs_f64();

    let mut ok_at = Vec::new();
    let (mut rate_limited, mut failed) = (0u64, 0u64);
    for (outcome, at) in outcomes {
        match outcome {
            Ok(()) => ok_at.push(unix_micros(at)),
            Err(e) if e.is_rate_limited() => rate_limited += 1,
            Err(e) => {
                failed += 1;
                eprintln!("worker {}: call failed: {e}", options.id);
            }
        }
    }
    Ok(json!({
        "id": options.id,
        "ok": ok_at.len(),
        "rate_limited": rate_limited,
        "failed": failed,
        "elapsed_s": elapsed,
        "rate": ok_at.len() as f64 / elapsed,
        "ok_at": ok_at,
        "injected": injected,
    }))
}

fn meeting(name: &str) -> attio_meetings::types::builder::NewMeeting {
    let start = chrono::DateTime::parse_from_rfc3339("2027-03-01T08:00:00+00:00").expect("valid");
    NewMeeting::builder()
        .title(format!("Meeting {name}"))
        .description("from a pacing worker")
        .start(MeetingTime::at(start, "UTC"))
        .end(MeetingTime::at(
            start + chrono::Duration::minutes(30),
            "UTC",
        ))
        .is_all_day(false)
        .participants(vec![NewParticipant::organizer("ada@example.com")])
}

#[allow(dead_code)] // the tests include this file as a module and call `run`
#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(tracing::Level::INFO)
        .init();
    let options = Options::parse(std::env::args().skip(1))?;
    let report = run(options).await?;
    println!("report {report}");
    Ok(())
}
