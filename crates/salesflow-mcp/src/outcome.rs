//! What a tool call answers when it succeeds: a JSON value, one text for the model.

use futures_util::Stream;
use serde::Serialize;
use serde_json::{Value, json};

use crate::arguments::{Arguments, DRY_RUN};
use crate::page::{self, Page};
use crate::tool_error::ToolError;

/// The answer of a tool call that succeeded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome(pub Value);

impl Outcome {
    /// The body of a call's response.
    pub(crate) fn sent<T: Serialize>(
        result: Result<salesflow::ResponseValue<T>, salesflow::Error>,
    ) -> Result<Self, ToolError> {
        let value = result?.into_inner();
        serde_json::to_value(value)
            .map(Self)
            .map_err(|error| ToolError::new(format!("cannot write the answer: {error}")))
    }

    /// A write checked with `dry_run`: the call as it would be sent, nothing sent.
    pub(crate) fn checked(
        result: Result<(), salesflow::Error>,
        arguments: &Arguments,
    ) -> Result<Self, ToolError> {
        result?;
        let mut call = arguments.given().clone();
        call.remove(DRY_RUN);
        Ok(Self(json!({
            "dry_run": true,
            "sent": false,
            "checked": "the call passes every rule the API documents; call again without dry_run to send it",
            "arguments": call,
        })))
    }

    /// A page of a list, read as a stream (see [`page::read`]).
    pub(crate) async fn page<T: Serialize>(
        items: impl Stream<Item = Result<T, salesflow::Error>>,
        page: Page,
    ) -> Result<Self, ToolError> {
        page::read(items, page).await.map(Self)
    }
}
