//! The attack suite: every way of tampering with a custody log that the verifier must catch,
//! each detected at the right position, and honest logs passing.
//!
//! The adversary holds the whole memory: it can write any bytes, fix every CRC, recompute every
//! chain head and re-encode every record. It knows the public keys. Where an attack needs a
//! signature that no honest custodian gave, it is made with a demonstration key: that stands
//! for a custodian who signs what they should not (an insider with their own key), since an
//! outsider cannot sign at all.

use std::cmp::Ordering;

use remtag::Record;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState};
use remtag::log::SegmentStart;
use remtag::model::{
    Body, Checkpoint, Condition, Digest, KeyId, List, PartyRef, Seq, Signature, SignerRole,
    UtcSeconds,
};
use remtag::verify::{
    Archived, Finding, Report, RoleProblem, SignatureStatus, TrustedKey, Verdict, Verifier,
};
use remtag_sim::keys::demo_keypair;
use remtag_sim::logbuilder::{self, LogBuilder};
use remtag_sim::story::{
    self, AIRCREW, DPAA_LAB, KEY_AIRCREW, KEY_DPAA_LAB, KEY_UNC_RECEIVING, MORTUARY_AFFAIRS,
    UNC_RECEIVING,
};

/// The position of box 1's hand-over checkpoint (aircrew releasing, laboratory receiving).
const HANDOVER: Seq = Seq(11);
/// The position of box 1's last checkpoint (the laboratory as custodian).
const LAST: Seq = Seq(18);

/// The stored bytes of each record of box `n`'s history, and the records.
fn history(n: u32) -> (Vec<Vec<u8>>, Vec<Record>) {
    let log = story::history(n).expect("the story encodes");
    (split(&log), log.records().to_vec())
}

/// The stored bytes of each record of `log`.
fn split(log: &LogBuilder) -> Vec<Vec<u8>> {
    (0..log.records().len() as u32)
        .map(|i| log.stored(Seq(i)).expect("stored").to_vec())
        .collect()
}

fn trusted(key: KeyId, party: PartyRef) -> TrustedKey {
    TrustedKey {
        id: key,
        party,
        public: *demo_keypair(key).pk,
        valid_from: UtcSeconds::from_unix(1_514_764_800).expect("2018"),
        valid_until: UtcSeconds::from_unix(1_893_456_000),
    }
}

fn keys() -> Vec<TrustedKey> {
    vec![
        trusted(KEY_AIRCREW, AIRCREW),
        trusted(KEY_DPAA_LAB, DPAA_LAB),
    ]
}

/// The story's keys and the UNC receiving officials' key: every key a 2018 custodian holds.
fn all_keys() -> Vec<TrustedKey> {
    let mut keys = keys();
    keys.push(trusted(KEY_UNC_RECEIVING, UNC_RECEIVING));
    keys
}

fn run(mut v: Verifier<'_>, stored: &[Vec<u8>]) -> Report {
    let mut offset = 0;
    for bytes in stored {
        v.push(bytes, offset);
        offset += bytes.len() as u32;
    }
    v.finish()
}

fn verify_with(stored: &[Vec<u8>], keys: &[TrustedKey], archived: Option<Archived>) -> Report {
    run(
        Verifier::new(keys, Some(story::box_epc(1)), archived),
        stored,
    )
}

fn verify(stored: &[Vec<u8>]) -> Report {
    verify_with(stored, &keys(), None)
}

/// Re-encodes `records[i]` after changing it, against the state the original was coded in.
fn reencode(records: &[Record], i: usize, change: impl FnOnce(&mut Record)) -> Vec<u8> {
    let mut state = DeltaState::default();
    for r in &records[..i] {
        codec::encode_to_buf(r, &mut state).expect("encodes");
    }
    let mut record = records[i].clone();
    change(&mut record);
    codec::encode_to_buf(&record, &mut state)
        .expect("encodes")
        .to_vec()
}

fn head_after(stored: &[Vec<u8>], n: usize) -> Archived {
    let mut chain = Chain::default();
    stored[..n].iter().for_each(|b| chain.push(b));
    Archived {
        count: n as u32,
        head: chain.head(),
    }
}

/// Signatures over the statement of `count` and `head`, by each demonstration key in its role.
fn signed(count: u32, head: Digest, by: &[(KeyId, SignerRole)]) -> List<Signature, 2> {
    let pairs: Vec<_> = by.iter().map(|&(key, _)| demo_keypair(key)).collect();
    let signers: Vec<_> = by
        .iter()
        .zip(&pairs)
        .map(|(&(key, role), keypair)| logbuilder::Signer { key, role, keypair })
        .collect();
    logbuilder::signed_checkpoint(count, head, &signers).signatures
}

