//! Container image references: `[registry[:port]/]name[:tag][@digest]`.

/// A parsed image reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    /// Everything before the tag (registry and path included).
    pub name: &'a str,
    pub tag: Option<&'a str>,
    /// True when pinned by `@sha256:…`.
    pub digest: bool,
}

impl<'a> ImageRef<'a> {
    /// Split a reference; a `:` before the last `/` is a registry port, not a tag.
    pub fn parse(reference: &'a str) -> Self {
        let (rest, digest) = match reference.split_once('@') {
            Some((r, _)) => (r, true),
            None => (reference, false),
        };
        let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
        match rest[last_slash..].rfind(':') {
            Some(colon) => ImageRef {
                name: &rest[..last_slash + colon],
                tag: Some(&rest[last_slash + colon + 1..]),
                digest,
            },
            None => ImageRef {
                name: rest,
                tag: None,
                digest,
            },
        }
    }

    /// True when the reference can change under the same name: no tag, `latest` or a
    /// release channel ([`Self::channel`]), and no digest.
    pub fn is_floating(&self) -> bool {
        !self.digest
            && (self.is_latest() || self.channel().is_some() || self.variant_only().is_some())
    }

    /// True for no tag or `latest` where a version could be named instead: not when the
    /// name itself fixes the OS release line ([`Self::names_release_line`]:
    /// `gcr.io/distroless/cc-debian12` is as fixed as `debian:bookworm`), nor for a rolling
    /// distribution, which has no release to name ([`Self::is_rolling`]).
    pub fn is_latest(&self) -> bool {
        matches!(self.tag, None | Some("latest"))
            && !self.names_release_line()
            && !self.is_rolling()
    }

    /// True for a rolling distribution (`opensuse/tumbleweed`, `archlinux`): it publishes
    /// no release line, only its current state, so only a digest can pin it.
    pub fn is_rolling(&self) -> bool {
        let name = self.name.to_ascii_lowercase();
        let name = name.strip_prefix("docker.io/").unwrap_or(&name);
        let name = name.strip_prefix("library/").unwrap_or(name);
        ROLLING_DISTRIBUTIONS.contains(&name)
    }

    /// True when the image's OS installs packages from a line that moves across releases:
    /// a rolling distribution ([`Self::is_rolling`]), or a development line of a released
    /// one (`alpine:edge`, `debian:sid`, `debian:testing-slim`, `ubuntu:devel`,
    /// `fedora:rawhide`, an image tagged for Debian `sid`). A digest fixes the image, not
    /// the packages its repositories serve at the next build.
    pub fn has_rolling_packages(&self) -> bool {
        if self.is_rolling() {
            return true;
        }
        let Some(tag) = self.tag else { return false };
        let last = self.name.rsplit('/').next().unwrap_or(self.name);
        let lines: &[&str] = match last.to_ascii_lowercase().as_str() {
            "alpine" => &["edge"],
            "debian" => DEBIAN_ROLLING_SUITES,
            "ubuntu" => &["rolling", "devel"],
            "fedora" => &["rawhide"],
            _ => &["sid"],
        };
        tag.split(['-', '_', '.'])
            .any(|p| lines.contains(&p.to_ascii_lowercase().as_str()))
    }

    /// True when a part of the image's name is an OS release (`debian12`, `ubuntu2204`,
    /// `ubi9`), for images that ship that OS, or a dotted version of the image's own
    /// (`gaudi-docker/1.21.3/…/pytorch-installer-2.6.0`, not the OS's `ubuntu-22.04`):
    /// images published one name per release line, such as
    /// `gcr.io/distroless/static-debian12` or `registry.access.redhat.com/ubi9/ubi-minimal`,
    /// whose tag can only rebuild that release.
    pub fn names_release_line(&self) -> bool {
        let path = self.name.split_once('/').map_or(self.name, |(_, p)| p);
        let parts: Vec<&str> = path.split(['/', '-', '_']).collect();
        parts.iter().enumerate().any(|(i, part)| {
            let digits = part.trim_start_matches(|c: char| c.is_ascii_alphabetic());
            let os = &part[..part.len() - digits.len()];
            let os_release = !digits.is_empty()
                && digits.bytes().all(|b| b.is_ascii_digit())
                && RELEASE_LINE_OS.contains(&os.to_ascii_lowercase().as_str());
            let version = part.strip_prefix('v').unwrap_or(part);
            let after_os = i > 0 && OS_NAMES.contains(&parts[i - 1].to_ascii_lowercase().as_str());
            let own_version = !after_os
                && version.contains('.')
                && version
                    .split('.')
                    .all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            os_release || own_version
        })
    }

