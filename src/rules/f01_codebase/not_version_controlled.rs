//! TF0101 not-version-controlled: the linted root is not inside a git repository.

use crate::diagnostic::Location;
use crate::project::Project;
use crate::rules::{Check, Ctx};

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
        // Point at the project's main manifest when there is one, else its first file.
        let anchor = project
            .files
            .iter()
            .min_by_key(|f| {
                (
                    f.path.matches('/').count(),
                    f.path != "Cargo.toml",
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
