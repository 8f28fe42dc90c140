//! The two kinds of block the log writes besides records: identity slots and segment headers.
//!
//! Both end with a CRC-32C over everything before it, so a torn or rotten block is never
//! taken as valid.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use super::layout::LayoutVersion;
use crate::codec::{
    self, CRC_LEN, DeltaState, EncodeError, Fields, MAX_RECORD_LEN, Writer, read_digest,
};
use crate::model::Digest;

/// First byte of an identity slot; the layout version follows.
pub(crate) const IDENTITY_MAGIC: u8 = 0xA5;
/// First byte of a segment header; the layout version follows.
pub(crate) const SEGMENT_MAGIC: u8 = 0x5E;

/// Identity slot of layout version 1: magic, version, generation (`u32` LE), the commission
/// record as stored, CRC.
const IDENTITY_PREFIX_LEN_V1: usize = 2 + 4;
/// Identity slot of layout versions 2 and 3: magic, version, generation (`u32` LE), the oldest epoch
/// in use (`u32` LE), the commission record as stored, CRC.
pub(crate) const IDENTITY_PREFIX_LEN: usize = 2 + 4 + 4;
/// The most bytes an identity slot's contents take.
pub(crate) const MAX_IDENTITY_LEN: usize = IDENTITY_PREFIX_LEN + MAX_RECORD_LEN + CRC_LEN;

/// What an intact identity slot says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct IdentitySlot {
    pub(crate) version: LayoutVersion,
    /// How many times the slot has been written: the higher of two intact slots is the newer.
    pub(crate) generation: u32,
    /// The oldest epoch in use (layout versions 2 and 3); 0 in version 1, which does not store it.
    pub(crate) floor: u32,
    /// Where the commission record lies in the slot's bytes.
    pub(crate) record_at: usize,
    /// The record's length.
    pub(crate) record_len: usize,
}

fn identity_prefix_len(version: LayoutVersion) -> usize {
    match version {
        LayoutVersion::V1 => IDENTITY_PREFIX_LEN_V1,
        LayoutVersion::V2 | LayoutVersion::V3 => IDENTITY_PREFIX_LEN,
    }
}

/// Writes an identity slot of the newest layout into `out`; returns its length.
pub(crate) fn encode_identity(
    out: &mut [u8],
    generation: u32,
    floor: u32,
    record: &[u8],
) -> Option<usize> {
    let crc_at = IDENTITY_PREFIX_LEN + record.len();
    let total = crc_at + CRC_LEN;
    let out = out.get_mut(..total)?;
    *out.get_mut(0)? = IDENTITY_MAGIC;
    *out.get_mut(1)? = LayoutVersion::NEWEST.byte();
    out.get_mut(2..6)?
        .copy_from_slice(&generation.to_le_bytes());
    out.get_mut(6..10)?.copy_from_slice(&floor.to_le_bytes());
    codec::copy_into(out.get_mut(IDENTITY_PREFIX_LEN..)?, record)?;
    let crc = codec::checksum(out.get(..crc_at)?);
    out.get_mut(crc_at..)?.copy_from_slice(&crc.to_le_bytes());
    Some(total)
}

/// The whole length of the identity slot whose first bytes are `prefix` (its magic, version,
/// fields and the record's length prefix), if they look like one.
pub(crate) fn identity_len(prefix: &[u8]) -> Option<usize> {
    if *prefix.first()? != IDENTITY_MAGIC {
        return None;
    }
    let at = identity_prefix_len(LayoutVersion::from_byte(*prefix.get(1)?)?);
    let record_len = codec::stored_len(prefix.get(at..)?).ok()?;
    Some(at + record_len + CRC_LEN)
}

/// The bytes an identity slot's length can be told from: [`identity_len`] needs no more.
pub(crate) const IDENTITY_LEN_PREFIX: usize = IDENTITY_PREFIX_LEN + codec::LENGTH_PREFIX_LEN;

