//! NFC tag memory (NTAG213/215/216): 4-byte pages written whole, with no tearing protection.
//!
//! NXP protects only a few configuration pages of the NTAG21x family against tearing (the static
//! and dynamic lock bits and the capability container); a WRITE to a page of user memory that
//! loses the field part-way may leave that page old, new, or with any mix of the bits of both.

use std::fmt;

use embedded_storage::{ReadStorage, Storage};

use super::power::{MixedBits, PowerControl, PowerCut, PowerRail};

/// Why a tag memory operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimTagError {
    /// Beyond the user memory.
    OutOfBounds,
    /// The field was lost (power cut); nothing more until power is restored.
    PowerLoss,
}

impl fmt::Display for SimTagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfBounds => f.write_str("beyond the user memory"),
            Self::PowerLoss => f.write_str("power lost"),
        }
    }
}

impl std::error::Error for SimTagError {}

/// The user memory of an NFC tag. A write of any length is done page by page, each page of 4
/// bytes written whole (read, modify, write) in one operation of 4 byte-steps of the shared
/// [power model](super::power).
///
/// A power cut tears the page being written; the pages before it are written, the pages after it
/// are not. Under [`Tear::Sequential`] the page's bytes before the cut step are new, the byte at
/// the step holds the [`CutWord`](super::power::CutWord), the rest are old. Under the other tears
/// each of the page's 4 bytes is old or new in the tear's pattern, and under
/// [`Tear::RandomBits`] a byte may also hold a mix of old and new bits: the tearing NXP does not
/// protect user pages from.
///
/// [`Tear::Sequential`]: super::power::Tear::Sequential
/// [`Tear::RandomBits`]: super::power::Tear::RandomBits
#[derive(Clone, Debug)]
pub struct SimTagMemory {
    bytes: Vec<u8>,
    rail: PowerRail,
    pages_written: u64,
}

impl SimTagMemory {
    /// Bytes in a page.
    pub const PAGE: usize = 4;
    /// NTAG213 user memory.
    pub const NTAG213: usize = 144;
    /// NTAG215 user memory.
    pub const NTAG215: usize = 504;
    /// NTAG216 user memory.
    pub const NTAG216: usize = 888;

    /// A tag with `capacity` bytes of user memory, all zero as shipped.
    pub fn new(capacity: usize) -> Self {
        SimTagMemory {
            bytes: vec![0; capacity],
            rail: PowerRail::new(),
            pages_written: 0,
        }
    }

    /// The user memory.
    pub fn contents(&self) -> &[u8] {
        &self.bytes
    }

    /// The user memory, to load an image or inject damage.
    pub fn contents_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }

    /// Page writes started so far, a cut one included.
    pub fn pages_written(&self) -> u64 {
        self.pages_written
    }

    /// Flips one bit, as radiation or wear might: bit `bit % 8` (0 = least significant) of the byte
    /// at `offset`. Any number of bits anywhere may be flipped, one call each; an offset beyond the
    /// user memory changes nothing.
    pub fn flip_bit(&mut self, offset: usize, bit: u8) {
        if let Some(b) = self.bytes.get_mut(offset) {
            *b ^= 1 << (bit % 8);
        }
    }
}

impl PowerControl for SimTagMemory {
    fn set_power_cut(&mut self, cut: PowerCut) {
        self.rail.arm(cut);
    }

    fn steps_taken(&self) -> u64 {
        self.rail.steps_taken()
    }

    /// Page writes completed.
    fn operations_taken(&self) -> u64 {
        self.rail.operations_taken()
    }

    fn is_powered(&self) -> bool {
        self.rail.is_powered()
    }

    fn restore_power(&mut self) {
        self.rail.restore();
    }
}

impl ReadStorage for SimTagMemory {
    type Error = SimTagError;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), SimTagError> {
        if !self.rail.is_powered() {
            return Err(SimTagError::PowerLoss);
        }
        let start = offset as usize;
        let src = self
            .bytes
            .get(start..start + bytes.len())
            .ok_or(SimTagError::OutOfBounds)?;
        bytes.copy_from_slice(src);
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl Storage for SimTagMemory {
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), SimTagError> {
        if !self.rail.is_powered() {
            return Err(SimTagError::PowerLoss);
        }
        let start = offset as usize;
        let end = start + data.len();
        if end > self.bytes.len() {
            return Err(SimTagError::OutOfBounds);
        }
        let mut at = start - start % Self::PAGE;
        while at < end {
            let mut page = [0u8; Self::PAGE];
            page.copy_from_slice(&self.bytes[at..at + Self::PAGE]);
            let mut new = page;
            for (i, b) in new.iter_mut().enumerate() {
                if (start..end).contains(&(at + i)) {
                    *b = data[at + i - start];
                }
            }
            self.pages_written += 1;
            if let Some(cut) = self.rail.operation(Self::PAGE) {
                let now = self.rail.scatter(cut, &page, &new, MixedBits::OldOrNew);
                self.bytes[at..at + Self::PAGE].copy_from_slice(&now);
                return Err(SimTagError::PowerLoss);
            }
            self.bytes[at..at + Self::PAGE].copy_from_slice(&new);
            at += Self::PAGE;
        }
        Ok(())
    }
}

