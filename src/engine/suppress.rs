//! Inline suppressions: `twelve-lint: ignore[CODE, ...] reason` in any comment
//! (next line, or the same line when trailing), `twelve-lint: ignore-file[...]`,
//! and the Kubernetes annotation `twelve-lint.io/ignore: "CODE: reason"`. A Dockerfile's
//! `# hadolint ignore=DL3008` is a decision the team already made: it suppresses the
//! rules that judge the same thing ([`HADOLINT_RULES`]) on the next instruction, and
//! `# hadolint global ignore=DL3008` in the whole file.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::Location;
use crate::model::source::{FileKind, SourceFile};
use crate::parse::text::LineIndex;
use crate::parse::yaml;

/// The Kubernetes annotation that suppresses rules for one object.
pub const ANNOTATION: &str = "twelve-lint.io/ignore";
const MARKER: &str = "twelve-lint:";
const HADOLINT_MARKER: &str = "hadolint ignore=";
const HADOLINT_GLOBAL_MARKER: &str = "hadolint global ignore=";

/// hadolint rules and the twelve-lint rule that judges the same thing.
pub const HADOLINT_RULES: &[(&str, &str)] = &[
    // Pin versions in apt-get install, apk add, yum, zypper and dnf.
    ("DL3008", "TF0206"),
    ("DL3018", "TF0206"),
    ("DL3033", "TF0206"),
    ("DL3037", "TF0206"),
    ("DL3041", "TF0206"),
    // Always tag the image version explicitly; do not use `latest`.
    ("DL3006", "TF0201"),
    ("DL3007", "TF0201"),
    // Use JSON notation for CMD and ENTRYPOINT.
    ("DL3025", "TF0903"),
];

/// What a suppression covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One 1-based line.
    Line(u32),
    /// The whole file.
    File,
    /// A byte range (a Kubernetes object, a Dockerfile instruction).
    Bytes(Range<usize>),
}

/// One suppression found in a file.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Rule codes, prefixes or names.
    pub selectors: Vec<String>,
    pub reason: String,
    pub scope: Scope,
    /// Where the suppression is written.
    pub location: Location,
    /// Adopted from another linter's ignore comment (`# hadolint ignore=DL3008`): it
    /// suppresses what it covers, and is never reported as unused or without a reason.
    pub adopted: bool,
}

impl Suppression {
    /// True when this suppression's scope covers `loc`.
    pub fn covers(&self, loc: &Location) -> bool {
        match &self.scope {
            Scope::Line(l) => loc.start.line == *l,
            Scope::File => true,
            Scope::Bytes(r) => r.contains(&loc.bytes.start),
        }
    }
}

/// A `twelve-lint:` comment that could not be understood.
#[derive(Debug, Clone)]
pub struct Malformed {
    pub location: Location,
    pub text: String,
}

/// Every suppression in `file`: comments, plus annotations of Kubernetes objects. In a
/// Dockerfile, a suppression of the next line covers the whole instruction starting
/// there, continuation lines included.
pub fn scan(file: &SourceFile<'_>) -> (Vec<Suppression>, Vec<Malformed>) {
    let (mut found, malformed) = scan_comments(file.path, file.kind, file.text, file.lines);
    if let Some(df) = file.dockerfile().filter(|_| !found.is_empty()) {
        let by_line: HashMap<u32, &Range<usize>> = df
            .instructions
            .iter()
            .map(|i| (file.lines.line_of(i.span.start) as u32 + 1, &i.span))
            .collect();
        for s in &mut found {
            if let Scope::Line(line) = s.scope
                && let Some(span) = by_line.get(&line)
            {
                s.scope = Scope::Bytes((*span).clone());
            }
        }
    }
    found.extend(annotations(file));
    (found, malformed)
}

