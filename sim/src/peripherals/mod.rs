//! Simulated peripherals of a tag, timed by a shared [`SimClock`] so that
//! firmware logic runs on the desktop against the ecosystem's traits.
//!
//! - [`SimDs3231`]: a DS3231 real-time clock behind `embedded_hal::i2c`
//!   (address `0x68`), with its oscillator-stop flag, power loss and drift.
//! - [`SimGnss`]: a GNSS receiver's UART behind `embedded_io::Read` and
//!   `ReadReady`, sending NMEA 0183 RMC and GGA once a second along a
//!   [`Route`], with fix losses and a bounded FIFO.
//! - [`SimButton`] and [`SimLed`]: an active-low button behind
//!   `embedded_hal::digital::InputPin` and an active-high LED behind
//!   `OutputPin` that records its [`Pulse`]s.
//!
//! Each is a cloneable handle: a test keeps one and gives a clone to the
//! driver or firmware under test.
//!
//! [`SimClock`]: crate::memory::SimClock

#![deny(missing_docs)]

pub mod gnss;
pub mod pins;
pub mod rtc;

pub use gnss::{Route, SimGnss, SimGnssError, Waypoint};
pub use pins::{Pulse, SimButton, SimLed};
pub use rtc::{SimDs3231, SimDs3231Error};
