//! The field catalogue: `findFields` (`GET /v1/org/{orgId}/field`, the spec's `ResultsField`:
//! `{"data": [Field], "next"?}`, paged by field id) and `getBuiltinFields`
//! (`GET /v1/org/{orgId}/field/built-in`, `ResultsPartialField`, one answer).
//!
//! Built-in fields come from `builtin` (ids `5d…`), custom ones from the org's catalogue (ids
//! `5e…` unless the seed gave one); both are listed in id order. Every field carries what the
//! spec's `Field` requires (`id`, `name`, `label`, `type`, `plural`, `isUnique`, `isRequired`,
//! `sensitive`), plus `entityType`, `values` (enums), `calc`/`expr` (computed ones), `readonly`,
//! `builtIn`, `shouldAutoAddValue` (enums) and `status`.

use std::sync::Arc;

use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Map, Value, json};

use crate::builtin::{self, BUILTIN, Builtin};
use crate::catalogue::CustomField;
use crate::faults::Fault;
use crate::query::{last_param, query_pairs};
use crate::shared::{ActiveFaults, ApiError, Shared};

const DEFAULT_LIMIT: usize = 100;
const MAX_LIMIT: usize = 1000;

/// Which fields `findFields` lists (`builtin`; the spec's default is custom).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Custom,
    Builtin,
    All,
}

/// `findFields`: the fields `builtin` names (`custom`, the default; `builtin`; `all`), in id
/// order, strictly after the id `from`, `limit` at a time (`next`: the last id, when more
/// remain); `ids` keeps only the listed field ids. The org has no tables or forms, so `table`
/// or `form` lists nothing. 400 for a bad `builtin` or `limit`; 404 for another org.
///
/// Faults, as for `findJobs`: `empty_page` answers no fields with a `next` that still leads
/// to them; `repeat_cursor` answers `next` equal to the `from` sent.
pub async fn find_fields(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
    RawQuery(raw): RawQuery,
    faults: Option<Extension<ActiveFaults>>,
) -> Result<Response, ApiError> {
    let faults = faults.map(|Extension(f)| f).unwrap_or_default();
    shared.check_org(&org_id)?;
    let params = query_pairs(raw.as_deref());
    let param = |name: &str| last_param(&params, name).filter(|v| !v.trim().is_empty());
    let which = match param("builtin").map(str::to_ascii_lowercase).as_deref() {
        None | Some("custom") => Which::Custom,
        Some("builtin") => Which::Builtin,
        Some("all") => Which::All,
        Some(other) => {
            return Err(ApiError::bad_request(format!(
                "builtin `{other}` must be custom, builtin or all"
            )));
        }
    };
    let limit = super::limit(param("limit"), DEFAULT_LIMIT, MAX_LIMIT)?;
    let from = param("from");
    if faults.has(&Fault::EmptyPage) {
        return Ok(Json(super::empty_page(from)).into_response());
    }
    let ids: Option<Vec<&str>> = param("ids").map(|ids| ids.split(',').map(str::trim).collect());
    let no_table = param("table").is_none() && param("form").is_none();

    let (state, _) = shared.org_read();
    let mut fields: Vec<Value> = Vec::new();
    if which != Which::Custom {
        fields.extend(
            BUILTIN
                .iter()
                .enumerate()
                .map(|(i, b)| builtin_field(i, b, false)),
        );
    }
    if which != Which::Builtin {
        let org_id = state.org.id.clone();
        fields.extend(
            state
                .catalogue
                .fields()
                .map(|(_, f)| custom_field(f, &org_id)),
        );
    }
    let id_of = |f: &Value| f["id"].as_str().unwrap_or_default().to_string();
    fields.sort_by_key(id_of);
    fields.retain(|f| {
        let id = id_of(f);
        no_table
            && from.is_none_or(|from| id.as_str() > from)
            && ids.as_ref().is_none_or(|ids| ids.contains(&id.as_str()))
    });
    let more = fields.len() > limit;
    fields.truncate(limit);
    let last = fields.last().filter(|_| more).map(id_of);
    super::page(fields.len(), |i| &fields[i], last, from, &faults)
}

