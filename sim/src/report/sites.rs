//! The places boxes were at, and the routes between them.
//!
//! A record names a place of the directory, or gives a position (a GNSS fix), or says nothing.
//! A position within a few kilometres of a registered place is that place; another position
//! becomes a site of its own. A box's route is the sequence of sites its records were made at;
//! a leg is one step of it, counted once per box.

use std::collections::{BTreeMap, HashSet};

use super::input::DirectoryJson;
use super::tag::{Loc, Tag, What};
use super::words::When;

/// How far, in degrees, a position may be from a registered place and still be that place.
const SAME_PLACE_DEGREES: f64 = 0.25;
/// At most this many sites for positions that are not registered places.
const MAX_UNREGISTERED: usize = 40;

/// A place on the map.
#[derive(Clone, Debug, PartialEq)]
pub struct Site {
    /// Its name.
    pub name: String,
    /// Its code.
    pub code: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Its number in the directory, when it is registered.
    pub place: Option<u32>,
    /// Boxes with a record made there.
    pub boxes: u64,
    /// Records made there.
    pub records: u64,
    /// The first and last record made there.
    pub span: Option<(When, When)>,
    /// Its colour's index, by order of first visit; `None` when no record was made there.
    pub colour: Option<usize>,
}

/// What a leg is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LegKind {
    /// Boxes moved from one site to the next.
    Moved,
    /// The party that handed boxes over declared where they were recovered.
    Declared,
    /// Samples sent to a party that is at a registered place of the same name.
    Samples,
}

/// One leg between two sites, with how many boxes (or samples) went along it and when.
#[derive(Clone, Debug, PartialEq)]
pub struct Leg {
    /// From this site.
    pub from: usize,
    /// To this site.
    pub to: usize,
    /// What it is.
    pub kind: LegKind,
    /// Boxes (for samples: samples).
    pub count: u64,
    /// The first and last arrival (for samples: sending).
    pub span: Option<(When, When)>,
}

/// Every site and leg.
#[derive(Clone, Debug, Default)]
pub struct Sites {
    /// The sites: registered places first, in directory order, then other positions.
    pub list: Vec<Site>,
    /// The legs, in the order boxes first went along them.
    pub legs: Vec<Leg>,
}

/// Widens `span` to hold `when`.
pub fn widen(span: &mut Option<(When, When)>, when: Option<When>) {
    if let Some(w) = when {
        *span = Some(span.map_or((w, w), |(a, b)| {
            (if w.0 < a.0 { w } else { a }, if w.0 > b.0 { w } else { b })
        }));
    }
}

impl Sites {
    /// The registered places of `dir` that have a position.
    pub fn new(dir: &DirectoryJson) -> Sites {
        let list = dir
            .places
            .iter()
            .filter_map(|p| {
                let (lat, lon) = p.point?.degrees();
                Some(Site {
                    name: p.name.clone(),
                    code: p.code.clone(),
                    lat,
                    lon,
                    place: Some(p.id),
                    boxes: 0,
                    records: 0,
                    span: None,
                    colour: None,
                })
            })
            .collect();
        Sites {
            list,
            legs: Vec::new(),
        }
    }

    fn registered(&self, id: u32) -> Option<usize> {
        self.list.iter().position(|s| s.place == Some(id))
    }

