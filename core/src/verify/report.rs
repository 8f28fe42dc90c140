//! What verification found: each checkpoint and its signers, every finding, and the verdict.

use core::fmt;

use crate::model::{Digest, Epc, KeyId, PartyRef, Seq, SignerRole};

use super::finding::Finding;

/// How many findings and checkpoints a report keeps in detail; more are counted.
pub const MAX_DETAILS: usize = 16;

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
    /// Not checked: no trusted keys were given, or the build has no `signatures` feature.
    NotChecked,
}

/// Why a signature does not count for its checkpoint even if it verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RoleProblem {
    /// The same key (or the same public key under another number) already signed this
    /// checkpoint: one signer cannot count as two.
    Repeated,
    /// The key's holder is not the party the role needs here: a hand-over's releasing and
    /// receiving signatures belong to the parties of the custody transfer the log records
    /// before it.
    WrongParty {
        /// The party the role needs (none when the log records no custody transfer before
        /// the hand-over).
        expected: Option<PartyRef>,
    },
}

impl fmt::Display for RoleProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Repeated => f.write_str("the same key already signed this checkpoint"),
            Self::WrongParty {
                expected: Some(party),
            } => write!(
                f,
                "the key is not held by party {party}, whom the role needs"
            ),
            Self::WrongParty { expected: None } => {
                f.write_str("no custody transfer is recorded before the hand-over to sign for")
            }
        }
    }
}

impl core::error::Error for RoleProblem {}

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
    /// Why it does not count even though it may verify, if it does not.
    pub problem: Option<RoleProblem>,
}

impl Signer {
    /// Whether the signature counts: it verifies with a trusted key, valid at the time, whose
    /// holder may sign in this role here, and no other signature of the checkpoint is by the
    /// same key.
    pub fn counts(&self) -> bool {
        self.status == SignatureStatus::Valid && self.problem.is_none()
    }
}

/// One checkpoint and what was found of it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CheckpointReport {
    /// The checkpoint record's position in the log (its sequence number in an honest log).
    pub seq: Seq,
    /// Records it covers.
    pub count: u32,
    /// Whether its count and chain head match the records before it.
    pub chain_ok: bool,
    /// Its signers.
    pub signers: heapless::Vec<Signer, 2>,
}

impl CheckpointReport {
    /// Whether it is a hand-over: signed in a releasing or receiving role.
    pub fn is_handover(&self) -> bool {
        self.signers
            .iter()
            .any(|s| matches!(s.role, SignerRole::Releasing | SignerRole::Receiving))
    }

    /// Whether it verifies: its count and head match the records before it, it is signed, every
    /// signature on it counts ([`Signer::counts`]), and a hand-over is signed by both sides.
    pub fn verified(&self) -> bool {
        let signed_as = |role| self.signers.iter().any(|s| s.role == role && s.counts());
        self.chain_ok
            && !self.signers.is_empty()
            && self.signers.iter().all(Signer::counts)
            && (!self.is_handover()
                || (signed_as(SignerRole::Releasing) && signed_as(SignerRole::Receiving)))
    }
}

/// What verification concluded, in the order a reader should care.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Verdict {
    /// Nothing was found and every checkpoint verifies: the first
    /// [`signed_prefix`](Report::signed_prefix) records are the ones the custodians signed.
    /// The records after the last checkpoint ([`Report::added_since_signed`]) are vouched for
    /// by no one yet, which is normal for a tag still in use.
    Intact,
    /// Something was found: records removed, altered, inserted or reordered, a checkpoint that
    /// does not verify, or damage. The findings say what and where.
    NotIntact,
    /// Nothing was found but signatures were not checked (no trusted keys were given, or a
    /// build without the `signatures` feature): the chain is consistent, which anyone able to
    /// write the memory can arrange. Nothing is proven.
    SignaturesNotChecked,
    /// Nothing was found, but no checkpoint covers any record: nothing is proven.
    NothingSigned,
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
    /// The position of the last checkpoint that verified.
    pub last_verified: Option<Seq>,
    /// The checkpoints, in order (the first [`MAX_DETAILS`]).
    pub checkpoints: heapless::Vec<CheckpointReport, MAX_DETAILS>,
    /// Every finding (the first [`MAX_DETAILS`]).
    pub findings: heapless::Vec<Finding, MAX_DETAILS>,
    /// How many findings there were in all.
    pub finding_count: u32,
    /// Of those, how many are checkpoints whose signatures were not checked
    /// ([`Finding::SignaturesNotChecked`]).
    pub unchecked: u32,
    /// The chain head over all records read.
    pub head: Option<Digest>,
}

impl Report {
    /// Records after the signed prefix: the last checkpoint that verified (whose own record
    /// no signature covers) and every record after it.
    pub fn unsigned_tail(&self) -> u32 {
        self.records.saturating_sub(self.signed_prefix)
    }

    /// Records after the last checkpoint that verified (every record when none did): added
    /// since, and vouched for by no one.
    pub fn added_since_signed(&self) -> u32 {
        match self.last_verified {
            Some(at) => self.records.saturating_sub(at.0.saturating_add(1)),
            None => self.records,
        }
    }

    /// What verification concluded.
    pub fn verdict(&self) -> Verdict {
        if self.finding_count > self.unchecked {
            Verdict::NotIntact
        } else if self.unchecked > 0 {
            Verdict::SignaturesNotChecked
        } else if self.last_verified.is_none() {
            Verdict::NothingSigned
        } else {
            Verdict::Intact
        }
    }

    /// Whether the log is intact and every checkpoint verifies, with at least one checkpoint
    /// and signatures checked: [`Verdict::Intact`].
    pub fn is_intact(&self) -> bool {
        self.verdict() == Verdict::Intact
    }

    pub(super) fn find(&mut self, finding: Finding) {
        self.finding_count = self.finding_count.saturating_add(1);
        if let Finding::SignaturesNotChecked { .. } = finding {
            self.unchecked = self.unchecked.saturating_add(1);
        }
        self.findings.push(finding).ok();
    }
}
