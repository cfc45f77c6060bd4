//! Answers that are JSON arrays, decoded item by item as their bytes arrive: `send()`
//! collects the items into a `Vec` (no copy of the whole body is ever made), `stream()`
//! hands them out one by one at memory that does not grow with the list.
//!
//! What is not a list (an error status, a 204, `null`, an object) is read whole by
//! [`response::read`], so both decode exactly what `send()` of any operation decodes. With
//! [`ClientBuilder::on_raw_response`](crate::ClientBuilder::on_raw_response) set, the body is
//! read whole first, since the tap is handed whole bodies.

use std::collections::VecDeque;

use bytes::Bytes;
use futures_core::Stream;
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::{CONTENT_ENCODING, CONTENT_LENGTH, HeaderMap};
use serde::de::DeserializeOwned;

use super::body::{Body, Failure};
use super::call::{Call, prepare, preparer};
use super::operation::Operation;
use super::response;
use super::retry::Attempted;
use super::transfer::{self, Reading};
use crate::wire::json_array::{ArrayItems, Step, SyntaxError};
use crate::wire::lenient_json::Located;
use crate::{Client, Error};

/// The end of a generated list `send()`: every item, or the first error. A transfer that
/// breaks off is retried from the start where the operation is safe to repeat.
pub(crate) fn collect<'a, T, C>(
    call: C,
) -> impl Future<Output = Result<ResponseValue<Vec<T>>, Error>> + Send + 'a
where
    T: DeserializeOwned + Send + 'a,
    C: Call<'a, Output = Vec<T>>,
{
    let (client, operation) = (call.client(), C::OPERATION);
    let mut request = preparer(call);
    async move {
        let mut attempt = 1;
        loop {
            let mut items = Items::<T>::open(client, operation, &mut request, attempt).await?;
            // A small response of known length is read whole and decoded in one go: the
            // same decoding, with less work per call.
            let small = items.expected.is_some_and(|length| length <= SMALL_ANSWER);
            let read = match small && items.whole.is_none() {
                true => items.whole_list().await,
                false => items.all().await,
            };
            match read {
                Ok(list) => return Ok(ResponseValue::new(list, items.status, items.headers)),
                Err(Stop::Error(error)) => return Err(error),
                Err(Stop::Transfer(broke_off)) => {
                    let delay = retry_after_break(client, operation, &items, broke_off)?;
                    tokio::time::sleep(delay).await;
                    attempt = items.attempt + 1;
                }
            }
        }
    }
}

/// The largest response (in bytes, as its `Content-Length` says) that `send()` reads whole
/// before decoding it.
const SMALL_ANSWER: usize = 64 * 1024;

/// How long to wait before reading a list again whose transfer broke off, or the error if
/// the retry policy allows no more.
fn retry_after_break<T: DeserializeOwned>(
    client: &Client,
    operation: &'static Operation,
    items: &Items<'_, T>,
    broke_off: Failure,
) -> Result<std::time::Duration, Error> {
    let policy = client.inner().retry();
    let attempted = Attempted::Failed(broke_off.kind());
    let Some(delay) = policy.delay(items.attempt - 1, operation.idempotent, &attempted) else {
        return Err(broke_off.into_error(operation.name));
    };
    tracing::debug!(
        operation = operation.name,
        attempt = items.attempt,
        items = items.array.count(),
        "the response broke off; retrying"
    );
    Ok(delay)
}

/// After how many items the length of a list is estimated from the response's
/// `Content-Length`.
const ESTIMATE_AFTER: usize = 64;

/// Makes room for as many items as the response's length suggests (plus 3%), where it says
/// its length: one allocation instead of a `Vec` grown again and again.
fn reserve_estimate<T: DeserializeOwned>(list: &mut Vec<T>, items: &Items<'_, T>) {
    let (Some(total), consumed) = (items.expected, items.consumed()) else {
        return;
    };
    if consumed == 0 {
        return;
    }
    let estimate = (total as f64 / consumed as f64 * list.len() as f64 * 1.03) as usize;
    list.reserve_exact(estimate.saturating_sub(list.len()));
}

/// Adds `item` to `list`, growing it by half its size when full, not by doubling it: the
/// items of a big list take about as much memory as its JSON, and a doubled `Vec` can
/// leave as much again unused.
fn push<T>(list: &mut Vec<T>, item: T) {
    if list.len() == list.capacity() {
        list.reserve_exact((list.capacity() / 2).max(16));
    }
    list.push(item);
}

