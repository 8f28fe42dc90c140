//! Where a single flipped bit lies, from what it did to a CRC-32C.
//!
//! CRC-32C is linear: flipping one bit of a message changes its CRC by a value that depends
//! only on how far the bit is from the message's end. Comparing the difference between the
//! stored and the computed CRC (the syndrome) with those values locates a single flipped bit in
//! one pass of shifts, instead of computing the CRC again for every bit of the message. The
//! `crc` crate computes CRCs but does not locate errors; the tests hold this module to it.

/// CRC-32C's polynomial, bit-reflected, as the `crc` crate's `CRC_32_ISCSI` processes it.
const POLY_REFLECTED: u32 = 0x82F6_3B78;

/// The bit of a message of `len` bytes whose flip changes the message's CRC-32C by `syndrome`,
/// counted from the first byte's least significant bit; `None` when no single bit does.
pub(crate) fn flipped_bit(len: usize, syndrome: u32) -> Option<usize> {
    if syndrome == 0 {
        return None;
    }
    let bits = len.checked_mul(8)?;
    // A set bit `b` of byte `j` leaves `8 (len - j) - b` shifts of a lone 1 in the register
    // (after its first `b` shifts it is that lone 1, and no feedback has been applied).
    let mut register = 1u32;
    for shifts in 1..=bits {
        register = (register >> 1) ^ if register & 1 == 1 { POLY_REFLECTED } else { 0 };
        if register == syndrome {
            let bytes_from_end = shifts.div_ceil(8);
            let byte = len - bytes_from_end;
            let bit = 8 * bytes_from_end - shifts;
            return Some(8 * byte + bit);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::flipped_bit;
    use crate::codec::checksum;
    use proptest::prelude::*;
    use std::vec::Vec;

    proptest! {
        /// Every single flip of a message is located where it is, by the CRC the `crc` crate
        /// computes.
        #[test]
        fn every_flipped_bit_is_found_where_it_is(
            message in proptest::collection::vec(any::<u8>(), 1..240),
            pick in any::<usize>(),
        ) {
            let bit = pick % (message.len() * 8);
            let mut flipped = message.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let syndrome = checksum(&message) ^ checksum(&flipped);
            prop_assert_eq!(flipped_bit(message.len(), syndrome), Some(bit));
        }

        /// Two flipped bits are never taken for one (CRC-32C's distance is above 2 at these
        /// lengths).
        #[test]
        fn two_flipped_bits_are_not_one(
            message in proptest::collection::vec(any::<u8>(), 1..240),
            a in any::<usize>(),
            b in any::<usize>(),
        ) {
            let bits = message.len() * 8;
            let (a, b) = (a % bits, b % bits);
            prop_assume!(a != b);
            let mut flipped = message.clone();
            flipped[a / 8] ^= 1 << (a % 8);
            flipped[b / 8] ^= 1 << (b % 8);
            let syndrome = checksum(&message) ^ checksum(&flipped);
            prop_assert_eq!(flipped_bit(message.len(), syndrome), None);
        }
    }

    #[test]
    fn every_bit_of_a_record_sized_message_is_found() {
        let message: Vec<u8> = (0..227u32).map(|i| (i * 37 + 11) as u8).collect();
        for bit in 0..message.len() * 8 {
            let mut flipped = message.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let syndrome = checksum(&message) ^ checksum(&flipped);
            assert_eq!(flipped_bit(message.len(), syndrome), Some(bit));
        }
        assert_eq!(flipped_bit(message.len(), 0), None);
    }
}
