//! TF0101 not-version-controlled: the linted root is not inside a git repository.

use crate::diagnostic::{Location, Severity};
use crate::project::Project;
use crate::rules::{Ctx, Meta, Rule};
use crate::source::FileKind;

pub struct NotVersionControlled;

static META: Meta = Meta {
    code: "TF0101",
    name: "not-version-controlled",
    factor: 1,
    severity: Severity::Warning,
    kinds: &[FileKind::Cargo, FileKind::Dockerfile],
    summary: "the linted root is not inside a git repository",
    doc: include_str!("../../../rules/TF0101.md"),
    security: false,
    options: &[],
};

impl Rule for NotVersionControlled {
    fn meta(&self) -> &'static Meta {
        &META
    }

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
