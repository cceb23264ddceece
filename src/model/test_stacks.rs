//! Compose files that test scripts run. A stack that a test script brings up
//! (`scripts/test/decommission.sh` running `docker compose -f docker-compose.decommission.yml`,
//! or `integration-test.sh` running `docker-compose up` beside its `docker-compose.yml`)
//! is a test environment, whatever its name, and so is a base file that the pipelines only
//! run layered under a test stack (`-f docker-compose.postgres.yaml -f
//! docker-compose.e2e.postgres.yaml`). The main compose file, a default name at the
//! repository root, keeps its role: a test script may smoke-test the real deployment.

use std::collections::HashSet;

use crate::model::pipelines::{continued_lines, names_path};
use crate::model::project::Project;
use crate::model::role::{self, Decision, Role};
use crate::model::source::{FileKind, read_regular_prefix};
use crate::parse::shell::flag_values;

/// The most bytes of one test script that are read.
const MAX_SCRIPT_BYTES: u64 = 256 * 1024;

/// The file names `docker compose` finds without `-f`.
const DEFAULT_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The production compose files (path → decision) that a test script runs or that pipelines
/// run only under a test stack.
pub fn test_run_compose_files(project: &Project) -> Vec<(String, Decision)> {
    let compose: HashSet<&str> = project
        .containers
        .iter()
        .filter(|c| !c.kubernetes && project.is_production(&c.path))
        .map(|c| c.path.as_str())
        .filter(|path| !DEFAULT_NAMES.contains(path))
        .collect();
    if compose.is_empty() {
        return Vec::new();
    }
    let linted = project
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Shell && f.role.role == Role::Test)
        .map(|f| &f.path);
    let scripts: Vec<(&str, String)> = linted
        .chain(&project.test_scripts)
        .filter_map(|path| {
            let text = read_regular_prefix(&project.root.join(path), MAX_SCRIPT_BYTES)?;
            (text.contains("docker-compose") || text.contains("docker compose"))
                .then(|| (path.as_str(), script_text(&text)))
        })
        .collect();
    let pipelines = commands_by_file(project.pipelines().texts());
    let mut out: Vec<(String, Decision)> = compose
        .into_iter()
        .filter_map(|path| {
            let signal = match scripts
                .iter()
                .find(|(script, text)| runs(script, text, path))
            {
                Some((script, _)) => format!("the test script `{script}` runs it"),
                None => {
                    let (file, stack) = only_under_test_stacks(&pipelines, path)?;
                    format!("`{file}` runs it only together with the test stack `{stack}`")
                }
            };
            Some((
                path.to_string(),
                Decision {
                    role: Role::Test,
                    signal,
                },
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// A script's text as [`runs`] reads it: the default of `${COMPOSE_FILE:-docker-compose.e2e.yml}`
/// follows `:-`, whose `-` would otherwise join the file name.
fn script_text(raw: &str) -> String {
    raw.replace(":-", ":")
}

/// True when the script at `script` with `text` ([`script_text`]) runs the compose file at
/// `compose`: it names the file, or, for a default name, sits in its directory and runs
/// compose there without naming another file.
fn runs(script: &str, text: &str, compose: &str) -> bool {
    let (dir, name) = compose.rsplit_once('/').unwrap_or(("", compose));
    if !DEFAULT_NAMES.contains(&name) {
        return names_path(text, name);
    }
    let script_dir = script.rsplit_once('/').map_or("", |(d, _)| d);
    script_dir == dir && !text.contains("compose -f") && !text.contains("compose --file")
}

/// The compose commands ([`compose_commands`]) of each of the `texts` (path, text).
fn commands_by_file<'t>(
    texts: impl Iterator<Item = (&'t str, &'t str)>,
) -> Vec<(&'t str, Vec<Vec<String>>)> {
    texts
        .map(|(file, text)| (file, compose_commands(text)))
        .collect()
}

/// When every compose command of `commands` ([`commands_by_file`]) that names the compose
/// file at `compose` with `-f` also names a test stack (`-f docker-compose.postgres.yaml
/// -f docker-compose.e2e.postgres.yaml`), and there is at least one: the file holding the
/// first such command and the test stack it names. The file is then a test stack's base.
fn only_under_test_stacks<'t>(
    commands: &[(&'t str, Vec<Vec<String>>)],
    compose: &str,
) -> Option<(&'t str, String)> {
    let mut first = None;
    for (file, file_commands) in commands {
        for files in file_commands {
            if !files.iter().any(|f| names_path(f, compose)) {
                continue;
            }
            let stack = files.iter().find(|f| {
                role::of_path(f.trim_start_matches("./"))
                    .role
                    .is_test_material()
            })?;
            first.get_or_insert((*file, stack.clone()));
        }
    }
    first
}

/// The files (`-f`/`--file`) of each compose command in `text`, lines continued with `\`
/// joined.
fn compose_commands(text: &str) -> Vec<Vec<String>> {
    continued_lines(text)
        .lines()
        .filter(|line| line.contains("compose"))
        .map(|line| {
            let words: Vec<&str> = line.split_whitespace().collect();
            flag_values(&words, &["-f", "--file"])
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|files| !files.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{commands_by_file, only_under_test_stacks, runs, script_text};

    #[test]
    fn a_base_run_only_under_test_stacks() {
        let make = "e2e:\n\tdocker compose \\\n\t\t-f docker/docker-compose.postgres.yaml \\\n\t\t-f docker/docker-compose.e2e.postgres.yaml \\\n\t\tup\none-shot:\n\tdocker compose -f docker/docker-compose.one-shot.yaml up -d\n";
        let texts = || commands_by_file([("Makefile", make)].into_iter());
        assert_eq!(
            only_under_test_stacks(&texts(), "docker/docker-compose.postgres.yaml"),
            Some((
                "Makefile",
                "docker/docker-compose.e2e.postgres.yaml".to_string()
            ))
        );
        assert_eq!(
            only_under_test_stacks(&texts(), "docker/docker-compose.one-shot.yaml"),
            None
        );
        assert_eq!(
            only_under_test_stacks(&texts(), "docker/docker-compose.mysql.yaml"),
            None
        );
        let alone = "start:\n\tdocker compose -f docker/docker-compose.postgres.yaml up\n";
        let both = [("Makefile", make), ("justfile", alone)];
        assert_eq!(
            only_under_test_stacks(
                &commands_by_file(both.into_iter()),
                "docker/docker-compose.postgres.yaml"
            ),
            None
        );
    }

    #[test]
    fn a_script_runs_the_file_it_names_or_the_default_beside_it() {
        let named = &script_text(
            "COMPOSE_FILE=\"${COMPOSE_FILE:-docker-compose.decommission.yml}\"\ndocker compose -f \"$COMPOSE_FILE\" up -d\n",
        );
        assert!(runs(
            "scripts/test/decommission.sh",
            named,
            "docker-compose.decommission.yml"
        ));
        assert!(!runs(
            "scripts/test/decommission.sh",
            named,
            "docker-compose.decommission-extra.yml"
        ));
        let beside = "docker-compose down -v\ndocker-compose up -d\n";
        assert!(runs(
            "connectors/pinot/integration-test.sh",
            beside,
            "connectors/pinot/docker-compose.yml"
        ));
        assert!(!runs(
            "connectors/pinot/integration-test.sh",
            beside,
            "connectors/kafka/docker-compose.yml"
        ));
        let other = "docker compose -f stack.yml up -d\n";
        assert!(!runs(
            "connectors/pinot/integration-test.sh",
            other,
            "connectors/pinot/docker-compose.yml"
        ));
    }
}
