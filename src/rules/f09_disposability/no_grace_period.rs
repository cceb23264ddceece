//! TF0904 no-grace-period: shutdown configured to kill without a grace period.

use crate::parse::yaml::{self, DocKind};
use crate::rules::prelude::*;

declare_rule! {
    NoGracePeriod {
        code: "TF0904",
        name: "no-grace-period",
        factor: 9,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml],
        summary: "k8s `terminationGracePeriodSeconds: 0`, compose `stop_grace_period: 0s` or `stop_signal: SIGKILL`, `STOPSIGNAL SIGKILL`",
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
