//! Served values as text: for the admin view and process events ([`text`]: a `Money` object
//! reads `85000 USD`, an option list `A;B`, as an import cell would give them) and for Carrot
//! comparisons ([`texts`]: a list compares element by element, money by its amount).
//!
//! Layering: above `money` only.

use serde_json::Value;

use crate::money::Money;

/// The value as one text: a string as it is, a `Money` object as `amount CURRENCY`, a list as
/// its elements joined by `;`, null as empty, anything else as JSON.
pub fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(";"),
        other => Money::from_value(other).map_or_else(|| other.to_string(), |m| m.text()),
    }
}

/// The texts Carrot compares: each element of a list, a `Money` object's amount, else
/// [`text`].
pub fn texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().map(text).collect(),
        Value::Object(object) if Money::from_value(value).is_some() => object
            .get("amount")
            .map(|a| vec![a.to_string()])
            .unwrap_or_default(),
        other => vec![text(other)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_an_import_cell_would_give_them() {
        assert_eq!(text(&json!("x")), "x");
        assert_eq!(
            text(&json!({"amount": 85000, "currency": "USD"})),
            "85000 USD"
        );
        assert_eq!(text(&json!(["GO", "RUST"])), "GO;RUST");
        assert_eq!(text(&json!(true)), "true");
        assert_eq!(text(&json!(12)), "12");
        assert_eq!(texts(&json!(["GO", "RUST"])), vec!["GO", "RUST"]);
        assert_eq!(
            texts(&json!({"amount": 85000.5, "currency": "USD"})),
            vec!["85000.5"]
        );
        assert_eq!(
            texts(&json!({"street1": "1 Main"})),
            vec![r#"{"street1":"1 Main"}"#]
        );
    }
}
