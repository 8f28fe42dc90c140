//! `remtag-sim verify`: proves a tag's log intact, or says what is wrong and where.

use std::path::PathBuf;

use remtag::verify::{Archived, Report, Verifier};
use serde::Deserialize;

use crate::image::{self, Item};
use crate::input::read_bytes;
use crate::keys::KeysFile;
use crate::render;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A memory image or stored records: a file (binary or hex), a hex string, or `-`.
    pub image: String,
    /// The public keys file of the custodians to trust.
    #[arg(long)]
    pub keys: PathBuf,
    /// The latest checkpoint an archive holds for this tag (JSON: {"count": N, "head": "hex"}),
    /// to detect truncation and rollback.
    #[arg(long)]
    pub archive: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveFile {
    count: u32,
    head: String,
}

fn load_archive(path: &PathBuf) -> Result<Archived, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read archive {}: {e}", path.display()))?;
    let file: ArchiveFile = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not an archive file: {e}", path.display()))?;
    let mut head = [0u8; 32];
    hex::decode_to_slice(&file.head, &mut head)
        .map_err(|e| format!("{}: head: {e}", path.display()))?;
    Ok(Archived {
        count: file.count,
        head: head.into(),
    })
}

/// Verifies the input; `Ok` only when the whole log is intact and every checkpoint verifies.
pub fn run(args: &Args) -> Result<(), String> {
    let keys = KeysFile::load(&args.keys)?.trusted()?;
    let archived = args.archive.as_ref().map(load_archive).transpose()?;
    let (bytes, source) = read_bytes(&args.image)?;
    let (kind, items, mount) = image::read(&bytes).map_err(|e| format!("{source}: {e}"))?;
    let mut verifier = Verifier::new(&keys, None, archived);
    let mut trailing = None;
    for item in items {
        match item {
            Item::Record { offset, stored, .. } => verifier.push(&stored, offset),
            Item::Damage(d) => verifier.damage(d),
            Item::Trailing { offset, bytes } => {
                verifier.push(&bytes, offset);
                trailing = Some(offset);
            }
        }
    }
    let report = verifier.finish();
    println!("{source}: {kind:?}");
    if let Some(mount) = &mount {
        println!(
            "mount: {} records in {} segments",
            mount.records, mount.segments
        );
    }
    print!("{}", render::verification(&report));
    if let Some(offset) = trailing {
        println!("incomplete record at byte {offset}");
    }
    verdict(&report)
}

fn verdict(report: &Report) -> Result<(), String> {
    if report.is_intact() {
        println!("verdict: intact, every checkpoint verifies");
        Ok(())
    } else {
        Err(format!(
            "{} finding(s): the log is not intact",
            report.finding_count
        ))
    }
}
