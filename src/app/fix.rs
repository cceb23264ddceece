//! `--fix`: apply the mechanical fixes attached to findings, or preview them
//! as a unified diff (`--fix --dry-run`). Fixes of rules whose fixes are unsafe
//! ([`FixSafety::Unsafe`]) are applied only with `--unsafe-fixes`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit};
use crate::render::meta;
use crate::rules::FixSafety;

/// What fixing changed (or would change).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub findings: usize,
    pub files: usize,
    /// Findings whose fix is unsafe and was left alone (no `--unsafe-fixes`).
    pub unsafe_skipped: usize,
}

/// One file's new text.
struct FileFix {
    path: String,
    old: String,
    new: String,
    /// Byte ranges of the old text that change, in order, with the length of
    /// their replacement.
    changed: Vec<(Range<usize>, usize)>,
}

/// Fix the active findings that carry a fix (unsafe ones only when `unsafe_fixes`); edits
/// of one finding are applied together, and a finding whose edits overlap an earlier
/// one's is skipped.
fn plan(
    root: &Path,
    diagnostics: &[Diagnostic],
    unsafe_fixes: bool,
) -> Result<(Vec<FileFix>, Summary), String> {
    let mut by_file: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    let mut findings = 0;
    let mut unsafe_skipped = 0;
    for d in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let Some(fix) = &d.fix else { continue };
        if meta(d).fix == FixSafety::Unsafe && !unsafe_fixes {
            unsafe_skipped += 1;
            continue;
        }
        let edits = by_file.entry(d.location.path.as_str()).or_default();
        let overlaps = fix.edits.iter().any(|e| {
            edits.iter().any(|o| {
                e.location.bytes.start < o.location.bytes.end
                    && o.location.bytes.start < e.location.bytes.end
            })
        });
        if !overlaps {
            edits.extend(fix.edits.iter());
            findings += 1;
        }
    }
    let mut files = Vec::new();
    for (path, mut edits) in by_file {
        let old = std::fs::read_to_string(root.join(path))
            .map_err(|e| format!("cannot read {path} to fix it: {e}"))?;
        edits.sort_by_key(|e| e.location.bytes.start);
        let mut new = String::with_capacity(old.len());
        let mut at = 0;
        let mut changed = Vec::new();
        for e in edits {
            let r = e.location.bytes.clone();
            if r.end > old.len() || !old.is_char_boundary(r.start) || !old.is_char_boundary(r.end) {
                return Err(format!("{path} changed since it was linted; run again"));
            }
            new.push_str(&old[at..r.start]);
            new.push_str(&e.replacement);
            at = r.end;
            changed.push((r, e.replacement.len()));
        }
        new.push_str(&old[at..]);
        files.push(FileFix {
            path: path.to_string(),
            old,
            new,
            changed,
        });
    }
    let summary = Summary {
        findings,
        files: files.len(),
        unsafe_skipped,
    };
    Ok((files, summary))
}

/// Apply the fixes under `root`.
pub fn apply(
    root: &Path,
    diagnostics: &[Diagnostic],
    unsafe_fixes: bool,
) -> Result<Summary, String> {
    let (files, summary) = plan(root, diagnostics, unsafe_fixes)?;
    for f in &files {
        std::fs::write(root.join(&f.path), &f.new)
            .map_err(|e| format!("cannot write {}: {e}", f.path))?;
    }
    Ok(summary)
}

/// The fixes as a unified diff, without writing anything.
pub fn preview(
    root: &Path,
    diagnostics: &[Diagnostic],
    unsafe_fixes: bool,
) -> Result<(String, Summary), String> {
    let (files, summary) = plan(root, diagnostics, unsafe_fixes)?;
    let mut out = String::new();
    for f in &files {
        let _ = writeln!(out, "--- a/{}\n+++ b/{}", f.path, f.path);
        out.push_str(&hunks(f));
    }
    Ok((out, summary))
}

/// Lines of unchanged context around each change in a diff, as `diff -u` prints.
const CONTEXT: usize = 3;

