//! Answers that are JSON arrays, decoded item by item as their bytes arrive: `send()`
//! collects the items into a `Vec` (no copy of the whole body is ever made), `stream()`
//! hands them out one by one at memory that does not grow with the list.
//!
//! What is not a list (an error status, a 204, `null`, an object) is read whole by
//! [`answer::read`], so both decode exactly what `send()` of any operation decodes. With
//! [`ClientBuilder::on_raw_answer`](crate::ClientBuilder::on_raw_answer) set, the body is
//! read whole first, since the tap is handed whole bodies.

use std::collections::VecDeque;
use std::future::Future;

use futures_core::Stream;
use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::answer;
use super::operation::{self, Operation};
use super::retry::Attempted;
use super::scrub::Scrubber;
use super::transfer::{self, Body, Failure, Reading};
use crate::wire::json_array::{ArrayItems, Progress};
use crate::wire::lenient_json::Located;
use crate::{Client, Error};

/// The end of a generated list `send()`: every item, or the first error. A transfer that
/// breaks off is retried from the start where the operation is safe to repeat.
pub(crate) async fn collect<T, E>(
    client: &Client,
    name: &'static str,
    prepared: Result<reqwest::Request, progenitor_client::Error<E>>,
) -> Result<ResponseValue<Vec<T>>, Error>
where
    T: DeserializeOwned,
{
    let operation = operation::named(name);
    let mut request = prepared.map_err(|error| answer::not_sent(client, name, error))?;
    let mut attempt = 1;
    loop {
        let mut items = Items::<T>::open(client, operation, request, attempt).await?;
        let mut list = Vec::new();
        let broke_off = loop {
            match items.next().await {
                Some(Ok(item)) => push(&mut list, item),
                Some(Err(Stop::Error(error))) => return Err(error),
                Some(Err(Stop::Transfer(failure))) => break failure,
                None => return Ok(ResponseValue::new(list, items.status, items.headers)),
            }
        };
        drop(list);
        let policy = client.inner().retry();
        let retry = policy.delay(
            items.attempt - 1,
            operation.idempotent,
            &Attempted::Failed(broke_off.kind()),
        );
        match (items.again.take(), retry) {
            (Some(again), Some(delay)) => {
                tracing::debug!(
                    operation = name,
                    attempt = items.attempt,
                    items = items.array.count(),
                    "the answer broke off; retrying"
                );
                tokio::time::sleep(delay).await;
                request = again;
                attempt = items.attempt + 1;
            }
            _ => return Err(broke_off.into_error(name)),
        }
    }
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
/// answer or the transfer is the last item, an item that does not decode is not.
pub(crate) fn stream<'a, T, E>(
    client: &'a Client,
    name: &'static str,
    prepared: impl Future<Output = Result<reqwest::Request, progenitor_client::Error<E>>> + Send + 'a,
) -> impl Stream<Item = Result<T, Error>> + Send + 'a
where
    T: DeserializeOwned + Send + 'a,
    E: Send + 'a,
{
    enum State<'a, T, F> {
        Preparing(F),
        Reading(Box<Items<'a, T>>),
        Over,
    }
    let start = State::Preparing(prepared);
    futures_util::stream::unfold(start, move |state| async move {
        let mut items = match state {
            State::Over => return None,
            State::Reading(items) => items,
            State::Preparing(prepared) => {
                let operation = operation::named(name);
                let opened = match prepared.await {
                    Ok(request) => Items::open(client, operation, request, 1).await,
                    Err(error) => Err(answer::not_sent(client, name, error)),
                };
                match opened {
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
    /// The SDK's error: of the answer (error status, syntax) or of one item.
    Error(Error),
    /// The transfer broke off or stalled.
    Transfer(Failure),
}

/// The items of one answer, as its body arrives.
struct Items<'a, T> {
    client: &'a Client,
    operation: &'static Operation,
    status: StatusCode,
    headers: HeaderMap,
    body: Body,
    attempt: u32,
    again: Option<reqwest::Request>,
    array: ArrayItems<T>,
    /// The body so far, when it is to be read whole (not a list, or not a success).
    whole: Option<Vec<u8>>,
    /// Items decoded and not yet handed out (at most a chunk's worth).
    ready: VecDeque<Result<T, Error>>,
    ended: bool,
}

impl<'a, T: DeserializeOwned> Items<'a, T> {
    async fn open(
        client: &'a Client,
        operation: &'static Operation,
        request: reqwest::Request,
        attempt: u32,
    ) -> Result<Self, Error> {
        let tapped = client.inner().raw_answers.is_some();
        let reading = if tapped {
            Reading::Whole
        } else {
            Reading::Streamed
        };
        let answer = transfer::send(client, operation, request, reading, attempt).await?;
        let mut body = answer.body;
        if tapped && let Body::Whole(Some(bytes)) = &body {
            answer::tap(client, answer.status, bytes);
        }
        let listed = answer.status.is_success() && answer.status != StatusCode::NO_CONTENT;
        if !listed {
            // An error answer, or no content: its body is small, and read whole.
            let mut whole = Vec::new();
            loop {
                match body.chunk().await {
                    Ok(Some(chunk)) => whole.extend_from_slice(&chunk),
                    Ok(None) => break,
                    Err(failure) => return Err(failure.into_error(operation.name)),
                }
            }
            body = Body::Whole(Some(whole.into()));
        }
        Ok(Self {
            client,
            operation,
            status: answer.status,
            headers: answer.headers,
            body,
            attempt: answer.attempt,
            again: answer.again,
            array: ArrayItems::new(),
            whole: (!listed).then(Vec::new),
            ready: VecDeque::new(),
            ended: false,
        })
    }

    /// The next item, or why there is none; `None` at the end of the list.
    async fn next(&mut self) -> Option<Result<T, Stop>> {
        loop {
            if let Some(item) = self.ready.pop_front() {
                return Some(item.map_err(Stop::Error));
            }
            if self.ended {
                return None;
            }
            match self.body.chunk().await {
                Ok(Some(chunk)) => self.take(&chunk),
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

    /// Decodes the items `chunk` completes.
    fn take(&mut self, chunk: &[u8]) {
        if let Some(whole) = &mut self.whole {
            whole.extend_from_slice(chunk);
            return;
        }
        let Self {
            client,
            operation,
            status,
            ready,
            array,
            ..
        } = self;
        let mut emit = |index, item: Result<T, Located>| {
            ready.push_back(
                item.map_err(|located| item_error(client, operation, *status, index, located)),
            );
        };
        match array.feed(chunk, &mut emit) {
            Ok(Progress::Reading) => {}
            Ok(Progress::NotArray { at }) => self.whole = Some(chunk[at..].to_vec()),
            Err(syntax) => {
                let error = self.decode_error(
                    None,
                    format!("after {} items: {}", syntax.items_before, syntax.detail),
                );
                self.ready.push_back(Err(error));
                self.ended = true;
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
            let scrub = || Scrubber::new(client.inner().token().expose());
            match answer::read::<Vec<T>>(self.operation, self.status, &whole, scrub) {
                Ok(list) => self.ready.extend(list.into_iter().map(Ok)),
                Err(error) => self.ready.push_back(Err(error)),
            }
            return;
        }
        let Self {
            client,
            operation,
            status,
            ready,
            array,
            ..
        } = self;
        let mut emit = |index, item: Result<T, Located>| {
            ready.push_back(
                item.map_err(|located| item_error(client, operation, *status, index, located)),
            );
        };
        if let Err(syntax) = array.end(&mut emit) {
            let error = self.decode_error(
                None,
                format!("after {} items: {}", syntax.items_before, syntax.detail),
            );
            self.ready.push_back(Err(error));
        }
    }

    fn decode_error(&self, field: Option<String>, detail: String) -> Error {
        let scrub = Scrubber::new(self.client.inner().token().expose());
        Error::Decode {
            operation: self.operation.name,
            status: self.status,
            field: field.map(|field| scrub.clean(&field)),
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
    let scrub = Scrubber::new(client.inner().token().expose());
    let field = match &located.path {
        Some(path) if path.starts_with('[') => format!("[{index}]{path}"),
        Some(path) => format!("[{index}].{path}"),
        None => format!("[{index}]"),
    };
    Error::Decode {
        operation: operation.name,
        status,
        field: Some(scrub.clean(&field)),
        detail: scrub.clean(&located.error.to_string()),
    }
}
