//! A simulated push button and LED on GPIO pins.

use core::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use embedded_hal::digital::{ErrorType, InputPin, OutputPin, StatefulOutputPin};

use crate::memory::clock::SimClock;

/// A push button to ground with a pull-up: the pin reads low while pressed.
///
/// Clones are handles to the same button: keep one to press, give another to
/// the firmware as its [`InputPin`]. A new button is released.
#[derive(Clone, Debug, Default)]
pub struct SimButton {
    pressed: Arc<AtomicBool>,
}

impl SimButton {
    /// A released button.
    pub fn new() -> Self {
        Self::default()
    }

    /// Presses the button (the pin reads low) until [`release`](Self::release).
    pub fn press(&self) {
        self.pressed.store(true, Ordering::Relaxed);
    }

    /// Releases the button (the pin reads high).
    pub fn release(&self) {
        self.pressed.store(false, Ordering::Relaxed);
    }

    /// Whether the button is held down.
    pub fn is_pressed(&self) -> bool {
        self.pressed.load(Ordering::Relaxed)
    }
}

impl ErrorType for SimButton {
    type Error = Infallible;
}

impl InputPin for SimButton {
    fn is_high(&mut self) -> Result<bool, Self::Error> {
        Ok(!self.is_pressed())
    }

    fn is_low(&mut self) -> Result<bool, Self::Error> {
        Ok(self.is_pressed())
    }
}

/// One lit period of a [`SimLed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pulse {
    /// When the LED came on, in [`SimClock`] nanoseconds.
    pub start_ns: u64,
    /// How long it stayed on, in nanoseconds.
    pub length_ns: u64,
}

/// An LED driven high to light (active high), recording when it changes.
///
/// The history holds `(sim_ns, on)` for every change of state, timed by a
/// shared [`SimClock`]; setting the state it already has records nothing.
/// Clones are handles to the same LED: keep one to watch, give another to the
/// firmware as its [`OutputPin`]. A new LED is off with an empty history.
#[derive(Clone, Debug)]
pub struct SimLed {
    clock: SimClock,
    state: Arc<Mutex<LedState>>,
}

#[derive(Debug, Default)]
struct LedState {
    on: bool,
    history: Vec<(u64, bool)>,
}

impl SimLed {
    /// An LED, off, whose changes are timed by `clock`.
    pub fn new(clock: SimClock) -> Self {
        Self {
            clock,
            state: Arc::default(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, LedState> {
        // A panic while holding the lock leaves a valid state behind.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn set(&self, on: bool) {
        let now = self.clock.now_ns();
        let mut state = self.lock();
        if state.on != on {
            state.on = on;
            state.history.push((now, on));
        }
    }

    /// Whether the LED is lit.
    pub fn is_on(&self) -> bool {
        self.lock().on
    }

    /// Every change `(sim_ns, on)` since creation or the last
    /// [`clear_history`](Self::clear_history), oldest first.
    pub fn history(&self) -> Vec<(u64, bool)> {
        self.lock().history.clone()
    }

    /// Forgets the history. If the LED is lit, it keeps `(now, true)` so that
    /// the current pulse is measured from now.
    pub fn clear_history(&self) {
        let now = self.clock.now_ns();
        let mut state = self.lock();
        state.history.clear();
        if state.on {
            state.history.push((now, true));
        }
    }

    /// The pulses in the history that ended after `ns`, oldest first; one
    /// still lit is not included.
    pub fn pulses_since(&self, ns: u64) -> Vec<Pulse> {
        let state = self.lock();
        let mut pulses = Vec::new();
        let mut lit_at = None;
        for &(at, on) in &state.history {
            match (on, lit_at) {
                (true, _) => lit_at = Some(at),
                (false, Some(start)) => {
                    if at > ns {
                        pulses.push(Pulse {
                            start_ns: start,
                            length_ns: at - start,
                        });
                    }
                    lit_at = None;
                }
                (false, None) => {}
            }
        }
        pulses
    }
}

impl ErrorType for SimLed {
    type Error = Infallible;
}

impl OutputPin for SimLed {
    fn set_low(&mut self) -> Result<(), Self::Error> {
        self.set(false);
        Ok(())
    }

    fn set_high(&mut self) -> Result<(), Self::Error> {
        self.set(true);
        Ok(())
    }
}

impl StatefulOutputPin for SimLed {
    fn is_set_high(&mut self) -> Result<bool, Self::Error> {
        Ok(self.is_on())
    }

    fn is_set_low(&mut self) -> Result<bool, Self::Error> {
        Ok(!self.is_on())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_hal::delay::DelayNs;

    const MS: u64 = 1_000_000;

    #[test]
    fn button_reads_low_while_pressed() {
        let button = SimButton::new();
        let mut pin = button.clone();
        assert!(pin.is_high().unwrap() && !button.is_pressed());
        button.press();
        assert!(pin.is_low().unwrap() && !pin.is_high().unwrap());
        assert!(button.is_pressed());
        button.release();
        assert!(pin.is_high().unwrap());
    }

    /// Firmware blinking twice, 100 ms on and 200 ms off, then once for 500 ms.
    fn blink(mut pin: impl OutputPin<Error = Infallible>, clock: &SimClock) {
        let mut delay = clock.delay();
        for on_ms in [100, 100, 500] {
            pin.set_high().unwrap();
            pin.set_high().unwrap();
            delay.delay_ms(on_ms);
            pin.set_low().unwrap();
            delay.delay_ms(200);
        }
    }

    #[test]
    fn led_records_changes_and_counts_pulses() {
        let clock = SimClock::new();
        let led = SimLed::new(clock.clone());
        clock.advance_ns(7);
        blink(led.clone(), &clock);
        assert!(!led.is_on());
        let history = led.history();
        assert_eq!(history.len(), 6, "repeated set_high records once");
        assert_eq!(history[..2], [(7, true), (7 + 100 * MS, false)]);
        let pulses = led.pulses_since(0);
        let lengths: Vec<u64> = pulses.iter().map(|p| p.length_ns / MS).collect();
        assert_eq!(lengths, [100, 100, 500]);
        assert_eq!(pulses[1].start_ns, 7 + 300 * MS);
        // Only pulses that ended after the given time.
        assert_eq!(led.pulses_since(7 + 400 * MS).len(), 1);
        assert_eq!(led.pulses_since(7 + 399 * MS).len(), 2);
    }

    #[test]
    fn clear_history_keeps_the_current_pulse() {
        let clock = SimClock::new();
        let led = SimLed::new(clock.clone());
        let mut pin = led.clone();
        pin.set_high().unwrap();
        clock.advance_ns(50 * MS);
        assert!(led.pulses_since(0).is_empty(), "still lit");
        led.clear_history();
        assert_eq!(led.history(), [(50 * MS, true)]);
        clock.advance_ns(50 * MS);
        pin.toggle().unwrap();
        assert!(pin.is_set_low().unwrap() && !pin.is_set_high().unwrap());
        let pulse = Pulse {
            start_ns: 50 * MS,
            length_ns: 50 * MS,
        };
        assert_eq!(led.pulses_since(0), [pulse]);
        led.clear_history();
        assert!(led.history().is_empty());
    }
}
