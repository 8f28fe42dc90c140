//! sequential-storage 8.0.2's queue on the same simulated NOR flash: every record's stored
//! bytes pushed as one item.

use embedded_storage::nor_flash::{NorFlash, ReadNorFlash};
use sequential_storage::Error as QueueError;
use sequential_storage::cache::Cache;
use sequential_storage::queue::{QueueConfig, QueueStorage};

use super::adapter::{AsyncFlash, block_on};
use super::workload::Workload;
use super::{FIRST_RECORDS, Memory, NOR_CAPACITY, Nor, Phase, ReadRun, System, WriteRun};
use crate::codecs::Error;

/// The counters of the simulated flash at one moment.
#[derive(Clone, Copy, Debug)]
struct Snapshot {
    programmed: u64,
    programs: u64,
    sectors_erased: u64,
    bytes_read: u64,
}

impl Snapshot {
    fn take<const W: usize>(flash: &Nor<W>) -> Self {
        let sectors = flash.capacity() / <Nor<W> as NorFlash>::ERASE_SIZE;
        Snapshot {
            programmed: flash.stats().bytes_programmed,
            programs: flash.stats().program_operations,
            sectors_erased: (0..sectors).map(|s| u64::from(flash.erase_count(s))).sum(),
            bytes_read: flash.stats().bytes_read,
        }
    }
}

/// A queue over the whole flash, with no cache: what a freshly booted device has.
type Queue<'a, const W: usize> = QueueStorage<
    AsyncFlash<&'a mut Nor<W>>,
    Cache<
        sequential_storage::cache::Uncached,
        sequential_storage::cache::Uncached,
        sequential_storage::cache::Uncached,
        (),
    >,
>;

fn queue<const W: usize>(flash: &mut Nor<W>) -> Result<Queue<'_, W>, Error> {
    let end = u32::try_from(flash.capacity())?;
    let config = QueueConfig::try_new(0..end).map_err(|e| format!("queue configuration: {e:?}"))?;
    Ok(QueueStorage::new(
        AsyncFlash::new(flash),
        config,
        Cache::new_uncached(),
    ))
}

/// What a range of pushes did.
#[derive(Clone, Copy, Debug, Default)]
struct Progress {
    records: u64,
    record_bytes: u64,
    refused_at: Option<u64>,
}

