//! What a Rust file's functions do at run time, in the little detail the
//! disposability and admin-process rules need: for each function, the calls it
//! makes and the events it triggers (starting a server, running migrations), in
//! order, with alternatives (`if`/`match` arms) kept apart. Crate-wide facts
//! (SIGTERM handling, `ctrl_c`, routes) are collected beside it.
//!
//! Call targets are kept as name hashes, resolved later by name within the crate,
//! so the facts of a whole workspace stay small.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use crate::parse::cfg::FeatureCfg;
use crate::parse::lex::{Kind, Tokens};
use crate::parse::rust::{self, attribute_groups, skip_attributes};
use crate::parse::uses::{Import, Sym, Use, sym};

/// What running a piece of code does, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Each step in turn.
    Seq(Box<[Step]>),
    /// One of the steps (branches of an `if` or `match`).
    Alt(Box<[Step]>),
    /// A call: index into [`CodeFacts::calls`].
    Call(usize),
    /// An event: index into [`CodeFacts::events`].
    Event(usize),
    /// The function returns here: what follows on this path does not run.
    Exit,
}

impl Step {
    /// Nothing happens: an empty sequence.
    fn nothing() -> Step {
        Step::Seq(Box::default())
    }

    /// True for [`Step::nothing`].
    fn is_nothing(&self) -> bool {
        matches!(self, Step::Seq(steps) if steps.is_empty())
    }
}

/// A call that may reach a function of the workspace, as written.
#[derive(Debug, Clone)]
pub struct Call<L> {
    pub target: Target,
    /// The called path or method name.
    pub span: L,
    /// For a function passed by name as an argument (`retry(db::Pool::connect, 3)`), the
    /// call it is passed to ([`NOT_A_CALL`] when that is not a call that may reach the
    /// workspace): the function is reached only when that call reaches a workspace
    /// function, which calls it. `None` for an ordinary call.
    pub passed_to: Option<u32>,
}

/// [`Call::passed_to`] of a function passed to something that is not a recorded call (a
/// constructor, a library function): it reaches nothing.
pub const NOT_A_CALL: u32 = u32::MAX;

/// What a call names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// `a::b::f(..)`: the path's segments (generic arguments dropped).
    Path(Box<[Sym]>),
    /// `receiver.name(..)`.
    Method { name: Sym, recv: Recv },
}

/// The receiver of a method call, as far as its type can be known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recv {
    /// `self.m()`.
    SelfValue,
    /// `x.m()`: a parameter or `let` binding.
    Local(Sym),
    /// `self.field.m()`.
    Field(Sym),
    /// `Type::f(..).m()`, through `.await` and `?`: the associated call's path.
    Assoc(Box<[Sym]>),
    /// `x.m()` where a pattern `Enum::Variant(x)` bound `x` (a `match` arm, `if let`):
    /// what the one-field variant holds; the variant's path as written.
    Variant(Box<[Sym]>),
}

/// A type, as far as method calls need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    /// A named type, its path as written (`Pool`, `db::Pool`, `Self::Pool`),
    /// through references, smart pointers, `Result` and `Option`.
    Named(Box<[Sym]>),
    /// `impl A + B`, `dyn A`: the traits.
    Traits(Box<[Sym]>),
    /// What the call at this index in [`CodeFacts::calls`] returns.
    Returned(usize),
}

/// A notable thing code does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// Starts serving traffic or consuming a queue.
    Serve(Server),
    /// Applies database schema migrations.
    Migrate,
    /// Waits for Ctrl-C (SIGINT) to go on, without ending the process at once.
    CtrlC,
    /// Waits for Ctrl-C and then ends the process at once (`std::process::exit(130)`):
    /// the program terminates immediately by design, as SIGTERM's default action does.
    EndsOnCtrlC,
    /// Starts a system program (`std::process::Command::new`, tokio's and
    /// async-process's): where the call graph tells which binaries run it.
    RunsProgram,
}

/// How a server starts, weakest evidence first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Server {
    /// A `loop` with no way out (`break`, `return`, `process::exit`): a worker that runs
    /// until it is stopped. A server only in a binary a production deployment runs.
    Loop,
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
    /// The inline modules it sits in within its file (`mod a { mod b { fn f } }` → `a, b`).
    pub module: Box<[Sym]>,
    /// The type of the `impl` block a method belongs to, or the trait whose
    /// default method it is.
    pub owner: Option<Sym>,
    /// The trait of a trait `impl` or trait definition it belongs to.
    pub in_trait: Option<Sym>,
    /// Type parameters of the function and its `impl`, with their trait bounds.
    pub generics: Box<[(Sym, Box<[Sym]>)]>,
    /// Parameters and `let` bindings whose type is known.
    pub locals: Box<[(Sym, Ty)]>,
    /// The type it returns (through `Result`/`Option`), `Self` included.
    pub returns: Option<Ty>,
    /// `fn main` or a `#[rocket::launch]` function.
    pub is_entry: bool,
    /// The HTTP route of a `#[get("/path")]`-style handler attribute.
    pub route: Option<Box<Route<L>>>,
    /// The Cargo features it is compiled under: its own `#[cfg(feature = ..)]` and those
    /// of the `mod`, `impl` and `trait` blocks around it (`None`: no feature decides).
    pub features: Option<Box<FeatureCfg>>,
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
    pub calls: Vec<Call<L>>,
    /// The file's `use` declarations.
    pub imports: Vec<Import>,
    /// Named members with a known type: struct fields, one-field tuple variants
    /// (`Serve(serve::Args)`) and associated types (`type Pool = Db;` in an `impl`):
    /// (struct, enum or implementing type, name, type).
    pub fields: Vec<(Sym, Sym, Ty)>,
    /// Type aliases outside `impl` blocks (`pub type DbPoolImpl = mysql::Pool;`):
    /// (inline module path within the file, alias, type). One name may have several,
    /// each under its own `#[cfg(feature = ..)]`.
    pub aliases: Vec<(Box<[Sym]>, Sym, Ty)>,
    /// Trait implementations: (trait, type).
    pub impls: Vec<(Sym, Sym)>,
    /// Places that name SIGTERM (`SignalKind::terminate()`, `SIGTERM`, `TERM_SIGNALS`).
    pub sigterm: Vec<L>,
    /// SIGINT-only shutdown triggers: kind, the call's path, and the whole
    /// call expression (for fixes).
    pub ctrl_c: Vec<(CtrlC, L, L)>,
    /// `.disable_signals()` was called (actix-web, ntex).
    pub disables_signals: bool,
    /// `.shutdown_timeout(0)` (actix-web, ntex): the server's graceful shutdown stops
    /// at once, dropping the requests in flight; the method name's place.
    pub zero_shutdown_timeouts: Vec<L>,
    pub routes: Vec<Route<L>>,
}

impl<L> CodeFacts<L> {
    /// Every HTTP route the file registers: by a router call (`.route("/x", post(h))`)
    /// and by a handler's attribute (`#[get("/x")]`).
    pub fn all_routes(&self) -> impl Iterator<Item = &Route<L>> {
        let attributed = self.fns.iter().filter_map(|f| f.route.as_deref());
        self.routes.iter().chain(attributed)
    }

    /// Give back the spare capacity of the lists: the facts of every flow file are kept
    /// until the project rules have run.
    fn shrink_to_fit(&mut self) {
        self.fns.shrink_to_fit();
        self.events.shrink_to_fit();
        self.calls.shrink_to_fit();
        self.imports.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.aliases.shrink_to_fit();
        self.impls.shrink_to_fit();
        self.sigterm.shrink_to_fit();
        self.ctrl_c.shrink_to_fit();
        self.zero_shutdown_timeouts.shrink_to_fit();
        self.routes.shrink_to_fit();
    }

    /// True when nothing was found: no function, no name that resolution goes through
    /// (a `use`, which may re-export, or a type alias) and no signal or route fact.
    pub fn is_empty(&self) -> bool {
        self.fns.is_empty()
            && self.imports.is_empty()
            && self.aliases.is_empty()
            && self.sigterm.is_empty()
            && self.ctrl_c.is_empty()
            && self.zero_shutdown_timeouts.is_empty()
            && self.routes.is_empty()
    }
}

/// An out-of-line module (`mod x;`) a file declares at its top level behind an
/// attribute a Linux production build excludes (`#[cfg(test)] mod tests;`,
/// `#[cfg(windows)] mod service;`): its file is not production code either.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExcludedModule {
    pub name: String,
    /// The attribute is about tests (`cfg(test)`, `cfg(any(test, …))`).
    pub test: bool,
}

/// The [`ExcludedModule`]s of a lexed file.
pub fn excluded_modules(t: &Tokens<'_>) -> Vec<ExcludedModule> {
    let mut out = Vec::new();
    let to = t.len();
    let mut i = 0;
    while i < to {
        let body = skip_attributes(t, i, to);
        let end = t.item_end(body, to);
        if let Some(k) = t.item_keyword(body, end).filter(|&k| t.is_ident(k, "mod"))
            && let Some(name) = t.ident(k + 1)
            && t.is_punct(k + 2, ';')
        {
            let excluding: Vec<usize> = attribute_groups(t, i, body)
                .into_iter()
                .filter(|&a| t.excludes_from_production(a))
                .collect();
            if !excluding.is_empty() {
                let test = excluding
                    .iter()
                    .any(|&a| (a..t.pair(a)).any(|j| t.is_ident(j, "test")));
                out.push(ExcludedModule {
                    name: name.to_string(),
                    test,
                });
            }
        }
        i = end.max(i + 1);
    }
    out
}

