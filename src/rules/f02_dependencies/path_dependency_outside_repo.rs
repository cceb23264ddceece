//! TF0208 path-dependency-outside-repo: `path =` leaving the repository root.

use crate::model::project::join_inside;
use crate::rules::prelude::*;

declare_rule! {
    PathDependencyOutsideRepo {
        code: "TF0208",
        name: "path-dependency-outside-repo",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Cargo],
        summary: "Cargo `path =` dependency that leaves the repository root",
    }
}

impl Check for PathDependencyOutsideRepo {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(manifest) = file.manifest() else {
            return;
        };
        let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
        for dep in &manifest.dependencies {
            let Some((path, span)) = &dep.path else {
                continue;
            };
            if leaves_root(dir, path) {
                cx.report(
                    file.loc(span.clone()),
                    format!("`{}` is a path dependency on `{path}`, outside this repository", dep.name),
                    "a fresh clone cannot build this: publish the crate, use a pinned git dependency, or move it into the repository",
                );
            }
        }
    }
}

/// True when `path`, relative to `dir` (relative to the root), resolves outside the root.
fn leaves_root(dir: &str, path: &str) -> bool {
    join_inside(dir, path).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_lexically() {
        assert!(leaves_root("", "../shared"));
        assert!(leaves_root("crates/api", "../../../lib"));
        assert!(!leaves_root("crates/api", "../../vendor/lib"));
        assert!(!leaves_root("crates/api", "../core"));
        assert!(leaves_root("", "/opt/src/lib"));
    }
}
