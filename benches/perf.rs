//! Performance of the client against baselines measured in the same run.
//!
//! `cargo bench --bench perf` runs all; `cargo bench --bench perf -- overhead decode pagination bulk
//! ensure memory` picks some. Each prints absolute numbers and the ratio to its baseline; nothing is asserted.
//! See BENCHMARKS.md for what each ratio means.

use std::sync::Arc;
use std::time::{Duration, Instant};

use attio_meetings::types::{MeetingPage, MeetingResponse};
use attio_meetings::{Client, Pacing, RetryPolicy};
use attio_meetings_mock::{Endpoint, Fault, FaultRule, Limits, MockServer};
use futures_util::{StreamExt, TryStreamExt, stream};
use serde_json::{Value, json};

type Error = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if let [mode, url, token] = args.as_slice()
        && (mode == "memory-stream" || mode == "memory-collect")
    {
        return memory_child(mode, url, token);
    }
    if let [mode] = args.as_slice()
        && mode == OVERHEAD_SERVER
    {
        return overhead_server();
    }
    let all = [
        "overhead",
        "decode",
        "pagination",
        "bulk",
        "ensure",
        "memory",
        "webhook",
        "shared",
    ];
    let chosen: Vec<&str> = if args.is_empty() {
        all.to_vec()
    } else {
        args.iter().map(String::as_str).collect()
    };
    // Built on first use: benchmark 1 measures this process's CPU and runs without it.
    let mut runtime = None;
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    for name in chosen {
        match name {
            "overhead" => overhead()?,
            "decode" => decode()?,
            "pagination" => multi_thread(&mut runtime)?.block_on(pagination())?,
            "bulk" => multi_thread(&mut runtime)?.block_on(bulk())?,
            "ensure" => multi_thread(&mut runtime)?.block_on(ensure())?,
            "memory" => multi_thread(&mut runtime)?.block_on(memory())?,
            "webhook" => webhook()?,
            "shared" => shared_pacing()?,
            other => eprintln!("unknown benchmark `{other}` (one of {})", all.join(", ")),
        }
    }
    Ok(())
}

fn multi_thread(
    runtime: &mut Option<tokio::runtime::Runtime>,
) -> Result<&tokio::runtime::Runtime, Error> {
    if runtime.is_none() {
        *runtime = Some(
            tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()?,
        );
    }
    Ok(runtime.as_ref().expect("built above"))
}

fn meeting_body(i: usize) -> Value {
    let start = chrono::DateTime::parse_from_rfc3339("2027-01-04T09:00:00Z").expect("valid")
        + chrono::Duration::minutes(i as i64 * 30);
    json!({"data": {
        "title": format!("Meeting {i}"),
        "description": "Quarterly review of the account, with the renewal and the roadmap.",
        "is_all_day": false,
        "start": {"datetime": start.to_rfc3339(), "timezone": "America/New_York"},
        "end": {"datetime": (start + chrono::Duration::minutes(30)).to_rfc3339(), "timezone": "America/New_York"},
        "participants": [
            {"email_address": "ada@example.com", "is_organizer": true, "status": "accepted"},
            {"email_address": format!("guest{i}@example.org"), "is_organizer": false, "status": "tentative"}
        ],
        "linked_records": [{"object": "people", "record_id": "891dcbfc-9141-415d-9b2a-2238a6cc012d"}]
    }})
}

async fn unlimited_fake(meetings: usize) -> Result<MockServer, Error> {
    let server = MockServer::builder()
        .limits(Limits::UNLIMITED)
        .start()
        .await?;
    for i in 0..meetings {
        server.store().seed_meeting(&meeting_body(i), None)?;
    }
    Ok(server)
}

fn client_for(server: &MockServer) -> Result<Client, Error> {
    Ok(Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .build()?)
}

/// Benchmark 1: the client's own CPU cost per request, against a hand-written reqwest + serde_json call of
/// the same endpoint. The fake runs in a child process (see [`overhead_server`]) so that this process's CPU
/// time (`getrusage`) is the client's alone; requests go one after another on a current-thread runtime.
fn overhead() -> Result<(), Error> {
    let server = ServerChild::spawn()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(overhead_rounds(&server))
}

/// The two sides of benchmark 1.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Ours,
    Raw,
}

