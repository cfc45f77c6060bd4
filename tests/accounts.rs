//! listAccounts: the one operation without an account id.

use crate::support::{answer, client, sends_only, server};
use salesflow::AccountStatus;
use salesflow_httpmock::MockServerExt;

#[tokio::test]
async fn list_accounts_sends_only_the_token_and_decodes_the_sample() {
    let server = server().await;
    let mock = server.list_accounts(|when, then| {
        sends_only(when.into_inner(), &[]);
        answer(then.into_inner(), 200, fixture!("list_accounts"));
    });

    let accounts = client(&server)
        .list_accounts()
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(accounts.len(), 2);
    let blocked = &accounts[0];
    assert_eq!(blocked.account_id, 10);
    assert_eq!(
        blocked.account_email.as_deref(),
        Some("linkedin.account10@example.org")
    );
    assert_eq!(blocked.status, Some(AccountStatus::Blocked));
    assert_eq!(
        blocked.user_db_id.as_deref(),
        Some("f8de222f-f6e9-4d5b-a7fe-3ff5e0680c66")
    );
    assert_eq!(
        blocked.user_email.as_deref(),
        Some("salesflow_user_email@some_host.com")
    );
    assert_eq!(accounts[1].account_id, 11);
    assert_eq!(accounts[1].status, Some(AccountStatus::Active));
}
