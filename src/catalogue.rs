//! The org's field catalogue: every field ChartHop knows for the org (built-in and custom),
//! loaded once per run with `findFields` (`builtin=all`, one paged read), looked up by code
//! without case (ChartHop ignores it; this tool's lookups do not, so codes are canonicalized
//! to the catalogue's spelling), and fingerprinted for the plan: a plan records the catalogue's
//! hash and each written field's, and `apply` refuses a plan whose written fields changed.
//!
//! A shared leaf: it uses the ChartHop client and nothing of the pipeline's stages.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::charthop::{ApiError, Builtin, Client, FieldDef};

/// The page size of the catalogue read.
pub const PAGE: u32 = 500;

/// The field kinds this tool can write, and how (`None`: not supported yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Text,
    Date,
    Number,
    Money,
    Boolean,
    /// One of the field's options.
    Enum,
    /// Several options, separated by `;`.
    EnumMulti,
    /// A person, named by work email (a manager-like reference).
    Person,
    /// ChartHop's own shapes the tool writes as text (groups, names, contacts, ...).
    Other,
}

/// ChartHop's type names, by how this tool writes them.
pub fn shape(kind: &str) -> Option<Shape> {
    Some(match kind.to_ascii_uppercase().as_str() {
        "STRING" | "TEXT" | "EMAIL" | "PHONE" | "URL" | "NAME" | "JOB_CODE" | "CURRENCY" => {
            Shape::Text
        }
        "DATE" | "TIMESTAMP" => Shape::Date,
        "NUMBER" | "INTEGER" | "DECIMAL" | "PERCENT" => Shape::Number,
        "MONEY" | "COMP" | "PAY_INTERVAL" => Shape::Money,
        "BOOLEAN" => Shape::Boolean,
        "ENUM" | "ENUM_SCALE" => Shape::Enum,
        "ENUM_MULTI" => Shape::EnumMulti,
        "PERSON" | "USER" | "JOB" => Shape::Person,
        "GROUP" | "GROUPS" | "GROUP_ASSIGNMENTS" | "CONTACTS" | "ADDRESS" | "" => Shape::Other,
        _ => return None,
    })
}

/// The org's fields, by lower-case code.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    fields: Vec<FieldDef>,
    by_code: HashMap<String, usize>,
}

impl Catalogue {
    /// A catalogue of `fields` (a later duplicate code is ignored).
    pub fn new(fields: Vec<FieldDef>) -> Catalogue {
        let mut by_code = HashMap::with_capacity(fields.len());
        for (i, f) in fields.iter().enumerate() {
            by_code.entry(f.name.to_lowercase()).or_insert(i);
        }
        Catalogue { fields, by_code }
    }

    /// Reads the org's catalogue: `findFields` with `builtin=all`, paged. Fails with the
    /// client's error (naming the URL), e.g. a page that fails after its retries; a 404 is
    /// told apart as [`ApiError::OrgNotFound`] or [`ApiError::ApiNotFound`] (exit 78).
    pub async fn fetch(client: &Client) -> Result<Catalogue, ApiError> {
        match client.find_fields(Builtin::All, PAGE).await {
            Ok(fields) => Ok(Catalogue::new(fields)),
            // The first call of a run: a 404 here is a wrong org or base URL, told apart.
            Err(e) => Err(client.explain_not_found(e).await),
        }
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// True when ChartHop listed no field at all.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The field with this code, in any case.
    pub fn get(&self, code: &str) -> Option<&FieldDef> {
        self.by_code
            .get(&code.to_lowercase())
            .map(|&i| &self.fields[i])
    }

    /// Codes worth suggesting for an unknown `code`: a field whose label is `code` (ignoring
    /// case, spaces and punctuation: `"Performance Rating"` names `perfRating`), else the
    /// code or the label closest to it.
    pub fn suggest(&self, code: &str) -> Option<&FieldDef> {
        let squash = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let wanted = squash(code);
        if let Some(f) = self.fields.iter().find(|f| squash(&f.label) == wanted) {
            return Some(f);
        }
        let by_code = crate::suggest::closest(code, self.fields.iter().map(|f| f.name.as_str()));
        if let Some(c) = by_code {
            return self.get(c);
        }
        let by_label = crate::suggest::closest(code, self.fields.iter().map(|f| f.label.as_str()))?;
        self.fields.iter().find(|f| f.label == by_label)
    }

    /// The SHA-256 (hex) of the whole catalogue, in code order: changes when any field does.
    pub fn sha256(&self) -> String {
        let mut sorted: Vec<&FieldDef> = self.fields.iter().collect();
        sorted.sort_by(|a, b| a.name.cmp(&b.name));
        let mut h = Sha256::new();
        for f in sorted {
            h.update(field_bytes(f));
        }
        crate::fsutil::hex(&h.finalize())
    }

    /// Each of `codes`' SHA-256 (hex) by its code as given; `"absent"` for a code the
    /// catalogue lacks (so a field that disappears is a change too).
    pub fn field_hashes<'a>(
        &self,
        codes: impl IntoIterator<Item = &'a str>,
    ) -> BTreeMap<String, String> {
        codes
            .into_iter()
            .map(|c| {
                let hash = self.get(c).map_or_else(
                    || "absent".to_string(),
                    |f| crate::fsutil::hex(&Sha256::digest(field_bytes(f))),
                );
                (c.to_string(), hash)
            })
            .collect()
    }
}

/// A field as stable bytes: its JSON (struct fields in declaration order).
fn field_bytes(f: &FieldDef) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(f).unwrap_or_default();
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, label: &str, kind: &str) -> FieldDef {
        serde_json::from_value(serde_json::json!({"name": name, "label": label, "type": kind}))
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn codes_are_found_in_any_case_and_suggested_by_label_or_spelling() {
        let c = Catalogue::new(vec![
            field("contact.workEmail", "Work Email", "EMAIL"),
            field("perfRating", "Performance Rating", "ENUM"),
        ]);
        assert_eq!(
            c.get("contact.workemail").map(|f| f.name.as_str()),
            Some("contact.workEmail")
        );
        assert_eq!(
            c.suggest("Performance Rating").map(|f| f.name.as_str()),
            Some("perfRating")
        );
        assert_eq!(
            c.suggest("perfRatng").map(|f| f.name.as_str()),
            Some("perfRating")
        );
        assert!(c.suggest("costCenter").is_none());
        let h = c.field_hashes(["perfRating", "gone"]);
        assert_eq!(h["gone"], "absent");
        assert_eq!(h["perfRating"].len(), 64);
        let other = Catalogue::new(vec![field("perfRating", "Rating", "ENUM")]);
        assert_ne!(
            other.field_hashes(["perfRating"]),
            h.into_iter().take(1).collect::<BTreeMap<_, _>>()
        );
        assert_eq!(shape("enum_multi"), Some(Shape::EnumMulti));
        assert_eq!(shape("STOCKGRANT"), None);
    }
}
