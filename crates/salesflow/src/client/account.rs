//! An account-scoped handle: set the account id once, call every operation without it.

use crate::Client;

/// The operations of one LinkedIn account. Each method returns the operation's builder with
/// `account_id` already set (the methods are generated from the spec, in
/// `generated_operations.rs`).
///
/// ```
/// # async fn run() -> Result<(), salesflow::Error> {
/// let client = salesflow::Client::with_token("abcdefghijklmnop123");
/// let account = client.account(321);
/// let campaigns = account.list_campaigns().send().await?;
/// let webhooks = account.list_webhooks().send().await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct AccountScope<'a> {
    pub(crate) client: &'a Client,
    pub(crate) account_id: i64,
}

impl<'a> AccountScope<'a> {
    /// The account this handle acts for.
    pub fn account_id(&self) -> i64 {
        self.account_id
    }

    /// The client underneath, for operations without an account (`listAccounts`).
    pub fn client(&self) -> &'a Client {
        self.client
    }
}

impl Client {
    /// The operations of account `account_id`.
    ///
    /// ```
    /// let client = salesflow::Client::with_token("abcdefghijklmnop123");
    /// assert_eq!(client.account(321).account_id(), 321);
    /// ```
    pub fn account(&self, account_id: i64) -> AccountScope<'_> {
        AccountScope {
            client: self,
            account_id,
        }
    }

    /// The operations of the account set with
    /// [`ClientBuilder::account_id`](crate::ClientBuilder::account_id) or
    /// `SALESFLOW_ACCOUNT_ID`, if one was.
    ///
    /// ```
    /// let client = salesflow::ClientBuilder::new().token("t").account_id(321).build()?;
    /// let campaigns = client.default_account().expect("set above").list_campaigns();
    /// # Ok::<(), salesflow::ConfigError>(())
    /// ```
    pub fn default_account(&self) -> Option<AccountScope<'_>> {
        self.settings().account_id().map(|id| self.account(id))
    }
}
