//! Requests as a tag reads them: field by field, as postcard reads `Request`'s serde form
//! (`docs/PROTOCOL.md` section 3), failing where and as it fails. On a Cortex-M0 the derived
//! deserializer of `Request` and the checkpoint and custody step in it takes about 1.5 KiB of
//! flash more than this; tests hold the two to the same request, or the same fault, for every
//! request and every change of one. Readers write requests with the serde form.

use postcard::Error;

use super::message::{ButtonAction, Request};
use crate::codec::{Fields, MAX_RECORD_LEN, REFUSED, RecordBuf, list_items, read_digest, read_tz};
use crate::model::{
    BizStep, Checkpoint, Condition, Custody, Disposition, KeyId, List, PartyRef, Seal, SealNumber,
    SealState, Seq, Signature, SignatureBytes, SignerRole, TimeQuality, Timestamp, UtcSeconds,
};

/// Reads a request from the start of `body` into `out`; returns postcard's error, if any, and
/// how many bytes were read. On an error `out` holds some request, not a meaningful one.
pub(super) fn read_into(body: &[u8], out: &mut Request) -> (Result<(), Error>, usize) {
    let mut fields = Fields::new(body);
    let result = request(&mut fields, out);
    (result, fields.used())
}

/// Reads a request into `out`. The requests with a record or a checkpoint are filled in where
/// they lie: built and then moved, their buffers would be copied several times.
fn request(f: &mut Fields<'_>, out: &mut Request) -> Result<(), Error> {
    // The variant's index, then its fields.
    *out = match f.u32()? {
        0 => Request::Hello {
            actor: PartyRef(f.u32()?),
        },
        1 => Request::Identity,
        2 => Request::Status,
        3 => Request::Read {
            from: Seq(f.u32()?),
        },
        4 => Request::ReadNext,
        5 => {
            *out = Request::Append {
                stored: RecordBuf::new(),
            };
            return match out {
                Request::Append { stored: buf } => stored(f, buf),
                _ => Err(REFUSED),
            };
        }
        6 => {
            let count = f.u32()?;
            let head = read_digest(f)?;
            *out = Request::Checkpoint {
                checkpoint: Checkpoint {
                    count,
                    head,
                    signatures: List::new(),
                },
            };
            return match out {
                Request::Checkpoint { checkpoint } => signatures(f, &mut checkpoint.signatures),
                _ => Err(REFUSED),
            };
        }
        7 => {
            *out = Request::Commission {
                stored: RecordBuf::new(),
            };
            return match out {
                Request::Commission { stored: buf } => stored(f, buf),
                _ => Err(REFUSED),
            };
        }
        8 => Request::SetClock {
            time: Timestamp {
                at: UtcSeconds(f.u32()?),
                quality: f.variant(&TimeQuality::ALL)?,
            },
            tz: read_tz(f)?,
        },
        9 => Request::SetButton {
            action: ButtonAction {
                actor: PartyRef(f.u32()?),
                custody: custody(f)?,
            },
        },
        10 => Request::Goodbye,
        _ => return Err(REFUSED),
    };
    Ok(())
}

/// A record's stored bytes, a list of bytes, into the empty `stored`.
fn stored(f: &mut Fields<'_>, stored: &mut RecordBuf) -> Result<(), Error> {
    let len = f.list_len()?;
    list_items(len, MAX_RECORD_LEN, || {
        let byte = f.byte()?;
        stored.push(byte).map_err(|_| REFUSED)
    })
}

/// A checkpoint's signatures, into the empty `signatures`.
fn signatures(f: &mut Fields<'_>, signatures: &mut List<Signature, 2>) -> Result<(), Error> {
    let len = f.list_len()?;
    list_items(len, 2, || {
        let key = KeyId(f.u32()?);
        let role = f.variant(&SignerRole::ALL)?;
        let signature = <[u8; 64]>::try_from(f.raw(64)?).map_err(|_| REFUSED)?;
        signatures
            .push(Signature {
                key,
                role,
                signature: SignatureBytes::from(signature),
            })
            .map_err(|_| REFUSED)
    })
}

fn custody(f: &mut Fields<'_>) -> Result<Custody, Error> {
    Ok(Custody {
        step: f.variant(BizStep::ALL)?,
        disposition: f.variant(Disposition::ALL)?,
        from: PartyRef(f.u32()?),
        to: PartyRef(f.u32()?),
        seal: match f.tag()? {
            false => None,
            true => Some(Seal {
                number: SealNumber(f.u32()?),
                state: f.variant(&SealState::ALL)?,
            }),
        },
        condition: f.variant(&Condition::ALL)?,
    })
}
