//! Rules: metadata plus pure checks, one file per rule, one folder per factor.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::diagnostic::{
    Condition, Diagnostic, Edit, Fix, Location, MAX_FINDINGS_PER_FILE, MAX_RELATED, Omitted,
    Related, Severity,
};
use crate::model::program::Programs;
use crate::model::project::Project;
use crate::model::role::Role;
use crate::model::source::{FileKind, SourceFile};

/// Declare a rule: its type, its metadata (`Type::META`) and its `Rule` impl.
/// The doc page `rules/<code>.md` is embedded. `scope` (default `Production`), `security`,
/// `fix` (default `None`, see [`FixSafety`]), `options`, `tree` (default `NoTree`, see [`crate::model::prefilter`]) and `facts` (the
/// Rust run-time facts its project check reads, [`crate::model::project::RustFact`]) are optional.
/// New rules start as `stability: Preview`; see [`Stability`] for the bar to `Stable`.
macro_rules! declare_rule {
    (
        $(#[$attr:meta])*
        $ty:ident {
            code: $code:literal,
            name: $name:literal,
            factor: $factor:literal,
            severity: $sev:ident,
            stability: $stability:ident,
            since: $since:literal,
            kinds: [$($kind:ident),* $(,)?],
            summary: $summary:literal
            $(, scope: $scope:ident $(($($note:ident),* $(,)?))?)?
            $(, security: $security:literal)?
            $(, fix: $fix:ident)?
            $(, options: $options:expr)?
            $(, tree: $tree:expr)?
            $(, facts: [$($fact:ident),* $(,)?])?
            $(,)?
        }
    ) => {
        $(#[$attr])*
        pub struct $ty;

        impl $ty {
            /// This rule's metadata.
            pub const META: &'static $crate::rules::Meta = &$crate::rules::Meta {
                code: $code,
                name: $name,
                factor: $factor,
                severity: $crate::diagnostic::Severity::$sev,
                stability: $crate::rules::Stability::$stability,
                since: $since,
                kinds: &[$($crate::model::source::FileKind::$kind),*],
                summary: $summary,
                doc: include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", $code, ".md")),
                scope: declare_rule!(@or $({ $crate::rules::Scope::$scope $((&[$($crate::model::role::Role::$note),*]))? })? { $crate::rules::Scope::Production }),
                security: declare_rule!(@or $({ $security })? { false }),
                fix: declare_rule!(@or $({ $crate::rules::FixSafety::$fix })? { $crate::rules::FixSafety::None }),
                options: declare_rule!(@or $({ $options })? { &[] }),
                tree: declare_rule!(@or $({ $tree })? { $crate::model::prefilter::Prefilter::NoTree }),
                facts: &[$($($crate::model::project::RustFact::$fact),*)?],
            };
        }

        impl $crate::rules::Rule for $ty {
            fn meta(&self) -> &'static $crate::rules::Meta {
                Self::META
            }
        }
    };
    (@or $given:tt $default:tt) => { $given };
    (@or $default:tt) => { $default };
}

pub mod evidence;
pub mod f00_tool;
pub mod f01_codebase;
pub mod f02_dependencies;
pub mod f03_config;
pub mod f04_backing_services;
pub mod f05_build_release_run;
pub mod f06_processes;
pub mod f07_port_binding;
pub mod f08_concurrency;
pub mod f09_disposability;
pub mod f10_parity;
pub mod f11_logs;
pub mod f12_admin_processes;
pub mod prelude;

/// The twelve factors, by number (index 0 is the tool itself).
pub const FACTORS: [&str; 13] = [
    "Tool",
    "Codebase",
    "Dependencies",
    "Config",
    "Backing services",
    "Build, release, run",
    "Processes",
    "Port binding",
    "Concurrency",
    "Disposability",
    "Dev/prod parity",
    "Logs",
    "Admin processes",
];

/// A factor's label: `IX. Disposability`, or `— Tool` for the tool's own rules.
pub fn factor_label(factor: u8) -> String {
    const ROMAN: [&str; 13] = [
        "—", "I.", "II.", "III.", "IV.", "V.", "VI.", "VII.", "VIII.", "IX.", "X.", "XI.", "XII.",
    ];
    format!("{} {}", ROMAN[factor as usize], FACTORS[factor as usize])
}

/// A documented rule option.
#[derive(Debug)]
pub struct RuleOption {
    pub name: &'static str,
    /// What it does, one sentence.
    pub doc: &'static str,
}

