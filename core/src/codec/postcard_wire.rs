//! Postcard's wire format, written by hand for size (`docs/FIRMWARE.md`), held to postcard by
//! tests.
//!
//! What a tag reads and writes field by field (record headers, delta states, segment headers,
//! reader requests and responses, and the body shapes it checks) goes through the reader
//! [`Fields`] and the [`Writer`] here, which hold each primitive of postcard's format once:
//!
//! * an unsigned number (`u16`, `u32`, `u64`, `usize`, an enum's variant index, a list's
//!   length) is a varint: seven bits a byte, least significant first, the high bit set on
//!   every byte but the last, and no more bytes, nor a larger last one, than its width needs;
//! * a signed number is zigzag (0, -1, 1, -2, … as 0, 1, 2, 3, …) in the varint of the
//!   unsigned number of its width;
//! * a `u8`, an `i8` and an option's tag (0 absent, 1 present) are one byte, and a fixed-size
//!   array is its bytes as they are.
//!
//! Postcard itself still reads and writes, through the same reader and writer
//! ([`Fields::serde`], [`Writer::serde`]), the bodies a tag never makes.
//!
//! Held to postcard: the tests below compare every reader and writer here with the `postcard`
//! crate, byte for byte and error for error, on numbers at the edges of every width; the
//! readers and writers built on them are held to the serde derives by `tests/wire_by_hand.rs`,
//! `tests/shape_check.rs`, the golden vectors and the log's own tests.

