//! TF0101 not-version-controlled: the linted root is not inside a git repository.

use crate::model::role::Role;
use crate::rules::prelude::*;

declare_rule! {
    NotVersionControlled {
        code: "TF0101",
        name: "not-version-controlled",
        factor: 1,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Cargo, Dockerfile],
        summary: "the linted root is not inside a git repository",
    }
}

impl Check for NotVersionControlled {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        if project.in_git {
            return;
        }
        // Point at what defines the project: a deployed file nearest the root, a
        // `Cargo.toml` before a Dockerfile before anything else.
        let anchor = project
            .files
            .iter()
            .min_by_key(|f| {
                let rank = match f.kind {
                    FileKind::Cargo => 0,
                    FileKind::Dockerfile => 1,
                    _ => 2,
                };
                (
                    f.role.role != Role::Production,
                    f.path.matches('/').count(),
                    rank,
                    f.path.clone(),
                )
            })
            .map(|f| f.path.clone());
        let Some(anchor) = anchor else { return };
        cx.report(
            Location::file(&anchor),
            "this project is not inside a git repository",
            "track the codebase in git (`git init`, commit, push): one codebase in revision control, many deploys",
        );
    }
}
