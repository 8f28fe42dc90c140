//! Showing records to people: one line per record, with names from a directory when one is known.

use chrono::DateTime;
use remtag::codec::Located;
use remtag::model::*;
use remtag::{Body, Record};

use crate::directory::Directory;

/// The time of a record as `2018-07-27T08:00:00+09:00 (gnss)`, or `clock not set`.
pub fn time(header: &Header) -> String {
    let Some(t) = header.time else {
        return "clock not set".to_string();
    };
    let quality = match t.quality {
        TimeQuality::Gnss => "gnss",
        TimeQuality::Network => "network",
        TimeQuality::Manual => "manual",
        TimeQuality::Estimated => "estimated",
    };
    let offset = chrono::FixedOffset::east_opt(i32::from(header.tz.minutes()) * 60)
        .unwrap_or_else(|| chrono::FixedOffset::east_opt(0).expect("zero offset"));
    match DateTime::from_timestamp(t.at.to_unix(), 0) {
        Some(utc) => format!(
            "{} ({quality})",
            utc.with_timezone(&offset).format("%Y-%m-%dT%H:%M:%S%:z")
        ),
        None => format!("{}s ({quality})", t.at.0),
    }
}

/// A party's name, or its number.
pub fn party(dir: Option<&Directory>, id: PartyRef) -> String {
    dir.map_or_else(|| format!("party {id}"), |d| d.party_name(id))
}

/// A location: a place's name, a position, or `unknown`.
pub fn location(dir: Option<&Directory>, loc: Location) -> String {
    match loc {
        Location::Unknown => "unknown".to_string(),
        Location::Place(id) => dir
            .and_then(|d| d.place(id))
            .map_or_else(|| format!("place {id}"), |p| p.name.clone()),
        Location::Geo(p) => p.to_string(),
    }
}

/// A one-line summary of what a record says.
pub fn summary(dir: Option<&Directory>, body: &Body) -> String {
    let p = |id| party(dir, id);
    match body {
        Body::Commission(c) => {
            let mut s = format!("{} on {:?}", c.epc, c.container);
            for label in c.labels.iter() {
                s += &format!(", {label:?}");
            }
            for claim in c.claims.iter() {
                s += &format!(", claim by {}: {:?}", p(claim.by), claim.statement);
            }
            s
        }
        Body::Custody(c) => {
            let seal = c.seal.map_or_else(
                || "no seal".to_string(),
                |s| format!("seal {} {:?}", s.number, s.state),
            );
            format!(
                "{} / {}: {} -> {}, {seal}, {:?}",
                c.step,
                c.disposition,
                p(c.from),
                p(c.to),
                c.condition
            )
        }
        Body::Aggregate(a) => format!("{:?} into {}", a.action, a.parent),
        Body::Sample(s) => format!(
            "{:?} of {:?} {:?} as {:?} for {}",
            s.kind,
            s.side,
            s.element,
            s.sample,
            p(s.destination)
        ),
        Body::Link(l) => {
            let mut s = format!(
                "{:?} {:?} {}, {}, confidence {}",
                l.relation,
                l.subject.kind,
                l.subject.number,
                evidence(l.basis),
                l.confidence
            );
            if let Some(old) = l.supersedes {
                s += &format!(", supersedes #{old}");
            }
            s
        }
        Body::Inspect(i) => format!("{:?}: {:?}", i.kind, &*i.observations),
        Body::Identification(i) => format!(
            "{:?} {:?} {} by {}, {}",
            i.status,
            i.subject.kind,
            i.subject.number,
            p(i.authority),
            evidence(i.methods)
        ),
        Body::Correction(c) => {
            let seqs: Vec<String> = c.corrects.iter().map(|s| format!("#{s}")).collect();
            let mut s = format!("{} wrong: {:?}", seqs.join(", "), c.reason);
            if let Some(by) = c.replaced_by {
                s += &format!(", replaced by #{by}");
            }
            s
        }
        Body::Checkpoint(c) => {
            let signers: Vec<String> = c
                .signatures
                .iter()
                .map(|s| format!("key {} ({:?})", s.key, s.role))
                .collect();
            format!(
                "{} records, head {}..., signed by {}",
                c.count,
                &c.head.to_string()[..16],
                if signers.is_empty() {
                    "nobody".to_string()
                } else {
                    signers.join(", ")
                }
            )
        }
    }
}

/// The evidence set as words.
pub fn evidence(e: Evidence) -> String {
    let names: Vec<&str> = Evidence::NAMES
        .iter()
        .filter(|(kind, _)| e.contains(*kind))
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "no evidence".to_string()
    } else {
        names.join("+")
    }
}

/// A table of records, one line each.
pub fn table(dir: Option<&Directory>, records: &[Located]) -> String {
    let mut out = format!(
        "{:>6} {:>4} {:>4}  {:<14} {:<38} {:<30} {:<30} {}\n",
        "offset", "len", "seq", "type", "time", "actor", "location", "what"
    );
    for l in records {
        let Record { header, body } = &l.record;
        out += &format!(
            "{:>6} {:>4} {:>4}  {:<14} {:<38} {:<30} {:<30} {}\n",
            l.offset,
            l.len,
            header.seq,
            body.record_type().name(),
            time(header),
            party(dir, header.actor),
            location(dir, header.location),
            summary(dir, body)
        );
    }
    out
}

/// A verification report for people.
pub fn verification(report: &remtag::verify::Report) -> String {
    use remtag::verify::SignatureStatus;
    let mut out = String::new();
    if let Some(epc) = report.identity {
        out += &format!("identity: {epc}\n");
    }
    out += &format!(
        "records: {}, signed prefix: {}, unsigned tail: {}\n",
        report.records,
        report.signed_prefix,
        report.unsigned_tail()
    );
    for c in &report.checkpoints {
        let signers: Vec<String> = c
            .signers
            .iter()
            .map(|s| {
                let status = match s.status {
                    SignatureStatus::Valid => "valid",
                    SignatureStatus::UnknownKey => "UNKNOWN KEY",
                    SignatureStatus::Expired => "EXPIRED KEY",
                    SignatureStatus::Bad => "BAD SIGNATURE",
                    SignatureStatus::NotChecked => "not checked",
                };
                format!("key {} ({:?}) {status}", s.key, s.role)
            })
            .collect();
        out += &format!(
            "checkpoint #{} over {} records: chain {}, {}{}\n",
            c.seq,
            c.count,
            if c.chain_ok { "ok" } else { "MISMATCH" },
            signers.join(", "),
            if c.verified() { "" } else { " -> NOT VERIFIED" }
        );
    }
    for f in &report.findings {
        out += &format!("finding: {f}\n");
    }
    if report.finding_count as usize > report.findings.len() {
        out += &format!(
            "... and {} more findings\n",
            report.finding_count as usize - report.findings.len()
        );
    }
    out
}
