//! Cursor pagination as streams, fetching the next page while the caller works on the current one.

use std::collections::HashSet;
use std::future::Future;

use futures_util::{Stream, StreamExt, stream};

use crate::error::{Error, Result};

/// A page and the cursor of the next one (`None` on the last page).
pub(crate) type Fetched<P> = Result<(P, Option<String>)>;

/// Pages from `first` on. Inside a tokio runtime the next page is fetched in the background while the
/// current one is consumed, at most one page ahead; outside one, pages are fetched on demand. The stream
/// ends after the last page, or after yielding the first error.
pub(crate) fn pages<P, F, Fut>(
    first: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<P>> + Send + 'static
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Fetched<P>> + Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => prefetching(runtime, first, fetch).left_stream(),
        Err(_) => on_demand(first, fetch).right_stream(),
    }
}

/// A list request that can be pointed at a cursor and sent: what [`pages_of`] needs.
pub(crate) trait Paged: Clone + Send + 'static {
    type Page: Send + 'static;
    /// The cursor the request starts from.
    fn start(&self) -> Option<String>;
    /// The same request from `cursor` on.
    fn at(self, cursor: Option<String>) -> Self;
    /// Sends it: one page.
    fn fetch(self) -> impl Future<Output = Result<Self::Page>> + Send;
    /// The page's `pagination.next_cursor`.
    fn next_cursor(page: &Self::Page) -> Option<String>;
}

/// Every page of `request`, from its cursor on; see [`pages`].
pub(crate) fn pages_of<R: Paged>(
    request: R,
) -> impl Stream<Item = Result<R::Page>> + Send + 'static {
    let first = request.start();
    pages(first, move |cursor| {
        let request = request.clone().at(cursor);
        async move {
            let page = request.fetch().await?;
            let next = R::next_cursor(&page);
            Ok((page, next))
        }
    })
}

/// Items of every page, in order.
pub(crate) fn items<T, P>(
    pages: impl Stream<Item = Result<P>> + Send + 'static,
) -> impl Stream<Item = Result<T>> + Send + 'static
where
    T: Send + 'static,
    P: IntoIterator<Item = T> + Send + 'static,
{
    pages.flat_map(|page| match page {
        Ok(page) => stream::iter(page.into_iter().map(Ok).collect::<Vec<_>>()),
        Err(error) => stream::iter(vec![Err(error)]),
    })
}

/// Guards against a server that hands out the same cursor twice, which would otherwise loop forever.
struct Cursors(HashSet<String>);

impl Cursors {
    /// The cursor to fetch next, `Ok(None)` at the end.
    fn next(&mut self, cursor: Option<String>) -> Result<Option<String>> {
        match cursor.filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(c) if !self.0.insert(c.clone()) => Err(Error::invalid(
                "cursor",
                "Attio returned a cursor it had already returned; stopping",
            )),
            Some(c) => Ok(Some(c)),
        }
    }
}

fn prefetching<P, F, Fut>(
    runtime: tokio::runtime::Handle,
    first: Option<String>,
    mut fetch: F,
) -> impl Stream<Item = Result<P>> + Send + 'static
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Fetched<P>> + Send + 'static,
{
    // Capacity one, and a slot reserved *before* fetching: the producer is never more than one page
    // ahead of the consumer.
    let (pages_tx, pages_rx) = tokio::sync::mpsc::channel::<Result<P>>(1);
    runtime.spawn(async move {
        let mut cursors = Cursors(HashSet::new());
        let mut cursor = first;
        loop {
            let Ok(slot) = pages_tx.reserve().await else {
                return;
            };
            let fetched = tokio::select! {
                fetched = fetch(cursor.take()) => fetched,
                // The consumer dropped the stream: stop without finishing the request.
                () = pages_tx.closed() => return,
            };
            match fetched.and_then(|(page, next)| Ok((page, cursors.next(next)?))) {
                Ok((page, next)) => {
                    slot.send(Ok(page));
                    match next {
                        Some(next) => cursor = Some(next),
                        None => return,
                    }
                }
                Err(error) => {
                    slot.send(Err(error));
                    return;
                }
            }
        }
    });
    stream::unfold(pages_rx, |mut rx| async move {
        rx.recv().await.map(|page| (page, rx))
    })
}

fn on_demand<P, F, Fut>(
    first: Option<String>,
    fetch: F,
) -> impl Stream<Item = Result<P>> + Send + 'static
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Fetched<P>> + Send + 'static,
{
    let state = (Some(first), fetch, Cursors(HashSet::new()));
    stream::unfold(state, |(cursor, mut fetch, mut cursors)| async move {
        let cursor = cursor?;
        match fetch(cursor)
            .await
            .and_then(|(page, next)| Ok((page, cursors.next(next)?)))
        {
            Ok((page, Some(next))) => Some((Ok(page), (Some(Some(next)), fetch, cursors))),
            Ok((page, None)) => Some((Ok(page), (None, fetch, cursors))),
            Err(error) => Some((Err(error), (None, fetch, cursors))),
        }
    })
}
