//! TF0305 hardcoded-deploy-value: deploy-specific hosts, IPs and buckets in code.

use std::net::Ipv4Addr;

use crate::model::backing::backing_scheme;
use crate::model::value::looks_like_version_or_oid;
use crate::rules::prelude::*;

declare_rule! {
    HardcodedDeployValue {
        code: "TF0305",
        name: "hardcoded-deploy-value",
        factor: 3,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "deploy-specific literals in code: internal hostnames, private-network IPs, bucket names",
    }
}

/// Host suffixes that only exist inside one deployment. Not `.local`: multicast DNS
/// (RFC 6762) resolves it on one network segment, which no server in a container or a
/// cloud network relies on; in code it names a certificate's subject or a placeholder.
const INTERNAL_SUFFIXES: &[&str] = &[
    ".internal",
    ".corp",
    ".lan",
    ".intra",
    ".intranet",
    ".svc",
    ".cluster.local",
    ".consul",
];
/// Names that are the same in every deployment of a platform: cloud metadata
/// services, the container host, the Kubernetes API.
const UNIVERSAL_HOSTS: &[&str] = &[
    "metadata.google.internal",
    "metadata.goog",
    "instance-data.ec2.internal",
    "host.docker.internal",
    "gateway.docker.internal",
    "kubernetes.default.svc",
    "kubernetes.default.svc.cluster.local",
];

/// Host suffixes of AWS resources whose endpoint names the region they run in
/// (`db1.abc123.eu-west-1.rds.amazonaws.com`): a name under one without a region is a
/// global service of AWS, the same for every deploy (`truststore.pki.rds.amazonaws.com`).
const REGIONAL_SUFFIXES: &[&str] = &[".rds.amazonaws.com", ".elb.amazonaws.com"];

/// Host suffixes of per-deploy cloud resources and app hostnames. ElastiCache endpoints
/// name their region in a short form (`orders.abc123.ng.0001.use1.cache.amazonaws.com`).
const DEPLOY_SUFFIXES: &[&str] = &[
    ".cache.amazonaws.com",
    ".s3.amazonaws.com",
    ".blob.core.windows.net",
    ".database.windows.net",
    ".redis.cache.windows.net",
    ".herokuapp.com",
    ".fly.dev",
    ".azurewebsites.net",
    ".appspot.com",
    ".onrender.com",
    ".up.railway.app",
    ".vercel.app",
];

impl Check for HardcodedDeployValue {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for lit in file.string_literals() {
            if lit.fallback || backing_scheme(&lit.value).is_some() {
                continue;
            }
            if let Some((what, range)) = deploy_value(&lit.value) {
                cx.report(
                    file.loc(lit.sub_span(file.text, range)),
                    format!("{what} is specific to one deploy"),
                    "read it from an environment variable so each deploy sets its own; keep a literal only as a local default",
                );
            }
        }
    }
}

/// A deploy-specific value in `value`: what it is and where.
pub fn deploy_value(value: &str) -> Option<(String, std::ops::Range<usize>)> {
    if value.len() > 300 || value.contains(char::is_whitespace) {
        return None;
    }
    if let Some(bucket) = value
        .strip_prefix("s3://")
        .or_else(|| value.strip_prefix("gs://"))
    {
        let name = bucket.split('/').next().unwrap_or_default();
        if !name.is_empty() && !name.contains('{') {
            return Some((format!("bucket `{name}`"), 5..5 + name.len()));
        }
    }
    let (host, start) = host_of(value)?;
    let lower = host.to_ascii_lowercase();
    if let Ok(ip) = lower.parse::<Ipv4Addr>() {
        // `10.0.0.0/8`: a CIDR range (RFC 1918, RFC 6890 tables, allow lists), not an address.
        let range = value[start + host.len()..]
            .strip_prefix('/')
            .is_some_and(|p| {
                !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit())
            });
        // Only an address of a private network (RFC 1918, or the RFC 6598 shared space
        // that carrier and overlay networks use) names a machine of one deploy's network.
        // A public address is the same for every deploy that uses it: a peer-to-peer
        // network's bootnodes, a public resolver, sample data. The loopback,
        // unspecified, broadcast, documentation and link-local (169.254.169.254)
        // addresses are not private.
        let [a, b, _, host_part] = ip.octets();
        let private = ip.is_private() || (a == 100 && b & 0xC0 == 64);
        // `10.0.0.0`: a network's own address, not a machine's.
        let network = host_part == 0;
        let deployed = private && !network && !range && !looks_like_version_or_oid(ip);
        return deployed.then(|| (format!("IP address `{host}`"), start..start + host.len()));
    }
    let regional =
        REGIONAL_SUFFIXES.iter().any(|s| lower.ends_with(s)) && lower.split('.').any(is_aws_region);
    let internal = regional
        || INTERNAL_SUFFIXES
            .iter()
            .chain(DEPLOY_SUFFIXES)
            .any(|s| lower.ends_with(s));
    let has_dot_label = lower.contains('.') && lower.split('.').all(|l| !l.is_empty());
    let universal = UNIVERSAL_HOSTS.contains(&lower.as_str());
    (internal && has_dot_label && !universal)
        .then(|| (format!("host `{host}`"), start..start + host.len()))
}

