//! The pipeline: walk → classify → read + parse once → per-file rules (on the
//! walker threads) → project model → project rules → severity, overrides and
//! suppressions → sorted diagnostics.

use std::cell::Cell;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::io::Read;
use std::ops::Range;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once, mpsc};
use std::time::{Duration, Instant};

pub mod baseline;
pub mod config;
pub mod fingerprint;
pub mod suppress;

use crate::diagnostic::{Condition, Diagnostic, Location, Notice, Severity, SuppressionInfo};
use crate::engine::config::Settings;
use crate::model::flow::ExcludedModule;
use crate::model::listing::Listing;
use crate::model::prefilter::{Prefilter, Table};
use crate::model::program::{FlowFiles, Program};
use crate::model::project::{self, Fact, FileEntry, Project, Wanted, join_inside, join_path};
use crate::model::role::{self, Decision, Notices, Role};
use crate::model::source::{self, FileKind, ParseFailure, Parsed, SourceFile, launch};
use crate::model::{
    cross, deployed_config, dev_images, helm, images, process, test_stacks, threads,
};
use crate::parse::cargo::TargetKind;
use crate::parse::cfg::FeatureCfg;
use crate::parse::text::LineIndex;
use crate::parse::yaml;
use crate::rules::{self, Action, Ctx, Meta, Scope, f00_tool};
use suppress::Suppression;

/// What to lint.
#[derive(Debug, Clone)]
pub struct Request {
    /// Files and directories to lint (absolute).
    pub paths: Vec<PathBuf>,
    /// The project root paths are reported relative to.
    pub root: PathBuf,
    /// True when `root` is inside a git work tree.
    pub in_git: bool,
    /// Also lint files that `.gitignore` and friends exclude.
    pub no_ignore: bool,
    /// Worker threads; 0 = one per core.
    pub jobs: usize,
    /// Give every rule that reads syntax trees a tree for every Rust file, whatever its
    /// prefilter says (a check that prefilters never change the output).
    pub no_prefilters: bool,
    /// Counts files as they are linted, for a progress display.
    pub progress: Arc<AtomicUsize>,
}

impl Request {
    /// A request for `paths`, rooted at the enclosing git work tree if any,
    /// else at the first path (or its directory when it is a file).
    pub fn new(paths: &[PathBuf]) -> std::io::Result<Self> {
        let mut abs = Vec::new();
        for p in paths {
            abs.push(
                std::fs::canonicalize(p)
                    .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", p.display())))?,
            );
        }
        if abs.is_empty() {
            abs.push(std::fs::canonicalize(".")?);
        }
        let first = abs[0].clone();
        let dir = if first.is_dir() {
            first.clone()
        } else {
            first
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or(first.clone())
        };
        let git_root = git2::Repository::discover(&dir)
            .ok()
            .and_then(|r| r.workdir().map(Path::to_path_buf))
            .and_then(|w| std::fs::canonicalize(w).ok());
        Ok(Request {
            paths: abs,
            in_git: git_root.is_some(),
            root: git_root.unwrap_or(dir),
            no_ignore: false,
            no_prefilters: false,
            jobs: 0,
            progress: Arc::default(),
        })
    }
}

/// The outcome of a run.
#[derive(Debug)]
pub struct Report {
    /// Every finding, sorted; suppressed ones carry [`Diagnostic::suppressed`].
    pub diagnostics: Vec<Diagnostic>,
    /// Files read and linted.
    pub files_linted: usize,
    /// The linted files with their roles in the deployment model.
    pub files: Vec<FileEntry>,
    pub elapsed: Duration,
    /// What a `--baseline` hid, when one was given.
    pub baseline: Option<crate::engine::baseline::Applied>,
    /// The packages the deployment model takes as deployed, with the files that deploy them.
    pub deployed: Vec<DeployedPackage>,
    /// The production artifacts that deploy them, with the binaries each runs.
    pub artifacts: Vec<DeployedArtifact>,
    /// Stages of production Dockerfiles that only development builds: their findings are
    /// dropped like those of development files.
    pub development_stages: Vec<DevelopmentStage>,
    /// Config files deployed as written, with what deploys each.
    pub deployed_configs: Vec<project::DeployedConfig>,
    /// Active findings past [`MAX_REPORTED`], per severity (see [`Report::limit`]).
    pub not_shown: [usize; 3],
    /// What the run could not check (Helm charts whose templates are not rendered).
    pub notices: Vec<Notice>,
}

/// A stage of a production Dockerfile that only development builds.
#[derive(Debug, Clone)]
pub struct DevelopmentStage {
    /// The Dockerfile.
    pub path: String,
    /// The stage's name.
    pub name: String,
    /// Its bytes in the file.
    pub bytes: Range<usize>,
    /// Why it is a development stage.
    pub signal: String,
}

/// A package the deployment model takes as deployed ([`Project::deployed_roots`] and the
/// workspace packages they depend on).
#[derive(Debug, Clone)]
pub struct DeployedPackage {
    pub name: String,
    /// The production files that build or run it; empty for a workspace dependency of a
    /// deployed package, or when no deployment file builds any package.
    pub by: Vec<String>,
    /// Why it counts as deployed when no file of `by` says so: a deployed package it is a
    /// workspace dependency of, or that no production deployment file builds a package.
    pub reason: Option<String>,
}

/// A production artifact that deploys workspace packages: an image (a stage of a
/// Dockerfile that a production build runs), a compose service, a Kubernetes container,
/// a Procfile process or a systemd service.
#[derive(Debug, Clone)]
pub struct DeployedArtifact {
    /// `image`, `compose service`, `kubernetes container`, `process` or `systemd service`.
    pub kind: &'static str,
    /// The file that declares it.
    pub path: String,
    /// The image's stage (`final stage` when unnamed), the service, container or process
    /// type.
    pub name: String,
    /// The image a compose service or Kubernetes container runs, when it names one.
    pub image: Option<String>,
    /// The workspace binaries it runs, when it names them (a stage copies them in, a
    /// process's command runs them); empty when it runs its packages' binaries unnamed.
    pub runs: Vec<String>,
    /// The workspace packages it deploys.
    pub packages: Vec<String>,
}

/// The most findings a report shows; the rest are counted.
pub const MAX_REPORTED: usize = 10_000;

impl Report {
    /// Keep the first `max` findings, counting the active ones left out, so that no
    /// input can make the output unbounded. Counts and the exit code still see them.
    pub fn limit(&mut self, max: usize) {
        for d in self.diagnostics.drain(max.min(self.diagnostics.len())..) {
            if d.suppressed.is_none() {
                self.not_shown[d.severity as usize] += 1;
            }
        }
    }

    /// Active findings of severity `s`, shown or not.
    pub fn count(&self, s: Severity) -> usize {
        self.active().filter(|d| d.severity == s).count() + self.not_shown[s as usize]
    }

    /// True when an active finding, shown or not, is at least `severity`.
    pub fn fails(&self, severity: Severity) -> bool {
        [Severity::Note, Severity::Warning, Severity::Error]
            .into_iter()
            .any(|s| s >= severity && self.count(s) > 0)
    }

    /// Findings that are not suppressed.
    pub fn active(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.suppressed.is_none())
    }

    /// Every credential value the findings recorded, longest first (so a secret holding
    /// another is masked whole).
    pub fn secret_values(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .diagnostics
            .iter()
            .flat_map(|d| d.secrets.iter().cloned())
            .filter(|s| !s.is_empty())
            .collect();
        all.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        all.dedup();
        all
    }

    /// Mask every credential value a finding recorded in every finding of the same file
    /// (a secret can sit on a line another rule reports): messages, snippets and fixes.
    pub fn redact_secrets(&mut self) {
        let mut by_path: HashMap<String, Vec<String>> = HashMap::new();
        for d in self.diagnostics.iter().filter(|d| !d.secrets.is_empty()) {
            let paths = std::iter::once(&d.location)
                .chain(d.related.iter().map(|r| &r.location))
                .map(|l| l.path.clone());
            for path in paths {
                by_path
                    .entry(path)
                    .or_default()
                    .extend(d.secrets.iter().cloned());
            }
        }
        for d in &mut self.diagnostics {
            let mut secrets: Vec<String> = std::iter::once(&d.location)
                .chain(d.related.iter().map(|r| &r.location))
                .filter_map(|l| by_path.get(&l.path))
                .flatten()
                .cloned()
                .collect();
            if secrets.is_empty() {
                continue;
            }
            // Longest first, so a secret holding another is masked whole.
            secrets.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
            secrets.dedup();
            d.redact(&secrets);
        }
    }
}

/// What one file contributed.
#[derive(Default)]
struct FileResult {
    entry: Option<FileEntry>,
    diagnostics: Vec<Diagnostic>,
    suppressions: Vec<Suppression>,
    fact: Option<Fact>,
    /// Out-of-line modules a Rust file declares behind a cfg a production build excludes.
    excluded_modules: Vec<ExcludedModule>,
    /// A test script the walk passed over without linting (its path), which the deployment
    /// model still reads ([`crate::model::test_stacks`]).
    test_script: Option<String>,
}

/// How many walker threads can run at once: `wanted` (0: one per CPU, at most 12),
/// or fewer when the address-space limit (`ulimit -v`) cannot hold each thread's
/// stack. The threads are started and held together to find out, because the walker
/// waits forever for a worker that failed to start. An error when not even one starts.
pub fn usable_threads(wanted: usize) -> Result<usize, String> {
    let wanted = threads_for(wanted);
    let mut held = Vec::new();
    for _ in 0..wanted {
        let (release, wait) = mpsc::channel::<()>();
        match std::thread::Builder::new().spawn(move || {
            let _ = wait.recv();
        }) {
            Ok(handle) => held.push((release, handle)),
            Err(_) => break,
        }
    }
    let started = held.len();
    for (release, handle) in held {
        drop(release);
        let _ = handle.join();
    }
    if started == 0 {
        return Err(
            "cannot start a worker thread: the address-space limit (ulimit -v) is too low for its stack; raise the limit or set RUST_MIN_STACK lower".into(),
        );
    }
    Ok(started)
}

