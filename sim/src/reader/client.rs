//! A reader client: requests out, responses in, over any `embedded_io` byte stream (the
//! simulator's in-memory link, a serial port to a real tag).

use std::collections::VecDeque;
use std::fmt;

use embedded_io::{Read, Write};
use remtag::codec::{self, DecodeError, DeltaState, EncodeError};
use remtag::log::Damage;
use remtag::model::{Checkpoint, Digest, PartyRef, Record, Seq, Timestamp, TzOffset};
use remtag::protocol::{
    self, ButtonAction, Fault, FrameReceiver, MAX_FRAME_LEN, Request, Response, Status,
    encode_record,
};

/// Why a request got no useful answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ClientError {
    /// The link failed or the tag did not answer.
    Link(String),
    /// The tag's answer does not decode.
    BadResponse(Fault),
    /// The tag refused the request.
    Refused(Fault),
    /// The tag answered something that does not answer the request.
    Unexpected(Box<Response>),
    /// A record to send cannot be encoded.
    Encode(EncodeError),
    /// A record the tag sent does not decode.
    BadRecord {
        /// Where the tag stores it.
        offset: u32,
        /// What is wrong.
        error: DecodeError,
    },
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Link(e) => write!(f, "link: {e}"),
            Self::BadResponse(fault) => write!(f, "the tag's answer does not decode: {fault}"),
            Self::Refused(fault) => write!(f, "the tag refused: {fault}"),
            Self::Unexpected(r) => write!(f, "unexpected answer: {r:?}"),
            Self::Encode(e) => write!(f, "the record cannot be encoded: {e}"),
            Self::BadRecord { offset, error } => {
                write!(f, "record at offset {offset} does not decode: {error}")
            }
        }
    }
}

impl std::error::Error for ClientError {}

/// One entry of a log read through the protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadItem {
    /// A record.
    Record {
        /// Where the tag stores it.
        offset: u32,
        /// Its stored bytes.
        stored: Vec<u8>,
        /// It, decoded.
        record: Box<Record>,
    },
    /// Damage the tag reported.
    Damage(Damage),
}

/// A reader talking to one tag over `stream`.
pub struct ReaderClient<S> {
    stream: S,
    frames: FrameReceiver,
    unread: VecDeque<u8>,
}

impl<S: Read + Write> ReaderClient<S> {
    /// A client on `stream`.
    pub fn new(stream: S) -> Self {
        ReaderClient {
            stream,
            frames: FrameReceiver::new(),
            unread: VecDeque::new(),
        }
    }

    /// The stream back.
    pub fn into_stream(self) -> S {
        self.stream
    }

    /// Sends `request` and returns the tag's answer, a refusal included.
    pub fn exchange(&mut self, request: &Request) -> Result<Response, ClientError> {
        let mut frame = [0u8; MAX_FRAME_LEN];
        let n = protocol::encode(request, &mut frame)
            .map_err(|e| ClientError::Link(format!("cannot frame the request: {e}")))?;
        self.exchange_raw(&frame[..n])
    }

    /// Sends `bytes` as they are (a frame, a broken frame, noise) and returns the answer.
    pub fn exchange_raw(&mut self, bytes: &[u8]) -> Result<Response, ClientError> {
        self.stream
            .write_all(bytes)
            .map_err(|e| ClientError::Link(format!("{e:?}")))?;
        self.stream
            .flush()
            .map_err(|e| ClientError::Link(format!("{e:?}")))?;
        self.receive()
    }

    /// Reads the next response.
    pub fn receive(&mut self) -> Result<Response, ClientError> {
        loop {
            while let Some(byte) = self.unread.pop_front() {
                if let Some(payload) = self.frames.push(byte) {
                    return payload
                        .and_then(protocol::read_payload::<Response>)
                        .map_err(ClientError::BadResponse);
                }
            }
            let mut chunk = [0u8; 64];
            let n = self
                .stream
                .read(&mut chunk)
                .map_err(|e| ClientError::Link(format!("{e:?}")))?;
            if n == 0 {
                return Err(ClientError::Link("the link closed".into()));
            }
            self.unread.extend(&chunk[..n]);
        }
    }

