use super::*;

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
        assert!(failures.is_empty(), "{}: {failures:#?}", path.display());
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
    assert!(text.contains("transfrom"), "{text}");
    assert!(text.contains("line 10"), "{text}");
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
    assert_eq!(err.hint().as_deref(), Some("did you mean `lower`?"));
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
    assert_eq!(err.hint().as_deref(), Some("did you mean `Hire Date`?"));
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

#[test]
fn source_says_how_to_read_the_export() {
    let m = parse(&format!(
        "[source]\nheader_row = \"auto\"\nencoding = \"windows-1252\"\ndelimiter = \";\"\n{BASE}"
    ))
    .unwrap();
    assert_eq!(m.header_row, crate::read::HeaderRow::Auto);
    assert_eq!(m.encoding, Some(crate::read::TextEncoding::Windows1252));
    assert_eq!(m.delimiter, Some(b';'));
    let m = parse(&format!(
        "[source]\nheader_row = 3\ndelimiter = \"tab\"\n{BASE}"
    ))
    .unwrap();
    assert_eq!(m.header_row, crate::read::HeaderRow::Row(3));
    assert_eq!(m.delimiter, Some(b'\t'));
    let err = parse(&format!("[source]\nheader_row = 0\n{BASE}")).unwrap_err();
    assert!(err.to_string().contains("source.header_row"), "{err}");
    let err = parse(&format!("[source]\nencoding = \"ebcdic\"\n{BASE}")).unwrap_err();
    assert!(err.to_string().contains("source.encoding"), "{err}");
}
