//! Rust through `syn`, with byte spans (`proc-macro2` span-locations) and test
//! code stripped once; token-level readers of the lexed file (string literals,
//! command sites); and helpers shared by the Rust rules.

use std::ops::Range;

use proc_macro2::{Span, TokenTree};

use crate::parse::lex::{Kind, Tokens};
use crate::parse::uses::Use;
use syn::visit::Visit;
use syn::visit_mut::VisitMut;

/// A parse failure with the byte offset syn reported.
#[derive(Debug, Clone)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// Parse `text` (BOM removed) into a file without the items a production build leaves out
/// ([`is_left_out_of_production`]).
///
/// Must run on the thread that then uses the spans; call [`release_spans`] after.
pub fn parse(text: &str) -> Result<syn::File, ParseError> {
    // Blank a shebang line instead of cutting it, so byte offsets stay exact.
    let blanked;
    let source = if text.starts_with("#!") && !text.starts_with("#![") {
        let end = text.find('\n').unwrap_or(text.len());
        blanked = format!("{}{}", " ".repeat(end), &text[end..]);
        blanked.as_str()
    } else {
        text
    };
    let mut file = syn::parse_str::<syn::File>(source).map_err(|e| ParseError {
        offset: span_range(e.span()).start,
        message: e.to_string(),
    })?;
    StripUnbuilt.visit_file_mut(&mut file);
    Ok(file)
}

/// `text` with every byte outside `kept` (sorted byte ranges) turned into a space, line
/// breaks kept: a tree parsed from it has the byte offsets and lines of `text`.
pub fn blank_outside(text: &str, kept: &[Range<usize>]) -> String {
    let mut out = Vec::with_capacity(text.len());
    let mut at = 0;
    let blank = |out: &mut Vec<u8>, bytes: &[u8]| {
        out.extend(bytes.iter().map(|&b| if b == b'\n' { b'\n' } else { b' ' }));
    };
    for r in kept {
        let (start, end) = (r.start.max(at).min(text.len()), r.end.min(text.len()));
        if start >= end {
            continue;
        }
        blank(&mut out, &text.as_bytes()[at..start]);
        out.extend_from_slice(&text.as_bytes()[start..end]);
        at = end;
    }
    blank(&mut out, &text.as_bytes()[at..]);
    // Kept ranges are token spans, which start and end on character boundaries.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Free this thread's span bookkeeping after a file is done.
pub fn release_spans() {
    proc_macro2::extra::invalidate_current_thread_spans();
}

/// Byte range of a span in its file.
pub fn span_range(span: Span) -> Range<usize> {
    span.byte_range()
}

/// True for attributes that keep their item out of a production build for a Linux
/// server: test attributes (`#[test]`, `#[tokio::test]`) and a `cfg` whose predicate is
/// false there (`#[cfg(test)]`, `#[cfg(windows)]`, `#[cfg(debug_assertions)]`), read by
/// [`crate::parse::lex::Tokens::excludes_from_production`], as the token readers do.
pub fn is_left_out_of_production(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|attr| {
        let path = attr.path();
        if path.segments.last().is_some_and(|s| s.ident == "test") {
            return true;
        }
        let syn::Meta::List(list) = &attr.meta else {
            return false;
        };
        if !path.is_ident("cfg") {
            return false;
        }
        let source = format!("#[cfg({})]", list.tokens);
        crate::parse::lex::lex(&source).is_ok_and(|t| {
            t.attribute(0)
                .is_some_and(|open| t.excludes_from_production(open))
        })
    })
}

struct StripUnbuilt;

impl VisitMut for StripUnbuilt {
    fn visit_file_mut(&mut self, file: &mut syn::File) {
        file.items
            .retain(|item| !is_left_out_of_production(item_attrs(item)));
        syn::visit_mut::visit_file_mut(self, file);
    }

