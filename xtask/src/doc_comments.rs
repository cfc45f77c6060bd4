//! Rewrites `/** */` doc comments as `///` lines, so rustdoc reads them as the spec wrote them.
//!
//! prettyplease prints a multi-line doc string as a block comment whose first line starts
//! right after `/**` and whose other lines start at column 0; rustfmt then indents those
//! lines like the item, and rustdoc sees every paragraph after the first as an indented code
//! block (and runs it as a doctest).

/// Returns `source` with each block doc comment turned into line doc comments.
pub fn block_to_line_docs(source: &str) -> String {
    let mut out = String::with_capacity(source.len() + source.len() / 8);
    let mut lines = source.lines();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let Some(first) = trimmed
            .strip_prefix("/**")
            .filter(|_| !trimmed.starts_with("/***"))
        else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        let indent = &line[..line.len() - trimmed.len()];
        let mut current = first;
        loop {
            if let Some(end) = current.find("*/") {
                push_doc_line(&mut out, indent, &current[..end]);
                let after = current[end + 2..].trim();
                if !after.is_empty() {
                    out.push_str(indent);
                    out.push_str(after);
                    out.push('\n');
                }
                break;
            }
            push_doc_line(&mut out, indent, current);
            let Some(next) = lines.next() else { break };
            // The lines inside the block are the doc string's own lines, unindented.
            current = next;
        }
    }
    out
}

fn push_doc_line(out: &mut String, indent: &str, text: &str) {
    out.push_str(indent);
    out.push_str("///");
    if !text.trim().is_empty() {
        out.push(' ');
        out.push_str(text.trim_end());
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::block_to_line_docs;

    #[test]
    fn a_block_doc_becomes_line_docs_with_relative_indentation_kept() {
        let source = "    /**Title\n\nText `x`.\n\n```ignore\nlet a = b\n    .c();\n```*/\n    pub fn f() {}\n";
        let expected = "    /// Title\n    ///\n    /// Text `x`.\n    ///\n    /// ```ignore\n    /// let a = b\n    ///     .c();\n    /// ```\n    pub fn f() {}\n";
        assert_eq!(block_to_line_docs(source), expected);
    }

    #[test]
    fn a_one_line_block_doc_and_other_code_are_kept() {
        let source = "/**One line*/\nfn g() { let x = 1; }\n";
        assert_eq!(
            block_to_line_docs(source),
            "/// One line\nfn g() { let x = 1; }\n"
        );
    }
}
