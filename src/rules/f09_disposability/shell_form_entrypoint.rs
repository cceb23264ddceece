//! TF0903 shell-form-entrypoint: a Dockerfile start command whose PID 1 is a shell.

use crate::model::launch::{Launch, Origin, launches};
use crate::rules::prelude::*;

declare_rule! {
    ShellFormEntrypoint {
        code: "TF0903",
        name: "shell-form-entrypoint",
        factor: 9,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile],
        summary: "Dockerfile `CMD`/`ENTRYPOINT` in shell form (PID 1 is `/bin/sh`, SIGTERM is not forwarded) without `exec`",
        fix: Safe,
    }
}

/// The exec form of a shell-form command that means the same without a shell:
/// one simple command of plain words (no variables, globs, redirections,
/// operators or assignments), as a JSON array.
fn exec_form(l: &Launch<'_>) -> Option<String> {
    if l.exec_form
        || l.text.contains([
            '$', '`', '*', '?', '~', '<', '>', '|', '&', ';', '(', ')', '{', '}', '\\', '#', '\n',
        ])
    {
        return None;
    }
    let [cmd] = l.commands() else { return None };
    let words: Vec<&str> = cmd.words.iter().map(|(w, _)| w.as_str()).collect();
    if words.is_empty() || words[0].contains('=') {
        return None;
    }
    serde_json::to_string(&words)
        .ok()
        .map(|j| j.replace("\",\"", "\", \""))
}

impl Check for ShellFormEntrypoint {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let launches = launches(file);
        let entrypoint = launches
            .iter()
            .find(|l| l.origin == Origin::Dockerfile && l.keyword == "ENTRYPOINT");
        for l in launches.iter().filter(|l| l.origin == Origin::Dockerfile) {
            if (l.exec_form && !l.shell_wrapped) || l.starts_with_exec() {
                continue;
            }
            let how = if l.exec_form {
                "runs its command through `sh -c`"
            } else {
                "is in shell form"
            };
            let message = match entrypoint.filter(|_| l.keyword == "CMD") {
                // Docker appends a shell-form CMD as `/bin/sh -c "…"` to an exec-form
                // ENTRYPOINT. One that runs its arguments starts that shell, which gets
                // SIGTERM in the app's place; an app ENTRYPOINT only gets odd arguments, and
                // a shell-form ENTRYPOINT ignores CMD (and is reported itself).
                Some(e) if e.runs_its_arguments() => format!(
                    "`CMD` is in shell form: Docker runs `{} /bin/sh -c …`, so the shell, which does not pass SIGTERM on, stands between `ENTRYPOINT` and the app, and the app is killed without a graceful shutdown",
                    e.text
                ),
                Some(_) => continue,
                None => format!(
                    "`{}` {how}: PID 1 is the shell, which does not pass SIGTERM on, so the app is killed without a graceful shutdown",
                    l.keyword
                ),
            };
            let d = cx.report(
                file.loc(l.span.clone()),
                message,
                "use the exec form (`CMD [\"/usr/local/bin/app\", \"serve\"]`), or start the script with `exec` so the app replaces the shell",
            );
            if let Some(exec) = exec_form(l) {
                let lead = l.text.len() - l.text.trim_start().len();
                let args = l.file_span(lead..l.text.trim_end().len());
                d.with_fix(
                    format!("rewrite `{}` in exec form", l.keyword),
                    vec![Edit {
                        location: file.loc(args),
                        replacement: exec,
                    }],
                );
            }
        }
    }
}
