//! Text encodings of CSV exports: the byte order mark, the whole-file UTF-8 check behind
//! auto-detection, and a reader that transcodes UTF-16 and Windows-1252 into UTF-8.
//!
//! Never a silent U+FFFD: a sequence that cannot be decoded becomes the byte `0xFF`, which can
//! never occur in UTF-8, so the CSV reader's per-field UTF-8 check reports it with its row and
//! column. UTF-8 files are not transcoded; the same check finds their invalid bytes.

use std::io::{self, Read};

use encoding_rs::{Decoder, DecoderResult};

use super::TextEncoding;

/// The encoding a file is read with, and how it was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Detected {
    pub encoding: TextEncoding,
    /// Bytes of byte order mark to skip.
    pub bom_len: u64,
    /// Auto-detection fell back to Windows-1252: the 1-based line of the first byte that is not
    /// UTF-8.
    pub fallback_line: Option<usize>,
    /// The file is UTF-8 with accented letters (valid multi-byte sequences) but holds a byte
    /// that is not: (its 1-based line, the byte). Reading it as Windows-1252 would garble the
    /// rest, so the caller refuses it.
    pub mixed: Option<(usize, u8)>,
}

/// Decides the encoding of the file read by `file` (from its start): `explicit` when given (a
/// byte order mark of that encoding is skipped), else the byte order mark, else UTF-8 when the
/// whole file is valid UTF-8, else Windows-1252.
///
/// Fails only on an I/O error. Reads the whole file when it has to check for UTF-8.
pub(super) fn detect(mut file: impl Read, explicit: Option<TextEncoding>) -> io::Result<Detected> {
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < head.len() {
        let n = file.read(&mut head[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let head = &head[..got];
    let bom = if head.starts_with(b"\xEF\xBB\xBF") {
        Some((TextEncoding::Utf8, 3))
    } else if head.starts_with(b"\xFF\xFE") {
        Some((TextEncoding::Utf16Le, 2))
    } else if head.starts_with(b"\xFE\xFF") {
        Some((TextEncoding::Utf16Be, 2))
    } else {
        None
    };
    let (encoding, bom_len) = match (explicit, bom) {
        (Some(e), Some((b, len))) if e == b => (e, len),
        (Some(e), _) => (e, 0),
        (None, Some((b, len))) => (b, len),
        (None, None) => {
            let scan = scan_utf8(head, file)?;
            let fallback_line = scan.first_invalid.map(|(line, _)| line);
            let encoding = match fallback_line {
                None => TextEncoding::Utf8,
                Some(_) => TextEncoding::Windows1252,
            };
            return Ok(Detected {
                encoding,
                bom_len: 0,
                fallback_line,
                mixed: scan.first_invalid.filter(|_| scan.multibyte),
            });
        }
    };
    Ok(Detected {
        encoding,
        bom_len,
        fallback_line: None,
        mixed: None,
    })
}

/// What a whole-file UTF-8 scan found.
struct Utf8Scan {
    /// The first byte that is not UTF-8: its 1-based line and value.
    first_invalid: Option<(usize, u8)>,
    /// Whether valid multi-byte UTF-8 (an accented letter) appears anywhere.
    multibyte: bool,
}

/// Scans `head` followed by `rest` for UTF-8, in 64 KiB chunks, to its end.
fn scan_utf8(head: &[u8], mut rest: impl Read) -> io::Result<Utf8Scan> {
    let mut buf = vec![0u8; 64 * 1024];
    buf[..head.len()].copy_from_slice(head);
    let mut len = head.len();
    let mut lines = 1;
    let mut scan = Utf8Scan {
        first_invalid: None,
        multibyte: false,
    };
    loop {
        let n = rest.read(&mut buf[len..])?;
        let eof = n == 0;
        len += n;
        let mut at = 0;
        // Validate what is buffered, skipping each bad byte (after noting the first).
        let keep = loop {
            match std::str::from_utf8(&buf[at..len]) {
                Ok(_) => {
                    scan.multibyte |= buf[at..len].iter().any(|&b| b >= 0x80);
                    lines += memchr::memchr_iter(b'\n', &buf[at..len]).count();
                    break len;
                }
                // An incomplete sequence at the end of a chunk may complete in the next one.
                Err(e) if e.error_len().is_none() && !eof => {
                    let valid = at + e.valid_up_to();
                    scan.multibyte |= buf[at..valid].iter().any(|&b| b >= 0x80);
                    lines += memchr::memchr_iter(b'\n', &buf[at..valid]).count();
                    break valid;
                }
                Err(e) => {
                    let valid = at + e.valid_up_to();
                    scan.multibyte |= buf[at..valid].iter().any(|&b| b >= 0x80);
                    lines += memchr::memchr_iter(b'\n', &buf[at..valid]).count();
                    if scan.first_invalid.is_none() {
                        scan.first_invalid = Some((lines, buf[valid]));
                    }
                    let skip = e.error_len().unwrap_or(len - valid).max(1);
                    lines += memchr::memchr_iter(b'\n', &buf[valid..valid + skip]).count();
                    at = valid + skip;
                    if at >= len {
                        break len;
                    }
                }
            }
        };
        if eof {
            return Ok(scan);
        }
        buf.copy_within(keep..len, 0);
        len -= keep;
    }
}

/// Reads `inner` in `encoding` and yields UTF-8, with `0xFF` where input could not be decoded.
pub(super) struct Transcode<R> {
    inner: R,
    decoder: Decoder,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    in_eof: bool,
    output: Box<[u8]>,
    out_pos: usize,
    out_len: usize,
    done: bool,
    marker_pending: bool,
}

impl<R: Read> Transcode<R> {
    /// A reader of `inner` (positioned after any byte order mark) in `encoding`.
    pub(super) fn new(inner: R, encoding: TextEncoding) -> Transcode<R> {
        let enc = match encoding {
            TextEncoding::Utf8 => encoding_rs::UTF_8,
            TextEncoding::Utf16Le => encoding_rs::UTF_16LE,
            TextEncoding::Utf16Be => encoding_rs::UTF_16BE,
            TextEncoding::Windows1252 => encoding_rs::WINDOWS_1252,
        };
        Transcode {
            inner,
            decoder: enc.new_decoder_without_bom_handling(),
            input: vec![0; 64 * 1024].into_boxed_slice(),
            in_pos: 0,
            in_len: 0,
            in_eof: false,
            output: vec![0; 128 * 1024].into_boxed_slice(),
            out_pos: 0,
            out_len: 0,
            done: false,
            marker_pending: false,
        }
    }

    /// Refills the output buffer; leaves it empty only at the end of the input.
    fn fill(&mut self) -> io::Result<()> {
        self.out_pos = 0;
        self.out_len = 0;
        if self.marker_pending {
            self.output[0] = 0xFF;
            self.out_len = 1;
            self.marker_pending = false;
        }
        while self.out_len == 0 && !self.done {
            if self.in_pos == self.in_len && !self.in_eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_pos = 0;
                self.in_len = n;
                self.in_eof = n == 0;
            }
            let last = self.in_eof;
            let (result, read, written) = self.decoder.decode_to_utf8_without_replacement(
                &self.input[self.in_pos..self.in_len],
                &mut self.output[self.out_len..],
                last,
            );
            self.in_pos += read;
            self.out_len += written;
            match result {
                DecoderResult::InputEmpty => self.done = last,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(_, _) => {
                    if self.out_len < self.output.len() {
                        self.output[self.out_len] = 0xFF;
                        self.out_len += 1;
                    } else {
                        self.marker_pending = true;
                    }
                }
            }
        }
        Ok(())
    }
}

impl<R: Read> Read for Transcode<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.out_pos == self.out_len {
            self.fill()?;
        }
        let n = (self.out_len - self.out_pos).min(buf.len());
        buf[..n].copy_from_slice(&self.output[self.out_pos..self.out_pos + n]);
        self.out_pos += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], enc: TextEncoding) -> Vec<u8> {
        let mut out = Vec::new();
        Transcode::new(bytes, enc).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn detects_boms_and_falls_back_to_windows_1252_with_the_line() {
        let d = detect(&b"\xEF\xBB\xBFa,b\n"[..], None).unwrap();
        assert_eq!((d.encoding, d.bom_len), (TextEncoding::Utf8, 3));
        let d = detect(&b"\xFF\xFEa\0"[..], None).unwrap();
        assert_eq!((d.encoding, d.bom_len), (TextEncoding::Utf16Le, 2));
        let d = detect(&b"\xFE\xFF\0a"[..], None).unwrap();
        assert_eq!((d.encoding, d.bom_len), (TextEncoding::Utf16Be, 2));
        let d = detect("a,b\nJos\u{e9},1\n".as_bytes(), None).unwrap();
        assert_eq!((d.encoding, d.fallback_line), (TextEncoding::Utf8, None));
        let d = detect(&b"a,b\nx,1\nJos\xE9,1\n"[..], None).unwrap();
        assert_eq!(d.encoding, TextEncoding::Windows1252);
        assert_eq!(d.fallback_line, Some(3));
        let d = detect(&b"\xEF\xBB\xBFa"[..], Some(TextEncoding::Windows1252)).unwrap();
        assert_eq!((d.encoding, d.bom_len), (TextEncoding::Windows1252, 0));
    }

    #[test]
    fn utf8_split_across_chunks_is_still_valid() {
        let mut text = vec![b'a'; 64 * 1024 - 1];
        text.extend_from_slice("é\n".as_bytes());
        assert_eq!(scan_utf8(&[], &text[..]).unwrap().first_invalid, None);
    }

    #[test]
    fn a_stray_byte_in_accented_utf8_is_mixed_not_windows_1252() {
        // Accented UTF-8 on line 2, one Windows-1252 byte on line 3 (and more UTF-8 after).
        let d = detect(&b"a,b\nJos\xC3\xA9,1\nRen\xE9e,2\nZo\xC3\xAB,3\n"[..], None).unwrap();
        assert_eq!(d.mixed, Some((3, 0xE9)));
        // The UTF-8 comes only after the stray byte: still mixed.
        let d = detect(&b"a,b\nRen\xE9e,2\nZo\xC3\xAB,3\n"[..], None).unwrap();
        assert_eq!(d.mixed, Some((2, 0xE9)));
        // All Windows-1252: read as such, not mixed.
        let d = detect(&b"a,b\nRen\xE9e,2\nZo\xEB,3\n"[..], None).unwrap();
        assert_eq!((d.encoding, d.mixed), (TextEncoding::Windows1252, None));
        // A stray byte far into a big file, across chunk boundaries, keeps its line.
        let mut text = "\u{e9}\n".repeat(40_000).into_bytes();
        text.extend_from_slice(b"x\xE9\n");
        assert_eq!(detect(&text[..], None).unwrap().mixed, Some((40_001, 0xE9)));
    }

    #[test]
    fn transcodes_and_marks_what_cannot_be_decoded() {
        assert_eq!(
            decode_all(b"Jos\xE9 \x80", TextEncoding::Windows1252),
            "José €".as_bytes()
        );
        let utf16: Vec<u8> = "Zoë".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode_all(&utf16, TextEncoding::Utf16Le), "Zoë".as_bytes());
        // A lone high surrogate.
        assert_eq!(
            decode_all(b"a\0\x00\xD8b\0", TextEncoding::Utf16Le),
            b"a\xFFb"
        );
    }
}
