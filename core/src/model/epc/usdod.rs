//! USDOD-96: the US Department of Defense identifier in 96 bits.

use super::error::{EpcError, EpcField};

/// Whether `c` may appear in a CAGE code or DoDAAC: `0`–`9`, `A`–`Z`
/// except `I` and `O`.
const fn is_cage_char(c: u8) -> bool {
    matches!(c, b'0'..=b'9' | b'A'..=b'H' | b'J'..=b'N' | b'P'..=b'Z')
}

/// Index of the first character of `s` that is not a CAGE/DoDAAC character.
pub(super) fn first_bad_cage_char(s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| !is_cage_char(c))
}

/// A USDOD-96 identity: filter, CAGE code or DoDAAC, and serial number.
///
/// ```
/// use remtag::model::epc::{Epc, UsDod96};
///
/// let dod = UsDod96::new(3, "CAGEY", 5678)?;
/// assert_eq!(dod.cage_or_dodaac(), "CAGEY");
/// let epc = Epc::from(dod);
/// assert_eq!(epc.to_string(), "urn:epc:tag:usdod-96:3.CAGEY.5678");
/// assert_eq!(epc.pure_identity_uri().to_string(), "urn:epc:id:usdod:CAGEY.5678");
/// # Ok::<(), remtag::model::epc::EpcError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct UsDod96 {
    filter: u8,
    /// The Government Managed Identifier: six ASCII bytes, a CAGE code
    /// padded on the left with one space, or a DoDAAC.
    gmi: [u8; 6],
    serial: u64,
}

impl UsDod96 {
    /// The USDOD-96 header byte.
    pub const HEADER: u8 = 0x2F;
    /// The largest filter value (4-bit field).
    pub const MAX_FILTER: u8 = 15;
    /// The largest serial number (36-bit field): 68 719 476 735.
    pub const MAX_SERIAL: u64 = (1 << 36) - 1;

    /// Builds a USDOD-96 identity from a 5-character CAGE code or a
    /// 6-character DoDAAC (characters `0`–`9` and `A`–`Z` except `I` and `O`).
    ///
    /// # Errors
    ///
    /// [`EpcError::FilterOutOfRange`] if `filter` > 15,
    /// [`EpcError::BadCageOrDodaacLength`] if the identifier is not 5 or 6
    /// bytes long, [`EpcError::BadCharacter`] (index in `cage_or_dodaac`) for
    /// a character outside the set, and [`EpcError::ValueTooLarge`] if
    /// `serial` > [`UsDod96::MAX_SERIAL`].
    ///
    /// ```
    /// use remtag::model::epc::{EpcError, UsDod96};
    ///
    /// assert!(UsDod96::new(0, "ZA18D3", 1).is_ok());
    /// assert_eq!(
    ///     UsDod96::new(0, "1O345", 1),
    ///     Err(EpcError::BadCharacter { position: 1 })
    /// );
    /// ```
    pub fn new(filter: u8, cage_or_dodaac: &str, serial: u64) -> Result<Self, EpcError> {
        if filter > Self::MAX_FILTER {
            return Err(EpcError::FilterOutOfRange(filter));
        }
        let id = cage_or_dodaac.as_bytes();
        let gmi = match *id {
            [a, b, c, d, e] => [b' ', a, b, c, d, e],
            [a, b, c, d, e, g] => [a, b, c, d, e, g],
            _ => return Err(EpcError::BadCageOrDodaacLength(id.len())),
        };
        if let Some(position) = first_bad_cage_char(id) {
            return Err(EpcError::BadCharacter { position });
        }
        if serial > Self::MAX_SERIAL {
            return Err(EpcError::ValueTooLarge {
                field: EpcField::SerialNumber,
            });
        }
        Ok(Self {
            filter,
            gmi,
            serial,
        })
    }

    /// The filter value (0 to 15).
    #[must_use]
    pub const fn filter(&self) -> u8 {
        self.filter
    }

    /// The CAGE code (5 characters, without the pad space) or DoDAAC (6
    /// characters).
    #[must_use]
    pub fn cage_or_dodaac(&self) -> &str {
        let id: &[u8] = match &self.gmi {
            [b' ', rest @ ..] => rest,
            all => all,
        };
        // Always ASCII: checked when built.
        core::str::from_utf8(id).unwrap_or("")
    }

    /// The six bytes of the Government Managed Identifier as stored on the
    /// tag (a CAGE code keeps its leading pad space).
    #[must_use]
    pub const fn government_managed_identifier(&self) -> [u8; 6] {
        self.gmi
    }

    /// The serial number (0 to [`UsDod96::MAX_SERIAL`]).
    #[must_use]
    pub const fn serial(&self) -> u64 {
        self.serial
    }

    /// Packs the identity into the low 88 bits of a `u128`: the bits after the header.
    pub(super) fn bits_after_header(self) -> u128 {
        let mut gmi = 0u128;
        for &c in &self.gmi {
            gmi = (gmi << 8) | u128::from(c);
        }
        (u128::from(self.filter) << 84) | (gmi << 36) | u128::from(self.serial)
    }

    /// The identity in the 11 bytes after the header, read as GIAI-96 reads its own.
    pub(super) fn from_bytes_after_header(b: &[u8; 11]) -> Result<Self, EpcError> {
        // Bits 87-84 the filter, 83-36 the six characters, 35-0 the serial number: the
        // characters straddle the bytes by a nibble.
        let filter = b[0] >> 4;
        let mut gmi = [0u8; 6];
        for (i, g) in gmi.iter_mut().enumerate() {
            let high = b.get(i).copied().unwrap_or_default();
            let low = b.get(i + 1).copied().unwrap_or_default();
            *g = high << 4 | low >> 4;
        }
        let [.., b6, s1, s2, s3, s4] = *b;
        let serial = u64::from(b6 & 0xF) << 32 | u64::from(u32::from_be_bytes([s1, s2, s3, s4]));
        let (offset, id): (usize, &[u8]) = match &gmi {
            [b' ', rest @ ..] => (1, rest),
            all => (0, all),
        };
        if let Some(i) = first_bad_cage_char(id) {
            return Err(EpcError::BadCharacter {
                position: offset + i,
            });
        }
        Ok(Self {
            filter,
            gmi,
            serial,
        })
    }
}
