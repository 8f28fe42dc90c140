//! The heading row of the timeline: each panel's title and its ticks.

use super::axis::{Axis, PAD, Panel, ticks};
use crate::report::html::{Esc, plural, w};
use crate::report::words;

/// Appends the heading row.
pub fn heading(out: &mut String, axis: &Axis) {
    out.push_str(r#"<div class="row axis" aria-hidden="true"><div class="who"></div>"#);
    let journey = match axis.shared {
        Some(_) => format!(
            "The journey: first {}",
            plural(axis.days as u64, "day", "days")
        ),
        None => format!(
            "The journey: first {} of each log",
            plural(axis.days as u64, "day", "days")
        ),
    };
    for (panel, title, panel_ticks) in [
        (Panel::Journey, journey, ticks::journey(axis)),
        (
            Panel::Later,
            match axis.later {
                Some((a, b)) => format!("Afterwards: {} – {}", words::date(a), words::date(b)),
                None => "Afterwards: nothing recorded".to_string(),
            },
            ticks::later(axis),
        ),
    ] {
        let width = axis.width(panel);
        w!(
            out,
            r#"<svg class="ticks" viewBox="0 0 {width} 38" width="{width}" height="38">"#
        );
        w!(
            out,
            r#"<text class="paneltitle" x="{PAD}" y="13">{}</text>"#,
            Esc(&title)
        );
        for (x, label) in panel_ticks {
            w!(out, r#"<path class="tick" d="M{x:.1} 20V38"/>"#);
            if !label.is_empty() {
                w!(
                    out,
                    r#"<text class="ticklabel" x="{:.1}" y="31">{}</text>"#,
                    x + 3.0,
                    Esc(&label)
                );
            }
        }
        out.push_str("</svg>");
    }
    out.push_str("</div>");
}
