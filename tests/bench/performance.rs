//! The SDK's speed and memory against a hand-written floor, measured in one run:
//!
//! ```text
//! cargo bench -p salesflow-tests --bench performance            # every figure
//! cargo bench -p salesflow-tests --bench performance -- --quick # fewer rounds, to try it
//! cargo bench -p salesflow-tests --bench performance -- --small-only # the small call only
//! cargo bench -p salesflow-tests --bench performance -- --decode-only # decoding alone
//! cargo bench -p salesflow-tests --bench performance -- --errors-only # items that fail
//! ```
//!
//! The floor is what a user would write by hand with the same crates: reqwest, then
//! `serde_json::from_slice` into minimal structs (plain fields, no lenient decoding). Each
//! figure is a ratio, SDK over floor: the median of the ratios of rounds that alternate the
//! two (this machine is noisy), with the spread of the rounds beside it and the floor's
//! median time. Memory is the
//! peak the measuring thread holds above the start of the call (a counting allocator; the
//! local server runs on threads of its own).

#[path = "../memory/counting.rs"]
mod counting;
#[path = "median.rs"]
mod median;

use std::future::Future;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use salesflow::{ClientBuilder, RetryPolicy, StreamExt};
use salesflow_test_support::big_list;
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use median::median;

#[global_allocator]
static ALLOCATOR: counting::Counting = counting::Counting;

const TOKEN: &str = "benchmark-token-0123456789";
const MIB: f64 = (1 << 20) as f64;

/// `listCampaigns` as a user would decode it by hand.
#[derive(Deserialize)]
#[allow(dead_code)]
struct MinimalCampaign {
    #[serde(rename = "CampaignId")]
    campaign_id: i64,
    #[serde(rename = "CampaignName")]
    campaign_name: Option<String>,
    #[serde(rename = "Status")]
    status: Option<String>,
    #[serde(rename = "LastModifiedAt")]
    last_modified_at: Option<String>,
}

/// A contact as a user would decode it by hand: the same fields, plain types.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
struct MinimalContact {
    member_id: i64,
    first_name: Option<String>,
    last_name: Option<String>,
    location: Option<String>,
    occupation: Option<String>,
    industry: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    public_identifier: Option<String>,
    status: Option<String>,
    campaign_id: Option<i64>,
    campaign_name: Option<String>,
    company: Option<String>,
    member_url: Option<String>,
    last_modified_at: Option<String>,
    added_at: Option<String>,
}

/// A keep-alive HTTP/1.1 server on 127.0.0.1 that answers every request with `body`, on a
/// thread (and runtime) of its own.
fn serve(body: Vec<u8>) -> String {
    let mut answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    let answer = Arc::new(answer);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                socket.set_nodelay(true).unwrap();
                let answer = Arc::clone(&answer);
                tokio::spawn(async move {
                    let mut request = Vec::with_capacity(1024);
                    let mut buffer = [0u8; 4096];
                    loop {
                        let Ok(read) = socket.read(&mut buffer).await else {
                            return;
                        };
                        if read == 0 {
                            return;
                        }
                        request.extend_from_slice(&buffer[..read]);
                        // GETs only: a request ends with its head.
                        while let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                            request.drain(..end + 4);
                            if socket.write_all(&answer).await.is_err() {
                                return;
                            }
                        }
                    }
                });
            }
        });
    });
    format!("http://{address}")
}