    fn visit_item_mod_mut(&mut self, m: &mut syn::ItemMod) {
        if let Some((_, items)) = &mut m.content {
            items.retain(|item| !is_left_out_of_production(item_attrs(item)));
        }
        syn::visit_mut::visit_item_mod_mut(self, m);
    }

    fn visit_item_impl_mut(&mut self, i: &mut syn::ItemImpl) {
        i.items.retain(|item| match item {
            syn::ImplItem::Fn(f) => !is_left_out_of_production(&f.attrs),
            _ => true,
        });
        syn::visit_mut::visit_item_impl_mut(self, i);
    }

    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        b.stmts.retain(|s| match s {
            syn::Stmt::Item(item) => !is_left_out_of_production(item_attrs(item)),
            _ => true,
        });
        syn::visit_mut::visit_block_mut(self, b);
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        _ => &[],
    }
}

/// A string literal found in code or inside a macro invocation.
#[derive(Debug, Clone)]
pub struct StrLit {
    /// The literal's value (escapes resolved).
    pub value: String,
    /// Span of the literal token, quotes included.
    pub span: Range<usize>,
    /// True inside a fallback (`.unwrap_or(..)`, `.unwrap_or_else(..)`, `impl Default`):
    /// a local default, not deployed config.
    pub fallback: bool,
}

impl StrLit {
    /// A literal found in the syntax tree.
    pub fn new(lit: &syn::LitStr, fallback: bool) -> Self {
        StrLit {
            value: lit.value(),
            span: span_range(lit.span()),
            fallback,
        }
    }

    /// File span of `range` within [`StrLit::value`]: exact when the value appears verbatim
    /// in the source token (read from the file's `text`), else the whole literal.
    pub fn sub_span(&self, text: &str, range: Range<usize>) -> Range<usize> {
        let needle = &self.value[range];
        match text.get(self.span.clone()).and_then(|raw| raw.find(needle)) {
            Some(at) if !needle.is_empty() => {
                self.span.start + at..self.span.start + at + needle.len()
            }
            _ => self.span.clone(),
        }
    }
}

/// Every string literal outside attributes, doc comments and test code,
/// including those inside macro calls, read from the tokens.
pub fn string_literals(t: &Tokens<'_>) -> Vec<StrLit> {
    let mut out = Vec::new();
    walk_code(t, 0, t.len(), false, &mut |i, fallback| {
        if !matches!(t.kind(i), Some(Kind::Str | Kind::RawStr)) {
            return;
        }
        if let Some(value) = t.str_value(i) {
            out.push(StrLit {
                value: value.into_owned(),
                span: t.span(i),
                fallback,
            });
        }
    });
    out
}

/// Literal program names passed to a process builder's `Command::new` (std, tokio,
/// async-std, smol) or duct's `cmd!`, with the literal's span.
///
/// `Command` is resolved, not matched by name: a call counts when written through a
/// `process` module (`std::process::Command::new`, `process::Command::new`), or when the
/// file imports `Command` (or an alias of it) from a `process` module. clap's
/// `Command::new("serve")` builds a subcommand and runs nothing. A probe, whose chain
/// reads the tool's failure as an answer (`.output().ok()?`, `.is_ok()`), is left out:
/// the program does not depend on the tool.
pub fn commands(t: &Tokens<'_>, uses: &[Use<'_>]) -> Vec<(String, Range<usize>)> {
    let is_str = |i: usize| matches!(t.kind(i), Some(Kind::Str | Kind::RawStr));
    let local_names = process_command_names(uses);
    let mut out = Vec::new();
    // Without an alias of `Command`, every site names `Command` or `cmd`.
    if local_names.is_empty() && !t.text.contains("Command") && !t.text.contains("cmd") {
        return out;
    }
    walk_code(t, 0, t.len(), false, &mut |i, _| {
        let qualified = i >= 3 && t.is_joint(i - 2, ':', ':');
        let names_process_command = if qualified {
            t.is_ident(i, "Command") && t.is_ident(i - 3, "process")
        } else {
            t.kind(i) == Some(Kind::Ident) && local_names.iter().any(|n| *n == t.text(i))
        };
        let command_new = names_process_command
            && t.is_joint(i + 1, ':', ':')
            && t.is_ident(i + 3, "new")
            && t.is_open(i + 4, '(')
            && is_str(i + 5)
            && (t.is_punct(i + 6, ',') || t.pair(i + 4) == i + 6);
        let cmd_macro = t.is_ident(i, "cmd")
            && t.is_punct(i + 1, '!')
            && t.is_open(i + 2, '(')
            && is_str(i + 3);
        let lit = if command_new { i + 5 } else { i + 3 };
        let args = if command_new { i + 4 } else { i + 2 };
        if (command_new || cmd_macro)
            && !probes(t, path_start(t, i), t.pair(args) + 1)
            && let Some(value) = t.str_value(lit)
        {
            let program = if cmd_macro {
                value.split_whitespace().next().unwrap_or_default()
            } else {
                &value
            };
            out.push((program.to_string(), t.span(lit)));
        }
    });
    out
}

