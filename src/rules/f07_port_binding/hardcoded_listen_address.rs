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
        summary: "a server binds a literal port (`bind(\"0.0.0.0:8080\")`) that no env or config lookup feeds",
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
            let deployed = krate.is_service()
                || (krate.has_bin
                    && (!project.dockerfiles_for(krate).is_empty()
                        || !project.containers_for(krate).is_empty()));
            if krate.is_tooling() || !deployed {
                continue;
            }
            let address = match &l.host {
                Part::Literal(h) => format!("`{h}:{port}`"),
                _ => format!("port `{port}`"),
            };
            cx.report(
                l.arg.clone(),
                format!("the server binds the hardcoded {address}: the platform cannot assign the port through the environment"),
                "read the port from the environment with a local default, e.g. `let port: u16 = std::env::var(\"PORT\").ok().and_then(|p| p.parse().ok()).unwrap_or(8080);` and bind `(\"0.0.0.0\", port)`",
            );
        }
    }
}
