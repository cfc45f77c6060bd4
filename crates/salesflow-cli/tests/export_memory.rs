//! The peak memory of `salesflow list-contacts-by-account` exporting a big list, for every
//! format, as the kernel counts the process (`VmHWM`, its largest resident set, read from
//! /proc while it runs): it must not grow with the list. (`getrusage` of the children would
//! count the test's own pages, shared with the child until it runs the command.)

use std::process::{Command, Stdio};

use salesflow_test_support::big_list;
use salesflow_test_support::raw_server::{RawServer, Reply};

const MIB: i64 = 1 << 20;

/// The largest resident set of process `pid` so far, in bytes.
fn high_water_mark(pid: u32) -> Option<i64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: i64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// The peak of exporting `count` contacts in `format`.
fn export_peak(count: usize, format: &str) -> i64 {
    let body = big_list::contacts(count);
    let mut answer = Reply::head(body.len());
    answer.extend_from_slice(&body);
    drop(body);
    let server = RawServer::start(move |_, _| Reply::Bytes(answer.clone()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_salesflow"))
        .env("SALESFLOW_TOKEN", "memory-test-token")
        .env("SALESFLOW_BASE_URL", server.base_url())
        .env("COLUMNS", "80")
        .args([
            "list-contacts-by-account",
            "--account-id",
            "321",
            "--format",
            format,
        ])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut peak = 0;
    loop {
        // The mark only rises: the last reading before the end is the peak, give or take
        // the last 5 ms.
        if let Some(mark) = high_water_mark(child.id()) {
            peak = peak.max(mark);
        }
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "{format}");
            return peak;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn a_list_is_exported_at_memory_that_does_not_grow_with_it() {
    for format in ["json", "ndjson", "csv", "table"] {
        let small = export_peak(5_000, format);
        let big = export_peak(60_000, format);
        println!(
            "export as {format}: peak {:.1} MiB for 5,000 contacts, {:.1} MiB for 60,000 (28 MiB of JSON)",
            small as f64 / MIB as f64,
            big as f64 / MIB as f64
        );
        assert!(
            big <= small + 8 * MIB,
            "{format}: the peak grew with the list: {} MiB for 5,000, {} MiB for 60,000",
            small / MIB,
            big / MIB
        );
    }
}
