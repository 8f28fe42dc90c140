//! Reading what a tag holds: a memory image (EEPROM, NOR flash or NFC tag memory), or plain
//! stored records laid end to end, as `story --out` writes them.

use remtag::Record;
use remtag::codec;
use remtag::log::medium::{NorFlashMedium, RewritableMedium, eeprom_24x256};
use remtag::log::{Damage, Entry, LayoutConfig, Log, Medium, MountReport};
use remtag::model::Seq;

use crate::memory::{SimEeprom, SimNorFlash, SimTagMemory};

/// One item read from a tag, in order.
#[derive(Clone, Debug)]
pub enum Item {
    /// A record as stored, with its offset in the input.
    Record {
        /// Offset in the image or stream.
        offset: u32,
        /// The stored bytes.
        stored: Vec<u8>,
        /// The record as the log decoded it (images only: a stream's records are decoded by
        /// whoever reads them, against the records before).
        record: Option<Box<Record>>,
    },
    /// Damage the log reported.
    Damage(Damage),
    /// Bytes at the end of a record stream that are not a whole record.
    Trailing {
        /// Offset in the stream.
        offset: u32,
        /// The bytes.
        bytes: Vec<u8>,
    },
}

/// What kind of input it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A 24LC256 EEPROM image.
    Eeprom,
    /// A NOR flash image with 4 KiB sectors.
    NorFlash,
    /// NFC tag memory.
    TagMemory,
    /// Stored records end to end.
    Records,
}

/// The first bytes of every log image: the identity slot's marker and layout version.
const IMAGE_MAGIC: [u8; 2] = [0xA5, 0x01];

/// Reads `bytes` as an image if it looks like one, else as a record stream.
pub fn read(bytes: &[u8]) -> Result<(Kind, Vec<Item>, Option<MountReport>), String> {
    if !bytes.starts_with(&IMAGE_MAGIC) {
        return Ok((Kind::Records, split_records(bytes), None));
    }
    match bytes.len() {
        SimEeprom::CAPACITY => {
            let mut chip = SimEeprom::new();
            chip.contents_mut().copy_from_slice(bytes);
            let delay = chip.delay();
            let (items, report) =
                read_log(eeprom_24x256(&mut chip, delay), LayoutConfig::default())?;
            Ok((Kind::Eeprom, items, Some(report)))
        }
        SimTagMemory::NTAG215 | SimTagMemory::NTAG216 => {
            let mut tag = SimTagMemory::new(bytes.len());
            tag.contents_mut().copy_from_slice(bytes);
            let config = LayoutConfig {
                identity_slot_len: Some(64),
                segment_len: None,
            };
            let (items, report) = read_log(RewritableMedium::new(&mut tag, 4), config)?;
            Ok((Kind::TagMemory, items, Some(report)))
        }
        n if n % 4096 == 0 => {
            let mut flash = SimNorFlash::<4, 4096>::new(n);
            flash.contents_mut().copy_from_slice(bytes);
            let (items, report) =
                read_log(NorFlashMedium::new(&mut flash), LayoutConfig::default())?;
            Ok((Kind::NorFlash, items, Some(report)))
        }
        n => Err(format!(
            "{n} bytes starting like a log image, but no known memory has that size \
             (32768 for an EEPROM, 504 or 888 for NFC tag memory, a multiple of 4096 for NOR flash)"
        )),
    }
}

fn read_log<M: Medium>(
    medium: M,
    config: LayoutConfig,
) -> Result<(Vec<Item>, MountReport), String> {
    let (mut log, report) =
        Log::mount(medium, config).map_err(|e| format!("cannot mount the image: {e}"))?;
    let mut items = Vec::new();
    for entry in log.read_from(Seq(0)) {
        match entry.map_err(|e| format!("reading the image: {e}"))? {
            Entry::Record {
                offset,
                stored,
                record,
                ..
            } => items.push(Item::Record {
                offset,
                stored: stored.to_vec(),
                record: Some(Box::new(record)),
            }),
            Entry::Damage(d) => items.push(Item::Damage(d)),
        }
    }
    Ok((items, report))
}

/// Splits a record stream at each record's stored length.
fn split_records(bytes: &[u8]) -> Vec<Item> {
    let mut items = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let rest = &bytes[at..];
        match codec::stored_len(rest) {
            Ok(len) if len <= rest.len() => {
                items.push(Item::Record {
                    offset: at as u32,
                    stored: rest[..len].to_vec(),
                    record: None,
                });
                at += len;
            }
            _ => {
                items.push(Item::Trailing {
                    offset: at as u32,
                    bytes: rest.to_vec(),
                });
                break;
            }
        }
    }
    items
}
