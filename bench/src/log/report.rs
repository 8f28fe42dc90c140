//! Rendering: the tables and the published document.

use super::remtag_log::{self, FormatCost, Results};
use super::workload::Workload;
use super::{
    EEPROM_AMPLIFICATION_MAX, EEPROM_WARMUP, EEPROM_WINDOW, FILL_LIMIT, Memory, NOR_WARMUP,
    NOR_WINDOW, Phase, ReadRun, System, WriteRun, queue,
};
use crate::codecs::Error;

/// The command that regenerates the document.
pub const COMMAND: &str = "cargo run -p remtag-bench --release --bin log -- --write docs/LOG.md";

/// Everything the `log` binary measures.
#[derive(Clone, Debug)]
pub struct Measured {
    /// Mean stored length of the journey's records after the commission.
    pub mean_record: f64,
    /// Stored length of the commission record.
    pub commission: usize,
    /// Records per checkpoint in the journey.
    pub checkpoint_every: f64,
    /// Format costs of the remtag log.
    pub formats: Vec<FormatCost>,
    /// Append runs, remtag's then sequential-storage's.
    pub writes: Vec<WriteRun>,
    /// Mounts and boots.
    pub reads: Vec<ReadRun>,
}

impl Measured {
    /// Runs every measurement (about a minute in release mode).
    pub fn run() -> Result<Self, Error> {
        let fill = Workload::journey(FILL_LIMIT + 1)?;
        let eeprom_steady = Workload::journey(EEPROM_WARMUP + EEPROM_WINDOW + 1)?;
        let nor_steady = Workload::journey(NOR_WARMUP + NOR_WINDOW + 1)?;

        let mut remtag = Results::default();
        remtag.extend(remtag_log::eeprom(&fill, &eeprom_steady, EEPROM_WARMUP)?);
        remtag.extend(remtag_log::nor::<4>(&fill, &nor_steady, NOR_WARMUP)?);
        remtag.extend(remtag_log::nor::<1>(&fill, &nor_steady, NOR_WARMUP)?);
        let mut writes = remtag.writes;
        let mut reads = remtag.mounts;
        for (w, r) in [
            queue::nor::<4>(&fill, &nor_steady, NOR_WARMUP)?,
            queue::nor::<1>(&fill, &nor_steady, NOR_WARMUP)?,
        ] {
            writes.extend(w);
            reads.extend(r);
        }
        Ok(Measured {
            mean_record: fill.mean_stored_len(),
            commission: fill.stored(0).len(),
            checkpoint_every: fill.len() as f64 / fill.checkpoints().max(1) as f64,
            formats: remtag.formats,
            writes,
            reads,
        })
    }

    /// The write runs of `system`.
    pub fn writes_of(&self, system: System) -> impl Iterator<Item = &WriteRun> {
        self.writes.iter().filter(move |w| w.system == system)
    }

    /// The write run of `system` on `memory` in `phase`, if measured.
    pub fn write(&self, system: System, memory: Memory, phase: Phase) -> Option<&WriteRun> {
        self.writes
            .iter()
            .find(|w| w.system == system && w.memory == memory && w.phase == phase)
    }

    /// The four tables, as Markdown.
    pub fn tables(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n{}",
            write_table(self.writes_of(System::Remtag), true),
            write_table(self.writes_of(System::Queue), false),
            comparison_table(self),
            read_table(&self.reads),
            format_table(&self.formats),
        )
    }

    /// The published document; fails if a run it discusses is missing.
    pub fn document(&self) -> Result<String, Error> {
        document(self)
    }

    /// The mount or boot row of `system` on `memory` described by `what`.
    pub fn read(&self, system: System, memory: Memory, what: &str) -> Option<&ReadRun> {
        self.reads
            .iter()
            .find(|r| r.system == system && r.memory == memory && r.what == what)
    }

    /// The format cost on `memory`.
    pub fn format(&self, memory: Memory) -> Option<&FormatCost> {
        self.formats.iter().find(|f| f.memory == memory)
    }
}

