//! `Cross.toml`: the Dockerfiles `cross` builds its compilation toolchains from
//! (`[target.<triple>] dockerfile`). Such an image compiles the release binaries; it is
//! never deployed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::model::project::join_path;
use crate::model::source::read_regular_prefix;

/// The opening bytes of a `Cross.toml` that are read.
const CROSS_TOML_MAX_BYTES: u64 = 64 * 1024;

/// True for a `cross` configuration file: `Cross.toml` beside a workspace's `Cargo.toml`,
/// or a variant that `CROSS_CONFIG` selects (`Cross.musl.toml`).
fn is_cross_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name == "Cross.toml" || (name.starts_with("Cross.") && name.ends_with(".toml"))
}

/// The toolchain Dockerfiles (paths from the repository root) that the `cross`
/// configuration files in `dirs` and their parent directories name, each with the first
/// configuration naming it. Given the directories of the linted Dockerfiles, that is
/// every configuration that names one below its own directory.
pub fn toolchain_dockerfiles<'d>(
    root: &Path,
    dirs: impl IntoIterator<Item = &'d str>,
) -> BTreeMap<String, String> {
    let mut searched = BTreeSet::from([""]);
    for dir in dirs {
        searched.extend(dir.match_indices('/').map(|(i, _)| &dir[..i]));
        searched.insert(dir);
    }
    let mut out = BTreeMap::new();
    for dir in searched {
        let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
            continue;
        };
        let mut configs: Vec<String> = entries
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|name| is_cross_config(name))
            .collect();
        configs.sort_unstable();
        for name in configs {
            let path = join_path(dir, &name);
            let Some(text) = read_regular_prefix(&root.join(&path), CROSS_TOML_MAX_BYTES) else {
                continue;
            };
            for dockerfile in dockerfiles(&text) {
                out.entry(join_path(dir, &dockerfile))
                    .or_insert_with(|| path.clone());
            }
        }
    }
    out
}

/// The `dockerfile` of each `[target.<triple>]` of a `Cross.toml`: a path, or a table
/// whose `file` is one.
fn dockerfiles(text: &str) -> Vec<String> {
    let Ok(table) = DeTable::parse(text) else {
        return Vec::new();
    };
    let Some(targets) = table
        .get_ref()
        .get("target")
        .and_then(|t| t.get_ref().as_table())
    else {
        return Vec::new();
    };
    targets
        .values()
        .filter_map(|target| target.get_ref().as_table()?.get("dockerfile"))
        .filter_map(|d| match d.get_ref() {
            DeValue::String(path) => Some(path.to_string()),
            DeValue::Table(t) => t.get("file")?.get_ref().as_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn target_dockerfiles_as_paths_and_tables() {
        let text = "[build]\ndefault-target = \"x86_64-unknown-linux-musl\"\n\n[target.x86_64-unknown-linux-musl]\ndockerfile = \"cross/Dockerfile.x86_64\"\n\n[target.aarch64-unknown-linux-gnu]\ndockerfile = { file = \"./cross/Dockerfile.aarch64\", context = \".\" }\n\n[target.armv7-unknown-linux-gnueabihf]\nimage = \"ghcr.io/cross-rs/armv7-unknown-linux-gnueabihf:0.2.5\"\n";
        assert_eq!(
            dockerfiles(text),
            ["./cross/Dockerfile.aarch64", "cross/Dockerfile.x86_64"],
            "in the order of the target names"
        );
        assert!(dockerfiles("not toml [").is_empty());
        assert!(is_cross_config("Cross.toml"));
        assert!(is_cross_config("build/Cross.musl.toml"));
        assert!(!is_cross_config("cross.toml"));
        assert!(!is_cross_config("Crossover.toml"));
    }
}
