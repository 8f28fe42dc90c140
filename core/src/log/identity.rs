//! The two identity slots on the medium: read with single-bit repair, written one after the
//! other so that a cut write always leaves one intact.

use super::blocks::{
    IDENTITY_LEN_PREFIX, IdentitySlot, MAX_IDENTITY_LEN, decode_identity, encode_identity,
    identity_len,
};
use super::error::{Damage, DamageReason, LayoutProblem, LogError};
use super::keyed::flip;
use super::layout::Layout;
use super::medium::{Counted, Medium};
use crate::codec::RecordBuf;
use crate::model::Seq;

/// The identity a mount found, and what was wrong with each copy.
pub(crate) struct Found {
    pub(crate) slot: IdentitySlot,
    /// Per copy: `None` when intact as stored, else the damage (a repaired bit, or a copy that
    /// could not be read), which the copy is rewritten for.
    pub(crate) damage: [Option<Damage>; 2],
    /// Per copy: intact but of an older generation, as a rewrite cut between the two copies
    /// leaves it. Rewritten too, but not damage.
    pub(crate) outdated: [bool; 2],
    /// The copy the slot was read from.
    pub(crate) chosen: usize,
}

impl Found {
    /// Whether copy `copy` must be rewritten from the chosen one.
    pub(crate) fn needs_rewrite(&self, copy: usize) -> bool {
        self.damage.get(copy).is_some_and(Option::is_some)
            || self.outdated.get(copy).is_some_and(|o| *o)
    }

    /// The order to rewrite the copies in: the other copy first, the chosen one last. The
    /// chosen copy may hold the only record of the newest generation (repaired by one bit):
    /// a cut while rewriting it first could leave only an older generation to read.
    pub(crate) fn rewrite_order(&self) -> [usize; 2] {
        [1 - self.chosen, self.chosen]
    }
}

/// Reads both identity slots; puts the newer intact one's record in `record`. A copy with one
/// flipped bit is repaired from its CRC. `Unformatted` when neither copy can be read.
pub(crate) fn read<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    record: &mut RecordBuf,
) -> Result<Found, LogError<M::Error>> {
    let mut best: Option<(IdentitySlot, usize)> = None;
    let mut damage = [None, None];
    let mut generations = [None, None];
    for ((copy, damage), generation) in (0..2u32).zip(damage.iter_mut()).zip(&mut generations) {
        let at = layout.identity_slot(copy);
        let mut buf = [0u8; MAX_IDENTITY_LEN];
        let read = read_slot(medium, layout, at, &mut buf).map_err(LogError::Medium)?;
        let (slot, repaired) = match read {
            Some(found) => found,
            None => {
                *damage = Some(Damage {
                    offset: at,
                    seq: Some(Seq(0)),
                    reason: DamageReason::IdentityCopy,
                });
                continue;
            }
        };
        *generation = Some(slot.generation);
        if let Some(bit) = repaired {
            *damage = Some(Damage {
                offset: at,
                seq: Some(Seq(0)),
                reason: DamageReason::BitFlipRepaired { bit },
            });
        }
        if best.is_none_or(|(b, _)| slot.generation > b.generation) {
            let bytes = buf
                .get(slot.record_at..slot.record_at + slot.record_len)
                .unwrap_or_default();
            record.clear();
            if record.extend_from_slice(bytes).is_ok() {
                best = Some((slot, copy as usize));
            }
        }
    }
    let (slot, chosen) = best.ok_or(LogError::Unformatted)?;
    let outdated = generations.map(|g| g.is_some_and(|g| g < slot.generation));
    Ok(Found {
        slot,
        damage,
        outdated,
        chosen,
    })
}

/// Reads the slot at `at` into `buf`: what it says and the bit repaired, if any. `None` when
/// it is not intact and no single flipped bit makes it so.
fn read_slot<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    at: u32,
    buf: &mut [u8; MAX_IDENTITY_LEN],
) -> Result<Option<(IdentitySlot, Option<u32>)>, M::Error> {
    let window = (layout.identity_slot_len as usize).min(MAX_IDENTITY_LEN);
    let prefix = IDENTITY_LEN_PREFIX.min(window);
    medium.read(at, buf.get_mut(..prefix).unwrap_or_default())?;
    if let Some(total) = identity_len(buf.get(..prefix).unwrap_or_default())
        .filter(|total| *total <= window && *total > prefix)
    {
        medium.read(
            at + prefix as u32,
            buf.get_mut(prefix..total).unwrap_or_default(),
        )?;
        if let Some(slot) = decode_identity(buf.get(..total).unwrap_or_default()) {
            return Ok(Some((slot, None)));
        }
    }
    // Not intact as it stands: try every single-bit flip, the CRC tells the right one.
    let bytes = buf.get_mut(..window).unwrap_or_default();
    medium.read(at, bytes)?;
    for bit in 0..window * 8 {
        flip(bytes, bit);
        let slot = identity_len(bytes)
            .and_then(|total| bytes.get(..total))
            .and_then(decode_identity);
        if let Some(slot) = slot {
            return Ok(Some((slot, Some(bit as u32))));
        }
        flip(bytes, bit);
    }
    Ok(None)
}

/// Writes identity slot `copy` of the newest layout: erased first on NOR flash.
pub(crate) fn write<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    copy: u32,
    generation: u32,
    floor: u32,
    record: &[u8],
) -> Result<(), LogError<M::Error>> {
    let mut buf = [0xffu8; MAX_IDENTITY_LEN + 16];
    let len = encode_identity(&mut buf, generation, floor, record)
        .filter(|len| *len as u32 <= layout.identity_slot_len)
        .ok_or(LogError::BadLayout(LayoutProblem::IdentityTooLarge))? as u32;
    let at = layout.identity_slot(copy);
    if layout.erase_before_write {
        medium
            .erase(at, at + layout.identity_slot_len)
            .map_err(LogError::Medium)?;
    }
    let bytes = buf
        .get(..layout.align(len) as usize)
        .ok_or(LogError::BadLayout(LayoutProblem::IdentityTooLarge))?;
    medium.program(at, bytes).map_err(LogError::Medium)
}

/// Writes both slots, A then B: a cut leaves at least one intact, the newer generation if the
/// first write was whole.
pub(crate) fn write_both<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    generation: u32,
    floor: u32,
    record: &[u8],
) -> Result<(), LogError<M::Error>> {
    for copy in 0..2 {
        write(medium, layout, copy, generation, floor, record)?;
    }
    Ok(())
}
