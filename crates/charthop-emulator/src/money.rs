//! Money as ChartHop holds it: an amount and a currency. Read from text (`85000 USD`,
//! `85000.50 eur`, `USD 85000`, or a bare `85000` in the org's currency), kept as text
//! (`85000 USD`), and served as the spec's `Money` object (`{"amount": 85000, "currency":
//! "USD", "places": 0}`: `amount` and `currency` are what the schema requires; `places` is the
//! number of decimals the amount was given with).
//!
//! Layering: a leaf; it uses no other module of the crate.

use serde_json::{Map, Value};

/// The currency of an amount given without one (the emulator's orgs are US orgs).
pub const DEFAULT_CURRENCY: &str = "USD";

/// An amount of money.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Money {
    /// The amount as written, without a leading `+` (e.g. `85000`, `85000.50`, `-12.5`).
    amount: String,
    /// An ISO 4217 code in upper case.
    currency: String,
}

impl Money {
    /// Reads `85000`, `85000.50 USD`, `usd 85000` (surrounding spaces ignored; the code is any
    /// three letters). `None` for anything else: grouping commas, symbols, an empty amount.
    pub fn parse(raw: &str) -> Option<Money> {
        let parts: Vec<&str> = raw.split_whitespace().collect();
        let (amount, currency) = match parts.as_slice() {
            [amount] => (*amount, DEFAULT_CURRENCY),
            [a, b] if is_code(b) => (*a, *b),
            [a, b] if is_code(a) => (*b, *a),
            _ => return None,
        };
        let amount = amount.strip_prefix('+').unwrap_or(amount);
        is_amount(amount).then(|| Money {
            amount: amount.to_string(),
            currency: currency.to_ascii_uppercase(),
        })
    }

    /// The text the emulator stores: `85000 USD`.
    pub fn text(&self) -> String {
        format!("{} {}", self.amount, self.currency)
    }

    /// The spec's `Money` object: the amount as a JSON number (a whole number when it has no
    /// decimals), its currency, and `places`.
    pub fn to_value(&self) -> Value {
        let places = self.amount.split_once('.').map_or(0, |(_, f)| f.len());
        let amount = match self.amount.parse::<i64>() {
            Ok(whole) => Value::from(whole),
            Err(_) => self
                .amount
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
                .map_or(Value::Null, Value::Number),
        };
        let mut object = Map::new();
        object.insert("amount".into(), amount);
        object.insert("currency".into(), Value::String(self.currency.clone()));
        object.insert("places".into(), Value::from(places));
        Value::Object(object)
    }

    /// Reads a `Money` object back: `{"amount": 85000, "currency": "USD", ..}` (with `places`,
    /// the amount keeps that many decimals: `1200.50`); `None` for any other value.
    pub fn from_value(value: &Value) -> Option<Money> {
        let object = value.as_object()?;
        let places = object
            .get("places")
            .and_then(Value::as_u64)
            .and_then(|p| usize::try_from(p).ok())
            .unwrap_or(0);
        let amount = match object.get("amount")? {
            Value::Number(n) if places > 0 => format!("{:.places$}", n.as_f64()?),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let currency = object.get("currency")?.as_str()?;
        Some(Money {
            amount,
            currency: currency.to_string(),
        })
    }
}

fn is_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_alphabetic())
}

/// Digits with at most one `.` between digits, and an optional leading `-`.
fn is_amount(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn money_reads_with_or_without_a_currency_and_serves_as_the_spec_object() {
        let m = |s: &str| Money::parse(s).map(|m| (m.text(), m.to_value()));
        assert_eq!(
            m("85000 USD"),
            Some((
                "85000 USD".into(),
                json!({"amount": 85000, "currency": "USD", "places": 0})
            ))
        );
        assert_eq!(m(" 85000 ").map(|(t, _)| t).as_deref(), Some("85000 USD"));
        assert_eq!(
            m("eur 1250.50").map(|(_, v)| v),
            Some(json!({"amount": 1250.5, "currency": "EUR", "places": 2}))
        );
        for bad in [
            "",
            "85,000 USD",
            "$85000",
            "USD",
            "85000 US",
            "1.2.3",
            "12. USD",
            "85000 USD x",
        ] {
            assert_eq!(Money::parse(bad), None, "{bad}");
        }
        let back = Money::from_value(&json!({"amount": 85000, "currency": "USD"}));
        assert_eq!(back.map(|m| m.text()).as_deref(), Some("85000 USD"));
        assert_eq!(Money::from_value(&json!("85000 USD")), None);
        let cents = Money::parse("1200.50 EUR").map(|m| m.to_value());
        assert_eq!(
            cents
                .as_ref()
                .and_then(Money::from_value)
                .map(|m| m.text())
                .as_deref(),
            Some("1200.50 EUR"),
            "round trip"
        );
    }
}