    /// The tag, when it names only a variant and the OS release under the image instead
    /// of the image's version: `alpine` in `node:alpine`, `slim` in `rust:slim`,
    /// `slim-trixie` in `rust:slim-trixie`. Such a tag follows the image's newest release
    /// in that variant. For the OS images themselves (`debian:trixie-slim`) and images
    /// that only add packages to one (`buildpack-deps:bookworm`), the release is the version.
    pub fn variant_only(&self) -> Option<&'a str> {
        let tag = self.tag?;
        let last = self.name.rsplit('/').next().unwrap_or(self.name);
        let os_image = OS_IMAGES.contains(&last.to_ascii_lowercase().as_str());
        let all_variants = !self.digest
            && tag.split(['-', '_', '.']).all(|p| {
                let p = p.to_ascii_lowercase();
                VARIANTS.contains(&p.as_str())
                    || (!os_image && OS_RELEASE_NAMES.contains(&p.as_str()))
            });
        all_variants.then_some(tag)
    }

    /// True when a part of the tag is a Debian or Ubuntu release code name
    /// (`slim-trixie`, `noble`): the OS under the image is pinned.
    pub fn tag_names_os_release(&self) -> bool {
        self.tag.is_some_and(|tag| {
            tag.split(['-', '_', '.'])
                .any(|p| OS_RELEASE_NAMES.contains(&p.to_ascii_lowercase().as_str()))
        })
    }

    /// The release channel a tag follows instead of naming a version: `stable` in
    /// `debian:stable-slim`, `lts` in `node:lts-alpine`, `sid`, `edge`, `nightly`, `main`.
    /// A tag with a digit in any part names a version (`stable-20240101`, `3.12-slim`).
    pub fn channel(&self) -> Option<&'a str> {
        let tag = self.tag?;
        let parts = || tag.split(['-', '_', '.']);
        if self.digest || parts().any(|p| p.bytes().any(|b| b.is_ascii_digit())) {
            return None;
        }
        parts().find(|p| CHANNELS.contains(&p.to_ascii_lowercase().as_str()))
    }
}

/// Debian suites that move across releases (a tag part or an apt source's suite).
pub const DEBIAN_ROLLING_SUITES: &[&str] = &["sid", "unstable", "testing", "experimental"];

/// Tag words that follow a moving release channel or branch rather than a version.
pub const CHANNELS: &[&str] = &[
    "stable", "testing", "unstable", "sid", "rolling", "edge", "nightly", "canary", "beta",
    "current", "lts", "main", "master", "develop", "dev",
];

/// Operating systems whose release, written into an image's name, fixes its line.
const RELEASE_LINE_OS: &[&str] = &["debian", "ubuntu", "ubi", "rhel", "el"];

/// Operating systems whose version an image name may carry (`rocm/dev-ubuntu-22.04`): a
/// version after one of them is the OS's, not the image's own.
const OS_NAMES: &[&str] = &[
    "debian", "ubuntu", "ubi", "rhel", "el", "alpine", "centos", "fedora", "rocky", "alma",
];

/// Images of rolling distributions, which publish no release line.
const ROLLING_DISTRIBUTIONS: &[&str] = &[
    "opensuse/tumbleweed",
    "archlinux",
    "archlinux/archlinux",
    "gentoo/stage3",
    "voidlinux/voidlinux",
    "cgr.dev/chainguard/wolfi-base",
    "chainguard/wolfi-base",
];

/// Tag words that name a variant of an image, not a version.
const VARIANTS: &[&str] = &["alpine", "slim"];

/// Debian and Ubuntu release code names, which tags use to name the OS under an image.
const OS_RELEASE_NAMES: &[&str] = &[
    "trixie", "bookworm", "bullseye", "buster", "stretch", "noble", "jammy", "focal", "bionic",
];

