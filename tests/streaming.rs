//! Lists read as their bytes arrive: `stream()` hands out items before the body is over,
//! names the index and field of an item that does not decode and goes on after it, ends
//! with the error of a transfer that breaks off (which `send()` retries instead), and the
//! first-byte and idle timeouts are separate, so a big answer is not cut off while its
//! bytes keep coming. The server variants of both ways of reading are in `conformance`.

use std::sync::{Arc, Barrier};
use std::time::Duration;

use salesflow::{Client, ClientBuilder, Error, RetryPolicy, StreamExt, TransportKind};
use salesflow_test_support::raw_server::{Part, RawServer, Reply};

const TOKEN: &str = "streaming-token-123";

fn client(server: &RawServer, retry: RetryPolicy) -> ClientBuilder {
    ClientBuilder::new()
        .token(TOKEN)
        .base_url(server.base_url())
        .retry(retry)
        .connect_timeout(Duration::from_secs(5))
        .first_byte_timeout(Duration::from_secs(10))
        .idle_timeout(Duration::from_secs(10))
}

fn contact(id: i64) -> String {
    format!(r#"{{"MemberId": {id}, "FirstName": "F{id}", "Status": "MEMBER_PENDING"}}"#)
}

/// The next item within 10 s (a test fails instead of hanging).
async fn next<S: salesflow::Stream + Unpin>(items: &mut S) -> Option<S::Item> {
    tokio::time::timeout(Duration::from_secs(10), items.next())
        .await
        .expect("the next item within 10 s")
}

fn account_contacts(client: &Client) -> salesflow::builder::ListContactsByAccount<'_> {
    client.list_contacts_by_account().account_id(321)
}

#[tokio::test]
async fn items_come_out_before_the_rest_of_the_body_is_sent() {
    let gate = Arc::new(Barrier::new(2));
    let server_gate = Arc::clone(&gate);
    let first = format!("[{}, {},", contact(1), contact(2));
    let rest = format!(" {}]", contact(3));
    let length = first.len() + rest.len();
    let server = RawServer::start(move |_, _| {
        let mut head = Reply::head(length);
        head.extend_from_slice(first.as_bytes());
        Reply::Parts(vec![
            Part::Bytes(head),
            Part::Until(Arc::clone(&server_gate)),
            Part::Bytes(rest.clone().into_bytes()),
        ])
    });
    let client = client(&server, RetryPolicy::none()).build().unwrap();
    let items = account_contacts(&client).stream();
    let mut items = std::pin::pin!(items);
    // The server sends the third contact only when told: both first ones must be out by then.
    assert_eq!(next(&mut items).await.unwrap().unwrap().member_id, 1);
    assert_eq!(next(&mut items).await.unwrap().unwrap().member_id, 2);
    gate.wait();
    assert_eq!(next(&mut items).await.unwrap().unwrap().member_id, 3);
    assert!(next(&mut items).await.is_none());
}

