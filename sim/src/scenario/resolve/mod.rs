//! Reading a scenario: from a file or a shipped one, through TOML, to a checked [`Scenario`]:
//! names resolved, words turned into the model's values, expressions parsed, each mistake named
//! by line and column.
//!
//! [`context`] reads each value and names where it goes wrong; [`group`] resolves the groups of
//! tags, [`step`] the timeline's actions, and [`body`] the bodies of the records they make.

mod body;
mod context;
mod group;
mod step;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use remtag::model::{GeoPoint, KeyId, PartyRef, PlaceRef, TzOffset};

use self::context::{Ctx, Res, tz};
use self::group::group;
use self::step::{check_references, step};
use super::file::File;
use super::{Group, SHIPPED, Scenario, position};
use crate::directory::{Directory, Party, Place};
use crate::keys::{KeysFile, demo_keypair};
use crate::peripherals::Route;

impl Scenario {
    /// Reads a scenario: `arg` is a file, or the name of a shipped scenario.
    pub fn load(arg: &str) -> Result<Scenario, String> {
        let path = Path::new(arg);
        if path.is_file() {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            return Scenario::parse(&text, &path.display().to_string());
        }
        let name = arg.strip_suffix(".toml").unwrap_or(arg);
        match SHIPPED.iter().find(|(n, _)| *n == name) {
            Some((name, text)) => Scenario::parse(text, &format!("{name}.toml (shipped)")),
            None => Err(format!(
                "{arg}: no such file, and no shipped scenario of that name (shipped: {})",
                SHIPPED.map(|(n, _)| n).join(", ")
            )),
        }
    }

    /// Reads scenario `text`; `source` names it in messages.
    pub fn parse(text: &str, source: &str) -> Result<Scenario, String> {
        let file: File = toml::from_str(text).map_err(|e| {
            let message = e.message().trim_end().to_string();
            match e.span() {
                Some(span) => format!("{}: {message}", position(source, text, span)),
                None => format!("{source}: {message}"),
            }
        })?;
        resolve(file, text, source)
    }
}

