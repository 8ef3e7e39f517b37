//! Running the diff with its rows handed to the plan writer on another thread: comparing and
//! writing overlap, so a million-row plan uses both cores instead of one.

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
        let writing = scope.spawn(move || write_all(rx, writer, kept));
        let mut handoff = Handoff {
            tx: Some(tx),
            batch: Vec::with_capacity(BATCH),
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

/// The writer's side: every message, in order, until the diff hangs up.
fn write_all(
    rx: Receiver<Message>,
    writer: &mut plan::Writer,
    mut kept: Option<&mut ChangeSet>,
) -> io::Result<()> {
    for message in rx {
        match message {
            Message::Managers(emails) => writer.unknown_managers(emails),
            Message::Rows(rows) => {
                for row in rows {
                    if let Some(kept) = kept.as_deref_mut() {
                        kept.rows.push(row.clone());
                    }
                    writer.row(row)?;
                }
            }
        }
    }
    Ok(())
}

/// The diff's side: rows batched and sent.
struct Handoff {
    tx: Option<SyncSender<Message>>,
    batch: Vec<RowChange>,
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
}
