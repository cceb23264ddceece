//! The project model: what the walk learned, for project (cross-file) rules.
//! Facts are extracted on the walker threads; syntax trees are dropped there.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use syn::visit::Visit;

use crate::diagnostic::{Condition, Location};
use crate::parse::cargo::{DepKind, Manifest};
use crate::parse::rust;
use crate::shell;
use crate::source::{FileKind, SourceFile};

/// One linted file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    pub kind: FileKind,
}

/// A `Cargo.toml`.
#[derive(Debug, Clone)]
pub struct CargoFacts {
    pub path: String,
    /// Its directory relative to the root (`""` at the root).
    pub dir: String,
    pub manifest: Manifest,
    /// True when the package has a binary target (`src/main.rs`, `src/bin/`, `[[bin]]`).
    pub has_bin: bool,
    /// The package name (or the start of the file for virtual manifests).
    pub header: Location,
}

impl CargoFacts {
    /// True when the package runs as a long-lived service: it depends on a web or
    /// RPC server framework or a queue consumer (normal dependencies only).
    pub fn is_service(&self) -> bool {
        self.manifest.package.is_some()
            && !self.is_tooling()
            && self
                .manifest
                .dependencies
                .iter()
                .any(|d| d.kind == DepKind::Normal && SERVICE_CRATES.contains(&d.name.as_str()))
    }

    /// Developer tooling rather than an app: `xtask`, cargo-fuzz crates.
    pub fn is_tooling(&self) -> bool {
        let last = self.dir.rsplit('/').next().unwrap_or(&self.dir);
        self.manifest.is_fuzz
            || last == "fuzz"
            || last == "xtask"
            || self
                .manifest
                .package
                .as_ref()
                .is_some_and(|p| p.0 == "xtask")
    }
}

/// Crates whose use makes a package a long-lived service: HTTP and RPC server
/// frameworks and message-queue consumers.
pub const SERVICE_CRATES: &[&str] = &[
    "axum",
    "actix-web",
    "warp",
    "rocket",
    "tonic",
    "poem",
    "salvo",
    "tide",
    "gotham",
    "ntex",
    "pavex",
    "loco-rs",
    "dropshot",
    "viz",
    "trillium",
    "thruster",
    "rouille",
    "tiny_http",
    "axum-server",
    "lapin",
    "rdkafka",
    "async-nats",
    "apalis",
    "faktory",
];

/// A build stage of a Dockerfile.
#[derive(Debug, Clone)]
pub struct StageFacts {
    /// The `FROM` image as written.
    pub image: String,
    pub location: Location,
    /// `RUN` scripts with whitespace collapsed, for comparing build steps.
    pub steps: Vec<String>,
}

/// A Dockerfile.
#[derive(Debug, Clone)]
pub struct DockerFacts {
    pub path: String,
    pub stages: Vec<StageFacts>,
    /// What the runtime stage provides: installed package names, copied or
    /// downloaded binary names, `cargo install`ed crates and base image names.
    pub provides: BTreeSet<String>,
}

/// `Command::new("tool")` in Rust code.
#[derive(Debug, Clone)]
pub struct CommandUse {
    pub tool: String,
    pub location: Location,
}

/// An env file with its first non-empty assignment.
#[derive(Debug, Clone)]
pub struct EnvFacts {
    pub path: String,
    /// Non-empty assignments: (key, value, location of the value).
    pub values: Vec<(String, String, Location)>,
}

/// Facts one file contributes.
#[derive(Debug, Clone)]
pub enum Fact {
    Cargo(Box<CargoFacts>),
    Docker(DockerFacts),
    Commands(Vec<CommandUse>),
    Env(EnvFacts),
}

/// Everything project rules may ask about the repository.
#[derive(Debug, Default)]
pub struct Project {
    /// The project root (git work tree root when inside git).
    pub root: PathBuf,
    /// True when the root is inside a git work tree.
    pub in_git: bool,
    /// Files tracked by git (root-relative), when in git.
    pub tracked: HashSet<String>,
    /// Linted files, sorted by path.
    pub files: Vec<FileEntry>,
    pub cargo: Vec<CargoFacts>,
    pub dockerfiles: Vec<DockerFacts>,
    pub commands: Vec<CommandUse>,
    pub env_files: Vec<EnvFacts>,
}

