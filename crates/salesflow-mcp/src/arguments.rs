//! The arguments of a tool call: each taken by the code that uses it, typed, checked; what
//! is left over is refused, so nothing a model gave is silently dropped.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::operation_tool::ListItems;
use crate::page::Page;
use crate::tool_error::ToolError;

/// A field of an operation's body, given as an argument of its tool.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyField {
    /// Its argument (`name`).
    pub argument: &'static str,
    /// Its key in the body (`Name`).
    pub key: &'static str,
    /// Whether the body must have it.
    pub required: bool,
    /// For a list, the most items it may hold (the spec's `x-batch-size`).
    pub max_items: Option<usize>,
}

/// The arguments of one call.
#[derive(Debug)]
pub(crate) struct Arguments {
    left: Map<String, Value>,
    given: Map<String, Value>,
    /// The account the server was started with (`--account-id`), for `accountId`.
    default_account: Option<i64>,
}

/// The argument every account-scoped tool takes, which the server may default.
pub(crate) const ACCOUNT_ID: &str = "accountId";

impl Arguments {
    pub(crate) fn new(arguments: Option<Map<String, Value>>, default_account: Option<i64>) -> Self {
        let given = arguments.unwrap_or_default();
        Self {
            left: given.clone(),
            given,
            default_account,
        }
    }

    /// The arguments as the call gave them.
    pub(crate) fn given(&self) -> &Map<String, Value> {
        &self.given
    }

    fn take(&mut self, name: &str) -> Option<Value> {
        match self.left.remove(name) {
            Some(Value::Null) | None if name == ACCOUNT_ID => self.default_account.map(Value::from),
            Some(Value::Null) | None => None,
            Some(value) => Some(value),
        }
    }

    /// Argument `name`, which the call must give.
    pub(crate) fn required<T: DeserializeOwned>(&mut self, name: &str) -> Result<T, ToolError> {
        match self.optional(name)? {
            Some(value) => Ok(value),
            None if name == ACCOUNT_ID => Err(ToolError::argument(
                name,
                "is required (the server has no default account: give one from `list_accounts`)",
            )),
            None => Err(ToolError::argument(name, "is required")),
        }
    }

    /// Argument `name`, if given (`null` is not given).
    pub(crate) fn optional<T: DeserializeOwned>(
        &mut self,
        name: &str,
    ) -> Result<Option<T>, ToolError> {
        self.take(name).map(|value| typed(name, value)).transpose()
    }

    /// The body made of `fields`, if any of them is given.
    pub(crate) fn body<T: DeserializeOwned>(
        &mut self,
        fields: &[BodyField],
    ) -> Result<Option<T>, ToolError> {
        let mut body = Map::new();
        for field in fields {
            match self.take(field.argument) {
                Some(value) => {
                    let items = value.as_array().map_or(0, Vec::len);
                    if let Some(max) = field.max_items.filter(|max| items > *max) {
                        return Err(ToolError::argument(
                            field.argument,
                            format!(
                                "has {items} items; give at most {max} a call, and call again for the rest"
                            ),
                        ));
                    }
                    body.insert(field.key.to_owned(), value);
                }
                None if field.required => {
                    return Err(ToolError::argument(field.argument, "is required"));
                }
                None => {}
            }
        }
        if body.is_empty() {
            return Ok(None);
        }
        serde_json::from_value(Value::Object(body))
            .map(Some)
            .map_err(|error| ToolError::new(format!("the arguments do not make a body: {error}")))
    }

    /// `dry_run`: check the call and send nothing.
    pub(crate) fn dry_run(&mut self) -> Result<bool, ToolError> {
        Ok(self.optional::<bool>(DRY_RUN)?.unwrap_or(false))
    }

    /// The page of a list asked for: `limit`, `offset` and the filters its items allow.
    pub(crate) fn page(&mut self, items: ListItems) -> Result<Page, ToolError> {
        let limit = self
            .optional::<u64>("limit")?
            .unwrap_or(Page::DEFAULT_LIMIT as u64);
        if limit == 0 || limit > Page::MAX_LIMIT as u64 {
            return Err(ToolError::argument(
                "limit",
                format!("is {limit}; give 1 to {}", Page::MAX_LIMIT),
            ));
        }
        let offset = self.optional::<u64>("offset")?.unwrap_or(0);
        let status = if items.status {
            self.optional::<String>("status")?
        } else {
            None
        };
        let text = self.optional::<String>("text")?;
        Ok(Page {
            limit: limit as usize,
            offset,
            status,
            text,
        })
    }

    /// Refuses arguments no code took.
    pub(crate) fn finish(&self) -> Result<(), ToolError> {
        let mut left: Vec<&str> = self.left.keys().map(String::as_str).collect();
        if left.is_empty() {
            return Ok(());
        }
        left.sort_unstable();
        Err(ToolError::new(format!(
            "unknown argument{} `{}`: this tool does not take {}; see its input schema; nothing was sent",
            if left.len() == 1 { "" } else { "s" },
            left.join("`, `"),
            if left.len() == 1 { "it" } else { "them" },
        )))
    }
}

/// The argument of every write tool that checks the call without sending it.
pub(crate) const DRY_RUN: &str = "dry_run";

fn typed<T: DeserializeOwned>(name: &str, value: Value) -> Result<T, ToolError> {
    serde_json::from_value(value).map_err(|error| ToolError::argument(name, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn arguments(value: Value, default_account: Option<i64>) -> Arguments {
        Arguments::new(value.as_object().cloned(), default_account)
    }

    #[test]
    fn the_account_falls_back_to_the_default() {
        let mut args = arguments(json!({}), Some(321));
        assert_eq!(args.required::<i64>(ACCOUNT_ID).unwrap(), 321);
        let mut args = arguments(json!({"accountId": 5}), Some(321));
        assert_eq!(args.required::<i64>(ACCOUNT_ID).unwrap(), 5);
        let mut args = arguments(json!({}), None);
        let error = args.required::<i64>(ACCOUNT_ID).unwrap_err();
        assert!(error.message().contains("list_accounts"), "{error}");
    }

    #[test]
    fn a_wrong_type_names_the_argument() {
        let mut args = arguments(json!({"campaignId": "abc"}), None);
        let error = args.required::<i64>("campaignId").unwrap_err();
        assert!(
            error
                .message()
                .starts_with("argument `campaignId`: invalid type"),
            "{error}"
        );
    }

    #[test]
    fn arguments_nobody_took_are_refused() {
        let mut args = arguments(json!({"campaignId": 1, "campaing": 2}), None);
        args.required::<i64>("campaignId").unwrap();
        let error = args.finish().unwrap_err();
        assert!(
            error.message().contains("unknown argument `campaing`"),
            "{error}"
        );
    }

    #[test]
    fn a_limit_out_of_bounds_is_refused() {
        let items = ListItems { status: true };
        let mut args = arguments(json!({"limit": 0}), None);
        assert!(args.page(items).is_err());
        let mut args = arguments(json!({"limit": 101}), None);
        assert!(args.page(items).is_err());
        let mut args = arguments(json!({}), None);
        assert_eq!(args.page(items).unwrap().limit, Page::DEFAULT_LIMIT);
    }
}
