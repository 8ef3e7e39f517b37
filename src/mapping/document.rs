//! The whole mapping document: `[source]`, `[key]`, `[lookups.*]`, `[fields.*]`, `[[skip]]`
//! and `[[tests]]`, read in one pass that records every problem.

use std::path::Path;
use std::sync::Arc;

use toml::de::{DeTable, DeValue};

use super::spec::{Reader, get, key_span};
use super::transform::{self, Defaults, date::DateParser};
use super::{
    Columns, Key, Mapping, MappingError, Skip, Trust, cond, field, lifecycle, lookup, selftest,
};

const TOP: [&str; 9] = [
    "source",
    "key",
    "fields",
    "lookups",
    "skip",
    "tests",
    "departure",
    "effective",
    "import",
];
const SOURCE: [&str; 8] = [
    "sheet",
    "date_formats",
    "decimal",
    "currency",
    "country",
    "header_row",
    "encoding",
    "delimiter",
];

pub(super) fn parse(path: &Path, text: &str) -> Result<Mapping, MappingError> {
    let (doc, errors) = DeTable::parse_recoverable(text);
    let mut r = Reader::new();
    for e in &errors {
        r.diags.error(
            e.span().unwrap_or(0..0),
            format!("invalid TOML: {}", e.message().trim()),
            "here",
        );
    }
    if !errors.is_empty() {
        // A broken document gives unreliable tables: report the syntax, not its echoes.
        return Err(MappingError::invalid(path, text, r.diags.items));
    }
    let doc = doc.get_ref();
    r.check_keys(doc, &TOP, "a mapping");
    let mut cols = Columns::default();

    let defaults = source(&mut r, doc);
    let sheet = get(doc, "source")
        .and_then(|s| match s.get_ref() {
            DeValue::Table(t) => get(t, "sheet"),
            _ => None,
        })
        .and_then(|s| r.string(s, "sheet"))
        .map(str::to_string);

    let (header_row, encoding, delimiter) = read_source(&mut r, doc);
    let key = key(&mut r, doc, &mut cols);

    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tables = Vec::new();
    let mut lookup_names: Vec<String> = Vec::new();
    if let Some(item) = get(doc, "lookups")
        && let Some(t) = r.table(item, "lookups")
    {
        for (name, v) in t.iter() {
            lookup_names.push(name.get_ref().to_string());
            if let Some(lt) = r.table(v, name.get_ref())
                && let Some(table) = lookup::parse(&mut r, name.get_ref(), lt, dir)
            {
                tables.push(table);
            }
        }
    }

    let mut fields = Vec::new();
    let mut declared: Vec<String> = Vec::new();
    match get(doc, "fields") {
        None => r.diags.error_hint(
            0..0,
            "the mapping has no `[fields]`",
            "",
            Some("add `[fields.\"contact.workEmail\"]` with `from = \"Work Email\"`".into()),
        ),
        Some(item) => {
            if let Some(t) = r.table(item, "fields") {
                let mut cx = field::Context {
                    defaults: &defaults,
                    cols: &mut cols,
                    tables: &mut tables,
                    lookup_names: &lookup_names,
                };
                let mut seen: Vec<(String, usize)> = Vec::new();
                for (code, v) in t.iter() {
                    let dup = seen
                        .iter()
                        .find(|(c, _)| c.eq_ignore_ascii_case(code.get_ref()));
                    if let Some((first, at)) = dup {
                        r.diags.error_hint(
                            code.span(),
                            format!("the field `{}` is mapped twice", code.get_ref()),
                            "second mapping of the field",
                            Some(format!(
                                "`{first}` is already mapped on line {}; ChartHop field codes ignore case",
                                line_of(text, *at)
                            )),
                        );
                        continue;
                    }
                    seen.push((code.get_ref().to_string(), code.span().start));
                    declared.push(code.get_ref().to_string());
                    if let Some(f) = field::parse(&mut r, code, v, &mut cx) {
                        fields.push(f);
                    }
                }
            }
        }
    }
    whole_mapping_rules(&mut r, doc, &fields);

    let mut skips = Vec::new();
    if let Some(item) = get(doc, "skip")
        && let Some(list) = r.array(item, "skip")
    {
        for s in list {
            let Some(t) = r.table(s, "skip") else {
                continue;
            };
            r.check_keys(t, &["when", "reason"], "a `[[skip]]` rule");
            let reason = get(t, "reason")
                .and_then(|v| r.string(v, "reason"))
                .map(str::to_string);
            let when = match get(t, "when") {
                Some(w) => cond::parse(&mut r, w, "when", &mut cols),
                None => {
                    r.diags.error(
                        s.span(),
                        "the `[[skip]]` rule has no `when`",
                        "no condition",
                    );
                    None
                }
            };
            if reason.is_none() && get(t, "reason").is_none() {
                r.diags.error_hint(s.span(), "the `[[skip]]` rule has no `reason`", "no reason", Some("say why, e.g. `reason = \"contractors\"`: the plan counts skipped rows by reason".into()));
            }
            if let (Some(reason), Some(when)) = (reason, when) {
                skips.push(Skip { reason, when });
            }
        }
    }

    let departure = {
        let mut cx = field::Context {
            defaults: &defaults,
            cols: &mut cols,
            tables: &mut tables,
            lookup_names: &lookup_names,
        };
        lifecycle::departure(&mut r, doc, &mut cx)
    };
    let effective_col = lifecycle::effective(&mut r, doc, &mut cols);
    let create_groups = lifecycle::import_section(&mut r, doc);

    let tests = match get(doc, "tests") {
        Some(item) => selftest::parse(&mut r, item, &fields, &declared, &cols),
        None => Vec::new(),
    };

    let Some((key, key_col, fallback_col)) = key else {
        return Err(MappingError::invalid(path, text, r.diags.items));
    };
    if !r.diags.is_empty() {
        return Err(MappingError::invalid(path, text, r.diags.items));
    }
    Ok(Mapping {
        path: path.to_path_buf(),
        sheet,
        header_row,
        encoding,
        delimiter,
        key,
        fields,
        skips,
        departure,
        effective_col,
        create_groups,
        tables,
        columns: cols,
        key_col,
        fallback_col,
        defaults,
        tests,
        text: text.to_string(),
    })
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset)
        .map_or(1, |t| t.matches('\n').count() + 1)
}

