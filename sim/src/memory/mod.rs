//! Simulated memories for the log's power-cut torture tests.
//!
//! - [`SimNorFlash`]: a NOR flash behind `embedded_storage::nor_flash`.
//! - [`SimEeprom`]: a 24LC256 I²C EEPROM behind `embedded_hal::i2c`, timed by
//!   a [`SimClock`] that a [`SimDelay`] advances.
//!
//! Both share the byte-step power-cut model of [`power`]: arm a [`PowerCut`],
//! run, read [`PowerControl::steps_taken`], and call
//! [`PowerControl::restore_power`] after a cut.

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
pub use power::{CutWord, PowerControl, PowerCut};
