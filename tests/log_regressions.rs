//! The log's answer to each way an independent power-cut model and an independent decoder
//! once broke it: segments used a second time, erases cut anywhere, two faults in one header,
//! damage found at mount and never reported, crafted headers. Each test builds the state the
//! fault made and checks what must hold: nothing acknowledged lost, nothing invented, every
//! damage reported where it lies, and the log still able to append.

use remtag::Record;
use remtag::codec;
use remtag::log::medium::{NorFlashMedium, eeprom_24x256};
use remtag::log::{
    Damage, Entry, Layout, LayoutConfig, LayoutVersion, Log, LogError, Medium, MountReport,
    SegmentHeader,
};
use remtag::model::{Body, Seq};
use remtag_sim::memory::power::{PowerControl, PowerCut, Tear};
use remtag_sim::memory::{SimEeprom, SimNorFlash};
use remtag_tests::journey::journey;

type Nor = SimNorFlash<4, 256>;

/// A memory the log runs on here, kept outside the log so that a cut leaves it behind.
trait Memory: PowerControl + Clone {
    fn with_log<R>(&mut self, run: impl FnOnce(&mut dyn LogOps) -> R) -> R;
    fn config() -> LayoutConfig;
}

/// What the tests do with a log, whatever its medium.
trait LogOps {
    fn format(&mut self, record: &Record) -> Result<(), Fail>;
    fn mount(&mut self) -> Result<MountReport, Fail>;
    fn append(&mut self, record: &Record) -> Result<(), Fail>;
    fn reclaim(&mut self, seq: Seq) -> Result<u32, Fail>;
    fn read(&mut self) -> (Vec<Record>, Vec<Damage>);
    /// Where each record read starts.
    fn offsets(&mut self) -> Vec<usize>;
    fn next_seq(&mut self) -> Option<Seq>;
    /// Where the segments in use start, oldest first.
    fn segments_in_use(&mut self) -> Vec<usize>;
    /// The layout of the mounted log.
    fn layout(&mut self) -> Option<Layout>;
}

/// How a log operation failed, as far as these tests tell failures apart.
#[derive(Debug, PartialEq)]
enum Fail {
    Full,
    Unformatted,
    Other(String),
}

/// A log on a medium, mounted or formatted on demand.
struct On<M: Medium> {
    medium: Option<M>,
    log: Option<Log<M>>,
    config: LayoutConfig,
}

fn fail<E: core::fmt::Debug>(e: LogError<E>) -> Fail {
    match e {
        LogError::LogFull => Fail::Full,
        LogError::Unformatted => Fail::Unformatted,
        other => Fail::Other(format!("{other:?}")),
    }
}

impl<M: Medium> LogOps for On<M> {
    fn format(&mut self, record: &Record) -> Result<(), Fail> {
        let medium = self.medium.take().ok_or(Fail::Unformatted)?;
        match Log::try_format(medium, self.config, record) {
            Ok(log) => {
                self.log = Some(log);
                Ok(())
            }
            Err((medium, e)) => {
                self.medium = Some(medium);
                Err(fail(e))
            }
        }
    }

    fn mount(&mut self) -> Result<MountReport, Fail> {
        let medium = self.medium.take().ok_or(Fail::Unformatted)?;
        match Log::try_mount(medium, self.config) {
            Ok((log, report)) => {
                self.log = Some(log);
                Ok(report)
            }
            Err((medium, e)) => {
                self.medium = Some(medium);
                Err(fail(e))
            }
        }
    }

    fn append(&mut self, record: &Record) -> Result<(), Fail> {
        let log = self.log.as_mut().ok_or(Fail::Unformatted)?;
        log.append(record).map(|_| ()).map_err(fail)
    }

    fn reclaim(&mut self, seq: Seq) -> Result<u32, Fail> {
        let log = self.log.as_mut().ok_or(Fail::Unformatted)?;
        log.reclaim(seq).map_err(fail)
    }

