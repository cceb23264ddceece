//! TF0501 build-at-runtime: a container start command that compiles or installs.

use crate::model::source::launch::{Launch, Origin};
use crate::parse::shell::{self, Command};
use crate::rules::prelude::*;

declare_rule! {
    BuildAtRuntime {
        code: "TF0501",
        name: "build-at-runtime",
        factor: 5,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Yaml, Shell],
        summary: "`CMD`/`ENTRYPOINT`, compose `command` or Kubernetes `command`/`args` builds or installs at start",
    }
}

impl Check for BuildAtRuntime {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        for l in file
            .launches()
            .iter()
            .filter(|l| !l.dev && !is_build_job(l))
        {
            for cmd in l.commands() {
                if let Some(step) = build_step(cmd) {
                    report(cx, file, l, cmd, &step);
                }
            }
        }
    }
}

fn report(cx: &mut Ctx<'_>, file: &SourceFile<'_>, l: &Launch<'_>, cmd: &Command, step: &str) {
    cx.report(
        file.loc(l.command_span(cmd)),
        format!(
            "{} runs `{step}` when the container starts: the build happens at run time, on every start and every replica",
            l.what()
        ),
        "build and install in the image (a `RUN` in a build stage), then start the built artifact; the release must already contain everything it runs",
    );
}

/// True when an image's start (its `CMD`/`ENTRYPOINT` or the entrypoint script they
/// run) ends in a build that runs nothing it builds (`exec cargo build "$@"`,
/// `CMD ["make"]`): a builder image that compiles for whoever runs it, not a service
/// that builds before it serves (`cargo run` runs what it builds). A deployment's own
/// command (compose, Kubernetes, init containers) that builds is still a build at start.
fn is_build_job(l: &Launch<'_>) -> bool {
    if !matches!(l.origin, Origin::Dockerfile | Origin::Script) {
        return false;
    }
    let commands = l.commands();
    let finals = shell::final_commands(commands);
    !finals.is_empty()
        && finals.iter().all(|&(i, _)| {
            build_step(&commands[i])
                .is_some_and(|step| !matches!(step.rsplit(' ').next(), Some("run" | "r" | "watch")))
        })
}

/// The build or install step `cmd` runs, as a short description (`cargo run`, `npm install`).
pub fn build_step(cmd: &Command) -> Option<String> {
    let (at, program) = cmd.program()?;
    let args: Vec<&str> = cmd.words[at + 1..]
        .iter()
        .map(|(w, _)| w.as_str())
        .collect();
    let sub = args
        .iter()
        .copied()
        .find(|a| !a.starts_with('-') && !a.starts_with('+'));
    let step = |s: &str| Some(format!("{program} {s}"));
    match program {
        "cargo" => match sub? {
            s @ ("build" | "b" | "run" | "r" | "install" | "watch" | "rustc") => step(s),
            _ => None,
        },
        "rustc" | "mvn" | "mvnw" | "gradle" | "gradlew" => Some(program.to_string()),
        "npm" | "pnpm" => match sub? {
            s @ ("install" | "i" | "ci" | "rebuild") => step(s),
            "run" if args.iter().any(|a| a.starts_with("build")) => step("run build"),
            _ => None,
        },
        "yarn" => match sub {
            None => Some("yarn".into()),
            Some(s @ ("install" | "build")) => step(s),
            _ => None,
        },
        "pip" | "pip3" | "poetry" | "pipenv" | "bundle" | "gem" | "composer" => match sub? {
            "install" => step("install"),
            _ => None,
        },
        p if p.starts_with("python")
            && args
                .windows(3)
                .any(|w| w[0] == "-m" && w[1].starts_with("pip") && w[2] == "install") =>
        {
            Some("pip install".into())
        }
        "go" | "dotnet" => match sub? {
            s @ ("build" | "run" | "install" | "get" | "publish" | "restore") => step(s),
            _ => None,
        },
        "make" => {
            let targets: Vec<&str> = args
                .iter()
                .copied()
                .filter(|a| !a.starts_with('-') && !a.contains('='))
                .collect();
            let builds = targets.is_empty()
                || targets.iter().any(|t| {
                    matches!(
                        *t,
                        "build" | "all" | "install" | "compile" | "release" | "dist"
                    )
                });
            builds.then(|| format!("make {}", targets.join(" ")).trim_end().to_string())
        }
        _ => shell::installs_of(std::slice::from_ref(cmd))
            .first()
            .map(|i| {
                let verb = if i.manager == "apk" { "add" } else { "install" };
                format!("{} {verb} {}", i.manager, i.package)
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(s: &str) -> Option<String> {
        shell::commands(s).iter().find_map(build_step)
    }

    #[test]
    fn recognizes_build_steps() {
        assert_eq!(
            step("cargo run --release --bin api").as_deref(),
            Some("cargo run")
        );
        assert_eq!(
            step("npm ci && node dist/index.js").as_deref(),
            Some("npm ci")
        );
        assert_eq!(
            step("python3 -m pip install -r req.txt").as_deref(),
            Some("pip install")
        );
        assert_eq!(step("make").as_deref(), Some("make"));
        assert_eq!(
            step("apt-get install -y curl").as_deref(),
            Some("apt install curl")
        );
        assert_eq!(step("make migrate"), None);
        assert_eq!(step("cargo --version"), None);
        assert_eq!(step("npm start"), None);
        assert_eq!(step("./target/release/api"), None);
        assert_eq!(step("go version"), None);
    }
}
