//! Where the header is: the first non-blank row, a row named by number, or found automatically
//! under title and banner lines. Shared by the CSV and spreadsheet readers, which hand it the
//! count of non-empty cells of each leading row.

/// Where the header row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum HeaderRow {
    /// The first row that is not blank.
    #[default]
    First,
    /// The header is found among the first rows: the first row with the most non-empty cells
    /// (banners and titles above a table fill fewer cells than its header).
    Auto,
    /// This 1-based row number (the line where a CSV record starts, or the sheet row).
    Row(usize),
}

impl HeaderRow {
    /// Parses `auto`, `first` or a row number from 1. `None` for anything else.
    pub fn parse(text: &str) -> Option<HeaderRow> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Some(HeaderRow::Auto);
        }
        if t.eq_ignore_ascii_case("first") {
            return Some(HeaderRow::First);
        }
        match t.parse::<usize>() {
            Ok(n) if n >= 1 => Some(HeaderRow::Row(n)),
            _ => None,
        }
    }
}

impl std::str::FromStr for HeaderRow {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        HeaderRow::parse(s).ok_or_else(|| format!("`{s}` is not `auto` or a row number from 1"))
    }
}

/// How many non-blank leading rows `Auto` looks at.
pub(super) const AUTO_WINDOW: usize = 50;

/// What a reader should do with the next non-blank or blank row while looking for the header.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Step {
    /// Not the header; skip it.
    Skip,
    /// This row is the header.
    Header,
    /// Keep the row: `Auto` decides once it has seen enough rows (or the end).
    Buffer,
    /// The named row is blank, or was passed without a row starting there.
    Missing,
}

/// Decides about one row under `mode`: `row` is its 1-based number, `blank` whether all its
/// cells are blank, `buffered` how many non-blank rows `Auto` holds already.
pub(super) fn step(mode: HeaderRow, row: usize, blank: bool) -> Step {
    match mode {
        HeaderRow::First if blank => Step::Skip,
        HeaderRow::First => Step::Header,
        HeaderRow::Row(n) if row < n => Step::Skip,
        HeaderRow::Row(n) if row == n && !blank => Step::Header,
        HeaderRow::Row(_) => Step::Missing,
        HeaderRow::Auto => Step::Buffer,
    }
}

/// Under `Auto`, the index (into the non-blank rows given by their non-empty cell counts) of
/// the header: the first row with the most non-empty cells. `None` when `counts` is empty.
pub(super) fn pick(counts: &[usize]) -> Option<usize> {
    let max = *counts.iter().max()?;
    counts.iter().position(|&c| c == max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modes() {
        assert_eq!(HeaderRow::parse("auto"), Some(HeaderRow::Auto));
        assert_eq!(HeaderRow::parse(" 3 "), Some(HeaderRow::Row(3)));
        assert_eq!(HeaderRow::parse("0"), None);
        assert_eq!(HeaderRow::parse("x"), None);
    }

    #[test]
    fn auto_picks_the_first_widest_row_under_banners() {
        // Title, "generated on", blank skipped by caller, header, data rows with gaps.
        assert_eq!(pick(&[1, 2, 5, 4, 5, 3]), Some(2));
        assert_eq!(pick(&[3]), Some(0));
        assert_eq!(pick(&[]), None);
    }

    #[test]
    fn named_row_is_exact() {
        assert_eq!(step(HeaderRow::Row(3), 2, false), Step::Skip);
        assert_eq!(step(HeaderRow::Row(3), 3, false), Step::Header);
        assert_eq!(step(HeaderRow::Row(3), 3, true), Step::Missing);
        assert_eq!(step(HeaderRow::Row(3), 4, false), Step::Missing);
        assert_eq!(step(HeaderRow::First, 1, true), Step::Skip);
    }
}
