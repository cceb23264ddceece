//! TF0901 missing-sigterm-handling: a server or worker binary that never handles SIGTERM.

use std::collections::BTreeSet;

use crate::model::flow::Server;
use crate::model::program::shuts_down_on_sigterm;
use crate::rules::prelude::*;

declare_rule! {
    MissingSigtermHandling {
        code: "TF0901",
        name: "missing-sigterm-handling",
        factor: 9,
        severity: Error,
        stability: Stable,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "a long-running server or worker binary has no SIGTERM-aware shutdown anywhere in its crate",
        facts: [Flow],
    }
}

impl Check for MissingSigtermHandling {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut seen = BTreeSet::new();
        let Some(program) = cx.program() else { return };
        for (scope, servers) in program.servers() {
            // Ctrl-C waits are TF0902's.
            let has_ctrl_c = scope.files().iter().any(|f| !f.facts.ctrl_c.is_empty());
            if has_ctrl_c || shuts_down_on_sigterm(project, scope, servers) {
                continue;
            }
            for server in servers {
                // A server that ends at once on Ctrl-C on every path it serves terminates
                // immediately by design, as SIGTERM's default action does.
                let Some((kind, reach)) = server.run.serve.filter(|_| server.run.serves_unended)
                else {
                    continue;
                };
                let serve = scope.event(reach.event);
                let at = scope.event_at(reach.event);
                if !seen.insert((at.path.clone(), at.bytes.start)) {
                    continue;
                }
                let disabled = if scope.disables_signals() {
                    ", with its own signal handling turned off by `.disable_signals()`"
                } else {
                    ""
                };
                let calls = scope.chain(Some(reach), |s| s.serve.map(|(_, r)| r));
                let through = scope.through(server.entry, &calls);
                let (what, detail, work, help) = if kind == Server::Loop {
                    (
                        "a worker loop",
                        "`loop` with no way out, in a binary a production deployment runs"
                            .to_string(),
                        "mid-task",
                        "stop gracefully on SIGTERM: `tokio::select!` each turn of the loop against `tokio::signal::unix::signal(SignalKind::terminate())` and leave the loop after the work in hand",
                    )
                } else {
                    (
                        "a server",
                        format!("`{}`", serve.label),
                        "mid-request",
                        "shut down gracefully on SIGTERM: wait on `tokio::signal::unix::signal(SignalKind::terminate())` (with `ctrl_c()` in a `tokio::select!`) and pass that future to `with_graceful_shutdown`",
                    )
                };
                let d = cx.report(
                    at,
                    format!(
                        "the binary `{}` runs {what} here ({detail}{disabled}){through}, but nothing in its crate handles SIGTERM: on every deploy or scale-in SIGTERM kills it {work} (or, as PID 1 in a container, is ignored until SIGKILL)",
                        server.bin
                    ),
                    help,
                );
                for (location, label) in scope.chain_related(&calls) {
                    d.with_related(location, label);
                }
                if let Some(also) = server.run.also_serve {
                    let label = scope.event(also.event).label.as_str();
                    d.with_related(
                        scope.event_at(also.event),
                        format!("also starts a server here (`{label}`)"),
                    );
                }
            }
        }
    }
}
