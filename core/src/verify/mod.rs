//! Verification: proves from the stored bytes that no record was removed, reordered, altered or
//! invented, and says who vouched for each part of the chain.
//!
//! A [`Verifier`] takes the stored records of one tag in order, recomputes the hash chain, and
//! checks every checkpoint: its record count against the records present, its chain head
//! against the recomputed one, and each custodian's signature against a set of trusted keys
//! with their validity periods. An archive of a later checkpoint, when one is given, reveals
//! truncation and rollback. The result is a [`Report`] with every finding and its position.

use core::fmt;

use crate::chain::{self, Chain};
use crate::codec::{self, DecodeErrorKind, DeltaState};
use crate::log::Damage;
use crate::model::{
    Body, Checkpoint, Digest, Epc, KeyId, PartyRef, Record, Seq, SignerRole, UtcSeconds,
};

/// How many findings and checkpoints a report keeps in detail; more are counted.
pub const MAX_DETAILS: usize = 16;

/// A custodian's public key, trusted for checkpoints made while it was valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TrustedKey {
    /// Its number, as checkpoints name it.
    pub id: KeyId,
    /// The party that holds it.
    pub party: PartyRef,
    /// The Ed25519 public key.
    pub public: [u8; 32],
    /// The first instant it may sign at.
    pub valid_from: UtcSeconds,
    /// The instant after which it may no longer sign, if it expires.
    pub valid_until: Option<UtcSeconds>,
}

/// The latest checkpoint that an archive holds for this tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Archived {
    /// Records it covered.
    pub count: u32,
    /// The chain head it signed.
    pub head: Digest,
}

/// One problem found, with its position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Finding {
    /// Stored bytes that do not decode: altered or damaged. Later records cannot be checked.
    Unreadable {
        /// The record's sequence number (the one it would have).
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
        /// Where.
        seq: Seq,
    },
    /// The identity is not the one expected: another tag's log.
    IdentityMismatch,
    /// A checkpoint covers more records than are present before it: records were deleted.
    Deleted {
        /// The checkpoint.
        checkpoint: Seq,
        /// The checkpoint before it that verified (records after it are suspect).
        since: Seq,
        /// How many are missing.
        missing: u32,
    },
    /// A checkpoint covers fewer records than are present before it: records were inserted.
    Inserted {
        /// The checkpoint.
        checkpoint: Seq,
        /// The checkpoint before it that verified.
        since: Seq,
        /// How many are extra.
        extra: u32,
    },
    /// The chain head differs from the one the checkpoint signed, with the right count:
    /// records between `since` and the checkpoint were altered, reordered or substituted.
    ChainMismatch {
        /// The checkpoint.
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
    /// A signature by a key not in the trusted set.
    UnknownKey {
        /// The checkpoint.
        checkpoint: Seq,
        /// The key.
        key: KeyId,
    },
    /// A signature by a trusted key outside its validity period (or with no time to check).
    ExpiredKey {
        /// The checkpoint.
        checkpoint: Seq,
        /// The key.
        key: KeyId,
    },
    /// A signature that does not verify.
    BadSignature {
        /// The checkpoint.
        checkpoint: Seq,
        /// The key it claims.
        key: KeyId,
    },
    /// A hand-over checkpoint without both a releasing and a receiving signature that verify.
    IncompleteHandover {
        /// The checkpoint.
        checkpoint: Seq,
    },
    /// Signatures were not checked: built without the `signatures` feature.
    SignaturesNotChecked {
        /// The checkpoint.
        checkpoint: Seq,
    },
}

/// What a signature turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignatureStatus {
    /// Verified with a trusted key valid at the time.
    Valid,
    /// The key is not trusted.
    UnknownKey,
    /// The key was not valid at the time.
    Expired,
    /// The signature does not verify.
    Bad,
    /// Not checked (no `signatures` feature).
    NotChecked,
}

/// One signer of a checkpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Signer {
    /// The key.
    pub key: KeyId,
    /// The party holding it, when the key is known.
    pub party: Option<PartyRef>,
    /// The role signed in.
    pub role: SignerRole,
    /// What the signature turned out to be.
    pub status: SignatureStatus,
}

/// One checkpoint and what was found of it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CheckpointReport {
    /// The checkpoint record's sequence number.
    pub seq: Seq,
    /// Records it covers.
    pub count: u32,
    /// Whether its count and chain head match the records before it.
    pub chain_ok: bool,
    /// Its signers.
    pub signers: heapless::Vec<Signer, 2>,
}

