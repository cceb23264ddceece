//! TF0703 port-mismatch: the app's port, `EXPOSE`, `containerPort`, probe ports and
//! compose ports disagree.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::listen::Part;
use crate::model::project::{CargoFacts, ListenFact, PortDecl, Project};
use crate::model::value::{self, ValueKind};
use crate::parse::yaml::{self, Node};
use crate::rules::Programs;
use crate::rules::prelude::*;

declare_rule! {
    PortMismatch {
        code: "TF0703",
        name: "port-mismatch",
        factor: 7,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Rust, Cargo, Dockerfile, Yaml],
        summary: "Dockerfile `EXPOSE`, k8s `containerPort`/probe ports, compose ports and the app's default port disagree",
        facts: [Listens, Flow],
    }
}

const PROBES: &[&str] = &["livenessProbe", "readinessProbe", "startupProbe"];

impl Check for PortMismatch {
    /// Kubernetes probes aimed at a port the container does not declare.
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            for c in doc.workload_containers() {
                if c.list == "containers" {
                    check_probes(file, c.node, cx);
                }
            }
        }
    }

    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut by_crate: BTreeMap<&str, (&CargoFacts, Vec<&ListenFact>)> = BTreeMap::new();
        for l in project
            .listens
            .iter()
            .filter(|l| l.port.default_value().is_some() && !l.picks_free_port())
            // A listen in docs, examples or tests is not where the deployed app listens.
            .filter(|l| project.is_production(&l.path))
        {
            if let Some(krate) = project.crate_of(&l.path) {
                by_crate
                    .entry(krate.path.as_str())
                    .or_insert_with(|| (krate, Vec::new()))
                    .1
                    .push(l);
            }
        }
        for (krate, listens) in by_crate.into_values() {
            let serving = serving_bins(cx.program(), krate);
            let bins: BTreeSet<String> = project
                .code_of(krate)
                .filter_map(|f| krate.bin_name_of(&f.path))
                .chain(krate.manifest.bins.iter().cloned())
                .collect();
            for d in project.dockerfiles_for(krate) {
                // An image that builds only binaries of the crate that start no server
                // (its workers) listens on nothing the crate's servers do.
                let built: Vec<String> = d
                    .cargo_targets()
                    .into_iter()
                    .filter(|t| bins.contains(t))
                    .collect();
                if serving
                    .as_ref()
                    .is_some_and(|s| !built.is_empty() && !built.iter().any(|b| s.contains(b)))
                {
                    continue;
                }
                compare(cx, &listens, &d.env, &d.exposes, "`EXPOSE` declares port");
            }
            for c in project.containers_for(krate) {
                let what = if c.build_context.is_some() || c.path.contains("compose") {
                    format!("compose service `{}` routes to container port", c.name)
                } else {
                    format!("container `{}` declares containerPort", c.name)
                };
                compare(cx, &listens, &c.env, &c.ports, &what);
            }
        }
    }
}

/// The names of the binaries of `krate` whose `main` starts a server, not only a worker's
/// loop ([`Programs::servers`]); `None` without the whole-program view.
fn serving_bins(program: Option<&dyn Programs>, krate: &CargoFacts) -> Option<BTreeSet<String>> {
    let program = program?;
    Some(
        program
            .servers()
            .iter()
            .filter(|(scope, _)| scope.krate.path == krate.path)
            .flat_map(|(_, bins)| {
                bins.iter()
                    .filter(|b| b.serves_traffic())
                    .filter_map(|b| krate.bin_name_of(b.bin))
            })
            .collect(),
    )
}

/// Report when none of `declared` is a port the app (`listens`, not empty) listens on under `env`.
fn compare(
    cx: &mut Ctx<'_>,
    listens: &[&ListenFact],
    env: &[(String, String)],
    declared: &[PortDecl],
    what: &str,
) {
    let Some(decl) = declared.first() else { return };
    let app: BTreeSet<u16> = listens
        .iter()
        .filter_map(|l| effective_port(l, env))
        .collect();
    if app.is_empty() || declared.iter().any(|d| app.contains(&d.port)) {
        return;
    }
    let declared_list = join(declared.iter().map(|d| d.port));
    let app_list = join(app.iter().copied());
    cx.report(
        decl.location.clone(),
        format!("{what} {declared_list}, but the app listens on {app_list}"),
        "make them agree: set the app's port through the environment (`PORT`) in the deployment and declare that same port everywhere",
    )
    .with_related(listens[0].arg.clone(), format!("the app listens on {app_list} here"));
}

/// The port the app listens on when run with `env`.
fn effective_port(l: &ListenFact, env: &[(String, String)]) -> Option<u16> {
    if let Part::Env(var, _) = &l.port
        && let Some((_, v)) = env.iter().find(|(k, _)| k == var)
    {
        return v.parse().ok();
    }
    l.port.default_value()
}

fn join(ports: impl Iterator<Item = u16>) -> String {
    ports.map(|p| p.to_string()).collect::<Vec<_>>().join(", ")
}

fn check_probes(file: &SourceFile<'_>, c: &Node<'_>, cx: &mut Ctx<'_>) {
    let ports = yaml::get(c, "ports")
        .and_then(yaml::sequence)
        .unwrap_or_default();
    let numbers: Vec<String> = ports
        .iter()
        .filter_map(|p| yaml::get(p, "containerPort").and_then(yaml::scalar_text))
        .collect();
    let names: Vec<&str> = ports
        .iter()
        .filter_map(|p| yaml::str_at(p, "name"))
        .collect();
    if numbers.is_empty() {
        return;
    }
    let related: Option<Location> = ports.first().map(|p| file.loc(file.yaml_span(p)));
    for probe in PROBES
        .iter()
        .filter_map(|k| yaml::get(c, k).map(|n| (*k, n)))
    {
        let (kind, node) = probe;
        for handler in ["httpGet", "tcpSocket", "grpc"] {
            let Some(port) = yaml::get(node, handler).and_then(|h| yaml::get(h, "port")) else {
                continue;
            };
            let Some(value) = yaml::scalar_text(port) else {
                continue;
            };
            // A numeric port need not be declared (`ports` is informational), so only a
            // name that no port of the container carries is certain to fail; a name set
            // elsewhere (a Helm value) may be any.
            let unknown = |name: &str| value::kind(name) == ValueKind::Reference;
            if value.parse::<u16>().is_ok()
                || names.contains(&value.as_str())
                || unknown(&value)
                || names.iter().any(|n| unknown(n))
            {
                continue;
            }
            let d = cx.report(
                file.loc(file.yaml_span(port)),
                format!("{kind} checks the port named `{value}`, which no port of the container is named (containerPort {}): the probe cannot resolve it and always fails", numbers.join(", ")),
                "name the container port the probe means (`ports: [{name: http, containerPort: …}]`), or point the probe at its number",
            );
            if let Some(at) = related.clone() {
                d.with_related(at, "the container's ports");
            }
        }
    }
}
