//! The stored format, version 1: each record in an envelope of version, type, length and CRC.
//!
//! ```text
//! +------------------+----------------+---------------------------+----------------+
//! | version<<4 | type| content length | content: header + body    | CRC-32C, LE    |
//! | 1 byte           | varint         | `length` bytes            | 4 bytes        |
//! +------------------+----------------+---------------------------+----------------+
//! ```
//!
//! The header and body are delta-coded against the records before them; [`DeltaState`] is all a
//! decoder has to remember. `docs/FORMAT.md` describes every byte.

mod body;
pub(crate) mod crc_syndrome;
mod error;
pub mod frame;
mod header;
pub(crate) mod model_fields;
pub(crate) mod postcard_wire;
mod reader;
mod shape;
mod state;

pub(crate) use model_fields::read_digest;
pub(crate) use postcard_wire::{Fields, Writer, copy_into};

pub use error::{DecodeError, DecodeErrorCode, DecodeErrorKind, EncodeError, Field, Problem};
pub use state::DeltaState;

pub use body::MAX_BODY_LEN;

use crate::model::{Body, Checkpoint, Custody, Header, Record, RecordType, SealNumber};
use postcard_wire::varint_len;
use reader::{Reader, Step, Stop};
use shape::SealFound;

/// The version of the stored format that this code writes. Every older version stays readable.
pub const FORMAT_VERSION: u8 = 1;

/// Bytes of the CRC at the end of every record.
pub const CRC_LEN: usize = 4;

/// The most content bytes (header and body) a record can have. Fixed by the format version:
/// decoders reject longer content, whatever the types could hold.
pub const MAX_CONTENT_LEN: usize = 220;

// Every record the model can express fits.
const _: () = assert!(header::MAX_HEADER_LEN + MAX_BODY_LEN <= MAX_CONTENT_LEN);

/// The most bytes one stored record can take, envelope and CRC included.
pub const MAX_RECORD_LEN: usize = 1 + varint_len(MAX_CONTENT_LEN) + MAX_CONTENT_LEN + CRC_LEN;

/// Fewer bytes than any stored record takes: the envelope byte, a one-byte length, one byte
/// of content and the CRC. A stretch of `n` unreadable bytes held at most `n` divided by this
/// many records.
pub const MIN_RECORD_LEN: usize = 1 + 1 + 1 + CRC_LEN;

// The length varint is written in a two-byte slot.
const _: () = assert!(MAX_CONTENT_LEN < 1 << 14);

/// CRC-32C (Castagnoli): hardware support on many MCUs, and a better Hamming distance than
/// CRC-32/ISO-HDLC for records of this length.
const CRC: crc::Crc<u32, CrcTable> = crc::Crc::<u32, CrcTable>::new(&crc::CRC_32_ISCSI);

/// On a microcontroller the CRC is computed bit by bit (for size, `docs/FIRMWARE.md`); hosts,
/// which check thousands of logs, use a table.
#[cfg(target_os = "none")]
type CrcTable = crc::NoTable;
#[cfg(not(target_os = "none"))]
type CrcTable = crc::Table<1>;

/// The CRC-32C of `bytes`, as stored at the end of a record.
pub fn checksum(bytes: &[u8]) -> u32 {
    CRC.checksum(bytes)
}

/// The CRC-32C of `prefix` followed by `bytes`.
pub fn checksum_after(prefix: &[u8], bytes: &[u8]) -> u32 {
    let mut digest = CRC.digest();
    digest.update(prefix);
    digest.update(bytes);
    digest.finalize()
}

/// A buffer that holds any one stored record.
pub type RecordBuf = heapless::Vec<u8, MAX_RECORD_LEN>;

