//! `inspect`: what the reader sees in an export. Without `--json`, a profile for people on
//! stderr (format, encoding, delimiter, sheets, header row, each column with samples and its
//! share of empty cells, row counts); with `--json`, one JSON object per data row on stdout and
//! nothing else there.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::output::Ui;
use crate::pipeline::{Error, exit};
use crate::read::{self, HeaderRow, ReadOptions, Table, TextEncoding};
use crate::settings::Settings;

/// How many distinct sample values to show per column.
const SAMPLES: usize = 3;

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The payroll export (.csv, .xlsx, .xlsm, .xls, .ods).
    pub file: PathBuf,
    /// The sheet to read (spreadsheets); default: the first visible sheet.
    #[arg(long)]
    pub sheet: Option<String>,
    /// The header's row number, or `auto` to find it under title lines; default: the first
    /// non-blank row.
    #[arg(long, value_name = "N|auto")]
    pub header_row: Option<HeaderRow>,
    /// The CSV encoding (utf-8, utf-16le, utf-16be, windows-1252); default: detected.
    #[arg(long, value_parser = parse_encoding)]
    pub encoding: Option<TextEncoding>,
    /// The CSV delimiter (`,` `;` `|` or `tab`); default: detected.
    #[arg(long, value_parser = parse_delimiter)]
    pub delimiter: Option<u8>,
    /// Print one JSON object per data row on stdout (header name -> cell text), nothing else.
    #[arg(long)]
    pub json: bool,
}

fn parse_encoding(text: &str) -> Result<TextEncoding, String> {
    TextEncoding::parse(text)
        .ok_or_else(|| format!("`{text}` is not one of utf-8, utf-16le, utf-16be, windows-1252"))
}

/// `,` `;` `|`, `tab` (or `\t`), or another single ASCII character.
pub(super) fn parse_delimiter(text: &str) -> Result<u8, String> {
    match text {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        t if t.len() == 1 && t.is_ascii() && t != "\"" => Ok(t.as_bytes()[0]),
        _ => Err(format!(
            "`{text}` is not a single ASCII character (or `tab`) other than a quote"
        )),
    }
}

/// Runs `inspect`. Needs no ChartHop settings: only the `[read]` caps.
pub async fn inspect(
    config: Option<&std::path::Path>,
    args: InspectArgs,
    ui: &Ui,
) -> Result<u8, Error> {
    let limits = Settings::load_read_limits(config)?;
    let options = ReadOptions {
        sheet: args.sheet,
        delimiter: args.delimiter,
        encoding: args.encoding,
        header_row: args.header_row.unwrap_or_default(),
        limits,
    };
    let table = read::open(&args.file, &options)?;
    if args.json {
        print_json(table)?;
    } else {
        let profile = Profile::collect(table)?;
        ui.say(&profile.render());
    }
    Ok(exit::OK)
}

/// One JSON object per row, keys in header order. A closed stdout (`| head`) ends quietly.
fn print_json(mut table: Table) -> Result<(), Error> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let keys: Vec<String> = table
        .header
        .iter()
        .map(|h| serde_json::Value::from(h.as_str()).to_string())
        .collect();
    let mut line = String::new();
    for row in table.by_ref() {
        let row = row?;
        line.clear();
        line.push('{');
        for (i, (key, cell)) in keys.iter().zip(&row.cells).enumerate() {
            if i > 0 {
                line.push(',');
            }
            line.push_str(key);
            line.push(':');
            line.push_str(&serde_json::Value::from(cell.as_str()).to_string());
        }
        line.push_str("}\n");
        if let Err(e) = out.write_all(line.as_bytes()) {
            return quiet_pipe(e);
        }
    }
    out.flush().or_else(quiet_pipe)
}

fn quiet_pipe(e: std::io::Error) -> Result<(), Error> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        return Ok(());
    }
    Err(Error::Io {
        what: "writing to stdout".into(),
        source: e,
    })
}

/// What `inspect` shows about a table, gathered in one pass.
struct Profile {
    info: read::SourceInfo,
    columns: Vec<Column>,
    rows: usize,
    blank_rows: usize,
}

struct Column {
    name: String,
    empty: usize,
    samples: Vec<String>,
}

impl Profile {
    fn collect(mut table: Table) -> Result<Profile, Error> {
        let mut columns: Vec<Column> = table
            .header
            .iter()
            .map(|name| Column {
                name: name.clone(),
                empty: 0,
                samples: Vec::new(),
            })
            .collect();
        let mut rows = 0;
        for row in table.by_ref() {
            let row = row?;
            rows += 1;
            for (col, cell) in columns.iter_mut().zip(row.cells) {
                if cell.trim().is_empty() {
                    col.empty += 1;
                } else if col.samples.len() < SAMPLES && !col.samples.contains(&cell) {
                    col.samples.push(cell);
                }
            }
        }
        Ok(Profile {
            info: table.info.clone(),
            columns,
            rows,
            blank_rows: table.blank_rows,
        })
    }

    fn render(&self) -> String {
        let i = &self.info;
        let mut lines = vec![
            format!("file:        {}", i.path.display()),
            format!(
                "format:      {}",
                serde_json::to_value(i.format)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_string))
                    .unwrap_or_default()
            ),
        ];
        if let Some(enc) = i.encoding {
            let bom = if i.bom { " (with BOM)" } else { "" };
            lines.push(format!("encoding:    {enc}{bom}"));
        }
        if let Some(d) = i.delimiter {
            let shown = if d == '\t' {
                "tab".to_string()
            } else {
                format!("`{d}`")
            };
            lines.push(format!("delimiter:   {shown}"));
        }
        if let Some(sheet) = &i.sheet {
            let others: Vec<String> = i
                .sheets
                .iter()
                .filter(|s| *s != sheet)
                .map(|s| format!("`{s}`"))
                .collect();
            let others = if others.is_empty() {
                String::new()
            } else {
                format!(" (other sheets: {})", others.join(", "))
            };
            lines.push(format!("sheet:       `{sheet}`{others}"));
        }
        lines.push(format!("header row:  {}", i.header_row));
        for w in &i.warnings {
            lines.push(format!("warning:     {w}"));
        }
        lines.push(format!(
            "rows:        {} data rows, {} blank rows skipped",
            self.rows, self.blank_rows
        ));
        lines.push(format!("columns:     {}", self.columns.len()));
        let width = self
            .columns
            .iter()
            .map(|c| c.name.chars().count())
            .max()
            .unwrap_or(0);
        for (n, c) in self.columns.iter().enumerate() {
            let share = if self.rows == 0 {
                0.0
            } else {
                100.0 * c.empty as f64 / self.rows as f64
            };
            let samples: Vec<String> = c.samples.iter().map(|s| format!("{s:?}")).collect();
            lines.push(format!(
                "  {:>3}  {:<width$}  {:>5.1}% empty  {}",
                n + 1,
                c.name,
                share,
                samples.join(", ")
            ));
        }
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_people_type() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter("\"").is_err());
        assert!(parse_delimiter(";;").is_err());
    }
}
