//! NFC tag memory (NTAG213/215/216): 4-byte pages written whole, with no tearing protection.

use std::fmt;

use embedded_storage::{ReadStorage, Storage};

use super::power::{PowerControl, PowerCut, PowerRail};

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
/// bytes written whole (read, modify, write); a power cut tears the page being written, byte by
/// byte, as the shared power model says.
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

    /// Pages written so far.
    pub fn pages_written(&self) -> u64 {
        self.pages_written
    }

    /// Flips one bit, as radiation or wear might.
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
            if let Some(torn) = self.rail.take_steps(Self::PAGE) {
                for i in 0..Self::PAGE {
                    self.bytes[at + i] = match i.cmp(&torn) {
                        std::cmp::Ordering::Less => new[i],
                        std::cmp::Ordering::Equal => self.rail.torn(page[i], new[i]),
                        std::cmp::Ordering::Greater => page[i],
                    };
                }
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
    use crate::memory::power::CutWord;

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