    /// The site of a location, adding one for a position far from every registered place.
    fn resolve(&mut self, loc: Loc) -> Option<usize> {
        let (lat, lon) = match loc {
            Loc::Unknown => return None,
            Loc::Place(id) => return self.registered(id),
            Loc::Geo { lat, lon } => (lat, lon),
        };
        let distance = |s: &Site| {
            let dlon = (s.lon - lon).abs() % 360.0;
            (s.lat - lat).hypot(dlon.min(360.0 - dlon))
        };
        let nearest = self
            .list
            .iter()
            .enumerate()
            .filter(|(_, s)| s.place.is_some())
            .map(|(i, s)| (i, distance(s)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, d)) = nearest
            && d <= SAME_PLACE_DEGREES
        {
            return Some(i);
        }
        // Positions elsewhere are grouped to a tenth of a degree.
        let (lat, lon) = ((lat * 10.0).round() / 10.0, (lon * 10.0).round() / 10.0);
        if let Some(i) = self
            .list
            .iter()
            .position(|s| s.place.is_none() && s.lat == lat && s.lon == lon)
        {
            return Some(i);
        }
        if self.list.iter().filter(|s| s.place.is_none()).count() >= MAX_UNREGISTERED {
            return None;
        }
        self.list.push(Site {
            name: format!("position {lat:.1}, {lon:.1}"),
            code: format!("{lat:.1},{lon:.1}"),
            lat,
            lon,
            place: None,
            boxes: 0,
            records: 0,
            span: None,
            colour: None,
        });
        Some(self.list.len() - 1)
    }

    /// Resolves the site of every entry of every tag, and counts sites and legs.
    pub fn visit(&mut self, dir: &DirectoryJson, tags: &mut [Tag]) {
        let mut legs: BTreeMap<(usize, usize, LegKind), Leg> = BTreeMap::new();
        let mut colours = 0;
        for tag in tags.iter_mut() {
            let mut seen = HashSet::new();
            let mut path: Vec<usize> = Vec::new();
            let mut moved = HashSet::new();
            for item in tag.items.iter_mut() {
                item.site = self.resolve(item.loc);
                let Some(site) = item.site else { continue };
                let s = &mut self.list[site];
                s.records += 1;
                widen(&mut s.span, item.when());
                if s.colour.is_none() {
                    s.colour = Some(colours);
                    colours += 1;
                }
                if seen.insert(site) {
                    s.boxes += 1;
                }
                if let Some(&last) = path.last()
                    && last != site
                {
                    let leg = leg(&mut legs, last, site, LegKind::Moved);
                    if moved.insert((last, site)) {
                        leg.count += 1;
                    }
                    widen(&mut leg.span, item.when());
                }
                if path.last() != Some(&site) {
                    path.push(site);
                }
            }
            self.declared_and_samples(dir, tag, path.first().copied(), &mut legs);
        }
        let mut legs: Vec<Leg> = legs.into_values().collect();
        // In the order boxes first went along them.
        legs.sort_by_key(|l| (l.span.map(|s| s.0.0), l.kind));
        self.legs = legs;
    }

    /// Legs from declared recovery areas to where the box's log starts, and of samples sent
    /// to a party whose registered place bears its name.
    fn declared_and_samples(
        &mut self,
        dir: &DirectoryJson,
        tag: &Tag,
        start: Option<usize>,
        legs: &mut BTreeMap<(usize, usize, LegKind), Leg>,
    ) {
        for item in &tag.items {
            match &item.what {
                What::Commission { claims, .. } => {
                    for area in claims.iter().filter_map(|c| c.area()) {
                        if let (Some(from), Some(to)) = (self.registered(area), start)
                            && from != to
                        {
                            let leg = leg(legs, from, to, LegKind::Declared);
                            leg.count += 1;
                            widen(&mut leg.span, item.when());
                        }
                    }
                }
                What::Sample { destination, .. } => {
                    let name = dir.party(*destination);
                    let to = self
                        .list
                        .iter()
                        .position(|s| s.place.is_some() && s.name == name);
                    if let (Some(from), Some(to)) = (item.site, to)
                        && from != to
                    {
                        let leg = leg(legs, from, to, LegKind::Samples);
                        leg.count += 1;
                        widen(&mut leg.span, item.when());
                    }
                }
                _ => {}
            }
        }
    }
}