/// `getBuiltinFields`: every built-in field as a `PartialField`, in one answer. 404 for another
/// org.
pub async fn get_builtin_fields(
    State(shared): State<Arc<Shared>>,
    Path(org_id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    shared.check_org(&org_id)?;
    let data: Vec<Value> = BUILTIN
        .iter()
        .enumerate()
        .map(|(i, b)| builtin_field(i, b, true))
        .collect();
    Ok(Json(json!({ "data": data })))
}

/// A built-in field (the `index`-th of [`BUILTIN`]) as a `Field`, or as a `PartialField` (which
/// has no `readonly` or `builtIn`) when `partial`.
fn builtin_field(index: usize, b: &Builtin, partial: bool) -> Value {
    let values: Vec<Value> = builtin::options(b.code)
        .into_iter()
        .map(|(name, label)| json!({"name": name, "label": label}))
        .collect();
    let mut f = common(
        &builtin::id(index),
        b.code,
        b.label,
        b.kind.code(),
        b.sensitive,
    );
    f.insert("entityType".into(), json!(b.entity.code()));
    f.insert("isUnique".into(), json!(b.unique));
    if !values.is_empty() {
        f.insert("values".into(), Value::Array(values));
        f.insert("shouldAutoAddValue".into(), json!(false));
    }
    if let Some(calc) = b.calc {
        f.insert("calc".into(), json!(calc));
    }
    if !partial {
        f.insert("readonly".into(), json!(b.calc.is_some()));
        f.insert("builtIn".into(), json!(true));
    }
    Value::Object(f)
}

/// A custom field of the org `org_id` as a `Field`.
fn custom_field(c: &CustomField, org_id: &str) -> Value {
    let mut f = common(&c.id, &c.name, &c.label, c.kind.code(), &c.sensitive);
    f.insert("orgId".into(), json!(org_id));
    f.insert("entityType".into(), json!(c.entity.code()));
    f.insert("isUnique".into(), json!(false));
    if let Some(d) = &c.description {
        f.insert("description".into(), json!(d));
    }
    if c.kind.is_enum() {
        f.insert("values".into(), json!(c.values));
        f.insert("shouldAutoAddValue".into(), json!(c.auto_add));
    }
    for (key, value) in [("calc", &c.calc), ("expr", &c.expr)] {
        if let Some(v) = value {
            f.insert(key.into(), json!(v));
        }
    }
    f.insert("readonly".into(), json!(c.not_importable().is_some()));
    f.insert("builtIn".into(), json!(false));
    Value::Object(f)
}

/// What every field carries.
fn common(id: &str, name: &str, label: &str, kind: &str, sensitive: &str) -> Map<String, Value> {
    let mut f = Map::new();
    f.insert("id".into(), json!(id));
    f.insert("name".into(), json!(name));
    f.insert("label".into(), json!(label));
    f.insert("type".into(), json!(kind));
    f.insert("plural".into(), json!("SINGLE"));
    f.insert("isRequired".into(), json!(false));
    f.insert("sensitive".into(), json!(sensitive));
    f.insert("status".into(), json!("ACTIVE"));
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fields::FieldCode;
    use crate::people::ALL as PERSON_CODES;

    #[test]
    fn every_code_the_emulator_serves_is_a_built_in_field() {
        let served = FieldCode::every()
            .map(|(code, _)| code)
            .chain(PERSON_CODES.iter().map(|(code, _)| *code));
        for code in served {
            assert!(
                builtin::get(code).is_some(),
                "`{code}` is served but not listed"
            );
        }
        let f = builtin_field(0, &BUILTIN[0], false);
        assert_eq!(
            (f["name"].as_str(), f["readonly"].as_bool()),
            (Some("jobId"), Some(true))
        );
        let partial = builtin_field(0, &BUILTIN[0], true);
        assert!(partial.get("readonly").is_none() && partial.get("builtIn").is_none());
    }
}
