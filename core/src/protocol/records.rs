//! Records a reader sends for the tag to store: in the stored format (`docs/FORMAT.md`),
//! encoded as the first record of a log, so that each decodes on its own. The tag decodes it
//! with the same codec that reads its log, and stores it coded against the records before it.

use super::Fault;
use crate::codec::{self, DecodeErrorKind, DeltaState, EncodeError, RecordBuf};
use crate::model::Record;

/// `record` as a reader sends it in [`Request::Append`](super::Request::Append) and
/// [`Request::Commission`](super::Request::Commission).
pub fn encode_record(record: &Record) -> Result<RecordBuf, EncodeError> {
    codec::encode_to_buf(record, &mut DeltaState::default())
}

/// The record a reader sent; it must decode on its own and be whole, else
/// [`Fault::Undecodable`] says where and why it does not.
pub fn decode_record(stored: &[u8]) -> Result<Record, Fault> {
    let undecodable = |at: usize, kind| Fault::Undecodable {
        at: u16::try_from(at).unwrap_or(u16::MAX),
        kind,
    };
    match codec::decode(stored, &mut DeltaState::default()) {
        Ok((record, used)) if used == stored.len() => Ok(record),
        Ok((_, used)) => Err(undecodable(
            used,
            DecodeErrorKind::TrailingBytes(stored.len().saturating_sub(used)),
        )),
        Err(e) => Err(undecodable(e.offset, e.kind)),
    }
}
