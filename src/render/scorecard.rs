//! The per-factor scorecard: the one-glance answer to "how twelve-factor is
//! this repository", as Markdown (`--format markdown`, GitHub step summaries)
//! and as the closing block of the human format.

use std::fmt::Write as _;

use super::{Output, markdown_text, meta, sanitize};
use crate::diagnostic::Severity;
use crate::rules::factor_label;

/// Findings of one factor.
pub(super) struct Row {
    pub factor: u8,
    pub rules: usize,
    pub counts: [usize; 3],
}

impl Row {
    fn total(&self) -> usize {
        self.counts.iter().sum()
    }

    /// True when some enabled rule covers the factor.
    fn checked(&self) -> bool {
        self.rules > 0
    }

    /// `clean`, `findings`, or `not-checked` when no enabled rule covers the factor.
    pub fn status(&self) -> &'static str {
        match (self.checked(), self.total()) {
            (_, n) if n > 0 => "findings",
            (true, _) => "clean",
            (false, _) => "not-checked",
        }
    }

    /// `2 errors, 1 warning`, `✓`, or `not checked` when no enabled rule covers the factor.
    fn verdict(&self) -> String {
        if self.total() == 0 {
            return if self.checked() { "✓" } else { "not checked" }.into();
        }
        let parts: Vec<String> = [Severity::Error, Severity::Warning, Severity::Note]
            .into_iter()
            .filter(|s| self.counts[*s as usize] > 0)
            .map(|s| {
                let n = self.counts[s as usize];
                format!("{n} {s}{}", if n == 1 { "" } else { "s" })
            })
            .collect();
        parts.join(", ")
    }
}

/// One row per factor (I–XII), then the tool's own findings when there are any.
pub(super) fn rows(out: &Output<'_>) -> Vec<Row> {
    let mut rows: Vec<Row> = (1..=12)
        .chain(std::iter::once(0))
        .map(|factor| Row {
            factor,
            rules: out
                .settings
                .rules
                .iter()
                .filter(|r| r.meta().factor == factor)
                .count(),
            counts: [0; 3],
        })
        .collect();
    for d in out.report.active() {
        let factor = meta(d).factor;
        if let Some(row) = rows.iter_mut().find(|r| r.factor == factor) {
            row.counts[d.severity as usize] += 1;
        }
    }
    rows.retain(|r| r.factor != 0 || r.total() > 0);
    rows
}

/// The most findings the Markdown table lists, so that a job summary or pull-request comment
/// stays small (GitHub caps both).
const TABLE_ROWS: usize = 100;

/// The Markdown report: scorecard, then the findings, the most severe first.
pub fn markdown(out: &Output<'_>) -> String {
    let rows = rows(out);
    let total: usize = rows.iter().map(Row::total).sum();
    let checked = rows.iter().filter(|r| r.factor != 0 && r.checked()).count();
    let clean = rows
        .iter()
        .filter(|r| r.factor != 0 && r.checked() && r.total() == 0)
        .count();
    let mut s = format!(
        "## twelve-lint: {clean} of {checked} checked factors clean\n\n{} file(s) checked, {total} finding(s).",
        out.report.files_linted
    );
    if checked < 12 {
        let _ = write!(
            s,
            " {} factor(s) not checked: no enabled rule covers them (`--preview` or `--select` enables more rules).",
            12 - checked
        );
    }
    s.push_str("\n\n| Factor | Rules run | Result |\n|---|---|---|\n");
    for r in &rows {
        let _ = writeln!(
            s,
            "| {} | {} | {} |",
            factor_label(r.factor),
            r.rules,
            r.verdict()
        );
    }
    if total > 0 {
        s.push_str("\n| Severity | Rule | Location | Finding |\n|---|---|---|---|\n");
        for d in super::by_severity(out.report).into_iter().take(TABLE_ROWS) {
            let _ = writeln!(
                s,
                "| {} | [{}]({}) | `{}:{}` | {} |",
                d.severity,
                d.code,
                super::help_uri(meta(d)),
                sanitize(&d.location.path)
                    .replace('|', "\\|")
                    .replace('`', "'"),
                d.location.start.line,
                markdown_text(&d.message),
            );
        }
        if total > TABLE_ROWS {
            let _ = writeln!(
                s,
                "\n{} more finding(s) not listed: the table shows the first {TABLE_ROWS}, most severe first (`--format concise` or SARIF has them all).",
                total - TABLE_ROWS
            );
        }
    }
    s
}

/// The scorecard as plain text lines, for the end of the human format.
pub fn text(out: &Output<'_>) -> String {
    let mut s = String::from("Twelve-factor scorecard:\n");
    for r in rows(out) {
        let _ = writeln!(s, "  {:<28} {}", factor_label(r.factor), r.verdict());
    }
    s
}
