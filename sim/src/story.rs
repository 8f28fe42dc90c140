//! The 2018 return of 55 boxes from North Korea, as the log of one box.
//!
//! Times are UTC; the handover at Kalma, the flight to Osan, the field review, the ceremony and
//! the flight to Hickam follow the public record of July and August 2018. Laboratory work after
//! accession is illustrative: identifications arrive one by one, over years, and get revised.

use chrono::{NaiveDate, TimeZone, Utc};
use remtag::codec::EncodeError;
use remtag::model::*;

use crate::directory::{Directory, Party, Place};
use crate::keys::demo_keypair;
use crate::logbuilder::{LogBuilder, Signer};

/// The US Army mortuary affairs team that takes the boxes over at Kalma.
pub const MORTUARY_AFFAIRS: PartyRef = PartyRef(1);
/// The Korean People's Army, the handing-over side.
pub const KPA: PartyRef = PartyRef(2);
/// The C-17 aircrew and escorts.
pub const AIRCREW: PartyRef = PartyRef(3);
/// United Nations Command receiving officials at Osan.
pub const UNC_RECEIVING: PartyRef = PartyRef(4);
/// The DPAA forensic team that reviews the boxes at Osan.
pub const DPAA_FIELD_TEAM: PartyRef = PartyRef(5);
/// The DPAA laboratory at Joint Base Pearl Harbor-Hickam.
pub const DPAA_LAB: PartyRef = PartyRef(6);
/// The Armed Forces DNA Identification Laboratory, Dover.
pub const AFDIL: PartyRef = PartyRef(7);
/// The DPAA scientific director, who signs identifications.
pub const DPAA_SCIENTIFIC_DIRECTOR: PartyRef = PartyRef(8);

/// Kalma airport, Wonsan.
pub const KALMA: PlaceRef = PlaceRef(1);
/// Osan Air Base.
pub const OSAN: PlaceRef = PlaceRef(2);
/// Joint Base Pearl Harbor-Hickam.
pub const HICKAM: PlaceRef = PlaceRef(3);
/// The DPAA laboratory at Hickam.
pub const DPAA_LAB_HICKAM: PlaceRef = PlaceRef(4);
/// A recovery area as declared by the handing-over side.
pub const DECLARED_AREA: PlaceRef = PlaceRef(7);

/// Signing keys of the custodians in this story.
pub const KEY_AIRCREW: KeyId = KeyId(3);
/// The UNC receiving officials' key.
pub const KEY_UNC_RECEIVING: KeyId = KeyId(4);
/// The DPAA laboratory's key.
pub const KEY_DPAA_LAB: KeyId = KeyId(6);

/// The parties and places of the story.
pub fn directory() -> Directory {
    let party = |id: PartyRef, name: &str| Party {
        id,
        name: name.to_string(),
    };
    let place = |id: PlaceRef, name: &str, code: &str, lat: i32, lon: i32| Place {
        id,
        name: name.to_string(),
        code: code.to_string(),
        point: GeoPoint::from_microdegrees(lat, lon).expect("story coordinates are valid"),
    };
    Directory {
        parties: vec![
            party(MORTUARY_AFFAIRS, "US Army mortuary affairs team"),
            party(KPA, "Korean People's Army"),
            party(AIRCREW, "USAF C-17 aircrew"),
            party(UNC_RECEIVING, "UNC receiving officials, Osan"),
            party(DPAA_FIELD_TEAM, "DPAA forensic review team"),
            party(DPAA_LAB, "DPAA laboratory, Hickam"),
            party(AFDIL, "AFDIL, Dover AFB"),
            party(DPAA_SCIENTIFIC_DIRECTOR, "DPAA scientific director"),
        ],
        places: vec![
            place(
                KALMA,
                "Kalma airport, Wonsan",
                "ZKWS",
                39_170_000,
                127_490_000,
            ),
            place(OSAN, "Osan Air Base", "RKSO", 37_090_600, 127_030_000),
            place(
                HICKAM,
                "Joint Base Pearl Harbor-Hickam",
                "PHIK",
                21_318_100,
                -157_922_500,
            ),
            place(
                DPAA_LAB_HICKAM,
                "DPAA laboratory",
                "PHIK",
                21_345_000,
                -157_940_000,
            ),
            place(
                DECLARED_AREA,
                "Recovery area declared by the KPA",
                "KP-unsan",
                39_950_000,
                125_950_000,
            ),
        ],
    }
}

