//! The small languages inside scenario files: integer expressions over a tag's number, text
//! templates, durations and tag selectors.
//!
//! An expression is integer arithmetic (`+ - * / %`, parentheses, unary minus) over the
//! variables `n` (the tag's number in its group, from 1), `i` (the repetition of an action,
//! from 1) and `count` (the tags in the group), and the functions `rand(lo, hi)` (a number
//! drawn from the tag's seeded generator, `lo` to `hi` inclusive), `min(a, b)` and `max(a, b)`.
//! An expression nests at most [`MAX_DEPTH`] (64) levels: each pair of parentheses, minus sign,
//! operator and function call around a part is one, so a chain such as `n + n + n` nests a
//! level per operator. Numbers are 64-bit and signed; a number too large and a result that
//! overflows are errors. A template is text with expressions in braces:
//! `urn:epc:tag:usdod-96:0.7DPA1.{n}`.

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

/// How many levels an expression may nest: each pair of parentheses, minus sign, operator and
/// function call around a part of it is one level, so `n` nests 0 levels, `-(n + 1)` 3 and a
/// chain `n + n + n` 2 (the first `n` is inside both `+`).
///
/// Reading, evaluating, copying and dropping an expression each recurse once per level, so a
/// scenario file, which anyone may write, must not choose how deep that goes: a few hundred
/// thousand levels overflow any thread's stack. The expressions scenarios need are a few terms
/// (`20800000 + ((n - 1) * 3 + i - 1) % 600 + 1` nests 9 levels), and 64 levels take at most a
/// few kilobytes of stack.
pub const MAX_DEPTH: usize = 64;

/// Why an expression cannot be read, with the byte offset in its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Offset in the expression's text: where the wrong part starts.
    pub at: usize,
    /// What is wrong.
    pub kind: ExprErrorKind,
}

/// What is wrong with an expression's text.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ExprErrorKind {
    /// The expression nests more than [`MAX_DEPTH`] levels from here on.
    TooDeep,
    /// A number does not fit in a signed 64-bit integer.
    NumberTooLarge,
    /// A name other than a variable or a function.
    UnknownName(String),
    /// This character was expected here.
    Expected(char),
    /// This character cannot start an operand.
    Unexpected(char),
    /// The text ends where an operand should be.
    EndsEarly,
    /// There is text after a complete expression.
    TextAfter,
    /// A template's `{` has no `}`.
    Unclosed,
}

impl fmt::Display for ExprError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.kind.fmt(f)
    }
}

impl fmt::Display for ExprErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExprErrorKind::TooDeep => write!(
                f,
                "the expression nests too deeply from here: at most {MAX_DEPTH} levels of \
                 parentheses, minus signs, operators and function calls"
            ),
            ExprErrorKind::NumberTooLarge => {
                write!(f, "number too large (the largest is {})", i64::MAX)
            }
            ExprErrorKind::UnknownName(name) => write!(
                f,
                "unknown name `{name}` (expressions know n, i, count, rand, min, max)"
            ),
            ExprErrorKind::Expected(c) => write!(f, "expected `{c}`"),
            ExprErrorKind::Unexpected(c) => write!(f, "unexpected `{c}`"),
            ExprErrorKind::EndsEarly => f.write_str("an expression ends too early"),
            ExprErrorKind::TextAfter => f.write_str("unexpected text after the expression"),
            ExprErrorKind::Unclosed => f.write_str("`{` without `}`"),
        }
    }
}

impl std::error::Error for ExprError {}

fn error<T>(at: usize, kind: ExprErrorKind) -> Result<T, ExprError> {
    Err(ExprError { at, kind })
}

/// Why an expression has no value for a tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EvalError {
    /// A result does not fit in a signed 64-bit integer.
    Overflow,
    /// `/` or `%` by 0.
    DivisionByZero,
    /// `rand(lo, hi)` with `lo` above `hi`.
    RandBounds(i64, i64),
}

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EvalError::Overflow => f.write_str("overflow: a result does not fit in 64 bits"),
            EvalError::DivisionByZero => f.write_str("division by zero"),
            EvalError::RandBounds(a, b) => {
                write!(f, "rand({a}, {b}): the first bound is larger")
            }
        }
    }
}