/// Whether a default run enables a rule.
///
/// A rule becomes `Stable` only when the ecosystem ledger shows it is nearly always right
/// on real repositories (see `ecosystem/README.md` and [`crate::rules::evidence`]). `Preview` rules
/// run with `--preview`, `preview = true`, `TWELVE_LINT_PREVIEW`, or when selected by code or name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stability {
    Stable,
    Preview,
}

impl Stability {
    /// The lowercase name used in listings and docs.
    pub fn as_str(self) -> &'static str {
        match self {
            Stability::Stable => "stable",
            Stability::Preview => "preview",
        }
    }
}

/// Whether a rule's findings carry a mechanical fix, and how far it can be trusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FixSafety {
    /// No finding carries a fix.
    None,
    /// The fix keeps what the code or file means apart from the problem it removes; `--fix`
    /// applies it.
    Safe,
    /// The fix may break something that depends on what it changes; `--fix` applies it only
    /// with `--unsafe-fixes`.
    Unsafe,
}

impl FixSafety {
    /// The lowercase name used in listings, docs and SARIF (`none`, `safe`, `unsafe`).
    pub fn as_str(self) -> &'static str {
        match self {
            FixSafety::None => "none",
            FixSafety::Safe => "safe",
            FixSafety::Unsafe => "unsafe",
        }
    }
}

/// Which files a rule reports in, by their role in the deployment model
/// ([`crate::model::role`]): for each role, whether a finding is reported, reported as a
/// note, or dropped ([`Scope::action`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// Production files only: findings in test, dev, CI, docs, example, archived, vendored,
    /// generated, tooling and build-script files are dropped.
    Production,
    /// Production files, and as notes that name the role, files of these roles.
    ProductionAndNotes(&'static [Role]),
    /// Every file, whatever its role (suppression hygiene, comparisons across environments).
    AllFiles,
}

/// What a rule does with a finding in a file of some role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Report,
    /// Reported as a note (which fails no run) whose message names the file's role.
    Note,
    Silent,
}

impl Scope {
    /// What a rule of this scope does with a finding in a file of `role`.
    pub fn action(self, role: Role) -> Action {
        match self {
            Scope::AllFiles => Action::Report,
            _ if role == Role::Production => Action::Report,
            Scope::ProductionAndNotes(roles) if roles.contains(&role) => Action::Note,
            _ => Action::Silent,
        }
    }
}

/// What a rule is: code, name, factor, default severity, the files it reads, its doc.
#[derive(Debug)]
pub struct Meta {
    /// `TFffnn`.
    pub code: &'static str,
    /// kebab-case name.
    pub name: &'static str,
    /// Factor number 1..=12, 0 for the tool's own rules.
    pub factor: u8,
    pub severity: Severity,
    /// Whether a default run enables it.
    pub stability: Stability,
    /// The version that introduced it.
    pub since: &'static str,
    /// File kinds the rule needs parsed (per-file checks and project facts).
    pub kinds: &'static [FileKind],
    /// One-line summary.
    pub summary: &'static str,
    /// Which files it reports in.
    pub scope: Scope,
    /// The rule's Markdown page (`rules/<CODE>.md`).
    pub doc: &'static str,
    /// True for rules that find credentials (SARIF `security-severity`).
    pub security: bool,
    /// Whether some findings carry a mechanical fix, and whether `--fix` alone applies it.
    pub fix: FixSafety,
    pub options: &'static [RuleOption],
    /// When a Rust file is worth a syntax tree for this rule; `NoTree` for rules that read
    /// none ([`SourceFile::rust`] gives them nothing).
    pub tree: crate::model::prefilter::Prefilter,
    /// The Rust run-time facts its project check reads; Rust files yield only the facts some
    /// enabled rule reads.
    pub facts: &'static [crate::model::project::RustFact],
}

impl Meta {
    /// The factor's name, e.g. `Config`.
    pub fn factor_name(&self) -> &'static str {
        FACTORS[self.factor as usize]
    }

    /// The doc page's path in the repository.
    pub fn doc_path(&self) -> String {
        format!("rules/{}.md", self.code)
    }

    /// True when `selector` (a code, code prefix such as `TF03`, or rule name) names this rule.
    pub fn matches(&self, selector: &str) -> bool {
        let s = selector.trim();
        s.eq_ignore_ascii_case(self.name)
            || (s.len() >= 2 && self.code.starts_with(&s.to_ascii_uppercase()))
    }
}

