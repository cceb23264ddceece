//! TF0903 shell-form-entrypoint: a Dockerfile start command whose PID 1 is a shell.

use crate::launch::Origin;
use crate::rules::{Check, Ctx};
use crate::source::SourceFile;

declare_rule! {
    ShellFormEntrypoint {
        code: "TF0903",
        name: "shell-form-entrypoint",
        factor: 9,
        severity: Warning,
        kinds: [Dockerfile],
        summary: "Dockerfile `CMD`/`ENTRYPOINT` in shell form (PID 1 is `/bin/sh`, SIGTERM is not forwarded) without `exec`",
    }
}

impl Check for ShellFormEntrypoint {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let launches = file.launches();
        let exec_entrypoint = launches
            .iter()
            .any(|l| l.keyword == "ENTRYPOINT" && l.exec_form && !l.shell_wrapped);
        for l in launches.iter().filter(|l| l.origin == Origin::Dockerfile) {
            // With an exec-form ENTRYPOINT, CMD only supplies its arguments.
            if l.keyword == "CMD" && exec_entrypoint {
                continue;
            }
            if (l.exec_form && !l.shell_wrapped) || l.starts_with_exec() {
                continue;
            }
            let how = if l.exec_form {
                "runs its command through `sh -c`"
            } else {
                "is in shell form"
            };
            cx.report(
                file.loc(l.span.clone()),
                format!("`{}` {how}: PID 1 is the shell, which does not pass SIGTERM on, so the app is killed without a graceful shutdown", l.keyword),
                "use the exec form (`CMD [\"/usr/local/bin/app\", \"serve\"]`), or start the script with `exec` so the app replaces the shell",
            );
        }
    }
}
