//! The encodings compared: remtag's stored format and six others.

use remtag::Record;
use remtag::codec::{self, CRC_LEN, DeltaState};
use rmp_serde::config::BytesMode;
use serde::Serialize;

use crate::mirror::{cbor, proto};

/// Why a record could not be encoded.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// A way of storing a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Codec {
    /// remtag stored format v1: envelope (version and type, length), delta-coded content and a
    /// CRC-32C.
    Remtag,
    /// `postcard::to_stdvec` of the whole [`Record`] with absolute values.
    PostcardNaive,
    /// `minicbor` on the [`cbor`] mirror.
    Cbor,
    /// `prost` on the [`proto`] mirror.
    Protobuf,
    /// `rmp-serde` on the [`Record`] as `rmp_serde::to_vec` writes it (structs as arrays), with
    /// [`BytesMode::ForceAll`] so that fixed byte arrays (EPCs, hashes, signatures) are `bin`
    /// strings rather than arrays of integers.
    MessagePack,
    /// The same as [`Codec::MessagePack`] with structs as maps keyed by field name, as
    /// `rmp_serde::to_vec_named` writes them.
    MessagePackNamed,
    /// `serde_json::to_vec` of the [`Record`] (compact, no whitespace).
    Json,
}

impl Codec {
    /// Every codec, remtag first.
    pub const ALL: [Codec; 7] = [
        Self::Remtag,
        Self::PostcardNaive,
        Self::Cbor,
        Self::Protobuf,
        Self::MessagePack,
        Self::MessagePackNamed,
        Self::Json,
    ];

    /// A name for prose.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Remtag => "remtag v1",
            Self::PostcardNaive => "naive postcard",
            Self::Cbor => "CBOR",
            Self::Protobuf => "protobuf",
            Self::MessagePack => "MessagePack (arrays)",
            Self::MessagePackNamed => "MessagePack (named)",
            Self::Json => "JSON",
        }
    }

    /// The position of this codec in [`Codec::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// Encodes `record` on its own, with absolute values.
    ///
    /// remtag encodes it as the first record of a log (a fresh [`DeltaState`]); its bytes
    /// include the envelope and the CRC. Every other codec gets a 4-byte CRC appended, so that
    /// each side carries the same integrity check.
    pub fn encode(self, record: &Record) -> Result<Vec<u8>, Error> {
        let content = match self {
            Self::Remtag => {
                return Ok(codec::encode_to_buf(record, &mut DeltaState::default())?.to_vec());
            }
            Self::PostcardNaive => postcard::to_stdvec(record)?,
            Self::Cbor => minicbor::to_vec(cbor::Record::from(record))?,
            Self::Protobuf => prost::Message::encode_to_vec(&proto::Record::from(record)),
            Self::MessagePack => {
                let mut out = Vec::new();
                let mut ser = rmp_serde::Serializer::new(&mut out).with_bytes(BytesMode::ForceAll);
                record.serialize(&mut ser)?;
                out
            }
            Self::MessagePackNamed => {
                let mut out = Vec::new();
                let mut ser = rmp_serde::Serializer::new(&mut out)
                    .with_struct_map()
                    .with_bytes(BytesMode::ForceAll);
                record.serialize(&mut ser)?;
                out
            }
            Self::Json => serde_json::to_vec(record)?,
        };
        Ok(with_crc(content))
    }
}

/// `content` followed by its CRC-32C, little-endian, as remtag ends its records.
fn with_crc(mut content: Vec<u8>) -> Vec<u8> {
    let crc: [u8; CRC_LEN] = codec::checksum(&content).to_le_bytes();
    content.extend_from_slice(&crc);
    content
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every measured encoding decodes back to what was encoded: no codec is measured on
    /// bytes that lose information.
    #[test]
    fn every_encoding_of_the_history_decodes_back() -> Result<(), Error> {
        let log = remtag_sim::story::history(1)?;
        for record in log.records() {
            for codec in Codec::ALL {
                let bytes = codec.encode(record)?;
                let (content, crc) = bytes.split_at(bytes.len() - CRC_LEN);
                if codec != Codec::Remtag {
                    assert_eq!(crc, codec::checksum(content).to_le_bytes(), "{codec:?}");
                }
                let same = match codec {
                    Codec::Remtag => {
                        codec::decode(&bytes, &mut DeltaState::default())?.0 == *record
                    }
                    Codec::PostcardNaive => postcard::from_bytes::<Record>(content)? == *record,
                    Codec::Cbor => {
                        minicbor::decode::<cbor::Record>(content)? == cbor::Record::from(record)
                    }
                    Codec::Protobuf => {
                        <proto::Record as prost::Message>::decode(content)?
                            == proto::Record::from(record)
                    }
                    Codec::MessagePack | Codec::MessagePackNamed => {
                        rmp_serde::from_slice::<Record>(content)? == *record
                    }
                    Codec::Json => serde_json::from_slice::<Record>(content)? == *record,
                };
                assert!(
                    same,
                    "{codec:?} does not round-trip record {}",
                    record.header.seq
                );
            }
        }
        Ok(())
    }

    #[test]
    fn index_is_the_position_in_all() {
        for (i, codec) in Codec::ALL.into_iter().enumerate() {
            assert_eq!(codec.index(), i);
        }
    }
}
