//! The two kinds of block the log writes besides records: identity slots and segment headers.
//!
//! Both end with a CRC-32C over everything before it, so a torn or rotten block is never
//! taken as valid.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::codec::{self, CRC_LEN, DeltaState, MAX_RECORD_LEN};
use crate::model::Digest;

/// First bytes of an identity slot: a marker and the layout version.
pub(crate) const IDENTITY_MAGIC: [u8; 2] = [0xA5, 0x01];
/// First bytes of a segment header: a marker and the layout version.
pub(crate) const SEGMENT_MAGIC: [u8; 2] = [0x5E, 0x01];

/// Identity slot: magic, generation (`u32` LE), the commission record as stored, CRC.
pub(crate) const IDENTITY_PREFIX_LEN: usize = 2 + 4;
/// The most bytes an identity slot's contents take.
pub(crate) const MAX_IDENTITY_LEN: usize = IDENTITY_PREFIX_LEN + MAX_RECORD_LEN + CRC_LEN;

/// Writes an identity slot into `out`; returns its length.
pub(crate) fn encode_identity(out: &mut [u8], generation: u32, record: &[u8]) -> Option<usize> {
    let crc_at = IDENTITY_PREFIX_LEN + record.len();
    let total = crc_at + CRC_LEN;
    let out = out.get_mut(..total)?;
    out.get_mut(..2)?.copy_from_slice(&IDENTITY_MAGIC);
    out.get_mut(2..6)?
        .copy_from_slice(&generation.to_le_bytes());
    out.get_mut(6..crc_at)?.copy_from_slice(record);
    let crc = codec::checksum(out.get(..crc_at)?);
    out.get_mut(crc_at..)?.copy_from_slice(&crc.to_le_bytes());
    Some(total)
}

/// The generation and stored commission record of an identity slot, if it is intact.
pub(crate) fn decode_identity(slot: &[u8]) -> Option<(u32, &[u8])> {
    if slot.get(..2)? != IDENTITY_MAGIC {
        return None;
    }
    let generation = u32::from_le_bytes(slot.get(2..6)?.try_into().ok()?);
    let record = slot.get(IDENTITY_PREFIX_LEN..)?;
    let record_len = codec::stored_len(record).ok()?;
    let crc_at = IDENTITY_PREFIX_LEN + record_len;
    let stored = u32::from_le_bytes(slot.get(crc_at..crc_at + CRC_LEN)?.try_into().ok()?);
    (codec::checksum(slot.get(..crc_at)?) == stored)
        .then_some((generation, record.get(..record_len)?))
}

/// What a segment header says: everything needed to read the segment without the ones
/// before it, which may have been reclaimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SegmentHeader {
    /// The segment's number: one more than the segment before it.
    pub epoch: u32,
    /// Where the records before this segment left the codec and the chain; `None` for the
    /// first segment, whose records follow the identity record directly.
    pub start: Option<SegmentStart>,
    /// Where the valid records of the previous segment end, as an offset into that segment;
    /// anything there after it is a torn append that was never acknowledged.
    pub prev_end: Option<u32>,
}

/// The state at the start of a segment: what its first record is coded and chained against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SegmentStart {
    /// The codec state after the last record before this segment.
    pub state: DeltaState,
    /// The number of records before this segment (the identity record included).
    pub chain_count: u32,
    /// The chain head after those records.
    pub chain_head: Digest,
}

/// Segment header layout: magic, body length (1 byte), postcard body, CRC.
pub(crate) const SEGMENT_PREFIX_LEN: usize = 3;
/// The most bytes a segment header takes.
pub(crate) const MAX_SEGMENT_HEADER_LEN: usize =
    SEGMENT_PREFIX_LEN + SegmentHeader::POSTCARD_MAX_SIZE + CRC_LEN;

const _: () = assert!(SegmentHeader::POSTCARD_MAX_SIZE < 256);

/// Writes `header` into `out`; returns its length.
pub(crate) fn encode_segment_header(out: &mut [u8], header: &SegmentHeader) -> Option<usize> {
    let body_len = postcard::to_slice(header, out.get_mut(SEGMENT_PREFIX_LEN..)?)
        .ok()?
        .len();
    out.get_mut(..2)?.copy_from_slice(&SEGMENT_MAGIC);
    *out.get_mut(2)? = u8::try_from(body_len).ok()?;
    let crc_at = SEGMENT_PREFIX_LEN + body_len;
    let crc = codec::checksum(out.get(..crc_at)?);
    out.get_mut(crc_at..crc_at + CRC_LEN)?
        .copy_from_slice(&crc.to_le_bytes());
    Some(crc_at + CRC_LEN)
}

/// The total length of a segment header from its first three bytes, if they look like one.
pub(crate) fn segment_header_len(prefix: &[u8]) -> Option<usize> {
    if prefix.get(..2)? != SEGMENT_MAGIC {
        return None;
    }
    Some(SEGMENT_PREFIX_LEN + usize::from(*prefix.get(2)?) + CRC_LEN)
}

/// The header in `bytes` (exactly as long as [`segment_header_len`] said), if it is intact.
pub(crate) fn decode_segment_header(bytes: &[u8]) -> Option<SegmentHeader> {
    let crc_at = bytes.len().checked_sub(CRC_LEN)?;
    let stored = u32::from_le_bytes(bytes.get(crc_at..)?.try_into().ok()?);
    if codec::checksum(bytes.get(..crc_at)?) != stored {
        return None;
    }
    let (header, rest) =
        postcard::take_from_bytes::<SegmentHeader>(bytes.get(SEGMENT_PREFIX_LEN..crc_at)?).ok()?;
    rest.is_empty().then_some(header)
}
