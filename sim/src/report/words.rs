//! Words for people: dates, names of enumerated values, and what each entry of a log says.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use remtag::model::{Confidence, Evidence};
use serde_json::Value;

use super::input::DirectoryJson;
use super::tag::{Claim, Event, Item, Signer, What};
use crate::render;

/// `BoneCutting` as `bone cutting`, `in_transit` as `in transit`.
pub fn words(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    let mut previous_lower = false;
    for c in camel.chars() {
        if c.is_uppercase() && previous_lower {
            out.push(' ');
        }
        previous_lower = c.is_lowercase() || c.is_ascii_digit();
        out.extend(c.to_lowercase());
    }
    out.replace('_', " ")
}

/// A JSON value as short text: strings as words, `{"BoxNumber": 7}` as `box number 7`.
pub fn value(v: &Value) -> String {
    match v {
        Value::String(s) => words(s),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| match v {
                Value::Null => words(k),
                Value::Object(_) => format!("{}: {}", words(k), value(v)),
                _ => format!("{} {}", words(k), value(v)),
            })
            .collect::<Vec<_>>()
            .join(", "),
        Value::Array(items) => items.iter().map(value).collect::<Vec<_>>().join(", "),
        Value::Null => "none".to_string(),
        other => other.to_string(),
    }
}

fn utc(unix: i64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(unix, 0)
}

/// `27 Jul 2018`, in UTC.
pub fn date(unix: i64) -> String {
    utc(unix).map_or_else(
        || format!("{unix} s"),
        |t| t.format("%-d %b %Y").to_string(),
    )
}

/// When a record was made: unix seconds, and the offset from UTC it gave in minutes.
pub type When = (i64, i32);

fn local(when: When, format: &str) -> String {
    let (unix, tz_minutes) = when;
    let offset = FixedOffset::east_opt(tz_minutes * 60).unwrap_or_else(|| Utc.fix());
    utc(unix).map_or_else(
        || format!("{unix} s"),
        |t| t.with_timezone(&offset).format(format).to_string(),
    )
}

/// `27 Jul 2018`, at the offset the record gave.
pub fn day(when: When) -> String {
    local(when, "%-d %b %Y")
}

/// `27 Jul 2018 – 1 Aug 2018`, or one day when both are the same.
pub fn days(from: When, to: When) -> String {
    let (a, b) = (day(from), day(to));
    if a == b { a } else { format!("{a} – {b}") }
}

/// `27 Jul 2018 09:50 +09:00`, at the offset the record gave.
pub fn date_time(unix: i64, tz_minutes: i32) -> String {
    local((unix, tz_minutes), "%-d %b %Y %H:%M %:z")
}

/// `1 Sep 2025 00:00 UTC`.
pub fn date_time_utc(unix: i64) -> String {
    utc(unix).map_or_else(
        || format!("{unix} s"),
        |t| t.format("%-d %b %Y %H:%M UTC").to_string(),
    )
}

/// What a reader's damage report says.
pub fn damage_reason(reason: &Value) -> String {
    let bit = reason
        .get("BitFlipRepaired")
        .and_then(|b| b.get("bit"))
        .and_then(Value::as_u64);
    if let Some(bit) = bit {
        return format!("bit {bit} had flipped; the record was repaired from its CRC");
    }
    match reason.as_str() {
        Some("TornAppend") => "an append cut by a power loss, never acknowledged".to_string(),
        Some("MissingRecords") => "records missing from a segment".to_string(),
        Some("SegmentHeader") => "a segment header is unreadable".to_string(),
        Some("IdentityCopy") => "one of the two identity copies is unreadable".to_string(),
        _ => value(reason),
    }
}

/// An inspection's observation: `{"ElementCount": 21}` as `21 elements`.
pub fn observation(o: &Value) -> String {
    let Some((kind, v)) = o.as_object().and_then(|m| m.iter().next()) else {
        return value(o);
    };
    let n = v.as_i64().unwrap_or_default();
    match kind.as_str() {
        "ElementCount" => format!("{n} bone elements"),
        "MinimumIndividuals" => format!("at least {n} individuals"),
        "Temperature" => format!("{:.1} °C", n as f64 / 1000.0),
        "Humidity" => format!("{:.1} % humidity", n as f64 / 10.0),
        "Shock" => format!("shock {:.2} g", n as f64 / 1000.0),
        "Human" => format!("human: {}", value(v)),
        "UsServiceMember" => format!("US service member: {}", value(v)),
        "Photo" => "photographed".to_string(),
        _ => format!("{}: {}", words(kind), value(v)),
    }
}

/// An evidence set as `mtDNA+dental`.
pub fn evidence(bits: u8) -> String {
    Evidence::try_from(bits).map_or_else(|_| format!("evidence {bits:#04x}"), render::evidence)
}

/// Confidence in basis points as `98.16%`.
pub fn confidence(basis_points: u16) -> String {
    Confidence::from_basis_points(basis_points)
        .map_or_else(|| format!("{basis_points} basis points"), |c| c.to_string())
}

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
        super::tag::Loc::Unknown => "place unknown".to_string(),
        super::tag::Loc::Place(id) => dir
            .place(id)
            .map_or_else(|| format!("place {id}"), |p| p.name.clone()),
        super::tag::Loc::Geo { lat, lon } => format!("{lat:.4}, {lon:.4}"),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_camel_case_and_snake_case() {
        assert_eq!(words("BoneCutting"), "bone cutting");
        assert_eq!(words("in_transit"), "in transit");
        assert_eq!(words("K208"), "k208");
        assert_eq!(value(&serde_json::json!({"BoxNumber": 7})), "box number 7");
    }

    #[test]
    fn times_keep_the_records_offset() {
        // 2018-07-27T00:50:03Z at +09:00.
        assert_eq!(date_time(1_532_652_603, 540), "27 Jul 2018 09:50 +09:00");
        assert_eq!(date(1_532_652_603), "27 Jul 2018");
    }

    #[test]
    fn observations_and_damage_in_words() {
        assert_eq!(
            observation(&serde_json::json!({"Temperature": 21500})),
            "21.5 °C"
        );
        assert_eq!(
            damage_reason(&serde_json::json!({"BitFlipRepaired": {"bit": 116}})),
            "bit 116 had flipped; the record was repaired from its CRC"
        );
        assert_eq!(evidence(65), "mtDNA+artifact");
        assert_eq!(confidence(9816), "98.16%");
    }
}