/// The end of a generated `stream()`: the items one by one; an error of the request, the
/// response or the transfer is the last item, an item that does not decode is not.
pub(crate) fn stream<'a, T, C>(call: C) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    T: DeserializeOwned + Send + 'a,
    C: Call<'a, Output = Vec<T>>,
{
    enum State<'a, T, C> {
        Preparing(C),
        Reading(Box<Items<'a, T>>),
        Over,
    }
    let (client, name) = (call.client(), C::OPERATION.name);
    let start = State::Preparing(call);
    futures_util::stream::unfold(start, move |state| async move {
        let mut items = match state {
            State::Over => return None,
            State::Reading(items) => items,
            State::Preparing(call) => {
                let mut request = move || prepare(call.clone());
                match Items::open(client, C::OPERATION, &mut request, 1).await {
                    Ok(items) => Box::new(items),
                    Err(error) => return Some((Err(error), State::Over)),
                }
            }
        };
        match items.next().await {
            Some(Ok(item)) => Some((Ok(item), State::Reading(items))),
            Some(Err(Stop::Error(error))) => Some((Err(error), State::Reading(items))),
            Some(Err(Stop::Transfer(failure))) => {
                Some((Err(failure.into_error(name)), State::Over))
            }
            None => {
                tracing::debug!(operation = name, items = items.array.count(), "list read");
                None
            }
        }
    })
}

/// Why reading items stopped short.
enum Stop {
    /// The SDK's error: of the response (error status, syntax) or of one item.
    Error(Error),
    /// The transfer broke off or stalled.
    Transfer(Failure),
}

/// The items of one response, decoded one at a time from the chunk that holds them.
struct Items<'a, T> {
    client: &'a Client,
    operation: &'static Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    attempt: u32,
    array: ArrayItems<T>,
    /// The chunk being decoded, and where in it the next item starts.
    chunk: Option<Bytes>,
    at: usize,
    /// The bytes of the body received so far.
    fed: usize,
    /// The body's length, where the response gives it (not compressed).
    expected: Option<usize>,
    /// The body so far, when it is to be read whole (not a list, or not a success).
    whole: Option<Vec<u8>>,
    /// Items (or the error) of a body read whole, not yet handed out.
    ready: VecDeque<Result<T, Error>>,
    ended: bool,
}

impl<'a, T: DeserializeOwned> Items<'a, T> {
    async fn open<P>(
        client: &'a Client,
        operation: &'static Operation,
        prepare: &mut P,
        attempt: u32,
    ) -> Result<Self, Error>
    where
        P: FnMut() -> Result<reqwest::Request, Error>,
    {
        let tapped = client.inner().raw_responses.is_some();
        let reading = if tapped {
            Reading::Whole
        } else {
            Reading::Streamed
        };
        let sent = transfer::send(client, operation, prepare, reading, attempt);
        let response = sent.await?;
        let mut body = response.body;
        if tapped && let Body::Whole(Some(bytes)) = &body {
            response::tap(client, response.status, bytes);
        }
        let listed = response.status.is_success() && response.status != StatusCode::NO_CONTENT;
        if !listed {
            // An error response, or no content: its body is small, and read whole.
            let whole = body
                .whole(None)
                .await
                .map_err(|failure| failure.into_error(operation.name))?;
            body = Body::Whole(Some(whole));
        }
        let expected = match response.headers.contains_key(CONTENT_ENCODING) {
            true => None,
            false => response
                .headers
                .get(CONTENT_LENGTH)
                .and_then(|length| length.to_str().ok()?.parse().ok()),
        };
        Ok(Self {
            client,
            operation,
            status: response.status,
            headers: response.headers,
            body,
            attempt: response.attempt,
            array: ArrayItems::new(),
            chunk: None,
            at: 0,
            fed: 0,
            expected,
            whole: (!listed).then(Vec::new),
            ready: VecDeque::new(),
            ended: false,
        })
    }

    /// Every item, into a `Vec` sized from the response's length where it gives one.
    async fn all(&mut self) -> Result<Vec<T>, Stop> {
        let mut list = Vec::new();
        while let Some(item) = self.next().await {
            push(&mut list, item?);
            if list.len() == ESTIMATE_AFTER {
                reserve_estimate(&mut list, self);
            }
        }
        Ok(list)
    }

