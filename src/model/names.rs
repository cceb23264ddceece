//! Name resolution over a crate and the workspace crates it depends on: which
//! workspace functions a call can reach.
//!
//! An edge exists only when the callee resolves to a workspace item:
//! - a path (`crate::db::connect`, `db::connect`, `Pool::new`, `Self::f`, a
//!   `use`d name or glob, a re-export) resolves through the module tree of the
//!   crates in scope; a path into an external crate reaches nothing;
//! - a method resolves through its receiver's type (`self`, a typed parameter or
//!   binding, a struct field, `Type::new(..)`); an unknown receiver reaches nothing;
//! - a call on a type parameter or `impl`/`dyn` trait reaches every workspace
//!   implementation of its traits.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashSet};
use std::ops::Range;

use foldhash::HashMap;

use crate::model::flow::{FnFlow, NOT_A_CALL, Recv, Target, Ty};
use crate::model::project::CodeFile;
use crate::parse::uses::Import;
use crate::parse::uses::{Sym, sym};

/// A function: (file index, function index) in the resolver's files.
pub type FnId = (usize, usize);

/// A module: a hash of its package index and path from the package root, as [`Sym`]
/// is of a name (no allocation to look one up).
type ModuleKey = u64;

/// The key of the root module of package `pkg`.
fn root_key(pkg: usize) -> ModuleKey {
    pkg as u64 ^ 0x9e37_79b9_7f4a_7c15
}

/// The key of the child module `name` of the module keyed `parent`.
fn child_key(parent: ModuleKey, name: Sym) -> ModuleKey {
    (parent.rotate_left(29) ^ name).wrapping_mul(0x0100_0000_01b3)
}

/// The key of the module at `path` of package `pkg`.
fn module_key(pkg: usize, path: &[Sym]) -> ModuleKey {
    path.iter()
        .fold(root_key(pkg), |key, &name| child_key(key, name))
}

/// The first segment of the module path of a file of a `src/bin/` target, which is a
/// crate of its own: `src/bin/tool.rs` is the module `#bin::tool`, out of reach of the
/// library's and the other binaries' bare names (it reaches the library by its crate
/// name). `#` keeps it apart from every identifier.
fn bin_marker() -> Sym {
    sym("#bin")
}

/// The root of the crate a module is in: `#bin::tool` for the modules of a `src/bin/`
/// target, the package's root otherwise.
fn crate_root(module: &[Sym]) -> &[Sym] {
    if module.first() == Some(&bin_marker()) {
        &module[..module.len().min(2)]
    } else {
        &[]
    }
}

/// How many rooted lookups one call's resolution may make: globs and
/// re-exports can fan out, and a hostile module tree must not make that grow
/// past a constant per call.
const BUDGET: usize = 64;

/// How many calls deep a receiver's type is followed (`a().b().c()`).
const MAX_DEPTH: usize = 4;

/// Resolution tables for a set of files, each in a package.
pub struct Names<'p> {
    files: Vec<&'p CodeFile>,
    /// Each file's package (index into the packages) and module path.
    modules: Vec<(usize, Box<[Sym]>)>,
    /// Extern crate names (`my_crate`) → package.
    crates: HashMap<Sym, usize>,
    /// Free functions by (package, module path, name).
    free: HashMap<(ModuleKey, Sym), Vec<FnId>>,
    /// Methods and associated functions by (type or trait, name).
    methods: HashMap<(Sym, Sym), Vec<FnId>>,
    /// Trait (see [`Names::trait_key`]) → types implementing it.
    impls: HashMap<Sym, Vec<Sym>>,
    /// Type → traits it implements.
    traits_of: HashMap<Sym, Vec<Sym>>,
    /// Default methods by (trait, name).
    defaults: HashMap<(Sym, Sym), Vec<FnId>>,
    /// Every (package, module path) that exists, with the files defining it.
    module_files: HashMap<ModuleKey, Vec<usize>>,
    /// (struct, field) or (implementing type, associated type) → type, and the
    /// file it is written in.
    fields: HashMap<(Sym, Sym), (usize, Ty)>,
    /// Type aliases by (package, module path, alias): the file each is written in and
    /// the path it names (several under different `#[cfg]`s).
    aliases: HashMap<(ModuleKey, Sym), Vec<AliasTarget>>,
    /// Each package's deployed feature sets ([`Package::builds`]).
    builds: Vec<Vec<BTreeSet<String>>>,
    /// (file, local name) → the first `use` of the file that brings the name in.
    named_imports: HashMap<(usize, Sym), &'p Import>,
    /// Each file's glob imports, in order.
    glob_imports: Vec<Vec<&'p Import>>,
    /// The callees of each call resolved so far, by (function, call).
    resolved: RefCell<HashMap<(FnId, usize), Vec<FnId>>>,
}