impl CheckpointReport {
    /// Whether the chain matches and at least one signature verified, with every hand-over
    /// signed by both sides.
    pub fn verified(&self) -> bool {
        let valid = |role| {
            self.signers
                .iter()
                .any(|s| s.role == role && s.status == SignatureStatus::Valid)
        };
        let handover = self
            .signers
            .iter()
            .any(|s| matches!(s.role, SignerRole::Releasing | SignerRole::Receiving));
        self.chain_ok
            && self
                .signers
                .iter()
                .any(|s| s.status == SignatureStatus::Valid)
            && (!handover || (valid(SignerRole::Releasing) && valid(SignerRole::Receiving)))
    }
}

/// What verification found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Report {
    /// The tag identity, from the commission record.
    pub identity: Option<Epc>,
    /// Records read.
    pub records: u32,
    /// Records covered by the last checkpoint that verified.
    pub signed_prefix: u32,
    /// The checkpoints, in order (the first [`MAX_DETAILS`]).
    pub checkpoints: heapless::Vec<CheckpointReport, MAX_DETAILS>,
    /// Every finding (the first [`MAX_DETAILS`]).
    pub findings: heapless::Vec<Finding, MAX_DETAILS>,
    /// How many findings there were in all.
    pub finding_count: u32,
    /// The chain head over all records read.
    pub head: Option<Digest>,
}

impl Report {
    /// Records after the signed prefix: not yet vouched for by anyone.
    pub fn unsigned_tail(&self) -> u32 {
        self.records.saturating_sub(self.signed_prefix)
    }

    /// Whether the whole log is intact and every checkpoint verifies.
    pub fn is_intact(&self) -> bool {
        self.finding_count == 0
    }

    fn find(&mut self, finding: Finding) {
        self.finding_count += 1;
        self.findings.push(finding).ok();
    }
}

/// Checks one tag's records, streamed in order.
pub struct Verifier<'k> {
    keys: &'k [TrustedKey],
    expected: Option<Epc>,
    archived: Option<Archived>,
    state: DeltaState,
    chain: Chain,
    /// The records before this point are covered by a checkpoint that verified.
    verified_through: Seq,
    /// Decoding stopped: the bytes after an unreadable record cannot be decoded.
    broken: bool,
    report: Report,
}

impl<'k> Verifier<'k> {
    /// A verifier trusting `keys`, expecting the identity `expected` if given, and knowing the
    /// `archived` checkpoint if an archive holds one.
    pub fn new(keys: &'k [TrustedKey], expected: Option<Epc>, archived: Option<Archived>) -> Self {
        Verifier {
            keys,
            expected,
            archived,
            state: DeltaState::default(),
            chain: Chain::default(),
            verified_through: Seq(0),
            broken: false,
            report: Report::default(),
        }
    }

    /// Checks the next record, as stored, found at `offset` of the input.
    pub fn push(&mut self, stored: &[u8], offset: u32) {
        if self.broken {
            return;
        }
        let seq = self.state.implicit_seq().unwrap_or(Seq(u32::MAX));
        let record = match codec::decode(stored, &mut self.state) {
            Ok((record, _)) => record,
            Err(e) => {
                self.report.find(Finding::Unreadable {
                    seq,
                    offset: offset.saturating_add(e.offset as u32),
                    kind: e.kind,
                });
                self.broken = true;
                return;
            }
        };
        self.check_archive_before();
        self.check_record(&record);
        self.chain.push(stored);
        self.report.records += 1;
    }

    /// Notes damage that the log reported; records after it cannot be checked.
    pub fn damage(&mut self, damage: Damage) {
        self.report.find(Finding::Damage(damage));
        if damage.reason != crate::log::DamageReason::TornAppend
            && !matches!(
                damage.reason,
                crate::log::DamageReason::BitFlipRepaired { .. }
            )
        {
            self.broken = true;
        }
    }

    /// The report, with the archive's checks.
    pub fn finish(mut self) -> Report {
        if let Some(a) = self.archived {
            if self.report.records < a.count {
                self.report.find(Finding::Truncated {
                    archived: a.count,
                    present: self.report.records,
                });
            } else if self.report.records == a.count && self.chain.head() != a.head {
                self.report.find(Finding::RolledBack { archived: a.count });
            }
        }
        self.report.head = Some(self.chain.head());
        self.report
    }

    /// When the chain reaches the archived count, its head must be the archived one.
    fn check_archive_before(&mut self) {
        if let Some(a) = self.archived
            && self.report.records == a.count
            && self.chain.head() != a.head
        {
            self.report.find(Finding::RolledBack { archived: a.count });
            self.archived = None;
        }
    }

