//! A custom field's cell (an import's, a seed's), checked by the field's type and turned into
//! the value the emulator stores and serves ([`parse`]): text as given, a DATE as ISO, a DECIMAL
//! (or INTEGER, whole numbers only) as a JSON number, MONEY as the spec's `Money` object, a BOOLEAN as `true`/`false`, an ENUM
//! as its option's `name` (matched by name or label, ignoring case and surrounding spaces), an
//! ENUM_MULTI as a list of option names (the cell split on `;`), a PERSON as the person id of
//! the work email given. An option the field lacks is refused, unless the field has
//! `shouldAutoAddValue`: then it becomes a new option (name and label as written), returned so
//! the caller adds it when it stores the value.
//!
//! Pure: the caller looks people up. Layering: above `catalogue`, `money` and `dates`; below
//! `attr` (which carries a [`CustomSet`]) and `state`.

use serde_json::Value;

use crate::catalogue::{CustomField, EnumValue, Kind};
use crate::money::Money;

/// A checked value of custom field `field` (a catalogue handle), with the options it adds.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomSet {
    /// The field's handle in the org's catalogue.
    pub field: u16,
    /// The value to store.
    pub value: Value,
    /// Options to add to the field first (only for a field with `shouldAutoAddValue`).
    pub added: Vec<EnumValue>,
}

/// Checks `raw` (not blank) as a value of `field`; `person_id` gives the person id of a work
/// email (for PERSON fields). Returns the value to store and the options it adds.
///
/// Fails with a message naming the field and the cell: a date that is not M/D/YYYY or
/// YYYY-MM-DD, a number or amount of money that does not read, a boolean other than
/// true/false/yes/no/1/0, an option the field does not have (listing those it has), no option
/// in an ENUM_MULTI cell, or an unknown work email.
pub fn parse(
    field: &CustomField,
    raw: &str,
    person_id: &dyn Fn(&str) -> Option<String>,
) -> Result<(Value, Vec<EnumValue>), String> {
    let raw = raw.trim();
    let code = &field.name;
    let value = match field.kind {
        Kind::Date => crate::dates::parse_cell(raw)
            .map(|d| Value::String(d.to_string()))
            .ok_or_else(|| format!("field `{code}`: `{raw}` is not M/D/YYYY or YYYY-MM-DD"))?,
        Kind::Decimal => {
            number(raw).ok_or_else(|| format!("field `{code}`: `{raw}` is not a number"))?
        }
        Kind::Integer => raw
            .parse::<i64>()
            .map(Value::from)
            .map_err(|_| format!("field `{code}`: `{raw}` is not a whole number"))?,
        Kind::Money => Money::parse(raw).map(|m| m.to_value()).ok_or_else(|| {
            format!("field `{code}`: `{raw}` is not an amount of money (`85000` or `85000 USD`)")
        })?,
        Kind::Boolean => boolean(raw)
            .map(Value::Bool)
            .ok_or_else(|| format!("field `{code}`: `{raw}` is not true or false"))?,
        Kind::Person => person_id(raw)
            .map(Value::String)
            .ok_or_else(|| format!("field `{code}`: no person with work email `{raw}`"))?,
        Kind::Enum => {
            let mut added = Vec::new();
            let name = option(field, raw, &mut added)?;
            return Ok((Value::String(name), added));
        }
        Kind::EnumMulti => {
            let mut added = Vec::new();
            let mut names: Vec<String> = Vec::new();
            for part in raw.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                let name = option(field, part, &mut added)?;
                if !names.iter().any(|n| n.eq_ignore_ascii_case(&name)) {
                    names.push(name);
                }
            }
            if names.is_empty() {
                return Err(format!(
                    "field `{code}`: `{raw}` names no option (separate options with `;`)"
                ));
            }
            return Ok((Value::from(names), added));
        }
        _ => Value::String(raw.to_string()),
    };
    Ok((value, Vec::new()))
}

/// The name of the option `raw` names: one of the field's, one added earlier in this cell, or
/// (with `shouldAutoAddValue`) a new one pushed onto `added`.
fn option(field: &CustomField, raw: &str, added: &mut Vec<EnumValue>) -> Result<String, String> {
    if let Some(v) = field.option(raw) {
        return Ok(v.name.clone());
    }
    if let Some(v) = added.iter().find(|v| v.name.eq_ignore_ascii_case(raw)) {
        return Ok(v.name.clone());
    }
    if !field.auto_add {
        let known: Vec<String> = field
            .values
            .iter()
            .map(|v| format!("`{}`", v.label))
            .collect();
        return Err(format!(
            "field `{}`: `{raw}` is not one of its options ({})",
            field.name,
            if known.is_empty() {
                "it has none".to_string()
            } else {
                known.join(", ")
            }
        ));
    }
    added.push(EnumValue {
        name: raw.to_string(),
        label: raw.to_string(),
    });
    Ok(raw.to_string())
}

