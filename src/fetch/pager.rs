//! The roster's pages walked on a task of their own ([`Pager`]), handed on one by one to the
//! caller that parses them. The task asks for the next page as soon as the last one is read,
//! on the runtime thread that read it: when the caller's thread sent each request instead,
//! every page waited for a runtime thread to be woken to write it (about 0.8 ms a page on a
//! 2-core machine, 80 ms over 100 pages).

use std::future::Future;

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::charthop::{ApiError, Client, JobPages, JobQuery};

/// A page as the walk hands it on: its number and its JSON bytes.
pub type RawPage = (u32, Vec<u8>);

/// What the walk hands on.
type Pages = mpsc::Sender<Result<RawPage, ApiError>>;

/// How many pages the walk may be ahead of the caller.
const PAGES_AHEAD: usize = 2;

/// A walk of a query's pages in progress. Dropping it stops the walk.
pub struct Pager {
    pages: mpsc::Receiver<Result<RawPage, ApiError>>,
    task: Option<JoinHandle<()>>,
    path: String,
}

impl Pager {
    /// Starts walking `query`'s `findJobs` pages (on the current Tokio runtime).
    pub fn start(client: &Client, query: JobQuery) -> Pager {
        let client = client.clone();
        Pager::spawn(client.jobs_path(), |out| walk(client, query, out))
    }

    /// Runs `walk` on a task of its own with the sender of the pages; `path` names the pages in
    /// errors.
    fn spawn<W, F>(path: String, walk: W) -> Pager
    where
        W: FnOnce(Pages) -> F,
        F: Future<Output = ()> + Send + 'static,
    {
        let (out, pages) = mpsc::channel(PAGES_AHEAD);
        Pager {
            pages,
            task: Some(tokio::spawn(walk(out))),
            path,
        }
    }

    /// The path the pages come from (for error messages).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The next page, in order; `None` after the last one. Fails with the walk's error (as
    /// [`JobPages::next_raw`] fails), after which the walk is over, or with
    /// [`ApiError::Decode`] when the walk stopped without reaching its last page (its task
    /// panicked or was cancelled), so that a walk cut short is never taken for the whole roster.
    ///
    /// Yields to the runtime first: with pages already waiting, a caller looping over them
    /// would otherwise never let its other work (the export's mapping, its progress) run.
    pub async fn next(&mut self) -> Result<Option<RawPage>, ApiError> {
        tokio::task::yield_now().await;
        if let Some(page) = self.pages.recv().await {
            return page.map(Some);
        }
        match self.task.take() {
            Some(task) => match task.await {
                Ok(()) => Ok(None),
                Err(e) => Err(ApiError::Decode {
                    method: "GET".into(),
                    path: self.path.clone(),
                    message: format!("the walk of the pages stopped before its last page: {e}"),
                }),
            },
            None => Ok(None),
        }
    }
}

impl Drop for Pager {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// Walks the pages, handing each on to `out`; stops after the last page, after handing on the
/// first error, or when `out`'s receiver is gone.
async fn walk(client: Client, query: JobQuery, out: Pages) {
    let mut pages = JobPages::new(&client, query);
    loop {
        let page = match pages.next_raw().await {
            Ok(Some(body)) => Ok((pages.pages(), body)),
            Ok(None) => return,
            Err(e) => Err(e),
        };
        let failed = page.is_err();
        if out.send(page).await.is_err() || failed {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;
    use crate::charthop::ApiError;

    #[tokio::test]
    async fn a_walk_that_stops_before_its_last_page_is_an_error_not_the_end() {
        let mut pager = Pager::spawn("/v2/org/acme/job".into(), |out| async move {
            let _ = out.send(Ok((1, b"{}".to_vec()))).await;
            panic!("the walk's task stops here");
        });
        let first = pager.next().await.expect("the first page");
        assert_eq!(first, Some((1, b"{}".to_vec())));
        match pager.next().await {
            Err(ApiError::Decode { path, message, .. }) => {
                assert_eq!(path, "/v2/org/acme/job");
                assert!(
                    message.contains("stopped before its last page"),
                    "{message}"
                );
            }
            other => panic!("a walk cut short was taken for {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_walk_that_ends_after_its_pages_ends_the_pages() {
        let mut pager = Pager::spawn("/v2/org/acme/job".into(), |out| async move {
            let _ = out.send(Ok((1, b"{}".to_vec()))).await;
        });
        assert!(pager.next().await.expect("a page").is_some());
        assert_eq!(pager.next().await.expect("the end"), None);
    }
}
