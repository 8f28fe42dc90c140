//! One tag as the report shows it: its records and damage in the order the log holds them, what
//! verification found of each checkpoint, and what happened to it besides (power cuts, flipped
//! bits, tampering).

use remtag::model::UtcSeconds;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::input::{DamageJson, RecordJson, TagFiles, TagSummaryJson, VerifyJson};
use super::words;

/// Where a record was made.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Loc {
    /// Not known: no fix, no place given.
    Unknown,
    /// A place of the directory, by number.
    Place(u32),
    /// A position, in degrees.
    Geo {
        /// Latitude.
        lat: f64,
        /// Longitude.
        lon: f64,
    },
}

/// A party's statement recorded at commissioning.
#[derive(Clone, Debug, PartialEq)]
pub struct Claim {
    /// Who states it.
    pub by: u32,
    /// What kind of statement: `RecoveryArea`, `IndividualCount`...
    pub kind: String,
    /// Its value: a place's number, a count, a year.
    pub value: Value,
}

impl Claim {
    /// The place a `RecoveryArea` claim names.
    pub fn area(&self) -> Option<u32> {
        (self.kind == "RecoveryArea")
            .then(|| self.value.as_u64().and_then(|v| u32::try_from(v).ok()))
            .flatten()
    }
}

/// One signer of a checkpoint, with what verification found of the signature.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Signer {
    /// The party holding the key, when the key is known.
    pub party: Option<u32>,
    /// The key.
    pub key: u32,
    /// `releasing`, `receiving`, `custodian` or `auditor`.
    pub role: String,
    /// `valid`, `bad signature`...; empty when verification did not list it.
    pub status: String,
}

/// What an entry of the log says.
#[derive(Clone, Debug, PartialEq)]
pub enum What {
    /// The tag was put on a container.
    Commission {
        /// The container's kind.
        container: String,
        /// Its labels, in words.
        labels: Vec<String>,
        /// Statements of other parties.
        claims: Vec<Claim>,
    },
    /// A custody step.
    Custody {
        /// The business step.
        step: String,
        /// The disposition.
        disposition: String,
        /// The releasing party.
        from: u32,
        /// The receiving party.
        to: u32,
        /// The seal's number and state.
        seal: Option<(u64, String)>,
        /// The container's condition.
        condition: String,
    },
    /// Placed into or removed from a transfer case or pallet.
    Aggregate {
        /// `Add` or `Delete`.
        action: String,
        /// The case or pallet.
        parent: String,
    },
    /// Part of the remains taken as a sample.
    Sample {
        /// The sample's label or tag.
        sample: String,
        /// Bone element.
        element: String,
        /// Side.
        side: String,
        /// Kind of sample.
        kind: String,
        /// The party it is sent to.
        destination: u32,
    },
    /// Remains associated with an individual, an accession or another container.
    Link {
        /// What they are linked to.
        subject: String,
        /// How.
        relation: String,
        /// The evidence, as bits.
        basis: u8,
        /// Confidence in basis points.
        confidence: u16,
        /// The link this one replaces.
        supersedes: Option<u32>,
    },
    /// An inspection with its observations.
    Inspect {
        /// Field review, accession, routine, sensor.
        kind: String,
        /// The observations, in words.
        observations: Vec<String>,
    },
    /// An identification result.
    Identification {
        /// Who.
        subject: String,
        /// Presumptive, confirmed, excluded...
        status: String,
        /// The methods, as bits.
        methods: u8,
        /// The party that decided.
        authority: u32,
    },
    /// Earlier records declared wrong; nothing is deleted.
    Correction {
        /// The records declared wrong.
        corrects: Vec<u32>,
        /// Why.
        reason: String,
        /// The record that replaces them.
        replaced_by: Option<u32>,
    },
    /// A signed checkpoint: a hand-over when it has releasing and receiving signatures.
    Checkpoint {
        /// Records it covers.
        count: u32,
        /// Its signers.
        signers: Vec<Signer>,
        /// Whether it verifies; `None` when verification did not list it.
        verified: Option<bool>,
        /// Whether the chain it signs matches the records.
        chain_ok: Option<bool>,
    },
    /// Damage the reader reported where it read the log.
    Damage {
        /// Offset on the medium.
        offset: u32,
        /// What is wrong, in words.
        reason: String,
    },
    /// A record of a kind the report does not know.
    Other(String),
}