/// The log an adversary writes from `records`: every record encoded anew, and every checkpoint
/// given the count and head of the records before it, with the signatures `sign` gives it from
/// its position, that count and head, and the original checkpoint.
fn forge(
    records: &[Record],
    mut sign: impl FnMut(usize, u32, Digest, &Checkpoint) -> List<Signature, 2>,
) -> Vec<Vec<u8>> {
    let mut log = LogBuilder::new();
    for (i, record) in records.iter().enumerate() {
        let mut record = record.clone();
        if let Body::Checkpoint(c) = &record.body {
            let chain = log.chain();
            let signatures = sign(i, chain.count(), chain.head(), c);
            record.body = Body::Checkpoint(Checkpoint {
                count: chain.count(),
                head: chain.head(),
                signatures,
            });
        }
        log.push_record(record).expect("encodes");
    }
    split(&log)
}

/// Signatures over the statement of `count` and `head` by the keys, in the roles, that signed
/// `c`: a checkpoint after a changed one, signed as its custodians sign what the tag holds.
fn signed_as_before(count: u32, head: Digest, c: &Checkpoint) -> List<Signature, 2> {
    let by: Vec<_> = c.signatures.iter().map(|s| (s.key, s.role)).collect();
    signed(count, head, &by)
}

/// Box 1's history with checkpoint `at` signed over its count and head by `by`, and the
/// checkpoints after it by their own signers over theirs.
fn resigned(at: Seq, by: &[(KeyId, SignerRole)]) -> Vec<Vec<u8>> {
    let (_, records) = history(1);
    forge(&records, |i, count, head, c| {
        match i.cmp(&(at.0 as usize)) {
            Ordering::Less => c.signatures.clone(),
            Ordering::Equal => signed(count, head, by),
            Ordering::Greater => signed_as_before(count, head, c),
        }
    })
}

/// Box 1's history with `body` appended as the record after the last one, and the records.
fn appended(body: Body) -> (Vec<Vec<u8>>, Vec<Record>) {
    let (_, mut records) = history(1);
    let mut last = records.last().expect("records").clone();
    last.header.seq = Seq(records.len() as u32);
    last.body = body;
    records.push(last);
    (forge(&records, |_, _, _, c| c.signatures.clone()), records)
}

/// The position a finding names, for the findings that name one.
fn position(finding: &Finding) -> Option<Seq> {
    match *finding {
        Finding::Unreadable { seq, .. } | Finding::SecondCommission { seq } => Some(seq),
        Finding::SequenceMismatch { position, .. } => Some(position),
        Finding::Deleted { checkpoint, .. }
        | Finding::Inserted { checkpoint, .. }
        | Finding::ChainMismatch { checkpoint, .. }
        | Finding::Unsigned { checkpoint }
        | Finding::UnknownKey { checkpoint, .. }
        | Finding::ExpiredKey { checkpoint, .. }
        | Finding::BadSignature { checkpoint, .. }
        | Finding::DuplicateSigner { checkpoint, .. }
        | Finding::RoleMismatch { checkpoint, .. }
        | Finding::IncompleteHandover { checkpoint }
        | Finding::SignaturesNotChecked { checkpoint } => Some(checkpoint),
        _ => None,
    }
}

/// Asserts that `report` is not intact and that every checkpoint that does not verify has a
/// finding at its position.
fn assert_caught(report: &Report) {
    assert_eq!(report.verdict(), Verdict::NotIntact, "{report:#?}");
    assert!(!report.is_intact());
    for c in report.checkpoints.iter().filter(|c| !c.verified()) {
        assert!(
            report.findings.iter().any(|f| position(f) == Some(c.seq)),
            "checkpoint {} does not verify, and no finding says so: {report:#?}",
            c.seq
        );
    }
}

// --- Honest logs -----------------------------------------------------------------------------

#[test]
fn an_honest_log_verifies_whole() {
    let (stored, _) = history(1);
    let report = verify(&stored);
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.verdict(), Verdict::Intact);
    assert_eq!(report.records, 19);
    assert_eq!(report.signed_prefix, 18);
    assert_eq!(report.last_verified, Some(LAST));
    assert_eq!(
        report.unsigned_tail(),
        1,
        "the last checkpoint's own record"
    );
    assert_eq!(report.added_since_signed(), 0);
    assert_eq!(report.checkpoints.len(), 2);
    assert!(report.checkpoints.iter().all(|c| c.verified()));
    assert_eq!(
        report.checkpoints[0].signers.len(),
        2,
        "a hand-over is signed by both sides"
    );
    assert_eq!(report.identity, Some(story::box_epc(1)));
}

#[test]
fn an_honest_log_verifies_with_its_archive() {
    let (stored, _) = history(1);
    let report = verify_with(&stored, &keys(), Some(head_after(&stored, 18)));
    assert!(report.is_intact(), "{:?}", report.findings);
}

#[test]
fn every_box_of_2018_verifies_with_every_custodians_key() {
    for n in 1..=55 {
        let (stored, _) = history(n);
        let report = run(
            Verifier::new(&all_keys(), Some(story::box_epc(n)), None),
            &stored,
        );
        assert!(report.is_intact(), "box {n}: {:?}", report.findings);
    }
}

