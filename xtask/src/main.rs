//! Contributor tasks for twelve-lint, run from the repository as `cargo xtask <task>`:
//!
//! - `new-rule CODE NAME --factor N --kinds K[,K…] [--summary TEXT] [--severity LEVEL]`
//!   scaffolds a rule: its file under `src/rules/fNN_*/`, its line in the factor module and
//!   in `RULES`, its doc page `rules/CODE.md`, and `fail-`/`pass-` fixture repositories.
//! - `bless [CODE]` rewrites what the tests compare against: the list of fixture tests,
//!   the fixtures' `expected.txt` (one rule's, or every rule's), the doc pages' `## Stability`
//!   sections and the README rule table; then runs those tests once more.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage:
  cargo xtask new-rule CODE NAME --factor N --kinds K[,K...] [--summary TEXT] [--severity error|warning|note]
      kinds: Cargo, Rust, Dockerfile, Yaml, Env, Toml, Shell
  cargo xtask bless [CODE]";

/// The file kinds a rule may read, as `declare_rule!` spells them.
const KINDS: [&str; 7] = [
    "Cargo",
    "Rust",
    "Dockerfile",
    "Yaml",
    "Env",
    "Toml",
    "Shell",
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("new-rule") => NewRule::parse(&args[1..]).and_then(|r| r.scaffold(&root())),
        Some("bless") => bless(&root(), args.get(1).map(String::as_str)),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::from(2)
        }
    }
}

/// The repository: the parent of this crate's directory.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the repository")
        .to_path_buf()
}

/// A rule to scaffold.
#[derive(Debug)]
struct NewRule {
    code: String,
    name: String,
    factor: u8,
    kinds: Vec<String>,
    summary: String,
    severity: String,
}

impl NewRule {
    fn parse(args: &[String]) -> Result<NewRule, String> {
        let mut positional = Vec::new();
        let (mut factor, mut kinds, mut summary, mut severity) = (None, None, None, None);
        let mut it = args.iter();
        while let Some(a) = it.next() {
            let mut value = || it.next().cloned().ok_or(format!("{a} needs a value"));
            match a.as_str() {
                "--factor" => factor = Some(value()?),
                "--kinds" => kinds = Some(value()?),
                "--summary" => summary = Some(value()?),
                "--severity" => severity = Some(value()?),
                flag if flag.starts_with("--") => {
                    return Err(format!("unknown flag {flag}\n{USAGE}"));
                }
                _ => positional.push(a.clone()),
            }
        }
        let [code, name] = positional.as_slice() else {
            return Err(USAGE.to_string());
        };
        let factor: u8 = factor
            .ok_or("--factor is required")?
            .parse()
            .map_err(|_| "--factor takes a number from 1 to 12")?;
        let valid_code = code.len() == 6
            && code.starts_with("TF")
            && code[2..].bytes().all(|b| b.is_ascii_digit());
        if !valid_code {
            return Err(format!("`{code}`: a code is TF and four digits (TFffnn)"));
        }
        if !(1..=12).contains(&factor) || code[2..4].parse::<u8>() != Ok(factor) {
            return Err(format!(
                "`{code}` does not belong to factor {factor}: its digits 3-4 are the factor"
            ));
        }
        let kebab = !name.is_empty()
            && name.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
            && !name.starts_with('-')
            && !name.ends_with('-');
        if !kebab {
            return Err(format!("`{name}`: a rule name is kebab-case (`pid-file`)"));
        }
        let kinds: Vec<String> = kinds
            .ok_or("--kinds is required")?
            .split(',')
            .map(|k| {
                KINDS
                    .iter()
                    .find(|known| known.eq_ignore_ascii_case(k.trim()))
                    .map(|k| k.to_string())
                    .ok_or(format!("unknown kind `{k}`; kinds: {}", KINDS.join(", ")))
            })
            .collect::<Result<_, _>>()?;
        let severity = severity
            .unwrap_or_else(|| "warning".into())
            .to_ascii_lowercase();
        if !["error", "warning", "note"].contains(&severity.as_str()) {
            return Err(format!("severity `{severity}`: error, warning or note"));
        }
        Ok(NewRule {
            code: code.clone(),
            name: name.clone(),
            factor,
            kinds,
            summary: summary.unwrap_or_else(|| format!("what {name} reports, in one line")),
            severity,
        })
    }

