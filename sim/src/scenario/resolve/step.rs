//! A step of the timeline: which fields each kind of action takes, who acts where, and what
//! is done; and the checks of the ids steps name.

use std::collections::BTreeSet;
use std::ops::Range;

use remtag::model::{Location, SignerRole, TimeQuality, TzOffset};
use toml::Spanned;

use super::body;
use super::context::{Ctx, Res};
use crate::scenario::expr::{Expr, Selector};
use crate::scenario::file::{ActionDef, File, Kind};
use crate::scenario::{Located, Session, Step, StepAction, TamperHow};

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

/// Who acts, where, at what offset and with what quality of time.
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

/// A `[[timeline]]` action; `groups` are the names of the tag groups.
pub(super) fn step(ctx: &Ctx<'_>, a: &Spanned<ActionDef>, groups: &[&str]) -> Res<Step> {
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
            StepAction::Press(ctx.party(need(&d.by)?)?, body::custody(ctx, custody)?)
        }
        Kind::Record => StepAction::Record(session(ctx, d, need(&d.by)?)?, body::record(ctx, a)?),
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

/// Every `supersedes`, `corrects` and `replaced_by` names an action's `id`.
pub(super) fn check_references(ctx: &Ctx<'_>, file: &File, ids: &BTreeSet<String>) -> Res<()> {
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