/// Encodes `record` into `out` as the record that follows `state`, and advances `state`.
///
/// Returns how many bytes were written. `out` of [`MAX_RECORD_LEN`] bytes always suffices.
///
/// ```
/// use remtag::codec::{self, DeltaState, MAX_RECORD_LEN};
/// use remtag::model::*;
///
/// let record = Record {
///     header: Header {
///         seq: Seq(0),
///         time: Some(Timestamp { at: UtcSeconds(585_972_000), quality: TimeQuality::Gnss }),
///         tz: TzOffset::from_quarter_hours(36).unwrap_or_default(),
///         actor: PartyRef(1),
///         location: Location::Place(PlaceRef(1)),
///     },
///     body: Body::Custody(Custody {
///         step: BizStep::Accepting,
///         disposition: Disposition::InTransit,
///         from: PartyRef(2),
///         to: PartyRef(1),
///         seal: Some(Seal { number: SealNumber(180_001), state: SealState::Applied }),
///         condition: Condition::Good,
///     }),
/// };
/// let mut state = DeltaState::default();
/// let mut buf = [0u8; MAX_RECORD_LEN];
/// let len = codec::encode(&record, &mut state, &mut buf)?;
/// assert!(len <= 32);
///
/// let (decoded, used) = codec::decode(&buf[..len], &mut DeltaState::default())?;
/// assert_eq!((decoded, used), (record, len));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn encode(
    record: &Record,
    state: &mut DeltaState,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let mut buf = [0u8; MAX_BODY_LEN];
    let body = StoredBody::new(&record.body, &mut buf)?;
    encode_parts(&record.header, &body, state, out)
}

/// Encodes the record of `header` and `body` into `out` as the record that follows `state`, and
/// advances `state`: [`encode`] for a body already in its stored form.
///
/// Returns how many bytes were written. `out` of [`MAX_RECORD_LEN`] bytes always suffices.
pub fn encode_parts(
    header: &Header,
    body: &StoredBody<'_>,
    state: &mut DeltaState,
    out: &mut [u8],
) -> Result<usize, EncodeError> {
    let implicit_ok = state.last_seq.is_none() || state.implicit_seq().is_some();
    if !implicit_ok && state.last_seq == Some(header.seq) {
        return Err(EncodeError::SequenceExhausted);
    }
    let too_small = EncodeError::BufferTooSmall {
        needed: MAX_RECORD_LEN,
    };
    let (kind, rest) = out.split_first_mut().ok_or(too_small)?;
    *kind = (FORMAT_VERSION << 4) | body.record_type.code();

    // Content goes after a two-byte slot for its length, and moves left if one byte suffices.
    let content = rest.get_mut(2..2 + MAX_CONTENT_LEN).ok_or(too_small)?;
    let mut w = Writer::new(content, MAX_RECORD_LEN);
    header::write(&mut w, header, state);
    body::write_coded(&mut w, body.bytes, body.seal, state);
    let content_len = w.finish()?;

    // The length goes at the start of the slot. Cannot fail: content_len < 2^14 fits a
    // two-byte varint.
    let mut len_writer = Writer::new(rest.get_mut(..2).ok_or(too_small)?, MAX_RECORD_LEN);
    len_writer.u32(content_len as u32);
    let len_len = len_writer.position();
    // Moves the content left over the unused byte of the slot, a byte at a time (`copy_within`
    // would check its range with a panic).
    for at in 2..2 + content_len {
        let byte = *rest.get(at).ok_or(too_small)?;
        *rest.get_mut(at + len_len - 2).ok_or(too_small)? = byte;
    }

    let crc_at = 1 + len_len + content_len;
    let crc = checksum(out.get(..crc_at).ok_or(too_small)?);
    out.get_mut(crc_at..crc_at + CRC_LEN)
        .ok_or(too_small)?
        .copy_from_slice(&crc.to_le_bytes());
    state.advance_parts(header, body.seal_number());
    Ok(crc_at + CRC_LEN)
}

/// A buffer that holds any one body in its stored form.
pub type BodyBuf = [u8; MAX_BODY_LEN];

/// A record body in its stored form as the first record of a log: as a reader sends it, and as
/// [`encode_parts`] takes it to code against the records before it (only a custody seal
/// changes). Made only from a body, or from bytes that decode, so it always decodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StoredBody<'a> {
    record_type: RecordType,
    bytes: &'a [u8],
    seal: SealFound,
}

impl<'a> StoredBody<'a> {
    /// `body` in its stored form, written into `buf`.
    pub fn new(body: &Body, buf: &'a mut BodyBuf) -> Result<Self, EncodeError> {
        Self::write(body.record_type(), buf, |w| body::write_free(w, body))
    }

