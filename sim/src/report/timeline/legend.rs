//! The legend: every shape of mark, and the colours of the band.

use crate::report::html::{Esc, w};
use crate::report::symbols;

/// Appends the legend.
pub fn legend(out: &mut String) {
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