/// Suppressions written in comments of `text`.
pub fn scan_comments(
    path: &str,
    kind: FileKind,
    text: &str,
    lines: &LineIndex,
) -> (Vec<Suppression>, Vec<Malformed>) {
    let mut found = Vec::new();
    let mut malformed = Vec::new();
    let hadolint = kind == FileKind::Dockerfile
        && (text.contains(HADOLINT_MARKER) || text.contains(HADOLINT_GLOBAL_MARKER));
    if !text.contains(MARKER) && !hadolint {
        return (found, malformed);
    }
    let comments = match kind {
        FileKind::Rust => rust_comments(text),
        _ => hash_comments(text),
    };
    let mut known_code_line = None;
    for comment in comments {
        let body = &text[comment.clone()];
        if hadolint && let Some((adopted, global)) = adopt_hadolint(body) {
            let scope = if global {
                Scope::File
            } else {
                let line = lines.line_of(comment.start);
                let code_line = next_code_line(kind, text, lines, line, &mut known_code_line);
                Scope::Line(code_line as u32 + 1)
            };
            found.push(Suppression {
                selectors: adopted,
                reason: body.trim_start_matches('#').trim().to_string(),
                scope,
                location: Location::new(path, text, lines, comment.clone()),
                adopted: true,
            });
            continue;
        }
        let Some(at) = body.find(MARKER) else {
            continue;
        };
        if !looks_like_directive(&body[at + MARKER.len()..]) {
            continue; // prose that mentions the tool, not a directive
        }
        let directive_start = comment.start + at;
        let directive = body[at + MARKER.len()..].trim_end_matches("*/").trim();
        let loc = Location::new(path, text, lines, directive_start..comment.end);
        let Some((file_wide, selectors, reason)) = parse_directive(directive) else {
            malformed.push(Malformed {
                location: loc,
                text: directive.to_string(),
            });
            continue;
        };
        let line = lines.line_of(comment.start);
        let scope = if file_wide {
            Scope::File
        } else if text[lines.line_start(line)..comment.start]
            .trim()
            .is_empty()
        {
            Scope::Line(next_code_line(kind, text, lines, line, &mut known_code_line) as u32 + 1)
        } else {
            Scope::Line(line as u32 + 1)
        };
        found.push(Suppression {
            selectors,
            reason,
            scope,
            location: loc,
            adopted: false,
        });
    }
    (found, malformed)
}

/// The twelve-lint rules a `# hadolint ignore=DL3008,DL3018` comment covers, and whether
/// it covers the whole file (`# hadolint global ignore=…`); `None` when it is no such
/// comment or covers none of them.
fn adopt_hadolint(comment: &str) -> Option<(Vec<String>, bool)> {
    let (marker, global) = [(HADOLINT_GLOBAL_MARKER, true), (HADOLINT_MARKER, false)]
        .into_iter()
        .find(|(m, _)| comment.contains(m))?;
    let at = comment.find(marker)?;
    let list = comment[at + marker.len()..]
        .split_whitespace()
        .next()
        .unwrap_or_default();
    let mut codes: Vec<String> = list
        .split(',')
        .filter_map(|dl| HADOLINT_RULES.iter().find(|(h, _)| *h == dl.trim()))
        .map(|(_, tf)| tf.to_string())
        .collect();
    codes.sort();
    codes.dedup();
    (!codes.is_empty()).then_some((codes, global))
}

/// True when the text after the marker has a directive's shape: `word[` or `word(`.
fn looks_like_directive(after: &str) -> bool {
    let t = after.trim_start();
    let word = t
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(t.len());
    word > 0 && t[word..].trim_start().starts_with(['[', '('])
}

/// `ignore[A, B] reason` or `ignore-file[A] reason` → (file-wide, selectors, reason).
fn parse_directive(directive: &str) -> Option<(bool, Vec<String>, String)> {
    let (file_wide, rest) = if let Some(r) = directive.strip_prefix("ignore-file[") {
        (true, r)
    } else {
        (false, directive.strip_prefix("ignore[")?)
    };
    let close = rest.find(']')?;
    let selectors: Vec<String> = rest[..close]
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    if selectors.is_empty() {
        return None;
    }
    let reason = rest[close + 1..]
        .trim()
        .trim_start_matches([':', '-', '—'])
        .trim()
        .to_string();
    Some((file_wide, selectors, reason))
}

/// The first line after `line` that holds code (not blank, not only a comment).
/// `known` is the previous answer, `(line, code line)`: comments are read in order,
/// so a run of directive lines above one code line is scanned once, not once each.
fn next_code_line(
    kind: FileKind,
    text: &str,
    lines: &LineIndex,
    line: usize,
    known: &mut Option<(usize, usize)>,
) -> usize {
    if let Some((from, code)) = *known
        && from <= line
        && line < code
    {
        return code;
    }
    let code = (line + 1..lines.len())
        .find(|&l| {
            let t = text[lines.line_range(text, l)].trim_start();
            let comment = match kind {
                FileKind::Rust => t.starts_with("//") || t.starts_with("/*"),
                _ => t.starts_with('#'),
            };
            !t.is_empty() && !comment
        })
        .unwrap_or(line + 1);
    *known = Some((line, code));
    code
}

/// `#` comments: a `#` at line start or after whitespace, outside quotes.
fn hash_comments(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line = raw.trim_end_matches(['\n', '\r']);
        let mut quote: Option<char> = None;
        let mut prev = ' ';
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if prev.is_whitespace() || prev == '=' || prev == ':' => {
                    quote = Some(c)
                }
                (None, '#') if prev.is_whitespace() => {
                    out.push(start + i..start + line.len());
                    break;
                }
                _ => {}
            }
            prev = c;
        }
        start += raw.len();
    }
    out
}