/// The worker threads a request for `jobs` gets: `jobs`, or for 0 one per CPU, at most 12.
fn threads_for(jobs: usize) -> usize {
    match jobs {
        0 => std::thread::available_parallelism().map_or(1, |n| n.get().min(12)),
        n => n,
    }
}

/// Lint `req` with `settings`.
pub fn run(req: &Request, settings: &Settings) -> Report {
    let started = Instant::now();
    install_panic_hook();
    let mut needed: HashSet<FileKind> = settings
        .rules
        .iter()
        .flat_map(|r| r.meta().kinds.iter().copied())
        .collect();
    // Which packages (their code and manifests) are deployed, and how they are stopped,
    // comes from the deployment files (Fly configs are TOML), and whether a Dockerfile is
    // the release from the packages it ships: the model reads them whichever rules are
    // selected, so `--select` never changes a finding.
    if needed.contains(&FileKind::Rust) || needed.contains(&FileKind::Cargo) {
        needed.extend([FileKind::Dockerfile, FileKind::Yaml, FileKind::Toml]);
    }
    // Which stages of a Dockerfile only development and test setups build comes from the
    // compose files that build them.
    if needed.contains(&FileKind::Dockerfile) {
        needed.extend([FileKind::Cargo, FileKind::Yaml]);
    }
    let tracked = if req.in_git {
        project::tracked_files(&req.root)
    } else {
        Default::default()
    };
    let root_ignore = oversized_ignore_file_above(req);
    let wanted = wanted_facts(settings);
    let mut walk = Walk {
        req,
        settings,
        needed,
        wanted,
        flow: None,
        undeployed: HashMap::new(),
        notices: Notices::new(req.root.clone(), Arc::default()),
        prefilters: prefilter_table(settings, req.no_prefilters),
        charts: helm::ChartValues::default(),
    };
    let (found, mut results, listing) = walk_tree(&walk, &tracked, root_ignore.as_deref());
    let listing = Arc::new(listing);
    walk.notices = Notices::new(req.root.clone(), Arc::clone(&listing));
    // Rust files are linted after the other files, once the manifests and deployment
    // files say which packages are deployed ([`undeployed_code`]) and whose flow facts
    // are read ([`FlowFiles`]).
    let (rust, other): (Vec<Found>, Vec<Found>) =
        found.into_iter().partition(|f| f.kind == FileKind::Rust);
    results.extend(lint_found(&walk, &other));
    let mut processes = None;
    let mut toolchains = None;
    if !rust.is_empty() {
        let mut early = project_of(&req.root, &results);
        early.files.extend(rust.iter().map(|f| FileEntry {
            path: f.rel.clone(),
            kind: FileKind::Rust,
            role: settings.role_of(&f.rel, None, Some(&walk.notices), None),
        }));
        early.files.sort();
        early.processes = production_processes(&early, settings, &listing);
        let cross = toolchain_dockerfiles(&early);
        walk.undeployed = undeployed_code(&mut early, &cross, settings);
        processes = Some(early.processes.clone());
        toolchains = Some(cross);
        if walk.wanted.flow {
            walk.flow = Some(FlowFiles::of(early));
        }
        results.extend(lint_found(&walk, &rust));
    }
    // The flow files' project (copies of the other files' facts) is not needed past here.
    drop(walk);
    results.sort_by(|a, b| a.entry.cmp(&b.entry));

    let mut diagnostics = Vec::new();
    let mut suppressions: BTreeMap<String, Vec<Suppression>> = BTreeMap::new();
    let mut project = Project {
        root: req.root.clone(),
        in_git: req.in_git,
        tracked,
        ..Project::default()
    };
    let mut excluded = Vec::new();
    for r in results {
        project.test_scripts.extend(r.test_script);
        diagnostics.extend(r.diagnostics);
        if let Some(entry) = &r.entry
            && !r.excluded_modules.is_empty()
        {
            excluded.push((entry.path.clone(), r.excluded_modules));
        }
        if let Some(entry) = r.entry {
            suppressions
                .entry(entry.path.clone())
                .or_default()
                .extend(r.suppressions);
            project.files.push(entry);
        }
        if let Some(fact) = r.fact {
            project.add(fact);
        }
    }
    project.resolve_override_builds();
    assign_excluded_module_roles(&mut project, &excluded, settings);
    let dirs = file_dirs(&project.files);
    let tilt_images = images::replaced_by_tiltfiles(&project.root, &listing, dirs.iter().copied());
    project.replaced_images.extend(tilt_images);
    // The processes the Rust files were linted by, when they were read before them.
    project.processes =
        processes.unwrap_or_else(|| production_processes(&project, settings, &listing));
    let toolchains = toolchains.unwrap_or_else(|| toolchain_dockerfiles(&project));
    let (deployed, artifacts) = assign_model_roles(&mut project, &toolchains, settings);
    run_project_rules(&project, settings, threads_for(req.jobs), &mut diagnostics);
    diagnostics.retain(|d| {
        d.condition
            .as_ref()
            .is_none_or(|c| project.holds(c, &d.location.path))
    });
    let development_stages = development_stages(&project);
    let deployed_configs = deployed_config::deployed_configs(&project).to_vec();
    apply_scopes(
        &mut diagnostics,
        &project.files,
        &development_stages,
        settings,
    );
    let files_linted = project.files.len();
    let diagnostics = finish(diagnostics, suppressions, settings);
    let files = std::mem::take(&mut project.files);
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let notices = helm::not_rendered(&paths);
    // Nothing needs the project past here, and freeing every file's facts takes one
    // thread tens of milliseconds on a large repository: another thread does it (this
    // one, when no thread can start).
    let _ = std::thread::Builder::new().spawn(move || drop(project));
    Report {
        diagnostics,
        files_linted,
        files,
        elapsed: started.elapsed(),
        baseline: None,
        deployed,
        artifacts,
        development_stages,
        deployed_configs,
        not_shown: [0; 3],
        notices,
    }
}

/// The stages of production Dockerfiles that only development builds
/// ([`Project::development_stages`]).
fn development_stages(project: &Project) -> Vec<DevelopmentStage> {
    project
        .production_dockerfiles()
        .flat_map(|d| {
            project
                .development_stages(d)
                .into_iter()
                .map(|(stage, signal)| DevelopmentStage {
                    path: d.path.clone(),
                    name: stage.alias.clone().unwrap_or_default(),
                    bytes: stage.bytes.clone(),
                    signal,
                })
        })
        .collect()
}

/// True for a file name the deployment model looks up in directories ([`Listing`]).
fn looked_up(name: &str) -> bool {
    name == process::PROCFILE
        || name.ends_with(process::UNIT_SUFFIX)
        || name == images::TILTFILE
        || role::README_NAMES.contains(&name)
        || role::TEMPLATE_MARKERS
            .iter()
            .any(|m| m.rsplit('/').next() == Some(name))
}

/// The walk of the request's paths: the files of the kinds `walk` needs, to be linted,
/// what is known without reading them (directories the walk could not enter and notes
/// on them, test scripts passed over), and what it saw of the files the model looks up
/// by name. Tracked files that ignore rules hide are among the files.
fn walk_tree(
    walk: &Walk<'_>,
    tracked: &HashSet<String>,
    root_ignore: Option<&str>,
) -> (Vec<Found>, Vec<FileResult>, Listing) {
    let cuts = Arc::new(Mutex::new(Vec::new()));
    let req = walk.req;
    let mut visits = walk_files(walk, walker(req, &req.paths, root_ignore.is_none(), &cuts));
    // Directories holding an oversized ignore file are walked again, without any.
    let again: Vec<PathBuf> = lock(&cuts)
        .iter()
        .filter(|c| matches!(c.reason, CutReason::IgnoreFile(_)))
        .map(|c| c.dir.clone())
        .collect();
    if !again.is_empty() {
        visits.extend(walk_files(walk, walker(req, &again, false, &cuts)));
    }
    let (mut found, mut results): (Vec<Found>, Vec<FileResult>) = (Vec::new(), Vec::new());
    let mut listing = Listing::recording(looked_up);
    for visit in visits {
        match visit {
            Visit::Lint(f) => {
                listing.saw(&f.rel);
                found.push(f);
            }
            Visit::Known(r) => results.push(*r),
            Visit::Dir(dir) => listing.listed(&dir),
            Visit::Seen(path) => listing.saw(&path),
        }
    }
    for path in tracked {
        listing.saw(path);
    }
    results.extend(root_ignore.iter().map(|rel| {
        skipped(
            rel,
            format!(
                "ignore file over {MAX_IGNORE_FILE_SIZE} bytes; no ignore file was applied in this run"
            ),
            None,
        )
    }));
    results.extend(lock(&cuts).iter().map(|c| c.note(&req.root)));
    if !req.no_ignore {
        let walked: HashSet<&str> = found.iter().map(|f| f.rel.as_str()).collect();
        let ignored: Vec<Found> = tracked
            .iter()
            .filter(|rel| !walked.contains(rel.as_str()))
            .filter_map(|rel| {
                let path = req.root.join(rel);
                let wanted = source::classify(&path).is_some_and(|k| walk.needed.contains(&k));
                if !wanted || !req.paths.iter().any(|p| path.starts_with(p)) {
                    return None;
                }
                let file_type = path.symlink_metadata().ok()?.file_type();
                match walk.admit(&path, file_type)? {
                    Visit::Lint(f) => Some(f),
                    Visit::Known(r) => {
                        results.push(*r);
                        None
                    }
                    // Only the walk lists directories and sees files it passes over.
                    Visit::Dir(_) | Visit::Seen(_) => None,
                }
            })
            .collect();
        found.extend(ignored);
    }
    // A file reached from two of the paths (`. src`) is linted once.
    found.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.dedup_by(|a, b| a.rel == b.rel);
    (found, results, listing)
}