    /// The rule's module name (`pid_file`) and type name (`PidFile`).
    fn module(&self) -> String {
        self.name.replace('-', "_")
    }

    fn type_name(&self) -> String {
        self.name.split('-').map(capitalise).collect()
    }

    fn scaffold(&self, root: &Path) -> Result<(), String> {
        let factor_dir = factor_dir(root, self.factor)?;
        let factor_mod = factor_dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let rule_file = factor_dir.join(format!("{}.rs", self.module()));
        let doc = root.join("rules").join(format!("{}.md", self.code));
        let fixtures = root.join("fixtures").join(&self.code);
        for taken in [&rule_file, &doc, &fixtures] {
            if taken.exists() {
                return Err(format!("{} exists already", rel(root, taken)));
            }
        }
        let rules_mod = root.join("src/rules/mod.rs");
        let registry = read(&rules_mod)?;
        if registry.contains(&format!("::{}::", self.module())) {
            return Err(format!("a rule module `{}` exists already", self.module()));
        }
        let version = package_version(root)?;

        write(&rule_file, &self.rule_source(&version))?;
        let factor_mod_rs = factor_dir.join("mod.rs");
        write(
            &factor_mod_rs,
            &insert_sorted_mod(&read(&factor_mod_rs)?, &self.module()),
        )?;
        let entry = format!("&{factor_mod}::{}::{}", self.module(), self.type_name());
        write(
            &rules_mod,
            &insert_rule(root, &registry, &entry, &self.code)?,
        )?;
        write(&doc, &self.doc_page(&factor_label(&read(&factor_mod_rs)?)?))?;
        for case in ["fail", "pass"] {
            let dir = fixtures.join(format!("{case}-{}", self.name));
            for (path, text) in self.fixture_files(case) {
                write(&dir.join(path), &text)?;
            }
            if case == "fail" {
                write(&dir.join("expected.txt"), "")?;
            }
        }
        stage(root, &[&rule_file, &doc, &fixtures]);
        println!(
            "created {}\n        {}\n        {}/fail-{name}/ and pass-{name}/\nregistered in {} and src/rules/mod.rs\n\nnext:\n  1. write the check in {} and the prose in {}\n  2. make the fixtures real repositories: what the rule must report in fail-{name}/, near-misses in pass-{name}/\n  3. cargo xtask bless {code}     (review every line it writes)\n  4. git add -f fixtures/{code}   (files you add; fixtures may hold files .gitignore skips)\n  5. judge it on real code: see CONTRIBUTING.md, \"The ecosystem check\"",
            rel(root, &rule_file),
            rel(root, &doc),
            rel(root, &fixtures),
            rel(root, &factor_mod_rs),
            rel(root, &rule_file),
            rel(root, &doc),
            name = self.name,
            code = self.code,
        );
        Ok(())
    }

    fn rule_source(&self, version: &str) -> String {
        let severity = capitalise(&self.severity);
        let reads_files = self.kinds.iter().any(|k| k != "Cargo");
        let check = if reads_files {
            "    /// Reports in one file; `check_project` sees every file's facts at once.\n    fn check_file(&self, _file: &SourceFile<'_>, _cx: &mut Ctx<'_>) {}\n"
        } else {
            "    /// Reports across the repository's manifests.\n    fn check_project(&self, _project: &Project, _cx: &mut Ctx<'_>) {}\n"
        };
        format!(
            "//! {code} {name}: {summary}.\n\nuse crate::rules::prelude::*;\n\ndeclare_rule! {{\n    {ty} {{\n        code: \"{code}\",\n        name: \"{name}\",\n        factor: {factor},\n        severity: {severity},\n        stability: Preview,\n        since: \"{version}\",\n        kinds: [{kinds}],\n        summary: \"{summary}\",\n    }}\n}}\n\nimpl Check for {ty} {{\n{check}}}\n",
            code = self.code,
            name = self.name,
            summary = self.summary,
            ty = self.type_name(),
            factor = self.factor,
            kinds = self.kinds.join(", "),
        )
    }

