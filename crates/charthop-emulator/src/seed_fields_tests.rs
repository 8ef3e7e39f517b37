//! `fields.json`: what it builds, and each mistake named with the file and the field.

use super::*;

fn load_text(text: &str) -> Result<Catalogue, String> {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.path().join(FILE), text).unwrap_or_else(|e| panic!("{e}"));
    load(dir.path()).map_err(|e| e.to_string())
}

fn error_of(field: &str) -> String {
    let err = load_text(&format!("[{field}]")).err().unwrap_or_default();
    assert!(err.contains("fields.json"), "{err}");
    err
}

#[test]
fn a_seed_without_the_file_has_no_custom_fields() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(load(dir.path()).ok(), Some(Catalogue::default()));
}

#[test]
fn fields_load_in_the_spec_shape_with_defaults() {
    let c = load_text(
        r#"[
        {"name": "workerCategory", "label": "Worker Category", "type": "enum", "entityType": "JOB",
         "values": [{"name": "FULL_TIME", "label": "Full Time"}]},
        {"name": "nationalId", "label": "National ID", "type": "STRING", "entityType": "person",
         "sensitive": "private", "id": "5e00000000000000000000aa"},
        {"name": "skills", "label": "Skills", "type": "ENUM_MULTI", "entityType": "PERSON",
         "shouldAutoAddValue": true, "sensitive": true},
        {"name": "annualCost", "label": "Annual Cost", "type": "MONEY", "entityType": "JOB",
         "expr": "base * 1.3", "readonly": true, "description": "Loaded cost"}
    ]"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let all: Vec<&CustomField> = c.fields().map(|(_, f)| f).collect();
    assert_eq!(all.len(), 4);
    assert_eq!((all[0].kind, all[0].entity), (Kind::Enum, Entity::Job));
    assert_eq!(all[0].id, "5e0000000000000000000001");
    assert_eq!(all[0].sensitive, "GLOBAL");
    assert_eq!(
        (all[1].id.as_str(), all[1].sensitive.as_str()),
        ("5e00000000000000000000aa", "PRIVATE")
    );
    assert!(all[2].auto_add && all[2].values.is_empty());
    assert_eq!(all[2].sensitive, "SENSITIVE");
    assert!(all[3].not_importable().is_some());
    assert_eq!(all[3].description.as_deref(), Some("Loaded cost"));
}

#[test]
fn each_mistake_names_the_file_the_field_and_what_is_wrong() {
    let ok = r#""label": "L", "type": "STRING", "entityType": "JOB""#;
    for (field, wanted) in [
        (format!(r#"{{"name": "x y", {ok}}}"#), "field `x y`: a code starts with a letter"),
        (format!(r#"{{"name": "Title", {ok}}}"#), "field `Title`: `title` is a built-in field's code"),
        (format!(r#"{{"name": "date", {ok}}}"#), "`date` already names an import column"),
        (format!(r#"{{"name": "cost", {ok}, "plural": "SINGLE"}}"#), "field `cost`: unknown field `plural`"),
        (r#"{"name": "cost", "type": "STRING", "entityType": "JOB"}"#.into(), "missing field `label`"),
        (r#"{"label": "L", "type": "STRING", "entityType": "JOB"}"#.into(), "field `#1`: missing field `name`"),
        (r#"{"name": "cost", "label": " ", "type": "STRING", "entityType": "JOB"}"#.into(), "`label` is empty"),
        (r#"{"name": "cost", "label": "L", "type": "ADDRESS", "entityType": "JOB"}"#.into(), "type `ADDRESS` is not one the emulator checks (use STRING, TEXT"),
        (r#"{"name": "cost", "label": "L", "type": "STRING", "entityType": "ORG"}"#.into(), "entityType `ORG` must be PERSON or JOB"),
        (format!(r#"{{"name": "cost", {ok}, "values": [{{"name": "A", "label": "A"}}]}}"#), "`values` are for ENUM and ENUM_MULTI fields"),
        (format!(r#"{{"name": "cost", {ok}, "shouldAutoAddValue": true}}"#), "`shouldAutoAddValue` is for ENUM"),
        (r#"{"name": "cat", "label": "L", "type": "ENUM", "entityType": "JOB"}"#.into(), "an ENUM field needs `values`"),
        (r#"{"name": "cat", "label": "L", "type": "ENUM", "entityType": "JOB", "values": [{"name": "A", "label": "A"}, {"name": "a", "label": "B"}]}"#.into(), "the option `a` is listed twice"),
        (r#"{"name": "cat", "label": "L", "type": "ENUM", "entityType": "JOB", "values": [{"name": "A"}]}"#.into(), "missing field `label`"),
        (format!(r#"{{"name": "cost", {ok}, "sensitive": "SECRET"}}"#), "sensitive `SECRET` must be one of GLOBAL, ORG"),
        (format!(r#"{{"name": "cost", {ok}, "id": "XYZ"}}"#), "id `XYZ` is not 24 lowercase hex characters"),
        (format!(r#"{{"name": "cost", {ok}}}, {{"name": "COST", {ok}}}"#), "field `COST`: another field has this code"),
        (format!(r#"{{"name": "a1", {ok}, "id": "5e0000000000000000000002"}}, {{"name": "a2", {ok}}}"#), "field `a2`: another field has the id"),
    ] {
        let err = error_of(&field);
        assert!(err.contains(wanted), "{field}\n  wanted: {wanted}\n  got: {err}");
    }
    let err = load_text(r#"{"name": "x"}"#).err().unwrap_or_default();
    assert!(
        err.contains("parsing") && err.contains("fields.json"),
        "{err}"
    );
}
