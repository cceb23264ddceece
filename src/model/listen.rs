//! Where a Rust program listens, and where the address comes from.
//!
//! Finds listen sites of the common stacks — `TcpListener::bind` (std, tokio,
//! async-std, poem, salvo's `TcpListener::new`), hyper/axum `Server::bind`,
//! `axum_server::bind`, actix-web/ntex `HttpServer::bind*`, warp `serve(..).run`,
//! tonic `Server::builder()…serve`, tide `listen`, Rocket `Config { port, .. }` and
//! `figment().merge(("port", ..))` — and evaluates the address argument, following
//! local `let` bindings, `const`/`static` items and argument-less helper functions of
//! the same file, through `parse`/`unwrap`/`into`, `format!`, tuples, `SocketAddr`
//! and `Ipv4Addr` constructors. Values read from the environment (`env::var`),
//! config structs (`cfg.port`) or function parameters are configurable.

use std::collections::HashMap;
use std::ops::Range;

use proc_macro2::TokenTree;
use syn::visit::Visit;

use crate::model::prefilter::Prefilter;
use crate::parse::rust::{call_path, call_path_span, path_ends_with, span_range};

/// Where the host or port of a listen address comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part<T> {
    /// Written in the code.
    Literal(T),
    /// Read from the named environment variable, with the literal default if any.
    Env(String, Option<T>),
    /// Read from config, arguments or something this analysis does not follow.
    Configurable,
}

impl<T: Clone> Part<T> {
    /// The value used when nothing is configured: the literal or the env default.
    pub fn default_value(&self) -> Option<T> {
        match self {
            Part::Literal(v) => Some(v.clone()),
            Part::Env(_, d) => d.clone(),
            Part::Configurable => None,
        }
    }
}

/// One listen site.
#[derive(Debug, Clone)]
pub struct Listen {
    /// The call or struct literal that binds.
    pub span: Range<usize>,
    /// The address expression (or the port field for Rocket).
    pub arg_span: Range<usize>,
    pub host: Part<String>,
    pub port: Part<u16>,
}

/// `127.0.0.1`, `localhost`, `::1`.
pub fn is_loopback(host: &str) -> bool {
    let h = host.trim_start_matches('[').trim_end_matches(']');
    h == "localhost" || h == "::1" || h.starts_with("127.")
}

/// When a file may hold a listen site: the item holding one names both the API and the
/// call the `Finder` below reads (`TcpListener::bind`, `Server::bind`, `axum_server::bind`,
/// `HttpServer::new(..).bind`, warp's `serve(..).run`, tonic's `builder()..serve`, tide's
/// `.listen`, Rocket's `figment().merge` and `Config { port, .. }`), so a file that only
/// names a type `Server` or a field `serve` gets no tree.
pub const PREFILTER: Prefilter = Prefilter::IdentsWithValues(&[
    "TcpListener + bind|new",
    "Server + bind|try_bind",
    "axum_server + bind|bind_rustls",
    "HttpServer + bind|bind_rustls|bind_rustls_021|bind_rustls_0_22|bind_rustls_0_23|bind_openssl|bind_auto_h2c",
    "serve + run|bind_with_graceful_shutdown",
    "builder + serve|serve_with_shutdown",
    "listen",
    "figment + merge",
    "Config + port",
]);

/// Every listen site of a file.
pub fn listens(file: &syn::File) -> Vec<Listen> {
    let mut items = Items::default();
    items.visit_file(file);
    let mut finder = Finder {
        items: &items,
        lets: Vec::new(),
        found: Vec::new(),
    };
    finder.visit_file(file);
    finder.found
}

/// An abstract value.
#[derive(Debug, Clone, PartialEq)]
enum Val {
    Str(String),
    Int(u64),
    /// An IP address.
    Ip(String),
    /// A socket address.
    Addr(Part<String>, Part<u16>),
    /// From the environment variable, with a default.
    Env(String, Option<Box<Val>>),
    Configurable,
}

impl Val {
    /// Read as a listen address.
    fn address(self) -> (Part<String>, Part<u16>) {
        match self {
            Val::Addr(h, p) => (h, p),
            Val::Str(s) => split_address(&s),
            Val::Int(p) => (Part::Configurable, port_part(p)),
            Val::Env(var, default) => {
                let (h, p) = default.map_or((None, None), |d| {
                    let (h, p) = d.address();
                    (h.default_value(), p.default_value())
                });
                (Part::Env(var.clone(), h), Part::Env(var, p))
            }
            Val::Ip(_) | Val::Configurable => (Part::Configurable, Part::Configurable),
        }
    }

