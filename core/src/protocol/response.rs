//! Responses as a tag writes them: field by field, the bytes postcard writes for `Response`'s
//! serde form (`docs/PROTOCOL.md` section 3). On a Cortex-M0 the derived serializers of
//! `Response`, `Status`, `DeltaState`, `Damage` and `Fault` take about 2 KiB of flash more
//! than this; tests hold the two to the same bytes for every response. Readers decode with
//! the serde form.

use super::message::{FixState, Response, Status};
use super::{Fault, Needs};
use crate::codec::{DecodeErrorKind, EncodeError, Writer};
use crate::log::{Damage, DamageReason};
use crate::model::Digest;

/// Writes `response`.
pub(super) fn write(w: &mut Writer<'_>, response: &Response) -> Result<(), EncodeError> {
    // Each variant as postcard writes an enum: its index, then its fields.
    match response {
        Response::Welcome { version, status } => {
            w.put_u32(0)?;
            w.put_byte(*version)?;
            write_status(w, status)
        }
        Response::Identity { stored } => {
            w.put_u32(1)?;
            write_stored(w, stored)
        }
        Response::Status(status) => {
            w.put_u32(2)?;
            write_status(w, status)
        }
        Response::Record {
            offset,
            state,
            stored,
        } => {
            w.put_u32(3)?;
            w.put_u32(*offset)?;
            state.write(w)?;
            write_stored(w, stored)
        }
        Response::Damage(damage) => {
            w.put_u32(4)?;
            write_damage(w, damage)
        }
        Response::End => w.put_u32(5),
        Response::Appended { seq, head } => {
            w.put_u32(6)?;
            w.put_u32(seq.0)?;
            write_digest(w, head)
        }
        Response::Done => w.put_u32(7),
        Response::Error(fault) => {
            w.put_u32(8)?;
            write_fault(w, fault)
        }
    }
}

/// Writes `answer`: the response, or [`Response::Error`] with the fault, without building the
/// response that holds the fault (a response may hold a record, which would be copied).
pub(super) fn write_answer(
    w: &mut Writer<'_>,
    answer: &Result<Response, Fault>,
) -> Result<(), EncodeError> {
    match answer {
        Ok(response) => write(w, response),
        Err(fault) => {
            w.put_u32(8)?;
            write_fault(w, fault)
        }
    }
}

/// A record's stored bytes, as postcard writes a list of bytes: its length, then the bytes.
fn write_stored(w: &mut Writer<'_>, stored: &[u8]) -> Result<(), EncodeError> {
    w.put_u32(stored.len() as u32)?;
    w.put_bytes(stored)
}

fn write_digest(w: &mut Writer<'_>, digest: &Digest) -> Result<(), EncodeError> {
    w.put_bytes(digest.as_array())
}

fn write_status(w: &mut Writer<'_>, status: &Status) -> Result<(), EncodeError> {
    w.put_u32(status.indication as u32)?;
    w.put_u32(status.count)?;
    write_digest(w, &status.head)?;
    w.put_u32(status.free_bytes)?;
    w.put_u32(status.capacity)?;
    w.put_u32(status.damage)?;
    w.put_tag(status.time.is_some())?;
    if let Some(time) = status.time {
        w.put_u32(time.at.0)?;
        w.put_u32(time.quality as u32)?;
    }
    match status.fix {
        FixState::None => w.put_u32(0),
        FixState::Fresh => w.put_u32(1),
        FixState::Stale { age_s } => {
            w.put_u32(2)?;
            w.put_u32(age_s)
        }
    }
}

