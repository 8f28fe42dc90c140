//! Damage is evidence: seeded runs with several power cuts and random torn bits, the torn-header
//! failure class of sequential-storage 8.0.2 (its issue 136), and bit rot in every stored bit.

use remtag::Record;
use remtag::log::{DamageReason, Entry, Log};
use remtag::model::Seq;
use remtag_tests::journey::journey;
use remtag_tests::targets::{Eeprom, Nor};
use remtag_tests::torture::{CutWord, Target, check_after_cut, check_continues, run};

/// A small deterministic generator (splitmix64), so that a failing run names its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
}

fn random_runs<T: Target>(fresh: &T, records: &[Record], runs: u64) -> u64 {
    let mut cuts = 0;
    for seed in 0..runs {
        let mut rng = Rng(seed);
        let mut mem = fresh.clone();
        let mut acked = 0;
        for _ in 0..2 + rng.next() % 4 {
            let after = rng.next() % 1_500;
            mem.cut_after(after, CutWord::Random, rng.next());
            acked = run(&mut mem, records, acked, records.len());
            acked = check_after_cut(&mut mem, records, acked)
                .unwrap_or_else(|e| panic!("{} seed {seed}: {e}", mem.name()));
            cuts += 1;
        }
        check_continues(&mut mem, records, acked, 5)
            .unwrap_or_else(|e| panic!("{} seed {seed}, continuing: {e}", mem.name()));
    }
    cuts
}

#[test]
fn random_power_cuts_with_torn_bits_on_nor() {
    let records = journey(120);
    let cuts = random_runs(&Nor::<1, 512>::new(16 * 1024), &records, 300)
        + random_runs(&Nor::<2, 512>::new(16 * 1024), &records, 300)
        + random_runs(&Nor::<4, 512>::new(16 * 1024), &records, 300);
    println!("random NOR: 900 seeded runs, {cuts} cuts");
}

#[test]
fn random_power_cuts_with_torn_bits_on_eeprom() {
    let cuts = random_runs(&Eeprom::default(), &journey(120), 300);
    println!("random EEPROM: 300 seeded runs, {cuts} cuts");
}

/// The shape that loses an acknowledged item in sequential-storage 8.0.2: an append torn
/// inside its first bytes, then later appends whose first bytes would complete the torn ones.
/// Here the append is cut at every byte-step, and the first byte it left unwritten is set to
/// every value a later write could give it; the appends after the reboot must never combine
/// with the torn bytes, and every acknowledged record must survive the next reboot.
fn torn_header_then_appends<T: TornByte>(fresh: &T) -> u64 {
    let records = journey(6);
    let mut base = fresh.clone();
    assert_eq!(run(&mut base, &records, 0, 2), 2);
    let mut probe = base.clone();
    let start = probe.steps();
    assert_eq!(run(&mut probe, &records, 2, 3), 3);
    let steps = probe.steps() - start;
    let mut tried = 0;
    for cut in 0..steps {
        for value in 0..=255u8 {
            let mut mem = base.clone();
            mem.cut_after(cut, CutWord::Old, 0);
            assert_eq!(run(&mut mem, &records, 2, 3), 2);
            mem.restore();
            // The first byte the torn append did not write: where the next append's bytes
            // would land in a log that reuses torn space.
            if let Some(at) = (0..mem.bytes().len()).find(|&i| mem.bytes()[i] != probe.bytes()[i]) {
                mem.poke(at, value);
            }
            let present = check_after_cut(&mut mem, &records, 2)
                .unwrap_or_else(|e| panic!("{}: cut {cut}, byte {value:#04x}: {e}", mem.name()));
            check_continues(&mut mem, &records, present, 6)
                .unwrap_or_else(|e| panic!("{}: cut {cut}, byte {value:#04x}: {e}", mem.name()));
            tried += 1;
        }
    }
    tried
}

/// A memory whose bytes a test can read and set directly.
trait TornByte: Target {
    fn poke(&mut self, at: usize, value: u8);
    fn bytes(&self) -> &[u8];
}

impl<const W: usize, const E: usize> TornByte for Nor<W, E> {
    fn poke(&mut self, at: usize, value: u8) {
        if let Some(b) = self.flash.contents_mut().get_mut(at) {
            *b &= value;
        }
    }

    fn bytes(&self) -> &[u8] {
        self.flash.contents()
    }
}

impl TornByte for Eeprom {
    fn poke(&mut self, at: usize, value: u8) {
        if let Some(b) = self.chip.contents_mut().get_mut(at) {
            *b = value;
        }
    }

    fn bytes(&self) -> &[u8] {
        self.chip.contents()
    }
}

#[test]
fn sequential_storage_issue_136_shape_never_loses_a_record() {
    let mut tried = torn_header_then_appends(&Nor::<1, 512>::new(8 * 1024));
    tried += torn_header_then_appends(&Nor::<2, 512>::new(8 * 1024));
    tried += torn_header_then_appends(&Nor::<4, 512>::new(8 * 1024));
    tried += torn_header_then_appends(&Eeprom::default());
    println!("issue-136 shape: {tried} torn-byte cases");
}

