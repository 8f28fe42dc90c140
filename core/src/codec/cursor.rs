//! Reading and writing fields one at a time with postcard, keeping track of byte positions so
//! that an error can name its offset.

use postcard::de_flavors::Flavor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::{DecodeError, DecodeErrorKind, EncodeError, Field, Problem};
use super::shape::{self, SealFound, Shape};
use crate::model::{Bytes, Digest, TzOffset};

/// A read that stopped: the [`Reader`] holds the error. Small, so that the result of each
/// field comes back in registers rather than with an error of 16 bytes copied at every call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stop;

/// The result of a step of a read; on [`Stop`], [`Reader::error`] says why.
pub(crate) type Step<T> = Result<T, Stop>;

/// Reads postcard values from a byte slice and remembers how far it got, and why it stopped.
pub(crate) struct Reader<'a> {
    /// The bytes, and how many have been read: every field is read in place, with no reader
    /// of its own to set up and count back.
    fields: Fields<'a>,
    /// Why the last step that stopped stopped; meaningless until one has.
    error: DecodeError,
}

impl<'a> Reader<'a> {
    /// Reads `bytes` from offset `start` on; errors name offsets in `bytes`.
    pub(crate) fn new(bytes: &'a [u8], start: usize) -> Self {
        Reader {
            fields: Fields { bytes, used: start },
            error: DecodeError::new(0, DecodeErrorKind::TrailingBytes(0)),
        }
    }

    /// The offset of the next byte to read.
    pub(crate) fn offset(&self) -> usize {
        self.fields.used
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.fields.rest()
    }

    pub(crate) fn remaining(&self) -> usize {
        self.fields.bytes.len().saturating_sub(self.fields.used)
    }

    /// Why the last step that returned [`Stop`] stopped.
    pub(crate) fn error(&self) -> DecodeError {
        self.error
    }

    /// Stops with `kind` at `offset`.
    pub(crate) fn fail(&mut self, offset: usize, kind: DecodeErrorKind) -> Stop {
        self.error = DecodeError::new(offset, kind);
        Stop
    }

    /// Reads one value of `field` with serde, for the bodies only readers make. On failure the
    /// error names the byte where reading stopped.
    pub(crate) fn take<T: DeserializeOwned>(&mut self, field: Field) -> Step<T> {
        let start = self.offset();
        let (result, used) = take_postcard::<T>(self.fields.rest());
        self.fields.used += used;
        self.stop_at(field, result, start)
    }

    /// Reads one value of `field` with `read`, one of [`Fields`]' readers. On failure the
    /// error names the byte where reading stopped.
    pub(crate) fn read<T>(
        &mut self,
        field: Field,
        read: impl FnOnce(&mut Fields<'a>) -> postcard::Result<T>,
    ) -> Step<T> {
        let start = self.offset();
        let result = read(&mut self.fields);
        self.stop_at(field, result, start)
    }

    /// Checks one body of `shape`, as [`take`](Self::take) would read it, and says what it
    /// found of a custody seal.
    pub(crate) fn take_shape(&mut self, shape: Shape) -> Step<SealFound> {
        let start = self.offset();
        let (result, used, seal) = shape::walk(shape, self.fields.rest());
        self.fields.used += used;
        self.stop_at(Field::Body, result.map(|()| seal), start)
    }

    /// `result` of a value of `field` that started at `start`; an error stops the read.
    fn stop_at<T>(&mut self, field: Field, result: postcard::Result<T>, start: usize) -> Step<T> {
        result.map_err(|err| self.field_error(field, err, start))
    }

    /// Stops with the error `err` of a value of `field` that started at `start` and ends here.
    #[inline(never)]
    fn field_error(&mut self, field: Field, err: postcard::Error, start: usize) -> Stop {
        let problem = Problem::from_postcard(err);
        // Point at the byte that made the value wrong: the last one read. When the content
        // ends early, that is the end of the content.
        let offset = match problem {
            Problem::UnexpectedEnd => self.offset(),
            _ => self.offset().saturating_sub(1).max(start),
        };
        self.fail(offset, DecodeErrorKind::Field { field, problem })
    }
}

/// Reads one postcard value from the start of `bytes` with the same deserializer the codec
/// uses, so that each type's decoder exists once. Returns the value and the bytes it took.
pub(crate) fn take_postcard<T: DeserializeOwned>(bytes: &[u8]) -> (postcard::Result<T>, usize) {
    let mut fields = Fields::new(bytes);
    let result = fields.serde::<T>();
    (result, fields.used())
}

/// Postcard's deserializer owns its flavor; lending it the codec's fields lets the count of
/// bytes used survive it.
struct Lent<'t, 'de>(&'t mut Fields<'de>);

impl<'t, 'de: 't> Flavor<'t> for Lent<'t, 'de> {
    type Remainder = ();
    type Source = ();

