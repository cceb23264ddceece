//! Dockerfiles built only by development setups. A compose file that bind-mounts the
//! source tree, builds a development stage or sits in a dev or test directory is not a
//! deployment, and neither is the image it builds, when nothing else builds that image:
//! no production compose service, and no build pipeline
//! ([`crate::model::pipelines::Pipelines`]).

use std::collections::HashMap;

use crate::model::project::Project;
use crate::model::role::{Decision, Role};

/// The Dockerfiles (path → decision) that only compose services of non-production compose
/// files build, each building its final stage (no `target`, or the last stage's name).
/// The pipelines are read only when some Dockerfile qualifies.
pub fn dev_built_dockerfiles(project: &Project) -> Vec<(String, Decision)> {
    let role_of = |path: &str| project.role_of(path);
    let final_stage: HashMap<&str, Option<&str>> = project
        .dockerfiles
        .iter()
        .map(|d| {
            (
                d.path.as_str(),
                d.stages.last().and_then(|s| s.alias.as_deref()),
            )
        })
        .collect();
    // Dockerfile → (a development service building it, that service's role), or None once a
    // production service builds it.
    let mut builders: HashMap<&str, Option<(&str, &str, Role)>> = HashMap::new();
    for c in project.containers.iter().filter(|c| !c.kubernetes) {
        let Some(dockerfile) = c.dockerfile.as_deref() else {
            continue;
        };
        let Some(&last) = final_stage.get(dockerfile) else {
            continue;
        };
        let builds_final = c
            .build_target
            .as_deref()
            .is_none_or(|t| last.is_some_and(|l| l.eq_ignore_ascii_case(t)));
        let role = role_of(&c.path).unwrap_or(Role::Production);
        let dev = builds_final && role != Role::Production;
        let entry =
            builders
                .entry(dockerfile)
                .or_insert(Some((c.path.as_str(), c.name.as_str(), role)));
        if !dev {
            *entry = None;
        }
    }
    let candidates: Vec<(&str, (&str, &str, Role))> = builders
        .into_iter()
        .filter_map(|(d, b)| Some((d, b?)))
        .filter(|(d, _)| role_of(d) == Some(Role::Production))
        .collect();
    if candidates.is_empty() {
        return Vec::new();
    }
    let pipelines = project.pipelines();
    let mut out: Vec<(String, Decision)> = candidates
        .into_iter()
        .filter(|(d, _)| pipelines.building(d).is_none())
        .map(|(d, (compose, service, role))| {
            let decision = Decision {
                role,
                signal: format!(
                    "only service `{service}` of `{compose}` ({}) builds it, and no build pipeline does",
                    role.name()
                ),
            };
            (d.to_string(), decision)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}
