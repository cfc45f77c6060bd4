//! Project automation. `cargo xtask gen [--check]` regenerates the client from the spec.

#![forbid(unsafe_code)]

mod builder_rewrite;
mod constraints;
mod doc_comments;
mod generate;
mod mock_fix;
mod operations;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  gen           regenerate the client and its httpmock helpers from spec/salesflow.yaml
  gen --check   fail, printing a diff, if the committed generated files are stale
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["gen"] => generate::run(&workspace_root(), generate::Mode::Write),
        ["gen", "--check"] => generate::run(&workspace_root(), generate::Mode::Check),
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("xtask: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives one level below it.
fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
