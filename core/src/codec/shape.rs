//! Record bodies checked by their stored shape: one small reader of tables instead of a serde
//! decoder for every body type.
//!
//! A tag keeps the bodies it stores as the bytes it was given and never needs them as values,
//! but it must know that they decode, and where each ends, before it stores one for good or
//! reads one back. Each type's shape below is section 7 of `docs/FORMAT.md` as a table; [`walk`]
//! reads bytes along it with the codec's readers of postcard's fields, and fails where, and as,
//! postcard and the model's serde derives fail. Tests hold the two to the same verdict, the same
//! length and the same error on every record and every single-byte change of one. On a
//! Cortex-M0 the serde decoders of the nine bodies take about 6 KiB of flash, this about
//! 1.4 KiB.
//!
//! A shape is a short program of bytes, each value an opcode in prefix order: a number, a
//! length or a count follows its opcode, and the values inside a list, an option, an enum or
//! a struct follow theirs. The nine tables take about 130 bytes of flash, where tables of
//! enums with pointers (8 or 12 bytes an entry) took about 800.

use postcard::Error;

use super::postcard_wire::{Fields, REFUSED, list_items};
use crate::model::{
    AggregateAction, BizStep, BoneElement, Condition, ContainerKind, CorrectionReason, Disposition,
    Epc, Evidence, IdentificationStatus, InspectKind, LabelCode, Likelihood, ObservationCode,
    RecordType, ReferenceKind, Relation, SampleIdCode, SampleKind, SealNumber, SealState, Side,
    SignerRole, StatementCode,
};

/// The stored shape of one body type: where its program of the opcodes below starts in
/// [`PROGRAMS`].
pub(crate) struct Shape(u8);

// Opcodes without an argument.

/// A `u16` varint, any value.
const U16: u8 = 0;
/// A `u16` varint that is a confidence in basis points.
const CONFIDENCE: u8 = 1;
/// A `u32` varint.
const U32: u8 = 2;
/// An `i32` zigzag varint.
const I32: u8 = 3;
/// An EPC's 12 bytes, which must be a valid EPC.
const EPC: u8 = 4;
/// One byte of evidence bits, which must be valid.
const EVIDENCE: u8 = 5;
/// `OPTION value`: `0`, or `1` and the value.
const OPTION: u8 = 6;
/// The stored seal of a custody record (`docs/FORMAT.md` section 7.2), whose number the
/// delta state follows.
const SEAL: u8 = 7;

// Opcodes from here on are followed by an argument byte.
const WITH_ARGUMENT: u8 = 8;

/// `RAW n`: `n` bytes as they are.
const RAW: u8 = 8;
/// `LIST max value`: a length varint, at most `max`, then that many values.
const LIST: u8 = 9;
/// `UNIT n`: a variant index varint below `n`, with no value after it.
const UNIT: u8 = 10;
/// `ENUM n value…`: a variant index varint below `n`, then the value of that variant; one
/// value follows for each variant.
const ENUM: u8 = 11;
/// `STRUCT n value…`: `n` values one after the other.
const STRUCT: u8 = 12;

/// What the walker reads past the end of the programs: no opcode.
const PAST_END: u8 = u8::MAX;

/// A count or a bound in a shape, which must fit its byte.
const fn n(count: usize) -> u8 {
    assert!(count <= u8::MAX as usize);
    count as u8
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
pub(crate) fn of(ty: RecordType) -> Shape {
    // Every type has a start; none is past the end.
    let start = STARTS.get(ty.index() as usize).copied();
    Shape(start.unwrap_or(PAST_END))
}

/// The program of the shape of a body of type `ty`.
const fn program(ty: RecordType) -> &'static [u8] {
    match ty {
        RecordType::Commission => COMMISSION,
        RecordType::Custody => CUSTODY,
        RecordType::Aggregate => AGGREGATE,
        RecordType::Sample => SAMPLE,
        RecordType::Link => LINK,
        RecordType::Inspect => INSPECT,
        RecordType::Identification => IDENTIFICATION,
        RecordType::Correction => CORRECTION,
        RecordType::Checkpoint => CHECKPOINT,
    }
}

/// The programs of every body type, in the order of [`RecordType::ALL`]. Laid end to end in
/// [`PROGRAMS`], each found by its start, so that no table of slices is stored.
const SHAPES: [&[u8]; RecordType::ALL.len()] = {
    let mut shapes: [&[u8]; RecordType::ALL.len()] = [&[]; RecordType::ALL.len()];
    let mut i = 0;
    while i < shapes.len() {
        shapes[i] = program(RecordType::ALL[i]);
        i += 1;
    }
    shapes
};

