//! The reader protocol against a simulated tag: every class of malformed frame gets a typed
//! error response, and the next valid request is answered correctly.

use remtag::codec::{self, DecodeErrorKind, DeltaState, Field as CodecField, frame};
use remtag::model::{Body, Checkpoint, Custody, List, Seq};
use remtag::protocol::{
    self, Fault, MAX_FRAME_LEN, MAX_PAYLOAD_LEN, Needs, Request, Response, VERSION,
};
use remtag_sim::reader::{ClientError, HostEnd, ReaderClient};
use remtag_sim::story::{MORTUARY_AFFAIRS, box_epc};
use remtag_tests::field::{Field, assert_verifies, commission, verify};

/// A frame of `payload` followed by its CRC, as a sender would build it.
fn framed_with_crc(payload: &[u8]) -> Vec<u8> {
    let mut p = payload.to_vec();
    p.extend(codec::checksum(payload).to_le_bytes());
    let mut out = vec![0u8; frame::max_frame_len(p.len())];
    let n = frame::encode(&p, &mut out).expect("frames");
    out.truncate(n);
    out
}

fn valid(request: &Request) -> Vec<u8> {
    let mut out = vec![0u8; MAX_FRAME_LEN];
    let n = protocol::encode(request, &mut out).expect("frames");
    out.truncate(n);
    out
}

/// A commissioned tag with a reader in session.
fn commissioned() -> (Field<remtag_sim::memory::SimEeprom>, ReaderClient<HostEnd>) {
    let field = Field::eeprom();
    let mut reader = field.reader();
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    reader.commission(&commission(1)).expect("commission");
    (field, reader)
}

/// After a refusal, the tag still answers a valid request correctly.
fn still_answers(reader: &mut ReaderClient<HostEnd>) {
    let status = reader.status().expect("a valid request is answered");
    assert_eq!(status.count, 1);
    let (report, _) = verify(reader, box_epc(1));
    assert_verifies(&report);
}

#[test]
fn every_malformed_frame_class_gets_a_typed_error_and_the_tag_keeps_working() {
    let (_field, mut reader) = commissioned();
    let read = postcard::to_allocvec(&Request::Read { from: Seq(0) }).expect("encodes");

    let mut flipped = valid(&Request::Status);
    flipped[1] ^= 0x40;
    let mut trailing = vec![VERSION];
    trailing.extend(&read);
    trailing.push(0x55);
    let mut cut = vec![VERSION];
    cut.extend(&read[..1]);
    let mut wrong_version = vec![VERSION + 1];
    wrong_version.extend(postcard::to_allocvec(&Request::Status).expect("encodes"));

    let cases: Vec<(&str, Vec<u8>, Fault)> = vec![
        ("bad COBS", vec![0x05, 0x01, 0x02, 0x00], Fault::BadFrame),
        ("bad CRC", flipped, Fault::BadCrc),
        (
            "unknown request",
            framed_with_crc(&[VERSION, 42]),
            Fault::UnknownMessage { code: 42 },
        ),
        (
            "oversized",
            [vec![0x11; MAX_FRAME_LEN + 50], vec![0]].concat(),
            Fault::Oversized {
                limit: MAX_FRAME_LEN as u16,
            },
        ),
        (
            "truncated frame",
            framed_with_crc(&[VERSION]),
            Fault::Truncated,
        ),
        ("truncated request", framed_with_crc(&cut), Fault::Truncated),
        (
            "bytes after the request",
            framed_with_crc(&trailing),
            Fault::Malformed { code: 3 },
        ),
        (
            "wrong protocol version",
            framed_with_crc(&wrong_version),
            Fault::UnsupportedVersion {
                got: VERSION + 1,
                supported: VERSION,
            },
        ),
        (
            "read next before read",
            valid(&Request::ReadNext),
            Fault::OutOfOrder { needs: Needs::Read },
        ),
    ];
    for (name, bytes, fault) in cases {
        assert_eq!(
            reader.exchange_raw(&bytes),
            Ok(Response::Error(fault)),
            "{name}"
        );
        still_answers(&mut reader);
    }

    // A request before the session opens.
    reader.goodbye().expect("goodbye");
    assert_eq!(
        reader.exchange(&Request::Status),
        Ok(Response::Error(Fault::OutOfOrder {
            needs: Needs::Hello
        }))
    );
    reader.hello(MORTUARY_AFFAIRS).expect("hello");
    still_answers(&mut reader);
}

