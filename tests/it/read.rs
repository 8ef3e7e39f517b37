//! The reader through `payroll-sync inspect`: every supported format and encoding, the header
//! rules, error messages (snapshots, they are product surface), and hostile spreadsheets refused
//! fast and in little memory.

pub(crate) mod hostile;

use std::path::Path;
use std::process::{Command, Output};

use crate::support::{code, fixture, root, stderr};

/// `payroll-sync inspect ARGS` run in `dir`, with nothing from the caller's environment that
/// could change the result, and no log lines (they carry timestamps).
fn inspect(dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    for (k, _) in std::env::vars() {
        if k.starts_with("PAYROLL_SYNC_") {
            c.env_remove(k);
        }
    }
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env("RUST_LOG", "off")
        .arg("inspect")
        .args(args);
    c.output().expect("the binary runs")
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8")
}

fn read_dir() -> std::path::PathBuf {
    fixture("read")
}

/// `inspect --json` prints exactly the expected objects for each fixture export.
#[test]
fn inspect_json_prints_each_row_as_read() {
    let cases: &[(&str, &[&str])] = &[
        ("semicolon_bom_crlf.csv", &[]),
        ("tab_cr.tsv", &[]),
        ("pipe_lf.csv", &[]),
        ("utf16le_bom.csv", &[]),
        ("utf16be_bom.csv", &[]),
        ("windows1252.csv", &[]),
        ("blank_rows.csv", &[]),
        ("banner.csv", &["--header-row", "auto"]),
        ("banner.xlsx", &["--header-row", "auto"]),
        ("types.xlsx", &[]),
        ("types.xlsm", &[]),
        ("date1904.xlsx", &[]),
        ("people.ods", &[]),
    ];
    for (file, extra) in cases {
        let mut args = vec![*file, "--json"];
        args.extend_from_slice(extra);
        let out = inspect(&read_dir(), &args);
        assert_eq!(code(&out), 0, "{file}: {}", stderr(&out));
        assert_eq!(stderr(&out), "", "{file}: --json prints nothing for people");
        insta::assert_snapshot!(format!("json_{}", file.replace('.', "_")), stdout(&out));
    }
}

#[test]
fn inspect_json_reads_the_acme_exports_alike() {
    let dir = fixture("payroll");
    let csv = inspect(&dir, &["acme.csv", "--json"]);
    let xlsx = inspect(&dir, &["acme.xlsx", "--json"]);
    assert_eq!(code(&csv), 0, "{}", stderr(&csv));
    assert_eq!(code(&xlsx), 0, "{}", stderr(&xlsx));
    insta::assert_snapshot!("json_acme_csv", stdout(&csv));
    insta::assert_snapshot!("json_acme_xlsx", stdout(&xlsx));
    // Same people, same order; only the date column differs (text in CSV, date cells in xlsx).
    assert_eq!(stdout(&csv).lines().count(), 61);
    assert_eq!(stdout(&xlsx).lines().count(), 61);
}

#[test]
fn inspect_profiles_an_export_for_people() {
    let out = inspect(&read_dir(), &["banner.csv", "--header-row", "auto"]);
    assert_eq!(code(&out), 0);
    assert_eq!(stdout(&out), "", "the profile is for people: stderr only");
    insta::assert_snapshot!("profile_banner_csv", stderr(&out));
    let out = inspect(&read_dir(), &["types.xlsx"]);
    assert_eq!(code(&out), 0);
    insta::assert_snapshot!("profile_types_xlsx", stderr(&out));
    let out = inspect(&read_dir(), &["windows1252.csv"]);
    assert_eq!(code(&out), 0);
    insta::assert_snapshot!("profile_windows1252_csv", stderr(&out));
}

