//! Write amplification, erase counts and mount cost of the custody log
//! ([`remtag::log::Log`]), next to sequential-storage's queue on the same simulated NOR flash.
//!
//! The `log` binary runs every measurement and writes `docs/LOG.md`:
//!
//! ```text
//! cargo run -p remtag-bench --release --bin log -- --write docs/LOG.md
//! ```
//!
//! [`workload`] builds the journey and the stored bytes of each record; [`remtag_log`] runs
//! the log on the simulated 24LC256 EEPROM and NOR flash; [`queue`] runs
//! `sequential_storage::queue` on the same NOR flash through [`adapter`]; [`report`] renders
//! the tables and the document. Every number is a count of bytes or operations on the
//! simulated memories, never a time.

pub mod adapter;
pub mod queue;
pub mod remtag_log;
pub mod report;
pub mod workload;

use remtag_sim::memory::nor::SimNorFlash;

/// Bytes of the simulated NOR flash: 1 MiB.
pub const NOR_CAPACITY: usize = 1 << 20;
/// Bytes of one NOR flash sector, the erase unit: 4 KiB.
pub const SECTOR: usize = 4096;
/// The simulated NOR flash with `W`-byte write words and 4 KiB sectors.
pub type Nor<const W: usize> = SimNorFlash<W, SECTOR>;

/// The page the mount target allows beyond what the log holds on EEPROM: the 24LC256's
/// 64-byte write page.
pub const EEPROM_PAGE: u64 = 64;
/// The page the mount target allows beyond what the log holds on NOR flash: the 256-byte
/// program page of SPI NOR flash.
pub const NOR_PAGE: u64 = 256;

/// Most bytes programmed per byte of stored record on the EEPROM.
pub const EEPROM_AMPLIFICATION_MAX: f64 = 1.25;

/// Records appended in the "first records" runs.
pub const FIRST_RECORDS: usize = 1_000;
/// Records appended in the steady-state runs before measuring starts, on EEPROM: enough to
/// fill the 32 KiB more than once.
pub const EEPROM_WARMUP: usize = 3_000;
/// Records measured in the steady-state runs on EEPROM.
pub const EEPROM_WINDOW: usize = 10_000;
/// Records appended in the steady-state runs before measuring starts, on NOR flash: enough to
/// fill the 1 MiB more than once, so that sequential-storage is erasing old pages.
pub const NOR_WARMUP: usize = 60_000;
/// Records measured in the steady-state runs on NOR flash.
pub const NOR_WINDOW: usize = 60_000;
/// The longest journey a "until full" run appends before giving up.
pub const FILL_LIMIT: usize = 200_000;

/// The store being measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum System {
    /// `remtag::log::Log`.
    Remtag,
    /// `sequential_storage::queue` 8.0.2.
    Queue,
}

impl System {
    /// The name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            System::Remtag => "remtag log",
            System::Queue => "sequential-storage queue",
        }
    }
}

/// The simulated memory of a run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    /// The 24LC256 I2C EEPROM (32 KiB, 64-byte pages) through the `eeprom24x` driver.
    Eeprom,
    /// 1 MiB NOR flash with 4 KiB sectors and this write size.
    Nor {
        /// Bytes per program word.
        write_size: u32,
    },
}

impl Memory {
    /// The name in the tables.
    pub fn name(self) -> String {
        match self {
            Memory::Eeprom => "EEPROM 24LC256, 32 KiB".to_string(),
            Memory::Nor { write_size } => format!("NOR 1 MiB, 4 KiB sectors, write {write_size}"),
        }
    }

    /// The page the mount target allows beyond what the log holds.
    pub fn page(self) -> u64 {
        match self {
            Memory::Eeprom => EEPROM_PAGE,
            Memory::Nor { .. } => NOR_PAGE,
        }
    }
}

/// Which appends of a run are measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The first records after formatting a blank medium.
    First,
    /// Every record from formatting until the store refuses one as full.
    UntilFull,
    /// A window of records after a warm-up that filled the medium, the old records given up
    /// (reclaimed after each checkpoint by remtag, overwritten by sequential-storage).
    Steady,
}

impl Phase {
    /// The name in the tables.
    pub fn name(self) -> &'static str {
        match self {
            Phase::First => "first records",
            Phase::UntilFull => "until full",
            Phase::Steady => "steady state",
        }
    }
}

/// What appending a range of records cost.
#[derive(Clone, Debug, PartialEq)]
pub struct WriteRun {
    /// The store.
    pub system: System,
    /// The memory.
    pub memory: Memory,
    /// What was measured.
    pub phase: Phase,
    /// Records appended (pushed) in the measured range.
    pub records: u64,
    /// Their stored bytes, the record payload the store was given.
    pub record_bytes: u64,
    /// Bytes passed to program (write) operations in the measured range.
    pub programmed: u64,
    /// Program (write) operations in the measured range.
    pub programs: u64,
    /// Sectors erased in the measured range; `None` on EEPROM, which is never erased.
    pub sectors_erased: Option<u64>,
    /// Page write cycles of the EEPROM (one per page piece the driver writes).
    pub write_cycles: Option<u64>,
    /// Segments reclaimed (remtag, steady state).
    pub reclaimed: u64,
    /// For a run until full: the first sequence number refused.
    pub refused_at: Option<u64>,
}

impl WriteRun {
    /// Bytes programmed per byte of stored record.
    pub fn amplification(&self) -> f64 {
        self.programmed as f64 / self.record_bytes.max(1) as f64
    }

    /// Sectors erased per 1,000 records.
    pub fn erases_per_1000(&self) -> Option<f64> {
        self.sectors_erased
            .map(|e| e as f64 * 1000.0 / self.records.max(1) as f64)
    }

    /// Program operations per record.
    pub fn programs_per_record(&self) -> f64 {
        self.programs as f64 / self.records.max(1) as f64
    }

    /// EEPROM page write cycles per record.
    pub fn cycles_per_record(&self) -> Option<f64> {
        self.write_cycles
            .map(|c| c as f64 / self.records.max(1) as f64)
    }
}

/// What bringing a store up (or reading it all) after a reset read.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadRun {
    /// The store.
    pub system: System,
    /// The memory.
    pub memory: Memory,
    /// What was measured.
    pub what: &'static str,
    /// Records the store held (the identity or first item included).
    pub records: u64,
    /// Segments in use, for the remtag log.
    pub segments: Option<u32>,
    /// Bytes the store holds: for remtag the two identity copies, the segment headers in use
    /// and the records as stored; for sequential-storage every byte programmed (item headers,
    /// data with its padding, page markers).
    pub held: u64,
    /// Bytes read.
    pub bytes_read: u64,
    /// Read operations (one I2C transaction or one flash read command each).
    pub read_ops: u64,
    /// Whether the mount target (read ≤ held + one page) applies to this row.
    pub target: bool,
}

impl ReadRun {
    /// The page the target allows beyond what the log holds.
    pub fn page(&self) -> u64 {
        self.memory.page()
    }

    /// Whether the bytes read are within what the store holds plus one page.
    pub fn within_target(&self) -> bool {
        self.bytes_read <= self.held + self.page()
    }
}
