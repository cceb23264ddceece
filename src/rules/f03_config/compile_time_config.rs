//! TF0303 compile-time-config: `env!`/`option_env!` of deploy config.

use std::ops::Range;

use syn::visit::Visit;

use crate::parse::lex::Tokens;
use crate::parse::rust;
use crate::rules::prelude::*;

declare_rule! {
    CompileTimeConfig {
        code: "TF0303",
        name: "compile-time-config",
        factor: 3,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust, Cargo, Dockerfile, Yaml, Env],
        summary: "`env!`/`option_env!` of a variable the deployment sets at run time: its value is baked in at build time and the runtime one ignored",
        tree: Prefilter::Tokens(&["env|option_env"], uses_env_macro),
        facts: [BuildEnv],
    }
}

/// Variables that describe the build itself, not a deploy.
const BUILD_METADATA: &[&str] = &[
    "VERSION",
    "GIT",
    "COMMIT",
    "SHA",
    "BUILD",
    "VERGEN",
    "TARGET",
    "PROFILE",
    "RUSTC",
    "RUSTDOC",
    "TIMESTAMP",
    "DATE",
    "DEBUG",
    "OPT_LEVEL",
    "NUM_JOBS",
    "REVISION",
    "BRANCH",
    "TAG",
    "CI",
    "HOST_TRIPLE",
];

impl Check for CompileTimeConfig {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(ast) = file.rust() else { return };
        let mut v = EnvMacros(Vec::new());
        v.visit_file(ast);
        for (mac, lit) in v.0 {
            let name = lit.value();
            if is_build_metadata(&name) {
                continue;
            }
            // A variable no deployment sets at run time is a build input (a product name,
            // a vendor key, a packager's default path): only one the deployment also sets
            // is deploy config, and there the value it sets is silently ignored.
            cx.report(
                file.loc(rust::span_range(lit.span())),
                format!("`{mac}!(\"{name}\")` bakes `{name}` into the binary at compile time, but the deployment sets `{name}` at run time: the value it sets is never read"),
                format!("read it at run time with `std::env::var(\"{name}\")` so one build can be released to every environment"),
            )
            .unless_set_by_build_script(&name)
            .when_set_at_run_time(&name);
        }
    }
}

/// `env!` or `option_env!` somewhere in the tokens.
fn uses_env_macro(t: &Tokens<'_>, item: Range<usize>) -> bool {
    item.into_iter()
        .any(|i| matches!(t.ident(i), Some("env" | "option_env")) && t.is_punct(i + 1, '!'))
}

fn is_build_metadata(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    upper.starts_with("CARGO_")
        || upper.starts_with("DEP_")
        || upper == "OUT_DIR"
        || BUILD_METADATA
            .iter()
            .any(|m| upper.split('_').any(|w| w == *m))
}

struct EnvMacros(Vec<(&'static str, syn::LitStr)>);

impl<'ast> Visit<'ast> for EnvMacros {
    fn visit_macro(&mut self, mac: &'ast syn::Macro) {
        let name = mac.path.segments.last().map(|s| s.ident.to_string());
        let which = match name.as_deref() {
            Some("env") => Some("env"),
            Some("option_env") => Some("option_env"),
            _ => None,
        };
        if let Some(which) = which {
            if let Some(proc_macro2::TokenTree::Literal(l)) = mac.tokens.clone().into_iter().next()
                && let syn::Lit::Str(s) = syn::Lit::new(l)
            {
                self.0.push((which, s));
            }
        } else {
            // Nested macros: `concat!(env!("X"), ..)`, `format!("{}", env!("X"))`.
            if let Ok(inner) = mac.parse_body_with(
                syn::punctuated::Punctuated::<syn::Expr, syn::Token![,]>::parse_terminated,
            ) {
                for e in inner {
                    self.visit_expr(&e);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_metadata_is_allowed() {
        for n in [
            "CARGO_PKG_VERSION",
            "GIT_HASH",
            "VERGEN_GIT_SHA",
            "BUILD_TIMESTAMP",
            "OUT_DIR",
            "APP_VERSION",
        ] {
            assert!(is_build_metadata(n), "{n}");
        }
        for n in ["DATABASE_URL", "API_KEY", "SENTRY_DSN", "REDIS_HOST"] {
            assert!(!is_build_metadata(n), "{n}");
        }
    }
}
