//! The timeline: a row per tag in two panels, the journey in days and what followed in years.
//!
//! A box travels for days and then stays in a laboratory for years; one linear axis would
//! squeeze the journey into a point. The left panel shows the first days after each tag's log
//! starts (as dates when every log starts on the same day, as day numbers otherwise); its length
//! is the time most logs take to their last custody step before a pause of more than a week
//! (hours are shown when that is a day or two). The right panel shows
//! everything after that on a calendar axis. Marks that would overlap are moved apart in log
//! order; their titles give the exact time. Under the marks, a band shows where the box was.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate};

use super::html::{Esc, count, plural, w};
use super::input::DirectoryJson;
use super::map;
use super::sites::Sites;
use super::symbols;
use super::tag::{Mark, Tag, Verdict, What};
use super::words;

const DAY: i64 = 86_400;
/// A pause longer than this ends a journey.
const PAUSE: i64 = 7 * DAY;
/// The journey panel shows at most this many days.
const MAX_DAYS: i64 = 60;
/// Width of the two panels together, in pixels; the panel with more marks gets more of it.
const PANELS_W: f64 = 920.0;
/// The least width of the journey panel.
const MIN_A_W: f64 = 240.0;
/// The least width of the later panel.
const MIN_B_W: f64 = 280.0;
const ROW_H: f64 = 48.0;
const PAD: f64 = 10.0;
/// Marks closer than this are moved apart.
const SPACING: f64 = 9.0;
const UPPER_Y: f64 = 9.0;
const RECORD_Y: f64 = 25.0;
const BAND_Y: f64 = 36.0;
const BAND_H: f64 = 10.0;

/// Which panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Panel {
    Journey,
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

/// The local midnight before a tag's first timed record, unix seconds.
fn origin(tag: &Tag) -> Option<i64> {
    let (t, tz) = tag
        .items
        .iter()
        .find_map(|i| i.time.map(|t| (t, i64::from(i.tz_minutes) * 60)))?;
    let local = t + tz;
    Some(local - local.rem_euclid(DAY) - tz)
}

