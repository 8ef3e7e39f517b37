//! `payroll-sync check MAPPING [--input FILE]`: validate a mapping, run its embedded tests,
//! and optionally map a whole export with it (nothing is sent to ChartHop).

use std::path::PathBuf;

use clap::Args;

use super::output::Ui;
use crate::mapping::Mapping;
use crate::mapping::check::{Checker, InputReport};
use crate::pipeline::{Error, exit};
use crate::read::{self, ReadOptions};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The mapping file (TOML).
    pub mapping: PathBuf,
    /// A payroll export: check the mapping's columns against its header and map every row.
    #[arg(long, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// The sheet to read (spreadsheets); overrides the mapping's `[source] sheet`.
    #[arg(long)]
    pub sheet: Option<String>,
    /// Print the input report (rows, skipped, rejected, lookup misses) as JSON on stdout.
    #[arg(long)]
    pub json: bool,
    /// Also check the mapping against the ChartHop org's real fields (its field catalogue):
    /// unknown, computed or mistyped fields, enum values it does not allow. Reads only; needs
    /// the ChartHop settings (URL, org, token).
    #[arg(long)]
    pub org: bool,
}

/// Exit 0 when the mapping is valid and its tests pass (rejected rows are reported, not
/// errors); 78 for mapping problems or failed tests (or, with `--org`, fields the org does not
/// have or cannot take); 65 for an unreadable export; with `--org`, ChartHop's errors (77 for
/// a refused token, 75 when it is unavailable).
pub async fn run(config: Option<&std::path::Path>, args: CheckArgs, ui: &Ui) -> Result<u8, Error> {
    let mut mapping = Mapping::load(&args.mapping)?;
    if args.org {
        let settings = crate::settings::Settings::load(config)?;
        let client = crate::pipeline::client(&settings)?;
        let catalogue = crate::catalogue::Catalogue::fetch(&client).await?;
        let adjusted = mapping.against_catalogue(&catalogue)?;
        ui.say(&format!(
            "{}: every field is one of the org's {} fields and can take the mapping's values",
            args.mapping.display(),
            catalogue.len()
        ));
        for line in adjusted {
            ui.say(&format!("  {line}"));
        }
    }
    let failures = mapping.run_tests();
    if !failures.is_empty() {
        return Err(mapping.error(failures).into());
    }
    ui.say(&format!(
        "{}: {} field(s), {} skip rule(s), {} test(s) passed",
        args.mapping.display(),
        mapping.fields.len(),
        mapping.skips.len(),
        mapping.test_count()
    ));
    let Some(input) = args.input else {
        return Ok(exit::OK);
    };
    let options = ReadOptions {
        sheet: args.sheet.or_else(|| mapping.sheet.clone()),
        delimiter: mapping.delimiter,
        encoding: mapping.encoding,
        header_row: mapping.header_row,
        limits: crate::settings::Settings::load_read_limits(config)?,
    };
    let mut table = read::open(&input, &options)?;
    let bound = mapping.bind(&table.header)?;
    // Streamed: memory holds the report, never the export's rows.
    let mut checker = Checker::new(&bound, &table.header);
    for row in table.by_ref() {
        let row = row?;
        checker.row(row.row, &row.cells);
    }
    let report = checker.finish();
    say_report(ui, &input.display().to_string(), &report);
    if args.json {
        println!("{}", serde_json::to_string(&report).unwrap_or_default());
    }
    Ok(exit::OK)
}

fn say_report(ui: &Ui, input: &str, r: &InputReport) {
    ui.say(&format!(
        "{input}: {} row(s): {} mapped, {} skipped, {} rejected",
        r.rows,
        r.mapped,
        r.skipped_total(),
        r.rejected.len()
    ));
    for (reason, n) in r.skipped.iter().filter(|(_, n)| *n > 0) {
        ui.say(&format!("  skipped {n}: {reason}"));
    }
    if !r.misses.is_empty() {
        ui.say("lookup misses (values with no entry; these rows are rejected):");
        for m in &r.misses {
            let rows: Vec<String> = m.first_rows.iter().map(usize::to_string).collect();
            let more = if m.count > m.first_rows.len() {
                ", ..."
            } else {
                ""
            };
            ui.say(&format!(
                "  `{}` in `{}` (column `{}`): {} row(s): {}{more}",
                m.value,
                m.table,
                m.column.as_deref().unwrap_or("-"),
                m.count,
                rows.join(", ")
            ));
        }
    }
    for w in &r.warnings {
        ui.say(&format!("warning: {w}"));
    }
    if !r.departure_problems.is_empty() {
        ui.say("departure details that cannot be read (these rows are rejected if they depart):");
        for x in &r.departure_problems {
            ui.say(&format!(
                "  row {}, column `{}` (field `{}`), value `{}`: {}",
                x.row,
                x.column.as_deref().unwrap_or("-"),
                x.field,
                x.value.as_deref().unwrap_or(""),
                x.reason
            ));
        }
    }
    if !r.rejected.is_empty() {
        ui.say("rejected rows (left out; the other rows go on):");
        for x in &r.rejected {
            ui.say(&format!(
                "  row {}, column `{}` (field `{}`), value `{}`: {}",
                x.row,
                x.column.as_deref().unwrap_or("-"),
                x.field,
                x.value.as_deref().unwrap_or(""),
                x.reason
            ));
        }
    }
}
