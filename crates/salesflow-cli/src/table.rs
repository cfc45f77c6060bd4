//! A table written as its rows arrive: a Markdown table whose column widths come from the
//! first rows (later, longer cells widen their own row, never cut), or, when that table
//! would be wider than the terminal, each record as a block of `Column | value` lines.

use std::io::{self, Write};

use unicode_width::UnicodeWidthStr;

/// How many rows are held to measure the columns before the first is written.
const MEASURED_ROWS: usize = 100;

/// A table being written to `out`.
pub struct StreamTable<W: Write> {
    out: W,
    columns: Vec<String>,
    /// The terminal's width, if output goes to one that wide (`None`: no limit).
    max_width: Option<usize>,
    held: Vec<Vec<String>>,
    layout: Option<Layout>,
    records: usize,
}

enum Layout {
    /// One line per row, cells padded to these widths.
    Rows(Vec<usize>),
    /// One block per record, names padded to this width.
    Vertical(usize),
}

impl<W: Write> StreamTable<W> {
    /// A table of `columns`, vertical if it would be wider than `max_width`.
    pub fn new(out: W, columns: Vec<String>, max_width: Option<usize>) -> Self {
        Self {
            out,
            columns,
            max_width,
            held: Vec::new(),
            layout: None,
            records: 0,
        }
    }

    /// Adds a row (one cell per column).
    pub fn row(&mut self, row: Vec<String>) -> io::Result<()> {
        if self.layout.is_none() {
            self.held.push(row);
            if self.held.len() >= MEASURED_ROWS {
                self.lay_out()?;
            }
            return Ok(());
        }
        self.write_row(&row)
    }

    /// Writes what is held (the header, for no rows) and flushes.
    pub fn finish(mut self) -> io::Result<()> {
        if self.layout.is_none() {
            self.lay_out()?;
        }
        self.out.flush()
    }

    fn lay_out(&mut self) -> io::Result<()> {
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.width().max(3)).collect();
        for row in &self.held {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.width());
            }
        }
        // `| a | b |`: each column takes its width and 3, plus the closing bar.
        let total: usize = widths.iter().map(|w| w + 3).sum::<usize>() + 1;
        let layout = if !self.held.is_empty() && self.max_width.is_some_and(|max| total > max) {
            Layout::Vertical(self.columns.iter().map(|c| c.width()).max().unwrap_or(0))
        } else {
            let header = self.columns.clone();
            write_line(&mut self.out, &header, &widths)?;
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            let line: Vec<String> = rule.iter().map(|r| format!("-{r}-")).collect();
            writeln!(self.out, "|{}|", line.join("|"))?;
            Layout::Rows(widths)
        };
        self.layout = Some(layout);
        for row in std::mem::take(&mut self.held) {
            self.write_row(&row)?;
        }
        Ok(())
    }

    fn write_row(&mut self, row: &[String]) -> io::Result<()> {
        self.records += 1;
        match &self.layout {
            Some(Layout::Rows(widths)) => write_line(&mut self.out, row, widths),
            Some(Layout::Vertical(name_width)) => {
                let title = format!("-[ record {} ]", self.records);
                let rule = (name_width + 3).saturating_sub(title.width()).max(3);
                writeln!(self.out, "{title}{}", "-".repeat(rule))?;
                for (name, cell) in self.columns.iter().zip(row) {
                    let pad = name_width - name.width();
                    let gap = if cell.is_empty() { "" } else { " " };
                    writeln!(self.out, "{name}{} |{gap}{cell}", " ".repeat(pad))?;
                }
                Ok(())
            }
            None => unreachable!("rows are written once laid out"),
        }
    }
}

fn write_line(out: &mut impl Write, cells: &[String], widths: &[usize]) -> io::Result<()> {
    write!(out, "|")?;
    for (cell, width) in cells.iter().zip(widths) {
        let pad = width.saturating_sub(cell.width());
        write!(out, " {cell}{} |", " ".repeat(pad))?;
    }
    writeln!(out)
}

/// The width of the terminal standard output goes to, or `COLUMNS` when set (as shells
/// set it), or none when output goes to a file or a pipe.
pub fn terminal_width() -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0)
    {
        return Some(columns);
    }
    terminal_size::terminal_size_of(std::io::stdout()).map(|(width, _)| usize::from(width.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]], max_width: Option<usize>) -> String {
        let mut out = Vec::new();
        let mut table = StreamTable::new(&mut out, vec!["Id".into(), "Name".into()], max_width);
        for row in rows {
            table
                .row(row.iter().map(|c| (*c).to_owned()).collect())
                .unwrap();
        }
        table.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_narrow_table_is_markdown_measured_from_its_rows() {
        assert_eq!(
            table(&[&["1", "Ann"], &["22", "María Müller"]], Some(80)),
            "| Id  | Name         |\n|-----|--------------|\n| 1   | Ann          |\n| 22  | María Müller |\n"
        );
        assert_eq!(
            table(&[], None),
            "| Id  | Name |\n|-----|------|\n",
            "a header for no rows"
        );
    }

    #[test]
    fn a_table_wider_than_the_terminal_shows_records_vertically() {
        assert_eq!(
            table(&[&["1", "Ann"], &["2", "Bo"]], Some(10)),
            "-[ record 1 ]---\nId   | 1\nName | Ann\n-[ record 2 ]---\nId   | 2\nName | Bo\n"
        );
    }

    #[test]
    fn rows_after_the_measured_ones_are_never_cut() {
        let mut rows: Vec<&[&str]> = vec![&["1", "a"]; MEASURED_ROWS];
        rows.push(&["2", "a much longer name"]);
        let text = table(&rows, None);
        assert!(text.ends_with("| 2   | a much longer name |\n"), "{text}");
    }
}
