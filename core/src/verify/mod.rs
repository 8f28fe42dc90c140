//! Verification: proves from the stored bytes that no record was removed, reordered, altered or
//! invented, and says who vouched for each part of the chain.
//!
//! A [`Verifier`] takes the stored records of one tag in order, recomputes the hash chain, and
//! checks every record's position and every checkpoint: its record count against the records
//! present, its chain head against the recomputed one, and each custodian's signature against
//! a set of trusted keys with their validity periods and the role its holder may sign in. An
//! archive of a later checkpoint, when one is given, reveals truncation and rollback. The
//! result is a [`Report`] with every finding and its position, and a [`Verdict`].
//!
//! Whoever holds the memory can write any bytes, fix every CRC and recompute every hash, so
//! only signatures prove anything: a checkpoint that does not verify is always a finding, and
//! a log is [`Verdict::Intact`] only when signatures were checked and at least one checkpoint
//! verifies. Records after the last checkpoint that verifies are vouched for by no one; the
//! report counts them ([`Report::added_since_signed`]).
//!
//! ```
//! use remtag::verify::{Verdict, Verifier};
//!
//! // No records, no keys: nothing is wrong, and nothing is proven either.
//! let report = Verifier::without_keys(None, None).finish();
//! assert_eq!(report.verdict(), Verdict::NothingSigned);
//! assert!(!report.is_intact());
//! ```

mod finding;
mod keys;
mod report;

pub use finding::Finding;
pub use keys::TrustedKey;
pub use report::{
    CheckpointReport, MAX_DETAILS, Report, RoleProblem, SignatureStatus, Signer, Verdict,
};

use crate::chain::Chain;
use crate::codec::{self, DeltaState};
use crate::log::{Damage, SegmentStart};
use crate::model::{Body, Checkpoint, Digest, Epc, Record, Seq};
use keys::Transfer;

/// The latest checkpoint that an archive holds for this tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Archived {
    /// Records it covered.
    pub count: u32,
    /// The chain head it signed.
    pub head: Digest,
}

/// Checks one tag's records, streamed in order.
pub struct Verifier<'k> {
    /// The trusted keys; `None` when none were given and signatures are not checked.
    keys: Option<&'k [TrustedKey]>,
    expected: Option<Epc>,
    archived: Option<Archived>,
    state: DeltaState,
    chain: Chain,
    /// The records before this point are covered by a checkpoint that verified.
    verified_through: Seq,
    /// The custody transfer recorded last: a hand-over countersigns it.
    transfer: Option<Transfer>,
    /// The sequence number the previous record claimed.
    last_claimed: Option<Seq>,
    /// Decoding stopped: the bytes after an unreadable record cannot be decoded.
    broken: bool,
    /// The first record present after reclaimed ones, when the log was resumed there.
    resumed: Option<u32>,
    report: Report,
}

impl<'k> Verifier<'k> {
    /// A verifier trusting `keys`, expecting the identity `expected` if given, and knowing the
    /// `archived` checkpoint if an archive holds one.
    pub fn new(keys: &'k [TrustedKey], expected: Option<Epc>, archived: Option<Archived>) -> Self {
        Self::with(Some(keys), expected, archived)
    }

