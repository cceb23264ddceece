//! Conventions every rule must follow: codes, docs, fixtures, README table.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::repo;
use twelve_lint::rules::evidence;
use twelve_lint::rules::{FACTORS, RULES, Stability};

const SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why it matters",
    "## Example",
    "## How to fix",
    "## Suppress",
];

/// Rules whose failure cannot be staged by a fixture (it would be a bug in the tool).
const NO_FIXTURES: [&str; 1] = ["TF0005"];

#[test]
fn codes_are_unique_sorted_and_match_their_factor() {
    let codes: Vec<&str> = RULES.iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        codes, sorted,
        "RULES must be sorted by code, without duplicates"
    );
    let names: BTreeSet<&str> = RULES.iter().map(|r| r.meta().name).collect();
    assert_eq!(names.len(), RULES.len(), "rule names must be unique");
    for r in RULES {
        let m = r.meta();
        assert!(m.code.len() == 6 && m.code.starts_with("TF"), "{}", m.code);
        assert_eq!(
            m.code[2..4].parse::<u8>().unwrap(),
            m.factor,
            "{} factor",
            m.code
        );
        assert!((m.factor as usize) < FACTORS.len());
        assert!(
            m.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} name",
            m.code
        );
        assert!(
            !m.summary.ends_with('.'),
            "{} summary ends with a period",
            m.code
        );
    }
}

#[test]
fn every_rule_has_a_complete_doc_page() {
    for r in RULES {
        let m = r.meta();
        let page = std::fs::read_to_string(repo().join(m.doc_path())).unwrap();
        assert_eq!(
            page, m.doc,
            "{}: embedded doc differs from rules/ page",
            m.code
        );
        assert!(
            page.starts_with(&format!("# {} {}\n", m.code, m.name)),
            "{}: title",
            m.code
        );
        for s in SECTIONS {
            assert!(page.contains(s), "{}: doc page lacks `{s}`", m.code);
        }
        assert!(
            page.contains("Use instead"),
            "{}: example lacks `Use instead`",
            m.code
        );
        if !m.options.is_empty() {
            assert!(
                page.contains("## Options"),
                "{}: options undocumented",
                m.code
            );
            for o in m.options {
                assert!(
                    page.contains(o.name),
                    "{}: option {} undocumented",
                    m.code,
                    o.name
                );
            }
        }
        if m.factor > 0 {
            assert!(
                page.contains(FACTORS[m.factor as usize]),
                "{}: doc must name its factor",
                m.code
            );
        }
    }
}

#[test]
fn every_rule_has_fail_and_pass_fixtures() {
    for r in RULES {
        let code = r.meta().code;
        if NO_FIXTURES.contains(&code) {
            continue;
        }
        let dir = repo().join("fixtures").join(code);
        let cases: Vec<String> = std::fs::read_dir(&dir)
            .unwrap_or_else(|_| panic!("{code}: no fixtures/{code}"))
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            cases.iter().any(|c| c.starts_with("fail-")),
            "{code}: no fail-* fixture"
        );
        assert!(
            cases.iter().any(|c| c.starts_with("pass-")),
            "{code}: no pass-* fixture"
        );
        for c in &cases {
            assert!(
                c.starts_with("fail-") || c.starts_with("pass-"),
                "{code}/{c}: case names start with fail- or pass-"
            );
            if c.starts_with("fail-") {
                assert!(
                    dir.join(c).join("expected.txt").exists(),
                    "{code}/{c}: no expected.txt"
                );
            }
        }
    }
}

#[test]
fn every_doc_page_and_fixture_folder_belongs_to_a_rule() {
    let codes: BTreeSet<String> = RULES.iter().map(|r| r.meta().code.to_string()).collect();
    for entry in std::fs::read_dir(repo().join("rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let code = name.strip_suffix(".md").unwrap_or(&name);
        assert!(codes.contains(code), "rules/{name} has no rule");
    }
    for entry in std::fs::read_dir(repo().join("fixtures")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(codes.contains(&name), "fixtures/{name} has no rule");
    }
}

#[test]
fn readme_rule_table_is_current() {
    let readme = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let table = twelve_lint::app::cli::rule_table();
    let begin = "<!-- rules:begin -->\n";
    let end = "<!-- rules:end -->";
    let start = readme
        .find(begin)
        .expect("README has the rules:begin marker")
        + begin.len();
    let stop = readme.find(end).expect("README has the rules:end marker");
    if readme[start..stop] != table && std::env::var_os("TWELVE_LINT_BLESS").is_some() {
        let blessed = format!("{}{table}{}", &readme[..start], &readme[stop..]);
        std::fs::write(repo().join("README.md"), blessed).unwrap();
        return;
    }
    assert_eq!(
        &readme[start..stop],
        table,
        "README rule table is stale: run `TWELVE_LINT_BLESS=1 cargo test --test meta`"
    );
}

/// A fixture file that git ignores is missing from every clean clone, so the case
/// would test something else in CI than on the author's machine.
#[test]
fn every_fixture_file_is_committed() {
    let Ok(git) = git2::Repository::open(repo()) else {
        return; // not a git checkout (e.g. a source tarball): nothing can be missing
    };
    let index = git.index().unwrap();
    let mut missing = Vec::new();
    let mut stack = vec![repo().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path.strip_prefix(repo()).unwrap();
            let rel = rel.to_string_lossy().replace('\\', "/");
            if index.get_path(std::path::Path::new(&rel), 0).is_none() {
                missing.push(rel);
            }
        }
    }
    assert!(
        missing.is_empty(),
        "fixture files not in the git index (use `git add -f`):\n{}",
        missing.join("\n")
    );
}