/// True for an AWS region name (`us-east-1`, `eu-west-2`, `us-gov-west-1`).
fn is_aws_region(label: &str) -> bool {
    let parts: Vec<&str> = label.split('-').collect();
    let (area, rest) = match parts.as_slice() {
        [area, "gov", rest @ ..] | [area, rest @ ..] => (*area, rest),
        [] => return false,
    };
    matches!(rest, [direction, number]
        if area.len() == 2
            && area.bytes().all(|b| b.is_ascii_lowercase())
            && !direction.is_empty()
            && direction.bytes().all(|b| b.is_ascii_lowercase())
            && !number.is_empty()
            && number.bytes().all(|b| b.is_ascii_digit()))
}

/// The host of a URL or `host[:port]` value, with its offset. Without a scheme, a value
/// with an `@` is an email address (`jobs@system.local`, `@corp.internal`): an identity,
/// not a host the service connects to.
fn host_of(value: &str) -> Option<(&str, usize)> {
    let (rest, start) = match value.find("://") {
        Some(i) => (&value[i + 3..], i + 3),
        None if value.contains('@') => return None,
        None => (value, 0),
    };
    let (rest, start) = match rest.find('@') {
        Some(at) if !rest[..at].contains('/') => (&rest[at + 1..], start + at + 1),
        _ => (rest, start),
    };
    let end = rest.find([':', '/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let valid = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    valid.then_some((host, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deploy_values() {
        for v in [
            "10.0.3.17:8080",
            "http://172.16.4.2/api",
            "orders.prod.internal",
            "s3://acme-prod-uploads/x",
            "https://api.corp/v1",
            "db1.abc123.eu-west-1.rds.amazonaws.com",
            "postgres://app@db.prod.internal:5432/orders",
            "10.0.3.17/api",
            "metadata.orders.internal",
            "100.64.12.7:4222",
            "192.168.1.20",
            "orders.abc123.ng.0001.use1.cache.amazonaws.com:6379",
            "https://app-lb-123.us-gov-west-1.elb.amazonaws.com",
            "orders.svc.cluster.local",
        ] {
            assert!(deploy_value(v).is_some(), "{v}");
        }
        for v in [
            "127.0.0.1:8080",
            "0.0.0.0",
            "localhost",
            "https://api.github.com",
            "1.2.3",
            "hello world",
            "s3://{bucket}/x",
            "config.local",
            "10.0.0.0/8",
            "192.168.0.0/16",
            "http://169.254.169.254/latest/meta-data",
            "http://metadata.google.internal/computeMetadata/v1",
            "host.docker.internal:5432",
            "https://kubernetes.default.svc",
            "ingest@system.local",
            "@openobserve.internal",
            "18.138.108.67:30303",
            "8.8.8.8",
            "10.0.0.0",
            "100.128.0.1",
            "https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem",
            "ca.rauthy.local",
            "https://hatsu.local",
        ] {
            assert!(deploy_value(v).is_none(), "{v}");
        }
    }
}
