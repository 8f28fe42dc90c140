//! A group of tags: its name, count, memory, and the template of its tags' commissioning.

use toml::Spanned;

use super::context::{Ctx, Res};
use crate::scenario::file;
use crate::scenario::{ClaimTemplate, Group, LabelTemplate, Memory};

/// A `[[tags]]` group; unless it says otherwise, its tags have a GNSS receiver when the
/// scenario has a route.
pub(super) fn group(ctx: &Ctx<'_>, g: &Spanned<file::GroupDef>, has_route: bool) -> Res<Group> {
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
