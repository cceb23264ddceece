//! TF1101 file-logging: the app writes its logs to files.

use std::collections::HashSet;
use std::ops::Range;

use syn::visit::Visit;

use crate::model::launch::launches;
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
        summary: "logs written to files: tracing-appender, log4rs, simplelog, fern, flexi_logger, slog or env_logger file sinks, `log4rs.yaml` file appenders, `CMD app > file`",
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
        if is_log4rs_config(file.path) {
            for doc in file.yaml() {
                for (_, appender) in yaml::get(&doc.node, "appenders")
                    .and_then(yaml::mapping)
                    .unwrap_or_default()
                {
                    let Some(kind) = yaml::get(appender, "kind") else {
                        continue;
                    };
                    let Some(k) =
                        yaml::scalar_str(kind).filter(|k| matches!(*k, "file" | "rolling_file"))
                    else {
                        continue;
                    };
                    cx.report(
                        file.loc(file.yaml_span(kind)),
                        format!("log4rs appender of kind `{k}` writes logs to a file instead of the output stream"),
                        "use a `console` appender (stdout) and let the platform collect the stream",
                    );
                }
            }
        }
        // An init container prepares files (`sed … > config.yaml`); it is not the app.
        for l in launches(file).iter().filter(|l| !l.dev && !l.init) {
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
}

/// `log4rs.yaml`, `log4rs.yml`, `log4rs-prod.yaml`.
fn is_log4rs_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("log4rs") && (name.ends_with(".yaml") || name.ends_with(".yml"))
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
