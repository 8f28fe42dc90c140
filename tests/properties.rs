//! Properties of the stored format, each checked on at least 10,000 generated cases
//! (`PROPTEST_CASES` raises or lowers the count).

use proptest::prelude::*;
use proptest::test_runner::Config;
use remtag::codec::{self, Decoder, DeltaState, MAX_CONTENT_LEN, MAX_RECORD_LEN};
use remtag::{Record, RecordType};
use remtag_tests::arbitrary;

fn config() -> Config {
    remtag_tests::proptest_config(10_000)
}

fn round_trip(record: &Record) -> Result<(), TestCaseError> {
    let mut enc = DeltaState::default();
    let bytes =
        codec::encode_to_buf(record, &mut enc).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(bytes.len() <= MAX_RECORD_LEN);
    let mut dec = DeltaState::default();
    let (decoded, used) =
        codec::decode(&bytes, &mut dec).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&decoded, record);
    prop_assert_eq!(used, bytes.len());
    prop_assert_eq!(enc, dec, "encoder and decoder states agree");
    Ok(())
}

macro_rules! round_trip_tests {
    ($($name:ident => $ty:expr,)+) => {
        proptest! {
            #![proptest_config(config())]
            $(
                #[test]
                fn $name(record in arbitrary::record_of($ty)) {
                    round_trip(&record)?;
                }
            )+
        }
    };
}

round_trip_tests! {
    commission_round_trips => RecordType::Commission,
    custody_round_trips => RecordType::Custody,
    aggregate_round_trips => RecordType::Aggregate,
    sample_round_trips => RecordType::Sample,
    link_round_trips => RecordType::Link,
    inspect_round_trips => RecordType::Inspect,
    identification_round_trips => RecordType::Identification,
    correction_round_trips => RecordType::Correction,
    checkpoint_round_trips => RecordType::Checkpoint,
}

fn encode_log(records: &[Record]) -> Vec<u8> {
    let mut state = DeltaState::default();
    records
        .iter()
        .flat_map(|r| {
            codec::encode_to_buf(r, &mut state)
                .expect("encodes")
                .to_vec()
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn delta_coded_logs_round_trip(records in arbitrary::log(12)) {
        let bytes = encode_log(&records);
        let decoded: Result<Vec<Record>, _> =
            Decoder::new(&bytes).map(|r| r.map(|l| l.record)).collect();
        prop_assert_eq!(decoded.map_err(|e| TestCaseError::fail(e.to_string()))?, records);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = codec::decode(&bytes, &mut DeltaState::default());
        for item in Decoder::new(&bytes) {
            if let Err(e) = item {
                prop_assert!(e.offset <= bytes.len(), "offset {} beyond input", e.offset);
            }
        }
    }

    /// Random content in an envelope with a valid CRC, decoded against a state left by a real
    /// log: reaches every header and body parser with bytes they did not write.
    #[test]
    fn arbitrary_content_with_a_valid_crc_never_panics(
        prefix in arbitrary::log(3),
        kind in any::<u8>(),
        content in proptest::collection::vec(any::<u8>(), 0..MAX_CONTENT_LEN),
    ) {
        let mut state = DeltaState::default();
        for r in &prefix {
            codec::encode_to_buf(r, &mut state).expect("encodes");
        }
        let bytes = remtag_tests::envelope((codec::FORMAT_VERSION << 4) | (kind & 0x0f), &content);
        let before = state;
        match codec::decode(&bytes, &mut state) {
            Ok((_, used)) => prop_assert_eq!(used, bytes.len()),
            Err(e) => {
                prop_assert!(e.offset <= bytes.len());
                prop_assert_eq!(state, before, "a failed decode leaves the state alone");
            }
        }
    }

    #[test]
    fn every_single_bit_flip_is_detected(
        prefix in arbitrary::log(2),
        record in arbitrary::body().prop_flat_map(|b| (arbitrary::header(remtag::model::Seq(7)), Just(b))),
    ) {
        let record = Record { header: record.0, body: record.1 };
        let mut state = DeltaState::default();
        for r in &prefix {
            codec::encode_to_buf(r, &mut state).expect("encodes");
        }
        let base = state;
        let bytes = codec::encode_to_buf(&record, &mut state).expect("encodes");
        let mut flipped = bytes.clone();
        for bit in 0..bytes.len() * 8 {
            flipped[bit / 8] ^= 1 << (bit % 8);
            let mut s = base;
            match codec::decode(&flipped, &mut s) {
                Ok((_, used)) if used == flipped.len() => {
                    return Err(TestCaseError::fail(format!("flip of bit {bit} not detected")));
                }
                Ok(_) => {}
                Err(e) => prop_assert!(e.offset <= flipped.len()),
            }
            flipped[bit / 8] ^= 1 << (bit % 8);
        }
    }
}
