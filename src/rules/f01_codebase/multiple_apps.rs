//! TF0102 multiple-apps: independent deployable apps sharing one repository.

use crate::model::project::{CargoFacts, Project};
use crate::rules::prelude::*;

declare_rule! {
    MultipleApps {
        code: "TF0102",
        name: "multiple-apps",
        factor: 1,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Cargo, Dockerfile, Yaml],
        summary: "the repository holds more than one independent deployable app",
    }
}

impl Check for MultipleApps {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut units = apps(project);
        if units.len() < 2 {
            return;
        }
        units.sort_by_key(|u| {
            (
                u.dir.matches('/').count() + usize::from(!u.dir.is_empty()),
                u.dir.clone(),
            )
        });
        let first = units[0];
        let mut names: Vec<&str> = units.iter().take(4).map(|u| u.path.as_str()).collect();
        let more = format!("and {} more", units.len().saturating_sub(4));
        if units.len() > 4 {
            names.push(&more);
        }
        let names = names.join(", ");
        for unit in &units[1..] {
            cx.report(
                unit.header.clone(),
                format!("`{}` is a separate deployable app; this repository holds {} ({names})", unit.path, units.len()),
                "give each app its own repository, or make them process types of one app in a single Cargo workspace; share code through library crates",
            )
            .with_related(first.header.clone(), "the first app in this repository");
        }
    }
}

/// Independent deployable units: workspaces with a deployed service binary member, and
/// deployed service binary packages in no workspace. Deployed is what the deployment model
/// says ([`Project::deployed_roots`]); a service runs a server or queue-consumer framework,
/// itself or through a workspace crate it depends on. A CLI (even one shipped as an
/// image), a desktop client or a code generator kept beside the service, or a crate the
/// service depends on, is not a second app.
fn apps(project: &Project) -> Vec<&CargoFacts> {
    let production = |path: &str| project.is_production(path);
    let Some((deployed, _)) = project.deployed_roots(production) else {
        return Vec::new();
    };
    let mut units: Vec<&CargoFacts> = Vec::new();
    for (_, pkg) in project
        .cargo
        .iter()
        .enumerate()
        .filter(|(i, c)| c.has_bin && !c.is_tooling() && deployed.contains(i))
        .filter(|(_, c)| c.is_service() || project.workspace_deps(c).iter().any(|d| d.is_service()))
    {
        let root = project.workspace_root(pkg);
        let unit = if root.is_tooling() { pkg } else { root };
        if !units.iter().any(|u| std::ptr::eq(*u, unit)) {
            units.push(unit);
        }
    }
    units
}