    fn read(&mut self) -> (Vec<Record>, Vec<Damage>) {
        let mut records = Vec::new();
        let mut damage = Vec::new();
        if let Some(log) = self.log.as_mut() {
            for entry in log.read_from(Seq(0)) {
                match entry.expect("reads") {
                    Entry::Record { record, .. } => records.push(record),
                    Entry::Damage(d) => damage.push(d),
                }
            }
        }
        (records, damage)
    }

    fn offsets(&mut self) -> Vec<usize> {
        let Some(log) = self.log.as_mut() else {
            return Vec::new();
        };
        log.read_from(Seq(0))
            .filter_map(|entry| match entry.expect("reads") {
                Entry::Record { offset, .. } => Some(offset as usize),
                Entry::Damage(_) => None,
            })
            .collect()
    }

    fn next_seq(&mut self) -> Option<Seq> {
        self.log.as_ref().and_then(Log::next_seq)
    }

    fn layout(&mut self) -> Option<Layout> {
        self.log.as_ref().map(|log| *log.layout())
    }

    fn segments_in_use(&mut self) -> Vec<usize> {
        let Some(log) = self.log.as_ref() else {
            return Vec::new();
        };
        let layout = *log.layout();
        let newest = log.newest_epoch().unwrap_or(0);
        (log.oldest_epoch()..=newest)
            .map(|e| layout.segment_start(layout.physical(e)) as usize)
            .collect()
    }
}

impl<const W: usize, const E: usize> Memory for SimNorFlash<W, E> {
    fn with_log<R>(&mut self, run: impl FnOnce(&mut dyn LogOps) -> R) -> R {
        let mut on = On {
            medium: Some(NorFlashMedium::new(self)),
            log: None,
            config: Self::config(),
        };
        run(&mut on)
    }

    fn config() -> LayoutConfig {
        LayoutConfig::default()
    }
}

impl Memory for SimEeprom {
    fn with_log<R>(&mut self, run: impl FnOnce(&mut dyn LogOps) -> R) -> R {
        let delay = self.delay();
        let mut on = On {
            medium: Some(eeprom_24x256(self, delay)),
            log: None,
            config: Self::config(),
        };
        run(&mut on)
    }

    /// 512-byte segments, so that segments are used again soon.
    fn config() -> LayoutConfig {
        LayoutConfig {
            identity_slot_len: None,
            segment_len: Some(512),
        }
    }
}

/// The host: appends `records[from..until]`, reclaiming up to the newest checkpoint whenever
/// the log is full, as an archive does after reading it. Returns how many records are
/// acknowledged; stops at the first failure (a power cut).
fn append_with_reclaim(
    log: &mut dyn LogOps,
    records: &[Record],
    from: usize,
    until: usize,
) -> usize {
    let mut acked = from;
    while acked < until {
        let r = &records[acked];
        match log.append(r) {
            Ok(()) => acked += 1,
            Err(Fail::Full) => {
                let checkpoint = records[..acked]
                    .iter()
                    .rev()
                    .find(|r| matches!(r.body, Body::Checkpoint(_)))
                    .map(|r| r.header.seq);
                match checkpoint.map(|c| log.reclaim(c)) {
                    Some(Ok(n)) if n > 0 => {}
                    _ => return acked,
                }
            }
            Err(_) => return acked,
        }
    }
    acked
}

/// A used medium: formatted, then the journey appended with reclamation until each segment
/// has been used at least twice.
fn used<T: Memory>(fresh: T, records: &[Record], until: usize) -> T {
    let mut mem = fresh;
    let acked = mem.with_log(|log| {
        log.format(&records[0]).expect("formats");
        append_with_reclaim(log, records, 1, until)
    });
    assert_eq!(acked, until);
    mem
}

