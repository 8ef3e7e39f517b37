//! Builds hostile spreadsheets (synthetic, in memory) and runs the binary on them while
//! measuring its peak memory.

use std::io::{Cursor, Write};
use std::path::Path;
use std::process::Command;

use zip::write::SimpleFileOptions;

use crate::peak::Measured;

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Payroll" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

/// A worksheet whose `<sheetData>` holds `rows` (raw XML).
pub fn sheet(dimension: &str, rows: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>"#
    )
}

/// A minimal `.xlsx`: one sheet `Payroll` with `sheet_xml`, and `shared_strings` when given.
pub fn xlsx(sheet_xml: &str, shared_strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default();
    let mut parts = vec![
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet_xml),
    ];
    if let Some(s) = shared_strings {
        parts.push(("xl/sharedStrings.xml", s));
    }
    for (name, text) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// A deflate bomb of a few KB: one compressed worksheet of `kernel_mb` MB of spaces, listed
/// `copies` times in the central directory (every entry shares the same data), so the file
/// expands to `copies * kernel_mb` MB.
pub fn overlapping_bomb(kernel_mb: usize, copies: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    zip.start_file("xl/worksheets/sheet1.xml", SimpleFileOptions::default())
        .unwrap();
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..kernel_mb {
        zip.write_all(&chunk).unwrap();
    }
    let bytes = zip.finish().unwrap().into_inner();
    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    let (crc, compressed, size, data_start) = {
        let f = archive.by_index_raw(0).unwrap();
        (
            f.crc32(),
            f.compressed_size() as u32,
            f.size() as u32,
            f.data_start().unwrap() as usize,
        )
    };
    // Keep the local header and data; write a new central directory.
    let mut out = bytes[..data_start + compressed as usize].to_vec();
    let directory_at = out.len() as u32;
    for i in 0..copies {
        let name = format!("xl/worksheets/sheet{}.xml", i + 1);
        out.extend_from_slice(b"PK\x01\x02");
        out.extend_from_slice(&20u16.to_le_bytes()); // made by
        out.extend_from_slice(&20u16.to_le_bytes()); // needed
        out.extend_from_slice(&0u16.to_le_bytes()); // flags
        out.extend_from_slice(&8u16.to_le_bytes()); // deflate
        out.extend_from_slice(&0u32.to_le_bytes()); // time, date
        out.extend_from_slice(&crc.to_le_bytes());
        out.extend_from_slice(&compressed.to_le_bytes());
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0u8; 12]); // extra, comment, disk, attributes
        out.extend_from_slice(&0u32.to_le_bytes()); // local header at 0
        out.extend_from_slice(name.as_bytes());
    }
    let directory_len = out.len() as u32 - directory_at;
    out.extend_from_slice(b"PK\x05\x06");
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(copies as u16).to_le_bytes());
    out.extend_from_slice(&(copies as u16).to_le_bytes());
    out.extend_from_slice(&directory_len.to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

/// Runs `payroll-sync inspect FILE` and measures the child's own peak resident memory
/// ([`crate::peak::measure`]: never the test binary's memory).
pub fn inspect_measured(file: &Path) -> Measured {
    let mut c = Command::new(env!("CARGO_BIN_EXE_payroll-sync"));
    c.arg("inspect")
        .arg(file)
        .env("NO_COLOR", "1")
        .env_remove("RUST_LOG");
    crate::peak::measure(&c)
}