/// A borrowed tag memory is a tag memory, so a harness keeps it when a log is dropped.
impl ReadStorage for &mut SimTagMemory {
    type Error = SimTagError;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), SimTagError> {
        (**self).read(offset, bytes)
    }

    fn capacity(&self) -> usize {
        self.bytes.len()
    }
}

impl Storage for &mut SimTagMemory {
    fn write(&mut self, offset: u32, data: &[u8]) -> Result<(), SimTagError> {
        (**self).write(offset, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::power::{CutWord, Tear};

    #[test]
    fn cut_page_write_leaves_bits_from_old_and_new_only() {
        let old = [0b1100_1010u8, 0x00, 0xFF, 0x5A];
        let new = [0b1010_0110u8, 0xFF, 0x00, 0x5A];
        let mut shapes = std::collections::HashSet::new();
        let mut mixed = false;
        for seed in 0..300 {
            for tear in Tear::catalogue(1).into_iter().chain([
                Tear::Sequential(CutWord::New),
                Tear::Only { start: 2, len: 1 },
            ]) {
                let mut tag = SimTagMemory::new(SimTagMemory::NTAG213);
                tag.contents_mut()[8..12].copy_from_slice(&old);
                tag.set_power_cut(PowerCut::after_steps(4 + seed % 4, tear, seed));
                assert_eq!(tag.write(4, &[0; 4]), Ok(()), "the first page is not cut");
                assert_eq!(tag.write(8, &new), Err(SimTagError::PowerLoss));
                let now = &tag.contents()[8..12];
                for i in 0..4 {
                    assert_eq!((now[i] ^ old[i]) & !(old[i] ^ new[i]), 0, "{tear:?} {seed}");
                }
                if tear == Tear::RandomBits {
                    mixed |= (0..4).any(|i| now[i] != old[i] && now[i] != new[i]);
                    shapes.insert((0..4).map(|i| now[i] == new[i]).collect::<Vec<_>>());
                } else {
                    assert!((0..4).all(|i| now[i] == old[i] || now[i] == new[i]));
                }
                assert_eq!((tag.pages_written(), tag.operations_taken()), (2, 1));
                assert_eq!(tag.steps_taken(), 4 + seed % 4);
            }
        }
        assert!(mixed);
        // Byte 3 never changes; the other three take every combination.
        assert_eq!(shapes.len(), 8);
    }

    #[test]
    fn a_cut_in_page_k_of_a_long_write() {
        let new: Vec<u8> = (1..=16).collect();
        for k in 0..4 {
            let mut tag = SimTagMemory::new(SimTagMemory::NTAG215);
            let run = tag.run_with_cut(PowerCut::in_operation(k, Tear::Last(1), 0), |tag| {
                tag.write(0, &new)
            });
            assert!(run.cut);
            let k = k as usize;
            let mut expected = [0u8; 16];
            expected[..4 * k].copy_from_slice(&new[..4 * k]);
            expected[4 * k + 3] = new[4 * k + 3];
            assert_eq!(&tag.contents()[..16], &expected);
        }
    }

    #[test]
    fn any_two_bits_flip() {
        let mut tag = SimTagMemory::new(SimTagMemory::NTAG216);
        tag.flip_bit(0, 0);
        tag.flip_bit(887, 7);
        tag.flip_bit(10, 2);
        tag.flip_bit(10, 5);
        assert_eq!(
            (tag.contents()[0], tag.contents()[887], tag.contents()[10]),
            (1, 0x80, 0x24)
        );
    }

    #[test]
    fn writes_whole_pages_and_tears_one_on_a_cut() {
        let mut tag = SimTagMemory::new(SimTagMemory::NTAG215);
        tag.write(2, &[1, 2, 3, 4]).unwrap();
        assert_eq!(&tag.contents()[..8], &[0, 0, 1, 2, 3, 4, 0, 0]);
        assert_eq!(tag.pages_written(), 2);
        tag.set_power_cut(PowerCut::after(5, CutWord::Old, 0));
        assert_eq!(tag.write(8, &[9; 8]), Err(SimTagError::PowerLoss));
        assert_eq!(&tag.contents()[8..16], &[9, 9, 9, 9, 9, 0, 0, 0]);
        let mut buf = [0u8; 1];
        assert_eq!(tag.read(0, &mut buf), Err(SimTagError::PowerLoss));
        tag.restore_power();
        assert_eq!(tag.read(8, &mut buf), Ok(()));
        assert_eq!(tag.write(500, &[0; 8]), Err(SimTagError::OutOfBounds));
    }
}
