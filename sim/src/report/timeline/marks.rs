//! The marks of a row: every record, damage and event of a tag placed on its panel, moved apart
//! where they would overlap.

use std::collections::BTreeMap;

use super::axis::journey::origin;
use super::axis::{Axis, PAD, Panel};
use crate::report::input::DirectoryJson;
use crate::report::sentences;
use crate::report::symbols;
use crate::report::tag::{Mark, Tag, What};

/// Marks closer than this are moved apart.
const SPACING: f64 = 9.0;

/// A mark placed on a row.
pub struct Placed {
    /// The panel it is on.
    pub panel: Panel,
    /// Its position on the panel, in pixels.
    pub x: f64,
    /// Its shape.
    pub mark: Mark,
    /// What it stands for, in words.
    pub title: String,
    /// The site of the map where its record was made.
    pub site: Option<usize>,
    /// Its place in the log, for the list of records.
    pub index: Option<usize>,
}

/// Moves marks apart in order, then squeezes them back into the panel if they ran over.
fn spread(marks: &mut [&mut Placed], width: f64) {
    let mut last = f64::NEG_INFINITY;
    for m in marks.iter_mut() {
        m.x = m.x.max(last + SPACING);
        last = m.x;
    }
    let right = width - PAD;
    if last > right {
        let first = marks.first().map_or(PAD, |m| m.x.min(PAD));
        let f = (right - first) / (last - first);
        for m in marks.iter_mut() {
            m.x = first + (m.x - first) * f;
        }
    }
}

/// Every mark of a tag, placed.
pub fn place_tag(axis: &Axis, dir: &DirectoryJson, tag: &Tag) -> Vec<Placed> {
    let o = origin(tag);
    let mut placed: Vec<Placed> = Vec::with_capacity(tag.items.len() + tag.events.len());
    let mut previous = (Panel::Journey, PAD);
    let mut at_seq: BTreeMap<u32, (Panel, f64)> = BTreeMap::new();
    for (index, item) in tag.items.iter().enumerate() {
        if matches!(item.what, What::Damage { .. }) {
            continue;
        }
        let (panel, x) = item.time.map_or(previous, |t| axis.place(o, t));
        previous = (panel, x);
        if let Some(seq) = item.seq {
            at_seq.insert(seq, (panel, x));
        }
        placed.push(Placed {
            panel,
            x,
            mark: item.mark(),
            title: sentences::item(dir, item),
            site: item.site,
            index: Some(index),
        });
    }
    for (index, item) in tag.items.iter().enumerate() {
        if !matches!(item.what, What::Damage { .. }) {
            continue;
        }
        let near = item
            .seq
            .and_then(|s| at_seq.range(..=s).next_back().map(|(_, p)| *p));
        let (panel, x) = near.unwrap_or(previous);
        placed.push(Placed {
            panel,
            x,
            mark: Mark::Damage,
            title: sentences::item(dir, item),
            site: None,
            index: Some(index),
        });
    }
    for e in &tag.events {
        let Some(mark) = e.mark else { continue };
        let (panel, x) = axis.place(o, e.at);
        placed.push(Placed {
            panel,
            x,
            mark,
            title: format!(
                "{} (done by the scenario): {}",
                symbols::name(mark),
                sentences::event(e)
            ),
            site: None,
            index: None,
        });
    }
    for panel in [Panel::Journey, Panel::Later] {
        for upper in [false, true] {
            let mut lane: Vec<&mut Placed> = placed
                .iter_mut()
                .filter(|p| p.panel == panel && symbols::upper(p.mark) == upper)
                .collect();
            if upper {
                lane.sort_by(|a, b| a.x.total_cmp(&b.x));
            }
            spread(&mut lane, axis.width(panel));
        }
    }
    placed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::fixtures::{START, tag};

    #[test]
    fn marks_close_together_are_moved_apart_and_kept_in_the_panel() {
        let t = tag(&[START; 200]);
        let axis = Axis::new(std::slice::from_ref(&t));
        let placed = place_tag(&axis, &DirectoryJson::default(), &t);
        assert!(placed.windows(2).all(|w| w[1].x > w[0].x));
        let right = axis.widths.0 - PAD + 1e-9;
        assert!(placed.iter().all(|p| p.x >= PAD && p.x <= right));
    }
}
