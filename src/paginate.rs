//! Cursor pagination as streams, fetching the next page while the caller works on the current one.

use std::collections::HashSet;
use std::future::Future;

use futures_util::{Stream, StreamExt, stream};

use crate::error::{Error, Result};

/// A page and the cursor of the next one (`None` on the last page).
pub(crate) type Fetched<P> = Result<(P, Option<String>)>;

/// Pages: `fetch(None)` first, then `fetch(Some(next cursor))` until the last page. Inside a tokio runtime the next page is fetched in the background while the
/// current one is consumed, at most one page ahead; outside one, pages are fetched on demand. The stream
/// ends after the last page, or after yielding the first error.
fn pages<P, F, Fut>(
    operation: &'static str,
    fetch: F,
) -> impl Stream<Item = Result<P>> + Send + 'static
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Fetched<P>> + Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => prefetching(runtime, operation, fetch).left_stream(),
        Err(_) => on_demand(operation, fetch).right_stream(),
    }
}

/// A paginated request: what the generated builders of operations with `x-attio-pagination`
/// implement, and all [`pages_of`] and [`items_of`] need.
pub(crate) trait Paged: Clone + Send + 'static {
    /// The response: one page.
    type Page: Send + 'static;
    /// What the page lists.
    type Item: Send + 'static;
    /// The operationId, for errors.
    const OPERATION: &'static str;
    /// The same request from `cursor` on.
    fn at(self, cursor: String) -> Self;
    /// Sends it: one page.
    fn fetch(self) -> crate::Pending<Self::Page>;
    /// Where the page says the next one starts (`None` or empty on the last page).
    fn next_cursor(page: &Self::Page) -> Option<String>;
    /// The page's items.
    fn items(page: Self::Page) -> Vec<Self::Item>;
}

/// Every page of `request`, from the cursor it was given on; see [`pages`].
pub(crate) fn pages_of<R: Paged>(
    request: R,
) -> impl Stream<Item = Result<R::Page>> + Send + 'static {
    // The first page is the request as the caller built it; later ones replace its cursor.
    pages(R::OPERATION, move |cursor| {
        let request = match cursor {
            None => request.clone(),
            Some(cursor) => request.clone().at(cursor),
        };
        async move {
            let page = request.fetch().await?;
            let next = R::next_cursor(&page);
            Ok((page, next))
        }
    })
}

/// Every item of every page of `request`, in order. An error ends the stream after being yielded.
pub(crate) fn items_of<R: Paged>(
    request: R,
) -> impl Stream<Item = Result<R::Item>> + Send + 'static {
    pages_of(request).flat_map(|page| match page {
        Ok(page) => stream::iter(R::items(page).into_iter().map(Ok).collect::<Vec<_>>()),
        Err(error) => stream::iter(vec![Err(error)]),
    })
}

/// Guards against a server that hands out the same cursor twice, which would otherwise loop forever.
struct Cursors {
    operation: &'static str,
    seen: HashSet<String>,
}

impl Cursors {
    fn new(operation: &'static str) -> Self {
        Self {
            operation,
            seen: HashSet::new(),
        }
    }

    /// The cursor to fetch next, `Ok(None)` at the end.
    fn next(&mut self, cursor: Option<String>) -> Result<Option<String>> {
        match cursor.filter(|c| !c.is_empty()) {
            None => Ok(None),
            Some(c) if !self.seen.insert(c.clone()) => Err(Error::Protocol {
                operation: self.operation,
                message: format!("it returned the cursor `{c}` a second time; stopping"),
            }),
            Some(c) => Ok(Some(c)),
        }
    }
}

fn prefetching<P, F, Fut>(
    runtime: tokio::runtime::Handle,
    operation: &'static str,
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
        let mut cursors = Cursors::new(operation);
        let mut cursor = None;
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
    operation: &'static str,
    fetch: F,
) -> impl Stream<Item = Result<P>> + Send + 'static
where
    P: Send + 'static,
    F: FnMut(Option<String>) -> Fut + Send + 'static,
    Fut: Future<Output = Fetched<P>> + Send + 'static,
{
    let state = (Some(None), fetch, Cursors::new(operation));
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
