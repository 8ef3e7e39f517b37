//! CSV exports: encodings (see [`super::decode`]), delimiter detection, RFC 4180 quoting, any
//! line end, header location, and ragged rows. Records are streamed; nothing but the first
//! 64 KiB (for the delimiter) and, under `header_row = auto`, the first rows is held.

use std::collections::VecDeque;
use std::fs::File;
use std::io::{Cursor, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::csv_lines::{Breaks, LineCounter, line_of};
use super::decode::{self, Transcode};
use super::header::{self, Step};
use super::{
    Format, RawRow, ReadError, ReadOptions, SourceInfo, Table, TextEncoding, check_header, error,
};

const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
const SNIFF_BYTES: usize = 64 * 1024;

type Source = std::io::Chain<Cursor<Vec<u8>>, Box<dyn Read + Send>>;

/// The data rows of a CSV file, read one record at a time.
pub(super) struct CsvRows {
    path: PathBuf,
    encoding: TextEncoding,
    reader: csv::Reader<LineCounter<Source>>,
    record: csv::ByteRecord,
    /// Rows read while looking for the header, to be given out first.
    pending: VecDeque<(usize, csv::ByteRecord)>,
    width: usize,
    max_field_bytes: usize,
}

pub(super) fn open(path: &Path, options: &ReadOptions) -> Result<Table, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = File::open(path).map_err(io)?;
    let detected =
        decode::detect(std::io::BufReader::new(&mut file), options.encoding).map_err(io)?;
    file.seek(SeekFrom::Start(detected.bom_len)).map_err(io)?;
    if let Some((line, byte)) = detected.mixed {
        return Err(ReadError::MixedEncoding {
            path: path.to_path_buf(),
            line,
            byte,
        });
    }
    let mut warnings = Vec::new();
    if let Some(line) = detected.fallback_line {
        let warning = format!(
            "the file is not valid UTF-8 (line {line}); read as Windows-1252: check accented letters, or set the encoding"
        );
        tracing::warn!("`{}`: {warning}", path.display());
        warnings.push(warning);
    }
    let mut decoded: Box<dyn Read + Send> = match detected.encoding {
        TextEncoding::Utf8 => Box::new(file),
        other => Box::new(Transcode::new(file, other)),
    };
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    decoded
        .by_ref()
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(io)?;
    let delimiter = options.delimiter.unwrap_or_else(|| detect_delimiter(&head));
    let counter = LineCounter {
        inner: Cursor::new(head).chain(decoded),
        breaks: Breaks {
            max_record: options.limits.max_record_bytes as u64,
            ..Breaks::default()
        },
    };
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(counter);
    let mut rows = CsvRows {
        path: path.to_path_buf(),
        encoding: detected.encoding,
        reader,
        record: csv::ByteRecord::new(),
        pending: VecDeque::new(),
        width: 0,
        max_field_bytes: options.limits.max_field_bytes,
    };
    let (header_row, header) = rows.find_header(options)?;
    check_header(path, None, header_row, &header, &options.limits)?;
    rows.width = header.len();
    let info = SourceInfo {
        path: path.to_path_buf(),
        format: Format::Csv,
        sheet: None,
        sheets: Vec::new(),
        delimiter: Some(delimiter as char),
        encoding: Some(detected.encoding),
        bom: detected.bom_len > 0,
        header_row,
        warnings,
    };
    Ok(Table::new(
        info,
        header,
        super::Rows::Csv(Box::new(rows)),
        &options.limits,
    ))
}

fn is_blank(record: &csv::ByteRecord) -> bool {
    record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace))
}

fn non_empty(record: &csv::ByteRecord) -> usize {
    record
        .iter()
        .filter(|f| !f.iter().all(u8::is_ascii_whitespace))
        .count()
}

