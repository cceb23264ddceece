//! TF0207 undeclared-system-tool: `Command::new("ffmpeg")` with no Dockerfile installing it.

use std::collections::{HashMap, HashSet};

use crate::model::flow::EventKind;
use crate::model::program::{EventRef, Programs};
use crate::model::project::{CargoFacts, DockerFacts, Project, RunTarget};
use crate::rules::prelude::*;

declare_rule! {
    UndeclaredSystemTool {
        code: "TF0207",
        name: "undeclared-system-tool",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Dockerfile, Cargo],
        summary: "Rust runs a system tool that no Dockerfile of the app installs",
        facts: [Commands, Flow],
    }
}

/// Programs present in every base image that has a shell, or builtins.
const BASE_UTILS: &[&str] = &[
    "sh", "bash", "env", "echo", "cat", "ls", "cp", "mv", "rm", "mkdir", "rmdir", "chmod", "chown",
    "kill", "true", "false", "test", "sleep", "date", "uname", "id", "whoami", "hostname", "grep",
    "sed", "awk", "head", "tail", "sort", "tar", "gzip", "gunzip", "touch", "ln", "pwd", "sync",
    "df", "du", "ps", "which", "xargs", "tee", "wc", "cut", "tr", "printf", "find", "stat",
    "nproc",
];

/// Tools whose package has another name; a name ending in `*` stands for every package
/// it starts (`openjdk*`: `openjdk-21-jre-headless`, `openjdk17`).
const TOOL_PACKAGES: &[(&str, &[&str])] = &[
    (
        "psql",
        &[
            "postgresql-client",
            "postgresql",
            "postgresql15-client",
            "postgresql16-client",
            "libpq",
            "postgres",
        ],
    ),
    ("pg_dump", &["postgresql-client", "postgresql", "postgres"]),
    (
        "pg_restore",
        &["postgresql-client", "postgresql", "postgres"],
    ),
    (
        "convert",
        &["imagemagick", "graphicsmagick-imagemagick-compat"],
    ),
    ("magick", &["imagemagick"]),
    ("identify", &["imagemagick"]),
    ("ffprobe", &["ffmpeg"]),
    ("ssh", &["openssh-client", "openssh", "openssh-clients"]),
    ("scp", &["openssh-client", "openssh", "openssh-clients"]),
    (
        "mysql",
        &[
            "default-mysql-client",
            "mysql-client",
            "mariadb-client",
            "mariadb",
        ],
    ),
    (
        "mysqldump",
        &["default-mysql-client", "mysql-client", "mariadb-client"],
    ),
    ("redis-cli", &["redis-tools", "redis"]),
    ("gs", &["ghostscript"]),
    ("pdftotext", &["poppler-utils"]),
    ("pdftoppm", &["poppler-utils"]),
    ("tesseract", &["tesseract-ocr"]),
    ("node", &["nodejs"]),
    ("python", &["python3", "python"]),
    (
        "java",
        &[
            "default-jre",
            "default-jre-headless",
            "default-jdk*",
            "openjdk*",
            "temurin-*",
            "eclipse-temurin",
            "amazoncorretto",
            "corretto",
        ],
    ),
    ("gpg", &["gnupg", "gnupg2"]),
    ("aws", &["awscli"]),
    ("docker", &["docker-ce-cli", "docker.io", "docker-cli"]),
    ("sqlite3", &["sqlite", "sqlite3"]),
    ("chromium", &["chromium", "chromium-browser"]),
    ("dig", &["dnsutils", "bind-tools"]),
];

