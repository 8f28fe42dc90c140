//! GIAI-96: the Global Individual Asset Identifier in 96 bits, and its partition table.

use super::error::{EpcError, EpcField};

/// One row of the GIAI-96 partition table.
pub(super) struct PartitionRow {
    /// Bits of the GS1 Company Prefix field (M).
    pub(super) cp_bits: u8,
    /// Decimal digits of the GS1 Company Prefix (L).
    pub(super) cp_digits: u8,
    /// Bits of the Individual Asset Reference field (N).
    pub(super) ar_bits: u8,
    /// 5 to the power L. A company prefix is below 10^L, which is this shifted left by L:
    /// 5^12 fits a `u32` where 10^12 needs a `u64`, and a row stays 8 bytes.
    cp_pow5: u32,
}

impl PartitionRow {
    const fn new(cp_bits: u8, cp_digits: u8, ar_bits: u8) -> Self {
        let mut cp_pow5 = 1;
        let mut i = 0;
        while i < cp_digits {
            cp_pow5 *= 5;
            i += 1;
        }
        PartitionRow {
            cp_bits,
            cp_digits,
            ar_bits,
            cp_pow5,
        }
    }

    /// One more than the largest company prefix: 10^L.
    fn cp_limit(&self) -> u64 {
        u64::from(self.cp_pow5) << self.cp_digits
    }
}

/// GIAI-96 partition table, indexed by the partition value P (TDS 2.x,
/// GIAI-96 partition table; identical to the GS1 TDT 2.0 `GIAI-96` scheme
/// options, keyed by company prefix length 12 down to 6).
pub(super) const GIAI96_PARTITIONS: [PartitionRow; 7] = [
    PartitionRow::new(40, 12, 42),
    PartitionRow::new(37, 11, 45),
    PartitionRow::new(34, 10, 48),
    PartitionRow::new(30, 9, 52),
    PartitionRow::new(27, 8, 55),
    PartitionRow::new(24, 7, 58),
    PartitionRow::new(20, 6, 62),
];

// Every row splits the same 82 bits, with an asset reference of 42 to 63 bits: reading the
// bits after the header relies on both.
const _: () = {
    let mut i = 0;
    while i < GIAI96_PARTITIONS.len() {
        let row = &GIAI96_PARTITIONS[i];
        assert!(row.cp_bits + row.ar_bits == 82 && row.ar_bits >= 42 && row.ar_bits < 64);
        i += 1;
    }
};

/// A mask of the lowest `bits` bits (`bits` < 128).
pub(super) const fn mask(bits: u32) -> u128 {
    (1u128 << bits) - 1
}

/// The partition table row for a GS1 Company Prefix of `digits` digits.
pub(super) fn row_for_digits(digits: u8) -> Option<(u8, &'static PartitionRow)> {
    let p = 12u8.checked_sub(digits)?;
    GIAI96_PARTITIONS.get(usize::from(p)).map(|row| (p, row))
}

/// A GIAI-96 identity: filter, GS1 Company Prefix and Individual Asset
/// Reference.
///
/// ```
/// use remtag::model::epc::{Epc, Giai96};
///
/// let giai = Giai96::new(3, 7, 614_141, 5678)?;
/// assert_eq!(giai.partition(), 5);
/// let epc = Epc::from(giai);
/// assert_eq!(epc.to_string(), "urn:epc:tag:giai-96:3.0614141.5678");
/// assert_eq!(epc.pure_identity_uri().to_string(), "urn:epc:id:giai:0614141.5678");
/// # Ok::<(), remtag::model::epc::EpcError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Giai96 {
    filter: u8,
    partition: u8,
    company_prefix: u64,
    asset_ref: u64,
}

impl Giai96 {
    /// The GIAI-96 header byte.
    pub const HEADER: u8 = 0x34;
    /// The largest filter value (3-bit field).
    pub const MAX_FILTER: u8 = 7;

    /// Builds a GIAI-96 identity.
    ///
    /// `company_prefix_digits` (6 to 12) is the length of the GS1 Company
    /// Prefix, which selects the partition; `company_prefix` must have at
    /// most that many digits, and `asset_ref` must fit the asset reference
    /// field of that partition (see [`Giai96::max_asset_ref`]).
    ///
    /// # Errors
    ///
    /// [`EpcError::FilterOutOfRange`] if `filter` > 7,
    /// [`EpcError::BadCompanyPrefixLength`] if `company_prefix_digits` is not
    /// 6 to 12, and [`EpcError::ValueTooLarge`] if the company prefix or the
    /// asset reference does not fit.
    ///
    /// ```
    /// use remtag::model::epc::{EpcError, EpcField, Giai96};
    ///
    /// assert!(Giai96::new(0, 12, 999_999_999_999, (1 << 42) - 1).is_ok());
    /// assert_eq!(
    ///     Giai96::new(0, 12, 1, 1 << 42),
    ///     Err(EpcError::ValueTooLarge { field: EpcField::IndividualAssetReference })
    /// );
    /// ```
    pub fn new(
        filter: u8,
        company_prefix_digits: u8,
        company_prefix: u64,
        asset_ref: u64,
    ) -> Result<Self, EpcError> {
        if filter > Self::MAX_FILTER {
            return Err(EpcError::FilterOutOfRange(filter));
        }
        let (partition, row) = row_for_digits(company_prefix_digits)
            .ok_or(EpcError::BadCompanyPrefixLength(company_prefix_digits))?;
        let giai = Self::with_prefix(filter, partition, row, company_prefix, asset_ref)?;
        if asset_ref > ((1u64 << row.ar_bits) - 1) {
            return Err(EpcError::ValueTooLarge {
                field: EpcField::IndividualAssetReference,
            });
        }
        Ok(giai)
    }

