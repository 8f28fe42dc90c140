//! A simulated 24LC256 I²C EEPROM with write-cycle timing and power cuts.

use core::fmt;

use embedded_hal::i2c::{self, ErrorKind, I2c, NoAcknowledgeSource, Operation};

use super::clock::{SimClock, SimDelay};
use super::power::{MixedBits, PowerControl, PowerCut, PowerRail, Tear};

const CAPACITY: usize = 32 * 1024;
const PAGE_SIZE: usize = 64;

/// An error of [`SimEeprom`]. Each one is, on the bus, a missing acknowledge
/// of the device address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimEepromError {
    /// An internal write cycle is in progress; the chip ignores the bus.
    Busy,
    /// The power failed during this transaction (on the bus or in the write
    /// cycle it started), or had failed before it.
    PowerLoss,
    /// The transaction was addressed to another device.
    NoDevice {
        /// The 7-bit address used.
        address: u8,
    },
}

impl i2c::Error for SimEepromError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
    }
}

impl fmt::Display for SimEepromError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Busy => f.write_str("EEPROM busy with a write cycle"),
            Self::PowerLoss => f.write_str("EEPROM power lost"),
            Self::NoDevice { address } => write!(f, "no device at I2C address {address:#04x}"),
        }
    }
}

impl std::error::Error for SimEepromError {}

/// A 24LC256: 32 KiB, 64-byte pages, 7-bit I²C address `0x50`, 2-byte
/// big-endian memory addresses (the top bit is ignored), all `0xFF` when new.
///
/// Bus behaviour, per transaction of [`I2c::transaction`]:
/// - Adjacent operations of the same kind form one segment; a change of
///   direction is a repeated START, the end of the transaction a STOP.
/// - A write segment's first two bytes set the address pointer; further bytes
///   load the page buffer at the pointer, wrapping to the start of the same
///   page past its end (a later byte for the same cell replaces the earlier).
/// - A read segment returns bytes from the pointer on, wrapping from the end
///   of memory to address 0 (so a read-only transaction is a current-address
///   read, and `write_read` a random read).
/// - If the transaction ends (STOP) with a write segment that loaded data,
///   the internal write cycle writes the loaded bytes and the chip is busy for
///   [`WRITE_CYCLE_NS`](Self::WRITE_CYCLE_NS) of [`SimClock`] time: every
///   transaction is then refused with [`SimEepromError::Busy`] (an empty
///   write is an ack poll). Data followed by a repeated START is discarded.
///   The cycle's result is stored at once; the busy time ends lazily at the
///   first access after the clock passes its end.
///
/// Power model (see [`super::power`]): in a transaction of writes only, each
/// byte sent (address and data, not the device address) is a byte-step, and
/// so is each byte of the write cycle, in ascending address order within the
/// page; the write cycle is one operation. A cut on the bus aborts the
/// transaction: no STOP, nothing written. A cut in the write cycle tears it:
/// - under [`Tear::Sequential`], a cut during write-cycle byte `k` leaves the
///   bytes before `k` new, byte `k` per [`CutWord`](super::power::CutWord)
///   and the rest old;
/// - under the other tears, as the chip writes its whole page buffer in one
///   self-timed cycle, each byte of the cycle is old or new in the pattern the
///   tear gives ([`Tear::RandomBytes`] for any subset). [`Tear::RandomBits`]
///   is the rarer mode of a byte caught mid-cycle: each of its bits is old,
///   new, or 1 (the cycle erases the cells before it writes them).
///
/// Either way the transaction returns [`SimEepromError::PowerLoss`] (although
/// the chip had acknowledged every byte when its write cycle was cut: the
/// controller would have died with it), so an `Ok` always means the data is
/// stored. A driver that splits a write into page writes (as
/// `eeprom24x::Storage` does) thus leaves the pages before the cut one
/// complete and those after it not started.
///
/// `clone()` shares the [`SimClock`]; [`clone_with_clock`](Self::clone_with_clock)
/// gives the copy its own. Cloning copies 32 KiB of data and 128 KiB of wear
/// counters.
#[derive(Clone, Debug)]
pub struct SimEeprom {
    data: Vec<u8>,
    wear: Vec<u32>,
    pointer: usize,
    busy_until: Option<u64>,
    clock: SimClock,
    power: PowerRail,
    bytes_written: u64,
    write_cycles: u64,
}

/// The page buffer of one write segment.
struct PageLoad {
    address_bytes: u8,
    high: u8,
    page: [u8; PAGE_SIZE],
    loaded: u64,
}

impl PageLoad {
    fn new() -> Self {
        Self {
            address_bytes: 0,
            high: 0,
            page: [0; PAGE_SIZE],
            loaded: 0,
        }
    }
}

