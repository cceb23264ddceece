//! The CI formats: annotation and table caps.

mod common;

use common::{repo_with, run, twelve_lint};

/// A repository with `n` Dockerfiles on an unpinned base image: `n` TF0201 warnings.
fn unpinned_images(n: usize) -> tempfile::TempDir {
    let files: Vec<(String, &[u8])> = (0..n)
        .map(|i| {
            (
                format!("svc{i}/Dockerfile"),
                &b"FROM rust\nCMD [\"/app\"]\n"[..],
            )
        })
        .collect();
    let files: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    repo_with(&files)
}

/// Lint `dir` with TF0201 and a YAML rule, TF0502 (so that broken YAML that is no compose file
/// or manifest is a TF0001 note).
fn lint(dir: &std::path::Path, format: &str) -> String {
    let (code, out, err) = run(twelve_lint(dir).args([
        "--isolated",
        "--select",
        "TF0201,TF0502",
        "--format",
        format,
        ".",
    ]));
    assert!(code == 0 || code == 1, "exit {code}: {err}");
    out
}

#[test]
fn github_annotations_stop_at_ten_per_level_most_severe_first() {
    let dir = unpinned_images(12);
    std::fs::write(dir.path().join("settings.yaml"), "key: [\n").unwrap();
    let out = lint(dir.path(), "github");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("::warning ")).count(),
        10,
        "{out}"
    );
    assert!(lines[0].starts_with("::warning "), "{out}");
    assert!(
        lines[10].starts_with("::notice "),
        "notes come after warnings: {out}"
    );
    assert_eq!(
        lines.last().unwrap(),
        &"twelve-lint: 2 more finding(s) not annotated (0 error(s), 2 warning(s), 0 note(s)): GitHub shows 10 annotations of each level per step; the SARIF and markdown reports hold them all."
    );
    let few = lint(unpinned_images(3).path(), "github");
    assert!(few.lines().all(|l| l.starts_with("::warning ")), "{few}");
}

#[test]
fn markdown_table_stops_at_a_hundred_rows() {
    let out = lint(unpinned_images(103).path(), "markdown");
    assert_eq!(out.matches("| warning | [TF0201]").count(), 100, "{out}");
    assert!(
        out.contains("\n3 more finding(s) not listed: the table shows the first 100"),
        "{out}"
    );
}
