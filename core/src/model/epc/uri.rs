//! EPC Tag URIs and Pure Identity URIs: formatted through [`core::fmt`] and parsed in place.

use core::fmt;
use core::str::FromStr;

use super::Epc;
use super::error::{EpcError, EpcField};
use super::giai::{Giai96, row_for_digits};
use super::usdod::{UsDod96, first_bad_cage_char};

/// Tag URI prefix of the GIAI-96 scheme.
const GIAI96_TAG_PREFIX: &str = "urn:epc:tag:giai-96:";
/// Tag URI prefix of the USDOD-96 scheme.
const USDOD96_TAG_PREFIX: &str = "urn:epc:tag:usdod-96:";

impl Epc {
    /// The EPC Tag URI, e.g. `urn:epc:tag:giai-96:3.0614141.5678` or
    /// `urn:epc:tag:usdod-96:3.CAGEY.5678`. Formatting does not allocate.
    pub fn tag_uri(&self) -> impl fmt::Display + '_ {
        TagUri(self)
    }

    /// The EPC Pure Identity URI, e.g. `urn:epc:id:giai:0614141.5678` or
    /// `urn:epc:id:usdod:CAGEY.5678` (no filter, so it cannot be parsed back
    /// into an [`Epc`]). Formatting does not allocate.
    pub fn pure_identity_uri(&self) -> impl fmt::Display + '_ {
        PureIdentityUri(self)
    }

    /// Parses an EPC Tag URI, the inverse of [`Epc::tag_uri`].
    ///
    /// The syntax is strict and canonical: lowercase scheme prefix, decimal
    /// numbers without leading zeros (a single `0` is fine), the GIAI-96
    /// company prefix with all its 6 to 12 digits, an upper-case CAGE code or
    /// DoDAAC, and nothing after the last field.
    ///
    /// # Errors
    ///
    /// [`EpcError::BadUri`] (byte offset) for a syntax error,
    /// [`EpcError::BadCharacter`] (byte offset) for a character outside the
    /// CAGE/DoDAAC set, and the errors of [`Giai96::new`] and
    /// [`UsDod96::new`] for values that do not fit.
    ///
    /// ```
    /// use remtag::model::epc::{Epc, EpcError};
    ///
    /// let epc = Epc::parse_tag_uri("urn:epc:tag:usdod-96:0.2S194.12345678901")?;
    /// assert_eq!(epc.to_bytes()[0], 0x2F);
    /// assert_eq!(
    ///     Epc::parse_tag_uri("urn:epc:tag:giai-96:3.0614141.05678"),
    ///     Err(EpcError::BadUri { position: 30 })
    /// );
    /// # Ok::<(), EpcError>(())
    /// ```
    pub fn parse_tag_uri(s: &str) -> Result<Epc, EpcError> {
        if let Some(body) = s.strip_prefix(GIAI96_TAG_PREFIX) {
            parse_giai96_body(body, GIAI96_TAG_PREFIX.len()).map(Self::Giai96)
        } else if let Some(body) = s.strip_prefix(USDOD96_TAG_PREFIX) {
            parse_usdod96_body(body, USDOD96_TAG_PREFIX.len()).map(Self::UsDod96)
        } else {
            let position = common_prefix_len(s, GIAI96_TAG_PREFIX)
                .max(common_prefix_len(s, USDOD96_TAG_PREFIX));
            Err(EpcError::BadUri { position })
        }
    }
}

impl fmt::Display for Epc {
    /// Writes the EPC Tag URI.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&TagUri(self), f)
    }
}

impl FromStr for Epc {
    type Err = EpcError;

    /// Parses an EPC Tag URI (see [`Epc::parse_tag_uri`]).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse_tag_uri(s)
    }
}

/// Display adapter for the EPC Tag URI.
struct TagUri<'a>(&'a Epc);

impl fmt::Display for TagUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Epc::Giai96(g) => write!(
                f,
                "{GIAI96_TAG_PREFIX}{}.{:0width$}.{}",
                g.filter(),
                g.company_prefix(),
                g.asset_ref(),
                width = usize::from(g.company_prefix_digits())
            ),
            Epc::UsDod96(u) => write!(
                f,
                "{USDOD96_TAG_PREFIX}{}.{}.{}",
                u.filter(),
                u.cage_or_dodaac(),
                u.serial()
            ),
        }
    }
}

/// Display adapter for the EPC Pure Identity URI.
struct PureIdentityUri<'a>(&'a Epc);

