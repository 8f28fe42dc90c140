//! The CBOR comparison mirror: `minicbor` derives with integer indices and array encoding.
//!
//! A record is one CBOR array, `[seq, time, time_quality, tz, actor, location, body]`; the body
//! is a flat enum, `[type, field, field, ...]`, with the remtag record-type code as its index.
//! Sum types are `#[cbor(flat)]` enums, fixed byte strings are CBOR byte strings, and the closed
//! vocabularies are their variant index (the encoding of an `index_only` enum).

use minicbor::bytes::{ByteArray, ByteVec};
use minicbor::{Decode, Encode};
use remtag::model as m;

use super::{split_seal, split_time};

/// A whole record: header fields, then the body.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(array)]
pub struct Record {
    /// Sequence number.
    #[n(0)]
    pub seq: u32,
    /// Seconds since 2000-01-01 UTC, absent when the clock was not set.
    #[n(1)]
    pub time: Option<u32>,
    /// Time quality, the index of [`m::TimeQuality`] (0 when there is no time).
    #[n(2)]
    pub time_quality: u8,
    /// Time-zone offset in quarter hours.
    #[n(3)]
    pub tz: i8,
    /// The actor's party reference.
    #[n(4)]
    pub actor: u32,
    /// Where the record was made.
    #[n(5)]
    pub location: Location,
    /// What the record says.
    #[n(6)]
    pub body: Body,
}

/// [`m::Location`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum Location {
    /// Not known.
    #[n(0)]
    Unknown,
    /// A place reference.
    #[n(1)]
    Place(#[n(0)] u32),
    /// Latitude and longitude in microdegrees.
    #[n(2)]
    Geo(#[n(0)] i32, #[n(1)] i32),
}

/// [`m::Body`], one variant per record type, indexed by the record-type code.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum Body {
    /// [`m::Commission`].
    #[n(1)]
    Commission {
        /// The 96-bit EPC.
        #[n(0)]
        epc: ByteArray<12>,
        /// The chip UID.
        #[n(1)]
        chip_uid: ByteVec,
        /// [`m::ContainerKind`] index.
        #[n(2)]
        container: u8,
        /// External labels.
        #[n(3)]
        labels: Vec<Label>,
        /// Issuer party reference.
        #[n(4)]
        issuer: u32,
        /// Third-party claims.
        #[n(5)]
        claims: Vec<Claim>,
    },
    /// [`m::Custody`], the seal flattened into two fields.
    #[n(2)]
    Custody {
        /// [`m::BizStep`] index.
        #[n(0)]
        step: u8,
        /// [`m::Disposition`] index.
        #[n(1)]
        disposition: u8,
        /// Releasing party.
        #[n(2)]
        from: u32,
        /// Receiving party.
        #[n(3)]
        to: u32,
        /// Seal number, absent when there is no seal.
        #[n(4)]
        seal_number: Option<u32>,
        /// [`m::SealState`] index (0 when there is no seal).
        #[n(5)]
        seal_state: u8,
        /// [`m::Condition`] index.
        #[n(6)]
        condition: u8,
    },
    /// [`m::Aggregate`].
    #[n(3)]
    Aggregate {
        /// [`m::AggregateAction`] index.
        #[n(0)]
        action: u8,
        /// The parent's EPC.
        #[n(1)]
        parent: ByteArray<12>,
    },
    /// [`m::Sample`].
    #[n(4)]
    Sample {
        /// The sample's identity.
        #[n(0)]
        sample: SampleId,
        /// [`m::BoneElement`] index.
        #[n(1)]
        element: u8,
        /// [`m::Side`] index.
        #[n(2)]
        side: u8,
        /// [`m::SampleKind`] index.
        #[n(3)]
        kind: u8,
        /// Destination laboratory.
        #[n(4)]
        destination: u32,
    },
    /// [`m::Link`], the subject reference flattened into two fields.
    #[n(5)]
    Link {
        /// [`m::ReferenceKind`] index.
        #[n(0)]
        subject_kind: u8,
        /// Register number.
        #[n(1)]
        subject_number: u32,
        /// [`m::Relation`] index.
        #[n(2)]
        relation: u8,
        /// [`m::Evidence`] bits.
        #[n(3)]
        basis: u8,
        /// Confidence in basis points.
        #[n(4)]
        confidence: u16,
        /// The link this one replaces.
        #[n(5)]
        supersedes: Option<u32>,
    },
    /// [`m::Inspect`].
    #[n(6)]
    Inspect {
        /// [`m::InspectKind`] index.
        #[n(0)]
        kind: u8,
        /// Findings.
        #[n(1)]
        observations: Vec<Observation>,
    },
    /// [`m::Identification`], the subject reference flattened into two fields.
    #[n(7)]
    Identification {
        /// [`m::ReferenceKind`] index.
        #[n(0)]
        subject_kind: u8,
        /// Register number.
        #[n(1)]
        subject_number: u32,
        /// [`m::IdentificationStatus`] index.
        #[n(2)]
        status: u8,
        /// [`m::Evidence`] bits.
        #[n(3)]
        methods: u8,
        /// SHA-256 of the report.
        #[n(4)]
        report: ByteArray<32>,
        /// Issuing authority.
        #[n(5)]
        authority: u32,
    },
    /// [`m::Correction`].
    #[n(8)]
    Correction {
        /// The records declared wrong.
        #[n(0)]
        corrects: Vec<u32>,
        /// [`m::CorrectionReason`] index.
        #[n(1)]
        reason: u8,
        /// The replacing record.
        #[n(2)]
        replaced_by: Option<u32>,
    },
    /// [`m::Checkpoint`].
    #[n(9)]
    Checkpoint {
        /// Records covered.
        #[n(0)]
        count: u32,
        /// Chain head.
        #[n(1)]
        head: ByteArray<32>,
        /// Custodians' signatures.
        #[n(2)]
        signatures: Vec<Signature>,
    },
}

