//! 96-bit EPC tag identities (GS1 EPC Tag Data Standard, TDS 2.x).
//!
//! A box of repatriated remains carries a UHF RFID tag whose EPC bank holds
//! one 96-bit identity. Two encoding schemes are supported:
//!
//! * **GIAI-96** (Global Individual Asset Identifier, header `0x34`): an
//!   8-bit header, a 3-bit filter, a 3-bit partition value, then the GS1
//!   Company Prefix and the Individual Asset Reference sharing the remaining
//!   82 bits according to the TDS GIAI-96 partition table (checked against
//!   the GS1 Tag Data Translation 2.0 scheme file
//!   <https://ref.gs1.org/standards/tdt/2.0.0/GIAI-96.xml>):
//!
//!   | P | Company Prefix bits | digits | Asset Reference bits | digits (max) |
//!   |---|---------------------|--------|----------------------|--------------|
//!   | 0 | 40                  | 12     | 42                   | 13           |
//!   | 1 | 37                  | 11     | 45                   | 14           |
//!   | 2 | 34                  | 10     | 48                   | 15           |
//!   | 3 | 30                  | 9      | 52                   | 16           |
//!   | 4 | 27                  | 8      | 55                   | 17           |
//!   | 5 | 24                  | 7      | 58                   | 18           |
//!   | 6 | 20                  | 6      | 62                   | 19           |
//!
//!   The asset reference is an integer (TDS "Integer" coding method): in a
//!   URI it is written in decimal with no leading zeros, and its value must
//!   fit its bit field. The company prefix is written with exactly its digit
//!   count, leading zeros kept.
//!
//! * **USDOD-96** (US Department of Defense identifier, header `0x2F`): an
//!   8-bit header, a 4-bit filter, a 48-bit Government Managed Identifier of
//!   six 8-bit ASCII characters (a 5-character CAGE code is padded on the
//!   left with one space `0x20`; a DoDAAC uses all six), and a 36-bit serial
//!   number. CAGE codes and DoDAACs use the characters `0`–`9` and `A`–`Z`
//!   except `I` and `O` (GS1 Tag Data Translation, scheme USDOD-96:
//!   `[0-9A-HJ-NP-Z]{5,6}`).
//!
//! Both schemes have an EPC Tag URI (`urn:epc:tag:giai-96:F.CP.REF`,
//! `urn:epc:tag:usdod-96:F.CAGE.SERIAL`), which is the [`Display`] form of
//! [`Epc`] and what [`Epc::parse_tag_uri`] reads back, and a Pure Identity
//! URI (`urn:epc:id:giai:CP.REF`, `urn:epc:id:usdod:CAGE.SERIAL`), which
//! drops the filter and so cannot be parsed back into an [`Epc`].
//!
//! Everything here works without a heap: URIs are formatted through
//! [`core::fmt`] and parsed in place.
//!
//! The header byte picks the scheme here; each scheme's 88 bits after it are in
//! `giai.rs` and `usdod.rs`, the URIs in `uri.rs`, and the serde forms in
//! `serde_impl.rs`.
//!
//! [`Display`]: core::fmt::Display

mod error;
mod giai;
mod serde_impl;
mod uri;
mod usdod;

pub use error::{EpcError, EpcField};
pub use giai::Giai96;
pub use usdod::UsDod96;

/// Bit position of the 8-bit header in the 96-bit value.
const HEADER_SHIFT: u32 = 88;

/// A 96-bit EPC identity of a tag: GIAI-96 or USDOD-96.
///
/// The [`Display`](core::fmt::Display) form is the EPC Tag URI and
/// [`FromStr`](core::str::FromStr) parses it back. With serde, human-readable
/// formats get the tag URI string and binary formats the 12 bytes as a
/// fixed-size tuple (postcard writes exactly 12 bytes).
///
/// ```
/// use remtag::model::epc::Epc;
///
/// // GS1 EPC Tag Data Standard example (GIAI-96).
/// let bytes = [0x34, 0x74, 0x25, 0x7B, 0xF4, 0, 0, 0, 0, 0, 0x16, 0x2E];
/// let epc = Epc::from_bytes(&bytes)?;
/// assert_eq!(epc.to_string(), "urn:epc:tag:giai-96:3.0614141.5678");
/// let parsed: Epc = "urn:epc:tag:giai-96:3.0614141.5678".parse()?;
/// assert_eq!(parsed, epc);
/// assert_eq!(parsed.to_bytes(), bytes);
/// # Ok::<(), remtag::model::epc::EpcError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Epc {
    /// A GIAI-96 identity (header `0x34`).
    Giai96(Giai96),
    /// A USDOD-96 identity (header `0x2F`).
    UsDod96(UsDod96),
}

impl From<Giai96> for Epc {
    fn from(value: Giai96) -> Self {
        Self::Giai96(value)
    }
}

impl From<UsDod96> for Epc {
    fn from(value: UsDod96) -> Self {
        Self::UsDod96(value)
    }
}

impl Epc {
    /// Length of the binary EPC in bytes (96 bits).
    pub const LEN: usize = 12;

    /// The filter value of either scheme.
    #[must_use]
    pub const fn filter(&self) -> u8 {
        match self {
            Self::Giai96(g) => g.filter(),
            Self::UsDod96(u) => u.filter(),
        }
    }

    /// The 96-bit binary encoding, most significant bit first, as written to
    /// the EPC bank after the PC word.
    #[must_use]
    pub fn to_bytes(&self) -> [u8; 12] {
        let (header, after_header) = match self {
            Self::Giai96(g) => (Giai96::HEADER, g.bits_after_header()),
            Self::UsDod96(u) => (UsDod96::HEADER, u.bits_after_header()),
        };
        let wide = ((u128::from(header) << HEADER_SHIFT) | after_header).to_be_bytes();
        let mut out = [0u8; Self::LEN];
        for (o, w) in out.iter_mut().zip(wide.iter().skip(16 - Self::LEN)) {
            *o = *w;
        }
        out
    }

    /// Decodes a 96-bit binary EPC.
    ///
    /// # Errors
    ///
    /// [`EpcError::UnknownHeader`] for a header other than `0x34`/`0x2F`,
    /// [`EpcError::BadPartition`] for GIAI-96 partition 7,
    /// [`EpcError::ValueTooLarge`] for a GIAI-96 company prefix with more
    /// digits than its partition allows, and [`EpcError::BadCharacter`]
    /// (index in the 6-byte identifier) for a USDOD-96 identifier that is not
    /// a space-padded CAGE code or a DoDAAC.
    pub fn from_bytes(bytes: &[u8; 12]) -> Result<Epc, EpcError> {
        let [header, rest @ ..] = bytes;
        match *header {
            Giai96::HEADER => Giai96::from_bytes_after_header(rest).map(Self::Giai96),
            UsDod96::HEADER => UsDod96::from_bytes_after_header(rest).map(Self::UsDod96),
            other => Err(EpcError::UnknownHeader(other)),
        }
    }
}

#[cfg(test)]
mod tests;
