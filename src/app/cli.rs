//! The command line: `twelve-lint [check] [PATHS]`, `twelve-lint rules`, `twelve-lint rule CODE`.

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::parser::ValueSource;
use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::app::diff::Changes;
use crate::app::fix;
use crate::diagnostic::{Severity, mask_text};
use crate::engine::baseline::{self, Baseline};
use crate::engine::config::{self, ConfigError, Overrides};
use crate::engine::{self, Request};
use crate::model;
use crate::model::project;
use crate::render::{self, Format, Output, Snippets};
use crate::rules::evidence;
use crate::rules::{self, FixSafety, RULES};

const EXIT_CODES: &str = "Exit codes:\n  0  no finding at or above --fail-on\n  1  findings at or above --fail-on\n  2  usage, configuration or internal error";

/// Lint a repository for Twelve-Factor App violations.
#[derive(Debug, Parser)]
#[command(name = "twelve-lint", version = env!("TWELVE_LINT_VERSION"), about, after_help = EXIT_CODES)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Lint paths (the default command).
    #[command(after_help = EXIT_CODES)]
    Check(Box<CheckArgs>),
    /// List the rules.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Table)]
        format: RulesFormat,
    },
    /// Print a rule's documentation.
    Rule {
        /// A rule code (TF0301) or name (hardcoded-secret).
        rule: String,
    },
    /// Print a shell completion script (e.g. `twelve-lint completions bash > /etc/bash_completion.d/twelve-lint`).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), e.g. `twelve-lint man > twelve-lint.1`.
    Man,
    /// Show the deployment model: every file's role (production, development, test, ...) and the signal that decided it.
    Deployments(DeploymentsArgs),
    /// Write a commented starter twelve-lint.toml in the current directory.
    Init {
        /// Overwrite an existing twelve-lint.toml.
        #[arg(long)]
        force: bool,
    },
}

/// Options of `deployments`.
#[derive(Debug, Args)]
struct DeploymentsArgs {
    /// Paths to describe (default: the current directory). Inside a git repository the model is the whole repository's; the files under these paths are listed.
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = DeploymentsFormat::Text)]
    format: DeploymentsFormat,
    /// Config file to use instead of discovering twelve-lint.toml (its `[roles]` correct the model).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Ignore config files.
    #[arg(long, conflicts_with = "config")]
    isolated: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum DeploymentsFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

