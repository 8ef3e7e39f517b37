//! Tests of the CSV reader: detection, quoting, encodings, header rules, row numbers.

use super::*;

/// Reads `text` as a CSV file twice, through the iterator and through [`Table::read_row`] with
/// one reused row, checks that both give the same rows, blank count and error, and returns
/// the header, the rows and the blank count.
fn read_with(
    text: &[u8],
    options: &ReadOptions,
) -> Result<(Vec<String>, Vec<RawRow>, usize), ReadError> {
    let dir = tempfile::tempdir().map_err(|e| ReadError::Io {
        path: PathBuf::new(),
        source: e,
    })?;
    let path = dir.path().join("x.csv");
    std::fs::write(&path, text).map_err(|e| ReadError::Io {
        path: path.clone(),
        source: e,
    })?;
    let mut table = crate::read::open(&path, options)?;
    let rows: Result<Vec<_>, _> = table.by_ref().collect();
    let mut lent = crate::read::open(&path, options)?;
    let mut row = RawRow::default();
    let mut lent_rows = Vec::new();
    let lent_result = loop {
        match lent.read_row(&mut row) {
            Ok(true) => lent_rows.push(row.clone()),
            Ok(false) => break Ok(lent_rows),
            Err(e) => break Err(e),
        }
    };
    match (&rows, &lent_result) {
        (Ok(a), Ok(b)) => assert_eq!(a, b),
        (Err(a), Err(b)) => assert_eq!(a.to_string(), b.to_string()),
        (a, b) => panic!("the iterator gave {a:?}, read_row {b:?}"),
    }
    assert_eq!(table.blank_rows, lent.blank_rows);
    Ok((table.header.clone(), rows?, table.blank_rows))
}

mod cases {
    use super::super::*;

    #[test]
    fn detects_common_delimiters() {
        assert_eq!(detect_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(detect_delimiter(b"a;b;c\r\n1;\"2,5\";3\r\n"), b';');
        assert_eq!(detect_delimiter(b"a\tb\tc\n1\t2\t3\n"), b'\t');
        assert_eq!(detect_delimiter(b"a|b\n1|2\n"), b'|');
        assert_eq!(detect_delimiter(b"single\nvalue\n"), b',');
        assert_eq!(detect_delimiter(b"Title, with comma\na;b;c\n1;2;3\n"), b';');
    }

    use super::read_with;

    fn read_all(text: &[u8]) -> Result<(Vec<String>, Vec<RawRow>, usize), ReadError> {
        read_with(text, &ReadOptions::default())
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
    fn invalid_utf8_under_an_explicit_encoding_names_row_and_column() {
        let options = ReadOptions {
            encoding: Some(TextEncoding::Utf8),
            ..ReadOptions::default()
        };
        let err = read_with(b"a,b\n1,caf\xE9\n", &options).unwrap_err();
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
        assert!(err.to_string().contains("not valid UTF-8"), "{err}");
    }

    #[test]
    fn a_bad_utf16_sequence_is_an_error_not_a_replacement_character() {
        let mut bytes = b"\xFF\xFE".to_vec();
        for unit in "a,b\n1,".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        bytes.extend_from_slice(&[0x00, 0xD8]); // a lone high surrogate
        bytes.extend_from_slice(&[b'\n', 0]);
        let err = read_all(&bytes).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("row 2 column 2"), "{text}");
        assert!(text.contains("not valid UTF-16LE"), "{text}");
    }

    #[test]
    fn invalid_utf8_is_read_as_windows_1252_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.csv");
        std::fs::write(&path, b"a,b\n1,caf\xE9\n").unwrap();
        let mut table = crate::read::open(&path, &ReadOptions::default()).unwrap();
        assert_eq!(table.info.encoding, Some(TextEncoding::Windows1252));
        assert!(
            table.info.warnings[0].contains("line 2"),
            "{:?}",
            table.info.warnings
        );
        assert_eq!(table.next().unwrap().unwrap().cells, vec!["1", "café"]);
    }

    #[test]
    fn auto_header_skips_banners_and_detects_the_delimiter_under_them() {
        let options = ReadOptions {
            header_row: crate::read::HeaderRow::Auto,
            ..ReadOptions::default()
        };
        let (header, rows, _) = read_with(
            b"Acme payroll export\nGenerated 2024-01-31; by HR\n\nId;Name;Dept\n1;Ann;Eng\n2;Bo;\n",
            &options,
        )
        .unwrap();
        assert_eq!(header, vec!["Id", "Name", "Dept"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].row, 5);
        assert_eq!(rows[1].cells, vec!["2", "Bo", ""]);
    }

    #[test]
    fn a_named_header_row_is_used_and_a_missing_one_is_an_error() {
        let named = |n| ReadOptions {
            header_row: crate::read::HeaderRow::Row(n),
            ..ReadOptions::default()
        };
        let (header, rows, _) = read_with(b"title\nId,Name\n1,Ann\n", &named(2)).unwrap();
        assert_eq!(header, vec!["Id", "Name"]);
        assert_eq!(rows[0].row, 3);
        let err = read_with(b"Id,Name\n1,Ann\n", &named(9)).unwrap_err();
        assert!(err.to_string().contains("header row 9"), "{err}");
    }
}

mod caps {
    use super::super::*;

    fn read_capped(text: &[u8], field: usize, record: usize) -> Result<Vec<RawRow>, ReadError> {
        let mut options = ReadOptions::default();
        options.limits.max_field_bytes = field;
        options.limits.max_record_bytes = record;
        super::read_with(text, &options).map(|(_, rows, _)| rows)
    }