/// A stable rule has earned it: every ecosystem finding reviewed, and the verdicts reach the bar.
#[test]
fn stable_rules_meet_the_ecosystem_bar() {
    let precision = evidence::all();
    for r in RULES {
        let m = r.meta();
        if m.factor == 0 || m.stability != Stability::Stable {
            continue;
        }
        let unreviewed = evidence::unreviewed(m.code);
        assert!(
            unreviewed.is_empty(),
            "{} is stable but ecosystem findings lack a verdict in ecosystem/ledger.tsv:\n{}",
            m.code,
            unreviewed.join("\n")
        );
        let p = precision.get(m.code).copied().unwrap_or_default();
        assert!(
            p.meets_bar(),
            "{} is stable but its ecosystem precision {} does not reach the bar; make it preview",
            m.code,
            p.summary()
        );
    }
}

/// Each doc page ends with its `## Stability` section, generated from the metadata and the
/// ledger. `TWELVE_LINT_BLESS=1 cargo test --test meta` rewrites stale sections.
#[test]
fn doc_pages_state_stability_and_precision() {
    let precision = evidence::all();
    let bless = std::env::var_os("TWELVE_LINT_BLESS").is_some();
    let mut stale = Vec::new();
    for r in RULES {
        let m = r.meta();
        let p = precision.get(m.code).copied().unwrap_or_default();
        let section = format!("## Stability\n\n{}\n", evidence::stability_paragraph(m, p));
        let path = repo().join(m.doc_path());
        let page = std::fs::read_to_string(&path).unwrap();
        let body = page
            .find("## Stability\n")
            .map_or(page.as_str(), |i| &page[..i]);
        let want = format!("{}\n{section}", body.trim_end());
        if page != want {
            if bless {
                std::fs::write(&path, &want).unwrap();
            }
            stale.push(m.code);
        }
    }
    assert!(
        stale.is_empty() || bless,
        "stale `## Stability` sections in rules/ for {stale:?}; run `TWELVE_LINT_BLESS=1 cargo test --test meta`"
    );
}

/// Every rule that reads the Rust syntax tree declares when a file is worth one
/// (`tree:` in `declare_rule!`, see `src/model/prefilter.rs`), and a rule that declares one reads
/// it: without a prefilter a rule gets no tree.
#[test]
fn every_rule_reading_the_syntax_tree_declares_its_prefilter() {
    let files = rust_sources("src/rules");
    let mut checked = 0;
    for rule in RULES {
        let meta = rule.meta();
        let Some((path, text)) = files
            .iter()
            .find(|(_, t)| t.contains(&format!("code: \"{}\"", meta.code)))
        else {
            continue;
        };
        let reads_tree = text.contains(".rust()");
        let declared = !matches!(meta.tree, twelve_lint::model::prefilter::Prefilter::NoTree);
        assert_eq!(
            reads_tree, declared,
            "{} ({path}): a rule reads the syntax tree (`file.rust()`) exactly when it declares `tree:`",
            meta.code
        );
        checked += usize::from(reads_tree);
    }
    assert!(checked >= 10, "only {checked} rules read the syntax tree?");
}

/// Rust files yield only the run-time facts an enabled rule declares it reads (`facts:` in
/// `declare_rule!`): a project check reading listen sites, command sites or the call flow
/// declares it.
#[test]
fn every_rule_reading_rust_facts_declares_them() {
    use twelve_lint::model::project::RustFact;
    let files = rust_sources("src/rules");
    for rule in RULES {
        let meta = rule.meta();
        let Some((_, text)) = files
            .iter()
            .find(|(_, t)| t.contains(&format!("code: \"{}\"", meta.code)))
        else {
            continue;
        };
        for (fact, reads) in [
            (RustFact::Listens, text.contains(".listens")),
            (RustFact::Commands, text.contains("project.commands")),
            (
                RustFact::Flow,
                text.contains("use crate::model::program") || text.contains("cx.program()"),
            ),
        ] {
            assert_eq!(
                meta.facts.contains(&fact),
                reads,
                "{}: declares {fact:?} in `facts:` exactly when it reads them",
                meta.code
            );
        }
    }
}

/// The Rust files under `dir` (relative to the repository), with their text, sorted.
fn rust_sources(dir: &str) -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let root = repo();
    let mut out = Vec::new();
    walk(&root, &root.join(dir), &mut out);
    out.sort();
    out
}

