//! Helpers for the review tests: scenario exports and mappings, the text of an HTML report.

use std::path::{Path, PathBuf};

use crate::support::*;

/// The `[departure]` section the scenario export needs (its Status and Termination Date).
pub const DEPARTURE: &str = "[departure]\nfrom = \"Status\"\nvalues = [\"Terminated\", \"T\"]\ndate = \"Termination Date\"\n";

/// A file of a plan directory; in a report, the plan's hash is `[plan hash]` (it changes with
/// the emulator's port, which plan.json records).
pub fn read(dir: &Path, file: &str) -> String {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    if file.starts_with("report.") {
        let hash = payroll_sync::plan::sha256(&std::fs::read(dir.join("plan.json")).unwrap());
        assert!(text.contains(&hash), "{file} gives the plan hash");
        text.replace(&hash, "[plan hash]")
    } else {
        text
    }
}

/// `acme.toml` with `location` marked sensitive (and optionally more TOML appended).
pub fn sensitive_mapping(dir: &Path, name: &str, extra: &str) -> PathBuf {
    let text = std::fs::read_to_string(mapping("acme.toml"))
        .unwrap()
        .replace(
            "[fields.location]\nfrom = \"Location\"\n",
            "[fields.location]\nfrom = \"Location\"\nsensitive = true\n",
        );
    assert!(text.contains("sensitive = true"));
    let path = dir.join(name);
    std::fs::write(&path, format!("{text}\n{extra}")).unwrap();
    path
}

/// The visible text of an HTML report: no style or script, one line per block, cells
/// separated by ` | `, entities decoded.
pub fn html_text(html: &str) -> String {
    let mut s = html.to_string();
    for tag in ["style", "script"] {
        while let (Some(a), Some(b)) = (s.find(&format!("<{tag}>")), s.find(&format!("</{tag}>"))) {
            s.replace_range(a..b + tag.len() + 3, "");
        }
    }
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('>').map_or(rest.len(), |j| i + j + 1);
        let tag = &rest[i..j];
        if tag.starts_with("</td") || tag.starts_with("</th") {
            out.push_str(" | ");
        } else if [
            "</tr",
            "</h1",
            "</h2",
            "</h3",
            "</p",
            "<table",
            "</div",
            "<label",
            "<option",
            "</li",
            "<ul",
            "</pre",
            "</summary",
            "</nav",
        ]
        .iter()
        .any(|t| tag.starts_with(t))
        {
            out.push('\n');
        }
        rest = &rest[j..];
    }
    out.push_str(rest);
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

pub fn assert_private(dir: &Path, files: &[&str]) {
    use std::os::unix::fs::PermissionsExt;
    for f in files {
        let mode = std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
}

/// The acme export with a `Status` and a `Termination Date` column, plus rows for every kind
/// of problem: a repeated key, an email that belongs to someone else, an unmappable date, and
/// a new hire whose title looks like a formula.
pub fn scenario_export(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(fixture("payroll/acme.csv")).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    header.extend(["Status".into(), "Termination Date".into()]);
    w.write_record(&header).unwrap();
    for r in rdr.records() {
        let mut r: Vec<String> = r.unwrap().iter().map(String::from).collect();
        let (status, end) = match r[0].as_str() {
            // Left, as the status and the date say.
            "1030" => ("Terminated", "04/24/2026"),
            // Left, as the date alone says (a blank status).
            "1051" => ("", "04/30/2026"),
            // Still active, leaving after the plan's as-of date: a scheduled departure.
            "1032" => ("Active", "06/30/2026"),
            _ => ("Active", ""),
        };
        r.extend([status.into(), end.into()]);
        w.write_record(&r).unwrap();
    }
    for extra in [
        [
            "1046",
            "Grace",
            "Liu",
            "grace.liu2@acme.example",
            "Accountant",
            "Finance",
            "New York",
            "1016",
            "07/15/2019",
            "FT",
            "Active",
            "",
        ],
        [
            "3001",
            "Sam",
            "Kay",
            "soren.kierkegaard@acme.example",
            "Analyst",
            "Finance",
            "London",
            "1016",
            "01/04/2027",
            "FT",
            "Active",
            "",
        ],
        [
            "3002",
            "Bad",
            "Date",
            "bad.date@acme.example",
            "Analyst",
            "Finance",
            "London",
            "1016",
            "someday",
            "FT",
            "Active",
            "",
        ],
        [
            "3003",
            "Eve",
            "Formula",
            "eve.formula@acme.example",
            "=HYPERLINK(\"http://x.example\",\"pay\")",
            "Finance",
            "London",
            "1016",
            "01/04/2027",
            "FT",
            "Active",
            "",
        ],
    ] {
        w.write_record(extra).unwrap();
    }
    let path = dir.join("acme-scenario.csv");
    std::fs::write(&path, w.into_inner().unwrap()).unwrap();
    path
}
