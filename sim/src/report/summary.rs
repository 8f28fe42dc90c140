//! The top of the page (what the run was, and its numbers at a glance) and the table of every
//! tag with a finding.

use super::html::{Esc, count, plural, w};
use super::input::RunJson;
use super::sites::widen;
use super::symbols;
use super::tag::{Mark, Tag, Verdict};
use super::timeline::row::{anchor, badge};
use super::words::{self, When};

/// The sums the header shows, taken from the tags' files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sums {
    /// Tags.
    pub tags: u64,
    /// Records read back.
    pub records: u64,
    /// Checkpoints.
    pub checkpoints: u64,
    /// Of those, checkpoints that verify.
    pub verified: u64,
    /// Logs with no finding.
    pub intact: u64,
    /// Damage the readers reported.
    pub damage_found: u64,
    /// Records in which the run flipped a bit.
    pub damage_injected: u64,
    /// Tags with tampering found.
    pub tampering_found: u64,
    /// Tags an adversary rewrote.
    pub tampered: u64,
    /// Tampered tags where verification found it.
    pub tampered_found: u64,
    /// Power cuts.
    pub power_cuts: u64,
    /// Tags where a check of the run failed.
    pub failed: u64,
    /// The first and last record.
    pub span: Option<(When, When)>,
}

impl Sums {
    /// Adds up `tags`.
    pub fn new(tags: &[Tag]) -> Sums {
        let mut s = Sums::default();
        for t in tags {
            s.tags += 1;
            s.records += u64::from(t.records);
            s.checkpoints += u64::from(t.checkpoints);
            s.verified += u64::from(t.checkpoints_verified);
            s.intact += u64::from(t.verdict == Verdict::Intact);
            s.damage_found += u64::from(t.damage_found);
            s.damage_injected += u64::from(t.damage_injected);
            let tamper_found = t.findings.iter().any(|f| !f.is_damage());
            s.tampering_found += u64::from(tamper_found);
            s.tampered += u64::from(!t.tampered.is_empty());
            s.tampered_found += u64::from(!t.tampered.is_empty() && tamper_found);
            s.power_cuts += u64::from(t.power_cuts);
            s.failed += u64::from(!t.pass || t.error.is_some());
            for item in &t.items {
                widen(&mut s.span, item.when());
            }
        }
        s
    }
}

fn card(out: &mut String, class: &str, value: &str, label: &str, note: &str) {
    w!(
        out,
        r#"<div class="card {class}"><div class="value">{}</div><div class="label">{}</div><div class="cnote">{}</div></div>"#,
        Esc(value),
        Esc(label),
        Esc(note)
    );
}

/// The verdict of the whole run in one sentence.
fn verdict(s: &Sums) -> (&'static str, String) {
    if s.tags == 0 {
        return ("bad", "The run holds no tag.".to_string());
    }
    let all = if s.intact == s.tags {
        (
            "ok",
            format!(
                "Every one of the {} is intact and every checkpoint verifies: no record was removed, reordered or forged.",
                plural(s.tags, "log", "logs")
            ),
        )
    } else {
        let mut parts = Vec::new();
        if s.damage_found > 0 {
            parts.push(format!(
                "damage found in {}",
                plural(s.damage_found, "record", "records")
            ));
        }
        if s.tampering_found > 0 {
            parts.push(format!(
                "tampering found on {}",
                plural(s.tampering_found, "tag", "tags")
            ));
        }
        (
            "warn",
            format!(
                "{} of {} are intact; {}. The table below lists them.",
                count(s.intact),
                plural(s.tags, "log", "logs"),
                parts.join(", ")
            ),
        )
    };
    let injected = s.damage_injected + s.tampered + s.power_cuts;
    if s.failed == 0 && injected > 0 {
        return (
            all.0,
            format!(
                "{} Every fault the scenario caused is accounted for: no acknowledged record was lost to a power cut, every flipped bit was reported and every tampered log fails verification.",
                all.1
            ),
        );
    }
    if s.failed > 0 {
        return (
            "bad",
            format!(
                "{} The run's checks failed on {}: see the table below.",
                all.1,
                plural(s.failed, "tag", "tags")
            ),
        );
    }
    all
}

