//! TF0302 environment-name-branching: code that branches on a deploy-environment name.

use syn::visit::Visit;

use crate::parse::rust::{self, expr_words};
use crate::rules::prelude::*;

declare_rule! {
    EnvironmentNameBranching {
        code: "TF0302",
        name: "environment-name-branching",
        factor: 3,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Rust],
        summary: "code branches on a deploy-environment name or loads config groups by environment name",
        // Every branch this rule reports compares with a literal environment name.
        tree: Prefilter::Literals(|value| env_name(value).is_some()),
    }
}

/// Deploy-environment names.
const ENV_NAMES: &[&str] = &[
    "production",
    "prod",
    "staging",
    "stage",
    "development",
    "dev",
    "qa",
    "uat",
    "preprod",
    "pre-prod",
    "sandbox",
];
/// Words that say an expression holds the deploy environment.
const ENV_WORDS: &[&str] = &[
    "env",
    "environment",
    "stage",
    "deploy",
    "deployment",
    "run_mode",
    "app_env",
    "rust_env",
    "profile",
    "tier",
    "mode",
];
/// Config file extensions that, with an environment name, make a per-environment config group.
const CONFIG_EXTS: &[&str] = &["toml", "yaml", "yml", "json", "ini", "env", "ron"];

impl Check for EnvironmentNameBranching {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let literals = file.string_literals();
        let mut v = Branches(Vec::new());
        if let Some(ast) = file.rust() {
            v.visit_file(ast);
        }
        for (span, name) in v.0 {
            cx.report(
                file.loc(span),
                format!("behaviour depends on the deploy-environment name `{name}`"),
                "read each setting (URLs, flags, levels) from its own environment variable instead of switching on the environment's name",
            );
        }
        for lit in literals {
            if let Some(name) = env_config_file(&lit.value) {
                cx.report(
                    file.loc(lit.span.clone()),
                    format!("loads a config file for the `{name}` environment"),
                    "per-environment config groups do not scale with deploys: read each value from the environment",
                );
            }
        }
    }
}

fn env_name(value: &str) -> Option<&'static str> {
    let lower = value.to_ascii_lowercase();
    ENV_NAMES.iter().copied().find(|n| *n == lower)
}

fn mentions_environment(expr: &syn::Expr) -> bool {
    expr_words(expr).iter().any(|w| {
        ENV_WORDS
            .iter()
            .any(|e| w == e || w.ends_with(&format!("_{e}")) || w.starts_with(&format!("{e}_")))
    })
}

/// `config/production.toml`, `settings.staging.yaml`, `.env.production`.
fn env_config_file(value: &str) -> Option<&'static str> {
    if value.contains(char::is_whitespace) || value.len() > 200 {
        return None;
    }
    let file = value.rsplit('/').next()?;
    let parts: Vec<&str> = file.split('.').filter(|p| !p.is_empty()).collect();
    let has_config_ext = parts.len() >= 2 && CONFIG_EXTS.contains(&parts[parts.len() - 1]);
    let is_dotenv = file.starts_with(".env.") && parts.len() == 2;
    if !(has_config_ext || is_dotenv) {
        return None;
    }
    parts.iter().find_map(|p| env_name(p))
}

struct Branches(Vec<(std::ops::Range<usize>, &'static str)>);

impl Branches {
    fn lit_env(expr: &syn::Expr) -> Option<(&syn::LitStr, &'static str)> {
        match expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => env_name(&s.value()).map(|n| (s, n)),
            syn::Expr::Reference(r) => Self::lit_env(&r.expr),
            _ => None,
        }
    }
}

impl<'ast> Visit<'ast> for Branches {
    fn visit_attribute(&mut self, _: &'ast syn::Attribute) {}

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if matches!(b.op, syn::BinOp::Eq(_) | syn::BinOp::Ne(_)) {
            for (lit_side, other) in [(&b.right, &b.left), (&b.left, &b.right)] {
                if let Some((lit, name)) = Self::lit_env(lit_side)
                    && mentions_environment(other)
                {
                    self.0.push((rust::span_range(lit.span()), name));
                }
            }
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_expr_method_call(&mut self, m: &'ast syn::ExprMethodCall) {
        let compares = matches!(
            m.method.to_string().as_str(),
            "eq" | "eq_ignore_ascii_case" | "starts_with"
        );
        if compares
            && let Some((lit, name)) = m.args.first().and_then(Self::lit_env)
            && mentions_environment(&m.receiver)
        {
            self.0.push((rust::span_range(lit.span()), name));
        }
        syn::visit::visit_expr_method_call(self, m);
    }

    fn visit_expr_match(&mut self, m: &'ast syn::ExprMatch) {
        if mentions_environment(&m.expr) {
            let first = m.arms.iter().find_map(|arm| {
                let mut lits = PatLits(Vec::new());
                lits.visit_pat(&arm.pat);
                lits.0
                    .into_iter()
                    .find_map(|(value, span)| env_name(&value).map(|n| (span, n)))
            });
            if let Some(found) = first {
                self.0.push(found);
            }
        }
        syn::visit::visit_expr_match(self, m);
    }
}

/// String literals in a pattern: value and span.
struct PatLits(Vec<(String, std::ops::Range<usize>)>);

impl<'ast> Visit<'ast> for PatLits {
    fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
        self.0.push((l.value(), rust::span_range(l.span())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_file_names() {
        assert_eq!(
            env_config_file("config/production.toml"),
            Some("production")
        );
        assert_eq!(env_config_file("settings.staging.yaml"), Some("staging"));
        assert_eq!(env_config_file(".env.production"), Some("production"));
        assert_eq!(env_config_file("config/default.toml"), None);
        assert_eq!(env_config_file("prod"), None);
        assert_eq!(env_config_file("assets/dev.png"), None);
    }
}
