//! The scenario file as written: TOML tables read with serde, every reference kept with its
//! position so that a mistake can be named by line and column.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::Spanned;

/// A whole scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    /// What the scenario is.
    pub scenario: Meta,
    /// When the custodians' keys are valid.
    #[serde(default)]
    pub keys: KeyValidity,
    /// Places by short name.
    pub places: BTreeMap<String, Spanned<PlaceDef>>,
    /// Parties by short name.
    pub parties: BTreeMap<String, Spanned<PartyDef>>,
    /// Where the tags' GNSS receivers are, over time.
    #[serde(default)]
    pub route: Vec<WaypointDef>,
    /// When the receivers see no satellite.
    #[serde(default)]
    pub no_fix: Vec<IntervalDef>,
    /// The groups of tags.
    pub tags: Vec<Spanned<GroupDef>>,
    /// What happens, in time order.
    pub timeline: Vec<Spanned<ActionDef>>,
}

/// The `[scenario]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// A short name, used for the output folder.
    pub name: String,
    /// A title for people.
    pub title: String,
    /// What happened, for people.
    #[serde(default)]
    pub description: String,
    /// When the simulation starts (RFC 3339); the first action's time when absent.
    pub start: Option<Spanned<String>>,
}

/// The `[keys]` table.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyValidity {
    /// From when every key may sign (RFC 3339); the scenario's start when absent.
    pub valid_from: Option<Spanned<String>>,
    /// Until when every key may sign (RFC 3339), if they expire.
    pub valid_until: Option<Spanned<String>>,
}

/// A place.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaceDef {
    /// Its number on tags.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// An ICAO code or another public code.
    #[serde(default)]
    pub code: String,
    /// Latitude in decimal degrees, north positive.
    pub lat: f64,
    /// Longitude in decimal degrees, east positive.
    pub lon: f64,
    /// The local offset from UTC, `+09:00`; readers there write it into records.
    #[serde(default)]
    pub tz: Option<Spanned<String>>,
}

/// A party.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartyDef {
    /// Its number on tags.
    pub id: u32,
    /// Its name.
    pub name: String,
    /// The numbers of the signing keys its readers hold; the first signs its checkpoints.
    #[serde(default)]
    pub keys: Vec<u32>,
}

/// A point of the GNSS route.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaypointDef {
    /// When (RFC 3339).
    pub at: Spanned<String>,
    /// Where: a place's short name.
    pub place: Spanned<String>,
}

/// A span of time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IntervalDef {
    /// From (RFC 3339).
    pub from: Spanned<String>,
    /// Until (RFC 3339); open when absent.
    pub until: Option<Spanned<String>>,
}

/// A number, or an expression in `n`, `i` and `count`.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum NumDef {
    /// A number.
    Int(i64),
    /// An expression.
    Expr(String),
}

/// A number with its position.
pub type Num = Spanned<NumDef>;

/// A group of tags made from one template.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupDef {
    /// The group's name: tag files are named `<group>-<n>`.
    pub group: String,
    /// How many tags.
    pub count: Spanned<i64>,
    /// Whether `--tags` sets this group's count.
    #[serde(default)]
    pub scalable: bool,
    /// The memory chip: `eeprom` (a 24LC256, 32 KiB) or `nor-flash` (4 KiB sectors).
    #[serde(default)]
    pub memory: Option<Spanned<String>>,
    /// NOR flash size in KiB: a multiple of 4 from 12, not 32 (default 64).
    #[serde(default)]
    pub memory_kib: Option<Spanned<i64>>,
    /// The tag identity: an EPC tag URI template.
    pub epc: Spanned<String>,
    /// What the tag is on: `box`, `transfer_case`, `casket`, `pallet`, `sample`,
    /// `personal_effects`.
    pub container: Spanned<String>,
    /// Numbers written on the container by others.
    #[serde(default)]
    pub labels: Vec<Spanned<LabelDef>>,
    /// Statements by third parties, attributed to them.
    #[serde(default)]
    pub claims: Vec<Spanned<ClaimDef>>,
    /// The party that issues the identity.
    pub issuer: Spanned<String>,
    /// Whether the tags have a GNSS receiver following the route (default: when there is one).
    #[serde(default)]
    pub gnss: Option<bool>,
}