/// After a reboot: the records read are the journey's, in order, from the oldest segment in
/// use on, none acknowledged missing, nothing but the append in flight added; no damage but a
/// torn append; and the log appends the next record.
fn check(log: &mut dyn LogOps, report: &MountReport, records: &[Record], acked: usize, what: &str) {
    let torn_only = |d: &Damage| d.may_be_a_power_cut();
    assert!(
        report.damage.iter().all(torn_only) && report.damage_count as usize == report.damage.len(),
        "{what}: damage where none exists: {:?}",
        report.damage
    );
    let (present, damage) = log.read();
    assert!(damage.iter().all(torn_only), "{what}: {damage:?}");
    assert_eq!(present[0], records[0], "{what}: the identity");
    let first = present.get(1).map_or(1, |r| r.header.seq.0 as usize);
    for (i, r) in present.iter().enumerate().skip(1) {
        let seq = r.header.seq.0 as usize;
        assert_eq!(
            seq,
            first + i - 1,
            "{what}: sequence numbers follow each other"
        );
        assert_eq!(*r, records[seq], "{what}: record {seq} is the one appended");
    }
    let last = present.last().map_or(0, |r| r.header.seq.0 as usize);
    assert!(
        last + 1 >= acked && last <= acked,
        "{what}: record {last} is the last one read, {acked} were acknowledged"
    );
    assert_eq!(log.next_seq(), Some(Seq(last as u32 + 1)), "{what}: next");
    let next = last + 1;
    assert_eq!(
        append_with_reclaim(log, records, next, next + 40),
        next + 40,
        "{what}: the log appends after the cut"
    );
}

/// Cuts `work` at each of its first `ops` memory operations, with every tear of the catalogue
/// and a few seeds, reboots and checks.
fn cut_everywhere<T: Memory>(
    mem: &T,
    records: &[Record],
    ops: u64,
    work: impl Fn(&mut dyn LogOps) -> usize,
    after: impl Fn(&mut T, u64),
) -> u32 {
    let mut cuts = 0;
    for k in 0..ops {
        for tear in Tear::catalogue(16) {
            for seed in 0..3 {
                let mut m = mem.clone();
                let run = m.run_with_cut(PowerCut::in_operation(k, tear, seed), |m| {
                    m.with_log(|log| if log.mount().is_ok() { work(log) } else { 0 })
                });
                if !run.cut {
                    continue;
                }
                cuts += 1;
                after(&mut m, seed);
                let what = format!("operation {k}, {tear:?}, seed {seed}");
                m.with_log(|log| {
                    let report = log.mount().unwrap_or_else(|e| panic!("{what}: {e:?}"));
                    check(log, &report, records, run.output, &what);
                });
            }
        }
    }
    cuts
}

/// The next appends open a used NOR segment; every erase and program on the way is cut, in
/// every way a sector erase or a program can stop (old, erased and half-erased bytes in any
/// order, any subset of the bits). The log once locked itself full for good after a cut erase.
#[test]
fn nor_cuts_while_a_used_segment_is_opened_lose_nothing_and_lock_nothing() {
    let records = journey(900);
    let mem = used(SimNorFlash::<4, 256>::new(8 * 1024), &records, 400);
    let cuts = cut_everywhere(
        &mem,
        &records,
        40,
        |log| append_with_reclaim(log, &records, 400, 440),
        |m, seed| m.disturb_marginal_bits(seed),
    );
    println!("{cuts} cuts on NOR flash");
    assert!(cuts > 100);
}

/// Appends into used EEPROM segments, and the openings of used segments, cut in every way a
/// page write can stop: each byte old or new. A cut after an append's first byte once made a
/// record of the segment's earlier use whole again, a torn length once pointed at one, and a
/// cut header write once brought back a segment's old header and locked the log full.
#[test]
fn eeprom_cuts_in_used_segments_invent_nothing_and_lock_nothing() {
    let records = journey(2300);
    let mem = used(SimEeprom::new(), &records, 1800);
    let cuts = cut_everywhere(
        &mem,
        &records,
        60,
        |log| append_with_reclaim(log, &records, 1800, 1840),
        |_, _| {},
    );
    println!("{cuts} cuts on the EEPROM");
    assert!(cuts > 100);
}

