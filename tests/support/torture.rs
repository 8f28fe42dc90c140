//! Power-cut torture of the custody log: cut power at a chosen byte-step, reboot (drop all RAM
//! state), mount, and check that every acknowledged record is there, intact, and that appending
//! goes on.

use remtag::Record;
use remtag::log::{DamageReason, Entry, LayoutConfig, Log, LogError, Medium};
use remtag::model::Seq;

/// What the byte or word being written holds after a cut.
pub use remtag_sim::memory::power::CutWord;

/// A simulated memory the harness can cut power on.
pub trait Target: Clone {
    /// The medium a log runs on, borrowing the memory.
    type M<'a>: Medium
    where
        Self: 'a;

    /// The memory as a log medium.
    fn medium(&mut self) -> Self::M<'_>;
    /// The layout to use.
    fn config(&self) -> LayoutConfig;
    /// Byte-steps performed so far.
    fn steps(&self) -> u64;
    /// Cut power after `steps` more byte-steps.
    fn cut_after(&mut self, steps: u64, word: CutWord, seed: u64);
    /// Power back on (a reboot), contents kept.
    fn restore(&mut self);
    /// A short name for messages.
    fn name(&self) -> String;
}

/// Formats (when nothing is acknowledged yet) and appends `records[acked..until]`; stops at the
/// first failure. Returns how many records are acknowledged.
pub fn run<T: Target>(mem: &mut T, records: &[Record], acked: usize, until: usize) -> usize {
    let config = mem.config();
    let mut acked = acked;
    let mut log = if acked == 0 {
        match Log::format(mem.medium(), config, &records[0]) {
            Ok(log) => {
                acked = 1;
                log
            }
            Err(_) => return 0,
        }
    } else {
        match Log::mount(mem.medium(), config) {
            Ok((log, _)) => log,
            Err(_) => return acked,
        }
    };
    while acked < until.min(records.len()) {
        match log.append(&records[acked]) {
            Ok(_) => acked += 1,
            Err(_) => break,
        }
    }
    acked
}

/// After a cut: power on, mount, and check the records. Returns how many records are present
/// (the acknowledged ones, and perhaps the one in flight).
pub fn check_after_cut<T: Target>(
    mem: &mut T,
    records: &[Record],
    acked: usize,
) -> Result<usize, String> {
    mem.restore();
    let config = mem.config();
    let (mut log, report) = match Log::mount(mem.medium(), config) {
        Ok(ok) => ok,
        Err(LogError::Unformatted) if acked == 0 => return Ok(0),
        Err(e) => return Err(format!("mount failed with {acked} acknowledged: {e}")),
    };
    // A format cut between the two identity copies leaves one copy torn: mount repairs it.
    let expected = |d: &remtag::log::Damage| {
        d.reason == DamageReason::TornAppend
            || (acked == 0 && d.reason == DamageReason::IdentityCopy)
    };
    if !report.damage.iter().all(expected) || report.damage_count as usize > report.damage.len() {
        return Err(format!("mount reports damage: {:?}", report.damage));
    }
    let mut present = Vec::new();
    for entry in log.read_from(Seq(0)) {
        match entry.map_err(|e| format!("reading: {e}"))? {
            Entry::Record { record, .. } => present.push(record),
            Entry::Damage(d) if d.reason == DamageReason::TornAppend => {}
            Entry::Damage(d) => return Err(format!("reading: {d}")),
        }
    }
    let n = present.len();
    if n < acked || n > acked + 1 {
        return Err(format!("{n} records present, {acked} acknowledged"));
    }
    if let Some(i) = (0..n).find(|&i| present[i] != records[i]) {
        return Err(format!("record {i} differs from what was appended"));
    }
    if log.next_seq() != Some(Seq(n as u32)) {
        return Err(format!("next seq {:?} after {n} records", log.next_seq()));
    }
    Ok(n)
}

