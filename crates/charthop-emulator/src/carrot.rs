//! A subset of Carrot, ChartHop's filter language, for the `q` parameter of `findJobs` (over
//! job field codes) and `findPersons` (over person field codes, see `people`).
//!
//! Grammar (keywords case-insensitive):
//!
//! ```text
//! expr   := and (('||' | 'OR') and)*
//! and    := atom (('&&' | 'AND') atom)*
//! atom   := '(' expr ')' | 'is' ':' word | field op values
//! op     := ':' | '=' | '!=' | '<' | '<=' | '>' | '>='
//! values := value (',' value)*        -- lists only after ':'
//! value  := 'single' | "double" | bare-word
//! ```
//!
//! `field:value` is a case-insensitive substring match (`field:*` = non-empty, `field:` =
//! empty); `=`/`!=` compare ignoring case, numerically when both sides are numbers; `<`..`>=`
//! compare numerically or as text (ISO dates order correctly). A field holding a list (an
//! ENUM_MULTI) matches when any of its values does (`!=`: when none equals); money compares by
//! its amount. `is:open`, `is:start` and
//! `is:depart` stand for `state=OPEN`, `state=START` and `state=DEPART` on jobs. Not supported:
//! `!` negation, other `is:` filters, functions such as `date(..)`; those are rejected with a
//! message naming them.
//!
//! Layering: above `fields` (job field codes) and `catalogue`; `people` gives it person field
//! codes through [`Fields`]. The caller names the codes a filter may use (a catalogue's custom
//! fields among them).

use crate::catalogue::Catalogue;
use crate::fields::FieldCode;
use crate::needles::Needles;

/// A comparison operator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// `:` substring match
    Match,
    /// `=`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// The field codes a filter may name.
pub trait Fields: Copy {
    /// What `is:<name>` stands for, as `field = value`; `None` when it is not supported.
    fn is_filter(name: &str) -> Option<(Self, &'static str)>;
    /// The `is:` names supported, for messages.
    const IS_FILTERS: &'static str;
}

impl Fields for FieldCode {
    fn is_filter(name: &str) -> Option<(Self, &'static str)> {
        let value = ["OPEN", "START", "DEPART"]
            .into_iter()
            .find(|v| v.eq_ignore_ascii_case(name))?;
        Some((FieldCode::State, value))
    }

