//! A simulated NOR flash with write-once-per-erase words and power cuts.

use core::fmt;

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash, check_erase, check_read,
    check_write,
};

use super::power::{CutWord, PowerControl, PowerCut, PowerRail};

/// An error of [`SimNorFlash`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimFlashError {
    /// An offset or length is not a multiple of the operation's granularity.
    NotAligned,
    /// The range does not lie within the flash.
    OutOfBounds,
    /// A program touched a write word already programmed since its last erase;
    /// nothing was written.
    MultiWrite {
        /// Address of the first such word.
        offset: u32,
    },
    /// The power failed during this operation, or had failed before it.
    PowerLoss,
}

impl NorFlashError for SimFlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            Self::NotAligned => NorFlashErrorKind::NotAligned,
            Self::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            Self::MultiWrite { .. } | Self::PowerLoss => NorFlashErrorKind::Other,
        }
    }
}

impl From<NorFlashErrorKind> for SimFlashError {
    /// Maps the `check_*` helpers' kinds (only `NotAligned` and `OutOfBounds`).
    fn from(kind: NorFlashErrorKind) -> Self {
        match kind {
            NorFlashErrorKind::NotAligned => Self::NotAligned,
            _ => Self::OutOfBounds,
        }
    }
}

impl fmt::Display for SimFlashError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAligned => f.write_str("offset or length not aligned"),
            Self::OutOfBounds => f.write_str("range out of bounds"),
            Self::MultiWrite { offset } => {
                write!(
                    f,
                    "word at {offset:#x} already programmed since its last erase"
                )
            }
            Self::PowerLoss => f.write_str("power lost"),
        }
    }
}

impl std::error::Error for SimFlashError {}

/// Operation counters of a [`SimNorFlash`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NorStats {
    /// Bytes programmed, counting those of a word torn by a power cut up to
    /// and including the byte being programmed when it happened.
    pub bytes_programmed: u64,
    /// Program (`write`) calls that passed the argument checks.
    pub program_operations: u64,
    /// Erase calls that passed the argument checks.
    pub erase_operations: u64,
    /// Bytes returned by `read`.
    pub bytes_read: u64,
}

/// A NOR flash of `capacity` bytes, programmed in `WRITE`-byte words and
/// erased in `ERASE`-byte sectors.
///
/// - Programming ANDs the data into the old contents, and each word may be
///   programmed once per erase: programming it again fails with
///   [`SimFlashError::MultiWrite`] before anything is written.
///   [`MultiwriteNorFlash`](embedded_storage::nor_flash::MultiwriteNorFlash)
///   is deliberately not implemented.
/// - Erasing sets bytes to `0xFF` in ascending address order.
/// - Each byte programmed or erased is one byte-step of the [power
///   model](super::power). A program cut during byte `k` completes the words
///   before the one holding `k`, leaves that word per [`CutWord`] (`Random`
///   is `old & random`) and the rest untouched; the torn word counts as
///   programmed unless it reads back unchanged and the cut word is not `New`.
///   An erase cut during byte `k` leaves the bytes before `k` at `0xFF`, byte
///   `k` old, `0xFF` or random, and the rest untouched; only the words fully
///   erased count as unprogrammed again.
///
/// Cloning copies the contents (plus one bit per word and one counter per
/// sector), so it is as cheap as cloning a `Vec<u8>` of `capacity` bytes.
#[derive(Clone, Debug)]
pub struct SimNorFlash<const WRITE: usize, const ERASE: usize> {
    data: Vec<u8>,
    /// One bit per write word: programmed since its last erase.
    programmed: Vec<u64>,
    erase_counts: Vec<u32>,
    stats: NorStats,
    power: PowerRail,
}

impl<const WRITE: usize, const ERASE: usize> SimNorFlash<WRITE, ERASE> {
    /// An erased (all `0xFF`) flash of `capacity` bytes.
    ///
    /// # Panics
    ///
    /// If `capacity` is not a multiple of `ERASE` or does not fit a `u32`
    /// address. `WRITE` and `ERASE` must be non-zero with `ERASE` a multiple
    /// of `WRITE` (checked at compile time).
    pub fn new(capacity: usize) -> Self {
        const {
            assert!(WRITE > 0 && ERASE > 0 && ERASE.is_multiple_of(WRITE));
        }
        assert!(
            capacity.is_multiple_of(ERASE),
            "capacity {capacity} is not a multiple of the erase size {ERASE}"
        );
        assert!(
            u32::try_from(capacity).is_ok(),
            "capacity {capacity} does not fit u32 addresses"
        );
        Self {
            data: vec![0xFF; capacity],
            programmed: vec![0; (capacity / WRITE).div_ceil(64)],
            erase_counts: vec![0; capacity / ERASE],
            stats: NorStats::default(),
            power: PowerRail::new(),
        }
    }

