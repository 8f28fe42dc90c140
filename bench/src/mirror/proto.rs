//! The protobuf comparison mirror: messages written by hand with `prost`'s derives.
//!
//! Proto3 rules apply: a scalar at its default (0) is not written at all, which favours
//! protobuf, since the first variant of every vocabulary and the first sequence number cost
//! nothing. Unsigned values are varints, signed ones zigzag varints (`sint32`), the time is a
//! `fixed32` (four bytes; a varint would take five for any time after 2008), and byte strings
//! are `bytes`. Where the model has an optional value, the mirror uses explicit presence
//! (`optional`) so that `None` and `Some(0)` stay distinct.

use remtag::model as m;

use super::{split_seal, split_time};

/// A whole record: header fields, then the body as a `oneof`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Record {
    /// Sequence number.
    #[prost(uint32, tag = "1")]
    pub seq: u32,
    /// Seconds since 2000-01-01 UTC, absent when the clock was not set.
    #[prost(fixed32, optional, tag = "2")]
    pub time: Option<u32>,
    /// Time quality, the index of [`m::TimeQuality`].
    #[prost(uint32, tag = "3")]
    pub time_quality: u32,
    /// Time-zone offset in quarter hours.
    #[prost(sint32, tag = "4")]
    pub tz: i32,
    /// The actor's party reference.
    #[prost(uint32, tag = "5")]
    pub actor: u32,
    /// Where the record was made; absent when unknown.
    #[prost(oneof = "Location", tags = "6, 7")]
    pub location: Option<Location>,
    /// What the record says.
    #[prost(oneof = "Body", tags = "11, 12, 13, 14, 15, 16, 17, 18, 19")]
    pub body: Option<Body>,
}

/// [`m::Location`], except `Unknown`, which is an absent `oneof`.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Location {
    /// A place reference.
    #[prost(uint32, tag = "6")]
    Place(u32),
    /// A measured position.
    #[prost(message, tag = "7")]
    Geo(GeoPoint),
}

/// [`m::GeoPoint`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct GeoPoint {
    /// Latitude in microdegrees.
    #[prost(sint32, tag = "1")]
    pub lat: i32,
    /// Longitude in microdegrees.
    #[prost(sint32, tag = "2")]
    pub lon: i32,
}

/// [`m::Body`], one field per record type, numbered 10 + the record-type code.
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Body {
    /// [`m::Commission`].
    #[prost(message, tag = "11")]
    Commission(Commission),
    /// [`m::Custody`].
    #[prost(message, tag = "12")]
    Custody(Custody),
    /// [`m::Aggregate`].
    #[prost(message, tag = "13")]
    Aggregate(Aggregate),
    /// [`m::Sample`].
    #[prost(message, tag = "14")]
    Sample(Sample),
    /// [`m::Link`].
    #[prost(message, tag = "15")]
    Link(Link),
    /// [`m::Inspect`].
    #[prost(message, tag = "16")]
    Inspect(Inspect),
    /// [`m::Identification`].
    #[prost(message, tag = "17")]
    Identification(Identification),
    /// [`m::Correction`].
    #[prost(message, tag = "18")]
    Correction(Correction),
    /// [`m::Checkpoint`].
    #[prost(message, tag = "19")]
    Checkpoint(Checkpoint),
}

/// [`m::Commission`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Commission {
    /// The 96-bit EPC.
    #[prost(bytes = "vec", tag = "1")]
    pub epc: Vec<u8>,
    /// The chip UID.
    #[prost(bytes = "vec", tag = "2")]
    pub chip_uid: Vec<u8>,
    /// [`m::ContainerKind`] index.
    #[prost(uint32, tag = "3")]
    pub container: u32,
    /// External labels.
    #[prost(message, repeated, tag = "4")]
    pub labels: Vec<Label>,
    /// Issuer party reference.
    #[prost(uint32, tag = "5")]
    pub issuer: u32,
    /// Third-party claims.
    #[prost(message, repeated, tag = "6")]
    pub claims: Vec<Claim>,
}

/// [`m::Label`]: a message holding one `oneof`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Label {
    /// Which number it is.
    #[prost(oneof = "LabelKind", tags = "1, 2, 3, 4")]
    pub kind: Option<LabelKind>,
}

