//! Records as a segment stores them: the CRC XORed with the key of the segment's epoch, and
//! single-bit repair of records whose CRC does not match.

use super::layout::LayoutVersion;
use crate::codec::{self, CRC_LEN, crc_syndrome};

/// What a record's stored CRC is XORed with in its segment, so that bytes left from an
/// earlier use of the segment do not pass for its records.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum RecordKey {
    /// Layout version 1: records are stored as they are.
    #[default]
    None,
    /// Layout version 2: CRC-32C of the epoch as 4 bytes, little-endian. Distinct epochs have
    /// distinct keys (the CRC of 4 bytes is a bijection), so a record of an earlier use never
    /// passes as it stands. But the keys are linear in the epoch: for epochs that differ in
    /// one bit they differ by what one flipped bit near a record's end does to its CRC, so
    /// such a record may pass once repaired.
    EpochCrc(u32),
    /// Layout version 3: the CRC is taken over the epoch as 4 bytes, little-endian, then the
    /// record; stored XORed with the record's own CRC, the key depends on the epoch and the
    /// record's length. A record of an earlier epoch then differs from one of this epoch by
    /// the epochs' XOR placed before the record, and with one flipped bit more that is an error
    /// of at most 5 bits whenever the epochs differ in at most 4, which CRC-32C detects at
    /// every record length: one repair never turns it into a record of this use.
    EpochFirst(u32),
}

impl RecordKey {
    /// The key of the segment of `epoch` in layout `version`.
    pub(crate) fn new(version: LayoutVersion, epoch: u32) -> Self {
        match version {
            LayoutVersion::V1 => Self::None,
            LayoutVersion::V2 => Self::EpochCrc(codec::checksum(&epoch.to_le_bytes())),
            LayoutVersion::V3 => Self::EpochFirst(epoch),
        }
    }

    /// Whether records are keyed: only those of this use of the segment pass their CRC.
    pub(crate) fn is_keyed(self) -> bool {
        self != Self::None
    }

    /// Whether a search for records after damage counts those that pass with one bit
    /// repaired: only where no record of an earlier use passes so.
    pub(crate) fn searches_repaired(self) -> bool {
        matches!(self, Self::EpochFirst(_))
    }

    /// The CRC that a record whose CRC covers `covered` carries on the medium.
    fn stored_crc(self, covered: &[u8]) -> u32 {
        match self {
            Self::None => codec::checksum(covered),
            Self::EpochCrc(key) => codec::checksum(covered) ^ key,
            Self::EpochFirst(epoch) => codec::checksum_after(&epoch.to_le_bytes(), covered),
        }
    }

    /// What the stored CRC of a record whose CRC covers `covered` is XORed with.
    fn mask(self, covered: &[u8]) -> u32 {
        match self {
            Self::None => 0,
            Self::EpochCrc(key) => key,
            Self::EpochFirst(_) => self.stored_crc(covered) ^ codec::checksum(covered),
        }
    }
}

/// The bytes a record's CRC covers and its stored CRC, by the length its prefix gives.
fn split_crc(bytes: &[u8]) -> Option<(&[u8], u32)> {
    let len = codec::stored_len(bytes).ok()?;
    let crc_at = len.checked_sub(CRC_LEN)?;
    let stored: [u8; CRC_LEN] = bytes.get(crc_at..len)?.try_into().ok()?;
    Some((bytes.get(..crc_at)?, u32::from_le_bytes(stored)))
}

/// XORs the mask of `key` into the CRC of the record at the start of `bytes` (whose length
/// prefix says where it ends), turning a stored record into its form on the medium and back.
/// Returns the record's length, or `None` (and changes nothing) when `bytes` holds no whole
/// record.
pub(crate) fn apply_key(bytes: &mut [u8], key: RecordKey) -> Option<usize> {
    let (covered, _) = split_crc(bytes)?;
    let crc_at = covered.len();
    let mask = key.mask(covered);
    let crc = bytes.get_mut(crc_at..crc_at + CRC_LEN)?;
    for (b, k) in crc.iter_mut().zip(mask.to_le_bytes()) {
        *b ^= k;
    }
    Some(crc_at + CRC_LEN)
}

/// The length of the record of the segment keyed with `key` that starts `bytes`: a valid
/// envelope and CRC as it stands, or, where the key allows ([`RecordKey::searches_repaired`]),
/// with one bit flipped as single-bit repair would make it. On success `bytes` holds the
/// record with its key removed and any bit repaired; otherwise `bytes` is as it was. A search
/// then finds every record that a later read could repair, so that no read finds records an
/// earlier one missed.
pub(crate) fn record_at_start(bytes: &mut [u8], key: RecordKey) -> Option<usize> {
    if let Some(len) = intact_record(bytes, key) {
        return Some(len);
    }
    if !key.searches_repaired() {
        return None;
    }
    let mut len = None;
    first_repair(bytes, key, |flipped| {
        len = intact_record(flipped, key);
        len.is_some()
    })?;
    len
}

