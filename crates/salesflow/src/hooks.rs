//! The hooks progenitor calls around every request: route to the right host, add the token.

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};

use crate::{ApiToken, Client, auth, hosts};

impl ClientHooks<ApiToken> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        hosts::route(request, self.baseurl(), info.operation_id);
        auth::authenticate(request, self.inner());
        Ok(())
    }
}
