//! The state a decoder carries from one record to the next: the bases of the delta codes.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use super::error::EncodeError;
use super::model_fields::{read_tz, write_tz};
use super::postcard_wire::{Fields, REFUSED, Writer};
use crate::model::{
    Body, Custody, GeoPoint, Header, Location, PartyRef, PlaceRef, Record, SealNumber, Seq,
    TzOffset, UtcSeconds,
};

/// Everything a decoder must know about the records before this one to decode it.
///
/// A fresh state (the [`Default`]) decodes the first record of a log. After each record the
/// state is updated with [`DeltaState::advance`]. The state is small and serializable, so a log
/// that reclaims old records keeps the state at its new start and remains decodable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeltaState {
    /// Sequence number of the previous record; an implicit sequence number is one more.
    pub last_seq: Option<Seq>,
    /// Time of the most recent record that had one; the base of time deltas.
    pub last_time: Option<UtcSeconds>,
    /// Time-zone offset of the previous record (UTC before the first).
    pub tz: TzOffset,
    /// Actor of the previous record.
    pub actor: Option<PartyRef>,
    /// Location of the previous record (unknown before the first).
    pub location: Location,
    /// The most recent measured position; the base of position deltas.
    pub last_geo: Option<GeoPoint>,
    /// The most recent seal number seen in a custody record.
    pub last_seal: Option<SealNumber>,
}

impl DeltaState {
    /// The sequence number a record gets when it does not state its own.
    pub fn implicit_seq(&self) -> Option<Seq> {
        match self.last_seq {
            None => Some(Seq(0)),
            Some(seq) => seq.next(),
        }
    }

    /// Takes `record` as the previous record.
    pub fn advance(&mut self, record: &Record) {
        let seal = match &record.body {
            Body::Custody(Custody {
                seal: Some(seal), ..
            }) => Some(seal.number),
            _ => None,
        };
        self.advance_parts(&record.header, seal);
    }

    /// Takes the record of `h`, with the custody seal number `seal` if it has one, as the
    /// previous record.
    pub(crate) fn advance_parts(&mut self, h: &Header, seal: Option<SealNumber>) {
        self.last_seq = Some(h.seq);
        if let Some(time) = h.time {
            self.last_time = Some(time.at);
        }
        self.tz = h.tz;
        self.actor = Some(h.actor);
        self.location = h.location;
        if let Location::Geo(point) = h.location {
            self.last_geo = Some(point);
        }
        if seal.is_some() {
            self.last_seal = seal;
        }
    }

    /// Writes the state as postcard writes its serde form (`docs/FORMAT.md` section 12.4), a
    /// field at a time with the writers of the codec's varints (for size, `docs/FIRMWARE.md`).
    /// Tests hold both to the derives.
    pub(crate) fn put(&self, w: &mut Writer<'_>) {
        w.optional_u32(self.last_seq.map(|s| s.0));
        w.optional_u32(self.last_time.map(|t| t.0));
        write_tz(w, self.tz);
        w.optional_u32(self.actor.map(|a| a.0));
        // The location as postcard writes the enum: the variant's index, then its value.
        match self.location {
            Location::Unknown => w.u32(0),
            Location::Place(place) => {
                w.u32(1);
                w.u32(place.0);
            }
            Location::Geo(point) => {
                w.u32(2);
                write_point(w, point);
            }
        }
        w.tag(self.last_geo.is_some());
        if let Some(point) = self.last_geo {
            write_point(w, point);
        }
        w.optional_u32(self.last_seal.map(|s| s.0))
    }

    /// [`put`](Self::put), then the writer's [`status`](Writer::status).
    pub(crate) fn write(&self, w: &mut Writer<'_>) -> Result<(), EncodeError> {
        self.put(w);
        w.status()
    }

    /// Reads a state written by [`write`](Self::write) from `fields`, failing where and as
    /// postcard's reading of the serde form fails.
    pub(crate) fn read(fields: &mut Fields<'_>) -> postcard::Result<Self> {
        let last_seq = fields.optional_u32()?.map(Seq);
        let last_time = fields.optional_u32()?.map(UtcSeconds);
        let tz = read_tz(fields)?;
        let actor = fields.optional_u32()?.map(PartyRef);
        let location = match fields.u32()? {
            0 => Location::Unknown,
            1 => Location::Place(PlaceRef(fields.u32()?)),
            2 => Location::Geo(read_point(fields)?),
            _ => return Err(REFUSED),
        };
        let last_geo = match fields.tag()? {
            false => None,
            true => Some(read_point(fields)?),
        };
        let last_seal = fields.optional_u32()?.map(SealNumber);
        Ok(DeltaState {
            last_seq,
            last_time,
            tz,
            actor,
            location,
            last_geo,
            last_seal,
        })
    }
}

/// A position as its serde form writes it: latitude, then longitude.
pub(super) fn write_point(w: &mut Writer<'_>, point: GeoPoint) {
    w.i64(point.lat_microdeg().into());
    w.i64(point.lon_microdeg().into())
}

fn read_point(fields: &mut Fields<'_>) -> postcard::Result<GeoPoint> {
    let lat = fields.i32()?;
    let lon = fields.i32()?;
    GeoPoint::from_microdegrees(lat, lon).ok_or(REFUSED)
}