    #[test]
    fn a_field_over_the_cap_is_refused_with_its_cell() {
        let text = format!("a,b\n1,{}\n", "x".repeat(101));
        let err = read_capped(text.as_bytes(), 100, 1 << 20).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Limit {
                    setting: "read.max_field_bytes",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
        assert!(read_capped(text.as_bytes(), 101, 1 << 20).is_ok());
    }

    #[test]
    fn a_record_over_the_cap_is_refused_while_it_is_read() {
        // 4 MiB in one quoted cell spanning lines, against a 1 MiB record cap: refused at the
        // record's first line, before the rest of the file is parsed.
        let mut text = b"a,b\n1,2\n3,\"".to_vec();
        text.extend(std::iter::repeat_n(b"yyyyyyy\n".as_slice(), 512 * 1024).flatten());
        text.extend_from_slice(b"\"\n");
        let err = read_capped(&text, usize::MAX, 1 << 20).unwrap_err();
        assert!(
            matches!(
                err,
                ReadError::Limit {
                    setting: "read.max_record_bytes",
                    ..
                }
            ),
            "{err}"
        );
        assert!(err.to_string().contains("row 3"), "{err}");
        // A single line header that never ends.
        let mut text = b"a,".to_vec();
        text.extend(std::iter::repeat_n(b'z', 3 << 20));
        let err = read_capped(&text, usize::MAX, 1 << 20).unwrap_err();
        assert!(err.to_string().contains("row 1"), "{err}");
        assert!(
            err.to_string().contains("longer than 1048576 bytes"),
            "{err}"
        );
    }

    #[test]
    fn records_under_the_cap_read_as_before() {
        let rows = read_capped(b"a,b\n1,2\n3,4\n", 10, 10).unwrap();
        assert_eq!(rows.len(), 2);
    }
}

mod lines {
    use super::super::*;

    fn rows_of(text: &[u8]) -> Vec<usize> {
        let (_, rows, _) = super::read_with(text, &ReadOptions::default()).unwrap();
        rows.iter().map(|r| r.row).collect()
    }

    #[test]
    fn row_numbers_follow_every_line_ending() {
        assert_eq!(rows_of(b"a,b\n1,2\n3,4\n"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\r\n1,2\r\n3,4\r\n"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\r1,2\r3,4\r"), vec![2, 3]);
        assert_eq!(rows_of(b"a,b\n1,\"x\r\ny\"\r\n3,4"), vec![2, 4]);
        // Empty lines, which the csv crate skips, still count.
        assert_eq!(rows_of(b"\na,b\n\n\n1,2\n\n3,4\n"), vec![5, 7]);
        assert_eq!(
            rows_of(b"\r\na,b\r\n\r\n1,2\r\n\r\n\r\n3,4\r\n"),
            vec![4, 7]
        );
        assert_eq!(rows_of(b"a,b\r\r1,2\r"), vec![3]);
    }
}

/// [`Table::read_row`] reuses one row: what it gives must not depend on the row before.
mod lending {
    use super::super::*;
    use super::read_with;

    fn utf8() -> ReadOptions {
        ReadOptions {
            encoding: Some(TextEncoding::Utf8),
            ..ReadOptions::default()
        }
    }

    #[test]
    fn a_reused_row_holds_only_the_current_record() {
        let text =
            "title\n\nId,Name,Note\n1,Ann Longname,a long note here\n  \n2,Bo,\n,,\n3,Zoë,ü\n";
        let options = ReadOptions {
            header_row: crate::read::HeaderRow::Auto,
            ..ReadOptions::default()
        };
        let (header, rows, blank) = read_with(text.as_bytes(), &options).unwrap();
        assert_eq!(header, ["Id", "Name", "Note"]);
        let cells: Vec<Vec<&str>> = rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            cells,
            [
                vec!["1", "Ann Longname", "a long note here"],
                vec!["2", "Bo", ""],
                vec!["3", "Zoë", "ü"]
            ]
        );
        assert_eq!(rows.iter().map(|r| r.row).collect::<Vec<_>>(), [4, 6, 8]);
        assert_eq!(blank, 2);
    }

    #[test]
    fn a_character_split_by_a_delimiter_is_an_error_in_its_column() {
        // `\xC3` `,` `\xA9`: the fields joined are `é`, each alone is not UTF-8.
        let err = read_with(b"a,b\n\xC3,\xA9\n", &utf8()).unwrap_err();
        assert!(err.to_string().contains("row 2 column 1"), "{err}");
        let err = read_with(b"a,b,c\nx,\xC3,\xA9\n", &utf8()).unwrap_err();
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
    }

    #[test]
    fn the_first_bad_field_is_named_whatever_is_wrong_with_it() {
        let err = read_with(b"a,b,c\n1,x\x00y,\xFF\n", &utf8()).unwrap_err();
        assert!(matches!(err, ReadError::NulByte { .. }), "{err}");
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
        let err = read_with(b"a,b,c\n1,\xFF,x\x00y\n", &utf8()).unwrap_err();
        assert!(matches!(err, ReadError::Encoding { .. }), "{err}");
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
        let mut options = utf8();
        options.limits.max_field_bytes = 3;
        let err = read_with(b"a,b,c\n1,\xFF,long\n", &options).unwrap_err();
        assert!(matches!(err, ReadError::Encoding { .. }), "{err}");
        let err = read_with(b"a,b,c\n1,long,\xFF\n", &options).unwrap_err();
        assert!(matches!(err, ReadError::Limit { .. }), "{err}");
        assert!(err.to_string().contains("row 2 column 2"), "{err}");
        // Good rows before a bad one are given out first.
        let err = read_with(b"a,b\n1,2\n3,\xFF\n", &utf8()).unwrap_err();
        assert!(err.to_string().contains("row 3 column 2"), "{err}");
    }
}
