//! Record bodies on the wire: postcard, in the order the model declares the fields, except for
//! the custody seal, whose number is left out when it repeats the previous seal's. Serde reads
//! and writes them whole; a tag checks them by their shape (`shape.rs`) and stores the bytes.

use postcard::experimental::max_size::MaxSize;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{DecodeErrorKind, Field};
use super::postcard_wire::Writer;
use super::reader::{Reader, Step};
use super::shape::SealFound;
use super::state::DeltaState;
use crate::model::{
    Aggregate, BizStep, Body, Checkpoint, Commission, Condition, Correction, Custody, Disposition,
    Identification, Inspect, Link, PartyRef, RecordType, Sample, Seal, SealNumber, SealState,
};

/// A custody record as stored.
#[derive(Deserialize, MaxSize)]
struct WireCustody {
    step: BizStep,
    disposition: Disposition,
    from: PartyRef,
    to: PartyRef,
    seal: WireSeal,
    condition: Condition,
}

/// A seal as stored; the order of the variants is [`SEAL_NONE`], [`SEAL_SAME_NUMBER`],
/// [`SEAL_NEW_NUMBER`].
#[derive(Deserialize, MaxSize)]
enum WireSeal {
    /// The container has no seal.
    None,
    /// The seal has the number of the previous custody record's seal.
    SameNumber(SealState),
    /// A seal with a number different from the previous one.
    NewNumber(SealNumber, SealState),
}

const fn max(sizes: &[usize]) -> usize {
    let mut i = 0;
    let mut m = 0;
    while i < sizes.len() {
        if sizes[i] > m {
            m = sizes[i];
        }
        i += 1;
    }
    m
}

/// The most bytes any body takes.
pub const MAX_BODY_LEN: usize = max(&[
    Commission::POSTCARD_MAX_SIZE,
    WireCustody::POSTCARD_MAX_SIZE,
    Aggregate::POSTCARD_MAX_SIZE,
    Sample::POSTCARD_MAX_SIZE,
    Link::POSTCARD_MAX_SIZE,
    Inspect::POSTCARD_MAX_SIZE,
    Identification::POSTCARD_MAX_SIZE,
    Correction::POSTCARD_MAX_SIZE,
    Checkpoint::POSTCARD_MAX_SIZE,
]);

/// Stored seal variant indices (`docs/FORMAT.md` section 7.2), as [`WireSeal`] derives them.
pub(crate) const SEAL_NONE: u32 = 0;
pub(crate) const SEAL_SAME_NUMBER: u32 = 1;
pub(crate) const SEAL_NEW_NUMBER: u32 = 2;

/// Writes `body` as the first record of a log stores it, where no seal came before: the form
/// [`StoredBody`](super::StoredBody) holds, which the encoder then codes against its state.
pub(crate) fn write_free(w: &mut Writer<'_>, body: &Body) -> SealFound {
    match body {
        Body::Commission(b) => w.serde(b),
        Body::Custody(b) => return write_custody(w, b),
        Body::Aggregate(b) => w.serde(b),
        Body::Sample(b) => w.serde(b),
        Body::Link(b) => w.serde(b),
        Body::Inspect(b) => w.serde(b),
        Body::Identification(b) => w.serde(b),
        Body::Correction(b) => w.serde(b),
        Body::Checkpoint(b) => w.serde(b),
    }
    SealFound::Absent
}

/// Writes a custody body with its seal number in full, and says where the seal is.
pub(crate) fn write_custody(w: &mut Writer<'_>, b: &Custody) -> SealFound {
    // Enums go as their variant index, references as the `u32`s they wrap.
    w.u32(b.step.index());
    w.u32(b.disposition.index());
    w.u32(b.from.0);
    w.u32(b.to.0);
    let seal = match b.seal {
        None => {
            w.u32(SEAL_NONE);
            SealFound::Absent
        }
        Some(seal) => {
            let at = w.position();
            w.u32(SEAL_NEW_NUMBER);
            w.u32(seal.number.0);
            let state_at = w.position();
            w.u32(seal.state.index());
            SealFound::New {
                number: seal.number,
                at,
                state_at,
            }
        }
    };
    w.u32(b.condition.index());
    seal
}

/// Writes a checkpoint body as postcard writes its serde form: the count, the head, and the
/// list of signatures (its length, then each key, role and signature).
pub(crate) fn write_checkpoint(w: &mut Writer<'_>, b: &Checkpoint) {
    w.u32(b.count);
    w.bytes(b.head.as_array());
    w.u32(b.signatures.len() as u32);
    for signature in b.signatures.iter() {
        w.u32(signature.key.0);
        w.u32(u32::from(signature.role.code()));
        w.bytes(signature.signature.as_array());
    }
}

/// Writes the stored body `bytes` coded against `state`: a custody seal whose number repeats
/// the state's last seal loses its number.
pub(crate) fn write_coded(w: &mut Writer<'_>, bytes: &[u8], seal: SealFound, state: &DeltaState) {
    match seal {
        SealFound::New {
            number,
            at,
            state_at,
        } if state.last_seal == Some(number) => {
            w.bytes(bytes.get(..at).unwrap_or_default());
            w.u32(SEAL_SAME_NUMBER);
            w.bytes(bytes.get(state_at..).unwrap_or_default())
        }
        _ => w.bytes(bytes),
    }
}

/// Reads a body of type `ty` coded against `state`.
pub(crate) fn read(r: &mut Reader<'_>, ty: RecordType, state: &DeltaState) -> Step<Body> {
    match ty {
        RecordType::Commission => take(r, Body::Commission),
        RecordType::Custody => read_custody(r, state),
        RecordType::Aggregate => take(r, Body::Aggregate),
        RecordType::Sample => take(r, Body::Sample),
        RecordType::Link => take(r, Body::Link),
        RecordType::Inspect => take(r, Body::Inspect),
        RecordType::Identification => take(r, Body::Identification),
        RecordType::Correction => take(r, Body::Correction),
        RecordType::Checkpoint => take(r, Body::Checkpoint),
    }
}

/// Reads a body of type `T` as it is stored; out of line, one copy for each type (for stack,
/// `docs/FIRMWARE.md`).
#[inline(never)]
fn take<T: DeserializeOwned>(r: &mut Reader<'_>, body: fn(T) -> Body) -> Step<Body> {
    r.take(Field::Body).map(body)
}

#[inline(never)]
fn read_custody(r: &mut Reader<'_>, state: &DeltaState) -> Step<Body> {
    let body_at = r.offset();
    let wire: WireCustody = r.take(Field::Body)?;
    let seal = match wire.seal {
        WireSeal::None => None,
        WireSeal::NewNumber(number, state) => Some(Seal { number, state }),
        WireSeal::SameNumber(seal_state) => Some(Seal {
            number: state
                .last_seal
                .ok_or_else(|| r.fail(body_at, DecodeErrorKind::MissingContext(Field::Seal)))?,
            state: seal_state,
        }),
    };
    Ok(Body::Custody(Custody {
        step: wire.step,
        disposition: wire.disposition,
        from: wire.from,
        to: wire.to,
        seal,
        condition: wire.condition,
    }))
}