async fn overhead_rounds(server: &ServerChild) -> Result<(), Error> {
    let (n, pairs, warmup) = (2000u32, 15usize, 1000u32);
    let client = Client::builder()
        .token(server.token.as_str())
        .base_url(server.base_url.as_str())
        .build()?;
    let http = reqwest::Client::new();
    let url = format!("{}/v2/meetings/{}", server.base_url, server.meeting_id);
    let id = server.meeting_id;
    let round = |side: Side, n: u32| {
        let (client, http, url, token) = (&client, &http, &url, &server.token);
        async move {
            let cpu = cpu_time();
            let wall = Instant::now();
            for _ in 0..n {
                match side {
                    Side::Ours => {
                        std::hint::black_box(client.meetings().get(id).await?);
                    }
                    Side::Raw => {
                        let bytes = http
                            .get(url)
                            .bearer_auth(token)
                            .header("accept", "application/json")
                            .send()
                            .await?
                            .error_for_status()?
                            .bytes()
                            .await?;
                        let meeting: MeetingResponse = serde_json::from_slice(&bytes)?;
                        std::hint::black_box(meeting);
                    }
                }
            }
            let per_request = |d: Duration| d.as_secs_f64() * 1e6 / f64::from(n);
            Ok::<_, Error>((per_request(cpu_time() - cpu), per_request(wall.elapsed())))
        }
    };
    // Warm-up: connections, pools, allocator, caches, CPU frequency.
    for side in [Side::Ours, Side::Raw, Side::Raw, Side::Ours] {
        round(side, warmup).await?;
    }
    // `ATTIO_BENCH_ONLY=ours|raw`: one side alone, for a profiler (`valgrind --tool=callgrind`).
    if let Ok(only) = std::env::var("ATTIO_BENCH_ONLY") {
        let side = if only == "raw" { Side::Raw } else { Side::Ours };
        let (cpu, _) = round(side, n).await?;
        println!("overhead:   {only} alone: {cpu:.1} us CPU per request");
        return Ok(());
    }
    // Paired rounds in ABBA order (ours, raw, raw, ours, ...), so that a drift in the machine's speed
    // weighs on both sides alike.
    let (mut ours, mut raw, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut ours_wall, mut raw_wall, mut extra) = (Vec::new(), Vec::new(), Vec::new());
    for pair in 0..pairs {
        let order = if pair % 2 == 0 {
            [Side::Ours, Side::Raw]
        } else {
            [Side::Raw, Side::Ours]
        };
        let (mut o, mut r) = ((0.0, 0.0), (0.0, 0.0));
        for side in order {
            let measured = round(side, n).await?;
            match side {
                Side::Ours => o = measured,
                Side::Raw => r = measured,
            }
        }
        ours.push(o.0);
        raw.push(r.0);
        ours_wall.push(o.1);
        raw_wall.push(r.1);
        ratios.push(r.0 / o.0);
        extra.push(o.0 - r.0);
    }
    let listed: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
    let (ratio, q1, q3) = (
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.25),
        quantile(&ratios, 0.75),
    );
    let (min, max) = (quantile(&ratios, 0.0), quantile(&ratios, 1.0));
    println!(
        "overhead:   {pairs} ABBA pairs of {n} sequential get_meeting, fake server in another process, CPU (user+sys) \
         of this process per request, median: raw reqwest {:.1} us, Client {:.1} us, Client costs {:+.1} us more \
         (median of pairs); wall per request {:.1} us / {:.1} us",
        quantile(&raw, 0.5),
        quantile(&ours, 0.5),
        quantile(&extra, 0.5),
        quantile(&raw_wall, 0.5),
        quantile(&ours_wall, 0.5),
    );
    println!(
        "overhead:   ratio raw CPU / Client CPU: median {ratio:.3} (target >= 0.98), IQR {q1:.3}..{q3:.3}, \
         range {min:.3}..{max:.3}; pairs: {}",
        listed.join(" ")
    );
    Ok(())
}

/// The `q` quantile (0..=1) of `values`, interpolating between the two nearest ranks.
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let Some(last) = sorted.len().checked_sub(1) else {
        return f64::NAN;
    };
    let rank = q * last as f64;
    let (low, high) = (rank.floor() as usize, rank.ceil() as usize);
    sorted[low] + (sorted[high] - sorted[low]) * (rank - low as f64)
}

