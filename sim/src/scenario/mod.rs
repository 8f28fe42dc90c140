//! Scenarios: places, parties with their keys, groups of tags and a timeline of actions, read
//! from TOML and played on simulated tags running the tag application.
//!
//! A scenario file has these tables (the shipped ones in `scenarios/` show each in use):
//!
//! - `[scenario]`: `name`, `title`, `description`, and `start` (RFC 3339, when the tags'
//!   clocks start; the first action's time when absent);
//! - `[keys]`: `valid_from` and `valid_until` of every custodian key;
//! - `[places.<short name>]`: `id`, `name`, `code`, `lat`, `lon` (degrees), `tz` (`+09:00`);
//! - `[parties.<short name>]`: `id`, `name`, `keys` (the key numbers its readers hold; the
//!   simulator derives demonstration key pairs from them);
//! - `[[route]]` (`at`, `place`) and `[[no_fix]]` (`from`, `until`): where the tags' GNSS
//!   receivers are, and when they see no satellite;
//! - `[[tags]]`: a group of `count` tags made from one template: `group`, `epc` (a tag URI
//!   template such as `urn:epc:tag:usdod-96:0.7DPA1.{n}`), `container`, `labels`, `claims`,
//!   `issuer`, `memory` (`eeprom` or `nor-flash` with `memory_kib`), `scalable`;
//! - `[[timeline]]`: actions, each `at` a time and `do` one of `commission`, `press`,
//!   `record`, `handover`, `checkpoint`, `power_cut`, `bit_rot`, `tamper`, on the `tags` a
//!   selector names (`all`, `box`, `box 1-5,9`, `box every 4 from 2`), with an optional
//!   `chance`, `repeat` and `every`, `stagger` and `jitter`.
//!
//! Numbers may be expressions in the tag's number `n` (see [`expr`]), so that 55 boxes are one
//! template; an expression nests at most 64 levels (parentheses, minus signs, operators and
//! function calls). [`Scenario::load`] and [`Scenario::parse`] read a scenario (in `resolve/`);
//! errors name the file, the line and the column.

pub mod expr;
pub mod faults;
pub mod file;
pub mod output;
pub mod plan;
mod resolve;
pub mod runner;

use std::ops::Range;

use remtag::model::{
    Body, Commission, ContainerKind, CorrectionReason, Custody, KeyId, Label, Link, Location,
    PartyRef, SignerRole, TimeQuality, TzOffset,
};

use crate::directory::Directory;
use crate::keys::KeysFile;
use crate::peripherals::Route;
use expr::{Expr, Selector, Template};

/// The scenarios that come with the simulator, by name: the text of `scenarios/<name>.toml`.
pub const SHIPPED: [(&str, &str); 3] = [
    (
        "korea-2018",
        include_str!("../../../scenarios/korea-2018.toml"),
    ),
    ("k208", include_str!("../../../scenarios/k208.toml")),
    ("stress", include_str!("../../../scenarios/stress.toml")),
];

/// A scenario, read and checked: every reference resolved, every expression parsed.
#[derive(Debug)]
pub struct Scenario {
    /// Its short name.
    pub name: String,
    /// Its title.
    pub title: String,
    /// What happened.
    pub description: String,
    /// Where it was read from: a path, or the shipped scenario's name.
    pub source: String,
    /// The TOML text.
    pub text: String,
    /// When the tags' clocks start, unix seconds.
    pub start: i64,
    /// Parties and places.
    pub directory: Directory,
    /// The custodians' public keys, as `verify --keys` reads them.
    pub keys: KeysFile,
    /// The groups of tags.
    pub groups: Vec<Group>,
    /// The custodians' signing keys, as their readers hold them.
    keyring: Vec<(KeyId, ed25519_compact::KeyPair)>,
    route: Option<Route>,
    timeline: Vec<Step>,
}

/// A group of tags made from one template.
#[derive(Debug)]
pub struct Group {
    /// Its name.
    pub name: String,
    /// How many tags.
    pub count: usize,
    /// Whether `--tags` sets its count.
    pub scalable: bool,
    /// The memory chip of its tags.
    pub memory: Memory,
    /// Whether its tags have a GNSS receiver.
    pub gnss: bool,
    epc: Located<Template>,
    container: ContainerKind,
    labels: Vec<LabelTemplate>,
    claims: Vec<ClaimTemplate>,
    issuer: PartyRef,
}

/// The memory chip a tag keeps its log on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Memory {
    /// A 24LC256 I2C EEPROM, 32 KiB.
    Eeprom,
    /// SPI NOR flash with 4 KiB sectors, of this many bytes.
    NorFlash(usize),
}

/// A value with the position (line and column) of its text in the scenario file.
#[derive(Clone, Debug)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// `file:line:col`.
    pub at: String,
}

type Num = Located<Expr>;

#[derive(Debug)]
enum LabelTemplate {
    BoxNumber(Num),
    K208(Num),
    Dvi(Num),
    Accession(Num),
}

#[derive(Debug)]
enum ClaimTemplate {
    Area(PartyRef, remtag::model::PlaceRef),
    Count(PartyRef, Num),
    Year(PartyRef, Num),
}

