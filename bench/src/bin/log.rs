//! Measures the custody log's write amplification, erases and mount cost, next to
//! sequential-storage's queue; prints the tables, and `--write PATH` writes the document.

use std::path::PathBuf;

use clap::Parser;
use remtag_bench::codecs::Error;
use remtag_bench::log::report;

/// Write amplification, erases per 1,000 records and mount cost of the remtag log on the
/// simulated 24LC256 EEPROM and 1 MiB NOR flash, and of sequential-storage's queue on the same
/// NOR flash.
#[derive(Parser)]
struct Args {
    /// Write the whole document (what is measured, how to reproduce it, the tables) to PATH,
    /// e.g. docs/LOG.md.
    #[arg(long, value_name = "PATH")]
    write: Option<PathBuf>,
}

fn main() -> Result<(), Error> {
    let args = Args::parse();
    let measured = report::Measured::run()?;
    println!("{}", measured.tables());
    if let Some(path) = args.write {
        std::fs::write(&path, measured.document()?)?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}
