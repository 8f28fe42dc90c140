//! `remtag-sim verify`: exit 0 only for an intact log whose checkpoints all verify; exit 1 with
//! the findings otherwise, and for bad input, never a panic.

mod common;

use std::path::PathBuf;

use common::{sim, text};

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

#[test]
fn an_honest_record_stream_and_image_verify() {
    let f = Files::new("honest");
    for input in ["box1.bin", "box1.img"] {
        let out = sim(&["verify", &f.path(input), "--keys", &f.path("keys.json")]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        assert!(
            text(&out).contains("signed prefix: 18, unsigned tail: 1"),
            "{}",
            text(&out)
        );
    }
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
    let cases: [(&[&str], &str); 4] = [
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
        (&["verify", &f.path("box1.bin")], "--keys"),
    ];
    for (args, needle) in cases {
        let out = sim(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(needle), "{args:?}: {}", text(&out));
        assert!(!text(&out).contains("panicked"));
    }
}
