//! Spreadsheet cells to text, by fixed rules, so the same export gives the same rows as CSV or
//! as a workbook:
//!
//! - text as is (leading zeros kept: `00123`);
//! - whole numbers without a fraction (`1001`, not `1001.0`); other numbers in the shortest
//!   form that reads back the same (`85000.5`);
//! - date cells as ISO 8601 (`2021-03-01`, or `2021-03-01T08:30:00` when there is a time,
//!   rounded to the nearest second), in the 1900 and 1904 date systems. Only a cell whose
//!   number format is a date format is a date cell: a plain number is never turned into a date;
//! - booleans `true`/`false`; empty cells as empty text;
//! - an error cell (`#REF!`, `#N/A`) is `Err` with its value, for the caller to report.

use calamine::{Data, DataRef, ExcelDateTime};

/// The text of a cell from calamine's streaming reader; `Err` carries an error cell's value.
pub(super) fn text_ref(cell: &DataRef<'_>) -> Result<String, String> {
    Ok(match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_string(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => number_text(*f),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => excel_datetime_text(dt),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::Error(e) => return Err(e.to_string()),
    })
}

/// The text of a cell from a calamine range (`.xls`, `.ods`); `Err` carries an error value.
pub(super) fn text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => excel_datetime_text(dt),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => return Err(e.to_string()),
    })
}

/// A date cell as ISO 8601; a duration cell (`[h]:mm`) or a serial out of range as a number.
fn excel_datetime_text(dt: &ExcelDateTime) -> String {
    if dt.is_datetime() {
        match dt.as_datetime() {
            Some(value) => datetime_text(value),
            None => number_text(dt.as_f64()),
        }
    } else {
        number_text(dt.as_f64())
    }
}

/// Whole numbers without a fraction; others in the shortest form that reads back the same
/// (Rust's `Display` for `f64` is the shortest round-trip form, without an exponent).
pub(super) fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A date, or a date and time rounded to the nearest second.
fn datetime_text(value: chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    let rounded = if value.nanosecond() >= 500_000_000 {
        value + chrono::Duration::seconds(1)
    } else {
        value
    };
    let rounded = rounded.with_nanosecond(0).unwrap_or(rounded);
    if rounded.time() == chrono::NaiveTime::MIN {
        rounded.date().format("%Y-%m-%d").to_string()
    } else {
        rounded.format("%Y-%m-%dT%H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::ExcelDateTimeType;

    #[test]
    fn numbers_read_back_exactly() {
        assert_eq!(number_text(1001.0), "1001");
        assert_eq!(number_text(85000.5), "85000.5");
        assert_eq!(number_text(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(number_text(-3.0), "-3");
        assert_eq!(number_text(-0.0), "0");
    }

    #[test]
    fn datetimes_round_to_the_second() {
        let d = chrono::NaiveDate::from_ymd_opt(2021, 3, 1).unwrap();
        assert_eq!(datetime_text(d.and_hms_opt(0, 0, 0).unwrap()), "2021-03-01");
        let t = d.and_hms_milli_opt(8, 29, 59, 700).unwrap();
        assert_eq!(datetime_text(t), "2021-03-01T08:30:00");
        let t = d.and_hms_milli_opt(8, 29, 59, 400).unwrap();
        assert_eq!(datetime_text(t), "2021-03-01T08:29:59");
    }

    #[test]
    fn serials_in_both_date_systems() {
        let cell = |v, is_1904| {
            text(&Data::DateTime(ExcelDateTime::new(
                v,
                ExcelDateTimeType::DateTime,
                is_1904,
            )))
            .unwrap()
        };
        assert_eq!(cell(44256.0, false), "2021-03-01");
        assert_eq!(cell(42794.0, true), "2021-03-01");
        // 08:30 is 0.3541666… of a day: not exact in binary, rounded to the second.
        assert_eq!(cell(44256.0 + 8.5 / 24.0, false), "2021-03-01T08:30:00");
        assert_eq!(text(&Data::Float(44256.0)).unwrap(), "44256");
    }

    #[test]
    fn error_cells_are_errors() {
        let e = text(&Data::Error(calamine::CellErrorType::Ref)).unwrap_err();
        assert_eq!(e, "#REF!");
        assert_eq!(text(&Data::String("00123".into())).unwrap(), "00123");
        assert_eq!(text(&Data::Bool(true)).unwrap(), "true");
    }
}
