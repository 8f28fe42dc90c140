//! `remtag-sim verify`: exit 0 only for an intact log whose checkpoints all verify; exit 1 with
//! the findings otherwise, without keys, and for bad input, never a panic.

mod common;

use std::path::PathBuf;

use common::{sim, text};
use remtag::model::{Body, Checkpoint, List};
use remtag_sim::cli::story::eeprom_image;
use remtag_sim::logbuilder::LogBuilder;
use remtag_sim::story;

struct Files {
    dir: PathBuf,
}

impl Files {
    fn new(name: &str) -> Files {
        let dir = std::env::temp_dir().join(format!("remtag-verify-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let out = sim(&[
            "story",
            "--out",
            dir.join("box1.bin").to_str().expect("utf-8"),
            "--image",
            dir.join("box1.img").to_str().expect("utf-8"),
            "--keys-out",
            dir.join("keys.json").to_str().expect("utf-8"),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        Files { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir.join(name).to_str().expect("utf-8").to_string()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

/// Box 1's log as an adversary who rewrites the whole memory makes it: record 2's actor
/// altered, every checkpoint's count and head recomputed over the altered records, every
/// signature dropped, and the records written to a fresh EEPROM image as a tag writes them.
fn unsigned_forgery() -> Vec<u8> {
    let honest = story::history(1).expect("the story encodes");
    let mut forged = LogBuilder::new();
    for (i, record) in honest.records().iter().enumerate() {
        let mut record = record.clone();
        if i == 2 {
            record.header.actor = story::MORTUARY_AFFAIRS;
        }
        if let Body::Checkpoint(_) = record.body {
            let chain = forged.chain();
            record.body = Body::Checkpoint(Checkpoint {
                count: chain.count(),
                head: chain.head(),
                signatures: List::new(),
            });
        }
        forged.push_record(record).expect("encodes");
    }
    eeprom_image(forged.records()).expect("an image")
}

#[test]
fn an_honest_record_stream_and_image_verify() {
    let f = Files::new("honest");
    for input in ["box1.bin", "box1.img"] {
        let out = sim(&["verify", &f.path(input), "--keys", &f.path("keys.json")]);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(0), "{said}");
        for line in [
            "signatures: checked against 3 trusted key(s)",
            "signed prefix: 18, unsigned tail: 1",
            "checkpoint 11 over 11 records: chain ok, key 3 of party 3 as releasing: valid, \
             key 6 of party 6 as receiving: valid -> verified",
            "verdict: intact, every checkpoint verifies: records 0 to 17 are the ones checkpoint 18 was signed over",
            "nothing was recorded after checkpoint 18",
        ] {
            assert!(said.contains(line), "{line}\n{said}");
        }
    }
}

#[test]
fn the_unsigned_forgery_exits_1_with_each_checkpoint_named() {
    let f = Files::new("forged");
    std::fs::write(f.path("forged.img"), unsigned_forgery()).expect("write");
    let with_keys = [
        "verify",
        &f.path("forged.img"),
        "--keys",
        &f.path("keys.json"),
    ];
    for args in [&with_keys[..], &with_keys[..2]] {
        let out = sim(args);
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        for line in [
            "checkpoint 11 over 11 records: chain ok, NO SIGNATURE -> NOT VERIFIED",
            "finding: checkpoint 11 carries no signature: a tag never stores one, so it was forged",
            "finding: checkpoint 18 carries no signature",
            "verdict: NOT INTACT, 2 finding(s)",
        ] {
            assert!(said.contains(line), "{line}\n{said}");
        }
        assert!(!said.contains("verdict: intact"), "{said}");
        assert!(!said.contains("every checkpoint verifies"), "{said}");
    }
}

#[test]
fn without_keys_nothing_is_proven_and_it_says_so() {
    let f = Files::new("nokeys");
    let out = sim(&["verify", &f.path("box1.img")]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(1), "{said}");
    for line in [
        "signatures: NOT CHECKED, no keys file given (--keys)",
        "key 3 as releasing: not checked",
        "verdict: NOT VERIFIED, signatures were not checked: no keys file was given (--keys).",
        "nothing is proven",
    ] {
        assert!(said.contains(line), "{line}\n{said}");
    }
    assert!(!said.contains("verdict: intact"), "{said}");
    assert!(!said.contains("every checkpoint verifies"), "{said}");
}

#[test]
fn records_after_the_last_checkpoint_are_named_as_not_yet_signed() {
    let f = Files::new("tail");
    let mut log = story::history(1).expect("the story encodes");
    let last = log.records().last().expect("records").clone();
    let inspection = log.records()[12].clone();
    log.push(
        last.header.time,
        last.header.tz,
        last.header.actor,
        last.header.location,
        inspection.body,
    )
    .expect("encodes");
    std::fs::write(f.path("tail.bin"), log.bytes()).expect("write");
    let out = sim(&[
        "verify",
        &f.path("tail.bin"),
        "--keys",
        &f.path("keys.json"),
    ]);
    let said = text(&out);
    assert_eq!(out.status.code(), Some(0), "{said}");
    assert!(
        said.contains(
            "not yet signed: 1 record(s) after checkpoint 18 (19 to 19): normal for a tag in use, \
             but no one vouches for them yet"
        ),
        "{said}"
    );
}

#[test]
fn the_identity_is_compared_when_given() {
    let f = Files::new("identity");
    let keys = f.path("keys.json");
    let box1 = story::box_epc(1).tag_uri().to_string();
    let out = sim(&[
        "verify",
        &f.path("box1.img"),
        "--keys",
        &keys,
        "--epc",
        &box1,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("not compared"), "{}", text(&out));

    let box2 = story::box_epc(2).tag_uri().to_string();
    let out = sim(&[
        "verify",
        &f.path("box1.img"),
        "--keys",
        &keys,
        "--epc",
        &box2,
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("finding: the identity is not the expected one"),
        "{}",
        text(&out)
    );

    let out = sim(&["verify", &f.path("box1.img"), "--keys", &keys]);
    assert!(
        text(&out).contains("(not compared: give --epc to check it is this box's tag)"),
        "{}",
        text(&out)
    );
}

#[test]
fn tampering_and_damage_exit_1_with_the_position() {
    let f = Files::new("tampered");
    let mut bytes = std::fs::read(f.path("box1.bin")).expect("read");
    bytes.remove(200);
    std::fs::write(f.path("cut.bin"), &bytes).expect("write");
    let out = sim(&["verify", &f.path("cut.bin"), "--keys", &f.path("keys.json")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("at byte"), "{}", text(&out));

    let mut image = std::fs::read(f.path("box1.img")).expect("read");
    image[400] ^= 0x10;
    std::fs::write(f.path("rot.img"), &image).expect("write");
    let out = sim(&["verify", &f.path("rot.img"), "--keys", &f.path("keys.json")]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("flipped, repaired"), "{}", text(&out));
}

#[test]
fn wrong_keys_fail_verification() {
    let f = Files::new("wrongkeys");
    let keys = std::fs::read_to_string(f.path("keys.json")).expect("read");
    let mut json: serde_json::Value = serde_json::from_str(&keys).expect("json");
    json["keys"].as_array_mut().expect("keys").remove(0);
    std::fs::write(f.path("fewer.json"), json.to_string()).expect("write");
    let out = sim(&[
        "verify",
        &f.path("box1.bin"),
        "--keys",
        &f.path("fewer.json"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("key 3 is not trusted"),
        "{}",
        text(&out)
    );
}

#[test]
fn bad_input_exits_1_with_a_clear_message() {
    let f = Files::new("bad");
    std::fs::write(f.path("broken.json"), "{ \"keys\": [ { \"id\": 3 ").expect("write");
    let cases: [(&[&str], &str); 5] = [
        (
            &["verify", "no/such.bin", "--keys", "no/keys.json"],
            "cannot read keys file",
        ),
        (
            &[
                "verify",
                &f.path("box1.bin"),
                "--keys",
                &f.path("broken.json"),
            ],
            "broken.json:1:",
        ),
        (
            &["verify", "no/such.bin", "--keys", &f.path("keys.json")],
            "no such file",
        ),
        (&["verify"], "<IMAGE>"),
        (
            &["verify", &f.path("box1.bin"), "--epc", "box 1"],
            "--epc box 1: not a tag URI",
        ),
    ];
    for (args, needle) in cases {
        let out = sim(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(needle), "{args:?}: {}", text(&out));
        assert!(!text(&out).contains("panicked"));
    }
}