#[tokio::test]
async fn an_item_that_does_not_decode_names_its_index_and_field_and_the_rest_come() {
    let body = format!(
        "\u{FEFF}[{}, {{\"MemberId\": 2, \"CampaignId\": \"ten\"}}, {}]",
        contact(1),
        contact(3)
    );
    let server = RawServer::start(move |_, _| Reply::json(200, &body));
    let client = client(&server, RetryPolicy::none()).build().unwrap();
    let items: Vec<_> = account_contacts(&client).stream().collect().await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0].as_ref().unwrap().member_id, 1);
    match &items[1] {
        Err(error @ Error::Decode { field, status, .. }) => {
            assert_eq!(field.as_deref(), Some("[1].CampaignId"), "{error}");
            assert_eq!(*status, 200);
            assert!(error.to_string().contains("[1].CampaignId"), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(items[2].as_ref().unwrap().member_id, 3);
    // send() fails on it, naming the same place.
    let error = account_contacts(&client).send().await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { field: Some(field), .. } if field == "[1].CampaignId"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_transfer_that_breaks_off_ends_the_stream_and_send_retries_it() {
    let whole = format!("[{}, {}, {}]", contact(1), contact(2), contact(3));
    let cut = format!("[{}, {},", contact(1), contact(2));
    let server = RawServer::start(move |index, _| match index {
        // The first two answers promise the whole list and break off after two items.
        0 | 1 => {
            let mut bytes = Reply::head(whole.len());
            bytes.extend_from_slice(cut.as_bytes());
            Reply::Parts(vec![Part::Bytes(bytes)])
        }
        _ => Reply::json(200, &whole),
    });
    let client = client(
        &server,
        RetryPolicy::default().initial_delay(Duration::ZERO),
    )
    .build()
    .unwrap();
    let items: Vec<_> = account_contacts(&client).stream().collect().await;
    assert_eq!(items.len(), 3, "two items, then the error: {items:?}");
    assert!(items[0].is_ok() && items[1].is_ok());
    match &items[2] {
        Err(Error::Transport { kind, .. }) => assert_eq!(*kind, TransportKind::Other),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.requests().len(),
        1,
        "stream() retries before the first byte only"
    );
    let all = account_contacts(&client).send().await.unwrap();
    assert_eq!(all.len(), 3);
    assert_eq!(
        server.requests().len(),
        3,
        "send() read the list again, whole"
    );
}

#[tokio::test]
async fn a_stalled_answer_times_out_by_the_idle_timeout() {
    let start = format!("[{},", contact(1));
    let server = RawServer::start(move |_, _| {
        let mut bytes = Reply::head(start.len() + 500);
        bytes.extend_from_slice(start.as_bytes());
        Reply::Parts(vec![Part::Bytes(bytes), Part::Wait(Duration::from_secs(3))])
    });
    let client = client(&server, RetryPolicy::none())
        .idle_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let items: Vec<_> = account_contacts(&client).stream().collect().await;
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(items.len(), 2);
    match &items[1] {
        Err(error @ Error::Transport { kind, .. }) => {
            assert_eq!(*kind, TransportKind::Timeout);
            assert!(error.to_string().contains("no data for 0.3 s"), "{error}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_slow_start_and_a_long_transfer_fit_the_separate_timeouts() {
    // 1.2 s before the first byte, then twelve parts 100 ms apart: no single timeout of the
    // kind the client had before (one second for everything) would let this through.
    let parts: Vec<String> = (0..12).map(|id| format!("{},", contact(id))).collect();
    let body_length = 1 + parts.iter().map(String::len).sum::<usize>() + contact(12).len() + 1;
    let server = RawServer::start(move |_, _| {
        let mut reply = vec![Part::Wait(Duration::from_millis(1200))];
        let mut head = Reply::head(body_length);
        head.push(b'[');
        reply.push(Part::Bytes(head));
        for part in &parts {
            reply.push(Part::Bytes(part.clone().into_bytes()));
            reply.push(Part::Wait(Duration::from_millis(100)));
        }
        reply.push(Part::Bytes(format!("{}]", contact(12)).into_bytes()));
        Reply::Parts(reply)
    });
    let client = client(&server, RetryPolicy::none())
        .first_byte_timeout(Duration::from_secs(5))
        .idle_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    let contacts = account_contacts(&client).send().await.unwrap();
    assert_eq!(contacts.len(), 13);
    // And the first-byte timeout is what a silent server meets.
    let client = client_with_first_byte(&server, Duration::from_millis(300));
    let error = account_contacts(&client).send().await.unwrap_err();
    assert!(
        error.to_string().contains("no response within 0.3 s"),
        "{error}"
    );
}

fn client_with_first_byte(server: &RawServer, timeout: Duration) -> Client {
    client(server, RetryPolicy::none())
        .first_byte_timeout(timeout)
        .build()
        .unwrap()
}

#[tokio::test]
async fn errors_before_the_list_are_the_one_item_of_the_stream() {
    let server = RawServer::start(|index, _| match index {
        0 => Reply::json(403, r#"{"Status": 403, "Message": "Invalid token"}"#),
        1 => Reply::json(200, "null"),
        _ => Reply::Bytes(b"HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_vec()),
    });
    let client = client(&server, RetryPolicy::none()).build().unwrap();
    let items: Vec<_> = account_contacts(&client).stream().collect().await;
    assert!(
        matches!(&items[..], [Err(error)] if error.status() == Some(403)),
        "{items:?}"
    );
    let none: Vec<_> = account_contacts(&client).stream().collect().await;
    assert!(none.is_empty(), "null is an empty list: {none:?}");
    let none: Vec<_> = account_contacts(&client).stream().collect().await;
    assert!(none.is_empty(), "204 is an empty list: {none:?}");
    // What is missing is found before anything is sent.
    let invalid: Vec<_> = client.list_contacts_by_account().stream().collect().await;
    assert!(
        matches!(&invalid[..], [Err(Error::InvalidRequest { .. })]),
        "{invalid:?}"
    );
    assert_eq!(server.requests().len(), 3);
}
