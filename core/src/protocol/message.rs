//! The requests and responses of protocol version 2.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::codec::{DecodeErrorKind, DeltaState, RecordBuf};
use crate::log::Damage;
use crate::model::{Checkpoint, Custody, Digest, PartyRef, Seq, Timestamp, TzOffset};

with_codes! {
    /// What a reader asks. The order of the variants is their wire code and never changes.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    #[allow(clippy::large_enum_variant, reason = "no heap: messages move by value")]
    pub enum Request, codes RequestCode {
        /// Opens a session for `actor`, the party holding the reader. Answered with
        /// [`Response::Welcome`].
        Hello {
            /// Who is reading; records the tag makes in this session name them.
            actor: PartyRef,
        },
        /// The identity record. Answered with [`Response::Identity`].
        Identity,
        /// The tag's state. Answered with [`Response::Status`].
        Status,
        /// Starts reading the log at sequence number `from`. Answered with the first entry.
        Read {
            /// The first sequence number wanted; 0 reads the identity too.
            from: Seq,
        },
        /// The entry after the last one sent. Answered with [`Response::Record`],
        /// [`Response::Damage`] or [`Response::End`].
        ReadNext,
        /// Appends a record prepared by the reader; its sequence number must be the next one.
        /// Answered with [`Response::Appended`].
        Append {
            /// The record in the stored format, encoded as the first record of a log (against
            /// `DeltaState::default()`), so that it decodes on its own. The tag stores it coded
            /// against the records before it.
            stored: RecordBuf,
        },
        /// Appends a checkpoint signed by the custodians. Its count and head must be the tag's
        /// own; the tag stamps time, place and the session's actor. Answered with
        /// [`Response::Appended`].
        Checkpoint {
            /// The checkpoint.
            checkpoint: Checkpoint,
        },
        /// Gives a blank tag its identity. Answered with [`Response::Appended`] (sequence 0).
        Commission {
            /// The commission record, sequence number 0, in the stored format.
            stored: RecordBuf,
        },
        /// Sets the tag's clock from the reader's (network or manually entered) time, and the
        /// local time-zone offset the tag writes into its records. Answered with
        /// [`Response::Done`].
        SetClock {
            /// The time now and how the reader knows it.
            time: Timestamp,
            /// The local offset.
            tz: TzOffset,
        },
        /// Sets what a press of the tag's button records from now on. Answered with
        /// [`Response::Done`].
        SetButton {
            /// The custody step a press records.
            action: ButtonAction,
        },
        /// Ends the session. Answered with [`Response::Done`].
        Goodbye,
    }
}

with_codes! {
    /// What a tag answers. The order of the variants is their wire code and never changes.
    #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    #[allow(clippy::large_enum_variant, reason = "no heap: messages move by value")]
    pub enum Response, codes ResponseCode {
        /// The session is open.
        Welcome {
            /// The protocol version the tag speaks.
            version: u8,
            /// Its state.
            status: Status,
        },
        /// The identity record as stored: the first link of the chain.
        Identity {
            /// Its stored bytes.
            stored: RecordBuf,
        },
        /// The tag's state.
        Status(Status),
        /// A record as stored, with the codec state that decodes it.
        Record {
            /// Where it is stored.
            offset: u32,
            /// The state its delta-coded header is read against.
            state: DeltaState,
            /// Its stored bytes, which the chain hashes.
            stored: RecordBuf,
        },
        /// Damage found while reading; the records it makes unreadable are not sent.
        Damage(Damage),
        /// Nothing more to read.
        End,
        /// A record is durable.
        Appended {
            /// Its sequence number.
            seq: Seq,
            /// The chain head after it.
            head: Digest,
        },
        /// Done.
        Done,
        /// The request was refused; nothing was stored.
        Error(Fault),
    }
}

/// What a tag says about itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Status {
    /// What its LED shows.
    pub indication: Indication,
    /// Records held, the identity included: the next record's sequence number (0 when blank).
    pub count: u32,
    /// The chain head over those records.
    pub head: Digest,
    /// Bytes free for records.
    pub free_bytes: u32,
    /// Bytes for records in all.
    pub capacity: u32,
    /// Damage reports found when the tag last started.
    pub damage: u32,
    /// The tag's clock, `None` when it is not set.
    pub time: Option<Timestamp>,
    /// Its position fix.
    pub fix: FixState,
}

/// What the tag's LED shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Indication {
    /// Not commissioned yet.
    Blank,
    /// Working.
    Ok,
    /// The log is full: appends are refused until old records are archived.
    Full,
    /// The log holds damage (always reported to readers).
    Damaged,
    /// The memory or a peripheral failed, or the memory holds something that is not a log.
    Error,
}

wire_order!(Indication: Blank, Ok, Full, Damaged, Error);