/// Formatting a used EEPROM cut anywhere early: the medium reads as the old log, whole (the
/// format had not begun to take effect), as unformatted, or as the new identity alone; never as
/// the previous box with some or all of its records gone (clearing once zeroed only the first
/// bytes of each slot, and the new slot's first bytes made the old identity whole again).
#[test]
fn a_cut_format_over_a_used_eeprom_never_brings_back_the_old_identity() {
    let records = journey(900);
    let mem = used(SimEeprom::new(), &records, 800);
    let mut other = journey(2);
    let Body::Commission(c) = &mut other[0].body else {
        panic!("a commission first");
    };
    c.issuer = remtag::model::PartyRef(77);
    let old = mem.clone().with_log(|log| {
        log.mount().expect("mounts");
        log.read().0
    });
    let mut cuts = 0;
    for k in 0..520 {
        for tear in [Tear::RandomBytes, Tear::First(1), Tear::Last(1)] {
            let mut m = mem.clone();
            let run = m.run_with_cut(PowerCut::in_operation(k, tear, k), |m| {
                m.with_log(|log| log.format(&other[0]))
            });
            if !run.cut {
                continue;
            }
            cuts += 1;
            m.with_log(|log| match log.mount() {
                Err(Fail::Unformatted) => {}
                Ok(_) => {
                    let (present, _) = log.read();
                    assert!(
                        present == other[..1] || present == old,
                        "operation {k}: {} records, neither the old log nor the new one",
                        present.len()
                    );
                }
                Err(e) => panic!("operation {k}: {e:?}"),
            });
        }
    }
    assert!(cuts > 500, "{cuts}");
}

/// Two flipped bits in one segment header, both in its first copy or one in each, and one
/// flipped bit in each identity copy: nothing vanishes, the flips are reported, and the log
/// appends on. Two bits in the newest header once made its records vanish unreported and
/// their sequence numbers given out again; one bit in each identity copy once unformatted
/// the tag.
#[test]
fn two_flipped_bits_in_a_header_or_the_identity_lose_nothing() {
    let records = journey(900);
    let mem = used(SimNorFlash::<4, 256>::new(8 * 1024), &records, 300);
    let (present, in_use) = mem.clone().with_log(|log| {
        log.mount().expect("mounts");
        (log.read().0, log.segments_in_use())
    });
    let (oldest, newest) = (in_use[0], in_use[in_use.len() - 1]);
    assert_ne!(oldest, newest);
    let mut flips = 0;
    // Each header's first copy holds 63 bytes, each identity copy 58; the second bit may also
    // fall in the second header copy, which starts at byte 64.
    for (start, first_len, second_len) in [(newest, 60, 124), (oldest, 60, 124), (0, 56, 56)] {
        for a in (0..first_len * 8).step_by(5) {
            for b in (a + 1..second_len * 8).step_by(13) {
                let mut m = mem.clone();
                m.flip_bit(start + a / 8, (a % 8) as u8);
                m.flip_bit(start + b / 8, (b % 8) as u8);
                if start == 0 {
                    // One bit in each identity copy (slot B is 256 bytes further).
                    m.flip_bit(256 + b / 8, (b % 8) as u8);
                    m.flip_bit(start + b / 8, (b % 8) as u8);
                }
                flips += 1;
                let what = format!("bytes at {start}, bits {a} and {b}");
                m.with_log(|log| {
                    let report = log.mount().unwrap_or_else(|e| panic!("{what}: {e:?}"));
                    assert!(report.damage_count > 0, "{what}: flips not reported");
                    assert_eq!(log.read().0, present, "{what}: records read");
                    let next = present.last().map_or(0, |r| r.header.seq.0 as usize) + 1;
                    assert_eq!(log.append(&records[next]), Ok(()), "{what}");
                });
            }
        }
    }
    println!("{flips} pairs of flipped bits");
}

/// The two copies of a segment header of the layout the log writes, as stored, each padded to
/// `write_size`, with valid CRCs: what a crafted or stale header looks like.
fn header_copies(header: &SegmentHeader, write_size: usize) -> Vec<u8> {
    let mut body = [0u8; 128];
    let body = postcard::to_slice(header, &mut body)
        .expect("fits")
        .to_vec();
    let mut bytes = vec![0x5E, LayoutVersion::NEWEST.byte(), body.len() as u8];
    bytes.extend_from_slice(&body);
    bytes.extend_from_slice(&codec::checksum(&bytes).to_le_bytes());
    let copy = bytes.len().div_ceil(write_size) * write_size;
    bytes.resize(copy, 0xff);
    bytes.extend_from_within(..copy);
    bytes
}