/// One entry of a tag's log.
#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    /// Sequence number.
    pub seq: Option<u32>,
    /// When, unix seconds, if the tag's clock was set.
    pub time: Option<i64>,
    /// The offset from UTC the record gave, minutes.
    pub tz_minutes: i32,
    /// How the time was known: `gnss`, `network`, `manual`, `estimated`.
    pub quality: String,
    /// The party that made the record.
    pub actor: Option<u32>,
    /// Where.
    pub loc: Loc,
    /// What.
    pub what: What,
    /// The site of the map where it was made, once the map's sites (`sites.rs`) resolved it.
    pub site: Option<usize>,
}

/// What kind of mark an entry or an event gets: one shape and colour each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// The tag put on the box.
    Commission,
    /// A custody step within one custodian's hands.
    Step,
    /// A custody step from one party to another.
    Handover,
    /// A checkpoint that verifies.
    CheckpointOk,
    /// A checkpoint that does not verify.
    CheckpointBad,
    /// An inspection.
    Inspect,
    /// Into or out of a transfer case.
    Aggregate,
    /// A sample taken.
    Sample,
    /// A link to an individual or another box.
    Link,
    /// An identification.
    Identification,
    /// A correction of earlier records.
    Correction,
    /// A record of an unknown kind.
    Other,
    /// Damage found by the reader.
    Damage,
    /// A power cut (injected).
    PowerCut,
    /// A flipped bit (injected).
    BitFlip,
    /// Tampering (injected).
    Tamper,
}

impl Item {
    /// When it was made, with its offset, if the tag's clock was set.
    pub fn when(&self) -> Option<words::When> {
        self.time.map(|t| (t, self.tz_minutes))
    }

    /// The mark this entry gets.
    pub fn mark(&self) -> Mark {
        match &self.what {
            What::Commission { .. } => Mark::Commission,
            What::Custody { from, to, .. } if from != to => Mark::Handover,
            What::Custody { .. } => Mark::Step,
            What::Aggregate { .. } => Mark::Aggregate,
            What::Sample { .. } => Mark::Sample,
            What::Link { .. } => Mark::Link,
            What::Inspect { .. } => Mark::Inspect,
            What::Identification { .. } => Mark::Identification,
            What::Correction { .. } => Mark::Correction,
            What::Checkpoint {
                verified: Some(true),
                ..
            } => Mark::CheckpointOk,
            What::Checkpoint { .. } => Mark::CheckpointBad,
            What::Damage { .. } => Mark::Damage,
            What::Other(_) => Mark::Other,
        }
    }
}

/// Something that happened to a tag besides its log, as the run reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// When, unix seconds.
    pub at: i64,
    /// Its mark: power cut, flipped bit or tampering; `None` for a reader's retry.
    pub mark: Option<Mark>,
    /// What, for people.
    pub detail: String,
}

/// What verification concluded of a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Nothing found: every record there, every checkpoint verified.
    Intact,
    /// Damage found, and nothing else.
    Damage,
    /// Records altered, deleted, inserted or swapped, or signatures that do not verify.
    Tampering,
    /// Not intact, with no finding to say why.
    NotIntact,
}

impl Verdict {
    /// The verdict in a few words.
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Intact => "intact",
            Verdict::Damage => "damage found",
            Verdict::Tampering => "tampering found",
            Verdict::NotIntact => "not intact",
        }
    }

    /// A class name for styling and filtering.
    pub fn class(self) -> &'static str {
        match self {
            Verdict::Intact => "ok",
            Verdict::Damage => "damage",
            Verdict::Tampering => "tamper",
            Verdict::NotIntact => "bad",
        }
    }
}