    const IS_FILTERS: &'static str = "is:open, is:start, is:depart";
}

/// A parsed filter over the field codes `F`.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr<F = FieldCode> {
    /// All must hold.
    And(Vec<Expr<F>>),
    /// Any must hold.
    Or(Vec<Expr<F>>),
    /// `field:value[,value..]`: contains any of the values (ignoring case).
    Match {
        /// The field searched.
        field: F,
        /// The values, compiled for searching.
        needles: Needles,
    },
    /// `field op value` (any operator but `:`).
    Cmp {
        /// The field compared.
        field: F,
        /// The operator.
        op: Op,
        /// The right-hand value (one).
        values: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    LParen,
    RParen,
    And,
    Or,
    Comma,
    Op(Op),
    Word(String),
    Quoted(String),
}

/// Parses a `q` string over job field codes (built-in, and the custom fields of
/// `catalogue`). Fails with a message naming the unsupported or malformed part, or an unknown
/// field code.
pub fn parse(q: &str, catalogue: &Catalogue) -> Result<Expr, String> {
    parse_for(q, &|name| FieldCode::parse_in(name, catalogue))
}

/// Parses a `q` string over the field codes `F`, which `field` names (ignoring case; `None`
/// for an unknown code). Fails like [`parse`].
pub fn parse_for<F: Fields>(q: &str, field: &dyn Fn(&str) -> Option<F>) -> Result<Expr<F>, String> {
    let toks = tokenize(q)?;
    let mut p = Parser {
        toks,
        pos: 0,
        field,
    };
    let expr = p.or()?;
    match p.toks.get(p.pos) {
        None => Ok(expr),
        Some(t) => Err(format!(
            "unsupported filter: unexpected {} in `{q}`",
            describe(t)
        )),
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::LParen => "`(`".into(),
        Tok::RParen => "`)`".into(),
        Tok::And => "`&&`".into(),
        Tok::Or => "`||`".into(),
        Tok::Comma => "`,`".into(),
        Tok::Op(op) => format!("operator {op:?}"),
        Tok::Word(w) | Tok::Quoted(w) => format!("`{w}`"),
    }
}

fn tokenize(q: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = q.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let (tok, len) = match (c, next) {
            (c, _) if c.is_whitespace() => {
                i += 1;
                continue;
            }
            ('(', _) => (Tok::LParen, 1),
            (')', _) => (Tok::RParen, 1),
            (',', _) => (Tok::Comma, 1),
            ('&', Some('&')) => (Tok::And, 2),
            ('|', Some('|')) => (Tok::Or, 2),
            (':', _) => (Tok::Op(Op::Match), 1),
            ('=', Some('=')) => (Tok::Op(Op::Eq), 2),
            ('=', _) => (Tok::Op(Op::Eq), 1),
            ('!', Some('=')) => (Tok::Op(Op::Ne), 2),
            ('<', Some('=')) => (Tok::Op(Op::Le), 2),
            ('<', _) => (Tok::Op(Op::Lt), 1),
            ('>', Some('=')) => (Tok::Op(Op::Ge), 2),
            ('>', _) => (Tok::Op(Op::Gt), 1),
            ('"' | '\'', _) => {
                let end = chars[i + 1..]
                    .iter()
                    .position(|&ch| ch == c)
                    .ok_or_else(|| format!("unterminated quoted string in `{q}`"))?;
                let text: String = chars[i + 1..i + 1 + end].iter().collect();
                (Tok::Quoted(text), end + 2)
            }
            (c, _) if is_word_char(c) => {
                let len = chars[i..]
                    .iter()
                    .take_while(|&&ch| is_word_char(ch))
                    .count();
                let word: String = chars[i..i + len].iter().collect();
                let tok = if word.eq_ignore_ascii_case("and") {
                    Tok::And
                } else if word.eq_ignore_ascii_case("or") {
                    Tok::Or
                } else {
                    Tok::Word(word)
                };
                (tok, len)
            }
            (c, _) => return Err(format!("unsupported filter: `{c}` in `{q}`")),
        };
        toks.push(tok);
        i += len;
    }
    Ok(toks)
}

fn is_word_char(c: char) -> bool {
    !c.is_whitespace() && !"()&|:=!<>\"',".contains(c)
}

struct Parser<'f, F> {
    toks: Vec<Tok>,
    pos: usize,
    field: &'f dyn Fn(&str) -> Option<F>,
}

impl<F: Fields> Parser<'_, F> {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn bump(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }

    fn or(&mut self) -> Result<Expr<F>, String> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Tok::Or) {
            self.pos += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Expr<F>, String> {
        let mut parts = vec![self.atom()?];
        while self.peek() == Some(&Tok::And) {
            self.pos += 1;
            parts.push(self.atom()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::And(parts)
        })
    }

    fn atom(&mut self) -> Result<Expr<F>, String> {
        match self.bump() {
            Some(Tok::LParen) => {
                let inner = self.or()?;
                match self.bump() {
                    Some(Tok::RParen) => Ok(inner),
                    _ => Err("unsupported filter: missing `)`".into()),
                }
            }
            Some(Tok::Word(name)) => {
                let Some(Tok::Op(op)) = self.bump() else {
                    return Err(format!(
                        "unsupported filter: `{name}` must be followed by an operator such as `:` or `=`"
                    ));
                };
                if name.eq_ignore_ascii_case("is") {
                    return self.is_filter(op);
                }
                let field = (self.field)(&name).ok_or_else(|| format!("unknown field `{name}`"))?;
                let values = self.values(op, &name)?;
                if op == Op::Match {
                    let needles = Needles::new(values);
                    return Ok(Expr::Match { field, needles });
                }
                Ok(Expr::Cmp { field, op, values })
            }
            Some(t) => Err(format!("unsupported filter: unexpected {}", describe(&t))),
            None => Err("unsupported filter: expression ends early".into()),
        }
    }

    fn is_filter(&mut self, op: Op) -> Result<Expr<F>, String> {
        let word = match (op, self.bump()) {
            (Op::Match, Some(Tok::Word(w))) => w,
            _ => return Err("unsupported filter: `is` must be written `is:<name>`".into()),
        };
        let (field, value) = F::is_filter(&word).ok_or_else(|| {
            format!(
                "unsupported filter: `is:{word}` is not implemented (supported: {})",
                F::IS_FILTERS
            )
        })?;
        Ok(Expr::Cmp {
            field,
            op: Op::Eq,
            values: vec![value.to_string()],
        })
    }

    fn values(&mut self, op: Op, field: &str) -> Result<Vec<String>, String> {
        let mut values = Vec::new();
        loop {
            match self.peek() {
                Some(Tok::Word(w) | Tok::Quoted(w)) => {
                    let w = w.clone();
                    self.pos += 1;
                    if self.peek() == Some(&Tok::LParen) {
                        return Err(format!("unsupported filter: function `{w}(..)`"));
                    }
                    values.push(w);
                }
                _ if op == Op::Match && values.is_empty() => return Ok(values),
                _ => return Err(format!("unsupported filter: `{field}` needs a value")),
            }
            if op != Op::Match || self.peek() != Some(&Tok::Comma) {
                return Ok(values);
            }
            self.pos += 1;
        }
    }
}

