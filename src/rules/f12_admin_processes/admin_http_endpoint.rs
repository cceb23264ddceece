//! TF1202 admin-http-endpoint: HTTP routes that run admin tasks in the web process.

use std::ops::Range;

use crate::model::flow::{EventKind, Route};
use crate::model::program::Scope;
use crate::parse::text::identifier_words;
use crate::rules::prelude::*;

declare_rule! {
    AdminHttpEndpoint {
        code: "TF1202",
        name: "admin-http-endpoint",
        factor: 12,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "HTTP routes that run admin tasks (`/admin/migrate`, `/reset-db`, `/seed`, `/flush-cache`) in the web process",
        facts: [Flow],
    }
}

/// Words that name running migrations or seeding on their own.
const TASKS: &[(&str, &str)] = &[
    ("migrate", "runs migrations"),
    ("migrations", "runs migrations"),
    ("migration", "runs migrations"),
    ("seed", "seeds data"),
    ("reseed", "seeds data"),
    ("seeding", "seeds data"),
    ("flushall", "flushes the store"),
    ("flushdb", "flushes the database"),
    ("resetdb", "resets the database"),
    ("dropdb", "drops the database"),
];
/// Destructive verbs: an admin task when their object is a store.
const VERBS: &[(&str, &str)] = &[
    ("reset", "resets"),
    ("wipe", "wipes"),
    ("truncate", "truncates"),
    ("drop", "drops"),
    ("purge", "purges"),
    ("flush", "flushes"),
    ("clear", "clears"),
    ("nuke", "nukes"),
    ("rebuild", "rebuilds"),
];
/// Objects that make a destructive verb an admin task.
const STORES: &[&str] = &[
    "db",
    "database",
    "databases",
    "data",
    "schema",
    "tables",
    "table",
    "cache",
    "caches",
    "all",
    "everything",
    "redis",
    "store",
    "queue",
    "queues",
];

/// The admin task a route path or handler name describes (`/admin/reset-db` →
/// "resets db"). `/password/reset` or `/cache/stats` describe none.
pub fn admin_task(text: &str) -> Option<String> {
    let words = identifier_words(text);
    if let Some((_, task)) = TASKS.iter().find(|(w, _)| words.iter().any(|x| x == w)) {
        return Some((*task).to_string());
    }
    let (_, verb) = VERBS.iter().find(|(v, _)| words.iter().any(|w| w == v))?;
    let object = words.iter().find(|w| STORES.contains(&w.as_str()))?;
    Some(format!("{verb} the {object}"))
}

const HELP: &str = "run admin tasks as one-off processes from the same release (a subcommand or `src/bin/` binary run as a Kubernetes Job, release phase or `docker compose run`), not as requests any client can send to every web replica";

impl Check for AdminHttpEndpoint {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let Some(program) = cx.program() else { return };
        for krate in project.cargo.iter().filter(|c| c.is_service()) {
            let routes: Vec<(&str, &Route<Range<usize>>)> = project
                .code_of(krate)
                .flat_map(|file| file.facts.all_routes().map(|r| (file.path.as_str(), r)))
                .collect();
            // The crate's call graph is built only for a crate that declares routes.
            if routes.is_empty() {
                continue;
            }
            let scope = program.scope(krate);
            // A handler reaches migrations only when the crate's code has some.
            let migrates = scope
                .files()
                .iter()
                .any(|f| f.facts.events.iter().any(|e| e.kind == EventKind::Migrate));
            for (path, route) in routes {
                if let Some(why) = why_admin(scope, route, migrates) {
                    report(cx, project.locate(path, route.span.clone()), route, &why);
                }
            }
        }
    }
}

/// Why a route is an admin task: its path, a handler that reaches migrations (looked
/// for when the scope `migrates` somewhere), or a handler named after one.
fn why_admin(scope: &Scope<'_>, route: &Route<Range<usize>>, migrates: bool) -> Option<String> {
    if let Some(task) = admin_task(&route.path) {
        return Some(task);
    }
    for (name, _) in &route.handlers {
        if let Some(m) = migrates
            .then(|| scope.function_named(name).migrate)
            .flatten()
        {
            return Some(format!(
                "calls `{name}`, which runs migrations (`{}`)",
                scope.event(m.event).label
            ));
        }
        if let Some(task) = admin_task(name) {
            return Some(format!("calls `{name}`, which {task}"));
        }
    }
    None
}

fn report(cx: &mut Ctx<'_>, at: Location, route: &Route<Range<usize>>, why: &str) {
    cx.report(
        at,
        format!(
            "route `{}` {why} inside the web process: admin tasks exposed over HTTP run in a long-lived server, race across replicas and widen the attack surface",
            route.path
        ),
        HELP,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_task_words() {
        assert_eq!(
            admin_task("/admin/migrate").as_deref(),
            Some("runs migrations")
        );
        assert_eq!(admin_task("/reset-db").as_deref(), Some("resets the db"));
        assert_eq!(
            admin_task("flushCache").as_deref(),
            Some("flushes the cache")
        );
        assert_eq!(admin_task("/seed").as_deref(), Some("seeds data"));
        for benign in [
            "/password/reset",
            "/cache/stats",
            "/reset-password",
            "/seeds",
            "/users",
        ] {
            assert_eq!(admin_task(benign), None, "{benign}");
        }
    }
}
