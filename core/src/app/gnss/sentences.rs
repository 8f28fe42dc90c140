//! NMEA 0183 sentences as the tag reads them, with integer arithmetic only.
//!
//! A sentence is `$`, a talker and a type (`GPRMC`), `,`, comma-separated fields, `*`, and
//! the XOR of the bytes between `$` and `*` in two hexadecimal digits. The tag reads five
//! fields: RMC's time, status, position and date, and GGA's fix quality. A position is exact
//! to the microdegree: `ddmm.mmmm` minutes are converted as a fraction and rounded half away
//! from zero.
//!
//! These few fields are read here rather than with the `nmea` crate, which reads every field
//! of many sentence types, numbers through `f64` (for size, `docs/FIRMWARE.md`); the tests hold
//! them to what the crate's own RMC and GGA parsers say of the same sentences.
//!
//! Each reader here returns `None` for a sentence, or a field in it, that NMEA 0183 does not
//! allow: the caller treats every such failure alike, so each check is one early return.

use crate::model::time::days_since_2000;
use crate::model::{GeoPoint, UtcSeconds};

/// Microdegrees in a degree.
const MICRO: u32 = 1_000_000;

/// Fraction digits of minutes that count. A microdegree is 0.00006 minutes, and a position
/// exactly half-way between two microdegrees, `(2n + 1) · 0.00003` minutes, has at most five,
/// so digits after the fifth can never change a rounding to the microdegree.
const MINUTE_DIGITS: u32 = 5;

/// The units of minutes that [`decimal`] counts in a minute: one per 0.00001.
const MINUTE_UNITS: u32 = 10u32.pow(MINUTE_DIGITS);

/// A position fix with the time it was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Fix {
    /// When, from the satellites.
    pub at: UtcSeconds,
    /// Where.
    pub point: GeoPoint,
}

/// What one sentence said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Sentence {
    /// A valid fix.
    Fix(Fix),
    /// The receiver reports no fix.
    NoFix,
    /// Something else, or a line that does not parse.
    Other,
}

/// A sentence's fields, split at its commas: what follows the last comma taken, `None` once
/// the last field is.
struct Fields<'a>(Option<&'a [u8]>);

impl<'a> Fields<'a> {
    /// The next field; `None` when the sentence has no more.
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.0?;
        let comma = rest.iter().position(|&b| b == b',');
        self.0 = comma.and_then(|at| rest.get(at + 1..));
        rest.get(..comma.unwrap_or(rest.len()))
    }

    /// These fields less the next `n`; `None` when the sentence has fewer.
    fn skip(&mut self, n: usize) -> Option<&mut Self> {
        for _ in 0..n {
            self.next()?;
        }
        Some(self)
    }
}

/// What one line says; `line` is the sentence without its line ending. `None` when it is not
/// a well-formed sentence.
pub(super) fn read(line: &[u8]) -> Option<Sentence> {
    let (kind, fields) = frame(line)?;
    let mut fields = Fields(Some(fields));
    match kind {
        [b'R', b'M', b'C'] => rmc(&mut fields),
        // GGA: `time,lat,N|S,lon,E|W,quality,…`. Quality 0, or none, is no fix; RMC carries
        // the fixes the tag keeps, so any other quality tells it nothing new.
        [b'G', b'G', b'A'] => match fields.skip(5)?.next()? {
            b"" | b"0" => Some(Sentence::NoFix),
            [digit] if digit.is_ascii_digit() => Some(Sentence::Other),
            _ => None,
        },
        _ => Some(Sentence::Other),
    }
}

/// The sentence type (`RMC`) and the fields of a sentence whose checksum holds.
fn frame(line: &[u8]) -> Option<([u8; 3], &[u8])> {
    // The first `*` must be the third byte from the end: two checksum digits follow it.
    let [b'$', content @ .., b'*', high, low] = line else {
        return None;
    };
    let mut sum = 0;
    for &b in content {
        if b == b'*' || !b.is_ascii() {
            return None;
        }
        sum ^= b;
    }
    if hex(*high)? << 4 | hex(*low)? != sum {
        return None;
    }
    // Two characters of talker, three of type, then a comma.
    let [_, _, k0, k1, k2, b',', fields @ ..] = content else {
        return None;
    };
    Some(([*k0, *k1, *k2], fields))
}

