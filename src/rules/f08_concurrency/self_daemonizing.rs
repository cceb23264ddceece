//! TF0801 self-daemonizing: the app forks itself into the background.

use std::ops::Range;

use syn::visit::Visit;

use crate::parse::lex::Tokens;
use crate::parse::rust::{self, path_ends_with};
use crate::rules::prelude::*;

declare_rule! {
    SelfDaemonizing {
        code: "TF0801",
        name: "self-daemonizing",
        factor: 8,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "the app daemonizes itself (`daemonize` crate, `setsid`, `nix::unistd::daemon`) outside an opt-in daemon mode",
        tree: Prefilter::Tokens(&["daemon|setsid|Daemonize"], may_daemonize),
    }
}

impl Check for SelfDaemonizing {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(ast) = file.rust() else { return };
        // Bare `fork()`/`setsid()`/`daemon()` count when the file imports them from a
        // system crate; qualified calls are recognised by their path.
        let imports_unix = ["nix::unistd", "libc", "fork::", "daemonize"]
            .iter()
            .any(|m| file.text.contains(m));
        let mut v = Calls {
            imports_unix,
            found: Vec::new(),
            switched: 0,
        };
        v.visit_file(ast);
        for (what, span) in v.found {
            cx.report(
                file.loc(span),
                format!("the process daemonizes itself ({what}): it detaches from the supervisor that started it"),
                "stay in the foreground and let the process manager (Kubernetes, systemd, the container runtime) run, restart and scale it",
            );
        }
    }
}

/// Calls the tree visitor reports: `daemon(` or `setsid(` called bare or under a path
/// ending in [`SYSTEM_MODULES`], and `Daemonize::new(`. A `fork()` alone starts a child
/// (a sandbox, a helper that execs or exits); detaching takes `setsid` or `daemon`.
fn may_daemonize(t: &Tokens<'_>, item: Range<usize>) -> bool {
    item.clone().any(|i| {
        let Some(name) = t.ident(i) else {
            return false;
        };
        let pathed = i >= item.start + 2 && t.is_joint(i - 2, ':', ':');
        let method = i > item.start && t.is_punct(i - 1, '.');
        // The segment before `::name`, when there is one.
        let module = (pathed && i >= item.start + 3)
            .then(|| t.ident(i - 3))
            .flatten();
        let called = match name {
            "daemon" | "setsid" => match module {
                Some(m) => SYSTEM_MODULES.contains(&m),
                None => !pathed && !method,
            },
            "new" => module == Some("Daemonize"),
            _ => false,
        };
        called && t.is_open(i + 1, '(')
    })
}

/// The modules whose `daemon` and `setsid` are the system calls.
const SYSTEM_MODULES: &[&str] = &["unistd", "libc", "fork", "nix"];

struct Calls {
    imports_unix: bool,
    found: Vec<(String, std::ops::Range<usize>)>,
    /// How many daemon-mode switches enclose the code being read.
    switched: usize,
}

impl<'ast> Visit<'ast> for Calls {
    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        rust::visit_if_counting_switches(self, e, rust::DAEMON_MODES, |s| &mut s.switched);
    }

    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        if let Some(path) = rust::call_path(call) {
            let qualified =
                path.len() >= 2 && SYSTEM_MODULES.contains(&path[path.len() - 2].as_str());
            let last = path.last().map(String::as_str).unwrap_or_default();
            let what = match last {
                "daemon" | "setsid" if qualified || (path.len() == 1 && self.imports_unix) => {
                    Some(format!("`{}()`", path.join("::")))
                }
                _ if path_ends_with(&path, &["Daemonize", "new"]) => {
                    Some("`Daemonize`".to_string())
                }
                _ => None,
            };
            if let (Some(what), Some(span), 0) = (what, rust::call_path_span(call), self.switched) {
                self.found.push((what, span));
            }
        }
        syn::visit::visit_expr_call(self, call);
    }
}
