//! Frames: `COBS(version ‖ postcard(message) ‖ CRC-32C LE) 0x00`.

use cobs::{DecodeResult, DecoderState};
use postcard::experimental::max_size::MaxSize;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::message::{Fault, Request, RequestCode, Response, ResponseCode};
use super::response::{self, Written};
use crate::codec::postcard_wire::{Fields, Writer};
use crate::codec::{self, frame};

/// The protocol version this crate speaks.
pub const VERSION: u8 = 2;

const CRC_LEN: usize = 4;

const fn max(a: usize, b: usize) -> usize {
    if a > b { a } else { b }
}

/// The most bytes a frame's payload (version, message, CRC) takes.
pub const MAX_PAYLOAD_LEN: usize =
    1 + max(Request::POSTCARD_MAX_SIZE, Response::POSTCARD_MAX_SIZE) + CRC_LEN;

/// The most bytes a frame takes on the wire, delimiter included.
pub const MAX_FRAME_LEN: usize = frame::max_frame_len(MAX_PAYLOAD_LEN);

// `Fault::Oversized` states the limit as a `u16`.
const _: () = assert!(MAX_FRAME_LEN <= u16::MAX as usize);

/// A message of the protocol: [`Request`] or [`Response`].
pub trait Message: Serialize + DeserializeOwned {
    /// How many message codes this version knows.
    const CODES: u32;
}

impl Message for Request {
    const CODES: u32 = RequestCode::ALL.len() as u32;
}

impl Message for Response {
    const CODES: u32 = ResponseCode::ALL.len() as u32;
}

/// Frames `message` into `out`; returns the frame's length, delimiter included.
pub fn encode<T: Message>(message: &T, out: &mut [u8]) -> Result<usize, frame::FrameError> {
    encode_with(out, |body| {
        postcard::to_slice(message, body)
            .map(|written| written.len())
            .map_err(|_| frame::FrameError::BufferTooSmall)
    })
}

/// Frames `response` into `out` as [`encode`] does, into the same bytes, with the tag's own
/// writer of responses instead of serde's (`response.rs`): a tag writes responses only.
pub fn encode_response(response: &Response, out: &mut [u8]) -> Result<usize, frame::FrameError> {
    encode_written(out, |w| response::write(w, response))
}

/// Frames `answer` as [`encode_response`] frames the response it stands for: the response, or
/// [`Response::Error`] with the fault.
pub fn encode_answer(
    answer: &Result<Response, Fault>,
    out: &mut [u8],
) -> Result<usize, frame::FrameError> {
    encode_reply(out, |w| {
        answer
            .as_ref()
            .map(|response| response::write(w, response))
            .map_err(|fault| *fault)
    })
}