/// One timeline entry, resolved.
#[derive(Debug)]
struct Step {
    at: i64,
    pos: String,
    selector: Selector,
    chance: Option<f64>,
    repeat: Option<Num>,
    every: i64,
    stagger: i64,
    jitter: i64,
    id: Option<String>,
    action: StepAction,
}

/// Where and how a reader works.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Session {
    /// The party holding the reader.
    pub by: PartyRef,
    /// Where its records say they were made.
    pub location: Location,
    /// The local offset it writes.
    pub tz: TzOffset,
    /// How it knows the time.
    pub quality: TimeQuality,
}

#[derive(Debug)]
enum StepAction {
    Commission(Session),
    Press(PartyRef, CustodyTemplate),
    Record(Session, BodyTemplate),
    Checkpoint(Session, Vec<(KeyId, SignerRole)>),
    PowerCut(Option<Num>),
    BitRot(Num),
    Tamper(TamperHow),
}

#[derive(Debug)]
struct CustodyTemplate {
    custody: Custody,
    seal: Option<(Num, remtag::model::SealState)>,
}

#[derive(Debug)]
enum BodyTemplate {
    Custody(CustodyTemplate),
    Inspect {
        kind: remtag::model::InspectKind,
        observations: Vec<ObservationTemplate>,
    },
    Sample {
        label: Num,
        sample: remtag::model::Sample,
    },
    Link {
        link: Link,
        subject: Num,
        confidence: Num,
        supersedes: Option<String>,
    },
    Identification {
        identification: remtag::model::Identification,
        subject: Num,
    },
    Correction {
        corrects: Vec<String>,
        reason: CorrectionReason,
        replaced_by: Option<String>,
    },
    Aggregate {
        action: remtag::model::AggregateAction,
        parent: Located<Template>,
    },
}

#[derive(Debug)]
enum ObservationTemplate {
    ElementCount(Num),
    MinimumIndividuals(Num),
    Human(remtag::model::Likelihood),
    UsServiceMember(remtag::model::Likelihood),
    Temperature(Num),
    Humidity(Num),
    Shock(Num),
    Photo,
}

/// How an adversary rewrites a tag's stored log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TamperHow {
    /// Changes a signed record (its time or its actor) and rewrites the log after it, every
    /// CRC and segment header made right.
    Alter,
    /// Removes a signed record and numbers the rest again.
    Delete,
    /// Puts another tag's record in place of one of this tag's signed records.
    Swap,
}

impl Scenario {
    /// The signing key `key`, as a custodian's reader holds it.
    pub fn keypair(&self, key: KeyId) -> Option<&ed25519_compact::KeyPair> {
        self.keyring
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, pair)| pair)
    }

    /// How many tags, in all groups.
    pub fn tag_count(&self) -> usize {
        self.groups.iter().map(|g| g.count).sum()
    }

    /// Sets the tag count of the group `--tags` scales: the one marked `scalable`, or the only
    /// group.
    pub fn set_tag_count(&mut self, count: usize) -> Result<(), String> {
        let scalable: Vec<usize> = match self.groups.len() {
            1 => vec![0],
            _ => (0..self.groups.len())
                .filter(|i| self.groups[*i].scalable)
                .collect(),
        };
        match scalable.as_slice() {
            [i] => {
                let fixed = self.tag_count() - self.groups[*i].count;
                self.groups[*i].count =
                    count.checked_sub(fixed).filter(|c| *c > 0).ok_or(format!(
                        "{}: --tags {count} is too few: the other groups hold {fixed} tags",
                        self.name
                    ))?;
                Ok(())
            }
            _ => Err(format!(
                "{}: --tags needs one tag group marked `scalable = true`",
                self.name
            )),
        }
    }

    /// The group and number (from 1) of tag `index` (from 0, over all groups in order).
    pub fn tag_at(&self, index: usize) -> Option<(usize, usize)> {
        let mut rest = index;
        for (g, group) in self.groups.iter().enumerate() {
            if rest < group.count {
                return Some((g, rest + 1));
            }
            rest -= group.count;
        }
        None
    }
}

/// `source:line:col` of byte offset `span.start` in `text`, both counted from 1, the column in
/// characters.
pub fn position(source: &str, text: &str, span: Range<usize>) -> String {
    let at = span.start.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("{source}:{line}:{col}")
}

/// A commission body for a tag.
pub(crate) fn commission_body(
    epc: remtag::model::Epc,
    chip_uid: &[u8],
    container: ContainerKind,
    labels: Vec<Label>,
    claims: Vec<remtag::model::Claim>,
    issuer: PartyRef,
) -> Body {
    let mut label_list = remtag::model::List::new();
    // A group holds at most 3 labels and 2 claims, checked when the scenario was read.
    for l in labels {
        label_list.push(l).ok();
    }
    let mut claim_list = remtag::model::List::new();
    for c in claims {
        claim_list.push(c).ok();
    }
    Body::Commission(Commission {
        epc,
        chip_uid: remtag::model::List::from_slice(chip_uid).unwrap_or_default(),
        container,
        labels: label_list,
        issuer,
        claims: claim_list,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = x\n";
        assert_eq!(position("f.toml", text, 0..1), "f.toml:1:1");
        let x = text.find('x').expect("x");
        assert_eq!(position("f.toml", text, x..x + 1), "f.toml:2:6");
    }
}