/// A project of `results`' files and facts (clones), files sorted by path: enough to
/// ask which packages are deployed, not which files git tracks.
fn project_of(root: &Path, results: &[FileResult]) -> Project {
    let mut project = Project {
        root: root.to_path_buf(),
        ..Project::default()
    };
    for r in results {
        project.files.extend(r.entry.clone());
        if let Some(fact) = &r.fact {
            project.add(fact.clone());
        }
    }
    project.files.sort();
    project.files.dedup();
    project.resolve_override_builds();
    project
}

/// The processes of the production Procfiles in the root and the directories of
/// `project`'s files, and of the production systemd units, whose walk saw `listing`.
fn production_processes(
    project: &Project,
    settings: &Settings,
    listing: &Listing,
) -> Vec<process::Process> {
    process::read_procfiles(&project.root, listing, file_dirs(&project.files))
        .into_iter()
        .chain(process::read_units(&project.root, listing))
        .filter(|p| settings.role_of(&p.file, None, None, None).role == Role::Production)
        .collect()
}

/// The roles of the Rust files of `project` (their path roles; none read yet) that are
/// code no deployed binary builds: of packages that are only dev-dependencies, of
/// packages no production deployment file builds, and binaries of packages deployed
/// only as libraries. The same passes ([`assign_model_roles`]) decide their roles once
/// every file is read, so each is checked only by the rules that report or note
/// findings in its role ([`apply_scopes`]), and yields only their facts.
fn undeployed_code(
    project: &mut Project,
    toolchains: &BTreeMap<String, String>,
    settings: &Settings,
) -> HashMap<String, Role> {
    let read_as_production: HashSet<String> = project
        .files
        .iter()
        .filter(|f| f.kind == FileKind::Rust && f.role.role == Role::Production)
        .map(|f| f.path.clone())
        .collect();
    assign_model_roles(project, toolchains, settings);
    project
        .files
        .iter()
        .filter(|f| read_as_production.contains(&f.path) && f.role.role != Role::Production)
        .map(|f| (f.path.clone(), f.role.role))
        .collect()
}

/// The roles the deployment model decides from the files together, each pass after the
/// ones it reads: first the deployment files' roles (cross toolchains, published images,
/// test and backing stacks, compose parts, images only dev services build, the scripts
/// production images start), then the code's (test-support packages, then the packages
/// the production deployment files build). Returns the deployed packages. The project
/// rules run after it, so every rule sees the same roles.
fn assign_model_roles(
    project: &mut Project,
    toolchains: &BTreeMap<String, String>,
    settings: &Settings,
) -> (Vec<DeployedPackage>, Vec<DeployedArtifact>) {
    assign_toolchain_roles(project, toolchains, settings);
    assign_published_roles(project, settings);
    assign_test_stack_roles(project, settings);
    assign_backing_stack_roles(project, settings);
    assign_compose_part_roles(project, settings);
    assign_dev_image_roles(project, settings);
    assign_launch_script_roles(project, settings);
    assign_target_roles(project, settings);
    assign_test_support_roles(project, settings);
    assign_package_roles(project, settings)
}

/// The Rust files of targets a manifest declares outside the conventional directories
/// (`build = "build/main.rs"`, `[[test]] path = "api-test/api.rs"`) get the target's role:
/// the file, and when it is a `main.rs` or `mod.rs`, the directory its modules live in.
fn assign_target_roles(project: &mut Project, settings: &Settings) {
    // Target files, and the directories a `main.rs` or `mod.rs` target owns.
    let mut files: HashMap<String, Decision> = HashMap::new();
    let mut dirs: HashMap<String, Decision> = HashMap::new();
    for krate in &project.cargo {
        for (kind, path) in &krate.manifest.non_release_targets {
            let Some(file) = join_inside(&krate.dir, path) else {
                continue;
            };
            let role = match kind {
                TargetKind::BuildScript => Role::BuildScript,
                TargetKind::Test => Role::Test,
                TargetKind::Bench => Role::Bench,
                TargetKind::Example => Role::Example,
            };
            let signal = format!("{} of `{}`", kind.describe(), krate.path);
            let decision = Decision { role, signal };
            // `build/main.rs` owns `build/`; not the package's own directory or `src/`.
            let dir = file.rsplit_once('/').map_or("", |(d, _)| d);
            if (file.ends_with("/main.rs") || file.ends_with("/mod.rs"))
                && dir != krate.dir
                && dir != join_path(&krate.dir, "src")
            {
                dirs.insert(dir.to_string(), decision.clone());
            }
            files.insert(file, decision);
        }
    }
    if files.is_empty() {
        return;
    }
    reassign_roles(project, settings, |_, f| {
        if f.kind != FileKind::Rust || f.role.role != Role::Production {
            return None;
        }
        let mut owners = f.path.match_indices('/').map(|(i, _)| &f.path[..i]);
        files
            .get(&f.path)
            .or_else(|| owners.find_map(|dir| dirs.get(dir)))
            .cloned()
    });
}

/// The Dockerfiles of `project` that build a cross-compilation toolchain, with the
/// config that names each ([`cross::toolchain_dockerfiles`]).
fn toolchain_dockerfiles(project: &Project) -> BTreeMap<String, String> {
    cross::toolchain_dockerfiles(&project.root, project.dockerfile_dirs())
}

/// The root and every directory holding a linted file, each once.
fn file_dirs(files: &[FileEntry]) -> BTreeSet<&str> {
    let mut dirs: BTreeSet<&str> = files
        .iter()
        .map(|f| f.path.rsplit_once('/').map_or("", |(d, _)| d))
        .collect();
    dirs.insert("");
    dirs
}

/// The largest ignore file (`.gitignore`, `.ignore`) a walk applies.
pub const MAX_IGNORE_FILE_SIZE: u64 = 1024 * 1024;

/// The deepest directory a walk enters, counted from the root: every system call on a
/// path costs the kernel a step per level, so deeper trees would cost their depth squared.
pub const MAX_WALK_DEPTH: usize = 64;

/// The ignore files the walker reads in a directory.
const IGNORE_FILES: [&str; 2] = [".gitignore", ".ignore"];

/// Why a walk did not enter a directory.
#[derive(Debug)]
enum CutReason {
    /// Deeper than [`MAX_WALK_DEPTH`].
    TooDeep,
    /// It holds this ignore file, over [`MAX_IGNORE_FILE_SIZE`]: the directory is walked
    /// again without ignore files.
    IgnoreFile(PathBuf),
}

/// A directory a walk did not enter.
#[derive(Debug)]
struct Cut {
    dir: PathBuf,
    reason: CutReason,
}