    /// A custody body: [`new`](Self::new) for a device that makes only custody records and
    /// checkpoints, so that it carries no code to write other bodies.
    pub fn custody(custody: &Custody, buf: &'a mut BodyBuf) -> Result<Self, EncodeError> {
        Self::write(RecordType::Custody, buf, |w| {
            body::write_custody(w, custody)
        })
    }

    /// A checkpoint body, as [`custody`](Self::custody) is made.
    pub fn checkpoint(checkpoint: &Checkpoint, buf: &'a mut BodyBuf) -> Result<Self, EncodeError> {
        Self::write(RecordType::Checkpoint, buf, |w| {
            body::write_checkpoint(w, checkpoint);
            SealFound::Absent
        })
    }

    fn write(
        record_type: RecordType,
        buf: &'a mut BodyBuf,
        write: impl FnOnce(&mut Writer<'_>) -> SealFound,
    ) -> Result<Self, EncodeError> {
        let mut w = Writer::new(buf, MAX_RECORD_LEN);
        let seal = write(&mut w);
        let len = w.finish()?;
        Ok(StoredBody {
            record_type,
            bytes: buf.get(..len).unwrap_or_default(),
            seal,
        })
    }

    /// The record type.
    pub fn record_type(&self) -> RecordType {
        self.record_type
    }

    /// The stored bytes.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The number of the custody seal, when the body is a custody record with a seal.
    fn seal_number(&self) -> Option<SealNumber> {
        match self.seal {
            SealFound::New { number, .. } => Some(number),
            SealFound::Absent | SealFound::Same => None,
        }
    }
}

/// Encodes `record` as the record that follows `state` into a [`RecordBuf`], advancing `state`.
pub fn encode_to_buf(record: &Record, state: &mut DeltaState) -> Result<RecordBuf, EncodeError> {
    let mut buf = [0u8; MAX_RECORD_LEN];
    let len = encode(record, state, &mut buf)?;
    let bytes = buf.get(..len).ok_or(EncodeError::BufferTooSmall {
        needed: MAX_RECORD_LEN,
    })?;
    RecordBuf::from_slice(bytes).map_err(|_| EncodeError::BufferTooSmall {
        needed: MAX_RECORD_LEN,
    })
}

/// The envelope of a stored record, read and checked without decoding the content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Envelope {
    /// The record type.
    pub record_type: RecordType,
    /// Offset of the content from the start of the record.
    pub content_start: usize,
    /// Length of the content.
    pub content_len: usize,
    /// Length of the whole record, envelope and CRC included.
    pub total_len: usize,
}

/// Reads the envelope at the start of `bytes` and checks its CRC.
///
/// Errors name offsets from the start of `bytes`. The version is checked first, since a newer
/// version may lay out its envelope differently; the CRC is checked before the type, so that a
/// damaged type byte is reported as damage.
pub fn read_envelope(bytes: &[u8]) -> Result<Envelope, DecodeError> {
    let (content_start, content_len) = read_length(bytes)?;
    let crc_at = content_start + content_len;
    let total_len = crc_at + CRC_LEN;
    if bytes.len() < total_len {
        return Err(DecodeError::new(
            bytes.len(),
            DecodeErrorKind::Truncated {
                needed: total_len - bytes.len(),
            },
        ));
    }
    let covered = bytes.get(..crc_at).unwrap_or_default();
    let mut stored = [0u8; CRC_LEN];
    stored.copy_from_slice(bytes.get(crc_at..total_len).unwrap_or(&[0; CRC_LEN]));
    let stored = u32::from_le_bytes(stored);
    let computed = checksum(covered);
    if stored != computed {
        return Err(DecodeError::new(
            crc_at,
            DecodeErrorKind::CrcMismatch { stored, computed },
        ));
    }
    let code = bytes.first().copied().unwrap_or_default() & 0x0f;
    let record_type = RecordType::from_code(code).ok_or(DecodeError::new(
        0,
        DecodeErrorKind::UnknownRecordType(code),
    ))?;
    Ok(Envelope {
        record_type,
        content_start,
        content_len,
        total_len,
    })
}

