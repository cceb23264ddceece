//! Adopting twelve-lint in an imperfect repository: baselines, diff mode,
//! pre-commit's changed-files mode.

mod common;

use common::{git_commit_all, repo_with, run, twelve_lint_preview};

const TWO_FINDINGS: &[u8] =
    b"FROM rust:latest\nRUN cargo build --release\nCMD ./target/release/app\n";

#[test]
fn baseline_hides_known_findings_and_counts_stale_entries() {
    let dir = repo_with(&[("Dockerfile", TWO_FINDINGS)]);
    let base = dir.path().join("twelve-lint-baseline.json");
    let base = base.to_str().unwrap();
    let (code, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--write-baseline", base]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote 2 finding(s)"), "{err}");

    // Unchanged: nothing new, both baselined, exit 0.
    let (code, out, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--baseline", base]));
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("2 baselined"), "{err}");

    // Lines moved and a new finding added: only the new one is reported.
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"# build\n\nFROM rust:latest\nRUN cargo build --release\nCMD ./target/release/app\nFROM debian\n",
    )
    .unwrap();
    let (code, out, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--baseline", base]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("Dockerfile:6:6: TF0201"), "{out}");
    // The CMD now sits in a build stage: its entry no longer matches.
    assert!(
        err.contains("1 baselined, 1 baseline entry no longer matches"),
        "{err}"
    );

    // Rewriting prunes it.
    run(twelve_lint_preview(dir.path()).args(["--isolated", "--write-baseline", base]));
    let (code, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--baseline", base]));
    assert_eq!(code, 0);
    assert!(
        err.contains("2 baselined") && !err.contains("no longer"),
        "{err}"
    );
}

#[test]
fn diff_mode_reports_only_changed_lines() {
    let dir = repo_with(&[("Dockerfile", b"FROM rust:latest\n")]);
    let repo = git2::Repository::open(dir.path()).unwrap();
    repo.branch(
        "main-base",
        &repo.head().unwrap().peel_to_commit().unwrap(),
        false,
    )
    .unwrap();
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"FROM rust:latest\nFROM debian AS runtime\n",
    )
    .unwrap();
    std::fs::create_dir_all(dir.path().join("svc")).unwrap();
    std::fs::write(dir.path().join("svc/Dockerfile"), b"FROM alpine\n").unwrap();
    git_commit_all(dir.path());
    let (code, out, err) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--diff",
        "main-base",
        "--select",
        "TF0201",
    ]));
    assert_eq!(code, 1, "{err}");
    let lines: Vec<&str> = out
        .lines()
        .map(|l| l.split(": TF").next().unwrap())
        .collect();
    assert_eq!(lines, ["Dockerfile:2:6", "svc/Dockerfile:1:6"], "{out}");
    assert!(!err.contains("merge base"), "{err}");

    let (code, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--diff", "no-such-ref"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("`no-such-ref` is not a commit") && err.contains("git fetch"),
        "{err}"
    );
}