/// `[source]`: the defaults fields use.
fn source(r: &mut Reader, doc: &DeTable<'_>) -> Defaults {
    let mut d = Defaults {
        dates: Arc::new(DateParser::default()),
        decimal: '.',
        currency: None,
        country: None,
    };
    let Some(t) = get(doc, "source").and_then(|s| r.table(s, "source")) else {
        return d;
    };
    r.check_keys(t, &SOURCE, "`[source]`");
    if let Some(v) = get(t, "date_formats") {
        let mut ok = Vec::new();
        for (f, span) in r.strings(v, "date_formats") {
            match transform::date::compile(&f) {
                Ok(_) => ok.push(f),
                Err(m) => r.diags.error_hint(
                    span,
                    m,
                    "bad date format",
                    Some(transform::DATE_HINT.into()),
                ),
            }
        }
        if let Ok(p) = DateParser::new(&ok) {
            d.dates = Arc::new(p);
        }
    }
    if let Some(v) = get(t, "decimal") {
        d.decimal = transform::decimal(r, v, "decimal").unwrap_or('.');
    }
    if let Some(v) = get(t, "currency") {
        d.currency = transform::currency(r, v, "currency");
    }
    if let Some(v) = get(t, "country") {
        d.country = transform::country(r, v, "country");
    }
    d
}

type ReadSource = (
    crate::read::HeaderRow,
    Option<crate::read::TextEncoding>,
    Option<u8>,
);

/// `[source]`'s `header_row` ("auto", "first" or a row number from 1), `encoding` and
/// `delimiter` (one ASCII character, or `tab`), for the reader.
fn read_source(r: &mut Reader, doc: &DeTable<'_>) -> ReadSource {
    use crate::read::{HeaderRow, TextEncoding};
    let mut out: ReadSource = (HeaderRow::First, None, None);
    let Some(t) = get(doc, "source").and_then(|s| match s.get_ref() {
        DeValue::Table(t) => Some(t),
        _ => None,
    }) else {
        return out;
    };
    if let Some(v) = get(t, "header_row") {
        let parsed = match v.get_ref() {
            DeValue::Integer(i) => i
                .as_str()
                .parse::<usize>()
                .ok()
                .filter(|n| *n >= 1)
                .map(HeaderRow::Row),
            DeValue::String(w) => HeaderRow::parse(w),
            _ => None,
        };
        match parsed {
            Some(h) => out.0 = h,
            None => r.diags.error_hint(
                v.span(),
                "`header_row` must be `auto`, `first` or a row number from 1",
                "not a header row",
                Some("write it like `header_row = \"auto\"` or `header_row = 3`".into()),
            ),
        }
    }
    if let Some(v) = get(t, "encoding")
        && let Some(name) = r.string(v, "encoding")
    {
        match TextEncoding::parse(name) {
            Some(e) => out.1 = Some(e),
            None => r.diags.error_hint(
                v.span(),
                format!("unknown encoding `{name}`"),
                "unknown encoding",
                Some(
                    "one of utf-8, utf-16le, utf-16be, windows-1252 (or leave it out to detect)"
                        .into(),
                ),
            ),
        }
    }
    if let Some(v) = get(t, "delimiter")
        && let Some(d) = r.string(v, "delimiter")
    {
        match d {
            "tab" | "\t" => out.2 = Some(b'\t'),
            d if d.len() == 1 && d.is_ascii() && d != "\"" => out.2 = Some(d.as_bytes()[0]),
            _ => r.diags.error_hint(
                v.span(),
                format!("`{d}` is not one ASCII character (or `tab`) other than a quote"),
                "not a delimiter",
                Some("write it like `delimiter = \";\"` (or leave it out to detect)".into()),
            ),
        }
    }
    out
}

