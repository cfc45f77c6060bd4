//! What an error response's body says, whatever its form: `{Status, Message}` in any key
//! case, ProblemDetails, ASP.NET Web API's `{Message, ModelState}`, a JSON string, or else
//! a short excerpt of its text; every text without the token.

use serde_json::Value;

use super::error::one_line;
use super::scrub::Scrubber;
use crate::FieldError;

/// What an error response's body says, whatever its form.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct ErrorBody {
    pub api_status: Option<i32>,
    pub message: Option<String>,
    pub field_errors: Vec<FieldError>,
    pub excerpt: Option<String>,
}

impl ErrorBody {
    /// Reads `{Status, Message}` (any key case), ProblemDetails, ASP.NET Web API's
    /// `{Message, ModelState}`, a JSON string, or else keeps a short excerpt of the text.
    pub(crate) fn read(body: &[u8], scrub: &Scrubber) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::String(text)) => Self {
                message: Some(one_line(&scrub.clean(&text))).filter(|t| !t.is_empty()),
                ..Self::default()
            },
            Ok(value @ Value::Object(_)) => Self::from_json(&value, scrub),
            _ => Self {
                excerpt: Some(excerpt(&String::from_utf8_lossy(body), scrub))
                    .filter(|text| !text.is_empty()),
                ..Self::default()
            },
        }
    }

    pub(crate) fn from_json(body: &Value, scrub: &Scrubber) -> Self {
        let api_status = field(body, &["Status"])
            .and_then(Value::as_i64)
            .and_then(|code| i32::try_from(code).ok());
        let text = |names: &[&str]| {
            field(body, names)
                .and_then(Value::as_str)
                .map(|text| one_line(&scrub.clean(text)))
                .filter(|text| !text.is_empty())
        };
        let message = match (text(&["Message", "title", "error"]), text(&["detail"])) {
            (Some(title), Some(detail)) if title != detail => Some(format!("{title} ({detail})")),
            (title, detail) => title.or(detail),
        };
        let mut field_errors = Vec::new();
        if let Some(Value::Object(errors)) = field(body, &["errors", "ModelState"]) {
            for (name, messages) in errors {
                let name = scrub.clean(name.strip_prefix("$.").unwrap_or(name));
                let messages: Vec<&str> = match messages {
                    Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
                    Value::String(text) => vec![text.as_str()],
                    _ => Vec::new(),
                };
                for message in messages {
                    field_errors.push(FieldError {
                        field: name.clone(),
                        message: one_line(&scrub.clean(message)),
                    });
                }
            }
        }
        let excerpt = (api_status.is_none() && message.is_none() && field_errors.is_empty())
            .then(|| excerpt(&body.to_string(), scrub));
        Self {
            api_status,
            message,
            field_errors,
            excerpt,
        }
    }
}

/// The value of the first key of `names` that `body` has, in any case.
pub(crate) fn field<'a>(body: &'a Value, names: &[&str]) -> Option<&'a Value> {
    let object = body.as_object()?;
    names.iter().find_map(|name| {
        object
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    })
}

/// The start of a body as one short line of text: the token removed first (a `<` or `>` in
/// it must not be taken for a tag), then tags dropped, white space folded, the rest cut.
fn excerpt(body: &str, scrub: &Scrubber) -> String {
    const MAX_CHARS: usize = 160;
    let body = scrub.clean(body);
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if in_tag => {}
            _ => text.push(c),
        }
    }
    let folded = one_line(&text);
    let mut short: String = folded.chars().take(MAX_CHARS).collect();
    if short.len() < folded.len() {
        short.push('…');
    }
    short
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_drop_tags_fold_space_and_the_token() {
        let scrub = Scrubber::new("s3cr/t");
        let html =
            "<html><body>\n<h1>Error</h1><p>GET /api?token=s3cr%2Ft failed</p></body></html>";
        assert_eq!(excerpt(html, &scrub), "Error GET /api?token=*** failed");
        let long = "x".repeat(500);
        assert_eq!(excerpt(&long, &scrub).chars().count(), 161);
    }

    #[test]
    fn error_bodies_in_every_form() {
        let scrub = Scrubber::new("tok3n");
        let read = |body: &str| ErrorBody::read(body.as_bytes(), &scrub);
        let documented = read(r#"{"status": 409, "message": "Campaign is already running"}"#);
        assert_eq!(documented.api_status, Some(409));
        assert_eq!(
            documented.message.as_deref(),
            Some("Campaign is already running")
        );
        let problem = read(
            r#"{"type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
                "title": "One or more validation errors occurred.", "status": 400,
                "errors": {"FirstName": ["The field FirstName must be a string with a maximum length of 63."],
                           "$.Email": ["Bad."]}}"#,
        );
        assert_eq!(problem.api_status, Some(400));
        assert_eq!(
            problem.message.as_deref(),
            Some("One or more validation errors occurred.")
        );
        assert_eq!(problem.field_errors.len(), 2);
        assert_eq!(problem.field_errors[0].field, "Email");
        assert_eq!(problem.field_errors[1].field, "FirstName");
        let web_api = read(
            r#"{"Message": "The request is invalid.", "ModelState": {"model.Name": ["Required."]}}"#,
        );
        assert_eq!(web_api.field_errors[0].field, "model.Name");
        assert_eq!(
            read(r#""Invalid token tok3n""#).message.as_deref(),
            Some("Invalid token ***")
        );
        assert_eq!(read("").excerpt, None);
        assert_eq!(
            read("<h1>Bad Gateway</h1>").excerpt.as_deref(),
            Some("Bad Gateway")
        );
        let unknown = read(r#"{"code": "E42"}"#);
        assert_eq!(unknown.excerpt.as_deref(), Some(r#"{"code":"E42"}"#));
    }
}
