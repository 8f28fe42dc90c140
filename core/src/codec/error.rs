//! Codec errors: each says what was wrong and at which byte offset of the input.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

/// Why bytes could not be decoded as a record, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DecodeError {
    /// Offset of the offending byte (for a field, the last byte read when the field was
    /// rejected; for input that ends early, the end), from the start of the decoder's input.
    pub offset: usize,
    /// What was wrong there.
    pub kind: DecodeErrorKind,
}

with_codes! {
    /// What was wrong with the bytes.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    #[non_exhaustive]
    pub enum DecodeErrorKind, codes DecodeErrorCode {
        /// The input ends inside a record; `needed` more bytes would complete it.
        Truncated {
            /// How many more bytes the record needs.
            needed: usize,
        },
        /// The envelope names a format version this decoder does not know.
        UnsupportedVersion(u8),
        /// The envelope names a record type this format version does not define.
        UnknownRecordType(u8),
        /// The content length is larger than any record can be.
        LengthOutOfRange(u32),
        /// The stored CRC does not match the bytes: they were damaged or torn.
        CrcMismatch {
            /// The CRC stored in the record.
            stored: u32,
            /// The CRC of the bytes as they are.
            computed: u32,
        },
        /// The header flags use a reserved combination.
        BadFlags(u8),
        /// A field could not be read.
        Field {
            /// Which field.
            field: Field,
            /// What was wrong with it.
            problem: Problem,
        },
        /// A field is delta-coded but the decoder has no earlier value to apply it to.
        MissingContext(Field),
        /// The content has bytes left over after its last field.
        TrailingBytes(usize),
    }
}

/// A part of a record, for error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Field {
    /// The content length.
    Length,
    /// The header flags.
    Flags,
    /// The sequence number.
    Seq,
    /// The time.
    Time,
    /// The time-zone offset.
    TzOffset,
    /// The actor.
    Actor,
    /// The location.
    Location,
    /// The seal of a custody record.
    Seal,
    /// The record body.
    Body,
}

wire_order!(Field: Length, Flags, Seq, Time, TzOffset, Actor, Location, Seal, Body);

/// What was wrong with a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Problem {
    /// The content ended inside the field.
    UnexpectedEnd,
    /// A varint is longer than its type allows.
    BadVarint,
    /// An option tag or boolean that is neither 0 nor 1.
    UnknownVariant,
    /// A value outside its allowed range, an enum index that is not defined, or a list longer
    /// than its capacity.
    InvalidValue,
}

wire_order!(Problem: UnexpectedEnd, BadVarint, UnknownVariant, InvalidValue);

/// Why a record could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EncodeError {
    /// The output buffer is too small; a buffer of `needed` bytes always suffices.
    BufferTooSmall {
        /// A size that always suffices.
        needed: usize,
    },
    /// The sequence number space is used up: no record can follow `u32::MAX`.
    SequenceExhausted,
}

impl DecodeError {
    pub(crate) const fn new(offset: usize, kind: DecodeErrorKind) -> Self {
        DecodeError { offset, kind }
    }

    /// The same error with its offset moved `by` bytes later, for records inside a larger input.
    pub const fn shifted(self, by: usize) -> Self {
        DecodeError {
            offset: self.offset + by,
            kind: self.kind,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.kind)
    }
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Truncated { needed } => {
                write!(f, "input ends inside a record ({needed} more bytes needed)")
            }
            Self::UnsupportedVersion(v) => write!(f, "unsupported format version {v}"),
            Self::UnknownRecordType(t) => write!(f, "unknown record type {t}"),
            Self::LengthOutOfRange(len) => write!(f, "record length {len} is out of range"),
            Self::CrcMismatch { stored, computed } => write!(
                f,
                "CRC mismatch: stored {stored:#010x}, computed {computed:#010x} (damaged or torn)"
            ),
            Self::BadFlags(flags) => write!(f, "reserved header flags {flags:#04x}"),
            Self::Field { field, problem } => write!(f, "{field}: {problem}"),
            Self::MissingContext(field) => {
                write!(
                    f,
                    "{field} is delta-coded but no earlier record gives its base"
                )
            }
            Self::TrailingBytes(n) => write!(f, "{n} unused bytes after the last field"),
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Length => "length",
            Self::Flags => "header flags",
            Self::Seq => "sequence number",
            Self::Time => "time",
            Self::TzOffset => "time-zone offset",
            Self::Actor => "actor",
            Self::Location => "location",
            Self::Seal => "seal",
            Self::Body => "body",
        })
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::UnexpectedEnd => "ends early",
            Self::BadVarint => "malformed varint",
            Self::UnknownVariant => "undefined option tag",
            Self::InvalidValue => "undefined or out-of-range value",
        })
    }
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall { needed } => {
                write!(f, "output buffer too small ({needed} bytes always suffice)")
            }
            Self::SequenceExhausted => f.write_str("sequence numbers exhausted"),
        }
    }
}

impl core::error::Error for DecodeError {}
impl core::error::Error for DecodeErrorKind {}
impl core::error::Error for Problem {}
impl core::error::Error for EncodeError {}

impl Problem {
    pub(crate) fn from_postcard(err: postcard::Error) -> Self {
        use postcard::Error as E;
        match err {
            E::DeserializeUnexpectedEnd => Problem::UnexpectedEnd,
            E::DeserializeBadVarint => Problem::BadVarint,
            E::DeserializeBadBool | E::DeserializeBadOption | E::DeserializeBadEnum => {
                Problem::UnknownVariant
            }
            _ => Problem::InvalidValue,
        }
    }
}