/// Options of `check`. Each also reads a `TWELVE_LINT_*` environment variable.
#[derive(Debug, Args)]
struct CheckArgs {
    /// Files and directories to lint (default: the current directory). Named files are linted even when ignored.
    paths: Vec<PathBuf>,
    /// Output format [default: human on a terminal, concise otherwise].
    #[arg(long, value_enum, env = "TWELVE_LINT_FORMAT")]
    format: Option<Format>,
    /// Write the report to FILE instead of stdout.
    #[arg(long, short, value_name = "FILE", env = "TWELVE_LINT_OUTPUT")]
    output: Option<PathBuf>,
    /// Rules to run: codes, factor prefixes (TF03) or names, comma-separated. Replaces the config's list.
    #[arg(long, value_delimiter = ',', env = "TWELVE_LINT_SELECT")]
    select: Option<Vec<String>>,
    /// Rules not to run, comma-separated.
    #[arg(long, value_delimiter = ',', env = "TWELVE_LINT_IGNORE")]
    ignore: Option<Vec<String>>,
    /// Also run preview rules (not yet proven on real repositories; `twelve-lint rules` marks them).
    #[arg(long, env = "TWELVE_LINT_PREVIEW", value_parser = switch)]
    preview: bool,
    /// Lowest severity that fails the run (exit 1) [default: warning].
    #[arg(long, value_enum, env = "TWELVE_LINT_FAIL_ON")]
    fail_on: Option<Level>,
    /// Exit 0 even when there are findings.
    #[arg(long, env = "TWELVE_LINT_EXIT_ZERO", value_parser = switch)]
    exit_zero: bool,
    /// Set a rule's severity: CODE=note|warning|error (repeatable, comma-separated).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "CODE=LEVEL",
        env = "TWELVE_LINT_SEVERITY"
    )]
    severity: Vec<String>,
    /// Glob patterns of paths not to lint, relative to the root (comma-separated).
    #[arg(long, value_delimiter = ',', env = "TWELVE_LINT_EXCLUDE")]
    exclude: Option<Vec<String>>,
    /// Skip files larger than this many bytes [default: 10485760].
    #[arg(long, value_name = "BYTES", env = "TWELVE_LINT_MAX_FILE_SIZE")]
    max_file_size: Option<u64>,
    /// Lint tests/, examples/, benches/ and test modules as deployed code.
    #[arg(long, env = "TWELVE_LINT_INCLUDE_TESTS", value_parser = switch)]
    include_tests: bool,
    /// Config file to use instead of discovering twelve-lint.toml.
    #[arg(long, value_name = "FILE", env = "TWELVE_LINT_CONFIG")]
    config: Option<PathBuf>,
    /// Extra configuration as TOML, applied over the config file (repeatable), e.g. 'rules.TF0201.allowed-images = ["corp/base"]'.
    #[arg(long = "option", value_name = "TOML", env = "TWELVE_LINT_OPTION")]
    options: Vec<String>,
    /// Ignore config files.
    #[arg(long, env = "TWELVE_LINT_ISOLATED", value_parser = switch, conflicts_with = "config")]
    isolated: bool,
    /// Also lint files excluded by .gitignore, .ignore and hidden-file rules.
    #[arg(long, env = "TWELVE_LINT_NO_IGNORE", value_parser = switch)]
    no_ignore: bool,
    /// Build a syntax tree of every Rust file for every rule that reads one, whatever its
    /// prefilter says: slower, and the same findings (a check for contributors).
    #[arg(long, hide = true)]
    no_prefilters: bool,
    /// Worker threads [default: one per core].
    #[arg(long, short, env = "TWELVE_LINT_JOBS")]
    jobs: Option<usize>,
    /// Colour in human output.
    #[arg(long, value_enum, default_value_t = Color::Auto, env = "TWELVE_LINT_COLOR")]
    color: Color,
    /// Do not print the summary line on stderr.
    #[arg(long, short, env = "TWELVE_LINT_QUIET", value_parser = switch)]
    quiet: bool,
    /// Report only findings on lines added or changed since the merge base with this git REF (e.g. origin/main).
    #[arg(long, value_name = "REF", env = "TWELVE_LINT_DIFF")]
    diff: Option<String>,
    /// Hide findings recorded in this baseline file (see --write-baseline).
    #[arg(long, value_name = "FILE", env = "TWELVE_LINT_BASELINE")]
    baseline: Option<PathBuf>,
    /// Record the current findings in FILE as the baseline and exit 0.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Apply safe mechanical fixes (exec-form CMD, SIGTERM-aware shutdown), then report what is left.
    #[arg(long)]
    fix: bool,
    /// With --fix: also apply unsafe fixes, which may break what depends on the text they change (container_name removal).
    #[arg(long, requires = "fix")]
    unsafe_fixes: bool,
    /// With --fix: print the fixes as a diff instead of writing them (exit 1 when there are some).
    #[arg(long, requires = "fix")]
    dry_run: bool,
    /// Human format: a source snippet for every finding (full), or for the first finding of a rule in a file with one line for the others (concise).
    #[arg(long, value_enum, default_value_t = Snippets::Full, env = "TWELVE_LINT_OUTPUT_FORMAT")]
    output_format: Snippets,
    /// Print the number of findings per rule instead of the findings.
    #[arg(long, env = "TWELVE_LINT_STATISTICS", value_parser = switch)]
    statistics: bool,
    /// Print credential values in messages and snippets instead of `****`.
    #[arg(long, env = "TWELVE_LINT_SHOW_SECRETS", value_parser = switch)]
    show_secrets: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Level {
    Note,
    Warning,
    Error,
}

impl From<Level> for Severity {
    fn from(l: Level) -> Self {
        match l {
            Level::Note => Severity::Note,
            Level::Warning => Severity::Warning,
            Level::Error => Severity::Error,
        }
    }
}

/// A switch's value: `1`, `true`, `yes`, `on` or `0`, `false`, `no`, `off`, empty for off.
fn switch(value: &str) -> Result<bool, String> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "" | "0" | "false" | "no" | "off" => Ok(false),
        _ => Err("expected 1, true, yes, on or 0, false, no, off".into()),
    }
}

/// Parse the command line. A bad value read from a `TWELVE_LINT_*` variable is
/// reported under the variable's name, not only the flag's.
fn parse() -> (Cli, ArgMatches) {
    let args: Vec<OsString> = std::env::args_os().collect();
    let parsed = Cli::command()
        .try_get_matches_from(&args)
        .and_then(|m| match without_check(&args, &m) {
            Some(args) => Cli::command().try_get_matches_from(args),
            None => Ok(m),
        })
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    parsed.unwrap_or_else(|e| {
        if matches!(
            e.kind(),
            ErrorKind::InvalidValue | ErrorKind::ValueValidation
        ) && let Some(ContextValue::String(arg)) = e.get(ContextKind::InvalidArg)
            && let Some(var) = env_source(arg)
        {
            let text = e.render().to_string();
            eprint!(
                "{}",
                text.replacen(&format!("'{arg}'"), &format!("{var} (read for '{arg}')"), 1)
            );
            std::process::exit(e.exit_code());
        }
        e.exit()
    })
}

