//! A mapping against the org's real fields (the catalogue ChartHop lists for the org):
//! `plan` checks it every time, `check --org` on request. Each mapped code must be a field of
//! the org (a subfield such as `name.first` or `workAddress.city` through its parent field),
//! importable (not computed or read-only), of a type this tool can write, fed by a value of
//! that type, and, for an enum, given only values the field allows. Codes are brought to
//! ChartHop's spelling (case never breaks matching), catalogue sensitivity adds to
//! `sensitive = true`, and enum fields learn their options (see `options`).

use std::sync::Arc;

use super::diag::Diagnostics;
use super::options::EnumOptions;
use super::{Kind, Mapping, MappingError};
use crate::catalogue::{Catalogue, Shape, shape};
use crate::charthop::FieldDef;

/// What the check changed without it being a problem, one line each (for `check --org` and
/// the logs): codes respelled, fields masked because ChartHop calls them sensitive.
pub type Adjustments = Vec<String>;

impl Mapping {
    /// Checks the mapping against `catalogue` and adjusts it (canonical codes, sensitivity,
    /// enum options); see the module doc.
    ///
    /// Fails with [`MappingError::Invalid`] (exit 78) listing every problem with its place in
    /// the mapping file and a hint: an unknown code (with the closest code or label), a
    /// computed or read-only field, a type not supported yet, a value type the field cannot
    /// take, enum values of a `map` or lookup the field does not allow.
    pub fn against_catalogue(
        &mut self,
        catalogue: &Catalogue,
    ) -> Result<Adjustments, MappingError> {
        let mut diags = Diagnostics::default();
        let mut adjusted = Adjustments::new();
        let mut hidden: Vec<String> = Vec::new();
        let key = self.key.charthop_field.clone();
        if let Some(c) = self.resolve(&key, catalogue, &mut diags, &mut adjusted) {
            self.key.charthop_field = c;
        }
        if let Some((col, code)) = self.key.fallback.clone()
            && let Some(c) = self.resolve(&code, catalogue, &mut diags, &mut adjusted)
        {
            self.key.fallback = Some((col, c));
        }
        for i in 0..self.fields.len() {
            let code = self.fields[i].code.clone();
            if self.fields[i].declared_custom && self.lookup(&code, catalogue).is_none() {
                hidden.push(code);
                continue;
            }
            let Some(canonical) = self.resolve(&code, catalogue, &mut diags, &mut adjusted) else {
                continue;
            };
            let span = self.field_span(&code);
            self.fields[i].code = canonical.clone();
            // A subfield's type is its own; only whole fields are typed here.
            let Some(def) = catalogue.get(&canonical) else {
                continue;
            };
            if def.is_computed() {
                diags.error_hint(
                    span.clone(),
                    format!("`{canonical}` is computed by ChartHop (or read-only) and cannot be imported"),
                    "computed field",
                    Some("remove this field from the mapping; ChartHop derives its value".into()),
                );
                continue;
            }
            if def.is_sensitive() && !self.fields[i].sensitive {
                self.fields[i].sensitive = true;
                adjusted.push(format!(
                    "`{canonical}` is sensitive in ChartHop: masked in the reports"
                ));
            }
            let Some(want) = shape(&def.kind) else {
                diags.error_hint(
                    span.clone(),
                    format!("`{canonical}` is a `{}` field: not supported yet", def.kind),
                    "unsupported type",
                    Some(
                        "leave this field out of the mapping for now; the other fields are synced"
                            .into(),
                    ),
                );
                continue;
            };
            self.check_kind(i, def, want, span.clone(), &mut diags);
            if matches!(want, Shape::Enum | Shape::EnumMulti) {
                self.check_options(i, def, want, span, &mut diags);
            }
        }
        if !diags.is_empty() {
            return Err(MappingError::invalid(&self.path, &self.text, diags.items));
        }
        if !hidden.is_empty() {
            return Err(MappingError::NotVisible {
                path: self.path.clone(),
                fields: hidden,
            });
        }
        Ok(adjusted)
    }

