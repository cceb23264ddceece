//! The project model: what the walk learned, for project (cross-file) rules.
//! Facts are extracted on the walker threads; syntax trees are dropped there.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

use crate::diagnostic::{Condition, Location};
use crate::model::images;
use crate::model::role::Decision;
use crate::parse::cargo::{DepKind, Manifest};
use crate::parse::flow::{self, CodeFacts};
use crate::parse::image::ImageRef;
use crate::parse::listen::{self, Part};
use crate::parse::rust;
use crate::parse::yaml::{self, ComposePort, DocKind};
use crate::shell;
use crate::source::{FileKind, SourceFile, YamlDoc};

/// One linted file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    pub kind: FileKind,
    /// Its role in the deployment model, and why.
    pub role: Decision,
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

    /// The package name and binary target names.
    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.manifest.bins.clone();
        names.extend(self.manifest.package.as_ref().map(|p| p.0.clone()));
        names
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
    /// `EXPOSE`d ports of the runtime stages.
    pub exposes: Vec<PortDecl>,
    /// `ENV` settings of the runtime stages: (name, value).
    pub env: Vec<(String, String)>,
    /// `COPY` and `ADD` of the runtime stages: their sources as written, and where.
    pub copies: Vec<(Vec<String>, Location)>,
    /// Every word of its build steps and what it provides, for [`Self::mentions`].
    pub words: HashSet<String>,
}

impl DockerFacts {
    /// The directory holding the Dockerfile (`""` at the root).
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(d, _)| d)
    }

    /// True when any build step or copied file names `word` (a crate or binary name).
    pub fn mentions(&self, word: &str) -> bool {
        self.words.contains(word) || self.provides.contains(&word.to_ascii_lowercase())
    }
}

/// `Command::new("tool")` in Rust code.
#[derive(Debug, Clone)]
pub struct CommandUse {
    pub tool: String,
    pub location: Location,
}

/// A place a Rust program listens (see [`crate::parse::listen`]).
#[derive(Debug, Clone)]
pub struct ListenFact {
    pub path: String,
    /// The binding call.
    pub location: Location,
    /// The address argument.
    pub arg: Location,
    pub host: Part<String>,
    pub port: Part<u16>,
}

impl ListenFact {
    /// True when the host is a loopback address (literal, or the env default).
    pub fn is_loopback(&self) -> bool {
        self.host
            .default_value()
            .is_some_and(|h| listen::is_loopback(&h))
    }
}

/// The kinds of run-time fact a Rust file may contribute; each is extracted only when an
/// enabled rule declares it reads it (`facts:` in `declare_rule!`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RustFact {
    /// `Command::new("tool")` sites ([`Project::commands`]).
    Commands,
    /// Listen sites ([`Project::listens`]; they need the syntax tree).
    Listens,
    /// Call-flow facts for whole-program questions ([`Project::code`], [`crate::program`]).
    Flow,
}

/// Which Rust facts to extract.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    pub commands: bool,
    pub listens: bool,
    pub flow: bool,
}

impl Wanted {
    /// Every fact.
    pub const ALL: Wanted = Wanted {
        commands: true,
        listens: true,
        flow: true,
    };

    /// The facts `facts` name.
    pub fn of<'a>(facts: impl IntoIterator<Item = &'a RustFact>) -> Wanted {
        let mut w = Wanted::default();
        for f in facts {
            match f {
                RustFact::Commands => w.commands = true,
                RustFact::Listens => w.listens = true,
                RustFact::Flow => w.flow = true,
            }
        }
        w
    }
}

/// What a Rust file contributes.
#[derive(Debug, Clone)]
pub struct RustFacts {
    pub commands: Vec<CommandUse>,
    pub listens: Vec<ListenFact>,
    /// What its functions do (see [`crate::parse::flow`]), when anything.
    pub code: Option<CodeFile>,
}

/// The run-time facts of one Rust file.
#[derive(Debug, Clone)]
pub struct CodeFile {
    pub path: String,
    pub facts: CodeFacts<Location>,
}

/// A container port declaration in a deploy manifest.
#[derive(Debug, Clone)]
pub struct PortDecl {
    pub port: u16,
    pub location: Location,
}

