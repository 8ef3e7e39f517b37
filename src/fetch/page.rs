//! Parsing a `findJobs` page (`{"data": [{code: value, ...}, ...], "next": "..."}`) straight
//! into the roster's arena: keys and string values are borrowed from the page's bytes whenever
//! they need no unescaping, and nothing is built per row but the roster's own references.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use super::error::RosterError;
use super::roster::Roster;

impl Roster {
    /// Adds one `findJobs` page, given as ChartHop's JSON bytes, and returns its `next` cursor.
    /// Rows without a job id are skipped; null and empty values count as absent; numbers and
    /// booleans are kept as their JSON text.
    ///
    /// Fails when the bytes are not a findJobs page, or a value is absurdly large; people of
    /// the page before the failure stay in the roster.
    pub fn push_page_json(&mut self, json: &[u8]) -> Result<Option<String>, RosterError> {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_slice(json);
        let mut failure = None;
        let next = PageSeed {
            roster: self,
            failure: &mut failure,
        }
        .deserialize(&mut de)?;
        de.end()?;
        match failure {
            Some(e) => Err(e),
            None => Ok(next),
        }
    }
}

/// The page object: its rows go into `roster`; yields the `next` cursor (when not blank).
/// A roster-side failure (a value too long) is put in `failure` and ends the page.
struct PageSeed<'r> {
    pub roster: &'r mut Roster,
    pub failure: &'r mut Option<RosterError>,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = Option<String>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a findJobs page object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut next = None;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            match key.0.as_ref() {
                "data" => map.next_value_seed(Rows {
                    roster: &mut *self.roster,
                    failure: &mut *self.failure,
                })?,
                "next" => {
                    next = map
                        .next_value::<Option<String>>()?
                        .filter(|n| !n.is_empty())
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(next)
    }
}

/// The `data` array (or `null`).
struct Rows<'r> {
    roster: &'r mut Roster,
    failure: &'r mut Option<RosterError>,
}

impl<'de> DeserializeSeed<'de> for Rows<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Rows<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of job rows")
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Row {
                roster: &mut *self.roster,
                failure: &mut *self.failure,
            })?
            .is_some()
        {
            if self.failure.is_some() {
                // Skip the rest of the page; the caller reports the failure.
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                break;
            }
        }
        Ok(())
    }
}

/// One job row.
struct Row<'r> {
    roster: &'r mut Roster,
    failure: &'r mut Option<RosterError>,
}

impl<'de> DeserializeSeed<'de> for Row<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Row<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a job row object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.roster.begin();
        let mut position = 0;
        while let Some(key) = map.next_key::<Text<'de>>()? {
            let value = map.next_value::<Cell<'de>>()?;
            let slot = self.roster.slot_at(position, &key.0);
            position += 1;
            if let Some(text) = value.0
                && let Err(e) = self.roster.set(slot, &text)
            {
                *self.failure = Some(e);
            }
        }
        if self.failure.is_some() {
            self.roster.abandon();
        } else {
            self.roster.end();
        }
        Ok(())
    }
}

/// A key or string, borrowed from the page when it has no escapes.
struct Text<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Text<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text<'de>, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// A row's value as text: strings as they are, numbers and booleans as their JSON text,
/// arrays and objects as compact JSON (money objects as `amount currency`); `None` for null
/// and for an empty array.
struct Cell<'de>(Option<Cow<'de, str>>);

impl<'de> de::Deserialize<'de> for Cell<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Cell<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Cell<'de>, E> {
                Ok(Cell(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Cell<'de>, E> {
                Ok(Cell(None))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Borrowed(if v { "true" } else { "false" }))))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cell<'de>, E> {
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Cell<'de>, E> {
                Ok(Cell(
                    serde_json::Number::from_f64(v).map(|n| Cow::Owned(n.to_string())),
                ))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell<'de>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                // An empty list (a job's `upcoming: []`, on nearly every row) is no value.
                if v.as_array().is_some_and(Vec::is_empty) {
                    return Ok(Cell(None));
                }
                Ok(Cell(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell<'de>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                let text = money_text(&v).unwrap_or_else(|| v.to_string());
                Ok(Cell(Some(Cow::Owned(text))))
            }
        }
        d.deserialize_any(V)
    }
}

use serde::Deserialize as _;