/// User + system CPU time of this process, all threads.
fn cpu_time() -> Duration {
    // SAFETY: getrusage only writes the struct it is given; an all-zero `rusage` is a valid value.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        usage
    };
    let time = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    time(usage.ru_utime) + time(usage.ru_stime)
}

/// The mode argument that makes this binary the fake server of benchmark 1.
const OVERHEAD_SERVER: &str = "overhead-server";

/// The fake of benchmark 1 in a child process (this binary, re-executed). Killed when dropped, which covers
/// every way out of [`overhead`]; if this process dies without unwinding, the child sees its stdin close.
struct ServerChild {
    child: std::process::Child,
    base_url: String,
    token: String,
    meeting_id: uuid::Uuid,
}

impl ServerChild {
    fn spawn() -> Result<Self, Error> {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let child = Command::new(std::env::current_exe()?)
            .arg(OVERHEAD_SERVER)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let mut server = ServerChild {
            child,
            base_url: String::new(),
            token: String::new(),
            meeting_id: uuid::Uuid::nil(),
        };
        let stdout = server.child.stdout.take().ok_or("no stdout")?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let [url, token, id] = line.split_whitespace().collect::<Vec<_>>()[..] else {
            return Err(format!("the server child said `{}`", line.trim()).into());
        };
        server.base_url = url.to_string();
        server.token = token.to_string();
        server.meeting_id = id.parse()?;
        Ok(server)
    }
}

impl Drop for ServerChild {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The child of [`overhead`]: a fake without rate limits holding one meeting; prints `base_url token
/// meeting_id` on one line and serves until its stdin closes (or it is killed).
fn overhead_server() -> Result<(), Error> {
    use std::io::Write;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let server = unlimited_fake(1).await?;
        let id = server.store().meetings()[0]["id"]["meeting_id"]
            .as_str()
            .ok_or("no id")?
            .to_string();
        let mut stdout = std::io::stdout().lock();
        writeln!(stdout, "{} {} {id}", server.base_url(), server.token())?;
        stdout.flush()?;
        drop(stdout);
        let (closed, stdin_closed) = tokio::sync::oneshot::channel::<()>();
        std::thread::spawn(move || {
            let _ = std::io::copy(&mut std::io::stdin().lock(), &mut std::io::sink());
            let _ = closed.send(());
        });
        let _ = stdin_closed.await;
        server.shutdown().await;
        Ok(())
    })
}

/// Hand-written serde structs of the same shape as the generated `MeetingPage` (fields are decoded, not read).
#[allow(dead_code)]
mod hand {
    use chrono::{DateTime, FixedOffset, NaiveDate};
    use serde::Deserialize;
    use uuid::Uuid;

    #[derive(Deserialize)]
    pub struct Page {
        pub data: Vec<Meeting>,
        pub pagination: Pagination,
    }
    #[derive(Deserialize)]
    pub struct Pagination {
        pub next_cursor: Option<String>,
    }
    #[derive(Deserialize)]
    pub struct Meeting {
        pub id: Id,
        pub title: String,
        pub description: String,
        pub is_all_day: bool,
        pub start: Time,
        pub end: Time,
        pub participants: Vec<Participant>,
        pub linked_records: Vec<Linked>,
        pub created_at: DateTime<FixedOffset>,
        pub created_by_actor: Actor,
    }
    #[derive(Deserialize)]
    pub struct Id {
        pub workspace_id: Uuid,
        pub meeting_id: Uuid,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub enum Time {
        Timed {
            datetime: DateTime<FixedOffset>,
            timezone: Option<String>,
        },
        AllDay {
            date: NaiveDate,
        },
    }
    #[derive(Deserialize)]
    pub struct Participant {
        pub email_address: Option<String>,
        pub is_organizer: bool,
        pub status: Status,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "lowercase")]
    pub enum Status {
        Accepted,
        Tentative,
        Declined,
        Pending,
    }
    #[derive(Deserialize)]
    pub struct Linked {
        pub object_slug: String,
        pub object_id: Uuid,
        pub record_id: Uuid,
    }
    #[derive(Deserialize)]
    pub struct Actor {
        pub id: Option<String>,
        #[serde(rename = "type")]
        pub kind: Option<String>,
    }
}

