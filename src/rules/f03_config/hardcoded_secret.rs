//! TF0301 hardcoded-secret: credentials committed in code or deploy files.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use syn::visit::Visit;

use crate::diagnostic::{Diagnostic, Location};
use crate::model::secrets::{self, Context};
use crate::model::source::{FileKind, SourceFile};
use crate::model::value::{self, ValueKind};
use crate::model::{deployed_config, role};
use crate::parse::lex::{Kind, Tokens};
use crate::parse::rust::{StrLit, is_variable_name, may_read_variable};
use crate::parse::yaml::{self, DocKind, Node};
use crate::rules::prelude::*;

declare_rule! {
    HardcodedSecret {
        code: "TF0301",
        name: "hardcoded-secret",
        factor: 3,
        severity: Error,
        stability: Preview,
        since: "0.1.0",
        kinds: [
        Rust,
        Yaml,
        Dockerfile,
        Env,
        Toml,
    ],
        summary: "a credential committed in code or deploy files",
        security: true,
        tree: Prefilter::Tokens(&[], may_be_keyed),
    }
}

impl Check for HardcodedSecret {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        report(file, collect(file, Context::AtRest), None, cx);
    }

    /// Config files deployed as written (copied into a production image, a chart's default
    /// values) are read again as deployed settings: what only counts there, such as a weak
    /// default, is reported with what deploys the file as related location.
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        for config in deployed_config::deployed_configs(project) {
            config.read(project, |file| {
                let mut deployed = collect(file, Context::Deployed);
                let at_rest = collect(file, Context::AtRest);
                deployed
                    .found
                    .retain(|span, _| !at_rest.found.contains_key(span));
                deployed.groups.clear();
                report(file, deployed, Some((&config.by, config.how)), cx);
            });
        }
    }
}

/// The credentials of `file`, reading its config settings (TOML, YAML that is neither compose
/// nor Kubernetes) in context `config`.
fn collect(file: &SourceFile<'_>, config: Context) -> Findings {
    let mut found = Findings {
        config,
        ..Findings::default()
    };
    {
        match file.kind {
            FileKind::Rust => rust_values(file, &mut found),
            FileKind::Yaml => yaml_values(file, &mut found),
            FileKind::Dockerfile => dockerfile_values(file, &mut found),
            FileKind::Env => {
                for e in file.env() {
                    let span = e.value_span.clone();
                    found.check(Some(&e.key), &e.value, Context::AtRest, &verbatim(&file.text[span.clone()], &e.value, span),
                        "keep this file out of git (commit a `.env.example` with placeholders) and inject the value from the environment");
                }
            }
            FileKind::Toml => {
                if let Some(table) = file.toml() {
                    toml_values(file, table, &mut found, 0);
                }
            }
            FileKind::Cargo | FileKind::Shell => {}
        }
    }
    if file.kind != FileKind::Rust {
        found
            .found
            .retain(|&(start, _), _| !value::marked_to_replace(file.text, start));
    }
    found
}

/// Report what was found in `file`; `deployed_by` is what deploys the file as written.
/// One credential committed in several places of a file (a database password given to the
/// database and to its clients) is one finding, at its first place; so are all the
/// credentials of a config file deployed as written, whose cause is the file.
fn report(
    file: &SourceFile<'_>,
    found: Findings,
    deployed_by: Option<(&Location, &str)>,
    cx: &mut Ctx<'_>,
) {
    let text = |span: &Range<usize>| file.text.get(span.clone()).unwrap_or_default();
    let mut by_cause: HashMap<&str, usize> = HashMap::new();
    let mut reports: Vec<Group> = Vec::new();
    for ((start, end), (message, help)) in found.found {
        let secret = text(&(start..end));
        let cause = if deployed_by.is_some() { "" } else { secret };
        match by_cause.get(cause) {
            Some(&i) => {
                let same = text(&reports[i].span) == secret;
                reports[i].related.push((
                    start..end,
                    if same {
                        "the same credential, committed again".to_string()
                    } else {
                        message
                    },
                ));
            }
            None => {
                by_cause.insert(cause, reports.len());
                reports.push(Group {
                    span: start..end,
                    message,
                    help,
                    related: Vec::new(),
                    redact: true,
                });
            }
        }
    }
    for g in reports.into_iter().chain(found.groups) {
        let d = cx.report(file.loc(g.span.clone()), g.message, g.help);
        if g.redact {
            redact(d, text(&g.span));
        }
        if let Some((by, how)) = deployed_by {
            d.with_related(by.clone(), how);
        }
        for (span, message) in g.related {
            if g.redact {
                redact(d, text(&span));
            }
            d.with_related(file.loc(span), message);
        }
    }
}

