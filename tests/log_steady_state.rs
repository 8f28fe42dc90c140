//! Steady-state torture of the custody log: power cuts and bit flips on a medium whose
//! segments have each been filled, checkpointed, reclaimed and filled again several times.
//!
//! The workload formats the medium, appends a long journey, and reclaims up to a checkpoint
//! each time a new one is appended (lagging by a few checkpoints, so that several segments
//! are in use), until every segment has been reused at least three times; then it formats
//! the used medium and starts a new journey on it. It runs once without a cut. Before each
//! of its log operations (format, append, reclaim) the memory and the host's model are kept;
//! the operation is then replayed from there with a power cut at each of its memory
//! operations (each erase of a sector, each program, each EEPROM write cycle, each NFC page
//! write), torn in each of several patterns, and after the reboot (on NOR flash, also with
//! the torn cells' marginal bits disturbed) the log is mounted and checked against the
//! host's model:
//!
//! 1. it mounts, or, for a format cut before its new identity is written, is unformatted;
//! 2. every acknowledged record that was not reclaimed is there, identical, in order;
//! 3. no record appears that was never appended: only the append in flight may be there;
//! 4. the next sequence number follows the last record, and the next record appends;
//! 5. no damage is reported that does not exist (a torn append is no damage: it is reported
//!    at the position of the append in flight only);
//! 6. the log goes on: appends with reclaims continue (every few cuts, for a whole reclaim
//!    cycle of the medium) without a `LogFull` that reclaiming cannot end.
//!
//! Pairs of cuts cover reboots during recovery: a cut, a reboot, then a cut at every memory
//! operation of the mount and the next few operations. Bit flips cover the blocks the log
//! rewrites or opens over and over: two flipped bits in the header copies of segments in use
//! and in the identity slots, and one flipped bit in each of two neighbouring records; every
//! flip must be repaired or worked around and reported where it is, and nothing else.
//!
//! `REMTAG_TORTURE_SCALE` (default 1) multiplies the seeds, cut pairs and flips tried.

use std::collections::BTreeSet;
use std::fmt;
use std::time::Instant;

use remtag::Record;
use remtag::chain::Chain;
use remtag::codec::{self, DeltaState, RecordBuf};
use remtag::log::medium::{Eeprom24x256Medium, NorFlashMedium, RewritableMedium, eeprom_24x256};
use remtag::log::{Damage, DamageReason, Entry, Layout, LayoutConfig, Log, LogError, Medium};
use remtag::model::{Body, Seq};
use remtag_sim::memory::eeprom::SimEeprom;
use remtag_sim::memory::nor::SimNorFlash;
use remtag_sim::memory::ntag::SimTagMemory;
use remtag_sim::memory::power::{PowerControl, PowerCut, Tear};
use remtag_tests::journey::{custody_journey, journey};
use remtag_tests::targets::{Eeprom, Nor, Tag};

// ---------------------------------------------------------------------------------------------
// The memories.

/// A simulated memory under the log, with its power and its cells in reach.
trait Mem: Clone {
    type M<'a>: Medium
    where
        Self: 'a;

    fn medium(&mut self) -> Self::M<'_>;
    fn config(&self) -> LayoutConfig;
    /// Memory operations completed so far.
    fn ops(&self) -> u64;
    fn arm(&mut self, cut: PowerCut);
    fn powered(&self) -> bool;
    fn reboot(&mut self);
    /// Gives the marginal bits of torn cells random values; whether there were any.
    fn disturb(&mut self, _seed: u64) -> bool {
        false
    }
    fn flip(&mut self, offset: u32, bit: u8);
    fn bytes(&self) -> &[u8];
    fn name(&self) -> String;
}

impl<const W: usize, const E: usize> Mem for Nor<W, E> {
    type M<'a> = NorFlashMedium<&'a mut SimNorFlash<W, E>>;

    fn medium(&mut self) -> Self::M<'_> {
        NorFlashMedium::new(&mut self.flash)
    }
    fn config(&self) -> LayoutConfig {
        LayoutConfig::default()
    }
    fn ops(&self) -> u64 {
        self.flash.operations_taken()
    }
    fn arm(&mut self, cut: PowerCut) {
        self.flash.set_power_cut(cut);
    }
    fn powered(&self) -> bool {
        self.flash.is_powered()
    }
    fn reboot(&mut self) {
        self.flash.restore_power();
    }
    fn disturb(&mut self, seed: u64) -> bool {
        if self.flash.marginal_bit_count() == 0 {
            return false;
        }
        self.flash.disturb_marginal_bits(seed);
        true
    }
    fn flip(&mut self, offset: u32, bit: u8) {
        self.flash.flip_bit(offset as usize, bit);
    }
    fn bytes(&self) -> &[u8] {
        self.flash.contents()
    }
    fn name(&self) -> String {
        format!(
            "NOR {} KiB (write {W}, erase {E})",
            self.flash.contents().len() / 1024
        )
    }
}

impl Mem for Eeprom {
    type M<'a> = Eeprom24x256Medium<&'a mut SimEeprom, remtag_sim::memory::clock::SimDelay>;

    fn medium(&mut self) -> Self::M<'_> {
        let delay = self.chip.delay();
        eeprom_24x256(&mut self.chip, delay)
    }
    fn config(&self) -> LayoutConfig {
        self.config
    }
    fn ops(&self) -> u64 {
        self.chip.operations_taken()
    }
    fn arm(&mut self, cut: PowerCut) {
        self.chip.set_power_cut(cut);
    }
    fn powered(&self) -> bool {
        self.chip.is_powered()
    }
    fn reboot(&mut self) {
        self.chip.restore_power();
    }
    fn flip(&mut self, offset: u32, bit: u8) {
        self.chip.flip_bit(offset as usize, bit);
    }
    fn bytes(&self) -> &[u8] {
        self.chip.contents()
    }
    fn name(&self) -> String {
        format!(
            "EEPROM 24LC256 (segments of {:?} bytes)",
            self.config.segment_len
        )
    }
}

impl Mem for Tag {
    type M<'a> = RewritableMedium<&'a mut SimTagMemory>;

    fn medium(&mut self) -> Self::M<'_> {
        RewritableMedium::new(&mut self.memory, SimTagMemory::PAGE as u32)
    }
    fn config(&self) -> LayoutConfig {
        LayoutConfig {
            identity_slot_len: Some(64),
            segment_len: None,
        }
    }
    fn ops(&self) -> u64 {
        self.memory.operations_taken()
    }
    fn arm(&mut self, cut: PowerCut) {
        self.memory.set_power_cut(cut);
    }
    fn powered(&self) -> bool {
        self.memory.is_powered()
    }
    fn reboot(&mut self) {
        self.memory.restore_power();
    }
    fn flip(&mut self, offset: u32, bit: u8) {
        self.memory.flip_bit(offset as usize, bit);
    }
    fn bytes(&self) -> &[u8] {
        self.memory.contents()
    }
    fn name(&self) -> String {
        format!("NFC tag ({} bytes)", self.memory.contents().len())
    }
}