/// A finding of verification: its kind and its message.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// `Damage`, `ChainMismatch`, `Deleted`...
    pub kind: String,
    /// What it says.
    pub message: String,
}

impl Finding {
    /// Whether it reports damage (rather than tampering or a signature problem).
    pub fn is_damage(&self) -> bool {
        matches!(self.kind.as_str(), "Damage" | "Unreadable")
    }
}

/// A tag, read.
#[derive(Clone, Debug)]
pub struct Tag {
    /// Its name.
    pub name: String,
    /// Its identity, as a tag URI.
    pub epc: String,
    /// Its kind of memory.
    pub memory: String,
    /// Records and damage, in log order.
    pub items: Vec<Item>,
    /// Power cuts, flipped bits, tampering, retries.
    pub events: Vec<Event>,
    /// Findings of verification.
    pub findings: Vec<Finding>,
    /// The verdict.
    pub verdict: Verdict,
    /// Records.
    pub records: u32,
    /// Checkpoints.
    pub checkpoints: u32,
    /// Checkpoints that verify.
    pub checkpoints_verified: u32,
    /// Damage entries the reader reported.
    pub damage_found: u32,
    /// Records in which the run flipped a bit.
    pub damage_injected: u32,
    /// Power cuts the run put the tag through (its events may list fewer: the marks).
    pub power_cuts: u32,
    /// How an adversary rewrote the log, in words; empty when none did.
    pub tampered: Vec<String>,
    /// Whether every check of the run held.
    pub pass: bool,
    /// Why the plan could not be played to the end.
    pub error: Option<String>,
    /// Findings no injected fault explains.
    pub unexplained: Vec<String>,
}

impl Tag {
    /// Reads a tag from its summary and files.
    pub fn new(summary: &TagSummaryJson, files: TagFiles) -> Tag {
        let TagFiles { log, verify } = files;
        let mut items: Vec<Item> = log
            .entries
            .into_iter()
            .filter_map(|e| match (e.record, e.damage) {
                (Some(r), _) => Some(record(r)),
                (None, Some(d)) => Some(damage(d)),
                (None, None) => None,
            })
            .collect();
        attach_checkpoints(&mut items, &verify);
        let findings: Vec<Finding> = verify
            .findings
            .iter()
            .map(|f| Finding {
                kind: f.kind.clone(),
                message: f.message.clone(),
            })
            .collect();
        let verdict = if verify.intact {
            Verdict::Intact
        } else if findings.is_empty() {
            Verdict::NotIntact
        } else if findings.iter().all(Finding::is_damage) {
            Verdict::Damage
        } else {
            Verdict::Tampering
        };
        let count = |m: Mark| items.iter().filter(|i| i.mark() == m).count() as u32;
        let checkpoints_verified = count(Mark::CheckpointOk);
        let damage_found = count(Mark::Damage);
        let records = items.len() as u32 - damage_found;
        let checkpoints = checkpoints_verified + count(Mark::CheckpointBad);
        let events = verify
            .events
            .into_iter()
            .map(|e| Event {
                at: e.at,
                mark: match e.kind.as_str() {
                    "power_cut" => Some(Mark::PowerCut),
                    "bit_rot" => Some(Mark::BitFlip),
                    "tamper" => Some(Mark::Tamper),
                    _ => None,
                },
                detail: e.detail,
            })
            .collect();
        let c = &summary.checks;
        Tag {
            name: summary.name.clone(),
            epc: log.epc,
            memory: log.memory,
            items,
            events,
            findings,
            verdict,
            records,
            checkpoints,
            checkpoints_verified,
            damage_found,
            damage_injected: c.damage_injected,
            power_cuts: c.power_cuts,
            tampered: c
                .tampered
                .iter()
                .map(|how| words::value(&serde_json::to_value(how).unwrap_or_default()))
                .collect(),
            pass: summary.pass,
            error: summary.error.clone(),
            unexplained: c.unexplained.clone(),
        }
    }

    /// Whether anything went wrong or was done to the tag.
    pub fn eventful(&self) -> bool {
        self.verdict != Verdict::Intact
            || !self.pass
            || self.error.is_some()
            || self.power_cuts > 0
            || self.events.iter().any(|e| e.mark.is_some())
    }
}

