//! Project automation. `cargo xtask gen [--check]` regenerates the client from the spec.

#![forbid(unsafe_code)]

mod builder_docs;
mod builder_rewrite;
mod cli_columns;
mod cli_fix;
mod constraints;
mod doc_comments;
mod examples;
mod generate;
mod mcp_tools;
mod mock_fix;
mod nullable_lists;
mod operations;
#[cfg(test)]
mod pass_tests;
mod spec_check;
mod spec_json;
mod stable_shape;
mod struct_builders;
mod syntax;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  gen           regenerate the client and its httpmock helpers from spec/salesflow.yaml
  gen --check   fail, printing a diff, if the committed generated files are stale
  spec-check    lint the spec (openapi-spec-validator, Redocly, Spectral), type-check
                TypeScript types generated from it, and run a Python and the Rust
                client against a Prism mock of it (needs node, npm and python3)
  docs          render the spec to target/doc/salesflow-api.html with Redocly
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["gen"] => generate::run(&workspace_root(), generate::Mode::Write),
        ["gen", "--check"] => generate::run(&workspace_root(), generate::Mode::Check),
        ["spec-check"] => spec_check::spec_check(&workspace_root()).map(|()| true),
        ["docs"] => spec_check::docs(&workspace_root()).map(|()| true),
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
