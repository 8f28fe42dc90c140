//! The tag's real-time clock: UTC seconds, or "not set" after it lost power.

#[cfg(feature = "ds3231")]
mod ds3231;

#[cfg(feature = "ds3231")]
pub use ds3231::{Ds3231Clock, Ds3231Error};

use crate::model::UtcSeconds;

/// A real-time clock. A clock that stopped (battery gone) says so instead of giving a time.
pub trait Clock {
    /// The clock's own error.
    type Error: core::fmt::Debug;

    /// UTC now, or `None` when the clock has not been set since it last stopped.
    fn now(&mut self) -> Result<Option<UtcSeconds>, Self::Error>;

    /// Sets the clock to `at`, UTC.
    fn set(&mut self, at: UtcSeconds) -> Result<(), Self::Error>;
}
