//! The facts each linted file yields for the project model.

use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use crate::diagnostic::Location;
use crate::model::flow::CodeFacts;
use crate::model::fly::FlyApp;
use crate::model::listen::{self, Part};
use crate::model::role::{self, Decision, Role};
use crate::model::source::FileKind;
use crate::parse::cargo::{DepKind, Manifest};
use crate::parse::image::ImageRef;
use crate::parse::shell::flag_values;

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

    /// [`CargoFacts::names`] lower-cased, as a Dockerfile's copied and installed binaries
    /// are ([`RunTarget::provides`]).
    pub fn lowercase_names(&self) -> impl Iterator<Item = String> + '_ {
        self.manifest
            .bins
            .iter()
            .chain(self.manifest.package.as_ref().map(|p| &p.0))
            .map(|n| n.to_ascii_lowercase())
    }

    /// The features of this package that `build` turns on: the requested ones (every one
    /// for `--all-features`), the default ones unless `--no-default-features`, and the
    /// features they enable in turn.
    pub fn features_turned_on(&self, build: &FeatureBuild) -> BTreeSet<String> {
        let table = &self.manifest.features;
        let mut todo: Vec<String> = if build.all {
            table.iter().map(|(name, _)| name.clone()).collect()
        } else {
            build.features.clone()
        };
        if !build.no_default {
            todo.push("default".to_string());
        }
        let mut on = BTreeSet::new();
        while let Some(feature) = todo.pop() {
            let feature = match feature.split_once('/') {
                Some((package, f)) if self.names().iter().any(|n| n == package) => f.to_string(),
                Some(_) => continue,
                None => feature,
            };
            if !on.insert(feature.clone()) {
                continue;
            }
            if let Some((_, enables)) = table.iter().find(|(name, _)| *name == feature) {
                todo.extend(enables.iter().filter(|e| !e.contains('/')).cloned());
            }
        }
        on
    }

    /// The name of the binary target whose `main` is the root-relative `file`: a
    /// `[[bin]]` with that path, else `src/main.rs` (the package's name),
    /// `src/bin/<name>.rs` or `src/bin/<name>/main.rs`.
    pub fn bin_name_of(&self, file: &str) -> Option<String> {
        let rel = self.inside(file)?;
        if let Some((Some(name), _)) = self
            .manifest
            .bin_paths
            .iter()
            .find(|(_, path)| path.trim_start_matches("./") == rel)
        {
            return Some(name.clone());
        }
        if rel == "src/main.rs" {
            return self.manifest.package.as_ref().map(|p| p.0.clone());
        }
        let in_bin = rel.strip_prefix("src/bin/")?;
        in_bin
            .strip_suffix("/main.rs")
            .or_else(|| in_bin.strip_suffix(".rs"))
            .filter(|n| !n.contains('/'))
            .map(str::to_string)
    }

    /// True when the root-relative Rust `file` is code of the package's binaries rather
    /// than of its library: a binary's `main` ([`CargoFacts::bin_name_of`]) or a file
    /// under `src/bin/`.
    pub fn is_bin_code(&self, file: &str) -> bool {
        self.inside(file)
            .is_some_and(|rel| rel.starts_with("src/bin/"))
            || self.bin_name_of(file).is_some()
    }

    /// The root-relative `file` relative to the package's directory; `None` outside it.
    fn inside<'f>(&self, file: &'f str) -> Option<&'f str> {
        if self.dir.is_empty() {
            return Some(file);
        }
        file.strip_prefix(self.dir.as_str())?.strip_prefix('/')
    }

    /// Developer tooling rather than an app: cargo-fuzz crates, a package named `xtask`,
    /// and packages in a directory the deployment model gives to tooling or tests
    /// (`xtask/`, `tools/`, `fuzz/`: [`role::of_path`]).
    pub fn is_tooling(&self) -> bool {
        self.manifest.is_fuzz
            || matches!(role::of_path(&self.path).role, Role::Tooling | Role::Test)
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
    "actix-server",
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
    /// The stage name (`AS build`), lower-cased.
    pub alias: Option<String>,
    /// The `FROM` image as written.
    pub image: String,
    pub location: Location,
    /// `RUN` scripts with whitespace collapsed, for comparing build steps.
    pub steps: Vec<String>,
    /// Its bytes in the file, from `FROM` to its last instruction.
    pub bytes: Range<usize>,
    /// True when a later stage is built `FROM` it, copies from it or mounts it.
    pub used: bool,
}