    fn host(self) -> Part<String> {
        match self {
            Val::Str(s) | Val::Ip(s) => Part::Literal(s),
            Val::Env(var, d) => Part::Env(var, d.and_then(|d| d.host().default_value())),
            _ => Part::Configurable,
        }
    }

    fn port(self) -> Part<u16> {
        match self {
            Val::Int(p) => port_part(p),
            Val::Str(s) => s.parse::<u64>().map_or(Part::Configurable, port_part),
            Val::Env(var, d) => Part::Env(var, d.and_then(|d| d.port().default_value())),
            _ => Part::Configurable,
        }
    }
}

fn port_part(p: u64) -> Part<u16> {
    u16::try_from(p).map_or(Part::Configurable, Part::Literal)
}

/// `0.0.0.0:8080`, `[::]:80`, `localhost:3000`, `:8080`, `http://0.0.0.0:8080`.
fn split_address(s: &str) -> (Part<String>, Part<u16>) {
    let s = s.split_once("://").map_or(s, |(_, rest)| rest);
    let s = s.trim_end_matches('/');
    match s.rsplit_once(':') {
        Some((host, port)) => match port.parse::<u16>() {
            Ok(p) => (
                if host.is_empty() {
                    Part::Literal("0.0.0.0".into())
                } else {
                    Part::Literal(host.to_string())
                },
                Part::Literal(p),
            ),
            Err(_) => (Part::Configurable, Part::Configurable),
        },
        None => (Part::Configurable, Part::Configurable),
    }
}

/// Items a value may come from: constants, statics and argument-less functions.
#[derive(Default)]
struct Items<'ast> {
    consts: HashMap<String, &'ast syn::Expr>,
    fns: HashMap<String, &'ast syn::Block>,
}

impl<'ast> Visit<'ast> for Items<'ast> {
    fn visit_item_const(&mut self, i: &'ast syn::ItemConst) {
        self.consts.insert(i.ident.to_string(), &i.expr);
    }

    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        self.consts.insert(i.ident.to_string(), &i.expr);
    }

    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        if i.sig.inputs.is_empty() {
            self.fns.insert(i.sig.ident.to_string(), &i.block);
        }
        syn::visit::visit_item_fn(self, i);
    }
}

struct Finder<'i, 'ast> {
    items: &'i Items<'ast>,
    /// `let` bindings seen so far in the current function, in order.
    lets: Vec<(String, &'ast syn::Expr)>,
    found: Vec<Listen>,
}

/// How deep helper functions and bindings are followed.
const MAX_DEPTH: usize = 8;

impl<'ast> Finder<'_, 'ast> {
    fn eval(&self, expr: &syn::Expr, depth: usize) -> Val {
        if depth > MAX_DEPTH {
            return Val::Configurable;
        }
        let ev = |e: &syn::Expr| self.eval(e, depth + 1);
        match expr {
            syn::Expr::Lit(l) => match &l.lit {
                syn::Lit::Str(s) => Val::Str(s.value()),
                syn::Lit::Int(i) => i.base10_parse::<u64>().map_or(Val::Configurable, Val::Int),
                _ => Val::Configurable,
            },
            syn::Expr::Reference(r) => ev(&r.expr),
            syn::Expr::Paren(p) => ev(&p.expr),
            syn::Expr::Group(g) => ev(&g.expr),
            syn::Expr::Try(t) => ev(&t.expr),
            syn::Expr::Await(a) => ev(&a.base),
            syn::Expr::Cast(c) => ev(&c.expr),
            syn::Expr::Block(b) => self.eval_block(&b.block, depth + 1),
            syn::Expr::Tuple(t) if t.elems.len() == 2 => {
                Val::Addr(ev(&t.elems[0]).host(), ev(&t.elems[1]).port())
            }
            syn::Expr::Array(a) if a.elems.len() == 4 || a.elems.len() == 8 => {
                let parts: Vec<Val> = a.elems.iter().map(ev).collect();
                if parts.iter().all(|p| matches!(p, Val::Int(_))) {
                    let nums: Vec<String> = parts
                        .iter()
                        .map(|p| match p {
                            Val::Int(n) => n.to_string(),
                            _ => String::new(),
                        })
                        .collect();
                    Val::Ip(if nums.len() == 4 {
                        nums.join(".")
                    } else if nums.iter().all(|n| n == "0") {
                        "::".into()
                    } else {
                        nums.join(":")
                    })
                } else {
                    Val::Configurable
                }
            }
            syn::Expr::Path(p) => self.eval_path(&p.path, depth),
            syn::Expr::MethodCall(m) => self.eval_method(m, depth),
            syn::Expr::Call(c) => self.eval_call(c, depth),
            syn::Expr::Macro(m) => self.eval_format(&m.mac, depth),
            _ => Val::Configurable,
        }
    }

