//! Findings as plain, sortable data. Rendering lives in [`crate::render`].

use std::fmt;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::parse::text::{LineIndex, Pos};

/// How bad a finding is. Ordered: `Note < Warning < Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    /// The lowercase name used in every output format.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The most lines of source a location keeps for rendering and fingerprints.
const SNIPPET_MAX_LINES: usize = 4;
/// The most bytes of source a location keeps for rendering and fingerprints.
const SNIPPET_MAX_BYTES: usize = 1024;

/// What a run could not check, said once beside the findings (not a finding: nothing in
/// the repository is wrong): a Helm chart whose templates are not rendered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notice {
    /// The file it is about.
    pub path: String,
    pub message: String,
    /// How to get it checked.
    pub help: String,
}

/// A place in a file: byte range, resolved positions and the source lines around it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Location {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    /// Start of the span.
    pub start: Pos,
    /// End of the span (exclusive column).
    pub end: Pos,
    /// Byte range of the span in the file.
    #[serde(skip)]
    pub bytes: Range<usize>,
    /// The whole source lines the span starts on (capped), for snippets and fingerprints.
    #[serde(skip)]
    pub snippet: Snippet,
}

/// Source lines kept with a location: `text` starts at byte `offset` of the file, on `first_line`.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Snippet {
    pub text: String,
    pub offset: usize,
    pub first_line: u32,
}

impl Ord for Location {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (
            &self.path,
            self.start,
            self.end,
            self.bytes.start,
            self.bytes.end,
        )
            .cmp(&(
                &other.path,
                other.start,
                other.end,
                other.bytes.start,
                other.bytes.end,
            ))
    }
}

impl PartialOrd for Location {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Location {
    /// Resolve byte range `bytes` of `text` (indexed by `lines`) at `path`.
    pub fn new(path: &str, text: &str, lines: &LineIndex, bytes: Range<usize>) -> Self {
        let start_byte = bytes.start.min(text.len());
        let end_byte = bytes.end.clamp(start_byte, text.len());
        let start = lines.pos(text, start_byte);
        let end = lines.pos(text, end_byte);
        let first = start.line as usize - 1;
        let last = (end.line as usize - 1).min(first + SNIPPET_MAX_LINES - 1);
        let from = lines.line_start(first);
        let mut to = lines.line_range(text, last).end.max(from);
        if to - from > SNIPPET_MAX_BYTES {
            to = crate::parse::text::floor_char_boundary(text, from + SNIPPET_MAX_BYTES);
        }
        Location {
            path: path.to_string(),
            start,
            end,
            bytes: start_byte..end_byte,
            snippet: Snippet {
                text: text[from..to].to_string(),
                offset: from,
                first_line: start.line,
            },
        }
    }

    /// A location for a whole file or a place we have no text for: line 1, column 1.
    pub fn file(path: &str) -> Self {
        let start = Pos { line: 1, col: 1 };
        Location {
            path: path.to_string(),
            start,
            end: start,
            bytes: 0..0,
            snippet: Snippet {
                first_line: 1,
                ..Snippet::default()
            },
        }
    }

    /// Replace every occurrence of `secret` in the snippet with [`MASK`] (see
    /// [`secret_hits`]), keeping the span on the same text (a span edge inside a
    /// secret moves to the mask's edge).
    pub fn mask(&mut self, secret: &str) {
        let hits = secret_hits(&self.snippet.text, secret);
        if hits.is_empty() {
            return;
        }
        let old = std::mem::take(&mut self.snippet.text);
        let moved = |file_pos: usize, is_end: bool| -> usize {
            let Some(p) = file_pos.checked_sub(self.snippet.offset) else {
                return file_pos;
            };
            let mut shift = 0isize;
            for &h in &hits {
                if p >= h + secret.len() {
                    shift += MASK.len() as isize - secret.len() as isize;
                } else if p > h {
                    let edge = if is_end { MASK.len() } else { 0 };
                    return (h as isize + shift) as usize + self.snippet.offset + edge;
                }
            }
            (p as isize + shift) as usize + self.snippet.offset
        };
        let start = moved(self.bytes.start, false);
        let end = moved(self.bytes.end, true).max(start);
        self.bytes = start..end;
        self.snippet.text = masked(&old, secret, &hits);
    }

