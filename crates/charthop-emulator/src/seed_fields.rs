//! Reads the seed's optional `fields.json`: the org's custom fields, an array of objects in the
//! spec's `Field` shape (the subset the emulator models: `name`, `label`, `description`,
//! `type`, `values`, `entityType`, `sensitive`, `readonly`, `calc`, `expr`,
//! `shouldAutoAddValue`, and an optional `id`), checked field by field. A seed without the file
//! has built-in fields only.
//!
//! Layering: above `catalogue` (what it builds), `builtin` and `import_csv` (codes a custom
//! field may not take), `ids`, `seed_table` (reading) and `error`; below `seed`.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::catalogue::{
    Catalogue, CustomField, Entity, EnumValue, Kind, NOT_SENSITIVE, SENSITIVITY,
};
use crate::error::Error;

/// The file name in a seed directory.
pub const FILE: &str = "fields.json";

/// One entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct RawField {
    #[serde(default)]
    id: Option<String>,
    name: String,
    label: String,
    #[serde(default)]
    description: Option<String>,
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    values: Vec<RawValue>,
    entity_type: String,
    #[serde(default)]
    sensitive: Option<Value>,
    #[serde(default)]
    readonly: bool,
    #[serde(default)]
    calc: Option<String>,
    #[serde(default)]
    expr: Option<String>,
    #[serde(default)]
    should_auto_add_value: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawValue {
    name: String,
    label: String,
}

/// Reads `dir/fields.json` (an empty catalogue when there is none).
///
/// Fails with [`Error::Io`] when it cannot be read, [`Error::Json`] when it is not a JSON
/// array, and [`Error::SeedField`] naming the first bad field: an unknown or missing key, a
/// code that is malformed, a built-in field's, an import column's or another field's; an empty
/// label; a type the emulator cannot check; an `entityType` other than PERSON or JOB; options
/// on a field without them, an enum without options (and without `shouldAutoAddValue`), a
/// blank or repeated option; `shouldAutoAddValue` on a field that is not an enum; a
/// sensitivity outside the spec's levels; a malformed or repeated `id`.
pub fn load(dir: &Path) -> Result<Catalogue, Error> {
    let file = dir.join(FILE);
    if !file.exists() {
        return Ok(Catalogue::default());
    }
    let text = crate::seed_table::read(&file)?;
    let entries: Vec<Value> = serde_json::from_str(&text).map_err(|source| Error::Json {
        file: file.clone(),
        source,
    })?;
    let mut fields: Vec<CustomField> = Vec::with_capacity(entries.len());
    for (i, entry) in entries.into_iter().enumerate() {
        let label = entry
            .get("name")
            .and_then(Value::as_str)
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let fail = |message: String| Error::SeedField {
            file: file.clone(),
            field: label.clone(),
            message,
        };
        let raw: RawField = serde_json::from_value(entry).map_err(|e| fail(e.to_string()))?;
        let field = check(raw, i).map_err(&fail)?;
        if fields
            .iter()
            .any(|f| f.name.eq_ignore_ascii_case(&field.name))
        {
            return Err(fail("another field has this code".into()));
        }
        if fields.iter().any(|f| f.id == field.id) {
            return Err(fail(format!("another field has the id `{}`", field.id)));
        }
        fields.push(field);
    }
    Ok(Catalogue::new(fields))
}

/// Checks one entry (the `index`-th) and builds its field; fails with what is wrong.
fn check(raw: RawField, index: usize) -> Result<CustomField, String> {
    let name = raw.name.trim().to_string();
    let well_formed = name.len() >= 2
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !well_formed {
        return Err(
            "a code starts with a letter and holds only letters, digits and `_` (2 or more)".into(),
        );
    }
    if let Some(b) = crate::builtin::find(&name) {
        return Err(format!("`{}` is a built-in field's code", b.code));
    }
    if crate::import_csv::header_column(&name).is_some() {
        return Err(format!(
            "`{name}` already names an import column, so no import could reach this field"
        ));
    }
    if raw.label.trim().is_empty() {
        return Err("`label` is empty".into());
    }
    let kind = Kind::parse_custom(&raw.kind).ok_or_else(|| {
        let known: Vec<&str> = Kind::CUSTOM.iter().map(|k| k.code()).collect();
        format!(
            "type `{}` is not one the emulator checks (use {})",
            raw.kind,
            known.join(", ")
        )
    })?;
    let entity = match raw.entity_type.trim().to_ascii_uppercase().as_str() {
        "PERSON" => Entity::Person,
        "JOB" => Entity::Job,
        other => return Err(format!("entityType `{other}` must be PERSON or JOB")),
    };
    let values = options(kind, raw.values, raw.should_auto_add_value)?;
    let id = match raw.id {
        Some(id) if crate::ids::is_valid(&id) => id,
        Some(id) => return Err(format!("id `{id}` is not 24 lowercase hex characters")),
        None => format!("5e{:022x}", index + 1),
    };
    Ok(CustomField {
        id,
        name,
        label: raw.label.trim().to_string(),
        description: raw.description,
        kind,
        values,
        entity,
        sensitive: sensitivity(raw.sensitive)?,
        readonly: raw.readonly,
        calc: raw.calc.filter(|c| !c.trim().is_empty()),
        expr: raw.expr.filter(|e| !e.trim().is_empty()),
        auto_add: raw.should_auto_add_value,
    })
}

/// An enum field's options (required unless `auto_add`), none for any other field.
fn options(kind: Kind, raw: Vec<RawValue>, auto_add: bool) -> Result<Vec<EnumValue>, String> {
    if !kind.is_enum() {
        if !raw.is_empty() {
            return Err("`values` are for ENUM and ENUM_MULTI fields".into());
        }
        if auto_add {
            return Err("`shouldAutoAddValue` is for ENUM and ENUM_MULTI fields".into());
        }
        return Ok(Vec::new());
    }
    if raw.is_empty() && !auto_add {
        return Err(format!(
            "an {} field needs `values` (or `shouldAutoAddValue`)",
            kind.code()
        ));
    }
    let mut values: Vec<EnumValue> = Vec::with_capacity(raw.len());
    for v in raw {
        let (name, label) = (v.name.trim(), v.label.trim());
        if name.is_empty() || label.is_empty() {
            return Err("an option needs a `name` and a `label`".into());
        }
        if values.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
            return Err(format!("the option `{name}` is listed twice"));
        }
        values.push(EnumValue {
            name: name.to_string(),
            label: label.to_string(),
        });
    }
    Ok(values)
}

/// `sensitive`: one of the spec's levels (any case), or `true` (`SENSITIVE`) / `false`;
/// absent: not sensitive.
fn sensitivity(raw: Option<Value>) -> Result<String, String> {
    match raw {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Ok(NOT_SENSITIVE.into()),
        Some(Value::Bool(true)) => Ok("SENSITIVE".into()),
        Some(Value::String(s)) => SENSITIVITY
            .iter()
            .find(|l| l.eq_ignore_ascii_case(s.trim()))
            .map(|l| l.to_string())
            .ok_or_else(|| {
                format!(
                    "sensitive `{s}` must be one of {} (or true/false)",
                    SENSITIVITY.join(", ")
                )
            }),
        Some(other) => Err(format!(
            "sensitive `{other}` must be one of {} (or true/false)",
            SENSITIVITY.join(", ")
        )),
    }
}

#[cfg(test)]
#[path = "seed_fields_tests.rs"]
mod tests;
