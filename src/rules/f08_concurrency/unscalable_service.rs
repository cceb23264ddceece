//! TF0804 unscalable-service: a service that asks for several replicas but pins what
//! only one can hold: a compose `container_name` or fixed host port, a Kubernetes
//! `hostPort` or `hostNetwork`.

use crate::model::source::launch::file_name_has_part;
use crate::parse::image::ImageRef;
use crate::parse::yaml::{self, ComposePort, DocKind, Node};
use crate::rules::prelude::*;

declare_rule! {
    UnscalableService {
        code: "TF0804",
        name: "unscalable-service",
        factor: 8,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "a service asks for several replicas but has a compose `container_name` or fixed host port, or a Kubernetes `hostPort`/`hostNetwork`",
        fix: Unsafe,
    }
}

/// The whole line (with its newline) holding a `key: value` entry whose value
/// spans `value`, when nothing else is on it: safe to delete.
fn own_line(
    file: &SourceFile<'_>,
    value: std::ops::Range<usize>,
) -> Option<std::ops::Range<usize>> {
    let line = file.lines.line_of(value.start);
    if line != file.lines.line_of(value.end) {
        return None;
    }
    let start = file.lines.line_start(line);
    let end = if line + 1 < file.lines.len() {
        file.lines.line_start(line + 1)
    } else {
        file.text.len()
    };
    file.text[start..end]
        .trim_start()
        .starts_with("container_name:")
        .then_some(start..end)
}

impl Check for UnscalableService {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            match &doc.kind {
                DocKind::Compose => check_compose(file, doc, cx),
                DocKind::Kubernetes(kind) if yaml::REPLICATED_KINDS.contains(&kind.as_str()) => {
                    check_kubernetes(file, doc, kind, cx)
                }
                _ => {}
            }
        }
    }
}

/// True for a compose service running the app itself: built here, or an image that is
/// neither a backing service nor a reverse proxy. A service with neither (an entry of
/// an override file, completed by another compose file) is not known to be one.
pub fn is_app_service(svc: &Node<'_>) -> bool {
    if yaml::get(svc, "build").is_some() {
        return true;
    }
    yaml::str_at(svc, "image").is_some_and(|image| {
        let image = ImageRef::parse(image);
        image.backing_service().is_none() && !image.is_edge_proxy()
    })
}

/// A whole number of replicas.
fn count(node: &Node<'_>) -> Option<u32> {
    yaml::scalar_text(node)?.parse().ok()
}

/// The replicas a compose service asks for, with the setting that asks
/// (`deploy.replicas: 3`, `scale: 3`); `None` when it sets neither.
fn compose_replicas(svc: &Node<'_>) -> Option<(u32, String)> {
    if let Some(n) = yaml::get(svc, "deploy")
        .and_then(|d| yaml::get(d, "replicas"))
        .and_then(count)
    {
        return Some((n, format!("deploy.replicas: {n}")));
    }
    yaml::get(svc, "scale")
        .and_then(count)
        .map(|n| (n, format!("scale: {n}")))
}

fn check_compose(file: &SourceFile<'_>, doc: &YamlDoc, cx: &mut Ctx<'_>) {
    for (name, svc) in doc.compose_services() {
        if !is_app_service(svc) {
            continue;
        }
        let name = yaml::scalar_text(name).unwrap_or_default();
        // One copy on one host is what a compose file ordinarily runs; a fixed name or
        // port only stops scaling where the file asks for more than one.
        let Some((replicas, asked)) = compose_replicas(svc).filter(|(n, _)| *n > 1) else {
            continue;
        };
        if let Some(node) = yaml::get(svc, "container_name") {
            let span = file.yaml_span(node);
            let d = cx.report(
                file.loc(span.clone()),
                format!("service `{name}` asks for {replicas} replicas (`{asked}`) but has a fixed `container_name`: compose cannot create a second container of that name"),
                "remove `container_name`; other services reach it by its service name, which load-balances over every replica",
            );
            if let Some(line) = own_line(file, span) {
                d.with_fix(
                    "remove `container_name`",
                    vec![Edit {
                        location: file.loc(line),
                        replacement: String::new(),
                    }],
                );
            }
        }
        // A Swarm stack publishes ports on the routing mesh, which spreads them over the
        // replicas; only `mode: host` binds the node's port itself.
        let swarm = file_name_has_part(file.path, &["stack", "swarm"]);
        let mut fixed = Vec::new();
        for port in yaml::get(svc, "ports")
            .and_then(yaml::sequence)
            .unwrap_or_default()
        {
            let Some(parsed) = ComposePort::parse(port) else {
                continue;
            };
            let host_mode = yaml::str_at(port, "mode") == Some("host");
            if swarm && !host_mode {
                continue;
            }
            if let Some(published) = parsed
                .published
                .filter(|p| !p.contains('-') && !p.contains('$'))
            {
                fixed.push((port, published, parsed.target));
            }
        }
        let Some(((first, _, target), rest)) = fixed.split_first() else {
            continue;
        };
        let them = if fixed.len() > 1 { "them" } else { "it" };
        let consequence = format!("with `{asked}` all but one replica fail to bind {them}");
        let ports: Vec<&str> = fixed.iter().map(|(_, p, _)| p.as_str()).collect();
        let d = cx.report(
            file.loc(file.yaml_span(first)),
            format!(
                "service `{name}` publishes the fixed host port{} {}: {consequence}",
                if ports.len() > 1 { "s" } else { "" },
                ports.join(", ")
            ),
            format!("publish only the container port (`\"{target}\"`) or a host port range, and put a load balancer or reverse proxy in front of the replicas"),
        );
        for (port, published, _) in rest {
            d.with_related(
                file.loc(file.yaml_span(port)),
                format!("also publishes host port {published}"),
            );
        }
    }
}

fn check_kubernetes(file: &SourceFile<'_>, doc: &YamlDoc, kind: &str, cx: &mut Ctx<'_>) {
    // Without `replicas` a workload runs one pod, which a host port does not limit.
    let Some(replicas) = yaml::get(&doc.node, "spec")
        .and_then(|s| yaml::get(s, "replicas"))
        .and_then(count)
        .filter(|n| *n > 1)
    else {
        return;
    };
    for (_, spec) in yaml::values_under(&doc.node, &["hostNetwork"]) {
        if yaml::scalar_text(spec).as_deref() == Some("true") {
            cx.report(
                file.loc(file.yaml_span(spec)),
                format!("{kind} of {replicas} replicas uses `hostNetwork: true`: each pod takes the node's ports, so no two replicas can share a node"),
                "drop `hostNetwork` and expose the pods through a Service; reserve host networking for node agents (DaemonSets)",
            );
        }
    }
    for c in doc.workload_containers() {
        if c.list != "ephemeralContainers" {
            for port in yaml::get(c.node, "ports")
                .and_then(yaml::sequence)
                .unwrap_or_default()
            {
                if let Some(host_port) = yaml::get(port, "hostPort") {
                    let value = yaml::scalar_text(host_port).unwrap_or_default();
                    cx.report(
                        file.loc(file.yaml_span(host_port)),
                        format!("{kind} of {replicas} replicas binds `hostPort: {value}`: no two replicas can be scheduled on the same node"),
                        "remove `hostPort` and route traffic through a Service (and an Ingress or LoadBalancer for outside traffic)",
                    );
                }
            }
        }
    }
}
