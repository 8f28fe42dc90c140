//! The remtag log on the simulated memories: format, append a long journey until the medium
//! is full, run in steady state with reclamation, and mount.

use std::ops::Range;

use remtag::codec::{self, CRC_LEN};
use remtag::log::medium::{NorFlashMedium, eeprom_24x256};
use remtag::log::{Entry, LayoutConfig, Log, LogError, Medium, Stats};
use remtag::model::Seq;
use remtag_sim::memory::clock::SimClock;
use remtag_sim::memory::eeprom::SimEeprom;

use super::adapter::ReadCounted;
use super::workload::Workload;
use super::{FIRST_RECORDS, Memory, NOR_CAPACITY, Nor, Phase, ReadRun, SECTOR, System, WriteRun};
use crate::codecs::Error;

/// Marker, version and body length of a segment header (`core/src/log/blocks.rs`); the body
/// and its CRC follow.
const SEGMENT_PREFIX_LEN: u64 = 3;
/// Marker, version, generation (`u32`) and oldest epoch in use (`u32`) before the record in an
/// identity slot of layout version 2.
const IDENTITY_PREFIX_LEN: u64 = 10;

/// What formatting a blank medium cost.
#[derive(Clone, Debug, PartialEq)]
pub struct FormatCost {
    /// The memory.
    pub memory: Memory,
    /// Bytes programmed by `Log::format`.
    pub programmed: u64,
    /// Sectors erased by `Log::format` (`None` on EEPROM).
    pub sectors_erased: Option<u64>,
    /// Segments in the layout.
    pub segments: u32,
    /// Bytes per segment.
    pub segment_len: u32,
}

/// Everything measured on one memory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Results {
    /// Format costs.
    pub formats: Vec<FormatCost>,
    /// Append runs.
    pub writes: Vec<WriteRun>,
    /// Mounts.
    pub mounts: Vec<ReadRun>,
}

impl Results {
    /// Adds `other`'s rows.
    pub fn extend(&mut self, other: Results) {
        self.formats.extend(other.formats);
        self.writes.extend(other.writes);
        self.mounts.extend(other.mounts);
    }
}

/// The counters at one moment of a run.
#[derive(Clone, Copy, Debug)]
struct Snapshot {
    stats: Stats,
    /// EEPROM write cycles so far, from the chip's clock: the driver waits the 5 ms write
    /// cycle after every page piece it writes, and at no other time.
    cycles: Option<u64>,
}

impl Snapshot {
    fn take<M: Medium>(log: &Log<M>, clock: Option<&SimClock>) -> Self {
        Snapshot {
            stats: log.stats(),
            cycles: clock.map(|c| c.now_ns() / SimEeprom::WRITE_CYCLE_NS),
        }
    }
}

/// What a range of appends did.
#[derive(Clone, Copy, Debug, Default)]
struct Progress {
    records: u64,
    record_bytes: u64,
    reclaimed: u64,
    refused_at: Option<u64>,
}

impl Progress {
    fn then(self, next: Progress) -> Progress {
        Progress {
            records: self.records + next.records,
            record_bytes: self.record_bytes + next.record_bytes,
            reclaimed: self.reclaimed + next.reclaimed,
            refused_at: next.refused_at.or(self.refused_at),
        }
    }
}

/// Appends records `range` of `work` until the log refuses one as full; with `reclaim`, a
/// refused append makes the host reclaim up to the newest checkpoint that covers the records
/// before it (as a laboratory does when it reads and archives a full tag), then try again.
fn append<M: Medium>(
    log: &mut Log<M>,
    work: &Workload,
    range: Range<usize>,
    reclaim: bool,
) -> Result<Progress, Error> {
    let mut progress = Progress::default();
    let mut checkpoint = None;
    for i in range {
        let record = work.record(i);
        // What `Log::append` stores: the record encoded against the log's state.
        let stored = codec::encode_to_buf(record, &mut log.state().clone())?;
        if stored.as_slice() != work.stored(i) {
            return Err(format!("record {i}: the log stores other bytes than the workload").into());
        }
        let mut appended = log.append(record);
        if let (true, Err(LogError::LogFull), Some(c)) = (reclaim, &appended, checkpoint) {
            let freed = log
                .reclaim(Seq(c))
                .map_err(|e| format!("reclaim at {c}: {e}"))?;
            progress.reclaimed += u64::from(freed);
            appended = log.append(record);
        }
        match appended {
            Ok(_) => {}
            Err(LogError::LogFull) => {
                progress.refused_at = Some(i as u64);
                break;
            }
            Err(e) => return Err(format!("append {i}: {e}").into()),
        }
        progress.records += 1;
        progress.record_bytes += stored.len() as u64;
        if work.is_full_checkpoint(i) {
            checkpoint = Some(i as u32);
        }
    }
    Ok(progress)
}

