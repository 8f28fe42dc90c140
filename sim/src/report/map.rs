//! The map-like view: the sites on an equirectangular projection scaled to their bounding box,
//! the legs between them drawn as arcs as wide as the number of boxes that went along them, and
//! a detail for each group of sites too close together to tell apart.
//!
//! When the sites lie on both sides of the antimeridian (Korea and Hawaii), longitudes west of
//! Greenwich are counted from 180 to 360 so that the Pacific lies in the middle, not split.

use super::html::{Esc, count, plural, w};
use super::sites::{LegKind, Site, Sites};
use super::words;

/// The colours of sites, by order of first visit; the timeline's bands use the same.
pub const PALETTE: [&str; 8] = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f",
];

/// The colour of a site.
pub fn colour(site: &Site) -> &'static str {
    site.colour
        .map_or("#b8bec7", |c| PALETTE[c % PALETTE.len()])
}

const MAIN: (f64, f64) = (960.0, 400.0);
const INSET: (f64, f64) = (360.0, 240.0);
/// Sites closer than this on the main map, in pixels, are drawn in a detail.
const CLOSE: f64 = 26.0;

/// An equirectangular projection of a box of latitudes and longitudes onto a box of pixels.
#[derive(Clone, Copy, Debug)]
struct Projection {
    /// Whether longitudes west of Greenwich are counted from 180 to 360.
    shift: bool,
    /// The longitude at the left edge (after the shift).
    west: f64,
    /// The latitude at the top edge.
    north: f64,
    /// Pixels per degree of latitude.
    k: f64,
    /// Pixels per degree of longitude.
    kx: f64,
    /// Size in pixels.
    size: (f64, f64),
}

impl Projection {
    /// The projection that shows every point of `points` (latitude, longitude) in `size`, the
    /// bounding box grown by `margin` (1.0: none) and to fill `size`, and at least `min_span`
    /// degrees across.
    fn fit(points: &[(f64, f64)], size: (f64, f64), margin: f64, min_span: f64) -> Projection {
        let plain_span = span(points.iter().map(|p| p.1));
        let shifted_span = span(points.iter().map(|p| shifted(p.1, true)));
        let shift = shifted_span + 1e-9 < plain_span;
        let lons = || points.iter().map(|p| shifted(p.1, shift));
        let lats = || points.iter().map(|p| p.0);
        let (w0, e0) = (fold_min(lons()), fold_max(lons()));
        let (s0, n0) = (fold_min(lats()), fold_max(lats()));
        let mid_lat = (s0 + n0) / 2.0;
        let cos = mid_lat.to_radians().cos().max(0.2);
        let dlon = ((e0 - w0) * margin).max(min_span);
        let dlat = ((n0 - s0) * margin).max(min_span);
        let k = (size.0 / (dlon * cos)).min(size.1 / dlat);
        let kx = k * cos;
        let (clon, clat) = ((w0 + e0) / 2.0, mid_lat);
        let north = (clat + size.1 / k / 2.0).min(90.0_f64.max(n0));
        Projection {
            shift,
            west: clon - size.0 / kx / 2.0,
            north,
            k,
            kx,
            size,
        }
    }

    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            (shifted(lon, self.shift) - self.west) * self.kx,
            (self.north - lat) * self.k,
        )
    }

    fn east(&self) -> f64 {
        self.west + self.size.0 / self.kx
    }

    fn south(&self) -> f64 {
        self.north - self.size.1 / self.k
    }
}

fn shifted(lon: f64, shift: bool) -> f64 {
    if shift && lon < 0.0 { lon + 360.0 } else { lon }
}

fn fold_min(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(f64::INFINITY, f64::min)
}

fn fold_max(values: impl Iterator<Item = f64>) -> f64 {
    values.fold(f64::NEG_INFINITY, f64::max)
}

fn span(values: impl Iterator<Item = f64> + Clone) -> f64 {
    fold_max(values.clone()) - fold_min(values)
}