/// Record `value` for masking in the output, unless it is a weak default: a well-known
/// value such as `postgres` protects nothing by being masked, and masking it would garble
/// every message that names it.
fn redact(d: &mut Diagnostic, value: &str) {
    if value::kind(value) != ValueKind::Weak {
        d.with_secret(value);
    }
}

/// Findings keyed by span, so one literal is reported once.
struct Findings {
    found: BTreeMap<(usize, usize), (String, &'static str)>,
    /// The spans of `found` not inside another, start → end. None holds another, so
    /// their ends grow with their starts: a span inside any found span is inside the
    /// last of these that starts at or before it, found in logarithmic time.
    outermost: BTreeMap<usize, usize>,
    /// Findings of one cause with several places (a Secret's credentials).
    groups: Vec<Group>,
    /// The context of config settings: TOML and YAML that is neither compose nor Kubernetes.
    config: Context,
}

impl Default for Findings {
    fn default() -> Self {
        Findings {
            found: BTreeMap::new(),
            outermost: BTreeMap::new(),
            groups: Vec::new(),
            config: Context::AtRest,
        }
    }
}

/// One finding at `span` with other places of the same cause.
struct Group {
    span: std::ops::Range<usize>,
    message: String,
    help: &'static str,
    related: Vec<(std::ops::Range<usize>, String)>,
    /// False when its places hold no credential value to mask (a build argument's name).
    redact: bool,
}

impl Findings {
    /// Check `value` (stored under `key`, if any, in `context`); `map` turns value ranges
    /// into file ranges.
    fn check(
        &mut self,
        key: Option<&str>,
        value: &str,
        context: Context,
        map: &dyn Fn(Range<usize>) -> Range<usize>,
        help: &'static str,
    ) {
        let finding = if let Some(url) = secrets::credential_url_in(value, context) {
            let whose = if url.user.is_empty() {
                String::new()
            } else {
                format!(" for user `{}`", url.user)
            };
            Some((
                map(url.password.clone()),
                format!("`{}` URL embeds a password{whose}", url.scheme),
            ))
        } else if let Some((kind, range)) = secrets::token(value) {
            Some((map(range), format!("{kind} committed in the repository")))
        } else {
            key.filter(|k| secrets::is_secret_name(k))
                .and_then(|key| Some((key, secrets::secret_value(value, context)?)))
                .map(|(key, kind)| {
                    let what = match kind {
                        ValueKind::Weak => "a weak default credential that is deployed as written",
                        _ => "a literal secret",
                    };
                    (map(0..value.len()), format!("`{key}` is set to {what}"))
                })
        };
        if let Some((span, message)) = finding
            && self
                .outermost
                .range(..=span.start)
                .next_back()
                .is_none_or(|(_, &end)| span.end > end)
        {
            let inside: Vec<usize> = self
                .outermost
                .range(span.start..span.end.max(span.start + 1))
                .filter(|(_, end)| **end <= span.end)
                .map(|(start, _)| *start)
                .collect();
            for start in inside {
                self.outermost.remove(&start);
            }
            self.outermost.insert(span.start, span.end);
            self.found.insert((span.start, span.end), (message, help));
        }
    }
}

/// A mapper for a value whose text appears verbatim inside its raw source at `span`.
fn verbatim(raw: &str, value: &str, span: Range<usize>) -> impl Fn(Range<usize>) -> Range<usize> {
    let base = raw.find(value).filter(|_| !value.is_empty());
    move |r: Range<usize>| match base {
        Some(b) => span.start + b + r.start..span.start + b + r.end,
        None => span.clone(),
    }
}

/// The tree only adds findings of a secret-looking literal bound to a secret name (URLs and
/// token formats are found in every literal without it): an identifier passing
/// [`secrets::is_secret_name`] (the key: a binding, const, field, method or assigned name)
/// or a string literal naming an environment variable so (`"JWT_SECRET"`), followed, with
/// no `;` between, by a string literal passing [`secrets::looks_secret`] (every form
/// [`KeyedLiterals`] reads puts the literal after its key in one statement).
fn may_be_keyed(t: &Tokens<'_>, item: Range<usize>) -> bool {
    // The identifiers of a statement are judged only once a string literal follows them:
    // most statements hold none.
    let mut unjudged = item.start;
    let mut keyed = false;
    // Keyed by a variable's name, or in an item that names `Default` (an `impl Default`):
    // the value may be a setting's default ([`Context::Fallback`]). The item is searched
    // for `Default` only when a keyed value needs it.
    let (start, end) = (item.start, item.end);
    let names_default =
        || (start..end).any(|i| t.kind(i) == Some(Kind::Ident) && t.ident(i) == Some("Default"));
    let mut defaults: Option<bool> = None;
    let mut by_variable = false;
    for i in item {
        match t.kind(i) {
            Some(Kind::Punct(';')) => {
                keyed = false;
                by_variable = false;
                unjudged = i + 1;
            }
            Some(Kind::Str | Kind::RawStr) => {
                keyed = keyed
                    || (unjudged..i).any(|j| {
                        t.kind(j) == Some(Kind::Ident) && t.ident(j).is_some_and(may_name_secret)
                    });
                unjudged = i;
                let value = t.str_value(i);
                if keyed
                    && let Some(v) = value.as_deref()
                    && (secrets::looks_secret(v)
                        || (by_variable || *defaults.get_or_insert_with(&names_default))
                            && secrets::secret_value(v, Context::Fallback).is_some())
                {
                    return true;
                }
                // A variable's name keys the value after it (`set_var("JWT_SECRET", "…")`).
                if value
                    .as_deref()
                    .is_some_and(|v| is_variable_name(v) && may_name_secret(v))
                {
                    keyed = true;
                    by_variable = true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A cheap necessary condition of [`secrets::is_secret_name`], then the real test: a secret
/// word (or compound) appears in the name's letters, lower-cased and with everything else
/// removed.
fn may_name_secret(name: &str) -> bool {
    const FRAGMENTS: &[&[u8]] = &[
        b"pass",
        b"pwd",
        b"secret",
        b"token",
        b"apikey",
        b"credential",
        b"privatekey",
        b"accesskey",
        b"signingkey",
        b"encryptionkey",
        b"masterkey",
        b"authkey",
        b"dsn",
    ];
    /// The first letters of the fragments.
    const STARTS: [bool; 256] = {
        let mut starts = [false; 256];
        let mut k = 0;
        while k < FRAGMENTS.len() {
            starts[FRAGMENTS[k][0] as usize] = true;
            k += 1;
        }
        starts
    };
    // The lower-cased letters, on the stack: this runs for every identifier of a file.
    let mut buf = [0u8; 64];
    let mut len = 0;
    let mut long = false;
    for b in name.bytes().filter(u8::is_ascii_alphabetic) {
        if len == buf.len() {
            long = true;
            break;
        }
        buf[len] = b.to_ascii_lowercase();
        len += 1;
    }
    let letters = &buf[..len];
    // One pass: a fragment is compared only where a letter one can start with stands.
    let fragment = !name.is_ascii()
        || long
        || (0..letters.len()).any(|i| {
            STARTS[letters[i] as usize] && FRAGMENTS.iter().any(|f| letters[i..].starts_with(f))
        });
    fragment && secrets::is_secret_name(name)
}

const RUST_HELP: &str =
    "read it from the environment (`std::env::var`) or a secret store at startup";

fn rust_values(file: &SourceFile<'_>, found: &mut Findings) {
    let literals = file.string_literals();
    if let Some(ast) = file.rust() {
        let mut keyed = KeyedLiterals::default();
        keyed.visit_file(ast);
        for (key, lit, bound) in keyed.found {
            let unset = bound.unset();
            if unset.is_some() && secrets::restates_key(&key, &lit.value) {
                continue;
            }
            let map = |r| lit.sub_span(file.text, r);
            // Half of a login falls back to what a local setup uses, with its address.
            let context = if unset.is_some() && !secrets::is_login_credential(&key) {
                Context::Fallback
            } else {
                Context::AtRest
            };
            found.check(Some(&key), &lit.value, context, &map, RUST_HELP);
            let whole = map(0..lit.value.len());
            // The variable names the setting better than the field it is stored in.
            if let Some(unset) = unset
                && let Some((message, help)) = found.found.get_mut(&(whole.start, whole.end))
                && message.contains("` is set to ")
            {
                *message = format!("`{key}` falls back to a literal secret when {unset}");
                *help = FALLBACK_HELP;
            }
        }
    }
    for lit in literals {
        if secrets::token(&lit.value).is_some() && is_example_of_pattern(file, lit) {
            continue;
        }
        found.check(
            None,
            &lit.value,
            Context::AtRest,
            &|r| lit.sub_span(file.text, r),
            RUST_HELP,
        );
    }
}

/// True when `lit` is a pattern's example ([`value::is_pattern_example`]).
fn is_example_of_pattern(file: &SourceFile<'_>, lit: &StrLit) -> bool {
    file.tokens()
        .and_then(|tokens| Some((tokens, tokens.at(lit.span.start)?)))
        .is_some_and(|(tokens, i)| value::is_pattern_example(tokens, i))
}

/// How a string literal is bound to its key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// The value itself: `let token = "…"`, `Config { password: "…" }`.
    Value,
    /// The default of an environment variable, keyed by the variable.
    EnvDefault,
    /// A field of a `Default` impl: the setting's value when the configuration leaves it out.
    SettingDefault,
}

impl Bound {
    /// For a default, when it runs: where the environment or the configuration leaves the
    /// setting out.
    fn unset(self) -> Option<&'static str> {
        match self {
            Bound::Value => None,
            Bound::EnvDefault => Some("the environment does not set it"),
            Bound::SettingDefault => Some("the configuration does not set it"),
        }
    }
}

/// String literals bound to a name: `let token = "…"`, `const API_KEY: &str = "…"`,
/// `Config { password: "…" }`, `.password("…")`, `cfg.secret = "…"`; fallbacks of
/// environment variables, keyed by the variable: `env::var("JWT_SECRET").unwrap_or("…")`,
/// `get_env_var("JWT_SECRET", "…")`; and the fields of `impl Default for Settings`.
#[derive(Default)]
struct KeyedLiterals {
    found: Vec<(String, StrLit, Bound)>,
    /// How many `match` arms taken only in development or test environments
    /// (`AppEnv::DEV | AppEnv::TEST => …`) enclose the code being read: a fallback there
    /// never runs in production.
    dev_arms: usize,
    /// How many `impl Default for …` blocks enclose the code being read.
    default_impls: usize,
}

impl KeyedLiterals {
    fn push(&mut self, key: String, expr: &syn::Expr) {
        if let Some(lit) = literal_of(expr, 0) {
            let bound = if self.default_impls > 0 {
                Bound::SettingDefault
            } else {
                Bound::Value
            };
            self.found.push((key, StrLit::new(lit, false), bound));
        }
    }

    /// `fallback`, the value used when the environment variable named by `name` is unset.
    fn push_fallback(&mut self, name: &syn::Expr, fallback: &syn::Expr) {
        if let Some(var) = variable_named(name)
            && let Some(lit) = literal_of(fallback, 0)
        {
            self.push_default(var, lit);
        }
    }

    /// `lit`, the default of the environment variable `var` (a fallback or a command-line
    /// argument's `default_value`), unless only development or test environments take it.
    fn push_default(&mut self, var: String, lit: &syn::LitStr) {
        if self.dev_arms == 0 {
            self.found
                .push((var, StrLit::new(lit, false), Bound::EnvDefault));
        }
    }
}

/// The variable and default of a command-line argument read from the environment:
/// `#[arg(long, env = "ADMIN_PASSWORD", default_value = "…")]` (clap's `arg` or `clap`,
/// structopt's `structopt`). The default is what runs when the variable is unset.
fn argument_env_default(attr: &syn::Attribute) -> Option<(String, syn::LitStr)> {
    if !["arg", "clap", "structopt"]
        .iter()
        .any(|name| attr.path().is_ident(name))
    {
        return None;
    }
    let (mut env, mut default) = (None, None);
    attr.parse_nested_meta(|meta| {
        if meta.input.peek(syn::Token![=]) {
            let value: syn::Expr = meta.value()?.parse()?;
            let lit = match value {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s),
                    ..
                }) => Some(s),
                _ => None,
            };
            if meta.path.is_ident("env") {
                env = lit.map(|l| l.value());
            } else if meta.path.is_ident("default_value") {
                default = lit;
            }
        } else if meta.input.peek(syn::token::Paren) {
            let _group: proc_macro2::Group = meta.input.parse()?;
        }
        Ok(())
    })
    .ok()?;
    Some((env?, default?))
}

/// True when every alternative of a `match` pattern is a path whose last segment names a
/// development or test environment (`AppEnv::DEV | AppEnv::TEST`, `Env::Local`).
fn only_development_or_test(pat: &syn::Pat) -> bool {
    match pat {
        syn::Pat::Or(or) => or.cases.iter().all(only_development_or_test),
        syn::Pat::Path(p) => p
            .path
            .segments
            .last()
            .is_some_and(|s| role::names_development_or_test(&s.ident.to_string())),
        _ => false,
    }
}

/// The environment variable a string literal expression names (`"JWT_SECRET"`).
fn variable_named(expr: &syn::Expr) -> Option<String> {
    literal_of(expr, 0)
        .map(|n| n.value())
        .filter(|v| is_variable_name(v))
}

/// The string literal an expression evaluates to, through `.to_string()`, `String::from`,
/// `.into()`, `&`, and fallbacks such as `.unwrap_or("…")`.
fn literal_of(expr: &syn::Expr, depth: usize) -> Option<&syn::LitStr> {
    if depth > 8 {
        return None;
    }
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(s),
        syn::Expr::Reference(r) => literal_of(&r.expr, depth + 1),
        syn::Expr::Paren(p) => literal_of(&p.expr, depth + 1),
        syn::Expr::MethodCall(m) => match m.method.to_string().as_str() {
            // `"0123".repeat(16)` is judged by the text it repeats.
            "to_string" | "to_owned" | "into" | "clone" | "repeat" => {
                literal_of(&m.receiver, depth + 1)
            }
            "unwrap_or" | "unwrap_or_else" | "or" => {
                m.args.first().and_then(|a| literal_of(a, depth + 1))
            }
            _ => None,
        },
        syn::Expr::Closure(c) => literal_of(&c.body, depth + 1),
        syn::Expr::Call(c) => {
            let is_from = matches!(&*c.func, syn::Expr::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "from" || s.ident == "new"));
            if is_from {
                c.args.first().and_then(|a| literal_of(a, depth + 1))
            } else {
                None
            }
        }
        _ => None,
    }
}