/// The variants of [`m::Label`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum LabelKind {
    /// Box number.
    #[prost(uint32, tag = "1")]
    BoxNumber(u32),
    /// K208 number.
    #[prost(uint32, tag = "2")]
    K208(u32),
    /// DVI post-mortem number.
    #[prost(uint32, tag = "3")]
    DviPostMortem(u32),
    /// Accession number.
    #[prost(uint32, tag = "4")]
    Accession(u32),
}

/// [`m::Claim`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Claim {
    /// Who stated it.
    #[prost(uint32, tag = "1")]
    pub by: u32,
    /// What they stated.
    #[prost(oneof = "Statement", tags = "2, 3, 4")]
    pub statement: Option<Statement>,
}

/// [`m::Statement`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Statement {
    /// Recovery area place reference.
    #[prost(uint32, tag = "2")]
    RecoveryArea(u32),
    /// Number of individuals.
    #[prost(uint32, tag = "3")]
    IndividualCount(u32),
    /// Year of recovery.
    #[prost(uint32, tag = "4")]
    RecoveryYear(u32),
}

/// [`m::Custody`], the seal flattened into two fields.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Custody {
    /// [`m::BizStep`] index.
    #[prost(uint32, tag = "1")]
    pub step: u32,
    /// [`m::Disposition`] index.
    #[prost(uint32, tag = "2")]
    pub disposition: u32,
    /// Releasing party.
    #[prost(uint32, tag = "3")]
    pub from: u32,
    /// Receiving party.
    #[prost(uint32, tag = "4")]
    pub to: u32,
    /// Seal number, absent when there is no seal.
    #[prost(uint32, optional, tag = "5")]
    pub seal_number: Option<u32>,
    /// [`m::SealState`] index.
    #[prost(uint32, tag = "6")]
    pub seal_state: u32,
    /// [`m::Condition`] index.
    #[prost(uint32, tag = "7")]
    pub condition: u32,
}

/// [`m::Aggregate`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Aggregate {
    /// [`m::AggregateAction`] index.
    #[prost(uint32, tag = "1")]
    pub action: u32,
    /// The parent's EPC.
    #[prost(bytes = "vec", tag = "2")]
    pub parent: Vec<u8>,
}

/// [`m::Sample`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Sample {
    /// The sample's identity.
    #[prost(oneof = "SampleId", tags = "1, 2")]
    pub sample: Option<SampleId>,
    /// [`m::BoneElement`] index.
    #[prost(uint32, tag = "3")]
    pub element: u32,
    /// [`m::Side`] index.
    #[prost(uint32, tag = "4")]
    pub side: u32,
    /// [`m::SampleKind`] index.
    #[prost(uint32, tag = "5")]
    pub kind: u32,
    /// Destination laboratory.
    #[prost(uint32, tag = "6")]
    pub destination: u32,
}

/// [`m::SampleId`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum SampleId {
    /// The sample's own EPC.
    #[prost(bytes, tag = "1")]
    Tag(Vec<u8>),
    /// A printed label number.
    #[prost(uint32, tag = "2")]
    Label(u32),
}

/// [`m::Link`], the subject reference flattened into two fields.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Link {
    /// [`m::ReferenceKind`] index.
    #[prost(uint32, tag = "1")]
    pub subject_kind: u32,
    /// Register number.
    #[prost(uint32, tag = "2")]
    pub subject_number: u32,
    /// [`m::Relation`] index.
    #[prost(uint32, tag = "3")]
    pub relation: u32,
    /// [`m::Evidence`] bits.
    #[prost(uint32, tag = "4")]
    pub basis: u32,
    /// Confidence in basis points.
    #[prost(uint32, tag = "5")]
    pub confidence: u32,
    /// The link this one replaces.
    #[prost(uint32, optional, tag = "6")]
    pub supersedes: Option<u32>,
}

/// [`m::Inspect`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Inspect {
    /// [`m::InspectKind`] index.
    #[prost(uint32, tag = "1")]
    pub kind: u32,
    /// Findings.
    #[prost(message, repeated, tag = "2")]
    pub observations: Vec<Observation>,
}

/// [`m::Observation`]: a message holding one `oneof`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Observation {
    /// What was found.
    #[prost(oneof = "Finding", tags = "1, 2, 3, 4, 5, 6, 7, 8")]
    pub finding: Option<Finding>,
}