/// Run the git command line in `dir`; returns its trimmed stdout.
fn git(dir: &std::path::Path, args: &[&str]) -> String {
    let out = std::process::Command::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.invalid"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A CI checkout as actions/checkout makes it (`fetch-depth: 1`): only the pull
/// request's commit, no base branch. Upstream `main` has moved on since `feature`
/// branched; the feature adds an unpinned image on line 2.
fn shallow_ci_checkout() -> (tempfile::TempDir, tempfile::TempDir, String) {
    let up = tempfile::tempdir().unwrap();
    let u = up.path();
    git(u, &["init", "-q", "-b", "main"]);
    git(u, &["config", "uploadpack.allowAnySHA1InWant", "true"]);
    std::fs::write(u.join("Dockerfile"), "FROM rust:1.80\n").unwrap();
    git(u, &["add", "-A"]);
    git(u, &["commit", "-qm", "base"]);
    git(u, &["checkout", "-qb", "feature"]);
    std::fs::write(u.join("Dockerfile"), "FROM rust:1.80\nFROM alpine\n").unwrap();
    git(u, &["commit", "-qam", "feature"]);
    git(u, &["checkout", "-q", "main"]);
    std::fs::write(u.join("README"), "moved on\n").unwrap();
    git(u, &["add", "-A"]);
    git(u, &["commit", "-qm", "main moves on"]);
    let main_sha = git(u, &["rev-parse", "HEAD"]);
    let ci = tempfile::tempdir().unwrap();
    let c = ci.path();
    git(c, &["init", "-q"]);
    git(
        c,
        &[
            "remote",
            "add",
            "origin",
            &format!("file://{}", u.display()),
        ],
    );
    git(c, &["fetch", "-q", "--depth=1", "origin", "feature"]);
    git(c, &["checkout", "-q", "FETCH_HEAD"]);
    (up, ci, main_sha)
}

/// `--diff` in a shallow CI clone: for each ref form the error's hint is a command that
/// works, and with the base fetched but no merge base the run compares with the base
/// itself and says so.
#[test]
fn diff_mode_hints_work_for_each_ref_form_in_a_shallow_clone() {
    let hint = regex::Regex::new(r"`(git fetch [^`]*)`").unwrap();
    for form in ["origin/main", "main", "sha"] {
        let (_up, ci, main_sha) = shallow_ci_checkout();
        let reference = if form == "sha" {
            main_sha.as_str()
        } else {
            form
        };
        let lint = || {
            run(twelve_lint_preview(ci.path()).args([
                "--isolated",
                "--select",
                "TF0201",
                "--diff",
                reference,
            ]))
        };
        let (code, _, err) = lint();
        assert_eq!(code, 2, "{form}: {err}");
        let command = &hint
            .captures(&err)
            .unwrap_or_else(|| panic!("{form}: {err}"))[1];
        let expected = match form {
            "origin/main" => "git fetch --depth=1 origin main".to_string(),
            "main" => "git fetch --depth=1 origin main:main".to_string(),
            _ => format!("git fetch --depth=1 origin {main_sha}"),
        };
        assert_eq!(command, expected, "{form}");
        let args: Vec<&str> = command.split(' ').skip(1).collect();
        git(ci.path(), &args);
        let (code, out, err) = lint();
        assert_eq!(code, 1, "{form}: {err}");
        assert!(out.starts_with("Dockerfile:2:6: TF0201"), "{form}: {out}");
        assert_eq!(out.lines().count(), 1, "{form}: {out}");
        assert!(
            err.contains("warning: --diff: no merge base"),
            "{form}: {err}"
        );
    }
}

/// A path is read with the whole repository in view: the Dockerfile exposes a port the
/// app (in another file) does not listen on, a cross-file finding reported when the
/// Dockerfile alone is named, and only what the named paths hold is reported.
#[test]
fn paths_report_their_findings_with_project_context() {
    let dir = repo_with(&[
        ("Cargo.toml", b"[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n"),
        (
            "src/main.rs",
            b"#[tokio::main]\nasync fn main() {\n    let l = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n    axum::serve(l, axum::Router::new()).await.unwrap();\n}\n",
        ),
        ("Dockerfile", b"FROM rust:1.82\nEXPOSE 3000\nCMD [\"/api\"]\n"),
        ("other/Dockerfile", b"FROM rust:latest\n"),
    ]);
    let args = ["--isolated", "--select", "TF0703,TF0201", "Dockerfile"];
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(args));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("Dockerfile:2:8: TF0703"), "{out}");
    // The Rust file named: the finding is in the Dockerfile, so none.
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0703,TF0201",
        "src/main.rs",
    ]));
    assert_eq!((code, out.as_str()), (0, ""));
    // The repository root named as the path: every finding.
    let (code, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--select", "TF0703,TF0201", "."]));
    assert_eq!(code, 1, "{out}");
    let (_, plain, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--select", "TF0703,TF0201"]));
    assert_eq!((out.lines().count(), out.as_str()), (2, plain.as_str()));
}

#[test]
fn fix_rewrites_and_relint_is_clean() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM debian:12\nCMD /usr/local/bin/api --port 8080\n"),
        ("worker/Dockerfile", b"FROM debian:12\nWORKDIR /srv\nUSER app\nCMD ./worker"),
        (
            "compose.yaml",
            b"services:\n  api:\n    image: registry.example.com/api:1.2\n    container_name: api\n    ports:\n      - \"8080\"\n    deploy: {replicas: 2}\n",
        ),
        ("Cargo.toml", b"[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n"),
        (
            "src/main.rs",
            b"#[tokio::main]\nasync fn main() {\n    let l = tokio::net::TcpListener::bind(std::env::var(\"ADDR\").unwrap()).await.unwrap();\n    axum::serve(l, axum::Router::new())\n        .with_graceful_shutdown(async { tokio::signal::ctrl_c().await.unwrap() })\n        .await\n        .unwrap();\n}\n",
        ),
    ]);
    let select = ["--isolated", "--select", "TF0902,TF0903,TF0804"];
    let (code, before, _) = run(twelve_lint_preview(dir.path()).args(select));
    assert_eq!(code, 1);
    assert_eq!(before.lines().count(), 4, "{before}");

    // Without --unsafe-fixes, the unsafe fix (TF0804) is left alone and said so.
    let (code, diff, err) = run(twelve_lint_preview(dir.path())
        .args(select)
        .args(["--fix", "--dry-run"]));
    assert_eq!(code, 1, "{err}");
    assert!(!diff.contains("container_name"), "{diff}");
    assert!(err.contains("would fix 3 finding(s) in 3 file(s)"), "{err}");
    assert!(err.contains("1 finding(s) have an unsafe fix"), "{err}");

    // The preview changes nothing on disk.
    let (code, diff, err) = run(twelve_lint_preview(dir.path()).args(select).args([
        "--fix",
        "--unsafe-fixes",
        "--dry-run",
    ]));
    assert_eq!(code, 1, "{err}");
    assert!(diff.contains("-CMD /usr/local/bin/api --port 8080\n+CMD [\"/usr/local/bin/api\", \"--port\", \"8080\"]\n"), "{diff}");
    assert!(
        diff.contains("@@ -1,7 +1,6 @@\n services:\n   api:\n     image: registry.example.com/api:1.2\n-    container_name: api\n     ports:\n       - \"8080\"\n     deploy: {replicas: 2}\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-CMD ./worker\n\\ No newline at end of file\n+CMD [\"./worker\"]\n\\ No newline at end of file\n"),
        "{diff}"
    );
    assert!(err.contains("would fix 4 finding(s) in 4 file(s)"), "{err}");
    // git takes the diff as it is printed.
    let patch = dir.path().join(".git/fix.patch");
    std::fs::write(&patch, &diff).unwrap();
    let check = std::process::Command::new("git")
        .current_dir(dir.path())
        .args(["apply", "--check", "-v"])
        .arg(&patch)
        .output()
        .expect("git runs");
    assert!(
        check.status.success(),
        "git apply --check: {}\n{diff}",
        String::from_utf8_lossy(&check.stderr)
    );
    let (_, again, _) = run(twelve_lint_preview(dir.path()).args(select));
    assert_eq!(again, before);

    let (code, out, err) = run(twelve_lint_preview(dir.path()).args(select).arg("--fix"));
    assert_eq!((code, out.lines().count()), (1, 1), "{err}");
    assert!(out.contains("TF0804"), "{out}");
    assert!(err.contains("fixed 3 finding(s) in 3 file(s)"), "{err}");
    let (code, out, err) = run(twelve_lint_preview(dir.path())
        .args(select)
        .args(["--fix", "--unsafe-fixes"]));
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(err.contains("fixed 1 finding(s) in 1 file(s)"), "{err}");
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert_eq!(
        dockerfile,
        "FROM debian:12\nCMD [\"/usr/local/bin/api\", \"--port\", \"8080\"]\n"
    );
    let compose = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(
        !compose.contains("container_name") && compose.contains("ports:"),
        "{compose}"
    );
    let main = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    assert!(
        main.contains("SignalKind::terminate()") && main.contains("tokio::signal::ctrl_c() => r"),
        "{main}"
    );
    // Everything fixed is gone, and nothing else broke: the full rule set finds no parse errors.
    let (_, all, _) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0001,TF0902,TF0903,TF0804",
    ]));
    assert_eq!(all, "");
}