/// Methods on a command's result that read a failure to run it as an answer (`.ok()?`,
/// `.is_ok()`, `.unwrap_or(false)`): the tool's absence is expected.
const PROBE_METHODS: &[&str] = &[
    "ok",
    "is_ok",
    "is_err",
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "map_or",
    "map_or_else",
];

/// True when the command built from token `start` (`Command` or `cmd`, or the first
/// segment of its path), whose method chain starts at token `at` (right after
/// `Command::new(..)` or `cmd!(..)`), probes for the tool: a machine without the tool
/// gets an answer, not a failure. Either a method of [`PROBE_METHODS`] takes the result
/// (`nvidia-smi … .output().ok()?`), or the whole chain is tested by `if let Ok(..) =` /
/// `while let Ok(..) =` (a failure skips the block), or matched by a `match` whose
/// `Err(..)` arm gives an answer (`Err(_) => false`).
fn probes(t: &Tokens<'_>, start: usize, mut at: usize) -> bool {
    while t.is_punct(at, '.') {
        let Some(method) = t.ident(at + 1) else {
            break;
        };
        if PROBE_METHODS.contains(&method) {
            return true;
        }
        at += 2;
        if t.is_open(at, '(') {
            at = t.pair(at) + 1;
        }
        while t.is_punct(at, '?') {
            at += 1;
        }
    }
    tested_by_if_let_ok(t, start) || matched_with_answer_on_err(t, start, at)
}

/// The first token of the path ending at token `i` (`std` of `std::process::Command`).
fn path_start(t: &Tokens<'_>, mut i: usize) -> usize {
    while i >= 3 && t.is_joint(i - 2, ':', ':') && t.kind(i - 3) == Some(Kind::Ident) {
        i -= 3;
    }
    i
}

/// `if let Ok(..) = <expression at start>` or `while let Ok(..) = …`.
fn tested_by_if_let_ok(t: &Tokens<'_>, start: usize) -> bool {
    if start < 5 || !t.is_punct(start - 1, '=') || t.kind(start - 2) != Some(Kind::Close(')')) {
        return false;
    }
    let open = t.pair(start - 2);
    open >= 3
        && t.is_ident(open - 1, "Ok")
        && t.is_ident(open - 2, "let")
        && (t.is_ident(open - 3, "if") || t.is_ident(open - 3, "while"))
}

/// `match <expression from start to end> { .. Err(..) => <answer>, .. }`, where the answer
/// is a literal, `None` or a default value, not a panic or a propagated error.
fn matched_with_answer_on_err(t: &Tokens<'_>, start: usize, end: usize) -> bool {
    if start == 0 || !t.is_ident(start - 1, "match") || !t.is_open(end, '{') {
        return false;
    }
    let close = t.pair(end);
    let mut i = end + 1;
    while i < close {
        if t.is_ident(i, "Err") && t.is_open(i + 1, '(') {
            let arrow = t.pair(i + 1) + 1;
            if t.is_joint(arrow, '=', '>') {
                let answer = arrow + 2;
                return matches!(
                    t.kind(answer),
                    Some(Kind::Str | Kind::RawStr | Kind::OtherLit)
                ) || ["false", "true", "None", "Default"]
                    .iter()
                    .any(|w| t.is_ident(answer, w));
            }
        }
        i = t.next(i);
    }
    false
}