impl fmt::Display for PureIdentityUri<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Epc::Giai96(g) => write!(
                f,
                "urn:epc:id:giai:{:0width$}.{}",
                g.company_prefix(),
                g.asset_ref(),
                width = usize::from(g.company_prefix_digits())
            ),
            Epc::UsDod96(u) => {
                write!(f, "urn:epc:id:usdod:{}.{}", u.cage_or_dodaac(), u.serial())
            }
        }
    }
}

/// How many leading bytes `s` shares with `prefix`.
fn common_prefix_len(s: &str, prefix: &str) -> usize {
    s.bytes()
        .zip(prefix.bytes())
        .take_while(|(a, b)| a == b)
        .count()
}

/// A field of a URI body with its byte offset in the whole URI.
#[derive(Clone, Copy)]
struct Field<'a> {
    text: &'a str,
    offset: usize,
}

/// Splits `FILTER.A.B` into its three fields; `offset` is where `body`
/// starts in the URI. The last field keeps any further dots, which the
/// field parsers then reject.
fn split_fields(body: &str, offset: usize) -> Result<[Field<'_>; 3], EpcError> {
    let end = offset + body.len();
    let (first, rest) = body
        .split_once('.')
        .ok_or(EpcError::BadUri { position: end })?;
    let second_offset = offset + first.len() + 1;
    let (second, third) = rest
        .split_once('.')
        .ok_or(EpcError::BadUri { position: end })?;
    let third_offset = second_offset + second.len() + 1;
    Ok([
        Field {
            text: first,
            offset,
        },
        Field {
            text: second,
            offset: second_offset,
        },
        Field {
            text: third,
            offset: third_offset,
        },
    ])
}

/// Checks that a field is a non-empty run of ASCII digits.
fn check_digits(field: Field<'_>) -> Result<(), EpcError> {
    if field.text.is_empty() {
        return Err(EpcError::BadUri {
            position: field.offset,
        });
    }
    match field.text.bytes().position(|c| !c.is_ascii_digit()) {
        Some(i) => Err(EpcError::BadUri {
            position: field.offset + i,
        }),
        None => Ok(()),
    }
}

/// Decimal value of a field of digits (already checked), or
/// [`EpcError::ValueTooLarge`] naming `name` if it overflows a `u64`.
fn digits_value(field: Field<'_>, name: EpcField) -> Result<u64, EpcError> {
    field.text.bytes().try_fold(0u64, |acc, c| {
        acc.checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(c - b'0')))
            .ok_or(EpcError::ValueTooLarge { field: name })
    })
}

/// Parses a canonical decimal integer: digits only, no leading zeros.
fn parse_integer(field: Field<'_>, name: EpcField) -> Result<u64, EpcError> {
    check_digits(field)?;
    if field.text.len() > 1 && field.text.starts_with('0') {
        return Err(EpcError::BadUri {
            position: field.offset,
        });
    }
    digits_value(field, name)
}

/// Parses a filter field into a `u8` (range checked by the constructors).
fn parse_filter(field: Field<'_>) -> Result<u8, EpcError> {
    let value = parse_integer(field, EpcField::Filter)?;
    u8::try_from(value).map_err(|_| EpcError::ValueTooLarge {
        field: EpcField::Filter,
    })
}

/// Parses `FILTER.COMPANYPREFIX.ASSETREF` of a GIAI-96 tag URI.
fn parse_giai96_body(body: &str, offset: usize) -> Result<Giai96, EpcError> {
    let [filter, cp, ar] = split_fields(body, offset)?;
    let filter = parse_filter(filter)?;
    check_digits(cp)?;
    let digits = u8::try_from(cp.text.len()).unwrap_or(u8::MAX);
    if row_for_digits(digits).is_none() {
        return Err(EpcError::BadCompanyPrefixLength(digits));
    }
    let company_prefix = digits_value(cp, EpcField::CompanyPrefix)?;
    let asset_ref = parse_integer(ar, EpcField::IndividualAssetReference)?;
    Giai96::new(filter, digits, company_prefix, asset_ref)
}

/// Parses `FILTER.CAGEORDODAAC.SERIAL` of a USDOD-96 tag URI.
fn parse_usdod96_body(body: &str, offset: usize) -> Result<UsDod96, EpcError> {
    let [filter, id, serial] = split_fields(body, offset)?;
    let filter = parse_filter(filter)?;
    if let Some(i) = first_bad_cage_char(id.text.as_bytes()) {
        return Err(EpcError::BadCharacter {
            position: id.offset + i,
        });
    }
    let serial = parse_integer(serial, EpcField::SerialNumber)?;
    UsDod96::new(filter, id.text, serial)
}
