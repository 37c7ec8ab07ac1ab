//! `attio-meetings`: Attio's meetings, call recordings and transcripts from the command line, and
//! calendar imports that can be run again without creating duplicates.

mod args;
mod commands;
mod failure;
mod ics;
mod output;
mod progress;
mod state;
mod subtitles;
mod transcript_file;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use failure::Failure;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => return Failure::new(format!("could not start: {e}")).report(),
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(failure) => failure.report(),
    }
}

async fn run(cli: Cli) -> Result<ExitCode, Failure> {
    let out = output::Output::new(cli.global.json);
    match cli.command {
        Command::Meetings(command) => commands::meetings::run(&cli.global, &out, command).await,
        Command::Recordings(command) => commands::recordings::run(&cli.global, &out, command).await,
        Command::Transcript(command) => commands::transcript::run(&cli.global, command).await,
        Command::Import(command) => commands::import::run(&cli.global, &out, command).await,
    }
}
