//! Memory of big lists, counted by a global allocator: `stream()` holds a chunk and an item
//! whatever the length of the list, `send()` holds at most twice the JSON it decodes, and a
//! sync (`salesflow_ext::sync`) does not grow with the list (SQLite's own page cache, which
//! SQLite allocates itself, is not counted here). Its own binary, so that the counting allocator measures nothing but this.

mod counting;

use salesflow::{ClientBuilder, RetryPolicy, StreamExt};
use salesflow_test_support::big_list;
use salesflow_test_support::raw_server::{RawServer, Reply};

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const MIB: usize = 1 << 20;

/// The allocator counts the whole process: the tests measure one at a time.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// What reading `count` contacts took: the JSON's size, and the peak above the start of
/// the call through `stream()` (each item dropped when read) and through `send()`.
struct Peaks {
    json: usize,
    stream: usize,
    send: usize,
}

/// A server that answers every request with the account's `count` contacts, a client for
/// it, and the JSON's length.
fn serve(count: usize) -> (RawServer, salesflow::Client, usize) {
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
    (server, client, json)
}

async fn peaks(count: usize) -> Peaks {
    let (_server, client, json) = serve(count);

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
    let _alone = ONE_AT_A_TIME.lock().await;
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

/// The peak heap of syncing `count` contacts into a new NDJSON file and a new SQLite
/// database (`salesflow_ext::sync`, which reads the list with `stream()`).
async fn sync_peaks(count: usize) -> (usize, usize) {
    use salesflow_ext::sync::{NdjsonSink, SqliteSink, SyncState, Syncer};

    let (_server, client, _) = serve(count);
    let dir = std::env::temp_dir().join(format!(
        "salesflow-memory-sync-{}-{count}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let syncer = Syncer::new(&client, 321);
    let new_state = || SyncState::new("contacts", &Syncer::scope(321, None));

    let base = counting::start();
    let mut sink = NdjsonSink::new(dir.join("contacts.ndjson"));
    let report = syncer
        .contacts(None, &mut new_state(), &mut sink, |_| {})
        .await
        .unwrap();
    drop(sink);
    let ndjson = counting::peak_above(base);
    assert_eq!(report.written as usize, count);
    drop(report);

    let base = counting::start();
    let mut sink = SqliteSink::<salesflow::types::Contact>::new(dir.join("contacts.sqlite"));
    let report = syncer
        .contacts(None, &mut new_state(), &mut sink, |_| {})
        .await
        .unwrap();
    drop(sink);
    let sqlite = counting::peak_above(base);
    assert_eq!(report.written as usize, count);
    std::fs::remove_dir_all(dir).unwrap();
    (ndjson, sqlite)
}

#[tokio::test]
async fn a_sync_runs_at_memory_that_does_not_grow_with_the_list() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let mut peaks = Vec::new();
    for count in [5_000, 40_000] {
        let (ndjson, sqlite) = sync_peaks(count).await;
        println!(
            "sync of {count} contacts: peak {:.2} MiB into NDJSON, {:.2} MiB into SQLite",
            ndjson as f64 / MIB as f64,
            sqlite as f64 / MIB as f64,
        );
        assert!(ndjson < 16 * MIB && sqlite < 16 * MIB, "{ndjson}, {sqlite}");
        peaks.push((ndjson, sqlite));
    }
    assert!(
        peaks[1].0 <= peaks[0].0 + MIB && peaks[1].1 <= peaks[0].1 + 2 * MIB,
        "the peak grew with the list: {peaks:?}"
    );
}

/// The peak heap of a dry-run import of 1,000 rows (500 of them members already) into a
/// campaign of `members` contacts: the campaign is listed once, as a stream.
async fn lookup_peak(members: usize) -> usize {
    use salesflow_ext::import::{ImportRow, Importer};

    let (_server, client, _) = serve(members);
    let rows: Vec<ImportRow> = (0..1_000)
        .map(|i| match i % 2 {
            // Contacts 0, 36, 72, … of the list are John Doe.
            0 => ImportRow::new(format!(
                "https://www.linkedin.com/in/john-doe-{:06}",
                i / 2 * 36
            )),
            _ => ImportRow::new(format!("https://www.linkedin.com/in/not-a-member-{i}")),
        })
        .collect();
    let base = counting::start();
    let summary = Importer::new(&client, 321, 10)
        .dry_run(true)
        .run(&rows, |_| {})
        .await
        .unwrap();
    let peak = counting::peak_above(base);
    assert_eq!(summary.already_in_campaign, 500);
    assert_eq!(summary.would_import, 500);
    peak
}

#[tokio::test]
async fn the_campaign_lookup_of_an_import_does_not_grow_with_the_campaign() {
    let _alone = ONE_AT_A_TIME.lock().await;
    let mut peaks = Vec::new();
    for members in [20_000, 100_000] {
        let peak = lookup_peak(members).await;
        println!(
            "import of 1,000 rows, campaign of {members} members looked up: peak {:.2} MiB",
            peak as f64 / MIB as f64
        );
        peaks.push(peak);
    }
    assert!(peaks[1] < 8 * MIB, "{peaks:?}");
    assert!(
        peaks[1] <= peaks[0] + MIB,
        "the lookup grew with the campaign: {peaks:?}"
    );
}
