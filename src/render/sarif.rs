//! SARIF 2.1.0 as GitHub code scanning ingests it: one run, `%SRCROOT%`-relative
//! URIs, real regions, full rule metadata, partial fingerprints, in-source
//! suppressions.

use serde_json::{Value, json};

use super::{Output, help_uri};
use crate::diagnostic::{Diagnostic, Fix, Location, Severity};
use crate::engine::fingerprint;
use crate::rules::{Meta, Stability};

pub fn render(out: &Output<'_>) -> String {
    let metas: Vec<&'static Meta> = out.settings.rules.iter().map(|r| r.meta()).collect();
    let results: Vec<Value> = out
        .report
        .diagnostics
        .iter()
        .map(|d| result(d, &metas))
        .collect();
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": env!("CARGO_PKG_NAME"),
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": metas.iter().map(|m| rule(m)).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            // What the run could not check is a notification of the run, not a result.
            "invocations": [{
                "executionSuccessful": true,
                "toolExecutionNotifications": out.report.notices.iter().map(|n| json!({
                    "level": "note",
                    "message": { "text": format!("{} ({})", n.message, n.help) },
                    "locations": [{ "physicalLocation": {
                        "artifactLocation": { "uri": uri(&n.path), "uriBaseId": "%SRCROOT%" },
                    }}],
                })).collect::<Vec<_>>(),
            }],
            "results": results,
        }],
    });
    super::json_document(&doc)
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(m: &Meta) -> Value {
    let mut properties = json!({
        "tags": ["twelve-factor", format!("factor-{:02}", m.factor), m.factor_name().to_lowercase()],
        // Stable rules met the ecosystem bar; preview rules have not yet.
        "precision": match m.stability {
            Stability::Stable => "high",
            Stability::Preview => "medium",
        },
        "fix": m.fix.as_str(),
        "since": m.since,
        "stability": m.stability.as_str(),
    });
    if m.security {
        properties["tags"]
            .as_array_mut()
            .expect("array")
            .push(json!("security"));
        let score = match m.severity {
            Severity::Error => "8.0",
            Severity::Warning => "5.0",
            Severity::Note => "2.0",
        };
        properties["security-severity"] = json!(score);
    }
    json!({
        "id": m.code,
        "name": m.name,
        "shortDescription": { "text": m.summary },
        "fullDescription": { "text": what_it_does(m) },
        "help": { "text": m.doc, "markdown": m.doc },
        "helpUri": help_uri(m),
        "defaultConfiguration": { "level": level(m.severity) },
        "properties": properties,
    })
}

/// The first paragraph of the doc page's "What it does" section.
fn what_it_does(m: &Meta) -> String {
    m.doc
        .split("## What it does")
        .nth(1)
        .and_then(|rest| rest.trim_start().split("\n\n").next())
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| m.summary.to_string())
}

fn result(d: &Diagnostic, metas: &[&Meta]) -> Value {
    let mut r = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": format!("{}. {}", d.message, d.help) },
        "locations": [{ "physicalLocation": physical(&d.location) }],
        "partialFingerprints": { fingerprint::KEY: d.fingerprint },
    });
    if let Some(i) = metas.iter().position(|m| m.code == d.code) {
        r["ruleIndex"] = json!(i);
    }
    if !d.related.is_empty() {
        r["relatedLocations"] = d
            .related
            .iter()
            .enumerate()
            .map(|(i, rel)| {
                json!({
                    "id": i,
                    "physicalLocation": physical(&rel.location),
                    "message": { "text": rel.message },
                })
            })
            .collect();
    }
    if let Some(f) = &d.fix {
        r["fixes"] = json!([fix(f)]);
    }
    if let Some(s) = &d.suppressed {
        let mut sup = json!({ "kind": s.kind, "status": "accepted" });
        if !s.justification.is_empty() {
            sup["justification"] = json!(s.justification);
        }
        r["suppressions"] = json!([sup]);
    }
    r
}

/// Line and column bounds of a location.
fn region(l: &Location) -> Value {
    let mut region = json!({ "startLine": l.start.line, "startColumn": l.start.col });
    if l.end > l.start {
        region["endLine"] = json!(l.end.line);
        region["endColumn"] = json!(l.end.col);
    }
    region
}

/// A fix as SARIF `fixes` entry: replacements grouped by file.
fn fix(f: &Fix) -> Value {
    let mut by_file: Vec<(&str, Vec<Value>)> = Vec::new();
    for e in &f.edits {
        let replacement = json!({
            "deletedRegion": region(&e.location),
            "insertedContent": { "text": e.replacement },
        });
        match by_file.iter_mut().find(|(p, _)| *p == e.location.path) {
            Some((_, list)) => list.push(replacement),
            None => by_file.push((&e.location.path, vec![replacement])),
        }
    }
    json!({
        "description": { "text": f.description },
        "artifactChanges": by_file
            .into_iter()
            .map(|(path, replacements)| json!({
                "artifactLocation": { "uri": uri(path), "uriBaseId": "%SRCROOT%" },
                "replacements": replacements,
            }))
            .collect::<Vec<_>>(),
    })
}

fn physical(l: &Location) -> Value {
    let mut region = region(l);
    if let Some(text) = l.span_text().filter(|t| !t.is_empty()) {
        region["snippet"] = json!({ "text": text });
    }
    json!({
        "artifactLocation": { "uri": uri(&l.path), "uriBaseId": "%SRCROOT%" },
        "region": region,
    })
}

/// Percent-encode a relative path as a URI reference.
fn uri(path: &str) -> String {
    let mut s = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(uri("a b/ü.yaml"), "a%20b/%C3%BC.yaml");
    }
}