/// The body `{"Kind": {...}}` as its kind and content; a unit variant `"Kind"` has no content.
fn kind_of(body: Value) -> (String, Value) {
    match body {
        Value::Object(map) if map.len() == 1 => map.into_iter().next().unwrap_or_default(),
        Value::String(kind) => (kind, Value::Null),
        other => (String::new(), other),
    }
}

/// `content` as a `T`, or `None` when it is not one.
fn as_<T: DeserializeOwned>(content: Value) -> Option<T> {
    serde_json::from_value(content).ok()
}

fn location(v: &Value) -> Loc {
    #[derive(Deserialize)]
    struct Point {
        lat_microdeg: i64,
        lon_microdeg: i64,
    }
    if let Some(id) = v.get("Place").and_then(Value::as_u64) {
        return u32::try_from(id).map_or(Loc::Unknown, Loc::Place);
    }
    match v.get("Geo").cloned().and_then(as_::<Point>) {
        Some(p) => Loc::Geo {
            lat: p.lat_microdeg as f64 / 1e6,
            lon: p.lon_microdeg as f64 / 1e6,
        },
        None => Loc::Unknown,
    }
}

fn record(r: RecordJson) -> Item {
    let h = r.header;
    let tz_minutes = i8::try_from(h.tz)
        .ok()
        .and_then(remtag::model::TzOffset::from_quarter_hours)
        .map_or(0, |tz| i32::from(tz.minutes()));
    Item {
        seq: h.seq,
        time: h.time.as_ref().map(|t| UtcSeconds(t.at).to_unix()),
        tz_minutes,
        quality: h
            .time
            .map_or_else(|| "clock not set".to_string(), |t| words::words(&t.quality)),
        actor: h.actor,
        loc: location(&h.location),
        what: body(r.body),
        site: None,
    }
}

