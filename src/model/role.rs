//! The role of every file: is it part of what runs in production, and if not, what is it?
//!
//! One answer, asked by the walk (test material is not read), by the engine (findings in
//! files that are not production are dropped for rules scoped to production), and by
//! `twelve-lint deployments`, which prints each decision with the signal behind it.
//! A team corrects the model with the config's `[roles]` globs.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use serde::Serialize;

use crate::model::listing::Listing;
use crate::model::source::{self, FileKind, read_regular_prefix};
use crate::model::value::with_interpolation_defaults;
use crate::parse::image::ImageRef;
use crate::parse::lex::Tokens;
use crate::parse::path::{join_inside, join_path};
use crate::parse::yaml::{self, Node};

/// What a file is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Deployed code and deployment files: what runs in production.
    Production,
    /// Local development setups: dev compose files, devcontainers, dev images.
    Development,
    /// Continuous integration: workflows, CI images and compose files.
    Ci,
    /// Tests and their harnesses: unit and integration tests, e2e, regression, fixtures.
    Test,
    /// Examples, samples and tutorials.
    Example,
    /// Documentation and documentation sites.
    Docs,
    /// Benchmarks.
    Bench,
    /// Cargo build scripts (`build.rs`), which run at compile time.
    BuildScript,
    /// Developer tooling: xtask crates, release and maintenance tools.
    Tooling,
    /// Third-party code kept in the repository.
    Vendored,
    /// Archived or deprecated material nobody maintains.
    Archived,
    /// Generated files.
    Generated,
    /// Rust code of a package that no deployed binary builds (a CLI or desktop app,
    /// a test fixture crate, a maintenance tool).
    NotDeployed,
}

impl Role {
    /// Every role, in order, for config keys and listings.
    pub const ALL: [Role; 13] = [
        Role::Production,
        Role::Development,
        Role::Ci,
        Role::Test,
        Role::Example,
        Role::Docs,
        Role::Bench,
        Role::BuildScript,
        Role::Tooling,
        Role::Vendored,
        Role::Archived,
        Role::Generated,
        Role::NotDeployed,
    ];