/// The environment variable `arg` (as clap names it, `--fail-on <FAIL_ON>`) was read
/// from, when it was not given on the command line.
fn env_source(arg: &str) -> Option<String> {
    let long = arg.strip_prefix("--")?.split(' ').next()?;
    let on_command_line =
        std::env::args().any(|a| a == format!("--{long}") || a.starts_with(&format!("--{long}=")));
    let cmd = Cli::command();
    let var = cmd
        .get_arguments()
        .find(|a| a.get_long() == Some(long))?
        .get_env()?
        .to_string_lossy()
        .into_owned();
    (!on_command_line && std::env::var_os(&var).is_some()).then_some(var)
}

/// `twelve-lint --format json check .` means `twelve-lint --format json .`: the
/// arguments without the `check` that follows options, when there are such options.
fn without_check(args: &[OsString], matches: &ArgMatches) -> Option<Vec<OsString>> {
    if matches.subcommand_name() != Some("check") {
        return None;
    }
    let last = Cli::command()
        .get_arguments()
        .filter(|a| matches.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
        .filter_map(|a| matches.indices_of(a.get_id().as_str())?.max())
        .max()?;
    let at = (last + 1..args.len()).find(|&i| args[i] == "check")?;
    let mut rest = args.to_vec();
    rest.remove(at);
    Some(rest)
}

/// Options of `check` written before a command, as in `twelve-lint --format json rules`:
/// `--format` carries over to `rules` and `deployments`; any other is an error, never
/// silently dropped.
fn leading_options(cli: &mut Cli, matches: &ArgMatches) -> Result<(), String> {
    let (Some(command), Some((name, sub))) = (&mut cli.command, matches.subcommand()) else {
        return Ok(());
    };
    let given: Vec<String> = Cli::command()
        .get_arguments()
        .filter(|a| matches.value_source(a.get_id().as_str()) == Some(ValueSource::CommandLine))
        .map(|a| match a.get_long() {
            Some(long) => format!("--{long}"),
            None => a.get_id().to_string().to_uppercase(),
        })
        .collect();
    let own_format = || sub.value_source("format") == Some(ValueSource::CommandLine);
    let carried = match (command, cli.check.format) {
        (Command::Rules { format }, Some(top)) => {
            if !own_format() {
                *format = match top {
                    Format::Human | Format::Concise => RulesFormat::Table,
                    Format::Json => RulesFormat::Json,
                    Format::Markdown => RulesFormat::Markdown,
                    Format::Sarif
                    | Format::Github
                    | Format::Gitlab
                    | Format::Rdjson
                    | Format::Junit => {
                        return Err("`rules` prints a table, json or markdown".into());
                    }
                };
            }
            true
        }
        (Command::Deployments(args), Some(top)) => {
            if !own_format() {
                args.format = match top {
                    Format::Human | Format::Concise => DeploymentsFormat::Text,
                    Format::Json => DeploymentsFormat::Json,
                    _ => return Err("`deployments` prints text or json".into()),
                };
            }
            true
        }
        _ => false,
    };
    let rest: Vec<&str> = given
        .iter()
        .map(String::as_str)
        .filter(|g| !(carried && *g == "--format"))
        .collect();
    if rest.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} before `{name}` {} not an option of `twelve-lint {name}`; options of `check` go with `check` or no command",
        rest.join(", "),
        if rest.len() == 1 { "is" } else { "are" }
    ))
}

/// Run the command line; returns the exit code.
pub fn main() -> i32 {
    let (mut cli, matches) = parse();
    if let Err(message) = leading_options(&mut cli, &matches) {
        eprintln!("twelve-lint: error: {message}");
        return 2;
    }
    let result = match cli.command {
        Some(Command::Check(args)) => check(*args),
        None => check(cli.check),
        Some(Command::Rules { format }) => print(&rules_listing(format)),
        Some(Command::Completions { shell }) => {
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "twelve-lint", &mut buf);
            print(&String::from_utf8_lossy(&buf))
        }
        Some(Command::Man) => {
            let mut buf = Vec::new();
            match clap_mangen::Man::new(Cli::command()).render(&mut buf) {
                Ok(()) => print(&String::from_utf8_lossy(&buf)),
                Err(e) => Err(e.to_string()),
            }
        }
        Some(Command::Init { force }) => init(force),
        Some(Command::Deployments(args)) => deployments(args),
        Some(Command::Rule { rule }) => match rules::by_code_or_name(&rule) {
            Some(r) => print(r.meta().doc),
            None => Err(format!(
                "unknown rule `{rule}`; {}`twelve-lint rules` lists them",
                config::rule_suggestion(&rule)
            )),
        },
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("twelve-lint: error: {}", render::sanitize(&message));
            2
        }
    }
}

