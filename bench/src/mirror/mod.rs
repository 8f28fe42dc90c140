//! Comparison mirrors of the remtag record model, for formats whose Rust libraries need types of
//! their own: CBOR through `minicbor`'s derives and protobuf through `prost`'s.
//!
//! These types exist only to measure what the same information costs in those formats. They are
//! not part of remtag and nothing reads them back into the model. Each mirror carries every field
//! of a [`remtag::Record`], field for field, and is laid out as compactly as its library allows:
//!
//! - references, sequence numbers, counts and codes are integers in the format's smallest
//!   integer form (CBOR's one-byte small integers, protobuf varints, zigzag for signed values);
//! - the closed vocabularies (business step, disposition, seal state, ...) are their variant
//!   index, as `minicbor`'s `index_only` enums and protobuf enums are on the wire;
//! - fixed byte strings (EPC, chip UID, hashes, signatures) are byte strings, not lists of
//!   numbers;
//! - the header fields sit directly in the record, not in a nested header structure.
//!
//! The conversions destructure every model struct without `..`, so a field added to the model
//! fails to compile here until the mirrors carry it too.

pub mod cbor;
pub mod proto;

use remtag::model::{Seal, Timestamp};

/// A record's time as the mirrors carry it: the seconds, present when the time is, and the
/// time-quality index (0 when there is no time).
pub(crate) fn split_time(time: Option<Timestamp>) -> (Option<u32>, u8) {
    match time {
        Some(Timestamp { at, quality }) => (Some(at.0), quality as u8),
        None => (None, 0),
    }
}

/// A custody seal as the mirrors carry it: the number, present when there is a seal, and the
/// seal-state index (0 when there is no seal).
pub(crate) fn split_seal(seal: Option<Seal>) -> (Option<u32>, u8) {
    match seal {
        Some(Seal { number, state }) => (Some(number.0), state as u8),
        None => (None, 0),
    }
}
