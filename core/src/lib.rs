#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]
// Outside its tests the crate never unwraps, panics or prints: a tag runs unattended, and an
// error is a value it answers with. Indexing is not yet among them (`Cargo.toml`).
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::string_slice,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]

#[macro_use]
mod macros;

pub mod chain;
pub mod codec;
pub mod model;

pub use model::{Body, Header, Record, RecordType};

/// The repository README's example, compiled and run as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
pub mod app;
pub mod log;
pub mod protocol;
pub mod verify;

#[cfg(test)]
mod tests {
    /// The tests run with overflow checks on, in every profile they are built with (the test
    /// profile, and `overflow-checks` in the release profile): an arithmetic overflow in the
    /// code under test stops them instead of wrapping unseen.
    #[test]
    #[should_panic(expected = "attempt to add with overflow")]
    fn arithmetic_overflow_panics() {
        let _ = core::hint::black_box(u8::MAX) + 1;
    }
}