impl Project {
    /// Add one file's facts.
    pub fn add(&mut self, fact: Fact) {
        match fact {
            Fact::Cargo(c) => self.cargo.push(*c),
            Fact::Docker(d) => self.dockerfiles.push(d),
            Fact::Commands(c) => self.commands.extend(c),
            Fact::Env(e) => self.env_files.push(e),
        }
    }

    /// True when git tracks `path` (root-relative).
    pub fn is_tracked(&self, path: &str) -> bool {
        self.tracked.contains(path)
    }

    /// True when git ignores `path` (root-relative).
    pub fn is_ignored(&self, path: &str) -> bool {
        git2::Repository::open(&self.root)
            .and_then(|r| r.status_should_ignore(Path::new(path)))
            .unwrap_or(false)
    }

    /// True when `condition` holds for the file at `path`.
    pub fn holds(&self, condition: Condition, path: &str) -> bool {
        match condition {
            Condition::InService => self.crate_of(path).is_some_and(CargoFacts::is_service),
        }
    }

    /// The `Cargo.toml` whose package directory holds `path` (nearest ancestor).
    pub fn crate_of(&self, path: &str) -> Option<&CargoFacts> {
        self.cargo
            .iter()
            .filter(|c| c.manifest.package.is_some() && is_within(path, &c.dir))
            .max_by_key(|c| c.dir.len())
    }
}

/// True when `path` is `dir` or below it (root-relative, `""` is the root).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty() || path == dir || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
}

/// The files `git` tracks below `root`, relative to it.
pub fn tracked_files(root: &Path) -> HashSet<String> {
    let Ok(repo) = git2::Repository::open(root) else {
        return HashSet::new();
    };
    let Ok(index) = repo.index() else {
        return HashSet::new();
    };
    index
        .iter()
        .filter_map(|e| String::from_utf8(e.path).ok())
        .collect()
}

/// Extract the facts project rules need from a parsed file.
pub fn extract(file: &SourceFile<'_>, root: &Path) -> Option<Fact> {
    let dir = file
        .path
        .rsplit_once('/')
        .map_or("", |(d, _)| d)
        .to_string();
    match file.kind {
        FileKind::Cargo => {
            let manifest = file.manifest()?.clone();
            let abs = root.join(&dir);
            let has_bin = manifest.package.is_some()
                && (!manifest.bins.is_empty()
                    || abs.join("src/main.rs").is_file()
                    || abs.join("src/bin").is_dir());
            let header = match &manifest.package {
                Some((_, span)) => file.loc(span.clone()),
                None => file.loc(0..0),
            };
            Some(Fact::Cargo(Box::new(CargoFacts {
                path: file.path.to_string(),
                dir,
                manifest,
                has_bin,
                header,
            })))
        }
        FileKind::Dockerfile => {
            let df = file.dockerfile()?;
            let stages = df
                .stages()
                .iter()
                .map(|s| {
                    let image = s.image();
                    StageFacts {
                        image: image.as_ref().map(|w| w.value.clone()).unwrap_or_default(),
                        location: file.loc(image.map_or(s.from.keyword_span.clone(), |w| w.span)),
                        steps: s
                            .body
                            .iter()
                            .filter(|i| i.keyword == "RUN")
                            .map(|i| i.args.text.split_whitespace().collect::<Vec<_>>().join(" "))
                            .collect(),
                    }
                })
                .collect();
            let mut provides = BTreeSet::new();
            for stage in df.runtime_stages() {
                if let Some(image) = stage.image() {
                    let name = image.value.split(['@']).next().unwrap_or_default();
                    let name = name.rsplit('/').next().unwrap_or(name);
                    provides.insert(name.split(':').next().unwrap_or(name).to_ascii_lowercase());
                }
                for inst in stage.body {
                    match inst.keyword.as_str() {
                        "RUN" => {
                            for script in inst.scripts() {
                                provided_by_script(script.text, &mut provides);
                            }
                        }
                        "COPY" | "ADD" => {
                            let words = inst.args.words();
                            for w in words.iter().take(words.len().saturating_sub(1)) {
                                provides.insert(basename(&w.value));
                            }
                            if let Some(dest) = words.last() {
                                provides.insert(basename(&dest.value));
                            }
                        }
                        _ => {}
                    }
                }
            }
            Some(Fact::Docker(DockerFacts {
                path: file.path.to_string(),
                stages,
                provides,
            }))
        }
        FileKind::Rust => {
            let ast = file.rust()?;
            let mut v = Commands(Vec::new());
            v.visit_file(ast);
            let uses: Vec<CommandUse> =
                v.0.into_iter()
                    .map(|(tool, span)| CommandUse {
                        tool,
                        location: file.loc(span),
                    })
                    .collect();
            (!uses.is_empty()).then_some(Fact::Commands(uses))
        }
        FileKind::Env => Some(Fact::Env(EnvFacts {
            path: file.path.to_string(),
            values: file
                .env()
                .iter()
                .filter(|e| !e.value.is_empty())
                .map(|e| {
                    (
                        e.key.clone(),
                        e.value.clone(),
                        file.loc(e.value_span.clone()),
                    )
                })
                .collect(),
        })),
        _ => None,
    }
}