    /// The whole flash, as it would read.
    pub fn contents(&self) -> &[u8] {
        &self.data
    }

    /// The whole flash, to edit directly (no step, counter or programmed mark
    /// changes).
    pub fn contents_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Inverts bit `bit` (0 = least significant) of the byte at `offset`, as
    /// bit rot would.
    ///
    /// # Panics
    ///
    /// If `offset` is out of bounds or `bit > 7`.
    pub fn flip_bit(&mut self, offset: usize, bit: u8) {
        assert!(bit < 8, "bit {bit} out of range");
        self.data[offset] ^= 1 << bit;
    }

    /// Whether the write word holding `offset` was programmed since its last
    /// erase.
    ///
    /// # Panics
    ///
    /// If `offset` is out of bounds.
    pub fn is_programmed(&self, offset: usize) -> bool {
        assert!(offset < self.data.len(), "offset {offset} out of bounds");
        let word = offset / WRITE;
        self.programmed[word / 64] & (1 << (word % 64)) != 0
    }

    /// How many times an erase of sector `sector` (address `sector * ERASE`)
    /// started, including erases cut short.
    ///
    /// # Panics
    ///
    /// If `sector` is out of bounds.
    pub fn erase_count(&self, sector: usize) -> u32 {
        self.erase_counts[sector]
    }

    /// The operation counters.
    pub fn stats(&self) -> NorStats {
        self.stats
    }

    /// See [`PowerControl::set_power_cut`].
    pub fn set_power_cut(&mut self, cut: PowerCut) {
        self.power.arm(cut);
    }

    /// See [`PowerControl::steps_taken`].
    pub fn steps_taken(&self) -> u64 {
        self.power.steps_taken()
    }

    /// See [`PowerControl::is_powered`].
    pub fn is_powered(&self) -> bool {
        self.power.is_powered()
    }

    /// See [`PowerControl::restore_power`].
    pub fn restore_power(&mut self) {
        self.power.restore();
    }

    fn ensure_powered(&self) -> Result<(), SimFlashError> {
        if self.power.is_powered() {
            Ok(())
        } else {
            Err(SimFlashError::PowerLoss)
        }
    }

    fn set_marks(&mut self, words: core::ops::Range<usize>, programmed: bool) {
        for word in words {
            let (slot, bit) = (word / 64, 1 << (word % 64));
            if programmed {
                self.programmed[slot] |= bit;
            } else {
                self.programmed[slot] &= !bit;
            }
        }
    }
}

impl<const WRITE: usize, const ERASE: usize> PowerControl for SimNorFlash<WRITE, ERASE> {
    fn set_power_cut(&mut self, cut: PowerCut) {
        SimNorFlash::set_power_cut(self, cut);
    }

    fn steps_taken(&self) -> u64 {
        SimNorFlash::steps_taken(self)
    }

    fn is_powered(&self) -> bool {
        SimNorFlash::is_powered(self)
    }

    fn restore_power(&mut self) {
        SimNorFlash::restore_power(self);
    }
}

impl<const WRITE: usize, const ERASE: usize> ErrorType for SimNorFlash<WRITE, ERASE> {
    type Error = SimFlashError;
}

impl<const WRITE: usize, const ERASE: usize> ReadNorFlash for SimNorFlash<WRITE, ERASE> {
    const READ_SIZE: usize = 1;

    fn read(&mut self, offset: u32, bytes: &mut [u8]) -> Result<(), Self::Error> {
        self.ensure_powered()?;
        check_read(self, offset, bytes.len())?;
        let start = offset as usize;
        bytes.copy_from_slice(&self.data[start..start + bytes.len()]);
        self.stats.bytes_read += bytes.len() as u64;
        Ok(())
    }

    fn capacity(&self) -> usize {
        self.data.len()
    }
}