/// Unified-diff hunks with [`CONTEXT`] lines of context (so `git apply` takes them);
/// edits that share a line, or whose context overlaps, are one hunk.
fn hunks(f: &FileFix) -> String {
    let old_lines: Vec<&str> = f.old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = f.new.split_inclusive('\n').collect();
    let line_of = |text: &str, at: usize| text[..at].matches('\n').count();
    let line_bounds = |r: &Range<usize>| {
        let start = f.old[..r.start].rfind('\n').map_or(0, |i| i + 1);
        // A range that already ends a line (a deleted line) ends the change there.
        let end = if r.end > r.start && f.old.as_bytes()[r.end - 1] == b'\n' {
            r.end
        } else {
            f.old[r.end..]
                .find('\n')
                .map_or(f.old.len(), |i| r.end + i + 1)
        };
        (start, end)
    };
    // Whole changed lines: (old start, old end, bytes the edits add).
    let mut groups: Vec<(usize, usize, isize)> = Vec::new();
    for (r, len) in &f.changed {
        let (start, end) = line_bounds(r);
        let grow = *len as isize - r.len() as isize;
        match groups.last_mut() {
            Some(last) if start < last.1 => {
                last.1 = last.1.max(end);
                last.2 += grow;
            }
            _ => groups.push((start, end, grow)),
        }
    }
    // The same changes as line ranges of the old and the new text.
    let mut changes: Vec<(Range<usize>, Range<usize>)> = Vec::new();
    let mut growth: isize = 0;
    for (start, end, grow) in groups {
        let new_start = (start as isize + growth) as usize;
        let new_end = (end as isize + growth + grow) as usize;
        let old_from = line_of(&f.old, start);
        let new_from = line_of(&f.new, new_start);
        let old_count = f.old[start..end].split_inclusive('\n').count();
        let new_count = f
            .new
            .get(new_start..new_end)
            .unwrap_or("")
            .split_inclusive('\n')
            .count();
        changes.push((
            old_from..old_from + old_count,
            new_from..new_from + new_count,
        ));
        growth += grow;
    }
    let mut out = String::new();
    let mut i = 0;
    while i < changes.len() {
        let mut j = i;
        while j + 1 < changes.len() && changes[j + 1].0.start <= changes[j].0.end + 2 * CONTEXT {
            j += 1;
        }
        let old_from = changes[i].0.start.saturating_sub(CONTEXT);
        let old_to = (changes[j].0.end + CONTEXT).min(old_lines.len());
        let new_from = changes[i].1.start - (changes[i].0.start - old_from);
        let new_to = changes[j].1.end + (old_to - changes[j].0.end);
        let header_start = |from: usize, to: usize| if to > from { from + 1 } else { from };
        let _ = writeln!(
            out,
            "@@ -{},{} +{},{} @@",
            header_start(old_from, old_to),
            old_to - old_from,
            header_start(new_from, new_to),
            new_to - new_from
        );
        let mut at = old_from;
        for (old, new) in &changes[i..=j] {
            diff_lines(&mut out, ' ', &old_lines[at..old.start]);
            diff_lines(&mut out, '-', &old_lines[old.clone()]);
            diff_lines(&mut out, '+', &new_lines[new.clone()]);
            at = old.end;
        }
        diff_lines(&mut out, ' ', &old_lines[at..old_to]);
        i = j + 1;
    }
    out
}

/// Diff body lines with `prefix`, marking a last line that has no newline.
fn diff_lines(out: &mut String, prefix: char, lines: &[&str]) {
    for l in lines {
        out.push(prefix);
        out.push_str(l);
        if !l.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_with_overlapping_context_make_one_hunk() {
        let old = "a b c\nkeep\ngone\n".to_string();
        let f = FileFix {
            path: "x".into(),
            new: "A b C\nkeep\n".into(),
            changed: vec![(0..1, 1), (4..5, 1), (11..16, 0)],
            old,
        };
        assert_eq!(hunks(&f), "@@ -1,3 +1,2 @@\n-a b c\n+A b C\n keep\n-gone\n");
    }
}
