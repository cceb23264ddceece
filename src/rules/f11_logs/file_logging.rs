//! TF1101 file-logging: the app writes its logs to files.

use std::collections::HashSet;
use std::ops::Range;

use syn::visit::Visit;

use crate::model::deployed_config;
use crate::parse::image::ImageRef;
use crate::parse::rust::{self, call_path, call_path_span, span_range};
use crate::parse::shell::{Command, Sep};
use crate::parse::yaml;
use crate::rules::prelude::*;

declare_rule! {
    FileLogging {
        code: "TF1101",
        name: "file-logging",
        factor: 11,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo, Dockerfile, Yaml, Shell],
        summary: "logs written to files: tracing-appender, log4rs, simplelog, fern, flexi_logger, slog or env_logger file sinks, file appenders of deployed log4rs configs, `CMD app > file`, `ENV LOG_DIR=/logs`",
        // Every sink of `Sinks` names a file-logging call, or a `File` under a writer.
        tree: Prefilter::Idents(&[
            "rolling",
            "RollingFileAppender",
            "FileAppender",
            "log_file",
            "log_to_file",
            "log_to_file_and_writer",
            "FileLoggerBuilder",
            "FileRotate",
            "File|OpenOptions + WriteLogger|non_blocking|Pipe|PlainDecorator|PlainSyncDecorator|Json|with_writer|chain|writer",
        ]),
    }
}

const HELP: &str = "write logs unbuffered to stdout/stderr (`tracing_subscriber::fmt()`, `env_logger`, `log_to_stdout()`) and let the platform route them (Docker/Kubernetes log drivers, Fluent Bit, Vector)";

impl Check for FileLogging {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        if let Some(ast) = file.rust() {
            let mut v = Sinks::default();
            v.visit_file(ast);
            for (what, span) in v.found {
                cx.report(
                    file.loc(span),
                    format!("logs go to a file ({what}): the file fills the container's disk, vanishes with it, and is invisible to `docker logs`, `kubectl logs` and the platform's log pipeline"),
                    HELP,
                )
                .in_service();
            }
        }
        for (key, value, span) in log_destinations(file) {
            cx.report(
                file.loc(span),
                format!("`{key}` points the app's logs at `{value}`: the files fill the container's disk, vanish with it, and are invisible to `docker logs`, `kubectl logs` and the platform's log pipeline"),
                "leave the log file setting unset so the app writes its logs to stdout/stderr, and let the platform route the stream",
            );
        }
        // An init container prepares files (`sed … > config.yaml`); it is not the app.
        for l in file.launches().iter().filter(|l| !l.dev && !l.init) {
            for cmd in app_commands(l.commands()) {
                if let Some((target, span)) = file_redirect(cmd, &l.text) {
                    cx.report(
                        file.loc(l.file_span(span)),
                        format!("{} sends the app's output to the file `{target}`: the log stream never reaches the platform", l.what()),
                        "drop the redirection: let the process write to stdout/stderr, which Docker and Kubernetes collect",
                    );
                }
            }
        }
    }

    /// A log4rs config deployed as written (copied into a production image, installed by
    /// the crate's system package) whose `file` or `rolling_file` appenders take the logs.
    /// A sample config nothing deploys is the operator's choice to load.
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        for config in deployed_config::deployed_configs(project) {
            config.read(project, |file| {
                // A log4rs appender's `path` is judged with its `kind`.
                if let Some(appenders) = log4rs_file_appenders(file) {
                    for (kind, k) in appenders {
                        cx.report(
                            file.loc(kind),
                            format!("log4rs appender of kind `{k}` writes logs to a file instead of the output stream"),
                            "use a `console` appender (stdout) and let the platform collect the stream",
                        )
                        .with_related(config.by.clone(), config.how);
                    }
                    return;
                }
                for (name, value, span) in config_log_destinations(file) {
                    cx.report(
                        file.loc(span),
                        format!("`{name}` points the app's logs at `{value}` in a config deployed as written: the files fill the container's disk, vanish with it, and are invisible to `docker logs`, `kubectl logs` and the platform's log pipeline"),
                        "leave the log file setting unset so the app writes its logs to stdout/stderr, and let the platform route the stream",
                    )
                    .with_related(config.by.clone(), config.how);
                }
            });
        }
    }
}

