//! From the file as written to a checked [`Scenario`]: names resolved, words turned into the
//! model's values, expressions parsed, each mistake named by line and column.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use remtag::model::*;
use serde::de::DeserializeOwned;
use toml::Spanned;

use super::expr::{self, Expr, Selector, Template};
use super::file::{self, ActionDef, File, Kind, NumDef};
use super::{
    BodyTemplate, ClaimTemplate, CustodyTemplate, Group, LabelTemplate, Located, Memory, Num,
    ObservationTemplate, Scenario, Session, Step, StepAction, TamperHow, position,
};
use crate::directory::{Directory, Party, Place};
use crate::keys::{KeysFile, demo_keypair};
use crate::peripherals::Route;

/// The first instant a tag can record: 2000-01-01T00:00:00Z.
const EPOCH: i64 = UtcSeconds::UNIX_OFFSET;

struct Ctx<'a> {
    text: &'a str,
    source: &'a str,
    places: BTreeMap<String, (PlaceRef, TzOffset)>,
    parties: BTreeMap<String, (PartyRef, Option<KeyId>)>,
}

type Res<T> = Result<T, String>;

impl Ctx<'_> {
    fn at(&self, span: Range<usize>) -> String {
        position(self.source, self.text, span)
    }

    fn err<T>(&self, span: Range<usize>, message: impl std::fmt::Display) -> Res<T> {
        Err(format!("{}: {message}", self.at(span)))
    }

    fn time(&self, s: &Spanned<String>) -> Res<i64> {
        let t = match chrono::DateTime::parse_from_rfc3339(s.get_ref()) {
            Ok(t) => t.timestamp(),
            Err(e) => {
                return self.err(
                    s.span(),
                    format!("`{}` is not an RFC 3339 time: {e}", s.get_ref()),
                );
            }
        };
        if t < EPOCH || UtcSeconds::from_unix(t).is_none() {
            return self.err(s.span(), "tags keep time from 2000 to 2136 only");
        }
        Ok(t)
    }

    fn duration(&self, s: &Option<Spanned<String>>) -> Res<i64> {
        match s {
            None => Ok(0),
            Some(s) => expr::duration(s.get_ref()).or_else(|e| self.err(s.span(), e)),
        }
    }

    fn party(&self, s: &Spanned<String>) -> Res<PartyRef> {
        self.party_keyed(s).map(|(p, _)| p)
    }

    fn party_keyed(&self, s: &Spanned<String>) -> Res<(PartyRef, Option<KeyId>)> {
        match self.parties.get(s.get_ref()) {
            Some(p) => Ok(*p),
            None => self.err(
                s.span(),
                format!(
                    "no party `{}` (the parties are: {})",
                    s.get_ref(),
                    self.parties.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }

    /// The key a party signs with.
    fn signer(&self, s: &Spanned<String>) -> Res<KeyId> {
        match self.party_keyed(s)? {
            (_, Some(key)) => Ok(key),
            (_, None) => self.err(s.span(), format!("party `{}` holds no key", s.get_ref())),
        }
    }

    fn place(&self, s: &Spanned<String>) -> Res<(PlaceRef, TzOffset)> {
        match self.places.get(s.get_ref()) {
            Some(p) => Ok(*p),
            None => self.err(
                s.span(),
                format!(
                    "no place `{}` (the places are: {})",
                    s.get_ref(),
                    self.places.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }

    /// The span of byte `at` of string `value`, whose TOML string is at `span`. Offsets in the
    /// value are offsets in the file when the file holds it as written between one pair of
    /// quotes; a multi-line string or an escape moves them, and then the string's start is
    /// named.
    fn within(&self, span: Range<usize>, value: &str, at: usize) -> Range<usize> {
        let written = self.text.get(span.clone()).unwrap_or_default();
        let inner = written.get(1..written.len().saturating_sub(1));
        if written.len() == value.len() + 2 && inner == Some(value) {
            let at = span.start + 1 + at;
            at..at
        } else {
            span
        }
    }

    fn num(&self, n: &file::Num) -> Res<Num> {
        let value = match n.get_ref() {
            NumDef::Int(v) => Expr::Number(*v),
            NumDef::Expr(text) => match Expr::parse(text) {
                Ok(e) => e,
                Err(e) => return self.err(self.within(n.span(), text, e.at), e),
            },
        };
        Ok(Located {
            value,
            at: self.at(n.span()),
        })
    }

    fn template(&self, s: &Spanned<String>) -> Res<Located<Template>> {
        match Template::parse(s.get_ref()) {
            Ok(value) => Ok(Located {
                value,
                at: self.at(s.span()),
            }),
            Err(e) => self.err(self.within(s.span(), s.get_ref(), e.at), e),
        }
    }

    /// A model enum from its snake_case word: `in_transit` for `InTransit`.
    fn word<T: DeserializeOwned>(&self, s: &Spanned<String>, what: &str) -> Res<T> {
        let pascal: String = s
            .get_ref()
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let de = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&pascal);
        T::deserialize(de).or_else(|e: serde::de::value::Error| {
            let known = e
                .to_string()
                .split_once("expected one of ")
                .map(|(_, list)| snake_words(list))
                .unwrap_or_default();
            self.err(
                s.span(),
                format!("`{}` is not a {what} (one of: {known})", s.get_ref()),
            )
        })
    }

    /// A CBV 2.0 code: a business step or a disposition.
    fn cbv<T>(&self, s: &Spanned<String>, from_code: fn(&str) -> Option<T>, what: &str) -> Res<T> {
        match from_code(s.get_ref()) {
            Some(value) => Ok(value),
            None => self.err(s.span(), format!("`{}` is not a CBV {what}", s.get_ref())),
        }
    }

    fn evidence(&self, words: &[Spanned<String>]) -> Res<Evidence> {
        let mut set = Evidence::default();
        let plain = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        };
        for w in words {
            let kind = Evidence::NAMES
                .iter()
                .find(|(_, name)| plain(name) == plain(w.get_ref()));
            match kind {
                Some((e, _)) => set = set.with(*e),
                None => {
                    return self.err(
                        w.span(),
                        format!(
                            "`{}` is not evidence (one of: mtdna, str, dental, chest_xray, \
                             isotope, anthropology, artifact)",
                            w.get_ref()
                        ),
                    );
                }
            }
        }
        Ok(set)
    }

    fn custody(&self, c: &file::CustodyDef) -> Res<CustodyTemplate> {
        let seal_state = match &c.seal_state {
            Some(s) => Some(self.word::<SealState>(s, "seal state")?),
            None => None,
        };
        let seal = match (&c.seal, seal_state) {
            (Some(n), Some(state)) => Some((self.num(n)?, state)),
            (None, None) => None,
            (Some(n), None) => return self.err(n.span(), "a seal needs `seal_state`"),
            (None, Some(_)) => {
                return self.err(c.step.span(), "`seal_state` needs a `seal` number");
            }
        };
        Ok(CustodyTemplate {
            custody: Custody {
                step: self.cbv(&c.step, BizStep::from_code, "business step")?,
                disposition: self.cbv(&c.disposition, Disposition::from_code, "disposition")?,
                from: self.party(&c.from)?,
                to: self.party(&c.to)?,
                seal: None,
                condition: match &c.condition {
                    Some(s) => self.word(s, "condition")?,
                    None => Condition::Good,
                },
            },
            seal,
        })
    }
}

/// `Cranium`, `Mandible` as `cranium, mandible`.
fn snake_words(list: &str) -> String {
    list.split(',')
        .map(|w| {
            let w = w.trim().trim_matches('`');
            let mut out = String::new();
            for (i, c) in w.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn tz(ctx: &Ctx<'_>, s: &Spanned<String>) -> Res<TzOffset> {
    let text = s.get_ref();
    let parsed = (|| {
        let sign = match text.get(..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        let (h, m) = text.get(1..)?.split_once(':')?;
        let minutes = h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?;
        if minutes % 15 != 0 {
            return None;
        }
        TzOffset::from_quarter_hours(i8::try_from(sign * minutes / 15).ok()?)
    })();
    parsed.map_or_else(
        || {
            ctx.err(
                s.span(),
                format!("`{text}` is not an offset from -12:00 to +14:00 in quarter hours"),
            )
        },
        Ok,
    )
}

pub(super) fn resolve(file: File, text: &str, source: &str) -> Res<Scenario> {
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

fn group(ctx: &Ctx<'_>, g: &Spanned<file::GroupDef>, has_route: bool) -> Res<Group> {
    let def = g.get_ref();
    if def.group.is_empty()
        || !def
            .group
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
    {
        return ctx.err(
            g.span(),
            format!("group `{}`: a name of letters, digits and `-`", def.group),
        );
    }
    let count = usize::try_from(*def.count.get_ref())
        .ok()
        .filter(|c| *c > 0)
        .map_or_else(|| ctx.err(def.count.span(), "at least one tag"), Ok)?;
    let memory = match def.memory.as_ref().map(|m| m.get_ref().as_str()) {
        None | Some("eeprom") => Memory::Eeprom,
        Some("nor-flash") => {
            let kib = def.memory_kib.as_ref().map_or(64, |k| *k.get_ref());
            // An image's size tells its memory: 32 KiB is read as a 24LC256.
            if kib < 12 || kib % 4 != 0 || kib > 16 * 1024 || kib == 32 {
                let span = def.memory_kib.as_ref().map_or(g.span(), |k| k.span());
                return ctx.err(
                    span,
                    "NOR flash of 12 KiB to 16 MiB in 4 KiB sectors, but not 32 KiB \
                     (an image of that size is read as a 24LC256 EEPROM)",
                );
            }
            Memory::NorFlash(kib as usize * 1024)
        }
        Some(other) => {
            let span = def.memory.as_ref().map_or(g.span(), |m| m.span());
            return ctx.err(span, format!("memory `{other}`: `eeprom` or `nor-flash`"));
        }
    };
    let mut labels = Vec::new();
    for l in &def.labels {
        let d = l.get_ref();
        let label = match (&d.box_number, &d.k208, &d.dvi, &d.accession) {
            (Some(n), None, None, None) => LabelTemplate::BoxNumber(ctx.num(n)?),
            (None, Some(n), None, None) => LabelTemplate::K208(ctx.num(n)?),
            (None, None, Some(n), None) => LabelTemplate::Dvi(ctx.num(n)?),
            (None, None, None, Some(n)) => LabelTemplate::Accession(ctx.num(n)?),
            _ => {
                return ctx.err(
                    l.span(),
                    "a label is one of box_number, k208, dvi, accession",
                );
            }
        };
        labels.push(label);
    }
    let mut claims = Vec::new();
    for c in &def.claims {
        let d = c.get_ref();
        let by = ctx.party(&d.by)?;
        let claim = match (&d.recovery_area, &d.individual_count, &d.recovery_year) {
            (Some(p), None, None) => ClaimTemplate::Area(by, ctx.place(p)?.0),
            (None, Some(n), None) => ClaimTemplate::Count(by, ctx.num(n)?),
            (None, None, Some(n)) => ClaimTemplate::Year(by, ctx.num(n)?),
            _ => {
                return ctx.err(
                    c.span(),
                    "a claim states one of recovery_area, individual_count, recovery_year",
                );
            }
        };
        claims.push(claim);
    }
    if labels.len() > 3 || claims.len() > 2 {
        return ctx.err(g.span(), "a tag holds at most 3 labels and 2 claims");
    }
    Ok(Group {
        name: def.group.clone(),
        count,
        scalable: def.scalable,
        memory,
        gnss: def.gnss.unwrap_or(has_route),
        epc: ctx.template(&def.epc)?,
        container: ctx.word(&def.container, "container kind")?,
        labels,
        claims,
        issuer: ctx.party(&def.issuer)?,
    })
}

/// Which fields each kind of action takes.
fn check_fields(ctx: &Ctx<'_>, a: &Spanned<ActionDef>) -> Res<()> {
    let d = a.get_ref();
    let bodies = [
        d.custody.is_some(),
        d.inspect.is_some(),
        d.sample.is_some(),
        d.link.is_some(),
        d.identification.is_some(),
        d.correction.is_some(),
        d.aggregate.is_some(),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    let present = [
        ("by", d.by.is_some()),
        ("place", d.place.is_some()),
        ("time", d.time.is_some()),
        ("a record body", bodies > 0),
        ("releasing", d.releasing.is_some()),
        ("receiving", d.receiving.is_some()),
        ("signers", d.signers.is_some()),
        ("steps", d.steps.is_some()),
        ("records", d.records.is_some()),
        ("how", d.how.is_some()),
        ("id", d.id.is_some()),
    ];
    let allowed: &[&str] = match d.kind {
        Kind::Commission => &["by", "place", "time"],
        Kind::Press => &["by", "a record body", "id"],
        Kind::Record => &["by", "place", "time", "a record body", "id"],
        Kind::Handover => &["by", "releasing", "receiving"],
        Kind::Checkpoint => &["by", "signers"],
        Kind::PowerCut => &["steps"],
        Kind::BitRot => &["records"],
        Kind::Tamper => &["how"],
    };
    if let Some((name, _)) = present
        .iter()
        .find(|(name, set)| *set && !allowed.contains(name))
    {
        return ctx.err(
            a.span(),
            format!("`do = \"{}\"` takes no {name}", kind_name(d.kind)),
        );
    }
    let needs: &[(&str, bool)] = match d.kind {
        Kind::Commission => &[("by", d.by.is_some())],
        Kind::Press => &[("by", d.by.is_some()), ("custody", d.custody.is_some())],
        Kind::Record => &[("by", d.by.is_some()), ("a record body", bodies == 1)],
        Kind::Handover => &[
            ("releasing", d.releasing.is_some()),
            ("receiving", d.receiving.is_some()),
        ],
        Kind::Checkpoint => &[("signers", d.signers.as_ref().is_some_and(|s| !s.is_empty()))],
        Kind::Tamper => &[("how", d.how.is_some())],
        Kind::PowerCut | Kind::BitRot => &[],
    };
    if let Some((name, _)) = needs.iter().find(|(_, ok)| !ok) {
        return ctx.err(
            a.span(),
            format!("`do = \"{}\"` needs {name}", kind_name(d.kind)),
        );
    }
    if d.kind == Kind::Press && bodies > 1 {
        return ctx.err(a.span(), "a press records a custody step only");
    }
    Ok(())
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Commission => "commission",
        Kind::Press => "press",
        Kind::Record => "record",
        Kind::Handover => "handover",
        Kind::Checkpoint => "checkpoint",
        Kind::PowerCut => "power_cut",
        Kind::BitRot => "bit_rot",
        Kind::Tamper => "tamper",
    }
}

fn session(ctx: &Ctx<'_>, d: &ActionDef, by: &Spanned<String>) -> Res<Session> {
    let (location, tz) = match &d.place {
        Some(p) => {
            let (place, tz) = ctx.place(p)?;
            (Location::Place(place), tz)
        }
        None => (Location::Unknown, TzOffset::UTC),
    };
    Ok(Session {
        by: ctx.party(by)?,
        location,
        tz,
        quality: match &d.time {
            Some(t) => ctx.word(t, "time quality")?,
            None => TimeQuality::Network,
        },
    })
}

fn step(ctx: &Ctx<'_>, a: &Spanned<ActionDef>, groups: &[&str]) -> Res<Step> {
    check_fields(ctx, a)?;
    let d = a.get_ref();
    let selector = match &d.tags {
        Some(s) => Selector::parse(s.get_ref(), groups).or_else(|e| ctx.err(s.span(), e))?,
        None => Selector::parse("all", groups)?,
    };
    let chance = match &d.chance {
        Some(c) if !(0.0..=1.0).contains(c.get_ref()) => {
            return ctx.err(c.span(), "a chance from 0 to 1");
        }
        c => c.as_ref().map(|c| *c.get_ref()),
    };
    // `check_fields` made sure that what each kind needs is there.
    fn need<'f>(
        ctx: &Ctx<'_>,
        span: Range<usize>,
        field: &'f Option<Spanned<String>>,
    ) -> Res<&'f Spanned<String>> {
        field
            .as_ref()
            .map_or_else(|| ctx.err(span, "a field is missing"), Ok)
    }
    let need = |field| need(ctx, a.span(), field);
    let action = match d.kind {
        Kind::Commission => StepAction::Commission(session(ctx, d, need(&d.by)?)?),
        Kind::Press => {
            let custody = d
                .custody
                .as_ref()
                .map_or_else(|| ctx.err(a.span(), "a press needs custody"), Ok)?;
            StepAction::Press(ctx.party(need(&d.by)?)?, ctx.custody(custody)?)
        }
        Kind::Record => StepAction::Record(session(ctx, d, need(&d.by)?)?, body(ctx, a)?),
        Kind::Handover => {
            let (releasing, receiving) = (need(&d.releasing)?, need(&d.receiving)?);
            let by = d.by.as_ref().unwrap_or(receiving);
            StepAction::Checkpoint(
                session(ctx, d, by)?,
                vec![
                    (ctx.signer(releasing)?, SignerRole::Releasing),
                    (ctx.signer(receiving)?, SignerRole::Receiving),
                ],
            )
        }
        Kind::Checkpoint => {
            let signers = d.signers.as_deref().unwrap_or_default();
            if signers.len() > 2 {
                return ctx.err(a.span(), "a checkpoint holds at most two signatures");
            }
            let mut keys = Vec::new();
            for s in signers {
                keys.push((ctx.signer(s)?, SignerRole::Custodian));
            }
            let first = signers
                .first()
                .map_or_else(|| ctx.err(a.span(), "no signer"), Ok)?;
            StepAction::Checkpoint(session(ctx, d, d.by.as_ref().unwrap_or(first))?, keys)
        }
        Kind::PowerCut => StepAction::PowerCut(d.steps.as_ref().map(|s| ctx.num(s)).transpose()?),
        Kind::BitRot => StepAction::BitRot(match &d.records {
            Some(r) => ctx.num(r)?,
            None => Located {
                value: Expr::Number(1),
                at: ctx.at(a.span()),
            },
        }),
        Kind::Tamper => {
            let how = need(&d.how)?;
            StepAction::Tamper(match how.get_ref().as_str() {
                "alter" => TamperHow::Alter,
                "delete" => TamperHow::Delete,
                "swap" => TamperHow::Swap,
                other => {
                    return ctx.err(
                        how.span(),
                        format!("`{other}`: tampering is `alter`, `delete` or `swap`"),
                    );
                }
            })
        }
    };
    Ok(Step {
        at: ctx.time(&d.at)?,
        pos: ctx.at(a.span()),
        selector,
        chance,
        repeat: d.repeat.as_ref().map(|r| ctx.num(r)).transpose()?,
        every: ctx.duration(&d.every)?,
        stagger: ctx.duration(&d.stagger)?,
        jitter: ctx.duration(&d.jitter)?,
        id: d.id.clone(),
        action,
    })
}

fn body(ctx: &Ctx<'_>, a: &Spanned<ActionDef>) -> Res<BodyTemplate> {
    let d = a.get_ref();
    if let Some(c) = &d.custody {
        return Ok(BodyTemplate::Custody(ctx.custody(c)?));
    }
    if let Some(i) = &d.inspect {
        let mut observations = Vec::new();
        let nums = [
            (
                &i.element_count,
                ObservationTemplate::ElementCount as fn(Num) -> _,
            ),
            (
                &i.minimum_individuals,
                ObservationTemplate::MinimumIndividuals,
            ),
            (&i.temperature_mc, ObservationTemplate::Temperature),
            (&i.humidity, ObservationTemplate::Humidity),
            (&i.shock, ObservationTemplate::Shock),
        ];
        for (field, make) in nums {
            if let Some(n) = field {
                observations.push(make(ctx.num(n)?));
            }
        }
        if let Some(h) = &i.human {
            observations.push(ObservationTemplate::Human(ctx.word(h, "likelihood")?));
        }
        if let Some(h) = &i.us_service_member {
            observations.push(ObservationTemplate::UsServiceMember(
                ctx.word(h, "likelihood")?,
            ));
        }
        if i.photo {
            observations.push(ObservationTemplate::Photo);
        }
        if observations.len() > 4 {
            return ctx.err(a.span(), "an inspection records at most 4 observations");
        }
        return Ok(BodyTemplate::Inspect {
            kind: ctx.word(&i.kind, "kind of inspection")?,
            observations,
        });
    }
    if let Some(s) = &d.sample {
        return Ok(BodyTemplate::Sample {
            label: ctx.num(&s.label)?,
            sample: Sample {
                sample: SampleId::Label(0),
                element: ctx.word(&s.element, "bone element")?,
                side: ctx.word(&s.side, "side")?,
                kind: ctx.word(&s.kind, "kind of sample")?,
                destination: ctx.party(&s.destination)?,
            },
        });
    }
    if let Some(l) = &d.link {
        return Ok(BodyTemplate::Link {
            link: Link {
                subject: Reference {
                    kind: ctx.word(&l.subject_kind, "kind of subject")?,
                    number: 0,
                },
                relation: ctx.word(&l.relation, "relation")?,
                basis: ctx.evidence(&l.basis)?,
                confidence: Confidence::MAX,
                supersedes: None,
            },
            subject: ctx.num(&l.subject)?,
            confidence: ctx.num(&l.confidence)?,
            supersedes: l.supersedes.as_ref().map(|s| s.get_ref().clone()),
        });
    }
    if let Some(i) = &d.identification {
        return Ok(BodyTemplate::Identification {
            identification: Identification {
                subject: Reference {
                    kind: ReferenceKind::Individual,
                    number: 0,
                },
                status: ctx.word(&i.status, "identification status")?,
                methods: ctx.evidence(&i.methods)?,
                report: Digest::default(),
                authority: ctx.party(&i.authority)?,
            },
            subject: ctx.num(&i.subject)?,
        });
    }
    if let Some(c) = &d.correction {
        if c.corrects.is_empty() || c.corrects.len() > 4 {
            return ctx.err(a.span(), "a correction names 1 to 4 records");
        }
        return Ok(BodyTemplate::Correction {
            corrects: c.corrects.iter().map(|s| s.get_ref().clone()).collect(),
            reason: ctx.word(&c.reason, "reason")?,
            replaced_by: c.replaced_by.as_ref().map(|s| s.get_ref().clone()),
        });
    }
    if let Some(g) = &d.aggregate {
        return Ok(BodyTemplate::Aggregate {
            action: ctx.word(&g.action, "aggregate action")?,
            parent: ctx.template(&g.parent)?,
        });
    }
    ctx.err(a.span(), "a record needs a body")
}

/// Every `supersedes`, `corrects` and `replaced_by` names an action's `id`.
fn check_references(ctx: &Ctx<'_>, file: &File, ids: &BTreeSet<String>) -> Res<()> {
    for a in &file.timeline {
        let d = a.get_ref();
        let mut refs: Vec<&Spanned<String>> = Vec::new();
        if let Some(l) = &d.link {
            refs.extend(&l.supersedes);
        }
        if let Some(c) = &d.correction {
            refs.extend(&c.corrects);
            refs.extend(&c.replaced_by);
        }
        for r in refs {
            if !ids.contains(r.get_ref()) {
                return ctx.err(r.span(), format!("no action has the id `{}`", r.get_ref()));
            }
        }
    }
    Ok(())
}
