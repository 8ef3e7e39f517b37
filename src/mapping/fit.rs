//! Whether an export is the one a mapping describes at all.
//!
//! A mapping run on another provider's export misses most of its columns: one message saying
//! so, with the export's columns and the sibling mapping that fits best, reads better than a
//! dozen "no column X" errors. A few missing columns stay individual errors (a renamed column
//! or a typo, each with its own "did you mean").

use std::path::{Path, PathBuf};

use super::{Mapping, MappingError};

/// An export counts as another one when the mapping names at least this many columns and
/// fewer than half of them are in its header.
const MIN_COLUMNS: usize = 3;

/// The export's columns listed in the message, at most.
const LISTED: usize = 40;

/// How many of `names` the header holds.
fn found(names: &[String], header: &[String]) -> usize {
    names.iter().filter(|n| header.contains(n)).count()
}

/// Whether `found` of `total` columns present means the export is not this mapping's.
pub(super) fn is_foreign(found: usize, total: usize) -> bool {
    total >= MIN_COLUMNS && found * 2 < total
}

/// The mapping beside `own` (same directory, `*.toml`) whose columns the header holds the
/// most of, as (path, found, total), when it fits better than `own`'s share and holds at
/// least half of its columns. Files that do not parse as mappings are passed over.
fn closest(own: &Path, header: &[String], own_share: f64) -> Option<(PathBuf, usize, usize)> {
    let dir = own
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .filter(|p| p.file_name() != own.file_name())
        .collect();
    entries.sort();
    let mut best: Option<(PathBuf, usize, usize)> = None;
    for path in entries {
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let Ok(m) = Mapping::parse(&path, &text) else {
            continue;
        };
        let total = m.columns.names.len();
        let hits = found(&m.columns.names, header);
        if total == 0 || is_foreign(hits, total) {
            continue;
        }
        let share = hits as f64 / total as f64;
        let better = best
            .as_ref()
            .is_none_or(|(_, h, t)| share > *h as f64 / *t as f64);
        if share > own_share && better {
            best = Some((path, hits, total));
        }
    }
    best
}

impl Mapping {
    /// The error for an export that is not the one this mapping describes (see the module):
    /// how many of the mapping's columns are missing, the export's columns, and the closest
    /// mapping beside this one, if any.
    pub(super) fn foreign_export(&self, header: &[String]) -> MappingError {
        let total = self.columns.names.len();
        let hits = found(&self.columns.names, header);
        let mut columns: Vec<String> = header
            .iter()
            .take(LISTED)
            .map(|h| format!("`{h}`"))
            .collect();
        if header.len() > LISTED {
            columns.push(format!("and {} more", header.len() - LISTED));
        }
        MappingError::ForeignExport {
            path: self.path.clone(),
            missing: total - hits,
            total,
            columns: columns.join(", "),
            closest: closest(&self.path, header, hits as f64 / total.max(1) as f64),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_foreign;

    #[test]
    fn most_columns_missing_is_another_export_a_few_is_a_typo() {
        assert!(is_foreign(0, 16));
        assert!(is_foreign(7, 16));
        assert!(!is_foreign(8, 16));
        assert!(!is_foreign(15, 16));
        assert!(!is_foreign(0, 2), "too few columns to tell");
    }
}
