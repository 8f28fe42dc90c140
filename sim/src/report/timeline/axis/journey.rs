//! Where each tag's journey starts and ends, in unix seconds.

use crate::report::tag::{Tag, What};

/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// A pause longer than this ends a journey.
const PAUSE: i64 = 7 * DAY;

/// The local midnight before a tag's first timed record, unix seconds.
pub fn origin(tag: &Tag) -> Option<i64> {
    let (t, tz) = tag
        .items
        .iter()
        .find_map(|i| i.time.map(|t| (t, i64::from(i.tz_minutes) * 60)))?;
    let local = t + tz;
    Some(local - local.rem_euclid(DAY) - tz)
}

/// Seconds from `origin` to the end of the tag's journey: its last custody step before the
/// first pause of more than a week, or, with no custody step before it, its last record.
pub fn length(tag: &Tag, origin: i64) -> i64 {
    let (mut last, mut custody) = (origin, None);
    for item in &tag.items {
        let Some(t) = item.time else { continue };
        if t - last > PAUSE {
            break;
        }
        last = last.max(t);
        if matches!(item.what, What::Custody { .. }) {
            custody = Some(custody.map_or(t, |c: i64| c.max(t)));
        }
    }
    custody.unwrap_or(last) - origin
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::fixtures::{START, tag};

    #[test]
    fn the_journey_ends_at_the_first_long_pause() {
        let mut t = tag(&[
            START + 3600,
            START + 2 * DAY,
            START + 6 * DAY,
            START + 60 * DAY,
        ]);
        assert_eq!(origin(&t), Some(START));
        assert_eq!(length(&t, START), 6 * DAY);
        // With custody steps, at the last of them before the pause.
        let custody = What::Custody {
            step: "arriving".into(),
            disposition: "in transit".into(),
            from: 1,
            to: 1,
            seal: None,
            condition: "good".into(),
        };
        t.items[1].what = custody.clone();
        assert_eq!(length(&t, START), 2 * DAY);
        t.items[3].what = custody;
        assert_eq!(length(&t, START), 2 * DAY);
    }
}
