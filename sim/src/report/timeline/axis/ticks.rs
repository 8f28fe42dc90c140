//! The ticks of each panel: where they fall and what they say.

use chrono::{DateTime, Datelike, NaiveDate};

use super::journey::DAY;
use super::{Axis, PAD};

/// Ticks of the journey panel: position and label; every few hours when it shows a day
/// or two.
pub fn journey(axis: &Axis) -> Vec<(f64, String)> {
    let hours = axis.days * 24;
    let step = match axis.days {
        0..=1 => 6,
        2 => 12,
        3..=12 => 24,
        13..=24 => 48,
        25..=45 => 168,
        _ => 336,
    };
    (0..=hours)
        .step_by(step)
        .map(|h| {
            let x = PAD + h as f64 / hours as f64 * (axis.widths.0 - 2.0 * PAD);
            let d = h / 24;
            // The last tick closes the last day: it has no day of its own to name.
            let label = match axis.shared {
                _ if h == hours => String::new(),
                _ if h % 24 != 0 => format!("{:02}:00", h % 24),
                Some(o) => DateTime::from_timestamp(o + d * DAY + DAY / 2, 0)
                    .map_or_else(String::new, |t| t.format("%-d %b").to_string()),
                None => format!("day {}", d + 1),
            };
            (x, label)
        })
        .collect()
}

/// Ticks of the later panel: the first of a month or of a year.
pub fn later(axis: &Axis) -> Vec<(f64, String)> {
    let Some((a, b)) = axis.later else {
        return Vec::new();
    };
    let (Some(start), Some(end)) = (
        DateTime::from_timestamp(a, 0),
        DateTime::from_timestamp(b, 0),
    ) else {
        return Vec::new();
    };
    let months = (end.year() - start.year()) * 12 + end.month() as i32 - start.month() as i32;
    let step = [1, 2, 3, 6, 12, 24, 60, 120, 240]
        .into_iter()
        .find(|s| months / s <= 8)
        .unwrap_or(480);
    let mut ticks = Vec::new();
    let (mut y, mut m) = (start.year(), start.month() as i32);
    if step >= 12 {
        (y, m) = (y + 1, 1);
        y += (step / 12 - y.rem_euclid(step / 12)) % (step / 12);
    } else {
        m += 1;
    }
    while let Some(day) = NaiveDate::from_ymd_opt(y + (m - 1) / 12, ((m - 1) % 12 + 1) as u32, 1) {
        let t = day
            .and_hms_opt(0, 0, 0)
            .map_or(b + 1, |d| d.and_utc().timestamp());
        if t > b {
            break;
        }
        let x = PAD + (t - a) as f64 / (b - a).max(1) as f64 * (axis.widths.1 - 2.0 * PAD);
        let label = if step >= 12 {
            day.format("%Y").to_string()
        } else {
            day.format("%b %Y").to_string()
        };
        ticks.push((x, label));
        m += step;
    }
    ticks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::timeline::fixtures::START;

    #[test]
    fn ticks_of_years_fall_on_new_year() {
        let mut axis = Axis {
            days: 7,
            shared: None,
            later: Some((START, START + 5 * 365 * DAY)),
            widths: (500.0, 420.0),
        };
        let labels: Vec<String> = later(&axis).into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["2019", "2020", "2021", "2022", "2023"]);
        let days: Vec<String> = journey(&axis).into_iter().map(|t| t.1).collect();
        assert_eq!(
            days,
            [
                "day 1", "day 2", "day 3", "day 4", "day 5", "day 6", "day 7", ""
            ]
        );
        axis.days = 1;
        axis.shared = Some(START);
        let hours: Vec<String> = journey(&axis).into_iter().map(|t| t.1).collect();
        assert_eq!(hours, ["27 Jul", "06:00", "12:00", "18:00", ""]);
    }
}