    fn eval_block(&self, block: &syn::Block, depth: usize) -> Val {
        match block.stmts.last() {
            Some(syn::Stmt::Expr(e, None)) => self.eval(e, depth + 1),
            _ => Val::Configurable,
        }
    }

    fn eval_path(&self, path: &syn::Path, depth: usize) -> Val {
        let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
        match names.last().map(String::as_str) {
            Some("UNSPECIFIED") => {
                return Val::Ip(if names.iter().any(|n| n == "Ipv6Addr") {
                    "::".into()
                } else {
                    "0.0.0.0".into()
                });
            }
            Some("LOCALHOST") => {
                return Val::Ip(if names.iter().any(|n| n == "Ipv6Addr") {
                    "::1".into()
                } else {
                    "127.0.0.1".into()
                });
            }
            _ => {}
        }
        if names.len() != 1 {
            return Val::Configurable;
        }
        let name = &names[0];
        if let Some((_, e)) = self.lets.iter().rev().find(|(n, _)| n == name) {
            return self.eval(e, depth + 1);
        }
        match self.items.consts.get(name) {
            Some(e) => self.eval(e, depth + 1),
            // A parameter or something from elsewhere: decided by the caller.
            None => Val::Configurable,
        }
    }

    fn eval_method(&self, m: &syn::ExprMethodCall, depth: usize) -> Val {
        let method = m.method.to_string();
        let recv = || self.eval(&m.receiver, depth + 1);
        match method.as_str() {
            "unwrap" | "expect" | "into" | "parse" | "to_string" | "to_owned" | "clone"
            | "as_str" | "as_ref" | "as_deref" | "ok" | "unwrap_or_default" | "context"
            | "map_err" | "with_context" | "to_socket_addrs" => recv(),
            "map" | "and_then" | "or_else" => match recv() {
                env @ Val::Env(..) => env,
                _ => Val::Configurable,
            },
            "unwrap_or" | "unwrap_or_else" | "map_or" | "map_or_else" => {
                let default = m.args.first().map(|a| match a {
                    syn::Expr::Closure(c) => self.eval(&c.body, depth + 1),
                    other => self.eval(other, depth + 1),
                });
                match recv() {
                    Val::Env(var, _) => Val::Env(var, default.map(Box::new)),
                    _ => Val::Configurable,
                }
            }
            _ => Val::Configurable,
        }
    }

    fn eval_call(&self, c: &syn::ExprCall, depth: usize) -> Val {
        let Some(path) = call_path(c) else {
            return Val::Configurable;
        };
        let arg = |i: usize| c.args.iter().nth(i).map(|a| self.eval(a, depth + 1));
        let last = path.last().map(String::as_str).unwrap_or_default();
        if (path_ends_with(&path, &["env", "var"]) || path_ends_with(&path, &["env", "var_os"]))
            || (path.len() == 2
                && matches!(path[0].as_str(), "dotenv" | "dotenvy")
                && last == "var")
            || (path.len() == 1 && matches!(last, "var" | "var_os") && c.args.len() == 1)
        {
            let var = match arg(0) {
                Some(Val::Str(s)) => s,
                _ => "?".into(),
            };
            return Val::Env(var, None);
        }
        let ty = if path.len() >= 2 {
            path[path.len() - 2].as_str()
        } else {
            ""
        };
        match (ty, last) {
            ("SocketAddr" | "SocketAddrV4" | "SocketAddrV6", "new") => Val::Addr(
                arg(0).map_or(Part::Configurable, Val::host),
                arg(1).map_or(Part::Configurable, Val::port),
            ),
            ("SocketAddr" | "SocketAddrV4" | "SocketAddrV6" | "IpAddr" | "Ipv4Addr", "from")
            | ("IpAddr", "V4" | "V6")
            | ("", "Some" | "Ok") => arg(0).unwrap_or(Val::Configurable),
            ("Ipv4Addr", "new") if c.args.len() == 4 => {
                let nums: Vec<String> = (0..4)
                    .filter_map(|i| match arg(i) {
                        Some(Val::Int(n)) => Some(n.to_string()),
                        _ => None,
                    })
                    .collect();
                if nums.len() == 4 {
                    Val::Ip(nums.join("."))
                } else {
                    Val::Configurable
                }
            }
            ("String" | "PathBuf", "from") => arg(0).unwrap_or(Val::Configurable),
            ("", name) if c.args.is_empty() => match self.items.fns.get(name) {
                Some(block) => self.eval_block(block, depth + 1),
                None => Val::Configurable,
            },
            _ => Val::Configurable,
        }
    }