impl<const WRITE: usize, const ERASE: usize> NorFlash for SimNorFlash<WRITE, ERASE> {
    const WRITE_SIZE: usize = WRITE;
    const ERASE_SIZE: usize = ERASE;

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        self.ensure_powered()?;
        check_erase(self, from, to)?;
        self.stats.erase_operations += 1;
        let (from, to) = (from as usize, to as usize);
        let cut = self.power.take_steps(to - from);
        // Bytes `from..end` are erased completely; the cut (if any) tears `end`.
        let end = cut.map_or(to, |k| from + k);
        let last_sector = if cut.is_some() {
            end / ERASE + 1
        } else {
            to / ERASE
        };
        for count in &mut self.erase_counts[from / ERASE..last_sector] {
            *count += 1;
        }
        self.data[from..end].fill(0xFF);
        let mut erased_words = from / WRITE..end / WRITE;
        if cut.is_some() {
            self.data[end] = self.power.torn(self.data[end], 0xFF);
            if (end + 1).is_multiple_of(WRITE) && self.power.cut_word() == CutWord::New {
                erased_words.end += 1;
            }
        }
        self.set_marks(erased_words, false);
        match cut {
            Some(_) => Err(SimFlashError::PowerLoss),
            None => Ok(()),
        }
    }

    fn write(&mut self, offset: u32, bytes: &[u8]) -> Result<(), Self::Error> {
        self.ensure_powered()?;
        check_write(self, offset, bytes.len())?;
        let start = offset as usize;
        let words = start / WRITE..(start + bytes.len()) / WRITE;
        if let Some(word) = words.clone().find(|&w| self.is_programmed(w * WRITE)) {
            return Err(SimFlashError::MultiWrite {
                // In bounds, so it fits a u32 (checked in `new`).
                offset: (word * WRITE) as u32,
            });
        }
        self.stats.program_operations += 1;
        let cut = self.power.take_steps(bytes.len());
        // Bytes `..done` of `bytes` are whole words programmed completely.
        let done = cut.map_or(bytes.len(), |k| k - k % WRITE);
        for (cell, byte) in self.data[start..start + done].iter_mut().zip(bytes) {
            *cell &= byte;
        }
        self.set_marks(words.start..words.start + done / WRITE, true);
        self.stats.bytes_programmed += done as u64;
        let Some(k) = cut else {
            return Ok(());
        };
        let torn_start = start + done;
        let mut changed = false;
        for (cell, byte) in self.data[torn_start..torn_start + WRITE]
            .iter_mut()
            .zip(&bytes[done..])
        {
            let old = *cell;
            *cell = old & self.power.torn(old, old & byte);
            changed |= *cell != old;
        }
        if changed || self.power.cut_word() == CutWord::New {
            let word = torn_start / WRITE;
            self.set_marks(word..word + 1, true);
        }
        self.stats.bytes_programmed += (k - done + 1) as u64;
        Err(SimFlashError::PowerLoss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_storage::nor_flash::MultiwriteNorFlash;

    type Flash = SimNorFlash<4, 256>;

    fn read_all(flash: &mut Flash) -> Vec<u8> {
        let mut out = vec![0; flash.capacity()];
        flash.read(0, &mut out).unwrap();
        out
    }

    #[test]
    fn new_flash_is_erased_with_the_declared_geometry() {
        let mut flash = Flash::new(1024);
        assert_eq!(flash.capacity(), 1024);
        assert_eq!(Flash::READ_SIZE, 1);
        assert_eq!(Flash::WRITE_SIZE, 4);
        assert_eq!(Flash::ERASE_SIZE, 256);
        assert!(read_all(&mut flash).iter().all(|&b| b == 0xFF));
        assert!(!flash.is_programmed(0));
        assert_eq!(flash.erase_count(3), 0);
        assert_eq!(flash.stats().bytes_read, 1024);
    }

    #[test]
    #[should_panic(expected = "not a multiple of the erase size")]
    fn capacity_must_be_whole_sectors() {
        let _ = Flash::new(1000);
    }

    #[test]
    fn multiwrite_is_not_implemented() {
        // `impls`-style probe: the inherent constant exists only if the bound holds.
        struct Probe<T>(core::marker::PhantomData<T>);
        trait Fallback {
            const MULTIWRITE: bool = false;
        }
        impl<T> Fallback for Probe<T> {}
        #[allow(dead_code)]
        impl<T: MultiwriteNorFlash> Probe<T> {
            const MULTIWRITE: bool = true;
        }
        const { assert!(!<Probe<Flash>>::MULTIWRITE) };
    }

    #[test]
    fn program_ands_into_old_contents() {
        let mut flash = Flash::new(512);
        flash.contents_mut()[4..8].copy_from_slice(&[0xF0, 0x0F, 0xFF, 0x00]);
        flash.write(4, &[0x3C, 0x3C, 0x3C, 0x3C]).unwrap();
        assert_eq!(&flash.contents()[4..8], &[0x30, 0x0C, 0x3C, 0x00]);
        assert!(flash.is_programmed(4) && flash.is_programmed(7));
        assert!(!flash.is_programmed(3) && !flash.is_programmed(8));
        let stats = flash.stats();
        assert_eq!(stats.bytes_programmed, 4);
        assert_eq!(stats.program_operations, 1);
    }

    #[test]
    fn program_checks_alignment_and_bounds() {
        let mut flash = Flash::new(512);
        assert_eq!(flash.write(2, &[0; 4]), Err(SimFlashError::NotAligned));
        assert_eq!(flash.write(4, &[0; 3]), Err(SimFlashError::NotAligned));
        assert_eq!(flash.write(512, &[0; 4]), Err(SimFlashError::OutOfBounds));
        assert_eq!(flash.write(508, &[0; 8]), Err(SimFlashError::OutOfBounds));
        assert_eq!(flash.stats().program_operations, 0);
        assert_eq!(flash.steps_taken(), 0);
        flash.write(508, &[0; 4]).unwrap();
        assert_eq!(flash.write(0, &[]), Ok(()));
    }

    #[test]
    fn read_checks_bounds() {
        let mut flash = Flash::new(512);
        let mut buf = [0; 4];
        assert_eq!(flash.read(510, &mut buf), Err(SimFlashError::OutOfBounds));
        flash.read(508, &mut buf).unwrap();
        flash.read(3, &mut buf[..1]).unwrap();
        assert_eq!(flash.stats().bytes_read, 5);
    }

    #[test]
    fn reprogramming_a_word_is_an_error_and_writes_nothing() {
        let mut flash = Flash::new(512);
        flash.write(8, &[0xFE; 4]).unwrap();
        // Same bits again is still a second program of the word.
        assert_eq!(
            flash.write(8, &[0xFE; 4]),
            Err(SimFlashError::MultiWrite { offset: 8 })
        );
        // A multi-word program that overlaps it is refused before any change.
        assert_eq!(
            flash.write(0, &[0; 12]),
            Err(SimFlashError::MultiWrite { offset: 8 })
        );
        assert!(flash.contents()[..8].iter().all(|&b| b == 0xFF));
        assert_eq!(flash.stats().program_operations, 1);
        flash.erase(0, 256).unwrap();
        flash.write(8, &[0x00; 4]).unwrap();
        assert_eq!(&flash.contents()[8..12], &[0; 4]);
    }

    #[test]
    fn erase_sets_ff_clears_marks_and_counts_per_sector() {
        let mut flash = Flash::new(1024);
        flash.write(0, &[0; 16]).unwrap();
        flash.write(300, &[0; 8]).unwrap();
        flash.write(600, &[0; 4]).unwrap();
        flash.erase(0, 512).unwrap();
        assert!(flash.contents()[..512].iter().all(|&b| b == 0xFF));
        assert_eq!(&flash.contents()[600..604], &[0; 4]);
        assert!(!flash.is_programmed(0) && !flash.is_programmed(300));
        assert!(flash.is_programmed(600));
        assert_eq!(
            (0..4).map(|s| flash.erase_count(s)).collect::<Vec<_>>(),
            [1, 1, 0, 0]
        );
        flash.erase(256, 256).unwrap();
        assert_eq!(flash.erase_count(1), 1, "an empty range erases nothing");
        assert_eq!(flash.stats().erase_operations, 2);
        assert_eq!(flash.steps_taken(), 16 + 8 + 4 + 512);
    }

    #[test]
    fn erase_checks_alignment_and_bounds() {
        let mut flash = Flash::new(512);
        assert_eq!(flash.erase(1, 256), Err(SimFlashError::NotAligned));
        assert_eq!(flash.erase(0, 255), Err(SimFlashError::NotAligned));
        assert_eq!(flash.erase(256, 768), Err(SimFlashError::OutOfBounds));
        assert_eq!(flash.erase(256, 0), Err(SimFlashError::OutOfBounds));
        assert_eq!(flash.stats().erase_operations, 0);
    }

    #[test]
    fn error_kinds() {
        assert_eq!(
            SimFlashError::NotAligned.kind(),
            NorFlashErrorKind::NotAligned
        );
        assert_eq!(
            SimFlashError::OutOfBounds.kind(),
            NorFlashErrorKind::OutOfBounds
        );
        assert_eq!(SimFlashError::PowerLoss.kind(), NorFlashErrorKind::Other);
        assert_eq!(
            SimFlashError::MultiWrite { offset: 4 }.kind(),
            NorFlashErrorKind::Other
        );
        assert_eq!(
            SimFlashError::MultiWrite { offset: 16 }.to_string(),
            "word at 0x10 already programmed since its last erase"
        );
    }

    #[test]
    fn bit_rot_and_direct_edits() {
        let mut flash = Flash::new(256);
        flash.flip_bit(10, 0);
        flash.flip_bit(11, 7);
        assert_eq!(&flash.contents()[10..12], &[0xFE, 0x7F]);
        flash.contents_mut()[12] = 0x42;
        let mut buf = [0; 3];
        flash.read(10, &mut buf).unwrap();
        assert_eq!(buf, [0xFE, 0x7F, 0x42]);
        assert!(!flash.is_programmed(12));
        assert_eq!(flash.steps_taken(), 0);
    }

    /// Programs 12 bytes at 16 with a cut during byte `k`.
    fn cut_program(k: u64, word: CutWord, seed: u64) -> Flash {
        let mut flash = Flash::new(256);
        flash.set_power_cut(PowerCut::after(k, word, seed));
        let data: Vec<u8> = (0..12).collect();
        assert_eq!(flash.write(16, &data), Err(SimFlashError::PowerLoss));
        flash
    }

    #[test]
    fn cut_program_old_new_random() {
        let new: Vec<u8> = (0..12).collect();
        // Byte 6 is in the second word (bytes 4..8).
        let flash = cut_program(6, CutWord::Old, 0);
        let c = &flash.contents()[16..28];
        assert_eq!(&c[..4], &new[..4]);
        assert!(c[4..].iter().all(|&b| b == 0xFF));
        assert!(flash.is_programmed(16) && !flash.is_programmed(20));
        assert_eq!(flash.steps_taken(), 6);
        assert_eq!(flash.stats().bytes_programmed, 7);

        let flash = cut_program(6, CutWord::New, 0);
        let c = &flash.contents()[16..28];
        assert_eq!(&c[..8], &new[..8]);
        assert!(c[8..].iter().all(|&b| b == 0xFF));
        assert!(flash.is_programmed(20) && !flash.is_programmed(24));

        let flash = cut_program(6, CutWord::Random, 99);
        assert_eq!(
            flash.contents()[16..28],
            cut_program(6, CutWord::Random, 99).contents()[16..28]
        );
        let c = &flash.contents()[16..28];
        assert_eq!(&c[..4], &new[..4]);
        assert_ne!(&c[4..8], &[0xFF; 4], "seed 99 tears the word");
        assert!(c[8..].iter().all(|&b| b == 0xFF));
        assert!(flash.is_programmed(20));
    }

    #[test]
    fn random_tear_only_clears_bits() {
        for seed in 0..50 {
            let mut flash = Flash::new(256);
            flash.contents_mut()[0..4].copy_from_slice(&[0xF0, 0x0F, 0xAA, 0x55]);
            flash.set_power_cut(PowerCut::after(1, CutWord::Random, seed));
            assert_eq!(flash.write(0, &[0; 4]), Err(SimFlashError::PowerLoss));
            for (now, old) in flash.contents()[0..4]
                .iter()
                .zip([0xF0u8, 0x0F, 0xAA, 0x55])
            {
                assert_eq!(now & !old, 0, "seed {seed}: set a bit");
            }
        }
    }

    #[test]
    fn old_tear_leaves_the_word_programmable() {
        let mut flash = cut_program(4, CutWord::Old, 0);
        flash.restore_power();
        flash.write(20, &[0xAB; 4]).unwrap();
        assert_eq!(&flash.contents()[20..24], &[0xAB; 4]);
    }

    #[test]
    fn unpowered_until_restored() {
        let mut flash = cut_program(0, CutWord::New, 0);
        assert!(!flash.is_powered());
        let mut buf = [0; 4];
        assert_eq!(flash.read(0, &mut buf), Err(SimFlashError::PowerLoss));
        assert_eq!(flash.write(64, &[0; 4]), Err(SimFlashError::PowerLoss));
        assert_eq!(flash.erase(0, 256), Err(SimFlashError::PowerLoss));
        let steps = flash.steps_taken();
        flash.restore_power();
        assert!(flash.is_powered());
        flash.read(16, &mut buf).unwrap();
        assert_eq!(buf, [0, 1, 2, 3]);
        // The cut is cleared: a long program now completes.
        flash.write(64, &[0; 64]).unwrap();
        assert_eq!(flash.steps_taken(), steps + 64);
    }

    #[test]
    fn cut_erase_old_new_random() {
        let setup = |k, word, seed| {
            let mut flash = Flash::new(768);
            flash.write(0, &[0; 768]).unwrap();
            flash.set_power_cut(PowerCut::after(k, word, seed));
            assert_eq!(flash.erase(0, 512), Err(SimFlashError::PowerLoss));
            flash
        };
        // Byte 258 is in the second sector, in the word 256..260.
        let flash = setup(258, CutWord::Old, 0);
        let c = flash.contents();
        assert!(c[..258].iter().all(|&b| b == 0xFF));
        assert!(c[258..].iter().all(|&b| b == 0));
        assert!(!flash.is_programmed(252) && flash.is_programmed(256));
        assert_eq!((flash.erase_count(0), flash.erase_count(1)), (1, 1));
        assert_eq!(flash.erase_count(2), 0);

        let flash = setup(258, CutWord::New, 0);
        assert!(flash.contents()[..259].iter().all(|&b| b == 0xFF));
        assert_eq!(flash.contents()[259], 0);
        assert!(flash.is_programmed(256));

        // New on the last byte of a word erases that word completely.
        let flash = setup(259, CutWord::New, 0);
        assert!(!flash.is_programmed(256) && flash.is_programmed(260));

        let flash = setup(258, CutWord::Random, 5);
        assert_eq!(
            flash.contents()[258],
            setup(258, CutWord::Random, 5).contents()[258]
        );
        assert!(flash.contents()[..258].iter().all(|&b| b == 0xFF));
        assert!(flash.contents()[259..].iter().all(|&b| b == 0));

        // A cut in the first sector does not count the second one.
        let flash = setup(3, CutWord::Old, 0);
        assert_eq!((flash.erase_count(0), flash.erase_count(1)), (1, 0));
    }

    /// The harness pattern: count the steps of a sequence, then replay it
    /// with a cut at every step; a cut state always lies between the states
    /// before and after the operation in flight.
    #[test]
    fn cut_at_every_step_of_a_sequence() {
        fn run(flash: &mut Flash) -> Result<(), SimFlashError> {
            flash.write(0, &[0x11; 8])?;
            flash.write(8, &[0x22; 4])?;
            flash.erase(0, 256)?;
            flash.write(4, &[0x33; 4])
        }
        let mut counter = Flash::new(256);
        run(&mut counter).unwrap();
        let total = counter.steps_taken();
        assert_eq!(total, 8 + 4 + 256 + 4);
        for word in [CutWord::Old, CutWord::New, CutWord::Random] {
            for k in 0..total {
                let mut flash = Flash::new(256);
                flash.set_power_cut(PowerCut::after(k, word, k));
                assert_eq!(run(&mut flash), Err(SimFlashError::PowerLoss), "step {k}");
                assert_eq!(flash.steps_taken(), k);
                flash.restore_power();
                let c = read_all(&mut flash);
                if (12..12 + 256).contains(&k) {
                    let erased = (k - 12) as usize;
                    assert!(c[..erased].iter().all(|&b| b == 0xFF), "step {k}");
                    assert!(c.iter().take(12).skip(erased + 1).all(|&b| b != 0xFF));
                }
            }
            let mut flash = Flash::new(256);
            flash.set_power_cut(PowerCut::after(total, word, 0));
            run(&mut flash).unwrap();
            assert!(flash.is_powered());
        }
    }

    #[test]
    fn clone_is_independent() {
        let mut a = Flash::new(256);
        a.write(0, &[0; 4]).unwrap();
        let mut b = a.clone();
        b.erase(0, 256).unwrap();
        assert_eq!(a.contents()[0], 0);
        assert!(a.is_programmed(0) && !b.is_programmed(0));
        assert_eq!(b.steps_taken(), 4 + 256);
        assert_eq!(a.steps_taken(), 4);
    }

    #[test]
    fn power_control_trait_forwards() {
        fn cut_now<M: PowerControl>(memory: &mut M) {
            memory.set_power_cut(PowerCut::after(0, CutWord::Old, 0));
        }
        let mut flash = Flash::new(256);
        cut_now(&mut flash);
        assert!(flash.write(0, &[0; 4]).is_err());
        assert!(!PowerControl::is_powered(&flash));
        PowerControl::restore_power(&mut flash);
        assert!(PowerControl::is_powered(&flash));
        assert_eq!(PowerControl::steps_taken(&flash), 0);
    }
}