type KeyParts = (Key, usize, Option<usize>);

/// `[key]`: the payroll column and ChartHop field that match a row to a person.
fn key(r: &mut Reader, doc: &DeTable<'_>, cols: &mut Columns) -> Option<KeyParts> {
    let Some(item) = get(doc, "key") else {
        r.diags.error_hint(0..0, "the mapping has no `[key]`", "", Some("add `[key]` with `payroll = \"Employee ID\"` and `charthop = \"contact.employee\"`".into()));
        return None;
    };
    let t = r.table(item, "key")?;
    r.check_keys(t, &["payroll", "charthop", "fallback", "trust"], "`[key]`");
    let trust = match get(t, "trust") {
        None => Trust::Email,
        Some(v) => match r.string(v, "trust") {
            Some("email") | None => Trust::Email,
            Some("payroll") => Trust::Payroll,
            Some(other) => {
                r.diags.error_hint(
                    v.span(),
                    format!("`trust` must be \"payroll\" or \"email\", not `{other}`"),
                    "unknown value",
                    Some("`payroll`: a work email that differs from ChartHop's is an email change to apply; `email` (the default): it is a conflict to settle by hand".into()),
                );
                Trust::Email
            }
        },
    };
    let pair = |r: &mut Reader,
                t: &DeTable<'_>,
                span: std::ops::Range<usize>,
                what: &str,
                cols: &mut Columns| {
        let payroll = match get(t, "payroll") {
            Some(v) => r
                .string(v, "payroll")
                .map(|s| (s.to_string(), cols.intern(s, v.span()))),
            None => {
                r.diags.error(
                    span.clone(),
                    format!("{what} has no `payroll` column"),
                    "missing `payroll`",
                );
                None
            }
        };
        let charthop = match get(t, "charthop") {
            Some(v) => r
                .string(v, "charthop")
                .map(|c| super::codes::canonical(c).unwrap_or_else(|| c.to_string())),
            None => {
                r.diags.error(
                    span,
                    format!("{what} has no `charthop` field"),
                    "missing `charthop`",
                );
                None
            }
        };
        Some((payroll?, charthop?))
    };
    let span = key_span(doc, "key").unwrap_or(0..0);
    let main = pair(r, t, span, "`[key]`", cols);
    let fallback = match get(t, "fallback") {
        Some(f) => {
            let ft = r.table(f, "fallback")?;
            r.check_keys(ft, &["payroll", "charthop"], "`[key] fallback`");
            Some(pair(r, ft, f.span(), "`fallback`", cols)?)
        }
        None => None,
    };
    let ((payroll, key_col), charthop) = main?;
    Some((
        Key {
            payroll_column: payroll,
            charthop_field: charthop,
            fallback: fallback.as_ref().map(|((p, _), c)| (p.clone(), c.clone())),
            trust,
        },
        key_col,
        fallback.map(|((_, c), _)| c),
    ))
}

/// Rules about the set of fields: the work email is mapped, at most one manager.
fn whole_mapping_rules(r: &mut Reader, doc: &DeTable<'_>, fields: &[super::Field]) {
    let span = key_span(doc, "fields").unwrap_or(0..0);
    if !r.diags.is_empty() {
        return;
    }
    if !fields
        .iter()
        .any(|f| f.code.eq_ignore_ascii_case("contact.workEmail"))
    {
        r.diags.error_hint(
            span.clone(),
            "the mapping does not map `contact.workEmail`",
            "",
            Some(
                "ChartHop matches imported rows by work email; add [fields.\"contact.workEmail\"]"
                    .into(),
            ),
        );
    }
    if fields.iter().filter(|f| f.resolve_manager).count() > 1 {
        r.diags
            .error(span, "only one field may resolve a manager", "");
    }
}