impl Cut {
    /// The note that says so.
    fn note(&self, root: &Path) -> FileResult {
        match &self.reason {
            CutReason::TooDeep => skipped(
                &relative(root, &self.dir),
                format!(
                    "directory nested over {MAX_WALK_DEPTH} levels deep; nothing under it was walked (tracked files are still linted)"
                ),
                None,
            ),
            CutReason::IgnoreFile(file) => skipped(
                &relative(root, file),
                format!(
                    "ignore file over {MAX_IGNORE_FILE_SIZE} bytes; not applied: everything under its directory was linted as if no ignore file were there"
                ),
                None,
            ),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The first ignore file over [`MAX_IGNORE_FILE_SIZE`] in the root or a directory between
/// it and a linted path: the walker reads those before its filter sees any entry.
fn oversized_ignore_file_above(req: &Request) -> Option<String> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for path in &req.paths {
        let mut dir = if path.is_dir() {
            Some(path.as_path())
        } else {
            path.parent()
        };
        while let Some(d) = dir.filter(|d| d.starts_with(&req.root)) {
            dirs.insert(d.to_path_buf());
            dir = d.parent();
        }
    }
    dirs.iter()
        .find_map(|d| oversized_ignore_file(d))
        .map(|f| relative(&req.root, &f))
}

/// An ignore file of `dir` over [`MAX_IGNORE_FILE_SIZE`] (a regular file; a link is
/// not followed, by the walker either).
fn oversized_ignore_file(dir: &Path) -> Option<PathBuf> {
    IGNORE_FILES.iter().map(|n| dir.join(n)).find(|f| {
        f.symlink_metadata()
            .is_ok_and(|m| m.is_file() && m.len() > MAX_IGNORE_FILE_SIZE)
    })
}

/// Runs `builder`'s walk in parallel, visiting each entry (nothing is read yet).
fn walk_files(walk: &Walk<'_>, builder: ignore::WalkBuilder) -> Vec<Visit> {
    let (tx, rx) = mpsc::channel::<Visit>();
    builder.build_parallel().run(|| {
        let tx = tx.clone();
        Box::new(move |entry| {
            if let Some(visit) = walk.visit(entry) {
                let _ = tx.send(visit);
            }
            ignore::WalkState::Continue
        })
    });
    drop(tx);
    rx.into_iter().collect()
}

/// Lints `files` on the request's worker threads ([`threads::share_out`]): a directory
/// of large files is shared out file by file.
fn lint_found(walk: &Walk<'_>, files: &[Found]) -> Vec<FileResult> {
    threads::share_out(files, threads_for(walk.req.jobs), |f| {
        let result = walk.lint(f)?;
        walk.req.progress.fetch_add(1, Ordering::Relaxed);
        Some(result)
    })
}

/// The walk of `roots`: `.gitignore`-aware unless `no_ignore` or not `apply_ignore_files`,
/// hidden files included, symbolic links not followed, `.git/` skipped. Directories
/// deeper than [`MAX_WALK_DEPTH`], and, while ignore files apply, directories holding
/// an oversized one, are not entered but recorded in `cuts`.
fn walker(
    req: &Request,
    roots: &[PathBuf],
    apply_ignore_files: bool,
    cuts: &Arc<Mutex<Vec<Cut>>>,
) -> ignore::WalkBuilder {
    let mut walk = ignore::WalkBuilder::new(&roots[0]);
    for p in &roots[1..] {
        walk.add(p);
    }
    let apply = apply_ignore_files && !req.no_ignore;
    let root = req.root.clone();
    let cuts = Arc::clone(cuts);
    walk.hidden(false)
        .require_git(false)
        .follow_links(false)
        .threads(req.jobs)
        .filter_entry(move |e| {
            if e.file_name() == ".git" {
                return false;
            }
            if !e.file_type().is_some_and(|t| t.is_dir()) {
                return true;
            }
            let depth = e
                .path()
                .strip_prefix(&root)
                .map_or(e.depth(), |p| p.components().count());
            let reason = if depth > MAX_WALK_DEPTH {
                Some(CutReason::TooDeep)
            } else if apply {
                oversized_ignore_file(e.path()).map(CutReason::IgnoreFile)
            } else {
                None
            };
            let Some(reason) = reason else {
                return true;
            };
            lock(&cuts).push(Cut {
                dir: e.path().to_path_buf(),
                reason,
            });
            false
        });
    if !apply {
        walk.standard_filters(false).hidden(false);
    }
    walk
}

/// Files of modules declared behind a cfg a production build excludes
/// (`#[cfg(test)] mod helpers;` in `src/lib.rs`: `src/helpers.rs`, `src/helpers/…`) share
/// the exclusion: test code, or code not deployed (`#[cfg(windows)]`). A `[roles]` entry
/// in the config keeps its say.
fn assign_excluded_module_roles(
    project: &mut Project,
    excluded: &[(String, Vec<ExcludedModule>)],
    settings: &Settings,
) {
    let join = |a: &str, b: &str| {
        if a.is_empty() {
            b.to_string()
        } else {
            format!("{a}/{b}")
        }
    };
    // Module path without `.rs` → the decision for it and everything under it.
    let mut bases: HashMap<String, Decision> = HashMap::new();
    for (parent, modules) in excluded {
        let (dir, name) = parent.rsplit_once('/').unwrap_or(("", parent));
        let stem = name.strip_suffix(".rs").unwrap_or(name);
        // `mod.rs`, `lib.rs` and `main.rs` declare modules beside themselves, any other
        // file in a directory named after it; a binary in `bin/` may be either.
        let beside = matches!(stem, "mod" | "lib" | "main");
        let mut dirs = Vec::new();
        if beside || dir == "bin" || dir.ends_with("/bin") {
            dirs.push(dir.to_string());
        }
        if !beside {
            dirs.push(join(dir, stem));
        }
        for m in modules {
            let decision = Decision {
                role: if m.test {
                    Role::Test
                } else {
                    Role::NotDeployed
                },
                signal: format!(
                    "`mod {};` in {parent} is behind a cfg a production build excludes",
                    m.name
                ),
            };
            for d in &dirs {
                bases
                    .entry(join(d, &m.name))
                    .or_insert_with(|| decision.clone());
            }
        }
    }
    if bases.is_empty() {
        return;
    }
    for f in project.files.iter_mut().filter(|f| {
        f.kind == FileKind::Rust
            && f.role.role == Role::Production
            && settings.configured_role(&f.path).is_none()
    }) {
        let module = f.path.strip_suffix(".rs").unwrap_or(&f.path);
        let found = std::iter::once(module)
            .chain(module.match_indices('/').map(|(i, _)| &module[..i]))
            .find_map(|prefix| bases.get(prefix));
        if let Some(decision) = found {
            f.role = decision.clone();
        }
    }
}

/// Rust files of packages that no deployed binary builds are not production code
/// ([`Project::deployed_roots`] with [`Project::with_workspace_deps`]), nor is the
/// binaries' code of a package deployed only as another's library; a `[roles]` entry in
/// the config keeps its say.
/// Returns the deployed packages, roots first, with the files that deploy each root, and
/// the artifacts that deploy them.
fn assign_package_roles(
    project: &mut Project,
    settings: &Settings,
) -> (Vec<DeployedPackage>, Vec<DeployedArtifact>) {
    let production: HashSet<&str> = project
        .files
        .iter()
        .filter(|f| f.role.role == Role::Production)
        .map(|f| f.path.as_str())
        .collect();
    let is_production = |p: &str| production.contains(p);
    let Some((roots, basis)) = project.deployed_roots(is_production) else {
        return (Vec::new(), Vec::new());
    };
    let deployed = project.with_workspace_deps(roots.iter().copied());
    let listed = deployed_listing(project, &roots, &deployed, is_production, basis);
    let artifacts = deployed_artifacts(project, &roots, is_production);
    let deployed_workspaces: HashSet<String> = deployed
        .iter()
        .map(|&i| project.workspace_root(&project.cargo[i]).path.clone())
        .collect();
    reassign_roles(project, settings, |project, f| {
        if !matches!(f.kind, FileKind::Rust | FileKind::Cargo) || f.role.role != Role::Production {
            return None;
        }
        let krate = project.crate_of(&f.path)?;
        // Of manifests, the package's own, unless it declares a deployed member's workspace.
        if f.kind == FileKind::Cargo
            && (krate.path != f.path || deployed_workspaces.contains(&f.path))
        {
            return None;
        }
        let index = project.crate_index(krate)?;
        let (name, _) = krate.manifest.package.as_ref()?;
        if !deployed.contains(&index) {
            return Some(Decision {
                role: Role::NotDeployed,
                signal: format!("package `{name}` is not deployed: {basis}"),
            });
        }
        // A package deployed only as a dependency is linked as its library: building
        // the deployed package builds none of its binaries.
        (krate.is_bin_code(&f.path) && !roots.contains(&index)).then(|| Decision {
            role: Role::NotDeployed,
            signal: format!(
                "code of a binary of package `{name}`, which deployed packages only use as a library"
            ),
        })
    });
    (listed, artifacts)
}

/// The production artifacts that deploy the packages `roots`: the stages of their
/// production Dockerfiles that a build runs (those that copy in one of the package's
/// binaries, else the final stage), the compose services and Kubernetes containers that
/// build or run them, and the Procfile processes and systemd services that run them; each with the binaries
/// it names and the packages it deploys, in file order.
fn deployed_artifacts(
    project: &Project,
    roots: &[usize],
    production: impl Fn(&str) -> bool,
) -> Vec<DeployedArtifact> {
    let mut artifacts: BTreeMap<(String, &'static str, String), DeployedArtifact> = BTreeMap::new();
    for &i in roots {
        let krate = &project.cargo[i];
        let Some((package, _)) = &krate.manifest.package else {
            continue;
        };
        let names: HashSet<String> = krate.lowercase_names().collect();
        let mut add =
            |kind, path: &str, name: String, image: Option<&String>, runs: Vec<String>| {
                let artifact = artifacts
                    .entry((path.to_string(), kind, name.clone()))
                    .or_insert_with(|| DeployedArtifact {
                        kind,
                        path: path.to_string(),
                        name,
                        image: image.cloned(),
                        runs: Vec::new(),
                        packages: Vec::new(),
                    });
                artifact.runs.extend(runs);
                artifact.packages.push(package.clone());
            };
        for d in project.dockerfiles_for(krate) {
            if !production(&d.path) {
                continue;
            }
            for target in Project::targets_running(project.run_targets(d), &names) {
                let stage = d.stages.get(target.stage);
                let name = match stage.and_then(|s| s.alias.clone()) {
                    Some(alias) => format!("stage `{alias}`"),
                    None if target.stage + 1 == d.stages.len() => "final stage".to_string(),
                    None => format!("stage {}", target.stage + 1),
                };
                let runs = target
                    .provides
                    .iter()
                    .filter(|p| names.contains(*p))
                    .cloned()
                    .collect();
                add("image", &d.path, name, None, runs);
            }
        }
        for c in project.containers_for(krate) {
            if production(&c.path) {
                let kind = if c.kubernetes {
                    "kubernetes container"
                } else {
                    "compose service"
                };
                let runs = launch::programs_named(&c.programs, &krate.names())
                    .cloned()
                    .collect();
                add(kind, &c.path, c.name.clone(), c.image.as_ref(), runs);
            }
        }
        for p in project.processes_for(krate) {
            let runs = p.programs_named(&krate.names()).cloned().collect();
            add(p.manager.kind(), &p.file, p.name.clone(), None, runs);
        }
    }
    artifacts
        .into_values()
        .map(|mut a| {
            a.runs.sort();
            a.runs.dedup();
            a.packages.sort();
            a.packages.dedup();
            a
        })
        .collect()
}

/// The files of a test-support package ([`Project::test_support_packages`]) are test
/// material, wherever the package sits.
fn assign_test_support_roles(project: &mut Project, settings: &Settings) {
    let support = project.test_support_packages();
    if support.is_empty() {
        return;
    }
    let name = |i: usize| {
        project.cargo[i]
            .manifest
            .package
            .as_ref()
            .map_or_else(|| project.cargo[i].path.clone(), |(n, _)| n.clone())
    };
    let decisions: HashMap<usize, Decision> = support
        .iter()
        .map(|(&i, users)| {
            let users: Vec<String> = users.iter().map(|&u| format!("`{}`", name(u))).collect();
            let signal = format!(
                "package `{}` is only a dev-dependency (of {})",
                name(i),
                users.join(", ")
            );
            (
                i,
                Decision {
                    role: Role::Test,
                    signal,
                },
            )
        })
        .collect();
    reassign_roles(project, settings, |project, f| {
        if f.role.role != Role::Production || !matches!(f.kind, FileKind::Rust | FileKind::Cargo) {
            return None;
        }
        let index = project.crate_index(project.crate_of(&f.path)?)?;
        decisions.get(&index).cloned()
    });
}

/// `deployed` as a listing: each package's name and the production files that build or
/// run it, packages deployed in their own right first.
fn deployed_listing(
    project: &Project,
    roots: &[usize],
    deployed: &HashSet<usize>,
    production: impl Fn(&str) -> bool,
    basis: &str,
) -> Vec<DeployedPackage> {
    let package_name = |i: usize| {
        let krate = &project.cargo[i];
        krate.manifest.package.as_ref().map(|(n, _)| n.as_str())
    };
    // For each deployed package, the first root (in order) whose dependencies reach it:
    // one walk from every root at once, each package entered once.
    let mut reached_from: HashMap<usize, usize> = HashMap::new();
    let mut queue: VecDeque<(usize, usize)> = roots.iter().map(|&r| (r, r)).collect();
    while let Some((i, root)) = queue.pop_front() {
        if let Entry::Vacant(e) = reached_from.entry(i) {
            e.insert(root);
            let deps = project.workspace_dep_indexes(&project.cargo[i]);
            queue.extend(deps.into_iter().map(|d| (d, root)));
        }
    }
    let mut listed: Vec<DeployedPackage> = deployed
        .iter()
        .filter_map(|&i| {
            let krate = &project.cargo[i];
            let name = package_name(i)?.to_string();
            if !roots.contains(&i) {
                let user = reached_from.get(&i).and_then(|&r| package_name(r));
                return Some(DeployedPackage {
                    name,
                    by: Vec::new(),
                    reason: Some(user.map_or_else(
                        || "a workspace dependency of a deployed package".to_string(),
                        |u| format!("a workspace dependency of `{u}`"),
                    )),
                });
            }
            if !project.deployed_by_files(krate, &production) {
                return Some(DeployedPackage {
                    name,
                    by: Vec::new(),
                    reason: Some(basis.to_string()),
                });
            }
            let mut by: Vec<String> = project
                .dockerfiles_for(krate)
                .iter()
                .map(|d| d.path.clone())
                .chain(project.containers_for(krate).iter().map(|c| c.path.clone()))
                .filter(|p| production(p))
                .chain(project.processes_for(krate).iter().map(|p| p.file.clone()))
                .collect();
            by.sort();
            by.dedup();
            Some(DeployedPackage {
                name,
                by,
                reason: None,
            })
        })
        .collect();
    // The packages deployment files deploy, then the other roots, then their dependencies.
    let rank = |p: &DeployedPackage| (p.by.is_empty(), p.reason.as_deref() != Some(basis));
    listed.sort_by(|a, b| (rank(a), &a.name).cmp(&(rank(b), &b.name)));
    listed
}

/// Give each file `decide` has a new role for its decision; a `[roles]` entry in the
/// config keeps its say.
fn reassign_roles(
    project: &mut Project,
    settings: &Settings,
    decide: impl Fn(&Project, &FileEntry) -> Option<Decision>,
) {
    let changes: Vec<(usize, Decision)> = project
        .files
        .iter()
        .enumerate()
        .filter(|(_, f)| settings.configured_role(&f.path).is_none())
        .filter_map(|(i, f)| Some((i, decide(project, f)?)))
        .collect();
    for (i, decision) in changes {
        project.files[i].role = decision;
    }
}

/// Dockerfiles that `cross` builds compilation toolchains from (`Cross.toml`) are developer
/// tooling, not deployed images.
fn assign_toolchain_roles(
    project: &mut Project,
    toolchains: &BTreeMap<String, String>,
    settings: &Settings,
) {
    reassign_roles(project, settings, |_, f| {
        let config = toolchains.get(&f.path)?;
        (f.kind == FileKind::Dockerfile && f.role.role == Role::Production).then(|| Decision {
            role: Role::Tooling,
            signal: format!("`{config}` builds a cross-compilation toolchain from it"),
        })
    });
}

/// A Dockerfile under a generic development or CI directory (`dev/docker/`, `ci/`) that
/// a pipeline names and pushes is a published image: production. A specific signal
/// (`.devcontainer/`, `Dockerfile.ci`) keeps its say.
fn assign_published_roles(project: &mut Project, settings: &Settings) {
    reassign_roles(project, settings, |project, f| {
        let eligible =
            f.kind == FileKind::Dockerfile && matches!(f.role.role, Role::Development | Role::Ci);
        let pipeline = eligible.then(|| project.pipelines().publishing(&f.path))??;
        if role::only_in_generic_directory(&f.path) {
            return Some(Decision {
                role: Role::Production,
                signal: format!("`{pipeline}` builds and pushes it"),
            });
        }
        // Named as a CI or development image, it is the release when the pipeline that
        // pushes it names its images after a package of the workspace with a binary.
        let app = project
            .pipelines()
            .tagged_repositories(pipeline)
            .into_iter()
            .find(|name| {
                project
                    .cargo
                    .iter()
                    .any(|c| c.has_bin && !c.is_tooling() && c.names().contains(name))
            })?;
        Some(Decision {
            role: Role::Production,
            signal: format!(
                "`{pipeline}` pushes it as the image `{app}`, named after a package of the workspace"
            ),
        })
    });
}

/// The scripts a production image starts (`ENTRYPOINT ["/root/entrypoint.sh"]`, copied in
/// from `dev/docker/entrypoint.sh`) or runs in its build (`RUN ./tools/fetch-ui.sh`) are
/// production code wherever they sit (a development, CI or tooling directory).
fn assign_launch_script_roles(project: &mut Project, settings: &Settings) {
    let mut used: HashMap<String, String> = HashMap::new();
    for d in project.production_dockerfiles() {
        for (script, _) in &d.build_scripts {
            used.entry(script.clone())
                .or_insert_with(|| format!("the image `{}` runs it in its build", d.path));
        }
        for script in &d.launch_scripts {
            used.insert(
                script.clone(),
                format!("the image `{}` builds starts it", d.path),
            );
        }
    }
    reassign_roles(project, settings, |_, f| {
        let signal = used.get(&f.path)?;
        matches!(f.role.role, Role::Development | Role::Ci | Role::Tooling).then(|| Decision {
            role: Role::Production,
            signal: signal.clone(),
        })
    });
}

/// Dockerfiles that only development compose setups build take the role of those setups
/// ([`dev_images`]).
fn assign_dev_image_roles(project: &mut Project, settings: &Settings) {
    let changes: HashMap<String, Decision> = dev_images::dev_built_dockerfiles(project)
        .into_iter()
        .collect();
    reassign_roles(project, settings, |_, f| changes.get(&f.path).cloned());
}

/// Compose files that test scripts run are test environments
/// ([`test_stacks::test_run_compose_files`]).
fn assign_test_stack_roles(project: &mut Project, settings: &Settings) {
    let changes: HashMap<String, Decision> = test_stacks::test_run_compose_files(project)
        .into_iter()
        .collect();
    reassign_roles(project, settings, |_, f| changes.get(&f.path).cloned());
}

/// Compose files that run only backing services, some built from a Dockerfile on a
/// backing-service image ([`Project::backing_only_composes`]), are the developer's local
/// dependencies. (Those with images only are decided per file, [`role::of_compose`].)
fn assign_backing_stack_roles(project: &mut Project, settings: &Settings) {
    let mut changes: HashMap<String, Decision> = project
        .third_party_composes()
        .into_iter()
        .map(|(path, images)| (path.to_string(), role::third_party_only(&images)))
        .collect();
    // A stack of backing services only is said so, more precisely.
    changes.extend(
        project
            .backing_only_composes()
            .into_iter()
            .map(|(path, backing)| {
                let backing: Vec<&str> = backing.into_iter().collect();
                (path.to_string(), role::backing_only(&backing))
            }),
    );
    reassign_roles(project, settings, |_, f| {
        (f.role.role == Role::Production)
            .then(|| changes.get(&f.path).cloned())
            .flatten()
    });
}

/// A compose file that only non-production compose files include or extend services of
/// is part of their setup and takes the role of the first (a development stack's
/// `include: [scripts/compose/portal.yml]`). Parts of parts follow.
fn assign_compose_part_roles(project: &mut Project, settings: &Settings) {
    if project.compose_parts.is_empty() {
        return;
    }
    let mut wholes_of: HashMap<&str, Vec<&str>> = HashMap::new();
    let mut parts_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (whole, part) in &project.compose_parts {
        wholes_of.entry(part).or_default().push(whole);
        parts_of.entry(whole).or_default().push(part);
    }
    let mut role: HashMap<&str, Role> = project
        .files
        .iter()
        .map(|f| (f.path.as_str(), f.role.role))
        .collect();
    let mut queue: Vec<&str> = wholes_of.keys().copied().collect();
    let mut changes: HashMap<String, Decision> = HashMap::new();
    while let Some(part) = queue.pop() {
        if role.get(part) != Some(&Role::Production) || settings.configured_role(part).is_some() {
            continue;
        }
        let wholes: Vec<(&str, Role)> = wholes_of[part]
            .iter()
            .filter_map(|w| Some((*w, *role.get(w)?)))
            .collect();
        let Some(&(whole, setup)) = wholes.first() else {
            continue;
        };
        if wholes.iter().any(|(_, r)| *r == Role::Production) {
            continue;
        }
        role.insert(part, setup);
        let signal = format!("a part of `{whole}`, a {} setup", setup.name());
        changes.insert(
            part.to_string(),
            Decision {
                role: setup,
                signal,
            },
        );
        queue.extend(parts_of.get(part).into_iter().flatten().copied());
    }
    reassign_roles(project, settings, |_, f| changes.get(&f.path).cloned());
}

/// Apply each rule's [`Scope`] to its findings by the role of the file they are in (a
/// Dockerfile stage only development builds counts as development): findings in
/// files the rule is silent in are dropped (tests, dev and CI setups, docs, archived,
/// vendored, generated, tooling for production-scoped rules), and those it notes become
/// notes whose message names the role and the signal that decided it.
fn apply_scopes(
    diagnostics: &mut Vec<Diagnostic>,
    files: &[FileEntry],
    development_stages: &[DevelopmentStage],
    settings: &Settings,
) {
    let roles: HashMap<&str, &Decision> = files
        .iter()
        .filter(|f| f.role.role != Role::Production)
        .map(|f| (f.path.as_str(), &f.role))
        .collect();
    // Each Dockerfile's development stages, in file order (stages do not overlap).
    let mut stages: HashMap<&str, Vec<&Range<usize>>> = HashMap::new();
    for s in development_stages {
        stages.entry(s.path.as_str()).or_default().push(&s.bytes);
    }
    for ranges in stages.values_mut() {
        ranges.sort_by_key(|r| r.start);
    }
    if roles.is_empty() && stages.is_empty() {
        return;
    }
    let development_stage = Decision {
        role: Role::Development,
        signal: "a Dockerfile stage only development builds target".into(),
    };
    let role_of = |d: &Diagnostic| {
        let path = d.location.path.as_str();
        if let Some(ranges) = stages.get(path) {
            let at = d.location.bytes.start;
            let after = ranges.partition_point(|r| r.start <= at);
            if after > 0 && ranges[after - 1].contains(&at) {
                return Some(&development_stage);
            }
        }
        roles.get(path).copied()
    };
    let scopes: HashMap<&str, Scope> = rules::RULES
        .iter()
        .map(|r| (r.meta().code, r.meta().scope))
        .collect();
    diagnostics.retain_mut(|d| {
        let (Some(role), Some(&scope)) = (role_of(d), scopes.get(d.code)) else {
            return true;
        };
        match settings.action(scope, role.role) {
            Action::Report => true,
            Action::Silent => false,
            Action::Note => {
                d.severity = Severity::Note;
                d.message = format!(
                    "{} (a note, in {} code: {})",
                    d.message,
                    role.role.name(),
                    role.signal
                );
                true
            }
        }
    });
}

/// Run every enabled rule's project check, sharing one [`Program`] between them.
fn run_project_rules(
    project: &Project,
    settings: &Settings,
    threads: usize,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let program = Program::new(project, threads);
    for rule in &settings.rules {
        let meta = rule.meta();
        let options = settings.options.get(meta.code);
        guarded(meta, diagnostics, None, |out| {
            rule.check_project(
                project,
                &mut Ctx::new(meta, options, out).with_program(&program),
            )
        });
    }
}

/// The prefilters of the enabled rules, in `settings.rules` order, then the listen-site
/// fact extractor's; with `admit_all`, each admits every file (see [`Table::admitting_all`]).
fn prefilter_table(settings: &Settings, admit_all: bool) -> Table {
    let mut list: Vec<Prefilter> = settings.rules.iter().map(|r| r.meta().tree).collect();
    list.push(if wanted_facts(settings).listens {
        crate::model::listen::PREFILTER
    } else {
        Prefilter::NoTree
    });
    if admit_all {
        Table::admitting_all(&list)
    } else {
        Table::new(&list)
    }
}

/// The Rust facts the enabled rules read.
fn wanted_facts(settings: &Settings) -> Wanted {
    Wanted::of(settings.rules.iter().flat_map(|r| r.meta().facts))
}

/// What every file of a walk is linted with.
struct Walk<'a> {
    req: &'a Request,
    settings: &'a Settings,
    /// The kinds the enabled rules read.
    needed: HashSet<FileKind>,
    /// The Rust facts the enabled rules read.
    wanted: Wanted,
    /// Which Rust files get flow facts; `None`: every one, when a rule reads them.
    flow: Option<FlowFiles>,
    /// The roles of the Rust files of code no deployed binary builds ([`undeployed_code`]).
    undeployed: HashMap<String, Role>,
    notices: Notices,
    prefilters: Table,
    /// The default values of the charts whose templates are read.
    charts: helm::ChartValues,
}

/// A file the walk found, of a kind a rule or the deployment model reads.
struct Found {
    path: PathBuf,
    /// Relative to the root.
    rel: String,
    kind: FileKind,
    file_type: std::fs::FileType,
}

/// What the walk makes of one entry.
enum Visit {
    /// A file to lint.
    Lint(Found),
    /// What is known without reading it: an entry the walk could not read, a test script.
    Known(Box<FileResult>),
    /// A directory the walk lists.
    Dir(String),
    /// A file not linted whose name the deployment model looks up ([`Listing`]).
    Seen(String),
}

impl Walk<'_> {
    /// Handle one walk entry on a walker thread.
    fn visit(&self, entry: Result<ignore::DirEntry, ignore::Error>) -> Option<Visit> {
        let entry = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = error_path(&err)
                    .map_or_else(|| ".".to_string(), |p| relative(&self.req.root, &p));
                return Some(Visit::Known(Box::new(skipped(
                    &path,
                    format!("cannot walk this path: {err}"),
                    None,
                ))));
            }
        };
        let file_type = entry.file_type()?;
        if file_type.is_dir() {
            return Some(Visit::Dir(relative(&self.req.root, entry.path())));
        }
        let admitted = self.admit(entry.path(), file_type);
        if admitted.is_none() && entry.file_name().to_str().is_some_and(looked_up) {
            return Some(Visit::Seen(relative(&self.req.root, entry.path())));
        }
        admitted
    }

    /// Whether the file at `path` (absolute, of type `file_type`) is linted: when a rule
    /// needs its kind.
    fn admit(&self, path: &Path, file_type: std::fs::FileType) -> Option<Visit> {
        let settings = self.settings;
        let rel = relative(&self.req.root, path);
        if settings.exclude.is_match(&rel) {
            return None;
        }
        // A test setup's compose file is read, though no rule checks it: the Dockerfile
        // stages its services build are test stages ([`Project::development_stages`]).
        let test_compose = || {
            path.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(yaml::is_compose_name)
        };
        if !settings.include_tests
            && settings
                .role_of(&rel, None, None, None)
                .role
                .is_test_material()
            && !(self.needed.contains(&FileKind::Yaml) && test_compose())
        {
            let script = file_type.is_file() && source::classify(path) == Some(FileKind::Shell);
            return script.then(|| {
                Visit::Known(Box::new(FileResult {
                    test_script: Some(rel),
                    ..FileResult::default()
                }))
            });
        }
        let kind = source::classify(path)?;
        if !self.needed.contains(&kind) || file_type.is_dir() {
            return None;
        }
        Some(Visit::Lint(Found {
            path: path.to_path_buf(),
            rel,
            kind,
            file_type,
        }))
    }

    /// Read and lint a file the walk admitted; nothing for a link to a file of the repository.
    fn lint(&self, found: &Found) -> Option<FileResult> {
        let (req, settings) = (self.req, self.settings);
        let Found {
            path,
            rel,
            kind,
            file_type,
        } = found;
        let kind = *kind;
        // A JSON file is linted only as a Kubernetes manifest, which is known once it is
        // read: other JSON (package manifests, lockfiles, test data) is no file of the
        // repository's for twelve-lint, even when it cannot be read.
        let json = yaml::is_json_name(rel);
        let entry_of = || {
            Some(FileEntry {
                path: rel.clone(),
                kind,
                role: settings.role_of(rel, None, Some(&self.notices), None),
            })
        };
        if json && !file_type.is_file() {
            return None;
        }
        if file_type.is_symlink() {
            // The file a link points at inside the repository is linted where it is.
            if links_to_a_file_in(&req.root, path) {
                return None;
            }
            return Some(skipped(
                rel,
                "symbolic link not followed; lint its target instead".into(),
                entry_of(),
            ));
        }
        if !file_type.is_file() {
            return Some(skipped(
                rel,
                "not a regular file (FIFO, socket or device); not read".into(),
                entry_of(),
            ));
        }
        let text = match read_text(path, settings.max_file_size) {
            Ok(text) if json && !yaml::is_json_manifest_candidate(&text) => return None,
            Ok(text) => text,
            Err(_) if json => return None,
            Err(reason) => return Some(skipped(rel, reason, entry_of())),
        };
        let role = self
            .undeployed
            .get(rel.as_str())
            .copied()
            .unwrap_or(Role::Production);
        let mut wanted = self.wanted;
        if let Some(flow) = &self.flow {
            wanted.flow &= flow.wants(rel, role);
        }
        Some(lint_text(
            rel,
            kind,
            &text,
            &FileLint {
                settings,
                root: &req.root,
                notices: Some(&self.notices),
                prefilters: &self.prefilters,
                charts: &self.charts,
                wanted,
                role,
            },
        ))
    }
}

