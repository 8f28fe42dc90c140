//! Proptest strategies that generate every valid value of the record model.

use proptest::collection::vec;
use proptest::prelude::*;
use remtag::codec::{DecodeErrorKind, DeltaState, Field, MAX_RECORD_LEN, Problem, RecordBuf};
use remtag::log::{Damage, DamageReason};
use remtag::model::*;
use remtag::protocol::{
    ButtonAction, Fault, FixState, Indication, Needs, Request, Response, Status,
};
use remtag::{Body, Header, Record};

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

/// Any valid EPC: GIAI-96 with any partition, or USDOD-96 with a 5- or 6-character identifier.
pub fn epc() -> impl Strategy<Value = Epc> {
    let giai = (0u8..=7, 6u8..=12, any::<u64>(), any::<u64>()).prop_map(|(f, digits, cp, ar)| {
        let cp = cp % 10u64.pow(u32::from(digits));
        let ar = ar & Giai96::max_asset_ref(digits).unwrap_or(0);
        Epc::Giai96(Giai96::new(f, digits, cp, ar).expect("in range"))
    });
    let usdod = (0u8..=15, "[0-9A-HJ-NP-Z]{5,6}", 0u64..=UsDod96::MAX_SERIAL)
        .prop_map(|(f, id, serial)| Epc::UsDod96(UsDod96::new(f, &id, serial).expect("in range")));
    prop_oneof![giai, usdod]
}

/// Any valid position.
pub fn geo_point() -> impl Strategy<Value = GeoPoint> {
    (-90_000_000i32..=90_000_000, -180_000_000i32..=180_000_000)
        .prop_map(|(lat, lon)| GeoPoint::from_microdegrees(lat, lon).expect("in range"))
}

/// Any location.
pub fn location() -> impl Strategy<Value = Location> {
    prop_oneof![
        Just(Location::Unknown),
        any::<u32>().prop_map(|p| Location::Place(PlaceRef(p))),
        geo_point().prop_map(Location::Geo),
    ]
}

fn small_u32() -> impl Strategy<Value = u32> {
    prop_oneof![0u32..200, any::<u32>()]
}

/// Any header, with sequence number `seq`.
pub fn header(seq: Seq) -> impl Strategy<Value = Header> {
    let time = proptest::option::weighted(
        0.9,
        (any::<u32>(), pick(TimeQuality::ALL)).prop_map(|(at, quality)| Timestamp {
            at: UtcSeconds(at),
            quality,
        }),
    );
    let tz = (-48i8..=56).prop_map(|q| TzOffset::from_quarter_hours(q).expect("in range"));
    (time, tz, small_u32(), location()).prop_map(move |(time, tz, actor, location)| Header {
        seq,
        time,
        tz,
        actor: PartyRef(actor),
        location,
    })
}

/// Any commission body.
pub fn commission() -> impl Strategy<Value = Commission> {
    let label = prop_oneof![
        any::<u32>().prop_map(Label::BoxNumber),
        any::<u32>().prop_map(Label::K208),
        any::<u32>().prop_map(Label::DviPostMortem),
        any::<u32>().prop_map(Label::Accession),
    ];
    let statement = prop_oneof![
        any::<u32>().prop_map(|p| Statement::RecoveryArea(PlaceRef(p))),
        any::<u16>().prop_map(Statement::IndividualCount),
        any::<u16>().prop_map(Statement::RecoveryYear),
    ];
    let claim = (any::<u32>(), statement).prop_map(|(by, statement)| Claim {
        by: PartyRef(by),
        statement,
    });
    let container = pick(ContainerKind::ALL);
    (
        epc(),
        vec(any::<u8>(), 0..=10),
        container,
        vec(label, 0..=3),
        any::<u32>(),
        vec(claim, 0..=2),
    )
        .prop_map(|(epc, uid, container, labels, issuer, claims)| Commission {
            epc,
            chip_uid: List::from_slice(&uid).expect("within capacity"),
            container,
            labels: List::from_slice(&labels).expect("within capacity"),
            issuer: PartyRef(issuer),
            claims: List::from_slice(&claims).expect("within capacity"),
        })
}

