//! Segment headers on the medium: read as stored, from the second copy, or repaired.

use super::blocks::{
    MAX_SEGMENT_HEADER_LEN, SEGMENT_PREFIX_LEN, SegmentHeader, decode_segment_header,
    encode_segment_header, segment_header_len,
};
use super::error::DamageReason;
use super::keyed::flip;
use super::layout::{Layout, LayoutVersion};
use super::medium::{Counted, Medium};

/// What the start of a segment holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum HeaderRead {
    /// Erased, zeroed, or never written: no header.
    Free,
    /// A header, now in the caller's buffer, with what was wrong with its copies, if anything:
    /// a bit repaired, or a copy that differs from the one used.
    Header(Option<DamageReason>),
    /// Bytes that are no header of this layout: a header write cut short, or damage.
    Unreadable,
}

/// A buffer for [`read`] to put a header in; also the first segment's header.
pub(crate) fn first_header() -> SegmentHeader {
    SegmentHeader {
        epoch: 0,
        start: None,
        prev_end: None,
    }
}

/// The length of `header` as encoded.
pub(crate) fn encoded_len(header: &SegmentHeader) -> Option<u32> {
    let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
    encode_segment_header(&mut buf, header, LayoutVersion::NEWEST).map(|n| n as u32)
}

/// Reads the header of segment `physical` into `out`.
///
/// The first copy is used when it is intact; otherwise the second (layout versions 2 and 3), found
/// where a header of its own length would put it; otherwise a single flipped bit of the first
/// copy is repaired from its CRC. So any two flipped bits leave a header readable. Whether
/// the segment holds records is the caller's question: a header that is not whole in both
/// copies over an empty segment is an opening cut short.
pub(crate) fn read<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    physical: u32,
    out: &mut SegmentHeader,
) -> Result<HeaderRead, M::Error> {
    let start = layout.segment_start(physical);
    let mut first = [0u8; MAX_SEGMENT_HEADER_LEN];
    let first_len = match read_copy(medium, layout, start, &mut first, out)? {
        Copy::Free => return Ok(HeaderRead::Free),
        Copy::Intact(len) => Some(len),
        Copy::NotAHeader => None,
    };
    if layout.version.header_copies() == 1 {
        if first_len.is_some() {
            return Ok(HeaderRead::Header(None));
        }
        return repair(medium, layout, start, out);
    }
    if let Some(len) = first_len {
        // The second copy must say the same, byte for byte.
        let mut second = [0u8; MAX_SEGMENT_HEADER_LEN];
        let copy = second.get_mut(..len).unwrap_or_default();
        medium.read(start + layout.align(len as u32), copy)?;
        let same = first.get(..len) == Some(&*copy);
        return Ok(HeaderRead::Header(
            (!same).then_some(DamageReason::HeaderCopy),
        ));
    }
    // The first copy is unreadable: the second lies after a first copy of its own length.
    let mut second = [0u8; MAX_SEGMENT_HEADER_LEN];
    let window = (MAX_SEGMENT_HEADER_LEN as u32).min(layout.segment_len);
    let mut len = (SEGMENT_PREFIX_LEN + 1 + crate::codec::CRC_LEN) as u32;
    let mut tried = 0;
    while len <= window {
        let at = layout.align(len);
        if at != tried && at + len <= layout.segment_len {
            tried = at;
            if let Copy::Intact(found) = read_copy(medium, layout, start + at, &mut second, out)?
                && layout.align(found as u32) == at
            {
                return Ok(HeaderRead::Header(Some(DamageReason::HeaderCopy)));
            }
        }
        len += 1;
    }
    repair(medium, layout, start, out)
}

/// One copy of a header as stored.
enum Copy {
    Free,
    /// Intact, this long, in the caller's buffer.
    Intact(usize),
    NotAHeader,
}

/// Reads the header copy at `at` into `buf` (its prefix, and the rest when the prefix names a
/// length that fits) and decodes it into `out`.
fn read_copy<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    at: u32,
    buf: &mut [u8; MAX_SEGMENT_HEADER_LEN],
    out: &mut SegmentHeader,
) -> Result<Copy, M::Error> {
    let prefix = buf.get_mut(..SEGMENT_PREFIX_LEN).unwrap_or_default();
    medium.read(at, prefix)?;
    if prefix.iter().all(|b| *b == 0xff) || prefix.iter().all(|b| *b == 0) {
        return Ok(Copy::Free);
    }
    let Some(len) = segment_header_len(prefix, layout.version)
        .filter(|l| *l <= MAX_SEGMENT_HEADER_LEN && *l as u32 <= layout.segment_len)
    else {
        return Ok(Copy::NotAHeader);
    };
    let rest = buf.get_mut(SEGMENT_PREFIX_LEN..len).unwrap_or_default();
    medium.read(at + SEGMENT_PREFIX_LEN as u32, rest)?;
    Ok(
        match decode_segment_header(buf.get(..len).unwrap_or_default(), out) {
            true => Copy::Intact(len),
            false => Copy::NotAHeader,
        },
    )
}

/// Tries every single-bit flip of the first copy at `start`; the CRC tells the right one.
fn repair<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    start: u32,
    out: &mut SegmentHeader,
) -> Result<HeaderRead, M::Error> {
    let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
    let window = (MAX_SEGMENT_HEADER_LEN as u32).min(layout.segment_len) as usize;
    let bytes = buf.get_mut(..window).unwrap_or_default();
    medium.read(start, bytes)?;
    for bit in 0..window * 8 {
        flip(bytes, bit);
        let repaired = segment_header_len(bytes, layout.version)
            .and_then(|len| bytes.get(..len))
            .is_some_and(|header| decode_segment_header(header, out));
        if repaired {
            return Ok(HeaderRead::Header(Some(DamageReason::BitFlipRepaired {
                bit: bit as u32,
            })));
        }
        flip(bytes, bit);
    }
    Ok(HeaderRead::Unreadable)
}

/// Whether a header of any layout version this log knows starts segment `physical`, intact as
/// stored: a segment that holds records.
pub(crate) fn any_version_at<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    physical: u32,
) -> Result<bool, M::Error> {
    let mut layout = *layout;
    let mut buf = [0u8; MAX_SEGMENT_HEADER_LEN];
    let mut out = first_header();
    for version in [LayoutVersion::V1, LayoutVersion::V2, LayoutVersion::V3] {
        layout.version = version;
        let at = layout.segment_start(physical);
        if let Copy::Intact(_) = read_copy(medium, &layout, at, &mut buf, &mut out)? {
            return Ok(true);
        }
    }
    Ok(false)
}
