//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` per finding.

use std::fmt::Write as _;

use super::{Output, meta, sanitize};
use crate::diagnostic::Severity;

pub fn render(out: &Output<'_>) -> String {
    let mut s = String::new();
    for d in out.report.active() {
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let l = &d.location;
        let _ = writeln!(
            s,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            property(&l.path),
            l.start.line,
            l.start.col,
            l.end.line,
            l.end.col.max(l.start.col),
            property(&format!("{} {}", d.code, meta(d).name)),
            data(&format!("{}\nhelp: {}", d.message, d.help))
        );
    }
    s
}

/// Escape a workflow-command message, [`sanitize`]d first.
fn data(s: &str) -> String {
    sanitize(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}