/// Seconds from `origin` to the end of the tag's journey: its last custody step before the
/// first pause of more than a week, or, with no custody step before it, its last record.
fn journey(tag: &Tag, origin: i64) -> i64 {
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

impl Axis {
    /// The scales that fit `tags`.
    pub fn new(tags: &[Tag]) -> Axis {
        let origins: Vec<Option<i64>> = tags.iter().map(origin).collect();
        let mut journeys: Vec<i64> = tags
            .iter()
            .zip(&origins)
            .filter_map(|(t, o)| o.map(|o| journey(t, o)))
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
    fn place(&self, origin: Option<i64>, t: i64) -> (Panel, f64) {
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

    fn width(&self, panel: Panel) -> f64 {
        match panel {
            Panel::Journey => self.widths.0,
            Panel::Later => self.widths.1,
        }
    }

    /// Ticks of the journey panel: position and label; every few hours when it shows a day
    /// or two.
    fn journey_ticks(&self) -> Vec<(f64, String)> {
        let hours = self.days * 24;
        let step = match self.days {
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
                let x = PAD + h as f64 / hours as f64 * (self.widths.0 - 2.0 * PAD);
                let d = h / 24;
                // The last tick closes the last day: it has no day of its own to name.
                let label = match self.shared {
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
    fn later_ticks(&self) -> Vec<(f64, String)> {
        let Some((a, b)) = self.later else {
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
        while let Some(day) =
            NaiveDate::from_ymd_opt(y + (m - 1) / 12, ((m - 1) % 12 + 1) as u32, 1)
        {
            let t = day
                .and_hms_opt(0, 0, 0)
                .map_or(b + 1, |d| d.and_utc().timestamp());
            if t > b {
                break;
            }
            let x = PAD + (t - a) as f64 / (b - a).max(1) as f64 * (self.widths.1 - 2.0 * PAD);
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
}

/// A mark placed on a row.
struct Placed {
    panel: Panel,
    x: f64,
    mark: Mark,
    title: String,
    site: Option<usize>,
    /// Its place in the log, for the list of records.
    index: Option<usize>,
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
fn place_tag(axis: &Axis, dir: &DirectoryJson, tag: &Tag) -> Vec<Placed> {
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
            title: words::item(dir, item),
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
            title: words::item(dir, item),
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
                words::event(e)
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

/// The band under the marks: where the box was between two records. Between two records at
/// one site the box was there; between two sites, or where no place is known, it was on the
/// way. After its last known site it is taken to have stayed there.
fn band(out: &mut String, sites: &Sites, records: &[&Placed]) {
    let known: Vec<Option<usize>> = records.iter().map(|p| p.site).collect();
    /// Where the box was over a run of the band.
    #[derive(PartialEq)]
    enum Held {
        At(usize),
        Between(Option<usize>, Option<usize>),
    }
    let mut runs: Vec<(f64, f64, Held)> = Vec::new();
    for i in 0..records.len().saturating_sub(1) {
        let before = known[..=i].iter().rev().find_map(|s| *s);
        let after = known[i + 1..].iter().find_map(|s| *s);
        let held = match (before, after) {
            (Some(a), Some(b)) if a == b => Held::At(a),
            (Some(a), None) => Held::At(a),
            (a, b) => Held::Between(a, b),
        };
        let (x0, x1) = (records[i].x, records[i + 1].x);
        match runs.last_mut() {
            Some(last) if last.2 == held => last.1 = x1,
            _ => runs.push((x0, x1, held)),
        }
    }
    for (x0, x1, held) in runs {
        match held {
            Held::At(site) => {
                let s = &sites.list[site];
                w!(
                    out,
                    r#"<rect class="band" x="{x0:.1}" y="{BAND_Y}" width="{:.1}" height="{BAND_H}" fill="{}"><title>At {}</title></rect>"#,
                    x1 - x0,
                    map::colour(s),
                    Esc(&s.name)
                );
                if x1 - x0 > 7.0 * s.code.len() as f64 + 6.0 {
                    w!(
                        out,
                        r#"<text class="bandlabel" x="{:.1}" y="{:.1}">{}</text>"#,
                        x0 + 3.0,
                        BAND_Y + BAND_H - 2.0,
                        Esc(&s.code)
                    );
                }
            }
            Held::Between(a, b) => {
                let name = |s: Option<usize>| {
                    s.map_or_else(
                        || "an unknown place".to_string(),
                        |s| sites.list[s].name.clone(),
                    )
                };
                w!(
                    out,
                    r#"<rect class="band" x="{x0:.1}" y="{BAND_Y}" width="{:.1}" height="{BAND_H}" fill="url(#transit)"><title>On the way from {} to {}</title></rect>"#,
                    x1 - x0,
                    Esc(&name(a)),
                    Esc(&name(b))
                );
            }
        }
    }
}

fn panel_svg(
    out: &mut String,
    axis: &Axis,
    sites: &Sites,
    tag: &Tag,
    placed: &[Placed],
    panel: Panel,
    label: &str,
) {
    let width = axis.width(panel);
    w!(
        out,
        r#"<svg class="lane" viewBox="0 0 {width} {ROW_H}" width="{width}" height="{ROW_H}" role="img" aria-label="{}, {}">"#,
        Esc(&tag.name),
        Esc(label)
    );
    let records: Vec<&Placed> = placed
        .iter()
        .filter(|p| p.panel == panel && !symbols::upper(p.mark))
        .collect();
    if let (Some(first), Some(last)) = (records.first(), records.last()) {
        w!(
            out,
            r#"<path class="life" d="M{:.1} {RECORD_Y}H{:.1}"/>"#,
            first.x,
            last.x
        );
    }
    band(out, sites, &records);
    for p in placed.iter().filter(|p| p.panel == panel) {
        let y = if symbols::upper(p.mark) {
            UPPER_Y
        } else {
            RECORD_Y
        };
        if p.mark == Mark::Damage {
            w!(
                out,
                r#"<path class="drop" d="M{:.1} {:.1}V{:.1}"/>"#,
                p.x,
                UPPER_Y + 6.0,
                RECORD_Y - 4.0
            );
        }
        let index = p
            .index
            .map_or_else(String::new, |i| format!(r#" data-i="{i}""#));
        w!(
            out,
            r##"<g class="mk"{index}><title>{}</title><use href="#{}" x="{:.1}" y="{y}"/></g>"##,
            Esc(&p.title),
            symbols::id(p.mark),
            p.x
        );
    }
    out.push_str("</svg>");
}

fn flags(tag: &Tag) -> String {
    let mut f = Vec::new();
    if tag.eventful() {
        f.push("eventful");
    }
    if tag.damage_found > 0 || tag.findings.iter().any(|f| f.is_damage()) {
        f.push("damage");
    }
    if tag.findings.iter().any(|f| !f.is_damage()) {
        f.push("tamper");
    }
    if tag.power_cuts > 0 {
        f.push("power");
    }
    f.join(" ")
}

/// The badge of a tag's verdict: a sign and words, not colour alone.
pub fn badge(tag: &Tag) -> String {
    let sign = match tag.verdict {
        Verdict::Intact => "✓",
        Verdict::Damage => "!",
        _ => "✗",
    };
    let mut b = format!(
        r#"<span class="badge {}">{sign} {}</span>"#,
        tag.verdict.class(),
        tag.verdict.label()
    );
    if !tag.pass || tag.error.is_some() {
        b += r#" <span class="badge bad">✗ run's checks failed</span>"#;
    }
    b
}

/// The anchor of a tag's row.
pub fn anchor(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("tag-{safe}")
}

fn row(out: &mut String, axis: &Axis, dir: &DirectoryJson, sites: &Sites, tag: &Tag) {
    let placed = place_tag(axis, dir, tag);
    let mut search = format!("{} {} {}", tag.name, tag.epc, tag.verdict.label());
    let mut codes: Vec<&str> = tag
        .items
        .iter()
        .filter_map(|i| i.site)
        .map(|s| sites.list[s].code.as_str())
        .collect();
    codes.dedup();
    for c in codes {
        search.push(' ');
        search.push_str(c);
    }
    w!(
        out,
        r##"<div class="row v-{}" id="{}" data-q="{}" data-flags="{}"><div class="who"><a class="name" href="#{}">{}</a> {}<div class="sub">{}"##,
        tag.verdict.class(),
        anchor(&tag.name),
        Esc(&search.to_lowercase()),
        flags(tag),
        anchor(&tag.name),
        Esc(&tag.name),
        badge(tag),
        plural(u64::from(tag.records), "record", "records"),
    );
    let cuts = u64::from(tag.power_cuts);
    if cuts > 0 {
        w!(out, " · {}", plural(cuts, "power cut", "power cuts"));
    }
    w!(
        out,
        "<br>{} of {} checkpoints verified</div></div>",
        tag.checkpoints_verified,
        tag.checkpoints
    );
    panel_svg(
        out,
        axis,
        sites,
        tag,
        &placed,
        Panel::Journey,
        "the journey",
    );
    panel_svg(out, axis, sites, tag, &placed, Panel::Later, "afterwards");
    out.push_str(r#"<details class="more"><summary>Records"#);
    if !tag.findings.is_empty() || tag.events.iter().any(|e| e.mark.is_some()) {
        out.push_str(", findings and faults");
    }
    out.push_str(" in words");
    w!(
        out,
        r#"</summary><p class="epc">{} · {}</p>"#,
        Esc(&tag.epc),
        Esc(&tag.memory)
    );
    if !tag.findings.is_empty() {
        out.push_str(r#"<h4>Found by verification</h4><ul class="findings">"#);
        for f in &tag.findings {
            w!(out, "<li>{}</li>", Esc(&f.message));
        }
        out.push_str("</ul>");
    }
    let events: Vec<_> = tag.events.iter().filter(|e| e.mark.is_some()).collect();
    if !events.is_empty() || !tag.tampered.is_empty() || tag.error.is_some() {
        out.push_str(r#"<h4>What the scenario did</h4><ul class="events">"#);
        for e in events {
            w!(out, "<li>{}</li>", Esc(&words::event(e)));
        }
        if let Some(error) = &tag.error {
            w!(
                out,
                "<li>the plan could not be played to the end: {}</li>",
                Esc(error)
            );
        }
        for u in &tag.unexplained {
            w!(
                out,
                "<li>a finding no injected fault explains: {}</li>",
                Esc(u)
            );
        }
        out.push_str("</ul>");
    }
    out.push_str(r#"<h4>Records</h4><ol class="records"><li>Shown with scripts on; otherwise hover each mark.</li></ol></details></div>"#);
}

fn axis_row(out: &mut String, axis: &Axis) {
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
    for (panel, title, ticks) in [
        (Panel::Journey, journey, axis.journey_ticks()),
        (
            Panel::Later,
            match axis.later {
                Some((a, b)) => format!("Afterwards: {} – {}", words::date(a), words::date(b)),
                None => "Afterwards: nothing recorded".to_string(),
            },
            axis.later_ticks(),
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
        for (x, label) in ticks {
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

/// The sums over every tag: records and what went wrong, per slice of each panel.
fn overview(out: &mut String, axis: &Axis, tags: &[Tag]) {
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

fn legend(out: &mut String) {
    out.push_str(r#"<div class="legend" role="list" aria-label="Legend">"#);
    for group in symbols::LEGEND {
        w!(
            out,
            r#"<div class="lgroup" role="listitem"><h3>{}</h3><ul>"#,
            Esc(group.title)
        );
        for e in group.entries {
            w!(
                out,
                r#"<li title="{}">{}<span>{}</span></li>"#,
                Esc(e.meaning),
                symbols::icon(e.mark),
                Esc(e.name)
            );
        }
        out.push_str("</ul></div>");
    }
    out.push_str(r##"<div class="lgroup" role="listitem"><h3>Where the box was</h3><ul><li><svg class="icon" width="26" height="12" aria-hidden="true"><rect width="26" height="12" fill="#4e79a7"/></svg><span>at a place (colour and code as on the map)</span></li><li><svg class="icon" width="26" height="12" aria-hidden="true"><rect width="26" height="12" fill="url(#transit)"/></svg><span>on the way, or place unknown</span></li></ul></div></div>"##);
}

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
    legend(&mut out);
    out.push_str(r#"<div class="filter"><label>Find a tag, a place code or a verdict <input id="q" type="search" placeholder="box-017, PHIK, tampering"></label> <label><input id="only" type="checkbox"> only tags where something went wrong or was done</label> <span id="shown" aria-live="polite"></span></div>"#);
    w!(
        out,
        r#"<div class="rows" style="--a:{}px;--b:{}px">"#,
        axis.widths.0,
        axis.widths.1
    );
    axis_row(&mut out, axis);
    overview(&mut out, axis, tags);
    for &i in rows {
        row(&mut out, axis, dir, sites, &tags[i]);
    }
    out.push_str("</div></section>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tag::{Item, Loc};

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

    fn tag(times: &[i64]) -> Tag {
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

    // 2018-07-27T00:00:00+09:00.
    const START: i64 = 1_532_617_200;

    #[test]
    fn the_journey_ends_at_the_first_long_pause() {
        let mut t = tag(&[
            START + 3600,
            START + 2 * DAY,
            START + 6 * DAY,
            START + 60 * DAY,
        ]);
        assert_eq!(origin(&t), Some(START));
        assert_eq!(journey(&t, START), 6 * DAY);
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
        assert_eq!(journey(&t, START), 2 * DAY);
        t.items[3].what = custody;
        assert_eq!(journey(&t, START), 2 * DAY);
        t.items[1].what = What::Other("x".into());
        let axis = Axis::new(&[t]);
        assert_eq!(axis.days, 7);
        assert_eq!(axis.shared, Some(START));
        assert_eq!(axis.later, Some((START + 60 * DAY, START + 60 * DAY)));
        assert_eq!(axis.place(Some(START), START + 60 * DAY).0, Panel::Later);
        let (panel, x) = axis.place(Some(START), START + 6 * DAY);
        assert_eq!(panel, Panel::Journey);
        assert!(x > axis.widths.0 / 2.0 && x < axis.widths.0 - PAD);
    }

    #[test]
    fn ticks_of_years_fall_on_new_year() {
        let mut axis = Axis {
            days: 7,
            shared: None,
            later: Some((START, START + 5 * 365 * DAY)),
            widths: (500.0, 420.0),
        };
        let labels: Vec<String> = axis.later_ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(labels, ["2019", "2020", "2021", "2022", "2023"]);
        let days: Vec<String> = axis.journey_ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(
            days,
            [
                "day 1", "day 2", "day 3", "day 4", "day 5", "day 6", "day 7", ""
            ]
        );
        axis.days = 1;
        axis.shared = Some(START);
        let hours: Vec<String> = axis.journey_ticks().into_iter().map(|t| t.1).collect();
        assert_eq!(hours, ["27 Jul", "06:00", "12:00", "18:00", ""]);
    }

    #[test]
    fn marks_close_together_are_moved_apart_and_kept_in_the_panel() {
        let t = tag(&[START; 200]);
        let axis = Axis::new(std::slice::from_ref(&t));
        let placed = place_tag(&axis, &DirectoryJson::default(), &t);
        assert!(placed.windows(2).all(|w| w[1].x > w[0].x));
        let right = axis.widths.0 - PAD + 1e-9;
        assert!(placed.iter().all(|p| p.x >= PAD && p.x <= right));
    }

    #[test]
    fn many_tags_show_the_urgent_first_and_some_quiet_ones() {
        let mut tags: Vec<Tag> = (0..1000).map(|_| tag(&[START])).collect();
        for i in (0..1000).step_by(3) {
            tags[i].power_cuts = 1;
        }
        tags[990].verdict = Verdict::Tampering;
        tags[990].findings.push(crate::report::tag::Finding {
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