/// The names under which a file's `use` declarations bring a process builder `Command`
/// into scope: `use std::process::Command;` gives `Command`, `use tokio::process::Command
/// as Cmd;` gives `Cmd`, `use std::process::*;` gives `Command`.
fn process_command_names<'a>(uses: &[Use<'a>]) -> Vec<&'a str> {
    uses.iter()
        .filter_map(|u| match (u.alias, u.path.as_slice()) {
            (Some(alias), [.., "process", "Command"]) => Some(alias),
            (None, [.., "process"]) => Some("Command"),
            _ => None,
        })
        .collect()
}

/// Methods whose arguments are fallbacks for a missing value.
const FALLBACKS: &[&str] = &[
    "unwrap_or",
    "unwrap_or_else",
    "unwrap_or_default",
    "or",
    "or_else",
    "map_or",
    "map_or_else",
    "get_or_insert_with",
];

/// True when the `(` at `open` starts the arguments of a function (not a method, not a
/// setter such as `env::set_var`) whose first argument names an environment variable and
/// is followed by more: `get_env_var("REDIS_URL", "redis://localhost")`.
fn reads_variable(t: &Tokens<'_>, open: usize) -> bool {
    open >= 1
        && t.ident(open - 1).is_some_and(may_read_variable)
        && !(open >= 2 && t.is_punct(open - 2, '.'))
        && t.str_value(open + 1).is_some_and(|v| is_variable_name(&v))
        && t.is_punct(open + 2, ',')
}

/// True when a function given a variable's name and a value may read the variable,
/// with the value as its default: not a setter (`set_var`, `set_env`).
pub fn may_read_variable(function: &str) -> bool {
    !function.starts_with("set")
}

/// An environment variable's name as programs spell it: letters, digits and `_`, upper
/// case, not starting with a digit (`DATABASE_URL`, `APP_JWT_SECRET`).
pub fn is_variable_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && name.starts_with(|c: char| c.is_ascii_uppercase())
}