/// Lint the text of one file named `rel` (classified by name) with the per-file
/// rules, fact extraction and suppression scanning, and return its findings.
/// Files of no linted kind give nothing. For fuzzing and embedding.
pub fn lint_one(rel: &str, text: &str, settings: &Settings) -> Vec<Diagnostic> {
    let Some(kind) = source::classify(Path::new(rel)) else {
        return Vec::new();
    };
    let prefilters = prefilter_table(settings, false);
    let charts = helm::ChartValues::default();
    let with = FileLint {
        settings,
        root: Path::new("."),
        notices: None,
        prefilters: &prefilters,
        charts: &charts,
        wanted: wanted_facts(settings),
        role: Role::Production,
    };
    lint_text(rel, kind, text, &with).diagnostics
}

/// What one file is linted with, besides its text.
struct FileLint<'a> {
    settings: &'a Settings,
    root: &'a Path,
    notices: Option<&'a Notices>,
    prefilters: &'a Table,
    charts: &'a helm::ChartValues,
    /// The Rust facts to extract from it.
    wanted: Wanted,
    /// Its role as far as it is known before it is read: production, or the role of code
    /// no deployed binary builds. Only the rules that report or note findings in that
    /// role run on it, and it gives only their facts; with none, it is parsed for its
    /// role and suppressions only.
    role: Role,
}

