//! The CSV side of `importDataCsv`: parsing the upload and matching its header to columns
//! ([`Column`]: a built-in field, a custom field of the org, the `Job ID` key, or a lifecycle
//! column such as `End Date`).
//!
//! Pure and synchronous; applying a row is `import_row`'s, the async process around it
//! (progress, status, persistence) `routes::import`'s. Row numbers are file lines with the
//! header as line 1. Layering: above `state` (attributes), `catalogue`, `builtin` (stored
//! fields' labels) and `model`; below `import_row`.

use std::collections::BTreeMap;

use crate::catalogue::Catalogue;
use crate::state::Attr;

/// What a header names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Column {
    /// A field to set (or, for Work Email without a Job ID, the row's key).
    Field(Attr),
    /// `Job ID` / `jobId`: the row's key when not blank.
    JobId,
    /// `End Date` / `endDate`: the last day worked (a departure).
    EndDate,
    /// `Depart Type` / `departType`: `Voluntary` or `Involuntary`.
    DepartType,
    /// `backfillJob`: whether the departure leaves an open backfill job (default yes).
    Backfill,
    /// `Depart Regret` / `departRegret`: `Regret` or `Non-regret`.
    DepartRegret,
    /// `Depart Reason` / `departReason`: free text.
    DepartReason,
    /// `Date`: the row's effective date.
    Date,
    /// A custom field of the org, by catalogue handle.
    Custom(u16),
}

/// A CSV upload whose header has been matched to columns.
#[derive(Clone, Debug)]
pub struct ParsedCsv {
    /// The header cells as written.
    pub headers: Vec<String>,
    /// What each column is.
    pub columns: Vec<Column>,
    /// The data rows.
    pub rows: Vec<CsvRow>,
}

/// One data row.
#[derive(Clone, Debug)]
pub struct CsvRow {
    /// 1-based file line where the row starts (the first data row is 2).
    pub line: u64,
    /// The cells, as written.
    pub cells: Vec<String>,
}

impl ParsedCsv {
    /// Each row as a header -> cell map, for the upload log.
    pub fn row_maps(&self) -> Vec<BTreeMap<String, String>> {
        self.rows
            .iter()
            .map(|row| {
                self.headers
                    .iter()
                    .cloned()
                    .zip(row.cells.iter().cloned())
                    .collect()
            })
            .collect()
    }
}

