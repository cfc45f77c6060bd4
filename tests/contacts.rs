//! The contact (campaign member) operations: import, get (two ways), update, delete, and the
//! three lists.

use crate::support::{ACCOUNT_ID, answer, at, client, no_body, sends_only, server};
use salesflow::types::{Contact, ContactUpdate, ContactsQuery};
use salesflow::{MemberFlags, MemberStatus};
use salesflow_httpmock::MockServerExt;
use serde_json::json;

/// The values of the docs' `GetContact` samples for John Doe, member 46875434.
fn assert_is_john_doe(contact: &Contact) {
    assert_eq!(contact.member_id, 46875434);
    assert_eq!(contact.first_name.as_deref(), Some("John"));
    assert_eq!(contact.last_name.as_deref(), Some("Doe"));
    assert_eq!(contact.location.as_deref(), Some("New York"));
    assert_eq!(contact.occupation.as_deref(), Some("CEO"));
    assert_eq!(contact.industry.as_deref(), Some("marketing"));
    assert_eq!(contact.email.as_deref(), Some("john.doe@example.com"));
    assert_eq!(contact.phone.as_deref(), Some("1555123456"));
    assert_eq!(contact.company.as_deref(), Some("some company"));
}

fn flags(status: &Option<MemberStatus>) -> Option<MemberFlags> {
    status.as_ref().map(MemberStatus::flags)
}

#[tokio::test]
async fn import_member_sends_every_parameter_and_decodes_the_created_member() {
    let custom_fields = vec!["CustomValue1".to_string(), "CustomValue2".to_string()];
    let url = "https://www.linkedin.com/in/john-smith-123456";
    let server = server().await;
    let expected_fields = custom_fields.clone();
    let mock = server.import_member(move |when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(789)
            .linked_in_url(url)
            .first_name("John")
            .last_name("Smith")
            .occupation("CEO")
            .location("US")
            .custom_fields(&expected_fields);
        let names = [
            "accountId",
            "campaignId",
            "linkedInUrl",
            "firstName",
            "lastName",
            "occupation",
            "location",
            "customFields",
            "customFields",
        ];
        sends_only(when.into_inner(), &names);
        answer(then.into_inner(), 200, fixture!("import_member"));
    });

    let member = client(&server)
        .import_member()
        .account_id(ACCOUNT_ID)
        .campaign_id(789)
        .linked_in_url(url)
        .first_name("John")
        .last_name("Smith")
        .occupation("CEO")
        .location("US")
        .custom_fields(custom_fields)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(member.member_id, 202279022);
    assert_eq!(member.public_identifier, None);
    assert_eq!(member.first_name.as_deref(), Some("John"));
    assert_eq!(member.last_name.as_deref(), Some("Smith"));
    assert_eq!(member.location.as_deref(), Some("US"));
    assert_eq!(member.occupation.as_deref(), Some("CEO"));
    assert_eq!(member.industry, None);
    assert_eq!(member.company, None);
    assert_eq!(member.email, None);
    assert_eq!(member.phone, None);
    assert_eq!(
        member.member_url.as_deref(),
        Some("https://linkedin.com/in/john-smith-123456")
    );
    assert_eq!(member.last_modified_at, None);
    assert_eq!(
        member.added_at,
        Some(at((2025, 3, 6), (15, 32, 57), 847_754_200))
    );
    assert_eq!(flags(&member.status), Some(MemberFlags::IMPORTED));
}

#[tokio::test]
async fn get_contact_by_member_id_decodes_status_flags_and_campaign() {
    let server = server().await;
    let mock = server.get_contact(|when, then| {
        let when = when.member_id(46875434).account_id(ACCOUNT_ID);
        sends_only(when.into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("get_contact"));
    });

    let contact = client(&server)
        .get_contact()
        .member_id(46875434)
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_is_john_doe(&contact);
    assert_eq!(contact.public_identifier.as_deref(), Some("identity100"));
    assert_eq!(
        flags(&contact.status),
        Some(MemberFlags::PENDING | MemberFlags::ERROR)
    );
    assert_eq!(contact.campaign_id, Some(10));
    assert_eq!(contact.campaign_name.as_deref(), Some("Sale lead"));
    assert_eq!(
        contact.member_url.as_deref(),
        Some("https://www.linkedin.com/in/test123")
    );
    assert_eq!(contact.last_modified_at, None);
    assert_eq!(
        contact.added_at,
        Some(at((2024, 5, 21), (9, 41, 6), 170_000_000))
    );
}