// --- The forgery that verified as intact -----------------------------------------------------

/// Record 2's actor altered, every checkpoint's count and head recomputed over the altered
/// records, every signature dropped: the bytes are a well-formed log with a consistent chain.
fn unsigned_forgery() -> Vec<Vec<u8>> {
    let (_, mut records) = history(1);
    assert_eq!(records[2].header.actor, AIRCREW);
    records[2].header.actor = MORTUARY_AFFAIRS;
    forge(&records, |_, _, _, _| List::new())
}

#[test]
fn checkpoints_recomputed_over_altered_records_without_signatures_are_forged() {
    let forged = unsigned_forgery();
    let report = verify(&forged);
    assert!(report.checkpoints.iter().all(|c| c.chain_ok), "{report:?}");
    assert_eq!(
        report.findings.as_slice(),
        [
            Finding::Unsigned {
                checkpoint: HANDOVER
            },
            Finding::Unsigned { checkpoint: LAST },
        ]
    );
    assert_eq!(report.signed_prefix, 0);
    assert_eq!(report.last_verified, None);
    assert_caught(&report);

    // Without keys the forgery is found all the same: no tag stores an unsigned checkpoint.
    let report = run(Verifier::without_keys(None, None), &forged);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Unsigned {
            checkpoint: HANDOVER
        })
    );
    assert_caught(&report);
}

#[test]
fn a_checkpoint_stripped_of_its_signatures_is_a_finding() {
    let (_, records) = history(1);
    let stripped = forge(&records, |i, _, _, c| {
        if i == LAST.0 as usize {
            List::new()
        } else {
            c.signatures.clone()
        }
    });
    let report = verify(&stripped);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::Unsigned { checkpoint: LAST }]
    );
    assert_eq!(report.signed_prefix, 11, "the hand-over still verifies");
    assert_caught(&report);
}

#[test]
fn a_log_with_its_checkpoints_removed_proves_nothing() {
    let (_, mut records) = history(1);
    records[2].header.actor = MORTUARY_AFFAIRS;
    records.retain(|r| !matches!(r.body, Body::Checkpoint(_)));
    for (i, r) in records.iter_mut().enumerate() {
        r.header.seq = Seq(i as u32);
    }
    let report = verify(&forge(&records, |_, _, _, c| c.signatures.clone()));
    assert_eq!(report.finding_count, 0, "{:?}", report.findings);
    assert_eq!(report.verdict(), Verdict::NothingSigned);
    assert!(!report.is_intact());
    assert_eq!(report.added_since_signed(), 17);
}

// --- Signatures that do not fit --------------------------------------------------------------

#[test]
fn the_releasing_custodians_signature_where_the_receiving_one_is_required() {
    // The aircrew signs as receiving and the laboratory as releasing: both valid signatures,
    // both by keys the verifier trusts, over the right statement, each in the other's role.
    let stored = resigned(
        HANDOVER,
        &[
            (KEY_AIRCREW, SignerRole::Receiving),
            (KEY_DPAA_LAB, SignerRole::Releasing),
        ],
    );
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::RoleMismatch {
            checkpoint: HANDOVER,
            key: KEY_AIRCREW,
            role: SignerRole::Receiving,
            holder: AIRCREW,
            expected: Some(DPAA_LAB),
        })
    );
    assert!(report.findings.contains(&Finding::RoleMismatch {
        checkpoint: HANDOVER,
        key: KEY_DPAA_LAB,
        role: SignerRole::Releasing,
        holder: DPAA_LAB,
        expected: Some(AIRCREW),
    }));
    let signers = &report.checkpoints[0].signers;
    assert!(signers.iter().all(|s| s.status == SignatureStatus::Valid));
    assert!(!report.checkpoints[0].verified());
    assert_caught(&report);
}

#[test]
fn one_custodian_signing_both_sides_of_a_handover_is_caught() {
    // The aircrew keeps the box and signs the laboratory's side of the hand-over too.
    let stored = resigned(
        HANDOVER,
        &[
            (KEY_AIRCREW, SignerRole::Releasing),
            (KEY_AIRCREW, SignerRole::Receiving),
        ],
    );
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::DuplicateSigner {
            checkpoint: HANDOVER,
            key: KEY_AIRCREW
        })
    );
    assert_caught(&report);
}