/// Read a lexed file whose `use` declarations are `uses`; `locate` turns byte spans into
/// locations.
pub fn analyze<'t, L>(
    tokens: &Tokens<'t>,
    uses: &[Use<'t>],
    locate: &dyn Fn(Range<usize>) -> L,
) -> CodeFacts<L> {
    let mut a = Analyzer {
        t: tokens,
        locate,
        facts: CodeFacts {
            fns: Vec::new(),
            events: Vec::new(),
            calls: Vec::new(),
            imports: uses.iter().map(Use::import).collect(),
            fields: Vec::new(),
            aliases: Vec::new(),
            impls: Vec::new(),
            sigterm: Vec::new(),
            ctrl_c: Vec::new(),
            disables_signals: false,
            zero_shutdown_timeouts: Vec::new(),
            routes: Vec::new(),
        },
        uses,
        owner: None,
        in_trait: None,
        module: Vec::new(),
        features: Vec::new(),
        generics: Vec::new(),
        locals: Vec::new(),
        bound: Vec::new(),
        returned: Vec::new(),
        call_at: HashMap::new(),
        passed: Vec::new(),
        frames: vec![Vec::new()],
    };
    a.items(0, tokens.len());
    a.facts.shrink_to_fit();
    a.facts
}

/// True when the path `path` at token `i`, ending before token `after`, is a function
/// passed by name as an argument: `retry(db::Pool::connect, 3)`. Only a qualified path to
/// a lower-case name counts (a bare name may be a local variable; `Some`, `Ok` and
/// constants are not functions).
fn passes_function(t: &Tokens<'_>, i: usize, path: &[&str], after: usize) -> bool {
    let argument_start = i > 0 && (t.is_open(i - 1, '(') || t.is_punct(i - 1, ','));
    let argument_end = t.is_punct(after, ',') || matches!(t.kind(after), Some(Kind::Close(')')));
    path.len() >= 2
        && path
            .last()
            .is_some_and(|n| n.starts_with(|c: char| c.is_ascii_lowercase() || c == '_'))
        && argument_start
        && argument_end
}

/// True when a resolved path starts a system program: `Command::new` of
/// `std::process`, `tokio::process` or `async_process` (`smol::process`).
fn starts_program(api: &[&str]) -> bool {
    match api {
        [.., "process", "Command", "new"] => matches!(api[0], "std" | "tokio" | "smol"),
        ["async_process", "Command", "new"] => true,
        _ => false,
    }
}

/// True when a resolved path builds a schema change with sea-query (`Table::create()`,
/// `Table::alter()`, imported from `sea_query` or `sea_orm::sea_query`): a hand-written
/// migration runner's statements.
fn is_schema_statement(api: &[&str]) -> bool {
    matches!(api, [.., "sea_query", "Table", "create" | "alter"])
}

/// True when the block `{ .. }` from `open` to `close` returns or ends the process: a
/// `return` or `process::exit(..)` among its own statements (not inside a nested block or
/// closure).
fn exits(t: &Tokens<'_>, open: usize, close: usize) -> bool {
    let mut i = open + 1;
    while i < close {
        let process_exit = t.is_ident(i, "exit")
            && t.is_open(i + 1, '(')
            && i >= 3
            && t.is_joint(i - 2, ':', ':')
            && t.is_ident(i - 3, "process");
        if t.is_ident(i, "return") || process_exit {
            return true;
        }
        i = t.next(i).max(i + 1);
    }
    false
}

/// True when the `loop` at `at` runs until the process is stopped: its body has no way
/// out (`break`, `return`, `process::exit`; an error `?` ends it only when something
/// fails), and it is not a background task handed to a `spawn` call.
fn endless(t: &Tokens<'_>, at: usize) -> bool {
    t.is_open(at + 1, '{') && !leaves(t, at + 1, true) && !spawned(t, at)
}

/// True when the loop body `{ .. }` at `open` can be left: a `return`, a
/// `process::exit`, a labeled `break` or, when `own` (the body is the loop's own, not a
/// nested loop's), a plain `break` outside nested loops.
fn leaves(t: &Tokens<'_>, open: usize, own: bool) -> bool {
    let close = t.pair(open);
    let mut i = open + 1;
    while i < close {
        let exit = t.is_ident(i, "exit") && i >= 2 && t.is_joint(i - 2, ':', ':');
        let labeled = matches!(t.kind(i + 1), Some(Kind::Lifetime));
        if t.is_ident(i, "return") || exit || (t.is_ident(i, "break") && (own || labeled)) {
            return true;
        }
        let nested = t.is_ident(i, "loop")
            || t.is_ident(i, "while")
            || (t.is_ident(i, "for") && !t.is_punct(i + 1, '<'));
        if nested {
            let mut body = i + 1;
            while body < close && !t.is_open(body, '{') {
                body = t.next(body).max(body + 1);
            }
            if body < close {
                if leaves(t, body, false) {
                    return true;
                }
                i = t.pair(body) + 1;
                continue;
            }
        }
        i += 1;
    }
    false
}

/// True when the code at `at` is inside the arguments of a `spawn` call
/// (`tokio::spawn(async move { .. })`, `thread::spawn(move || ..)`), within its function.
fn spawned(t: &Tokens<'_>, at: usize) -> bool {
    let mut j = at;
    while j > 0 {
        j -= 1;
        match t.kind(j) {
            Some(Kind::Close(_)) => j = t.pair(j),
            Some(Kind::Open('(')) if j > 0 && t.text(j - 1).starts_with("spawn") => return true,
            Some(Kind::Ident) if t.is_ident(j, "fn") => return false,
            _ => {}
        }
    }
    false
}

/// True when an `if` condition (tokens `from..to`) is a call whose result is the test
/// (`commands::run()?`, `cli.dispatch().await?`): no negation, comparison, `let`
/// pattern or check of an error or absence.
fn is_plain_call(t: &Tokens<'_>, from: usize, to: usize) -> bool {
    let negative = ["is_err", "is_none", "is_empty", "is_ok", "is_some", "let"];
    let mut i = from;
    let mut called = false;
    while i < to {
        if t.ident(i).is_some_and(|w| negative.contains(&w))
            || ['!', '=', '<', '>', '&', '|']
                .iter()
                .any(|&c| t.is_punct(i, c))
        {
            return false;
        }
        called |= t.is_open(i, '(');
        i = t.next(i).max(i + 1);
    }
    called
}

/// True when an `if` condition (tokens `from..to`) is a switch for migrations: it names
/// one in a setting or variable name (`args.run_migrations`, `cfg.migrate_on_start`,
/// `!args.no_migrations`, `env::var("SKIP_MIGRATIONS")`), not a call that migrates
/// (`if db.migrate().await.is_err()`). Opt-in or opt-out, whether a start migrates is
/// the operator's choice, and the one-off way exists.
fn switches_migrations(t: &Tokens<'_>, from: usize, to: usize) -> bool {
    (from..to).any(|i| {
        let called = t.is_open(i + 1, '(') || t.is_punct(i + 1, '!');
        let word = match t.kind(i) {
            Some(Kind::Ident) if !called => t.ident(i).map(Cow::Borrowed),
            Some(Kind::Str | Kind::RawStr) => t.str_value(i),
            _ => None,
        };
        word.is_some_and(|w| w.to_ascii_lowercase().contains("migrat"))
    })
}

/// The longest receiver a method call is read through, in tokens: `sqlx::migrate!("./m")`
/// is a dozen; a receiver longer than this is left unknown.
const MAX_RECEIVER_TOKENS: usize = 256;

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

struct Analyzer<'l, 't, L> {
    t: &'l Tokens<'t>,
    locate: &'l dyn Fn(Range<usize>) -> L,
    facts: CodeFacts<L>,
    /// The file's `use` declarations, as written.
    uses: &'l [Use<'t>],
    /// The type of the `impl` block being read.
    owner: Option<Sym>,
    /// The trait of the `impl` or `trait` block being read.
    in_trait: Option<Sym>,
    /// The inline modules being read.
    module: Vec<Sym>,
    /// The feature conditions of the blocks being read (`mod`, `impl`, `trait`).
    features: Vec<FeatureCfg>,
    /// Type parameters in scope, with their bounds.
    generics: Vec<(Sym, Box<[Sym]>)>,
    /// Typed parameters and bindings of the function being read.
    locals: Vec<(Sym, Ty)>,
    /// Names bound by a variant pattern in the `match` arm or `if let` block being
    /// read, with the variant's path: in scope only there.
    bound: Vec<(Sym, Box<[Sym]>)>,
    /// Bindings initialised by a call, with the token of the call's name.
    returned: Vec<(Sym, usize)>,
    /// The call recorded at each call name token.
    call_at: HashMap<usize, usize>,
    /// Functions passed by name whose receiving call is not read yet.
    passed: Vec<usize>,
    /// Steps of the code being read, innermost last.
    frames: Vec<Vec<Step>>,
}