/// One hexadecimal digit, either case.
fn hex(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        // Setting bit 5 makes an upper-case letter lower case.
        _ => match digit | 0x20 {
            lower @ b'a'..=b'f' => Some(lower - b'a' + 10),
            _ => None,
        },
    }
}

/// RMC: `time,status,lat,N|S,lon,E|W,speed,course,date,…`. A fix needs status `A` or `D`,
/// a position, a time and a date; status `V`, or a field left empty, is no fix.
fn rmc(fields: &mut Fields<'_>) -> Option<Sentence> {
    let mut all: [&[u8]; 9] = [&[]; 9];
    for field in &mut all {
        *field = fields.next()?;
    }
    let [
        time,
        status,
        lat,
        north_south,
        lon,
        east_west,
        _speed,
        _course,
        date,
    ] = all;
    let time = optional(time, time_of_day)?;
    let valid = match status {
        b"A" | b"D" => true,
        b"V" => false,
        _ => return None,
    };
    let point =
        if lat.is_empty() && north_south.is_empty() && lon.is_empty() && east_west.is_empty() {
            None
        } else {
            let lat = coordinate(lat, 2, north_south, *b"NS")?;
            let lon = coordinate(lon, 3, east_west, *b"EW")?;
            // Out of range (more than 90° or 180°): no position.
            GeoPoint::from_microdegrees(lat, lon)
        };
    // A date before 2000 (NMEA dates go back to 1983) is no instant the tag can record.
    let at = optional(date, day)?
        .zip(time)
        .and_then(|(day, second)| UtcSeconds::from_day(day, second));
    Some(match (valid, at, point) {
        (true, Some(at), Some(point)) => Sentence::Fix(Fix { at, point }),
        _ => Sentence::NoFix,
    })
}

/// `Some(None)` for an empty field, else what `read` makes of it.
fn optional<T>(field: &[u8], read: fn(&[u8]) -> Option<T>) -> Option<Option<T>> {
    if field.is_empty() {
        Some(None)
    } else {
        read(field).map(Some)
    }
}

/// `hhmmss` with any fraction of a second, which is dropped, as seconds since midnight.
fn time_of_day(field: &[u8]) -> Option<u32> {
    let [h, m, s] = pairs(decimal(field, 6)?.0);
    if h > 23 || m > 59 || s > 59 {
        return None;
    }
    Some(h * 3600 + m * 60 + s)
}

/// `ddmmyy` as days since 2000-01-01; years 83 to 99 are 1983 to 1999 (NMEA 0183 dates from
/// 1983), the others 20yy. A date that does not exist is malformed.
fn day(field: &[u8]) -> Option<i32> {
    // Six digits and no point.
    if field.len() != 6 {
        return None;
    }
    let [d, m, y] = pairs(decimal(field, 6)?.0);
    let year = if y >= 83 { 1900 + y } else { 2000 + y };
    days_since_2000(year, m, d)
}

/// A six-digit number as its three pairs of digits; out of line, for the time and the date
/// (for size, `docs/FIRMWARE.md`).
#[inline(never)]
fn pairs(six: u32) -> [u32; 3] {
    [six / 10_000, six / 100 % 100, six % 100]
}

/// A latitude (`ddmm.mmmm`, `degree_digits` 2) or longitude (`dddmm.mmmm`, 3) in signed
/// microdegrees, with its hemisphere field, which is `[positive, negative]`.
fn coordinate(
    field: &[u8],
    degree_digits: usize,
    hemisphere: &[u8],
    [positive, negative]: [u8; 2],
) -> Option<i32> {
    let (whole, units) = decimal(field, degree_digits + 2)?;
    let (degrees, minutes) = (whole / 100, whole % 100);
    if minutes >= 60 {
        return None;
    }
    // Minutes in units of 0.00001. A microdegree is six of them, so adding three before
    // dividing rounds half-way up, away from zero. At most 999° and 59.99999', this fits.
    let micro = degrees * MICRO + (minutes * MINUTE_UNITS + units + 3) / 6;
    let micro = i32::try_from(micro).ok()?;
    match *hemisphere {
        [h] if h == positive => Some(micro),
        [h] if h == negative => Some(-micro),
        _ => None,
    }
}