/// A container declared by a compose service or a Kubernetes pod template.
#[derive(Debug, Clone)]
pub struct ContainerFacts {
    pub path: String,
    /// Compose service or Kubernetes container name.
    pub name: String,
    pub image: Option<String>,
    /// Compose `build` context, root-relative.
    pub build_context: Option<String>,
    /// Ports the container listens on: compose container-side ports and
    /// `expose`, Kubernetes `containerPort`s.
    pub ports: Vec<PortDecl>,
    /// Environment variables set for the container: (name, value).
    pub env: Vec<(String, String)>,
    pub location: Location,
    /// True for a Kubernetes container, false for a compose service.
    pub kubernetes: bool,
    /// The `image:` value's location.
    pub image_location: Option<Location>,
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
    Rust(RustFacts),
    Yaml(YamlFacts),
    Env(EnvFacts),
}

/// What a YAML file contributes: the containers of its compose and Kubernetes documents,
/// and the image names its skaffold or kustomize documents replace at deploy time.
#[derive(Debug, Clone, Default)]
pub struct YamlFacts {
    pub containers: Vec<ContainerFacts>,
    pub replaced_images: Vec<String>,
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
    pub listens: Vec<ListenFact>,
    pub code: Vec<CodeFile>,
    pub containers: Vec<ContainerFacts>,
    pub env_files: Vec<EnvFacts>,
    /// Image names (without tag) that skaffold, Tilt or kustomize replace at deploy time
    /// ([`crate::model::images`]).
    pub replaced_images: BTreeSet<String>,
    /// `Cargo.lock` texts by path, read on first use (`None`: unreadable).
    pub(crate) lock_texts: Mutex<HashMap<String, Option<String>>>,
    /// Package directory → index in `cargo`, built on first use.
    pub(crate) crate_dirs: OnceLock<HashMap<String, usize>>,
    /// Which packages each Dockerfile names, and Dockerfiles by directory; built on first use.
    pub(crate) docker_index: OnceLock<DockerIndex>,
    /// Containers by image base name and build context; built on first use.
    pub(crate) container_index: OnceLock<ContainerIndex>,
    /// Crate `Cargo.toml` path → indexes in `code`, built on first use.
    pub(crate) code_by_crate: OnceLock<HashMap<String, Vec<usize>>>,
    /// Package name → indexes in `cargo`, built on first use.
    pub(crate) packages: OnceLock<HashMap<String, Vec<usize>>>,
}

