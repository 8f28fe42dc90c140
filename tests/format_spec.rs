//! The format document is complete: a decoder written from `docs/FORMAT.md` alone
//! (`tests/format/decode_v1.py`, Python standard library only) reads every golden vector to the
//! same records as the Rust codec, checking CRCs, byte counts, the hash chain and checkpoint
//! signatures on the way.
//!
//! If this fails after a change to the codec, the stored format changed (see the version policy
//! in `docs/FORMAT.md`); if it fails after a change to the document or the script, they no longer
//! describe the bytes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every `*.json` file in `tests/vectors/`, sorted.
fn vector_files() -> Vec<PathBuf> {
    let dir = manifest_dir().join("vectors");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .map(|entry| {
            entry
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

/// Runs the Python decoder on `file`; returns whether it succeeded and what it printed.
fn run_decoder(file: &Path) -> (bool, String) {
    let script = manifest_dir().join("format").join("decode_v1.py");
    let output = Command::new("python3")
        .arg(&script)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("cannot run python3 {}: {e}", script.display()));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

#[test]
fn decoder_written_from_the_format_document_reads_every_golden_vector() {
    let files = vector_files();
    assert!(!files.is_empty(), "no vector files in tests/vectors");
    let mut failures = Vec::new();
    for file in &files {
        let (ok, output) = run_decoder(file);
        let summary = output.lines().last().unwrap_or_default();
        // The script must have decoded something and failed nothing.
        let passed_some = summary.ends_with(" passed, 0 failed") && !summary.starts_with("0 ");
        if !(ok && passed_some) {
            failures.push(format!("--- {}\n{output}", file.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "tests/format/decode_v1.py disagrees with the golden vectors:\n{}",
        failures.join("\n")
    );
}
