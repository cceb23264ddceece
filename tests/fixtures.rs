//! Runs every fixture case: `fixtures/<CODE>/<case>/` is a tiny repository.
//! `fail-*` cases must print exactly their `expected.txt` (concise format);
//! `pass-*` cases must print nothing. A case with its own `twelve-lint.toml`
//! is linted with it; otherwise only the folder's rule is selected.
//! `UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites `expected.txt`.

mod common;

use std::path::Path;

use common::{repo, run, scratch_repo, twelve_lint};

fn lint_case(code: &str, case: &Path) -> (i32, String, String) {
    let dir = scratch_repo(case);
    let mut cmd = twelve_lint(dir.path());
    cmd.args(["--format", "concise"]);
    if !case.join("twelve-lint.toml").exists() {
        cmd.args(["--isolated", "--select", code]);
    }
    run(&mut cmd)
}

#[test]
fn every_fixture_case() {
    let mut failures = Vec::new();
    let mut cases = 0;
    let mut dirs: Vec<_> = std::fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    for rule_dir in dirs {
        let code = rule_dir.file_name().unwrap().to_string_lossy().into_owned();
        let mut case_dirs: Vec<_> = std::fs::read_dir(&rule_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        case_dirs.sort();
        for case in case_dirs {
            cases += 1;
            let name = case.file_name().unwrap().to_string_lossy().into_owned();
            let (status, stdout, stderr) = lint_case(&code, &case);
            let expected_file = case.join("expected.txt");
            if std::env::var_os("UPDATE_FIXTURES").is_some() && name.starts_with("fail-") {
                std::fs::write(&expected_file, &stdout).unwrap();
            }
            let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
            let label = format!("{code}/{name}");
            if name.starts_with("pass-") && !stdout.is_empty() {
                failures.push(format!("{label}: pass case produced findings:\n{stdout}"));
            } else if name.starts_with("fail-")
                && (stdout.is_empty() || !stdout.contains(&format!(" {code} [")))
            {
                failures.push(format!("{label}: fail case did not fire {code}:\n{stdout}"));
            } else if stdout != expected {
                failures.push(format!(
                    "{label}: output differs\n--- expected\n{expected}--- actual\n{stdout}"
                ));
            }
            if status == 2 || stderr.contains("panicked") {
                failures.push(format!("{label}: exit {status}\n{stderr}"));
            }
        }
    }
    assert!(cases > 0, "no fixture cases found");
    assert!(
        failures.is_empty(),
        "{} of {cases} fixture cases failed:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