/// A Dockerfile.
#[derive(Debug, Clone)]
pub struct DockerFacts {
    pub path: String,
    pub stages: Vec<StageFacts>,
    /// The stages a build may target to run a container: the final stage first, then
    /// each earlier stage with its own `CMD` or `ENTRYPOINT`.
    pub targets: Vec<RunTarget>,
    /// Earlier named stages without a command of their own that no stage is built
    /// `FROM`: a build may target one ([`crate::model::project::Project::run_targets`]).
    pub leaf_targets: Vec<RunTarget>,
    /// `EXPOSE`d ports of the runtime stages.
    pub exposes: Vec<PortDecl>,
    /// `ENV` settings of the runtime stages: (name, value).
    pub env: Vec<(String, String)>,
    /// `COPY` and `ADD` of the runtime stages: their sources as written, and where.
    pub copies: Vec<(Vec<String>, Location)>,
    /// Every word of its build steps and what it provides, for [`Self::mentions`].
    pub words: HashSet<String>,
    /// Repository files its start command runs (an entrypoint script copied in), as
    /// candidate paths from the root.
    pub launch_scripts: Vec<String>,
    /// Repository scripts that a `RUN` of a stage the build runs executes
    /// (`RUN ./tools/fetch-ui.sh`), by path, with the command's location.
    pub build_scripts: Vec<(String, Location)>,
    /// The runtime stage's `STOPSIGNAL`, as written.
    pub stop_signal: Option<String>,
    /// The backing service whose image the runtime stage is built on (`FROM keycloak`).
    pub backing_service: Option<&'static str>,
}

/// A stage a build may target to run a container
/// ([`crate::parse::dockerfile::Dockerfile::run_targets`]).
#[derive(Debug, Clone)]
pub struct RunTarget {
    /// Its index in [`DockerFacts::stages`].
    pub stage: usize,
    /// What it provides, over it and the stages it is built `FROM`: installed package
    /// names, copied or downloaded binary names, `cargo install`ed crates and base image
    /// names.
    pub provides: BTreeSet<String>,
}

/// The features one cargo step of a Dockerfile builds with ([`DockerFacts::feature_builds`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeatureBuild {
    /// The packages and binaries it names (`-p`, `--bin`, `install --path`); empty for the
    /// package in the working directory.
    pub targets: Vec<String>,
    /// `--features`/`-F` values, one feature each.
    pub features: Vec<String>,
    pub no_default: bool,
    pub all: bool,
}

impl DockerFacts {
    /// The directory holding the Dockerfile (`""` at the root).
    pub fn dir(&self) -> &str {
        self.path.rsplit_once('/').map_or("", |(d, _)| d)
    }

    /// True when the image holds another app than Rust code: it runs no cargo, and its
    /// runtime is a backing service (`FROM postgres`) or a stage is built on another
    /// language's toolchain (`FROM golang`, `FROM node`).
    pub fn builds_another_app(&self) -> bool {
        self.cargo_commands().next().is_none()
            && (self.backing_service.is_some()
                || self
                    .stages
                    .iter()
                    .any(|s| ImageRef::parse(&s.image).is_other_toolchain()))
    }

    /// Its `cargo` commands: the subcommand and the words after it.
    fn cargo_commands(&self) -> impl Iterator<Item = (&str, Vec<&str>)> {
        self.stages
            .iter()
            .flat_map(|s| &s.steps)
            .flat_map(|step| step.split(['&', ';', '|', '\n']))
            .filter_map(|command| {
                let words: Vec<&str> = command.split_whitespace().collect();
                let at = words
                    .windows(2)
                    .position(|w| w[0].rsplit('/').next() == Some("cargo"))?;
                Some((words[at + 1], words[at + 2..].to_vec()))
            })
    }

