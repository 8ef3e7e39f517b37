//! CSV exports: delimiter detection, UTF-8 with or without BOM, RFC 4180 quoting, any line end.

use std::collections::VecDeque;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::{Format, RawRow, ReadError, ReadOptions, SourceInfo, Table, check_header};

const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
const SNIFF_BYTES: usize = 64 * 1024;

/// The data rows of a CSV file, read one record at a time.
pub(super) struct CsvRows {
    path: PathBuf,
    reader: csv::Reader<LineCounter<File>>,
    lines: Arc<Mutex<Breaks>>,
    record: csv::ByteRecord,
    width: usize,
}

pub(super) fn open(path: &Path, options: &ReadOptions) -> Result<Table, ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let delimiter = match options.delimiter {
        Some(d) => d,
        None => {
            let mut head = Vec::with_capacity(SNIFF_BYTES);
            File::open(path)
                .map_err(io)?
                .take(SNIFF_BYTES as u64)
                .read_to_end(&mut head)
                .map_err(io)?;
            detect_delimiter(&head)
        }
    };
    let file = File::open(path).map_err(io)?;
    let lines = Arc::new(Mutex::new(Breaks::default()));
    let counter = LineCounter {
        inner: file,
        breaks: Arc::clone(&lines),
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(256 * 1024)
        .from_reader(counter);
    let mut record = csv::ByteRecord::new();
    let header_row;
    let mut header = Vec::new();
    loop {
        let more = reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(path, &e))?;
        if !more {
            return Err(ReadError::NoHeader {
                path: path.to_path_buf(),
            });
        }
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        header_row = line_of(&lines, &record);
        for (i, field) in record.iter().enumerate() {
            let field = if i == 0 {
                field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
            } else {
                field
            };
            let text = std::str::from_utf8(field).map_err(|_| ReadError::Encoding {
                path: path.to_path_buf(),
                row: header_row,
                column: i + 1,
            })?;
            header.push(text.to_string());
        }
        break;
    }
    check_header(path, header_row, &header)?;
    let width = header.len();
    Ok(Table {
        info: SourceInfo {
            path: path.to_path_buf(),
            format: Format::Csv,
            sheet: None,
            delimiter: Some(delimiter as char),
            header_row,
        },
        header,
        rows: super::Rows::Csv(CsvRows {
            path: path.to_path_buf(),
            reader,
            lines,
            record,
            width,
        }),
        blank_rows: 0,
    })
}

/// Line breaks seen by [`LineCounter`] and not yet passed by the records read.
///
/// The csv crate's own line numbers lag behind with CRLF and do not count a lone CR, so lines
/// are counted here: `\n`, `\r\n` and a lone `\r` each end one line. Only breaks inside the
/// reader's read-ahead buffer are kept.
#[derive(Debug, Default)]
struct Breaks {
    pending: VecDeque<u64>,
    offset: u64,
    prev_cr: bool,
    /// Lines ended before the last record asked about.
    passed: usize,
}

/// Reads the file and notes where its line breaks are.
pub(super) struct LineCounter<R> {
    inner: R,
    breaks: Arc<Mutex<Breaks>>,
}

impl<R: Read> Read for LineCounter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut b = self.breaks.lock().unwrap_or_else(|e| e.into_inner());
        let base = b.offset;
        let mut prev_cr = b.prev_cr;
        let mut last = None;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            let is_lf_after_cr =
                buf[i] == b'\n' && prev_cr && last.map_or(i == 0, |l: usize| l + 1 == i);
            if !is_lf_after_cr {
                b.pending.push_back(base + i as u64);
            }
            prev_cr = buf[i] == b'\r';
            last = Some(i);
        }
        b.prev_cr = if n == 0 {
            prev_cr
        } else {
            last == Some(n - 1) && buf[n - 1] == b'\r'
        };
        b.offset = base + n as u64;
        Ok(n)
    }
}

/// The 1-based line where `record` starts.
fn line_of(lines: &Mutex<Breaks>, record: &csv::ByteRecord) -> usize {
    let start = record.position().map_or(0, |p| p.byte());
    let mut b = lines.lock().unwrap_or_else(|e| e.into_inner());
    while b.pending.front().is_some_and(|&o| o < start) {
        b.pending.pop_front();
        b.passed += 1;
    }
    b.passed + 1
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

impl Iterator for CsvRows {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(false) => None,
            Err(e) => Some(Err(csv_error(&self.path, &e))),
            Ok(true) => Some(self.convert()),
        }
    }
}

