//! Laboratory work: inspections, samples, links to individuals and identifications.

use core::fmt;

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::model::bytes::{Digest, List};
use crate::model::epc::Epc;
use crate::model::ids::{PartyRef, Seq};
use crate::model::time::OutOfRange;

/// An inspection or a sensor reading: what was measured or seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Inspect {
    /// Why the inspection was made.
    pub kind: InspectKind,
    /// What was found.
    pub observations: List<Observation, 4>,
}

/// Why an inspection was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum InspectKind {
    /// A forensic review in the field, before transport.
    FieldReview,
    /// The laboratory's intake inspection.
    Accession,
    /// A check during storage or transport.
    Routine,
    /// An automatic sensor report.
    Sensor,
}

wire_order!(InspectKind: FieldReview, Accession, Routine, Sensor);

with_codes! {
    /// One finding of an inspection.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub enum Observation, codes ObservationCode {
        /// Temperature in thousandths of a degree Celsius.
        Temperature(i32),
        /// Relative humidity in tenths of a percent.
        Humidity(u16),
        /// Peak shock in thousandths of g.
        Shock(u32),
        /// Number of skeletal elements counted.
        ElementCount(u16),
        /// Minimum number of individuals the elements represent.
        MinimumIndividuals(u16),
        /// Whether the remains are human.
        Human(Likelihood),
        /// Whether the remains are those of a US service member.
        UsServiceMember(Likelihood),
        /// SHA-256 of a photograph kept elsewhere.
        Photo(Digest),
    }
}

/// How strongly a finding is held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Likelihood {
    /// Ruled out.
    Excluded,
    /// Unlikely.
    Unlikely,
    /// Cannot be told yet.
    Undetermined,
    /// Likely.
    Likely,
    /// Established.
    Confirmed,
}

wire_order!(Likelihood: Excluded, Unlikely, Undetermined, Likely, Confirmed);

/// Part of the remains taken as a sample, with its own tag or label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Sample {
    /// The sample's own identity.
    pub sample: SampleId,
    /// The skeletal element sampled.
    pub element: BoneElement,
    /// Its side.
    pub side: Side,
    /// What kind of sample it is.
    pub kind: SampleKind,
    /// The laboratory the sample goes to.
    pub destination: PartyRef,
}

with_codes! {
    /// How a sample is identified.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
    #[cfg_attr(feature = "defmt", derive(defmt::Format))]
    pub enum SampleId, codes SampleIdCode {
        /// The sample has a tag of its own.
        Tag(Epc),
        /// The sample carries a printed label with this number.
        Label(u32),
    }
}

/// Skeletal elements commonly sampled or counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(missing_docs)]
pub enum BoneElement {
    Cranium,
    Mandible,
    Tooth,
    Clavicle,
    Scapula,
    Humerus,
    Radius,
    Ulna,
    Rib,
    Vertebra,
    Pelvis,
    Femur,
    Tibia,
    Fibula,
    HandBone,
    FootBone,
    Unidentified,
}

wire_order!(
    BoneElement:
    Cranium,
    Mandible,
    Tooth,
    Clavicle,
    Scapula,
    Humerus,
    Radius,
    Ulna,
    Rib,
    Vertebra,
    Pelvis,
    Femur,
    Tibia,
    Fibula,
    HandBone,
    FootBone,
    Unidentified,
);

/// The side of a paired element.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Side {
    /// Left.
    Left,
    /// Right.
    Right,
    /// Unpaired (on the midline).
    Midline,
    /// Could not be sided.
    Unsided,
}

wire_order!(Side: Left, Right, Midline, Unsided);

/// What is taken as a sample.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SampleKind {
    /// A window cut from a bone, for DNA.
    BoneCutting,
    /// A whole tooth.
    Tooth,
    /// A whole element.
    WholeElement,
    /// A bone fragment, for isotope analysis.
    Fragment,
}

wire_order!(SampleKind: BoneCutting, Tooth, WholeElement, Fragment);

/// A link between the remains in this container and an individual or an accession.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Link {
    /// The individual, accession or other case linked to: a reference, never a name.
    pub subject: Reference,
    /// How the remains relate to it.
    pub relation: Relation,
    /// The evidence the link rests on.
    pub basis: Evidence,
    /// How confident the analyst is.
    pub confidence: Confidence,
    /// The earlier link this one replaces, if any.
    pub supersedes: Option<Seq>,
}

/// A reference to a case file kept outside the tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Reference {
    /// What the number refers to.
    pub kind: ReferenceKind,
    /// The number in the laboratory's register.
    pub number: u32,
}

/// What a [`Reference`] points to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ReferenceKind {
    /// An individual (a case number of one person, not a name).
    Individual,
    /// A laboratory accession.
    Accession,
    /// Another container's remains.
    Container,
}

wire_order!(ReferenceKind: Individual, Accession, Container);