with_codes! {
    /// The state of the tag's GNSS position.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub enum FixState, codes FixCode {
        /// No fix since the tag started.
        None,
        /// A current fix.
        Fresh,
        /// The last fix is too old to say where the container is now.
        Stale {
            /// Its age in seconds.
            age_s: u32,
        },
    }
}

/// What a press of the button records: a custody step, made by `actor`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ButtonAction {
    /// Who presses the button.
    pub actor: PartyRef,
    /// The step recorded.
    pub custody: Custody,
}

with_codes! {
    /// Why a request was refused. Nothing is stored by a refused request.
    ///
    /// A later protocol version may add faults, so a reader's match needs a `_` arm.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    #[non_exhaustive]
    pub enum Fault, codes FaultCode {
        /// The frame is not valid COBS.
        BadFrame,
        /// The frame's CRC does not match its contents.
        BadCrc,
        /// The frame is shorter than its message.
        Truncated,
        /// The frame is longer than any message.
        Oversized {
            /// The longest frame accepted, delimiter included.
            limit: u16,
        },
        /// The frame is of a protocol version the tag does not speak.
        UnsupportedVersion {
            /// The version in the frame.
            got: u8,
            /// The version the tag speaks.
            supported: u8,
        },
        /// The message code is not one this version knows.
        UnknownMessage {
            /// The code.
            code: u32,
        },
        /// A known message whose fields do not decode (a value out of range, bytes left over).
        Malformed {
            /// The message code.
            code: u32,
        },
        /// The request is valid but not now.
        OutOfOrder {
            /// What must come first.
            needs: Needs,
        },
        /// The tag has no identity yet: commission it first.
        NotCommissioned,
        /// The tag already has an identity; it is never replaced.
        AlreadyCommissioned,
        /// The memory holds records but no readable identity; the tag refuses to erase them.
        NotBlank,
        /// This record type cannot be appended with this request.
        NotAllowed,
        /// The record's sequence number is not the next one.
        WrongSeq {
            /// The next sequence number.
            expected: Seq,
            /// The record's.
            got: Seq,
        },
        /// The checkpoint does not cover the tag's records as they are.
        CheckpointMismatch {
            /// The tag's record count.
            count: u32,
            /// The tag's chain head.
            head: Digest,
        },
        /// A checkpoint without signatures.
        Unsigned,
        /// The log is full; nothing is ever overwritten.
        LogFull,
        /// The record does not fit the log's segments.
        RecordTooLarge,
        /// The record cannot be encoded (a value out of range).
        BadRecord,
        /// The button has not been given an action.
        NoButtonAction,
        /// The memory failed.
        Storage,
        /// The clock failed.
        Clock,
        /// The record sent does not decode on its own.
        Undecodable {
            /// The offset of the offending byte in the record.
            at: u16,
            /// What was wrong there.
            kind: DecodeErrorKind,
        },
    }
}

/// What a request needs before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Needs {
    /// [`Request::Hello`].
    Hello,
    /// [`Request::Read`].
    Read,
}

wire_order!(Needs: Hello, Read);

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BadFrame => f.write_str("the frame is not valid COBS"),
            Self::BadCrc => f.write_str("the frame's CRC does not match"),
            Self::Truncated => f.write_str("the frame is cut short"),
            Self::Oversized { limit } => write!(f, "the frame is longer than {limit} bytes"),
            Self::UnsupportedVersion { got, supported } => {
                write!(f, "protocol version {got}; the tag speaks {supported}")
            }
            Self::UnknownMessage { code } => write!(f, "unknown message code {code}"),
            Self::Malformed { code } => write!(f, "message {code} does not decode"),
            Self::OutOfOrder {
                needs: Needs::Hello,
            } => f.write_str("open a session first"),
            Self::OutOfOrder { needs: Needs::Read } => f.write_str("start a read first"),
            Self::NotCommissioned => f.write_str("the tag is not commissioned"),
            Self::AlreadyCommissioned => f.write_str("the tag is already commissioned"),
            Self::NotBlank => f.write_str("the memory holds records without an identity"),
            Self::NotAllowed => f.write_str("this record cannot be appended this way"),
            Self::WrongSeq { expected, got } => {
                write!(f, "record {got}; the tag expects {expected}")
            }
            Self::CheckpointMismatch { count, head } => {
                write!(f, "the tag holds {count} records with head {head}")
            }
            Self::Unsigned => f.write_str("the checkpoint has no signature"),
            Self::LogFull => f.write_str("the log is full"),
            Self::RecordTooLarge => f.write_str("the record is too large"),
            Self::BadRecord => f.write_str("the record cannot be encoded"),
            Self::NoButtonAction => f.write_str("the button has no action"),
            Self::Storage => f.write_str("the memory failed"),
            Self::Clock => f.write_str("the clock failed"),
            Self::Undecodable { at, kind } => {
                write!(f, "the record does not decode at byte {at}: {kind}")
            }
        }
    }
}

impl core::error::Error for Fault {}
