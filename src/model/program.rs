//! Whole-program questions about a crate's binaries: does `main` start a server,
//! does it run migrations before serving, is SIGTERM handled anywhere. Calls are
//! linked only where they resolve ([`crate::model::names`]) within the crate and
//! the workspace crates it depends on, and every event found through calls
//! keeps the chain of calls that reaches it.

use std::cell::{OnceCell, RefCell};
use std::collections::{HashMap, HashSet};
use std::ops::Range;

use crate::diagnostic::Location;
use crate::model::flow::{Call, Event, EventKind, Server, Step, Target};
use crate::model::names::{FnId, Names, Package};
use crate::model::project::{CargoFacts, CodeFile, Project};
use crate::model::role::Role;
use crate::model::threads;
use crate::parse::uses::{Sym, sym};

/// An event found through the call graph: (file index, event index) in a [`Scope`].
pub type EventRef = (usize, usize);

/// A call site: (file index, call index) in a [`Scope`].
pub type CallRef = (usize, usize);

/// An event a function reaches, and the call it is reached through (`None`
/// when it is in the function's own body).
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub event: EventRef,
    via: Option<(CallRef, FnId)>,
}

/// A migration followed, on the same path, by a server start (not a worker's loop); `via`
/// is the call through which the function reaches the place where both are reached.
#[derive(Debug, Clone, Copy)]
pub struct MigrateThenServe {
    pub migrate: Reach,
    pub serve: Reach,
    via: Option<(CallRef, FnId)>,
}

/// What running a function may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// The strongest server start reached (first of equals).
    pub serve: Option<(Server, Reach)>,
    /// A server start reached through another call than `serve` (a second protocol's
    /// server, another mode's), for related locations.
    pub also_serve: Option<Reach>,
    /// The first migration reached.
    pub migrate: Option<Reach>,
    /// A migration followed, on the same path, by a server start.
    pub migrate_then_serve: Option<MigrateThenServe>,
    /// The first Ctrl-C wait reached.
    pub ctrl_c: Option<Reach>,
    /// A Ctrl-C wait on a path that also starts a server: the server's shutdown, not
    /// another mode's (a CLI client's).
    pub ctrl_c_while_serving: Option<Reach>,
    /// Every path ends the process at once on Ctrl-C ([`EventKind::EndsOnCtrlC`]).
    pub ends_on_ctrl_c: bool,
    /// A path starts a server and does not end the process at once on Ctrl-C: a server
    /// whose stop, if any, is a graceful shutdown.
    pub serves_unended: bool,
    /// A migration on a path that goes on in the same body (no `return` after it).
    live: Option<Reach>,
    /// Every path returns: nothing after it in the body runs.
    exits: bool,
}

impl Summary {
    /// `self`, then `next`.
    fn then(self, next: Summary) -> Summary {
        if self.exits {
            return self;
        }
        let (serve, also_serve) = serves(&self, &next);
        Summary {
            serve,
            also_serve,
            migrate: self.migrate.or(next.migrate),
            migrate_then_serve: self
                .migrate_then_serve
                .or(next.migrate_then_serve)
                .or_else(|| {
                    Some(MigrateThenServe {
                        migrate: self.live?,
                        serve: next.serve.filter(|(s, _)| *s != Server::Loop)?.1,
                        via: None,
                    })
                }),
            ctrl_c: self.ctrl_c.or(next.ctrl_c),
            ctrl_c_while_serving: self
                .ctrl_c_while_serving
                .or(next.ctrl_c_while_serving)
                .or(next.ctrl_c.filter(|_| self.serve.is_some()))
                .or(self.ctrl_c.filter(|_| next.serve.is_some())),
            ends_on_ctrl_c: self.ends_on_ctrl_c || next.ends_on_ctrl_c,
            serves_unended: (self.serves_unended && !next.ends_on_ctrl_c)
                || (next.serves_unended && !self.ends_on_ctrl_c),
            live: if next.exits {
                None
            } else {
                self.live.or(next.live)
            },
            exits: next.exits,
        }
    }

