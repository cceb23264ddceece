//! Config files deployed as written: a TOML or YAML file that a production Dockerfile's
//! runtime stage copies (`COPY`/`ADD` naming the file or its directory, also from an
//! earlier stage), and the default `values.yaml` of a Helm chart. What they hold is what
//! runs unless each deploy overrides it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::diagnostic::Location;
use crate::model::project::Project;
use crate::model::role::Role;
use crate::model::source::FileKind;

/// A config file deployed as written, and what deploys it.
pub struct DeployedConfig<'p> {
    pub path: &'p str,
    /// The `COPY` or the chart's `Chart.yaml`.
    pub by: Location,
    /// How `by` deploys the file, for the related location's message.
    pub how: &'static str,
}

/// Every production TOML or YAML file that is deployed as written, sorted by path.
pub fn deployed_configs(project: &Project) -> Vec<DeployedConfig<'_>> {
    let file = |path: &str| {
        project
            .files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &project.files[i])
    };
    let production = |path: &str| file(path).is_some_and(|f| f.role.role == Role::Production);
    let configs: BTreeSet<&str> = project
        .files
        .iter()
        .filter(|f| matches!(f.kind, FileKind::Toml | FileKind::Yaml))
        .filter(|f| f.role.role == Role::Production)
        .map(|f| f.path.as_str())
        .collect();
    let mut found: BTreeMap<&str, DeployedConfig<'_>> = BTreeMap::new();
    for docker in project.dockerfiles.iter().filter(|d| production(&d.path)) {
        for (sources, at) in &docker.copies {
            for source in sources {
                for path in copied(&configs, docker.dir(), source) {
                    found.entry(path).or_insert_with(|| DeployedConfig {
                        path,
                        by: at.clone(),
                        how: "copied into the image here",
                    });
                }
            }
        }
    }
    for path in &configs {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let chart = join(dir, "Chart.yaml");
        if name == "values.yaml" && file(&chart).is_some() {
            found.entry(path).or_insert_with(|| DeployedConfig {
                path,
                by: Location::file(&chart),
                how: "the chart deploys these default values unless overridden",
            });
        }
    }
    found.into_values().collect()
}

/// The config files a `COPY` source names: the file or a directory holding it, relative to
/// the build context (the Dockerfile's directory or the repository root), or, for an
/// absolute path copied from an earlier stage, the file its path ends with. The whole
/// context (`.`) and globs name nothing in particular and are not followed.
fn copied<'c>(configs: &BTreeSet<&'c str>, dir: &str, source: &str) -> Vec<&'c str> {
    let source = source.trim_start_matches("./").trim_end_matches('/');
    if source.is_empty()
        || source == "."
        || source.contains("://")
        || source.contains(['*', '?', '[', '$'])
    {
        return Vec::new();
    }
    if source.starts_with('/') {
        return source
            .match_indices('/')
            .filter_map(|(i, _)| configs.get(&source[i + 1..]).copied())
            .take(1)
            .collect();
    }
    let mut out = Vec::new();
    for context in [dir, ""] {
        let named = join(context, source);
        if let Some(path) = configs.get(named.as_str()) {
            out.push(*path);
        }
        let prefix = format!("{named}/");
        out.extend(
            configs
                .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
                .take_while(|p| p.starts_with(&prefix))
                .copied(),
        );
    }
    out.sort_unstable();
    out.dedup();
    out
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_name_files_and_directories() {
        let configs: BTreeSet<&str> = [
            "configuration/base.yaml",
            "configuration/production.yaml",
            "config/default.toml",
            "app/settings.toml",
            "other.toml",
        ]
        .into_iter()
        .collect();
        assert_eq!(
            copied(&configs, "", "configuration"),
            ["configuration/base.yaml", "configuration/production.yaml"]
        );
        assert_eq!(
            copied(&configs, "", "/src/config/default.toml"),
            ["config/default.toml"]
        );
        assert_eq!(
            copied(&configs, "app", "settings.toml"),
            ["app/settings.toml"]
        );
        assert_eq!(
            copied(&configs, "app", "./settings.toml"),
            ["app/settings.toml"]
        );
        assert!(copied(&configs, "", ".").is_empty());
        assert!(copied(&configs, "", "*.toml").is_empty());
        assert!(copied(&configs, "", "/src/target/release/app").is_empty());
        assert!(copied(&configs, "", "config/default.toml.bak").is_empty());
    }
}
