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
    #[serde(default)]
    pub tests: Vec<TestSpec>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceSpec {
    pub sheet: Option<String>,
    /// `"auto"`, `"first"` or a row number.
    pub header_row: Option<HeaderRowSpec>,
    /// A CSV encoding name (`utf-8`, `utf-16le`, `utf-16be`, `windows-1252`).
    pub encoding: Option<String>,
    /// A CSV delimiter: one ASCII character or `tab`.
    pub delimiter: Option<String>,
    #[serde(default)]
    pub date_formats: Vec<String>,
}

/// `header_row` as written: a number or a word.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub(super) enum HeaderRowSpec {
    Number(i64),
    Word(String),
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
