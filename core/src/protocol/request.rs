//! Requests as a tag reads them: field by field, as postcard reads `Request`'s serde form
//! (`docs/PROTOCOL.md` section 3), failing where and as it fails. On a Cortex-M0 the derived
//! deserializer of `Request` and the checkpoint and custody step in it takes about 1.5 KiB of
//! flash more than this; tests hold the two to the same request, or the same fault, for every
//! request and every change of one. Readers write requests with the serde form.

use postcard::Error;

use super::message::{ButtonAction, Request, RequestCode};
use crate::codec::model_fields::{read_bytes, read_tz};
use crate::codec::postcard_wire::{Fields, REFUSED, copy_into, list_items};
use crate::codec::{MAX_RECORD_LEN, RecordBuf};
use crate::model::{
    BizStep, Checkpoint, Condition, Custody, Digest, Disposition, KeyId, List, PartyRef, Seal,
    SealNumber, SealState, Seq, Signature, SignatureBytes, SignerRole, TimeQuality, Timestamp,
    UtcSeconds,
};

/// Reads the request of message code `code`, whose fields `f` reads next, into `out`; returns
/// postcard's error, if any. On an error `out` holds some request, not a meaningful one.
///
/// The requests with a record or a checkpoint are filled in where they lie: built and then
/// moved, their buffers would be copied several times.
pub(super) fn read_into(code: u32, f: &mut Fields<'_>, out: &mut Request) -> Result<(), Error> {
    let code = RequestCode::from_index(code).ok_or(REFUSED)?;
    // The variant's fields.
    *out = match code {
        // The two requests of one number.
        RequestCode::Hello | RequestCode::Read => {
            let number = f.u32()?;
            match code {
                RequestCode::Hello => Request::Hello {
                    actor: PartyRef(number),
                },
                _ => Request::Read { from: Seq(number) },
            }
        }
        RequestCode::Identity => Request::Identity,
        RequestCode::Status => Request::Status,
        RequestCode::ReadNext => Request::ReadNext,
        RequestCode::Append | RequestCode::Commission => {
            let stored = RecordBuf::new();
            *out = match code {
                RequestCode::Append => Request::Append { stored },
                _ => Request::Commission { stored },
            };
            return match out {
                Request::Append { stored: buf } | Request::Commission { stored: buf } => {
                    self::stored(f, buf)
                }
                _ => Err(REFUSED),
            };
        }
        RequestCode::Checkpoint => {
            // Each field is read below, where it lies.
            *out = Request::Checkpoint {
                checkpoint: Checkpoint {
                    count: 0,
                    head: Digest::default(),
                    signatures: List::new(),
                },
            };
            return match out {
                Request::Checkpoint { checkpoint } => {
                    checkpoint.count = f.u32()?;
                    read_bytes(f, &mut checkpoint.head)?;
                    signatures(f, &mut checkpoint.signatures)
                }
                _ => Err(REFUSED),
            };
        }
        RequestCode::SetClock => Request::SetClock {
            time: Timestamp {
                at: UtcSeconds(f.u32()?),
                quality: f.variant(TimeQuality::from_index)?,
            },
            tz: read_tz(f)?,
        },
        RequestCode::SetButton => Request::SetButton {
            action: ButtonAction {
                actor: PartyRef(f.u32()?),
                custody: custody(f)?,
            },
        },
        RequestCode::Goodbye => Request::Goodbye,
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
        let role = f.variant(SignerRole::from_index)?;
        let bytes = f.raw(64)?;
        signatures
            .push(Signature {
                key,
                role,
                signature: SignatureBytes::default(),
            })
            .map_err(|_| REFUSED)?;
        let signature = signatures.last_mut().ok_or(REFUSED)?;
        copy_into(&mut signature.signature.0, bytes).ok_or(REFUSED)
    })
}

fn custody(f: &mut Fields<'_>) -> Result<Custody, Error> {
    Ok(Custody {
        step: f.variant(BizStep::from_index)?,
        disposition: f.variant(Disposition::from_index)?,
        from: PartyRef(f.u32()?),
        to: PartyRef(f.u32()?),
        seal: match f.tag()? {
            false => None,
            true => Some(Seal {
                number: SealNumber(f.u32()?),
                state: f.variant(SealState::from_index)?,
            }),
        },
        condition: f.variant(Condition::from_index)?,
    })
}
