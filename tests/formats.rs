//! The CI formats: annotation and table caps, GitLab Code Quality, rdjson and JUnit.
//! `.ci/formats-check` validates the same formats against their published schemas.

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

#[test]
fn gitlab_issues_carry_fingerprints_severities_and_lines() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM rust\nCMD [\"/app\"]\n"),
        ("settings.yaml", b"key: [\n"),
    ]);
    let issues: serde_json::Value = serde_json::from_str(&lint(dir.path(), "gitlab")).unwrap();
    let issues = issues.as_array().expect("an array of issues");
    assert_eq!(issues.len(), 2);
    let image = issues.iter().find(|i| i["check_name"] == "TF0201").unwrap();
    assert_eq!(image["severity"], "minor");
    assert_eq!(image["location"]["path"], "Dockerfile");
    assert_eq!(image["location"]["lines"]["begin"], 1);
    assert!(
        image["description"]
            .as_str()
            .unwrap()
            .starts_with("TF0201 unpinned-base-image: base image `rust`"),
        "{image}"
    );
    let parse = issues.iter().find(|i| i["check_name"] == "TF0001").unwrap();
    assert_eq!(parse["severity"], "info");
    assert_ne!(image["fingerprint"], parse["fingerprint"]);
    let clean = repo_with(&[("Dockerfile", b"FROM rust:1.83\n")]);
    assert_eq!(lint(clean.path(), "gitlab"), "[]\n");
}

#[test]
fn rdjson_columns_count_utf8_bytes() {
    // `é` is two bytes: the image name starts at character 9 but byte 10.
    let dir = repo_with(&[("Dockerfile", "# é\nFROM é/rust\n".as_bytes())]);
    let doc: serde_json::Value = serde_json::from_str(&lint(dir.path(), "rdjson")).unwrap();
    assert_eq!(doc["source"]["name"], "twelve-lint");
    let d = &doc["diagnostics"][0];
    assert_eq!(d["code"]["value"], "TF0201");
    assert_eq!(d["severity"], "WARNING");
    assert_eq!(d["location"]["path"], "Dockerfile");
    let range = &d["location"]["range"];
    assert_eq!(
        (
            range["start"]["line"].as_u64(),
            range["start"]["column"].as_u64()
        ),
        (Some(2), Some(6))
    );
    assert_eq!(range["end"]["column"], 13, "{range}");
}

#[test]
fn junit_has_a_failed_case_per_finding_and_escapes_text() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM rust\nCMD [\"/app\"]\n"),
        ("a&b/Dockerfile", b"FROM rust\n"),
    ]);
    let xml = lint(dir.path(), "junit");
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"twelve-lint\" tests=\"2\" failures=\"2\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 2, "{xml}");
    assert_eq!(xml.matches("<failure type=\"warning\"").count(), 2, "{xml}");
    assert!(
        xml.contains("<testsuite name=\"a&amp;b/Dockerfile\""),
        "{xml}"
    );
    assert!(!xml.contains("a&b"), "{xml}");
    let clean = repo_with(&[("Dockerfile", b"FROM rust:1.83\n")]);
    let xml = lint(clean.path(), "junit");
    assert!(xml.contains("tests=\"1\" failures=\"0\""), "{xml}");
    assert!(
        xml.contains("<testcase name=\"no findings in 1 file(s)\""),
        "{xml}"
    );
}