    /// Either `self` or `other`.
    fn or(self, other: Summary) -> Summary {
        let (serve, also_serve) = serves(&self, &other);
        Summary {
            serve,
            also_serve,
            migrate: self.migrate.or(other.migrate),
            migrate_then_serve: self.migrate_then_serve.or(other.migrate_then_serve),
            ctrl_c: self.ctrl_c.or(other.ctrl_c),
            ctrl_c_while_serving: self.ctrl_c_while_serving.or(other.ctrl_c_while_serving),
            ends_on_ctrl_c: self.ends_on_ctrl_c && other.ends_on_ctrl_c,
            serves_unended: self.serves_unended || other.serves_unended,
            live: self.live.or(other.live),
            exits: self.exits && other.exits,
        }
    }

    /// A callee's summary as its caller sees it, through the call `call`.
    fn through(self, call: CallRef, callee: FnId) -> Summary {
        let via = Some((call, callee));
        let reach = |r: Reach| Reach { via, ..r };
        Summary {
            serve: self.serve.map(|(kind, r)| (kind, reach(r))),
            also_serve: self.also_serve.map(reach),
            migrate: self.migrate.map(reach),
            migrate_then_serve: self
                .migrate_then_serve
                .map(|p| MigrateThenServe { via, ..p }),
            ctrl_c: self.ctrl_c.map(reach),
            ctrl_c_while_serving: self.ctrl_c_while_serving.map(reach),
            ends_on_ctrl_c: self.ends_on_ctrl_c,
            serves_unended: self.serves_unended,
            // The callee returns to the caller, which goes on after its migrations.
            live: self.migrate.map(reach),
            exits: false,
        }
    }
}

/// The server starts of `a` and `b` together: the stronger, and a server (not a worker's
/// loop) reached through another call (two events of one body, `Server::builder(..)` then
/// `.serve(..)`, are one server).
fn serves(a: &Summary, b: &Summary) -> (Option<(Server, Reach)>, Option<Reach>) {
    let serve = stronger(a.serve, b.serve);
    let chosen = serve.map(|(_, r)| r);
    let known = a
        .also_serve
        .or(b.also_serve)
        .filter(|r| chosen.is_none_or(|c| c.event != r.event));
    let also = known.or_else(|| {
        [a.serve, b.serve]
            .into_iter()
            .flatten()
            .filter(|(s, _)| *s != Server::Loop)
            .map(|(_, r)| r)
            .find(|r| chosen.is_none_or(|c| c.event != r.event && c.via != r.via))
    });
    (serve, also)
}

fn stronger(a: Option<(Server, Reach)>, b: Option<(Server, Reach)>) -> Option<(Server, Reach)> {
    match (a, b) {
        (Some(x), Some(y)) if y.0 > x.0 => Some(y),
        (x, y) => x.or(y),
    }
}

/// A server binary of a service crate: what its `main` reaches.
pub struct ServerBin<'p> {
    /// The file holding `main`.
    pub bin: &'p str,
    /// Its entry function.
    pub entry: FnId,
    pub run: Summary,
}

impl ServerBin<'_> {
    /// True when it serves traffic, not only runs a worker's loop.
    pub fn serves_traffic(&self) -> bool {
        self.run.serve.is_some_and(|(s, _)| s != Server::Loop)
    }
}

/// Whole-program answers, asked by several project rules of one run: each crate's
/// [`Scope`] (its name index and the memo of what each function reaches) and the server
/// binaries of the service crates. Rules reach them through
/// [`crate::rules::Ctx::program`]; the engine builds one [`Program`] per run.
pub trait Programs {
    /// The scope of `krate`, a crate of the project, built on first use.
    fn scope(&self, krate: &CargoFacts) -> &Scope<'_>;
    /// The server binaries of each service crate (a binary whose `main` reaches a server
    /// start), with the crate's scope. Service crates: a server framework dependency, or a
    /// binary a production Dockerfile, compose service or Kubernetes container runs (a CLI
    /// whose `server` subcommand the image starts).
    fn servers(&self) -> Vec<(&Scope<'_>, &[ServerBin<'_>])>;
}