    fn pop(&mut self) -> postcard::Result<u8> {
        self.0.byte()
    }

    /// Unlike [`Fields::raw`], takes nothing when fewer than `ct` bytes are left, as
    /// postcard's own slice flavor does.
    fn try_take_n(&mut self, ct: usize) -> postcard::Result<&'t [u8]> {
        let fields = &mut *self.0;
        let end = fields
            .used
            .checked_add(ct)
            .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
        let taken = fields
            .bytes
            .get(fields.used..end)
            .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
        fields.used = end;
        Ok(taken)
    }

    fn finalize(self) -> postcard::Result<()> {
        Ok(())
    }
}

/// Reads postcard values one after another, as postcard's deserializer reads the serde form of
/// the model's types: each error is the one postcard reports, and [`used`](Self::used) counts
/// the bytes it had consumed when it stopped. For what a tag reads by hand instead of through
/// serde's derives, with one copy of one varint reader (postcard's deserializer is generic
/// over each type and its visitor). Tests hold every reader to postcard (the tests below) and
/// to the derives (`tests/wire_by_hand.rs`, `tests/shape_check.rs`, the log's own tests).
pub(crate) struct Fields<'a> {
    bytes: &'a [u8],
    used: usize,
}

/// The most bytes of the varint of an unsigned number, and the largest last byte it may have
/// (the bits of the number left for it): postcard refuses longer varints and larger ones.
#[derive(Clone, Copy)]
struct Width {
    max_len: u32,
    max_last: u8,
}

impl Width {
    const fn of_bits(bits: u32) -> Self {
        Width {
            max_len: bits.div_ceil(7),
            max_last: (1u8 << (bits % 7)).wrapping_sub(1),
        }
    }
}

const U16: Width = Width::of_bits(16);
const U32: Width = Width::of_bits(32);
const U64: Width = Width::of_bits(64);
/// A list's length: postcard reads a `usize` as a number of the target's pointer width.
const USIZE: Width = Width::of_bits(usize::BITS);