    /// The text of the span itself, when the snippet holds it.
    pub fn span_text(&self) -> Option<&str> {
        let from = self.bytes.start.checked_sub(self.snippet.offset)?;
        let to = self.bytes.end.checked_sub(self.snippet.offset)?;
        self.snippet.text.get(from..to)
    }
}

/// Replaces each whole-value occurrence of `secret` in `text` with [`MASK`].
pub fn mask_text(text: &mut String, secret: &str) {
    let hits = secret_hits(text, secret);
    if !hits.is_empty() {
        *text = masked(text, secret, &hits);
    }
}

/// Where `secret` occurs in `text` as a value of its own: an occurrence glued to
/// letters, digits or `_` is part of a longer word (`admin_pass` inside the key
/// name `admin_password`) and is left alone.
fn secret_hits(text: &str, secret: &str) -> Vec<usize> {
    if secret.is_empty() {
        return Vec::new();
    }
    let word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(secret)
        .map(|(i, _)| i)
        .filter(|&i| {
            let before = text[..i].chars().next_back();
            let after = text[i + secret.len()..].chars().next();
            let glued_before = secret.starts_with(word) && before.is_some_and(word);
            let glued_after = secret.ends_with(word) && after.is_some_and(word);
            !(glued_before || glued_after)
        })
        .collect()
}

/// `text` with `secret` at each of `hits` replaced by [`MASK`].
fn masked(text: &str, secret: &str, hits: &[usize]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for &h in hits {
        out.push_str(&text[at..h]);
        out.push_str(MASK);
        at = h + secret.len();
    }
    out.push_str(&text[at..]);
    out
}

/// Another place that explains a finding (e.g. the `ARG` that set a tag).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Related {
    pub location: Location,
    pub message: String,
}

/// Why a finding is suppressed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct SuppressionInfo {
    /// `inSource` for comments and annotations.
    pub kind: &'static str,
    /// The reason given with the suppression (may be empty).
    pub justification: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Diagnostic {
    pub location: Location,
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub help: String,
    pub related: Vec<Related>,
    /// Set when an in-source suppression covers this finding.
    pub suppressed: Option<SuppressionInfo>,
    /// Stable identity across unrelated edits; see [`crate::engine::fingerprint`].
    pub fingerprint: String,
    /// What must hold of the project for a per-file finding to stand; checked after the walk.
    #[serde(skip)]
    pub condition: Option<Condition>,
    /// A safe, mechanical fix (`--fix`, SARIF `fixes`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Box<Fix>>,
    /// What was left out of this finding to keep the report bounded.
    #[serde(skip)]
    pub omitted: Omitted,
    /// Credential values the finding's text or snippets may show; see [`Diagnostic::redact`].
    #[serde(skip)]
    pub secrets: Vec<String>,
}

/// The most findings one rule reports in one file; the rest are counted on the last.
pub const MAX_FINDINGS_PER_FILE: usize = 200;
/// The most related locations one finding keeps; the rest are counted.
pub const MAX_RELATED: usize = 20;

/// Findings and related locations left out beyond [`MAX_FINDINGS_PER_FILE`] and
/// [`MAX_RELATED`], so that hostile input cannot grow a report without bound.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Omitted {
    /// Further findings of the same rule in the same file.
    pub findings: usize,
    /// Further related locations of this finding.
    pub related: usize,
}

impl Omitted {
    /// The sentence a message ends with when something was left out.
    pub fn note(self) -> Option<String> {
        let part = |n: usize, what: &str| (n > 0).then(|| format!("{n} more {what}"));
        let parts: Vec<String> = [
            part(self.findings, "findings of this rule in this file"),
            part(self.related, "related locations"),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| format!(" ({} not shown)", parts.join(" and ")))
    }
}

/// A mechanical fix: non-overlapping replacements in the finding's file.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Fix {
    pub description: String,
    pub edits: Vec<Edit>,
}

/// Replace the text at `location` with `replacement`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Edit {
    pub location: Location,
    pub replacement: String,
}