/// A header as matched: lower case, without spaces and dots.
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The column a header names, matched like [`header_attr`] (`End Date`, `endDate` and
/// `end date` are all the departure's last day).
pub fn header_column(header: &str) -> Option<Column> {
    Some(match squash(header).as_str() {
        "jobid" => Column::JobId,
        "enddate" => Column::EndDate,
        "departtype" => Column::DepartType,
        "backfilljob" => Column::Backfill,
        "departregret" => Column::DepartRegret,
        "departreason" => Column::DepartReason,
        "date" => Column::Date,
        _ => Column::Field(header_attr(header)?),
    })
}

/// The attribute a header names, matched by field code or label ignoring case, spaces and dots
/// (`Work Email`, `workemail`, `contact.workEmail` and `contact workemail` are all work email).
pub fn header_attr(header: &str) -> Option<Attr> {
    let key = squash(header);
    Some(match key.as_str() {
        "workemail" | "contactworkemail" => Attr::WorkEmail,
        "firstname" | "namefirst" => Attr::FirstName,
        "lastname" | "namelast" => Attr::LastName,
        "prefname" | "preferredname" | "namepref" => Attr::PrefName,
        "title" | "jobtitle" => Attr::Title,
        "department" | "departmentname" => Attr::Department,
        "location" | "locationname" => Attr::Location,
        "manager" | "manageremail" | "managercontactworkemail" => Attr::ManagerEmail,
        "startdate" => Attr::StartDate,
        "employment" | "employmenttype" => Attr::Employment,
        "employeeid" | "contactemployee" => Attr::EmployeeId,
        "homeemail" | "contacthomeemail" => Attr::HomeEmail,
        "workphone" | "contactworkphone" => Attr::WorkPhone,
        other => {
            let i = crate::model::STORED.iter().position(|code| {
                squash(code) == other
                    || crate::builtin::get(code).is_some_and(|f| squash(f.label) == other)
            })?;
            Attr::Stored(u8::try_from(i).ok()?)
        }
    })
}

/// The 1-based file line of the record that starts at byte `start`. Counted from the text itself:
/// the CSV reader's own line count lags by one after a CRLF (it counts the `\n` of a line's
/// terminator only when it reads the next record, whose start may then sit on that `\n`).
fn file_line(text: &str, start: u64) -> u64 {
    let bytes = text.as_bytes();
    let mut at = usize::try_from(start)
        .unwrap_or(usize::MAX)
        .min(bytes.len());
    while at < bytes.len() && matches!(bytes[at], b'\r' | b'\n') {
        at += 1;
    }
    let newlines = bytes[..at].iter().filter(|&&b| b == b'\n').count();
    u64::try_from(newlines).map_or(u64::MAX, |n| n + 1)
}

/// The column a header names among the built-in ones ([`header_column`]), else the custom field
/// whose code it is (ignoring case and surrounding spaces: custom fields are imported by code,
/// never by label).
///
/// Fails, with a message for a 400, on an unknown header, or a custom field an import cannot
/// write (read-only, or computed by `calc`/`expr`): ChartHop refuses such a file.
pub fn column_in(header: &str, catalogue: &Catalogue) -> Result<Column, String> {
    if let Some(column) = header_column(header) {
        return Ok(column);
    }
    let (handle, field) = catalogue
        .find(header)
        .ok_or_else(|| format!("unknown column `{header}`"))?;
    match field.not_importable() {
        Some(why) => Err(format!(
            "column `{header}`: the field `{}` cannot be imported: {why}",
            field.name
        )),
        None => Ok(Column::Custom(handle)),
    }
}

/// Parses the CSV text (BOM already stripped) and matches its header against the built-in
/// columns and the org's custom fields in `catalogue`.
///
/// Fails, with a message for a 400, on a missing header row, an unknown, duplicate or
/// not importable column (see [`column_in`]), a missing Work Email column (unless there is a
/// Job ID column), or a CSV syntax error (naming its line).
pub fn parse(text: &str, catalogue: &Catalogue) -> Result<ParsedCsv, String> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| format!("reading the CSV header: {e}"))?
        .iter()
        .map(str::to_string)
        .collect();
    if headers.iter().all(|h| h.trim().is_empty()) {
        return Err("the CSV file has no header row".into());
    }
    let mut columns = Vec::with_capacity(headers.len());
    for header in &headers {
        let column = column_in(header, catalogue)?;
        if columns.contains(&column) {
            return Err(format!("duplicate column `{header}`"));
        }
        columns.push(column);
    }
    if !columns.contains(&Column::Field(Attr::WorkEmail)) && !columns.contains(&Column::JobId) {
        return Err("missing column `Work Email`".into());
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| match e.position() {
            Some(p) => format!("CSV line {}: {e}", p.line()),
            None => format!("CSV: {e}"),
        })?;
        let line = record.position().map_or(0, |p| file_line(text, p.byte()));
        rows.push(CsvRow {
            line,
            cells: record.iter().map(str::to_string).collect(),
        });
    }
    Ok(ParsedCsv {
        headers,
        columns,
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_codes_and_labels_loosely() {
        assert_eq!(header_attr(" Work  EMAIL "), Some(Attr::WorkEmail));
        assert_eq!(header_attr("contact.WorkEmail"), Some(Attr::WorkEmail));
        assert_eq!(header_attr("contact workemail"), Some(Attr::WorkEmail));
        assert_eq!(header_attr("Preferred Name"), Some(Attr::PrefName));
        assert_eq!(header_attr("Employment Type"), Some(Attr::Employment));
        assert_eq!(header_attr("Manager Email"), Some(Attr::ManagerEmail));
        assert_eq!(header_attr("Salary"), None);
    }

    #[test]
    fn other_built_in_fields_match_by_code_or_label() {
        let base = crate::model::STORED
            .iter()
            .position(|c| *c == "base")
            .unwrap() as u8;
        assert_eq!(header_attr("Base"), Some(Attr::Stored(base)));
        assert_eq!(header_attr("base"), Some(Attr::Stored(base)));
        assert_eq!(header_attr("Middle Name"), header_attr("name.middle"));
        assert_eq!(
            header_attr("workAddress.country"),
            header_attr("Work Country")
        );
        assert_eq!(header_column("End Date"), Some(Column::EndDate));
        assert_eq!(Attr::Stored(base).code(), "base");
    }

    #[test]
    fn lifecycle_columns_match_by_code_or_label() {
        for (header, want) in [
            ("endDate", Column::EndDate),
            ("Depart Type", Column::DepartType),
            ("departtype", Column::DepartType),
            ("backfillJob", Column::Backfill),
            ("Depart Regret", Column::DepartRegret),
            ("departReason", Column::DepartReason),
            ("Date", Column::Date),
            ("Job ID", Column::JobId),
            ("jobId", Column::JobId),
        ] {
            assert_eq!(header_column(header), Some(want), "{header}");
        }
        assert_eq!(
            header_column("Work Email"),
            Some(Column::Field(Attr::WorkEmail))
        );
        assert_eq!(header_column("Backfill"), None);
    }

    fn parse(text: &str) -> Result<ParsedCsv, String> {
        super::parse(text, &Catalogue::default())
    }

    #[test]
    fn custom_fields_are_columns_by_code_only_and_computed_ones_refuse_the_file() {
        use crate::catalogue::{CustomField, Entity, Kind, NOT_SENSITIVE};
        let field = |name: &str, expr: Option<&str>| CustomField {
            id: "5e0000000000000000000001".into(),
            name: name.into(),
            label: "National ID".into(),
            description: None,
            kind: Kind::String,
            values: Vec::new(),
            entity: Entity::Person,
            sensitive: NOT_SENSITIVE.into(),
            readonly: false,
            calc: None,
            expr: expr.map(str::to_string),
            auto_add: false,
        };
        let c = Catalogue::new(vec![
            field("nationalId", None),
            field("annualCost", Some("base * 1.3")),
        ]);
        assert_eq!(column_in(" NATIONALID ", &c), Ok(Column::Custom(0)));
        assert_eq!(
            column_in("National ID", &c).err().as_deref(),
            Some("unknown column `National ID`"),
            "a custom field's label is not its header"
        );
        assert_eq!(column_in("Title", &c), Ok(Column::Field(Attr::Title)));
        let err = super::parse("Work Email,annualcost\n", &c)
            .err()
            .unwrap_or_default();
        assert!(
            err.contains("column `annualcost`: the field `annualCost` cannot be imported")
                && err.contains("expr `base * 1.3`"),
            "{err}"
        );
        let ok =
            super::parse("Work Email,nationalId\na@x,1\n", &c).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ok.columns[1], Column::Custom(0));
    }

    #[test]
    fn parse_rejects_bad_headers_by_name() {
        assert_eq!(
            parse("Work Email,Salary\n").err().as_deref(),
            Some("unknown column `Salary`")
        );
        assert_eq!(
            parse("Title\nx\n").err().as_deref(),
            Some("missing column `Work Email`")
        );
        assert!(
            parse("workemail,Work Email\n")
                .err()
                .unwrap_or_default()
                .contains("duplicate")
        );
        assert!(parse("Job ID,Title\n6a01,T\n").is_ok());
        let ok = parse("Work Email,Title\na@x,T\nb@x,\n").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ok.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3]
        );
        assert_eq!(ok.row_maps()[0].get("Title").map(String::as_str), Some("T"));
        // CRLF line ends, and a quoted cell over two lines, count as the file shows them.
        let crlf = parse("Work Email,Title\r\na@x,T\r\nb@x,\"two\r\nlines\"\r\nc@x,\r\n")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            crlf.rows.iter().map(|r| r.line).collect::<Vec<_>>(),
            vec![2, 3, 5]
        );
    }
}