impl<'t, L> Analyzer<'_, 't, L> {
    fn push(&mut self, step: Step) {
        if let Some(frame) = self.frames.last_mut() {
            frame.push(step);
        }
    }

    /// Read `f` into a fresh frame and return it as one step.
    fn nested(&mut self, f: impl FnOnce(&mut Self)) -> Step {
        self.frames.push(Vec::new());
        f(self);
        simplify(Step::Seq(self.frames.pop().unwrap_or_default().into()))
    }

    /// True when the statement holding the byte offset `at` is followed by a call that
    /// ends the process: `std::process::exit(..)`, `process::abort()`, `exit(..)`.
    fn exits_after(&self, at: usize) -> bool {
        let t = self.t;
        let mut i = t.first_from(at);
        while i < t.len() && !t.is_punct(i, ';') {
            if matches!(t.kind(i), Some(Kind::Close(_))) {
                return false;
            }
            i = t.next(i);
        }
        self.ends_process_at(i + 1)
    }

    /// True when the tokens at `k` call a function that ends the process
    /// (`std::process::exit(..)`, `process::abort()`, `exit(..)`).
    fn ends_process_at(&self, mut k: usize) -> bool {
        let t = self.t;
        while t.ident(k).is_some() && t.is_joint(k + 1, ':', ':') {
            k += 3;
        }
        matches!(t.ident(k), Some("exit" | "abort")) && t.is_open(k + 1, '(')
    }

    /// True when the call spanning the bytes `call` hands over a closure whose last
    /// statement ends the process: `ctrlc::set_handler(|| { notice(); process::exit(0) })`.
    fn handler_exits(&self, call: &Range<usize>) -> bool {
        let t = self.t;
        let mut i = t.first_from(call.start);
        while i < t.len() && !t.is_open(i, '(') {
            i = t.next(i);
        }
        let close = t.pair(i);
        let Some(open) = (i + 1..close).find(|&j| t.is_open(j, '{') && t.is_punct(j - 1, '|'))
        else {
            return false;
        };
        let end = t.pair(open);
        let (mut start, mut last) = (open + 1, None);
        let mut j = open + 1;
        while j < end {
            if t.is_punct(j, ';') {
                last = Some(start);
                start = j + 1;
            }
            j = t.next(j);
        }
        let k = if start < end {
            start
        } else {
            last.unwrap_or(end)
        };
        k < end && self.ends_process_at(k)
    }

    fn event(&mut self, kind: EventKind, label: impl Into<String>, span: Range<usize>) {
        self.facts.events.push(Event {
            kind,
            label: label.into(),
            span: (self.locate)(span),
        });
        self.push(Step::Event(self.facts.events.len() - 1));
    }

    /// A call through a path (`axum::serve(..)`, `run(..)`), after its arguments;
    /// `span` is the path, `call` the whole call expression.
    fn path_call(&mut self, path: &[&str], name_at: usize, span: Range<usize>, call: Range<usize>) {
        let Some(&name) = path.last() else { return };
        let api = self.external_path(path);
        let tail2 = api[api.len().saturating_sub(2)..].join("::");
        let serve = match tail2.as_str() {
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
            | "HttpServerStarter::new_with_tls"
            | "Monitor::new"
            | "WorkerBuilder::new"
            | "rouille::start_server"
            | "tide::new" => Some(Server::Framework),
            "HttpServer::new" | "rocket::build" | "rocket::custom" => Some(Server::SignalAware),
            // actix-web's server without the HTTP layer: it handles signals the same way.
            "Server::build" if api.first() == Some(&"actix_server") => Some(Server::SignalAware),
            "ServerBuilder::new" if api.first() == Some(&"dropshot") => Some(Server::Framework),
            "Server::new" if api.first() == Some(&"oxhttp") => Some(Server::Framework),
            _ => None,
        };
        if let Some(server) = serve {
            self.event(EventKind::Serve(server), tail2.clone(), span.clone());
        }
        let migrate = matches!(
            tail2.as_str(),
            "embedded_migrations::run" | "migrations::runner" | "Migrator::up"
        ) || name == "run_pending_migrations"
            || is_schema_statement(&api);
        if migrate {
            self.event(EventKind::Migrate, tail2.clone(), span.clone());
        }
        let ctrl_c = if name == "ctrl_c" && path[0] != "ctrlc" {
            Some(CtrlC::Tokio)
        } else if tail2 == "ctrlc::set_handler" || tail2 == "ctrlc::try_set_handler" {
            Some(CtrlC::CtrlcCrate)
        } else {
            None
        };
        // A Ctrl-C wait whose next statement ends the process (`std::process::exit(130)`)
        // is no graceful shutdown: SIGTERM's default action ends it the same way.
        let exits = ctrl_c.is_some_and(|kind| match kind {
            CtrlC::Tokio => self.exits_after(call.end),
            CtrlC::CtrlcCrate => self.handler_exits(&call),
        });
        if exits {
            self.event(EventKind::EndsOnCtrlC, tail2.clone(), span.clone());
        } else if let Some(kind) = ctrl_c {
            let at = (self.locate)(span.clone());
            let whole = (self.locate)(call);
            self.facts.ctrl_c.push((kind, at, whole));
            self.event(EventKind::CtrlC, tail2.clone(), span.clone());
        }
        if tail2 == "SignalKind::terminate" {
            self.facts.sigterm.push((self.locate)(span.clone()));
        }
        if starts_program(&api) {
            self.event(EventKind::RunsProgram, tail2.clone(), span.clone());
        }
        // `Some(..)`, `Ok(..)`, `Point(..)`: constructors, not functions.
        if path.len() > 1 || !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            let target = Target::Path(path.iter().map(|s| sym(s)).collect());
            self.call(target, name_at, span);
        }
    }

    /// `path` with its first segment replaced by what the file's `use`
    /// declarations import under that name (`serve` → `axum::serve`); empty when
    /// it names an item of the crate itself (`crate::`, `self::`, `super::`), which
    /// is never a library's API.
    fn external_path<'p>(&self, path: &[&'p str]) -> Vec<&'p str>
    where
        't: 'p,
    {
        let Some((first, rest)) = path.split_first() else {
            return Vec::new();
        };
        let expanded: Vec<&str> = match self.uses.iter().find(|u| u.alias == Some(*first)) {
            Some(u) => u.path.iter().chain(rest).copied().collect(),
            None => path.to_vec(),
        };
        if matches!(expanded.first(), Some(&("crate" | "self" | "super"))) {
            return Vec::new();
        }
        expanded
    }

    /// Record a call that may reach a workspace function; `name` is the token
    /// of its name.
    fn call(&mut self, target: Target, name: usize, span: Range<usize>) -> usize {
        self.facts.calls.push(Call {
            target,
            span: (self.locate)(span),
            passed_to: None,
        });
        let ci = self.facts.calls.len() - 1;
        self.call_at.insert(name, ci);
        self.push(Step::Call(ci));
        ci
    }

    /// A method call (`.serve(..)`, `.run(&pool)`), after its receiver and arguments;
    /// `dot` is the `.` before the method name.
    fn method_call(&mut self, method: &str, dot: usize, span: Range<usize>) {
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
            m if MIGRATION_METHODS.contains(&m) => {
                let receiver = self.receiver(dot);
                if let Some(receiver) =
                    receiver.filter(|r| r.words.iter().any(|w| w.contains("migrat")))
                {
                    let label = format!("{}.{method}()", receiver.name.as_deref().unwrap_or(""));
                    self.event(EventKind::Migrate, label, span.clone());
                } else if m == "run_pending_migrations" {
                    self.event(
                        EventKind::Migrate,
                        ".run_pending_migrations()",
                        span.clone(),
                    );
                }
            }
            "disable_signals" => self.facts.disables_signals = true,
            "catch_signals" => self.facts.sigterm.push((self.locate)(span.clone())),
            _ => {}
        }
        if !COMMON_METHODS.contains(&method)
            && let Some(recv) = self.typed_receiver(dot)
        {
            let name = sym(method);
            self.call(Target::Method { name, recv }, dot + 1, span);
        }
    }

    /// The receiver of the method call whose `.` is at `dot`, when its type can
    /// be known: `self`, a binding, `self.field`, or `Type::f(..)` (through
    /// `.await` and `?`).
    fn typed_receiver(&self, dot: usize) -> Option<Recv> {
        let t = self.t;
        let start = self.receiver_start(dot)?;
        if start + 1 == dot {
            return Some(match t.ident(start)? {
                "self" => Recv::SelfValue,
                name => match self.bound.iter().rev().find(|(n, _)| *n == sym(name)) {
                    Some((_, variant)) => Recv::Variant(variant.clone()),
                    None => Recv::Local(sym(name)),
                },
            });
        }
        if start + 3 == dot && t.is_ident(start, "self") && t.is_punct(start + 1, '.') {
            return t.ident(start + 2).map(|f| Recv::Field(sym(f)));
        }
        let (segments, after) = t.path(start);
        if segments.len() < 2 || !t.is_open(after, '(') {
            return None;
        }
        let mut end = t.pair(after) + 1;
        loop {
            if t.is_punct(end, '?') {
                end += 1;
            } else if t.is_punct(end, '.') && t.is_ident(end + 1, "await") {
                end += 2;
            } else {
                break;
            }
        }
        (end == dot).then(|| {
            let path = t.names(&segments);
            Recv::Assoc(path.iter().map(|s| sym(s)).collect())
        })
    }

    /// Items from token `from` to `to` (a file, a module, an `impl` or `trait` body).
    fn items(&mut self, from: usize, to: usize) {
        let mut i = from;
        while i < to {
            i = self.item(i, to).max(i + 1);
        }
    }

    /// The item starting at `i` (attributes first); returns the index after it.
    fn item(&mut self, i: usize, to: usize) -> usize {
        let t = self.t;
        if let Some(end) = t.excluded_item_end(i, to) {
            return end;
        }
        let body = skip_attributes(t, i, to);
        let end = t.item_end(body, to);
        let attrs: Vec<usize> = attribute_groups(t, i, body);
        let kw = t.item_keyword(body, end);
        let outer_features = self.features.len();
        self.features
            .extend(attrs.iter().filter_map(|&a| t.feature_cfg(a)));
        match kw.and_then(|k| t.ident(k)) {
            Some("fn") => self.function(&attrs, kw.unwrap_or(body), end),
            Some("impl") => self.impl_block(body, end),
            Some(kind @ ("mod" | "trait")) => {
                let at = kw.unwrap_or(body);
                // `mod name;` has no body here: its file is read on its own.
                if let (Some(name), Some(open)) = (
                    t.ident(at + 1).map(sym),
                    (body..end).find(|&j| t.is_open(j, '{')),
                ) {
                    self.module_or_trait(kind, name, open);
                }
            }
            Some("struct" | "enum") => self.members(kw.unwrap_or(body), end),
            Some("type") => {
                let at = kw.unwrap_or(body);
                if let Some(name) = t.ident(at + 1)
                    && t.is_punct(at + 2, '=')
                    && let Some(ty) = type_of(t, at + 3, end.saturating_sub(1))
                {
                    match self.owner {
                        Some(owner) => self.facts.fields.push((owner, sym(name), ty)),
                        None => self.facts.aliases.push((
                            self.module.clone().into_boxed_slice(),
                            sym(name),
                            ty,
                        )),
                    }
                }
            }
            Some("use" | "extern" | "union") => {}
            _ => {
                // Statics, consts, item macros: their facts count, their calls run nowhere.
                self.frames.push(Vec::new());
                self.exprs(body, end, false);
                self.frames.pop();
            }
        }
        self.features.truncate(outer_features);
        end
    }

    /// The items of an inline `mod name { .. }` or of a `trait name { .. }` whose body
    /// opens at `open`.
    fn module_or_trait(&mut self, kind: &str, name: Sym, open: usize) {
        let t = self.t;
        if kind == "mod" {
            self.module.push(name);
            self.items(open + 1, t.pair(open));
            self.module.pop();
        } else {
            let outer = (self.owner, self.in_trait);
            (self.owner, self.in_trait) = (Some(name), Some(name));
            self.items(open + 1, t.pair(open));
            (self.owner, self.in_trait) = outer;
        }
    }

    /// `fn name(..) { body }` at `fn_at`, with the attribute groups `attrs`.
    fn function(&mut self, attrs: &[usize], fn_at: usize, end: usize) {
        let t = self.t;
        let Some(name) = t.ident(fn_at + 1) else {
            return;
        };
        let generics = self.generics.len();
        let mut open = fn_at + 2;
        if t.is_punct(open, '<') {
            let close = t.angle_end(open);
            self.type_params(open + 1, close.saturating_sub(1));
            open = close;
        }
        if !t.is_open(open, '(') {
            self.generics.truncate(generics);
            return;
        }
        let Some(block) = (t.next(open)..end).find(|&j| t.is_open(j, '{')) else {
            self.generics.truncate(generics);
            return;
        };
        let sig_end = (t.next(open)..block)
            .find(|&j| t.is_ident(j, "where"))
            .unwrap_or(block);
        if sig_end < block {
            self.type_params(sig_end + 1, block);
        }
        let returns = (t.is_joint(t.next(open), '-', '>'))
            .then(|| type_of(t, t.next(open) + 2, sig_end))
            .flatten();
        let outer_locals = std::mem::take(&mut self.locals);
        let outer_bound = std::mem::take(&mut self.bound);
        let outer_returned = std::mem::take(&mut self.returned);
        for (from, to) in comma_parts(t, open + 1, t.pair(open)) {
            if let Some(local) = typed_name(t, skip_attributes(t, from, to), to) {
                self.locals.push(local);
            }
        }
        let attr_name = |a: usize| t.path(a + 1).0.last().and_then(|&k| t.ident(k));
        let is_launch = attrs.iter().any(|&a| attr_name(a) == Some("launch"));
        let route = attrs
            .iter()
            .find_map(|&a| self.route_attr(a, name))
            .map(|r| Box::new(r.locate(self.locate)));
        let body = self.nested(|a| {
            if is_launch {
                a.event(
                    EventKind::Serve(Server::SignalAware),
                    "#[rocket::launch]",
                    t.span(fn_at + 1),
                );
            }
            a.exprs(block + 1, t.pair(block), true);
        });
        let is_entry = name == "main" || is_launch;
        let mut locals = std::mem::replace(&mut self.locals, outer_locals);
        self.bound = outer_bound;
        for (name, at) in std::mem::replace(&mut self.returned, outer_returned) {
            if let Some(&ci) = self.call_at.get(&at) {
                locals.push((name, Ty::Returned(ci)));
            }
        }
        let generics_here = self.generics.split_off(generics);
        // A function that calls nothing and does nothing adds nothing to a call graph,
        // unless what it returns types a receiver (`Builder::new() -> Listener`).
        let types_receiver = matches!(&returns, Some(Ty::Named(p)) if p[..] != [sym("Self")]);
        if body.is_nothing() && !is_entry && route.is_none() && !types_receiver {
            return;
        }
        let mut all_generics = self.generics.clone();
        all_generics.extend(generics_here);
        self.facts.fns.push(FnFlow {
            name: sym(name),
            module: self.module.clone().into_boxed_slice(),
            owner: self.owner,
            in_trait: self.in_trait,
            generics: all_generics.into_boxed_slice(),
            locals: locals.into_boxed_slice(),
            returns,
            is_entry,
            route,
            features: match &self.features[..] {
                [] => None,
                [one] => Some(Box::new(one.clone())),
                all => Some(Box::new(FeatureCfg::All(all.to_vec()))),
            },
            body,
        });
    }

    /// `impl [Trait for] Type { .. }`: its functions are methods of `Type`.
    fn impl_block(&mut self, impl_at: usize, end: usize) {
        let t = self.t;
        let Some(open) = (impl_at..end).find(|&j| t.is_open(j, '{')) else {
            return;
        };
        let mut ty = impl_at + 1;
        let generics = self.generics.len();
        if t.is_punct(ty, '<') {
            let close = t.angle_end(ty);
            self.type_params(ty + 1, close.saturating_sub(1));
            ty = close;
        }
        let mut trait_at = None;
        let mut j = ty;
        while j < open && !t.is_ident(j, "where") {
            if t.is_ident(j, "for") {
                trait_at = Some(ty);
                ty = j + 1;
                break;
            }
            j = if t.is_punct(j, '<') {
                t.angle_end(j)
            } else {
                t.next(j)
            };
        }
        if let Some(w) = (ty..open).find(|&j| t.is_ident(j, "where")) {
            self.type_params(w + 1, open);
        }
        let last_name = |at: usize| t.path(at).0.last().and_then(|&k| t.ident(k)).map(sym);
        let outer = (self.owner, self.in_trait);
        // Only a named type owns methods (`impl X for &Y` does not).
        self.owner = last_name(ty);
        self.in_trait = trait_at.and_then(last_name);
        if let (Some(tr), Some(owner)) = (self.in_trait, self.owner) {
            self.facts.impls.push((tr, owner));
        }
        self.items(open + 1, t.pair(open));
        (self.owner, self.in_trait) = outer;
        self.generics.truncate(generics);
    }

    /// The named members of the `struct` or `enum` whose keyword is at `at`, with known
    /// types: a struct's fields (`struct S { a: A }`), an enum's one-field tuple
    /// variants (`enum E { A(T) }`).
    fn members(&mut self, at: usize, end: usize) {
        let t = self.t;
        let Some(name) = t.ident(at + 1).map(sym) else {
            return;
        };
        let Some(open) = (at + 2..end).find(|&j| t.is_open(j, '{')) else {
            return;
        };
        let is_enum = t.is_ident(at, "enum");
        for (from, to) in comma_parts(t, open + 1, t.pair(open)) {
            let from = skip_attributes(t, from, to);
            let member = if is_enum {
                one_field_variant(t, from, to)
            } else {
                typed_name(t, from, to)
            };
            if let Some((member, ty)) = member {
                self.facts.fields.push((name, member, ty));
            }
        }
    }

    /// Type parameters and `where` predicates from `from` to `to`
    /// (`A: Tr + 'a, B, const N: usize`), pushed onto the generics in scope.
    fn type_params(&mut self, from: usize, to: usize) {
        let t = self.t;
        for (from, to) in comma_parts(t, from, to) {
            let Some(name) = t.ident(from).filter(|n| *n != "const") else {
                continue;
            };
            let bounds = if t.is_punct(from + 1, ':') && !t.is_punct(from + 2, ':') {
                trait_names(t, from + 2, to)
            } else {
                Box::default()
            };
            self.generics.push((sym(name), bounds));
        }
    }

    /// Expressions and statements from `from` to `to`; `block` when they are
    /// the statements of a block (where items may appear).
    fn exprs(&mut self, from: usize, to: usize, block: bool) {
        let t = self.t;
        let mut stmt_start = block;
        let mut i = from;
        while i < to {
            if t.attribute(i).is_some() {
                let after = skip_attributes(t, i, to);
                if let Some(end) = t.excluded_item_end(i, to) {
                    i = end;
                } else if stmt_start && starts_item(t, after) {
                    i = self.item(i, to).max(after);
                } else {
                    i = after;
                }
                continue;
            }
            if stmt_start && starts_item(t, i) {
                i = self.item(i, to).max(i + 1);
                continue;
            }
            let next = match t.kind(i) {
                Some(Kind::Ident) => self.word(i, to),
                Some(Kind::Open(delim)) => {
                    let close = t.pair(i);
                    self.exprs(i + 1, close, delim == '{');
                    close + 1
                }
                _ => i + 1,
            };
            stmt_start = block
                && (t.is_punct(i, ';')
                    || matches!(t.kind(next.wrapping_sub(1)), Some(Kind::Close('}'))));
            i = next.max(i + 1);
        }
    }

    /// An expression starting with the identifier at `i`: `if`, `match`, a call,
    /// a method call, a macro or a plain path. Returns the index after what it read.
    fn word(&mut self, i: usize, to: usize) -> usize {
        let t = self.t;
        let word = t.text(i);
        match word {
            "if" => return self.if_expr(i, to),
            "let" => self.let_binding(i, to),
            "match" => return self.match_expr(i, to),
            "loop" if endless(t, i) => {
                self.event(EventKind::Serve(Server::Loop), "loop", t.span(i));
            }
            "SIGTERM" | "TERM_SIGNALS" => self.facts.sigterm.push((self.locate)(t.span(i))),
            _ => {}
        }
        // `crate::a::f(..)` starts a path; other keywords never name a call.
        if is_keyword(word) && !(word == "crate" && t.is_joint(i + 1, ':', ':')) {
            return i + 1;
        }
        let method = i > 0 && t.is_punct(i - 1, '.');
        if !method && i >= 2 && t.is_joint(i - 2, ':', ':') {
            return i + 1;
        }
        // A lone name (a variable, a field, a type) calls and passes nothing.
        if !(t.is_joint(i + 1, ':', ':') || t.is_open(i + 1, '(') || t.is_punct(i + 1, '!')) {
            return i + 1;
        }
        let (segments, after) = t.path(i);
        let path = t.names(&segments);
        let last = segments.last().copied().unwrap_or(i);
        if t.is_punct(after, '!') && matches!(t.kind(after + 1), Some(Kind::Open(_))) {
            let open = after + 1;
            if path.last() == Some(&"path") {
                self.warp_path(t.span(last), open);
            }
            let close = t.pair(open);
            self.exprs(open + 1, close, t.is_open(open, '{'));
            return close + 1;
        }
        if !t.is_open(after, '(') {
            if !method && passes_function(t, i, &path, after) {
                let target = Target::Path(path.iter().map(|s| sym(s)).collect());
                let span = t.span(i).start..t.span(last).end;
                let ci = self.call(target, last, span);
                self.facts.calls[ci].passed_to = Some(NOT_A_CALL);
                self.passed.push(ci);
            }
            return after;
        }
        let close = t.pair(after);
        let passed_from = self.passed.len();
        self.exprs(after + 1, close, false);
        let name = path.last().copied().unwrap_or_default();
        if let Some(route) = self.route_call(name, after) {
            self.facts.routes.push(route.locate(self.locate));
        }
        if method {
            // actix-web's and ntex's timeout is in whole seconds.
            if name == "shutdown_timeout" && close == after + 2 && t.text(after + 1) == "0" {
                self.facts
                    .zero_shutdown_timeouts
                    .push((self.locate)(t.span(i)));
            }
            self.method_call(name, i - 1, t.span(i));
        } else {
            let span = t.span(i).start..t.span(last).end;
            let call = span.start..t.span(close).end;
            self.path_call(&path, last, span, call);
        }
        let passed = self.passed.split_off(passed_from);
        if let Some(&outer) = self.call_at.get(&last) {
            for ci in passed {
                self.facts.calls[ci].passed_to = Some(u32::try_from(outer).unwrap_or(NOT_A_CALL));
            }
        }
        close + 1
    }

    /// `let x: T = ..;` or `let x = T::new(..)?;` / `T { .. }`: remember `x`'s type.
    fn let_binding(&mut self, let_at: usize, to: usize) {
        let t = self.t;
        let mut at = let_at + 1;
        while matches!(t.ident(at), Some("mut" | "ref")) {
            at += 1;
        }
        let Some(name) = t.ident(at) else { return };
        self.bound.retain(|(n, _)| *n != sym(name));
        let mut end = at + 1;
        while end < to && !t.is_punct(end, ';') {
            end = t.next(end);
        }
        let ty = if t.is_punct(at + 1, ':') && !t.is_punct(at + 2, ':') {
            let eq = (at + 2..end).find(|&j| t.is_punct(j, '=') && !t.is_punct(j + 1, '='));
            type_of(t, at + 2, eq.unwrap_or(end))
        } else if t.is_punct(at + 1, '=') && !t.is_punct(at + 2, '=') {
            let built = constructed_type(t, at + 2, end);
            if built.is_none()
                && let Some(call) = final_call(t, at + 2, end)
            {
                self.returned.push((sym(name), call));
            }
            built
        } else {
            None
        };
        if let Some(ty) = ty {
            self.locals.push((sym(name), ty));
        }
    }

    /// `if a { .. } else if b { .. } else { .. }`: the branches are alternatives,
    /// kept in one flat list however long the chain (conditions run first).
    fn if_expr(&mut self, if_at: usize, to: usize) -> usize {
        let t = self.t;
        let mut branches = Vec::new();
        let mut at = if_at;
        loop {
            let mut open = at + 1;
            while open < to && !t.is_open(open, '{') {
                open = t.next(open);
            }
            let condition = self.nested(|a| a.exprs(at + 1, open.min(to), false));
            if open >= to {
                self.push(condition);
                return to;
            }
            let close = t.pair(open);
            let bound = self.bound.len();
            if t.is_ident(at + 1, "let")
                && let Some(eq) = (at + 2..open).find(|&j| t.is_punct(j, '='))
            {
                self.bound.extend(variant_binding(t, at + 2, eq));
            }
            let mut branch = self.block(open, close);
            self.bound.truncate(bound);
            let end = close + 1;
            // `if commands::run()? { return Ok(()); }`: a dispatcher that returns true when
            // it ran a one-off command, after which the process ends; what it does, it does
            // on the path that returns.
            let dispatches = branches.is_empty()
                && !t.is_ident(end, "else")
                && exits(t, open, close)
                && is_plain_call(t, at + 1, open);
            if dispatches {
                branch = Step::Seq(Box::new([condition, branch]));
            } else {
                self.push(condition);
            }
            // `if args.run_migrations { .. }`, `if !args.no_migrations { .. }`: a
            // switched run, not every start.
            branches.push(if switches_migrations(t, at + 1, open) {
                Step::nothing()
            } else {
                branch
            });
            if !t.is_ident(end, "else") {
                branches.push(Step::nothing());
                self.push(Step::Alt(branches.into()));
                return end;
            }
            if t.is_ident(end + 1, "if") {
                at = end + 1;
                continue;
            }
            if t.is_open(end + 1, '{') {
                let close = t.pair(end + 1);
                branches.push(self.block(end + 1, close));
                self.push(Step::Alt(branches.into()));
                return close + 1;
            }
            self.push(Step::Alt(branches.into()));
            return end + 1;
        }
    }

    /// The block `{ .. }` from `open` to `close`, ending in [`Step::Exit`] when it returns.
    fn block(&mut self, open: usize, close: usize) -> Step {
        let body = self.nested(|a| a.exprs(open + 1, close, true));
        if exits(self.t, open, close) {
            Step::Seq(Box::new([body, Step::Exit]))
        } else {
            body
        }
    }

    /// `match x { arms }`: the arms are alternatives.
    fn match_expr(&mut self, match_at: usize, to: usize) -> usize {
        let t = self.t;
        let mut open = match_at + 1;
        while open < to && !t.is_open(open, '{') {
            open = t.next(open);
        }
        self.exprs(match_at + 1, open.min(to), false);
        if open >= to {
            return to;
        }
        let close = t.pair(open);
        let mut arms = Vec::new();
        let mut i = open + 1;
        while i < close {
            let mut arrow = i;
            while arrow < close && !t.is_joint(arrow, '=', '>') {
                arrow = t.next(arrow);
            }
            if arrow >= close {
                break;
            }
            let body = arrow + 2;
            let (body_end, next) = if t.is_open(body, '{') {
                let end = t.pair(body) + 1;
                (end, end + usize::from(t.is_punct(end, ',')))
            } else {
                let mut end = body;
                while end < close && !t.is_punct(end, ',') {
                    end = t.next(end);
                }
                (end, end + 1)
            };
            let returns = t.is_open(body, '{') && exits(t, body, body_end - 1);
            let bound = self.bound.len();
            let guard = (i..arrow).find(|&j| t.is_ident(j, "if")).unwrap_or(arrow);
            self.bound.extend(variant_binding(t, i, guard));
            arms.push(self.nested(|a| {
                a.exprs(i, arrow.min(close), false);
                a.exprs(body.min(close), body_end.min(close), false);
                if returns {
                    a.push(Step::Exit);
                }
            }));
            self.bound.truncate(bound);
            i = next.max(i + 1);
        }
        self.push(Step::Alt(arms.into()));
        close + 1
    }

    /// The receiver of the method call whose `.` is at `dot` (see
    /// [`Self::receiver_start`]): its words, and its name when it is a path
    /// (`MIGRATIONS`) or a macro (`sqlx::migrate!(..)`).
    fn receiver(&self, dot: usize) -> Option<Receiver> {
        let t = self.t;
        let start = self.receiver_start(dot)?;
        let mut words = Vec::new();
        for k in start..dot {
            if let Some(w) = t.ident(k) {
                words.push(w.to_ascii_lowercase());
            } else if let Some(v) = t.str_value(k) {
                words.push(v.to_ascii_lowercase());
            }
        }
        let (segments, after) = t.path(start);
        let path = t.names(&segments).join("::");
        let name = if after == dot && !segments.is_empty() {
            Some(path)
        } else if t.is_punct(after, '!') && t.next(after + 1) == dot {
            Some(format!("{path}!(..)"))
        } else {
            None
        };
        Some(Receiver { words, name })
    }

    /// Where the receiver of the method call whose `.` is at `dot` starts; `None` when
    /// it spans more than [`MAX_RECEIVER_TOKENS`] tokens, so that each call of a long
    /// chain costs the same and the chain stays linear.
    fn receiver_start(&self, dot: usize) -> Option<usize> {
        let t = self.t;
        let mut start = dot;
        while start > 0 {
            if dot - start > MAX_RECEIVER_TOKENS {
                return None;
            }
            let k = start - 1;
            let part = match t.kind(k) {
                // `f(..).m()`, `xs[i].m()`; a `}` ends the statement before (`if c { .. }
                // s.m()`), it does not open the receiver.
                Some(Kind::Close(')' | ']')) => {
                    start = t.pair(k);
                    continue;
                }
                Some(Kind::Ident) => !is_keyword(t.text(k)) || (k > 0 && t.is_punct(k - 1, '.')),
                Some(Kind::Punct('.' | '?' | '!' | ':')) => true,
                _ => false,
            };
            if !part {
                break;
            }
            start = k;
        }
        (dot - start <= MAX_RECEIVER_TOKENS).then_some(start)
    }

    /// The route of a handler attribute at `open` (`#[get("/x")]`, `#[route("/x", ..)]`).
    fn route_attr(&self, open: usize, handler: &str) -> Option<Route<Range<usize>>> {
        let t = self.t;
        let (segments, after) = t.path(open + 1);
        let last = segments.last().and_then(|&k| t.ident(k))?;
        if !matches!(
            last,
            "get" | "post" | "put" | "delete" | "patch" | "route" | "head" | "options"
        ) || !t.is_open(after, '(')
        {
            return None;
        }
        let lit = (after + 1..t.pair(after))
            .find(|&k| matches!(t.kind(k), Some(Kind::Str | Kind::RawStr)))?;
        Some(Route {
            path: t.str_value(lit)?.into_owned(),
            handlers: vec![(handler.to_string(), sym(handler))],
            span: t.span(lit),
        })
    }

    /// The route a call registers: `.route("/x", post(h))`, `web::resource("/x")`,
    /// `Router::with_path("x")`, `warp::path("x")`; `open` is its `(`.
    fn route_call(&self, name: &str, open: usize) -> Option<Route<Range<usize>>> {
        if !(ROUTE_METHODS.contains(&name) || matches!(name, "with_path" | "path" | "scope")) {
            return None;
        }
        let t = self.t;
        let close = t.pair(open);
        let mut comma = open + 1;
        while comma < close && !t.is_punct(comma, ',') {
            comma = t.next(comma);
        }
        let lit = literal_str(t, open + 1, comma)?;
        let value = t.str_value(lit)?;
        if !(value.starts_with('/') || matches!(name, "with_path" | "path")) {
            return None;
        }
        Some(Route {
            path: value.into_owned(),
            handlers: handler_names(t, comma + 1, close),
            span: t.span(lit),
        })
    }

    /// warp's `path!("a" / "b")`: a route of its literal segments.
    fn warp_path(&mut self, name: Range<usize>, open: usize) {
        let t = self.t;
        let segments: Vec<String> = (open + 1..t.pair(open))
            .filter_map(|k| t.str_value(k).map(|v| v.into_owned()))
            .collect();
        if !segments.is_empty() {
            self.facts.routes.push(Route {
                path: format!("/{}", segments.join("/")),
                handlers: Vec::new(),
                span: (self.locate)(name),
            });
        }
    }
}

