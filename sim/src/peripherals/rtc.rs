//! A simulated Maxim DS3231 real-time clock on I²C, following a [`SimClock`].

use core::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Datelike, NaiveDate, Timelike};
use embedded_hal::i2c::{self, ErrorKind, I2c, NoAcknowledgeSource, Operation};

use crate::memory::clock::SimClock;

/// Number of registers, `0x00..=0x12`; the pointer wraps from `0x12` to `0x00`.
const REGISTERS: usize = 0x13;
const CONTROL: usize = 0x0E;
const STATUS: usize = 0x0F;
const TEMP_MSB: usize = 0x11;
const TEMP_LSB: usize = 0x12;
const OSF: u8 = 0x80;
/// Status bits that only a written 0 changes: OSF, A2F, A1F.
const STICKY: u8 = 0x83;
const EN32KHZ: u8 = 0x08;
const CONV: u8 = 0x20;
const CONTROL_POR: u8 = 0x1C;
const STATUS_POR: u8 = OSF | EN32KHZ;
/// 2000-01-01T00:00:00Z, where the chip's counters start at power-on.
const POR_UNIX: i64 = 946_684_800;
const NS_PER_S: i128 = 1_000_000_000;

/// An error of [`SimDs3231`]: on the bus, a missing acknowledge.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SimDs3231Error {
    /// The transaction was addressed to another device.
    NoDevice {
        /// The 7-bit address used.
        address: u8,
    },
}

impl i2c::Error for SimDs3231Error {
    fn kind(&self) -> ErrorKind {
        ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
    }
}

impl fmt::Display for SimDs3231Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoDevice { address } => write!(f, "no device at I2C address {address:#04x}"),
        }
    }
}

impl std::error::Error for SimDs3231Error {}

/// A DS3231 at 7-bit I²C address `0x68` whose time follows a [`SimClock`].
///
/// Register model (`0x00..=0x12`):
/// - `0x00..=0x06`: BCD seconds, minutes, hours (always read in 24-hour mode,
///   bit 6 = 0; hours written in 12-hour form are converted), day of week
///   (1–7, user-defined; it advances at midnight), date, month (bit 7 =
///   century: years 2100–2199), year. The chip holds 2000–2199 only: other
///   years read modulo 200.
/// - `0x07..=0x0D` alarms and `0x10` aging offset: plain read/write storage
///   (alarms never fire, the aging offset does not change the rate; see
///   [`set_drift_ppm`](Self::set_drift_ppm)).
/// - `0x0E` control: stored; a temperature conversion (CONV) completes at
///   once, and EOSC is ignored since the simulated chip never runs on battery.
/// - `0x0F` status: OSF (bit 7), A2F and A1F are cleared only by writing 0
///   (writing 1 leaves them); EN32kHz is read/write; BSY reads 0.
/// - `0x11..=0x12`: a constant +25.00 °C, read-only.
///
/// Bus: a write segment's first byte sets the register pointer (modulo
/// `0x13`), further bytes write registers with auto-increment; a read reads
/// from the pointer on. The pointer wraps from `0x12` to `0x00`. As on the
/// real chip, the time registers a transaction sees are latched at its start,
/// so a multi-byte read is consistent. Writing the seconds register restarts
/// the countdown: the new second lasts a full second from the current
/// [`SimClock`] instant; other time writes keep the running second's phase.
/// A write leaving an impossible date-time (bad BCD, 31 February) is ignored
/// for the time registers.
///
/// Clones are handles to the same chip: keep one, give another to a driver.
#[derive(Clone, Debug)]
pub struct SimDs3231 {
    clock: SimClock,
    chip: Arc<Mutex<Chip>>,
}

#[derive(Debug)]
struct Chip {
    /// Chip time in unix nanoseconds at `anchor_sim_ns`.
    anchor_chip_ns: i128,
    anchor_sim_ns: u64,
    drift_ppm: i32,
    set: bool,
    /// Day register = `(days since 1970-01-01 + dow_offset) mod 7 + 1`.
    dow_offset: i64,
    /// Registers `0x07..`; entries `0x00..=0x06` are unused (computed).
    regs: [u8; REGISTERS],
    pointer: usize,
}

