//! End-to-end tests of the command line: exit codes, formats, config, selection.

mod common;

use common::{repo_with, run, twelve_lint, twelve_lint_preview};

const BAD_DOCKERFILE: &[u8] = b"FROM rust\nCMD [\"app\"]\n";

#[test]
fn exit_codes_follow_the_threshold() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["--isolated"]));
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        out,
        "Dockerfile:1:6: TF0201 [warning] base image `rust` has no tag, so it floats to whatever `latest` is at build time\n"
    );
    let (code, _, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--fail-on", "error"]));
    assert_eq!(code, 0);
    let (code, _, _) = run(twelve_lint_preview(dir.path()).args(["--isolated", "--exit-zero"]));
    assert_eq!(code, 0);
    let clean = repo_with(&[("Dockerfile", b"FROM rust:1.83\n")]);
    let (code, out, err) = run(twelve_lint_preview(clean.path()).args(["--isolated"]));
    assert_eq!((code, out.as_str()), (0, ""));
    assert!(
        err.contains("0 error(s), 0 warning(s), 0 note(s) in 1 file(s)"),
        "{err}"
    );
}

#[test]
fn notes_do_not_fail_by_default() {
    let dir = repo_with(&[("settings.yaml", b"level: [\n")]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["--isolated"]));
    assert_eq!(code, 0);
    assert!(out.contains("TF0001 [note]"), "{out}");
    let (code, _, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--fail-on", "note"]));
    assert_eq!(code, 1);
}

/// A compose file or Kubernetes manifest that does not parse fails the default gate;
/// a template that needs rendering stays a note.
#[test]
fn broken_manifests_are_warnings() {
    let dir = repo_with(&[
        ("compose.yaml", b"services: [\n"),
        (
            "k8s/app.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nspec: {\n",
        ),
        ("stack.yml", b"services:\n  web: [image: app\n"),
        (
            "chart/templates/svc.yaml",
            b"apiVersion: v1\nkind: Service\n{{- if .x }}\n  a: [\n",
        ),
    ]);
    let (code, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--select", "TF0001,TF0502"]));
    assert_eq!(code, 1, "{out}");
    let found: Vec<&str> = out
        .lines()
        .map(|l| l.split(": TF0001 ").next().unwrap_or(l))
        .collect();
    assert_eq!(found.len(), 4, "{out}");
    for path in ["compose.yaml", "k8s/app.yaml", "stack.yml"] {
        assert!(
            out.lines()
                .any(|l| l.starts_with(path) && l.contains("TF0001 [warning]")),
            "{path}: {out}"
        );
    }
    assert!(
        out.lines()
            .any(|l| l.starts_with("chart/templates/svc.yaml") && l.contains("TF0001 [note]")),
        "{out}"
    );
    // A default run, whose other rules read no YAML, still fails on a broken manifest.
    let (code, out, _) = run(twelve_lint(dir.path()).args(["--isolated", "--format", "concise"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("k8s/app.yaml") && l.contains("TF0001 [warning]")),
        "{out}"
    );
}

#[test]
fn helm_charts_not_rendered_are_notices_not_findings() {
    let dir = repo_with(&[
        (
            "charts/api/Chart.yaml",
            b"apiVersion: v2\nname: api\nversion: 1.0.0\n",
        ),
        (
            "charts/api/values.yaml",
            b"image:\n  repository: api\n  tag: 1.2.3\n",
        ),
        (
            "charts/api/templates/deployment.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\n{{- if .Values.x }}\n  a: [\n",
        ),
    ]);
    let notice = "charts/api/Chart.yaml: Helm chart `charts/api`: its 1 template file(s) are not rendered by Helm";
    // Nothing in the repository is wrong: no finding, and the run passes.
    let (code, out, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "concise"]));
    assert_eq!((code, out.as_str()), (0, ""), "{err}");
    assert!(
        err.contains(&format!("twelve-lint: note: {notice}")),
        "{err}"
    );
    assert!(
        err.contains("`helm template charts/api > rendered.yaml`"),
        "{err}"
    );
    let (_, _, err) = run(twelve_lint_preview(dir.path()).args(["--isolated", "--quiet"]));
    assert_eq!(err, "");
    let (_, out, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "json"]));
    assert!(!err.contains("twelve-lint: note"), "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(0));
    assert_eq!(v["notices"][0]["path"], "charts/api/Chart.yaml");
    assert!(
        v["notices"][0]["help"]
            .as_str()
            .unwrap()
            .contains("helm template")
    );
    let (_, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "sarif"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let run0 = &v["runs"][0];
    assert_eq!(run0["results"].as_array().map(Vec::len), Some(0));
    let n = &run0["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(n["level"], "note");
    assert_eq!(
        n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "charts/api/Chart.yaml"
    );
}

#[test]
fn usage_and_config_errors_exit_2() {
    let dir = repo_with(&[
        ("Dockerfile", BAD_DOCKERFILE),
        (
            "twelve-lint.toml",
            b"fail-on = \"warning\"\nselekt = [\"TF02\"]\n",
        ),
    ]);
    let (code, _, err) = run(&mut twelve_lint_preview(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("twelve-lint.toml:2:")
            && err.contains("unknown field `selekt`")
            && err.contains("`select`"),
        "{err}"
    );
    let (code, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--select", "TF99"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule selector `TF99`"), "{err}");
    let (code, _, _) = run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "xml"]));
    assert_eq!(code, 2);
    let (code, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "does-not-exist"]));
    assert_eq!(code, 2);
    assert!(err.contains("does-not-exist"), "{err}");
    let (code, _, err) = run(twelve_lint_preview(dir.path()).args(["rule", "TF9999"]));
    assert_eq!(code, 2);
    assert!(err.contains("unknown rule"), "{err}");
}

#[test]
fn environment_variables_configure_like_flags() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (code, out, _) = run(twelve_lint_preview(dir.path())
        .args(["--isolated"])
        .env("TWELVE_LINT_IGNORE", "TF02"));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(twelve_lint_preview(dir.path())
        .args(["--isolated"])
        .env("TWELVE_LINT_FORMAT", "github"));
    assert_eq!(code, 1);
    assert!(
        out.starts_with("::warning file=Dockerfile,line=1,col=6,"),
        "{out}"
    );
    let (_, out, _) = run(twelve_lint_preview(dir.path())
        .args(["--isolated"])
        .env("TWELVE_LINT_SEVERITY", "TF0201=error"));
    assert!(out.contains("TF0201 [error]"), "{out}");
}

#[test]
fn config_file_options_and_overrides() {
    let config = b"[[overrides]]\npaths = [\"legacy/**\"]\nignore = [\"TF0201\"]\n\n[rules.TF0201]\nallowed-images = [\"corp/base\"]\n";
    let dir = repo_with(&[
        ("twelve-lint.toml", config),
        ("legacy/Dockerfile", BAD_DOCKERFILE),
        ("corp/Dockerfile", b"FROM corp/base\n"),
        ("app/Dockerfile", BAD_DOCKERFILE),
    ]);
    let (code, out, _) = run(&mut twelve_lint_preview(dir.path()));
    assert_eq!(code, 1);
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        [
            "app/Dockerfile:1:6: TF0201 [warning] base image `rust` has no tag, so it floats to whatever `latest` is at build time"
        ]
    );
    let (_, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--option", "exclude = [\"app/\"]"]));
    assert_eq!(out, "");
}