    /// Sends `request`; a refusal becomes [`ClientError::Refused`].
    fn ask(&mut self, request: &Request) -> Result<Response, ClientError> {
        match self.exchange(request)? {
            Response::Error(fault) => Err(ClientError::Refused(fault)),
            response => Ok(response),
        }
    }

    /// Opens a session for `actor`; returns the tag's state.
    pub fn hello(&mut self, actor: PartyRef) -> Result<Status, ClientError> {
        match self.ask(&Request::Hello { actor })? {
            Response::Welcome { status, .. } => Ok(status),
            other => Err(unexpected(other)),
        }
    }

    /// The tag's state.
    pub fn status(&mut self) -> Result<Status, ClientError> {
        match self.ask(&Request::Status)? {
            Response::Status(status) => Ok(status),
            other => Err(unexpected(other)),
        }
    }

    /// The identity record as stored.
    pub fn identity(&mut self) -> Result<Vec<u8>, ClientError> {
        match self.ask(&Request::Identity)? {
            Response::Identity { stored } => Ok(stored.to_vec()),
            other => Err(unexpected(other)),
        }
    }

    /// Reads every entry from sequence number `from` to the end, decoding each record.
    pub fn read_all(&mut self, from: Seq) -> Result<Vec<ReadItem>, ClientError> {
        let mut items = Vec::new();
        let mut response = self.ask(&Request::Read { from })?;
        loop {
            match response {
                Response::End => return Ok(items),
                Response::Record {
                    offset,
                    state,
                    stored,
                } => items.push(decode_item(offset, state, &stored)?),
                Response::Damage(report) => items.push(ReadItem::Damage(report)),
                other => return Err(unexpected(other)),
            }
            response = self.ask(&Request::ReadNext)?;
        }
    }

    /// Appends `record`; returns its sequence number and the chain head after it.
    pub fn append(&mut self, record: &Record) -> Result<(Seq, Digest), ClientError> {
        let stored = encode_record(record).map_err(ClientError::Encode)?;
        self.appended(&Request::Append { stored })
    }

    /// Appends a signed checkpoint; returns its sequence number and the chain head after it.
    pub fn checkpoint(&mut self, checkpoint: &Checkpoint) -> Result<(Seq, Digest), ClientError> {
        let checkpoint = checkpoint.clone();
        self.appended(&Request::Checkpoint { checkpoint })
    }

    /// Commissions a blank tag with `record`; returns the chain head after it.
    pub fn commission(&mut self, record: &Record) -> Result<Digest, ClientError> {
        let stored = encode_record(record).map_err(ClientError::Encode)?;
        self.appended(&Request::Commission { stored })
            .map(|(_, head)| head)
    }

    fn appended(&mut self, request: &Request) -> Result<(Seq, Digest), ClientError> {
        match self.ask(request)? {
            Response::Appended { seq, head } => Ok((seq, head)),
            other => Err(unexpected(other)),
        }
    }

    /// Sets the tag's clock and time-zone offset.
    pub fn set_clock(&mut self, time: Timestamp, tz: TzOffset) -> Result<(), ClientError> {
        self.done(&Request::SetClock { time, tz })
    }

    /// Sets what the tag's button records.
    pub fn set_button(&mut self, action: ButtonAction) -> Result<(), ClientError> {
        self.done(&Request::SetButton { action })
    }

    /// Ends the session.
    pub fn goodbye(&mut self) -> Result<(), ClientError> {
        self.done(&Request::Goodbye)
    }

    fn done(&mut self, request: &Request) -> Result<(), ClientError> {
        match self.ask(request)? {
            Response::Done => Ok(()),
            other => Err(unexpected(other)),
        }
    }
}

fn unexpected(response: Response) -> ClientError {
    ClientError::Unexpected(Box::new(response))
}

fn decode_item(offset: u32, state: DeltaState, stored: &[u8]) -> Result<ReadItem, ClientError> {
    let mut state = state;
    let (record, _) = codec::decode(stored, &mut state)
        .map_err(|error| ClientError::BadRecord { offset, error })?;
    Ok(ReadItem::Record {
        offset,
        stored: stored.to_vec(),
        record: Box::new(record),
    })
}
