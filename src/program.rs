//! Whole-program questions about a crate's binaries: does `main` start a server,
//! does it run migrations before serving, is SIGTERM handled anywhere. Calls are
//! resolved by name within the crate and the workspace crates it depends on.

use std::cell::RefCell;
use std::collections::HashMap;

use crate::diagnostic::Location;
use crate::parse::flow::{Event, EventKind, Server, Step, Sym, sym};
use crate::project::{CargoFacts, CodeFile, Project};

/// An event found through the call graph: (file index, event index) in a [`Scope`].
pub type EventRef = (usize, usize);

/// What running a function may do.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    /// The strongest server start reached (first of equals).
    pub serve: Option<(Server, EventRef)>,
    /// The first migration reached.
    pub migrate: Option<EventRef>,
    /// A migration followed, on the same path, by a server start.
    pub migrate_then_serve: Option<(EventRef, EventRef)>,
}

impl Summary {
    /// `self`, then `next`.
    fn then(self, next: Summary) -> Summary {
        Summary {
            serve: stronger(self.serve, next.serve),
            migrate: self.migrate.or(next.migrate),
            migrate_then_serve: self
                .migrate_then_serve
                .or(next.migrate_then_serve)
                .or_else(|| Some((self.migrate?, next.serve?.1))),
        }
    }

    /// Either `self` or `other`.
    fn or(self, other: Summary) -> Summary {
        Summary {
            serve: stronger(self.serve, other.serve),
            migrate: self.migrate.or(other.migrate),
            migrate_then_serve: self.migrate_then_serve.or(other.migrate_then_serve),
        }
    }
}

fn stronger(
    a: Option<(Server, EventRef)>,
    b: Option<(Server, EventRef)>,
) -> Option<(Server, EventRef)> {
    match (a, b) {
        (Some(x), Some(y)) if y.0 > x.0 => Some(y),
        (x, y) => x.or(y),
    }
}

/// A server binary of a service crate: what its `main` reaches.
pub struct ServerBin<'p> {
    /// The file holding `main`.
    pub bin: &'p str,
    pub run: Summary,
}

/// The server binaries of each service crate (a binary whose `main` reaches a
/// server start), with the crate's scope.
pub fn servers(project: &Project) -> Vec<(Scope<'_>, Vec<ServerBin<'_>>)> {
    project
        .cargo
        .iter()
        .filter(|c| c.is_service() && c.has_bin)
        .filter_map(|krate| {
            let scope = Scope::new(project, krate);
            let servers: Vec<ServerBin<'_>> = scope
                .binaries()
                .into_iter()
                .filter_map(|bin| {
                    let run = scope.run(&bin);
                    run.serve
                        .is_some()
                        .then_some(ServerBin { bin: bin.path, run })
                })
                .collect();
            (!servers.is_empty()).then_some((scope, servers))
        })
        .collect()
}

/// A binary target of a crate and its entry function.
pub struct Binary<'p> {
    /// The file holding `main`.
    pub path: &'p str,
    /// Index of the file in the scope.
    file: usize,
    /// Index of the entry function in the file.
    entry: usize,
}

/// The code of a crate and the workspace crates it depends on.
pub struct Scope<'p> {
    pub krate: &'p CargoFacts,
    pub files: Vec<&'p CodeFile>,
    /// How many of `files` belong to the crate itself (they come first).
    own: usize,
    by_name: HashMap<Sym, Vec<(usize, usize)>>,
    memo: RefCell<HashMap<(usize, usize), Summary>>,
}

impl<'p> Scope<'p> {
    /// The scope of `krate` in `project`.
    pub fn new(project: &'p Project, krate: &'p CargoFacts) -> Self {
        let deps = project.workspace_deps(krate);
        let mut files: Vec<&CodeFile> = project.code_of(krate).collect();
        let own = files.len();
        files.extend(deps.iter().flat_map(|d| project.code_of(d)));
        let mut by_name: HashMap<Sym, Vec<(usize, usize)>> = HashMap::new();
        for (fi, file) in files.iter().enumerate() {
            for (ni, f) in file.facts.fns.iter().enumerate() {
                by_name.entry(f.name).or_default().push((fi, ni));
            }
        }
        Scope {
            krate,
            files,
            own,
            by_name,
            memo: RefCell::new(HashMap::new()),
        }
    }

    /// The crate's own files.
    pub fn own_files(&self) -> &[&'p CodeFile] {
        &self.files[..self.own]
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
        let explicit: Vec<String> = self
            .krate
            .manifest
            .bin_paths
            .iter()
            .map(|p| join(p))
            .collect();
        self.own_files()
            .iter()
            .enumerate()
            .filter(|(_, f)| {
                let p = f.path.as_str();
                p == main_rs
                    || explicit.iter().any(|e| e == p)
                    || p.strip_prefix(&bin_dir)
                        .and_then(|r| r.strip_prefix('/'))
                        .is_some_and(|rest| match rest.split_once('/') {
                            None => true,
                            Some((_, tail)) => tail == "main.rs",
                        })
            })
            .filter_map(|(fi, f)| {
                let entry = f.facts.fns.iter().position(|f| f.is_entry)?;
                Some(Binary {
                    path: f.path.as_str(),
                    file: fi,
                    entry,
                })
            })
            .collect()
    }

