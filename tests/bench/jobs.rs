//! The two long jobs against a hand-written floor, measured in one run, against the
//! emulator on 127.0.0.1:
//!
//! ```text
//! cargo bench -p salesflow-tests --bench jobs            # 7 rounds
//! cargo bench -p salesflow-tests --bench jobs -- --quick # 3 rounds, to try it
//! ```
//!
//! - **import**: 10,000 rows into a campaign, 4 requests at a time. The floor is the loop a
//!   user writes by hand: reqwest, `buffer_unordered(4)`, nothing recorded. The importer
//!   checks every row first, lists the campaign once to skip its members, and syncs its
//!   journal to disk before each request (second figure: without the campaign listing,
//!   `allow_duplicates`, as the importer was before it had one; third: what the listing
//!   costs, the first over the second, per round).
//! - **sync**: 50,000 contacts into a new file. The floor downloads the listing with
//!   reqwest, decodes it into `serde_json::Value`s and writes one line each, then syncs the
//!   file: a sync without state, dedupe or streaming. The SDK's `Syncer` streams the
//!   listing into an `NdjsonSink` (and, second figure, a `SqliteSink`). Then, in rounds of
//!   their own, the floor, SQLite and a `PostgresSink` into a throw-away PostgreSQL on
//!   127.0.0.1 (its schema dropped before each of its turns, off the clock): PostgreSQL over
//!   the floor, and over SQLite in the same round.
//!
//! Each figure is SDK time over floor time: the median of per-round ratios, rounds
//! alternating which goes first (this machine is noisy), with the spread and both rates.

#[path = "median.rs"]
mod median;

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use futures_util::stream::{self, StreamExt};
use salesflow::{Client, ClientBuilder, RetryPolicy};
use salesflow_emulator::{Contact, Emulator, EmulatorConfig, Seed};
use salesflow_ext::sync::{NdjsonSink, PostgresSink, SqliteSink, SyncState, Syncer};
use salesflow_ext::{ImportRow, Importer};

use median::median;

const IMPORT_ROWS: usize = 10_000;
const SYNC_CONTACTS: i64 = 50_000;
const CONCURRENCY: usize = 4;