impl<'a> Fields<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Fields { bytes, used: 0 }
    }

    /// How many bytes have been read, up to and including a failure.
    pub(crate) fn used(&self) -> usize {
        self.used
    }

    /// One value read with serde, with the deserializer of [`take_postcard`].
    pub(crate) fn serde<T: DeserializeOwned>(&mut self) -> postcard::Result<T> {
        T::deserialize(&mut postcard::Deserializer::from_flavor(Lent(self)))
    }

    /// The bytes not read yet.
    fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.used..).unwrap_or_default()
    }

    /// `n` bytes as they are. Bytes that end early are all read, as postcard reads them one
    /// at a time.
    pub(crate) fn raw(&mut self, n: usize) -> postcard::Result<&'a [u8]> {
        let rest = self.rest();
        match rest.get(..n) {
            Some(taken) => {
                self.used += n;
                Ok(taken)
            }
            None => {
                self.used += rest.len();
                Err(postcard::Error::DeserializeUnexpectedEnd)
            }
        }
    }

    /// One byte as it is: a `u8`, an `i8`.
    pub(crate) fn byte(&mut self) -> postcard::Result<u8> {
        let byte = *self
            .bytes
            .get(self.used)
            .ok_or(postcard::Error::DeserializeUnexpectedEnd)?;
        self.used += 1;
        Ok(byte)
    }

    /// The varint of an unsigned number of `width`: seven bits a byte, least significant
    /// first, the high bit set on every byte but the last.
    fn varint(&mut self, width: Width) -> postcard::Result<u64> {
        let mut value = 0u64;
        for i in 0..width.max_len {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7F) << (7 * i);
            if byte & 0x80 == 0 {
                if i + 1 == width.max_len && byte > width.max_last {
                    break;
                }
                return Ok(value);
            }
        }
        Err(postcard::Error::DeserializeBadVarint)
    }

    /// A `u16`.
    pub(crate) fn u16(&mut self) -> postcard::Result<u16> {
        self.varint(U16).map(|v| v as u16)
    }

    /// A `u32` (or a type that wraps one).
    pub(crate) fn u32(&mut self) -> postcard::Result<u32> {
        self.varint(U32).map(|v| v as u32)
    }

    /// A `u64`.
    pub(crate) fn u64(&mut self) -> postcard::Result<u64> {
        self.varint(U64)
    }

    /// A list's length.
    pub(crate) fn list_len(&mut self) -> postcard::Result<usize> {
        self.varint(USIZE).map(|v| v as usize)
    }

    /// An `i32`: zigzag (0, -1, 1, -2, … as 0, 1, 2, 3, …) in the varint of a `u32`.
    pub(crate) fn i32(&mut self) -> postcard::Result<i32> {
        self.u32().map(|v| (v >> 1) as i32 ^ -((v & 1) as i32))
    }

    /// An `i64`: zigzag in the varint of a `u64`.
    pub(crate) fn i64(&mut self) -> postcard::Result<i64> {
        self.u64().map(|v| (v >> 1) as i64 ^ -((v & 1) as i64))
    }

    /// A unit variant of an enum, by its index in serde order, which `from_index` maps to it.
    pub(crate) fn variant<T>(&mut self, from_index: fn(u32) -> Option<T>) -> postcard::Result<T> {
        from_index(self.u32()?).ok_or(REFUSED)
    }

    /// An option's tag: whether a value follows.
    pub(crate) fn tag(&mut self) -> postcard::Result<bool> {
        match self.byte()? {
            NONE => Ok(false),
            SOME => Ok(true),
            _ => Err(postcard::Error::DeserializeBadOption),
        }
    }

    /// An optional `u32`, as [`Writer::optional_u32`] writes it.
    pub(crate) fn optional_u32(&mut self) -> postcard::Result<Option<u32>> {
        match self.tag()? {
            false => Ok(None),
            true => self.u32().map(Some),
        }
    }
}

/// `N` bytes as they are, into `out`: a digest or a signature where it is kept.
pub(crate) fn read_bytes<const N: usize>(
    fields: &mut Fields<'_>,
    out: &mut Bytes<N>,
) -> postcard::Result<()> {
    copy_into(&mut out.0, fields.raw(N)?).ok_or(postcard::Error::DeserializeUnexpectedEnd)
}

/// A digest: 32 bytes as they are.
pub(crate) fn read_digest(fields: &mut Fields<'_>) -> postcard::Result<Digest> {
    let bytes = fields.raw(32)?;
    <[u8; 32]>::try_from(bytes)
        .map(Digest::from)
        .map_err(|_| postcard::Error::DeserializeUnexpectedEnd)
}

/// A time-zone offset: an `i8` that [`TzOffset`] accepts.
pub(crate) fn read_tz(fields: &mut Fields<'_>) -> postcard::Result<TzOffset> {
    let quarters = fields.byte()? as i8;
    TzOffset::from_quarter_hours(quarters).ok_or(REFUSED)
}

/// Reads the `len` items of a list of at most `max` with `item`, as serde's list reads them:
/// one item more than fits before it refuses the list.
pub(crate) fn list_items(
    len: usize,
    max: usize,
    mut item: impl FnMut() -> postcard::Result<()>,
) -> postcard::Result<()> {
    for read in 0..len {
        item()?;
        if read >= max {
            return Err(REFUSED);
        }
    }
    Ok(())
}

/// Postcard's tags of an absent and a present option.
const NONE: u8 = 0;
const SOME: u8 = 1;

/// The error postcard reports for a value the model's types refuse (an undefined variant, a
/// list longer than its capacity, a value out of range).
pub(crate) const REFUSED: postcard::Error = postcard::Error::SerdeDeCustom;

/// Writes postcard values into a byte slice, as postcard's serializer writes their serde form.
///
/// Numbers, tags and bytes are written here, by one copy of one varint writer: postcard's
/// serializer indexes its varint buffers with bounds checks whose panics would bring the whole
/// of `core::fmt` into a Cortex-M0's image, and each number type gets its own copy.
/// [`serde`](Self::serde) writes the bodies a tag never makes. A write that does not fit
/// writes nothing and is remembered: a writer's result is checked once, with
/// [`finish`](Self::finish) or [`status`](Self::status), after the last write. Tests hold
/// every writer to postcard (the tests below) and to the serde form (`tests/wire_by_hand.rs`,
/// the golden vectors).
pub(crate) struct Writer<'a> {
    buf: &'a mut [u8],
    pos: usize,
    /// The size to report when the buffer runs out.
    needed: usize,
    /// Whether a write did not fit.
    overflowed: bool,
}

