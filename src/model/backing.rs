//! The catalogue of backing services: the URL schemes and default ports that name a
//! datastore, cache, queue or mail service, so a locator can be recognised by its value.

/// URL schemes of backing services, with the service they name.
const SCHEMES: &[(&str, &str)] = &[
    ("postgres", "PostgreSQL"),
    ("postgresql", "PostgreSQL"),
    ("mysql", "MySQL"),
    ("mariadb", "MariaDB"),
    ("redis", "Redis"),
    ("rediss", "Redis"),
    ("amqp", "AMQP broker"),
    ("amqps", "AMQP broker"),
    ("mongodb", "MongoDB"),
    ("mongodb+srv", "MongoDB"),
    ("nats", "NATS"),
    ("tls", "NATS"),
    ("kafka", "Kafka"),
    ("memcached", "Memcached"),
    ("smtp", "SMTP server"),
    ("smtps", "SMTP server"),
    ("mssql", "SQL Server"),
    ("sqlserver", "SQL Server"),
    ("clickhouse", "ClickHouse"),
    ("cassandra", "Cassandra"),
    ("neo4j", "Neo4j"),
    ("bolt", "Neo4j"),
    ("couchbase", "Couchbase"),
    ("etcd", "etcd"),
    ("zookeeper", "ZooKeeper"),
];
/// Default ports of backing services, for `host:port` locators without a scheme.
const PORTS: &[(&str, &str)] = &[
    ("5432", "PostgreSQL"),
    ("3306", "MySQL"),
    ("6379", "Redis"),
    ("5672", "AMQP broker"),
    ("27017", "MongoDB"),
    ("4222", "NATS"),
    ("9092", "Kafka"),
    ("11211", "Memcached"),
    ("587", "SMTP server"),
    ("465", "SMTP server"),
    ("9042", "Cassandra"),
    ("2181", "ZooKeeper"),
    ("2379", "etcd"),
];

/// The backing service a `scheme://…` URL names. A host with a hole (`{}`, `$HOST`) or a
/// wildcard (`redis://*:*`, an allow-list pattern) names no one service.
pub fn backing_scheme(value: &str) -> Option<&'static str> {
    let (scheme, rest) = value.split_once("://")?;
    let host = rest.split(['/', '?']).next().unwrap_or_default();
    if host.is_empty() || host.contains(['{', '*']) || host.starts_with('$') || scheme.len() > 16 {
        return None;
    }
    let lower = scheme.to_ascii_lowercase();
    SCHEMES
        .iter()
        .find(|(s, _)| *s == lower)
        .map(|(_, name)| *name)
}

/// `kafka:9092`, `localhost:6379`: a bare `host:port` on a backing service's port.
pub fn backing_host_port(value: &str) -> Option<&'static str> {
    let (host, port) = value.rsplit_once(':')?;
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    host_ok
        .then(|| PORTS.iter().find(|(p, _)| *p == port).map(|(_, n)| *n))
        .flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locators() {
        assert_eq!(backing_scheme("postgres://u@db/app"), Some("PostgreSQL"));
        assert_eq!(backing_scheme("redis://127.0.0.1/"), Some("Redis"));
        assert_eq!(backing_scheme("https://api.example.com"), None);
        assert_eq!(backing_scheme("postgres://{}/{}"), None);
        assert_eq!(backing_scheme("redis://*:*"), None);
        assert_eq!(backing_scheme("mysql://*.internal:3306"), None);
        assert_eq!(backing_host_port("localhost:9092"), Some("Kafka"));
        assert_eq!(backing_host_port("0.0.0.0:8080"), None);
    }
}