impl SimEeprom {
    /// Capacity in bytes.
    pub const CAPACITY: usize = CAPACITY;
    /// Page size in bytes.
    pub const PAGE_SIZE: usize = PAGE_SIZE;
    /// 7-bit I²C address (A2..A0 tied low).
    pub const I2C_ADDRESS: u8 = 0x50;
    /// Duration of an internal write cycle in nanoseconds (5 ms).
    pub const WRITE_CYCLE_NS: u64 = 5_000_000;

    /// A new chip with its own [`SimClock`].
    pub fn new() -> Self {
        Self::with_clock(SimClock::new())
    }

    /// A new chip timed by `clock`.
    pub fn with_clock(clock: SimClock) -> Self {
        Self {
            data: vec![0xFF; CAPACITY],
            wear: vec![0; CAPACITY],
            pointer: 0,
            busy_until: None,
            clock,
            power: PowerRail::new(),
            bytes_written: 0,
            write_cycles: 0,
        }
    }

    /// A copy of this chip timed by `clock`, with a write cycle in progress
    /// keeping its remaining time.
    pub fn clone_with_clock(&self, clock: SimClock) -> Self {
        let remaining = self
            .busy_until
            .map(|end| end.saturating_sub(self.clock.now_ns()));
        let busy_until = remaining.map(|ns| clock.now_ns().saturating_add(ns));
        Self {
            busy_until,
            clock,
            ..self.clone()
        }
    }

    /// A handle to the chip's clock.
    pub fn clock(&self) -> SimClock {
        self.clock.clone()
    }

    /// A delay that advances the chip's clock, for the driver to wait with.
    pub fn delay(&self) -> SimDelay {
        self.clock.delay()
    }

    /// Whether a write cycle is still in progress at the clock's current time.
    pub fn is_busy(&self) -> bool {
        self.busy_until.is_some_and(|end| self.clock.now_ns() < end)
    }

    /// The whole memory array.
    pub fn contents(&self) -> &[u8] {
        &self.data
    }

    /// The whole memory array, to edit directly (no step or wear counted).
    pub fn contents_mut(&mut self) -> &mut [u8] {
        &mut self.data
    }

    /// Inverts bit `bit` (0 = least significant) of the byte at `offset`.
    ///
    /// # Panics
    ///
    /// If `offset >= CAPACITY` or `bit > 7`.
    pub fn flip_bit(&mut self, offset: usize, bit: u8) {
        assert!(bit < 8, "bit {bit} out of range");
        self.data[offset] ^= 1 << bit;
    }

    /// How many write cycles wrote the byte at `offset` (one cut short counts).
    ///
    /// # Panics
    ///
    /// If `offset >= CAPACITY`.
    pub fn wear(&self, offset: usize) -> u32 {
        self.wear[offset]
    }

    /// The highest [`wear`](Self::wear) of any byte.
    pub fn max_wear(&self) -> u32 {
        self.wear.iter().copied().max().unwrap_or(0)
    }

    /// Bytes written by write cycles. A cycle torn by a cut counts, under
    /// [`Tear::Sequential`], its bytes up to and including the torn one, and
    /// under any other tear all its bytes (as does [`wear`](Self::wear)).
    pub fn bytes_written(&self) -> u64 {
        self.bytes_written
    }

    /// Write cycles started, a cut one included.
    pub fn write_cycles(&self) -> u64 {
        self.write_cycles
    }

    /// See [`PowerControl::set_power_cut`].
    pub fn set_power_cut(&mut self, cut: PowerCut) {
        self.power.arm(cut);
    }

    /// See [`PowerControl::steps_taken`].
    pub fn steps_taken(&self) -> u64 {
        self.power.steps_taken()
    }

    /// See [`PowerControl::operations_taken`]: write cycles completed.
    pub fn operations_taken(&self) -> u64 {
        self.power.operations_taken()
    }

    /// See [`PowerControl::is_powered`].
    pub fn is_powered(&self) -> bool {
        self.power.is_powered()
    }

    /// See [`PowerControl::restore_power`]. Also ends any write cycle and
    /// resets the address pointer to 0.
    pub fn restore_power(&mut self) {
        self.power.restore();
        self.busy_until = None;
        self.pointer = 0;
    }

    fn receive(&mut self, load: &mut PageLoad, byte: u8) {
        match load.address_bytes {
            0 => {
                load.high = byte;
                load.address_bytes = 1;
            }
            1 => {
                self.pointer = usize::from(u16::from_be_bytes([load.high, byte])) % CAPACITY;
                load.address_bytes = 2;
            }
            _ => {
                let index = self.pointer % PAGE_SIZE;
                load.page[index] = byte;
                load.loaded |= 1 << index;
                self.pointer += (index + 1) % PAGE_SIZE;
                self.pointer -= index;
            }
        }
    }

