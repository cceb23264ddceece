//! TF0602 in-memory-session-store: session middleware backed by process memory.

use syn::visit::Visit;

use crate::rules::prelude::*;

declare_rule! {
    InMemorySessionStore {
        code: "TF0602",
        name: "in-memory-session-store",
        factor: 6,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "session middleware backed by process memory (`tower_sessions::MemoryStore`, …) in a server",
        // `Stores` reports a path naming one of `STORES`.
        tree: Prefilter::Idents(&[
            "MemoryStore|MemoryStorage|MemorySessionStore|SessionNullPool",
        ]),
    }
}

/// In-memory session store types of session crates.
const STORES: &[&str] = &[
    "MemoryStore",
    "MemoryStorage",
    "MemorySessionStore",
    "SessionNullPool",
];
/// Session crates (and frameworks with built-in sessions) whose memory stores these are.
const SESSION_CRATES: &[&str] = &[
    "tower_sessions",
    "async_session",
    "axum_sessions",
    "axum_session",
    "actix_session",
    "warp_sessions",
    "salvo",
    "poem",
    "tide",
];

impl Check for InMemorySessionStore {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        // The tree is there only when the prefilter admitted the file, so ask for it first.
        let Some(ast) = file.rust() else { return };
        let Some(krate) = SESSION_CRATES.iter().find(|c| file.text.contains(*c)) else {
            return;
        };
        let mut v = Stores(Vec::new());
        v.visit_file(ast);
        for (store, span) in v.0 {
            cx.report(
                file.loc(span),
                format!(
                    "sessions are kept in this process's memory (`{store}` of `{krate}`): a request routed to another replica, or any restart, loses them"
                ),
                "use a shared store: Redis (`tower-sessions-redis-store`, `actix_session::storage::RedisSessionStore`), a database store, or signed cookie sessions that keep no server state",
            )
            .in_service();
        }
    }
}

/// Expression paths naming an in-memory store, directly or as a generic argument.
struct Stores(Vec<(String, std::ops::Range<usize>)>);

impl<'ast> Visit<'ast> for Stores {
    fn visit_expr_path(&mut self, e: &'ast syn::ExprPath) {
        for seg in &e.path.segments {
            let mut names = vec![&seg.ident];
            if let syn::PathArguments::AngleBracketed(args) = &seg.arguments {
                for arg in &args.args {
                    if let syn::GenericArgument::Type(syn::Type::Path(t)) = arg
                        && let Some(last) = t.path.segments.last()
                    {
                        names.push(&last.ident);
                    }
                }
            }
            if let Some(name) = names.into_iter().find(|n| STORES.iter().any(|s| *n == s)) {
                self.0.push((
                    name.to_string(),
                    crate::parse::rust::span_range(name.span()),
                ));
                return;
            }
        }
    }
}
