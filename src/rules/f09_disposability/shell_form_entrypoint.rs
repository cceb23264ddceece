//! TF0903 shell-form-entrypoint: a Dockerfile start command whose PID 1 is a shell, or a
//! supervised service's `run` script that starts its program without `exec`.

use crate::model::image_shell::{self, Sh};
use crate::model::source::is_service_run_script;
use crate::model::source::launch::{Launch, Origin};
use crate::parse::shell::{self, Sep};
use crate::rules::prelude::*;

declare_rule! {
    ShellFormEntrypoint {
        code: "TF0903",
        name: "shell-form-entrypoint",
        factor: 9,
        severity: Warning,
        stability: Stable,
        since: "0.1.0",
        kinds: [Dockerfile, Shell],
        summary: "Dockerfile `CMD`/`ENTRYPOINT` in shell form (PID 1 is `/bin/sh`, SIGTERM is not forwarded) without `exec`, and s6 or runit service `run` scripts that start their program without `exec`",
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
        if file.kind == FileKind::Shell {
            run_script(file, cx);
            return;
        }
        // An image built on a backing service's (`FROM redis`) runs that service, whose
        // shutdown is its vendor's, not the app's.
        if file
            .dockerfile()
            .is_some_and(|df| df.runtime_backing_service().is_some())
        {
            return;
        }
        let base = file.dockerfile().and_then(|df| df.runtime_base());
        let image_sh = base.as_deref().and_then(image_shell::of_image);
        let launches = file.launches();
        let entrypoint = launches
            .iter()
            .find(|l| l.origin == Origin::Dockerfile && l.keyword == "ENTRYPOINT");
        for l in launches.iter().filter(|l| l.origin == Origin::Dockerfile) {
            if (l.exec_form && !l.shell_wrapped()) || l.hands_over_with_exec() {
                continue;
            }
            // Only a shell known to stay the app's parent is reported: BusyBox ash and
            // bash replace themselves with a plain last command.
            let sh = l
                .shell
                .as_deref()
                .and_then(|p| image_shell::of_program(p, image_sh));
            if image_shell::replaces_itself(sh, &l.text, l.commands()) != Some(false) {
                continue;
            }
            let how = if l.exec_form {
                "runs its command through `sh -c`"
            } else {
                "is in shell form"
            };
            let shell = match (sh, &base) {
                (Some(Sh::Dash), Some(base)) => format!("the shell (`dash` in `{base}`)"),
                (Some(sh), _) => format!("the shell (`{}`)", sh.name()),
                (None, _) => "the shell".to_string(),
            };
            let message = match entrypoint.filter(|_| l.keyword == "CMD") {
                // Docker appends a shell-form CMD as `/bin/sh -c "…"` to an exec-form
                // ENTRYPOINT. One that runs its arguments starts that shell, which gets
                // SIGTERM in the app's place; an app ENTRYPOINT only gets odd arguments, and
                // a shell-form ENTRYPOINT ignores CMD (and is reported itself).
                Some(e) if e.runs_its_arguments() => format!(
                    "`CMD` is in shell form: Docker runs `{} /bin/sh -c …`, so {shell}, which does not pass SIGTERM on, stands between `ENTRYPOINT` and the app, and the app is killed without a graceful shutdown",
                    e.text
                ),
                Some(_) => continue,
                None => format!(
                    "`{}` {how}: PID 1 is {shell}, which does not pass SIGTERM on, so the app is killed without a graceful shutdown",
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

/// A container's entrypoint script (`docker-entrypoint.sh`, `scheduler-entrypoint.sh`) or
/// a supervised service's `run` script whose last command starts the program as a child
/// of the shell: the container runtime or the supervisor signals the shell, which does
/// not pass SIGTERM on. Only a plain last command is judged (not control flow, a
/// background job, the end of a pipeline, `wait` or `exit`).
fn run_script(file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
    let (what, why, whose) = if is_service_run_script(file.path) {
        (
            "the service's `run` script",
            "the supervisor signals the shell, which does not pass SIGTERM on",
            "the supervisor's",
        )
    } else {
        (
            "the entrypoint script",
            "the shell stays the container's main process and does not pass SIGTERM on",
            "the container's",
        )
    };
    let shebang = file.text.lines().next().unwrap_or_default();
    let interpreter = shebang.strip_prefix("#!").unwrap_or_default();
    if !interpreter
        .split_whitespace()
        .any(|w| matches!(w.rsplit('/').next(), Some("sh" | "bash" | "ash" | "dash")))
    {
        return;
    }
    // A script's one launch is the whole file.
    let commands = file.launches().first().map_or(&[][..], |l| l.commands());
    // (`final_commands` already starts each command after a leading `then`/`else`/`do`.)
    let control = [
        "exec", "fi", "done", "esac", "}", ")", "wait", "exit", "return",
    ];
    let finals = shell::final_commands(commands);
    // A script that ends in an `if`: a branch is judged when another branch `exec`s the
    // same program (`/app/stump` here, `exec su app -s /app/stump` there), so the
    // branches differ only in whether the program replaces the shell. Branches chosen
    // by the script's arguments (`if [ "$1" = version ]`) are modes, some of them
    // one-shot, and are left alone.
    let branched = shell::trailing_if(commands).map(|start| {
        commands[start..].iter().any(|c| {
            matches!(c.words.first(), Some((w, _)) if w == "if" || w == "elif")
                && c.words.iter().any(|(w, _)| tests_arguments(w))
        })
    });
    let execs = |program: &str| {
        finals.iter().any(|&(k, lead)| {
            let words = &commands[k].words[lead..];
            words.first().is_some_and(|(w, _)| w == "exec")
                && words.iter().any(|(w, _)| w == program)
        })
    };
    for &(k, lead) in &finals {
        let last = &commands[k];
        let (Some((first, at)), Some((_, end))) = (last.words.get(lead), last.words.last()) else {
            continue;
        };
        let piped = k > 0 && commands[k - 1].sep == Sep::Pipe;
        if control.contains(&first.as_str())
            || first.contains('=')
            || last.sep == Sep::Background
            || piped
            || branched.is_some_and(|by_arguments| by_arguments || !execs(first))
        {
            continue;
        }
        let start = at.start;
        let program = first.rsplit('/').next().unwrap_or(first);
        // `app &` then `sleep infinity`: the program is the job in the background, and
        // `exec sleep` would not help it; it has to run last, in the foreground.
        let job = matches!(program, "sleep" | "tail")
            .then(|| {
                commands[..k]
                    .iter()
                    .rev()
                    .find(|c| c.sep == Sep::Background)
            })
            .flatten()
            .and_then(|c| {
                Some((
                    c.program()?.1,
                    c.words.first()?.1.start,
                    c.words.last()?.1.end,
                ))
            });
        if let Some((job, from, to)) = job {
            let job = job.rsplit('/').next().unwrap_or(job);
            cx.report(
                file.loc(from..to),
                format!(
                    "{what} runs `{job}` in the background and then waits in `{program}`: {why}, so `{job}` is killed without a graceful shutdown"
                ),
                format!("run `{job}` last, in the foreground, with `exec`, so it replaces the shell and receives {whose} signals"),
            )
            .unless_only_backing_images_start_it()
            .with_related(file.loc(start..end.end), format!("the shell then waits in `{program}`"));
            continue;
        }
        cx.report(
            file.loc(start..end.end),
            format!(
                "{what} starts `{program}` without `exec`: {why}, so `{program}` is killed without a graceful shutdown"
            ),
            format!("start the program with `exec` so it replaces the shell and receives {whose} signals"),
        )
        .unless_only_backing_images_start_it()
        .with_fix(
            "start it with `exec`",
            vec![Edit {
                location: file.loc(start..start),
                replacement: "exec ".to_string(),
            }],
        );
    }
}

/// True when a shell word reads the script's arguments (`$1`, `${2}`, `$@`, `$*`, `$#`).
fn tests_arguments(word: &str) -> bool {
    word.match_indices('$').any(|(i, _)| {
        let rest = word[i + 1..].trim_start_matches('{');
        rest.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '@' | '*' | '#'))
    })
}