/// Any custody body; seal numbers come from a small set so that repeats are common.
pub fn custody() -> impl Strategy<Value = Custody> {
    let seal_state = pick(SealState::ALL);
    let seal = proptest::option::of((prop_oneof![0u32..3, any::<u32>()], seal_state).prop_map(
        |(n, state)| Seal {
            number: SealNumber(n),
            state,
        },
    ));
    let condition = pick(Condition::ALL);
    (
        pick(BizStep::ALL),
        pick(Disposition::ALL),
        small_u32(),
        small_u32(),
        seal,
        condition,
    )
        .prop_map(|(step, disposition, from, to, seal, condition)| Custody {
            step,
            disposition,
            from: PartyRef(from),
            to: PartyRef(to),
            seal,
            condition,
        })
}

/// Any aggregate body.
pub fn aggregate() -> impl Strategy<Value = Aggregate> {
    (pick(AggregateAction::ALL), epc()).prop_map(|(action, parent)| Aggregate { action, parent })
}

fn bone() -> impl Strategy<Value = BoneElement> {
    pick(BoneElement::ALL)
}

/// Any sample body.
pub fn sample() -> impl Strategy<Value = Sample> {
    let id = prop_oneof![
        epc().prop_map(SampleId::Tag),
        any::<u32>().prop_map(SampleId::Label)
    ];
    let side = pick(Side::ALL);
    let kind = pick(SampleKind::ALL);
    (id, bone(), side, kind, any::<u32>()).prop_map(|(sample, element, side, kind, dest)| Sample {
        sample,
        element,
        side,
        kind,
        destination: PartyRef(dest),
    })
}

fn reference() -> impl Strategy<Value = Reference> {
    let kind = pick(ReferenceKind::ALL);
    (kind, any::<u32>()).prop_map(|(kind, number)| Reference { kind, number })
}

fn evidence() -> impl Strategy<Value = Evidence> {
    (0u8..0x80).prop_map(|bits| Evidence::try_from(bits).expect("known bits"))
}

/// Any link body.
pub fn link() -> impl Strategy<Value = Link> {
    let relation = pick(Relation::ALL);
    let confidence = (0u16..=10_000).prop_map(|c| Confidence::from_basis_points(c).expect("ok"));
    (
        reference(),
        relation,
        evidence(),
        confidence,
        proptest::option::of(any::<u32>().prop_map(Seq)),
    )
        .prop_map(|(subject, relation, basis, confidence, supersedes)| Link {
            subject,
            relation,
            basis,
            confidence,
            supersedes,
        })
}

fn likelihood() -> impl Strategy<Value = Likelihood> {
    pick(Likelihood::ALL)
}

fn digest() -> impl Strategy<Value = Digest> {
    any::<[u8; 32]>().prop_map(Digest::from)
}

/// Any inspect body.
pub fn inspect() -> impl Strategy<Value = Inspect> {
    let observation = prop_oneof![
        any::<i32>().prop_map(Observation::Temperature),
        any::<u16>().prop_map(Observation::Humidity),
        any::<u32>().prop_map(Observation::Shock),
        any::<u16>().prop_map(Observation::ElementCount),
        any::<u16>().prop_map(Observation::MinimumIndividuals),
        likelihood().prop_map(Observation::Human),
        likelihood().prop_map(Observation::UsServiceMember),
        digest().prop_map(Observation::Photo),
    ];
    let kind = pick(InspectKind::ALL);
    (kind, vec(observation, 0..=4)).prop_map(|(kind, obs)| Inspect {
        kind,
        observations: List::from_slice(&obs).expect("within capacity"),
    })
}