    /// The kebab-case name used in the config, JSON and messages.
    pub fn name(self) -> &'static str {
        match self {
            Role::Production => "production",
            Role::Development => "development",
            Role::Ci => "ci",
            Role::Test => "test",
            Role::Example => "example",
            Role::Docs => "docs",
            Role::Bench => "bench",
            Role::BuildScript => "build-script",
            Role::Tooling => "tooling",
            Role::Vendored => "vendored",
            Role::Archived => "archived",
            Role::Generated => "generated",
            Role::NotDeployed => "not-deployed",
        }
    }

    /// The role named `name` (kebab-case).
    pub fn from_name(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Test, benchmark and example material: not read at all unless `include-tests`.
    pub fn is_test_material(self) -> bool {
        matches!(self, Role::Test | Role::Bench | Role::Example)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A role and the signal that decided it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Decision {
    pub role: Role,
    /// Why, for `twelve-lint deployments`: `directory \`tests/\``, `file name part \`dev\``.
    pub signal: String,
}

impl Decision {
    fn new(role: Role, signal: impl Into<String>) -> Self {
        Decision {
            role,
            signal: signal.into(),
        }
    }

    /// A production file: no signal said otherwise.
    pub fn production() -> Self {
        Decision::new(Role::Production, "no signal of another role")
    }
}

/// Names of test code and test support, as a directory (`tests/`, `test_utils/`) or as a
/// Rust module file (`mod test_utils;` is `test_utils.rs` or `test_utils/mod.rs`).
const TEST_SUPPORT_NAMES: &[&str] = &[
    "tests",
    "test",
    "testing",
    "test-util",
    "test-utils",
    "test_util",
    "test_utils",
    "testutil",
    "testutils",
    "test-support",
    "test_support",
    "test_helpers",
];

/// Directory names, in their common spellings, and the role they give what is under them
/// (besides [`TEST_SUPPORT_NAMES`]).
const DIRECTORIES: &[(Role, &[&str])] = &[
    (
        Role::Test,
        &[
            "testdata",
            "test_data",
            "test-data",
            "fixtures",
            "fuzz",
            "e2e",
            "integration",
            "integration-tests",
            "regression",
            "playwright",
            "cypress",
            "antithesis",
            ".antithesis",
            "bdd",
        ],
    ),
    (
        Role::Bench,
        &["benches", "bench", "benchmark", "benchmarks"],
    ),
    (
        Role::Example,
        &[
            "examples",
            "example",
            "samples",
            "sample",
            "tutorial",
            "tutorials",
            "demo",
            "demos",
            "quickstart",
            "quickstarts",
            "quick-start",
        ],
    ),
    (Role::Docs, &["docs", "doc", "website", "book"]),
    (
        Role::Archived,
        &["_archived", "archived", "archive", "deprecated"],
    ),
    (
        Role::Vendored,
        &[
            "vendor",
            "vendored",
            "third_party",
            "third-party",
            "thirdparty",
        ],
    ),
    (
        Role::Development,
        &[".devcontainer", "devcontainer", "dev", "localnet"],
    ),
    (
        Role::Ci,
        &[
            ".github",
            ".circleci",
            ".gitlab",
            ".buildkite",
            ".woodpecker",
            ".drone",
            ".ci",
            "ci",
        ],
    ),
    (Role::Tooling, &["xtask", "tools"]),
    (Role::Generated, &["generated"]),
];

/// Words that, joined to a directory name by `-` or `_` at either end, give it a role:
/// `client-integration-tests/`, `api_test/`, `e2e_suite/` are test material,
/// `ockam_examples/`, `example_projects/` are examples.
const AFFIXED_DIRECTORIES: &[(Role, &[&str])] = &[
    (Role::Test, &["tests", "test", "testing", "e2e"]),
    (Role::Example, &["examples", "example"]),
];

/// The role a directory name gets from a word of [`AFFIXED_DIRECTORIES`] joined to it:
/// the first or last of its `-`/`_`-separated parts, when it has more than one.
fn affixed_role(lower: &str) -> Option<Role> {
    let mut parts = lower.split(['-', '_']);
    let first = parts.next()?;
    let last = parts.next_back()?;
    AFFIXED_DIRECTORIES
        .iter()
        .find(|(_, words)| words.contains(&first) || words.contains(&last))
        .map(|(role, _)| *role)
}

/// Parts of a deployment file's name (split at `.`, `-`, `_`) and the role they give it:
/// `docker-compose.dev.yml`, `Dockerfile.ci`, `compose.override.yaml`, `development.env`,
/// `config.example.toml` (an example of something: not its first part).
const NAME_PARTS: &[(Role, &[&str])] = &[
    (
        Role::Development,
        &[
            "dev",
            "devel",
            "development",
            "local",
            "override",
            "debug",
            "devcontainer",
            "gitpod",
            "localnet",
        ],
    ),
    (
        Role::Test,
        &["test", "tests", "testing", "e2e", "integration"],
    ),
    (
        Role::Ci,
        &[
            "ci",
            "woodpecker",
            "drone",
            "travis",
            "cloudbuild",
            "buildspec",
            "appveyor",
        ],
    ),
    (Role::Example, &["example", "examples", "sample", "samples"]),
];

/// Parts of an env file's name that make it a template to copy, not the settings of a
/// deployment: `.env.example`, `.env.dist`, `defaults.env`, `.env.template`.
const ENV_TEMPLATE_PARTS: &[&str] = &[
    "example", "examples", "sample", "samples", "template", "tmpl", "tpl", "dist", "defaults",
    "default", "schema", "skel",
];

/// File name parts that say a deployment file is the production one
/// (`docker-compose.prod.yml`, `stack.yml`), as against a plain `docker-compose.yml`
/// that may be either.
const PRODUCTION_NAME_PARTS: &[&str] = &[
    "prod",
    "production",
    "staging",
    "stage",
    "release",
    "deploy",
    "stack",
    "swarm",
];

/// True when `word` names a development or test environment, as a part of a file name
/// would (`dev`, `local`, `test`; any case): an enum variant such as `AppEnv::DEV`.
pub fn names_development_or_test(word: &str) -> bool {
    let lower = word.to_ascii_lowercase();
    NAME_PARTS
        .iter()
        .filter(|(role, _)| matches!(role, Role::Development | Role::Test))
        .any(|(_, words)| words.contains(&lower.as_str()))
}

/// True when `path`'s file name says it is a production deployment file.
pub fn names_production(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    name.split(['.', '-', '_'])
        .any(|part| PRODUCTION_NAME_PARTS.contains(&part))
}

/// Phrases in a file's opening comments that say it is not for production.
const HEADER_PHRASES: &[(Role, &[&str])] = &[
    (
        Role::Development,
        &[
            "local development",
            "local dev",
            "for development",
            "development only",
            "development purposes",
            "dev only",
            "not for production",
            "not meant for production",
            "not intended for production",
            "do not use in production",
            "don't use in production",
            "not suitable for production",
            "localhost only",
        ],
    ),
    (
        Role::Test,
        &[
            "for testing",
            "can be used to test",
            "testing only",
            "test only",
            "for tests",
            "for end-to-end tests",
            "for the end-to-end tests",
            "by the end-to-end tests",
            "for e2e tests",
            "for our e2e tests",
            "by the e2e tests",
            "for integration tests",
            "by the integration tests",
        ],
    ),
    (
        Role::Ci,
        &[
            "used by ci ",
            "used by ci.",
            "used in ci ",
            "used in ci.",
            "ci only",
        ],
    ),
    (
        Role::Example,
        &[
            "this file is a template",
            "copy this file to",
            "copy this file and",
        ],
    ),
    (
        Role::Generated,
        &[
            "@generated",
            "do not edit",
            "code generated",
            "autogenerated",
        ],
    ),
];

/// How many opening lines are read for header comments.
const HEADER_LINES: usize = 15;

/// Phrases of a README notice that forbid production use of what the directory holds
/// (`These samples must not be deployed in production environments.`).
const README_NOTICES: &[&str] = &[
    "must not be deployed in production",
    "should not be deployed in production",
    "must not be used in production",
    "should not be used in production",
    "not meant for production",
    "not intended for production",
    "not for production use",
    "do not use in production",
    "not suitable for production",
];

/// The manifests of project generators (cargo-generate, cookiecutter, copier, `spin
/// new`), as paths from the template's directory: the directory holding one is a
/// template new projects are generated from.
pub const TEMPLATE_MARKERS: &[&str] = &[
    "cargo-generate.toml",
    "cookiecutter.json",
    "copier.yml",
    "copier.yaml",
    "metadata/spin-template.toml",
];

/// README file names looked up in each directory.
pub const README_NAMES: &[&str] = &["README.md", "readme.md", "Readme.md", "README"];

/// The opening bytes of a README that are searched for a notice.
const README_HEAD_BYTES: u64 = 4096;

/// README notices and project-template manifests of the directories of a repository,
/// read on first use.
pub struct Notices {
    root: PathBuf,
    /// What the walk saw: a file it did not see is not looked for.
    listing: Arc<Listing>,
    by_dir: RwLock<HashMap<String, Option<Decision>>>,
}

impl Notices {
    /// Notices of the repository at `root`, whose walk saw `listing`.
    pub fn new(root: PathBuf, listing: Arc<Listing>) -> Self {
        Notices {
            root,
            listing,
            by_dir: RwLock::default(),
        }
    }

    /// The role a README in the root or a directory above `rel` gives it, if any.
    pub fn of(&self, rel: &str) -> Option<Decision> {
        let dirs = rel.match_indices('/').map(|(at, _)| &rel[..at]);
        std::iter::once("").chain(dirs).find_map(|d| self.of_dir(d))
    }

    fn of_dir(&self, dir: &str) -> Option<Decision> {
        let known = self.by_dir.read().unwrap_or_else(|e| e.into_inner());
        if let Some(decision) = known.get(dir) {
            return decision.clone();
        }
        drop(known);
        let decision = self.template_marker(dir).or_else(|| self.read_notice(dir));
        let mut known = self.by_dir.write().unwrap_or_else(|e| e.into_inner());
        known.insert(dir.to_string(), decision.clone());
        decision
    }

    /// A project generator's manifest in `dir` (`cargo-generate.toml`,
    /// `metadata/spin-template.toml`) makes what the directory holds a template that
    /// generates new projects: its files are examples, and not valid (nor deployed) until
    /// rendered.
    fn template_marker(&self, dir: &str) -> Option<Decision> {
        let base = self.root.join(dir);
        let marker = TEMPLATE_MARKERS.iter().find(|m| {
            self.listing.may_exist(&join_path(dir, m))
                && std::fs::symlink_metadata(base.join(m)).is_ok_and(|meta| meta.is_file())
        })?;
        let shown = if dir.is_empty() {
            marker.to_string()
        } else {
            format!("{dir}/{marker}")
        };
        Some(Decision::new(
            Role::Example,
            format!("`{shown}` makes it a project template"),
        ))
    }

    fn read_notice(&self, dir: &str) -> Option<Decision> {
        let base = self.root.join(dir);
        // A README that is not UTF-8 has no notice we can read.
        let (name, head) = README_NAMES
            .iter()
            .filter(|n| self.listing.may_exist(&join_path(dir, n)))
            .find_map(|n| Some((n, read_regular_prefix(&base.join(n), README_HEAD_BYTES)?)))?;
        let (role, said) = head
            .split("\n\n")
            .find_map(|paragraph| notice(paragraph, dir.is_empty()))?;
        let shown = if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        };
        Some(Decision::new(role, format!("{shown} says {said}")))
    }
}

/// Phrases of a README paragraph that restrict the use of what it describes.
const RESTRICTIONS: &[&str] = &["should not be used", "must not be used"];

/// What the directory holds, as a README's introduction says it (`This is sample project
/// to demonstrate …`).
const SAMPLE_INTRODUCTIONS: &[&str] = &[
    "this is sample",
    "this is a sample",
    "this is a demo",
    "this is an example",
];

/// The opening-comment phrases that give `role`.
fn phrases(role: Role) -> impl Iterator<Item = &'static &'static str> {
    HEADER_PHRASES
        .iter()
        .filter(move |(r, _)| *r == role)
        .flat_map(|(_, phrases)| phrases.iter())
}

/// The role a README paragraph gives its directory, with the words that give it:
/// a notice that forbids production use; one that says the setup is for development and
/// restricts its use (`for simplicity and development purposes. This setup should NOT be
/// used in any other fashion.`); an introduction (`This is …`) that says what it is for is
/// tests (`This is a caching proxy … for our E2E tests.`); or an introduction of the
/// directory as a sample project or app. In the root README, which speaks for the whole
/// repository, a development phrase and a restriction in one paragraph are too weak
/// (`For local development, run `make dev`; its debug build should not be used for
/// benchmarks.`): only a notice that forbids production use counts there.
fn notice(paragraph: &str, root: bool) -> Option<(Role, String)> {
    let lower = paragraph
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let quoted = |p: &str| format!("\"{p}\"");
    if let Some(p) = README_NOTICES.iter().find(|p| lower.contains(*p)) {
        return Some((Role::Development, quoted(p)));
    }
    let development = phrases(Role::Development).find(|p| lower.contains(*p));
    if !root
        && let (Some(d), Some(r)) = (
            development,
            RESTRICTIONS.iter().find(|r| lower.contains(*r)),
        )
    {
        return Some((
            Role::Development,
            format!("{} and {}", quoted(d), quoted(r)),
        ));
    }
    if lower.trim_start_matches(['>', ' ']).starts_with("this is ")
        && let Some(p) = phrases(Role::Test).find(|p| lower.contains(*p))
    {
        return Some((Role::Test, quoted(p)));
    }
    let intro = SAMPLE_INTRODUCTIONS.iter().find(|p| lower.contains(*p))?;
    let rest = &lower[lower.find(intro)? + intro.len()..];
    let noun = rest.split([' ', '.', ',']).find(|w| !w.is_empty())?;
    ["project", "app", "application", "setup"]
        .contains(&noun)
        .then(|| (Role::Example, quoted(&format!("{intro} {noun}"))))
}

/// The first directory of `rel` that gives it a role, with that role. Inside a crate's
/// `src/`, module directories (`src/docs/`, `src/tools/`) are code; only test
/// directories keep their meaning there.
fn deciding_directory(rel: &str) -> Option<(Role, &str)> {
    let dirs = rel.rsplit_once('/').map_or("", |(d, _)| d);
    let mut in_src = false;
    for dir in dirs.split('/').filter(|d| !d.is_empty()) {
        let lower = ascii_lowercase(dir);
        if TEST_SUPPORT_NAMES.contains(&&*lower) {
            return Some((Role::Test, dir));
        }
        if let Some((role, _)) = DIRECTORIES
            .iter()
            .filter(|(role, _)| !in_src || role.is_test_material())
            .find(|(_, names)| names.contains(&&*lower))
        {
            return Some((*role, dir));
        }
        in_src |= lower == "src";
        if let Some(role) = affixed_role(&lower).filter(|r| !in_src || r.is_test_material()) {
            return Some((role, dir));
        }
    }
    None
}

/// `name` in ASCII lower case, borrowed when it has no upper-case letter.
fn ascii_lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// The role a path alone gives a file (directories, then the file name).
pub fn of_path(rel: &str) -> Decision {
    if let Some((role, dir)) = deciding_directory(rel) {
        return Decision::new(role, format!("directory `{dir}/`"));
    }
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let lower = name.to_ascii_lowercase();
    if is_lockfile(&lower) {
        return Decision::new(Role::Generated, format!("lockfile `{name}`"));
    }
    if lower == "build.rs" {
        return Decision::new(Role::BuildScript, "Cargo build script `build.rs`");
    }
    if DOCS_SITE_FILES.contains(&lower.as_str()) {
        return Decision::new(Role::Docs, format!("documentation site config `{name}`"));
    }
    // Sublime Text's syntax tests (also run by `syntect` and `bat`) are named so, in every
    // language, and are written to exercise the grammar, not to compile.
    if lower.starts_with("syntax_test_") {
        return Decision::new(Role::Test, format!("editor syntax test `{name}`"));
    }
    if let Some(stem) = lower.strip_suffix(".rs") {
        if TEST_SUPPORT_NAMES.contains(&stem) || stem.ends_with("_test") || stem.ends_with("_tests")
        {
            return Decision::new(Role::Test, format!("test module file `{name}`"));
        }
        return Decision::production();
    }
    if source::classify(Path::new(name)) == Some(FileKind::Env)
        && let Some(part) = lower
            .split(['.', '-', '_'])
            .find(|p| ENV_TEMPLATE_PARTS.contains(p))
    {
        return Decision::new(
            Role::Example,
            format!("env file template (name part `{part}`)"),
        );
    }
    for (role, words) in NAME_PARTS {
        // `config.example.toml` is an example of a config; a file named `example.yaml` may
        // be the one a project deploys.
        let skip = usize::from(*role == Role::Example);
        if let Some(part) = lower
            .split(['.', '-', '_'])
            .filter(|p| !p.is_empty())
            .skip(skip)
            .find(|p| words.contains(p))
        {
            return Decision::new(*role, format!("file name part `{part}`"));
        }
    }
    Decision::production()
}

/// True when `rel` takes a non-production role only from a generic `dev/` or `ci/`
/// directory, where projects also keep their release tooling, and not from its own name
/// or a specific directory (`.devcontainer/`, `tests/`).
pub fn only_in_generic_directory(rel: &str) -> bool {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    of_path(name).role == Role::Production
        && deciding_directory(rel).is_some_and(|(_, dir)| matches!(dir, "dev" | "ci" | ".ci"))
}

/// The role an API description gives its file: a YAML document with a top-level
/// `openapi:` or `swagger:` version describes an API, and its credentials are request
/// examples.
pub fn of_api_description(doc: &Node<'_>) -> Option<Decision> {
    ["openapi", "swagger"]
        .into_iter()
        .find(|key| yaml::get(doc, key).and_then(yaml::scalar_text).is_some())
        .map(|key| Decision::new(Role::Docs, format!("API description (`{key}:`)")))
}

/// True when a compose service bind-mounts the source tree (`.:/app`, `./src:/app/src`)
/// or a local Cargo build (`../target/release/app:/app/app`): code from the developer's
/// checkout mounted into a container is a development setup.
pub fn mounts_source(svc: &Node<'_>) -> bool {
    bind_sources(svc).iter().any(|s| {
        let s = s.trim_end_matches('/');
        let parts: Vec<&str> = s.split('/').collect();
        let local_build = parts.iter().position(|p| *p == "target").is_some_and(|at| {
            parts[at + 1..]
                .iter()
                .any(|p| matches!(*p, "release" | "debug"))
        });
        matches!(s, "." | ".." | "./src" | "../src") || s.ends_with("/src") || local_build
    })
}

/// The host side of a compose service's `volumes` (`./src` of `./src:/app`, or the long
/// form's `source`); a named volume's name too.
fn bind_sources(svc: &Node<'_>) -> Vec<String> {
    let Some(volumes) = yaml::get(svc, "volumes").and_then(yaml::sequence) else {
        return Vec::new();
    };
    volumes
        .iter()
        .filter_map(|v| match yaml::scalar_str(v) {
            Some(short) => short.split(':').next().map(str::to_string),
            None => yaml::str_at(v, "source").map(str::to_string),
        })
        .collect()
}

/// Example or test material of the repository that a compose service in directory `dir`
/// bind-mounts (`../examples/realm.json:/import/realm.json`; `${PWD}` read as `dir`, where
/// compose is run from), with its role and path: the stack runs that material, so it is
/// an example or a test setup, not a deployment.
fn mounts_material(svc: &Node<'_>, dir: &str) -> Option<(Role, String)> {
    bind_sources(svc).into_iter().find_map(|source| {
        let rel = ["${PWD}/", "$PWD/"]
            .iter()
            .find_map(|p| source.strip_prefix(p))
            .or_else(|| source.starts_with('.').then_some(source.as_str()))?;
        let path = join_inside(dir, rel)?;
        let role = of_path(&path).role;
        matches!(role, Role::Example | Role::Test).then_some((role, path))
    })
}

/// Image tags that follow unreleased code (a branch or a nightly build): a stack that runs
/// one is a development or preview setup, not a release.
const DEV_CHANNELS: &[&str] = &[
    "nightly", "edge", "canary", "main", "master", "develop", "dev", "unstable",
];

/// Stage names a compose `build.target` picks for a development setup.
const DEV_STAGES: &[&str] = &["dev", "development", "debug", "test", "testing"];

/// True when a Dockerfile stage is named as a development or test target (`FROM builder
/// AS dev`): building it makes a development image, not a release.
pub fn is_dev_stage(name: &str) -> bool {
    DEV_STAGES.contains(&name.to_ascii_lowercase().as_str())
}

/// The role a compose file's services give it: development when every service runs a
/// backing service and none the app, or when one of them is plainly not production: it
/// builds a development stage (`build.target: dev`), bind-mounts the source tree, runs the
/// unreleased build of an image (`app:nightly`, `app:main`; unless the file at `path` is
/// named as the production one), compiles the app when it starts (`cargo run`), or
/// reaches the developer's machine (`host.docker.internal`); a test setup when a service
/// runs an emulator (a cloud service's local stand-in); an example or test setup when a
/// service mounts example or test material of the repository, or runs an image named as
/// an example.
pub fn of_compose(doc: &Node<'_>, path: &str) -> Option<Decision> {
    let named_production = names_production(path);
    let dir = path.rsplit_once('/').map_or("", |(dir, _)| dir);
    let services = yaml::compose_services(doc);
    let by_service = services.iter().find_map(|&(name, svc)| {
        let name = yaml::scalar_text(name).unwrap_or_default();
        service_role(svc, dir, named_production)
            .map(|(role, what)| Decision::new(role, format!("service `{name}` {what}")))
    });
    // Only backing services (databases, caches, telemetry) and none of the app: the
    // developer's local dependencies, unless the file is named as the production one or
    // runs with the services of other compose files (`include:`, `extends: {file: ..}`,
    // an overlay whose services depend on another file's).
    let mut backing: Vec<&'static str> = services
        .iter()
        .filter(|(_, svc)| yaml::get(svc, "build").is_none())
        .filter_map(|(_, svc)| ImageRef::parse(yaml::str_at(svc, "image")?).backing_service())
        .collect();
    let only_backing = !services.is_empty()
        && backing.len() == services.len()
        && yaml::compose_parts(doc).is_empty()
        && !yaml::compose_needs_other_file(doc);
    backing.sort_unstable();
    backing.dedup();
    by_service.or_else(|| (!named_production && only_backing).then(|| backing_only(&backing)))
}

/// The role one compose service gives its file (see [`of_compose`]), with what it does.
fn service_role(svc: &Node<'_>, dir: &str, named_production: bool) -> Option<(Role, String)> {
    // Compose fills `${VAR:-default}` in with its default when the variable is unset.
    let dev_stage = || {
        yaml::get(svc, "build")
            .and_then(|b| yaml::str_at(b, "target"))
            .and_then(with_interpolation_defaults)
            .filter(|t| is_dev_stage(t))
            .map(|stage| (Role::Development, format!("builds the `{stage}` stage")))
    };
    // A file named as the production deployment that runs a branch build is a
    // production deployment doing so (TF0502 reports it).
    let unreleased = || {
        let image = yaml::str_at(svc, "image").and_then(with_interpolation_defaults)?;
        let channel = ImageRef::parse(&image)
            .channel()
            .filter(|c| DEV_CHANNELS.contains(&c.to_ascii_lowercase().as_str()))?;
        (!named_production).then(|| {
            (
                Role::Development,
                format!("runs the unreleased `{channel}` build of `{image}`"),
            )
        })
    };
    dev_stage()
        .or_else(|| {
            mounts_source(svc).then(|| {
                (
                    Role::Development,
                    "mounts the source tree or a local build".to_string(),
                )
            })
        })
        .or_else(unreleased)
        .or_else(|| {
            idles(svc).then(|| {
                (
                    Role::Development,
                    "only idles (`tail -f /dev/null`): a sandbox to exec into".to_string(),
                )
            })
        })
        .or_else(|| {
            mounts_material(svc, dir).map(|(role, material)| (role, format!("mounts `{material}`")))
        })
        .or_else(|| {
            example_image(svc)
                .map(|image| (Role::Example, format!("runs the example image `{image}`")))
        })
        .or_else(|| {
            runs_from_source(svc).map(|run| {
                (
                    Role::Development,
                    format!("compiles the app when it starts (`{run}`)"),
                )
            })
        })
        .or_else(|| {
            reaches_docker_host(svc).then(|| {
                (
                    Role::Development,
                    "reaches the developer's machine through `host.docker.internal`".to_string(),
                )
            })
        })
        .or_else(|| runs_emulator(svc).then(|| (Role::Test, "runs an emulator".to_string())))
}

/// The role of a compose file whose every service runs one of the `backing` services
/// and none the app: the developer's local dependencies.
pub fn backing_only(backing: &[&str]) -> Decision {
    Decision::new(
        Role::Development,
        format!(
            "every service runs a backing service ({}) and none runs the app",
            backing.join(", ")
        ),
    )
}

/// The role of a compose file that runs only other projects' `images` in a repository
/// with an app of its own: the infrastructure the app is developed against.
pub fn third_party_only(images: &[&str]) -> Decision {
    let mut shown: Vec<String> = images.iter().take(3).map(|i| format!("`{i}`")).collect();
    if images.len() > 3 {
        shown.push(format!("{} more", images.len() - 3));
    }
    Decision::new(
        Role::Development,
        format!(
            "no service builds or runs an image of this repository's app (it runs {})",
            shown.join(", ")
        ),
    )
}

/// True when a compose service runs an emulator: its image names one
/// (`gcr.io/cloud-spanner-emulator/emulator`) or its command starts one
/// (`gcloud beta emulators bigtable start`).
fn runs_emulator(svc: &Node<'_>) -> bool {
    let emulator = |text: &str| {
        text.to_ascii_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "emulator" || w == "emulators")
    };
    yaml::str_at(svc, "image").is_some_and(emulator) || emulator(&command_text(svc))
}

