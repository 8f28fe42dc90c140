//! Record bodies on the wire: postcard, in the order the model declares the fields, except for
//! the custody seal, whose number is left out when it repeats the previous seal's.

use postcard::experimental::max_size::MaxSize;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::cursor::{Reader, Writer};
use super::error::{DecodeError, DecodeErrorKind, EncodeError, Field};
use super::state::DeltaState;
use crate::model::{
    Aggregate, BizStep, Body, Checkpoint, Commission, Condition, Correction, Custody, Disposition,
    Identification, Inspect, Link, PartyRef, RecordType, Sample, Seal, SealNumber, SealState,
};

/// A custody record as stored.
#[derive(Serialize, Deserialize, MaxSize)]
struct WireCustody {
    step: BizStep,
    disposition: Disposition,
    from: PartyRef,
    to: PartyRef,
    seal: WireSeal,
    condition: Condition,
}

/// A seal as stored.
#[derive(Serialize, Deserialize, MaxSize)]
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
pub(crate) const MAX_BODY_LEN: usize = max(&[
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

/// Writes `body` coded against `state`.
pub(crate) fn write(
    w: &mut Writer<'_>,
    body: &Body,
    state: &DeltaState,
) -> Result<(), EncodeError> {
    match body {
        Body::Commission(b) => w.put(b),
        Body::Custody(b) => w.put(&WireCustody {
            step: b.step,
            disposition: b.disposition,
            from: b.from,
            to: b.to,
            seal: match b.seal {
                None => WireSeal::None,
                Some(seal) if state.last_seal == Some(seal.number) => {
                    WireSeal::SameNumber(seal.state)
                }
                Some(seal) => WireSeal::NewNumber(seal.number, seal.state),
            },
            condition: b.condition,
        }),
        Body::Aggregate(b) => w.put(b),
        Body::Sample(b) => w.put(b),
        Body::Link(b) => w.put(b),
        Body::Inspect(b) => w.put(b),
        Body::Identification(b) => w.put(b),
        Body::Correction(b) => w.put(b),
        Body::Checkpoint(b) => w.put(b),
    }
}

/// Reads a body of type `ty` coded against `state`.
pub(crate) fn read(
    r: &mut Reader<'_>,
    ty: RecordType,
    state: &DeltaState,
) -> Result<Body, DecodeError> {
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

/// Reads a body of type `T` as it is stored. Out of line, one copy for each type, so that a
/// decode holds only the body it reads on the stack, not every kind at once.
#[inline(never)]
fn take<T: DeserializeOwned>(r: &mut Reader<'_>, body: fn(T) -> Body) -> Result<Body, DecodeError> {
    r.take(Field::Body).map(body)
}

#[inline(never)]
fn read_custody(r: &mut Reader<'_>, state: &DeltaState) -> Result<Body, DecodeError> {
    let body_at = r.offset();
    let wire: WireCustody = r.take(Field::Body)?;
    let seal = match wire.seal {
        WireSeal::None => None,
        WireSeal::NewNumber(number, state) => Some(Seal { number, state }),
        WireSeal::SameNumber(seal_state) => Some(Seal {
            number: state.last_seal.ok_or(DecodeError::new(
                body_at,
                DecodeErrorKind::MissingContext(Field::Seal),
            ))?,
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
