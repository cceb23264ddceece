//! TF0503 fetch-at-runtime: a container start command that downloads code or binaries.

use crate::model::source::launch::Origin;
use crate::parse::shell::{Command, SHELLS, Sep};
use crate::rules::prelude::*;

declare_rule! {
    FetchAtRuntime {
        code: "TF0503",
        name: "fetch-at-runtime",
        factor: 5,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml, Shell],
        summary: "`git clone`, `curl -o`, `wget` of code or binaries when the container starts",
    }
}

/// Programs other than shells that run what a download pipes into them.
const INTERPRETERS: &[&str] = &["python", "python3", "perl", "ruby", "node", "busybox"];
/// Programs that unpack what a download pipes into them.
const UNPACKERS: &[&str] = &["tar", "unzip", "gunzip", "zcat", "bsdtar"];

impl Check for FetchAtRuntime {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for l in file.launches().iter().filter(|l| !l.dev) {
            let cmds = l.commands();
            for (i, cmd) in cmds.iter().enumerate() {
                let Some(fetch) = fetch(cmds, i) else {
                    continue;
                };
                // Piping a script into a shell from an entrypoint script is TF0205's finding.
                if l.origin == Origin::Script && fetch.piped_to_shell {
                    continue;
                }
                cx.report(
                    file.loc(l.command_span(cmd)),
                    format!(
                        "{} fetches code at start (`{}`): what runs is decided at run time, not by the release",
                        l.what(),
                        fetch.step
                    ),
                    "download and verify it in a `RUN` step of the image build (or `COPY` it from a build stage), so every container of a release runs the same bits",
                );
            }
        }
    }
}

/// A download found in a start command.
struct Fetch {
    step: String,
    piped_to_shell: bool,
}

/// The download command `cmds[i]` performs, if it saves or runs what it fetches.
fn fetch(cmds: &[Command], i: usize) -> Option<Fetch> {
    let cmd = &cmds[i];
    let (at, program) = cmd.program()?;
    let args: Vec<&str> = cmd.words[at + 1..]
        .iter()
        .map(|(w, _)| w.as_str())
        .collect();
    let consumer = (cmd.sep == Sep::Pipe)
        .then(|| cmds.get(i + 1).and_then(|n| n.program()).map(|(_, p)| p))
        .flatten();
    let piped_to_shell = consumer.is_some_and(|p| SHELLS.contains(&p) || INTERPRETERS.contains(&p));
    let consumer = consumer.filter(|p| piped_to_shell || UNPACKERS.contains(p));
    let redirected = args.iter().any(|a| a.starts_with('>'));
    let step = match program {
        "git" => {
            let sub = args.iter().find(|a| !a.starts_with('-'))?;
            matches!(*sub, "clone" | "pull" | "fetch" | "submodule")
                .then(|| format!("git {sub}"))?
        }
        "curl" => {
            let saves = args.iter().any(|a| {
                matches!(
                    *a,
                    "-O" | "--remote-name" | "--remote-name-all" | "--output" | "-o"
                ) || a.starts_with("--output=")
                    || (a.starts_with('-')
                        && !a.starts_with("--")
                        && (a.ends_with('o') || a.ends_with('O')))
            });
            (saves || redirected || consumer.is_some()).then(|| "curl".to_string())?
        }
        "wget" => {
            let spider = args.contains(&"--spider");
            let to_stdout = args
                .windows(2)
                .any(|w| matches!(w[0], "-O" | "-qO" | "--output-document") && w[1] == "-")
                || args
                    .iter()
                    .any(|a| *a == "-O-" || *a == "-qO-" || *a == "--output-document=-");
            let fetches = !spider && (!to_stdout || redirected || consumer.is_some());
            fetches.then(|| "wget".to_string())?
        }
        _ => return None,
    };
    Some(Fetch {
        step,
        piped_to_shell,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell::commands;

    fn found(s: &str) -> Vec<String> {
        let cmds = commands(s);
        (0..cmds.len())
            .filter_map(|i| fetch(&cmds, i))
            .map(|f| f.step)
            .collect()
    }

    #[test]
    fn recognizes_downloads() {
        assert_eq!(
            found("git clone https://x/y.git /app && /app/run"),
            ["git clone"]
        );
        assert_eq!(
            found("curl -fsSLo /bin/tool https://x/tool && tool"),
            ["curl"]
        );
        assert_eq!(found("curl -sL https://x/a.tgz | tar xz"), ["curl"]);
        assert_eq!(
            found("wget https://x/app.jar && java -jar app.jar"),
            ["wget"]
        );
        assert!(found("until curl -sf http://db:8080/health; do sleep 1; done").is_empty());
        assert!(found("wget --spider -q http://api/health").is_empty());
        assert!(found("wget -qO- http://api/health").is_empty());
        assert!(found("git --version").is_empty());
    }
}