/// A field of exactly `whole_digits` digits, then, if there is a point, any number of digits:
/// the whole number, and the fraction in units of 0.00001 (its digits cut or padded to five).
fn decimal(field: &[u8], whole_digits: usize) -> Option<(u32, u32)> {
    let (mut whole, mut units, mut scale) = (0u32, 0u32, MINUTE_UNITS);
    // Digits before the point, until there is one.
    let mut before = None;
    for (at, &b) in field.iter().enumerate() {
        if b == b'.' && before.is_none() {
            before = Some(at);
        } else if !b.is_ascii_digit() {
            return None;
        } else if before.is_none() {
            // At most six digits count here; a longer field fails below, so wrapping is moot.
            whole = whole.wrapping_mul(10).wrapping_add(u32::from(b - b'0'));
        } else {
            // Every fraction digit is checked, though only the first five count.
            scale /= 10;
            units += scale * u32::from(b - b'0');
        }
    }
    (before.unwrap_or(field.len()) == whole_digits).then_some((whole, units))
}

#[cfg(test)]
pub(super) mod tests {
    extern crate std;
    use std::format;
    use std::string::String;

    use ::nmea::ParseResult;
    use ::nmea::sentences::FixType;
    use ::nmea::sentences::rmc::RmcStatusOfFix;
    use proptest::prelude::*;

    use super::super::parse;
    use super::*;

    /// A sentence with its checksum, without a line ending.
    pub(in crate::app::gnss) fn sentence(body: &str) -> String {
        let sum = body.bytes().fold(0u8, |acc, b| acc ^ b);
        format!("${body}*{sum:02X}")
    }

    fn fix(unix: i64, lat: i32, lon: i32) -> Sentence {
        match (
            UtcSeconds::from_unix(unix),
            GeoPoint::from_microdegrees(lat, lon),
        ) {
            (Some(at), Some(point)) => Sentence::Fix(Fix { at, point }),
            _ => Sentence::Other,
        }
    }

    fn rmc_at(lat: &str, lon: &str) -> Sentence {
        parse(sentence(&format!("GPRMC,093000,A,{lat},{lon},0.0,0.0,270718,,,A")).as_bytes())
    }

    /// What the `nmea` crate's own parsers say of a sentence, with positions rounded from
    /// `f64` as the tag rounds them.
    fn reference(line: &[u8]) -> Sentence {
        let micro = |degrees: f64| {
            let scaled = degrees * 1_000_000.0;
            (if scaled >= 0.0 {
                scaled + 0.5
            } else {
                scaled - 0.5
            }) as i32
        };
        match ::nmea::parse_bytes(line) {
            Ok(ParseResult::RMC(rmc)) => {
                if rmc.status_of_fix == RmcStatusOfFix::Invalid {
                    return Sentence::NoFix;
                }
                let at = rmc
                    .fix_date
                    .zip(rmc.fix_time)
                    .and_then(|(d, t)| UtcSeconds::from_unix(d.and_time(t).and_utc().timestamp()));
                let point = rmc
                    .lat
                    .zip(rmc.lon)
                    .and_then(|(lat, lon)| GeoPoint::from_microdegrees(micro(lat), micro(lon)));
                match (at, point) {
                    (Some(at), Some(point)) => Sentence::Fix(Fix { at, point }),
                    _ => Sentence::NoFix,
                }
            }
            Ok(ParseResult::GGA(gga)) => match gga.fix_type {
                None | Some(FixType::Invalid) => Sentence::NoFix,
                Some(_) => Sentence::Other,
            },
            _ => Sentence::Other,
        }
    }

    #[test]
    fn minutes_convert_exactly_and_round_half_away_from_zero() {
        // 9.00003' = 0.1500005°: exactly half-way between two microdegrees.
        assert_eq!(
            rmc_at("3909.00003,N", "12700.00003,W"),
            fix(1_532_683_800, 39_150_001, -127_000_001)
        );
        assert_eq!(
            rmc_at("3909.00002,S", "12700.00004,E"),
            fix(1_532_683_800, -39_150_000, 127_000_001)
        );
        // Digits past the fifth cannot change the rounding, and are accepted.
        assert_eq!(
            rmc_at("0059.999999999999,N", "17959.99997,E"),
            fix(1_532_683_800, 1_000_000, 180_000_000)
        );
        assert_eq!(rmc_at("0000,N", "00000,E"), fix(1_532_683_800, 0, 0));
    }

