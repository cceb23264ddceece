//! Baselines: the findings a repository already had, keyed on their
//! fingerprint (rule code, path and normalised source line, not line numbers),
//! so that only new findings are reported.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::{Value, json};

use crate::diagnostic::Diagnostic;

/// The fingerprints recorded in a baseline file.
#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: BTreeSet<String>,
}

/// What applying a baseline did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Applied {
    /// Findings hidden because the baseline has them.
    pub baselined: usize,
    /// Baseline entries that matched nothing (fixed or changed findings).
    pub stale: usize,
}

impl Baseline {
    /// Read a baseline written by [`write`].
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        let doc: Value = serde_json::from_str(&text)
            .map_err(|e| format!("baseline {} is not valid JSON: {e}", path.display()))?;
        let findings = doc["findings"].as_array().ok_or_else(|| {
            format!(
                "baseline {} has no `findings` list; write it with --write-baseline",
                path.display()
            )
        })?;
        Ok(Baseline {
            fingerprints: findings
                .iter()
                .filter_map(|f| f["fingerprint"].as_str().map(str::to_string))
                .collect(),
        })
    }

    /// Remove the baselined findings from `diagnostics` (suppressed ones stay).
    pub fn apply(&self, diagnostics: &mut Vec<Diagnostic>) -> Applied {
        let mut matched = BTreeSet::new();
        diagnostics.retain(|d| {
            let known = d.suppressed.is_none() && self.fingerprints.contains(&d.fingerprint);
            if known {
                matched.insert(d.fingerprint.clone());
            }
            !known
        });
        Applied {
            baselined: matched.len(),
            stale: self.fingerprints.len() - matched.len(),
        }
    }
}

/// Write the active findings of `diagnostics` as a baseline; returns how many.
pub fn write(path: &Path, diagnostics: &[Diagnostic]) -> Result<usize, String> {
    let findings: Vec<Value> = diagnostics
        .iter()
        .filter(|d| d.suppressed.is_none())
        .map(|d| {
            json!({
                "fingerprint": d.fingerprint,
                "code": d.code,
                "path": d.location.path,
                "line": d.location.start.line,
                "message": d.message,
            })
        })
        .collect();
    let doc = json!({ "version": 1, "tool": "twelve-lint", "findings": findings });
    let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())? + "\n";
    std::fs::write(path, text)
        .map_err(|e| format!("cannot write baseline {}: {e}", path.display()))?;
    Ok(findings.len())
}
