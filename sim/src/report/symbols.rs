//! The marks of the timeline: one shape and one colour per kind, defined once in the page and
//! used by reference, with the legend that names them.

use super::tag::Mark;

/// A mark in the legend: its name and what it means.
pub struct Entry {
    /// The mark.
    pub mark: Mark,
    /// Its name.
    pub name: &'static str,
    /// What it means.
    pub meaning: &'static str,
}

/// A group of the legend.
pub struct Group {
    /// Its title.
    pub title: &'static str,
    /// Its marks.
    pub entries: &'static [Entry],
}

const fn entry(mark: Mark, name: &'static str, meaning: &'static str) -> Entry {
    Entry {
        mark,
        name,
        meaning,
    }
}

/// Every mark, in legend order, by group.
pub const LEGEND: &[Group] = &[
    Group {
        title: "Custody",
        entries: &[
            entry(
                Mark::Commission,
                "tag commissioned",
                "the tag put on the box; the log starts",
            ),
            entry(
                Mark::Handover,
                "hand-over",
                "a custody step from one party to another",
            ),
            entry(
                Mark::Step,
                "custody step",
                "departing, arriving, loading, storing within one party's hands",
            ),
            entry(
                Mark::Aggregate,
                "transfer case",
                "placed into or taken out of a transfer case",
            ),
        ],
    },
    Group {
        title: "Signed checkpoints",
        entries: &[
            entry(
                Mark::CheckpointOk,
                "checkpoint verified",
                "hash chain and custodians' signatures verify",
            ),
            entry(
                Mark::CheckpointBad,
                "checkpoint NOT verified",
                "records changed after signing, or a signature fails",
            ),
        ],
    },
    Group {
        title: "Laboratory",
        entries: &[
            entry(
                Mark::Inspect,
                "inspection",
                "field review, accession, photographs, measurements",
            ),
            entry(
                Mark::Sample,
                "sample taken",
                "part of the remains sent for DNA or other analysis",
            ),
            entry(
                Mark::Link,
                "link",
                "remains linked to an individual or to another box",
            ),
            entry(
                Mark::Identification,
                "identification",
                "an identification result",
            ),
            entry(
                Mark::Correction,
                "correction",
                "earlier records declared wrong; nothing is deleted",
            ),
        ],
    },
    Group {
        title: "Found when the log was read",
        entries: &[entry(
            Mark::Damage,
            "damage found",
            "the reader reported damaged memory here",
        )],
    },
    Group {
        title: "What the scenario did to the tag",
        entries: &[
            entry(
                Mark::PowerCut,
                "power cut",
                "the power failed; the tag started again",
            ),
            entry(
                Mark::BitFlip,
                "bit flipped",
                "a stored bit was flipped (bit rot)",
            ),
            entry(Mark::Tamper, "tampering", "an adversary rewrote the memory"),
        ],
    },
];

/// The id of a mark's shape in the page.
pub fn id(mark: Mark) -> &'static str {
    match mark {
        Mark::Commission => "m-commission",
        Mark::Step => "m-step",
        Mark::Handover => "m-handover",
        Mark::CheckpointOk => "m-cp-ok",
        Mark::CheckpointBad => "m-cp-bad",
        Mark::Inspect => "m-inspect",
        Mark::Aggregate => "m-aggregate",
        Mark::Sample => "m-sample",
        Mark::Link => "m-link",
        Mark::Identification => "m-id",
        Mark::Correction => "m-correction",
        Mark::Other => "m-other",
        Mark::Damage => "m-damage",
        Mark::PowerCut => "m-power",
        Mark::BitFlip => "m-bitflip",
        Mark::Tamper => "m-tamper",
    }
}

/// A short name of a mark, for classes and counts.
pub fn name(mark: Mark) -> &'static str {
    LEGEND
        .iter()
        .flat_map(|g| g.entries.iter())
        .find(|e| e.mark == mark)
        .map_or("record", |e| e.name)
}

/// Whether a mark goes on the upper lane of a row: what went wrong or was done to the tag.
pub fn upper(mark: Mark) -> bool {
    matches!(
        mark,
        Mark::Damage | Mark::PowerCut | Mark::BitFlip | Mark::Tamper
    )
}

