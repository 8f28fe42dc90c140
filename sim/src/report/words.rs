//! Words for people: dates, names of enumerated values, and the values of a log's records.

use chrono::{DateTime, FixedOffset, Offset, Utc};
use remtag::model::{Confidence, Evidence};
use serde_json::Value;

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
