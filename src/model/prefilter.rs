//! Declared prefilters: when a Rust file gets a syntax tree.
//!
//! Building a `syn` tree costs far more than lexing, so a rule (or fact extractor) that
//! reads the tree declares, in its metadata, what the file's tokens must hold for the tree
//! to be worth building ([`Prefilter`]). The engine decides every rule's admission from one
//! pass over the identifier tokens ([`Table::scan`]); a rule that is not admitted gets no
//! tree from [`crate::model::source::SourceFile::rust`]. Identifiers are matched whole, so `serve`
//! does not match `reserved`, and tokens in comments never match.
//!
//! A prefilter must be a necessary condition of every finding the rule reads from the tree:
//! each identifier a tree visitor compares with appears as an identifier token of the file.

use std::collections::HashMap;

use crate::parse::lex::{Kind, Tokens};

/// What a Rust file must hold for a rule to get its syntax tree.
#[derive(Debug, Clone, Copy)]
pub enum Prefilter {
    /// The rule reads no syntax tree.
    NoTree,
    /// Identifier terms, any of which admits the file. A term is groups joined by ` + `,
    /// each group alternatives joined by `|`; the term holds when every group has an
    /// alternative among the file's identifier tokens (`"File|OpenOptions + writer|chain"`).
    Idents(&'static [&'static str]),
    /// Some string literal of the file (outside attributes and test code) passes this test.
    Literals(fn(&str) -> bool),
    /// The file's tokens pass this exact test (for conditions that are not whole words).
    Tokens(fn(&Tokens<'_>) -> bool),
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
    Terms(Vec<Vec<Bits>>),
    Literals(fn(&str) -> bool),
    Tokens(fn(&Tokens<'_>) -> bool),
}

/// The trigger words of a set of prefilters, and each prefilter compiled against them.
pub struct Table {
    /// Trigger words by (first byte, length) bucket, with their bit.
    buckets: HashMap<(u8, usize), Vec<(&'static str, Bits)>>,
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
            if let Prefilter::Idents(terms) = p {
                for w in words(terms) {
                    let next = bit_of.len();
                    assert!(next < 128, "more than 128 prefilter words");
                    bit_of.entry(w).or_insert(1 << next);
                }
            }
        }
        let mut buckets: HashMap<(u8, usize), Vec<(&'static str, Bits)>> = HashMap::new();
        let mut by_first = [0u64; 256];
        for (&w, &bit) in &bit_of {
            let first = w.as_bytes()[0];
            buckets.entry((first, w.len())).or_default().push((w, bit));
            by_first[first as usize] |= 1 << w.len().min(63);
        }
        let compiled = prefilters
            .iter()
            .map(|p| match p {
                Prefilter::NoTree => Compiled::NoTree,
                Prefilter::Literals(f) => Compiled::Literals(*f),
                Prefilter::Tokens(f) => Compiled::Tokens(*f),
                Prefilter::Idents(terms) => Compiled::Terms(
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
                        .collect(),
                ),
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

    /// The trigger words among `tokens`' identifiers, as bits: one pass over the tokens.
    pub fn scan(&self, tokens: &Tokens<'_>) -> Bits {
        let mut bits = 0;
        for (i, tok) in tokens.toks.iter().enumerate() {
            if tok.kind != Kind::Ident {
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

    /// True when prefilter `index` admits a file whose trigger words are `bits`, whose
    /// tokens are `tokens` and whose string literals are `literals` (read only for a
    /// literal prefilter).
    pub fn admits<'l>(
        &self,
        index: usize,
        bits: Bits,
        tokens: &Tokens<'_>,
        literals: impl FnOnce() -> &'l [crate::parse::rust::StrLit],
    ) -> bool {
        match &self.compiled[index] {
            Compiled::NoTree => false,
            Compiled::All => true,
            Compiled::Terms(terms) => terms
                .iter()
                .any(|groups| groups.iter().all(|g| bits & g != 0)),
            Compiled::Literals(f) => literals().iter().any(|l| f(&l.value)),
            Compiled::Tokens(f) => f(tokens),
        }
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
            table.admits(i, table.scan(&t), &t, || &[])
        };
        assert!(!admits("fn reserved() { preserve(); } // serve", 0));
        assert!(!admits("const S: &str = \"serve\";", 0));
        assert!(admits("fn f() { warp::serve(r) }", 0));
        assert!(admits("fn f() { r#serve() }", 0));
        assert!(!admits("fn f() { File::open(p) }", 1));
        assert!(admits("fn f() { x.chain(File::open(p)) }", 1));
        assert!(!admits("fn serve() {}", 2));
    }
}
