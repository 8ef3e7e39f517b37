//! One pass of the diff over the spooled rows, with the rows read and decoded on a thread of
//! their own a batch ahead: decoding is about a quarter of a pass's work, and it so runs
//! beside the comparing instead of before each row of it.

use std::io;
use std::sync::mpsc::sync_channel;

use super::model::Rows;
use super::spool::{Fields, Item, SpoolReader, empty_desired};

/// Rows are decoded and handed over this many at a time.
const BATCH: usize = 256;

/// Batches decoded and not yet taken: the reader is at most this far ahead.
const AHEAD: usize = 2;

/// Calls `f` with every spooled row, in order, with `fields` filled in; the rows are read on
/// another thread. Decoded rows are reused for later rows once `f` has seen them, so a pass
/// allocates about as little as reading in place.
///
/// Stops at the first error of `f` and returns it; else, once `f` has seen every whole row
/// before it, fails with the reader's error (opening or reading the spool, or a damaged
/// spool), or when no thread can be started for the reader.
pub(super) fn each_item(
    rows: &dyn Rows,
    fields: Fields,
    mut f: impl FnMut(&Item) -> io::Result<()>,
) -> io::Result<()> {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Vec<Item>>(AHEAD);
        let (back_tx, back) = sync_channel::<Vec<Item>>(AHEAD + 1);
        let read_ahead = move || -> io::Result<()> {
            let mut reader = SpoolReader::new(rows.open()?);
            loop {
                let mut batch = back
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(BATCH));
                let mut n = 0;
                // Ok(true): the batch is full; Ok(false): the spool ended; Err: it is damaged.
                let read = loop {
                    if n == BATCH {
                        break Ok(true);
                    }
                    if n == batch.len() {
                        batch.push(Item::Mapped(empty_desired()));
                    }
                    match reader.next_with(&mut batch[n], fields) {
                        Ok(true) => n += 1,
                        other => break other,
                    }
                };
                batch.truncate(n);
                // Every whole row goes to the pass before the reader's error, as when reading
                // in place. A closed channel: the pass stopped early (its error is its own).
                if n > 0 && tx.send(batch).is_err() {
                    return Ok(());
                }
                if !read? {
                    return Ok(());
                }
            }
        };
        let reading = std::thread::Builder::new()
            .name("spool-reader".into())
            .spawn_scoped(scope, read_ahead)?;
        let mut seen = Ok(());
        for batch in rx {
            seen = batch.iter().try_for_each(&mut f);
            if seen.is_err() {
                break;
            }
            // When the reader has enough rows to reuse, these are dropped.
            let _ = back_tx.try_send(batch);
        }
        let read = reading
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the spool reader stopped unexpectedly")));
        seen?;
        read
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::spool::SpoolWriter;
    use crate::mapping::Rejection;

    /// A spool of `n` rows: every tenth a rejection, the others mapped with a key.
    fn spool(n: usize) -> Vec<u8> {
        let mut w = SpoolWriter::new(Vec::new());
        for row in 0..n {
            if row % 10 == 9 {
                let r = Rejection {
                    row,
                    column: Some("Start".into()),
                    field: "startDate".into(),
                    reason: "not a date".into(),
                    value: None,
                    name: None,
                };
                w.rejected(&r).expect("spooled");
            } else {
                let mut d = empty_desired();
                d.row = row;
                d.key = Some(format!("k{row}"));
                w.mapped(&d).expect("spooled");
            }
        }
        w.finish().expect("spooled")
    }

    fn row_of(item: &Item) -> (usize, Option<String>) {
        match item {
            Item::Mapped(d) => (d.row, d.key.clone()),
            Item::Rejected(r) => (r.row, None),
        }
    }

    #[test]
    fn a_pass_sees_every_row_once_in_order_across_batches() {
        for n in [0, 1, BATCH - 1, BATCH, BATCH + 1, 5 * BATCH + 7] {
            let rows = spool(n);
            let mut seen = Vec::new();
            each_item(&rows, Fields::All, |item| {
                seen.push(row_of(item));
                Ok(())
            })
            .expect("a pass");
            let expected: Vec<_> = (0..n)
                .map(|row| (row, (row % 10 != 9).then(|| format!("k{row}"))))
                .collect();
            assert_eq!(seen, expected, "{n} rows");
        }
    }

    #[test]
    fn a_pass_stops_at_its_first_error_and_a_damaged_spool_is_an_error() {
        let rows = spool(4 * BATCH);
        let mut seen = 0;
        let err = each_item(&rows, Fields::All, |_| {
            seen += 1;
            if seen == BATCH + 3 {
                Err(io::Error::other("the sink is full"))
            } else {
                Ok(())
            }
        })
        .expect_err("stops");
        assert_eq!(err.to_string(), "the sink is full");
        assert_eq!(seen, BATCH + 3, "no row after the error");

        // Cut inside the last row: every whole row is seen, then the reader's error.
        let mut cut = spool(BATCH + 2);
        cut.truncate(cut.len() - 1);
        let mut seen = 0;
        let err = each_item(&cut, Fields::All, |_| {
            seen += 1;
            Ok(())
        })
        .expect_err("a damaged spool");
        assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof, "{err}");
        assert_eq!(seen, BATCH + 1);
    }
}