/// [`m::Label`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum Label {
    /// Box number.
    #[n(0)]
    BoxNumber(#[n(0)] u32),
    /// K208 number.
    #[n(1)]
    K208(#[n(0)] u32),
    /// DVI post-mortem number.
    #[n(2)]
    DviPostMortem(#[n(0)] u32),
    /// Accession number.
    #[n(3)]
    Accession(#[n(0)] u32),
}

/// [`m::Claim`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(array)]
pub struct Claim {
    /// Who stated it.
    #[n(0)]
    pub by: u32,
    /// What they stated.
    #[n(1)]
    pub statement: Statement,
}

/// [`m::Statement`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum Statement {
    /// Recovery area place reference.
    #[n(0)]
    RecoveryArea(#[n(0)] u32),
    /// Number of individuals.
    #[n(1)]
    IndividualCount(#[n(0)] u16),
    /// Year of recovery.
    #[n(2)]
    RecoveryYear(#[n(0)] u16),
}

/// [`m::SampleId`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum SampleId {
    /// The sample's own EPC.
    #[n(0)]
    Tag(#[n(0)] ByteArray<12>),
    /// A printed label number.
    #[n(1)]
    Label(#[n(0)] u32),
}

/// [`m::Observation`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(flat)]
pub enum Observation {
    /// Millidegrees Celsius.
    #[n(0)]
    Temperature(#[n(0)] i32),
    /// Tenths of a percent.
    #[n(1)]
    Humidity(#[n(0)] u16),
    /// Thousandths of g.
    #[n(2)]
    Shock(#[n(0)] u32),
    /// Skeletal elements counted.
    #[n(3)]
    ElementCount(#[n(0)] u16),
    /// Minimum number of individuals.
    #[n(4)]
    MinimumIndividuals(#[n(0)] u16),
    /// [`m::Likelihood`] index.
    #[n(5)]
    Human(#[n(0)] u8),
    /// [`m::Likelihood`] index.
    #[n(6)]
    UsServiceMember(#[n(0)] u8),
    /// SHA-256 of a photograph.
    #[n(7)]
    Photo(#[n(0)] ByteArray<32>),
}

/// [`m::Signature`].
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
#[cbor(array)]
pub struct Signature {
    /// Key reference.
    #[n(0)]
    pub key: u32,
    /// [`m::SignerRole`] index.
    #[n(1)]
    pub role: u8,
    /// Ed25519 signature.
    #[n(2)]
    pub signature: ByteArray<64>,
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
            time_quality,
            tz: tz.quarter_hours(),
            actor: actor.0,
            location: match location {
                m::Location::Unknown => Location::Unknown,
                m::Location::Place(place) => Location::Place(place.0),
                m::Location::Geo(p) => Location::Geo(p.lat_microdeg(), p.lon_microdeg()),
            },
            body: Body::from(&record.body),
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
            }) => Body::Commission {
                epc: ByteArray::from(epc.to_bytes()),
                chip_uid: ByteVec::from(chip_uid.to_vec()),
                container: *container as u8,
                labels: labels.iter().map(Label::from).collect(),
                issuer: issuer.0,
                claims: claims.iter().map(Claim::from).collect(),
            },
            m::Body::Custody(m::Custody {
                step,
                disposition,
                from,
                to,
                seal,
                condition,
            }) => {
                let (seal_number, seal_state) = split_seal(*seal);
                Body::Custody {
                    step: *step as u8,
                    disposition: *disposition as u8,
                    from: from.0,
                    to: to.0,
                    seal_number,
                    seal_state,
                    condition: *condition as u8,
                }
            }
            m::Body::Aggregate(m::Aggregate { action, parent }) => Body::Aggregate {
                action: *action as u8,
                parent: ByteArray::from(parent.to_bytes()),
            },
            m::Body::Sample(m::Sample {
                sample,
                element,
                side,
                kind,
                destination,
            }) => Body::Sample {
                sample: match sample {
                    m::SampleId::Tag(epc) => SampleId::Tag(ByteArray::from(epc.to_bytes())),
                    m::SampleId::Label(n) => SampleId::Label(*n),
                },
                element: *element as u8,
                side: *side as u8,
                kind: *kind as u8,
                destination: destination.0,
            },
            m::Body::Link(m::Link {
                subject: m::Reference { kind, number },
                relation,
                basis,
                confidence,
                supersedes,
            }) => Body::Link {
                subject_kind: *kind as u8,
                subject_number: *number,
                relation: *relation as u8,
                basis: basis.bits(),
                confidence: confidence.basis_points(),
                supersedes: supersedes.map(|s| s.0),
            },
            m::Body::Inspect(m::Inspect { kind, observations }) => Body::Inspect {
                kind: *kind as u8,
                observations: observations.iter().map(Observation::from).collect(),
            },
            m::Body::Identification(m::Identification {
                subject: m::Reference { kind, number },
                status,
                methods,
                report,
                authority,
            }) => Body::Identification {
                subject_kind: *kind as u8,
                subject_number: *number,
                status: *status as u8,
                methods: methods.bits(),
                report: ByteArray::from(*report.as_array()),
                authority: authority.0,
            },
            m::Body::Correction(m::Correction {
                corrects,
                reason,
                replaced_by,
            }) => Body::Correction {
                corrects: corrects.iter().map(|s| s.0).collect(),
                reason: *reason as u8,
                replaced_by: replaced_by.map(|s| s.0),
            },
            m::Body::Checkpoint(m::Checkpoint {
                count,
                head,
                signatures,
            }) => Body::Checkpoint {
                count: *count,
                head: ByteArray::from(*head.as_array()),
                signatures: signatures.iter().map(Signature::from).collect(),
            },
        }
    }
}

impl From<&m::Label> for Label {
    fn from(label: &m::Label) -> Self {
        match *label {
            m::Label::BoxNumber(n) => Label::BoxNumber(n),
            m::Label::K208(n) => Label::K208(n),
            m::Label::DviPostMortem(n) => Label::DviPostMortem(n),
            m::Label::Accession(n) => Label::Accession(n),
        }
    }
}

impl From<&m::Claim> for Claim {
    fn from(&m::Claim { by, statement }: &m::Claim) -> Self {
        Claim {
            by: by.0,
            statement: match statement {
                m::Statement::RecoveryArea(place) => Statement::RecoveryArea(place.0),
                m::Statement::IndividualCount(n) => Statement::IndividualCount(n),
                m::Statement::RecoveryYear(y) => Statement::RecoveryYear(y),
            },
        }
    }
}

impl From<&m::Observation> for Observation {
    fn from(observation: &m::Observation) -> Self {
        match *observation {
            m::Observation::Temperature(t) => Observation::Temperature(t),
            m::Observation::Humidity(h) => Observation::Humidity(h),
            m::Observation::Shock(s) => Observation::Shock(s),
            m::Observation::ElementCount(n) => Observation::ElementCount(n),
            m::Observation::MinimumIndividuals(n) => Observation::MinimumIndividuals(n),
            m::Observation::Human(l) => Observation::Human(l as u8),
            m::Observation::UsServiceMember(l) => Observation::UsServiceMember(l as u8),
            m::Observation::Photo(d) => Observation::Photo(ByteArray::from(*d.as_array())),
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
            role: role as u8,
            signature: ByteArray::from(*signature.as_array()),
        }
    }
}
