//! `report`: a run becomes one self-contained HTML page with a row per tag, the injected damage,
//! tampering and power cuts marked on the right rows, that headless Chromium renders with its
//! script working; bad input is an error with a message, never a panic.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{Scratch, text};
use remtag_sim::report;
use serde_json::Value;

/// Four crates across the Pacific: crate 2's memory rots, crate 3 is rewritten by an adversary,
/// crate 4 loses power. The title holds markup that must be escaped.
const SCENARIO: &str = r#"
[scenario]
name = "report-check"
title = "Four crates <across> the Pacific & back"
description = "Two hand-overs, then a laboratory; one crate's memory rots, one is rewritten, one loses power."
start = "2024-03-01T00:00:00Z"

[keys]
valid_from = "2024-01-01T00:00:00Z"

[places]
staging = { id = 1, name = "Staging airfield", code = "RKSO", lat = 37.0906, lon = 127.03, tz = "+09:00" }
lab = { id = 2, name = "Identification laboratory", code = "PHIK", lat = 21.345, lon = -157.94, tz = "-10:00" }

[parties]
staging = { id = 1, name = "Staging officials", keys = [11] }
aircrew = { id = 2, name = "Aircrew", keys = [12] }
lab = { id = 3, name = "Laboratory", keys = [13] }

[[tags]]
group = "crate"
count = 4
memory = "eeprom"
epc = "urn:epc:tag:giai-96:1.0614141.{800000 + n}"
container = "box"
labels = [{ box_number = "n" }]
issuer = "staging"

[[timeline]]
at = "2024-03-01T08:00:00Z"
do = "commission"
by = "staging"
place = "staging"

[[timeline]]
at = "2024-03-01T09:00:00Z"
do = "record"
by = "aircrew"
place = "staging"
custody = { step = "loading", disposition = "in_transit", from = "staging", to = "aircrew", seal = "500000 + n", seal_state = "applied" }

[[timeline]]
at = "2024-03-01T09:10:00Z"
do = "handover"
releasing = "staging"
receiving = "aircrew"

[[timeline]]
at = "2024-03-02T06:00:00Z"
do = "power_cut"
tags = "crate 4"

[[timeline]]
at = "2024-03-02T11:00:00Z"
do = "record"
by = "lab"
place = "lab"
custody = { step = "receiving", disposition = "in_progress", from = "aircrew", to = "lab", seal = "500000 + n", seal_state = "removed" }

[[timeline]]
at = "2024-03-02T11:10:00Z"
do = "handover"
releasing = "aircrew"
receiving = "lab"

[[timeline]]
at = "2024-06-01T20:00:00Z"
do = "record"
by = "lab"
place = "lab"
sample = { label = "24000000 + n", element = "femur", side = "right", kind = "bone_cutting", destination = "lab" }

[[timeline]]
at = "2024-09-01T00:00:00Z"
do = "bit_rot"
tags = "crate 2"

[[timeline]]
at = "2025-03-01T20:00:00Z"
do = "checkpoint"
signers = ["lab"]

[[timeline]]
at = "2025-04-01T00:00:00Z"
do = "tamper"
tags = "crate 3"
how = "alter"
"#;

/// The path of `name` in the scratch folder.
fn at(s: &Scratch, name: &str) -> PathBuf {
    s.dir().join(name)
}

