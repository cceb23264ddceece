//! Hostile repositories generated at scale. Time must grow linearly (or as N log N)
//! with the input: each shape is generated at sizes N and 4N, and the ratio of the run
//! times stays under [`MAX_RATIO`] (16 for quadratic growth); the shapes are timed one
//! after another in one test, not against each other. Memory stays bounded: shapes
//! that once took gigabytes or overflowed a stack run under a 1 GB address-space limit.

mod common;

use std::path::Path;
use std::time::Duration;

use common::{run, twelve_lint_preview};

/// Time ratio allowed between sizes 4N and N.
const MAX_RATIO: f64 = 6.0;

/// A generated repository: (path, content) pairs for size `n`.
type Shape = fn(usize) -> Vec<(String, String)>;

/// Service crate whose `main` starts a call chain `n` functions deep.
fn call_chain(n: usize) -> Vec<(String, String)> {
    let mut src = String::from("fn main() { f0(); }\n");
    for i in 0..n {
        src.push_str(&format!("fn f{i}() {{ f{}(); }}\n", i + 1));
    }
    src.push_str(&format!(
        "fn f{n}() {{ HttpServer::new(|| App::new()).bind((\"0.0.0.0\", 8080)).unwrap().run(); }}\n"
    ));
    vec![
        (
            "Cargo.toml".into(),
            "[package]\nname = \"svc\"\nversion = \"0.1.0\"\n[dependencies]\nactix-web = \"4\"\n"
                .into(),
        ),
        ("src/main.rs".into(), src),
    ]
}

/// A Dockerfile whose every stage is built `FROM` the one before.
fn stage_chain(n: usize) -> Vec<(String, String)> {
    let mut df = String::from("FROM debian:12 AS s0\n");
    for i in 0..n {
        df.push_str(&format!("FROM s{i} AS s{}\nRUN true\n", i + 1));
    }
    vec![("Dockerfile".into(), df)]
}

/// `n` stages, each built on the one before, each adding a tagged Alpine edge repository
/// and installing from it, after a first stage whose edge address is 100 kB long: what a
/// stage inherits is shared, not copied down the chain.
fn rolling_sources_down_a_chain(n: usize) -> Vec<(String, String)> {
    let long = "a".repeat(100_000);
    let mut df = format!(
        "FROM alpine:3.20 AS s0\nRUN echo \"https://dl-cdn.alpinelinux.org/alpine/edge/{long}\" >> /etc/apk/repositories\n"
    );
    for i in 0..n {
        df.push_str(&format!(
            "FROM s{i} AS s{}\nRUN echo \"@t{i} https://dl-cdn.alpinelinux.org/alpine/edge/main\" >> /etc/apk/repositories && apk add p{i}@t{i} q{i}\n",
            i + 1
        ));
    }
    vec![("Dockerfile".into(), df)]
}

/// A stage of `n` `RUN`s that clone, the last of which checks a clone out: each clone is
/// judged against the `RUN`s after it.
fn clones_in_one_stage(n: usize) -> Vec<(String, String)> {
    let mut df = String::from("FROM debian:12.5\n");
    for i in 0..n {
        df.push_str(&format!(
            "RUN git clone https://example.com/r{i}.git /r{i}\n"
        ));
    }
    df.push_str("RUN git -C /r0 checkout v1.0.0\nCMD [\"/app\"]\n");
    vec![("Dockerfile".into(), df)]
}

/// One `RUN` of `n` clones joined by `&&`, then a checkout: each clone is judged against
/// the commands after it in the script.
fn clones_in_one_script(n: usize) -> Vec<(String, String)> {
    let clones: Vec<String> = (0..n)
        .map(|i| format!("git clone https://example.com/r{i}.git /r{i}"))
        .collect();
    let df = format!(
        "FROM debian:12.5\nRUN {} && git -C /r0 checkout v1.0.0\nCMD [\"/app\"]\n",
        clones.join(" && ")
    );
    vec![("Dockerfile".into(), df)]
}