/// A field's texts as a filter reads them: several for a list (see [`crate::values::texts`]),
/// none when unset. A plain text field's one text is lent, so filtering everyone copies nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Texts<'a> {
    /// The field's one text, borrowed.
    One(&'a str),
    /// The field's texts, built for the filter (none when unset).
    Owned(Vec<String>),
}

impl Texts<'_> {
    /// Whether `test` holds for one of the texts; for none, whether it holds for `""`.
    fn any_or_blank(&self, test: impl Fn(&str) -> bool) -> bool {
        match self {
            Texts::One(text) => test(text),
            Texts::Owned(texts) if texts.is_empty() => test(""),
            Texts::Owned(texts) => texts.iter().any(|t| test(t)),
        }
    }
}

impl From<Vec<String>> for Texts<'_> {
    fn from(texts: Vec<String>) -> Self {
        Texts::Owned(texts)
    }
}

impl<F: Copy> Expr<F> {
    /// Whether a row matches; `lookup` gives a field's texts.
    pub fn matches<'a>(&self, lookup: &dyn Fn(F) -> Texts<'a>) -> bool {
        match self {
            Expr::And(parts) => parts.iter().all(|p| p.matches(lookup)),
            Expr::Or(parts) => parts.iter().any(|p| p.matches(lookup)),
            Expr::Match { field, needles } => lookup(*field).any_or_blank(|a| needles.matches(a)),
            Expr::Cmp { field, op, values } => {
                let actual = lookup(*field);
                match op {
                    Op::Ne => !actual.any_or_blank(|a| compare(a, Op::Eq, values)),
                    _ => actual.any_or_blank(|a| compare(a, *op, values)),
                }
            }
        }
    }
}

fn compare(actual: &str, op: Op, values: &[String]) -> bool {
    let Some(first) = values.first() else {
        return actual.is_empty();
    };
    let actual_lc = actual.to_lowercase();
    let ordering = || match (actual.trim().parse::<f64>(), first.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a.partial_cmp(&b),
        _ => Some(actual_lc.cmp(&first.to_lowercase())),
    };
    match op {
        // Parsed into `Expr::Match`, never compared here.
        Op::Match => false,
        Op::Eq => ordering() == Some(std::cmp::Ordering::Equal),
        Op::Ne => ordering() != Some(std::cmp::Ordering::Equal),
        _ if actual.is_empty() => false,
        Op::Lt => ordering() == Some(std::cmp::Ordering::Less),
        Op::Le => matches!(
            ordering(),
            Some(std::cmp::Ordering::Less | std::cmp::Ordering::Equal)
        ),
        Op::Gt => ordering() == Some(std::cmp::Ordering::Greater),
        Op::Ge => matches!(
            ordering(),
            Some(std::cmp::Ordering::Greater | std::cmp::Ordering::Equal)
        ),
    }
}

#[cfg(test)]
#[path = "carrot_tests.rs"]
mod tests;