/// The image a compose service runs when its name says it holds an example
/// (`debezium/example-postgres`, `acme/shop-demo`): a tutorial's data or app, not a
/// deployment's.
fn example_image<'n>(svc: &'n Node<'_>) -> Option<&'n str> {
    let image = yaml::str_at(svc, "image")?;
    let name = ImageRef::parse(image).name;
    let last = name.rsplit('/').next().unwrap_or(name);
    last.split(['-', '_', '.'])
        .any(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "example" | "examples" | "demo" | "sample" | "samples" | "tutorial"
            )
        })
        .then_some(image)
}

/// The toolchain command a compose service's command compiles and runs the app with
/// (`cargo run`, `cargo watch`, `go run`), even behind a wrapper script
/// (`./setup-db.sh cargo run --release`): a development loop over the source, not a
/// release, which is built once and only started.
fn runs_from_source(svc: &Node<'_>) -> Option<&'static str> {
    let text = command_text(svc);
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ';' | '&' | '|'))
        .filter(|w| !w.is_empty())
        .collect();
    words.windows(2).find_map(|w| match (w[0], w[1]) {
        ("cargo", "run") => Some("cargo run"),
        ("cargo", "watch") => Some("cargo watch"),
        ("go", "run") => Some("go run"),
        _ => None,
    })
}

