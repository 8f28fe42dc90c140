//! The band under a row's marks: where the box was between two records.

use super::marks::Placed;
use crate::report::html::{Esc, w};
use crate::report::map;
use crate::report::sites::Sites;

/// The top of the band on a row, in pixels.
const BAND_Y: f64 = 36.0;
/// The height of the band, in pixels.
const BAND_H: f64 = 10.0;

/// The band under the marks: where the box was between two records. Between two records at
/// one site the box was there; between two sites, or where no place is known, it was on the
/// way. After its last known site it is taken to have stayed there.
pub fn band(out: &mut String, sites: &Sites, records: &[&Placed]) {
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