/// The layers of `src/`, lowest first (see `src/lib.rs`). A module may import only from
/// its own layer and the layers below it.
const LAYERS: [&str; 7] = [
    "parse",
    "diagnostic",
    "model",
    "rules",
    "engine",
    "render",
    "app",
];

/// The module a file under `src/` defines (`src/model/flow.rs` → `model::flow`).
fn module_of(rel: &str) -> String {
    let path = rel.trim_start_matches("src/").trim_end_matches(".rs");
    path.trim_end_matches("/mod").replace('/', "::")
}

/// Every module path a file's code (not its comments, not its unit tests) names through
/// `crate::` or `super::`, from the crate root (`module` is the file's own module).
fn crate_paths(module: &str, text: &str) -> Vec<Vec<String>> {
    let code = text
        .split("\n#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or(text);
    let parent: Vec<String> = match module.rsplit_once("::") {
        Some((p, _)) => p.split("::").map(String::from).collect(),
        None => Vec::new(),
    };
    let mut out = Vec::new();
    for line in code.lines() {
        let mut rest = line.split("//").next().unwrap_or("");
        while let Some(at) = rest.find("crate::").or_else(|| rest.find("super::")) {
            let anchor = if rest[at..].starts_with("crate::") {
                Vec::new()
            } else {
                parent.clone()
            };
            let tail = &rest[at + "crate::".len()..];
            let end = tail
                .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(tail.len());
            let mut path = anchor;
            path.extend(
                tail[..end]
                    .split("::")
                    .filter(|p| !p.is_empty())
                    .map(String::from),
            );
            out.push(path);
            rest = &tail[end..];
        }
    }
    out
}

/// Layers are visible and only point down: no module imports from a higher layer, no
/// rule file imports another rule's file (what rules share lives in the model), and no
/// two modules import each other, directly or through others.
#[test]
fn layers_only_import_downwards() {
    let files: Vec<(String, String)> = rust_sources("src")
        .into_iter()
        .filter(|(rel, _)| rel != "src/lib.rs" && rel != "src/main.rs")
        .collect();
    let modules: BTreeSet<String> = files.iter().map(|(rel, _)| module_of(rel)).collect();
    let rank = |module: &str| {
        let top = module.split("::").next().unwrap();
        LAYERS
            .iter()
            .position(|l| *l == top)
            .unwrap_or_else(|| panic!("`{module}` is in no layer of {LAYERS:?}"))
    };
    let is_rule_file = |m: &str| {
        m.split("::").nth(1).is_some_and(|f| f.starts_with('f')) && m.split("::").count() == 3
    };
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut wrong = Vec::new();
    for (rel, text) in &files {
        let from = module_of(rel);
        for path in crate_paths(&from, text) {
            // The longest prefix of the path that is a module of the crate.
            let Some(to) = (1..=path.len())
                .rev()
                .map(|k| path[..k].join("::"))
                .find(|m| modules.contains(m))
            else {
                continue;
            };
            if to == from
                || from.starts_with(&format!("{to}::"))
                || to.starts_with(&format!("{from}::"))
            {
                continue;
            }
            if rank(&to) > rank(&from) {
                wrong.push(format!(
                    "{rel}: `{from}` (layer {}) imports `{to}`",
                    LAYERS[rank(&from)]
                ));
            }
            if is_rule_file(&from) && is_rule_file(&to) {
                wrong.push(format!(
                    "{rel}: rule `{from}` imports rule `{to}`; share the helper through the model"
                ));
            }
            edges.push((from.clone(), to));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
    // No cycles: repeatedly drop modules that import nothing left.
    let mut left: BTreeSet<String> = modules.clone();
    loop {
        let sinks: Vec<String> = left
            .iter()
            .filter(|m| !edges.iter().any(|(a, b)| a == *m && left.contains(b)))
            .cloned()
            .collect();
        if sinks.is_empty() {
            break;
        }
        for m in sinks {
            left.remove(&m);
        }
    }
    assert!(
        left.is_empty(),
        "modules importing each other (directly or through others): {left:?}"
    );
}

/// A rule's page explains its fix exactly when it has one: a fixable rule's "How to fix"
/// says what `--fix` does (and an unsafe one that it needs `--unsafe-fixes`), and a rule
/// without a fix never promises one.
#[test]
fn fixable_rules_explain_their_fix() {
    use twelve_lint::rules::FixSafety;
    for rule in RULES {
        let m = rule.meta();
        let how = m
            .doc
            .split("## How to fix")
            .nth(1)
            .and_then(|s| s.split("\n## ").next())
            .unwrap_or_default();
        let explains = how.contains("twelve-lint --fix");
        assert_eq!(
            explains,
            m.fix != FixSafety::None,
            "{}: `## How to fix` says what `twelve-lint --fix` does exactly when the rule declares `fix:` ({:?})",
            m.code,
            m.fix
        );
        assert_eq!(
            how.contains("--unsafe-fixes"),
            m.fix == FixSafety::Unsafe,
            "{}: only an unsafe fix is explained with `--unsafe-fixes`",
            m.code
        );
    }
}