/// A whole number with thousands separators.
fn int(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What stopped or shaped a run.
fn note(run: &WriteRun) -> String {
    let mut notes = Vec::new();
    if let Some(at) = run.refused_at {
        notes.push(format!("full: record {} refused", int(at)));
    }
    if run.reclaimed > 0 {
        notes.push(format!("{} segments reclaimed", int(run.reclaimed)));
    }
    if run.system == System::Queue && run.phase == Phase::Steady {
        notes.push("pushes overwrite the oldest page".to_string());
    }
    notes.join("; ")
}

/// A table of append runs; `cycles` adds the EEPROM write-cycle column.
pub fn write_table<'a>(runs: impl Iterator<Item = &'a WriteRun>, cycles: bool) -> String {
    let mut out = String::from(
        "| memory | run | records | record bytes | bytes programmed | programmed per record byte | program operations per record | sectors erased | erases per 1,000 records |",
    );
    if cycles {
        out.push_str(" EEPROM write cycles per record |");
    }
    out.push_str(" notes |\n|---|---|---:|---:|---:|---:|---:|---:|---:|");
    if cycles {
        out.push_str("---:|");
    }
    out.push_str("---|\n");
    for run in runs {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {:.2} | {} | {} |",
            run.memory.name(),
            run.phase.name(),
            int(run.records),
            int(run.record_bytes),
            int(run.programmed),
            amplification_cell(run),
            run.programs_per_record(),
            run.sectors_erased.map_or("—".to_string(), int),
            run.erases_per_1000()
                .map_or("—".to_string(), |e| format!("{e:.2}")),
        ));
        if cycles {
            let c = run
                .cycles_per_record()
                .map_or("—".to_string(), |c| format!("{c:.2}"));
            out.push_str(&format!(" {c} |"));
        }
        out.push_str(&format!(" {} |\n", note(run)));
    }
    out
}

/// The amplification, marked against the target on EEPROM.
fn amplification_cell(run: &WriteRun) -> String {
    let a = run.amplification();
    match (run.system, run.memory) {
        (System::Remtag, Memory::Eeprom) if a <= EEPROM_AMPLIFICATION_MAX => {
            format!("**{a:.3}** ✓ ≤ {EEPROM_AMPLIFICATION_MAX}")
        }
        (System::Remtag, Memory::Eeprom) => {
            format!("**{a:.3}** ✗ > {EEPROM_AMPLIFICATION_MAX}")
        }
        _ => format!("{a:.3}"),
    }
}

/// remtag against sequential-storage on each NOR flash and phase.
pub fn comparison_table(m: &Measured) -> String {
    let mut out = String::from(
        "| NOR flash | run | remtag: programmed per record byte | sequential-storage: programmed per record byte | remtag: erases per 1,000 records | sequential-storage: erases per 1,000 records |\n|---|---|---:|---:|---:|---:|\n",
    );
    for write_size in [4, 1] {
        let memory = Memory::Nor { write_size };
        for phase in [Phase::First, Phase::UntilFull, Phase::Steady] {
            let (Some(r), Some(q)) = (
                m.write(System::Remtag, memory, phase),
                m.write(System::Queue, memory, phase),
            ) else {
                continue;
            };
            let e = |w: &WriteRun| {
                w.erases_per_1000()
                    .map_or("—".to_string(), |e| format!("{e:.2}"))
            };
            out.push_str(&format!(
                "| write {write_size} | {} | {:.3} | {:.3} | {} | {} |\n",
                phase.name(),
                r.amplification(),
                q.amplification(),
                e(r),
                e(q),
            ));
        }
    }
    out
}

/// A table of mounts and boots.
pub fn read_table(runs: &[ReadRun]) -> String {
    let mut out = String::from(
        "| store | memory | what | records held | bytes held | bytes read | read operations | read − held | target: read ≤ held + one page |\n|---|---|---|---:|---:|---:|---:|---:|---|\n",
    );
    for run in runs {
        let target = if !run.target {
            "—".to_string()
        } else if run.within_target() {
            format!("✓ ≤ {} + {}", int(run.held), run.page())
        } else {
            format!("✗ > {} + {}", int(run.held), run.page())
        };
        let excess = run.bytes_read as i64 - run.held as i64;
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            run.system.name(),
            run.memory.name(),
            run.what,
            int(run.records),
            int(run.held),
            int(run.bytes_read),
            int(run.read_ops),
            if excess < 0 {
                format!("−{}", int(excess.unsigned_abs()))
            } else {
                format!("+{}", int(excess as u64))
            },
            target,
        ));
    }
    out
}

/// What formatting cost.
pub fn format_table(formats: &[FormatCost]) -> String {
    let mut out = String::from(
        "| memory | segments | bytes programmed | sectors erased |\n|---|---|---:|---:|\n",
    );
    for f in formats {
        out.push_str(&format!(
            "| {} | {} × {} B | {} | {} |\n",
            f.memory.name(),
            f.segments,
            int(u64::from(f.segment_len)),
            int(f.programmed),
            f.sectors_erased.map_or("—".to_string(), int),
        ));
    }
    out
}