    /// A verifier given no keys: it checks the records, the chain and the checkpoints' counts
    /// and heads, and reports every signed checkpoint as
    /// [`SignaturesNotChecked`](Finding::SignaturesNotChecked), so that its verdict is never
    /// [`Verdict::Intact`].
    pub fn without_keys(expected: Option<Epc>, archived: Option<Archived>) -> Verifier<'static> {
        Verifier::with(None, expected, archived)
    }

    fn with(
        keys: Option<&'k [TrustedKey]>,
        expected: Option<Epc>,
        archived: Option<Archived>,
    ) -> Self {
        Verifier {
            keys,
            expected,
            archived,
            state: DeltaState::default(),
            chain: Chain::default(),
            verified_through: Seq(0),
            transfer: None,
            last_claimed: None,
            broken: false,
            resumed: None,
            report: Report::default(),
        }
    }

    /// Checks the next record, as stored, found at `offset` of the input.
    pub fn push(&mut self, stored: &[u8], offset: u32) {
        if self.broken {
            return;
        }
        let position = Seq(self.report.records);
        let record = match codec::decode(stored, &mut self.state) {
            Ok((record, _)) => record,
            Err(e) => {
                self.report.find(Finding::Unreadable {
                    seq: position,
                    offset: offset.saturating_add(e.offset as u32),
                    kind: e.kind,
                });
                self.broken = true;
                return;
            }
        };
        self.check_archive_before();
        self.check_record(position, &record);
        self.chain.push(stored);
        self.report.records = self.report.records.saturating_add(1);
    }

    /// Goes on after records reclaimed from the tag: the next record is number
    /// `start.chain_count`, coded against `start.state`, and the chain resumes from
    /// `start.chain_head`, as the oldest segment's header on the tag says. Only an archived
    /// checkpoint at or after that point vouches for the head: without one the report has
    /// [`Finding::ReclaimedUnvouched`], since records could have been removed from the front.
    /// A hand-over checkpoint whose custody transfer was reclaimed is checked for its
    /// signatures but not for whose they are: the archive holds the transfer. A start that
    /// does not lie after the records checked so far is ignored.
    pub fn resume(&mut self, start: &SegmentStart) {
        if self.broken || start.chain_count <= self.report.records {
            return;
        }
        self.state = start.state;
        self.chain = Chain::resume(start.chain_head, start.chain_count);
        self.report.records = start.chain_count;
        self.last_claimed = start.state.last_seq;
        self.transfer = None;
        self.resumed = Some(start.chain_count);
        self.check_archive_before();
    }

    /// Notes damage that the log reported; records after it cannot be checked.
    pub fn damage(&mut self, damage: Damage) {
        // What a power cut can leave (a torn append, a torn identity copy beside an intact one)
        // changes no record: the reader reports it, the chain does not depend on it.
        if damage.may_be_a_power_cut() {
            return;
        }
        self.report.find(Finding::Damage(damage));
        if !damage.reason.leaves_records_whole() {
            self.broken = true;
        }
    }

    /// The report, with the archive's checks.
    pub fn finish(mut self) -> Report {
        if let Some(from) = self.resumed
            && self.archived.is_none_or(|a| a.count < from)
        {
            self.report
                .find(Finding::ReclaimedUnvouched { from: Seq(from) });
        }
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

    fn check_record(&mut self, position: Seq, record: &Record) {
        self.check_sequence(position, record.header.seq);
        match &record.body {
            Body::Commission(c) if position == Seq(0) => {
                self.report.identity = Some(c.epc);
                if self.expected.is_some_and(|e| e != c.epc) {
                    self.report.find(Finding::IdentityMismatch);
                }
            }
            Body::Commission(_) => self
                .report
                .find(Finding::SecondCommission { seq: position }),
            // Nothing at position 0 but a commission is checked further: a checkpoint there
            // would cover no record, and a statement over no record binds no tag.
            _ if position == Seq(0) => self.report.find(Finding::NoCommission),
            Body::Custody(c) if c.from != c.to => {
                self.transfer = Some(Transfer {
                    from: c.from,
                    to: c.to,
                });
            }
            Body::Checkpoint(c) => self.check_checkpoint(position, record, c),
            _ => {}
        }
    }

    /// A record must claim its position as its sequence number; one that departs from it is
    /// reported, and the records numbered on from it are not reported again.
    fn check_sequence(&mut self, position: Seq, claimed: Seq) {
        let follows_on = self.last_claimed.and_then(Seq::next) == Some(claimed);
        if claimed != position && !follows_on {
            self.report
                .find(Finding::SequenceMismatch { position, claimed });
        }
        self.last_claimed = Some(claimed);
    }

    fn check_checkpoint(&mut self, position: Seq, record: &Record, c: &Checkpoint) {
        let before = self.report.finding_count;
        let since = self.verified_through;
        let present = position.0;
        let chain_ok = if c.count > present {
            self.report.find(Finding::Deleted {
                checkpoint: position,
                since,
                missing: c.count - present,
            });
            false
        } else if c.count < present {
            self.report.find(Finding::Inserted {
                checkpoint: position,
                since,
                extra: present - c.count,
            });
            false
        } else if c.head != self.chain.head() {
            self.report.find(Finding::ChainMismatch {
                checkpoint: position,
                since,
            });
            false
        } else {
            true
        };
        let at = record.header.time.map(|t| t.at);
        let (trusted, transfer) = (self.keys, self.transfer);
        // A hand-over whose transfer was reclaimed from the tag: the archive that vouches for
        // the reclaimed records holds it, and the parties cannot be checked here.
        let transfer_reclaimed = transfer.is_none() && self.resumed.is_some();
        let resolve = |id| trusted.and_then(|keys| keys.iter().find(|k| k.id == id));
        let mut signers = heapless::Vec::new();
        for (i, sig) in c.signatures.iter().enumerate() {
            let key = resolve(sig.key);
            let repeated = c.signatures.iter().take(i).any(|earlier| {
                earlier.key == sig.key
                    || key
                        .is_some_and(|k| resolve(earlier.key).is_some_and(|e| e.public == k.public))
            });
            let status = keys::status(trusted, key, c, sig.role, &sig.signature, at);
            let problem = if repeated {
                Some(RoleProblem::Repeated)
            } else {
                key.filter(|_| status == SignatureStatus::Valid && !transfer_reclaimed)
                    .and_then(|k| keys::role_problem(k.party, sig.role, transfer))
            };
            let checkpoint = position;
            let key_id = sig.key;
            match status {
                SignatureStatus::UnknownKey => self.report.find(Finding::UnknownKey {
                    checkpoint,
                    key: key_id,
                }),
                SignatureStatus::Expired => self.report.find(Finding::ExpiredKey {
                    checkpoint,
                    key: key_id,
                }),
                SignatureStatus::Bad => self.report.find(Finding::BadSignature {
                    checkpoint,
                    key: key_id,
                }),
                SignatureStatus::Valid | SignatureStatus::NotChecked => {}
            }
            match (problem, key) {
                (Some(RoleProblem::Repeated), _) => self.report.find(Finding::DuplicateSigner {
                    checkpoint,
                    key: key_id,
                }),
                (Some(RoleProblem::WrongParty { expected }), Some(k)) => {
                    self.report.find(Finding::RoleMismatch {
                        checkpoint,
                        key: key_id,
                        role: sig.role,
                        holder: k.party,
                        expected,
                    })
                }
                _ => {}
            }
            signers
                .push(Signer {
                    key: key_id,
                    party: key.map(|k| k.party),
                    role: sig.role,
                    status,
                    problem,
                })
                .ok();
        }
        let checkpoint = CheckpointReport {
            seq: position,
            count: c.count,
            chain_ok,
            signers,
        };
        let unchecked = checkpoint
            .signers
            .iter()
            .any(|s| s.status == SignatureStatus::NotChecked);
        if checkpoint.verified() {
            self.verified_through = position;
            self.report.signed_prefix = c.count;
            self.report.last_verified = Some(position);
        } else if checkpoint.signers.is_empty() {
            self.report.find(Finding::Unsigned {
                checkpoint: position,
            });
        } else if unchecked {
            // Whatever else was found already says the checkpoint does not verify.
            if self.report.finding_count == before {
                self.report.find(Finding::SignaturesNotChecked {
                    checkpoint: position,
                });
            }
        } else if checkpoint.is_handover() && chain_ok {
            self.report.find(Finding::IncompleteHandover {
                checkpoint: position,
            });
        }
        self.report.checkpoints.push(checkpoint).ok();
    }
}