    fn check_record(&mut self, record: &Record) {
        let seq = record.header.seq;
        match &record.body {
            Body::Commission(c) if seq == Seq(0) => {
                self.report.identity = Some(c.epc);
                if self.expected.is_some_and(|e| e != c.epc) {
                    self.report.find(Finding::IdentityMismatch);
                }
            }
            Body::Commission(_) => self.report.find(Finding::SecondCommission { seq }),
            _ if seq == Seq(0) => self.report.find(Finding::NoCommission),
            Body::Checkpoint(c) => self.check_checkpoint(record, c),
            _ => {}
        }
    }

    fn check_checkpoint(&mut self, record: &Record, c: &Checkpoint) {
        let seq = record.header.seq;
        let since = self.verified_through;
        let present = self.report.records;
        let chain_ok = if c.count > present {
            self.report.find(Finding::Deleted {
                checkpoint: seq,
                since,
                missing: c.count - present,
            });
            false
        } else if c.count < present {
            self.report.find(Finding::Inserted {
                checkpoint: seq,
                since,
                extra: present - c.count,
            });
            false
        } else if c.head != self.chain.head() {
            self.report.find(Finding::ChainMismatch {
                checkpoint: seq,
                since,
            });
            false
        } else {
            true
        };
        let at = record.header.time.map(|t| t.at);
        let mut signers = heapless::Vec::new();
        for sig in c.signatures.iter() {
            let key = self.keys.iter().find(|k| k.id == sig.key);
            let status = match key {
                None => SignatureStatus::UnknownKey,
                Some(k) if !valid_at(k, at) => SignatureStatus::Expired,
                Some(k) => check_signature(k, c, sig.role, &sig.signature),
            };
            match status {
                SignatureStatus::UnknownKey => self.report.find(Finding::UnknownKey {
                    checkpoint: seq,
                    key: sig.key,
                }),
                SignatureStatus::Expired => self.report.find(Finding::ExpiredKey {
                    checkpoint: seq,
                    key: sig.key,
                }),
                SignatureStatus::Bad => self.report.find(Finding::BadSignature {
                    checkpoint: seq,
                    key: sig.key,
                }),
                SignatureStatus::NotChecked => self
                    .report
                    .find(Finding::SignaturesNotChecked { checkpoint: seq }),
                SignatureStatus::Valid => {}
            }
            signers
                .push(Signer {
                    key: sig.key,
                    party: key.map(|k| k.party),
                    role: sig.role,
                    status,
                })
                .ok();
        }
        let checkpoint = CheckpointReport {
            seq,
            count: c.count,
            chain_ok,
            signers,
        };
        let handover = checkpoint
            .signers
            .iter()
            .any(|s| matches!(s.role, SignerRole::Releasing | SignerRole::Receiving));
        if checkpoint.verified() {
            self.verified_through = seq;
            self.report.signed_prefix = c.count;
        } else if chain_ok && handover {
            self.report
                .find(Finding::IncompleteHandover { checkpoint: seq });
        }
        self.report.checkpoints.push(checkpoint).ok();
    }
}

fn valid_at(key: &TrustedKey, at: Option<UtcSeconds>) -> bool {
    at.is_some_and(|t| t >= key.valid_from && key.valid_until.is_none_or(|u| t <= u))
}

#[cfg(feature = "signatures")]
fn check_signature(
    key: &TrustedKey,
    c: &Checkpoint,
    role: SignerRole,
    signature: &crate::model::SignatureBytes,
) -> SignatureStatus {
    let statement = chain::checkpoint_statement(c.count, &c.head, role);
    let public = ed25519_compact::PublicKey::new(key.public);
    let sig = ed25519_compact::Signature::new(*signature.as_array());
    match public.verify(statement, &sig) {
        Ok(()) => SignatureStatus::Valid,
        Err(_) => SignatureStatus::Bad,
    }
}

#[cfg(not(feature = "signatures"))]
fn check_signature(
    _key: &TrustedKey,
    c: &Checkpoint,
    role: SignerRole,
    _signature: &crate::model::SignatureBytes,
) -> SignatureStatus {
    // The statement is still built, so that both builds agree on what is signed.
    let _ = chain::checkpoint_statement(c.count, &c.head, role);
    SignatureStatus::NotChecked
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
                "checkpoint {checkpoint}: {extra} record(s) inserted after checkpoint {since}"
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
            Self::IncompleteHandover { checkpoint } => write!(
                f,
                "checkpoint {checkpoint}: a hand-over needs valid releasing and receiving signatures"
            ),
            Self::SignaturesNotChecked { checkpoint } => {
                write!(
                    f,
                    "checkpoint {checkpoint}: signatures not checked in this build"
                )
            }
        }
    }
}