/// Every program of [`SHAPES`], one after the other.
static PROGRAMS: [u8; programs_len()] = programs();

/// Where each program of [`SHAPES`] starts in [`PROGRAMS`].
const STARTS: [u8; SHAPES.len()] = starts();

const fn programs_len() -> usize {
    let mut len = 0;
    let mut i = 0;
    while i < SHAPES.len() {
        len += SHAPES[i].len();
        i += 1;
    }
    len
}

const fn programs() -> [u8; programs_len()] {
    let mut all = [0u8; programs_len()];
    let mut at = 0;
    let mut i = 0;
    while i < SHAPES.len() {
        let mut j = 0;
        while j < SHAPES[i].len() {
            all[at] = SHAPES[i][j];
            at += 1;
            j += 1;
        }
        i += 1;
    }
    all
}

const fn starts() -> [u8; SHAPES.len()] {
    let mut starts = [0u8; SHAPES.len()];
    let mut at = 0;
    let mut i = 0;
    while i < SHAPES.len() {
        starts[i] = n(at);
        at += SHAPES[i].len();
        i += 1;
    }
    starts
}

/// Reads one value of `shape` from the start of `bytes`, as postcard would deserialize the
/// model's type. Returns the verdict, how many bytes were read (up to the failure, on a
/// failure), and what was found of a custody seal.
pub(crate) fn walk(shape: Shape, bytes: &[u8]) -> (Result<(), Error>, usize, SealFound) {
    let mut walker = Walker {
        pc: usize::from(shape.0),
        fields: Fields::new(bytes),
        seal: SealFound::Absent,
    };
    let result = walker.value();
    (result, walker.fields.used(), walker.seal)
}

// Unit enums: how many variants each has.
const BIZ_STEPS: u8 = n(BizStep::ALL.len());
const DISPOSITIONS: u8 = n(Disposition::ALL.len());
const CONDITIONS: u8 = n(Condition::ALL.len());
const SEAL_STATES: u32 = SealState::ALL.len() as u32;
const LIKELIHOODS: u8 = n(Likelihood::ALL.len());
const REFERENCE_KINDS: u8 = n(ReferenceKind::ALL.len());

#[rustfmt::skip]
const COMMISSION: &[u8] = &[
    STRUCT, 6,
    EPC,
    LIST, 10, RAW, 1,
    UNIT, n(ContainerKind::ALL.len()),
    // Label: box number, K208 number, DVI post-mortem number, accession, each a `u32`.
    LIST, 3, ENUM, n(LabelCode::ALL.len()), U32, U32, U32, U32,
    U32,
    // Claim: by, then the statement: recovery area, individual count or recovery year.
    LIST, 2, STRUCT, 2, U32, ENUM, n(StatementCode::ALL.len()), U32, U16, U16,
];

#[rustfmt::skip]
const CUSTODY: &[u8] = &[
    STRUCT, 6,
    UNIT, BIZ_STEPS,
    UNIT, DISPOSITIONS,
    U32,
    U32,
    SEAL,
    UNIT, CONDITIONS,
];

#[rustfmt::skip]
const AGGREGATE: &[u8] = &[
    STRUCT, 2,
    UNIT, n(AggregateAction::ALL.len()),
    EPC,
];

#[rustfmt::skip]
const SAMPLE: &[u8] = &[
    STRUCT, 5,
    // The sample's own tag, or a label number.
    ENUM, n(SampleIdCode::ALL.len()), EPC, U32,
    UNIT, n(BoneElement::ALL.len()),
    UNIT, n(Side::ALL.len()),
    UNIT, n(SampleKind::ALL.len()),
    U32,
];

#[rustfmt::skip]
const LINK: &[u8] = &[
    STRUCT, 5,
    STRUCT, 2, UNIT, REFERENCE_KINDS, U32,
    UNIT, n(Relation::ALL.len()),
    EVIDENCE,
    CONFIDENCE,
    OPTION, U32,
];

#[rustfmt::skip]
const INSPECT: &[u8] = &[
    STRUCT, 2,
    UNIT, n(InspectKind::ALL.len()),
    // Observation: temperature, humidity, shock, element count, minimum number of
    // individuals, human, US service member, photo.
    LIST, 4, ENUM, n(ObservationCode::ALL.len()),
    I32,
    U16,
    U32,
    U16,
    U16,
    UNIT, LIKELIHOODS,
    UNIT, LIKELIHOODS,
    RAW, 32,
];

