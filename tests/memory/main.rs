//! Memory of big lists, counted by a global allocator: `stream()` holds a chunk and an item
//! whatever the length of the list, and `send()` holds at most twice the JSON it decodes.
//! Its own binary, so that the counting allocator measures nothing but this.

mod counting;

use salesflow::{ClientBuilder, RetryPolicy, StreamExt};
use salesflow_test_support::big_list;
use salesflow_test_support::raw_server::{RawServer, Reply};

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const MIB: usize = 1 << 20;

/// What reading `count` contacts took: the JSON's size, and the peak above the start of
/// the call through `stream()` (each item dropped when read) and through `send()`.
struct Peaks {
    json: usize,
    stream: usize,
    send: usize,
}

async fn peaks(count: usize) -> Peaks {
    let body = big_list::contacts(count);
    let json = body.len();
    let mut answer = Reply::head(json);
    answer.extend_from_slice(&body);
    drop(body);
    let server = RawServer::start(move |_, _| Reply::Bytes(answer.clone()));
    let client = ClientBuilder::new()
        .token("memory-test-token")
        .base_url(server.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();

    let base = counting::start();
    let items = client.list_contacts_by_account().account_id(321).stream();
    let mut items = std::pin::pin!(items);
    let mut seen = 0;
    while let Some(item) = items.next().await {
        assert_eq!(item.unwrap().member_id, 46_000_000 + seen);
        seen += 1;
    }
    let stream = counting::peak_above(base);
    assert_eq!(usize::try_from(seen).unwrap(), count);

    let base = counting::start();
    let list = client
        .list_contacts_by_account()
        .account_id(321)
        .send()
        .await
        .unwrap();
    let send = counting::peak_above(base);
    assert_eq!(list.len(), count);
    drop(list);
    Peaks { json, stream, send }
}

#[tokio::test]
async fn big_lists_stream_at_constant_memory_and_send_within_twice_the_json() {
    let mut results = Vec::new();
    for count in [5_000, 40_000] {
        let peaks = peaks(count).await;
        println!(
            "{count} contacts, {:.1} MiB of JSON: stream() peak {:.2} MiB, send() peak {:.2}x the JSON",
            peaks.json as f64 / MIB as f64,
            peaks.stream as f64 / MIB as f64,
            peaks.send as f64 / peaks.json as f64,
        );
        assert!(
            peaks.stream < 8 * MIB,
            "stream() of {count} held {} bytes",
            peaks.stream
        );
        assert!(
            peaks.send as f64 <= 2.0 * peaks.json as f64,
            "send() of {count} held {} bytes for {} of JSON",
            peaks.send,
            peaks.json
        );
        results.push(peaks);
    }
    // Eight times the list, not more memory (a chunk and an item either way).
    assert!(
        results[1].stream <= results[0].stream + MIB,
        "stream() grew with the list: {} then {} bytes",
        results[0].stream,
        results[1].stream
    );
}