/// The [`Programs`] of a project: scopes are built when a rule first asks for them and
/// kept for the rules after it.
pub struct Program<'p> {
    project: &'p Project,
    /// By index in `project.cargo`.
    scopes: Vec<OnceCell<Scope<'p>>>,
    /// (index in `project.cargo`, its server binaries), for service crates that have some.
    servers: OnceCell<Vec<(usize, Vec<ServerBin<'p>>)>>,
    /// How many threads may build scopes at once.
    threads: usize,
}

impl<'p> Program<'p> {
    /// The program of `project`, built on up to `threads` threads.
    pub fn new(project: &'p Project, threads: usize) -> Self {
        Program {
            project,
            scopes: project.cargo.iter().map(|_| OnceCell::new()).collect(),
            servers: OnceCell::new(),
            threads: threads.max(1),
        }
    }

    fn scope_at(&self, index: usize) -> &Scope<'p> {
        self.scopes[index].get_or_init(|| Scope::new(self.project, &self.project.cargo[index]))
    }
}

impl<'p> Programs for Program<'p> {
    fn scope(&self, krate: &CargoFacts) -> &Scope<'_> {
        let index = self
            .project
            .cargo
            .iter()
            .position(|c| std::ptr::eq(c, krate))
            .expect("a crate of this project");
        self.scope_at(index)
    }

    fn servers(&self) -> Vec<(&Scope<'_>, &[ServerBin<'_>])> {
        let servers = self.servers.get_or_init(|| {
            let project = self.project;
            let candidates: Vec<usize> = (0..project.cargo.len())
                .filter(|&i| may_serve(project, &project.cargo[i]))
                .collect();
            // Each crate's scope and server binaries are its own: the scopes no rule has
            // asked for yet are built on the run's threads, a crate at a time.
            let (built, unbuilt): (Vec<usize>, Vec<usize>) = candidates
                .into_iter()
                .partition(|&i| self.scopes[i].get().is_some());
            let fresh = threads::share_out(&unbuilt, self.threads, |&i| {
                let scope = Scope::new(project, &project.cargo[i]);
                let bins = server_bins(project, i, &scope);
                Some((i, scope, bins))
            });
            let mut servers = Vec::new();
            for (i, scope, bins) in fresh {
                // Not yet built: `unbuilt` holds only crates without a scope.
                let _ = self.scopes[i].set(scope);
                servers.push((i, bins));
            }
            servers.extend(
                built
                    .into_iter()
                    .map(|i| (i, server_bins(project, i, self.scope_at(i)))),
            );
            servers.retain(|(_, bins)| !bins.is_empty());
            servers.sort_by_key(|(i, _)| *i);
            servers
        });
        servers
            .iter()
            .map(|(i, bins)| (self.scope_at(*i), bins.as_slice()))
            .collect()
    }
}

/// The binaries of crate `index` of `project` whose `main` reaches a server start, read
/// in its `scope`. An endless loop is a long-running worker only in a binary that a
/// production deployment runs (a CLI's REPL is not one).
fn server_bins<'p>(project: &'p Project, index: usize, scope: &Scope<'p>) -> Vec<ServerBin<'p>> {
    let deployed = OnceCell::new();
    let runs = |server: Server| {
        server != Server::Loop
            || *deployed.get_or_init(|| {
                project.deployed_by_files(&project.cargo[index], |p| project.is_production(p))
            })
    };
    scope
        .binaries()
        .into_iter()
        .filter_map(|bin| {
            let run = scope.function(bin.entry);
            run.serve
                .is_some_and(|(s, _)| runs(s))
                .then_some(ServerBin {
                    bin: bin.path,
                    entry: bin.entry,
                    run,
                })
        })
        .collect()
}