/// `n` service crates that share one package name and depend on it.
fn same_name_crates(n: usize) -> Vec<(String, String)> {
    (0..n)
        .flat_map(|i| {
            [
                (
                    format!("c{i}/Cargo.toml"),
                    "[package]\nname = \"dup\"\nversion = \"0.1.0\"\n[dependencies]\nactix-web = \"4\"\ndup = \"0.1\"\n".into(),
                ),
                (
                    format!("c{i}/src/main.rs"),
                    "fn main() { f(); }\nfn f() { HttpServer::new(|| App::new()).bind((\"0.0.0.0\", 8080)).unwrap().run(); }\n".into(),
                ),
            ]
        })
        .collect()
}

/// A compose file written as minified JSON: every service on one line.
fn minified_compose(n: usize) -> Vec<(String, String)> {
    let services: Vec<String> = (0..n)
        .map(|i| format!(r#""s{i}": {{"image": "app{i}:1", "container_name": "c{i}"}}"#))
        .collect();
    vec![(
        "docker-compose.yml".into(),
        format!("{{\"services\": {{{}}}}}\n", services.join(", ")),
    )]
}

/// Anchored sequences nested 100 deep, each holding `n / 100` scalars and no alias.
fn nested_anchors(n: usize) -> Vec<(String, String)> {
    let per_level = "1,".repeat(n / 100);
    let open: String = (0..100).map(|i| format!("&a{i} [{per_level}")).collect();
    vec![(
        "data.yaml".into(),
        format!("x: {open}{}\n", "]".repeat(100)),
    )]
}

/// A binary running `n` programs, and `n / 10` Dockerfiles that could build it: each
/// finding relates to every Dockerfile.
fn commands_and_dockerfiles(n: usize) -> Vec<(String, String)> {
    let calls: String = (0..n)
        .map(|i| format!("    Command::new(\"tool{i}\").status().unwrap();\n"))
        .collect();
    let mut files = vec![
        (
            "Cargo.toml".into(),
            "[package]\nname = \"cmdx\"\nversion = \"0.1.0\"\n".into(),
        ),
        (
            "src/main.rs".into(),
            format!("use std::process::Command;\nfn main() {{\n{calls}}}\n"),
        ),
    ];
    for j in 0..n / 10 {
        files.push((
            format!("d{j}/Dockerfile"),
            format!(
                "FROM debian:12\nCOPY . .\nCMD [\"/cmdx\"]\n{}",
                "RUN echo padding\n".repeat(20)
            ),
        ));
    }
    files
}

/// An env file of `n` secrets.
fn many_secrets(n: usize) -> Vec<(String, String)> {
    let lines: String = (0..n)
        .map(|i| format!("API_KEY_{i}=sk_live_{i:08}abcdefghijklmnopqrstuv\n"))
        .collect();
    vec![("deploy/prod.env".into(), lines)]
}

/// A server whose one function holds `n` local-disk writes, each under its own feature
/// `cfg` inside a feature-gated module: every finding asks which `cfg`s hold it.
fn feature_gated_findings(n: usize) -> Vec<(String, String)> {
    let writes: String = (0..n)
        .map(|i| format!("        #[cfg(feature = \"f{i}\")]\n        std::fs::write(\"data/{i}\", \"\").unwrap();\n"))
        .collect();
    vec![
        (
            "Cargo.toml".into(),
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n\n[features]\ndefault = [\"all\"]\nall = []\n".into(),
        ),
        (
            "src/main.rs".into(),
            format!("#[cfg(feature = \"all\")]\nmod m {{\n    pub fn f() {{\n{writes}    }}\n}}\nfn main() {{ axum::serve(l, app); }}\n"),
        ),
    ]
}

/// One `EXPOSE` listing `n` ports and one `RUN` installing `n` packages.
fn long_instruction_lines(n: usize) -> Vec<(String, String)> {
    let ports: String = (0..n).map(|i| format!(" {}", 1024 + i % 60_000)).collect();
    let packages: String = (0..n).map(|i| format!(" pkg{i}")).collect();
    vec![(
        "Dockerfile".into(),
        format!(
            "FROM debian:12\nEXPOSE{ports}\nRUN apt-get install -y{packages} && curl -fsSL https://x.example/i.sh | sh\nCMD [\"/app\"]\n"
        ),
    )]
}

/// A Rust method chain of `n` calls, each with a comma among its arguments.
fn method_chain(n: usize) -> Vec<(String, String)> {
    let chain = ".with(a, b)".repeat(n);
    vec![
        (
            "Cargo.toml".into(),
            "[package]\nname = \"chain\"\nversion = \"0.1.0\"\n".into(),
        ),
        (
            "src/main.rs".into(),
            format!(
                "use std::process::Command;\nfn main() {{ let x = Command::new(\"ls\"){chain}; std::fs::write(\"/tmp/x\", \"\").unwrap(); }}\n"
            ),
        ),
    ]
}

/// A workspace of `n` member crates listed by `n / 10` globs.
fn member_globs(n: usize) -> Vec<(String, String)> {
    let globs: Vec<String> = (0..n / 10).map(|g| format!("\"g{g}/*\"")).collect();
    let mut files = vec![(
        "Cargo.toml".into(),
        format!("[workspace]\nmembers = [{}]\n", globs.join(", ")),
    )];
    for i in 0..n {
        files.push((
            format!("g{}/m{i}/Cargo.toml", i / 10),
            format!("[package]\nname = \"m{i}\"\nversion = \"0.1.0\"\n"),
        ));
        files.push((
            format!("g{}/m{i}/src/lib.rs", i / 10),
            "pub fn f() {}\n".into(),
        ));
    }
    files
}

/// A production and a development compose file of `n` backing services each, whose
/// versions all differ.
fn drifting_composes(n: usize) -> Vec<(String, String)> {
    let compose = |major: usize| -> String {
        let body: String = (0..n)
            .map(|i| format!("  db{i}:\n    image: postgres:{}.{i}\n", major))
            .collect();
        format!("services:\n{body}")
    };
    vec![
        ("docker-compose.yml".into(), compose(16)),
        ("docker-compose.dev.yml".into(), compose(13)),
    ]
}

/// A Rust table of `n` token-shaped literals beside as many non-matching patterns, each a
/// candidate whose neighbours are tried as the pattern it might be a sample of; and `n`
/// `hadolint ignore` comments in a row.
fn pattern_tables(n: usize) -> Vec<(String, String)> {
    let rows: String = (0..n)
        .map(|i| format!("    (\"p{i}\", \"^x{i}$\", \"ghp_{i:036}\"),\n"))
        .collect();
    let comments = "# hadolint ignore=DL3008,DL3018\n".repeat(n);
    vec![
        (
            "Cargo.toml".into(),
            "[package]\nname = \"tables\"\nversion = \"0.1.0\"\n".into(),
        ),
        (
            "src/main.rs".into(),
            format!("static T: &[(&str, &str, &str)] = &[\n{rows}];\nfn main() {{}}\n"),
        ),
        (
            "Dockerfile".into(),
            format!("FROM debian:12\n{comments}RUN apt-get install -y curl\n"),
        ),
    ]
}

/// `n` suppression comments in a row above one finding, in a Dockerfile and in Rust.
fn suppression_runs(n: usize) -> Vec<(String, String)> {
    let dockerfile = "# twelve-lint: ignore[TF0205] mirrored\n".repeat(n);
    let rust = "// twelve-lint: ignore[TF0601] scratch\n".repeat(n);
    vec![
        (
            "Dockerfile".into(),
            format!("{dockerfile}FROM debian:latest\nCMD [\"/app\"]\n"),
        ),
        (
            "Cargo.toml".into(),
            "[package]\nname = \"sup\"\nversion = \"0.1.0\"\n".into(),
        ),
        (
            "src/main.rs".into(),
            format!("fn main() {{\n{rust}    std::fs::write(\"/tmp/x\", \"\").unwrap();\n}}\n"),
        ),
    ]
}

/// Directories nested `n` deep, each with its own `.gitignore`, and a Dockerfile at
/// the bottom.
fn nested_ignore_files(n: usize) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut dir = String::new();
    for i in 0..n {
        files.push((format!("{dir}.gitignore"), format!("skip{i}\n*.tmp{i}\n")));
        dir.push_str("d/");
    }
    files.push((format!("{dir}Dockerfile"), "FROM debian:latest\n".into()));
    files
}

fn generate(root: &Path, files: &[(String, String)]) {
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

/// A shell running `script` in `dir`, where `"$@"` is the binary (with the
/// environment [`twelve_lint_preview`] gives it) linting `dir` as JSON.
fn in_shell(dir: &Path, script: &str) -> std::process::Command {
    let plain = twelve_lint_preview(dir);
    let mut cmd = std::process::Command::new("sh");
    cmd.current_dir(dir).arg("-c").arg(script).arg("sh");
    cmd.arg(plain.get_program());
    for (key, value) in plain.get_envs() {
        match value {
            Some(v) => cmd.env(key, v),
            None => cmd.env_remove(key),
        };
    }
    cmd.args(["--isolated", "--format", "json", "."]);
    cmd
}

/// Lint `dir` under an address-space limit (`ulimit -v`: KB or `unlimited`);
/// the run must exit 0 or 1 with a JSON report.
fn lint(dir: &Path, limit: &str) -> serde_json::Value {
    let mut cmd = in_shell(dir, &format!("ulimit -v {limit} && exec \"$@\""));
    let (status, stdout, stderr) = run(&mut cmd);
    assert!(status == 0 || status == 1, "exit {status}\n{stderr}");
    serde_json::from_str(&stdout).expect("a JSON report")
}

/// The least CPU time (user and system, all threads) of three runs over `files`:
/// unlike wall time, it does not grow when other work shares the machine.
fn time(files: &[(String, String)]) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), files);
    (0..3)
        .map(|_| {
            let mut cmd = in_shell(dir.path(), "\"$@\" >/dev/null 2>&1; times");
            let (_, stdout, _) = run(&mut cmd);
            // `times`: the shell's own user and system time, then its children's.
            let children = stdout.lines().nth(1).expect("children's times");
            children
                .split_whitespace()
                .map(|t| {
                    let (min, sec) = t.trim_end_matches('s').split_once('m').unwrap();
                    Duration::from_secs_f64(
                        min.parse::<f64>().unwrap() * 60.0 + sec.parse::<f64>().unwrap(),
                    )
                })
                .sum()
        })
        .min()
        .unwrap()
}