fn write_run(
    memory: Memory,
    phase: Phase,
    progress: Progress,
    before: Snapshot,
    after: Snapshot,
) -> WriteRun {
    let erased = after.stats.bytes_erased - before.stats.bytes_erased;
    WriteRun {
        system: System::Remtag,
        memory,
        phase,
        records: progress.records,
        record_bytes: progress.record_bytes,
        programmed: after.stats.bytes_programmed - before.stats.bytes_programmed,
        programs: after.stats.programs - before.stats.programs,
        sectors_erased: matches!(memory, Memory::Nor { .. }).then_some(erased / SECTOR as u64),
        write_cycles: after.cycles.zip(before.cycles).map(|(a, b)| a - b),
        reclaimed: progress.reclaimed,
        refused_at: progress.refused_at,
    }
}

/// Formats `medium`, appends the first [`FIRST_RECORDS`] records of `work` and then the rest
/// until the log is full. Returns the format cost, the runs (the first records only when the
/// medium holds more) and the full medium.
fn fill<M: Medium>(
    medium: M,
    work: &Workload,
    memory: Memory,
    clock: Option<&SimClock>,
) -> Result<(FormatCost, Vec<WriteRun>, M), Error> {
    let mut log = Log::format(medium, LayoutConfig::default(), work.record(0))
        .map_err(|e| format!("format: {e}"))?;
    let formatted = Snapshot::take(&log, clock);
    let layout = *log.layout();
    let format = FormatCost {
        memory,
        programmed: formatted.stats.bytes_programmed,
        sectors_erased: matches!(memory, Memory::Nor { .. })
            .then_some(formatted.stats.bytes_erased / SECTOR as u64),
        segments: layout.segments,
        segment_len: layout.segment_len,
    };
    let first_end = (FIRST_RECORDS + 1).min(work.len());
    let first = append(&mut log, work, 1..first_end, false)?;
    let after_first = Snapshot::take(&log, clock);
    let rest = match first.refused_at {
        Some(_) => Progress::default(),
        None => append(&mut log, work, first_end..work.len(), false)?,
    };
    let full = Snapshot::take(&log, clock);
    let total = first.then(rest);
    if total.refused_at.is_none() {
        return Err(format!("{} did not fill in {} records", memory.name(), work.len()).into());
    }
    let mut runs = Vec::new();
    if first.refused_at.is_none() {
        runs.push(write_run(
            memory,
            Phase::First,
            first,
            formatted,
            after_first,
        ));
    }
    runs.push(write_run(memory, Phase::UntilFull, total, formatted, full));
    Ok((format, runs, log.into_medium()))
}

/// Formats `medium` and appends `warmup` records, then measures `window` more, reclaiming
/// whenever the log is full. Returns the run and the medium.
fn steady<M: Medium>(
    medium: M,
    work: &Workload,
    warmup: usize,
    memory: Memory,
    clock: Option<&SimClock>,
) -> Result<(WriteRun, M), Error> {
    let mut log = Log::format(medium, LayoutConfig::default(), work.record(0))
        .map_err(|e| format!("format: {e}"))?;
    let warm = append(&mut log, work, 1..warmup + 1, true)?;
    if let Some(at) = warm.refused_at {
        return Err(format!("{}: full at record {at} despite reclaiming", memory.name()).into());
    }
    let before = Snapshot::take(&log, clock);
    let window = append(&mut log, work, warmup + 1..work.len(), true)?;
    if let Some(at) = window.refused_at {
        return Err(format!("{}: full at record {at} despite reclaiming", memory.name()).into());
    }
    let after = Snapshot::take(&log, clock);
    Ok((
        write_run(memory, Phase::Steady, window, before, after),
        log.into_medium(),
    ))
}