/// The calls and events of a function body, last first (the order a stack pops them).
fn leaves(body: &Step) -> Vec<&Step> {
    let mut out = Vec::new();
    let mut todo = vec![body];
    while let Some(step) = todo.pop() {
        match step {
            Step::Seq(steps) | Step::Alt(steps) => todo.extend(steps),
            leaf => out.push(leaf),
        }
    }
    out
}

/// True when a binary of `krate` may start a server: a service package (a server
/// framework dependency), or a binary a production Dockerfile, compose service or
/// Kubernetes container runs.
fn may_serve(project: &Project, krate: &CargoFacts) -> bool {
    krate.has_bin
        && (krate.is_service() || project.deployed_by_files(krate, |p| project.is_production(p)))
}

/// Which Rust files the whole-program questions read call-flow facts of: those of the
/// packages that may serve ([`Programs::servers`]), of service packages a binary of the
/// workspace builds (whose routes TF1202 reads) and of the workspace packages they
/// depend on. Decided from a project holding the manifests and deployment files only,
/// before any Rust file is read, so library code no server reaches costs no flow facts.
pub struct FlowFiles {
    project: Project,
    /// The packages whose production code's flow facts are read.
    packages: HashSet<usize>,
    /// Of those, the packages with a binary that may serve and their workspace
    /// dependencies: the only ones whose code no deployed binary builds is read (for
    /// notes on the servers' own shutdown).
    servers: HashSet<usize>,
}

impl FlowFiles {
    /// The flow files of `project` (its Rust files need not be there yet).
    pub fn of(project: Project) -> Self {
        let closure = |roots: Vec<usize>| {
            let mut packages = HashSet::new();
            let mut stack = roots;
            while let Some(i) = stack.pop() {
                if packages.insert(i) {
                    stack.extend(project.workspace_dep_indexes(&project.cargo[i]));
                }
            }
            packages
        };
        let serving = |c: &CargoFacts| may_serve(&project, c);
        // A service package's routes run only in a binary of the workspace that builds it.
        let built_into_binaries = closure(
            (0..project.cargo.len())
                .filter(|&i| project.cargo[i].has_bin)
                .collect(),
        );
        let packages = closure(
            (0..project.cargo.len())
                .filter(|&i| {
                    let c = &project.cargo[i];
                    (c.is_service() && built_into_binaries.contains(&i)) || serving(c)
                })
                .collect(),
        );
        let servers = closure(
            (0..project.cargo.len())
                .filter(|&i| serving(&project.cargo[i]))
                .collect(),
        );
        // Which package holds a file is all [`FlowFiles::wants`] asks: the other files'
        // facts are not held while the Rust files are read.
        let project = Project {
            root: project.root,
            cargo: project.cargo,
            ..Project::default()
        };
        FlowFiles {
            project,
            packages,
            servers,
        }
    }

    /// True when the package holding `path` (its nearest package directory) is one whose
    /// flow facts are read for a file of `role`.
    pub fn wants(&self, path: &str, role: Role) -> bool {
        let read = if role == Role::Production {
            &self.packages
        } else {
            &self.servers
        };
        self.project
            .crate_of(path)
            .and_then(|c| self.project.crate_index(c))
            .is_some_and(|i| read.contains(&i))
    }
}

/// A binary target of a crate and its entry function.
pub struct Binary<'p> {
    /// The file holding `main`.
    pub path: &'p str,
    /// The binary's name: the package's for `src/main.rs`, the file's or directory's
    /// under `src/bin/`, a `[[bin]]`'s `name`.
    pub name: String,
    entry: FnId,
}

/// The code of a crate and the workspace crates it depends on, directly or not.
pub struct Scope<'p> {
    project: &'p Project,
    pub krate: &'p CargoFacts,
    /// How many of `files` belong to the crate itself (they come first).
    own: usize,
    names: Names<'p>,
    by_name: foldhash::HashMap<Sym, Vec<FnId>>,
    memo: RefCell<HashMap<FnId, Summary>>,
}

