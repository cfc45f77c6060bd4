//! A page of a list: the items that match the filters, from `offset`, at most `limit` and
//! at most [`MAX_ANSWER_BYTES`], with the count of every item that matches. The list is
//! read as a stream: memory holds one page, whatever the list's length.

use futures_util::{Stream, StreamExt};
use serde::Serialize;
use serde_json::{Value, json};

use crate::tool_error::ToolError;

/// The most bytes of JSON a tool answers: about 6,000 tokens, a small part of a model's
/// context. A page stops at the last item that fits; `next_offset` continues it.
pub const MAX_ANSWER_BYTES: usize = 24_000;

/// What a list call asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The most items to answer.
    pub limit: usize,
    /// How many matching items to skip.
    pub offset: u64,
    /// Only items whose `Status` has this value (one of its comma-separated flags), in any case.
    pub status: Option<String>,
    /// Only items with this text in any of their text fields, in any case.
    pub text: Option<String>,
}

impl Page {
    /// Items a page holds when the call does not say.
    pub const DEFAULT_LIMIT: usize = 20;
    /// The most items a page holds.
    pub const MAX_LIMIT: usize = 100;

    /// Whether `item` passes the filters.
    fn matches(&self, item: &Value) -> bool {
        if let Some(status) = &self.status {
            let found = match &item["Status"] {
                Value::String(flags) => flags
                    .split(',')
                    .any(|flag| flag.trim().eq_ignore_ascii_case(status.trim())),
                Value::Number(number) => number.to_string() == status.trim(),
                _ => false,
            };
            if !found {
                return false;
            }
        }
        match &self.text {
            Some(text) => contains_text(item, &text.to_lowercase()),
            None => true,
        }
    }
}

fn contains_text(value: &Value, needle: &str) -> bool {
    match value {
        Value::String(text) => text.to_lowercase().contains(needle),
        Value::Array(items) => items.iter().any(|item| contains_text(item, needle)),
        Value::Object(fields) => fields.values().any(|field| contains_text(field, needle)),
        _ => false,
    }
}

/// Reads `items` to the end and answers the page `page` asks for:
/// `{"total", "offset", "count", "items", "next_offset"}`, and `"unreadable"` (items that did
/// not decode, skipped) and `"omitted"` (items too big for an answer on their own) when
/// there are any.
pub(crate) async fn read<T: Serialize>(
    items: impl Stream<Item = Result<T, salesflow::Error>>,
    page: Page,
) -> Result<Value, ToolError> {
    // What the envelope around the items may take.
    const ENVELOPE: usize = 400;
    let mut items = std::pin::pin!(items);
    let (mut total, mut unreadable) = (0u64, 0u64);
    let mut answer = Vec::new();
    let mut omitted = Vec::new();
    let mut bytes = ENVELOPE;
    let mut full = false;
    let mut next_offset = None;
    while let Some(item) = items.next().await {
        let item = match item {
            Ok(item) => serde_json::to_value(item)
                .map_err(|error| ToolError::new(format!("cannot write an item: {error}")))?,
            // An item that does not decode is skipped and counted; any other error ends it.
            Err(salesflow::Error::Decode { .. }) => {
                unreadable += 1;
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        if !page.matches(&item) {
            continue;
        }
        let index = total;
        total += 1;
        if index < page.offset || full {
            continue;
        }
        let size = item.to_string().len() + 1;
        if size + ENVELOPE > MAX_ANSWER_BYTES {
            omitted.push(json!({"offset": index, "bytes": size}));
            continue;
        }
        if answer.len() == page.limit || bytes + size > MAX_ANSWER_BYTES {
            full = true;
            next_offset = Some(index);
            continue;
        }
        bytes += size;
        answer.push(item);
    }
    let mut out = json!({
        "total": total,
        "offset": page.offset,
        "count": answer.len(),
        "items": answer,
        "next_offset": next_offset,
    });
    if unreadable > 0 {
        out["unreadable"] = json!(unreadable);
    }
    if !omitted.is_empty() {
        out["omitted"] = json!(omitted);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(limit: usize, offset: u64) -> Page {
        Page {
            limit,
            offset,
            status: None,
            text: None,
        }
    }

    fn members(n: usize) -> Vec<Result<Value, salesflow::Error>> {
        (0..n)
            .map(|i| {
                let status = if i % 2 == 0 {
                    "MEMBER_CONNECTED"
                } else {
                    "MEMBER_PENDING, MEMBER_ERROR"
                };
                Ok(json!({"MemberId": i, "FirstName": format!("Ann{i}"), "Status": status}))
            })
            .collect()
    }

    async fn answer(items: Vec<Result<Value, salesflow::Error>>, page: Page) -> Value {
        read(futures_util::stream::iter(items), page).await.unwrap()
    }

    #[tokio::test]
    async fn a_page_counts_every_item_and_answers_its_slice() {
        let out = answer(members(50), page(10, 20)).await;
        assert_eq!(out["total"], 50);
        assert_eq!(out["count"], 10);
        assert_eq!(out["items"][0]["MemberId"], 20);
        assert_eq!(out["next_offset"], 30);
        let last = answer(members(50), page(10, 45)).await;
        assert_eq!(last["count"], 5);
        assert_eq!(last["next_offset"], Value::Null);
    }

    #[tokio::test]
    async fn filters_apply_before_counting() {
        let mut filtered = page(100, 0);
        filtered.status = Some("member_error".into());
        filtered.text = Some("ANN1".into());
        let out = answer(members(30), filtered).await;
        // Odd members with "Ann1" in the name: 1, 11, 13, 15, 17, 19.
        assert_eq!(out["total"], 6, "{out}");
    }

    #[tokio::test]
    async fn no_answer_is_larger_than_the_bound() {
        let big: Vec<_> = (0..100)
            .map(|i| Ok(json!({"MemberId": i, "Occupation": "x".repeat(1_000)})))
            .collect();
        let out = answer(big, page(100, 0)).await;
        assert!(out.to_string().len() <= MAX_ANSWER_BYTES);
        let count = out["count"].as_u64().unwrap();
        assert!(count > 10 && count < 100, "{count}");
        assert_eq!(out["next_offset"], count);
        let huge = vec![Ok(
            json!({"MemberId": 1, "Occupation": "x".repeat(MAX_ANSWER_BYTES)}),
        )];
        let out = answer(huge, page(10, 0)).await;
        assert_eq!(out["count"], 0);
        assert_eq!(out["omitted"][0]["offset"], 0);
    }

    #[tokio::test]
    async fn an_item_that_does_not_decode_is_counted_not_fatal() {
        let mut items = members(3);
        items.insert(
            1,
            Err(salesflow::Error::Decode {
                operation: "listContactsByCampaign",
                status: 200,
                field: Some("[1].MemberId".into()),
                detail: "missing".into(),
            }),
        );
        let out = answer(items, page(10, 0)).await;
        assert_eq!(out["total"], 3);
        assert_eq!(out["unreadable"], 1);
    }
}