impl<'ast> Visit<'ast> for KeyedLiterals {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_field(&mut self, field: &'ast syn::Field) {
        for (var, default) in field.attrs.iter().filter_map(argument_env_default) {
            if is_variable_name(&var) {
                self.push_default(var, &default);
            }
        }
        syn::visit::visit_field(self, field);
    }

    fn visit_item_impl(&mut self, item: &'ast syn::ItemImpl) {
        let default = item
            .trait_
            .as_ref()
            .and_then(|(path, _)| path.segments.last())
            .is_some_and(|s| s.ident == "Default");
        self.default_impls += usize::from(default);
        syn::visit::visit_item_impl(self, item);
        self.default_impls -= usize::from(default);
    }

    fn visit_arm(&mut self, arm: &'ast syn::Arm) {
        let dev = only_development_or_test(&arm.pat);
        self.dev_arms += usize::from(dev);
        syn::visit::visit_arm(self, arm);
        self.dev_arms -= usize::from(dev);
    }

    fn visit_local(&mut self, local: &'ast syn::Local) {
        let name = match &local.pat {
            syn::Pat::Ident(i) => Some(i.ident.to_string()),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(i) => Some(i.ident.to_string()),
                _ => None,
            },
            _ => None,
        };
        if let (Some(name), Some(init)) = (name, &local.init) {
            self.push(name, &init.expr);
        }
        syn::visit::visit_local(self, local);
    }

    fn visit_item_const(&mut self, item: &'ast syn::ItemConst) {
        self.push(item.ident.to_string(), &item.expr);
        syn::visit::visit_item_const(self, item);
    }

    fn visit_item_static(&mut self, item: &'ast syn::ItemStatic) {
        self.push(item.ident.to_string(), &item.expr);
        syn::visit::visit_item_static(self, item);
    }

    fn visit_field_value(&mut self, fv: &'ast syn::FieldValue) {
        if let syn::Member::Named(name) = &fv.member {
            self.push(name.to_string(), &fv.expr);
        }
        syn::visit::visit_field_value(self, fv);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        if let Some(arg) = m.args.first() {
            self.push(m.method.to_string(), arg);
            // `env::var("NAME").unwrap_or("…")`, `.unwrap_or_else(|_| "…".into())`
            if matches!(
                m.method.to_string().as_str(),
                "unwrap_or" | "unwrap_or_else" | "or"
            ) && let syn::Expr::Call(read) = &*m.receiver
                && let syn::Expr::Path(f) = &*read.func
                && f.path.segments.last().is_some_and(|s| s.ident == "var")
                && let Some(name) = read.args.first()
            {
                self.push_fallback(name, arg);
            }
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    /// `get_env_var("JWT_SECRET", "…")` and `env::set_var("JWT_SECRET", "…")`: the value
    /// is keyed by the variable, as its default or as what it is set to.
    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        if let syn::Expr::Path(f) = &*c.func
            && let Some(function) = f.path.segments.last().map(|s| s.ident.to_string())
            && let [name, value] = c.args.iter().collect::<Vec<_>>()[..]
        {
            if may_read_variable(&function) {
                self.push_fallback(name, value);
            } else if let Some(var) = variable_named(name) {
                self.push(var, value);
            }
        }
        syn::visit::visit_expr_call(self, c);
    }

    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        let name = match &*a.left {
            syn::Expr::Field(f) => match &f.member {
                syn::Member::Named(n) => Some(n.to_string()),
                syn::Member::Unnamed(_) => None,
            },
            syn::Expr::Path(p) => p.path.get_ident().map(|i| i.to_string()),
            _ => None,
        };
        if let Some(name) = name {
            self.push(name, &a.right);
        }
        syn::visit::visit_expr_assign(self, a);
    }
}

