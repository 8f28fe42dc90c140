//! When a record was made: UTC seconds, how the time was known, and the local offset.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

/// Seconds since 2000-01-01T00:00:00Z, the epoch used by RTC chips; a `u32` reaches 2136.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(transparent)]
pub struct UtcSeconds(pub u32);

impl MaxSize for UtcSeconds {
    const POSTCARD_MAX_SIZE: usize = u32::POSTCARD_MAX_SIZE;
}

impl UtcSeconds {
    /// Seconds between the Unix epoch (1970) and this epoch (2000).
    pub const UNIX_OFFSET: i64 = 946_684_800;

    /// The same instant as seconds since 1970-01-01T00:00:00Z.
    pub fn to_unix(self) -> i64 {
        i64::from(self.0) + Self::UNIX_OFFSET
    }

    /// The instant `unix` seconds after 1970, if it lies between 2000 and 2136.
    pub fn from_unix(unix: i64) -> Option<Self> {
        u32::try_from(unix - Self::UNIX_OFFSET).ok().map(UtcSeconds)
    }
}

/// How the tag or the reader knew the time of a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TimeQuality {
    /// From a GNSS fix.
    Gnss,
    /// From a network time source, through a reader.
    Network,
    /// Entered by a person.
    Manual,
    /// Estimated afterwards, for example from a flight log.
    Estimated,
}

impl TimeQuality {
    /// Every quality, in wire order.
    pub const ALL: [TimeQuality; 4] = [Self::Gnss, Self::Network, Self::Manual, Self::Estimated];
}

/// A known time with its quality. A record whose clock was not set carries no timestamp at all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timestamp {
    /// The instant, UTC.
    pub at: UtcSeconds,
    /// How it was known.
    pub quality: TimeQuality,
}

/// The local time-zone offset from UTC, in quarter hours, from UTC-12:00 to UTC+14:00.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(try_from = "i8", into = "i8")]
pub struct TzOffset(i8);

impl TzOffset {
    /// UTC itself.
    pub const UTC: TzOffset = TzOffset(0);
    const MIN: i8 = -48;
    const MAX: i8 = 56;

    /// The offset of `quarters` quarter hours, if it lies between -12:00 and +14:00.
    pub const fn from_quarter_hours(quarters: i8) -> Option<Self> {
        if quarters >= Self::MIN && quarters <= Self::MAX {
            Some(TzOffset(quarters))
        } else {
            None
        }
    }

    /// The offset in quarter hours.
    pub const fn quarter_hours(self) -> i8 {
        self.0
    }

    /// The offset in minutes.
    pub const fn minutes(self) -> i16 {
        self.0 as i16 * 15
    }
}

impl TryFrom<i8> for TzOffset {
    type Error = OutOfRange;
    fn try_from(quarters: i8) -> Result<Self, OutOfRange> {
        Self::from_quarter_hours(quarters).ok_or(OutOfRange("time-zone offset"))
    }
}

impl From<TzOffset> for i8 {
    fn from(tz: TzOffset) -> i8 {
        tz.0
    }
}

impl MaxSize for TzOffset {
    const POSTCARD_MAX_SIZE: usize = 1;
}

/// Formats as `+09:00`, the form EPCIS uses for `eventTimeZoneOffset`.
impl fmt::Display for TzOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let minutes = self.minutes();
        let sign = if minutes < 0 { '-' } else { '+' };
        let abs = minutes.unsigned_abs();
        write!(f, "{sign}{:02}:{:02}", abs / 60, abs % 60)
    }
}

/// A value outside the range its type allows; names the kind of value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct OutOfRange(pub &'static str);

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} out of range", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tz_offset_limits_and_display() {
        assert!(TzOffset::from_quarter_hours(-49).is_none());
        assert!(TzOffset::from_quarter_hours(57).is_none());
        let hawaii = TzOffset::from_quarter_hours(-40);
        assert_eq!(hawaii.map(|t| t.minutes()), Some(-600));
        let korea = TzOffset::from_quarter_hours(36).map(|t| {
            let mut s = heapless::String::<8>::new();
            core::fmt::write(&mut s, format_args!("{t}")).ok();
            s
        });
        assert_eq!(korea.as_deref(), Some("+09:00"));
    }

    #[test]
    fn unix_conversion_round_trips() {
        let t = UtcSeconds::from_unix(1_532_649_600);
        assert_eq!(t.map(UtcSeconds::to_unix), Some(1_532_649_600));
        assert!(UtcSeconds::from_unix(0).is_none());
    }
}