impl Chip {
    fn power_on(now_ns: u64, drift_ppm: i32) -> Self {
        let mut regs = [0; REGISTERS];
        regs[CONTROL] = CONTROL_POR;
        regs[STATUS] = STATUS_POR;
        regs[TEMP_MSB] = 25;
        Self {
            anchor_chip_ns: i128::from(POR_UNIX) * NS_PER_S,
            anchor_sim_ns: now_ns,
            drift_ppm,
            set: false,
            // The day register powers up as 1.
            dow_offset: dow_offset_for(POR_UNIX, 1),
            regs,
            pointer: 0,
        }
    }

    fn chip_ns(&self, now_ns: u64) -> i128 {
        let elapsed = i128::from(now_ns.saturating_sub(self.anchor_sim_ns));
        let scaled = elapsed * (1_000_000 + i128::from(self.drift_ppm)) / 1_000_000;
        self.anchor_chip_ns + scaled
    }

    fn unix(&self, now_ns: u64) -> i64 {
        // Out of i64 range only after ~3e11 years of simulation.
        i64::try_from(self.chip_ns(now_ns).div_euclid(NS_PER_S)).unwrap_or(i64::MAX)
    }

    /// Sets the time to `unix` with day register `day` at `now_ns`, keeping
    /// the fraction of the running second unless `restart` (a seconds write).
    fn set_time(&mut self, unix: i64, day: u8, now_ns: u64, restart: bool) {
        let fraction = if restart {
            0
        } else {
            self.chip_ns(now_ns).rem_euclid(NS_PER_S)
        };
        self.anchor_chip_ns = i128::from(unix) * NS_PER_S + fraction;
        self.anchor_sim_ns = now_ns;
        self.set = true;
        self.dow_offset = dow_offset_for(unix, day);
    }

    fn image(&self, now_ns: u64) -> [u8; REGISTERS] {
        let mut image = self.regs;
        let unix = self.unix(now_ns);
        let day = (unix.div_euclid(86_400) + self.dow_offset).rem_euclid(7) + 1;
        image[..7].copy_from_slice(&time_registers(unix, day as u8));
        image
    }

    /// Stores `byte` written to register `reg` of the latched `image`.
    fn write_register(image: &mut [u8; REGISTERS], reg: usize, byte: u8) {
        match reg {
            CONTROL => image[reg] = byte & !CONV,
            STATUS => image[reg] = (image[reg] & byte & STICKY) | (byte & EN32KHZ),
            TEMP_MSB | TEMP_LSB => {}
            _ => image[reg] = byte,
        }
    }
}

/// The offset making the day register read `day` at unix time `unix`.
fn dow_offset_for(unix: i64, day: u8) -> i64 {
    (i64::from(day) - 1 - unix.div_euclid(86_400)).rem_euclid(7)
}

fn bcd(value: u32) -> u8 {
    // Callers pass values below 100.
    (((value / 10) << 4) | (value % 10)) as u8
}

fn from_bcd(byte: u8) -> Option<u32> {
    let (high, low) = (u32::from(byte >> 4), u32::from(byte & 0x0F));
    (high < 10 && low < 10).then_some(high * 10 + low)
}

/// Registers `0x00..=0x06` for unix time `unix` and day-of-week `day`.
fn time_registers(unix: i64, day: u8) -> [u8; 7] {
    // Beyond chrono's ±262,000 years only; show the power-on date then.
    let Some(t) = DateTime::from_timestamp(unix, 0) else {
        return [0, 0, 0, day, 1, 1, 0];
    };
    // Only the century bit and two digits: years fold modulo 200.
    let century = if (t.year() - 2000).div_euclid(100).rem_euclid(2) == 1 {
        0x80
    } else {
        0
    };
    [
        bcd(t.second()),
        bcd(t.minute()),
        bcd(t.hour()),
        day,
        bcd(t.day()),
        bcd(t.month()) | century,
        bcd(t.year().rem_euclid(100) as u32),
    ]
}