/// What a type alias names: the file it is written in and the type's path.
type AliasTarget = (usize, Box<[Sym]>);

/// Where a path is written: the file, package and module.
#[derive(Debug, Clone)]
struct Site {
    fi: usize,
    pkg: usize,
    module: Box<[Sym]>,
}

/// A package in scope: its extern name and directory.
pub struct Package<'a> {
    pub name: &'a str,
    pub dir: &'a str,
    /// The feature sets its deployed builds compile it with
    /// ([`crate::model::project::Project::deployed_features`]); empty when unknown.
    pub builds: Vec<BTreeSet<String>>,
}

impl<'p> Names<'p> {
    /// Tables for `files`, where `package[i]` is the index in `packages` of file `i`.
    pub fn new(files: Vec<&'p CodeFile>, package: &[usize], packages: &[Package<'_>]) -> Self {
        let crates = packages
            .iter()
            .enumerate()
            .map(|(i, p)| (sym(&p.name.replace('-', "_")), i))
            .collect();
        let modules: Vec<(usize, Box<[Sym]>)> = files
            .iter()
            .zip(package)
            .map(|(f, &p)| (p, file_module(&f.path, packages[p].dir)))
            .collect();
        let mut names = Names {
            files,
            modules,
            crates,
            free: HashMap::default(),
            methods: HashMap::default(),
            impls: HashMap::default(),
            traits_of: HashMap::default(),
            defaults: HashMap::default(),
            module_files: HashMap::default(),
            fields: HashMap::default(),
            aliases: HashMap::default(),
            builds: packages.iter().map(|p| p.builds.clone()).collect(),
            named_imports: HashMap::default(),
            glob_imports: Vec::new(),
            resolved: RefCell::default(),
        };
        names.index();
        names.shrink_to_fit();
        names
    }

    /// Give back the spare capacity of the index, which is not added to after it is
    /// built: the index of every server crate is kept while the project rules run.
    fn shrink_to_fit(&mut self) {
        self.free.shrink_to_fit();
        self.methods.shrink_to_fit();
        self.impls.shrink_to_fit();
        self.traits_of.shrink_to_fit();
        self.defaults.shrink_to_fit();
        self.module_files.shrink_to_fit();
        self.fields.shrink_to_fit();
        self.aliases.shrink_to_fit();
        self.named_imports.shrink_to_fit();
        let fn_lists = self.free.values_mut().chain(self.methods.values_mut());
        for list in fn_lists.chain(self.defaults.values_mut()) {
            list.shrink_to_fit();
        }
        for list in self.impls.values_mut().chain(self.traits_of.values_mut()) {
            list.shrink_to_fit();
        }
        for list in self.module_files.values_mut() {
            list.shrink_to_fit();
        }
        for list in self.aliases.values_mut() {
            list.shrink_to_fit();
        }
    }

    fn index(&mut self) {
        let mut seen_impls = HashSet::new();
        for (fi, file) in self.files.iter().enumerate() {
            let mut globs = Vec::new();
            for import in &file.facts.imports {
                match import.alias {
                    Some(alias) => {
                        self.named_imports.entry((fi, alias)).or_insert(import);
                    }
                    None => globs.push(import),
                }
            }
            self.glob_imports.push(globs);
            let (pkg, module) = &self.modules[fi];
            // The file's module and each module above it exist.
            let mut file_key = root_key(*pkg);
            for &name in module.iter() {
                self.module_files.entry(file_key).or_default();
                file_key = child_key(file_key, name);
            }
            self.module_files.entry(file_key).or_default().push(fi);
            for (ni, f) in file.facts.fns.iter().enumerate() {
                if !self.is_compiled((fi, ni)) {
                    continue;
                }
                // An inline module adds its own.
                let mut key = file_key;
                for &name in f.module.iter() {
                    key = child_key(key, name);
                    self.module_files.entry(key).or_default();
                }
                if let (Some(tr), true) = (f.in_trait, f.in_trait == f.owner) {
                    self.defaults
                        .entry((self.trait_key(fi, tr), f.name))
                        .or_default()
                        .push((fi, ni));
                    continue;
                }
                match f.owner {
                    Some(owner) => self
                        .methods
                        .entry((owner, f.name))
                        .or_default()
                        .push((fi, ni)),
                    None => self.free.entry((key, f.name)).or_default().push((fi, ni)),
                }
            }
            for &(tr, ty) in &file.facts.impls {
                let tr = self.trait_key(fi, tr);
                if seen_impls.insert((tr, ty)) {
                    self.impls.entry(tr).or_default().push(ty);
                    self.traits_of.entry(ty).or_default().push(tr);
                }
            }
            for (owner, field, ty) in &file.facts.fields {
                self.fields.insert((*owner, *field), (fi, ty.clone()));
            }
            for (inline, alias, ty) in &file.facts.aliases {
                if let Ty::Named(path) = ty {
                    let key = inline
                        .iter()
                        .fold(file_key, |key, &name| child_key(key, name));
                    self.aliases
                        .entry((key, *alias))
                        .or_default()
                        .push((fi, path.clone()));
                }
            }
        }
    }

    /// A trait named `name` in file `fi`, told apart from same-named traits of
    /// other crates: the crate its `use` declaration names (the file's own
    /// crate when it is not imported by name) and the name.
    fn trait_key(&self, fi: usize, name: Sym) -> Sym {
        let own = self.modules[fi].0;
        let krate = match self.import_of(fi, name).and_then(|i| i.path.first()) {
            Some(&first) if ![sym("crate"), sym("self"), sym("super")].contains(&first) => {
                self.crates.get(&first).map_or(first, |&p| p as Sym)
            }
            _ => own as Sym,
        };
        name ^ krate.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }

    /// The `use` declaration of file `fi` that brings `alias` into scope.
    fn import_of(&self, fi: usize, alias: Sym) -> Option<&'p Import> {
        self.named_imports.get(&(fi, alias)).copied()
    }

    /// The files, in the order of their indexes.
    pub fn files(&self) -> &[&'p CodeFile] {
        &self.files
    }

    /// False for a function whose `#[cfg(feature = ..)]` no deployed build of its package
    /// turns on (`#[cfg(feature = "sql")]` when the image builds `--features datastore`):
    /// it is not in the program that runs.
    pub fn is_compiled(&self, (fi, ni): FnId) -> bool {
        let builds = &self.builds[self.modules[fi].0];
        self.files[fi].facts.fns[ni]
            .features
            .as_ref()
            .is_none_or(|cfg| !cfg.excluded_from_every(builds))
    }

    /// The function behind an id.
    pub fn function(&self, (fi, ni): FnId) -> &'p FnFlow<Range<usize>> {
        &self.files[fi].facts.fns[ni]
    }

    /// The workspace functions the call `ci` in function `id` may reach.
    pub fn callees(&self, id: FnId, ci: usize) -> Vec<FnId> {
        if let Some(known) = self.resolved.borrow().get(&(id, ci)) {
            return known.clone();
        }
        let found = self.callees_within(id, ci, 0);
        self.resolved.borrow_mut().insert((id, ci), found.clone());
        found
    }

    /// [`Names::callees`], `depth` calls deep in working out a receiver's type.
    fn callees_within(&self, id: FnId, ci: usize, depth: usize) -> Vec<FnId> {
        let f = self.function(id);
        let call = &self.files[id.0].facts.calls[ci];
        // A function passed by name is reached through the workspace function it is
        // passed to.
        if let Some(outer) = call.passed_to
            && (outer == NOT_A_CALL || self.callees_within(id, outer as usize, depth).is_empty())
        {
            return Vec::new();
        }
        match &call.target {
            Target::Path(path) => self.path(id.0, f, path),
            Target::Method { name, recv } => self.method(id, *name, recv, depth),
        }
    }

    /// A type with what a call returns worked out (as far as `MAX_DEPTH`
    /// calls), with the place its path was written in.
    fn known(&self, id: FnId, ty: &Ty, depth: usize) -> Option<(Site, Ty)> {
        let Ty::Returned(ci) = ty else {
            return Some((self.site(id), ty.clone()));
        };
        if depth >= MAX_DEPTH {
            return None;
        }
        self.returned_by(self.callees_within(id, *ci, depth + 1))
    }

    /// The type the first of `callees` that declares one returns, with the place
    /// its path was written in.
    fn returned_by(&self, callees: Vec<FnId>) -> Option<(Site, Ty)> {
        callees.into_iter().find_map(|callee| {
            let g = self.function(callee);
            let self_ty = sym("Self");
            match g.returns.as_ref()? {
                Ty::Named(path) if path[..] == [self_ty] => {
                    Some((self.site(callee), Ty::Named(Box::new([g.owner?]))))
                }
                Ty::Named(path) if path.len() == 2 && path[0] == self_ty => {
                    self.member(g.owner.zip(Some(path[1])))
                }
                Ty::Returned(_) => None,
                other => Some((self.site(callee), other.clone())),
            }
        })
    }

    /// Where a function is written, for resolving the paths in it.
    fn site(&self, id: FnId) -> Site {
        let (pkg, module) = self.module_of(id.0, self.function(id));
        Site {
            fi: id.0,
            pkg,
            module,
        }
    }

    /// The top of file `fi`, for resolving the paths written there.
    fn file_site(&self, fi: usize) -> Site {
        let (pkg, module) = self.modules[fi].clone();
        Site { fi, pkg, module }
    }

    /// The module a function of file `fi` sits in.
    fn module_of(&self, fi: usize, f: &FnFlow<Range<usize>>) -> (usize, Box<[Sym]>) {
        let (pkg, module) = &self.modules[fi];
        (
            *pkg,
            module.iter().chain(f.module.iter()).copied().collect(),
        )
    }

    fn path(&self, fi: usize, f: &FnFlow<Range<usize>>, path: &[Sym]) -> Vec<FnId> {
        let Some((&first, rest)) = path.split_first() else {
            return Vec::new();
        };
        if first == sym("Self") {
            let home = self.module_of(fi, f);
            return match (f.owner, rest) {
                (Some(owner), [name]) => self.methods_in(Some((home.0, &home.1)), owner, *name),
                _ => Vec::new(),
            };
        }
        if let ([name], Some(bounds)) = (rest, generic_bounds(f, first)) {
            return self.trait_methods(fi, bounds, *name);
        }
        let (pkg, module) = self.module_of(fi, f);
        let budget = Cell::new(BUDGET);
        if rest.is_empty() {
            let local = self.lookup(pkg, &module, path, &budget);
            if !local.is_empty() {
                return local;
            }
        }
        // Rust's order: a name imported by name or an item of the module, before a glob.
        if let Some(found) = self.named_import(fi, pkg, &module, path, &budget) {
            return found;
        }
        let here = self.rooted(pkg, &module, path, &budget);
        if !here.is_empty() {
            return here;
        }
        self.globbed(fi, pkg, &module, path, &budget)
            .unwrap_or_default()
    }

    /// `path` through the `use` of file `fi` that names its first segment; `None`
    /// when none does.
    fn named_import(
        &self,
        fi: usize,
        pkg: usize,
        module: &[Sym],
        path: &[Sym],
        budget: &Cell<usize>,
    ) -> Option<Vec<FnId>> {
        let (&first, rest) = path.split_first()?;
        let import = self.import_of(fi, first)?;
        let full: Vec<Sym> = import.path.iter().chain(rest).copied().collect();
        Some(self.rooted(pkg, module, &full, budget))
    }

    /// `path` through the glob imports of file `fi`; `None` when no glob reaches it.
    fn globbed(
        &self,
        fi: usize,
        pkg: usize,
        module: &[Sym],
        path: &[Sym],
        budget: &Cell<usize>,
    ) -> Option<Vec<FnId>> {
        let globbed: Vec<FnId> = self.glob_imports[fi]
            .iter()
            .flat_map(|glob| {
                let full: Vec<Sym> = glob.path.iter().chain(path).copied().collect();
                self.rooted(pkg, module, &full, budget)
            })
            .collect();
        (!globbed.is_empty()).then_some(globbed)
    }

    /// A path rooted as a `use` path is: at `crate`, `self`, `super`, a crate
    /// name, or a name of the current module.
    fn rooted(&self, pkg: usize, module: &[Sym], path: &[Sym], budget: &Cell<usize>) -> Vec<FnId> {
        if budget.get() == 0 {
            return Vec::new();
        }
        budget.set(budget.get() - 1);
        let Some((&first, rest)) = path.split_first() else {
            return Vec::new();
        };
        if first == sym("crate") {
            return self.lookup(pkg, crate_root(module), rest, budget);
        }
        if first == sym("self") {
            return self.lookup(pkg, module, rest, budget);
        }
        if first == sym("super") {
            let parent = &module[..module.len().saturating_sub(1)];
            return self.rooted(pkg, parent, &[&[sym("self")], rest].concat(), budget);
        }
        if let Some(&krate) = self.crates.get(&first) {
            return self.lookup(krate, &[], rest, budget);
        }
        let here = self.lookup(pkg, module, path, budget);
        if !here.is_empty() || rest.len() != 1 {
            return here;
        }
        // `Type::f` on a type of the current module.
        self.methods_in(Some((pkg, module)), first, rest[0])
    }

    /// `path` looked up inside `module` of package `pkg`: a function, a child
    /// module, a type's associated function, or a re-export.
    fn lookup(&self, pkg: usize, module: &[Sym], path: &[Sym], budget: &Cell<usize>) -> Vec<FnId> {
        let Some((&first, rest)) = path.split_first() else {
            return Vec::new();
        };
        if rest.is_empty() {
            if let Some(found) = self.free.get(&(module_key(pkg, module), first)) {
                return found.clone();
            }
        } else {
            if self
                .module_files
                .contains_key(&child_key(module_key(pkg, module), first))
            {
                let child: Vec<Sym> = module.iter().chain([&first]).copied().collect();
                return self.lookup(pkg, &child, rest, budget);
            }
            if let [name] = rest {
                let found = self.methods_in(Some((pkg, module)), first, *name);
                if !found.is_empty() {
                    return found;
                }
                let aliased = self.aliased_methods(pkg, module, first, *name, MAX_DEPTH);
                if !aliased.is_empty() {
                    return aliased;
                }
            }
        }
        // A re-export: `pub use inner::f;` or `pub use inner::*;` in the module.
        self.module_files
            .get(&module_key(pkg, module))
            .into_iter()
            .flatten()
            .find_map(|&fi| {
                self.named_import(fi, pkg, module, path, budget)
                    .or_else(|| self.globbed(fi, pkg, module, path, budget))
                    .filter(|found| !found.is_empty())
            })
            .unwrap_or_default()
    }

    fn method(&self, id: FnId, name: Sym, recv: &Recv, depth: usize) -> Vec<FnId> {
        let f = self.function(id);
        let here = || self.site(id);
        let (site, ty) = match recv {
            Recv::SelfValue => match (f.owner, f.in_trait) {
                (Some(owner), Some(tr)) if owner == tr => (here(), Ty::Traits(Box::new([tr]))),
                (Some(owner), _) => (here(), Ty::Named(Box::new([owner]))),
                (None, _) => return Vec::new(),
            },
            Recv::Local(x) => {
                let Some((_, ty)) = f.locals.iter().rev().find(|(n, _)| n == x) else {
                    return Vec::new();
                };
                let Some(known) = self.known(id, ty, depth) else {
                    return Vec::new();
                };
                known
            }
            Recv::Field(x) => {
                let Some(member) = self.member(f.owner.zip(Some(*x))) else {
                    return Vec::new();
                };
                member
            }
            Recv::Variant(path) => {
                let key = match path.as_ref() {
                    [.., owner, variant] if *owner == sym("Self") => f.owner.zip(Some(*variant)),
                    [.., owner, variant] => Some((*owner, *variant)),
                    _ => None,
                };
                let Some(member) = self.member(key) else {
                    return Vec::new();
                };
                member
            }
            Recv::Assoc(path) => match path.as_ref() {
                [.., ty, _] if *ty == sym("Self") => match f.owner {
                    Some(owner) => (here(), Ty::Named(Box::new([owner]))),
                    None => return Vec::new(),
                },
                // What the workspace function returns (a builder's `new` may return
                // another type), else the constructor convention: `Type::new()` is a `Type`.
                [ty @ .., _] if !ty.is_empty() => self
                    .returned_by(self.path(id.0, f, path))
                    .unwrap_or_else(|| (here(), Ty::Named(ty.into()))),
                _ => return Vec::new(),
            },
        };
        match ty {
            Ty::Named(path) => match (path.as_ref(), generic_bounds(f, path[0])) {
                ([_], Some(bounds)) => self.trait_methods(id.0, bounds, name),
                _ => self.typed_methods(&site, &path, name),
            },
            Ty::Traits(traits) => self.trait_methods(site.fi, &traits, name),
            Ty::Returned(_) => Vec::new(),
        }
    }

    /// The type of a named member (a field, a one-field variant, an associated type)
    /// `key` = (type, member), with the place it is written.
    fn member(&self, key: Option<(Sym, Sym)>) -> Option<(Site, Ty)> {
        let (fi, ty) = self.fields.get(&key?)?;
        Some((self.file_site(*fi), ty.clone()))
    }

    /// `name` on the type written as `path` at `site`.
    fn typed_methods(&self, site: &Site, path: &[Sym], name: Sym) -> Vec<FnId> {
        self.typed_methods_within(site, path, name, MAX_DEPTH)
    }

    /// [`Names::typed_methods`], following at most `depth` type aliases.
    fn typed_methods_within(
        &self,
        site: &Site,
        path: &[Sym],
        name: Sym,
        depth: usize,
    ) -> Vec<FnId> {
        let Some((&ty, module)) = path.split_last() else {
            return Vec::new();
        };
        let home = if module.is_empty() {
            match self.import_of(site.fi, ty) {
                Some(import) => {
                    let prefix = &import.path[..import.path.len().saturating_sub(1)];
                    self.module_home(site, prefix, MAX_DEPTH)
                }
                None => Some((site.pkg, site.module.clone())),
            }
        } else {
            self.module_home(site, module, MAX_DEPTH)
        };
        // A type of a module the workspace does not have (an external crate's) has none
        // of the workspace's methods, whatever its name.
        if let Some((pkg, module)) = &home
            && !self.module_files.contains_key(&module_key(*pkg, module))
        {
            return Vec::new();
        }
        let found = self.methods_in(home.as_ref().map(|(p, m)| (*p, &m[..])), ty, name);
        match home {
            Some((pkg, module)) if found.is_empty() => {
                self.aliased_methods(pkg, &module, ty, name, depth)
            }
            _ => found,
        }
    }

    /// `name` on what the type alias `alias` of `module` in package `pkg` names: every
    /// definition of it (one per `#[cfg]`), following at most `depth` aliases.
    fn aliased_methods(
        &self,
        pkg: usize,
        module: &[Sym],
        alias: Sym,
        name: Sym,
        depth: usize,
    ) -> Vec<FnId> {
        if depth == 0 {
            return Vec::new();
        }
        let Some(targets) = self.aliases.get(&(module_key(pkg, module), alias)) else {
            return Vec::new();
        };
        let mut out: Vec<FnId> = targets
            .iter()
            .flat_map(|(fi, path)| {
                let site = Site {
                    fi: *fi,
                    pkg,
                    module: module.into(),
                };
                self.typed_methods_within(&site, path, name, depth - 1)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The package and module the module path `path`, written at `site`, names.
    fn module_home(&self, site: &Site, path: &[Sym], depth: usize) -> Option<(usize, Box<[Sym]>)> {
        let (&first, rest) = path.split_first()?;
        let join = |base: &[Sym], rest: &[Sym]| base.iter().chain(rest).copied().collect();
        if first == sym("crate") {
            return Some((site.pkg, join(crate_root(&site.module), rest)));
        }
        if first == sym("self") {
            return Some((site.pkg, join(&site.module, rest)));
        }
        if first == sym("super") {
            let parent = &site.module[..site.module.len().saturating_sub(1)];
            return Some((site.pkg, join(parent, rest)));
        }
        if let Some(&krate) = self.crates.get(&first) {
            return Some((krate, rest.into()));
        }
        match self.import_of(site.fi, first) {
            Some(import) if depth > 0 => {
                let full: Vec<Sym> = import.path.iter().chain(rest).copied().collect();
                self.module_home(site, &full, depth - 1)
            }
            Some(_) => None,
            None => Some((site.pkg, join(&site.module, path))),
        }
    }

    /// `name` on the type `ty` defined in `home` (package, module) when known:
    /// the methods whose `impl` is there; else, or when none is, the methods of
    /// every type of that name as long as they all sit in one module (same-named
    /// types of different modules are not guessed between).
    fn methods_in(&self, home: Option<(usize, &[Sym])>, ty: Sym, name: Sym) -> Vec<FnId> {
        let all = self.type_methods(ty, name);
        let module = |&id: &FnId| self.module_of(id.0, self.function(id));
        if let Some((pkg, home)) = home {
            let there: Vec<FnId> = all
                .iter()
                .copied()
                .filter(|id| {
                    let (p, m) = module(id);
                    p == pkg && *m == *home
                })
                .collect();
            if !there.is_empty() {
                return there;
            }
        }
        let mut modules = all.iter().map(module);
        let first = modules.next();
        if modules.all(|m| Some(&m) == first.as_ref()) {
            all
        } else {
            Vec::new()
        }
    }

    /// `name` on a type of that name: its own methods, else the default
    /// methods of the traits it implements.
    fn type_methods(&self, ty: Sym, name: Sym) -> Vec<FnId> {
        if let Some(found) = self.methods.get(&(ty, name)) {
            return found.clone();
        }
        self.traits_of
            .get(&ty)
            .into_iter()
            .flatten()
            .filter_map(|tr| self.defaults.get(&(*tr, name)))
            .flatten()
            .copied()
            .collect()
    }

    /// `name` on a value known only by the traits it implements (named in
    /// file `fi`): every workspace implementation, and the traits' default methods.
    fn trait_methods(&self, fi: usize, traits: &[Sym], name: Sym) -> Vec<FnId> {
        let mut out = Vec::new();
        for &tr in traits {
            let tr = self.trait_key(fi, tr);
            out.extend(self.defaults.get(&(tr, name)).into_iter().flatten());
            for ty in self.impls.get(&tr).into_iter().flatten() {
                out.extend(self.methods.get(&(*ty, name)).into_iter().flatten());
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// The trait bounds of the type parameter `name` of `f`, if it is one.
fn generic_bounds(f: &FnFlow<Range<usize>>, name: Sym) -> Option<&[Sym]> {
    f.generics
        .iter()
        .rev()
        .find(|(g, _)| *g == name)
        .map(|(_, bounds)| bounds.as_ref())
}

/// The module path of a file in a package at `dir`: `src/a/b.rs` and
/// `src/a/b/mod.rs` are `a::b`; crate roots (`lib.rs`, `main.rs`, `src/bin/*`)
/// and files outside `src/` are the root.
fn file_module(path: &str, dir: &str) -> Box<[Sym]> {
    let rel = if dir.is_empty() {
        path
    } else {
        path.strip_prefix(dir)
            .and_then(|p| p.strip_prefix('/'))
            .unwrap_or(path)
    };
    let Some(rel) = rel.strip_prefix("src/") else {
        return Box::default();
    };
    let rel = rel.strip_suffix(".rs").unwrap_or(rel);
    let mut parts: Vec<&str> = rel.split('/').collect();
    let is_bin = parts.len() > 1 && parts[0] == "bin";
    // `src/bin/main.rs` is the binary `main`; `src/bin/tool/main.rs` the root of `tool`.
    if !(is_bin && parts.len() == 2) && matches!(parts.last(), Some(&("mod" | "lib" | "main"))) {
        parts.pop();
    }
    let module = parts.into_iter().map(sym);
    if is_bin {
        std::iter::once(bin_marker())
            .chain(module.skip(1))
            .collect()
    } else {
        module.collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_paths_of_files() {
        let m = |p: &str, d: &str| file_module(p, d).to_vec();
        assert_eq!(m("src/lib.rs", ""), Vec::<Sym>::new());
        assert_eq!(m("api/src/db/mod.rs", "api"), vec![sym("db")]);
        assert_eq!(m("api/src/db/pool.rs", "api"), vec![sym("db"), sym("pool")]);
        let bin = |name: &str| vec![bin_marker(), sym(name)];
        assert_eq!(m("api/src/bin/migrate.rs", "api"), bin("migrate"));
        assert_eq!(m("api/src/bin/migrate/main.rs", "api"), bin("migrate"));
        let mut module = bin("migrate");
        module.push(sym("steps"));
        assert_eq!(m("api/src/bin/migrate/steps.rs", "api"), module);
        assert_eq!(m("api/src/bin/migrate/steps/mod.rs", "api"), module);
        assert_eq!(m("src/main.rs", ""), Vec::<Sym>::new());
        assert_eq!(m("src/cli/mod.rs", ""), vec![sym("cli")]);
        assert_eq!(m("version.rs", ""), Vec::<Sym>::new());
    }
}