fn client(emulator: &Emulator) -> Client {
    ClientBuilder::new()
        .token(emulator.token())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("salesflow-bench-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn rows() -> Vec<ImportRow> {
    (0..IMPORT_ROWS)
        .map(|i| {
            ImportRow::new(format!("https://www.linkedin.com/in/lead-{i}"))
                .first_name(format!("First{i}"))
                .last_name("Last")
                .occupation("Head of Sales")
                .custom_fields([format!("c{i}")])
        })
        .collect()
}

/// The floor of an import: each row's request, 4 at a time, nothing recorded.
async fn import_floor(http: &reqwest::Client, emulator: &Emulator, rows: &[ImportRow]) {
    let url = format!("{}/members/Import", emulator.base_url());
    let token = emulator.token().to_owned();
    let sent = stream::iter(rows)
        .map(|row| {
            let request = http.get(&url).query(&[
                ("accountId", "321"),
                ("campaignId", "789"),
                ("linkedInUrl", row.linkedin_url.as_str()),
                ("firstName", row.first_name.as_deref().unwrap_or("")),
                ("lastName", row.last_name.as_deref().unwrap_or("")),
                ("occupation", row.occupation.as_deref().unwrap_or("")),
                ("customFields", row.custom_fields[0].as_str()),
                ("token", token.as_str()),
            ]);
            async move {
                let answer = request.send().await.unwrap();
                assert!(answer.status().is_success());
                let member: serde_json::Value = answer.json().await.unwrap();
                assert!(member["MemberId"].is_i64());
            }
        })
        .buffer_unordered(CONCURRENCY);
    sent.for_each(|()| async {}).await;
}

async fn import_sdk(emulator: &Emulator, rows: &[ImportRow], journal: PathBuf, lookup: bool) {
    let client = client(emulator);
    let importer = Importer::new(&client, 321, 789)
        .concurrency(CONCURRENCY)
        .journal(journal)
        .allow_duplicates(!lookup);
    let summary = importer.run(rows, |_| {}).await.unwrap();
    assert_eq!(summary.imported as usize, IMPORT_ROWS);
}

fn sync_seed() -> Seed {
    let start = chrono::DateTime::from_timestamp(1_717_236_000, 0).unwrap();
    let contacts = (1..=SYNC_CONTACTS)
        .map(|id| {
            let time = start + chrono::Duration::seconds(id * 7);
            serde_json::from_value::<Contact>(serde_json::json!({
                "MemberId": id,
                "CampaignId": if id % 2 == 0 { 789 } else { 790 },
                "FirstName": format!("First{id}"),
                "LastName": "Last",
                "Location": "Berlin Area, Germany",
                "Occupation": format!("Head of Sales at Company {id}"),
                "Company": format!("Company {id}"),
                "Email": format!("p{id}@example.com"),
                "PublicIdentifier": format!("member-{id}"),
                "MemberUrl": format!("https://www.linkedin.com/in/member-{id}"),
                "AddedAt": time,
                "LastModifiedAt": if id % 3 == 0 { None } else { Some(time) },
            }))
            .unwrap()
        })
        .collect();
    Seed {
        contacts,
        ..Seed::default()
    }
}

/// The floor of a sync: the whole listing, decoded, a line each, synced.
async fn sync_floor(http: &reqwest::Client, emulator: &Emulator, path: &std::path::Path) {
    let url = format!(
        "{}/members/list-contacts-by-accountid?accountId=321&token={}",
        emulator.base_url(),
        emulator.token()
    );
    let body = http.get(url).send().await.unwrap().bytes().await.unwrap();
    let contacts: Vec<serde_json::Value> = serde_json::from_slice(&body).unwrap();
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for contact in &contacts {
        serde_json::to_writer(&mut file, contact).unwrap();
        file.write_all(b"\n").unwrap();
    }
    file.into_inner().unwrap().sync_data().unwrap();
    assert_eq!(contacts.len() as i64, SYNC_CONTACTS);
}

async fn sync_sdk(emulator: &Emulator, path: &std::path::Path, sqlite: bool) {
    let client = client(emulator);
    let state_path = path.with_extension("state.json");
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(&state_path);
    // The state is saved as the sync goes: before the first write, at each checkpoint, at
    // the end.
    let mut state = SyncState::load(&state_path, "contacts", &Syncer::scope(321, None)).unwrap();
    let syncer = Syncer::new(&client, 321);
    let report = if sqlite {
        let mut sink = SqliteSink::new(path);
        syncer
            .contacts(None, &mut state, &mut sink, |_| {})
            .await
            .unwrap()
    } else {
        let mut sink = NdjsonSink::new(path);
        syncer
            .contacts(None, &mut state, &mut sink, |_| {})
            .await
            .unwrap()
    };
    assert_eq!(report.written as i64, SYNC_CONTACTS);
}

async fn sync_postgres(emulator: &Emulator, url: &str) {
    let mut sink = PostgresSink::<salesflow::types::Contact>::new(url);
    let mut state = sink.load_state(&Syncer::scope(321, None)).await.unwrap();
    let report = Syncer::new(&client(emulator), 321)
        .contacts(None, &mut state, &mut sink, |_| {})
        .await
        .unwrap();
    assert_eq!(report.written as i64, SYNC_CONTACTS);
}

/// Runs `rounds` rounds of three contenders (0: the floor; 1 and 2: the SDK two ways),
/// alternating which goes first; `run(round, which)` returns the seconds its turn took.
/// Returns the per-round (floor, SDK) times of the two SDK ways.
async fn alternating<F, Fut>(rounds: usize, mut run: F) -> [Vec<(f64, f64)>; 2]
where
    F: FnMut(usize, usize) -> Fut,
    Fut: std::future::Future<Output = f64>,
{
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut times = [0.0; 3];
        let order: [usize; 3] = if round % 2 == 0 { [0, 1, 2] } else { [2, 1, 0] };
        for which in order {
            times[which] = run(round, which).await;
        }
        first.push((times[0], times[1]));
        second.push((times[0], times[2]));
    }
    [first, second]
}

