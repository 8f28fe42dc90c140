//! The command line's readers on arbitrary input, through their library functions: each
//! returns a value or an error, and never panics.
//!
//! The first byte picks what is read:
//! - a file for `decode` and `verify`: hex text or bytes, read as a record stream or, padded
//!   to a memory's size, as a memory image; its records decoded, verified and rendered as the
//!   two commands do;
//! - a keys file (`verify --keys`);
//! - a scenario file, whole or as a change to a shipped scenario, then the plans of its first
//!   tags, which evaluate its expressions;
//! - the scenario's small languages alone: an expression, a text template, a duration, a tag
//!   selector.

#![no_main]

use libfuzzer_sys::fuzz_target;
use remtag::codec::{Decoder, Located};
use remtag::verify::Verifier;
use remtag_fuzz::{Input, story_keys};
use remtag_sim::image::{self, Item, Kind};
use remtag_sim::input::parse_hex_text;
use remtag_sim::keys::KeysFile;
use remtag_sim::memory::{SimEeprom, SimTagMemory};
use remtag_sim::render;
use remtag_sim::scenario::expr::{Expr, Selector, Template, Vars, duration};
use remtag_sim::scenario::{SHIPPED, Scenario};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    match input.byte() % 5 {
        0 => {
            let pad = input.byte();
            file(input.rest(), pad);
        }
        1 => keys(input.rest()),
        2 => {
            if let Ok(text) = std::str::from_utf8(input.rest()) {
                scenario(text);
            }
        }
        3 => {
            let (_, shipped) = SHIPPED[usize::from(input.byte()) % SHIPPED.len()];
            let at = usize::from(input.u16()) % (shipped.len() + 1);
            let cut = usize::from(input.byte());
            let mut text = shipped.as_bytes()[..at].to_vec();
            text.extend_from_slice(input.rest());
            text.extend_from_slice(&shipped.as_bytes()[(at + cut).min(shipped.len())..]);
            if let Ok(text) = std::str::from_utf8(&text) {
                scenario(text);
            }
        }
        _ => {
            // A tag's number and an action's repetition, both from 1.
            let n = i64::from(input.byte()) + 1;
            let i = i64::from(input.byte()) + 1;
            if let Ok(text) = std::str::from_utf8(input.rest()) {
                languages(text, n, i);
            }
        }
    }
});

/// `decode` and `verify` on the bytes of a file, as they read it.
fn file(raw: &[u8], pad: u8) {
    let mut bytes = parse_hex_text(raw).unwrap_or_else(|| raw.to_vec());
    // Memory images are recognised by their size.
    let (size, fill) = match pad % 6 {
        0 => (0, 0),
        1 => (SimTagMemory::NTAG215, 0),
        2 => (SimTagMemory::NTAG216, 0),
        3 => (4096 * 3, 0xff),
        4 => (SimEeprom::CAPACITY, 0xff),
        _ => (bytes.len().next_multiple_of(4096), 0xff),
    };
    if bytes.len() < size {
        bytes.resize(size, fill);
    }
    let Ok((kind, items, _)) = image::read(&bytes) else {
        return;
    };

    // As `decode` does.
    let mut records: Vec<Located> = Vec::new();
    if kind != Kind::Records {
        for item in &items {
            match item {
                Item::Record {
                    offset,
                    stored,
                    record: Some(record),
                } => records.push(Located {
                    record: (**record).clone(),
                    offset: *offset as usize,
                    len: stored.len(),
                }),
                Item::Damage(d) => {
                    let _ = d.to_string();
                }
                _ => {}
            }
        }
    } else {
        for item in Decoder::new(&bytes) {
            match item {
                Ok(located) => records.push(located),
                Err(e) => {
                    assert!(e.offset <= bytes.len(), "{e:?}");
                    let _ = e.kind.to_string();
                }
            }
        }
    }
    let _ = render::table(None, &records);
    let _ = serde_json::to_string(&records.iter().map(|l| &l.record).collect::<Vec<_>>());

    // As `verify` does.
    let keys = story_keys();
    let mut verifier = Verifier::new(&keys, None, None);
    for item in items {
        match item {
            Item::Record { offset, stored, .. } => verifier.push(&stored, offset),
            Item::Damage(d) => verifier.damage(d),
            Item::Resume(start) => verifier.resume(&start),
            Item::Trailing { offset, bytes } => verifier.push(&bytes, offset),
        }
    }
    let report = verifier.finish();
    let _ = render::verification(&report);
}

/// A keys file, as `verify --keys` reads it.
fn keys(text: &[u8]) {
    if let Ok(file) = serde_json::from_slice::<KeysFile>(text)
        && let Ok(keys) = file.trusted()
    {
        assert_eq!(keys.len(), file.keys.len());
    }
}

/// A scenario file, as `run` reads it, and the plans of its first tags.
fn scenario(text: &str) {
    let Ok(mut scenario) = Scenario::parse(text, "fuzz.toml") else {
        return;
    };
    let tags = scenario.tag_count().min(3);
    for index in 0..tags {
        let _ = scenario.plan(index, 7);
    }
    let _ = scenario.set_tag_count(2);
}

/// The scenario's small languages.
fn languages(text: &str, n: i64, i: i64) {
    let mut rng = fastrand::Rng::with_seed(1);
    let mut vars = Vars {
        n,
        i,
        count: 55,
        rng: &mut rng,
    };
    if let Ok(expr) = Expr::parse(text) {
        let _ = expr.eval(&mut vars);
    }
    if let Ok(template) = Template::parse(text) {
        let _ = template.eval(&mut vars);
    }
    let _ = duration(text);
    if let Ok(selector) = Selector::parse(text, &["box", "case"]) {
        for group in ["box", "case"] {
            for number in [1, n, 55] {
                let _ = selector.matches(group, number);
            }
        }
    }
}
