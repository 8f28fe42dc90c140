//! Golden vectors: the exact stored bytes of every record type, from the 2018 story.
//!
//! Each vector file holds records as JSON beside their bytes as hex. The tests check both
//! directions: encoding the JSON gives the bytes, and decoding the bytes gives the JSON. Any
//! change to the stored format fails here; a deliberate one needs a new format version.
//! `REMTAG_BLESS=1 cargo test -p remtag-tests --test golden` rewrites the files from the story.

use remtag::Record;
use remtag::codec::{self, Decoder, DeltaState};
use remtag_sim::story;
use remtag_tests::{blessing, record_name, vectors_dir};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct VectorFile {
    description: String,
    format_version: u8,
    /// Whether each record is encoded after the ones before it (`log`) or on its own, as the
    /// first record of a log (`first_of_log`).
    coding: String,
    vectors: Vec<Vector>,
}

#[derive(Serialize, Deserialize)]
struct Vector {
    name: String,
    record: Record,
    hex: String,
}

fn file_for(name: &str) -> std::path::PathBuf {
    vectors_dir().join(name)
}

fn log_vectors() -> VectorFile {
    let log = story::history(1).expect("the story encodes");
    VectorFile {
        description: "The history of box 1 of the 55 returned in 2018, one log, each record \
                      delta-coded against the records before it."
            .into(),
        format_version: codec::FORMAT_VERSION,
        coding: "log".into(),
        vectors: log
            .records()
            .iter()
            .map(|r| Vector {
                name: record_name(r),
                record: r.clone(),
                hex: hex::encode(log.stored(r.header.seq).expect("stored")),
            })
            .collect(),
    }
}

fn first_of_log_vectors() -> VectorFile {
    let log = story::history(1).expect("the story encodes");
    let mut seen = Vec::new();
    let mut vectors = Vec::new();
    for r in log.records() {
        let ty = r.body.record_type();
        if seen.contains(&ty) {
            continue;
        }
        seen.push(ty);
        let bytes = codec::encode_to_buf(r, &mut DeltaState::default()).expect("encodes");
        vectors.push(Vector {
            name: record_name(r),
            record: r.clone(),
            hex: hex::encode(&bytes),
        });
    }
    VectorFile {
        description: "One record of each type from the history of box 1, each encoded on its \
                      own as the first record of a log (no delta base)."
            .into(),
        format_version: codec::FORMAT_VERSION,
        coding: "first_of_log".into(),
        vectors,
    }
}

/// Checks `expected` against the file, or writes it when blessing.
fn check_or_bless(name: &str, expected: &VectorFile) -> VectorFile {
    let path = file_for(name);
    if blessing() {
        let json = serde_json::to_string_pretty(expected).expect("serializes");
        // Tests run in parallel: write whole files only, so no test reads a half-written one.
        let tmp = path.with_extension(format!("{:?}.tmp", std::thread::current().id()));
        std::fs::write(&tmp, json + "\n").expect("writes the vector file");
        std::fs::rename(&tmp, &path).expect("replaces the vector file");
    }
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run with REMTAG_BLESS=1 to create)",
            path.display()
        )
    });
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn encode_file(file: &VectorFile) -> Vec<String> {
    let mut state = DeltaState::default();
    file.vectors
        .iter()
        .map(|v| {
            if file.coding == "first_of_log" {
                state = DeltaState::default();
            }
            hex::encode(codec::encode_to_buf(&v.record, &mut state).expect("encodes"))
        })
        .collect()
}

fn check_both_directions(file: &VectorFile) {
    assert_eq!(file.format_version, codec::FORMAT_VERSION);
    // JSON -> bytes.
    for (v, hex) in file.vectors.iter().zip(encode_file(file)) {
        assert_eq!(
            hex, v.hex,
            "encoding {} (seq {})",
            v.name, v.record.header.seq
        );
    }
    // Bytes -> JSON.
    let mut state = DeltaState::default();
    for v in &file.vectors {
        if file.coding == "first_of_log" {
            state = DeltaState::default();
        }
        let bytes = hex::decode(&v.hex).expect("hex");
        let (record, used) = codec::decode(&bytes, &mut state)
            .unwrap_or_else(|e| panic!("decoding {}: {e}", v.name));
        assert_eq!(used, bytes.len(), "{} uses every byte", v.name);
        assert_eq!(record, v.record, "decoding {}", v.name);
    }
}

#[test]
fn log_vectors_match_in_both_directions() {
    let file = check_or_bless("korea-2018-box-1.log.json", &log_vectors());
    check_both_directions(&file);
    let mut types: Vec<u8> = file
        .vectors
        .iter()
        .map(|v| v.record.body.record_type().code())
        .collect();
    types.sort_unstable();
    types.dedup();
    assert_eq!(
        types.len(),
        remtag::RecordType::ALL.len(),
        "every record type appears"
    );
}

#[test]
fn first_of_log_vectors_match_in_both_directions() {
    let file = check_or_bless(
        "korea-2018-box-1.first-of-log.json",
        &first_of_log_vectors(),
    );
    check_both_directions(&file);
    assert_eq!(file.vectors.len(), remtag::RecordType::ALL.len());
}

#[test]
fn the_story_still_encodes_to_the_golden_bytes() {
    // Guards the story code and the encoder together: the files are not regenerated silently.
    let stored = check_or_bless("korea-2018-box-1.log.json", &log_vectors());
    let fresh = log_vectors();
    assert_eq!(stored.vectors.len(), fresh.vectors.len());
    for (a, b) in stored.vectors.iter().zip(&fresh.vectors) {
        assert_eq!(a.hex, b.hex, "{}", a.name);
    }
}

#[test]
fn the_whole_log_decodes_as_one_sequence() {
    let file = check_or_bless("korea-2018-box-1.log.json", &log_vectors());
    let bytes: Vec<u8> = file
        .vectors
        .iter()
        .flat_map(|v| hex::decode(&v.hex).expect("hex"))
        .collect();
    let decoded: Vec<Record> = Decoder::new(&bytes)
        .map(|r| r.expect("decodes").record)
        .collect();
    let expected: Vec<Record> = file.vectors.into_iter().map(|v| v.record).collect();
    assert_eq!(decoded, expected);
}
