//! What each entry of a log and each event says, in a sentence.

use super::input::DirectoryJson;
use super::tag::{Claim, Event, Item, Loc, Signer, What};
use super::words::{confidence, date_time, date_time_utc, evidence, value, words};

/// A statement recorded at commissioning, as `<party> states ...`.
fn claim(dir: &DirectoryJson, c: &Claim) -> String {
    let by = dir.party(c.by);
    match (c.kind.as_str(), c.area()) {
        (_, Some(area)) => {
            let place = dir
                .place(area)
                .map_or_else(|| format!("place {area}"), |p| p.name.clone());
            format!("{by} states it was recovered in {place}")
        }
        ("IndividualCount", _) => format!("{by} states it holds {} individuals", value(&c.value)),
        ("RecoveryYear", _) => format!("{by} states it was recovered in {}", value(&c.value)),
        (kind, _) => format!("{by} states {}: {}", words(kind), value(&c.value)),
    }
}

/// Who signed a checkpoint, as `USAF C-17 aircrew (receiving, valid)`.
pub fn signer(dir: &DirectoryJson, s: &Signer) -> String {
    let who = s
        .party
        .map_or_else(|| format!("key {}", s.key), |p| dir.party(p));
    if s.status.is_empty() {
        format!("{who} ({})", s.role)
    } else {
        format!("{who} ({}, {})", s.role, s.status)
    }
}

/// What an entry says, in a sentence.
pub fn what(dir: &DirectoryJson, what: &What) -> String {
    let party = |id: u32| dir.party(id);
    match what {
        What::Commission {
            container,
            labels,
            claims,
        } => {
            let mut s = format!("Tag commissioned on the {container}");
            if !labels.is_empty() {
                s += &format!(" ({})", labels.join(", "));
            }
            for c in claims {
                s += &format!("; {}", claim(dir, c));
            }
            s
        }
        What::Custody {
            step,
            disposition,
            from,
            to,
            seal,
            condition,
        } => {
            let who = if from == to {
                format!("with {}", party(*from))
            } else {
                format!("from {} to {}", party(*from), party(*to))
            };
            let seal = seal.as_ref().map_or_else(
                || "no seal".to_string(),
                |(n, state)| format!("seal {n} {state}"),
            );
            format!(
                "{} ({disposition}) {who}; {seal}; condition {condition}",
                capital(step)
            )
        }
        What::Aggregate { action, parent } => match action.as_str() {
            "Add" => format!("Placed into transfer case {parent}"),
            "Delete" => format!("Taken out of transfer case {parent}"),
            other => format!("{} {parent}", words(other)),
        },
        What::Sample {
            sample,
            element,
            side,
            kind,
            destination,
        } => format!(
            "Sample taken: {kind} of the {side} {element} ({sample}), sent to {}",
            party(*destination)
        ),
        What::Link {
            subject,
            relation,
            basis,
            confidence: c,
            supersedes,
        } => {
            let mut s = format!(
                "Linked: {relation} {subject}, by {}, confidence {}",
                evidence(*basis),
                confidence(*c)
            );
            if let Some(old) = supersedes {
                s += &format!("; replaces the link of record {old}");
            }
            s
        }
        What::Inspect { kind, observations } => {
            format!("{}: {}", capital(kind), observations.join(", "))
        }
        What::Identification {
            subject,
            status,
            methods,
            authority,
        } => format!(
            "Identification of {subject}: {status}, by {} ({})",
            party(*authority),
            evidence(*methods)
        ),
        What::Correction {
            corrects,
            reason,
            replaced_by,
        } => {
            let seqs: Vec<String> = corrects.iter().map(u32::to_string).collect();
            let mut s = format!(
                "Correction: record {} declared wrong ({reason})",
                seqs.join(", ")
            );
            if let Some(by) = replaced_by {
                s += &format!(", replaced by record {by}");
            }
            s
        }
        What::Checkpoint {
            count,
            signers,
            verified,
            chain_ok,
        } => {
            let verdict = match (verified, chain_ok) {
                (Some(true), _) => "verified",
                (Some(false), Some(false)) => "NOT VERIFIED: the records it signed were changed",
                (Some(false), _) => "NOT VERIFIED: a signature does not verify",
                (None, _) => "not reached by verification",
            };
            let signed: Vec<String> = signers.iter().map(|s| signer(dir, s)).collect();
            let kind = if is_handover(signers) {
                "Hand-over checkpoint"
            } else {
                "Checkpoint"
            };
            format!(
                "{kind} over {count} records, {verdict}; signed by {}",
                if signed.is_empty() {
                    "nobody".to_string()
                } else {
                    signed.join(" and ")
                }
            )
        }
        What::Damage { offset, reason } => {
            format!("DAMAGE found by the reader at byte {offset}: {reason}")
        }
        What::Other(kind) => format!("A record of kind {kind:?}"),
    }
}

/// Whether a checkpoint's signers are a releasing and a receiving custodian.
pub fn is_handover(signers: &[Signer]) -> bool {
    let has = |role: &str| signers.iter().any(|s| s.role == role);
    has("releasing") && has("receiving")
}

fn capital(s: &str) -> String {
    let mut chars = s.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().chain(chars).collect::<String>()
    })
}

/// Where an entry was made, in words.
pub fn place(dir: &DirectoryJson, item: &Item) -> String {
    match item.loc {
        Loc::Unknown => "place unknown".to_string(),
        Loc::Place(id) => dir
            .place(id)
            .map_or_else(|| format!("place {id}"), |p| p.name.clone()),
        Loc::Geo { lat, lon } => format!("{lat:.4}, {lon:.4}"),
    }
}

/// An entry in one line: number, time, place, actor, what.
pub fn item(dir: &DirectoryJson, item: &Item) -> String {
    let mut parts = Vec::with_capacity(4);
    if let Some(seq) = item.seq {
        parts.push(format!("record {seq}"));
    }
    if let Some(t) = item.time {
        parts.push(format!(
            "{} ({})",
            date_time(t, item.tz_minutes),
            item.quality
        ));
    } else if !matches!(item.what, What::Damage { .. }) {
        parts.push("clock not set".to_string());
    }
    if !matches!(item.what, What::Damage { .. }) {
        parts.push(place(dir, item));
    }
    if let Some(actor) = item.actor {
        parts.push(format!("by {}", dir.party(actor)));
    }
    format!("{}: {}", parts.join(", "), what(dir, &item.what))
}

/// An event in one line.
pub fn event(e: &Event) -> String {
    format!("{}: {}", date_time_utc(e.at), e.detail)
}