#[test]
fn a_key_listed_for_another_party_cannot_sign_for_the_receiver() {
    // The UNC officials' key is trusted, but custody went from the aircrew to the laboratory.
    let stored = resigned(
        HANDOVER,
        &[
            (KEY_AIRCREW, SignerRole::Releasing),
            (KEY_UNC_RECEIVING, SignerRole::Receiving),
        ],
    );
    let report = verify_with(&stored, &all_keys(), None);
    assert_eq!(
        report.findings.as_slice(),
        [
            Finding::RoleMismatch {
                checkpoint: HANDOVER,
                key: KEY_UNC_RECEIVING,
                role: SignerRole::Receiving,
                holder: UNC_RECEIVING,
                expected: Some(DPAA_LAB),
            },
            Finding::IncompleteHandover {
                checkpoint: HANDOVER
            },
        ]
    );
    assert_eq!(
        report.checkpoints[0].signers[1].problem,
        Some(RoleProblem::WrongParty {
            expected: Some(DPAA_LAB)
        })
    );
    assert_caught(&report);

    // The honest log, with a keys file that lists the laboratory's key for another party.
    let (honest, _) = history(1);
    let misfiled = [
        trusted(KEY_AIRCREW, AIRCREW),
        trusted(KEY_DPAA_LAB, UNC_RECEIVING),
    ];
    let report = verify_with(&honest, &misfiled, None);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::RoleMismatch {
            checkpoint: HANDOVER,
            key: KEY_DPAA_LAB,
            role: SignerRole::Receiving,
            holder: UNC_RECEIVING,
            expected: Some(DPAA_LAB),
        })
    );
    assert_caught(&report);
}

#[test]
fn a_handover_with_no_custody_transfer_before_it_is_caught() {
    // A hand-over signed where the log records no transfer: the first records' custody
    // records removed, and the checkpoint signed right after the commission.
    let (_, records) = history(1);
    let mut short = vec![records[0].clone(), records[5].clone(), records[11].clone()];
    for (i, r) in short.iter_mut().enumerate() {
        r.header.seq = Seq(i as u32);
    }
    let stored = forge(&short, |_, count, head, _| {
        signed(
            count,
            head,
            &[
                (KEY_AIRCREW, SignerRole::Releasing),
                (KEY_DPAA_LAB, SignerRole::Receiving),
            ],
        )
    });
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::RoleMismatch {
            checkpoint: Seq(2),
            key: KEY_AIRCREW,
            role: SignerRole::Releasing,
            holder: AIRCREW,
            expected: None,
        })
    );
    assert_caught(&report);
}

#[test]
fn a_signature_by_a_key_not_in_the_keys_file_is_named() {
    // The UNC officials sign the laboratory's checkpoint as custodians; this verifier does
    // not trust their key.
    let stored = resigned(LAST, &[(KEY_UNC_RECEIVING, SignerRole::Custodian)]);
    let report = verify(&stored);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::UnknownKey {
            checkpoint: LAST,
            key: KEY_UNC_RECEIVING
        }]
    );
    assert_eq!(report.signed_prefix, 11);
    assert_caught(&report);
}

#[test]
fn an_unknown_key_is_named() {
    let (stored, _) = history(1);
    let report = verify_with(&stored, &[trusted(KEY_DPAA_LAB, DPAA_LAB)], None);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::UnknownKey {
            checkpoint: HANDOVER,
            key: KEY_AIRCREW
        })
    );
    assert!(
        !report.checkpoints[0].verified(),
        "a hand-over needs both sides"
    );
    assert_eq!(
        report.signed_prefix, 18,
        "the later checkpoint still covers everything"
    );
    assert_caught(&report);
}

#[test]
fn an_expired_key_is_named() {
    let (stored, _) = history(1);
    let mut expired = trusted(KEY_AIRCREW, AIRCREW);
    expired.valid_until = UtcSeconds::from_unix(1_530_403_200); // 2018-07-01
    let report = verify_with(&stored, &[expired, trusted(KEY_DPAA_LAB, DPAA_LAB)], None);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ExpiredKey {
            checkpoint: HANDOVER,
            key: KEY_AIRCREW
        })
    );
    assert_caught(&report);
}

#[test]
fn a_bad_signature_is_named() {
    let (mut stored, records) = history(1);
    stored[11] = reencode(&records, 11, |r| {
        if let Body::Checkpoint(c) = &mut r.body {
            let mut sig = c.signatures[0];
            sig.signature.0[10] ^= 1;
            let mut signatures = List::new();
            signatures.push(sig).ok();
            signatures.push(c.signatures[1]).ok();
            c.signatures = signatures;
        }
    });
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::BadSignature {
            checkpoint: HANDOVER,
            key: KEY_AIRCREW
        })
    );
    assert_caught(&report);
}

#[test]
fn the_same_signature_twice_counts_once_and_is_named() {
    // The laboratory's one signature, stored twice: it would read as two signers.
    let (_, records) = history(1);
    let twice = forge(&records, |i, _, _, c| {
        let mut signatures = c.signatures.clone();
        if i == LAST.0 as usize {
            signatures.push(c.signatures[0]).ok();
        }
        signatures
    });
    let report = verify(&twice);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::DuplicateSigner {
            checkpoint: LAST,
            key: KEY_DPAA_LAB
        }]
    );
    assert_eq!(report.signed_prefix, 11);
    assert_caught(&report);

    // The same public key listed under a second number: still one signer.
    let again = KeyId(16);
    let mut keys = keys();
    keys.push(TrustedKey {
        id: again,
        ..trusted(KEY_DPAA_LAB, DPAA_LAB)
    });
    let renumbered = forge(&records, |i, _, _, c| {
        let mut signatures = c.signatures.clone();
        if i == LAST.0 as usize {
            signatures
                .push(Signature {
                    key: again,
                    ..c.signatures[0]
                })
                .ok();
        }
        signatures
    });
    let report = verify_with(&renumbered, &keys, None);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::DuplicateSigner {
            checkpoint: LAST,
            key: again
        }]
    );
    assert_caught(&report);
}

