//! The zip container of `.xlsx`, `.xlsm` and `.ods` files, checked before calamine opens it.
//!
//! calamine trusts the container: it reserves memory for the shared-string count a file
//! declares and materializes parts whole. So the central directory is read here first, from
//! the file's bytes, and the file is refused ([`ReadError::Hostile`]) when:
//!
//! - it has more than [`MAX_ENTRIES`] entries, or a central directory outside the file;
//! - its entries overlap (the trick behind zip bombs of a few KB that expand to gigabytes);
//! - an entry expands more than [`MAX_RATIO`] times (real spreadsheet parts compress 5 to 50
//!   times) or the entries together expand past `max_unzipped_bytes`;
//! - `sharedStrings.xml` declares more strings (`uniqueCount`) than its size can hold, or more
//!   references (`count`) than the worksheets can hold;
//! - an XML part inflates to more than its declared size (a lying header).
//!
//! The last check inflates every XML part once, streaming, without keeping it: the price of not
//! trusting declared sizes. A file that is not a zip at all is left to calamine to report.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::{Format, Limits, ReadError};

/// More entries than any real workbook has (a sheet, its rels and a few parts each).
pub(super) const MAX_ENTRIES: u64 = 10_000;
/// How many times an entry may expand. Deflate cannot exceed about 1032.
pub(super) const MAX_RATIO: u64 = 200;
/// Entries smaller than this uncompressed are not held to the ratio (tiny parts of repeated
/// markup compress very well and cannot hurt).
const RATIO_FLOOR: u64 = 1 << 20;
/// The smallest possible `<si>` in sharedStrings.xml (`<si/>`).
const MIN_SHARED_STRING_BYTES: u64 = 5;
/// The smallest possible cell that references a shared string (`<c t="s"><v>0</v></c>`).
const MIN_CELL_BYTES: u64 = 21;
const MAX_CENTRAL_DIRECTORY: u64 = 64 << 20;
/// The signature of an OLE compound file (`.xls`, and encrypted `.xlsx`).
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// One central-directory entry, as declared.
#[derive(Debug)]
struct Entry {
    name: String,
    compressed: u64,
    uncompressed: u64,
    offset: u64,
}

/// Checks the container of the spreadsheet at `path`. See the module header for what is refused.
pub(super) fn check(path: &Path, format: Format, limits: &Limits) -> Result<(), ReadError> {
    let io = |source| ReadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let hostile = |reason: String| ReadError::Hostile {
        path: path.to_path_buf(),
        reason,
    };
    let mut file = File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    // Excel saves a workbook with a password as an OLE compound file holding the encrypted
    // package, not as a zip: say so rather than "invalid zip".
    let mut magic = [0u8; 8];
    if file.read_exact(&mut magic).is_ok() && magic == OLE_MAGIC {
        return Err(ReadError::Encrypted {
            path: path.to_path_buf(),
            extension: path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default(),
        });
    }
    let Some(directory) = find_directory(&mut file, len).map_err(io)? else {
        return Ok(());
    };
    if directory.entries > MAX_ENTRIES {
        return Err(hostile(format!(
            "it has {} entries, more than {MAX_ENTRIES}",
            directory.entries
        )));
    }
    if directory.size > MAX_CENTRAL_DIRECTORY
        || directory.offset.saturating_add(directory.size) > len
    {
        return Err(hostile(
            "its central directory lies outside the file".into(),
        ));
    }
    let mut raw = vec![0u8; directory.size as usize];
    file.seek(SeekFrom::Start(directory.offset)).map_err(io)?;
    file.read_exact(&mut raw).map_err(io)?;
    let entries =
        parse_directory(&raw).ok_or_else(|| hostile("its central directory is damaged".into()))?;
    if entries.len() as u64 != directory.entries {
        return Err(hostile(format!(
            "its central directory lists {} entries but declares {}",
            entries.len(),
            directory.entries
        )));
    }
    check_sizes(&entries, limits).map_err(hostile)?;
    check_overlap(&entries, directory.offset).map_err(hostile)?;
    let mut archive = zip::ZipArchive::new(file).map_err(|e| ReadError::Workbook {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    if matches!(format, Format::Xlsx | Format::Xlsm) {
        check_shared_strings(&mut archive, &entries).map_err(hostile)?;
    }
    check_inflated(&mut archive, &entries).map_err(hostile)?;
    Ok(())
}

/// Where the central directory is, from the end-of-central-directory record (zip64 aware).
struct Directory {
    entries: u64,
    size: u64,
    offset: u64,
}

fn u16_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as u64)
}

fn u32_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as u64)
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

