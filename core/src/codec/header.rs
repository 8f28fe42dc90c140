//! The record header on the wire: a flags byte, then only the fields that differ from what the
//! previous record implies.

use super::error::{DecodeErrorKind, Field, Problem};
use super::model_fields::{read_tz, write_tz};
use super::postcard_wire::{Fields, Writer};
use super::reader::{Reader, Step};
use super::state::{DeltaState, write_point};
use crate::model::{
    GeoPoint, Header, Location, PartyRef, PlaceRef, Seq, TimeQuality, Timestamp, UtcSeconds,
};

/// Bits 0-1: the time quality, when a time is present.
const QUALITY_MASK: u8 = 0b0000_0011;
/// Bit 2: an absolute time follows (`u32` seconds since 2000).
const TIME_ABSOLUTE: u8 = 1 << 2;
/// Bit 3: a time delta follows (`i64` seconds after the previous known time).
const TIME_DELTA: u8 = 1 << 3;
/// Bit 4: an explicit sequence number follows.
const SEQ: u8 = 1 << 4;
/// Bit 5: a time-zone offset follows.
const TZ: u8 = 1 << 5;
/// Bit 6: an actor follows.
const ACTOR: u8 = 1 << 6;
/// Bit 7: a location follows.
const LOCATION: u8 = 1 << 7;

/// Location selector values; a selector of `PLACE_BASE + n` is place `n`.
const LOCATION_UNKNOWN: u64 = 0;
const LOCATION_GEO_ABSOLUTE: u64 = 1;
const LOCATION_GEO_DELTA: u64 = 2;
const PLACE_BASE: u64 = 3;

/// The most bytes a header takes: flags, seq, time, tz, actor, location (selector + 2 × i32).
pub(crate) const MAX_HEADER_LEN: usize = 1 + 5 + 10 + 1 + 5 + 10 + 5 + 5;

/// Writes `header` coded against `state`.
pub(crate) fn write(w: &mut Writer<'_>, header: &Header, state: &DeltaState) {
    // The flags come first but say which fields follow: their byte is filled in once the
    // fields are written.
    let flags_at = w.position();
    w.byte(0);
    let mut flags = 0u8;
    // Numbers that wrap a `u32` go as `u32`s: the same varint (for size, `docs/FIRMWARE.md`).
    if state.implicit_seq() != Some(header.seq) {
        flags |= SEQ;
        w.u32(header.seq.0);
    }
    if let Some(t) = header.time {
        flags |= quality_bits(t.quality);
        match state.last_time {
            Some(base) => {
                flags |= TIME_DELTA;
                w.i64(i64::from(t.at.0) - i64::from(base.0));
            }
            None => {
                flags |= TIME_ABSOLUTE;
                w.u32(t.at.0);
            }
        }
    }
    if header.tz != state.tz {
        flags |= TZ;
        write_tz(w, header.tz);
    }
    if state.actor != Some(header.actor) {
        flags |= ACTOR;
        w.u32(header.actor.0);
    }
    if header.location != state.location {
        flags |= LOCATION;
        write_location(w, header.location, state);
    }
    w.set(flags_at, flags);
}

fn write_location(w: &mut Writer<'_>, location: Location, state: &DeltaState) {
    match location {
        Location::Unknown => w.u64(LOCATION_UNKNOWN),
        Location::Place(place) => w.u64(PLACE_BASE + u64::from(place.0)),
        Location::Geo(point) => match state.last_geo {
            Some(base) => {
                w.u64(LOCATION_GEO_DELTA);
                w.i64((point.lat_microdeg() - base.lat_microdeg()).into());
                w.i64((point.lon_microdeg() - base.lon_microdeg()).into())
            }
            None => {
                w.u64(LOCATION_GEO_ABSOLUTE);
                write_point(w, point)
            }
        },
    }
}

