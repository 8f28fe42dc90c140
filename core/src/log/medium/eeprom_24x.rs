//! A 24xx I2C EEPROM as a log medium, through the `eeprom24x` driver (feature `eeprom24x-v0_7`).

use super::RewritableMedium;

/// A 24xx256 I2C EEPROM (32 KiB, 64-byte pages), as a log medium.
///
/// The `eeprom24x` driver never lets a page write cross a page boundary and waits the 5 ms
/// write-cycle time after each page, so a write returns only once it is durable.
pub type Eeprom24x256Medium<I2C, D> = RewritableMedium<
    eeprom24x::Storage<
        I2C,
        eeprom24x::page_size::B64,
        eeprom24x::addr_size::TwoBytes,
        eeprom24x::unique_serial::No,
        D,
    >,
>;

/// A 24xx256 EEPROM at I2C address 0x50 (A2..A0 low) on `i2c`, waiting with `delay`.
pub fn eeprom_24x256<I2C, D>(i2c: I2C, delay: D) -> Eeprom24x256Medium<I2C, D>
where
    I2C: embedded_hal::i2c::I2c,
    D: embedded_hal::delay::DelayNs,
{
    let eeprom = eeprom24x::Eeprom24x::new_24x256(i2c, eeprom24x::SlaveAddr::default());
    RewritableMedium::new(eeprom24x::Storage::new(eeprom, delay), 1)
}