/// The settings of a TOML or YAML config that point logs at files: each as (its name,
/// which is its key joined to the key of the table holding it, `logging.dir`; its value;
/// the value's span), when [`names_a_log_destination`] and [`is_file_path`] say so.
fn config_log_destinations(file: &SourceFile<'_>) -> Vec<(String, String, Range<usize>)> {
    fn yaml_walk(
        file: &SourceFile<'_>,
        node: &yaml::Node<'_>,
        parent: &str,
        out: &mut Vec<(String, String, Range<usize>)>,
        depth: usize,
    ) {
        for (k, v) in yaml::mapping(node).unwrap_or_default() {
            let Some(key) = yaml::scalar_text(k) else {
                continue;
            };
            match yaml::scalar_str(v) {
                Some(value) => out.push((
                    format!("{parent}.{key}"),
                    value.to_string(),
                    file.yaml_span(v),
                )),
                None if depth < 32 => yaml_walk(file, v, &key, out, depth + 1),
                None => {}
            }
        }
    }
    fn toml_walk(
        table: &toml::de::DeTable<'_>,
        parent: &str,
        out: &mut Vec<(String, String, Range<usize>)>,
        depth: usize,
    ) {
        for (key, value) in table {
            match value.get_ref() {
                toml::de::DeValue::String(s) => out.push((
                    format!("{parent}.{}", key.get_ref()),
                    s.to_string(),
                    value.span(),
                )),
                toml::de::DeValue::Table(t) if depth < 32 => {
                    toml_walk(t, key.get_ref(), out, depth + 1);
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for doc in file.yaml() {
        yaml_walk(file, &doc.node, "", &mut out, 0);
    }
    if let Some(table) = file.toml() {
        toml_walk(table, "", &mut out, 0);
    }
    for (name, _, _) in &mut out {
        *name = name.trim_start_matches('.').to_string();
    }
    out.retain(|(name, value, _)| names_a_log_destination(name) && is_file_path(value));
    out
}

/// The `file` and `rolling_file` appenders of a log4rs config, each as its `kind` value's
/// span and the kind; `None` when the file is not a log4rs config: a YAML document whose
/// `appenders` maps names to appenders that each give their `kind`.
fn log4rs_file_appenders(file: &SourceFile<'_>) -> Option<Vec<(Range<usize>, &'static str)>> {
    let mut out = None;
    for doc in file.yaml() {
        let appenders = yaml::get(&doc.node, "appenders")
            .and_then(yaml::mapping)
            .unwrap_or_default();
        let kinds: Vec<_> = appenders
            .iter()
            .filter_map(|(_, appender)| yaml::get(appender, "kind"))
            .collect();
        if kinds.is_empty() || kinds.len() < appenders.len() {
            continue;
        }
        let found: &mut Vec<_> = out.get_or_insert_with(Vec::new);
        for kind in kinds {
            let k = match yaml::scalar_str(kind) {
                Some("file") => "file",
                Some("rolling_file") => "rolling_file",
                _ => continue,
            };
            found.push((file.yaml_span(kind), k));
        }
    }
    out
}

/// The commands of a start script that run the app: the last one, any `exec`,
/// and a `tee` the last one pipes into. Setup steps (`echo .. > conf`) are not.
fn app_commands(cmds: &[Command]) -> Vec<&Command> {
    let mut out: Vec<&Command> = cmds
        .iter()
        .filter(|c| c.words.first().is_some_and(|(w, _)| w == "exec"))
        .collect();
    let last = cmds
        .iter()
        .rposition(|c| c.program().is_some_and(|(_, p)| p != "tee"));
    if let Some(i) = last {
        out.push(&cmds[i]);
        out.extend(cmds.get(i + 1).filter(|_| cmds[i].sep == Sep::Pipe));
    }
    out
}

/// A redirection of the command's output to a regular file (`> app.log`,
/// `>> /var/log/x 2>&1`, `| tee app.log`), with the target's span. `script`
/// is the text the word spans index, to tell a real `>` from a quoted one.
fn file_redirect(cmd: &Command, script: &str) -> Option<(String, Range<usize>)> {
    let is_file = |t: &str| {
        !t.is_empty()
            && !t.starts_with('&')
            && !t.starts_with("/dev/")
            && !t.starts_with("/proc/")
            && !t.chars().all(|c| c.is_ascii_digit())
    };
    let words = &cmd.words;
    if cmd.program().is_some_and(|(_, p)| p == "tee") {
        return words
            .iter()
            .skip(1)
            .find(|(w, _)| !w.starts_with('-') && is_file(w))
            .cloned();
    }
    for (i, (w, span)) in words.iter().enumerate() {
        let raw = script.get(span.clone()).unwrap_or_default();
        if raw.starts_with(['"', '\'']) {
            continue;
        }
        let rest = w.trim_start_matches(|c: char| c.is_ascii_digit() || c == '&');
        let Some(rest) = rest.strip_prefix('>') else {
            continue;
        };
        let rest = rest.strip_prefix('>').unwrap_or(rest);
        if rest.is_empty() {
            if let Some((t, s)) = words.get(i + 1).filter(|(t, _)| is_file(t)) {
                return Some((t.clone(), s.clone()));
            }
        } else if is_file(rest) {
            return Some((rest.to_string(), span.clone()));
        }
    }
    None
}

/// True for a word of a condition that names a logging setting: one of its `_`-separated
/// parts is a log or file word (`file_enabled`, `log_dir`, `logging`, `use_log_file`; not
/// `login`, `catalog` or `profile`).
fn names_a_log_setting(word: &str) -> bool {
    word.split('_').any(|part| {
        matches!(
            part,
            "file" | "files" | "logfile" | "log" | "logs" | "logging"
        )
    })
}

/// True for a `let … else` whose value names a logging setting, and for an `if` on a
/// logging setting, without `else`, whose block ends by returning: past it, the setting
/// is given.
fn returns_without_a_log_setting(stmt: &syn::Stmt) -> bool {
    let names_setting = |e: &syn::Expr| rust::expr_words(e).iter().any(|w| names_a_log_setting(w));
    match stmt {
        syn::Stmt::Local(l) => l
            .init
            .as_ref()
            .is_some_and(|init| init.diverge.is_some() && names_setting(&init.expr)),
        syn::Stmt::Expr(syn::Expr::If(e), _) => {
            e.else_branch.is_none()
                && names_setting(&e.cond)
                && matches!(
                    e.then_branch.stmts.last(),
                    Some(syn::Stmt::Expr(syn::Expr::Return(_), _))
                )
        }
        _ => false,
    }
}

/// The settings that point an app's logs at files where the app is deployed: `ENV` of a
/// Dockerfile's runtime stages, `environment:` of a compose service and `env` of a
/// Kubernetes container, each as (name, value, span), when the name says it is where logs
/// go ([`names_a_log_destination`]) and the value is a file path. Images of backing
/// services and proxies are not the app.
fn log_destinations(file: &SourceFile<'_>) -> Vec<(String, String, Range<usize>)> {
    let is_app = |image: Option<&str>| {
        image.is_none_or(|i| {
            let image = ImageRef::parse(i);
            image.backing_service().is_none() && !image.is_edge_proxy()
        })
    };
    let mut out = Vec::new();
    if let Some(df) = file.dockerfile()
        && is_app(df.runtime_base().as_deref())
    {
        for stage in df.runtime_stages() {
            for inst in stage.body.iter().filter(|i| i.keyword == "ENV") {
                for setting in inst.pairs(file.text) {
                    if let Some(key) = setting.key {
                        out.push((key, setting.value, setting.span));
                    }
                }
            }
        }
    }
    for doc in file.yaml() {
        let compose = doc
            .compose_services()
            .into_iter()
            .map(|(_, svc)| (svc, false));
        let pods = doc
            .workload_containers()
            .into_iter()
            .filter(|c| c.list == "containers")
            .map(|c| (c.node, true));
        for (container, kubernetes) in compose.chain(pods) {
            if is_app(yaml::str_at(container, "image")) {
                for (key, value, node) in yaml::container_env(container, kubernetes) {
                    out.push((key, value, file.yaml_span(node)));
                }
            }
        }
    }
    out.retain(|(key, value, _)| names_a_log_destination(key) && is_file_path(value));
    out
}

/// True for a setting's name that says where logs go: a log word and a place word among
/// its `_`-separated parts (`LOG_DIR`, `RUSTFS_OBS_LOG_DIRECTORY`, `APP_LOG_FILE`; not
/// Kafka's data directories `KAFKA_LOG_DIRS`, nor `MAX_LOG_FILES` or `COMMITLOG_DIRECTORY`).
fn names_a_log_destination(name: &str) -> bool {
    // `logDir` is `log_dir`: a capital after a lower-case letter starts a part.
    let mut snake = String::with_capacity(name.len() + 4);
    let mut lower_before = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && lower_before {
            snake.push('_');
        }
        lower_before = c.is_ascii_lowercase();
        snake.push(c.to_ascii_lowercase());
    }
    let parts: Vec<&str> = snake.split(['_', '-', '.']).collect();
    let has = |words: &[&str]| parts.iter().any(|p| words.contains(p));
    has(&["log", "logs", "logging"]) && has(&["dir", "directory", "file", "path", "folder"])
}

/// True for a value that names a file or directory (`/logs`, `./var/log/app.log`,
/// `app.log`), not an output stream (`/dev/stdout`, `/proc/1/fd/1`), a reference to
/// another variable, or a switch (`true`, `stdout`).
fn is_file_path(value: &str) -> bool {
    let value = value.trim();
    !value.contains('$')
        && !value.starts_with("/dev/")
        && !value.starts_with("/proc/")
        && (value.starts_with(['/', '~'])
            || value.starts_with("./")
            || value.starts_with("../")
            || value.ends_with(".log"))
}

/// True when the method chain `recv` starts at a fern `Dispatch::new()`: only there is
/// `.chain(file)` a log sink (`AsyncReadExt::chain` joins two readers).
fn chains_a_fern_dispatch(mut recv: &syn::Expr) -> bool {
    loop {
        match recv {
            syn::Expr::MethodCall(m) => recv = &m.receiver,
            syn::Expr::Paren(p) => recv = &p.expr,
            syn::Expr::Call(c) => {
                return call_path(c).is_some_and(|p| p.iter().any(|s| s == "Dispatch"));
            }
            _ => return false,
        }
    }
}

/// Log sinks over files found in Rust code.
#[derive(Default)]
struct Sinks {
    found: Vec<(String, Range<usize>)>,
    /// Local variables bound to an open file.
    file_vars: HashSet<String>,
    /// How many `if let Some(..) = setting` branches enclose the code being read: a sink
    /// there is opt-in, off unless the setting is given.
    opt_in: usize,
    /// The function being read also sends the logs to the output stream
    /// ([`writes_to_output`]): a file sink beside it is an extra copy.
    to_output: bool,
}

impl Sinks {
    /// True when `expr` opens a file or names a variable holding one.
    fn is_file(&self, expr: &syn::Expr) -> bool {
        struct Opens<'s>(&'s HashSet<String>, bool);
        impl<'ast> Visit<'ast> for Opens<'_> {
            fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
                if let Some(p) = call_path(c) {
                    let n = p.len();
                    self.1 |= n >= 2
                        && (matches!(p[n - 2].as_str(), "File")
                            && matches!(
                                p[n - 1].as_str(),
                                "create" | "open" | "options" | "create_new"
                            )
                            || p[n - 2] == "OpenOptions");
                }
                syn::visit::visit_expr_call(self, c);
            }
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                self.1 |= p
                    .path
                    .get_ident()
                    .is_some_and(|i| self.0.contains(&i.to_string()));
            }
        }
        let mut v = Opens(&self.file_vars, false);
        v.visit_expr(expr);
        v.1
    }

    fn any_file(&self, args: &syn::punctuated::Punctuated<syn::Expr, syn::Token![,]>) -> bool {
        args.iter().any(|a| self.is_file(a))
    }
}

