//! Running the diff with its rows handed to the plan writer on another thread: comparing and
//! writing overlap, so a million-row plan uses both cores instead of one. The rows the plan
//! does not keep come back to the diff to be filled in again (`Sink::spare`): the diff then
//! allocates little per row, and the two threads do not free each other's allocations.

use std::io;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use crate::diff::{self, ChangeSet, Outline, RowChange, Sink};
use crate::plan;

/// Rows are handed over in batches of this many.
const BATCH: usize = 256;

enum Message {
    Managers(Vec<String>),
    Rows(Vec<RowChange>),
}

/// Decides the spooled rows (surveyed in `prepared`) against the roster into `writer` (and into `kept` when given, for a
/// comparison of mappings); returns what the diff found.
///
/// Fails with the first error of the diff (reading the spool) or of the writer (its scratch
/// files); a failing writer stops the diff at its next batch.
pub(super) fn diff_into(
    prepared: diff::Prepared<'_>,
    rows: &dyn diff::Rows,
    writer: &mut plan::Writer,
    kept: Option<&mut ChangeSet>,
) -> io::Result<Outline> {
    std::thread::scope(|scope| {
        let (tx, rx) = sync_channel::<Message>(2);
        let (back_tx, back) = sync_channel::<Vec<RowChange>>(RETURNED);
        let writing = scope.spawn(move || write_all(rx, writer, kept, &back_tx));
        let mut handoff = Handoff {
            tx: Some(tx),
            batch: Vec::with_capacity(BATCH),
            back,
            spares: Vec::new(),
        };
        let outline = prepared.run(rows, &mut handoff);
        let flushed = handoff.flush();
        drop(handoff);
        let written = writing
            .join()
            .unwrap_or_else(|_| Err(io::Error::other("the plan writer stopped unexpectedly")));
        // The writer's own error explains a diff stopped by a closed hand-off.
        written?;
        let outline = outline?;
        flushed?;
        Ok(outline)
    })
}

/// At most this many batches of rows are on their way back to the diff; more are dropped.
const RETURNED: usize = 4;

/// The writer's side: every message, in order, until the diff hangs up; the rows the plan does
/// not keep go `back`, a batch at a time.
fn write_all(
    rx: Receiver<Message>,
    writer: &mut plan::Writer,
    mut kept: Option<&mut ChangeSet>,
    back: &SyncSender<Vec<RowChange>>,
) -> io::Result<()> {
    for message in rx {
        match message {
            Message::Managers(emails) => writer.unknown_managers(emails),
            Message::Rows(mut rows) => {
                let mut spares = Vec::with_capacity(rows.len());
                for row in rows.drain(..) {
                    if let Some(kept) = kept.as_deref_mut() {
                        kept.rows.push(row.clone());
                    }
                    spares.extend(writer.take(row)?);
                }
                // When the diff has enough spares, or has finished, these are dropped.
                let _ = back.try_send(spares);
            }
        }
    }
    Ok(())
}

/// The diff's side: rows batched and sent, and the rows the writer gave back.
struct Handoff {
    tx: Option<SyncSender<Message>>,
    batch: Vec<RowChange>,
    back: Receiver<Vec<RowChange>>,
    spares: Vec<RowChange>,
}

impl Handoff {
    fn send(&mut self, message: Message) -> io::Result<()> {
        self.tx
            .as_ref()
            .and_then(|tx| tx.send(message).ok())
            .ok_or_else(|| io::Error::other("the plan writer stopped"))
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let rows = std::mem::replace(&mut self.batch, Vec::with_capacity(BATCH));
        self.send(Message::Rows(rows))
    }
}

impl Sink for Handoff {
    fn unknown_managers(&mut self, emails: Vec<String>) {
        // A closed hand-off shows at the next row.
        let _ = self.send(Message::Managers(emails));
    }

    fn row(&mut self, row: RowChange) -> io::Result<()> {
        self.batch.push(row);
        if self.batch.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn spare(&mut self) -> Option<RowChange> {
        if self.spares.is_empty()
            && let Ok(rows) = self.back.try_recv()
        {
            self.spares = rows;
        }
        self.spares.pop()
    }
}
