//! What a Rust file's functions do at run time, in the little detail the
//! disposability and admin-process rules need: for each function, the calls it
//! makes and the events it triggers (starting a server, running migrations), in
//! order, with alternatives (`if`/`match` arms) kept apart. Crate-wide facts
//! (SIGTERM handling, `ctrl_c`, routes) are collected beside it.
//!
//! Call targets are kept as name hashes, resolved later by name within the crate,
//! so the facts of a whole workspace stay small.

use std::ops::Range;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use syn::punctuated::Punctuated;
use syn::visit::Visit;

use crate::parse::rust::{self, span_range};

/// A hashed identifier (FNV-1a), for resolving calls by name.
pub type Sym = u64;

/// The hash of an identifier.
pub fn sym(name: &str) -> Sym {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What running a piece of code does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Each step in turn.
    Seq(Vec<Step>),
    /// One of the steps (branches of an `if` or `match`).
    Alt(Vec<Step>),
    /// A call to a function named `name`: `qual` is the path segment before it
    /// (`Server::run` → `Server`, `app::run` → `app`), `method` for `.name(..)`.
    Call {
        name: Sym,
        qual: Option<Sym>,
        method: bool,
    },
    /// An event: index into [`CodeFacts::events`].
    Event(usize),
}

/// A notable thing code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Starts serving traffic or consuming a queue.
    Serve(Server),
    /// Applies database schema migrations.
    Migrate,
}

/// How a server starts, weakest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Server {
    /// A bare listening socket (`TcpListener::bind`).
    Socket,
    /// A server framework or queue consumer.
    Framework,
    /// A framework that shuts down on SIGTERM by itself (actix-web, Rocket).
    SignalAware,
}

/// An event with the code that triggers it.
#[derive(Debug, Clone)]
pub struct Event<L> {
    pub kind: EventKind,
    /// What it is, e.g. `axum::serve` or `sqlx::migrate!().run`.
    pub label: String,
    pub span: L,
}

/// A function (free, associated or method).
#[derive(Debug, Clone)]
pub struct FnFlow<L> {
    pub name: Sym,
    /// The type of the `impl` block a method belongs to.
    pub owner: Option<Sym>,
    /// `fn main` or a `#[rocket::launch]` function.
    pub is_entry: bool,
    /// The HTTP route of a `#[get("/path")]`-style handler attribute.
    pub route: Option<Box<Route<L>>>,
    pub body: Step,
}

/// How a SIGINT-only shutdown is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CtrlC {
    /// `tokio::signal::ctrl_c()`.
    Tokio,
    /// `ctrlc::set_handler` (SIGINT only without the crate's `termination` feature).
    CtrlcCrate,
}

/// An HTTP route registration.
#[derive(Debug, Clone)]
pub struct Route<L> {
    /// The route path as written (`/admin/migrate`).
    pub path: String,
    /// Handler function names referenced by the registration (name, hash).
    pub handlers: Vec<(String, Sym)>,
    /// The route path literal (or attribute).
    pub span: L,
}

impl Route<Range<usize>> {
    fn locate<L>(self, locate: &dyn Fn(Range<usize>) -> L) -> Route<L> {
        Route {
            path: self.path,
            handlers: self.handlers,
            span: locate(self.span),
        }
    }
}

/// Everything this module learns from one file.
#[derive(Debug, Clone)]
pub struct CodeFacts<L> {
    pub fns: Vec<FnFlow<L>>,
    pub events: Vec<Event<L>>,
    /// Places that name SIGTERM (`SignalKind::terminate()`, `SIGTERM`, `TERM_SIGNALS`).
    pub sigterm: Vec<L>,
    /// SIGINT-only shutdown triggers: kind, the call's path, and the whole
    /// call expression when known (for fixes).
    pub ctrl_c: Vec<(CtrlC, L, Option<L>)>,
    /// `.disable_signals()` was called (actix-web, ntex).
    pub disables_signals: bool,
    pub routes: Vec<Route<L>>,
}

impl<L> CodeFacts<L> {
    /// True when nothing was found.
    pub fn is_empty(&self) -> bool {
        self.fns.is_empty()
            && self.sigterm.is_empty()
            && self.ctrl_c.is_empty()
            && self.routes.is_empty()
    }
}