// --- Checkpoints that cover nothing, or the wrong records ------------------------------------

#[test]
fn a_checkpoint_over_no_records_is_caught() {
    // A statement over no record has the genesis head on every tag: signed once, it would fit
    // any log. Put where the hand-over was, or in place of the commission.
    let genesis = Chain::default();
    let zero = || signed(0, genesis.head(), &[(KEY_DPAA_LAB, SignerRole::Custodian)]);
    let (_, records) = history(1);
    let mut log = LogBuilder::new();
    for (i, r) in records.iter().enumerate() {
        let mut r = r.clone();
        if i == HANDOVER.0 as usize {
            r.body = Body::Checkpoint(Checkpoint {
                count: 0,
                head: genesis.head(),
                signatures: zero(),
            });
        }
        log.push_record(r).expect("encodes");
    }
    let report = verify(&split(&log));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Inserted {
            checkpoint: HANDOVER,
            since: Seq(0),
            extra: 11
        })
    );
    assert_caught(&report);

    let mut first = records[HANDOVER.0 as usize].clone();
    first.header.seq = Seq(0);
    first.body = Body::Checkpoint(Checkpoint {
        count: 0,
        head: genesis.head(),
        signatures: zero(),
    });
    let mut log = LogBuilder::new();
    log.push_record(first).expect("encodes");
    let report = verify(&split(&log));
    assert_eq!(report.findings.as_slice(), [Finding::NoCommission]);
    assert!(report.checkpoints.is_empty(), "never taken as a checkpoint");
    assert_caught(&report);
}

#[test]
fn a_checkpoint_whose_count_is_not_its_position_is_caught() {
    // Validly signed over the first 10 records, and stored after 11.
    let (stored, records) = history(1);
    let ten = head_after(&stored, 10);
    let mut short = stored.clone();
    short[11] = reencode(&records, 11, |r| {
        r.body = Body::Checkpoint(Checkpoint {
            count: 10,
            head: ten.head,
            signatures: signed(
                10,
                ten.head,
                &[
                    (KEY_AIRCREW, SignerRole::Releasing),
                    (KEY_DPAA_LAB, SignerRole::Receiving),
                ],
            ),
        });
    });
    let report = verify(&short);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Inserted {
            checkpoint: HANDOVER,
            since: Seq(0),
            extra: 1
        })
    );
    assert_caught(&report);

    // Claiming one record more than precede it.
    let mut long = stored;
    long[11] = reencode(&records, 11, |r| {
        if let Body::Checkpoint(c) = &mut r.body {
            c.count = 12;
        }
    });
    let report = verify(&long);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Deleted {
            checkpoint: HANDOVER,
            since: Seq(0),
            missing: 1
        })
    );
    assert_caught(&report);
}

#[test]
fn an_earlier_checkpoint_copied_forward_is_caught() {
    // The hand-over's checkpoint, signatures and all, stored again in place of the last one:
    // its count goes backwards, and the records after it are covered by no signature.
    let (_, records) = history(1);
    let mut replayed = records.clone();
    replayed[LAST.0 as usize].body = records[HANDOVER.0 as usize].body.clone();
    let mut log = LogBuilder::new();
    for r in replayed {
        log.push_record(r).expect("encodes");
    }
    let report = verify(&split(&log));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Inserted {
            checkpoint: LAST,
            since: HANDOVER,
            extra: 7
        })
    );
    assert_eq!(report.signed_prefix, 11);
    assert_caught(&report);
}

// --- History rewritten after a checkpoint ----------------------------------------------------

#[test]
fn a_later_record_claiming_an_earlier_sequence_number_is_caught() {
    // A record after the last checkpoint that claims to be record 5.
    let (mut stored, records) = appended(records_body(5));
    let claims = records.len() - 1;
    stored[claims] = reencode(&records, claims, |r| r.header.seq = Seq(5));
    let report = verify(&stored);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::SequenceMismatch {
            position: Seq(19),
            claimed: Seq(5)
        }]
    );
    assert_caught(&report);

    // Inside the signed records, with the last checkpoint signed again over them by its
    // custodian: the signature holds, the numbering does not.
    let (_, mut records) = history(1);
    records[13].header.seq = Seq(3);
    for (i, r) in records.iter_mut().enumerate().skip(14) {
        r.header.seq = Seq(i as u32);
    }
    let report = verify(&forge(&records, |i, count, head, c| {
        if i == LAST.0 as usize {
            signed(count, head, &[(KEY_DPAA_LAB, SignerRole::Custodian)])
        } else {
            c.signatures.clone()
        }
    }));
    assert_eq!(
        report.findings.as_slice(),
        [Finding::SequenceMismatch {
            position: Seq(13),
            claimed: Seq(3)
        }]
    );
    assert_caught(&report);
}