    fn write_cycle(&mut self, load: &PageLoad) -> Result<(), SimEepromError> {
        let base = self.pointer - self.pointer % PAGE_SIZE;
        let cells: Vec<usize> = (0..PAGE_SIZE)
            .filter(|i| load.loaded & (1 << i) != 0)
            .map(|i| base + i)
            .collect();
        self.write_cycles += 1;
        let new: Vec<u8> = cells.iter().map(|&c| load.page[c - base]).collect();
        let cut = self.power.operation(cells.len());
        let (now, touched) = match cut {
            None => (new, cells.len()),
            Some(cut) => {
                let old: Vec<u8> = cells.iter().map(|&c| self.data[c]).collect();
                let touched = match cut.tear {
                    Tear::Sequential(_) => cut.step + 1,
                    _ => cells.len(),
                };
                let now = self
                    .power
                    .scatter(cut, &old, &new, MixedBits::OldNewOrErased);
                (now, touched)
            }
        };
        for (&cell, value) in cells.iter().zip(now) {
            self.data[cell] = value;
        }
        for &cell in &cells[..touched] {
            self.wear[cell] = self.wear[cell].saturating_add(1);
        }
        self.bytes_written += touched as u64;
        if cut.is_some() {
            return Err(SimEepromError::PowerLoss);
        }
        self.busy_until = Some(self.clock.now_ns().saturating_add(Self::WRITE_CYCLE_NS));
        Ok(())
    }
}

impl Default for SimEeprom {
    fn default() -> Self {
        Self::new()
    }
}

impl PowerControl for SimEeprom {
    fn set_power_cut(&mut self, cut: PowerCut) {
        SimEeprom::set_power_cut(self, cut);
    }

    fn steps_taken(&self) -> u64 {
        SimEeprom::steps_taken(self)
    }

    fn operations_taken(&self) -> u64 {
        SimEeprom::operations_taken(self)
    }

    fn is_powered(&self) -> bool {
        SimEeprom::is_powered(self)
    }

    fn restore_power(&mut self) {
        SimEeprom::restore_power(self);
    }
}

impl i2c::ErrorType for SimEeprom {
    type Error = SimEepromError;
}