/// The request a user would write by hand: `url` for account 321.
fn request(http: &reqwest::Client, url: &str) -> reqwest::RequestBuilder {
    http.get(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .query(&[("accountId", "321"), ("token", TOKEN)])
}

/// listCampaigns by hand: reqwest, then `serde_json::from_slice`.
async fn by_hand(http: &reqwest::Client, url: &str) {
    let body = request(http, url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let campaigns: Vec<MinimalCampaign> = serde_json::from_slice(&body).unwrap();
    black_box(campaigns);
}

/// listCampaigns through the SDK.
async fn through_sdk(client: &salesflow::Client) {
    black_box(
        client
            .list_campaigns()
            .account_id(321)
            .send()
            .await
            .unwrap(),
    );
}

/// Times `floor` and `sdk` in `rounds` alternating rounds of `calls` calls each; prints the
/// ratio of the medians and the spread of the per-round ratios. Returns the ratio.
async fn compare<F, S, FF, SF>(
    label: &str,
    rounds: usize,
    calls: usize,
    mut floor: F,
    mut sdk: S,
) -> f64
where
    F: FnMut() -> FF,
    S: FnMut() -> SF,
    FF: Future<Output = ()>,
    SF: Future<Output = ()>,
{
    // Warm both up: connections, caches, the allocator.
    for _ in 0..calls.clamp(1, 50) {
        floor().await;
        sdk().await;
    }
    let mut floors = Vec::new();
    let mut sdks = Vec::new();
    let mut ratios = Vec::new();
    for round in 0..rounds {
        let first_floor = round % 2 == 0;
        let (mut floor_time, mut sdk_time) = (Duration::ZERO, Duration::ZERO);
        for turn in 0..2 {
            let started = Instant::now();
            if (turn == 0) == first_floor {
                for _ in 0..calls {
                    floor().await;
                }
                floor_time = started.elapsed();
            } else {
                for _ in 0..calls {
                    sdk().await;
                }
                sdk_time = started.elapsed();
            }
        }
        let per_call = |time: Duration| time.as_secs_f64() / calls as f64;
        floors.push(per_call(floor_time));
        sdks.push(per_call(sdk_time));
        ratios.push(sdk_time.as_secs_f64() / floor_time.as_secs_f64());
    }
    let floor = median(&mut floors);
    median(&mut sdks);
    // Paired rounds: the median of the per-round ratios is robust to the machine's drift.
    let ratio = median(&mut ratios);
    println!(
        "{label:<58} floor {:>10}  SDK {ratio:.3}x  (rounds {:.3}–{:.3}x)",
        human(floor),
        ratios[0],
        ratios[ratios.len() - 1],
    );
    ratio
}

fn human(seconds: f64) -> String {
    if seconds < 1e-3 {
        format!("{:.1} µs", seconds * 1e6)
    } else {
        format!("{:.1} ms", seconds * 1e3)
    }
}

/// The peak the thread holds above the start of `call`, over the median of `rounds` runs.
async fn peak<F: Future<Output = ()>>(rounds: usize, mut call: impl FnMut() -> F) -> usize {
    let mut peaks = Vec::new();
    for _ in 0..rounds {
        let base = counting::start();
        call().await;
        peaks.push(counting::peak_above(base) as f64);
    }
    median(&mut peaks) as usize
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let small_only = std::env::args().any(|arg| arg == "--small-only");
    let decode_only = std::env::args().any(|arg| arg == "--decode-only");
    let errors_only = std::env::args().any(|arg| arg == "--errors-only");
    // `cargo bench` passes `--bench`; nothing else is taken.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    if decode_only {
        runtime.block_on(decode(quick));
        return;
    }
    if errors_only {
        runtime.block_on(failing_items(quick));
        return;
    }
    runtime.block_on(run(quick, small_only));
}

/// Decoding alone, from memory: the SDK's lenient decoding against serde_json's.
async fn decode(quick: bool) {
    let body = big_list::contacts(10_000);
    let rounds = if quick { 5 } else { 21 };
    compare(
        "decoding 10,000 contacts from memory, salesflow::from_json",
        rounds,
        1,
        || async {
            let contacts: Vec<MinimalContact> = serde_json::from_slice(&body).unwrap();
            black_box(contacts);
        },
        || async {
            let contacts: Vec<salesflow::types::Contact> = salesflow::from_json(&body).unwrap();
            black_box(contacts);
        },
    )
    .await;
}

/// A list of 1,000 items that do not decode (`MemberId` is text) against the same list of
/// items that do, streamed through the SDK: what an error costs over a success (each one
/// carries its text, with the token scrubbed out).
async fn failing_items(quick: bool) {
    const ITEMS: usize = 1_000;
    let list = |member_id: &dyn Fn(usize) -> String| {
        let items: Vec<String> = (0..ITEMS)
            .map(|i| format!("{{\"MemberId\":{},\"FirstName\":\"Ann\"}}", member_id(i)))
            .collect();
        format!("[{}]", items.join(",")).into_bytes()
    };
    let client = |body: Vec<u8>| {
        ClientBuilder::new()
            .token(TOKEN)
            .base_url(serve(body))
            .build()
            .unwrap()
    };
    let good = client(list(&|i| i.to_string()));
    let bad = client(list(&|i| format!("\"x{i}\"")));
    fn stream(client: &salesflow::Client, ok: bool) -> impl Future<Output = ()> + '_ {
        let items = client.list_contacts_by_account().account_id(321).stream();
        async move {
            let mut items = std::pin::pin!(items);
            let mut seen = 0;
            while let Some(item) = items.next().await {
                assert_eq!(item.is_ok(), ok);
                let _ = black_box(item.map(|_| ()).map_err(|error| error.to_string()));
                seen += 1;
            }
            assert_eq!(seen, ITEMS);
        }
    }
    compare(
        "1,000 stream items that fail to decode, vs 1,000 that decode",
        if quick { 5 } else { 21 },
        1,
        || stream(&good, true),
        || stream(&bad, false),
    )
    .await;
}

