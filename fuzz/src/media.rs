//! The simulator's memories as log media, and logs written on them to start from.

use remtag::chain::Chain;
use remtag::log::medium::{Eeprom24x256Medium, NorFlashMedium, RewritableMedium, eeprom_24x256};
use remtag::log::{LayoutConfig, Log, LogError, Medium};
use remtag::model::{Body, Checkpoint, List, Record, Seq};
use remtag_sim::memory::{SimDelay, SimEeprom, SimNorFlash, SimTagMemory};

use crate::{appendable, history, numbered};

/// A simulated memory chip and the layout a log takes on it.
pub trait Chip: Clone {
    /// The log medium over the chip.
    type M<'a>: Medium
    where
        Self: 'a;

    /// The chip as a log medium.
    fn medium(&mut self) -> Self::M<'_>;

    /// The layout a tag uses on this chip.
    fn config(&self) -> LayoutConfig;

    /// The chip's bytes, to edit directly.
    fn bytes_mut(&mut self) -> &mut [u8];

    /// The chip's size.
    fn capacity(&self) -> usize;

    /// What an unused chip holds.
    fn blank_byte(&self) -> u8;
}

impl Chip for SimEeprom {
    type M<'a> = Eeprom24x256Medium<&'a mut SimEeprom, SimDelay>;

    fn medium(&mut self) -> Self::M<'_> {
        let delay = self.delay();
        eeprom_24x256(self, delay)
    }

    fn config(&self) -> LayoutConfig {
        LayoutConfig::default()
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self.contents_mut()
    }

    fn capacity(&self) -> usize {
        self.contents().len()
    }

    fn blank_byte(&self) -> u8 {
        0xff
    }
}

impl<const W: usize, const E: usize> Chip for SimNorFlash<W, E> {
    type M<'a> = NorFlashMedium<&'a mut SimNorFlash<W, E>>;

    fn medium(&mut self) -> Self::M<'_> {
        NorFlashMedium::new(self)
    }

    fn config(&self) -> LayoutConfig {
        LayoutConfig::default()
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self.contents_mut()
    }

    fn capacity(&self) -> usize {
        self.contents().len()
    }

    fn blank_byte(&self) -> u8 {
        0xff
    }
}

impl Chip for SimTagMemory {
    type M<'a> = RewritableMedium<&'a mut SimTagMemory>;

    fn medium(&mut self) -> Self::M<'_> {
        RewritableMedium::new(self, SimTagMemory::PAGE as u32)
    }

    /// Small identity slots, as `remtag-sim decode` reads NFC tag memory.
    fn config(&self) -> LayoutConfig {
        LayoutConfig {
            identity_slot_len: Some(64),
            segment_len: None,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self.contents_mut()
    }

    fn capacity(&self) -> usize {
        self.contents().len()
    }

    fn blank_byte(&self) -> u8 {
        0
    }
}

/// A 24LC256 EEPROM, 32 KiB.
pub type Eeprom = SimEeprom;
/// NOR flash of 16 KiB with 4 KiB sectors and 4-byte words, as the simulator's tags have.
pub type NorLarge = SimNorFlash<4, 4096>;
/// NOR flash of 8 KiB with 256-byte sectors and 4-byte words.
pub type NorSmall = SimNorFlash<4, 256>;
/// NOR flash of 8 KiB with 256-byte sectors, written a byte at a time.
pub type NorBytes = SimNorFlash<1, 256>;

/// A blank 24LC256.
pub fn eeprom() -> Eeprom {
    SimEeprom::new()
}

/// A blank [`NorLarge`].
pub fn nor_large() -> NorLarge {
    SimNorFlash::new(16 * 1024)
}

/// A blank [`NorSmall`].
pub fn nor_small() -> NorSmall {
    SimNorFlash::new(8 * 1024)
}

/// A blank [`NorBytes`].
pub fn nor_bytes() -> NorBytes {
    SimNorFlash::new(8 * 1024)
}

/// A blank NTAG215 (504 bytes of user memory).
pub fn ntag215() -> SimTagMemory {
    SimTagMemory::new(SimTagMemory::NTAG215)
}

/// A blank NTAG216 (888 bytes of user memory).
pub fn ntag216() -> SimTagMemory {
    SimTagMemory::new(SimTagMemory::NTAG216)
}

/// How much a log holds before the fuzzer's bytes go over it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fill {
    /// Nothing: the chip as it comes.
    Blank,
    /// The identity and a few records.
    Short,
    /// Records until the log is full, a checkpoint, the segments before it reclaimed, and
    /// more records after, so that the segments wrap around.
    Wrapped,
}

/// `chip` with a log of `fill` written on it.
pub fn written<C: Chip>(mut chip: C, fill: Fill) -> C {
    if fill == Fill::Blank {
        return chip;
    }
    let records = history();
    let templates = appendable();
    let config = chip.config();
    let mut log = Log::format(chip.medium(), config, &records[0]).expect("a blank chip formats");
    let mut i = 0;
    match fill {
        Fill::Blank => {}
        Fill::Short => {
            for _ in 0..4 {
                if append_next(&mut log, &templates, &mut i).is_err() {
                    break;
                }
            }
        }
        Fill::Wrapped => {
            // Room is left for the checkpoint, as a tag leaves it.
            while log.free_space() > 256 && append_next(&mut log, &templates, &mut i).is_ok() {}
            let checkpoint = checkpoint_record(log.next_seq(), log.chain(), &records);
            if let Ok(seq) = log.append(&checkpoint) {
                log.reclaim(seq).ok();
            }
            // Half of what was freed is written again.
            let free = log.free_space();
            while log.free_space() > free / 2 && append_next(&mut log, &templates, &mut i).is_ok() {
            }
        }
    }
    drop(log);
    chip
}

/// Appends the next of `templates` after record `i`.
fn append_next<M: Medium>(
    log: &mut Log<M>,
    templates: &[Record],
    i: &mut usize,
) -> Result<Seq, LogError<M::Error>> {
    let seq = log.next_seq().ok_or(LogError::LogFull)?;
    *i += 1;
    log.append(&numbered(&templates[*i % templates.len()], seq))
}

/// A checkpoint over every record of `chain`, as record `seq`, with no signature: the log
/// takes it, and only a verifier asks who signed.
fn checkpoint_record(seq: Option<Seq>, chain: Chain, records: &[Record]) -> Record {
    let template = records
        .iter()
        .find(|r| matches!(r.body, Body::Checkpoint(_)))
        .expect("the story has checkpoints");
    let mut record = numbered(template, seq.unwrap_or(Seq(u32::MAX)));
    record.body = Body::Checkpoint(Checkpoint {
        count: chain.count(),
        head: chain.head(),
        signatures: List::new(),
    });
    record
}
