//! `listContactsByPublicIdentifiers` for a list of any length: batches of the size the spec
//! advises (`x-batch-size`, 20), sent one after the other, responses joined in order.

use crate::pipeline::operation_table;
use crate::types::{Contact, ContactsQuery};
use crate::{Client, Error, Timestamp};

/// The spec's operationId of the call that is batched.
const OPERATION: &str = "listContactsByPublicIdentifiers";

/// Looks up contacts by any number of LinkedIn public identifiers, at most 20 a request.
///
/// The docs most likely limit one request to 20 identifiers (see the operation in the
/// spec); this builder splits a longer list, sends the batches in order (the call reads
/// and changes nothing, so the client's retries apply to each batch), and returns the
/// contacts of all of them in that order. Every identifier is checked before the first
/// request is sent.
///
/// ```
/// # async fn run(client: salesflow::Client) -> Result<(), salesflow::Error> {
/// let identifiers: Vec<String> = (0..45).map(|n| format!("identity{n}")).collect();
/// let contacts = client
///     .list_contacts_by_public_identifiers_batched()
///     .account_id(321)
///     .public_identifiers(identifiers)
///     .send()
///     .await?; // three requests: 20, 20 and 5 identifiers
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `send` is called"]
pub struct ContactsByPublicIdentifiers<'a> {
    client: &'a Client,
    account_id: Option<i64>,
    identifiers: Vec<String>,
    updated_from_date: Option<Timestamp>,
}

impl<'a> ContactsByPublicIdentifiers<'a> {
    /// The account the contacts belong to (required).
    pub fn account_id(mut self, account_id: i64) -> Self {
        self.account_id = Some(account_id);
        self
    }

    /// The identifiers to look up (required, not empty, none blank), in the order wanted.
    pub fn public_identifiers<I, S>(mut self, identifiers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.identifiers = identifiers.into_iter().map(Into::into).collect();
        self
    }

    /// Only contacts updated after this date or time.
    pub fn updated_from_date(mut self, since: impl Into<Timestamp>) -> Self {
        self.updated_from_date = Some(since.into());
        self
    }

    /// Sends one request a batch, in order, and joins the contacts they return.
    pub async fn send(self) -> Result<Vec<Contact>, Error> {
        let client = self.client;
        let Some(account_id) = self.account_id else {
            return Err(Error::InvalidRequest {
                operation: OPERATION,
                field: "accountId".to_owned(),
                rule: "is required; set it on the builder".to_owned(),
            });
        };
        let whole = ContactsQuery {
            public_identifiers: self.identifiers,
            updated_from_date: self.updated_from_date,
        };
        // The rules of the whole list first, so a bad identifier in the last batch stops
        // the first one too, and the error gives its place in the whole list.
        let whole_call = client.list_contacts_by_public_identifiers();
        let whole_call = whole_call.account_id(account_id).body(whole.clone());
        whole_call.check()?;
        let size = operation_table::named(OPERATION)
            .batch_size
            .unwrap_or(usize::MAX)
            .max(1);
        if whole.public_identifiers.len() <= size {
            return Ok(send_one(client, account_id, whole).await?.into_inner());
        }
        let mut contacts = Vec::new();
        for batch in whole.public_identifiers.chunks(size) {
            let query = ContactsQuery {
                public_identifiers: batch.to_vec(),
                updated_from_date: whole.updated_from_date,
            };
            contacts.extend(send_one(client, account_id, query).await?.into_inner());
        }
        Ok(contacts)
    }
}

async fn send_one(
    client: &Client,
    account_id: i64,
    query: ContactsQuery,
) -> Result<progenitor_client::ResponseValue<Vec<Contact>>, Error> {
    client
        .list_contacts_by_public_identifiers()
        .account_id(account_id)
        .body(query)
        .send()
        .await
}

impl Client {
    /// Contacts by any number of LinkedIn public identifiers, in batches of 20: see
    /// [`ContactsByPublicIdentifiers`]. [`Client::list_contacts_by_public_identifiers`] is
    /// the single request.
    pub fn list_contacts_by_public_identifiers_batched(&self) -> ContactsByPublicIdentifiers<'_> {
        ContactsByPublicIdentifiers {
            client: self,
            account_id: None,
            identifiers: Vec::new(),
            updated_from_date: None,
        }
    }
}