impl CsvRows {
    fn convert(&self) -> Result<RawRow, ReadError> {
        let row = line_of(&self.lines, &self.record);
        // A line that is only whitespace is a blank row, whatever its field count.
        if self.record.len() == 1 && self.record[0].iter().all(u8::is_ascii_whitespace) {
            return Ok(RawRow {
                row,
                cells: vec![String::new(); self.width],
            });
        }
        if self.record.len() != self.width {
            return Err(ReadError::Ragged {
                path: self.path.clone(),
                row,
                expected: self.width,
                found: self.record.len(),
            });
        }
        let mut cells = Vec::with_capacity(self.width);
        for (i, field) in self.record.iter().enumerate() {
            let text = std::str::from_utf8(field).map_err(|_| ReadError::Encoding {
                path: self.path.clone(),
                row,
                column: i + 1,
            })?;
            cells.push(text.to_string());
        }
        Ok(RawRow { row, cells })
    }
}

/// Picks the delimiter among `,` `;` tab `|` that splits the first lines into the same number of
/// fields most consistently (ignoring quoted text), preferring more fields; `,` when in doubt.
fn detect_delimiter(head: &[u8]) -> u8 {
    let mut best = (b',', 0usize, 0usize);
    for &candidate in &CANDIDATES {
        let counts = field_counts(head, candidate);
        let Some(&first) = counts.first() else {
            continue;
        };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|&&c| c == first).count();
        if (consistent, first) > (best.1, best.2) {
            best = (candidate, consistent, first);
        }
    }
    best.0
}

/// Field counts of up to the first 20 complete lines, splitting on `delimiter` outside quotes.
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
                    if counts.len() == 20 {
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
mod tests {
    use super::*;

    #[test]
    fn detects_common_delimiters() {
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a;b;c\r\n1;\"2,5\";3\r\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(detect_delimiter(b"a|b\n1|2\n"), b'|');
        assert_eq!(detect_delimiter(b"single\nvalue\n"), b',');
    }

    fn read_all(text: &[u8]) -> Result<(Vec<String>, Vec<RawRow>, usize), ReadError> {
        let dir = tempfile::tempdir().map_err(|e| ReadError::Io {
            path: PathBuf::new(),
            source: e,
        })?;
        let path = dir.path().join("x.csv");
        std::fs::write(&path, text).map_err(|e| ReadError::Io {
            path: path.clone(),
            source: e,
        })?;
        let mut table = super::super::open(&path, &ReadOptions::default())?;
        let rows: Result<Vec<_>, _> = table.by_ref().collect();
        Ok((table.header.clone(), rows?, table.blank_rows))
    }

    #[test]
    fn reads_bom_quotes_crlf_and_counts_blank_rows() {
        let (header, rows, blank) = read_all(
            b"\xEF\xBB\xBFId,Title\r\n1,\"Engineer, \"\"Senior\"\"\"\r\n,\r\n2,\"two\nlines\"\r\n",
        )
        .unwrap();
        assert_eq!(header, vec!["Id", "Title"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].cells, vec!["1", "Engineer, \"Senior\""]);
        assert_eq!(rows[0].row, 2);
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[1].cells[1], "two\nlines");
        assert_eq!(blank, 1);
    }

    #[test]
    fn ragged_row_names_row_and_counts() {
        let err = read_all(b"a,b\n1,2\n3\n").unwrap_err();
        let text = err.to_string();
        assert!(text.contains("row 3"), "{text}");
        assert!(text.contains("expected 2 fields"), "{text}");
        assert!(text.contains("found 1"), "{text}");
    }

    #[test]
    fn duplicate_header_is_named() {
        let err = read_all(b"Id,Name,Id\n1,2,3\n").unwrap_err();
        assert!(err.to_string().contains("`Id` appears twice"), "{err}");
    }

    #[test]
    fn invalid_utf8_names_row_and_column() {
        let err = read_all(b"a,b\n1,caf\xE9\n").unwrap_err();
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
    }
}

#[cfg(test)]
mod line_tests {
    use super::*;

    fn rows_of(text: &[u8]) -> Vec<usize> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, text).unwrap();
        let table = super::super::open(&path, &ReadOptions::default()).unwrap();
        table.map(|r| r.unwrap().row).collect()
    }

    #[test]
    fn row_numbers_follow_every_line_ending() {
        assert_eq!(rows_of(b"a,b\n1,2\n3,4\n"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\r\n1,2\r\n3,4\r\n"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\r1,2\r3,4\r"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\n1,\"x\r\ny\"\r\n3,4"), vec![2, 4]);
    }
}
