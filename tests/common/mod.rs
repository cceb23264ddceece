//! Helpers shared by the integration tests: run the binary on a scratch copy of a case.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A command running the built binary with a clean environment.
/// `TWELVE_LINT_TEST_BIN` runs the tests against another build instead
/// (to check that a test fails without the fix it guards).
pub fn twelve_lint(dir: &Path) -> Command {
    let bin = std::env::var_os("TWELVE_LINT_TEST_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_twelve-lint").into());
    let mut cmd = Command::new(bin);
    cmd.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("TWELVE_LINT_") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("NO_COLOR");
    cmd
}

/// [`twelve_lint`] with preview rules on: most tests exercise the tool's machinery (formats,
/// baselines, config) through rules that are still in preview.
pub fn twelve_lint_preview(dir: &Path) -> Command {
    let mut cmd = twelve_lint(dir);
    cmd.env("TWELVE_LINT_PREVIEW", "true");
    cmd
}

/// Run and capture; returns (exit code, stdout, stderr).
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("binary runs");
    (
        status.code().expect("exited normally, not by a signal"),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// Copy a fixture case into a fresh temporary git repository (files committed),
/// unless the case holds a `.no-git` marker. `expected.txt` is not copied.
pub fn scratch_repo(case: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_tree(case, dir.path());
    if !case.join(".no-git").exists() {
        git_commit_all(dir.path());
    }
    dir
}

/// Write `files` (path, content) into a fresh temporary git repository.
pub fn repo_with(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (path, content) in files {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, content).unwrap();
    }
    git_commit_all(dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).expect("readable fixture") {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name == "expected.txt" || name == ".no-git" {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `git init` + add everything not ignored + commit (on top of HEAD when there
/// is one), through libgit2.
pub fn git_commit_all(dir: &Path) {
    let repo = git2::Repository::init(dir).expect("git init");
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"].iter(), git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("fixture", "fixture@example.invalid").unwrap();
    let parent = repo.head().and_then(|h| h.peel_to_commit()).ok();
    repo.commit(
        Some("HEAD"),
        &sig,
        &sig,
        "fixture",
        &tree,
        parent.as_ref().into_iter().collect::<Vec<_>>().as_slice(),
    )
    .unwrap();
}
