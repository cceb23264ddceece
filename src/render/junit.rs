//! JUnit XML, for CI systems that show test reports (GitLab `artifacts: reports: junit`,
//! Jenkins, Azure Pipelines): a test suite per file with findings and a failed test case
//! per finding; a clean run is one passing test case.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::{Output, help_uri, meta};
use crate::diagnostic::Diagnostic;

pub fn render(out: &Output<'_>) -> String {
    let mut files: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in out.report.active() {
        files.entry(&d.location.path).or_default().push(d);
    }
    let total: usize = files.values().map(Vec::len).sum();
    let time = out.report.elapsed.as_secs_f64();
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        s,
        "<testsuites name=\"twelve-lint\" tests=\"{}\" failures=\"{total}\" errors=\"0\" time=\"{time:.3}\">",
        total.max(1)
    );
    if files.is_empty() {
        let _ = writeln!(
            s,
            "  <testsuite name=\"twelve-lint\" tests=\"1\" failures=\"0\" errors=\"0\" skipped=\"0\">\n    <testcase name=\"no findings in {} file(s)\" classname=\"twelve-lint\"/>\n  </testsuite>",
            out.report.files_linted
        );
    }
    for (path, findings) in &files {
        let path = escape(path);
        let _ = writeln!(
            s,
            "  <testsuite name=\"{path}\" tests=\"{n}\" failures=\"{n}\" errors=\"0\" skipped=\"0\">",
            n = findings.len()
        );
        for d in findings {
            let m = meta(d);
            let l = &d.location;
            let _ = writeln!(
                s,
                "    <testcase name=\"{} {} at {path}:{}:{}\" classname=\"{path}\" file=\"{path}\" line=\"{}\">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                d.code,
                m.name,
                l.start.line,
                l.start.col,
                l.start.line,
                d.severity,
                escape(&d.message),
                escape(&format!(
                    "{}:{}:{}: {} [{}] {}\nhelp: {}\n{}",
                    l.path,
                    l.start.line,
                    l.start.col,
                    d.code,
                    d.severity,
                    d.message,
                    d.help,
                    help_uri(m)
                )),
            );
        }
        s.push_str("  </testsuite>\n");
    }
    s.push_str("</testsuites>\n");
    s
}

/// Escape text for an XML attribute or element; characters XML 1.0 cannot hold at all
/// (control characters, U+FFFE, U+FFFF) become U+FFFD.
fn escape(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => s.push_str("&amp;"),
            '<' => s.push_str("&lt;"),
            '>' => s.push_str("&gt;"),
            '"' => s.push_str("&quot;"),
            '\'' => s.push_str("&apos;"),
            '\n' => s.push_str("&#10;"),
            '\t' => s.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => s.push('\u{FFFD}'),
            c => s.push(c),
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_leaves_only_characters_xml_can_hold() {
        assert_eq!(
            escape("a<b>&\"c'\u{1b}\u{FFFF}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\u{FFFD}&#10;"
        );
    }
}