fn records_body(i: usize) -> Body {
    history(1).1[i].body.clone()
}

#[test]
fn a_second_commission_after_a_checkpoint_is_caught() {
    let (stored, _) = appended(story::commission(2));
    let report = verify(&stored);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::SecondCommission { seq: Seq(19) }]
    );
    assert_caught(&report);
}

#[test]
fn a_later_checkpoint_whose_head_disagrees_is_caught() {
    // A checkpoint after the last one, signed by its custodian over the right count but the
    // head over one record fewer.
    let (stored, records) = appended(records_body(18));
    let wrong = head_after(&stored, 18).head;
    let mut changed = stored.clone();
    let at = records.len() - 1;
    changed[at] = reencode(&records, at, |r| {
        r.body = Body::Checkpoint(Checkpoint {
            count: 19,
            head: wrong,
            signatures: signed(19, wrong, &[(KEY_DPAA_LAB, SignerRole::Custodian)]),
        });
    });
    let report = verify(&changed);
    assert_eq!(
        report.findings.as_slice(),
        [Finding::ChainMismatch {
            checkpoint: Seq(19),
            since: LAST
        }]
    );
    assert_eq!(report.signed_prefix, 18);
    assert_caught(&report);
}

// --- Another tag's signatures ----------------------------------------------------------------

#[test]
fn a_signed_checkpoint_copied_from_another_tag_is_caught() {
    // Box 2's hand-over checkpoint, validly signed by both sides over box 2's chain, copied
    // into box 1's log where box 1's stood. The chain head binds the commission, and with it
    // the EPC and chip of the tag.
    let (_, one) = history(1);
    let (_, two) = history(2);
    let mut spliced = one.clone();
    spliced[HANDOVER.0 as usize].body = two[HANDOVER.0 as usize].body.clone();
    let mut log = LogBuilder::new();
    for r in spliced {
        log.push_record(r).expect("encodes");
    }
    let report = verify(&split(&log));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: HANDOVER,
            since: Seq(0)
        })
    );
    assert!(
        report.checkpoints[0]
            .signers
            .iter()
            .all(|s| s.status == SignatureStatus::Valid),
        "the signatures are genuine, over the other tag's chain"
    );
    assert_caught(&report);

    // Box 2's whole signed history behind box 1's commission: the identity is box 1's, the
    // signatures are box 2's.
    let (one, _) = history(1);
    let (two, _) = history(2);
    let mut behind = vec![one[0].clone()];
    behind.extend_from_slice(&two[1..]);
    let report = verify(&behind);
    assert_eq!(report.identity, Some(story::box_epc(1)));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: HANDOVER,
            since: Seq(0)
        })
    );
    assert_caught(&report);
}

#[test]
fn splicing_two_tags_logs_is_detected() {
    let (one, _) = history(1);
    let (two, _) = history(2);
    // Box 2's records after its hand-over checkpoint, appended to box 1's.
    let mut spliced = one[..12].to_vec();
    spliced.extend_from_slice(&two[12..]);
    let report = verify(&spliced);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: LAST,
            since: HANDOVER
        })
    );
    assert_caught(&report);
    // Box 2's whole log presented as box 1's.
    let report = verify(&two);
    assert_eq!(report.findings.first(), Some(&Finding::IdentityMismatch));
    assert_caught(&report);
}

// --- Records no signature covers -------------------------------------------------------------

#[test]
fn records_after_the_last_checkpoint_are_counted_as_unsigned() {
    // Two records appended after the last checkpoint, as a tag still in use would hold, or
    // an adversary could write: nothing tells them apart, and nothing vouches for them.
    let (_, mut records) = history(1);
    for i in [12, 13] {
        let mut r = records[i].clone();
        r.header.seq = Seq(records.len() as u32);
        records.push(r);
    }
    let stored = forge(&records, |_, _, _, c| c.signatures.clone());
    let report = verify(&stored);
    assert_eq!(report.verdict(), Verdict::Intact, "{:?}", report.findings);
    assert_eq!(report.records, 21);
    assert_eq!(report.signed_prefix, 18);
    assert_eq!(report.last_verified, Some(LAST));
    assert_eq!(report.added_since_signed(), 2);
    assert_eq!(report.unsigned_tail(), 3);
}

