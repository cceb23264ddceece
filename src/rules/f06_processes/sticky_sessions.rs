//! TF0601 sticky-sessions: load balancing that pins clients to one process.

use crate::parse::yaml::{self, DocKind, Node};
use crate::rules::prelude::*;

declare_rule! {
    StickySessions {
        code: "TF0601",
        name: "sticky-sessions",
        factor: 6,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "Service `sessionAffinity: ClientIP`, ingress or proxy affinity annotations and labels",
    }
}

const HELP: &str = "keep session state in a backing store (Redis, the database, a signed cookie) so any process can serve any request, then remove the affinity";

impl Check for StickySessions {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            let mut found: Vec<(&Node<'_>, String)> = Vec::new();
            match &doc.kind {
                DocKind::Kubernetes(kind) => {
                    let spec = yaml::get(&doc.node, "spec");
                    if kind == "Service"
                        && let Some(v) = spec.and_then(|s| yaml::get(s, "sessionAffinity"))
                        && yaml::scalar_str(v) == Some("ClientIP")
                    {
                        found.push((
                            v,
                            "Service pins each client IP to one pod (`sessionAffinity: ClientIP`)"
                                .into(),
                        ));
                    }
                    if kind == "BackendConfig"
                        && let Some(v) = spec
                            .and_then(|s| yaml::get(s, "sessionAffinity"))
                            .and_then(|a| yaml::get(a, "affinityType"))
                        && yaml::scalar_str(v).is_some_and(|t| t != "NONE")
                    {
                        found.push((v, "GCE BackendConfig enables session affinity".into()));
                    }
                    if kind == "DestinationRule" {
                        for (_, hash) in yaml::values_under(&doc.node, &["consistentHash"]) {
                            for key in ["httpCookie", "useSourceIp"] {
                                if let Some(n) = yaml::get(hash, key) {
                                    found.push((
                                        n,
                                        format!("Istio DestinationRule pins clients by `{key}`"),
                                    ));
                                }
                            }
                        }
                    }
                    let annotations =
                        yaml::get(&doc.node, "metadata").and_then(|m| yaml::get(m, "annotations"));
                    for (k, v) in annotations.and_then(yaml::mapping).unwrap_or_default() {
                        if let (Some(key), Some(value)) =
                            (yaml::scalar_str(k), yaml::scalar_text(v))
                            && let Some(what) = sticky_setting(key, &value)
                        {
                            found.push((v, what));
                        }
                    }
                }
                DocKind::Compose => {
                    for (_, svc) in doc.compose_services() {
                        for (node, key, value) in labels(svc) {
                            if let Some(what) = sticky_setting(&key, &value) {
                                found.push((node, what));
                            }
                        }
                    }
                }
                DocKind::Other => {}
            }
            for (node, what) in found {
                cx.report(file.loc(file.yaml_span(node)), what, HELP);
            }
        }
    }
}

/// Whether an annotation or label turns on session affinity, and how to say so.
fn sticky_setting(key: &str, value: &str) -> Option<String> {
    let v = value.trim().to_ascii_lowercase();
    let on = !matches!(v.as_str(), "" | "false" | "none" | "0" | "off");
    let sticky = match key {
        "nginx.ingress.kubernetes.io/affinity"
        | "ingress.kubernetes.io/affinity"
        | "haproxy-ingress.github.io/affinity" => v == "cookie",
        "haproxy.org/cookie-persistence" => on,
        "traefik.ingress.kubernetes.io/affinity"
        | "traefik.ingress.kubernetes.io/service.sticky.cookie"
        | "traefik.backend.loadbalancer.sticky" => on,
        "alb.ingress.kubernetes.io/target-group-attributes" => v
            .split(',')
            .any(|a| a.trim().replace(' ', "") == "stickiness.enabled=true"),
        _ => {
            // Traefik v2+ labels: traefik.http.services.<name>.loadbalancer.sticky.cookie[=true|.name=…]
            key.starts_with("traefik.http.services.") && key.contains(".loadbalancer.sticky") && on
        }
    };
    sticky.then(|| format!("`{key}` enables sticky sessions"))
}

/// Compose `labels:` in map or `key=value` list form: (value node, key, value).
fn labels<'n>(svc: &'n Node<'n>) -> Vec<(&'n Node<'n>, String, String)> {
    let mut out = Vec::new();
    let Some(labels) = yaml::get(svc, "labels") else {
        return out;
    };
    if let Some(map) = yaml::mapping(labels) {
        for (k, v) in map {
            if let (Some(k), Some(value)) = (yaml::scalar_str(k), yaml::scalar_text(v)) {
                out.push((v, k.to_string(), value));
            }
        }
    } else {
        for item in yaml::sequence(labels).unwrap_or_default() {
            if let Some((k, v)) = yaml::scalar_str(item).and_then(|s| s.split_once('=')) {
                out.push((item, k.to_string(), v.to_string()));
            }
        }
    }
    out
}