impl I2c for SimEeprom {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), Self::Error> {
        if !self.power.is_powered() {
            return Err(SimEepromError::PowerLoss);
        }
        if address != Self::I2C_ADDRESS {
            return Err(SimEepromError::NoDevice { address });
        }
        if self.is_busy() {
            return Err(SimEepromError::Busy);
        }
        self.busy_until = None;
        let mut sent = Some(0);
        for operation in operations.iter() {
            sent = match operation {
                Operation::Write(bytes) => sent.map(|n| n + bytes.len()),
                Operation::Read(_) => None,
            };
        }
        // Only a transaction of writes only can change the memory.
        if let Some(sent) = sent
            && self.power.take_steps(sent).is_some()
        {
            return Err(SimEepromError::PowerLoss);
        }
        let mut load: Option<PageLoad> = None;
        for operation in operations.iter_mut() {
            match operation {
                Operation::Write(bytes) => {
                    let load = load.get_or_insert_with(PageLoad::new);
                    for &byte in bytes.iter() {
                        self.receive(load, byte);
                    }
                }
                Operation::Read(buffer) => {
                    // A repeated START discards the page buffer.
                    load = None;
                    for byte in buffer.iter_mut() {
                        *byte = self.data[self.pointer];
                        self.pointer = (self.pointer + 1) % CAPACITY;
                    }
                }
            }
        }
        match load {
            Some(load) if load.loaded != 0 => self.write_cycle(&load),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::memory::power::CutWord;
    use eeprom24x::{Eeprom24x, SlaveAddr, Storage};
    use embedded_hal::delay::DelayNs;
    use embedded_hal::i2c::Error as _;
    use embedded_storage::{ReadStorage, Storage as _};

    const ADDR: u8 = SimEeprom::I2C_ADDRESS;

    fn storage(
        eeprom: SimEeprom,
    ) -> Storage<
        SimEeprom,
        eeprom24x::page_size::B64,
        eeprom24x::addr_size::TwoBytes,
        eeprom24x::unique_serial::No,
        SimDelay,
    > {
        let delay = eeprom.delay();
        Storage::new(Eeprom24x::new_24x256(eeprom, SlaveAddr::default()), delay)
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn new_chip_is_blank() {
        let eeprom = SimEeprom::default();
        assert_eq!(eeprom.contents().len(), 32 * 1024);
        assert!(eeprom.contents().iter().all(|&b| b == 0xFF));
        assert_eq!((eeprom.max_wear(), eeprom.bytes_written()), (0, 0));
        assert!(eeprom.is_powered() && !eeprom.is_busy());
    }

    #[test]
    fn eeprom24x_storage_writes_across_pages_and_reads_back() {
        let mut storage = storage(SimEeprom::new());
        assert_eq!(storage.capacity(), 32 * 1024);
        let data = pattern(200);
        storage.write(50, &data).unwrap();
        let mut back = vec![0; 200];
        storage.read(50, &mut back).unwrap();
        assert_eq!(back, data);
        let (eeprom, _delay) = storage.destroy();
        // Pages 50..64, 64..128, 128..192, 192..250, with 5 ms after each.
        assert_eq!(eeprom.clock().now_ns(), 4 * 5_000_000);
        assert_eq!(eeprom.bytes_written(), 200);
        assert_eq!(
            (eeprom.wear(49), eeprom.wear(50), eeprom.wear(249)),
            (0, 1, 1)
        );
        assert_eq!(eeprom.wear(250), 0);
        assert_eq!(eeprom.max_wear(), 1);
        assert_eq!(eeprom.steps_taken(), 4 * 2 + 2 * 200);
    }

    #[test]
    fn data_past_the_page_end_wraps_to_its_start() {
        let mut eeprom = SimEeprom::new();
        eeprom
            .write(ADDR, &[0x00, 0x7C, 1, 2, 3, 4, 5, 6, 7, 8])
            .unwrap();
        let c = eeprom.contents();
        assert_eq!(&c[0x7C..0x80], &[1, 2, 3, 4]);
        assert_eq!(&c[0x40..0x44], &[5, 6, 7, 8]);
        assert_eq!(c[0x80], 0xFF);
        // More than a page: later bytes replace earlier ones for the same cell.
        eeprom.clock().advance_ns(SimEeprom::WRITE_CYCLE_NS);
        let mut bytes = vec![0x01, 0x00];
        bytes.extend((0..66).map(|i| i as u8));
        eeprom.write(ADDR, &bytes).unwrap();
        assert_eq!(&eeprom.contents()[0x100..0x103], &[64, 65, 2]);
        assert_eq!(eeprom.contents()[0x13F], 63);
        assert_eq!(eeprom.wear(0x100), 1, "one cycle writes each cell once");
        assert_eq!(eeprom.bytes_written(), 8 + 64);
    }

    #[test]
    fn multi_operation_write_is_one_segment() {
        let mut eeprom = SimEeprom::new();
        eeprom
            .transaction(
                ADDR,
                &mut [
                    Operation::Write(&[0x00]),
                    Operation::Write(&[0x10, 0xAA]),
                    Operation::Write(&[0xBB]),
                ],
            )
            .unwrap();
        assert_eq!(&eeprom.contents()[0x10..0x12], &[0xAA, 0xBB]);
        assert!(eeprom.is_busy());
    }

    #[test]
    fn nack_while_busy_until_the_clock_passes_the_cycle() {
        let mut eeprom = SimEeprom::new();
        let clock = eeprom.clock();
        eeprom.write(ADDR, &[0x00, 0x00, 0x42]).unwrap();
        let mut buf = [0; 1];
        let err = eeprom.write_read(ADDR, &[0, 0], &mut buf).unwrap_err();
        assert_eq!(err, SimEepromError::Busy);
        assert_eq!(
            err.kind(),
            ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
        );
        // An empty write is an ack poll.
        clock.advance_ns(SimEeprom::WRITE_CYCLE_NS - 1);
        assert_eq!(eeprom.write(ADDR, &[]), Err(SimEepromError::Busy));
        clock.advance_ns(1);
        assert!(!eeprom.is_busy());
        eeprom.write(ADDR, &[]).unwrap();
        eeprom.write_read(ADDR, &[0, 0], &mut buf).unwrap();
        assert_eq!(buf, [0x42]);
        // The driver without its delay runs into the busy chip.
        let mut driver = Eeprom24x::new_24x256(eeprom, SlaveAddr::default());
        driver.write_page(0, &[1, 2]).unwrap();
        assert!(matches!(
            driver.write_page(2, &[3]),
            Err(eeprom24x::Error::I2C(SimEepromError::Busy))
        ));
    }

    #[test]
    fn sequential_read_wraps_at_the_end_of_memory() {
        let mut eeprom = SimEeprom::new();
        let c = eeprom.contents_mut();
        c[0x7FFE] = 1;
        c[0x7FFF] = 2;
        c[0] = 3;
        c[1] = 4;
        let mut buf = [0; 4];
        eeprom.write_read(ADDR, &[0x7F, 0xFE], &mut buf).unwrap();
        assert_eq!(buf, [1, 2, 3, 4]);
        // The top address bit is ignored.
        eeprom
            .write_read(ADDR, &[0xFF, 0xFF], &mut buf[..1])
            .unwrap();
        assert_eq!(buf[0], 2);
        // A read-only transaction continues from the pointer.
        eeprom.read(ADDR, &mut buf[..2]).unwrap();
        assert_eq!(&buf[..2], &[3, 4]);
        assert_eq!(eeprom.steps_taken(), 0, "reads take no step");
    }

    #[test]
    fn data_before_a_repeated_start_is_discarded() {
        let mut eeprom = SimEeprom::new();
        let mut buf = [0; 1];
        eeprom
            .transaction(
                ADDR,
                &mut [
                    Operation::Write(&[0x00, 0x20, 0x55]),
                    Operation::Read(&mut buf),
                ],
            )
            .unwrap();
        assert_eq!(buf, [0xFF], "the read starts after the loaded byte");
        assert_eq!(eeprom.contents()[0x20], 0xFF);
        assert!(!eeprom.is_busy());
        assert_eq!(eeprom.bytes_written(), 0);
    }

    #[test]
    fn address_only_write_sets_the_pointer() {
        let mut eeprom = SimEeprom::new();
        eeprom.contents_mut()[0x1234] = 9;
        eeprom.write(ADDR, &[0x12, 0x34]).unwrap();
        assert!(!eeprom.is_busy());
        let mut buf = [0; 1];
        eeprom.read(ADDR, &mut buf).unwrap();
        assert_eq!(buf, [9]);
    }

    #[test]
    fn other_addresses_are_not_acknowledged() {
        let mut eeprom = SimEeprom::new();
        let err = eeprom.write(0x51, &[0, 0, 1]).unwrap_err();
        assert_eq!(err, SimEepromError::NoDevice { address: 0x51 });
        assert_eq!(err.to_string(), "no device at I2C address 0x51");
        assert_eq!(eeprom.contents()[0], 0xFF);
    }

    #[test]
    fn cut_on_the_bus_aborts_the_transaction() {
        // 2 address bytes + 3 data bytes are steps 0..5.
        for k in 0..5 {
            let mut eeprom = SimEeprom::new();
            eeprom.contents_mut()[0x200] = 0x11;
            eeprom.set_power_cut(PowerCut::after(k, CutWord::New, 0));
            assert_eq!(
                eeprom.write(ADDR, &[0x02, 0x00, 1, 2, 3]),
                Err(SimEepromError::PowerLoss)
            );
            assert_eq!(eeprom.steps_taken(), k);
            assert!(!eeprom.is_powered() && !eeprom.is_busy());
            assert_eq!(&eeprom.contents()[0x200..0x203], &[0x11, 0xFF, 0xFF]);
            assert_eq!(eeprom.bytes_written(), 0);
            let mut buf = [0; 1];
            assert_eq!(
                eeprom.write_read(ADDR, &[2, 0], &mut buf),
                Err(SimEepromError::PowerLoss)
            );
            eeprom.restore_power();
            eeprom.write_read(ADDR, &[2, 0], &mut buf).unwrap();
            assert_eq!(buf, [0x11]);
        }
    }

    #[test]
    fn cut_in_the_write_cycle_tears_one_byte() {
        let old = [0x10, 0x20, 0x30, 0x40];
        let new = [0xA1, 0xA2, 0xA3, 0xA4];
        let run = |k: usize, word, seed| {
            let mut eeprom = SimEeprom::new();
            eeprom.contents_mut()[0x3E..0x42].copy_from_slice(&old);
            // Bus steps 0..6, then the cycle; the page is 0x00..0x40, so the
            // wrapped bytes 3, 4 land at 0x00, 0x01 and the cycle order is
            // 0x00, 0x01, 0x3E, 0x3F.
            eeprom.contents_mut()[0..2].copy_from_slice(&old[2..]);
            eeprom.set_power_cut(PowerCut::after(6 + k as u64, word, seed));
            assert_eq!(
                eeprom.write(ADDR, &[0x00, 0x3E, new[0], new[1], new[2], new[3]]),
                Err(SimEepromError::PowerLoss)
            );
            assert!(!eeprom.is_powered());
            let cells = [0x00, 0x01, 0x3E, 0x3F];
            let image: Vec<u8> = cells.iter().map(|&c| eeprom.contents()[c]).collect();
            let wear: Vec<u32> = cells.iter().map(|&c| eeprom.wear(c)).collect();
            (image, wear, eeprom)
        };
        let cycle_new = [new[2], new[3], new[0], new[1]];
        let cycle_old = [old[2], old[3], old[0], old[1]];
        for k in 0..4 {
            let (image, wear, eeprom) = run(k, CutWord::Old, 0);
            assert_eq!(&image[..k], &cycle_new[..k]);
            assert_eq!(&image[k..], &cycle_old[k..]);
            assert!(wear[..=k].iter().all(|&w| w == 1));
            assert!(wear[k + 1..].iter().all(|&w| w == 0));
            assert_eq!(eeprom.steps_taken(), 6 + k as u64);
            assert_eq!(&eeprom.contents()[0x40..0x42], &old[2..], "next page");

            let (image, _, _) = run(k, CutWord::New, 0);
            assert_eq!(&image[..=k], &cycle_new[..=k]);
            assert_eq!(&image[k + 1..], &cycle_old[k + 1..]);

            let (image, _, _) = run(k, CutWord::Random, 1234);
            assert_eq!(image, run(k, CutWord::Random, 1234).0);
            assert_eq!(&image[..k], &cycle_new[..k]);
            assert_eq!(&image[k + 1..], &cycle_old[k + 1..]);
        }
        // A cut after the last step lets the write finish.
        let mut eeprom = SimEeprom::new();
        eeprom.set_power_cut(PowerCut::after(10, CutWord::Old, 0));
        eeprom.write(ADDR, &[0x00, 0x3E, 1, 2, 3, 4]).unwrap();
        assert!(eeprom.is_powered());
    }

    #[test]
    fn restore_power_ends_the_write_cycle_and_resets_the_pointer() {
        let mut eeprom = SimEeprom::new();
        eeprom.contents_mut()[0] = 0x77;
        eeprom.write(ADDR, &[0x00, 0x10, 1]).unwrap();
        assert!(eeprom.is_busy());
        eeprom.restore_power();
        assert!(!eeprom.is_busy());
        let mut buf = [0; 1];
        eeprom.read(ADDR, &mut buf).unwrap();
        assert_eq!(buf, [0x77]);
    }

    /// The harness pattern through the real driver: a cut at every step of a
    /// 200-byte `Storage::write` leaves new bytes, at most one torn byte, then
    /// old bytes, and the new prefix never shrinks as the cut moves later.
    #[test]
    fn eeprom24x_storage_cut_at_every_step() {
        let data = pattern(200);
        let total = {
            let mut storage = storage(SimEeprom::new());
            storage.write(50, &data).unwrap();
            storage.destroy().0.steps_taken()
        };
        assert_eq!(total, 408);
        let mut last_prefix = 0;
        for k in 0..total {
            let mut eeprom = SimEeprom::new();
            eeprom.set_power_cut(PowerCut::after(k, CutWord::Old, 0));
            let mut storage = storage(eeprom);
            assert!(
                matches!(
                    storage.write(50, &data),
                    Err(eeprom24x::Error::I2C(SimEepromError::PowerLoss))
                ),
                "step {k}"
            );
            let mut eeprom = storage.destroy().0;
            eeprom.restore_power();
            let c = &eeprom.contents()[50..250];
            let prefix = c.iter().zip(&data).take_while(|(a, b)| a == b).count();
            assert!(c[prefix..].iter().all(|&b| b == 0xFF), "step {k}");
            assert!(prefix >= last_prefix, "step {k}");
            last_prefix = prefix;
        }
        assert_eq!(last_prefix, 199);
    }

    /// A chip whose page 0x100..0x140 holds `old`, and the 66-byte write
    /// (address, then `new`) that replaces it in one page write.
    fn page_write_setup() -> (SimEeprom, Vec<u8>, Vec<u8>, Vec<u8>) {
        let old: Vec<u8> = (0..64).map(|i| (i * 7) as u8).collect();
        let new: Vec<u8> = old.iter().map(|b| !b).collect();
        let mut eeprom = SimEeprom::new();
        eeprom.contents_mut()[0x100..0x140].copy_from_slice(&old);
        let mut bytes = vec![0x01, 0x00];
        bytes.extend(&new);
        (eeprom, old, new, bytes)
    }

    #[test]
    fn cut_page_write_leaves_each_byte_old_or_new() {
        let (base, old, new, bytes) = page_write_setup();
        let mut not_a_prefix = false;
        let tears = Tear::catalogue(2)
            .into_iter()
            .filter(|&t| t != Tear::RandomBits)
            .chain([
                Tear::Only { start: 30, len: 2 },
                Tear::Except { start: 0, len: 63 },
            ]);
        for tear in tears {
            for seed in 0..100 {
                let mut eeprom = base.clone();
                // 66 bus steps, then the cycle: cut anywhere in the cycle.
                eeprom.set_power_cut(PowerCut::after_steps(66 + seed % 64, tear, seed));
                assert_eq!(eeprom.write(ADDR, &bytes), Err(SimEepromError::PowerLoss));
                let now = &eeprom.contents()[0x100..0x140];
                let is_new: Vec<bool> = (0..64)
                    .map(|i| {
                        assert!(now[i] == old[i] || now[i] == new[i], "{tear:?} seed {seed}");
                        now[i] == new[i]
                    })
                    .collect();
                not_a_prefix |= (1..64).any(|i| is_new[i] && !is_new[i - 1]);
                assert!((0x100..0x140).all(|c| eeprom.wear(c) == 1));
                assert_eq!((eeprom.bytes_written(), eeprom.write_cycles()), (64, 1));
                assert_eq!(
                    (eeprom.operations_taken(), eeprom.steps_taken()),
                    (0, 66 + seed % 64)
                );
                assert_eq!(eeprom.contents()[0x140], 0xFF, "next page untouched");
            }
        }
        assert!(not_a_prefix);
        let cut = |tear| {
            let mut eeprom = base.clone();
            eeprom.set_power_cut(PowerCut::in_operation(0, tear, 0));
            assert_eq!(eeprom.write(ADDR, &bytes), Err(SimEepromError::PowerLoss));
            eeprom.contents()[0x100..0x140].to_vec()
        };
        assert_eq!(cut(Tear::Untouched), old);
        assert_eq!(cut(Tear::Complete), new);
        let only_last = cut(Tear::Last(1));
        assert_eq!((&only_last[..63], only_last[63]), (&old[..63], new[63]));
        let no_header = cut(Tear::AllButFirst(4));
        assert_eq!((&no_header[..4], &no_header[4..]), (&old[..4], &new[4..]));
    }

    #[test]
    fn random_bits_mode_mixes_old_new_and_erased_bits() {
        let (base, old, new, bytes) = page_write_setup();
        let (mut mixed, mut erased_bit) = (0, false);
        for seed in 0..100 {
            let mut eeprom = base.clone();
            eeprom.set_power_cut(PowerCut::in_operation(0, Tear::RandomBits, seed));
            assert_eq!(eeprom.write(ADDR, &bytes), Err(SimEepromError::PowerLoss));
            for (i, &v) in eeprom.contents()[0x100..0x140].iter().enumerate() {
                // Each bit is old, new or 1: never 0 where both are 1.
                assert_eq!(!v & old[i] & new[i], 0);
                if v != old[i] && v != new[i] {
                    mixed += 1;
                    erased_bit |= v & !(old[i] | new[i]) != 0;
                }
            }
        }
        assert!(mixed > 100, "{mixed}");
        // `new` is `!old`, so no bit is 0 in both: the erased state shows
        // only where old and new agree on a 0.
        assert!(!erased_bit);
        let mut eeprom = SimEeprom::new();
        eeprom.contents_mut()[0..64].fill(0x00);
        let mut write = vec![0x00, 0x00];
        write.extend([0x00; 64]);
        let found = (0..50).any(|seed| {
            let mut chip = eeprom.clone();
            chip.set_power_cut(PowerCut::in_operation(0, Tear::RandomBits, seed));
            assert!(chip.write(ADDR, &write).is_err());
            chip.contents()[..64].iter().any(|&b| b != 0)
        });
        assert!(found, "a cell caught between erase and write reads 1");
    }

    #[test]
    fn physics_cut_on_the_bus_writes_nothing() {
        let (base, old, _, bytes) = page_write_setup();
        for k in 0..66 {
            let mut eeprom = base.clone();
            eeprom.set_power_cut(PowerCut::after_steps(k, Tear::Complete, 0));
            assert_eq!(eeprom.write(ADDR, &bytes), Err(SimEepromError::PowerLoss));
            assert_eq!(&eeprom.contents()[0x100..0x140], &old[..]);
            assert_eq!((eeprom.write_cycles(), eeprom.bytes_written()), (0, 0));
        }
    }

    /// `eeprom24x::Storage` splits a 200-byte write at 50 into 4 page writes:
    /// a cut in page write `k` leaves the earlier ones complete, page `k` any
    /// subset of old and new bytes, and the later ones not started.
    #[test]
    fn driver_split_write_cut_in_one_page() {
        let data = pattern(200);
        let pieces = [50..64, 64..128, 128..192, 192..250];
        for (k, piece) in pieces.iter().enumerate() {
            for seed in 0..20 {
                let mut eeprom = SimEeprom::new();
                eeprom.set_power_cut(PowerCut::in_operation(k as u64, Tear::RandomBytes, seed));
                let mut storage = storage(eeprom);
                assert!(storage.write(50, &data).is_err());
                let mut eeprom = storage.destroy().0;
                eeprom.restore_power();
                let c = &eeprom.contents()[50..250];
                let at = |cell: usize| (c[cell - 50], data[cell - 50]);
                for cell in 50..piece.start {
                    assert_eq!(at(cell).0, at(cell).1, "page {k} seed {seed}");
                }
                for cell in piece.clone() {
                    let (now, new) = at(cell);
                    assert!(now == new || now == 0xFF, "page {k} seed {seed}");
                }
                for cell in piece.end..250 {
                    assert_eq!(at(cell).0, 0xFF, "page {k} seed {seed}");
                }
                assert_eq!(eeprom.write_cycles(), k as u64 + 1);
                assert_eq!(eeprom.operations_taken(), k as u64);
                assert_eq!(eeprom.bytes_written(), piece.end as u64 - 50);
            }
        }
    }

    #[test]
    fn any_two_bits_flip() {
        for (a, bit_a, b, bit_b) in [(0, 0, 0, 7), (100, 3, 0x7FFF, 3), (64, 1, 65, 1)] {
            let mut eeprom = SimEeprom::new();
            eeprom.flip_bit(a, bit_a);
            eeprom.flip_bit(b, bit_b);
            let mut expected = vec![0xFF; SimEeprom::CAPACITY];
            expected[a] ^= 1 << bit_a;
            expected[b] ^= 1 << bit_b;
            assert_eq!(eeprom.contents(), &expected[..]);
        }
    }

    #[test]
    fn bit_rot() {
        let mut eeprom = SimEeprom::new();
        eeprom.flip_bit(5, 3);
        assert_eq!(eeprom.contents()[5], 0xF7);
        assert_eq!(eeprom.wear(5), 0);
    }

    #[test]
    fn clones_share_or_split_the_clock() {
        let mut eeprom = SimEeprom::new();
        eeprom.write(ADDR, &[0, 0, 1]).unwrap();
        let shared = eeprom.clone();
        let own = eeprom.clone_with_clock(SimClock::new());
        eeprom.delay().delay_ms(5);
        assert!(!shared.is_busy(), "the shared clock moved");
        assert!(own.is_busy(), "its own clock did not");
        own.clock().advance_ns(SimEeprom::WRITE_CYCLE_NS);
        assert!(!own.is_busy());
    }

    #[test]
    fn power_control_trait_forwards() {
        fn arm<M: PowerControl>(memory: &mut M) {
            memory.set_power_cut(PowerCut::after(1, CutWord::Old, 0));
        }
        let mut eeprom = SimEeprom::new();
        arm(&mut eeprom);
        assert!(eeprom.write(ADDR, &[0, 0]).is_err());
        assert_eq!(PowerControl::steps_taken(&eeprom), 1);
        assert!(!PowerControl::is_powered(&eeprom));
        PowerControl::restore_power(&mut eeprom);
        assert!(eeprom.is_powered());
    }

    /// Documents the bus traffic of `eeprom24x::Storage`: one write
    /// transaction per page piece (2 address bytes, then data), a fixed 5 ms
    /// delay after each one (no ack polling), and one `write_read` for a
    /// whole read whatever its length.
    #[test]
    fn eeprom24x_storage_bus_traffic() {
        use embedded_hal_mock::eh1::delay::{CheckedDelay, Transaction as Delay};
        use embedded_hal_mock::eh1::i2c::{Mock, Transaction};

        let mut i2c = Mock::new(&[
            Transaction::write(ADDR, vec![0x00, 0x3E, 1, 2]),
            Transaction::write(ADDR, vec![0x00, 0x40, 3]),
            Transaction::write_read(ADDR, vec![0x00, 0x3E], vec![1, 2, 3]),
        ]);
        let mut delay = CheckedDelay::new(&[Delay::delay_ms(5), Delay::delay_ms(5)]);
        {
            let eeprom = Eeprom24x::new_24x256(&mut i2c, SlaveAddr::default());
            let mut storage = Storage::new(eeprom, &mut delay);
            storage.write(0x3E, &[1, 2, 3]).unwrap();
            let mut back = [0; 3];
            storage.read(0x3E, &mut back).unwrap();
            assert_eq!(back, [1, 2, 3]);
            // An empty write makes no traffic at all.
            storage.write(0x10, &[]).unwrap();
        }
        i2c.done();
        delay.done();
    }
}