/// Keywords that are never a call's name or part of a method receiver.
/// True for the Rust keywords that never name a call (`crate` starts a path).
fn is_keyword(word: &str) -> bool {
    matches!(
        word,
        "as" | "async"
            | "await"
            | "box"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "static"
            | "struct"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
            | "yield"
    )
}

/// True when a statement at `i` is an item (`fn f`, `impl`, `use`, `const X:`),
/// not an expression.
fn starts_item(t: &Tokens<'_>, i: usize) -> bool {
    let Some(kw) = t.item_keyword(i, t.len()) else {
        return false;
    };
    let named = t.kind(kw + 1) == Some(Kind::Ident);
    match t.ident(kw) {
        Some("fn" | "struct" | "enum" | "union" | "trait" | "type" | "mod") => named,
        Some("impl" | "use" | "macro_rules") => true,
        Some("static") => named,
        Some("const") => named && t.is_punct(kw + 2, ':'),
        Some("extern") => t.is_ident(kw + 1, "crate"),
        _ => kw != i,
    }
}

/// The string literal token an argument from `from` to `to` stands for, looking
/// through `&`, parentheses and what [`rust::literal_str`] looks through.
fn literal_str(t: &Tokens<'_>, mut from: usize, to: usize) -> Option<usize> {
    while from < to && t.is_punct(from, '&') {
        from += 1;
    }
    if t.is_open(from, '(') && t.pair(from) + 1 == to {
        return literal_str(t, from + 1, to - 1);
    }
    if matches!(t.kind(from), Some(Kind::Str | Kind::RawStr)) {
        let mut k = from + 1;
        while k + 2 < to + 1
            && t.is_punct(k, '.')
            && t.ident(k + 1)
                .is_some_and(|m| rust::LITERAL_PASSING_METHODS.contains(&m))
            && t.is_open(k + 2, '(')
            && t.pair(k + 2) == k + 3
        {
            k += 4;
        }
        return (k == to).then_some(from);
    }
    let (segments, after) = t.path(from);
    let path = t.names(&segments);
    if t.is_punct(after, '!') && t.is_open(after + 1, '(') && t.pair(after + 1) + 1 == to {
        let first = after + 2;
        return (path
            .last()
            .is_some_and(|m| rust::LITERAL_TEMPLATE_MACROS.contains(m))
            && matches!(t.kind(first), Some(Kind::Str | Kind::RawStr)))
        .then_some(first);
    }
    let wraps = path.len() >= 2 && rust::wraps_literal(path[path.len() - 2], path[path.len() - 1]);
    (wraps && t.is_open(after, '(') && t.pair(after) + 1 == to)
        .then(|| literal_str(t, after + 1, to - 1))
        .flatten()
}

