#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod model;

pub use model::{Body, Header, Record, RecordType};
pub mod chain;
pub mod codec;