impl CsvRows {
    /// Reads up to the header as `options.header_row` says; rows read past it (under `Auto`)
    /// are kept in `pending`.
    fn find_header(&mut self, options: &ReadOptions) -> Result<(usize, Vec<String>), ReadError> {
        let mode = options.header_row;
        let mut buffered: Vec<(usize, csv::ByteRecord)> = Vec::new();
        let mut non_blank = 0;
        let found = loop {
            if !self.read_record()? {
                break None;
            }
            let row = line_of(&mut self.reader.get_mut().breaks, &self.record);
            let blank = is_blank(&self.record);
            match header::step(mode, row, blank) {
                Step::Skip => {}
                Step::Header => break Some((row, self.record.clone())),
                Step::Missing => break None,
                Step::Buffer => {
                    if buffered.is_empty() && blank {
                        continue;
                    }
                    buffered.push((row, self.record.clone()));
                    non_blank += usize::from(!blank);
                    if non_blank == header::AUTO_WINDOW {
                        break None;
                    }
                }
            }
        };
        let (row, record) = match (found, mode) {
            (Some(found), _) => found,
            (None, super::HeaderRow::Auto) => {
                let candidates: Vec<usize> = buffered
                    .iter()
                    .enumerate()
                    .filter(|(_, (_, r))| !is_blank(r))
                    .map(|(i, _)| i)
                    .collect();
                let counts: Vec<usize> = candidates
                    .iter()
                    .map(|&i| non_empty(&buffered[i].1))
                    .collect();
                let Some(pick) = header::pick(&counts) else {
                    return Err(ReadError::NoHeader {
                        path: self.path.clone(),
                        sheet: None,
                    });
                };
                let at = candidates[pick];
                let mut rest = buffered.split_off(at);
                let header = rest.remove(0);
                self.pending = rest.into();
                header
            }
            (None, super::HeaderRow::Row(n)) => {
                return Err(ReadError::NoSuchHeaderRow {
                    path: self.path.clone(),
                    sheet: None,
                    row: n,
                });
            }
            (None, super::HeaderRow::First) => {
                return Err(ReadError::NoHeader {
                    path: self.path.clone(),
                    sheet: None,
                });
            }
        };
        let mut header = Vec::with_capacity(record.len());
        for (i, field) in record.iter().enumerate() {
            header.push(self.field(field, row, i)?.to_string());
        }
        Ok((row, header))
    }

    /// Reads the next record into `self.record`; `false` at the end. A record longer than
    /// `max_record_bytes` stops the read with [`ReadError::Limit`] (see [`LineCounter`]).
    fn read_record(&mut self) -> Result<bool, ReadError> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(more) => {
                let end = self.reader.position().byte();
                self.reader.get_mut().breaks.record_start = end;
                Ok(more)
            }
            Err(e) => {
                let b = &self.reader.get_ref().breaks;
                if b.over_limit {
                    let start = b.record_start;
                    let row = b.passed + 1 + b.pending.iter().filter(|(o, _)| *o < start).count();
                    return Err(ReadError::Limit {
                        path: self.path.clone(),
                        place: error::place(None, row, None),
                        what: format!("a record longer than {} bytes", b.max_record),
                        setting: "read.max_record_bytes",
                    });
                }
                Err(csv_error(&self.path, &e))
            }
        }
    }

    /// The text of one field, or why it cannot be read: longer than `max_field_bytes`, holding
    /// a NUL byte, or not UTF-8 (after decoding), each with its row and column.
    fn field<'f>(&self, field: &'f [u8], row: usize, col: usize) -> Result<&'f str, ReadError> {
        if field.len() > self.max_field_bytes {
            return Err(ReadError::Limit {
                path: self.path.clone(),
                place: error::place(None, row, Some(col + 1)),
                what: format!("a field longer than {} bytes", self.max_field_bytes),
                setting: "read.max_field_bytes",
            });
        }
        if memchr::memchr(0, field).is_some() {
            return Err(ReadError::NulByte {
                path: self.path.clone(),
                place: error::place(None, row, Some(col + 1)),
            });
        }
        std::str::from_utf8(field).map_err(|_| ReadError::Encoding {
            path: self.path.clone(),
            place: error::place(None, row, Some(col + 1)),
            encoding: self.encoding.name(),
        })
    }

    /// The whole record as text when every field passes [`CsvRows::field`]'s checks, found
    /// with one scan of the record instead of one per field; `None` when some field may fail
    /// (the caller then checks field by field, which names the column).
    fn whole<'r>(&self, record: &'r csv::ByteRecord) -> Option<&'r str> {
        let bytes = record.as_slice();
        if bytes.len() > self.max_field_bytes
            && record.iter().any(|f| f.len() > self.max_field_bytes)
        {
            return None;
        }
        if memchr::memchr(0, bytes).is_some() {
            return None;
        }
        std::str::from_utf8(bytes).ok()
    }

    /// Puts `record`'s fields into `cells` (one per header column), reusing the strings
    /// already there.
    ///
    /// Fails with [`ReadError::Ragged`] when the record is not as wide as the header (a line
    /// of whitespace is a blank row of any width), or with the first field that
    /// [`CsvRows::field`] refuses. `cells` holds no meaningful row after an error.
    fn fill(
        &self,
        row: usize,
        record: &csv::ByteRecord,
        cells: &mut Vec<String>,
    ) -> Result<(), ReadError> {
        // A line that is only whitespace is a blank row, whatever its field count.
        if record.len() == 1 && is_blank(record) {
            cells.resize_with(self.width, String::new);
            cells.iter_mut().for_each(String::clear);
            return Ok(());
        }
        if record.len() != self.width {
            return Err(ReadError::Ragged {
                path: self.path.clone(),
                place: error::place(None, row, None),
                expected: self.width,
                found: record.len(),
            });
        }
        cells.resize_with(self.width, String::new);
        if let Some(text) = self.whole(record) {
            // Fields are stored back to back; a field boundary inside a character means the
            // fields on either side of it are not UTF-8 on their own.
            let mut start = 0;
            let split = cells.iter_mut().zip(record.iter()).all(|(cell, field)| {
                let end = start + field.len();
                let t = text.get(start..end);
                start = end;
                t.map(|t| {
                    cell.clear();
                    cell.push_str(t);
                })
                .is_some()
            });
            if split {
                return Ok(());
            }
        }
        for (i, (cell, field)) in cells.iter_mut().zip(record.iter()).enumerate() {
            let t = self.field(field, row, i)?;
            cell.clear();
            cell.push_str(t);
        }
        Ok(())
    }

    /// Reads the next data row into `out`, reusing its cells; `false` at the end.
    ///
    /// Fails as [`CsvRows::read_record`] and [`CsvRows::fill`] do.
    pub(super) fn read_into(&mut self, out: &mut RawRow) -> Result<bool, ReadError> {
        if let Some((row, record)) = self.pending.pop_front() {
            out.row = row;
            self.fill(row, &record, &mut out.cells)?;
            return Ok(true);
        }
        if !self.read_record()? {
            return Ok(false);
        }
        out.row = line_of(&mut self.reader.get_mut().breaks, &self.record);
        self.fill(out.row, &self.record, &mut out.cells)?;
        Ok(true)
    }
}