/// `value` degrees with `decimals` decimals and the letter of its side, positive or negative:
/// `37°N`, `157.94°W`; no letter at zero or at 180°.
fn degrees(value: f64, decimals: usize, [positive, negative]: [char; 2]) -> String {
    let text = format!("{:.decimals$}", value.abs());
    if text.trim_start_matches(['0', '.']).is_empty() || value.abs() == 180.0 {
        format!("{text}°")
    } else if value < 0.0 {
        format!("{text}°{negative}")
    } else {
        format!("{text}°{positive}")
    }
}

/// A longitude, also one counted past 180 after the shift, as `127°E`, `157.9°W`, `180°`.
fn lon_label(lon: f64, decimals: usize) -> String {
    degrees(
        (lon + 180.0).rem_euclid(360.0) - 180.0,
        decimals,
        ['E', 'W'],
    )
}

/// A latitude as `37°N`, `21.34°N`, `0°`.
fn lat_label(lat: f64, decimals: usize) -> String {
    degrees(lat, decimals, ['N', 'S'])
}

/// A grid step in degrees that gives at most `lines` lines across `range`.
fn step(range: f64, lines: f64) -> f64 {
    [
        0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 15.0, 20.0, 30.0,
    ]
    .into_iter()
    .find(|s| range / s <= lines)
    .unwrap_or(45.0)
}

/// Decimals a grid label needs at `step`.
fn decimals(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else if step >= 0.1 {
        1
    } else {
        2
    }
}

