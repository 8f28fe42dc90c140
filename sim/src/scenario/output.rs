//! What a run writes: per tag its memory image, its log as JSON and its verification as JSON;
//! for the run the public keys, the scenario and a summary.
//!
//! ```text
//! DIR/
//!   run.json              the scenario, seed, directory of parties and places, totals,
//!                         timing, and one summary per tag (its files, counts, checks)
//!   keys.json             the custodians' public keys, as `verify --keys` reads them
//!   scenario.toml         the scenario as run
//!   tags/<tag>.img        the tag's memory image, as `decode` and `verify` read it
//!   tags/<tag>.log.json   the log as a reader read it: records with offsets, damage
//!   tags/<tag>.verify.json  verification, the runner's checks, and the events the log
//!                         may not show (power cuts, flipped bits, tampering)
//! ```

use std::path::{Path, PathBuf};

use remtag::log::Damage;
use remtag::model::Record;
use remtag::verify::{Finding, Report, SignatureStatus};
use serde::Serialize;

use super::runner::{Checks, Event, TagRun};
use super::{Memory, Scenario};
use crate::reader::ReadItem;

/// The files a tag's results are written to, relative to the output folder.
pub fn tag_files(name: &str) -> [String; 3] {
    [
        format!("tags/{name}.img"),
        format!("tags/{name}.log.json"),
        format!("tags/{name}.verify.json"),
    ]
}

/// What the run keeps of one tag once its files are written.
#[derive(Clone, Debug, Serialize)]
pub struct TagSummary {
    /// The tag's name, and the stem of its files.
    pub name: String,
    /// Its group.
    pub group: String,
    /// Its number in the group.
    pub n: usize,
    /// Its identity, as a tag URI.
    pub epc: String,
    /// Its files: image, log, verification.
    pub files: [String; 3],
    /// Records read back.
    pub records: u32,
    /// Checkpoints in the log.
    pub checkpoints: u32,
    /// Of those, checkpoints that verify.
    pub checkpoints_verified: u32,
    /// Records covered by the last checkpoint that verifies.
    pub signed_prefix: u32,
    /// Whether verification found nothing at all.
    pub intact: bool,
    /// Findings of verification.
    pub findings: u32,
    /// The runner's checks.
    pub checks: Checks,
    /// Whether every check holds and the plan played to the end.
    pub pass: bool,
    /// Why the plan could not be played to the end.
    pub error: Option<String>,
}

#[derive(Serialize)]
struct LogFile<'a> {
    tag: &'a str,
    epc: String,
    memory: String,
    entries: Vec<LogEntry<'a>>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LogEntry<'a> {
    Record {
        offset: u32,
        len: usize,
        record: &'a Record,
    },
    Damage {
        damage: &'a Damage,
    },
}

#[derive(Serialize)]
struct VerifyFile<'a> {
    tag: &'a str,
    epc: String,
    verdict: &'static str,
    intact: bool,
    records: u32,
    signed_prefix: u32,
    unsigned_tail: u32,
    head: Option<String>,
    checkpoints: Vec<CheckpointJson>,
    findings: Vec<FindingJson>,
    finding_count: u32,
    checks: &'a Checks,
    pass: bool,
    events: &'a [Event],
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct CheckpointJson {
    seq: u32,
    count: u32,
    chain_ok: bool,
    verified: bool,
    signers: Vec<SignerJson>,
}

#[derive(Serialize)]
struct SignerJson {
    key: u32,
    party: Option<u32>,
    role: String,
    status: &'static str,
}

#[derive(Serialize)]
struct FindingJson {
    kind: String,
    message: String,
}

/// The name of a finding's kind: `ChainMismatch`, `Damage`.
fn finding_kind(f: &Finding) -> String {
    let debug = format!("{f:?}");
    debug
        .split(['(', ' ', '{'])
        .next()
        .unwrap_or_default()
        .to_string()
}

fn memory_name(memory: Memory) -> String {
    match memory {
        Memory::Eeprom => "eeprom-24lc256".into(),
        Memory::NorFlash(bytes) => format!("nor-flash-{}k", bytes / 1024),
    }
}

