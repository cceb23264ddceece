//! A fast Rust lexer: the token-level view every Rust file gets.
//!
//! Rules that only need tokens (string literals, call sites, the run-time facts
//! of [`crate::model::flow`]) read this flat token list; the full `syn` tree is
//! built only for files a rule actually needs it for. Tokens borrow nothing and
//! allocate nothing but the list: each is a kind and a byte range, and each
//! bracket knows its partner, so a reader skips a group in one step.

use std::borrow::Cow;
use std::ops::Range;

use crate::parse::cfg::FeatureCfg;
use crate::parse::guard::{MAX_NESTING, MAX_OPERATOR_RUN, too_deep_message};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An identifier or keyword (`r#type` included).
    Ident,
    /// `'a`, `'static`.
    Lifetime,
    /// `"…"`: a string literal with escapes.
    Str,
    /// `r"…"`, `r#"…"#`: a raw string literal.
    RawStr,
    /// Any other literal: numbers, chars, byte and C strings.
    OtherLit,
    /// One punctuation character (`::` is two tokens, as in `proc-macro2`).
    Punct(char),
    /// `(`, `[` or `{`; `pair` is the index of its closing token.
    Open(char),
    /// `)`, `]` or `}`; `pair` is the index of its opening token.
    Close(char),
}

/// One token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tok {
    pub kind: Kind,
    pub start: u32,
    pub end: u32,
    /// For brackets, the index of the partner bracket; otherwise unused.
    pub pair: u32,
}

/// A lexed file.
pub struct Tokens<'a> {
    pub text: &'a str,
    pub toks: Vec<Tok>,
}

/// Why a file could not be lexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexError {
    pub offset: usize,
    pub message: String,
}

impl<'a> Tokens<'a> {
    /// The number of tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// True for a file without tokens.
    pub fn is_empty(&self) -> bool {
        self.toks.is_empty()
    }

    /// The kind of token `i`, `None` past the end.
    pub fn kind(&self, i: usize) -> Option<Kind> {
        self.toks.get(i).map(|t| t.kind)
    }