/// The shapes, centred on (0, 0), about 12 units wide, in a hidden SVG.
pub fn defs() -> &'static str {
    concat!(
        r##"<svg class="defs" aria-hidden="true" width="0" height="0"><defs>"##,
        r##"<g id="m-commission"><rect x="-4.5" y="-4.5" width="9" height="9" fill="#fff" stroke="#1f3b73" stroke-width="2.2"/></g>"##,
        r##"<g id="m-step"><circle r="3.3" fill="#3d5a98"/></g>"##,
        r##"<g id="m-handover"><path d="M-4.5-5.5 5.5 0-4.5 5.5z" fill="#3d5a98"/></g>"##,
        r##"<g id="m-cp-ok"><path d="M0-7 7 0 0 7-7 0z" fill="#1a7f37"/><path d="M-3 0-1 2.3 3-2.3" fill="none" stroke="#fff" stroke-width="1.7"/></g>"##,
        r##"<g id="m-cp-bad"><path d="M0-8 8 0 0 8-8 0z" fill="#b42318"/><path d="M-2.6-2.6 2.6 2.6M2.6-2.6-2.6 2.6" stroke="#fff" stroke-width="1.8"/></g>"##,
        r##"<g id="m-inspect"><circle r="3.6" fill="#fff" stroke="#52606d" stroke-width="1.6"/></g>"##,
        r##"<g id="m-aggregate"><rect x="-5" y="-2.5" width="10" height="5" rx="1" fill="#52606d"/></g>"##,
        r##"<g id="m-sample"><path d="M-5-4h10L0 5z" fill="#7c3aed"/></g>"##,
        r##"<g id="m-link"><circle cx="-2.2" r="3" fill="none" stroke="#0f766e" stroke-width="1.8"/><circle cx="2.2" r="3" fill="none" stroke="#0f766e" stroke-width="1.8"/></g>"##,
        r##"<g id="m-id"><path d="M0-6.5 1.8-2 6.5-2 2.7 1 4.1 5.8 0 3 -4.1 5.8-2.7 1-6.5-2-1.8-2z" fill="#c28a00" stroke="#7a5600" stroke-width=".6"/></g>"##,
        r##"<g id="m-correction"><circle r="4.2" fill="#fff" stroke="#c2410c" stroke-width="1.8"/><path d="M-3 3 3-3" stroke="#c2410c" stroke-width="1.8"/></g>"##,
        r##"<g id="m-other"><path d="M-3.5 0h7M0-3.5v7" stroke="#52606d" stroke-width="2"/></g>"##,
        r##"<g id="m-damage"><path d="M0-7 7 5.5h-14z" fill="#d9480f"/><path d="M0-2.5v4M0 2.6v1.4" stroke="#fff" stroke-width="1.6"/></g>"##,
        r##"<g id="m-power"><path d="M1.5-7-4.5 1h3.5l-1.5 6 6.5-8.5h-3.5l1.5-5.5z" fill="#a16207" stroke="#fff" stroke-width=".5"/></g>"##,
        r##"<g id="m-bitflip"><path d="M0-6 6 5h-12z" fill="#fff" stroke="#d9480f" stroke-width="1.5" stroke-dasharray="2 1.2"/></g>"##,
        r##"<g id="m-tamper"><circle r="5.5" fill="#fff" stroke="#b42318" stroke-width="1.6"/><path d="M-2.8-2.8 2.8 2.8M2.8-2.8-2.8 2.8" stroke="#b42318" stroke-width="1.8"/></g>"##,
        r##"<pattern id="transit" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#eef0f3"/><rect width="2" height="6" fill="#c9ced6"/></pattern>"##,
        r##"<marker id="arrow" viewBox="0 0 10 10" refX="7" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto-start-reverse"><path d="M0 0 10 5 0 10z" fill="context-stroke"/></marker>"##,
        r##"</defs></svg>"##
    )
}

/// A mark drawn standalone, for the legend and tables: a small SVG using the shape.
pub fn icon(mark: Mark) -> String {
    format!(
        r##"<svg class="icon" width="18" height="18" viewBox="-9 -9 18 18" aria-hidden="true"><use href="#{}"/></svg>"##,
        id(mark)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_mark_has_a_shape_and_a_legend_entry() {
        let all = [
            Mark::Commission,
            Mark::Step,
            Mark::Handover,
            Mark::CheckpointOk,
            Mark::CheckpointBad,
            Mark::Inspect,
            Mark::Aggregate,
            Mark::Sample,
            Mark::Link,
            Mark::Identification,
            Mark::Correction,
            Mark::Damage,
            Mark::PowerCut,
            Mark::BitFlip,
            Mark::Tamper,
        ];
        for mark in all {
            assert!(defs().contains(&format!("id=\"{}\"", id(mark))), "{mark:?}");
            assert_ne!(name(mark), "record", "{mark:?} has no legend entry");
        }
        assert!(defs().contains("id=\"m-other\""));
    }
}
