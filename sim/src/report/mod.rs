//! The custody report: one self-contained HTML page (inline style, SVG and a small script, no
//! network) showing the custody of every box of a run over time and place.
//!
//! It reads what `remtag-sim run` wrote (see [`crate::scenario::output`]): `run.json` for the
//! scenario, the directory and the list of tags, and each tag's `.log.json` and `.verify.json`.
//! The page has four parts:
//!
//! - a header with the run's verdict and its numbers: tags, records, checkpoints verified, logs
//!   intact, damage found, tampering detected, power cuts;
//! - a map of the places with the routes boxes took and how many went along each;
//! - a timeline with a row per tag: the journey in days, then the years that followed, with a
//!   mark for every record, hand-over, checkpoint, sample, link, identification and correction,
//!   and for damage, tampering and power cuts; above the rows, the sums over every tag;
//! - a table of every tag with a finding.
//!
//! Runs of thousands of tags stay readable and small: their rows are shown in full for the tags
//! where something went wrong or was done and for the first of the others, while the sums, the
//! map and the table of findings cover every tag.

pub mod html;
pub mod input;
pub mod map;
pub mod sentences;
pub mod sites;
pub mod summary;
pub mod symbols;
pub mod tag;
pub mod timeline;
pub mod words;

use std::path::Path;

use rayon::prelude::*;

use self::input::RunJson;
use self::sites::Sites;
use self::tag::Tag;

/// At most this many tags get a row of their own.
pub const MAX_ROWS: usize = 250;

/// A run's files, read.
pub struct Run {
    /// `run.json`.
    pub run: RunJson,
    /// Every tag, in the order of `run.json`.
    pub tags: Vec<Tag>,
    /// The places and routes.
    pub sites: Sites,
}

/// Reads the run in `dir`.
pub fn load(dir: &Path) -> Result<Run, String> {
    let run = input::run_file(dir)?;
    let mut tags = run
        .tags
        .par_iter()
        .map(|summary| input::tag_files_of(dir, summary).map(|files| Tag::new(summary, files)))
        .collect::<Result<Vec<Tag>, String>>()?;
    let mut sites = Sites::new(&run.directory);
    sites.visit(&run.directory, &mut tags);
    Ok(Run { run, tags, sites })
}

/// The page for `run`.
pub fn render(run: &Run) -> String {
    let sums = summary::Sums::new(&run.tags);
    let axis = timeline::axis::Axis::new(&run.tags);
    let rows = timeline::selection::shown(&run.tags, MAX_ROWS);
    let mut body = String::new();
    body.push_str(symbols::defs());
    body.push_str(r#"<main>"#);
    body.push_str(&summary::header(&run.run, &sums));
    body.push_str(&map::section(&run.sites));
    body.push_str(&timeline::section(
        &axis,
        &run.run.directory,
        &run.sites,
        &run.tags,
        &rows,
    ));
    body.push_str(&summary::findings(&run.tags, &rows));
    body.push_str(
        r#"<footer>Every mark has a title: hover it, or open "Records in words" under a row. Times are those the tags recorded, at the offset they gave; events the scenario caused are in UTC.</footer></main>"#,
    );
    let title = if run.run.title.is_empty() {
        format!("Custody report: {}", run.run.scenario)
    } else {
        format!("Custody report: {}", run.run.title)
    };
    html::page(&title, &body)
}

/// Reads the run in `dir` and writes its report to `out`; returns the page's size in bytes.
pub fn write(dir: &Path, out: &Path) -> Result<usize, String> {
    let page = render(&load(dir)?);
    std::fs::write(out, &page).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    Ok(page.len())
}
