//! Commission: a tag is put on a container and given its identity.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::model::bytes::List;
use crate::model::epc::Epc;
use crate::model::ids::{PartyRef, PlaceRef};

/// The first record of every log: which tag, on what, with which outside labels, and what the
/// handing-over side declared about the contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Commission {
    /// The tag's 96-bit EPC identity.
    pub epc: Epc,
    /// The memory chip's factory-programmed unique identifier (7 bytes on NTAG chips).
    pub chip_uid: List<u8, 10>,
    /// What the tag is attached to.
    pub container: ContainerKind,
    /// Numbers written on the container by others.
    pub labels: List<Label, 3>,
    /// Who issued the identity.
    pub issuer: PartyRef,
    /// Statements by third parties about the contents, attributed to them and never taken as fact.
    pub claims: List<Claim, 2>,
}

/// What a tag is attached to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ContainerKind {
    /// A box of remains as handed over.
    Box,
    /// A flag-draped transfer case.
    TransferCase,
    /// A casket.
    Casket,
    /// A pallet of containers.
    Pallet,
    /// A bag or tube holding a sample taken in a laboratory.
    Sample,
    /// A bag of personal effects found with remains.
    PersonalEffects,
}

wire_order!(ContainerKind: Box, TransferCase, Casket, Pallet, Sample, PersonalEffects);

with_codes! {
    /// A number written on a container by another system.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub enum Label, codes LabelCode {
        /// The box number given at handover (1 to 55 in 2018).
        BoxNumber(u32),
        /// The number of a box returned 1990-1994 ("K208").
        K208(u32),
        /// A disaster-victim-identification post-mortem number.
        DviPostMortem(u32),
        /// A laboratory accession number.
        Accession(u32),
    }
}

/// A statement made by a third party, kept as theirs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Claim {
    /// Who made the statement.
    pub by: PartyRef,
    /// What they stated.
    pub statement: Statement,
}

with_codes! {
    /// What a third party may state about a container's contents.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub enum Statement, codes StatementCode {
        /// The remains were recovered in this area.
        RecoveryArea(PlaceRef),
        /// The container holds the remains of this many people.
        IndividualCount(u16),
        /// The remains were recovered in this year.
        RecoveryYear(u16),
    }
}