/// Mounts the log on `medium` and counts what the mount read, next to what the log holds.
fn mount<M: Medium>(
    medium: M,
    memory: Memory,
    what: &'static str,
    target: bool,
) -> Result<(ReadRun, M), Error> {
    let (mut log, report) = Log::mount(ReadCounted::new(medium), LayoutConfig::default())
        .map_err(|e| format!("mount: {e}"))?;
    if report.damage_count > 0 {
        return Err(format!("mount found damage: {:?}", report.damage).into());
    }
    let stats = log.stats();
    let read_ops = log.medium().reads();
    let (held, records) = held(&mut log)?;
    if records != u64::from(report.records) {
        return Err(format!(
            "mount read {} records, the log holds {records}",
            report.records
        )
        .into());
    }
    let run = ReadRun {
        system: System::Remtag,
        memory,
        what,
        records,
        segments: Some(report.segments),
        held,
        bytes_read: stats.bytes_read,
        read_ops,
        target,
    };
    Ok((run, log.into_medium().into_inner()))
}

/// The bytes the log holds and how many records: both identity copies, the header copies of
/// every segment in use, and every record as stored (padding to the write size left out).
fn held<M: Medium>(log: &mut Log<M>) -> Result<(u64, u64), Error> {
    let identity = IDENTITY_PREFIX_LEN + log.identity_bytes().len() as u64 + CRC_LEN as u64;
    let layout = *log.layout();
    let copies = u64::from(layout.version.header_copies());
    let mut headers = 0;
    let newest = log.newest_epoch().ok_or("no segment in use")?;
    for epoch in log.oldest_epoch()..=newest {
        let mut prefix = [0u8; SEGMENT_PREFIX_LEN as usize];
        log.medium_mut()
            .read(layout.segment_start(layout.physical(epoch)), &mut prefix)
            .map_err(|e| format!("read: {e:?}"))?;
        headers += copies * (SEGMENT_PREFIX_LEN + u64::from(prefix[2]) + CRC_LEN as u64);
    }
    let (mut records, mut bytes) = (1, 0);
    for entry in log.read_from(Seq(1)) {
        match entry.map_err(|e| format!("read: {e}"))? {
            Entry::Record { stored, .. } => {
                records += 1;
                bytes += stored.len() as u64;
            }
            Entry::Damage(d) => return Err(format!("damage: {d}").into()),
        }
    }
    Ok((2 * identity + headers + bytes, records))
}

/// Everything on the 24LC256 EEPROM: `fill` until full and mount it; `steady` with
/// [`super::EEPROM_WARMUP`] records of warm-up, then mount.
pub fn eeprom(
    fill_work: &Workload,
    steady_work: &Workload,
    warmup: usize,
) -> Result<Results, Error> {
    let memory = Memory::Eeprom;
    let mut out = Results::default();

    let mut chip = SimEeprom::new();
    let clock = chip.clock();
    let delay = chip.delay();
    let (format, runs, _) = fill(
        eeprom_24x256(&mut chip, delay),
        fill_work,
        memory,
        Some(&clock),
    )?;
    out.formats.push(format);
    out.writes.extend(runs);
    let delay = chip.delay();
    let (run, _) = mount(eeprom_24x256(&mut chip, delay), memory, "mount, full", true)?;
    out.mounts.push(run);

    let mut chip = SimEeprom::new();
    let clock = chip.clock();
    let delay = chip.delay();
    let (run, _) = steady(
        eeprom_24x256(&mut chip, delay),
        steady_work,
        warmup,
        memory,
        Some(&clock),
    )?;
    out.writes.push(run);
    let delay = chip.delay();
    let (run, _) = mount(
        eeprom_24x256(&mut chip, delay),
        memory,
        "mount, after steady state",
        true,
    )?;
    out.mounts.push(run);
    Ok(out)
}

