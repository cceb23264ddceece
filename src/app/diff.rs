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
    /// Why the comparison is not with the merge base, when it is not.
    pub warning: Option<String>,
}

/// The command that fetches `reference` so `--diff` can resolve it: `origin/main` is
/// branch `main` of remote `origin`, a hex string is a commit, anything else a branch
/// or tag fetched under its own name.
fn fetch_hint(repo: &Repository, reference: &str) -> String {
    let remotes: Vec<String> = repo
        .remotes()
        .map(|r| r.iter().flatten().flatten().map(str::to_string).collect())
        .unwrap_or_default();
    if let Some((remote, branch)) = reference.split_once('/')
        && remotes.iter().any(|r| r == remote)
    {
        return format!("git fetch --depth=1 {remote} {branch}");
    }
    let remote = remotes
        .iter()
        .find(|r| *r == "origin")
        .or(remotes.first())
        .map_or("origin", String::as_str);
    let is_commit =
        (7..=40).contains(&reference.len()) && reference.bytes().all(|b| b.is_ascii_hexdigit());
    if is_commit {
        format!("git fetch --depth=1 {remote} {reference}")
    } else {
        format!("git fetch --depth=1 {remote} {reference}:{reference}")
    }
}

impl Changes {
    /// The changes of the work tree at `root` since the merge base of `HEAD` and `reference`.
    /// Only files of kinds twelve-lint lints, up to `max_size` bytes, are line-diffed:
    /// a large changed file of another kind costs nothing.
    pub fn since(root: &Path, reference: &str, max_size: u64) -> Result<Self, String> {
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
                format!(
                    "--diff: `{reference}` is not a commit here; in a shallow CI clone fetch it first (`{}`), or check out with full history (`fetch-depth: 0`)",
                    fetch_hint(&repo, reference)
                )
            })?;
        let head = repo.head().and_then(|h| h.peel_to_commit()).ok();
        let merge_base = head.and_then(|h| repo.merge_base(h.id(), target.id()).ok());
        // A shallow clone may not reach the merge base: compare with the reference itself.
        let warning = merge_base.is_none().then(|| {
            format!(
                "--diff: no merge base of HEAD and `{reference}` (a shallow clone?); comparing with `{reference}` itself, so lines it changed since the branch point count as changed too (fetch more history, e.g. `fetch-depth: 0`, for an exact diff)"
            )
        });
        let base = merge_base.unwrap_or(target.id());
        let tree = repo
            .find_commit(base)
            .and_then(|c| c.tree())
            .map_err(|e| format!("--diff: cannot read {base}: {}", e.message()))?;
        let mut opts = DiffOptions::new();
        opts.include_untracked(true)
            .recurse_untracked_dirs(true)
            .show_untracked_content(true)
            .context_lines(0);
        let changed = repo
            .diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
            .map_err(|e| format!("--diff: {}", e.message()))?;
        let linted: Vec<String> = changed
            .deltas()
            .filter_map(|d| d.new_file().path().map(Path::to_path_buf))
            .filter(|p| crate::model::source::classify(p).is_some())
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        opts.disable_pathspec_match(true)
            .max_size(i64::try_from(max_size).unwrap_or(i64::MAX));
        for path in &linted {
            opts.pathspec(path);
        }
        let diff = if linted.is_empty() {
            None
        } else {
            Some(
                repo.diff_tree_to_workdir_with_index(Some(&tree), Some(&mut opts))
                    .map_err(|e| format!("--diff: {}", e.message()))?,
            )
        };
        let mut changes = Changes {
            lines: HashMap::new(),
            base: base.to_string(),
            warning,
        };
        let Some(diff) = diff else {
            return Ok(changes);
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