/// The unix time registers `0x00..=0x06` hold, if they form a valid date-time.
fn decode_time(regs: &[u8]) -> Option<i64> {
    let second = from_bcd(regs[0] & 0x7F)?;
    let minute = from_bcd(regs[1] & 0x7F)?;
    let hour = if regs[2] & 0x40 != 0 {
        // 12-hour form: bit 5 is PM, 12 AM is midnight.
        let h12 = from_bcd(regs[2] & 0x1F)?;
        if !(1..=12).contains(&h12) {
            return None;
        }
        h12 % 12 + if regs[2] & 0x20 != 0 { 12 } else { 0 }
    } else {
        from_bcd(regs[2] & 0x3F)?
    };
    let date = from_bcd(regs[4] & 0x3F)?;
    let month = from_bcd(regs[5] & 0x1F)?;
    let century = if regs[5] & 0x80 != 0 { 2100 } else { 2000 };
    let year = century + from_bcd(regs[6])? as i32;
    let t = NaiveDate::from_ymd_opt(year, month, date)?.and_hms_opt(hour, minute, second)?;
    Some(t.and_utc().timestamp())
}

impl SimDs3231 {
    /// The 7-bit I²C address.
    pub const I2C_ADDRESS: u8 = 0x68;

    /// A chip just powered up for the first time: time not set, oscillator
    /// stop flag (OSF) set, counting from 2000-01-01 00:00:00 at the clock's
    /// current time.
    pub fn new(clock: SimClock) -> Self {
        let chip = Chip::power_on(clock.now_ns(), 0);
        Self {
            clock,
            chip: Arc::new(Mutex::new(chip)),
        }
    }

    /// A running chip set to `unix_seconds` at the clock's current time, with
    /// OSF clear. The day register is set as `ds323x` does (Sunday = 1).
    pub fn set_to(clock: SimClock, unix_seconds: i64) -> Self {
        let rtc = Self::new(clock);
        let day = DateTime::from_timestamp(unix_seconds, 0)
            .map_or(1, |t| t.weekday().number_from_sunday() as u8);
        let mut chip = rtc.lock();
        chip.set_time(unix_seconds, day, rtc.clock.now_ns(), true);
        chip.regs[STATUS] &= !OSF;
        drop(chip);
        rtc
    }

    fn lock(&self) -> MutexGuard<'_, Chip> {
        // A panic while holding the lock cannot leave the chip inconsistent
        // enough to matter in a simulation.
        self.chip.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A handle to the clock the chip follows.
    pub fn clock(&self) -> SimClock {
        self.clock.clone()
    }

    /// Both VCC and the backup battery are lost and come back: every register
    /// returns to its power-on value, OSF is set and the time restarts from
    /// 2000-01-01 00:00:00, not set. The drift is kept (it is the crystal's).
    pub fn lose_power(&self) {
        let now = self.clock.now_ns();
        let mut chip = self.lock();
        *chip = Chip::power_on(now, chip.drift_ppm);
    }

    /// The chip's time in unix seconds, or `None` if it has not been set
    /// (by [`set_to`](Self::set_to) or a bus write) since power-on.
    pub fn now_unix(&self) -> Option<i64> {
        let chip = self.lock();
        chip.set.then(|| chip.unix(self.clock.now_ns()))
    }

    /// Whether the oscillator stop flag (OSF, status bit 7) is set.
    pub fn oscillator_stopped(&self) -> bool {
        self.lock().regs[STATUS] & OSF != 0
    }

    /// The registers `0x00..=0x12` as a read would return them now.
    pub fn registers(&self) -> [u8; REGISTERS] {
        self.lock().image(self.clock.now_ns())
    }

    /// Makes the chip run `ppm` parts per million fast (negative: slow) from
    /// now on, like an aged or cold crystal. The default is 0.
    pub fn set_drift_ppm(&self, ppm: i32) {
        let now = self.clock.now_ns();
        let mut chip = self.lock();
        chip.anchor_chip_ns = chip.chip_ns(now);
        chip.anchor_sim_ns = now;
        chip.drift_ppm = ppm;
    }
}

impl i2c::ErrorType for SimDs3231 {
    type Error = SimDs3231Error;
}

