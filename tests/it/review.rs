//! Issue 6's acceptance: the plan a reviewer reads. Snapshots of the reports and change files
//! for the fixture scenarios (masked and unmasked), each category and conflict kind through
//! the real binary, stable output order, apply-then-plan is empty, `--compare-mapping`.

use std::path::Path;
use std::process::Output;

use charthop_emulator::Emulator;
use proptest::prelude::*;

use crate::review_support::*;
use crate::schema::assert_valid_plan;
use crate::support::*;

/// The instant every plan in these tests is made at.
const NOW: &str = "2026-05-04T08:30:00Z";

fn plan_with(
    emu: &Emulator,
    dir: &Path,
    input: &Path,
    mapping: &Path,
    out: &str,
    extra: &[&str],
) -> Output {
    let mut c = cmd(emu, dir);
    c.env("PAYROLL_SYNC_PLAN_NOW", NOW).args([
        "plan",
        "--input",
        input.to_str().unwrap(),
        "--mapping",
        mapping.to_str().unwrap(),
        "--out",
        out,
    ]);
    c.args(extra);
    run(&mut c)
}

#[test]
fn the_fixture_plan_reads_the_same_masked_and_unmasked() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let m = sensitive_mapping(tmp.path(), "acme-sensitive.toml", "");
    let input = fixture("payroll/acme.csv");
    assert_eq!(
        code(&plan_with(&emu, tmp.path(), &input, &m, "masked", &[])),
        0
    );
    assert_eq!(
        code(&plan_with(
            &emu,
            tmp.path(),
            &input,
            &m,
            "shown",
            &["--show-sensitive"]
        )),
        0
    );
    let (masked, shown) = (tmp.path().join("masked"), tmp.path().join("shown"));
    let p = plan_json(&masked);
    assert_eq!(p["created_at"], NOW);
    assert_eq!(p["sensitive_fields"][0]["field"], "location");
    // The future hire already announced in ChartHop is matched, not hired twice.
    let bartosz: Vec<&serde_json::Value> = p["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["key"] == "1033")
        .collect();
    assert_eq!(bartosz.len(), 1);
    assert_eq!(bartosz[0]["category"], "unchanged");
    assert_eq!(bartosz[0]["matched"], "matched by contact.employee");
    // Unchanged: no field differs (its start date 2027-01-11 included), so nothing is sent.
    assert!(bartosz[0].get("changes").is_none(), "{:?}", bartosz[0]);
    assert!(
        bartosz[0].get("target").is_none(),
        "unchanged rows carry no targets"
    );

    let md = read(&masked, "report.md");
    assert!(
        md.contains("| Lucas Ferreira |") && md.contains("(hidden)"),
        "{md}"
    );
    assert!(
        !md.contains("London"),
        "the masked report names no location"
    );
    assert!(read(&shown, "report.md").contains("`location`: Austin → London"));
    insta::assert_snapshot!("acme_report_md_masked", md);
    insta::assert_snapshot!("acme_report_md_shown", read(&shown, "report.md"));
    insta::assert_snapshot!(
        "acme_report_html_masked",
        html_text(&read(&masked, "report.html"))
    );
    insta::assert_snapshot!(
        "acme_report_html_shown",
        html_text(&read(&shown, "report.html"))
    );
    // The change files are for ChartHop: never masked, the same either way.
    for f in ["updates.csv", "new_hires.csv"] {
        assert_eq!(read(&masked, f), read(&shown, f), "{f}");
    }
    assert!(read(&masked, "updates.csv").contains("London"));
    insta::assert_snapshot!("acme_updates_csv", read(&masked, "updates.csv"));
    insta::assert_snapshot!("acme_new_hires_csv", read(&masked, "new_hires.csv"));
    assert_private(
        &masked,
        &[
            "plan.json",
            "updates.csv",
            "new_hires.csv",
            "report.md",
            "report.html",
        ],
    );
    assert!(
        !masked.join("departures.csv").exists(),
        "a mapping without [departure] finds no departures: no departures.csv"
    );
}