impl Project {
    /// Add one file's facts.
    pub fn add(&mut self, fact: Fact) {
        match fact {
            Fact::Cargo(c) => self.cargo.push(*c),
            Fact::Docker(d) => self.dockerfiles.push(d),
            Fact::Rust(r) => {
                self.commands.extend(r.commands);
                self.listens.extend(r.listens);
                self.code.extend(r.code);
            }
            Fact::Yaml(y) => {
                self.containers.extend(y.containers);
                self.replaced_images.extend(y.replaced_images);
            }
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
    pub fn holds(&self, condition: &Condition, path: &str) -> bool {
        match condition {
            Condition::InService => self.crate_of(path).is_some_and(CargoFacts::is_service),
            Condition::ImageNotReplaced(name) => !self.replaced_images.contains(name),
            Condition::GitSourceUnlocked(url) => !self.lock_pins_git_source(path, url),
            Condition::InHelmChart => {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                self.root.join(dir).join("Chart.yaml").is_file()
            }
        }
    }

    /// True when a committed `Cargo.lock` in the directory of `path` or above pins a commit
    /// of the git repository at `url` (`source = "git+<url>…#<sha>"`).
    pub fn lock_pins_git_source(&self, path: &str, url: &str) -> bool {
        let base = url.trim_end_matches('/');
        let base = base.strip_suffix(".git").unwrap_or(base);
        let needle = format!("\"git+{base}");
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        ancestors(dir)
            .map(|d| {
                if d.is_empty() {
                    "Cargo.lock".to_string()
                } else {
                    format!("{d}/Cargo.lock")
                }
            })
            .filter(|lock| !self.in_git || self.is_tracked(lock))
            .any(|lock| {
                let mut cache = self.lock_texts.lock().unwrap_or_else(|e| e.into_inner());
                let text = cache
                    .entry(lock.clone())
                    .or_insert_with(|| std::fs::read_to_string(self.root.join(&lock)).ok());
                text.as_deref().is_some_and(|t| {
                    t.match_indices(&needle).any(|(at, _)| {
                        let rest = &t[at + needle.len()..];
                        let rest = rest.strip_prefix(".git").unwrap_or(rest);
                        rest.starts_with(['?', '#'])
                    })
                })
            })
    }

    /// Dockerfiles that build `krate`: they name its package or a binary in a build
    /// step or copy, or sit in or above its directory without naming a different app.
    pub fn dockerfiles_for(&self, krate: &CargoFacts) -> Vec<&DockerFacts> {
        let index = self.docker_index.get_or_init(|| DockerIndex::new(self));
        let own = self.crate_index(krate);
        let mut candidates: Vec<usize> = own
            .and_then(|i| index.mentioning.get(&i))
            .cloned()
            .unwrap_or_default();
        candidates.extend(
            ancestors(&krate.dir)
                .filter_map(|d| index.by_dir.get(d))
                .flatten(),
        );
        candidates.extend(within(&index.by_dir, &krate.dir));
        candidates.sort_unstable();
        candidates.dedup();
        candidates
            .into_iter()
            .filter(|&di| {
                let apps = &index.apps[di];
                if apps.iter().any(|&i| Some(i) == own) {
                    return true;
                }
                let d = &self.dockerfiles[di];
                let other_app = apps
                    .iter()
                    .any(|&i| self.cargo[i].has_bin && Some(i) != own);
                !other_app && (is_within(&krate.dir, d.dir()) || is_within(d.dir(), &krate.dir))
            })
            .map(|di| &self.dockerfiles[di])
            .collect()
    }

    /// Compose services and Kubernetes containers that run `krate`: built from a
    /// context holding it, or running an image named after it.
    pub fn containers_for(&self, krate: &CargoFacts) -> Vec<&ContainerFacts> {
        let index = self
            .container_index
            .get_or_init(|| ContainerIndex::new(self));
        let mut idx: Vec<usize> = krate
            .names()
            .iter()
            .filter_map(|n| index.by_image.get(n))
            .flatten()
            .copied()
            .collect();
        // Build contexts at or above the crate's directory.
        idx.extend(
            ancestors(&krate.dir)
                .filter_map(|d| index.by_context.get(d))
                .flatten(),
        );
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| &self.containers[i]).collect()
    }

    /// The index of `krate` in `cargo`.
    pub(crate) fn crate_index(&self, krate: &CargoFacts) -> Option<usize> {
        self.package_dirs()
            .get(&krate.dir)
            .copied()
            .filter(|&i| self.cargo[i].path == krate.path)
            .or_else(|| self.cargo.iter().position(|c| c.path == krate.path))
    }

    /// Package directory → index in `cargo`.
    fn package_dirs(&self) -> &HashMap<String, usize> {
        self.crate_dirs.get_or_init(|| {
            self.cargo
                .iter()
                .enumerate()
                .filter(|(_, c)| c.manifest.package.is_some())
                .map(|(i, c)| (c.dir.clone(), i))
                .collect()
        })
    }

    /// The `Cargo.toml` whose package directory holds `path` (nearest ancestor).
    pub fn crate_of(&self, path: &str) -> Option<&CargoFacts> {
        let dirs = self.package_dirs();
        let mut dir = path;
        loop {
            if let Some(&i) = dirs.get(dir) {
                return Some(&self.cargo[i]);
            }
            if dir.is_empty() {
                return None;
            }
            dir = dir.rsplit_once('/').map_or("", |(d, _)| d);
        }
    }

    /// The packages deployed in production, with how that was decided: packages with a
    /// binary that a production Dockerfile, compose service or Kubernetes container builds
    /// or runs, and the workspace packages they depend on. Without any such file, service
    /// packages (a server or queue-consumer framework and a binary) count as deployed;
    /// `None` when neither exists, as the model cannot tell.
    pub fn deployed_packages(
        &self,
        production: impl Fn(&str) -> bool,
    ) -> Option<(HashSet<usize>, &'static str)> {
        let by_files: Vec<usize> = self
            .cargo
            .iter()
            .enumerate()
            .filter(|(_, c)| c.has_bin && c.manifest.package.is_some() && !c.is_tooling())
            .filter(|(_, c)| {
                self.dockerfiles_for(c).iter().any(|d| production(&d.path))
                    || self.containers_for(c).iter().any(|k| production(&k.path))
            })
            .map(|(i, _)| i)
            .collect();
        let (roots, basis) = if by_files.is_empty() {
            let services: Vec<usize> = self
                .cargo
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_service() && c.has_bin)
                .map(|(i, _)| i)
                .collect();
            (
                services,
                "no deployment file builds a package, so the service packages and their workspace dependencies count as deployed",
            )
        } else {
            (
                by_files,
                "deployed are the packages a production Dockerfile, compose service or Kubernetes container builds or runs, and their workspace dependencies",
            )
        };
        if roots.is_empty() {
            return None;
        }
        let mut deployed: HashSet<usize> = HashSet::new();
        let mut stack = roots;
        while let Some(i) = stack.pop() {
            if !deployed.insert(i) {
                continue;
            }
            stack.extend(self.workspace_dep_indexes(&self.cargo[i]));
        }
        Some((deployed, basis))
    }

