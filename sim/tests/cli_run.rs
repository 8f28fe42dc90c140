//! `remtag-sim run`: the shipped scenarios played on simulated tags, the same for the same seed,
//! every acknowledged record, flipped bit and forgery accounted for, and bad input refused with
//! exit status 1 and the file, line and column.

mod common;

use common::{Scratch, text};

use serde_json::Value;

fn json(path: &str) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn totals(dir: &str) -> Value {
    json(&format!("{dir}/run.json"))["totals"].clone()
}

#[test]
fn the_default_run_plays_the_55_boxes_and_every_log_verifies() {
    let s = Scratch::new("run", "default");
    let out = s.sim(&["run"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = text(&out);
    for line in [
        "korea-2018",
        "tags                            55",
        "logs intact and verified        55 of 55",
        "checks passed                   55 of 55 tags",
        "records per second",
    ] {
        assert!(printed.contains(line), "{line:?} not in\n{printed}");
    }
    // The default folder, under the working directory.
    let dir = s.path("out/korea-2018");
    let t = totals(&dir);
    assert_eq!(t["tags"], 55);
    assert_eq!(t["intact"], 55);
    assert_eq!(t["checkpoints"], t["checkpoints_verified"]);
    assert!(t["records"].as_u64().expect("records") > 55 * 15, "{t}");
    assert_eq!(t["survived"], t["acknowledged"]);
    let tags = std::fs::read_dir(format!("{dir}/tags"))
        .expect("tags")
        .count();
    assert_eq!(tags, 55 * 3);

    // The images are what the tags hold: `verify` and `decode` read them.
    let image = format!("{dir}/tags/box-007.img");
    let keys = format!("{dir}/keys.json");
    let out = s.sim(&["verify", &image, "--keys", &keys]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("verdict: intact"), "{}", text(&out));
    let out = s.sim(&["decode", &image]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("correction"), "{}", text(&out));

    // The log as JSON holds the corrected link and the correction that names it.
    let log = json(&format!("{dir}/tags/box-007.log.json"));
    let entries = log["entries"].as_array().expect("entries");
    let correction = entries
        .iter()
        .find_map(|e| e["record"]["body"].get("Correction"))
        .expect("a correction");
    assert_eq!(correction["reason"], "LinkDisproved");

    // A second run into the same folder replaces the first.
    let out = s.sim(&["run", "korea-2018"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn files_of(dir: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(format!("{dir}/tags"))
        .expect("tags")
        .map(|e| {
            let path = e.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    files.sort();
    files.push((
        "keys.json".into(),
        std::fs::read(format!("{dir}/keys.json")).expect("keys"),
    ));
    let tags = json(&format!("{dir}/run.json"))["tags"].to_string();
    files.push(("run.json tags".into(), tags.into_bytes()));
    files
}

#[test]
fn a_run_is_the_same_for_the_same_seed() {
    let s = Scratch::new("run", "seed");
    let (a, b, c) = (s.path("a"), s.path("b"), s.path("c"));
    for (dir, seed) in [(&a, "7"), (&b, "7"), (&c, "8")] {
        let out = s.sim(&[
            "run", "stress", "--tags", "40", "--seed", seed, "--out", dir,
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let (fa, fb, fc) = (files_of(&a), files_of(&b), files_of(&c));
    assert_eq!(fa.len(), 40 * 3 + 2);
    for (x, y) in fa.iter().zip(&fb) {
        assert!(x == y, "{} differs between two runs with seed 7", x.0);
    }
    assert_ne!(fa, fc, "another seed, another run");
}

#[test]
fn under_stress_every_acknowledged_record_survives_and_every_fault_is_found() {
    let s = Scratch::new("run", "stress");
    let dir = s.path("stress");
    let out = s.sim(&[
        "run", "stress", "--tags", "400", "--seed", "3", "--out", &dir,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let printed = text(&out);
    assert!(
        printed.contains("tags                            400"),
        "{printed}"
    );
    let t = totals(&dir);
    let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k} in {t}"));
    assert!(n("power_cuts") > 100, "{t}");
    assert!(n("damage_injected") > 10, "{t}");
    assert!(n("tampered") > 3, "{t}");
    assert_eq!(n("survived"), n("acknowledged_untampered"), "{t}");
    assert_eq!(n("damage_reported"), n("damage_injected"), "{t}");
    assert_eq!(n("tampering_detected"), n("tampered"), "{t}");
    assert_eq!(n("unexplained"), 0, "{t}");
    assert_eq!(n("passed"), 400, "{t}");
    assert!(printed.contains(&format!(
        "tampering detected              {} of {} tampered tags",
        n("tampered"),
        n("tampered")
    )));

    // Each tampered image, and each image with a flipped bit, fails `verify` with its finding;
    // each image left alone passes.
    let run = json(&format!("{dir}/run.json"));
    let keys = format!("{dir}/keys.json");
    let mut seen = [false; 3];
    for tag in run["tags"].as_array().expect("tags") {
        let checks = &tag["checks"];
        let tampered = !checks["tampered"].as_array().expect("tampered").is_empty();
        let rotted = checks["damage_injected"].as_u64().expect("damage") > 0;
        let kind = match (tampered, rotted) {
            (true, _) => 0,
            (false, true) => 1,
            (false, false) => 2,
        };
        if seen[kind] {
            continue;
        }
        seen[kind] = true;
        let image = format!("{dir}/{}", tag["files"][0].as_str().expect("file"));
        let out = s.sim(&["verify", &image, "--keys", &keys]);
        let expected = if kind == 2 { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(expected), "{image}: {}", text(&out));
        if kind == 1 {
            assert!(text(&out).contains("flipped, repaired"), "{}", text(&out));
        }
    }
    assert_eq!(seen, [true; 3]);
}

#[test]
fn tags_on_nor_flash_go_through_the_same_faults() {
    let s = Scratch::new("run", "nor");
    let stress = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/stress.toml"
    ))
    .expect("the shipped scenario");
    let nor = stress.replacen(
        "memory = \"eeprom\"",
        "memory = \"nor-flash\"\nmemory_kib = 64",
        1,
    );
    assert_ne!(nor, stress);
    std::fs::write(s.path("nor.toml"), nor).expect("write");
    let dir = s.path("nor");
    let out = s.sim(&[
        "run",
        &s.path("nor.toml"),
        "--tags",
        "150",
        "--seed",
        "5",
        "--out",
        &dir,
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let t = totals(&dir);
    assert_eq!(t["passed"], 150, "{t}");
    assert!(t["power_cuts"].as_u64().expect("cuts") > 50, "{t}");
    assert!(t["damage_injected"].as_u64().expect("damage") > 5, "{t}");
    assert_eq!(t["damage_reported"], t["damage_injected"], "{t}");
    assert_eq!(t["tampering_detected"], t["tampered"], "{t}");
    let image = format!("{dir}/tags/crate-001.img");
    assert_eq!(std::fs::metadata(&image).expect("image").len(), 64 * 1024);
    let out = s.sim(&["decode", &image]);
    assert!(
        text(&out).contains("records, 65536 bytes"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_malformed_scenario_is_named_by_file_line_and_column() {
    let s = Scratch::new("run", "malformed");
    let korea = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/korea-2018.toml"
    ))
    .expect("the shipped scenario");
    // Each case changes the shipped scenario once: (file, what, into what, the message).
    let changes = [
        // A field no action has.
        (
            "field.toml",
            "do = \"press\"",
            "do = \"press\"\nsea = 1",
            "unknown field",
        ),
        // A party nobody declared.
        (
            "party.toml",
            "by = \"aircrew\"",
            "by = \"airkrew\"",
            "no party `airkrew`",
        ),
        // An expression that does not parse.
        (
            "expr.toml",
            "\"180700 + n\"",
            "\"180700 + m\"",
            "unknown name `m`",
        ),
        // A business step CBV does not know.
        (
            "step.toml",
            "\"loading\"",
            "\"flying\"",
            "not a CBV business step",
        ),
    ];
    let mut cases = vec![(
        "syntax.toml",
        "[scenario]\nname = \"x\"\ntitle = \n".to_string(),
        "syntax.toml:3:",
    )];
    for (name, from, to, needle) in changes {
        cases.push((name, korea.replacen(from, to, 1), needle));
    }
    for (name, content, needle) in cases {
        std::fs::write(s.path(name), &content).expect("write");
        let out = s.sim(&["run", &s.path(name), "--out", &s.path("out")]);
        assert_eq!(out.status.code(), Some(1), "{name}: {}", text(&out));
        let printed = text(&out);
        assert!(printed.contains(needle), "{name}: {printed}");
        // file:line:col: message
        let at = printed
            .split_once(&format!("{name}:"))
            .map(|(_, rest)| rest)
            .unwrap_or_else(|| panic!("{name} not named: {printed}"));
        let mut parts = at.splitn(3, ':');
        let line: u32 = parts.next().and_then(|l| l.parse().ok()).expect("a line");
        let col: u32 = parts.next().and_then(|c| c.parse().ok()).expect("a column");
        assert!(line >= 1 && col >= 1, "{printed}");
        assert!(!printed.contains("panicked"), "{printed}");
    }
    // The party is named where it stands: its line in the file.
    let party = std::fs::read_to_string(s.path("party.toml")).expect("read");
    let line = party
        .lines()
        .position(|l| l.contains("airkrew"))
        .expect("the line")
        + 1;
    let out = s.sim(&["run", &s.path("party.toml"), "--out", &s.path("out")]);
    assert!(
        text(&out).contains(&format!("party.toml:{line}:6:")),
        "{}",
        text(&out)
    );
}

#[test]
fn missing_files_and_bad_arguments_exit_1_with_a_message() {
    let s = Scratch::new("run", "missing");
    std::fs::write(s.path("notes.txt"), "mine").expect("write");
    let cases: [(&[&str], &str); 5] = [
        (&["run", "no/such.toml"], "no/such.toml: no such file"),
        (&["run", "korea"], "no shipped scenario"),
        (
            &["run", "--out", &s.dir().to_string_lossy()],
            "not from a run",
        ),
        (&["run", "stress", "--tags", "0"], "--tags"),
        (&["run", "korea-2018", "--seed", "x"], "--seed"),
    ];
    for (args, needle) in cases {
        let out = s.sim(args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        assert!(text(&out).contains(needle), "{args:?}: {}", text(&out));
        assert!(!text(&out).contains("panicked"), "{args:?}: {}", text(&out));
    }
    assert_eq!(
        std::fs::read_to_string(s.path("notes.txt")).expect("kept"),
        "mine"
    );
}

#[test]
fn keys_of_another_scenario_do_not_verify_a_tag() {
    let s = Scratch::new("run", "keys");
    let (korea, stress) = (s.path("korea"), s.path("stress"));
    for (scenario, dir) in [("korea-2018", &korea), ("stress", &stress)] {
        let out = s.sim(&["run", scenario, "--tags", "55", "--out", dir]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    let out = s.sim(&[
        "verify",
        &format!("{korea}/tags/box-001.img"),
        "--keys",
        &format!("{stress}/keys.json"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("is not trusted"), "{}", text(&out));
    // A corrupt image: cut short.
    let image = std::fs::read(format!("{korea}/tags/box-001.img")).expect("read");
    std::fs::write(s.path("short.img"), &image[..1000]).expect("write");
    let out = s.sim(&[
        "verify",
        &s.path("short.img"),
        "--keys",
        &format!("{korea}/keys.json"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("no known memory"), "{}", text(&out));
}

/// Line and column (from 1) of byte `at` of ASCII `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = at - before.rfind('\n').map_or(0, |nl| nl + 1) + 1;
    (line, col)
}

#[test]
fn a_deep_or_long_expression_is_refused_where_it_gets_too_deep() {
    use remtag_sim::scenario::expr::MAX_DEPTH;

    let s = Scratch::new("run", "deep");
    let korea = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../scenarios/korea-2018.toml"
    ))
    .expect("the shipped scenario");
    let flat = |term: &str, op: &str, k: usize| vec![term; k].join(op);
    // Each case replaces the shipped scenario's text once: (file, what, the expression's text
    // up to where it starts, the expression, where in it the level one too many starts).
    let cases = [
        (
            "minus.toml",
            "0.7DPA1.{n}",
            "0.7DPA1.{",
            format!("{}n}}", "-".repeat(50_000)),
            MAX_DEPTH,
        ),
        (
            "parens.toml",
            "\"180700 + n\"",
            "\"",
            format!("{}n{}\"", "(".repeat(300_000), ")".repeat(300_000)),
            MAX_DEPTH,
        ),
        (
            "chain.toml",
            "\"14 + n * 7 % 23\"",
            "'",
            format!("{}'", flat("n", "+", 300_000)),
            2 * MAX_DEPTH + 1,
        ),
        (
            "operators.toml",
            "1.0614141.{9000 + n}",
            "1.0614141.{",
            format!("9000{}}}", "-1".repeat(300_000)),
            4 + 2 * MAX_DEPTH,
        ),
    ];
    for (name, from, opening, expr, within) in cases {
        let content = korea.replacen(from, &format!("{opening}{expr}"), 1);
        let start = korea.find(from).expect("in the shipped scenario") + opening.len();
        let (line, col) = line_col(&content, start + within);
        std::fs::write(s.path(name), &content).expect("write");
        let out = s.sim(&["run", &s.path(name), "--out", &s.path("out")]);
        let printed = text(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {printed}");
        assert!(
            printed.contains(&format!(
                "{name}:{line}:{col}: the expression nests too deeply"
            )),
            "{name}: expected {line}:{col}: {printed}"
        );
        assert!(
            printed.contains(&format!("at most {MAX_DEPTH} levels")),
            "{printed}"
        );
        assert!(!printed.contains("panicked"), "{name}: {printed}");
    }
}