    #[test]
    fn positions_out_of_range_are_no_fix() {
        assert_eq!(rmc_at("9100.0000,N", "00000.0000,E"), Sentence::NoFix);
        assert_eq!(rmc_at("0000.0000,N", "18000.0001,E"), Sentence::NoFix);
    }

    #[test]
    fn malformed_fields_are_not_a_fix() {
        for (lat, lon) in [
            ("390.12,N", "12729.4,E"),    // too few degree digits
            ("3960.00,N", "12729.4,E"),   // 60 minutes
            ("39+9.12,N", "12729.4,E"),   // a sign
            ("3909.1 ,N", "12729.4,E"),   // a space
            ("3909.12,X", "12729.4,E"),   // no hemisphere
            ("3909.12,N", "12729.4,N"),   // the wrong one
            ("3909.12,N", "12729.4e1,E"), // an exponent
            ("3909.12,N", ",E"),          // half a position
        ] {
            assert_eq!(rmc_at(lat, lon), Sentence::Other, "{lat} {lon}");
        }
        for body in [
            "GPRMC,093000,X,3909.12,N,12729.4,E,0.0,0.0,270718,,,A", // status
            "GPRMC,253000,A,3909.12,N,12729.4,E,0.0,0.0,270718,,,A", // hour 25
            "GPRMC,093000,A,3909.12,N,12729.4,E,0.0,0.0,310218,,,A", // 31 February
            "GPRMC,093000,A,3909.12,N,12729.4,E,0.0,0.0",            // cut short
            "GPGGA,093001.00,,,,,x,00,99.99,,,,,,",                  // quality
        ] {
            assert_eq!(parse(sentence(body).as_bytes()), Sentence::Other, "{body}");
        }
    }

    #[test]
    fn a_fix_needs_a_date_and_a_time() {
        let no_date = sentence("GPRMC,093000,A,3909.12,N,12729.4,E,0.0,0.0,,,,A");
        let no_time = sentence("GPRMC,,A,3909.12,N,12729.4,E,0.0,0.0,270718,,,A");
        assert_eq!(parse(no_date.as_bytes()), Sentence::NoFix);
        assert_eq!(parse(no_time.as_bytes()), Sentence::NoFix);
        // NMEA 0183 dates from 1983: yy 83 to 99 is 1983 to 1999, before the tag's epoch of
        // 2000, and 00 to 82 is 2000 to 2082.
        let y1999 = sentence("GPRMC,000000,A,0000,N,00000,E,,,311299,,,A");
        let y2082 = sentence("GPRMC,000000,A,0000,N,00000,E,,,311282,,,A");
        assert_eq!(parse(y1999.as_bytes()), Sentence::NoFix);
        assert_eq!(parse(y2082.as_bytes()), fix(3_565_900_800, 0, 0));
    }

    #[test]
    fn the_checksum_and_framing_are_checked() {
        let good = sentence("GPRMC,093000,A,3909.12,N,12729.4,E,0.0,0.0,270718,,,A");
        assert!(matches!(parse(good.as_bytes()), Sentence::Fix(_)));
        // The same sentence with its checksum in lower case (this one's has a letter).
        let (content, sum) = good.split_at(good.len() - 2);
        assert!(sum.bytes().any(|b| b.is_ascii_alphabetic()));
        let lower = format!("{content}{}", sum.to_lowercase());
        assert_eq!(parse(lower.as_bytes()), parse(good.as_bytes()));
        for bad in [
            good.replace('$', ""),                 // no start
            good.replace('*', ","),                // no checksum
            format!("{good}0"),                    // a third checksum digit
            good.replace("3909", "3908"),          // the checksum fails
            good.replace("GPRMC,", "GPRMC"),       // no comma after the type
            good.replace("093000", "09300\u{e9}"), // not ASCII
        ] {
            assert_eq!(parse(bad.as_bytes()), Sentence::Other, "{bad}");
        }
    }

