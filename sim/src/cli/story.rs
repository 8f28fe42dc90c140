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
    /// Also write the memory image of the box's tag: a 24LC256 EEPROM holding the log.
    #[arg(long)]
    pub image: Option<PathBuf>,
    /// Also write the custodians' public keys file, for `verify --keys`.
    #[arg(long)]
    pub keys_out: Option<PathBuf>,
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
    if let Some(path) = &args.image {
        let image = eeprom_image(log.records())?;
        std::fs::write(path, image).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    if let Some(path) = &args.keys_out {
        let json = serde_json::to_string_pretty(&story::keys_file()).map_err(|e| e.to_string())?;
        std::fs::write(path, json + "\n")
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

/// The contents of a 24LC256 EEPROM after formatting it with `records[0]` and appending the
/// rest through the log.
pub fn eeprom_image(records: &[remtag::Record]) -> Result<Vec<u8>, String> {
    use remtag::log::medium::eeprom_24x256;
    use remtag::log::{LayoutConfig, Log};
    let (first, rest) = records.split_first().ok_or("no records")?;
    let mut chip = crate::memory::SimEeprom::new();
    let delay = chip.delay();
    let mut log = Log::format(
        eeprom_24x256(&mut chip, delay),
        LayoutConfig::default(),
        first,
    )
    .map_err(|e| format!("formatting: {e}"))?;
    for record in rest {
        log.append(record).map_err(|e| format!("appending: {e}"))?;
    }
    drop(log);
    Ok(chip.contents().to_vec())
}
