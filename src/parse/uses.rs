//! `use` declarations: which path each name a file brings into scope stands for.
//!
//! `use a::b::{self, c as d, e::*};` gives `b → a::b`, `d → a::b::c` and a glob
//! over `a::b::e`. Paths keep `crate`, `self` and `super` as written; the
//! resolver (`model::names`) anchors them to the file's module.

use crate::parse::lex::{Kind, Tokens};

/// A hashed identifier (FNV-1a), for resolving calls by name.
pub type Sym = u64;

/// The hash of an identifier.
pub fn sym(name: &str) -> Sym {
    name.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// One name a `use` declaration brings into scope, or one glob.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The local name (`None` for a glob).
    pub alias: Option<Sym>,
    /// The path it stands for; for a glob, the path whose items it brings in.
    pub path: Box<[Sym]>,
}

/// One name a `use` declaration brings into scope, as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Use<'a> {
    /// The local name (`None` for a glob).
    pub alias: Option<&'a str>,
    /// The path it stands for; for a glob, the path whose items it brings in.
    pub path: Vec<&'a str>,
}

impl Use<'_> {
    /// The hashed form kept in a file's facts.
    pub fn import(&self) -> Import {
        Import {
            alias: self.alias.map(sym),
            path: self.path.iter().map(|s| sym(s)).collect(),
        }
    }
}

/// Every `use` declaration of a file, at any depth (modules, function bodies).
pub fn uses<'a>(t: &Tokens<'a>) -> Vec<Use<'a>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < t.len() {
        // An item kept out of production (`#[cfg(test)] mod tests { use .. }`) brings
        // nothing into the production code's scope.
        if let Some(after) = t.excluded_item_end(i, t.len()) {
            i = after.max(i + 1);
            continue;
        }
        if t.is_ident(i, "use") && is_use_item(t, i) {
            let end = (i + 1..t.len())
                .find(|&j| t.is_punct(j, ';'))
                .unwrap_or(t.len());
            tree(t, i + 1, end, &mut Vec::new(), &mut out);
            i = end;
        }
        i += 1;
    }
    out
}

/// True when the `use` at `i` starts a declaration (not a field or a macro fragment
/// named `use`): it follows a statement boundary, an attribute or a visibility.
fn is_use_item(t: &Tokens<'_>, i: usize) -> bool {
    if i == 0 {
        return true;
    }
    let prev = i - 1;
    matches!(
        t.kind(prev),
        Some(Kind::Punct(';') | Kind::Open('{') | Kind::Close('}' | ')' | ']'))
    ) || t.is_ident(prev, "pub")
}

/// The use tree in tokens `from..to`, below the path `prefix`.
fn tree<'a>(
    t: &Tokens<'a>,
    from: usize,
    to: usize,
    prefix: &mut Vec<&'a str>,
    out: &mut Vec<Use<'a>>,
) {
    let depth = prefix.len();
    let mut i = from;
    if t.is_joint(i, ':', ':') {
        i += 2;
    }
    while i < to {
        if t.is_open(i, '{') {
            let close = t.pair(i).min(to);
            let mut start = i + 1;
            let mut j = i + 1;
            while j < close {
                if t.is_punct(j, ',') {
                    tree(t, start, j, prefix, out);
                    start = j + 1;
                    j += 1;
                } else {
                    j = t.next(j);
                }
            }
            tree(t, start, close, prefix, out);
            break;
        }
        if t.is_punct(i, '*') {
            out.push(Use {
                alias: None,
                path: prefix.clone(),
            });
            break;
        }
        let Some(name) = t.ident(i) else { break };
        if t.is_joint(i + 1, ':', ':') {
            prefix.push(name);
            i += 3;
            continue;
        }
        let renamed = t.is_ident(i + 1, "as").then(|| t.ident(i + 2));
        if renamed == Some(Some("_")) {
            break;
        }
        let mut path = prefix.clone();
        if name != "self" {
            path.push(name);
        }
        let alias = renamed.flatten().or(path.last().copied());
        if alias.is_some() {
            out.push(Use { alias, path });
        }
        break;
    }
    prefix.truncate(depth);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lex::lex;

    fn read(src: &str) -> Vec<(Option<Sym>, Vec<Sym>)> {
        let t = lex(src).expect("lexes");
        uses(&t)
            .iter()
            .map(|u| {
                let i = u.import();
                (i.alias, i.path.to_vec())
            })
            .collect()
    }

    fn p(segments: &[&str]) -> Vec<Sym> {
        segments.iter().map(|s| sym(s)).collect()
    }

    #[test]
    fn simple_renamed_grouped_and_glob_imports() {
        let got = read(
            "use std::process::Command;\n\
             pub use crate::db::{self, Pool as DbPool, migrate::*};\n\
             use ::tokio::process::Command as Cmd;\n\
             use serde::Deserialize as _;\n\
             fn f() { use super::x::y; }",
        );
        assert_eq!(
            got,
            vec![
                (Some(sym("Command")), p(&["std", "process", "Command"])),
                (Some(sym("db")), p(&["crate", "db"])),
                (Some(sym("DbPool")), p(&["crate", "db", "Pool"])),
                (None, p(&["crate", "db", "migrate"])),
                (Some(sym("Cmd")), p(&["tokio", "process", "Command"])),
                (Some(sym("y")), p(&["super", "x", "y"])),
            ]
        );
    }

    #[test]
    fn nested_groups_and_use_as_a_field_name() {
        let got =
            read("use a::{b::{c, d as e}, f};\nstruct S { r#use: u8 }\nfn g(s: S) { s.use; }");
        assert_eq!(
            got,
            vec![
                (Some(sym("c")), p(&["a", "b", "c"])),
                (Some(sym("e")), p(&["a", "b", "d"])),
                (Some(sym("f")), p(&["a", "f"])),
            ]
        );
    }

    #[test]
    fn imports_under_attributes() {
        let got = read(
            "#[cfg(feature = \"server\")]\nuse server::run_server;\n\
             #[allow(unused)] pub use a::b;\n\
             #[cfg(test)]\nuse tests::helper;",
        );
        assert_eq!(
            got,
            vec![
                (Some(sym("run_server")), p(&["server", "run_server"])),
                (Some(sym("b")), p(&["a", "b"])),
            ]
        );
    }
}
