//! TF0802 pid-file: the app writes a PID file.

use syn::visit::Visit;

use crate::parse::rust::{self, DAEMON_MODES, literal_str, path_ends_with};
use crate::rules::prelude::*;

declare_rule! {
    PidFile {
        code: "TF0802",
        name: "pid-file",
        factor: 8,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "the app writes a PID file",
        tree: Prefilter::Idents(&["pid_file", "Pidfile|PidFile|Pidlock + new"]),
    }
}

impl Check for PidFile {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let mut v = PidFiles::default();
        if let Some(ast) = file.rust() {
            v.visit_file(ast);
        }
        let literals = file.string_literals();
        let switched = |span: &std::ops::Range<usize>| {
            v.switched_blocks
                .iter()
                .any(|b| b.start <= span.start && span.end <= b.end)
        };
        let pid_paths = literals
            .iter()
            .filter(|l| is_pid_path(&l.value) && !switched(&l.span))
            .map(|l| (l.value.clone(), l.span.clone()));
        let mut found: Vec<(String, std::ops::Range<usize>)> = pid_paths.collect();
        // Calls whose argument is not a `.pid` literal (that literal is reported already).
        let calls: Vec<_> = v
            .found
            .into_iter()
            .filter(|(_, call)| {
                !switched(call)
                    && !found
                        .iter()
                        .any(|(_, s)| s.start >= call.start && s.end <= call.end)
            })
            .collect();
        found.extend(calls);
        found.sort_by_key(|(_, s)| s.start);
        for (what, span) in found {
            cx.report(
                file.loc(span),
                format!("writes a PID file (`{what}`): process bookkeeping that belongs to the process manager"),
                "drop the PID file; the platform (Kubernetes, systemd, the container runtime) tracks and signals the process",
            );
        }
    }
}

/// `/var/run/app.pid`, `run/server.pidfile`: a path to a file named `*.pid`. A bare name
/// (`process.pid`) is as often an attribute key; a PID file passed to an API is found as
/// the call.
fn is_pid_path(value: &str) -> bool {
    let Some((_, name)) = value.rsplit_once('/') else {
        return false;
    };
    let stem = name
        .strip_suffix(".pid")
        .or_else(|| name.strip_suffix(".pidfile"));
    !value.contains(char::is_whitespace) && stem.is_some_and(|s| !s.is_empty())
}

/// PID-file APIs: `Daemonize::pid_file(..)`, `Pidfile::new(..)`, `Pidlock::new(..)`, outside
/// a daemon-mode switch ([`DAEMON_MODES`], or a PID file path that may be absent: `if let
/// Some(path) = pid_path`), which the deployment must turn on.
#[derive(Default)]
struct PidFiles {
    found: Vec<(String, std::ops::Range<usize>)>,
    /// The blocks daemon-mode switches guard.
    switched_blocks: Vec<std::ops::Range<usize>>,
}

impl<'ast> Visit<'ast> for PidFiles {
    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        if rust::is_opt_in_switch(&e.cond, DAEMON_MODES) {
            self.switched_blocks
                .push(rust::span_range(e.then_branch.brace_token.span.join()));
        }
        syn::visit::visit_expr_if(self, e);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if m.method == "pid_file" {
            let what = m
                .args
                .first()
                .and_then(literal_str)
                .map_or_else(|| "pid_file(..)".to_string(), |l| l.value);
            let start = rust::span_range(m.method.span()).start;
            self.found.push((
                what,
                start..rust::span_range(m.paren_token.span.close()).end,
            ));
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Some(path) = rust::call_path(call)
            && ["Pidfile", "PidFile", "Pidlock"]
                .iter()
                .any(|t| path_ends_with(&path, &[t, "new"]))
            && let Some(span) = rust::call_path_span(call)
        {
            self.found.push((
                path.join("::"),
                span.start..rust::span_range(call.paren_token.span.close()).end,
            ));
        }
        syn::visit::visit_expr_call(self, call);
    }
}