#[test]
fn records_the_tag_must_not_take_are_refused_and_nothing_is_stored() {
    let (_field, mut reader) = commissioned();
    let status = reader.status().expect("status");

    let mut second_commission = commission(1);
    second_commission.header.seq = Seq(1);
    assert_eq!(
        reader.append(&second_commission),
        Err(ClientError::Refused(Fault::NotAllowed))
    );
    let checkpoint = Checkpoint {
        count: status.count,
        head: status.head,
        signatures: List::new(),
    };
    let mut as_record = second_commission.clone();
    as_record.body = Body::Checkpoint(checkpoint.clone());
    assert_eq!(
        reader.append(&as_record),
        Err(ClientError::Refused(Fault::NotAllowed))
    );
    assert_eq!(
        reader.checkpoint(&checkpoint),
        Err(ClientError::Refused(Fault::Unsigned))
    );

    let mut custody = remtag_tests::journey::custody_journey(3)[1].clone();
    custody.header.seq = Seq(5);
    assert_eq!(
        reader.append(&custody),
        Err(ClientError::Refused(Fault::WrongSeq {
            expected: Seq(1),
            got: Seq(5)
        }))
    );
    still_answers(&mut reader);
}

#[test]
fn records_that_do_not_decode_on_their_own_are_refused_with_where_and_why() {
    let (_field, mut reader) = commissioned();
    let mut custody = remtag_tests::journey::custody_journey(3)[1].clone();
    custody.header.seq = Seq(1);
    let Body::Custody(Custody {
        seal: Some(seal), ..
    }) = custody.body
    else {
        panic!("the journey's custody steps are sealed");
    };

    // Coded against a state that knows the seal, it names the seal only by "the same number".
    let mut knows_the_seal = DeltaState {
        last_seal: Some(seal.number),
        ..DeltaState::default()
    };
    let in_context = codec::encode_to_buf(&custody, &mut knows_the_seal).expect("encodes");
    let mut bad_crc = protocol::encode_record(&custody).expect("encodes");
    let last = bad_crc.len() - 1;
    bad_crc[last] ^= 0x01;
    let mut trailing = protocol::encode_record(&custody).expect("encodes");
    trailing.push(0x00).expect("room");

    for (name, stored, expected) in [
        (
            "coded in context",
            in_context,
            DecodeErrorKind::MissingContext(CodecField::Seal),
        ),
        (
            "bad CRC",
            bad_crc,
            DecodeErrorKind::CrcMismatch {
                stored: 0,
                computed: 0,
            },
        ),
        (
            "a byte after it",
            trailing,
            DecodeErrorKind::TrailingBytes(1),
        ),
    ] {
        let response = reader
            .exchange(&Request::Append { stored })
            .expect("answered");
        let Response::Error(Fault::Undecodable { kind, .. }) = response else {
            panic!("{name}: not refused as undecodable: {response:?}");
        };
        assert_eq!(
            core::mem::discriminant(&kind),
            core::mem::discriminant(&expected),
            "{name}: {kind:?}"
        );
    }
    still_answers(&mut reader);
    assert_eq!(reader.append(&custody).map(|(seq, _)| seq), Ok(Seq(1)));
}

#[test]
fn random_frames_never_stop_the_tag() {
    let (_field, mut reader) = commissioned();
    let mut x = 0x2545_f491_4f6c_dd1d_u64;
    for round in 0..300 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let len = (x % (MAX_PAYLOAD_LEN as u64 + 40)) as usize;
        let bytes: Vec<u8> = (0..len)
            .map(|i| (x.rotate_left(i as u32 % 64) >> 3) as u8)
            // One frame, so one response: a zero would end it early.
            .map(|b| b.max(1))
            .collect();
        let framed = if round % 2 == 0 {
            framed_with_crc(&bytes)
        } else {
            [bytes, vec![0]].concat()
        };
        match reader.exchange_raw(&framed) {
            Ok(_) | Err(ClientError::Link(_)) => {}
            Err(e) => panic!("round {round}: {e}"),
        }
        still_answers(&mut reader);
    }
}