    /// `format!("0.0.0.0:{}", port)`, `format!("{host}:{port}")`.
    fn eval_format(&self, mac: &syn::Macro, depth: usize) -> Val {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        if name.as_deref() != Some("format") {
            return Val::Configurable;
        }
        let Ok(args) = mac.parse_body_with(
            syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
        ) else {
            return Val::Configurable;
        };
        let mut args = args.into_iter();
        let Some(template) = args.next().and_then(|t| match t {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        }) else {
            return Val::Configurable;
        };
        let positional: Vec<syn::Expr> = args.collect();
        let mut next = 0;
        let mut piece = |text: &str| -> Val {
            let text = text.trim();
            let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) else {
                return if text.contains('{') {
                    Val::Configurable
                } else {
                    Val::Str(text.to_string())
                };
            };
            let name = inner.split(':').next().unwrap_or_default();
            if name.is_empty() {
                let v = positional
                    .get(next)
                    .map_or(Val::Configurable, |e| self.eval(e, depth + 1));
                next += 1;
                v
            } else if let Ok(i) = name.parse::<usize>() {
                positional
                    .get(i)
                    .map_or(Val::Configurable, |e| self.eval(e, depth + 1))
            } else {
                let path: syn::Path = match syn::parse_str(name) {
                    Ok(p) => p,
                    Err(_) => return Val::Configurable,
                };
                self.eval_path(&path, depth + 1)
            }
        };
        let template = template
            .split_once("://")
            .map_or(template.as_str(), |(_, r)| r);
        match template.rsplit_once(':') {
            Some((host, port)) => {
                let host = if host.is_empty() {
                    Part::Literal("0.0.0.0".to_string())
                } else {
                    piece(host).host()
                };
                Val::Addr(host, piece(port).port())
            }
            None => Val::Configurable,
        }
    }

    fn push(&mut self, span: Range<usize>, arg: &syn::Expr, arg_span: Range<usize>) {
        let (host, port) = self.eval(arg, 0).address();
        self.found.push(Listen {
            span,
            arg_span,
            host,
            port,
        });
    }
}