/// True when a compose service reaches the machine Docker runs on by the name
/// `host.docker.internal` (in its environment, command or `extra_hosts`): a name Docker
/// documents for development, the developer's own machine, not a deployed host.
fn reaches_docker_host(svc: &Node<'_>) -> bool {
    const HOST: &str = "host.docker.internal";
    let in_scalars = |key: &str| {
        let Some(node) = yaml::get(svc, key) else {
            return false;
        };
        let items: Vec<&Node<'_>> = match yaml::mapping(node) {
            Some(entries) => entries.into_iter().flat_map(|(k, v)| [k, v]).collect(),
            None => yaml::sequence(node).unwrap_or_default().iter().collect(),
        };
        items
            .into_iter()
            .filter_map(yaml::scalar_text)
            .any(|text| text.contains(HOST))
    };
    in_scalars("environment") || in_scalars("extra_hosts") || command_text(svc).contains(HOST)
}

/// True when a compose service's command only keeps the container up (`tail -f
/// /dev/null`, `sleep infinity`): a sandbox a developer execs into, running nothing.
fn idles(svc: &Node<'_>) -> bool {
    let text = command_text(svc);
    let words: Vec<&str> = text.split_whitespace().collect();
    matches!(
        words[..],
        ["tail", "-f" | "-F", "/dev/null"] | ["sleep", "infinity" | "inf"]
    )
}

