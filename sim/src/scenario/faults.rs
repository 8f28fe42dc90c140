//! Faults that reach a tag's memory without going through the tag: bits that rot, and an
//! adversary who rewrites the stored log.
//!
//! Bit rot flips one bit in each of some stored records. It spares the identity, the newest
//! record and the records next to an earlier flip: the log cannot tell a flipped bit in the
//! newest record from an append cut by a power failure, and repairs a flip only when an intact
//! record follows it (`docs/FORMAT.md`, 12.5 and 12.8).
//!
//! The adversary reads the log from the chip, changes it, and writes a whole new log in its
//! place, every CRC, segment header and chain head in the headers made right: what a careful
//! forger with the chip on a bench would do. Only the checkpoints' signatures, which need the
//! custodians' keys, cannot be made again, so the adversary changes only records that a
//! checkpoint covers: a change after the last checkpoint is not vouched for by anyone and no
//! verifier could find it.

use remtag::log::{LayoutConfig, Log};
use remtag::model::{Body, Record, Seq, TimeQuality, Timestamp, UtcSeconds};

use super::plan::TagPlan;
use super::{Scenario, TamperHow};
use crate::device::{Shared, SimChip};
use crate::image::{self, Item};
use crate::memory::{SimClock, SimDelay, SimEeprom, SimNorFlash};

/// A memory chip whose bytes a fault can reach.
pub trait Chip: SimChip {
    /// A new, blank chip of the same kind and size, and the delay its driver waits with.
    fn fresh(like: &Self) -> (Self, SimDelay);
    /// The chip's bytes, to change.
    fn bytes_mut(&mut self) -> &mut [u8];
}

impl Chip for SimEeprom {
    fn fresh(_like: &Self) -> (Self, SimDelay) {
        let chip = SimEeprom::with_clock(SimClock::new());
        let delay = chip.delay();
        (chip, delay)
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self.contents_mut()
    }
}

impl Chip for SimNorFlash<4, 4096> {
    fn fresh(like: &Self) -> (Self, SimDelay) {
        (
            SimNorFlash::new(like.contents().len()),
            SimClock::new().delay(),
        )
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        self.contents_mut()
    }
}

/// A flipped bit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rot {
    /// The record's sequence number.
    pub seq: Seq,
    /// Where the record starts on the chip.
    pub offset: u32,
    /// The bit, counted from the record's first byte.
    pub bit: u32,
}

/// The records stored on a chip whose bytes are `image`, with their offsets and lengths.
fn stored(image: &[u8]) -> Result<Vec<(Record, u32, usize)>, String> {
    let (_, items, _) = image::read(image)?;
    Ok(items
        .into_iter()
        .filter_map(|item| match item {
            Item::Record {
                offset,
                stored,
                record: Some(record),
            } => Some((*record, offset, stored.len())),
            _ => None,
        })
        .collect())
}

/// The records on a chip whose bytes are `image`.
pub fn records_of(image: &[u8]) -> Result<Vec<Record>, String> {
    Ok(stored(image)?.into_iter().map(|(r, _, _)| r).collect())
}

/// Flips one bit in each of `count` records of `chip` (fewer if fewer may rot), sparing those
/// next to `earlier` flips; returns the flips.
pub fn rot<C: Chip>(
    chip: &mut C,
    count: u32,
    earlier: &[Rot],
    rng: &mut fastrand::Rng,
) -> Result<Vec<Rot>, String> {
    let records = stored(&chip.image())?;
    let newest = records.iter().map(|(r, _, _)| r.header.seq).max();
    let mut taken: Vec<Seq> = earlier.iter().map(|r| r.seq).collect();
    let mut candidates: Vec<(Seq, u32, usize)> = records
        .iter()
        .map(|(r, offset, len)| (r.header.seq, *offset, *len))
        .filter(|(seq, _, _)| seq.0 > 0 && Some(*seq) != newest)
        .collect();
    rng.shuffle(&mut candidates);
    let mut rots = Vec::new();
    for (seq, offset, len) in candidates {
        if rots.len() as u32 == count {
            break;
        }
        if taken.iter().any(|t| t.0.abs_diff(seq.0) <= 1) {
            continue;
        }
        let bit = rng.u32(..(len as u32) * 8);
        let at = offset as usize + (bit / 8) as usize;
        if let Some(byte) = chip.bytes_mut().get_mut(at) {
            *byte ^= 1 << (bit % 8);
        }
        taken.push(seq);
        rots.push(Rot { seq, offset, bit });
    }
    Ok(rots)
}