fn checkpoints(report: &Report) -> Vec<CheckpointJson> {
    report
        .checkpoints
        .iter()
        .map(|c| CheckpointJson {
            seq: c.seq.0,
            count: c.count,
            chain_ok: c.chain_ok,
            verified: c.verified(),
            signers: c
                .signers
                .iter()
                .map(|s| SignerJson {
                    key: s.key.0,
                    party: s.party.map(|p| p.0),
                    role: format!("{:?}", s.role).to_lowercase(),
                    status: match s.status {
                        SignatureStatus::Valid => "valid",
                        SignatureStatus::UnknownKey => "unknown key",
                        SignatureStatus::Expired => "expired key",
                        SignatureStatus::Bad => "bad signature",
                        SignatureStatus::NotChecked => "not checked",
                    },
                })
                .collect(),
        })
        .collect()
}

fn write(dir: &Path, file: &str, bytes: &[u8]) -> Result<(), String> {
    let path = dir.join(file);
    std::fs::write(&path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// JSON text of `value`, pretty, with a final newline.
pub fn json(value: &impl Serialize) -> Result<Vec<u8>, String> {
    let mut text = serde_json::to_vec_pretty(value).map_err(|e| e.to_string())?;
    text.push(b'\n');
    Ok(text)
}

/// Writes the files of `run` into `dir` and returns its summary.
pub fn write_tag(dir: &Path, run: &TagRun) -> Result<TagSummary, String> {
    let name = &run.plan.name;
    let files = tag_files(name);
    let epc = run.plan.epc.tag_uri().to_string();
    write(dir, &files[0], &run.image)?;
    let log = LogFile {
        tag: name,
        epc: epc.clone(),
        memory: memory_name(run.plan.memory),
        entries: run
            .items
            .iter()
            .map(|i| match i {
                ReadItem::Record {
                    offset,
                    stored,
                    record,
                } => LogEntry::Record {
                    offset: *offset,
                    len: stored.len(),
                    record,
                },
                ReadItem::Damage(damage) => LogEntry::Damage { damage },
            })
            .collect(),
    };
    write(dir, &files[1], &json(&log)?)?;
    let report = &run.report;
    let pass = run.checks.pass() && run.error.is_none();
    let verify = VerifyFile {
        tag: name,
        epc: epc.clone(),
        verdict: if report.is_intact() {
            "intact, every checkpoint verifies"
        } else {
            "not intact"
        },
        intact: report.is_intact(),
        records: report.records,
        signed_prefix: report.signed_prefix,
        unsigned_tail: report.unsigned_tail(),
        head: report.head.map(|h| h.to_string()),
        checkpoints: checkpoints(report),
        findings: report
            .findings
            .iter()
            .map(|f| FindingJson {
                kind: finding_kind(f),
                message: f.to_string(),
            })
            .collect(),
        finding_count: report.finding_count,
        checks: &run.checks,
        pass,
        events: &run.events,
        error: run.error.as_deref(),
    };
    write(dir, &files[2], &json(&verify)?)?;
    let is_checkpoint = |i: &&ReadItem| matches!(i, ReadItem::Record { record, .. } if matches!(record.body, remtag::Body::Checkpoint(_)));
    let checkpoints_stored = run.items.iter().filter(is_checkpoint).count() as u32;
    Ok(TagSummary {
        name: name.clone(),
        group: run.plan.group.clone(),
        n: run.plan.n,
        epc,
        files,
        records: report.records,
        checkpoints: checkpoints_stored,
        checkpoints_verified: report.checkpoints.iter().filter(|c| c.verified()).count() as u32,
        signed_prefix: report.signed_prefix,
        intact: report.is_intact(),
        findings: report.finding_count,
        checks: run.checks.clone(),
        pass,
        error: run.error.clone(),
    })
}

/// The sums over every tag.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Tags.
    pub tags: u32,
    /// Records read back.
    pub records: u64,
    /// Checkpoints.
    pub checkpoints: u64,
    /// Checkpoints that verify.
    pub checkpoints_verified: u64,
    /// Tags whose log is intact, every checkpoint verified.
    pub intact: u32,
    /// Records the tags acknowledged.
    pub acknowledged: u64,
    /// Of those, records read back as acknowledged, on tags no adversary rewrote.
    pub survived: u64,
    /// Acknowledged records on tags no adversary rewrote.
    pub acknowledged_untampered: u64,
    /// Power cuts.
    pub power_cuts: u64,
    /// Records with a flipped bit.
    pub damage_injected: u64,
    /// Of those, records reported as damaged.
    pub damage_reported: u64,
    /// Tags an adversary rewrote.
    pub tampered: u32,
    /// Of those, tags where verification found it.
    pub tampering_detected: u32,
    /// Tags with findings no injected fault explains.
    pub unexplained: u32,
    /// Tags whose plan could not be played to the end.
    pub failed: u32,
    /// Tags whose every check holds.
    pub passed: u32,
}

impl Totals {
    /// Adds one tag.
    pub fn add(&mut self, t: &TagSummary) {
        let c = &t.checks;
        self.tags += 1;
        self.records += u64::from(t.records);
        self.checkpoints += u64::from(t.checkpoints);
        self.checkpoints_verified += u64::from(t.checkpoints_verified);
        self.intact += u32::from(t.intact);
        self.acknowledged += u64::from(c.acknowledged);
        if c.tampered.is_empty() {
            self.acknowledged_untampered += u64::from(c.acknowledged);
            self.survived += u64::from(c.survived);
        }
        self.power_cuts += u64::from(c.power_cuts);
        self.damage_injected += u64::from(c.damage_injected);
        self.damage_reported += u64::from(c.damage_reported);
        self.tampered += u32::from(!c.tampered.is_empty());
        self.tampering_detected += u32::from(!c.tampered.is_empty() && c.tampering_detected);
        self.unexplained += u32::from(!c.unexplained.is_empty());
        self.failed += u32::from(t.error.is_some());
        self.passed += u32::from(t.pass);
    }
}

/// The run's summary file.
#[derive(Serialize)]
pub struct RunFile<'a> {
    /// The scenario's name.
    pub scenario: &'a str,
    /// Its title.
    pub title: &'a str,
    /// What happened.
    pub description: &'a str,
    /// Where it was read from.
    pub source: &'a str,
    /// The seed of every random draw.
    pub seed: u64,
    /// When the tags' clocks start (RFC 3339).
    pub start: String,
    /// Parties and places, with coordinates.
    pub directory: &'a crate::directory::Directory,
    /// The sums.
    pub totals: &'a Totals,
    /// Wall time of the run, seconds.
    pub elapsed_s: f64,
    /// Records read back per second of wall time.
    pub records_per_second: f64,
    /// One summary per tag, in order.
    pub tags: &'a [TagSummary],
}