#[test]
fn every_category_and_conflict_kind_through_the_binary() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = scenario_export(tmp.path());
    let m = sensitive_mapping(tmp.path(), "acme-departures.toml", DEPARTURE);
    // Titles may start like a formula here (row 66's `=HYPERLINK(..)`): accepted, flagged in
    // the plan, neutralized for people, sent unchanged.
    let text = std::fs::read_to_string(&m).unwrap().replace(
        "[fields.title]\nfrom = \"Job Title\"\n",
        "[fields.title]\nfrom = \"Job Title\"\nallow_formula = true\n",
    );
    assert!(text.contains("allow_formula = true"));
    std::fs::write(&m, text).unwrap();
    let mut c = cmd(&emu, tmp.path());
    c.env("PAYROLL_SYNC_PLAN_NOW", NOW)
        .args([
            "plan",
            "--input",
            input.to_str().unwrap(),
            "--mapping",
            m.to_str().unwrap(),
        ])
        .args(["--out", "scenario", "--json", "--detailed-exitcode"]);
    let out = run(&mut c);
    assert_eq!(code(&out), 3, "changes are pending");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let dir = tmp.path().join("scenario");
    let p = plan_json(&dir);
    assert_eq!(json["summary"], p["summary"]);
    let s = &p["summary"];
    for (k, n) in [
        ("new_hires", 6),
        ("updates", 8),
        ("departures", 2),
        ("scheduled_departures", 1),
        ("conflicts", 3),
        ("rejected", 1),
        ("absent", 3),
    ] {
        assert_eq!(s[k], n, "{k}: {s}");
    }
    let rows = p["rows"].as_array().unwrap();
    let by_key = |k: &str| rows.iter().filter(|r| r["key"] == k).collect::<Vec<_>>();
    assert!(
        by_key("1046")
            .iter()
            .all(|r| r["conflict"] == "duplicate_key")
    );
    assert!(
        by_key("1046")[0]["reason"]
            .as_str()
            .unwrap()
            .contains("rows 2, 63")
    );
    assert_eq!(by_key("3001")[0]["conflict"], "email_owned_by_other");
    assert_eq!(by_key("1030")[0]["category"], "departure");
    assert_eq!(by_key("1051")[0]["termination_date"], "2026-04-30");
    assert_eq!(by_key("1051")[0]["category"], "departure");
    assert_eq!(by_key("1032")[0]["category"], "scheduled_departure");
    assert_eq!(by_key("1032")[0]["termination_date"], "2026-06-30");
    let rejected: Vec<_> = rows
        .iter()
        .filter(|r| r["category"] == "rejected")
        .collect();
    assert_eq!(rejected[0]["row"], 65);
    // A formula-looking value: flagged in the plan, neutralized for people, sent unchanged.
    let w = p["warnings"].as_array().unwrap();
    assert_eq!(
        (w.len(), &w[0]["field"], &w[0]["row"]),
        (1, &serde_json::json!("title"), &serde_json::json!(66))
    );
    let md = read(&dir, "report.md");
    assert!(
        md.contains("| '=HYPERLINK(\"http://x.example\",\"pay\") |"),
        "{md}"
    );
    assert!(read(&dir, "report.html").contains("&#39;=HYPERLINK(&quot;http"));
    assert!(
        read(&dir, "new_hires.csv")
            .contains("\"=HYPERLINK(\"\"http://x.example\"\",\"\"pay\"\")\"")
    );
    insta::assert_snapshot!("scenario_report_md", md);
    insta::assert_snapshot!(
        "scenario_report_html",
        html_text(&read(&dir, "report.html"))
    );
    insta::assert_snapshot!("scenario_departures_csv", read(&dir, "departures.csv"));
    insta::assert_snapshot!("scenario_updates_csv", read(&dir, "updates.csv"));
    insta::assert_snapshot!("scenario_new_hires_csv", read(&dir, "new_hires.csv"));
    assert_private(
        &dir,
        &["plan.json", "departures.csv", "report.md", "report.html"],
    );
    // The HTML is one offline file with its filter and search.
    let html = read(&dir, "report.html");
    for needle in [
        "id=\"category\"",
        "id=\"search\"",
        "<script>",
        "<style>",
        "data-category=\"departure\"",
    ] {
        assert!(html.contains(needle), "{needle}");
    }
    for outside in ["src=", "@import", "url("] {
        assert!(!html.contains(outside), "no outside asset: {outside}");
    }
    // Links go to the page's own sections, each of which is there.
    for link in html.split("href=\"").skip(1) {
        let target = link.split('"').next().unwrap_or("");
        let id = target
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("an outside link: {target}"));
        assert!(
            html.contains(&format!("id=\"{id}\"")),
            "a link to a missing section: {id}"
        );
    }
}

#[test]
fn output_is_stable_across_runs_and_formats() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    let m = mapping("acme.toml");
    for (out, input) in [
        ("a", "payroll/acme.csv"),
        ("b", "payroll/acme.csv"),
        ("x", "payroll/acme.xlsx"),
    ] {
        assert_eq!(
            code(&plan_with(&emu, tmp.path(), &fixture(input), &m, out, &[])),
            0
        );
    }
    let files = [
        "plan.json",
        "updates.csv",
        "new_hires.csv",
        "report.md",
        "report.html",
    ];
    // The reports name their own directory in the apply command.
    let here = |out: &str, f: &str| {
        read(&tmp.path().join(out), f).replace(&format!("apply {out}"), "apply DIR")
    };
    for f in files {
        assert_eq!(here("a", f), here("b", f), "{f} across runs");
    }
    let a = plan_json(&tmp.path().join("a"));
    let x = plan_json(&tmp.path().join("x"));
    assert_eq!(
        (&a["rows"], &a["absent"], &a["summary"]),
        (&x["rows"], &x["absent"], &x["summary"])
    );
    for f in ["updates.csv", "new_hires.csv", "report.md", "report.html"] {
        let from_xlsx = here("x", f).replace("acme.xlsx", "acme.csv");
        assert_eq!(here("a", f), from_xlsx, "{f} across CSV and XLSX");
    }
}