/// Visit every token from `from` to `to` outside attributes, test-only items and
/// sample-config generators ([`names_sample_config`]), with whether it sits in a
/// fallback: `.unwrap_or(..)` arguments, `impl Default`, the default a variable-reading
/// call is given, and what a function or constant named as a default holds (`fn
/// default_url`, a serde `default =` function; `const DEFAULT_ADDR`).
fn walk_code<F: FnMut(usize, bool)>(
    t: &Tokens<'_>,
    from: usize,
    to: usize,
    fallback: bool,
    visit: &mut F,
) {
    let mut default_body: Option<usize> = None;
    // The end of a constant named as a default, whose value is a fallback.
    let mut default_value_end: Option<usize> = None;
    let mut i = from;
    while i < to {
        if t.attribute(i).is_some() {
            let groups = attribute_groups(t, i, to);
            i = skip_attributes(t, i, to);
            if groups.iter().any(|&open| t.excludes_from_production(open)) {
                i = t.item_end(i, to);
            }
            continue;
        }
        let fallback = fallback || default_value_end.is_some_and(|end| i < end);
        visit(i, fallback);
        match t.kind(i) {
            Some(Kind::Ident) => match t.text(i) {
                "impl" => default_body = default_impl_body(t, i, to),
                "fn" if t.ident(i + 1).is_some_and(names_sample_config) => {
                    i = t.item_end(i, to);
                    continue;
                }
                "fn" if t.ident(i + 1).is_some_and(names_default) => {
                    default_body = body_open(t, i, to);
                }
                "const" | "static" => {
                    let name = if t.is_ident(i + 1, "mut") {
                        i + 2
                    } else {
                        i + 1
                    };
                    if t.ident(name).is_some_and(names_default) {
                        default_value_end = Some(t.item_end(i, to));
                    }
                }
                _ => {}
            },
            Some(Kind::Open(delim)) => {
                let close = t.pair(i);
                let is_fallback = match delim {
                    '(' => {
                        i >= 2
                            && t.is_punct(i - 2, '.')
                            && t.ident(i - 1).is_some_and(|m| FALLBACKS.contains(&m))
                    }
                    '{' => default_body == Some(i),
                    _ => false,
                };
                // `get_env_var("REDIS_URL", "redis://…")`: a function given a variable's
                // name reads it, and what follows is its default.
                if delim == '(' && reads_variable(t, i) {
                    walk_code(t, i + 1, i + 3, fallback, visit);
                    walk_code(t, i + 3, close, true, visit);
                } else {
                    walk_code(t, i + 1, close, fallback || is_fallback, visit);
                }
                visit(close, fallback);
                i = close + 1;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

/// True when an item's name says it holds a default: one of its `_`-separated words is
/// `default`, `defaults` or `fallback` (`default_url`, `DEFAULT_BROKER_ADDRESS`).
fn names_default(name: &str) -> bool {
    name.split('_').any(|word| {
        ["default", "defaults", "fallback"]
            .iter()
            .any(|d| word.eq_ignore_ascii_case(d))
    })
}

/// True when a function's name says it writes out a sample configuration for users to
/// start from (`generate_config`, `example_config`, `sample_settings`): the values in it
/// are an example's, not the program's. Both words are needed (`sample_rate` is not one).
fn names_sample_config(name: &str) -> bool {
    let has = |set: &[&str]| {
        name.split('_')
            .any(|word| set.iter().any(|w| word.eq_ignore_ascii_case(w)))
    };
    has(&["example", "sample", "generate"])
        && has(&[
            "config",
            "configuration",
            "conf",
            "settings",
            "toml",
            "yaml",
        ])
}

/// The `{` of the body of the item (`fn`, `impl`) whose keyword is at `at`; `None` for a
/// declaration without one.
fn body_open(t: &Tokens<'_>, at: usize, to: usize) -> Option<usize> {
    let mut j = at + 1;
    while j < to {
        match t.kind(j)? {
            Kind::Open('{') => return Some(j),
            Kind::Punct(';') | Kind::Close(_) => return None,
            _ => {}
        }
        j = t.next(j);
    }
    None
}

/// The index after the attributes starting at `i`.
pub fn skip_attributes(t: &Tokens<'_>, mut i: usize, to: usize) -> usize {
    while i < to
        && let Some(open) = t.attribute(i)
    {
        i = t.pair(open) + 1;
    }
    i
}

/// The `[` of each attribute from `from` to `to`.
pub fn attribute_groups(t: &Tokens<'_>, from: usize, to: usize) -> Vec<usize> {
    let mut groups = Vec::new();
    let mut i = from;
    while i < to
        && let Some(open) = t.attribute(i)
    {
        groups.push(open);
        i = t.pair(open) + 1;
    }
    groups
}

/// For `impl … Default for … {`, the index of the `{`.
fn default_impl_body(t: &Tokens<'_>, impl_at: usize, to: usize) -> Option<usize> {
    let open = body_open(t, impl_at, to)?;
    let mut j = impl_at + 1;
    while j < open {
        if t.kind(j) == Some(Kind::Ident) && t.text(j) == "for" {
            return (last_ident_before(t, impl_at, j) == "Default").then_some(open);
        }
        j = t.next(j);
    }
    None
}

/// The last identifier among tokens `from..to` outside generic arguments.
fn last_ident_before<'a>(t: &Tokens<'a>, from: usize, to: usize) -> &'a str {
    let mut last = "";
    let mut j = from;
    while j < to {
        if t.is_punct(j, '<') {
            j = t.angle_end(j);
            continue;
        }
        if let Some(name) = t.ident(j) {
            last = name;
        }
        j = t.next(j);
    }
    last
}

/// Identifiers and string literal values mentioned in an expression, lower-cased
/// (`env::var("APP_ENV").as_deref()` → `env`, `var`, `app_env`, `as_deref`).
pub fn expr_words(expr: &syn::Expr) -> Vec<String> {
    struct Words(Vec<String>);
    impl<'ast> Visit<'ast> for Words {
        fn visit_ident(&mut self, i: &'ast proc_macro2::Ident) {
            self.0.push(i.to_string().to_ascii_lowercase());
        }
        fn visit_lit_str(&mut self, l: &'ast syn::LitStr) {
            self.0.push(l.value().to_ascii_lowercase());
        }
    }
    let mut w = Words(Vec::new());
    w.visit_expr(expr);
    w.0
}

/// Words of a switch that turns a daemon mode on (`if config.daemon`,
/// `if matches.get_flag("DAEMONIZE")`, `--background`): the process stays in the
/// foreground unless the deployment asks otherwise.
pub const DAEMON_MODES: &[&str] = &["daemon", "background", "detach"];

/// True when `cond`, the condition of an `if`, switches an optional mode on: a setting
/// that may be absent (`if let Some(dir) = config.log_dir`), or a flag that names one of
/// `modes` (`if config.daemon`, `if matches.get_flag("DAEMONIZE")`) and is not negated.
/// Code under it runs only when the deployment asks for that mode.
pub fn is_opt_in_switch(cond: &syn::Expr, modes: &[&str]) -> bool {
    struct Negated(bool);
    impl<'ast> Visit<'ast> for Negated {
        fn visit_un_op(&mut self, op: &'ast syn::UnOp) {
            self.0 |= matches!(op, syn::UnOp::Not(_));
        }
    }
    if let syn::Expr::Let(l) = cond {
        return matches!(&*l.pat, syn::Pat::TupleStruct(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "Some"));
    }
    let mut negated = Negated(false);
    negated.visit_expr(cond);
    !negated.0
        && expr_words(cond)
            .iter()
            .any(|w| modes.iter().any(|m| w.contains(m)))
}

/// Visit the `if` expression `e` with `v`, counting its then-branch in the depth that
/// `depth` gives when the condition is an opt-in switch for one of `modes`
/// ([`is_opt_in_switch`]): a visitor reports nothing while that depth is above zero.
pub fn visit_if_counting_switches<'ast, V: Visit<'ast>>(
    v: &mut V,
    e: &'ast syn::ExprIf,
    modes: &[&str],
    depth: fn(&mut V) -> &mut usize,
) {
    let switch = usize::from(is_opt_in_switch(&e.cond, modes));
    v.visit_expr(&e.cond);
    *depth(v) += switch;
    v.visit_block(&e.then_branch);
    *depth(v) -= switch;
    if let Some((_, other)) = &e.else_branch {
        v.visit_expr(other);
    }
}

/// The last path segment of a call's function (`Command::new` → `new`, with its path).
pub fn call_path(call: &syn::ExprCall) -> Option<Vec<String>> {
    match &*call.func {
        syn::Expr::Path(p) => Some(
            p.path
                .segments
                .iter()
                .map(|s| s.ident.to_string())
                .collect(),
        ),
        _ => None,
    }
}

/// Methods that hand a string literal on unchanged (`"x".into()`), for both readers of
/// literals: [`literal_str`] on syntax trees and the token-level one of `model::flow`.
pub const LITERAL_PASSING_METHODS: [&str; 5] =
    ["into", "to_string", "to_owned", "as_str", "as_ref"];

/// Macros whose first literal is the template of the string they make.
pub const LITERAL_TEMPLATE_MACROS: [&str; 2] = ["format", "concat"];

/// True for `Type::function` calls that wrap a string literal (`String::from("x")`,
/// `Path::new("x")`), given the last two segments of the path.
pub fn wraps_literal(ty: &str, function: &str) -> bool {
    matches!(
        (ty, function),
        ("String" | "PathBuf" | "OsString", "from") | ("Path" | "OsStr", "new")
    )
}

/// The string literal an expression stands for, looking through `&`, parentheses,
/// [`LITERAL_PASSING_METHODS`], [`wraps_literal`] constructors and
/// [`LITERAL_TEMPLATE_MACROS`] (their first literal, the template).
pub fn literal_str(expr: &syn::Expr) -> Option<StrLit> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        }) => Some(StrLit::new(s, false)),
        syn::Expr::Reference(r) => literal_str(&r.expr),
        syn::Expr::Paren(p) => literal_str(&p.expr),
        syn::Expr::Group(g) => literal_str(&g.expr),
        syn::Expr::MethodCall(m)
            if m.args.is_empty()
                && LITERAL_PASSING_METHODS.contains(&m.method.to_string().as_str()) =>
        {
            literal_str(&m.receiver)
        }
        syn::Expr::Call(call) if call.args.len() == 1 => {
            let path = call_path(call)?;
            let wraps =
                path.len() >= 2 && wraps_literal(&path[path.len() - 2], &path[path.len() - 1]);
            if wraps {
                literal_str(&call.args[0])
            } else {
                None
            }
        }
        syn::Expr::Macro(m) => {
            let name = m.mac.path.segments.last()?.ident.to_string();
            if !LITERAL_TEMPLATE_MACROS.contains(&name.as_str()) {
                return None;
            }
            match m.mac.tokens.clone().into_iter().next()? {
                TokenTree::Literal(l) => match syn::Lit::new(l) {
                    syn::Lit::Str(s) => Some(StrLit::new(&s, false)),
                    _ => None,
                },
                _ => None,
            }
        }
        _ => None,
    }
}

