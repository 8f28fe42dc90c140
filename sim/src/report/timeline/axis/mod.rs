//! The time axis: the two panels' scales, shared by every row.
//!
//! The journey panel shows the first days after each tag's log starts, the later panel
//! everything after them on a calendar axis; the panel with more marks gets more of the width.

pub mod journey;
pub mod ticks;

use self::journey::{DAY, origin};
use crate::report::tag::Tag;

/// The journey panel shows at most this many days.
const MAX_DAYS: i64 = 60;
/// Width of the two panels together, in pixels; the panel with more marks gets more of it.
const PANELS_W: f64 = 920.0;
/// The least width of the journey panel.
const MIN_A_W: f64 = 240.0;
/// The least width of the later panel.
const MIN_B_W: f64 = 280.0;
/// The margin at each end of a panel, in pixels: times are placed between the margins.
pub const PAD: f64 = 10.0;

/// Which panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Panel {
    /// The first days after each log starts.
    Journey,
    /// Everything after them, on a calendar axis.
    Later,
}

/// The two panels' scales, shared by every row.
#[derive(Clone, Debug, PartialEq)]
pub struct Axis {
    /// Days the journey panel shows.
    pub days: i64,
    /// The day every log starts on, when they all start on the same day.
    pub shared: Option<i64>,
    /// The span of the right panel, unix seconds; `None` when nothing comes after the journey.
    pub later: Option<(i64, i64)>,
    /// Widths of the journey panel and of the later panel, pixels.
    pub widths: (f64, f64),
}

impl Axis {
    /// The scales that fit `tags`.
    pub fn new(tags: &[Tag]) -> Axis {
        let origins: Vec<Option<i64>> = tags.iter().map(origin).collect();
        let mut journeys: Vec<i64> = tags
            .iter()
            .zip(&origins)
            .filter_map(|(t, o)| o.map(|o| journey::length(t, o)))
            .collect();
        journeys.sort_unstable();
        let typical = journeys
            .get((journeys.len() * 95).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or(0);
        let days = (typical / DAY + 1).clamp(1, MAX_DAYS);
        let first = origins.first().copied().flatten();
        let shared = first.filter(|f| origins.iter().all(|o| *o == Some(*f)));
        let mut later: Option<(i64, i64)> = None;
        let (mut early_n, mut later_n) = (0usize, 0usize);
        for (tag, o) in tags.iter().zip(&origins) {
            let Some(o) = *o else { continue };
            let times = tag.items.iter().filter_map(|i| i.time);
            let events = tag.events.iter().filter(|e| e.mark.is_some()).map(|e| e.at);
            for t in times.chain(events) {
                if t < o + days * DAY {
                    early_n += 1;
                    continue;
                }
                later_n += 1;
                later = Some(later.map_or((t, t), |(a, b)| (a.min(t), b.max(t))));
            }
        }
        // Half the width is shared equally, half by the share of marks.
        let share = early_n as f64 / (early_n + later_n).max(1) as f64;
        let a = (PANELS_W * (0.25 + 0.5 * share))
            .clamp(MIN_A_W, PANELS_W - MIN_B_W)
            .round();
        Axis {
            days,
            shared,
            later,
            widths: (a, PANELS_W - a),
        }
    }

    /// The panel and position of time `t` on the row of a tag whose log starts at `origin`.
    pub fn place(&self, origin: Option<i64>, t: i64) -> (Panel, f64) {
        let o = origin.unwrap_or(t);
        let window = self.days * DAY;
        match self.later {
            Some((a, b)) if t - o >= window => {
                let f = if b > a {
                    (t - a) as f64 / (b - a) as f64
                } else {
                    0.5
                };
                (
                    Panel::Later,
                    PAD + f.clamp(0.0, 1.0) * (self.widths.1 - 2.0 * PAD),
                )
            }
            _ => {
                let f = ((t - o).max(0) as f64 / window as f64).min(1.0);
                (Panel::Journey, PAD + f * (self.widths.0 - 2.0 * PAD))
            }
        }
    }

    /// The width of `panel`, in pixels.
    pub fn width(&self, panel: Panel) -> f64 {
        match panel {
            Panel::Journey => self.widths.0,
            Panel::Later => self.widths.1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::fixtures::{START, tag};

    #[test]
    fn the_journey_panel_shows_the_journey_and_the_later_panel_the_rest() {
        let t = tag(&[
            START + 3600,
            START + 2 * DAY,
            START + 6 * DAY,
            START + 60 * DAY,
        ]);
        let axis = Axis::new(&[t]);
        assert_eq!(axis.days, 7);
        assert_eq!(axis.shared, Some(START));
        assert_eq!(axis.later, Some((START + 60 * DAY, START + 60 * DAY)));
        assert_eq!(axis.place(Some(START), START + 60 * DAY).0, Panel::Later);
        let (panel, x) = axis.place(Some(START), START + 6 * DAY);
        assert_eq!(panel, Panel::Journey);
        assert!(x > axis.widths.0 / 2.0 && x < axis.widths.0 - PAD);
    }
}
