//! A record stream decoded from arbitrary bytes, as a log stores records end to end.
//!
//! Properties, for every record that decodes:
//! - `check`, `read_envelope` and `stored_len` agree with `decode` on its length and its state;
//! - encoding it again against a parallel state and decoding that gives the same record, in
//!   exactly the bytes written, and the encoder's state is the decoder's;
//! - the re-encoding is a fixed point (encoding the record decoded from it gives the same bytes)
//!   and never longer than the bytes read: the encoder writes the shortest form.
//!
//! For the first that does not: the error leaves the state as it was, names an offset within
//! the input, and `check` reports the same error; the stream's [`Decoder`] stops there too.

#![no_main]

use libfuzzer_sys::fuzz_target;
use remtag::codec::{self, Decoder, DeltaState, MAX_RECORD_LEN};

fuzz_target!(|data: &[u8]| {
    // What the decoder carries, what the encoder carries, and what the decoder of the
    // re-encoded records carries: all three must stay the same.
    let mut state = DeltaState::default();
    let mut encoder = DeltaState::default();
    let mut again = DeltaState::default();
    let mut decoded = Vec::new();
    let mut at = 0;
    let mut stopped = None;
    while at < data.len() {
        let rest = &data[at..];
        let before = state;
        match codec::decode(rest, &mut state) {
            Ok((record, len)) => {
                assert!(
                    len > 0 && len <= rest.len() && len <= MAX_RECORD_LEN,
                    "length {len}"
                );
                let mut checked = before;
                assert_eq!(codec::check(rest, &mut checked), Ok(len));
                assert_eq!(checked, state, "check advances the state as decode does");
                let envelope = codec::read_envelope(rest).expect("a decoded record's envelope");
                assert_eq!(envelope.total_len, len);
                assert_eq!(envelope.record_type, record.body.record_type());
                assert_eq!(codec::stored_len(rest), Ok(len));

                assert_eq!(encoder, before, "the encoder's state follows the decoder's");
                let mut buf = [0u8; MAX_RECORD_LEN];
                let n = codec::encode(&record, &mut encoder, &mut buf)
                    .unwrap_or_else(|e| panic!("a decoded record encodes: {e:?}: {record:?}"));
                assert!(
                    n <= len,
                    "re-encoded in {n} bytes, read from {len}: {record:?}"
                );
                assert_eq!(
                    encoder, state,
                    "encoding advances the state as decoding does"
                );
                let (back, used) = codec::decode(&buf[..n], &mut again)
                    .unwrap_or_else(|e| panic!("a re-encoded record decodes: {e:?}: {record:?}"));
                assert_eq!(back, record);
                assert_eq!(used, n);
                assert_eq!(again, state);
                let mut fixed = before;
                let mut buf2 = [0u8; MAX_RECORD_LEN];
                let n2 = codec::encode(&back, &mut fixed, &mut buf2).expect("encodes again");
                assert_eq!(buf2[..n2], buf[..n], "the re-encoding is a fixed point");

                decoded.push((at, len, record));
                at += len;
            }
            Err(e) => {
                assert_eq!(state, before, "a failed decode leaves the state as it was");
                assert!(e.offset <= rest.len(), "{e:?} beyond {} bytes", rest.len());
                let _ = e.to_string();
                let mut checked = before;
                assert_eq!(codec::check(rest, &mut checked), Err(e));
                assert_eq!(checked, before);
                stopped = Some(e.shifted(at));
                break;
            }
        }
    }

    // The stream decoder yields the same records, then the same error, then nothing.
    let mut stream = Decoder::new(data);
    for (offset, len, record) in &decoded {
        let located = stream.next().expect("a record").expect("decodes");
        assert_eq!((located.offset, located.len), (*offset, *len));
        assert_eq!(&located.record, record);
    }
    match stopped {
        Some(e) => {
            let err = stream.next().expect("the error").expect_err("an error");
            assert_eq!(err, e);
            assert!(err.offset <= data.len());
            assert!(stream.next().is_none());
        }
        None => assert!(stream.next().is_none()),
    }
});
