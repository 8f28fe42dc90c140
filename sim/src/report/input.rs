//! Reading what `run` wrote: `run.json` and each tag's `.log.json` and `.verify.json`.
//!
//! The structures here are lenient on purpose: they take only the fields the report shows, and
//! most have defaults, so that a field added to those files, or one left out, does not stop the
//! report. What the report cannot do without (the list of tags, each tag's name, its files) is
//! required, and its absence is an error that names the file.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::scenario::output::tag_files;
use crate::scenario::runner::Checks;

/// `run.json`: the scenario, its directory, the totals and one summary per tag.
#[derive(Debug, Deserialize)]
pub struct RunJson {
    /// The scenario's short name.
    #[serde(default)]
    pub scenario: String,
    /// Its title.
    #[serde(default)]
    pub title: String,
    /// What happened.
    #[serde(default)]
    pub description: String,
    /// Where the scenario was read from.
    #[serde(default)]
    pub source: String,
    /// The seed of the run.
    #[serde(default)]
    pub seed: Option<u64>,
    /// Parties and places.
    #[serde(default)]
    pub directory: DirectoryJson,
    /// One summary per tag, in order.
    pub tags: Vec<TagSummaryJson>,
}

/// Parties and places.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DirectoryJson {
    /// The parties.
    pub parties: Vec<PartyJson>,
    /// The places.
    pub places: Vec<PlaceJson>,
}

impl DirectoryJson {
    /// The name of party `id`, or `party N` when the directory does not have it.
    pub fn party(&self, id: u32) -> String {
        self.parties
            .iter()
            .find(|p| p.id == id)
            .map_or_else(|| format!("party {id}"), |p| p.name.clone())
    }

    /// Place `id`, when the directory has it.
    pub fn place(&self, id: u32) -> Option<&PlaceJson> {
        self.places.iter().find(|p| p.id == id)
    }
}

/// A party: its number on tags and its name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PartyJson {
    /// Its number.
    pub id: u32,
    /// Its name.
    pub name: String,
}

/// A place: its number on tags, name, code and position.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlaceJson {
    /// Its number.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// An airfield's code or another public code.
    pub code: String,
    /// Where it is; a place without a position is listed but not drawn.
    pub point: Option<PointJson>,
}

/// A position in millionths of a degree.
#[derive(Clone, Copy, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PointJson {
    /// Latitude.
    pub lat_microdeg: i64,
    /// Longitude.
    pub lon_microdeg: i64,
}

impl PointJson {
    /// Latitude and longitude in degrees.
    pub fn degrees(self) -> (f64, f64) {
        (
            self.lat_microdeg as f64 / 1e6,
            self.lon_microdeg as f64 / 1e6,
        )
    }
}

/// One tag's summary in `run.json`.
#[derive(Debug, Deserialize)]
pub struct TagSummaryJson {
    /// Its name, the stem of its files.
    pub name: String,
    /// Its files: image, log, verification.
    #[serde(default)]
    pub files: Vec<String>,
    /// Findings of verification.
    #[serde(default)]
    pub findings: u32,
    /// Whether every check held.
    #[serde(default = "yes")]
    pub pass: bool,
    /// Power cuts, damage and tampering the run put the tag through.
    #[serde(default)]
    pub checks: Checks,
    /// Why the plan could not be played to the end.
    #[serde(default)]
    pub error: Option<String>,
}

fn yes() -> bool {
    true
}

impl TagSummaryJson {
    /// The tag's log and verification files, relative to the run's folder.
    pub fn log_and_verify(&self) -> (String, String) {
        let find = |suffix: &str| self.files.iter().find(|f| f.ends_with(suffix)).cloned();
        let [_, log, verify] = tag_files(&self.name);
        (
            find(".log.json").unwrap_or(log),
            find(".verify.json").unwrap_or(verify),
        )
    }
}

/// A tag's `.log.json`: its entries as a reader read them.
#[derive(Debug, Deserialize)]
pub struct LogJson {
    /// The tag's identity.
    #[serde(default)]
    pub epc: String,
    /// The kind of memory.
    #[serde(default)]
    pub memory: String,
    /// Records and damage, in the order read.
    pub entries: Vec<EntryJson>,
}

