//! `remtag-sim`: the remtag simulator and tools.

use std::process::ExitCode;

use clap::Parser;
use remtag_sim::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors exit 1, never 2 or 101.
            let status = if e.use_stderr() { 1 } else { 0 };
            e.print().ok();
            return ExitCode::from(status);
        }
    };
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(1)
        }
    }
}
