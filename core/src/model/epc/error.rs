//! What can be wrong with an EPC's bytes, values or URI.

use core::fmt;

/// Errors from building, decoding or parsing an [`Epc`](super::Epc).
///
/// The [`Display`](core::fmt::Display) text says what was wrong and, where it
/// applies, where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EpcError {
    /// The header byte names neither GIAI-96 (`0x34`) nor USDOD-96 (`0x2F`).
    UnknownHeader(u8),
    /// The GIAI-96 partition value is 7, which the partition table does not
    /// define.
    BadPartition(u8),
    /// The filter value does not fit the scheme's filter field (GIAI-96:
    /// 0–7, USDOD-96: 0–15).
    FilterOutOfRange(u8),
    /// A numeric value does not fit its field.
    ValueTooLarge {
        /// Which field.
        field: EpcField,
    },
    /// A character that is not allowed in a CAGE code or DoDAAC (or a pad
    /// space where none may be).
    BadCharacter {
        /// Zero-based byte index of the character: in the string given to
        /// [`UsDod96::new`](super::UsDod96::new), in the URI given to
        /// [`Epc::parse_tag_uri`](super::Epc::parse_tag_uri), or in the 6-byte Government
        /// Managed Identifier for [`Epc::from_bytes`](super::Epc::from_bytes).
        position: usize,
    },
    /// The text is not a well-formed GIAI-96 or USDOD-96 EPC Tag URI.
    BadUri {
        /// Byte offset in the URI where the problem was found (the length of
        /// the URI if it ended too early).
        position: usize,
    },
    /// GIAI-96 can encode a GS1 Company Prefix of 6 to 12 digits only.
    BadCompanyPrefixLength(u8),
    /// A CAGE code has 5 characters and a DoDAAC 6; the given identifier
    /// had this many bytes.
    BadCageOrDodaacLength(usize),
}

impl fmt::Display for EpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::UnknownHeader(h) => write!(
                f,
                "unknown EPC header byte 0x{h:02X} (expected 0x34 for GIAI-96 or 0x2F for USDOD-96)"
            ),
            Self::BadPartition(p) => write!(
                f,
                "GIAI-96 partition value {p} is not in the partition table (0 to 6)"
            ),
            Self::FilterOutOfRange(v) => write!(
                f,
                "filter value {v} is out of range (GIAI-96: 0 to 7, USDOD-96: 0 to 15)"
            ),
            Self::ValueTooLarge { field } => {
                write!(f, "{field} is too large for its field")
            }
            Self::BadCharacter { position } => write!(
                f,
                "character at position {position} is not allowed in a CAGE code or DoDAAC \
                 (allowed: 0-9 and A-Z except I and O)"
            ),
            Self::BadUri { position } => {
                write!(f, "malformed EPC tag URI at byte {position}")
            }
            Self::BadCompanyPrefixLength(n) => write!(
                f,
                "a GS1 Company Prefix of {n} digits cannot be encoded in GIAI-96 (6 to 12 digits)"
            ),
            Self::BadCageOrDodaacLength(n) => write!(
                f,
                "CAGE code or DoDAAC has {n} characters (a CAGE code has 5, a DoDAAC 6)"
            ),
        }
    }
}

impl core::error::Error for EpcError {}

/// A numeric field of an EPC, named by [`EpcError::ValueTooLarge`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum EpcField {
    /// The filter value.
    Filter,
    /// The GS1 Company Prefix of a GIAI-96.
    CompanyPrefix,
    /// The Individual Asset Reference of a GIAI-96.
    IndividualAssetReference,
    /// The serial number of a USDOD-96.
    SerialNumber,
}

impl fmt::Display for EpcField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Filter => "filter",
            Self::CompanyPrefix => "company prefix",
            Self::IndividualAssetReference => "individual asset reference",
            Self::SerialNumber => "serial number",
        })
    }
}
