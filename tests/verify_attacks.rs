//! The attack suite: every way of tampering with a custody log that the verifier must catch,
//! each detected at the right position, and honest logs passing.

use remtag::Record;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState};
use remtag::model::{Body, Condition, KeyId, Seq, UtcSeconds};
use remtag::verify::{Archived, Finding, Report, TrustedKey, Verifier};
use remtag_sim::keys::demo_keypair;
use remtag_sim::story::{self, AIRCREW, DPAA_LAB, KEY_AIRCREW, KEY_DPAA_LAB};

/// The stored bytes of each record of box `n`'s history, and the records.
fn history(n: u32) -> (Vec<Vec<u8>>, Vec<Record>) {
    let log = story::history(n).expect("the story encodes");
    let stored = log
        .records()
        .iter()
        .map(|r| log.stored(r.header.seq).expect("stored").to_vec())
        .collect();
    (stored, log.records().to_vec())
}

fn trusted(key: KeyId, party: remtag::model::PartyRef) -> TrustedKey {
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

fn verify_with(stored: &[Vec<u8>], keys: &[TrustedKey], archived: Option<Archived>) -> Report {
    let mut v = Verifier::new(keys, Some(story::box_epc(1)), archived);
    let mut offset = 0;
    for bytes in stored {
        v.push(bytes, offset);
        offset += bytes.len() as u32;
    }
    v.finish()
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

#[test]
fn an_honest_log_verifies_whole() {
    let (stored, _) = history(1);
    let report = verify(&stored);
    assert!(report.is_intact(), "{:?}", report.findings);
    assert_eq!(report.records, 19);
    assert_eq!(report.signed_prefix, 18);
    assert_eq!(report.unsigned_tail(), 1);
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
}

#[test]
fn reordering_is_detected_at_the_next_checkpoint() {
    let (mut stored, _) = history(1);
    stored.swap(2, 3);
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::ChainMismatch {
            checkpoint: Seq(11),
            since: Seq(0)
        })
    );
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
            checkpoint: Seq(11),
            since: Seq(0)
        })
    );
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
            checkpoint: Seq(18),
            since: Seq(11)
        })
    );
    // Box 2's whole log presented as box 1's.
    let report = verify(&two);
    assert_eq!(report.findings.first(), Some(&Finding::IdentityMismatch));
}

#[test]
fn an_unknown_key_is_named() {
    let (stored, _) = history(1);
    let report = verify_with(&stored, &[trusted(KEY_DPAA_LAB, DPAA_LAB)], None);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::UnknownKey {
            checkpoint: Seq(11),
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
            checkpoint: Seq(11),
            key: KEY_AIRCREW
        })
    );
}

#[test]
fn a_bad_signature_is_named() {
    let (mut stored, records) = history(1);
    stored[11] = reencode(&records, 11, |r| {
        if let Body::Checkpoint(c) = &mut r.body {
            let mut sig = c.signatures[0];
            sig.signature.0[10] ^= 1;
            let mut signatures = remtag::model::List::new();
            signatures.push(sig).ok();
            signatures.push(c.signatures[1]).ok();
            c.signatures = signatures;
        }
    });
    let report = verify(&stored);
    assert_eq!(
        report.findings.first(),
        Some(&Finding::BadSignature {
            checkpoint: Seq(11),
            key: KEY_AIRCREW
        })
    );
}