/// What the identity slot's contents `slot` say, exactly as long as [`identity_len`] gives, if
/// they are intact.
pub(crate) fn decode_identity(slot: &[u8]) -> Option<IdentitySlot> {
    if identity_len(slot)? != slot.len() {
        return None;
    }
    let version = LayoutVersion::from_byte(*slot.get(1)?)?;
    let record_at = identity_prefix_len(version);
    let generation = u32::from_le_bytes(slot.get(2..6)?.try_into().ok()?);
    let floor = match version {
        LayoutVersion::V1 => 0,
        LayoutVersion::V2 | LayoutVersion::V3 => {
            u32::from_le_bytes(slot.get(6..10)?.try_into().ok()?)
        }
    };
    let crc_at = slot.len().checked_sub(CRC_LEN)?;
    let stored = u32::from_le_bytes(slot.get(crc_at..)?.try_into().ok()?);
    (codec::checksum(slot.get(..crc_at)?) == stored).then_some(IdentitySlot {
        version,
        generation,
        floor,
        record_at,
        record_len: crc_at.checked_sub(record_at)?,
    })
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

// The smallest segment holds the largest header and the largest record, with room to align.
const _: () = assert!(
    super::layout::MIN_SEGMENT_LEN as usize >= MAX_SEGMENT_HEADER_LEN + MAX_RECORD_LEN + 2 * 16
);

/// Writes `header` into `out` as layout `version` stores it; returns its length.
///
/// The body is written field by field, as postcard writes `SegmentHeader`'s serde form: on a
/// Cortex-M0 the derived code takes about 1 KiB more flash. Tests hold both to the derive.
pub(crate) fn encode_segment_header(
    out: &mut [u8],
    header: &SegmentHeader,
    version: LayoutVersion,
) -> Option<usize> {
    let body = out.get_mut(SEGMENT_PREFIX_LEN..)?;
    let mut w = Writer::new(body, MAX_SEGMENT_HEADER_LEN);
    write_segment_body(&mut w, header).ok()?;
    let body_len = w.position();
    *out.get_mut(0)? = SEGMENT_MAGIC;
    *out.get_mut(1)? = version.byte();
    *out.get_mut(2)? = u8::try_from(body_len).ok()?;
    let crc_at = SEGMENT_PREFIX_LEN + body_len;
    let crc = codec::checksum(out.get(..crc_at)?);
    out.get_mut(crc_at..crc_at + CRC_LEN)?
        .copy_from_slice(&crc.to_le_bytes());
    Some(crc_at + CRC_LEN)
}

fn write_segment_body(w: &mut Writer<'_>, header: &SegmentHeader) -> Result<(), EncodeError> {
    w.put_u32(header.epoch)?;
    w.put_tag(header.start.is_some())?;
    if let Some(start) = &header.start {
        start.state.write(w)?;
        w.put_u32(start.chain_count)?;
        w.put_bytes(start.chain_head.as_array())?;
    }
    w.put_optional_u32(header.prev_end)
}

/// Reads the body of a segment header, as [`encode_segment_header`] writes it, into `out`;
/// `false` where postcard's reading of `SegmentHeader` fails, or bytes are left over (and
/// `out` then holds nothing to use).
fn read_segment_body(body: &[u8], out: &mut SegmentHeader) -> bool {
    let mut fields = Fields::new(body);
    read_segment_fields(&mut fields, out).is_ok() && fields.used() == body.len()
}

fn read_segment_fields(fields: &mut Fields<'_>, out: &mut SegmentHeader) -> postcard::Result<()> {
    out.epoch = fields.u32()?;
    out.start = match fields.tag()? {
        false => None,
        true => Some(SegmentStart {
            state: DeltaState::read(fields)?,
            chain_count: fields.u32()?,
            chain_head: read_digest(fields)?,
        }),
    };
    out.prev_end = fields.optional_u32()?;
    Ok(())
}

/// The total length of a segment header of layout `version` from its first three bytes, if
/// they look like one.
pub(crate) fn segment_header_len(prefix: &[u8], version: LayoutVersion) -> Option<usize> {
    if prefix.get(..2)? != [SEGMENT_MAGIC, version.byte()] {
        return None;
    }
    Some(SEGMENT_PREFIX_LEN + usize::from(*prefix.get(2)?) + CRC_LEN)
}

/// Reads the header in `bytes` (exactly as long as [`segment_header_len`] said) into `out`;
/// whether it is intact (when not, `out` holds nothing to use).
pub(crate) fn decode_segment_header(bytes: &[u8], out: &mut SegmentHeader) -> bool {
    let Some(crc_at) = bytes.len().checked_sub(CRC_LEN) else {
        return false;
    };
    let (Some(covered), Some(stored)) = (bytes.get(..crc_at), bytes.get(crc_at..)) else {
        return false;
    };
    let Ok(stored) = <[u8; CRC_LEN]>::try_from(stored) else {
        return false;
    };
    codec::checksum(covered) == u32::from_le_bytes(stored)
        && covered
            .get(SEGMENT_PREFIX_LEN..)
            .is_some_and(|body| read_segment_body(body, out))
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;

    use super::*;
    use crate::model::UtcSeconds;
    use crate::model::{GeoPoint, Location, PartyRef, PlaceRef, SealNumber, Seq, TzOffset};

    fn point() -> impl Strategy<Value = GeoPoint> {
        (-90_000_000i32..=90_000_000, -180_000_000i32..=180_000_000)
            .prop_filter_map("on the globe", |(lat, lon)| {
                GeoPoint::from_microdegrees(lat, lon)
            })
    }

    fn state() -> impl Strategy<Value = DeltaState> {
        let location = prop_oneof![
            Just(Location::Unknown),
            any::<u32>().prop_map(|p| Location::Place(PlaceRef(p))),
            point().prop_map(Location::Geo),
        ];
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of(any::<u32>()),
            -48i8..=56,
            proptest::option::of(any::<u32>()),
            location,
            proptest::option::of(point()),
            proptest::option::of(any::<u32>()),
        )
            .prop_map(|(seq, time, tz, actor, location, geo, seal)| DeltaState {
                last_seq: seq.map(Seq),
                last_time: time.map(UtcSeconds),
                tz: TzOffset::from_quarter_hours(tz).unwrap_or_default(),
                actor: actor.map(PartyRef),
                location,
                last_geo: geo,
                last_seal: seal.map(SealNumber),
            })
    }

    fn header() -> impl Strategy<Value = SegmentHeader> {
        let start = (state(), any::<u32>(), any::<[u8; 32]>()).prop_map(|(state, count, head)| {
            SegmentStart {
                state,
                chain_count: count,
                chain_head: Digest::from(head),
            }
        });
        (
            any::<u32>(),
            proptest::option::of(start),
            proptest::option::of(any::<u32>()),
        )
            .prop_map(|(epoch, start, prev_end)| SegmentHeader {
                epoch,
                start,
                prev_end,
            })
    }

    fn empty() -> SegmentHeader {
        SegmentHeader {
            epoch: 0,
            start: None,
            prev_end: None,
        }
    }

    /// What [`decode_segment_header`] makes of `bytes`.
    fn decoded(bytes: &[u8]) -> Option<SegmentHeader> {
        let mut out = empty();
        decode_segment_header(bytes, &mut out).then_some(out)
    }

    /// What [`read_segment_body`] makes of `body`.
    fn body_read(body: &[u8]) -> Option<SegmentHeader> {
        let mut out = empty();
        read_segment_body(body, &mut out).then_some(out)
    }

    /// What postcard's reading of `SegmentHeader`'s serde form makes of `body`.
    fn by_serde(body: &[u8]) -> Option<SegmentHeader> {
        match postcard::take_from_bytes::<SegmentHeader>(body) {
            Ok((header, [])) => Some(header),
            _ => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

        /// A header is written as postcard writes its serde form, and read back.
        #[test]
        fn headers_are_written_as_their_serde_form(header in header()) {
            let mut out = [0u8; MAX_SEGMENT_HEADER_LEN];
            let n = encode_segment_header(&mut out, &header, LayoutVersion::V1).unwrap_or(0);
            let mut serde = [0u8; MAX_SEGMENT_HEADER_LEN];
            let body = postcard::to_slice(&header, &mut serde).map(|b| b.to_vec());
            prop_assert_eq!(Ok(&out[SEGMENT_PREFIX_LEN..n - CRC_LEN]), body.as_deref());
            prop_assert_eq!(segment_header_len(&out[..SEGMENT_PREFIX_LEN], LayoutVersion::V1), Some(n));
            prop_assert_eq!(decoded(&out[..n]), Some(header));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, failure_persistence: None, ..ProptestConfig::default() })]

        /// Every byte of a header's body set to every value, and the body cut at every length,
        /// reads as serde reads it.
        #[test]
        fn every_change_of_a_body_reads_as_serde_reads_it(header in header()) {
            let mut serde = [0u8; MAX_SEGMENT_HEADER_LEN];
            let body: Vec<u8> = postcard::to_slice(&header, &mut serde).map(|b| b.to_vec()).unwrap_or_default();
            let mut changed = body.clone();
            for at in 0..body.len() {
                for value in 0..=u8::MAX {
                    changed[at] = value;
                    prop_assert_eq!(body_read(&changed), by_serde(&changed));
                }
                changed[at] = body[at];
                prop_assert_eq!(body_read(&body[..at]), by_serde(&body[..at]));
            }
        }
    }

    #[test]
    fn the_first_segments_header_is_the_documented_one() {
        let mut out = [0u8; MAX_SEGMENT_HEADER_LEN];
        let first = SegmentHeader {
            epoch: 0,
            start: None,
            prev_end: None,
        };
        let n = encode_segment_header(&mut out, &first, LayoutVersion::V1).unwrap_or(0);
        assert_eq!(
            out[..n],
            [0x5e, 0x01, 0x03, 0x00, 0x00, 0x00, 0x61, 0x7e, 0x6e, 0xca]
        );
    }
}