/// Everything on the 1 MiB NOR flash with `W`-byte words, as [`eeprom`] does.
pub fn nor<const W: usize>(
    fill_work: &Workload,
    steady_work: &Workload,
    warmup: usize,
) -> Result<Results, Error> {
    let memory = Memory::Nor {
        write_size: W as u32,
    };
    let mut out = Results::default();

    let mut flash = Nor::<W>::new(NOR_CAPACITY);
    let (format, runs, _) = fill(NorFlashMedium::new(&mut flash), fill_work, memory, None)?;
    out.formats.push(format);
    out.writes.extend(runs);
    let (run, _) = mount(NorFlashMedium::new(&mut flash), memory, "mount, full", true)?;
    out.mounts.push(run);

    let mut flash = Nor::<W>::new(NOR_CAPACITY);
    let (run, _) = steady(
        NorFlashMedium::new(&mut flash),
        steady_work,
        warmup,
        memory,
        None,
    )?;
    out.writes.push(run);
    let (run, _) = mount(
        NorFlashMedium::new(&mut flash),
        memory,
        "mount, after steady state",
        true,
    )?;
    out.mounts.push(run);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::EEPROM_AMPLIFICATION_MAX;

    /// The EEPROM write-amplification target, on the journey until the EEPROM is full and in
    /// steady state with reclamation, and the mount target on the full EEPROM: ratios and
    /// counts of bytes, not timings.
    #[test]
    fn eeprom_write_amplification_meets_its_target() {
        let fill_work = Workload::journey(3_000).expect("journey");
        let steady_work = Workload::journey(4_000).expect("journey");
        let results = eeprom(&fill_work, &steady_work, 2_000).expect("runs");
        for phase in [Phase::UntilFull, Phase::Steady] {
            assert!(results.writes.iter().any(|w| w.phase == phase), "{phase:?}");
        }
        for run in &results.writes {
            assert!(run.records > 500, "{run:?}");
            assert!(
                run.amplification() <= EEPROM_AMPLIFICATION_MAX,
                "{:?} {}: {:.3}",
                run.phase,
                run.records,
                run.amplification()
            );
            // Every byte programmed reaches the chip in some write cycle.
            assert!(run.write_cycles.is_some_and(|c| c > 0));
        }
        // The mount target is for a full medium: a mount also reads 3 bytes per free segment.
        let full = results
            .mounts
            .iter()
            .find(|m| m.what == "mount, full")
            .expect("mounted the full log");
        assert!(full.within_target(), "{full:?}");
    }

    /// The log's own counters agree with the simulated EEPROM's.
    #[test]
    fn log_stats_agree_with_the_eeprom_counters() {
        let work = Workload::journey(100).expect("journey");
        let mut chip = SimEeprom::new();
        let delay = chip.delay();
        let mut log = Log::format(
            eeprom_24x256(&mut chip, delay),
            LayoutConfig::default(),
            work.record(0),
        )
        .expect("formats");
        append(&mut log, &work, 1..work.len(), false).expect("appends");
        let stats = log.stats();
        drop(log);
        assert_eq!(stats.bytes_programmed, chip.bytes_written());
        assert_eq!(stats.erases, 0);
    }

    /// The log's own counters agree with the simulated flash's.
    #[test]
    fn log_stats_agree_with_the_flash_counters() {
        let work = Workload::journey(300).expect("journey");
        let mut flash = Nor::<4>::new(64 * 1024);
        let mut log = Log::format(
            NorFlashMedium::new(&mut flash),
            LayoutConfig::default(),
            work.record(0),
        )
        .expect("formats");
        append(&mut log, &work, 1..work.len(), false).expect("appends");
        let stats = log.stats();
        drop(log);
        assert_eq!(stats.bytes_programmed, flash.stats().bytes_programmed);
        let sectors: u64 = (0..16).map(|s| u64::from(flash.erase_count(s))).sum();
        assert_eq!(stats.bytes_erased, sectors * SECTOR as u64);
    }
}
