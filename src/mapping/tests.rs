use super::*;
use chrono::NaiveDate;

fn parse(text: &str) -> Result<Mapping, MappingError> {
    Mapping::parse(Path::new("test.toml"), text)
}

const BASE: &str = r#"
[key]
payroll = "Id"
charthop = "contact.employee"
[fields."contact.workEmail"]
from = "Id"
"#;

#[test]
fn every_shipped_mapping_passes_its_embedded_tests() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("toml") {
            continue;
        }
        let mapping = Mapping::load(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !mapping.tests.is_empty(),
            "{} has no [[tests]]",
            path.display()
        );
        let failures = mapping.run_tests();
        assert!(failures.is_empty(), "{}", mapping.render(&failures));
        checked += 1;
    }
    assert!(checked >= 1);
}

#[test]
fn unknown_key_is_an_error_with_position() {
    let err = parse(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\ntransfrom = [\"trim\"]\n"
    ))
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains("unknown key `transfrom`"), "{text}");
    assert!(text.contains("test.toml:10:1"), "{text}");
    assert!(text.contains("did you mean `transform`?"), "{text}");
}

#[test]
fn unknown_transform_suggests_the_closest() {
    let err = parse(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\ntransform = [\"lowr\"]\n"
    ))
    .unwrap_err();
    assert!(
        err.to_string().contains("unknown transform `lowr`"),
        "{err}"
    );
    assert!(
        err.to_string().contains("hint: did you mean `lower`?"),
        "{err}"
    );
}

#[test]
fn bad_date_format_is_refused() {
    let err = parse(&format!(
        "[source]\ndate_formats = [\"%m/%Y\"]\n{BASE}\n[fields.title]\nfrom = \"T\"\n"
    ))
    .unwrap_err();
    assert!(err.to_string().contains("%m/%Y"), "{err}");
}

#[test]
fn duplicate_field_is_refused() {
    let err = parse(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\n[fields.Title]\nfrom = \"U\"\n"
    ))
    .unwrap_err();
    assert!(err.to_string().contains("mapped twice"), "{err}");
}

#[test]
fn missing_column_suggests_the_header_name() {
    let m = parse(&format!(
        "{BASE}\n[fields.startDate]\nfrom = \"Hire Dat\"\ntype = \"date\"\n"
    ))
    .unwrap();
    let header = vec!["Id".to_string(), "Hire Date".to_string()];
    let err = m.bind(&header).unwrap_err();
    assert!(err.to_string().contains("no column `Hire Dat`"), "{err}");
    assert!(
        err.to_string().contains("did you mean `Hire Date`?"),
        "{err}"
    );
}

#[test]
fn blank_cells_are_kept_and_dates_typed() {
    let m = parse(&format!(
        "[source]\ndate_formats = [\"%d.%m.%Y\"]\n{BASE}\n[fields.title]\nfrom = \"T\"\n[fields.startDate]\nfrom = \"D\"\ntype = \"date\"\n"
    ))
    .unwrap();
    let header: Vec<String> = ["Id", "T", "D"].iter().map(|s| s.to_string()).collect();
    let b = m.bind(&header).unwrap();
    let d = b
        .map_row(2, &[" 7 ".into(), "".into(), "01.03.2021".into()])
        .unwrap();
    assert_eq!(d.key.as_deref(), Some("7"));
    assert_eq!(d.values[1], None);
    assert_eq!(
        d.values[2],
        Some(Value::Date(NaiveDate::from_ymd_opt(2021, 3, 1).unwrap()))
    );
    let r = b
        .map_row(3, &["8".into(), "x".into(), "31.02.2021".into()])
        .unwrap_err();
    assert_eq!(r.row, 3);
    assert_eq!(r.column.as_deref(), Some("D"));
}