#[test]
fn compare_mapping_shows_what_a_mapping_edit_changes() {
    let emu = emulator();
    let tmp = tempfile::tempdir().unwrap();
    // The edit: stop syncing locations.
    let text = std::fs::read_to_string(mapping("acme.toml")).unwrap();
    let new = text.replace(
        "[fields.location]\nfrom = \"Location\"\ntransform = [\"trim\"]\n",
        "",
    );
    assert_ne!(new, text);
    let new_path = tmp.path().join("acme-no-location.toml");
    std::fs::write(&new_path, new).unwrap();
    let old = mapping("acme.toml");
    let out = plan_with(
        &emu,
        tmp.path(),
        &fixture("payroll/acme.csv"),
        &new_path,
        "cmp",
        &["--compare-mapping", old.to_str().unwrap()],
    );
    assert_eq!(code(&out), 0);
    let diff = read(&tmp.path().join("cmp"), "mapping-diff.md");
    assert!(stderr(&out).contains("# Mapping change: `acme.toml` -> `acme-no-location.toml`"));
    assert!(
        diff.contains("| Lucas Ferreira |  | location | London | (no change) |"),
        "{diff}"
    );
    insta::assert_snapshot!("compare_mapping_diff_md", diff);
    assert_private(&tmp.path().join("cmp"), &["mapping-diff.md"]);
    plan_json(&tmp.path().join("cmp"));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    /// Whatever was edited in ChartHop, applying the plan and planning again is empty.
    #[test]
    fn applying_a_plan_then_planning_again_is_empty(
        edits in prop::collection::vec((0usize..56, "[A-Z][a-z]{2,8}", prop::bool::ANY), 1..6)
    ) {
        let emu = emulator();
        let tmp = tempfile::tempdir().unwrap();
        let people: Vec<String> = roster_by_email(&emu).into_keys().collect();
        for (i, title, dept) in &edits {
            let email = &people[i % people.len()];
            let (code, value) = if *dept { ("department", "Finance") } else { ("title", title.as_str()) };
            emu.set_job_field(email, code, value).unwrap();
        }
        let m = mapping("acme.toml");
        let input = fixture("payroll/acme.csv");
        let out = plan_with(&emu, tmp.path(), &input, &m, "p1", &["--detailed-exitcode"]);
        prop_assert_eq!(code(&out), 3);
        let first = plan_json(&tmp.path().join("p1"));
        assert_valid_plan(&first);
        let out = run(cmd(&emu, tmp.path()).args(["apply", "p1"]));
        prop_assert_eq!(code(&out), 0, "{}", stderr(&out));
        let out = plan_with(&emu, tmp.path(), &input, &m, "p2", &["--detailed-exitcode"]);
        prop_assert_eq!(code(&out), 0, "nothing left to change");
        let second = plan_json(&tmp.path().join("p2"));
        for k in ["new_hires", "updates", "departures", "conflicts", "rejected"] {
            prop_assert_eq!(&second["summary"][k], 0, "{}", k);
        }
    }
}

/// Issue 19 (reports): the page's search finds people by name, work email or payroll id,
/// ignoring case and accents (`renee` finds `Renée`): each row carries that text folded.
#[test]
fn the_report_search_text_holds_folded_names_emails_and_ids() {
    let emu = crate::support::emulator();
    let tmp = tempfile::tempdir().unwrap();
    let input = crate::support::fixture("payroll/acme.csv");
    let out = crate::support::plan_in(&emu, tmp.path(), &input, "p");
    assert_eq!(
        crate::support::code(&out),
        0,
        "{}",
        crate::support::stderr(&out)
    );
    let html = std::fs::read_to_string(tmp.path().join("p/report.html")).unwrap();
    let row = html
        .lines()
        .find(|l| l.contains("data-name=\"renee gauthier"))
        .unwrap_or_else(|| panic!("no folded row for Renée Gauthier in {html}"));
    assert!(row.contains("renee.gauthier@acme.example"), "{row}");
    assert!(row.contains(" 2005"), "the payroll id: {row}");
    assert!(
        html.contains("function fold(t)"),
        "the page folds the query the same way"
    );
}
