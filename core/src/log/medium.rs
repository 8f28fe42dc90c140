//! The memories a log can live on, behind one small trait.
//!
//! Two families differ in how they are written. NOR flash must be erased (to `0xFF`) before a
//! word is programmed, and each word is programmed at most once per erase. EEPROM and NFC tag
//! memory are rewritable byte by byte or page by page. The log asks a [`Medium`] which family it
//! belongs to and adapts; it never assumes more than the family allows.

use embedded_storage::nor_flash::{NorFlash, NorFlashError, NorFlashErrorKind};

#[cfg(feature = "eeprom24x-v0_7")]
mod eeprom_24x;

#[cfg(feature = "eeprom24x-v0_7")]
pub use eeprom_24x::{Eeprom24x256Medium, eeprom_24x256};

/// What the log needs to know about a memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MediumInfo {
    /// Usable bytes, from offset 0.
    pub capacity: u32,
    /// Every program operation starts and ends on a multiple of this.
    pub write_size: u32,
    /// `Some(n)` for erase-before-write memory with `n`-byte erase blocks; `None` for memory
    /// that can be rewritten in place.
    pub erase_size: Option<u32>,
}

/// A byte-addressed non-volatile memory.
pub trait Medium {
    /// The memory's own error.
    type Error: core::fmt::Debug;

    /// Its size and write rules.
    fn info(&self) -> MediumInfo;

    /// Reads `buf.len()` bytes from `offset`.
    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), Self::Error>;

    /// Programs `data` at `offset`; both are multiples of `write_size`. Returns once the bytes
    /// are durable.
    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), Self::Error>;

    /// Erases `[from, to)` to `0xFF`; both are multiples of the erase size. Only called on
    /// erase-before-write memory.
    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error>;
}

/// A borrowed medium is a medium: a harness keeps the memory when a log is dropped mid-way.
impl<M: Medium + ?Sized> Medium for &mut M {
    type Error = M::Error;

    fn info(&self) -> MediumInfo {
        (**self).info()
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), Self::Error> {
        (**self).read(offset, buf)
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), Self::Error> {
        (**self).program(offset, data)
    }

    fn erase(&mut self, from: u32, to: u32) -> Result<(), Self::Error> {
        (**self).erase(from, to)
    }
}

/// Bytes moved to and from a medium, for write-amplification and mount-cost measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Stats {
    /// Bytes passed to program operations.
    pub bytes_programmed: u64,
    /// Program operations.
    pub programs: u64,
    /// Erase operations.
    pub erases: u64,
    /// Bytes erased.
    pub bytes_erased: u64,
    /// Bytes read.
    pub bytes_read: u64,
}

/// A medium that counts what passes through it.
#[derive(Debug)]
pub(crate) struct Counted<M> {
    pub(crate) inner: M,
    pub(crate) stats: Stats,
}

impl<M: Medium> Counted<M> {
    pub(crate) fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), M::Error> {
        self.stats.bytes_read += buf.len() as u64;
        self.inner.read(offset, buf)
    }

    pub(crate) fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), M::Error> {
        self.stats.bytes_programmed += data.len() as u64;
        self.stats.programs += 1;
        self.inner.program(offset, data)
    }

    pub(crate) fn erase(&mut self, from: u32, to: u32) -> Result<(), M::Error> {
        self.stats.erases += 1;
        self.stats.bytes_erased += u64::from(to.saturating_sub(from));
        self.inner.erase(from, to)
    }
}

/// NOR flash through `embedded-storage`'s [`NorFlash`] trait.
#[derive(Debug)]
pub struct NorFlashMedium<F> {
    flash: F,
}

impl<F: NorFlash> NorFlashMedium<F> {
    /// Wraps `flash`. Its `READ_SIZE` must be 1 (true of memory-mapped and SPI NOR flash).
    pub fn new(flash: F) -> Self {
        NorFlashMedium { flash }
    }

    /// The flash, handed back.
    pub fn into_inner(self) -> F {
        self.flash
    }

