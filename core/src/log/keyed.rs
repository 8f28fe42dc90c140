//! Records as a segment stores them: the CRC XORed with the key of the segment's epoch, and
//! single-bit repair of records whose CRC does not match.

use super::layout::LayoutVersion;
use crate::codec::{self, CRC_LEN, crc_syndrome};

/// The key a record's CRC is stored XORed with in the segment of `epoch` (layout version 2):
/// CRC-32C of the epoch as 4 bytes, little-endian. Distinct epochs have distinct keys (a CRC
/// of a fixed 4-byte input is a bijection), so a record left from an earlier use of a segment
/// never passes its CRC, as it stands, in a later one.
pub(crate) fn record_key(version: LayoutVersion, epoch: u32) -> u32 {
    match version {
        LayoutVersion::V1 => 0,
        LayoutVersion::V2 => codec::checksum(&epoch.to_le_bytes()),
    }
}

/// The bytes a record's CRC covers and its stored CRC, by the length its prefix gives.
fn split_crc(bytes: &[u8]) -> Option<(&[u8], u32)> {
    let len = codec::stored_len(bytes).ok()?;
    let crc_at = len.checked_sub(CRC_LEN)?;
    let stored: [u8; CRC_LEN] = bytes.get(crc_at..len)?.try_into().ok()?;
    Some((bytes.get(..crc_at)?, u32::from_le_bytes(stored)))
}

/// XORs `key` into the CRC of the record at the start of `bytes` (whose length prefix says
/// where it ends), turning a stored record into its form on the medium and back. Returns the
/// record's length, or `None` (and changes nothing) when `bytes` holds no whole record.
pub(crate) fn apply_key(bytes: &mut [u8], key: u32) -> Option<usize> {
    let len = codec::stored_len(bytes).ok()?;
    let crc = bytes.get_mut(len.checked_sub(CRC_LEN)?..len)?;
    for (b, k) in crc.iter_mut().zip(key.to_le_bytes()) {
        *b ^= k;
    }
    Some(len)
}

/// Single-bit repair of the record at the start of `bytes`, stored with `key`: tries, in
/// increasing bit order, each flip that can give a valid envelope and CRC, and returns the
/// first bit with which `accept`, given the flipped bytes, says yes (they are left as `accept`
/// left them). Otherwise `bytes` is as it was. This tries what flipping every bit in turn
/// would, with one CRC per flip tried; the flips that can succeed are:
/// - when the format version in the first byte is one bit wrong, that bit alone (no other
///   flip can make it right);
/// - when it is right: each bit of the length's bytes, which may change the length, and the
///   one bit that the CRC points to at the length as it stands (any other flip that keeps the
///   length leaves the CRC wrong).
pub(crate) fn first_repair(
    bytes: &mut [u8],
    key: u32,
    mut accept: impl FnMut(&mut [u8]) -> bool,
) -> Option<usize> {
    let first = *bytes.first()?;
    let version_off = (first >> 4) ^ codec::FORMAT_VERSION;
    let (length_bits, located) = match version_off.count_ones() {
        0 => {
            let length_bits = 8..codec::LENGTH_PREFIX_LEN.min(bytes.len()) * 8;
            (length_bits, located_flip(bytes, key))
        }
        1 => (0..0, Some(4 + version_off.trailing_zeros() as usize)),
        _ => return None,
    };
    let before = located.filter(|bit| *bit < length_bits.start);
    let after = located.filter(|bit| *bit >= length_bits.end);
    for bit in before.into_iter().chain(length_bits).chain(after) {
        flip(bytes, bit);
        if accept(bytes) {
            return Some(bit);
        }
        flip(bytes, bit);
    }
    None
}

/// The one bit whose flip makes the CRC of the record at the start of `bytes` (stored with
/// `key`) right, the record's length being the one its prefix gives: in its stored CRC, or in
/// the bytes the CRC covers.
fn located_flip(bytes: &[u8], key: u32) -> Option<usize> {
    let (covered, stored) = split_crc(bytes)?;
    let syndrome = stored ^ key ^ codec::checksum(covered);
    if syndrome.count_ones() == 1 {
        return Some(8 * covered.len() + syndrome.trailing_zeros() as usize);
    }
    crc_syndrome::flipped_bit(covered.len(), syndrome)
}