    /// The source text of token `i`.
    pub fn text(&self, i: usize) -> &'a str {
        let t = &self.toks[i];
        &self.text[t.start as usize..t.end as usize]
    }

    /// The byte range of token `i`.
    pub fn span(&self, i: usize) -> Range<usize> {
        let t = &self.toks[i];
        t.start as usize..t.end as usize
    }

    /// The index of the token that starts at byte `offset`.
    pub fn at(&self, offset: usize) -> Option<usize> {
        let offset = u32::try_from(offset).ok()?;
        self.toks.binary_search_by_key(&offset, |t| t.start).ok()
    }

    /// The index of the first token that starts at or after byte `offset` (`len()` when
    /// none does).
    pub fn first_from(&self, offset: usize) -> usize {
        let offset = u32::try_from(offset).unwrap_or(u32::MAX);
        self.toks.partition_point(|t| t.start < offset)
    }

    /// True when token `i` is the identifier `name`.
    pub fn is_ident(&self, i: usize, name: &str) -> bool {
        self.kind(i) == Some(Kind::Ident) && self.text(i) == name
    }

    /// The identifier at `i`, if it is one (`r#` removed).
    pub fn ident(&self, i: usize) -> Option<&'a str> {
        (self.kind(i) == Some(Kind::Ident)).then(|| {
            let t = self.text(i);
            t.strip_prefix("r#").unwrap_or(t)
        })
    }

    /// True when token `i` is the punctuation `c`.
    pub fn is_punct(&self, i: usize, c: char) -> bool {
        self.kind(i) == Some(Kind::Punct(c))
    }

    /// True when tokens `i` and `i + 1` are `a` and `b` written together (`::`, `=>`, `->`).
    pub fn is_joint(&self, i: usize, a: char, b: char) -> bool {
        self.is_punct(i, a) && self.is_punct(i + 1, b) && self.toks[i].end == self.toks[i + 1].start
    }

    /// True when token `i` opens a group with `delim` (`(`, `[` or `{`).
    pub fn is_open(&self, i: usize, delim: char) -> bool {
        self.kind(i) == Some(Kind::Open(delim))
    }

    /// The index of the partner of bracket `i`.
    pub fn pair(&self, i: usize) -> usize {
        self.toks[i].pair as usize
    }

    /// The index after token `i`, skipping a whole group when `i` opens one.
    pub fn next(&self, i: usize) -> usize {
        match self.kind(i) {
            Some(Kind::Open(_)) => self.pair(i) + 1,
            _ => i + 1,
        }
    }

    /// When token `i` starts an attribute (`#[..]`, `#![..]`), the index of its `[`.
    pub fn attribute(&self, i: usize) -> Option<usize> {
        if !self.is_punct(i, '#') {
            return None;
        }
        let open = if self.is_punct(i + 1, '!') {
            i + 2
        } else {
            i + 1
        };
        self.is_open(open, '[').then_some(open)
    }

    /// When the outer attributes starting at `i` keep their item out of a production
    /// build ([`Tokens::excludes_from_production`]), the index after that item, never
    /// past `end`.
    #[inline]
    pub fn excluded_item_end(&self, i: usize, end: usize) -> Option<usize> {
        // Asked of every token by some readers: most start no attribute.
        if !self.is_punct(i, '#') {
            return None;
        }
        self.excluded_attributed_item_end(i, end)
    }

    /// [`Tokens::excluded_item_end`] at a `#`.
    fn excluded_attributed_item_end(&self, i: usize, end: usize) -> Option<usize> {
        let mut excluded = false;
        let at = self.outer_attributes(i, end, |open| {
            excluded |= self.excludes_from_production(open);
        });
        excluded.then(|| self.attributed_end(at, end, false))
    }

    /// Call `f` with the `[` of each outer attribute of the run starting at `i` (before
    /// `end`); returns the index after the run.
    fn outer_attributes(&self, i: usize, end: usize, mut f: impl FnMut(usize)) -> usize {
        let mut at = i;
        while at < end
            && !self.is_punct(at + 1, '!')
            && let Some(open) = self.attribute(at)
        {
            f(open);
            at = self.pair(open) + 1;
        }
        at
    }

    /// The index after the construct at `at` that attributes apply to, never past `end`:
    /// a block statement ends at its brace (`#[cfg(not(unix))] { … }`), anything else at
    /// its item end, or with `arm`, at a `,` before it (a match arm).
    fn attributed_end(&self, at: usize, end: usize, arm: bool) -> usize {
        if self.is_open(at, '{') {
            return (self.pair(at) + 1).min(end);
        }
        let stop = self.item_end(at, end);
        if !arm {
            return stop;
        }
        let mut j = at;
        while j < stop && !self.is_punct(j, ',') {
            j = self.next(j);
        }
        j.min(stop)
    }

    /// True when the attribute whose `[` is at `open` keeps its item out of a production
    /// build for a Linux server: test attributes (`#[test]`, `#[tokio::test]`), and a `cfg`
    /// whose predicate is false there (`#[cfg(test)]`, `#[cfg(windows)]`,
    /// `#[cfg(target_os = "macos")]`, `#[cfg(all(unix, test))]`, a test-support feature
    /// such as `#[cfg(feature = "test_mode")]`). Predicates on other features and
    /// settings are unknown, so their items count as production.
    pub fn excludes_from_production(&self, open: usize) -> bool {
        self.test_or_cfg(open)
            .is_some_and(|cfg| cfg.is_none_or(|(from, to)| self.cfg_holds(from, to) == Some(false)))
    }

    /// For the attribute whose `[` is at `open`: `Some(None)` for a test attribute (its
    /// path ends in `test`), `Some(Some(range))` for a `cfg(..)` with its predicate's token
    /// range, `None` for any other attribute.
    fn test_or_cfg(&self, open: usize) -> Option<Option<(usize, usize)>> {
        let (path, after) = self.path(open + 1);
        let path = self.names(&path);
        if path.last() == Some(&"test") {
            return Some(None);
        }
        (path == ["cfg"] && self.is_open(after, '(')).then(|| Some((after + 1, self.pair(after))))
    }

    /// True when the attribute whose `[` is at `open` marks test code: a path ending
    /// in `test` (`#[test]`, `#[tokio::test]`), or a `cfg` naming `test` or a test-support
    /// feature ([`is_test_feature`]) and no `not`.
    pub fn marks_test_code(&self, open: usize) -> bool {
        self.test_or_cfg(open).is_some_and(|cfg| {
            cfg.is_none_or(|(from, to)| {
                let mut idents = (from..to).filter_map(|i| self.ident(i));
                let test_feature = (from..to).any(|i| {
                    self.is_ident(i, "feature")
                        && self.is_punct(i + 1, '=')
                        && self.str_value(i + 2).is_some_and(|f| is_test_feature(&f))
                });
                (test_feature || idents.clone().any(|w| w == "test")) && !idents.any(|w| w == "not")
            })
        })
    }

    /// For each byte offset of `offsets`, the Cargo-feature predicates of the
    /// `#[cfg(..)]` attributes whose item, statement, block or match arm holds it: the
    /// code there is compiled only when they hold. A construct ends at its `;`, its body,
    /// a `,` outside brackets, or its enclosing group, whichever comes first. One pass
    /// over the tokens serves every offset.
    pub fn feature_cfgs_at(&self, offsets: &[usize]) -> Vec<Vec<FeatureCfg>> {
        let mut order: Vec<usize> = (0..offsets.len()).collect();
        order.sort_by_key(|&k| offsets[k]);
        let mut found = vec![Vec::new(); offsets.len()];
        // Constructs under a feature `cfg` that started before the offset being
        // answered, with the byte they end at.
        let mut active: Vec<(Vec<FeatureCfg>, usize)> = Vec::new();
        // The closing tokens of the groups open at `i`.
        let mut closes: Vec<usize> = Vec::new();
        // The end of the run of attributes last read: each run is read once.
        let mut read_to = 0;
        let mut i = 0;
        for k in order {
            let offset = offsets[k];
            while i < self.len() && self.toks[i].start as usize <= offset {
                match self.kind(i) {
                    Some(Kind::Open(_)) => closes.push(self.pair(i)),
                    Some(Kind::Close(_)) => {
                        closes.pop();
                    }
                    Some(Kind::Punct('#')) if i >= read_to && !self.is_punct(i + 1, '!') => {
                        let (attrs_end, gated) = self.feature_cfgs_of(i, closes.last().copied());
                        read_to = attrs_end;
                        if let Some((cfgs, end)) = gated {
                            let end = self
                                .toks
                                .get(end)
                                .map_or(self.text.len(), |t| t.start as usize);
                            active.push((cfgs, end));
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            active.retain(|(_, end)| offset < *end);
            found[k] = active
                .iter()
                .flat_map(|(cfgs, _)| cfgs.iter().cloned())
                .collect();
        }
        found
    }

    /// For the outer attributes starting at `i` (inside a group closing at `close`): the
    /// index after them, and when one of them is a `cfg` naming a feature, their feature
    /// predicates with the index after the construct they apply to.
    fn feature_cfgs_of(
        &self,
        i: usize,
        close: Option<usize>,
    ) -> (usize, Option<(Vec<FeatureCfg>, usize)>) {
        let end = close.unwrap_or(self.len());
        let mut cfgs = Vec::new();
        let at = self.outer_attributes(i, end, |open| cfgs.extend(self.feature_cfg(open)));
        if cfgs.is_empty() {
            return (at, None);
        }
        (at, Some((cfgs, self.attributed_end(at, end, true))))
    }

    /// The value of the cfg predicate in tokens `from..to` for a Linux production build:
    /// `Some(false)` when it cannot hold, `None` when it depends on something unknown
    /// (a feature, a setting).
    fn cfg_holds(&self, from: usize, to: usize) -> Option<bool> {
        self.cfg_predicate(from, to).holds(&|_| None)
    }

    /// The Cargo-feature predicate of the attribute whose `[` is at `open` when it is a
    /// `cfg(..)` that names a feature (`#[cfg(feature = "sql")]`,
    /// `#[cfg(not(feature = "sql"))]`); `None` for any other attribute.
    pub fn feature_cfg(&self, open: usize) -> Option<FeatureCfg> {
        let (from, to) = self.test_or_cfg(open)??;
        let cfg = self.cfg_predicate(from, to);
        cfg.names_a_feature().then_some(cfg)
    }

    /// The cfg predicate in tokens `from..to`, with everything but Cargo features
    /// valued for a Linux production build.
    fn cfg_predicate(&self, from: usize, to: usize) -> FeatureCfg {
        let Some(name) = self.ident(from) else {
            return FeatureCfg::Other(None);
        };
        if self.is_open(from + 1, '(') {
            let close = self.pair(from + 1).min(to);
            let mut args = Vec::new();
            let mut test_support = false;
            let mut start = from + 2;
            let mut j = start;
            while j <= close {
                if j == close || self.is_punct(j, ',') {
                    if start < j {
                        args.push(self.cfg_predicate(start, j));
                        test_support |= j == start + 1 && self.is_ident(start, "test");
                    }
                    start = j + 1;
                    j += 1;
                } else {
                    j = self.next(j);
                }
            }
            return match name {
                "not" => FeatureCfg::Not(Box::new(
                    args.into_iter().next().unwrap_or(FeatureCfg::Other(None)),
                )),
                // `any(test, feature = "testsuite")`: test support shared through a feature.
                "any" if test_support => FeatureCfg::Other(Some(false)),
                "any" => FeatureCfg::Any(args),
                "all" => FeatureCfg::All(args),
                _ => FeatureCfg::Other(None),
            };
        }
        if self.is_punct(from + 1, '=') {
            let Some(value) = self.str_value(from + 2) else {
                return FeatureCfg::Other(None);
            };
            return FeatureCfg::Other(match name {
                "feature" if is_test_feature(&value) => Some(false),
                "feature" => return FeatureCfg::Feature(value.into()),
                "target_os" => Some(value == "linux"),
                "target_family" => Some(value == "unix"),
                "target_arch" if value.starts_with("wasm") => Some(false),
                _ => None,
            });
        }
        FeatureCfg::Other(match name {
            // Set only by test tools: cargo-fuzz (`fuzzing`), loom and kani runs; and by
            // debug builds (`debug_assertions`), while servers ship `--release` builds.
            "test" | "windows" | "doctest" | "miri" | "fuzzing" | "loom" | "kani"
            | "debug_assertions" => Some(false),
            "unix" => Some(true),
            _ => None,
        })
    }

    /// The identifiers of tokens `idx`.
    pub fn names(&self, idx: &[usize]) -> Vec<&'a str> {
        idx.iter().filter_map(|&i| self.ident(i)).collect()
    }

    /// The path starting at `i` (`a::b::c`, turbofish arguments skipped): the
    /// indices of its segments and the index after it.
    pub fn path(&self, mut i: usize) -> (Vec<usize>, usize) {
        let mut segments = Vec::new();
        if self.is_joint(i, ':', ':') {
            i += 2;
        }
        while self.ident(i).is_some() {
            segments.push(i);
            i += 1;
            if !self.is_joint(i, ':', ':') {
                break;
            }
            if self.is_punct(i + 2, '<') {
                i = self.angle_end(i + 2);
                if !self.is_joint(i, ':', ':') {
                    break;
                }
            }
            i += 2;
        }
        (segments, i)
    }

    /// The index after the generic arguments opened by the `<` at `i` (`->` and
    /// `=>` are not closers); stops at the end of the enclosing group.
    pub fn angle_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        let mut j = i;
        while let Some(kind) = self.kind(j) {
            match kind {
                Kind::Punct('<') => depth += 1,
                Kind::Punct('>')
                    if !(self.is_punct(j.wrapping_sub(1), '-')
                        || self.is_punct(j.wrapping_sub(1), '=')) =>
                {
                    depth -= 1;
                    if depth == 0 {
                        return j + 1;
                    }
                }
                Kind::Punct(';') | Kind::Close(_) => return j,
                _ => {}
            }
            j = self.next(j);
        }
        j
    }

    /// The keyword naming the item at `i` (`fn`, `impl`, `mod`, …), past visibility
    /// and qualifiers (`pub(crate) async unsafe extern "C" fn`).
    pub fn item_keyword(&self, mut i: usize, end: usize) -> Option<usize> {
        while i < end {
            match self.ident(i) {
                Some("pub") => {
                    i = if self.is_open(i + 1, '(') {
                        self.pair(i + 1) + 1
                    } else {
                        i + 1
                    }
                }
                Some("async" | "unsafe" | "default" | "safe") => i += 1,
                Some("const")
                    if matches!(
                        self.ident(i + 1),
                        Some("fn" | "async" | "unsafe" | "extern")
                    ) =>
                {
                    i += 1;
                }
                Some("extern")
                    if matches!(self.kind(i + 1), Some(Kind::Str | Kind::RawStr))
                        || self.is_ident(i + 1, "fn") =>
                {
                    i += if self.is_ident(i + 1, "fn") { 1 } else { 2 };
                }
                Some(_) => return Some(i),
                None => return None,
            }
        }
        None
    }

    /// The index after the item or statement starting at `i` (its attributes
    /// already passed), never past `end`, the end of the enclosing group.
    pub fn item_end(&self, i: usize, end: usize) -> usize {
        const BRACED: &[&str] = &[
            "fn",
            "mod",
            "impl",
            "trait",
            "struct",
            "enum",
            "union",
            "extern",
            "macro_rules",
        ];
        let mut braced = false;
        // After `=` a value follows (`static M: Map = phf_map! { … };`): its braces do
        // not end the item, its `;` does.
        let mut assigned = false;
        let mut j = i;
        while j < end {
            match self.kind(j) {
                Some(Kind::Punct(';')) => return j + 1,
                Some(Kind::Punct('=')) => {
                    braced = false;
                    assigned = true;
                }
                Some(Kind::Punct('!'))
                    if !assigned && j > i && self.kind(j - 1) == Some(Kind::Ident) =>
                {
                    braced = true;
                }
                Some(Kind::Ident) if BRACED.contains(&self.text(j)) => braced = true,
                Some(Kind::Open('{')) if braced => return self.pair(j) + 1,
                Some(Kind::Close(_)) | None => return j,
                _ => {}
            }
            j = self.next(j);
        }
        end
    }

    /// The value of a string literal token (escapes resolved), `None` for other tokens.
    pub fn str_value(&self, i: usize) -> Option<Cow<'a, str>> {
        let kind = self.kind(i)?;
        if !matches!(kind, Kind::Str | Kind::RawStr) {
            return None;
        }
        let text = self.text(i);
        // The closing quote is the last one: a suffix (`"x"suffix`) has none.
        let close = text.rfind('"')?;
        match kind {
            Kind::Str => Some(unescape(text.get(1..close)?)),
            Kind::RawStr => {
                let hashes = text[1..].bytes().take_while(|b| *b == b'#').count();
                text.get(2 + hashes..close).map(Cow::Borrowed)
            }
            _ => None,
        }
    }
}

