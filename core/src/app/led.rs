//! What the LED shows: a short pattern of blinks at boot and after each press, then off, to
//! save the battery.

use embedded_hal::delay::DelayNs;
use embedded_hal::digital::OutputPin;

use super::{Board, Tag};
use crate::protocol::Indication;

/// Blinks, each `on_ms` long with `off_ms` between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Pattern {
    /// How many blinks.
    pub blinks: u8,
    /// How long each is on.
    pub on_ms: u32,
    /// How long the LED is off between blinks.
    pub off_ms: u32,
}

impl Pattern {
    /// The pattern of `indication`: one short blink for ok, two for full, three for damage,
    /// one long for an error, two long for a blank tag.
    pub const fn of(indication: Indication) -> Pattern {
        let (blinks, on_ms) = match indication {
            Indication::Ok => (1, 100),
            Indication::Full => (2, 100),
            Indication::Damaged => (3, 100),
            Indication::Error => (1, 1000),
            Indication::Blank => (2, 500),
        };
        Pattern {
            blinks,
            on_ms,
            off_ms: 200,
        }
    }
}

impl<B: Board> Tag<B> {
    /// Blinks the pattern of `indication`.
    pub(super) fn show(&mut self, indication: Indication) {
        let pattern = Pattern::of(indication);
        for blink in 0..pattern.blinks {
            if blink > 0 {
                self.delay.delay_ms(pattern.off_ms);
            }
            // An LED that cannot be driven leaves nothing to report it on.
            self.led.set_high().ok();
            self.delay.delay_ms(pattern.on_ms);
            self.led.set_low().ok();
        }
    }
}