/// A compose service's `command`, its list form joined by spaces (empty when unset).
fn command_text(svc: &Node<'_>) -> String {
    match yaml::get(svc, "command") {
        Some(c) => match yaml::sequence(c) {
            Some(items) => items
                .iter()
                .filter_map(yaml::scalar_str)
                .collect::<Vec<_>>()
                .join(" "),
            None => yaml::scalar_str(c).unwrap_or_default().to_string(),
        },
        None => String::new(),
    }
}

/// The role a Rust file's inner attributes give it: `#![cfg(test)]` makes the whole file
/// test code, and another cfg a production build cannot meet (`#![cfg(windows)]`) makes it
/// code no deployed binary holds.
pub fn of_inner_attributes(t: &Tokens<'_>) -> Option<Decision> {
    let mut i = 0;
    while let Some(open) = t.attribute(i).filter(|_| t.is_punct(i + 1, '!')) {
        let text = || (i..=t.pair(open)).map(|k| t.text(k)).collect::<String>();
        if t.marks_test_code(open) {
            return Some(Decision::new(Role::Test, format!("`{}`", text())));
        }
        if t.excludes_from_production(open) {
            return Some(Decision::new(
                Role::NotDeployed,
                format!("`{}` excludes it from a production build", text()),
            ));
        }
        i = t.pair(open) + 1;
    }
    None
}

/// Configuration files of documentation site generators.
const DOCS_SITE_FILES: &[&str] = &[
    "mkdocs.yml",
    "mkdocs.yaml",
    "book.toml",
    ".readthedocs.yml",
    ".readthedocs.yaml",
    "antora.yml",
];

/// Lockfiles written by package managers: `Cargo.lock`, `pnpm-lock.yaml`, `yarn.lock`.
fn is_lockfile(lower: &str) -> bool {
    let stem = lower.rsplit_once('.').map_or(lower, |(stem, _)| stem);
    lower.ends_with(".lock") || stem.ends_with("-lock") || lower == "go.sum"
}