/// Lint one file's text: parse once, run the per-file rules, collect suppressions.
fn lint_text(rel: &str, kind: FileKind, text: &str, with: &FileLint<'_>) -> FileResult {
    let FileLint {
        settings,
        root,
        notices,
        prefilters,
        charts,
        wanted,
        role,
    } = *with;
    // Every enabled rule runs on production files; other code gets only the rules, and
    // the facts, of those that report or note findings in its role.
    let (checked, wanted) = if role == Role::Production {
        (true, wanted)
    } else {
        let facts = Wanted::of(settings.rules_in(role).flat_map(|m| m.facts));
        (settings.checks(kind, role), wanted.and(facts))
    };
    let lines = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    let parsed = guarded(
        f00_tool::InternalError::META,
        &mut diagnostics,
        Some((rel, "parser")),
        // A Helm template is read as its chart's default values render it, lines and
        // columns kept, so what is found points into the template.
        |_| match (kind == FileKind::Yaml)
            .then(|| charts.rendered_template(root, rel, text))
            .flatten()
        {
            Some(rendered) => source::parse_rendered_template(rel, &rendered),
            None => source::parse(kind, rel, text, &lines),
        },
    );
    let mut suppressions = Vec::new();
    let mut fact = None;
    let mut content_role = None;
    let mut excluded_modules = Vec::new();
    match parsed {
        Some(Ok(parsed)) => {
            if let Parsed::Yaml(docs, Some(repeated)) = &parsed
                && (is_manifest(rel, text) || docs.iter().any(|d| d.kind != yaml::DocKind::Other))
            {
                duplicate_key(&mut diagnostics, rel, text, &lines, repeated);
            }
            let file = SourceFile::new(rel, kind, text, &lines, &parsed);
            if let Some(tokens) = file.tokens() {
                excluded_modules = crate::model::flow::excluded_modules(tokens);
            }
            content_role = file
                .yaml()
                .iter()
                .filter(|d| d.kind == yaml::DocKind::Compose)
                .find_map(|d| role::of_compose(&d.node, rel))
                .or_else(|| {
                    file.yaml()
                        .iter()
                        .find_map(|d| role::of_api_description(&d.node))
                })
                .or_else(|| file.tokens().and_then(role::of_inner_attributes));
            // One pass over the items decides which rules read the syntax tree, and which
            // items it is built from.
            let mut selection = file
                .tokens()
                .filter(|_| checked)
                .map(|t| prefilters.select(&prefilters.items(t), t, || file.string_literals()));
            if let Some(selection) = &mut selection {
                file.keep_for_tree(selection.kept.take());
            }
            let admits = |index: usize| selection.as_ref().is_some_and(|s| s.admits(index));
            for (index, rule) in settings.rules.iter().enumerate().filter(|(_, r)| {
                r.meta().kinds.contains(&kind) && settings.reports_in(r.meta(), role)
            }) {
                let meta = rule.meta();
                if kind == FileKind::Rust {
                    file.gate_tree(admits(index));
                }
                let options = settings.options.get(meta.code);
                let first = diagnostics.len();
                guarded(meta, &mut diagnostics, Some((rel, meta.code)), |out| {
                    rule.check_file(&file, &mut Ctx::new(meta, options, out))
                });
                if kind == FileKind::Shell && !launch::starts_by_name(rel) {
                    // A script's findings hold only when a container starts it.
                    for d in diagnostics[first..]
                        .iter_mut()
                        .filter(|d| d.code == meta.code)
                    {
                        d.keep_if(Condition::StartedByContainer);
                    }
                }
            }
            // Code behind `#[cfg(feature = "…")]` counts only when a production build
            // turns the feature on.
            if let Some(tokens) = file.tokens() {
                let here: Vec<&mut Diagnostic> = diagnostics
                    .iter_mut()
                    .filter(|d| d.location.path == rel)
                    .collect();
                let offsets: Vec<usize> = here.iter().map(|d| d.location.bytes.start).collect();
                for (d, cfgs) in here.into_iter().zip(tokens.feature_cfgs_at(&offsets)) {
                    if !cfgs.is_empty() {
                        d.keep_if(Condition::BuiltWith(FeatureCfg::All(cfgs)));
                    }
                }
            }
            if kind == FileKind::Rust {
                file.gate_tree(admits(settings.rules.len()));
            }
            if checked {
                fact = guarded(
                    f00_tool::InternalError::META,
                    &mut diagnostics,
                    Some((rel, "fact extraction")),
                    |_| project::extract(&file, root, wanted),
                )
                .flatten();
            }
            if let Some(failure) = file.rust_failure() {
                parse_error(&mut diagnostics, rel, kind, text, &lines, failure);
            }
            let (found, malformed) = suppress::scan(&file);
            suppressions = found;
            for m in malformed {
                push(
                    &mut diagnostics,
                    f00_tool::UnusedSuppression::META,
                    m.location,
                    format!(
                        "malformed suppression `{}`",
                        m.text.chars().take(80).collect::<String>()
                    ),
                    "write `twelve-lint: ignore[CODE] reason` (or `ignore-file[CODE] reason`)",
                );
            }
        }
        Some(Err(failure)) => {
            // A Helm template is not YAML until rendered: its chart gets one notice instead
            // (`helm::not_rendered`).
            if kind != FileKind::Yaml || helm::chart_of_template(root, rel).is_none() {
                parse_error(&mut diagnostics, rel, kind, text, &lines, &failure);
            }
            let (found, _) = suppress::scan_comments(rel, kind, text, &lines);
            suppressions = found;
        }
        None => {}
    }
    if kind == FileKind::Rust {
        crate::parse::rust::release_spans();
    }
    FileResult {
        entry: Some(FileEntry {
            path: rel.to_string(),
            kind,
            role: settings.role_of(rel, Some(text), notices, content_role),
        }),
        diagnostics,
        suppressions,
        fact,
        excluded_modules,
        test_script: None,
    }
}

