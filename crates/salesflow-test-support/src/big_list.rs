//! Big answers, for the memory tests and the benchmark: an agency account's contacts as
//! Salesflow sends them (PascalCase keys, .NET timestamps, nulls), about 465 bytes each.

use std::fmt::Write;

/// The JSON array `listContactsByAccount` answers for an account with `count` contacts.
///
/// ```
/// let body = salesflow_test_support::big_list::contacts(2);
/// let contacts: Vec<salesflow::types::Contact> = salesflow::from_json(&body).unwrap();
/// assert_eq!(contacts[1].member_id, 46_000_001);
/// ```
pub fn contacts(count: usize) -> Vec<u8> {
    let mut body = String::with_capacity(count * 470 + 2);
    body.push('[');
    for index in 0..count {
        if index > 0 {
            body.push(',');
        }
        contact(&mut body, index);
    }
    body.push(']');
    body.into_bytes()
}

/// One contact, varied by `index` so that no two are alike.
fn contact(out: &mut String, index: usize) {
    const FIRST: [&str; 6] = ["John", "Maria", "Wei", "Aisha", "Lars", "Sofía"];
    const LAST: [&str; 6] = ["Doe", "García", "Zhang", "Khan", "Andersen", "O'Neil"];
    const CITY: [&str; 4] = ["New York", "Berlin Area, Germany", "São Paulo", "Singapore"];
    let first = FIRST[index % FIRST.len()];
    let last = LAST[index / FIRST.len() % LAST.len()];
    let modified = if index.is_multiple_of(3) {
        "null".to_owned()
    } else {
        format!(
            "\"2024-06-{:02}T10:{:02}:06.17\"",
            1 + index % 28,
            index % 60
        )
    };
    write!(
        out,
        r#"{{"MemberId":{id},"FirstName":"{first}","LastName":"{last}","Location":"{city}","Occupation":"Head of Sales Operations","Industry":"Computer Software","Email":"{lower}.{index}@example.com","Phone":null,"PublicIdentifier":"{lower}-{last_lower}-{index:06}","Status":"MEMBER_PENDING, MEMBER_CONNECTED","CampaignId":{campaign},"CampaignName":"Q3 outreach wave {campaign}","Company":"Northwind Traders {campaign}","MemberUrl":"https://www.linkedin.com/in/{lower}-{last_lower}-{index:06}","LastModifiedAt":{modified},"AddedAt":"2024-05-21T09:41:06.17"}}"#,
        id = 46_000_000 + index,
        city = CITY[index % CITY.len()],
        lower = first.to_lowercase(),
        last_lower = last.to_lowercase().replace('\'', ""),
        campaign = 10 + index % 40,
    )
    .expect("writing to a String");
}
