//! `attio-meetings-mock`: the fake Attio Meetings API as a standalone server, for tools and clients in
//! other languages.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use attio_meetings_mock::{
    Endpoint, Fault, FaultRule, Limits, MockServer, WebhookFaults, WebhookSettings,
};
use clap::Parser;

/// A stateful fake of Attio's Meetings API (/v2/meetings*), in memory.
#[derive(Debug, Parser)]
#[command(
    version,
    after_help = "Faults are drawn per request, deterministically from --seed.\n\
Which faults change state: 5xx, 429 and drop answer before processing (nothing changes);\n\
drop-after and truncate process the request first (a write is applied), then fail the response."
)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: IpAddr,
    /// Print a line per request to stderr (method, path, status, time taken).
    #[arg(short, long)]
    verbose: bool,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Accepted bearer token (repeatable); without any, `attio-mock-token`.
    #[arg(long = "token", value_name = "TOKEN")]
    tokens: Vec<String>,
    /// Seed of ids, transcripts and random faults.
    #[arg(long, default_value_t = 0x00A7_710F)]
    seed: u64,

    /// Reads per second and token (Attio: 100).
    #[arg(long, default_value_t = 100, help_heading = "Rate limits")]
    read_limit: u32,
    /// Writes per second and token (Attio: 25).
    #[arg(long, default_value_t = 25, help_heading = "Rate limits")]
    write_limit: u32,
    /// Call recordings created per second and token (Attio: 1).
    #[arg(long, default_value_t = 1, help_heading = "Rate limits")]
    call_recording_limit: u32,
    /// Turn every rate limit off.
    #[arg(long, help_heading = "Rate limits")]
    no_limits: bool,

    /// Probability (0..=1) that a request gets one of the --fault kinds.
    #[arg(long, default_value_t = 0.0, help_heading = "Faults")]
    fault_rate: f64,
    /// Fault kind (repeatable): 500, 502, 503, 429, drop, drop-after, truncate, latency=MS.
    #[arg(long = "fault", value_name = "KIND", value_parser = parse_fault, help_heading = "Faults")]
    faults: Vec<Fault>,
    /// Restrict faults to these operations (repeatable), e.g. create_meeting; default all.
    #[arg(long = "fault-operation", value_name = "OPERATION", value_parser = parse_operation, help_heading = "Faults")]
    fault_operations: Vec<Endpoint>,

    /// Milliseconds a new call recording stays `processing`.
    #[arg(long, default_value_t = 1000, help_heading = "Behaviour")]
    processing_ms: u64,
    /// Segments per transcript page.
    #[arg(long, default_value_t = 50, help_heading = "Behaviour")]
    transcript_page_size: usize,

    /// POST a signed `call-recording.created` to this http:// URL when a recording completes (repeatable).
    #[arg(
        long = "webhook",
        value_name = "URL",
        requires = "webhook_secret",
        help_heading = "Webhooks"
    )]
    webhooks: Vec<String>,
    /// The secret the deliveries are signed with (hex HMAC-SHA256 in `Attio-Signature`).
    #[arg(long, value_name = "SECRET", help_heading = "Webhooks")]
    webhook_secret: Option<String>,
    /// Milliseconds before the first retry of a delivery not answered 200/202; doubles per retry.
    #[arg(long, default_value_t = 100, help_heading = "Webhooks")]
    webhook_backoff_ms: u64,
    /// Retries after the first attempt (Attio: 10).
    #[arg(long, default_value_t = 10, help_heading = "Webhooks")]
    webhook_retries: u32,
    /// Fault: send every delivery twice (same Idempotency-Key).
    #[arg(long, help_heading = "Webhooks")]
    webhook_duplicate: bool,
    /// Fault: sign deliveries with the wrong secret.
    #[arg(long, help_heading = "Webhooks")]
    webhook_wrong_signature: bool,
}

fn parse_fault(text: &str) -> Result<Fault, String> {
    Ok(match text {
        "429" => Fault::RateLimited,
        "drop" => Fault::Drop,
        "drop-after" => Fault::DropAfterProcessing,
        "truncate" => Fault::Truncate,
        _ => {
            if let Some(ms) = text.strip_prefix("latency=") {
                let ms: u64 = ms
                    .parse()
                    .map_err(|_| format!("`{ms}` is not a number of milliseconds"))?;
                Fault::Latency(Duration::from_millis(ms))
            } else {
                let code: u16 = text
                    .parse()
                    .map_err(|_| format!("unknown fault `{text}`"))?;
                if !(500..=599).contains(&code) {
                    return Err(format!("status faults must be 5xx, got {code}"));
                }
                Fault::Status(code)
            }
        }
    })
}

fn parse_operation(text: &str) -> Result<Endpoint, String> {
    Endpoint::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = Endpoint::ALL.iter().map(|op| op.name()).collect();
        format!("unknown operation `{text}`; one of {}", names.join(", "))
    })
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let limits = if args.no_limits {
        Limits::UNLIMITED
    } else {
        Limits {
            reads: Some(args.read_limit),
            writes: Some(args.write_limit),
            create_call_recording: Some(args.call_recording_limit),
        }
    };
    let mut builder = MockServer::builder()
        .bind(SocketAddr::new(args.host, args.port))
        .limits(limits)
        .seed(args.seed)
        .processing_time(Duration::from_millis(args.processing_ms))
        .transcript_page_size(args.transcript_page_size)
        .log_requests(args.verbose);
    for token in &args.tokens {
        builder = builder.token(token);
    }
    let secret = args.webhook_secret.clone().unwrap_or_default();
    for url in &args.webhooks {
        builder = builder.webhook(url, &secret);
    }
    builder = builder.webhook_settings(WebhookSettings {
        initial_backoff: Duration::from_millis(args.webhook_backoff_ms),
        max_retries: args.webhook_retries,
        ..WebhookSettings::default()
    });
    let server = match builder.start().await {
        Ok(server) => server,
        Err(error) => {
            // One line saying what and where (e.g. the port is taken), not a debug dump.
            eprintln!("error: {error}");
            std::process::exit(1);
        }
    };
    if args.fault_rate > 0.0 && !args.faults.is_empty() {
        server.faults().add_rule(FaultRule {
            operations: args.fault_operations.clone(),
            rate: args.fault_rate.clamp(0.0, 1.0),
            faults: args.faults.clone(),
        });
    }
    server.webhooks().set_faults(WebhookFaults {
        duplicate: args.webhook_duplicate,
        wrong_signature: args.webhook_wrong_signature,
    });
    // Tokens are the caller's own, and this is a local test server: showing them helps, not leaks.
    let tokens = if args.tokens.is_empty() {
        vec![server.token().to_string()]
    } else {
        args.tokens.clone()
    };
    println!("fake Attio Meetings API listening on {}", server.base_url());
    println!("accepted tokens: {}", tokens.join(", "));
    for url in &args.webhooks {
        println!("webhooks: call-recording.created to {url}");
    }
    println!("press Ctrl-C to stop");
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