const FALLBACK_HELP: &str =
    "leave the secret without a default: fail at start when the environment does not set it";

const K8S_HELP: &str =
    "reference a Secret with `valueFrom.secretKeyRef` instead of a literal `value`";
const K8S_SECRET_HELP: &str = "create Secrets at deploy time (sealed-secrets, external-secrets, SOPS) instead of committing their values";
const COMPOSE_HELP: &str = "use `${VAR}` interpolation, an uncommitted `env_file` or compose `secrets:` instead of a literal";
const YAML_HELP: &str =
    "read the value from the environment or a secret store instead of committing it";

fn yaml_values(file: &SourceFile<'_>, found: &mut Findings) {
    for doc in file.yaml() {
        let help = match &doc.kind {
            DocKind::Kubernetes(k) if k == "Secret" => {
                k8s_secret(file, &doc.node, found);
                continue;
            }
            DocKind::Kubernetes(_) => K8S_HELP,
            DocKind::Compose => COMPOSE_HELP,
            DocKind::Other => YAML_HELP,
        };
        let deployed = match &doc.kind {
            DocKind::Compose => Some("environment"),
            DocKind::Kubernetes(_) => Some("env"),
            DocKind::Other => None,
        };
        yaml_node(
            file,
            &doc.node,
            None,
            (deployed, found.config),
            found,
            help,
            0,
        );
    }
}