/// Read a parsed file; `locate` turns byte spans into locations.
pub fn analyze<L>(file: &syn::File, locate: &dyn Fn(Range<usize>) -> L) -> CodeFacts<L> {
    let mut a = Analyzer {
        locate,
        facts: CodeFacts {
            fns: Vec::new(),
            events: Vec::new(),
            sigterm: Vec::new(),
            ctrl_c: Vec::new(),
            disables_signals: false,
            routes: Vec::new(),
        },
        owner: None,
        frames: vec![Vec::new()],
    };
    a.visit_file(file);
    a.facts
}

/// Methods that run migrations when called on a migrator.
const MIGRATION_METHODS: &[&str] = &["run", "run_async", "up", "run_pending_migrations"];

/// Standard-library method names too common to be worth resolving.
const COMMON_METHODS: &[&str] = &[
    "unwrap",
    "expect",
    "clone",
    "to_string",
    "to_owned",
    "into",
    "as_ref",
    "as_str",
    "iter",
    "into_iter",
    "map",
    "map_err",
    "and_then",
    "ok",
    "ok_or",
    "ok_or_else",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "push",
    "len",
    "is_empty",
    "get",
    "insert",
    "collect",
    "context",
    "with_context",
    "is_some",
    "is_none",
    "filter",
    "as_deref",
    "borrow",
    "lock",
    "read",
    "write",
    "contains",
    "push_str",
    "extend",
];

struct Analyzer<'l, L> {
    locate: &'l dyn Fn(Range<usize>) -> L,
    facts: CodeFacts<L>,
    /// The type of the `impl` block being read.
    owner: Option<Sym>,
    /// Steps of the code being read, innermost last.
    frames: Vec<Vec<Step>>,
}