fn damage(d: DamageJson) -> Item {
    Item {
        seq: d.seq,
        time: None,
        tz_minutes: 0,
        quality: String::new(),
        actor: None,
        loc: Loc::Unknown,
        what: What::Damage {
            offset: d.offset,
            reason: words::damage_reason(&d.reason),
        },
        site: None,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CommissionJson {
    container: String,
    labels: Vec<Value>,
    claims: Vec<ClaimJson>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ClaimJson {
    by: u32,
    statement: Value,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CustodyJson {
    step: String,
    disposition: String,
    from: u32,
    to: u32,
    seal: Option<SealJson>,
    condition: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SealJson {
    number: u64,
    state: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct AggregateJson {
    action: String,
    parent: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SampleJson {
    sample: Value,
    element: String,
    side: String,
    kind: String,
    destination: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReferenceJson {
    kind: String,
    number: u64,
}

impl ReferenceJson {
    fn text(&self) -> String {
        format!("{} {}", words::words(&self.kind), self.number)
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LinkJson {
    subject: ReferenceJson,
    relation: String,
    basis: u8,
    confidence: u16,
    supersedes: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InspectJson {
    kind: String,
    observations: Vec<Value>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct IdentificationJson {
    subject: ReferenceJson,
    status: String,
    methods: u8,
    authority: u32,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CorrectionJson {
    corrects: Vec<u32>,
    reason: String,
    replaced_by: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CheckpointJson {
    count: u32,
    signatures: Vec<SignatureJson>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SignatureJson {
    key: u32,
    role: String,
}

fn body(body: Value) -> What {
    let (kind, content) = kind_of(body);
    let what = match kind.as_str() {
        "Commission" => as_::<CommissionJson>(content).map(|c| What::Commission {
            container: words::words(&c.container),
            labels: c.labels.iter().map(words::value).collect(),
            claims: c
                .claims
                .into_iter()
                .map(|claim| {
                    let (kind, value) = kind_of(claim.statement);
                    Claim {
                        by: claim.by,
                        kind,
                        value,
                    }
                })
                .collect(),
        }),
        "Custody" => as_::<CustodyJson>(content).map(|c| What::Custody {
            step: words::words(&c.step),
            disposition: words::words(&c.disposition),
            from: c.from,
            to: c.to,
            seal: c.seal.map(|s| (s.number, words::words(&s.state))),
            condition: words::words(&c.condition),
        }),
        "Aggregate" => as_::<AggregateJson>(content).map(|a| What::Aggregate {
            action: a.action,
            parent: a.parent,
        }),
        "Sample" => as_::<SampleJson>(content).map(|s| What::Sample {
            sample: words::value(&s.sample),
            element: words::words(&s.element),
            side: words::words(&s.side),
            kind: words::words(&s.kind),
            destination: s.destination,
        }),
        "Link" => as_::<LinkJson>(content).map(|l| What::Link {
            subject: l.subject.text(),
            relation: words::words(&l.relation),
            basis: l.basis,
            confidence: l.confidence,
            supersedes: l.supersedes,
        }),
        "Inspect" => as_::<InspectJson>(content).map(|i| What::Inspect {
            kind: words::words(&i.kind),
            observations: i.observations.iter().map(words::observation).collect(),
        }),
        "Identification" => as_::<IdentificationJson>(content).map(|i| What::Identification {
            subject: i.subject.text(),
            status: words::words(&i.status),
            methods: i.methods,
            authority: i.authority,
        }),
        "Correction" => as_::<CorrectionJson>(content).map(|c| What::Correction {
            corrects: c.corrects,
            reason: words::words(&c.reason),
            replaced_by: c.replaced_by,
        }),
        "Checkpoint" => as_::<CheckpointJson>(content).map(|c| What::Checkpoint {
            count: c.count,
            signers: c
                .signatures
                .into_iter()
                .map(|s| Signer {
                    party: None,
                    key: s.key,
                    role: s.role.to_lowercase(),
                    status: String::new(),
                })
                .collect(),
            verified: None,
            chain_ok: None,
        }),
        _ => None,
    };
    what.unwrap_or_else(|| What::Other(words::words(&kind)))
}

/// Puts what verification found of each checkpoint on the checkpoint's record.
fn attach_checkpoints(items: &mut [Item], verify: &VerifyJson) {
    for item in items.iter_mut() {
        let seq = item.seq;
        if let What::Checkpoint {
            signers,
            verified,
            chain_ok,
            ..
        } = &mut item.what
        {
            let Some(found) = verify.checkpoints.iter().find(|c| Some(c.seq) == seq) else {
                continue;
            };
            *verified = Some(found.verified);
            *chain_ok = Some(found.chain_ok);
            if !found.signers.is_empty() {
                *signers = found
                    .signers
                    .iter()
                    .map(|s| Signer {
                        party: s.party,
                        key: s.key,
                        role: s.role.clone(),
                        status: s.status.clone(),
                    })
                    .collect();
            }
        }
    }
}

/// A tag read from the text of its files, for tests.
#[cfg(test)]
pub(crate) fn from_json(log: &str, verify: &str) -> Tag {
    let summary: TagSummaryJson =
        serde_json::from_str(r#"{"name": "box-001", "checks": {"power_cuts": 1}}"#)
            .expect("summary");
    let files = TagFiles {
        log: serde_json::from_str(log).expect("log"),
        verify: serde_json::from_str(verify).expect("verify"),
    };
    Tag::new(&summary, files)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOG: &str = r#"{"epc": "urn:epc:tag:usdod-96:0.7DPA1.1", "added later": true, "entries": [
        {"offset": 0, "len": 40, "record": {"header": {"seq": 0, "time": {"at": 585960603, "quality": "Network"}, "tz": 36, "actor": 1, "location": {"Place": 1}},
            "body": {"Commission": {"container": "Box", "labels": [{"BoxNumber": 1}], "claims": [{"by": 2, "statement": {"RecoveryArea": 7}}]}}}},
        {"offset": 40, "len": 20, "record": {"header": {"seq": 1, "time": null, "tz": 36, "actor": 3, "location": "Unknown"},
            "body": {"Custody": {"step": "Loading", "disposition": "InTransit", "from": 1, "to": 3, "seal": {"number": 180701, "state": "Intact"}, "condition": "Good"}}}},
        {"damage": {"offset": 60, "seq": 2, "reason": {"BitFlipRepaired": {"bit": 3}}}},
        {"offset": 60, "len": 170, "record": {"header": {"seq": 2, "tz": 36, "location": {"Geo": {"lat_microdeg": 37090600, "lon_microdeg": 127030000}}},
            "body": {"Checkpoint": {"count": 2, "signatures": [{"key": 1, "role": "Releasing"}, {"key": 3, "role": "Receiving"}]}}}},
        {"offset": 230, "len": 9, "record": {"header": {"seq": 3}, "body": {"Teleport": {"to": "Mars"}}}},
        {"something": "else"}
    ]}"#;

    #[test]
    fn records_are_read_leniently() {
        let tag = from_json(LOG, r#"{"intact": true}"#);
        assert_eq!(tag.epc, "urn:epc:tag:usdod-96:0.7DPA1.1");
        assert_eq!(tag.items.len(), 5);
        assert_eq!((tag.records, tag.damage_found), (4, 1));
        let [commission, custody, damage, checkpoint, other] = &tag.items[..] else {
            panic!("{:?}", tag.items);
        };
        assert_eq!(commission.time, Some(585_960_603 + UtcSeconds::UNIX_OFFSET));
        assert_eq!(commission.tz_minutes, 540);
        assert_eq!(commission.loc, Loc::Place(1));
        let What::Commission { claims, labels, .. } = &commission.what else {
            panic!("{commission:?}");
        };
        assert_eq!(labels, &["box number 1"]);
        assert_eq!(claims[0].area(), Some(7));
        assert_eq!((custody.time, custody.mark()), (None, Mark::Handover));
        assert_eq!(custody.quality, "clock not set");
        assert_eq!(damage.mark(), Mark::Damage);
        assert_eq!(damage.seq, Some(2));
        assert!(matches!(checkpoint.loc, Loc::Geo { lat, .. } if (lat - 37.0906).abs() < 1e-9));
        // Verification did not list the checkpoint: it is not shown as verified.
        assert_eq!(checkpoint.mark(), Mark::CheckpointBad);
        assert_eq!(other.what, What::Other("teleport".to_string()));
        assert_eq!(tag.verdict, Verdict::Intact);
        assert_eq!(tag.power_cuts, 1);
    }

    #[test]
    fn verification_is_put_on_the_checkpoints_and_decides_the_verdict() {
        let verify = r#"{"intact": false,
            "checkpoints": [{"seq": 2, "chain_ok": true, "verified": true,
                "signers": [{"key": 1, "party": 1, "role": "releasing", "status": "valid"},
                            {"key": 3, "party": 3, "role": "receiving", "status": "valid"}]}],
            "findings": [{"kind": "Damage", "message": "damage at offset 60"}],
            "events": [{"at": 1, "kind": "bit_rot", "detail": "bit 3 flipped"}, {"at": 1, "kind": "retry", "detail": "again"}]}"#;
        let tag = from_json(LOG, verify);
        assert_eq!(tag.items[3].mark(), Mark::CheckpointOk);
        let What::Checkpoint { signers, .. } = &tag.items[3].what else {
            panic!();
        };
        assert_eq!(signers[1].party, Some(3));
        assert_eq!(tag.verdict, Verdict::Damage);
        assert_eq!(tag.checkpoints_verified, 1);
        assert_eq!(tag.events[0].mark, Some(Mark::BitFlip));
        assert_eq!(tag.events[1].mark, None);
        let tampered = verify.replace("\"Damage\"", "\"ChainMismatch\"");
        assert_eq!(from_json(LOG, &tampered).verdict, Verdict::Tampering);
        let unexplained = r#"{"intact": false}"#;
        assert_eq!(from_json(LOG, unexplained).verdict, Verdict::NotIntact);
    }
}