/// Address space each memory shape runs in: 1 GB.
const MEMORY_LIMIT: &str = "1048576";

#[test]
fn time_grows_linearly() {
    let shapes: &[(&str, Shape, usize)] = &[
        // Sized so the smaller run takes 15 or more of `times`'s 10 ms ticks.
        ("stage chain", stage_chain, 24_000),
        (
            "rolling sources down a chain",
            rolling_sources_down_a_chain,
            6_000,
        ),
        ("clones in one stage", clones_in_one_stage, 40_000),
        ("clones in one script", clones_in_one_script, 40_000),
        ("same-named crates", same_name_crates, 600),
        ("minified compose", minified_compose, 15_000),
        ("many secrets", many_secrets, 20_000),
        ("feature-gated findings", feature_gated_findings, 3_000),
        // Large enough that the smaller run takes several of `times`'s 10 ms ticks.
        ("long instruction lines", long_instruction_lines, 80_000),
        ("method chain", method_chain, 20_000),
        ("member globs", member_globs, 1_000),
        ("drifting composes", drifting_composes, 10_000),
        ("suppression runs", suppression_runs, 20_000),
        ("nested ignore files", nested_ignore_files, 400),
        ("pattern tables", pattern_tables, 1_000),
    ];
    let mut failures = Vec::new();
    for &(name, shape, n) in shapes {
        let small = time(&shape(n));
        let large = time(&shape(4 * n));
        // `times` counts in clock ticks (10 ms): a run under one tick reads as 0.
        let ratio = large.as_secs_f64() / small.as_secs_f64().max(0.01);
        eprintln!("{name}: {small:?} at N={n}, {large:?} at 4N: ×{ratio:.1}");
        if ratio > MAX_RATIO {
            failures.push(format!("{name}: ×{ratio:.1} ({small:?} → {large:?})"));
        }
    }
    assert!(failures.is_empty(), "super-linear: {failures:?}");
}