impl<L> Analyzer<'_, L> {
    fn push(&mut self, step: Step) {
        if let Some(frame) = self.frames.last_mut() {
            frame.push(step);
        }
    }

    /// Read `f` into a fresh frame and return it as one step.
    fn nested(&mut self, f: impl FnOnce(&mut Self)) -> Step {
        self.frames.push(Vec::new());
        f(self);
        simplify(Step::Seq(self.frames.pop().unwrap_or_default()))
    }

    fn event(&mut self, kind: EventKind, label: impl Into<String>, span: Range<usize>) {
        self.facts.events.push(Event {
            kind,
            label: label.into(),
            span: (self.locate)(span),
        });
        self.push(Step::Event(self.facts.events.len() - 1));
    }

    fn function(&mut self, sig: &syn::Signature, attrs: &[syn::Attribute], block: &syn::Block) {
        let is_launch = attrs.iter().any(|a| {
            a.path()
                .segments
                .last()
                .is_some_and(|s| s.ident == "launch")
        });
        let route = route_attr(attrs, &sig.ident).map(|r| Box::new(r.locate(self.locate)));
        let body = self.nested(|a| {
            if is_launch {
                a.event(
                    EventKind::Serve(Server::SignalAware),
                    "#[rocket::launch]",
                    span_range(sig.ident.span()),
                );
            }
            a.visit_block(block);
        });
        let is_entry = sig.ident == "main" || is_launch;
        // A function that calls nothing and does nothing adds nothing to a call graph.
        if body == Step::Seq(Vec::new()) && !is_entry && route.is_none() {
            return;
        }
        self.facts.fns.push(FnFlow {
            name: sym(&sig.ident.to_string()),
            owner: self.owner,
            is_entry,
            route,
            body,
        });
    }

    /// A call through a path (`axum::serve(..)`, `run(..)`), after its arguments;
    /// `span` is the path, `call` the whole call expression when known.
    fn path_call(&mut self, path: &[String], span: Range<usize>, call: Option<Range<usize>>) {
        let Some(name) = path.last() else { return };
        let tail = |n: usize| path[path.len().saturating_sub(n)..].join("::");
        let serve = match tail(2).as_str() {
            "TcpListener::bind" => Some(Server::Socket),
            "axum::serve"
            | "warp::serve"
            | "axum_server::bind"
            | "axum_server::bind_rustls"
            | "Server::bind"
            | "Server::builder"
            | "Server::http"
            | "Server::https"
            | "HttpServerStarter::new"
            | "Monitor::new"
            | "WorkerBuilder::new"
            | "rouille::start_server"
            | "tide::new" => Some(Server::Framework),
            "HttpServer::new" | "rocket::build" | "rocket::custom" => Some(Server::SignalAware),
            _ => None,
        };
        if let Some(server) = serve {
            self.event(EventKind::Serve(server), tail(2), span.clone());
        }
        let migrate = matches!(
            tail(2).as_str(),
            "embedded_migrations::run" | "migrations::runner" | "Migrator::up"
        ) || name == "run_pending_migrations";
        if migrate {
            self.event(EventKind::Migrate, tail(2), span.clone());
        }
        let whole = call.map(|c| (self.locate)(c));
        if name == "ctrl_c" && path[0] != "ctrlc" {
            let at = (self.locate)(span.clone());
            self.facts.ctrl_c.push((CtrlC::Tokio, at, whole));
        } else if tail(2) == "ctrlc::set_handler" || tail(2) == "ctrlc::try_set_handler" {
            let at = (self.locate)(span.clone());
            self.facts.ctrl_c.push((CtrlC::CtrlcCrate, at, whole));
        }
        if tail(2) == "SignalKind::terminate" {
            self.facts.sigterm.push((self.locate)(span));
        }
        let qual = (path.len() >= 2)
            .then(|| path[path.len() - 2].as_str())
            .filter(|k| !matches!(*k, "crate" | "self" | "super" | "Self"))
            .map(sym);
        self.push(Step::Call {
            name: sym(name),
            qual,
            method: false,
        });
    }

    /// A method call (`.serve(..)`, `.run(&pool)`), after its receiver and arguments.
    fn method_call(&mut self, method: &str, receiver: &Receiver, span: Range<usize>) {
        match method {
            "serve"
            | "serve_with_shutdown"
            | "serve_with_incoming"
            | "launch"
            | "run_with_graceful_shutdown"
            | "basic_consume" => {
                let server = if method == "launch" {
                    Server::SignalAware
                } else {
                    Server::Framework
                };
                self.event(
                    EventKind::Serve(server),
                    format!(".{method}()"),
                    span.clone(),
                );
            }
            m if MIGRATION_METHODS.contains(&m)
                && receiver.words.iter().any(|w| w.contains("migrat")) =>
            {
                let label = format!("{}.{method}()", receiver.name.as_deref().unwrap_or(""));
                self.event(EventKind::Migrate, label, span.clone());
            }
            "run_pending_migrations" => {
                self.event(
                    EventKind::Migrate,
                    ".run_pending_migrations()",
                    span.clone(),
                );
            }
            "disable_signals" => self.facts.disables_signals = true,
            "catch_signals" => self.facts.sigterm.push((self.locate)(span.clone())),
            _ => {}
        }
        if !COMMON_METHODS.contains(&method) {
            self.push(Step::Call {
                name: sym(method),
                qual: None,
                method: true,
            });
        }
    }

    /// Macro bodies (`tokio::select!`, `join!`, `info!`): scanned for calls,
    /// method calls and SIGTERM names, without parsing them.
    fn macro_tokens(&mut self, tokens: &TokenStream) {
        let tokens: Vec<TokenTree> = tokens.clone().into_iter().collect();
        for (i, tt) in tokens.iter().enumerate() {
            match tt {
                TokenTree::Group(g) => {
                    if g.delimiter() == Delimiter::Parenthesis && i > 0 {
                        self.macro_call(&tokens[..i], span_range(g.span()));
                    }
                    self.macro_tokens(&g.stream());
                }
                TokenTree::Ident(id) if id == "SIGTERM" || id == "TERM_SIGNALS" => {
                    self.facts
                        .sigterm
                        .push((self.locate)(span_range(id.span())));
                }
                _ => {}
            }
        }
    }

    /// The call ending at `before` (a token list whose last item precedes `(`).
    fn macro_call(&mut self, before: &[TokenTree], span: Range<usize>) {
        let mut path = Vec::new();
        let mut i = before.len();
        while let Some(TokenTree::Ident(id)) = i.checked_sub(1).map(|j| &before[j]) {
            path.insert(0, id.to_string());
            i -= 1;
            if i >= 2 && is_punct(&before[i - 1], ':') && is_punct(&before[i - 2], ':') {
                i -= 2;
            } else {
                break;
            }
        }
        if path.is_empty() {
            return;
        }
        if path.len() == 1 && i > 0 && is_punct(&before[i - 1], '.') {
            self.method_call(&path[0], &Receiver::default(), span);
        } else {
            self.path_call(&path, span, None);
        }
    }
}

