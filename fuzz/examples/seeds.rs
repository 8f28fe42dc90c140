//! Writes the seed corpora of the fuzz targets into `seeds/<target>/` (or the folder given):
//! the golden vectors, the honest log of box 1 of 2018, logs on every simulated memory, reader
//! sessions, keys and scenario files. Each seed is small; the targets build larger inputs, such
//! as whole memory images, from them.
//!
//! ```text
//! cargo +nightly run --manifest-path fuzz/Cargo.toml --example seeds
//! ```

use std::fs;
use std::path::{Path, PathBuf};

use remtag::log::{Layout, Medium};
use remtag::model::PartyRef;
use remtag::protocol::{self, MAX_FRAME_LEN, Request};
use remtag_fuzz::media::{self, Chip, Fill};
use remtag_sim::story;

/// A small scenario with one of each table and action, for the scenario parser.
const SCENARIO: &str = r#"[scenario]
name = "seed"
title = "Two crates"
start = "2024-03-01T00:00:00Z"

[keys]
valid_from = "2024-01-01T00:00:00Z"
valid_until = "2030-01-01T00:00:00Z"

[places]
depot = { id = 1, name = "Depot", code = "D1", lat = 37.09, lon = 127.03, tz = "+09:00" }
lab = { id = 2, name = "Lab", lat = 21.3, lon = -157.9, tz = "-10:00" }

[parties]
team = { id = 1, name = "Team", keys = [1] }
lab = { id = 2, name = "Lab", keys = [2] }

[[route]]
at = "2024-03-01T00:00:00Z"
place = "depot"

[[no_fix]]
from = "2024-03-02T00:00:00Z"

[[tags]]
group = "crate"
count = 2
memory = "nor-flash"
memory_kib = 16
epc = "urn:epc:tag:giai-96:1.0614141.{700000 + n * 2}"
container = "box"
labels = [{ box_number = "n" }]
claims = [{ by = "team", individual_count = "rand(1, 4)" }]
issuer = "team"

[[timeline]]
at = "2024-03-01T08:00:00Z"
do = "commission"
by = "team"
place = "depot"

[[timeline]]
at = "2024-03-01T09:00:00Z"
do = "press"
by = "team"
jitter = "1h"
custody = { step = "accepting", disposition = "in_progress", from = "team", to = "team", seal = "500000 + -(n - 1) % 7", seal_state = "applied" }

[[timeline]]
at = "2024-03-01T10:00:00Z"
do = "handover"
releasing = "team"
receiving = "lab"
tags = "crate every 2 from 1"

[[timeline]]
at = "2024-03-02T10:00:00Z"
do = "power_cut"
chance = 0.5
steps = "rand(0, 40)"

[[timeline]]
at = "2024-03-03T10:00:00Z"
do = "record"
by = "lab"
place = "lab"
repeat = 2
every = "1d12h"
inspect = { kind = "routine", element_count = "max(5, min(n, 60))" }

[[timeline]]
at = "2024-03-09T10:00:00Z"
do = "bit_rot"
records = "1"
tags = "crate 2"

[[timeline]]
at = "2024-03-10T00:00:00Z"
do = "tamper"
how = "alter"
tags = "crate 1-2"
"#;

fn main() {
    let out = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds"));
    record_decode(&out.join("record_decode"));
    log_mount(&out.join("log_mount"));
    protocol_seeds(&out.join("protocol"));
    verify(&out.join("verify"));
    cli_inputs(&out.join("cli_inputs"));
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    fs::create_dir_all(dir).expect("a seed folder");
    fs::write(dir.join(name), bytes).expect("a seed");
}

/// The `hex` of every vector in a golden file.
fn vectors(name: &str) -> Vec<Vec<u8>> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(name);
    let text = fs::read_to_string(&path).expect("a golden file");
    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    json["vectors"]
        .as_array()
        .expect("vectors")
        .iter()
        .map(|v| decode_hex(v["hex"].as_str().expect("hex")))
        .collect()
}

fn decode_hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

fn record_decode(dir: &Path) {
    write(
        dir,
        "korea-2018-box-1.log",
        &vectors("korea-2018-box-1.log.json").concat(),
    );
    for (i, record) in vectors("korea-2018-box-1.first-of-log.json")
        .iter()
        .enumerate()
    {
        write(dir, &format!("first-of-log-{i}"), record);
    }
}

fn log_mount(dir: &Path) {
    // Medium numbers as the target reads them.
    seeds_on(dir, 0, "eeprom", media::eeprom());
    seeds_on(dir, 1, "nor-4k", media::nor_large());
    seeds_on(dir, 2, "nor-256", media::nor_small());
    seeds_on(dir, 3, "nor-256-bytes", media::nor_bytes());
    seeds_on(dir, 4, "ntag215", media::ntag215());
    seeds_on(dir, 5, "ntag216", media::ntag216());
}