#[test]
fn without_keys_nothing_is_proven() {
    let (stored, _) = history(1);
    let report = run(
        Verifier::without_keys(Some(story::box_epc(1)), None),
        &stored,
    );
    assert_eq!(report.verdict(), Verdict::SignaturesNotChecked);
    assert!(!report.is_intact());
    assert_eq!(
        report.findings.as_slice(),
        [
            Finding::SignaturesNotChecked {
                checkpoint: HANDOVER
            },
            Finding::SignaturesNotChecked { checkpoint: LAST },
        ]
    );
    assert!(
        report
            .checkpoints
            .iter()
            .flat_map(|c| &c.signers)
            .all(|s| s.status == SignatureStatus::NotChecked)
    );
    assert_eq!(report.signed_prefix, 0);

    // Tampering is still found: the forged log is not intact, not merely unchecked.
    let (mut altered, records) = history(1);
    altered[8] = reencode(&records, 8, |r| {
        if let Body::Custody(c) = &mut r.body {
            c.condition = Condition::Damaged;
        }
    });
    let report = run(Verifier::without_keys(None, None), &altered);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: HANDOVER,
            since: Seq(0)
        })
    );
    assert_caught(&report);
}

#[test]
fn a_log_with_no_checkpoint_yet_proves_nothing() {
    let (stored, _) = history(1);
    let report = verify(&stored[..11]);
    assert_eq!(report.finding_count, 0);
    assert_eq!(report.verdict(), Verdict::NothingSigned);
    assert_eq!(report.added_since_signed(), 11);
}

#[test]
fn every_checkpoint_that_does_not_verify_is_a_finding() {
    // Every set of at most two signatures on each checkpoint, from every custodian in every
    // role, good and bad: a checkpoint either verifies or has a finding at its position, and
    // the log is intact exactly when every checkpoint verifies.
    let keys = all_keys();
    let mut pool: Vec<(KeyId, SignerRole, bool)> = Vec::new();
    for key in [KEY_AIRCREW, KEY_DPAA_LAB, KEY_UNC_RECEIVING, KeyId(9)] {
        for role in [
            SignerRole::Releasing,
            SignerRole::Receiving,
            SignerRole::Custodian,
            SignerRole::Auditor,
        ] {
            pool.push((key, role, true));
        }
    }
    pool.push((KEY_DPAA_LAB, SignerRole::Custodian, false));
    let mut sets: Vec<Vec<(KeyId, SignerRole, bool)>> = vec![vec![]];
    for (i, a) in pool.iter().enumerate() {
        sets.push(vec![*a]);
        for b in &pool[i..] {
            sets.push(vec![*a, *b]);
        }
    }
    let (_, records) = history(1);
    for at in [HANDOVER, LAST] {
        let mut intact = 0;
        for set in &sets {
            let stored = forge(&records, |i, count, head, c| {
                if i != at.0 as usize {
                    return signed_as_before(count, head, c);
                }
                let by: Vec<_> = set.iter().map(|&(k, r, _)| (k, r)).collect();
                let mut signatures = signed(count, head, &by);
                for (s, &(.., good)) in signatures.iter_mut().zip(set) {
                    if !good {
                        s.signature.0[0] ^= 1;
                    }
                }
                signatures
            });
            let report = verify_with(&stored, &keys, None);
            let all_verify = report.checkpoints.iter().all(|c| c.verified());
            assert_eq!(
                report.is_intact(),
                all_verify,
                "{set:?} at {at}: {report:#?}"
            );
            if all_verify {
                intact += 1;
            } else {
                assert_caught(&report);
            }
        }
        // At either checkpoint (the log's last custody transfer is the aircrew's to the
        // laboratory at both): the hand-over signed by the aircrew releasing and the
        // laboratory receiving (1), one custodian or auditor signature by one of the 3
        // trusted keys (6), or two by different trusted keys (12).
        assert_eq!(intact, 1 + 6 + 12, "at {at}");
    }
}

// --- Tampering that the chain alone reveals --------------------------------------------------

#[test]
fn deletion_is_detected_at_the_next_checkpoint() {
    let (mut stored, _) = history(1);
    stored.remove(5);
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Deleted {
            checkpoint: Seq(10),
            since: Seq(0),
            missing: 1
        })
    );
    assert_caught(&report);
}

#[test]
fn reordering_is_detected_at_the_next_checkpoint() {
    let (mut stored, _) = history(1);
    stored.swap(2, 3);
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: HANDOVER,
            since: Seq(0)
        })
    );
    assert_caught(&report);
}

#[test]
fn altered_bytes_are_detected_where_they_are() {
    let (mut stored, _) = history(1);
    let offset: u32 = stored[..7].iter().map(|b| b.len() as u32).sum();
    stored[7][4] ^= 0x40;
    let report = verify(&stored);
    match report.findings.first() {
        Some(Finding::Unreadable {
            seq, offset: at, ..
        }) => {
            assert_eq!(*seq, Seq(7));
            assert!(
                (offset..offset + stored[7].len() as u32).contains(at),
                "{at}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_caught(&report);
}

#[test]
fn altered_bytes_with_a_forged_crc_are_detected_at_the_next_checkpoint() {
    let (mut stored, records) = history(1);
    stored[8] = reencode(&records, 8, |r| {
        if let Body::Custody(c) = &mut r.body {
            c.condition = Condition::Damaged;
        }
    });
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: HANDOVER,
            since: Seq(0)
        })
    );
    assert_caught(&report);
}