/// Resolves scenario `file`, read from `text`; `source` names it in messages.
fn resolve(file: File, text: &str, source: &str) -> Res<Scenario> {
    let mut ctx = Ctx {
        text,
        source,
        places: BTreeMap::new(),
        parties: BTreeMap::new(),
    };
    let mut directory = Directory::default();
    let mut ids = BTreeSet::new();
    for (key, spanned) in &file.places {
        let p = spanned.get_ref();
        if !ids.insert(p.id) {
            return ctx.err(
                spanned.span(),
                format!("place `{key}`: id {} is used twice", p.id),
            );
        }
        let micro = |deg: f64| (deg * 1e6).round() as i32;
        let Some(point) = GeoPoint::from_microdegrees(micro(p.lat), micro(p.lon)) else {
            return ctx.err(
                spanned.span(),
                format!("place `{key}`: coordinates off the globe"),
            );
        };
        let offset = match &p.tz {
            Some(s) => tz(&ctx, s)?,
            None => TzOffset::UTC,
        };
        ctx.places.insert(key.clone(), (PlaceRef(p.id), offset));
        directory.places.push(Place {
            id: PlaceRef(p.id),
            name: p.name.clone(),
            code: p.code.clone(),
            point,
        });
    }

    let start = match &file.scenario.start {
        Some(s) => ctx.time(s)?,
        None => {
            let mut first = None;
            for a in &file.timeline {
                let t = ctx.time(&a.get_ref().at)?;
                first = Some(first.map_or(t, |f: i64| f.min(t)));
            }
            first.ok_or(format!("{source}: the timeline is empty"))?
        }
    };
    let valid_from = match &file.keys.valid_from {
        Some(s) => ctx.time(s)?,
        None => start,
    };
    let valid_until = file
        .keys
        .valid_until
        .as_ref()
        .map(|s| ctx.time(s))
        .transpose()?;
    let instant = |t: i64| chrono::DateTime::from_timestamp(t, 0).unwrap_or_default();

    let mut keys = KeysFile::default();
    let mut keyring = Vec::new();
    let mut party_ids = BTreeSet::new();
    let mut key_ids = BTreeSet::new();
    for (key, spanned) in &file.parties {
        let p = spanned.get_ref();
        if !party_ids.insert(p.id) {
            return ctx.err(
                spanned.span(),
                format!("party `{key}`: id {} is used twice", p.id),
            );
        }
        for k in &p.keys {
            if *k >= 1000 || !key_ids.insert(*k) {
                return ctx.err(
                    spanned.span(),
                    format!("party `{key}`: key {k} is used twice or is not below 1000"),
                );
            }
            let keypair = demo_keypair(KeyId(*k));
            keys.keys.push(KeysFile::entry(
                KeyId(*k),
                PartyRef(p.id),
                &p.name,
                &keypair,
                instant(valid_from),
                valid_until.map(instant),
            ));
            keyring.push((KeyId(*k), keypair));
        }
        ctx.parties.insert(
            key.clone(),
            (PartyRef(p.id), p.keys.first().map(|k| KeyId(*k))),
        );
        directory.parties.push(Party {
            id: PartyRef(p.id),
            name: p.name.clone(),
        });
    }

    let route = if file.route.is_empty() {
        None
    } else {
        let mut route = Route::new();
        for w in &file.route {
            let (place, _) = ctx.place(&w.place)?;
            let point = directory
                .place(place)
                .map(|p| p.point)
                .ok_or(format!("{source}: place {place} vanished"))?;
            route = route.waypoint(ctx.time(&w.at)?, point.lat_microdeg(), point.lon_microdeg());
        }
        for i in &file.no_fix {
            let until = i.until.as_ref().map(|u| ctx.time(u)).transpose()?;
            route = route.fix_loss(ctx.time(&i.from)?, until.unwrap_or(i64::MAX));
        }
        Some(route)
    };

    let mut groups = Vec::new();
    for g in &file.tags {
        groups.push(group(&ctx, g, route.is_some())?);
    }
    let names: Vec<&str> = groups.iter().map(|g: &Group| g.name.as_str()).collect();
    let mut timeline = Vec::new();
    let mut action_ids = BTreeSet::new();
    for a in &file.timeline {
        let step = step(&ctx, a, &names)?;
        if let Some(id) = &step.id
            && !action_ids.insert(id.clone())
        {
            return ctx.err(a.span(), format!("the id `{id}` is used twice"));
        }
        timeline.push(step);
    }
    check_references(&ctx, &file, &action_ids)?;
    Ok(Scenario {
        name: file.scenario.name,
        title: file.scenario.title,
        description: file.scenario.description,
        source: source.to_string(),
        text: text.to_string(),
        start,
        directory,
        keys,
        keyring,
        groups,
        route,
        timeline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::expr;

    #[test]
    fn every_shipped_scenario_reads() {
        for (name, text) in SHIPPED {
            let s = Scenario::parse(text, name).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s.name, name);
            assert!(s.tag_count() > 0);
        }
    }

    #[test]
    fn a_bad_expression_is_named_where_it_goes_wrong_or_where_its_string_starts() {
        let korea = SHIPPED[0].1;
        let seal = "seal = \"180700 + n\"";
        let at = korea.find(seal).expect("a seal");
        let deep = format!("{}n", "-".repeat(expr::MAX_DEPTH + 1));
        // Offsets in a string as written are offsets in the file: the last `-` is named.
        let text = korea.replacen(seal, &format!("seal = '{deep}'"), 1);
        let err = Scenario::parse(&text, "f.toml").unwrap_err();
        let last = at + "seal = '".len() + expr::MAX_DEPTH;
        let named = position("f.toml", &text, last..last);
        assert!(
            err.starts_with(&format!("{named}: the expression nests too deeply")),
            "{named}: {err}"
        );
        // A multi-line string moves them: the string is named.
        let text = korea.replacen(seal, &format!("seal = \"\"\"\n{deep}\"\"\""), 1);
        let err = Scenario::parse(&text, "f.toml").unwrap_err();
        let string = at + "seal = ".len();
        let named = position("f.toml", &text, string..string);
        assert!(err.starts_with(&format!("{named}: ")), "{named}: {err}");
    }

    #[test]
    fn malformed_toml_is_named_by_line_and_column() {
        let err = Scenario::parse("[scenario]\nname = \"x\"\ntitle = \n", "bad.toml").unwrap_err();
        assert!(err.starts_with("bad.toml:3:"), "{err}");
    }
}