    /// The other packages of this repository that `krate` depends on, in `cargo` order.
    pub fn workspace_deps(&self, krate: &CargoFacts) -> Vec<&CargoFacts> {
        self.workspace_dep_indexes(krate)
            .into_iter()
            .map(|i| &self.cargo[i])
            .collect()
    }

    /// Indexes in `cargo` of the packages [`Project::workspace_deps`] returns. A
    /// dependency resolves by its `path` when it gives one, else by its name when one
    /// package of the repository has that name: same-named packages are told apart
    /// only by path, as Cargo does.
    fn workspace_dep_indexes(&self, krate: &CargoFacts) -> Vec<usize> {
        let packages = self.packages.get_or_init(|| {
            let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, c) in self.cargo.iter().enumerate() {
                if let Some((name, _)) = &c.manifest.package {
                    by_name.entry(name.clone()).or_default().push(i);
                }
            }
            by_name
        });
        let mut found: Vec<usize> = krate
            .manifest
            .dependencies
            .iter()
            .filter_map(|d| {
                let named = packages.get(&d.name)?;
                match &d.path {
                    Some((rel, _)) => {
                        let dir = join_path(&krate.dir, rel);
                        named.iter().copied().find(|&i| self.cargo[i].dir == dir)
                    }
                    None => match named.as_slice() {
                        [only] => Some(*only),
                        _ => None,
                    },
                }
            })
            .filter(|&i| self.cargo[i].path != krate.path)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The run-time facts of the Rust files of `krate`.
    pub fn code_of(&self, krate: &CargoFacts) -> impl Iterator<Item = &CodeFile> {
        let groups = self.code_by_crate.get_or_init(|| {
            let mut groups: HashMap<String, Vec<usize>> = HashMap::new();
            for (i, f) in self.code.iter().enumerate() {
                if let Some(c) = self.crate_of(&f.path) {
                    groups.entry(c.path.clone()).or_default().push(i);
                }
            }
            groups
        });
        groups
            .get(&krate.path)
            .into_iter()
            .flatten()
            .map(|&i| &self.code[i])
    }
}

/// Lookups from Dockerfiles to the packages they build.
#[derive(Debug, Default)]
pub(crate) struct DockerIndex {
    /// For each Dockerfile, the indexes in `cargo` of the packages it names.
    apps: Vec<Vec<usize>>,
    /// Package index → Dockerfiles naming it.
    mentioning: HashMap<usize, Vec<usize>>,
    /// Directory → Dockerfiles in it.
    by_dir: BTreeMap<String, Vec<usize>>,
}

impl DockerIndex {
    fn new(project: &Project) -> Self {
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in project.cargo.iter().enumerate() {
            for n in c.names() {
                by_name.entry(n.to_ascii_lowercase()).or_default().push(i);
            }
        }
        let mut index = DockerIndex::default();
        for (di, d) in project.dockerfiles.iter().enumerate() {
            let mut apps: Vec<usize> = d
                .words
                .iter()
                .map(|w| w.to_ascii_lowercase())
                .chain(d.provides.iter().cloned())
                .filter_map(|w| by_name.get(&w))
                .flatten()
                .copied()
                .collect();
            apps.sort_unstable();
            apps.dedup();
            for &a in &apps {
                index.mentioning.entry(a).or_default().push(di);
            }
            index.apps.push(apps);
            index
                .by_dir
                .entry(d.dir().to_string())
                .or_default()
                .push(di);
        }
        index
    }
}

/// Lookups from packages to the containers that run them.
#[derive(Debug, Default)]
pub(crate) struct ContainerIndex {
    by_image: HashMap<String, Vec<usize>>,
    by_context: HashMap<String, Vec<usize>>,
}

