//! What can go wrong with a log, and what damage looks like.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::codec::{DecodeErrorKind, EncodeError};
use crate::model::Seq;

/// Why a log operation failed. Nothing already stored is lost by a failed operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LogError<E> {
    /// The memory failed.
    Medium(E),
    /// The memory holds no intact identity: it was never formatted, or formatting was cut.
    Unformatted,
    /// The identity record is intact but is not a commission record with sequence number 0.
    BadIdentity,
    /// The memory and the configuration do not make a layout; says why.
    BadLayout(LayoutProblem),
    /// No segment is free: the log refuses the append. Nothing is ever overwritten.
    LogFull,
    /// The record cannot fit even an empty segment of this layout.
    RecordTooLarge,
    /// The record's sequence number is not the next one.
    WrongSeq {
        /// The sequence number the log expects.
        expected: Seq,
        /// The one the record has.
        got: Seq,
    },
    /// The first record of a log must be a commission record, and only the first.
    NotACommission,
    /// The record could not be encoded.
    Encode(EncodeError),
    /// Reclamation refused; says why.
    ReclaimRefused(ReclaimProblem),
    /// The medium holds a log of an older layout version, which this log reads but does not
    /// write: appending or reclaiming would mix two layouts on one medium.
    OlderLayout {
        /// The layout version on the medium.
        version: u8,
    },
    /// Damage stops this read; the damage says where.
    Damaged(Damage),
}

/// Why a memory and a configuration do not make a layout. A code rather than a message, so
/// that a tag's flash holds no text for it; `Display` gives the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LayoutProblem {
    /// The medium's write size is 0 or more than 16 bytes.
    WriteSize,
    /// The erase size is not a multiple of the write size.
    EraseSize,
    /// An identity slot or a segment is not a whole number of erase blocks.
    NotWholeBlocks,
    /// Segments are smaller than the smallest allowed.
    SegmentsTooSmall,
    /// The medium cannot hold two identity slots and a segment.
    MediumTooSmall,
    /// The identity record does not fit its slot.
    IdentityTooLarge,
    /// A segment header does not fit its segment.
    SegmentHeaderTooLarge,
    /// A record does not fit the record buffer.
    RecordBuffer,
}

impl fmt::Display for LayoutProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::WriteSize => "write size must be 1 to 16 bytes",
            Self::EraseSize => "erase size must be a multiple of the write size",
            Self::NotWholeBlocks => "slots and segments must be whole erase blocks",
            Self::SegmentsTooSmall => "segments are too small",
            Self::MediumTooSmall => "the medium is too small for two identity slots and a segment",
            Self::IdentityTooLarge => "the identity record does not fit its slot",
            Self::SegmentHeaderTooLarge => "segment header does not fit",
            Self::RecordBuffer => "record buffer",
        })
    }
}

/// Why a reclamation was refused. A code rather than a message, so that a tag's flash holds
/// no text for it; `Display` gives the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ReclaimProblem {
    /// No record of that sequence number is in the log.
    NoSuchRecord,
    /// The record is not a checkpoint over the chain of every record before it.
    NotACheckpoint,
    /// The checkpoint's segment holds damage before the checkpoint, or the checkpoint itself
    /// was repaired: the chain head it is checked against cannot be trusted.
    Damage,
    /// A segment header after the first has no start state.
    NoStart,
    /// The identity's generation counter is at its end.
    GenerationsExhausted,
}

impl fmt::Display for ReclaimProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoSuchRecord => "no such record",
            Self::NotACheckpoint => {
                "the record is not a checkpoint over the chain of every record before it"
            }
            Self::Damage => "damage near the checkpoint",
            Self::NoStart => "a segment header has no start",
            Self::GenerationsExhausted => "the identity cannot be written again",
        })
    }
}

/// A place where stored bytes are not what was written: evidence, always reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Damage {
    /// Offset on the medium.
    pub offset: u32,
    /// The sequence number of the damaged record, when it is known.
    pub seq: Option<Seq>,
    /// What is wrong.
    pub reason: DamageReason,
}

with_codes! {
/// What is wrong at a damaged place. The order of the variants is their wire code in the
/// reader protocol and never changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DamageReason, codes DamageCode {
    /// One bit had flipped; the record was repaired from its CRC and is intact again.
    BitFlipRepaired {
        /// The flipped bit, counted from the record's first byte.
        bit: u32,
    },
    /// The record cannot be read; the rest of its segment cannot be decoded without it.
    Unreadable(DecodeErrorKind),
    /// Records are missing: the segment's valid records end earlier than the next segment's
    /// header says, or bytes that read as the end of the data come before records of the
    /// segment.
    MissingRecords,
    /// A segment header is unreadable; its records cannot be located.
    SegmentHeader,
    /// One of the two identity copies is unreadable (the other is intact and was used).
    IdentityCopy,
    /// The last record of the newest segment is incomplete: an append cut by power loss,
    /// never acknowledged.
    TornAppend,
    /// One copy of a segment header is unreadable or differs from the other, which was used.
    HeaderCopy,
}
}

