//! `remtag-sim run`: plays a scenario on simulated tags, in parallel, and writes what they hold.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;

use crate::scenario::output::{self, RunFile, TagSummary, Totals};
use crate::scenario::{Scenario, runner};

/// Arguments of `run`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A scenario file, or the name of a shipped scenario: korea-2018, k208, stress.
    #[arg(default_value = "korea-2018")]
    pub scenario: String,
    /// The folder to write into (default: `out/NAME`, NAME being the scenario's name).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// The seed of every random draw: the same seed gives the same run.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many tags: sets the count of the scenario's scalable tag group.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=10_000_000))]
    pub tags: Option<u64>,
}

/// Runs the scenario; `Err` when it cannot be run or when a check fails.
pub fn run(args: &Args) -> Result<(), String> {
    let mut scenario = Scenario::load(&args.scenario)?;
    if let Some(tags) = args.tags {
        scenario.set_tag_count(tags as usize)?;
    }
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("out").join(&scenario.name));
    output::prepare(&out)?;
    let keys = scenario.keys.trusted()?;
    let total = scenario.tag_count();
    let bar = if std::io::stderr().is_terminal() {
        ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} tags, {elapsed} so far, {eta} left")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = Instant::now();
    let summaries: Vec<Result<TagSummary, String>> = (0..total)
        .into_par_iter()
        .map(|index| {
            let plan = scenario.plan(index, args.seed)?;
            let tag = runner::run(&scenario, plan, &keys);
            let summary = output::write_tag(&out, &tag);
            bar.inc(1);
            summary
        })
        .collect();
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let summaries: Vec<TagSummary> = summaries.into_iter().collect::<Result<_, _>>()?;
    let mut totals = Totals::default();
    summaries.iter().for_each(|s| totals.add(s));
    let records_per_second = totals.records as f64 / elapsed.max(1e-9);
    let start = chrono::DateTime::from_timestamp(scenario.start, 0)
        .map(|t| t.to_rfc3339())
        .unwrap_or_default();
    let run = RunFile {
        scenario: &scenario.name,
        title: &scenario.title,
        description: &scenario.description,
        source: &scenario.source,
        seed: args.seed,
        start,
        directory: &scenario.directory,
        totals: &totals,
        elapsed_s: elapsed,
        records_per_second,
        tags: &summaries,
    };
    output::write_run(&out, &scenario, &run)?;
    print!(
        "{}",
        table(&scenario, args.seed, &totals, elapsed, records_per_second)
    );
    println!("wrote {}", out.display());
    for s in summaries.iter().filter(|s| !s.pass).take(10) {
        let why = s.error.clone().unwrap_or_else(|| {
            let c = &s.checks;
            let mut why = Vec::new();
            if !c.lost.is_empty() {
                why.push(format!("lost {}", c.lost.join(", ")));
            }
            if c.damage_reported < c.damage_injected {
                why.push(format!(
                    "{} of {} flipped bits reported",
                    c.damage_reported, c.damage_injected
                ));
            }
            if !c.tampered.is_empty() && !c.tampering_detected {
                why.push("tampering not detected".into());
            }
            why.extend(c.unexplained.iter().cloned());
            why.join("; ")
        });
        println!("FAILED {}: {why}", s.name);
    }
    if totals.passed == totals.tags {
        Ok(())
    } else {
        Err(format!(
            "{} of {} tags failed their checks; see {}",
            totals.tags - totals.passed,
            totals.tags,
            out.join("run.json").display()
        ))
    }
}

/// The summary table.
fn table(scenario: &Scenario, seed: u64, t: &Totals, elapsed: f64, per_second: f64) -> String {
    let rows = [
        ("tags", t.tags.to_string()),
        ("records", t.records.to_string()),
        (
            "checkpoints verified",
            format!("{} of {}", t.checkpoints_verified, t.checkpoints),
        ),
        (
            "logs intact and verified",
            format!("{} of {}", t.intact, t.tags),
        ),
        ("power cuts", t.power_cuts.to_string()),
        (
            "acknowledged records survived",
            format!("{} of {}", t.survived, t.acknowledged_untampered),
        ),
        (
            "damage found",
            format!(
                "{} of {} records with a flipped bit",
                t.damage_reported, t.damage_injected
            ),
        ),
        (
            "tampering detected",
            format!("{} of {} tampered tags", t.tampering_detected, t.tampered),
        ),
        ("unexplained findings", format!("{} tags", t.unexplained)),
        ("checks passed", format!("{} of {} tags", t.passed, t.tags)),
        ("wall time", format!("{elapsed:.2} s")),
        ("records per second", format!("{per_second:.0}")),
    ];
    let mut out = format!("{}: {} (seed {seed})\n", scenario.name, scenario.title);
    for (name, value) in rows {
        out += &format!("  {name:<31} {value}\n");
    }
    out
}