/// Function names the arguments from `from` to `to` refer to as values
/// (`post(run_migrations)` → `run_migrations`), not the functions they call.
fn handler_names(t: &Tokens<'_>, from: usize, to: usize) -> Vec<(String, Sym)> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let is_value_path = t.kind(i) == Some(Kind::Ident)
            && !is_keyword(t.text(i))
            && !(i > 0 && t.is_punct(i - 1, '.'));
        if !is_value_path {
            i += 1;
            continue;
        }
        let (segments, after) = t.path(i);
        let called = t.is_open(after, '(') || t.is_punct(after, '!') || t.is_open(after, '{');
        if !called && let Some(name) = segments.last().and_then(|&k| t.ident(k)) {
            out.push((name.to_string(), sym(name)));
        }
        i = after.max(i + 1);
    }
    out
}

/// The receiver of a method call: its words, and its name when it is a path
/// (`MIGRATIONS`) or a macro (`sqlx::migrate!(..)`).
struct Receiver {
    words: Vec<String>,
    name: Option<String>,
}

/// The comma-separated parts of tokens `from..to`, as ranges, skipping groups
/// and generic arguments.
fn comma_parts(t: &Tokens<'_>, from: usize, to: usize) -> Vec<(usize, usize)> {
    let mut parts = Vec::new();
    let mut start = from;
    let mut j = from;
    while j < to {
        if t.is_punct(j, ',') {
            parts.push((start, j));
            start = j + 1;
            j += 1;
        } else if t.is_punct(j, '<') {
            j = t.angle_end(j).max(j + 1);
        } else {
            j = t.next(j);
        }
    }
    if start < to {
        parts.push((start, to));
    }
    parts
}