impl Damage {
    /// Whether this may be what a power cut left, rather than damage: a torn append, never
    /// acknowledged; or an identity copy that is not intact while the other one was, which a
    /// cut rewrite of the copies leaves (reclaiming and mount's own repairs rewrite them) just
    /// as decay would, and which mount rewrote from the intact one. Either is reported; neither
    /// loses anything, and neither counts as damage.
    pub fn may_be_a_power_cut(&self) -> bool {
        self.reason == DamageReason::TornAppend || self.seq == Some(Seq(0))
    }
}

impl DamageReason {
    /// Whether every record reads whole despite this damage: a bit repaired, one copy damaged
    /// and its twin used, or a torn append, which was never acknowledged. Otherwise records
    /// are missing or cannot be decoded.
    pub fn leaves_records_whole(&self) -> bool {
        matches!(
            self,
            Self::BitFlipRepaired { .. } | Self::HeaderCopy | Self::IdentityCopy | Self::TornAppend
        )
    }
}

impl<E: fmt::Debug> fmt::Display for LogError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Medium(e) => write!(f, "memory error: {e:?}"),
            Self::Unformatted => f.write_str("no intact identity: the tag is not formatted"),
            Self::BadIdentity => f.write_str("the identity is not a commission record"),
            Self::BadLayout(why) => write!(f, "bad layout: {why}"),
            Self::LogFull => f.write_str("log full: append refused, nothing overwritten"),
            Self::RecordTooLarge => f.write_str("the record is larger than a segment can hold"),
            Self::WrongSeq { expected, got } => {
                write!(
                    f,
                    "record has sequence number {got}, the log expects {expected}"
                )
            }
            Self::NotACommission => {
                f.write_str("the first record must be a commission, and only the first")
            }
            Self::Encode(e) => write!(f, "cannot encode: {e}"),
            Self::ReclaimRefused(why) => write!(f, "reclamation refused: {why}"),
            Self::OlderLayout { version } => write!(
                f,
                "the memory holds layout version {version}, which is read but not written"
            ),
            Self::Damaged(d) => write!(f, "{d}"),
        }
    }
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "damage at offset {}", self.offset)?;
        if let Some(seq) = self.seq {
            write!(f, " (record {seq})")?;
        }
        match self.reason {
            DamageReason::BitFlipRepaired { bit } => write!(f, ": bit {bit} flipped, repaired"),
            DamageReason::Unreadable(kind) => write!(f, ": unreadable: {kind}"),
            DamageReason::MissingRecords => f.write_str(": records missing"),
            DamageReason::SegmentHeader => f.write_str(": segment header unreadable"),
            DamageReason::IdentityCopy => f.write_str(": one identity copy unreadable"),
            DamageReason::TornAppend => f.write_str(": torn append, never acknowledged"),
            DamageReason::HeaderCopy => f.write_str(": one segment header copy damaged"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for LogError<E> {}
impl core::error::Error for LayoutProblem {}
impl core::error::Error for ReclaimProblem {}

/// What kind of failure a [`LogError`] is, whatever the memory's own error type: code that is
/// generic over every medium can act on it, as embedded-hal's error kinds let a driver act on
/// any HAL's errors. The memory's own error, in [`LogError::Medium`], says more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum LogErrorKind {
    /// The memory failed.
    Medium,
    /// The memory holds no log to mount: no intact identity, or one that is not a commission.
    NoLog,
    /// The memory and the configuration do not make a layout.
    Layout,
    /// No segment is free; nothing was overwritten.
    Full,
    /// The log refused the request: a record that does not fit, is out of sequence or cannot
    /// be encoded, a reclamation it cannot vouch for, or a write to an older layout. Nothing
    /// changed.
    Refused,
    /// Stored bytes are damaged where the operation needed them.
    Damaged,
    /// A failure of another kind.
    Other,
}

impl<E> LogError<E> {
    /// What kind of failure this is.
    ///
    /// ```
    /// use remtag::log::{LogError, LogErrorKind};
    ///
    /// let full: LogError<()> = LogError::LogFull;
    /// assert_eq!(full.kind(), LogErrorKind::Full);
    /// ```
    pub fn kind(&self) -> LogErrorKind {
        match self {
            Self::Medium(_) => LogErrorKind::Medium,
            Self::Unformatted | Self::BadIdentity => LogErrorKind::NoLog,
            Self::BadLayout(_) => LogErrorKind::Layout,
            Self::LogFull => LogErrorKind::Full,
            Self::RecordTooLarge
            | Self::WrongSeq { .. }
            | Self::NotACommission
            | Self::Encode(_)
            | Self::ReclaimRefused(_)
            | Self::OlderLayout { .. } => LogErrorKind::Refused,
            Self::Damaged(_) => LogErrorKind::Damaged,
        }
    }
}
