//! TF0103 environment-forked-code: per-environment copies of code or build files that diverge.

use std::collections::BTreeMap;

use crate::rules::prelude::*;

declare_rule! {
    EnvironmentForkedCode {
        code: "TF0103",
        name: "environment-forked-code",
        factor: 1,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Rust],
        summary: "per-environment copies of code or build files that diverge",
    }
}

const ENVS: &[&str] = &[
    "prod",
    "production",
    "dev",
    "development",
    "staging",
    "stage",
    "qa",
    "uat",
    "local",
    "test",
];

impl Check for EnvironmentForkedCode {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        // Dockerfiles: group `Dockerfile.<env>` / `<env>.Dockerfile` by directory.
        let mut docker: BTreeMap<String, Vec<(&str, &crate::model::project::DockerFacts)>> =
            BTreeMap::new();
        for d in &project.dockerfiles {
            let (dir, name) = d.path.rsplit_once('/').unwrap_or(("", &d.path));
            if let Some(env) = docker_env(name) {
                docker.entry(dir.to_string()).or_default().push((env, d));
            }
        }
        for variants in docker.values().filter(|v| v.len() >= 2) {
            let (first_env, first) = variants[0];
            for (env, d) in &variants[1..] {
                let base = |f: &crate::model::project::DockerFacts| {
                    f.stages.last().map(|s| s.image.clone())
                };
                let steps = |f: &crate::model::project::DockerFacts| {
                    f.stages
                        .iter()
                        .flat_map(|s| s.steps.clone())
                        .collect::<Vec<_>>()
                };
                let what = if base(d) != base(first) {
                    "a different base image"
                } else if steps(d) != steps(first) {
                    "different build steps"
                } else {
                    continue;
                };
                let Some(stage) = d.stages.last() else {
                    continue;
                };
                cx.report(
                    stage.location.clone(),
                    format!("`{}` ({env}) forks `{}` ({first_env}) with {what}", d.path, first.path),
                    "build one image for every environment and vary behaviour through environment variables",
                )
                .with_related(first.stages.last().map_or_else(|| crate::diagnostic::Location::file(&first.path), |s| s.location.clone()), "the other environment's Dockerfile");
            }
        }
        // Rust: `main_prod.rs` next to `main_dev.rs`.
        let mut rust: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
        for f in project.files.iter().filter(|f| f.kind == FileKind::Rust) {
            let (dir, name) = f.path.rsplit_once('/').unwrap_or(("", &f.path));
            let stem = name.trim_end_matches(".rs");
            if let Some((base, _)) = stem.rsplit_once('_').filter(|(_, e)| ENVS.contains(e)) {
                rust.entry((dir.to_string(), base.to_string()))
                    .or_default()
                    .push(&f.path);
            }
        }
        for paths in rust.values().filter(|p| p.len() >= 2) {
            for path in &paths[1..] {
                cx.report(
                    crate::diagnostic::Location::file(path),
                    format!("`{path}` is a per-environment copy of `{}`", paths[0]),
                    "keep one code path and select behaviour with configuration read from the environment",
                );
            }
        }
    }
}

/// The environment of `Dockerfile.prod`, `prod.Dockerfile`, `Dockerfile-dev`.
fn docker_env(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("dockerfile")
        .map(|r| r.trim_start_matches(['.', '-', '_']).to_string())
        .or_else(|| lower.strip_suffix(".dockerfile").map(str::to_string))?;
    ENVS.iter().copied().find(|e| *e == rest)
}