impl ContainerIndex {
    fn new(project: &Project) -> Self {
        let mut index = ContainerIndex::default();
        for (i, c) in project.containers.iter().enumerate() {
            if let Some(image) = &c.image {
                index
                    .by_image
                    .entry(ImageRef::parse(image).base_name())
                    .or_default()
                    .push(i);
            }
            if let Some(ctx) = &c.build_context {
                index.by_context.entry(ctx.clone()).or_default().push(i);
            }
        }
        index
    }
}

/// `dir` and every directory above it, up to the root `""`.
fn ancestors(dir: &str) -> impl Iterator<Item = &str> {
    let mut next = Some(dir);
    std::iter::from_fn(move || {
        let cur = next?;
        next = (!cur.is_empty()).then(|| cur.rsplit_once('/').map_or("", |(d, _)| d));
        Some(cur)
    })
}

/// The values of `map` whose key is strictly below `dir`.
fn within<'m>(
    map: &'m BTreeMap<String, Vec<usize>>,
    dir: &str,
) -> impl Iterator<Item = usize> + 'm {
    let prefix = if dir.is_empty() {
        String::new()
    } else {
        format!("{dir}/")
    };
    map.range(prefix.clone()..)
        .take_while(move |(k, _)| k.starts_with(&prefix))
        .filter(|(k, _)| !k.is_empty())
        .flat_map(|(_, v)| v.iter().copied())
}