#[test]
fn an_inserted_record_is_detected_at_the_next_checkpoint() {
    let (mut stored, records) = history(1);
    let forged = reencode(&records, 5, |r| r.body = records[4].body.clone());
    stored.insert(5, forged);
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Inserted {
            checkpoint: Seq(12),
            since: Seq(0),
            extra: 1
        })
    );
    assert_caught(&report);
}

#[test]
fn truncation_after_a_checkpoint_is_detected_against_the_archive() {
    let (stored, _) = history(1);
    let archived = head_after(&stored, 18);
    let report = verify_with(&stored[..12], &keys(), Some(archived));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::Truncated {
            archived: 18,
            present: 12
        })
    );
    assert_caught(&report);
    // Without an archive, the truncated log is a shorter honest log: nothing in it is false.
    assert!(verify(&stored[..12]).is_intact());
}

#[test]
fn rollback_to_an_older_state_is_detected_against_the_archive() {
    let (stored, records) = history(1);
    let archived = head_after(&stored, 18);
    // The memory is restored to its state after the first checkpoint, and written again.
    let mut rolled: Vec<Vec<u8>> = stored[..12].to_vec();
    let mut state = DeltaState::default();
    for r in &records[..12] {
        codec::encode_to_buf(r, &mut state).expect("encodes");
    }
    for i in 12..20 {
        let mut r = records[(i % 6) + 1].clone();
        r.header.seq = Seq(i as u32);
        rolled.push(
            codec::encode_to_buf(&r, &mut state)
                .expect("encodes")
                .to_vec(),
        );
    }
    let report = verify_with(&rolled, &keys(), Some(archived));
    assert_eq!(
        report.findings.first(),
        Some(&Finding::RolledBack { archived: 18 })
    );
    assert_caught(&report);
}

// --- Logs whose oldest records were reclaimed --------------------------------------------------

/// Where the oldest segment of a log reclaimed up to `from` starts: the state and the chain
/// after the records before it, as its header says.
fn start_at(stored: &[Vec<u8>], from: usize) -> SegmentStart {
    let mut state = DeltaState::default();
    for bytes in &stored[..from] {
        codec::decode(bytes, &mut state).expect("decodes");
    }
    let Archived { count, head } = head_after(stored, from);
    SegmentStart {
        state,
        chain_count: count,
        chain_head: head,
    }
}

/// Verifies what a tag reclaimed up to `from` holds: its identity, then records `from` on.
fn verify_reclaimed(stored: &[Vec<u8>], from: usize, archived: Option<Archived>) -> Report {
    let keys = keys();
    let mut v = Verifier::new(&keys, None, archived);
    v.push(&stored[0], 0);
    v.resume(&start_at(stored, from));
    for (i, bytes) in stored.iter().enumerate().skip(from) {
        v.push(bytes, 64 * i as u32);
    }
    v.finish()
}

#[test]
fn a_log_whose_oldest_records_were_reclaimed_verifies_with_the_archived_checkpoint() {
    let (stored, _) = history(1);
    // The host archived the hand-over checkpoint and reclaimed the records before it.
    let report = verify_reclaimed(&stored, HANDOVER.0 as usize, Some(head_after(&stored, 11)));
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records, 19);
    // An archive of a later checkpoint vouches for the resumed chain too.
    let report = verify_reclaimed(&stored, 14, Some(head_after(&stored, 18)));
    assert!(report.is_intact(), "{:?}", report.findings);
}

#[test]
fn reclaimed_records_that_no_archive_vouches_for_are_a_finding() {
    let (stored, _) = history(1);
    let report = verify_reclaimed(&stored, 11, None);
    assert_caught(&report);
    assert!(
        report
            .findings
            .contains(&Finding::ReclaimedUnvouched { from: Seq(11) }),
        "{:?}",
        report.findings
    );
    // Records cut from the front, after the archived checkpoint: a tag that says they were
    // reclaimed proves nothing about them.
    let report = verify_reclaimed(&stored, 15, Some(head_after(&stored, 11)));
    assert_caught(&report);
    assert!(
        report
            .findings
            .contains(&Finding::ReclaimedUnvouched { from: Seq(15) })
    );
}

#[test]
fn a_resumed_chain_that_is_not_the_archived_one_is_rolled_back() {
    let (stored, records) = history(1);
    // The tag says the chain resumes at 11 with a head over a record it altered.
    let mut altered = stored.clone();
    altered[5] = reencode(&records, 5, |r| r.header.actor = PartyRef(99));
    let keys = keys();
    let mut v = Verifier::new(&keys, None, Some(head_after(&stored, 11)));
    v.push(&stored[0], 0);
    v.resume(&start_at(&altered, 11));
    for (i, bytes) in stored.iter().enumerate().skip(11) {
        v.push(bytes, 64 * i as u32);
    }
    let report = v.finish();
    assert_caught(&report);
    assert!(
        report
            .findings
            .contains(&Finding::RolledBack { archived: 11 }),
        "{:?}",
        report.findings
    );
}