/// A run that the document needs, or why it cannot be written.
fn need<'a, T>(row: Option<&'a T>, what: &str) -> Result<&'a T, Error> {
    row.ok_or_else(|| format!("no {what} measured").into())
}

/// A percentage of `part` in `whole`.
fn pct(part: f64, whole: f64) -> f64 {
    100.0 * part / whole.max(1.0)
}

/// The published document.
fn document(m: &Measured) -> Result<String, Error> {
    use System::{Queue, Remtag};
    let eeprom = Memory::Eeprom;
    let nor4 = Memory::Nor { write_size: 4 };
    let nor1 = Memory::Nor { write_size: 1 };

    let e_full = need(
        m.write(Remtag, eeprom, Phase::UntilFull),
        "EEPROM run until full",
    )?;
    let e_steady = need(
        m.write(Remtag, eeprom, Phase::Steady),
        "EEPROM steady state",
    )?;
    let e_mount = need(m.read(Remtag, eeprom, "mount, full"), "EEPROM mount")?;
    let e_format = need(m.format(eeprom), "EEPROM format")?;
    let r4_full = need(
        m.write(Remtag, nor4, Phase::UntilFull),
        "NOR run until full",
    )?;
    let r4_steady = need(m.write(Remtag, nor4, Phase::Steady), "NOR steady state")?;
    let r1_full = need(
        m.write(Remtag, nor1, Phase::UntilFull),
        "NOR run until full",
    )?;
    let r4_mount = need(m.read(Remtag, nor4, "mount, full"), "NOR mount")?;
    let r1_mount = need(m.read(Remtag, nor1, "mount, full"), "NOR mount")?;
    let r4_format = need(m.format(nor4), "NOR format")?;
    let q4_full = need(
        m.write(Queue, nor4, Phase::UntilFull),
        "queue run until full",
    )?;
    let q4_steady = need(m.write(Queue, nor4, Phase::Steady), "queue steady state")?;
    let q1_full = need(
        m.write(Queue, nor1, Phase::UntilFull),
        "queue run until full",
    )?;
    let q4_push = need(
        m.read(Queue, nor4, "boot, first push, full"),
        "queue first push",
    )?;
    let e_steady_mount = need(
        m.read(Remtag, eeprom, "mount, after steady state"),
        "EEPROM mount after steady state",
    )?;
    let r4_steady_mount = need(
        m.read(Remtag, nor4, "mount, after steady state"),
        "NOR mount after steady state",
    )?;

    // EEPROM: what the bytes beyond the records are.
    // Each identity copy: a 10-byte prefix (layout version 2), the commission, its slot CRC.
    let identity = 2 * (m.commission as u64 + 14);
    let e_headers = e_mount.held - identity - e_full.record_bytes;
    let e_header_len = e_headers as f64 / f64::from(e_format.segments);
    let e_overhead = (e_full.programmed - e_full.record_bytes) as f64;
    let e_per_segment = e_full.records as f64 / f64::from(e_format.segments);
    // NOR: records per erase unit and what a single erase per cycle would give.
    let r4_per_segment = r4_full.records as f64 / f64::from(r4_format.segments);
    let q4_per_page = q4_full.records as f64 / 256.0;
    let single_erase = 1000.0 / r4_per_segment;
    let e_ampl = e_full.amplification();
    let e_steady_ampl = e_steady.amplification();

    let eeprom_verdict =
        if e_ampl <= EEPROM_AMPLIFICATION_MAX && e_steady_ampl <= EEPROM_AMPLIFICATION_MAX {
            "met"
        } else {
            "missed"
        };
    let mount_verdict = if [e_mount, r4_mount, r1_mount]
        .iter()
        .all(|r| r.within_target())
    {
        "met"
    } else {
        "missed"
    };

    let e_programs = e_full.programs_per_record();
    let erase_ratio = r4_steady.erases_per_1000().unwrap_or_default() / single_erase;
    let erase_headline = if erase_ratio > 1.5 {
        "more than one erase per segment used"
    } else {
        "one erase per segment used"
    };

    let discussion = format!(
        "## Discussion\n\n\
         **EEPROM write amplification: target {eeprom_verdict}.** {e_ampl:.3} bytes \
         programmed per record byte until the 32 KiB are full ({e_full_records} records \
         appended; record {e_refused} is refused with `LogFull`) and {e_steady_ampl:.3} in \
         steady state. Of the {e_over_pct:.1} % above the records, the segment headers are \
         most: two copies of {e_header_len_one:.0} bytes each (magic, length, epoch, the codec \
         state and the 32-byte chain head at the segment's start, the previous segment's \
         end, CRC) for the {e_per_segment:.0} records a 1 KiB segment holds. An append is \
         {e_programs:.2} program operations: the record alone, its CRC keyed to the \
         segment's epoch, so that bytes left from an earlier use of the segment never pass \
         for a record and no end marker is needed. The driver splits it at 64-byte page \
         boundaries: {e_cycles:.2} page write cycles per record, each a 5 ms wait. Layout \
         version 1 wrote a one-byte end marker before every record, as a program of its own, \
         and measured, until full on the same workload, 2.61 page write cycles and 2.07 program operations per record \
         (1.095 bytes per record byte) on the same workload; a reclaim then zeroed each freed \
         segment's header, where version 2 rewrites the two identity slots once.\n\n\
         **NOR flash, bytes.** remtag programs {r4_ampl:.3} (write size 4) and \
         {r1_ampl:.3} (write size 1) bytes per record byte: records padded to the write \
         word, one header per 4 KiB segment, nothing else. sequential-storage programs \
         {q4_ampl:.3} and {q1_ampl:.3}: an 8-byte item header (CRC, length, length CRC) per \
         item, the data padded to the word, and two page-state words per page. So the same \
         1 MiB holds {r4_records} remtag records against {q4_records} queue items at write \
         size 4 ({r4_more:+.0} %), and {r1_records} against {q1_records} at write size 1.\n\n\
         **NOR flash, erases: {erase_headline}.** Until full, remtag erases \
         {r4_fill_e:.2} sectors per 1,000 records and sequential-storage none: remtag erases \
         every segment when it opens it, even one that reads blank, since an erase cut short \
         can leave words that read 0xFF and do not hold what is programmed over them \
         (`Log::format` makes {r4_format_e} sector erases, the flash having 256 sectors). \
         Reclaiming erases nothing: it moves the oldest epoch in the identity slots. In \
         steady state remtag erases {r4_steady_e:.2} sectors per \
         1,000 records against sequential-storage's {q4_steady_e:.2}. A 4 KiB segment holds \
         {r4_per_segment:.0} records (a queue page {q4_per_page:.0} items), so one erase per \
         segment used would make {single_erase:.2} per 1,000 records, {fewer:.0} % fewer \
         than sequential-storage; remtag makes {erase_ratio:.2} erases per segment \
         used.\n\n\
         **Mount cost: target {mount_verdict} on full media.** Mounting a full log reads \
         what the log holds plus {e_excess} bytes on the EEPROM and {r4_excess} bytes on \
         NOR flash (the length-prefix read past the newest record, which finds the end marker or \
         erased bytes): every \
         record is read once, its length prefix and then the rest, so a mount takes about \
         two read operations per record ({e_ops} I2C read transactions on the full \
         EEPROM). But a mount reads the whole log by design: it checks every CRC and replays \
         the codec state and the hash chain up to the newest record, so it reads \
         {r4_mount_read} bytes on a full 1 MiB flash. sequential-storage has no mount: its \
         first push after boot on the full flash reads {q4_push_read} bytes (two page-state \
         bytes per page until it finds the open page, then the item headers of that page) \
         and checks nothing else; reading all its items back costs about as much as \
         remtag's mount. A remtag mount that trusted the newest segment's header (which \
         holds the state and chain head at its start) could read only the headers and the \
         newest segment, at the price of finding damage in older segments only when they \
         are read.\n\n\
         **After the steady state** the log is kept nearly full, as a host that reclaims \
         only when an append is refused keeps it: the mount reads {e_sm_excess:+} bytes \
         against what the log holds on the EEPROM ({e_sm_records} records, {e_free} free \
         segments) and {r4_sm_excess:+} on NOR flash ({r4_sm_records} records, {r4_free} free \
         segments). A free segment costs its header's first 3 bytes; a reclaimed one not yet \
         opened again costs its whole header, read to see that its epoch is older than the \
         oldest in use.\n\n\
         **How the two steady states differ.** remtag never overwrites: the host must \
         archive and reclaim up to a checkpoint (the journey has one every \
         {checkpoint_every:.0} records), and without reclamation the log refuses appends. \
         sequential-storage was run with `allow_overwrite_old_data = true`, which erases the \
         oldest page, records and all, when the flash is full; without it, it refuses \
         pushes like remtag (the \"until full\" rows). Popping items instead would need \
         `MultiwriteNorFlash`, which the simulated flash does not allow.\n",
        e_full_records = int(e_full.records),
        e_refused = e_full.refused_at.map_or("?".to_string(), int),
        e_over_pct = pct(e_overhead, e_full.record_bytes as f64),
        e_header_len_one = e_header_len / 2.0,
        e_cycles = e_full.cycles_per_record().unwrap_or_default(),
        r4_ampl = r4_full.amplification(),
        r1_ampl = r1_full.amplification(),
        q4_ampl = q4_full.amplification(),
        q1_ampl = q1_full.amplification(),
        r4_records = int(r4_full.records),
        q4_records = int(q4_full.records),
        r1_records = int(r1_full.records),
        q1_records = int(q1_full.records),
        r4_more = pct(r4_full.records as f64, q4_full.records as f64) - 100.0,
        r4_fill_e = r4_full.erases_per_1000().unwrap_or_default(),
        r4_format_e = r4_format.sectors_erased.unwrap_or_default(),
        r4_steady_e = r4_steady.erases_per_1000().unwrap_or_default(),
        q4_steady_e = q4_steady.erases_per_1000().unwrap_or_default(),
        fewer = 100.0
            - pct(
                single_erase,
                q4_steady.erases_per_1000().unwrap_or_default()
            ),
        e_excess = e_mount.bytes_read as i64 - e_mount.held as i64,
        r4_excess = r4_mount.bytes_read as i64 - r4_mount.held as i64,
        e_ops = int(e_mount.read_ops),
        r4_mount_read = int(r4_mount.bytes_read),
        q4_push_read = int(q4_push.bytes_read),
        e_sm_records = e_steady_mount.records,
        r4_sm_records = r4_steady_mount.records,
        e_sm_excess = e_steady_mount.bytes_read as i64 - e_steady_mount.held as i64,
        r4_sm_excess = r4_steady_mount.bytes_read as i64 - r4_steady_mount.held as i64,
        e_free = e_format
            .segments
            .saturating_sub(e_steady_mount.segments.unwrap_or_default()),
        r4_free = r4_format
            .segments
            .saturating_sub(r4_steady_mount.segments.unwrap_or_default()),
        checkpoint_every = m.checkpoint_every,
    );

    Ok(format!(
        "# Custody log: write amplification, erases and mount cost\n\n\
         <!-- Generated by `{COMMAND}`. Do not edit by hand. -->\n\n\
         {measured}\n\
         ## Reproduce\n\n\
         ```sh\n{COMMAND}\n```\n\n\
         Without `--write` the command prints the tables. It runs in a few seconds in release \
         mode. `cargo test -p remtag-bench` asserts the EEPROM target (programmed bytes per \
         record byte ≤ {EEPROM_AMPLIFICATION_MAX}, until full and in steady state) and the \
         mount target on EEPROM \
         (`log::remtag_log::tests::eeprom_write_amplification_meets_its_target`), and that the \
         log's own counters agree with the simulated flash's.\n\n\
         ## 1. Write amplification and erases: the remtag log\n\n\
         {remtag_table}\n\
         Formatting, not counted above (record 0, the commission, is written twice as the \
         identity; on NOR flash every sector is erased, some more than once):\n\n\
         {format_table}\n\
         ## 2. sequential-storage 8.0.2 queue on the same NOR flash\n\n\
         {queue_table}\n\
         sequential-storage has **no EEPROM support**: it runs only on \
         `embedded_storage_async::nor_flash::NorFlash` (erase before write, every word written \
         once), so there is no row for the 24LC256.\n\n\
         Side by side:\n\n\
         {comparison}\n\
         ## 3. Mount cost\n\n\
         {read_table}\n\
         {discussion}",
        measured = measured(m),
        remtag_table = write_table(m.writes_of(Remtag), true),
        format_table = format_table(&m.formats),
        queue_table = write_table(m.writes_of(Queue), false),
        comparison = comparison_table(m),
        read_table = read_table(&m.reads),
    ))
}