    /// What running `bin` may do.
    pub fn run(&self, bin: &Binary<'_>) -> Summary {
        self.function(bin.file, bin.entry)
    }

    /// What running the function named `name` may do (every function of that name).
    pub fn function_named(&self, name: &str) -> Summary {
        let key = sym(name);
        self.by_name
            .get(&key)
            .into_iter()
            .flatten()
            .fold(Summary::default(), |acc, &(fi, ni)| {
                acc.or(self.function(fi, ni))
            })
    }

    /// What running the function at (file, index) may do.
    ///
    /// The call graph is walked with an explicit stack, so call chains of any
    /// depth cannot overflow the thread's stack. Callees are summarised before
    /// their caller; a call back into a function still being summarised (a
    /// cycle) reads as doing nothing more.
    pub fn function(&self, fi: usize, ni: usize) -> Summary {
        if let Some(s) = self.memo.borrow().get(&(fi, ni)) {
            return *s;
        }
        self.memo.borrow_mut().insert((fi, ni), Summary::default());
        let mut stack = vec![((fi, ni), self.calls_of(fi, ni), 0)];
        while let Some((func, callees, next)) = stack.last_mut() {
            let pending = callees[*next..]
                .iter()
                .position(|c| !self.memo.borrow().contains_key(c));
            match pending {
                Some(skip) => {
                    let callee = callees[*next + skip];
                    *next += skip + 1;
                    self.memo.borrow_mut().insert(callee, Summary::default());
                    stack.push((callee, self.calls_of(callee.0, callee.1), 0));
                }
                None => {
                    let (cf, cn) = *func;
                    let summary = self.step(cf, &self.files[cf].facts.fns[cn].body);
                    self.memo.borrow_mut().insert((cf, cn), summary);
                    stack.pop();
                }
            }
        }
        self.memo.borrow()[&(fi, ni)]
    }

    /// Every function a call in the body of (file, index) may reach.
    fn calls_of(&self, fi: usize, ni: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut todo = vec![&self.files[fi].facts.fns[ni].body];
        while let Some(step) = todo.pop() {
            match step {
                Step::Seq(steps) | Step::Alt(steps) => todo.extend(steps),
                Step::Call { name, qual, method } => {
                    out.extend(self.callees(*name, *qual, *method))
                }
                Step::Event(_) => {}
            }
        }
        out
    }

    /// The event behind a reference.
    pub fn event(&self, (fi, ei): EventRef) -> &'p Event<Location> {
        &self.files[fi].facts.events[ei]
    }

    fn step(&self, fi: usize, step: &Step) -> Summary {
        match step {
            Step::Seq(steps) => steps
                .iter()
                .fold(Summary::default(), |acc, s| acc.then(self.step(fi, s))),
            Step::Alt(steps) => steps
                .iter()
                .fold(Summary::default(), |acc, s| acc.or(self.step(fi, s))),
            Step::Event(ei) => {
                let r = Some((fi, *ei));
                match self.files[fi].facts.events[*ei].kind {
                    EventKind::Serve(server) => Summary {
                        serve: r.map(|r| (server, r)),
                        ..Summary::default()
                    },
                    EventKind::Migrate => Summary {
                        migrate: r,
                        ..Summary::default()
                    },
                }
            }
            Step::Call { name, qual, method } => self
                .callees(*name, *qual, *method)
                .into_iter()
                .fold(Summary::default(), |acc, callee| {
                    acc.or(self.memo.borrow().get(&callee).copied().unwrap_or_default())
                }),
        }
    }

    /// Functions a call may reach: methods for `.name()`, `Type::name` for a
    /// qualified call when the type has one, else free functions named `name`.
    fn callees(&self, name: Sym, qual: Option<Sym>, method: bool) -> Vec<(usize, usize)> {
        let Some(all) = self.by_name.get(&name) else {
            return Vec::new();
        };
        let func = |&(fi, ni): &(usize, usize)| &self.files[fi].facts.fns[ni];
        if method {
            return all
                .iter()
                .copied()
                .filter(|c| func(c).owner.is_some())
                .collect();
        }
        if let Some(q) = qual {
            let typed: Vec<_> = all
                .iter()
                .copied()
                .filter(|c| func(c).owner == Some(q))
                .collect();
            if !typed.is_empty() {
                return typed;
            }
        }
        all.iter()
            .copied()
            .filter(|c| func(c).owner.is_none())
            .collect()
    }

    /// True when code in the scope names SIGTERM, or the `ctrlc` dependency has
    /// its `termination` feature.
    pub fn handles_sigterm(&self, project: &Project) -> bool {
        self.files.iter().any(|f| !f.facts.sigterm.is_empty())
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
        self.files.iter().any(|f| f.facts.disables_signals)
    }
}