/// A Kubernetes Secret commits its credentials: one finding per Secret, at its first
/// credential key, with the others as related locations. Keys that do not name a
/// credential (`DB_HOST`, `PORT`, `USERNAME`) and hold no URL with a password, and
/// placeholder values, are left alone;
/// `data` values are judged after base64 decoding.
fn k8s_secret(file: &SourceFile<'_>, node: &Node<'_>, found: &mut Findings) {
    let name = yaml::get(node, "metadata")
        .and_then(|m| yaml::str_at(m, "name"))
        .unwrap_or("?");
    let mut credentials = Vec::new();
    for section in ["data", "stringData"] {
        for (k, v) in yaml::get(node, section)
            .and_then(yaml::mapping)
            .unwrap_or_default()
        {
            let (Some(key), Some(value)) = (yaml::scalar_str(k), yaml::scalar_text(v)) else {
                continue;
            };
            let value = match section {
                "data" => secrets::base64_text(&value).unwrap_or(value),
                _ => value,
            };
            let credential = secrets::credential_url_in(&value, Context::Deployed).is_some()
                || (secrets::is_secret_name(key)
                    && secrets::secret_value(&value, Context::Deployed).is_some());
            if !credential {
                continue;
            }
            credentials.push((file.yaml_span(v), key.to_string()));
        }
    }
    credentials.sort_by_key(|(span, _)| span.start);
    let Some(((first, first_key), rest)) = credentials.split_first() else {
        return;
    };
    let keys: Vec<&str> = credentials.iter().map(|(_, k)| k.as_str()).collect();
    found.groups.push(Group {
        span: first.clone(),
        message: format!(
            "Kubernetes Secret `{name}` commits the value of {}",
            match keys.len() {
                1 => format!("`{first_key}`"),
                n => format!("{n} credentials: `{}`", keys.join("`, `")),
            }
        ),
        help: K8S_SECRET_HELP,
        related: rest
            .iter()
            .map(|(span, key)| {
                (
                    span.clone(),
                    format!("`{key}` is committed in the same Secret"),
                )
            })
            .collect(),
        redact: true,
    });
}