impl Sinks {
    /// Read one function's body with its own file variables; the file sinks it adds are
    /// dropped when it also writes the logs to the output stream.
    fn in_function(&mut self, visit: impl FnOnce(&mut Self)) {
        let outer = std::mem::take(&mut self.file_vars);
        let outer_output = std::mem::replace(&mut self.to_output, false);
        let start = self.found.len();
        visit(self);
        if self.to_output {
            self.found.truncate(start);
        }
        self.file_vars = outer;
        self.to_output = outer_output;
    }
}

impl<'ast> Visit<'ast> for Sinks {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.in_function(|s| syn::visit::visit_item_fn(s, f));
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.in_function(|s| syn::visit::visit_impl_item_fn(s, f));
    }

    /// A statement that leaves the function unless a logging setting is given (`let
    /// Some(path) = &config.log_file else { return … };`, `if !cfg.log_enabled { return … }`)
    /// makes the rest of its block opt-in.
    fn visit_block(&mut self, b: &'ast syn::Block) {
        let outer = self.opt_in;
        for stmt in &b.stmts {
            self.visit_stmt(stmt);
            if returns_without_a_log_setting(stmt) {
                self.opt_in += 1;
            }
        }
        self.opt_in = outer;
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        // A branch on a logging setting (`if self.file_enabled`, `if cfg.log.file_dir.is_empty()
        // { stdout } else { file }`) lets the operator choose the sink: both branches are opt-in.
        if rust::expr_words(&e.cond)
            .iter()
            .any(|w| names_a_log_setting(w))
        {
            self.opt_in += 1;
            syn::visit::visit_expr_if(self, e);
            self.opt_in -= 1;
        } else {
            rust::visit_if_counting_switches(self, e, &[], |s| &mut s.opt_in);
        }
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        syn::visit::visit_local(self, l);
        if let (syn::Pat::Ident(id), Some(init)) = (&l.pat, &l.init)
            && self.is_file(&init.expr)
        {
            self.file_vars.insert(id.ident.to_string());
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        syn::visit::visit_expr_call(self, c);
        let Some(path) = call_path(c) else { return };
        let span = call_path_span(c).unwrap_or_default();
        let n = path.len();
        let last = path[n - 1].as_str();
        let owner = if n >= 2 { path[n - 2].as_str() } else { "" };
        let what = match (owner, last) {
            ("rolling", "daily" | "hourly" | "minutely" | "never") => {
                Some(format!("`tracing_appender::rolling::{last}`"))
            }
            ("RollingFileAppender", "new" | "builder") => Some("`RollingFileAppender`".into()),
            ("FileAppender", "builder") => Some("log4rs `FileAppender`".into()),
            ("fern", "log_file") => Some("`fern::log_file`".into()),
            ("simple_logging", "log_to_file") => Some("`simple_logging::log_to_file`".into()),
            ("FileLoggerBuilder", "new") => Some("sloggers `FileLoggerBuilder`".into()),
            ("FileRotate", "new") => Some("`file_rotate::FileRotate`".into()),
            ("WriteLogger", "new" | "init") if self.any_file(&c.args) => {
                Some("simplelog `WriteLogger` over a `File`".into())
            }
            (_, "non_blocking") if self.any_file(&c.args) => {
                Some("`tracing_appender::non_blocking` over a `File`".into())
            }
            ("Target", "Pipe") if self.any_file(&c.args) => {
                Some("env_logger `Target::Pipe` to a `File`".into())
            }
            ("PlainDecorator" | "PlainSyncDecorator" | "Json", "new" | "default")
                if self.any_file(&c.args) =>
            {
                Some(format!("slog `{owner}` over a `File`"))
            }
            _ => None,
        };
        if let Some(what) = what.filter(|_| self.opt_in == 0) {
            self.found.push((what, span));
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, m);
        self.to_output |= writes_to_output(m);
        let method = m.method.to_string();
        let what = match method.as_str() {
            "log_to_file" | "log_to_file_and_writer" => Some(format!("flexi_logger `.{method}()`")),
            "chain" if !chains_a_fern_dispatch(&m.receiver) => None,
            "with_writer" | "chain" | "writer" if self.any_file(&m.args) => {
                Some(format!("`.{method}(..)` over a `File`"))
            }
            _ => None,
        };
        if let Some(what) = what.filter(|_| self.opt_in == 0) {
            self.found.push((what, span_range(m.method.span())));
        }
    }
}