/// The receiver of a method call: its words, and its name when it is a path
/// (`MIGRATIONS`) or a macro (`sqlx::migrate!(..)`).
#[derive(Default)]
struct Receiver {
    words: Vec<String>,
    name: Option<String>,
}

fn is_punct(tt: &TokenTree, c: char) -> bool {
    matches!(tt, TokenTree::Punct(p) if p.as_char() == c)
}

/// Drop empty sequences and unwrap single-step ones.
fn simplify(step: Step) -> Step {
    match step {
        Step::Seq(steps) | Step::Alt(steps) if steps.len() == 1 => steps
            .into_iter()
            .next()
            .map(simplify)
            .unwrap_or(Step::Seq(Vec::new())),
        Step::Seq(steps) => Step::Seq(
            steps
                .into_iter()
                .map(simplify)
                .filter(|s| *s != Step::Seq(Vec::new()))
                .collect(),
        ),
        Step::Alt(steps) => Step::Alt(steps.into_iter().map(simplify).collect()),
        other => other,
    }
}

/// The route of a handler attribute: `#[get("/x")]`, `#[post("/x")]`, `#[route("/x", ..)]`.
fn route_attr(attrs: &[syn::Attribute], name: &syn::Ident) -> Option<Route<Range<usize>>> {
    attrs.iter().find_map(|attr| {
        let last = attr.path().segments.last()?.ident.to_string();
        if !matches!(
            last.as_str(),
            "get" | "post" | "put" | "delete" | "patch" | "route" | "head" | "options"
        ) {
            return None;
        }
        let syn::Meta::List(list) = &attr.meta else {
            return None;
        };
        let lit = list.tokens.clone().into_iter().find_map(|t| match t {
            TokenTree::Literal(l) => match syn::Lit::new(l) {
                syn::Lit::Str(s) => Some(s),
                _ => None,
            },
            _ => None,
        })?;
        Some(Route {
            path: lit.value(),
            handlers: vec![(name.to_string(), sym(&name.to_string()))],
            span: span_range(lit.span()),
        })
    })
}

/// Router methods whose first argument is a route path.
const ROUTE_METHODS: &[&str] = &["route", "at", "resource", "nest", "route_service"];

/// The route a call registers: `.route("/x", post(h))`, `web::resource("/x")`,
/// `Router::with_path("x")`, `warp::path("x")`.
fn route_call(
    name: &str,
    args: &Punctuated<syn::Expr, syn::Token![,]>,
) -> Option<Route<Range<usize>>> {
    if !(ROUTE_METHODS.contains(&name) || matches!(name, "with_path" | "path" | "scope")) {
        return None;
    }
    let lit = rust::literal_str(args.first()?)?;
    if !(lit.value.starts_with('/') || matches!(name, "with_path" | "path")) {
        return None;
    }
    let mut handlers = Vec::new();
    for arg in args.iter().skip(1) {
        handler_names(arg, &mut handlers);
    }
    Some(Route {
        path: lit.value.clone(),
        handlers,
        span: lit.span,
    })
}

/// Function names an expression refers to as values (`post(run_migrations)` →
/// `run_migrations`), not the functions it calls.
fn handler_names(expr: &syn::Expr, out: &mut Vec<(String, Sym)>) {
    struct Names<'a>(&'a mut Vec<(String, Sym)>);
    impl<'ast> Visit<'ast> for Names<'_> {
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            for arg in &c.args {
                self.visit_expr(arg);
            }
        }
        fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
            self.visit_expr(&m.receiver);
            for arg in &m.args {
                self.visit_expr(arg);
            }
        }
        fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
            if let Some(last) = p.path.segments.last() {
                let name = last.ident.to_string();
                self.0.push((name.clone(), sym(&name)));
            }
        }
    }
    Names(out).visit_expr(expr);
}

