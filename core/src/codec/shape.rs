//! Record bodies checked by their stored shape: one small reader of tables instead of a serde
//! decoder for every body type.
//!
//! A tag keeps the bodies it stores as the bytes it was given and never needs them as values,
//! but it must know that they decode, and where each ends, before it stores one for good or
//! reads one back. Each type's shape below is section 7 of `docs/FORMAT.md` as a table; [`walk`]
//! reads bytes along it with postcard's own readers of varints, and fails where, and as,
//! postcard and the model's serde derives fail. Tests hold the two to the same verdict, the same
//! length and the same error on every record and every single-byte change of one. On a
//! Cortex-M0 the serde decoders of the nine bodies take about 6 KiB of flash, this about 1 KiB.

use postcard::Error;

use super::cursor::{Fields, REFUSED, list_items};
use crate::model::{
    AggregateAction, BizStep, BoneElement, Condition, ContainerKind, CorrectionReason, Disposition,
    Epc, Evidence, IdentificationStatus, InspectKind, Likelihood, RecordType, ReferenceKind,
    Relation, SampleKind, SealNumber, SealState, Side, SignerRole,
};

/// How a value is stored, as far as knowing that it decodes goes.
pub(crate) enum Shape {
    /// A `u16` varint that `valid` accepts.
    U16(fn(u16) -> bool),
    /// A `u32` varint.
    U32,
    /// An `i32` zigzag varint.
    I32,
    /// `n` bytes as they are, which `valid` accepts; `valid` is `None` for any bytes.
    Raw(usize, Option<fn(&[u8]) -> bool>),
    /// `0`, or `1` and the value.
    Option(&'static Shape),
    /// A length varint, at most `max`, then that many values.
    List(usize, &'static Shape),
    /// A variant index varint below `n`, with no value after it.
    Unit(u32),
    /// A variant index varint, then the fields of that variant, one entry for each variant.
    Enum(&'static [&'static [Shape]]),
    /// Fields one after the other.
    Struct(&'static [Shape]),
    /// The stored seal of a custody record (`docs/FORMAT.md` section 7.2), whose number the
    /// delta state follows.
    Seal,
}

/// What a walk found of a custody record's seal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum SealFound {
    /// No seal, or not a custody record.
    #[default]
    Absent,
    /// A seal with the number of the previous seal (stored as `SameNumber`).
    Same,
    /// A seal with its own number (stored as `NewNumber`). The variant index is at `at` in the
    /// body, and the seal's state at `state_at`.
    New {
        /// The seal's number.
        number: SealNumber,
        /// Offset of the variant index in the body.
        at: usize,
        /// Offset of the seal's state in the body.
        state_at: usize,
    },
}

/// The stored shape of a body of type `ty`.
pub(crate) const fn of(ty: RecordType) -> &'static Shape {
    match ty {
        RecordType::Commission => &COMMISSION,
        RecordType::Custody => &CUSTODY,
        RecordType::Aggregate => &AGGREGATE,
        RecordType::Sample => &SAMPLE,
        RecordType::Link => &LINK,
        RecordType::Inspect => &INSPECT,
        RecordType::Identification => &IDENTIFICATION,
        RecordType::Correction => &CORRECTION,
        RecordType::Checkpoint => &CHECKPOINT,
    }
}

/// Reads one value of `shape` from the start of `bytes`, as postcard would deserialize the
/// model's type. Returns the verdict, how many bytes were read (up to the failure, on a
/// failure), and what was found of a custody seal.
pub(crate) fn walk(shape: &Shape, bytes: &[u8]) -> (Result<(), Error>, usize, SealFound) {
    let mut walker = Walker {
        fields: Fields::new(bytes),
        seal: SealFound::Absent,
    };
    let result = walker.value(shape);
    (result, walker.fields.used(), walker.seal)
}

// Unit enums: the index of the last variant, plus one.
const BIZ_STEP: Shape = Shape::Unit(BizStep::ALL.len() as u32);
const DISPOSITION: Shape = Shape::Unit(Disposition::ALL.len() as u32);
const CONDITION: Shape = Shape::Unit(Condition::NotObserved as u32 + 1);
const SEAL_STATE: Shape = Shape::Unit(SealState::Removed as u32 + 1);
const LIKELIHOOD: Shape = Shape::Unit(Likelihood::Confirmed as u32 + 1);

const EPC: Shape = Shape::Raw(Epc::LEN, Some(valid_epc));
const DIGEST: Shape = Shape::Raw(32, None);
const EVIDENCE: Shape = Shape::Raw(1, Some(valid_evidence));
const REFERENCE: Shape =
    Shape::Struct(&[Shape::Unit(ReferenceKind::Container as u32 + 1), Shape::U32]);
const OPTIONAL_SEQ: Shape = Shape::Option(&Shape::U32);

const COMMISSION: Shape = Shape::Struct(&[
    EPC,
    Shape::List(10, &Shape::Raw(1, None)),
    Shape::Unit(ContainerKind::PersonalEffects as u32 + 1),
    // Label: box number, K208 number, DVI post-mortem number, accession, each a `u32`.
    Shape::List(
        3,
        &Shape::Enum(&[&[Shape::U32], &[Shape::U32], &[Shape::U32], &[Shape::U32]]),
    ),
    Shape::U32,
    // Claim: by, then the statement: recovery area, individual count or recovery year.
    Shape::List(
        2,
        &Shape::Struct(&[
            Shape::U32,
            Shape::Enum(&[
                &[Shape::U32],
                &[Shape::U16(any_u16)],
                &[Shape::U16(any_u16)],
            ]),
        ]),
    ),
]);