    /// The flash.
    pub fn flash(&self) -> &F {
        &self.flash
    }

    /// The flash, mutably (a test harness uses it to cut power or inject damage).
    pub fn flash_mut(&mut self) -> &mut F {
        &mut self.flash
    }
}

/// A NOR flash error, by kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FlashError {
    /// An offset or length that is not aligned.
    NotAligned,
    /// Beyond the end of the flash.
    OutOfBounds,
    /// The flash reported another failure.
    Other,
}

impl<F: NorFlash> Medium for NorFlashMedium<F> {
    type Error = FlashError;

    fn info(&self) -> MediumInfo {
        MediumInfo {
            capacity: u32::try_from(self.flash.capacity()).unwrap_or(u32::MAX),
            write_size: F::WRITE_SIZE as u32,
            erase_size: Some(F::ERASE_SIZE as u32),
        }
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), FlashError> {
        self.flash.read(offset, buf).map_err(flash_error)
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), FlashError> {
        self.flash.write(offset, data).map_err(flash_error)
    }

    fn erase(&mut self, from: u32, to: u32) -> Result<(), FlashError> {
        self.flash.erase(from, to).map_err(flash_error)
    }
}

fn flash_error<E: NorFlashError>(e: E) -> FlashError {
    match e.kind() {
        NorFlashErrorKind::NotAligned => FlashError::NotAligned,
        NorFlashErrorKind::OutOfBounds => FlashError::OutOfBounds,
        _ => FlashError::Other,
    }
}

/// Its kind as embedded-storage names it, so that code generic over any flash reads a log's
/// medium error as it reads the flash's own.
impl NorFlashError for FlashError {
    fn kind(&self) -> NorFlashErrorKind {
        match self {
            Self::NotAligned => NorFlashErrorKind::NotAligned,
            Self::OutOfBounds => NorFlashErrorKind::OutOfBounds,
            Self::Other => NorFlashErrorKind::Other,
        }
    }
}

impl core::fmt::Display for FlashError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Self::NotAligned => "flash offset or length not aligned",
            Self::OutOfBounds => "beyond the end of the flash",
            Self::Other => "the flash failed",
        })
    }
}

impl core::error::Error for FlashError {}

/// Rewritable memory through `embedded-storage`'s [`Storage`](embedded_storage::Storage)
/// trait: an I2C EEPROM (with the `eeprom24x` driver) or NFC tag memory.
#[derive(Debug)]
pub struct RewritableMedium<S> {
    storage: S,
    write_size: u32,
}

impl<S: embedded_storage::Storage> RewritableMedium<S> {
    /// Wraps `storage`, whose writes are done in units of `write_size` bytes: 1 for an EEPROM
    /// (the driver splits writes at page boundaries), 4 for NFC tag memory, whose pages of 4
    /// bytes are written whole and have no tearing protection.
    pub fn new(storage: S, write_size: u32) -> Self {
        RewritableMedium {
            storage,
            write_size: write_size.max(1),
        }
    }

    /// The storage, handed back.
    pub fn into_inner(self) -> S {
        self.storage
    }

    /// The storage.
    pub fn storage(&self) -> &S {
        &self.storage
    }

    /// The storage, mutably.
    pub fn storage_mut(&mut self) -> &mut S {
        &mut self.storage
    }
}

impl<S: embedded_storage::Storage> Medium for RewritableMedium<S>
where
    S::Error: core::fmt::Debug,
{
    type Error = S::Error;

    fn info(&self) -> MediumInfo {
        MediumInfo {
            capacity: u32::try_from(self.storage.capacity()).unwrap_or(u32::MAX),
            write_size: self.write_size,
            erase_size: None,
        }
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), S::Error> {
        self.storage.read(offset, buf)
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), S::Error> {
        self.storage.write(offset, data)
    }

    fn erase(&mut self, _from: u32, _to: u32) -> Result<(), S::Error> {
        Ok(())
    }
}