/// A label: exactly one of the fields.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelDef {
    /// The handover box number.
    pub box_number: Option<Num>,
    /// The K208 number.
    pub k208: Option<Num>,
    /// A DVI post-mortem number.
    pub dvi: Option<Num>,
    /// A laboratory accession number.
    pub accession: Option<Num>,
}

/// A claim: who, and exactly one statement.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClaimDef {
    /// The party making the statement.
    pub by: Spanned<String>,
    /// The area the remains were recovered in: a place's short name.
    pub recovery_area: Option<Spanned<String>>,
    /// How many people the container holds.
    pub individual_count: Option<Num>,
    /// The year of recovery.
    pub recovery_year: Option<Num>,
}

/// What an action does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// A reader commissions the tag.
    Commission,
    /// A reader sets the button's custody step if needed; someone presses the button.
    Press,
    /// A reader appends a record it prepares.
    Record,
    /// The releasing and the receiving custodian sign a checkpoint.
    Handover,
    /// Custodians sign a checkpoint without a hand-over.
    Checkpoint,
    /// The power fails: during the next writes, or now.
    PowerCut,
    /// Bits flip in stored records.
    BitRot,
    /// An adversary rewrites the stored log.
    Tamper,
}

/// One entry of the timeline.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionDef {
    /// When (RFC 3339).
    pub at: Spanned<String>,
    /// What.
    #[serde(rename = "do")]
    pub kind: Kind,
    /// Which tags: `all` (the default), a group, numbers (`box 1-5,9`, `box every 4 from 2`).
    pub tags: Option<Spanned<String>>,
    /// The chance, 0 to 1, that the action happens on a tag (drawn per tag).
    pub chance: Option<Spanned<f64>>,
    /// How many times the action happens on each tag (an expression; `i` counts them).
    pub repeat: Option<Num>,
    /// The time between repetitions (a duration such as `1d`).
    pub every: Option<Spanned<String>>,
    /// Added to the time once per tag number after the first (`n - 1` times).
    pub stagger: Option<Spanned<String>>,
    /// A random time from zero to this is added, per tag.
    pub jitter: Option<Spanned<String>>,
    /// A name later actions use to refer to the record this one makes.
    pub id: Option<String>,
    /// The party holding the reader, or pressing the button.
    pub by: Option<Spanned<String>>,
    /// Where a reader's record says it was made: a place's short name.
    pub place: Option<Spanned<String>>,
    /// How the reader knows the time: `network` (the default), `manual`, `estimated`, `gnss`.
    pub time: Option<Spanned<String>>,
    /// A custody step.
    pub custody: Option<CustodyDef>,
    /// An inspection.
    pub inspect: Option<InspectDef>,
    /// A sample taken.
    pub sample: Option<SampleDef>,
    /// A link to an individual, an accession or another container.
    pub link: Option<LinkDef>,
    /// An identification result.
    pub identification: Option<IdentificationDef>,
    /// A correction of earlier records.
    pub correction: Option<CorrectionDef>,
    /// Packing into or out of a larger container.
    pub aggregate: Option<AggregateDef>,
    /// A hand-over's releasing party.
    pub releasing: Option<Spanned<String>>,
    /// A hand-over's receiving party.
    pub receiving: Option<Spanned<String>>,
    /// The parties signing a checkpoint as custodians.
    pub signers: Option<Vec<Spanned<String>>>,
    /// A power cut: after how many byte-steps of writing (an expression); now when absent.
    pub steps: Option<Num>,
    /// Bit rot: in how many records one bit flips (an expression; default 1).
    pub records: Option<Num>,
    /// Tampering: `alter`, `delete` or `swap`.
    pub how: Option<Spanned<String>>,
}