/// The name a pattern in tokens `from..to` binds when it is `Enum::Variant(name)`
/// (through `ref` and `mut`, and inside `Some(..)` or `Ok(..)`), with the variant's path.
fn variant_binding(t: &Tokens<'_>, from: usize, to: usize) -> Option<(Sym, Box<[Sym]>)> {
    let (segments, open) = t.path(from);
    if !t.is_open(open, '(') || t.pair(open) + 1 != to {
        return None;
    }
    if let [wrapper] = segments[..] {
        return matches!(t.text(wrapper), "Some" | "Ok")
            .then(|| variant_binding(t, open + 1, t.pair(open)))
            .flatten();
    }
    if segments.len() < 2 {
        return None;
    }
    let mut at = open + 1;
    while matches!(t.ident(at), Some("mut" | "ref")) {
        at += 1;
    }
    let name = t.ident(at).filter(|_| at + 1 == t.pair(open))?;
    Some((
        sym(name),
        t.names(&segments).iter().map(|s| sym(s)).collect(),
    ))
}

/// `Variant(Type)` (a tuple variant with one field) with a known type.
fn one_field_variant(t: &Tokens<'_>, from: usize, to: usize) -> Option<(Sym, Ty)> {
    let variant = t.ident(from)?;
    if !t.is_open(from + 1, '(') || t.pair(from + 1) + 1 != to {
        return None;
    }
    let [(start, stop)] = comma_parts(t, from + 2, t.pair(from + 1))[..] else {
        return None;
    };
    type_of(t, start, stop).map(|ty| (sym(variant), ty))
}

