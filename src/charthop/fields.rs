//! The org's field catalogue: `findFields` (`GET /v1/org/{org}/field`, paged with
//! `from`/`limit`/`next`, `builtin=custom|builtin|all`) and `getBuiltinFields`
//! (`GET /v1/org/{org}/field/built-in`), in the spec's `Field` shape (the parts this tool
//! reads; everything else is ignored).

use std::collections::HashSet;

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::client::Client;
use super::error::ApiError;
use super::transport::Mode;

/// One field of the org, as `findFields` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldDef {
    /// The code (`perfRating`): what `fields=`, Carrot and CSV headers use.
    pub name: String,
    #[serde(default)]
    pub label: String,
    /// `STRING`, `DATE`, `MONEY`, `ENUM`, ... (about 50 kinds).
    #[serde(rename = "type", default)]
    pub kind: String,
    /// An enum's options.
    #[serde(default)]
    pub values: Vec<EnumValue>,
    /// `PERSON` or `JOB` (where the value lands).
    #[serde(default)]
    pub entity_type: Option<String>,
    /// View sensitivity (`GLOBAL`, `ORG`, `SENSITIVE`, `PERSONAL`, `MANAGER`, `HIGH`,
    /// `PRIVATE`), or a yes/no from older shapes.
    #[serde(default)]
    pub sensitive: Option<serde_json::Value>,
    #[serde(default)]
    pub readonly: bool,
    /// A computed field's calculation (`calc`) or expression (`expr`): never imported.
    #[serde(default)]
    pub calc: Option<String>,
    #[serde(default)]
    pub expr: Option<String>,
    /// An unknown enum value is added as an option instead of refused.
    #[serde(default)]
    pub should_auto_add_value: bool,
    #[serde(default)]
    pub built_in: bool,
}

/// One enum option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnumValue {
    pub name: String,
    #[serde(default)]
    pub label: Option<String>,
}

impl FieldDef {
    /// True when ChartHop restricts who may see the field (anything but `GLOBAL`/`ORG`).
    pub fn is_sensitive(&self) -> bool {
        match &self.sensitive {
            Some(serde_json::Value::Bool(b)) => *b,
            Some(serde_json::Value::String(s)) => {
                !s.is_empty() && !s.eq_ignore_ascii_case("GLOBAL") && !s.eq_ignore_ascii_case("ORG")
            }
            _ => false,
        }
    }

    /// True for a computed or read-only field: an import cannot write it. A built-in field's
    /// `calc` names the function behind it even when it is importable (the spec: "the function
    /// behind native fields"), so for built-ins only `readonly` says "computed"; a custom
    /// field with an expression or a calculation is computed.
    pub fn is_computed(&self) -> bool {
        let set = |v: &Option<String>| v.as_deref().is_some_and(|c| !c.is_empty());
        self.readonly || set(&self.expr) || (!self.built_in && set(&self.calc))
    }
}

/// One page of `findFields`.
#[derive(Debug, Deserialize)]
struct FieldsPage {
    #[serde(default)]
    data: Vec<FieldDef>,
    #[serde(default)]
    next: Option<String>,
}

/// Which fields `findFields` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Custom,
    Builtin,
    All,
}

impl Builtin {
    fn param(self) -> &'static str {
        match self {
            Builtin::Custom => "custom",
            Builtin::Builtin => "builtin",
            Builtin::All => "all",
        }
    }
}

impl Client {
    /// Every field `findFields` lists (`builtin`), page after page of `limit`, in ChartHop's
    /// order. Fails with the client's errors, or [`ApiError::CursorRepeated`] when ChartHop
    /// sends a cursor it sent before (a walk that would never end).
    pub async fn find_fields(
        &self,
        builtin: Builtin,
        limit: u32,
    ) -> Result<Vec<FieldDef>, ApiError> {
        let path = format!("/v1/org/{}/field", self.org_path());
        let mut out = Vec::new();
        let mut from: Option<String> = None;
        let mut seen = HashSet::new();
        for page in 1u32.. {
            let mut params = vec![
                ("builtin", builtin.param().to_string()),
                ("limit", limit.to_string()),
            ];
            if let Some(f) = &from {
                params.push(("from", f.clone()));
            }
            let body: FieldsPage = self
                .call(Method::GET, &path, &params, Mode::Read, Ok)
                .await?;
            out.extend(body.data);
            match body.next.filter(|n| !n.is_empty()) {
                Some(next) if !seen.insert(next.clone()) => {
                    return Err(ApiError::CursorRepeated {
                        method: "GET".into(),
                        path,
                        cursor: next,
                        page,
                    });
                }
                Some(next) => from = Some(next),
                None => break,
            }
        }
        Ok(out)
    }

    /// `getBuiltinFields`: the built-in fields (one answer, not paged). Fails with the
    /// client's errors.
    pub async fn builtin_fields(&self) -> Result<Vec<FieldDef>, ApiError> {
        let path = format!("/v1/org/{}/field/built-in", self.org_path());
        let body: FieldsPage = self.call(Method::GET, &path, &[], Mode::Read, Ok).await?;
        Ok(body.data)
    }
}

#[cfg(test)]
mod tests {
    use super::FieldDef;

    #[test]
    fn a_field_reads_from_the_spec_shape_and_says_what_it_allows() {
        let f: FieldDef = serde_json::from_str(
            r#"{"id":"x","name":"perfRating","label":"Performance Rating","type":"ENUM",
                "values":[{"name":"EXCEEDS","label":"Exceeds"}],"entityType":"JOB",
                "sensitive":"SENSITIVE","isUnique":false,"isRequired":false,"plural":"SINGLE"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((f.name.as_str(), f.kind.as_str()), ("perfRating", "ENUM"));
        assert!(f.is_sensitive() && !f.is_computed());
        let calc: FieldDef = serde_json::from_str(
            r#"{"name":"tenure","type":"NUMBER","calc":"TENURE","sensitive":"GLOBAL"}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(calc.is_computed() && !calc.is_sensitive());
        let native: FieldDef = serde_json::from_str(
            r#"{"name":"title","type":"STRING","calc":"TITLE","builtIn":true}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !native.is_computed(),
            "a built-in's calc alone does not make it computed"
        );
    }
}
