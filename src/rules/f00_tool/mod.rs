//! The tool's own diagnostics. The engine emits them; they are rules so that
//! they can be documented, selected, ignored and re-levelled like any other.

use crate::rules::Check;

declare_rule! {
    /// A file of a kind twelve-lint lints cannot be parsed. YAML is read for this rule
    /// alone, so that a malformed compose file or Kubernetes manifest fails even a run
    /// whose other rules read no YAML; other kinds are parsed when a rule reads them.
    ParseError {
        code: "TF0001",
        name: "parse-error",
        factor: 0,
        severity: Note,
        stability: Stable,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "a file of a kind twelve-lint lints cannot be parsed",
    }
}

declare_rule! {
    /// A suppression suppresses nothing, names an unknown rule, or is malformed.
    UnusedSuppression {
        code: "TF0002",
        name: "unused-suppression",
        factor: 0,
        severity: Note,
        stability: Stable,
        since: "0.1.0",
        kinds: [],
        summary: "a suppression comment or annotation suppresses nothing, names an unknown rule, or is malformed",
        scope: AllFiles,
    }
}

declare_rule! {
    /// A suppression gives no reason.
    SuppressionWithoutReason {
        code: "TF0003",
        name: "suppression-without-reason",
        factor: 0,
        severity: Note,
        stability: Stable,
        since: "0.1.0",
        kinds: [],
        summary: "a suppression gives no reason",
        scope: AllFiles,
    }
}

declare_rule! {
    /// A file of a linted kind could not be read.
    SkippedFile {
        code: "TF0004",
        name: "skipped-file",
        factor: 0,
        severity: Note,
        stability: Stable,
        since: "0.1.0",
        kinds: [],
        summary: "a file of a kind twelve-lint lints could not be read: unreadable, binary, not UTF-8, too large or not a regular file",
    }
}

declare_rule! {
    /// A rule failed on a file; the run went on.
    InternalError {
        code: "TF0005",
        name: "internal-error",
        factor: 0,
        severity: Error,
        stability: Stable,
        since: "0.1.0",
        kinds: [],
        summary: "a rule failed on a file; the run went on without it",
        scope: AllFiles,
    }
}

impl Check for ParseError {}
impl Check for UnusedSuppression {}
impl Check for SuppressionWithoutReason {}
impl Check for SkippedFile {}
impl Check for InternalError {}