/// A rule: metadata and checks. Checks only report; the engine does the rest.
pub trait Rule: Check {
    /// Metadata; implemented by [`declare_rule!`].
    fn meta(&self) -> &'static Meta;
}

/// A rule's checks. Both default to doing nothing.
pub trait Check: Sync {
    /// Per-file check, on the walker thread, for files of `meta().kinds`.
    fn check_file(&self, _file: &SourceFile<'_>, _cx: &mut Ctx<'_>) {}
    /// Project check, once after the walk.
    fn check_project(&self, _project: &Project, _cx: &mut Ctx<'_>) {}
}

/// Options given to one rule in the config (`[rules.TF0201]`).
pub type RuleOptions = BTreeMap<String, toml::Value>;

/// Where a rule reports.
pub struct Ctx<'a> {
    meta: &'static Meta,
    options: Option<&'a RuleOptions>,
    out: &'a mut Vec<Diagnostic>,
    /// Per path: findings reported so far, and the index in `out` of the last kept.
    per_file: HashMap<String, (usize, usize)>,
    /// Where findings past [`MAX_FINDINGS_PER_FILE`] are written and forgotten.
    overflow: Option<Diagnostic>,
    /// The whole-program answers of the run, for project checks.
    program: Option<&'a dyn Programs>,
}

impl<'a> Ctx<'a> {
    /// A context that collects `meta`'s findings into `out`.
    pub fn new(
        meta: &'static Meta,
        options: Option<&'a RuleOptions>,
        out: &'a mut Vec<Diagnostic>,
    ) -> Self {
        Ctx {
            meta,
            options,
            out,
            per_file: HashMap::new(),
            overflow: None,
            program: None,
        }
    }

    /// The same, for a project check that may ask `program` whole-program questions.
    pub fn with_program(mut self, program: &'a dyn Programs) -> Self {
        self.program = Some(program);
        self
    }

