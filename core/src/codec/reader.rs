//! Reading a record's content a field at a time, keeping track of byte positions so that an
//! error can name its offset and the field it was in.

use serde::de::DeserializeOwned;

use super::error::{DecodeError, DecodeErrorKind, Field, Problem};
use super::postcard_wire::{Fields, take_postcard};
use super::shape::{self, SealFound, Shape};

/// A read that stopped: the [`Reader`] holds the error (for size, `docs/FIRMWARE.md`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stop;

/// The result of a step of a read; on [`Stop`], [`Reader::error`] says why.
pub(crate) type Step<T> = Result<T, Stop>;

/// Reads postcard values from a byte slice and remembers how far it got, and why it stopped.
pub(crate) struct Reader<'a> {
    /// The bytes, and how many have been read: every field is read in place, with no reader
    /// of its own to set up and count back.
    fields: Fields<'a>,
    /// Why the last step that stopped stopped; meaningless until one has.
    error: DecodeError,
}

impl<'a> Reader<'a> {
    /// Reads `bytes` from offset `start` on; errors name offsets in `bytes`.
    pub(crate) fn new(bytes: &'a [u8], start: usize) -> Self {
        let mut fields = Fields::new(bytes);
        fields.skip(start);
        Reader {
            fields,
            error: DecodeError::new(0, DecodeErrorKind::TrailingBytes(0)),
        }
    }

    /// The offset of the next byte to read.
    pub(crate) fn offset(&self) -> usize {
        self.fields.used()
    }

    /// The bytes not read yet.
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.fields.rest()
    }

    /// How many bytes are not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.fields.rest().len()
    }

    /// Why the last step that returned [`Stop`] stopped.
    pub(crate) fn error(&self) -> DecodeError {
        self.error
    }

    /// Stops with `kind` at `offset`.
    pub(crate) fn fail(&mut self, offset: usize, kind: DecodeErrorKind) -> Stop {
        self.error = DecodeError::new(offset, kind);
        Stop
    }

    /// Reads one value of `field` with serde, for the bodies only readers make. On failure the
    /// error names the byte where reading stopped.
    pub(crate) fn take<T: DeserializeOwned>(&mut self, field: Field) -> Step<T> {
        let start = self.offset();
        let (result, used) = take_postcard::<T>(self.fields.rest());
        self.fields.skip(used);
        self.stop_at(field, result, start)
    }

    /// Reads one value of `field` with `read`, one of [`Fields`]' readers. On failure the
    /// error names the byte where reading stopped.
    pub(crate) fn read<T>(
        &mut self,
        field: Field,
        read: impl FnOnce(&mut Fields<'a>) -> postcard::Result<T>,
    ) -> Step<T> {
        let start = self.offset();
        let result = read(&mut self.fields);
        self.stop_at(field, result, start)
    }

    /// Checks one body of `shape`, as [`take`](Self::take) would read it, and says what it
    /// found of a custody seal.
    pub(crate) fn take_shape(&mut self, shape: Shape) -> Step<SealFound> {
        let start = self.offset();
        let (result, used, seal) = shape::walk(shape, self.fields.rest());
        self.fields.skip(used);
        self.stop_at(Field::Body, result.map(|()| seal), start)
    }

    /// `result` of a value of `field` that started at `start`; an error stops the read.
    fn stop_at<T>(&mut self, field: Field, result: postcard::Result<T>, start: usize) -> Step<T> {
        result.map_err(|err| self.field_error(field, err, start))
    }

    /// Stops with the error `err` of a value of `field` that started at `start` and ends here.
    #[inline(never)]
    fn field_error(&mut self, field: Field, err: postcard::Error, start: usize) -> Stop {
        let problem = Problem::from_postcard(err);
        // Point at the byte that made the value wrong: the last one read. When the content
        // ends early, that is the end of the content.
        let offset = match problem {
            Problem::UnexpectedEnd => self.offset(),
            _ => self.offset().saturating_sub(1).max(start),
        };
        self.fail(offset, DecodeErrorKind::Field { field, problem })
    }
}
