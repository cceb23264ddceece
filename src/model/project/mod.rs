//! The project model: what the walk learned, for project (cross-file) rules.
//! Facts are extracted on the walker threads; syntax trees are dropped there.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::diagnostic::{Condition, Location};
use crate::model::fly::FlyApp;
use crate::model::pipelines::Pipelines;
use crate::model::process::Process;
use crate::model::role::{self, Role};
use crate::model::source::launch;
use crate::model::source::{self, FileKind};
use crate::model::{helm, images, python_scripts};
use crate::parse::cargo::DepKind;
use crate::parse::image::ImageRef;
use crate::parse::text::LineIndex;

mod extract;
mod facts;
mod index;

pub(crate) use crate::parse::path::{join_inside, join_path};
pub use extract::{extract, tracked_files};
pub use facts::*;
pub use index::is_within;
use index::{ContainerIndex, DockerIndex, ancestors, within};

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
    /// Variables build scripts set for the compiler: (script path, name).
    pub build_env: Vec<(String, String)>,
    pub containers: Vec<ContainerFacts>,
    pub env_files: Vec<EnvFacts>,
    /// Image names (without tag) that skaffold, Tilt or kustomize replace at deploy time
    /// ([`crate::model::images`]).
    pub replaced_images: BTreeSet<String>,
    /// Test scripts (`scripts/test/e2e.sh`) that the walk did not lint, by path; the
    /// deployment model reads them ([`crate::model::test_stacks`]).
    pub test_scripts: Vec<String>,
    /// Processes of the production Procfiles and systemd units ([`crate::model::process`]).
    pub processes: Vec<Process>,
    /// Fly.io app configs ([`crate::model::fly`]).
    pub fly_apps: Vec<FlyApp>,
    /// (compose file, a compose file it includes or extends services of), root-relative.
    pub compose_parts: Vec<(String, String)>,
    /// Compose files whose services need a service another file defines (overlays).
    pub compose_overlays: Vec<String>,
    /// `Cargo.lock` texts by path, read on first use (`None`: unreadable).
    pub(crate) lock_texts: Mutex<HashMap<String, Option<String>>>,
    /// Chart directory → the values paths its templates use only in init containers
    /// ([`helm::init_container_values`]), read on first use.
    pub(crate) chart_init_values: Mutex<HashMap<String, Arc<BTreeSet<String>>>>,
    /// Texts of the files [`Project::locate`] was asked about, read on first use.
    pub(crate) located: Mutex<HashMap<String, Arc<(String, LineIndex)>>>,
    /// Environment variables the production deployment files set at run time
    /// ([`Project::sets_at_run_time`]), gathered on first use.
    pub(crate) runtime_env: OnceLock<BTreeSet<String>>,
    /// Package directory → index in `cargo`, built on first use.
    pub(crate) crate_dirs: OnceLock<foldhash::HashMap<String, usize>>,
    /// Indexes in `cargo` of the `[workspace]` manifests, built on first use.
    pub(crate) workspaces: OnceLock<Vec<usize>>,
    /// For each package (by index in `cargo`), the packages that list it among their
    /// [`Project::workspace_deps`]; built on first use.
    pub(crate) dependents: OnceLock<Vec<Vec<usize>>>,
    /// Which packages each Dockerfile names, and Dockerfiles by directory; built on first use.
    pub(crate) docker_index: OnceLock<DockerIndex>,
    /// Containers by image base name and build context; built on first use.
    pub(crate) container_index: OnceLock<ContainerIndex>,
    /// Crate `Cargo.toml` path → indexes in `code`, built on first use.
    pub(crate) code_by_crate: OnceLock<HashMap<String, Vec<usize>>>,
    /// The build pipelines under the root, read on first use.
    pub(crate) pipelines: OnceLock<Pipelines>,
    /// Whether the production Dockerfiles build with cargo, every build held to the
    /// lockfile; decided on first use.
    pub(crate) builds_locked: OnceLock<bool>,
    /// The console scripts of the repository's Python packages, read on first use.
    pub(crate) python_scripts: OnceLock<BTreeSet<String>>,
    /// Dependency name → the features the manifests that depend on it ask for; built on
    /// first use.
    pub(crate) requested_features: OnceLock<HashMap<String, Vec<String>>>,
    /// Package index in `cargo` → [`Project::production_builds`], worked out on first use.
    pub(crate) production_builds: Mutex<HashMap<usize, Arc<Vec<BTreeSet<String>>>>>,
    /// The config files deployed as written ([`crate::model::deployed_config`]); found on
    /// first use, once the files have their roles.
    pub(crate) deployed_configs: OnceLock<Vec<DeployedConfig>>,
}

