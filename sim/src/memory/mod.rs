//! Simulated memories for the log's power-cut torture tests.
//!
//! - [`SimNorFlash`]: a NOR flash behind `embedded_storage::nor_flash`.
//! - [`SimEeprom`]: a 24LC256 I²C EEPROM behind `embedded_hal::i2c`, timed by
//!   a [`SimClock`] that a [`SimDelay`] advances.
//! - [`SimTagMemory`]: the user memory of an NTAG213/215/216 NFC tag behind
//!   `embedded_storage::Storage`.
//!
//! All share the power-cut model of [`power`]: arm a [`PowerCut`] counted in
//! byte-steps or operations, with a [`Tear`] saying what the interrupted
//! operation leaves (the deterministic address-order model, or the cells'
//! physics in extreme or seeded random patterns), run, and call
//! [`PowerControl::restore_power`] after a cut ([`PowerControl::run_with_cut`]
//! does all three).

#![deny(missing_docs)]

pub mod clock;
pub mod eeprom;
pub mod nor;
pub mod ntag;
pub mod power;

pub use clock::{SimClock, SimDelay};
pub use eeprom::{SimEeprom, SimEepromError};
pub use nor::{NorStats, SimFlashError, SimNorFlash};
pub use ntag::{SimTagError, SimTagMemory};
pub use power::{CutRun, CutWord, PowerControl, PowerCut, Tear};