/// True when a method call sends logs to the output stream:
/// `.with_writer(std::io::stdout)` (or `stderr`), a fern dispatch's
/// `.chain(std::io::stdout())`, a `tracing_subscriber` subscriber finished or installed
/// (`.finish()`, `.init()`) without a writer of its own (`fmt::Subscriber::builder()…`,
/// `tracing_subscriber::fmt()…`), or a `fmt` layer added without one
/// (`.with(fmt::layer())`): both write to stdout.
fn writes_to_output(m: &syn::ExprMethodCall) -> bool {
    let names_stream = |e: &syn::Expr| {
        rust::expr_words(e)
            .iter()
            .any(|w| w == "stdout" || w == "stderr")
    };
    match m.method.to_string().as_str() {
        "with_writer" => m.args.iter().any(names_stream),
        "chain" => chains_a_fern_dispatch(&m.receiver) && m.args.iter().any(names_stream),
        "finish" | "init" | "try_init" => stdout_by_default(&m.receiver),
        "with" => m.args.iter().any(stdout_by_default),
        _ => false,
    }
}

/// The calls that start a `tracing_subscriber` formatter, by the end of their path.
const FORMATTERS: &[&[&str]] = &[
    &["tracing_subscriber", "fmt"],
    &["fmt", "layer"],
    &["Subscriber", "builder"],
    &["Layer", "default"],
    &["Layer", "new"],
];

