//! `remtag-sim decode`: records from bytes, as a table or JSON.

use remtag::codec::{Decoder, Located};
use remtag::log::{Damage, DamageReason};
use serde::Serialize;

use crate::image::{self, Item, Kind};
use crate::input::read_bytes;
use crate::render;

/// Arguments of `decode`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A hex string, a file of hex text or raw bytes, or `-` for stdin.
    pub input: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Serialize)]
struct JsonOutput<'a> {
    records: Vec<JsonRecord<'a>>,
    /// Every damage the log found in a memory image, in order.
    damage: Vec<JsonError>,
    error: Option<JsonError>,
}

#[derive(Serialize)]
struct JsonRecord<'a> {
    offset: usize,
    len: usize,
    record: &'a remtag::Record,
}

#[derive(Serialize)]
struct JsonError {
    offset: usize,
    message: String,
}

/// Decodes every record; prints those read, then what is wrong and where: for a memory image,
/// every damage the log found, its identity copies and segment headers included.
pub fn run(args: &Args) -> Result<(), String> {
    let (bytes, source) = read_bytes(&args.input)?;
    if bytes.is_empty() {
        return Err(format!("{source}: no bytes to decode"));
    }
    let mut records: Vec<Located> = Vec::new();
    let mut damage: Vec<Damage> = Vec::new();
    let mut error = None;
    match image::read(&bytes).map_err(|e| format!("{source}: {e}"))? {
        // A memory image: the log reads it, damage and all.
        (kind, items, Some(_)) if kind != Kind::Records => {
            for item in items {
                match item {
                    Item::Record {
                        offset,
                        stored,
                        record: Some(record),
                    } => records.push(Located {
                        record: *record,
                        offset: offset as usize,
                        len: stored.len(),
                    }),
                    Item::Damage(d) => damage.push(d),
                    _ => {}
                }
            }
        }
        _ => {
            for item in Decoder::new(&bytes) {
                match item {
                    Ok(located) => records.push(located),
                    Err(e) => error = Some((e.offset, e.kind.to_string())),
                }
            }
        }
    }
    if args.json {
        let out = JsonOutput {
            records: records
                .iter()
                .map(|l| JsonRecord {
                    offset: l.offset,
                    len: l.len,
                    record: &l.record,
                })
                .collect(),
            damage: damage
                .iter()
                .map(|d| JsonError {
                    offset: d.offset as usize,
                    message: d.to_string(),
                })
                .collect(),
            error: error.as_ref().map(|(offset, message)| JsonError {
                offset: *offset,
                message: message.clone(),
            }),
        };
        let text = serde_json::to_string_pretty(&out).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{}", render::table(None, &records));
        for d in &damage {
            println!("{d}");
        }
        println!(
            "{} records, {} bytes from {source}",
            records.len(),
            bytes.len()
        );
    }
    // A torn append lost nothing acknowledged; every other damage is a finding.
    let findings = damage
        .iter()
        .filter(|d| d.reason != DamageReason::TornAppend)
        .count();
    if error.is_none() && findings > 0 {
        let first = damage
            .iter()
            .find(|d| d.reason != DamageReason::TornAppend)
            .map(|d| {
                (
                    d.offset as usize,
                    format!("{findings} damage report(s), the first: {d}"),
                )
            });
        error = first;
    }
    match error {
        None => Ok(()),
        Some((offset, message)) => Err(format!(
            "{source}: after {} records, at byte {offset}: {message}",
            records.len()
        )),
    }
}