/// Rust `//` and (nested) `/* */` comments, skipping string and char literals.
fn rust_comments(text: &str) -> Vec<Range<usize>> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                if !is_doc_comment(&text[i..end]) {
                    out.push(i..end);
                }
                i = end;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let start = i;
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
                let end = i.min(b.len());
                if !is_doc_comment(&text[start..end]) {
                    out.push(start..end);
                }
            }
            b'r' if matches!(b.get(i + 1), Some(b'"' | b'#')) && !ident_byte(b, i) => {
                let hashes = b[i + 1..].iter().take_while(|c| **c == b'#').count();
                if b.get(i + 1 + hashes) != Some(&b'"') {
                    i += 1;
                    continue;
                }
                let close = format!("\"{}", "#".repeat(hashes));
                let body = i + 2 + hashes;
                i = text[body..]
                    .find(&close)
                    .map_or(b.len(), |e| body + e + close.len());
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'\'' => {
                // A char literal ('a', '\n', '\u{..}') or a lifetime ('a).
                if b.get(i + 1) == Some(&b'\\') {
                    i = text[i + 2..].find('\'').map_or(b.len(), |e| i + 2 + e + 1);
                } else {
                    let ch_len = text[i + 1..].chars().next().map_or(1, char::len_utf8);
                    i += if b.get(i + 1 + ch_len) == Some(&b'\'') {
                        ch_len + 2
                    } else {
                        1
                    };
                }
            }
            _ => i += 1,
        }
    }
    out
}

/// `///`, `//!`, `/**`, `/*!`: documentation, where directives are quoted, never meant.
fn is_doc_comment(comment: &str) -> bool {
    (comment.starts_with("///") && !comment.starts_with("////"))
        || comment.starts_with("//!")
        || (comment.starts_with("/**") && !comment.starts_with("/***") && comment != "/**/")
        || comment.starts_with("/*!")
}

fn ident_byte(b: &[u8], i: usize) -> bool {
    i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// `twelve-lint.io/ignore` annotations on Kubernetes objects: `"TF0601, TF0604: reason"`.
fn annotations(file: &SourceFile<'_>) -> Vec<Suppression> {
    let mut out = Vec::new();
    for doc in file.yaml() {
        if !matches!(doc.kind, yaml::DocKind::Kubernetes(_)) {
            continue;
        }
        let Some(node) = yaml::get(&doc.node, "metadata")
            .and_then(|m| yaml::get(m, "annotations"))
            .and_then(|a| yaml::get(a, ANNOTATION))
        else {
            continue;
        };
        let value = yaml::scalar_str(node).unwrap_or_default();
        let (codes, reason) = value.split_once(':').unwrap_or((value, ""));
        out.push(Suppression {
            selectors: codes
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            reason: reason.trim().to_string(),
            scope: Scope::Bytes(file.yaml_span(&doc.node)),
            location: file.loc(file.yaml_span(node)),
            adopted: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_text(kind: FileKind, text: &str) -> (Vec<Suppression>, Vec<Malformed>) {
        scan_comments("f", kind, text, &LineIndex::new(text))
    }

    #[test]
    fn next_line_trailing_and_file_scopes() {
        let text = "# twelve-lint: ignore[TF0201] base image pinned by renovate\n\n# other comment\nFROM rust\nFROM x # twelve-lint: ignore[TF0201, TF02]\n# twelve-lint: ignore-file[hardcoded-secret] -- test data\n";
        let (found, bad) = scan_text(FileKind::Dockerfile, text);
        assert!(bad.is_empty());
        assert_eq!(found[0].scope, Scope::Line(4));
        assert_eq!(found[0].reason, "base image pinned by renovate");
        assert_eq!(found[1].scope, Scope::Line(5));
        assert_eq!(found[1].selectors, ["TF0201", "TF02"]);
        assert_eq!(found[1].reason, "");
        assert_eq!(found[2].scope, Scope::File);
        assert_eq!(found[2].reason, "test data");
    }

    #[test]
    fn rust_strings_are_not_comments() {
        let text = "let s = \"// twelve-lint: ignore[TF0301] no\";\nlet r = r#\"/* twelve-lint: ignore[TF0301] */\"#;\nlet c = '\"'; // twelve-lint: ignore[TF0301] yes\n/* twelve-lint: allow(TF0301) */\n/// twelve-lint: ignore[TF0301] documented\n// twelve-lint: a mention in prose\n";
        let (found, bad) = scan_text(FileKind::Rust, text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].scope, Scope::Line(3));
        assert_eq!(found[0].reason, "yes");
        assert_eq!(bad.len(), 1);
        assert_eq!(bad[0].location.start.line, 4);
    }

    #[test]
    fn quoted_hash_is_not_a_comment() {
        let text = "url: \"postgres://a:b@h/#x twelve-lint: ignore[TF0301]\"\n";
        let (found, _) = scan_text(FileKind::Yaml, text);
        assert!(found.is_empty());
    }
}
