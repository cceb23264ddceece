//! Declared prefilters: when a Rust file gets a syntax tree.
//!
//! Building a `syn` tree costs far more than lexing, so a rule (or fact extractor) that
//! reads the tree declares, in its metadata, what the file's tokens must hold for the tree
//! to be worth building ([`Prefilter`]). The engine decides every rule's admission from one
//! pass over the identifier tokens ([`Table::scan`]); a rule that is not admitted gets no
//! tree from [`crate::model::source::SourceFile::rust`]. Identifiers are matched whole, so `serve`
//! does not match `reserved`, and tokens in comments never match.
//!
//! A prefilter must be a necessary condition of every finding the rule reads from the tree,
//! held by the top-level item (a `fn`, `impl`, `mod`, `static`…) the finding is in: each
//! identifier a tree visitor compares with appears as an identifier token of that item. The
//! tree is then built from the admitted items only ([`Table::select`]): the others are blanked
//! to spaces, so byte offsets stay those of the file. A rule that follows names to the
//! constants and helper functions of the file declares [`Prefilter::IdentsWithValues`]:
//! an admitted file also keeps those items.

use std::collections::HashMap;

use std::ops::Range;

use crate::parse::lex::{Kind, Tokens};
use crate::parse::rust::StrLit;

/// What a Rust file must hold for a rule to get its syntax tree.
#[derive(Debug, Clone, Copy)]
pub enum Prefilter {
    /// The rule reads no syntax tree.
    NoTree,
    /// Identifier terms, any of which admits the file. A term is groups joined by ` + `,
    /// each group alternatives joined by `|`; the term holds when every group has an
    /// alternative among the file's identifier tokens (`"File|OpenOptions + writer|chain"`).
    Idents(&'static [&'static str]),
    /// Like `Idents`, and a file with the terms also keeps its value items, which hold no
    /// trigger but may be named by one: top-level `const` and `static` items, functions
    /// without parameters and inline modules.
    IdentsWithValues(&'static [&'static str]),
    /// Some string literal of the file (outside attributes and test code) passes this test.
    Literals(fn(&str) -> bool),
    /// The tokens of an item (the token index range) pass this exact test (for conditions
    /// that are not whole words). The test runs only on items that hold one of the
    /// identifier terms (written as for `Idents`); with no terms, on every item.
    Tokens(
        &'static [&'static str],
        fn(&Tokens<'_>, Range<usize>) -> bool,
    ),
}

impl Prefilter {
    fn terms(&self) -> Option<&'static [&'static str]> {
        match self {
            Prefilter::Idents(terms)
            | Prefilter::IdentsWithValues(terms)
            | Prefilter::Tokens(terms, _) => Some(terms),
            _ => None,
        }
    }
}

/// The identifier words of a prefilter's terms.
fn words(terms: &'static [&'static str]) -> impl Iterator<Item = &'static str> {
    terms
        .iter()
        .flat_map(|t| t.split('+'))
        .flat_map(|g| g.split('|'))
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// One bit per distinct trigger word.
type Bits = u128;

