//! GitLab Code Quality: a JSON array of issues (the Code Climate subset GitLab reads), for
//! `artifacts: reports: codequality`. Fingerprints are the findings' own, so GitLab tells
//! new findings from old ones across line moves.

use serde_json::{Value, json};

use super::{Output, help_uri, meta};
use crate::diagnostic::{Diagnostic, Severity};

pub fn render(out: &Output<'_>) -> String {
    let issues: Vec<Value> = out.report.active().map(issue).collect();
    super::json_document(&Value::Array(issues))
}

fn issue(d: &Diagnostic) -> Value {
    let m = meta(d);
    json!({
        "type": "issue",
        "check_name": d.code,
        "description": format!("{} {}: {}", d.code, m.name, d.message),
        "content": { "body": format!("{}\n\n{}", d.help, help_uri(m)) },
        "categories": [if m.security { "Security" } else { "Bug Risk" }],
        "fingerprint": d.fingerprint,
        "severity": severity(d.severity, m.security),
        "location": {
            "path": d.location.path,
            "lines": { "begin": d.location.start.line, "end": d.location.end.line },
        },
    })
}

/// GitLab's scale is info, minor, major, critical, blocker; an error of a security rule
/// (a committed credential) is critical.
fn severity(severity: Severity, security: bool) -> &'static str {
    match severity {
        Severity::Note => "info",
        Severity::Warning => "minor",
        Severity::Error if security => "critical",
        Severity::Error => "major",
    }
}