/// A custody step.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustodyDef {
    /// The CBV business step: `accepting`, `loading`, `arriving`, `receiving`...
    pub step: Spanned<String>,
    /// The CBV disposition: `in_progress`, `in_transit`...
    pub disposition: Spanned<String>,
    /// The party handing over.
    pub from: Spanned<String>,
    /// The party taking over.
    pub to: Spanned<String>,
    /// The seal number.
    pub seal: Option<Num>,
    /// The seal's state: `applied`, `intact`, `broken`, `missing`, `removed`.
    pub seal_state: Option<Spanned<String>>,
    /// The container's condition: `good` (the default), `damaged`, `wet`, `opened`,
    /// `not_observed`.
    pub condition: Option<Spanned<String>>,
}

/// An inspection.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InspectDef {
    /// `field_review`, `accession`, `routine` or `sensor`.
    pub kind: Spanned<String>,
    /// Bones counted.
    pub element_count: Option<Num>,
    /// The minimum number of individuals.
    pub minimum_individuals: Option<Num>,
    /// Whether the remains are human: `excluded`, `unlikely`, `undetermined`, `likely`,
    /// `confirmed`.
    pub human: Option<Spanned<String>>,
    /// Whether they are a US service member's, in the same words.
    pub us_service_member: Option<Spanned<String>>,
    /// Temperature in thousandths of a degree Celsius.
    pub temperature_mc: Option<Num>,
    /// Relative humidity in hundredths of a percent.
    pub humidity: Option<Num>,
    /// Peak shock in milli-g.
    pub shock: Option<Num>,
    /// Whether a photograph was taken (its hash is recorded).
    #[serde(default)]
    pub photo: bool,
}

/// A sample.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SampleDef {
    /// The sample's label number.
    pub label: Num,
    /// The bone element: `humerus`, `femur`, `tooth`...
    pub element: Spanned<String>,
    /// `left`, `right`, `midline` or `unsided`.
    pub side: Spanned<String>,
    /// `bone_cutting`, `tooth`, `whole_element` or `fragment`.
    pub kind: Spanned<String>,
    /// The laboratory it goes to.
    pub destination: Spanned<String>,
}

/// A link.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkDef {
    /// `individual`, `accession` or `container`.
    pub subject_kind: Spanned<String>,
    /// The subject's number.
    pub subject: Num,
    /// `contains_remains_of`, `part_of`, `commingled_with` or `excludes`.
    pub relation: Spanned<String>,
    /// The evidence: `mtdna`, `str`, `dental`, `chest_xray`, `isotope`, `anthropology`,
    /// `artifact`.
    pub basis: Vec<Spanned<String>>,
    /// Confidence in basis points, 0 to 10000.
    pub confidence: Num,
    /// The `id` of the link this one replaces.
    pub supersedes: Option<Spanned<String>>,
}

/// An identification.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IdentificationDef {
    /// The individual's case number.
    pub subject: Num,
    /// `presumptive`, `confirmed`, `group_identification`, `excluded`, `non_human`,
    /// `other_nation`.
    pub status: Spanned<String>,
    /// The methods, in the words of a link's basis.
    pub methods: Vec<Spanned<String>>,
    /// The authority that issued it.
    pub authority: Spanned<String>,
}

/// A correction.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionDef {
    /// The `id`s of the records declared wrong.
    pub corrects: Vec<Spanned<String>>,
    /// `did_not_occur`, `incorrect_data`, `link_disproved` or `wrong_container`.
    pub reason: Spanned<String>,
    /// The `id` of the record that states the right facts.
    pub replaced_by: Option<Spanned<String>>,
}

/// Packing into or out of a larger container.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AggregateDef {
    /// `add` or `delete`.
    pub action: Spanned<String>,
    /// The larger container's EPC tag URI (a template).
    pub parent: Spanned<String>,
}
