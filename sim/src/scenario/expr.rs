//! The small languages inside scenario files: integer expressions over a tag's number, text
//! templates, durations and tag selectors.
//!
//! An expression is integer arithmetic (`+ - * / %`, parentheses, unary minus) over the
//! variables `n` (the tag's number in its group, from 1), `i` (the repetition of an action,
//! from 1) and `count` (the tags in the group), and the functions `rand(lo, hi)` (a number
//! drawn from the tag's seeded generator, `lo` to `hi` inclusive), `min(a, b)` and `max(a, b)`.
//! A template is text with expressions in braces: `urn:epc:tag:usdod-96:0.7DPA1.{n}`.

use std::fmt;

/// What an expression's variables stand for when it is evaluated.
pub struct Vars<'a> {
    /// The tag's number in its group, from 1.
    pub n: i64,
    /// The repetition of the action, from 1.
    pub i: i64,
    /// How many tags the group has.
    pub count: i64,
    /// The tag's generator, for `rand`.
    pub rng: &'a mut fastrand::Rng,
}

/// A parsed integer expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Expr {
    /// A number.
    Number(i64),
    /// `n`.
    N,
    /// `i`.
    I,
    /// `count`.
    Count,
    /// `-e`.
    Negate(Box<Expr>),
    /// `a op b`.
    Binary(Box<Expr>, Op, Box<Expr>),
    /// `rand(lo, hi)`, `min(a, b)` or `max(a, b)`.
    Call(Function, Box<Expr>, Box<Expr>),
}

/// A binary operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `+`.
    Add,
    /// `-`.
    Sub,
    /// `*`.
    Mul,
    /// `/`, rounding toward zero.
    Div,
    /// `%`, the remainder of `/`.
    Rem,
}

/// A function of two arguments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Function {
    /// A random number from the first argument to the second, inclusive.
    Rand,
    /// The smaller argument.
    Min,
    /// The larger argument.
    Max,
}

/// Why an expression cannot be read or evaluated, with the byte offset in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Offset in the expression's text.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

fn error<T>(at: usize, message: impl Into<String>) -> Result<T, ExprError> {
    Err(ExprError {
        at,
        message: message.into(),
    })
}

impl Expr {
    /// Parses `text`.
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let mut parser = Parser {
            text: text.as_bytes(),
            at: 0,
        };
        let expr = parser.sum()?;
        parser.skip_space();
        if parser.at < text.len() {
            return error(parser.at, "unexpected text after the expression");
        }
        Ok(expr)
    }

    /// The value for `vars`.
    pub fn eval(&self, vars: &mut Vars<'_>) -> Result<i64, String> {
        Ok(match self {
            Expr::Number(v) => *v,
            Expr::N => vars.n,
            Expr::I => vars.i,
            Expr::Count => vars.count,
            Expr::Negate(e) => e.eval(vars)?.checked_neg().ok_or("overflow")?,
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.eval(vars)?, b.eval(vars)?);
                match op {
                    Op::Add => a.checked_add(b),
                    Op::Sub => a.checked_sub(b),
                    Op::Mul => a.checked_mul(b),
                    Op::Div if b == 0 => return Err("division by zero".into()),
                    Op::Div => a.checked_div(b),
                    Op::Rem if b == 0 => return Err("division by zero".into()),
                    Op::Rem => a.checked_rem(b),
                }
                .ok_or("overflow")?
            }
            Expr::Call(function, a, b) => {
                let (a, b) = (a.eval(vars)?, b.eval(vars)?);
                match function {
                    Function::Rand if a > b => {
                        return Err(format!("rand({a}, {b}): the first bound is larger"));
                    }
                    Function::Rand => vars.rng.i64(a..=b),
                    Function::Min => a.min(b),
                    Function::Max => a.max(b),
                }
            }
        })
    }
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        while self.text.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), ExprError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            error(self.at, format!("expected `{}`", byte as char))
        }
    }

    fn sum(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.product()?;
        loop {
            let op = match self.peek() {
                Some(b'+') => Op::Add,
                Some(b'-') => Op::Sub,
                _ => return Ok(left),
            };
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.product()?));
        }
    }

    fn product(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.factor()?;
        loop {
            let op = match self.peek() {
                Some(b'*') => Op::Mul,
                Some(b'/') => Op::Div,
                Some(b'%') => Op::Rem,
                _ => return Ok(left),
            };
            self.at += 1;
            left = Expr::Binary(Box::new(left), op, Box::new(self.factor()?));
        }
    }

    fn factor(&mut self) -> Result<Expr, ExprError> {
        let start = match self.peek() {
            None => return error(self.at, "an expression ends too early"),
            Some(_) => self.at,
        };
        let byte = self.text[start];
        if byte == b'-' {
            self.at += 1;
            return Ok(Expr::Negate(Box::new(self.factor()?)));
        }
        if byte == b'(' {
            self.at += 1;
            let inner = self.sum()?;
            self.expect(b')')?;
            return Ok(inner);
        }
        if byte.is_ascii_digit() {
            let end = self.run(|b| b.is_ascii_digit() || b == b'_');
            let digits: String = self.text[start..end]
                .iter()
                .filter(|b| **b != b'_')
                .map(|b| *b as char)
                .collect();
            self.at = end;
            return digits
                .parse()
                .map(Expr::Number)
                .or_else(|_| error(start, "number too large"));
        }
        if byte.is_ascii_alphabetic() {
            let end = self.run(|b| b.is_ascii_alphanumeric() || b == b'_');
            let name = String::from_utf8_lossy(&self.text[start..end]).into_owned();
            self.at = end;
            let function = match name.as_str() {
                "n" => return Ok(Expr::N),
                "i" => return Ok(Expr::I),
                "count" => return Ok(Expr::Count),
                "rand" => Function::Rand,
                "min" => Function::Min,
                "max" => Function::Max,
                _ => {
                    return error(
                        start,
                        format!(
                            "unknown name `{name}` (expressions know n, i, count, rand, min, max)"
                        ),
                    );
                }
            };
            self.expect(b'(')?;
            let a = self.sum()?;
            self.expect(b',')?;
            let b = self.sum()?;
            self.expect(b')')?;
            return Ok(Expr::Call(function, Box::new(a), Box::new(b)));
        }
        error(start, format!("unexpected `{}`", byte as char))
    }

    fn run(&self, accept: impl Fn(u8) -> bool) -> usize {
        let mut end = self.at;
        while self.text.get(end).is_some_and(|b| accept(*b)) {
            end += 1;
        }
        end
    }
}