/// Images whose only version is the OS release a code name gives.
const OS_IMAGES: &[&str] = &["debian", "ubuntu", "buildpack-deps", "minideb"];

/// The services of [`BACKING_IMAGES`] that keep durable state.
const DATASTORES: &[&str] = &[
    "postgres",
    "mysql",
    "mariadb",
    "mongodb",
    "rabbitmq",
    "kafka",
    "elasticsearch",
    "opensearch",
    "meilisearch",
    "typesense",
    "cassandra",
    "scylla",
    "clickhouse",
    "cockroachdb",
    "neo4j",
    "influxdb",
    "couchdb",
    "minio",
    "seaweedfs",
    "pulsar",
    "mssql",
];

/// Images of backing services (datastores, brokers, caches, mail catchers, local
/// cloud emulators, observability backends), by base name, with the service.
const BACKING_IMAGES: &[(&str, &str)] = &[
    // Admin UIs named after the datastore they browse come before it: they keep no data.
    ("mongo-express", "db-admin"),
    ("kafka-ui", "db-admin"),
    ("redis-commander", "db-admin"),
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("pgvector", "postgres"),
    ("pgautoupgrade", "postgres"),
    ("postgis", "postgres"),
    ("timescaledb", "postgres"),
    ("mysql", "mysql"),
    ("mariadb", "mariadb"),
    ("mongo", "mongodb"),
    ("mongodb", "mongodb"),
    ("redis", "redis"),
    ("redis-stack", "redis"),
    ("valkey", "redis"),
    ("keydb", "redis"),
    ("dragonfly", "redis"),
    ("redisearch", "redis"),
    ("rejson", "redis"),
    ("memcached", "memcached"),
    ("rabbitmq", "rabbitmq"),
    ("kafka", "kafka"),
    ("redpanda", "kafka"),
    ("zookeeper", "zookeeper"),
    ("nats", "nats"),
    ("elasticsearch", "elasticsearch"),
    ("opensearch", "opensearch"),
    ("meilisearch", "meilisearch"),
    ("typesense", "typesense"),
    ("cassandra", "cassandra"),
    ("scylla", "scylla"),
    ("clickhouse-server", "clickhouse"),
    ("clickhouse", "clickhouse"),
    ("cockroach", "cockroachdb"),
    ("neo4j", "neo4j"),
    ("influxdb", "influxdb"),
    ("couchdb", "couchdb"),
    ("etcd", "etcd"),
    ("consul", "consul"),
    ("vault", "vault"),
    ("minio", "minio"),
    ("mc", "minio"),
    ("minio-client", "minio"),
    ("seaweedfs", "seaweedfs"),
    ("pulsar", "pulsar"),
    ("azure-sql-edge", "mssql"),
    ("localstack", "localstack"),
    ("azurite", "azurite"),
    ("dynamodb-local", "dynamodb"),
    ("mailhog", "mailhog"),
    ("mailpit", "mailpit"),
    ("mailcatcher", "mailcatcher"),
    ("maildev", "smtp"),
    ("jaeger", "jaeger"),
    ("all-in-one", "jaeger"),
    ("zipkin", "zipkin"),
    ("prometheus", "prometheus"),
    ("pushgateway", "prometheus"),
    ("grafana", "grafana"),
    ("loki", "loki"),
    ("tempo", "tempo"),
    ("pyroscope", "pyroscope"),
    ("mimir", "mimir"),
    ("alertmanager", "alertmanager"),
    ("victoria-metrics", "victoria-metrics"),
    ("node-exporter", "node-exporter"),
    ("opentelemetry-collector", "otel-collector"),
    ("opentelemetry-collector-contrib", "otel-collector"),
    ("keycloak", "keycloak"),
    ("adminer", "adminer"),
    ("pgadmin4", "pgadmin"),
    ("qdrant", "qdrant"),
    ("pgbouncer", "pgbouncer"),
    ("pgpool", "pgpool"),
    ("elasticmq", "sqs"),
    ("fake-gcs-server", "gcs"),
    ("wiremock", "http-mock"),
    ("mockserver", "http-mock"),
    ("smtp4dev", "smtp"),
];
/// Toolchain images of languages other than Rust, which build apps of their own.
const OTHER_TOOLCHAIN_IMAGES: &[&str] = &[
    "golang",
    "node",
    "python",
    "openjdk",
    "eclipse-temurin",
    "amazoncorretto",
    "maven",
    "gradle",
    "ruby",
    "php",
    "bun",
    "deno",
];
/// Images of reverse proxies and load balancers, which own the host's ports by design.
const EDGE_IMAGES: &[&str] = &["nginx", "traefik", "caddy", "envoy", "haproxy", "httpd"];

