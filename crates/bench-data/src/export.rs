//! The payroll export: 15 columns in the shape HR systems write them, with the noise they
//! carry (padded names, mixed-case e-mails, titles with commas, several date layouts, grouped
//! salaries).

use std::io::Write;
use std::path::Path;

use crate::people::Change;
use crate::{Person, Spec};

/// The export's header.
pub const HEADER: [&str; 16] = [
    "Employee ID",
    "First Name",
    "Last Name",
    "Work Email",
    "Job Title",
    "Department",
    "Location",
    "Country",
    "Hire Date",
    "Annual Salary",
    "Currency",
    "Manager ID",
    "Employment Type",
    "Status",
    "Termination Date",
    "Cost Center",
];

/// The termination date of every departed person.
const DEPARTED_ON: chrono::NaiveDate = match chrono::NaiveDate::from_ymd_opt(2025, 6, 30) {
    Some(d) => d,
    None => chrono::NaiveDate::MIN,
};

/// A cell of the export: text, or (for a workbook) a number or a date.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Text(String),
    Number(f64),
    Date(chrono::NaiveDate),
}

/// The export row of `p`, as cells. `as_text` gives the CSV form of numbers and dates (dates
/// in one of three layouts, salaries grouped with two decimals); otherwise ids and salaries
/// are numbers and hire dates are dates, as in a workbook.
pub(super) fn cells(p: &Person, as_text: bool) -> [Cell; 16] {
    let n = p.noise;
    let pad = |s: &str, bit: u64| match (n >> bit) % 16 {
        0 => format!("  {s}"),
        1 => format!("{s} "),
        _ => s.to_string(),
    };
    let email = p.email();
    let email = if n.is_multiple_of(7) {
        mixed_case(&email)
    } else {
        email
    };
    let (location, country, currency) = p.export_location();
    let text = |s: String| Cell::Text(s);
    let id = if as_text {
        text(p.employee_id.to_string())
    } else {
        Cell::Number(p.employee_id as f64)
    };
    let hire = if as_text {
        text(match (n >> 12) % 3 {
            0 => p.hire.format("%m/%d/%Y").to_string(),
            1 => p.hire.format("%Y-%m-%d").to_string(),
            _ => p.hire.format("%d %b %Y").to_string(),
        })
    } else {
        Cell::Date(p.hire)
    };
    let salary = if as_text {
        text(grouped(p.salary_cents))
    } else {
        Cell::Number(p.salary_cents as f64 / 100.0)
    };
    let manager = match p.manager_employee_id() {
        None => text(String::new()),
        Some(m) if as_text => text(m.to_string()),
        Some(m) => Cell::Number(m as f64),
    };
    let employment = p.employment().0;
    let employment = if (n >> 20).is_multiple_of(9) {
        employment.to_lowercase()
    } else {
        employment.to_string()
    };
    let status = match (p.change, (n >> 24) % 50) {
        (Change::Departed, _) => "Terminated",
        (_, 0) => "On Leave",
        _ => "Active",
    };
    // A departure's last day: after every hire date the generator makes (2005-2024), before
    // any day the bench runs on.
    let termination = match (p.change, as_text) {
        (Change::Departed, true) => text(DEPARTED_ON.format("%m/%d/%Y").to_string()),
        (Change::Departed, false) => Cell::Date(DEPARTED_ON),
        _ => text(String::new()),
    };
    let title = p.export_title();
    let title = if (n >> 28).is_multiple_of(40) {
        format!("{title} ")
    } else {
        title
    };
    [
        id,
        text(pad(p.first.0, 4)),
        text(pad(p.last.0, 8)),
        text(email),
        text(title),
        text(p.export_department().to_string()),
        text(location.to_string()),
        text(country.to_string()),
        hire,
        salary,
        text(currency.to_string()),
        manager,
        text(employment),
        text(status.to_string()),
        termination,
        text(format!("CC-{:03}", p.department * 10 + p.location)),
    ]
}

/// `first.last.id@bench.example` -> `First.Last.id@Bench.Example`.
fn mixed_case(email: &str) -> String {
    let mut out = String::with_capacity(email.len());
    let mut up = true;
    for c in email.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        up = matches!(c, '.' | '@');
    }
    out
}

/// Cents as `85,000.00`.
fn grouped(cents: u64) -> String {
    let units = (cents / 100).to_string();
    let mut out = String::with_capacity(units.len() + 4);
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    format!("{out}.{:02}", cents % 100)
}

/// Writes the export of `spec` as UTF-8 CSV with CRLF line ends and minimal quoting.
///
/// Fails with the I/O error.
pub fn write_csv(path: &Path, spec: &Spec) -> std::io::Result<()> {
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(file);
    w.write_record(HEADER)?;
    let mut record = Vec::with_capacity(HEADER.len());
    for i in 0..spec.rows {
        record.clear();
        for cell in cells(&spec.person(i), true) {
            record.push(match cell {
                Cell::Text(t) => t,
                Cell::Number(f) => f.to_string(),
                Cell::Date(d) => d.to_string(),
            });
        }
        w.write_record(&record)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn salaries_are_grouped_and_emails_mixed() {
        assert_eq!(grouped(8_500_050), "85,000.50");
        assert_eq!(grouped(12_345_678_900), "123,456,789.00");
        assert_eq!(grouped(99_900), "999.00");
        assert_eq!(
            mixed_case("ada.obi.1@bench.example"),
            "Ada.Obi.1@Bench.Example"
        );
    }
}