/// Benchmark 2: A 200-meeting page decoded into the public types vs hand-written structs.
fn decode() -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let body = runtime.block_on(async {
        let server = unlimited_fake(200).await?;
        let url = format!("{}/v2/meetings?limit=200", server.base_url());
        let bytes = reqwest::Client::new()
            .get(url)
            .bearer_auth(server.token())
            .send()
            .await?
            .bytes()
            .await?;
        Ok::<_, Error>(bytes)
    })?;
    let time = |f: &dyn Fn() -> Result<usize, Error>| -> Result<Duration, Error> {
        let mut best = Duration::MAX;
        for _ in 0..7 {
            let started = Instant::now();
            for _ in 0..100 {
                std::hint::black_box(f()?);
            }
            best = best.min(started.elapsed() / 100);
        }
        Ok(best)
    };
    let ours = time(&|| Ok(serde_json::from_slice::<MeetingPage>(&body)?.data.len()))?;
    let baseline = time(&|| Ok(serde_json::from_slice::<hand::Page>(&body)?.data.len()))?;
    let tracked = time(&|| {
        let mut de = serde_json::Deserializer::from_slice(&body);
        Ok(serde_path_to_error::deserialize::<_, MeetingPage>(&mut de)?
            .data
            .len())
    })?;
    println!(
        "decode:     200-meeting page ({} KB), best of 7x100: hand-written {baseline:?}, public types {ours:?}, \
         ratio {:.3} (target >= 0.95); with JSON-path tracking {tracked:?} ({:.3}, used only to explain failures)",
        body.len() / 1024,
        baseline.as_secs_f64() / ours.as_secs_f64(),
        baseline.as_secs_f64() / tracked.as_secs_f64(),
    );
    Ok(())
}

/// Benchmark 6: `webhooks::verify` of a 10 KB delivery (signature header lookup, hex decoding, constant-time
/// HMAC-SHA256 comparison, payload parsing) against computing the HMAC of the body alone. Seven rounds,
/// alternating which goes first; each round times 2,000 calls of each and reports the ratio.
fn webhook() -> Result<(), Error> {
    use attio_meetings::webhooks::{self, WebhookSecret};
    use hmac::{Hmac, Mac};

    const SIZE: usize = 10 * 1024;
    let event = r#"{"event_type":"call-recording.created","id":{"workspace_id":"14beef7a-99f7-4534-a87e-70b564330a4c","meeting_id":"cb59ab17-ad15-460c-a126-0715617c0853","call_recording_id":"5bd9d5d2-2fa4-4bb4-a01a-9f1c2f1bb1d4"},"actor":{"type":"system","id":null}}"#;
    let head = format!(
        r#"{{"webhook_id":"7b3cbe0c-1e83-4e2e-9b9b-3b1a3c1f6a10","events":[{event}],"padding":""#
    );
    let mut body = head.into_bytes();
    body.resize(SIZE - 2, b'a');
    body.extend(b"\"}");
    let secret = WebhookSecret::new("whsec-bench");
    let mut headers = http::HeaderMap::new();
    headers.insert("attio-signature", secret.sign(&body).parse()?);
    headers.insert(
        "idempotency-key",
        "0d6b1d2e-9a5c-4a51-8f43-6a2b0fbc7d11".parse()?,
    );
    webhooks::verify(&secret, &headers, &body)?;

    const N: u32 = 2_000;
    let verify = || -> Result<Duration, Error> {
        let started = Instant::now();
        for _ in 0..N {
            std::hint::black_box(webhooks::verify(
                &secret,
                &headers,
                std::hint::black_box(&body),
            )?);
        }
        Ok(started.elapsed() / N)
    };
    let hmac_alone = || -> Result<Duration, Error> {
        let started = Instant::now();
        for _ in 0..N {
            let mut mac =
                Hmac::<sha2::Sha256>::new_from_slice(b"whsec-bench").map_err(|e| e.to_string())?;
            mac.update(std::hint::black_box(&body));
            std::hint::black_box(mac.finalize().into_bytes());
        }
        Ok(started.elapsed() / N)
    };
    let (mut ratios, mut ours, mut baseline) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..7 {
        let (v, h) = if round % 2 == 0 {
            let v = verify()?;
            (v, hmac_alone()?)
        } else {
            let h = hmac_alone()?;
            (verify()?, h)
        };
        ratios.push(h.as_secs_f64() / v.as_secs_f64());
        ours.push(v);
        baseline.push(h);
    }
    let listed: Vec<String> = ratios.iter().map(|r| format!("{r:.3}")).collect();
    println!(
        "webhook:    verify a {} KB delivery: HMAC alone {:?}, verify {:?} (medians of 7x{N}); \
         ratio HMAC / verify median {:.3}, range {:.3}..{:.3}; rounds {}",
        SIZE / 1024,
        median_duration(&baseline),
        median_duration(&ours),
        quantile(&ratios, 0.5),
        quantile(&ratios, 0.0),
        quantile(&ratios, 1.0),
        listed.join(" "),
    );
    Ok(())
}

