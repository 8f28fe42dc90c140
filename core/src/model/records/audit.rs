//! Records about the record: corrections and signed checkpoints.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::model::bytes::{Digest, List, SignatureBytes};
use crate::model::ids::{KeyId, Seq};

/// A declaration that earlier records were wrong. Nothing is ever deleted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Correction {
    /// The records declared wrong.
    pub corrects: List<Seq, 4>,
    /// Why.
    pub reason: CorrectionReason,
    /// The record that states the right facts instead, if there is one.
    pub replaced_by: Option<Seq>,
}

/// Why records were declared wrong (EPCIS `errorDeclaration` reasons, and finer ones).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CorrectionReason {
    /// The event never happened (CBV `did_not_occur`).
    DidNotOccur,
    /// The event happened but was recorded with wrong data (CBV `incorrect_data`).
    IncorrectData,
    /// A link to an individual was disproved by later analysis.
    LinkDisproved,
    /// The record was entered on the wrong tag.
    WrongContainer,
}

wire_order!(CorrectionReason: DidNotOccur, IncorrectData, LinkDisproved, WrongContainer);

/// A checkpoint: the count and chain head of every record before it, signed by custodians.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Checkpoint {
    /// How many records the checkpoint covers: the first `count` records of the log, sequence
    /// numbers 0 to `count - 1`; a log's sequence numbers have no gaps, so this is the
    /// checkpoint's own sequence number.
    pub count: u32,
    /// The chain hash after the last covered record.
    pub head: Digest,
    /// The custodians' signatures over the checkpoint statement.
    pub signatures: List<Signature, 2>,
}

/// One custodian's signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Signature {
    /// The key that signed.
    pub key: KeyId,
    /// In what role the holder signed.
    pub role: SignerRole,
    /// The Ed25519 signature.
    pub signature: SignatureBytes,
}

/// In what role a custodian signs a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignerRole {
    /// The custodian handing the container over.
    Releasing,
    /// The custodian taking it over.
    Receiving,
    /// A custodian confirming the record without a hand-over.
    Custodian,
    /// An auditor.
    Auditor,
}

wire_order!(SignerRole: Releasing, Receiving, Custodian, Auditor);

impl SignerRole {
    /// The byte that stands for the role in a signed checkpoint statement (the same as its
    /// wire index).
    pub const fn code(self) -> u8 {
        self as u8
    }
}