#[test]
fn the_first_visible_sheet_is_read_and_any_sheet_can_be_named() {
    let out = inspect(&read_dir(), &["types.xlsx", "--json"]);
    assert!(
        stdout(&out).starts_with(r#"{"Id":"00123""#),
        "{}",
        stdout(&out)
    );
    // Names match case-insensitively when no sheet has the exact name; `Notes` holds only a
    // header, so it has no data rows.
    let out = inspect(&read_dir(), &["types.xlsx", "--sheet", "notes", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let out = inspect(&read_dir(), &["types.xlsx", "--sheet", "notes"]);
    assert!(
        stderr(&out).contains("sheet:       `Notes` (other sheets: `Hidden`, `People`)"),
        "{}",
        stderr(&out)
    );
}

/// Bad exports: exit 65, one message naming file, sheet, row and column, and a hint.
#[test]
fn bad_exports_are_refused_with_where_and_what_to_do() {
    let cases: &[(&str, &[&str])] = &[
        ("ragged.csv", &[]),
        ("blank_header.csv", &[]),
        ("duplicate_header.csv", &[]),
        ("banner.csv", &[]),
        ("error_cell.xlsx", &[]),
        ("outside_header.xlsx", &[]),
        ("types.xlsx", &["--sheet", "Payroll"]),
        ("pipe_lf.csv", &["--header-row", "9"]),
        ("windows1252.csv", &["--encoding", "utf-8"]),
    ];
    for (file, extra) in cases {
        let mut args = vec![*file, "--json"];
        args.extend_from_slice(extra);
        let out = inspect(&read_dir(), &args);
        assert_eq!(code(&out), 65, "{file} {extra:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(err.contains(&format!("`{file}`")), "names the file: {err}");
        assert!(err.contains("hint: "), "has a hint: {err}");
        let name = format!("error_{}_{}", file.replace('.', "_"), extra.join("_"));
        insta::assert_snapshot!(name.trim_end_matches('_').replace("--", ""), err);
    }
}

#[test]
fn the_row_cap_comes_from_settings() {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    let out = c
        .current_dir(read_dir())
        .env("RUST_LOG", "off")
        .env("PAYROLL_SYNC_READ_MAX_ROWS", "1")
        .args(["inspect", "pipe_lf.csv"])
        .output()
        .unwrap();
    assert_eq!(code(&out), 65);
    let err = stderr(&out);
    assert!(
        err.contains("row 3: too large: more than 1 data rows"),
        "{err}"
    );
    assert!(err.contains("read.max_rows"), "{err}");
}

fn write_temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    (dir, path)
}

const PEAK_MB: f64 = 200.0;
/// A hostile file is refused within a second (the whole process, debug build included; the
/// refusals measure around 25 ms here).
const WITHIN_A_SECOND: std::time::Duration = std::time::Duration::from_secs(1);
/// Reading a million-row sheet (not a refusal) gets headroom for a debug build on shared CI.
const GENEROUS: std::time::Duration = std::time::Duration::from_secs(5);

#[test]
fn a_cell_at_xfd1048576_is_refused_without_building_the_sheet() {
    let sheet = hostile::sheet(
        "A1:XFD1048576",
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
    );
    let (_dir, path) = write_temp("corners.xlsx", &hostile::xlsx(&sheet, None));
    let m = hostile::inspect_measured(&path);
    eprintln!("corners: {:?}, peak {:.1} MB", m.elapsed, m.peak_rss_mb);
    assert_eq!(m.code, 65, "{}", m.stderr);
    assert!(m.stderr.contains("cell XFD1048576"), "{}", m.stderr);
    assert!(m.stderr.contains("read.max_columns"), "{}", m.stderr);
    assert!(
        m.peak_rss_mb > 1.0 && m.peak_rss_mb < PEAK_MB,
        "{}",
        m.peak_rss_mb
    );
    assert!(m.elapsed < WITHIN_A_SECOND, "{:?}", m.elapsed);
}

#[test]
fn a_sparse_sheet_a_million_rows_tall_streams_in_little_memory() {
    let sheet = hostile::sheet(
        "A1:A1048576",
        r#"<row r="1"><c r="A1" t="inlineStr"><is><t>Id</t></is></c></row><row r="1048576"><c r="A1048576"><v>7</v></c></row>"#,
    );
    let (_dir, path) = write_temp("tall.xlsx", &hostile::xlsx(&sheet, None));
    let m = hostile::inspect_measured(&path);
    eprintln!("tall: {:?}, peak {:.1} MB", m.elapsed, m.peak_rss_mb);
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(
        m.stderr.contains("1 data rows, 1048574 blank rows skipped"),
        "{}",
        m.stderr
    );
    assert!(m.peak_rss_mb < PEAK_MB, "{}", m.peak_rss_mb);
    assert!(m.elapsed < GENEROUS, "{:?}", m.elapsed);
}

#[test]
fn a_shared_string_count_of_4e12_in_a_5_kb_part_is_refused() {
    let mut strings = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4000000000000" uniqueCount="4000000000000">"#,
    );
    while strings.len() < 5000 {
        strings.push_str("<si><t>Id</t></si>");
    }
    strings.push_str("</sst>");
    let sheet = hostile::sheet("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#);
    let (_dir, path) = write_temp("strings.xlsx", &hostile::xlsx(&sheet, Some(&strings)));
    let m = hostile::inspect_measured(&path);
    eprintln!("strings: {:?}, peak {:.1} MB", m.elapsed, m.peak_rss_mb);
    assert_eq!(m.code, 65, "{}", m.stderr);
    assert!(
        m.stderr.contains("declares 4000000000000 shared strings"),
        "{}",
        m.stderr
    );
    assert!(m.peak_rss_mb < PEAK_MB, "{}", m.peak_rss_mb);
    assert!(m.elapsed < WITHIN_A_SECOND, "{:?}", m.elapsed);
}

#[test]
fn a_deflate_bomb_of_a_few_kb_is_refused() {
    let bomb = hostile::overlapping_bomb(5, 110);
    assert!(bomb.len() < 20_000, "{} bytes", bomb.len());
    let (_dir, path) = write_temp("bomb.xlsx", &bomb);
    let m = hostile::inspect_measured(&path);
    eprintln!(
        "bomb ({} bytes, 550 MB inflated): {:?}, peak {:.1} MB",
        bomb.len(),
        m.elapsed,
        m.peak_rss_mb
    );
    assert_eq!(m.code, 65, "{}", m.stderr);
    assert!(m.stderr.contains("zip bomb"), "{}", m.stderr);
    assert!(m.peak_rss_mb < PEAK_MB, "{}", m.peak_rss_mb);
    assert!(m.elapsed < WITHIN_A_SECOND, "{:?}", m.elapsed);
}

#[test]
fn the_fixture_workbook_reads_in_little_memory_too() {
    let m = hostile::inspect_measured(&root().join("fixtures/payroll/acme.xlsx"));
    assert_eq!(m.code, 0, "{}", m.stderr);
    assert!(m.peak_rss_mb < PEAK_MB, "{}", m.peak_rss_mb);
}

#[test]
fn an_excel_97_workbook_reads_by_the_same_cell_rules() {
    let dir = fixture("read");
    let out = inspect(&dir, &["people.xls", "--json"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert_eq!(
        stdout(&out),
        concat!(
            r#"{"Employee ID":"1001","Name":"Zoë Ngọc","Badge":"00123","Salary":"85000.5","Hire Date":"2021-03-01","Active":"true"}"#,
            "\n",
            r#"{"Employee ID":"1002","Name":"Łukasz Nowak","Badge":"00456","Salary":"92000","Hire Date":"2019-11-30","Active":"false"}"#,
            "\n"
        )
    );
    let out = inspect(&dir, &["people.xls"]);
    assert_eq!(code(&out), 0);
    let text = stderr(&out);
    assert!(text.contains("Staff") && text.contains("Notes"), "{text}");
    let out = inspect(&dir, &["people.xls", "--sheet", "Payroll"]);
    assert_eq!(code(&out), 65);
    assert!(
        stderr(&out).contains("`Staff`, `Notes`"),
        "{}",
        stderr(&out)
    );
}
