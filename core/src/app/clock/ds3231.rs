//! A Maxim DS3231 on I²C as the tag's [`Clock`], through the `ds323x` driver (feature `ds3231`).

use ds323x::interface::I2cInterface;
use ds323x::{DateTimeAccess, Ds323x, ic};
use embedded_hal::i2c::I2c;

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
    type Error = ds323x::Error<I2C::Error>;

    fn now(&mut self) -> Result<Option<UtcSeconds>, Self::Error> {
        if self.rtc.has_been_stopped()? {
            return Ok(None);
        }
        let at = self.rtc.datetime()?;
        Ok(UtcSeconds::from_unix(at.and_utc().timestamp()))
    }

    fn set(&mut self, at: UtcSeconds) -> Result<(), Self::Error> {
        let Some(datetime) = chrono::DateTime::from_timestamp(at.to_unix(), 0) else {
            return Err(ds323x::Error::InvalidInputData);
        };
        self.rtc.set_datetime(&datetime.naive_utc())?;
        self.rtc.clear_has_been_stopped_flag()
    }
}
