//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` per finding, at
//! most [`PER_LEVEL`] of each level, then a plain line counting the rest.

use std::fmt::Write as _;

use super::{Output, by_severity, meta, sanitize};
use crate::diagnostic::Severity;

/// GitHub shows at most this many annotations of each level per step and drops the rest.
pub const PER_LEVEL: usize = 10;

pub fn render(out: &Output<'_>) -> String {
    let mut s = String::new();
    let mut shown = [0; 3];
    let mut rest = [0; 3];
    for d in by_severity(out.report) {
        let i = d.severity as usize;
        if shown[i] == PER_LEVEL {
            rest[i] += 1;
            continue;
        }
        shown[i] += 1;
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
    let [note, warning, error] = rest;
    if note + warning + error > 0 {
        let _ = writeln!(
            s,
            "twelve-lint: {} more finding(s) not annotated ({error} error(s), {warning} warning(s), {note} note(s)): GitHub shows {PER_LEVEL} annotations of each level per step; the SARIF and markdown reports hold them all.",
            note + warning + error
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
