//! Diff mode: the lines added or changed since the merge base with a git
//! reference, read with git2 (the work tree, index and untracked files count).

use std::collections::{BTreeSet, HashMap};
use std::path::Path;

use git2::{DiffOptions, Repository};

use crate::diagnostic::{Diagnostic, Location};

/// Added or changed lines (1-based, new side) per root-relative path.
#[derive(Debug, Default)]
pub struct Changes {
    lines: HashMap<String, BTreeSet<u32>>,
    /// The commit compared against, for messages.
    pub base: String,
}

impl Changes {
    /// The changes of the work tree at `root` since the merge base of `HEAD` and `reference`.
    pub fn since(root: &Path, reference: &str) -> Result<Self, String> {
        let repo = Repository::open(root).map_err(|e| {
            format!(
                "--diff needs a git repository at {}: {}",
                root.display(),
                e.message()
            )
        })?;
        let target = repo
            .revparse_single(reference)
            .and_then(|o| o.peel_to_commit())
            .map_err(|_| {
                format!("--diff: `{reference}` is not a commit here; in a shallow CI clone fetch it first (`git fetch --depth=1 origin {reference}`)")
            })?;
        let head = repo.head().and_then(|h| h.peel_to_commit()).ok();
        // A shallow clone may not reach the merge base: compare with the reference itself.
        let base = head
            .and_then(|h| repo.merge_base(h.id(), target.id()).ok())
            .unwrap_or(target.id());
        let tree = repo
            .find_commit(base)
            .and_then(|c| c.tree())
            .map_err(|e| format!("--diff: cannot read {base}: {}", e.message()))?;
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true)
            .context_lines(0);
        let diff = repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
            .map_err(|e| format!("--diff: {}", e.message()))?;
        let mut changes = Changes {
            lines: HashMap::new(),
            base: base.to_string(),
        };
        diff.foreach(
            &mut |_, _| true,
            None,
            None,
            Some(&mut |delta, _, line| {
                if let (Some(path), Some(n)) = (delta.new_file().path(), line.new_lineno())
                    && line.origin() == '+'
                {
                    let path = path.to_string_lossy().replace('\\', "/");
                    changes.lines.entry(path).or_default().insert(n);
                }
                true
            }),
        )
        .map_err(|e| format!("--diff: {}", e.message()))?;
        Ok(changes)
    }

    /// True when any line of `loc` was added or changed.
    pub fn touches(&self, loc: &Location) -> bool {
        self.lines.get(&loc.path).is_some_and(|lines| {
            lines
                .range(loc.start.line..=loc.end.line.max(loc.start.line))
                .next()
                .is_some()
        })
    }

    /// Keep findings on changed lines, and project findings one of whose
    /// related locations changed; returns how many were dropped.
    pub fn filter(&self, diagnostics: &mut Vec<Diagnostic>) -> usize {
        let before = diagnostics.len();
        diagnostics.retain(|d| {
            self.touches(&d.location) || d.related.iter().any(|r| self.touches(&r.location))
        });
        before - diagnostics.len()
    }
}