impl<'ast> Visit<'ast> for Finder<'_, 'ast> {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        let saved = std::mem::take(&mut self.lets);
        syn::visit::visit_item_fn(self, i);
        self.lets = saved;
    }

    fn visit_impl_item_fn(&mut self, i: &'ast syn::ImplItemFn) {
        let saved = std::mem::take(&mut self.lets);
        syn::visit::visit_impl_item_fn(self, i);
        self.lets = saved;
    }

    fn visit_local(&mut self, l: &'ast syn::Local) {
        syn::visit::visit_local(self, l);
        let name = match &l.pat {
            syn::Pat::Ident(p) => Some(p.ident.to_string()),
            syn::Pat::Type(t) => match &*t.pat {
                syn::Pat::Ident(p) => Some(p.ident.to_string()),
                _ => None,
            },
            _ => None,
        };
        if let (Some(name), Some(init)) = (name, &l.init) {
            self.lets.push((name, &init.expr));
        }
    }

    fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
        syn::visit::visit_expr_call(self, c);
        let Some(path) = call_path(c) else { return };
        let binds = path_ends_with(&path, &["TcpListener", "bind"])
            || path_ends_with(&path, &["TcpListener", "new"])
            || path_ends_with(&path, &["Server", "bind"])
            || path_ends_with(&path, &["Server", "try_bind"])
            || path_ends_with(&path, &["axum_server", "bind"])
            || path_ends_with(&path, &["axum_server", "bind_rustls"]);
        if let (true, Some(arg), Some(span)) = (binds, c.args.first(), call_path_span(c)) {
            let end = span_range(c.paren_token.span.close()).end;
            let arg_span = expr_span(arg).unwrap_or(span.start..end);
            self.push(span.start..end, arg, arg_span);
        }
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        syn::visit::visit_expr_method_call(self, m);
        let method = m.method.to_string();
        let chain = receiver_chain(&m.receiver);
        let has = |name: &str| chain.iter().any(|c| c == name);
        let binds = match method.as_str() {
            // actix-web / ntex: `HttpServer::new(..).bind(addr)`.
            "bind" | "bind_rustls" | "bind_rustls_021" | "bind_rustls_0_22"
            | "bind_rustls_0_23" | "bind_openssl" | "bind_auto_h2c" | "bind_uds" => {
                has("HttpServer")
            }
            // warp: `warp::serve(routes).run(addr)`, `.bind(addr)`.
            "run" | "bind_with_graceful_shutdown" => has("serve"),
            // tonic: `Server::builder().add_service(..).serve(addr)`.
            "serve" | "serve_with_shutdown" => has("builder"),
            // tide: `app.listen("127.0.0.1:8080")`.
            "listen" => true,
            _ => false,
        };
        if binds
            && method != "bind_uds"
            && let Some(arg) = m.args.first()
        {
            let start = span_range(m.method.span()).start;
            let end = span_range(m.paren_token.span.close()).end;
            let arg_span = expr_span(arg).unwrap_or(start..end);
            if method == "listen" && !matches!(self.eval(arg, 0), Val::Str(_) | Val::Addr(..)) {
                return;
            }
            self.push(start..end, arg, arg_span);
        }
        // Rocket: `Config::figment().merge(("port", 8080))`.
        if method == "merge"
            && has("figment")
            && let Some(syn::Expr::Tuple(t)) = m.args.first()
            && t.elems.len() == 2
            && matches!(self.eval(&t.elems[0], 0), Val::Str(ref k) if k == "port")
        {
            let port = self.eval(&t.elems[1], 0).port();
            if let Some(span) = expr_span(&t.elems[1]) {
                self.found.push(Listen {
                    span: span.clone(),
                    arg_span: span,
                    host: Part::Configurable,
                    port,
                });
            }
        }
    }

    fn visit_expr_struct(&mut self, s: &'ast syn::ExprStruct) {
        syn::visit::visit_expr_struct(self, s);
        // Rocket: `rocket::Config { port: 8000, address: .., ..Config::default() }`.
        let is_config = s
            .path
            .segments
            .last()
            .is_some_and(|seg| seg.ident == "Config")
            && (s.path.segments.iter().any(|seg| seg.ident == "rocket") || s.rest.is_some());
        if !is_config {
            return;
        }
        let field = |name: &str| {
            s.fields.iter().find(|f| match &f.member {
                syn::Member::Named(i) => i == name,
                syn::Member::Unnamed(_) => false,
            })
        };
        let Some(port) = field("port") else { return };
        if !s.path.segments.iter().any(|seg| seg.ident == "rocket") && field("address").is_none() {
            return;
        }
        let host = field("address").map_or(Part::Configurable, |f| self.eval(&f.expr, 0).host());
        if let Some(span) = expr_span(&port.expr) {
            self.found.push(Listen {
                span: span.clone(),
                arg_span: span,
                host,
                port: self.eval(&port.expr, 0).port(),
            });
        }
    }
}

/// Names along a method-call receiver chain: method names and called function paths.
fn receiver_chain(expr: &syn::Expr) -> Vec<String> {
    let mut out = Vec::new();
    let mut e = expr;
    loop {
        match e {
            syn::Expr::MethodCall(m) => {
                out.push(m.method.to_string());
                e = &m.receiver;
            }
            syn::Expr::Call(c) => {
                out.extend(call_path(c).unwrap_or_default());
                return out;
            }
            syn::Expr::Await(a) => e = &a.base,
            syn::Expr::Try(t) => e = &t.expr,
            syn::Expr::Paren(p) => e = &p.expr,
            _ => return out,
        }
    }
}