/// The role of a file from its path and, when the path says production, its opening
/// comments (with `text`) and the README notices of its directories (with `notices`).
pub fn of_file(rel: &str, text: Option<&str>, notices: Option<&Notices>) -> Decision {
    let by_path = of_path(rel);
    if by_path.role != Role::Production {
        return by_path;
    }
    let code = rel.ends_with(".rs");
    let script = source::classify(Path::new(rel)) == Some(FileKind::Shell);
    text.and_then(|t| {
        header(t, code)
            .or_else(|| (!code).then(|| dev_mode_setting(t))?)
            .or_else(|| script.then(|| runs_test_suite(t))?)
    })
    .or_else(|| notices.and_then(|n| n.of(rel)))
    .unwrap_or(by_path)
}

/// A role stated by the file's opening comment lines (`#`, `//`, `/*`, `*`, `<!--`).
/// Only code can be generated: a generated manifest is still what gets deployed.
fn header(text: &str, code: bool) -> Option<Decision> {
    for line in text.lines().take(HEADER_LINES) {
        let trimmed = line.trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let comment = ["#", "//", "/*", "*", "<!--", "--"]
            .iter()
            .find_map(|m| trimmed.strip_prefix(m));
        let Some(comment) = comment else {
            // The header ends at the first line of content.
            return None;
        };
        let lower = comment.to_ascii_lowercase();
        for (role, phrases) in HEADER_PHRASES {
            if *role == Role::Generated && !code {
                continue;
            }
            if let Some(phrase) = phrases.iter().find(|p| lower.contains(*p)) {
                return Some(Decision::new(
                    *role,
                    format!("opening comment says \"{phrase}\""),
                ));
            }
        }
    }
    None
}

/// Commands that run a test suite.
const TEST_SUITE_COMMANDS: &[&str] = &[
    "go test",
    "cargo test",
    "cargo nextest",
    "pytest",
    "python -m pytest",
    "python3 -m pytest",
    "npm test",
    "npm run test",
    "yarn test",
    "bats",
];

/// A script that runs a test suite (`go test -json …`, `cargo nextest run`) is a test
/// runner, whatever image starts it: no release runs its tests when it starts.
fn runs_test_suite(text: &str) -> Option<Decision> {
    text.lines().find_map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("exec ").unwrap_or(line);
        let command = TEST_SUITE_COMMANDS.iter().find(|c| {
            line.strip_prefix(**c)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\\']))
        })?;
        Some(Decision::new(Role::Test, format!("it runs `{command}`")))
    })
}