impl Project {
    /// The role the deployment model gives a linted file (`None` for a path not linted).
    pub fn role_of(&self, path: &str) -> Option<Role> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| self.files[i].role.role)
    }

    /// The location of byte range `bytes` of the linted file `path`, whose text is read
    /// again (run-time facts keep byte ranges, not texts); line 1 when it is gone.
    pub fn locate(&self, path: &str, bytes: Range<usize>) -> Location {
        let mut texts = self.located.lock().unwrap_or_else(|e| e.into_inner());
        let source = texts
            .entry(path.to_string())
            .or_insert_with(|| {
                let text = std::fs::read_to_string(self.root.join(path)).unwrap_or_default();
                let lines = LineIndex::new(&text);
                Arc::new((text, lines))
            })
            .clone();
        drop(texts);
        let (text, lines) = &*source;
        Location::new(path, text, lines, bytes)
    }

    /// Add one file's facts.
    pub fn add(&mut self, fact: Fact) {
        match fact {
            Fact::Cargo(c) => self.cargo.push(*c),
            Fact::Docker(d) => self.dockerfiles.push(*d),
            Fact::Rust(r) => {
                let r = *r;
                self.commands.extend(r.commands);
                self.listens.extend(r.listens);
                self.code.extend(r.code);
                self.build_env.extend(r.build_env);
            }
            Fact::Yaml(y) => {
                self.containers.extend(y.containers);
                self.replaced_images.extend(y.replaced_images);
                self.compose_parts.extend(y.compose_parts);
                self.compose_overlays.extend(y.compose_overlay);
            }
            Fact::Env(e) => self.env_files.push(e),
            Fact::Fly(f) => self.fly_apps.push(f),
        }
    }

    /// Resolve the builds of compose override files the way compose does: with several
    /// `-f` files, relative paths resolve from the project directory, the first file's.
    /// A service whose Dockerfile is not one of the repository's from its own file's
    /// directory, but is from the nearest directory above that holds a compose file
    /// (`builds/nix.yml` merged over `docker-compose.yml`, `dockerfile:
    /// builds/Dockerfile.nix`), builds that one.
    pub fn resolve_override_builds(&mut self) {
        let dockerfiles: HashSet<&str> = self.dockerfiles.iter().map(|d| d.path.as_str()).collect();
        let compose_dirs: HashSet<&str> = self
            .containers
            .iter()
            .filter(|c| !c.kubernetes)
            .map(|c| c.path.rsplit_once('/').map_or("", |(d, _)| d))
            .collect();
        let mut resolved = Vec::new();
        for (i, c) in self.containers.iter().enumerate() {
            let (Some(dockerfile), Some((context, name))) = (&c.dockerfile, &c.build_as_written)
            else {
                continue;
            };
            if dockerfiles.contains(dockerfile.as_str()) {
                continue;
            }
            let own = c.path.rsplit_once('/').map_or("", |(d, _)| d);
            let found = ancestors(own)
                .skip(1)
                .filter(|d| compose_dirs.contains(d))
                .find_map(|d| {
                    let context = join_path(d, context);
                    let dockerfile = join_path(&context, name);
                    dockerfiles
                        .contains(dockerfile.as_str())
                        .then_some((context, dockerfile))
                });
            resolved.extend(found.map(|f| (i, f)));
        }
        for (i, (context, dockerfile)) in resolved {
            self.containers[i].build_context = Some(context);
            self.containers[i].dockerfile = Some(dockerfile);
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

    /// True when the deployment model gives the file at `path` the production role.
    pub fn is_production(&self, path: &str) -> bool {
        self.role_of(path) == Some(Role::Production)
    }

    /// True when a production deployment file sets the environment variable `name` for a
    /// process at run time: a compose service or Kubernetes container, a Helm chart's
    /// templates, the runtime stage of a Dockerfile or an env file.
    pub fn sets_at_run_time(&self, name: &str) -> bool {
        self.runtime_env
            .get_or_init(|| {
                let mut names: BTreeSet<String> = BTreeSet::new();
                for c in self
                    .containers
                    .iter()
                    .filter(|c| self.is_production(&c.path))
                {
                    names.extend(c.env.iter().map(|(k, _)| k.clone()));
                }
                for d in self.production_dockerfiles() {
                    names.extend(d.env.iter().map(|(k, _)| k.clone()));
                }
                for e in self
                    .env_files
                    .iter()
                    .filter(|e| self.is_production(&e.path))
                {
                    names.extend(e.values.iter().map(|(k, _, _)| k.clone()));
                }
                for chart in self
                    .files
                    .iter()
                    .filter(|f| helm::is_chart_file(&f.path) && self.is_production(&f.path))
                {
                    let dir = chart.path.rsplit_once('/').map_or("", |(d, _)| d);
                    names.extend(helm::env_names(&self.root, dir));
                }
                names
            })
            .contains(name)
    }

    /// The values paths the templates of the chart in `dir` use only in init containers,
    /// read once per chart.
    fn chart_init_values(&self, dir: &str) -> Arc<BTreeSet<String>> {
        let mut cache = self
            .chart_init_values
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        cache
            .entry(dir.to_string())
            .or_insert_with(|| Arc::new(helm::init_container_values(&self.root, dir)))
            .clone()
    }

    /// The programs the repository's Python packages install (the console scripts of its
    /// git-tracked `pyproject.toml` files, [`python_scripts`]), read on first use.
    pub fn python_console_scripts(&self) -> &BTreeSet<String> {
        self.python_scripts.get_or_init(|| {
            python_scripts::console_scripts(&self.root, self.tracked.iter().map(String::as_str))
        })
    }

    /// The repository's build pipelines ([`Pipelines`]), read on first use.
    pub fn pipelines(&self) -> &Pipelines {
        self.pipelines
            .get_or_init(|| Pipelines::read(&self.root, self.dockerfile_dirs()))
    }

    /// The directory of each Dockerfile (`""` at the root).
    pub fn dockerfile_dirs(&self) -> impl Iterator<Item = &str> {
        self.files
            .iter()
            .filter(|f| f.kind == FileKind::Dockerfile)
            .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d))
    }

    /// True when `condition` holds for the file at `path`.
    pub fn holds(&self, condition: &Condition, path: &str) -> bool {
        match condition {
            Condition::InService => self.crate_of(path).is_some_and(|c| self.runs_in_service(c)),
            Condition::BuiltWith(cfg) => self
                .crate_of(path)
                .is_none_or(|c| !cfg.excluded_from_every(&self.production_builds(c))),
            Condition::DependsOn(krate) => self.crate_of(path).is_some_and(|c| {
                c.manifest.dependencies.iter().any(|d| {
                    d.kind == DepKind::Normal && d.name.replace('-', "_") == krate.replace('-', "_")
                })
            }),
            Condition::ImageNotReplaced(name) => !self.replaced_images.contains(name),
            Condition::ImageNotBuiltHere(name) => !self.pipelines().provides_image(name),
            Condition::FeatureRequested { package, features } => {
                self.requests_feature(package, features)
            }
            Condition::StartedByContainer => self.images_starting(path).next().is_some(),
            Condition::NotOnlyBackingImagesStart => {
                let starters: Vec<&DockerFacts> = self.images_starting(path).collect();
                starters.is_empty() || starters.iter().any(|d| d.backing_service.is_none())
            }
            Condition::CopiesPackage(sources) => {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                sources.iter().any(|s| {
                    self.holds_package(s)
                        || (!dir.is_empty() && self.holds_package(&format!("{dir}/{s}")))
                })
            }
            Condition::GitSourceUnlocked(url) => !self.lock_pins_git_source(path, url),
            Condition::NotSetByBuildScript(name) => !self.build_script_sets(path, name),
            Condition::SetAtRunTime(name) => self.sets_at_run_time(name),
            Condition::RustToolchainFloats => self.pinned_rust_toolchain(path).is_none(),
            Condition::ReleaseNotLocked => !self.release_builds_locked(path),
            Condition::ImagesNotRewritten => !self.pipelines().rewrites_images(path),
            Condition::All(all) => all.iter().all(|c| self.holds(c, path)),
            Condition::HelmAppImage(values_path) => {
                let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
                self.root.join(dir).join(helm::CHART_FILE).is_file()
                    && !self.chart_init_values(dir).contains(values_path)
            }
        }
    }

    /// The Rust version a `rust-toolchain.toml` (`channel = "1.94.0"`) or legacy
    /// `rust-toolchain` file in the directory of `path` or above pins (a version or a
    /// dated nightly), with the file's path: rustup builds with it whatever Rust the image
    /// ships. A channel (`stable`) pins nothing.
    pub fn pinned_rust_toolchain(&self, path: &str) -> Option<(String, String)> {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        ancestors(dir).find_map(|d| {
            ["rust-toolchain.toml", "rust-toolchain"]
                .iter()
                .find_map(|name| {
                    let rel = join_path(d, name);
                    let text = source::read_regular_prefix(&self.root.join(&rel), 4096)?;
                    // `rust-toolchain.toml`, or a legacy `rust-toolchain` in TOML form or naming
                    // the toolchain alone.
                    let channel = match text.parse::<toml::Table>() {
                        Ok(table) => table
                            .get("toolchain")?
                            .get("channel")?
                            .as_str()?
                            .to_string(),
                        Err(_) => text.trim().to_string(),
                    };
                    let dated = ["nightly-", "beta-"].iter().any(|p| channel.starts_with(p));
                    (channel.starts_with(|c: char| c.is_ascii_digit()) || dated)
                        .then_some((channel, rel))
                })
        })
    }

    /// True when a build asks for one of `features` of the workspace package `package`: a
    /// workspace manifest depends on it with one of them, or a Dockerfile's build steps
    /// pass `--all-features`, or `--features`/`-F` with one of them.
    pub fn requests_feature(&self, package: &str, features: &[String]) -> bool {
        let named = |f: &String| features.contains(f);
        self.cargo.iter().any(|c| {
            c.manifest
                .dependencies
                .iter()
                .any(|d| d.name == package && d.features.iter().any(named))
        }) || self.dockerfiles.iter().any(|d| {
            d.words.contains("--all-features")
                || (["--features", "-F"].iter().any(|f| d.words.contains(*f))
                    && features.iter().any(|f| d.words.contains(f)))
        })
    }

    /// The features the production images build `krate` with, one set per cargo step that
    /// compiles it: its default features unless `--no-default-features`, those `--features`
    /// names, those workspace packages depending on it ask for, and what they turn on.
    /// Empty when that is not known: no production Dockerfile compiles it, or a step's
    /// features are a variable.
    pub fn deployed_features(&self, krate: &CargoFacts) -> Vec<BTreeSet<String>> {
        self.dockerfile_feature_builds(krate).unwrap_or_default()
    }

    /// The feature sets `krate` is built with for production: those of
    /// [`Project::deployed_features`]; when no production Dockerfile compiles it (a
    /// release pipeline builds it, or the image copies a binary), its default build with
    /// the features the workspace's manifests ask of it (a dependency's `features`, a
    /// feature table's `name/feature`). Empty when that is not known. Worked out once per
    /// package.
    pub fn production_builds(&self, krate: &CargoFacts) -> Arc<Vec<BTreeSet<String>>> {
        let Some(i) = self.crate_index(krate) else {
            return Arc::new(self.work_out_production_builds(krate));
        };
        let known = self
            .production_builds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&i)
            .cloned();
        known.unwrap_or_else(|| {
            let builds = Arc::new(self.work_out_production_builds(krate));
            self.production_builds
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(i, builds.clone());
            builds
        })
    }

    fn work_out_production_builds(&self, krate: &CargoFacts) -> Vec<BTreeSet<String>> {
        match self.dockerfile_feature_builds(krate) {
            Some(builds) if builds.is_empty() => {
                let name = krate.manifest.package.as_ref().map(|p| p.0.as_str());
                let mut asked = self.requested_by_dependents(krate).to_vec();
                for value in self
                    .cargo
                    .iter()
                    .flat_map(|c| &c.manifest.features)
                    .flat_map(|(_, values)| values)
                {
                    if let Some((package, feature)) = value.split_once('/')
                        && Some(package.trim_end_matches('?')) == name
                    {
                        asked.push(feature.to_string());
                    }
                }
                vec![krate.features_turned_on(&FeatureBuild {
                    features: asked,
                    ..FeatureBuild::default()
                })]
            }
            Some(builds) => builds,
            None => Vec::new(),
        }
    }

    /// The features the workspace packages depending on `krate` ask of it (a
    /// dependency's `features`): Cargo unifies them into its build.
    fn requested_by_dependents(&self, krate: &CargoFacts) -> &[String] {
        let requested = self.requested_features.get_or_init(|| {
            let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
            for d in self.cargo.iter().flat_map(|c| &c.manifest.dependencies) {
                by_name
                    .entry(d.name.clone())
                    .or_default()
                    .extend(d.features.iter().cloned());
            }
            by_name
        });
        krate
            .manifest
            .package
            .as_ref()
            .and_then(|p| requested.get(&p.0))
            .map_or(&[], Vec::as_slice)
    }

    /// The feature sets of the production Dockerfiles' cargo steps that compile `krate`
    /// (see [`Project::deployed_features`]): empty when none does, `None` when a step's
    /// features are a variable.
    fn dockerfile_feature_builds(&self, krate: &CargoFacts) -> Option<Vec<BTreeSet<String>>> {
        let names = krate.names();
        let from_dependents = self.requested_by_dependents(krate);
        let mut sets = Vec::new();
        for d in self.production_dockerfiles_for(krate) {
            for build in d.feature_builds() {
                let mut build = build?;
                build.features.extend(from_dependents.iter().cloned());
                if !build.targets.is_empty() && !build.targets.iter().any(|t| names.contains(t)) {
                    continue;
                }
                sets.push(krate.features_turned_on(&build));
            }
        }
        Some(sets)
    }

    /// True when the build script of the package holding `path` sets the compile-time
    /// variable `name` (`cargo:rustc-env=NAME=…`): itself, or through a workspace crate it
    /// builds with (`[build-dependencies]`), whose code prints the instruction for it.
    pub fn build_script_sets(&self, path: &str, name: &str) -> bool {
        let Some(krate) = self.crate_of(path) else {
            return false;
        };
        let helpers = self.workspace_deps_of_kind(krate, DepKind::Build);
        let builds_for = |script: &str| {
            self.crate_of(script).is_some_and(|c| {
                c.path == krate.path || helpers.iter().any(|&i| self.cargo[i].path == c.path)
            })
        };
        self.build_env
            .iter()
            .any(|(script, set)| set == name && builds_for(script))
    }

    /// True when a committed `Cargo.lock` in the directory of `path` or above pins a commit
    /// of the git repository at `url` (`source = "git+<url>…#<sha>"`).
    /// True when the release builds of the manifest at `path` are held to its lockfile: a
    /// committed `Cargo.lock` in its directory or above, and production Dockerfiles that
    /// build with cargo, every one of whose builds passes `--locked` or `--frozen`. Then
    /// no requirement in the manifest can change what is released.
    pub fn release_builds_locked(&self, path: &str) -> bool {
        let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
        let locked = ancestors(dir).any(|d| {
            let lock = join_path(d, "Cargo.lock");
            if self.in_git {
                self.is_tracked(&lock)
            } else {
                self.root.join(&lock).is_file()
            }
        });
        locked
            && *self.builds_locked.get_or_init(|| {
                let mut builds = self
                    .production_dockerfiles()
                    .filter_map(DockerFacts::builds_locked)
                    .peekable();
                builds.peek().is_some() && builds.all(|b| b)
            })
    }

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

    /// The compose files whose every service runs a backing service, by image or built from
    /// a Dockerfile whose runtime stage is one (`FROM postgres` with an init script), with
    /// the services' backing services: the developer's local dependencies, not the app.
    /// Files named as the production deployment, and files joined to another compose file
    /// ([`Project::joined_composes`]), are not among them.
    pub fn backing_only_composes(&self) -> BTreeMap<&str, BTreeSet<&'static str>> {
        let dockerfiles: HashMap<&str, &DockerFacts> = self
            .dockerfiles
            .iter()
            .map(|d| (d.path.as_str(), d))
            .collect();
        self.composes_where(|c| match &c.dockerfile {
            Some(d) => dockerfiles.get(d.as_str()).and_then(|d| d.backing_service),
            None => c
                .image
                .as_deref()
                .and_then(|i| ImageRef::parse(i).backing_service()),
        })
        .into_iter()
        .map(|(path, backing)| (path, backing.into_iter().collect()))
        .collect()
    }

    /// The compose files that run only other projects' software, in a repository that holds
    /// an app of its own (a package with a binary), with the images they run: no service
    /// builds an image, and none runs an image of this repository ([`Project::may_be_own_image`],
    /// with the workspace's names folded once).
    /// Such a stack is the infrastructure the app is developed against (a database, an
    /// object store, a query engine), not a deployment of the app. Files named as the
    /// production deployment, and files joined to another compose file
    /// ([`Project::joined_composes`]), are not among them.
    pub fn third_party_composes(&self) -> BTreeMap<&str, Vec<&str>> {
        if !self.cargo.iter().any(|c| c.has_bin) {
            return BTreeMap::new();
        }
        let own: Vec<String> = self
            .cargo
            .iter()
            .flat_map(|c| c.names())
            .map(|n| fold_image_part(&n))
            .collect();
        self.composes_where(|c| match &c.image {
            Some(image) if c.build_context.is_none() && c.dockerfile.is_none() => {
                (!self.may_be_own_image(image, &own)).then_some(image.as_str())
            }
            _ => None,
        })
    }

    /// The compose files for each of whose services `judge` has an answer, with the
    /// answers in service order; not those named as the production deployment, nor those
    /// joined to another compose file ([`Project::joined_composes`]).
    fn composes_where<'p, T>(
        &'p self,
        judge: impl Fn(&'p ContainerFacts) -> Option<T>,
    ) -> BTreeMap<&'p str, Vec<T>> {
        let joined = self.joined_composes();
        let mut found: BTreeMap<&str, Option<Vec<T>>> = BTreeMap::new();
        for c in self.containers.iter().filter(|c| !c.kubernetes) {
            let answer = judge(c);
            let entry = found.entry(&c.path).or_insert_with(|| Some(Vec::new()));
            match (entry.as_mut(), answer) {
                (Some(answers), Some(a)) => answers.push(a),
                _ => *entry = None,
            }
        }
        found
            .into_iter()
            .filter(|(path, _)| !role::names_production(path) && !joined.contains(path))
            .filter_map(|(path, answers)| Some((path, answers?)))
            .collect()
    }

    /// The compose files that include or extend services of another, whose services
    /// another includes or extends, or whose services need one another file defines (an
    /// overlay): their services run as one stack with another file's, which the services
    /// one file lists do not show ([`Project::compose_parts`], [`Project::compose_overlays`]).
    fn joined_composes(&self) -> HashSet<&str> {
        self.compose_parts
            .iter()
            .flat_map(|(whole, part)| [whole.as_str(), part.as_str()])
            .chain(self.compose_overlays.iter().map(String::as_str))
            .collect()
    }

    /// True when `image` may be one this repository builds: a build pipeline tags it, or
    /// a part of its name holds one of `own`, the workspace's package and binary names
    /// ([`fold_image_part`]ed: `ghcr.io/acme/shop-api` for a package `shop`).
    fn may_be_own_image(&self, image: &str, own: &[String]) -> bool {
        let name = images::image_name(image);
        let parts: Vec<String> = name.split('/').map(fold_image_part).collect();
        self.pipelines().provides_image(&name)
            || own
                .iter()
                .any(|o| parts.iter().any(|p| p.contains(o.as_str())))
    }

    /// The Dockerfiles the deployment model calls production: a devcontainer or a CI image
    /// does not declare what the service runs on.
    pub fn production_dockerfiles(&self) -> impl Iterator<Item = &DockerFacts> {
        self.dockerfiles
            .iter()
            .filter(|d| self.is_production(&d.path))
    }

    /// The production Dockerfiles that build `krate` ([`Project::dockerfiles_for`]).
    pub fn production_dockerfiles_for(&self, krate: &CargoFacts) -> Vec<&DockerFacts> {
        self.dockerfiles_for(krate)
            .into_iter()
            .filter(|d| self.is_production(&d.path))
            .collect()
    }

    /// The stages of the Dockerfile `d` a production build runs: its run targets (the
    /// final stage, earlier stages with a command of their own) and the named stages a
    /// production compose service builds (`build.target`) or a build pipeline targets
    /// (`--target worker`).
    pub fn run_targets<'d>(&'d self, d: &'d DockerFacts) -> Vec<&'d RunTarget> {
        let mut targets: Vec<&RunTarget> = d.targets.iter().collect();
        if d.leaf_targets.is_empty() {
            return targets;
        }
        let builders_of = self.stage_builders(d);
        targets.extend(d.leaf_targets.iter().filter(|t| {
            let Some(alias) = d.stages.get(t.stage).and_then(|s| s.alias.as_deref()) else {
                return false;
            };
            let builders = builders_of.get(alias).map_or(&[][..], Vec::as_slice);
            self.production_builds_stage(d, alias, builders)
        }));
        targets
    }

    /// Of the stages production builds run (`targets`, the final stage first), those that
    /// run one of `names` (copy it in or install it): a multi-target Dockerfile (`--target
    /// registry-watcher`) runs each binary in its own stage. The final stage when none
    /// names one.
    pub fn targets_running<'d>(
        targets: Vec<&'d RunTarget>,
        names: &HashSet<String>,
    ) -> Vec<&'d RunTarget> {
        let running: Vec<&RunTarget> = targets
            .iter()
            .copied()
            .filter(|t| t.provides.iter().any(|p| names.contains(p)))
            .collect();
        if running.is_empty() {
            targets.first().copied().into_iter().collect()
        } else {
            running
        }
    }

    /// True when production builds the stage `alias` of the Dockerfile `d`: a production
    /// compose service of its `builders` does, or a build pipeline targets it.
    fn production_builds_stage(
        &self,
        d: &DockerFacts,
        alias: &str,
        builders: &[&ContainerFacts],
    ) -> bool {
        builders.iter().any(|c| self.is_production(&c.path))
            || self.pipelines().targets_stage(&d.path, alias)
    }

    /// The compose services that build a stage of the Dockerfile `d` (`build.target`), by
    /// the stage's name, lower-cased.
    fn stage_builders(&self, d: &DockerFacts) -> HashMap<String, Vec<&ContainerFacts>> {
        let mut builders: HashMap<String, Vec<&ContainerFacts>> = HashMap::new();
        for c in &self.containers {
            if let Some(target) = &c.build_target
                && c.dockerfile.as_deref() == Some(d.path.as_str())
            {
                builders
                    .entry(target.to_ascii_lowercase())
                    .or_default()
                    .push(c);
            }
        }
        builders
    }

    /// The stages of the Dockerfile `d` only development builds: not the final stage, no
    /// later stage uses it, no production compose service or pipeline targets it, and it
    /// is named for development (`AS dev`) or a development compose service targets it.
    /// Each with its name and the signal.
    pub fn development_stages<'d>(&self, d: &'d DockerFacts) -> Vec<(&'d StageFacts, String)> {
        let builders_of = self.stage_builders(d);
        let last = d.stages.len().saturating_sub(1);
        d.stages[..last]
            .iter()
            .filter(|s| !s.used)
            .filter_map(|s| {
                let alias = s.alias.as_deref()?;
                let builders = builders_of.get(alias).map_or(&[][..], Vec::as_slice);
                let signal = match builders.first() {
                    Some(c) => format!(
                        "only service `{}` of `{}`, a development setup, builds it",
                        c.name, c.path
                    ),
                    None if role::is_dev_stage(alias) => {
                        "named for development, and no production build targets it".to_string()
                    }
                    None => return None,
                };
                (!self.production_builds_stage(d, alias, builders)).then_some((s, signal))
            })
            .collect()
    }

    /// The production Dockerfiles whose start command runs the script at `path`.
    fn images_starting<'a>(&'a self, path: &'a str) -> impl Iterator<Item = &'a DockerFacts> {
        self.production_dockerfiles()
            .filter(move |d| d.launch_scripts.iter().any(|s| s == path))
    }

    /// True when the repository path `source` (a file or a directory) is or holds a
    /// package manifest of a language ecosystem (`Cargo.toml`, `package.json`, `go.mod`,
    /// `pyproject.toml`, …): the code of a package of the project.
    pub fn holds_package(&self, source: &str) -> bool {
        const MANIFESTS: &[&str] = &[
            "Cargo.toml",
            "package.json",
            "go.mod",
            "pyproject.toml",
            "setup.py",
            "requirements.txt",
            "Gemfile",
            "composer.json",
            "pom.xml",
            "build.gradle",
            "build.gradle.kts",
            "mix.exs",
        ];
        let source = source.trim_end_matches('/');
        if source.split('/').any(|part| part == "..") {
            return false;
        }
        let is_manifest = |p: &str| MANIFESTS.contains(&p.rsplit('/').next().unwrap_or(p));
        let under =
            |p: &str| p == source || p.strip_prefix(source).is_some_and(|r| r.starts_with('/'));
        if !self.in_git {
            // Outside git only the linted files are listed: look for a manifest in the
            // directory itself.
            let at = self.root.join(source);
            return (is_manifest(source) && at.is_file())
                || MANIFESTS.iter().any(|m| at.join(m).is_file());
        }
        self.tracked.iter().any(|p| under(p) && is_manifest(p))
    }

    /// The signal that stops the containers of the image `docker` builds: the
    /// `kill_signal` of a production Fly app that deploys it, when no pipeline also
    /// publishes the image for other platforms; else its `STOPSIGNAL`; else SIGTERM.
    pub fn stop_signal<'a>(&'a self, docker: &'a DockerFacts) -> &'a str {
        let fly = self.fly_apps.iter().find(|a| {
            a.dockerfile.as_deref() == Some(docker.path.as_str()) && self.is_production(&a.path)
        });
        match fly {
            Some(app) if self.pipelines().publishing(&docker.path).is_none() => &app.kill_signal,
            _ => docker.stop_signal.as_deref().unwrap_or("SIGTERM"),
        }
    }

    /// Dockerfiles that build `krate`: they name its package or a binary in a build
    /// step or copy, or sit in or above its directory without naming a different app
    /// or building one ([`DockerFacts::builds_another_app`]: a Go service's image or a
    /// test database's beside the crate builds none of it).
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
                // Guessed from directories alone, an image builds production code, not
                // a package of docs, examples or tests.
                if self
                    .role_of(&krate.path)
                    .is_some_and(|r| r != Role::Production)
                {
                    return false;
                }
                let d = &self.dockerfiles[di];
                let other_app = apps
                    .iter()
                    .any(|&i| self.cargo[i].has_bin && Some(i) != own);
                !other_app
                    && !d.builds_another_app()
                    && (is_within(&krate.dir, d.dir()) || is_within(d.dir(), &krate.dir))
            })
            .map(|di| &self.dockerfiles[di])
            .collect()
    }

    /// Compose services and Kubernetes containers that run `krate`: built from a
    /// context holding it (with a Dockerfile of the repository, one that builds `krate`,
    /// [`Project::dockerfiles_for`]), or running an image named after it.
    pub fn containers_for(&self, krate: &CargoFacts) -> Vec<&ContainerFacts> {
        let index = self
            .container_index
            .get_or_init(|| ContainerIndex::new(self));
        // Build contexts at or above the crate's directory, whose Dockerfile builds it.
        let builds_it: OnceCell<HashSet<&str>> = OnceCell::new();
        let builds = |dockerfile: &str| {
            builds_it
                .get_or_init(|| {
                    self.dockerfiles_for(krate)
                        .into_iter()
                        .map(|d| d.path.as_str())
                        .collect()
                })
                .contains(dockerfile)
        };
        let known = |dockerfile: &str| {
            self.docker_index
                .get_or_init(|| DockerIndex::new(self))
                .paths
                .contains(dockerfile)
        };
        // An image a pipeline publishes from a Dockerfile that builds the package, and
        // one named after the package unless a pipeline publishes that name from
        // Dockerfiles that do not build it (`ghcr.io/org/app` pushed from the server's
        // Dockerfile runs the server, not the `app` CLI).
        let published_from_it = index
            .published
            .iter()
            .filter(|(_, dockerfiles)| dockerfiles.iter().any(|d| builds(d)))
            .map(|(name, _)| name.as_str());
        let named_after_it = krate
            .names()
            .into_iter()
            .filter(|n| !index.published.contains_key(n));
        let mut idx: Vec<usize> = published_from_it
            .map(str::to_string)
            .chain(named_after_it)
            .filter_map(|n| index.by_image.get(&n))
            .flatten()
            .copied()
            .collect();
        idx.extend(
            ancestors(&krate.dir)
                .filter_map(|d| index.by_context.get(d))
                .flatten()
                .filter(|&&i| {
                    let c = &self.containers[i];
                    c.dockerfile
                        .as_deref()
                        .is_none_or(|d| !known(d) || builds(d))
                        && !self.target_runs_others(c, krate)
                }),
        );
        idx.retain(|&i| !self.command_runs_others(&self.containers[i], krate));
        idx.sort_unstable();
        idx.dedup();
        idx.into_iter().map(|i| &self.containers[i]).collect()
    }

    /// True when the container's start command names binaries of other workspace
    /// packages and none of `krate`'s: the image may hold several packages' binaries
    /// (`command: ["worker"]`), and the container runs the one it names.
    fn command_runs_others(&self, c: &ContainerFacts, krate: &CargoFacts) -> bool {
        let runs = |k: &CargoFacts| {
            launch::programs_named(&c.programs, &k.names())
                .next()
                .is_some()
        };
        !c.programs.is_empty()
            && !runs(krate)
            && self.cargo.iter().any(|k| k.path != krate.path && runs(k))
    }

    /// True when the container builds a stage (compose `build.target`) that copies in or
    /// installs the binaries of packages the Dockerfile names, none of them `krate`'s: the
    /// image runs another package.
    fn target_runs_others(&self, c: &ContainerFacts, krate: &CargoFacts) -> bool {
        let (Some(target), Some(path)) = (&c.build_target, &c.dockerfile) else {
            return false;
        };
        let Some(di) = self.dockerfiles.iter().position(|d| &d.path == path) else {
            return false;
        };
        let d = &self.dockerfiles[di];
        let Some(stage) = d
            .stages
            .iter()
            .position(|s| s.alias.as_ref() == Some(target))
        else {
            return false;
        };
        let Some(run) = d.all_targets().find(|t| t.stage == stage) else {
            return false;
        };
        let runs = |k: &CargoFacts| k.lowercase_names().any(|n| run.provides.contains(&n));
        let index = self.docker_index.get_or_init(|| DockerIndex::new(self));
        let own = self.crate_index(krate);
        index.apps[di]
            .iter()
            .any(|&a| Some(a) != own && runs(&self.cargo[a]))
            && !runs(krate)
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
    fn package_dirs(&self) -> &foldhash::HashMap<String, usize> {
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

    /// `roots` (indexes in `cargo`) and every workspace package they depend on, directly
    /// or not ([`Project::workspace_deps`]).
    pub fn with_workspace_deps(&self, roots: impl IntoIterator<Item = usize>) -> HashSet<usize> {
        let mut found: HashSet<usize> = HashSet::new();
        let mut stack: Vec<usize> = roots.into_iter().collect();
        while let Some(i) = stack.pop() {
            if found.insert(i) {
                stack.extend(self.workspace_dep_indexes(&self.cargo[i]));
            }
        }
        found
    }

    /// The packages deployed in their own right, by index in `cargo`, with how that was
    /// decided: packages with a binary that a production Dockerfile, compose service,
    /// Kubernetes container, Procfile process or systemd service builds or runs. Without any such file,
    /// production service packages (a server or queue-consumer framework and a binary) count as
    /// deployed; `None` when neither exists, as the model cannot tell. With
    /// [`Project::with_workspace_deps`], the deployed packages.
    pub fn deployed_roots(
        &self,
        production: impl Fn(&str) -> bool,
    ) -> Option<(Vec<usize>, &'static str)> {
        let by_files: Vec<usize> = self
            .cargo
            .iter()
            .enumerate()
            .filter(|(_, c)| self.deployed_by_files(c, &production))
            .map(|(i, _)| i)
            .collect();
        let (roots, basis) = if by_files.is_empty() {
            let services: Vec<usize> = self
                .cargo
                .iter()
                .enumerate()
                .filter(|(_, c)| c.is_service() && c.has_bin && production(&c.path))
                .map(|(i, _)| i)
                .collect();
            (
                services,
                "no production deployment file builds a package, so the service packages and their workspace dependencies count as deployed",
            )
        } else {
            (
                by_files,
                "deployed are the packages a production Dockerfile, compose service, Kubernetes container, Procfile process or systemd service builds or runs, and their workspace dependencies",
            )
        };
        (!roots.is_empty()).then_some((roots, basis))
    }

    /// True when `krate` is a package with a binary (not developer tooling) that a
    /// Dockerfile, compose service or Kubernetes container whose path passes `production`
    /// builds or runs, or a production Procfile process or systemd service runs.
    pub fn deployed_by_files(&self, krate: &CargoFacts, production: impl Fn(&str) -> bool) -> bool {
        krate.has_bin
            && krate.manifest.package.is_some()
            && !krate.is_tooling()
            && (self
                .dockerfiles_for(krate)
                .iter()
                .any(|d| production(&d.path))
                || self
                    .containers_for(krate)
                    .iter()
                    .any(|k| production(&k.path))
                || !self.processes_for(krate).is_empty())
    }

    /// Where the deployment of `krate`, or of a package that runs it as a dependency,
    /// hands the process its port through the environment: a Procfile `web` process (the
    /// platform sets `PORT`), or a container or Dockerfile that sets `PORT`. With a
    /// description for messages.
    pub fn port_from_environment(&self, krate: &CargoFacts) -> Option<(Location, String)> {
        let runners = std::iter::once(krate).chain(self.dependents(krate));
        let sets_port = |env: &[(String, String)]| env.iter().any(|(k, _)| k == "PORT");
        for runner in runners {
            if let Some(p) = self
                .processes_for(runner)
                .into_iter()
                .find(|p| p.is_procfile_type("web"))
            {
                return Some((
                    self.locate(&p.file, 0..0),
                    format!(
                        "the Procfile process `{}` runs it, and the platform assigns its port in `PORT`",
                        p.name
                    ),
                ));
            }
            if let Some(c) = self
                .containers_for(runner)
                .into_iter()
                .find(|c| sets_port(&c.env))
            {
                return Some((
                    c.location.clone(),
                    format!("the container `{}` sets `PORT` for it", c.name),
                ));
            }
            if let Some(d) = self
                .dockerfiles_for(runner)
                .into_iter()
                .find(|d| sets_port(&d.env))
            {
                return Some((
                    self.locate(&d.path, 0..0),
                    format!("`{}` sets `PORT` for it", d.path),
                ));
            }
        }
        None
    }

    /// The Procfile and systemd processes that run one of `krate`'s binaries (by file name; Cargo
    /// spells a package's `-` and `_` alike).
    pub fn processes_for(&self, krate: &CargoFacts) -> Vec<&Process> {
        let names = krate.names();
        self.processes
            .iter()
            .filter(|p| p.programs_named(&names).next().is_some())
            .collect()
    }

    /// The other packages of this repository that `krate`'s code runs with, in `cargo`
    /// order: its normal dependencies (dev-dependencies run only in its tests and
    /// examples, build-dependencies only in its build script).
    pub fn workspace_deps(&self, krate: &CargoFacts) -> Vec<&CargoFacts> {
        self.workspace_dep_indexes(krate)
            .into_iter()
            .map(|i| &self.cargo[i])
            .collect()
    }

    /// `krate` and every package that depends on it, directly or not: the packages whose
    /// binaries run its code (the other way from [`Project::with_workspace_deps`]).
    pub fn with_dependents<'p>(&'p self, krate: &'p CargoFacts) -> Vec<&'p CargoFacts> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut out = Vec::new();
        let mut todo = vec![krate];
        while let Some(c) = todo.pop() {
            if seen.insert(c.path.as_str()) {
                out.push(c);
                todo.extend(self.dependents(c));
            }
        }
        out
    }

    /// True when `krate`'s code runs in a service: it is a service package, or a workspace
    /// dependency (directly or not) of a service package with a binary.
    pub fn runs_in_service(&self, krate: &CargoFacts) -> bool {
        krate.is_service()
            || self
                .with_dependents(krate)
                .iter()
                .any(|d| d.has_bin && d.is_service())
    }

    /// The packages that depend on `krate` as one of their [`Project::workspace_deps`].
    pub fn dependents(&self, krate: &CargoFacts) -> impl Iterator<Item = &CargoFacts> {
        let all = self.dependents.get_or_init(|| {
            let mut all = vec![Vec::new(); self.cargo.len()];
            for (i, c) in self.cargo.iter().enumerate() {
                for d in self.workspace_dep_indexes(c) {
                    all[d].push(i);
                }
            }
            all
        });
        self.crate_index(krate)
            .map_or(&[][..], |i| &all[i])
            .iter()
            .map(|&i| &self.cargo[i])
    }

    /// The library packages that run only in the tests of this repository, by index in
    /// `cargo`, each with the packages that take it as a dev-dependency: test-support
    /// crates. A package that any package takes as a normal or build dependency, or that
    /// has a binary, runs outside tests.
    pub fn test_support_packages(&self) -> BTreeMap<usize, Vec<usize>> {
        let mut dev: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        let mut elsewhere: HashSet<usize> = HashSet::new();
        for (i, c) in self.cargo.iter().enumerate() {
            for d in self.workspace_deps_of_kind(c, DepKind::Dev) {
                dev.entry(d).or_default().push(i);
            }
            elsewhere.extend(self.workspace_deps_of_kind(c, DepKind::Normal));
            elsewhere.extend(self.workspace_deps_of_kind(c, DepKind::Build));
        }
        dev.retain(|i, _| !elsewhere.contains(i) && !self.cargo[*i].has_bin);
        dev
    }

    /// Indexes in `cargo` of the packages [`Project::workspace_deps`] returns: the normal
    /// dependencies that Cargo takes from this repository, those with a `path`, given in
    /// the package or, for `workspace = true`, in its workspace's
    /// `[workspace.dependencies]`. A dependency without one comes from a registry or git,
    /// even when a package of the repository has the same name (a vendored copy, a fork).
    pub(crate) fn workspace_dep_indexes(&self, krate: &CargoFacts) -> Vec<usize> {
        self.workspace_deps_of_kind(krate, DepKind::Normal)
    }

    /// [`Self::workspace_dep_indexes`] for the dependencies of one `kind`
    /// (`[build-dependencies]`: the crates a build script builds with).
    pub(crate) fn workspace_deps_of_kind(&self, krate: &CargoFacts, kind: DepKind) -> Vec<usize> {
        let dirs = self.package_dirs();
        let root = self.workspace_root(krate);
        let mut found: Vec<usize> = krate
            .manifest
            .dependencies
            .iter()
            .filter(|d| d.kind == kind)
            .filter_map(|d| {
                let dir = match (&d.path, d.inherited) {
                    (Some((rel, _)), _) => join_path(&krate.dir, rel),
                    (None, true) => {
                        let declared = root
                            .manifest
                            .dependencies
                            .iter()
                            .find(|w| w.kind == DepKind::Workspace && w.name == d.name)?;
                        join_path(&root.dir, &declared.path.as_ref()?.0)
                    }
                    (None, false) => return None,
                };
                dirs.get(&dir).copied()
            })
            .filter(|&i| self.cargo[i].path != krate.path)
            .collect();
        found.sort_unstable();
        found.dedup();
        found
    }

    /// The manifest of the workspace `pkg` belongs to (the one whose directory holds its
    /// lockfile and its `[workspace.dependencies]`): the nearest enclosing `[workspace]`
    /// that does not exclude it, or `pkg` itself.
    pub fn workspace_root<'p>(&'p self, pkg: &'p CargoFacts) -> &'p CargoFacts {
        let workspaces = self.workspaces.get_or_init(|| {
            (0..self.cargo.len())
                .filter(|&i| self.cargo[i].manifest.is_workspace)
                .collect()
        });
        workspaces
            .iter()
            .map(|&i| &self.cargo[i])
            .filter(|w| is_within(&pkg.dir, &w.dir))
            .filter(|w| {
                w.dir == pkg.dir
                    || !w
                        .manifest
                        .exclude
                        .iter()
                        .any(|e| is_within(&pkg.dir, &join_path(&w.dir, e)))
            })
            .max_by_key(|w| w.dir.len())
            .unwrap_or(pkg)
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

/// An image name part or a package name as compared: lower case, `_` read as `-`.
fn fold_image_part(s: &str) -> String {
    s.to_ascii_lowercase().replace('_', "-")
}