impl<'p> Scope<'p> {
    /// The scope of `krate` in `project`.
    pub fn new(project: &'p Project, krate: &'p CargoFacts) -> Self {
        let mut crates = vec![krate];
        let mut seen: HashSet<&str> = HashSet::from([krate.path.as_str()]);
        let mut next = 0;
        while next < crates.len() {
            for dep in project.workspace_deps(crates[next]) {
                if seen.insert(dep.path.as_str()) {
                    crates.push(dep);
                }
            }
            next += 1;
        }
        let mut files = Vec::new();
        let mut package = Vec::new();
        for (i, c) in crates.iter().enumerate() {
            for f in project.code_of(c) {
                files.push(f);
                package.push(i);
            }
        }
        let own = package.iter().take_while(|&&p| p == 0).count();
        let packages: Vec<Package<'_>> = crates
            .iter()
            .enumerate()
            .map(|(i, c)| Package {
                name: c.manifest.package.as_ref().map_or("", |p| p.0.as_str()),
                dir: &c.dir,
                // Only the deployed package's own builds are known: the features of the
                // workspace crates it uses are chosen by their dependents.
                builds: if i == 0 {
                    project.production_builds(c).to_vec()
                } else {
                    Vec::new()
                },
            })
            .collect();
        let names = Names::new(files, &package, &packages);
        let mut by_name: foldhash::HashMap<Sym, Vec<FnId>> = foldhash::HashMap::default();
        for (fi, file) in names.files().iter().enumerate() {
            for (ni, f) in file.facts.fns.iter().enumerate() {
                if names.is_compiled((fi, ni)) {
                    by_name.entry(f.name).or_default().push((fi, ni));
                }
            }
        }
        Scope {
            project,
            krate,
            names,
            own,
            by_name,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// The files of the crate and of the workspace crates it depends on.
    pub fn files(&self) -> &[&'p CodeFile] {
        self.names.files()
    }

    /// The crate's own files (they come first).
    pub fn own_files(&self) -> &[&'p CodeFile] {
        &self.files()[..self.own]
    }

    /// The crate's binaries: `src/main.rs`, `src/bin/*.rs`, `src/bin/*/main.rs`
    /// and `[[bin]] path`s that define an entry function.
    pub fn binaries(&self) -> Vec<Binary<'p>> {
        let dir = &self.krate.dir;
        let join = |rel: &str| {
            if dir.is_empty() {
                rel.to_string()
            } else {
                format!("{dir}/{rel}")
            }
        };
        let main_rs = join("src/main.rs");
        let bin_dir = join("src/bin");
        let package = self
            .krate
            .manifest
            .package
            .as_ref()
            .map_or("", |p| p.0.as_str());
        let explicit: Vec<(Option<&str>, String)> = self
            .krate
            .manifest
            .bin_paths
            .iter()
            .map(|(name, p)| (name.as_deref(), join(p)))
            .collect();
        self.own_files()
            .iter()
            .enumerate()
            .filter_map(|(fi, f)| {
                let p = f.path.as_str();
                let name = if p == main_rs {
                    package.to_string()
                } else if let Some((name, _)) = explicit.iter().find(|(_, e)| e == p) {
                    name.unwrap_or(package).to_string()
                } else {
                    let rest = p.strip_prefix(&bin_dir)?.strip_prefix('/')?;
                    match rest.split_once('/') {
                        None => rest.strip_suffix(".rs")?.to_string(),
                        Some((dir, "main.rs")) => dir.to_string(),
                        Some(_) => return None,
                    }
                };
                let entry = f.facts.fns.iter().position(|f| f.is_entry)?;
                Some(Binary {
                    path: f.path.as_str(),
                    name,
                    entry: (fi, entry),
                })
            })
            .collect()
    }

    /// The events running the binaries `bins` may reach: those in their entry
    /// functions, in the HTTP handlers the scope's routes name (a server calls them),
    /// and in every function those call, through calls that resolve
    /// ([`Names::callees`]).
    pub fn reached_events(&self, bins: &[&Binary<'_>]) -> HashSet<EventRef> {
        let handler_fns = self
            .files()
            .iter()
            .flat_map(|f| f.facts.all_routes())
            .flat_map(|r| r.handlers.iter())
            .filter_map(|&(_, name)| self.by_name.get(&name))
            .flatten();
        let mut seen: HashSet<FnId> = bins
            .iter()
            .map(|b| b.entry)
            .chain(handler_fns.copied())
            .collect();
        let mut todo: Vec<FnId> = seen.iter().copied().collect();
        let mut events = HashSet::new();
        while let Some(f) = todo.pop() {
            for step in leaves(&self.names.function(f).body) {
                match step {
                    Step::Event(ei) => {
                        events.insert((f.0, *ei));
                    }
                    Step::Call(ci) => todo.extend(
                        self.names
                            .callees(f, *ci)
                            .into_iter()
                            .filter(|&callee| seen.insert(callee)),
                    ),
                    _ => {}
                }
            }
        }
        events
    }

    /// The events of `kind` in the scope's file at `path`.
    pub fn events_in(&self, path: &str, kind: EventKind) -> impl Iterator<Item = EventRef> + '_ {
        let file = self.files().iter().position(|f| f.path == path);
        file.into_iter().flat_map(move |fi| {
            self.files()[fi]
                .facts
                .events
                .iter()
                .enumerate()
                .filter(move |(_, e)| e.kind == kind)
                .map(move |(ei, _)| (fi, ei))
        })
    }

    /// What running the function named `name` may do (every function of that name).
    pub fn function_named(&self, name: &str) -> Summary {
        let key = sym(name);
        self.by_name
            .get(&key)
            .into_iter()
            .flatten()
            .fold(Summary::default(), |acc, &id| acc.or(self.function(id)))
    }

    /// What running the function `id` may do.
    ///
    /// The call graph is walked with an explicit stack, so call chains of any
    /// depth cannot overflow the thread's stack. Callees are summarised before
    /// their caller; a call back into a function still being summarised (a
    /// cycle) reads as doing nothing more.
    pub fn function(&self, id: FnId) -> Summary {
        if let Some(s) = self.memo.borrow().get(&id) {
            return *s;
        }
        self.memo.borrow_mut().insert(id, Summary::default());
        let mut stack = vec![(id, self.callees_of(id), 0)];
        while let Some((func, callees, next)) = stack.last_mut() {
            let pending = callees[*next..]
                .iter()
                .position(|c| !self.memo.borrow().contains_key(c));
            match pending {
                Some(skip) => {
                    let callee = callees[*next + skip];
                    *next += skip + 1;
                    self.memo.borrow_mut().insert(callee, Summary::default());
                    stack.push((callee, self.callees_of(callee), 0));
                }
                None => {
                    let func = *func;
                    let summary = self.step(func, &self.names.function(func).body);
                    self.memo.borrow_mut().insert(func, summary);
                    stack.pop();
                }
            }
        }
        self.memo.borrow()[&id]
    }

    /// Every function a call in the body of `id` may reach.
    fn callees_of(&self, id: FnId) -> Vec<FnId> {
        leaves(&self.names.function(id).body)
            .into_iter()
            .filter_map(|step| match step {
                Step::Call(ci) => Some(self.names.callees(id, *ci)),
                _ => None,
            })
            .flatten()
            .collect()
    }

    /// The event behind a reference.
    pub fn event(&self, (fi, ei): EventRef) -> &'p Event<Range<usize>> {
        &self.files()[fi].facts.events[ei]
    }