    proptest! {
        /// A sentence with one byte changed means what the `nmea` crate says it means: almost
        /// always nothing, as its checksum no longer holds.
        #[test]
        fn changed_bytes_agree_with_the_crates_parsers(at in 0usize..64, byte in any::<u8>()) {
            let mut line = sentence("GPRMC,093000.00,A,3909.1200,N,12729.4000,E,0.0,0.0,270718,,,A").into_bytes();
            if let Some(b) = line.get_mut(at) {
                *b = byte;
            }
            prop_assert_eq!(parse(&line), reference(&line));
        }

        /// Every well-formed RMC or GGA means what the `nmea` crate's own parsers make of it.
        /// Up to four fraction digits of minutes, no position lies half-way between two
        /// microdegrees, where `f64` rounding might go either way.
        #[test]
        fn sentences_agree_with_the_crates_parsers(
            lat_deg in 0u32..=99, lat_min in 0u32..60, lat_frac in "[0-9]{0,4}",
            lon_deg in 0u32..=199, lon_min in 0u32..60, lon_frac in "[0-9]{0,4}",
            north in any::<bool>(), east in any::<bool>(),
            status in prop::sample::select(&["A", "D", "V"][..]),
            hms in (0u32..24, 0u32..60, 0u32..60), centis in "(\\.[0-9]{1,3})?",
            dmy in (1u32..=31, 1u32..=12, 0u32..=99),
            quality in 0u32..=8,
            empty_position in prop::bool::weighted(0.1),
        ) {
            let dot = |frac: &str| if frac.is_empty() { String::new() } else { format!(".{frac}") };
            let position = if empty_position {
                String::from(",,,")
            } else {
                format!(
                    "{lat_deg:02}{lat_min:02}{},{},{lon_deg:03}{lon_min:02}{},{}",
                    dot(&lat_frac),
                    if north { "N" } else { "S" },
                    dot(&lon_frac),
                    if east { "E" } else { "W" },
                )
            };
            let time = format!("{:02}{:02}{:02}{centis}", hms.0, hms.1, hms.2);
            let date = format!("{:02}{:02}{:02}", dmy.0, dmy.1, dmy.2);
            let rmc = sentence(&format!("GPRMC,{time},{status},{position},0.5,54.7,{date},,,A"));
            prop_assert_eq!(parse(rmc.as_bytes()), reference(rmc.as_bytes()), "{}", rmc);
            let gga = sentence(&format!("GNGGA,{time},{position},{quality},08,0.9,545.4,M,46.9,M,,"));
            prop_assert_eq!(parse(gga.as_bytes()), reference(gga.as_bytes()), "{}", gga);
        }

        /// Minutes with many fraction digits round as exact arithmetic rounds them: the digits
        /// after the fifth never matter.
        #[test]
        fn long_fractions_round_exactly(deg in 0u32..90, min in 0u32..60, frac in "[0-9]{1,12}") {
            let scale = 10u128.pow(frac.len() as u32);
            let minutes = u128::from(min) * scale + frac.parse::<u128>().unwrap_or(0);
            let denominator = 60 * scale;
            let exact = u128::from(deg) * 1_000_000
                + (minutes * 1_000_000 + denominator / 2) / denominator;
            let exact = i32::try_from(exact).unwrap_or(i32::MAX);
            let got = rmc_at(&format!("{deg:02}{min:02}.{frac},S"), "00000,E");
            prop_assert_eq!(got, fix(1_532_683_800, -exact, 0));
        }

        /// Any line at all is read without a panic, and a fix only from a well-formed RMC.
        #[test]
        fn any_line_is_read_without_panicking(line in prop::collection::vec(any::<u8>(), 0..110)) {
            if let Sentence::Fix(_) = parse(&line) {
                prop_assert!(line.starts_with(b"$") && line.get(3..6) == Some(&b"RMC"[..]));
            }
        }

        /// Mangled RMC sentences, with valid checksums, are read without a panic.
        #[test]
        fn mangled_rmc_fields_are_read_without_panicking(fields in prop::collection::vec("[0-9.NSEWAV+-]{0,12}", 9..14)) {
            let _ = parse(sentence(&format!("GPRMC,{}", fields.join(","))).as_bytes());
        }
    }
}