/// Pushes the stored bytes of records `range`; without `overwrite`, stops when the queue is
/// full.
fn push<const W: usize>(
    queue: &mut Queue<'_, W>,
    work: &Workload,
    range: std::ops::Range<usize>,
    overwrite: bool,
) -> Result<Progress, Error> {
    let mut progress = Progress::default();
    for i in range {
        let item = work.stored(i);
        match block_on(queue.push(item, overwrite)) {
            Ok(()) => {}
            Err(QueueError::FullStorage) => {
                progress.refused_at = Some(i as u64);
                break;
            }
            Err(e) => return Err(format!("push {i}: {e:?}").into()),
        }
        progress.records += 1;
        progress.record_bytes += item.len() as u64;
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
    WriteRun {
        system: System::Queue,
        memory,
        phase,
        records: progress.records,
        record_bytes: progress.record_bytes,
        programmed: after.programmed - before.programmed,
        programs: after.programs - before.programs,
        sectors_erased: Some(after.sectors_erased - before.sectors_erased),
        write_cycles: None,
        reclaimed: 0,
        refused_at: progress.refused_at,
    }
}

/// Boots a queue on `flash` with an empty cache and reads every item, oldest first. Returns
/// the items and their data bytes.
fn iterate_all<const W: usize>(flash: &mut Nor<W>) -> Result<(u64, u64, u64), Error> {
    let mut queue = queue(flash)?;
    let mut buf = [0u8; 1024];
    let (mut items, mut bytes) = (0, 0);
    let mut iter = block_on(queue.iter()).map_err(|e| format!("iter: {e:?}"))?;
    while let Some(entry) = block_on(iter.next(&mut buf)).map_err(|e| format!("next: {e:?}"))? {
        items += 1;
        bytes += entry.len() as u64;
    }
    let reads = queue.flash().reads();
    Ok((items, bytes, reads))
}

/// Bytes programmed since their last erase: every word the queue holds, item headers, data,
/// padding and page markers.
fn programmed_bytes<const W: usize>(flash: &Nor<W>) -> u64 {
    (0..flash.capacity())
        .step_by(W)
        .filter(|&offset| flash.is_programmed(offset))
        .count() as u64
        * W as u64
}

/// The labels of the boot rows on a full queue.
const FULL: [&str; 2] = ["boot, read every item, full", "boot, first push, full"];
/// The labels of the boot rows after the steady-state run.
const STEADY: [&str; 2] = [
    "boot, read every item, after steady state",
    "boot, first push, after steady state",
];

/// The read cost of booting on `flash`: reading every item, and the first push after boot
/// (of record `next`, allowed to overwrite the oldest page).
fn boot<const W: usize>(
    flash: &Nor<W>,
    work: &Workload,
    next: usize,
    held_items: u64,
    labels: [&'static str; 2],
) -> Result<[ReadRun; 2], Error> {
    let memory = Memory::Nor {
        write_size: W as u32,
    };
    let held = programmed_bytes(flash);

    let mut copy = flash.clone();
    let before = Snapshot::take(&copy);
    let (items, _, reads) = iterate_all(&mut copy)?;
    if items != held_items {
        return Err(format!("the queue returned {items} items, it holds {held_items}").into());
    }
    let after = Snapshot::take(&copy);
    let iterate = ReadRun {
        system: System::Queue,
        memory,
        what: labels[0],
        records: items,
        segments: None,
        held,
        bytes_read: after.bytes_read - before.bytes_read,
        read_ops: reads,
        target: false,
    };

    let mut copy = flash.clone();
    let before = Snapshot::take(&copy);
    let mut queue = queue(&mut copy)?;
    block_on(queue.push(work.stored(next), true)).map_err(|e| format!("push: {e:?}"))?;
    let reads = queue.flash().reads();
    let after = Snapshot::take(&copy);
    let first_push = ReadRun {
        system: System::Queue,
        memory,
        what: labels[1],
        records: held_items,
        segments: None,
        held,
        bytes_read: after.bytes_read - before.bytes_read,
        read_ops: reads,
        target: false,
    };
    Ok([iterate, first_push])
}

/// Everything sequential-storage does on the 1 MiB NOR flash with `W`-byte words: the first
/// records and until full (pushes refused when full), steady state (pushes that overwrite the
/// oldest page), and the read cost of booting in both states.
pub fn nor<const W: usize>(
    fill_work: &Workload,
    steady_work: &Workload,
    warmup: usize,
) -> Result<(Vec<WriteRun>, Vec<ReadRun>), Error> {
    let memory = Memory::Nor {
        write_size: W as u32,
    };
    let (mut writes, mut reads) = (Vec::new(), Vec::new());

    // Record 0, the commission, is the first item, as it is the log's identity.
    let mut flash = Nor::<W>::new(NOR_CAPACITY);
    let mut q = queue(&mut flash)?;
    push(&mut q, fill_work, 0..1, false)?;
    let start = Snapshot::take(q.flash().inner());
    let first_end = (FIRST_RECORDS + 1).min(fill_work.len());
    let first = push(&mut q, fill_work, 1..first_end, false)?;
    let after_first = Snapshot::take(q.flash().inner());
    let rest = match first.refused_at {
        Some(_) => Progress::default(),
        None => push(&mut q, fill_work, first_end..fill_work.len(), false)?,
    };
    let full = Snapshot::take(q.flash().inner());
    let Some(refused_at) = rest.refused_at.or(first.refused_at) else {
        return Err(format!(
            "{} did not fill in {} records",
            memory.name(),
            fill_work.len()
        )
        .into());
    };
    let total = Progress {
        records: first.records + rest.records,
        record_bytes: first.record_bytes + rest.record_bytes,
        refused_at: Some(refused_at),
    };
    writes.push(write_run(memory, Phase::First, first, start, after_first));
    writes.push(write_run(memory, Phase::UntilFull, total, start, full));
    reads.extend(boot(
        &flash,
        fill_work,
        refused_at as usize,
        total.records + 1,
        FULL,
    )?);

    let mut flash = Nor::<W>::new(NOR_CAPACITY);
    let mut q = queue(&mut flash)?;
    push(&mut q, steady_work, 0..warmup + 1, true)?;
    let before = Snapshot::take(q.flash().inner());
    let window = push(&mut q, steady_work, warmup + 1..steady_work.len(), true)?;
    let after = Snapshot::take(q.flash().inner());
    writes.push(write_run(memory, Phase::Steady, window, before, after));
    let mut copy = flash.clone();
    let (items, _, _) = iterate_all(&mut copy)?;
    reads.extend(boot(&flash, steady_work, 1, items, STEADY)?);
    Ok((writes, reads))
}
