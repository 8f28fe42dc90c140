//! Simulated time: a shared nanosecond clock and a delay that advances it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use embedded_hal::delay::DelayNs;

/// A simulated clock in nanoseconds since its creation.
///
/// Clones are handles to the same clock, so a device and the [`SimDelay`]
/// that a driver waits with see the same time. Time only moves when someone
/// advances it. The handle is `Send + Sync`.
#[derive(Clone, Debug, Default)]
pub struct SimClock {
    nanos: Arc<AtomicU64>,
}

impl SimClock {
    /// A new, independent clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current simulated time in nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.nanos.load(Ordering::Relaxed)
    }

    /// Moves the clock forward by `ns` nanoseconds (saturating).
    pub fn advance_ns(&self, ns: u64) {
        // `fetch_update` never fails when the closure always returns `Some`.
        let _ = self
            .nanos
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |now| {
                Some(now.saturating_add(ns))
            });
    }

    /// A delay that advances this clock.
    pub fn delay(&self) -> SimDelay {
        SimDelay::new(self.clone())
    }
}

/// An [`embedded_hal::delay::DelayNs`] that returns at once after advancing a
/// [`SimClock`] by the requested time.
#[derive(Clone, Debug, Default)]
pub struct SimDelay {
    clock: SimClock,
}

impl SimDelay {
    /// A delay advancing `clock`.
    pub fn new(clock: SimClock) -> Self {
        Self { clock }
    }

    /// The clock this delay advances.
    pub fn clock(&self) -> &SimClock {
        &self.clock
    }
}

impl DelayNs for SimDelay {
    fn delay_ns(&mut self, ns: u32) {
        self.clock.advance_ns(ns.into());
    }

    fn delay_us(&mut self, us: u32) {
        self.clock.advance_ns(u64::from(us) * 1_000);
    }

    fn delay_ms(&mut self, ms: u32) {
        self.clock.advance_ns(u64::from(ms) * 1_000_000);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_advances_the_shared_clock() {
        let clock = SimClock::new();
        let mut delay = clock.delay();
        assert_eq!(clock.now_ns(), 0);
        delay.delay_ns(7);
        delay.delay_us(3);
        delay.delay_ms(5);
        assert_eq!(clock.now_ns(), 7 + 3_000 + 5_000_000);
        assert_eq!(delay.clock().now_ns(), clock.now_ns());
        delay.delay_ms(u32::MAX);
        assert_eq!(clock.now_ns(), 5_003_007 + u64::from(u32::MAX) * 1_000_000);
    }

    #[test]
    fn new_clocks_are_independent() {
        let a = SimClock::new();
        let b = SimClock::new();
        a.advance_ns(10);
        assert_eq!(b.now_ns(), 0);
        let c = a.clone();
        c.advance_ns(u64::MAX);
        assert_eq!(a.now_ns(), u64::MAX);
    }
}