impl I2c for SimDs3231 {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), Self::Error> {
        if address != Self::I2C_ADDRESS {
            return Err(SimDs3231Error::NoDevice { address });
        }
        let now = self.clock.now_ns();
        let mut chip = self.lock();
        let mut image = chip.image(now);
        let mut pointer = chip.pointer;
        let (mut time_written, mut seconds_written) = (false, false);
        let mut in_write = false;
        for operation in operations.iter_mut() {
            match operation {
                Operation::Write(bytes) => {
                    for &byte in bytes.iter() {
                        if in_write {
                            Chip::write_register(&mut image, pointer, byte);
                            time_written |= pointer < 7;
                            seconds_written |= pointer == 0;
                            pointer = (pointer + 1) % REGISTERS;
                        } else {
                            pointer = usize::from(byte) % REGISTERS;
                            in_write = true;
                        }
                    }
                }
                Operation::Read(buffer) => {
                    in_write = false;
                    for byte in buffer.iter_mut() {
                        *byte = image[pointer];
                        pointer = (pointer + 1) % REGISTERS;
                    }
                }
            }
        }
        chip.pointer = pointer;
        chip.regs[7..].copy_from_slice(&image[7..]);
        if time_written && let Some(unix) = decode_time(&image[..7]) {
            chip.set_time(unix, image[3] & 0x07, now, seconds_written);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ds323x::{DateTimeAccess, Ds323x, NaiveDateTime};

    const ADDR: u8 = SimDs3231::I2C_ADDRESS;
    /// 2018-07-27T10:30:45Z, a Friday.
    const HANDOVER: i64 = 1_532_687_445;
    const S: u64 = 1_000_000_000;

    fn utc(unix: i64) -> NaiveDateTime {
        DateTime::from_timestamp(unix, 0).unwrap().naive_utc()
    }

    #[test]
    fn new_chip_is_not_set_and_counts_from_2000() {
        let clock = SimClock::new();
        let rtc = SimDs3231::new(clock.clone());
        let mut driver = Ds323x::new_ds3231(rtc.clone());
        assert!(driver.has_been_stopped().unwrap());
        assert_eq!(driver.datetime().unwrap(), utc(POR_UNIX));
        assert_eq!(rtc.registers()[..7], [0, 0, 0, 1, 1, 1, 0]);
        assert_eq!(rtc.now_unix(), None);
        clock.advance_ns(61 * S);
        assert_eq!(driver.datetime().unwrap(), utc(POR_UNIX + 61));
        driver.clear_has_been_stopped_flag().unwrap();
        assert!(!driver.has_been_stopped().unwrap());
        assert_eq!(rtc.registers()[STATUS], EN32KHZ, "EN32kHz kept");
    }

    #[test]
    fn ds323x_sets_and_reads_time_that_follows_the_clock() {
        let clock = SimClock::new();
        clock.advance_ns(S / 3);
        let rtc = SimDs3231::new(clock.clone());
        let mut driver = Ds323x::new_ds3231(rtc.clone());
        driver.set_datetime(&utc(HANDOVER)).unwrap();
        assert_eq!(rtc.now_unix(), Some(HANDOVER));
        assert_eq!(rtc.registers()[3], 6, "Friday, Sunday = 1");
        // Whole seconds since the write, not since the clock's last second.
        clock.advance_ns(S - 1);
        assert_eq!(driver.datetime().unwrap(), utc(HANDOVER));
        clock.advance_ns(1);
        assert_eq!(driver.datetime().unwrap(), utc(HANDOVER + 1));
        // Across midnight, then into the next century.
        clock.advance_ns(49_000 * S);
        assert_eq!(driver.datetime().unwrap(), utc(HANDOVER + 49_001));
        assert_eq!(rtc.registers()[3], 7, "Saturday");
        let late = utc(4_102_444_799); // 2099-12-31T23:59:59Z
        driver.set_datetime(&late).unwrap();
        clock.advance_ns(S);
        assert_eq!(driver.datetime().unwrap(), utc(4_102_444_800));
        assert_eq!(rtc.registers()[5], 0x81, "century bit, January");
        assert!(driver.has_been_stopped().unwrap(), "setting leaves OSF");
    }

    #[test]
    fn set_to_runs_and_power_loss_resets() {
        let clock = SimClock::new();
        let rtc = SimDs3231::set_to(clock.clone(), HANDOVER);
        let mut driver = Ds323x::new_ds3231(rtc.clone());
        assert!(!driver.has_been_stopped().unwrap());
        assert_eq!(
            rtc.registers()[..7],
            [0x45, 0x30, 0x10, 6, 0x27, 0x07, 0x18]
        );
        clock.advance_ns(3_600 * S);
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 3_600));
        rtc.lose_power();
        assert_eq!(rtc.now_unix(), None);
        assert!(rtc.oscillator_stopped());
        assert!(driver.has_been_stopped().unwrap());
        assert_eq!(driver.datetime().unwrap(), utc(POR_UNIX));
    }

    #[test]
    fn drift_scales_elapsed_time() {
        let clock = SimClock::new();
        let rtc = SimDs3231::set_to(clock.clone(), HANDOVER);
        rtc.set_drift_ppm(100);
        clock.advance_ns(10_000 * S);
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 10_001));
        rtc.set_drift_ppm(-100);
        clock.advance_ns(10_000 * S);
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 20_000));
    }

    #[test]
    fn register_pointer_wraps_and_status_flags_are_sticky() {
        let clock = SimClock::new();
        let mut rtc = SimDs3231::new(clock);
        let mut buf = [0; 3];
        rtc.write_read(ADDR, &[0x11], &mut buf).unwrap();
        assert_eq!(buf, [25, 0, 0x00], "temperature, then seconds");
        // Writing 1 to OSF does not set it once clear; temperature is read-only.
        rtc.write(ADDR, &[STATUS as u8, 0x00, 0x42, 0x42]).unwrap();
        rtc.write(ADDR, &[STATUS as u8, 0xFF]).unwrap();
        rtc.write_read(ADDR, &[0x0E], &mut buf).unwrap();
        assert_eq!(buf, [CONTROL_POR, EN32KHZ, 0x42], "aging offset written");
        assert_eq!(rtc.registers()[TEMP_MSB], 25);
        // A read-only transaction continues from the pointer.
        rtc.read(ADDR, &mut buf[..1]).unwrap();
        assert_eq!(buf[0], 25);
    }

    #[test]
    fn partial_and_twelve_hour_writes() {
        let clock = SimClock::new();
        let mut rtc = SimDs3231::set_to(clock.clone(), HANDOVER);
        clock.advance_ns(S / 2);
        // Only the hours register, in 12-hour form: 11 PM. The second's
        // phase is kept: it ends half a second later.
        rtc.write(ADDR, &[0x02, 0x40 | 0x20 | 0x11]).unwrap();
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 13 * 3_600));
        clock.advance_ns(S / 2);
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 13 * 3_600 + 1));
        assert_eq!(rtc.registers()[2], 0x23, "read back in 24-hour form");
        // An impossible date is ignored.
        rtc.write(ADDR, &[0x04, 0x31, 0x02]).unwrap();
        assert_eq!(rtc.now_unix(), Some(HANDOVER + 13 * 3_600 + 1));
    }

    #[test]
    fn other_addresses_are_not_acknowledged() {
        use embedded_hal::i2c::Error as _;
        let mut rtc = SimDs3231::new(SimClock::new());
        let err = rtc.write(0x57, &[0, 0]).unwrap_err();
        assert_eq!(err, SimDs3231Error::NoDevice { address: 0x57 });
        assert_eq!(
            err.kind(),
            ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)
        );
        assert_eq!(err.to_string(), "no device at I2C address 0x57");
    }

    /// Pins the bus traffic of `ds323x`: `datetime()` is one `write_read` of
    /// register 0x00 for 7 bytes, `has_been_stopped()` one of 0x0F for 1.
    #[test]
    fn ds323x_bus_traffic() {
        use embedded_hal_mock::eh1::i2c::{Mock, Transaction};
        let time = vec![0x45, 0x30, 0x10, 0x06, 0x27, 0x07, 0x18];
        let mut i2c = Mock::new(&[
            Transaction::write_read(ADDR, vec![0x00], time),
            Transaction::write_read(ADDR, vec![0x0F], vec![0x88]),
        ]);
        {
            let mut driver = Ds323x::new_ds3231(&mut i2c);
            assert_eq!(driver.datetime().unwrap(), utc(HANDOVER));
            assert!(driver.has_been_stopped().unwrap());
        }
        i2c.done();
    }
}
