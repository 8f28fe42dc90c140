//! An EPC in serde: the tag URI in human-readable formats, the 12 bytes in binary ones.

use core::fmt;

use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeTuple, Serializer};

use super::Epc;

impl Serialize for Epc {
    /// Human-readable formats: the tag URI string. Binary formats: the 12
    /// bytes as a tuple (no length prefix).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if serializer.is_human_readable() {
            serializer.collect_str(&self.tag_uri())
        } else {
            let bytes = self.to_bytes();
            let mut tuple = serializer.serialize_tuple(Self::LEN)?;
            for byte in &bytes {
                tuple.serialize_element(byte)?;
            }
            tuple.end()
        }
    }
}

impl<'de> Deserialize<'de> for Epc {
    /// The inverse of the [`Serialize`] impl: a tag URI string in
    /// human-readable formats, a 12-byte tuple otherwise.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        if deserializer.is_human_readable() {
            deserializer.deserialize_str(TagUriVisitor)
        } else {
            deserializer.deserialize_tuple(Self::LEN, BytesVisitor)
        }
    }
}

/// Visitor for the human-readable (tag URI) form.
struct TagUriVisitor;

impl Visitor<'_> for TagUriVisitor {
    type Value = Epc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a GIAI-96 or USDOD-96 EPC tag URI")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Epc, E> {
        Epc::parse_tag_uri(v).map_err(E::custom)
    }
}

/// Visitor for the binary (12-byte tuple) form.
struct BytesVisitor;

impl<'de> Visitor<'de> for BytesVisitor {
    type Value = Epc;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a 96-bit EPC as a tuple of 12 bytes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Epc, A::Error> {
        let mut bytes = [0u8; Epc::LEN];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = seq
                .next_element()?
                .ok_or_else(|| de::Error::invalid_length(i, &self))?;
        }
        Epc::from_bytes(&bytes).map_err(de::Error::custom)
    }
}

impl postcard::experimental::max_size::MaxSize for Epc {
    const POSTCARD_MAX_SIZE: usize = Self::LEN;
}
