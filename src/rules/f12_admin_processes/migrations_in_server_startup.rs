//! TF1201 migrations-in-server-startup: the server binary migrates the schema before serving.

use std::collections::BTreeSet;

use crate::model::databases;
use crate::rules::prelude::*;

declare_rule! {
    MigrationsInServerStartup {
        code: "TF1201",
        name: "migrations-in-server-startup",
        factor: 12,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "the server binary runs schema migrations during startup instead of a one-off binary, subcommand or Job",
        facts: [Flow],
    }
}

impl Check for MigrationsInServerStartup {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut seen = BTreeSet::new();
        let Some(program) = cx.program() else { return };
        for (scope, servers) in program.servers() {
            // An embedded database (SQLite) is a file one instance owns: no replica races
            // to migrate it, and migrating it at start is how such apps work.
            if databases::only_embedded(project, scope.krate) {
                continue;
            }
            for server in servers {
                let Some(pair) = server.run.migrate_then_serve else {
                    continue;
                };
                // Reported at the call on the path that migrates and then serves;
                // the other calls of the chain, the migration and the server start are related.
                let (mut calls, holder, pair) = scope.pair_chain(server.entry, pair);
                let tail = scope.chain(Some(pair.migrate), |s| s.migrate);
                let (migrate, serve) = (
                    scope.event(pair.migrate.event),
                    scope.event(pair.serve.event),
                );
                let migrate_at = scope.event_at(pair.migrate.event);
                let at = tail
                    .first()
                    .map_or_else(|| migrate_at.clone(), |&c| scope.call_at(c));
                if !seen.insert((at.path.clone(), at.bytes.start)) {
                    continue;
                }
                calls.extend(&tail);
                let through = scope.through(server.entry, &calls);
                let d = cx.report(
                    at.clone(),
                    format!(
                        "the server binary `{}` runs database migrations (`{}`) on every start, before it serves{through}: each replica races to migrate, a slow or failing migration blocks or crash-loops the rollout, and old and new code cannot run side by side",
                        server.bin, migrate.label
                    ),
                    "run migrations as a one-off admin process from the same release: a `migrate` subcommand or a `src/bin/migrate.rs` binary, run as a Kubernetes Job, Helm hook, release phase or `docker compose run`",
                );
                for (location, label) in scope.chain_related(&calls) {
                    if location != at {
                        d.with_related(location, label);
                    }
                }
                if !tail.is_empty() {
                    d.with_related(migrate_at, format!("migrates here (`{}`)", migrate.label));
                }
                for other in scope.other_migrations(holder, pair.migrate) {
                    d.with_related(
                        scope.event_at(other),
                        format!(
                            "or migrates here (`{}`), through the same call",
                            scope.event(other).label
                        ),
                    );
                }
                d.with_related(
                    scope.event_at(pair.serve.event),
                    format!("then serves here (`{}`)", serve.label),
                );
            }
        }
    }
}