/// A GNSS-quality timestamp at the given UTC date and time.
pub fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> Option<Timestamp> {
    let at = NaiveDate::from_ymd_opt(y, mo, d)?.and_hms_opt(h, mi, 0)?;
    let secs = UtcSeconds::from_unix(Utc.from_utc_datetime(&at).timestamp())?;
    Some(Timestamp {
        at: secs,
        quality: TimeQuality::Gnss,
    })
}

fn manual(t: Option<Timestamp>) -> Option<Timestamp> {
    t.map(|t| Timestamp {
        quality: TimeQuality::Manual,
        ..t
    })
}

/// Korea: UTC+09:00.
pub fn korea_tz() -> TzOffset {
    TzOffset::from_quarter_hours(36).unwrap_or_default()
}

/// Hawaii: UTC-10:00.
pub fn hawaii_tz() -> TzOffset {
    TzOffset::from_quarter_hours(-40).unwrap_or_default()
}

/// The tag identity of box `number` (1 to 55): a USDOD-96 EPC.
pub fn box_epc(number: u32) -> Epc {
    Epc::UsDod96(UsDod96::new(0, "7DPA1", u64::from(number)).expect("valid demo identity"))
}

/// The transfer case a box is carried in after the ceremony: a GIAI-96 EPC.
pub fn transfer_case_epc(number: u32) -> Epc {
    Epc::Giai96(Giai96::new(1, 7, 614_141, 9_000 + u64::from(number)).expect("valid demo identity"))
}

fn custody(
    step: BizStep,
    disposition: Disposition,
    from: PartyRef,
    to: PartyRef,
    seal: Option<Seal>,
) -> Body {
    Body::Custody(Custody {
        step,
        disposition,
        from,
        to,
        seal,
        condition: Condition::Good,
    })
}

fn seal(number: u32, state: SealState) -> Option<Seal> {
    Some(Seal {
        number: SealNumber(number),
        state,
    })
}

/// The commission body of 2018 box `box_number`: its EPC, chip, box label and the KPA's
/// statement of where it was recovered.
pub fn commission(box_number: u32) -> Body {
    let mut labels = List::new();
    labels.push(Label::BoxNumber(box_number)).ok();
    let mut claims = List::new();
    claims
        .push(Claim {
            by: KPA,
            statement: Statement::RecoveryArea(DECLARED_AREA),
        })
        .ok();
    Body::Commission(Commission {
        epc: box_epc(box_number),
        chip_uid: List::from_slice(&[0x04, 0xa2, 0x18, 0x07, 0x27, 0x00, box_number as u8])
            .unwrap_or_default(),
        container: ContainerKind::Box,
        labels,
        issuer: MORTUARY_AFFAIRS,
        claims,
    })
}

/// The commission record and the eight custody records of one box's journey from Kalma to the
/// DPAA laboratory: the log the size targets are measured on.
pub fn journey(box_number: u32) -> Result<LogBuilder, EncodeError> {
    let mut log = LogBuilder::new();
    journey_until_review(&mut log, box_number)?;
    journey_after_review(&mut log, box_number, false)?;
    Ok(log)
}