impl std::error::Error for EvalError {}

impl Expr {
    /// Parses `text`, which may nest at most [`MAX_DEPTH`] levels.
    ///
    /// ```
    /// use remtag_sim::scenario::expr::{Expr, ExprErrorKind, MAX_DEPTH};
    ///
    /// assert!(Expr::parse("-(n - 10) * 2 + i").is_ok());
    /// let deep = format!("{}n{}", "(".repeat(MAX_DEPTH + 1), ")".repeat(MAX_DEPTH + 1));
    /// let err = Expr::parse(&deep).unwrap_err();
    /// assert_eq!((err.at, err.kind), (MAX_DEPTH, ExprErrorKind::TooDeep));
    /// ```
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let mut parser = Parser { text, at: 0 };
        let (expr, _) = parser.sum(0)?;
        parser.skip_space();
        if parser.at < text.len() {
            return error(parser.at, ExprErrorKind::TextAfter);
        }
        Ok(expr)
    }

    /// The value for `vars`.
    pub fn eval(&self, vars: &mut Vars<'_>) -> Result<i64, EvalError> {
        Ok(match self {
            Expr::Number(v) => *v,
            Expr::N => vars.n,
            Expr::I => vars.i,
            Expr::Count => vars.count,
            Expr::Negate(e) => e.eval(vars)?.checked_neg().ok_or(EvalError::Overflow)?,
            Expr::Binary(a, op, b) => {
                let (a, b) = (a.eval(vars)?, b.eval(vars)?);
                match op {
                    Op::Add => a.checked_add(b),
                    Op::Sub => a.checked_sub(b),
                    Op::Mul => a.checked_mul(b),
                    Op::Div | Op::Rem if b == 0 => return Err(EvalError::DivisionByZero),
                    Op::Div => a.checked_div(b),
                    Op::Rem => a.checked_rem(b),
                }
                .ok_or(EvalError::Overflow)?
            }
            Expr::Call(function, a, b) => {
                let (a, b) = (a.eval(vars)?, b.eval(vars)?);
                match function {
                    Function::Rand if a > b => return Err(EvalError::RandBounds(a, b)),
                    Function::Rand => vars.rng.i64(a..=b),
                    Function::Min => a.min(b),
                    Function::Max => a.max(b),
                }
            }
        })
    }
}

/// A part of an expression read, and how many levels it nests.
type Parsed = Result<(Expr, usize), ExprError>;

/// A recursive-descent parser. Each rule is given `outer`, the levels known to enclose the part
/// it reads, and returns the part with the levels it nests itself; it refuses to go past
/// [`MAX_DEPTH`] before recursing, so the parser's own recursion is bounded too.
struct Parser<'a> {
    text: &'a str,
    at: usize,
}

