//! Size comparison of remtag's stored format with general-purpose encodings of the same records.
//!
//! The `sizes` binary prints the comparison and writes `docs/SIZES.md`:
//!
//! ```text
//! cargo run -p remtag-bench --release --bin sizes -- --write docs/SIZES.md
//! ```
//!
//! [`measure`] measures the 2018 journey of one box against the size targets and every record
//! of its history; [`codecs`] encodes a record in each format; [`mirror`] holds the comparison
//! mirrors that `minicbor` and `prost` need; [`report`] renders the tables and the document.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod codecs;
pub mod log;
pub mod measure;
pub mod mirror;
pub mod report;