fn leg(
    legs: &mut BTreeMap<(usize, usize, LegKind), Leg>,
    from: usize,
    to: usize,
    kind: LegKind,
) -> &mut Leg {
    legs.entry((from, to, kind)).or_insert(Leg {
        from,
        to,
        kind,
        count: 0,
        span: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::tag::from_json;

    fn record(seq: u32, location: &str, body: &str) -> String {
        format!(
            r#"{{"record": {{"header": {{"seq": {seq}, "time": {{"at": {}, "quality": "Gnss"}}, "location": {location}}}, "body": {body}}}}}"#,
            600_000_000 + seq * 3600
        )
    }

    #[test]
    fn positions_become_places_and_moves_become_legs() {
        let dir: DirectoryJson = serde_json::from_str(
            r#"{"parties": [{"id": 7, "name": "AFDIL"}], "places": [
                {"id": 1, "name": "Kalma", "code": "ZKWS", "point": {"lat_microdeg": 39170000, "lon_microdeg": 127490000}},
                {"id": 2, "name": "Osan", "code": "RKSO", "point": {"lat_microdeg": 37090600, "lon_microdeg": 127030000}},
                {"id": 5, "name": "AFDIL", "code": "KDOV", "point": {"lat_microdeg": 39130000, "lon_microdeg": -75470000}},
                {"id": 7, "name": "Declared area", "code": "KP", "point": {"lat_microdeg": 39950000, "lon_microdeg": 125950000}},
                {"id": 9, "name": "Nowhere", "code": "X"}]}"#,
        )
        .expect("directory");
        let entries = [
            record(
                0,
                r#"{"Place": 1}"#,
                r#"{"Commission": {"claims": [{"by": 2, "statement": {"RecoveryArea": 7}}]}}"#,
            ),
            record(
                1,
                r#"{"Geo": {"lat_microdeg": 39170100, "lon_microdeg": 127490000}}"#,
                r#""Other""#,
            ),
            record(2, r#""Unknown""#, r#""Other""#),
            record(
                3,
                r#"{"Geo": {"lat_microdeg": 37100000, "lon_microdeg": 127040000}}"#,
                r#""Other""#,
            ),
            record(
                4,
                r#"{"Geo": {"lat_microdeg": 30000000, "lon_microdeg": 140000000}}"#,
                r#""Other""#,
            ),
            record(5, r#"{"Place": 2}"#, r#"{"Sample": {"destination": 7}}"#),
        ];
        let log = format!(r#"{{"entries": [{}]}}"#, entries.join(","));
        let mut tags = vec![from_json(&log, "{}"), from_json(&log, "{}")];
        let mut sites = Sites::new(&dir);
        // The place without a position is not drawn.
        assert_eq!(sites.list.len(), 4);
        sites.visit(&dir, &mut tags);
        let site = |i: usize| tags[0].items[i].site.map(|s| sites.list[s].code.as_str());
        assert_eq!(
            (0..6).map(site).collect::<Vec<_>>(),
            [
                Some("ZKWS"),
                Some("ZKWS"),
                None,
                Some("RKSO"),
                Some("30.0,140.0"),
                Some("RKSO")
            ]
        );
        let legs: Vec<(&str, &str, LegKind, u64)> = sites
            .legs
            .iter()
            .map(|l| {
                (
                    sites.list[l.from].code.as_str(),
                    sites.list[l.to].code.as_str(),
                    l.kind,
                    l.count,
                )
            })
            .collect();
        assert_eq!(
            legs,
            [
                ("KP", "ZKWS", LegKind::Declared, 2),
                ("ZKWS", "RKSO", LegKind::Moved, 2),
                ("RKSO", "30.0,140.0", LegKind::Moved, 2),
                ("30.0,140.0", "RKSO", LegKind::Moved, 2),
                ("RKSO", "KDOV", LegKind::Samples, 2),
            ]
        );
        let osan = &sites.list[1];
        assert_eq!((osan.boxes, osan.records), (2, 4));
        assert_eq!(osan.colour, Some(1));
        assert_eq!(sites.list[2].colour, None);
    }
}
