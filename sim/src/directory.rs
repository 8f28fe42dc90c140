//! The directory readers hold: what the numbers on a tag refer to.

use remtag::model::{GeoPoint, PartyRef, PlaceRef};
use serde::Serialize;

/// A party: an organisation, a team or a role.
#[derive(Clone, Debug, Serialize)]
pub struct Party {
    /// Its number on tags.
    pub id: PartyRef,
    /// A short name.
    pub name: String,
}

/// A registered place.
#[derive(Clone, Debug, Serialize)]
pub struct Place {
    /// Its number on tags.
    pub id: PlaceRef,
    /// A short name.
    pub name: String,
    /// An airfield's ICAO code or another public code.
    pub code: String,
    /// Where it is.
    pub point: GeoPoint,
}

/// Parties and places by number.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Directory {
    /// The parties.
    pub parties: Vec<Party>,
    /// The places.
    pub places: Vec<Place>,
}

impl Directory {
    /// The name of party `id`, or its number when it is not in the directory.
    pub fn party_name(&self, id: PartyRef) -> String {
        self.parties
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("party {id}"), |p| p.name.clone())
    }

    /// The place `id`, if it is in the directory.
    pub fn place(&self, id: PlaceRef) -> Option<&Place> {
        self.places.iter().find(|p| p.id == id)
    }
}
