//! Which kind of database a package talks to, read from the database crates it depends on
//! and the features it turns on: a database server (PostgreSQL, MySQL, …), or only an
//! embedded one (SQLite: a file inside the process, which one instance owns).

use std::collections::BTreeSet;

use crate::parse::cargo::DepKind;

use super::project::{CargoFacts, Project};

/// Where a package's database lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Storage {
    /// A file the process opens itself (SQLite).
    Embedded,
    /// A server the process connects to.
    Server,
}

/// Crates that speak to several databases, one per feature.
const MULTI_DRIVER: &[&str] = &[
    "sqlx",
    "sqlx-core",
    "diesel",
    "diesel-async",
    "diesel_migrations",
    "sea-orm",
    "sea-orm-migration",
    "sea-query-binder",
    "refinery",
    "refinery-core",
];

/// Crates that speak to SQLite only.
const SQLITE_DRIVERS: &[&str] = &[
    "rusqlite",
    "libsqlite3-sys",
    "sqlite",
    "tokio-rusqlite",
    "async-sqlite",
    "r2d2_sqlite",
    "deadpool-sqlite",
    "rusqlite_migration",
];

/// Crates that speak to one database server.
const SERVER_DRIVERS: &[&str] = &[
    "postgres",
    "tokio-postgres",
    "deadpool-postgres",
    "bb8-postgres",
    "r2d2_postgres",
    "mysql",
    "mysql_async",
    "tiberius",
    "mongodb",
    "scylla",
    "clickhouse",
];

/// What a dependency on `name` with `features` talks to: nothing for other crates.
fn storage_of(name: &str, features: &[String]) -> Vec<Storage> {
    if SQLITE_DRIVERS.contains(&name) {
        return vec![Storage::Embedded];
    }
    if SERVER_DRIVERS.contains(&name) {
        return vec![Storage::Server];
    }
    if !MULTI_DRIVER.contains(&name) {
        return Vec::new();
    }
    features
        .iter()
        .filter_map(|f| {
            let f = f.to_ascii_lowercase();
            if f.contains("sqlite") {
                Some(Storage::Embedded)
            } else if ["postgres", "mysql", "mariadb", "mssql", "tiberius"]
                .iter()
                .any(|db| f.contains(db))
                || f == "any"
            {
                Some(Storage::Server)
            } else {
                None
            }
        })
        .collect()
}

/// The storages `krate` and the workspace packages it depends on talk to, optional
/// dependencies and the drivers any feature turns on included.
fn storages(project: &Project, krate: &CargoFacts) -> BTreeSet<Storage> {
    let mut found = BTreeSet::new();
    let packages = project
        .crate_index(krate)
        .map(|i| project.with_workspace_deps([i]));
    for k in packages.iter().flatten().map(|&i| &project.cargo[i]) {
        let root = project.workspace_root(k);
        for d in k
            .manifest
            .dependencies
            .iter()
            .filter(|d| d.kind == DepKind::Normal)
        {
            let mut features = d.features.clone();
            if d.inherited
                && let Some(declared) = root
                    .manifest
                    .dependencies
                    .iter()
                    .find(|w| w.kind == DepKind::Workspace && w.name == d.name)
            {
                features.extend(declared.features.iter().cloned());
            }
            found.extend(storage_of(&d.name, &features));
        }
        // `[features]` turning on a dependency's feature: `postgres = ["diesel/postgres"]`.
        for value in k.manifest.features.iter().flat_map(|(_, v)| v) {
            if let Some((dep, feature)) = value.split_once('/') {
                let dep = dep.trim_end_matches('?');
                found.extend(storage_of(dep, &[feature.to_string()]));
            }
        }
    }
    found
}

/// True when the only database `krate` talks to is embedded: one instance owns it.
pub fn only_embedded(project: &Project, krate: &CargoFacts) -> bool {
    storages(project, krate) == BTreeSet::from([Storage::Embedded])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(f: &[&str]) -> Vec<String> {
        f.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn reads_drivers_and_features() {
        assert_eq!(storage_of("rusqlite", &[]), [Storage::Embedded]);
        assert_eq!(storage_of("tokio-postgres", &[]), [Storage::Server]);
        assert_eq!(
            storage_of("sqlx", &features(&["runtime-tokio", "sqlite"])),
            [Storage::Embedded]
        );
        assert_eq!(
            storage_of("sea-orm", &features(&["sqlx-postgres", "sqlx-sqlite"])),
            [Storage::Server, Storage::Embedded]
        );
        assert_eq!(storage_of("sqlx", &features(&["any"])), [Storage::Server]);
        assert!(storage_of("sqlx", &features(&["runtime-tokio"])).is_empty());
        assert!(storage_of("serde", &features(&["derive"])).is_empty());
    }
}
