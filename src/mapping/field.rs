//! One `[fields."code"]` table compiled into a [`Field`]: its source, steps, type and rules.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeValue};

use super::diag::did_you_mean;
use super::lookup::ValueTable;
use super::spec::{Item, Reader, get, key_span};
use super::transform::{self, Defaults};
use super::value::{KIND_NAMES, Kind};
use super::{Columns, Field, OnEmpty, Source, codes, cond, row, template};

const KEYS: [&str; 14] = [
    "from",
    "template",
    "transform",
    "type",
    "default",
    "required",
    "on_empty",
    "when",
    "map",
    "lookup",
    "resolve",
    "sensitive",
    "custom",
    "allow_formula",
];

/// What a field may refer to.
pub(super) struct Context<'a> {
    pub(super) defaults: &'a Defaults,
    pub(super) cols: &'a mut Columns,
    pub(super) tables: &'a mut Vec<ValueTable>,
    pub(super) lookup_names: &'a [String],
}

/// The keys a part of another section may use (`[departure] type = { ... }`): where the
/// text comes from and how it is looked up, nothing ChartHop-field-specific.
const PART_KEYS: [&str; 7] = [
    "from",
    "template",
    "transform",
    "default",
    "when",
    "map",
    "lookup",
];

pub(super) fn parse(
    r: &mut Reader,
    code: &Spanned<DeString<'_>>,
    item: &Item<'_>,
    cx: &mut Context<'_>,
) -> Option<Field> {
    // One spelling of every built-in code, whatever case the mapping writes it in.
    let name = codes::canonical(code.get_ref()).unwrap_or_else(|| code.get_ref().to_string());
    parse_as(r, &name, code.span(), item, cx, &KEYS, true)
}

/// A text value of another section compiled like a field (`from`, `transform`, `map`,
/// `lookup`, `default`, `when`), named `name` in messages; a plain string is a constant.
pub(super) fn parse_part(
    r: &mut Reader,
    name: &str,
    item: &Item<'_>,
    cx: &mut Context<'_>,
) -> Option<Field> {
    if let DeValue::String(s) = item.get_ref() {
        return Some(Field {
            code: name.to_string(),
            kind: Kind::Text,
            column: None,
            resolve_manager: false,
            sensitive: false,
            allow_formula: false,
            declared_custom: false,
            on_empty: OnEmpty::Keep,
            source: Source::Nothing,
            transforms: Vec::new(),
            when: None,
            default: Some(s.to_string()),
            table: None,
            required: false,
            options: None,
        });
    }
    parse_as(r, name, item.span(), item, cx, &PART_KEYS, false)
}