impl<'ast, L> Visit<'ast> for Analyzer<'_, L> {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.function(&f.sig, &f.attrs, &f.block);
    }

    fn visit_item_impl(&mut self, i: &'ast syn::ItemImpl) {
        let outer = self.owner;
        self.owner = match &*i.self_ty {
            syn::Type::Path(t) => t.path.segments.last().map(|s| sym(&s.ident.to_string())),
            _ => None,
        };
        syn::visit::visit_item_impl(self, i);
        self.owner = outer;
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.function(&f.sig, &f.attrs, &f.block);
    }

    fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
        if let Some(block) = &f.default {
            self.function(&f.sig, &f.attrs, block);
        }
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        self.visit_expr(&e.cond);
        let then = self.nested(|a| a.visit_block(&e.then_branch));
        let otherwise = self.nested(|a| {
            if let Some((_, els)) = &e.else_branch {
                a.visit_expr(els);
            }
        });
        self.push(Step::Alt(vec![then, otherwise]));
    }

    fn visit_expr_match(&mut self, e: &'ast syn::ExprMatch) {
        self.visit_expr(&e.expr);
        let arms = e
            .arms
            .iter()
            .map(|arm| {
                self.nested(|a| {
                    a.visit_pat(&arm.pat);
                    a.visit_expr(&arm.body);
                })
            })
            .collect();
        self.push(Step::Alt(arms));
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        syn::visit::visit_expr_call(self, c);
        if let Some(path) = rust::call_path(c) {
            let span = rust::call_path_span(c).unwrap_or_default();
            if let Some(route) = path.last().and_then(|n| route_call(n, &c.args)) {
                self.facts.routes.push(route.locate(self.locate));
            }
            let call = span.start..span_range(c.paren_token.span.close()).end;
            self.path_call(&path, span, Some(call));
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, m);
        let method = m.method.to_string();
        if let Some(route) = route_call(&method, &m.args) {
            self.facts.routes.push(route.locate(self.locate));
        }
        let receiver = match &*m.receiver {
            // Only migration runners need their receiver read.
            _ if !MIGRATION_METHODS.contains(&method.as_str()) => Receiver::default(),
            syn::Expr::Macro(mac) => {
                let segments: Vec<String> = mac
                    .mac
                    .path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect();
                Receiver {
                    words: segments.iter().map(|s| s.to_ascii_lowercase()).collect(),
                    name: Some(format!("{}!(..)", segments.join("::"))),
                }
            }
            syn::Expr::Path(p) => Receiver {
                words: rust::expr_words(&m.receiver),
                name: Some(
                    p.path
                        .segments
                        .iter()
                        .map(|s| s.ident.to_string())
                        .collect::<Vec<_>>()
                        .join("::"),
                ),
            },
            other => Receiver {
                words: rust::expr_words(other),
                name: None,
            },
        };
        self.method_call(&method, &receiver, span_range(m.method.span()));
    }

    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        if let Some(last) = p.path.segments.last()
            && (last.ident == "SIGTERM" || last.ident == "TERM_SIGNALS")
        {
            self.facts
                .sigterm
                .push((self.locate)(span_range(last.ident.span())));
        }
        syn::visit::visit_expr_path(self, p);
    }

    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        let name = m.path.segments.last().map(|s| s.ident.to_string());
        if name.as_deref() == Some("path") {
            let segments: Vec<String> = m
                .tokens
                .clone()
                .into_iter()
                .filter_map(|t| match t {
                    TokenTree::Literal(l) => match syn::Lit::new(l) {
                        syn::Lit::Str(s) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            if !segments.is_empty() {
                let span = m.path.segments.last().map(|s| span_range(s.ident.span()));
                self.facts.routes.push(Route {
                    path: format!("/{}", segments.join("/")),
                    handlers: Vec::new(),
                    span: (self.locate)(span.unwrap_or_default()),
                });
            }
        }
        self.macro_tokens(&m.tokens);
    }
}
