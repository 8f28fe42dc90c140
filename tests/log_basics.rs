//! The custody log's behaviour without power cuts: format, append, mount, read, full, reclaim.

use remtag::log::{DamageReason, Entry, Log, LogError};
use remtag::model::Seq;
use remtag_tests::journey::{chain_over, journey};
use remtag_tests::targets::Nor;
use remtag_tests::torture::{Target, check_after_cut, run};

#[test]
fn a_journey_survives_remounts_on_nor_flash() {
    let records = journey(200);
    let mut mem = Nor::<4, 512>::new(16 * 1024);
    let acked = run(&mut mem, &records, 0, 200);
    assert_eq!(acked, 200);
    assert_eq!(check_after_cut(&mut mem, &records, 200), Ok(200));
}

#[test]
fn a_full_log_refuses_appends_and_keeps_everything() {
    let records = journey(400);
    let mut mem = Nor::<1, 512>::new(4 * 1024);
    let acked = run(&mut mem, &records, 0, 400);
    assert!(acked > 50 && acked < 400, "{acked}");
    let config = mem.config();
    let (mut log, _) = Log::mount(mem.medium(), config).expect("mounts");
    assert_eq!(log.append(&records[acked]), Err(LogError::LogFull));
    assert!(log.free_space() < 512, "{}", log.free_space());
    drop(log);
    assert_eq!(check_after_cut(&mut mem, &records, acked), Ok(acked));
}

#[test]
fn a_flipped_bit_is_repaired_and_reported() {
    let records = journey(30);
    let mut mem = Nor::<1, 512>::new(8 * 1024);
    run(&mut mem, &records, 0, 30);
    let config = mem.config();
    let (mut log, _) = Log::mount(mem.medium(), config).expect("mounts");
    let offset = log
        .read_from(Seq(5))
        .find_map(|e| match e {
            Ok(Entry::Record { offset, .. }) => Some(offset),
            _ => None,
        })
        .expect("record 5");
    drop(log);
    mem.flash.flip_bit(offset as usize + 3, 2);
    let (mut log, report) = Log::mount(mem.medium(), config).expect("mounts");
    assert_eq!(report.damage.len(), 1, "{:?}", report.damage);
    assert_eq!(report.damage[0].offset, offset);
    assert!(matches!(
        report.damage[0].reason,
        DamageReason::BitFlipRepaired { bit: 26 }
    ));
    let n = log
        .read_from(Seq(0))
        .filter(|e| matches!(e, Ok(Entry::Record { .. })))
        .count();
    assert_eq!(n, 30);
}

#[test]
fn reclaiming_after_an_archived_checkpoint_frees_space_and_the_chain_goes_on() {
    use remtag::Body;
    use remtag_tests::targets::Eeprom;
    let records = journey(3000);
    let mut mem = Eeprom::default();
    let full = run(&mut mem, &records, 0, records.len());
    assert!(full < records.len(), "the EEPROM fills up");
    let config = mem.config();
    let (mut log, _) = Log::mount(mem.medium(), config).expect("mounts");
    assert!(matches!(log.append(&records[full]), Err(LogError::LogFull)));

    // Only a checkpoint covering every record before it may be named.
    let not_checkpoint = (1..full).find(|&i| !matches!(records[i].body, Body::Checkpoint(_)));
    assert!(matches!(
        log.reclaim(Seq(not_checkpoint.expect("a record") as u32)),
        Err(LogError::ReclaimRefused(_))
    ));
    let checkpoint = (1..full)
        .rev()
        .find(|&i| matches!(records[i].body, Body::Checkpoint(_)))
        .expect("a checkpoint");
    let freed = log.reclaim(Seq(checkpoint as u32)).expect("reclaims");
    assert!(freed > 0);
    let before = log.free_space();
    assert!(before > 1000, "{before}");

    // Appending goes on, and the chain continues over the reclaimed records.
    let mut appended = full;
    while appended < full + 40 {
        log.append(&records[appended])
            .expect("appends after reclaiming");
        appended += 1;
    }
    assert_eq!(log.chain(), chain_over(&records[..appended]));
    drop(log);

    let (mut log, report) = Log::mount(mem.medium(), config).expect("mounts");
    assert!(!report.has_damage(), "{:?}", report.damage);
    assert_eq!(log.chain(), chain_over(&records[..appended]));
    let seqs: Vec<u32> = log
        .read_from(Seq(0))
        .map(|e| match e.expect("reads") {
            Entry::Record { record, .. } => {
                assert_eq!(record, records[record.header.seq.0 as usize]);
                record.header.seq.0
            }
            Entry::Damage(d) => panic!("{d}"),
        })
        .collect();
    assert_eq!(seqs[0], 0, "the identity is kept");
    assert!(seqs[1] > 1 && seqs[1] as usize <= checkpoint, "{}", seqs[1]);
    assert_eq!(*seqs.last().expect("records"), appended as u32 - 1);
    assert!(seqs.windows(2).skip(1).all(|w| w[1] == w[0] + 1));
}
