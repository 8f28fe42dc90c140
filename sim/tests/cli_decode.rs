//! `remtag-sim decode` on good and bad input: records first, then the fault and its offset,
//! exit status 1 on bad input and never a panic.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn sim(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_remtag-sim"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    if let Some(bytes) = stdin {
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(bytes)
            .expect("writes");
    }
    drop(child.stdin.take());
    child.wait_with_output().expect("runs")
}

fn story_bytes() -> Vec<u8> {
    remtag_sim::story::history(1)
        .expect("story")
        .bytes()
        .to_vec()
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn good_hex_decodes_with_status_0() {
    let hex = hex::encode(story_bytes());
    let out = sim(&["decode", &hex], None);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("19 records"), "{stdout}");
    assert!(stdout.contains("accepting / in_progress"), "{stdout}");
}

#[test]
fn binary_and_hex_files_and_stdin_are_read() {
    let dir = std::env::temp_dir().join(format!("remtag-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let bin = dir.join("box1.bin");
    let hex = dir.join("box1.hex");
    std::fs::write(&bin, story_bytes()).expect("write");
    std::fs::write(&hex, hex::encode(story_bytes()) + "\n").expect("write");
    for path in [&bin, &hex] {
        let out = sim(&["decode", path.to_str().expect("utf-8")], None);
        assert_eq!(out.status.code(), Some(0), "{:?}", text(&out));
    }
    let out = sim(&["decode", "-", "--json"], Some(&story_bytes()));
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["records"].as_array().map(Vec::len), Some(19));
    assert!(json["error"].is_null());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn truncated_input_prints_the_good_records_then_the_offset() {
    let bytes = story_bytes();
    let cut = &bytes[..100];
    let out = sim(&["decode", &hex::encode(cut)], None);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout.contains("4 records"), "{stdout}");
    assert!(stderr.contains("at byte 100"), "{stderr}");
    assert!(stderr.contains("ends inside a record"), "{stderr}");
}

#[test]
fn a_flipped_bit_is_reported_at_its_record() {
    let mut bytes = story_bytes();
    bytes[70] ^= 0x08; // inside record 2, which starts at byte 63
    let out = sim(&["decode", "--json", "-"], Some(&bytes));
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(json["records"].as_array().map(Vec::len), Some(2));
    let offset = json["error"]["offset"].as_u64().expect("offset");
    assert!((63..80).contains(&offset), "offset {offset}");
    assert!(stderr.contains("CRC mismatch"), "{stderr}");
}

#[test]
fn a_wrong_version_is_named() {
    let mut bytes = story_bytes();
    bytes[0] = 0x21;
    let out = sim(&["decode", &hex::encode(&bytes)], None);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("at byte 0: unsupported format version 2"),
        "{stderr}"
    );
}

#[test]
fn random_input_exits_1_without_panicking() {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..20 {
        let bytes: Vec<u8> = (0..64 + round * 13)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        let out = sim(&["decode", "-"], Some(&bytes));
        let (_, stderr) = text(&out);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains("at byte"), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn missing_files_and_bad_arguments_exit_1() {
    for args in [
        &["decode", "no/such/file.bin"][..],
        &["decode", "xyz"],
        &["decode"],
        &["frobnicate"],
    ] {
        let out = sim(args, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {:?}", text(&out));
    }
}

#[test]
fn a_memory_image_decodes_through_the_log_and_damage_is_named() {
    let dir = std::env::temp_dir().join(format!("remtag-cli-image-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let image = dir.join("box1.img");
    let out = sim(&["story", "--image", image.to_str().expect("utf-8")], None);
    assert_eq!(out.status.code(), Some(0));
    let out = sim(&["decode", image.to_str().expect("utf-8")], None);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stdout.contains("19 records, 32768 bytes"), "{stdout}");

    let mut bytes = std::fs::read(&image).expect("read");
    bytes[400] ^= 0x10;
    std::fs::write(&image, &bytes).expect("write");
    let out = sim(&["decode", image.to_str().expect("utf-8")], None);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("flipped, repaired"), "{stderr}");
    std::fs::remove_dir_all(&dir).ok();
}