/// The file span of a call's function path (`nix::unistd::fork` in `nix::unistd::fork()`).
pub fn call_path_span(call: &syn::ExprCall) -> Option<Range<usize>> {
    let syn::Expr::Path(p) = &*call.func else {
        return None;
    };
    let first = span_range(p.path.segments.first()?.ident.span());
    let last = span_range(p.path.segments.last()?.ident.span());
    Some(first.start..last.end)
}

/// True when `path` ends with `suffix` (`[.., "File", "create"]`).
pub fn path_ends_with(path: &[String], suffix: &[&str]) -> bool {
    path.len() >= suffix.len()
        && path[path.len() - suffix.len()..]
            .iter()
            .zip(suffix)
            .all(|(a, b)| a == b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_test_code_and_finds_literals_in_macros() {
        let src = "#!/usr/bin/env run-cargo-script\n/// doc \"x\"\nfn main() { let a = \"one\"; println!(\"two {}\", a); }\n#[cfg(test)]\nmod tests { const S: &str = \"three\"; }\n#[test]\nfn t() { let _ = \"four\"; }\n";
        let tokens = crate::parse::lex::lex(src).unwrap();
        let lits = string_literals(&tokens);
        let values: Vec<_> = lits.iter().map(|l| l.value.as_str()).collect();
        assert_eq!(values, ["one", "two {}"]);
        assert_eq!(&src[lits[0].span.clone()], "\"one\"");
        assert_eq!(&src[lits[1].sub_span(src, 0..3)], "two");
    }

    #[test]
    fn sample_config_generators_hold_no_values() {
        let src = "impl GenerateConfig for Sink {\n    fn generate_config() -> toml::Value {\n        toml::from_str(r#\"servers = \"10.14.22.123:9092\"\"#).unwrap()\n    }\n}\nfn sample_rate() -> &'static str { \"kept\" }\nfn connect() { let _ = \"10.0.0.5\"; }\n";
        let tokens = crate::parse::lex::lex(src).unwrap();
        let values: Vec<_> = string_literals(&tokens)
            .into_iter()
            .map(|l| l.value)
            .collect();
        assert_eq!(values, ["kept", "10.0.0.5"]);
        assert!(names_sample_config("example_config"));
        assert!(names_sample_config("generate_config"));
        assert!(!names_sample_config("generate_token"));
        assert!(!names_sample_config("sample_rate"));
    }

    #[test]
    fn test_support_features_are_test_code() {
        let src = "#[cfg(feature = \"test_mode\")]\nconst A: &str = \"a\";\n#[cfg(all(unix, feature = \"test-utils\"))]\nconst B: &str = \"b\";\n#[cfg(feature = \"postgres\")]\nconst C: &str = \"c\";\n#[cfg(not(feature = \"test_mode\"))]\nconst D: &str = \"d\";\n";
        let file = parse(src).unwrap();
        let kept: Vec<String> = file
            .items
            .iter()
            .filter_map(|item| match item {
                syn::Item::Const(c) => Some(c.ident.to_string()),
                _ => None,
            })
            .collect();
        assert_eq!(kept, ["C", "D"]);
        let tokens = crate::parse::lex::lex(src).unwrap();
        let values: Vec<_> = string_literals(&tokens)
            .into_iter()
            .map(|l| l.value)
            .collect();
        assert_eq!(values, ["c", "d"]);
    }

    #[test]
    fn command_resolves_through_use_declarations() {
        let programs = |src: &str| -> Vec<String> {
            let tokens = crate::parse::lex::lex(src).unwrap();
            commands(&tokens, &crate::parse::uses::uses(&tokens))
                .into_iter()
                .map(|(p, _)| p)
                .collect()
        };
        let std = "use std::process::{Command, Stdio};\nfn f() { Command::new(\"git\"); }\n";
        assert_eq!(programs(std), ["git"]);
        let nested =
            "use std::{io, process::{Stdio, Command}};\nfn f() { Command::new(\"git\"); }\n";
        assert_eq!(programs(nested), ["git"]);
        let alias = "use tokio::process::Command as Cmd;\nfn f() { Cmd::new(\"ffmpeg\"); }\n";
        assert_eq!(programs(alias), ["ffmpeg"]);
        let glob = "use std::process::*;\nfn f() { Command::new(\"sh\"); }\n";
        assert_eq!(programs(glob), ["sh"]);
        let qualified =
            "fn f() { std::process::Command::new(\"git\"); process::Command::new(\"tar\"); }\n";
        assert_eq!(programs(qualified), ["git", "tar"]);
        // clap's builder and unresolved names run nothing.
        let clap = "use clap::{Arg, Command};\nfn cli() -> Command { Command::new(\"serve\") }\n";
        assert!(programs(clap).is_empty());
        let clap_path = "fn cli() { clap::Command::new(\"serve\"); }\n";
        assert!(programs(clap_path).is_empty());
        let unresolved = "fn f() { Command::new(\"git\"); }\n";
        assert!(programs(unresolved).is_empty());
        let duct = "fn f() { cmd!(\"git status\"); }\n";
        assert_eq!(programs(duct), ["git"]);
    }

    #[test]
    fn parse_error_has_offset() {
        let Err(err) = parse("fn main() {\n  let = ;\n}\n") else {
            panic!("must fail")
        };
        assert!(err.offset >= 12, "{err:?}");
    }

    #[test]
    fn blanking_keeps_offsets_lines_and_utf8() {
        let src = "fn a() { \"é\" }\n// ü\nfn b() {}\n";
        let b = src.find("fn b").unwrap();
        let kept = blank_outside(
            src,
            &[Range {
                start: b,
                end: src.len() - 1,
            }],
        );
        assert_eq!(kept.len(), src.len());
        assert_eq!(&kept[b..], &src[b..]);
        assert_eq!(kept.matches('\n').count(), 3);
        let tree = parse(&kept).unwrap();
        assert_eq!(tree.items.len(), 1);
    }
}
