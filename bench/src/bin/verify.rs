//! Host verification throughput: records verified per second, signatures included.
//!
//! `cargo run -p remtag-bench --release --bin verify` verifies the history of each of the 55
//! boxes of 2018 (19 records each, two signed checkpoints, three Ed25519 signatures) over and
//! over, and prints records and checkpoints per second. A benchmark, not a test: the numbers
//! depend on the machine.

use std::time::{Duration, Instant};

use remtag::verify::{TrustedKey, Verifier};
use remtag_sim::story;

fn main() {
    let keys: Vec<TrustedKey> = story::keys_file()
        .trusted()
        .expect("the story's keys are valid");
    let boxes: Vec<Vec<Vec<u8>>> = (1..=55)
        .map(|n| {
            let log = story::history(n).expect("the story encodes");
            log.records()
                .iter()
                .map(|r| log.stored(r.header.seq).expect("stored").to_vec())
                .collect()
        })
        .collect();
    let mut records = 0u64;
    let mut checkpoints = 0u64;
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        for stored in &boxes {
            let mut v = Verifier::new(&keys, None, None);
            let mut offset = 0;
            for bytes in stored {
                v.push(bytes, offset);
                offset += bytes.len() as u32;
            }
            let report = v.finish();
            assert!(report.is_intact(), "{:?}", report.findings);
            records += u64::from(report.records);
            checkpoints += report.checkpoints.len() as u64;
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "verified {records} records ({checkpoints} checkpoints) in {secs:.2} s: {:.0} records/s, {:.0} checkpoints/s",
        records as f64 / secs,
        checkpoints as f64 / secs
    );
}