/// The index of the tag whose records a swap takes: the next one in the same group.
pub fn donor_index(scenario: &Scenario, plan: &TagPlan) -> Option<usize> {
    let group = scenario.groups.iter().position(|g| g.name == plan.group)?;
    let count = scenario.groups[group].count;
    if count < 2 {
        return None;
    }
    let first: usize = scenario.groups[..group].iter().map(|g| g.count).sum();
    Some(first + plan.n % count)
}

/// Rewrites the log in `image` as `how` says, on `fresh`, a blank chip of the same kind;
/// `donor` holds another tag's records for a swap. Returns the new image and what was done,
/// or `None` when no record is signed yet.
pub fn tamper<C: Chip>(
    image: &[u8],
    how: TamperHow,
    donor: &[Record],
    fresh: (C, SimDelay),
    rng: &mut fastrand::Rng,
) -> Result<Option<(Vec<u8>, String)>, String> {
    let mut records = records_of(image)?;
    // The records the last checkpoint covers.
    let signed = records
        .iter()
        .rev()
        .find_map(|r| match &r.body {
            Body::Checkpoint(c) => Some(c.count as usize),
            _ => None,
        })
        .unwrap_or(0)
        .min(records.len());
    if signed < 2 {
        return Ok(None);
    }
    let detail = match how {
        TamperHow::Alter => {
            let k = rng.usize(1..signed);
            let header = &mut records[k].header;
            match header.time {
                Some(t) => {
                    header.time = Some(Timestamp {
                        at: UtcSeconds(t.at.0.saturating_add(3_600)),
                        quality: TimeQuality::Manual,
                    });
                    format!("record {k}'s time moved an hour later")
                }
                None => {
                    header.actor.0 = header.actor.0.wrapping_add(1);
                    format!("record {k}'s actor changed")
                }
            }
        }
        TamperHow::Delete => {
            let k = rng.usize(1..signed);
            records.remove(k);
            for r in records.iter_mut().skip(k) {
                r.header.seq.0 -= 1;
            }
            format!("record {k} deleted, the records after it numbered again")
        }
        TamperHow::Swap => {
            let differing: Vec<usize> = (0..signed)
                .filter(|k| donor.get(*k).is_some_and(|d| d.body != records[*k].body))
                .collect();
            if differing.is_empty() {
                return Ok(None);
            }
            let k = differing[rng.usize(..differing.len())];
            records[k] = donor[k].clone();
            format!("record {k} replaced by another tag's record {k}")
        }
    };
    Ok(Some((relay(fresh, &records)?, detail)))
}

/// A whole new log of `records` on `chip`, as the tag would have written it.
fn relay<C: Chip>((chip, delay): (C, SimDelay), records: &[Record]) -> Result<Vec<u8>, String> {
    let (first, rest) = records.split_first().ok_or("no records")?;
    let shared = Shared::new(chip);
    let mut log = Log::format(
        C::medium(shared.clone(), delay),
        LayoutConfig::default(),
        first,
    )
    .map_err(|e| format!("the forged log cannot be formatted: {e}"))?;
    for record in rest {
        log.append(record)
            .map_err(|e| format!("the forged log refuses record {}: {e}", record.header.seq))?;
    }
    drop(log);
    let image = shared.borrow_mut().image();
    Ok(image)
}
