//! The `[read]` section: caps on what the reader takes.

/// Caps that keep a huge or hostile file from exhausting memory or time. Exceeding one is a
/// `ReadError::Limit` of the reader (a bad input file). The defaults are far above any real payroll export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Data rows (and, for spreadsheets, the highest row number).
    pub max_rows: usize,
    /// Columns: the header's width, and the highest column a spreadsheet cell may sit in.
    pub max_columns: usize,
    /// Cells stored in a spreadsheet (empty cells included).
    pub max_cells: u64,
    /// Total uncompressed size of a spreadsheet's zip container, in bytes.
    pub max_unzipped_bytes: u64,
    /// Bytes in one CSV field (after decoding), checked on every header name and cell.
    pub max_field_bytes: usize,
    /// Bytes of one CSV record (one logical line, quoted line breaks included). Enforced
    /// while the record is read, so a file that is one endless line is refused after reading
    /// about this much, not held whole.
    pub max_record_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_rows: 10_000_000,
            max_columns: 2_000,
            max_cells: 200_000_000,
            max_unzipped_bytes: 4 << 30,
            max_field_bytes: 1 << 20,
            max_record_bytes: 16 << 20,
        }
    }
}