/// For one memory: each log mounted as written, a window over the identity and over the
/// first segment with the bytes they hold (for the fuzzer to change), and a blank chip
/// covered with a log's first bytes.
fn seeds_on<C: Chip>(dir: &Path, medium: u8, name: &str, blank: C) {
    let layout =
        Layout::new::<()>(blank.clone().medium().info(), blank.config()).expect("a layout");
    for (fill, fill_name) in [(0u8, "blank"), (1, "short"), (2, "wrapped")] {
        // Flip no bit, then append the record of template 0.
        write(
            dir,
            &format!("{name}-{fill_name}"),
            &[medium, fill, 1, 0, 0],
        );
    }
    for (fill, fill_name, kind) in [(1u8, "short", Fill::Short), (2, "wrapped", Fill::Wrapped)] {
        let mut chip = media::written(blank.clone(), kind);
        let bytes = chip.bytes_mut().to_vec();
        for (at, what) in [(0u32, "identity"), (layout.segment_start(0), "segment")] {
            let len = 80usize.min(bytes.len() - at as usize);
            let mut seed = vec![medium, fill, 0];
            seed.extend_from_slice(&(at as u16).to_be_bytes());
            seed.push((len - 1) as u8);
            seed.extend_from_slice(&bytes[at as usize..at as usize + len]);
            seed.push(3);
            write(dir, &format!("{name}-{fill_name}-{what}"), &seed);
        }
        if fill == 1 {
            let mut seed = vec![medium, 0, 2];
            let len = 192usize;
            seed.extend_from_slice(&(len as u16).to_be_bytes());
            seed.extend_from_slice(&bytes[..len]);
            write(dir, &format!("{name}-tiled"), &seed);
        }
    }
}

fn frame(request: &Request) -> Vec<u8> {
    let mut out = [0u8; MAX_FRAME_LEN];
    let n = protocol::encode(request, &mut out).expect("frames");
    out[..n].to_vec()
}

fn protocol_seeds(dir: &Path) {
    // Operations as the target reads them: 0 raw bytes, 1 a payload after the version, 3 a
    // valid request (then its kind), 5 a delimiter, 6 time passing, 7 a reboot.
    let hello = frame(&Request::Hello { actor: PartyRef(3) });
    let mut session = vec![0, hello.len() as u8];
    session.extend_from_slice(&hello);
    session.extend_from_slice(&[
        3, 2, // status
        3, 8, 0, // append the next record
        3, 9, 0, 0, // a checkpoint signed by both sides
        3, 3, 0, // read from 0
        3, 4, 3, 4, // read next, twice
        1, 1, 2, // a status payload, framed
        6, 0, 30, // half an hour
        3, 11, 4, 1, // a record with another's number
        7, // reboot
        3, 5, // goodbye
    ]);
    for options in 0u8..4 {
        let mut seed = vec![options];
        seed.extend_from_slice(&session);
        write(dir, &format!("session-{options}"), &seed);
    }
    // A blank tag commissioned, then written to.
    write(
        dir,
        "commission",
        &[
            2, 3, 0, 1, 3, 10, 3, 8, 0, 3, 9, 1, 0, 3, 9, 0x82, 0, 3, 3, 0,
        ],
    );
    // Noise, half a frame, a reboot in between.
    write(
        dir,
        "noise",
        &[
            0, 0, 6, 0x05, 0x01, 0x02, 0x00, 0x11, 0x22, 5, 7, 0, 3, 0x02, 0x02, 0x02,
        ],
    );
}

fn verify(dir: &Path) {
    let log = story::history(1).expect("the story encodes");
    for options in [0u8, 4, 8 | 4, 1] {
        let mut seed = vec![options];
        seed.extend_from_slice(log.bytes());
        write(dir, &format!("history-{options}"), &seed);
    }
}

fn cli_inputs(dir: &Path) {
    let log = story::history(1).expect("the story encodes");
    // A record stream as hex text, as `decode` takes it.
    let mut seed = vec![0, 0];
    let hex: String = log.bytes().iter().map(|b| format!("{b:02x}")).collect();
    seed.extend_from_slice(hex.as_bytes());
    write(dir, "stream-hex", &seed);
    // NFC tag memory holding a short log, as `decode` and `verify` take an image.
    let mut tag = media::written(media::ntag215(), Fill::Short);
    let mut seed = vec![0, 1];
    seed.extend_from_slice(tag.bytes_mut());
    write(dir, "ntag215-image", &seed);
    // The golden image of NFC tag memory, as it is.
    let golden =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/layout-v2/ntag216.img");
    let image = fs::read(golden).expect("the golden NTAG216 image");
    write(dir, "ntag216-golden", &[&[0, 0][..], &image].concat());
    // The story's keys file.
    let keys = serde_json::to_vec_pretty(&story::keys_file()).expect("JSON");
    write(dir, "keys", &[&[1][..], &keys].concat());
    if let Err(e) = remtag_sim::scenario::Scenario::parse(SCENARIO, "seed.toml") {
        panic!("the seed scenario reads: {e}");
    }
    write(dir, "scenario", &[&[2][..], SCENARIO.as_bytes()].concat());
    // Each shipped scenario as it is (a change of nothing at its start).
    for k in 0u8..3 {
        write(dir, &format!("shipped-{k}"), &[3, k, 0, 0, 0]);
    }
    for (i, text) in [
        "-(n - 10) * 2 + i",
        "min(n, 10) + max(i, count) % 7 / rand(1, 3)",
        "urn:epc:tag:usdod-96:0.7DPA1.{n}",
        "1d12h",
        "box every 5 from 2, 7-9",
    ]
    .iter()
    .enumerate()
    {
        write(
            dir,
            &format!("language-{i}"),
            &[&[4, 3, 2][..], text.as_bytes()].concat(),
        );
    }
}