fn write_damage(w: &mut Writer<'_>, damage: &Damage) -> Result<(), EncodeError> {
    w.put_u32(damage.offset)?;
    w.put_optional_u32(damage.seq.map(|seq| seq.0))?;
    match damage.reason {
        DamageReason::BitFlipRepaired { bit } => {
            w.put_u32(0)?;
            w.put_u32(bit)
        }
        DamageReason::Unreadable(kind) => {
            w.put_u32(1)?;
            write_decode_error(w, &kind)
        }
        DamageReason::MissingRecords => w.put_u32(2),
        DamageReason::SegmentHeader => w.put_u32(3),
        DamageReason::IdentityCopy => w.put_u32(4),
        DamageReason::TornAppend => w.put_u32(5),
    }
}

fn write_decode_error(w: &mut Writer<'_>, kind: &DecodeErrorKind) -> Result<(), EncodeError> {
    match *kind {
        // Serde writes a `usize` as a `u64`; its varint is the same for any value.
        DecodeErrorKind::Truncated { needed } => {
            w.put_u32(0)?;
            w.put_u64(needed as u64)
        }
        DecodeErrorKind::UnsupportedVersion(version) => {
            w.put_u32(1)?;
            w.put_byte(version)
        }
        DecodeErrorKind::UnknownRecordType(code) => {
            w.put_u32(2)?;
            w.put_byte(code)
        }
        DecodeErrorKind::LengthOutOfRange(len) => {
            w.put_u32(3)?;
            w.put_u32(len)
        }
        DecodeErrorKind::CrcMismatch { stored, computed } => {
            w.put_u32(4)?;
            w.put_u32(stored)?;
            w.put_u32(computed)
        }
        DecodeErrorKind::BadFlags(flags) => {
            w.put_u32(5)?;
            w.put_byte(flags)
        }
        DecodeErrorKind::Field { field, problem } => {
            w.put_u32(6)?;
            w.put_u32(field as u32)?;
            w.put_u32(problem as u32)
        }
        DecodeErrorKind::MissingContext(field) => {
            w.put_u32(7)?;
            w.put_u32(field as u32)
        }
        DecodeErrorKind::TrailingBytes(n) => {
            w.put_u32(8)?;
            w.put_u64(n as u64)
        }
    }
}

fn write_fault(w: &mut Writer<'_>, fault: &Fault) -> Result<(), EncodeError> {
    let index = Writer::put_u32;
    match *fault {
        Fault::BadFrame => index(w, 0),
        Fault::BadCrc => index(w, 1),
        Fault::Truncated => index(w, 2),
        Fault::Oversized { limit } => {
            index(w, 3)?;
            w.put_u32(limit.into())
        }
        Fault::UnsupportedVersion { got, supported } => {
            index(w, 4)?;
            w.put_byte(got)?;
            w.put_byte(supported)
        }
        Fault::UnknownMessage { code } => {
            index(w, 5)?;
            w.put_u32(code)
        }
        Fault::Malformed { code } => {
            index(w, 6)?;
            w.put_u32(code)
        }
        Fault::OutOfOrder { needs } => {
            index(w, 7)?;
            w.put_u32(match needs {
                Needs::Hello => 0u32,
                Needs::Read => 1,
            })
        }
        Fault::NotCommissioned => index(w, 8),
        Fault::AlreadyCommissioned => index(w, 9),
        Fault::NotBlank => index(w, 10),
        Fault::NotAllowed => index(w, 11),
        Fault::WrongSeq { expected, got } => {
            index(w, 12)?;
            w.put_u32(expected.0)?;
            w.put_u32(got.0)
        }
        Fault::CheckpointMismatch { count, head } => {
            index(w, 13)?;
            w.put_u32(count)?;
            write_digest(w, &head)
        }
        Fault::Unsigned => index(w, 14),
        Fault::LogFull => index(w, 15),
        Fault::RecordTooLarge => index(w, 16),
        Fault::BadRecord => index(w, 17),
        Fault::NoButtonAction => index(w, 18),
        Fault::Storage => index(w, 19),
        Fault::Clock => index(w, 20),
        Fault::Undecodable { at, kind } => {
            index(w, 21)?;
            w.put_u32(at.into())?;
            write_decode_error(w, &kind)
        }
    }
}
