//! Prints the size comparison as Markdown; `--write PATH` also writes the whole document.

use std::path::PathBuf;

use clap::Parser;
use remtag_bench::codecs::Error;
use remtag_bench::measure::{Journey, history_rows};
use remtag_bench::report;

/// Compares the stored size of remtag records with CBOR, protobuf, MessagePack, JSON and naive
/// postcard, on the 2018 journey and history of box 1.
#[derive(Parser)]
struct Args {
    /// Write the whole document (what is measured, how to reproduce it, the tables) to PATH,
    /// e.g. docs/SIZES.md.
    #[arg(long, value_name = "PATH")]
    write: Option<PathBuf>,
}

fn main() -> Result<(), Error> {
    let args = Args::parse();
    let journey = Journey::measure(1)?;
    let history = history_rows(1)?;
    println!("{}", report::table(&journey.rows()));
    println!("{}", report::table(&history));
    if let Some(path) = args.write {
        std::fs::write(&path, report::document(&journey, &history))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