    /// Whether every cargo step that builds the release (`cargo build`, `cargo install`)
    /// holds it to the lockfile with `--locked` or `--frozen`; `None` when no step builds
    /// with cargo. A `cargo chef cook` only warms the dependency cache: the build after
    /// it is what the lockfile holds to.
    pub fn builds_locked(&self) -> Option<bool> {
        let mut builds = self
            .cargo_commands()
            .filter(|(sub, _)| matches!(*sub, "build" | "install"))
            .map(|(_, args)| args.iter().any(|a| matches!(*a, "--locked" | "--frozen")))
            .peekable();
        builds.peek()?;
        Some(builds.all(|locked| locked))
    }

    /// The packages and binaries its cargo steps build: the values of
    /// `-p`/`--package`/`--bin` of `cargo build`, `install`, `bench`, `test`, `run` and
    /// `rustc`, and the last part of `cargo install --path`. A value that is a variable
    /// (`-p $APP`) names nothing.
    pub fn cargo_targets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (sub, args) in self.cargo_commands() {
            if !matches!(
                sub,
                "build" | "install" | "bench" | "test" | "run" | "rustc"
            ) {
                continue;
            }
            let paths = flag_values(&args, &["--path"])
                .map(|p| p.trim_end_matches('/'))
                .map(|p| p.rsplit('/').next().unwrap_or(p));
            out.extend(
                flag_values(&args, &["-p", "--package", "--bin"])
                    .chain(paths)
                    .filter(|n| !n.is_empty() && !n.contains(['$', '{']) && *n != ".")
                    .map(str::to_string),
            );
        }
        out
    }

    /// The features each of its cargo steps that compile a program of the repository
    /// (`cargo build`, `run`, `rustc`, `install --path`; not `cargo install` of a registry
    /// crate) builds with, with the targets it names; `None` for a step whose features or
    /// targets are variables (`--features $FEATURES`).
    pub fn feature_builds(&self) -> Vec<Option<FeatureBuild>> {
        self.cargo_commands()
            .filter(|(sub, args)| match *sub {
                "build" | "run" | "rustc" => true,
                "install" => flag_values(args, &["--path"]).next().is_some(),
                _ => false,
            })
            .map(|(_, args)| {
                let paths = flag_values(&args, &["--path"])
                    .map(|p| p.trim_end_matches('/'))
                    .map(|p| p.rsplit('/').next().unwrap_or(p));
                let targets: Vec<String> = flag_values(&args, &["-p", "--package", "--bin"])
                    .chain(paths)
                    .filter(|n| !n.is_empty() && *n != ".")
                    .map(str::to_string)
                    .collect();
                let features: Vec<String> = flag_values(&args, &["--features", "-F"])
                    .flat_map(|v| v.split([',', ' ']))
                    .filter(|f| !f.is_empty())
                    .map(str::to_string)
                    .collect();
                // Quoted lists (`--features "a b"`) are split by the shell reading above.
                let quoted = args.iter().any(|a| a.contains(['"', '\'']));
                let variable = |w: &String| w.contains(['$', '{']);
                (!quoted && !targets.iter().chain(&features).any(variable)).then(|| FeatureBuild {
                    targets,
                    features,
                    no_default: args.contains(&"--no-default-features"),
                    all: args.contains(&"--all-features"),
                })
            })
            .collect()
    }

    /// The names its `cargo init`/`cargo new` steps create empty stand-ins for (a
    /// dependency-caching layer stubs every workspace member): mentioning them builds
    /// nothing.
    pub fn stubbed_packages(&self) -> HashSet<String> {
        self.cargo_commands()
            .filter(|(sub, _)| matches!(*sub, "init" | "new"))
            .flat_map(|(_, args)| {
                let mut names = Vec::new();
                let mut it = args.iter();
                while let Some(a) = it.next() {
                    if *a == "--name" {
                        names.extend(it.next());
                    } else if !a.starts_with('-') {
                        names.push(a.trim_end_matches('/').rsplit('/').next().unwrap_or(a));
                    }
                }
                names.into_iter().map(str::to_string).collect::<Vec<_>>()
            })
            .collect()
    }

    /// What the final stage provides ([`RunTarget::provides`]).
    pub fn provides(&self) -> &BTreeSet<String> {
        static NOTHING: BTreeSet<String> = BTreeSet::new();
        self.targets.first().map_or(&NOTHING, |t| &t.provides)
    }

    /// Every stage a build may target: [`DockerFacts::targets`], then the
    /// [`DockerFacts::leaf_targets`].
    pub fn all_targets(&self) -> impl Iterator<Item = &RunTarget> {
        self.targets.iter().chain(&self.leaf_targets)
    }

    /// What any stage a build may target provides ([`RunTarget::provides`]): a
    /// multi-target Dockerfile copies each binary into its own stage.
    pub fn provided_by_any_target(&self) -> impl Iterator<Item = &String> {
        self.all_targets().flat_map(|t| &t.provides)
    }
}

