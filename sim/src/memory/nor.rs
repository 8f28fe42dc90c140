//! A simulated NOR flash with write-once-per-erase words and power cuts that
//! tear its program and erase operations as its cells would.

use core::fmt;

use embedded_storage::nor_flash::{
    ErrorType, NorFlash, NorFlashError, NorFlashErrorKind, ReadNorFlash, check_erase, check_read,
    check_write,
};

use super::power::{
    CutWord, Interruption, MixedBits, PowerControl, PowerCut, PowerRail, SplitMix, Tear,
};

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
    /// Bytes programmed. A program torn by a power cut counts, under
    /// [`Tear::Sequential`], its bytes up to and including the one being
    /// programmed when it happened, and under any other tear all its bytes.
    pub bytes_programmed: u64,
    /// Program (`write`) calls that passed the argument checks.
    pub program_operations: u64,
    /// Erase calls that passed the argument checks.
    pub erase_operations: u64,
    /// Sector erases started (an erase call over several sectors counts each
    /// one it reached, a cut one included).
    pub sectors_erased: u64,
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
/// - Each byte programmed or erased is one byte-step of the [power
///   model](super::power). Its operations are a program call, and the erase
///   of each sector of an erase call (sectors in ascending order, each
///   completed before the next starts).
///
/// Power cuts under [`Tear::Sequential`] (the deterministic model of
/// [`PowerCut::after`]): a program cut during byte `k` completes the words
/// before the one holding `k`, leaves that word per [`CutWord`] (`Random` is
/// `old & random`) and the rest untouched; the torn word counts as programmed
/// unless it reads back unchanged and the cut word is not `New`. An erase cut
/// during byte `k` of a sector leaves the bytes before `k` at `0xFF`, byte `k`
/// old, `0xFF` or random, and the rest untouched; only the words fully erased
/// count as unprogrammed again.
///
/// Power cuts under the other tears follow the cells' physics:
/// - A program changes all its bits together: the [`Tear`] picks which of
///   its bytes took their 1→0 changes, and [`Tear::RandomBits`] any subset of
///   a byte's changes. A cut program never sets a bit and never clears a bit
///   the data leaves at 1. A word counts as programmed if it reads changed.
/// - An erase raises all the 0 bits of a sector together, each at its own
///   pace: every byte ends old, `0xFF`, or partly erased (some of its 0 bits
///   now 1), in any order, the header no more likely to go first than any
///   other byte. A cut erase never clears a bit. A word counts as
///   unprogrammed again if it reads all `0xFF`.
/// - The bits the torn operation was changing become *marginal*
///   ([`marginal_bits`](Self::marginal_bits)): their cells sit between the
///   programmed and the erased state, read as they read now, and take random
///   values on [`disturb_marginal_bits`](Self::disturb_marginal_bits), as
///   time, temperature or read disturb would make them. Programming a
///   marginal bit to 0 or completing an erase of its sector makes it solid.
/// - A torn erase leaves its sector [not
///   completed](Self::erase_completed) until an erase of it completes, even
///   when every byte reads `0xFF` ([`Tear::Complete`]): the model knows what
///   a reader cannot tell.
///
/// Cloning copies the contents (plus one bit per word, a counter and a flag
/// per sector, and the marginal bits of torn sectors), so it is about as cheap
/// as cloning a `Vec<u8>` of `capacity` bytes.
#[derive(Clone, Debug)]
pub struct SimNorFlash<const WRITE: usize, const ERASE: usize> {
    data: Vec<u8>,
    /// One bit per write word: programmed since its last erase.
    programmed: Vec<u64>,
    erase_counts: Vec<u32>,
    /// Per sector: whether its last erase (if any) completed.
    erase_completed: Vec<bool>,
    /// Per sector: the marginal bits of each byte, `None` when there are none.
    marginal: Vec<Option<Box<[u8]>>>,
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
            erase_completed: vec![true; capacity / ERASE],
            marginal: vec![None; capacity / ERASE],
            stats: NorStats::default(),
            power: PowerRail::new(),
        }
    }

    /// The whole flash, as it would read.
    pub fn contents(&self) -> &[u8] {
        &self.data
    }

    /// The whole flash, to edit directly (no step, counter, programmed mark
    /// or marginal bit changes).
    pub fn contents_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Inverts bit `bit` (0 = least significant) of the byte at `offset`, as
    /// bit rot would. Any number of bits anywhere may be flipped, one call
    /// each, two in the same byte included.
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

    /// Whether the last erase of sector `sector` ran to completion (`true`
    /// for a sector never erased, as shipped). A power cut during an erase
    /// makes it `false`, whatever the sector reads, until an erase of the
    /// sector completes.
    ///
    /// # Panics
    ///
    /// If `sector` is out of bounds.
    pub fn erase_completed(&self, sector: usize) -> bool {
        self.erase_completed[sector]
    }

    /// The marginal bits of the byte at `offset`: bits a torn operation left
    /// between states, which read as they do now until
    /// [`disturb_marginal_bits`](Self::disturb_marginal_bits).
    ///
    /// # Panics
    ///
    /// If `offset` is out of bounds.
    pub fn marginal_bits(&self, offset: usize) -> u8 {
        assert!(offset < self.data.len(), "offset {offset} out of bounds");
        self.marginal[offset / ERASE]
            .as_ref()
            .map_or(0, |bits| bits[offset % ERASE])
    }

    /// How many marginal bits the whole flash holds.
    pub fn marginal_bit_count(&self) -> u64 {
        self.marginal
            .iter()
            .flatten()
            .flat_map(|bits| bits.iter())
            .map(|b| u64::from(b.count_ones()))
            .sum()
    }

    /// Gives every marginal bit a value drawn from `seed`, as a cell left
    /// between states may read either way after time, heat or many reads.
    /// The bits stay marginal. Takes no step and changes no counter.
    pub fn disturb_marginal_bits(&mut self, seed: u64) {
        let mut rng = SplitMix(seed);
        for (sector, bits) in self.marginal.iter().enumerate() {
            let Some(bits) = bits else { continue };
            let base = sector * ERASE;
            for (cell, &bits) in self.data[base..base + ERASE].iter_mut().zip(bits.iter()) {
                if bits != 0 {
                    *cell = (*cell & !bits) | (rng.next_u8() & bits);
                }
            }
        }
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

    /// See [`PowerControl::operations_taken`].
    pub fn operations_taken(&self) -> u64 {
        self.power.operations_taken()
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

    /// Adds `bits[i]` to the marginal bits of byte `start + i`, within one
    /// sector.
    fn add_marginal(&mut self, start: usize, bits: impl Iterator<Item = u8>) {
        let sector = start / ERASE;
        let mask = self.marginal[sector].get_or_insert_with(|| vec![0; ERASE].into());
        for (slot, bits) in mask[start % ERASE..].iter_mut().zip(bits) {
            *slot |= bits;
        }
    }

    /// Makes solid the marginal bits that a program of `bytes` at `start`
    /// drove to 0.
    fn settle_programmed(&mut self, start: usize, bytes: &[u8]) {
        let mut at = start;
        let mut rest = bytes;
        while !rest.is_empty() {
            let sector = at / ERASE;
            let len = rest.len().min(ERASE - at % ERASE);
            if let Some(mask) = &mut self.marginal[sector] {
                for (slot, byte) in mask[at % ERASE..].iter_mut().zip(&rest[..len]) {
                    *slot &= byte;
                }
            }
            at += len;
            rest = &rest[len..];
        }
    }

    fn erase_sector(&mut self, sector: usize) -> Result<(), SimFlashError> {
        let base = sector * ERASE;
        self.stats.sectors_erased += 1;
        self.erase_counts[sector] += 1;
        let Some(cut) = self.power.operation(ERASE) else {
            self.data[base..base + ERASE].fill(0xFF);
            self.set_marks(base / WRITE..(base + ERASE) / WRITE, false);
            self.erase_completed[sector] = true;
            self.marginal[sector] = None;
            return Ok(());
        };
        self.erase_completed[sector] = false;
        if let Tear::Sequential(word) = cut.tear {
            // Bytes `base..end` are erased completely; the cut tears `end`.
            let end = base + cut.step;
            self.data[base..end].fill(0xFF);
            if let Some(mask) = &mut self.marginal[sector] {
                mask[..cut.step].fill(0);
            }
            self.data[end] = self.power.torn(self.data[end], 0xFF);
            let mut erased_words = base / WRITE..end / WRITE;
            if (end + 1).is_multiple_of(WRITE) && word == CutWord::New {
                erased_words.end += 1;
            }
            self.set_marks(erased_words, false);
        } else {
            let old = self.data[base..base + ERASE].to_vec();
            let now = self
                .power
                .scatter(cut, &old, &vec![0xFF; ERASE], MixedBits::OldOrNew);
            self.data[base..base + ERASE].copy_from_slice(&now);
            self.add_marginal(base, old.iter().map(|&b| !b));
            for word in base / WRITE..(base + ERASE) / WRITE {
                let cells = &self.data[word * WRITE..(word + 1) * WRITE];
                if cells.iter().all(|&b| b == 0xFF) {
                    self.set_marks(word..word + 1, false);
                }
            }
        }
        Err(SimFlashError::PowerLoss)
    }
}

impl<const WRITE: usize, const ERASE: usize> PowerControl for SimNorFlash<WRITE, ERASE> {
    fn set_power_cut(&mut self, cut: PowerCut) {
        SimNorFlash::set_power_cut(self, cut);
    }

    fn steps_taken(&self) -> u64 {
        SimNorFlash::steps_taken(self)
    }

    fn operations_taken(&self) -> u64 {
        SimNorFlash::operations_taken(self)
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
        for sector in from as usize / ERASE..to as usize / ERASE {
            self.erase_sector(sector)?;
        }
        Ok(())
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
        let Some(cut) = self.power.operation(bytes.len()) else {
            for (cell, byte) in self.data[start..].iter_mut().zip(bytes) {
                *cell &= byte;
            }
            self.settle_programmed(start, bytes);
            self.set_marks(words, true);
            self.stats.bytes_programmed += bytes.len() as u64;
            return Ok(());
        };
        if let Tear::Sequential(word) = cut.tear {
            self.tear_program_sequential(start, bytes, cut.step, word);
        } else {
            self.tear_program(start, bytes, cut);
        }
        Err(SimFlashError::PowerLoss)
    }
}

impl<const WRITE: usize, const ERASE: usize> SimNorFlash<WRITE, ERASE> {
    /// A program of `bytes` at `start` torn by `cut`, as its cells would be.
    fn tear_program(&mut self, start: usize, bytes: &[u8], cut: Interruption) {
        let end = start + bytes.len();
        let old = self.data[start..end].to_vec();
        let new: Vec<u8> = old.iter().zip(bytes).map(|(o, b)| o & b).collect();
        let now = self.power.scatter(cut, &old, &new, MixedBits::OldOrNew);
        self.data[start..end].copy_from_slice(&now);
        // The cells being charged are those of bits going from 1 to 0.
        let mut at = start;
        while at < end {
            let len = (end - at).min(ERASE - at % ERASE);
            let changing = old[at - start..at - start + len]
                .iter()
                .zip(&new[at - start..])
                .map(|(o, n)| o & !n);
            self.add_marginal(at, changing);
            at += len;
        }
        for word in start / WRITE..end / WRITE {
            let span = word * WRITE - start..(word + 1) * WRITE - start;
            if old[span.clone()] != now[span] {
                self.set_marks(word..word + 1, true);
            }
        }
        self.stats.bytes_programmed += bytes.len() as u64;
    }

    /// The address-order program cut during byte `k` of `bytes` at `start`.
    fn tear_program_sequential(&mut self, start: usize, bytes: &[u8], k: usize, word: CutWord) {
        // Bytes `..done` of `bytes` are whole words programmed completely.
        let done = k - k % WRITE;
        for (cell, byte) in self.data[start..start + done].iter_mut().zip(bytes) {
            *cell &= byte;
        }
        self.settle_programmed(start, &bytes[..done]);
        let first = start / WRITE;
        self.set_marks(first..first + done / WRITE, true);
        self.stats.bytes_programmed += done as u64;
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
        if changed || word == CutWord::New {
            let word = torn_start / WRITE;
            self.set_marks(word..word + 1, true);
        }
        self.stats.bytes_programmed += (k - done + 1) as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::power::SplitMix;
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

    /// A flash whose sector 1 (256..512) holds varied programmed bytes, each
    /// with some 0 bits, and whose sector 0 is programmed too.
    fn programmed_sectors() -> Flash {
        let mut flash = Flash::new(768);
        let data: Vec<u8> = (0..512u32).map(|i| (i * 37 % 255) as u8 & 0x7E).collect();
        flash.write(0, &data).unwrap();
        flash
    }

    #[test]
    fn cut_erase_leaves_old_erased_and_partly_erased_bytes_in_any_order() {
        const HEADER: usize = 8;
        let base = programmed_sectors();
        let old = base.contents()[256..512].to_vec();
        let (mut header_kept, mut header_lost, mut all_three) = (0, 0, 0);
        for seed in 0..400 {
            for tear in [Tear::RandomBits, Tear::RandomBytes] {
                let mut flash = base.clone();
                // Sector 0 is the first operation of the call, sector 1 the second.
                flash.set_power_cut(PowerCut::in_operation(1, tear, seed));
                assert_eq!(flash.erase(0, 512), Err(SimFlashError::PowerLoss));
                assert!(flash.contents()[..256].iter().all(|&b| b == 0xFF));
                assert!(flash.erase_completed(0) && !flash.erase_completed(1));
                let now = &flash.contents()[256..512];
                let (mut olds, mut erased, mut partly) = (0, 0, 0);
                for (&n, &o) in now.iter().zip(&old) {
                    assert_eq!(o & !n, 0, "seed {seed}: an erase cleared a bit");
                    match n {
                        _ if n == o => olds += 1,
                        0xFF => erased += 1,
                        _ => partly += 1,
                    }
                }
                let header = &now[..HEADER];
                let later = &now[HEADER..];
                if header == &old[..HEADER] && later.contains(&0xFF) {
                    header_kept += 1;
                }
                if header.iter().all(|&b| b == 0xFF)
                    && later.iter().zip(&old[HEADER..]).any(|(n, o)| n == o)
                {
                    header_lost += 1;
                }
                if olds > 0 && erased > 0 && partly > 0 {
                    all_three += 1;
                }
                if tear == Tear::RandomBytes {
                    assert_eq!(partly, 0, "seed {seed}: whole bytes only");
                }
            }
        }
        assert!(header_kept > 10, "{header_kept}");
        assert!(header_lost > 10, "{header_lost}");
        assert!(all_three > 100, "{all_three}");
    }

    #[test]
    fn extreme_erase_patterns() {
        let base = programmed_sectors();
        let old = base.contents()[256..512].to_vec();
        let cut = |tear| {
            let mut flash = base.clone();
            flash.set_power_cut(PowerCut::in_operation(0, tear, 0));
            assert_eq!(flash.erase(256, 512), Err(SimFlashError::PowerLoss));
            flash.contents()[256..512].to_vec()
        };
        let now = cut(Tear::AllButFirst(16));
        assert_eq!(&now[..16], &old[..16], "the header stays old");
        assert!(now[16..].iter().all(|&b| b == 0xFF));
        let now = cut(Tear::Last(1));
        assert_eq!(&now[..255], &old[..255]);
        assert_eq!(now[255], 0xFF, "only the last byte erased");
        let now = cut(Tear::Except { start: 100, len: 1 });
        assert_eq!(now[100], old[100]);
        assert_eq!(now.iter().filter(|&&b| b == 0xFF).count(), 255);
        assert_eq!(cut(Tear::Untouched), old);
    }

    #[test]
    fn late_erase_cut_reads_erased_but_is_not_completed() {
        let mut flash = programmed_sectors();
        let old = flash.contents()[256..512].to_vec();
        let zeros: u64 = flash.contents()[256..512]
            .iter()
            .map(|b| u64::from(b.count_zeros()))
            .sum();
        let run = flash.run_with_cut(PowerCut::in_operation(0, Tear::Complete, 0), |f| {
            f.erase(256, 512)
        });
        assert!(run.cut && flash.is_powered());
        assert_eq!(run.output, Err(SimFlashError::PowerLoss));
        // A reader cannot tell this sector from an erased one; the model can.
        assert!(read_all(&mut flash)[256..512].iter().all(|&b| b == 0xFF));
        assert!(!flash.erase_completed(1));
        assert_eq!(flash.marginal_bit_count(), zeros);
        for (offset, &o) in old.iter().enumerate() {
            assert_eq!(
                flash.marginal_bits(256 + offset),
                !o,
                "the bits the erase raised"
            );
        }
        // Every word reads erased, so every word may be programmed again.
        assert!(!flash.is_programmed(256) && !flash.is_programmed(508));
        assert!(flash.erase_completed(0) && flash.is_programmed(0));
        // Weakly erased cells may later read 0 again.
        let mut disturbed = flash.clone();
        disturbed.disturb_marginal_bits(3);
        let back = disturbed.contents()[256..512]
            .iter()
            .filter(|&&b| b != 0xFF)
            .count();
        assert!(back > 100, "{back}");
        for (offset, &b) in disturbed.contents()[256..512].iter().enumerate() {
            assert_eq!(
                !b & !disturbed.marginal_bits(256 + offset),
                0,
                "only marginal bits move"
            );
        }
        // Programming a marginal bit to 0 makes it solid; a completed erase
        // clears them all.
        flash.write(256, &[0x00, 0xFF, 0xFF, 0xFF]).unwrap();
        assert_eq!(flash.marginal_bits(256), 0);
        assert_ne!(flash.marginal_bits(257), 0);
        flash.erase(256, 512).unwrap();
        assert!(flash.erase_completed(1));
        assert_eq!(flash.marginal_bit_count(), 0);
        assert_eq!(flash.stats().sectors_erased, 2);
        assert_eq!(flash.erase_count(1), 2);
    }

    #[test]
    fn cut_program_only_clears_bits_it_intended_to_clear() {
        let mut rng = SplitMix(11);
        let mut not_a_prefix = false;
        for seed in 0..200 {
            let mut base = Flash::new(256);
            let old: Vec<u8> = (0..32).map(|_| rng.next_u8()).collect();
            let data: Vec<u8> = (0..32).map(|_| rng.next_u8()).collect();
            base.contents_mut()[64..96].copy_from_slice(&old);
            let intended: Vec<u8> = old.iter().zip(&data).map(|(o, d)| o & !d).collect();
            let tears = Tear::catalogue(4).into_iter().chain([
                Tear::Sequential(CutWord::Random),
                Tear::Only { start: 9, len: 3 },
            ]);
            for tear in tears {
                let mut flash = base.clone();
                flash.set_power_cut(PowerCut::after_steps(seed % 32, tear, seed));
                assert_eq!(flash.write(64, &data), Err(SimFlashError::PowerLoss));
                let now = &flash.contents()[64..96];
                for i in 0..32 {
                    assert_eq!(now[i] & !old[i], 0, "{tear:?} seed {seed}: set a bit");
                    let cleared = old[i] & !now[i];
                    if tear != Tear::Sequential(CutWord::Random) {
                        assert_eq!(cleared & !intended[i], 0, "{tear:?} seed {seed}: byte {i}");
                    }
                    assert_eq!(flash.marginal_bits(64 + i) & !intended[i], 0);
                }
                if tear == Tear::RandomBytes {
                    let done: Vec<bool> = (0..32)
                        .map(|i| intended[i] != 0 && now[i] != old[i])
                        .collect();
                    let undone: Vec<bool> = (0..32)
                        .map(|i| intended[i] != 0 && now[i] == old[i])
                        .collect();
                    not_a_prefix |= (1..32).any(|i| done[i] && undone[..i].iter().any(|&u| u));
                }
            }
        }
        assert!(not_a_prefix);
    }

    #[test]
    fn physics_program_cut_marks_changed_words_only() {
        let mut flash = Flash::new(256);
        flash.set_power_cut(PowerCut::in_operation(0, Tear::First(4), 0));
        assert_eq!(flash.write(8, &[0; 12]), Err(SimFlashError::PowerLoss));
        flash.restore_power();
        assert_eq!(
            &flash.contents()[8..20],
            &[0, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        );
        assert!(flash.is_programmed(8) && !flash.is_programmed(12));
        // A word that reads unchanged may be programmed; a changed one may not.
        assert_eq!(
            flash.write(8, &[1; 4]),
            Err(SimFlashError::MultiWrite { offset: 8 })
        );
        flash.write(12, &[0x0F; 4]).unwrap();
        // The bits programmed to 0 are solid, the others still marginal.
        assert_eq!(flash.marginal_bits(12), 0x0F);
        assert_eq!(flash.marginal_bits(16), 0xFF);
        let stats = flash.stats();
        assert_eq!(stats.bytes_programmed, 12 + 4);
        assert_eq!(stats.program_operations, 2);
        assert_eq!(flash.operations_taken(), 1);
        assert_eq!(flash.steps_taken(), 4);
    }

    #[test]
    fn operation_cut_tears_the_chosen_program_or_sector_erase() {
        fn run(flash: &mut Flash) -> Result<(), SimFlashError> {
            flash.write(0, &[0x11; 8])?;
            flash.write(0, &[])?; // Not an operation.
            flash.erase(256, 768)?; // Two operations, one per sector.
            flash.write(300, &[0x22; 4])
        }
        let mut dry = Flash::new(1024);
        dry.write(256, &[0; 512]).unwrap();
        let (steps0, ops0) = (dry.steps_taken(), dry.operations_taken());
        let mut counter = dry.clone();
        run(&mut counter).unwrap();
        assert_eq!(counter.operations_taken() - ops0, 4);
        assert_eq!(counter.steps_taken() - steps0, 8 + 512 + 4);
        let mut torn = Vec::new();
        for k in 0..4 {
            let mut flash = dry.clone();
            let run = flash.run_with_cut(PowerCut::in_operation(k, Tear::Untouched, 0), run);
            assert_eq!(run.output, Err(SimFlashError::PowerLoss));
            assert_eq!(flash.operations_taken() - ops0, k);
            torn.push((
                flash.stats().program_operations,
                flash.stats().sectors_erased,
                flash.erase_completed(1),
                flash.erase_completed(2),
            ));
        }
        assert_eq!(
            torn,
            [
                (2, 0, true, true),
                (3, 1, false, true),
                (3, 2, true, false),
                (4, 2, true, true),
            ]
        );
        let mut flash = dry.clone();
        let run = flash.run_with_cut(PowerCut::in_operation(4, Tear::Untouched, 0), run);
        assert_eq!((run.output, run.cut), (Ok(()), false));
    }

    #[test]
    fn sequential_erase_cut_leaves_the_sector_not_completed() {
        let mut flash = programmed_sectors();
        flash.set_power_cut(PowerCut::after(300, CutWord::New, 0));
        assert_eq!(flash.erase(0, 512), Err(SimFlashError::PowerLoss));
        assert!(flash.erase_completed(0) && !flash.erase_completed(1));
        assert_eq!(flash.marginal_bit_count(), 0);
        assert_eq!(flash.stats().sectors_erased, 2);
        // The program that filled the sectors, then sector 0's erase.
        assert_eq!(flash.operations_taken(), 2);
    }

    #[test]
    fn any_two_bits_flip() {
        let base = programmed_sectors();
        let picks = [(0, 0, 0, 1), (5, 7, 5, 7), (0, 3, 767, 7), (300, 2, 301, 2)];
        for (a, bit_a, b, bit_b) in picks {
            let mut flash = base.clone();
            flash.flip_bit(a, bit_a);
            flash.flip_bit(b, bit_b);
            let mut expected = base.contents().to_vec();
            expected[a] ^= 1 << bit_a;
            expected[b] ^= 1 << bit_b;
            assert_eq!(read_all(&mut flash), expected);
        }
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
        flash.write(4, &[0; 4]).unwrap();
        assert_eq!(PowerControl::operations_taken(&flash), 1);
    }
}