/// The variants of [`m::Observation`].
#[derive(Clone, PartialEq, prost::Oneof)]
pub enum Finding {
    /// Millidegrees Celsius.
    #[prost(sint32, tag = "1")]
    Temperature(i32),
    /// Tenths of a percent.
    #[prost(uint32, tag = "2")]
    Humidity(u32),
    /// Thousandths of g.
    #[prost(uint32, tag = "3")]
    Shock(u32),
    /// Skeletal elements counted.
    #[prost(uint32, tag = "4")]
    ElementCount(u32),
    /// Minimum number of individuals.
    #[prost(uint32, tag = "5")]
    MinimumIndividuals(u32),
    /// [`m::Likelihood`] index.
    #[prost(uint32, tag = "6")]
    Human(u32),
    /// [`m::Likelihood`] index.
    #[prost(uint32, tag = "7")]
    UsServiceMember(u32),
    /// SHA-256 of a photograph.
    #[prost(bytes, tag = "8")]
    Photo(Vec<u8>),
}

/// [`m::Identification`], the subject reference flattened into two fields.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Identification {
    /// [`m::ReferenceKind`] index.
    #[prost(uint32, tag = "1")]
    pub subject_kind: u32,
    /// Register number.
    #[prost(uint32, tag = "2")]
    pub subject_number: u32,
    /// [`m::IdentificationStatus`] index.
    #[prost(uint32, tag = "3")]
    pub status: u32,
    /// [`m::Evidence`] bits.
    #[prost(uint32, tag = "4")]
    pub methods: u32,
    /// SHA-256 of the report.
    #[prost(bytes = "vec", tag = "5")]
    pub report: Vec<u8>,
    /// Issuing authority.
    #[prost(uint32, tag = "6")]
    pub authority: u32,
}

/// [`m::Correction`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Correction {
    /// The records declared wrong (a packed repeated field).
    #[prost(uint32, repeated, tag = "1")]
    pub corrects: Vec<u32>,
    /// [`m::CorrectionReason`] index.
    #[prost(uint32, tag = "2")]
    pub reason: u32,
    /// The replacing record.
    #[prost(uint32, optional, tag = "3")]
    pub replaced_by: Option<u32>,
}

/// [`m::Checkpoint`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Checkpoint {
    /// Records covered.
    #[prost(uint32, tag = "1")]
    pub count: u32,
    /// Chain head.
    #[prost(bytes = "vec", tag = "2")]
    pub head: Vec<u8>,
    /// Custodians' signatures.
    #[prost(message, repeated, tag = "3")]
    pub signatures: Vec<Signature>,
}

/// [`m::Signature`].
#[derive(Clone, PartialEq, prost::Message)]
pub struct Signature {
    /// Key reference.
    #[prost(uint32, tag = "1")]
    pub key: u32,
    /// [`m::SignerRole`] index.
    #[prost(uint32, tag = "2")]
    pub role: u32,
    /// Ed25519 signature.
    #[prost(bytes = "vec", tag = "3")]
    pub signature: Vec<u8>,
}

impl From<&m::Record> for Record {
    fn from(record: &m::Record) -> Self {
        let m::Header {
            seq,
            time,
            tz,
            actor,
            location,
        } = record.header;
        let (time, time_quality) = split_time(time);
        Record {
            seq: seq.0,
            time,
            time_quality: time_quality.into(),
            tz: tz.quarter_hours().into(),
            actor: actor.0,
            location: match location {
                m::Location::Unknown => None,
                m::Location::Place(place) => Some(Location::Place(place.0)),
                m::Location::Geo(p) => Some(Location::Geo(GeoPoint {
                    lat: p.lat_microdeg(),
                    lon: p.lon_microdeg(),
                })),
            },
            body: Some(Body::from(&record.body)),
        }
    }
}