/// Prints one figure from per-round (floor, sdk) times.
fn report(label: &str, units: f64, mut pairs: Vec<(f64, f64)>) {
    let mut ratios: Vec<f64> = pairs.iter().map(|(floor, sdk)| sdk / floor).collect();
    let ratio = median(&mut ratios);
    let mut floors: Vec<f64> = pairs.iter().map(|p| p.0).collect();
    let mut sdks: Vec<f64> = pairs.drain(..).map(|p| p.1).collect();
    let (floor, sdk) = (median(&mut floors), median(&mut sdks));
    println!(
        "{label:<56} SDK {ratio:.3}x the floor (rounds {:.3}–{:.3}x); floor {:>8.0}/s, SDK {:>8.0}/s",
        ratios[0],
        ratios[ratios.len() - 1],
        units / floor,
        units / sdk,
    );
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick");
    let rounds = if quick { 3 } else { 7 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // Built after an SDK client, which installs rustls's crypto provider.
        let _ = client(&Emulator::start(EmulatorConfig::default()).await.unwrap());
        let http = reqwest::Client::new();
        println!(
            "salesflow-rs {} jobs benchmark: {rounds} rounds, against the emulator on 127.0.0.1",
            env!("CARGO_PKG_VERSION")
        );
        let rows = rows();
        let dir = scratch("jobs");
        // Each import gets a new emulator (an empty campaign), started before the clock.
        let [looked_up, not_looked_up] = alternating(rounds, |round, which| {
            let (http, rows, dir) = (&http, &rows, &dir);
            async move {
                let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
                let journal = dir.join(format!("round-{round}-{which}.journal"));
                let started = Instant::now();
                match which {
                    0 => import_floor(http, &emulator, rows).await,
                    1 => import_sdk(&emulator, rows, journal, true).await,
                    _ => import_sdk(&emulator, rows, journal, false).await,
                }
                started.elapsed().as_secs_f64()
            }
        })
        .await;
        let mut lookup_costs: Vec<f64> = looked_up
            .iter()
            .zip(&not_looked_up)
            .map(|(with, without)| with.1 / without.1)
            .collect();
        report(
            &format!("import {IMPORT_ROWS} rows, campaign listed, journal synced"),
            IMPORT_ROWS as f64,
            looked_up,
        );
        report(
            &format!("import {IMPORT_ROWS} rows, no campaign listing"),
            IMPORT_ROWS as f64,
            not_looked_up,
        );
        let cost = median(&mut lookup_costs);
        println!(
            "{:<56} {cost:.3}x the import without it (rounds {:.3}–{:.3}x)",
            "the campaign listing",
            lookup_costs[0],
            lookup_costs[lookup_costs.len() - 1]
        );

        let emulator = Emulator::start(EmulatorConfig {
            seed: sync_seed(),
            ..EmulatorConfig::default()
        })
        .await
        .unwrap();
        let [ndjson, sqlite] = alternating(rounds, |_, which| {
            let (http, emulator, dir) = (&http, &emulator, &dir);
            async move {
                let started = Instant::now();
                match which {
                    0 => sync_floor(http, emulator, &dir.join("floor.ndjson")).await,
                    1 => sync_sdk(emulator, &dir.join("sdk.ndjson"), false).await,
                    _ => sync_sdk(emulator, &dir.join("sdk.sqlite"), true).await,
                }
                started.elapsed().as_secs_f64()
            }
        })
        .await;
        report(
            &format!("sync {SYNC_CONTACTS} contacts into NDJSON"),
            SYNC_CONTACTS as f64,
            ndjson,
        );
        report(
            &format!("sync {SYNC_CONTACTS} contacts into SQLite"),
            SYNC_CONTACTS as f64,
            sqlite,
        );

        let postgres =
            tokio::task::spawn_blocking(salesflow_test_support::postgres::Postgres::start)
                .await
                .unwrap();
        let url = postgres.url();
        let [sqlite, into_postgres] = alternating(rounds, |_, which| {
            let (http, emulator, dir, postgres, url) = (&http, &emulator, &dir, &postgres, &url);
            async move {
                if which == 2 {
                    postgres.query("DROP SCHEMA IF EXISTS salesflow CASCADE");
                }
                let started = Instant::now();
                match which {
                    0 => sync_floor(http, emulator, &dir.join("floor.ndjson")).await,
                    1 => sync_sdk(emulator, &dir.join("sdk.sqlite"), true).await,
                    _ => sync_postgres(emulator, url).await,
                }
                started.elapsed().as_secs_f64()
            }
        })
        .await;
        let mut over_sqlite: Vec<f64> = sqlite
            .iter()
            .zip(&into_postgres)
            .map(|(lite, pg)| pg.1 / lite.1)
            .collect();
        report(
            &format!("sync {SYNC_CONTACTS} contacts into PostgreSQL"),
            SYNC_CONTACTS as f64,
            into_postgres,
        );
        let ratio = median(&mut over_sqlite);
        println!(
            "{:<56} {ratio:.3}x the time into SQLite (rounds {:.3}–{:.3}x)",
            "PostgreSQL over SQLite, same rounds",
            over_sqlite[0],
            over_sqlite[over_sqlite.len() - 1]
        );
        std::fs::remove_dir_all(dir).unwrap();
    });
}
