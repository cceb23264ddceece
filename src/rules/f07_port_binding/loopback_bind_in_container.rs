//! TF0702 loopback-bind-in-container: an app that ships a container binds 127.0.0.1.

use crate::model::listen::Part;
use crate::rules::prelude::*;

declare_rule! {
    LoopbackBindInContainer {
        code: "TF0702",
        name: "loopback-bind-in-container",
        factor: 7,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo, Dockerfile, Yaml],
        summary: "an app that ships a Dockerfile or deployment binds `127.0.0.1`/`localhost`",
        facts: [Listens],
    }
}

impl Check for LoopbackBindInContainer {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        for l in project
            .listens
            .iter()
            .filter(|l| l.is_loopback() && !l.picks_free_port())
        {
            let Some(krate) = project.crate_of(&l.path) else {
                continue;
            };
            if krate.is_tooling() {
                continue;
            }
            let dockerfiles = project.dockerfiles_for(krate);
            let containers = project.containers_for(krate);
            // A default overridden by the deployment (`HOST=0.0.0.0`) is fine.
            if let Part::Env(var, _) = &l.host {
                let sets = |env: &[(String, String)]| env.iter().any(|(k, _)| k == var);
                if dockerfiles.iter().any(|d| sets(&d.env))
                    || containers.iter().any(|c| sets(&c.env))
                {
                    continue;
                }
            }
            let shipped = dockerfiles
                .first()
                .and_then(|d| d.stages.last())
                .map(|s| {
                    (
                        s.location.clone(),
                        "the app's container image is built here",
                    )
                })
                .or_else(|| {
                    containers
                        .first()
                        .map(|c| (c.location.clone(), "the app is deployed here"))
                });
            let Some((at, what)) = shipped else { continue };
            let host = l.host.default_value().unwrap_or_default();
            let how = if matches!(l.host, Part::Env(..)) {
                "by default "
            } else {
                ""
            };
            cx.report(
                l.arg.clone(),
                format!("the server {how}binds the loopback address `{host}`: inside a container nothing outside it can connect"),
                "bind all interfaces (`0.0.0.0` or `::`) in containers, or read the bind address from the environment and set it in the deployment",
            )
            .with_related(at, what);
        }
    }
}
