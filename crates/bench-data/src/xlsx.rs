//! The export as an `.xlsx` workbook, written as the few XML parts a reader needs (sheet
//! `Employees`, shared strings, one date style) with the `zip` crate: no spreadsheet library.
//!
//! Like Excel, every text cell goes through the shared-string table; ids and salaries are
//! number cells and hire dates are date cells (serial numbers with a date format).

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use zip::write::SimpleFileOptions;

use crate::Spec;
use crate::export::{Cell, HEADER, cells};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>"#;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;

const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Employees" sheetId="1" r:id="rId1"/></sheets></workbook>"#;

const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>"#;

const STYLES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts><fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>"#;

/// The shared-string table being built.
#[derive(Default)]
struct Strings {
    index: HashMap<String, u32>,
    order: Vec<String>,
    uses: u64,
}

impl Strings {
    fn id(&mut self, s: &str) -> u32 {
        self.uses += 1;
        if let Some(&i) = self.index.get(s) {
            return i;
        }
        let i = self.order.len() as u32;
        self.index.insert(s.to_string(), i);
        self.order.push(s.to_string());
        i
    }
}

/// Writes the export of `spec` as a workbook with one sheet, `Employees`.
///
/// Fails with the I/O or zip error.
pub fn write_xlsx(path: &Path, spec: &Spec) -> std::io::Result<()> {
    let file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let mut zip = zip::ZipWriter::new(file);
    let options = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    let zerr = |e: zip::result::ZipError| std::io::Error::other(e.to_string());
    for (name, body) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/styles.xml", STYLES),
    ] {
        zip.start_file(name, options).map_err(zerr)?;
        zip.write_all(body.as_bytes())?;
    }
    zip.start_file("xl/worksheets/sheet1.xml", options)
        .map_err(zerr)?;
    let mut strings = Strings::default();
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
    );
    out.push_str(&format!(
        r#"<dimension ref="A1:{}{}"/><sheetData>"#,
        char::from(b'A' + (HEADER.len() - 1) as u8),
        spec.rows + 1
    ));
    let header: Vec<Cell> = HEADER.iter().map(|h| Cell::Text(h.to_string())).collect();
    write_row(&mut out, 1, &header, &mut strings);
    for i in 0..spec.rows {
        let row = cells(&spec.person(i), false);
        write_row(&mut out, i + 2, &row, &mut strings);
        if out.len() > 60 * 1024 {
            zip.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    out.push_str("</sheetData></worksheet>");
    zip.write_all(out.as_bytes())?;
    out.clear();
    zip.start_file("xl/sharedStrings.xml", options)
        .map_err(zerr)?;
    out.push_str(&format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{}" uniqueCount="{}">"#,
        strings.uses,
        strings.order.len()
    ));
    for s in &strings.order {
        out.push_str("<si><t xml:space=\"preserve\">");
        escape(&mut out, s);
        out.push_str("</t></si>");
        if out.len() > 60 * 1024 {
            zip.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    out.push_str("</sst>");
    zip.write_all(out.as_bytes())?;
    zip.finish().map_err(zerr)?.flush()
}

/// Appends one `<row>`; a date cell is written as its serial number, with the date style (1).
fn write_row(out: &mut String, r: usize, cells: &[Cell], strings: &mut Strings) {
    use std::fmt::Write as _;
    let _ = write!(out, r#"<row r="{r}">"#);
    for (c, cell) in cells.iter().enumerate() {
        let col = char::from(b'A' + c as u8);
        match cell {
            Cell::Text(t) if t.is_empty() => {}
            Cell::Text(t) => {
                let id = strings.id(t);
                let _ = write!(out, r#"<c r="{col}{r}" t="s"><v>{id}</v></c>"#);
            }
            Cell::Date(d) => {
                let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
                let serial = (*d - epoch).num_days();
                let _ = write!(out, r#"<c r="{col}{r}" s="1"><v>{serial}</v></c>"#);
            }
            Cell::Number(f) => {
                let _ = write!(out, r#"<c r="{col}{r}"><v>{f}</v></c>"#);
            }
        }
    }
    out.push_str("</row>");
}

fn escape(out: &mut String, s: &str) {
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
}
