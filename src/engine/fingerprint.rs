//! Fingerprints that survive unrelated lines moving: a hash of the rule code,
//! the path and the offending source lines with whitespace collapsed, plus an
//! occurrence index for identical lines in one file.

use std::collections::HashMap;

use crate::diagnostic::Diagnostic;

/// The `partialFingerprints` key used in SARIF and baselines.
pub const KEY: &str = "twelveLint/v1";

/// Set [`Diagnostic::fingerprint`] on every diagnostic (input must be sorted).
pub fn assign(diagnostics: &mut [Diagnostic]) {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    for d in diagnostics {
        let normalized: String = d
            .location
            .snippet
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let base = fnv1a(&[
            d.code.as_bytes(),
            d.location.path.as_bytes(),
            normalized.as_bytes(),
        ]);
        let n = seen.entry(base).or_insert(0);
        d.fingerprint = format!("{base:016x}:{n}");
        *n += 1;
    }
}

/// 64-bit FNV-1a over `parts`, separated so that part boundaries matter.
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.iter().chain(std::iter::once(&0xFF)) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}