/// A whole number as an integer, else a finite decimal; `None` otherwise.
fn number(raw: &str) -> Option<Value> {
    if let Ok(whole) = raw.parse::<i64>() {
        return Some(Value::from(whole));
    }
    let plain = raw
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-');
    let n = raw.parse::<f64>().ok().filter(|n| plain && n.is_finite())?;
    serde_json::Number::from_f64(n).map(Value::Number)
}

fn boolean(raw: &str) -> Option<bool> {
    match raw.to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Some(true),
        "false" | "no" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::{Entity, NOT_SENSITIVE};
    use serde_json::json;

    fn field(kind: Kind, auto_add: bool) -> CustomField {
        CustomField {
            id: "5e0000000000000000000001".into(),
            name: "f".into(),
            label: "F".into(),
            description: None,
            kind,
            values: vec![
                EnumValue {
                    name: "GO".into(),
                    label: "Go".into(),
                },
                EnumValue {
                    name: "RUST".into(),
                    label: "Rust Lang".into(),
                },
            ],
            entity: Entity::Person,
            sensitive: NOT_SENSITIVE.into(),
            readonly: false,
            calc: None,
            expr: None,
            auto_add,
        }
    }

    fn ok(kind: Kind, raw: &str) -> Value {
        let people = |email: &str| (email == "ada@x").then(|| "7b01".to_string());
        parse(&field(kind, false), raw, &people)
            .unwrap_or_else(|e| panic!("{e}"))
            .0
    }

    fn err(kind: Kind, raw: &str) -> String {
        parse(&field(kind, false), raw, &|_| None)
            .err()
            .unwrap_or_default()
    }

    #[test]
    fn each_type_reads_its_cells_and_says_what_is_wrong() {
        assert_eq!(ok(Kind::String, " a b "), json!("a b"));
        assert_eq!(ok(Kind::Date, "3/1/2021"), json!("2021-03-01"));
        assert_eq!(ok(Kind::Date, "2021-03-01"), json!("2021-03-01"));
        assert!(err(Kind::Date, "31/12/2020").contains("`31/12/2020` is not M/D/YYYY"));
        assert_eq!(ok(Kind::Decimal, "12"), json!(12));
        assert_eq!(ok(Kind::Decimal, "-0.5"), json!(-0.5));
        assert!(err(Kind::Decimal, "inf").contains("is not a number"));
        assert!(err(Kind::Decimal, "1,000").contains("is not a number"));
        assert_eq!(ok(Kind::Integer, "40"), json!(40));
        assert!(err(Kind::Integer, "0.5").contains("is not a whole number"));
        assert_eq!(
            ok(Kind::Money, "85000 USD"),
            json!({"amount": 85000, "currency": "USD", "places": 0})
        );
        assert_eq!(ok(Kind::Money, "85000")["currency"], "USD");
        assert!(err(Kind::Money, "lots").contains("not an amount of money"));
        assert_eq!(ok(Kind::Boolean, "Yes"), json!(true));
        assert_eq!(ok(Kind::Boolean, "0"), json!(false));
        assert!(err(Kind::Boolean, "maybe").contains("not true or false"));
        assert_eq!(ok(Kind::Person, "ada@x"), json!("7b01"));
        assert_eq!(
            err(Kind::Person, "nobody@x"),
            "field `f`: no person with work email `nobody@x`"
        );
    }

    #[test]
    fn options_match_by_name_or_label_and_only_auto_add_fields_grow() {
        assert_eq!(ok(Kind::Enum, " rust lang "), json!("RUST"));
        assert_eq!(ok(Kind::Enum, "go"), json!("GO"));
        assert_eq!(
            err(Kind::Enum, "Java"),
            "field `f`: `Java` is not one of its options (`Go`, `Rust Lang`)"
        );
        assert_eq!(ok(Kind::EnumMulti, "Go; rust;GO;"), json!(["GO", "RUST"]));
        assert!(err(Kind::EnumMulti, " ; ").contains("names no option"));
        let (value, added) = parse(&field(Kind::EnumMulti, true), "Go;Java;java", &|_| None)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(value, json!(["GO", "Java"]));
        assert_eq!(
            added,
            vec![EnumValue {
                name: "Java".into(),
                label: "Java".into()
            }]
        );
    }
}
