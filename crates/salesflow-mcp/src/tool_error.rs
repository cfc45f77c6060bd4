//! Why a tool call failed, in one line a model can act on.

use std::fmt;

/// A failed tool call: answered to the client as a tool error (`isError: true`) whose text
/// is one line that says what is wrong and what to do. It never holds the token: the SDK's
/// errors never do, and the server redacts every text it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError(String);

impl ToolError {
    /// An error with this text (made one line).
    pub(crate) fn new(text: impl Into<String>) -> Self {
        let text: String = text.into();
        Self(text.split_whitespace().collect::<Vec<_>>().join(" "))
    }

    /// An argument that is missing, of the wrong type, or breaks a rule.
    pub(crate) fn argument(name: &str, problem: impl fmt::Display) -> Self {
        Self::new(format!("argument `{name}`: {problem}; nothing was sent"))
    }

    /// A tool this server does not offer.
    pub(crate) fn unknown_tool(name: &str) -> Self {
        Self::new(format!(
            "there is no tool `{name}` here; list the tools (tools/list) and call one of them"
        ))
    }

    /// An error of the SDK, named by its tool (`update_contact`) rather than by its
    /// operationId.
    pub(crate) fn api(error: &salesflow::Error) -> Self {
        let tool = tool_name(error.operation());
        let text = error.to_string();
        let text = text
            .strip_prefix(error.operation())
            .and_then(|rest| rest.strip_prefix(": "))
            .unwrap_or(&text);
        let hint = match error {
            salesflow::Error::NotFound { .. } => " (check the ids: the list tools give them)",
            salesflow::Error::Api {
                status: 401 | 403, ..
            } => " (the server's token cannot do this: ask the user to check it and the account)",
            salesflow::Error::Api { status: 429, .. } => {
                " (Salesflow's rate limit: wait a minute before calling again)"
            }
            _ => "",
        };
        Self::new(format!("{tool}: {text}{hint}"))
    }

    /// The text, one line.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl From<salesflow::Error> for ToolError {
    fn from(error: salesflow::Error) -> Self {
        Self::api(&error)
    }
}

/// The tool of an operation: its operationId in snake_case (`listCampaigns` →
/// `list_campaigns`), as `cargo xtask gen` names them.
pub(crate) fn tool_name(operation: &str) -> String {
    let mut name = String::new();
    for c in operation.chars() {
        if c.is_ascii_uppercase() {
            name.push('_');
        }
        name.push(c.to_ascii_lowercase());
    }
    name
}

impl fmt::Display for ToolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ToolError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line() {
        let error = ToolError::new("first\nsecond   third");
        assert_eq!(error.message(), "first second third");
    }

    #[test]
    fn an_sdk_error_is_named_by_its_tool() {
        let error = salesflow::Error::InvalidRequest {
            operation: "updateContact",
            field: "firstName".into(),
            rule: "is longer than 63 UTF-16 units".into(),
        };
        let text = ToolError::api(&error).to_string();
        assert!(
            text.starts_with("update_contact: firstName is longer"),
            "{text}"
        );
    }
}
