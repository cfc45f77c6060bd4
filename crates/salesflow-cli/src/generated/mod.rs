//! What `cargo xtask gen` writes from spec/salesflow.yaml, walled off here and never edited
//! by hand: progenitor's command-line interface (one subcommand per operation), and the
//! columns of each list's CSV and table output in the spec's order.

#[allow(missing_docs, unused, clippy::all, clippy::pedantic)]
pub(crate) mod cli;
#[allow(clippy::all)]
pub(crate) mod columns;