fn print(text: &str) -> Result<i32, String> {
    let mut out = std::io::stdout().lock();
    // A closed pipe (e.g. `| head`) is not an error worth reporting.
    let _ = out.write_all(text.as_bytes());
    Ok(0)
}

/// The config sources of a run: the discovered (or named) config file unless `isolated`,
/// then each `--option`.
fn config_sources(
    req: &Request,
    config: Option<&PathBuf>,
    isolated: bool,
    options: &[String],
) -> Result<Vec<(String, String)>, String> {
    let mut sources = Vec::new();
    if !isolated {
        let start = req.paths[0].clone();
        let start = if start.is_dir() {
            start
        } else {
            start.parent().map(PathBuf::from).unwrap_or(start)
        };
        let path = match config {
            Some(path) => Some(path.clone()),
            None => config::discover(&start, &req.root).map_err(|ConfigError(m)| m)?,
        };
        if let Some(path) = path {
            let text = config::read(&path).map_err(|ConfigError(m)| m)?;
            sources.push((path.display().to_string(), text));
        }
    }
    for (i, option) in options.iter().enumerate() {
        sources.push((format!("--option #{}", i + 1), option.clone()));
    }
    Ok(sources)
}

/// `twelve-lint deployments`: the deployment model's decision for every file.
/// Paths inside a git work tree are read with the whole repository in view (cross-file
/// rules and the deployment model need it), and only what is under them is reported: the
/// root is added to `req`'s paths and the named paths (root-relative) returned. The paths
/// themselves are walked too, so a named file is read even where `.gitignore` skips it.
/// Outside git there is no repository to read, so named paths are read alone (`None`).
fn whole_repository_in_view(req: &mut Request) -> Option<Vec<String>> {
    let named: Vec<String> = req
        .paths
        .iter()
        .map(|p| engine::relative(&req.root, p))
        .collect();
    let inside = req.in_git && req.paths.iter().all(|p| p.starts_with(&req.root));
    (inside && named.iter().all(|n| n != ".")).then(|| {
        req.paths.insert(0, req.root.clone());
        named
    })
}

/// True when the root-relative `path` is under one of the `named` paths
/// ([`whole_repository_in_view`]); every path is when none are named.
fn is_named(named: Option<&[String]>, path: &str) -> bool {
    named.is_none_or(|named| named.iter().any(|n| project::is_within(path, n)))
}

fn deployments(args: DeploymentsArgs) -> Result<i32, String> {
    let mut req = Request::new(&args.paths).map_err(|e| e.to_string())?;
    let describe_only = whole_repository_in_view(&mut req);
    req.jobs = crate::engine::usable_threads(0)?;
    let sources = config_sources(&req, args.config.as_ref(), args.isolated, &[])?;
    // Every rule, every file: the listing covers what a default run would not read.
    let overrides = Overrides {
        preview: Some(true),
        include_tests: Some(true),
        ..Overrides::default()
    };
    let settings = config::resolve(&sources, &overrides).map_err(|ConfigError(m)| m)?;
    let report = engine::run(&req, &settings);
    let named = |path: &str| is_named(describe_only.as_deref(), path);
    let decisions: Vec<(String, model::role::Decision)> = report
        .files
        .into_iter()
        .filter(|f| named(&f.path))
        .map(|f| (f.path, f.role))
        .collect();
    let stages: Vec<&engine::DevelopmentStage> = report
        .development_stages
        .iter()
        .filter(|s| named(&s.path))
        .collect();
    let configs: Vec<&model::project::DeployedConfig> = report
        .deployed_configs
        .iter()
        .filter(|c| named(&c.path))
        .collect();
    print(&render_deployments(
        &decisions,
        &report.deployed,
        &report.artifacts,
        &stages,
        &configs,
        args.format,
    ))
}

