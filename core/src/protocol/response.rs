//! Responses as a tag writes them: field by field, the bytes postcard writes for `Response`'s
//! serde form (`docs/PROTOCOL.md` section 3). On a Cortex-M0 the derived serializers of
//! `Response`, `Status`, `DeltaState`, `Damage` and `Fault` take about 2 KiB of flash more
//! than this; tests hold the two to the same bytes for every response. Readers decode with
//! the serde form.

use super::message::{Fault, FixState, Response, ResponseCode, Status};
use crate::codec::postcard_wire::Writer;
use crate::codec::{DecodeErrorKind, DeltaState};
use crate::log::{Damage, DamageReason};
use crate::model::{Digest, Seq};

/// A response written into the writer that wrote it, whose [`finish`](Writer::finish) says
/// whether it fitted: when it did not, no frame is sent.
#[must_use]
pub(crate) struct Written;

/// Writes `response`.
pub(super) fn write(w: &mut Writer<'_>, response: &Response) -> Written {
    match response {
        Response::Welcome { version, status } => welcome(w, *version, status),
        Response::Identity { stored } => identity(w, stored),
        Response::Status(status) => status_of(w, status),
        Response::Record {
            offset,
            state,
            stored,
        } => record(w, *offset, state, stored),
        Response::Damage(damage) => damage_found(w, damage),
        Response::End => end(w),
        Response::Appended { seq, head } => appended(w, *seq, head),
        Response::Done => done(w),
        Response::Error(fault) => error(w, fault),
    }
}

// Each response as postcard writes an enum variant: its index, then its fields. A tag writes
// each response with the one of these that it stands for, without building the `Response`.

/// Writes [`Response::Welcome`].
pub(crate) fn welcome(w: &mut Writer<'_>, version: u8, status: &Status) -> Written {
    w.u32(ResponseCode::Welcome.index());
    w.byte(version);
    write_status(w, status);
    Written
}

/// Writes [`Response::Identity`].
pub(crate) fn identity(w: &mut Writer<'_>, stored: &[u8]) -> Written {
    w.u32(ResponseCode::Identity.index());
    write_stored(w, stored);
    Written
}

/// Writes [`Response::Status`].
pub(crate) fn status_of(w: &mut Writer<'_>, status: &Status) -> Written {
    w.u32(ResponseCode::Status.index());
    write_status(w, status);
    Written
}

/// Writes [`Response::Record`].
pub(crate) fn record(
    w: &mut Writer<'_>,
    offset: u32,
    state: &DeltaState,
    stored: &[u8],
) -> Written {
    w.u32(ResponseCode::Record.index());
    w.u32(offset);
    state.put(w);
    write_stored(w, stored);
    Written
}

/// Writes [`Response::Damage`].
pub(crate) fn damage_found(w: &mut Writer<'_>, damage: &Damage) -> Written {
    w.u32(ResponseCode::Damage.index());
    write_damage(w, damage);
    Written
}

/// Writes [`Response::End`].
pub(crate) fn end(w: &mut Writer<'_>) -> Written {
    w.u32(ResponseCode::End.index());
    Written
}

/// Writes [`Response::Appended`].
pub(crate) fn appended(w: &mut Writer<'_>, seq: Seq, head: &Digest) -> Written {
    w.u32(ResponseCode::Appended.index());
    w.u32(seq.0);
    write_digest(w, head);
    Written
}

/// Writes [`Response::Done`].
pub(crate) fn done(w: &mut Writer<'_>) -> Written {
    w.u32(ResponseCode::Done.index());
    Written
}

/// Writes [`Response::Error`].
pub(crate) fn error(w: &mut Writer<'_>, fault: &Fault) -> Written {
    w.u32(ResponseCode::Error.index());
    write_fault(w, fault);
    Written
}

/// A record's stored bytes, as postcard writes a list of bytes: its length, then the bytes.
fn write_stored(w: &mut Writer<'_>, stored: &[u8]) {
    w.u32(stored.len() as u32);
    w.bytes(stored)
}