/// ChartHop's money objects as the text the diff compares: a `Money` (`{amount, currency}`)
/// as `85000 USD`, a base comp (`{interval, pay: Money, ..}`) as `85000 USD/YEARLY`; `None`
/// for any other object (kept as compact JSON). An amount may be a JSON number or a string.
pub(super) fn money_text(v: &serde_json::Value) -> Option<String> {
    let obj = v.as_object()?;
    if let Some(pay) = obj.get("pay") {
        let pay = money_text(pay)?;
        return Some(match obj.get("interval").and_then(|i| i.as_str()) {
            Some(interval) => format!("{pay}/{interval}"),
            None => pay,
        });
    }
    let amount = match obj.get("amount")? {
        serde_json::Value::Number(n) => n.to_string(),
        serde_json::Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    match obj.get("currency").and_then(|c| c.as_str()) {
        Some(c) if !c.trim().is_empty() => Some(format!("{amount} {}", c.trim())),
        _ => Some(amount),
    }
}

#[cfg(test)]
mod tests {
    use super::super::roster::Roster;

    #[test]
    fn money_objects_read_as_amount_and_currency() {
        let m = |j: &str| super::money_text(&serde_json::from_str(j).unwrap_or_default());
        assert_eq!(
            m(r#"{"amount":85000,"currency":"USD"}"#).as_deref(),
            Some("85000 USD")
        );
        assert_eq!(
            m(r#"{"amount":"85000.50","currency":"EUR","places":2}"#).as_deref(),
            Some("85000.50 EUR")
        );
        assert_eq!(
            m(r#"{"interval":"HOURLY","pay":{"amount":31,"currency":"USD"}}"#).as_deref(),
            Some("31 USD/HOURLY")
        );
        assert_eq!(m(r#"{"street1":"1 Main St"}"#), None);
        let mut r = Roster::new(Vec::new());
        r.push_page_json(
            br#"{"data":[{"jobId":"j1","base":{"amount":85000.0,"currency":"USD"}}]}"#,
        )
        .unwrap_or_default();
        let col = r.column("base");
        assert_eq!(col.map(|c| r.person(0).value(c)), Some("85000.0 USD"));
    }

    #[test]
    fn values_of_every_json_kind_and_escapes() {
        let mut r = Roster::default();
        let next = r
            .push_page_json(
                br#"{"next":"c2","data":[
                {"jobId":"j1","name":"Ana \"A\" B\u00e9","title":"Eng","fte":1,"remote":true,
                 "pay":85000.5,"tags":["a","b"],"x":null,"blank":""},
                {"name":"no job id"},
                {"jobId":"j2","title":"Eng","extra":{"k":1}}],"other":{"ignored":[1,2]}}"#,
            )
            .expect("parses");
        assert_eq!(next.as_deref(), Some("c2"));
        assert_eq!(r.len(), 2);
        let a = r.person(0);
        assert_eq!(a.job_id(), "j1");
        assert_eq!(a.name(), "Ana \"A\" Bé");
        assert_eq!(a.get("title"), "Eng");
        assert_eq!(a.get("fte"), "1");
        assert_eq!(a.get("remote"), "true");
        assert_eq!(a.get("pay"), "85000.5");
        assert_eq!(a.get("tags"), r#"["a","b"]"#);
        assert_eq!(a.get("x"), "");
        assert_eq!(a.get("blank"), "");
        let b = r.person(1);
        assert_eq!(b.get("extra"), r#"{"k":1}"#);
        assert_eq!(b.get("fte"), "");
        assert_eq!(r.find_job("j2"), Some(1));
        assert_eq!(r.find_job("j3"), None);
    }

    #[test]
    fn a_page_without_next_or_data_and_junk() {
        let mut r = Roster::default();
        assert_eq!(r.push_page_json(br#"{"data":[]}"#).expect("ok"), None);
        assert_eq!(r.push_page_json(br#"{"next":""}"#).expect("ok"), None);
        assert_eq!(
            r.push_page_json(br#"{"data":null,"next":null}"#)
                .expect("ok"),
            None
        );
        assert!(r.push_page_json(b"<html>").is_err());
        assert!(r.push_page_json(br#"{"data":[1]}"#).is_err());
        assert!(r.push_page_json(br#"{"data":[]} trailing"#).is_err());
    }
}
