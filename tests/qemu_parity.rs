//! The firmware under QEMU against the host: the Cortex-M4 image (`mps2-an386`) and the
//! Cortex-M0 image (`microbit`) run the shared script (`firmware/script`) on the tag from
//! `core`, and must read back exactly the records, chain head, memory image and responses
//! that the same script gives on the host. Each image must exit 0; with the `signatures`
//! feature each also verifies its own log, the custodians' signatures included. A panic must
//! be logged and end the run with a non-zero code.
//!
//! The images are built here (`cargo build --release` in `firmware/qemu`, a no-op when up to
//! date). `qemu-system-arm` and `defmt-print` must be installed; `scripts/test` installs
//! them.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use remtag::chain::{self, Chain};
use remtag::codec;
use remtag::model::{Body, KeyId, PartyRef, SignerRole, UtcSeconds};
use remtag::verify::{TrustedKey, Verifier};
use remtag_script::board::LOG_SIZE;
use remtag_script::keys;
use remtag_sim::keys::demo_keypair;

/// What a run of the script produced, on the host or read from a firmware's output.
#[derive(Debug, Default, PartialEq, Eq)]
struct Run {
    /// The records the reader read back: offset and stored bytes as hexadecimal.
    records: Vec<(u32, String)>,
    head: String,
    transcript: String,
    image: String,
    counts: String,
}

/// One firmware image and the machine it runs on.
struct Image {
    target: &'static str,
    machine: &'static [&'static str],
}

const CORTEX_M4: Image = Image {
    target: "thumbv7em-none-eabihf",
    machine: &["-M", "mps2-an386"],
};

/// The nRF51's 16 KiB of RAM hold less than the tag application's stack (docs/FIRMWARE.md):
/// QEMU gives it 64 KiB, which `memory/microbit.x` expects.
const CORTEX_M0: Image = Image {
    target: "thumbv6m-none-eabi",
    machine: &["-M", "microbit", "-global", "nrf51-soc.sram-size=65536"],
};

/// The longest a run may take; the script takes well under a second.
const TIMEOUT: Duration = Duration::from_secs(120);

fn firmware_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../firmware/qemu")
}

/// The script on the host, reported as the firmware reports it.
fn host_run() -> Run {
    let mut memory = vec![0u8; LOG_SIZE];
    let mut records = Vec::new();
    let outcome = remtag_script::run(&mut memory, &mut |offset, stored| {
        records.push((offset, hex::encode(stored)));
    })
    .expect("the script runs on the host");
    let mut image = Chain::default();
    for piece in memory.chunks(512) {
        image.push(piece);
    }
    Run {
        records,
        head: hex::encode(outcome.head.as_array()),
        transcript: hex::encode(outcome.transcript.as_array()),
        image: hex::encode(image.head().as_array()),
        counts: format!(
            "records {} responses {} blinks {}",
            outcome.records, outcome.responses, outcome.blinks
        ),
    }
}

/// Builds the program `bin` of the firmware for `image`, with `features`, and returns the
/// path of its ELF file.
fn build(image: &Image, bin: &str, features: &str) -> PathBuf {
    let dir = firmware_dir();
    let status = Command::new(env!("CARGO"))
        .current_dir(&dir)
        .args(["build", "--release", "--locked", "--target", image.target])
        .args(["--bin", bin, "--features", features])
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .status()
        .expect("cargo runs");
    assert!(status.success(), "{bin} builds for {}", image.target);
    dir.join("target")
        .join(image.target)
        .join("release")
        .join(bin)
}

