//! Where things are on the medium: two identity slots, then equal segments.
//!
//! ```text
//! | identity A | identity B | segment 0 | segment 1 | ... | segment N-1 | (unused tail)
//! ```
//!
//! On NOR flash every slot and segment is a whole number of erase blocks, so each can be erased
//! alone. On rewritable memory the sizes are free; segments exist there so that space can be
//! reclaimed in units, and a segment header lets every segment be decoded on its own.

use super::medium::MediumInfo;
use super::{LayoutProblem, LogError};

/// Sizes chosen by the application; `None` picks a default for the medium.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LayoutConfig {
    /// Bytes of each identity slot. Default: 128; one erase block on NOR flash; 64 on memory
    /// smaller than 2 KiB (NFC tag memory), which holds a commission record of up to 54 bytes.
    pub identity_slot_len: Option<u32>,
    /// Bytes of each segment. Default: 1 KiB; on NOR flash the fewest erase blocks that make
    /// 512 bytes; everything after the identity slots when the memory is smaller than 2 KiB
    /// (NFC tag memory).
    pub segment_len: Option<u32>,
}

/// The layout of one medium.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Layout {
    /// Bytes of each identity slot.
    pub identity_slot_len: u32,
    /// Bytes of each segment.
    pub segment_len: u32,
    /// Number of segments.
    pub segments: u32,
    /// Program granularity.
    pub write_size: u32,
    /// Whether the medium must be erased before it is programmed.
    pub erase_before_write: bool,
    /// The layout version on the medium: the newest for a log this code formats, the one its
    /// identity names for a log it mounts.
    pub version: LayoutVersion,
}

/// A version of the layout on the medium (`docs/FORMAT.md` section 12). The log reads every
/// version and writes only the newest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LayoutVersion {
    /// One copy of each segment header, records stored as they are, an end marker after the
    /// last record on rewritable memory, and the oldest segment found from the headers.
    V1 = 1,
    /// Two copies of each segment header, each record's CRC keyed to its segment's epoch so
    /// that bytes left from a segment's earlier use never validate, and the oldest epoch in
    /// use kept with the identity.
    V2 = 2,
    /// As version 2, with each record's CRC taken over its segment's epoch and then the
    /// record: bytes of an earlier use then never repair into a record of this one either,
    /// so the search for records after damage counts records with one flipped bit too.
    V3 = 3,
}

impl LayoutVersion {
    /// The version this code writes.
    pub const NEWEST: LayoutVersion = LayoutVersion::V3;

    /// The version a stored version byte names, if this code knows it.
    pub fn from_byte(byte: u8) -> Option<LayoutVersion> {
        match byte {
            1 => Some(LayoutVersion::V1),
            2 => Some(LayoutVersion::V2),
            3 => Some(LayoutVersion::V3),
            _ => None,
        }
    }

    /// The version byte stored in every identity slot and segment header.
    pub fn byte(self) -> u8 {
        self as u8
    }

    /// How many copies of its header a segment starts with.
    pub fn header_copies(self) -> u32 {
        match self {
            LayoutVersion::V1 => 1,
            LayoutVersion::V2 | LayoutVersion::V3 => 2,
        }
    }
}

/// The smallest segment that holds a header and the largest record (checked in `blocks.rs`,
/// beside the largest header).
pub const MIN_SEGMENT_LEN: u32 = 512;

/// The smallest segment allowed on small NFC memories, where a segment may hold few records.
pub const MIN_SMALL_SEGMENT_LEN: u32 = 64;

impl Layout {
    /// The layout for `info` under `config`, or why there is none.
    pub fn new<E>(info: MediumInfo, config: LayoutConfig) -> Result<Layout, LogError<E>> {
        let bad = |why| Err(LogError::BadLayout(why));
        if info.write_size == 0 || info.write_size > 16 {
            return bad(LayoutProblem::WriteSize);
        }
        let block = info.erase_size.unwrap_or(info.write_size);
        if block == 0 || !block.is_multiple_of(info.write_size) {
            return bad(LayoutProblem::EraseSize);
        }
        let slot = config
            .identity_slot_len
            .unwrap_or(if info.erase_size.is_some() {
                block
            } else {
                128
            });
        let rest = info.capacity.saturating_sub(2 * slot);
        let segment = config.segment_len.unwrap_or(match info.erase_size {
            Some(erase) => MIN_SEGMENT_LEN.div_ceil(erase.max(1)) * erase,
            None if info.capacity < 2048 => rest - rest % info.write_size,
            None => 1024,
        });
        if !slot.is_multiple_of(block) || !segment.is_multiple_of(block) {
            return bad(LayoutProblem::NotWholeBlocks);
        }
        if segment < MIN_SMALL_SEGMENT_LEN || (info.capacity >= 2048 && segment < MIN_SEGMENT_LEN) {
            return bad(LayoutProblem::SegmentsTooSmall);
        }
        let segments = rest / segment;
        if segments == 0 {
            return bad(LayoutProblem::MediumTooSmall);
        }
        Ok(Layout {
            identity_slot_len: slot,
            segment_len: segment,
            segments,
            write_size: info.write_size,
            erase_before_write: info.erase_size.is_some(),
            version: LayoutVersion::NEWEST,
        })
    }

    /// Offset of identity slot 0 or 1.
    pub fn identity_slot(&self, copy: u32) -> u32 {
        copy * self.identity_slot_len
    }

    /// Offset of segment `physical`.
    pub fn segment_start(&self, physical: u32) -> u32 {
        2 * self.identity_slot_len + physical * self.segment_len
    }

    /// Offset just past segment `physical`.
    pub fn segment_end(&self, physical: u32) -> u32 {
        self.segment_start(physical) + self.segment_len
    }

    /// The physical segment that holds epoch `epoch`: segments are used in rotation.
    pub fn physical(&self, epoch: u32) -> u32 {
        self.ring(epoch)
    }

    /// The segment after `physical` in rotation.
    pub fn next(&self, physical: u32) -> u32 {
        self.ring(physical + 1)
    }

    /// Where a segment's records start, after its header copies of `header_len` bytes each.
    pub fn records_start(&self, physical: u32, header_len: u32) -> u32 {
        self.segment_start(physical) + self.version.header_copies() * self.align(header_len)
    }

    /// The epoch segment `physical` holds when it is in use and the oldest epoch in use is
    /// `floor`: segments are opened in rotation from segment 0 at epoch 0, so an epoch's
    /// segment is the epoch modulo the number of segments, and at most one epoch of each
    /// segment lies in the run of `segments` epochs from the floor.
    pub fn epoch_at(&self, physical: u32, floor: u32) -> u64 {
        let n = u64::from(self.segments.max(1));
        let behind = (u64::from(physical) + n - u64::from(floor) % n) % n;
        u64::from(floor) + behind
    }

    /// The segment an offset on the medium lies in, if it lies in one.
    pub fn segment_of(&self, offset: u32) -> Option<u32> {
        let from_first = offset.checked_sub(self.segment_start(0))?;
        let physical = from_first / self.segment_len.max(1);
        (physical < self.segments).then_some(physical)
    }

    /// `n` modulo the number of segments. A layout always has a segment; `max(1)` keeps a
    /// panic for dividing by zero out of the code all the same.
    pub(crate) fn ring(&self, n: u32) -> u32 {
        n % self.segments.max(1)
    }

    /// `n` rounded up to the write size (never zero either).
    #[inline(never)]
    pub fn align(&self, n: u32) -> u32 {
        let write_size = self.write_size.max(1);
        n.div_ceil(write_size) * write_size
    }
}