/// The length of the record at the start of `bytes` when, its key removed, its envelope and
/// CRC are valid; `bytes` then holds it without its key, and otherwise is as it was.
pub(crate) fn intact_record(bytes: &mut [u8], key: RecordKey) -> Option<usize> {
    let (covered, stored) = split_crc(bytes)?;
    // Most positions a search tries fail here, with one CRC.
    if stored != key.stored_crc(covered) {
        return None;
    }
    let len = apply_key(bytes, key)?;
    if codec::read_envelope(bytes).is_ok() {
        return Some(len);
    }
    apply_key(bytes, key);
    None
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
    key: RecordKey,
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
fn located_flip(bytes: &[u8], key: RecordKey) -> Option<usize> {
    let (covered, stored) = split_crc(bytes)?;
    let syndrome = stored ^ key.stored_crc(covered);
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
    use super::{RecordKey, apply_key, first_repair, flip, intact_record, record_at_start};
    use crate::codec::{self, FORMAT_VERSION};
    use proptest::prelude::*;
    use std::vec;
    use std::vec::Vec;

    /// A record as a segment keyed with `key` stores it: envelope byte, length, content, CRC.
    fn stored(record_type: u8, content: &[u8], key: RecordKey) -> Vec<u8> {
        let mut bytes = vec![FORMAT_VERSION << 4 | (record_type & 0x0f)];
        let mut len = [0u8; 5];
        bytes.extend_from_slice(postcard::to_slice(&(content.len() as u32), &mut len).unwrap());
        bytes.extend_from_slice(content);
        let crc = codec::checksum(&bytes);
        bytes.extend_from_slice(&crc.to_le_bytes());
        apply_key(&mut bytes, key);
        bytes
    }

    /// The keys of layout versions 2 and 3, for any epoch.
    fn any_key() -> impl Strategy<Value = RecordKey> {
        prop_oneof![
            any::<u32>().prop_map(RecordKey::EpochCrc),
            any::<u32>().prop_map(RecordKey::EpochFirst),
        ]
    }

    /// What single-bit repair means: flip every bit in turn, take the first that gives a valid
    /// envelope and CRC.
    fn first_flip_by_brute_force(bytes: &[u8], key: RecordKey) -> Option<usize> {
        let mut bytes = bytes.to_vec();
        (0..bytes.len() * 8).find(|&bit| {
            flip(&mut bytes, bit);
            let good = intact_record(&mut bytes, key).is_some();
            if good {
                apply_key(&mut bytes, key);
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
            key in any_key(),
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
                    apply_key(b, key);
                }
                good
            });
            prop_assert_eq!(found, expected);
            if codec::read_envelope(&{
                let mut plain = record.clone();
                apply_key(&mut plain, key);
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
            key in any_key(),
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
                    apply_key(b, key);
                }
                good
            });
            prop_assert_eq!(found, expected);
        }
    }

    proptest! {
        /// A record of an earlier use of the segment (an epoch below by a multiple of the
        /// segment count) with at most 4 bits of difference in the epoch never repairs into a
        /// record of this use under layout 3, and is never found by a search.
        #[test]
        fn a_record_of_an_earlier_use_never_repairs_into_one_of_this_use(
            record_type in 1u8..10,
            content in proptest::collection::vec(any::<u8>(), 1..220),
            epoch in 0u32..1 << 24,
            segments in 2u32..64,
            uses_back in 1u32..8,
        ) {
            let earlier = epoch.saturating_sub(uses_back * segments);
            prop_assume!(earlier < epoch && (epoch ^ earlier).count_ones() <= 4);
            let old = stored(record_type, &content, RecordKey::EpochFirst(earlier));
            let key = RecordKey::EpochFirst(epoch);
            prop_assert_eq!(record_at_start(&mut old.clone(), key), None);
            let tried = first_repair(&mut old.clone(), key, |b| intact_record(b, key).is_some());
            prop_assert_eq!(tried, None);
        }
    }

    /// Epochs 1 and 3 differ in one bit: under layout 2 a record of epoch 1 repairs into one
    /// of epoch 3 by a flip in its last bytes before the CRC, so layout 2 searches count
    /// intact records only; under layout 3 it does not.
    #[test]
    fn layout_2_keys_let_one_flip_turn_an_earlier_record_into_this_ones() {
        let v2 = |epoch: u32| RecordKey::EpochCrc(codec::checksum(&epoch.to_le_bytes()));
        let old = stored(2, &[7; 20], v2(1));
        let repaired = first_repair(&mut old.clone(), v2(3), |b| {
            intact_record(b, v2(3)).is_some()
        });
        assert!(repaired.is_some_and(|bit| bit >= 8 * (old.len() - 8)));
        assert_eq!(record_at_start(&mut old.clone(), v2(3)), None);
        let old = stored(2, &[7; 20], RecordKey::EpochFirst(1));
        let key = RecordKey::EpochFirst(3);
        assert_eq!(
            first_repair(&mut old.clone(), key, |b| intact_record(b, key).is_some()),
            None
        );
    }
}