fn median_duration(values: &[Duration]) -> Duration {
    let mut sorted = values.to_vec();
    sorted.sort();
    sorted[sorted.len() / 2]
}

/// Benchmark 3: 50 pages of 200 meetings with server latency and a consumer that works on each page: `.pages()`
/// (prefetching) vs a sequential cursor loop.
async fn pagination() -> Result<(), Error> {
    let (pages, per_page, latency, work) = (
        50,
        200,
        Duration::from_millis(40),
        Duration::from_millis(40),
    );
    let server = unlimited_fake(pages * per_page).await?;
    server.faults().add_rule(FaultRule {
        operations: vec![Endpoint::ListMeetings],
        rate: 1.0,
        faults: vec![Fault::Latency(latency)],
    });
    let client = client_for(&server)?;

    // Sequential: fetch, then work; the fetch time is the network total.
    let started = Instant::now();
    let mut network = Duration::ZERO;
    let mut cursor: Option<String> = None;
    let mut seen = 0;
    loop {
        let mut request = client.meetings().list().limit(per_page as u32);
        if let Some(c) = cursor.take() {
            request = request.cursor(c);
        }
        let fetched = Instant::now();
        let page = request.await?;
        network += fetched.elapsed();
        seen += page.data.len();
        tokio::time::sleep(work).await;
        match page.pagination.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    let sequential = started.elapsed();

    let started = Instant::now();
    let mut stream = Box::pin(client.meetings().list().limit(per_page as u32).pages());
    let mut streamed = 0;
    while let Some(page) = stream.try_next().await? {
        streamed += page.data.len();
        tokio::time::sleep(work).await;
    }
    let prefetched = started.elapsed();
    let consumer = work * pages as u32;
    let floor = network.max(consumer);
    println!(
        "pagination: {pages} pages x {per_page} ({seen}/{streamed} meetings), {latency:?} server latency and {work:?} \
         work per page: network {network:.2?}, consumer {consumer:.2?}; sequential {sequential:.2?}, \
         stream {prefetched:.2?} = {:.3} x max(network, consumer) (target <= 1.1)",
        prefetched.as_secs_f64() / floor.as_secs_f64()
    );
    Ok(())
}

/// Benchmark 4: 6,000 creates against a write limit of 200/s, with and without client pacing.
async fn bulk() -> Result<(), Error> {
    // 30 s at the limit: the first and last seconds weigh what they weigh in a long bulk run.
    let (limit, concurrency) = (200u32, 32usize);
    let n = 30 * limit as usize;
    for paced in [false, true] {
        let server = MockServer::builder()
            .limits(Limits {
                reads: None,
                writes: Some(limit),
                create_call_recording: None,
            })
            .start()
            .await?;
        let mut builder = Client::builder()
            .token(server.token())
            .base_url(server.base_url())
            .retry(
                RetryPolicy::default()
                    .max_attempts(20)
                    .max_elapsed(Duration::from_secs(120)),
            );
        if paced {
            builder = builder.pacing(Pacing::per_second(1000, limit, 1));
        }
        let client = builder.build()?;
        let bodies: Vec<_> = (0..n).map(|i| meeting_body(i)["data"].clone()).collect();
        let started = Instant::now();
        let results: Vec<_> = stream::iter(bodies)
            .map(|body| {
                let client = client.clone();
                async move {
                    let meeting: attio_meetings::types::NewMeeting = serde_json::from_value(body)?;
                    client.meetings().create(meeting).await?;
                    Ok::<(), Error>(())
                }
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let elapsed = started.elapsed();
        let failed = results.iter().filter(|r| r.is_err()).count();
        let meetings = server.store().meetings().len();
        let requests = server.requests(Endpoint::CreateMeeting) as usize;
        let rate = (n - failed) as f64 / elapsed.as_secs_f64();
        println!(
            "bulk:       {n} creates, write limit {limit}/s, {} pacing: {elapsed:.2?}, {rate:.1}/s = {:.3} x limit \
             (target >= 0.98), {failed} failed, {} duplicates, {} 429s",
            if paced { "with" } else { "without" },
            rate / limit as f64,
            meetings.saturating_sub(n - failed),
            requests - n,
        );
    }
    Ok(())
}

/// Benchmark 8: `ensure_all` of 2,000 new meetings (one every 15 minutes, three weeks) against the fake at
/// Attio's limits (100 reads/s, 25 writes/s) with the client paced at them: the write rate against the
/// limit and the 429s; then the same batch again: no write, and its time against the floor of the
/// listings it needs at the read limit.
async fn ensure() -> Result<(), Error> {
    let n = 2_000usize;
    let server = MockServer::builder()
        .limits(Limits::default())
        .start()
        .await?;
    let client = Client::builder()
        .token(server.token())
        .base_url(server.base_url())
        .pacing(Pacing::attio())
        .build()?;
    let base = chrono::DateTime::parse_from_rfc3339("2027-03-01T08:00:00-05:00")?;
    let meetings = (0..n)
        .map(|i| {
            let mut body = meeting_body(i);
            let start = base + chrono::Duration::minutes(15 * i as i64);
            body["data"]["start"]["datetime"] = json!(start.to_rfc3339());
            body["data"]["end"]["datetime"] =
                json!((start + chrono::Duration::minutes(15)).to_rfc3339());
            Ok(serde_json::from_value(body["data"].take())?)
        })
        .collect::<Result<Vec<attio_meetings::types::NewMeeting>, Error>>()?;
    for round in ["first", "again"] {
        let (creates, lists, refused) = (
            server.requests(Endpoint::CreateMeeting),
            server.requests(Endpoint::ListMeetings),
            server.rate_limited(),
        );
        let started = Instant::now();
        let results = client
            .meetings()
            .ensure_all(meetings.clone())
            .concurrency(16)
            .run()
            .await?;
        let elapsed = started.elapsed();
        let failed = results.iter().filter(|r| r.is_err()).count();
        let created = results
            .iter()
            .filter(|r| matches!(r, Ok(e) if e.created()))
            .count();
        let creates = server.requests(Endpoint::CreateMeeting) - creates;
        let lists = server.requests(Endpoint::ListMeetings) - lists;
        let refused = server.rate_limited() - refused;
        let stored = server.store().meetings().len();
        if round == "first" {
            let rate = creates as f64 / elapsed.as_secs_f64();
            println!(
                "ensure:     {n} new meetings at Attio's limits: {elapsed:.2?}, {created} created ({creates} creates \
                 sent, {lists} listings), {rate:.2}/s = {:.3} x the write limit (target >= 0.95), {refused} 429s, \
                 {failed} failed, {stored} stored",
                rate / 25.0
            );
        } else {
            // The floor: the listings at the read limit, each a request (the first of every second free).
            let floor = Duration::from_secs_f64(lists.saturating_sub(1) as f64 / 100.0);
            println!(
                "ensure:     the same {n} again: {elapsed:.2?}, {creates} creates sent, {lists} listings; the \
                 floor of {lists} reads at 100/s is {floor:.2?}: {:.2} x the floor, {refused} 429s, {failed} failed, \
                 {stored} stored",
                elapsed.as_secs_f64() / floor.as_secs_f64().max(1e-9)
            );
        }
    }
    Ok(())
}

/// Benchmark 5: Peak memory of a process streaming 100k meetings vs collecting them all.
async fn memory() -> Result<(), Error> {
    let n = 100_000;
    let started = Instant::now();
    let server = Arc::new(unlimited_fake(n).await?);
    eprintln!("memory: seeded {n} meetings in {:.1?}", started.elapsed());
    let exe = std::env::current_exe()?;
    for mode in ["memory-stream", "memory-collect"] {
        let (exe, url, token) = (
            exe.clone(),
            server.base_url().to_string(),
            server.token().to_string(),
        );
        let output = tokio::task::spawn_blocking(move || {
            std::process::Command::new(exe)
                .args([mode, &url, &token])
                .output()
        })
        .await??;
        print!("{}", String::from_utf8_lossy(&output.stdout));
        if !output.status.success() {
            eprint!("{}", String::from_utf8_lossy(&output.stderr));
        }
    }
    Ok(())
}

/// The child of [`memory`]: one mode, then its peak RSS (`VmHWM`).
fn memory_child(mode: &str, url: &str, token: &str) -> Result<(), Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = Client::builder().token(token).base_url(url).build()?;
    let baseline = peak_rss_kb();
    let count = runtime.block_on(async {
        let list = client.meetings().list().limit(200);
        if mode == "memory-stream" {
            list.stream()
                .try_fold(0usize, |n, _| async move { Ok(n + 1) })
                .await
        } else {
            list.collect_all().await.map(|all| all.len())
        }
    })?;
    println!(
        "memory:     {mode:<15} {count} meetings: peak RSS {} MB (process baseline {} MB)",
        peak_rss_kb() / 1024,
        baseline / 1024
    );
    Ok(())
}

fn peak_rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Benchmark 7: what a pacer costs per request when it never has to wait (limits far above the rate):
/// no pacer, the local pacer, and the pacer shared through a `redis-server` on loopback (started here;
/// feature `redis`). Sequential `get meeting` calls on a current-thread runtime against an unlimited
/// fake in this process, 9 rounds of 1,000 per side in rotating order; median wall time per request.
fn shared_pacing() -> Result<(), Error> {
    #[cfg(not(feature = "redis"))]
    eprintln!("shared: needs `--features redis` (and redis-server on the PATH)");
    #[cfg(feature = "redis")]
    shared::run()?;
    Ok(())
}

#[cfg(feature = "redis")]
mod shared {
    use super::*;
    use attio_meetings::RedisPacer;

    struct Redis(std::process::Child);

    impl Drop for Redis {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    pub fn run() -> Result<(), Error> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let _redis = Redis(
            std::process::Command::new("redis-server")
                .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
                .args(["--save", "", "--appendonly", "no"])
                .stdout(std::process::Stdio::null())
                .spawn()?,
        );
        std::thread::sleep(Duration::from_millis(300));
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(rounds(port))
    }

    async fn rounds(port: u16) -> Result<(), Error> {
        let (n, rounds) = (1000u32, 9usize);
        let server = unlimited_fake(0).await?;
        let id = server.store().seed_meeting(&meeting_body(0), None)?;
        let fast = Pacing::per_second(1_000_000, 1_000_000, 1);
        let build = |pacing: Option<Pacing>| {
            let mut builder = Client::builder()
                .token(server.token())
                .base_url(server.base_url())
                .retry(RetryPolicy::none());
            if let Some(pacing) = pacing {
                builder = builder.pacing(pacing);
            }
            builder.build()
        };
        let redis = RedisPacer::new(format!("redis://127.0.0.1:{port}/"), "bench")
            .timeout(Duration::from_millis(100));
        let sides = [
            ("no pacer", build(None)?),
            ("local pacer", build(Some(fast.clone()))?),
            (
                "shared pacer (Redis)",
                build(Some(fast.clone().shared(redis)))?,
            ),
        ];
        for (_, client) in &sides {
            for _ in 0..200 {
                client.meetings().get(id).await?;
            }
        }
        let mut times = vec![Vec::new(); sides.len()];
        for round in 0..rounds {
            for k in 0..sides.len() {
                let side = (round + k) % sides.len();
                let started = Instant::now();
                for _ in 0..n {
                    sides[side].1.meetings().get(id).await?;
                }
                times[side].push(started.elapsed().as_secs_f64() * 1e6 / f64::from(n));
            }
        }
        let medians: Vec<f64> = times.iter().map(|t| quantile(t, 0.5)).collect();
        for ((name, _), (t, median)) in sides.iter().zip(times.iter().zip(&medians)) {
            println!(
                "shared:     {name:<21} {median:7.1} µs/request (rounds {:.1}..{:.1}), pacing cost {:+.1} µs",
                quantile(t, 0.0),
                quantile(t, 1.0),
                median - medians[0]
            );
        }
        Ok(())
    }
}
