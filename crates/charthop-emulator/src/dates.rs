//! Calendar dates: the two spellings an import cell may use (`M/D/YYYY` as ChartHop's import
//! docs write them, and ISO `YYYY-MM-DD`), strict ISO for the wire and the seed, the system's
//! UTC date, and serde helpers that store dates as ISO text.
//!
//! It knows nothing of the org or of HTTP. Layering: a leaf; it uses no other module of the
//! crate.

use chrono::NaiveDate;

/// Parses an import cell: `M/D/YYYY` (one- or two-digit month and day, four-digit year) or
/// `YYYY-MM-DD`, surrounding spaces ignored. `None` for anything else or an impossible day.
pub fn parse_cell(raw: &str) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.contains('/') {
        let parts: Vec<&str> = raw.split('/').collect();
        let [m, d, y] = parts.as_slice() else {
            return None;
        };
        let ok = |s: &str, lens: &[usize]| {
            lens.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
        };
        if !(ok(m, &[1, 2]) && ok(d, &[1, 2]) && ok(y, &[4])) {
            return None;
        }
        return NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    }
    parse_iso(raw)
}

/// Parses strict ISO `YYYY-MM-DD` (four, two and two digits). `None` otherwise.
pub fn parse_iso(raw: &str) -> Option<NaiveDate> {
    let b = raw.as_bytes();
    let digits =
        |r: std::ops::Range<usize>| b.get(r).is_some_and(|s| s.iter().all(u8::is_ascii_digit));
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) || !digits(5..7) {
        return None;
    }
    if !digits(8..10) {
        return None;
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d").ok()
}

/// Today's date in UTC, from the system clock.
pub fn today_utc() -> NaiveDate {
    chrono::Utc::now().date_naive()
}

/// Serde for `Option<NaiveDate>` as ISO text (or null), without chrono's `serde` feature.
pub mod iso_opt {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the date as `YYYY-MM-DD`, or null.
    pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.serialize_some(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    /// Reads `YYYY-MM-DD` or null; fails on any other text.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let raw: Option<String> = Option::deserialize(d)?;
        raw.map(|r| {
            super::parse_iso(&r)
                .ok_or_else(|| serde::de::Error::custom(format!("date `{r}` is not YYYY-MM-DD")))
        })
        .transpose()
    }
}

/// Serde for `NaiveDate` as ISO text.
pub mod iso {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes the date as `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(date: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&date.to_string())
    }

    /// Reads `YYYY-MM-DD`; fails on any other text.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let raw = String::deserialize(d)?;
        super::parse_iso(&raw)
            .ok_or_else(|| serde::de::Error::custom(format!("date `{raw}` is not YYYY-MM-DD")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn cells_accept_us_and_iso_spellings_only() {
        assert_eq!(parse_cell("1/5/2022"), d(2022, 1, 5));
        assert_eq!(parse_cell(" 12/31/2024 "), d(2024, 12, 31));
        assert_eq!(parse_cell("01/05/2022"), d(2022, 1, 5));
        assert_eq!(parse_cell("2022-01-05"), d(2022, 1, 5));
        for bad in [
            "1/5/22",
            "2022/01/05",
            "2022-1-5",
            "13/1/2022",
            "2/30/2024",
            "5.1.2022",
            "",
            "1/5/2022/1",
            "+1/5/2022",
        ] {
            assert_eq!(parse_cell(bad), None, "{bad}");
        }
        assert_eq!(parse_iso("1/5/2022"), None);
        assert_eq!(parse_iso("2024-02-29"), d(2024, 2, 29));
    }
}