/// The header: title, what happened, the verdict and the numbers.
pub fn header(run: &RunJson, s: &Sums) -> String {
    let mut out = String::new();
    let title = if run.title.is_empty() {
        &run.scenario
    } else {
        &run.title
    };
    w!(
        out,
        r#"<header><p class="kicker">Chain of custody · remtag</p><h1>{}</h1>"#,
        Esc(title)
    );
    if !run.description.is_empty() {
        w!(
            out,
            r#"<p class="description">{}</p>"#,
            Esc(&run.description)
        );
    }
    let mut facts = vec![format!("scenario {}", run.scenario)];
    if !run.source.is_empty() {
        facts.push(format!("from {}", run.source));
    }
    if let Some(seed) = run.seed {
        facts.push(format!("seed {seed}"));
    }
    if let Some((a, b)) = s.span {
        facts.push(format!("records {}", words::days(a, b)));
    }
    w!(out, r#"<p class="facts">{}</p>"#, Esc(&facts.join(" · ")));
    let (class, sentence) = verdict(s);
    w!(
        out,
        r#"<p class="verdict {class}" role="status">{}</p>"#,
        Esc(&sentence)
    );
    out.push_str(r#"<div class="cards">"#);
    card(&mut out, "", &count(s.tags), "tags", "one per box or case");
    card(
        &mut out,
        "",
        &count(s.records),
        "records",
        "read back from the tags",
    );
    let cp_class = if s.verified == s.checkpoints {
        "ok"
    } else {
        "bad"
    };
    card(
        &mut out,
        cp_class,
        &format!("{} of {}", count(s.verified), count(s.checkpoints)),
        "checkpoints verified",
        "signed by the custodians at each hand-over",
    );
    let intact_class = if s.intact == s.tags { "ok" } else { "warn" };
    card(
        &mut out,
        intact_class,
        &format!("{} of {}", count(s.intact), count(s.tags)),
        "logs intact",
        "nothing removed, reordered or forged",
    );
    let damage_class = if s.damage_found >= s.damage_injected {
        ""
    } else {
        "bad"
    };
    card(
        &mut out,
        damage_class,
        &count(s.damage_found),
        "damaged records found",
        &format!(
            "{} had a bit flipped by the scenario",
            count(s.damage_injected)
        ),
    );
    let tamper_class = if s.tampered_found == s.tampered {
        ""
    } else {
        "bad"
    };
    card(
        &mut out,
        tamper_class,
        &count(s.tampering_found),
        "tags with tampering found",
        &format!(
            "{} of {} rewritten by the scenario's adversary detected",
            count(s.tampered_found),
            count(s.tampered)
        ),
    );
    card(
        &mut out,
        "",
        &count(s.power_cuts),
        "power cuts",
        "no acknowledged record may be lost to one",
    );
    out.push_str(r##"</div><nav><a href="#places">Where the boxes went</a> · <a href="#timeline">Every box over time</a> · <a href="#findings">Tags with findings</a></nav></header>"##);
    out
}

/// At most this many tags in the table of findings.
const MAX_TABLE: usize = 2_000;

/// The table of every tag where verification found something or a check failed.
pub fn findings(tags: &[Tag], shown: &[usize]) -> String {
    let mut out = String::new();
    out.push_str(r#"<section id="findings"><h2>Tags with findings</h2>"#);
    let listed: Vec<usize> = (0..tags.len())
        .filter(|&i| {
            let t = &tags[i];
            t.verdict != Verdict::Intact || !t.pass || t.error.is_some()
        })
        .collect();
    if listed.is_empty() {
        out.push_str(
            r#"<p class="verdict ok">Verification found nothing on any tag.</p></section>"#,
        );
        return out;
    }
    if listed.len() > MAX_TABLE {
        w!(
            out,
            r#"<p class="note">The first {} of {} are listed.</p>"#,
            count(MAX_TABLE as u64),
            plural(listed.len() as u64, "tag", "tags")
        );
    }
    out.push_str(r#"<table class="findings"><thead><tr><th scope="col">tag</th><th scope="col">verdict</th><th scope="col">what verification found</th><th scope="col" class="n">damage found / flipped</th><th scope="col">tampering by the scenario</th><th scope="col" class="n">power cuts</th><th scope="col" class="n">checkpoints verified</th></tr></thead><tbody>"#);
    for &i in listed.iter().take(MAX_TABLE) {
        let t = &tags[i];
        let name = if shown.binary_search(&i).is_ok() {
            format!(r##"<a href="#{}">{}</a>"##, anchor(&t.name), Esc(&t.name))
        } else {
            Esc(&t.name).to_string()
        };
        let mut found: Vec<String> = t
            .findings
            .iter()
            .take(3)
            .map(|f| f.message.clone())
            .collect();
        if t.findings.len() > 3 {
            found.push(format!("and {} more", t.findings.len() - 3));
        }
        if let Some(e) = &t.error {
            found.push(format!("the plan could not be played to the end: {e}"));
        }
        let tampered = if t.tampered.is_empty() {
            "none".to_string()
        } else {
            let detected = t.findings.iter().any(|f| !f.is_damage());
            format!(
                "{}: {}",
                t.tampered.join(", "),
                if detected { "detected" } else { "NOT DETECTED" }
            )
        };
        let damage_icon = if t.damage_found > 0 {
            symbols::icon(Mark::Damage)
        } else {
            String::new()
        };
        w!(
            out,
            r#"<tr><th scope="row">{name}</th><td>{}</td><td>{}</td><td class="n">{damage_icon}{} / {}</td><td>{}</td><td class="n">{}</td><td class="n">{} of {}</td></tr>"#,
            badge(t),
            Esc(&found.join("; ")),
            t.damage_found,
            t.damage_injected,
            Esc(&tampered),
            t.power_cuts,
            t.checkpoints_verified,
            t.checkpoints
        );
    }
    out.push_str("</tbody></table></section>");
    out
}