impl ImageRef<'_> {
    /// The image's own name, without registry and namespace, lower-cased
    /// (`docker.io/bitnami/redis:7` → `redis`).
    pub fn base_name(&self) -> String {
        self.name
            .rsplit('/')
            .next()
            .unwrap_or(self.name)
            .to_ascii_lowercase()
    }

    /// The backing service the image runs (`postgres`, `redis`, …), if it is one.
    /// Cloud emulators (`…-emulator`, the `emulators` tag) count as backing services.
    pub fn backing_service(&self) -> Option<&'static str> {
        let base = self.base_name();
        if base.contains("emulator") || self.tag.is_some_and(|t| t.contains("emulator")) {
            return Some("emulator");
        }
        // SQL Server's image is named by its path (`mcr.microsoft.com/mssql/server`).
        if self.name.to_ascii_lowercase().ends_with("mssql/server") {
            return Some("mssql");
        }
        BACKING_IMAGES
            .iter()
            .find(|(key, _)| {
                base == *key
                    || base.strip_prefix(key).is_some_and(|r| r.starts_with('-'))
                    || base.strip_suffix(key).is_some_and(|r| r.ends_with('-'))
            })
            .map(|(_, service)| *service)
    }

    /// The datastore the image runs, if it is one: a backing service that keeps durable
    /// state (a database, search index, broker or object store), unlike caches, agents,
    /// mail catchers and telemetry.
    pub fn datastore(&self) -> Option<&'static str> {
        self.backing_service().filter(|s| DATASTORES.contains(s))
    }

    /// True for the toolchain image of a language other than Rust (`golang:1.22`,
    /// `node:20-alpine`, `python:3.12-slim`).
    pub fn is_other_toolchain(&self) -> bool {
        let base = self.base_name();
        OTHER_TOOLCHAIN_IMAGES.contains(&base.as_str())
    }

    /// True for reverse proxies and load balancers (`nginx`, `traefik`, …).
    pub fn is_edge_proxy(&self) -> bool {
        let base = self.base_name();
        EDGE_IMAGES
            .iter()
            .any(|key| base == *key || base.strip_prefix(key).is_some_and(|r| r.starts_with('-')))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_package_lines() {
        let rolling = |r: &str| ImageRef::parse(r).has_rolling_packages();
        assert!(rolling("alpine:edge"));
        assert!(rolling("debian:testing-slim"));
        assert!(rolling("debian:sid@sha256:0123"));
        assert!(rolling("quay.io/fedora/fedora:rawhide"));
        assert!(rolling("archlinux"));
        assert!(rolling("cgr.dev/chainguard/wolfi-base"));
        assert!(rolling("buildpack-deps:sid-scm"));
        assert!(!rolling("debian:bookworm-slim"));
        assert!(!rolling("alpine:3.20"));
        assert!(!rolling("rust:edge"));
        assert!(!rolling("debian:stable"));
        assert!(!rolling("node:testing"));
    }

    #[test]
    fn backing_services_and_proxies() {
        let svc = |r: &str| ImageRef::parse(r).backing_service();
        assert_eq!(svc("postgres:16-alpine"), Some("postgres"));
        assert_eq!(svc("docker.io/bitnami/redis:7.2"), Some("redis"));
        assert_eq!(svc("confluentinc/cp-kafka:7.6.0"), Some("kafka"));
        assert_eq!(svc("registry.example.com/api:1.2"), None);
        let store = |r: &str| ImageRef::parse(r).datastore();
        assert_eq!(store("postgres:14"), Some("postgres"));
        assert_eq!(store("bitnami/mongodb:7.0"), Some("mongodb"));
        assert_eq!(store("redis:7.2"), None);
        assert_eq!(store("otel/opentelemetry-collector:0.98.0"), None);
        assert_eq!(svc("redisinsight:2"), None);
        assert_eq!(store("bitnami/postgresql:16"), Some("postgres"));
        assert_eq!(store("pgvector/pgvector:pg16"), Some("postgres"));
        assert_eq!(
            store("mcr.microsoft.com/mssql/server:2022-latest"),
            Some("mssql")
        );
        assert_eq!(svc("redislabs/redisearch:2.8"), Some("redis"));
        assert_eq!(svc("mongo-express:1.0"), Some("db-admin"));
        assert_eq!(store("mongo-express:1.0"), None);
        assert_eq!(store("provectuslabs/kafka-ui:v0.7.2"), None);
        assert_eq!(svc("softwaremill/elasticmq-native:1.5.7"), Some("sqs"));
        assert_eq!(
            svc("gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators"),
            Some("emulator")
        );
        assert!(ImageRef::parse("nginx:1.27-alpine").is_edge_proxy());
    }

    #[test]
    fn image_references() {
        let r = ImageRef::parse("registry:5000/team/app:1.2");
        assert_eq!(
            (r.name, r.tag, r.digest),
            ("registry:5000/team/app", Some("1.2"), false)
        );
        let r = ImageRef::parse("registry:5000/team/app");
        assert_eq!((r.name, r.tag), ("registry:5000/team/app", None));
        assert!(ImageRef::parse("rust@sha256:abc").digest);
        assert!(ImageRef::parse("redis").is_floating());
        assert!(ImageRef::parse("redis:latest").is_floating());
        assert!(!ImageRef::parse("redis:7.2").is_floating());
        assert!(!ImageRef::parse("redis@sha256:abc").is_floating());
        assert!(ImageRef::parse("debian:stable-slim").is_floating());
        for fixed in [
            "gcr.io/distroless/cc-debian12",
            "vault.habana.ai/gaudi-docker/1.21.3/ubuntu22.04/habanalabs/pytorch-installer-2.6.0:latest",
            "gcr.io/distroless/static-debian12:latest",
            "registry.access.redhat.com/ubi9/ubi-minimal",
            "opensuse/tumbleweed:latest",
            "docker.io/library/archlinux",
        ] {
            assert!(!ImageRef::parse(fixed).is_floating(), "{fixed}");
        }
        for floating in [
            "gcr.io/distroless/static",
            "ghcr.io/acme/api-v2:latest",
            "rocm/dev-ubuntu-22.04",
            "ubuntu:latest",
            "example/debian12-tools:main",
        ] {
            assert!(ImageRef::parse(floating).is_floating(), "{floating}");
        }
        assert_eq!(
            ImageRef::parse("node:alpine").variant_only(),
            Some("alpine")
        );
        assert_eq!(ImageRef::parse("rust:slim").variant_only(), Some("slim"));
        assert_eq!(
            ImageRef::parse("rust:slim-trixie").variant_only(),
            Some("slim-trixie")
        );
        assert_eq!(
            ImageRef::parse("postgres:bookworm").variant_only(),
            Some("bookworm")
        );
        for os_release in [
            "debian:trixie-slim",
            "ubuntu:noble",
            "buildpack-deps:bookworm",
            "bitnami/minideb:bookworm",
        ] {
            assert_eq!(
                ImageRef::parse(os_release).variant_only(),
                None,
                "{os_release}"
            );
        }
        assert!(ImageRef::parse("nginx:alpine-slim").is_floating());
        assert_eq!(ImageRef::parse("node:20-alpine").variant_only(), None);
        assert_eq!(ImageRef::parse("debian:bookworm-slim").variant_only(), None);
        for channel in [
            "nightly", "edge", "main", "master", "dev", "canary", "stable",
        ] {
            assert!(
                ImageRef::parse(&format!("app:{channel}")).is_floating(),
                "{channel}"
            );
        }
        assert_eq!(ImageRef::parse("node:lts-alpine").channel(), Some("lts"));
        assert_eq!(ImageRef::parse("debian:sid-slim").channel(), Some("sid"));
        for pinned in [
            "debian:bookworm-slim",
            "debian:stable-20240101-slim",
            "rust:1.80-slim",
            "node:20-alpine",
            "alpine:3.20",
            "debian:stable-slim@sha256:abc",
        ] {
            assert!(!ImageRef::parse(pinned).is_floating(), "{pinned}");
        }
    }
}