#[test]
fn gitignored_files_are_skipped_unless_named_or_no_ignore() {
    let dir = repo_with(&[
        (".gitignore", b"out/\n"),
        ("out/Dockerfile", BAD_DOCKERFILE),
    ]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["--isolated"]));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["--isolated", "--no-ignore"]));
    assert_eq!(code, 1, "{out}");
    let (code, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "out/Dockerfile"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("out/Dockerfile:1:6: TF0201"), "{out}");
}

#[test]
fn paths_are_relative_to_the_repository_root() {
    let dir = repo_with(&[("svc/api/Dockerfile", BAD_DOCKERFILE)]);
    let (_, out, _) = run(twelve_lint_preview(&dir.path().join("svc")).args(["--isolated", "api"]));
    assert!(out.starts_with("svc/api/Dockerfile:1:6:"), "{out}");
}

#[test]
fn json_format_is_stable_and_complete() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (_, out, _) = run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], 1);
    let d = &v["diagnostics"][0];
    assert_eq!(d["code"], "TF0201");
    assert_eq!(d["name"], "unpinned-base-image");
    assert_eq!(d["severity"], "warning");
    assert_eq!(
        (d["line"].as_u64(), d["column"].as_u64()),
        (Some(1), Some(6))
    );
    assert_eq!(
        (d["end_line"].as_u64(), d["end_column"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(d["path"], "Dockerfile");
    assert!(d["help"].as_str().unwrap().contains("pin"));
    assert!(d["fingerprint"].as_str().unwrap().len() > 8);
    assert_eq!(v["summary"]["warning"], 1);
    assert_eq!(v["summary"]["files"], 1);
}

#[test]
fn sarif_has_rules_regions_fingerprints_and_suppressions() {
    let dir = repo_with(&[(
        "Dockerfile",
        b"FROM rust\n# twelve-lint: ignore[TF0201] mirrored and pinned by the platform\nFROM debian\n",
    )]);
    let (code, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "sarif"]));
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let run0 = &v["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    let secret = rules.iter().find(|r| r["id"] == "TF0301").unwrap();
    assert_eq!(secret["properties"]["security-severity"], "8.0");
    assert!(
        secret["helpUri"]
            .as_str()
            .unwrap()
            .ends_with("rules/TF0301.md")
    );
    let results = run0["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let loc = &results[0]["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "Dockerfile");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 1);
    assert_eq!(loc["region"]["startColumn"], 6);
    assert!(results[0]["suppressions"].is_null());
    assert_eq!(results[1]["suppressions"][0]["kind"], "inSource");
    assert_eq!(
        results[1]["suppressions"][0]["justification"],
        "mirrored and pinned by the platform"
    );
}

#[test]
fn fingerprints_survive_unrelated_lines_moving() {
    let fp = |dockerfile: &[u8]| {
        let dir = repo_with(&[("Dockerfile", dockerfile)]);
        let (_, out, _) =
            run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "json"]));
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        v["diagnostics"][0]["fingerprint"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert_eq!(fp(b"FROM rust\n"), fp(b"# a new comment\n\nFROM   rust\n"));
    assert_ne!(fp(b"FROM rust\n"), fp(b"FROM debian\n"));
}

#[test]
fn human_format_renders_snippets_without_colour_when_piped() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (_, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "human"]));
    assert!(out.contains("TF0201"), "{out}");
    assert!(out.contains("[Dockerfile:1:6]"), "{out}");
    assert!(out.contains(" 1 │ FROM rust"), "{out}");
    assert!(out.contains("help: pin a version tag"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "no escape codes when not on a terminal"
    );
}

#[test]
fn rules_and_rule_subcommands() {
    let dir = repo_with(&[]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["rules"]));
    assert_eq!(code, 0);
    assert!(out.contains("TF0201") && out.contains("unpinned-base-image"));
    let (_, out, _) = run(twelve_lint_preview(dir.path()).args(["rules", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["code"] == "TF0301"));
    let (_, out, _) = run(twelve_lint_preview(dir.path()).args(["rules", "--format", "markdown"]));
    assert!(out.starts_with("| Code |"));
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args(["rule", "hardcoded-secret"]));
    assert_eq!(code, 0);
    assert!(out.starts_with("# TF0301 hardcoded-secret"));
    let (code, out, _) =
        run(twelve_lint_preview(dir.path()).args(["check", "--isolated", "--format", "concise"]));
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn terminal_escapes_in_files_never_reach_the_output_raw() {
    let dir = repo_with(&[("Dockerfile", b"FROM rust \x1b[31m\n")]);
    for format in ["human", "concise", "github"] {
        let (_, out, _) =
            run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", format]));
        assert!(!out.contains('\u{1b}'), "{format}: {out:?}");
    }
}

#[test]
fn output_is_identical_across_runs_and_job_counts() {
    let files: Vec<(String, Vec<u8>)> = (0..40)
        .map(|i| {
            (
                format!("svc{i}/Dockerfile"),
                format!("FROM rust\nENV DATABASE_URL=postgres://u:Pw{i}x9Kq@db/app\n").into_bytes(),
            )
        })
        .collect();
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_slice()))
        .collect();
    let dir = repo_with(&refs);
    let outputs: Vec<String> = ["1", "2", "8", "2"]
        .iter()
        .map(|jobs| {
            run(twelve_lint_preview(dir.path()).args([
                "--isolated",
                "--format",
                "sarif",
                "--jobs",
                jobs,
            ]))
            .1
        })
        .collect();
    assert!(outputs.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(outputs[0].matches("\"ruleId\"").count(), 80);
}

/// A default run enables stable rules only; preview rules need `--preview`, the config key,
/// the environment variable, or their own code.
#[test]
fn preview_rules_run_only_when_asked_for() {
    let dir = repo_with(&[(
        "Dockerfile",
        b"FROM rust:1.80\nCMD [\"cargo\", \"run\", \"--release\"]\n",
    )]);
    let finding = "Dockerfile:2:6: TF0501";
    let (code, out, _) = run(twelve_lint(dir.path()).args(["--isolated", "--format", "concise"]));
    assert_eq!((code, out.as_str()), (0, ""), "TF0501 is in preview");
    for args in [
        &["--preview"][..],
        &["--select", "TF0501"],
        &["--select", "build-at-runtime"],
        &["--option", "preview = true"],
    ] {
        let (code, out, err) = run(twelve_lint(dir.path())
            .args(["--isolated", "--format", "concise"])
            .args(args));
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(out.starts_with(finding), "{args:?}: {out}");
    }
    let (_, out, _) = run(twelve_lint(dir.path()).args([
        "--isolated",
        "--format",
        "concise",
        "--select",
        "TF05",
    ]));
    assert!(
        out.is_empty(),
        "a factor prefix selects stable rules only: {out}"
    );
    let (code, out, _) = run(twelve_lint(dir.path())
        .env("TWELVE_LINT_PREVIEW", "true")
        .args(["--isolated", "--format", "concise"]));
    assert!(code == 1 && out.starts_with(finding), "{out}");
    let (_, table, _) = run(twelve_lint(dir.path()).args(["rules"]));
    let row = |code: &str| {
        table
            .lines()
            .find(|l| l.starts_with(code))
            .unwrap()
            .to_string()
    };
    assert!(row("TF0501").contains("preview"), "{}", row("TF0501"));
    assert!(row("TF0201").contains("stable"), "{}", row("TF0201"));
}