/// How many bytes the record at the start of `bytes` takes, read from its first bytes alone
/// (at most [`LENGTH_PREFIX_LEN`]); nothing is checked beyond the version and the length.
pub fn stored_len(bytes: &[u8]) -> Result<usize, DecodeError> {
    read_length(bytes).map(|(start, len)| start + len + CRC_LEN)
}

/// The most bytes [`stored_len`] looks at: the version and type byte and the length varint.
pub const LENGTH_PREFIX_LEN: usize = 1 + varint_len(MAX_CONTENT_LEN);

/// Reads the version and the content length; returns where the content starts and its length.
fn read_length(bytes: &[u8]) -> Result<(usize, usize), DecodeError> {
    let first = *bytes.first().ok_or(DecodeError::new(
        0,
        DecodeErrorKind::Truncated { needed: 1 },
    ))?;
    let version = first >> 4;
    if version != FORMAT_VERSION {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::UnsupportedVersion(version),
        ));
    }
    // Read with the bare field reader: its errors are all the length's, and the end of the
    // varint is where the content starts.
    let mut fields = Fields::new(bytes.get(1..).unwrap_or_default());
    let result = fields.u32();
    let end = 1 + fields.used();
    let content_len = match result {
        Ok(len) => len,
        Err(postcard::Error::DeserializeUnexpectedEnd) => {
            return Err(DecodeError::new(
                end,
                DecodeErrorKind::Truncated { needed: 1 },
            ));
        }
        // At the last byte read, as a field's error is.
        Err(err) => {
            return Err(DecodeError::new(
                (end - 1).max(1),
                DecodeErrorKind::Field {
                    field: Field::Length,
                    problem: Problem::from_postcard(err),
                },
            ));
        }
    };
    if content_len as usize > MAX_CONTENT_LEN {
        return Err(DecodeError::new(
            1,
            DecodeErrorKind::LengthOutOfRange(content_len),
        ));
    }
    Ok((end, content_len as usize))
}

/// Decodes the record at the start of `bytes`, which follows `state`, and advances `state`.
///
/// Returns the record and how many bytes it took. On error `state` is unchanged and the error
/// names the offset, from the start of `bytes`, where decoding stopped.
pub fn decode(bytes: &[u8], state: &mut DeltaState) -> Result<(Record, usize), DecodeError> {
    let (header, body, len) = read_parts(bytes, state)?;
    let record = Record { header, body };
    state.advance(&record);
    Ok((record, len))
}

/// Checks that the record at the start of `bytes`, which follows `state`, decodes, and advances
/// `state` as [`decode`] does, without handing the record out: for readers that keep the
/// stored bytes only. Returns how many bytes the record took; an error is [`decode`]'s.
///
/// The body is checked by its shape, not decoded (for size, `docs/FIRMWARE.md`).
#[inline(never)]
pub fn check(bytes: &[u8], state: &mut DeltaState) -> Result<usize, DecodeError> {
    // Borrowed where it lies, not moved out of the result (for stack, `docs/FIRMWARE.md`).
    match &read_checked(bytes, state) {
        // A seal that repeats the last one's number leaves the state's seal as it is.
        Ok(checked) => {
            state.advance_parts(&checked.header, checked.body.seal_number());
            Ok(checked.len)
        }
        Err(e) => Err(*e),
    }
}

/// Reads the record a reader sent: one record alone, coded as the first record of a log, and
/// nothing after it. Returns its header and its body in stored form, or [`decode`]'s error,
/// with trailing bytes after the record as [`DecodeErrorKind::TrailingBytes`] at its end.
pub fn read_stored(bytes: &[u8]) -> Result<(Header, StoredBody<'_>), DecodeError> {
    // Borrowed where it lies, as in `check`.
    match &read_checked(bytes, &DeltaState::default()) {
        Ok(checked) if checked.len == bytes.len() => Ok((checked.header, checked.body)),
        Ok(checked) => Err(DecodeError::new(
            checked.len,
            DecodeErrorKind::TrailingBytes(bytes.len().saturating_sub(checked.len)),
        )),
        Err(e) => Err(*e),
    }
}

/// A record checked by its shape.
struct Checked<'a> {
    header: Header,
    body: StoredBody<'a>,
    len: usize,
}

