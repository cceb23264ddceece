//! Config files deployed as written: a TOML or YAML file that a production Dockerfile's
//! runtime stage copies (`COPY`/`ADD` naming the file or its directory, also from an
//! earlier stage), that a production crate's system package installs (cargo-deb and
//! cargo-generate-rpm `assets`), and the default `values.yaml` of a Helm chart. What they
//! hold is what runs unless each deploy overrides it.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Bound;

use crate::diagnostic::Location;
use crate::model::project::{DeployedConfig, Project};
use crate::model::role::Role;
use crate::model::source::{self, FileKind, SourceFile, read_regular_prefix};
use crate::parse::text::LineIndex;

/// The largest deployed config file [`DeployedConfig::read`] reads.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

impl DeployedConfig {
    /// Read and parse the file again and give it to `read`: `None` when it is no longer
    /// linted, is larger than [`MAX_CONFIG_BYTES`] or does not parse. A symbolic link is
    /// not followed: it could point outside the repository.
    pub fn read<R>(&self, project: &Project, read: impl FnOnce(&SourceFile<'_>) -> R) -> Option<R> {
        let i = project
            .files
            .binary_search_by(|f| f.path.cmp(&self.path))
            .ok()?;
        let kind = project.files[i].kind;
        let text = read_regular_prefix(&project.root.join(&self.path), MAX_CONFIG_BYTES + 1)
            .filter(|t| t.len() as u64 <= MAX_CONFIG_BYTES)?;
        let lines = LineIndex::new(&text);
        let parsed = source::parse(kind, &self.path, &text, &lines).ok()?;
        Some(read(&SourceFile::new(
            &self.path, kind, &text, &lines, &parsed,
        )))
    }
}

/// Every production TOML or YAML file that is deployed as written, sorted by path; found
/// once per run.
pub fn deployed_configs(project: &Project) -> &[DeployedConfig] {
    project.deployed_configs.get_or_init(|| find(project))
}

fn find(project: &Project) -> Vec<DeployedConfig> {
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
    let mut found: BTreeMap<&str, DeployedConfig> = BTreeMap::new();
    for docker in project.dockerfiles.iter().filter(|d| production(&d.path)) {
        for (sources, at) in &docker.copies {
            for source in sources {
                for path in copied(&configs, docker.dir(), source) {
                    found.entry(path).or_insert_with(|| DeployedConfig {
                        path: path.to_string(),
                        by: at.clone(),
                        how: "copied into the image here",
                    });
                }
            }
        }
    }
    for krate in project.cargo.iter().filter(|c| production(&c.path)) {
        for (source, span) in &krate.manifest.package_assets {
            for path in installed(&configs, &krate.dir, source) {
                found.entry(path).or_insert_with(|| DeployedConfig {
                    path: path.to_string(),
                    by: project.locate(&krate.path, span.clone()),
                    how: "installed by the crate's system package (cargo-deb or cargo-generate-rpm assets)",
                });
            }
        }
    }
    for path in &configs {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        let chart = join(dir, "Chart.yaml");
        if name == "values.yaml" && file(&chart).is_some() {
            found.entry(path).or_insert_with(|| DeployedConfig {
                path: path.to_string(),
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

/// The config files a system package asset `source` installs: the file it names, relative
/// to the crate's directory `dir`, or the files its glob matches (`etc/app/*`; as in
/// cargo-deb, `*` does not cross a `/`, `**` does).
fn installed<'c>(configs: &BTreeSet<&'c str>, dir: &str, source: &str) -> Vec<&'c str> {
    let named = join(dir, source.trim_start_matches("./"));
    if !named.contains(['*', '?', '[']) {
        return configs.get(named.as_str()).into_iter().copied().collect();
    }
    let Ok(glob) = globset::GlobBuilder::new(&named)
        .literal_separator(true)
        .build()
    else {
        return Vec::new();
    };
    let matcher = glob.compile_matcher();
    configs
        .iter()
        .filter(|path| matcher.is_match(path))
        .copied()
        .collect()
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
    fn package_assets_name_files_and_globs() {
        let configs: BTreeSet<&str> = [
            "relay/packaging/etc/relay/logger.yaml",
            "relay/packaging/etc/relay/config/main.toml",
            "relay/relay.toml",
            "other/relay.toml",
        ]
        .into_iter()
        .collect();
        assert_eq!(
            installed(&configs, "relay", "packaging/etc/relay/*"),
            ["relay/packaging/etc/relay/logger.yaml"]
        );
        assert_eq!(
            installed(&configs, "relay", "packaging/**/*.toml"),
            ["relay/packaging/etc/relay/config/main.toml"]
        );
        assert_eq!(
            installed(&configs, "relay", "./relay.toml"),
            ["relay/relay.toml"]
        );
        assert!(installed(&configs, "relay", "target/release/relay").is_empty());
    }

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