/// Lex `text` (a shebang line and a BOM are skipped).
pub fn lex(text: &str) -> Result<Tokens<'_>, LexError> {
    let mut l = Lexer {
        src: text.as_bytes(),
        text,
        pos: 0,
        toks: Vec::with_capacity(text.len() / 4),
        open: Vec::new(),
        depth: RustDepth::default(),
        too_deep: None,
    };
    if text.starts_with('\u{feff}') {
        l.pos = 3;
    }
    if text[l.pos..].starts_with("#!") && !text[l.pos + 2..].trim_start().starts_with('[') {
        l.pos = text[l.pos..].find('\n').map_or(text.len(), |n| l.pos + n);
    }
    l.run()?;
    Ok(Tokens { text, toks: l.toks })
}

struct Lexer<'a> {
    src: &'a [u8],
    text: &'a str,
    pos: usize,
    toks: Vec<Tok>,
    /// Indices of the brackets still open.
    open: Vec<usize>,
    depth: RustDepth,
    /// Where the file first became too deep to parse safely.
    too_deep: Option<usize>,
}

/// The Rust guard, fed each token as the lexer makes it: refuses a file that nests
/// brackets deeper than [`MAX_NESTING`], or chains more than [`MAX_OPERATOR_RUN`]
/// operators or keywords without a `;`, `,` or brace (a lexical over-estimate of how deep
/// syn would recurse). Comments and literals never count.
#[derive(Default)]
struct RustDepth {
    run: usize,
}

