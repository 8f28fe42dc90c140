#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

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
