//! The model's fixed-size fields as postcard reads and writes their serde form: a time-zone
//! offset, a digest, the bytes of a signature. For what a tag reads and writes by hand, with
//! [`postcard_wire`](super::postcard_wire)'s primitives: record headers, delta states,
//! segment headers and requests.

use super::postcard_wire::{Fields, REFUSED, Writer, copy_into};
use crate::model::{Bytes, Digest, TzOffset};

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

/// Writes a time-zone offset: its quarter hours, an `i8`.
pub(crate) fn write_tz(w: &mut Writer<'_>, tz: TzOffset) {
    w.byte(tz.quarter_hours() as u8)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::codec::postcard_wire::take_postcard;
    use crate::codec::postcard_wire::tests::{by_hand, varint_like, written};

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4_000))]

        /// A time-zone offset is read as postcard reads it, and written as it writes it.
        #[test]
        fn offsets_are_read_and_written_as_postcard_does(bytes in varint_like()) {
            let by_postcard = take_postcard::<TzOffset>(&bytes);
            prop_assert_eq!(by_hand(&bytes, read_tz), by_postcard.clone());
            if let (Ok(tz), _) = by_postcard {
                prop_assert_eq!(written(|w| write_tz(w, tz)), postcard::to_allocvec(&tz).ok());
            }
        }

        /// Digests and signatures are read as postcard reads them, to the byte where a short
        /// one ends.
        #[test]
        fn digests_are_read_as_postcard_reads_them(
            bytes in proptest::collection::vec(any::<u8>(), 0..70),
        ) {
            prop_assert_eq!(by_hand(&bytes, read_digest), take_postcard::<Digest>(&bytes));
            let read_signature = |f: &mut Fields<'_>| {
                let mut out = Bytes::<64>::default();
                read_bytes(f, &mut out).map(|()| out)
            };
            prop_assert_eq!(by_hand(&bytes, read_signature), take_postcard::<Bytes<64>>(&bytes));
        }
    }
}