    /// The identity of partition `partition`, whose row is `row`, once its company prefix is
    /// checked: the filter and the asset reference are the caller's to check, as bits read
    /// from their fields always fit.
    fn with_prefix(
        filter: u8,
        partition: u8,
        row: &PartitionRow,
        company_prefix: u64,
        asset_ref: u64,
    ) -> Result<Self, EpcError> {
        if company_prefix >= row.cp_limit() {
            return Err(EpcError::ValueTooLarge {
                field: EpcField::CompanyPrefix,
            });
        }
        Ok(Self {
            filter,
            partition,
            company_prefix,
            asset_ref,
        })
    }

    /// The largest Individual Asset Reference that fits next to a GS1
    /// Company Prefix of `company_prefix_digits` digits, or `None` if that
    /// length (not 6 to 12) cannot be encoded.
    ///
    /// ```
    /// use remtag::model::epc::Giai96;
    ///
    /// assert_eq!(Giai96::max_asset_ref(7), Some((1 << 58) - 1));
    /// assert_eq!(Giai96::max_asset_ref(5), None);
    /// ```
    #[must_use]
    pub fn max_asset_ref(company_prefix_digits: u8) -> Option<u64> {
        let (_, row) = row_for_digits(company_prefix_digits)?;
        u64::try_from(mask(row.ar_bits.into())).ok()
    }

    /// The filter value (0 to 7).
    #[must_use]
    pub const fn filter(&self) -> u8 {
        self.filter
    }

    /// The partition value (0 to 6), which is 12 minus the number of company
    /// prefix digits.
    #[must_use]
    pub const fn partition(&self) -> u8 {
        self.partition
    }

    /// The GS1 Company Prefix as an integer (see
    /// [`Giai96::company_prefix_digits`] for its length, with leading zeros).
    #[must_use]
    pub const fn company_prefix(&self) -> u64 {
        self.company_prefix
    }

    /// The number of decimal digits of the GS1 Company Prefix (6 to 12).
    #[must_use]
    pub const fn company_prefix_digits(&self) -> u8 {
        12 - self.partition
    }

    /// The Individual Asset Reference.
    #[must_use]
    pub const fn asset_ref(&self) -> u64 {
        self.asset_ref
    }

    /// The partition table row of this identity.
    fn row(&self) -> Option<&'static PartitionRow> {
        GIAI96_PARTITIONS.get(usize::from(self.partition))
    }

    /// Packs the identity into the low 88 bits of a `u128`: the bits after the header.
    pub(super) fn bits_after_header(self) -> u128 {
        // The partition is always valid (checked when built); fall back to
        // the row of partition 0 only to avoid a panic path.
        let ar_bits = self.row().map_or(42, |row| row.ar_bits);
        (u128::from(self.filter) << 85)
            | (u128::from(self.partition) << 82)
            | (u128::from(self.company_prefix) << ar_bits)
            | u128::from(self.asset_ref)
    }

    /// The identity in the 11 bytes after the header, read in `u64`s (for size,
    /// `docs/FIRMWARE.md`).
    pub(super) fn from_bytes_after_header(b: &[u8; 11]) -> Result<Self, EpcError> {
        let [b1, b2, b3, rest @ ..] = *b;
        // Bits 87-85 the filter, 84-82 the partition, 81-0 the company prefix and the asset
        // reference: bits 81-64 in `top`, 63-0 in `low`.
        let filter = b1 >> 5;
        let partition = (b1 >> 2) & 0x7;
        let top = u64::from(b1 & 0x3) << 16 | u64::from(b2) << 8 | u64::from(b3);
        let low = u64::from_be_bytes(rest);
        let row = GIAI96_PARTITIONS
            .get(usize::from(partition))
            .ok_or(EpcError::BadPartition(partition))?;
        // Every row has 82 bits in all, and an asset reference of 42 to 62 bits: the company
        // prefix lies in bits 81-18, which one `u64` holds.
        let ar_bits = row.ar_bits;
        let asset_ref = low & ((1u64 << ar_bits) - 1);
        let company_prefix = (top << 46 | low >> 18) >> (ar_bits - 18);
        Self::with_prefix(filter, partition, row, company_prefix, asset_ref)
    }
}
