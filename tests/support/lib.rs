//! Shared support for the workspace-level tests.

use std::path::PathBuf;

pub mod arbitrary;
pub mod field;
pub mod journey;
pub mod targets;
pub mod torture;

/// A property test's configuration: `default_cases` cases, or as many as `PROPTEST_CASES`
/// says, and no files of failures kept.
pub fn proptest_config(default_cases: u32) -> proptest::test_runner::Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    }
}

/// A record of type byte `kind` around `content`, with its length varint and a CRC that holds.
pub fn envelope(kind: u8, content: &[u8]) -> Vec<u8> {
    let mut bytes = vec![kind];
    let mut len = [0u8; 2];
    let len = postcard::to_slice(&(content.len() as u32), &mut len).expect("fits");
    bytes.extend_from_slice(len);
    bytes.extend_from_slice(content);
    bytes.extend_from_slice(&remtag::codec::checksum(&bytes).to_le_bytes());
    bytes
}

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
