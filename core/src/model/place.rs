//! Where a record was made: a registered place or a position.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use super::ids::PlaceRef;
use super::time::OutOfRange;

/// A position in microdegrees (millionths of a degree, about 0.11 m of latitude), WGS 84.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(try_from = "RawGeoPoint", into = "RawGeoPoint")]
pub struct GeoPoint {
    lat: i32,
    lon: i32,
}

/// The unchecked form of [`GeoPoint`] that serde reads before the range check.
#[derive(Clone, Copy, Serialize, Deserialize)]
struct RawGeoPoint {
    lat_microdeg: i32,
    lon_microdeg: i32,
}

impl GeoPoint {
    const LAT_LIMIT: i32 = 90_000_000;
    const LON_LIMIT: i32 = 180_000_000;

    /// The point at `lat` and `lon` microdegrees, if both lie on the globe.
    pub const fn from_microdegrees(lat: i32, lon: i32) -> Option<Self> {
        if Self::on_globe(lat, lon) {
            Some(GeoPoint { lat, lon })
        } else {
            None
        }
    }

    /// Whether `lat` and `lon` microdegrees lie on the globe; out of line (for size,
    /// `docs/FIRMWARE.md`).
    #[inline(never)]
    const fn on_globe(lat: i32, lon: i32) -> bool {
        lat >= -Self::LAT_LIMIT
            && lat <= Self::LAT_LIMIT
            && lon >= -Self::LON_LIMIT
            && lon <= Self::LON_LIMIT
    }

    /// Latitude in microdegrees, north positive.
    pub const fn lat_microdeg(self) -> i32 {
        self.lat
    }

    /// Longitude in microdegrees, east positive.
    pub const fn lon_microdeg(self) -> i32 {
        self.lon
    }
}

impl MaxSize for GeoPoint {
    const POSTCARD_MAX_SIZE: usize = 2 * i32::POSTCARD_MAX_SIZE;
}

impl TryFrom<RawGeoPoint> for GeoPoint {
    type Error = OutOfRange;
    fn try_from(raw: RawGeoPoint) -> Result<Self, OutOfRange> {
        Self::from_microdegrees(raw.lat_microdeg, raw.lon_microdeg).ok_or(OutOfRange::Coordinate)
    }
}

impl From<GeoPoint> for RawGeoPoint {
    fn from(p: GeoPoint) -> Self {
        RawGeoPoint {
            lat_microdeg: p.lat,
            lon_microdeg: p.lon,
        }
    }
}

/// Formats as decimal degrees, `39.170000,127.490000`.
impl fmt::Display for GeoPoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn degrees(f: &mut fmt::Formatter<'_>, micro: i32) -> fmt::Result {
            let sign = if micro < 0 { "-" } else { "" };
            let abs = micro.unsigned_abs();
            write!(f, "{sign}{}.{:06}", abs / 1_000_000, abs % 1_000_000)
        }
        degrees(f, self.lat)?;
        f.write_str(",")?;
        degrees(f, self.lon)
    }
}

/// Where a record was made.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Location {
    /// Not known: no fix and no place given. Never guessed.
    #[default]
    Unknown,
    /// A place in the directory (an airfield, a laboratory).
    Place(PlaceRef),
    /// A measured position.
    Geo(GeoPoint),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geo_point_rejects_points_off_the_globe() {
        assert!(GeoPoint::from_microdegrees(90_000_001, 0).is_none());
        assert!(GeoPoint::from_microdegrees(0, -180_000_001).is_none());
        assert!(GeoPoint::from_microdegrees(-90_000_000, 180_000_000).is_some());
    }

    #[test]
    fn geo_point_displays_decimal_degrees() {
        let hickam = GeoPoint::from_microdegrees(21_318_100, -157_922_500);
        let mut s = heapless::String::<32>::new();
        if let Some(p) = hickam {
            fmt::write(&mut s, format_args!("{p}")).ok();
        }
        assert_eq!(s.as_str(), "21.318100,-157.922500");
    }
}