/// True when a line of `text` holds `{{` before any `#` comment on it.
fn has_template_action(text: &str) -> bool {
    text.lines().any(|line| {
        let code = line
            .match_indices('#')
            .find(|(at, _)| *at == 0 || line[..*at].ends_with([' ', '\t']))
            .map_or(line, |(at, _)| &line[..at]);
        code.contains("{{")
    })
}

/// Report that `rel` could not be parsed.
fn parse_error(
    diagnostics: &mut Vec<Diagnostic>,
    rel: &str,
    kind: FileKind,
    text: &str,
    lines: &LineIndex,
    failure: &ParseFailure,
) {
    // A Helm or Go template is not YAML until it is rendered; `{{` in a comment only
    // (a values file documenting a template) makes no template.
    let template = kind == FileKind::Yaml && has_template_action(text);
    let message = first_line(&failure.message);
    // A compose file or manifest that does not parse deploys nothing as written: a
    // warning, so the default `--fail-on` catches it.
    let manifest = kind == FileKind::Yaml && !template && is_manifest(rel, text);
    let (message, help) = if template {
        (
            format!(
                "cannot parse this template (`{{{{ … }}}}`) as YAML before it is rendered: {message}"
            ),
            "render it (`helm template`, `kustomize build`) and lint the output; rules that need this file's structure skipped it",
        )
    } else {
        (
            format!(
                "cannot parse this {} file: {message}",
                if yaml::is_json_name(rel) {
                    "json"
                } else {
                    kind.name()
                }
            ),
            "fix the syntax; rules that need this file's structure skipped it",
        )
    };
    let mut cx = Ctx::new(f00_tool::ParseError::META, None, diagnostics);
    let d = cx.report(
        Location::new(rel, text, lines, failure.span.clone()),
        message,
        help,
    );
    if manifest {
        d.severity = Severity::Warning;
    }
}

/// Report that a mapping of the YAML file `rel`, a compose file or Kubernetes manifest,
/// repeats a key: the file was linted with the later value, but strict readers (compose,
/// `kubectl`) refuse it. Other YAML (an OpenAPI fragment, an editor's syntax
/// definition) is read by tools with their own rules, and is not judged.
fn duplicate_key(
    diagnostics: &mut Vec<Diagnostic>,
    rel: &str,
    text: &str,
    lines: &LineIndex,
    repeated: &ParseFailure,
) {
    let manifest = is_manifest(rel, text);
    let mut cx = Ctx::new(f00_tool::ParseError::META, None, diagnostics);
    let d = cx.report(
        Location::new(rel, text, lines, repeated.span.clone()),
        "this key is written twice in its mapping: compose and `kubectl` refuse the file; it was linted with the later value",
        "keep one of the two entries",
    );
    if manifest {
        d.severity = Severity::Warning;
    }
}

/// True when the YAML file `rel` looks like a compose file or Kubernetes manifest, whose
/// parse problems are warnings: what strict readers refuse deploys nothing as written.
fn is_manifest(rel: &str, text: &str) -> bool {
    crate::parse::yaml::is_manifest_candidate(rel.rsplit('/').next().unwrap_or(rel), text)
}

fn first_line(message: &str) -> &str {
    message.lines().next().unwrap_or(message)
}

