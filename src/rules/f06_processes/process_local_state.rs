//! TF0603 process-local-state: process-global mutable collections in a server.

use std::ops::Range;

use proc_macro2::{TokenStream, TokenTree};
use syn::visit::Visit;

use crate::parse::lex::Tokens;
use crate::parse::rust::span_range;
use crate::rules::prelude::*;

declare_rule! {
    ProcessLocalState {
        code: "TF0603",
        name: "process-local-state",
        factor: 6,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo],
        summary: "process-global collections of per-user or per-session data in a server (`static SESSIONS: Lazy<Mutex<HashMap<..>>>`, `lazy_static!`, static `DashMap`)",
        tree: Prefilter::Tokens(&["static"], may_hold_state),
    }
}

/// The tree only adds `static` items (also `static ref` in `lazy_static!`) whose type
/// names a collection of [`COLLECTIONS`] and `mut` or a wrapper of [`MUTABLE`]: a `static`
/// whose tokens up to its end ([`Tokens::item_end`]) name both.
fn may_hold_state(t: &Tokens<'_>, item: Range<usize>) -> bool {
    item.clone().any(|i| {
        if !t.is_ident(i, "static") {
            return false;
        }
        let (mut collection, mut mutable) = (false, false);
        for word in (i + 1..t.item_end(i, item.end)).filter_map(|j| t.ident(j)) {
            collection |= COLLECTIONS.contains(&word);
            mutable |= word == "mut" || MUTABLE.contains(&word);
        }
        collection && mutable
    })
}

/// Types that make a static mutable from every thread.
const MUTABLE: &[&str] = &[
    "Mutex",
    "RwLock",
    "FairMutex",
    "ReentrantMutex",
    "DashMap",
    "DashSet",
    "ArcSwap",
];
/// Collections that grow with requests.
const COLLECTIONS: &[&str] = &[
    "HashMap",
    "BTreeMap",
    "HashSet",
    "BTreeSet",
    "Vec",
    "VecDeque",
    "IndexMap",
    "IndexSet",
    "LruCache",
    "DashMap",
    "DashSet",
    "AHashMap",
    "FxHashMap",
    "Slab",
    "SlotMap",
];
/// Types that show the static holds infrastructure or derived data, not user data:
/// metrics, pools and clients, compiled patterns and templates, config, type tables.
const INFRASTRUCTURE: &[&str] = &[
    "Regex",
    "RegexSet",
    "Registry",
    "Counter",
    "Gauge",
    "Histogram",
    "IntCounter",
    "IntCounterVec",
    "Pool",
    "PgPool",
    "MySqlPool",
    "SqlitePool",
    "Client",
    "Sender",
    "JoinHandle",
    "Handle",
    "AbortHandle",
    "CancellationToken",
    "Semaphore",
    "Notify",
    "Template",
    "Tera",
    "Handlebars",
    "Config",
    "Settings",
    "TypeId",
    "Schema",
    "Logger",
    "Library",
];
/// Words of per-user or per-session data (in the static's name or a type it holds:
/// `SESSIONS`, `HashMap<UserId, Cart>`, `UPLOADS`, `TOKEN_CACHE` of idempotency tokens): what a
/// request served by another replica needs, so it belongs in a backing service. Other
/// process-global collections (caches any replica recomputes, registries of channels and
/// tasks, locks, in-flight bookkeeping of the node's own work) are per-process by design.
const USER_STATE_WORDS: &[&str] = &[
    "session", "user", "login", "cart", "basket", "token", "nonce", "idempot", "visitor",
    "account", "upload",
];

/// Static names that show infrastructure or derived data.
const INFRASTRUCTURE_NAMES: &[&str] = &[
    "REGEX", "PATTERN", "TEMPLATE", "METRIC", "REGISTRY", "POOL", "CONFIG", "SETTINGS", "INTERN",
    "SCHEMA", "PLUGIN", "HANDLER",
];

impl Check for ProcessLocalState {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(ast) = file.rust() else { return };
        let mut v = Statics(Vec::new());
        v.visit_file(ast);
        for s in v.0 {
            let upper = s.name.to_ascii_uppercase();
            let has = |list: &[&str]| {
                s.type_idents
                    .iter()
                    .find(|i| list.contains(&i.as_str()))
                    .cloned()
            };
            let (Some(wrapper), Some(collection)) = (
                if s.is_mut {
                    Some("static mut".to_string())
                } else {
                    has(MUTABLE)
                },
                has(COLLECTIONS),
            ) else {
                continue;
            };
            if has(INFRASTRUCTURE).is_some()
                || INFRASTRUCTURE_NAMES.iter().any(|n| upper.contains(n))
            {
                continue;
            }
            let user_state = std::iter::once(&s.name)
                .chain(&s.type_idents)
                .map(|w| w.to_ascii_lowercase())
                .any(|w| USER_STATE_WORDS.iter().any(|u| w.contains(u)));
            if !user_state {
                continue;
            }
            let what = if wrapper == collection {
                format!("concurrent `{collection}`")
            } else {
                format!("`{collection}` behind `{wrapper}`")
            };
            cx.report(
                file.loc(s.span),
                format!(
                    "`{}` is a process-global {what}: state kept in one process is invisible to other replicas and lost on restart",
                    s.name
                ),
                "keep data that outlives a request in a backing service (Redis, a database); a process-local cache is fine only for data any replica can recompute",
            )
            .in_service();
        }
    }
}

/// A `static` item (also inside `lazy_static!`): name, type identifiers, `mut`.
struct Static {
    name: String,
    span: std::ops::Range<usize>,
    type_idents: Vec<String>,
    is_mut: bool,
}

struct Statics(Vec<Static>);

impl<'ast> Visit<'ast> for Statics {
    fn visit_item_static(&mut self, i: &'ast syn::ItemStatic) {
        let mut idents = Idents(Vec::new());
        idents.visit_type(&i.ty);
        self.0.push(Static {
            name: i.ident.to_string(),
            span: span_range(i.ident.span()),
            type_idents: idents.0,
            is_mut: matches!(i.mutability, syn::StaticMutability::Mut(_)),
        });
    }

    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        if mac
            .path
            .segments
            .last()
            .is_some_and(|s| s.ident == "lazy_static")
        {
            self.lazy_statics(mac.tokens.clone());
        }
    }
}

impl Statics {
    /// `static ref NAME: TYPE = EXPR;` entries of a `lazy_static!` body.
    fn lazy_statics(&mut self, tokens: TokenStream) {
        let tokens: Vec<TokenTree> = tokens.into_iter().collect();
        let mut i = 0;
        while i < tokens.len() {
            let is_ident = |t: &TokenTree, s: &str| matches!(t, TokenTree::Ident(id) if id == s);
            if is_ident(&tokens[i], "static")
                && tokens.get(i + 1).is_some_and(|t| is_ident(t, "ref"))
                && let Some(TokenTree::Ident(name)) = tokens.get(i + 2)
            {
                let mut type_idents = Vec::new();
                let mut j = i + 3;
                while let Some(t) = tokens.get(j) {
                    match t {
                        TokenTree::Punct(p) if p.as_char() == '=' => break,
                        TokenTree::Ident(id) => type_idents.push(id.to_string()),
                        _ => {}
                    }
                    j += 1;
                }
                self.0.push(Static {
                    name: name.to_string(),
                    span: span_range(name.span()),
                    type_idents,
                    is_mut: false,
                });
                i = j;
            }
            i += 1;
        }
    }
}

/// Every identifier in a type.
struct Idents(Vec<String>);

impl<'ast> Visit<'ast> for Idents {
    fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
        self.0.push(i.to_string());
    }
}