/// Runs `elf` under QEMU; returns its exit code and its log decoded by defmt-print.
fn run_qemu(image: &Image, elf: &Path) -> (i32, String) {
    let mut qemu = Command::new("qemu-system-arm")
        .args(image.machine)
        .args(["-nographic", "-monitor", "none", "-serial", "none"])
        .args(["-semihosting-config", "enable=on,target=native", "-kernel"])
        .arg(elf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("qemu-system-arm is installed (scripts/test installs it)");
    let mut stdout = qemu.stdout.take().expect("qemu's output");
    let reader = std::thread::spawn(move || {
        let mut frames = Vec::new();
        std::io::Read::read_to_end(&mut stdout, &mut frames).map(|_| frames)
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = qemu.try_wait().expect("qemu runs") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            qemu.kill().ok();
            panic!("{} did not finish within {TIMEOUT:?}", elf.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let frames = reader
        .join()
        .expect("the reader thread")
        .expect("qemu's output reads");
    (status.code().unwrap_or(-1), decode(elf, &frames))
}

/// Decodes defmt frames with `defmt-print`.
fn decode(elf: &Path, frames: &[u8]) -> String {
    let mut print = Command::new("defmt-print")
        .arg("-e")
        .arg(elf)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("defmt-print is installed (scripts/test installs it)");
    print
        .stdin
        .take()
        .expect("defmt-print's input")
        .write_all(frames)
        .expect("defmt-print reads its input");
    let output = print.wait_with_output().expect("defmt-print runs");
    String::from_utf8(output.stdout).expect("defmt-print writes text")
}

/// The report in a firmware's log, and the stack it used.
fn parse(log: &str) -> (Run, Option<(u32, u32)>) {
    let mut run = Run::default();
    let mut stack = None;
    for line in log.lines() {
        // defmt-print may put a level or a location before the message.
        let line = line.trim();
        let message = [
            "record ",
            "head ",
            "transcript ",
            "image ",
            "records ",
            "stack ",
        ]
        .iter()
        .find_map(|key| line.find(key).map(|at| &line[at..]))
        .unwrap_or("");
        let words: Vec<&str> = message.split_whitespace().collect();
        match words.as_slice() {
            ["record", _, "at", offset, stored] => run.records.push((
                offset.trim_end_matches(':').parse().expect("an offset"),
                (*stored).to_owned(),
            )),
            ["head", h] => run.head = (*h).to_owned(),
            ["transcript", t] => run.transcript = (*t).to_owned(),
            ["image", i] => run.image = (*i).to_owned(),
            ["records", ..] => run.counts = message.to_owned(),
            ["stack", used, "of", size] => {
                stack = Some((
                    used.parse().expect("bytes used"),
                    size.parse().expect("bytes"),
                ))
            }
            _ => {}
        }
    }
    (run, stack)
}

/// Runs the script's image with `features` on `image` and compares it with the host; returns
/// its log.
fn parity(image: &Image, features: &str) -> String {
    let host = host_run();
    // One build and run at a time per target: the features share the ELF file's path.
    let elf = build(image, "script", features);
    let (code, log) = run_qemu(image, &elf);
    assert_eq!(code, 0, "{} exits 0; its log:\n{log}", image.target);
    let (firmware, stack) = parse(&log);
    assert!(
        firmware.records.len() > 100,
        "the log lists the records read back:\n{log}"
    );
    assert_eq!(
        firmware.records, host.records,
        "records of {}",
        image.target
    );
    assert_eq!(firmware, host, "{}", image.target);
    let (used, size) = stack.expect("the firmware reports its stack");
    assert!(0 < used && used < size, "stack {used} of {size}");
    println!(
        "{} [{features}]: {} records, stack {used} of {size} bytes",
        image.target,
        host.records.len()
    );
    log
}

/// The default image matches the host; so does the one that verifies its own log with the
/// custodians' signatures, and that verification passes.
fn both_builds_match_the_host(image: &Image) {
    parity(image, "");
    let log = parity(image, "signatures");
    assert!(
        log.contains("verified 157 records: signed prefix 5, 0 findings, true"),
        "the {} image verifies its log:\n{log}",
        image.target
    );
}

#[test]
fn cortex_m4_matches_the_host() {
    both_builds_match_the_host(&CORTEX_M4);
}

#[test]
fn cortex_m0_matches_the_host() {
    both_builds_match_the_host(&CORTEX_M0);
}

#[test]
fn a_panic_is_logged_and_exits_non_zero() {
    let elf = build(&CORTEX_M0, "panic", "");
    let (code, log) = run_qemu(&CORTEX_M0, &elf);
    assert_eq!(code, 101, "{log}");
    assert!(log.contains("panicked at src/bin/panic.rs:"), "{log}");
}

/// The checkpoint signatures in the script are the custodians' own over the heads the script
/// produces, and the host's verifier accepts the whole log.
#[test]
fn the_scripts_log_verifies_with_its_signatures() {
    let mut stored = Vec::new();
    remtag_script::run(&mut vec![0u8; LOG_SIZE], &mut |_, bytes| {
        stored.push(bytes.to_vec())
    })
    .expect("the script runs");

    // Every checkpoint's signatures, as the custodians' readers make them.
    let mut chain = Chain::default();
    let mut state = codec::DeltaState::default();
    let mut expected = Vec::new();
    for bytes in &stored {
        let (record, _) = codec::decode(bytes, &mut state).expect("a record");
        if let Body::Checkpoint(c) = &record.body {
            for s in c.signatures.iter() {
                let statement = chain::checkpoint_statement(c.count, &chain.head(), s.role);
                let signature = demo_keypair(s.key).sk.sign(statement, None);
                expected.push((c.count, s.key, s.role, *signature));
            }
        }
        chain.push(bytes);
    }
    let in_script: Vec<_> = expected
        .iter()
        .map(|&(count, key, role, _)| {
            (
                count,
                key,
                role,
                keys::signature(count, key, role).unwrap_or([0; 64]),
            )
        })
        .collect();
    assert_eq!(
        in_script,
        expected,
        "firmware/script/src/keys.rs needs these signatures:\n{}",
        signature_table(&expected)
    );

    let public = |key: KeyId| *demo_keypair(key).pk;
    for (key, bytes) in keys::PUBLIC {
        assert_eq!(bytes, public(key), "the public key {key:?} in the script");
    }
    let trusted: Vec<TrustedKey> = keys::PUBLIC
        .iter()
        .map(|&(id, public)| TrustedKey {
            id,
            party: PartyRef(id.0),
            public,
            valid_from: UtcSeconds(0),
            valid_until: None,
        })
        .collect();
    let mut verifier = Verifier::new(&trusted, None, None);
    let mut offset = 0;
    for bytes in &stored {
        verifier.push(bytes, offset);
        offset += bytes.len() as u32;
    }
    let report = verifier.finish();
    assert!(report.is_intact(), "{report:?}");
    assert_eq!(report.checkpoints.len(), 1, "{report:?}");
    assert!(
        report.checkpoints.iter().all(|c| c.verified()),
        "{report:?}"
    );
}

fn signature_table(signatures: &[(u32, KeyId, SignerRole, [u8; 64])]) -> String {
    signatures
        .iter()
        .map(|(count, key, role, s)| format!("({count}, {key:?}, {role:?}, {s:?})\n"))
        .collect()
}