const CUSTODY: Shape = Shape::Struct(&[
    BIZ_STEP,
    DISPOSITION,
    Shape::U32,
    Shape::U32,
    Shape::Seal,
    CONDITION,
]);

const AGGREGATE: Shape = Shape::Struct(&[Shape::Unit(AggregateAction::Delete as u32 + 1), EPC]);

const SAMPLE: Shape = Shape::Struct(&[
    // The sample's own tag, or a label number.
    Shape::Enum(&[&[EPC], &[Shape::U32]]),
    Shape::Unit(BoneElement::Unidentified as u32 + 1),
    Shape::Unit(Side::Unsided as u32 + 1),
    Shape::Unit(SampleKind::Fragment as u32 + 1),
    Shape::U32,
]);

const LINK: Shape = Shape::Struct(&[
    REFERENCE,
    Shape::Unit(Relation::Excludes as u32 + 1),
    EVIDENCE,
    Shape::U16(valid_confidence),
    OPTIONAL_SEQ,
]);

const INSPECT: Shape = Shape::Struct(&[
    Shape::Unit(InspectKind::Sensor as u32 + 1),
    // Observation: temperature, humidity, shock, element count, minimum number of
    // individuals, human, US service member, photo.
    Shape::List(
        4,
        &Shape::Enum(&[
            &[Shape::I32],
            &[Shape::U16(any_u16)],
            &[Shape::U32],
            &[Shape::U16(any_u16)],
            &[Shape::U16(any_u16)],
            &[LIKELIHOOD],
            &[LIKELIHOOD],
            &[DIGEST],
        ]),
    ),
]);

const IDENTIFICATION: Shape = Shape::Struct(&[
    REFERENCE,
    Shape::Unit(IdentificationStatus::OtherNation as u32 + 1),
    EVIDENCE,
    DIGEST,
    Shape::U32,
]);

const CORRECTION: Shape = Shape::Struct(&[
    Shape::List(4, &Shape::U32),
    Shape::Unit(CorrectionReason::WrongContainer as u32 + 1),
    OPTIONAL_SEQ,
]);

const CHECKPOINT: Shape = Shape::Struct(&[
    Shape::U32,
    DIGEST,
    // Signature: key, role, Ed25519 signature.
    Shape::List(
        2,
        &Shape::Struct(&[
            Shape::U32,
            Shape::Unit(SignerRole::Auditor as u32 + 1),
            Shape::Raw(64, None),
        ]),
    ),
]);

fn any_u16(_: u16) -> bool {
    true
}

fn valid_confidence(basis_points: u16) -> bool {
    crate::model::Confidence::from_basis_points(basis_points).is_some()
}

fn valid_evidence(bits: &[u8]) -> bool {
    bits.first().is_some_and(|b| Evidence::try_from(*b).is_ok())
}

fn valid_epc(bytes: &[u8]) -> bool {
    <&[u8; Epc::LEN]>::try_from(bytes).is_ok_and(|bytes| Epc::from_bytes(bytes).is_ok())
}

struct Walker<'a> {
    fields: Fields<'a>,
    seal: SealFound,
}

impl Walker<'_> {
    fn value(&mut self, shape: &Shape) -> Result<(), Error> {
        match shape {
            Shape::U16(valid) => {
                let value = self.fields.u16()?;
                accept(valid(value))
            }
            Shape::U32 => self.fields.u32().map(drop),
            Shape::I32 => self.fields.i32().map(drop),
            Shape::Raw(n, valid) => {
                let bytes = self.fields.raw(*n)?;
                accept(valid.is_none_or(|valid| valid(bytes)))
            }
            Shape::Option(inner) => match self.fields.tag()? {
                false => Ok(()),
                true => self.value(inner),
            },
            Shape::List(max, item) => {
                let len = self.fields.list_len()?;
                list_items(len, *max, || self.value(item))
            }
            Shape::Unit(n) => {
                let index = self.fields.u32()?;
                accept(index < *n)
            }
            Shape::Enum(variants) => {
                let index = self.fields.u32()?;
                let fields = variants.get(index as usize).ok_or(REFUSED)?;
                self.all(fields)
            }
            Shape::Struct(fields) => self.all(fields),
            Shape::Seal => self.seal(),
        }
    }

    fn all(&mut self, fields: &[Shape]) -> Result<(), Error> {
        fields.iter().try_for_each(|field| self.value(field))
    }

    /// `None`, `SameNumber(state)` or `NewNumber(number, state)`.
    fn seal(&mut self) -> Result<(), Error> {
        let at = self.fields.used();
        match self.fields.u32()? {
            0 => Ok(()),
            1 => {
                self.value(&SEAL_STATE)?;
                self.seal = SealFound::Same;
                Ok(())
            }
            2 => {
                let number = SealNumber(self.fields.u32()?);
                let state_at = self.fields.used();
                self.value(&SEAL_STATE)?;
                self.seal = SealFound::New {
                    number,
                    at,
                    state_at,
                };
                Ok(())
            }
            _ => Err(REFUSED),
        }
    }
}

fn accept(valid: bool) -> Result<(), Error> {
    if valid { Ok(()) } else { Err(REFUSED) }
}
