//! TF1001 build-profile-service-switch: debug builds or dev features pick another backing service.

use std::collections::BTreeSet;
use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use crate::parse::lex::{Kind, Tokens};
use crate::parse::rust::span_range;
use crate::rules::prelude::*;

declare_rule! {
    BuildProfileServiceSwitch {
        code: "TF1001",
        name: "build-profile-service-switch",
        factor: 10,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "`cfg(debug_assertions)`, `cfg!(debug_assertions)` or a dev-only feature selects a different backing service (SQLite vs Postgres, in-memory vs Redis)",
        tree: Prefilter::Tokens(&["debug_assertions|feature"], may_switch),
    }
}

/// Words (lower-cased identifiers and string literals) that name a backing service.
const SERVICES: &[(&str, &str)] = &[
    ("sqlite", "SQLite"),
    ("rusqlite", "SQLite"),
    ("sled", "sled"),
    ("redb", "redb"),
    ("rocksdb", "RocksDB"),
    ("postgres", "Postgres"),
    ("postgresql", "Postgres"),
    ("pgpool", "Postgres"),
    ("pgconnection", "Postgres"),
    ("pgpooloptions", "Postgres"),
    ("mysql", "MySQL"),
    ("mysqlpool", "MySQL"),
    ("mariadb", "MariaDB"),
    ("redis", "Redis"),
    ("memcache", "Memcached"),
    ("mongodb", "MongoDB"),
    ("memorystore", "an in-memory store"),
    ("inmemory", "an in-memory store"),
    ("memstore", "an in-memory store"),
    ("in_memory", "an in-memory store"),
];

/// Services that stand in for a real one in development: embedded or in-process.
const SUBSTITUTES: &[&str] = &["SQLite", "sled", "redb", "RocksDB", "an in-memory store"];

/// Cargo feature names that mean "development build".
fn is_dev_feature(name: &str) -> bool {
    matches!(
        name,
        "dev" | "development" | "local" | "debug" | "dev-mode" | "local-dev"
    ) || name.starts_with("dev-")
}

impl Check for BuildProfileServiceSwitch {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(ast) = file.rust() else { return };
        let mut v = Switches(Vec::new());
        v.visit_file(ast);
        for (gate, span, services) in v.0 {
            let list: Vec<&str> = services.into_iter().collect();
            cx.report(
                file.loc(span),
                format!(
                    "`{gate}` selects {} depending on the build profile: developers test against a different backing service than production runs",
                    list.join(" / ")
                ),
                "use the same kind of backing service in every environment, chosen by config (`DATABASE_URL`), and run it locally with docker compose",
            );
        }
    }
}

/// The token-level conditions of every finding, in an item with a `debug_assertions` or
/// `feature` identifier: a profile gate (`debug_assertions`, or `feature` then one token
/// then a dev feature's literal, as [`profile_gate`] reads them) and a backing-service word
/// of [`SERVICES`] inside an identifier or string literal (as [`Words::word`] reads them).
fn may_switch(t: &Tokens<'_>, item: Range<usize>) -> bool {
    let literal = |i: usize| matches!(t.kind(i), Some(Kind::Str | Kind::RawStr | Kind::OtherLit));
    let gate = item.clone().any(|i| match t.kind(i) {
        Some(Kind::Ident) => {
            let w = t.text(i);
            (w.len() >= 16 && w.contains("debug_assertions"))
                || (w == "feature" && {
                    let lit = t.next(i + 1);
                    literal(lit) && is_dev_feature(t.text(lit).trim_matches('"'))
                })
        }
        _ => literal(i) && t.text(i).contains("debug_assertions"),
    });
    let names_service = |w: &str| {
        let w = w.to_ascii_lowercase();
        SERVICES.iter().any(|(key, _)| w.contains(key))
    };
    gate && item.into_iter().any(|i| match t.kind(i) {
        Some(Kind::Ident) => names_service(t.text(i)),
        _ => {
            literal(i)
                && (names_service(t.text(i)) || t.str_value(i).is_some_and(|v| names_service(&v)))
        }
    })
}