/// The rendered diagnostics of a mapping text that must fail.
fn rendered(text: &str) -> String {
    match parse(text) {
        Ok(_) => panic!("the mapping was accepted:\n{text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn snapshot_unknown_key() {
    insta::assert_snapshot!(rendered(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\ntransfrom = [\"trim\"]\n"
    )));
}

#[test]
fn snapshot_unknown_transform() {
    insta::assert_snapshot!(rendered(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\ntransform = [\"trim\", \"lowr\", {{ pad_zero = 6 }}]\n"
    )));
}

#[test]
fn snapshot_unknown_column_with_suggestion() {
    let m = parse(&format!(
        "{BASE}\n[fields.startDate]\nfrom = \"Hire Dat\"\ntype = \"date\"\n[fields.title]\ntemplate = \"{{Job Titel}} ({{Level}})\"\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = ["Id", "Hire Date", "Job Title"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let err = m.bind(&header).map(|_| ()).unwrap_err();
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn snapshot_bad_date_format() {
    insta::assert_snapshot!(rendered(&format!(
        "[source]\ndate_formats = [\"%m/%d/%Y\", \"%m/%Y\", \"%Q\"]\n{BASE}\n[fields.startDateJob]\nfrom = \"E\"\ntransform = [{{ date = \"%d.%m\" }}]\n"
    )));
}

#[test]
fn snapshot_type_mismatch() {
    insta::assert_snapshot!(rendered(&format!(
        "{BASE}\n[fields.base]\nfrom = \"Salary\"\ntype = \"nummber\"\nrequired = \"yes\"\n[fields.fte]\nfrom = \"FTE\"\ntype = \"number\"\ndefault = \"full\"\ncustom = true\n[fields.manager]\nfrom = \"M\"\nresolve = \"manager\"\ntype = \"date\"\n"
    )));
}

#[test]
fn snapshot_duplicate_field() {
    insta::assert_snapshot!(rendered(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\n[fields.Title]\nfrom = \"U\"\n"
    )));
}

#[test]
fn snapshot_unknown_charthop_field_and_lookup() {
    insta::assert_snapshot!(rendered(&format!(
        "{BASE}\n[fields.startDat]\nfrom = \"D\"\n[fields.department]\nfrom = \"Dept\"\nlookup = \"departmnts\"\n[lookups.departments]\nentries = {{ D1 = \"Sales\" }}\n"
    )));
}

#[test]
fn snapshot_invalid_toml() {
    insta::assert_snapshot!(rendered("[key]\npayroll = \"Id\"\ncharthop = \n"));
}

#[test]
fn snapshot_failed_embedded_test() {
    let m = parse(&format!(
        "{BASE}\n[fields.title]\nfrom = \"T\"\ntransform = [\"upper\"]\n[[tests]]\nname = \"titles\"\ninput = {{ Id = \"1\", T = \"cto\" }}\nexpect = {{ title = \"Cto\" }}\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    insta::assert_snapshot!(m.render(&m.run_tests()));
}

#[test]
fn every_problem_is_reported_at_once() {
    let err = parse(&format!(
        "{BASE}\n[fields.title]\nfrm = \"T\"\n[fields.startDate]\nfrom = \"D\"\ntype = \"dat\"\n"
    ))
    .unwrap_err();
    assert_eq!(err.diagnostics().len(), 3, "{err}");
}

#[test]
fn skip_rules_when_templates_and_clears() {
    let m = parse(&format!(
        "[[skip]]\nreason = \"contractors\"\nwhen = {{ column = \"Type\", in = [\"CTR\", \"1099\"] }}\n{BASE}\n[fields.name]\ncustom = true\ntemplate = \"{{First}} {{Last}}\"\n[fields.startDateJob]\nfrom = \"End\"\ntype = \"date\"\non_empty = \"clear\"\nwhen = {{ column = \"Type\", is_not = \"INT\" }}\n"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = ["Id", "Type", "First", "Last", "End"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let b = m.bind(&header).unwrap_or_else(|e| panic!("{e}"));
    let row = |cells: [&str; 5]| cells.map(str::to_string).to_vec();
    assert_eq!(
        b.outcome(2, &row(["1", "ctr", "A", "B", ""])),
        Outcome::Skipped(0)
    );
    let Outcome::Mapped(d) = b.outcome(3, &row(["2", "FT", "Ada", " Lovelace", ""])) else {
        panic!("not mapped")
    };
    assert_eq!(d.values[1], Some(Value::Text("Ada Lovelace".into())));
    assert_eq!(d.values[2], Some(Value::Clear), "a blank end date clears");
    let Outcome::Mapped(d) = b.outcome(4, &row(["3", "INT", "A", "B", ""])) else {
        panic!("not mapped")
    };
    assert_eq!(
        d.values[2], None,
        "`when` is false: the field is left alone"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Runs everything `check` runs on a mapping text; must never panic.
    fn check_everything(text: &str, header: &[String], cells: &[String]) {
        if let Ok(m) = Mapping::parse(Path::new("fuzz.toml"), text) {
            let _ = m.run_tests();
            if let Ok(b) = m.bind(header) {
                let _ = check::check_rows(&b, &[], &[(2, cells.to_vec())]);
            }
            let all: Vec<String> = m.columns().iter().map(|c| c.to_string()).collect();
            if let Ok(b) = m.bind(&all) {
                let _ = b.outcome(2, cells);
            }
        }
    }

    const SEED: &str = include_str!("../../mappings/paylocity.toml");

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text(text in "\\PC{0,400}", cells in proptest::collection::vec("\\PC{0,12}", 0..6)) {
            check_everything(&text, &["Id".to_string()], &cells);
        }

        #[test]
        fn toml_shaped_text(text in "(\\[{1,2}[a-z.\"]{0,12}\\]{1,2}\n|[a-z_\"]{1,10} = (\"[^\"\n]{0,12}\"|[0-9]{1,3}|true|\\[\"[a-z%/]{0,6}\"\\]|\\{ [a-z]{1,6} = \"[^\"\n]{0,6}\" \\})\n){0,12}") {
            check_everything(&text, &["Id".to_string()], &[]);
        }

        #[test]
        fn mutated_shipped_mapping(at in 0usize..8000, len in 0usize..40, insert in "\\PC{0,8}", cells in proptest::collection::vec("\\PC{0,12}", 22)) {
            let mut text = SEED.to_string();
            let mut start = at.min(text.len());
            while !text.is_char_boundary(start) { start -= 1; }
            let mut end = (start + len).min(text.len());
            while !text.is_char_boundary(end) { end -= 1; }
            text.replace_range(start..end, &insert);
            let header: Vec<String> = (0..22).map(|i| format!("c{i}")).collect();
            check_everything(&text, &header, &cells);
        }
    }
}

#[test]
fn source_says_how_to_read_the_export() {
    let m = parse(&format!(
        "[source]\nheader_row = \"auto\"\nencoding = \"windows-1252\"\ndelimiter = \";\"\n{BASE}"
    ))
    .unwrap();
    assert_eq!(m.header_row, crate::read::HeaderRow::Auto);
    assert!(m.encoding.is_some());
    assert_eq!(m.delimiter, Some(b';'));
    let m = parse(&format!(
        "[source]\nheader_row = 3\ndelimiter = \"tab\"\n{BASE}"
    ))
    .unwrap();
    assert_eq!(m.header_row, crate::read::HeaderRow::Row(3));
    assert_eq!(m.delimiter, Some(b'\t'));
    let err = parse(&format!(
        "[source]\nheader_row = 0\nencoding = \"ebcdic\"\ndelimiter = \"ab\"\n{BASE}"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.contains("`header_row` must be"), "{err}");
    assert!(err.contains("unknown encoding `ebcdic`"), "{err}");
    assert!(err.contains("`ab` is not one ASCII character"), "{err}");
}

/// Issue 19 (messages): `from = "Hire  Date"` (a doubled space) made every embedded test
/// suggest the typo back as the fix; the mapping's column is named once, as the likely typo.
#[test]
fn a_column_differing_from_the_tests_only_in_spacing_is_named_once_at_the_mapping() {
    let text = format!(
        "{BASE}\n[fields.startDate]\nfrom = \"Hire  Date\"\ntype = \"date\"\n\n[[tests]]\nname = \"one\"\ninput = {{ \"Id\" = \"1\", \"Hire Date\" = \"2020-01-02\" }}\nexpect = {{ startDate = \"2020-01-02\" }}\n\n[[tests]]\nname = \"two\"\ninput = {{ \"Id\" = \"2\", \"Hire Date\" = \"2020-01-03\" }}\nexpect = {{ startDate = \"2020-01-03\" }}\n"
    );
    let err = parse(&text).map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("has 1 problem(s)"), "{err}");
    assert!(
        err.contains(
            "column `Hire  Date` differs from `Hire Date` (in test `one`) only in spaces or case"
        ),
        "{err}"
    );
    assert!(err.contains("most likely `Hire Date`"), "{err}");
    assert!(!err.contains("did you mean `Hire  Date`"), "{err}");
}
