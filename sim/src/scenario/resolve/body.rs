//! The body of a record a step makes: a custody step, an inspection, a sample, a link, an
//! identification, a correction, or a move into or out of a transfer case.

use remtag::model::*;
use toml::Spanned;

use super::context::{Ctx, Res};
use crate::scenario::file::{self, ActionDef};
use crate::scenario::{BodyTemplate, CustodyTemplate, Num, ObservationTemplate};

/// The custody step a `press` or a `record` step makes, with its seal.
pub(super) fn custody(ctx: &Ctx<'_>, c: &file::CustodyDef) -> Res<CustodyTemplate> {
    let seal_state = match &c.seal_state {
        Some(s) => Some(ctx.word::<SealState>(s, "seal state")?),
        None => None,
    };
    let seal = match (&c.seal, seal_state) {
        (Some(n), Some(state)) => Some((ctx.num(n)?, state)),
        (None, None) => None,
        (Some(n), None) => return ctx.err(n.span(), "a seal needs `seal_state`"),
        (None, Some(_)) => {
            return ctx.err(c.step.span(), "`seal_state` needs a `seal` number");
        }
    };
    Ok(CustodyTemplate {
        custody: Custody {
            step: ctx.cbv(&c.step, BizStep::from_code, "business step")?,
            disposition: ctx.cbv(&c.disposition, Disposition::from_code, "disposition")?,
            from: ctx.party(&c.from)?,
            to: ctx.party(&c.to)?,
            seal: None,
            condition: match &c.condition {
                Some(s) => ctx.word(s, "condition")?,
                None => Condition::Good,
            },
        },
        seal,
    })
}

/// The body of the record a `record` step makes.
pub(super) fn record(ctx: &Ctx<'_>, a: &Spanned<ActionDef>) -> Res<BodyTemplate> {
    let d = a.get_ref();
    if let Some(c) = &d.custody {
        return Ok(BodyTemplate::Custody(custody(ctx, c)?));
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
