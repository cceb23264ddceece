//! TF0203 unpinned-git-dependency: a git dependency with no `rev` or `tag`.

use crate::diagnostic::{Condition, Severity};
use crate::parse::cargo::DepKind;
use crate::rules::prelude::*;

declare_rule! {
    UnpinnedGitDependency {
        code: "TF0203",
        name: "unpinned-git-dependency",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Cargo],
        summary: "Cargo git dependency with no `rev` or `tag` (a `branch` alone is unpinned)",
    }
}

impl Check for UnpinnedGitDependency {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(manifest) = file.manifest() else {
            return;
        };
        for dep in &manifest.dependencies {
            let Some((url, git_span)) = &dep.git else {
                continue;
            };
            if dep.rev.is_some() || dep.tag.is_some() {
                continue;
            }
            let (what, span) = match &dep.branch {
                Some((branch, span)) => (format!("follows branch `{branch}`"), span.clone()),
                None => ("follows the default branch".to_string(), git_span.clone()),
            };
            let d = cx.report(
                file.loc(span),
                format!("git {} `{}` {what} of {url}, so its code changes without a commit here", dep.kind.describe(), dep.name),
                "pin the commit with `rev = \"<sha>\"` (or a `tag`), or depend on a published version",
            );
            // A committed Cargo.lock pins the commit the branch pointed at.
            d.condition = Some(Condition::GitSourceUnlocked(url.clone()));
            if dep.kind == DepKind::Dev {
                d.severity = Severity::Note;
            }
        }
    }
}