#[test]
fn memory_stays_bounded() {
    let shapes: &[(&str, Vec<(String, String)>)] = &[
        ("call chain", call_chain(38_000)),
        ("nested anchors", nested_anchors(250_000)),
        ("commands × Dockerfiles", commands_and_dockerfiles(3_000)),
    ];
    for (name, files) in shapes {
        let dir = tempfile::tempdir().unwrap();
        generate(dir.path(), files);
        let report = lint(dir.path(), MEMORY_LIMIT);
        assert!(report["diagnostics"].is_array(), "{name}: {report}");
    }
}

/// Under a tight address-space limit the walk starts only the threads that fit, and
/// when none fits it says so: it never waits forever for a worker that did not start.
#[test]
fn tight_address_space_never_hangs() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), &stage_chain(10));
    for limit in ["262144", "131072"] {
        let script = format!("ulimit -v {limit} && exec timeout 60 \"$@\"");
        let (status, stdout, stderr) = run(&mut in_shell(dir.path(), &script));
        match status {
            0 | 1 => assert!(stdout.contains("\"diagnostics\""), "{limit}: {stdout}"),
            2 => assert!(stderr.contains("address-space limit"), "{limit}: {stderr}"),
            _ => panic!("{limit}: exit {status}\n{stderr}"),
        }
    }
}

