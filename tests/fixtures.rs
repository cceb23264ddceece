//! Runs every fixture case: `fixtures/<CODE>/<case>/` is a tiny repository, and each case is
//! its own test (`cargo test --test fixtures TF0905` runs one rule's cases).
//! `fail-*` cases must print exactly their `expected.txt` (concise format);
//! `pass-*` cases must print nothing. A case with its own `twelve-lint.toml`
//! is linted with it; otherwise only the folder's rule is selected. Every case prints the
//! same with prefilters off (`--no-prefilters`): a prefilter only saves work. And the
//! folder's rule finds the same with every rule enabled: `--select` never changes what
//! the deployment model decides.
//! `UPDATE_FIXTURES=1 cargo test --test fixtures` rewrites `expected.txt`;
//! `TWELVE_LINT_BLESS=1 cargo test --test fixtures` rewrites the list of cases.

mod common;
mod fixture_cases;

use std::path::Path;

use common::{repo, run, scratch_repo, twelve_lint};

const CASES_FILE: &str = "tests/fixture_cases/mod.rs";

fn lint_case(code: &str, case: &Path, extra: &[&str]) -> (i32, String, String) {
    let dir = scratch_repo(case);
    let mut cmd = twelve_lint(dir.path());
    cmd.args(["--format", "concise"]).args(extra);
    if !case.join("twelve-lint.toml").exists() {
        cmd.args(["--isolated", "--select", code]);
    }
    run(&mut cmd)
}

/// The lines of `code`'s findings when every rule runs (`--preview`, no `--select`).
fn findings_with_every_rule(code: &str, case: &Path) -> Vec<String> {
    let dir = scratch_repo(case);
    let mut cmd = twelve_lint(dir.path());
    cmd.args(["--format", "concise", "--isolated", "--preview"]);
    let (_, stdout, _) = run(&mut cmd);
    of_rule(code, &stdout)
}

fn of_rule(code: &str, out: &str) -> Vec<String> {
    let tag = format!(" {code} [");
    out.lines()
        .filter(|l| l.contains(&tag))
        .map(String::from)
        .collect()
}

/// Lint `fixtures/<code>/<name>` and check its output.
fn check(code: &str, name: &str) {
    let case = repo().join("fixtures").join(code).join(name);
    let (status, stdout, stderr) = lint_case(code, &case, &[]);
    let expected_file = case.join("expected.txt");
    if std::env::var_os("UPDATE_FIXTURES").is_some() && name.starts_with("fail-") {
        std::fs::write(&expected_file, &stdout).unwrap();
    }
    let expected = std::fs::read_to_string(&expected_file).unwrap_or_default();
    assert!(
        status != 2 && !stderr.contains("panicked"),
        "exit {status}\n{stderr}"
    );
    if name.starts_with("pass-") {
        assert!(stdout.is_empty(), "pass case produced findings:\n{stdout}");
    } else {
        assert!(
            stdout.contains(&format!(" {code} [")),
            "fail case did not fire {code}:\n{stdout}"
        );
    }
    assert_eq!(stdout, expected, "output differs from expected.txt");
    // A Rust file a syntax tree cannot be built for says so only where a rule asks for one.
    let findings = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| !(l.contains(".rs:") && l.contains(" TF0001 [")))
            .map(String::from)
            .collect()
    };
    let (_, unfiltered, _) = lint_case(code, &case, &["--no-prefilters"]);
    assert_eq!(
        findings(&unfiltered),
        findings(&stdout),
        "the output changes with prefilters off: a prefilter hides a finding"
    );
    if !case.join("twelve-lint.toml").exists() {
        assert_eq!(
            findings_with_every_rule(code, &case),
            of_rule(code, &stdout),
            "{code} finds otherwise with every rule enabled than with `--select {code}`"
        );
    }
}

/// The test list as `tests/fixture_cases/mod.rs` spells it, from the case folders.
fn cases_source() -> String {
    let mut out = String::from(
        "//! One test per fixture case, generated from `fixtures/` by\n//! `TWELVE_LINT_BLESS=1 cargo test --test fixtures` (or `cargo xtask bless`).\n#![allow(non_snake_case)]\n\nmacro_rules! cases {\n    ($($test:ident: $code:literal / $case:literal,)*) => {\n        $(#[test]\n        fn $test() {\n            super::check($code, $case);\n        })*\n    };\n}\n\ncases! {\n",
    );
    let mut rules: Vec<_> = std::fs::read_dir(repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    rules.sort();
    for rule in rules {
        let code = rule.file_name().unwrap().to_string_lossy().into_owned();
        let mut cases: Vec<String> = std::fs::read_dir(&rule)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        cases.sort();
        for case in cases {
            let test = format!("{code}__{}", case.replace(['-', '.'], "_"));
            out.push_str(&format!("    {test}: \"{code}\" / \"{case}\",\n"));
        }
    }
    out.push_str("}\n");
    out
}

/// Every case folder has its test, and every test its folder.
#[test]
fn every_fixture_case_has_a_test() {
    let want = cases_source();
    let path = repo().join(CASES_FILE);
    if std::env::var_os("TWELVE_LINT_BLESS").is_some() {
        std::fs::write(&path, &want).unwrap();
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "{CASES_FILE} does not list the fixture cases; run `TWELVE_LINT_BLESS=1 cargo test --test fixtures`"
    );
}
