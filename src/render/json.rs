//! The JSON format: `{version, tool, diagnostics, suppressed, notices, summary}`.
//! Schema version 1; fields are only ever added.

use serde_json::{Value, json};

use super::{Output, help_uri, meta};
use crate::diagnostic::{Diagnostic, Location, Severity};

pub fn render(out: &Output<'_>) -> String {
    let report = out.report;
    let active: Vec<Value> = report.active().map(diagnostic).collect();
    let suppressed: Vec<Value> = report
        .diagnostics
        .iter()
        .filter(|d| d.suppressed.is_some())
        .map(diagnostic)
        .collect();
    let count = |s: Severity| report.count(s);
    let factors: Vec<Value> = super::scorecard::rows(out)
        .iter()
        .filter(|r| r.factor != 0)
        .map(|r| {
            json!({
                "factor": r.factor,
                "rules": r.rules,
                "status": r.status(),
                "error": r.counts[Severity::Error as usize],
                "warning": r.counts[Severity::Warning as usize],
                "note": r.counts[Severity::Note as usize],
            })
        })
        .collect();
    let doc = json!({
        "version": 1,
        "tool": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "diagnostics": active,
        "suppressed": suppressed,
        "notices": report.notices.iter().map(|n| json!({
            "path": n.path,
            "message": n.message,
            "help": n.help,
        })).collect::<Vec<_>>(),
        "summary": {
            "files": report.files_linted,
            "error": count(Severity::Error),
            "warning": count(Severity::Warning),
            "note": count(Severity::Note),
            "not_shown": report.not_shown.iter().sum::<usize>(),
            "suppressed": suppressed.len(),
            "factors": factors,
        },
    });
    super::json_document(&doc)
}

fn diagnostic(d: &Diagnostic) -> Value {
    let m = meta(d);
    let mut v = location(&d.location);
    let extra = json!({
        "code": d.code,
        "name": m.name,
        "factor": m.factor,
        "severity": d.severity,
        "message": d.message,
        "help": d.help,
        "url": help_uri(m),
        "fingerprint": d.fingerprint,
        "related": d.related.iter().map(|r| {
            let mut rv = location(&r.location);
            rv["message"] = json!(r.message);
            rv
        }).collect::<Vec<_>>(),
        "suppression": d.suppressed.as_ref().map(|s| json!({ "kind": s.kind, "justification": s.justification })),
    });
    if let (Value::Object(base), Value::Object(more)) = (&mut v, extra) {
        base.extend(more);
    }
    v
}

fn location(l: &Location) -> Value {
    json!({
        "path": l.path,
        "line": l.start.line,
        "column": l.start.col,
        "end_line": l.end.line,
        "end_column": l.end.col,
    })
}
