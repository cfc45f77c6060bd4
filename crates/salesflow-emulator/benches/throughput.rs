//! How fast the emulator starts and how many requests a second it answers, against a floor
//! measured in the same run: a bare axum server that answers every request with the same
//! bytes (no token, no parameters, no state), served and called the same way.
//!
//! ```text
//! cargo bench -p salesflow-emulator --bench throughput            # every figure
//! cargo bench -p salesflow-emulator --bench throughput -- --quick # a short run
//! ```

use std::time::{Duration, Instant};

use salesflow_emulator::{Emulator, EmulatorConfig};

/// The median of `values`.
fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A server that answers every request with `body`: the floor.
async fn floor_server(body: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(move || async move {
        ([("content-type", "application/json; charset=utf-8")], body)
    });
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{address}")
}

/// Requests a second: `concurrency` callers sending `url` for `time`.
async fn rate(http: &reqwest::Client, url: &str, concurrency: usize, time: Duration) -> f64 {
    let started = Instant::now();
    let mut callers = Vec::new();
    for _ in 0..concurrency {
        let http = http.clone();
        let url = url.to_owned();
        callers.push(tokio::spawn(async move {
            let mut done = 0u64;
            while started.elapsed() < time {
                let answer = http.get(&url).send().await.unwrap();
                assert!(answer.status().is_success(), "{}", answer.status());
                answer.bytes().await.unwrap();
                done += 1;
            }
            done
        }));
    }
    let mut total = 0;
    for caller in callers {
        total += caller.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    // On a worker, as every server task: the `block_on` thread is woken across threads,
    // which would add its own latency to every figure.
    runtime.block_on(async move { tokio::spawn(run(quick)).await.unwrap() });
}

async fn run(quick: bool) {
    // Deprecated in rustls 0.23.48 (no post-quantum key exchange); ring builds fast.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    println!(
        "salesflow-emulator {} throughput ({} run)",
        env!("CARGO_PKG_VERSION"),
        if quick { "quick" } else { "full" }
    );

    // Start: from `Emulator::start` to its first answer.
    let mut starts = Vec::new();
    for _ in 0..if quick { 5 } else { 21 } {
        let started = Instant::now();
        let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
        let url = format!(
            "{}/accounts/list?token={}",
            emulator.base_url(),
            emulator.token()
        );
        http.get(&url).send().await.unwrap().bytes().await.unwrap();
        starts.push(started.elapsed().as_secs_f64() * 1e3);
    }
    println!(
        "start, in process, to the first answer: median {:.2} ms",
        median(&mut starts)
    );

    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let token = emulator.token().to_owned();
    let list = format!(
        "{}/campaigns/list-campaigns?token={token}&accountId=321",
        emulator.base_url()
    );
    // The same bytes the emulator answers with, served by the floor.
    let body: &'static [u8] = http
        .get(&list)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec()
        .leak();
    let floor = floor_server(body).await;
    let import = |n: u64| {
        format!(
            "{}/members/Import?token={token}&accountId=321&campaignId=789&linkedInUrl=https://www.linkedin.com/in/bench-{n}&firstName=B",
            emulator.base_url()
        )
    };
    let time = Duration::from_millis(if quick { 300 } else { 1000 });
    let rounds = if quick { 3 } else { 7 };
    for concurrency in [1, 8] {
        let (mut emulated, mut floors, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..rounds {
            let a = rate(&http, &list, concurrency, time).await;
            let b = rate(&http, &floor, concurrency, time).await;
            emulated.push(a);
            floors.push(b);
            ratios.push(a / b);
        }
        println!(
            "listCampaigns, {concurrency} caller(s): {:>7.0} requests/s; floor {:>7.0}/s; emulator {:.2}x the floor",
            median(&mut emulated),
            median(&mut floors),
            median(&mut ratios)
        );
    }
    // Writes: imports, each a new member, then a listing of all of them.
    let count = if quick { 500 } else { 2000 };
    let started = Instant::now();
    let mut last_quarter = started;
    for n in 0..count {
        if n == count * 3 / 4 {
            last_quarter = Instant::now();
        }
        http.get(import(n))
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
    }
    let rate_of_imports = count as f64 / started.elapsed().as_secs_f64();
    let rate_at_the_end = (count / 4) as f64 / last_quarter.elapsed().as_secs_f64();
    let all = format!(
        "{}/members/list-contacts-by-accountid?token={token}&accountId=321",
        emulator.base_url()
    );
    let started = Instant::now();
    let listed = http.get(&all).send().await.unwrap().bytes().await.unwrap();
    println!(
        "importMember, 1 caller: {rate_of_imports:.0} requests/s ({rate_at_the_end:.0}/s for the last quarter); then listing the {count} members ({:.1} MB): {:.1} ms",
        listed.len() as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1e3
    );

    // The cost of an import does not grow with the campaign: into one of 100,000 members
    // against into an empty one, alternating, paired rounds.
    let crowded = Emulator::start(EmulatorConfig::default()).await.unwrap();
    {
        let mut state = crowded.state();
        for id in 1..=100_000 {
            let member: salesflow_emulator::Contact = serde_json::from_value(serde_json::json!({
                "MemberId": id, "CampaignId": 789, "PublicIdentifier": format!("member-{id}"),
                "MemberUrl": format!("https://www.linkedin.com/in/member-{id}"),
            }))
            .unwrap();
            state.contacts.insert(id, member);
        }
    }
    let empty = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let batch = if quick { 100 } else { 300 };
    let mut round = 0u64;
    let mut imports = |target: &Emulator| {
        round += 1;
        let urls: Vec<String> = (0..batch)
            .map(|n| {
                format!(
                    "{}/members/Import?token={token}&accountId=321&campaignId=789&linkedInUrl=https://www.linkedin.com/in/r{round}-{n}",
                    target.base_url()
                )
            })
            .collect();
        let http = http.clone();
        async move {
            let started = Instant::now();
            for url in urls {
                http.get(url).send().await.unwrap().bytes().await.unwrap();
            }
            batch as f64 / started.elapsed().as_secs_f64()
        }
    };
    // The first lookup of the crowded one makes its index: not part of the figure.
    imports(&crowded).await;
    let (mut rates_crowded, mut rates_empty, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for turn in 0..rounds {
        let (crowded_rate, empty_rate) = if turn % 2 == 0 {
            let a = imports(&crowded).await;
            (a, imports(&empty).await)
        } else {
            let b = imports(&empty).await;
            (imports(&crowded).await, b)
        };
        rates_crowded.push(crowded_rate);
        rates_empty.push(empty_rate);
        ratios.push(empty_rate / crowded_rate);
    }
    println!(
        "importMember into a campaign of 100,000 members: {:.0} requests/s; into an empty one {:.0}/s; time {:.2}x",
        median(&mut rates_crowded),
        median(&mut rates_empty),
        median(&mut ratios)
    );
}