/// The whole history of one box: the journey, the field review, the ceremony, accession,
/// a sample, a commingling link, an identification, a corrected link and signed checkpoints.
/// Every record type appears.
pub fn history(box_number: u32) -> Result<LogBuilder, EncodeError> {
    let mut log = LogBuilder::new();
    journey_until_review(&mut log, box_number)?;
    let (kor, osan) = (korea_tz(), Location::Place(OSAN));

    let mut observations = List::new();
    observations.push(Observation::ElementCount(23)).ok();
    observations.push(Observation::MinimumIndividuals(2)).ok();
    observations
        .push(Observation::Human(Likelihood::Likely))
        .ok();
    observations
        .push(Observation::UsServiceMember(Likelihood::Likely))
        .ok();
    log.push(
        utc(2018, 7, 28, 1, 0),
        kor,
        DPAA_FIELD_TEAM,
        osan,
        Body::Inspect(Inspect {
            kind: InspectKind::FieldReview,
            observations,
        }),
    )?;
    journey_after_review(&mut log, box_number, true)?;

    let (hst, lab) = (hawaii_tz(), Location::Place(DPAA_LAB_HICKAM));
    let mut observations = List::new();
    observations.push(Observation::ElementCount(27)).ok();
    observations.push(Observation::Temperature(21_500)).ok();
    observations
        .push(Observation::Photo(Digest::from([0x5a; 32])))
        .ok();
    log.push(
        utc(2018, 8, 3, 19, 0),
        hst,
        DPAA_LAB,
        lab,
        Body::Inspect(Inspect {
            kind: InspectKind::Accession,
            observations,
        }),
    )?;
    log.push(
        utc(2018, 9, 10, 20, 15),
        hst,
        DPAA_LAB,
        lab,
        Body::Sample(Sample {
            sample: SampleId::Label(2018_0001),
            element: BoneElement::Humerus,
            side: Side::Left,
            kind: SampleKind::BoneCutting,
            destination: AFDIL,
        }),
    )?;
    let link = log
        .push(
            utc(2019, 3, 14, 22, 0),
            hst,
            DPAA_LAB,
            lab,
            Body::Link(Link {
                subject: Reference {
                    kind: ReferenceKind::Container,
                    number: box_number + 1,
                },
                relation: Relation::CommingledWith,
                basis: Evidence::MTDNA.with(Evidence::ANTHROPOLOGY),
                confidence: Confidence::from_basis_points(9_500).unwrap_or(Confidence::MAX),
                supersedes: None,
            }),
        )?
        .header
        .seq;
    log.push(
        utc(2019, 9, 6, 21, 0),
        hst,
        DPAA_SCIENTIFIC_DIRECTOR,
        lab,
        Body::Identification(Identification {
            subject: Reference {
                kind: ReferenceKind::Individual,
                number: 1950_0417,
            },
            status: IdentificationStatus::Confirmed,
            methods: Evidence::MTDNA
                .with(Evidence::DENTAL)
                .with(Evidence::CHEST_XRAY),
            report: Digest::from([0xd1; 32]),
            authority: DPAA_SCIENTIFIC_DIRECTOR,
        }),
    )?;
    let corrected = log
        .push(
            utc(2020, 2, 11, 23, 30),
            hst,
            DPAA_LAB,
            lab,
            Body::Link(Link {
                subject: Reference {
                    kind: ReferenceKind::Container,
                    number: box_number + 2,
                },
                relation: Relation::CommingledWith,
                basis: Evidence::MTDNA.with(Evidence::STR),
                confidence: Confidence::from_basis_points(9_990).unwrap_or(Confidence::MAX),
                supersedes: Some(link),
            }),
        )?
        .header
        .seq;
    let mut corrects = List::new();
    corrects.push(link).ok();
    log.push(
        utc(2020, 2, 11, 23, 35),
        hst,
        DPAA_LAB,
        lab,
        Body::Correction(Correction {
            corrects,
            reason: CorrectionReason::LinkDisproved,
            replaced_by: Some(corrected),
        }),
    )?;
    let lab_key = demo_keypair(KEY_DPAA_LAB);
    log.checkpoint(
        utc(2020, 2, 12, 0, 0),
        hst,
        DPAA_LAB,
        lab,
        &[Signer {
            key: KEY_DPAA_LAB,
            role: SignerRole::Custodian,
            keypair: &lab_key,
        }],
    )?;
    Ok(log)
}