use postcard::de_flavors::Flavor;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::error::EncodeError;

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
/// the bytes it had consumed when it stopped.
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
    /// Reads `bytes` from their start.
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
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.bytes.get(self.used..).unwrap_or_default()
    }

    /// Passes over `n` bytes of [`rest`](Self::rest) that another reader read.
    pub(crate) fn skip(&mut self, n: usize) {
        self.used += n;
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

/// Writes postcard values into a byte slice, as postcard's serializer writes their serde form,
/// every number with one copy of one varint writer; [`serde`](Self::serde) writes the bodies a
/// tag never makes. A write that does not fit writes nothing and is remembered: a writer's
/// result is checked once, with [`finish`](Self::finish) or [`status`](Self::status), after
/// the last write.
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

/// How many bytes postcard's varint takes for `n`.
pub(crate) const fn varint_len(n: usize) -> usize {
    let mut len = 1;
    let mut rest = n >> 7;
    while rest > 0 {
        len += 1;
        rest >>= 7;
    }
    len
}

#[cfg(test)]
pub(crate) mod tests {
    extern crate std;
    use std::vec::Vec;

    use proptest::prelude::*;
    use serde::Deserialize;

    use super::*;

    /// What `read` reads at the start of `bytes`, and how many bytes it took: as
    /// [`take_postcard`] says what postcard reads.
    pub(crate) fn by_hand<'a, T>(
        bytes: &'a [u8],
        read: impl FnOnce(&mut Fields<'a>) -> postcard::Result<T>,
    ) -> (postcard::Result<T>, usize) {
        let mut fields = Fields::new(bytes);
        let value = read(&mut fields);
        (value, fields.used())
    }

    /// Bytes that are mostly varints near the edges of each width: runs of continuation
    /// bytes, then a last byte of any value.
    pub(crate) fn varint_like() -> impl Strategy<Value = Vec<u8>> {
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

    /// An option's tag (mostly a valid one), then bytes as [`varint_like`] makes them.
    fn tagged() -> impl Strategy<Value = Vec<u8>> {
        (prop_oneof![Just(0u8), Just(1), any::<u8>()], varint_like()).prop_map(|(tag, rest)| {
            let mut bytes = std::vec![tag];
            bytes.extend(rest);
            bytes
        })
    }

    /// A list's length (mostly one near its capacity of three), then its bytes.
    fn list_like() -> impl Strategy<Value = Vec<u8>> {
        (
            prop_oneof![0u8..6, any::<u8>()],
            proptest::collection::vec(any::<u8>(), 0..6),
        )
            .prop_map(|(len, items)| {
                let mut bytes = std::vec![len];
                bytes.extend(items);
                bytes
            })
    }

    /// A unit enum of three variants, read by serde's derive.
    #[derive(Debug, PartialEq, Deserialize)]
    enum Three {
        A,
        B,
        C,
    }

    impl Three {
        fn from_index(index: u32) -> Option<Self> {
            [Self::A, Self::B, Self::C]
                .into_iter()
                .nth(usize::try_from(index).ok()?)
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        /// Every reader of numbers reads what postcard reads, or fails as it fails, after the
        /// same number of bytes.
        #[test]
        fn numbers_are_read_as_postcard_reads_them(bytes in varint_like()) {
            prop_assert_eq!(by_hand(&bytes, Fields::u16), take_postcard::<u16>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::u32), take_postcard::<u32>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::u64), take_postcard::<u64>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::list_len), take_postcard::<usize>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::i32), take_postcard::<i32>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::i64), take_postcard::<i64>(&bytes));
            prop_assert_eq!(by_hand(&bytes, Fields::byte), take_postcard::<u8>(&bytes));
        }

        /// Tags, optional numbers and unit variants are read as postcard reads them.
        #[test]
        fn options_and_variants_are_read_as_postcard_reads_them(bytes in tagged()) {
            prop_assert_eq!(
                by_hand(&bytes, Fields::tag),
                mapped(take_postcard::<Option<()>>(&bytes), |o| o.is_some())
            );
            prop_assert_eq!(
                by_hand(&bytes, Fields::optional_u32),
                take_postcard::<Option<u32>>(&bytes)
            );
            prop_assert_eq!(
                by_hand(&bytes, |f| f.variant(Three::from_index)),
                take_postcard::<Three>(&bytes)
            );
        }

        /// Bytes as they are, and lists, are read as postcard reads arrays and bounded lists:
        /// a list one item longer than it holds is read up to that item, then refused.
        #[test]
        fn bytes_and_lists_are_read_as_postcard_reads_them(bytes in list_like()) {
            prop_assert_eq!(
                by_hand(&bytes, |f| f.raw(4).map(<[u8]>::to_vec)),
                mapped(take_postcard::<[u8; 4]>(&bytes), |a| a.to_vec())
            );
            let read_list = |f: &mut Fields<'_>| {
                let len = f.list_len()?;
                let mut items = Vec::new();
                list_items(len, 3, || {
                    items.push(f.byte()?);
                    Ok(())
                })?;
                Ok(items)
            };
            prop_assert_eq!(
                by_hand(&bytes, read_list),
                mapped(take_postcard::<heapless::Vec<u8, 3>>(&bytes), |v| v.to_vec())
            );
        }

        /// Every writer of numbers writes the bytes postcard writes, and [`varint_len`] counts
        /// them.
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
            let n = n as usize;
            prop_assert_eq!(Some(varint_len(n)), postcard::to_allocvec(&n).ok().map(|v| v.len()));
        }

        /// Tags, optional numbers and bytes as they are are written as postcard writes them.
        #[test]
        fn options_and_bytes_are_written_as_postcard_writes_them(
            n in proptest::option::of(any::<u32>()),
            bytes in any::<[u8; 4]>(),
        ) {
            prop_assert_eq!(
                written(|w| w.tag(n.is_some())),
                postcard::to_allocvec(&n.map(drop)).ok()
            );
            prop_assert_eq!(written(|w| w.optional_u32(n)), postcard::to_allocvec(&n).ok());
            prop_assert_eq!(written(|w| w.bytes(&bytes)), postcard::to_allocvec(&bytes).ok());
        }
    }

    /// A read's value changed by `f`, with the bytes it took.
    fn mapped<T, U>(
        (value, used): (postcard::Result<T>, usize),
        f: impl FnOnce(T) -> U,
    ) -> (postcard::Result<U>, usize) {
        (value.map(f), used)
    }

    /// The bytes `put` writes.
    pub(crate) fn written(put: impl FnOnce(&mut Writer<'_>)) -> Option<Vec<u8>> {
        let mut buf = [0u8; 16];
        let mut w = Writer::new(&mut buf, 16);
        put(&mut w);
        let len = w.finish().ok()?;
        Some(buf[..len].to_vec())
    }
}