/// One line of the `deployments` listing for `a`: what it is, what it runs and deploys.
fn describe_artifact(a: &engine::DeployedArtifact) -> String {
    let what = match (a.kind, &a.image) {
        ("image", _) => format!("image {}, {}", a.path, a.name),
        (kind, Some(image)) => format!("{kind} `{}` in {} (image {image})", a.name, a.path),
        (kind, None) => format!("{kind} `{}` in {}", a.name, a.path),
    };
    let quoted = |names: &[String]| {
        names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let noun = if a.packages.len() == 1 {
        "package"
    } else {
        "packages"
    };
    if a.runs.is_empty() {
        format!("{what}: {noun} {}", quoted(&a.packages))
    } else {
        format!(
            "{what}: runs {} of {noun} {}",
            quoted(&a.runs),
            quoted(&a.packages)
        )
    }
}

fn render_deployments(
    decisions: &[(String, model::role::Decision)],
    deployed: &[engine::DeployedPackage],
    artifacts: &[engine::DeployedArtifact],
    stages: &[&engine::DevelopmentStage],
    configs: &[&model::project::DeployedConfig],
    format: DeploymentsFormat,
) -> String {
    match format {
        DeploymentsFormat::Json => {
            let files: Vec<_> = decisions
                .iter()
                .map(|(path, d)| serde_json::json!({"path": path, "role": d.role, "signal": d.signal}))
                .collect();
            let packages: Vec<_> = deployed
                .iter()
                .map(|p| serde_json::json!({"name": p.name, "deployed_by": p.by, "reason": p.reason}))
                .collect();
            let stages: Vec<_> = stages
                .iter()
                .map(|s| serde_json::json!({"path": s.path, "stage": s.name, "role": model::role::Role::Development, "signal": s.signal}))
                .collect();
            let artifacts: Vec<_> = artifacts
                .iter()
                .map(|a| serde_json::json!({"kind": a.kind, "path": a.path, "name": a.name, "image": a.image, "runs": a.runs, "packages": a.packages}))
                .collect();
            let configs: Vec<_> = configs
                .iter()
                .map(|c| serde_json::json!({"path": c.path, "by": {"path": c.by.path, "line": c.by.start.line}, "how": c.how}))
                .collect();
            serde_json::to_string_pretty(&serde_json::json!({
                "deployed_packages": packages,
                "artifacts": artifacts,
                "deployed_configs": configs,
                "files": files,
                "development_stages": stages,
            }))
            .expect("JSON values serialize")
                + "\n"
        }
        DeploymentsFormat::Text => {
            let mut s = String::new();
            if !deployed.is_empty() {
                s.push_str(&format!("deployed packages ({})\n", deployed.len()));
                for p in deployed {
                    match &p.reason {
                        Some(reason) => s.push_str(&format!("  {}  ({reason})\n", p.name)),
                        None => s.push_str(&format!("  {}  (by {})\n", p.name, p.by.join(", "))),
                    }
                }
            }
            if !artifacts.is_empty() {
                s.push_str(&format!("deployed artifacts ({})\n", artifacts.len()));
                for a in artifacts {
                    s.push_str(&format!("  {}\n", describe_artifact(a)));
                }
            }
            if !configs.is_empty() {
                s.push_str(&format!(
                    "config files deployed as written ({})\n",
                    configs.len()
                ));
                for c in configs {
                    s.push_str(&format!(
                        "  {}  ({}: {}:{})\n",
                        c.path, c.how, c.by.path, c.by.start.line
                    ));
                }
            }
            if !stages.is_empty() {
                s.push_str(&format!("development stages ({})\n", stages.len()));
                for stage in stages {
                    s.push_str(&format!(
                        "  {} stage `{}`  ({})\n",
                        stage.path, stage.name, stage.signal
                    ));
                }
            }
            for role in model::role::Role::ALL {
                let of_role: Vec<_> = decisions.iter().filter(|(_, d)| d.role == role).collect();
                if of_role.is_empty() {
                    continue;
                }
                s.push_str(&format!("{role} ({} files)\n", of_role.len()));
                // A production file says why only when a signal made it one (a pipeline
                // publishes it, the config says so); the others are production by default.
                let default = model::role::Decision::production();
                for (path, d) in of_role {
                    if *d == default {
                        s.push_str(&format!("  {path}\n"));
                    } else {
                        s.push_str(&format!("  {path}  ({})\n", d.signal));
                    }
                }
            }
            s
        }
    }
}

fn check(args: CheckArgs) -> Result<i32, String> {
    for path in args.paths.iter().filter(|p| !p.exists()) {
        let commands = Cli::command();
        let mut names = commands.get_subcommands().map(|c| c.get_name());
        let given = path.to_string_lossy();
        if names.any(|n| n == given) {
            return Err(format!(
                "`{given}` is a command, not a file: a command comes before any path (`twelve-lint {given} …`)"
            ));
        }
        let names = commands.get_subcommands().map(|c| c.get_name());
        if let Some(name) = crate::parse::text::did_you_mean(&given, names) {
            return Err(format!(
                "`{given}` is neither a file nor a command; did you mean `twelve-lint {name}`?"
            ));
        }
    }
    let mut req = Request::new(&args.paths).map_err(|e| e.to_string())?;
    req.no_ignore = args.no_ignore;
    req.no_prefilters = args.no_prefilters;
    req.jobs = crate::engine::usable_threads(args.jobs.unwrap_or(0))?;
    let sources = config_sources(&req, args.config.as_ref(), args.isolated, &args.options)?;
    let overrides = Overrides {
        select: args.select,
        ignore: args.ignore,
        preview: args.preview.then_some(true),
        fail_on: args.fail_on.map(Severity::from),
        exclude: args.exclude,
        max_file_size: args.max_file_size,
        include_tests: args.include_tests.then_some(true),
        severity: args.severity,
    };
    let settings = config::resolve(&sources, &overrides).map_err(|ConfigError(m)| m)?;
    let report_only = whole_repository_in_view(&mut req);
    let changes = match &args.diff {
        Some(reference) => Some(Changes::since(
            &req.root,
            reference,
            settings.max_file_size,
        )?),
        None => None,
    };
    if let Some(warning) = changes.as_ref().and_then(|c| c.warning.as_ref()) {
        eprintln!("twelve-lint: warning: {}", render::sanitize(warning));
    }
    let lint = || -> Result<engine::Report, String> {
        let progress = (!args.quiet && std::io::stderr().is_terminal())
            .then(|| Progress::start(req.progress.clone()));
        let mut report = engine::run(&req, &settings);
        drop(progress);
        if report_only.is_some() {
            report
                .diagnostics
                .retain(|d| is_named(report_only.as_deref(), &d.location.path));
            report
                .notices
                .retain(|n| is_named(report_only.as_deref(), &n.path));
        }
        if let Some(changes) = &changes {
            changes.filter(&mut report.diagnostics);
        }
        if let Some(path) = &args.baseline {
            report.baseline = Some(Baseline::read(path)?.apply(&mut report.diagnostics));
        }
        if args.write_baseline.is_none() && !args.fix && !args.statistics {
            report.limit(engine::MAX_REPORTED);
        }
        Ok(report)
    };
    // Fixes are planned from the text as it is; everything shown is redacted.
    let redact = |report: &mut engine::Report| {
        if !args.show_secrets {
            report.redact_secrets();
        }
    };
    let mut report = lint()?;
    if !args.fix || args.write_baseline.is_some() {
        redact(&mut report);
    }
    if report.files_linted == 0 {
        eprintln!("twelve-lint: warning: {}", nothing_linted(&settings));
    }
    if let Some(path) = &args.write_baseline {
        let n = baseline::write(path, &report.diagnostics)?;
        if !args.quiet {
            eprintln!(
                "twelve-lint: wrote {n} finding(s) to the baseline {}",
                path.display()
            );
        }
        return Ok(0);
    }
    if args.fix && args.dry_run {
        let (mut diff, done) = fix::preview(&req.root, &report.diagnostics, args.unsafe_fixes)?;
        if !args.show_secrets {
            for secret in report.secret_values() {
                mask_text(&mut diff, &secret);
            }
        }
        print(&diff)?;
        eprintln!(
            "twelve-lint: --dry-run: would fix {} finding(s) in {} file(s)",
            done.findings, done.files
        );
        note_unsafe_skipped(done);
        return Ok(i32::from(done.findings > 0));
    }
    if args.fix {
        let done = fix::apply(&req.root, &report.diagnostics, args.unsafe_fixes)?;
        if !args.quiet {
            eprintln!(
                "twelve-lint: fixed {} finding(s) in {} file(s)",
                done.findings, done.files
            );
            note_unsafe_skipped(done);
        }
        if done.findings > 0 {
            report = lint()?;
        }
        redact(&mut report);
    }

    let to_terminal = args.output.is_none() && std::io::stdout().is_terminal();
    let format = args.format.unwrap_or(if to_terminal {
        Format::Human
    } else {
        Format::Concise
    });
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let text = if args.statistics {
        render::statistics(&report)
    } else {
        render::render(
            format,
            &Output {
                report: &report,
                settings: &settings,
                color,
                width: wrap_width(to_terminal),
                snippets: args.output_format,
            },
        )
    };
    match &args.output {
        Some(path) => std::fs::write(path, text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => {
            print(&text)?;
        }
    }
    // JSON and SARIF carry the notices in the document; the other formats' readers see
    // them on stderr.
    if !args.quiet && !matches!(format, Format::Json | Format::Sarif) {
        for notice in &report.notices {
            eprintln!("{}", render::notice_line(notice));
        }
    }
    if !args.quiet && matches!(format, Format::Human | Format::Concise) {
        eprintln!("{}", render::summary(&report));
    }
    let failing = report.fails(settings.fail_on);
    Ok(if failing && !args.exit_zero { 1 } else { 0 })
}

/// The width human output wraps at: `COLUMNS` when set, else the terminal's when
/// writing to one; none otherwise.
fn wrap_width(to_terminal: bool) -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok());
    columns.filter(|w| *w > 0).or_else(|| {
        to_terminal
            .then(terminal_size::terminal_size)
            .flatten()
            .map(|(w, _)| usize::from(w.0))
    })
}