/// True for a method chain built on a `tracing_subscriber` formatter (`fmt()`,
/// `fmt::Subscriber::builder()`, `fmt::layer()`, `fmt::Layer::default()`) that never
/// sets a writer: it writes to stdout.
fn stdout_by_default(mut expr: &syn::Expr) -> bool {
    loop {
        match expr {
            syn::Expr::MethodCall(m) if m.method == "with_writer" => return false,
            syn::Expr::MethodCall(m) => expr = &m.receiver,
            syn::Expr::Paren(p) => expr = &p.expr,
            syn::Expr::Call(c) => {
                let Some(path) = call_path(c) else {
                    return false;
                };
                return FORMATTERS
                    .iter()
                    .any(|suffix| rust::path_ends_with(&path, suffix));
            }
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_destinations_by_name_and_value() {
        assert!(names_a_log_destination("RUSTFS_OBS_LOG_DIRECTORY"));
        assert!(names_a_log_destination("log_file"));
        assert!(names_a_log_destination("APP_LOGS_PATH"));
        assert!(names_a_log_destination("logDir"));
        assert!(names_a_log_destination("logging.dir"));
        assert!(!names_a_log_destination("catalogDir"));
        assert!(!names_a_log_destination("KAFKA_LOG_DIRS"));
        assert!(!names_a_log_destination("MAX_LOG_FILES"));
        assert!(!names_a_log_destination("COMMITLOG_DIRECTORY"));
        assert!(!names_a_log_destination("RUST_LOG"));
        assert!(is_file_path("/logs"));
        assert!(is_file_path("server.log"));
        assert!(is_file_path("./deploy/logs"));
        assert!(!is_file_path("/dev/stdout"));
        assert!(!is_file_path("/proc/1/fd/1"));
        assert!(!is_file_path("${LOG_DIR}"));
        assert!(!is_file_path("stdout"));
        assert!(!is_file_path("true"));
    }

    #[test]
    fn log_settings_by_their_word_parts() {
        for w in [
            "file_enabled",
            "log_dir",
            "logging",
            "use_log_file",
            "file_dir",
            "log",
        ] {
            assert!(names_a_log_setting(w), "{w}");
        }
        for w in ["login", "catalog", "profile", "is_empty", "debug"] {
            assert!(!names_a_log_setting(w), "{w}");
        }
    }
}