/// Any identification body.
pub fn identification() -> impl Strategy<Value = Identification> {
    let status = pick(IdentificationStatus::ALL);
    (reference(), status, evidence(), digest(), any::<u32>()).prop_map(
        |(subject, status, methods, report, authority)| Identification {
            subject,
            status,
            methods,
            report,
            authority: PartyRef(authority),
        },
    )
}

/// Any correction body.
pub fn correction() -> impl Strategy<Value = Correction> {
    let reason = pick(CorrectionReason::ALL);
    (
        vec(any::<u32>().prop_map(Seq), 0..=4),
        reason,
        proptest::option::of(any::<u32>().prop_map(Seq)),
    )
        .prop_map(|(corrects, reason, replaced_by)| Correction {
            corrects: List::from_slice(&corrects).expect("within capacity"),
            reason,
            replaced_by,
        })
}

/// Any checkpoint body (signatures are arbitrary bytes: the codec does not verify them).
pub fn checkpoint() -> impl Strategy<Value = Checkpoint> {
    let role = pick(SignerRole::ALL);
    let signature = (any::<u32>(), role, vec(any::<u8>(), 64)).prop_map(|(key, role, bytes)| {
        let mut sig = [0u8; 64];
        sig.copy_from_slice(&bytes);
        Signature {
            key: KeyId(key),
            role,
            signature: SignatureBytes::from(sig),
        }
    });
    (any::<u32>(), digest(), vec(signature, 0..=2)).prop_map(|(count, head, sigs)| Checkpoint {
        count,
        head,
        signatures: List::from_slice(&sigs).expect("within capacity"),
    })
}

/// Any body of the given type.
pub fn body_of(ty: RecordType) -> BoxedStrategy<Body> {
    match ty {
        RecordType::Commission => commission().prop_map(Body::Commission).boxed(),
        RecordType::Custody => custody().prop_map(Body::Custody).boxed(),
        RecordType::Aggregate => aggregate().prop_map(Body::Aggregate).boxed(),
        RecordType::Sample => sample().prop_map(Body::Sample).boxed(),
        RecordType::Link => link().prop_map(Body::Link).boxed(),
        RecordType::Inspect => inspect().prop_map(Body::Inspect).boxed(),
        RecordType::Identification => identification().prop_map(Body::Identification).boxed(),
        RecordType::Correction => correction().prop_map(Body::Correction).boxed(),
        RecordType::Checkpoint => checkpoint().prop_map(Body::Checkpoint).boxed(),
    }
}

/// Any body.
pub fn body() -> BoxedStrategy<Body> {
    proptest::sample::select(RecordType::ALL.to_vec())
        .prop_flat_map(body_of)
        .boxed()
}

/// A record of type `ty` with any header.
pub fn record_of(ty: RecordType) -> impl Strategy<Value = Record> {
    (any::<u32>(), body_of(ty))
        .prop_flat_map(|(seq, body)| (header(Seq(seq)), Just(body)))
        .prop_map(|(header, body)| Record { header, body })
}

/// A log of up to `max` records of any types. Sequence numbers mostly count up by one, with
/// occasional jumps; times, places, actors and seals mostly repeat or move a little, as in a
/// real log, and sometimes jump anywhere.
pub fn log(max: usize) -> impl Strategy<Value = Vec<Record>> {
    vec((header(Seq(0)), body(), any::<bool>(), 0u32..4), 1..=max).prop_map(|items| {
        let mut out: Vec<Record> = Vec::with_capacity(items.len());
        for (mut header, body, jump, step) in items {
            if let Some(prev) = out.last() {
                let p = prev.header;
                header.seq = if jump {
                    header.seq
                } else {
                    Seq(p.seq.0.wrapping_add(1))
                };
                if step > 0 {
                    header.actor = p.actor;
                    header.tz = p.tz;
                    header.location = p.location;
                    header.time = p.time.map(|t| Timestamp {
                        at: UtcSeconds(t.at.0.saturating_add(step * 3_600)),
                        ..t
                    });
                }
            }
            out.push(Record { header, body });
        }
        out
    })
}