impl Parser<'_> {
    fn skip_space(&mut self) {
        let rest = &self.text.as_bytes()[self.at..];
        self.at += rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_space();
        self.text.as_bytes().get(self.at).copied()
    }

    fn expect(&mut self, byte: u8) -> Result<(), ExprError> {
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            error(self.at, ExprErrorKind::Expected(byte as char))
        }
    }

    /// Refuses `levels` beyond [`MAX_DEPTH`], naming `at`, where the level that is one too many
    /// starts.
    fn nest(levels: usize, at: usize) -> Result<(), ExprError> {
        if levels > MAX_DEPTH {
            return error(at, ExprErrorKind::TooDeep);
        }
        Ok(())
    }

    /// Operands of `ops`, read by `operand`, left-associative: `a - b - c` is `(a - b) - c`.
    /// A chain of k operators nests its first operand k levels, so a long chain is refused
    /// like deep parentheses: the tree it would make is as deep.
    fn chain(
        &mut self,
        outer: usize,
        ops: &[(u8, Op)],
        operand: fn(&mut Self, usize) -> Parsed,
    ) -> Parsed {
        let (mut left, mut depth) = operand(self, outer)?;
        loop {
            let Some(op) = self
                .peek()
                .and_then(|b| ops.iter().find(|(o, _)| *o == b))
                .map(|(_, op)| *op)
            else {
                return Ok((left, depth));
            };
            Self::nest(outer + depth + 1, self.at)?;
            self.at += 1;
            let (right, right_depth) = operand(self, outer + 1)?;
            depth = depth.max(right_depth) + 1;
            left = Expr::Binary(Box::new(left), op, Box::new(right));
        }
    }

    fn sum(&mut self, outer: usize) -> Parsed {
        self.chain(outer, &[(b'+', Op::Add), (b'-', Op::Sub)], Self::product)
    }

    fn product(&mut self, outer: usize) -> Parsed {
        let ops = [(b'*', Op::Mul), (b'/', Op::Div), (b'%', Op::Rem)];
        self.chain(outer, &ops, Self::factor)
    }

    fn factor(&mut self, outer: usize) -> Parsed {
        let Some(byte) = self.peek() else {
            return error(self.at, ExprErrorKind::EndsEarly);
        };
        let start = self.at;
        if byte == b'-' {
            Self::nest(outer + 1, start)?;
            self.at += 1;
            let (inner, depth) = self.factor(outer + 1)?;
            return Ok((Expr::Negate(Box::new(inner)), depth + 1));
        }
        if byte == b'(' {
            Self::nest(outer + 1, start)?;
            self.at += 1;
            let (inner, depth) = self.sum(outer + 1)?;
            self.expect(b')')?;
            return Ok((inner, depth + 1));
        }
        if byte.is_ascii_digit() {
            let end = self.run(|b| b.is_ascii_digit() || b == b'_');
            let digits = self.text[start..end].replace('_', "");
            self.at = end;
            return match digits.parse() {
                Ok(v) => Ok((Expr::Number(v), 0)),
                Err(_) => error(start, ExprErrorKind::NumberTooLarge),
            };
        }
        if byte.is_ascii_alphabetic() {
            let end = self.run(|b| b.is_ascii_alphanumeric() || b == b'_');
            let name = &self.text[start..end];
            self.at = end;
            let function = match name {
                "n" => return Ok((Expr::N, 0)),
                "i" => return Ok((Expr::I, 0)),
                "count" => return Ok((Expr::Count, 0)),
                "rand" => Function::Rand,
                "min" => Function::Min,
                "max" => Function::Max,
                _ => return error(start, ExprErrorKind::UnknownName(name.to_string())),
            };
            Self::nest(outer + 1, start)?;
            self.expect(b'(')?;
            let (a, a_depth) = self.sum(outer + 1)?;
            self.expect(b',')?;
            let (b, b_depth) = self.sum(outer + 1)?;
            self.expect(b')')?;
            let depth = a_depth.max(b_depth) + 1;
            return Ok((Expr::Call(function, Box::new(a), Box::new(b)), depth));
        }
        // Only ASCII has been skipped, so `start` is on a character boundary.
        let c = self.text[start..].chars().next().unwrap_or(byte as char);
        error(start, ExprErrorKind::Unexpected(c))
    }

    fn run(&self, accept: impl Fn(u8) -> bool) -> usize {
        let rest = &self.text.as_bytes()[self.at..];
        self.at + rest.iter().take_while(|b| accept(**b)).count()
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
                return error(offset + open, ExprErrorKind::Unclosed);
            };
            let inner = &rest[open + 1..open + close];
            let expr = Expr::parse(inner).map_err(|e| ExprError {
                at: offset + open + 1 + e.at,
                kind: e.kind,
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
    pub fn eval(&self, vars: &mut Vars<'_>) -> Result<String, EvalError> {
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
                    // `n - from` may not fit in an i64 (`from` is the file's); the distance
                    // always fits in a u64.
                    Numbers::Every { step, from } => {
                        n >= from && n.abs_diff(from).checked_rem(step.unsigned_abs()) == Some(0)
                    }
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
            .map_err(|e| e.to_string())
    }

    #[test]
    fn expressions_follow_precedence_and_name_their_errors() {
        assert_eq!(eval("180700 + n", 3), Ok(180_703));
        assert_eq!(eval("n % 55 + 1", 55), Ok(1));
        assert_eq!(eval("-(n - 10) * 2 + i", 4), Ok(14));
        assert_eq!(eval("10 - n - 1", 4), Ok(5));
        assert_eq!(eval("min(n, 10) + max(i, count)", 20), Ok(65));
        let r = eval("rand(2, 4)", 1).expect("draws");
        assert!((2..=4).contains(&r));
        assert_eq!(eval("n / 0", 1), Err("division by zero".into()));
        assert_eq!(
            eval("rand(3, 2)", 1),
            Err("rand(3, 2): the first bound is larger".into())
        );
        let err = Expr::parse("n + box").unwrap_err();
        assert_eq!(err.at, 4);
        assert_eq!(err.kind, ExprErrorKind::UnknownName("box".into()));
        assert!(err.to_string().contains("unknown name `box`"), "{err}");
        assert_eq!(Expr::parse("(n").unwrap_err().to_string(), "expected `)`");
        assert_eq!(
            Expr::parse("n + é").unwrap_err(),
            ExprError {
                at: 4,
                kind: ExprErrorKind::Unexpected('é')
            }
        );
        assert_eq!(
            Expr::parse("n n").unwrap_err().kind,
            ExprErrorKind::TextAfter
        );
        assert_eq!(
            Expr::parse("n *").unwrap_err().kind,
            ExprErrorKind::EndsEarly
        );
    }

    #[test]
    fn huge_numbers_and_overflow_are_errors() {
        let max = i64::MAX;
        assert_eq!(eval(&format!("{max}"), 1), Ok(max));
        assert_eq!(eval(&format!("-{max} - 1"), 1), Ok(i64::MIN));
        assert_eq!(
            Expr::parse("n + 9_223_372_036_854_775_808").unwrap_err(),
            ExprError {
                at: 4,
                kind: ExprErrorKind::NumberTooLarge
            }
        );
        let huge = format!("n + {}", "9".repeat(10_000));
        assert_eq!(Expr::parse(&huge).unwrap_err().at, 4);
        let overflow = Err(EvalError::Overflow.to_string());
        for text in [
            format!("{max} + n"),
            format!("-{max} - n - 1"),
            format!("{max} * n"),
            format!("-(-{max} - n + 1)"),
            format!("(-{max} - n + 1) / -1"),
            format!("(-{max} - n + 1) % -1"),
        ] {
            assert_eq!(eval(&text, 2), overflow, "{text}");
        }
        let mut rng = fastrand::Rng::with_seed(1);
        let mut vars = Vars {
            n: max,
            i: max,
            count: max,
            rng: &mut rng,
        };
        let all = Expr::parse(&format!("rand(-{max} - 1, {max})")).expect("parses");
        assert!(all.eval(&mut vars).is_ok());
        let square = Expr::parse("n * i").expect("parses");
        assert_eq!(square.eval(&mut vars), Err(EvalError::Overflow));
    }

    /// How deep evaluating and dropping `e` recurse: 1 for a number or a name.
    fn height(e: &Expr) -> usize {
        match e {
            Expr::Number(_) | Expr::N | Expr::I | Expr::Count => 1,
            Expr::Negate(a) => 1 + height(a),
            Expr::Binary(a, _, b) | Expr::Call(_, a, b) => 1 + height(a).max(height(b)),
        }
    }

    #[test]
    fn expressions_nest_at_most_max_depth_levels() {
        // Each way to nest: `k` levels around `n`, and the offset where level `k` starts.
        type Nesting = fn(usize) -> (String, usize);
        let ways: [(&str, Nesting); 6] = [
            ("minus signs", |k| (format!("{}n", "-".repeat(k)), k - 1)),
            ("parentheses", |k| {
                (format!("{}n{}", "(".repeat(k), ")".repeat(k)), k - 1)
            }),
            ("a chain of +", |k| {
                let text = vec!["n"; k + 1].join(" + ");
                let at = text.match_indices('+').nth(k - 1).expect("k operators").0;
                (text, at)
            }),
            ("a chain of *, / and %", |k| {
                let ops: String = (0..k).map(|j| ["n * ", "n / ", "n % "][j % 3]).collect();
                let at = ops.len() - 2;
                (ops + "n", at)
            }),
            ("function calls", |k| {
                (
                    format!("{}n{}", "max(".repeat(k), ", 1)".repeat(k)),
                    4 * (k - 1),
                )
            }),
            ("a right-leaning chain", |k| {
                // `n - (n - (n ...))`: each `-` and each `(` is a level.
                let (units, inner) = (k / 2, ["n", "n - n"][k % 2]);
                let text = format!("{}{inner}{}", "n - (".repeat(units), ")".repeat(units));
                let at = if k % 2 == 0 {
                    5 * units - 1
                } else {
                    5 * units + 2
                };
                (text, at)
            }),
        ];
        for (what, nesting) in ways {
            let (text, _) = nesting(MAX_DEPTH);
            let e = Expr::parse(&text).unwrap_or_else(|e| panic!("{what}: {e}"));
            assert!(height(&e) <= MAX_DEPTH + 1, "{what}: {}", height(&e));
            let mut rng = fastrand::Rng::with_seed(1);
            let mut vars = Vars {
                n: 3,
                i: 1,
                count: 3,
                rng: &mut rng,
            };
            assert!(e.eval(&mut vars).is_ok(), "{what}");
            let (text, at) = nesting(MAX_DEPTH + 1);
            assert_eq!(
                Expr::parse(&text),
                Err(ExprError {
                    at,
                    kind: ExprErrorKind::TooDeep
                }),
                "{what}: {text}"
            );
        }
        // The levels counted as [`MAX_DEPTH`] says.
        for (text, levels) in [
            ("n", 0),
            ("-(n + 1)", 3),
            ("n + n + n", 2),
            ("min(n, -n)", 2),
            ("20800000 + ((n - 1) * 3 + i - 1) % 600 + 1", 9),
        ] {
            let mut parser = Parser { text, at: 0 };
            assert_eq!(parser.sum(0).map(|(_, depth)| depth), Ok(levels), "{text}");
        }
        // One level more than the limit, precisely.
        let limit = format!("{}n", "-".repeat(MAX_DEPTH));
        assert_eq!(eval(&limit, 3), Ok(3));
        let over = format!("-{limit}");
        assert_eq!(
            Expr::parse(&over).unwrap_err(),
            ExprError {
                at: MAX_DEPTH,
                kind: ExprErrorKind::TooDeep
            }
        );
        let chain = vec!["n"; MAX_DEPTH + 1].join("+");
        assert_eq!(eval(&chain, 3), Ok(3 * (MAX_DEPTH as i64 + 1)));
        let err = Expr::parse(&format!("{chain}+n")).unwrap_err();
        assert_eq!((err.at, err.kind), (chain.len(), ExprErrorKind::TooDeep));
        // Inside a template, the offset is in the template's text.
        let err = Template::parse(&format!("ab{{{over}}}")).unwrap_err();
        assert_eq!((err.at, err.kind), (3 + MAX_DEPTH, ExprErrorKind::TooDeep));
    }

    #[test]
    fn inputs_that_once_overflowed_the_stack_are_refused_quickly() {
        let minus = format!("{}n", "-".repeat(50_000));
        let parens = format!("{}n{}", "(".repeat(300_000), ")".repeat(300_000));
        let chain = vec!["n"; 300_000].join("+");
        let calls = format!("{}n{}", "min(n,".repeat(100_000), ")".repeat(100_000));
        for text in [minus, parens, chain, calls] {
            let err = Expr::parse(&text).unwrap_err();
            assert_eq!(err.kind, ExprErrorKind::TooDeep, "{}", &text[..20]);
            assert!(err.at < 10 * MAX_DEPTH, "{}", err.at);
        }
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
        // `n - from` does not fit in an i64 here; the distance does.
        let s = Selector::parse(&format!("every 3 from {}", i64::MIN), &groups).expect("parses");
        assert!(!s.matches("box", 5) && s.matches("box", 4));
        assert!(
            Selector::parse("boxes", &groups)
                .unwrap_err()
                .contains("box, effects")
        );
    }
}