/// `name: Type` (a field or a parameter, through `mut` and `&`) with a known type.
fn typed_name(t: &Tokens<'_>, mut from: usize, to: usize) -> Option<(Sym, Ty)> {
    while matches!(t.ident(from), Some("mut" | "ref" | "pub")) || t.is_punct(from, '&') {
        from = if t.is_ident(from, "pub") && t.is_open(from + 1, '(') {
            t.pair(from + 1) + 1
        } else {
            from + 1
        };
    }
    let name = t.ident(from)?;
    (t.is_punct(from + 1, ':') && !t.is_punct(from + 2, ':'))
        .then(|| type_of(t, from + 2, to))
        .flatten()
        .map(|ty| (sym(name), ty))
}

/// The type an initialiser in tokens `from..to` builds: `T::f(..)` or `T { .. }`
/// (a type is capitalised), through `.await`, `?`, `.unwrap()`, `.expect(..)`
/// and pointer constructors (`Arc::new(..)`).
fn constructed_type(t: &Tokens<'_>, from: usize, to: usize) -> Option<Ty> {
    let (segments, after) = t.path(from);
    let names = t.names(&segments);
    let mut end = match t.kind(after) {
        Some(Kind::Open('(' | '{')) => t.pair(after) + 1,
        _ => return None,
    };
    loop {
        if t.is_punct(end, '?') {
            end += 1;
        } else if t.is_punct(end, '.') && t.is_ident(end + 1, "await") {
            end += 2;
        } else if t.is_punct(end, '.')
            && matches!(t.ident(end + 1), Some("unwrap" | "expect"))
            && t.is_open(end + 2, '(')
        {
            end = t.pair(end + 2) + 1;
        } else {
            break;
        }
    }
    if end != to {
        return None;
    }
    let written = match (t.is_open(after, '{'), names.as_slice()) {
        (true, _) => &names[..],
        (false, [path @ .., _]) => path,
        (false, []) => return None,
    };
    let ty = written.last()?;
    if !ty.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    if POINTERS.contains(ty) && t.is_open(after, '(') {
        return constructed_type(t, after + 1, t.pair(after));
    }
    Some(Ty::Named(written.iter().map(|s| sym(s)).collect()))
}

/// Pointer types a method call sees through.
const POINTERS: &[&str] = &["Arc", "Rc", "Box", "Pin", "Data", "State", "Extension"];

/// The type written in tokens `from..to`, as far as method calls need it.
fn type_of(t: &Tokens<'_>, mut from: usize, to: usize) -> Option<Ty> {
    while from < to
        && (t.is_punct(from, '&')
            || t.is_ident(from, "mut")
            || t.kind(from) == Some(Kind::Lifetime))
    {
        from += 1;
    }
    if matches!(t.ident(from), Some("impl" | "dyn")) {
        let traits = trait_names(t, from + 1, to);
        return (!traits.is_empty()).then_some(Ty::Traits(traits));
    }
    let (segments, after) = t.path(from);
    let last = t.ident(*segments.last()?)?;
    let wrapper = POINTERS.contains(&last) || last.ends_with("Result") || last == "Option";
    if wrapper && t.is_punct(after, '<') {
        let close = t.angle_end(after).saturating_sub(1);
        let first = comma_parts(t, after + 1, close).first().copied();
        return first.and_then(|(from, to)| type_of(t, from, to));
    }
    Some(Ty::Named(t.names(&segments).into_iter().map(sym).collect()))
}

/// The name token of the call an initialiser in tokens `from..to` ends with,
/// through `.await`, `?`, `.unwrap()` and `.expect(..)`: `a.b().connect().await?`
/// → `connect`.
fn final_call(t: &Tokens<'_>, from: usize, to: usize) -> Option<usize> {
    let mut end = to;
    loop {
        if end > from && t.is_punct(end - 1, '?') {
            end -= 1;
        } else if end > from + 1 && t.is_ident(end - 1, "await") && t.is_punct(end - 2, '.') {
            end -= 2;
        } else if end > from + 2
            && t.is_open(t.pair(end - 1), '(')
            && matches!(t.ident(t.pair(end - 1) - 1), Some("unwrap" | "expect"))
            && t.is_punct(t.pair(end - 1) - 2, '.')
        {
            end = t.pair(end - 1) - 2;
        } else {
            break;
        }
    }
    let close = end.checked_sub(1)?;
    if close < from || !matches!(t.kind(close), Some(Kind::Close(')'))) {
        return None;
    }
    let name = t.pair(close).checked_sub(1)?;
    (name >= from && t.ident(name).is_some()).then_some(name)
}

/// The traits named in the bounds `A + B<X> + 'a + ?Sized` in tokens `from..to`
/// (their last path segments).
fn trait_names(t: &Tokens<'_>, from: usize, to: usize) -> Box<[Sym]> {
    let mut out = Vec::new();
    let mut j = from;
    while j < to {
        if t.is_punct(j, '?') {
            j = t.path(j + 1).1.max(j + 1);
            continue;
        }
        if t.ident(j).is_some() {
            let (segments, after) = t.path(j);
            if let Some(&last) = segments.last()
                && let Some(name) = t.ident(last)
                && !matches!(name, "Send" | "Sync" | "Sized" | "Clone" | "Unpin")
            {
                out.push(sym(name));
            }
            j = if t.is_punct(after, '<') {
                t.angle_end(after)
            } else if matches!(t.kind(after), Some(Kind::Open(_))) {
                t.next(after)
            } else {
                after
            }
            .max(j + 1);
            continue;
        }
        j += 1;
    }
    out.into_boxed_slice()
}

/// Drop empty sequences and unwrap single-step ones.
fn simplify(step: Step) -> Step {
    match step {
        Step::Seq(steps) | Step::Alt(steps) if steps.len() == 1 => steps
            .into_iter()
            .next()
            .map(simplify)
            .unwrap_or_else(Step::nothing),
        Step::Seq(steps) => Step::Seq(
            steps
                .into_iter()
                .map(simplify)
                .filter(|s| !s.is_nothing())
                .collect(),
        ),
        Step::Alt(steps) => Step::Alt(steps.into_iter().map(simplify).collect()),
        other => other,
    }
}