/// Reads a header coded against `state`; on [`Stop`](super::reader::Stop), the reader holds
/// the error.
pub(crate) fn read(r: &mut Reader<'_>, state: &DeltaState) -> Step<Header> {
    let flags_at = r.offset();
    let flags = r.read(Field::Flags, Fields::byte)?;
    let has_time = flags & (TIME_ABSOLUTE | TIME_DELTA) != 0;
    let both_times = flags & (TIME_ABSOLUTE | TIME_DELTA) == TIME_ABSOLUTE | TIME_DELTA;
    if both_times || (!has_time && flags & QUALITY_MASK != 0) {
        return Err(r.fail(flags_at, DecodeErrorKind::BadFlags(flags)));
    }

    // Numbers that wrap a `u32` are read as `u32`s: the same varint (for size,
    // `docs/FIRMWARE.md`).
    let seq = if flags & SEQ != 0 {
        Seq(r.read(Field::Seq, Fields::u32)?)
    } else {
        state
            .implicit_seq()
            .ok_or_else(|| r.fail(flags_at, invalid(Field::Seq)))?
    };

    let quality = TimeQuality::ALL
        .get(usize::from(flags & QUALITY_MASK))
        .copied()
        .unwrap_or(TimeQuality::Gnss);
    let time = if flags & TIME_ABSOLUTE != 0 {
        let at = UtcSeconds(r.read(Field::Time, Fields::u32)?);
        Some(Timestamp { at, quality })
    } else if flags & TIME_DELTA != 0 {
        let at = r.offset();
        let delta = r.read(Field::Time, Fields::i64)?;
        let base = state
            .last_time
            .ok_or_else(|| r.fail(at, DecodeErrorKind::MissingContext(Field::Time)))?;
        let secs = i64::from(base.0)
            .checked_add(delta)
            .and_then(|s| u32::try_from(s).ok())
            .ok_or_else(|| r.fail(at, invalid(Field::Time)))?;
        Some(Timestamp {
            at: UtcSeconds(secs),
            quality,
        })
    } else {
        None
    };

    let tz = if flags & TZ != 0 {
        r.read(Field::TzOffset, read_tz)?
    } else {
        state.tz
    };

    let actor = if flags & ACTOR != 0 {
        PartyRef(r.read(Field::Actor, Fields::u32)?)
    } else {
        state
            .actor
            .ok_or_else(|| r.fail(flags_at, DecodeErrorKind::MissingContext(Field::Actor)))?
    };

    let location = if flags & LOCATION != 0 {
        read_location(r, state)?
    } else {
        state.location
    };

    Ok(Header {
        seq,
        time,
        tz,
        actor,
        location,
    })
}

fn read_location(r: &mut Reader<'_>, state: &DeltaState) -> Step<Location> {
    let at = r.offset();
    let selector = r.read(Field::Location, Fields::u64)?;
    match selector {
        LOCATION_UNKNOWN => Ok(Location::Unknown),
        LOCATION_GEO_ABSOLUTE | LOCATION_GEO_DELTA => {
            let lat = r.read(Field::Location, Fields::i32)?;
            let lon = r.read(Field::Location, Fields::i32)?;
            // An absolute position is refused at the last byte of the pair, where a decoder
            // of the pair refuses it; a delta at the selector. Adding an absolute position to
            // the origin leaves it as it is.
            let (base, refused_at) = if selector == LOCATION_GEO_ABSOLUTE {
                ((0, 0), r.offset().saturating_sub(1))
            } else {
                let base = state
                    .last_geo
                    .ok_or_else(|| r.fail(at, DecodeErrorKind::MissingContext(Field::Location)))?;
                ((base.lat_microdeg(), base.lon_microdeg()), at)
            };
            base.0
                .checked_add(lat)
                .zip(base.1.checked_add(lon))
                .and_then(|(lat, lon)| GeoPoint::from_microdegrees(lat, lon))
                .map(Location::Geo)
                .ok_or_else(|| r.fail(refused_at, invalid(Field::Location)))
        }
        place => u32::try_from(place - PLACE_BASE)
            .map(|n| Location::Place(PlaceRef(n)))
            .map_err(|_| r.fail(at, invalid(Field::Location))),
    }
}

fn quality_bits(quality: TimeQuality) -> u8 {
    match quality {
        TimeQuality::Gnss => 0,
        TimeQuality::Network => 1,
        TimeQuality::Manual => 2,
        TimeQuality::Estimated => 3,
    }
}

const fn invalid(field: Field) -> DecodeErrorKind {
    DecodeErrorKind::Field {
        field,
        problem: Problem::InvalidValue,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::DecodeError;
    use crate::codec::postcard_wire::take_postcard;

    /// A position read as two `i32`s is refused where serde's reading of a [`GeoPoint`] refuses
    /// it: at the last byte of the pair.
    #[test]
    fn a_position_off_the_globe_is_refused_at_its_last_byte() {
        let mut pair = [0u8; 10];
        let pair = postcard::to_slice(&(90_000_001i32, -200_000_000i32), &mut pair)
            .map(|p| p.to_vec())
            .unwrap_or_default();
        let (by_serde, used) = take_postcard::<GeoPoint>(&pair);
        assert!(by_serde.is_err());
        assert_eq!(used, pair.len());

        let mut content = [ACTOR | LOCATION, 1, LOCATION_GEO_ABSOLUTE as u8].to_vec();
        content.extend_from_slice(&pair);
        let mut r = Reader::new(&content, 0);
        assert!(read(&mut r, &DeltaState::default()).is_err());
        assert_eq!(
            r.error(),
            DecodeError::new(content.len() - 1, invalid(Field::Location))
        );
    }
}
