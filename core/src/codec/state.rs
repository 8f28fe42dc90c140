//! The state a decoder carries from one record to the next: the bases of the delta codes.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::model::{
    Body, Custody, GeoPoint, Header, Location, PartyRef, Record, SealNumber, Seq, TzOffset,
    UtcSeconds,
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
}