fn graticule(out: &mut String, p: &Projection) {
    let (w, h) = p.size;
    w!(out, r#"<rect class="sea" width="{w}" height="{h}"/>"#);
    // About one line per 100 pixels.
    let lon_step = step(p.east() - p.west, w / 100.0);
    let mut lon = (p.west / lon_step).ceil() * lon_step;
    while lon <= p.east() {
        let x = (lon - p.west) * p.kx;
        w!(out, r#"<path class="grid" d="M{x:.1} 0V{h}"/>"#);
        let label = lon_label(lon, decimals(lon_step));
        if x + 3.0 + 6.0 * label.chars().count() as f64 <= w {
            w!(
                out,
                r#"<text class="gridlabel" x="{:.1}" y="{:.1}">{}</text>"#,
                x + 3.0,
                h - 4.0,
                Esc(&label)
            );
        }
        lon += lon_step;
    }
    let lat_step = step(p.north - p.south(), h / 60.0);
    let mut lat = (p.south() / lat_step).ceil() * lat_step;
    while lat <= p.north {
        let y = (p.north - lat) * p.k;
        w!(out, r#"<path class="grid" d="M0 {y:.1}H{w}"/>"#);
        if y > 14.0 {
            let label = lat_label(lat, decimals(lat_step));
            w!(
                out,
                r#"<text class="gridlabel" x="3" y="{:.1}">{}</text>"#,
                y - 3.0,
                Esc(&label)
            );
        }
        lat += lat_step;
    }
    if p.shift && p.west < 180.0 && p.east() > 180.0 {
        let x = (180.0 - p.west) * p.kx;
        w!(
            out,
            r#"<path class="dateline" d="M{x:.1} 0V{h}"><title>The 180th meridian</title></path><text class="gridlabel" x="{:.1}" y="14">180° date line</text>"#,
            x + 3.0
        );
    }
}

/// Groups of sites closer than [`CLOSE`] pixels on the main map (single linkage).
fn groups(points: &[(f64, f64)]) -> Vec<Vec<usize>> {
    let mut group: Vec<usize> = (0..points.len()).collect();
    fn root(group: &mut [usize], mut i: usize) -> usize {
        while group[i] != i {
            group[i] = group[group[i]];
            i = group[i];
        }
        i
    }
    for i in 0..points.len() {
        for j in i + 1..points.len() {
            let (a, b) = (points[i], points[j]);
            if (a.0 - b.0).hypot(a.1 - b.1) < CLOSE {
                let (ri, rj) = (root(&mut group, i), root(&mut group, j));
                group[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let roots: Vec<usize> = (0..points.len()).map(|i| root(&mut group, i)).collect();
    let mut out: Vec<(usize, Vec<usize>)> = Vec::new();
    for (i, &r) in roots.iter().enumerate() {
        match out.iter_mut().find(|(root, _)| *root == r) {
            Some((_, g)) => g.push(i),
            None => out.push((r, vec![i])),
        }
    }
    out.into_iter().map(|(_, g)| g).collect()
}

fn leg_class(kind: LegKind) -> &'static str {
    match kind {
        LegKind::Moved => "leg",
        LegKind::Declared => "leg declared",
        LegKind::Samples => "leg samples",
    }
}

fn leg_words(sites: &Sites, leg: &super::sites::Leg) -> String {
    let (from, to) = (&sites.list[leg.from].name, &sites.list[leg.to].name);
    let when = leg
        .span
        .map_or_else(String::new, |(a, b)| format!(", {}", words::days(a, b)));
    match leg.kind {
        LegKind::Moved => format!(
            "{from} to {to}: {}{when}",
            plural(leg.count, "box", "boxes")
        ),
        LegKind::Declared => format!(
            "{from}: the origin declared for {} that the log starts at {to}",
            plural(leg.count, "box", "boxes")
        ),
        LegKind::Samples => format!(
            "{from} to {to}: {}{when}",
            plural(leg.count, "sample", "samples")
        ),
    }
}

/// Draws the legs between sites of `shown` that are not both in one group of `skip`.
fn legs(
    out: &mut String,
    p: &Projection,
    taken: &mut Taken,
    sites: &Sites,
    shown: &[usize],
    apart: impl Fn(usize, usize) -> bool,
) {
    let max = sites.legs.iter().map(|l| l.count).max().unwrap_or(1).max(1) as f64;
    for leg in &sites.legs {
        if !shown.contains(&leg.from) || !shown.contains(&leg.to) || !apart(leg.from, leg.to) {
            continue;
        }
        let (a, b) = (&sites.list[leg.from], &sites.list[leg.to]);
        let (p0, p1) = (p.xy(a.lat, a.lon), p.xy(b.lat, b.lon));
        let (dx, dy) = (p1.0 - p0.0, p1.1 - p0.1);
        let len = dx.hypot(dy);
        if len < 4.0 {
            continue;
        }
        // Bend to the left of the direction of travel: the two directions part.
        let bend = if leg.kind == LegKind::Declared {
            0.08
        } else {
            0.2
        };
        let c = (
            (p0.0 + p1.0) / 2.0 + dy / len * bend * len,
            (p0.1 + p1.1) / 2.0 - dx / len * bend * len,
        );
        let width = 1.2 + 5.0 * (leg.count as f64 / max).sqrt();
        let title = leg_words(sites, leg);
        w!(
            out,
            r#"<g class="{}"><title>{}</title><path d="M{:.1} {:.1}Q{:.1} {:.1} {:.1} {:.1}" stroke-width="{width:.1}" marker-end="url(#arrow)"/>"#,
            leg_class(leg.kind),
            Esc(&title),
            p0.0,
            p0.1,
            c.0,
            c.1,
            p1.0,
            p1.1
        );
        let label = match leg.kind {
            LegKind::Moved => plural(leg.count, "box", "boxes"),
            // The dashed line says it; its title says how many.
            LegKind::Declared => String::new(),
            LegKind::Samples => plural(leg.count, "sample", "samples"),
        };
        if !label.is_empty() {
            // On the curve, at its middle or, where another label is, further along it.
            let half = 3.3 * label.chars().count() as f64;
            let at = |t: f64| {
                let (u, v, w) = ((1.0 - t) * (1.0 - t), 2.0 * (1.0 - t) * t, t * t);
                let (x, y) = (u * p0.0 + v * c.0 + w * p1.0, u * p0.1 + v * c.1 + w * p1.1);
                (x, y, [x - half, y - 15.0, x + half, y])
            };
            let (mx, my, area) = [0.5, 0.36, 0.64, 0.25, 0.75]
                .into_iter()
                .map(at)
                .find(|(_, _, b)| taken.free(*b))
                .unwrap_or_else(|| at(0.5));
            taken.0.push(area);
            w!(
                out,
                r#"<text class="leglabel" x="{mx:.1}" y="{:.1}">{}</text>"#,
                my - 4.0,
                Esc(&label)
            );
        }
        out.push_str("</g>");
    }
}

fn site_title(s: &Site) -> String {
    let mut t = format!("{} ({}), {:.4}, {:.4}", s.name, s.code, s.lat, s.lon);
    if s.records == 0 {
        t += ": no record made here";
    } else {
        t += &format!(
            ": {} made here by {}",
            plural(s.records, "record", "records"),
            plural(s.boxes, "box", "boxes")
        );
    }
    t
}

/// Draws a site's dot and takes its place.
fn dot(out: &mut String, p: &Projection, taken: &mut Taken, s: &Site, max_boxes: f64) {
    let (x, y) = p.xy(s.lat, s.lon);
    let r = 3.5 + 4.0 * (s.boxes as f64 / max_boxes).sqrt();
    taken.0.push([x - r, y - r, x + r, y + r]);
    let class = if s.records == 0 { "site idle" } else { "site" };
    w!(
        out,
        r#"<circle class="{class}" cx="{x:.1}" cy="{y:.1}" r="{r:.1}" fill="{}"><title>{}</title></circle>"#,
        colour(s),
        Esc(&site_title(s))
    );
}

/// Boxes already taken on a map (x0, y0, x1, y1), so that labels cover neither each other nor
/// the dots.
#[derive(Default)]
struct Taken(Vec<[f64; 4]>);

impl Taken {
    fn free(&self, b: [f64; 4]) -> bool {
        self.0
            .iter()
            .all(|t| b[2] <= t[0] || b[0] >= t[2] || b[3] <= t[1] || b[1] >= t[3])
    }
}

/// A label of a few lines near a point: beside it, below it or above it, right or left, the
/// first of these that is inside the map and free; otherwise beside it on the side with more
/// room, shortened to fit (the full names are in the tables).
fn label(
    out: &mut String,
    p: &Projection,
    taken: &mut Taken,
    at: (f64, f64),
    lines: &[(&str, &str)],
) {
    const CHAR: f64 = 6.5;
    const LINE: f64 = 14.0;
    let n = lines.len() as f64;
    let longest = lines
        .iter()
        .map(|(_, t)| t.chars().count())
        .max()
        .unwrap_or(0);
    let width = CHAR * longest as f64;
    let area = |right: bool, top: f64, width: f64| {
        let x0 = if right {
            at.0 + 10.0
        } else {
            at.0 - 10.0 - width
        };
        [x0, top - 11.0, x0 + width, top + LINE * (n - 1.0) + 4.0]
    };
    let inside = |b: [f64; 4]| b[0] >= 0.0 && b[1] >= 0.0 && b[2] <= p.size.0 && b[3] <= p.size.1;
    let candidates = [at.1 - 2.0, at.1 + 18.0, at.1 - 8.0 - LINE * n]
        .into_iter()
        .flat_map(|top| [(true, top), (false, top)]);
    let chosen = candidates
        .map(|(right, top)| (right, top, area(right, top, width)))
        .find(|(_, _, b)| inside(*b) && taken.free(*b));
    let (right, top, fits) = match chosen {
        Some((right, top, _)) => (right, top, longest),
        None => {
            let right = p.size.0 - at.0 >= at.0;
            let room = if right { p.size.0 - at.0 } else { at.0 };
            let top = (at.1 - 2.0).clamp(14.0, p.size.1 - 8.0 - LINE * n);
            (
                right,
                top,
                (((room - 14.0) / CHAR).max(4.0) as usize).min(longest),
            )
        }
    };
    taken.0.push(area(right, top, CHAR * fits as f64));
    let (x, anchor) = if right {
        (at.0 + 10.0, "start")
    } else {
        (at.0 - 10.0, "end")
    };
    for (i, (class, text)) in lines.iter().enumerate() {
        let text = if text.chars().count() > fits {
            let mut short: String = text.chars().take(fits.saturating_sub(1)).collect();
            short.push('…');
            short
        } else {
            text.to_string()
        };
        w!(
            out,
            r#"<text class="{class}" x="{x:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            top + LINE * i as f64,
            Esc(&text)
        );
    }
}

fn svg_open(out: &mut String, size: (f64, f64), label: &str) {
    w!(
        out,
        r#"<svg class="map" viewBox="0 0 {} {}" role="img" aria-label="{}">"#,
        size.0,
        size.1,
        Esc(label)
    );
}

/// The section: the main map, a detail per group of close sites, the legs and the places.
pub fn section(sites: &Sites) -> String {
    let mut out = String::new();
    out.push_str(r#"<section id="places"><h2>Where the boxes went</h2>"#);
    if sites.list.is_empty() {
        out.push_str("<p>The directory of this run has no place with a position.</p></section>");
        return out;
    }
    let points: Vec<(f64, f64)> = sites.list.iter().map(|s| (s.lat, s.lon)).collect();
    let main = Projection::fit(&points, MAIN, 1.5, 10.0);
    let xy: Vec<(f64, f64)> = sites.list.iter().map(|s| main.xy(s.lat, s.lon)).collect();
    let groups = groups(&xy);
    let group_of = |i: usize| groups.iter().position(|g| g.contains(&i));
    let max_boxes = sites.list.iter().map(|s| s.boxes).max().unwrap_or(1).max(1) as f64;
    let all: Vec<usize> = (0..sites.list.len()).collect();
    let details: Vec<&Vec<usize>> = groups.iter().filter(|g| g.len() > 1).collect();
    let letter = |g: &Vec<usize>| {
        details
            .iter()
            .position(|d| *d == g)
            .map(|i| char::from(b'A' + (i % 26) as u8))
    };

    out.push_str(r#"<div class="maps"><figure class="mainmap">"#);
    svg_open(
        &mut out,
        MAIN,
        "Map of the places and the routes between them",
    );
    graticule(&mut out, &main);
    let mut taken = Taken::default();
    legs(&mut out, &main, &mut taken, sites, &all, |a, b| {
        group_of(a) != group_of(b)
    });
    for s in &sites.list {
        dot(&mut out, &main, &mut taken, s, max_boxes);
    }
    for g in &groups {
        let n = g.len() as f64;
        let at = g.iter().fold((0.0, 0.0), |acc, &i| {
            (acc.0 + xy[i].0 / n, acc.1 + xy[i].1 / n)
        });
        let mut codes: Vec<&str> = g.iter().map(|&i| sites.list[i].code.as_str()).collect();
        codes.dedup();
        let codes = codes.join(" · ");
        let second = match letter(g) {
            Some(l) => format!("{} places: see detail {l}", g.len()),
            None => sites.list[g[0]].name.clone(),
        };
        if let Some(l) = letter(g) {
            let r = g
                .iter()
                .map(|&i| (xy[i].0 - at.0).hypot(xy[i].1 - at.1))
                .fold(0.0, f64::max)
                + 12.0;
            w!(
                out,
                r#"<circle class="detailring" cx="{:.1}" cy="{:.1}" r="{r:.1}"><title>Detail {l} below</title></circle>"#,
                at.0,
                at.1
            );
        }
        label(
            &mut out,
            &main,
            &mut taken,
            at,
            &[("sitecode", &codes), ("sitename", &second)],
        );
    }
    out.push_str("</svg><figcaption>Equirectangular projection");
    if main.shift {
        out.push_str(", centred on the Pacific");
    }
    out.push_str(". Dot size: boxes with a record made there; hollow grey: no record made there. Arrow width: boxes that went along the route; dashed: the origin the handing-over party declared; dotted: samples sent away.</figcaption></figure>");

    for g in &details {
        let Some(l) = letter(g) else { continue };
        let pts: Vec<(f64, f64)> = g.iter().map(|&i| points[i]).collect();
        let p = Projection::fit(&pts, INSET, 2.2, 0.05);
        let busiest = g
            .iter()
            .max_by_key(|&&i| sites.list[i].records)
            .map_or("", |&i| sites.list[i].name.as_str());
        w!(out, r#"<figure class="inset">"#);
        svg_open(&mut out, INSET, &format!("Detail {l}: around {busiest}"));
        graticule(&mut out, &p);
        let mut taken = Taken::default();
        legs(&mut out, &p, &mut taken, sites, g, |_, _| true);
        for &i in g.iter() {
            dot(&mut out, &p, &mut taken, &sites.list[i], max_boxes);
        }
        for &i in g.iter() {
            let s = &sites.list[i];
            label(
                &mut out,
                &p,
                &mut taken,
                p.xy(s.lat, s.lon),
                &[("sitecode", &s.code), ("sitename", &s.name)],
            );
        }
        w!(
            out,
            "</svg><figcaption>Detail {l}: around {}</figcaption></figure>",
            Esc(busiest)
        );
    }
    out.push_str("</div>");
    tables(&mut out, sites);
    out.push_str("</section>");
    out
}

fn tables(out: &mut String, sites: &Sites) {
    out.push_str(r#"<div class="tables"><table class="legs"><caption>Routes</caption><thead><tr><th scope="col">from</th><th scope="col">to</th><th scope="col" class="n">boxes</th><th scope="col">when</th></tr></thead><tbody>"#);
    if sites.legs.is_empty() {
        out.push_str(r#"<tr><td colspan="4">No box moved between places.</td></tr>"#);
    }
    for leg in &sites.legs {
        let (a, b) = (&sites.list[leg.from], &sites.list[leg.to]);
        let what = match leg.kind {
            LegKind::Moved => count(leg.count),
            LegKind::Declared => format!("{} (declared origin)", count(leg.count)),
            LegKind::Samples => plural(leg.count, "sample", "samples"),
        };
        let when = leg
            .span
            .map_or_else(String::new, |(x, y)| words::days(x, y));
        w!(
            out,
            r#"<tr><td>{}</td><td>{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            Esc(&a.name),
            Esc(&b.name),
            Esc(&what),
            Esc(&when)
        );
    }
    out.push_str(r#"</tbody></table><table class="placelist"><caption>Places</caption><thead><tr><th scope="col">place</th><th scope="col">code</th><th scope="col">position</th><th scope="col" class="n">boxes</th><th scope="col" class="n">records</th><th scope="col">first – last record</th></tr></thead><tbody>"#);
    for s in &sites.list {
        let when = s
            .span
            .map_or_else(|| "no record".to_string(), |(a, b)| words::days(a, b));
        w!(
            out,
            r#"<tr><td><span class="swatch" style="background:{}"></span>{}</td><td>{}</td><td>{:.4}, {:.4}</td><td class="n">{}</td><td class="n">{}</td><td>{}</td></tr>"#,
            colour(s),
            Esc(&s.name),
            Esc(&s.code),
            s.lat,
            s.lon,
            count(s.boxes),
            count(s.records),
            Esc(&when)
        );
    }
    out.push_str("</tbody></table></div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_span_across_the_pacific_is_shifted() {
        // Osan and Hickam: west of Greenwich counted from 180 to 360.
        let p = Projection::fit(&[(37.09, 127.03), (21.32, -157.92)], MAIN, 1.5, 10.0);
        assert!(p.shift);
        let (osan, hickam) = (p.xy(37.09, 127.03), p.xy(21.32, -157.92));
        assert!(
            osan.0 < hickam.0,
            "Hickam east of Osan: {osan:?} {hickam:?}"
        );
        assert!(osan.1 < hickam.1, "Osan north of Hickam");
        for (x, y) in [osan, hickam] {
            assert!((0.0..=MAIN.0).contains(&x) && (0.0..=MAIN.1).contains(&y));
        }
        // Europe and the US are not shifted.
        let p = Projection::fit(&[(50.0, 8.0), (39.0, -77.0)], MAIN, 1.5, 10.0);
        assert!(!p.shift);
    }

    #[test]
    fn labels_of_longitudes_after_the_shift() {
        assert_eq!(lon_label(202.0, 0), "158°W");
        assert_eq!(lon_label(180.0, 0), "180°");
        assert_eq!(lon_label(127.0, 0), "127°E");
        assert_eq!(lon_label(202.06, 2), "157.94°W");
        assert_eq!(lat_label(-20.0, 0), "20°S");
        assert_eq!(lat_label(0.0, 1), "0.0°");
        assert_eq!(lat_label(37.5, 1), "37.5°N");
    }

    #[test]
    fn close_points_are_grouped() {
        let g = groups(&[(0.0, 0.0), (10.0, 0.0), (500.0, 0.0), (20.0, 0.0)]);
        assert_eq!(g, vec![vec![0, 1, 3], vec![2]]);
    }
}
