//! Reading what a tag holds: a memory image (EEPROM, NOR flash or NFC tag memory), or plain
//! stored records laid end to end, as `story --out` writes them.

use remtag::Record;
use remtag::codec;
use remtag::log::medium::{NorFlashMedium, RewritableMedium, eeprom_24x256};
use remtag::log::{
    Damage, Entry, LayoutConfig, LayoutVersion, Log, LogError, Medium, MountReport, SegmentStart,
};
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
    /// The records before these were reclaimed from the tag: the next record is coded
    /// against this start's state, and the chain goes on from its head.
    Resume(SegmentStart),
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

/// Reads `bytes` as a memory image when its size is that of a memory the simulator knows (a
/// 24LC256 EEPROM, NTAG215 or NTAG216 tag memory, NOR flash of 4 KiB sectors), whatever its
/// first bytes hold: the log finds the identity in either slot, and damage to slot A is
/// reported, not taken for another kind of input. Other sizes, and a blank-looking image whose
/// bytes decode whole as stored records, are read as a record stream.
pub fn read(bytes: &[u8]) -> Result<(Kind, Vec<Item>, Option<MountReport>), String> {
    let image = match bytes.len() {
        SimEeprom::CAPACITY => {
            let mut chip = SimEeprom::new();
            chip.contents_mut().copy_from_slice(bytes);
            let delay = chip.delay();
            read_log(eeprom_24x256(&mut chip, delay), LayoutConfig::default())
                .map(|(items, report)| (Kind::Eeprom, items, report))
        }
        SimTagMemory::NTAG215 | SimTagMemory::NTAG216 => {
            let mut tag = SimTagMemory::new(bytes.len());
            tag.contents_mut().copy_from_slice(bytes);
            let config = LayoutConfig {
                identity_slot_len: Some(64),
                segment_len: None,
            };
            read_log(RewritableMedium::new(&mut tag, 4), config)
                .map(|(items, report)| (Kind::TagMemory, items, report))
        }
        n if n > 0 && n % 4096 == 0 => {
            let mut flash = SimNorFlash::<4, 4096>::new(n);
            flash.contents_mut().copy_from_slice(bytes);
            read_log(NorFlashMedium::new(&mut flash), LayoutConfig::default())
                .map(|(items, report)| (Kind::NorFlash, items, report))
        }
        // An image cut short: say so, rather than read it as records that do not decode.
        n if bytes.first() == Some(&0xA5)
            && bytes
                .get(1)
                .is_some_and(|v| LayoutVersion::from_byte(*v).is_some()) =>
        {
            return Err(format!(
                "{n} bytes starting like a memory image, but no known memory has that size \
                 (32768 for an EEPROM, 504 or 888 for NFC tag memory, a multiple of 4096 for \
                 NOR flash)"
            ));
        }
        _ => return Ok((Kind::Records, split_records(bytes), None)),
    };
    match image {
        Ok((kind, items, report)) => Ok((kind, items, Some(report))),
        // Records that happen to make an image's size, and decode whole, are a stream.
        Err(Unmounted::Unformatted) if is_whole_stream(bytes) => {
            Ok((Kind::Records, split_records(bytes), None))
        }
        Err(e) => Err(format!(
            "{} bytes, the size of a memory image, but it cannot be mounted: {}",
            bytes.len(),
            match e {
                Unmounted::Unformatted => LogError::<()>::Unformatted.to_string(),
                Unmounted::Other(why) => why,
            }
        )),
    }
}

/// Why an image could not be read, whatever its memory.
enum Unmounted {
    /// No intact identity.
    Unformatted,
    /// Anything else, said in words.
    Other(String),
}

impl<E: core::fmt::Debug> From<LogError<E>> for Unmounted {
    fn from(e: LogError<E>) -> Self {
        match e {
            LogError::Unformatted => Unmounted::Unformatted,
            other => Unmounted::Other(other.to_string()),
        }
    }
}

/// Whether `bytes` decode as stored records to their last byte.
fn is_whole_stream(bytes: &[u8]) -> bool {
    codec::Decoder::new(bytes).all(|item| item.is_ok())
}

/// Mounts the log on `medium` and reads every entry. Reading yields all the damage the mount
/// found, the identity copies and segment headers included, at its position.
fn read_log<M: Medium>(
    medium: M,
    config: LayoutConfig,
) -> Result<(Vec<Item>, MountReport), Unmounted> {
    let (mut log, report) = Log::mount(medium, config)?;
    let mut resume = log.oldest_start()?;
    let mut items = Vec::new();
    let mut identity_read = false;
    for entry in log.read_from(Seq(0)) {
        // The reclaimed records' place: after the identity, before the oldest segment's first.
        if identity_read
            && matches!(entry, Ok(Entry::Record { .. }))
            && let Some(start) = resume.take()
        {
            items.push(Item::Resume(start));
        }
        match entry? {
            Entry::Record {
                offset,
                stored,
                record,
                ..
            } => {
                identity_read = true;
                items.push(Item::Record {
                    offset,
                    stored: stored.to_vec(),
                    record: Some(Box::new(record)),
                })
            }
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