#[tokio::test]
async fn get_contact_by_public_identifier_decodes_the_sample() {
    let server = server().await;
    let mock = server.get_contact_by_public_identifier(|when, then| {
        let when = when.public_identifier("identity100").account_id(ACCOUNT_ID);
        sends_only(when.into_inner(), &["publicIdentifier", "accountId"]);
        answer(
            then.into_inner(),
            200,
            fixture!("get_contact_by_public_identifier"),
        );
    });

    let contact = client(&server)
        .get_contact_by_public_identifier()
        .public_identifier("identity100")
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_is_john_doe(&contact);
    assert_eq!(contact.public_identifier.as_deref(), Some("identity100"));
    assert_eq!(contact.status, None);
    assert_eq!(contact.campaign_id, None);
    assert_eq!(
        contact.last_modified_at,
        Some(at((2024, 4, 21), (9, 41, 6), 170_000_000))
    );
    assert_eq!(
        contact.added_at,
        Some(at((2024, 5, 21), (9, 41, 6), 170_000_000))
    );
}

#[tokio::test]
async fn update_contact_posts_the_camel_case_body_and_decodes_the_contact() {
    let server = server().await;
    let mock = server.update_contact(|when, then| {
        let when = when.member_id(46875434).account_id(ACCOUNT_ID).into_inner();
        sends_only(when, &["accountId"]).json_body(json!({
            "firstName": "John",
            "lastName": "Doe",
            "location": "New York",
            "occupation": "CEO",
            "industry": "marketing",
            "email": "john.doe@example.com",
            "phone": "1555123458",
        }));
        answer(then.into_inner(), 200, fixture!("update_contact"));
    });

    let update = ContactUpdate {
        first_name: Some("John".parse().unwrap()),
        last_name: Some("Doe".parse().unwrap()),
        location: Some("New York".parse().unwrap()),
        occupation: Some("CEO".parse().unwrap()),
        industry: Some("marketing".parse().unwrap()),
        email: Some("john.doe@example.com".parse().unwrap()),
        phone: Some("1555123458".parse().unwrap()),
    };
    let contact = client(&server)
        .update_contact()
        .member_id(46875434)
        .account_id(ACCOUNT_ID)
        .body(update)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_is_john_doe(&contact);
    assert_eq!(contact.public_identifier.as_deref(), Some("identity100"));
    assert_eq!(
        contact.last_modified_at,
        Some(at((2024, 4, 21), (9, 41, 6), 170_000_000))
    );
}

#[tokio::test]
async fn update_contact_leaves_out_the_fields_not_set() {
    let server = server().await;
    let mock = server.update_contact(|when, then| {
        let when = when.member_id(7).account_id(ACCOUNT_ID).into_inner();
        sends_only(when, &["accountId"]).json_body(json!({ "phone": "1555123458" }));
        answer(then.into_inner(), 200, fixture!("update_contact"));
    });

    client(&server)
        .update_contact()
        .member_id(7)
        .account_id(ACCOUNT_ID)
        .body_map(|body| body.phone("1555123458"))
        .send()
        .await
        .expect("the sample decodes");

    mock.assert_async().await;
}

