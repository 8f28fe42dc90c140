//! Writing HTML: escaping every text put into the page, and the page around the sections.

use std::fmt;

/// Text made safe for HTML element content and quoted attribute values.
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// Appends formatted text to a `String`; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        let _ = write!($out, $($arg)*);
    }};
}
pub(crate) use w;

/// A number with thousands separated: `10,000`.
pub fn count(n: impl Into<u64>) -> String {
    let digits = n.into().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 box`, `55 boxes`: a count with its noun.
pub fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// The whole page: `title` in the head, the style and the script inline, `body` inside.
pub fn page(title: &str, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 16_384);
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"remtag-sim report\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body>\n{}\n<script>\n{}</script>\n\
         </body>\n</html>\n",
        Esc(title),
        include_str!("page.css"),
        body,
        include_str!("page.js")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            Esc("<b>\"K&P's\"</b>").to_string(),
            "&lt;b&gt;&quot;K&amp;P&#39;s&quot;&lt;/b&gt;"
        );
        assert_eq!(Esc("plain").to_string(), "plain");
        assert_eq!(
            Esc("Korean People’s Army").to_string(),
            "Korean People’s Army"
        );
    }

    #[test]
    fn counts_are_grouped() {
        assert_eq!(count(7u32), "7");
        assert_eq!(count(10_000u32), "10,000");
        assert_eq!(count(1_234_567u64), "1,234,567");
        assert_eq!(plural(1, "box", "boxes"), "1 box");
        assert_eq!(plural(55, "box", "boxes"), "55 boxes");
    }
}
