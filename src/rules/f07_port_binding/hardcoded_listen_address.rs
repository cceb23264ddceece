//! TF0701 hardcoded-listen-address: a server binds a literal port with no env/config lookup.

use crate::model::listen::Part;
use crate::rules::prelude::*;

declare_rule! {
    HardcodedListenAddress {
        code: "TF0701",
        name: "hardcoded-listen-address",
        factor: 7,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo, Dockerfile, Yaml],
        summary: "a server binds a literal port (`bind(\"0.0.0.0:8080\")`) while its deployment assigns the port through `PORT` (a Procfile, or `PORT` set for its container)",
        facts: [Listens],
    }
}

impl Check for HardcodedListenAddress {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        for l in &project.listens {
            let Part::Literal(port) = l.port else {
                continue;
            };
            if l.picks_free_port() {
                continue;
            }
            let Some(krate) = project.crate_of(&l.path) else {
                continue;
            };
            // A fixed port is what a container or a unit file declares and maps; it is a
            // problem only where the deployment assigns the port through the environment.
            if krate.is_tooling() {
                continue;
            }
            let Some((assigned_at, how)) = project.port_from_environment(krate) else {
                continue;
            };
            let address = match &l.host {
                Part::Literal(h) => format!("`{h}:{port}`"),
                _ => format!("port `{port}`"),
            };
            cx.report(
                l.arg.clone(),
                format!("the server binds the hardcoded {address}, but its deployment assigns the port through the environment: {how}"),
                "read the port from the environment with a local default, e.g. `let port: u16 = std::env::var(\"PORT\").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);` and bind `(\"0.0.0.0\", port)`",
            )
            .with_related(assigned_at, "the port is assigned here");
        }
    }
}
