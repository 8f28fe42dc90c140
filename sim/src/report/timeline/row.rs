//! A tag's row: who it is and its verdict, its marks on both panels, and its records in words.

use super::axis::{Axis, Panel};
use super::band::band;
use super::marks::{Placed, place_tag};
use crate::report::html::{Esc, plural, w};
use crate::report::input::DirectoryJson;
use crate::report::sentences;
use crate::report::sites::Sites;
use crate::report::symbols;
use crate::report::tag::{Mark, Tag, Verdict};

/// The height of a row, in pixels.
const ROW_H: f64 = 48.0;
/// Where the marks above the records sit: checkpoints and what the scenario did.
const UPPER_Y: f64 = 9.0;
/// Where the records sit.
const RECORD_Y: f64 = 25.0;

/// One panel of a tag's row: the band, the line of its records, and its marks.
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

/// What the page's filter knows of a tag: `eventful`, `damage`, `tamper`, `power`.
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

/// Appends the row of `tag`.
pub fn row(out: &mut String, axis: &Axis, dir: &DirectoryJson, sites: &Sites, tag: &Tag) {
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
            w!(out, "<li>{}</li>", Esc(&sentences::event(e)));
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