/// A rule reports at most 200 findings per file, and a report shows at most 10,000:
/// the rest are counted, in the message, the summary and the exit code.
#[test]
fn findings_are_capped_and_counted() {
    let dir = tempfile::tempdir().unwrap();
    let compose = |services: usize| -> String {
        let body: String = (0..services)
            .map(|i| format!("  s{i}:\n    image: app{i}\n"))
            .collect();
        format!("services:\n{body}")
    };
    let mut files = vec![("big/docker-compose.prod.yml".to_string(), compose(300))];
    files.extend((0..55).map(|i| (format!("d{i}/docker-compose.prod.yml"), compose(200))));
    generate(dir.path(), &files);
    let report = lint(dir.path(), MEMORY_LIMIT);
    let diags = report["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 10_000);
    let big: Vec<_> = diags
        .iter()
        .filter(|d| d["path"] == "big/docker-compose.prod.yml" && d["code"] == "TF0502")
        .collect();
    assert_eq!(big.len(), 200);
    let last = big.last().unwrap()["message"].as_str().unwrap();
    assert!(
        last.ends_with("(100 more findings of this rule in this file not shown)"),
        "{last}"
    );
    let warnings = report["summary"]["warning"].as_u64().unwrap();
    assert!(warnings > 10_000, "{warnings}");
    assert_eq!(report["summary"]["not_shown"], warnings - 10_000);
}

/// Paths, names and values from the repository cannot issue CI workflow commands,
/// drive the terminal or add markup in any format.
#[test]
fn output_cannot_issue_ci_commands() {
    let dir = tempfile::tempdir().unwrap();
    let service = "\"##[error]x<img src=y>![a](b)\"";
    generate(
        dir.path(),
        &[
            (
                "::error title=forged::pwned/docker-compose.yml".into(),
                format!(
                    "services:\n  {service}:\n    build: .\n    scale: 2\n    container_name: \"c\\e[31m##[add-mask]\"\n"
                ),
            ),
            (
                "::error title=forged::pwned/Dockerfile".into(),
                "FROM rust:latest\nCMD [\"/app\"]\n".into(),
            ),
        ],
    );
    for format in [
        "human", "concise", "github", "markdown", "json", "sarif", "gitlab", "rdjson", "junit",
    ] {
        let mut cmd = twelve_lint_preview(dir.path());
        cmd.args(["--isolated", "--format", format, "--color", "always", "."]);
        let (status, stdout, stderr) = run(&mut cmd);
        assert_eq!(status, 1, "{format}: {stderr}");
        assert!(
            stdout.contains("pwned"),
            "{format}: the hostile files were linted\n{stdout}"
        );
        for (stream, text) in [("stdout", &stdout), ("stderr", &stderr)] {
            assert!(!text.contains("##["), "{format} {stream}:\n{text}");
            for line in text.lines() {
                let own = format == "github"
                    && stream == "stdout"
                    && ["::error file=", "::warning file=", "::notice file="]
                        .iter()
                        .any(|p| line.starts_with(p));
                assert!(
                    own || !line.trim_start().starts_with("::"),
                    "{format} {stream}: {line}"
                );
            }
        }
        if format != "human" {
            assert!(!stdout.contains('\u{1b}'), "{format}: raw escape\n{stdout}");
        }
        if format == "markdown" {
            let raw = stdout.replace("\\<img", "").replace("\\!\\[", "");
            assert!(
                !raw.contains("<img") && !raw.contains("!["),
                "markup passed through:\n{stdout}"
            );
        }
    }
}

/// Config is read only from inside the repository, never through a link, and only up
/// to a size; a repository's config cannot raise `max-file-size` past the ceiling.
#[test]
fn config_stays_inside_the_repository() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("twelve-lint.toml"),
        "ignore = [\"TF0201\"]\n",
    )
    .unwrap();
    let repo = outer.path().join("repo");
    generate(
        &repo,
        &[(
            "Dockerfile".into(),
            "FROM rust:latest\nCMD [\"/app\"]\n".into(),
        )],
    );
    common::git_commit_all(&repo);
    let lint_repo = || {
        let mut cmd = twelve_lint_preview(&repo);
        cmd.args(["--format", "concise", "."]);
        run(&mut cmd)
    };
    let (status, stdout, stderr) = lint_repo();
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stdout.contains("TF0201"),
        "config above the git root applied:\n{stdout}"
    );

    std::os::unix::fs::symlink(
        outer.path().join("twelve-lint.toml"),
        repo.join("twelve-lint.toml"),
    )
    .unwrap();
    let (status, _, stderr) = lint_repo();
    assert_eq!(status, 2, "a linked config was read: {stderr}");
    assert!(stderr.contains("links are not followed"), "{stderr}");
    std::fs::remove_file(repo.join("twelve-lint.toml")).unwrap();

    let huge = format!("# {}\n", "x".repeat(2 * 1024 * 1024));
    std::fs::write(repo.join("twelve-lint.toml"), huge).unwrap();
    let (status, _, stderr) = lint_repo();
    assert_eq!(status, 2, "{stderr}");
    assert!(stderr.contains("byte limit"), "{stderr}");

    std::fs::write(
        repo.join("twelve-lint.toml"),
        "max-file-size = 1000000000\n",
    )
    .unwrap();
    std::fs::write(repo.join("big.yaml"), "a: 1\n".repeat(14 * 1024 * 1024)).unwrap();
    let (_, stdout, stderr) = lint_repo();
    assert!(
        stdout.contains("big.yaml:1:1: TF0004"),
        "the config raised the size limit past the ceiling:\n{stdout}{stderr}"
    );
}