/// `deployments` explains the role of every file with the signal that decided it.
#[test]
fn deployments_explains_each_files_role() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM rust:1.80\n"),
        ("Dockerfile.tools", b"FROM rust\n"),
        (
            "docker-compose.dev.yml",
            b"services:\n  app:\n    build: .\n  tools:\n    build:\n      context: .\n      dockerfile: Dockerfile.tools\n",
        ),
        (
            ".github/workflows/image.yml",
            b"jobs:\n  image:\n    steps:\n      - run: docker build -t app .\n",
        ),
        (".devcontainer/Dockerfile", b"FROM rust\n"),
        ("tests/it.rs", b"#[test]\nfn t() {}\n"),
        ("sandbox/Dockerfile", b"FROM rust\n"),
        (
            "twelve-lint.toml",
            b"[roles]\ndevelopment = [\"sandbox/\"]\n",
        ),
    ]);
    let (code, out, err) = run(twelve_lint(dir.path()).args(["deployments", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let role = |path: &str| {
        let file = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == path)
            .unwrap_or_else(|| panic!("{path} listed: {out}"));
        (
            file["role"].as_str().unwrap().to_string(),
            file["signal"].as_str().unwrap().to_string(),
        )
    };
    // The dev compose file builds both images, but a pipeline builds the default one.
    assert_eq!(role("Dockerfile").0, "production");
    assert_eq!(
        role("Dockerfile.tools"),
        (
            "development".into(),
            "only service `tools` of `docker-compose.dev.yml` (development) builds it, and no build pipeline does".into()
        )
    );
    assert_eq!(
        role("docker-compose.dev.yml"),
        ("development".into(), "file name part `dev`".into())
    );
    assert_eq!(
        role(".devcontainer/Dockerfile"),
        ("development".into(), "directory `.devcontainer/`".into())
    );
    assert_eq!(role("tests/it.rs").0, "test");
    assert_eq!(
        role("sandbox/Dockerfile"),
        ("development".into(), "`[roles]` in the config".into())
    );
    let (_, text, _) = run(twelve_lint(dir.path()).args(["deployments"]));
    assert!(
        text.contains("development (4 files)\n")
            && text.contains("  tests/it.rs  (directory `tests/`)\n"),
        "{text}"
    );
}

/// Boolean `TWELVE_LINT_*` variables read the way CI systems write them.
#[test]
fn boolean_variables_accept_common_spellings() {
    let dir = repo_with(&[(
        "Dockerfile",
        b"FROM rust:1.80\nCMD [\"cargo\", \"run\", \"--release\"]\n",
    )]);
    for (value, on) in [
        ("1", true),
        ("yes", true),
        ("true", true),
        ("on", true),
        ("", false),
        ("0", false),
        ("no", false),
        ("false", false),
        ("off", false),
    ] {
        let (code, out, err) = run(twelve_lint(dir.path())
            .env("TWELVE_LINT_PREVIEW", value)
            .args(["--isolated", "--format", "concise"]));
        assert_eq!(code, i32::from(on), "TWELVE_LINT_PREVIEW={value:?}: {err}");
        assert_eq!(!out.is_empty(), on, "TWELVE_LINT_PREVIEW={value:?}: {out}");
    }
    // A value that is no switch is an error naming the variable it came from.
    let (code, _, err) = run(twelve_lint(dir.path())
        .env("TWELVE_LINT_PREVIEW", "maybe")
        .args(["--isolated"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid value 'maybe' for TWELVE_LINT_PREVIEW (read for '--preview')"),
        "{err}"
    );
    let (code, _, err) = run(twelve_lint(dir.path())
        .env("TWELVE_LINT_FAIL_ON", "fatal")
        .args(["--isolated"]));
    assert_eq!(code, 2);
    assert!(err.contains("TWELVE_LINT_FAIL_ON"), "{err}");
    let (_, _, err) = run(twelve_lint(dir.path()).args(["--isolated", "--fail-on", "fatal"]));
    assert!(!err.contains("TWELVE_LINT_FAIL_ON"), "{err}");
}

/// A module declared behind a cfg a production build excludes takes its files along:
/// `#[cfg(test)] mod helpers;` makes `helpers.rs` and `helpers/…` test code, and a
/// `#[cfg(windows)]` module is not deployed; a module without such a cfg stays.
#[test]
fn deployments_follow_cfg_excluded_module_declarations() {
    let dir = repo_with(&[
        (
            "Cargo.toml",
            b"[package]\nname = \"svc\"\nversion = \"0.1.0\"\n",
        ),
        (
            "src/main.rs",
            b"#[cfg(test)]\nmod helpers;\n#[cfg(windows)]\nmod service;\nmod net;\nfn main() {}\n",
        ),
        ("src/helpers.rs", b"pub fn h() {}\n"),
        ("src/helpers/fake_db.rs", b"pub fn f() {}\n"),
        ("src/service.rs", b"pub fn s() {}\n"),
        ("src/net.rs", b"#[cfg(test)]\nmod mock;\npub fn g() {}\n"),
        ("src/net/mock.rs", b"pub fn m() {}\n"),
    ]);
    let (code, out, err) = run(twelve_lint(dir.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("production (3 files)\n  Cargo.toml\n  src/main.rs\n  src/net.rs\n"),
        "{out}"
    );
    for test in [
        "src/helpers.rs",
        "src/helpers/fake_db.rs",
        "src/net/mock.rs",
    ] {
        assert!(out.contains(&format!("  {test}  (`mod ")), "{test}: {out}");
    }
    assert!(
        out.contains("not-deployed (1 files)\n  src/service.rs  (`mod service;` in src/main.rs"),
        "{out}"
    );
}

/// Rust packages that no production deployment file builds, code and manifest, are not
/// production; the workspace root's manifest stays with its deployed member.
#[test]
fn deployments_marks_packages_no_image_builds() {
    let server =
        b"[package]\nname = \"server\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n";
    let tool = b"[package]\nname = \"tool\"\nversion = \"0.1.0\"\n";
    let dir = repo_with(&[
        ("Cargo.toml", b"[workspace]\nmembers = [\"server\", \"tool\"]\n"),
        ("server/Cargo.toml", server),
        ("server/src/main.rs", b"fn main() {}\n"),
        ("tool/Cargo.toml", tool),
        ("tool/src/main.rs", b"fn main() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nRUN cargo build --release -p server\nFROM debian:bookworm-slim\nCOPY --from=build /target/release/server /server\nCMD [\"/server\"]\n",
        ),
    ]);
    let (code, out, err) = run(twelve_lint(dir.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("deployed packages (1)\n  server  (by Dockerfile)\n"),
        "{out}"
    );
    assert!(
        out.contains("production (4 files)\n  Cargo.toml\n  Dockerfile\n  server/Cargo.toml\n  server/src/main.rs\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "not-deployed (2 files)\n  tool/Cargo.toml  (package `tool` is not deployed: "
        ),
        "{out}"
    );
    assert!(
        out.contains("\n  tool/src/main.rs  (package `tool` is not deployed: "),
        "{out}"
    );
}

/// `deployments` lists each production artifact with the binaries it runs and the
/// packages it deploys: the stage of a multi-target Dockerfile that copies a binary in,
/// a compose service that builds the image, a Kubernetes container of a published image
/// named after a package, and a Procfile process; the binaries a compose or Kubernetes
/// start command names (through `sh -c` and a path). A development compose file deploys
/// nothing, and a backing service deploys no package of the repository.
#[test]
fn deployments_list_the_artifacts_and_the_binaries_they_run() {
    let api = b"[package]\nname = \"api\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n\n[[bin]]\nname = \"api-server\"\npath = \"src/main.rs\"\n";
    let worker = b"[package]\nname = \"worker\"\nversion = \"0.1.0\"\n";
    let files: [(&str, &[u8]); 10] = [
        ("Cargo.toml", b"[workspace]\nmembers = [\"api\", \"worker\"]\n"),
        ("api/Cargo.toml", api),
        ("api/src/main.rs", b"fn main() {}\n"),
        ("worker/Cargo.toml", worker),
        ("worker/src/main.rs", b"fn main() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked\n\nFROM debian:bookworm-slim AS api\nCOPY --from=build /app/target/release/api-server /usr/local/bin/api-server\nCMD [\"api-server\"]\n\nFROM debian:bookworm-slim AS worker\nCOPY --from=build /app/target/release/worker /usr/local/bin/worker\nCMD [\"worker\"]\n",
        ),
        (
            "docker-compose.prod.yml",
            b"services:\n  api:\n    build:\n      context: .\n      target: api\n    image: registry.example.com/api:1.4.2\n    command: [\"sh\", \"-c\", \"exec api-server --port 8080\"]\n  db:\n    image: postgres:16.4\n",
        ),
        (
            "docker-compose.dev.yml",
            b"services:\n  worker:\n    build:\n      context: .\n      target: worker\n    volumes:\n      - ./worker:/app/worker\n",
        ),
        (
            "k8s/worker.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: worker\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: worker\n  template:\n    metadata:\n      labels:\n        app: worker\n    spec:\n      containers:\n        - name: worker\n          image: registry.example.com/worker:1.4.2\n          command: [\"/usr/local/bin/worker\"]\n          args: [\"--queue\", \"jobs\"]\n",
        ),
        ("Procfile", b"web: ./target/release/api-server --port $PORT\n"),
    ];
    let repo = repo_with(&files);
    let (code, out, err) = run(twelve_lint(repo.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    let listing = "deployed artifacts (5)\n  \
         image Dockerfile, stage `api`: runs `api-server` of package `api`\n  \
         image Dockerfile, stage `worker`: runs `worker` of package `worker`\n  \
         process `web` in Procfile: runs `api-server` of package `api`\n  \
         compose service `api` in docker-compose.prod.yml (image registry.example.com/api:1.4.2): runs `api-server` of package `api`\n  \
         kubernetes container `worker` in k8s/worker.yaml (image registry.example.com/worker:1.4.2): runs `worker` of package `worker`\n";
    assert!(out.contains(listing), "{out}");
    let (code, json, err) = run(twelve_lint(repo.path()).args(["deployments", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let artifacts = v["artifacts"].as_array().unwrap();
    assert_eq!(artifacts.len(), 5, "{json}");
    assert_eq!(
        artifacts[0],
        serde_json::json!({"kind": "image", "path": "Dockerfile", "name": "stage `api`", "image": null, "runs": ["api-server"], "packages": ["api"]})
    );
}

/// The config files deployed as written, each with what deploys it: a `COPY` into the
/// runtime image, a system package's asset glob, a chart's default values. A config that
/// nothing ships is not listed.
#[test]
fn deployments_list_config_files_deployed_as_written() {
    let files: [(&str, &[u8]); 8] = [
        (
            "Cargo.toml",
            b"[package]\nname = \"relay\"\nversion = \"0.1.0\"\n\n[package.metadata.deb]\nassets = [\n  [\"packaging/etc/*\", \"/etc/relay/\", \"644\"],\n]\n",
        ),
        ("src/main.rs", b"fn main() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/relay /usr/local/bin/relay\nCOPY config/production.toml /etc/relay/config.toml\nCMD [\"relay\"]\n",
        ),
        ("config/production.toml", b"port = 7000\n"),
        ("config/sample.toml", b"port = 7001\n"),
        ("packaging/etc/logger.yaml", b"root:\n  level: info\n"),
        ("chart/Chart.yaml", b"apiVersion: v2\nname: relay\nversion: 0.1.0\n"),
        ("chart/values.yaml", b"image:\n  repository: relay\n  tag: 0.1.0\n"),
    ];
    let repo = repo_with(&files);
    let (code, out, err) = run(twelve_lint(repo.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    let listing = "config files deployed as written (3)\n  \
         chart/values.yaml  (the chart deploys these default values unless overridden: chart/Chart.yaml:1)\n  \
         config/production.toml  (copied into the image here: Dockerfile:8)\n  \
         packaging/etc/logger.yaml  (installed by the crate's system package (cargo-deb or cargo-generate-rpm assets): Cargo.toml:7)\n";
    assert!(out.contains(listing), "{out}");
    let (code, json, err) = run(twelve_lint(repo.path()).args(["deployments", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        v["deployed_configs"][1],
        serde_json::json!({"path": "config/production.toml", "by": {"path": "Dockerfile", "line": 8}, "how": "copied into the image here"})
    );
}

/// One image holding two packages' binaries: each compose service that builds it runs
/// the binary its command names, so it deploys that binary's package only.
#[test]
fn deployments_follow_each_service_command_to_its_package() {
    let files: [(&str, &[u8]); 7] = [
        ("Cargo.toml", b"[workspace]\nmembers = [\"api\", \"worker\"]\n"),
        ("api/Cargo.toml", b"[package]\nname = \"api\"\nversion = \"0.1.0\"\n"),
        ("api/src/main.rs", b"fn main() {}\n"),
        ("worker/Cargo.toml", b"[package]\nname = \"worker\"\nversion = \"0.1.0\"\n"),
        ("worker/src/main.rs", b"fn main() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/api /app/target/release/worker /usr/local/bin/\nCMD [\"api\"]\n",
        ),
        (
            "docker-compose.prod.yml",
            b"services:\n  api:\n    build: .\n    image: registry.example.com/app:1.4.2\n    command: [\"api\", \"--port\", \"8080\"]\n  jobs:\n    build: .\n    image: registry.example.com/app:1.4.2\n    command: /usr/local/bin/worker --queue jobs\n",
        ),
    ];
    let repo = repo_with(&files);
    let (code, out, err) = run(twelve_lint(repo.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "  compose service `api` in docker-compose.prod.yml (image registry.example.com/app:1.4.2): runs `api` of package `api`\n  \
             compose service `jobs` in docker-compose.prod.yml (image registry.example.com/app:1.4.2): runs `worker` of package `worker`\n"
        ),
        "{out}"
    );
}

/// A Kubernetes container runs the image a pipeline publishes, whatever its name: an image
/// named after the CLI package but pushed from the server's Dockerfile deploys the server,
/// and leaves the CLI (a tool for users' machines) undeployed.
#[test]
fn deployments_follow_published_images_to_their_dockerfile() {
    let cli = b"[package]\nname = \"app\"\nversion = \"0.1.0\"\n";
    let server = b"[package]\nname = \"app-server\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n";
    let files: [(&str, &[u8]); 8] = [
        ("Cargo.toml", b"[workspace]\nmembers = [\"app\", \"app-server\"]\n"),
        ("app/Cargo.toml", cli),
        ("app/src/main.rs", b"fn main() {}\n"),
        ("app-server/Cargo.toml", server),
        ("app-server/src/main.rs", b"fn main() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked -p app-server\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/app-server /usr/local/bin/app-server\nCMD [\"app-server\"]\n",
        ),
        (
            ".github/workflows/docker.yml",
            b"on:\n  push:\n    tags: ['v*']\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - uses: docker/build-push-action@v6\n        with:\n          file: Dockerfile\n          push: true\n          tags: ghcr.io/org/app:${{ github.ref_name }}\n",
        ),
        (
            "k8s/app.yaml",
            b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: app\n  template:\n    metadata:\n      labels:\n        app: app\n    spec:\n      containers:\n        - name: app\n          image: ghcr.io/org/app:1.2.0\n",
        ),
    ];
    let repo = repo_with(&files);
    let (code, out, err) = run(twelve_lint(repo.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("deployed packages (1)\n  app-server  (by Dockerfile, k8s/app.yaml)\n"),
        "{out}"
    );
    assert!(
        out.contains("  kubernetes container `app` in k8s/app.yaml (image ghcr.io/org/app:1.2.0): package `app-server`\n"),
        "{out}"
    );
    assert!(
        out.contains("\n  app/src/main.rs  (package `app` is not deployed: "),
        "{out}"
    );
}

/// An image beside the crate that builds another app (a Go service on `golang`, a test
/// database on `postgres`) does not deploy the crate; one that copies in a prebuilt
/// binary still does.
#[test]
fn deployments_leave_out_images_of_other_apps() {
    let files: [(&str, &[u8]); 6] = [
        ("Cargo.toml", b"[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\n"),
        ("src/main.rs", b"fn main() {}\n"),
        ("Dockerfile", b"FROM alpine:3.20\nCOPY ./bin/app-linux /usr/local/bin/server\nCMD [\"server\"]\n"),
        (
            "docker/auth/Dockerfile",
            b"FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /auth .\nFROM alpine:3.20\nCOPY --from=build /auth /auth\nCMD [\"/auth\"]\n",
        ),
        ("db-test-setup/Dockerfile", b"FROM postgres:16.4\nCOPY init.sql /docker-entrypoint-initdb.d/\n"),
        ("db-test-setup/init.sql", b"create table t (id int);\n"),
    ];
    let repo = repo_with(&files);
    let (code, out, err) = run(twelve_lint(repo.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with("deployed packages (1)\n  app  (by Dockerfile)\ndeployed artifacts (1)\n  image Dockerfile, final stage: package `app`\n"),
        "{out}"
    );
}

/// The whole-program answers do not depend on which rule asks first: a rule that reads a
/// crate's call graph before the server rules (TF0207, whose commands are judged by the
/// binaries that reach them) leaves that crate a server for TF0901.
#[test]
fn server_rules_see_crates_an_earlier_rule_read() {
    let main = b"use std::process::Command;\n\nfn render() -> std::io::Result<()> {\n    Command::new(\"dot\").arg(\"-Tsvg\").status()?;\n    Ok(())\n}\n\n#[tokio::main]\nasync fn main() {\n    render().unwrap();\n    let listener = tokio::net::TcpListener::bind(\"0.0.0.0:8080\").await.unwrap();\n    axum::serve(listener, axum::Router::new()).await.unwrap();\n}\n";
    let files: [(&str, &[u8]); 3] = [
        ("Cargo.toml", b"[package]\nname = \"site\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\ntokio = \"1\"\n"),
        ("src/main.rs", main),
        (
            "Dockerfile",
            b"FROM rust:1.83 AS build\nWORKDIR /app\nCOPY . .\nRUN cargo build --release --locked\n\nFROM debian:bookworm-slim\nCOPY --from=build /app/target/release/site /usr/local/bin/site\nCMD [\"/usr/local/bin/site\"]\n",
        ),
    ];
    let repo = repo_with(&files);
    let (_, out, err) =
        run(twelve_lint(repo.path()).args(["--select", "TF0207,TF0901", "--format", "concise"]));
    assert!(out.contains("src/main.rs:4:18: TF0207"), "{out}{err}");
    assert!(out.contains("TF0901"), "{out}{err}");
}

/// `deployments` says why each package counts as deployed: the files that deploy it, the
/// packages it is a workspace dependency of, or that no production deployment file
/// builds a package. An image only a dev compose service builds is no such file: the
/// roles of deployment files are decided before the packages they deploy.
#[test]
fn deployments_say_why_each_package_is_deployed() {
    let server = b"[package]\nname = \"server\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\ncore = { path = \"../core\" }\n";
    let core = b"[package]\nname = \"core\"\nversion = \"0.1.0\"\n";
    let files: [(&str, &[u8]); 6] = [
        ("Cargo.toml", b"[workspace]\nmembers = [\"server\", \"core\"]\n"),
        ("server/Cargo.toml", server),
        ("server/src/main.rs", b"fn main() {}\n"),
        ("core/Cargo.toml", core),
        ("core/src/lib.rs", b"pub fn f() {}\n"),
        (
            "Dockerfile",
            b"FROM rust:1.83\nWORKDIR /app\nCOPY . .\nCMD [\"cargo\", \"run\", \"-p\", \"server\"]\n",
        ),
    ];
    let released = repo_with(&files);
    let (code, out, err) = run(twelve_lint(released.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(
            "deployed packages (2)\n  server  (by Dockerfile)\n  core  (a workspace dependency of `server`)\n"
        ),
        "{out}"
    );
    // A directory is described with the whole repository's model: the Dockerfile at the
    // root still deploys it, and only the files under it are listed.
    let (code, part, err) = run(twelve_lint(released.path()).args(["deployments", "server"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        part.starts_with(&out[..out.find("production").unwrap()]),
        "{part}"
    );
    assert!(
        part.contains("production (2 files)\n  server/Cargo.toml\n  server/src/main.rs\n"),
        "{part}"
    );
    assert!(!part.contains("core/"), "{part}");
    // A file made production by a signal says which.
    let mut corrected = files.to_vec();
    corrected.push(("tools/deploy.sh", b"#!/bin/sh\nexec ./server\n"));
    corrected.push(("twelve-lint.toml", b"[roles]\nproduction = [\"tools/\"]\n"));
    let corrected = repo_with(&corrected);
    let (code, out, err) = run(twelve_lint(corrected.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n  tools/deploy.sh  ("), "{out}");
    assert!(out.contains("\n  server/src/main.rs\n"), "{out}");
    let mut dev = files.to_vec();
    dev.push((
        "docker-compose.yml",
        b"services:\n  server:\n    build: .\n    volumes:\n      - .:/app\n",
    ));
    let dev = repo_with(&dev);
    let (code, out, err) = run(twelve_lint(dev.path()).args(["deployments", "--format", "json"]));
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let server = &json["deployed_packages"][0];
    assert_eq!(server["name"], "server", "{out}");
    assert_eq!(server["deployed_by"], serde_json::json!([]), "{out}");
    assert!(
        server["reason"]
            .as_str()
            .is_some_and(|r| r.starts_with("no production deployment file builds a package")),
        "{out}"
    );
}

/// A library that workspace packages take only as a dev-dependency is test material, and
/// a server among the examples does not make the other packages undeployed: without a
/// deployment file, only production service packages are deployment roots.
#[test]
fn deployments_mark_test_support_packages_and_skip_example_services() {
    let vault = b"[package]\nname = \"vault\"\nversion = \"0.1.0\"\n\n[dev-dependencies]\nvault_test_suite = { path = \"../vault_test_suite\" }\n";
    let suite = b"[package]\nname = \"vault_test_suite\"\nversion = \"0.1.0\"\n";
    let example = b"[package]\nname = \"demo\"\nversion = \"0.1.0\"\n\n[dependencies]\naxum = \"0.7\"\nvault = { path = \"../../vault\" }\n";
    let dir = repo_with(&[
        (
            "Cargo.toml",
            b"[workspace]\nmembers = [\"vault\", \"vault_test_suite\", \"examples/demo\"]\n",
        ),
        ("vault/Cargo.toml", vault),
        ("vault/src/lib.rs", b"pub fn import() {}\n"),
        ("vault_test_suite/Cargo.toml", suite),
        ("vault_test_suite/src/lib.rs", b"pub fn vectors() {}\n"),
        ("examples/demo/Cargo.toml", example),
        ("examples/demo/src/main.rs", b"fn main() {}\n"),
    ]);
    let (code, out, err) = run(twelve_lint(dir.path()).args(["deployments"]));
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("deployed packages"), "{out}");
    assert!(!out.contains("not-deployed"), "{out}");
    assert!(out.contains("  vault/src/lib.rs\n"), "{out}");
    assert!(
        out.contains("  vault_test_suite/src/lib.rs  (package `vault_test_suite` is only a dev-dependency (of `vault`))\n"),
        "{out}"
    );
}

/// The scorecard never calls a factor clean when no enabled rule covers it.
#[test]
fn scorecard_marks_factors_no_rule_checked() {
    let dir = repo_with(&[("Dockerfile", b"FROM rust:1.83\nCMD [\"/app\"]\n")]);
    let (_, out, _) = run(twelve_lint(dir.path()).args([
        "--isolated",
        "--select",
        "TF02",
        "--format",
        "markdown",
    ]));
    assert!(
        out.starts_with("## twelve-lint: 1 of 1 checked factors clean\n"),
        "{out}"
    );
    assert!(out.contains("11 factor(s) not checked"), "{out}");
    assert!(out.contains("| II. Dependencies | 2 | ✓ |"), "{out}");
    assert!(
        out.contains("| IX. Disposability | 0 | not checked |"),
        "{out}"
    );
    let (_, out, _) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--format", "markdown"]));
    assert!(
        out.starts_with("## twelve-lint: 12 of 12 checked factors clean\n"),
        "{out}"
    );
    let (_, out, _) =
        run(twelve_lint(dir.path()).args(["--isolated", "--select", "TF02", "--format", "human"]));
    assert!(out.contains("  II. Dependencies             ✓\n"), "{out}");
    assert!(
        out.contains("  IX. Disposability            not checked\n"),
        "{out}"
    );
    let (_, out, _) =
        run(twelve_lint(dir.path()).args(["--isolated", "--select", "TF02", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let factors = v["summary"]["factors"].as_array().unwrap();
    assert_eq!(factors.len(), 12);
    assert_eq!(factors[1]["status"], "clean");
    assert_eq!(factors[8]["status"], "not-checked");
    assert_eq!(factors[8]["rules"], 0);
}

/// A fix that rewrites a line holding a credential is masked wherever it is shown (the
/// dry-run diff, SARIF `fixes`, JSON), and `--fix` still writes the real text.
#[test]
fn fixes_are_masked_where_shown_and_exact_where_applied() {
    let secret = "sk_live_51HxYzAbCdEfGhIjKlMnOpQr";
    let dockerfile =
        format!("FROM debian:12.5\nENV STRIPE_KEY={secret}\nCMD /app/server --key {secret}\n");
    let dir = repo_with(&[("Dockerfile", dockerfile.as_bytes())]);
    let lint = |args: &[&str]| run(twelve_lint_preview(dir.path()).arg("--isolated").args(args));
    let (_, diff, _) = lint(&["--fix", "--dry-run"]);
    assert!(
        diff.contains("+CMD [\"/app/server\", \"--key\", \"****\"]"),
        "{diff}"
    );
    for format in ["json", "sarif"] {
        let (_, out, _) = lint(&["--format", format]);
        assert!(!out.contains(secret), "{format}: {out}");
    }
    let (_, diff, _) = lint(&["--fix", "--dry-run", "--show-secrets"]);
    assert!(diff.contains(secret), "{diff}");
    lint(&["--fix"]);
    let fixed = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(
        fixed.contains(&format!("CMD [\"/app/server\", \"--key\", \"{secret}\"]")),
        "{fixed}"
    );
}

/// Credential values never reach a report unless `--show-secrets` asks for them: every
/// format of every secret fixture is searched for the values the secret rules found.
#[test]
fn secrets_are_masked_in_every_format() {
    let password = regex::Regex::new(r"://[^\s:/@]*:([^\s/@]+)@").unwrap();
    let cases = [
        "TF0301/fail-dockerfile-and-env",
        "TF0301/fail-rust",
        "TF0301/fail-secret-manifest",
        "TF0301/fail-tokens-and-named-secrets",
        "TF0301/fail-yaml",
        "TF0304/fail-committed-env",
        "TF0401/fail-hardcoded-locators",
    ];
    for case in cases {
        let dir = common::scratch_repo(&common::repo().join("fixtures").join(case));
        let lint = |args: &[&str]| {
            run(twelve_lint_preview(dir.path())
                .args(["--isolated", "--select", "TF03,TF04,TF0301,TF0304,TF0401"])
                .args(args))
            .1
        };
        let sarif: serde_json::Value =
            serde_json::from_str(&lint(&["--show-secrets", "--format", "sarif"])).unwrap();
        let mut secrets = Vec::new();
        for r in sarif["runs"][0]["results"].as_array().unwrap() {
            let places = std::iter::once(&r["locations"][0])
                .chain(r["relatedLocations"].as_array().into_iter().flatten());
            for place in places {
                let snippet = place["physicalLocation"]["region"]["snippet"]["text"]
                    .as_str()
                    .unwrap_or_default();
                if r["ruleId"] == "TF0301" {
                    secrets.push(snippet.to_string());
                }
                let text = format!("{snippet} {}", r["message"]["text"]);
                secrets.extend(password.captures_iter(&text).map(|c| c[1].to_string()));
            }
        }
        secrets.retain(|s| !s.is_empty() && s != "****");
        assert!(!secrets.is_empty(), "{case}: the fixture holds secrets");
        let shown = lint(&["--show-secrets", "--format", "human"]);
        for s in &secrets {
            assert!(
                shown.contains(s.as_str()),
                "{case}: --show-secrets shows {s}"
            );
        }
        for format in ["human", "concise", "json", "sarif", "github", "markdown"] {
            let out = lint(&["--format", format]);
            if matches!(format, "human" | "sarif") {
                assert!(out.contains("****"), "{case} {format}: {out}");
            }
            for s in &secrets {
                assert!(
                    !out.contains(s.as_str()),
                    "{case} {format} shows {s}:\n{out}"
                );
            }
        }
    }
}

/// The human format at 80 and 120 columns, and piped (no wrapping) with one-line
/// repeats: one heading per rule and file, the help and rule page once per rule,
/// words never split. `TWELVE_LINT_BLESS=1` rewrites the snapshots.
#[test]
fn human_format_snapshots() {
    let dir = repo_with(&[
        (
            "Dockerfile",
            b"FROM rust\nRUN cargo build\nFROM debian\nFROM alpine\n",
        ),
        ("svc/Dockerfile", b"FROM node\n"),
    ]);
    for (name, columns, snippets) in [
        ("human-80", Some("80"), "full"),
        ("human-120", Some("120"), "full"),
        ("human-piped-concise", None, "concise"),
    ] {
        let mut cmd = twelve_lint(dir.path());
        cmd.args([
            "--isolated",
            "--select",
            "TF0201",
            "--format",
            "human",
            "--output-format",
            snippets,
        ]);
        cmd.env_remove("COLUMNS");
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        let (_, out, _) = run(&mut cmd);
        let path = common::repo().join(format!("tests/snapshots/{name}.txt"));
        if std::env::var_os("TWELVE_LINT_BLESS").is_some() {
            std::fs::write(&path, &out).unwrap();
        }
        let expected = std::fs::read_to_string(&path).unwrap();
        assert_eq!(out, expected, "{name}");
        if let Some(c) = columns {
            let width: usize = c.parse().unwrap();
            for line in out.lines() {
                assert!(line.chars().count() <= width, "{name}: {line}");
            }
        }
        assert_eq!(out.matches("rules/TF0201.md").count(), 1, "{name}");
        assert_eq!(out.matches("help: ").count(), 1, "{name}");
    }
}

/// `--statistics` counts findings per rule, most frequent first, marking fixable ones.
#[test]
fn statistics_count_findings_per_rule() {
    let dir = repo_with(&[
        ("Dockerfile", b"FROM rust\nFROM debian\nCMD ./app --serve\n"),
        ("svc/Dockerfile", b"FROM node\n"),
    ]);
    let (code, out, _) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0201,TF0903",
        "--statistics",
    ]));
    assert_eq!(code, 1);
    assert_eq!(
        out,
        "3  TF0201      unpinned-base-image\n1  TF0903  [*] shell-form-entrypoint\n"
    );
}

/// Ctrl-C while the progress line is up leaves the terminal clean: the line is cleared
/// before the process dies. Needs util-linux `script` for a terminal; skipped without it.
/// The tree grows until a run outlasts the interrupt, however fast the machine.
#[test]
fn interrupting_clears_the_progress_line() {
    if std::process::Command::new("script")
        .arg("--version")
        .output()
        .is_err()
    {
        return;
    }
    for lines in [60, 240, 960, 3840] {
        let shown = interrupted_run(lines);
        if shown.contains(" linted in ") {
            continue;
        }
        let last = shown
            .rfind("files linted")
            .unwrap_or_else(|| panic!("no progress line: {shown:?}"));
        assert!(shown[last..].contains("\r\u{1b}[2K"), "{shown:?}");
        return;
    }
    panic!("every run finished before the interrupt");
}

/// What a terminal shows of a run over 600 files of `lines` lines each that gets
/// SIGINT after 1.6 s (the progress line appears after 1 s).
fn interrupted_run(lines: usize) -> String {
    let text: String = (0..lines)
        .map(|j| {
            format!(
                "pub fn f{j}(x: u32) -> u32 {{ let s = \"redis://u:p{j}x@cache/0\"; x + {j} }}\n"
            )
        })
        .collect();
    let files: Vec<(String, &[u8])> = (0..600)
        .map(|i| (format!("c{}/src/m{i}.rs", i % 10), text.as_bytes()))
        .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(p, c)| (p.as_str(), *c)).collect();
    let dir = repo_with(&refs);
    let log = tempfile::tempdir().unwrap();
    let typescript = log.path().join("typescript");
    let command = format!(
        "timeout -s INT 1.6 {} --preview --isolated --jobs 1 --format concise . > /dev/null",
        env!("CARGO_BIN_EXE_twelve-lint")
    );
    std::process::Command::new("script")
        .current_dir(dir.path())
        .args(["-qfc", &command])
        .arg(&typescript)
        .output()
        .expect("script runs");
    String::from_utf8_lossy(&std::fs::read(&typescript).unwrap()).into_owned()
}

/// `rules` is an aligned table stating each rule's fix safety.
#[test]
fn rules_table_is_aligned_and_states_fix_safety() {
    let dir = repo_with(&[]);
    let (_, table, _) = run(twelve_lint(dir.path()).arg("rules"));
    let rows: Vec<&str> = table.lines().take_while(|l| !l.is_empty()).collect();
    let name_at = rows[0].find("NAME").unwrap();
    let summary_at = rows[0].find("SUMMARY").unwrap();
    for row in &rows[1..] {
        let code = &row[..6];
        let name = row[name_at..].split(' ').next().unwrap();
        assert!(
            !name.is_empty() && row.as_bytes()[name_at - 1] == b' ',
            "{row}"
        );
        assert_ne!(row.as_bytes()[summary_at], b' ', "{code}: {row}");
        assert_eq!(row.as_bytes()[summary_at - 1], b' ', "{code}: {row}");
    }
    let row = |code: &str| *rows.iter().find(|l| l.starts_with(code)).unwrap();
    assert!(row("TF0903").contains(" safe "), "{}", row("TF0903"));
    assert!(row("TF0804").contains(" unsafe "), "{}", row("TF0804"));
    assert!(!row("TF0201").contains("safe "), "{}", row("TF0201"));
    let (_, json, _) = run(twelve_lint(dir.path()).args(["rules", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let fixable: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fixable"] == true)
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(fixable, ["TF0804", "TF0902", "TF0903"]);
    let unsafe_fixes: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["fix"] == "unsafe")
        .map(|r| r["code"].as_str().unwrap())
        .collect();
    assert_eq!(unsafe_fixes, ["TF0804"]);
}

/// Likely typos get a "did you mean": rule codes and names, flags, commands.
#[test]
fn typos_get_a_suggestion() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    for (args, expected) in [
        (&["--select", "TF0210"][..], "did you mean `TF0201`?"),
        (
            &["--ignore", "unpinned-base-imag"],
            "did you mean `unpinned-base-image`?",
        ),
        (
            &["rule", "hardcoded-secrets"],
            "did you mean `hardcoded-secret`?",
        ),
        (&["--previw"], "a similar argument exists: '--preview'"),
        (&["rulez"], "did you mean `twelve-lint rules`?"),
        (
            &["--isolated", "--option", "selekt = []"],
            "did you mean `select`?",
        ),
    ] {
        let (code, _, err) = run(twelve_lint(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
    let dir = repo_with(&[(
        "Dockerfile",
        b"# twelve-lint: ignore[TF0210] pinned upstream\nFROM rust\n",
    )]);
    let (_, out, _) = run(twelve_lint(dir.path()).arg("--isolated"));
    assert!(
        out.contains(
            "TF0002 [note] suppression names unknown rule `TF0210`; did you mean `TF0201`?"
        ),
        "{out}"
    );
}

/// Options before a command: they apply to `check`, `--format` carries over to `rules`
/// and `deployments`, and anything else is an error, never dropped or taken for a path.
#[test]
fn options_before_a_command() {
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (code, out, err) = run(twelve_lint(dir.path()).args(["--format", "json", "rules"]));
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(v.as_array().unwrap().iter().any(|r| r["code"] == "TF0201"));
    let (_, out, _) = run(twelve_lint(dir.path()).args(["--format", "markdown", "rules"]));
    assert!(out.starts_with("| Code |"), "{out}");
    let (_, out, _) = run(twelve_lint(dir.path()).args(["--format", "json", "deployments"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        v["files"].is_array() && v["deployed_packages"].is_array(),
        "{out}"
    );
    let (code, out, err) = run(twelve_lint_preview(dir.path()).args([
        "--format",
        "json",
        "check",
        "--isolated",
        "Dockerfile",
    ]));
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["diagnostics"][0]["code"], "TF0201");
    for (args, expected) in [
        (
            &["--select", "TF02", "rules"][..],
            "--select before `rules` is not an option",
        ),
        (
            &["--format", "sarif", "rules"],
            "`rules` prints a table, json or markdown",
        ),
        (&["Dockerfile", "rules"], "`rules` is a command, not a file"),
    ] {
        let (code, _, err) = run(twelve_lint(dir.path()).args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(expected), "{args:?}: {err}");
    }
}

/// A run that linted nothing says so: an empty directory, or paths and excludes that
/// leave no file of a kind the enabled rules read.
#[test]
fn nothing_linted_is_a_warning() {
    let empty = tempfile::tempdir().unwrap();
    let (code, _, err) = run(twelve_lint(empty.path()).arg("--isolated"));
    assert_eq!(code, 0);
    assert!(err.contains("warning: nothing was linted"), "{err}");
    let dir = repo_with(&[("Dockerfile", BAD_DOCKERFILE)]);
    let (_, _, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--exclude", "Docker*"]));
    assert!(
        err.contains("warning: nothing was linted") && err.contains("dockerfile"),
        "{err}"
    );
    let (_, _, err) = run(twelve_lint(dir.path()).arg("--isolated"));
    assert!(!err.contains("nothing was linted"), "{err}");
}

/// Config conflicts are errors, not silent choices: `--isolated` with `--config`, and
/// two config files in one directory.
#[test]
fn config_conflicts_are_errors() {
    let dir = repo_with(&[
        ("Dockerfile", BAD_DOCKERFILE),
        ("twelve-lint.toml", b"fail-on = \"error\"\n"),
    ]);
    let (code, _, err) =
        run(twelve_lint(dir.path()).args(["--isolated", "--config", "twelve-lint.toml"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("'--isolated' cannot be used with '--config <FILE>'"),
        "{err}"
    );
    let (code, _, _) = run(twelve_lint(dir.path()).args(["--config", "twelve-lint.toml"]));
    assert_eq!(code, 0);
    std::fs::write(dir.path().join(".twelve-lint.toml"), "fail-on = \"note\"\n").unwrap();
    let (code, _, err) = run(&mut twelve_lint(dir.path()));
    assert_eq!(code, 2);
    assert!(
        err.contains("two config files in one directory")
            && err.contains("twelve-lint.toml and ")
            && err.contains(".twelve-lint.toml; keep one"),
        "{err}"
    );
}

/// TF0101 (outside git) points at what defines the project: the deployed file nearest
/// the root, a `Cargo.toml` or Dockerfile before other files such as `.env`.
#[test]
fn not_version_controlled_is_anchored_at_the_project_manifest() {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in [
        (".env", "LOG=info\n"),
        ("Dockerfile", "FROM rust:1.80\n"),
        (".devcontainer/Cargo.toml", "[package]\nname = \"dev\"\n"),
        ("svc/Cargo.toml", "[package]\nname = \"svc\"\n"),
    ] {
        let p = dir.path().join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let (_, out, err) =
        run(twelve_lint_preview(dir.path()).args(["--isolated", "--select", "TF0101,TF0304"]));
    let found: Vec<&str> = out.lines().filter(|l| l.contains("TF0101")).collect();
    assert_eq!(
        found,
        ["Dockerfile:1:1: TF0101 [warning] this project is not inside a git repository"],
        "{out}{err}"
    );
}

/// `--version` names the commit of a build from a git checkout, and only the version otherwise.
#[test]
fn version_names_the_commit_of_a_checkout() {
    let dir = repo_with(&[]);
    let (code, out, _) = run(twelve_lint(dir.path()).arg("--version"));
    assert_eq!(code, 0);
    let version = concat!("twelve-lint ", env!("CARGO_PKG_VERSION"));
    let head = std::process::Command::new("git")
        .arg("-C")
        .arg(common::repo())
        .args(["log", "-1", "--format=%H %cs"])
        .output()
        .ok()
        .filter(|o| o.status.success() && common::repo().join(".git").exists());
    match head {
        Some(head) => {
            let head = String::from_utf8_lossy(&head.stdout);
            let (hash, date) = head.trim().split_once(' ').expect("hash and date");
            assert_eq!(out, format!("{version} ({} {date})\n", &hash[..9]));
        }
        None => assert_eq!(out, format!("{version}\n")),
    }
}

/// A Dockerfile's `# hadolint ignore=DL3008` is the team's decision on the same question as
/// TF0206, so it suppresses TF0206 on the next instruction (all of its lines); hadolint
/// comments are never reported as unused or without a reason, and a twelve-lint
/// suppression above a multi-line instruction covers every line of it.
#[test]
fn hadolint_ignores_are_adopted_for_the_whole_instruction() {
    let dir = repo_with(&[(
        "Dockerfile",
        b"FROM debian:sid-slim\n# hadolint ignore=DL3008\nRUN apt-get update \\\n    && apt-get install -y curl\n# hadolint ignore=DL3059\nRUN echo unrelated\n# hadolint ignore=DL3008\nRUN apt-get install -y curl=7.88.1-10\n# twelve-lint: ignore[TF0206] the CI image follows the distribution\nRUN apt-get update \\\n    && apt-get install -y git\nRUN apt-get install -y make\n",
    )]);
    let (code, out, err) = run(twelve_lint_preview(dir.path()).args([
        "--isolated",
        "--select",
        "TF0206,TF0002,TF0003",
        "--format",
        "concise",
    ]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(
        out,
        "Dockerfile:12:24: TF0206 [warning] `apt-get` installs 1 package(s) without a version from the base image `debian:sid-slim`, which moves across releases: make\n"
    );
}

/// A server binary that starts one of two servers per run gets one finding, at the
/// first, with the other server start as a related location.
#[test]
fn a_sigterm_finding_relates_the_other_server_start() {
    let (findings, out) = fixture_findings("TF0901/fail-two-protocols-one-finding", "TF0901");
    assert_eq!(findings.len(), 1, "{out}");
    let related = related_locations(&findings[0]);
    assert!(
        related.contains(&"src/http1.rs:3 also starts a server here (`axum::serve`)".to_string()),
        "{related:?}"
    );
}

/// The JSON findings of rule `code` on the fixture case `case` (`TF0901/fail-…`), linted
/// in a scratch repository, with the JSON report.
fn fixture_findings(case: &str, code: &str) -> (Vec<serde_json::Value>, String) {
    let dir = common::scratch_repo(&common::repo().join("fixtures").join(case));
    let (_, out, _) =
        run(twelve_lint(dir.path()).args(["--isolated", "--select", code, "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    (v["diagnostics"].as_array().unwrap().clone(), out)
}

/// The related locations of a JSON finding as `path:line message`.
fn related_locations(finding: &serde_json::Value) -> Vec<String> {
    finding["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}:{} {}",
                r["path"].as_str().unwrap(),
                r["line"],
                r["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// A fetch in a script the image build runs is reported in the script once, with the
/// `RUN` that runs it and the same fetch in the script's other branch as related locations.
#[test]
fn a_build_script_fetch_relates_its_run_and_other_branch() {
    let (findings, out) = fixture_findings("TF0504/fail-moving-build-inputs", "TF0504");
    let in_script: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|d| d["path"] == "tools/fetch-ui.sh")
        .collect();
    assert_eq!(in_script.len(), 1, "{out}");
    let related = related_locations(in_script[0]);
    assert_eq!(
        related,
        [
            "Dockerfile:13 the image build runs the script here",
            "tools/fetch-ui.sh:8 the same fetch here too"
        ],
        "{out}"
    );
}

/// A migration behind a trait method shows every implementation that migrates (each
/// start runs one of them), and none of a dev-dependency's code, which never runs in the
/// server.
#[test]
fn a_migration_finding_relates_every_implementation_and_no_dev_dependency() {
    let (findings, out) = fixture_findings("TF1201/fail-every-implementation-migrates", "TF1201");
    assert_eq!(findings.len(), 1, "{out}");
    let related: Vec<(String, String)> = findings[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!("{}:{}", r["path"].as_str().unwrap(), r["line"]),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let at = |place: &str| {
        related
            .iter()
            .find(|(p, _)| p == place)
            .map(|(_, m)| m.as_str())
    };
    let sqlite = at("db-sqlite/src/lib.rs:11");
    let postgres = at("db-postgres/src/lib.rs:11");
    let mut both = [sqlite, postgres].map(|m| m.map(|m| m.split(' ').next().unwrap()));
    both.sort();
    assert_eq!(both, [Some("migrates"), Some("or")], "{related:?}");
    assert!(
        !related.iter().any(|(p, _)| p.starts_with("client/")),
        "{related:?}"
    );
}
