//! TF0902 sigint-only-shutdown: graceful shutdown that waits only for Ctrl-C.

use std::collections::BTreeSet;

use crate::model::flow::CtrlC;
use crate::model::fly;
use crate::model::program::shuts_down_on_sigterm;
use crate::model::project::CargoFacts;
use crate::rules::prelude::*;

declare_rule! {
    SigintOnlyShutdown {
        code: "TF0902",
        name: "sigint-only-shutdown",
        factor: 9,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "a server's shutdown waits only on `tokio::signal::ctrl_c()` / SIGINT; orchestrators send SIGTERM",
        scope: ProductionAndNotes(NotDeployed),
        fix: Safe,
        facts: [Flow],
    }
}

impl Check for SigintOnlyShutdown {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let mut seen = BTreeSet::new();
        let Some(program) = cx.program() else { return };
        for (scope, servers) in program.servers() {
            // A Ctrl-C wait off every serving path (a CLI client mode's) is no server's
            // shutdown.
            let Some((entry, serving)) = servers
                .iter()
                .find_map(|s| Some((s.entry, s.run.ctrl_c_while_serving?)))
            else {
                continue;
            };
            if shuts_down_on_sigterm(project, scope, servers)
                || stopped_with_sigint(project, scope.krate)
            {
                continue;
            }
            let mut found: Vec<(CtrlC, Location, Location)> = scope
                .files()
                .iter()
                .flat_map(|f| {
                    f.facts.ctrl_c.iter().map(|(kind, location, call)| {
                        (
                            *kind,
                            project.locate(&f.path, location.clone()),
                            project.locate(&f.path, call.clone()),
                        )
                    })
                })
                .filter(|(_, location, _)| {
                    seen.insert((location.path.clone(), location.bytes.start))
                })
                .collect();
            // One cause, one finding: the server's binary waits only for Ctrl-C. It is
            // reported at the wait on the serving path, with the chain of calls to it;
            // else (that wait already reported) at a wait in the binary's own file. The
            // other waits are related locations, and the fix replaces those of that file.
            let wait = scope.event_at(serving.event);
            let on_path = found
                .iter()
                .position(|(_, l, _)| l.path == wait.path && l.bytes.start == wait.bytes.start);
            let Some(at) = on_path
                .or_else(|| {
                    found
                        .iter()
                        .position(|(_, l, _)| servers.iter().any(|s| s.bin == l.path))
                })
                .or((!found.is_empty()).then_some(0))
            else {
                continue;
            };
            let calls = match on_path {
                Some(_) => scope.chain(Some(serving), |s| s.ctrl_c_while_serving.or(s.ctrl_c)),
                None => Vec::new(),
            };
            let through = match scope.through(entry, &calls) {
                chain if chain.is_empty() => chain,
                chain => format!("{chain},"),
            };
            let (kind, location, _) = found[at].clone();
            let path = location.path.clone();
            found.swap(0, at);
            let what = match kind {
                CtrlC::Tokio => "`tokio::signal::ctrl_c()`",
                CtrlC::CtrlcCrate => "`ctrlc::set_handler` (without the `termination` feature)",
            };
            let d = cx.report(
                location,
                format!(
                    "shutdown{through} waits only for {what}, which is SIGINT: Docker, Kubernetes and systemd stop processes with SIGTERM, so the graceful shutdown never runs"
                ),
                match kind {
                    CtrlC::Tokio => "also wait for SIGTERM: `tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = sigterm.recv() => {} }` with `let mut sigterm = signal(SignalKind::terminate())?`",
                    CtrlC::CtrlcCrate => "enable the `termination` feature of `ctrlc` (`ctrlc = { version = \"3\", features = [\"termination\"] }`) so the handler also runs on SIGTERM",
                },
            );
            for (location, label) in scope.chain_related(&calls) {
                d.with_related(location, label);
            }
            for (_, other, _) in &found[1..] {
                d.with_related(other.clone(), "also waits only for Ctrl-C here");
            }
            let edits: Vec<Edit> = found
                .into_iter()
                .filter(|(kind, _, call)| *kind == CtrlC::Tokio && call.path == path)
                .map(|(_, _, call)| Edit {
                    location: call,
                    replacement: CTRL_C_OR_SIGTERM.to_string(),
                })
                .collect();
            if kind == CtrlC::Tokio {
                d.with_fix("wait for SIGTERM as well as Ctrl-C", edits);
            }
        }
    }
}

/// True when every production image and declared process that runs `krate` is stopped
/// with SIGINT (an image's `STOPSIGNAL`, or the `kill_signal` of the Fly app that deploys
/// it, SIGINT by default; a systemd unit's `KillSignal=`): there a Ctrl-C wait is the
/// shutdown the platform triggers.
fn stopped_with_sigint(project: &Project, krate: &CargoFacts) -> bool {
    let images = project.production_dockerfiles_for(krate);
    let processes = project.processes_for(krate);
    let mut signals = images
        .iter()
        .map(|d| project.stop_signal(d))
        .chain(processes.iter().map(|p| p.stop_signal()))
        .peekable();
    signals.peek().is_some() && signals.all(fly::is_sigint)
}

/// A drop-in for `tokio::signal::ctrl_c()`: a future of `io::Result<()>` that
/// resolves on Ctrl-C or SIGTERM (Unix).
const CTRL_C_OR_SIGTERM: &str = "async { let mut sigterm = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?; tokio::select! { r = tokio::signal::ctrl_c() => r, _ = sigterm.recv() => Ok(()) } }";