/// One entry of a log: a record, or damage.
#[derive(Debug, Deserialize)]
pub struct EntryJson {
    /// The record, when the entry is one.
    #[serde(default)]
    pub record: Option<RecordJson>,
    /// The damage, when the entry is damage.
    #[serde(default)]
    pub damage: Option<DamageJson>,
}

/// A record: its header, and its body left as JSON for the tag's reading (`tag.rs`).
#[derive(Debug, Deserialize)]
pub struct RecordJson {
    /// Sequence number, time, actor, location.
    #[serde(default)]
    pub header: HeaderJson,
    /// `{"Custody": {...}}` and so on.
    #[serde(default)]
    pub body: Value,
}

/// A record's header.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HeaderJson {
    /// Sequence number.
    pub seq: Option<u32>,
    /// When, if the tag's clock was set.
    pub time: Option<TimeJson>,
    /// Time-zone offset in quarter hours.
    pub tz: i32,
    /// The party that made the record.
    pub actor: Option<u32>,
    /// `"Unknown"`, `{"Place": n}` or `{"Geo": {...}}`.
    pub location: Value,
}

/// A record's time: seconds since 2000 and how it was known.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TimeJson {
    /// Seconds since 2000-01-01T00:00:00Z.
    pub at: u32,
    /// `Gnss`, `Network`, `Manual` or `Estimated`.
    pub quality: String,
}

/// Damage a reader reported.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DamageJson {
    /// Offset on the medium.
    pub offset: u32,
    /// The damaged record's sequence number, when known.
    pub seq: Option<u32>,
    /// What is wrong: `{"BitFlipRepaired": {"bit": 116}}`, `"TornAppend"`.
    pub reason: Value,
}

/// A tag's `.verify.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct VerifyJson {
    /// The verdict in words.
    pub verdict: String,
    /// Whether verification found nothing at all.
    pub intact: bool,
    /// Each checkpoint and what was found of it.
    pub checkpoints: Vec<CheckpointJson>,
    /// The findings.
    pub findings: Vec<FindingJson>,
    /// What happened to the tag besides its log.
    pub events: Vec<EventJson>,
}

/// A checkpoint as verification saw it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CheckpointJson {
    /// Its sequence number.
    pub seq: u32,
    /// Whether the chain it signs matches the records.
    pub chain_ok: bool,
    /// Whether it verifies.
    pub verified: bool,
    /// Who signed it.
    pub signers: Vec<SignerJson>,
}

/// One signer of a checkpoint.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SignerJson {
    /// The key.
    pub key: u32,
    /// The party holding it, when the key is known.
    pub party: Option<u32>,
    /// `releasing`, `receiving`, `custodian` or `auditor`.
    pub role: String,
    /// `valid`, `unknown key`, `expired key`, `bad signature`, `not checked`.
    pub status: String,
}

/// A finding of verification.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct FindingJson {
    /// Its kind: `Damage`, `ChainMismatch`, `Deleted`...
    pub kind: String,
    /// What it says, for people.
    pub message: String,
}

/// Something that happened to a tag that its log may not show.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EventJson {
    /// When, unix seconds.
    pub at: i64,
    /// `power_cut`, `bit_rot`, `tamper` or `retry`.
    pub kind: String,
    /// What, for people.
    pub detail: String,
}

/// Reads and parses the JSON file at `path`.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("{}: not what `run` writes: {e}", path.display()))
}

/// Reads `DIR/run.json`.
pub fn run_file(dir: &Path) -> Result<RunJson, String> {
    if !dir.is_dir() {
        return Err(format!(
            "{}: no such folder (give the folder `remtag-sim run --out` wrote)",
            dir.display()
        ));
    }
    read(&dir.join("run.json"))
}

/// The files of one tag, read.
pub struct TagFiles {
    /// Its log.
    pub log: LogJson,
    /// Its verification.
    pub verify: VerifyJson,
}

/// Reads the log and verification files of tag `summary` under `dir`.
pub fn tag_files_of(dir: &Path, summary: &TagSummaryJson) -> Result<TagFiles, String> {
    let (log, verify) = summary.log_and_verify();
    let path = |file: &str| -> PathBuf { dir.join(file) };
    Ok(TagFiles {
        log: read(&path(&log))?,
        verify: read(&path(&verify))?,
    })
}
