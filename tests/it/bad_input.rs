//! The bad-input catalogue: each hostile or broken export through `payroll-sync inspect`, with
//! the exit code and the one-line message it gets, in bounded time and memory (the child's
//! own peak RSS, `crate::peak`). Run with `--nocapture` to see the table.

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::time::Duration;

use crate::read::hostile::inspect_measured;

/// Peak memory allowed for any case: the 1 GB line included.
const MAX_RSS_MB: f64 = 120.0;
const MAX_TIME: Duration = Duration::from_secs(60);

/// A file of `len` bytes: `head`, then a hole (zero bytes that take no disk).
fn sparse(path: &Path, head: &[u8], len: u64) {
    let mut f = std::fs::File::create(path).unwrap();
    f.write_all(head).unwrap();
    f.seek(SeekFrom::Start(len - 1)).unwrap();
    f.write_all(b"x").unwrap();
}

/// A minimal OLE compound file header (what Excel writes for a workbook with a password: the
/// encrypted package inside a CFB container), padded to one sector.
fn ole_container() -> Vec<u8> {
    let mut b = vec![0u8; 1024];
    b[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    b[24..26].copy_from_slice(&0x3Eu16.to_le_bytes()); // minor version
    b[26..28].copy_from_slice(&3u16.to_le_bytes()); // major version 3
    b[28..30].copy_from_slice(&0xFFFEu16.to_le_bytes()); // little-endian
    b[30..32].copy_from_slice(&9u16.to_le_bytes()); // 512-byte sectors
    b[32..34].copy_from_slice(&6u16.to_le_bytes()); // 64-byte mini sectors
    b[48..52].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no directory chain
    b
}

/// Deterministic junk: every byte value, in a scrambled order.
fn junk(len: usize) -> Vec<u8> {
    let mut x: u32 = 0x9E37_79B9;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

struct Case {
    name: &'static str,
    file: &'static str,
    code: i32,
    /// What the message must say.
    says: &'static str,
}

#[test]
fn every_bad_input_gets_a_clear_error_in_bounded_time_and_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let w = |name: &str, bytes: &[u8]| std::fs::write(tmp.path().join(name), bytes).unwrap();
    w("empty.csv", b"");
    w("header_only.csv", b"Employee ID,Name,Work Email\r\n");
    w("junk.csv", &junk(64 * 1024));
    w("not_a_zip.xlsx", b"Employee ID,Name\n1,Ada\n");
    w("password.xlsx", &ole_container());
    sparse(
        &tmp.path().join("one_line_1gb.csv"),
        b"Employee ID,Name,",
        1 << 30,
    );
    w("nul.csv", b"Employee ID,Name\n1,Ada\0Lovelace\n");
    w(
        "mixed_endings.csv",
        b"Employee ID,Name\r\n1,Ada\n2,Grace\r3,Alan\r\n",
    );
    let wide: Vec<String> = (0..10_000).map(|i| format!("Column {i}")).collect();
    w(
        "wide_header.csv",
        format!("{}\n", wide.join(",")).as_bytes(),
    );

    let cases = [
        Case {
            name: "empty file",
            file: "empty.csv",
            code: 65,
            says: "no header row",
        },
        // A valid export with no people: read (0 rows); `plan` then trips the export-size guard.
        Case {
            name: "header only",
            file: "header_only.csv",
            code: 0,
            says: "0 data rows",
        },
        Case {
            name: "binary junk named .csv",
            file: "junk.csv",
            code: 65,
            says: "junk.csv",
        },
        Case {
            name: ".xlsx that is not a zip",
            file: "not_a_zip.xlsx",
            code: 65,
            says: "cannot open the workbook",
        },
        Case {
            name: "password-protected workbook",
            file: "password.xlsx",
            code: 65,
            says: "password-protected",
        },
        Case {
            name: "1 GB single line",
            file: "one_line_1gb.csv",
            code: 65,
            says: "longer than 16777216 bytes",
        },
        Case {
            name: "NUL byte in a cell",
            file: "nul.csv",
            code: 65,
            says: "row 2 column 2: the cell holds a NUL byte",
        },
        Case {
            name: "mixed line endings",
            file: "mixed_endings.csv",
            code: 0,
            says: "3 data rows",
        },
        Case {
            name: "10,000-column header",
            file: "wide_header.csv",
            code: 65,
            says: "10000 columns, more than 2000",
        },
    ];
    let mut failures = Vec::new();
    eprintln!(
        "{:<30} {:>4} {:>8} {:>8}  message",
        "case", "exit", "RSS MB", "seconds"
    );
    for case in &cases {
        let m = inspect_measured(&tmp.path().join(case.file));
        let message = m.stderr.lines().next().unwrap_or("").to_string();
        eprintln!(
            "{:<30} {:>4} {:>8.1} {:>8.2}  {}",
            case.name,
            m.code,
            m.peak_rss_mb,
            m.elapsed.as_secs_f64(),
            m.stderr.trim().replace('\n', " | ")
        );
        if m.code != case.code {
            failures.push(format!(
                "{}: exit {} (want {})",
                case.name, m.code, case.code
            ));
        }
        if !m.stderr.contains(case.says) {
            failures.push(format!(
                "{}: message lacks `{}`: {message}",
                case.name, case.says
            ));
        }
        if m.stderr.contains("panicked") || m.code < 0 {
            failures.push(format!("{}: crashed: {}", case.name, m.stderr));
        }
        if m.peak_rss_mb > MAX_RSS_MB || m.elapsed > MAX_TIME {
            failures.push(format!(
                "{}: {:.1} MB, {:?}",
                case.name, m.peak_rss_mb, m.elapsed
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Issue 18, point 12: a UTF-8 export with one stray Windows-1252 byte is refused (65) naming
/// its line and byte, never re-read whole as Windows-1252 (every accented name an update).
#[test]
fn one_stray_byte_in_a_utf8_export_is_refused_naming_its_line() {
    let emu = crate::support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read(crate::support::fixture("payroll/acme.csv")).unwrap();
    assert!(
        std::str::from_utf8(&text).unwrap().contains("Renée"),
        "accented UTF-8"
    );
    // Line 9's first `a` becomes Windows-1252's `à` (0xE0).
    let mut lines: Vec<Vec<u8>> = text.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
    let at = lines[8].iter().position(|&b| b == b'a').unwrap();
    lines[8][at] = 0xE0;
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, lines.join(&b'\n')).unwrap();
    let out = crate::support::plan_in(&emu, tmp.path(), &input, "p");
    let err = crate::support::stderr(&out);
    assert_eq!(crate::support::code(&out), 65, "{err}");
    assert!(err.contains("line 9: byte 0xE0 is not UTF-8"), "{err}");
    assert!(
        err.contains("encoding"),
        "the hint names the setting: {err}"
    );
    assert!(!tmp.path().join("p/plan.json").exists());
}

/// Issue 18, point 11: a text value that starts like a spreadsheet formula rejects its row by
/// default (the other rows go on); numbers and phone numbers with a sign are not formulas.
#[test]
fn a_formula_in_a_text_field_rejects_its_row_unless_the_field_allows_it() {
    let emu = crate::support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::support::fixture("payroll/acme.csv")).unwrap();
    let text = text.replacen(
        ",Sales Development Representative,",
        ",\"=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\",",
        1,
    );
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, text).unwrap();
    let out = crate::support::plan_in(&emu, tmp.path(), &input, "p");
    assert_eq!(
        crate::support::code(&out),
        0,
        "{}",
        crate::support::stderr(&out)
    );
    let doc = crate::support::plan_json(&tmp.path().join("p"));
    let rejected: Vec<&serde_json::Value> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["category"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), 1, "{rejected:#?}");
    let reason = rejected[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("starts like a spreadsheet formula") && reason.contains("allow_formula"),
        "{reason}"
    );
    assert!(
        doc["summary"]["updates"].as_u64().unwrap() >= 7,
        "the other rows go on"
    );
    let updates = std::fs::read_to_string(tmp.path().join("p/updates.csv")).unwrap();
    assert!(!updates.contains("HYPERLINK"), "never sent");
}

/// Issue 19 (messages): an export saved again as Windows-1252 turns letters it cannot hold
/// into `?` (`Łukasz` -> `?ukasz`). Planned as updates, that would damage names in ChartHop:
/// it is refused (65) naming the row, column and setting, and nothing is planned.
#[test]
fn names_damaged_by_a_re_encoded_export_are_refused() {
    let emu = crate::support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(crate::support::fixture("payroll/acme.csv")).unwrap();
    // What a "Save as CSV (Windows-1252)" does: each letter it cannot hold becomes `?`.
    let mut bytes = Vec::new();
    for c in text.chars() {
        let mut one = [0u8; 4];
        let (encoded, _, unmappable) = encoding_rs::WINDOWS_1252.encode(c.encode_utf8(&mut one));
        if unmappable {
            bytes.push(b'?');
        } else {
            bytes.extend_from_slice(&encoded);
        }
    }
    let input = tmp.path().join("export.csv");
    std::fs::write(&input, &bytes).unwrap();
    let out = crate::support::plan_in(&emu, tmp.path(), &input, "p");
    let err = crate::support::stderr(&out);
    assert_eq!(crate::support::code(&out), 65, "{err}");
    assert!(err.contains("`?ukasz`"), "names the damaged value: {err}");
    assert!(err.contains("column `Legal First Name`"), "{err}");
    assert!(
        err.contains("3 rows"),
        "counts every damaged row (Łukasz, Wiśniewski, Ngọc Trần): {err}"
    );
    assert!(
        err.contains("[source]") && err.contains("encoding"),
        "{err}"
    );
    assert!(!tmp.path().join("p/plan.json").exists());
}