// ---------------------------------------------------------------------------------------------
// The journey and what the host knows.

/// The records of a journey, as a log stores them and as its chain runs over them.
struct Journey {
    records: Vec<Record>,
    /// Each record's stored bytes.
    stored: Vec<RecordBuf>,
    /// `heads[n]`: the chain over the first `n` records.
    heads: Vec<Chain>,
}

impl Journey {
    fn new(records: Vec<Record>) -> Self {
        let mut state = DeltaState::default();
        let mut chain = Chain::default();
        let mut stored = Vec::new();
        let mut heads = vec![chain];
        for r in &records {
            let bytes = codec::encode_to_buf(r, &mut state).expect("encodes");
            chain.push(&bytes);
            heads.push(chain);
            stored.push(bytes);
        }
        Journey {
            records,
            stored,
            heads,
        }
    }

    fn is_checkpoint(&self, seq: u32) -> bool {
        matches!(&self.records[seq as usize].body, Body::Checkpoint(c) if c.count == seq)
    }
}

/// A log operation of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    /// Formats the medium with the journey's commission record.
    Format,
    /// Mounts (after a reboot: what the host does first).
    Mount,
    /// Appends the record of this sequence number.
    Append(u32),
    /// Reclaims up to this checkpoint.
    Reclaim(u32),
}

/// What the host knows of its log.
#[derive(Clone, Debug)]
struct Host {
    /// Whether the medium holds a log (a format was acknowledged).
    formatted: bool,
    /// Records acknowledged: the next sequence number.
    next: u32,
    /// Checkpoints appended and not yet reclaimed up to, oldest first.
    pending: Vec<u32>,
    /// Checkpoints left unreclaimed behind the newest.
    lag: usize,
    /// The first sequence number after the identity that a read yields (`next` when none).
    lo: u32,
    /// Offsets where a torn append may be reported: appends cut earlier, never acknowledged.
    torn: BTreeSet<u32>,
    /// Damage that exists and must be reported, by offset (bit flips put there).
    damage: Vec<Damage>,
    /// Whether the last append was refused for want of space: the host now reclaims up to
    /// its newest checkpoint.
    full: bool,
}

impl Host {
    fn new(lag: usize) -> Self {
        Host {
            formatted: false,
            next: 0,
            pending: Vec::new(),
            lag,
            lo: 0,
            torn: BTreeSet::new(),
            damage: Vec::new(),
            full: false,
        }
    }

    /// The host's next operation.
    fn next_op(&self) -> Op {
        if !self.formatted {
            return Op::Format;
        }
        if self.full
            && let Some(&c) = self.pending.last()
        {
            return Op::Reclaim(c);
        }
        if self.pending.len() > self.lag {
            return Op::Reclaim(self.pending[self.pending.len() - 1 - self.lag]);
        }
        Op::Append(self.next)
    }

    /// The host after a reboot: what it knows is what the log holds.
    fn recovered(&self, journey: &Journey, seen: &Seen) -> Host {
        let pending = (seen.lo.max(1)..seen.next)
            .filter(|&s| journey.is_checkpoint(s))
            .collect();
        Host {
            formatted: true,
            next: seen.next,
            pending,
            lag: self.lag,
            lo: seen.lo,
            torn: seen.torn.clone(),
            damage: self.damage.clone(),
            full: false,
        }
    }
}

/// What an operation did in the uncut run.
#[derive(Clone, Debug)]
struct Outcome {
    result: Result<(), String>,
    /// Memory operations it took (after the mount before it, which took none).
    mem_ops: u64,
    /// For an append: where the record went.
    offset: Option<u32>,
    /// The first record after the identity afterwards (`next` when none).
    lo_after: u32,
}

/// What a check found on a mounted log.
#[derive(Clone, Debug)]
struct Seen {
    /// The next sequence number.
    next: u32,
    /// The first sequence number after the identity (`next` when none).
    lo: u32,
    /// Torn appends reported.
    torn: BTreeSet<u32>,
    /// Records read (the identity included).
    records: u64,
}

/// What a check after a cut during `op` may find.
struct Expect<'a> {
    journey: &'a Journey,
    /// The host before the operation.
    host: &'a Host,
    op: Op,
    /// The operation in the uncut run.
    outcome: &'a Outcome,
    /// Whether damage the host knows of may be gone: its segment was reclaimed since.
    damage_may_go: bool,
}

/// Where a failure happened, to reproduce it.
#[derive(Clone, Debug)]
struct Place {
    medium: String,
    what: String,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.medium, self.what)
    }
}

/// What a test ran.
#[derive(Default, Debug)]
struct Counts {
    ops: u64,
    cuts: u64,
    reboots: u64,
    disturbed: u64,
    pairs: u64,
    flips: u64,
    checks: u64,
    records_checked: u64,
    long_runs: u64,
    appended_after: u64,
    failures: Vec<String>,
    kinds: Vec<(String, u64, String)>,
}

/// The kind of what was cut or flipped, from a failure's place.
fn op_kind(what: &str) -> String {
    let mut kind = Vec::new();
    for word in [
        "Format",
        "Mount",
        "Append",
        "Reclaim",
        "disturbed",
        "then operation",
        "header",
        "identity",
        "records at",
    ] {
        if what.contains(word) {
            kind.push(word);
        }
    }
    kind.join("+")
}

impl Counts {
    fn fail(&mut self, place: &Place, e: String) {
        let line = format!("{place}: {e}");
        if self.failures.len() < 10 {
            eprintln!("FAILURE {line}");
        }
        self.failures.push(line.clone());
        // Failures of one kind: the message with its numbers left out, and what was cut.
        let kind: String = format!("{} | {e}", op_kind(&place.what))
            .chars()
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect();
        match self.kinds.iter_mut().find(|(k, _, _)| *k == kind) {
            Some((_, n, _)) => *n += 1,
            None => self.kinds.push((kind, 1, line)),
        }
    }

    /// Each kind of failure: how many, and the first of them.
    fn summary(&self) -> String {
        let mut out = String::new();
        for (kind, n, first) in &self.kinds {
            out += &format!("\n  {n} x {kind}\n      first: {first}");
        }
        out
    }
}

