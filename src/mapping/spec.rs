//! The mapping file as written (TOML), before validation. Unknown keys are errors.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct MappingSpec {
    #[serde(default)]
    pub source: SourceSpec,
    pub key: KeySpec,
    pub fields: OrderedFields,
    /// `[departure]`: the export's evidence that a person left.
    pub departure: Option<DepartureSpec>,
    #[serde(default)]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DepartureSpec {
    /// A status column, e.g. `Status`.
    pub from: Option<String>,
    /// The status values that mean the person left, e.g. `["Terminated", "T"]`.
    #[serde(default)]
    pub values: Vec<String>,
    /// A termination-date column: a date in it means the person left.
    pub date: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceSpec {
    pub sheet: Option<String>,
    #[serde(default)]
    pub date_formats: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct KeySpec {
    pub payroll: String,
    pub charthop: String,
    pub fallback: Option<FallbackSpec>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FallbackSpec {
    pub payroll: String,
    pub charthop: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FieldSpec {
    pub from: Option<String>,
    #[serde(default)]
    pub transform: Vec<String>,
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub default: Option<String>,
    pub map: Option<BTreeMap<String, String>>,
    pub resolve: Option<String>,
    #[serde(default)]
    pub required: bool,
    /// Masked in reports unless `--show-sensitive`.
    #[serde(default)]
    pub sensitive: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TestSpec {
    pub name: Option<String>,
    pub input: BTreeMap<String, String>,
    #[serde(default)]
    pub expect: BTreeMap<String, String>,
    /// The test expects the row to be rejected.
    #[serde(default)]
    pub rejected: bool,
}

/// `[fields.*]` in file order: the order of columns in the change files follows it.
#[derive(Debug)]
pub(super) struct OrderedFields(pub Vec<(String, FieldSpec)>);

impl<'de> Deserialize<'de> for OrderedFields {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;
        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = OrderedFields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table of ChartHop field codes")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out: Vec<(String, FieldSpec)> = Vec::new();
                while let Some((code, spec)) = map.next_entry::<String, FieldSpec>()? {
                    out.push((code, spec));
                }
                Ok(OrderedFields(out))
            }
        }
        deserializer.deserialize_map(FieldsVisitor)
    }
}
