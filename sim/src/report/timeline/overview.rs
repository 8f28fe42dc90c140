//! The sums over every tag: records, and what went wrong, per slice of time.

use std::collections::BTreeMap;

use super::axis::journey::origin;
use super::axis::{Axis, PAD, Panel};
use crate::report::html::{Esc, count, plural, w};
use crate::report::symbols;
use crate::report::tag::{Mark, Tag};

/// The sums over every tag: records and what went wrong, per slice of each panel.
pub fn overview(out: &mut String, axis: &Axis, tags: &[Tag]) {
    const BIN: f64 = 4.0;
    const H: f64 = 56.0;
    let bins = |panel: Panel| ((axis.width(panel) - 2.0 * PAD) / BIN).ceil() as usize + 1;
    let mut counts: BTreeMap<(bool, usize), (u64, BTreeMap<Mark, u64>)> = BTreeMap::new();
    for tag in tags {
        let o = origin(tag);
        let mut at_seq: BTreeMap<u32, i64> = BTreeMap::new();
        for item in &tag.items {
            let Some(t) = item.time else { continue };
            if let Some(s) = item.seq {
                at_seq.insert(s, t);
            }
            let (panel, x) = axis.place(o, t);
            let bin = ((x - PAD) / BIN) as usize;
            let entry = counts.entry((panel == Panel::Later, bin)).or_default();
            entry.0 += 1;
            if item.mark() == Mark::CheckpointBad {
                *entry.1.entry(Mark::CheckpointBad).or_default() += 1;
            }
        }
        let damage = tag
            .items
            .iter()
            .filter(|i| i.mark() == Mark::Damage)
            .filter_map(|i| {
                i.seq
                    .and_then(|s| at_seq.range(..=s).next_back().map(|(_, t)| *t))
                    .map(|t| (Mark::Damage, t))
            });
        let events = tag.events.iter().filter_map(|e| e.mark.map(|m| (m, e.at)));
        for (mark, t) in damage.chain(events) {
            let (panel, x) = axis.place(o, t);
            let bin = ((x - PAD) / BIN) as usize;
            let entry = counts.entry((panel == Panel::Later, bin)).or_default();
            *entry.1.entry(mark).or_default() += 1;
        }
    }
    let max = counts.values().map(|c| c.0).max().unwrap_or(1).max(1) as f64;
    let max_bad = counts
        .values()
        .map(|c| c.1.values().sum::<u64>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    w!(
        out,
        r#"<div class="row overview"><div class="who"><span class="name">All {}</span><div class="sub">records per slice of time (up); what went wrong (down, red)</div></div>"#,
        plural(tags.len() as u64, "tag", "tags")
    );
    for panel in [Panel::Journey, Panel::Later] {
        let width = axis.width(panel);
        let later = panel == Panel::Later;
        w!(
            out,
            r#"<svg class="lane" viewBox="0 0 {width} {H}" width="{width}" height="{H}" role="img" aria-label="Records of all tags over time, {}">"#,
            if later { "afterwards" } else { "the journey" }
        );
        let base = H * 0.72;
        w!(
            out,
            r#"<path class="life" d="M{PAD} {base}H{:.1}"/>"#,
            width - PAD
        );
        for bin in 0..bins(panel) {
            let Some((n, bad)) = counts.get(&(later, bin)) else {
                continue;
            };
            let x = PAD + bin as f64 * BIN;
            let h = (*n as f64 / max).sqrt() * (base - 4.0);
            let bad_n: u64 = bad.values().sum();
            let mut title = plural(*n, "record", "records");
            for (mark, k) in bad {
                title += &format!(", {} × {}", count(*k), symbols::name(*mark));
            }
            w!(
                out,
                r#"<g class="bin"><title>{}</title><rect class="bar" x="{x:.1}" y="{:.1}" width="{:.1}" height="{h:.1}"/>"#,
                Esc(&title),
                base - h,
                BIN - 0.8
            );
            if bad_n > 0 {
                let hb = 3.0 + (bad_n as f64 / max_bad).sqrt() * (H - base - 5.0);
                w!(
                    out,
                    r#"<rect class="badbar" x="{x:.1}" y="{base:.1}" width="{:.1}" height="{hb:.1}"/>"#,
                    BIN - 0.8
                );
            }
            out.push_str("</g>");
        }
        out.push_str("</svg>");
    }
    out.push_str("</div>");
}