/// The span of an expression, from its first to its last token.
fn expr_span(expr: &syn::Expr) -> Option<Range<usize>> {
    let mut first: Option<usize> = None;
    let mut last = 0;
    let mut note = |r: Range<usize>| {
        first = Some(first.map_or(r.start, |f| f.min(r.start)));
        last = last.max(r.end);
    };
    struct Spans<'a>(&'a mut dyn FnMut(Range<usize>));
    impl<'ast> Visit<'ast> for Spans<'_> {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            (self.0)(span_range(i.span()));
        }
        fn visit_lit(&mut self, l: &'ast syn::Lit) {
            (self.0)(span_range(l.span()));
        }
        fn visit_macro(&mut self, m: &'ast syn::Macro) {
            syn::visit::visit_macro(self, m);
            (self.0)(span_range(m.delimiter.span().close()));
            for t in m.tokens.clone() {
                if let TokenTree::Literal(l) = t {
                    (self.0)(span_range(l.span()));
                }
            }
        }
        fn visit_expr_call(&mut self, c: &'ast syn::ExprCall) {
            syn::visit::visit_expr_call(self, c);
            (self.0)(span_range(c.paren_token.span.close()));
        }
        fn visit_expr_method_call(&mut self, c: &'ast syn::ExprMethodCall) {
            syn::visit::visit_expr_method_call(self, c);
            (self.0)(span_range(c.paren_token.span.close()));
        }
        fn visit_expr_tuple(&mut self, t: &'ast syn::ExprTuple) {
            syn::visit::visit_expr_tuple(self, t);
            (self.0)(span_range(t.paren_token.span.open()));
            (self.0)(span_range(t.paren_token.span.close()));
        }
        fn visit_expr_array(&mut self, a: &'ast syn::ExprArray) {
            syn::visit::visit_expr_array(self, a);
            (self.0)(span_range(a.bracket_token.span.open()));
            (self.0)(span_range(a.bracket_token.span.close()));
        }
        fn visit_expr_reference(&mut self, r: &'ast syn::ExprReference) {
            (self.0)(span_range(r.and_token.span));
            syn::visit::visit_expr_reference(self, r);
        }
    }
    Spans(&mut note).visit_expr(expr);
    first.map(|f| f..last)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(src: &str) -> Vec<(Part<String>, Part<u16>)> {
        let file = crate::parse::rust::parse(src).unwrap();
        let out = listens(&file)
            .into_iter()
            .map(|l| (l.host, l.port))
            .collect();
        crate::parse::rust::release_spans();
        out
    }

    fn lit(h: &str, p: u16) -> (Part<String>, Part<u16>) {
        (Part::Literal(h.into()), Part::Literal(p))
    }

    #[test]
    fn literal_addresses() {
        assert_eq!(
            found(
                r#"async fn m() { let l = tokio::net::TcpListener::bind("0.0.0.0:8080").await?; }"#
            ),
            [lit("0.0.0.0", 8080)]
        );
        assert_eq!(
            found(
                "fn m() { let addr = SocketAddr::from(([127, 0, 0, 1], 3000)); axum::Server::bind(&addr); }"
            ),
            [lit("127.0.0.1", 3000)]
        );
        assert_eq!(
            found(r#"fn m() { HttpServer::new(|| App::new()).bind(("127.0.0.1", 8080))?.run(); }"#),
            [lit("127.0.0.1", 8080)]
        );
        assert_eq!(
            found(
                "const PORT: u16 = 9000; fn addr() -> String { format!(\"0.0.0.0:{}\", PORT) } fn m() { std::net::TcpListener::bind(addr()); }"
            ),
            [lit("0.0.0.0", 9000)]
        );
        assert_eq!(
            found(
                "fn m() { let a = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 50051); Server::builder().add_service(s).serve(a); }"
            ),
            [lit("127.0.0.1", 50051)]
        );
        assert_eq!(
            found("fn m() { warp::serve(routes).run(([0, 0, 0, 0], 3030)); }"),
            [lit("0.0.0.0", 3030)]
        );
    }

    #[test]
    fn configured_addresses() {
        let env_default = found(
            r#"fn m() { let port: u16 = std::env::var("PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(8080); let addr = format!("0.0.0.0:{port}"); TcpListener::bind(&addr); }"#,
        );
        assert_eq!(
            env_default,
            [(
                Part::Literal("0.0.0.0".into()),
                Part::Env("PORT".into(), Some(8080))
            )]
        );
        assert_eq!(
            found(
                "fn m(cfg: Config) { TcpListener::bind(format!(\"{}:{}\", cfg.host, cfg.port)); }"
            ),
            [(Part::Configurable, Part::Configurable)]
        );
        assert_eq!(
            found("async fn run(addr: SocketAddr) { TcpListener::bind(addr).await; }"),
            [(Part::Configurable, Part::Configurable)]
        );
        assert!(found("fn m() { sqlx::query(\"x\").bind(\"0.0.0.0:1\"); }").is_empty());
    }
}
