//! A caller's own `async fn` that takes `&Client` and calls the SDK can be spawned: its
//! future is `Send`. (A pipeline holding a closure over the generic builder made rustc
//! refuse this with "implementation of `Call` is not general enough"; an axum handler or an
//! MCP server that calls a helper meets it.) The same holds for an import of a CSV file: its
//! rows are read through a `Send` iterator.

use futures_util::StreamExt;
use salesflow::Client;
use salesflow_emulator::{Emulator, EmulatorConfig};
use salesflow_ext::{CsvFile, ImportEvent, Importer};

async fn one_record(client: &Client) -> Result<String, salesflow::Error> {
    let campaigns = client.list_campaigns().account_id(321).send().await?;
    Ok(format!("{} campaigns", campaigns.len()))
}

async fn streamed(client: &Client) -> usize {
    let items = client.list_contacts_by_account().account_id(321).stream();
    items.count().await
}

async fn checked(client: &Client) -> bool {
    client
        .get_contact()
        .account_id(321)
        .member_id(1)
        .check()
        .is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn helpers_taking_a_client_by_reference_can_be_spawned() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::with_base_url(&emulator.base_url(), emulator.token()).unwrap();
    let (a, b, c) = (client.clone(), client.clone(), client);
    let one = tokio::spawn(async move { one_record(&a).await });
    let many = tokio::spawn(async move { streamed(&b).await });
    let check = tokio::spawn(async move { checked(&c).await });
    assert_eq!(one.await.unwrap().unwrap(), "2 campaigns");
    many.await.unwrap();
    assert!(check.await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_of_a_csv_file_can_be_spawned() {
    let emulator = Emulator::start(EmulatorConfig::default()).await.unwrap();
    let client = Client::with_base_url(&emulator.base_url(), emulator.token()).unwrap();
    let dir = std::env::temp_dir().join(format!("salesflow-spawned-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("leads.csv");
    std::fs::write(
        &path,
        "LinkedIn URL,First Name\r\n\
         https://www.linkedin.com/in/spawned-one,Ann\r\n\
         https://www.linkedin.com/in/spawned-two,Bo\r\n",
    )
    .unwrap();
    let import = tokio::spawn(async move {
        let leads = CsvFile::open(&path).unwrap();
        let mut rows = 0;
        let summary = Importer::new(&client, 321, 789)
            .run(&leads, |event| {
                if let ImportEvent::Row(_) = event {
                    rows += 1;
                }
            })
            .await
            .unwrap();
        (summary.imported, rows)
    });
    assert_eq!(import.await.unwrap(), (2, 2));
    std::fs::remove_dir_all(&dir).unwrap();
}
