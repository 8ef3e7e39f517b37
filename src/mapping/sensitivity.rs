//! Which mapped fields are sensitive: by ChartHop field code (compensation, birth date,
//! national ids) or because the mapping says `sensitive = true`. The reports mask them; the
//! mapping hides their values in its own messages.

use serde::{Deserialize, Serialize};

use super::Mapping;

/// How a field is shown in reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sensitivity {
    /// Compensation, birth date, or marked `sensitive = true`: masked unless
    /// `--show-sensitive`.
    Sensitive,
    /// A national id (SSN, SIN, ...): never shown in a report.
    NationalId,
}

/// A masked field, as recorded in `plan.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SensitiveField {
    pub field: String,
    pub sensitivity: Sensitivity,
}

/// The built-in sensitivity of a ChartHop field code, by any of its dotted segments:
/// `ssn`, `nationalId`, `sin` are national ids; `base`, `hourly`, `currency`, `birthDate`
/// and anything starting `comp` or `baseComp` is sensitive.
pub fn builtin(code: &str) -> Option<Sensitivity> {
    let mut found = None;
    for seg in code.split('.').map(str::to_ascii_lowercase) {
        let seg = seg.as_str();
        if matches!(seg, "ssn" | "nationalid" | "sin") {
            return Some(Sensitivity::NationalId);
        }
        if matches!(seg, "base" | "hourly" | "currency" | "birthdate")
            || seg.starts_with("comp")
            || seg.starts_with("basecomp")
        {
            found = Some(Sensitivity::Sensitive);
        }
    }
    found
}

/// Every mapped field that reports mask, in mapping order.
pub fn sensitive_fields(mapping: &Mapping) -> Vec<SensitiveField> {
    mapping
        .fields
        .iter()
        .filter_map(|f| {
            let s = match (builtin(&f.code), f.sensitive) {
                (Some(s), _) => s,
                (None, true) => Sensitivity::Sensitive,
                (None, false) => return None,
            };
            Some(SensitiveField {
                field: f.code.clone(),
                sensitivity: s,
            })
        })
        .collect()
}
