//! What a tag reads and writes field by field, by hand, instead of through serde's derives,
//! must be what the derives read and write: readers write requests and decode responses with
//! the derives. Requests and responses here; record bodies, segment headers and the delta
//! state in `shape_check.rs` and in core's own tests.

use proptest::prelude::*;
use proptest::test_runner::Config;
use remtag::codec::{self, frame};
use remtag::protocol::{self, MAX_FRAME_LEN, MAX_PAYLOAD_LEN, Request, Response, VERSION};
use remtag_tests::arbitrary;

fn config() -> Config {
    remtag_tests::proptest_config(10_000)
}

proptest! {
    #![proptest_config(config())]

    /// Every response is framed into the bytes serde's form frames it into, and reads back.
    #[test]
    fn responses_are_written_as_serde_writes_them(response in arbitrary::response()) {
        let (mut by_hand, mut by_serde) = ([0u8; MAX_FRAME_LEN], [0u8; MAX_FRAME_LEN]);
        let hand = protocol::encode_response(&response, &mut by_hand);
        let serde = protocol::encode(&response, &mut by_serde);
        prop_assert_eq!(hand, serde);
        let n = hand.unwrap_or(0);
        prop_assert_eq!(&by_hand[..n], &by_serde[..n]);
        prop_assert_eq!(protocol::decode::<Response>(&by_hand[..n]), Ok(response));
    }
}

/// A frame around the message `body`, with a CRC that holds.
fn framed(body: &[u8]) -> Vec<u8> {
    let mut payload = vec![VERSION];
    payload.extend_from_slice(body);
    payload.extend_from_slice(&codec::checksum(&payload).to_le_bytes());
    let mut out = vec![0u8; frame::max_frame_len(payload.len())];
    let n = frame::encode(&payload, &mut out).expect("fits");
    out.truncate(n);
    out
}

/// The tag's reading of a frame is serde's: the same request or the same fault.
fn read_alike(body: &[u8]) -> Result<(), TestCaseError> {
    if body.len() + 5 > MAX_PAYLOAD_LEN {
        return Ok(());
    }
    let frame = framed(body);
    prop_assert_eq!(
        protocol::decode_request(&frame),
        protocol::decode::<Request>(&frame),
        "{:02x?}",
        body
    );
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    /// Every request reads back as it was written.
    #[test]
    fn requests_are_read_as_serde_reads_them(request in arbitrary::request(codec::MAX_RECORD_LEN)) {
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = protocol::encode(&request, &mut out).expect("frames");
        prop_assert_eq!(protocol::decode_request(&out[..n]), Ok(request));
    }
}

proptest! {
    #![proptest_config(Config { cases: config().cases / 20, ..config() })]

    /// Every byte of a request set to every value, the request cut at every length and run one
    /// byte long: the tag reads the same request, or refuses it with the same fault.
    #[test]
    fn every_change_of_a_request_reads_as_serde_reads_it(request in arbitrary::request(12)) {
        let body = postcard::to_allocvec(&request).expect("encodes");
        let mut changed = body.clone();
        for at in 0..body.len() {
            for value in 0..=u8::MAX {
                changed[at] = value;
                read_alike(&changed)?;
            }
            changed[at] = body[at];
            read_alike(&body[..at])?;
        }
        for extra in [0x00, 0x01, 0x7f, 0x80, 0xff] {
            let mut longer = body.clone();
            longer.push(extra);
            read_alike(&longer)?;
        }
    }
}