fn basename(path: &str) -> String {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .to_ascii_lowercase()
}

/// Names a `RUN` script makes available: packages, `cargo install`ed crates,
/// binaries downloaded or moved into a directory on the PATH.
fn provided_by_script(script: &str, provides: &mut BTreeSet<String>) {
    for install in shell::installs(script) {
        provides.insert(install.package.to_ascii_lowercase());
    }
    for cmd in shell::commands(script) {
        let Some((at, program)) = cmd.program() else {
            continue;
        };
        let args: Vec<&str> = cmd.words[at + 1..]
            .iter()
            .map(|(w, _)| w.as_str())
            .collect();
        match program {
            "cargo"
                if args
                    .first()
                    .is_some_and(|a| *a == "install" || *a == "binstall") =>
            {
                provides.extend(
                    args[1..]
                        .iter()
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| a.to_ascii_lowercase()),
                );
            }
            "pip" | "pip3" | "npm" | "gem" | "go" => {
                provides.extend(
                    args.iter()
                        .skip(1)
                        .filter(|a| !a.starts_with('-'))
                        .map(|a| basename(a)),
                );
            }
            _ => {
                // `curl -o /usr/local/bin/tool`, `mv tool /usr/local/bin/`, `ln -s … /usr/bin/tool`.
                for a in &args {
                    if a.contains("/bin/") {
                        provides.insert(basename(a));
                    }
                }
            }
        }
    }
}

/// Literal program names passed to `Command::new` (std, tokio, async-std) or duct's `cmd!`.
struct Commands(Vec<(String, std::ops::Range<usize>)>);

impl<'ast> Visit<'ast> for Commands {
    fn visit_expr_call(&mut self, call: &'ast syn::ExprCall) {
        let is_command_new = rust::call_path(call).is_some_and(|p| {
            p.len() >= 2 && p[p.len() - 2] == "Command" && p[p.len() - 1] == "new"
        });
        if is_command_new
            && let Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            })) = call.args.first()
        {
            self.0.push((s.value(), rust::span_range(s.span())));
        }
        syn::visit::visit_expr_call(self, call);
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac.path.segments.last().is_some_and(|s| s.ident == "cmd")
            && let Some(proc_macro2::TokenTree::Literal(l)) = mac.tokens.clone().into_iter().next()
            && let syn::Lit::Str(s) = syn::Lit::new(l)
        {
            let program = s
                .value()
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_string();
            self.0.push((program, rust::span_range(s.span())));
        }
    }
}
