//! The problems verification finds, each with where it is.
//!
//! A position is a record's place in the log as read, counted from 0 at the commission record:
//! the sequence number an honest tag gives that record. It is never the sequence number the
//! record claims, which whoever wrote the memory chose.

use core::fmt;

use crate::codec::DecodeErrorKind;
use crate::log::Damage;
use crate::model::{KeyId, PartyRef, Seq, SignerRole};

/// One problem found, with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Finding {
    /// Stored bytes that do not decode: altered or damaged. Later records cannot be checked.
    Unreadable {
        /// The record's position.
        seq: Seq,
        /// Its offset in the input.
        offset: u32,
        /// What is wrong.
        kind: DecodeErrorKind,
    },
    /// Damage the log reported while reading the memory.
    Damage(Damage),
    /// The first record is not a commission record: the log's start is missing.
    NoCommission,
    /// A second commission record: another tag's log spliced in.
    SecondCommission {
        /// Its position.
        seq: Seq,
    },
    /// The identity is not the one expected: another tag's log.
    IdentityMismatch,
    /// A record whose sequence number is not its position: a tag numbers its records 0, 1,
    /// 2 and so on without gaps, so the record was rewritten or taken from another log.
    /// Reported where the numbering departs from the positions; the records that follow on
    /// from a wrong number are not reported again.
    SequenceMismatch {
        /// The record's position.
        position: Seq,
        /// The sequence number it claims.
        claimed: Seq,
    },
    /// A checkpoint covers more records than are present before it: records were deleted.
    Deleted {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The checkpoint before it that verified (records after it are suspect).
        since: Seq,
        /// How many are missing.
        missing: u32,
    },
    /// A checkpoint covers fewer records than are present before it: records were inserted,
    /// or an earlier checkpoint was copied forward.
    Inserted {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The checkpoint before it that verified.
        since: Seq,
        /// How many are extra.
        extra: u32,
    },
    /// The chain head differs from the one the checkpoint signed, with the right count:
    /// records between `since` and the checkpoint were altered, reordered or substituted.
    ChainMismatch {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The checkpoint before it that verified.
        since: Seq,
    },
    /// The log has fewer records than an archived checkpoint covered: truncated.
    Truncated {
        /// Records the archive covered.
        archived: u32,
        /// Records present.
        present: u32,
    },
    /// The log's chain at the archived count differs from the archived head: the memory was
    /// rolled back to an older state and written again, or replaced.
    RolledBack {
        /// Records the archive covered.
        archived: u32,
    },
    /// The log's oldest records were reclaimed from the tag, and no archived checkpoint at or
    /// after the first record present vouches for the chain head the tag gives there: records
    /// may have been removed from the front.
    ReclaimedUnvouched {
        /// The first record present after the identity: records before it were reclaimed.
        from: Seq,
    },
    /// A checkpoint that carries no signature. A tag never stores one, so the record was
    /// written by someone else: a forgery.
    Unsigned {
        /// The checkpoint's position.
        checkpoint: Seq,
    },
    /// A signature by a key not in the trusted set.
    UnknownKey {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The key.
        key: KeyId,
    },
    /// A signature by a trusted key outside its validity period (or with no time to check).
    ExpiredKey {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The key.
        key: KeyId,
    },
    /// A signature that does not verify.
    BadSignature {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The key it claims.
        key: KeyId,
    },
    /// A checkpoint signed twice by the same key (or by the same public key under two
    /// numbers): one signer presented as two.
    DuplicateSigner {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The key of the second signature.
        key: KeyId,
    },
    /// A signature by a trusted key whose holder is not the party its role needs: a
    /// hand-over's releasing signature must be by the party the custody transfer before it
    /// takes custody from, and the receiving one by the party it gives custody to.
    RoleMismatch {
        /// The checkpoint's position.
        checkpoint: Seq,
        /// The key.
        key: KeyId,
        /// The role it signed in.
        role: SignerRole,
        /// The party that holds the key.
        holder: PartyRef,
        /// The party the role needs; none when the log records no custody transfer before
        /// the hand-over.
        expected: Option<PartyRef>,
    },
    /// A hand-over checkpoint without both a releasing and a receiving signature that count.
    IncompleteHandover {
        /// The checkpoint's position.
        checkpoint: Seq,
    },
    /// A checkpoint whose signatures were not checked: no trusted keys were given, or the
    /// build has no `signatures` feature. Nothing vouches for it.
    SignaturesNotChecked {
        /// The checkpoint's position.
        checkpoint: Seq,
    },
}

