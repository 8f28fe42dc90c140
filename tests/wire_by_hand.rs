//! What a tag writes field by field, by hand, instead of through serde's derives, must be the
//! bytes the derives write: readers decode it with the derives. Responses here; record bodies,
//! segment headers and the delta state in `shape_check.rs` and in core's own tests.

use proptest::prelude::*;
use proptest::test_runner::Config;
use remtag::protocol::{self, MAX_FRAME_LEN, Response};
use remtag_tests::arbitrary;

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
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