/// Any decoder state.
pub fn delta_state() -> impl Strategy<Value = DeltaState> {
    let tz = (-48i8..=56).prop_map(|q| TzOffset::from_quarter_hours(q).expect("in range"));
    (
        proptest::option::of(any::<u32>()),
        proptest::option::of(any::<u32>()),
        tz,
        proptest::option::of(small_u32()),
        location(),
        proptest::option::of(geo_point()),
        proptest::option::of(any::<u32>()),
    )
        .prop_map(|(seq, time, tz, actor, location, geo, seal)| DeltaState {
            last_seq: seq.map(Seq),
            last_time: time.map(UtcSeconds),
            tz,
            actor: actor.map(PartyRef),
            location,
            last_geo: geo,
            last_seal: seal.map(SealNumber),
        })
}

/// Any stored record's bytes, of any length a record can have.
pub fn stored_bytes() -> impl Strategy<Value = RecordBuf> {
    vec(any::<u8>(), 0..=MAX_RECORD_LEN).prop_map(|b| RecordBuf::from_slice(&b).expect("fits"))
}

/// Any reason a record does not decode.
pub fn decode_error_kind() -> impl Strategy<Value = DecodeErrorKind> {
    let field = || pick(Field::ALL);
    let problem = pick(Problem::ALL);
    prop_oneof![
        any::<usize>().prop_map(|needed| DecodeErrorKind::Truncated { needed }),
        any::<u8>().prop_map(DecodeErrorKind::UnsupportedVersion),
        any::<u8>().prop_map(DecodeErrorKind::UnknownRecordType),
        any::<u32>().prop_map(DecodeErrorKind::LengthOutOfRange),
        (any::<u32>(), any::<u32>())
            .prop_map(|(stored, computed)| DecodeErrorKind::CrcMismatch { stored, computed }),
        any::<u8>().prop_map(DecodeErrorKind::BadFlags),
        (field(), problem).prop_map(|(field, problem)| DecodeErrorKind::Field { field, problem }),
        field().prop_map(DecodeErrorKind::MissingContext),
        any::<usize>().prop_map(DecodeErrorKind::TrailingBytes),
    ]
}

/// Any damage report.
pub fn damage() -> impl Strategy<Value = Damage> {
    let reason = prop_oneof![
        any::<u32>().prop_map(|bit| DamageReason::BitFlipRepaired { bit }),
        decode_error_kind().prop_map(DamageReason::Unreadable),
        Just(DamageReason::MissingRecords),
        Just(DamageReason::SegmentHeader),
        Just(DamageReason::IdentityCopy),
        Just(DamageReason::TornAppend),
    ];
    (any::<u32>(), proptest::option::of(any::<u32>()), reason).prop_map(|(offset, seq, reason)| {
        Damage {
            offset,
            seq: seq.map(Seq),
            reason,
        }
    })
}

/// Any fault a tag reports.
pub fn fault() -> impl Strategy<Value = Fault> {
    let needs = pick(Needs::ALL);
    prop_oneof![
        Just(Fault::BadFrame),
        Just(Fault::BadCrc),
        Just(Fault::Truncated),
        any::<u16>().prop_map(|limit| Fault::Oversized { limit }),
        (any::<u8>(), any::<u8>())
            .prop_map(|(got, supported)| Fault::UnsupportedVersion { got, supported }),
        any::<u32>().prop_map(|code| Fault::UnknownMessage { code }),
        any::<u32>().prop_map(|code| Fault::Malformed { code }),
        needs.prop_map(|needs| Fault::OutOfOrder { needs }),
        Just(Fault::NotCommissioned),
        Just(Fault::AlreadyCommissioned),
        Just(Fault::NotBlank),
        Just(Fault::NotAllowed),
        (any::<u32>(), any::<u32>()).prop_map(|(e, g)| Fault::WrongSeq {
            expected: Seq(e),
            got: Seq(g),
        }),
        (any::<u32>(), digest())
            .prop_map(|(count, head)| Fault::CheckpointMismatch { count, head }),
        Just(Fault::Unsigned),
        Just(Fault::LogFull),
        Just(Fault::RecordTooLarge),
        Just(Fault::BadRecord),
        Just(Fault::NoButtonAction),
        Just(Fault::Storage),
        Just(Fault::Clock),
        (any::<u16>(), decode_error_kind()).prop_map(|(at, kind)| Fault::Undecodable { at, kind }),
    ]
}

