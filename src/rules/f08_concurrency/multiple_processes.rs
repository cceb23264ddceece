//! TF0803 multiple-processes-per-container: process supervisors, `&` backgrounding
//! or `service x start && …` in a container's start command.

use crate::model::source::launch::Origin;
use crate::parse::shell::{Command, Sep};
use crate::rules::prelude::*;

declare_rule! {
    MultipleProcesses {
        code: "TF0803",
        name: "multiple-processes-per-container",
        factor: 8,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml, Shell],
        summary: "supervisord/s6/runit, `&` backgrounding or `service x start &&` in a start command",
    }
}

/// Process supervisors that run several long-lived programs in one container.
const SUPERVISORS: &[&str] = &[
    "supervisord",
    "s6-svscan",
    "runsvdir",
    "runit",
    "circusd",
    "honcho",
    "foreman",
    "overmind",
    "hivemind",
];
/// Commands that follow a backgrounded job without starting another process.
const HOUSEKEEPING: &[&str] = &[
    "wait", "trap", "echo", "printf", "true", "exit", "kill", "sleep",
];

impl Check for MultipleProcesses {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        // s6-overlay installs `/init` as the supervisor.
        let s6_overlay = file.text.contains("s6-overlay");
        for l in file.launches().iter().filter(|l| !l.dev && !l.init) {
            let cmds = l.commands();
            for (i, cmd) in cmds.iter().enumerate() {
                let Some((at, program)) = cmd.program() else {
                    continue;
                };
                let why = if SUPERVISORS.contains(&program)
                    || (program == "init" && s6_overlay && l.origin == Origin::Dockerfile)
                {
                    format!("starts the process supervisor `{program}`")
                } else if let Some(service) = starts_service(cmd, at, program)
                    && i + 1 < cmds.len()
                {
                    format!("starts the `{service}` service and then another process")
                } else if cmd.sep == Sep::Background
                    // `app & pid=$!; trap …; wait $pid` keeps one process in charge.
                    && !cmds[i + 1..].iter().any(|c| c.program().is_some_and(|(_, p)| p == "wait"))
                    && cmds[i + 1..]
                        .iter()
                        .any(|c| c.program().is_some_and(|(_, p)| !HOUSEKEEPING.contains(&p)))
                {
                    format!("runs `{program}` in the background next to another process")
                } else {
                    continue;
                };
                cx.report(
                    file.loc(l.command_span(cmd)),
                    format!("{} {why}: one container, several processes", l.what()),
                    "run one process per container and scale each process type on its own (separate containers, compose services or Deployments); the platform, not a supervisor, restarts them",
                );
            }
        }
    }
}

/// The service a `service x start`, `/etc/init.d/x start`, `rc-service x start` or
/// `systemctl start x` command starts.
fn starts_service(cmd: &Command, at: usize, program: &str) -> Option<String> {
    let args: Vec<&str> = cmd.words[at + 1..]
        .iter()
        .map(|(w, _)| w.as_str())
        .collect();
    let invoked = cmd.words[at].0.as_str();
    match (program, args.as_slice()) {
        ("service" | "rc-service", [name, "start", ..]) => Some(name.to_string()),
        ("systemctl", ["start", name, ..]) => Some(name.to_string()),
        (name, ["start", ..]) if invoked.starts_with("/etc/init.d/") => Some(name.to_string()),
        _ => None,
    }
}