fn scale() -> u64 {
    std::env::var("REMTAG_TORTURE_SCALE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
        .max(1)
}

/// A seed from the numbers that name a cut, so that each cut has its own and reproduces.
fn seed(parts: &[u64]) -> u64 {
    let mut z = 0x5EED_u64;
    for &p in parts {
        z = (z ^ p).wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
    }
    z
}

/// The tears tried at each cut point: the catalogue, and more seeds of the random ones.
fn tears() -> Vec<Tear> {
    let mut tears = Tear::catalogue(8).to_vec();
    for _ in 0..scale() {
        tears.push(Tear::RandomBytes);
        tears.push(Tear::RandomBits);
    }
    tears
}

// ---------------------------------------------------------------------------------------------
// Running operations.

fn mount<T: Mem>(mem: &mut T) -> Result<(Log<T::M<'_>>, remtag::log::MountReport), String> {
    let config = mem.config();
    Log::try_mount(mem.medium(), config).map_err(|(_, e)| format!("mount: {e}"))
}

/// Runs `op` on `mem`: mounts first unless it is a format. Returns the result, and for an
/// append the record's offset (read back after it).
fn perform<T: Mem>(mem: &mut T, journey: &Journey, op: Op) -> (Result<(), String>, Option<u32>) {
    let config = mem.config();
    match op {
        Op::Format => match Log::format(mem.medium(), config, &journey.records[0]) {
            Ok(_) => (Ok(()), None),
            Err(e) => (Err(format!("format: {e}")), None),
        },
        Op::Mount => (mount(mem).map(|_| ()), None),
        Op::Append(seq) => {
            let (mut log, _) = match mount(mem) {
                Ok(m) => m,
                Err(e) => return (Err(e), None),
            };
            match log.append(&journey.records[seq as usize]) {
                Ok(_) => {
                    let offset = log.read_from(Seq(seq)).find_map(|e| match e {
                        Ok(Entry::Record { offset, record, .. }) if record.header.seq.0 == seq => {
                            Some(offset)
                        }
                        _ => None,
                    });
                    (Ok(()), offset)
                }
                Err(LogError::LogFull) => (Err("LogFull".into()), None),
                Err(e) => (Err(format!("append {seq}: {e}")), None),
            }
        }
        Op::Reclaim(c) => {
            let (mut log, _) = match mount(mem) {
                Ok(m) => m,
                Err(e) => return (Err(e), None),
            };
            match log.reclaim(Seq(c)) {
                Ok(_) => (Ok(()), None),
                Err(e) => (Err(format!("reclaim {c}: {e}")), None),
            }
        }
    }
}

/// The first sequence number after the identity that a read yields, or `next_seq`.
fn first_after_identity<T: Mem>(mem: &mut T) -> u32 {
    let (mut log, _) = mount(mem).expect("mounts");
    let next = log.next_seq().map_or(0, |s| s.0);
    log.read_from(Seq(0))
        .filter_map(|e| match e {
            Ok(Entry::Record { record, .. }) if record.header.seq.0 > 0 => {
                Some(record.header.seq.0)
            }
            _ => None,
        })
        .next()
        .unwrap_or(next)
}

/// Applies an operation's uncut result to the host's model.
fn apply(host: &mut Host, journey: &Journey, op: Op, outcome: &Outcome) {
    match (op, &outcome.result) {
        (Op::Format, Ok(())) => {
            host.formatted = true;
            host.next = 1;
            host.pending.clear();
            host.torn.clear();
            host.damage.clear();
            host.full = false;
        }
        (Op::Append(seq), Ok(())) => {
            host.next = seq + 1;
            host.full = false;
            if journey.is_checkpoint(seq) {
                host.pending.push(seq);
            }
        }
        (Op::Append(seq), Err(e)) if e == "LogFull" => {
            assert!(
                !host.full,
                "uncut append {seq}: LogFull after reclaiming to the newest checkpoint"
            );
            host.full = true;
        }
        (Op::Reclaim(c), Ok(())) => {
            host.pending.retain(|&p| p > c);
            host.full = false;
        }
        (Op::Mount, Ok(())) => {}
        (op, Err(e)) => panic!("uncut {op:?} failed: {e}"),
    }
    host.lo = outcome.lo_after;
}

// ---------------------------------------------------------------------------------------------
// The checks.

/// Mounts after a reboot and checks everything the host knows (points 1 to 5). `Ok(None)`
/// for a medium that is unformatted where that is allowed.
fn check<T: Mem>(mem: &mut T, x: &Expect<'_>) -> Result<Option<Seen>, String> {
    let host = x.host;
    let journey = x.journey;
    let config = mem.config();
    let formatting = x.op == Op::Format;
    let (mut log, report) = match Log::try_mount(mem.medium(), config) {
        Ok(m) => m,
        Err((_, LogError::Unformatted)) if formatting => return Ok(None),
        Err((_, e)) => return Err(format!("mount failed: {e}")),
    };
    let next = log
        .next_seq()
        .map(|s| s.0)
        .ok_or("no next sequence number")?;
    // A format in flight leaves the old log whole, or the new one empty.
    let new_log = formatting && (!host.formatted || next == 1);
    let (acked, attempted, los): (u32, Option<u32>, Vec<u32>) = if new_log {
        (1, None, vec![1])
    } else {
        match x.op {
            Op::Append(seq) => (host.next, Some(seq), vec![host.lo]),
            Op::Reclaim(_) => (host.next, None, vec![host.lo, x.outcome.lo_after]),
            Op::Format | Op::Mount => (host.next, None, vec![host.lo]),
        }
    };
    let inflight = match x.op {
        Op::Append(_) if !new_log => x.outcome.offset,
        _ => None,
    };
    let torn_ok =
        |offset: u32| !new_log && (host.torn.contains(&offset) || inflight == Some(offset));
    let expected_damage: &[Damage] = if new_log { &[] } else { &host.damage };

    // Point 5 on the mount report.
    let mut reported: Vec<Damage> = Vec::new();
    for d in &report.damage {
        if d.seq == Some(Seq(0)) && d.may_be_a_power_cut() && !expected_damage.contains(d) {
            // An identity copy the cut tore while it was rewritten: reported, rewritten, and
            // not damage (`Damage::may_be_a_power_cut`).
            continue;
        }
        if d.reason == DamageReason::TornAppend {
            if !torn_ok(d.offset) {
                return Err(format!(
                    "mount reports a torn append at {} (in flight: {inflight:?}, torn before: {:?})",
                    d.offset, host.torn
                ));
            }
        } else {
            reported.push(*d);
        }
    }
    if report.damage_count as usize > report.damage.len() {
        return Err(format!(
            "mount reports {} damages: {:?}",
            report.damage_count, report.damage
        ));
    }
    same_damage("mount report", &reported, expected_damage, x.damage_may_go)?;

    // Points 2 and 3 on a read of everything.
    let mut read_damage = Vec::new();
    let mut torn = BTreeSet::new();
    let mut seqs = Vec::new();
    for entry in log.read_from(Seq(0)) {
        match entry.map_err(|e| format!("read: {e}"))? {
            Entry::Record { record, stored, .. } => {
                let seq = record.header.seq.0;
                let i = seq as usize;
                if i >= journey.records.len() || record != journey.records[i] {
                    return Err(format!("record {seq} was never appended as read"));
                }
                if stored != journey.stored[i] {
                    return Err(format!("record {seq}: stored bytes differ"));
                }
                seqs.push(seq);
            }
            Entry::Damage(d) if d.reason == DamageReason::TornAppend => {
                if !torn_ok(d.offset) {
                    return Err(format!("read yields a torn append at {}", d.offset));
                }
                torn.insert(d.offset);
            }
            Entry::Damage(d)
                if d.seq == Some(Seq(0))
                    && d.may_be_a_power_cut()
                    && !expected_damage.contains(&d) => {}
            Entry::Damage(d) => read_damage.push(d),
        }
    }
    same_damage("read", &read_damage, expected_damage, x.damage_may_go)?;
    if seqs.first() != Some(&0) {
        return Err(format!(
            "the identity is not read first: {:?}",
            seqs.first()
        ));
    }
    let lo = seqs.get(1).copied().unwrap_or(next);
    if !los.contains(&lo) {
        return Err(format!(
            "the first record after the identity is {lo}, expected one of {los:?}"
        ));
    }
    for (w, pair) in seqs.windows(2).enumerate().skip(1) {
        if pair[1] != pair[0] + 1 {
            return Err(format!(
                "records out of order or missing: {} then {} (entry {w})",
                pair[0], pair[1]
            ));
        }
    }
    let last = *seqs.last().unwrap_or(&0);
    let present_end = if seqs.len() > 1 { last + 1 } else { lo };
    if present_end < acked {
        return Err(format!(
            "acknowledged records lost: {present_end} present of {acked}"
        ));
    }
    let limit = attempted.map_or(acked, |s| s + 1);
    if present_end > limit {
        return Err(format!(
            "record {} present, never attempted (last attempted {})",
            present_end - 1,
            limit - 1
        ));
    }
    // Point 4: no sequence number reused, the chain continues.
    if next != present_end {
        return Err(format!(
            "next sequence number {next} after records up to {}",
            present_end - 1
        ));
    }
    if log.chain() != journey.heads[next as usize] {
        return Err(format!("the chain head after {next} records differs"));
    }
    Ok(Some(Seen {
        next,
        lo,
        torn,
        records: seqs.len() as u64,
    }))
}

/// The damage `got` (torn appends left out) is exactly `want`, in any order.
fn same_damage(what: &str, got: &[Damage], want: &[Damage], may_go: bool) -> Result<(), String> {
    let mut got_sorted = got.to_vec();
    let mut want_sorted = want.to_vec();
    let key = |d: &Damage| (d.offset, format!("{:?}", d.reason));
    got_sorted.sort_by_key(key);
    want_sorted.sort_by_key(key);
    got_sorted.dedup();
    let fits = match may_go {
        true => got_sorted.iter().all(|d| want_sorted.contains(d)),
        false => got_sorted == want_sorted,
    };
    if !fits {
        return Err(format!(
            "{what} holds damage {got_sorted:?}, expected {want_sorted:?}"
        ));
    }
    Ok(())
}

/// After a check: the next record appends (reclaiming first if the log is full), reads back,
/// and then, when `long`, the workload goes on for a whole reclaim cycle of the medium. Then
/// a clean remount must show everything. Returns the host afterwards.
fn continue_after<T: Mem>(
    mem: &mut T,
    journey: &Journey,
    host: Host,
    long: bool,
    counts: &mut Counts,
) -> Result<Host, String> {
    let mut host = host;
    let (mut log, _) = mount(mem)?;
    let segments = log.layout().segments;
    let goal = log.oldest_epoch() + segments;
    let mut appended = 0u32;
    let mut full_in_a_row = 0;
    loop {
        let done = match long {
            true => log.oldest_epoch() >= goal || (segments == 1 && host.full),
            false => appended >= 1 || (segments == 1 && host.full),
        };
        if done {
            break;
        }
        if host.next as usize >= journey.records.len() {
            return Err("the journey is too short for the run after the cut".into());
        }
        match host.next_op() {
            Op::Append(seq) => match log.append(&journey.records[seq as usize]) {
                Ok(_) => {
                    appended += 1;
                    full_in_a_row = 0;
                    host.next = seq + 1;
                    host.full = false;
                    if journey.is_checkpoint(seq) {
                        host.pending.push(seq);
                    }
                    // It reads back.
                    let back = log.read_from(Seq(seq)).find_map(|e| match e {
                        Ok(Entry::Record { record, .. }) => Some(record),
                        _ => None,
                    });
                    if back.as_ref() != Some(&journey.records[seq as usize]) {
                        return Err(format!(
                            "record {seq} appended after the cut does not read back"
                        ));
                    }
                    counts.appended_after += 1;
                }
                Err(LogError::LogFull) if segments == 1 => host.full = true,
                Err(LogError::LogFull) => {
                    full_in_a_row += 1;
                    if full_in_a_row > 1 || host.pending.is_empty() {
                        return Err(format!(
                            "append {seq}: LogFull stays after reclaiming to the newest \
                             checkpoint (pending {:?})",
                            host.pending
                        ));
                    }
                    host.full = true;
                }
                Err(e) => return Err(format!("after the cut, append {seq} failed: {e}")),
            },
            Op::Reclaim(c) => match log.reclaim(Seq(c)) {
                Ok(_) => {
                    host.pending.retain(|&p| p > c);
                    host.full = false;
                }
                Err(LogError::ReclaimRefused(_)) if !host.damage.is_empty() => {
                    // Damage near a checkpoint (flipped bits) refuses it; a later one may do.
                    host.pending.retain(|&p| p != c);
                }
                Err(e) => return Err(format!("after the cut, reclaim {c} failed: {e}")),
            },
            op => return Err(format!("after the cut, the host wants {op:?}")),
        }
    }
    if long {
        counts.long_runs += 1;
    }
    // Reclaims moved the oldest record on.
    host.lo = log
        .read_from(Seq(0))
        .filter_map(|e| match e {
            Ok(Entry::Record { record, .. }) if record.header.seq.0 > 0 => {
                Some(record.header.seq.0)
            }
            _ => None,
        })
        .next()
        .unwrap_or(host.next);
    Ok(host)
}

// ---------------------------------------------------------------------------------------------
// Cuts.

/// Replays `op` from `before` with a cut in its memory operation `k`, torn as `tear`.
/// Returns the memory after the reboot, or `None` when the operation finished before `k`.
fn cut_in<T: Mem>(
    before: &T,
    journey: &Journey,
    op: Op,
    k: u64,
    tear: Tear,
    seed: u64,
) -> Result<T, String> {
    let mut mem = before.clone();
    // The mount before the operation writes nothing on a medium that was not cut.
    if op != Op::Format && op != Op::Mount {
        let ops = mem.ops();
        mount(&mut mem)?;
        if mem.ops() != ops {
            return Err("the mount before the operation wrote".into());
        }
    }
    mem.arm(PowerCut::in_operation(k, tear, seed));
    let (result, _) = perform(&mut mem, journey, op);
    if mem.powered() {
        mem.reboot();
        return Err(format!("no cut happened ({result:?})"));
    }
    if result.is_ok() {
        return Err("the operation succeeded though the power failed".into());
    }
    mem.reboot();
    Ok(mem)
}

/// Settings of one medium's run.
struct Setup<T> {
    blank: T,
    /// Checkpoints left unreclaimed behind the newest.
    lag: usize,
    /// Reclaim cycles of the whole medium before the final format.
    cycles: u32,
    /// Cut every memory operation of every `stride`-th log operation (and of every reclaim,
    /// format and segment opening).
    stride: u64,
    /// A whole reclaim cycle after every `long_every`-th check.
    long_every: u64,
    /// Log operations whose cut is followed by a second cut at every memory operation of the
    /// recovery and the next few operations.
    pair_every: u64,
    /// Random pairs of flipped bits in each header copy pair and identity slot.
    flip_pairs: u64,
    /// Headers whose bit pairs are all tried.
    all_pair_headers: usize,
}

/// One check with its continuation, counted; failures are collected with their place.
fn check_and_continue<T: Mem>(
    mem: &mut T,
    x: &Expect<'_>,
    place: &Place,
    long: bool,
    counts: &mut Counts,
) -> Option<Host> {
    counts.reboots += 1;
    counts.checks += 1;
    let seen = match check(mem, x) {
        Ok(seen) => seen,
        Err(e) => {
            counts.fail(place, e);
            return None;
        }
    };
    let host = match &seen {
        Some(seen) => {
            counts.records_checked += seen.records;
            x.host.recovered(x.journey, seen)
        }
        None => {
            // Unformatted: the host formats again.
            let config = mem.config();
            if let Err(e) = Log::format(mem.medium(), config, &x.journey.records[0]) {
                counts.fail(place, format!("format after an unformatted mount: {e}"));
                return None;
            }
            let mut host = Host::new(x.host.lag);
            host.formatted = true;
            host.next = 1;
            host.lo = 1;
            host
        }
    };
    match continue_after(mem, x.journey, host, long, counts) {
        Ok(host) => {
            // A clean remount shows everything, the records appended after the cut too.
            let outcome = Outcome {
                result: Ok(()),
                mem_ops: 0,
                offset: None,
                lo_after: host.lo,
            };
            let x2 = Expect {
                journey: x.journey,
                host: &host,
                op: Op::Mount,
                outcome: &outcome,
                damage_may_go: true,
            };
            match check(mem, &x2) {
                Ok(Some(seen)) => {
                    // Reclaims while continuing moved the oldest record on: any lo is fine
                    // there, so the check above compared with the host's own.
                    Some(host.recovered(x.journey, &seen))
                }
                Ok(None) => {
                    counts.fail(place, "unformatted after appending".into());
                    None
                }
                Err(e) => {
                    counts.fail(place, format!("after appending on: {e}"));
                    None
                }
            }
        }
        Err(e) => {
            counts.fail(place, e);
            None
        }
    }
}

/// Every cut of one log operation: each memory operation, each tear, with and without the
/// marginal bits disturbed. When `pairs`, a second cut follows some of them.
#[allow(clippy::too_many_arguments)]
fn cut_everywhere<T: Mem>(
    setup: &Setup<T>,
    before: &T,
    journey: &Journey,
    host: &Host,
    op_index: u64,
    op: Op,
    outcome: &Outcome,
    pairs: bool,
    counts: &mut Counts,
) {
    let tears = tears();
    let name = before.name();
    for k in 0..outcome.mem_ops {
        for (t, &tear) in tears.iter().enumerate() {
            let s = seed(&[op_index, k, t as u64]);
            let place = Place {
                medium: name.clone(),
                what: format!(
                    "operation {op_index} {op:?}, cut in memory operation {k}, {tear:?}, seed {s:#x}"
                ),
            };
            let cut = match cut_in(before, journey, op, k, tear, s) {
                Ok(mem) => mem,
                Err(e) => {
                    counts.fail(&place, e);
                    continue;
                }
            };
            counts.cuts += 1;
            let x = Expect {
                journey,
                host,
                op,
                outcome,
                damage_may_go: false,
            };
            let long = counts.cuts.is_multiple_of(setup.long_every);
            let mut mem = cut.clone();
            let recovered = check_and_continue(&mut mem, &x, &place, long, counts);
            let mut disturbed = cut.clone();
            if disturbed.disturb(s ^ 0xD15) {
                counts.disturbed += 1;
                let place = Place {
                    medium: name.clone(),
                    what: format!("{}, marginal bits disturbed", place.what),
                };
                check_and_continue(&mut disturbed, &x, &place, false, counts);
            }
            if pairs && t < 2 + scale() as usize && recovered.is_some() {
                second_cuts(&cut, journey, &x, &place, counts);
            }
        }
    }
}

/// After the cut that left `cut`: a second cut at every memory operation of the mount and the
/// next three operations of the host, each followed by a reboot and a check.
fn second_cuts<T: Mem>(
    cut: &T,
    journey: &Journey,
    x: &Expect<'_>,
    place: &Place,
    counts: &mut Counts,
) {
    // What the first cut left, and the host after it.
    let mut probe = cut.clone();
    let seen = match check(&mut probe, x) {
        Ok(Some(seen)) => seen,
        _ => return,
    };
    let host = x.host.recovered(journey, &seen);
    // The uncut run from there: the mount, then three operations.
    let mut mem = cut.clone();
    let mut h = host.clone();
    let mut steps: Vec<(T, Host, Op, Outcome)> = Vec::new();
    for i in 0..4 {
        let op = if i == 0 { Op::Mount } else { h.next_op() };
        let before = mem.clone();
        let ops = mem.ops();
        let (result, offset) = perform(&mut mem, journey, op);
        let mem_ops = mem.ops() - ops;
        if let Err(e) = &result
            && e != "LogFull"
        {
            counts.fail(place, format!("after the cut, uncut {op:?} failed: {e}"));
            return;
        }
        let outcome = Outcome {
            result,
            mem_ops,
            offset,
            lo_after: first_after_identity(&mut mem),
        };
        let host_before = h.clone();
        let refused_again = h.full && outcome.result.is_err();
        if !refused_again {
            apply(&mut h, journey, op, &outcome);
        }
        steps.push((before, host_before, op, outcome));
        if refused_again {
            // A full log with nothing to reclaim (NFC memory): nothing more to run.
            break;
        }
    }
    for (i, (before, host_before, op, outcome)) in steps.iter().enumerate() {
        for k in 0..outcome.mem_ops {
            let s = seed(&[0x5EC0D, i as u64, k]);
            let tear = if k % 2 == 0 {
                Tear::RandomBits
            } else {
                Tear::RandomBytes
            };
            let place = Place {
                medium: place.medium.clone(),
                what: format!(
                    "{}; then operation {i} after it ({op:?}), cut in memory operation {k}, {tear:?}, seed {s:#x}",
                    place.what
                ),
            };
            // A mount of a medium that needs no repair writes nothing: the cut of the
            // operation after it is counted from the mount before it.
            let mut mem = before.clone();
            if *op != Op::Mount && *op != Op::Format {
                mount(&mut mem).ok();
            }
            mem.arm(PowerCut::in_operation(k, tear, s));
            let (result, _) = perform(&mut mem, journey, *op);
            if mem.powered() || result.is_ok() {
                mem.reboot();
                counts.fail(
                    &place,
                    format!("the second cut did not happen ({result:?})"),
                );
                continue;
            }
            mem.reboot();
            counts.cuts += 1;
            counts.pairs += 1;
            let x2 = Expect {
                journey,
                host: host_before,
                op: *op,
                outcome,
                damage_may_go: false,
            };
            check_and_continue(&mut mem, &x2, &place, false, counts);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Bit flips.

/// The stored regions of a steady-state medium that bit flips aim at.
struct Regions {
    /// Each identity slot's offset and the length of its contents.
    slots: Vec<(u32, u32)>,
    /// Each segment in use: its start, the length of a header copy, where the second copy is.
    headers: Vec<(u32, u32, u32)>,
    /// The newest segment's records: offset and stored length, in order.
    newest_records: Vec<(u32, u32)>,
    /// Every record: offset, stored length.
    records: Vec<(u32, u32)>,
}

fn regions<T: Mem>(mem: &mut T) -> Regions {
    let bytes = mem.bytes().to_vec();
    let (mut log, _) = mount(mem).expect("mounts");
    let layout = *log.layout();
    let identity_len = 10 + log.identity_bytes().len() as u32 + 4;
    let slots = (0..2)
        .map(|c| (layout.identity_slot(c), identity_len))
        .collect();
    let mut records = Vec::new();
    for e in log.read_from(Seq(0)) {
        if let Ok(Entry::Record {
            offset,
            stored,
            record,
            ..
        }) = e
            && record.header.seq.0 > 0
        {
            records.push((offset, stored.len() as u32));
        }
    }
    let mut segs: Vec<u32> = records
        .iter()
        .filter_map(|(o, _)| layout.segment_of(*o))
        .collect();
    segs.dedup();
    let headers = segs
        .iter()
        .map(|&p| {
            let start = layout.segment_start(p);
            let len = 3 + u32::from(bytes[start as usize + 2]) + 4;
            (start, len, start + layout.align(len))
        })
        .collect();
    let newest = records
        .last()
        .and_then(|(o, _)| layout.segment_of(*o))
        .expect("records");
    let newest_records = records
        .iter()
        .copied()
        .filter(|(o, _)| layout.segment_of(*o) == Some(newest))
        .collect();
    Regions {
        slots,
        headers,
        newest_records,
        records,
    }
}

/// Bits to flip, by offset and bit, the damage they leave, and a name for messages.
struct Flip {
    bits: Vec<(u32, u8)>,
    damage: Vec<Damage>,
    what: String,
}

/// Flips `bits` (offset, bit) on a copy of `base`, then checks that exactly `damage` is
/// reported, everything else is intact and the log goes on.
fn flip_check<T: Mem>(
    base: &T,
    journey: &Journey,
    host: &Host,
    case: Flip,
    long: bool,
    counts: &mut Counts,
) {
    let Flip { bits, damage, what } = case;
    let bits = &bits[..];
    let mut mem = base.clone();
    for &(o, b) in bits {
        mem.flip(o, b);
    }
    counts.flips += 1;
    let mut h = host.clone();
    h.damage = damage;
    let outcome = Outcome {
        result: Ok(()),
        mem_ops: 0,
        offset: None,
        lo_after: host.lo,
    };
    let x = Expect {
        journey,
        host: &h,
        op: Op::Mount,
        outcome: &outcome,
        damage_may_go: false,
    };
    let place = Place {
        medium: base.name(),
        what: format!("{what}: bits {bits:?}"),
    };
    // The identity copies are rewritten by the mount: afterwards they are no damage.
    let mut after_mount = h.clone();
    after_mount.damage.retain(|d| d.seq != Some(Seq(0)));
    counts.reboots += 1;
    counts.checks += 1;
    match check(&mut mem, &x) {
        Ok(Some(seen)) => counts.records_checked += seen.records,
        Ok(None) => return counts.fail(&place, "unformatted".into()),
        Err(e) => return counts.fail(&place, e),
    }
    let x2 = Expect {
        journey,
        host: &after_mount,
        op: Op::Mount,
        outcome: &outcome,
        damage_may_go: false,
    };
    check_and_continue(&mut mem, &x2, &place, long, counts);
}

/// The damage two flipped bits `a < b` in a header's copies leave, by bit index over the
/// first copy's `len_bits` bits then the second's: the second copy is used when the first has
/// both, the copies differ when the second has both, and the first copy's bit is repaired when
/// each has one.
fn header_damage(len_bits: u32, a: u32, b: u32) -> DamageReason {
    match (a < len_bits, b < len_bits) {
        (true, false) => DamageReason::BitFlipRepaired { bit: a },
        _ => DamageReason::HeaderCopy,
    }
}

/// Bit flips on the steady-state medium `base`.
fn flips<T: Mem>(setup: &Setup<T>, base: &T, journey: &Journey, host: &Host, counts: &mut Counts) {
    let mut probe = base.clone();
    let r = regions(&mut probe);
    let mut rng = seed(&[0xF11B]);
    let mut next = |n: u32| {
        rng = seed(&[rng]);
        (rng % u64::from(n.max(1))) as u32
    };
    let pairs = setup.flip_pairs * scale();
    let mut n = 0u64;
    let mut long = || {
        n += 1;
        n.is_multiple_of(setup.long_every)
    };

    // Segment headers: all pairs of bits over both copies for a few, random pairs for all.
    for (h, &(start, len, second)) in r.headers.iter().enumerate() {
        let total = 2 * len * 8;
        let at = |bit: u32| {
            if bit < len * 8 {
                (start + bit / 8, (bit % 8) as u8)
            } else {
                let bit = bit - len * 8;
                (second + bit / 8, (bit % 8) as u8)
            }
        };
        let mut tried: Vec<(u32, u32)> = Vec::new();
        if h < setup.all_pair_headers {
            if scale() >= 10 {
                // Every pair of bits.
                for a in 0..total {
                    for b in a + 1..total {
                        tried.push((a, b));
                    }
                }
            } else {
                // Every pair of bytes, one bit of each, the bits drawn from the seed.
                for x in 0..total / 8 {
                    for y in x..total / 8 {
                        let (a, b) = (x * 8 + next(8), y * 8 + next(8));
                        if a != b {
                            tried.push((a.min(b), a.max(b)));
                        }
                    }
                }
            }
        }
        for _ in 0..pairs {
            let a = next(total);
            let b = next(total);
            if a != b {
                tried.push((a.min(b), a.max(b)));
            }
        }
        for (a, b) in tried {
            let reason = header_damage(len * 8, a, b);
            let damage = vec![Damage {
                offset: start,
                seq: None,
                reason,
            }];
            let what =
                format!("segment header at {start} (copies of {len} bytes), bits {a} and {b}");
            let case = Flip {
                bits: vec![at(a), at(b)],
                damage,
                what,
            };
            flip_check(base, journey, host, case, long(), counts);
        }
    }

    // Identity slots: two bits in one slot (that copy is rewritten), one bit in each (both
    // repaired).
    let (a_at, a_len) = r.slots[0];
    let (b_at, b_len) = r.slots[1];
    for i in 0..pairs * 2 {
        let (x, y) = match i % 3 {
            0 => ((a_at, a_len), (a_at, a_len)),
            1 => ((b_at, b_len), (b_at, b_len)),
            _ => ((a_at, a_len), (b_at, b_len)),
        };
        let bx = next(x.1 * 8);
        let by = next(y.1 * 8);
        if x.0 == y.0 && bx == by {
            continue;
        }
        let bits = [
            (x.0 + bx / 8, (bx % 8) as u8),
            (y.0 + by / 8, (by % 8) as u8),
        ];
        let damage = if x.0 == y.0 {
            vec![Damage {
                offset: x.0,
                seq: Some(Seq(0)),
                reason: DamageReason::IdentityCopy,
            }]
        } else {
            vec![
                Damage {
                    offset: x.0,
                    seq: Some(Seq(0)),
                    reason: DamageReason::BitFlipRepaired { bit: bx },
                },
                Damage {
                    offset: y.0,
                    seq: Some(Seq(0)),
                    reason: DamageReason::BitFlipRepaired { bit: by },
                },
            ]
        };
        let what = format!("identity slots, bits {bx} at {} and {by} at {}", x.0, y.0);
        let case = Flip {
            bits: bits.to_vec(),
            damage,
            what,
        };
        flip_check(base, journey, host, case, long(), counts);
    }

    // Two neighbouring records of the newest segment, one bit each; the last record is left
    // alone (a flipped bit there reads as a torn append). And pairs of records anywhere.
    let seq_of = |offset: u32| {
        r.records.iter().position(|(o, _)| *o == offset).map(|i| {
            let first = host.lo;
            Seq(first + i as u32)
        })
    };
    let newest = &r.newest_records;
    let mut record_pairs: Vec<((u32, u32), (u32, u32))> = Vec::new();
    for w in newest.windows(2).take(newest.len().saturating_sub(2)) {
        record_pairs.push((w[0], w[1]));
    }
    let last = *r.records.last().expect("records");
    for _ in 0..pairs {
        let i = next(r.records.len() as u32) as usize;
        let j = next(r.records.len() as u32) as usize;
        if i != j && r.records[i] != last && r.records[j] != last {
            record_pairs.push((r.records[i.min(j)], r.records[i.max(j)]));
        }
    }
    for (x, y) in record_pairs {
        let bx = next(x.1 * 8);
        let by = next(y.1 * 8);
        let bits = [
            (x.0 + bx / 8, (bx % 8) as u8),
            (y.0 + by / 8, (by % 8) as u8),
        ];
        let damage = vec![
            Damage {
                offset: x.0,
                seq: seq_of(x.0),
                reason: DamageReason::BitFlipRepaired { bit: bx },
            },
            Damage {
                offset: y.0,
                seq: seq_of(y.0),
                reason: DamageReason::BitFlipRepaired { bit: by },
            },
        ];
        let what = format!("records at {} and {}", x.0, y.0);
        let case = Flip {
            bits: bits.to_vec(),
            damage,
            what,
        };
        flip_check(base, journey, host, case, long(), counts);
    }
}

// ---------------------------------------------------------------------------------------------
// The run.

fn steady_state<T: Mem>(setup: Setup<T>, journey: &Journey) -> Counts {
    let started = Instant::now();
    let mut counts = Counts::default();
    let mut mem = setup.blank.clone();
    let mut host = Host::new(setup.lag);
    let mut op_index = 0u64;
    let mut phase_formats = 0;
    let mut steady: Option<(T, Host)> = None;
    let mut records_at_format = 0;
    let mut segments = 0;
    let mut layout: Option<Layout> = None;
    let mut last_segment = None;
    loop {
        let op = host.next_op();
        // When the medium has been reused `cycles` times over, format it and run one more
        // reclaim cycle's worth of the new journey.
        let (op, final_format) = if phase_formats == 1 && segments > 0 && {
            let (log, _) = mount(&mut mem).expect("mounts");
            log.oldest_epoch() >= setup.cycles * segments || (segments == 1 && host.full)
        } {
            (Op::Format, true)
        } else {
            (op, false)
        };
        if phase_formats == 2 {
            let (log, _) = mount(&mut mem).expect("mounts");
            if (segments > 1 && log.oldest_epoch() >= 2)
                || (segments == 1 && host.next >= records_at_format.min(8))
            {
                break;
            }
        }
        if host.next as usize >= journey.records.len() - 2 {
            panic!("{}: the journey is too short", mem.name());
        }
        if final_format {
            steady = Some((mem.clone(), host.clone()));
            records_at_format = host.next;
        }
        let before = mem.clone();
        let host_before = host.clone();
        let ops = mem.ops();
        let (result, offset) = perform(&mut mem, journey, op);
        let mem_ops = mem.ops() - ops;
        if op == Op::Format {
            phase_formats += 1;
            if segments == 0 {
                let (log, _) = mount(&mut mem).expect("mounts");
                segments = log.layout().segments;
                layout = Some(*log.layout());
            }
        }
        let outcome = Outcome {
            result,
            mem_ops,
            offset,
            lo_after: first_after_identity(&mut mem),
        };
        apply(&mut host, journey, op, &outcome);
        counts.ops += 1;
        // Which operations are cut: every reclaim, format, opening of a segment, append that
        // was refused, and every `stride`-th other one.
        let segment = outcome
            .offset
            .and_then(|o| layout.and_then(|l| l.segment_of(o)));
        let opens = segment.is_some() && segment != last_segment;
        if segment.is_some() {
            last_segment = segment;
        }
        let special = !matches!(op, Op::Append(_)) || opens || outcome.result.is_err();
        if special || op_index.is_multiple_of(setup.stride) {
            let pairs = special && op_index.is_multiple_of(setup.pair_every);
            cut_everywhere(
                &setup,
                &before,
                journey,
                &host_before,
                op_index,
                op,
                &outcome,
                pairs,
                &mut counts,
            );
        }
        op_index += 1;
    }
    let cut_time = started.elapsed().as_secs_f64();
    println!("{}: cuts took {cut_time:.1} s", setup.blank.name());
    let (base, base_host) = steady.expect("the run reached its final format");
    flips(&setup, &base, journey, &base_host, &mut counts);
    println!(
        "{}: {} segments, {} log operations, {} records before the final format, \
         {} cuts ({} of them second cuts), {} reboots, {} with marginal bits disturbed, \
         {} flip cases, {} checks, {} records checked, {} records appended after cuts, \
         {} whole reclaim cycles after a cut, {} failures, {:.1} s",
        setup.blank.name(),
        segments,
        counts.ops,
        records_at_format,
        counts.cuts,
        counts.pairs,
        counts.reboots,
        counts.disturbed,
        counts.flips,
        counts.checks,
        counts.records_checked,
        counts.appended_after,
        counts.long_runs,
        counts.failures.len(),
        started.elapsed().as_secs_f64()
    );
    counts
}

fn assert_clean(counts: &Counts) {
    assert!(
        counts.failures.is_empty(),
        "{} failures, by kind:{}",
        counts.failures.len(),
        counts.summary()
    );
}

/// The settings every medium starts from.
fn setup<T>(blank: T, lag: usize) -> Setup<T> {
    Setup {
        blank,
        lag,
        cycles: 3,
        stride: 1,
        long_every: 61,
        pair_every: 3,
        flip_pairs: 40,
        all_pair_headers: 0,
    }
}

#[test]
fn nor_write_1_sectors_256() {
    let journey = Journey::new(journey(3000));
    assert_clean(&steady_state(
        Setup {
            all_pair_headers: 2,
            ..setup(Nor::<1, 256>::new(4 * 1024), 2)
        },
        &journey,
    ));
}

#[test]
fn nor_write_4_sectors_256() {
    let journey = Journey::new(journey(6000));
    assert_clean(&steady_state(
        setup(Nor::<4, 256>::new(8 * 1024), 4),
        &journey,
    ));
}

#[test]
fn nor_write_1_sectors_4k() {
    let journey = Journey::new(journey(6000));
    assert_clean(&steady_state(
        Setup {
            stride: 3,
            long_every: 400,
            ..setup(Nor::<1, 4096>::new(20 * 1024), 6)
        },
        &journey,
    ));
}

#[test]
fn nor_write_4_sectors_4k() {
    let journey = Journey::new(journey(8000));
    assert_clean(&steady_state(
        Setup {
            stride: 3,
            long_every: 400,
            ..setup(Nor::<4, 4096>::new(24 * 1024), 8)
        },
        &journey,
    ));
}

#[test]
fn eeprom_segments_512() {
    let journey = Journey::new(journey(12000));
    let eeprom = Eeprom {
        config: LayoutConfig {
            identity_slot_len: None,
            segment_len: Some(512),
        },
        ..Eeprom::default()
    };
    assert_clean(&steady_state(
        Setup {
            stride: 4,
            long_every: 1500,
            pair_every: 9,
            ..setup(eeprom, 8)
        },
        &journey,
    ));
}

#[test]
fn ntag216() {
    let journey = Journey::new(custody_journey(200));
    assert_clean(&steady_state(
        setup(Tag::new(SimTagMemory::NTAG216), 0),
        &journey,
    ));
}

#[test]
fn ntag215() {
    let journey = Journey::new(custody_journey(200));
    assert_clean(&steady_state(
        setup(Tag::new(SimTagMemory::NTAG215), 0),
        &journey,
    ));
}

/// A reclaim rewrites identity slot A, then B (each erased, then programmed). A cut in any of
/// these four memory operations leaves one slot whole and the other erased or torn: nothing
/// acknowledged is lost, the mount rewrites the torn slot, and what it reports is only what a
/// power cut may leave (`Damage::may_be_a_power_cut`), never damage.
#[test]
fn a_reclaim_cut_while_it_rewrites_the_identity_reports_no_damage() {
    let records = journey(40);
    let mut mem = Nor::<1, 256>::new(4 * 1024);
    let config = LayoutConfig::default();
    let mut log = Log::format(mem.medium(), config, &records[0]).expect("formats");
    for r in &records[1..=36] {
        log.append(r).expect("appends");
    }
    drop(log);
    let mut probe = mem.clone();
    let (mut log, _) = mount(&mut probe).expect("mounts");
    assert!(
        log.reclaim(Seq(18)).expect("reclaims") > 0,
        "frees a segment"
    );
    drop(log);

    let mut failures = Vec::new();
    for (k, tear) in [
        (0, Tear::Complete),
        (1, Tear::Untouched),
        (2, Tear::Complete),
        (3, Tear::Untouched),
    ] {
        let mut m = mem.clone();
        let (mut log, _) = mount(&mut m).expect("mounts");
        log.medium_mut()
            .flash_mut()
            .set_power_cut(PowerCut::in_operation(k, tear, 0));
        assert!(log.reclaim(Seq(18)).is_err(), "the cut reclaim fails");
        drop(log);
        m.reboot();
        let (mut log, report) = mount(&mut m).expect("mounts");
        let read: Vec<Damage> = log
            .read_from(Seq(0))
            .filter_map(|e| match e {
                Ok(Entry::Damage(d)) => Some(d),
                _ => None,
            })
            .collect();
        let cut_only = |d: &Damage| d.may_be_a_power_cut();
        if report.has_damage() || !report.damage.iter().all(cut_only) || !read.iter().all(cut_only)
        {
            failures.push(format!(
                "cut in memory operation {k} of the reclaim ({tear:?}): the mount reports {:?}, \
                 the read {read:?}",
                report.damage
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// On NOR flash a torn append closes its segment and the next record goes into a fresh one.
/// Appends cut in two fresh segments in a row, on a medium of three segments, leave two
/// segments that hold no record: the log must still find room for the next record once the
/// host has reclaimed up to its newest checkpoint, and not refuse every append from then on.
#[test]
fn appends_cut_in_fresh_segments_do_not_fill_the_log_for_good() {
    let records = journey(400);
    let mut mem = Nor::<1, 4096>::new(20 * 1024);
    let config = LayoutConfig::default();
    let mut log = Log::format(mem.medium(), config, &records[0]).expect("formats");
    assert_eq!(log.layout().segments, 3);
    // Fill segment 0: `first_fresh` is the first record that does not fit.
    let mut first_fresh = 1;
    loop {
        log.append(&records[first_fresh as usize]).expect("appends");
        let offset = log.read_from(Seq(first_fresh)).find_map(|e| match e {
            Ok(Entry::Record { offset, .. }) => Some(offset),
            _ => None,
        });
        if offset.and_then(|o| log.layout().segment_of(o)) != Some(0) {
            break;
        }
        first_fresh += 1;
    }
    drop(log);
    let mut mem2 = Nor::<1, 4096>::new(20 * 1024);
    let mut log = Log::format(mem2.medium(), config, &records[0]).expect("formats");
    for r in &records[1..first_fresh as usize] {
        log.append(r).expect("appends");
    }
    drop(log);
    mem = mem2;
    // Two appends of that record, each cut as it programs the record into a fresh segment
    // (memory operations: the segment's erase, its header, the record).
    for _ in 0..2 {
        let (mut log, _) = mount(&mut mem).expect("mounts");
        log.medium_mut()
            .flash_mut()
            .set_power_cut(PowerCut::in_operation(2, Tear::First(1), 0));
        assert!(log.append(&records[first_fresh as usize]).is_err());
        drop(log);
        mem.reboot();
    }
    let (mut log, report) = mount(&mut mem).expect("mounts");
    assert_eq!(log.next_seq(), Some(Seq(first_fresh)), "{report:?}");
    let newest_checkpoint = (1..first_fresh)
        .rev()
        .find(|&s| matches!(&records[s as usize].body, Body::Checkpoint(c) if c.count == s))
        .expect("a checkpoint");
    let appended = match log.append(&records[first_fresh as usize]) {
        Err(LogError::LogFull) => {
            let freed = log.reclaim(Seq(newest_checkpoint));
            let retried = log.append(&records[first_fresh as usize]);
            (freed, retried)
        }
        other => (Ok(0), other),
    };
    assert!(
        appended.1.is_ok(),
        "after reclaiming to checkpoint {newest_checkpoint} ({:?}), append {first_fresh}: {:?}, \
         free space {}",
        appended.0,
        appended.1,
        log.free_space()
    );
}