fn read_checked<'a>(bytes: &'a [u8], state: &DeltaState) -> Result<Checked<'a>, DecodeError> {
    let (env, mut r) = open_content(bytes)?;
    let (header, body, seal) =
        check_content(&mut r, env.record_type, state).map_err(|Stop| r.error())?;
    Ok(Checked {
        header,
        body: StoredBody {
            record_type: env.record_type,
            bytes: body,
            seal,
        },
        len: env.total_len,
    })
}

/// The header of the content `r` reads, the bytes of its body, and what the body's shape found
/// of a seal: a seal that repeats the last one's number needs one before it.
fn check_content<'a>(
    r: &mut Reader<'a>,
    ty: RecordType,
    state: &DeltaState,
) -> Step<(Header, &'a [u8], SealFound)> {
    let header = header::read(r, state)?;
    let body_at = r.offset();
    // All of what follows the header, once nothing is left over after the body.
    let body = r.rest();
    let seal = r.take_shape(shape::of(ty))?;
    if seal == SealFound::Same && state.last_seal.is_none() {
        return Err(r.fail(body_at, DecodeErrorKind::MissingContext(Field::Seal)));
    }
    all_read(r)?;
    Ok((header, body, seal))
}

/// The header and body of the record at the start of `bytes`, which follows `state`, and how
/// many bytes it took; content left over after the body is an error.
fn read_parts(bytes: &[u8], state: &DeltaState) -> Result<(Header, Body, usize), DecodeError> {
    let (env, mut r) = open_content(bytes)?;
    let read = |r: &mut Reader<'_>| -> Step<(Header, Body)> {
        let header = header::read(r, state)?;
        let body = body::read(r, env.record_type, state)?;
        all_read(r)?;
        Ok((header, body))
    };
    let (header, body) = read(&mut r).map_err(|Stop| r.error())?;
    Ok((header, body, env.total_len))
}

/// The envelope of the record at the start of `bytes`, and a reader of its content.
fn open_content(bytes: &[u8]) -> Result<(Envelope, Reader<'_>), DecodeError> {
    let env = read_envelope(bytes)?;
    let up_to_crc = bytes
        .get(..env.content_start + env.content_len)
        .unwrap_or_default();
    Ok((env, Reader::new(up_to_crc, env.content_start)))
}

/// Content left over after the last field is an error.
fn all_read(r: &mut Reader<'_>) -> Step<()> {
    match r.remaining() {
        0 => Ok(()),
        n => Err(r.fail(r.offset(), DecodeErrorKind::TrailingBytes(n))),
    }
}

/// A record read from a sequence, with where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Located {
    /// The record.
    pub record: Record,
    /// Its offset in the input.
    pub offset: usize,
    /// Its stored length.
    pub len: usize,
}

/// Decodes a sequence of records laid end to end, as a log stores them.
///
/// Yields each record in turn; after the first error it yields that error and then nothing,
/// since the records after a damaged one cannot be trusted to decode against it.
pub struct Decoder<'a> {
    bytes: &'a [u8],
    pos: usize,
    state: DeltaState,
    done: bool,
}

impl<'a> Decoder<'a> {
    /// Decodes `bytes` from the start of a log.
    pub fn new(bytes: &'a [u8]) -> Self {
        Self::with_state(bytes, DeltaState::default())
    }

    /// Decodes `bytes`, whose first record follows `state`.
    pub fn with_state(bytes: &'a [u8], state: DeltaState) -> Self {
        Decoder {
            bytes,
            pos: 0,
            state,
            done: false,
        }
    }

    /// The state after the last record decoded.
    pub fn state(&self) -> &DeltaState {
        &self.state
    }

    /// How many bytes have been decoded.
    pub fn position(&self) -> usize {
        self.pos
    }
}

impl Iterator for Decoder<'_> {
    type Item = Result<Located, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done || self.pos >= self.bytes.len() {
            return None;
        }
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        match decode(rest, &mut self.state) {
            Ok((record, len)) => {
                let offset = self.pos;
                self.pos += len;
                Some(Ok(Located {
                    record,
                    offset,
                    len,
                }))
            }
            Err(err) => {
                self.done = true;
                Some(Err(err.shifted(self.pos)))
            }
        }
    }
}
