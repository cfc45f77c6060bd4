//! The hook progenitor calls on every request it builds: rules, length, token (the host is
//! in the URL already, see `hosts.rs`).
//! Sending it is `transfer.rs`'s.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use super::{answer, operation, token, validation};
use crate::{Client, Settings};

impl ClientHooks<Settings> for Client {
    /// Checks the spec's rules, then adds the token (last, so nothing before it can see
    /// the token), then checks the query string's length.
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        let operation = operation::find(info.operation_id);
        validation::check(operation, request)
            .map_err(|violation| Error::Custom(answer::encode_violation(&violation)))?;
        with_length(request);
        token::authenticate(request, self.inner().token());
        // Last: the token counts towards what IIS takes.
        validation::check_query_length(operation, request)
            .map_err(|violation| Error::Custom(answer::encode_violation(&violation)))?;
        Ok(())
    }
}

/// A POST (or PUT, PATCH) without a body gets an empty one and `Content-Length: 0`: IIS
/// (http.sys) answers a POST with neither a body nor a length `411 Length Required`.
fn with_length(request: &mut reqwest::Request) {
    let method = request.method();
    let needs_length = method == reqwest::Method::POST
        || method == reqwest::Method::PUT
        || method == reqwest::Method::PATCH;
    if needs_length && request.body().is_none() {
        *request.body_mut() = Some(reqwest::Body::from(Vec::new()));
        request.headers_mut().insert(
            reqwest::header::CONTENT_LENGTH,
            reqwest::header::HeaderValue::from_static("0"),
        );
    }
}