#[rustfmt::skip]
const IDENTIFICATION: &[u8] = &[
    STRUCT, 5,
    STRUCT, 2, UNIT, REFERENCE_KINDS, U32,
    UNIT, n(IdentificationStatus::ALL.len()),
    EVIDENCE,
    RAW, 32,
    U32,
];

#[rustfmt::skip]
const CORRECTION: &[u8] = &[
    STRUCT, 3,
    LIST, 4, U32,
    UNIT, n(CorrectionReason::ALL.len()),
    OPTION, U32,
];

#[rustfmt::skip]
const CHECKPOINT: &[u8] = &[
    STRUCT, 3,
    U32,
    RAW, 32,
    // Signature: key, role, Ed25519 signature.
    LIST, 2, STRUCT, 3, U32, UNIT, n(SignerRole::ALL.len()), RAW, 64,
];

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
    /// Where the next opcode or argument is in [`PROGRAMS`].
    pc: usize,
    fields: Fields<'a>,
    seal: SealFound,
}

impl Walker<'_> {
    /// The program's next byte. The programs are the constants above, each whole, so no byte
    /// past the end is asked for; if one were, it would read as [`PAST_END`], which is no
    /// opcode, rather than panic.
    fn next(&mut self) -> u8 {
        let byte = PROGRAMS.get(self.pc).copied().unwrap_or(PAST_END);
        self.pc += 1;
        byte
    }

    /// The next opcode in the program and its argument (0 for an opcode without one).
    fn op(&mut self) -> (u8, u8) {
        let op = self.next();
        let argument = if op >= WITH_ARGUMENT { self.next() } else { 0 };
        (op, argument)
    }

    /// Reads the value whose shape is next in the program, and moves past its shape.
    fn value(&mut self) -> Result<(), Error> {
        let (op, argument) = self.op();
        match op {
            U16 => self.fields.u16().map(drop),
            CONFIDENCE => {
                let value = self.fields.u16()?;
                accept(valid_confidence(value))
            }
            U32 => self.fields.u32().map(drop),
            I32 => self.fields.i32().map(drop),
            RAW => self.fields.raw(usize::from(argument)).map(drop),
            EPC => {
                let bytes = self.fields.raw(Epc::LEN)?;
                accept(valid_epc(bytes))
            }
            EVIDENCE => {
                let bits = self.fields.raw(1)?;
                accept(valid_evidence(bits))
            }
            OPTION => match self.fields.tag()? {
                false => {
                    self.skip();
                    Ok(())
                }
                true => self.value(),
            },
            LIST => {
                let item = self.pc;
                let len = self.fields.list_len()?;
                list_items(len, usize::from(argument), || {
                    self.pc = item;
                    self.value()
                })?;
                self.pc = item;
                self.skip();
                Ok(())
            }
            UNIT => {
                let index = self.fields.u32()?;
                accept(index < u32::from(argument))
            }
            ENUM => {
                let index = self.fields.u32()?;
                accept(index < u32::from(argument))?;
                for variant in 0..u32::from(argument) {
                    if variant == index {
                        self.value()?;
                    } else {
                        self.skip();
                    }
                }
                Ok(())
            }
            STRUCT => {
                for _ in 0..argument {
                    self.value()?;
                }
                Ok(())
            }
            SEAL => self.seal(),
            _ => Err(REFUSED),
        }
    }

    /// Moves past the shape next in the program, reading nothing.
    fn skip(&mut self) {
        // Shapes still to pass: each opcode is one, and adds the shapes inside it, at most 255
        // a byte read, so the count cannot overflow.
        let mut pending = 1usize;
        while pending > 0 {
            pending -= 1;
            match self.op() {
                (OPTION | LIST, _) => pending += 1,
                (ENUM | STRUCT, inside) => pending += usize::from(inside),
                _ => {}
            }
        }
    }

    /// `None`, `SameNumber(state)` or `NewNumber(number, state)`.
    fn seal(&mut self) -> Result<(), Error> {
        let at = self.fields.used();
        match self.fields.u32()? {
            0 => Ok(()),
            1 => {
                self.seal_state()?;
                self.seal = SealFound::Same;
                Ok(())
            }
            2 => {
                let number = SealNumber(self.fields.u32()?);
                let state_at = self.fields.used();
                self.seal_state()?;
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

    fn seal_state(&mut self) -> Result<(), Error> {
        let index = self.fields.u32()?;
        accept(index < SEAL_STATES)
    }
}

fn accept(valid: bool) -> Result<(), Error> {
    if valid { Ok(()) } else { Err(REFUSED) }
}