impl Check for UndeclaredSystemTool {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        if project.production_dockerfiles().next().is_none() {
            // Nothing declares the runtime (a buildpack, a Procfile platform, only dev
            // containers): the rule cannot tell what it provides.
            return;
        }
        let own_binaries: Vec<&str> = project
            .cargo
            .iter()
            .flat_map(|c| {
                c.manifest
                    .package
                    .iter()
                    .map(|p| p.0.as_str())
                    .chain(c.manifest.bins.iter().map(String::as_str))
            })
            .collect();
        // The stages production builds run, per Dockerfile, worked out once.
        let mut run_targets: HashMap<&str, Vec<&RunTarget>> = HashMap::new();
        let mut reach = Reached::default();
        for usage in &project.commands {
            let tool = usage
                .tool
                .rsplit('/')
                .next()
                .unwrap_or(&usage.tool)
                .to_ascii_lowercase();
            if tool.is_empty()
                || BASE_UTILS.contains(&tool.as_str())
                || own_binaries.contains(&tool.as_str())
                || project.python_console_scripts().contains(&tool)
                || tool == "cargo"
            {
                continue;
            }
            if project
                .crate_of(&usage.location.path)
                .is_some_and(|c| c.is_tooling())
            {
                continue;
            }
            // The usage's crate and its dependents that a production image builds: a
            // dependent no image builds (a server run on a host) runs nothing in one.
            let runners: Vec<(&CargoFacts, Vec<&DockerFacts>)> = project
                .crate_of(&usage.location.path)
                .map_or_else(Vec::new, |krate| project.with_dependents(krate))
                .into_iter()
                .map(|c| (c, project.production_dockerfiles_for(c)))
                .filter(|(_, images)| !images.is_empty())
                .collect();
            let names: HashSet<String> = runners
                .iter()
                .flat_map(|(c, _)| c.lowercase_names())
                .collect();
            let mut images: Vec<&DockerFacts> = runners
                .iter()
                .flat_map(|(_, images)| images.iter().copied())
                .collect();
            let runners: Vec<&CargoFacts> = runners.into_iter().map(|(c, _)| c).collect();
            images.sort_by(|a, b| a.path.cmp(&b.path));
            images.dedup_by(|a, b| a.path == b.path);
            let targets: Vec<(&DockerFacts, &RunTarget)> = images
                .into_iter()
                .flat_map(|d| {
                    let run = run_targets
                        .entry(d.path.as_str())
                        .or_insert_with(|| project.run_targets(d));
                    Project::targets_running(run.clone(), &names)
                        .into_iter()
                        .map(move |t| (d, t))
                })
                .collect();
            // No production image is known to run this code (a CLI for developers'
            // machines, a library no deployed binary links): nothing to judge it by.
            if targets.is_empty() || targets.iter().any(|(_, t)| provides(t, &tool)) {
                continue;
            }
            let run: HashSet<&str> = targets
                .iter()
                .flat_map(|(_, t)| t.provides.iter().map(String::as_str))
                .collect();
            if let Some(program) = cx.program()
                && !reached(program, &runners, &usage.location, &run, &mut reach)
            {
                continue;
            }
            let d = cx.report(
                usage.location.clone(),
                format!("runs `{tool}`, which no Dockerfile of this app installs in its runtime stage"),
                format!("install `{tool}` in the final image (e.g. `RUN apt-get install -y {}`) or use a Rust crate instead of the system tool", packages_for(&tool)),
            );
            for (df, target) in targets {
                if let Some(stage) = df.stages.get(target.stage) {
                    let which = stage.alias.as_ref().map_or_else(
                        || "the runtime stage".to_string(),
                        |a| format!("stage `{a}`"),
                    );
                    d.with_related(
                        stage.location.clone(),
                        format!("{which} of `{}` does not provide `{tool}`", df.path),
                    );
                }
            }
        }
    }
}

/// The events the image's binaries of each crate reach, by (crate path, binary names).
type Reached = HashMap<(String, Vec<String>), HashSet<EventRef>>;

/// Whether a binary the image runs may start the program at `at`. The call graph
/// decides when the crates `runners` (the usage's crate and its dependents that an
/// image builds) hold a `Command::new` on that line: it runs when a binary of theirs
/// that the image runs (those `run` names; all of them when it names none) reaches it
/// through calls that resolve. Otherwise (a macro such as `cmd!`, a call the flow facts
/// do not hold) it is taken to run.
fn reached(
    program: &dyn Programs,
    runners: &[&CargoFacts],
    at: &Location,
    run: &HashSet<&str>,
    memo: &mut Reached,
) -> bool {
    let scopes: Vec<_> = runners
        .iter()
        .map(|&r| {
            let scope = program.scope(r);
            (scope, scope.binaries())
        })
        .collect();
    let named = scopes
        .iter()
        .flat_map(|(_, bins)| bins)
        .any(|b| run.contains(b.name.as_str()));
    let mut known = false;
    for (scope, bins) in &scopes {
        let sites: Vec<EventRef> = scope
            .events_in(&at.path, EventKind::RunsProgram)
            .filter(|&e| scope.event_at(e).start.line == at.start.line)
            .collect();
        if sites.is_empty() {
            continue;
        }
        known = true;
        let chosen: Vec<_> = bins
            .iter()
            .filter(|b| !named || run.contains(b.name.as_str()))
            .collect();
        let key = (
            scope.krate.path.clone(),
            chosen.iter().map(|b| b.name.clone()).collect(),
        );
        let events = memo
            .entry(key)
            .or_insert_with(|| scope.reached_events(&chosen));
        if sites.iter().any(|e| events.contains(e)) {
            return true;
        }
    }
    !known
}

fn provides(target: &RunTarget, tool: &str) -> bool {
    let packages = TOOL_PACKAGES
        .iter()
        .find(|(t, _)| *t == tool)
        .map_or(&[][..], |(_, p)| *p);
    target.provides.iter().any(|p| {
        p == tool
            || packages.iter().any(|&pkg| match pkg.strip_suffix('*') {
                Some(prefix) => p.starts_with(prefix),
                None => p == pkg,
            })
            || p.starts_with(&format!("{tool}-"))
            || p.contains(tool)
    })
}

fn packages_for(tool: &str) -> &str {
    TOOL_PACKAGES
        .iter()
        .find(|(t, _)| *t == tool)
        .map_or(tool, |(_, p)| p[0])
}
