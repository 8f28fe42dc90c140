//! `remtag-sim story`: the 2018 log of one box, built, decoded and shown.

use std::path::PathBuf;

use remtag::codec::{Decoder, Located};

use crate::render;
use crate::story;

/// Arguments of `story`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which of the 55 boxes.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u32).range(1..=55))]
    pub r#box: u32,
    /// Also write the stored bytes to this file.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Builds the box's log, decodes it back from its bytes and prints it.
pub fn run(args: &Args) -> Result<(), String> {
    let log = story::history(args.r#box).map_err(|e| format!("building the story: {e}"))?;
    let bytes = log.bytes();
    let records: Vec<Located> = Decoder::new(bytes)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("decoding the story: {e}"))?;
    let dir = story::directory();
    println!(
        "Box {} of 55, returned from North Korea on 2018-07-27: its tag's log\n",
        args.r#box
    );
    print!("{}", render::table(Some(&dir), &records));
    println!(
        "\n{} records in {} bytes; chain head {}",
        records.len(),
        bytes.len(),
        log.chain().head()
    );
    if let Some(path) = &args.out {
        std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}