    /// The whole list, from a body read whole first.
    async fn whole_list(&mut self) -> Result<Vec<T>, Stop> {
        let whole = self
            .body
            .whole(self.expected)
            .await
            .map_err(Stop::Transfer)?;
        let client = self.client;
        let scrub = || client.inner().scrubber();
        response::read::<Vec<T>>(self.operation, self.status, &whole, scrub).map_err(Stop::Error)
    }

    /// How many bytes of the body have been decoded.
    fn consumed(&self) -> usize {
        let left = self.chunk.as_ref().map_or(0, |chunk| chunk.len() - self.at);
        self.fed - left
    }

    /// The next item, or why there is none; `None` at the end of the list.
    async fn next(&mut self) -> Option<Result<T, Stop>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item.map_err(Stop::Error));
            }
            if let Some(chunk) = &self.chunk {
                if let Some(whole) = &mut self.whole {
                    whole.extend_from_slice(&chunk[self.at..]);
                    self.chunk = None;
                    continue;
                }
                match self.array.next(chunk, &mut self.at) {
                    Ok(Step::Item(index, item)) => {
                        return Some(item.map_err(|located| {
                            Stop::Error(item_error(
                                self.client,
                                self.operation,
                                self.status,
                                index,
                                located,
                            ))
                        }));
                    }
                    Ok(Step::NeedMore) => self.chunk = None,
                    Ok(Step::NotArray) => {
                        self.whole = Some(chunk[self.at..].to_vec());
                        self.chunk = None;
                    }
                    Err(syntax) => {
                        self.chunk = None;
                        self.ended = true;
                        return Some(Err(Stop::Error(self.syntax_error(syntax))));
                    }
                }
                continue;
            }
            if self.ended {
                return None;
            }
            match self.body.chunk().await {
                Ok(Some(chunk)) => {
                    self.fed += chunk.len();
                    self.chunk = Some(chunk);
                    self.at = 0;
                }
                Ok(None) => {
                    self.ended = true;
                    self.finish();
                }
                Err(failure) => {
                    self.ended = true;
                    return Some(Err(Stop::Transfer(failure)));
                }
            }
        }
    }

    /// At the end of the body: the end of the list, or the whole body read.
    fn finish(&mut self) {
        let whole = match self.whole.take() {
            Some(whole) => Some(whole),
            None if self.array.is_blank() => Some(Vec::new()),
            None => None,
        };
        if let Some(whole) = whole {
            let client = self.client;
            let scrub = || client.inner().scrubber();
            match response::read::<Vec<T>>(self.operation, self.status, &whole, scrub) {
                Ok(list) => self.ready.extend(list.into_iter().map(Ok)),
                Err(error) => self.ready.push_back(Err(error)),
            }
            return;
        }
        match self.array.end() {
            Ok(None) => {}
            Ok(Some((index, item))) => {
                let item = item.map_err(|located| {
                    item_error(self.client, self.operation, self.status, index, located)
                });
                self.ready.push_back(item);
            }
            Err(syntax) => {
                let error = self.syntax_error(syntax);
                self.ready.push_back(Err(error));
            }
        }
    }

    fn syntax_error(&self, syntax: SyntaxError) -> Error {
        let scrub = self.client.inner().scrubber();
        let detail = format!("after {} items: {}", syntax.items_before, syntax.detail);
        Error::Decode {
            operation: self.operation.name,
            status: self.status.as_u16(),
            field: None,
            detail: scrub.clean(&detail),
        }
    }
}

/// An item that does not decode: its index and field (`[41].CampaignId`), what was wrong.
fn item_error(
    client: &Client,
    operation: &Operation,
    status: StatusCode,
    index: usize,
    located: Located,
) -> Error {
    let scrub = client.inner().scrubber();
    let field = match &located.path {
        Some(path) if path.starts_with('[') => format!("[{index}]{path}"),
        Some(path) => format!("[{index}].{path}"),
        None => format!("[{index}]"),
    };
    Error::Decode {
        operation: operation.name,
        status: status.as_u16(),
        field: Some(scrub.clean(&field)),
        detail: scrub.clean(&located.error.to_string()),
    }
}
