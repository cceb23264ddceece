//! Compose files that test scripts run. A stack that a test script brings up
//! (`scripts/test/decommission.sh` running `docker compose -f docker-compose.decommission.yml`,
//! or `integration-test.sh` running `docker-compose up` beside its `docker-compose.yml`)
//! is a test environment, whatever its name. The main compose file, a default name at the
//! repository root, keeps its role: a test script may smoke-test the real deployment.

use std::collections::HashSet;

use crate::model::pipelines::names_path;
use crate::model::project::Project;
use crate::model::role::{Decision, Role};
use crate::model::source::{FileKind, read_regular_prefix};

/// The most bytes of one test script that are read.
const MAX_SCRIPT_BYTES: u64 = 256 * 1024;

/// The file names `docker compose` finds without `-f`.
const DEFAULT_NAMES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// The production compose files (path → decision) that a test script runs.
pub fn test_run_compose_files(project: &Project) -> Vec<(String, Decision)> {
    let compose: HashSet<&str> = project
        .containers
        .iter()
        .filter(|c| !c.kubernetes && project.role_of(&c.path) == Some(Role::Production))
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
                .then_some((path.as_str(), text))
        })
        .collect();
    let mut out: Vec<(String, Decision)> = compose
        .into_iter()
        .filter_map(|path| {
            let (script, _) = scripts
                .iter()
                .find(|(script, text)| runs(script, text, path))?;
            Some((
                path.to_string(),
                Decision {
                    role: Role::Test,
                    signal: format!("the test script `{script}` runs it"),
                },
            ))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// True when the script at `script` with `text` runs the compose file at `compose`: it
/// names the file, or, for a default name, sits in its directory and runs compose there
/// without naming another file.
fn runs(script: &str, text: &str, compose: &str) -> bool {
    let (dir, name) = compose.rsplit_once('/').unwrap_or(("", compose));
    if !DEFAULT_NAMES.contains(&name) {
        // `${COMPOSE_FILE:-docker-compose.e2e.yml}`: a default value follows `:-`.
        return names_path(text, name) || names_path(&text.replace(":-", ":"), name);
    }
    let script_dir = script.rsplit_once('/').map_or("", |(d, _)| d);
    script_dir == dir && !text.contains("compose -f") && !text.contains("compose --file")
}

#[cfg(test)]
mod tests {
    use super::runs;

    #[test]
    fn a_script_runs_the_file_it_names_or_the_default_beside_it() {
        let named = "COMPOSE_FILE=\"${COMPOSE_FILE:-docker-compose.decommission.yml}\"\ndocker compose -f \"$COMPOSE_FILE\" up -d\n";
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
