//! Tags made for the timeline's tests.

use crate::report::tag::{Item, Loc, Tag, Verdict, What};

/// 2018-07-27T00:00:00+09:00.
pub const START: i64 = 1_532_617_200;

/// Record `seq`, made at `time` at +09:00, of no kind in particular.
fn item(seq: u32, time: i64) -> Item {
    Item {
        seq: Some(seq),
        time: Some(time),
        tz_minutes: 540,
        quality: "gnss".into(),
        actor: Some(1),
        loc: Loc::Unknown,
        what: What::Other("x".into()),
        site: None,
    }
}

/// A quiet tag with a record at each of `times`.
pub fn tag(times: &[i64]) -> Tag {
    Tag {
        name: "t".into(),
        epc: String::new(),
        memory: String::new(),
        items: times
            .iter()
            .enumerate()
            .map(|(i, t)| item(i as u32, *t))
            .collect(),
        events: Vec::new(),
        findings: Vec::new(),
        verdict: Verdict::Intact,
        records: times.len() as u32,
        checkpoints: 0,
        checkpoints_verified: 0,
        damage_found: 0,
        damage_injected: 0,
        tampered: Vec::new(),
        power_cuts: 0,
        pass: true,
        error: None,
        unexplained: Vec::new(),
    }
}