impl<'a> Writer<'a> {
    pub(crate) fn new(buf: &'a mut [u8], needed: usize) -> Self {
        Writer {
            buf,
            pos: 0,
            needed,
            overflowed: false,
        }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// Whether every write so far fitted.
    pub(crate) fn status(&self) -> Result<(), EncodeError> {
        match self.overflowed {
            false => Ok(()),
            true => Err(EncodeError::BufferTooSmall {
                needed: self.needed,
            }),
        }
    }

    /// How many bytes were written, when every write fitted.
    pub(crate) fn finish(&self) -> Result<usize, EncodeError> {
        self.status().map(|()| self.pos)
    }

    /// Writes `value` with serde: for the bodies only readers make.
    pub(crate) fn serde<T: Serialize + ?Sized>(&mut self, value: &T) {
        let rest = self.buf.get_mut(self.pos..).unwrap_or_default();
        match postcard::to_slice(value, rest) {
            Ok(used) => self.pos += used.len(),
            Err(_) => self.overflowed = true,
        }
    }

    /// Writes one byte as it is: a `u8`, an `i8`, or an option's tag.
    pub(crate) fn byte(&mut self, byte: u8) {
        match self.buf.get_mut(self.pos) {
            Some(slot) => {
                *slot = byte;
                self.pos += 1;
            }
            None => self.overflowed = true,
        }
    }

    /// Overwrites the byte written at [`position`](Self::position) `at`: for a byte that
    /// describes the bytes after it. When that byte did not fit, nothing is written.
    pub(crate) fn set(&mut self, at: usize, byte: u8) {
        if let Some(slot) = self.buf.get_mut(at) {
            *slot = byte;
        }
    }

    /// Writes an unsigned number as postcard's varint: seven bits a byte, least significant
    /// first, the high bit set on every byte but the last. Postcard writes `u16`, `u32`,
    /// `u64`, `usize` and an enum's variant index so.
    pub(crate) fn u64(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.byte(value as u8 | 0x80);
            value >>= 7;
        }
        self.byte(value as u8)
    }

    /// Writes a `u32` (or a type that wraps one, or an enum's variant index).
    pub(crate) fn u32(&mut self, value: u32) {
        self.u64(u64::from(value))
    }

    /// Writes a signed number as postcard does: zigzag (0, -1, 1, -2, … as 0, 1, 2, 3, …),
    /// then the varint. The same for an `i32` and an `i64` of the same value.
    pub(crate) fn i64(&mut self, value: i64) {
        self.u64(((value << 1) ^ (value >> 63)) as u64)
    }

    /// Writes a time-zone offset: its quarter hours, an `i8`.
    pub(crate) fn tz(&mut self, tz: TzOffset) {
        self.byte(tz.quarter_hours() as u8)
    }

    /// Writes an option's tag, as postcard writes it: whether a value follows.
    pub(crate) fn tag(&mut self, some: bool) {
        self.byte(if some { SOME } else { NONE })
    }

    /// Writes an optional `u32` (or a type that wraps one), as postcard writes an `Option`.
    pub(crate) fn optional_u32(&mut self, value: Option<u32>) {
        self.tag(value.is_some());
        if let Some(value) = value {
            self.u32(value)
        }
    }

    /// Writes `bytes` as they are.
    pub(crate) fn bytes(&mut self, bytes: &[u8]) {
        let rest = self.buf.get_mut(self.pos..).unwrap_or_default();
        match copy_into(rest, bytes) {
            Some(()) => self.pos += bytes.len(),
            None => self.overflowed = true,
        }
    }

    // The same writes, each checked on its own, for writers of a field or two.

    /// [`u32`](Self::u32), then [`status`](Self::status).
    pub(crate) fn put_u32(&mut self, value: u32) -> Result<(), EncodeError> {
        self.u32(value);
        self.status()
    }

