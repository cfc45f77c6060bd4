//! `salesflow_ext::Importer` against the emulator with injected faults: a lost answer is
//! looked up in the campaign instead of being sent again; a journal's "sent" row without an
//! answer is found there on the next run.

use std::time::Duration;

use salesflow::{Client, ClientBuilder, RetryPolicy};
use salesflow_emulator::{Emulator, EmulatorConfig, Fault, Faults};
use salesflow_ext::{ImportEvent, ImportRow, ImportStop, Importer, RowOutcome, RowStatus};

const ACCOUNT: i64 = 321;
const CAMPAIGN: i64 = 789;

fn client(emulator: &Emulator) -> Client {
    ClientBuilder::new()
        .token(emulator.token())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::default().initial_delay(Duration::from_millis(10)))
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn rows(count: usize) -> Vec<ImportRow> {
    (0..count)
        .map(|i| {
            ImportRow::new(format!("https://www.linkedin.com/in/row-{i}"))
                .first_name(format!("Row{i}"))
                .custom_fields([format!("c{i}")])
        })
        .collect()
}

fn members_per_profile(emulator: &Emulator) -> Vec<usize> {
    let state = emulator.state();
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    for contact in state
        .contacts
        .values()
        .filter(|c| c.campaign_id == CAMPAIGN)
    {
        *counts
            .entry(contact.public_identifier.clone().unwrap_or_default())
            .or_default() += 1;
    }
    counts.into_values().collect()
}

async fn import(
    importer: &Importer,
    rows: &[ImportRow],
) -> (Vec<RowOutcome>, salesflow_ext::ImportSummary) {
    let mut outcomes = Vec::new();
    let summary = importer
        .run(rows, |event| {
            if let ImportEvent::Row(outcome) = event {
                outcomes.push(outcome.clone());
            }
        })
        .await
        .unwrap();
    (outcomes, summary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lost_answers_are_looked_up_not_sent_again() {
    let emulator = Emulator::start(EmulatorConfig {
        faults: Faults {
            every: 2,
            kinds: vec![
                Fault::Timeout,
                Fault::Reset,
                Fault::TooManyRequests,
                Fault::Unavailable,
                Fault::Drop,
            ],
            operations: vec!["importMember".to_owned()],
            stall_ms: 600,
            ..Faults::default()
        },
        ..EmulatorConfig::default()
    })
    .await
    .unwrap();
    let client = client(&emulator);
    let rows = rows(40);
    let importer = Importer::new(&client, ACCOUNT, CAMPAIGN)
        .concurrency(6)
        .tries(6, Duration::from_millis(50));
    let (outcomes, summary) = import(&importer, &rows).await;
    assert!(summary.is_complete(), "{summary:?}");
    assert_eq!(
        summary.imported + summary.already_in_campaign,
        40,
        "{summary:?}"
    );
    assert!(
        summary.already_in_campaign >= 4,
        "timeouts and resets after the import are found in the campaign: {summary:?}"
    );
    assert_eq!(outcomes.len(), 40);
    assert!(
        outcomes
            .iter()
            .all(|o| o.member_id.is_some() && o.status.is_done())
    );
    assert_eq!(
        members_per_profile(&emulator),
        vec![1; 40],
        "each row exactly once"
    );
    assert!(emulator.faults().injected >= 20, "{:?}", emulator.faults());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_sent_without_a_recorded_answer_is_found_on_the_next_run() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let rows = rows(3);
    // The first run got as far as sending row 2 (imported, but its answer never recorded).
    let member = client
        .import_member()
        .account_id(ACCOUNT)
        .campaign_id(CAMPAIGN)
        .linked_in_url(rows[1].linkedin_url.as_str())
        .send()
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(format!("salesflow-import-lib-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let journal = dir.join("leads.journal");
    std::fs::write(
        &journal,
        format!(
            "{{\"salesflow_import\":1,\"account_id\":{ACCOUNT},\"campaign_id\":{CAMPAIGN}}}\n\
             {{\"row\":2,\"key\":\"row-1\",\"step\":\"sent\"}}\n"
        ),
    )
    .unwrap();
    let importer = Importer::new(&client, ACCOUNT, CAMPAIGN).journal(&journal);
    let (outcomes, summary) = import(&importer, &rows).await;
    let second = outcomes.iter().find(|o| o.row == 2).unwrap();
    assert_eq!(second.status, RowStatus::AlreadyInCampaign);
    assert_eq!(second.member_id, Some(member.member_id));
    assert_eq!((summary.imported, summary.requests), (2, 2), "{summary:?}");
    assert_eq!(members_per_profile(&emulator), vec![1; 3]);

    // A third run sends nothing: every row is settled in the journal.
    let (outcomes, summary) = import(&importer, &rows).await;
    assert_eq!(summary.requests, 0, "{summary:?}");
    assert!(outcomes.iter().all(|o| o.earlier), "{outcomes:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_import_reports_the_rest_pending() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = client(&emulator);
    let stop = ImportStop::new();
    stop.stop();
    let importer = Importer::new(&client, ACCOUNT, CAMPAIGN).stop_with(stop);
    let (outcomes, summary) = import(&importer, &rows(5)).await;
    assert!(summary.stopped);
    assert_eq!((summary.pending, summary.requests), (5, 0), "{summary:?}");
    assert!(outcomes.iter().all(|o| o.status == RowStatus::Pending));
}
