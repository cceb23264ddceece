//! The ways twelve-lint is installed agree with the crate: the pre-commit hooks' file
//! filter covers every kind of file it lints, and every recipe names this version.

mod common;

use std::path::Path;

use common::repo;
use twelve_lint::model::source::{FileKind, classify};

/// Names of every kind of file twelve-lint lints, as repositories spell them.
const LINTED: &[&str] = &[
    "Cargo.toml",
    "crates/api/Cargo.toml",
    "src/main.rs",
    "Dockerfile",
    "DOCKERFILE",
    "Dockerfile.prod",
    "deploy/api.Dockerfile",
    "Containerfile",
    "build/worker.containerfile",
    "compose.yaml",
    "k8s/deployment.yml",
    ".env",
    ".env.production",
    "config/prod.env",
    "twelve-lint.toml",
    ".twelve-lint.toml",
    "config/app.toml",
    "docker/entrypoint.sh",
    "bin/start.bash",
];

fn hooks_file_filters() -> Vec<String> {
    let hooks = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).unwrap();
    hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("files: "))
        .map(|v| v.trim_matches('\'').to_owned())
        .collect()
}

#[test]
fn pre_commit_files_filter_covers_every_linted_kind() {
    let filters = hooks_file_filters();
    assert_eq!(filters.len(), 2, "both hooks declare `files`");
    assert_eq!(filters[0], filters[1], "both hooks filter the same files");
    // pre-commit matches with Python's re.search; this pattern means the same to `regex`.
    let filter = regex::Regex::new(&filters[0]).unwrap();
    for kind in FileKind::ALL {
        assert!(
            LINTED.iter().any(|n| classify(Path::new(n)) == Some(kind)),
            "no sample name of kind {}",
            kind.name()
        );
    }
    for name in LINTED {
        assert!(classify(Path::new(name)).is_some(), "{name} is not linted");
        assert!(filter.is_match(name), "the hooks skip {name}");
    }
    for name in ["README.md", "src/app.py", "docs/guide.md", "notes.txt"] {
        assert!(!filter.is_match(name), "the hooks run on {name}");
    }
}

#[test]
fn recipes_name_this_version() {
    let version = env!("CARGO_PKG_VERSION");
    let shim: toml::Table = std::fs::read_to_string(repo().join("pyproject.toml"))
        .unwrap()
        .parse()
        .unwrap();
    let project = &shim["project"];
    assert_eq!(project["version"].as_str(), Some(version));
    assert_eq!(
        project["dependencies"].as_array().unwrap()[0].as_str(),
        Some(format!("twelve-lint=={version}").as_str()),
        "the hook installs the wheel of this version"
    );
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    for line in readme.lines() {
        if let Some(rev) = line.trim().strip_prefix("rev: ") {
            assert_eq!(rev, format!("v{version}"), "pre-commit recipe: {line}");
        }
        if let Some((_, rev)) = line.split_once("uses: twelve-lint/twelve-lint@") {
            assert_eq!(rev.trim(), format!("v{version}"), "action recipe: {line}");
        }
        if let Some((_, pin)) = line.split_once("twelve-lint==") {
            assert_eq!(pin.trim(), version, "pip recipe: {line}");
        }
        if let Some(url) = line.strip_prefix("#:schema ") {
            assert_eq!(
                url,
                format!(
                    "https://raw.githubusercontent.com/twelve-lint/twelve-lint/v{version}/twelve-lint.schema.json"
                ),
                "schema line: {line}"
            );
        }
        if let Some((_, tag)) = line.split_once("ghcr.io/twelve-lint/twelve-lint:") {
            assert_eq!(tag.split(' ').next(), Some(version), "image recipe: {line}");
        }
    }
}