/// What is measured and how.
fn measured(m: &Measured) -> String {
    format!(
        "## What is measured\n\n\
         Counts of bytes and operations on the simulated memories of `remtag-sim`, never \
         times.\n\n\
         - **Workload.** `remtag_tests::journey::journey(n)` (`tests/support/journey.rs`): \
           the commission of box 1, then the other records of the 2018 story over and over \
           (custody hand-overs, inspections, laboratory records, signed checkpoints), sequence \
           numbers 0 to n − 1, an hour apart; one record in {every:.0} is a checkpoint \
           covering every record before it, with the chain head over them \
           (`remtag_tests::journey::journey`). A record's bytes are its stored bytes, \
           `codec::encode_to_buf` against the records before it: {mean:.1} bytes on average, \
           the commission {commission}. The runner checks before every append that this is \
           what `Log::append` stores (encoding against `Log::state()`), and pushes the same \
           bytes as one sequential-storage item.\n\
         - **Memories.** The 24LC256 (`SimEeprom`, 32 KiB, 64-byte pages) through the \
           `eeprom24x` driver (`remtag::log::medium::eeprom_24x256`); `SimNorFlash<4, 4096>` \
           and `SimNorFlash<1, 4096>` of 1 MiB (4 KiB sectors, write size 4 or 1, each word \
           written once per erase). The log uses its default layout (`LayoutConfig::default()`): \
           on the EEPROM two 128-byte identity slots and 31 segments of 1 KiB (the last 768 \
           bytes unused), on NOR flash two one-sector identity slots and 254 one-sector \
           segments.\n\
         - **Write amplification** is the bytes passed to program operations while the \
           records were appended, divided by the records' stored bytes. For remtag it is \
           `Log::stats().bytes_programmed` (a test checks that it equals the flash's own \
           counter), for sequential-storage the flash's counter. Formatting is not in it (it \
           has its own table). **Erases** are 4 KiB sectors erased, per 1,000 records \
           appended. **EEPROM write cycles** are the page writes the driver started (it waits \
           the 5 ms write cycle after each page piece, and the chip's simulated clock moves \
           for nothing else).\n\
         - **Runs.** *First records*: {first} appends after formatting a blank medium. *Until \
           full*: appends until the store refuses one (`LogFull`, `FullStorage`); the row \
           says which record was refused. *Steady state*: after {ew} records of warm-up on the \
           EEPROM ({nw} on NOR flash, both more than fill the medium), {ewin} more records \
           ({nwin} on NOR flash) are measured; when remtag refuses an append as full, the host \
           calls `Log::reclaim(seq)` with the newest checkpoint record whose `count` equals \
           its sequence number and appends again (a laboratory reclaims when it reads and \
           archives a tag; every reclamation rewrites the two identity slots), sequential-storage \
           pushes with `allow_overwrite_old_data = true`, which erases the oldest page when \
           the flash is full.\n\
         - **sequential-storage** 8.0.2 (with embedded-storage-async 0.4.2): `QueueStorage` over the whole 1 MiB (256 pages) with \
           `Cache::new_uncached()`; its async flash traits are provided by \
           `bench/src/log/adapter.rs` (`AsyncFlash`, which calls the blocking \
           `SimNorFlash` methods and forwards `READ_SIZE` 1, `WRITE_SIZE` and `ERASE_SIZE`), \
           and its futures are run by a no-op-waker `block_on`. Record 0 is pushed first, as \
           the log writes it as its identity when formatting, and not counted. The cache does \
           not change what is programmed or erased, only what is read.\n\
         - **Mount cost.** `Log::mount` on the medium left full by the run until full (and \
           after the steady-state run): bytes read (`Log::stats().bytes_read`) and read \
           operations (counted by a wrapping medium). *Bytes held* is computed from the \
           layout and the records: the two identity copies (6-byte prefix, the commission, \
           4-byte CRC, each), the header of every segment in use (read from the medium: \
           3 bytes, the postcard body, 4-byte CRC) and every record as stored, padding to the \
           write size left out. Target: bytes read ≤ bytes held + one page, the page being \
           the 24LC256's 64-byte write page on the EEPROM and the 256-byte program page of \
           SPI NOR flash on NOR flash. sequential-storage has no mount; two things were \
           measured on a new `QueueStorage` with an empty cache, as after a reset: reading \
           every item (`iter()` to the end: what remtag's mount reads), and the first push \
           after boot (what must be read before the next record can be stored). Its bytes \
           held are every word programmed since its sector's last erase: item headers, data \
           with padding, page markers.\n",
        every = m.checkpoint_every,
        mean = m.mean_record,
        commission = m.commission,
        first = int(super::FIRST_RECORDS as u64),
        ew = int(EEPROM_WARMUP as u64),
        nw = int(NOR_WARMUP as u64),
        ewin = int(EEPROM_WINDOW as u64),
        nwin = int(NOR_WINDOW as u64),
    )
}
