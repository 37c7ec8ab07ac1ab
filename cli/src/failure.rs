//! How the command line fails: one line saying what went wrong and what to do, and the exit code
//! (1, or 2 for usage errors, as clap's own).

use std::process::ExitCode;

use attio_meetings::{Error, reqwest::StatusCode};

/// A failure to report.
#[derive(Debug)]
pub struct Failure {
    message: String,
    usage: bool,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            usage: false,
        }
    }

    /// The command line was wrong (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            usage: true,
        }
    }

    /// A failed call, with what to do about it.
    pub fn api(doing: &str, error: &Error) -> Self {
        let hint = match error.status() {
            Some(StatusCode::UNAUTHORIZED) => " (check the token in ATTIO_API_KEY or --token-file)",
            Some(StatusCode::FORBIDDEN) => {
                " (the token lacks a scope: meetings and call recordings need read/write access)"
            }
            Some(StatusCode::NOT_FOUND) => " (check the id)",
            _ if error.is_rate_limited() => " (Attio's rate limit: try again in a moment)",
            _ if error.is_retryable() => " (Attio or the network failed; retrying later may work)",
            _ => "",
        };
        Self::new(format!("{doing} failed: {error}{hint}"))
    }

    /// Prints the line to stderr and gives the exit code.
    pub fn report(self) -> ExitCode {
        eprintln!("error: {}", self.message.replace('\n', " "));
        ExitCode::from(if self.usage { 2 } else { 1 })
    }
}