impl From<&m::Body> for Body {
    fn from(body: &m::Body) -> Self {
        match body {
            m::Body::Commission(m::Commission {
                epc,
                chip_uid,
                container,
                labels,
                issuer,
                claims,
            }) => Body::Commission(Commission {
                epc: epc.to_bytes().to_vec(),
                chip_uid: chip_uid.to_vec(),
                container: *container as u32,
                labels: labels.iter().map(Label::from).collect(),
                issuer: issuer.0,
                claims: claims.iter().map(Claim::from).collect(),
            }),
            m::Body::Custody(m::Custody {
                step,
                disposition,
                from,
                to,
                seal,
                condition,
            }) => {
                let (seal_number, seal_state) = split_seal(*seal);
                Body::Custody(Custody {
                    step: *step as u32,
                    disposition: *disposition as u32,
                    from: from.0,
                    to: to.0,
                    seal_number,
                    seal_state: seal_state.into(),
                    condition: *condition as u32,
                })
            }
            m::Body::Aggregate(m::Aggregate { action, parent }) => Body::Aggregate(Aggregate {
                action: *action as u32,
                parent: parent.to_bytes().to_vec(),
            }),
            m::Body::Sample(m::Sample {
                sample,
                element,
                side,
                kind,
                destination,
            }) => Body::Sample(Sample {
                sample: Some(match sample {
                    m::SampleId::Tag(epc) => SampleId::Tag(epc.to_bytes().to_vec()),
                    m::SampleId::Label(n) => SampleId::Label(*n),
                }),
                element: *element as u32,
                side: *side as u32,
                kind: *kind as u32,
                destination: destination.0,
            }),
            m::Body::Link(m::Link {
                subject: m::Reference { kind, number },
                relation,
                basis,
                confidence,
                supersedes,
            }) => Body::Link(Link {
                subject_kind: *kind as u32,
                subject_number: *number,
                relation: *relation as u32,
                basis: basis.bits().into(),
                confidence: confidence.basis_points().into(),
                supersedes: supersedes.map(|s| s.0),
            }),
            m::Body::Inspect(m::Inspect { kind, observations }) => Body::Inspect(Inspect {
                kind: *kind as u32,
                observations: observations.iter().map(Observation::from).collect(),
            }),
            m::Body::Identification(m::Identification {
                subject: m::Reference { kind, number },
                status,
                methods,
                report,
                authority,
            }) => Body::Identification(Identification {
                subject_kind: *kind as u32,
                subject_number: *number,
                status: *status as u32,
                methods: methods.bits().into(),
                report: report.as_array().to_vec(),
                authority: authority.0,
            }),
            m::Body::Correction(m::Correction {
                corrects,
                reason,
                replaced_by,
            }) => Body::Correction(Correction {
                corrects: corrects.iter().map(|s| s.0).collect(),
                reason: *reason as u32,
                replaced_by: replaced_by.map(|s| s.0),
            }),
            m::Body::Checkpoint(m::Checkpoint {
                count,
                head,
                signatures,
            }) => Body::Checkpoint(Checkpoint {
                count: *count,
                head: head.as_array().to_vec(),
                signatures: signatures.iter().map(Signature::from).collect(),
            }),
        }
    }
}

impl From<&m::Label> for Label {
    fn from(label: &m::Label) -> Self {
        let kind = match *label {
            m::Label::BoxNumber(n) => LabelKind::BoxNumber(n),
            m::Label::K208(n) => LabelKind::K208(n),
            m::Label::DviPostMortem(n) => LabelKind::DviPostMortem(n),
            m::Label::Accession(n) => LabelKind::Accession(n),
        };
        Label { kind: Some(kind) }
    }
}

impl From<&m::Claim> for Claim {
    fn from(&m::Claim { by, statement }: &m::Claim) -> Self {
        Claim {
            by: by.0,
            statement: Some(match statement {
                m::Statement::RecoveryArea(place) => Statement::RecoveryArea(place.0),
                m::Statement::IndividualCount(n) => Statement::IndividualCount(n.into()),
                m::Statement::RecoveryYear(y) => Statement::RecoveryYear(y.into()),
            }),
        }
    }
}

impl From<&m::Observation> for Observation {
    fn from(observation: &m::Observation) -> Self {
        let finding = match *observation {
            m::Observation::Temperature(t) => Finding::Temperature(t),
            m::Observation::Humidity(h) => Finding::Humidity(h.into()),
            m::Observation::Shock(s) => Finding::Shock(s),
            m::Observation::ElementCount(n) => Finding::ElementCount(n.into()),
            m::Observation::MinimumIndividuals(n) => Finding::MinimumIndividuals(n.into()),
            m::Observation::Human(l) => Finding::Human(l as u32),
            m::Observation::UsServiceMember(l) => Finding::UsServiceMember(l as u32),
            m::Observation::Photo(d) => Finding::Photo(d.as_array().to_vec()),
        };
        Observation {
            finding: Some(finding),
        }
    }
}

impl From<&m::Signature> for Signature {
    fn from(
        &m::Signature {
            key,
            role,
            signature,
        }: &m::Signature,
    ) -> Self {
        Signature {
            key: key.0,
            role: role as u32,
            signature: signature.as_array().to_vec(),
        }
    }
}