/// A segment header with a valid CRC and a crafted epoch (the largest there is) in a free
/// segment: mount stays bounded by the medium, nothing overflows, and the log appends.
#[test]
fn a_crafted_header_epoch_neither_loops_nor_overflows() {
    let records = journey(60);
    let mut mem = used(SimNorFlash::<4, 256>::new(8 * 1024), &records, 40);
    let header = SegmentHeader {
        epoch: u32::MAX,
        start: None,
        prev_end: Some(u32::MAX),
    };
    let bytes = header_copies(&header, 4);
    // The last segment: free, since 40 records fill only the first few.
    let at = 8 * 1024 - 512;
    mem.contents_mut()[at..at + bytes.len()].copy_from_slice(&bytes);
    mem.with_log(|log| {
        let report = log.mount().expect("mounts");
        assert!(report.segments < 15, "{report:?}");
        let (present, _) = log.read();
        assert_eq!(present, records[..40]);
        assert_eq!(append_with_reclaim(log, &records, 40, 60), 60);
    });
}

/// The start of the newest segment in use on `mem`, and where each of its records starts.
fn newest_segment<T: Memory>(mem: &mut T) -> (usize, Vec<usize>) {
    mem.with_log(|log| {
        log.mount().expect("mounts");
        let newest = *log.segments_in_use().last().expect("a segment in use");
        let end = newest + log.layout().expect("mounted").segment_len as usize;
        let offsets = log
            .offsets()
            .into_iter()
            .filter(|o| (newest..end).contains(o))
            .collect();
        (newest, offsets)
    })
}

/// After damage: every record read is the one appended, and the log takes the next record
/// (after `acked` acknowledged ones) as record `next`, reclaiming up to the last checkpoint
/// read when it is full, and reads it back last.
fn appends_after_damage(
    log: &mut dyn LogOps,
    records: &[Record],
    acked: usize,
    next: Seq,
    what: &str,
) {
    let (present, _) = log.read();
    assert!(
        present
            .iter()
            .all(|r| records[r.header.seq.0 as usize] == *r),
        "{what}: records read are the ones appended"
    );
    let checkpoint = present
        .iter()
        .rev()
        .find(|r| matches!(r.body, Body::Checkpoint(_)))
        .map(|r| r.header.seq)
        .expect("a checkpoint read");
    let mut record = records[acked].clone();
    record.header.seq = next;
    if log.append(&record) == Err(Fail::Full) {
        log.reclaim(checkpoint).expect("reclaims");
        log.append(&record)
            .unwrap_or_else(|e| panic!("{what}: {e:?}"));
    }
    assert_eq!(
        log.read().0.last(),
        Some(&record),
        "{what}: appended after the damage"
    );
}

/// Mounts after damage and checks what must hold: damage that leaves records missing or
/// undecodable is reported at an offset `at` accepts, and the next sequence number is above
/// `last`, the highest any record there may hold. Returns the next sequence number.
fn mount_reports_lost_records(
    log: &mut dyn LogOps,
    at: impl Fn(usize) -> bool,
    last: usize,
    what: &str,
) -> Seq {
    let report = log.mount().unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert!(
        report
            .damage
            .iter()
            .any(|d| !d.reason.leaves_records_whole() && at(d.offset as usize)),
        "{what}: records lost, reported where they are: {:?}",
        report.damage
    );
    let next = log.next_seq().expect("numbers left");
    assert!(
        next.0 as usize > last,
        "{what}: record {next} would be given out again (records up to {last})"
    );
    next
}

