//! Output formats. Rendering only reads diagnostics; it never changes them.

use std::fmt::Write as _;

use clap::ValueEnum;

use crate::diagnostic::{Diagnostic, Notice, Severity};
use crate::engine::Report;
use crate::engine::config::Settings;
use crate::rules::{Meta, RULES};

mod concise;
mod github;
mod gitlab;
mod human;
mod json;
mod junit;
mod rdjson;
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
    /// GitLab Code Quality JSON (`artifacts: reports: codequality`).
    Gitlab,
    /// reviewdog's Diagnostic Format (`reviewdog -f=rdjson`).
    Rdjson,
    /// JUnit XML (test-report views of GitLab, Jenkins, Azure Pipelines).
    Junit,
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
/// Text formats go through [`break_commands`] as a whole, after wrapping and layout,
/// so no line can carry a workflow command that twelve-lint did not mean.
pub fn render(format: Format, out: &Output<'_>) -> String {
    match format {
        Format::Human => break_commands(human::render(out), false),
        Format::Concise => break_commands(concise::render(out), false),
        Format::Json => json::render(out),
        Format::Sarif => sarif::render(out),
        Format::Github => break_commands(github::render(out), true),
        Format::Markdown => break_commands(scorecard::markdown(out), false),
        Format::Gitlab => gitlab::render(out),
        Format::Rdjson => rdjson::render(out),
        Format::Junit => break_commands(junit::render(out), false),
    }
}

/// The one-line summary printed on stderr for human and concise output.
/// A notice as one stderr line: `twelve-lint: note: path: message (help)`.
pub fn notice_line(n: &Notice) -> String {
    sanitize(&format!(
        "twelve-lint: note: {}: {} ({})",
        n.path, n.message, n.help
    ))
}

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

/// The active findings, the most severe first (report order within a severity), for
/// formats that show only the first few.
pub fn by_severity(report: &Report) -> Vec<&Diagnostic> {
    let mut active: Vec<&Diagnostic> = report.active().collect();
    active.sort_by_key(|d| std::cmp::Reverse(d.severity));
    active
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

/// Make text from the repository safe to print, keeping its byte length so spans into
/// it stay valid: terminal control characters become `?` (C1 controls `¿`), so echoed
/// content cannot drive the terminal; and CI workflow commands are broken, so that no
/// line can start with `::` and no `##[` appears (GitHub Actions and Azure Pipelines
/// read those from any log line).
pub fn sanitize(text: &str) -> String {
    let mapped: String = text
        .chars()
        .map(|c| match c {
            '\n' | '\t' => c.to_string(),
            c if (c as u32) < 0x20 || c as u32 == 0x7F => "?".to_string(),
            c if (0x80..0xA0).contains(&(c as u32)) => "¿".to_string(),
            c => c.to_string(),
        })
        .collect();
    break_commands(mapped, false)
}

/// Break CI workflow commands in `text` without changing its length: `##[` anywhere
/// becomes `#?[`, and `::` starting a line (after blanks) becomes `?:` unless
/// `line_commands` (the `github` format, whose own lines are commands).
fn break_commands(text: String, line_commands: bool) -> String {
    if !text.contains("##[") && !text.contains("::") {
        return text;
    }
    // Only ASCII bytes are rewritten, with ASCII, so the text stays UTF-8.
    let mut bytes = text.into_bytes();
    let mut line_start = true;
    for i in 0..bytes.len() {
        let rest = &bytes[i..];
        if rest.starts_with(b"##[") {
            bytes[i + 1] = b'?';
        } else if line_start && !line_commands && rest.starts_with(b"::") {
            bytes[i] = b'?';
        }
        line_start = match bytes[i] {
            b'\n' => true,
            b' ' | b'\t' => line_start,
            _ => false,
        };
    }
    String::from_utf8(bytes).expect("ASCII replaced by ASCII")
}

/// [`sanitize`]d text escaped for Markdown, so that file content cannot add links,
/// images, HTML or formatting to a job summary.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in sanitize(text).chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '!' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '&' => out.push_str("&amp;"),
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `doc` as pretty JSON text ending in a newline, in which no `##[` appears (a `#`
/// inside a JSON string is written `\u0023`, the same value), so printing it to a CI
/// log cannot issue a command. Pretty JSON never starts a line with `::`.
pub fn json_document(doc: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(doc).expect("JSON values serialize");
    if s.contains("##[") {
        s = s.replace("##[", "#\\u0023[");
    }
    s.push('\n');
    s
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

    #[test]
    fn sanitize_breaks_workflow_commands() {
        for raw in [
            "::error title=x::forged",
            "  ::add-mask::x",
            "a\n::warning::b",
            "x ##[error]y",
            "###[group]",
            "#\u{1b}#[error]",
        ] {
            let clean = sanitize(raw);
            assert_eq!(clean.len(), raw.len(), "{raw}");
            assert!(!clean.contains("##["), "{clean}");
            assert!(
                clean.lines().all(|l| !l.trim_start().starts_with("::")),
                "{clean}"
            );
        }
        assert_eq!(sanitize("a::b ## c #[d]"), "a::b ## c #[d]");
    }

    #[test]
    fn markdown_text_escapes_markup() {
        assert_eq!(
            markdown_text("![x](http://e) <img> `c` a|b"),
            "\\!\\[x\\](http://e) \\<img\\> \\`c\\` a\\|b"
        );
    }
}
