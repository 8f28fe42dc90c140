//! Fixed and bounded containers for record fields: no heap, capacity known at compile time.

use core::fmt;
use core::ops::{Deref, DerefMut};

use postcard::experimental::max_size::MaxSize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeTuple, Serializer};
use serde::{Deserialize, Serialize};

use crate::codec::postcard_wire::varint_len;

/// A list of at most `N` items; postcard writes its length as a varint, then the items.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[serde(transparent)]
pub struct List<T, const N: usize>(heapless::Vec<T, N>);

impl<T, const N: usize> List<T, N> {
    /// An empty list.
    pub const fn new() -> Self {
        List(heapless::Vec::new())
    }

    /// Appends `item`, or hands it back when the list is full.
    pub fn push(&mut self, item: T) -> Result<(), T> {
        self.0.push(item)
    }
}

impl<T: Clone, const N: usize> List<T, N> {
    /// A list holding a copy of `items`, or `None` when there are more than `N`.
    pub fn from_slice(items: &[T]) -> Option<Self> {
        heapless::Vec::from_slice(items).ok().map(List)
    }
}

impl<T, const N: usize> Deref for List<T, N> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<T, const N: usize> DerefMut for List<T, N> {
    fn deref_mut(&mut self) -> &mut [T] {
        &mut self.0
    }
}

impl<T: MaxSize, const N: usize> MaxSize for List<T, N> {
    const POSTCARD_MAX_SIZE: usize = T::POSTCARD_MAX_SIZE * N + varint_len(N);
}

/// Exactly `N` bytes: a hash or a signature. Postcard writes the bytes with no length prefix;
/// JSON and other human-readable formats write lowercase hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Bytes<const N: usize>(pub [u8; N]);

/// A SHA-256 digest: a chain head, a photograph's or a report's hash.
pub type Digest = Bytes<32>;

/// An Ed25519 signature.
pub type SignatureBytes = Bytes<64>;

impl<const N: usize> Bytes<N> {
    /// The bytes.
    pub const fn as_array(&self) -> &[u8; N] {
        &self.0
    }
}

impl<const N: usize> From<[u8; N]> for Bytes<N> {
    fn from(bytes: [u8; N]) -> Self {
        Bytes(bytes)
    }
}

impl<const N: usize> Default for Bytes<N> {
    fn default() -> Self {
        Bytes([0; N])
    }
}

impl<const N: usize> fmt::Debug for Bytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Lowercase hex.
impl<const N: usize> fmt::Display for Bytes<N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

impl<const N: usize> MaxSize for Bytes<N> {
    const POSTCARD_MAX_SIZE: usize = N;
}

impl<const N: usize> Serialize for Bytes<N> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(self)
        } else {
            let mut tuple = serializer.serialize_tuple(N)?;
            self.0.iter().try_for_each(|b| tuple.serialize_element(b))?;
            tuple.end()
        }
    }
}

impl<'de, const N: usize> Deserialize<'de> for Bytes<N> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor<const N: usize>;

        impl<'de, const N: usize> Visitor<'de> for BytesVisitor<N> {
            type Value = Bytes<N>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{N} bytes, or {} hex digits", 2 * N)
            }

            fn visit_str<E: de::Error>(self, hex_digits: &str) -> Result<Bytes<N>, E> {
                let mut out = [0u8; N];
                hex::decode_to_slice(hex_digits, &mut out)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(hex_digits), &self))?;
                Ok(Bytes(out))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Bytes<N>, A::Error> {
                let mut out = [0u8; N];
                for (i, slot) in out.iter_mut().enumerate() {
                    *slot = seq
                        .next_element()?
                        .ok_or_else(|| de::Error::invalid_length(i, &self))?;
                }
                Ok(Bytes(out))
            }
        }

        if deserializer.is_human_readable() {
            deserializer.deserialize_str(BytesVisitor::<N>)
        } else {
            deserializer.deserialize_tuple(N, BytesVisitor::<N>)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_written_without_length_prefix() {
        let sig = Bytes([7u8; 64]);
        let mut buf = [0u8; 80];
        let used = postcard::to_slice(&sig, &mut buf).map(|s| s.len());
        assert_eq!(used, Ok(64));
        let back: Result<Bytes<64>, _> = postcard::from_bytes(&buf[..64]);
        assert_eq!(back, Ok(sig));
        let short: Result<Bytes<64>, _> = postcard::from_bytes(&buf[..63]);
        assert!(short.is_err());
    }

    #[test]
    fn list_refuses_more_than_capacity() {
        let mut list = List::<u8, 2>::new();
        assert_eq!(list.push(1), Ok(()));
        assert_eq!(list.push(2), Ok(()));
        assert_eq!(list.push(3), Err(3));
        let bytes = [3u8, 1, 2, 3];
        let decoded: Result<List<u8, 2>, _> = postcard::from_bytes(&bytes);
        assert!(decoded.is_err());
    }
}