/// `Command::new("tool")` in Rust code.
#[derive(Debug, Clone)]
pub struct CommandUse {
    pub tool: String,
    pub location: Location,
}

/// A place a Rust program listens (see [`crate::model::listen`]).
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

    /// True when the port is 0 by default: the OS picks a free port, which the program
    /// reads back (`local_addr()`); an in-process or test endpoint no client is told of,
    /// not the service's address.
    pub fn picks_free_port(&self) -> bool {
        self.port.default_value() == Some(0)
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
    /// Call-flow facts for whole-program questions ([`Project::code`], [`crate::model::program`]).
    Flow,
    /// Variables a build script sets for the compiler (`cargo:rustc-env=NAME=…`).
    BuildEnv,
}

/// Which Rust facts to extract.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Wanted {
    pub commands: bool,
    pub listens: bool,
    pub flow: bool,
    pub build_env: bool,
}

impl Wanted {
    /// Every fact.
    pub const ALL: Wanted = Wanted {
        commands: true,
        listens: true,
        flow: true,
        build_env: true,
    };

    /// The facts both `self` and `other` want.
    pub fn and(self, other: Wanted) -> Wanted {
        Wanted {
            commands: self.commands && other.commands,
            listens: self.listens && other.listens,
            flow: self.flow && other.flow,
            build_env: self.build_env && other.build_env,
        }
    }