/// Text with expressions in braces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Part {
    Text(String),
    Expr(Expr),
}

impl Template {
    /// Parses `text`; the error's offset is in `text`.
    pub fn parse(text: &str) -> Result<Template, ExprError> {
        let mut parts = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(open) = rest.find('{') {
            if open > 0 {
                parts.push(Part::Text(rest[..open].to_string()));
            }
            let Some(close) = rest[open..].find('}') else {
                return error(offset + open, "`{` without `}`");
            };
            let inner = &rest[open + 1..open + close];
            let expr = Expr::parse(inner).map_err(|e| ExprError {
                at: offset + open + 1 + e.at,
                message: e.message,
            })?;
            parts.push(Part::Expr(expr));
            offset += open + close + 1;
            rest = &rest[open + close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        Ok(Template { parts })
    }

    /// The text for `vars`.
    pub fn eval(&self, vars: &mut Vars<'_>) -> Result<String, String> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(t) => out += t,
                Part::Expr(e) => out += &e.eval(vars)?.to_string(),
            }
        }
        Ok(out)
    }
}

/// A duration such as `90s`, `15m`, `2h`, `3d`, `1y` (365 days) or `1d12h`, in seconds.
pub fn duration(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{text}` is not a duration (a number and a unit s, m, h, d or y, as in 3d or 1d12h)"
        )
    };
    let mut total: i64 = 0;
    let mut number = String::new();
    for c in text.trim().chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3_600,
            'd' => 86_400,
            'y' => 365 * 86_400,
            _ => return Err(bad()),
        };
        let value: i64 = number.parse().map_err(|_| bad())?;
        total = value
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
        number.clear();
    }
    if !number.is_empty() || text.trim().is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// Which tags an action applies to: `all`, a group's name, and a list of numbers within it:
/// `box`, `box 1-10,17`, `box every 5`, `box every 5 from 2`, or a list for every group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Selector {
    /// The group, or every group.
    pub group: Option<String>,
    /// The tag numbers, or every number.
    pub numbers: Vec<Numbers>,
}

/// Part of a selector's list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// From the first to the second, inclusive.
    Range(i64, i64),
    /// Every `step`-th from `from` on.
    Every {
        /// The step.
        step: i64,
        /// The first.
        from: i64,
    },
}

impl Selector {
    /// Parses `text`; `groups` are the group names it may name.
    pub fn parse(text: &str, groups: &[&str]) -> Result<Selector, String> {
        let text = text.trim();
        let (first, rest) = text.split_once(' ').unwrap_or((text, ""));
        let (group, list) = if first == "all" && rest.is_empty() {
            return Ok(Selector {
                group: None,
                numbers: Vec::new(),
            });
        } else if groups.contains(&first) {
            (Some(first.to_string()), rest.trim())
        } else if first.starts_with(|c: char| c.is_ascii_digit()) || first == "every" {
            (None, text)
        } else {
            return Err(format!(
                "`{first}` is not a tag group (the groups are: {})",
                groups.join(", ")
            ));
        };
        let mut numbers = Vec::new();
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            numbers.push(parse_numbers(item)?);
        }
        Ok(Selector { group, numbers })
    }

    /// Whether tag `n` of `group` is selected.
    pub fn matches(&self, group: &str, n: i64) -> bool {
        self.group.as_deref().is_none_or(|g| g == group)
            && (self.numbers.is_empty()
                || self.numbers.iter().any(|numbers| match *numbers {
                    Numbers::Range(a, b) => (a..=b).contains(&n),
                    Numbers::Every { step, from } => n >= from && (n - from) % step == 0,
                }))
    }
}

fn parse_numbers(item: &str) -> Result<Numbers, String> {
    let number = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("`{s}` is not a tag number"))
    };
    if let Some(rest) = item.strip_prefix("every") {
        let (step, from) = match rest.split_once("from") {
            Some((step, from)) => (number(step)?, number(from)?),
            None => (number(rest)?, 1),
        };
        if step < 1 {
            return Err(format!("`{item}`: the step must be at least 1"));
        }
        return Ok(Numbers::Every { step, from });
    }
    match item.split_once('-') {
        Some((a, b)) => Ok(Numbers::Range(number(a)?, number(b)?)),
        None => number(item).map(|v| Numbers::Range(v, v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(text: &str, n: i64) -> Result<i64, String> {
        let mut rng = fastrand::Rng::with_seed(1);
        let mut vars = Vars {
            n,
            i: 2,
            count: 55,
            rng: &mut rng,
        };
        Expr::parse(text)
            .map_err(|e| e.to_string())?
            .eval(&mut vars)
    }

    #[test]
    fn expressions_follow_precedence_and_name_their_errors() {
        assert_eq!(eval("180700 + n", 3), Ok(180_703));
        assert_eq!(eval("n % 55 + 1", 55), Ok(1));
        assert_eq!(eval("-(n - 10) * 2 + i", 4), Ok(14));
        assert_eq!(eval("min(n, 10) + max(i, count)", 20), Ok(65));
        let r = eval("rand(2, 4)", 1).expect("draws");
        assert!((2..=4).contains(&r));
        assert_eq!(eval("n / 0", 1), Err("division by zero".into()));
        let err = Expr::parse("n + box").unwrap_err();
        assert_eq!(err.at, 4);
        assert!(err.message.contains("unknown name `box`"), "{err}");
        assert_eq!(Expr::parse("(n").unwrap_err().message, "expected `)`");
    }

    #[test]
    fn templates_substitute_and_point_at_bad_expressions() {
        let t = Template::parse("urn:epc:tag:usdod-96:0.7DPA1.{n}").expect("parses");
        let mut rng = fastrand::Rng::with_seed(1);
        let mut vars = Vars {
            n: 7,
            i: 1,
            count: 55,
            rng: &mut rng,
        };
        assert_eq!(
            t.eval(&mut vars).as_deref(),
            Ok("urn:epc:tag:usdod-96:0.7DPA1.7")
        );
        assert_eq!(Template::parse("a{n +}").unwrap_err().at, 5);
        assert_eq!(Template::parse("a{n").unwrap_err().at, 1);
    }

    #[test]
    fn durations_and_selectors() {
        assert_eq!(duration("1d12h"), Ok(129_600));
        assert_eq!(duration("90s"), Ok(90));
        assert!(duration("3 weeks").is_err());
        assert!(duration("5").is_err());
        let groups = ["box", "effects"];
        let s = Selector::parse("box 1-3,7", &groups).expect("parses");
        assert!(s.matches("box", 2) && s.matches("box", 7));
        assert!(!s.matches("box", 4) && !s.matches("effects", 2));
        let s = Selector::parse("box every 5 from 2", &groups).expect("parses");
        assert!(s.matches("box", 2) && s.matches("box", 7) && !s.matches("box", 5));
        assert!(
            Selector::parse("all", &groups)
                .expect("all")
                .matches("effects", 1)
        );
        assert!(
            Selector::parse("boxes", &groups)
                .unwrap_err()
                .contains("box, effects")
        );
    }
}
