//! Typing a field's final text, and setting values in place for the reusing row path.

use super::super::transform::{Defaults, number};
use super::super::value::{Kind, Value, parse_bool};

/// Sets `slot` to a copy of `text`, reusing the string it holds.
pub(super) fn set_text(slot: &mut Option<String>, text: Option<&str>) {
    let Some(text) = text else {
        *slot = None;
        return;
    };
    match slot {
        Some(s) => {
            s.clear();
            s.push_str(text);
        }
        None => *slot = Some(text.to_string()),
    }
}

/// [`typed`] into `slot`: text trades strings with the slot's old text value, so no new one is
/// made; `buf` holds that old string (or its own copy) after.
pub(super) fn typed_into(
    kind: Kind,
    buf: &mut String,
    d: &Defaults,
    slot: &mut Option<Value>,
) -> Result<(), String> {
    if kind != Kind::Text {
        *slot = Some(typed(kind, buf, d)?);
        return Ok(());
    }
    super::super::transform::text::to_nfc(buf);
    match slot {
        Some(Value::Text(s)) => std::mem::swap(s, buf),
        _ => *slot = Some(Value::Text(buf.clone())),
    }
    Ok(())
}

/// Types a field's final text (trimmed for every type but text).
///
/// Fails with the reason when the text is not a date in ISO or `[source] date_formats`, not a
/// number (`[source] decimal`), not an amount with a currency (`[source] currency` as the
/// default), or not a yes/no.
pub(crate) fn typed(kind: Kind, text: &str, d: &Defaults) -> Result<Value, String> {
    let t = super::super::transform::text::trimmed(text);
    Ok(match kind {
        Kind::Text => {
            let mut text = text.to_string();
            super::super::transform::text::to_nfc(&mut text);
            Value::Text(text)
        }
        Kind::Date => Value::Date(d.dates.parse(t).ok_or_else(|| {
            let formats = d.dates.formats();
            if formats.is_empty() {
                format!("`{t}` is not an ISO date (YYYY-MM-DD); set `[source] date_formats` for other layouts")
            } else {
                format!("`{t}` is not a date in ISO or any of {formats:?}")
            }
        })?),
        Kind::Number => Value::Number(number::parse_number(t, d.decimal)?),
        Kind::Money => {
            let (amount, currency) = number::parse_money(t, d.decimal, d.currency.as_deref())?;
            Value::Money { amount, currency }
        }
        Kind::Boolean => Value::Boolean(parse_bool(t).ok_or_else(|| format!("`{t}` is not yes or no"))?),
    })
}
