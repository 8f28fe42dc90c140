//! The `remtag-sim` command line.

pub mod decode;
pub mod report;
pub mod run;
pub mod story;
pub mod verify;

use clap::{Parser, Subcommand};

/// remtag simulator: custody tags for repatriated remains.
#[derive(Debug, Parser)]
#[command(name = "remtag-sim", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Decode stored records from hex, a hex file, a binary file or `-` (stdin).
    Decode(decode::Args),
    /// Play a scenario on simulated tags and write their images, logs and verification.
    Run(run::Args),
    /// Write one self-contained HTML page showing the custody of every box of a run.
    Report(report::Args),
    /// Build the log of one box returned from North Korea in 2018, and show it.
    Story(story::Args),
    /// Verify a tag's log: exit 0 only when it is intact and every checkpoint verifies.
    Verify(verify::Args),
}

/// Runs a parsed command line; `Err` carries the message for stderr and exit status 1.
pub fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Command::Decode(args) => decode::run(&args),
        Command::Run(args) => run::run(&args),
        Command::Report(args) => report::run(&args),
        Command::Story(args) => story::run(&args),
        Command::Verify(args) => verify::run(&args),
    }
}
