//! A tag checks record bodies by their stored shape (`codec::check`, `codec::read_stored`) where
//! a host decodes them with serde (`codec::decode`). The two must give the same verdict, the
//! same length, the same state after, and the same error at the same offset, on every record
//! and on every change of one: every byte set to every value, and the content cut short or
//! run long. The content's CRC is made whole again after each change, so that the change
//! reaches the header and body readers.

use proptest::prelude::*;
use remtag::codec::{self, DecodeError, DeltaState, StoredBody};
use remtag::{Body, Record};
use remtag_tests::{arbitrary, envelope, proptest_config};

/// The type byte and the content of a stored record.
fn split(stored: &[u8]) -> (u8, Vec<u8>) {
    let env = codec::read_envelope(stored).expect("a record");
    let content = stored[env.content_start..env.content_start + env.content_len].to_vec();
    (stored[0], content)
}

/// `check` and `decode` say the same of `bytes` after `state`; for a state that starts a log,
/// so do `read_stored` and `decode` with nothing left over.
fn agree(bytes: &[u8], state: &DeltaState) -> Result<(), TestCaseError> {
    let mut checked = *state;
    let mut decoded = *state;
    let by_shape = codec::check(bytes, &mut checked);
    let by_serde = codec::decode(bytes, &mut decoded);
    prop_assert_eq!(
        by_shape,
        by_serde.as_ref().map(|(_, len)| *len).map_err(|e| *e),
        "{:02x?}",
        bytes
    );
    prop_assert_eq!(checked, decoded);
    if *state == DeltaState::default() {
        agree_on_what_a_reader_sent(bytes, &by_serde)?;
    }
    Ok(())
}

/// What `read_stored` makes of a record a reader sent: `decode`'s record, whole, with the body
/// bytes as they were sent.
fn agree_on_what_a_reader_sent(
    bytes: &[u8],
    by_serde: &Result<(Record, usize), DecodeError>,
) -> Result<(), TestCaseError> {
    let read = codec::read_stored(bytes);
    match (by_serde, read) {
        (Ok((record, len)), Ok((header, body))) if *len == bytes.len() => {
            prop_assert_eq!(header, record.header);
            prop_assert_eq!(body.record_type(), record.body.record_type());
            let (_, content) = split(bytes);
            prop_assert!(content.ends_with(body.bytes()));
            // Coded again as the first record of a log, the body is the same record.
            let mut out = [0u8; codec::MAX_RECORD_LEN];
            let n = codec::encode_parts(&header, &body, &mut DeltaState::default(), &mut out)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let again = codec::decode(&out[..n], &mut DeltaState::default());
            prop_assert_eq!(again.map(|(r, _)| r), Ok(record.clone()));
        }
        (Ok((_, len)), Err(e)) => {
            prop_assert!(
                *len < bytes.len(),
                "only bytes left over are refused: {}",
                e
            );
            prop_assert_eq!(e.offset, *len);
        }
        (Err(expected), read) => prop_assert_eq!(read.map(|_| ()), Err(*expected)),
        (Ok(_), Ok(_)) => return Err(TestCaseError::fail("bytes left over were accepted")),
    }
    Ok(())
}

/// Every change of one content byte to every value, and the content cut at every length and
/// run one byte long.
fn every_change_agrees(stored: &[u8], state: &DeltaState) -> Result<(), TestCaseError> {
    agree(stored, state)?;
    let (kind, content) = split(stored);
    let mut changed = content.clone();
    for at in 0..content.len() {
        for value in 0..=u8::MAX {
            changed[at] = value;
            agree(&envelope(kind, &changed), state)?;
        }
        changed[at] = content[at];
    }
    for len in 0..content.len() {
        agree(&envelope(kind, &content[..len]), state)?;
    }
    for extra in [0x00, 0x01, 0x7f, 0x80, 0xff] {
        let mut longer = content.clone();
        longer.push(extra);
        agree(&envelope(kind, &longer), state)?;
    }
    Ok(())
}

proptest! {
    #![proptest_config(proptest_config(300))]

    /// A record after a short log (so that delta-coded fields have their bases), and every
    /// change of it.
    #[test]
    fn the_shape_check_agrees_with_the_decoder_on_every_change(
        prefix in arbitrary::log(3),
        record in arbitrary::body().prop_flat_map(|b| (arbitrary::header(remtag::model::Seq(3)), Just(b))),
    ) {
        let record = Record { header: record.0, body: record.1 };
        let mut state = DeltaState::default();
        for r in &prefix {
            codec::encode_to_buf(r, &mut state).expect("encodes");
        }
        let stored = codec::encode_to_buf(&record, &mut state.clone()).expect("encodes");
        every_change_agrees(&stored, &state)?;
    }

    /// Records a reader sends: coded as the first record of a log, read back whole.
    #[test]
    fn what_a_reader_sends_is_read_as_the_decoder_reads_it(
        record in arbitrary::body().prop_flat_map(|b| (arbitrary::header(remtag::model::Seq(1)), Just(b))),
    ) {
        let record = Record { header: record.0, body: record.1 };
        let stored = codec::encode_to_buf(&record, &mut DeltaState::default()).expect("encodes");
        every_change_agrees(&stored, &DeltaState::default())?;
    }
}

proptest! {
    #![proptest_config(proptest_config(10_000))]

    /// Every record of a delta-coded log checks as it decodes, and a body taken in its stored
    /// form codes into the same bytes as the record.
    #[test]
    fn logs_check_as_they_decode(records in arbitrary::log(12)) {
        let mut state = DeltaState::default();
        let mut by_parts = DeltaState::default();
        for record in &records {
            let before = state;
            let stored = codec::encode_to_buf(record, &mut state).expect("encodes");
            agree(&stored, &before)?;
            let mut buf = [0u8; codec::MAX_BODY_LEN];
            let body = StoredBody::new(&record.body, &mut buf).expect("encodes");
            let mut out = [0u8; codec::MAX_RECORD_LEN];
            let n = codec::encode_parts(&record.header, &body, &mut by_parts, &mut out)
                .expect("encodes");
            prop_assert_eq!(&out[..n], &stored[..]);
        }
    }

    /// Bodies made by the constructors a tag uses are those `new` makes: for a checkpoint,
    /// the bytes of its serde form, which the tag writes by hand.
    #[test]
    fn custody_and_checkpoint_bodies_are_made_alike(
        custody in arbitrary::custody(),
        checkpoint in arbitrary::checkpoint(),
    ) {
        let (mut a, mut b) = ([0u8; codec::MAX_BODY_LEN], [0u8; codec::MAX_BODY_LEN]);
        prop_assert_eq!(
            StoredBody::custody(&custody, &mut a),
            StoredBody::new(&Body::Custody(custody), &mut b)
        );
        let (mut a, mut b) = ([0u8; codec::MAX_BODY_LEN], [0u8; codec::MAX_BODY_LEN]);
        prop_assert_eq!(
            StoredBody::checkpoint(&checkpoint, &mut a),
            StoredBody::new(&Body::Checkpoint(checkpoint.clone()), &mut b)
        );
    }
}
