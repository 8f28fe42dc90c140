//! The reader protocol: what a reader asks a tag and what the tag answers.
//!
//! A reader (a phone, a desk station, the simulator) talks to a tag over any byte stream: a
//! UART, a USB serial port, an NFC bridge. Each message travels in one frame,
//! `COBS(version ‖ postcard(message) ‖ CRC-32C) 0x00`, described byte by byte in
//! `docs/PROTOCOL.md`. Both sides use the types and the framing of this module, so a tag and
//! its readers cannot disagree about the wire.
//!
//! A session starts with [`Request::Hello`]; every other request before it is answered with
//! [`Fault::OutOfOrder`]. Every request gets exactly one response, and a request that cannot be
//! read (bad COBS, bad CRC, cut short, too long, unknown, wrong version) gets a [`Fault`] that
//! says why; the tag then waits for the next frame.

mod message;
mod records;
mod request;
pub(crate) mod response;
mod wire;

pub use message::{
    ButtonAction, Fault, FaultCode, FixCode, FixState, Indication, Needs, Request, RequestCode,
    Response, ResponseCode, Status,
};
pub(crate) use records::undecodable;
pub use records::{encode_record, read_record};
pub(crate) use wire::encode_reply;
pub use wire::{
    FrameReceiver, MAX_FRAME_LEN, MAX_PAYLOAD_LEN, Message, VERSION, decode, decode_request,
    encode, encode_answer, encode_response, read_payload, read_request_into,
};