/// A compiled prefilter: for `Idents`, terms of group masks.
enum Compiled {
    NoTree,
    /// Admits every file.
    All,
    /// Terms of group masks; `true` when an admitted file keeps its value items.
    Terms(Vec<Vec<Bits>>, bool),
    Literals(fn(&str) -> bool),
    /// Terms of group masks an item must hold (none: every item), then the test.
    Tokens(Vec<Vec<Bits>>, fn(&Tokens<'_>, Range<usize>) -> bool),
}

/// True for an item (its tokens after the attributes, `from..to`) that a name may lead
/// to: a `const` or `static` item, a function without parameters, an inline module.
fn is_value_item(t: &Tokens<'_>, from: usize, to: usize) -> bool {
    let Some(k) = t.item_keyword(from, to) else {
        return false;
    };
    match t.ident(k) {
        Some("const" | "static") => true,
        Some("mod") => t.is_open(k + 2, '{'),
        Some("fn") => (k + 2..to)
            .find(|&j| t.is_open(j, '('))
            .is_some_and(|open| t.pair(open) == open + 1),
        _ => false,
    }
}

/// True when some term has every group among `bits`.
fn holds(terms: &[Vec<Bits>], bits: Bits) -> bool {
    terms
        .iter()
        .any(|groups| groups.iter().all(|g| bits & g != 0))
}

/// The top-level items of a Rust file (test code left out) and the trigger words each holds.
pub struct Items {
    /// Token index ranges, in order; inner attributes at the start of the file are not items.
    tokens: Vec<Range<usize>>,
    bits: Vec<Bits>,
    /// Whether each item is a value item ([`Prefilter::IdentsWithValues`]).
    values: Vec<bool>,
    /// True when test items were left out.
    left_out: bool,
}

/// Which items of a file each prefilter admits, and the union the tree is built from.
pub struct Selection {
    /// By prefilter index: whether it admits some item.
    admitted: Vec<bool>,
    /// Byte ranges the tree is built from; `None` for the whole file.
    pub kept: Option<Vec<Range<usize>>>,
}

impl Selection {
    /// True when prefilter `index` admits some item, so its rule reads the tree.
    pub fn admits(&self, index: usize) -> bool {
        self.admitted.get(index).copied().unwrap_or(false)
    }
}

/// The trigger words of a set of prefilters, and each prefilter compiled against them.
pub struct Table {
    /// Trigger words by (first byte, length) bucket, with their bit (looked up for many
    /// identifiers of every file: a fast hash).
    buckets: foldhash::HashMap<(u8, usize), Vec<(&'static str, Bits)>>,
    /// Quick rejection: bit `len` of `by_first[first byte]` is set when some word has that
    /// first byte and length (lengths over 63 share bit 63).
    by_first: [u64; 256],
    compiled: Vec<Compiled>,
}

impl Table {
    /// Compile `prefilters` (looked up later by their index in this list).
    ///
    /// # Panics
    /// When the prefilters name more than 128 distinct words.
    pub fn new(prefilters: &[Prefilter]) -> Table {
        let mut bit_of: HashMap<&'static str, Bits> = HashMap::new();
        for p in prefilters {
            if let Some(terms) = p.terms() {
                for w in words(terms) {
                    let next = bit_of.len();
                    assert!(next < 128, "more than 128 prefilter words");
                    bit_of.entry(w).or_insert(1 << next);
                }
            }
        }
        let mut buckets: foldhash::HashMap<(u8, usize), Vec<(&'static str, Bits)>> =
            foldhash::HashMap::default();
        let mut by_first = [0u64; 256];
        for (&w, &bit) in &bit_of {
            let first = w.as_bytes()[0];
            buckets.entry((first, w.len())).or_default().push((w, bit));
            by_first[first as usize] |= 1 << w.len().min(63);
        }
        let compile = |terms: &[&str]| -> Vec<Vec<Bits>> {
            terms
                .iter()
                .map(|t| {
                    t.split('+')
                        .map(|g| {
                            g.split('|')
                                .map(str::trim)
                                .filter(|w| !w.is_empty())
                                .map(|w| bit_of[w])
                                .fold(0, |a, b| a | b)
                        })
                        .collect()
                })
                .collect()
        };
        let compiled = prefilters
            .iter()
            .map(|p| match p {
                Prefilter::NoTree => Compiled::NoTree,
                Prefilter::Literals(f) => Compiled::Literals(*f),
                Prefilter::Tokens(terms, f) => Compiled::Tokens(compile(terms), *f),
                Prefilter::Idents(terms) | Prefilter::IdentsWithValues(terms) => {
                    Compiled::Terms(compile(terms), matches!(p, Prefilter::IdentsWithValues(_)))
                }
            })
            .collect();
        Table {
            buckets,
            by_first,
            compiled,
        }
    }

    /// Like [`Table::new`], but a prefilter other than `NoTree` admits every file: a rule
    /// then reads a syntax tree of every Rust file, so its output shows what its prefilter
    /// would have hidden.
    pub fn admitting_all(prefilters: &[Prefilter]) -> Table {
        let mut table = Table::new(prefilters);
        for c in &mut table.compiled {
            if !matches!(c, Compiled::NoTree) {
                *c = Compiled::All;
            }
        }
        table
    }

    /// The top-level items of `tokens` and the trigger words of each: one pass over the tokens.
    pub fn items(&self, tokens: &Tokens<'_>) -> Items {
        let end = tokens.len();
        let mut i = 0;
        while let Some(open) = tokens.attribute(i).filter(|_| tokens.is_punct(i + 1, '!')) {
            i = tokens.pair(open) + 1;
        }
        let mut items = Items {
            tokens: Vec::new(),
            bits: Vec::new(),
            values: Vec::new(),
            left_out: false,
        };
        while i < end {
            let start = i;
            let mut test = false;
            while let Some(open) = tokens.attribute(i) {
                test |= tokens.marks_test_code(open);
                i = tokens.pair(open) + 1;
            }
            let stop = tokens.item_end(i, end).max(i + 1).min(end).max(start + 1);
            // Test code is stripped from the tree: it never needs one.
            if test {
                items.left_out = true;
            } else {
                items.bits.push(self.scan(tokens, start..stop));
                items.values.push(is_value_item(tokens, i, stop));
                items.tokens.push(start..stop);
            }
            i = stop;
        }
        items
    }

    /// The trigger words among the identifiers of `range`, as bits.
    fn scan(&self, tokens: &Tokens<'_>, range: Range<usize>) -> Bits {
        let mut bits = 0;
        for i in range {
            if tokens.kind(i) != Some(Kind::Ident) {
                continue;
            }
            let text = tokens.text(i);
            let text = text.strip_prefix("r#").unwrap_or(text);
            let first = text.as_bytes()[0];
            if self.by_first[first as usize] & (1 << text.len().min(63)) == 0 {
                continue;
            }
            if let Some(list) = self.buckets.get(&(first, text.len())) {
                for (w, bit) in list {
                    if *w == text {
                        bits |= bit;
                    }
                }
            }
        }
        bits
    }

    /// Which items of a file (`items` of `tokens`, whose string literals are `literals`)
    /// each prefilter admits, and the byte ranges its tree is built from: the union of
    /// admitted items, the inner attributes before them, or the whole file when a
    /// prefilter asks for it.
    pub fn select<'l>(
        &self,
        items: &Items,
        tokens: &Tokens<'_>,
        literals: impl Fn() -> &'l [StrLit],
    ) -> Selection {
        let mut kept = vec![false; items.tokens.len()];
        let mut whole = false;
        let mut values = false;
        let admitted = self
            .compiled
            .iter()
            .map(|c| {
                let mut any = false;
                for (k, range) in items.tokens.iter().enumerate() {
                    let bytes = || tokens.span(range.start).start..tokens.span(range.end - 1).end;
                    let admits = match c {
                        Compiled::NoTree => false,
                        Compiled::All => true,
                        Compiled::Terms(terms, _) => holds(terms, items.bits[k]),
                        Compiled::Literals(f) => {
                            let b = bytes();
                            let literals = literals();
                            let first = literals.partition_point(|l| l.span.start < b.start);
                            literals[first..]
                                .iter()
                                .take_while(|l| l.span.start < b.end)
                                .any(|l| f(&l.value))
                        }
                        Compiled::Tokens(terms, f) => {
                            (terms.is_empty() || holds(terms, items.bits[k]))
                                && f(tokens, range.clone())
                        }
                    };
                    kept[k] |= admits;
                    any |= admits;
                }
                whole |= any && matches!(c, Compiled::All);
                values |= any && matches!(c, Compiled::Terms(_, true));
                any
            })
            .collect();
        if values {
            for (k, value) in kept.iter_mut().zip(&items.values) {
                *k |= value;
            }
        }
        let kept = (!whole && (items.left_out || kept.iter().any(|k| !k))).then(|| {
            let first = items.tokens.first().map_or(0, |r| r.start);
            let preamble = (first > 0).then(|| 0..tokens.span(first - 1).end);
            preamble
                .into_iter()
                .chain(
                    items
                        .tokens
                        .iter()
                        .zip(&kept)
                        .filter(|(_, k)| **k)
                        .map(|(r, _)| tokens.span(r.start).start..tokens.span(r.end - 1).end),
                )
                .collect()
        });
        Selection { admitted, kept }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::lex::lex;

    #[test]
    fn whole_identifiers_and_terms() {
        let table = Table::new(&[
            Prefilter::Idents(&["serve", "TcpListener"]),
            Prefilter::Idents(&["File|OpenOptions + writer|chain"]),
            Prefilter::NoTree,
        ]);
        let admits = |src: &str, i: usize| {
            let t = lex(src).unwrap();
            table.select(&table.items(&t), &t, || &[]).admits(i)
        };
        assert!(!admits("fn reserved() { preserve(); } // serve", 0));
        assert!(!admits("const S: &str = \"serve\";", 0));
        assert!(admits("fn f() { warp::serve(r) }", 0));
        assert!(admits("fn f() { r#serve() }", 0));
        assert!(!admits("fn f() { File::open(p) }", 1));
        assert!(admits("fn f() { x.chain(File::open(p)) }", 1));
        assert!(!admits("fn serve() {}", 2));
    }

    #[test]
    fn a_tree_is_built_from_the_items_holding_triggers() {
        let table = Table::new(&[
            Prefilter::Idents(&["File + create"]),
            Prefilter::IdentsWithValues(&["serve"]),
            Prefilter::Tokens(&[], |t, item| {
                item.into_iter().any(|i| t.is_ident(i, "fork"))
            }),
        ]);
        let src = "#![allow(x)]\nuse std::fs::File;\n#[inline]\nfn a() { File::create(\"/d\"); }\nfn b() { fork(); }\nstruct C;\n#[cfg(test)]\nmod tests { fn t() { File::create(\"/x\"); } }\n";
        let t = lex(src).unwrap();
        let selection = table.select(&table.items(&t), &t, || &[]);
        assert!(selection.admits(0) && !selection.admits(1) && selection.admits(2));
        let kept: Vec<&str> = selection
            .kept
            .unwrap()
            .iter()
            .map(|r| &src[r.clone()])
            .collect();
        assert_eq!(
            kept,
            [
                "#![allow(x)]",
                "#[inline]\nfn a() { File::create(\"/d\"); }",
                "fn b() { fork(); }"
            ]
        );
        let values = "fn a(p: &str) { File::create(p) }\nconst P: u16 = 1;\npub(crate) static H: &str = \"h\";\nfn port() -> u16 { P }\nfn other(x: u8) {}\nmod config { pub const Q: u16 = 2; }\nimpl C { fn f() {} }\nfn s() { serve(port()) }";
        let t = lex(values).unwrap();
        let selection = table.select(&table.items(&t), &t, || &[]);
        assert!(selection.admits(0) && selection.admits(1));
        let kept: Vec<&str> = selection
            .kept
            .unwrap()
            .iter()
            .map(|r| &values[r.clone()])
            .collect();
        assert_eq!(
            kept,
            [
                "fn a(p: &str) { File::create(p) }",
                "const P: u16 = 1;",
                "pub(crate) static H: &str = \"h\";",
                "fn port() -> u16 { P }",
                "mod config { pub const Q: u16 = 2; }",
                "fn s() { serve(port()) }"
            ],
            "the value items of an admitted file are kept"
        );
    }
}