    /// The facts `facts` name.
    pub fn of<'a>(facts: impl IntoIterator<Item = &'a RustFact>) -> Wanted {
        let mut w = Wanted::default();
        for f in facts {
            match f {
                RustFact::Commands => w.commands = true,
                RustFact::Listens => w.listens = true,
                RustFact::Flow => w.flow = true,
                RustFact::BuildEnv => w.build_env = true,
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
    /// What its functions do (see [`crate::model::flow`]), when anything.
    pub code: Option<CodeFile>,
    /// Variables it sets for the compiler as a build script: (its path, `NAME` of a
    /// `cargo:rustc-env=NAME=…` or `cargo::rustc-env=…` string literal).
    pub build_env: Vec<(String, String)>,
}

/// The run-time facts of one Rust file. Places are byte ranges of the file: a finding
/// turns the few it shows into locations ([`super::Project::locate`]).
#[derive(Debug, Clone)]
pub struct CodeFile {
    pub path: String,
    pub facts: CodeFacts<Range<usize>>,
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
    /// The Dockerfile a compose `build` reads, root-relative.
    pub dockerfile: Option<String>,
    /// The compose `build` context and Dockerfile as written, relative to the project
    /// directory ([`crate::model::project::Project::resolve_override_builds`]).
    pub build_as_written: Option<(String, String)>,
    /// The stage a compose `build.target` picks.
    pub build_target: Option<String>,
    /// Ports the container listens on: compose container-side ports and
    /// `expose`, Kubernetes `containerPort`s.
    pub ports: Vec<PortDecl>,
    /// Environment variables set for the container: (name, value).
    pub env: Vec<(String, String)>,
    /// The file names of the programs its start command runs (compose `entrypoint` and
    /// `command`, a Kubernetes `command` with its `args`; [`crate::parse::shell::programs`]);
    /// empty when it declares none and the image's own runs.
    pub programs: Vec<String>,
    pub location: Location,
    /// True for a Kubernetes container, false for a compose service.
    pub kubernetes: bool,
    /// The `image:` value's location.
    pub image_location: Option<Location>,
}

/// A config file deployed as written, and what deploys it
/// ([`crate::model::deployed_config`]).
#[derive(Debug, Clone)]
pub struct DeployedConfig {
    pub path: String,
    /// The `COPY`, the package asset or the chart's `Chart.yaml`.
    pub by: Location,
    /// How `by` deploys the file, for the related location's message.
    pub how: &'static str,
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
    Docker(Box<DockerFacts>),
    Rust(Box<RustFacts>),
    Yaml(YamlFacts),
    Env(EnvFacts),
    Fly(FlyApp),
}

/// What a YAML file contributes: the containers of its compose and Kubernetes documents,
/// the compose files it is made of, and the image names its skaffold or kustomize
/// documents replace at deploy time.
#[derive(Debug, Clone, Default)]
pub struct YamlFacts {
    pub containers: Vec<ContainerFacts>,
    pub replaced_images: Vec<String>,
    /// (this file, a compose file it includes or extends services of), root-relative.
    pub compose_parts: Vec<(String, String)>,
    /// This file, when it is a compose overlay ([`crate::parse::yaml::compose_needs_other_file`]).
    pub compose_overlay: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::cargo;

    fn krate(text: &str) -> CargoFacts {
        let table = toml::de::DeTable::parse(text).expect("parses");
        CargoFacts {
            path: "etl/Cargo.toml".to_string(),
            dir: "etl".to_string(),
            manifest: cargo::Manifest::from_table(table.get_ref()),
            has_bin: true,
            header: Location::file("etl/Cargo.toml"),
        }
    }

    #[test]
    fn features_a_build_turns_on() {
        let krate = krate(
            "[package]\nname = \"etl\"\n\n[features]\ndefault = [\"pg\"]\npg = [\"sqlx/postgres\", \"pool\"]\npool = []\nlite = [\"dep:rusqlite\"]\n",
        );
        let build = |features: &[&str], no_default: bool, all: bool| FeatureBuild {
            targets: Vec::new(),
            features: features.iter().map(|f| f.to_string()).collect(),
            no_default,
            all,
        };
        let on = |b: FeatureBuild| krate.features_turned_on(&b).into_iter().collect::<Vec<_>>();
        assert_eq!(on(build(&[], false, false)), ["default", "pg", "pool"]);
        assert_eq!(
            on(build(&["etl/lite"], true, false)),
            ["dep:rusqlite", "lite"]
        );
        assert_eq!(on(build(&["other/x"], true, false)), Vec::<String>::new());
        assert_eq!(
            on(build(&[], true, true)),
            ["default", "dep:rusqlite", "lite", "pg", "pool"]
        );
    }

    #[test]
    fn binary_names_from_their_main_files() {
        let krate = krate(
            "[package]\nname = \"etl\"\nversion = \"0.1.0\"\n\n[[bin]]\nname = \"create-job-worker\"\npath = \"src/workers/create.rs\"\n",
        );
        assert_eq!(
            krate.bin_name_of("etl/src/workers/create.rs").as_deref(),
            Some("create-job-worker")
        );
        assert_eq!(krate.bin_name_of("etl/src/main.rs").as_deref(), Some("etl"));
        assert_eq!(
            krate.bin_name_of("etl/src/bin/backfill.rs").as_deref(),
            Some("backfill")
        );
        assert_eq!(
            krate.bin_name_of("etl/src/bin/sync/main.rs").as_deref(),
            Some("sync")
        );
        assert_eq!(krate.bin_name_of("etl/src/lib.rs"), None);
        assert_eq!(krate.bin_name_of("other/src/main.rs"), None);
        assert!(krate.is_bin_code("etl/src/workers/create.rs"));
        assert!(krate.is_bin_code("etl/src/bin/sync/jobs.rs"));
        assert!(!krate.is_bin_code("etl/src/workers/update.rs"));
        assert!(!krate.is_bin_code("etl/src/lib.rs"));
        assert!(!krate.is_bin_code("other/src/bin/x.rs"));
    }
}