/// (gate as written, its span, services named in the gated code).
struct Switches(Vec<(String, Range<usize>, BTreeSet<&'static str>)>);

impl Switches {
    /// Record a gate whose code names a stand-in service.
    fn gate(&mut self, (gate, span): (String, Range<usize>), words: Words) {
        if words.0.iter().any(|s| SUBSTITUTES.contains(s)) {
            self.0.push((gate, span, words.0));
        }
    }
}

/// Backing services named in a piece of code.
#[derive(Default)]
struct Words(BTreeSet<&'static str>);

impl Words {
    fn word(&mut self, w: &str) {
        let w = w.to_ascii_lowercase();
        for (key, service) in SERVICES {
            let hit = w == *key
                || w.starts_with(&format!("{key}:"))
                || w.split(|c: char| !c.is_ascii_alphanumeric())
                    .any(|p| p == *key)
                || (key.len() > 5 && w.contains(key));
            if hit {
                self.0.insert(service);
            }
        }
    }

    fn tokens(&mut self, tokens: &TokenStream) {
        for tt in tokens.clone() {
            match tt {
                TokenTree::Ident(i) => self.word(&i.to_string()),
                TokenTree::Literal(l) => self.word(l.to_string().trim_matches('"')),
                TokenTree::Group(g) => self.tokens(&g.stream()),
                TokenTree::Punct(_) => {}
            }
        }
    }
}

impl<'ast> Visit<'ast> for Words {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.word(&i.to_string());
    }
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        self.word(&l.value());
    }
    fn visit_macro(&mut self, m: &'ast syn::Macro) {
        syn::visit::visit_macro(self, m);
        self.tokens(&m.tokens);
    }
}

/// The profile gate of `#[cfg(..)]` attributes: `debug_assertions` or a dev feature.
fn cfg_gate(attrs: &[syn::Attribute]) -> Option<(String, Range<usize>)> {
    attrs.iter().find_map(|a| {
        if !a.path().is_ident("cfg") {
            return None;
        }
        let syn::Meta::List(list) = &a.meta else {
            return None;
        };
        profile_gate(&list.tokens).map(|g| {
            (
                format!("#[cfg({g})]"),
                span_range(list.path.segments[0].ident.span()),
            )
        })
    })
}

/// `debug_assertions`, `not(debug_assertions)` or `feature = "dev"` in cfg tokens.
fn profile_gate(tokens: &TokenStream) -> Option<String> {
    let text = tokens.to_string();
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.contains("debug_assertions") {
        return Some(flat);
    }
    let toks: Vec<TokenTree> = tokens.clone().into_iter().collect();
    toks.windows(3).find_map(|w| match (&w[0], &w[2]) {
        (TokenTree::Ident(i), TokenTree::Literal(l)) if i == "feature" => {
            let name = l.to_string();
            is_dev_feature(name.trim_matches('"')).then_some(flat.clone())
        }
        _ => None,
    })
}

impl<'ast> Visit<'ast> for Switches {
    fn visit_item(&mut self, i: &'ast syn::Item) {
        let attrs = match i {
            syn::Item::Fn(f) => &f.attrs,
            syn::Item::Const(c) => &c.attrs,
            syn::Item::Static(s) => &s.attrs,
            syn::Item::Use(u) => &u.attrs,
            syn::Item::Type(t) => &t.attrs,
            syn::Item::Mod(m) => &m.attrs,
            syn::Item::Impl(m) => &m.attrs,
            _ => return syn::visit::visit_item(self, i),
        };
        if let Some(gate) = cfg_gate(attrs) {
            let mut w = Words::default();
            w.visit_item(i);
            self.gate(gate, w);
        } else {
            syn::visit::visit_item(self, i);
        }
    }

    fn visit_stmt(&mut self, s: &'ast syn::Stmt) {
        let attrs = match s {
            syn::Stmt::Local(l) => Some(&l.attrs),
            syn::Stmt::Expr(syn::Expr::Block(b), _) => Some(&b.attrs),
            syn::Stmt::Expr(syn::Expr::Call(c), _) => Some(&c.attrs),
            syn::Stmt::Expr(syn::Expr::MethodCall(c), _) => Some(&c.attrs),
            syn::Stmt::Expr(syn::Expr::Assign(c), _) => Some(&c.attrs),
            _ => None,
        };
        match attrs.and_then(|a| cfg_gate(a)) {
            Some(gate) => {
                let mut w = Words::default();
                w.visit_stmt(s);
                self.gate(gate, w);
            }
            None => syn::visit::visit_stmt(self, s),
        }
    }

    fn visit_expr_if(&mut self, e: &'ast syn::ExprIf) {
        if let syn::Expr::Macro(m) = &*e.cond
            && m.mac.path.is_ident("cfg")
            && let Some(g) = profile_gate(&m.mac.tokens)
        {
            let gate = (
                format!("cfg!({g})"),
                span_range(m.mac.path.segments[0].ident.span()),
            );
            let mut then = Words::default();
            then.visit_block(&e.then_branch);
            let mut other = Words::default();
            if let Some((_, els)) = &e.else_branch {
                other.visit_expr(els);
            }
            let differ = !then.0.is_empty() && !other.0.is_empty() && then.0 != other.0;
            let mut all = then;
            all.0.extend(other.0);
            if differ {
                self.0.push((gate.0, gate.1, all.0));
            } else {
                self.gate(gate, all);
            }
            return;
        }
        syn::visit::visit_expr_if(self, e);
    }
}