async fn run(quick: bool, small_only: bool) {
    let (small_rounds, small_calls) = if quick { (21, 100) } else { (201, 100) };
    let big_rounds = if quick { 3 } else { 15 };
    println!(
        "salesflow-rs {} benchmark: {} rounds; ratios are SDK / floor, medians",
        env!("CARGO_PKG_VERSION"),
        if quick { "quick" } else { "full" }
    );

    // One small call: listCampaigns with the docs' two campaigns.
    let campaigns = serve(include_bytes!("../fixtures/list_campaigns.json").to_vec());
    let sdk = ClientBuilder::new()
        .token(TOKEN)
        .base_url(&campaigns)
        .build()
        .unwrap();
    let sdk_once = ClientBuilder::new()
        .token(TOKEN)
        .base_url(&campaigns)
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    // Built after the SDK's client, which installs rustls's crypto provider.
    let plain = reqwest::Client::new();
    let alike = reqwest::Client::builder()
        .user_agent(concat!("salesflow-rs/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(60))
        .redirect(reqwest::redirect::Policy::none())
        .referer(false)
        .build()
        .unwrap();
    let url = format!("{campaigns}/api/campaigns/list-campaigns");
    println!(
        "future sizes: SDK send() {} bytes, by hand {} bytes",
        std::mem::size_of_val(&sdk.list_campaigns().account_id(321).send()),
        std::mem::size_of_val(&by_hand(&plain, &url)),
    );
    let untimed = ClientBuilder::new()
        .token(TOKEN)
        .base_url(&campaigns)
        .no_timeouts()
        .build()
        .unwrap();
    let cases = [
        (
            "listCampaigns, one small call, vs a default reqwest client",
            &plain,
            &sdk,
        ),
        (
            "  the same, vs reqwest with the SDK's settings",
            &alike,
            &sdk,
        ),
        (
            "  the same, retries off, vs reqwest with the SDK's settings",
            &alike,
            &sdk_once,
        ),
        (
            "  the same, no timeouts, vs a default reqwest client",
            &plain,
            &untimed,
        ),
    ];
    for (label, http, client) in cases {
        compare(
            label,
            small_rounds,
            small_calls,
            || by_hand(http, &url),
            || through_sdk(client),
        )
        .await;
    }
    // What the SDK's first-byte and idle timeouts (tokio timers) cost a small call: the same
    // client without them is the floor.
    compare(
        "  the SDK's timeouts, vs the SDK without timeouts",
        small_rounds,
        small_calls,
        || through_sdk(&untimed),
        || through_sdk(&sdk),
    )
    .await;
    if small_only {
        return;
    }
    failing_items(quick).await;
    // Big lists: listContactsByAccount of agency accounts.
    let sizes: &[usize] = if quick {
        &[1_000, 10_000, 100_000]
    } else {
        &[1_000, 10_000, 100_000, 300_000]
    };
    let mut memory = Vec::new();
    for &count in sizes {
        let body = big_list::contacts(count);
        let json = body.len();
        let base = serve(body);
        let client = ClientBuilder::new()
            .token(TOKEN)
            .base_url(&base)
            .build()
            .unwrap();
        let url = format!("{base}/api/members/list-contacts-by-accountid");
        let floor = || {
            let request = request(&alike, &url);
            async move {
                let body = request.send().await.unwrap().bytes().await.unwrap();
                let contacts: Vec<MinimalContact> = serde_json::from_slice(&body).unwrap();
                assert_eq!(contacts.len(), count);
                black_box(contacts);
            }
        };
        // What reqwest itself holds to read the body (its read buffers), chunks dropped.
        let transport = || {
            let request = request(&alike, &url);
            async move {
                let mut response = request.send().await.unwrap();
                let mut read = 0;
                while let Some(chunk) = response.chunk().await.unwrap() {
                    read += chunk.len();
                }
                assert_eq!(read, json);
            }
        };
        let send = || {
            let call = client.list_contacts_by_account().account_id(321).send();
            async move {
                let contacts = call.await.unwrap();
                assert_eq!(contacts.len(), count);
                black_box(contacts);
            }
        };
        let stream = || {
            let items = client.list_contacts_by_account().account_id(321).stream();
            async move {
                let mut items = std::pin::pin!(items);
                let mut seen = 0;
                while let Some(item) = items.next().await {
                    black_box(item.unwrap());
                    seen += 1;
                }
                assert_eq!(seen, count);
            }
        };
        if count == 100_000 {
            compare(
                &format!(
                    "{count} contacts ({:.1} MB), send() end to end",
                    json as f64 / 1e6
                ),
                big_rounds,
                1,
                floor,
                send,
            )
            .await;
            compare(
                &format!("{count} contacts, stream() end to end"),
                big_rounds,
                1,
                floor,
                stream,
            )
            .await;
        }
        let rounds = if count >= 100_000 { 1 } else { 3 };
        let transport_peak = peak(rounds, transport).await;
        let floor_peak = peak(rounds, floor).await;
        let send_peak = peak(rounds, send).await;
        let stream_peak = peak(rounds, stream).await;
        memory.push((
            count,
            json,
            transport_peak,
            floor_peak,
            send_peak,
            stream_peak,
        ));
    }
    println!("peak heap while reading listContactsByAccount, × the JSON's bytes:");
    println!(
        "  (the transport column is reqwest's own read buffers, chunks dropped; net = above it)"
    );
    println!(
        "  {:>8} {:>10} {:>10} {:>7} {:>7} {:>9} {:>9} {:>14}",
        "contacts",
        "JSON",
        "transport",
        "floor",
        "send()",
        "floor net",
        "send net",
        "stream() peak"
    );
    for (count, json, transport, floor, send, stream) in memory {
        let times = |bytes: usize| bytes as f64 / json as f64;
        println!(
            "  {count:>8} {:>6.1} MiB {:>6.2} MiB {:>6.2}x {:>6.2}x {:>8.2}x {:>8.2}x {:>10.2} MiB",
            json as f64 / MIB,
            transport as f64 / MIB,
            times(floor),
            times(send),
            times(floor.saturating_sub(transport)),
            times(send.saturating_sub(transport)),
            stream as f64 / MIB,
        );
    }
}