/// True when `path` is `dir` or below it (root-relative, `""` is the root).
pub fn is_within(path: &str, dir: &str) -> bool {
    dir.is_empty()
        || dir == "."
        || path == dir
        || path.strip_prefix(dir).is_some_and(|r| r.starts_with('/'))
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
/// For Rust files, only the facts in `wanted`.
pub fn extract(file: &SourceFile<'_>, root: &Path, wanted: Wanted) -> Option<Fact> {
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
            let stages: Vec<StageFacts> = df
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
            let mut exposes = Vec::new();
            let mut env = Vec::new();
            let mut copies = Vec::new();
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
                        "EXPOSE" => {
                            for w in inst.args.words() {
                                let number = w.value.split('/').next().unwrap_or_default();
                                if let Ok(port) = number.parse::<u16>() {
                                    exposes.push(PortDecl {
                                        port,
                                        location: file.loc(w.span),
                                    });
                                }
                            }
                        }
                        "ENV" => env.extend(
                            inst.pairs(file.text)
                                .into_iter()
                                .filter_map(|s| Some((s.key?, s.value))),
                        ),
                        "COPY" | "ADD" => {
                            let words = inst.args.words();
                            for w in words.iter().take(words.len().saturating_sub(1)) {
                                provides.insert(basename(&w.value));
                            }
                            if let Some(dest) = words.last() {
                                provides.insert(basename(&dest.value));
                            }
                            let sources = &words[..words.len().saturating_sub(1)];
                            copies.push((
                                sources.iter().map(|w| w.value.clone()).collect(),
                                file.loc(
                                    inst.keyword_span.start
                                        ..words
                                            .last()
                                            .map_or(inst.keyword_span.end, |w| w.span.end),
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
            }
            let words = stages
                .iter()
                .flat_map(|s: &StageFacts| s.steps.iter())
                .flat_map(|step| {
                    step.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                })
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            Some(Fact::Docker(DockerFacts {
                path: file.path.to_string(),
                stages,
                provides,
                exposes,
                env,
                copies,
                words,
            }))
        }
        FileKind::Rust => {
            let tokens = file.tokens()?;
            let found = if wanted.commands {
                rust::commands(tokens)
            } else {
                Vec::new()
            };
            let commands: Vec<CommandUse> = found
                .into_iter()
                .map(|(tool, span)| CommandUse {
                    tool,
                    location: file.loc(span),
                })
                .collect();
            // The tree is there when the engine admitted it ([`listen::PREFILTER`]).
            let listens: Vec<ListenFact> = wanted
                .listens
                .then(|| file.rust())
                .flatten()
                .map(listen::listens)
                .unwrap_or_default()
                .into_iter()
                .map(|l| ListenFact {
                    path: file.path.to_string(),
                    location: file.loc(l.span),
                    arg: file.loc(l.arg_span),
                    host: l.host,
                    port: l.port,
                })
                .collect();
            let code = wanted
                .flow
                .then(|| flow::analyze(tokens, &|span| file.loc(span)))
                .filter(|facts| !facts.is_empty())
                .map(|facts| CodeFile {
                    path: file.path.to_string(),
                    facts,
                });
            (!commands.is_empty() || !listens.is_empty() || code.is_some()).then_some(Fact::Rust(
                RustFacts {
                    commands,
                    listens,
                    code,
                },
            ))
        }
        FileKind::Yaml => {
            let containers: Vec<ContainerFacts> = file
                .yaml()
                .iter()
                .flat_map(|doc| containers(file, doc, &dir))
                .collect();
            let replaced_images: Vec<String> = file
                .yaml()
                .iter()
                .flat_map(|doc| images::replaced_in_yaml(&doc.node, &basename(file.path)))
                .collect();
            (!containers.is_empty() || !replaced_images.is_empty()).then_some(Fact::Yaml(
                YamlFacts {
                    containers,
                    replaced_images,
                },
            ))
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

/// The containers of a compose or Kubernetes document.
fn containers(file: &SourceFile<'_>, doc: &YamlDoc, dir: &str) -> Vec<ContainerFacts> {
    let mut out = Vec::new();
    let port_decl = |node: &yaml::Node<'_>, port: &str| {
        port.parse::<u16>().ok().map(|port| PortDecl {
            port,
            location: file.loc(file.yaml_span(node)),
        })
    };
    match &doc.kind {
        DocKind::Compose => {
            for (name, svc) in yaml::compose_services(&doc.node) {
                let mut ports: Vec<PortDecl> = yaml::get(svc, "ports")
                    .and_then(yaml::sequence)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| port_decl(n, &ComposePort::parse(n)?.target))
                    .collect();
                ports.extend(
                    yaml::get(svc, "expose")
                        .and_then(yaml::sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|n| port_decl(n, yaml::scalar_text(n)?.split('/').next()?)),
                );
                let build = yaml::get(svc, "build");
                let context = build
                    .and_then(|b| yaml::scalar_str(b).or_else(|| yaml::str_at(b, "context")))
                    .map(|c| join_path(dir, c));
                out.push(ContainerFacts {
                    path: file.path.to_string(),
                    name: yaml::scalar_text(name).unwrap_or_default(),
                    image: yaml::str_at(svc, "image").map(str::to_string),
                    build_context: context,
                    ports,
                    env: compose_env(svc),
                    location: file.loc(file.yaml_span(name)),
                    kubernetes: false,
                    image_location: yaml::get(svc, "image").map(|n| file.loc(file.yaml_span(n))),
                });
            }
        }
        DocKind::Kubernetes(_) => {
            for (_, list) in yaml::values_under(&doc.node, &["containers"]) {
                for c in yaml::sequence(list).unwrap_or_default() {
                    let ports = yaml::get(c, "ports")
                        .and_then(yaml::sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|p| {
                            let node = yaml::get(p, "containerPort")?;
                            port_decl(node, &yaml::scalar_text(node)?)
                        })
                        .collect();
                    let env = yaml::get(c, "env")
                        .and_then(yaml::sequence)
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|e| {
                            Some((
                                yaml::str_at(e, "name")?.to_string(),
                                yaml::scalar_text(yaml::get(e, "value")?)?,
                            ))
                        })
                        .collect();
                    out.push(ContainerFacts {
                        path: file.path.to_string(),
                        name: yaml::str_at(c, "name").unwrap_or_default().to_string(),
                        image: yaml::str_at(c, "image").map(str::to_string),
                        build_context: None,
                        ports,
                        env,
                        location: file.loc(file.yaml_span(c)),
                        kubernetes: true,
                        image_location: yaml::get(c, "image").map(|n| file.loc(file.yaml_span(n))),
                    });
                }
            }
        }
        DocKind::Other => {}
    }
    out
}

/// A compose service's `environment:` in map or list form.
fn compose_env(svc: &yaml::Node<'_>) -> Vec<(String, String)> {
    let Some(env) = yaml::get(svc, "environment") else {
        return Vec::new();
    };
    if let Some(items) = yaml::sequence(env) {
        return items
            .iter()
            .filter_map(|i| {
                let (k, v) = yaml::scalar_str(i)?.split_once('=')?;
                Some((k.to_string(), v.to_string()))
            })
            .collect();
    }
    yaml::mapping(env)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| Some((yaml::scalar_text(k)?, yaml::scalar_text(v)?)))
        .collect()
}

/// `dir` joined with a relative path, normalised (`a/b` + `../c` → `a/c`, `.` → `a/b`).
fn join_path(dir: &str, rel: &str) -> String {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
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
