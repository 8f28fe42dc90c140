//! What every value of a scenario file is read with: the file's text, to name where a mistake
//! is, and the names of its places and parties; and the readers of its times, numbers,
//! templates and words.

use std::collections::BTreeMap;
use std::ops::Range;

use remtag::model::{Evidence, KeyId, PartyRef, PlaceRef, TzOffset, UtcSeconds};
use serde::de::DeserializeOwned;
use toml::Spanned;

use crate::scenario::expr::{self, Expr, Template};
use crate::scenario::file::{self, NumDef};
use crate::scenario::{Located, Num, position};

/// The first instant a tag can record: 2000-01-01T00:00:00Z.
const EPOCH: i64 = UtcSeconds::UNIX_OFFSET;

/// A scenario file being read, and the names it has declared so far.
pub(super) struct Ctx<'a> {
    pub(super) text: &'a str,
    pub(super) source: &'a str,
    pub(super) places: BTreeMap<String, (PlaceRef, TzOffset)>,
    pub(super) parties: BTreeMap<String, (PartyRef, Option<KeyId>)>,
}

/// A value read, or a message that names the file, line and column of the mistake.
pub(super) type Res<T> = Result<T, String>;

impl Ctx<'_> {
    /// `file:line:col` of `span`.
    pub(super) fn at(&self, span: Range<usize>) -> String {
        position(self.source, self.text, span)
    }

    /// The mistake `message` at `span`.
    pub(super) fn err<T>(&self, span: Range<usize>, message: impl std::fmt::Display) -> Res<T> {
        Err(format!("{}: {message}", self.at(span)))
    }

    /// An RFC 3339 time that a tag can keep, unix seconds.
    pub(super) fn time(&self, s: &Spanned<String>) -> Res<i64> {
        let t = match chrono::DateTime::parse_from_rfc3339(s.get_ref()) {
            Ok(t) => t.timestamp(),
            Err(e) => {
                return self.err(
                    s.span(),
                    format!("`{}` is not an RFC 3339 time: {e}", s.get_ref()),
                );
            }
        };
        if t < EPOCH || UtcSeconds::from_unix(t).is_none() {
            return self.err(s.span(), "tags keep time from 2000 to 2136 only");
        }
        Ok(t)
    }

    /// A duration such as `1d12h`, in seconds; none is 0.
    pub(super) fn duration(&self, s: &Option<Spanned<String>>) -> Res<i64> {
        match s {
            None => Ok(0),
            Some(s) => expr::duration(s.get_ref()).or_else(|e| self.err(s.span(), e)),
        }
    }

    /// A party by its short name.
    pub(super) fn party(&self, s: &Spanned<String>) -> Res<PartyRef> {
        self.party_keyed(s).map(|(p, _)| p)
    }

    /// A party by its short name, with the first key it holds.
    fn party_keyed(&self, s: &Spanned<String>) -> Res<(PartyRef, Option<KeyId>)> {
        match self.parties.get(s.get_ref()) {
            Some(p) => Ok(*p),
            None => self.err(
                s.span(),
                format!(
                    "no party `{}` (the parties are: {})",
                    s.get_ref(),
                    self.parties.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }

    /// The key a party signs with.
    pub(super) fn signer(&self, s: &Spanned<String>) -> Res<KeyId> {
        match self.party_keyed(s)? {
            (_, Some(key)) => Ok(key),
            (_, None) => self.err(s.span(), format!("party `{}` holds no key", s.get_ref())),
        }
    }

    /// A place by its short name, with its offset from UTC.
    pub(super) fn place(&self, s: &Spanned<String>) -> Res<(PlaceRef, TzOffset)> {
        match self.places.get(s.get_ref()) {
            Some(p) => Ok(*p),
            None => self.err(
                s.span(),
                format!(
                    "no place `{}` (the places are: {})",
                    s.get_ref(),
                    self.places.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
            ),
        }
    }

    /// The span of byte `at` of string `value`, whose TOML string is at `span`. Offsets in the
    /// value are offsets in the file when the file holds it as written between one pair of
    /// quotes; a multi-line string or an escape moves them, and then the string's start is
    /// named.
    fn within(&self, span: Range<usize>, value: &str, at: usize) -> Range<usize> {
        let written = self.text.get(span.clone()).unwrap_or_default();
        let inner = written.get(1..written.len().saturating_sub(1));
        if written.len() == value.len() + 2 && inner == Some(value) {
            let at = span.start + 1 + at;
            at..at
        } else {
            span
        }
    }

    /// A number, or an expression in the tag's number `n`.
    pub(super) fn num(&self, n: &file::Num) -> Res<Num> {
        let value = match n.get_ref() {
            NumDef::Int(v) => Expr::Number(*v),
            NumDef::Expr(text) => match Expr::parse(text) {
                Ok(e) => e,
                Err(e) => return self.err(self.within(n.span(), text, e.at), e),
            },
        };
        Ok(Located {
            value,
            at: self.at(n.span()),
        })
    }

    /// A text template in the tag's number, such as `urn:epc:tag:usdod-96:0.7DPA1.{n}`.
    pub(super) fn template(&self, s: &Spanned<String>) -> Res<Located<Template>> {
        match Template::parse(s.get_ref()) {
            Ok(value) => Ok(Located {
                value,
                at: self.at(s.span()),
            }),
            Err(e) => self.err(self.within(s.span(), s.get_ref(), e.at), e),
        }
    }

    /// A model enum from its snake_case word: `in_transit` for `InTransit`.
    pub(super) fn word<T: DeserializeOwned>(&self, s: &Spanned<String>, what: &str) -> Res<T> {
        let pascal: String = s
            .get_ref()
            .split('_')
            .map(|w| {
                let mut c = w.chars();
                c.next()
                    .map(|f| f.to_uppercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            })
            .collect();
        let de = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(&pascal);
        T::deserialize(de).or_else(|e: serde::de::value::Error| {
            let known = e
                .to_string()
                .split_once("expected one of ")
                .map(|(_, list)| snake_words(list))
                .unwrap_or_default();
            self.err(
                s.span(),
                format!("`{}` is not a {what} (one of: {known})", s.get_ref()),
            )
        })
    }

    /// A CBV 2.0 code: a business step or a disposition.
    pub(super) fn cbv<T>(
        &self,
        s: &Spanned<String>,
        from_code: fn(&str) -> Option<T>,
        what: &str,
    ) -> Res<T> {
        match from_code(s.get_ref()) {
            Some(value) => Ok(value),
            None => self.err(s.span(), format!("`{}` is not a CBV {what}", s.get_ref())),
        }
    }

    pub(super) fn evidence(&self, words: &[Spanned<String>]) -> Res<Evidence> {
        let mut set = Evidence::default();
        let plain = |s: &str| {
            s.chars()
                .filter(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_lowercase()
        };
        for w in words {
            let kind = Evidence::NAMES
                .iter()
                .find(|(_, name)| plain(name) == plain(w.get_ref()));
            match kind {
                Some((e, _)) => set = set.with(*e),
                None => {
                    return self.err(
                        w.span(),
                        format!(
                            "`{}` is not evidence (one of: mtdna, str, dental, chest_xray, \
                             isotope, anthropology, artifact)",
                            w.get_ref()
                        ),
                    );
                }
            }
        }
        Ok(set)
    }
}

/// `Cranium`, `Mandible` as `cranium, mandible`.
fn snake_words(list: &str) -> String {
    list.split(',')
        .map(|w| {
            let w = w.trim().trim_matches('`');
            let mut out = String::new();
            for (i, c) in w.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    out.push('_');
                }
                out.extend(c.to_lowercase());
            }
            out
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// A place's offset from UTC: `+09:00`, in quarter hours.
pub(super) fn tz(ctx: &Ctx<'_>, s: &Spanned<String>) -> Res<TzOffset> {
    let text = s.get_ref();
    let parsed = (|| {
        let sign = match text.get(..1)? {
            "+" => 1,
            "-" => -1,
            _ => return None,
        };
        let (h, m) = text.get(1..)?.split_once(':')?;
        let minutes = h.parse::<i32>().ok()? * 60 + m.parse::<i32>().ok()?;
        if minutes % 15 != 0 {
            return None;
        }
        TzOffset::from_quarter_hours(i8::try_from(sign * minutes / 15).ok()?)
    })();
    parsed.map_or_else(
        || {
            ctx.err(
                s.span(),
                format!("`{text}` is not an offset from -12:00 to +14:00 in quarter hours"),
            )
        },
        Ok,
    )
}
