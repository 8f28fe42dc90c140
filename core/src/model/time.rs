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

    /// The instant `second_of_day` seconds into the UTC day `day` days after 2000-01-01
    /// (see [`days_since_2000`]), if it lies between 2000 and 2136.
    pub fn from_day(day: i32, second_of_day: u32) -> Option<Self> {
        // A range check before a plain product (for size, `docs/FIRMWARE.md`).
        let day = u32::try_from(day)
            .ok()
            .filter(|&day| day <= u32::MAX / SECONDS_PER_DAY)?;
        (day * SECONDS_PER_DAY)
            .checked_add(second_of_day)
            .map(UtcSeconds)
    }
}

const SECONDS_PER_DAY: u32 = 86_400;

/// Days from 2000-01-01 to the Gregorian date `year`-`month`-`day` (negative before it), or
/// `None` when no such date exists (month 13, 30 February, 29 February of a common year) or
/// the year is 0 or past 9999.
///
/// Integer arithmetic on `u32` only and no tables, for a tag reading dates from its GNSS
/// receiver (for size, `docs/FIRMWARE.md`).
///
/// ```
/// use remtag::model::time::days_since_2000;
///
/// assert_eq!(days_since_2000(2018, 7, 27), Some(6_782));
/// assert_eq!(days_since_2000(1999, 12, 31), Some(-1));
/// assert_eq!(days_since_2000(2018, 2, 29), None);
/// ```
pub fn days_since_2000(year: u32, month: u32, day: u32) -> Option<i32> {
    if year == 0 || year > 9999 || month == 0 || month > 12 || day == 0 {
        return None;
    }
    let first = days_to_month(year, month);
    // A month lasts from its first day to the next month's, which counts February's leap days.
    let next = if month == 12 {
        days_to_month(year + 1, 1)
    } else {
        days_to_month(year, month + 1)
    };
    if day > next - first {
        return None;
    }
    // 2000-01-01 counted the same way.
    const EPOCH: i32 = 730_425;
    Some((first + day - 1) as i32 - EPOCH)
}

/// Days from 1 March of year 0 (proleptic Gregorian) to the first of `month` in `year`, for
/// years 1 to 10000. Out of line (for size, `docs/FIRMWARE.md`).
#[inline(never)]
fn days_to_month(year: u32, month: u32) -> u32 {
    // Years counted from March put the leap day last, and the months from March on then run
    // 153 days to each five, which `(153 m + 2) / 5` counts with no table.
    let (year, month) = if month > 2 {
        (year, month - 3)
    } else {
        (year - 1, month + 9)
    };
    365 * year + year / 4 - year / 100 + year / 400 + (153 * month + 2) / 5
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

wire_order!(TimeQuality: Gnss, Network, Manual, Estimated);

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
        Self::from_quarter_hours(quarters).ok_or(OutOfRange::TzOffset)
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

/// A value outside the range its type allows; says which kind of value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum OutOfRange {
    /// A time-zone offset ([`TzOffset`]).
    TzOffset,
    /// A latitude or longitude ([`GeoPoint`](crate::model::GeoPoint)).
    Coordinate,
    /// A set of evidence with bits no evidence has ([`Evidence`](crate::model::Evidence)).
    EvidenceSet,
    /// A confidence above 100 % ([`Confidence`](crate::model::Confidence)).
    Confidence,
}

impl fmt::Display for OutOfRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TzOffset => "time-zone offset out of range",
            Self::Coordinate => "coordinate out of range",
            Self::EvidenceSet => "evidence set out of range",
            Self::Confidence => "confidence out of range",
        })
    }
}

impl core::error::Error for OutOfRange {}

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
            fmt::write(&mut s, format_args!("{t}")).ok();
            s
        });
        assert_eq!(korea.as_deref(), Some("+09:00"));
    }

    #[test]
    fn a_value_out_of_range_names_its_kind() {
        assert_eq!(TzOffset::try_from(57), Err(OutOfRange::TzOffset));
        let mut s = heapless::String::<32>::new();
        fmt::write(&mut s, format_args!("{}", OutOfRange::TzOffset)).ok();
        assert_eq!(s, "time-zone offset out of range");
    }

    #[test]
    fn days_since_2000_agree_with_chrono_on_every_date() {
        let epoch = chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or_default();
        for year in (1..=40).chain(1583..=2200).chain(9990..=10_001) {
            for month in 0..=13 {
                for day in 0..=32 {
                    let expected = i32::try_from(year)
                        .ok()
                        .and_then(|y| chrono::NaiveDate::from_ymd_opt(y, month, day))
                        .filter(|_| year <= 9999)
                        .map(|date| (date - epoch).num_days() as i32);
                    assert_eq!(
                        days_since_2000(year, month, day),
                        expected,
                        "{year}-{month}-{day}"
                    );
                }
            }
        }
    }

    #[test]
    fn instants_from_days_stay_within_the_epoch() {
        assert_eq!(UtcSeconds::from_day(0, 0), Some(UtcSeconds(0)));
        assert_eq!(UtcSeconds::from_day(-1, 86_399), None);
        // 2018-07-27T09:30:00Z.
        let at = UtcSeconds::from_day(6_782, 34_200);
        assert_eq!(at.map(UtcSeconds::to_unix), Some(1_532_683_800));
        // The last second a u32 holds, 2136-02-07T06:28:15Z, and the one after it.
        let last_day = (u32::MAX / SECONDS_PER_DAY) as i32;
        let rest = u32::MAX % SECONDS_PER_DAY;
        assert_eq!(
            UtcSeconds::from_day(last_day, rest),
            Some(UtcSeconds(u32::MAX))
        );
        assert_eq!(UtcSeconds::from_day(last_day, rest + 1), None);
    }

    #[test]
    fn unix_conversion_round_trips() {
        let t = UtcSeconds::from_unix(1_532_649_600);
        assert_eq!(t.map(UtcSeconds::to_unix), Some(1_532_649_600));
        assert!(UtcSeconds::from_unix(0).is_none());
    }
}
