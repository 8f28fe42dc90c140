//! The custody log's behaviour without power cuts: format, append, mount, read, full, reclaim.

use remtag::log::{DamageReason, Entry, Log, LogError};
use remtag::model::Seq;
use remtag_tests::journey::journey;
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
