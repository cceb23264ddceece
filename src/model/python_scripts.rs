//! The programs a repository's Python packages install: the console scripts a
//! `pyproject.toml` declares (`[project.scripts]`, `[project.gui-scripts]`, Poetry's
//! `[tool.poetry.scripts]`). Installing the package puts each on the `PATH`, so a Rust
//! program that runs one runs the repository's own code, as it does when it runs one of
//! the workspace's binaries.

use std::collections::BTreeSet;
use std::path::Path;

use crate::model::source::read_regular_prefix;

/// A `pyproject.toml` larger than this is not read: real ones are a few kilobytes.
const MAX_PYPROJECT_BYTES: u64 = 256 * 1024;

/// The console scripts declared by the `pyproject.toml` files among `paths` (git-tracked,
/// root-relative) under `root`. An unreadable or invalid file declares none.
pub fn console_scripts<'a>(root: &Path, paths: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    paths
        .filter(|p| p.rsplit('/').next() == Some("pyproject.toml"))
        .filter_map(|p| read_regular_prefix(&root.join(p), MAX_PYPROJECT_BYTES))
        .flat_map(|text| declared(&text))
        .collect()
}

/// The script names one `pyproject.toml` text declares.
fn declared(text: &str) -> Vec<String> {
    let Ok(doc) = text.parse::<toml::Table>() else {
        return Vec::new();
    };
    let table = |path: &[&str]| {
        path.iter()
            .try_fold(&doc, |t, key| t.get(*key)?.as_table())
            .map(|t| t.keys().cloned().collect::<Vec<_>>())
            .unwrap_or_default()
    };
    [
        &["project", "scripts"][..],
        &["project", "gui-scripts"],
        &["tool", "poetry", "scripts"],
    ]
    .into_iter()
    .flat_map(table)
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_pep_621_and_poetry_scripts() {
        let pep621 = "[project]\nname = \"server\"\n\n[project.scripts]\ntext-generation-server = \"tgs.cli:app\"\n";
        assert_eq!(declared(pep621), ["text-generation-server"]);
        let poetry =
            "[tool.poetry]\nname = \"s\"\n\n[tool.poetry.scripts]\npython-server = 's.cli:app'\n";
        assert_eq!(declared(poetry), ["python-server"]);
        assert!(declared("[project]\nname = \"lib\"\n").is_empty());
        assert!(declared("not = [toml").is_empty());
    }
}