/// Every single-bit flip in every stored record is found and reported at that record.
fn every_bit_flip_is_reported<T: TornByte + Flip>(fresh: &T) -> u64 {
    let records = journey(30);
    let mut mem = fresh.clone();
    assert_eq!(run(&mut mem, &records, 0, 30), 30);
    let config = mem.config();
    let (mut log, _) = Log::mount(mem.medium(), config).expect("mounts");
    let stored: Vec<(u32, usize, Seq)> = log
        .read_from(Seq(1))
        .filter_map(|e| match e {
            Ok(Entry::Record {
                offset,
                stored,
                record,
                ..
            }) => Some((offset, stored.len(), record.header.seq)),
            _ => None,
        })
        .collect();
    drop(log);
    let mut flips = 0;
    for (offset, len, seq) in stored {
        for bit in 0..len * 8 {
            let mut m = mem.clone();
            let name = m.name();
            m.flip(offset as usize + bit / 8, (bit % 8) as u8);
            let (mut log, report) = Log::mount(m.medium(), config).expect("mounts");
            let last = seq.0 == 29;
            let d = report
                .damage
                .iter()
                .find(|d| d.offset == offset)
                .unwrap_or_else(|| {
                    panic!(
                        "{name}: flip of bit {bit} in record {seq} not reported: {:?}",
                        report.damage
                    )
                });
            match d.reason {
                DamageReason::BitFlipRepaired { bit: b } => {
                    assert_eq!(b as usize, bit);
                    let n = log
                        .read_from(Seq(0))
                        .filter(|e| matches!(e, Ok(Entry::Record { .. })))
                        .count();
                    assert_eq!(n, 30, "{name}: repaired log reads whole");
                }
                // A flip in the last record cannot be repaired with certainty (a torn append may
                // differ from a whole record by one bit): it is reported at the record, as a
                // torn append or, when written bytes follow its claimed end, as damage.
                DamageReason::TornAppend | DamageReason::Unreadable(_) => {
                    assert!(last, "{name}: record {seq} bit {bit}: {:?}", d.reason)
                }
                other => panic!("{name}: record {seq} bit {bit}: {other:?}"),
            }
            flips += 1;
        }
    }
    flips
}

trait Flip: Target {
    fn flip(&mut self, at: usize, bit: u8);
}

impl<const W: usize, const E: usize> Flip for Nor<W, E> {
    fn flip(&mut self, at: usize, bit: u8) {
        self.flash.flip_bit(at, bit);
    }
}

impl Flip for Eeprom {
    fn flip(&mut self, at: usize, bit: u8) {
        self.chip.flip_bit(at, bit);
    }
}

#[test]
fn every_single_bit_flip_in_a_stored_log_is_reported_at_its_record() {
    let flips = every_bit_flip_is_reported(&Nor::<1, 512>::new(8 * 1024))
        + every_bit_flip_is_reported(&Eeprom::default());
    println!("bit rot: {flips} single-bit flips");
}

/// Damage that cannot be repaired in the newest segment, with intact records after it, is
/// damage, not a torn append: it is reported, and the segment is never written again, so the
/// evidence stays.
#[test]
fn unrepairable_damage_in_the_newest_segment_is_kept_and_reported() {
    let records = journey(12);
    let mut mem = Eeprom::default();
    assert_eq!(run(&mut mem, &records, 0, 8), 8);
    let config = mem.config();
    let (mut log, _) = Log::mount(mem.medium(), config).expect("mounts");
    let (offset, len) = log
        .read_from(Seq(3))
        .find_map(|e| match e {
            Ok(Entry::Record { offset, stored, .. }) => Some((offset as usize, stored.len())),
            _ => None,
        })
        .expect("record 3");
    drop(log);
    let before = mem.chip.contents()[offset + len..offset + len + 200].to_vec();
    mem.chip.flip_bit(offset + 5, 1);
    mem.chip.flip_bit(offset + 9, 6);

    let (mut log, report) = Log::mount(mem.medium(), config).expect("mounts");
    assert!(report.has_damage());
    assert_eq!(report.damage[0].offset as usize, offset);
    assert!(matches!(
        report.damage[0].reason,
        DamageReason::Unreadable(_)
    ));
    log.append(&records[8]).expect("appends elsewhere");
    drop(log);
    assert_eq!(
        mem.chip.contents()[offset + len..offset + len + 200],
        before[..],
        "the records after the damage are untouched"
    );
    let (mut log, report) = Log::mount(mem.medium(), config).expect("mounts");
    assert!(matches!(
        report.damage[0].reason,
        DamageReason::Unreadable(_)
    ));
    let seqs: Vec<u32> = log
        .read_from(Seq(0))
        .filter_map(|e| match e {
            Ok(Entry::Record { record, .. }) => Some(record.header.seq.0),
            _ => None,
        })
        .collect();
    assert_eq!(seqs, vec![0, 1, 2, 8]);
}