    /// The catalogue's spelling of `code` (or of its parent field, for a subfield), if any.
    fn lookup(&self, code: &str, catalogue: &Catalogue) -> Option<String> {
        match catalogue.get(code) {
            Some(f) => Some(f.name.clone()),
            None => code.split_once('.').and_then(|(parent, sub)| {
                catalogue.get(parent).map(|f| format!("{}.{sub}", f.name))
            }),
        }
    }

    /// The catalogue's spelling of `code` (or of its parent field, for a subfield), recording
    /// a problem when there is none.
    fn resolve(
        &self,
        code: &str,
        catalogue: &Catalogue,
        diags: &mut Diagnostics,
        adjusted: &mut Adjustments,
    ) -> Option<String> {
        match self.lookup(code, catalogue) {
            Some(c) => {
                if c != code {
                    adjusted.push(format!(
                        "`{code}` is spelled `{c}` in ChartHop: using `{c}`"
                    ));
                }
                Some(c)
            }
            None => {
                let hint = match catalogue.suggest(code) {
                    Some(f) => format!("did you mean `{}` (\"{}\")?", f.name, f.label),
                    None => "check the field's code in ChartHop (Settings, Fields): custom fields are named by their code, not their label; a field the app's token may not see is missing here too, so grant the app access to it".into(),
                };
                diags.error_hint(
                    self.field_span(code),
                    format!("`{code}` is not a field of this ChartHop org"),
                    "unknown field",
                    Some(hint),
                );
                None
            }
        }
    }

    /// A value type the field cannot take: a date, number or money field fed by text.
    fn check_kind(
        &self,
        i: usize,
        def: &FieldDef,
        want: Shape,
        span: std::ops::Range<usize>,
        diags: &mut Diagnostics,
    ) {
        let f = &self.fields[i];
        if f.resolve_manager {
            return;
        }
        let needs = match (want, f.kind) {
            (Shape::Date, k) if k != Kind::Date => Some("date"),
            (Shape::Number, k) if k != Kind::Number && k != Kind::Money => Some("number"),
            (Shape::Money, k) if k != Kind::Money && k != Kind::Number => Some("money"),
            (Shape::Boolean, k) if k != Kind::Boolean => Some("boolean"),
            _ => None,
        };
        if let Some(t) = needs {
            diags.error_hint(
                span,
                format!(
                    "`{}` is a `{}` field in ChartHop, but the mapping reads it as {}",
                    f.code,
                    def.kind,
                    super::field::kind_label(f.kind)
                ),
                "wrong type",
                Some(format!(
                    "add `type = \"{t}\"` to the field, so each cell is checked and compared as one"
                )),
            );
        }
    }

    /// An enum field: its options, and the `map`/lookup values it does not allow.
    fn check_options(
        &mut self,
        i: usize,
        def: &FieldDef,
        want: Shape,
        span: std::ops::Range<usize>,
        diags: &mut Diagnostics,
    ) {
        let options = EnumOptions::new(
            &def.name,
            &def.values,
            want == Shape::EnumMulti,
            def.should_auto_add_value,
        );
        if let Some(t) = self.fields[i].table
            && !def.should_auto_add_value
        {
            let table = &self.tables[t];
            let bad: Vec<String> = table
                .values()
                .into_iter()
                .filter(|v| {
                    let mut b = v.to_string();
                    options.normalize(&mut b).is_err()
                })
                .map(|v| format!("`{v}`"))
                .collect();
            if !bad.is_empty() {
                diags.error_hint(
                    span,
                    format!(
                        "`{}` gives {} that `{}` does not allow in ChartHop",
                        table.name,
                        bad.join(", "),
                        def.name
                    ),
                    "not an option",
                    Some(format!("use one of: {}", options.allowed())),
                );
            }
        }
        self.fields[i].options = Some(Arc::new(options));
    }

    /// Where the mapping file defines field `code` (its `[fields."code"]` table, or the key
    /// section for the key's codes); the file's start when it cannot be found.
    fn field_span(&self, code: &str) -> std::ops::Range<usize> {
        let needles = [
            format!("[fields.\"{code}\"]"),
            format!("[fields.{code}]"),
            format!("\"{code}\""),
        ];
        needles
            .iter()
            .find_map(|n| self.text.find(n.as_str()).map(|at| at..at + n.len()))
            .unwrap_or(0..0)
    }
}
