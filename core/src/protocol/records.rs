//! Records a reader sends for the tag to store: in the stored format (`docs/FORMAT.md`),
//! encoded as the first record of a log, so that each decodes on its own. The tag decodes it
//! with the same codec that reads its log, and stores it coded against the records before it.

use super::message::Fault;
use crate::codec::{self, DecodeError, DeltaState, EncodeError, RecordBuf, StoredBody};
use crate::model::{Header, Record};

/// `record` as a reader sends it in [`Request::Append`](super::Request::Append) and
/// [`Request::Commission`](super::Request::Commission).
pub fn encode_record(record: &Record) -> Result<RecordBuf, EncodeError> {
    codec::encode_to_buf(record, &mut DeltaState::default())
}

/// The record a reader sent, as its header and its body in stored form; it must decode on its
/// own and be whole, else [`Fault::Undecodable`] says where and why it does not.
pub fn read_record(stored: &[u8]) -> Result<(Header, StoredBody<'_>), Fault> {
    codec::read_stored(stored).map_err(|e| undecodable(&e))
}

/// The fault that tells a reader why the record it sent does not decode.
pub(crate) fn undecodable(e: &DecodeError) -> Fault {
    Fault::Undecodable {
        at: u16::try_from(e.offset).unwrap_or(u16::MAX),
        kind: e.kind,
    }
}