fn parse_as(
    r: &mut Reader,
    name: &str,
    name_span: Range<usize>,
    item: &Item<'_>,
    cx: &mut Context<'_>,
    keys: &[&str],
    field_code: bool,
) -> Option<Field> {
    let name = name.to_string();
    let t = r.table(item, &name)?;
    let context = if field_code {
        format!("field `{name}`")
    } else {
        format!("`{name}`")
    };
    r.check_keys(t, keys, &context);
    let errors_before = r.diags.items.len();
    let span_of = |k: &str| key_span(t, k).unwrap_or(name_span.clone());

    let declared_custom = get(t, "custom")
        .and_then(|v| r.boolean(v, "custom"))
        .unwrap_or(false);
    let custom = !field_code || declared_custom;
    if field_code && codes::is_departure(&name) {
        r.diags.error_hint(
            name_span.clone(),
            format!("`{name}` is written by a departure, not mapped as a field"),
            "a departure's field",
            Some("ChartHop records the last day (and the departure's type, regret and reason) from a departure: describe it with `[departure]` (`date = \"Termination Date\"`; see mappings/README.md)".into()),
        );
    }
    if !custom && let Err(closest) = codes::check(&name) {
        r.diags.error_hint(
            name_span.clone(),
            format!("`{name}` is not a ChartHop field"),
            "unknown ChartHop field",
            Some(format!(
                "did you mean `{closest}`? (for a custom field with this code, add `custom = true`)"
            )),
        );
    }

    let kind = match get(t, "type") {
        None => Kind::Text,
        Some(v) => match r.string(v, "type") {
            Some(s) => match Kind::parse(s) {
                Some(k) => k,
                None => {
                    r.diags.error_hint(
                        v.span(),
                        format!("unknown type `{s}`"),
                        "unknown type",
                        did_you_mean(s, KIND_NAMES)
                            .or_else(|| Some(format!("the types are: {}", KIND_NAMES.join(", ")))),
                    );
                    Kind::Text
                }
            },
            None => Kind::Text,
        },
    };

    let (source, column) = source(r, t, name_span.clone(), cx.cols);
    let transforms: Vec<_> = match get(t, "transform") {
        None => Vec::new(),
        Some(v) => match v.get_ref() {
            DeValue::Array(items) => items
                .iter()
                .filter_map(|i| transform::parse(r, i, cx.defaults))
                .collect(),
            DeValue::String(_) => transform::parse(r, v, cx.defaults).into_iter().collect(),
            _ => {
                r.mismatch(
                    v,
                    "transform",
                    "an array of transforms",
                    "transform = [\"trim\", \"lower\"]",
                );
                Vec::new()
            }
        },
    };
    let default = get(t, "default")
        .and_then(|v| r.string(v, "default"))
        .map(str::to_string);
    let required = get(t, "required")
        .and_then(|v| r.boolean(v, "required"))
        .unwrap_or(false);
    let sensitive = get(t, "sensitive")
        .and_then(|v| r.boolean(v, "sensitive"))
        .unwrap_or(false);
    let allow_formula = get(t, "allow_formula")
        .and_then(|v| r.boolean(v, "allow_formula"))
        .unwrap_or(false);
    let on_empty = match get(t, "on_empty") {
        None => OnEmpty::Keep,
        Some(v) => match r.string(v, "on_empty") {
            Some("keep") | None => OnEmpty::Keep,
            Some("clear") => OnEmpty::Clear,
            Some(other) => {
                r.diags.error_hint(
                    v.span(),
                    format!("`on_empty` must be \"keep\" or \"clear\", not `{other}`"),
                    "unknown value",
                    did_you_mean(other, ["keep", "clear"]),
                );
                OnEmpty::Keep
            }
        },
    };
    let when = get(t, "when").and_then(|v| cond::parse(r, v, "when", cx.cols));
    let resolve_manager = match get(t, "resolve") {
        None => false,
        Some(v) => match r.string(v, "resolve") {
            Some("manager") => true,
            Some(other) => {
                r.diags.error_hint(
                    v.span(),
                    format!("unknown resolver `{other}`"),
                    "unknown resolver",
                    Some("the only resolver is `manager`".into()),
                );
                false
            }
            None => false,
        },
    };

    let table = table(r, t, &name, cx);

    // Rules between keys.
    if matches!(source, Source::Nothing)
        && default.is_none()
        && !r.diags.items[errors_before..]
            .iter()
            .any(|d| d.label == "choose one")
    {
        r.diags.error_hint(
            name_span.clone(),
            format!(
                "{} has neither `from`, `template` nor `default`",
                if field_code {
                    format!("the field `{name}`")
                } else {
                    format!("`{name}`")
                }
            ),
            "no source",
            Some("name the export column with `from = \"Column\"`".into()),
        );
    }
    if resolve_manager && kind != Kind::Text {
        r.diags.error(
            span_of("type"),
            "a `resolve = \"manager\"` field holds a payroll id: its type must be text",
            "type mismatch",
        );
    }
    if on_empty == OnEmpty::Clear && (required || default.is_some()) {
        r.diags.error_hint(
            span_of("on_empty"),
            "`on_empty = \"clear\"` never applies to a field that is required or has a default",
            "never applies",
            Some("remove one of them".into()),
        );
    }
    if let (Some(d), None) = (&default, table)
        && let Err(why) = row::typed(kind, d, cx.defaults)
    {
        let span = get(t, "default").map_or(name_span.clone(), |v| v.span());
        r.diags.error_hint(
            span,
            format!(
                "type mismatch: the default of a {} field is not one: {why}",
                kind_name(kind)
            ),
            "type mismatch",
            None,
        );
    }
    if r.diags.items.len() > errors_before {
        return None;
    }
    Some(Field {
        code: name,
        kind,
        column,
        resolve_manager,
        sensitive,
        allow_formula,
        declared_custom,
        on_empty,
        source,
        transforms,
        when,
        default,
        table,
        required,
        options: None,
    })
}

