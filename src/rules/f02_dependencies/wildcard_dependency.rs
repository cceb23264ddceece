//! TF0202 wildcard-dependency: `*`, `>= x` with no upper bound, or an empty requirement.

use crate::parse::cargo::DepKind;
use crate::rules::prelude::*;

declare_rule! {
    WildcardDependency {
        code: "TF0202",
        name: "wildcard-dependency",
        factor: 2,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Cargo, Dockerfile],
        summary: "Cargo dependency requirement `*`, `>= x` with no upper bound, or empty",
    }
}

impl Check for WildcardDependency {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(manifest) = file.manifest() else {
            return;
        };
        // Dev-dependencies build tests, benches and examples, never a release. A crate the
        // manifest's `[patch]` replaces (a fork at a git tag or a path) is built from the
        // patch, and one with a `path` or `git` source from that source, whatever the
        // requirement says.
        let requirements: Vec<_> = manifest
            .dependencies
            .iter()
            .filter(|d| {
                d.kind != DepKind::Dev
                    && !manifest.patched.contains(&d.name)
                    && d.path.is_none()
                    && d.git.is_none()
            })
            .filter_map(|d| Some((d, d.version.as_ref()?)))
            .collect();
        // A manifest that floats as a rule (most of its requirements take every breaking
        // release) states a policy its lockfile carries out: a wildcard there is that
        // policy, not an oversight to fix.
        let floating = requirements
            .iter()
            .filter(|(_, (req, _))| takes_breaking_releases(req))
            .count();
        if requirements.len() >= MIN_POLICY_REQUIREMENTS && 2 * floating > requirements.len() {
            return;
        }
        for (dep, (req, span)) in requirements {
            let Some(problem) = unbounded(req) else {
                continue;
            };
            if version_choice_explained(file.text, span.start) {
                continue;
            }
            let diag = cx.report(
                file.loc(span.clone()),
                format!("{} `{}` accepts {problem}", dep.kind.describe(), dep.name),
                "require a compatible range such as `\"1.4\"` (caret) or add an upper bound (`\">=1.4, <2\"`); Cargo.lock pins the exact version",
            );
            // With every release build held to a committed lockfile, no requirement can
            // change what is released.
            diag.unless_release_locked();
            // An optional dependency is built only when a feature turns it on: by
            // default, or when a build of the workspace asks for that feature.
            let enabling = manifest.features_enabling(&dep.name);
            if dep.optional
                && !enabling.iter().any(|f| f == "default")
                && let Some((package, _)) = &manifest.package
            {
                diag.when_feature_requested(package, enabling);
            }
        }
    }
}

/// True when the comment heading the manifest paragraph that holds byte `at` talks about
/// versions (`# we don't care about particular versions - pull whatever sphinx uses` over
/// `lioness = "*"` and the entries after it up to a blank line): the requirement is a
/// decision the team wrote down, like a suppression with its reason. A comment that only
/// names what follows (`# util`), or one a blank line or a table header separates from
/// the requirement, is not about it. Nor is one that credits `[patch]` with the version
/// (`# versions are overridden by [patch.crates-io]`): patched crates are skipped before
/// this is asked, so for this one the patch the comment relies on does not exist.
fn version_choice_explained(text: &str, at: usize) -> bool {
    let before = &text[..text[..at.min(text.len())].rfind('\n').unwrap_or(0)];
    before
        .split('\n')
        .rev()
        .map(str::trim)
        .take_while(|l| !l.is_empty() && !l.starts_with('['))
        .skip_while(|l| !l.starts_with('#'))
        .take_while(|l| l.starts_with('#'))
        .any(|l| {
            let l = l.to_ascii_lowercase();
            !commented_out_entry(&l) && l.contains("version") && !l.contains("patch")
        })
}

/// True for a comment that holds a manifest entry (`# tokio = { version = "1" }`), code
/// switched off rather than words about it.
fn commented_out_entry(comment: &str) -> bool {
    let body = comment.trim_start_matches('#').trim_start();
    body.split_once('=').is_some_and(|(key, _)| {
        let key = key.trim();
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '"'))
    })
}

/// How many requirements a manifest needs for how they float to be a policy.
const MIN_POLICY_REQUIREMENTS: usize = 10;

/// True for a requirement that takes every breaking release of its crate: an unbounded
/// one, or `"0"` (any `0.x`, each of which may break the last).
fn takes_breaking_releases(req: &str) -> bool {
    unbounded(req).is_some() || matches!(req.trim(), "0" | "^0" | "~0" | "0.*")
}

/// Why a requirement is unbounded, or `None` when it is bounded.
fn unbounded(req: &str) -> Option<&'static str> {
    let parts: Vec<&str> = req.split(',').map(str::trim).collect();
    if req.trim().is_empty() {
        return Some("any version (empty requirement)");
    }
    if parts.contains(&"*") {
        return Some("any version (`*`)");
    }
    let has_lower_only = parts.iter().any(|p| p.starts_with(">"));
    let has_upper = parts.iter().any(|p| {
        p.starts_with('<')
            || p.starts_with('=')
            || p.starts_with('~')
            || p.starts_with('^')
            || p.chars().next().is_some_and(|c| c.is_ascii_digit())
    });
    (has_lower_only && !has_upper).then_some("every future major version (no upper bound)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_choices_explained_by_the_comment_heading_the_paragraph() {
        let text = "[dependencies]\n# util\nlog = \"*\"\n\n# we don't care about particular versions\n# - pull whatever sphinx uses\nlioness = \"*\"\nchacha = \"0.3\"\narrayref = \"*\"\n\nrand = \"*\"\n[dev-dependencies]\nserde = \"*\"\n";
        let at = |needle: &str| text.find(needle).unwrap();
        assert!(!version_choice_explained(text, at("log =")));
        assert!(version_choice_explained(text, at("lioness =")));
        assert!(version_choice_explained(text, at("arrayref =")));
        assert!(!version_choice_explained(text, at("rand =")));
        assert!(!version_choice_explained(text, at("serde =")));
        assert!(!version_choice_explained("serde = \"*\"\n", 0));
        let patch = "# versions are overridden by [patch.crates-io]\nmysql_common = \"*\"\n";
        assert!(!version_choice_explained(
            patch,
            patch.find("mysql").unwrap()
        ));
        let switched_off = "# tokio = { version = \"1\" }\nlog = \"*\"\n";
        assert!(!version_choice_explained(
            switched_off,
            switched_off.find("log").unwrap()
        ));
    }

    #[test]
    fn requirements_that_take_breaking_releases() {
        for req in ["*", ">=0.21", "0", "^0", "~0", "0.*"] {
            assert!(takes_breaking_releases(req), "{req}");
        }
        for req in ["0.8", "1", "^0.3", "~0.4"] {
            assert!(!takes_breaking_releases(req), "{req}");
        }
    }

    #[test]
    fn bounded_and_unbounded() {
        for req in ["*", "", ">=1.0", "> 0.3", ">=1, *"] {
            assert!(unbounded(req).is_some(), "{req}");
        }
        for req in ["1", "^1.2", "~0.4", "=1.0.3", ">=1.2, <2", "0.*", "1.*"] {
            assert!(unbounded(req).is_none(), "{req}");
        }
    }
}
