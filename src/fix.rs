//! `--fix`: apply the mechanical fixes attached to findings, or preview them
//! as a unified diff (`--fix --dry-run`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

use crate::diagnostic::{Diagnostic, Edit};

/// What fixing changed (or would change).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub findings: usize,
    pub files: usize,
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

/// Fix the active findings that carry a fix; edits of one finding are applied
/// together, and a finding whose edits overlap an earlier one's is skipped.
fn plan(root: &Path, diagnostics: &[Diagnostic]) -> Result<(Vec<FileFix>, usize), String> {
    let mut by_file: BTreeMap<&str, Vec<&Edit>> = BTreeMap::new();
    let mut findings = 0;
    for d in diagnostics.iter().filter(|d| d.suppressed.is_none()) {
        let Some(fix) = &d.fix else { continue };
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
    Ok((files, findings))
}

/// Apply the fixes under `root`.
pub fn apply(root: &Path, diagnostics: &[Diagnostic]) -> Result<Summary, String> {
    let (files, findings) = plan(root, diagnostics)?;
    for f in &files {
        std::fs::write(root.join(&f.path), &f.new)
            .map_err(|e| format!("cannot write {}: {e}", f.path))?;
    }
    Ok(Summary {
        findings,
        files: files.len(),
    })
}

/// The fixes as a unified diff, without writing anything.
pub fn preview(root: &Path, diagnostics: &[Diagnostic]) -> Result<(String, Summary), String> {
    let (files, findings) = plan(root, diagnostics)?;
    let mut out = String::new();
    for f in &files {
        let _ = writeln!(out, "--- a/{}\n+++ b/{}", f.path, f.path);
        out.push_str(&hunks(f));
    }
    Ok((
        out,
        Summary {
            findings,
            files: files.len(),
        },
    ))
}

/// Hunks covering the whole changed lines, with no context; edits that share
/// a line are one hunk.
fn hunks(f: &FileFix) -> String {
    let line_bounds = |r: &Range<usize>| {
        let start = f.old[..r.start].rfind('\n').map_or(0, |i| i + 1);
        // A range that already ends a line (a deleted line) ends the hunk there.
        let end = if r.end > r.start && f.old.as_bytes()[r.end - 1] == b'\n' {
            r.end
        } else {
            f.old[r.end..]
                .find('\n')
                .map_or(f.old.len(), |i| r.end + i + 1)
        };
        (start, end)
    };
    // (old start, old end, bytes this hunk's edits add)
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
    let mut out = String::new();
    let mut growth: isize = 0;
    let mut line_shift: isize = 0;
    for (start, end, grow) in groups {
        let new_start = (start as isize + growth) as usize;
        let new_end = (end as isize + growth + grow) as usize;
        let old_lines: Vec<&str> = f.old[start..end].lines().collect();
        let new_lines: Vec<&str> = f
            .new
            .get(new_start..new_end)
            .unwrap_or("")
            .lines()
            .collect();
        let old_line = f.old[..start].matches('\n').count() + 1;
        let new_line = (old_line as isize + line_shift) as usize;
        let _ = writeln!(
            out,
            "@@ -{old_line},{} +{new_line},{} @@",
            old_lines.len(),
            new_lines.len()
        );
        for l in &old_lines {
            let _ = writeln!(out, "-{l}");
        }
        for l in &new_lines {
            let _ = writeln!(out, "+{l}");
        }
        growth += grow;
        line_shift += new_lines.len() as isize - old_lines.len() as isize;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_on_one_line_make_one_hunk() {
        let old = "a b c\nkeep\ngone\n".to_string();
        let f = FileFix {
            path: "x".into(),
            new: "A b C\nkeep\n".into(),
            changed: vec![(0..1, 1), (4..5, 1), (11..16, 0)],
            old,
        };
        assert_eq!(
            hunks(&f),
            "@@ -1,1 +1,1 @@\n-a b c\n+A b C\n@@ -3,1 +3,0 @@\n-gone\n"
        );
    }
}
