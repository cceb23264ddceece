//! Output formats. Rendering only reads diagnostics; it never changes them.

use std::fmt::Write as _;

use clap::ValueEnum;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::engine::Report;
use crate::rules::{Meta, RULES};

mod concise;
mod github;
mod human;
mod json;
mod sarif;
mod scorecard;

/// How findings are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// rustc-style snippets (default on a terminal).
    Human,
    /// `path:line:col: CODE [severity] message` (default when piped).
    Concise,
    /// A stable JSON document (see README).
    Json,
    /// SARIF 2.1.0 for GitHub code scanning.
    Sarif,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// A per-factor scorecard and findings table in Markdown (for `$GITHUB_STEP_SUMMARY`).
    Markdown,
}

/// Which findings of the human format get a source snippet.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum Snippets {
    /// Every finding.
    #[default]
    Full,
    /// The first finding of a rule in a file; the others get one line each.
    Concise,
}

/// Everything a renderer needs.
pub struct Output<'a> {
    pub report: &'a Report,
    pub settings: &'a Settings,
    /// Colour for the human format.
    pub color: bool,
    /// The width the human format wraps text at; `None` does not wrap.
    pub width: Option<usize>,
    /// Snippets in the human format.
    pub snippets: Snippets,
}

/// Render `out` in `format`.
pub fn render(format: Format, out: &Output<'_>) -> String {
    match format {
        Format::Human => human::render(out),
        Format::Concise => concise::render(out),
        Format::Json => json::render(out),
        Format::Sarif => sarif::render(out),
        Format::Github => github::render(out),
        Format::Markdown => scorecard::markdown(out),
    }
}

/// The one-line summary printed on stderr for human and concise output.
pub fn summary(report: &Report) -> String {
    let count = |s: Severity| report.count(s);
    let suppressed = report.diagnostics.len() - report.active().count();
    let mut line = format!(
        "{} error(s), {} warning(s), {} note(s) in {} file(s) linted in {:.2}s",
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
        report.files_linted,
        report.elapsed.as_secs_f64()
    );
    if suppressed > 0 {
        let _ = write!(line, " ({suppressed} suppressed)");
    }
    if let Some(b) = report.baseline {
        let _ = write!(line, "; {} baselined", b.baselined);
        if b.stale > 0 {
            let _ = write!(
                line,
                ", {} baseline {} (rewrite it with --write-baseline to prune)",
                b.stale,
                if b.stale == 1 {
                    "entry no longer matches"
                } else {
                    "entries no longer match"
                }
            );
        }
    }
    let not_shown: usize = report.not_shown.iter().sum();
    if not_shown > 0 {
        let _ = write!(
            line,
            "; {not_shown} finding(s) not shown (a report shows at most {}; narrow the run with --select or paths)",
            crate::engine::MAX_REPORTED
        );
    }
    line
}

/// Finding counts per rule, most frequent first, like `ruff --statistics`:
/// count, code, `[*]` when some of them have a fix, rule name.
pub fn statistics(report: &Report) -> String {
    let mut rows: Vec<(usize, &str, bool, &str)> = Vec::new();
    for d in report.active() {
        match rows.iter_mut().find(|r| r.1 == d.code) {
            Some(r) => {
                r.0 += 1;
                r.2 |= d.fix.is_some();
            }
            None => rows.push((1, d.code, d.fix.is_some(), meta(d).name)),
        }
    }
    rows.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    let width = rows.first().map_or(1, |r| r.0.to_string().len());
    rows.iter()
        .map(|(n, code, fixable, name)| {
            let mark = if *fixable { "[*]" } else { "   " };
            format!("{n:>width$}  {code}  {mark} {name}\n")
        })
        .collect()
}

/// The rule metadata of a diagnostic's code.
pub fn meta(d: &Diagnostic) -> &'static Meta {
    RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code == d.code)
        .expect("every diagnostic comes from a registered rule")
}

/// The rule page's URL.
pub fn help_uri(meta: &Meta) -> String {
    format!(
        "{}/blob/main/{}",
        env!("CARGO_PKG_REPOSITORY"),
        meta.doc_path()
    )
}

/// Replace terminal control characters so echoed file content cannot drive the terminal.
/// Byte lengths are preserved, so spans into the text stay valid.
pub fn sanitize(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => "?".to_string(),
            c if (0x80..0xA0).contains(&(c as u32)) => "¿".to_string(),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_keeps_lengths_and_removes_escapes() {
        let raw = "a\u{1b}[31mb\u{9b}c\u{7f}";
        let clean = sanitize(raw);
        assert_eq!(clean.len(), raw.len());
        assert!(!clean.contains('\u{1b}') && !clean.contains('\u{9b}'));
    }
}