    /// [`tag`](Self::tag), then [`status`](Self::status).
    pub(crate) fn put_tag(&mut self, some: bool) -> Result<(), EncodeError> {
        self.tag(some);
        self.status()
    }

    /// [`optional_u32`](Self::optional_u32), then [`status`](Self::status).
    pub(crate) fn put_optional_u32(&mut self, value: Option<u32>) -> Result<(), EncodeError> {
        self.optional_u32(value);
        self.status()
    }

    /// [`bytes`](Self::bytes), then [`status`](Self::status).
    pub(crate) fn put_bytes(&mut self, bytes: &[u8]) -> Result<(), EncodeError> {
        self.bytes(bytes);
        self.status()
    }
}

/// Copies `src` to the start of `dst`; `None` when it does not fit. Element by element, which
/// compiles to a memory copy: `copy_from_slice` checks again lengths that the compiler
/// cannot always prove equal, with a panic.
pub(crate) fn copy_into(dst: &mut [u8], src: &[u8]) -> Option<()> {
    let dst = dst.get_mut(..src.len())?;
    for (to, from) in dst.iter_mut().zip(src) {
        *to = *from;
    }
    Some(())
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;
    use serde::de::DeserializeOwned;

    use super::*;

    /// What postcard reads of a `T` at the start of `bytes`, and how many bytes it took.
    fn by_postcard<T: DeserializeOwned>(bytes: &[u8]) -> (postcard::Result<T>, usize) {
        take_postcard::<T>(bytes)
    }

    /// What `read` reads at the start of `bytes`, and how many bytes it took.
    fn by_hand<'a, T>(
        bytes: &'a [u8],
        read: impl FnOnce(&mut Fields<'a>) -> postcard::Result<T>,
    ) -> (postcard::Result<T>, usize) {
        let mut fields = Fields::new(bytes);
        let value = read(&mut fields);
        (value, fields.used())
    }

    /// Bytes that are mostly varints near the edges of each width: runs of continuation
    /// bytes, then a last byte of any value.
    fn varint_like() -> impl Strategy<Value = Vec<u8>> {
        (
            0usize..12,
            any::<u8>(),
            proptest::collection::vec(any::<u8>(), 0..3),
        )
            .prop_map(|(run, last, tail)| {
                let mut bytes: Vec<u8> = (0..run)
                    .map(|i| 0x80 | (i as u8).wrapping_mul(37))
                    .collect();
                bytes.push(last);
                bytes.extend(tail);
                bytes
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        /// Every reader of numbers reads what postcard reads, or fails as it fails, after the
        /// same number of bytes.
        #[test]
        fn numbers_are_read_as_postcard_reads_them(bytes in varint_like()) {
            prop_assert_eq!(by_hand(&bytes, Fields::u16), by_postcard::<u16>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::u32), by_postcard::<u32>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::u64), by_postcard::<u64>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::list_len), by_postcard::<usize>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::i32), by_postcard::<i32>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::i64), by_postcard::<i64>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::byte), by_postcard::<u8>(&bytes));
            prop_assert_eq!(by_hand(&bytes, read_tz), by_postcard::<TzOffset>(&bytes));
        }

        /// Every writer of numbers writes the bytes postcard writes.
        #[test]
        fn numbers_are_written_as_postcard_writes_them(n in any::<u64>(), shift in 0u32..64) {
            let n = n >> shift;
            prop_assert_eq!(written(|w| w.u64(n)), postcard::to_allocvec(&n).ok());
            prop_assert_eq!(
                written(|w| w.u32(n as u32)),
                postcard::to_allocvec(&(n as u32)).ok()
            );
            prop_assert_eq!(
                written(|w| w.i64(n as i64)),
                postcard::to_allocvec(&(n as i64)).ok()
            );
            prop_assert_eq!(
                written(|w| w.i64((n as i32).into())),
                postcard::to_allocvec(&(n as i32)).ok()
            );
            prop_assert_eq!(
                written(|w| w.byte(n as u8)),
                postcard::to_allocvec(&(n as u8)).ok()
            );
        }
    }

    /// The bytes `put` writes.
    fn written(put: impl FnOnce(&mut Writer<'_>)) -> Option<Vec<u8>> {
        let mut buf = [0u8; 16];
        let mut w = Writer::new(&mut buf, 16);
        put(&mut w);
        let len = w.finish().ok()?;
        Some(buf[..len].to_vec())
    }
}