/// Frames the response that `answer` writes, or [`Response::Error`] with the fault it returns
/// instead, before writing anything, as [`encode_answer`] does: a tag writes its responses
/// where it makes them.
pub(crate) fn encode_reply(
    out: &mut [u8],
    answer: impl FnOnce(&mut Writer<'_>) -> Result<Written, Fault>,
) -> Result<usize, frame::FrameError> {
    encode_written(out, |w| match answer(w) {
        Ok(written) => written,
        Err(fault) => response::error(w, &fault),
    })
}

/// Frames the message that `write` writes with the codec's writer, as [`encode_with`] does.
fn encode_written(
    out: &mut [u8],
    write: impl FnOnce(&mut Writer<'_>) -> Written,
) -> Result<usize, frame::FrameError> {
    encode_with(out, |body| {
        let mut w = Writer::new(body, MAX_PAYLOAD_LEN);
        let Written = write(&mut w);
        w.finish().map_err(|_| frame::FrameError::BufferTooSmall)
    })
}

/// Frames the message that `write_body` writes into the buffer it is given, after the version;
/// `write_body` returns how many bytes it wrote.
fn encode_with(
    out: &mut [u8],
    write_body: impl FnOnce(&mut [u8]) -> Result<usize, frame::FrameError>,
) -> Result<usize, frame::FrameError> {
    let mut payload = [0u8; MAX_PAYLOAD_LEN];
    let (version, rest) = payload
        .split_first_mut()
        .ok_or(frame::FrameError::BufferTooSmall)?;
    *version = VERSION;
    let body_len = write_body(rest)?;
    let crc_at = 1 + body_len;
    let crc = codec::checksum(payload.get(..crc_at).unwrap_or_default());
    payload
        .get_mut(crc_at..crc_at + CRC_LEN)
        .ok_or(frame::FrameError::BufferTooSmall)?
        .copy_from_slice(&crc.to_le_bytes());
    frame::encode(payload.get(..crc_at + CRC_LEN).unwrap_or_default(), out)
}

/// Reads one frame (with or without its delimiter) as a message of type `T`.
pub fn decode<T: Message>(frame_bytes: &[u8]) -> Result<T, Fault> {
    with_payload(frame_bytes, read_payload::<T>)
}

/// Reads the payload of one frame, as a [`FrameReceiver`] hands it over, as a message of type
/// `T`, as [`decode`] reads the frame that carries it.
pub fn read_payload<T: Message>(payload: &[u8]) -> Result<T, Fault> {
    // The codec's deserializer, so that the types messages share with records (checkpoints,
    // custody steps, times) are decoded by one copy of their code.
    let mut message = None;
    check_payload(payload, T::CODES, |body, _, fields| {
        // Serde reads the message whole, its code included.
        *fields = Fields::new(body);
        message = Some(fields.serde::<T>()?);
        Ok(())
    })?;
    // Set whenever the payload decoded.
    message.ok_or(Fault::Truncated)
}

/// Reads one frame as a [`Request`], as [`decode`] does, into the same request or the same
/// fault, with the tag's own reader of requests instead of serde's (`request.rs`): a tag reads
/// requests only.
pub fn decode_request(frame_bytes: &[u8]) -> Result<Request, Fault> {
    let mut request = Request::Goodbye;
    with_payload(frame_bytes, |payload| {
        read_request_into(payload, &mut request)
    })?;
    Ok(request)
}

/// Reads the payload of one frame, as a [`FrameReceiver`] hands it over, as [`decode_request`]
/// reads the frame, into `request`, where the request is then answered: a request holds a
/// record or a checkpoint, which a tag reads in place rather than copies. On a fault
/// `request` holds some request, not a meaningful one.
pub fn read_request_into(payload: &[u8], request: &mut Request) -> Result<(), Fault> {
    check_payload(payload, Request::CODES, |_, code, fields| {
        super::request::read_into(code, fields, request)
    })
}

/// Decodes the COBS of one frame and reads its payload with `read`.
fn with_payload<T>(
    frame_bytes: &[u8],
    read: impl FnOnce(&[u8]) -> Result<T, Fault>,
) -> Result<T, Fault> {
    let mut payload = [0u8; MAX_PAYLOAD_LEN];
    let n = frame::decode(frame_bytes, &mut payload).map_err(|e| match e {
        frame::FrameError::BufferTooSmall => oversized(),
        frame::FrameError::Empty => Fault::Truncated,
        _ => Fault::BadFrame,
    })?;
    read(payload.get(..n).unwrap_or_default())
}

/// Checks one frame's payload, whose message has `codes` codes, and reads the message with
/// `read_message`, which keeps it and returns postcard's error, if any. It is given the
/// message's bytes, its code and their fields, read up to the end of the code.
fn check_payload<'a>(
    payload: &'a [u8],
    codes: u32,
    read_message: impl FnOnce(&'a [u8], u32, &mut Fields<'a>) -> postcard::Result<()>,
) -> Result<(), Fault> {
    let Some(crc_at) = payload.len().checked_sub(CRC_LEN).filter(|at| *at >= 2) else {
        return Err(Fault::Truncated);
    };
    let (covered, crc) = payload.split_at_checked(crc_at).ok_or(Fault::Truncated)?;
    let crc = crc
        .try_into()
        .map(u32::from_le_bytes)
        .map_err(|_| Fault::Truncated)?;
    if codec::checksum(covered) != crc {
        return Err(Fault::BadCrc);
    }
    let Some((&version, body)) = covered.split_first() else {
        return Err(Fault::Truncated);
    };
    if version != VERSION {
        return Err(Fault::UnsupportedVersion {
            got: version,
            supported: VERSION,
        });
    }
    let mut fields = Fields::new(body);
    let code = match fields.u32() {
        Ok(code) => code,
        Err(postcard::Error::DeserializeUnexpectedEnd) => return Err(Fault::Truncated),
        Err(_) => return Err(Fault::UnknownMessage { code: u32::MAX }),
    };
    if code >= codes {
        return Err(Fault::UnknownMessage { code });
    }
    match read_message(body, code, &mut fields) {
        Ok(()) if fields.used() == body.len() => Ok(()),
        Ok(()) => Err(Fault::Malformed { code }),
        Err(postcard::Error::DeserializeUnexpectedEnd) => Err(Fault::Truncated),
        Err(_) => Err(Fault::Malformed { code }),
    }
}

const fn oversized() -> Fault {
    Fault::Oversized {
        limit: MAX_FRAME_LEN as u16,
    }
}

/// Collects bytes from a stream into frames, and decodes their COBS as they come, in a buffer
/// of fixed size.
///
/// A frame whose payload is longer than [`MAX_PAYLOAD_LEN`] (any frame longer than
/// [`MAX_FRAME_LEN`]) is dropped up to its delimiter and reported as [`Fault::Oversized`], so
/// the next frame is read whole; a frame that is not valid COBS is reported as
/// [`Fault::BadFrame`]. Empty frames (two delimiters in a row) are skipped: a sender may use
/// them to resynchronise.
#[derive(Debug)]
pub struct FrameReceiver {
    payload: [u8; MAX_PAYLOAD_LEN],
    len: usize,
    cobs: DecoderState,
    overflowed: bool,
}

impl Default for FrameReceiver {
    fn default() -> Self {
        Self::new()
    }
}

impl FrameReceiver {
    /// An empty receiver.
    pub const fn new() -> Self {
        FrameReceiver {
            payload: [0; MAX_PAYLOAD_LEN],
            len: 0,
            cobs: DecoderState::Idle,
            overflowed: false,
        }
    }

    /// Takes one byte; returns a whole frame's payload, for [`read_payload`], when `byte`
    /// ends the frame, or why the frame has none.
    pub fn push(&mut self, byte: u8) -> Option<Result<&[u8], Fault>> {
        // The decoder of `cobs::decode`, fed a frame and then the delimiter as it does, so
        // that every frame decodes, or fails, as `decode` decodes it.
        let decoded = self.cobs.feed(byte);
        if byte == 0 {
            let len = core::mem::take(&mut self.len);
            if core::mem::take(&mut self.overflowed) {
                return Some(Err(oversized()));
            }
            return match decoded {
                Ok(DecodeResult::DataComplete) => {
                    Some(Ok(self.payload.get(..len).unwrap_or_default()))
                }
                // Nothing since the last delimiter.
                Ok(_) => None,
                Err(_) => Some(Err(Fault::BadFrame)),
            };
        }
        if let Ok(DecodeResult::DataContinue(decoded)) = decoded {
            match self.payload.get_mut(self.len) {
                Some(slot) => {
                    *slot = decoded;
                    self.len += 1;
                }
                None => self.overflowed = true,
            }
        }
        None
    }

    /// Forgets a partly received frame (after a reset of the link).
    pub fn clear(&mut self) {
        self.len = 0;
        self.cobs = DecoderState::Idle;
        self.overflowed = false;
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use proptest::prelude::*;

    use super::*;
    use crate::model::{PartyRef, Seq};

    fn framed(request: &Request) -> heapless::Vec<u8, MAX_FRAME_LEN> {
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = encode(request, &mut out).unwrap_or(0);
        heapless::Vec::from_slice(&out[..n]).unwrap_or_default()
    }

    #[test]
    fn requests_round_trip() {
        for request in [
            Request::Hello { actor: PartyRef(3) },
            Request::Read { from: Seq(7) },
            Request::Goodbye,
        ] {
            assert_eq!(decode::<Request>(&framed(&request)), Ok(request));
        }
    }

    #[test]
    fn an_answer_is_framed_as_its_response() {
        for (answer, response) in [
            (Ok(Response::Done), Response::Done),
            (Err(Fault::BadCrc), Response::Error(Fault::BadCrc)),
            (
                Err(Fault::Malformed { code: 300 }),
                Response::Error(Fault::Malformed { code: 300 }),
            ),
        ] {
            let (mut a, mut r) = ([0u8; MAX_FRAME_LEN], [0u8; MAX_FRAME_LEN]);
            let n = encode_answer(&answer, &mut a);
            assert_eq!(n, encode_response(&response, &mut r));
            assert_eq!(a, r);
        }
    }

    #[test]
    fn a_flipped_bit_is_a_bad_crc() {
        let mut f = framed(&Request::Read { from: Seq(7) });
        f[2] ^= 0x01;
        assert_eq!(decode::<Request>(&f), Err(Fault::BadCrc));
    }

    #[test]
    fn the_receiver_drops_oversized_frames_and_reads_the_next() {
        let mut rx = FrameReceiver::new();
        for _ in 0..MAX_FRAME_LEN + 10 {
            assert!(rx.push(0x11).is_none());
        }
        assert_eq!(
            rx.push(0).map(|r| r.map(<[u8]>::len)),
            Some(Err(oversized()))
        );
        let f = framed(&Request::Status);
        let mut got = None;
        for b in f.iter() {
            if let Some(r) = rx.push(*b) {
                got = Some(r.map(read_payload::<Request>));
            }
        }
        assert_eq!(got, Some(Ok(Ok(Request::Status))));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        /// The receiver reads every frame, valid or not, as `decode` reads it.
        #[test]
        fn the_receiver_reads_frames_as_decode_does(
            frame in proptest::collection::vec(
                prop_oneof![1u8..=255, 1u8..=4, Just(255u8)],
                1..2 * MAX_FRAME_LEN,
            ),
            from in any::<u32>(),
            (at, byte) in (any::<usize>(), 1u8..=255),
        ) {
            let mut valid = framed(&Request::Read { from: Seq(from) });
            valid.pop();
            let len = valid.len();
            if let Some(b) = valid.get_mut(at % len) {
                *b = byte;
            }
            for frame in [&frame[..], &valid[..]] {
                let mut rx = FrameReceiver::new();
                let mut got = None;
                for b in frame.iter().chain([&0]) {
                    if let Some(r) = rx.push(*b) {
                        got = Some(r.and_then(read_payload::<Request>));
                    }
                }
                prop_assert_eq!(got, Some(decode::<Request>(frame)));
            }
        }
    }
}