    /// The doc page, headed by the factor's label (`Factor VIII — Concurrency`).
    fn doc_page(&self, label: &str) -> String {
        let files = self
            .kinds
            .iter()
            .map(|k| match k.as_str() {
                "Cargo" => "Cargo.toml",
                "Yaml" => "YAML",
                "Env" => ".env",
                "Toml" => "TOML",
                other => other,
            })
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "# {code} {name}\n\n{label} · default severity: {severity} · files: {files}\n\n## What it does\n\nReports {summary}.\n\n## Why it matters\n\n{label}: why a deployed service that does this breaks the factor.\n\n## Example\n\n```text\nwhat the rule reports\n```\n\nUse instead:\n\n```text\nthe same thing done the twelve-factor way\n```\n\n## How to fix\n\nThe steps a team takes to fix a finding.\n\n## Suppress\n\n```text\n# twelve-lint: ignore[{code}] the reason this finding is accepted\n```\n",
            code = self.code,
            name = self.name,
            severity = self.severity,
            summary = self.summary,
        )
    }

    /// A starting repository for a fixture case: the smallest file of each kind the rule
    /// reads, to be rewritten into what the case is about.
    fn fixture_files(&self, case: &str) -> Vec<(&'static str, String)> {
        let mut files = Vec::new();
        let crate_manifest = format!(
            "[package]\nname = \"{case}-{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
            name = self.name
        );
        for kind in &self.kinds {
            match kind.as_str() {
                "Cargo" => files.push(("Cargo.toml", crate_manifest.clone())),
                "Rust" => {
                    files.push(("Cargo.toml", crate_manifest.clone()));
                    files.push(("src/main.rs", "fn main() {}\n".to_string()));
                }
                "Dockerfile" => files.push(("Dockerfile", "FROM debian:12\n".to_string())),
                "Yaml" => files.push((
                    "compose.yaml",
                    "services:\n  app:\n    build: .\n".to_string(),
                )),
                "Env" => files.push((".env", "LOG_LEVEL=info\n".to_string())),
                "Toml" => files.push(("config.toml", "log_level = \"info\"\n".to_string())),
                "Shell" => files.push(("entrypoint.sh", "#!/bin/sh\nexec \"$@\"\n".to_string())),
                _ => {}
            }
        }
        files.sort();
        files.dedup();
        files
    }
}

/// Tell git about the new files (`git add --intent-to-add`), fixtures included even where
/// a `.gitignore` would skip them, so the tests that read the index see them; nothing is
/// staged. Outside a git checkout, nothing happens.
fn stage(root: &Path, paths: &[&Path]) {
    let _ = Command::new("git")
        .current_dir(root)
        .args(["add", "--intent-to-add", "--force", "--"])
        .args(paths)
        .status();
}

/// `Factor VIII — Concurrency`, from the first line of the factor module's doc comment
/// (`//! Factor VIII — Concurrency: scale out via the process model.`).
fn factor_label(factor_mod: &str) -> Result<String, String> {
    factor_mod
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("//! "))
        .and_then(|l| l.split_once(':'))
        .map(|(label, _)| label.to_string())
        .filter(|label| label.starts_with("Factor "))
        .ok_or("the factor module's first line is not `//! Factor N — Name: …`".to_string())
}