/// Bytes that read as the end of the data (erased, or the blank of a tag's memory) in the
/// newest segment, with records of that segment after them: the fuzz campaign once had the
/// log take them for its end, write over the records after them, and give their sequence
/// numbers out again. They are reported as missing records, the segment takes no more, and
/// the next sequence number is past every record that could have been there.
#[test]
fn erased_bytes_before_records_are_damage_and_their_numbers_are_never_reused() {
    let records = journey(400);
    let acked = 296;
    let mem = used(SimEeprom::new(), &records, acked);
    let (newest, offsets) = newest_segment(&mut mem.clone());
    assert!(
        offsets.len() >= 6,
        "the newest segment holds records: {offsets:?}"
    );
    // The first record of the segment, a middle one, a single byte, and all but the last.
    let last = offsets.len() - 1;
    for (at, end) in [
        (offsets[0], offsets[1]),
        (offsets[2], offsets[4] + 3),
        (offsets[3] + 2, offsets[3] + 3),
        (offsets[0], offsets[last]),
    ] {
        let mut m = mem.clone();
        let len = end - at;
        m.contents_mut()[at..end].fill(0xff);
        let what = format!("{len} bytes erased at {at}");
        m.with_log(|log| {
            let in_newest = |o| (newest..newest + 512).contains(&o);
            let next = mount_reports_lost_records(log, in_newest, acked - 1, &what);
            appends_after_damage(log, &records, acked, next, &what);
        });
    }
}

/// A reclamation cut late in its write of identity slot A (one bit short: A holds the new
/// generation, repaired by one bit; B the old one), then the mount after it cut while it
/// rewrites the copies, in every way a write can be cut: the log reads as the mount not cut
/// reads it. Mount once rewrote the copy it had repaired first, and a cut there left only the
/// older generation to read: a reclamation one mount had seen done was undone by the next.
#[test]
fn a_cut_repair_of_the_identity_never_undoes_a_reclamation() {
    let records = journey(400);
    let acked = 300;
    let before = used(SimEeprom::new(), &records, acked);
    let checkpoint = records[..acked]
        .iter()
        .rev()
        .find(|r| matches!(r.body, Body::Checkpoint(_)))
        .map(|r| r.header.seq)
        .expect("a checkpoint");
    let mut after = before.clone();
    let (freed, slot_b) = after.with_log(|log| {
        log.mount().expect("mounts");
        let layout = log.layout().expect("mounted");
        let at = layout.identity_slot(1) as usize;
        (
            log.reclaim(checkpoint).expect("reclaims"),
            at..at + layout.identity_slot_len as usize,
        )
    });
    assert!(freed > 0, "the checkpoint frees segments");
    let first_read = |m: &mut SimEeprom| {
        m.with_log(|log| {
            log.mount().expect("mounts");
            let (present, _) = log.read();
            present.get(1).map(|r| r.header.seq)
        })
    };
    let reclaimed = first_read(&mut after.clone());
    assert_ne!(reclaimed, first_read(&mut before.clone()));
    // Slot B as before the reclamation; one bit of slot A off.
    let mut cut = after.clone();
    cut.contents_mut()[slot_b.clone()].copy_from_slice(&before.contents()[slot_b]);
    let mut repairs_cut = 0;
    for bit in (0..56 * 8).step_by(7) {
        let mut one_off = cut.clone();
        one_off.flip_bit(bit / 8, (bit % 8) as u8);
        assert_eq!(first_read(&mut one_off.clone()), reclaimed, "bit {bit}");
        for tear in Tear::catalogue(16) {
            for seed in 0..8 {
                let mut m = one_off.clone();
                let run = m.run_with_cut(PowerCut::in_operation(0, tear, seed), |m| {
                    m.with_log(|log| log.mount().is_ok())
                });
                assert!(run.cut, "the mount rewrites the copies");

                repairs_cut += 1;
                assert_eq!(
                    first_read(&mut m),
                    reclaimed,
                    "bit {bit} of slot A off, the repair cut by {tear:?} (seed {seed})"
                );
            }
        }
    }
    println!("{repairs_cut} repairs cut");
}