/// The key under which a document's settings are deployed as written (`environment` in
/// compose, `env` in Kubernetes), and the context of the node being read.
type Settings = (Option<&'static str>, Context);

fn yaml_node(
    file: &SourceFile<'_>,
    node: &Node<'_>,
    key: Option<&str>,
    (deployed_key, context): Settings,
    found: &mut Findings,
    help: &'static str,
    depth: usize,
) {
    if depth > 128 {
        return;
    }
    // A config deployed as written (a chart's default values) does not deploy what it
    // switches off (a disabled subchart's password).
    if context == Context::Deployed && deployed_key.is_none() && yaml::is_switched_off(node) {
        return;
    }
    if let Some(entries) = yaml::mapping(node) {
        // `{name: X, value: Y}` (Kubernetes env, many other lists): Y is stored under X.
        let named = yaml::str_at(node, "name").filter(|_| yaml::get(node, "value").is_some());
        for (k, v) in entries {
            let k = yaml::scalar_str(k);
            let effective = if k == Some("value") { named.or(k) } else { k };
            let context = if k.is_some() && k == deployed_key {
                Context::Deployed
            } else {
                context
            };
            yaml_node(
                file,
                v,
                effective,
                (deployed_key, context),
                found,
                help,
                depth + 1,
            );
        }
    } else if let Some(items) = yaml::sequence(node) {
        for item in items {
            yaml_node(
                file,
                item,
                key,
                (deployed_key, context),
                found,
                help,
                depth + 1,
            );
        }
    } else if let Some(value) = yaml::scalar_str(node) {
        let span = file.yaml_span(node);
        let raw = file.text.get(span.clone()).unwrap_or_default();
        // `- KEY=value` items (compose `environment:` list form).
        match value.split_once('=').filter(|(k, _)| is_env_name(k)) {
            Some((k, v)) => {
                let offset = value.len() - v.len();
                let map = verbatim(raw, value, span);
                found.check(
                    Some(k),
                    v,
                    context,
                    &|r: Range<usize>| map(r.start + offset..r.end + offset),
                    help,
                );
            }
            None => found.check(key, value, context, &verbatim(raw, value, span), help),
        }
    }
}

fn is_env_name(k: &str) -> bool {
    !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !k.starts_with(|c: char| c.is_ascii_digit())
}

const DOCKER_HELP: &str = "pass it at run time (orchestrator secrets, `docker run -e`) or use a BuildKit secret mount (`RUN --mount=type=secret`)";

const BUILD_ARG_HELP: &str = "keep the value out of the image: use it in the step that needs it through a BuildKit secret mount (`RUN --mount=type=secret`), or pass it at run time";

fn dockerfile_values(file: &SourceFile<'_>, found: &mut Findings) {
    let Some(df) = file.dockerfile() else { return };
    persisted_build_secrets(file, df, found);
    for inst in df
        .instructions
        .iter()
        .filter(|i| matches!(i.keyword.as_str(), "ENV" | "ARG" | "LABEL"))
    {
        // An `ENV` value is baked into the image and runs; `ARG` and `LABEL` values are seen.
        let context = match inst.keyword.as_str() {
            "ENV" => Context::Deployed,
            _ => Context::AtRest,
        };
        for setting in inst.pairs(file.text) {
            let raw = file.text.get(setting.span.clone()).unwrap_or_default();
            found.check(
                setting.key.as_deref(),
                &setting.value,
                context,
                &verbatim(raw, &setting.value, setting.span.clone()),
                DOCKER_HELP,
            );
        }
    }
}

/// A secret build argument copied into an `ENV` of a runtime stage (`ARG NPM_TOKEN` then
/// `ENV NPM_TOKEN=$NPM_TOKEN`): the value given at build time is stored in the image's
/// config, readable by everyone who can pull it. One finding at the `ENV` value, with the
/// `ARG` as related location.
fn persisted_build_secrets(
    file: &SourceFile<'_>,
    df: &crate::parse::dockerfile::Dockerfile,
    found: &mut Findings,
) {
    for stage in df.runtime_stages() {
        let mut args: Vec<(String, Range<usize>)> = Vec::new();
        for inst in stage.body {
            let settings = inst.pairs(file.text);
            match inst.keyword.as_str() {
                "ARG" => args.extend(
                    settings
                        .into_iter()
                        // `ARG NAME` has no `=`: the word is the name.
                        .map(|s| (s.key.unwrap_or(s.value), inst.span.clone())),
                ),
                "ENV" => {
                    for setting in settings {
                        let Some(key) = setting.key else { continue };
                        let Some((arg, at)) = args.iter().find(|(name, _)| {
                            refers_to(&setting.value, name)
                                && (secrets::is_secret_name(name) || secrets::is_secret_name(&key))
                        }) else {
                            continue;
                        };
                        found.groups.push(Group {
                            span: setting.span.clone(),
                            message: format!(
                                "build argument `{arg}` is persisted in the image as `ENV {key}`"
                            ),
                            help: BUILD_ARG_HELP,
                            related: vec![(at.clone(), format!("`{arg}` is declared here"))],
                            redact: false,
                        });
                    }
                }
                _ => {}
            }
        }
    }
}

/// True when `value` expands the variable `name` (`$NAME`, `${NAME}`, `${NAME:-x}`).
fn refers_to(value: &str, name: &str) -> bool {
    value.match_indices('$').any(|(i, _)| {
        let rest = &value[i + 1..];
        let rest = rest.strip_prefix('{').unwrap_or(rest);
        rest.strip_prefix(name).is_some_and(|after| {
            !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
        })
    })
}

const TOML_HELP: &str = "keep secrets out of committed config: read them from the environment and leave a placeholder here";

fn toml_values(
    file: &SourceFile<'_>,
    table: &toml::de::DeTable<'_>,
    found: &mut Findings,
    depth: usize,
) {
    use toml::de::DeValue;
    if depth > 64 {
        return;
    }
    for (key, value) in table {
        match value.get_ref() {
            DeValue::String(s) => {
                let span = value.span();
                let raw = file.text.get(span.clone()).unwrap_or_default();
                let context = found.config;
                found.check(
                    Some(key.get_ref()),
                    s,
                    context,
                    &verbatim(raw, s, span),
                    TOML_HELP,
                );
            }
            DeValue::Table(t) => toml_values(file, t, found, depth + 1),
            DeValue::Array(items) => {
                for item in items {
                    match item.get_ref() {
                        DeValue::Table(t) => toml_values(file, t, found, depth + 1),
                        DeValue::String(s) => {
                            let span = item.span();
                            let raw = file.text.get(span.clone()).unwrap_or_default();
                            let context = found.config;
                            found.check(None, s, context, &verbatim(raw, s, span), TOML_HELP);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}
