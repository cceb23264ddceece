//! TF0402 backing-service-ip: compose/Kubernetes env pointing at a fixed IP.

use std::net::Ipv4Addr;

use crate::model::value::looks_like_version_or_oid;
use crate::parse::yaml::{self, DocKind, Node};
use crate::rules::prelude::*;

declare_rule! {
    BackingServiceIp {
        code: "TF0402",
        name: "backing-service-ip",
        factor: 4,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml],
        summary: "compose or Kubernetes env points a service at a fixed IP instead of a service name",
    }
}

impl Check for BackingServiceIp {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for doc in file.yaml() {
            let mut envs = Vec::new();
            match &doc.kind {
                DocKind::Compose => {
                    for (_, svc) in doc.compose_services() {
                        envs.extend(yaml::get(svc, "environment"));
                    }
                }
                DocKind::Kubernetes(_) => envs.extend(
                    yaml::values_under(&doc.node, &["env"])
                        .into_iter()
                        .filter(|(_, v)| yaml::sequence(v).is_some())
                        .map(|(_, v)| v),
                ),
                DocKind::Other => {}
            }
            for env in envs {
                for (key, value) in env_pairs(env) {
                    let Some(text) = yaml::scalar_str(value) else {
                        continue;
                    };
                    let text = text
                        .split_once('=')
                        .filter(|_| key.is_none())
                        .map_or(text, |(_, v)| v);
                    if let Some(ip) = fixed_ip(text) {
                        let span = file.yaml_span(value);
                        let raw = file.text.get(span.clone()).unwrap_or_default();
                        let at = raw
                            .find(&ip)
                            .map_or(span.clone(), |i| span.start + i..span.start + i + ip.len());
                        cx.report(
                            file.loc(at),
                            format!("service address `{ip}` is a fixed IP"),
                            "point at the service by name (compose service, Kubernetes Service DNS) so it can move or be replaced",
                        );
                    }
                }
            }
        }
    }
}

/// `(key, value node)` of compose maps, compose `KEY=value` lists and k8s `{name, value}` lists.
fn env_pairs<'n>(env: &'n Node<'n>) -> Vec<(Option<&'n str>, &'n Node<'n>)> {
    if let Some(map) = yaml::mapping(env) {
        return map
            .into_iter()
            .map(|(k, v)| (yaml::scalar_str(k), v))
            .collect();
    }
    yaml::sequence(env)
        .unwrap_or_default()
        .iter()
        .filter_map(|item| match yaml::get(item, "value") {
            Some(v) => Some((yaml::str_at(item, "name"), v)),
            None => yaml::scalar_str(item).map(|_| (None, item)),
        })
        .collect()
}

/// A non-loopback IPv4 address used as a host in `value`.
fn fixed_ip(value: &str) -> Option<String> {
    let rest = value.split_once("://").map_or(value, |(_, r)| r);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let host = rest.split([':', '/', '?', ',']).next()?;
    let ip: Ipv4Addr = host.parse().ok()?;
    let local = ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || looks_like_version_or_oid(ip);
    (!local).then(|| host.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ips_in_values() {
        assert_eq!(
            fixed_ip("postgres://u@10.0.0.5:5432/db").as_deref(),
            Some("10.0.0.5")
        );
        assert_eq!(fixed_ip("10.1.2.3").as_deref(), Some("10.1.2.3"));
        assert_eq!(fixed_ip("redis://redis:6379"), None);
        assert_eq!(fixed_ip("127.0.0.1:6379"), None);
        assert_eq!(fixed_ip("0.0.0.0"), None);
        assert_eq!(fixed_ip("1.2.3"), None);
    }
}
