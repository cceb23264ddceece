//! Real-world evidence: each rule's measured precision on the ecosystem set.
//!
//! `ecosystem/snapshot.tsv` holds every finding of every rule on the pinned repositories
//! of `ecosystem/repos.toml`; `ecosystem/ledger.tsv` holds a reviewer's verdict on findings
//! (TP, FP or NOISE). Precision counts the verdicts of findings still in the snapshot, so a
//! verdict on a finding a rule no longer reports does not count. `ecosystem/check.py`
//! keeps both files current; this module reads the committed copies.

use std::collections::{HashMap, HashSet};

use crate::rules::{Meta, Stability};

const SNAPSHOT: &str = include_str!("../../ecosystem/snapshot.tsv");
const LEDGER: &str = include_str!("../../ecosystem/ledger.tsv");

/// Least share of TP among reviewed findings for a stable rule.
pub const BAR_PRECISION_PERCENT: u32 = 90;
/// Reviewed findings needed to judge a rule by its share of TP.
pub const BAR_REVIEWED: u32 = 10;
/// TPs (and no FP) that make a seldom-firing rule stable.
pub const BAR_SELDOM_TP: u32 = 3;

/// Reviewed verdicts of one rule's current ecosystem findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Precision {
    /// Findings in the snapshot.
    pub findings: u32,
    pub tp: u32,
    pub fp: u32,
    pub noise: u32,
}

impl Precision {
    /// Findings with a verdict.
    pub fn reviewed(&self) -> u32 {
        self.tp + self.fp + self.noise
    }

    /// True when the verdicts reach the stable bar: 90% TP over 10 reviewed findings,
    /// or, for a rule that seldom fires, 3 TPs, no FP and 90% TP.
    pub fn meets_bar(&self) -> bool {
        let share = self.tp * 100 >= BAR_PRECISION_PERCENT * self.reviewed();
        share && (self.reviewed() >= BAR_REVIEWED || (self.tp >= BAR_SELDOM_TP && self.fp == 0))
    }

    /// `12/13 (92%)` (the share rounded down, as `ecosystem/check.py` shows it), or
    /// `not measured`.
    pub fn summary(&self) -> String {
        match self.reviewed() {
            0 => "not measured".to_string(),
            n => format!("{}/{n} ({}%)", self.tp, self.tp * 100 / n),
        }
    }
}

/// Finding identity on the pinned ecosystem: repository, path, line, code.
type Key<'a> = (&'a str, &'a str, &'a str, &'a str);

fn rows(text: &str) -> impl Iterator<Item = Vec<&str>> {
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| l.split('\t').collect::<Vec<_>>())
        .filter(|cells| cells.len() >= 4)
}

fn key<'a>(cells: &[&'a str]) -> Key<'a> {
    (cells[0], cells[1], cells[2], cells[3])
}

/// Precision of every rule that has ecosystem findings, by code: one verdict per
/// finding, the ledger's last row for its key, as `ecosystem/check.py` counts them.
pub fn all() -> HashMap<String, Precision> {
    let current: HashSet<Key<'_>> = rows(SNAPSHOT).map(|c| key(&c)).collect();
    let verdicts: HashMap<Key<'_>, &str> = rows(LEDGER)
        .filter(|c| c.len() >= 5)
        .map(|c| (key(&c), c[4]))
        .collect();
    let mut out: HashMap<String, Precision> = HashMap::new();
    for k in &current {
        let p = out.entry(k.3.to_string()).or_default();
        p.findings += 1;
        match verdicts.get(k).copied() {
            Some("TP") => p.tp += 1,
            Some("FP") => p.fp += 1,
            Some("NOISE") => p.noise += 1,
            _ => {}
        }
    }
    out
}

/// Snapshot findings of `code` that have no verdict in the ledger.
pub fn unreviewed(code: &str) -> Vec<String> {
    let reviewed: HashSet<Key<'_>> = rows(LEDGER).map(|c| key(&c)).collect();
    rows(SNAPSHOT)
        .filter(|c| c[3] == code && !reviewed.contains(&key(c)))
        .map(|c| c[..4].join(" "))
        .collect()
}

/// The `## Stability` paragraph of a rule's doc page.
pub fn stability_paragraph(meta: &Meta, precision: Precision) -> String {
    let state = match meta.stability {
        Stability::Stable => format!("Stable since {}: a default run enables it.", meta.since),
        Stability::Preview => format!(
            "Preview since {}: enable it with `--preview`, `preview = true` or `--select {}`.",
            meta.since, meta.code
        ),
    };
    if meta.factor == 0 {
        return format!(
            "{state} The tool's own diagnostic; it is not measured on the ecosystem set."
        );
    }
    let measured = match precision.reviewed() {
        0 => format!(
            "Not yet measured: {} finding(s) on the ecosystem set, none reviewed.",
            precision.findings
        ),
        _ => format!(
            "Measured precision on the ecosystem set: TP {} of reviewed findings ({} FP, {} noise; {} finding(s) in all).",
            precision.summary(),
            precision.fp,
            precision.noise,
            precision.findings
        ),
    };
    format!("{state} {measured}")
}