/// How remains relate to the referenced subject.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Relation {
    /// Some of the remains belong to the individual.
    ContainsRemainsOf,
    /// The remains belong to the accession.
    PartOf,
    /// The remains are commingled with those of the referenced container.
    CommingledWith,
    /// The remains are shown not to belong to the subject.
    Excludes,
}

wire_order!(Relation: ContainsRemainsOf, PartOf, CommingledWith, Excludes);

/// The kinds of evidence behind a link or an identification, as a set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(try_from = "u8", into = "u8")]
pub struct Evidence(u8);

impl Evidence {
    /// Mitochondrial DNA.
    pub const MTDNA: Evidence = Evidence(1 << 0);
    /// Nuclear STR profiles (autosomal or Y).
    pub const STR: Evidence = Evidence(1 << 1);
    /// Dental comparison.
    pub const DENTAL: Evidence = Evidence(1 << 2);
    /// Chest X-ray comparison.
    pub const CHEST_XRAY: Evidence = Evidence(1 << 3);
    /// Stable-isotope analysis.
    pub const ISOTOPE: Evidence = Evidence(1 << 4);
    /// Anthropological analysis.
    pub const ANTHROPOLOGY: Evidence = Evidence(1 << 5);
    /// An artifact, such as an identification tag.
    pub const ARTIFACT: Evidence = Evidence(1 << 6);
    const KNOWN: u8 = 0x7f;
    /// Every kind with its name, in bit order.
    pub const NAMES: [(Evidence, &'static str); 7] = [
        (Self::MTDNA, "mtDNA"),
        (Self::STR, "STR"),
        (Self::DENTAL, "dental"),
        (Self::CHEST_XRAY, "chest X-ray"),
        (Self::ISOTOPE, "isotope"),
        (Self::ANTHROPOLOGY, "anthropology"),
        (Self::ARTIFACT, "artifact"),
    ];

    /// The union of two sets.
    pub const fn with(self, other: Evidence) -> Evidence {
        Evidence(self.0 | other.0)
    }

    /// Whether every kind in `other` is in this set.
    pub const fn contains(self, other: Evidence) -> bool {
        self.0 & other.0 == other.0
    }

    /// The set as bits, bit 0 for mtDNA.
    pub const fn bits(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Evidence {
    type Error = OutOfRange;
    fn try_from(bits: u8) -> Result<Self, OutOfRange> {
        if bits & !Self::KNOWN == 0 {
            Ok(Evidence(bits))
        } else {
            Err(OutOfRange::EvidenceSet)
        }
    }
}

impl From<Evidence> for u8 {
    fn from(e: Evidence) -> u8 {
        e.0
    }
}

impl MaxSize for Evidence {
    const POSTCARD_MAX_SIZE: usize = 1;
}

/// Confidence in basis points: 0 to 10,000 (100.00 %).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(try_from = "u16", into = "u16")]
pub struct Confidence(u16);

impl Confidence {
    /// Certainty: 100.00 %.
    pub const MAX: Confidence = Confidence(10_000);

    /// The confidence of `basis_points` / 10,000, if at most 10,000.
    pub const fn from_basis_points(basis_points: u16) -> Option<Self> {
        if basis_points <= 10_000 {
            Some(Confidence(basis_points))
        } else {
            None
        }
    }

    /// The confidence in basis points.
    pub const fn basis_points(self) -> u16 {
        self.0
    }
}

impl TryFrom<u16> for Confidence {
    type Error = OutOfRange;
    fn try_from(bp: u16) -> Result<Self, OutOfRange> {
        Self::from_basis_points(bp).ok_or(OutOfRange::Confidence)
    }
}

impl From<Confidence> for u16 {
    fn from(c: Confidence) -> u16 {
        c.0
    }
}

impl MaxSize for Confidence {
    const POSTCARD_MAX_SIZE: usize = u16::POSTCARD_MAX_SIZE;
}

/// Formats as a percentage, `99.50%`.
impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}%", self.0 / 100, self.0 % 100)
    }
}

/// The result of identification work on the remains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Identification {
    /// The individual concerned: a reference, never a name.
    pub subject: Reference,
    /// The outcome.
    pub status: IdentificationStatus,
    /// The methods used.
    pub methods: Evidence,
    /// SHA-256 of the signed report kept by the authority.
    pub report: Digest,
    /// The authority that issued the result.
    pub authority: PartyRef,
}

/// The outcome of identification work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum IdentificationStatus {
    /// Presumptive: awaiting confirmation.
    Presumptive,
    /// Confirmed individual identification.
    Confirmed,
    /// Identified as one of a group that cannot be told apart.
    GroupIdentification,
    /// The subject is excluded.
    Excluded,
    /// The remains are not human.
    NonHuman,
    /// The remains are of another nation's service member; to be repatriated there.
    OtherNation,
}

wire_order!(
    IdentificationStatus:
    Presumptive,
    Confirmed,
    GroupIdentification,
    Excluded,
    NonHuman,
    OtherNation,
);