impl RustDepth {
    /// Admit a token of `kind` (with its `text` when an identifier), with `depth`
    /// brackets open after it; false when the file is too deep.
    fn admit(&mut self, kind: Kind, text: &str, depth: usize) -> bool {
        let counts = match kind {
            Kind::Open(_) if depth > MAX_NESTING => return false,
            Kind::Open('{') | Kind::Close('}') | Kind::Punct(';' | ',') => {
                self.run = 0;
                false
            }
            Kind::Punct(c) => matches!(
                c,
                '!' | '-'
                    | '*'
                    | '&'
                    | '|'
                    | '='
                    | '<'
                    | '>'
                    | '.'
                    | '+'
                    | '/'
                    | '%'
                    | '^'
                    | '?'
                    | '#'
                    | '@'
            ),
            // The keywords are two to six bytes long.
            Kind::Ident => {
                text.len() <= 6
                    && matches!(
                        text,
                        "return"
                            | "break"
                            | "move"
                            | "ref"
                            | "mut"
                            | "const"
                            | "dyn"
                            | "impl"
                            | "fn"
                            | "async"
                            | "box"
                            | "yield"
                            | "static"
                    )
            }
            _ => false,
        };
        if counts {
            self.run += 1;
        }
        self.run <= MAX_OPERATOR_RUN
    }
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_continue(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer<'_> {
    fn err<T>(&self, offset: usize, message: &str) -> Result<T, LexError> {
        Err(LexError {
            offset,
            message: message.to_string(),
        })
    }

    fn byte(&self, at: usize) -> u8 {
        self.src.get(at).copied().unwrap_or(0)
    }

    fn char_at(&self, at: usize) -> Option<char> {
        self.text.get(at..)?.chars().next()
    }

    fn push(&mut self, kind: Kind, start: usize, end: usize) {
        let word = if kind == Kind::Ident {
            &self.text[start..end]
        } else {
            ""
        };
        if !self.depth.admit(kind, word, self.open.len()) {
            self.too_deep.get_or_insert(start);
        }
        self.toks.push(Tok {
            kind,
            start: start as u32,
            end: end as u32,
            pair: 0,
        });
        self.pos = end;
    }

    fn run(&mut self) -> Result<(), LexError> {
        while self.pos < self.src.len() {
            if let Some(at) = self.too_deep {
                return self.err(at, &too_deep_message());
            }
            let start = self.pos;
            let b = self.src[start];
            match b {
                b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                    let run = self.src[start..]
                        .iter()
                        .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c));
                    self.pos = run.map_or(self.src.len(), |n| start + n);
                }
                b'/' if self.byte(start + 1) == b'/' => {
                    self.pos = memchr_newline(self.src, start);
                }
                b'/' if self.byte(start + 1) == b'*' => self.block_comment()?,
                b'"' => {
                    let end = self.quoted(start + 1, b'"')?;
                    self.push(Kind::Str, start, end);
                }
                b'\'' => self.quote_or_lifetime()?,
                b'0'..=b'9' => {
                    let end = self.number(start);
                    self.push(Kind::OtherLit, start, end);
                }
                b'(' | b'[' | b'{' => {
                    self.open.push(self.toks.len());
                    self.push(Kind::Open(b as char), start, start + 1);
                }
                b')' | b']' | b'}' => self.close(b as char, start)?,
                _ if b.is_ascii_alphabetic() || b == b'_' || b >= 0x80 => self.word(start)?,
                _ => self.push(Kind::Punct(b as char), start, start + 1),
            }
        }
        if let Some(at) = self.too_deep {
            return self.err(at, &too_deep_message());
        }
        match self.open.last() {
            Some(&i) => self.err(self.toks[i].start as usize, "this bracket is never closed"),
            None => Ok(()),
        }
    }

    fn close(&mut self, c: char, at: usize) -> Result<(), LexError> {
        let want = match c {
            ')' => '(',
            ']' => '[',
            _ => '{',
        };
        let Some(open) = self.open.pop() else {
            return self.err(at, "unexpected closing bracket");
        };
        if self.toks[open].kind != Kind::Open(want) {
            return self.err(at, "mismatched closing bracket");
        }
        let me = self.toks.len();
        self.toks[open].pair = me as u32;
        self.push(Kind::Close(c), at, at + 1);
        self.toks[me].pair = open as u32;
        Ok(())
    }

    fn block_comment(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut i = start;
        while let Some(n) = memchr::memchr2(b'/', b'*', &self.src[i..]) {
            i += n;
            if i + 1 >= self.src.len() {
                break;
            }
            match (self.src[i], self.src[i + 1]) {
                (b'/', b'*') => {
                    depth += 1;
                    i += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        self.pos = i;
                        return Ok(());
                    }
                }
                _ => i += 1,
            }
        }
        self.err(start, "unterminated block comment")
    }

    /// The end of a quoted literal whose body starts at `from` (escapes honoured).
    fn quoted(&self, from: usize, quote: u8) -> Result<usize, LexError> {
        let mut i = from;
        while let Some(n) = self
            .src
            .get(i..)
            .and_then(|rest| memchr::memchr2(b'\\', quote, rest))
        {
            i += n;
            if self.src[i] == quote {
                return Ok(self.suffix(i + 1));
            }
            i += 2;
        }
        self.err(from - 1, "unterminated string literal")
    }

    /// The end of a raw string starting at `from` (at the `#`s or the quote).
    fn raw(&self, start: usize, from: usize) -> Result<usize, LexError> {
        let hashes = self.src[from..].iter().take_while(|b| **b == b'#').count();
        if self.byte(from + hashes) != b'"' {
            return self.err(start, "invalid raw string literal");
        }
        let mut closing = String::from("\"");
        closing.push_str(&"#".repeat(hashes));
        match self.text[from + hashes + 1..].find(&closing) {
            Some(n) => Ok(self.suffix(from + hashes + 1 + n + closing.len())),
            None => self.err(start, "unterminated raw string literal"),
        }
    }

    /// Skip a literal suffix (`"x"suffix`, `1u8`).
    fn suffix(&self, i: usize) -> usize {
        if self.char_at(i).is_some_and(is_ident_start) {
            self.ident_end(i)
        } else {
            i
        }
    }

    /// The end of the identifier characters from `i` (ASCII read byte by byte, the rest
    /// decoded).
    fn ident_end(&self, mut i: usize) -> usize {
        loop {
            i += self.src.get(i..).map_or(0, |rest| {
                rest.iter()
                    .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                    .count()
            });
            if self.byte(i) < 0x80 {
                return i;
            }
            match self.char_at(i).filter(|c| is_ident_continue(*c)) {
                Some(c) => i += c.len_utf8(),
                None => return i,
            }
        }
    }

    fn number(&self, start: usize) -> usize {
        let mut i = start;
        let hex = self.src[start..].starts_with(b"0x");
        loop {
            match self.byte(i) {
                b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    let exp = !hex && matches!(self.byte(i), b'e' | b'E');
                    i += 1;
                    if exp && matches!(self.byte(i), b'+' | b'-') {
                        i += 1;
                    }
                }
                b'.' if self.byte(i + 1).is_ascii_digit()
                    && !self.src[start..i].contains(&b'.') =>
                {
                    i += 1;
                }
                // `1.` is a float unless a method, field or range follows.
                b'.' if !matches!(self.byte(i + 1), b'.' | b'_')
                    && !self.char_at(i + 1).is_some_and(is_ident_start)
                    && !self.src[start..i].contains(&b'.') =>
                {
                    return i + 1;
                }
                _ => return i,
            }
        }
    }

    fn quote_or_lifetime(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let Some(c) = self.char_at(start + 1) else {
            return self.err(start, "unterminated character literal");
        };
        let after = start + 1 + c.len_utf8();
        if c == '\\' {
            let end = self.quoted(start + 1, b'\'')?;
            self.push(Kind::OtherLit, start, end);
        } else if self.byte(after) == b'\'' {
            let end = self.suffix(after + 1);
            self.push(Kind::OtherLit, start, end);
        } else if is_ident_start(c) {
            let mut i = after;
            if c == 'r' && self.byte(i) == b'#' {
                i += 1;
            }
            let i = self.ident_end(i);
            self.push(Kind::Lifetime, start, i);
        } else {
            return self.err(start, "invalid character literal");
        }
        Ok(())
    }

    /// An identifier, or a literal with a letter prefix (`b"…"`, `r#"…"#`, `c"…"`, `b'x'`).
    fn word(&mut self, start: usize) -> Result<(), LexError> {
        let b = self.src[start];
        if b >= 0x80 {
            let Some(first) = self.char_at(start) else {
                return self.err(start, "invalid UTF-8");
            };
            if !is_ident_start(first) {
                if first.is_whitespace() {
                    self.pos = start + first.len_utf8();
                } else {
                    self.push(Kind::Punct(first), start, start + first.len_utf8());
                }
                return Ok(());
            }
        } else if matches!(b, b'r' | b'b' | b'c') && self.prefixed_literal(start)? {
            return Ok(());
        }
        let mut i = start;
        if b == b'r'
            && self.byte(start + 1) == b'#'
            && self.char_at(start + 2).is_some_and(is_ident_start)
        {
            i += 2;
        }
        let i = self.ident_end(i);
        self.push(Kind::Ident, start, i);
        Ok(())
    }

    /// A literal with a letter prefix at `start` (`r"…"`, `r#"…"#`, `br"…"`, `cr"…"`,
    /// `b"…"`, `c"…"`, `b'x'`), pushed; false when the word there is not one.
    fn prefixed_literal(&mut self, start: usize) -> Result<bool, LexError> {
        let rest = &self.src[start..];
        let prefixed = |p: &[u8]| rest.starts_with(p);
        if prefixed(b"r\"") || prefixed(b"r#\"") || prefixed(b"r##") {
            let end = self.raw(start, start + 1)?;
            self.push(Kind::RawStr, start, end);
            return Ok(true);
        }
        for p in [&b"br"[..], b"cr"] {
            if prefixed(p) && matches!(self.byte(start + 2), b'"' | b'#') {
                let end = self.raw(start, start + 2)?;
                self.push(Kind::OtherLit, start, end);
                return Ok(true);
            }
        }
        if (prefixed(b"b") || prefixed(b"c")) && matches!(self.byte(start + 1), b'"' | b'\'') {
            let quote = self.byte(start + 1);
            let end = self.quoted(start + 2, quote)?;
            self.push(Kind::OtherLit, start, end);
            return Ok(true);
        }
        Ok(false)
    }
}