/// A fact about the project a per-file finding depends on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Condition {
    /// The file's code runs in a long-lived service: its crate is a service, or a
    /// workspace dependency of a service package with a binary
    /// ([`crate::model::project::Project::runs_in_service`]).
    InService,
    /// The file's package depends (normal dependencies) on a crate of this name, `-` and
    /// `_` alike.
    DependsOn(String),
    /// Some production build of the file's package compiles the code: this predicate of
    /// Cargo features holds for the features one of them turns on
    /// ([`crate::model::project::Project::production_builds`]).
    BuiltWith(crate::parse::cfg::FeatureCfg),
    /// No deploy tool of the project replaces this image name (without tag) at deploy
    /// time ([`crate::model::images`]).
    ImageNotReplaced(String),
    /// No build pipeline of the repository provides an image of this name (without tag):
    /// none tags one, none passes a named build context of that name
    /// ([`crate::model::pipelines::Pipelines::provides_image`]).
    ImageNotBuiltHere(String),
    /// The file sits beside a Helm chart's `Chart.yaml`, whose templates use this values
    /// path for more than init containers ([`crate::model::helm::init_container_values`]).
    HelmAppImage(String),
    /// No committed `Cargo.lock` in the file's directory or above pins a commit of this
    /// git repository URL.
    GitSourceUnlocked(String),
    /// The file is a script that a production Dockerfile's start command runs (copied in
    /// and named by `ENTRYPOINT` or `CMD`): a script whose name does not say it starts a
    /// container ([`crate::model::source::launch::starts_by_name`]) is one only then.
    StartedByContainer,
    /// A build asks for a feature of this package that turns on an optional dependency:
    /// a workspace package depends on it with one of the features, or a Dockerfile builds
    /// with `--all-features` or `--features` naming one ([`crate::model::project::Project::requests_feature`]).
    FeatureRequested {
        package: String,
        features: Vec<String>,
    },
    /// No build script of the file's package sets this compile-time variable
    /// (`cargo:rustc-env=NAME=…`).
    NotSetByBuildScript(String),
    /// A production deployment file sets this environment variable for a process at run
    /// time ([`crate::model::project::Project::sets_at_run_time`]).
    SetAtRunTime(String),
    /// No `rust-toolchain.toml` or `rust-toolchain` in the file's directory or above pins
    /// a Rust version ([`crate::model::project::Project::pinned_rust_toolchain`]).
    RustToolchainFloats,
    /// No pipeline rewrites the `image:` lines of the file before using it
    /// ([`crate::model::pipelines::Pipelines::rewrites_images`]).
    ImagesNotRewritten,
    /// The release builds are not held to a committed `Cargo.lock`
    /// ([`crate::model::project::Project::release_builds_locked`]).
    ReleaseNotLocked,
    /// The file is a script that no production Dockerfile starts, or that one whose
    /// runtime is not a backing service's image starts: images built on a backing
    /// service's image (`FROM keycloak`) run an attached resource, whose shutdown is its
    /// vendor's.
    NotOnlyBackingImagesStart,
    /// One of these repository paths that a Dockerfile stage copies in (from the root or
    /// the Dockerfile's directory) is or holds a package manifest
    /// ([`crate::model::project::Project::holds_package`]).
    CopiesPackage(Vec<String>),
    /// Every one of these holds.
    All(Vec<Condition>),
}

/// What replaces a credential value in every output.
pub const MASK: &str = "****";

impl Diagnostic {
    /// Replace each of `secrets` with [`MASK`] in the message, help and snippets.
    pub fn redact(&mut self, secrets: &[String]) {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            mask_text(&mut self.message, secret);
            mask_text(&mut self.help, secret);
            self.location.mask(secret);
            for r in &mut self.related {
                mask_text(&mut r.message, secret);
                r.location.mask(secret);
            }
            for e in self.fix.iter_mut().flat_map(|f| f.edits.iter_mut()) {
                mask_text(&mut e.replacement, secret);
                e.location.mask(secret);
            }
        }
    }

    /// Sort key: path, line, column, code, message.
    pub fn sort_key(&self) -> (&str, Pos, &str, &str) {
        (
            &self.location.path,
            self.location.start,
            self.code,
            &self.message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc(text: &str, span: Range<usize>) -> Location {
        Location::new("f", text, &LineIndex::new(text), span)
    }

    #[test]
    fn masking_keeps_the_span_on_the_same_text() {
        let text = "x\nurl = \"redis://u:hunter22@db\" # hunter22\n";
        // The span is the secret itself.
        let start = text.find("hunter22").unwrap();
        let mut l = loc(text, start..start + 8);
        l.mask("hunter22");
        assert_eq!(l.snippet.text, "url = \"redis://u:****@db\" # ****");
        assert_eq!(l.span_text(), Some("****"));
        // The span holds the secret, and a later copy of it follows.
        let start = text.find("redis").unwrap();
        let mut l = loc(text, start..start + 21);
        l.mask("hunter22");
        assert_eq!(l.span_text(), Some("redis://u:****@db"));
        // A span starting inside the secret moves to the mask's start.
        let mut l = loc(text, start + 12..start + 21);
        l.mask("hunter22");
        assert_eq!(l.span_text(), Some("****@db"));
    }

    #[test]
    fn a_secret_inside_a_longer_word_is_not_masked() {
        let text = "admin_password = \"admin_pass\" # admin_pass2, (admin_pass)\n";
        let start = text.find('"').unwrap();
        let mut l = loc(text, start..start + 12);
        l.mask("admin_pass");
        assert_eq!(
            l.snippet.text,
            "admin_password = \"****\" # admin_pass2, (****)"
        );
        assert_eq!(l.span_text(), Some("\"****\""));
        let mut d = Diagnostic {
            location: l,
            code: "TF0301",
            severity: Severity::Error,
            message: "`admin_password` is `admin_pass`".into(),
            help: String::new(),
            related: Vec::new(),
            suppressed: None,
            fingerprint: String::new(),
            condition: None,
            fix: None,
            omitted: Omitted::default(),
            secrets: Vec::new(),
        };
        d.redact(&["admin_pass".to_string()]);
        assert_eq!(d.message, "`admin_password` is `****`");
    }
}