/// Both copies of the newest segment's header destroyed (more than one bit each): the fuzz
/// campaign once had the log take the segment before it for the newest, lose the records
/// after it unreported and give their sequence numbers out again. The segment holds records
/// of the epoch after the newest readable one, which nothing else can: it is reported, its
/// records counted, nothing written over them, and the log appends after them.
#[test]
fn a_lost_header_of_the_newest_segment_loses_no_sequence_number() {
    fn case<T: Memory>(fresh: T, bytes: impl Fn(&mut T) -> &mut [u8]) {
        let records = journey(400);
        let acked = 296;
        let mem = used(fresh, &records, acked);
        let (newest, offsets) = newest_segment(&mut mem.clone());
        assert!(offsets.len() >= 2, "the newest segment holds records");
        let copy = (offsets[0] - newest) / 2;
        let mut m = mem.clone();
        bytes(&mut m)[newest + 3] ^= 0x5a;
        bytes(&mut m)[newest + copy + 3] ^= 0xa5;
        m.with_log(|log| {
            let next = mount_reports_lost_records(log, |o| o == newest, acked - 1, "a lost header");
            let (_, damage) = log.read();
            assert!(
                damage.iter().any(|d| d.offset as usize == newest),
                "{damage:?}"
            );
            appends_after_damage(log, &records, acked, next, "a lost header");
        });
    }
    case(SimEeprom::new(), |m| m.contents_mut());
    case(Nor::new(8 * 1024), |m| m.contents_mut());
}

/// Segment 0, with the oldest epoch 0, under a header of another epoch with valid CRCs, over
/// bytes where its first records were: the fuzz campaign once had mount take segment 0 for
/// free, open it again over its records and give their sequence numbers out again. Segment 0
/// holds no other epoch before a reclamation: its records are read as they can be, the header
/// is reported, and every mount after an append agrees on the next sequence number.
#[test]
fn a_wrong_epoch_over_the_first_segment_frees_nothing() {
    let records = journey(40);
    let acked = 12;
    let mut mem = used(SimEeprom::new(), &records, acked);
    let (offsets, at) = mem.clone().with_log(|log| {
        log.mount().expect("mounts");
        let layout = log.layout().expect("mounted");
        (log.offsets(), layout.segment_start(0) as usize)
    });
    let header = header_copies(
        &SegmentHeader {
            epoch: 7,
            start: None,
            prev_end: None,
        },
        1,
    );
    // The header, then zeros over the first record after the identity.
    assert_eq!(offsets[1], at + header.len(), "the headers are as long");
    mem.contents_mut()[at..at + header.len()].copy_from_slice(&header);
    mem.contents_mut()[offsets[1]..offsets[2]].fill(0);
    let next = mem.clone().with_log(|log| {
        let report = log.mount().expect("mounts");
        assert!(
            report.damage.iter().any(|d| d.offset as usize == at),
            "the header is reported: {report:?}"
        );
        log.next_seq().expect("numbers left")
    });
    assert!(
        next.0 as usize >= acked,
        "record {next} would be given out again"
    );
    let appended = mem.with_log(|log| {
        log.mount().expect("mounts");
        let mut record = records[acked].clone();
        record.header.seq = next;
        log.append(&record).expect("appends");
        record
    });
    mem.with_log(|log| {
        log.mount().expect("mounts again");
        assert_eq!(log.next_seq(), next.next());
        assert_eq!(log.read().0.last(), Some(&appended));
    });
}

/// One record far after erased bytes in a segment of 4 KiB: the fuzz campaign once had the
/// search for it try only misaligned positions past its first window (the largest record is an
/// odd number of bytes long), take the erased bytes for the end, and give the numbers of the
/// records there out again, which the next mount, searching from elsewhere, then found.
#[test]
fn a_record_anywhere_after_erased_bytes_is_found() {
    let records = journey(120);
    let mem = used(SimNorFlash::<4, 4096>::new(16 * 1024), &records, 100);
    let (newest, offsets) = newest_segment(&mut mem.clone());
    // The sequence number of the record at each offset of the newest segment.
    let seqs: Vec<usize> = mem.clone().with_log(|log| {
        log.mount().expect("mounts");
        let (read, _) = log.read();
        let all = log.offsets();
        assert_eq!(read.len(), all.len(), "no damage");
        all.iter()
            .zip(&read)
            .filter(|(o, _)| **o >= newest)
            .map(|(_, r)| r.header.seq.0 as usize)
            .collect()
    });
    assert!(
        offsets[offsets.len() - 1] - offsets[2] > 4 * codec::MAX_RECORD_LEN,
        "records beyond several windows: {offsets:?}"
    );
    let end_of_data = offsets[offsets.len() - 1] + codec::MAX_RECORD_LEN;
    for k in 3..offsets.len() - 1 {
        // Records 0 to 2 of the segment, erased bytes, record k alone, erased bytes.
        let mut m = mem.clone();
        m.contents_mut()[offsets[2]..offsets[k]].fill(0xff);
        m.contents_mut()[offsets[k + 1]..end_of_data].fill(0xff);
        let what = format!("record {} at {} after erased bytes", seqs[k], offsets[k]);
        m.with_log(|log| mount_reports_lost_records(log, |o| o == offsets[2], seqs[k], &what));
    }
}