    /// Where an event happens.
    pub fn event_at(&self, e: EventRef) -> Location {
        self.project
            .locate(&self.files()[e.0].path, self.event(e).span.clone())
    }

    /// The call behind a reference.
    pub fn call(&self, (fi, ci): CallRef) -> &'p Call<Range<usize>> {
        &self.files()[fi].facts.calls[ci]
    }

    /// Where a call is written (its path or method name).
    pub fn call_at(&self, c: CallRef) -> Location {
        self.project
            .locate(&self.files()[c.0].path, self.call(c).span.clone())
    }

    /// The calls from function `from` down to where `reach` (read from each
    /// function's summary by `pick`) is in a function's own body.
    pub fn chain(
        &self,
        mut reach: Option<Reach>,
        pick: impl Fn(&Summary) -> Option<Reach>,
    ) -> Vec<CallRef> {
        let mut calls = Vec::new();
        let memo = self.memo.borrow();
        while let Some(Reach {
            via: Some((call, callee)),
            ..
        }) = reach
        {
            if calls.len() > memo.len() {
                break;
            }
            calls.push(call);
            reach = memo.get(&callee).and_then(&pick);
        }
        calls
    }

    /// The calls from function `from` (whose pair `pair` is) down to the one whose own
    /// body holds both halves of `pair`, that function and its pair.
    pub fn pair_chain(
        &self,
        mut from: FnId,
        mut pair: MigrateThenServe,
    ) -> (Vec<CallRef>, FnId, MigrateThenServe) {
        let mut calls = Vec::new();
        let memo = self.memo.borrow();
        while let Some((call, callee)) = pair.via {
            let Some(inner) = memo.get(&callee).and_then(|s| s.migrate_then_serve) else {
                break;
            };
            if calls.len() > memo.len() {
                break;
            }
            calls.push(call);
            from = callee;
            pair = inner;
        }
        (calls, from, pair)
    }

    /// Other migrations on the way from `holder` to the migration `reach`: at each call
    /// of that chain, the functions the call may run besides the one followed (other
    /// implementations of a trait method) and the migrations they reach. Whichever runs,
    /// the start migrates. At most eight, in order.
    pub fn other_migrations(&self, mut holder: FnId, mut reach: Reach) -> Vec<EventRef> {
        let mut seen: HashSet<FnId> = HashSet::new();
        let mut found = Vec::new();
        let mut todo: Vec<FnId> = Vec::new();
        while let Some(((_, ci), chosen)) = reach.via {
            if !seen.insert(chosen) {
                break;
            }
            let mut others = self.names.callees(holder, ci);
            others.retain(|f| *f != chosen);
            todo.extend(others);
            let Some(next) = self.memo.borrow().get(&chosen).and_then(|s| s.migrate) else {
                break;
            };
            (holder, reach) = (chosen, next);
        }
        todo.reverse();
        while let Some(f) = todo.pop() {
            if !seen.insert(f) || found.len() >= 8 {
                continue;
            }
            let events = &self.files()[f.0].facts.events;
            found.extend(
                leaves(&self.names.function(f).body)
                    .into_iter()
                    .filter_map(|step| match step {
                        Step::Event(ei) if events[*ei].kind == EventKind::Migrate => {
                            Some((f.0, *ei))
                        }
                        _ => None,
                    }),
            );
            let mut next = self.callees_of(f);
            next.reverse();
            todo.extend(next);
        }
        found.truncate(8);
        found
    }

    /// How a chain of calls from `entry` reads in a message: `, through main →
    /// startup::run → .init`, or nothing when there is no call.
    pub fn through(&self, entry: FnId, calls: &[CallRef]) -> String {
        if calls.is_empty() {
            return String::new();
        }
        let entry = self.names.function(entry);
        let start = if entry.is_entry { "main" } else { "the entry" };
        calls
            .iter()
            .fold(format!(", through {start}"), |mut text, &c| {
                text.push_str(" → ");
                text.push_str(&self.call_label(c));
                text
            })
    }

    /// The related locations of a chain: each call, labelled.
    pub fn chain_related(&self, calls: &[CallRef]) -> Vec<(Location, String)> {
        calls
            .iter()
            .map(|&c| (self.call_at(c), format!("calls `{}`", self.call_label(c))))
            .collect()
    }

    /// A call as written: `startup::run` or `.init`.
    fn call_label(&self, c: CallRef) -> String {
        let at = self.call_at(c);
        let text = at.span_text().unwrap_or("…");
        match self.call(c).target {
            Target::Method { .. } => format!(".{text}"),
            Target::Path(_) => text.to_string(),
        }
    }

    fn step(&self, id: FnId, step: &Step) -> Summary {
        match step {
            Step::Seq(steps) => steps
                .iter()
                .fold(Summary::default(), |acc, s| acc.then(self.step(id, s))),
            Step::Alt(steps) => steps
                .iter()
                .map(|s| self.step(id, s))
                .reduce(Summary::or)
                .unwrap_or_default(),
            Step::Event(ei) => {
                let reach = Reach {
                    event: (id.0, *ei),
                    via: None,
                };
                match self.files()[id.0].facts.events[*ei].kind {
                    EventKind::Serve(server) => Summary {
                        serve: Some((server, reach)),
                        serves_unended: true,
                        ..Summary::default()
                    },
                    EventKind::Migrate => Summary {
                        migrate: Some(reach),
                        live: Some(reach),
                        ..Summary::default()
                    },
                    EventKind::CtrlC => Summary {
                        ctrl_c: Some(reach),
                        ..Summary::default()
                    },
                    EventKind::EndsOnCtrlC => Summary {
                        ends_on_ctrl_c: true,
                        ..Summary::default()
                    },
                    EventKind::RunsProgram => Summary::default(),
                }
            }
            Step::Exit => Summary {
                exits: true,
                ..Summary::default()
            },
            Step::Call(ci) => self
                .names
                .callees(id, *ci)
                .into_iter()
                .map(|callee| {
                    let summary = self.memo.borrow().get(&callee).copied().unwrap_or_default();
                    summary.through((id.0, *ci), callee)
                })
                .reduce(Summary::or)
                .unwrap_or_default(),
        }
    }

    /// True when code in the scope names SIGTERM, or the `ctrlc` dependency has
    /// its `termination` feature.
    pub fn handles_sigterm(&self, project: &Project) -> bool {
        self.files().iter().any(|f| !f.facts.sigterm.is_empty())
            || project.cargo.iter().any(|c| {
                (c.path == self.krate.path || c.manifest.is_workspace)
                    && c.manifest
                        .dependencies
                        .iter()
                        .any(|d| d.name == "ctrlc" && d.features.iter().any(|f| f == "termination"))
            })
    }

    /// True when some code in the scope calls `.disable_signals()`.
    pub fn disables_signals(&self) -> bool {
        self.files().iter().any(|f| f.facts.disables_signals)
    }
}

/// Runtimes that own the process and shut it down on SIGTERM themselves.
const SIGNAL_OWNING_RUNTIMES: &[&str] = &[
    "loco-rs",
    "shuttle-runtime",
    "pingora",
    "lambda_runtime",
    "lambda_http",
    "spin-sdk",
];

fn owns_signals(krate: &CargoFacts) -> bool {
    krate
        .manifest
        .dependencies
        .iter()
        .any(|d| SIGNAL_OWNING_RUNTIMES.contains(&d.name.as_str()))
}

/// True when the crate's servers shut down on SIGTERM: through code naming
/// SIGTERM, or a framework that handles it (actix-web, Rocket) left enabled.
pub fn shuts_down_on_sigterm(
    project: &Project,
    scope: &Scope<'_>,
    servers: &[ServerBin<'_>],
) -> bool {
    if owns_signals(scope.krate) {
        return true;
    }
    let framework = servers.iter().any(|s| {
        s.run
            .serve
            .is_some_and(|(kind, _)| kind == Server::SignalAware)
    });
    (framework && !scope.disables_signals()) || scope.handles_sigterm(project)
}
