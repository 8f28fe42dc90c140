//! Shared support for the workspace-level tests.

use std::path::PathBuf;

pub mod arbitrary;
pub mod field;
pub mod journey;
pub mod targets;
pub mod torture;

/// The folder that holds the golden vectors.
pub fn vectors_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("vectors")
}

/// Whether the golden files should be rewritten (`REMTAG_BLESS=1`) instead of checked.
pub fn blessing() -> bool {
    std::env::var_os("REMTAG_BLESS").is_some_and(|v| v == "1")
}

/// A short name for a record in a vector file: its type, and its business step if it has one.
pub fn record_name(record: &remtag::Record) -> String {
    use remtag::Body;
    match &record.body {
        Body::Custody(c) => format!("custody {}", c.step),
        Body::Inspect(i) => format!("inspect {:?}", i.kind),
        body => body.record_type().name().to_string(),
    }
}
