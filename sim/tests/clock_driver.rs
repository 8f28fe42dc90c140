//! The tag's clock on a DS3231: the exact I²C traffic of reading and setting it, pinned with an
//! expectation script, so that "clock not set" is read from the oscillator-stop flag before any
//! time is trusted.

use embedded_hal::i2c::ErrorKind;
use embedded_hal_mock::eh1::i2c::{Mock, Transaction};
use remtag::app::{Clock, Ds3231Clock, Ds3231Error};
use remtag::model::UtcSeconds;
use remtag_sim::memory::SimClock;
use remtag_sim::peripherals::SimDs3231;

const RTC: u8 = 0x68;
/// 2018-07-27T09:30:00Z, a Friday.
const KALMA: i64 = 1_532_683_800;
const KALMA_REGISTERS: [u8; 7] = [0x00, 0x30, 0x09, 0x06, 0x27, 0x07, 0x18];

#[test]
fn a_stopped_oscillator_means_the_clock_is_not_set_and_no_time_is_read() {
    let mut bus = Mock::new(&[Transaction::write_read(RTC, vec![0x0f], vec![0x80])]);
    let mut clock = Ds3231Clock::new(bus.clone());
    assert_eq!(clock.now().ok(), Some(None));
    bus.done();
}

#[test]
fn a_running_clock_is_read_from_its_time_registers() {
    let mut bus = Mock::new(&[
        Transaction::write_read(RTC, vec![0x0f], vec![0x00]),
        Transaction::write_read(RTC, vec![0x00], KALMA_REGISTERS.to_vec()),
    ]);
    let mut clock = Ds3231Clock::new(bus.clone());
    assert_eq!(clock.now().ok(), Some(UtcSeconds::from_unix(KALMA)));
    bus.done();
}

#[test]
fn setting_writes_the_time_then_clears_the_stop_flag() {
    let mut bus = Mock::new(&[
        Transaction::write(RTC, [vec![0x00], KALMA_REGISTERS.to_vec()].concat()),
        // The driver keeps the 32 kHz output enabled (the power-on value) and writes the alarm
        // flags as 1, which leaves them as they are.
        Transaction::write(RTC, vec![0x0f, 0x0b]),
    ]);
    let mut clock = Ds3231Clock::new(bus.clone());
    let at = UtcSeconds::from_unix(KALMA).expect("2018");
    assert!(clock.set(at).is_ok());
    bus.done();
}

#[test]
fn the_simulated_chip_answers_the_driver_like_a_real_one() {
    let sim = SimClock::new();
    let mut clock = Ds3231Clock::new(SimDs3231::new(sim.clone()));
    assert_eq!(clock.now().ok(), Some(None), "a new chip is not set");
    let at = UtcSeconds::from_unix(KALMA).expect("2018");
    assert!(clock.set(at).is_ok());
    sim.advance_ns(90 * 1_000_000_000);
    assert_eq!(clock.now().ok(), Some(UtcSeconds::from_unix(KALMA + 90)));
}

#[test]
fn a_bus_failure_is_the_clock_error_with_the_bus_kind() {
    let mut bus = Mock::new(&[
        Transaction::write_read(RTC, vec![0x0f], vec![0x00]).with_error(ErrorKind::Bus)
    ]);
    let mut clock = Ds3231Clock::new(bus.clone());
    let failed = clock.now().err();
    assert!(matches!(failed, Some(Ds3231Error::I2c(_))), "{failed:?}");
    assert_eq!(failed.map(|e| e.kind()), Some(ErrorKind::Bus));
    bus.done();
}

#[test]
fn a_time_past_the_chip_calendar_is_refused_before_the_bus_is_used() {
    let mut bus = Mock::new(&[]);
    let mut clock = Ds3231Clock::new(bus.clone());
    // 2136, past the DS3231's last year, 2100.
    let failed = clock.set(UtcSeconds(u32::MAX)).err();
    assert_eq!(failed, Some(Ds3231Error::OutOfRange));
    assert_eq!(failed.map(|e| e.kind()), Some(ErrorKind::Other));
    bus.done();
}