/// `None` when the file has no end-of-central-directory record (it is not a zip).
fn find_directory(file: &mut File, len: u64) -> std::io::Result<Option<Directory>> {
    let tail_len = len.min(22 + 65_535 + 20);
    let mut tail = vec![0u8; tail_len as usize];
    file.seek(SeekFrom::Start(len - tail_len))?;
    file.read_exact(&mut tail)?;
    let Some(at) = (0..tail.len().saturating_sub(21))
        .rev()
        .find(|&i| tail[i..].starts_with(b"PK\x05\x06"))
    else {
        return Ok(None);
    };
    let eocd = &tail[at..];
    let (Some(entries), Some(size), Some(offset)) =
        (u16_at(eocd, 10), u32_at(eocd, 12), u32_at(eocd, 16))
    else {
        return Ok(None);
    };
    if entries != 0xFFFF && size != 0xFFFF_FFFF && offset != 0xFFFF_FFFF {
        return Ok(Some(Directory {
            entries,
            size,
            offset,
        }));
    }
    // Zip64: the locator sits just before the record and points at the zip64 record.
    let Some(locator) = at.checked_sub(20).map(|l| &tail[l..at]) else {
        return Ok(None);
    };
    let Some(record_at) = locator
        .starts_with(b"PK\x06\x07")
        .then(|| u64_at(locator, 8))
        .flatten()
    else {
        return Ok(None);
    };
    if record_at.saturating_add(56) > len {
        return Ok(None);
    }
    let mut record = [0u8; 56];
    file.seek(SeekFrom::Start(record_at))?;
    file.read_exact(&mut record)?;
    if !record.starts_with(b"PK\x06\x06") {
        return Ok(None);
    }
    Ok(u64_at(&record, 32)
        .zip(u64_at(&record, 40))
        .zip(u64_at(&record, 48))
        .map(|((entries, size), offset)| Directory {
            entries,
            size,
            offset,
        }))
}