/// The role as a word.
fn role_name(role: SignerRole) -> &'static str {
    match role {
        SignerRole::Releasing => "releasing",
        SignerRole::Receiving => "receiving",
        SignerRole::Custodian => "custodian",
        SignerRole::Auditor => "auditor",
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unreadable { seq, offset, kind } => {
                write!(
                    f,
                    "record {seq} at byte {offset} is unreadable (altered or damaged): {kind}"
                )
            }
            Self::Damage(d) => write!(f, "{d}"),
            Self::NoCommission => {
                f.write_str("the first record is not a commission: the log's start is missing")
            }
            Self::SecondCommission { seq } => {
                write!(
                    f,
                    "record {seq} is a second commission: another tag's log spliced in"
                )
            }
            Self::IdentityMismatch => f.write_str("the identity is not the expected one"),
            Self::SequenceMismatch { position, claimed } => write!(
                f,
                "record {position} claims sequence number {claimed}: records were rewritten or taken from another log"
            ),
            Self::Deleted {
                checkpoint,
                since,
                missing,
            } => write!(
                f,
                "checkpoint {checkpoint}: {missing} record(s) deleted after checkpoint {since}"
            ),
            Self::Inserted {
                checkpoint,
                since,
                extra,
            } => write!(
                f,
                "checkpoint {checkpoint}: {extra} record(s) inserted after checkpoint {since}, or an earlier checkpoint copied forward"
            ),
            Self::ChainMismatch { checkpoint, since } => write!(
                f,
                "checkpoint {checkpoint}: records after checkpoint {since} were altered, reordered or substituted"
            ),
            Self::Truncated { archived, present } => write!(
                f,
                "truncated: the archive holds a checkpoint over {archived} records, {present} are present"
            ),
            Self::RolledBack { archived } => write!(
                f,
                "rolled back: the chain over the first {archived} records differs from the archived checkpoint"
            ),
            Self::ReclaimedUnvouched { from } => write!(
                f,
                "records 1 to {} were reclaimed from the tag and no archived checkpoint vouches for the chain where record {from} resumes it",
                from.0.saturating_sub(1)
            ),
            Self::Unsigned { checkpoint } => write!(
                f,
                "checkpoint {checkpoint} carries no signature: a tag never stores one, so it was forged"
            ),
            Self::UnknownKey { checkpoint, key } => {
                write!(f, "checkpoint {checkpoint}: key {key} is not trusted")
            }
            Self::ExpiredKey { checkpoint, key } => {
                write!(
                    f,
                    "checkpoint {checkpoint}: key {key} was not valid at the checkpoint's time"
                )
            }
            Self::BadSignature { checkpoint, key } => {
                write!(
                    f,
                    "checkpoint {checkpoint}: the signature by key {key} does not verify"
                )
            }
            Self::DuplicateSigner { checkpoint, key } => write!(
                f,
                "checkpoint {checkpoint}: key {key} signs again: one signer presented as two"
            ),
            Self::RoleMismatch {
                checkpoint,
                key,
                role,
                holder,
                expected: Some(expected),
            } => write!(
                f,
                "checkpoint {checkpoint}: key {key} of party {holder} signs as {}, but the custody transfer before it names party {expected}",
                role_name(*role)
            ),
            Self::RoleMismatch {
                checkpoint,
                key,
                role,
                holder,
                expected: None,
            } => write!(
                f,
                "checkpoint {checkpoint}: key {key} of party {holder} signs as {}, but no custody transfer is recorded before it",
                role_name(*role)
            ),
            Self::IncompleteHandover { checkpoint } => write!(
                f,
                "checkpoint {checkpoint}: a hand-over needs valid releasing and receiving signatures"
            ),
            Self::SignaturesNotChecked { checkpoint } => {
                write!(
                    f,
                    "checkpoint {checkpoint}: signatures not checked (no trusted keys, or a build without signature checks)"
                )
            }
        }
    }
}