/// Any status a tag reports.
pub fn status() -> impl Strategy<Value = Status> {
    let indication = pick(Indication::ALL);
    let time = proptest::option::of((any::<u32>(), pick(TimeQuality::ALL)).prop_map(
        |(at, quality)| Timestamp {
            at: UtcSeconds(at),
            quality,
        },
    ));
    let fix = prop_oneof![
        Just(FixState::None),
        Just(FixState::Fresh),
        any::<u32>().prop_map(|age_s| FixState::Stale { age_s }),
    ];
    (
        indication,
        any::<u32>(),
        digest(),
        (any::<u32>(), any::<u32>(), any::<u32>()),
        time,
        fix,
    )
        .prop_map(
            |(indication, count, head, (free_bytes, capacity, damage), time, fix)| Status {
                indication,
                count,
                head,
                free_bytes,
                capacity,
                damage,
                time,
                fix,
            },
        )
}

/// Any response.
pub fn response() -> impl Strategy<Value = Response> {
    prop_oneof![
        (any::<u8>(), status()).prop_map(|(version, status)| Response::Welcome { version, status }),
        stored_bytes().prop_map(|stored| Response::Identity { stored }),
        status().prop_map(Response::Status),
        (any::<u32>(), delta_state(), stored_bytes()).prop_map(|(offset, state, stored)| {
            Response::Record {
                offset,
                state,
                stored,
            }
        }),
        damage().prop_map(Response::Damage),
        Just(Response::End),
        (any::<u32>(), digest()).prop_map(|(seq, head)| Response::Appended {
            seq: Seq(seq),
            head,
        }),
        Just(Response::Done),
        fault().prop_map(Response::Error),
    ]
}

/// Any request, with stored records of up to `max_stored` bytes.
pub fn request(max_stored: usize) -> impl Strategy<Value = Request> {
    let stored = move || {
        vec(any::<u8>(), 0..=max_stored.min(MAX_RECORD_LEN))
            .prop_map(|b| RecordBuf::from_slice(&b).expect("fits"))
    };
    let time = (any::<u32>(), pick(TimeQuality::ALL)).prop_map(|(at, quality)| Timestamp {
        at: UtcSeconds(at),
        quality,
    });
    let tz = (-48i8..=56).prop_map(|q| TzOffset::from_quarter_hours(q).expect("in range"));
    prop_oneof![
        small_u32().prop_map(|a| Request::Hello { actor: PartyRef(a) }),
        Just(Request::Identity),
        Just(Request::Status),
        any::<u32>().prop_map(|s| Request::Read { from: Seq(s) }),
        Just(Request::ReadNext),
        stored().prop_map(|stored| Request::Append { stored }),
        checkpoint().prop_map(|checkpoint| Request::Checkpoint { checkpoint }),
        stored().prop_map(|stored| Request::Commission { stored }),
        (time, tz).prop_map(|(time, tz)| Request::SetClock { time, tz }),
        (small_u32(), custody()).prop_map(|(actor, custody)| Request::SetButton {
            action: ButtonAction {
                actor: PartyRef(actor),
                custody,
            },
        }),
        Just(Request::Goodbye),
    ]
}