#[tokio::test]
async fn updating_a_member_that_does_not_exist_is_not_found() {
    let server = server().await;
    let mock = server.update_contact(|when, then| {
        when.member_id(404404).account_id(ACCOUNT_ID);
        answer(
            then.into_inner(),
            404,
            r#"{"Status": 404, "Message": "Member not found"}"#,
        );
    });
    let error = client(&server)
        .update_contact()
        .member_id(404404)
        .account_id(ACCOUNT_ID)
        .body_map(|body| body.occupation("CTO"))
        .send()
        .await
        .unwrap_err();
    mock.assert_async().await;
    assert!(
        matches!(&error, salesflow::Error::NotFound { status: 404, message: Some(m), .. } if m == "Member not found"),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn an_update_with_nothing_to_update_is_refused_before_sending() {
    let server = server().await;
    let mock = server.update_contact(|when, then| {
        when.member_id(7);
        answer(then.into_inner(), 200, fixture!("update_contact"));
    });
    let client = client(&server);
    let update = client.update_contact().member_id(7).account_id(ACCOUNT_ID);
    let checked = update.check().unwrap_err();
    let sent = update.send().await.unwrap_err();
    for error in [checked, sent] {
        let salesflow::Error::InvalidRequest { field, rule, .. } = &error else {
            panic!("{error:?}")
        };
        assert_eq!(field, "body");
        assert!(rule.starts_with("has no field set"), "{rule}");
    }
    assert_eq!(mock.calls_async().await, 0, "nothing was sent");
}

#[tokio::test]
async fn delete_contact_sends_delete_and_decodes_the_status() {
    let server = server().await;
    let mock = server.delete_contact(|when, then| {
        let when = when.member_id(46875434).account_id(ACCOUNT_ID);
        no_body(sends_only(when.into_inner(), &["accountId"]));
        answer(then.into_inner(), 200, fixture!("delete_contact"));
    });

    let outcome = client(&server)
        .delete_contact()
        .member_id(46875434)
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(outcome.status, Some(204));
    assert_eq!(outcome.message, None);
}

#[tokio::test]
async fn list_contacts_by_campaign_decodes_members_without_public_identifier() {
    let server = server().await;
    let mock = server.list_contacts_by_campaign(|when, then| {
        let when = when
            .account_id(ACCOUNT_ID)
            .campaign_id(10)
            .updated_from_date(&at((2024, 1, 1), (0, 0, 0), 0))
            .into_inner()
            .query_param("updatedFromDate", "2024-01-01T00:00:00");
        sends_only(when, &["accountId", "campaignId", "updatedFromDate"]);
        answer(
            then.into_inner(),
            200,
            fixture!("list_contacts_by_campaign"),
        );
    });

    let contacts = client(&server)
        .list_contacts_by_campaign()
        .account_id(ACCOUNT_ID)
        .campaign_id(10)
        .updated_from_date(at((2024, 1, 1), (0, 0, 0), 0))
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(contacts.len(), 2);
    assert_eq!(contacts[0].member_id, 46875434);
    assert_eq!(contacts[0].public_identifier, None);
    assert_eq!(
        contacts[0].member_url.as_deref(),
        Some("https://www.linkedin.com/in/test456")
    );
    assert_eq!(
        contacts[0].last_modified_at,
        Some(at((2024, 3, 21), (9, 41, 6), 170_000_000))
    );
    let nick = &contacts[1];
    assert_eq!(nick.member_id, 46875435);
    assert_eq!(nick.first_name.as_deref(), Some("Nick"));
    assert_eq!(
        nick.occupation.as_deref(),
        Some("Full stack .NET developer, open for new opportunities")
    );
    assert_eq!(
        (&nick.industry, &nick.email, &nick.phone),
        (&None, &None, &None)
    );
}

#[tokio::test]
async fn list_contacts_by_public_identifiers_posts_pascal_case_body() {
    let server = server().await;
    let mock = server.list_contacts_by_public_identifiers(|when, then| {
        let when = when.account_id(ACCOUNT_ID).into_inner();
        sends_only(when, &["accountId"]).json_body(json!({
            "PublicIdentifiers": ["identity1", "identity2", "identity3"],
            "UpdatedFromDate": "2022-07-29T06:45:15",
        }));
        answer(
            then.into_inner(),
            200,
            fixture!("list_contacts_by_public_identifiers"),
        );
    });

    let query = ContactsQuery {
        public_identifiers: ["identity1", "identity2", "identity3"]
            .iter()
            .map(|id| id.parse().unwrap())
            .collect(),
        // The docs' "2022-07-29 06:45:15", sent in the API's own form.
        updated_from_date: Some(at((2022, 7, 29), (6, 45, 15), 0)),
    };
    let contacts = client(&server)
        .list_contacts_by_public_identifiers()
        .account_id(ACCOUNT_ID)
        .body(query)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(contacts.len(), 2);
    assert_is_john_doe(&contacts[0]);
    assert_eq!(contacts[0].public_identifier.as_deref(), Some("identity1"));
    assert_eq!(contacts[1].member_id, 46875435);
    assert_eq!(contacts[1].public_identifier.as_deref(), Some("identity3"));
    assert_eq!(contacts[1].location.as_deref(), Some("London"));
    assert_eq!(
        contacts[1].added_at,
        Some(at((2024, 3, 21), (9, 41, 6), 170_000_000))
    );
}

/// A contact whose `PublicIdentifier` is `id`.
fn contact_json(member_id: i64, id: &str) -> serde_json::Value {
    json!({"MemberId": member_id, "PublicIdentifier": id})
}

#[tokio::test]
async fn more_than_20_identifiers_go_in_batches_of_20_joined_in_order() {
    let server = server().await;
    let identifiers: Vec<String> = (0..45).map(|n| format!("id{n:02}")).collect();
    // One mock a batch: it answers only for exactly its 20 (or 5) identifiers, in order.
    let mocks: Vec<_> = identifiers
        .chunks(20)
        .enumerate()
        .map(|(batch, chunk)| {
            let answer_body: Vec<serde_json::Value> = chunk
                .iter()
                .enumerate()
                .map(|(i, id)| contact_json((batch * 20 + i) as i64, id))
                .collect();
            let expected =
                json!({"PublicIdentifiers": chunk, "UpdatedFromDate": "2024-01-01T00:00:00"});
            server.list_contacts_by_public_identifiers(move |when, then| {
                let when = when.account_id(ACCOUNT_ID).into_inner();
                sends_only(when, &["accountId"]).json_body(expected.clone());
                answer(
                    then.into_inner(),
                    200,
                    &serde_json::to_string(&answer_body).unwrap(),
                );
            })
        })
        .collect();
    assert_eq!(mocks.len(), 3);

    let contacts = client(&server)
        .list_contacts_by_public_identifiers_batched()
        .account_id(ACCOUNT_ID)
        .public_identifiers(identifiers.clone())
        .updated_from_date(salesflow::chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
        .send()
        .await
        .expect("every batch answers");

    for mock in &mocks {
        assert_eq!(mock.calls_async().await, 1, "each batch is sent once");
    }
    let found: Vec<&str> = contacts
        .iter()
        .map(|c| c.public_identifier.as_deref().unwrap())
        .collect();
    assert_eq!(
        found, identifiers,
        "the answers are joined in the order asked"
    );
    assert_eq!(contacts[44].member_id, 44);
}

#[tokio::test]
async fn twenty_identifiers_or_fewer_are_one_request() {
    let server = server().await;
    let mock = server.list_contacts_by_public_identifiers(|when, then| {
        when.account_id(ACCOUNT_ID);
        answer(then.into_inner(), 200, "[]");
    });
    let contacts = client(&server)
        .list_contacts_by_public_identifiers_batched()
        .account_id(ACCOUNT_ID)
        .public_identifiers((0..20).map(|n| format!("id{n}")))
        .send()
        .await
        .unwrap();
    assert!(contacts.is_empty());
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn list_contacts_by_account_decodes_statuses_and_campaigns() {
    let server = server().await;
    let mock = server.list_contacts_by_account(|when, then| {
        let when = when.account_id(ACCOUNT_ID).updated_from_date(None);
        sends_only(when.into_inner(), &["accountId"]);
        answer(then.into_inner(), 200, fixture!("list_contacts_by_account"));
    });

    let contacts = client(&server)
        .list_contacts_by_account()
        .account_id(ACCOUNT_ID)
        .send()
        .await
        .expect("the sample decodes")
        .into_inner();

    mock.assert_async().await;
    assert_eq!(contacts.len(), 2);
    assert_is_john_doe(&contacts[0]);
    assert_eq!(
        flags(&contacts[0].status),
        Some(MemberFlags::PENDING | MemberFlags::ERROR)
    );
    assert_eq!(contacts[0].campaign_id, Some(10));
    let foo = &contacts[1];
    assert_eq!(foo.member_id, 46875435);
    assert_eq!(foo.location.as_deref(), Some("Chickago"));
    assert_eq!(flags(&foo.status), Some(MemberFlags::PENDING));
    assert_eq!(foo.campaign_id, Some(15));
    assert_eq!(foo.company, None);
    assert_eq!(foo.public_identifier.as_deref(), Some("identity1002"));
    assert_eq!(
        foo.added_at,
        Some(at((2024, 5, 21), (19, 41, 6), 170_000_000))
    );
}
