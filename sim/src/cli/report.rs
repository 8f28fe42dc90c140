//! `remtag-sim report`: one self-contained HTML page showing the custody of every box of a run.

use std::path::PathBuf;

use crate::report;

/// Arguments of `report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The folder `remtag-sim run --out` wrote.
    pub dir: PathBuf,
    /// The page to write (default: `DIR/report.html`).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Writes the report and says where; `Err` when the run cannot be read or the page written.
pub fn run(args: &Args) -> Result<(), String> {
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| args.dir.join("report.html"));
    let bytes = report::write(&args.dir, &out)?;
    println!("wrote {} ({} KiB)", out.display(), bytes.div_ceil(1024));
    Ok(())
}
