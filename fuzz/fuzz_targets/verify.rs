//! The verifier on the honest log of box 1 of 2018 with the fuzzer's changes, read as
//! `remtag-sim verify` reads a file, trusting one of several key sets.
//!
//! The input is a byte of options (the key set, whether the archive holds the last honest
//! checkpoint, whether the identity is expected), then the log's bytes: the seeds hold the
//! honest log, which the fuzzer changes.
//!
//! Properties:
//! - a checkpoint reported verified covers records identical to the honest log's: no one but
//!   the custodians can sign, and they signed only the honest log;
//! - a log reported intact holds, for every checkpoint in it, exactly the honest records that
//!   checkpoint covers: a change anywhere in a checkpointed prefix is never intact;
//! - a log reported intact has every checkpoint in it verified (what `Report::is_intact`
//!   promises);
//! - with the archive, a log reported intact holds the honest records the archive covered.

#![no_main]

use libfuzzer_sys::fuzz_target;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState};
use remtag::model::{Body, UtcSeconds};
use remtag::verify::{Archived, TrustedKey, Verifier};
use remtag_fuzz::{Input, history_stored, story_keys};
use remtag_sim::image::{self, Item};
use remtag_sim::keys::demo_keypair;
use remtag_sim::story;

struct Honest {
    stored: Vec<Vec<u8>>,
    archived: Archived,
    keys: Vec<TrustedKey>,
}

thread_local! {
    static HONEST: Honest = {
        let stored = history_stored();
        // The archive holds the last checkpoint: the one over every record before it.
        let mut state = DeltaState::default();
        let mut count = 0;
        for bytes in &stored {
            let (record, _) = codec::decode(bytes, &mut state).expect("the story decodes");
            if let Body::Checkpoint(c) = record.body {
                count = c.count;
            }
        }
        let mut chain = Chain::default();
        stored[..count as usize].iter().for_each(|b| chain.push(b));
        Honest {
            archived: Archived { count, head: chain.head() },
            keys: story_keys(),
            stored,
        }
    };
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let options = input.byte();
    let log = input.rest();
    HONEST.with(|honest| check(honest, options, log));
});

fn check(honest: &Honest, options: u8, log: &[u8]) {
    let keys = key_set(&honest.keys, options & 3);
    let archived = (options & 4 != 0).then_some(honest.archived);
    let expected = (options & 8 != 0).then(|| story::box_epc(1));

    // As `remtag-sim verify` reads a file.
    let Ok((_, items, _)) = image::read(log) else {
        return;
    };
    let mut verifier = Verifier::new(&keys, expected, archived);
    let mut pushed: Vec<&[u8]> = Vec::new();
    for item in &items {
        match item {
            Item::Record { offset, stored, .. } => {
                verifier.push(stored, *offset);
                pushed.push(stored);
            }
            Item::Trailing { offset, bytes } => {
                verifier.push(bytes, *offset);
                pushed.push(bytes);
            }
            Item::Damage(d) => verifier.damage(*d),
            Item::Resume(start) => verifier.resume(start),
        }
    }
    let report = verifier.finish();
    let _ = remtag_sim::render::verification(&report);
    // The properties below compare a log read from its start with the honest one.
    if items.iter().any(|i| matches!(i, Item::Resume(_))) {
        return;
    }

    let honest_prefix = |n: u32| {
        let n = n as usize;
        n <= pushed.len()
            && n <= honest.stored.len()
            && pushed[..n]
                .iter()
                .zip(&honest.stored[..n])
                .all(|(a, b)| *a == b.as_slice())
    };
    for c in report.checkpoints.iter().filter(|c| c.verified()) {
        assert!(
            honest_prefix(c.count),
            "checkpoint {} verified over {} records that are not the honest ones: {report:?}",
            c.seq,
            c.count
        );
    }
    if report.signed_prefix > 0 {
        assert!(honest_prefix(report.signed_prefix), "{report:?}");
    }
    if !report.is_intact() {
        return;
    }
    // Intact: every record decodes; the checkpoints in it cover honest records only.
    let mut state = DeltaState::default();
    for stored in &pushed {
        let (record, _) = codec::decode(stored, &mut state).expect("an intact log decodes");
        if let Body::Checkpoint(c) = record.body {
            assert!(
                honest_prefix(c.count),
                "reported intact, but checkpoint {} covers {} records that differ from the \
                 honest log: {report:?}",
                record.header.seq,
                c.count
            );
        }
    }
    assert!(
        report.checkpoints.iter().all(|c| c.verified()),
        "reported intact with a checkpoint that does not verify: {report:?}"
    );
    if let Some(a) = archived {
        assert!(
            honest_prefix(a.count),
            "intact against the archive: {report:?}"
        );
    }
}

/// The story's keys (0), the aircrew's alone (1), all of them expired before the journey
/// ended (2), or all of them with the wrong public keys (3).
fn key_set(keys: &[TrustedKey], which: u8) -> Vec<TrustedKey> {
    match which {
        0 => keys.to_vec(),
        1 => keys
            .iter()
            .copied()
            .filter(|k| k.id == story::KEY_AIRCREW)
            .collect(),
        2 => keys
            .iter()
            .map(|k| TrustedKey {
                valid_until: UtcSeconds::from_unix(1_533_000_000),
                ..*k
            })
            .collect(),
        _ => keys
            .iter()
            .map(|k| TrustedKey {
                public: *demo_keypair(remtag::model::KeyId(k.id.0 + 100)).pk,
                ..*k
            })
            .collect(),
    }
}
