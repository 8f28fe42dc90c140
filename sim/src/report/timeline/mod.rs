//! The timeline: a row per tag in two panels, the journey in days and what followed in years.
//!
//! A box travels for days and then stays in a laboratory for years; one linear axis would
//! squeeze the journey into a point. The left panel shows the first days after each tag's log
//! starts (as dates when every log starts on the same day, as day numbers otherwise); its length
//! is the time most logs take to their last custody step before a pause of more than a week
//! (hours are shown when that is a day or two). The right panel shows
//! everything after that on a calendar axis. Marks that would overlap are moved apart in log
//! order; their titles give the exact time. Under the marks, a band shows where the box was.
//!
//! [`axis`] holds the time: the panels' scales, their ticks, and where each journey starts and
//! ends. The other modules draw: the [`heading`] row, the [`legend`], the [`overview`] of every
//! tag, and a [`row`] per tag from its [`marks`] and [`band`]; [`selection`] picks the tags
//! that get a row when there are too many for one each.

pub mod axis;
pub mod band;
#[cfg(test)]
mod fixtures;
pub mod heading;
pub mod legend;
pub mod marks;
pub mod overview;
pub mod row;
pub mod selection;

use self::axis::Axis;
use super::html::{count, plural, w};
use super::input::DirectoryJson;
use super::sites::Sites;
use super::tag::Tag;

/// The section: legend, the sums over every tag, then a row per shown tag.
pub fn section(
    axis: &Axis,
    dir: &DirectoryJson,
    sites: &Sites,
    tags: &[Tag],
    rows: &[usize],
) -> String {
    let mut out = String::with_capacity(rows.len() * 6_000 + 8_192);
    out.push_str(r#"<section id="timeline"><h2>Every box over time</h2>"#);
    if rows.len() < tags.len() {
        w!(
            out,
            r#"<p class="note">{} of {} have a row below: first those where a check failed, tampering or damage was found, or the scenario cut the power, then the first of the others. The sums over every tag are the first row; the table further down lists every tag with a finding.</p>"#,
            count(rows.len() as u64),
            plural(tags.len() as u64, "tag", "tags")
        );
    }
    legend::legend(&mut out);
    out.push_str(r#"<div class="filter"><label>Find a tag, a place code or a verdict <input id="q" type="search" placeholder="box-017, PHIK, tampering"></label> <label><input id="only" type="checkbox"> only tags where something went wrong or was done</label> <span id="shown" aria-live="polite"></span></div>"#);
    w!(
        out,
        r#"<div class="rows" style="--a:{}px;--b:{}px">"#,
        axis.widths.0,
        axis.widths.1
    );
    heading::heading(&mut out, axis);
    overview::overview(&mut out, axis, tags);
    for &i in rows {
        row::row(&mut out, axis, dir, sites, &tags[i]);
    }
    out.push_str("</div></section>");
    out
}