/// Prepares `dir` for a run: creates it and `dir/tags`, and removes the tag files of an earlier
/// run there. A folder that holds anything else is refused.
pub fn prepare(dir: &Path) -> Result<(), String> {
    let tags = dir.join("tags");
    if dir.exists() {
        let entries =
            std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        let ours = [
            "run.json",
            "keys.json",
            "scenario.toml",
            "tags",
            "report.html",
        ];
        for entry in entries {
            let entry = entry.map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
            let name = entry.file_name();
            if !ours.iter().any(|o| name == *o) {
                return Err(format!(
                    "{} holds {}, which is not from a run: choose another --out",
                    dir.display(),
                    PathBuf::from(&name).display()
                ));
            }
        }
        // A report of the earlier run would describe another run.
        let report = dir.join("report.html");
        if report.exists() {
            std::fs::remove_file(&report)
                .map_err(|e| format!("cannot remove {}: {e}", report.display()))?;
        }
        if tags.is_dir() {
            let entries = std::fs::read_dir(&tags)
                .map_err(|e| format!("cannot read {}: {e}", tags.display()))?;
            for entry in entries {
                let path = entry
                    .map_err(|e| format!("cannot read {}: {e}", tags.display()))?
                    .path();
                let name = path.to_string_lossy();
                if [".img", ".log.json", ".verify.json"]
                    .iter()
                    .any(|ext| name.ends_with(ext))
                {
                    std::fs::remove_file(&path)
                        .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                }
            }
        }
    }
    std::fs::create_dir_all(&tags).map_err(|e| format!("cannot create {}: {e}", tags.display()))
}

/// Writes the run's own files: keys, scenario and summary.
pub fn write_run(dir: &Path, scenario: &Scenario, run: &RunFile<'_>) -> Result<(), String> {
    write(dir, "keys.json", &json(&scenario.keys)?)?;
    write(dir, "scenario.toml", scenario.text.as_bytes())?;
    write(dir, "run.json", &json(run)?)
}