/// The entries of a central directory; `None` when it is damaged.
fn parse_directory(raw: &[u8]) -> Option<Vec<Entry>> {
    let mut entries = Vec::new();
    let mut at = 0;
    while at < raw.len() {
        let h = raw.get(at..at + 46)?;
        if !h.starts_with(b"PK\x01\x02") {
            return None;
        }
        let mut compressed = u32_at(h, 20)?;
        let mut uncompressed = u32_at(h, 24)?;
        let name_len = u16_at(h, 28)? as usize;
        let extra_len = u16_at(h, 30)? as usize;
        let comment_len = u16_at(h, 32)? as usize;
        let mut offset = u32_at(h, 42)?;
        let name = raw.get(at + 46..at + 46 + name_len)?;
        let extra = raw.get(at + 46 + name_len..at + 46 + name_len + extra_len)?;
        // Zip64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in order.
        let mut e = 0;
        while e + 4 <= extra.len() {
            let id = u16_at(extra, e)?;
            let size = u16_at(extra, e + 2)? as usize;
            let data = extra.get(e + 4..e + 4 + size)?;
            if id == 1 {
                let mut d = 0;
                for field in [&mut uncompressed, &mut compressed, &mut offset] {
                    if *field == 0xFFFF_FFFF {
                        *field = u64_at(data, d)?;
                        d += 8;
                    }
                }
            }
            e += 4 + size;
        }
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            compressed,
            uncompressed,
            offset,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(entries)
}

fn mb(bytes: u64) -> u64 {
    bytes.div_ceil(1 << 20)
}

/// Declared sizes: the total against the cap, each entry against the ratio.
fn check_sizes(entries: &[Entry], limits: &Limits) -> Result<(), String> {
    let mut total: u64 = 0;
    for e in entries {
        total = total.saturating_add(e.uncompressed);
        if e.uncompressed > RATIO_FLOOR && e.uncompressed > e.compressed.saturating_mul(MAX_RATIO) {
            return Err(format!(
                "entry `{}` expands from {} bytes to {} MB, more than {MAX_RATIO} times (a zip bomb)",
                e.name,
                e.compressed,
                mb(e.uncompressed)
            ));
        }
    }
    if total > limits.max_unzipped_bytes {
        return Err(format!(
            "its entries expand to {} MB, more than the {} MB allowed",
            mb(total),
            mb(limits.max_unzipped_bytes)
        ));
    }
    Ok(())
}

/// No two entries' data may overlap, nor reach into the central directory.
fn check_overlap(entries: &[Entry], directory_at: u64) -> Result<(), String> {
    let mut spans: Vec<(u64, u64, &str)> = entries
        .iter()
        .map(|e| {
            let end = e.offset.saturating_add(30).saturating_add(e.compressed);
            (e.offset, end, e.name.as_str())
        })
        .collect();
    spans.sort_unstable();
    for pair in spans.windows(2) {
        let ((_, end, a), (start, _, b)) = (pair[0], pair[1]);
        if end > start {
            return Err(format!(
                "entries `{a}` and `{b}` share their data (a zip bomb)"
            ));
        }
    }
    if let Some((_, end, name)) = spans.last()
        && *end > directory_at
    {
        return Err(format!("entry `{name}` runs into the central directory"));
    }
    Ok(())
}

/// `uniqueCount` and `count` of sharedStrings.xml against what the file can hold.
fn check_shared_strings(
    archive: &mut zip::ZipArchive<File>,
    entries: &[Entry],
) -> Result<(), String> {
    let Some(shared) = entries
        .iter()
        .find(|e| e.name.to_ascii_lowercase().ends_with("sharedstrings.xml"))
    else {
        return Ok(());
    };
    let mut start = Vec::with_capacity(4096);
    archive
        .by_name(&shared.name)
        .map_err(|e| format!("entry `{}` cannot be read: {e}", shared.name))?
        .take(64 * 1024)
        .read_to_end(&mut start)
        .map_err(|e| format!("entry `{}` cannot be read: {e}", shared.name))?;
    let Some(tag) = sst_tag(&start) else {
        return Ok(());
    };
    let sheets: u64 = entries
        .iter()
        .filter(|e| e.name.to_ascii_lowercase().contains("worksheets/"))
        .map(|e| e.uncompressed)
        .fold(0, u64::saturating_add);
    if let Some(unique) = attribute(tag, "uniqueCount") {
        let room = shared.uncompressed / MIN_SHARED_STRING_BYTES;
        if unique.is_none_or(|n| n > room) {
            return Err(format!(
                "`{}` declares {} shared strings but its {} bytes can hold at most {room}",
                shared.name,
                shown(unique),
                shared.uncompressed
            ));
        }
    }
    if let Some(count) = attribute(tag, "count") {
        let room = sheets / MIN_CELL_BYTES;
        if count.is_none_or(|n| n > room) {
            return Err(format!(
                "`{}` declares {} shared-string references but the worksheets ({sheets} bytes) can hold at most {room}",
                shared.name,
                shown(count)
            ));
        }
    }
    Ok(())
}

fn shown(n: Option<u64>) -> String {
    n.map_or_else(|| "an unreadable number of".into(), |n| n.to_string())
}

/// The `<sst ...>` start tag's bytes.
fn sst_tag(xml: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(xml, b"<sst").or_else(|| memchr::memmem::find(xml, b":sst "))?;
    let end = memchr::memchr(b'>', &xml[at..])?;
    Some(&xml[at..at + end])
}

/// An attribute's value as a number: `None` when absent, `Some(None)` when present but not a
/// number that fits in 64 bits.
fn attribute(tag: &[u8], name: &str) -> Option<Option<u64>> {
    let needle = format!(" {name}=");
    let at = memchr::memmem::find(tag, needle.as_bytes())? + needle.len();
    let rest = tag.get(at + 1..)?;
    let end = rest.iter().position(|b| *b == b'"' || *b == b'\'')?;
    Some(std::str::from_utf8(&rest[..end]).ok()?.trim().parse().ok())
}

/// Every XML part inflates to no more than its declared size.
fn check_inflated(archive: &mut zip::ZipArchive<File>, entries: &[Entry]) -> Result<(), String> {
    for (i, e) in entries.iter().enumerate() {
        let lower = e.name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels")) {
            continue;
        }
        let damaged = |err: &dyn std::fmt::Display| format!("entry `{}` is damaged: {err}", e.name);
        let entry = archive.by_index(i).map_err(|err| damaged(&err))?;
        let inflated = std::io::copy(
            &mut entry.take(e.uncompressed.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|err| damaged(&err))?;
        if inflated > e.uncompressed {
            return Err(format!(
                "entry `{}` inflates past its declared {} bytes",
                e.name, e.uncompressed
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_sst_counts() {
        let tag =
            sst_tag(br#"<?xml?><sst xmlns="x" count="4000000000000" uniqueCount="7">"#).unwrap();
        assert_eq!(attribute(tag, "count"), Some(Some(4_000_000_000_000)));
        assert_eq!(attribute(tag, "uniqueCount"), Some(Some(7)));
        assert_eq!(attribute(tag, "other"), None);
        let tag = sst_tag(br#"<sst uniqueCount="99999999999999999999999">"#).unwrap();
        assert_eq!(attribute(tag, "uniqueCount"), Some(None));
    }

    #[test]
    fn overlapping_entries_are_refused() {
        let e = |name: &str, offset, compressed| Entry {
            name: name.into(),
            compressed,
            uncompressed: compressed,
            offset,
        };
        assert!(check_overlap(&[e("a", 0, 10), e("b", 40, 10)], 100).is_ok());
        let err = check_overlap(&[e("a", 0, 10), e("b", 0, 10)], 100).unwrap_err();
        assert!(err.contains("share their data"), "{err}");
        assert!(check_overlap(&[e("a", 0, 100)], 100).is_err());
    }

    #[test]
    fn ratio_and_total_caps() {
        let limits = Limits::default();
        let bomb = Entry {
            name: "xl/worksheets/sheet1.xml".into(),
            compressed: 5_000,
            uncompressed: 5 << 20,
            offset: 0,
        };
        let err = check_sizes(&[bomb], &limits).unwrap_err();
        assert!(err.contains("more than 200 times"), "{err}");
        let small = Entry {
            name: "xl/styles.xml".into(),
            compressed: 10,
            uncompressed: 100_000,
            offset: 0,
        };
        assert!(check_sizes(&[small], &limits).is_ok());
    }
}
