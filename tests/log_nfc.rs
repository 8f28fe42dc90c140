//! The log in NFC tag memory: 4-byte pages written whole, no tearing protection, 144 to 888
//! bytes. A power cut at every byte-step of every write, as in P1.

use remtag::log::medium::RewritableMedium;
use remtag::log::{LayoutConfig, LayoutProblem, Log, LogError};
use remtag_sim::memory::ntag::SimTagMemory;
use remtag_tests::journey::custody_journey;
use remtag_tests::targets::Tag;
use remtag_tests::torture::{CutWord, p1, run};

const WORDS: [CutWord; 3] = [CutWord::Old, CutWord::New, CutWord::Random];

#[test]
fn p1_ntag216() {
    let records = custody_journey(40);
    let mut probe = Tag::new(SimTagMemory::NTAG216);
    let fits = run(&mut probe, &records, 0, records.len());
    assert!(fits >= 30, "an NTAG216 holds {fits} records");
    let tried = p1(
        &Tag::new(SimTagMemory::NTAG216),
        &records[..fits - 3],
        &WORDS,
    );
    println!("P1 NTAG216: {} records, {tried} cut points", fits - 3);
}

#[test]
fn p1_ntag215() {
    let records = custody_journey(30);
    let mut probe = Tag::new(SimTagMemory::NTAG215);
    let fits = run(&mut probe, &records, 0, records.len());
    assert!(fits >= 15, "an NTAG215 holds {fits} records");
    let tried = p1(
        &Tag::new(SimTagMemory::NTAG215),
        &records[..fits - 3],
        &WORDS,
    );
    println!("P1 NTAG215: {} records, {tried} cut points", fits - 3);
}

/// 144 bytes cannot hold two identity copies of the 2018 commission record (44 bytes each,
/// with a 10-byte slot frame) and a segment with its header: the layout refuses, with a
/// reason, before anything is written.
#[test]
fn ntag213_is_refused_with_a_reason_and_left_untouched() {
    let records = custody_journey(4);
    let mut tag = SimTagMemory::new(SimTagMemory::NTAG213);
    let config = LayoutConfig {
        identity_slot_len: Some(56),
        segment_len: None,
    };
    match Log::format(RewritableMedium::new(&mut tag, 4), config, &records[0]) {
        Err(LogError::BadLayout(why)) => assert_eq!(why, LayoutProblem::SegmentsTooSmall, "{why}"),
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("an NTAG213 cannot hold a log"),
    }
    assert_eq!(tag.pages_written(), 0);
}