/// Read a file as UTF-8 text (BOM removed), or say why not.
fn read_text(path: &Path, max: u64) -> Result<String, String> {
    // The path is resolved once: the size comes from the open file.
    let cannot = |e: std::io::Error| format!("cannot read: {e}");
    let mut file = std::fs::File::open(path).map_err(cannot)?;
    let size = file.metadata().map_err(cannot)?.len();
    if size > max {
        return Err(format!(
            "file is {size} bytes, over the {max}-byte limit; raise `max-file-size` to lint it"
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    // A file that grew since is read up to the limit only.
    (&mut file)
        .take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(format!(
            "file is over the {max}-byte limit; raise `max-file-size` to lint it"
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err("file is UTF-16 encoded; save it as UTF-8 to lint it".into());
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err("binary file (contains NUL bytes); not linted".into());
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        format!("file is not valid UTF-8 (first invalid byte on line {line}); save it as UTF-8 to lint it")
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

fn skipped(path: &str, reason: String, entry: Option<FileEntry>) -> FileResult {
    let mut diagnostics = Vec::new();
    push(
        &mut diagnostics,
        f00_tool::SkippedFile::META,
        Location::file(path),
        reason,
        "twelve-lint could not lint this file; the rest of the repository was linted",
    );
    FileResult {
        entry,
        diagnostics,
        ..FileResult::default()
    }
}

fn push(
    out: &mut Vec<Diagnostic>,
    meta: &'static Meta,
    location: Location,
    message: String,
    help: &str,
) {
    Ctx::new(meta, None, out).report(location, message, help);
}

/// True when the symbolic link at `link` (absolute, inside `root`) names a regular file
/// inside `root` through no other link (`deny.toml -> ../../deny.toml`). Only the link and
/// the entries of its target's path inside `root` are examined; nothing outside is.
fn links_to_a_file_in(root: &Path, link: &Path) -> bool {
    let (Ok(target), Some(dir)) = (std::fs::read_link(link), link.parent()) else {
        return false;
    };
    // An absolute target is read from the root; a relative one from the link's directory.
    let (from, target) = match target.strip_prefix(root) {
        Ok(in_root) => (String::new(), in_root.to_string_lossy()),
        Err(_) => (relative(root, dir), target.to_string_lossy()),
    };
    let from = if from == "." { "" } else { from.as_str() };
    let Some(inside) = join_inside(from, &target) else {
        return false;
    };
    let (dirs, file) = inside.rsplit_once('/').unwrap_or(("", &inside));
    let mut at = root.to_path_buf();
    let is = |at: &Path, dir: bool| {
        std::fs::symlink_metadata(at).is_ok_and(|m| {
            if dir {
                m.file_type().is_dir()
            } else {
                m.file_type().is_file()
            }
        })
    };
    !file.is_empty()
        && dirs.split('/').filter(|d| !d.is_empty()).all(|name| {
            at.push(name);
            is(&at, true)
        })
        && {
            at.push(file);
            is(&at, false)
        }
}

/// Root-relative, `/`-separated path (the path itself when outside the root).
pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".to_string() } else { s }
}

fn error_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

thread_local! {
    static IN_CHECK: Cell<bool> = const { Cell::new(false) };
}

/// Keep the default panic message for real crashes, but stay quiet for panics
/// caught inside a rule (they become TF0005 diagnostics).
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !IN_CHECK.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// Run `f`, turning a panic into an internal-error diagnostic about `site` (path, rule).
fn guarded<T>(
    meta: &'static Meta,
    out: &mut Vec<Diagnostic>,
    site: Option<(&str, &str)>,
    f: impl FnOnce(&mut Vec<Diagnostic>) -> T,
) -> Option<T> {
    IN_CHECK.with(|c| c.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(|| f(out)));
    IN_CHECK.with(|c| c.set(false));
    match result {
        Ok(v) => Some(v),
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            let (path, who) = site.unwrap_or((".", meta.code));
            push(
                out,
                f00_tool::InternalError::META,
                Location::file(path),
                format!("internal error in {who} on this file: {what}"),
                "this is a twelve-lint bug; please report it with the file. Other rules and files were linted",
            );
            None
        }
    }
}

/// Apply severities and overrides, match suppressions, report stale ones, fingerprint, sort.
fn finish(
    diagnostics: Vec<Diagnostic>,
    suppressions: BTreeMap<String, Vec<Suppression>>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = diagnostics
        .into_iter()
        .filter_map(|d| level(d, settings))
        .collect();
    count_omitted(&mut out);
    let used = mark_suppressed(&mut out, &suppressions);
    out.extend(
        suppression_notes(suppressions, &used, settings)
            .into_iter()
            .filter_map(|d| level(d, settings)),
    );
    out.sort();
    out.dedup();
    crate::engine::fingerprint::assign(&mut out);
    out
}

/// Notes on suppressions: those that give no reason, name no rule, or match no finding
/// of a rule that ran. Capped per file like any rule's findings.
fn suppression_notes(
    mut suppressions: BTreeMap<String, Vec<Suppression>>,
    used: &HashSet<(String, usize)>,
    settings: &Settings,
) -> Vec<Diagnostic> {
    let mut no_reason = Vec::new();
    let mut stale = Vec::new();
    {
        let mut no_reason_ctx = Ctx::new(
            f00_tool::SuppressionWithoutReason::META,
            None,
            &mut no_reason,
        );
        let mut stale_ctx = Ctx::new(f00_tool::UnusedSuppression::META, None, &mut stale);
        for (path, list) in &mut suppressions {
            for (i, s) in list.drain(..).enumerate() {
                // Another linter's ignore comment answers to that linter.
                if s.adopted {
                    continue;
                }
                if s.reason.is_empty() {
                    no_reason_ctx.report(
                    s.location.clone(),
                    format!("suppression of {} gives no reason", s.selectors.join(", ")),
                    "add the reason after the brackets, e.g. `twelve-lint: ignore[TF0301] test credentials for the local stack`",
                );
                }
                if used.contains(&(path.clone(), i)) {
                    continue;
                }
                let unknown: Vec<&String> = s
                    .selectors
                    .iter()
                    .filter(|sel| !rules::RULES.iter().any(|r| r.meta().matches(sel)))
                    .collect();
                if !unknown.is_empty() {
                    let mut message =
                        format!("suppression names unknown rule {}", quoted(&unknown));
                    let guess = crate::engine::config::rule_suggestion(unknown[0]);
                    if !guess.is_empty() {
                        message = format!("{message}; {}", guess.trim_end());
                    }
                    stale_ctx.report(
                    s.location.clone(),
                    message,
                    "use a rule code (TF0301), factor prefix (TF03) or rule name; `twelve-lint rules` lists them",
                );
                    continue;
                }
                let all_ran = s.selectors.iter().all(|sel| {
                    settings.rules.iter().any(|r| {
                        r.meta().matches(sel)
                            && settings
                                .effective(r.meta().code, path, r.meta().severity)
                                .is_some()
                    })
                });
                if all_ran {
                    stale_ctx.report(
                        s.location.clone(),
                        format!(
                            "suppression of {} matches no finding",
                            s.selectors.join(", ")
                        ),
                        "remove the stale suppression",
                    );
                }
            }
        }
    }
    let mut notes: Vec<Diagnostic> = no_reason.into_iter().chain(stale).collect();
    count_omitted(&mut notes);
    notes
}

/// Append to each finding the count of the findings of its rule and file left out.
fn count_omitted(diagnostics: &mut [Diagnostic]) {
    for d in diagnostics {
        if let Some(note) = d.omitted.note() {
            d.message.push_str(&note);
        }
    }
}

/// Mark each finding a suppression covers (the first in the file's order); returns the
/// suppressions used, as (path, index).
fn mark_suppressed(
    out: &mut [Diagnostic],
    suppressions: &BTreeMap<String, Vec<Suppression>>,
) -> HashSet<(String, usize)> {
    let by_path: HashMap<&str, SuppressionIndex<'_>> = suppressions
        .iter()
        .map(|(path, list)| (path.as_str(), SuppressionIndex::new(list)))
        .collect();
    let mut used = HashSet::new();
    for d in out {
        let Some(index) = by_path.get(d.location.path.as_str()) else {
            continue;
        };
        let meta = meta_of(d.code);
        if let Some((i, s)) = index.candidates(d.location.start.line).find(|(_, s)| {
            s.covers(&d.location)
                && s.selectors
                    .iter()
                    .any(|sel| meta.is_some_and(|m| m.matches(sel)))
        }) {
            d.suppressed = Some(SuppressionInfo {
                kind: "inSource",
                justification: s.reason.clone(),
            });
            used.insert((d.location.path.clone(), i));
        }
    }
    used
}

/// The suppressions of one file by the line they cover; file-wide and byte-range ones
/// are candidates on every line.
struct SuppressionIndex<'s> {
    list: &'s [Suppression],
    by_line: HashMap<u32, Vec<usize>>,
    anywhere: Vec<usize>,
}

impl<'s> SuppressionIndex<'s> {
    fn new(list: &'s [Suppression]) -> Self {
        let mut index = SuppressionIndex {
            list,
            by_line: HashMap::new(),
            anywhere: Vec::new(),
        };
        for (i, s) in list.iter().enumerate() {
            match s.scope {
                suppress::Scope::Line(line) => index.by_line.entry(line).or_default().push(i),
                _ => index.anywhere.push(i),
            }
        }
        index
    }

    /// The suppressions that may cover `line`, with their indexes, in the file's order.
    fn candidates(&self, line: u32) -> impl Iterator<Item = (usize, &'s Suppression)> + '_ {
        let mut all: Vec<usize> = self
            .by_line
            .get(&line)
            .into_iter()
            .flatten()
            .chain(&self.anywhere)
            .copied()
            .collect();
        all.sort_unstable();
        all.into_iter().map(|i| (i, &self.list[i]))
    }
}

fn level(mut d: Diagnostic, settings: &Settings) -> Option<Diagnostic> {
    if !settings.is_enabled(d.code) {
        return None;
    }
    d.severity = settings.effective(d.code, &d.location.path, d.severity)?;
    Some(d)
}

fn meta_of(code: &str) -> Option<&'static Meta> {
    rules::RULES
        .iter()
        .map(|r| r.meta())
        .find(|m| m.code == code)
}

fn quoted(items: &[&String]) -> String {
    items
        .iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_actions_outside_comments_make_a_template() {
        assert!(has_template_action("image: {{ .Values.image }}\n"));
        assert!(has_template_action(
            "name: app # {{ x }}\nport: \"{{ .Values.port }}\"\n"
        ));
        assert!(!has_template_action(
            "# name: {{ .Release.Name }}\nenv: {}\n"
        ));
        assert!(!has_template_action("env: {} # e.g. {{ .Release.Name }}\n"));
        assert!(has_template_action("key: a#{{ b }}\n"));
    }

    #[test]
    fn a_panicking_check_becomes_an_internal_error_and_the_run_goes_on() {
        install_panic_hook();
        let mut out = Vec::new();
        let result: Option<()> = guarded(
            f00_tool::InternalError::META,
            &mut out,
            Some(("src/main.rs", "TF0301")),
            |_| panic!("index out of bounds"),
        );
        assert!(result.is_none());
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, "TF0005");
        assert_eq!(out[0].location.path, "src/main.rs");
        assert!(
            out[0].message.contains("TF0301") && out[0].message.contains("index out of bounds")
        );
        let ok = guarded(f00_tool::InternalError::META, &mut out, None, |_| 7);
        assert_eq!(ok, Some(7));
        assert_eq!(out.len(), 1);
    }
}