#[test]
fn init_completions_and_man() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = run(twelve_lint_preview(dir.path()).arg("init"));
    assert_eq!(code, 0, "{err}");
    let written = std::fs::read_to_string(dir.path().join("twelve-lint.toml")).unwrap();
    assert!(written.contains("fail-on = \"warning\""), "{written}");
    // The starter config is valid: a run with it is not a config error.
    std::fs::write(
        dir.path().join("Dockerfile"),
        b"FROM rust:1.82\nCMD [\"/app\"]\n",
    )
    .unwrap();
    let (code, _, err) = run(&mut twelve_lint_preview(dir.path()));
    assert_ne!(code, 2, "{err}");
    let (code, _, err) = run(twelve_lint_preview(dir.path()).arg("init"));
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");

    for shell in ["bash", "zsh", "fish"] {
        let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["completions", shell]));
        assert_eq!(code, 0);
        assert!(
            out.contains("twelve-lint") && out.contains("fail-on"),
            "{shell}"
        );
    }
    let (code, man, _) = run(twelve_lint_preview(dir.path()).arg("man"));
    assert_eq!(code, 0);
    assert!(
        man.starts_with(".ie") && man.contains(".TH twelve-lint 1"),
        "{man}"
    );
}

/// A path reports the findings in what it names, in every form, from the root and from a
/// subdirectory.
#[test]
fn every_path_form_reports_what_it_names() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM rust\nFROM debian\n"),
        ("svc/Dockerfile", b"FROM node\n"),
    ]);
    let root = dir.path().to_str().unwrap().to_string();
    let svc_file = format!("{root}/svc/Dockerfile");
    for (cwd, path, expected) in [
        ("", ".", 3),
        ("", "./", 3),
        ("", root.as_str(), 3),
        ("", "Dockerfile", 2),
        ("", "./Dockerfile", 2),
        ("", "svc", 1),
        ("", "svc/", 1),
        ("", svc_file.as_str(), 1),
        ("svc", ".", 1),
        ("svc", "..", 3),
        ("svc", "../Dockerfile", 2),
    ] {
        let (_, out, err) = run(twelve_lint_preview(&dir.path().join(cwd)).args([
            "--isolated",
            "--select",
            "TF0201",
            path,
        ]));
        assert_eq!(out.lines().count(), expected, "{cwd}/ {path}: {out}{err}");
    }
}

/// A file reached from two of the paths given is linted once.
#[test]
fn overlapping_paths_lint_each_file_once() {
    let dir = repo_with(&[("svc/Dockerfile", b"FROM node\n")]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0201",
        ".",
        "svc",
        "svc/Dockerfile",
    ]));
    assert_eq!(code, 1);
    assert_eq!(out.lines().count(), 1, "{out}");
    let (_, _, err) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0201",
        "--format",
        "human",
        ".",
        "svc",
    ]));
    assert!(err.contains("in 1 file(s) linted"), "{err}");
}

/// Outside git there is no repository to read: a named file is linted alone, and the
/// directory around it is not walked.
#[test]
fn outside_git_a_named_file_is_read_alone() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM node\n").unwrap();
    std::fs::write(dir.path().join("other.Dockerfile"), "FROM rust\n").unwrap();
    let (_, out, err) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0201",
        "--format",
        "human",
        "Dockerfile",
    ]));
    assert!(err.contains("in 1 file(s) linted"), "{out}{err}");
}