fn write_digest(w: &mut Writer<'_>, digest: &Digest) {
    w.bytes(digest.as_array())
}

fn write_status(w: &mut Writer<'_>, status: &Status) {
    w.u32(status.indication.index());
    w.u32(status.count);
    write_digest(w, &status.head);
    w.u32(status.free_bytes);
    w.u32(status.capacity);
    w.u32(status.damage);
    w.tag(status.time.is_some());
    if let Some(time) = status.time {
        w.u32(time.at.0);
        w.u32(time.quality.index());
    }
    // The fix's variant index, then its fields.
    w.u32(status.fix.code().index());
    match status.fix {
        FixState::Stale { age_s } => w.u32(age_s),
        FixState::None | FixState::Fresh => {}
    }
}

fn write_damage(w: &mut Writer<'_>, damage: &Damage) {
    w.u32(damage.offset);
    w.optional_u32(damage.seq.map(|seq| seq.0));
    // The variant's code, then its fields.
    w.u32(damage.reason.code().index());
    match &damage.reason {
        DamageReason::BitFlipRepaired { bit } => w.u32(*bit),
        DamageReason::Unreadable(kind) => write_decode_error(w, kind),
        DamageReason::MissingRecords
        | DamageReason::SegmentHeader
        | DamageReason::IdentityCopy
        | DamageReason::TornAppend
        | DamageReason::HeaderCopy => {}
    }
}

fn write_decode_error(w: &mut Writer<'_>, kind: &DecodeErrorKind) {
    // The variant's index, written once for all of them, then its fields.
    w.u32(kind.code().index());
    match kind {
        // Serde writes a `usize` as a `u64`; its varint is the same for any value.
        DecodeErrorKind::Truncated { needed: n } | DecodeErrorKind::TrailingBytes(n) => {
            w.u64(*n as u64)
        }
        DecodeErrorKind::UnsupportedVersion(byte)
        | DecodeErrorKind::UnknownRecordType(byte)
        | DecodeErrorKind::BadFlags(byte) => w.byte(*byte),
        DecodeErrorKind::LengthOutOfRange(len) => w.u32(*len),
        DecodeErrorKind::CrcMismatch { stored, computed } => {
            w.u32(*stored);
            w.u32(*computed)
        }
        DecodeErrorKind::Field { field, problem } => {
            w.u32(field.index());
            w.u32(problem.index())
        }
        DecodeErrorKind::MissingContext(field) => w.u32(field.index()),
    }
}

fn write_fault(w: &mut Writer<'_>, fault: &Fault) {
    // The variant's index, written once for all of them, then its fields.
    w.u32(fault.code().index());
    match fault {
        Fault::Oversized { limit } => w.u32((*limit).into()),
        Fault::UnsupportedVersion { got, supported } => {
            w.byte(*got);
            w.byte(*supported)
        }
        Fault::UnknownMessage { code } | Fault::Malformed { code } => w.u32(*code),
        Fault::OutOfOrder { needs } => w.u32(needs.index()),
        Fault::WrongSeq { expected, got } => {
            w.u32(expected.0);
            w.u32(got.0)
        }
        Fault::CheckpointMismatch { count, head } => {
            w.u32(*count);
            write_digest(w, head)
        }
        Fault::Undecodable { at, kind } => {
            w.u32((*at).into());
            write_decode_error(w, kind)
        }
        Fault::BadFrame
        | Fault::BadCrc
        | Fault::Truncated
        | Fault::NotCommissioned
        | Fault::AlreadyCommissioned
        | Fault::NotBlank
        | Fault::NotAllowed
        | Fault::Unsigned
        | Fault::LogFull
        | Fault::RecordTooLarge
        | Fault::BadRecord
        | Fault::NoButtonAction
        | Fault::Storage
        | Fault::Clock => {}
    }
}