/// A setting that switches the application into its development mode
/// (`dev_mode = true`, `devMode: true`, `DEV_MODE=true`): the file configures a developer's
/// instance, whatever its name.
fn dev_mode_setting(text: &str) -> Option<Decision> {
    // Every spelling holds `mode`; most files do not, and are passed over in one scan.
    if !text
        .as_bytes()
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"mode"))
    {
        return None;
    }
    text.lines().find_map(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("export ").unwrap_or(line);
        let (key, value) = line.split_once(['=', ':'])?;
        let key = key.trim().trim_matches(['"', '\'']);
        let spelled = key
            .bytes()
            .filter(|b| !matches!(b, b'_' | b'-'))
            .map(|b| b.to_ascii_lowercase());
        let dev_mode = |word: &[u8]| spelled.clone().eq(word.iter().copied());
        let value = value.split('#').next().unwrap_or_default();
        let on = value.trim().trim_matches(['"', '\'', ',']) == "true";
        (on && (dev_mode(b"devmode") || dev_mode(b"developmentmode")))
            .then(|| Decision::new(Role::Development, format!("it sets `{key}` to true")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(rel: &str) -> Role {
        of_path(rel).role
    }

    #[test]
    fn directories_decide_first() {
        assert_eq!(role("tests/it.rs"), Role::Test);
        assert_eq!(role("crates/a/tests/fixtures/Dockerfile"), Role::Test);
        assert_eq!(
            role("client-integration-tests/docker-compose.yml"),
            Role::Test
        );
        assert_eq!(role("examples/demo/src/main.rs"), Role::Example);
        assert_eq!(role("quickstart/compose.mysql.yml"), Role::Example);
        assert_eq!(role("demo/docker-compose.yml"), Role::Example);
        assert_eq!(role("_archived/nfs/Dockerfile"), Role::Archived);
        assert_eq!(role(".devcontainer/Dockerfile"), Role::Development);
        assert_eq!(role(".gitpod.Dockerfile"), Role::Development);
        assert_eq!(
            role("docker/localnet/Dockerfile.localnet"),
            Role::Development
        );
        assert_eq!(role(".antithesis/client/Dockerfile"), Role::Test);
        assert_eq!(role("website/Dockerfile"), Role::Docs);
        assert_eq!(role("vendor/x/src/lib.rs"), Role::Vendored);
        assert_eq!(role("xtask/src/main.rs"), Role::Tooling);
        assert_eq!(role("test-engineering/load/Dockerfile"), Role::Test);
        assert_eq!(role("crates/test_utils/src/lib.rs"), Role::Test);
        assert_eq!(role("crates/testament/src/lib.rs"), Role::Production);
        assert_eq!(role("benches/b.rs"), Role::Bench);
        assert_eq!(role("scripts/regression/compose.yaml"), Role::Test);
        assert_eq!(role("crates/a/src/tests/mod.rs"), Role::Test);
        assert_eq!(role("bdd/docker-compose.cluster.yml"), Role::Test);
        assert_eq!(role("chaos-testing/src/k8s.rs"), Role::Test);
        assert_eq!(role("linkerd/tls/test-util/src/lib.rs"), Role::Test);
        assert!(only_in_generic_directory("dev/docker/scheduler.Dockerfile"));
        assert!(only_in_generic_directory("ci/Dockerfile"));
        assert!(!only_in_generic_directory("dev/Dockerfile.ci"));
        assert!(!only_in_generic_directory(".devcontainer/Dockerfile"));
        assert!(!only_in_generic_directory("Dockerfile.dev"));
        assert_eq!(role("crates/test_utils/src/db.rs"), Role::Test);
        assert_eq!(role("crates/a/src/test_helpers/mod.rs"), Role::Test);
    }

    #[test]
    fn file_names_of_deployment_files() {
        assert_eq!(role("docker-compose.dev.yml"), Role::Development);
        assert_eq!(role("Dockerfile-devel"), Role::Development);
        assert_eq!(role("compose.override.yaml"), Role::Development);
        assert_eq!(role("Dockerfile.ci"), Role::Ci);
        assert_eq!(role(".woodpecker.yml"), Role::Ci);
        assert_eq!(role(".drone.yml"), Role::Ci);
        assert_eq!(role("docker/cloudbuild.yaml"), Role::Ci);
        assert_eq!(role("buildspec.yml"), Role::Ci);
        assert_eq!(role("server/testing-docker-compose.yml"), Role::Test);
        assert_eq!(role("docker-compose.e2e.yaml"), Role::Test);
        assert_eq!(role("development.env"), Role::Development);
        assert_eq!(role("build.rs"), Role::BuildScript);
        assert_eq!(role("src/foo_test.rs"), Role::Test);
        assert_eq!(role("src/test_utils.rs"), Role::Test);
        assert_eq!(
            role("assets/syntaxes/Packages/Rust/syntax_test_rust.rs"),
            Role::Test
        );
        assert_eq!(role("syntaxes/YAML/syntax_test_yaml.yaml"), Role::Test);
        assert_eq!(role("crates/a/src/testing.rs"), Role::Test);
        assert_eq!(role("config/settings.example.toml"), Role::Example);
        assert_eq!(role("deploy/compose.sample.yaml"), Role::Example);
        assert_eq!(role(".env.example"), Role::Example);
        assert_eq!(role("pdf2md/.env.dist"), Role::Example);
        assert_eq!(role("defaults.env"), Role::Example);
        assert_eq!(role(".env.template"), Role::Example);
        assert_eq!(role("web/pnpm-lock.yaml"), Role::Generated);
        assert_eq!(role("Cargo.lock"), Role::Generated);
        assert_eq!(role("pykanidm/mkdocs.yml"), Role::Docs);
    }

    #[test]
    fn near_misses_stay_production() {
        for rel in [
            "src/main.rs",
            "src/latest.rs",
            "src/dev.rs",
            "src/testing_utils_prod.rs",
            "src/attestation.rs",
            "src/contest.rs",
            "docker-compose.yml",
            "docker-compose.prod.yml",
            "Dockerfile",
            "deploy/k8s/deployment.yaml",
            "contest/Dockerfile",
            "devices/Dockerfile",
            "src/tools.rs",
            "crates/api/src/tools/mod.rs",
            "kubernetes/example.yaml",
            "src/docs/render.rs",
            ".env",
            ".env.production",
            "config/default.toml",
            "Taskfile.dist.yaml",
        ] {
            assert_eq!(role(rel), Role::Production, "{rel}");
        }
    }

    #[test]
    fn opening_comments_state_a_role() {
        let dev = "# Docker compose file for local development only\nservices:\n  db:\n";
        assert_eq!(
            of_file("docker-compose.yml", Some(dev), None).role,
            Role::Development
        );
        let late = "services:\n  db:\n# for local development\n";
        assert_eq!(
            of_file("docker-compose.yml", Some(late), None).role,
            Role::Production
        );
        let generated = "// @generated by prost\npub struct A;\n";
        assert_eq!(
            of_file("src/pb.rs", Some(generated), None).role,
            Role::Generated
        );
        let manifest = "# Code generated by kustomize. DO NOT EDIT.\napiVersion: v1\n";
        assert_eq!(
            of_file("release/app.yaml", Some(manifest), None).role,
            Role::Production
        );
        let e2e = "# This compose file was constructed as a base for\n# use by the End-to-end tests.\nservices:\n";
        assert_eq!(
            of_file("docker/docker-compose.mysql.yaml", Some(e2e), None).role,
            Role::Test
        );
        let ci = "# This Dockerfile is used by CI to build all things.\nFROM ubuntu:24.04\n";
        assert_eq!(
            of_file("deploy/build.Dockerfile", Some(ci), None).role,
            Role::Ci
        );
        let release = "# Deploys the app; the image is built by the release job.\nFROM debian:12\n";
        assert_eq!(
            of_file("deploy/app.Dockerfile", Some(release), None).role,
            Role::Production
        );
        let mentions = "# Unlike the other file (an end-to-end test harness), this runs a server.\nservices:\n";
        assert_eq!(
            of_file("docker/docker-compose.one-shot.yaml", Some(mentions), None).role,
            Role::Production
        );
        let runner = "#!/bin/bash\n# Drives the compliance suite.\nset -eux\ngo test \\\n    -json ./tests |\n    tee out.jsonl\n";
        assert_eq!(
            of_file("docker/lib/uwu.sh", Some(runner), None).role,
            Role::Test
        );
        let entry =
            "#!/bin/sh\n# cargo test runs in CI, not here\necho 'go testing'\nexec /app \"$@\"\n";
        assert_eq!(
            of_file("docker/entrypoint.sh", Some(entry), None).role,
            Role::Production
        );
        let dev_mode = "# Values in the `dev` category do not work in release builds.\n[dev]\ndev_mode = true\n";
        assert_eq!(
            of_file("config.toml", Some(dev_mode), None).role,
            Role::Development
        );
        let off = "[dev]\ndev_mode = false\n# dev_mode = true\n";
        assert_eq!(
            of_file("config.toml", Some(off), None).role,
            Role::Production
        );
        let code = "const DEFAULTS: &str = \"dev_mode = true\";\n";
        assert_eq!(
            of_file("src/config.rs", Some(code), None).role,
            Role::Production
        );
        let plain = "# syntax=docker/dockerfile:1\nFROM rust:1.80\n";
        assert_eq!(
            of_file("Dockerfile", Some(plain), None).role,
            Role::Production
        );
    }

    #[test]
    fn api_descriptions_are_docs() {
        let doc = |text: &str| yaml::parse(text).unwrap().docs.remove(0);
        let spec = doc("openapi: 3.0.3\ninfo:\n  title: API\n");
        assert_eq!(of_api_description(&spec).map(|d| d.role), Some(Role::Docs));
        let swagger = doc("swagger: \"2.0\"\npaths: {}\n");
        assert_eq!(
            of_api_description(&swagger).map(|d| d.role),
            Some(Role::Docs)
        );
        assert!(of_api_description(&doc("services:\n  openapi:\n    image: x\n")).is_none());
    }

    #[test]
    fn compose_content_states_a_role() {
        let role = |text: &str| {
            let docs = crate::parse::yaml::parse(text).unwrap().docs;
            of_compose(&docs[0], "docker-compose.yml").map(|d| d.role)
        };
        let dev = "services:\n  app:\n    build: {context: ., target: dev}\n";
        assert_eq!(role(dev), Some(Role::Development));
        let mounted = "services:\n  app:\n    build: .\n    volumes: [\".:/app\"]\n";
        assert_eq!(role(mounted), Some(Role::Development));
        let built = "services:\n  node1:\n    image: example/app:1.2.0\n    volumes: [\"../../target/x86_64-unknown-linux-gnu/release/app:/app/app\"]\n";
        assert_eq!(role(built), Some(Role::Development));
        let target_dir = "services:\n  app:\n    image: example/app:1.2.0\n    volumes: [\"./target:/srv/target\"]\n";
        assert_eq!(role(target_dir), None);
        let emulator = "services:\n  db:\n    image: gcr.io/cloud-spanner-emulator/emulator:1.5\n";
        assert_eq!(role(emulator), Some(Role::Test));
        let started = "services:\n  bt:\n    image: google/cloud-sdk:480.0.0\n    command: gcloud beta emulators bigtable start\n";
        assert_eq!(role(started), Some(Role::Test));
        let sandbox = "services:\n  core:\n    build: {context: ., dockerfile: builds/Dockerfile.nix}\n    command: tail -f /dev/null\n";
        assert_eq!(role(sandbox), Some(Role::Development));
        let sleeping = "services:\n  core:\n    build: .\n    command: [\"sleep\", \"infinity\"]\n";
        assert_eq!(role(sleeping), Some(Role::Development));
        let tailing = "services:\n  logs:\n    image: example/app:1.2.0\n    command: tail -f /var/log/app.log\n";
        assert_eq!(role(tailing), None);
        let release = "services:\n  app:\n    build: {context: ., target: runtime}\n    volumes: [\"./data:/data\", \"./config.toml:/etc/app.toml\"]\n  db:\n    image: postgres:16.4\n";
        assert_eq!(role(release), None);
        let nightly = "services:\n  ui:\n    image: example/app-ui:nightly\n  db:\n    image: postgres:16.4\n";
        assert_eq!(role(nightly), Some(Role::Development));
        let stable = "services:\n  app:\n    image: example/app:latest\n  proxy:\n    image: nginx:stable-alpine\n";
        assert_eq!(role(stable), None);
        let dependencies = "services:\n  db:\n    image: postgres:16.4\n  cache:\n    image: redis:7.4\n  grafana:\n    image: grafana/grafana:11.1.4\n  profiles:\n    image: grafana/pyroscope:1.9.0\n";
        assert_eq!(role(dependencies), Some(Role::Development));
        let prod = crate::parse::yaml::parse(dependencies).unwrap().docs;
        assert_eq!(of_compose(&prod[0], "docker-compose.prod.yml"), None);
        let watched = "services:\n  app:\n    build: .\n    command: 'bash -c \"diesel setup && cargo watch --exec run\"'\n";
        assert_eq!(role(watched), Some(Role::Development));
        let runner =
            "services:\n  app:\n    image: example/app:1.2.0\n    command: [\"app\", \"run\"]\n";
        assert_eq!(role(runner), None);
        let host = "services:\n  app:\n    image: example/app:1.2.0\n    extra_hosts:\n      host.docker.internal: host-gateway\n";
        assert_eq!(role(host), Some(Role::Development));
        let material = "services:\n  app:\n    image: example/app:1.2.0\n    volumes: [\"${PWD}/examples/docker/app.toml:/etc/app.toml\"]\n";
        assert_eq!(role(material), Some(Role::Example));
        let fixtures = "services:\n  app:\n    image: example/app:1.2.0\n    volumes: [\"./tests/fixtures:/data:ro\"]\n";
        assert_eq!(role(fixtures), Some(Role::Test));
        let outside = "services:\n  app:\n    image: example/app:1.2.0\n    volumes: [\"/srv/examples:/data\", \"examples:/data2\"]\n";
        assert_eq!(
            role(outside),
            None,
            "a host path or a named volume is no repository file"
        );
    }

    #[test]
    fn inner_attributes_of_a_file() {
        let role = |src: &str| {
            let tokens = crate::parse::lex::lex(src).unwrap();
            of_inner_attributes(&tokens).map(|d| (d.role, d.signal))
        };
        assert_eq!(
            role("#![cfg(test)]\n#![allow(dead_code)]\nfn f() {}"),
            Some((Role::Test, "`#![cfg(test)]`".to_string()))
        );
        assert_eq!(
            role("#![allow(dead_code)]\n#![cfg(windows)]\nfn f() {}").map(|r| r.0),
            Some(Role::NotDeployed)
        );
        assert_eq!(
            role("#![cfg(fuzzing)]\nfn f() {}").map(|r| r.0),
            Some(Role::NotDeployed)
        );
        assert_eq!(role("#![cfg(unix)]\nfn f() {}"), None);
        assert_eq!(role("#![cfg(feature = \"pg\")]\nfn f() {}"), None);
        assert_eq!(
            role("#[cfg(test)]\nmod tests {}"),
            None,
            "an outer attribute is the item's"
        );
        assert_eq!(role("fn f() {}\n#![cfg(test)]"), None);
    }

    #[test]
    fn readme_notices_cover_their_directory() {
        let dir = tempfile::tempdir().unwrap();
        let samples = dir.path().join("samples-not-by-path/app");
        std::fs::create_dir_all(&samples).unwrap();
        std::fs::write(
            dir.path().join("samples-not-by-path/README.md"),
            "# Samples\n\n> These samples must not be deployed in production environments.\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("README.md"),
            "# App\n\nFor local development, run `docker compose up`.\n",
        )
        .unwrap();
        let notices = Notices::new(dir.path().to_path_buf(), Arc::default());
        let d = of_file("samples-not-by-path/app/compose.yaml", None, Some(&notices));
        assert_eq!(d.role, Role::Development);
        assert!(
            d.signal.contains("samples-not-by-path/README.md"),
            "{}",
            d.signal
        );
        let d = of_file("deploy/compose.yaml", None, Some(&notices));
        assert_eq!(d.role, Role::Production, "a how-to line is not a notice");
    }

    #[test]
    fn readme_paragraphs_that_give_a_role() {
        let role = |text: &str| notice(text, false).map(|(r, _)| r);
        let root = "For local development, run `make dev`; its debug build should not be used for benchmarks.";
        assert_eq!(role(root), Some(Role::Development));
        assert_eq!(notice(root, true), None);
        assert_eq!(
            role(
                "> This runs as root for simplicity and development purposes. This setup should NOT be\nused in any other fashion."
            ),
            Some(Role::Development)
        );
        assert_eq!(
            role("This is sample project to demonstrate how to use docker to run the connector."),
            Some(Role::Example)
        );
        assert_eq!(role("This is a demo app for the SDK."), Some(Role::Example));
        assert_eq!(
            role(
                "This is a caching MITM proxy, used to cache provider requests for our E2E tests."
            ),
            Some(Role::Test)
        );
        assert_eq!(
            role("The gateway. Run it for testing with `make up`."),
            None
        );
        assert_eq!(role("For development purposes, run `make dev`."), None);
        assert_eq!(role("Do not use `latest` in production."), None);
        assert_eq!(role("This is an example of the config file."), None);
        assert_eq!(role("This is a sample."), None);
    }
}