/// A kind as prose, for messages (`text`, `a date`, ...).
pub(super) fn kind_label(k: Kind) -> &'static str {
    match k {
        Kind::Text => "text",
        Kind::Date => "a date",
        Kind::Number => "a number",
        Kind::Money => "money",
        Kind::Boolean => "yes or no",
    }
}

fn kind_name(k: Kind) -> &'static str {
    match k {
        Kind::Text => "text",
        Kind::Date => "date",
        Kind::Number => "number",
        Kind::Money => "money",
        Kind::Boolean => "boolean",
    }
}

/// `from` (one column or several) or `template`.
fn source(
    r: &mut Reader,
    t: &toml::de::DeTable<'_>,
    code_span: Range<usize>,
    cols: &mut Columns,
) -> (Source, Option<String>) {
    match (get(t, "from"), get(t, "template")) {
        (Some(_), Some(_)) => {
            let span = key_span(t, "template").unwrap_or(code_span);
            r.diags.error_hint(
                span,
                "a field has `from` or `template`, not both",
                "choose one",
                Some("a template names its columns itself: `\"{First} {Last}\"`".into()),
            );
            (Source::Nothing, None)
        }
        (Some(v), None) => {
            let names = r.strings(v, "from");
            let first = names.first().map(|(n, _)| n.clone());
            let ids: Vec<usize> = names
                .iter()
                .map(|(n, s)| cols.intern(n, s.clone()))
                .collect();
            match ids.as_slice() {
                [] => (Source::Nothing, None),
                [one] => (Source::Column(*one), first),
                _ => (Source::First(ids), first),
            }
        }
        (None, Some(v)) => {
            let Some(text) = r.string(v, "template") else {
                return (Source::Nothing, None);
            };
            match template::parse(r, text, v.span(), cols) {
                Some(tpl) => {
                    let first = tpl.columns().next().map(|c| cols.names[c].clone());
                    (Source::Template(tpl), first)
                }
                None => (Source::Nothing, None),
            }
        }
        (None, None) => (Source::Nothing, None),
    }
}

/// `map` (inline) or `lookup` (named): the index of the table.
fn table(
    r: &mut Reader,
    t: &toml::de::DeTable<'_>,
    code: &str,
    cx: &mut Context<'_>,
) -> Option<usize> {
    match (get(t, "map"), get(t, "lookup")) {
        (Some(_), Some(_)) => {
            let span = key_span(t, "lookup").unwrap_or(0..0);
            r.diags.error(
                span,
                "a field has `map` or `lookup`, not both",
                "choose one",
            );
            None
        }
        (Some(m), None) => {
            let entries = r
                .string_table(m, "map")
                .into_iter()
                .map(|(k, _, v, _)| (k, v));
            // A field's table is `fields.CODE.map`; a section's part names itself.
            let name = if code.starts_with("departure.") {
                format!("{code}.map")
            } else {
                format!("fields.{code}.map")
            };
            cx.tables.push(ValueTable::inline(name, entries));
            Some(cx.tables.len() - 1)
        }
        (None, Some(l)) => {
            let name = r.string(l, "lookup")?;
            let full = format!("lookups.{name}");
            match cx.tables.iter().position(|t| t.name == full) {
                Some(i) => Some(i),
                // Declared but broken: its own problem is already reported.
                None if cx.lookup_names.iter().any(|n| n == name) => None,
                None => {
                    let hint = did_you_mean(name, cx.lookup_names.iter().map(String::as_str)).or_else(|| {
                        Some(format!("define it: `[lookups.{name}]` with `file = \"{name}.csv\"` or `entries = {{ ... }}`"))
                    });
                    r.diags.error_hint(
                        l.span(),
                        format!("there is no lookup `{name}`"),
                        "unknown lookup",
                        hint,
                    );
                    None
                }
            }
        }
        (None, None) => None,
    }
}