/// `src/rules/fNN_*` of `factor`.
fn factor_dir(root: &Path, factor: u8) -> Result<PathBuf, String> {
    let prefix = format!("f{factor:02}_");
    fs::read_dir(root.join("src/rules"))
        .map_err(|e| format!("src/rules: {e}"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| {
            p.is_dir()
                && p.file_name()
                    .is_some_and(|n| n.to_string_lossy().starts_with(&prefix))
        })
        .ok_or(format!("no src/rules/{prefix}* directory"))
}

/// `text` with `pub mod module;` among its `pub mod` lines, in order.
fn insert_sorted_mod(text: &str, module: &str) -> String {
    let line = format!("pub mod {module};");
    let mut lines: Vec<&str> = text.lines().collect();
    let mods: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("pub mod "))
        .collect();
    let at = mods
        .iter()
        .copied()
        .find(|&i| lines[i] > line.as_str())
        .or(mods.last().map(|&i| i + 1))
        .unwrap_or(lines.len());
    lines.insert(at, &line);
    lines.join("\n") + "\n"
}

/// `registry` (src/rules/mod.rs) with `entry` in `RULES`, before the first rule whose
/// code sorts after `code`.
fn insert_rule(root: &Path, registry: &str, entry: &str, code: &str) -> Result<String, String> {
    let start = registry
        .find("pub static RULES")
        .or_else(|| registry.find("pub const RULES"))
        .ok_or("src/rules/mod.rs: no RULES list")?;
    let end = start
        + registry[start..]
            .find("];")
            .ok_or("RULES list not closed")?;
    let mut insert_at = end;
    let mut offset = start;
    for line in registry[start..end].lines() {
        let trimmed = line.trim();
        if let Some(path) = trimmed.strip_prefix('&').and_then(|p| p.strip_suffix(',')) {
            let parts: Vec<&str> = path.split("::").collect();
            if let [factor, module, _] = parts.as_slice() {
                let file = root.join(format!("src/rules/{factor}/{module}.rs"));
                let text = read(&file)?;
                let theirs = text
                    .split("code: \"")
                    .nth(1)
                    .and_then(|s| s.get(..6))
                    .ok_or(format!("{}: no code", rel(root, &file)))?;
                if theirs > code {
                    insert_at = offset;
                    break;
                }
            }
        }
        offset += line.len() + 1;
    }
    Ok(format!(
        "{}    {entry},\n{}",
        &registry[..insert_at],
        &registry[insert_at..]
    ))
}

fn package_version(root: &Path) -> Result<String, String> {
    read(&root.join("Cargo.toml"))?
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .and_then(|v| v.strip_suffix('"'))
        .map(String::from)
        .ok_or("Cargo.toml: no package version".to_string())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn rel(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Rewrite the expected outputs, then run the tests that compare against them.
fn bless(root: &Path, code: Option<&str>) -> Result<(), String> {
    let filter = code.unwrap_or("");
    let steps: [(&str, &[&str], &[&str]); 6] = [
        (
            "the list of fixture tests",
            &["TWELVE_LINT_BLESS"],
            &["--test", "fixtures", "every_fixture_case_has_a_test"],
        ),
        (
            "fixtures' expected.txt",
            &["UPDATE_FIXTURES"],
            &["--test", "fixtures", filter],
        ),
        // Twice: the doc pages are compiled in, so the table is current only once the
        // rewritten pages are.
        (
            "doc pages' stability and the README rule table",
            &["TWELVE_LINT_BLESS"],
            &["--test", "meta"],
        ),
        (
            "the README rule table, from the rewritten pages",
            &["TWELVE_LINT_BLESS"],
            &["--test", "meta"],
        ),
        ("check: fixtures", &[], &["--test", "fixtures", filter]),
        ("check: meta", &[], &["--test", "meta"]),
    ];
    let mut failed = Vec::new();
    for (what, env, args) in steps {
        println!("== {what}");
        let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
        cmd.current_dir(root).arg("test").arg("--quiet");
        cmd.args(args.iter().filter(|a| !a.is_empty()));
        for var in env {
            cmd.env(var, "1");
        }
        let status = cmd.status().map_err(|e| format!("cargo test: {e}"))?;
        if !status.success() && env.is_empty() {
            failed.push(what);
        }
    }
    if failed.is_empty() {
        println!("blessed; review the changes with `git diff`");
        Ok(())
    } else {
        Err(format!(
            "still failing after blessing: {}",
            failed.join(", ")
        ))
    }
}