/// Flips bit `bit` of `bytes`, counted from the first byte's least significant bit: single-bit
/// repair tries each in turn.
pub(crate) fn flip(bytes: &mut [u8], bit: usize) {
    if let Some(b) = bytes.get_mut(bit / 8) {
        *b ^= 1 << (bit % 8);
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::{apply_key, first_repair, flip};
    use crate::codec::{self, FORMAT_VERSION};
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// The length of the record at the start of `bytes` when, its key removed, its envelope and
    /// CRC are valid; `bytes` then holds it without its key, and otherwise is as it was.
    fn intact_record(bytes: &mut [u8], key: u32) -> Option<usize> {
        let len = apply_key(bytes, key)?;
        if codec::read_envelope(bytes).is_ok() {
            return Some(len);
        }
        apply_key(bytes, key);
        None
    }

    /// A record as a segment keyed with `key` stores it: envelope byte, length, content, CRC.
    fn stored(record_type: u8, content: &[u8], key: u32) -> Vec<u8> {
        let mut bytes = vec![FORMAT_VERSION << 4 | (record_type & 0x0f)];
        let mut len = [0u8; 5];
        bytes.extend_from_slice(postcard::to_slice(&(content.len() as u32), &mut len).unwrap());
        bytes.extend_from_slice(content);
        let crc = codec::checksum(&bytes) ^ key;
        bytes.extend_from_slice(&crc.to_le_bytes());
        bytes
    }

    /// What single-bit repair means: flip every bit in turn, take the first that gives a valid
    /// envelope and CRC.
    fn first_flip_by_brute_force(bytes: &[u8], key: u32) -> Option<usize> {
        let mut bytes = bytes.to_vec();
        (0..bytes.len() * 8).find(|&bit| {
            flip(&mut bytes, bit);
            let good = intact_record(&mut bytes, key).is_some();
            if good {
                super::apply_key(&mut bytes, key);
            }
            flip(&mut bytes, bit);
            good
        })
    }

    proptest! {
        /// A record with one bit flipped anywhere (length, content or CRC) is repaired at the
        /// bit flipping every bit in turn finds, and comes back as it was stored.
        #[test]
        fn a_flipped_bit_is_repaired_as_trying_every_bit_would(
            record_type in 0u8..16,
            content in proptest::collection::vec(any::<u8>(), 1..220),
            key in any::<u32>(),
            // Often in the envelope byte and the length, where flips change the most.
            pick in prop_oneof![0usize..32, any::<usize>()],
            tail in proptest::collection::vec(any::<u8>(), 0..8),
        ) {
            let record = stored(record_type, &content, key);
            let mut bytes = record.clone();
            bytes.extend_from_slice(&tail);
            let bit = pick % (record.len() * 8);
            flip(&mut bytes, bit);
            let expected = first_flip_by_brute_force(&bytes, key);
            let found = first_repair(&mut bytes.clone(), key, |b| {
                let good = intact_record(b, key).is_some();
                if good {
                    super::apply_key(b, key);
                }
                good
            });
            prop_assert_eq!(found, expected);
            if codec::read_envelope(&{
                let mut plain = record.clone();
                super::apply_key(&mut plain, key);
                plain
            }).is_ok() {
                // A valid record type: the repair gives it back.
                prop_assert_eq!(found, Some(bit));
            }
        }

        /// On arbitrary bytes, the flips tried are those that can succeed: the same answer as
        /// trying every bit.
        #[test]
        fn arbitrary_bytes_repair_as_trying_every_bit_would(
            mut bytes in proptest::collection::vec(any::<u8>(), 0..240),
            version in prop_oneof![Just(None), (0u8..5).prop_map(Some)],
            key in any::<u32>(),
        ) {
            // The format version as it stands, or one bit off, or as the bytes have it.
            if let (Some(bit), Some(first)) = (version, bytes.first_mut()) {
                let off = if bit < 4 { 1 << bit } else { 0 };
                *first = ((FORMAT_VERSION ^ off) << 4) | (*first & 0x0f);
            }
            let expected = first_flip_by_brute_force(&bytes, key);
            let mut tried = bytes.clone();
            let found = first_repair(&mut tried, key, |b| {
                let good = intact_record(b, key).is_some();
                if good {
                    super::apply_key(b, key);
                }
                good
            });
            prop_assert_eq!(found, expected);
        }
    }
}