/// The last records of the newest segment damaged: two bits of the first, one bit of each
/// after it, so that no record after the first is intact. On rewritable memory, which holds no
/// end marker, the log once took the first for the end of the data: it lost them unreported,
/// gave their numbers out again, and the next mount, reading past the new record, repaired
/// the old ones behind it. Records that one bit repairs count as records after damage.
#[test]
fn damaged_records_with_repairable_ones_after_them_are_never_taken_for_the_end() {
    let records = journey(400);
    let acked = 296;
    let mem = used(SimEeprom::new(), &records, acked);
    let (newest, offsets) = newest_segment(&mut mem.clone());
    let n = offsets.len();
    assert!(n >= 4, "the newest segment holds records: {offsets:?}");
    for first in [n - 3, n - 2] {
        let mut m = mem.clone();
        m.contents_mut()[offsets[first] + 4] ^= 0x88;
        for &at in &offsets[first + 1..] {
            m.contents_mut()[at + 4] ^= 0x01;
        }
        let what = format!("records damaged from {}", offsets[first]);
        m.with_log(|log| {
            let next = mount_reports_lost_records(log, |o| o == offsets[first], acked - 1, &what);
            assert!(
                offsets[first] > newest,
                "{what}: the damage is in the newest segment"
            );
            appends_after_damage(log, &records, acked, next, &what);
        });
    }
}

/// A record under the key of a later epoch in a free segment two ahead of the newest, which
/// is closed by damage: the log once took it for the records of a newest segment that lost its
/// header only once an append had opened the segment in between, and the mount after that
/// append gave out numbers far past the record it had just acknowledged. The log opens the
/// segment after the newest only when the newest takes no more records.
#[test]
fn records_of_a_later_epoch_count_only_where_the_log_could_have_opened_them() {
    let records = journey(40);
    let acked = 12;
    let mut mem = used(SimEeprom::new(), &records, acked);
    let (first, offsets, layout) = mem.clone().with_log(|log| {
        log.mount().expect("mounts");
        let layout = log.layout().expect("mounted");
        let first = layout.segment_start(0) as usize;
        (first, log.offsets(), layout)
    });
    assert!(
        offsets
            .iter()
            .all(|o| *o < first + layout.segment_len as usize),
        "every record in segment 0"
    );
    // Two bits of a middle record: unreadable damage, segment 0 takes no more.
    mem.contents_mut()[offsets[4] + 4] ^= 0x88;
    // A record of segment 0 under the key of epoch 2, in segment 2.
    let key = |epoch: u32| codec::checksum(&epoch.to_le_bytes());
    let mut crafted = mem.contents()[offsets[2]..offsets[3]].to_vec();
    let crc = crafted.len() - codec::CRC_LEN;
    for (b, k) in crafted[crc..]
        .iter_mut()
        .zip((key(0) ^ key(2)).to_le_bytes())
    {
        *b ^= k;
    }
    let at = layout.segment_start(2) as usize + 64;
    mem.contents_mut()[at..at + crafted.len()].copy_from_slice(&crafted);
    let next = mem.with_log(|log| {
        log.mount().expect("mounts");
        let next = log.next_seq().expect("numbers left");
        assert!(next.0 as usize >= acked, "record {next} given out again");
        let mut record = records[acked].clone();
        record.header.seq = next;
        log.append(&record).expect("appends into segment 1");
        next
    });
    mem.with_log(|log| {
        let report = log.mount().expect("mounts again");
        assert_eq!(
            log.next_seq(),
            next.next(),
            "the next number after a remount: {report:?}"
        );
        assert_eq!(log.read().0.last().map(|r| r.header.seq), Some(next));
    });
}
