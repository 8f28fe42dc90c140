//! Requests as a tag reads them: field by field, as postcard reads `Request`'s serde form
//! (`docs/PROTOCOL.md` section 3), failing where and as it fails. On a Cortex-M0 the derived
//! deserializer of `Request` and the checkpoint and custody step in it takes about 1.5 KiB of
//! flash more than this; tests hold the two to the same request, or the same fault, for every
//! request and every change of one. Readers write requests with the serde form.

use postcard::Error;

use super::message::{ButtonAction, Request};
use crate::codec::{Fields, MAX_RECORD_LEN, REFUSED, RecordBuf, list_items, read_digest};
use crate::model::{
    BizStep, Checkpoint, Condition, Custody, Disposition, KeyId, List, PartyRef, Seal, SealNumber,
    SealState, Seq, Signature, SignatureBytes, SignerRole, Timestamp, TzOffset, UtcSeconds,
};

/// Reads a request from the start of `body`; returns it, or postcard's error, and how many
/// bytes were read.
pub(super) fn read(body: &[u8]) -> (Result<Request, Error>, usize) {
    let mut fields = Fields::new(body);
    let request = request(&mut fields);
    (request, fields.used())
}

fn request(f: &mut Fields<'_>) -> Result<Request, Error> {
    // The variant's index, then its fields.
    Ok(match f.take::<u32>()? {
        0 => Request::Hello {
            actor: PartyRef(f.take()?),
        },
        1 => Request::Identity,
        2 => Request::Status,
        3 => Request::Read {
            from: Seq(f.take()?),
        },
        4 => Request::ReadNext,
        5 => Request::Append { stored: stored(f)? },
        6 => Request::Checkpoint {
            checkpoint: checkpoint(f)?,
        },
        7 => Request::Commission { stored: stored(f)? },
        8 => Request::SetClock {
            time: Timestamp {
                at: UtcSeconds(f.take()?),
                quality: f.take()?,
            },
            tz: f.take::<TzOffset>()?,
        },
        9 => Request::SetButton {
            action: ButtonAction {
                actor: PartyRef(f.take()?),
                custody: custody(f)?,
            },
        },
        10 => Request::Goodbye,
        _ => return Err(REFUSED),
    })
}

/// A record's stored bytes: a list of bytes.
fn stored(f: &mut Fields<'_>) -> Result<RecordBuf, Error> {
    let len = f.take::<usize>()?;
    let mut stored = RecordBuf::new();
    list_items(len, MAX_RECORD_LEN, || {
        let byte = *f.raw(1)?.first().ok_or(Error::DeserializeUnexpectedEnd)?;
        stored.push(byte).map_err(|_| REFUSED)
    })?;
    Ok(stored)
}

fn checkpoint(f: &mut Fields<'_>) -> Result<Checkpoint, Error> {
    let count = f.take::<u32>()?;
    let head = read_digest(f)?;
    let len = f.take::<usize>()?;
    let mut signatures = List::new();
    list_items(len, 2, || {
        let key = KeyId(f.take()?);
        let role = f.take::<SignerRole>()?;
        let signature = <[u8; 64]>::try_from(f.raw(64)?).map_err(|_| REFUSED)?;
        signatures
            .push(Signature {
                key,
                role,
                signature: SignatureBytes::from(signature),
            })
            .map_err(|_| REFUSED)
    })?;
    Ok(Checkpoint {
        count,
        head,
        signatures,
    })
}

fn custody(f: &mut Fields<'_>) -> Result<Custody, Error> {
    Ok(Custody {
        step: f.take::<BizStep>()?,
        disposition: f.take::<Disposition>()?,
        from: PartyRef(f.take()?),
        to: PartyRef(f.take()?),
        seal: match f.tag()? {
            false => None,
            true => Some(Seal {
                number: SealNumber(f.take()?),
                state: f.take::<SealState>()?,
            }),
        },
        condition: f.take::<Condition>()?,
    })
}
