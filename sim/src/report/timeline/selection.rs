//! Which tags get a row of their own when there are too many for one each.

use crate::report::tag::{Tag, Verdict};

/// How much a tag asks to be looked at: a failed check first, then tampering, damage, other
/// events such as power cuts, and last the quiet ones.
fn urgency(tag: &Tag) -> u8 {
    if !tag.pass || tag.error.is_some() {
        0
    } else if tag.findings.iter().any(|f| !f.is_damage()) || tag.verdict == Verdict::NotIntact {
        1
    } else if tag.verdict == Verdict::Damage || tag.damage_found > 0 {
        2
    } else if tag.eventful() {
        3
    } else {
        4
    }
}

/// The rows shown in full: every tag when there are at most `max`; otherwise the most urgent
/// first, with a fifth of the rows kept for the first quiet tags, shown in the order of the run.
pub fn shown(tags: &[Tag], max: usize) -> Vec<usize> {
    if tags.len() <= max {
        return (0..tags.len()).collect();
    }
    let mut order: Vec<(u8, usize)> = tags.iter().map(urgency).zip(0..).collect();
    order.sort_unstable();
    let quiet = order.iter().filter(|(u, _)| *u == 4).count();
    let loud = (order.len() - quiet).min(max - (max / 5).min(quiet));
    let mut rows: Vec<usize> = order[..loud].iter().map(|(_, i)| *i).collect();
    rows.extend(
        order[order.len() - quiet..]
            .iter()
            .take(max - loud)
            .map(|(_, i)| *i),
    );
    rows.sort_unstable();
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tag::Finding;
    use crate::report::timeline::fixtures::{START, tag};

    #[test]
    fn many_tags_show_the_urgent_first_and_some_quiet_ones() {
        let mut tags: Vec<Tag> = (0..1000).map(|_| tag(&[START])).collect();
        for i in (0..1000).step_by(3) {
            tags[i].power_cuts = 1;
        }
        tags[990].verdict = Verdict::Tampering;
        tags[990].findings.push(Finding {
            kind: "ChainMismatch".into(),
            message: "altered".into(),
        });
        tags[991].verdict = Verdict::Damage;
        tags[992].pass = false;
        let rows = shown(&tags, 100);
        assert_eq!(rows.len(), 100);
        assert!(
            rows.windows(2).all(|w| w[0] < w[1]),
            "in the order of the run"
        );
        for urgent in [990, 991, 992] {
            assert!(rows.contains(&urgent), "{urgent}");
        }
        let quiet = rows.iter().filter(|&&i| !tags[i].eventful()).count();
        assert_eq!(quiet, 20);
        assert_eq!(shown(&tags[..50], 100), (0..50).collect::<Vec<_>>());
    }
}