/// Why a run linted no file, so an empty run is never mistaken for a clean one.
fn nothing_linted(settings: &config::Settings) -> String {
    let mut kinds: Vec<&str> = settings
        .rules
        .iter()
        .flat_map(|r| r.meta().kinds.iter().map(|k| k.name()))
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    format!(
        "nothing was linted: no file under the given paths is of a kind the enabled rules read ({}); check the paths and `exclude`, or enable more rules (`--preview`, `--select`)",
        kinds.join(", ")
    )
}

/// A file counter on stderr, shown only when a run takes longer than a second.
struct Progress {
    done: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Progress {
    fn start(count: Arc<AtomicUsize>) -> Self {
        interrupt::clear_line_on_ctrl_c(true);
        let done = Arc::new(AtomicBool::new(false));
        let flag = done.clone();
        let thread = std::thread::spawn(move || {
            let started = Instant::now();
            let mut shown = false;
            while !flag.load(Ordering::Relaxed) {
                std::thread::sleep(Duration::from_millis(100));
                if started.elapsed() >= Duration::from_secs(1) {
                    eprint!(
                        "\rtwelve-lint: {} files linted…",
                        count.load(Ordering::Relaxed)
                    );
                    shown = true;
                }
            }
            if shown {
                eprint!("\r\x1b[2K");
            }
        });
        Progress {
            done,
            thread: Some(thread),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        interrupt::clear_line_on_ctrl_c(false);
    }
}

/// Ctrl-C while the progress line is up: clear the line, then die of SIGINT as usual.
#[cfg(unix)]
mod interrupt {
    extern "C" fn on_interrupt(_: libc::c_int) {
        const CLEAR: &[u8] = b"\r\x1b[2K";
        // SAFETY: write, signal and raise are async-signal-safe.
        unsafe {
            libc::write(2, CLEAR.as_ptr().cast(), CLEAR.len());
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            libc::raise(libc::SIGINT);
        }
    }

    /// Install (`on`) or remove the handler.
    pub fn clear_line_on_ctrl_c(on: bool) {
        let handler = if on {
            on_interrupt as extern "C" fn(libc::c_int) as libc::sighandler_t
        } else {
            libc::SIG_DFL
        };
        // SAFETY: the handler only calls async-signal-safe functions.
        unsafe {
            libc::signal(libc::SIGINT, handler);
        }
    }
}

#[cfg(not(unix))]
mod interrupt {
    pub fn clear_line_on_ctrl_c(_: bool) {}
}

/// `twelve-lint init`: write the starter config.
fn init(force: bool) -> Result<i32, String> {
    let path = std::path::Path::new(config::FILE_NAMES[0]);
    if path.exists() && !force {
        return Err(format!(
            "{} already exists; use --force to overwrite it",
            path.display()
        ));
    }
    std::fs::write(path, STARTER_CONFIG)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    eprintln!("twelve-lint: wrote {}", path.display());
    Ok(0)
}

/// The commented starter configuration `init` writes; its first line points editors
/// (Taplo, Even Better TOML) at the JSON Schema of this version.
const STARTER_CONFIG: &str = concat!(
    "#:schema https://raw.githubusercontent.com/twelve-lint/twelve-lint/v",
    env!("CARGO_PKG_VERSION"),
    "/twelve-lint.schema.json\n",
    r#"# twelve-lint configuration. Every key is optional; see the README.

# Rules to run: codes, factor prefixes or names. Default: every stable rule.
# select = ["TF02", "TF03", "TF09"]

# Also run preview rules, not yet proven on real repositories (`twelve-lint rules` marks them).
# preview = false

# Rules not to run.
# ignore = ["TF0305"]

# Lowest severity that fails the run (exit 1): "note", "warning" or "error".
fail-on = "warning"

# Paths not to lint (globs relative to this file).
exclude = ["target/", "vendor/"]

# Skip files larger than this many bytes.
# max-file-size = 10485760

# Lint tests/, examples/, benches/ and test modules as deployed code.
# include-tests = false

# Change a rule's severity.
# [severity]
# TF0206 = "error"

# Different settings for some paths.
# [[overrides]]
# paths = ["deploy/dev/**"]
# ignore = ["TF0502"]

# Rule options.
# [rules.TF0201]
# allowed-images = ["gcr.io/distroless/cc"]
"#
);

/// The rule list in `format`.
fn rules_listing(format: RulesFormat) -> String {
    let precision = evidence::all();
    let measured = |m: &rules::Meta| precision.get(m.code).copied().unwrap_or_default();
    match format {
        RulesFormat::Table => {
            let rows: Vec<[String; 8]> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    let p = if m.factor == 0 {
                        "-".to_string()
                    } else {
                        measured(m).summary()
                    };
                    let fix = match m.fix {
                        FixSafety::None => "",
                        safety => safety.as_str(),
                    };
                    [
                        m.code,
                        m.severity.as_str(),
                        m.stability.as_str(),
                        m.since,
                        &p,
                        fix,
                        m.name,
                        m.summary,
                    ]
                    .map(str::to_string)
                })
                .collect();
            let header = [
                "CODE",
                "LEVEL",
                "STATUS",
                "SINCE",
                "PRECISION",
                "FIX",
                "NAME",
                "SUMMARY",
            ]
            .map(str::to_string);
            let mut widths = [0; 8];
            for row in std::iter::once(&header).chain(&rows) {
                for (w, cell) in widths.iter_mut().zip(row) {
                    *w = (*w).max(cell.chars().count());
                }
            }
            let mut s = String::new();
            for row in std::iter::once(&header).chain(&rows) {
                let mut line = String::new();
                for (i, (cell, w)) in row.iter().zip(widths).enumerate() {
                    if i + 1 == row.len() {
                        line.push_str(cell);
                    } else {
                        line.push_str(&format!("{cell:<w$}  "));
                    }
                }
                s.push_str(line.trim_end());
                s.push('\n');
            }
            s.push_str(
                "\nFIX: safe fixes are applied by --fix, unsafe ones also need --unsafe-fixes\n",
            );
            s
        }
        RulesFormat::Json => {
            let list: Vec<_> = RULES
                .iter()
                .map(|r| {
                    let m = r.meta();
                    let p = measured(m);
                    serde_json::json!({
                        "code": m.code, "name": m.name, "factor": m.factor, "factor_name": m.factor_name(),
                        "severity": m.severity, "stability": m.stability, "since": m.since, "summary": m.summary,
                        "precision": {"findings": p.findings, "tp": p.tp, "fp": p.fp, "noise": p.noise},
                        "fixable": m.fix != FixSafety::None, "fix": m.fix,
                        "kinds": m.kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
                        "options": m.options.iter().map(|o| serde_json::json!({"name": o.name, "doc": o.doc})).collect::<Vec<_>>(),
                    })
                })
                .collect();
            serde_json::to_string_pretty(&list).expect("JSON values serialize") + "\n"
        }
        RulesFormat::Markdown => rule_table(),
    }
}

/// The README's rule table, generated from the registry and the ecosystem evidence.
/// Say how many unsafe fixes `--fix` left alone.
fn note_unsafe_skipped(done: fix::Summary) {
    if done.unsafe_skipped > 0 {
        eprintln!(
            "twelve-lint: {} finding(s) have an unsafe fix; review it with --fix --unsafe-fixes --dry-run",
            done.unsafe_skipped
        );
    }
}

pub fn rule_table() -> String {
    let precision = evidence::all();
    let mut s = String::from(
        "| Code | Name | Factor | Severity | Stability | Precision | Fix | Since | Fires when |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let m = r.meta();
        let p = match m.factor {
            0 => "—".to_string(),
            _ => precision.get(m.code).copied().unwrap_or_default().summary(),
        };
        s.push_str(&format!(
            "| [{code}](rules/{code}.md) | `{}` | {} | {} | {} | {} | {} | {} | {} |\n",
            m.name,
            rules::factor_label(m.factor),
            m.severity,
            m.stability.as_str(),
            p,
            match m.fix {
                FixSafety::None => "—",
                safety => safety.as_str(),
            },
            m.since,
            m.summary.replace('|', "\\|"),
            code = m.code
        ));
    }
    s
}
