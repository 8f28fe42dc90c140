//! A Maxim DS3231 on I²C as the tag's [`Clock`], through the `ds323x` driver (feature `ds3231`).

use core::fmt;

use ds323x::interface::I2cInterface;
use ds323x::{DateTimeAccess, Ds323x, ic};
use embedded_hal::i2c::{self, I2c};

use super::Clock;
use crate::model::UtcSeconds;

/// A Maxim DS3231 on I²C, through the `ds323x` driver. Its oscillator-stop flag tells a clock
/// that lost power from one that kept time.
pub struct Ds3231Clock<I2C> {
    rtc: Ds323x<I2cInterface<I2C>, ic::DS3231>,
}

impl<I2C: I2c> Ds3231Clock<I2C> {
    /// The clock on `i2c`.
    pub fn new(i2c: I2C) -> Self {
        Ds3231Clock {
            rtc: Ds323x::new_ds3231(i2c),
        }
    }

    /// The bus back.
    pub fn release(self) -> I2C {
        self.rtc.destroy_ds3231()
    }
}

impl<I2C: I2c> Clock for Ds3231Clock<I2C> {
    type Error = Ds3231Error<I2C::Error>;

    fn now(&mut self) -> Result<Option<UtcSeconds>, Self::Error> {
        if self.rtc.has_been_stopped()? {
            return Ok(None);
        }
        let at = self.rtc.datetime()?;
        Ok(UtcSeconds::from_unix(at.and_utc().timestamp()))
    }

    fn set(&mut self, at: UtcSeconds) -> Result<(), Self::Error> {
        let Some(datetime) = chrono::DateTime::from_timestamp(at.to_unix(), 0) else {
            return Err(Ds3231Error::OutOfRange);
        };
        self.rtc.set_datetime(&datetime.naive_utc())?;
        Ok(self.rtc.clear_has_been_stopped_flag()?)
    }
}

/// Why the DS3231 could not be read or set. The driver's own error stays behind this one, so
/// that a board does not depend on the driver's version.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Ds3231Error<E> {
    /// The I²C bus failed.
    I2c(E),
    /// The chip's registers hold no valid date and time.
    InvalidTime,
    /// The time is beyond the chip's calendar, which ends with 2100.
    OutOfRange,
}

impl<E: i2c::Error> Ds3231Error<E> {
    /// What kind of failure this is, as embedded-hal names a bus's: the bus's own kind, or
    /// [`i2c::ErrorKind::Other`] for a failure of the chip's.
    pub fn kind(&self) -> i2c::ErrorKind {
        match self {
            Self::I2c(e) => e.kind(),
            Self::InvalidTime | Self::OutOfRange => i2c::ErrorKind::Other,
        }
    }
}

impl<E> From<ds323x::Error<E>> for Ds3231Error<E> {
    fn from(e: ds323x::Error<E>) -> Self {
        match e {
            ds323x::Error::Comm(e) => Self::I2c(e),
            ds323x::Error::InvalidInputData => Self::OutOfRange,
            ds323x::Error::InvalidDeviceState => Self::InvalidTime,
        }
    }
}

impl<E: fmt::Debug> fmt::Display for Ds3231Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::I2c(e) => write!(f, "the DS3231's I2C bus failed: {e:?}"),
            Self::InvalidTime => f.write_str("the DS3231 holds no valid date and time"),
            Self::OutOfRange => f.write_str("the time is beyond the DS3231's calendar"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for Ds3231Error<E> {}
