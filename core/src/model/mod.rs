//! The record model: what a custody record can say, in types that admit only valid values.
//!
//! A [`Record`] is a common [`Header`] (sequence number, time, time-zone offset, actor, place)
//! and a [`Body`] of one of nine types. How records are stored is the codec's business; this
//! module has no notion of bytes beyond serde derives.

pub mod bytes;
pub mod cbv;
pub mod epc;
pub mod ids;
pub mod place;
pub mod records;
pub mod time;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

pub use bytes::{Bytes, Digest, List, SignatureBytes};
pub use cbv::{BizStep, Disposition};
pub use epc::{Epc, EpcError, EpcField, Giai96, UsDod96};
pub use ids::{KeyId, PartyRef, PlaceRef, SealNumber, Seq};
pub use place::{GeoPoint, Location};
pub use records::audit::{Checkpoint, Correction, CorrectionReason, Signature, SignerRole};
pub use records::commission::{
    Claim, Commission, ContainerKind, Label, LabelCode, Statement, StatementCode,
};
pub use records::custody::{Aggregate, AggregateAction, Condition, Custody, Seal, SealState};
pub use records::laboratory::{
    BoneElement, Confidence, Evidence, Identification, IdentificationStatus, Inspect, InspectKind,
    Likelihood, Link, Observation, ObservationCode, Reference, ReferenceKind, Relation, Sample,
    SampleId, SampleIdCode, SampleKind, Side,
};
pub use time::{OutOfRange, TimeQuality, Timestamp, TzOffset, UtcSeconds};

/// What every record says besides its body.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header {
    /// The record's position in its log.
    pub seq: Seq,
    /// When it was made; `None` when the clock was not set, which the record then says.
    pub time: Option<Timestamp>,
    /// The local time-zone offset where it was made.
    pub tz: TzOffset,
    /// Who made it.
    pub actor: PartyRef,
    /// Where it was made.
    pub location: Location,
}

/// A custody record: a header and one of nine bodies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Record {
    /// The common fields.
    pub header: Header,
    /// What the record says.
    pub body: Body,
}

/// What a record says, by type.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Body {
    /// The tag's identity (EPCIS ObjectEvent ADD, bizStep commissioning).
    Commission(Commission),
    /// A custody step (EPCIS ObjectEvent OBSERVE).
    Custody(Custody),
    /// Packing into or out of a larger container (EPCIS AggregationEvent).
    Aggregate(Aggregate),
    /// A sample taken (EPCIS TransformationEvent).
    Sample(Sample),
    /// A link to an individual or accession (EPCIS AssociationEvent).
    Link(Link),
    /// An inspection or sensor report (EPCIS ObjectEvent inspecting / sensor_reporting).
    Inspect(Inspect),
    /// An identification result.
    Identification(Identification),
    /// A declaration that earlier records were wrong (EPCIS errorDeclaration).
    Correction(Correction),
    /// A signed checkpoint over the chain.
    Checkpoint(Checkpoint),
}

/// The type of a record, as written in its envelope.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(u8)]
pub enum RecordType {
    /// [`Commission`].
    Commission = 1,
    /// [`Custody`].
    Custody = 2,
    /// [`Aggregate`].
    Aggregate = 3,
    /// [`Sample`].
    Sample = 4,
    /// [`Link`].
    Link = 5,
    /// [`Inspect`].
    Inspect = 6,
    /// [`Identification`].
    Identification = 7,
    /// [`Correction`].
    Correction = 8,
    /// [`Checkpoint`].
    Checkpoint = 9,
}

// The envelope codes run from 1 in this order.
wire_order!(
    RecordType:
    Commission,
    Custody,
    Aggregate,
    Sample,
    Link,
    Inspect,
    Identification,
    Correction,
    Checkpoint,
);

impl RecordType {
    /// The type with envelope code `code`.
    pub fn from_code(code: u8) -> Option<Self> {
        Self::from_index(u32::from(code.checked_sub(Self::Commission.code())?))
    }

    /// The envelope code.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// A lowercase name, as the CLI prints it.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::Custody => "custody",
            Self::Aggregate => "aggregate",
            Self::Sample => "sample",
            Self::Link => "link",
            Self::Inspect => "inspect",
            Self::Identification => "identification",
            Self::Correction => "correction",
            Self::Checkpoint => "checkpoint",
        }
    }
}

impl Body {
    /// The type of this body.
    pub const fn record_type(&self) -> RecordType {
        match self {
            Body::Commission(_) => RecordType::Commission,
            Body::Custody(_) => RecordType::Custody,
            Body::Aggregate(_) => RecordType::Aggregate,
            Body::Sample(_) => RecordType::Sample,
            Body::Link(_) => RecordType::Link,
            Body::Inspect(_) => RecordType::Inspect,
            Body::Identification(_) => RecordType::Identification,
            Body::Correction(_) => RecordType::Correction,
            Body::Checkpoint(_) => RecordType::Checkpoint,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every value of `all` is found at its position by `from_index` and is stored by serde as
    /// that position, and no index past the last names a value.
    fn holds_to_wire_order<T>(all: &[T], from_index: fn(u32) -> Option<T>)
    where
        T: Copy + PartialEq + core::fmt::Debug + Serialize,
    {
        for (position, value) in (0u32..).zip(all) {
            assert_eq!(from_index(position), Some(*value));
            let stored = postcard::to_allocvec(value).unwrap();
            assert_eq!(
                stored,
                postcard::to_allocvec(&position).unwrap(),
                "{value:?}"
            );
        }
        let past = u32::try_from(all.len()).unwrap();
        for index in [past, past + 1, 0x7f, 0x80, u32::MAX] {
            assert_eq!(from_index(index), None, "index {index}");
        }
    }

    #[test]
    fn unit_enums_are_found_by_their_wire_index() {
        holds_to_wire_order(BizStep::ALL, BizStep::from_index);
        holds_to_wire_order(Disposition::ALL, Disposition::from_index);
        holds_to_wire_order(TimeQuality::ALL, TimeQuality::from_index);
        holds_to_wire_order(SignerRole::ALL, SignerRole::from_index);
        holds_to_wire_order(SealState::ALL, SealState::from_index);
        holds_to_wire_order(Condition::ALL, Condition::from_index);
        holds_to_wire_order(RecordType::ALL, RecordType::from_index);
        holds_to_wire_order(ContainerKind::ALL, ContainerKind::from_index);
        holds_to_wire_order(AggregateAction::ALL, AggregateAction::from_index);
        holds_to_wire_order(InspectKind::ALL, InspectKind::from_index);
        holds_to_wire_order(Likelihood::ALL, Likelihood::from_index);
        holds_to_wire_order(BoneElement::ALL, BoneElement::from_index);
        holds_to_wire_order(Side::ALL, Side::from_index);
        holds_to_wire_order(SampleKind::ALL, SampleKind::from_index);
        holds_to_wire_order(ReferenceKind::ALL, ReferenceKind::from_index);
        holds_to_wire_order(Relation::ALL, Relation::from_index);
        holds_to_wire_order(IdentificationStatus::ALL, IdentificationStatus::from_index);
        holds_to_wire_order(CorrectionReason::ALL, CorrectionReason::from_index);
    }

    #[test]
    fn record_types_are_found_by_their_envelope_code() {
        for ty in RecordType::ALL {
            assert_eq!(RecordType::from_code(ty.code()), Some(*ty));
        }
        for code in [0, 10, 0x80, u8::MAX] {
            assert_eq!(RecordType::from_code(code), None, "code {code}");
        }
    }
}