    /// The whole-program answers of the run, shared by every project check (`None` in a
    /// per-file check).
    pub fn program(&self) -> Option<&'a dyn Programs> {
        self.program
    }

    /// Report a finding; returns it so related locations can be added.
    pub fn report(
        &mut self,
        location: Location,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> &mut Diagnostic {
        let (count, last) = match self.per_file.get_mut(&location.path) {
            Some(entry) => entry,
            None => self
                .per_file
                .entry(location.path.clone())
                .or_insert((0, usize::MAX)),
        };
        *count += 1;
        let diagnostic = Diagnostic {
            location,
            code: self.meta.code,
            severity: self.meta.severity,
            message: message.into(),
            help: help.into(),
            related: Vec::new(),
            suppressed: None,
            fingerprint: String::new(),
            condition: None,
            fix: None,
            omitted: Omitted::default(),
            secrets: Vec::new(),
        };
        if *count > MAX_FINDINGS_PER_FILE {
            self.out[*last].omitted.findings += 1;
            return self.overflow.insert(diagnostic);
        }
        *last = self.out.len();
        self.out.push(diagnostic);
        self.out.last_mut().expect("just pushed")
    }

    /// A list-of-strings option (empty when not set).
    pub fn option_list(&self, name: &str) -> Vec<String> {
        self.options
            .and_then(|o| o.get(name))
            .and_then(|v| v.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Diagnostic {
    /// Keep this finding only if no build script of the file's package sets the
    /// compile-time variable `name` (builder style). Rules using it must read `Cargo`
    /// files and declare the `BuildEnv` fact.
    pub fn unless_set_by_build_script(&mut self, name: &str) -> &mut Self {
        self.keep_if(Condition::NotSetByBuildScript(name.to_string()))
    }

    /// Keep this finding only if a production deployment file (a compose service, a
    /// Kubernetes container, a Helm chart's templates, a runtime Dockerfile stage or an
    /// env file) sets the environment variable `name` at run time (builder style). Rules
    /// using it must read Dockerfiles, YAML and env files.
    pub fn when_set_at_run_time(&mut self, name: &str) -> &mut Self {
        self.keep_if(Condition::SetAtRunTime(name.to_string()))
    }

    /// Keep this finding only if a build asks for one of `features` of the workspace
    /// package `package` (builder style). Rules using it must read `Cargo` files and
    /// Dockerfiles.
    pub fn when_feature_requested(&mut self, package: &str, features: Vec<String>) -> &mut Self {
        self.keep_if(Condition::FeatureRequested {
            package: package.to_string(),
            features,
        })
    }

    /// Keep this finding, about a script, only if an app's image starts it or no image
    /// does: not when only images built on a backing service's image (`FROM keycloak`)
    /// start it (builder style).
    pub fn unless_only_backing_images_start_it(&mut self) -> &mut Self {
        self.keep_if(Condition::NotOnlyBackingImagesStart)
    }

    /// Keep this finding, about a Dockerfile stage, only if one of the repository paths
    /// it copies in (`sources`, from the root or the Dockerfile's directory) is or holds
    /// a package manifest (`Cargo.toml`, `package.json`, `go.mod`, …): the stage builds
    /// the project's own code (builder style). With no sources, the finding is dropped.
    pub fn when_it_copies_a_package(&mut self, sources: Vec<String>) -> &mut Self {
        self.keep_if(Condition::CopiesPackage(sources))
    }

    /// Keep this finding only if the file's code runs in a service: its crate is a
    /// service, or a workspace dependency of one with a binary (builder style). Rules
    /// using it must read `Cargo` files too.
    pub fn in_service(&mut self) -> &mut Self {
        self.keep_if(Condition::InService)
    }

    /// Keep this finding, about a path whose first segment is `krate`, only if the file's
    /// package depends on a crate of that name (`-` and `_` alike), so the path names
    /// that crate and not a module of the package (builder style). Rules using it must
    /// read `Cargo` files too.
    pub fn when_package_depends_on(&mut self, krate: &str) -> &mut Self {
        self.keep_if(Condition::DependsOn(krate.to_string()))
    }

    /// Keep this finding only if `condition` holds too, with any condition already set.
    pub(crate) fn keep_if(&mut self, condition: Condition) -> &mut Self {
        self.condition = Some(match self.condition.take() {
            None => condition,
            Some(Condition::All(mut all)) => {
                all.push(condition);
                Condition::All(all)
            }
            Some(earlier) => Condition::All(vec![earlier, condition]),
        });
        self
    }

    /// Keep this finding only if no pipeline rewrites the file's `image:` lines before
    /// using it (builder style).
    pub fn unless_images_rewritten(&mut self) -> &mut Self {
        self.keep_if(Condition::ImagesNotRewritten)
    }

    /// Keep this finding only if the release builds are not held to a committed
    /// `Cargo.lock` with `--locked` or `--frozen` (builder style).
    pub fn unless_release_locked(&mut self) -> &mut Self {
        self.keep_if(Condition::ReleaseNotLocked)
    }

    /// Keep this finding only if no `rust-toolchain.toml` (or `rust-toolchain`) in the
    /// Dockerfile's directory or above pins a Rust version, which rustup installs in
    /// place of the base image's Rust (builder style).
    pub fn unless_toolchain_pinned(&mut self) -> &mut Self {
        self.keep_if(Condition::RustToolchainFloats)
    }

    /// Keep this finding only if no deploy tool of the project (skaffold, Tilt, kustomize)
    /// replaces the image name of `image` at deploy time (builder style).
    pub fn unless_replaced_at_deploy(&mut self, image: &str) -> &mut Self {
        self.keep_if(Condition::ImageNotReplaced(
            crate::model::images::image_name(image),
        ))
    }

    /// Keep this finding only if no build pipeline of the repository provides an image
    /// named like `image` (its name without tag): one it tags, an image of this
    /// repository's own, or a named build context (builder style).
    pub fn unless_built_here(&mut self, image: &str) -> &mut Self {
        self.keep_if(Condition::ImageNotBuiltHere(
            crate::model::images::image_name(image),
        ))
    }

    /// Keep this finding only if the file sits beside a Helm chart's `Chart.yaml` and the
    /// chart's templates use the image at values `path` for more than init containers
    /// (builder style).
    pub fn in_helm_chart_app_image(&mut self, path: &str) -> &mut Self {
        self.keep_if(Condition::HelmAppImage(path.to_string()))
    }

    /// Attach a mechanical fix (builder style).
    pub fn with_fix(&mut self, description: impl Into<String>, edits: Vec<Edit>) -> &mut Self {
        self.fix = Some(Box::new(Fix {
            description: description.into(),
            edits,
        }));
        self
    }

    /// Record a credential value the finding shows, masked in every output unless
    /// `--show-secrets` (builder style).
    pub fn with_secret(&mut self, value: impl Into<String>) -> &mut Self {
        self.secrets.push(value.into());
        self
    }

    /// Add a related location (builder style); past [`MAX_RELATED`] it is only counted.
    pub fn with_related(&mut self, location: Location, message: impl Into<String>) -> &mut Self {
        if self.related.len() >= MAX_RELATED {
            self.omitted.related += 1;
            return self;
        }
        self.related.push(Related {
            location,
            message: message.into(),
        });
        self
    }
}

/// Every rule, sorted by code.
pub static RULES: &[&dyn Rule] = &[
    &f00_tool::ParseError,
    &f00_tool::UnusedSuppression,
    &f00_tool::SuppressionWithoutReason,
    &f00_tool::SkippedFile,
    &f00_tool::InternalError,
    &f01_codebase::not_version_controlled::NotVersionControlled,
    &f01_codebase::multiple_apps::MultipleApps,
    &f01_codebase::environment_forked_code::EnvironmentForkedCode,
    &f02_dependencies::unpinned_base_image::UnpinnedBaseImage,
    &f02_dependencies::wildcard_dependency::WildcardDependency,
    &f02_dependencies::unpinned_git_dependency::UnpinnedGitDependency,
    &f02_dependencies::missing_lockfile::MissingLockfile,
    &f02_dependencies::remote_script_pipe::RemoteScriptPipe,
    &f02_dependencies::unpinned_os_packages::UnpinnedOsPackages,
    &f02_dependencies::undeclared_system_tool::UndeclaredSystemTool,
    &f02_dependencies::path_dependency_outside_repo::PathDependencyOutsideRepo,
    &f03_config::hardcoded_secret::HardcodedSecret,
    &f03_config::environment_name_branching::EnvironmentNameBranching,
    &f03_config::compile_time_config::CompileTimeConfig,
    &f03_config::committed_env_file::CommittedEnvFile,
    &f03_config::hardcoded_deploy_value::HardcodedDeployValue,
    &f04_backing_services::hardcoded_backing_service::HardcodedBackingService,
    &f04_backing_services::backing_service_ip::BackingServiceIp,
    &f04_backing_services::datastore_in_app_pod::DatastoreInAppPod,
    &f05_build_release_run::build_at_runtime::BuildAtRuntime,
    &f05_build_release_run::mutable_image_reference::MutableImageReference,
    &f05_build_release_run::fetch_at_runtime::FetchAtRuntime,
    &f05_build_release_run::moving_build_input::MovingBuildInput,
    &f06_processes::sticky_sessions::StickySessions,
    &f06_processes::in_memory_session_store::InMemorySessionStore,
    &f06_processes::process_local_state::ProcessLocalState,
    &f06_processes::local_disk_persistence::LocalDiskPersistence,
    &f07_port_binding::hardcoded_listen_address::HardcodedListenAddress,
    &f07_port_binding::loopback_bind_in_container::LoopbackBindInContainer,
    &f07_port_binding::port_mismatch::PortMismatch,
    &f08_concurrency::self_daemonizing::SelfDaemonizing,
    &f08_concurrency::pid_file::PidFile,
    &f08_concurrency::multiple_processes::MultipleProcesses,
    &f08_concurrency::unscalable_service::UnscalableService,
    &f09_disposability::missing_sigterm_handling::MissingSigtermHandling,
    &f09_disposability::sigint_only_shutdown::SigintOnlyShutdown,
    &f09_disposability::shell_form_entrypoint::ShellFormEntrypoint,
    &f09_disposability::no_grace_period::NoGracePeriod,
    &f10_parity::build_profile_service_switch::BuildProfileServiceSwitch,
    &f10_parity::backing_service_drift::BackingServiceDrift,
    &f11_logs::file_logging::FileLogging,
    &f11_logs::in_app_log_routing::InAppLogRouting,
    &f12_admin_processes::migrations_in_server_startup::MigrationsInServerStartup,
    &f12_admin_processes::admin_http_endpoint::AdminHttpEndpoint,
    &f12_admin_processes::entrypoint_admin_task::EntrypointAdminTask,
];

/// Look a rule up by exact code or name.
pub fn by_code_or_name(key: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|r| {
        let m = r.meta();
        m.code.eq_ignore_ascii_case(key) || m.name.eq_ignore_ascii_case(key)
    })
}