fn journey_until_review(log: &mut LogBuilder, box_number: u32) -> Result<(), EncodeError> {
    let (kor, kalma, osan) = (korea_tz(), Location::Place(KALMA), Location::Place(OSAN));
    let seal_number = 180_700 + box_number;
    log.push(
        utc(2018, 7, 26, 22, 50),
        kor,
        MORTUARY_AFFAIRS,
        kalma,
        commission(box_number),
    )?;
    log.push(
        utc(2018, 7, 26, 23, 0),
        kor,
        MORTUARY_AFFAIRS,
        kalma,
        custody(
            BizStep::Accepting,
            Disposition::InProgress,
            KPA,
            MORTUARY_AFFAIRS,
            seal(seal_number, SealState::Applied),
        ),
    )?;
    log.push(
        utc(2018, 7, 26, 23, 40),
        kor,
        AIRCREW,
        kalma,
        custody(
            BizStep::Loading,
            Disposition::InTransit,
            MORTUARY_AFFAIRS,
            AIRCREW,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    log.push(
        utc(2018, 7, 27, 2, 0),
        kor,
        AIRCREW,
        osan,
        custody(
            BizStep::Arriving,
            Disposition::InTransit,
            AIRCREW,
            AIRCREW,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    log.push(
        manual(utc(2018, 7, 27, 2, 30)),
        kor,
        UNC_RECEIVING,
        osan,
        custody(
            BizStep::Receiving,
            Disposition::InProgress,
            AIRCREW,
            UNC_RECEIVING,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    Ok(())
}

fn journey_after_review(
    log: &mut LogBuilder,
    box_number: u32,
    with_checkpoints: bool,
) -> Result<(), EncodeError> {
    let (kor, osan) = (korea_tz(), Location::Place(OSAN));
    let (hst, hickam, lab) = (
        hawaii_tz(),
        Location::Place(HICKAM),
        Location::Place(DPAA_LAB_HICKAM),
    );
    let seal_number = 180_700 + box_number;
    log.push(
        utc(2018, 7, 28, 3, 0),
        kor,
        DPAA_FIELD_TEAM,
        osan,
        custody(
            BizStep::Storing,
            Disposition::InProgress,
            UNC_RECEIVING,
            DPAA_FIELD_TEAM,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    if with_checkpoints {
        log.push(
            utc(2018, 7, 31, 23, 0),
            kor,
            DPAA_FIELD_TEAM,
            osan,
            Body::Aggregate(Aggregate {
                action: AggregateAction::Add,
                parent: transfer_case_epc(box_number),
            }),
        )?;
    }
    log.push(
        utc(2018, 8, 1, 2, 0),
        kor,
        AIRCREW,
        osan,
        custody(
            BizStep::Loading,
            Disposition::InTransit,
            DPAA_FIELD_TEAM,
            AIRCREW,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    log.push(
        utc(2018, 8, 2, 4, 0),
        hst,
        AIRCREW,
        hickam,
        custody(
            BizStep::Arriving,
            Disposition::InTransit,
            AIRCREW,
            AIRCREW,
            seal(seal_number, SealState::Intact),
        ),
    )?;
    log.push(
        utc(2018, 8, 2, 6, 0),
        hst,
        DPAA_LAB,
        lab,
        custody(
            BizStep::Accepting,
            Disposition::InProgress,
            AIRCREW,
            DPAA_LAB,
            seal(seal_number, SealState::Removed),
        ),
    )?;
    if with_checkpoints {
        let (aircrew, lab_key) = (demo_keypair(KEY_AIRCREW), demo_keypair(KEY_DPAA_LAB));
        log.checkpoint(
            utc(2018, 8, 2, 6, 5),
            hst,
            DPAA_LAB,
            lab,
            &[
                Signer {
                    key: KEY_AIRCREW,
                    role: SignerRole::Releasing,
                    keypair: &aircrew,
                },
                Signer {
                    key: KEY_DPAA_LAB,
                    role: SignerRole::Receiving,
                    keypair: &lab_key,
                },
            ],
        )?;
    }
    Ok(())
}

/// The public keys of the story's custodians, valid from 2018 to 2040, as a verifier trusts
/// them.
pub fn keys_file() -> crate::keys::KeysFile {
    let from = chrono::DateTime::from_timestamp(1_514_764_800, 0).unwrap_or_default();
    let until = chrono::DateTime::from_timestamp(2_208_988_800, 0);
    let dir = directory();
    let entry = |key: KeyId, party: PartyRef| {
        crate::keys::KeysFile::entry(
            key,
            party,
            &dir.party_name(party),
            &demo_keypair(key),
            from,
            until,
        )
    };
    crate::keys::KeysFile {
        keys: vec![
            entry(KEY_AIRCREW, AIRCREW),
            entry(KEY_UNC_RECEIVING, UNC_RECEIVING),
            entry(KEY_DPAA_LAB, DPAA_LAB),
        ],
    }
}
