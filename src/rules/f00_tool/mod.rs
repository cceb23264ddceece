//! The tool's own diagnostics. The engine emits them; they are rules so that
//! they can be documented, selected, ignored and re-levelled like any other.

use crate::diagnostic::Severity;
use crate::rules::{Meta, Rule};

macro_rules! engine_rule {
    ($ty:ident, $const:ident, $code:literal, $name:literal, $sev:expr, $summary:literal) => {
        #[doc = $summary]
        pub struct $ty;

        /// Metadata, used by the engine when it emits this diagnostic.
        pub static $const: Meta = Meta {
            code: $code,
            name: $name,
            factor: 0,
            severity: $sev,
            kinds: &[],
            summary: $summary,
            doc: include_str!(concat!("../../../rules/", $code, ".md")),
            security: false,
            options: &[],
        };

        impl Rule for $ty {
            fn meta(&self) -> &'static Meta {
                &$const
            }
        }
    };
}

engine_rule!(
    ParseError,
    PARSE_ERROR,
    "TF0001",
    "parse-error",
    Severity::Note,
    "a file of a kind twelve-lint lints cannot be parsed"
);
engine_rule!(
    UnusedSuppression,
    UNUSED_SUPPRESSION,
    "TF0002",
    "unused-suppression",
    Severity::Note,
    "a suppression comment or annotation suppresses nothing, names an unknown rule, or is malformed"
);
engine_rule!(
    SuppressionWithoutReason,
    SUPPRESSION_WITHOUT_REASON,
    "TF0003",
    "suppression-without-reason",
    Severity::Note,
    "a suppression gives no reason"
);
engine_rule!(
    SkippedFile,
    SKIPPED_FILE,
    "TF0004",
    "skipped-file",
    Severity::Note,
    "a file of a kind twelve-lint lints could not be read: unreadable, binary, not UTF-8, too large or not a regular file"
);
engine_rule!(
    InternalError,
    INTERNAL_ERROR,
    "TF0005",
    "internal-error",
    Severity::Error,
    "a rule failed on a file; the run went on without it"
);