/// Appends a few more records after recovery, remounts and checks all of them.
pub fn check_continues<T: Target>(
    mem: &mut T,
    records: &[Record],
    present: usize,
    more: usize,
) -> Result<(), String> {
    let until = (present + more).min(records.len());
    let acked = run(mem, records, present, until);
    if acked != until {
        return Err(format!(
            "appending after recovery stopped at {acked} of {until}"
        ));
    }
    let n = check_after_cut(mem, records, acked)?;
    if n != acked {
        return Err(format!(
            "{n} records after clean appends, {acked} acknowledged"
        ));
    }
    Ok(())
}

/// The step count of each operation (format, then each append) on an uncut run, with the
/// memory as it was before the operation.
pub fn snapshots<T: Target>(fresh: &T, records: &[Record]) -> Vec<(T, u64)> {
    let mut out = Vec::new();
    let mut mem = fresh.clone();
    for i in 0..records.len() {
        let before = mem.clone();
        let start = mem.steps();
        let acked = run(&mut mem, records, i, i + 1);
        assert_eq!(acked, i + 1, "{}: uncut run stopped at {acked}", mem.name());
        out.push((before, mem.steps() - start));
    }
    out
}

/// P1: a power cut at every byte-step of every operation, one cut per run, each followed by a
/// reboot, a check, and more appends. Returns the number of cut points tried.
pub fn p1<T: Target>(fresh: &T, records: &[Record], words: &[CutWord]) -> u64 {
    let mut tried = 0;
    for (op, (before, steps)) in snapshots(fresh, records).into_iter().enumerate() {
        for cut in 0..steps {
            let word = words[(cut as usize) % words.len()];
            let mut mem = before.clone();
            mem.cut_after(cut, word, cut ^ (op as u64) << 32);
            let acked = run(&mut mem, records, op, op + 1);
            assert_eq!(
                acked,
                op,
                "{}: op {op} survived a cut at step {cut}",
                mem.name()
            );
            let present = check_after_cut(&mut mem, records, acked).unwrap_or_else(|e| {
                panic!("{}: op {op}, cut at step {cut} ({word:?}): {e}", mem.name())
            });
            check_continues(&mut mem, records, present, 3).unwrap_or_else(|e| {
                panic!(
                    "{}: op {op}, cut at step {cut} ({word:?}), continuing: {e}",
                    mem.name()
                )
            });
            tried += 1;
        }
    }
    tried
}

/// P2: every pair of cut points over appending `records[1..]` to a formatted log, with a
/// reboot and a check after each cut. Returns the number of cut pairs tried.
pub fn p2<T: Target>(fresh: &T, records: &[Record], word: CutWord) -> u64 {
    let mut formatted = fresh.clone();
    assert_eq!(run(&mut formatted, records, 0, 1), 1);
    let start = formatted.steps();
    let mut total = formatted.clone();
    assert_eq!(run(&mut total, records, 1, records.len()), records.len());
    let steps = total.steps() - start;
    let mut pairs = 0;
    for first in 0..steps {
        let mut mem = formatted.clone();
        mem.cut_after(first, word, first);
        let acked = run(&mut mem, records, 1, records.len());
        let present = check_after_cut(&mut mem, records, acked)
            .unwrap_or_else(|e| panic!("{}: first cut at {first}: {e}", mem.name()));
        let base = mem.clone();
        let rest_start = base.steps();
        let mut probe = base.clone();
        assert_eq!(
            run(&mut probe, records, present, records.len()),
            records.len()
        );
        let rest = probe.steps() - rest_start;
        for second in 0..rest {
            let mut mem = base.clone();
            mem.cut_after(second, word, second);
            let acked = run(&mut mem, records, present, records.len());
            // Appending after the first cut's recovery is what the second run did; after the
            // second cut, the check is the remount.
            check_after_cut(&mut mem, records, acked)
                .unwrap_or_else(|e| panic!("{}: cuts at {first} then {second}: {e}", mem.name()));
            pairs += 1;
        }
    }
    pairs
}
