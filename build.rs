//! Names the git commit in `--version` for builds from a checkout.
//!
//! `TWELVE_LINT_VERSION` is the package version, followed by the commit and its date
//! when the package directory is itself a git checkout and `git` runs. A build from
//! the published crate (no `.git`) or without git gets the bare version; this script
//! never fails. Cargo reruns it only when `HEAD` moves.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    // Only this package's own checkout: a crate unpacked inside some other repository
    // must not report that repository's commit.
    let commit = if dir.join(".git").exists() {
        commit(&dir)
    } else {
        None
    };
    let version = match commit {
        Some((hash, date)) => {
            for path in watched(&dir) {
                println!("cargo:rerun-if-changed={}", path.display());
            }
            format!("{version} ({hash} {date})")
        }
        None => version,
    };
    println!("cargo:rustc-env=TWELVE_LINT_VERSION={version}");
}

/// `git` in `dir`; its stdout lines when it succeeds.
fn git(dir: &Path, args: &[&str]) -> Option<Vec<String>> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect()
    })
}

/// The abbreviated hash (fixed length, so the output does not depend on the object count)
/// and the commit date of `HEAD`.
fn commit(dir: &Path) -> Option<(String, String)> {
    let line = git(dir, &["log", "-1", "--format=%H %cs", "HEAD"])?
        .into_iter()
        .next()?;
    let (hash, date) = line.split_once(' ')?;
    Some((hash.get(..9)?.to_owned(), date.to_owned()))
}

/// The files whose change means `HEAD` moved: `HEAD`, its reflog, the branch it points
/// to and `packed-refs`, those that exist (a missing file would rerun the script on
/// every build).
fn watched(dir: &Path) -> Vec<PathBuf> {
    let mut refs = vec![
        "HEAD".to_owned(),
        "logs/HEAD".to_owned(),
        "packed-refs".to_owned(),
    ];
    if let Some(branch) =
        git(dir, &["symbolic-ref", "-q", "HEAD"]).and_then(|l| l.into_iter().next())
    {
        refs.push(branch);
    }
    let mut args = Vec::new();
    for r in &refs {
        args.extend(["--git-path", r.as_str()]);
    }
    let args: Vec<&str> = std::iter::once("rev-parse").chain(args).collect();
    git(dir, &args)
        .unwrap_or_default()
        .into_iter()
        .map(|p| dir.join(p))
        .filter(|p| p.exists())
        .collect()
}