/// Router methods whose first argument is a route path.
const ROUTE_METHODS: &[&str] = &["route", "at", "resource", "nest", "route_service"];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lex::lex;

    fn facts(src: &str) -> CodeFacts<Range<usize>> {
        let tokens = lex(src).unwrap();
        analyze(&tokens, &crate::parse::uses::uses(&tokens), &|span| span)
    }

    fn path(p: &str) -> Target {
        Target::Path(p.split("::").map(sym).collect())
    }

    #[test]
    fn endless_loops_are_worker_loops() {
        let loops = |body: &str| {
            facts(&format!("async fn main() {{ {body} }}"))
                .events
                .iter()
                .filter(|e| e.kind == EventKind::Serve(Server::Loop))
                .count()
        };
        assert_eq!(loops("loop { poll().await; }"), 1);
        assert_eq!(
            loops("loop { while let Some(m) = s.next().await { if m { break; } } }"),
            1
        );
        assert_eq!(
            loops("loop { for m in batch() { if m { break; } } sleep().await; }"),
            1
        );
        assert_eq!(
            loops("loop { match next() { Some(m) => save(m), None => break } }"),
            0
        );
        assert_eq!(
            loops("'run: loop { loop { if done() { break 'run; } } }"),
            0
        );
        assert_eq!(loops("loop { if done() { return; } }"), 0);
        assert_eq!(loops("loop { if done() { std::process::exit(0) } }"), 0);
        assert_eq!(
            loops("tokio::spawn(async move { loop { tick().await; } });"),
            0
        );
        assert_eq!(loops("std::thread::spawn(move || loop { tick(); });"), 0);
    }

    #[test]
    fn functions_calls_and_alternatives() {
        let src = r#"
            struct App;
            impl<T: Fn() -> u8> Handler for App where T: Send {
                pub async fn start(&self) { if ready() { startup::run::<u8>(x) } else if other() { a() } else { b() } }
            }
            fn main() { match cmd() { Cmd::Serve => { axum::serve(l, app).await }, Cmd::Migrate => migrate(), } }
            #[cfg(test)]
            mod tests { fn hidden() { axum::serve(l, app); } }
            #[tokio::test]
            async fn also_hidden() { axum::serve(l, app); }
        "#;
        let f = facts(src);
        let names: Vec<Sym> = f.fns.iter().map(|f| f.name).collect();
        assert_eq!(names, [sym("start"), sym("main")]);
        assert_eq!(f.fns[0].owner, Some(sym("App")));
        assert_eq!(f.fns[0].in_trait, Some(sym("Handler")));
        assert_eq!(f.impls, [(sym("Handler"), sym("App"))]);
        let targets: Vec<Target> = f.calls.iter().map(|c| c.target.clone()).collect();
        assert_eq!(
            targets,
            [
                path("ready"),
                path("startup::run"),
                path("other"),
                path("a"),
                path("b"),
                path("cmd"),
                path("axum::serve"),
                path("migrate"),
            ]
        );
        assert_eq!(&src[f.calls[1].span.clone()], "startup::run");
        assert_eq!(
            f.fns[0].body,
            Step::Seq(Box::new([
                Step::Call(0),
                Step::Call(2),
                Step::Alt(Box::new([Step::Call(1), Step::Call(3), Step::Call(4)])),
            ]))
        );
        assert!(f.fns[1].is_entry);
        assert_eq!(
            f.fns[1].body,
            Step::Seq(Box::new([
                Step::Call(5),
                Step::Alt(Box::new([
                    Step::Seq(Box::new([Step::Event(0), Step::Call(6)])),
                    Step::Call(7),
                ])),
            ]))
        );
        assert_eq!(f.events.len(), 1, "test code is skipped");
        assert_eq!(f.events[0].label, "axum::serve");
        assert_eq!(&src[f.events[0].span.clone()], "axum::serve");
    }

    #[test]
    fn migrations_signals_and_routes() {
        let src = r#"
            use nix::sys::signal::SIGTERM;
            #[get("/admin/migrate")]
            async fn migrate_now() {}
            async fn run(pool: Pool) {
                sqlx::migrate!("./migrations").run(&pool).await.unwrap();
                let app = Router::new().route("/reset-db", post(handlers::reset_db)).route(&format!("/x"), get(x));
                tokio::select! { _ = tokio::signal::ctrl_c() => {}, _ = term.recv() => {} }
                let kinds = [SignalKind::terminate()];
                HttpServer::new(app).disable_signals();
            }
            fn stop() { server.shutdown_timeout(0).run(); rt.shutdown_timeout(Duration::ZERO); s.shutdown_timeout(30); }
        "#;
        let f = facts(src);
        let kinds: Vec<EventKind> = f.events.iter().map(|e| e.kind).collect();
        assert_eq!(
            kinds,
            [
                EventKind::Migrate,
                EventKind::CtrlC,
                EventKind::Serve(Server::SignalAware)
            ]
        );
        assert_eq!(f.events[0].label, "sqlx::migrate!(..).run()");
        let routes: Vec<(&str, Vec<&str>)> = f
            .routes
            .iter()
            .map(|r| {
                (
                    r.path.as_str(),
                    r.handlers.iter().map(|h| h.0.as_str()).collect(),
                )
            })
            .collect();
        assert_eq!(routes, [("/reset-db", vec!["reset_db"]), ("/x", vec!["x"])]);
        let attr = f.fns[0].route.as_ref().expect("attribute route");
        assert_eq!(attr.path, "/admin/migrate");
        assert_eq!(attr.handlers[0].0, "migrate_now");
        assert_eq!(f.ctrl_c.len(), 1);
        assert_eq!(&src[f.ctrl_c[0].1.clone()], "tokio::signal::ctrl_c");
        assert_eq!(f.sigterm.len(), 1, "`use` of SIGTERM is not handling it");
        assert!(f.disables_signals);
        let zero: Vec<&str> = f
            .zero_shutdown_timeouts
            .iter()
            .map(|r| &src[r.clone()])
            .collect();
        assert_eq!(zero, ["shutdown_timeout"]);
    }

    #[test]
    fn a_receiver_after_a_block_is_its_own_statement() {
        let f = facts(
            "async fn run(port: u16) { let s = Server::new(port); if port == 0 { println!(\"x\"); } s.listen().await; }",
        );
        let method = Target::Method {
            name: sym("listen"),
            recv: Recv::Local(sym("s")),
        };
        assert!(f.calls.iter().any(|c| c.target == method), "{:?}", f.calls);
    }

    #[test]
    fn a_variant_pattern_types_its_binding_in_its_arm_only() {
        let src = r#"
            enum Cmd { Serve(serve::Args), Key(Box<key::Cmd>), Login, Both(A, B), Named { x: X } }
            async fn main() {
                match cli.cmd {
                    Cmd::Serve(args) => args.run().await,
                    Cmd::Key(ref cmd) if cmd.ready() => cmd.run(),
                    Some(value) => value.run(),
                    Some(Cmd::Serve(inner)) => inner.run(),
                    Cmd::Login => { let args = load(); args.run() }
                }
                args.run();
                if let Self::Serve(mut a) = c { a.exec(); }
                a.exec();
            }
        "#;
        let f = facts(src);
        let named = |p: &str| Ty::Named(p.split("::").map(sym).collect());
        assert_eq!(
            f.fields,
            [
                (sym("Cmd"), sym("Serve"), named("serve::Args")),
                (sym("Cmd"), sym("Key"), named("key::Cmd")),
            ]
        );
        let variant = |p: &str| Recv::Variant(p.split("::").map(sym).collect());
        let receivers: Vec<(Sym, Recv)> = f
            .calls
            .iter()
            .filter_map(|c| match &c.target {
                Target::Method { name, recv } => Some((*name, recv.clone())),
                Target::Path(_) => None,
            })
            .collect();
        assert_eq!(
            receivers,
            [
                (sym("run"), variant("Cmd::Serve")),
                (sym("ready"), variant("Cmd::Key")),
                (sym("run"), variant("Cmd::Key")),
                (sym("run"), Recv::Local(sym("value"))),
                (sym("run"), variant("Cmd::Serve")),
                (sym("run"), Recv::Local(sym("args"))),
                (sym("run"), Recv::Local(sym("args"))),
                (sym("exec"), variant("Self::Serve")),
                (sym("exec"), Recv::Local(sym("a"))),
            ]
        );
    }

    #[test]
    fn receivers_types_generics_and_modules() {
        let src = r#"
            struct State { db: Arc<Database>, name: String }
            mod inner {
                pub async fn launch<Db: Database>(s: &Settings, store: impl Store + Send) where Db: Clone {
                    let db = Db::new(s).await?;
                    let pool = Pool::connect(&s.url).await.unwrap();
                    let cfg: Config = load();
                    db.run(); pool.query(); cfg.apply(); store.put(); self.db.init(); self.go();
                    Server::new(x).bind();
                    something().other();
                    crate::db::migrate();
                }
            }
            trait Store { fn put(&self) { self.flush(); } }
        "#;
        let f = facts(src);
        let named = |p: &str| Ty::Named(p.split("::").map(sym).collect());
        assert_eq!(
            f.fields,
            [
                (sym("State"), sym("db"), named("Database")),
                (sym("State"), sym("name"), named("String")),
            ]
        );
        let launch = &f.fns[0];
        assert_eq!(&*launch.module, [sym("inner")]);
        assert_eq!(
            &*launch.generics,
            [
                (sym("Db"), Box::from([sym("Database")])),
                (sym("Db"), Box::from([])),
            ]
        );
        let locals: Vec<Sym> = launch.locals.iter().map(|l| l.0).collect();
        assert_eq!(
            locals,
            [sym("s"), sym("store"), sym("db"), sym("pool"), sym("cfg")]
        );
        assert_eq!(launch.locals[1].1, Ty::Traits(Box::from([sym("Store")])));
        assert_eq!(launch.locals[2].1, named("Db"));
        assert_eq!(launch.locals[3].1, named("Pool"));
        let method = |name: &str, recv: Recv| Target::Method {
            name: sym(name),
            recv,
        };
        let targets: Vec<Target> = f.calls.iter().map(|c| c.target.clone()).collect();
        assert_eq!(
            targets,
            [
                path("Db::new"),
                path("Pool::connect"),
                path("load"),
                method("run", Recv::Local(sym("db"))),
                method("query", Recv::Local(sym("pool"))),
                method("apply", Recv::Local(sym("cfg"))),
                method("put", Recv::Local(sym("store"))),
                method("init", Recv::Field(sym("db"))),
                method("go", Recv::SelfValue),
                path("Server::new"),
                method("bind", Recv::Assoc(Box::from([sym("Server"), sym("new")]))),
                path("something"),
                path("crate::db::migrate"),
                method("flush", Recv::SelfValue),
            ],
            "`something().other()` has an unknown receiver and reaches nothing"
        );
        let put = &f.fns[1];
        assert_eq!(
            (put.owner, put.in_trait),
            (Some(sym("Store")), Some(sym("Store")))
        );
    }

    #[test]
    fn a_module_declaration_keeps_its_cfg_to_itself() {
        let src = r#"
            #[cfg(feature = "sqlite")]
            mod sqlite;
            #[cfg(feature = "postgres")]
            pub fn connect() { pg(); }
            pub fn setup() { migrate(); }
        "#;
        let f = facts(src);
        let features = |name: &str| {
            f.fns
                .iter()
                .find(|n| n.name == sym(name))
                .and_then(|n| n.features.as_deref().cloned())
        };
        assert_eq!(
            features("connect"),
            Some(FeatureCfg::Feature("postgres".into()))
        );
        assert_eq!(
            features("setup"),
            None,
            "`mod sqlite;` gates nothing after it"
        );
    }

    #[test]
    fn type_aliases_outside_impls() {
        let src = r#"
            #[cfg(feature = "mysql")]
            pub type DbPoolImpl = mysql::Pool;
            pub type Result<T> = std::result::Result<T, Error>;
            mod backend { pub type Store = super::Disk; }
            impl Service for App { type Pool = Db; }
        "#;
        let f = facts(src);
        let named = |p: &str| Ty::Named(p.split("::").map(sym).collect());
        assert_eq!(
            f.aliases,
            [
                (Box::from([]), sym("DbPoolImpl"), named("mysql::Pool")),
                (
                    Box::from([sym("backend")]),
                    sym("Store"),
                    named("super::Disk")
                ),
            ],
            "a generic alias is not followed; an associated type is a field"
        );
        assert_eq!(f.fields, [(sym("App"), sym("Pool"), named("Db"))]);
        assert!(!f.is_empty(), "a file of aliases is kept for resolution");
    }

    #[test]
    fn long_else_if_chains_stay_flat() {
        let mut src = String::from("fn main() { if a() { x() }");
        for _ in 0..50_000 {
            src.push_str(" else if a() { x() }");
        }
        src.push_str(" }");
        let f = facts(&src);
        let Step::Seq(steps) = &f.fns[0].body else {
            panic!("{:?}", f.fns[0].body)
        };
        assert!(matches!(steps.last(), Some(Step::Alt(arms)) if arms.len() == 50_002));
    }
}
