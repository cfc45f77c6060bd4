//! Progress of a long job (`import`, `sync`): a bar with rate and ETA on a terminal, and a
//! line every few seconds when stderr is a file or a pipe (a CI log, `nohup`).

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How often a line is written when stderr is not a terminal.
const LINE_EVERY: Duration = Duration::from_secs(5);

/// The progress of one job, in `unit`s (`rows`, `contacts`).
pub struct Progress {
    command: &'static str,
    unit: &'static str,
    bar: Option<ProgressBar>,
    started: Instant,
    last_line: Instant,
    done: u64,
    total: Option<u64>,
}

impl Progress {
    /// Progress shown on stderr, as a bar if it is a terminal.
    pub fn new(command: &'static str, unit: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(spinner_style(unit));
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        let now = Instant::now();
        Self {
            command,
            unit,
            bar,
            started: now,
            last_line: now,
            done: 0,
            total: None,
        }
    }

    /// How many there are in all, once known (the bar then shows an ETA).
    pub fn set_total(&mut self, total: u64) {
        self.total = Some(total);
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_style(
                ProgressStyle::with_template(&format!(
                    "{{bar:40}} {{human_pos}}/{{human_len}} {} ({{rate}}, {{eta}} left) {{msg}}",
                    self.unit
                ))
                .expect("a valid template")
                .with_key("rate", rate),
            );
        }
    }

    /// `n` more are done.
    pub fn advance(&mut self, n: u64) {
        self.done += n;
        match &self.bar {
            Some(bar) => bar.inc(n),
            None if self.last_line.elapsed() >= LINE_EVERY => {
                self.last_line = Instant::now();
                let line = self.line();
                self.say(&line);
            }
            None => {}
        }
    }

    /// A line on stderr, above the bar if there is one.
    pub fn say(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| write_line(line)),
            None => write_line(line),
        }
    }

    /// A line on stdout (a result), above the bar if there is one.
    pub fn print(&self, line: &str) {
        let print = || {
            let _ = writeln!(std::io::stdout(), "{line}");
        };
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    /// Removes the bar, writing nothing more: for a job refused before it began.
    pub fn clear(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }

    /// Removes the bar and writes where the job got to.
    pub fn finish(&mut self) {
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
        let line = self.line();
        self.say(&line);
    }

    fn line(&self) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = self.done as f64 / seconds;
        let mut line = format!("salesflow: {}: {}", self.command, self.done);
        if let Some(total) = self.total {
            line.push_str(&format!("/{total}"));
        }
        // "1 message", "2 messages", "1/300 rows".
        let unit = match self.total.unwrap_or(self.done) {
            1 => self.unit.strip_suffix('s').unwrap_or(self.unit),
            _ => self.unit,
        };
        line.push_str(&format!(" {unit} in {seconds:.1} s ({rate:.1}/s"));
        if let Some(total) = self.total
            && rate > 0.0
            && self.done < total
        {
            line.push_str(&format!(
                ", about {:.0} s left",
                (total - self.done) as f64 / rate
            ));
        }
        line.push(')');
        line
    }
}

fn spinner_style(unit: &str) -> ProgressStyle {
    ProgressStyle::with_template(&format!(
        "{{spinner}} {{human_pos}} {unit} ({{rate}}) {{msg}}"
    ))
    .expect("a valid template")
    .with_key("rate", rate)
}

/// The rate as people write it: `11.2/s`, not indicatif's `11.1897/s`.
fn rate(state: &indicatif::ProgressState, out: &mut dyn std::fmt::Write) {
    let _ = write!(out, "{:.1}/s", state.per_sec());
}

/// Writes a line on stderr; a closed stderr is not worth a panic.
fn write_line(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
