//! TF0904 no-grace-period: shutdown configured to kill without a grace period.

use std::collections::BTreeSet;

use crate::model::flow::Server;
use crate::parse::yaml::{self, DocKind};
use crate::rules::prelude::*;

declare_rule! {
    NoGracePeriod {
        code: "TF0904",
        name: "no-grace-period",
        factor: 9,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml, Rust, Cargo],
        summary: "k8s `terminationGracePeriodSeconds: 0`, compose `stop_grace_period: 0s` or `stop_signal: SIGKILL`, `STOPSIGNAL SIGKILL`, actix-web `.shutdown_timeout(0)`",
        facts: [Flow],
    }
}

const HELP: &str = "give the process time to finish in-flight work after SIGTERM: keep the default grace period (Kubernetes 30s, compose 10s) or set one longer than your slowest request";

impl Check for NoGracePeriod {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        if let Some(df) = file.dockerfile() {
            for inst in df
                .runtime_stages()
                .iter()
                .flat_map(|s| s.body)
                .filter(|i| i.keyword == "STOPSIGNAL")
            {
                if let Some(w) = inst
                    .args
                    .words()
                    .into_iter()
                    .next()
                    .filter(|w| is_kill(&w.value))
                {
                    cx.report(
                        file.loc(w.span),
                        format!("`STOPSIGNAL {}` kills the process outright: it gets no chance to shut down gracefully", w.value),
                        HELP,
                    );
                }
            }
        }
        for doc in file.yaml() {
            match &doc.kind {
                DocKind::Kubernetes(kind) => {
                    for (_, v) in yaml::values_under(&doc.node, &["terminationGracePeriodSeconds"])
                    {
                        if yaml::scalar_text(v).as_deref() == Some("0") {
                            cx.report(
                                file.loc(file.yaml_span(v)),
                                format!("{kind} sets `terminationGracePeriodSeconds: 0`: pods are killed with SIGKILL right after SIGTERM, dropping in-flight requests"),
                                HELP,
                            );
                        }
                    }
                }
                DocKind::Compose => {
                    for (name, svc) in doc.compose_services() {
                        let name = yaml::scalar_text(name).unwrap_or_default();
                        if let Some(v) = yaml::get(svc, "stop_grace_period")
                            .filter(|v| yaml::scalar_text(v).is_some_and(|t| is_zero_duration(&t)))
                        {
                            cx.report(
                                file.loc(file.yaml_span(v)),
                                format!("service `{name}` sets `stop_grace_period` to zero: `docker compose stop` kills it without waiting"),
                                HELP,
                            );
                        }
                        if let Some(v) = yaml::get(svc, "stop_signal")
                            .filter(|v| yaml::scalar_text(v).is_some_and(|t| is_kill(&t)))
                        {
                            cx.report(
                                file.loc(file.yaml_span(v)),
                                format!("service `{name}` stops with SIGKILL: it gets no chance to shut down gracefully"),
                                HELP,
                            );
                        }
                    }
                }
                DocKind::Other => {}
            }
        }
    }

    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        zero_shutdown_timeouts(project, cx);
    }
}

/// A server binary whose framework shuts down on SIGTERM by itself (actix-web, ntex)
/// told to give the requests in flight no time: `.shutdown_timeout(0)` in the file that
/// starts its server.
fn zero_shutdown_timeouts(project: &Project, cx: &mut Ctx<'_>) {
    let Some(program) = cx.program() else { return };
    let mut seen = BTreeSet::new();
    for (scope, servers) in program.servers() {
        // With the framework's signal handling off, TF0901 judges the shutdown.
        if scope.disables_signals() {
            continue;
        }
        for (fi, f) in scope.files().iter().enumerate() {
            if f.facts.zero_shutdown_timeouts.is_empty() {
                continue;
            }
            // The binary that starts a server in this file most directly: the fewest
            // calls from its `main`.
            let Some((server, reach, calls)) = servers
                .iter()
                .filter_map(|s| {
                    let (_, reach) = s.run.serve.filter(|(k, _)| *k == Server::SignalAware)?;
                    (reach.event.0 == fi).then_some(())?;
                    let calls = scope.chain(Some(reach), |r| r.serve.map(|(_, r)| r));
                    Some((s, reach, calls))
                })
                .min_by_key(|(_, _, calls)| calls.len())
            else {
                continue;
            };
            let label = &scope.event(reach.event).label;
            let through = scope.through(server.entry, &calls);
            for span in &f.facts.zero_shutdown_timeouts {
                let at = project.locate(&f.path, span.clone());
                if !seen.insert((at.path.clone(), at.bytes.start)) {
                    continue;
                }
                let d = cx.report(
                    at,
                    format!("`.shutdown_timeout(0)`: when SIGTERM arrives, the server the binary `{}` starts (`{label}`{through}) stops at once and drops the requests in flight, as if killed", server.bin),
                    "leave the default (30 seconds) or set a timeout longer than the slowest request, and below the platform's grace period",
                );
                for (location, label) in scope.chain_related(&calls) {
                    d.with_related(location, label);
                }
                d.with_related(
                    scope.event_at(reach.event),
                    format!("the server starts here (`{label}`)"),
                );
            }
        }
    }
}

/// `SIGKILL`, `KILL`, `9`.
fn is_kill(signal: &str) -> bool {
    matches!(
        signal.trim().to_ascii_uppercase().as_str(),
        "SIGKILL" | "KILL" | "9"
    )
}

/// `0`, `0s`, `0ms`, `0m0s`.
fn is_zero_duration(value: &str) -> bool {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    !digits.is_empty() && digits.chars().all(|c| c == '0')
}