/// `remtag-sim run SCENARIO --out DIR`.
fn run(scenario: &str, dir: &Path) {
    let out = common::sim(&["run", scenario, "--out", dir.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// The small scenario, run into `s`/run.
fn small_run(s: &Scratch) -> PathBuf {
    let toml = at(s, "small.toml");
    std::fs::write(&toml, SCENARIO).expect("write");
    let dir = at(s, "run");
    run(toml.to_str().expect("utf-8"), &dir);
    dir
}

fn tag_names(dir: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("run.json")).expect("run.json");
    let run: Value = serde_json::from_str(&text).expect("json");
    run["tags"]
        .as_array()
        .expect("tags")
        .iter()
        .map(|t| t["name"].as_str().expect("name").to_string())
        .collect()
}

/// The HTML of tag `name`'s row: from its start to the next row or the end of the rows.
fn row<'a>(html: &'a str, name: &str) -> &'a str {
    let start = html
        .find(&format!(r#"id="tag-{name}""#))
        .unwrap_or_else(|| panic!("no row for {name}"));
    let rest = &html[start..];
    let end = rest[1..]
        .find(r#"<div class="row"#)
        .or_else(|| rest.find("</section>"))
        .unwrap_or(rest.len());
    &rest[..end]
}

/// What makes a page not self-contained: anything fetched from elsewhere.
fn assert_self_contained(html: &str) {
    for bad in [
        "http://", "https://", "<link", "<img", "<iframe", "@import", "src=", "url(http", "//cdn",
    ] {
        assert!(!html.contains(bad), "the page holds {bad:?}");
    }
}

/// Chromium, or a clear failure: the test command installs it (Debian package `chromium`).
fn chromium() -> String {
    let name = std::env::var("REMTAG_CHROMIUM").unwrap_or_else(|_| "chromium".to_string());
    let found = Command::new(&name)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "{name} not found: install it (apt-get install chromium) or set REMTAG_CHROMIUM"
    );
    name
}

/// Headless Chromium on `page` with `args`, in a fresh profile, without network services;
/// its standard output. Fails after two minutes.
fn headless(page: &Path, profile: &Path, args: &[&str]) -> String {
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let started = Instant::now();
    while child.try_wait().expect("wait").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            child.kill().ok();
            panic!("chromium did not finish within two minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let out = child.wait_with_output().expect("output");
    assert!(out.status.success(), "chromium failed: {:?}", out.status);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Where pages and screenshots are kept for people to look at.
fn keep(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report");
    std::fs::create_dir_all(&dir).expect("dir");
    dir.join(name)
}

#[test]
fn a_run_becomes_one_page_with_every_tag_and_every_fault_marked() {
    let s = Scratch::new("report", "small");
    let dir = small_run(&s);
    let page = at(&s, "report.html");
    let bytes = report::write(&dir, &page).expect("report");
    let html = std::fs::read_to_string(&page).expect("read");
    assert_eq!(bytes, html.len());
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_self_contained(&html);

    // Text from the run is escaped.
    assert!(html.contains("Four crates &lt;across&gt; the Pacific &amp; back"));
    assert!(!html.contains("<across>"));

    // A row per tag, each once, with its verdict in words.
    let names = tag_names(&dir);
    assert_eq!(names.len(), 4);
    for name in &names {
        assert_eq!(
            html.matches(&format!(r#"id="tag-{name}""#)).count(),
            1,
            "{name}"
        );
    }
    assert!(row(&html, &names[0]).contains("✓ intact"));
    // Crate 2: the flipped bit, found by the reader, and the scenario's bit rot.
    let rotted = row(&html, &names[1]);
    assert!(rotted.contains("damage found"), "{rotted}");
    assert!(rotted.contains(r##"href="#m-damage""##));
    assert!(rotted.contains(r##"href="#m-bitflip""##));
    // Crate 3: the checkpoint after the alteration fails, and the tampering is marked.
    let tampered = row(&html, &names[2]);
    assert!(tampered.contains("tampering found"));
    assert!(tampered.contains(r##"href="#m-cp-bad""##));
    assert!(tampered.contains(r##"href="#m-tamper""##));
    // Crate 4: its power cut.
    assert!(row(&html, &names[3]).contains(r##"href="#m-power""##));
    // Nothing of the kind on the intact crate.
    for mark in ["m-damage", "m-cp-bad", "m-tamper", "m-power", "m-bitflip"] {
        assert!(
            !row(&html, &names[0]).contains(mark),
            "{mark} on {}",
            names[0]
        );
    }
    // Hand-overs with their signers' roles, and what verification said.
    assert!(html.contains("Hand-over checkpoint over 2 records, verified; signed by Staging officials (releasing, valid) and Aircrew (receiving, valid)"));
    // The map crosses the Pacific and counts the route.
    assert!(html.contains("centred on the Pacific"));
    assert!(html.contains("Staging airfield to Identification laboratory: 4 boxes"));
    // The findings table lists the two tags with findings and not the others.
    let table = &html[html.find(r#"<section id="findings""#).expect("findings")..];
    assert!(table.contains(&names[1]) && table.contains(&names[2]));
    assert!(!table.contains(&names[0]) && !table.contains(&names[3]));
}

#[test]
fn chromium_renders_the_page_and_its_script_runs() {
    let s = Scratch::new("report", "chromium");
    let dir = small_run(&s);
    let page = keep("report-check.html");
    report::write(&dir, &page).expect("report");
    let dom = headless(&page, &at(&s, "profile"), &["--dump-dom"]);
    let names = tag_names(&dir);
    // The script ran: it counted the rows.
    assert!(dom.contains("4 of 4 rows shown"), "{dom}");
    for section in ["places", "timeline", "findings"] {
        assert!(
            dom.contains(&format!(r#"<section id="{section}""#)),
            "{section}"
        );
    }
    assert_eq!(dom.matches(r#"<div class="row v-"#).count(), names.len());
    assert!(dom.contains(r#"<svg class="map""#));
    assert!(dom.contains(r##"<use href="#m-tamper""##));

    // Opened, a row's list of records is written by the script from its marks, in log order.
    let opened = at(&s, "opened.html");
    let html = std::fs::read_to_string(&page).expect("read");
    std::fs::write(
        &opened,
        html.replace(
            r#"<details class="more">"#,
            r#"<details class="more" open>"#,
        ),
    )
    .expect("write");
    let dom = headless(&opened, &at(&s, "profile"), &["--dump-dom"]);
    let list = row(&dom, &names[0]);
    let list = &list[list
        .find(r#"<ol class="records" data-filled="1">"#)
        .expect("filled")..];
    let first = list.find("<li>record 0, ").expect("record 0");
    let last = list.find("<li>record 6, ").expect("record 6");
    assert!(first < last);
    assert!(list.contains("Tag commissioned on the box (box number 1)"));

    let shot = keep("report-check.png");
    std::fs::remove_file(&shot).ok();
    headless(
        &page,
        &at(&s, "profile"),
        &[
            "--window-size=1280,2200",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    let png = std::fs::read(&shot).expect("screenshot");
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    assert!(
        png.len() > 50_000,
        "a nearly blank screenshot: {} bytes",
        png.len()
    );
    eprintln!("page {} and screenshot {}", page.display(), shot.display());
}

#[test]
fn the_55_boxes_of_2018_fit_one_page_of_reasonable_size() {
    let s = Scratch::new("report", "korea");
    let dir = at(&s, "run");
    run("korea-2018", &dir);
    let page = keep("korea-2018.html");
    let bytes = report::write(&dir, &page).expect("report");
    let html = std::fs::read_to_string(&page).expect("read");
    assert_self_contained(&html);
    assert!(bytes < 1_000_000, "{bytes} bytes");
    assert_eq!(html.matches(r#"<div class="row v-ok""#).count(), 55);
    assert!(html.contains("Every one of the 55 logs is intact and every checkpoint verifies"));
    for code in ["ZKWS", "RKSO", "PHIK"] {
        assert!(html.contains(&format!(">{code}<")), "{code}");
    }
    assert!(html.contains("Kalma airport, Wonsan to Osan Air Base: 55 boxes"));
    assert!(html.contains("the origin declared for 55 boxes"));
    assert!(html.contains("Identification of individual"));
    assert!(html.contains("Correction: record"));

    let shot = keep("korea-2018.png");
    std::fs::remove_file(&shot).ok();
    headless(
        &page,
        &at(&s, "profile"),
        &[
            "--window-size=1280,2600",
            &format!("--screenshot={}", shot.display()),
        ],
    );
    assert!(std::fs::read(&shot).expect("screenshot").len() > 50_000);
}

#[test]
fn bad_input_is_an_error_with_a_message() {
    let s = Scratch::new("report", "bad");
    let dir = small_run(&s);
    let out = at(&s, "out.html");
    let err = |d: &Path| report::write(d, &out).expect_err("an error");

    let missing = at(&s, "no-such-run");
    assert!(
        err(&missing).contains("no such folder"),
        "{}",
        err(&missing)
    );

    let empty = at(&s, "empty");
    std::fs::create_dir_all(&empty).expect("dir");
    assert!(err(&empty).contains("run.json"));

    for bad in [
        "not json",
        r#"{"tags": 5}"#,
        r#"{"scenario": "x"}"#,
        r#"{"tags": [{}]}"#,
    ] {
        std::fs::write(empty.join("run.json"), bad).expect("write");
        let e = err(&empty);
        assert!(
            e.contains("run.json") && e.contains("not what `run` writes"),
            "{bad}: {e}"
        );
    }

    // A tag's files missing or malformed.
    let names = tag_names(&dir);
    let log = dir.join(format!("tags/{}.log.json", names[1]));
    let kept = std::fs::read(&log).expect("read");
    std::fs::remove_file(&log).expect("remove");
    let e = err(&dir);
    assert!(
        e.contains(&format!("{}.log.json", names[1])) && e.contains("cannot read"),
        "{e}"
    );
    std::fs::write(&log, b"{\"entries\": 7}").expect("write");
    assert!(err(&dir).contains("not what `run` writes"));
    std::fs::write(&log, &kept).expect("write");
    let verify = dir.join(format!("tags/{}.verify.json", names[2]));
    std::fs::write(&verify, b"[").expect("write");
    assert!(err(&dir).contains(&format!("{}.verify.json", names[2])));
    std::fs::remove_file(&verify).expect("remove");
    assert!(err(&dir).contains("cannot read"));

    // A page that cannot be written.
    let fine = at(&s, "fine");
    std::fs::write(at(&s, "small.toml"), SCENARIO).expect("write");
    run(at(&s, "small.toml").to_str().expect("utf-8"), &fine);
    let e = report::write(&fine, &at(&s, "no/such/folder/page.html")).expect_err("an error");
    assert!(e.contains("cannot write"), "{e}");
    assert!(report::write(&fine, &out).is_ok());
}
