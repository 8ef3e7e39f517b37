//! Value tables: a field's inline `map`, and named `[lookups.NAME]` tables (inline `entries`
//! or a CSV file beside the mapping). A value with no entry rejects the row; `check` reports
//! every such value with its count before mapping (lookup coverage).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use toml::de::DeTable;

use super::spec::{Reader, get, key_span};

/// A compiled value table.
#[derive(Debug, Clone)]
pub struct ValueTable {
    /// `lookups.NAME`, or `fields.CODE.map` for an inline map.
    pub name: String,
    entries: HashMap<String, String>,
    /// The CSV file it was read from.
    pub file: Option<PathBuf>,
}

impl ValueTable {
    /// Every value the table gives (its entries' right-hand sides), each once, sorted.
    pub fn values(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.entries.values().map(String::as_str).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// The entry for a value (trimmed, exact case).
    pub fn get(&self, value: &str) -> Option<&str> {
        self.entries
            .get(super::transform::text::trimmed(value))
            .map(String::as_str)
    }

    pub(crate) fn inline(
        name: String,
        entries: impl IntoIterator<Item = (String, String)>,
    ) -> ValueTable {
        ValueTable {
            name,
            entries: entries
                .into_iter()
                .map(|(k, v)| (k.trim().to_string(), v))
                .collect(),
            file: None,
        }
    }
}

/// Compiles `[lookups.NAME]`; `dir` is the mapping's directory, where `file` is found.
pub(crate) fn parse(r: &mut Reader, name: &str, t: &DeTable<'_>, dir: &Path) -> Option<ValueTable> {
    let context = format!("`[lookups.{name}]`");
    r.check_keys(t, &["file", "key", "value", "entries"], &context);
    let full = format!("lookups.{name}");
    match (get(t, "file"), get(t, "entries")) {
        (Some(_), Some(_)) => {
            let span = key_span(t, "entries").unwrap_or(0..0);
            r.diags.error(
                span,
                format!("{context} has both `file` and `entries`"),
                "choose one",
            );
            None
        }
        (None, Some(e)) => {
            let entries = r
                .string_table(e, "entries")
                .into_iter()
                .map(|(k, _, v, _)| (k, v));
            Some(ValueTable::inline(full, entries))
        }
        (Some(f), None) => {
            let file = r.string(f, "file")?;
            let key = get(t, "key")
                .and_then(|k| r.string(k, "key"))
                .map(str::to_string);
            let value = get(t, "value")
                .and_then(|k| r.string(k, "value"))
                .map(str::to_string);
            let path = dir.join(file);
            match read_csv(&path, key.as_deref(), value.as_deref()) {
                Ok(entries) => Some(ValueTable {
                    name: full,
                    entries,
                    file: Some(path),
                }),
                Err(why) => {
                    r.diags.error(
                        f.span(),
                        format!("cannot use the lookup file `{}`: {why}", path.display()),
                        "here",
                    );
                    None
                }
            }
        }
        (None, None) => {
            let span = t.iter().next().map_or(0..0, |(k, _)| k.span());
            r.diags.error_hint(
                span,
                format!("{context} has neither `file` nor `entries`"),
                "empty lookup",
                Some("e.g. `file = \"departments.csv\"` (columns: code,name)".into()),
            );
            None
        }
    }
}

/// Reads a two-column CSV (or the named `key`/`value` columns) into a table. A key that
/// appears twice with different values is an error: which one wins would be a guess.
fn read_csv(
    path: &Path,
    key: Option<&str>,
    value: Option<&str>,
) -> Result<HashMap<String, String>, String> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(false)
        .from_path(path)
        .map_err(|e| e.to_string())?;
    let header = rdr.headers().map_err(|e| e.to_string())?.clone();
    let find = |name: Option<&str>, default: usize| -> Result<usize, String> {
        match name {
            None if header.len() > default => Ok(default),
            None => Err("it needs two columns (key, value)".into()),
            Some(n) => header.iter().position(|h| h.trim() == n).ok_or_else(|| {
                let cols: Vec<&str> = header.iter().collect();
                format!("it has no column `{n}` (columns: {})", cols.join(", "))
            }),
        }
    };
    let (k, v) = (find(key, 0)?, find(value, 1)?);
    let mut out = HashMap::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| e.to_string())?;
        let (Some(key), Some(val)) = (rec.get(k), rec.get(v)) else {
            continue;
        };
        let key = key.trim();
        if key.is_empty() {
            continue;
        }
        if let Some(old) = out.insert(key.to_string(), val.trim().to_string())
            && old != val.trim()
        {
            return Err(format!(
                "line {} repeats the key `{key}` with another value",
                i + 2
            ));
        }
    }
    Ok(out)
}