fn csv_error(path: &Path, error: &csv::Error) -> ReadError {
    let row = error.position().map(|p| p.line() as usize).unwrap_or(0);
    match error.kind() {
        csv::ErrorKind::Io(e) => ReadError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(e.kind(), e.to_string()),
        },
        _ => ReadError::Csv {
            path: path.to_path_buf(),
            row,
            message: error.to_string(),
        },
    }
}

/// Picks the delimiter among `,` `;` tab `|` that splits the first lines most consistently
/// into the same number (at least 2) of fields, ignoring quoted text and lines of other widths
/// (titles above the table); more fields win a tie; `,` when in doubt.
fn detect_delimiter(head: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for &candidate in &CANDIDATES {
        let counts = field_counts(head, candidate);
        let mut widths: Vec<usize> = counts.iter().copied().filter(|&c| c >= 2).collect();
        widths.sort_unstable();
        let mut mode = (0usize, 0usize);
        for chunk in widths.chunk_by(|a, b| a == b) {
            if (chunk.len(), chunk[0]) > mode {
                mode = (chunk.len(), chunk[0]);
            }
        }
        if mode.0 > 0 && mode > (best.1, best.2) {
            best = (candidate, mode.0, mode.1);
        }
    }
    best.0
}

/// Field counts of up to the first 50 non-empty lines, splitting on `delimiter` outside quotes.
fn field_counts(head: &[u8], delimiter: u8) -> Vec<usize> {
    let mut counts = Vec::new();
    let mut in_quotes = false;
    let mut fields = 1;
    let mut line_has_data = false;
    for &b in head {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' | b'\r' if !in_quotes => {
                if line_has_data {
                    counts.push(fields);
                    if counts.len() == 50 {
                        break;
                    }
                }
                fields = 1;
                line_has_data = false;
                continue;
            }
            _ if b == delimiter && !in_quotes => fields += 1,
            _ => {}
        }
        line_has_data = true;
    }
    counts
}

#[cfg(test)]
#[path = "csv_file_tests.rs"]
mod tests;