fn memchr_newline(src: &[u8], from: usize) -> usize {
    memchr::memchr(b'\n', &src[from..]).map_or(src.len(), |n| from + n)
}

/// Resolve the escapes of a string literal's body.
fn unescape(body: &str) -> Cow<'_, str> {
    if !body.contains('\\') && !body.contains('\r') {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some('t') => out.push('\t'),
            Some('0') => out.push('\0'),
            Some('x') => {
                let hex: String = chars.by_ref().take(2).collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some('u') => {
                let hex: String = chars
                    .by_ref()
                    .skip_while(|c| *c == '{')
                    .take_while(|c| *c != '}')
                    .filter(|c| *c != '_')
                    .collect();
                if let Some(c) = u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                    out.push(c);
                }
            }
            Some('\n' | '\r') => {
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            Some(other) => out.push(other),
            None => {}
        }
    }
    Cow::Owned(out)
}

/// True for a Cargo feature that switches on test or benchmark support (`test_mode`,
/// `test-utils`, `testing`, `e2e`, `bench`, and `divan` or `criterion`, which turn on
/// that benchmark harness): a part of its name says so, and a release build does not
/// enable it.
pub fn is_test_feature(name: &str) -> bool {
    name.split(['_', '-']).any(|part| {
        matches!(
            part.to_ascii_lowercase().as_str(),
            "test"
                | "tests"
                | "testing"
                | "testsuite"
                | "testutils"
                | "testutil"
                | "e2e"
                | "bench"
                | "benches"
                | "benchmark"
                | "benchmarks"
                | "criterion"
                | "divan"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(src: &str) -> Vec<(Kind, &str)> {
        let t = lex(src).unwrap();
        (0..t.len())
            .map(|i| (t.kind(i).unwrap(), t.text(i)))
            .collect()
    }

    #[test]
    fn items_end_at_their_semicolon_or_body() {
        fn ends(src: &str) -> Vec<&str> {
            let t = lex(src).unwrap();
            let mut i = 0;
            let mut items = Vec::new();
            while i < t.len() {
                let end = t.item_end(i, t.len());
                items.push(&src[t.span(i).start..t.span(end - 1).end]);
                i = end;
            }
            items
        }
        assert_eq!(
            ends("static M: Map = phf_map! { \"a\" => 1 }; fn f() {}"),
            ["static M: Map = phf_map! { \"a\" => 1 };", "fn f() {}"]
        );
        assert_eq!(
            ends("lazy_static! { static ref X: u8 = 1; } const C: S = S { a: 1 };"),
            [
                "lazy_static! { static ref X: u8 = 1; }",
                "const C: S = S { a: 1 };"
            ]
        );
    }

    #[test]
    fn lexes_literals_lifetimes_and_comments() {
        let src = "fn f<'a>(x: &'a str) -> char { /* a /* nested */ c */ let c = 'x'; r#\"q\"#; b\"b\"; 1.0e-3; 0..2; x.0.1; '\\''; r#type // end\n}";
        let k = kinds(src);
        assert!(k.contains(&(Kind::Lifetime, "'a")));
        assert!(k.contains(&(Kind::OtherLit, "'x'")));
        assert!(k.contains(&(Kind::RawStr, "r#\"q\"#")));
        assert!(k.contains(&(Kind::OtherLit, "b\"b\"")));
        assert!(k.contains(&(Kind::OtherLit, "1.0e-3")));
        assert!(k.contains(&(Kind::OtherLit, "0")));
        assert!(k.contains(&(Kind::OtherLit, "0.1")));
        assert!(k.contains(&(Kind::OtherLit, "'\\''")));
        assert!(k.contains(&(Kind::Ident, "r#type")));
        assert!(
            !k.iter()
                .any(|(_, t)| t.contains("nested") || t.contains("end"))
        );
        assert_eq!(
            k.iter().filter(|(k, _)| *k == Kind::Punct('.')).count(),
            3,
            "`0..2` and `x.0.1`: {k:?}"
        );
    }

    #[test]
    fn brackets_pair_up() {
        let t = lex("a(b[c]{d})").unwrap();
        assert_eq!(t.pair(1), 9);
        assert_eq!(t.pair(9), 1);
        assert_eq!(t.next(1), 10);
        assert_eq!(t.pair(3), 5);
    }

    #[test]
    fn string_values() {
        let t = lex(r###"("a\"b\n\x41\u{1F600}", r#"raw "x""#, "line \
            continued")"###)
        .unwrap();
        assert_eq!(t.str_value(1).unwrap(), "a\"b\nA😀");
        assert_eq!(t.str_value(3).unwrap(), "raw \"x\"");
        assert_eq!(t.str_value(5).unwrap(), "line continued");
        let suffixed = lex("\"x\"é r\"y\"_s").unwrap();
        assert_eq!(suffixed.str_value(0).unwrap(), "x");
        assert_eq!(suffixed.str_value(1).unwrap(), "y");
    }

    #[test]
    fn test_attributes_as_the_tree_strips_them() {
        let marks = |attr: &str| {
            let src = format!("{attr}\nfn f() {{}}\n");
            let t = lex(&src).unwrap();
            t.marks_test_code(t.attribute(0).unwrap())
        };
        for attr in [
            "#[test]",
            "#[tokio::test]",
            "#[cfg(test)]",
            "#[cfg(all(unix, test))]",
        ] {
            assert!(marks(attr), "{attr}");
        }
        for attr in [
            "#[cfg(not(test))]",
            "#[cfg(windows)]",
            "#[inline]",
            "#[cfg_attr(test, x)]",
        ] {
            assert!(!marks(attr), "{attr}");
        }
    }

    #[test]
    fn cfg_predicates_for_a_linux_production_build() {
        let excluded = |attr: &str| {
            let src = format!("{attr}\nfn f() {{}}\n");
            let t = lex(&src).unwrap();
            let open = t.attribute(0).unwrap();
            t.excludes_from_production(open)
        };
        for attr in [
            "#[test]",
            "#[tokio::test]",
            "#[cfg(test)]",
            "#[cfg(windows)]",
            "#[cfg(target_os = \"macos\")]",
            "#[cfg(not(unix))]",
            "#[cfg(all(unix, test))]",
            "#[cfg(debug_assertions)]",
            "#[cfg(any(windows, target_os = \"ios\"))]",
            "#[cfg(target_arch = \"wasm32\")]",
            "#[cfg(any(test, feature = \"testsuite\"))]",
            "#[cfg(feature = \"test_mode\")]",
            "#[cfg(feature = \"test-utils\")]",
            "#[cfg(feature = \"divan\")]",
            "#[cfg(feature = \"bench\")]",
        ] {
            assert!(excluded(attr), "{attr}");
        }
        for attr in [
            "#[cfg(not(test))]",
            "#[cfg(unix)]",
            "#[cfg(target_os = \"linux\")]",
            "#[cfg(feature = \"postgres\")]",
            "#[cfg(feature = \"attestation\")]",
            "#[cfg(feature = \"benchmarking_ui\")]",
            "#[cfg(not(feature = \"test_mode\"))]",
            "#[cfg(not(debug_assertions))]",
            "#[derive(Debug)]",
        ] {
            assert!(!excluded(attr), "{attr}");
        }
    }

    #[test]
    fn feature_cfgs_of_the_constructs_around_an_offset() {
        let src = "#[cfg(feature = \"a\")]\nmod m {\n    fn f() {\n        #[cfg(feature = \"b\")]\n        write(\"x\");\n        write(\"y\");\n        match k {\n            #[cfg(feature = \"c\")]\n            A => write(\"z\"),\n            B => write(\"w\"),\n        }\n    }\n}\nfn g() { write(\"v\"); }\n";
        let t = lex(src).unwrap();
        let at = |needle: &str| src.find(needle).unwrap();
        let names = |cfgs: &Vec<FeatureCfg>| -> Vec<String> {
            cfgs.iter()
                .map(|c| match c {
                    FeatureCfg::Feature(f) => f.to_string(),
                    other => format!("{other:?}"),
                })
                .collect()
        };
        let offsets = [
            at("\"v\""),
            at("\"x\""),
            at("\"w\""),
            at("\"y\""),
            at("\"z\""),
        ];
        let found: Vec<Vec<String>> = t.feature_cfgs_at(&offsets).iter().map(names).collect();
        assert_eq!(
            found,
            [vec![], vec!["a", "b"], vec!["a"], vec!["a"], vec!["a", "c"]]
        );
    }

    #[test]
    fn feature_predicates() {
        let cfg = |attr: &str| {
            let src = format!("{attr}\nfn f() {{}}\n");
            let t = lex(&src).unwrap();
            t.feature_cfg(t.attribute(0).unwrap())
        };
        let feature = |f: &str| FeatureCfg::Feature(f.into());
        assert_eq!(cfg("#[cfg(feature = \"sql\")]"), Some(feature("sql")));
        assert_eq!(
            cfg("#[cfg(all(unix, not(feature = \"sql\")))]"),
            Some(FeatureCfg::All(vec![
                FeatureCfg::Other(Some(true)),
                FeatureCfg::Not(Box::new(feature("sql"))),
            ]))
        );
        // Test-support features and other conditions are not Cargo features to judge.
        assert_eq!(cfg("#[cfg(feature = \"test-utils\")]"), None);
        assert_eq!(cfg("#[cfg(unix)]"), None);
        assert_eq!(cfg("#[derive(Debug)]"), None);
    }

    #[test]
    fn lexical_errors() {
        for (src, at) in [
            ("fn f() {", 7),
            ("fn f() ]", 7),
            ("let s = \"open", 8),
            ("/* open", 0),
            ("(]", 1),
        ] {
            assert_eq!(lex(src).err().map(|e| e.offset), Some(at), "{src}");
        }
        assert!(lex("#!/usr/bin/env run-cargo-script\nfn main() {}").is_ok());
        assert!(lex("\u{feff}fn main() {}").is_ok());
    }
}
