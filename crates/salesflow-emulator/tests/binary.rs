//! The `salesflow-emulator` binary: a seed file, a variant, and its refusals.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_salesflow-emulator");

#[tokio::test]
async fn it_serves_the_seed_it_is_given_with_the_variants_asked_for() {
    let seed = std::env::temp_dir().join(format!("emulator-seed-{}.json", std::process::id()));
    std::fs::write(
        &seed,
        r#"{"Token": "seeded-token",
            "Accounts": [{"AccountId": 1, "AccountEmail": "me@example.org"}],
            "Campaigns": [{"CampaignId": 10, "AccountId": 1, "CampaignName": "Leads"}],
            "Contacts": [{"MemberId": 5, "CampaignId": 10, "FirstName": "Ann", "LastName": "Lee",
                          "MemberUrl": "https://www.linkedin.com/in/ann-lee", "PublicIdentifier": "ann-lee"}]}"#,
    )
    .unwrap();
    let mut child = Command::new(BINARY)
        .args(["--port", "0", "--variant", "camel-case", "--fault", "503"])
        .args(["--fault-every", "2", "--seed"])
        .arg(&seed)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    // The banner: where, the token, each account with its campaigns, a call to try.
    let mut banner = String::new();
    while !banner.contains("control API at") {
        stderr.read_line(&mut banner).unwrap();
    }
    // The rest of what it says, read so that it is never written to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stderr, &mut std::io::sink()));
    let first = banner.lines().next().unwrap();
    let api = first
        .strip_prefix("salesflow-emulator: API at ")
        .and_then(|rest| rest.strip_suffix(" (token seeded-token)"))
        .unwrap_or_else(|| panic!("{banner}"))
        .to_owned();
    assert!(
        banner.contains("account 1 (ACCOUNT_ACTIVE): campaigns 10 \"Leads\" (CAMPAIGN_PAUSED)"),
        "{banner}"
    );
    assert!(
        banner.contains("accountId=1&token=seeded-token"),
        "{banner}"
    );
    // Deprecated in rustls 0.23.48 (no post-quantum key exchange); ring builds fast.
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let get = |path: String| {
        let http = http.clone();
        async move {
            let answer = http.get(path).send().await.unwrap();
            let status = answer.status().as_u16();
            (status, answer.json::<serde_json::Value>().await.unwrap())
        }
    };
    let (status, contact) = get(format!("{api}/members/5?token=seeded-token&accountId=1")).await;
    assert_eq!(status, 200);
    // Every second request fails with the fault asked for.
    let (status, unavailable) =
        get(format!("{api}/members/5?token=seeded-token&accountId=1")).await;
    assert_eq!(status, 503, "{unavailable}");
    assert_eq!(contact["firstName"], "Ann", "camelCase keys: {contact}");
    assert_eq!(contact["campaignName"], "Leads");
    assert_eq!(contact["status"], "MEMBER_IMPORTED");
    // The default seed's token is not this one.
    let (status, refused) = get(format!(
        "{api}/members/5?token=emulator-token-0123456789&accountId=1"
    ))
    .await;
    assert_eq!(status, 403);
    assert_eq!(refused["status"], 403);
    child.kill().unwrap();
    child.wait().unwrap();
    let _ = std::fs::remove_file(seed);
}

#[test]
fn bad_arguments_are_refused_with_what_to_do() {
    for (args, says) in [
        (&["--variant", "no-such"][..], "the variants are omit-nulls"),
        (&["--seed", "/no/such/seed.json"][..], "cannot read --seed"),
        (&["--port", "http"][..], "is not a port"),
        (&["--verbose"][..], "unknown argument"),
        (
            &["--fault", "slow"][..],
            "the faults are 429, 503, timeout, reset, drop",
        ),
        (&["--fault-every", "often"][..], "is not a number"),
    ] {
        let output = Command::new(BINARY).args(args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
}