/// A pull request cannot hide a tracked file from the gate with an ignore file, nor
/// exhaust memory with a huge one.
#[test]
fn tracked_files_are_linted_whatever_ignore_files_say() {
    let dockerfile = "FROM rust:latest\nCMD [\"/app\"]\n";
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &[
            ("Dockerfile".into(), dockerfile.into()),
            ("svc/Dockerfile".into(), dockerfile.into()),
            (".gitignore".into(), "Dockerfile\n".into()),
            ("svc/.ignore".into(), "*\n".into()),
        ],
    );
    let repo = git2::Repository::init(dir.path()).unwrap();
    let mut index = repo.index().unwrap();
    for path in ["Dockerfile", "svc/Dockerfile", ".gitignore", "svc/.ignore"] {
        index.add_path(Path::new(path)).unwrap();
    }
    index.write().unwrap();
    let lint_repo = || {
        let mut cmd = twelve_lint_preview(dir.path());
        cmd.args(["--format", "concise", "."]);
        run(&mut cmd)
    };
    let (status, stdout, stderr) = lint_repo();
    assert_eq!(status, 1, "{stderr}");
    for path in ["Dockerfile", "svc/Dockerfile"] {
        assert!(
            stdout.contains(&format!("\n{path}:1:6: TF0201"))
                || stdout.starts_with(&format!("{path}:1:6: TF0201")),
            "{path} not linted:\n{stdout}"
        );
    }
    // Untracked files still follow the ignore files.
    std::fs::write(dir.path().join("svc/extra.Dockerfile"), dockerfile).unwrap();
    let (_, stdout, _) = lint_repo();
    assert!(!stdout.contains("extra.Dockerfile"), "{stdout}");

    let huge: String = (0..150_000)
        .map(|i| format!("pattern{i}/**/x*y\n"))
        .collect();
    std::fs::write(dir.path().join("svc/.ignore"), huge).unwrap();
    let report = lint(dir.path(), MEMORY_LIMIT);
    let notes: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "TF0004")
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(notes, ["svc/.ignore"], "{report}");
}

