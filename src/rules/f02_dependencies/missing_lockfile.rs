//! TF0204 missing-lockfile: a package with a binary target has no committed `Cargo.lock`.

use std::collections::BTreeSet;

use crate::model::project::Project;
use crate::rules::prelude::*;

declare_rule! {
    MissingLockfile {
        code: "TF0204",
        name: "missing-lockfile",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Cargo],
        summary: "a package with a binary target has no committed `Cargo.lock`",
    }
}

impl Check for MissingLockfile {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut seen = BTreeSet::new();
        for pkg in project
            .cargo
            .iter()
            .filter(|c| c.has_bin && !c.is_tooling())
        {
            let owner = project.workspace_root(pkg);
            let lock = if owner.dir.is_empty() {
                "Cargo.lock".to_string()
            } else {
                format!("{}/Cargo.lock", owner.dir)
            };
            if !seen.insert(lock.clone()) {
                continue;
            }
            let problem = if !project.root.join(&lock).is_file() {
                "has no Cargo.lock".to_string()
            } else if project.in_git && !project.is_tracked(&lock) {
                if project.is_ignored(&lock) {
                    "has a Cargo.lock that .gitignore keeps out of git".to_string()
                } else {
                    "has a Cargo.lock that is not committed".to_string()
                }
            } else {
                continue;
            };
            let name = pkg.manifest.package.as_ref().map_or("?", |p| p.0.as_str());
            let d = cx.report(
                owner.header.clone(),
                format!("binary package `{name}` {problem}, so every build may resolve different dependency versions"),
                format!("run `cargo generate-lockfile` and commit `{lock}` (remove it from .gitignore)"),
            );
            if !std::ptr::eq(owner, pkg) {
                d.with_related(
                    pkg.header.clone(),
                    "the binary package built from this workspace",
                );
            }
        }
    }
}