/// Outside git too, a huge ignore file is not applied (its directory is linted as if it
/// were absent), and a directory nested deeper than the walk goes gets a note.
#[test]
fn walk_bounds_hold_outside_git() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}Dockerfile", "d/".repeat(70));
    let huge: String = (0..150_000)
        .map(|i| format!("pattern{i}/**/x*y\n"))
        .chain(["Dockerfile\n".to_string()])
        .collect();
    generate(
        dir.path(),
        &[
            ("svc/Dockerfile".into(), "FROM rust:latest\n".into()),
            ("svc/.gitignore".into(), huge),
            (deep, "FROM rust:latest\n".into()),
        ],
    );
    let report = lint(dir.path(), MEMORY_LIMIT);
    let found: Vec<(&str, &str)> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["code"].as_str().unwrap(), d["path"].as_str().unwrap()))
        .collect();
    assert!(found.contains(&("TF0201", "svc/Dockerfile")), "{found:?}");
    assert!(found.contains(&("TF0004", "svc/.gitignore")), "{found:?}");
    let cut = "d/".repeat(65);
    assert!(
        found.contains(&("TF0004", cut.trim_end_matches('/'))),
        "{found:?}"
    );
}

/// `--diff` line-diffs only changed files of linted kinds within the size limit; a
/// large changed file of another kind beside them does not stop the linted change
/// from being reported.
#[test]
fn diff_reads_only_linted_files() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        dir.path(),
        &[(
            "Dockerfile".into(),
            "FROM rust:1.82\nCMD [\"/app\"]\n".into(),
        )],
    );
    common::git_commit_all(dir.path());
    std::fs::write(
        dir.path().join("Dockerfile"),
        "FROM rust:latest\nCMD [\"/app\"]\n",
    )
    .unwrap();
    let line = format!("{}\n", "a".repeat(79));
    std::fs::write(dir.path().join("notes.txt"), line.repeat(100_000)).unwrap();
    let mut cmd = twelve_lint_preview(dir.path());
    cmd.args(["--diff", "HEAD", "--format", "concise", "."]);
    let (status, stdout, stderr) = run(&mut cmd);
    assert_eq!(status, 1, "{stderr}");
    assert!(stdout.contains("Dockerfile:1:6: TF0201"), "{stdout}");
}
